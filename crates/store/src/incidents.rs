//! Records of cross-checking (突合): NISC's incidents (インシデント, I<n>) linking liaison chains,
//! and the candidate links NISC dismissed.

use chrono::{DateTime, Utc};
use kakehashi_domain::{ChainId, PersonId};
use serde::{Deserialize, Serialize};

/// An incident, numbered I<n> when stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentRecord {
    pub id: String,
    /// The n of I<n>; assigned by the store on insert (the value given is ignored).
    pub number: u64,
    pub title: String,
    pub note: String,
    pub created_by: PersonId,
    pub created_at: DateTime<Utc>,
}

/// A chain linked into an incident; a chain is in one incident at most.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentChainRecord {
    pub incident: String,
    pub chain: ChainId,
    pub added_by: PersonId,
    pub added_at: DateTime<Utc>,
}

/// A candidate link NISC dismissed: the pair is not proposed again (`chain_a` < `chain_b`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DismissalRecord {
    pub chain_a: ChainId,
    pub chain_b: ChainId,
    pub dismissed_by: PersonId,
    pub at: DateTime<Utc>,
}
