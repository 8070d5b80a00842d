//! 識別番号 — NISC's identification numbers: R<n> / R<n>-<k> for liaison chains,
//! T<n> / T<n>-<k> for provisions (図３, 図６).

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
}

/// An identification number: chain `n`, report `k` (k = 1 prints without suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdentNumber {
    pub series: Series,
    pub chain: u64,
    pub report: u32,
}

impl IdentNumber {
    pub fn new(series: Series, chain: u64, report: u32) -> Self {
        Self {
            series,
            chain,
            report,
        }
    }
}

impl fmt::Display for IdentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

    proptest::proptest! {
        #[test]
        fn round_trips(chain in 1u64..1_000_000, report in 1u32..500, provision: bool) {
            let series = if provision { Series::Provision } else { Series::Liaison };
            let n = IdentNumber::new(series, chain, report);
            proptest::prop_assert_eq!(n.to_string().parse::<IdentNumber>(), Ok(n));
        }
    }
}
