//! リスクアセスメントとリスク対応 — the rules of an operator's risk register, after the risk
//! management handbook (手引書) 5.1–5.2 and 6.3:
//!
//! 1. **Scope (対象の特定):** CI services → the operations (業務) they need → the resources
//!    (assets: systems, software, information, ICS, external/cloud services, suppliers).
//! 2. **Identification (リスク特定):** a risk touches assets and services and is tagged with
//!    threat categories (自然災害・管理不良・サイバー攻撃・環境変化) and, where it is one, a
//!    supply-chain threat (the four of 6.4).
//! 3. **Analysis (リスク分析):** the level is the product of the factors of the chosen method
//!    (IPA, quoted by 5.2): asset-based = asset importance × threat likelihood × vulnerability;
//!    business-damage-based = size of the business damage × attack likelihood × vulnerability.
//!    The seed fixes no scale, so the organisation configures [`RiskCriteria`] (the number of
//!    levels of each factor and the threshold); a scale of one level leaves the factor out.
//! 4. **Evaluation (リスク評価):** risks at or above the threshold (基準値以上) are to be
//!    treated, plus those chosen "by individual circumstances" (manual selection with a reason);
//!    the others stay with their department (部門管理), their control status kept visible.
//! 5. **Treatment (リスク対応計画):** plans with an owner and a deadline, tracked to done.
//!
//! New threat information prompts a reassessment ([`reassessment_match`]): a provision
//! received by the organisation flags a cyber risk when the provision's text names one of the
//! risk's terms (its keywords, its assets' names or products), compared width- and
//! case-insensitively.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal, $ja:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)+];
            pub fn code(self) -> &'static str {
                match self { $($name::$v => $code,)+ }
            }
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
            pub fn label_ja(self) -> &'static str {
                match self { $($name::$v => $ja,)+ }
            }
            pub fn label_en(self) -> &'static str {
                match self { $($name::$v => $en,)+ }
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum!(
    /// 経営資源の種別 — what a resource of the scope is.
    AssetKind {
        System = "system", "情報システム", "Information system";
        Software = "software", "ソフトウェア", "Software";
        Information = "information", "情報", "Information";
        Ics = "ics", "制御システム", "Industrial control system";
        ExternalService = "external_service", "外部サービス（クラウド等）", "External / cloud service";
        Supplier = "supplier", "供給者・委託先", "Supplier / contractor";
    }
);

coded_enum!(
    /// リスクの種類 — what makes the continued provision of a CI service uncertain (安全基準等
    /// 策定指針: 自然災害、管理不良、サイバー攻撃や、重要インフラを取り巻く環境変化等).
    ThreatCategory {
        Cyber = "cyber", "サイバー攻撃", "Cyber attack";
        NaturalDisaster = "natural_disaster", "自然災害", "Natural disaster";
        PoorManagement = "poor_management", "管理不良", "Poor management";
        EnvironmentalChange = "environmental_change", "環境変化", "Environmental change";
    }
);

coded_enum!(
    /// The four supply-chain threats of handbook 6.4.
    SupplyChainThreat {
        EmbeddedMaliciousFunction = "embedded_malicious_function", "不正機能等の埋め込み", "Malicious functions embedded";
        SupplyDisruption = "supply_disruption", "サービスの供給途絶", "Disruption of supply";
        ExternalServiceInformation = "external_service_information", "外部サービスにおける情報の取扱い", "Information handling in external services";
        AttackViaPartners = "attack_via_partners", "海外拠点・グループ組織・取引先等を経由したサイバー攻撃", "Attacks via overseas bases, group organisations or partners";
    }
);

coded_enum!(
    /// リスク分析の手法 (IPA 制御システムのセキュリティリスク分析ガイド, quoted by 5.2).
    AnalysisMethod {
        AssetBased = "asset_based", "資産ベース", "Asset-based";
        BusinessDamageBased = "business_damage_based", "事業被害ベース", "Business-damage-based";
    }
);

coded_enum!(
    /// リスク対応計画の状況.
    TreatmentStatus {
        Planned = "planned", "計画", "Planned";
        InProgress = "in_progress", "実施中", "In progress";
        Done = "done", "完了", "Done";
    }
);

coded_enum!(
    /// Where a risk stands in the 4 steps and treatment.
    RiskState {
        /// Identified, not yet analysed (no level).
        Identified = "identified", "特定済（未分析）", "Identified (not analysed)";
        /// At or above the threshold, or selected: to treat, no plan yet.
        ToTreat = "to_treat", "要対応（計画未作成）", "To treat (no plan yet)";
        /// Below the threshold and not selected: left to its department.
        Accepted = "accepted", "部門管理（基準値未満）", "Managed by its department (below threshold)";
        /// To treat, with a plan not yet done.
        Treating = "treating", "対応中", "Being treated";
        /// To treat, every plan done.
        Treated = "treated", "対応済", "Treated";
    }
);

