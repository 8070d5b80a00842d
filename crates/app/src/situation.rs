//! 状況把握 — the live cross-sector situation picture, by the rules of
//! [`kakehashi_domain::situation`].
//!
//! **What each viewer sees.** Open chains the viewer may read come from the case listing: its
//! one set-based query over the viewer's audience keys ([`kakehashi_policy::viewer_keys`]),
//! each row's copy revealed by the policy and kept as [`Visible`]; nothing else decides what is
//! shown in detail (sector, service, importance, state from ⑧, age since ② 判明, ⑥ breach).
//! Every other open chain contributes only to a per-sector count, from a store aggregate that
//! returns numbers and never rows ([`kakehashi_store::Store::count_open_chains_outside`]); a
//! count stands only when at least k distinct reporting organisations are behind it (k of
//! 統計, [`crate::statistics`]), else it reads `<k`. The cascade rule lights a sector only from
//! what the viewer reads in detail. The latest timeline entries are the newest copies and sent
//! provisions the viewer may read, with names, never ids.
//!
//! **Who.** NISC and the crisis-management office (the hub), the CI ministries, the CEPTOARs
//! and the operators: each with what the policy gives it — NISC every chain it holds, a ministry
//! the liaisons of its sectors that reach it, a CEPTOAR or an operator its own, everyone else's
//! as counts. The other organisations (other ministries, agencies, vendors, the CEPTOAR
//! Council) handle no liaisons of the sectors and are refused (403). Exercises (訓練) are not
//! part of the picture.
//!
//! **Audit.** A picture holding a restricted copy (RED, AMBER+STRICT, AMBER or the anonymising
//! route's confined hop) is recorded as `situation.read` with the copies and chains, like a CSV
//! export of the listing; the dependency graph is a platform setting only NISC's approvers
//! change, recorded as `situation.dependencies`.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::inbox::{summary_line, ListingFilter, Scope, PAGE_MAX};
use crate::liaison::scope_of;
use crate::App;
use chrono::{DateTime, Utc};
use kakehashi_domain::liaison::LiaisonForm;
use kakehashi_domain::situation::{
    at_risk, default_edges, mask, sources, state_code, validate, AgeBand, Edge, GraphRule, Masked,
    Signal, SEED_LINES_CASCADE, SEED_LINES_INTERDEPENDENCE,
};
use kakehashi_domain::{ChainId, CopyId, Importance, OrgId, OrgKind, Role, Tlp};
use kakehashi_policy::{reveal, Visible};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The platform setting holding the dependency graph (JSON `{"edges": [...]}`).
pub const SETTING: &str = "situation.dependencies";
/// The most open chains one picture shows in detail; beyond it the answer says `truncated`.
pub const DETAIL_MAX: usize = 5_000;
/// How many timeline entries the picture shows.
pub const TIMELINE_LEN: usize = 10;

/// The kinds of organisation that see the situation picture.
pub fn may_see_situation(kind: OrgKind) -> bool {
    match kind {
        OrgKind::Nisc
        | OrgKind::CrisisManagement
        | OrgKind::CiMinistry
        | OrgKind::Ceptoar
        | OrgKind::Operator => true,
        OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::CeptoarCouncil => false,
    }
}

/// NISC's approvers set the dependency graph.
pub fn may_set_dependencies(actor: &Actor) -> bool {
    actor.org.kind == OrgKind::Nisc && actor.has(Role::Approver)
}

