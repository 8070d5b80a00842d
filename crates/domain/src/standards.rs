//! 安全基準等と自己評価 — a sector's safety standard built on the Guideline, and an operator's
//! yearly self-assessment against it, with the gap analysis, prioritisation and treatment plan
//! of the Guideline's cycle (4. リスクマネジメントの活用と危機管理, seed 24329-24335: 自己評価 →
//! 差異の分析 → 優先順位付け → 具体的な対策の実施).
//!
//! - A CI ministry registers its sector's standard ([`SafetyStandard`]): one of the four kinds of
//!   安全基準等 ([`StandardKind`], Guideline 1.2, seed 23883-23895), the catalogue items it adopts
//!   (ids of `kakehashi_reference::Catalogue`) and items of its own.
//! - An operator assesses each adopted item for a fiscal year ([`ItemAssessment`]): status,
//!   current and target tier (1–4, the handbook's tiers), evidence links under a TLP, and a
//!   treatment plan with the fields of Guideline 4.3.3 (seed 24437-24451).
//! - [`gaps`] ranks the open items by the handbook's criteria (seed 25596-25628, 24411-24415):
//!   required before recommended, prevention and detection first, then risk, then cost.
//! - [`recurring_tasks`] lists the reminders the measures name (backups and restore tests,
//!   access reviews, supplier checks…), at least yearly.
//!
//! Who reads an assessment is the policy's (`kakehashi_policy::decide_assessment`).

use crate::ids::OrgId;
use crate::liaison::FieldError;
use crate::sharing::Tlp;
use kakehashi_reference::{Catalogue, Control, ControlLevel};
use serde::{Deserialize, Serialize};

/// 安全基準等の種類 (Guideline 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StandardKind {
    /// 関係法令に基づき国が定める「強制基準」.
    Mandatory,
    /// 関係法令に準じて国が定める「推奨基準」及び「ガイドライン」.
    StateGuideline,
    /// 関係法令や国民からの期待に応えるべく業界団体等が定める業界横断的な「業界標準」及び「ガイドライン」.
    IndustryStandard,
    /// 関係法令や国民・利用者等からの期待に応えるべく重要インフラ事業者等が自ら定める「内規」等.
    InternalRules,
}

impl StandardKind {
    pub const ALL: [StandardKind; 4] = [
        StandardKind::Mandatory,
        StandardKind::StateGuideline,
        StandardKind::IndustryStandard,
        StandardKind::InternalRules,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StandardKind::Mandatory => "mandatory",
            StandardKind::StateGuideline => "state_guideline",
            StandardKind::IndustryStandard => "industry_standard",
            StandardKind::InternalRules => "internal_rules",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            StandardKind::Mandatory => "強制基準",
            StandardKind::StateGuideline => "推奨基準・ガイドライン",
            StandardKind::IndustryStandard => "業界標準・ガイドライン",
            StandardKind::InternalRules => "内規等",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            StandardKind::Mandatory => "Mandatory standard",
            StandardKind::StateGuideline => "Recommended standard or guideline (state)",
            StandardKind::IndustryStandard => "Industry standard or guideline",
            StandardKind::InternalRules => "Internal rules",
        }
    }
}

/// An item the sector's standard adds beyond the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OwnItem {
    /// `S-1`, `S-2`… within the standard.
    pub id: String,
    pub title: String,
    pub text: String,
    /// `required` or `recommended`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub level: ControlLevel,
}

/// What a ministry submits to register or revise its sector's standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StandardInput {
    /// Sector id (`electric_power`).
    pub sector: String,
    pub kind: StandardKind,
    pub title: String,
    /// Catalogue ids adopted (Guideline items `G-…` and, as guidance, handbook examples).
    pub adopted: Vec<String>,
    #[serde(default)]
    pub own_items: Vec<OwnItem>,
}

/// A registered standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SafetyStandard {
    pub id: String,
    pub sector: String,
    pub kind: StandardKind,
    pub title: String,
    /// The catalogue edition the standard was built on.
    pub edition: String,
    pub adopted: Vec<String>,
    pub own_items: Vec<OwnItem>,
    /// The ministry that registered it.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub owner: OrgId,
}

