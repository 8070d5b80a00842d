//! 突合 — NISC's cross-sector situation awareness (分野横断的な状況の把握): the reports NISC
//! holds that share an indicator, or the same event and cause within hours, proposed as
//! candidate links ([`kakehashi_domain::cross_check`]); NISC links chains into an incident
//! (インシデント, I<n>), adds and removes chains, and dismisses a candidate so it is not proposed
//! again.
//!
//! Who: NISC's CI protection unit's own staff (the policy's hub-internal rule, as for provision
//! drafts and sanitisation findings); changes also need the approver role, as drafting a
//! provision does. An incident is NISC's internal working material: anyone else gets the same
//! 404 as a missing id, and the listings refuse them with 403. The chains themselves are read
//! only through the liaison read path the policy governs ([`App::readable_copies_of_chain`]
//! over the audience-keyed listing), and reading restricted copies is audited. Every change is
//! audited in its own transaction.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::liaison::is_restricted;
use crate::provision::{is_hub_staff, may_draft_provisions};
use crate::{new_id, App};
use chrono::{DateTime, Utc};
use kakehashi_domain::cross_check::{
    self, incident_ident, indicators_of, ChainFacts, LinkReason, Settings, SharedIndicator,
};
use kakehashi_domain::liaison::LiaisonForm;
use kakehashi_domain::text::{self, Subject};
use kakehashi_domain::{ChainId, OrgId};
use kakehashi_policy::{reveal_hub_internal, viewer_keys, Visible};
use kakehashi_store::{
    CopyQuery, DismissalRecord, IncidentChainRecord, IncidentRecord, OrgRecord, StoreError,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How many of the newest copies NISC reads are cross-checked.
pub const SCAN_COPIES: u32 = 1000;
/// How many incidents a listing shows at most.
pub const LIST_MAX: u32 = 200;

/// Whether the actor sees cross-checking and incidents: NISC's own staff.
pub fn may_cross_check(actor: &Actor) -> bool {
    is_hub_staff(actor)
}

/// Whether the actor links, unlinks and dismisses: NISC staff with the approver role.
pub fn may_link(actor: &Actor) -> bool {
    may_draft_provisions(actor)
}

fn hub_only() -> AppError {
    AppError::forbidden(
        "突合・インシデントはNISCの職員のみが扱います。",
        "Only NISC staff use cross-checking and incidents.",
    )
}

fn approver_only() -> AppError {
    AppError::forbidden(
        "インシデントへの関連付け・候補の却下はNISCの職員（承認・送信者）が行います。",
        "Only NISC staff with the approver role link chains into incidents or dismiss candidates.",
    )
}

/// A chain as cross-checking shows it: its R-number, sector and reporter by name.
#[derive(Debug, Clone, Serialize)]
pub struct ChainBrief {
    pub id: ChainId,
    /// R<n> once NISC has numbered it.
    pub ident: Option<String>,
    pub sector: String,
    pub sector_name_ja: String,
    pub sector_name_en: String,
    /// The reporting organisation as NISC reads it; empty when hidden (anonymised).
    pub org_name_ja: String,
    pub org_name_en: String,
    pub event: Option<String>,
    pub event_label_ja: String,
    pub event_label_en: String,
    pub discovered_at: Option<DateTime<Utc>>,
}

/// One reason of a link, with its words in both languages.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonView {
    #[serde(flatten)]
    pub reason: LinkReason,
    pub text_ja: String,
    pub text_en: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub a: ChainId,
    pub b: ChainId,
    pub score: u32,
    pub reasons: Vec<ReasonView>,
}

/// An incident as a candidate group names it.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentBrief {
    pub id: String,
    pub ident: String,
    pub title: String,
}

/// A candidate group: chains, the links between them and their reasons.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub score: u32,
    pub chains: Vec<ChainBrief>,
    pub links: Vec<LinkView>,
    /// Incidents some of these chains are already in (link the others into one of them).
    pub incidents: Vec<IncidentBrief>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CandidatesView {
    /// The same-cause window in hours.
    pub window_hours: i64,
    /// How many chains were cross-checked.
    pub chains_checked: usize,
    pub items: Vec<GroupView>,
}

/// A new incident as NISC writes it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewIncident {
    pub title: String,
    #[serde(default)]
    pub note: String,
    /// Chain ids (at least one) NISC reads, none in an incident yet.
    pub chains: Vec<String>,
}

