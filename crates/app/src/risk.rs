//! リスク登録簿 — a CI operator's risk register around its services (手引書 5.1–5.2, 6.3):
//! scope (services → operations → assets), risks, analysis under the organisation's criteria,
//! evaluation against its threshold, and treatment plans tracked to done. New threat
//! information — a provision the organisation receives — flags the risks it touches 要再評価.
//!
//! The register is the organisation's own: reading goes through the policy's
//! `decide_org_internal` (its staff and contractors under NDA; nobody outside, NISC and its
//! ministry included), writing needs a reporter, approver or organisation-admin role on top.
//! Every rule of levels, evaluation, states and matching is the domain's
//! ([`kakehashi_domain::risk`]); every write is audited in its transaction. Ids of another
//! organisation's entries answer the same 404 as missing ones.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::App;
use chrono::{DateTime, NaiveDate, Utc};
use kakehashi_domain::risk::{
    self as rules, AnalysisMethod, AssetKind, DueState, Factors, RiskCriteria, RiskState,
    SupplyChainThreat, ThreatCategory, TreatmentStatus,
};
use kakehashi_domain::text::{self, Subject};
use kakehashi_domain::{OrgId, OrgKind, Role};
use kakehashi_policy::{decide_org_internal, reveal_org_internal, Visible};
use kakehashi_store::{RiskCriteriaRecord, RiskEntryRecord};
use serde::{Deserialize, Serialize};

/// Days before a deadline or review date in which it shows (and reminds) as near.
pub const NEAR_DAYS: u32 = 14;

/// A CI service of the scope, with the operations it needs.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceInput {
    /// The service as the organisation names it.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// 業務: the operations needed to provide it, by name.
    #[serde(default)]
    pub operations: Vec<String>,
    /// 復旧までの許容可能な時間 (hours), if set.
    #[serde(default)]
    pub recovery_time_hours: Option<u32>,
}

/// A resource (asset) of the scope.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetInput {
    pub name: String,
    /// `system`, `software`, `information`, `ics`, `external_service` or `supplier`.
    pub kind: String,
    /// 資産の重要度, on the criteria's impact scale (1..=impact levels).
    pub importance: u8,
    /// Products, versions or vendors (matched against new threat information).
    #[serde(default)]
    pub products: Vec<String>,
    /// Ids of the services it supports.
    #[serde(default)]
    pub services: Vec<String>,
    /// Names of the operations it supports.
    #[serde(default)]
    pub operations: Vec<String>,
    #[serde(default)]
    pub owner: String,
    /// Where it is (e.g. an overseas base, a cloud region, a supplier).
    #[serde(default)]
    pub location: String,
}

/// A risk: identification and analysis.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskInput {
    pub title: String,
    /// The scenario that makes the service uncertain (被害発生に至るシナリオ).
    #[serde(default)]
    pub scenario: String,
    /// Ids of the services it threatens.
    #[serde(default)]
    pub services: Vec<String>,
    /// Ids of the assets it touches (asset-based analysis needs one).
    #[serde(default)]
    pub assets: Vec<String>,
    /// `cyber`, `natural_disaster`, `poor_management`, `environmental_change` (one or more).
    pub categories: Vec<String>,
    /// One of the four supply-chain threats, or empty.
    #[serde(default)]
    pub supply_chain_threat: String,
    /// Also an HSE risk (health, safety, environment).
    #[serde(default)]
    pub hse: bool,
    /// `asset_based` or `business_damage_based`.
    pub method: String,
    /// 発生可能性, 1..=likelihood levels; omitted until analysed.
    #[serde(default)]
    pub likelihood: Option<u8>,
    /// 事業被害の大きさ (business-damage-based only), 1..=impact levels.
    #[serde(default)]
    pub damage: Option<u8>,
    /// 受容可能性（脆弱性）, 1..=vulnerability levels (ignored when the scale has one level).
    #[serde(default)]
    pub vulnerability: Option<u8>,
    /// Selected for treatment although below the threshold (個別の事情).
    #[serde(default)]
    pub selected: bool,
    #[serde(default)]
    pub selection_reason: String,
    /// The department that manages it when it is not treated.
    #[serde(default)]
    pub department: String,
    /// セキュリティ管理策の導入状況.
    #[serde(default)]
    pub control_status: String,
    /// Further terms matched against new threat information.
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// A treatment plan (リスク対応計画) of a risk.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TreatmentInput {
    /// The risk's id.
    pub risk: String,
    pub action: String,
    #[serde(default)]
    pub target_state: String,
    #[serde(default)]
    pub owner: String,
    /// `YYYY-MM-DD`, the deadline.
    pub due_on: String,
    /// `planned`, `in_progress` or `done` (default `planned`).
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub evaluation: String,
}

