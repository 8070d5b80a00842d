//! Reporting deadlines of a liaison chain: a first report within N hours of 判明, a follow-up
//! every M hours while the latest report announces one (続報あり), and a final report (one that
//! announces no further report, 続報なし) within D days or months of 判明.
//!
//! Pure: the caller passes the chain's reports and the time. Hours are exact durations; days and
//! months are counted on the Japan Standard Time calendar (JST has no daylight saving, so a day
//! is 24 h; a month ends on the same day of the month, or on the month's last day when it is
//! shorter: 31 Jan + 1 month = 28 or 29 Feb).

use super::form::NextSteps;
use crate::{OrgKind, Organisation, SectorId};
use chrono::{DateTime, Duration, FixedOffset, Months, Utc};
use serde::{Deserialize, Serialize};

/// A span on the JST calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Span {
    Hours(u32),
    Days(u32),
    Months(u32),
}

impl Span {
    /// `t` plus this span, counted in JST.
    pub fn after(self, t: DateTime<Utc>) -> DateTime<Utc> {
        // Beyond the calendar's range (year 262143): never due.
        let far = DateTime::<Utc>::MAX_UTC;
        match self {
            Span::Hours(h) => t
                .checked_add_signed(Duration::hours(i64::from(h)))
                .unwrap_or(far),
            Span::Days(d) => t
                .checked_add_signed(Duration::days(i64::from(d)))
                .unwrap_or(far),
            Span::Months(m) => t
                .with_timezone(&jst())
                .checked_add_months(Months::new(m))
                .map(|l| l.with_timezone(&Utc))
                .unwrap_or(far),
        }
    }

    pub fn label_ja(self) -> String {
        match self {
            Span::Hours(h) => format!("{h}時間"),
            Span::Days(d) => format!("{d}日"),
            Span::Months(m) => format!("{m}か月"),
        }
    }

    pub fn label_en(self) -> String {
        let s = |n: u32| if n == 1 { "" } else { "s" };
        match self {
            Span::Hours(h) => format!("{h} hour{}", s(h)),
            Span::Days(d) => format!("{d} day{}", s(d)),
            Span::Months(m) => format!("{m} month{}", s(m)),
        }
    }
}

/// Japan Standard Time, UTC+9.
pub fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// A sector's reporting policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportingPolicy {
    /// The first report is due this long after 判明.
    pub first_report: Span,
    /// While the latest report announces a follow-up, the next is due this long after it;
    /// `None`: no periodic follow-up deadline.
    pub follow_up_every: Option<Span>,
    /// A final report (続報なし) is due this long after 判明; `None`: no final deadline.
    pub final_report: Option<Span>,
}

impl ReportingPolicy {
    /// A NIS2-style preset for comparison: early warning within 24 h, an update within 72 h,
    /// a final report within one month.
    pub const NIS2: ReportingPolicy = ReportingPolicy {
        first_report: Span::Hours(24),
        follow_up_every: Some(Span::Hours(72)),
        final_report: Some(Span::Months(1)),
    };
}

impl Span {
    /// The count in this span's unit.
    pub fn value(self) -> u32 {
        match self {
            Span::Hours(n) | Span::Days(n) | Span::Months(n) => n,
        }
    }
    /// The unit's code ("hours", "days", "months"), as the JSON names it.
    pub fn unit(self) -> &'static str {
        match self {
            Span::Hours(_) => "hours",
            Span::Days(_) => "days",
            Span::Months(_) => "months",
        }
    }
    /// The span of `value` in the unit `code`; `None` for an unknown unit.
    pub fn from_unit(code: &str, value: u32) -> Option<Span> {
        match code {
            "hours" => Some(Span::Hours(value)),
            "days" => Some(Span::Days(value)),
            "months" => Some(Span::Months(value)),
            _ => None,
        }
    }
    /// The largest span a policy may set in this unit: one year.
    fn max_value(self) -> u32 {
        match self {
            Span::Hours(_) => MAX_HOURS,
            Span::Days(_) => MAX_DAYS,
            Span::Months(_) => MAX_MONTHS,
        }
    }
    /// Shortest and longest length in hours (a month is 28 to 31 days).
    fn hours_range(self) -> (u64, u64) {
        let n = u64::from(self.value());
        match self {
            Span::Hours(_) => (n, n),
            Span::Days(_) => (n * 24, n * 24),
            Span::Months(_) => (n * 28 * 24, n * 31 * 24),
        }
    }
}

