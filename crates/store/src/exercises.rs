//! Records of exercises (分野横断的演習) and CEPTOAR training (セプター訓練): the exercise, its
//! participants, its scenario injects and the lessons recorded afterwards. The chains an
//! exercise creates are ordinary chains marked `exercise` and linked by `exercise_id`.

use chrono::{DateTime, Utc};
use kakehashi_domain::{OrgId, PersonId};
use serde::{Deserialize, Serialize};

/// One exercise as stored. `kind` and `state` are the domain's codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseRecord {
    pub id: String,
    /// `ExerciseKind::code()`: "exercise" or "ceptoar_training".
    pub kind: String,
    pub name: String,
    pub purpose: String,
    pub organiser_org: OrgId,
    /// `ExerciseState::code()`.
    pub state: String,
    pub created_by: PersonId,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub cleaned_at: Option<DateTime<Utc>>,
}

/// One scenario inject: what happens `offset_minutes` after the start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InjectRecord {
    pub exercise: String,
    pub seq: u32,
    pub offset_minutes: u32,
    /// `InjectKind::code()`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The TLP the inject's material travels under (a TLP code).
    pub tlp: String,
    pub fired_at: Option<DateTime<Utc>>,
    /// A contact-check inject: the check it sent.
    pub check_id: Option<String>,
}

/// A lesson recorded after an exercise, with its owner and follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonRecord {
    pub exercise: String,
    pub seq: u32,
    pub text: String,
    pub owner_org: OrgId,
    pub follow_up: String,
    /// `LessonState::code()`.
    pub state: String,
    pub created_by: PersonId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
