//! Reporting deadlines of a liaison chain: a first report within N hours of 判明, a follow-up
//! every M hours while the latest report announces one (続報あり), and a final report (one that
//! announces no further report, 続報なし) within D days or months of 判明.
//!
//! Pure: the caller passes the chain's reports and the time. Hours are exact durations; days and
//! months are counted on the Japan Standard Time calendar (JST has no daylight saving, so a day
//! is 24 h; a month ends on the same day of the month, or on the month's last day when it is
//! shorter: 31 Jan + 1 month = 28 or 29 Feb).

use super::form::NextSteps;
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
}