/// The dependency graph in force.
#[derive(Debug, Clone, Serialize)]
pub struct Dependencies {
    pub edges: Vec<Edge>,
    /// No graph was set: the default from the seed's wording.
    pub default: bool,
    /// Seed lines the default rests on.
    pub seed_lines: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct StoredGraph {
    edges: Vec<Edge>,
}

/// One open chain the viewer reads in detail (from the newest copy it may read).
#[derive(Debug, Clone, Serialize)]
pub struct OpenChain {
    pub chain: ChainId,
    /// The copy the details come from.
    pub copy: CopyId,
    /// R<n> of the case, once NISC has it.
    pub number: Option<u64>,
    pub sector: String,
    /// 別紙２ service code of ⑥, if given.
    pub service: Option<String>,
    /// Importance code (alert, caution, reference), if rated.
    pub importance: Option<String>,
    /// ⑧ 今後の予定 code, or `unknown`.
    pub state: &'static str,
    /// ② 判明日時.
    pub discovered_at: Option<DateTime<Utc>>,
    /// Minutes since 判明.
    pub age_minutes: Option<i64>,
    pub age_band: AgeBand,
    /// ⑥ サービス維持レベル逸脱: true = 逸脱あり, null = not judged.
    pub sml_breach: Option<bool>,
    /// One line of ② 概要.
    pub line: String,
    pub sender_name: String,
    pub sender_name_en: String,
    pub tlp: String,
    /// RED, AMBER+STRICT or AMBER as the policy applies it.
    pub restricted: bool,
}

/// Open chains by importance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ByImportance {
    pub alert: u64,
    pub caution: u64,
    pub reference: u64,
    pub unrated: u64,
}

/// One sector of the picture.
#[derive(Debug, Clone, Serialize)]
pub struct SectorRow {
    pub sector: String,
    /// Open chains the viewer reads in detail.
    pub detailed: u64,
    pub by_importance: ByImportance,
    /// Of those, with ⑥ 逸脱あり.
    pub breaches: u64,
    /// Open chains outside the viewer's scope, k-masked.
    pub outside: Masked,
    /// `outside` as shown: the number or `<k`.
    pub outside_shown: String,
    /// The sector has a detailed open chain with 警報, 注意喚起 or a breach.
    pub source: bool,
    /// A sector it depends on is a source.
    pub at_risk: bool,
    /// The source sectors it depends on.
    pub risk_from: Vec<String>,
}

/// A count of detailed open chains under one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub key: String,
    pub count: u64,
}

/// One of the latest entries the viewer may read.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    /// `report` (a liaison copy) or `provision` (a sent 情報提供).
    pub kind: &'static str,
    pub at: DateTime<Utc>,
    /// The copy's chain or the provision's id (for the link).
    pub id: String,
    /// R<n> / R<n>-<k> or T<n>, once numbered.
    pub ident: Option<String>,
    pub importance: Option<String>,
    pub sectors: Vec<String>,
    /// A liaison's line of ② 概要 (empty for a provision: its content is read on its page).
    pub line: String,
    /// Who sent it (names).
    pub sender_name: String,
    pub sender_name_en: String,
}

/// The picture for one viewer.
#[derive(Debug, Clone, Serialize)]
pub struct Situation {
    pub generated_at: DateTime<Utc>,
    pub k: u32,
    /// Every sector, in reference order.
    pub sectors: Vec<SectorRow>,
    /// Open chains read in detail, oldest 判明 first.
    pub chains: Vec<Visible<OpenChain>>,
    pub by_service: Vec<Tally>,
    pub by_state: Vec<Tally>,
    pub by_age: Vec<Tally>,
    pub timeline: Vec<TimelineEntry>,
    pub dependencies: Dependencies,
    /// More open chains matched than one picture shows in detail ([`DETAIL_MAX`]).
    pub truncated: bool,
}

fn importance_of(code: Option<&str>) -> Option<Importance> {
    code.and_then(Importance::from_code)
}

