//! 演習・訓練 — exercises on the real channels, and CEPTOAR training as their small form.
//!
//! The action plan asks the Cabinet Secretariat to plan and run the cross-sectoral exercise and
//! learn from it: "障害対応体制の有効性の検証が可能な分野横断的演習のシナリオ、実施方法、検証
//! 課題等を企画し、分野横断的演習を実施" and "分野横断的演習の機会を活用して、障害対応体制の
//! 有効性の検証等を実施" (行動計画 V.1(5) ①⑤), and to keep CEPTOARs' vertical line tested:
//! "情報共有体制における情報連絡・情報提供の手順に基づくセプター訓練を継続して実施する"
//! (IV.3.4), "定期的及びセプターの求めに応じて、セプターの情報疎通機能の確認(セプター訓練)等の
//! 機会を提供" (V.1(3) ⑬). So an exercise here is a scenario (a timeline of injects) run for chosen
//! participants over the real routes, measured from the records' own timestamps, and closed with
//! an after-action report whose lessons have owners and follow-up.
//!
//! Everything an exercise creates is marked as one and numbered apart (`E-R<n>`, see
//! [`crate::numbering`]); this module holds who may organise, the state machine, the inject
//! kinds, and who sees which response times in the after-action report.

use crate::ids::OrgId;
use crate::org::{OrgKind, Organisation};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// An exercise proper, or CEPTOAR training (セプター訓練: a test message to the members' points
/// of contact, answered or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseKind {
    Exercise,
    CeptoarTraining,
}

impl ExerciseKind {
    pub const ALL: [ExerciseKind; 2] = [ExerciseKind::Exercise, ExerciseKind::CeptoarTraining];

    pub fn code(self) -> &'static str {
        match self {
            ExerciseKind::Exercise => "exercise",
            ExerciseKind::CeptoarTraining => "ceptoar_training",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ExerciseKind::Exercise => "演習",
            ExerciseKind::CeptoarTraining => "セプター訓練",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ExerciseKind::Exercise => "Exercise",
            ExerciseKind::CeptoarTraining => "CEPTOAR training",
        }
    }
}

/// design → running → ended → cleaned, never back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseState {
    Design,
    Running,
    Ended,
    Cleaned,
}

impl ExerciseState {
    pub const ALL: [ExerciseState; 4] = [
        ExerciseState::Design,
        ExerciseState::Running,
        ExerciseState::Ended,
        ExerciseState::Cleaned,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ExerciseState::Design => "design",
            ExerciseState::Running => "running",
            ExerciseState::Ended => "ended",
            ExerciseState::Cleaned => "cleaned",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ExerciseState::Design => "設計中",
            ExerciseState::Running => "実施中",
            ExerciseState::Ended => "終了",
            ExerciseState::Cleaned => "後片付け済み",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ExerciseState::Design => "In design",
            ExerciseState::Running => "Running",
            ExerciseState::Ended => "Ended",
            ExerciseState::Cleaned => "Cleaned up",
        }
    }

    /// The one state that may follow this one.
    pub fn next(self) -> Option<ExerciseState> {
        match self {
            ExerciseState::Design => Some(ExerciseState::Running),
            ExerciseState::Running => Some(ExerciseState::Ended),
            ExerciseState::Ended => Some(ExerciseState::Cleaned),
            ExerciseState::Cleaned => None,
        }
    }

    /// The scenario may still change (injects added).
    pub fn editable(self) -> bool {
        matches!(self, ExerciseState::Design | ExerciseState::Running)
    }

    /// Injects may fire and participants file reports in it.
    pub fn live(self) -> bool {
        self == ExerciseState::Running
    }
}

/// What an inject does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InjectKind {
    /// A simulated event reaches the participants: each is asked to report it (情報連絡) in the
    /// exercise; the report travels the real route under its TLP and is numbered E-R<n>.
    Liaison,
    /// A provision to send or relay (情報提供): a task shown to the participants.
    ProvisionTask,
    /// A large-scale declaration in exercise mode: shown to the participants as simulated; the
    /// real large-scale state never changes.
    LargeScale,
    /// A contact check (連絡確認) to the participants' points of contact: the CEPTOAR
    /// training's test message.
    ContactCheck,
}

