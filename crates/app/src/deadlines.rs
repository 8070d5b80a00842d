//! 報告期限 — reporting deadlines per sector: the policies (who sets them, audited), each
//! chain's due dates, the overdue view of ministries and NISC, and reminders.
//!
//! The rules are the domain's ([`kakehashi_domain::liaison::deadline`]): this module only feeds
//! them a chain's facts — 判明日時 of the first report's form, each report's filing time and its
//! ⑧今後の予定 (続報あり/なし), as the filer wrote them — and the sector's policy. A sector
//! without a policy has no deadlines: the handbook fixes none (「その時点で判明している事象や
//! 原因を随時」).
//!
//! Nothing here decides who reads a chain. The overdue view is the case listing
//! ([`App::listing`]'s query and reveal: the viewer's audience keys, each row revealed by the
//! policy) narrowed to open chains of sectors with a policy; a reminder tells the people of the
//! reporting organisation and of the overseeing ministries whom the policy lets read a copy of
//! the chain — inbox row, live event and mail by preference, like every other notice.

use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::fanout::told;
use crate::identity::{org_from_record, Actor};
use crate::inbox::{ListingFilter, ListingRow, Scope, PAGE_MAX};
use crate::liaison::scope_of;
use crate::notify::{link_of, OutgoingMail};
use crate::App;
use chrono::{DateTime, Duration, Utc};
use kakehashi_domain::liaison::deadline::{
    chain_deadlines, jst, may_set_policy, ChainDeadlines, DeadlineKind, OpenDeadline,
    ReminderPhase, ReportFact, ReportingPolicy, Span,
};
use kakehashi_domain::liaison::LiaisonForm;
use kakehashi_domain::{ChainId, OrgId, OrgKind, PersonId, Role, SectorId};
use kakehashi_policy::{Access, Visible};
use kakehashi_store::{ChainRecord, CopyRecord, Lease, ReminderKey, ReportingPolicyRecord};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// How long before a deadline its reminder goes out, unless configured.
pub const DEFAULT_REMINDER_WINDOW_MINUTES: i64 = 60;

/// Chains whose facts one store call reads.
const FACTS_BATCH: usize = 200;

/// A preset policy offered for comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Preset {
    pub code: &'static str,
    pub label_ja: &'static str,
    pub label_en: &'static str,
    pub policy: ReportingPolicy,
}

/// The presets: the NIS2-style 24 h / 72 h / one month.
pub fn presets() -> Vec<Preset> {
    vec![Preset {
        code: "nis2",
        label_ja: "NIS2型（早期警告24時間・続報72時間・最終報1か月）",
        label_en: "NIS2-style (early warning 24 h, update 72 h, final report 1 month)",
        policy: ReportingPolicy::NIS2,
    }]
}

/// One sector's policy as listed.
#[derive(Debug, Clone, Serialize)]
pub struct SectorPolicy {
    pub sector: String,
    pub sector_name_ja: String,
    pub sector_name_en: String,
    /// `None`: no deadlines.
    pub policy: Option<ReportingPolicy>,
    pub updated_by_name: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    /// The caller may set or remove it.
    pub editable: bool,
}

/// Every sector's policy, the presets, and the reminder window.
#[derive(Debug, Clone, Serialize)]
pub struct PoliciesView {
    pub items: Vec<SectorPolicy>,
    pub presets: Vec<Preset>,
    pub reminder_window_minutes: i64,
}

/// A span as entered: a unit (`hours`, `days`, `months`) and a count.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpanInput {
    pub unit: String,
    pub value: i64,
}

/// A policy as entered: a preset (`nis2`), or the first-report deadline with an optional
/// follow-up interval and final-report deadline.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyInput {
    pub preset: Option<String>,
    pub first_report: Option<SpanInput>,
    pub follow_up_every: Option<SpanInput>,
    pub final_report: Option<SpanInput>,
}

/// Where a chain's next deadline stands.
#[derive(Debug, Clone, Serialize)]
pub struct DueView {
    pub kind: DeadlineKind,
    pub due: DateTime<Utc>,
    /// `YYYY-MM-DD HH:MM JST`.
    pub due_jst: String,
    pub overdue: bool,
    /// Minutes past due (0 when not overdue).
    pub late_minutes: i64,
    /// Minutes until due (0 when overdue).
    pub minutes_left: i64,
}

impl DueView {
    fn of(d: OpenDeadline, now: DateTime<Utc>) -> Self {
        let diff = (now - d.due).num_minutes();
        DueView {
            kind: d.kind,
            due: d.due,
            due_jst: jst_text(d.due),
            overdue: d.overdue(now),
            late_minutes: if d.overdue(now) { diff.max(0) } else { 0 },
            minutes_left: if d.overdue(now) { 0 } else { (-diff).max(0) },
        }
    }
}