/// Most levels a scale may have (the seed fixes none; ten is plenty for an ordinal scale).
pub const MAX_SCALE_LEVELS: u8 = 10;

/// リスク基準 — the organisation's scales and threshold. A scale of `n` levels rates a factor
/// 1..=n; a scale of one level leaves the factor out of the product (it is always 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskCriteria {
    /// 発生可能性 (threat / attack likelihood): levels, 1..=10.
    pub likelihood_levels: u8,
    /// 影響度 (asset importance or size of business damage): levels, 1..=10.
    pub impact_levels: u8,
    /// 受容可能性（脆弱性）: levels, 1..=10 (1: not rated).
    pub vulnerability_levels: u8,
    /// 基準値: a risk whose level (the product) is at or above it is to be treated.
    pub threshold: u32,
    /// Optional names of the likelihood levels, lowest first (empty, or one per level).
    #[serde(default)]
    pub likelihood_labels: Vec<String>,
    #[serde(default)]
    pub impact_labels: Vec<String>,
    #[serde(default)]
    pub vulnerability_labels: Vec<String>,
}

impl Default for RiskCriteria {
    /// A starting template in the style of the IPA guide (three levels for each factor), which
    /// is external to the seed: the organisation should set its own.
    fn default() -> Self {
        RiskCriteria {
            likelihood_levels: 3,
            impact_levels: 3,
            vulnerability_levels: 3,
            threshold: 12,
            likelihood_labels: vec!["低".into(), "中".into(), "高".into()],
            impact_labels: vec!["小".into(), "中".into(), "大".into()],
            vulnerability_labels: vec!["低".into(), "中".into(), "高".into()],
        }
    }
}

/// A rule [`RiskCriteria`] or a rating broke: the field and the rule, for the caller's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub field: &'static str,
    pub rule: &'static str,
}

fn err(field: &'static str, rule: &'static str) -> RuleError {
    RuleError { field, rule }
}

impl RiskCriteria {
    /// The highest level a risk can reach (every factor at its top).
    pub fn max_level(&self) -> u32 {
        u32::from(self.likelihood_levels)
            * u32::from(self.impact_levels)
            * u32::from(self.vulnerability_levels)
    }

    /// Checks the scales (1..=10 levels, labels none or one per level) and the threshold
    /// (1..=max level).
    pub fn validate(&self) -> Result<(), RuleError> {
        let scales = [
            (
                "likelihood_levels",
                self.likelihood_levels,
                "likelihood_labels",
                &self.likelihood_labels,
            ),
            (
                "impact_levels",
                self.impact_levels,
                "impact_labels",
                &self.impact_labels,
            ),
            (
                "vulnerability_levels",
                self.vulnerability_levels,
                "vulnerability_labels",
                &self.vulnerability_labels,
            ),
        ];
        for (field, n, labels_field, labels) in scales {
            if n == 0 || n > MAX_SCALE_LEVELS {
                return Err(err(field, "range"));
            }
            if !labels.is_empty() && labels.len() != usize::from(n) {
                return Err(err(labels_field, "count"));
            }
        }
        if self.threshold == 0 || self.threshold > self.max_level() {
            return Err(err("threshold", "range"));
        }
        Ok(())
    }

    /// The name of level `n` of a scale, when the organisation named it.
    pub fn label(labels: &[String], n: u8) -> Option<&str> {
        labels
            .get(usize::from(n).checked_sub(1)?)
            .map(String::as_str)
    }
}

/// The factors a risk is rated with. `impact` is the asset importance (asset-based: the
/// highest importance among the risk's assets) or the size of the business damage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factors {
    pub likelihood: u8,
    pub impact: u8,
    pub vulnerability: u8,
}

/// リスク分析 — the level under the criteria: the product of the factors, each within its
/// scale (a one-level scale takes 1 whatever was given).
pub fn risk_level(c: &RiskCriteria, f: Factors) -> Result<u32, RuleError> {
    let rated = |v: u8, levels: u8, field: &'static str| -> Result<u32, RuleError> {
        if levels == 1 {
            return Ok(1);
        }
        if v == 0 || v > levels {
            return Err(err(field, "range"));
        }
        Ok(u32::from(v))
    };
    Ok(rated(f.likelihood, c.likelihood_levels, "likelihood")?
        * rated(f.impact, c.impact_levels, "impact")?
        * rated(f.vulnerability, c.vulnerability_levels, "vulnerability")?)
}