/// The 要再評価 flag a provision left on a risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReassessFlag {
    pub provision: String,
    /// T<n> as shown.
    pub provision_ident: String,
    /// The risk's term the provision named.
    pub matched: String,
    pub flagged_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceView {
    pub id: String,
    #[serde(flatten)]
    pub input: ServiceInput,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssetView {
    pub id: String,
    #[serde(flatten)]
    pub input: AssetInput,
    pub kind_label_ja: &'static str,
    pub kind_label_en: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskView {
    pub id: String,
    #[serde(flatten)]
    pub input: RiskInput,
    /// The impact factor the method took (asset importance or damage size).
    pub impact: Option<u8>,
    /// The level (product of the factors), once analysed.
    pub level: Option<u32>,
    /// At or above the threshold, or selected.
    pub to_treat: bool,
    pub state: RiskState,
    pub state_label_ja: &'static str,
    pub state_label_en: &'static str,
    /// Why it is not analysed yet, when it is not (a missing factor, a factor off the scale).
    pub analysis_gap: Option<String>,
    pub reassess: Option<ReassessFlag>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TreatmentView {
    pub id: String,
    pub risk: String,
    pub risk_title: String,
    pub action: String,
    pub target_state: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub status: TreatmentStatus,
    pub evaluation: String,
    /// `later`, `near` or `overdue` (never for a done plan: `later`).
    pub due_state: DueState,
}

/// The register as its organisation's people see it.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterView {
    pub org: OrgId,
    pub criteria: RiskCriteria,
    /// False while the organisation has not set its own criteria (the template applies).
    pub criteria_set: bool,
    pub max_level: u32,
    pub services: Vec<ServiceView>,
    pub assets: Vec<AssetView>,
    pub risks: Vec<RiskView>,
    pub treatments: Vec<TreatmentView>,
    pub may_edit: bool,
}

/// What an entry is stored with beside its kind and id.
struct EntryParts {
    title: String,
    body: String,
    parent: Option<String>,
    status: String,
    due_on: Option<NaiveDate>,
}

/// Kinds of entry, as stored.
const SERVICE: &str = "service";
const ASSET: &str = "asset";
const RISK: &str = "risk";
const TREATMENT: &str = "treatment";

fn bad(field: &'static str, rule: &'static str, ja: &str, en: &str) -> AppError {
    AppError::bad_field(field, rule, ja, en)
}

fn range_error(field: &'static str, levels: u8) -> AppError {
    AppError::bad_field(
        field,
        "range",
        format!("1から{levels}までの値を指定してください（リスク基準の段階数）。"),
        format!("Give a value from 1 to {levels} (the levels of the risk criteria)."),
    )
}

fn parse_day(field: &'static str, v: &str) -> AppResult<NaiveDate> {
    let v = v.trim();
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .filter(|d| d.format("%Y-%m-%d").to_string() == v)
        .ok_or_else(|| {
            bad(
                field,
                "format",
                "日付はYYYY-MM-DDの形式で入力してください。",
                "Dates must be YYYY-MM-DD.",
            )
        })
}

fn body_of<T: for<'de> Deserialize<'de>>(e: &RiskEntryRecord) -> AppResult<T> {
    serde_json::from_str(&e.body)
        .map_err(|err| AppError::Internal(format!("stored {} {}: {err}", e.kind, e.id)))
}

fn to_json<T: Serialize>(v: &T) -> AppResult<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

/// Whether the actor may change its organisation's register and plans: a reporter, approver
/// or organisation admin of an operator.
pub fn may_edit_risk(actor: &Actor) -> bool {
    actor.org.kind == OrgKind::Operator
        && (actor.has(Role::Reporter) || actor.has(Role::Approver) || actor.has(Role::OrgAdmin))
}

/// Whether the organisation keeps a register and plans (CI operators).
pub fn keeps_register(actor: &Actor) -> bool {
    actor.org.kind == OrgKind::Operator
}

impl App {
    /// The gate of every register and plan operation: an operator's own people (the policy),
    /// and for a change a role on top.
    pub(crate) fn risk_gate(&self, actor: &Actor, write: bool) -> AppResult<()> {
        if !keeps_register(actor) {
            return Err(AppError::forbidden(
                "リスク登録簿と事業継続計画は重要インフラ事業者等が管理します。",
                "Risk registers and continuity plans are kept by CI operators.",
            ));
        }
        if !decide_org_internal(&actor.viewer()?, &actor.org.id).allowed {
            return Err(AppError::NotFound);
        }
        if write && !may_edit_risk(actor) {
            return Err(AppError::forbidden(
                "変更できるのは報告者・承認・送信者・組織管理者です。",
                "Only reporters, approvers and organisation admins change it.",
            ));
        }
        Ok(())
    }

    async fn criteria_of(&self, org: &OrgId) -> AppResult<(RiskCriteria, bool)> {
        Ok(match self.store.risk_criteria(org).await? {
            Some(r) => (r.criteria, true),
            None => (RiskCriteria::default(), false),
        })
    }

    /// The actor's organisation's register, with every level, evaluation and state computed.
    pub async fn risk_register(&self, actor: &Actor) -> AppResult<Visible<RegisterView>> {
        self.risk_gate(actor, false)?;
        let org = actor.org.id.clone();
        let (criteria, criteria_set) = self.criteria_of(&org).await?;
        let entries = self.store.risk_entries(&org).await?;
        let today = self.today();
        let mut services = Vec::new();
        let mut assets = Vec::new();
        let mut raw_risks = Vec::new();
        let mut raw_treatments = Vec::new();
        for e in &entries {
            match e.kind.as_str() {
                SERVICE => services.push(ServiceView {
                    id: e.id.clone(),
                    input: body_of(e)?,
                }),
                ASSET => {
                    let input: AssetInput = body_of(e)?;
                    let kind = AssetKind::from_code(&input.kind).unwrap_or(AssetKind::System);
                    assets.push(AssetView {
                        id: e.id.clone(),
                        kind_label_ja: kind.label_ja(),
                        kind_label_en: kind.label_en(),
                        input,
                    })
                }
                RISK => raw_risks.push((e, body_of::<RiskInput>(e)?)),
                TREATMENT => raw_treatments.push((e, body_of::<TreatmentInput>(e)?)),
                other => return Err(AppError::Internal(format!("stored entry kind {other:?}"))),
            }
        }
        let mut risks = Vec::new();
        for (e, input) in raw_risks {
            let statuses: Vec<TreatmentStatus> = raw_treatments
                .iter()
                .filter(|(t, _)| t.parent.as_deref() == Some(e.id.as_str()))
                .filter_map(|(t, _)| TreatmentStatus::from_code(&t.status))
                .collect();
            let importances: Vec<u8> = assets
                .iter()
                .filter(|a| input.assets.contains(&a.id))
                .map(|a| a.input.importance)
                .collect();
            let (impact, level, gap) = analyse(&criteria, &input, &importances);
            let reassess = e
                .reassess
                .as_deref()
                .and_then(|j| serde_json::from_str::<ReassessFlag>(j).ok());
            let state = rules::risk_state(&criteria, level, input.selected, &statuses);
            risks.push(RiskView {
                id: e.id.clone(),
                impact,
                level,
                to_treat: level.is_some_and(|l| rules::to_treat(&criteria, l, input.selected)),
                state,
                state_label_ja: state.label_ja(),
                state_label_en: state.label_en(),
                analysis_gap: gap,
                reassess,
                input,
            });
        }
        let mut treatments = Vec::new();
        for (e, input) in raw_treatments {
            let status = TreatmentStatus::from_code(&e.status).unwrap_or(TreatmentStatus::Planned);
            let due_on = e.due_on.unwrap_or(today);
            treatments.push(TreatmentView {
                id: e.id.clone(),
                risk_title: risks
                    .iter()
                    .find(|r| Some(&r.id) == e.parent.as_ref())
                    .map(|r| r.input.title.clone())
                    .unwrap_or_default(),
                risk: input.risk,
                action: input.action,
                target_state: input.target_state,
                owner: input.owner,
                due_on,
                status,
                evaluation: input.evaluation,
                due_state: if status == TreatmentStatus::Done {
                    DueState::Later
                } else {
                    rules::due_state(due_on, today, NEAR_DAYS)
                },
            });
        }
        let view = RegisterView {
            org: org.clone(),
            max_level: criteria.max_level(),
            criteria,
            criteria_set,
            services,
            assets,
            risks,
            treatments,
            may_edit: may_edit_risk(actor),
        };
        reveal_org_internal(&actor.viewer()?, &org, view).map_err(|_| AppError::NotFound)
    }

    /// Sets the organisation's risk criteria (audited as `risk.criteria`).
    pub async fn set_risk_criteria(
        &self,
        actor: &Actor,
        input: RiskCriteria,
    ) -> AppResult<RiskCriteria> {
        self.risk_gate(actor, true)?;
        let mut c = input;
        for (field, labels) in [
            ("likelihood_labels", &mut c.likelihood_labels),
            ("impact_labels", &mut c.impact_labels),
            ("vulnerability_labels", &mut c.vulnerability_labels),
        ] {
            *labels = labels
                .iter()
                .map(|l| text::clean(Subject::Risk, field, l))
                .collect::<Result<Vec<_>, _>>()?;
        }
        if let Err(e) = c.validate() {
            return Err(match (e.field, e.rule) {
                (_, "count") => AppError::bad_field(
                    e.field,
                    e.rule,
                    "段階の名称は、なし又は段階数と同じ数だけ指定してください。",
                    "Give no level names, or one per level.",
                ),
                ("threshold", _) => AppError::bad_field(
                    e.field,
                    e.rule,
                    format!("基準値は1から{}（各段階数の積）までです。", c.max_level()),
                    format!(
                        "The threshold runs from 1 to {} (the product of the levels).",
                        c.max_level()
                    ),
                ),
                _ => AppError::bad_field(
                    e.field,
                    e.rule,
                    format!("段階数は1から{}までです。", rules::MAX_SCALE_LEVELS),
                    format!("A scale has 1 to {} levels.", rules::MAX_SCALE_LEVELS),
                ),
            });
        }
        let rec = RiskCriteriaRecord {
            org: actor.org.id.clone(),
            criteria: c.clone(),
            updated_by: actor.person.id.clone(),
            updated_at: self.now(),
        };
        let audit = actor.audit(
            "risk.criteria",
            Some(actor.org.id.0.clone()),
            serde_json::json!({ "threshold": c.threshold, "max_level": c.max_level() }),
        );
        self.store.put_risk_criteria(&rec, audit).await?;
        Ok(c)
    }

    /// The stored entry `id` of the actor's organisation and `kind`, or the 404 of a missing one.
    async fn own_entry(&self, actor: &Actor, kind: &str, id: &str) -> AppResult<RiskEntryRecord> {
        self.store
            .risk_entries(&actor.org.id)
            .await?
            .into_iter()
            .find(|e| e.id == id && e.kind == kind)
            .ok_or_else(|| {
                self.note_refusal(Some(actor), "not_found", Some(&format!("risk:{id}")));
                AppError::NotFound
            })
    }

    async fn save_entry(
        &self,
        actor: &Actor,
        kind: &'static str,
        id: Option<&str>,
        entry: EntryParts,
    ) -> AppResult<String> {
        let EntryParts {
            title,
            body,
            parent,
            status,
            due_on,
        } = entry;
        let now = self.now();
        let (id, created_at, reassess) = match id {
            Some(id) => {
                let old = self.own_entry(actor, kind, id).await?;
                (old.id, old.created_at, old.reassess)
            }
            None => (crate::new_id(), now, None),
        };
        let rec = RiskEntryRecord {
            id: id.clone(),
            org: actor.org.id.clone(),
            kind: kind.to_owned(),
            parent,
            title,
            body,
            status,
            due_on,
            reassess,
            created_at,
            updated_by: actor.person.id.clone(),
            updated_at: now,
        };
        let audit = actor.audit(
            &format!("risk.{kind}.save"),
            Some(actor.org.id.0.clone()),
            serde_json::json!({ "entry": id }),
        );
        self.store.put_risk_entry(&rec, audit).await?;
        Ok(id)
    }

    /// Adds (`id` None) or replaces a service of the scope.
    pub async fn save_risk_service(
        &self,
        actor: &Actor,
        id: Option<&str>,
        input: ServiceInput,
    ) -> AppResult<String> {
        self.risk_gate(actor, true)?;
        // Another organisation's id (or a missing one) is a 404 before any rule is checked.
        if let Some(id) = id {
            self.own_entry(actor, SERVICE, id).await?;
        }
        let clean = ServiceInput {
            name: text::clean(Subject::Risk, "name", &input.name)?,
            description: text::clean(Subject::Risk, "description", &input.description)?,
            operations: text::clean_list(Subject::Risk, "operations", &input.operations)?,
            recovery_time_hours: input.recovery_time_hours,
        };
        let title = clean.name.clone();
        self.save_entry(
            actor,
            SERVICE,
            id,
            EntryParts {
                title,
                body: to_json(&clean)?,
                parent: None,
                status: String::new(),
                due_on: None,
            },
        )
        .await
    }

    /// Adds or replaces an asset; its services must be the organisation's, its importance on
    /// the impact scale.
    pub async fn save_risk_asset(
        &self,
        actor: &Actor,
        id: Option<&str>,
        input: AssetInput,
    ) -> AppResult<String> {
        self.risk_gate(actor, true)?;
        // Another organisation's id (or a missing one) is a 404 before any rule is checked.
        if let Some(id) = id {
            self.own_entry(actor, ASSET, id).await?;
        }
        let (criteria, _) = self.criteria_of(&actor.org.id).await?;
        let kind = AssetKind::from_code(input.kind.trim()).ok_or_else(|| {
            bad(
                "kind",
                "unknown_code",
                "種別は system・software・information・ics・external_service・supplier から選んでください。",
                "Choose the kind: system, software, information, ics, external_service or supplier.",
            )
        })?;
        if input.importance == 0 || input.importance > criteria.impact_levels {
            return Err(range_error("importance", criteria.impact_levels));
        }
        let entries = self.store.risk_entries(&actor.org.id).await?;
        let services = dedup(&input.services);
        if services
            .iter()
            .any(|s| !entries.iter().any(|e| e.kind == SERVICE && e.id == *s))
        {
            return Err(bad(
                "services",
                "unknown",
                "自組織のリスク登録簿にないサービスが指定されています。",
                "A service is not in your organisation's register.",
            ));
        }
        let clean = AssetInput {
            name: text::clean(Subject::Risk, "name", &input.name)?,
            kind: kind.code().to_owned(),
            importance: input.importance,
            products: text::clean_list(Subject::Risk, "products", &input.products)?,
            services,
            operations: text::clean_list(Subject::Risk, "operations", &input.operations)?,
            owner: text::clean(Subject::Risk, "owner", &input.owner)?,
            location: text::clean(Subject::Risk, "location", &input.location)?,
        };
        let title = clean.name.clone();
        self.save_entry(
            actor,
            ASSET,
            id,
            EntryParts {
                title,
                body: to_json(&clean)?,
                parent: None,
                status: String::new(),
                due_on: None,
            },
        )
        .await
    }

    /// Adds or replaces a risk. Factors are optional until analysed; those given must be on
    /// the scales; the method's impact must be at hand (an asset, or a damage size).
    pub async fn save_risk(
        &self,
        actor: &Actor,
        id: Option<&str>,
        input: RiskInput,
    ) -> AppResult<String> {
        self.risk_gate(actor, true)?;
        // Another organisation's id (or a missing one) is a 404 before any rule is checked.
        if let Some(id) = id {
            self.own_entry(actor, RISK, id).await?;
        }
        let (criteria, _) = self.criteria_of(&actor.org.id).await?;
        let entries = self.store.risk_entries(&actor.org.id).await?;
        let method = AnalysisMethod::from_code(input.method.trim()).ok_or_else(|| {
            bad(
                "method",
                "unknown_code",
                "分析手法は asset_based（資産ベース）か business_damage_based（事業被害ベース）です。",
                "The method is asset_based or business_damage_based.",
            )
        })?;
        let mut categories = Vec::new();
        for c in &input.categories {
            let c = ThreatCategory::from_code(c.trim()).ok_or_else(|| {
                bad(
                    "categories",
                    "unknown_code",
                    "リスクの種類は cyber・natural_disaster・poor_management・environmental_change です。",
                    "Categories are cyber, natural_disaster, poor_management and environmental_change.",
                )
            })?;
            if !categories.contains(&c.code().to_owned()) {
                categories.push(c.code().to_owned());
            }
        }
        if categories.is_empty() {
            return Err(bad(
                "categories",
                "required",
                "リスクの種類を1つ以上選んでください。",
                "Choose at least one category.",
            ));
        }
        let sct = match input.supply_chain_threat.trim() {
            "" => String::new(),
            v => SupplyChainThreat::from_code(v)
                .ok_or_else(|| {
                    bad(
                        "supply_chain_threat",
                        "unknown_code",
                        "サプライチェーンの脅威は4種類の中から選んでください。",
                        "Choose one of the four supply-chain threats.",
                    )
                })?
                .code()
                .to_owned(),
        };
        let services = dedup(&input.services);
        let assets = dedup(&input.assets);
        for (field, list, kind) in [("services", &services, SERVICE), ("assets", &assets, ASSET)] {
            if list
                .iter()
                .any(|s| !entries.iter().any(|e| e.kind == kind && e.id == *s))
            {
                return Err(bad(
                    field,
                    "unknown",
                    "自組織のリスク登録簿にない項目が指定されています。",
                    "An entry is not in your organisation's register.",
                ));
            }
        }
        for (field, v, levels) in [
            ("likelihood", input.likelihood, criteria.likelihood_levels),
            ("damage", input.damage, criteria.impact_levels),
            (
                "vulnerability",
                input.vulnerability,
                criteria.vulnerability_levels,
            ),
        ] {
            if let Some(v) = v {
                if (v == 0 || v > levels) && !(field == "vulnerability" && levels == 1) {
                    return Err(range_error(field, levels));
                }
            }
        }
        if method == AnalysisMethod::AssetBased && assets.is_empty() {
            return Err(bad(
                "assets",
                "required_for_asset_based",
                "資産ベースの分析には資産を1つ以上指定してください。",
                "Asset-based analysis needs at least one asset.",
            ));
        }
        let selection_reason =
            text::clean(Subject::Risk, "selection_reason", &input.selection_reason)?;
        if input.selected && selection_reason.is_empty() {
            return Err(bad(
                "selection_reason",
                "required",
                "基準値未満のリスクを対応対象に選ぶときは理由を入力してください。",
                "Say why a risk is selected for treatment.",
            ));
        }
        let clean = RiskInput {
            title: text::clean(Subject::Risk, "title", &input.title)?,
            scenario: text::clean(Subject::Risk, "scenario", &input.scenario)?,
            services,
            assets,
            categories,
            supply_chain_threat: sct,
            hse: input.hse,
            method: method.code().to_owned(),
            likelihood: input.likelihood,
            damage: input.damage,
            vulnerability: input.vulnerability,
            selected: input.selected,
            selection_reason,
            department: text::clean(Subject::Risk, "department", &input.department)?,
            control_status: text::clean(Subject::Risk, "control_status", &input.control_status)?,
            keywords: text::clean_list(Subject::Risk, "keywords", &input.keywords)?,
        };
        let title = clean.title.clone();
        self.save_entry(
            actor,
            RISK,
            id,
            EntryParts {
                title,
                body: to_json(&clean)?,
                parent: None,
                status: String::new(),
                due_on: None,
            },
        )
        .await
    }

    /// Adds or replaces a treatment plan; a status change must be a move the domain allows.
    pub async fn save_risk_treatment(
        &self,
        actor: &Actor,
        id: Option<&str>,
        input: TreatmentInput,
    ) -> AppResult<String> {
        self.risk_gate(actor, true)?;
        // Another organisation's id (or a missing one) is a 404 before any rule is checked.
        if let Some(id) = id {
            self.own_entry(actor, TREATMENT, id).await?;
        }
        let entries = self.store.risk_entries(&actor.org.id).await?;
        if !entries.iter().any(|e| e.kind == RISK && e.id == input.risk) {
            return Err(bad(
                "risk",
                "unknown",
                "自組織のリスク登録簿にないリスクです。",
                "The risk is not in your organisation's register.",
            ));
        }
        let status = match input.status.trim() {
            "" => TreatmentStatus::Planned,
            v => TreatmentStatus::from_code(v).ok_or_else(|| {
                bad(
                    "status",
                    "unknown_code",
                    "状況は planned・in_progress・done です。",
                    "The status is planned, in_progress or done.",
                )
            })?,
        };
        if let Some(id) = id {
            let old = self.own_entry(actor, TREATMENT, id).await?;
            let from = TreatmentStatus::from_code(&old.status).unwrap_or(TreatmentStatus::Planned);
            if from != status && !rules::may_move_treatment(from, status) {
                return Err(bad(
                    "status",
                    "transition",
                    "この状況には戻せません（計画→実施中→完了、完了から実施中へ再開のみ）。",
                    "The plan cannot move back there (planned → in progress → done; done may reopen).",
                ));
            }
        }
        let due_on = parse_day("due_on", &input.due_on)?;
        let clean = TreatmentInput {
            risk: input.risk.clone(),
            action: text::clean(Subject::Risk, "action", &input.action)?,
            target_state: text::clean(Subject::Risk, "target_state", &input.target_state)?,
            owner: text::clean(Subject::Risk, "owner", &input.owner)?,
            due_on: due_on.format("%Y-%m-%d").to_string(),
            status: status.code().to_owned(),
            evaluation: text::clean(Subject::Risk, "evaluation", &input.evaluation)?,
        };
        let title = clean.action.chars().take(100).collect();
        self.save_entry(
            actor,
            TREATMENT,
            id,
            EntryParts {
                title,
                body: to_json(&clean)?,
                parent: Some(input.risk),
                status: status.code().to_owned(),
                due_on: Some(due_on),
            },
        )
        .await
    }

    /// Removes an entry of the organisation (a risk with its treatment plans).
    pub async fn delete_risk_entry(&self, actor: &Actor, id: &str) -> AppResult<()> {
        self.risk_gate(actor, true)?;
        let audit = actor.audit(
            "risk.entry.delete",
            Some(actor.org.id.0.clone()),
            serde_json::json!({ "entry": id }),
        );
        match self.store.delete_risk_entry(&actor.org.id, id, audit).await {
            Err(kakehashi_store::StoreError::NotFound) => {
                self.note_refusal(Some(actor), "not_found", Some(&format!("risk:{id}")));
                Err(AppError::NotFound)
            }
            other => Ok(other?),
        }
    }

    /// Marks a flagged risk reassessed: the flag is cleared (audited as `risk.reassessed`).
    pub async fn mark_risk_reassessed(&self, actor: &Actor, id: &str) -> AppResult<()> {
        self.risk_gate(actor, true)?;
        let mut e = self.own_entry(actor, RISK, id).await?;
        if e.reassess.is_none() {
            return Err(AppError::Conflict {
                message_ja: "このリスクに再評価の依頼はありません。".into(),
                message_en: "This risk is not flagged for reassessment.".into(),
            });
        }
        e.reassess = None;
        e.updated_by = actor.person.id.clone();
        e.updated_at = self.now();
        let audit = actor.audit(
            "risk.reassessed",
            Some(actor.org.id.0.clone()),
            serde_json::json!({ "entry": id }),
        );
        self.store.put_risk_entry(&e, audit).await?;
        Ok(())
    }

    /// 要再評価: a provision reached `orgs`; for each operator among them, its cyber risks whose
    /// terms the provision's text names are flagged with a link to it (the rule:
    /// [`rules::reassessment_match`]). The flag is in the register, which only that
    /// organisation reads. Errors are logged, never fail the delivery.
    pub(crate) async fn prompt_reassessment(
        &self,
        provision: &str,
        ident: &str,
        text_of_provision: &str,
        orgs: &[OrgId],
    ) {
        for org in orgs {
            if let Err(e) = self
                .prompt_reassessment_of(org, provision, ident, text_of_provision)
                .await
            {
                tracing::warn!(org = %org.0, error = %e, "reassessment prompt failed");
            }
        }
    }

    async fn prompt_reassessment_of(
        &self,
        org: &OrgId,
        provision: &str,
        ident: &str,
        text_of_provision: &str,
    ) -> AppResult<()> {
        let entries = self.store.risk_entries(org).await?;
        let mut flags = Vec::new();
        for e in entries.iter().filter(|e| e.kind == RISK) {
            let Ok(risk) = body_of::<RiskInput>(e) else {
                continue;
            };
            let mut terms: Vec<String> = risk.keywords.clone();
            for a in entries
                .iter()
                .filter(|a| a.kind == ASSET && risk.assets.contains(&a.id))
            {
                if let Ok(asset) = body_of::<AssetInput>(a) {
                    terms.push(asset.name);
                    terms.extend(asset.products);
                }
            }
            let cyber = risk
                .categories
                .iter()
                .any(|c| c == ThreatCategory::Cyber.code())
                || !risk.supply_chain_threat.is_empty();
            let refs: Vec<&str> = terms.iter().map(String::as_str).collect();
            if let Some(m) = rules::reassessment_match(text_of_provision, cyber, &refs) {
                let flag = ReassessFlag {
                    provision: provision.to_owned(),
                    provision_ident: ident.to_owned(),
                    matched: m.to_owned(),
                    flagged_at: self.now(),
                };
                flags.push((e.id.clone(), to_json(&flag)?));
            }
        }
        if flags.is_empty() {
            return Ok(());
        }
        let audit = kakehashi_audit::AuditDraft {
            actor: None,
            actor_org: Some(org.0.clone()),
            action: "risk.reassess_prompt".into(),
            target: Some(provision.to_owned()),
            detail: serde_json::json!({ "risks": flags.iter().map(|(id, _)| id).collect::<Vec<_>>() }),
        };
        self.store.flag_risks(org, &flags, audit).await?;
        Ok(())
    }
}

impl App {
    /// Reminds an organisation's people of its treatment deadlines and plan review dates
    /// when they come near ([`NEAR_DAYS`]) and when they pass: one inbox row per person whom
    /// the policy lets read the register, once per date and phase — each reminder claimed
    /// first (`FOR UPDATE`-free upsert claim, like the reporting-deadline reminders), so that
    /// several nodes never send it twice. Run by the reminder worker beside the deadline
    /// reminders. Mail goes to those who chose it at once, naming no content. Returns how
    /// many reminders went out.
    pub async fn send_risk_reminders(&self) -> AppResult<usize> {
        let today = self.today();
        let until = today + chrono::Duration::days(i64::from(NEAR_DAYS));
        let mut sent = 0;
        for due in self.store.risk_due(until).await? {
            let phase = match rules::due_state(due.due_on, today, NEAR_DAYS) {
                DueState::Later => continue,
                DueState::Near => "near",
                DueState::Overdue => "overdue",
            };
            let key = kakehashi_store::RiskReminderKey {
                ref_id: due.ref_id.clone(),
                due_on: due.due_on,
                phase: phase.to_owned(),
            };
            let now = self.now();
            let lease = kakehashi_store::Lease {
                node: self.node.to_string(),
                now,
                until: now + crate::deadlines::reminder_lease(),
            };
            if !self.store.claim_risk_reminder(&key, &lease).await? {
                continue;
            }
            let org = self.store.org(&due.org).await?;
            let org = crate::identity::org_from_record(&org)?;
            let mut told = Vec::new();
            for p in self
                .store
                .people_in_orgs(std::slice::from_ref(&due.org))
                .await?
            {
                let Ok(person) = crate::identity::person_from_record(&p) else {
                    continue;
                };
                let Ok(viewer) = kakehashi_policy::Viewer::new(&person, &org) else {
                    continue;
                };
                if decide_org_internal(&viewer, &due.org).allowed {
                    told.push(p);
                }
            }
            let what = match (due.kind.as_str(), phase) {
                ("plan", "near") => "事業継続計画の見直し予定日が近づいています",
                ("plan", _) => "事業継続計画の見直し予定日を過ぎています",
                (_, "near") => "リスク対応計画の期限が近づいています",
                _ => "リスク対応計画の期限を過ぎています",
            };
            let title = format!("{what}（{}）: {}", due.due_on.format("%Y-%m-%d"), due.title);
            let kind = if due.kind == "plan" {
                "continuity"
            } else {
                "risk"
            };
            let ref_id = format!("{}:{}:{}", due.ref_id, due.due_on.format("%Y-%m-%d"), phase);
            let ids: Vec<kakehashi_domain::PersonId> = told.iter().map(|p| p.id.clone()).collect();
            self.store
                .insert_notifications(&ids, kind, &ref_id, &title, None, now)
                .await?;
            // Mail as each chose; it names no content (the register is internal).
            let link = format!(
                "{}{}",
                self.config.base_url.trim_end_matches('/'),
                crate::notify::link_of(kind, &ref_id)
            );
            for p in told
                .iter()
                .filter(|p| !p.email.is_empty() && p.mail_pref == "immediate")
            {
                let mail = crate::notify::OutgoingMail {
                    to: p.email.clone(),
                    subject: format!("[架け橋] {what}"),
                    body: format!(
                        "リスク管理・事業継続計画の期限についてのお知らせです。内容は架け橋にログインして確認してください。\n\
                         A risk-treatment deadline or plan review date — sign in to see it.\n\n{link}\n"
                    ),
                };
                match self.mailer.send(mail).await {
                    Ok(()) => {
                        self.store
                            .mark_notifications_mailed(
                                &p.id,
                                std::slice::from_ref(&ref_id),
                                self.now(),
                            )
                            .await?;
                    }
                    Err(e) => tracing::warn!("risk reminder mail failed: {e}"),
                }
            }
            if self
                .store
                .finish_risk_reminder(&key, &self.node, self.now())
                .await?
            {
                sent += 1;
            }
        }
        Ok(sent)
    }
}

fn dedup(v: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}

/// The impact the method takes, the level and, when it cannot be computed, why.
fn analyse(
    c: &RiskCriteria,
    r: &RiskInput,
    importances: &[u8],
) -> (Option<u8>, Option<u32>, Option<String>) {
    let method = AnalysisMethod::from_code(&r.method).unwrap_or(AnalysisMethod::AssetBased);
    let impact = match rules::impact_for(method, importances, r.damage) {
        Ok(i) => i,
        Err(e) => return (None, None, Some(e.field.to_owned())),
    };
    let Some(likelihood) = r.likelihood else {
        return (Some(impact), None, Some("likelihood".into()));
    };
    let vulnerability = match (r.vulnerability, c.vulnerability_levels) {
        (_, 1) => 1,
        (Some(v), _) => v,
        (None, _) => return (Some(impact), None, Some("vulnerability".into())),
    };
    match rules::risk_level(
        c,
        Factors {
            likelihood,
            impact,
            vulnerability,
        },
    ) {
        Ok(l) => (Some(impact), Some(l), None),
        Err(e) => (Some(impact), None, Some(e.field.to_owned())),
    }
}