/// The longest span a policy may set: a year, in each unit.
pub const MAX_HOURS: u32 = 8784;
pub const MAX_DAYS: u32 = 366;
pub const MAX_MONTHS: u32 = 12;

/// A policy's rule broken, naming the field (`first_report`, `follow_up_every`, `final_report`)
/// and the rule (`positive`, `too_long`, `before_first`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub field: &'static str,
    pub rule: &'static str,
    pub message_ja: String,
    pub message_en: String,
}

impl ReportingPolicy {
    /// The policy's rules: every span at least 1 and at most a year in its unit; the final
    /// report not due before the first (in every month's length). The first problem found, in
    /// field order.
    pub fn check(&self) -> Result<(), PolicyError> {
        let spans = [
            (
                "first_report",
                "第一報の期限",
                "The first-report deadline",
                Some(self.first_report),
            ),
            (
                "follow_up_every",
                "続報の間隔",
                "The follow-up interval",
                self.follow_up_every,
            ),
            (
                "final_report",
                "最終報の期限",
                "The final-report deadline",
                self.final_report,
            ),
        ];
        for (field, ja, en, span) in spans {
            let Some(span) = span else { continue };
            if span.value() == 0 {
                return Err(PolicyError {
                    field,
                    rule: "positive",
                    message_ja: format!("{ja}は1以上にしてください。"),
                    message_en: format!("{en} must be at least 1."),
                });
            }
            if span.value() > span.max_value() {
                return Err(PolicyError {
                    field,
                    rule: "too_long",
                    message_ja: format!(
                        "{ja}は1年（{}）以内にしてください。",
                        Span::from_unit(span.unit(), span.max_value())
                            .map(Span::label_ja)
                            .unwrap_or_default()
                    ),
                    message_en: format!(
                        "{en} must be at most a year ({}).",
                        Span::from_unit(span.unit(), span.max_value())
                            .map(Span::label_en)
                            .unwrap_or_default()
                    ),
                });
            }
        }
        if let Some(f) = self.final_report {
            if f.hours_range().0 < self.first_report.hours_range().1 {
                return Err(PolicyError {
                    field: "final_report",
                    rule: "before_first",
                    message_ja: "最終報の期限は第一報の期限より後にしてください。".into(),
                    message_en:
                        "The final-report deadline must not come before the first report's.".into(),
                });
            }
        }
        Ok(())
    }
}

/// Who sets a sector's reporting policy: NISC for every sector, a CI ministry for the sectors
/// it oversees; nobody else.
pub fn may_set_policy(org: &Organisation, sector: &SectorId) -> bool {
    match org.kind {
        OrgKind::Nisc => true,
        OrgKind::CiMinistry => org.sectors.contains(sector),
        OrgKind::CrisisManagement
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::Ceptoar
        | OrgKind::CeptoarCouncil
        | OrgKind::Operator => false,
    }
}

/// Which deadline of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeadlineKind {
    First,
    FollowUp,
    Final,
}

impl DeadlineKind {
    pub fn code(self) -> &'static str {
        match self {
            DeadlineKind::First => "first",
            DeadlineKind::FollowUp => "follow_up",
            DeadlineKind::Final => "final",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            DeadlineKind::First => "第一報",
            DeadlineKind::FollowUp => "続報",
            DeadlineKind::Final => "最終報",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            DeadlineKind::First => "First report",
            DeadlineKind::FollowUp => "Follow-up",
            DeadlineKind::Final => "Final report",
        }
    }
}

/// A deadline not yet met: what is due and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenDeadline {
    pub kind: DeadlineKind,
    pub due: DateTime<Utc>,
}

impl OpenDeadline {
    /// Past due at `now`.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        now > self.due
    }
    /// Due within `window` of `now` (or past due).
    pub fn within(&self, now: DateTime<Utc>, window: Duration) -> bool {
        self.due
            <= now
                .checked_add_signed(window)
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// When a deadline reminds: once when it is near (`window` before), once when it has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderPhase {
    Near,
    Overdue,
}