/// The impact factor a method takes: asset-based, the highest importance among the risk's
/// assets (it needs one); business-damage-based, the damage size entered on the risk.
pub fn impact_for(
    method: AnalysisMethod,
    asset_importances: &[u8],
    damage: Option<u8>,
) -> Result<u8, RuleError> {
    match method {
        AnalysisMethod::AssetBased => asset_importances
            .iter()
            .copied()
            .max()
            .ok_or_else(|| err("assets", "required_for_asset_based")),
        AnalysisMethod::BusinessDamageBased => {
            damage.ok_or_else(|| err("damage", "required_for_business_damage_based"))
        }
    }
}

/// リスク評価 — whether a risk of `level` is to be treated: at or above the threshold, or
/// selected by the organisation for its own reasons.
pub fn to_treat(c: &RiskCriteria, level: u32, manually_selected: bool) -> bool {
    level >= c.threshold || manually_selected
}

/// Where a risk stands: `level` is `None` until analysed.
pub fn risk_state(
    c: &RiskCriteria,
    level: Option<u32>,
    manually_selected: bool,
    treatments: &[TreatmentStatus],
) -> RiskState {
    let Some(level) = level else {
        return RiskState::Identified;
    };
    if !to_treat(c, level, manually_selected) {
        return RiskState::Accepted;
    }
    if treatments.is_empty() {
        RiskState::ToTreat
    } else if treatments.iter().all(|t| *t == TreatmentStatus::Done) {
        RiskState::Treated
    } else {
        RiskState::Treating
    }
}

/// Whether a treatment plan may move from `from` to `to`: forward (planned → in progress →
/// done, or straight to done), or a done plan reopened (in progress). Staying is no move.
pub fn may_move_treatment(from: TreatmentStatus, to: TreatmentStatus) -> bool {
    use TreatmentStatus::*;
    match (from, to) {
        (Planned, InProgress) | (Planned, Done) | (InProgress, Done) | (Done, InProgress) => true,
        (Planned, Planned) | (InProgress, InProgress) | (Done, Done) => false,
        (InProgress, Planned) | (Done, Planned) => false,
    }
}

/// A treatment deadline or review date seen from `today`: how it stands, with `near_days` the
/// window before it in which it is "near".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    Later,
    Near,
    Overdue,
}

impl DueState {
    pub fn code(self) -> &'static str {
        match self {
            DueState::Later => "later",
            DueState::Near => "near",
            DueState::Overdue => "overdue",
        }
    }
}

/// `due` is the last day (inclusive): overdue from the day after.
pub fn due_state(due: NaiveDate, today: NaiveDate, near_days: u32) -> DueState {
    if today > due {
        DueState::Overdue
    } else if (due - today).num_days() <= i64::from(near_days) {
        DueState::Near
    } else {
        DueState::Later
    }
}

/// The shortest term that may match a provision: two characters when any is not ASCII
/// (Japanese words are short), else three (so that "OS" or "PC" matches nothing by accident).
fn long_enough(key: &[char]) -> bool {
    if key.iter().any(|c| !c.is_ascii()) {
        key.len() >= 2
    } else {
        key.len() >= 3
    }
}