/// Chains to add to an incident, or a candidate to dismiss.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainList {
    pub chains: Vec<String>,
}

/// A chain of an incident.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentChainView {
    #[serde(flatten)]
    pub chain: ChainBrief,
    pub added_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentView {
    pub id: String,
    /// I<n>.
    pub ident: String,
    pub title: String,
    pub note: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub chains: Vec<IncidentChainView>,
}

/// What one readable chain contributes: the facts for the rule and what the page shows.
struct Readable {
    facts: ChainFacts,
    brief: ChainBrief,
    restricted: bool,
}

fn minutes_words(m: i64) -> (String, String) {
    if m < 60 {
        (format!("{m}分差"), format!("{m} min apart"))
    } else if m % 60 == 0 {
        let h = m / 60;
        (format!("{h}時間差"), format!("{h} h apart"))
    } else {
        (
            format!("{}時間{}分差", m / 60, m % 60),
            format!("{} h {} min apart", m / 60, m % 60),
        )
    }
}

impl App {
    fn cause_label(&self, code: &str) -> (String, String) {
        match self.reference.cause(code) {
            Some(c) => (c.label_ja.clone(), c.label_en.clone()),
            None => (code.to_owned(), code.to_owned()),
        }
    }

    fn reason_view(&self, reason: LinkReason) -> ReasonView {
        let (text_ja, text_en) = match &reason {
            LinkReason::SharedIndicator {
                indicator: SharedIndicator { kind, value },
            } => (
                format!("同じ指標 {value} を含む（{}）", kind.label_ja()),
                format!("Both name the indicator {value} ({})", kind.label_en()),
            ),
            LinkReason::SameEventAndCause {
                event,
                causes,
                gap_minutes,
            } => {
                let (ja, en): (Vec<String>, Vec<String>) =
                    causes.iter().map(|c| self.cause_label(c)).unzip();
                let (ev_ja, ev_en) = match self.reference.event(event) {
                    Some(e) => (e.label_ja.clone(), e.label_en.clone()),
                    None => (event.clone(), event.clone()),
                };
                let (gap_ja, gap_en) = minutes_words(*gap_minutes);
                (
                    format!(
                        "同じ事象（{ev_ja}）・同じ原因（{}）で判明時刻が {gap_ja}",
                        ja.join("、")
                    ),
                    format!(
                        "Same event ({ev_en}) and cause ({}), discovered {gap_en}",
                        en.join(", ")
                    ),
                )
            }
        };
        ReasonView {
            reason,
            text_ja,
            text_en,
        }
    }

    /// One chain as NISC reads it through the liaison read path; `None` if no copy is readable.
    async fn readable_chain(
        &self,
        viewer: &kakehashi_policy::Viewer,
        id: &ChainId,
        dir: &HashMap<OrgId, OrgRecord>,
        incident: Option<String>,
    ) -> AppResult<Option<Readable>> {
        let copies = self.readable_copies_of_chain(viewer, id).await?;
        if copies.is_empty() {
            return Ok(None);
        }
        let chain = self.store.chain(id).await?;
        let mut indicators: Vec<SharedIndicator> = Vec::new();
        let mut latest: Option<(u32, DateTime<Utc>, LiaisonForm)> = None;
        let mut org: Option<OrgId> = None;
        let mut hidden = false;
        let mut restricted = false;
        for (c, scope) in &copies {
            restricted |= is_restricted(scope.tlp);
            hidden |= c.anonymised;
            if c.parent.is_none() && c.report_no == 1 {
                // The first hop of the first report: its sender is the reporting organisation.
                org = Some(c.sender_org.clone());
            }
            let form: LiaisonForm =
                serde_json::from_str(&c.form).map_err(|e| AppError::Internal(e.to_string()))?;
            for i in indicators_of(&form) {
                if !indicators.contains(&i) {
                    indicators.push(i);
                }
            }
            let newer = latest
                .as_ref()
                .is_none_or(|(n, at, _)| (c.report_no, c.created_at) > (*n, *at));
            if newer {
                latest = Some((c.report_no, c.created_at, form));
            }
        }
        let form = latest.map(|(_, _, f)| f).unwrap_or_default();
        let org = if hidden { None } else { org };
        let named = org.as_ref().and_then(|o| dir.get(o));
        let sector = self.reference.sector(&chain.sector);
        let event = form.event.clone();
        let ev = event.as_deref().and_then(|e| self.reference.event(e));
        let brief = ChainBrief {
            id: chain.id.clone(),
            ident: chain.ident(1),
            sector_name_ja: sector.map(|s| s.name_ja.clone()).unwrap_or_default(),
            sector_name_en: sector.map(|s| s.name_en.clone()).unwrap_or_default(),
            sector: chain.sector.clone(),
            org_name_ja: named.map(|o| o.name_ja.clone()).unwrap_or_default(),
            org_name_en: named.map(|o| o.name_en.clone()).unwrap_or_default(),
            event_label_ja: ev.map(|e| e.label_ja.clone()).unwrap_or_default(),
            event_label_en: ev.map(|e| e.label_en.clone()).unwrap_or_default(),
            event: event.clone(),
            discovered_at: form.summary.discovered_at,
        };
        let facts = ChainFacts {
            id: chain.id.0.clone(),
            sector: chain.sector,
            org: org.map(|o| o.0),
            event,
            causes: form.causes.clone(),
            discovered_at: form.summary.discovered_at,
            indicators,
            incident,
        };
        Ok(Some(Readable {
            facts,
            brief,
            restricted,
        }))
    }

