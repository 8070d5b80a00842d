//! A liaison chain: 第1報, 続報 …, all under one NISC number `R<n>` / `R<n>-<k>` (図３).
//!
//! The handbook names no "final report": ⑧今後の予定 of the latest report says whether more will
//! follow, so the chain's state is derived from it rather than stored.

use super::form::{LiaisonForm, NextSteps};
use crate::numbering::{IdentNumber, Series};
use serde::{Deserialize, Serialize};

/// Whether further reports (続報) are expected in a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainStatus {
    /// 続報あり, or ⑧ not yet stated.
    Open,
    /// 続報なし.
    Closed,
}

impl ChainStatus {
    /// From the latest report's ⑧今後の予定: open while 続報あり or unset (speed first: an
    /// unfilled ⑧ must not silently close a case).
    pub fn from_next_steps(next: Option<NextSteps>) -> Self {
        match next {
            Some(n) if !n.follow_up_expected() => ChainStatus::Closed,
            _ => ChainStatus::Open,
        }
    }

    /// From a chain's reports: the one with the highest 報数 decides (on a tie, the later in the
    /// slice). A new 続報 after 続報なし therefore reopens the chain. An empty chain is open.
    pub fn of_chain(reports: &[LiaisonForm]) -> Self {
        let latest = reports
            .iter()
            .enumerate()
            .max_by_key(|(i, r)| (r.report_no, *i))
            .map(|(_, r)| r);
        Self::from_next_steps(latest.and_then(|r| r.next_steps))
    }

    pub fn code(self) -> &'static str {
        match self {
            ChainStatus::Open => "open",
            ChainStatus::Closed => "closed",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            ChainStatus::Open => "続報あり",
            ChainStatus::Closed => "続報なし",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            ChainStatus::Open => "Follow-up expected",
            ChainStatus::Closed => "No follow-up",
        }
    }
}

/// 報数 of the next report: one more than the highest so far; 1 for a new chain.
pub fn next_report_no(existing: &[u32]) -> u32 {
    existing
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}

/// The identification number of report `report_no` in chain `R<chain_number>`: `R<n>` for the
/// 1st, `R<n>-<k>` after.
pub fn ident_for(chain_number: u64, report_no: u32) -> IdentNumber {
    IdentNumber::new(Series::Liaison, chain_number, report_no.max(1))
}

/// The same for a chain that may be an exercise: `E-R<n>` / `E-R<n>-<k>` then.
pub fn chain_ident(chain_number: u64, report_no: u32, exercise: bool) -> IdentNumber {
    IdentNumber::of(Series::Liaison, chain_number, report_no, exercise)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_from_next_steps() {
        let cases = [
            (None, ChainStatus::Open),
            (Some(NextSteps::Ongoing), ChainStatus::Open),
            (Some(NextSteps::Investigating), ChainStatus::Open),
            (Some(NextSteps::ConsideringMeasures), ChainStatus::Closed),
            (Some(NextSteps::Completed), ChainStatus::Closed),
        ];
        for (next, want) in cases {
            assert_eq!(ChainStatus::from_next_steps(next), want, "{next:?}");
        }
    }

    fn report(no: u32, next: Option<NextSteps>) -> LiaisonForm {
        LiaisonForm {
            report_no: no,
            next_steps: next,
            ..LiaisonForm::default()
        }
    }

    #[test]
    fn latest_report_decides() {
        use NextSteps::*;
        let cases: Vec<(Vec<LiaisonForm>, ChainStatus)> = vec![
            (vec![], ChainStatus::Open),
            (vec![report(1, Some(Ongoing))], ChainStatus::Open),
            (
                vec![report(1, Some(Ongoing)), report(2, Some(Completed))],
                ChainStatus::Closed,
            ),
            // Order in the slice does not matter, 報数 does.
            (
                vec![report(2, Some(Completed)), report(1, Some(Ongoing))],
                ChainStatus::Closed,
            ),
            // A 続報 after 続報なし reopens.
            (
                vec![report(1, Some(Completed)), report(2, Some(Investigating))],
                ChainStatus::Open,
            ),
            (
                vec![report(1, Some(Completed)), report(2, None)],
                ChainStatus::Open,
            ),
        ];
        for (reports, want) in cases {
            assert_eq!(ChainStatus::of_chain(&reports), want, "{reports:?}");
        }
    }

    #[test]
    fn numbering() {
        assert_eq!(next_report_no(&[]), 1);
        assert_eq!(next_report_no(&[1]), 2);
        assert_eq!(next_report_no(&[1, 3, 2]), 4);
        assert_eq!(next_report_no(&[u32::MAX]), u32::MAX);
        assert_eq!(ident_for(1, 1).to_string(), "R1");
        assert_eq!(ident_for(1, 2).to_string(), "R1-2");
        assert_eq!(ident_for(42, 0).to_string(), "R42");
    }

    #[test]
    fn labels() {
        assert_eq!(ChainStatus::Open.code(), "open");
        assert_eq!(ChainStatus::Closed.label_ja(), "続報なし");
        assert_eq!(
            serde_json::to_string(&ChainStatus::Closed).ok().as_deref(),
            Some("\"closed\"")
        );
    }
}