impl InjectKind {
    pub const ALL: [InjectKind; 4] = [
        InjectKind::Liaison,
        InjectKind::ProvisionTask,
        InjectKind::LargeScale,
        InjectKind::ContactCheck,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InjectKind::Liaison => "liaison",
            InjectKind::ProvisionTask => "provision_task",
            InjectKind::LargeScale => "large_scale",
            InjectKind::ContactCheck => "contact_check",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            InjectKind::Liaison => "模擬事象（情報連絡を求める）",
            InjectKind::ProvisionTask => "情報提供の課題",
            InjectKind::LargeScale => "大規模障害対応の宣言（模擬）",
            InjectKind::ContactCheck => "連絡確認",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            InjectKind::Liaison => "Simulated event (report it)",
            InjectKind::ProvisionTask => "Provision task",
            InjectKind::LargeScale => "Large-scale declaration (simulated)",
            InjectKind::ContactCheck => "Contact check",
        }
    }

    /// CEPTOAR training is the small form: contact checks only.
    pub fn fits(self, kind: ExerciseKind) -> bool {
        match kind {
            ExerciseKind::Exercise => true,
            ExerciseKind::CeptoarTraining => self == InjectKind::ContactCheck,
        }
    }
}

/// Lesson follow-up: open → in progress → done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LessonState {
    Open,
    InProgress,
    Done,
}

impl LessonState {
    pub const ALL: [LessonState; 3] = [
        LessonState::Open,
        LessonState::InProgress,
        LessonState::Done,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LessonState::Open => "open",
            LessonState::InProgress => "in_progress",
            LessonState::Done => "done",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            LessonState::Open => "未着手",
            LessonState::InProgress => "対応中",
            LessonState::Done => "完了",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            LessonState::Open => "Open",
            LessonState::InProgress => "In progress",
            LessonState::Done => "Done",
        }
    }
}

/// May an organisation of this kind organise an exercise of `kind`? NISC runs both (the
/// cross-sectoral exercise, and CEPTOAR training "定期的及びセプターの求めに応じて"); a CEPTOAR
/// runs its own training only.
pub fn may_organise(org: OrgKind, kind: ExerciseKind) -> bool {
    match org {
        OrgKind::Nisc => true,
        OrgKind::Ceptoar => kind == ExerciseKind::CeptoarTraining,
        OrgKind::CrisisManagement
        | OrgKind::CiMinistry
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::CeptoarCouncil
        | OrgKind::Operator => false,
    }
}

/// May `organiser` enrol `participant`? The same reach as a contact check (which CEPTOAR
/// training sends): NISC any other organisation, a CEPTOAR its member operators.
pub fn may_enrol(organiser: &Organisation, participant: &Organisation) -> bool {
    crate::contacts::may_send_check(organiser, participant)
}

/// The most participants one exercise has.
pub const MAX_PARTICIPANTS: usize = 500;

/// The longest offset of an inject from the start: a week, in minutes.
pub const MAX_OFFSET_MINUTES: u32 = 7 * 24 * 60;

/// How much of the after-action report a reader sees: the organiser every organisation's
/// response times; a participant its own, and for the others only aggregates (how many, the
/// median and the slowest), never another organisation's row; anyone else nothing (the same
/// not-found as a missing exercise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportAccess {
    Organiser,
    Participant,
}

/// The access rule of the after-action report (and of the exercise itself).
pub fn report_access(
    viewer: &OrgId,
    organiser: &OrgId,
    participants: &[OrgId],
) -> Option<ReportAccess> {
    if viewer == organiser {
        Some(ReportAccess::Organiser)
    } else if participants.contains(viewer) {
        Some(ReportAccess::Participant)
    } else {
        None
    }
}

/// Whether `row_org`'s own row is shown to a reader with `access` from `viewer`.
pub fn shows_row(access: ReportAccess, viewer: &OrgId, row_org: &OrgId) -> bool {
    match access {
        ReportAccess::Organiser => true,
        ReportAccess::Participant => viewer == row_org,
    }
}

/// Minutes from an inject to a response (never negative; a response before the inject, which
/// cannot be caused by it, counts as 0).
pub fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_minutes().max(0)
}

/// An aggregate of response times: how many responded, the median and the slowest (minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Aggregate {
    pub count: usize,
    pub median_minutes: Option<i64>,
    pub max_minutes: Option<i64>,
}

/// The aggregate of some response times (the lower median for an even count).
pub fn aggregate(times: &[i64]) -> Aggregate {
    let mut v = times.to_vec();
    v.sort_unstable();
    Aggregate {
        count: v.len(),
        median_minutes: (!v.is_empty()).then(|| v[(v.len() - 1) / 2]),
        max_minutes: v.last().copied(),
    }
}