/// A chain's deadlines under its sector's policy.
#[derive(Debug, Clone, Serialize)]
pub struct ChainDue {
    pub policy: ReportingPolicy,
    pub deadlines: ChainDeadlines,
    /// The earliest deadline not yet met.
    pub next: Option<DueView>,
}

/// One row of the overdue view: the case as the listing shows it to the viewer, and its next
/// deadline.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueRow {
    pub case: Visible<ListingRow>,
    pub due: DueView,
}

/// `YYYY-MM-DD HH:MM JST`.
pub fn jst_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&jst())
        .format("%Y-%m-%d %H:%M JST")
        .to_string()
}

/// The deadline facts of each chain from its filed copies (each report's first filed copy).
pub fn facts_of(
    copies: &[CopyRecord],
) -> HashMap<ChainId, (Option<DateTime<Utc>>, Vec<ReportFact>)> {
    let mut first_per_report: BTreeMap<(ChainId, u32), &CopyRecord> = BTreeMap::new();
    for c in copies {
        let k = (c.chain.clone(), c.report_no);
        match first_per_report.get(&k) {
            Some(e) if (e.created_at, &e.id.0) <= (c.created_at, &c.id.0) => {}
            _ => {
                first_per_report.insert(k, c);
            }
        }
    }
    let mut out: HashMap<ChainId, (Option<DateTime<Utc>>, Vec<ReportFact>)> = HashMap::new();
    for ((chain, no), c) in first_per_report {
        // A form that does not parse counts as announcing a follow-up, without 判明.
        let form: Option<LiaisonForm> = serde_json::from_str(&c.form).ok();
        let entry = out.entry(chain).or_default();
        if no == 1 {
            entry.0 = form.as_ref().and_then(|f| f.summary.discovered_at);
        }
        entry.1.push(ReportFact {
            report_no: no,
            filed_at: c.created_at,
            next_steps: form.and_then(|f| f.next_steps),
        });
    }
    out
}

impl App {
    fn reminder_window(&self) -> Duration {
        Duration::minutes(self.config.reminder_window_minutes)
    }

    async fn policy_map(&self) -> AppResult<HashMap<String, ReportingPolicyRecord>> {
        Ok(self
            .store
            .reporting_policies()
            .await?
            .into_iter()
            .map(|p| (p.sector.clone(), p))
            .collect())
    }

    /// Every sector's reporting policy (none = no deadlines), with the presets. Any signed-in
    /// person reads them: they say when reports are due.
    pub async fn reporting_policies(&self, actor: &Actor) -> AppResult<PoliciesView> {
        let set = self.policy_map().await?;
        let mut items = Vec::new();
        for s in self.reference.sectors() {
            let rec = set.get(&s.id);
            let updated_by_name = match rec {
                Some(r) => self
                    .store
                    .person(&r.updated_by)
                    .await
                    .ok()
                    .map(|p| p.display_name),
                None => None,
            };
            items.push(SectorPolicy {
                sector: s.id.clone(),
                sector_name_ja: s.name_ja.clone(),
                sector_name_en: s.name_en.clone(),
                policy: rec.map(|r| r.policy),
                updated_by_name,
                updated_at: rec.map(|r| r.updated_at),
                editable: self.may_set(actor, &s.id),
            });
        }
        Ok(PoliciesView {
            items,
            presets: presets(),
            reminder_window_minutes: self.config.reminder_window_minutes,
        })
    }

    fn may_set(&self, actor: &Actor, sector: &str) -> bool {
        actor.has(Role::Approver) && may_set_policy(&actor.org, &SectorId(sector.to_owned()))
    }

    /// The sector, if it exists and the actor may set its policy: 404 for an unknown sector,
    /// 403 for anyone but NISC and the overseeing ministry's approvers.
    fn policy_editor(&self, actor: &Actor, sector: &str) -> AppResult<()> {
        if self.reference.sector(sector).is_none() {
            return Err(AppError::NotFound);
        }
        if !may_set_policy(&actor.org, &SectorId(sector.to_owned())) {
            return Err(AppError::forbidden(
                "報告期限を設定できるのは、NISCとその分野の所管省庁です。",
                "NISC and the ministry overseeing the sector set its reporting deadlines.",
            ));
        }
        actor.require(Role::Approver)
    }