impl SafetyStandard {
    /// Every item an operator assesses: the adopted catalogue ids, then the own items' ids.
    pub fn item_ids(&self) -> Vec<&str> {
        self.adopted
            .iter()
            .map(String::as_str)
            .chain(self.own_items.iter().map(|i| i.id.as_str()))
            .collect()
    }

    /// The level of an item: the catalogue's, or the own item's.
    pub fn level_of(&self, cat: &Catalogue, id: &str) -> Option<ControlLevel> {
        cat.control(id)
            .map(|c| c.level)
            .or_else(|| self.own_items.iter().find(|i| i.id == id).map(|i| i.level))
    }
}

const TITLE_MAX: usize = 200;
const TEXT_MAX: usize = 4000;

fn err(field: &'static str, rule: &'static str, ja: String, en: String) -> FieldError {
    FieldError {
        field,
        rule,
        message_ja: ja,
        message_en: en,
    }
}

fn text_field(field: &'static str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(err(
            field,
            "required",
            format!("{field} を入力してください。"),
            format!("{field} is required."),
        ));
    }
    if value.chars().count() > max {
        return Err(err(
            field,
            "too_long",
            format!("{field} は{max}文字以内で入力してください。"),
            format!("{field} must be at most {max} characters."),
        ));
    }
    Ok(())
}

/// Checks a standard against the catalogue: a title, at least one item, every adopted id in the
/// catalogue and no id twice, own items numbered `S-<n>` with a title, text and a level that is
/// required or recommended.
pub fn validate_standard(input: &StandardInput, cat: &Catalogue) -> Result<(), FieldError> {
    text_field("title", &input.title, TITLE_MAX)?;
    if input.adopted.is_empty() && input.own_items.is_empty() {
        return Err(err(
            "adopted",
            "required",
            "採用する項目を一つ以上選んでください。".into(),
            "Adopt at least one item.".into(),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for id in &input.adopted {
        if cat.control(id).is_none() {
            return Err(err(
                "adopted",
                "unknown_code",
                format!("{id} は対策カタログにありません。"),
                format!("{id} is not in the catalogue."),
            ));
        }
        if !seen.insert(id.as_str()) {
            return Err(err(
                "adopted",
                "duplicate",
                format!("{id} が重複しています。"),
                format!("{id} is listed twice."),
            ));
        }
    }
    for item in &input.own_items {
        let numbered = item
            .id
            .strip_prefix("S-")
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if !numbered {
            return Err(err(
                "own_items.id",
                "format",
                format!("独自項目の番号 {} は S-1 の形式で付けてください。", item.id),
                format!("Own item id {} must look like S-1.", item.id),
            ));
        }
        if !seen.insert(item.id.as_str()) {
            return Err(err(
                "own_items.id",
                "duplicate",
                format!("{} が重複しています。", item.id),
                format!("{} is listed twice.", item.id),
            ));
        }
        text_field("own_items.title", &item.title, TITLE_MAX)?;
        text_field("own_items.text", &item.text, TEXT_MAX)?;
        if !matches!(
            item.level,
            ControlLevel::Required | ControlLevel::Recommended
        ) {
            return Err(err(
                "own_items.level",
                "unknown_code",
                "独自項目の程度は required か recommended です。".into(),
                "An own item's level is required or recommended.".into(),
            ));
        }
    }
    Ok(())
}

/// 実施状況.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    NotImplemented,
    Partial,
    Implemented,
    /// 該当なし — with a reason.
    NotApplicable,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 4] = [
        ItemStatus::NotImplemented,
        ItemStatus::Partial,
        ItemStatus::Implemented,
        ItemStatus::NotApplicable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ItemStatus::NotImplemented => "not_implemented",
            ItemStatus::Partial => "partial",
            ItemStatus::Implemented => "implemented",
            ItemStatus::NotApplicable => "not_applicable",
        }
    }

    pub fn from_code(code: &str) -> Option<ItemStatus> {
        ItemStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ItemStatus::NotImplemented => "未実施",
            ItemStatus::Partial => "一部実施",
            ItemStatus::Implemented => "実施済",
            ItemStatus::NotApplicable => "該当なし",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ItemStatus::NotImplemented => "Not implemented",
            ItemStatus::Partial => "Partially implemented",
            ItemStatus::Implemented => "Implemented",
            ItemStatus::NotApplicable => "Not applicable",
        }
    }
}