/// The banner / mail / print marking of anything an exercise created.
pub const MARK_JA: &str = "【演習】";
pub const MARK_EN: &str = "[EXERCISE]";

/// A mail subject with the exercise marking in front (both languages, as mail goes to
/// Japanese- and English-reading people alike).
pub fn mark_subject(subject: &str) -> String {
    format!("{MARK_JA}{MARK_EN} {subject}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in ExerciseKind::ALL {
            assert_eq!(ExerciseKind::from_code(k.code()), Some(k));
        }
        for s in ExerciseState::ALL {
            assert_eq!(ExerciseState::from_code(s.code()), Some(s));
        }
        for i in InjectKind::ALL {
            assert_eq!(InjectKind::from_code(i.code()), Some(i));
        }
        for l in LessonState::ALL {
            assert_eq!(LessonState::from_code(l.code()), Some(l));
        }
        assert_eq!(ExerciseKind::from_code("drill"), None);
    }

    #[test]
    fn states_only_move_forward() {
        let mut s = ExerciseState::Design;
        let mut seen = vec![s];
        while let Some(n) = s.next() {
            assert!(!seen.contains(&n));
            seen.push(n);
            s = n;
        }
        assert_eq!(seen, ExerciseState::ALL.to_vec());
        assert!(ExerciseState::Running.live());
        for st in [
            ExerciseState::Design,
            ExerciseState::Ended,
            ExerciseState::Cleaned,
        ] {
            assert!(!st.live());
        }
    }

    #[test]
    fn organisers() {
        for org in [
            OrgKind::CrisisManagement,
            OrgKind::CiMinistry,
            OrgKind::Operator,
            OrgKind::CyberspaceBusiness,
        ] {
            for k in ExerciseKind::ALL {
                assert!(!may_organise(org, k));
            }
        }
        assert!(may_organise(OrgKind::Nisc, ExerciseKind::Exercise));
        assert!(may_organise(OrgKind::Nisc, ExerciseKind::CeptoarTraining));
        assert!(may_organise(
            OrgKind::Ceptoar,
            ExerciseKind::CeptoarTraining
        ));
        assert!(!may_organise(OrgKind::Ceptoar, ExerciseKind::Exercise));
        // Training is contact checks only.
        for i in InjectKind::ALL {
            assert!(i.fits(ExerciseKind::Exercise));
            assert_eq!(
                i.fits(ExerciseKind::CeptoarTraining),
                i == InjectKind::ContactCheck
            );
        }
    }

    #[test]
    fn participants_see_their_own_rows_only() {
        let (nisc, a, b, out) = (
            OrgId("nisc".into()),
            OrgId("a".into()),
            OrgId("b".into()),
            OrgId("out".into()),
        );
        let parts = [a.clone(), b.clone()];
        assert_eq!(
            report_access(&nisc, &nisc, &parts),
            Some(ReportAccess::Organiser)
        );
        assert_eq!(
            report_access(&a, &nisc, &parts),
            Some(ReportAccess::Participant)
        );
        assert_eq!(report_access(&out, &nisc, &parts), None);
        let mut allowed = 0;
        let mut denied = 0;
        for viewer in [&nisc, &a, &b] {
            let access = report_access(viewer, &nisc, &parts).expect("may read");
            for row in [&a, &b] {
                let shown = shows_row(access, viewer, row);
                assert_eq!(shown, viewer == &nisc || viewer == row);
                if shown {
                    allowed += 1;
                } else {
                    denied += 1;
                }
            }
        }
        assert!(allowed > 0 && denied > 0);
    }

    #[test]
    fn aggregates() {
        assert_eq!(aggregate(&[]), Aggregate::default());
        assert_eq!(
            aggregate(&[30, 10, 20]),
            Aggregate {
                count: 3,
                median_minutes: Some(20),
                max_minutes: Some(30)
            }
        );
        assert_eq!(aggregate(&[40, 10]).median_minutes, Some(10));
        let t0 = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).expect("a valid time");
        assert_eq!(minutes_between(t0, t0 + chrono::Duration::seconds(150)), 2);
        assert_eq!(minutes_between(t0, t0 - chrono::Duration::minutes(5)), 0);
        assert_eq!(
            mark_subject("情報連絡 E-R1"),
            "【演習】[EXERCISE] 情報連絡 E-R1"
        );
    }
}