    async fn org_dir(&self) -> AppResult<HashMap<OrgId, OrgRecord>> {
        Ok(self
            .store
            .orgs()
            .await?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect())
    }

    /// The candidate links among the chains NISC reads, grouped, strongest first.
    pub async fn cross_check_candidates(
        &self,
        actor: &Actor,
    ) -> AppResult<Visible<CandidatesView>> {
        if !may_cross_check(actor) {
            return Err(hub_only());
        }
        let viewer = actor.viewer()?;
        let keys = viewer_keys(&viewer, &self.all_sectors());
        let rows = self
            .store
            .list_copies(&CopyQuery {
                keys: keys.into_iter().map(|k| k.into_string()).collect(),
                limit: SCAN_COPIES,
                ..CopyQuery::default()
            })
            .await?;
        let mut chain_ids: Vec<ChainId> = Vec::new();
        for r in rows {
            if !chain_ids.contains(&r.chain) {
                chain_ids.push(r.chain);
            }
        }
        let linked: HashMap<String, String> = self
            .store
            .linked_chains()
            .await?
            .into_iter()
            .map(|l| (l.chain.0, l.incident))
            .collect();
        let dir = self.org_dir().await?;
        let mut readable: BTreeMap<String, Readable> = BTreeMap::new();
        for id in &chain_ids {
            if let Some(r) = self
                .readable_chain(&viewer, id, &dir, linked.get(&id.0).cloned())
                .await?
            {
                readable.insert(id.0.clone(), r);
            }
        }
        let dismissed: BTreeSet<(String, String)> = self
            .store
            .dismissals()
            .await?
            .into_iter()
            .map(|d| (d.chain_a.0, d.chain_b.0))
            .collect();
        let settings = Settings::default();
        let facts: Vec<ChainFacts> = readable.values().map(|r| r.facts.clone()).collect();
        let groups = cross_check::candidates(&facts, &dismissed, &settings);
        let restricted: Vec<&String> = readable
            .iter()
            .filter(|(_, r)| r.restricted)
            .map(|(id, _)| id)
            .collect();
        if !restricted.is_empty() {
            self.store
                .append_audit(vec![actor.audit(
                    "cross_check.read",
                    None,
                    serde_json::json!({ "chains": restricted }),
                )])
                .await?;
        }
        let mut incidents: HashMap<String, IncidentBrief> = HashMap::new();
        let mut items = Vec::new();
        for g in groups {
            let mut briefs = Vec::new();
            for id in &g.incidents {
                if !incidents.contains_key(id) {
                    let i = self.store.incident(id).await?;
                    incidents.insert(
                        id.clone(),
                        IncidentBrief {
                            id: i.id,
                            ident: incident_ident(i.number),
                            title: i.title,
                        },
                    );
                }
                if let Some(b) = incidents.get(id) {
                    briefs.push(b.clone());
                }
            }
            items.push(GroupView {
                score: g.score,
                chains: g
                    .chains
                    .iter()
                    .filter_map(|id| readable.get(id).map(|r| r.brief.clone()))
                    .collect(),
                links: g
                    .links
                    .into_iter()
                    .map(|l| LinkView {
                        a: ChainId(l.a),
                        b: ChainId(l.b),
                        score: l.score,
                        reasons: l.reasons.into_iter().map(|r| self.reason_view(r)).collect(),
                    })
                    .collect(),
                incidents: briefs,
            });
        }
        let view = CandidatesView {
            window_hours: settings.window.num_hours(),
            chains_checked: readable.len(),
            items,
        };
        reveal_hub_internal(&viewer, view).map_err(|_| hub_only())
    }