/// Evidence as a link (URL + description) under a TLP of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceLink {
    pub url: String,
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "AMBER"))]
    pub tlp: Tlp,
}

/// 対応計画 — the fields of Guideline 4.3.3 (seed 24437-24451): target state, actions,
/// resources, owner, deadline and how results are evaluated; tracked to done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TreatmentPlan {
    pub target_state: String,
    pub actions: String,
    pub resources: String,
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub deadline: chrono::NaiveDate,
    pub evaluation: String,
    #[serde(default)]
    pub done: bool,
}

/// One item's assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemAssessment {
    /// Catalogue id or own item id of the standard.
    pub item: String,
    pub status: ItemStatus,
    /// Required for not applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Tier 1–4 now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_tier: Option<u8>,
    /// Tier 1–4 aimed at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_tier: Option<u8>,
    /// Risk if left open, 1 (low) – 3 (high); a prioritisation input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<u8>,
    /// Cost of closing the gap, 1 (low) – 3 (high).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceLink>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<TreatmentPlan>,
}

/// Checks one item's assessment: the item belongs to the standard, a reason for not
/// applicable, tiers and risk/cost within range, target not below current, evidence links
/// http(s) with a description, a plan's text fields filled.
pub fn validate_item(standard: &SafetyStandard, a: &ItemAssessment) -> Result<(), FieldError> {
    if !standard.item_ids().contains(&a.item.as_str()) {
        return Err(err(
            "item",
            "unknown_code",
            format!("{} はこの安全基準等の項目ではありません。", a.item),
            format!("{} is not an item of this standard.", a.item),
        ));
    }
    if a.status == ItemStatus::NotApplicable
        && a.reason.as_deref().is_none_or(|r| r.trim().is_empty())
    {
        return Err(err(
            "reason",
            "required",
            "該当なしとする理由を入力してください。".into(),
            "Give the reason the item does not apply.".into(),
        ));
    }
    if let Some(r) = &a.reason {
        if r.chars().count() > TEXT_MAX {
            return Err(err(
                "reason",
                "too_long",
                format!("reason は{TEXT_MAX}文字以内で入力してください。"),
                format!("reason must be at most {TEXT_MAX} characters."),
            ));
        }
    }
    for (field, v, max) in [
        ("current_tier", a.current_tier, 4),
        ("target_tier", a.target_tier, 4),
        ("risk", a.risk, 3),
        ("cost", a.cost, 3),
    ] {
        if let Some(v) = v {
            if !(1..=max).contains(&v) {
                return Err(err(
                    field,
                    "range",
                    format!("{field} は1から{max}の値です。"),
                    format!("{field} is between 1 and {max}."),
                ));
            }
        }
    }
    if let (Some(c), Some(t)) = (a.current_tier, a.target_tier) {
        if t < c {
            return Err(err(
                "target_tier",
                "order",
                "目標のティアは現在のティア以上にしてください。".into(),
                "The target tier must not be below the current tier.".into(),
            ));
        }
    }
    if a.evidence.len() > 20 {
        return Err(err(
            "evidence",
            "too_many",
            "証跡は20件までです。".into(),
            "At most 20 pieces of evidence.".into(),
        ));
    }
    for e in &a.evidence {
        let scheme_ok = e.url.starts_with("https://") || e.url.starts_with("http://");
        if !scheme_ok || e.url.chars().count() > 2000 || e.url.chars().any(char::is_whitespace) {
            return Err(err(
                "evidence.url",
                "format",
                "証跡のリンクは http:// か https:// で始まるURLにしてください。".into(),
                "An evidence link is a URL starting with http:// or https://.".into(),
            ));
        }
        text_field("evidence.description", &e.description, TITLE_MAX)?;
    }
    if let Some(p) = &a.plan {
        text_field("plan.target_state", &p.target_state, TEXT_MAX)?;
        text_field("plan.actions", &p.actions, TEXT_MAX)?;
        text_field("plan.resources", &p.resources, TEXT_MAX)?;
        text_field("plan.owner", &p.owner, TITLE_MAX)?;
        text_field("plan.evaluation", &p.evaluation, TEXT_MAX)?;
    }
    Ok(())
}

