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

/// An operator's consultation (相談), numbered C<n> when stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultationRecord {
    pub id: String,
    /// The n of C<n>; assigned by the store on insert (the value given is ignored).
    pub number: u64,
    pub operator_org: OrgId,
    pub opened_by: PersonId,
    /// The ministry, CEPTOAR or NISC consulted.
    pub addressee_org: OrgId,
    pub subject: String,
    pub body: String,
    /// The sector it concerns, if the operator named one.
    pub sector: Option<String>,
    /// The CI service it concerns, if named.
    pub service: Option<String>,
    /// `ConsultationStatus::code()`.
    pub status: String,
    /// The liaison chain the operator filed from it.
    pub chain: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_by: Option<PersonId>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A message of a consultation's thread (by either organisation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultationMessageRecord {
    pub id: String,
    pub consultation: String,
    pub author: PersonId,
    pub author_org: OrgId,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// Which consultations a listing holds: those `org` opened or was consulted on, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsultationQuery {
    pub org: OrgId,
    /// Only those `org` was consulted on (not those it opened).
    pub addressed_only: bool,
    /// Only those in this state (`ConsultationStatus::code()`).
    pub status: Option<String>,
    /// Keyset: only numbers below this one.
    pub before: Option<u64>,
    pub limit: u32,
}

/// The consultation a first report was filed from: linked and closed in the filing's
/// transaction, if `operator_org` opened it and no filing is linked yet.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsultationLink {
    pub id: String,
    pub operator_org: OrgId,
    pub by: PersonId,
}
