//! Records of points of contact (連絡先) and contact checks (連絡確認).

use chrono::{DateTime, NaiveDate, Utc};
use kakehashi_domain::{OrgId, PersonId};
use serde::{Deserialize, Serialize};

/// One point of contact of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecord {
    pub id: String,
    pub org: OrgId,
    /// `ContactKind::code()`.
    pub kind: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub hours: String,
    /// The day someone last confirmed that it answers.
    pub verified_on: NaiveDate,
    pub updated_by: PersonId,
    pub updated_at: DateTime<Utc>,
}

/// A contact check as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactCheckRecord {
    pub id: String,
    pub sender_org: OrgId,
    pub sender_person: PersonId,
    pub message: String,
    pub sent_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<PersonId>,
}

/// One organisation a check was sent to, and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckTargetRecord {
    pub check: String,
    pub org: OrgId,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<PersonId>,
}
