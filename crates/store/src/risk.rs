//! Storage of the risk register (リスク登録簿) and the continuity plans (CP/BCP/IT-BCP/事業復旧
//! 計画): an organisation's own records. The domain shapes live in JSON bodies (the app owns
//! their form); the columns hold what storage itself selects on (organisation, kind, status,
//! due dates, the reassessment flag). A separate trait so that the backends implement it in a
//! file of its own; every [`crate::Store`] is one.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use kakehashi_audit::AuditDraft;
use kakehashi_domain::risk::RiskCriteria;
use kakehashi_domain::{OrgId, PersonId};
use serde::{Deserialize, Serialize};

use crate::{Lease, StoreResult};

/// An organisation's risk criteria (scales and threshold) as set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskCriteriaRecord {
    pub org: OrgId,
    pub criteria: RiskCriteria,
    pub updated_by: PersonId,
    pub updated_at: DateTime<Utc>,
}

/// One entry of a register: `kind` is `service`, `asset`, `risk` or `treatment`; a treatment's
/// `parent` is its risk. `body` is the app's JSON of the entry; `status` the treatment status
/// (or empty); `due_on` a treatment's deadline; `reassess` the 要再評価 flag (JSON) of a risk.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskEntryRecord {
    pub id: String,
    pub org: OrgId,
    pub kind: String,
    pub parent: Option<String>,
    pub title: String,
    pub body: String,
    pub status: String,
    pub due_on: Option<NaiveDate>,
    pub reassess: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_by: PersonId,
    pub updated_at: DateTime<Utc>,
}

/// The body and flag are the organisation's internal assessment: never in logs.
impl std::fmt::Debug for RiskEntryRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RiskEntryRecord")
            .field("id", &self.id)
            .field("org", &self.org)
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("due_on", &self.due_on)
            .field("body", &"***")
            .finish_non_exhaustive()
    }
}

/// A continuity plan: `kind` the `PlanKind` code, `status` the `PlanStatus` code, `body` the
/// app's JSON (activation, hand-over, cut-off points, channels, checklist results).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContinuityPlanRecord {
    pub id: String,
    pub org: OrgId,
    pub kind: String,
    pub status: String,
    pub title: String,
    pub body: String,
    pub review_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_by: PersonId,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for ContinuityPlanRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContinuityPlanRecord")
            .field("id", &self.id)
            .field("org", &self.org)
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("review_on", &self.review_on)
            .field("body", &"***")
            .finish_non_exhaustive()
    }
}

/// A date that may call for a reminder: an open treatment's deadline (`kind` `treatment`) or a
/// live plan's review date (`plan`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskDueRecord {
    pub org: OrgId,
    pub kind: String,
    pub ref_id: String,
    pub title: String,
    pub due_on: NaiveDate,
}

/// One reminder of one date: `phase` is `near` or `overdue`. A changed date is a new reminder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RiskReminderKey {
    pub ref_id: String,
    pub due_on: NaiveDate,
    pub phase: String,
}

/// What the risk register and the continuity plans need from a database.
#[async_trait]
pub trait RiskStore: Send + Sync {
    async fn risk_criteria(&self, org: &OrgId) -> StoreResult<Option<RiskCriteriaRecord>>;
    /// Sets (or replaces) the organisation's criteria, with the audit entry.
    async fn put_risk_criteria(&self, r: &RiskCriteriaRecord, audit: AuditDraft)
        -> StoreResult<()>;
    /// Every entry of the organisation, by kind, creation time and id.
    async fn risk_entries(&self, org: &OrgId) -> StoreResult<Vec<RiskEntryRecord>>;
    /// Inserts a new entry or replaces one of the same organisation and kind, with the audit
    /// entry; `NotFound` (nothing written) if `e.id` is another organisation's or another kind.
    async fn put_risk_entry(&self, e: &RiskEntryRecord, audit: AuditDraft) -> StoreResult<()>;
    /// Removes entry `id` of `org` and the entries whose parent it is; `NotFound` (nothing
    /// written) if `org` has no such entry.
    async fn delete_risk_entry(&self, org: &OrgId, id: &str, audit: AuditDraft) -> StoreResult<()>;
    /// Sets the reassessment flag (JSON) of these risks of `org`, in one transaction with the
    /// audit entry; ids of another organisation or kind are left alone. Returns how many
    /// risks were flagged.
    async fn flag_risks(
        &self,
        org: &OrgId,
        flags: &[(String, String)],
        audit: AuditDraft,
    ) -> StoreResult<u64>;
    /// The organisation's plans, by kind and title.
    async fn continuity_plans(&self, org: &OrgId) -> StoreResult<Vec<ContinuityPlanRecord>>;
    /// Inserts a new plan or replaces one of the same organisation, with the audit entry;
    /// `NotFound` (nothing written) if `p.id` is another organisation's.
    async fn put_continuity_plan(
        &self,
        p: &ContinuityPlanRecord,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// Open treatments' deadlines and live (not retired) plans' review dates on or before
    /// `until`, of every organisation, by date.
    async fn risk_due(&self, until: NaiveDate) -> StoreResult<Vec<RiskDueRecord>>;
    /// Claims a reminder for `lease.node`: `true` when this node is to send it (never claimed,
    /// or its claim lapsed unsent). One statement, so two nodes never both get it.
    async fn claim_risk_reminder(&self, key: &RiskReminderKey, lease: &Lease) -> StoreResult<bool>;
    /// Records it sent and releases the claim; `false`, nothing written, if `node` no longer
    /// holds it.
    async fn finish_risk_reminder(
        &self,
        key: &RiskReminderKey,
        node: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