    /// The chains named in a request: each once, each one NISC reads (else 422 naming the
    /// field, the same for a missing and an unreadable id).
    async fn named_chains(
        &self,
        actor: &Actor,
        given: &[String],
        min: usize,
    ) -> AppResult<Vec<ChainId>> {
        let viewer = actor.viewer()?;
        let mut out: Vec<ChainId> = Vec::new();
        for id in given.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let id = ChainId(id.to_owned());
            if out.contains(&id) {
                continue;
            }
            let readable = match self.readable_copies_of_chain(&viewer, &id).await {
                Ok(c) => !c.is_empty(),
                Err(AppError::NotFound) => false,
                Err(e) => return Err(e),
            };
            if !readable {
                return Err(AppError::bad_field(
                    "chains",
                    "unknown",
                    format!("情報連絡「{}」はありません。", id.0),
                    format!("No liaison chain '{}'.", id.0),
                ));
            }
            out.push(id);
        }
        if out.len() < min {
            return Err(AppError::bad_field(
                "chains",
                "too_few",
                format!("情報連絡を{min}件以上選んでください。"),
                format!("Choose at least {min} liaison chain(s)."),
            ));
        }
        Ok(out)
    }

    /// Refuses chains already in an incident (422 naming the incident).
    async fn not_yet_linked(&self, chains: &[ChainId]) -> AppResult<()> {
        let linked: HashMap<String, String> = self
            .store
            .linked_chains()
            .await?
            .into_iter()
            .map(|l| (l.chain.0, l.incident))
            .collect();
        for c in chains {
            if let Some(inc) = linked.get(&c.0) {
                let ident = incident_ident(self.store.incident(inc).await?.number);
                return Err(AppError::bad_field(
                    "chains",
                    "already_linked",
                    format!("この情報連絡は既にインシデント {ident} に関連付けられています。"),
                    format!("This liaison chain is already linked into incident {ident}."),
                ));
            }
        }
        Ok(())
    }

    fn linking_conflict() -> AppError {
        AppError::Conflict {
            message_ja:
                "情報連絡が他の操作で別のインシデントに関連付けられました。画面を更新してください。"
                    .into(),
            message_en: "A chain was linked into an incident meanwhile; reload and try again."
                .into(),
        }
    }

    /// NISC links chains into a new incident I<n>.
    pub async fn create_incident(
        &self,
        actor: &Actor,
        input: NewIncident,
    ) -> AppResult<Visible<IncidentView>> {
        if !may_cross_check(actor) {
            return Err(hub_only());
        }
        if !may_link(actor) {
            return Err(approver_only());
        }
        let title = text::clean(Subject::Incident, "title", &input.title)?;
        let note = text::clean(Subject::Incident, "note", &input.note)?;
        let chains = self.named_chains(actor, &input.chains, 1).await?;
        self.not_yet_linked(&chains).await?;
        let now = self.now();
        let rec = IncidentRecord {
            id: new_id(),
            number: 0,
            title,
            note,
            created_by: actor.person.id.clone(),
            created_at: now,
        };
        let links: Vec<IncidentChainRecord> = chains
            .iter()
            .map(|c| IncidentChainRecord {
                incident: rec.id.clone(),
                chain: c.clone(),
                added_by: actor.person.id.clone(),
                added_at: now,
            })
            .collect();
        let audit = actor.audit(
            "incident.create",
            Some(rec.id.clone()),
            serde_json::json!({ "chains": chains }),
        );
        match self.store.insert_incident(&rec, &links, audit).await {
            Ok(_) => {}
            Err(StoreError::Conflict(_)) => return Err(Self::linking_conflict()),
            Err(e) => return Err(e.into()),
        }
        self.incident(actor, &rec.id).await
    }

    /// The incidents, newest first (NISC staff; others are refused).
    pub async fn incidents(&self, actor: &Actor) -> AppResult<Vec<Visible<IncidentView>>> {
        if !may_cross_check(actor) {
            return Err(hub_only());
        }
        let mut out = Vec::new();
        for i in self.store.incidents(LIST_MAX).await? {
            out.push(self.incident(actor, &i.id).await?);
        }
        Ok(out)
    }

    /// The incident record if the actor may read it, else the same 404 as a missing id.
    async fn readable_incident(&self, actor: &Actor, id: &str) -> AppResult<IncidentRecord> {
        if may_cross_check(actor) {
            match self.store.incident(id).await {
                Ok(i) => return Ok(i),
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.note_refusal(Some(actor), "not_found", Some(&format!("incident:{id}")));
        Err(AppError::NotFound)
    }

    /// One incident with its chains (R-numbers, sectors and reporters by name).
    pub async fn incident(&self, actor: &Actor, id: &str) -> AppResult<Visible<IncidentView>> {
        let i = self.readable_incident(actor, id).await?;
        let viewer = actor.viewer()?;
        let dir = self.org_dir().await?;
        let mut chains = Vec::new();
        for l in self.store.incident_chains(&i.id).await? {
            if let Some(r) = self
                .readable_chain(&viewer, &l.chain, &dir, Some(i.id.clone()))
                .await?
            {
                chains.push(IncidentChainView {
                    chain: r.brief,
                    added_at: l.added_at,
                });
            }
        }
        let created_by_name = self
            .store
            .person(&i.created_by)
            .await
            .map(|p| p.display_name)
            .unwrap_or_default();
        let view = IncidentView {
            ident: incident_ident(i.number),
            id: i.id,
            title: i.title,
            note: i.note,
            created_by_name,
            created_at: i.created_at,
            chains,
        };
        reveal_hub_internal(&viewer, view).map_err(|_| AppError::NotFound)
    }

    /// Adds chains to an incident.
    pub async fn add_incident_chains(
        &self,
        actor: &Actor,
        id: &str,
        input: ChainList,
    ) -> AppResult<Visible<IncidentView>> {
        let i = self.readable_incident(actor, id).await?;
        if !may_link(actor) {
            return Err(approver_only());
        }
        let chains = self.named_chains(actor, &input.chains, 1).await?;
        self.not_yet_linked(&chains).await?;
        let now = self.now();
        let links: Vec<IncidentChainRecord> = chains
            .iter()
            .map(|c| IncidentChainRecord {
                incident: i.id.clone(),
                chain: c.clone(),
                added_by: actor.person.id.clone(),
                added_at: now,
            })
            .collect();
        let audit = actor.audit(
            "incident.add_chains",
            Some(i.id.clone()),
            serde_json::json!({ "incident": incident_ident(i.number), "chains": chains }),
        );
        match self.store.add_incident_chains(&i.id, &links, audit).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Err(Self::linking_conflict()),
            Err(e) => return Err(e.into()),
        }
        self.incident(actor, &i.id).await
    }

    /// Removes a chain from an incident (404 if it is not in it).
    pub async fn remove_incident_chain(
        &self,
        actor: &Actor,
        id: &str,
        chain: &str,
    ) -> AppResult<()> {
        let i = self.readable_incident(actor, id).await?;
        if !may_link(actor) {
            return Err(approver_only());
        }
        let audit = actor.audit(
            "incident.remove_chain",
            Some(i.id.clone()),
            serde_json::json!({ "incident": incident_ident(i.number), "chain": chain }),
        );
        match self
            .store
            .remove_incident_chain(&i.id, &ChainId(chain.to_owned()), self.now(), audit)
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(AppError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Dismisses a candidate: every pair among the chains is not proposed again.
    pub async fn dismiss_candidate(&self, actor: &Actor, input: ChainList) -> AppResult<u64> {
        if !may_cross_check(actor) {
            return Err(hub_only());
        }
        if !may_link(actor) {
            return Err(approver_only());
        }
        let chains = self.named_chains(actor, &input.chains, 2).await?;
        let now = self.now();
        let mut pairs = Vec::new();
        for (k, a) in chains.iter().enumerate() {
            for b in &chains[k + 1..] {
                if let Some((x, y)) = cross_check::pair(&a.0, &b.0) {
                    pairs.push(DismissalRecord {
                        chain_a: ChainId(x),
                        chain_b: ChainId(y),
                        dismissed_by: actor.person.id.clone(),
                        at: now,
                    });
                }
            }
        }
        let audit = actor.audit(
            "cross_check.dismiss",
            None,
            serde_json::json!({ "chains": chains, "pairs": pairs.len() }),
        );
        self.store.dismiss_pairs(&pairs, audit).await?;
        Ok(pairs.len() as u64)
    }
}
