//! Records of what the other actors of the diagram send NISC (N16, N18, N19) and of NISC's
//! requests for cooperation (連携要請, N15, N17).

use chrono::{DateTime, Utc};
use kakehashi_domain::{OrgId, PersonId};
use serde::{Deserialize, Serialize};

/// A submission to NISC, numbered S<n> when stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionRecord {
    pub id: String,
    /// The n of S<n>; assigned by the store on insert (the value given is ignored).
    pub number: u64,
    pub sender_org: OrgId,
    pub sender_person: PersonId,
    /// `InfoKind::code()`.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub tlp: String,
    pub importance: Option<String>,
    /// Affected sectors (may be none).
    pub sectors: Vec<String>,
    /// The source item NISC recorded from it.
    pub source_item: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A request for cooperation, numbered K<n> when stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoopRequestRecord {
    pub id: String,
    /// The n of K<n>; assigned by the store on insert.
    pub number: u64,
    pub title: String,
    pub body: String,
    pub tlp: String,
    pub created_by: PersonId,
    pub created_at: DateTime<Utc>,
}

/// One addressee's answer state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoopAddresseeRecord {
    pub request: String,
    pub org: OrgId,
    /// `RequestStatus::code()`.
    pub status: String,
    pub updated_by: Option<PersonId>,
    pub updated_at: DateTime<Utc>,
}

/// A message of one addressee's thread (written by NISC or by that addressee).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoopMessageRecord {
    pub id: String,
    pub request: String,
    /// The addressee whose thread it is.
    pub thread_org: OrgId,
    pub author: PersonId,
    pub author_org: OrgId,
    pub body: String,
    pub at: DateTime<Utc>,
}