/// A fiscal year in the range the platform accepts.
pub fn validate_year(year: i32) -> Result<(), FieldError> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(err(
            "year",
            "range",
            "年度は2000から2100の値です。".into(),
            "The fiscal year is between 2000 and 2100.".into(),
        ))
    }
}

/// One open item of the gap analysis, with what ranks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub item: String,
    pub level: Option<ControlLevel>,
    pub status: Option<ItemStatus>,
    /// Target tier minus current tier (0 when either is unset and the item is implemented).
    pub tier_gap: u8,
    /// The item's function codes (first framework).
    pub functions: Vec<String>,
    /// Prevention or detection (CSF Protect / Detect).
    pub prevention_or_detection: bool,
    pub risk: Option<u8>,
    pub cost: Option<u8>,
    pub plan_done: bool,
}

impl Gap {
    /// The sort key of the handbook's criteria: required before recommended (own items by
    /// their level, examples after), prevention and detection first, higher risk first, lower
    /// cost first, larger gap first, then the item id for a stable order.
    fn key(&self) -> (u8, u8, u8, u8, u8, String) {
        let level = match self.level {
            Some(ControlLevel::Required) => 0,
            Some(ControlLevel::Recommended) => 1,
            Some(ControlLevel::Example) | Some(ControlLevel::Consideration) | None => 2,
        };
        (
            level,
            u8::from(!self.prevention_or_detection),
            3 - self.risk.unwrap_or(2).min(3),
            self.cost.unwrap_or(2),
            4 - self.tier_gap.min(4),
            self.item.clone(),
        )
    }
}

/// 差異の分析と優先順位付け — the items of `standard` still open in `items` (not assessed, not or
/// partly implemented, or below their target tier), ranked by [`Gap::key`]. Not applicable items
/// are no gap; an implemented item is one only while its tier is below target.
pub fn gaps(standard: &SafetyStandard, cat: &Catalogue, items: &[ItemAssessment]) -> Vec<Gap> {
    let mut out = Vec::new();
    for id in standard.item_ids() {
        let a = items.iter().find(|a| a.item == id);
        let status = a.map(|a| a.status);
        let tier_gap = a
            .and_then(|a| Some(a.target_tier?.saturating_sub(a.current_tier?)))
            .unwrap_or(0);
        let open = match status {
            None | Some(ItemStatus::NotImplemented) | Some(ItemStatus::Partial) => true,
            Some(ItemStatus::Implemented) => tier_gap > 0,
            Some(ItemStatus::NotApplicable) => false,
        };
        if !open {
            continue;
        }
        let functions: Vec<String> = cat
            .control(id)
            .map(|c| {
                cat.csf()
                    .functions_of(c)
                    .iter()
                    .map(|f| f.code.clone())
                    .collect()
            })
            .unwrap_or_default();
        let prevention_or_detection = functions.iter().any(|f| f == "PR" || f == "DE");
        out.push(Gap {
            item: id.to_owned(),
            level: standard.level_of(cat, id),
            status,
            tier_gap,
            functions,
            prevention_or_detection,
            risk: a.and_then(|a| a.risk),
            cost: a.and_then(|a| a.cost),
            plan_done: a.and_then(|a| a.plan.as_ref()).is_some_and(|p| p.done),
        });
    }
    out.sort_by_key(Gap::key);
    out
}

/// Per function: items, implemented (or not applicable), and the summed tier gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionSummary {
    pub function: String,
    pub items: usize,
    pub done: usize,
    pub tier_gap: u32,
}

/// The gap per function of the first framework (catalogue items only; own items have none).
pub fn by_function(
    standard: &SafetyStandard,
    cat: &Catalogue,
    items: &[ItemAssessment],
) -> Vec<FunctionSummary> {
    let mut out: Vec<FunctionSummary> = cat
        .csf()
        .functions
        .iter()
        .map(|f| FunctionSummary {
            function: f.code.clone(),
            items: 0,
            done: 0,
            tier_gap: 0,
        })
        .collect();
    for id in &standard.adopted {
        let Some(c) = cat.control(id) else { continue };
        let a = items.iter().find(|a| &a.item == id);
        for f in cat.csf().functions_of(c) {
            let Some(s) = out.iter_mut().find(|s| s.function == f.code) else {
                continue;
            };
            s.items += 1;
            if a.is_some_and(|a| {
                matches!(
                    a.status,
                    ItemStatus::Implemented | ItemStatus::NotApplicable
                )
            }) {
                s.done += 1;
            }
            s.tier_gap += u32::from(
                a.and_then(|a| Some(a.target_tier?.saturating_sub(a.current_tier?)))
                    .unwrap_or(0),
            );
        }
    }
    out
}