    /// Sets a sector's reporting policy (audited as `reporting_policy.set`).
    pub async fn set_reporting_policy(
        &self,
        actor: &Actor,
        sector: &str,
        input: PolicyInput,
    ) -> AppResult<SectorPolicy> {
        self.policy_editor(actor, sector)?;
        let policy = policy_of(&input)?;
        let rec = ReportingPolicyRecord {
            sector: sector.to_owned(),
            policy,
            updated_by: actor.person.id.clone(),
            updated_at: self.now(),
        };
        let audit = actor.audit(
            "reporting_policy.set",
            Some(sector.to_owned()),
            serde_json::json!({ "policy": policy, "preset": input.preset }),
        );
        self.store.put_reporting_policy(&rec, audit).await?;
        let s = self.reference.sector(sector).ok_or(AppError::NotFound)?;
        Ok(SectorPolicy {
            sector: sector.to_owned(),
            sector_name_ja: s.name_ja.clone(),
            sector_name_en: s.name_en.clone(),
            policy: Some(policy),
            updated_by_name: Some(actor.record.display_name.clone()),
            updated_at: Some(rec.updated_at),
            editable: true,
        })
    }

    /// Removes a sector's policy: back to no deadlines (audited as `reporting_policy.remove`).
    /// Removing a policy that is not set is not found.
    pub async fn clear_reporting_policy(&self, actor: &Actor, sector: &str) -> AppResult<()> {
        self.policy_editor(actor, sector)?;
        let audit = actor.audit(
            "reporting_policy.remove",
            Some(sector.to_owned()),
            serde_json::json!({}),
        );
        Ok(self.store.delete_reporting_policy(sector, audit).await?)
    }

    /// A chain's deadlines at the app's time, if its sector has a policy. The caller has
    /// decided the reader may see the chain.
    pub(crate) async fn chain_due(&self, chain: &ChainRecord) -> AppResult<Option<ChainDue>> {
        let Some(rec) = self.policy_map().await?.remove(&chain.sector) else {
            return Ok(None);
        };
        let copies = self
            .store
            .filed_copies(std::slice::from_ref(&chain.id))
            .await?;
        let facts = facts_of(&copies);
        let (discovered, reports) = facts.get(&chain.id).cloned().unwrap_or_default();
        let now = self.now();
        let deadlines = chain_deadlines(&rec.policy, discovered, &reports, now);
        Ok(Some(ChainDue {
            policy: rec.policy,
            deadlines,
            next: deadlines.open().first().map(|d| DueView::of(*d, now)),
        }))
    }

    /// 期限超過・期限間近 — the open chains the actor may read whose next deadline has passed or
    /// falls within the reminder window, most overdue first. NISC and the CI ministries only.
    pub async fn overdue(&self, actor: &Actor) -> AppResult<Vec<OverdueRow>> {
        if !matches!(actor.org.kind, OrgKind::Nisc | OrgKind::CiMinistry) {
            return Err(AppError::forbidden(
                "期限超過の一覧はNISCと重要インフラ所管省庁が確認します。",
                "NISC and the CI ministries review overdue reports.",
            ));
        }
        let policies = self.policy_map().await?;
        let now = self.now();
        let window = self.reminder_window();
        let mut out = Vec::new();
        let names = self.org_names().await?;
        let mut sectors: Vec<&String> = policies.keys().collect();
        sectors.sort();
        for sector in sectors {
            let policy = policies[sector].policy;
            let filter = ListingFilter {
                sector: Some(sector.clone()),
                status: Some("open".into()),
                ..ListingFilter::default()
            };
            let mut q = self.listing_query(actor, Scope::All, &filter)?;
            q.limit = PAGE_MAX;
            loop {
                let (records, full) = self.listing_page(&mut q).await?;
                let rows = self.reveal_rows(actor, records, &names)?;
                let chains: Vec<ChainId> =
                    rows.iter().map(|r| r.get().summary.chain.clone()).collect();
                let facts = facts_of(&self.store.filed_copies(&chains).await?);
                for row in rows {
                    let (discovered, reports) = facts
                        .get(&row.get().summary.chain)
                        .cloned()
                        .unwrap_or_default();
                    let d = chain_deadlines(&policy, discovered, &reports, now);
                    if let Some(next) = d.open().first().filter(|n| n.within(now, window)) {
                        out.push(OverdueRow {
                            case: row,
                            due: DueView::of(*next, now),
                        });
                    }
                }
                if !full {
                    break;
                }
            }
        }
        out.sort_by_key(|r| (r.due.due, r.case.get().summary.chain.0.clone()));
        Ok(out)
    }

