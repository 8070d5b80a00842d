//! Records of reporting deadlines: each sector's reporting policy, and the reminders sent for a
//! chain's deadlines (one per chain, deadline, due time and phase).

use chrono::{DateTime, Utc};
use kakehashi_domain::liaison::deadline::ReportingPolicy;
use kakehashi_domain::{ChainId, PersonId};
use serde::{Deserialize, Serialize};

/// A sector's reporting policy as set, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingPolicyRecord {
    pub sector: String,
    pub policy: ReportingPolicy,
    pub updated_by: PersonId,
    pub updated_at: DateTime<Utc>,
}

/// One reminder of one deadline: `deadline` is the `DeadlineKind` code, `due` the deadline's
/// time (a later follow-up, or a changed policy, is a new deadline), `phase` the
/// `ReminderPhase` code ("near", "overdue").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReminderKey {
    pub chain: ChainId,
    pub deadline: String,
    pub due: DateTime<Utc>,
    pub phase: String,
}

/// A reminder as recorded: claimed by a node until sent; `sent_at` once it went out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderRecord {
    pub key: ReminderKey,
    pub claimed_by: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}