impl ReminderPhase {
    pub fn code(self) -> &'static str {
        match self {
            ReminderPhase::Near => "near",
            ReminderPhase::Overdue => "overdue",
        }
    }
    /// The reminder a deadline calls for at `now`: `Overdue` once past due, `Near` within
    /// `window` of it, else none.
    pub fn at(d: &OpenDeadline, now: DateTime<Utc>, window: Duration) -> Option<ReminderPhase> {
        if d.overdue(now) {
            Some(ReminderPhase::Overdue)
        } else if d.within(now, window) {
            Some(ReminderPhase::Near)
        } else {
            None
        }
    }
}

/// One report of the chain as the deadline rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFact {
    /// 第k報.
    pub report_no: u32,
    /// When it was filed (the system's time, not the form's 情報連絡日時).
    pub filed_at: DateTime<Utc>,
    /// ⑧今後の予定 of the report; `None` counts as a follow-up expected.
    pub next_steps: Option<NextSteps>,
}

impl ReportFact {
    fn announces_follow_up(&self) -> bool {
        self.next_steps.is_none_or(NextSteps::follow_up_expected)
    }
}

/// Where one deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeadlineState {
    /// Met by a report filed at `at` (`late` when after `due`).
    Met {
        due: DateTime<Utc>,
        at: DateTime<Utc>,
        late: bool,
    },
    /// Not yet met, not yet due.
    Pending { due: DateTime<Utc> },
    /// Not met and past due.
    Overdue { due: DateTime<Utc> },
}

impl DeadlineState {
    pub fn due(&self) -> DateTime<Utc> {
        match *self {
            DeadlineState::Met { due, .. }
            | DeadlineState::Pending { due }
            | DeadlineState::Overdue { due } => due,
        }
    }
    pub fn is_overdue(&self) -> bool {
        matches!(self, DeadlineState::Overdue { .. })
    }
    fn open(due: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        if now > due {
            DeadlineState::Overdue { due }
        } else {
            DeadlineState::Pending { due }
        }
    }
    fn met(due: DateTime<Utc>, at: DateTime<Utc>) -> Self {
        DeadlineState::Met {
            due,
            at,
            late: at > due,
        }
    }
}

/// The deadlines of one chain at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainDeadlines {
    /// The first report; `None` without a 判明 time.
    pub first: Option<DeadlineState>,
    /// The next follow-up, while the latest report announces one.
    pub follow_up: Option<DeadlineState>,
    /// The final report; `None` without a 判明 time or without a final deadline.
    pub final_report: Option<DeadlineState>,
}

impl ChainDeadlines {
    /// Some deadline has passed unmet.
    pub fn overdue(&self) -> bool {
        [self.first, self.follow_up, self.final_report]
            .iter()
            .flatten()
            .any(DeadlineState::is_overdue)
    }

    /// The deadlines not yet met (pending or overdue), earliest first.
    pub fn open(&self) -> Vec<OpenDeadline> {
        let mut out: Vec<OpenDeadline> = [
            (DeadlineKind::First, self.first),
            (DeadlineKind::FollowUp, self.follow_up),
            (DeadlineKind::Final, self.final_report),
        ]
        .into_iter()
        .filter_map(|(kind, d)| match d? {
            DeadlineState::Met { .. } => None,
            DeadlineState::Pending { due } | DeadlineState::Overdue { due } => {
                Some(OpenDeadline { kind, due })
            }
        })
        .collect();
        out.sort_by_key(|d| (d.due, d.kind.code()));
        out
    }

    /// The earliest deadline not yet met (pending or overdue), for reminders and sorting.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        [self.first, self.follow_up, self.final_report]
            .iter()
            .flatten()
            .filter(|d| !matches!(d, DeadlineState::Met { .. }))
            .map(DeadlineState::due)
            .min()
    }
}