    /// Sends the reminders due now: for every open chain of a sector with a policy, each
    /// deadline not yet met that is within the reminder window (近い) or past (超過) reminds
    /// once. Safe on any number of nodes: a reminder is claimed ([`kakehashi_store::Store::
    /// claim_reminder`]) before it goes out and recorded sent after; a node that dies between
    /// the two leaves a claim that lapses and is taken over. Returns how many reminders went
    /// out.
    pub async fn send_deadline_reminders(&self) -> AppResult<usize> {
        let policies = self.policy_map().await?;
        if policies.is_empty() {
            return Ok(0);
        }
        let sectors: Vec<String> = policies.keys().cloned().collect();
        let chains = self.store.open_chains_in_sectors(&sectors).await?;
        let window = self.reminder_window();
        let mut sent = 0;
        for batch in chains.chunks(FACTS_BATCH) {
            let ids: Vec<ChainId> = batch.iter().map(|c| c.id.clone()).collect();
            let facts = facts_of(&self.store.filed_copies(&ids).await?);
            for chain in batch {
                let Some(policy) = policies.get(&chain.sector).map(|p| p.policy) else {
                    continue;
                };
                let now = self.now();
                let (discovered, reports) = facts.get(&chain.id).cloned().unwrap_or_default();
                let d = chain_deadlines(&policy, discovered, &reports, now);
                for open in d.open() {
                    let Some(phase) = ReminderPhase::at(&open, now, window) else {
                        continue;
                    };
                    let key = ReminderKey {
                        chain: chain.id.clone(),
                        deadline: open.kind.code().to_owned(),
                        due: open.due,
                        phase: phase.code().to_owned(),
                    };
                    let lease = Lease {
                        node: self.node.to_string(),
                        now,
                        until: now + reminder_lease(),
                    };
                    if !self.store.claim_reminder(&key, &lease).await? {
                        continue;
                    }
                    self.remind(chain, &open, phase, &key).await?;
                    if self
                        .store
                        .finish_reminder(&key, &self.node, self.now())
                        .await?
                    {
                        sent += 1;
                    }
                }
            }
        }
        Ok(sent)
    }