/// A recurring task a measure names, with its interval in months (at least yearly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecurringTask {
    pub item: String,
    pub title_ja: String,
    pub title_en: String,
    pub every_months: u8,
}

/// The recurring tasks of the adopted items: those the catalogue marks `periodic` or
/// `>=1/year`, and the Guideline items whose text asks for something 定期的に (periodically).
/// The seed fixes no interval but "at least once a year" (e.g. seed 26097, 26233, 26268), so
/// every task defaults to 12 months.
pub fn recurring_tasks(standard: &SafetyStandard, cat: &Catalogue) -> Vec<RecurringTask> {
    standard
        .adopted
        .iter()
        .filter_map(|id| cat.control(id))
        .filter(|c: &&Control| c.frequency.is_some() || c.text_ja.contains("定期的"))
        .map(|c| RecurringTask {
            item: c.id.clone(),
            title_ja: c.title_ja.clone(),
            title_en: c.title_en.clone(),
            every_months: 12,
        })
        .collect()
}

/// Whether a recurring task is due: never done, or last done `every_months` or more before
/// `today`.
pub fn task_due(
    last_done: Option<chrono::NaiveDate>,
    every_months: u8,
    today: chrono::NaiveDate,
) -> bool {
    match last_done {
        None => true,
        Some(d) => d
            .checked_add_months(chrono::Months::new(u32::from(every_months)))
            .is_none_or(|next| next <= today),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kakehashi_reference::embedded;

    fn standard(adopted: &[&str]) -> SafetyStandard {
        SafetyStandard {
            id: "s1".into(),
            sector: "electric_power".into(),
            kind: StandardKind::StateGuideline,
            title: "電力分野".into(),
            edition: "guideline-2023-07-04".into(),
            adopted: adopted.iter().map(|s| s.to_string()).collect(),
            own_items: vec![OwnItem {
                id: "S-1".into(),
                title: "独自".into(),
                text: "独自の対策".into(),
                level: ControlLevel::Required,
            }],
            owner: OrgId("meti".into()),
        }
    }

    fn item(id: &str, status: ItemStatus) -> ItemAssessment {
        ItemAssessment {
            item: id.into(),
            status,
            reason: None,
            current_tier: None,
            target_tier: None,
            risk: None,
            cost: None,
            evidence: vec![],
            plan: None,
        }
    }

    #[test]
    fn standard_validation_names_field_and_rule() {
        let cat = embedded().catalogue();
        let ok = StandardInput {
            sector: "electric_power".into(),
            kind: StandardKind::Mandatory,
            title: "t".into(),
            adopted: vec!["G-5.1.3.3-a".into()],
            own_items: vec![],
        };
        assert!(validate_standard(&ok, cat).is_ok());
        let mut bad = ok.clone();
        bad.adopted.push("G-9.9-z".into());
        assert_eq!(
            validate_standard(&bad, cat).expect_err("refused").rule,
            "unknown_code"
        );
        let mut dup = ok.clone();
        dup.adopted.push("G-5.1.3.3-a".into());
        assert_eq!(
            validate_standard(&dup, cat).expect_err("refused").rule,
            "duplicate"
        );
        let mut untitled = ok.clone();
        untitled.title = " ".into();
        assert_eq!(
            validate_standard(&untitled, cat)
                .expect_err("refused")
                .field,
            "title"
        );
        let mut own = ok;
        own.own_items.push(OwnItem {
            id: "X1".into(),
            title: "a".into(),
            text: "b".into(),
            level: ControlLevel::Required,
        });
        assert_eq!(
            validate_standard(&own, cat).expect_err("refused").field,
            "own_items.id"
        );
    }

    #[test]
    fn item_validation() {
        let s = standard(&["G-5.1.3.3-a"]);
        assert!(validate_item(&s, &item("G-5.1.3.3-a", ItemStatus::Partial)).is_ok());
        assert!(validate_item(&s, &item("S-1", ItemStatus::Implemented)).is_ok());
        assert_eq!(
            validate_item(&s, &item("G-4.2-a", ItemStatus::Partial))
                .expect_err("refused")
                .field,
            "item"
        );
        assert_eq!(
            validate_item(&s, &item("S-1", ItemStatus::NotApplicable))
                .expect_err("refused")
                .field,
            "reason"
        );
        let mut t = item("S-1", ItemStatus::Partial);
        t.current_tier = Some(3);
        t.target_tier = Some(2);
        assert_eq!(validate_item(&s, &t).expect_err("refused").rule, "order");
        t.target_tier = Some(5);
        assert_eq!(validate_item(&s, &t).expect_err("refused").rule, "range");
        let mut e = item("S-1", ItemStatus::Partial);
        e.evidence.push(EvidenceLink {
            url: "javascript:alert(1)".into(),
            description: "x".into(),
            tlp: Tlp::Green,
        });
        assert_eq!(
            validate_item(&s, &e).expect_err("refused").field,
            "evidence.url"
        );
    }

    #[test]
    fn gaps_rank_required_then_prevention_then_risk() {
        let cat = embedded().catalogue();
        // G-4.5-c recommended (RC), G-5.1.3.3-a required (PR, RC), G-4.7-a required (RS).
        let s = standard(&["G-4.5-c", "G-4.7-a", "G-5.1.3.3-a"]);
        assert_eq!(
            cat.control("G-4.5-c").expect("present").level,
            ControlLevel::Recommended
        );
        let mut low = item("G-4.7-a", ItemStatus::NotImplemented);
        low.risk = Some(3);
        let items = vec![
            low,
            item("G-5.1.3.3-a", ItemStatus::Partial),
            item("G-4.5-c", ItemStatus::NotImplemented),
            item("S-1", ItemStatus::NotApplicable),
        ];
        let g = gaps(&s, cat, &items);
        let order: Vec<&str> = g.iter().map(|g| g.item.as_str()).collect();
        // Required before recommended; among required, prevention/detection (PR) first even
        // though G-4.7-a has the higher risk; the not-applicable own item is no gap.
        assert_eq!(order, ["G-5.1.3.3-a", "G-4.7-a", "G-4.5-c"]);
        // An implemented item is a gap only below its target tier.
        let mut at = item("G-4.7-a", ItemStatus::Implemented);
        at.current_tier = Some(3);
        at.target_tier = Some(3);
        assert!(gaps(&s, cat, &[at.clone()])
            .iter()
            .all(|g| g.item != "G-4.7-a"));
        at.current_tier = Some(2);
        let g = gaps(&s, cat, &[at]);
        let one = g.iter().find(|g| g.item == "G-4.7-a").expect("gap");
        assert_eq!(one.tier_gap, 1);
    }

    #[test]
    fn function_summary_counts_each_function() {
        let cat = embedded().catalogue();
        let s = standard(&["G-5.1.3.3-a", "G-4.7-a"]);
        let sum = by_function(&s, cat, &[item("G-5.1.3.3-a", ItemStatus::Implemented)]);
        let get = |f: &str| {
            sum.iter()
                .find(|s| s.function == f)
                .expect("present")
                .clone()
        };
        assert_eq!((get("PR").items, get("PR").done), (1, 1));
        assert_eq!((get("RC").items, get("RC").done), (1, 1));
        assert_eq!((get("RS").items, get("RS").done), (1, 0));
        assert_eq!(get("GV").items, 0);
    }

    #[test]
    fn recurring_tasks_and_due_dates() {
        let cat = embedded().catalogue();
        let all: Vec<&str> = cat.controls().iter().map(|c| c.id.as_str()).collect();
        let s = standard(&all);
        let tasks = recurring_tasks(&s, cat);
        assert!(
            tasks.iter().any(|t| t.item == "H-11.1.3.3-a"),
            "backup test"
        );
        assert!(tasks.iter().all(|t| t.every_months == 12));
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("present");
        assert!(task_due(None, 12, d("2026-01-01")));
        assert!(!task_due(Some(d("2025-06-01")), 12, d("2026-05-31")));
        assert!(task_due(Some(d("2025-06-01")), 12, d("2026-06-01")));
    }
}
