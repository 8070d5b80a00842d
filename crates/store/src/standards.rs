//! Records of safety standards (安全基準等), operators' self-assessments, the recurring tasks
//! they mark done, and the yearly survey (浸透状況調査) with its responses. The domain's types
//! are kept whole as JSON; the columns beside them are what queries select on.

use chrono::{DateTime, NaiveDate, Utc};
use kakehashi_domain::standards::{ItemAssessment, ItemStatus, SafetyStandard};
use kakehashi_domain::{OrgId, PersonId};
use serde::{Deserialize, Serialize};

/// A sector's registered standard, who last changed it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyStandardRecord {
    pub standard: SafetyStandard,
    pub updated_by: PersonId,
    pub updated_at: DateTime<Utc>,
}

/// One operator's self-assessment against one standard for one fiscal year (one per
/// organisation, standard and year; past years are kept for comparison).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentRecord {
    pub id: String,
    pub org: OrgId,
    pub standard: String,
    pub year: i32,
    /// The catalogue edition the assessment was made against.
    pub edition: String,
    pub items: Vec<ItemAssessment>,
    /// Organisations the operator chose to share it with (upward only; see the policy).
    pub shared_with: Vec<OrgId>,
    pub updated_by: PersonId,
    pub updated_at: DateTime<Utc>,
}

/// The day an organisation last did a recurring task of a measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDoneRecord {
    pub org: OrgId,
    pub item: String,
    pub done_on: NaiveDate,
    pub by: PersonId,
}

/// 浸透状況調査 — a survey NISC opens for a fiscal year to the operators of chosen sectors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyRecord {
    pub id: String,
    pub year: i32,
    pub sectors: Vec<String>,
    pub opened_by: PersonId,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// One answer of a survey response: an item's status and tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswer {
    pub item: String,
    pub status: ItemStatus,
    pub tier: Option<u8>,
}

/// An operator's submitted answer to a survey (one per survey and organisation; resubmitting
/// replaces it while the survey is open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyResponseRecord {
    pub survey: String,
    pub org: OrgId,
    pub sector: String,
    pub answers: Vec<SurveyAnswer>,
    pub submitted_by: PersonId,
    pub submitted_at: DateTime<Utc>,
}