/// 要再評価 — the match rule between new threat information and a risk. A risk is a candidate
/// when it is tagged as a cyber risk or with a supply-chain threat (provisions carry cyber
/// threat information); it matches when the provision's text contains one of its `terms` (its
/// keywords, the names and products of its assets), compared after the one text normaliser
/// (full/half width, case, spaces ignored). Returns the first term that matched, in the order
/// given, so the flag can say why.
pub fn reassessment_match<'a>(
    provision_text: &str,
    cyber_candidate: bool,
    terms: &[&'a str],
) -> Option<&'a str> {
    if !cyber_candidate {
        return None;
    }
    let hay: String = crate::text::key(provision_text).into_iter().collect();
    terms.iter().copied().find(|t| {
        let k = crate::text::key(t);
        long_enough(&k) && hay.contains(&k.into_iter().collect::<String>())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crit(l: u8, i: u8, v: u8, t: u32) -> RiskCriteria {
        RiskCriteria {
            likelihood_levels: l,
            impact_levels: i,
            vulnerability_levels: v,
            threshold: t,
            likelihood_labels: vec![],
            impact_labels: vec![],
            vulnerability_labels: vec![],
        }
    }

    #[test]
    fn codes_round_trip() {
        for k in AssetKind::ALL {
            assert_eq!(AssetKind::from_code(k.code()), Some(*k));
        }
        for k in ThreatCategory::ALL {
            assert_eq!(ThreatCategory::from_code(k.code()), Some(*k));
        }
        for k in SupplyChainThreat::ALL {
            assert_eq!(SupplyChainThreat::from_code(k.code()), Some(*k));
        }
        for k in AnalysisMethod::ALL {
            assert_eq!(AnalysisMethod::from_code(k.code()), Some(*k));
        }
        for k in TreatmentStatus::ALL {
            assert_eq!(TreatmentStatus::from_code(k.code()), Some(*k));
        }
        for k in RiskState::ALL {
            assert_eq!(RiskState::from_code(k.code()), Some(*k));
        }
        assert_eq!(AssetKind::ALL.len(), 6);
        assert_eq!(ThreatCategory::ALL.len(), 4);
        assert_eq!(SupplyChainThreat::ALL.len(), 4);
        assert_eq!(AssetKind::from_code("nope"), None);
    }

    #[test]
    fn default_template_is_valid() {
        let c = RiskCriteria::default();
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.max_level(), 27);
        assert_eq!(RiskCriteria::label(&c.impact_labels, 3), Some("大"));
        assert_eq!(RiskCriteria::label(&c.impact_labels, 0), None);
        assert_eq!(RiskCriteria::label(&c.impact_labels, 4), None);
    }

    #[test]
    fn criteria_rules_name_the_field() {
        for n in [0u8, 11] {
            assert_eq!(
                crit(n, 3, 3, 1).validate(),
                Err(err("likelihood_levels", "range"))
            );
            assert_eq!(
                crit(3, n, 3, 1).validate(),
                Err(err("impact_levels", "range"))
            );
            assert_eq!(
                crit(3, 3, n, 1).validate(),
                Err(err("vulnerability_levels", "range"))
            );
        }
        assert_eq!(crit(3, 3, 3, 0).validate(), Err(err("threshold", "range")));
        assert_eq!(crit(3, 3, 3, 28).validate(), Err(err("threshold", "range")));
        assert_eq!(crit(3, 3, 3, 27).validate(), Ok(()));
        assert_eq!(crit(1, 1, 1, 1).validate(), Ok(()));
        assert_eq!(crit(10, 10, 10, 1000).validate(), Ok(()));
        let mut c = crit(3, 3, 1, 4);
        c.impact_labels = vec!["a".into()];
        assert_eq!(c.validate(), Err(err("impact_labels", "count")));
        c.impact_labels = vec![];
        c.likelihood_labels = vec!["a".into(); 4];
        assert_eq!(c.validate(), Err(err("likelihood_labels", "count")));
        c.likelihood_labels = vec![];
        c.vulnerability_labels = vec!["a".into(); 2];
        assert_eq!(c.validate(), Err(err("vulnerability_labels", "count")));
    }

    #[test]
    fn level_is_the_product_within_every_scale() {
        let c = crit(3, 4, 5, 10);
        for l in 0..=6u8 {
            for i in 0..=6u8 {
                for v in 0..=6u8 {
                    let got = risk_level(
                        &c,
                        Factors {
                            likelihood: l,
                            impact: i,
                            vulnerability: v,
                        },
                    );
                    let ok = (1..=3).contains(&l) && (1..=4).contains(&i) && (1..=5).contains(&v);
                    if ok {
                        assert_eq!(got, Ok(u32::from(l) * u32::from(i) * u32::from(v)));
                    } else {
                        assert!(got.is_err(), "{l} {i} {v}");
                    }
                }
            }
        }
        assert_eq!(
            risk_level(
                &c,
                Factors {
                    likelihood: 4,
                    impact: 1,
                    vulnerability: 1
                }
            ),
            Err(err("likelihood", "range"))
        );
        assert_eq!(
            risk_level(
                &c,
                Factors {
                    likelihood: 1,
                    impact: 5,
                    vulnerability: 1
                }
            ),
            Err(err("impact", "range"))
        );
        assert_eq!(
            risk_level(
                &c,
                Factors {
                    likelihood: 1,
                    impact: 1,
                    vulnerability: 0
                }
            ),
            Err(err("vulnerability", "range"))
        );
    }

    #[test]
    fn a_one_level_scale_leaves_the_factor_out() {
        let c = crit(5, 5, 1, 10);
        for v in [0u8, 1, 7] {
            assert_eq!(
                risk_level(
                    &c,
                    Factors {
                        likelihood: 2,
                        impact: 5,
                        vulnerability: v
                    }
                ),
                Ok(10)
            );
        }
    }

    #[test]
    fn impact_follows_the_method() {
        use AnalysisMethod::*;
        assert_eq!(impact_for(AssetBased, &[1, 3, 2], None), Ok(3));
        assert_eq!(impact_for(AssetBased, &[1, 3, 2], Some(1)), Ok(3));
        assert_eq!(
            impact_for(AssetBased, &[], Some(2)),
            Err(err("assets", "required_for_asset_based"))
        );
        assert_eq!(impact_for(BusinessDamageBased, &[3], Some(1)), Ok(1));
        assert_eq!(
            impact_for(BusinessDamageBased, &[3], None),
            Err(err("damage", "required_for_business_damage_based"))
        );
    }

    #[test]
    fn evaluation_against_the_threshold_and_selection() {
        let c = crit(3, 3, 3, 12);
        for level in 1..=27 {
            assert_eq!(to_treat(&c, level, false), level >= 12);
            assert!(to_treat(&c, level, true));
        }
    }

    #[test]
    fn states_over_every_case() {
        use TreatmentStatus::*;
        let c = crit(3, 3, 3, 12);
        for sel in [false, true] {
            assert_eq!(risk_state(&c, None, sel, &[]), RiskState::Identified);
            assert_eq!(risk_state(&c, None, sel, &[Done]), RiskState::Identified);
        }
        assert_eq!(risk_state(&c, Some(11), false, &[]), RiskState::Accepted);
        assert_eq!(
            risk_state(&c, Some(11), false, &[Planned]),
            RiskState::Accepted
        );
        for (level, sel) in [(12, false), (27, false), (1, true)] {
            assert_eq!(risk_state(&c, Some(level), sel, &[]), RiskState::ToTreat);
            assert_eq!(
                risk_state(&c, Some(level), sel, &[Planned]),
                RiskState::Treating
            );
            assert_eq!(
                risk_state(&c, Some(level), sel, &[Done, InProgress]),
                RiskState::Treating
            );
            assert_eq!(
                risk_state(&c, Some(level), sel, &[Done]),
                RiskState::Treated
            );
            assert_eq!(
                risk_state(&c, Some(level), sel, &[Done, Done]),
                RiskState::Treated
            );
        }
    }

    #[test]
    fn treatment_moves() {
        use TreatmentStatus::*;
        let mut allowed = vec![];
        for from in TreatmentStatus::ALL {
            for to in TreatmentStatus::ALL {
                if may_move_treatment(*from, *to) {
                    allowed.push((*from, *to));
                }
            }
        }
        assert_eq!(
            allowed,
            vec![
                (Planned, InProgress),
                (Planned, Done),
                (InProgress, Done),
                (Done, InProgress)
            ]
        );
    }

    #[test]
    fn due_states() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let due = d("2026-03-31");
        assert_eq!(due_state(due, d("2026-03-01"), 14), DueState::Later);
        assert_eq!(due_state(due, d("2026-03-17"), 14), DueState::Near);
        assert_eq!(due_state(due, d("2026-03-16"), 14), DueState::Later);
        assert_eq!(due_state(due, d("2026-03-31"), 14), DueState::Near);
        assert_eq!(due_state(due, d("2026-04-01"), 14), DueState::Overdue);
        assert_eq!(due_state(due, d("2026-03-31"), 0), DueState::Near);
        assert_eq!(due_state(due, d("2026-03-30"), 0), DueState::Later);
    }

    #[test]
    fn reassessment_matches_terms_width_and_case_insensitively() {
        let text = "ＡＢＣ社製 ｓｃａｄａ サーバ(SCADA-X 3.2)の脆弱性を悪用する攻撃を確認。VPN装置にも注意。";
        assert_eq!(
            reassessment_match(text, true, &["scada-x"]),
            Some("scada-x")
        );
        assert_eq!(
            reassessment_match(text, true, &["Foo", "abc社"]),
            Some("abc社")
        );
        assert_eq!(
            reassessment_match(text, true, &["VPN 装置"]),
            Some("VPN 装置")
        );
        assert_eq!(reassessment_match(text, false, &["scada-x"]), None);
        assert_eq!(reassessment_match(text, true, &["給水ポンプ"]), None);
        assert_eq!(reassessment_match(text, true, &[]), None);
        // Too short to mean anything on its own.
        assert_eq!(reassessment_match(text, true, &["3.", "X", "A"]), None);
        assert_eq!(reassessment_match(text, true, &["装置"]), Some("装置"));
        assert_eq!(reassessment_match(text, true, &["", "  "]), None);
    }
}
