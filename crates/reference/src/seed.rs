//! Citations into the seed text, the authority every data entry was taken from.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

/// Lines in the seed text; a citation outside `1..=SEED_LINE_COUNT` is a data error.
pub const SEED_LINE_COUNT: u32 = 47_588;

/// 1-based, inclusive line ranges, written `"9702-9763, 27272"` in the data files so that a
/// reviewer can paste them straight into an editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LineRanges(Vec<(u32, u32)>);

impl LineRanges {
    pub fn ranges(&self) -> impl Iterator<Item = RangeInclusive<u32>> + '_ {
        self.0.iter().map(|&(a, b)| a..=b)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<String> for LineRanges {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let mut out = Vec::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (a, b) = match item.split_once('-') {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (item, item),
            };
            let parse = |s: &str| {
                s.parse::<u32>()
                    .map_err(|_| format!("bad seed line `{s}` in `{text}`"))
            };
            let (a, b) = (parse(a)?, parse(b)?);
            if a > b {
                return Err(format!("reversed seed line range `{item}` in `{text}`"));
            }
            out.push((a, b));
        }
        Ok(LineRanges(out))
    }
}

impl From<LineRanges> for String {
    fn from(r: LineRanges) -> String {
        r.to_string()
    }
}

impl fmt::Display for LineRanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(a, b)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if a == b {
                write!(f, "{a}")?;
            } else {
                write!(f, "{a}-{b}")?;
            }
        }
        Ok(())
    }
}

/// 出典 — where an entry comes from in the seed: plain ranges, or ranges keyed by the part of
/// the seed they cite (e.g. `annex3` and `table1`) when one entry is stated in several places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SeedLines {
    Ranges(LineRanges),
    Named(BTreeMap<String, LineRanges>),
}

impl SeedLines {
    /// Every cited range, named or not.
    pub fn ranges(&self) -> Vec<RangeInclusive<u32>> {
        match self {
            SeedLines::Ranges(r) => r.ranges().collect(),
            SeedLines::Named(m) => m.values().flat_map(LineRanges::ranges).collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges().is_empty()
    }

    /// True when every range lies inside the seed text.
    pub fn within_seed(&self) -> bool {
        self.ranges()
            .iter()
            .all(|r| *r.start() >= 1 && *r.end() <= SEED_LINE_COUNT)
    }
}

impl fmt::Display for SeedLines {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeedLines::Ranges(r) => r.fmt(f),
            SeedLines::Named(m) => {
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                Ok(())
            }
        }
    }
}

/// A phrase with its seed wording and an unofficial English rendering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    pub ja: String,
    pub en: String,
}

/// A bilingual passage together with the lines it quotes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitedText {
    pub ja: String,
    pub en: String,
    pub seed_lines: SeedLines,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_ranges() {
        let r = LineRanges::try_from("9702-9763, 27272".to_string()).expect("valid");
        assert_eq!(
            r.ranges().collect::<Vec<_>>(),
            vec![9702..=9763, 27272..=27272]
        );
        assert_eq!(r.to_string(), "9702-9763, 27272");
    }

    #[test]
    fn rejects_garbage_and_reversed_ranges() {
        assert!(LineRanges::try_from("12a".to_string()).is_err());
        assert!(LineRanges::try_from("20-10".to_string()).is_err());
    }

    #[test]
    fn bounds_are_checked() {
        let ok: SeedLines = serde_json::from_str(r#""1, 47588""#).expect("valid");
        assert!(ok.within_seed());
        let zero: SeedLines = serde_json::from_str(r#""0-3""#).expect("valid");
        assert!(!zero.within_seed());
        let past: SeedLines = serde_json::from_str(r#"{"a": "47589"}"#).expect("valid");
        assert!(!past.within_seed());
        let empty: SeedLines = serde_json::from_str(r#""""#).expect("valid");
        assert!(empty.is_empty());
    }
}
