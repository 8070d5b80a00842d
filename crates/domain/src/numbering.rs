//! 識別番号 — NISC's identification numbers: R<n> / R<n>-<k> for liaison chains,
//! T<n> / T<n>-<k> for provisions (図３, 図６).
//!
//! Exercises (演習・訓練) are numbered apart: `E-R<n>` / `E-T<n>` from counters of their own
//! ([`Series::counter`]), so a real number never skips or collides because an exercise ran
//! ("演習で作成したものは…実番号とは別の番号" — the exercise brief, issue 13 item 3). The rule
//! lives here once; storage only takes the next value of the counter this names.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Which series a number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Series {
    /// 情報連絡 — liaison, "R".
    Liaison,
    /// 情報提供 — provision, "T".
    Provision,
}

impl Series {
    pub fn prefix(self) -> char {
        match self {
            Series::Liaison => 'R',
            Series::Provision => 'T',
        }
    }

    /// The name of the counter (in storage) a chain of this series takes its n from: `R`/`T`
    /// for real chains, `ER`/`ET` for exercises — two separate sequences.
    pub fn counter(self, exercise: bool) -> &'static str {
        match (self, exercise) {
            (Series::Liaison, false) => "R",
            (Series::Provision, false) => "T",
            (Series::Liaison, true) => "ER",
            (Series::Provision, true) => "ET",
        }
    }
}

/// The prefix that marks an exercise number (演習).
pub const EXERCISE_PREFIX: &str = "E-";

/// An identification number: chain `n`, report `k` (k = 1 prints without suffix); an
/// exercise's prints with the `E-` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdentNumber {
    pub series: Series,
    pub chain: u64,
    pub report: u32,
    /// Numbered in the exercise series (`E-R<n>`), never in the real one.
    pub exercise: bool,
}

impl IdentNumber {
    pub fn new(series: Series, chain: u64, report: u32) -> Self {
        Self {
            series,
            chain,
            report,
            exercise: false,
        }
    }

    /// The number of a chain, real or exercise: what every page, mail and API answer shows.
    pub fn of(series: Series, chain: u64, report: u32, exercise: bool) -> Self {
        Self {
            series,
            chain,
            report: report.max(1),
            exercise,
        }
    }
}

impl fmt::Display for IdentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.exercise {
            f.write_str(EXERCISE_PREFIX)?;
        }
        if self.report <= 1 {
            write!(f, "{}{}", self.series.prefix(), self.chain)
        } else {
            write!(f, "{}{}-{}", self.series.prefix(), self.chain, self.report)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("識別番号の形式が正しくありません（例: R1, R1-2）: {0}")]
pub struct BadIdentNumber(pub String);

impl FromStr for IdentNumber {
    type Err = BadIdentNumber;
    /// Accepts half- and full-width forms as people type them (Ｒ１-２).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadIdentNumber(s.to_owned());
        let norm: String = s.trim().chars().map(to_half_width).collect();
        let (exercise, norm) = match norm
            .get(..2)
            .filter(|p| p.eq_ignore_ascii_case(EXERCISE_PREFIX))
        {
            Some(_) => (true, norm[2..].to_owned()),
            None => (false, norm),
        };
        let mut chars = norm.chars();
        let series = match chars.next().map(|c| c.to_ascii_uppercase()) {
            Some('R') => Series::Liaison,
            Some('T') => Series::Provision,
            _ => return Err(bad()),
        };
        let rest: String = chars.collect();
        let (n, k) = match rest.split_once('-') {
            Some((n, k)) => (n, Some(k)),
            None => (rest.as_str(), None),
        };
        let chain: u64 = parse_positive(n).ok_or_else(bad)?;
        let report: u32 = match k {
            Some(k) => {
                let k: u32 = parse_positive(k).ok_or_else(bad)?;
                if k < 2 {
                    return Err(bad());
                }
                k
            }
            None => 1,
        };
        Ok(IdentNumber {
            series,
            chain,
            report,
            exercise,
        })
    }
}

fn parse_positive<T: FromStr + PartialOrd + From<u8>>(s: &str) -> Option<T> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) || s.starts_with('0') {
        return None;
    }
    s.parse().ok().filter(|v: &T| *v >= T::from(1))
}

/// Full-width ASCII (Ｒ１－２) to half-width.
pub fn to_half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        'ー' | '−' | '‐' => '-',
        '\u{3000}' => ' ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_first_report_without_suffix() {
        assert_eq!(IdentNumber::new(Series::Liaison, 1, 1).to_string(), "R1");
        assert_eq!(
            IdentNumber::new(Series::Liaison, 12, 3).to_string(),
            "R12-3"
        );
        assert_eq!(
            IdentNumber::new(Series::Provision, 7, 2).to_string(),
            "T7-2"
        );
    }

    #[test]
    fn parses_half_and_full_width() {
        assert_eq!("R1".parse(), Ok(IdentNumber::new(Series::Liaison, 1, 1)));
        assert_eq!(
            "Ｒ１－２".parse(),
            Ok(IdentNumber::new(Series::Liaison, 1, 2))
        );
        assert_eq!(
            "t3-10".parse(),
            Ok(IdentNumber::new(Series::Provision, 3, 10))
        );
    }

    #[test]
    fn refuses_malformed() {
        for s in [
            "", "R", "R0", "R01", "R1-1", "R1-", "X1", "R1-2-3", "R-1", "R1a",
        ] {
            assert!(s.parse::<IdentNumber>().is_err(), "{s}");
        }
    }

    #[test]
    fn exercise_numbers_are_their_own_series() {
        let e = IdentNumber::of(Series::Liaison, 1, 1, true);
        assert_eq!(e.to_string(), "E-R1");
        assert_eq!(
            IdentNumber::of(Series::Provision, 3, 2, true).to_string(),
            "E-T3-2"
        );
        assert_eq!("e-r1".parse(), Ok(e));
        assert_eq!("Ｅ－Ｒ１".parse(), Ok(e));
        // Never equal to the real number with the same digits.
        assert_ne!(e, IdentNumber::new(Series::Liaison, 1, 1));
        for s in ["E-", "E-X1", "E-R0", "ER1", "E-E-R1"] {
            assert!(s.parse::<IdentNumber>().is_err(), "{s}");
        }
        // Four counters, all distinct: a real series never takes an exercise's value.
        let names: std::collections::BTreeSet<_> = [Series::Liaison, Series::Provision]
            .into_iter()
            .flat_map(|s| [s.counter(false), s.counter(true)])
            .collect();
        assert_eq!(names.len(), 4);
        assert_eq!(Series::Liaison.counter(false), "R");
        assert_eq!(Series::Provision.counter(false), "T");
    }

    proptest::proptest! {
        #[test]
        fn round_trips(chain in 1u64..1_000_000, report in 1u32..500, provision: bool, exercise: bool) {
            let series = if provision { Series::Provision } else { Series::Liaison };
            let n = IdentNumber::of(series, chain, report, exercise);
            proptest::prop_assert_eq!(n.to_string().parse::<IdentNumber>(), Ok(n));
        }
    }
}