/// The deadlines of a chain whose first report gave `discovered_at` (判明日時), with its
/// `reports` in any order, under `policy`, at `now`.
pub fn chain_deadlines(
    policy: &ReportingPolicy,
    discovered_at: Option<DateTime<Utc>>,
    reports: &[ReportFact],
    now: DateTime<Utc>,
) -> ChainDeadlines {
    let mut sorted: Vec<&ReportFact> = reports.iter().collect();
    sorted.sort_by_key(|r| (r.filed_at, r.report_no));
    let first_filed = sorted.first().map(|r| r.filed_at);
    let first = discovered_at.map(|d| {
        let due = policy.first_report.after(d);
        match first_filed {
            Some(at) => DeadlineState::met(due, at),
            None => DeadlineState::open(due, now),
        }
    });
    let closing = sorted.iter().find(|r| !r.announces_follow_up());
    let latest = sorted.last();
    let follow_up = match (policy.follow_up_every, latest) {
        (Some(every), Some(l)) if l.announces_follow_up() => {
            Some(DeadlineState::open(every.after(l.filed_at), now))
        }
        _ => None,
    };
    let final_report = match (policy.final_report, discovered_at) {
        (Some(span), Some(d)) => {
            let due = span.after(d);
            Some(match closing {
                Some(r) => DeadlineState::met(due, r.filed_at),
                None => DeadlineState::open(due, now),
            })
        }
        _ => None,
    };
    ChainDeadlines {
        first,
        follow_up,
        final_report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn j(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        jst()
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid JST time")
            .with_timezone(&Utc)
    }

    fn report(no: u32, at: DateTime<Utc>, next: NextSteps) -> ReportFact {
        ReportFact {
            report_no: no,
            filed_at: at,
            next_steps: Some(next),
        }
    }

    #[test]
    fn spans_cross_midnight_and_month_ends_in_jst() {
        // 判明 23:30 JST on 31 Jan: +24 h is 23:30 on 1 Feb; +1 day the same.
        let d = j(2024, 1, 31, 23, 30);
        assert_eq!(Span::Hours(24).after(d), j(2024, 2, 1, 23, 30));
        assert_eq!(Span::Days(1).after(d), j(2024, 2, 1, 23, 30));
        assert_eq!(Span::Hours(72).after(d), j(2024, 2, 3, 23, 30));
        // One month: the last day of February, in a leap year and not.
        assert_eq!(Span::Months(1).after(d), j(2024, 2, 29, 23, 30));
        assert_eq!(
            Span::Months(1).after(j(2025, 1, 31, 23, 30)),
            j(2025, 2, 28, 23, 30)
        );
        assert_eq!(
            Span::Months(1).after(j(2023, 12, 31, 10, 0)),
            j(2024, 1, 31, 10, 0)
        );
        // 29 Feb + 12 months = 28 Feb of the next year.
        assert_eq!(
            Span::Months(12).after(j(2024, 2, 29, 9, 0)),
            j(2025, 2, 28, 9, 0)
        );
        // Months count on the JST calendar, not UTC's: 1 Mar 01:00 JST is still 29 Feb in
        // UTC, where a month later would be 29 Mar (30 Mar 01:00 JST).
        assert_eq!(
            Span::Months(1).after(j(2024, 3, 1, 1, 0)),
            j(2024, 4, 1, 1, 0)
        );
        // 23:30 JST on 31 Dec + 24 h crosses the year.
        assert_eq!(
            Span::Hours(24).after(j(2024, 12, 31, 23, 30)),
            j(2025, 1, 1, 23, 30)
        );
        assert_eq!(Span::Hours(u32::MAX).after(d), DateTime::<Utc>::MAX_UTC);
        assert_eq!(Span::Days(3650).after(d), j(2034, 1, 28, 23, 30));
        assert_eq!(Span::Months(u32::MAX).after(d), DateTime::<Utc>::MAX_UTC);
    }

    #[test]
    fn first_report_due_within_the_hours_of_discovery() {
        let p = ReportingPolicy::NIS2;
        let d = j(2024, 1, 31, 23, 30);
        let due = j(2024, 2, 1, 23, 30);
        // Nothing filed: pending up to and at the due time, overdue one minute later.
        let at = |now| chain_deadlines(&p, Some(d), &[], now);
        assert_eq!(at(due).first, Some(DeadlineState::Pending { due }));
        assert!(!at(due).overdue());
        let late = at(due + Duration::minutes(1));
        assert_eq!(late.first, Some(DeadlineState::Overdue { due }));
        assert!(late.overdue());
        // Filed at the due minute: met on time; a minute after: met late (no longer overdue).
        let on_time = chain_deadlines(&p, Some(d), &[report(1, due, NextSteps::Ongoing)], due);
        assert_eq!(
            on_time.first,
            Some(DeadlineState::Met {
                due,
                at: due,
                late: false
            })
        );
        let t = due + Duration::minutes(1);
        let filed_late = chain_deadlines(&p, Some(d), &[report(1, t, NextSteps::Ongoing)], t);
        assert_eq!(
            filed_late.first,
            Some(DeadlineState::Met {
                due,
                at: t,
                late: true
            })
        );
        // No 判明 time: no first or final deadline.
        let none = chain_deadlines(&p, None, &[report(1, t, NextSteps::Ongoing)], t);
        assert_eq!((none.first, none.final_report), (None, None));
    }

    #[test]
    fn follow_ups_are_due_every_m_hours_while_announced() {
        let p = ReportingPolicy::NIS2;
        let d = j(2024, 2, 28, 22, 0);
        let r1 = report(1, j(2024, 2, 29, 8, 0), NextSteps::Ongoing);
        let due = j(2024, 3, 3, 8, 0); // 72 h later, across the leap day and the month end
        let c = chain_deadlines(&p, Some(d), &[r1], due);
        assert_eq!(c.follow_up, Some(DeadlineState::Pending { due }));
        let c = chain_deadlines(&p, Some(d), &[r1], due + Duration::seconds(1));
        assert_eq!(c.follow_up, Some(DeadlineState::Overdue { due }));
        // A second report resets the clock; one announcing no follow-up ends it and is final.
        let r2 = report(2, j(2024, 3, 2, 9, 0), NextSteps::Investigating);
        let c = chain_deadlines(&p, Some(d), &[r2, r1], j(2024, 3, 4, 0, 0));
        assert_eq!(
            c.follow_up,
            Some(DeadlineState::Pending {
                due: j(2024, 3, 5, 9, 0)
            })
        );
        let r3 = report(3, j(2024, 3, 20, 9, 0), NextSteps::Completed);
        let c = chain_deadlines(&p, Some(d), &[r1, r2, r3], j(2024, 6, 1, 0, 0));
        assert_eq!(c.follow_up, None);
        assert_eq!(
            c.final_report,
            Some(DeadlineState::Met {
                due: j(2024, 3, 28, 22, 0),
                at: j(2024, 3, 20, 9, 0),
                late: false
            })
        );
        assert!(!c.overdue());
        assert_eq!(c.next_due(), None);
    }

    #[test]
    fn final_report_due_a_month_after_discovery() {
        let p = ReportingPolicy::NIS2;
        let d = j(2025, 1, 31, 23, 30);
        let due = j(2025, 2, 28, 23, 30);
        let r1 = report(1, j(2025, 2, 1, 0, 10), NextSteps::ConsideringMeasures);
        // A first report that announces nothing further is itself the final report.
        let c = chain_deadlines(&p, Some(d), &[r1], j(2025, 3, 10, 0, 0));
        assert_eq!(
            c.final_report,
            Some(DeadlineState::Met {
                due,
                at: r1.filed_at,
                late: false
            })
        );
        let open = report(1, j(2025, 2, 1, 0, 10), NextSteps::Ongoing);
        let r2 = report(2, j(2025, 2, 27, 0, 0), NextSteps::Ongoing);
        let c = chain_deadlines(&p, Some(d), &[open, r2], due);
        assert_eq!(c.final_report, Some(DeadlineState::Pending { due }));
        assert_eq!(c.next_due(), Some(due));
        let c = chain_deadlines(&p, Some(d), &[open, r2], due + Duration::minutes(1));
        assert_eq!(c.final_report, Some(DeadlineState::Overdue { due }));
        assert!(c.overdue());
        // A policy without follow-up or final deadlines only tracks the first report.
        let only_first = ReportingPolicy {
            first_report: Span::Hours(6),
            follow_up_every: None,
            final_report: None,
        };
        let c = chain_deadlines(&only_first, Some(d), &[open], j(2026, 1, 1, 0, 0));
        assert_eq!((c.follow_up, c.final_report), (None, None));
        assert!(!c.overdue());
    }

    #[test]
    fn policy_rules_name_the_field_and_rule() {
        assert_eq!(ReportingPolicy::NIS2.check(), Ok(()));
        let bad = |p: ReportingPolicy| p.check().map_err(|e| (e.field, e.rule));
        let base = ReportingPolicy::NIS2;
        assert_eq!(
            bad(ReportingPolicy {
                first_report: Span::Hours(0),
                ..base
            }),
            Err(("first_report", "positive"))
        );
        assert_eq!(
            bad(ReportingPolicy {
                follow_up_every: Some(Span::Days(367)),
                ..base
            }),
            Err(("follow_up_every", "too_long"))
        );
        assert_eq!(
            bad(ReportingPolicy {
                final_report: Some(Span::Months(13)),
                ..base
            }),
            Err(("final_report", "too_long"))
        );
        // A month may be 28 days: a final deadline of 1 month after a first of 29 days is
        // refused, after 28 days accepted; hours equal to the first are fine.
        let first_days = |d| ReportingPolicy {
            first_report: Span::Days(d),
            follow_up_every: None,
            final_report: Some(Span::Months(1)),
        };
        assert_eq!(bad(first_days(29)), Err(("final_report", "before_first")));
        assert_eq!(bad(first_days(28)), Ok(()));
        assert_eq!(
            bad(ReportingPolicy {
                first_report: Span::Hours(24),
                follow_up_every: None,
                final_report: Some(Span::Hours(23)),
            }),
            Err(("final_report", "before_first"))
        );
        assert_eq!(
            bad(ReportingPolicy {
                first_report: Span::Hours(MAX_HOURS),
                follow_up_every: Some(Span::Hours(MAX_HOURS)),
                final_report: None,
            }),
            Ok(())
        );
        for s in [Span::Hours(3), Span::Days(2), Span::Months(1)] {
            assert_eq!(Span::from_unit(s.unit(), s.value()), Some(s));
        }
        assert_eq!(Span::from_unit("weeks", 1), None);
    }

    #[test]
    fn nisc_sets_every_sector_a_ministry_its_own_only() {
        let sector = |s: &str| SectorId(s.into());
        let org = |kind, sectors: &[&str]| Organisation {
            id: crate::OrgId("o".into()),
            kind,
            name_ja: String::new(),
            name_en: String::new(),
            sectors: sectors.iter().map(|s| sector(s)).collect(),
            ceptoars: vec![],
            nisc_partner: false,
        };
        for kind in OrgKind::ALL {
            let o = org(kind, &["electric_power"]);
            let want = matches!(kind, OrgKind::Nisc | OrgKind::CiMinistry);
            assert_eq!(
                may_set_policy(&o, &sector("electric_power")),
                want,
                "{kind:?}"
            );
            assert_eq!(
                may_set_policy(&o, &sector("finance")),
                kind == OrgKind::Nisc,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn open_deadlines_and_reminder_phases() {
        let p = ReportingPolicy::NIS2;
        let d = j(2025, 1, 31, 23, 30);
        let first_due = j(2025, 2, 1, 23, 30);
        let c = chain_deadlines(&p, Some(d), &[], j(2025, 2, 1, 23, 0));
        let open = c.open();
        assert_eq!(
            open,
            vec![
                OpenDeadline {
                    kind: DeadlineKind::First,
                    due: first_due
                },
                OpenDeadline {
                    kind: DeadlineKind::Final,
                    due: j(2025, 2, 28, 23, 30)
                },
            ]
        );
        let hour = Duration::hours(1);
        let at = |now| ReminderPhase::at(&open[0], now, hour);
        assert_eq!(at(j(2025, 2, 1, 22, 29)), None);
        assert_eq!(at(j(2025, 2, 1, 22, 30)), Some(ReminderPhase::Near));
        assert_eq!(at(first_due), Some(ReminderPhase::Near));
        assert_eq!(
            at(first_due + Duration::seconds(1)),
            Some(ReminderPhase::Overdue)
        );
        // Met deadlines are not open.
        let r = report(1, j(2025, 2, 1, 8, 0), NextSteps::Ongoing);
        let c = chain_deadlines(&p, Some(d), &[r], j(2025, 2, 1, 9, 0));
        assert_eq!(
            c.open().iter().map(|o| o.kind).collect::<Vec<_>>(),
            vec![DeadlineKind::FollowUp, DeadlineKind::Final]
        );
    }
}