fn tally<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<Tally> {
    let mut m: BTreeMap<&str, u64> = BTreeMap::new();
    for k in keys {
        *m.entry(k).or_default() += 1;
    }
    let mut out: Vec<Tally> = m
        .into_iter()
        .map(|(k, count)| Tally {
            key: k.to_owned(),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    out
}

impl App {
    fn sector_codes(&self) -> Vec<&str> {
        self.reference
            .sectors()
            .iter()
            .map(|s| s.id.as_str())
            .collect()
    }

    /// The dependency graph in force: the one NISC set, else the default from the seed.
    pub async fn situation_dependencies(&self) -> AppResult<Dependencies> {
        let codes = self.sector_codes();
        let stored = self
            .store
            .get_setting(SETTING)
            .await?
            .filter(|v| !v.is_empty())
            .and_then(|v| serde_json::from_str::<StoredGraph>(&v).ok());
        Ok(match stored {
            Some(g) => Dependencies {
                // A sector since dropped from the reference data leaves its edges behind.
                edges: g
                    .edges
                    .into_iter()
                    .filter(|e| {
                        codes.contains(&e.sector.as_str()) && codes.contains(&e.depends_on.as_str())
                    })
                    .collect(),
                default: false,
                seed_lines: SEED_LINES_INTERDEPENDENCE.to_owned(),
            },
            None => Dependencies {
                edges: default_edges(&codes),
                default: true,
                seed_lines: SEED_LINES_CASCADE.to_owned(),
            },
        })
    }

    /// Sets the dependency graph (NISC's approvers), checked and audited. `None` restores the
    /// default.
    pub async fn set_situation_dependencies(
        &self,
        actor: &Actor,
        edges: Option<Vec<Edge>>,
    ) -> AppResult<Dependencies> {
        if !may_set_dependencies(actor) {
            return Err(AppError::forbidden(
                "分野間の依存関係はNISCの承認者が設定します。",
                "Only NISC's approvers set the sector dependencies.",
            ));
        }
        let codes = self.sector_codes();
        if let Some(edges) = &edges {
            validate(edges, &codes).map_err(|e| {
                let row = e.index + 1;
                let field = match e.field {
                    "sector" => "edges.sector",
                    "depends_on" => "edges.depends_on",
                    _ => "edges",
                };
                let v = &e.value;
                let (ja, en) = match e.rule {
                    GraphRule::UnknownSector => (
                        format!("{row}行目：分野「{v}」はありません。"),
                        format!("Row {row}: there is no sector '{v}'."),
                    ),
                    GraphRule::SelfEdge => (
                        format!("{row}行目：分野は自分自身に依存できません（{v}）。"),
                        format!("Row {row}: a sector cannot depend on itself ({v})."),
                    ),
                    GraphRule::Duplicate => (
                        format!("{row}行目：同じ依存関係が二度あります（{v}）。"),
                        format!("Row {row}: the same dependency appears twice ({v})."),
                    ),
                    GraphRule::TooMany => (
                        format!(
                            "依存関係は{}件までです（{v}件）。",
                            kakehashi_domain::situation::EDGES_MAX
                        ),
                        format!(
                            "At most {} dependencies ({v} given).",
                            kakehashi_domain::situation::EDGES_MAX
                        ),
                    ),
                };
                AppError::bad_field(field, e.rule.code(), ja, en)
            })?;
        }
        let before = self.situation_dependencies().await?;
        let value = match &edges {
            Some(edges) => serde_json::to_string(&StoredGraph {
                edges: edges.clone(),
            })
            .map_err(|e| AppError::Internal(format!("dependency graph: {e}")))?,
            None => String::new(),
        };
        self.store
            .put_setting_audited(
                SETTING,
                &value,
                actor.audit(
                    "situation.dependencies",
                    None,
                    serde_json::json!({
                        "from": { "default": before.default, "edges": before.edges.len() },
                        "to": { "default": edges.is_none(), "edges": edges.as_ref().map(Vec::len) },
                    }),
                ),
            )
            .await?;
        self.situation_dependencies().await
    }

    /// The situation picture for `actor` (see the module documentation). `format` names the
    /// output (`json`, `web`) in the audit entry.
    pub async fn situation(&self, actor: &Actor, format: &str) -> AppResult<Situation> {
        if !may_see_situation(actor.org.kind) {
            return Err(AppError::forbidden(
                "状況把握は、NISC、事態対処・危機管理担当、重要インフラ所管省庁、セプター及び重要インフラ事業者等が閲覧します。",
                "The situation picture is for NISC, the crisis-management office, the CI ministries, CEPTOARs and CI operators.",
            ));
        }
        let now = self.now();
        let k = self.statistics_k().await?;
        let viewer = actor.viewer()?;
        let names: HashMap<OrgId, (String, String)> = self
            .store
            .orgs()
            .await?
            .into_iter()
            .map(|o| (o.id, (o.name_ja, o.name_en)))
            .collect();
        let name = |o: &OrgId| names.get(o).cloned().unwrap_or_default();

        // Open chains in detail: the listing's rows, each revealed by the policy.
        let open = ListingFilter {
            status: Some("open".into()),
            ..ListingFilter::default()
        };
        let mut q = self.listing_query(actor, Scope::All, &open)?;
        q.limit = PAGE_MAX;
        let keys = q.keys.clone();
        let mut chains: Vec<Visible<OpenChain>> = Vec::new();
        let mut truncated = false;
        loop {
            let (records, full) = self.listing_page(&mut q).await?;
            for r in records {
                if r.exercise {
                    continue;
                }
                let c = r.copy;
                let scope = scope_of(&c)?;
                let form: LiaisonForm = serde_json::from_str(&c.form).map_err(|e| {
                    AppError::Internal(format!("stored form of copy {}: {e}", c.id))
                })?;
                let age = form
                    .summary
                    .discovered_at
                    .map(|d| (now - d).num_minutes().max(0));
                let (sender_name, sender_name_en) = name(&c.sender_org);
                let row = OpenChain {
                    chain: c.chain.clone(),
                    copy: c.id.clone(),
                    number: r.chain_number,
                    sector: c.sector.clone(),
                    service: form.impact.service.clone().filter(|s| !s.is_empty()),
                    importance: c.importance.clone(),
                    state: state_code(form.next_steps),
                    discovered_at: form.summary.discovered_at,
                    age_minutes: age,
                    age_band: AgeBand::of(age),
                    sml_breach: form.impact.sml_deviation,
                    line: summary_line(&form),
                    sender_name,
                    sender_name_en,
                    tlp: c.tlp.clone(),
                    restricted: matches!(scope.tlp, Tlp::Red | Tlp::AmberStrict | Tlp::Amber),
                };
                match reveal(&viewer, &scope, row) {
                    Ok(v) => chains.push(v),
                    Err(denied) => tracing::error!(
                        copy = %c.id,
                        reason = denied.reason().code(),
                        "situation row refused by the policy although its audience keys matched"
                    ),
                }
            }
            if chains.len() > DETAIL_MAX {
                chains.truncate(DETAIL_MAX);
                truncated = true;
                break;
            }
            if !full {
                break;
            }
        }
        chains.sort_by(|a, b| {
            let (a, b) = (a.get(), b.get());
            b.age_minutes
                .unwrap_or(-1)
                .cmp(&a.age_minutes.unwrap_or(-1))
                .then(a.chain.0.cmp(&b.chain.0))
        });

        // Everything else: numbers per sector, never rows.
        let outside: HashMap<String, (u64, u64)> = self
            .store
            .count_open_chains_outside(&keys)
            .await?
            .into_iter()
            .map(|c| (c.sector, (c.chains, c.orgs)))
            .collect();

        let dependencies = self.situation_dependencies().await?;
        let signals: Vec<Signal> = chains
            .iter()
            .map(|c| {
                let c = c.get();
                Signal {
                    sector: c.sector.clone(),
                    importance: importance_of(c.importance.as_deref()),
                    sml_breach: c.sml_breach,
                }
            })
            .collect();
        let src = sources(&signals);
        let risk = at_risk(&dependencies.edges, &signals);
        let sectors: Vec<SectorRow> = self
            .sector_codes()
            .into_iter()
            .map(|code| {
                let mine: Vec<&OpenChain> = chains
                    .iter()
                    .map(|c| c.get())
                    .filter(|c| c.sector == code)
                    .collect();
                let mut by = ByImportance::default();
                for c in &mine {
                    match importance_of(c.importance.as_deref()) {
                        Some(Importance::Alert) => by.alert += 1,
                        Some(Importance::Caution) => by.caution += 1,
                        Some(Importance::Reference) => by.reference += 1,
                        None => by.unrated += 1,
                    }
                }
                let (n, orgs) = outside.get(code).copied().unwrap_or((0, 0));
                let masked = mask(n, orgs, k);
                let risk_from = risk.get(code).cloned().unwrap_or_default();
                SectorRow {
                    sector: code.to_owned(),
                    detailed: mine.len() as u64,
                    by_importance: by,
                    breaches: mine.iter().filter(|c| c.sml_breach == Some(true)).count() as u64,
                    outside: masked,
                    outside_shown: masked.shown(k),
                    source: src.contains(code),
                    at_risk: !risk_from.is_empty(),
                    risk_from,
                }
            })
            .collect();
        let details = || chains.iter().map(|c| c.get());
        let by_service = tally(details().map(|c| c.service.as_deref().unwrap_or("")));
        let by_state = tally(details().map(|c| c.state));
        let mut by_age: Vec<Tally> = tally(details().map(|c| c.age_band.code()));
        by_age.sort_by_key(|t| {
            AgeBand::ALL
                .iter()
                .position(|b| b.code() == t.key)
                .unwrap_or(usize::MAX)
        });

        let timeline = self.situation_timeline(actor).await?;

        let restricted: Vec<&OpenChain> = details().filter(|c| c.restricted).collect();
        if !restricted.is_empty() {
            self.store
                .append_audit(vec![actor.audit(
                    "situation.read",
                    None,
                    serde_json::json!({
                        "format": format,
                        "chains": chains.len(),
                        "truncated": truncated,
                        "copies": restricted.iter().map(|c| &c.copy).collect::<Vec<_>>(),
                        "restricted_chains": restricted.iter().map(|c| &c.chain).collect::<Vec<_>>(),
                    }),
                )])
                .await?;
        }
        Ok(Situation {
            generated_at: now,
            k,
            sectors,
            chains,
            by_service,
            by_state,
            by_age,
            timeline,
            dependencies,
            truncated,
        })
    }

    /// The newest liaison copies and sent provisions the actor may read, newest first.
    async fn situation_timeline(&self, actor: &Actor) -> AppResult<Vec<TimelineEntry>> {
        let recent = ListingFilter {
            limit: Some(TIMELINE_LEN.to_string()),
            ..ListingFilter::default()
        };
        let mut out: Vec<TimelineEntry> = self
            .listing(actor, Scope::All, &recent)
            .await?
            .items
            .into_iter()
            .map(|v| {
                let r = v.into_inner();
                TimelineEntry {
                    kind: "report",
                    at: r.summary.created_at,
                    id: r.summary.chain.0.clone(),
                    ident: r.summary.ident.clone(),
                    importance: r.summary.importance.clone(),
                    sectors: vec![r.summary.sector.clone()],
                    line: r.line,
                    sender_name: r.sender_name,
                    sender_name_en: r.sender_name_en,
                }
            })
            .collect();
        let nisc = self
            .store
            .org(&OrgId(crate::orgs::NISC_ORG.into()))
            .await
            .ok();
        for p in self.provisions(actor, TIMELINE_LEN as u32).await? {
            let Some(at) = p.sent_at else { continue };
            out.push(TimelineEntry {
                kind: "provision",
                at,
                id: p.id.clone(),
                ident: p.ident.clone(),
                importance: p.importance.clone(),
                sectors: p.sectors.clone(),
                line: String::new(),
                sender_name: nisc.as_ref().map(|o| o.name_ja.clone()).unwrap_or_default(),
                sender_name_en: nisc.as_ref().map(|o| o.name_en.clone()).unwrap_or_default(),
            });
        }
        out.sort_by(|a, b| b.at.cmp(&a.at).then(a.id.cmp(&b.id)));
        out.truncate(TIMELINE_LEN);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_sees_the_picture() {
        for kind in OrgKind::ALL {
            let expected = matches!(
                kind,
                OrgKind::Nisc
                    | OrgKind::CrisisManagement
                    | OrgKind::CiMinistry
                    | OrgKind::Ceptoar
                    | OrgKind::Operator
            );
            assert_eq!(may_see_situation(kind), expected, "{kind:?}");
        }
    }

    #[test]
    fn tallies_count_and_order() {
        let t = tally(["b", "a", "b", ""].into_iter());
        assert_eq!(
            t,
            vec![
                Tally {
                    key: "b".into(),
                    count: 2
                },
                Tally {
                    key: "".into(),
                    count: 1
                },
                Tally {
                    key: "a".into(),
                    count: 1
                },
            ]
        );
    }
}