    /// Tells the reporting organisation's and the overseeing ministries' people who may read a
    /// copy of the chain: one inbox row each, a live event, and mail as each chose.
    async fn remind(
        &self,
        chain: &ChainRecord,
        open: &OpenDeadline,
        phase: ReminderPhase,
        key: &ReminderKey,
    ) -> AppResult<()> {
        let orgs_all = self.directory_records().await?;
        let mut orgs: Vec<OrgId> = vec![chain.origin_org.clone()];
        for o in orgs_all.iter() {
            if o.kind == OrgKind::CiMinistry.code()
                && o.sectors.contains(&chain.sector)
                && !orgs.contains(&o.id)
            {
                orgs.push(o.id.clone());
            }
        }
        let directory: HashMap<&OrgId, &kakehashi_store::OrgRecord> =
            orgs_all.iter().map(|o| (&o.id, o)).collect();
        let copies = self.store.copies_of_chain(&chain.id).await?;
        let mut scopes = Vec::new();
        for c in &copies {
            scopes.push(scope_of(c)?);
        }
        let declared = App::declared_sectors(&self.large_scale().await?);
        // Each person is told on the first copy they may read; grouped by that copy.
        let mut groups: BTreeMap<usize, Vec<kakehashi_store::PersonRecord>> = BTreeMap::new();
        for p in self.store.people_in_orgs(&orgs).await? {
            let Some(org) = directory.get(&p.org) else {
                continue;
            };
            let Some(viewer) = self.viewer_for(&p, org, &declared) else {
                continue;
            };
            if let Some(i) = scopes.iter().position(|s| told(&viewer, s)) {
                groups.entry(i).or_default().push(p);
            }
        }
        let ref_id = format!(
            "{}:{}:{}:{}",
            key.chain.0,
            key.deadline,
            key.due.timestamp(),
            key.phase
        );
        let title = reminder_title(self, chain, open, phase);
        let link = format!(
            "{}{}",
            self.config.base_url.trim_end_matches('/'),
            link_of("deadline", &ref_id)
        );
        let now = self.now();
        for (i, people) in groups {
            let ids: Vec<PersonId> = people.iter().map(|p| p.id.clone()).collect();
            self.store
                .insert_notifications(&ids, "deadline", &ref_id, &title, None, now)
                .await?;
            let mut event_orgs: Vec<OrgId> = people.iter().map(|p| p.org.clone()).collect();
            event_orgs.dedup();
            self.emit(Event {
                kind: "deadline".into(),
                ref_id: ref_id.clone(),
                orgs: event_orgs,
                scope: Access::Item(scopes[i].clone()),
            })
            .await;
            for p in people
                .iter()
                .filter(|p| !p.email.is_empty() && p.mail_pref == "immediate")
            {
                let mail = OutgoingMail {
                    to: p.email.clone(),
                    subject: format!("[架け橋] {title}"),
                    body: format!(
                        "情報連絡の報告期限についてのお知らせです。内容は架け橋にログインして確認してください。\n\
                         A reporting deadline of a liaison — sign in to see it.\n\n{title}\n{link}\n"
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
                    Err(e) => tracing::warn!("reminder mail failed: {e}"),
                }
            }
        }
        Ok(())
    }

    fn viewer_for(
        &self,
        p: &kakehashi_store::PersonRecord,
        org: &kakehashi_store::OrgRecord,
        declared: &[SectorId],
    ) -> Option<kakehashi_policy::Viewer> {
        let person = crate::identity::person_from_record(p).ok()?;
        let org = org_from_record(org).ok()?;
        Some(
            kakehashi_policy::Viewer::new(&person, &org)
                .ok()?
                .in_large_scale_mode(declared.to_vec()),
        )
    }

    /// Runs [`App::send_deadline_reminders`] every `interval`, until the task is aborted.
    pub fn spawn_reminder_worker(
        &self,
        interval: std::time::Duration,
    ) -> tokio::task::JoinHandle<()> {
        // One turn sends both kinds; a failure of the risk reminders is logged by the turn's
        // own label, one of the deadline reminders here.
        self.spawn_every(
            "risk reminder worker",
            interval,
            crate::FirstTurn::AfterInterval,
            |app| async move {
                if let Err(e) = app.send_deadline_reminders().await {
                    tracing::warn!("reminder worker: {e}");
                }
                app.send_risk_reminders().await
            },
        )
    }
}

/// How long a reminder claim holds before another node may take it over.
pub fn reminder_lease() -> Duration {
    Duration::minutes(10)
}

/// The inbox title of a reminder: no content, only the case's number, sector and the deadline.
fn reminder_title(
    app: &App,
    chain: &ChainRecord,
    open: &OpenDeadline,
    phase: ReminderPhase,
) -> String {
    let case = chain
        .ident(1)
        .unwrap_or_else(|| "（NISC未受領）".to_owned());
    let sector = app
        .reference
        .sector(&chain.sector)
        .map(|s| s.name_ja.clone())
        .unwrap_or_else(|| chain.sector.clone());
    let what = match phase {
        ReminderPhase::Near => "報告期限が近づいています",
        ReminderPhase::Overdue => "報告期限を過ぎています",
    };
    format!(
        "{what}: {} {case}（{sector}）期限 {}",
        open.kind.label_ja(),
        jst_text(open.due)
    )
}

/// The policy an input asks for, or the first broken rule (field and rule named).
pub fn policy_of(input: &PolicyInput) -> AppResult<ReportingPolicy> {
    if let Some(code) = input
        .preset
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        return presets()
            .into_iter()
            .find(|p| p.code == code)
            .map(|p| p.policy)
            .ok_or_else(|| {
                AppError::bad_field(
                    "preset",
                    "unknown_code",
                    format!("プリセット「{code}」はありません（nis2）。"),
                    format!("There is no preset '{code}' (nis2)."),
                )
            });
    }
    let first = match &input.first_report {
        Some(s) => span_of("first_report", s)?,
        None => {
            return Err(AppError::bad_field(
                "first_report",
                "required",
                "第一報の期限を指定してください。",
                "Give the first-report deadline.",
            ))
        }
    };
    let policy = ReportingPolicy {
        first_report: first,
        follow_up_every: input
            .follow_up_every
            .as_ref()
            .map(|s| span_of("follow_up_every", s))
            .transpose()?,
        final_report: input
            .final_report
            .as_ref()
            .map(|s| span_of("final_report", s))
            .transpose()?,
    };
    policy.check().map_err(|e| AppError::BadField {
        field: e.field,
        rule: e.rule,
        message_ja: e.message_ja,
        message_en: e.message_en,
    })?;
    Ok(policy)
}

fn span_of(field: &'static str, s: &SpanInput) -> AppResult<Span> {
    let value = u32::try_from(s.value).map_err(|_| {
        AppError::bad_field(
            field,
            "positive",
            "期限は1以上の整数で指定してください。",
            "A deadline is a whole number of at least 1.",
        )
    })?;
    Span::from_unit(s.unit.trim(), value).ok_or_else(|| {
        AppError::bad_field(
            field,
            "unknown_unit",
            "単位は hours（時間）・days（日）・months（か月）のいずれかです。",
            "The unit is hours, days or months.",
        )
    })
}
