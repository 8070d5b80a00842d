//! 統計（評価・検証のための集計） — counts of liaison cases by sector × month × event type ×
//! cause, and response times, that never single out a reporting organisation.
//!
//! The yearly verification (評価・検証) needs to know how many cases of which kind came from
//! which sector, and how fast they travelled (判明 → first report → NISC receipt → provision).
//! Every number published here must stay about a *group* of critical-infrastructure operators:
//! one operator that files ten reports is still one operator, and no published number — nor any
//! difference of published numbers a reader can form — may be attributable to fewer than `k`
//! distinct reporting organisations.
//!
//! # The rule
//!
//! `k` is a platform setting ([`K_DEFAULT`]); it is never below [`K_MIN`] (a "group" of one
//! would be no protection at all). A set of cases *reaches k* when its cases were reported by at
//! least `k` **distinct organisations**.
//!
//! 1. **Atoms are (sector, month).** Everything is decided month by month (the month of the
//!    case's first report, JST) and the period's numbers are *sums of the months' published
//!    numbers*. So choosing another period ("April–June" minus "April–May") never reveals more
//!    than the months' own tables: a difference of two periods is the sum of published cells of
//!    the months between them.
//! 2. **Sectors.** In a month, a sector's cases are shown (its *atom*) only if they reach k.
//!    The sectors that do not are merged into one 「その他の分野」 atom for that month if
//!    together they reach k; otherwise they are suppressed (not counted anywhere, and only the
//!    number of suppressed atoms is said). No all-sector total of a month is published except
//!    as the sum of published atoms, so a suppressed atom cannot be recovered from a total.
//! 3. **Breakdowns.** A shown atom is broken down twice, by event type (①) and by cause (②,
//!    the first cause the form names: its main cause), each a partition of the atom's cases
//!    (a case without one is 「未分類」). In each breakdown a cell is shown if it reaches k; the
//!    cells that do not are merged into that breakdown's 「その他」 cell. **Complementary
//!    suppression:** the atom's total is published, so "total minus the shown cells" equals the
//!    その他 cell; if that merged cell would not reach k, the smallest shown cells (fewest
//!    cases, then fewest organisations, then code order) are merged into it one by one until it
//!    does. This always ends: the atom itself reaches k. Hence in every published group the
//!    total is exactly the sum of its published cells and every cell reaches k, so the total
//!    minus any selection of cells is a sum of cells that each reach k.
//! 4. **Response times** (median and 90th percentile, nearest-rank, in minutes) are given per
//!    sector row and for all rows, over the cases of published atoms only, for each leg only if
//!    the cases with that leg measured reach k. The number of measured cases is not published
//!    (the sector total minus it would count the unmeasured ones, which need not reach k).
//!
//! What this rule does **not** cover, said plainly: the event and cause breakdowns are two
//! partitions of the same atoms; together they bound (never fix) how many cases had a given
//! event *and* cause. Tables read by different viewers (a ministry's and NISC's) are different
//! data sets and should not both be published for the same period; counts re-read after late
//! reports arrive differ by those reports. A cell with k organisations where one of them filed
//! most cases is shown (this is a count of organisations, not a dominance rule).
//!
//! Every rule above lives in [`tabulate`]; the property tests at the end check, on random
//! worlds where one operator dominates a sector, that no published number or structural
//! difference of published numbers (total minus cells, longer period minus shorter, a sector's
//! months minus its total) is made of cases from fewer than k organisations.

use chrono::{DateTime, Datelike, FixedOffset, Utc};
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The number of distinct reporting organisations a published number needs, unless the
/// platform administrator set another.
pub const K_DEFAULT: u32 = 3;
/// The least `k` the rule accepts: a setting below it is raised to it.
pub const K_MIN: u32 = 2;

/// `k` as the rule applies it: never below [`K_MIN`].
pub fn effective_k(k: u32) -> u32 {
    k.max(K_MIN)
}

/// A calendar month (JST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// `month` is 1–12; years 1000–9999 (four digits, as written).
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (1000..=9999).contains(&year))
            .then_some(Month { year, month })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// Exactly `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 7 || b[4] != b'-' {
            return None;
        }
        if !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit())
        {
            return None;
        }
        Month::new(s[..4].parse().ok()?, s[5..].parse().ok()?)
    }

    /// The JST month of an instant.
    pub fn of(t: DateTime<Utc>) -> Self {
        let jst = FixedOffset::east_opt(9 * 3600).unwrap_or_else(|| {
            FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("UTC is a valid offset"))
        });
        let local = t.with_timezone(&jst);
        Month {
            year: local.year(),
            month: local.month(),
        }
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// How many months from `self` to `to`, both included (0 if `to` is earlier).
    pub fn span(self, to: Month) -> u32 {
        let a = self.year as i64 * 12 + self.month as i64;
        let b = to.year as i64 * 12 + to.month as i64;
        (b - a + 1).max(0) as u32
    }

    /// Every month from `self` to `to`, both included.
    pub fn through(self, to: Month) -> Vec<Month> {
        let mut out = Vec::new();
        let mut m = self;
        while m <= to {
            out.push(m);
            m = m.next();
        }
        out
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The legs of a case's response time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Leg {
    /// 判明 (② discovery time) → the operator sends the first report.
    DiscoveredToReport,
    /// The first report sent → NISC receives it (and numbers it R<n>).
    ReportToReceipt,
    /// NISC's receipt → the first provision (情報提供) citing the case is sent.
    ReceiptToProvision,
}

impl Leg {
    pub const ALL: [Leg; 3] = [
        Leg::DiscoveredToReport,
        Leg::ReportToReceipt,
        Leg::ReceiptToProvision,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Leg::DiscoveredToReport => "discovered_to_report",
            Leg::ReportToReceipt => "report_to_receipt",
            Leg::ReceiptToProvision => "receipt_to_provision",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Leg::DiscoveredToReport => "判明から第1報送信まで",
            Leg::ReportToReceipt => "第1報送信からNISC受付まで",
            Leg::ReceiptToProvision => "NISC受付から情報提供まで",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Leg::DiscoveredToReport => "Discovery to first report",
            Leg::ReportToReceipt => "First report to NISC receipt",
            Leg::ReceiptToProvision => "NISC receipt to provision",
        }
    }

    fn index(self) -> usize {
        match self {
            Leg::DiscoveredToReport => 0,
            Leg::ReportToReceipt => 1,
            Leg::ReceiptToProvision => 2,
        }
    }
}

/// One case as the statistics see it. `org` is the reporting organisation: it is only counted
/// (distinct organisations per cell), never published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    pub sector: String,
    /// The month (JST) of the case's first report.
    pub month: Month,
    /// ① event type code, if classified.
    pub event: Option<String>,
    /// ② main cause code (the first one named), if classified.
    pub cause: Option<String>,
    pub org: String,
    /// Minutes of each leg (indexed as [`Leg::ALL`]), where both ends are known and in order.
    pub legs: [Option<i64>; 3],
}

/// A row of the sector dimension.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SectorKey {
    Sector(String),
    /// その他の分野: the month's sectors too small to be shown alone, together.
    Other,
}

impl SectorKey {
    /// The sector id, or `other`.
    pub fn code(&self) -> &str {
        match self {
            SectorKey::Sector(s) => s,
            SectorKey::Other => "other",
        }
    }
}

impl Serialize for SectorKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A cell of a breakdown (event type or cause).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// A 別紙３ code (`EV-03`, `CA-O-02`).
    Code(String),
    /// 未分類: the form names none.
    Unclassified,
    /// その他: cells merged so that no cell holds fewer than k organisations.
    Other,
}

impl Key {
    /// The code, `unclassified` or `other`.
    pub fn code(&self) -> &str {
        match self {
            Key::Code(c) => c,
            Key::Unclassified => "unclassified",
            Key::Other => "other",
        }
    }
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A published count of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub key: Key,
    pub count: u64,
    /// The rows counted (indices into the input), for the proofs; never published.
    #[serde(skip)]
    members: Vec<usize>,
}

/// A published count of one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthCount {
    pub month: Month,
    pub count: u64,
    #[serde(skip)]
    members: Vec<usize>,
}

/// A published response time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeStat {
    pub leg: Leg,
    pub median_minutes: i64,
    pub p90_minutes: i64,
    #[serde(skip)]
    members: Vec<usize>,
}

/// One sector row over the period: the sums of its published months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectorTable {
    pub sector: SectorKey,
    pub total: u64,
    /// The months in which the row was published, in order.
    pub by_month: Vec<MonthCount>,
    /// By event type: codes in order, then 未分類, then その他.
    pub events: Vec<Count>,
    /// By main cause, likewise.
    pub causes: Vec<Count>,
    /// The legs whose measured cases reach k.
    pub times: Vec<TimeStat>,
    #[serde(skip)]
    members: Vec<usize>,
}

/// The published statistics of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tabulation {
    pub k: u32,
    pub months: Vec<Month>,
    /// Sector rows by sector id, その他の分野 last.
    pub sectors: Vec<SectorTable>,
    /// Response times over every published case.
    pub times: Vec<TimeStat>,
    /// (sector, month) atoms withheld entirely: their cases are counted nowhere.
    pub suppressed: u32,
    /// Month-level cells merged into an その他 row (sector atoms into その他の分野, breakdown
    /// cells into a breakdown's その他).
    pub merged: u32,
}

/// How many distinct organisations reported these rows.
fn orgs(rows: &[StatRow], ids: &[usize]) -> usize {
    ids.iter()
        .map(|&i| rows[i].org.as_str())
        .collect::<BTreeSet<_>>()
        .len()
}

/// A cell being built: its key and the rows it counts.
type Cell = (Key, Vec<usize>);

/// One breakdown of a shown atom (rule 3): cells that reach k, and one その他 cell that reaches
/// k holding the rest. `None` only if the atom itself does not reach k (never called so).
fn partition(
    rows: &[StatRow],
    ids: &[usize],
    key: impl Fn(&StatRow) -> Option<&String>,
    k: usize,
) -> Option<(Vec<Cell>, u32)> {
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for &i in ids {
        let g = key(&rows[i]).map_or(Key::Unclassified, |c| Key::Code(c.clone()));
        groups.entry(g).or_default().push(i);
    }
    let mut shown: Vec<Cell> = Vec::new();
    let mut other: Vec<usize> = Vec::new();
    let mut merged = 0u32;
    for (g, members) in groups {
        if orgs(rows, &members) >= k {
            shown.push((g, members));
        } else {
            other.extend(members);
            merged += 1;
        }
    }
    if !other.is_empty() && orgs(rows, &other) < k {
        // Complementary suppression: smallest first.
        shown.sort_by(|a, b| {
            (a.1.len(), orgs(rows, &a.1), &a.0).cmp(&(b.1.len(), orgs(rows, &b.1), &b.0))
        });
        while orgs(rows, &other) < k {
            if shown.is_empty() {
                return None;
            }
            let (_, members) = shown.remove(0);
            other.extend(members);
            merged += 1;
        }
        shown.sort_by(|a, b| a.0.cmp(&b.0));
    }
    if !other.is_empty() {
        other.sort_unstable();
        shown.push((Key::Other, other));
    }
    Some((shown, merged))
}

/// Nearest-rank percentile of sorted values (`p` in 1–100).
fn percentile(sorted: &[i64], p: usize) -> i64 {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

/// Response times of these rows, per leg, where the measured rows reach k (rule 4).
fn times(rows: &[StatRow], ids: &[usize], k: usize) -> Vec<TimeStat> {
    Leg::ALL
        .into_iter()
        .filter_map(|leg| {
            let measured: Vec<usize> = ids
                .iter()
                .copied()
                .filter(|&i| rows[i].legs[leg.index()].is_some())
                .collect();
            if measured.is_empty() || orgs(rows, &measured) < k {
                return None;
            }
            let mut values: Vec<i64> = measured
                .iter()
                .filter_map(|&i| rows[i].legs[leg.index()])
                .collect();
            values.sort_unstable();
            Some(TimeStat {
                leg,
                median_minutes: percentile(&values, 50),
                p90_minutes: percentile(&values, 90),
                members: measured,
            })
        })
        .collect()
}

#[derive(Default)]
struct Acc {
    members: Vec<usize>,
    by_month: Vec<(Month, Vec<usize>)>,
    events: BTreeMap<Key, Vec<usize>>,
    causes: BTreeMap<Key, Vec<usize>>,
}

fn counts(map: BTreeMap<Key, Vec<usize>>) -> Vec<Count> {
    map.into_iter()
        .map(|(key, members)| Count {
            key,
            count: members.len() as u64,
            members,
        })
        .collect()
}

/// The published statistics of `rows` over `months` with the rule of the module header. Rows of
/// other months are ignored; `k` is raised to [`K_MIN`] if below it.
pub fn tabulate(rows: &[StatRow], months: &[Month], k: u32) -> Tabulation {
    let k = effective_k(k);
    let kk = k as usize;
    let mut acc: BTreeMap<SectorKey, Acc> = BTreeMap::new();
    let mut suppressed = 0u32;
    let mut merged = 0u32;
    let mut months: Vec<Month> = months.to_vec();
    months.sort_unstable();
    months.dedup();
    for &m in &months {
        let mut sectors: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, r) in rows.iter().enumerate().filter(|(_, r)| r.month == m) {
            sectors.entry(r.sector.as_str()).or_default().push(i);
        }
        let mut atoms: Vec<(SectorKey, Vec<usize>)> = Vec::new();
        let mut small: Vec<usize> = Vec::new();
        let mut small_sectors = 0u32;
        for (s, ids) in sectors {
            if orgs(rows, &ids) >= kk {
                atoms.push((SectorKey::Sector(s.to_owned()), ids));
            } else {
                small.extend(ids);
                small_sectors += 1;
            }
        }
        if small_sectors > 0 {
            if orgs(rows, &small) >= kk {
                small.sort_unstable();
                atoms.push((SectorKey::Other, small));
                merged += small_sectors;
            } else {
                suppressed += small_sectors;
            }
        }
        for (key, ids) in atoms {
            let (Some((events, me)), Some((causes, mc))) = (
                partition(rows, &ids, |r| r.event.as_ref(), kk),
                partition(rows, &ids, |r| r.cause.as_ref(), kk),
            ) else {
                // Unreachable: every atom reaches k. Fail closed all the same.
                suppressed += 1;
                continue;
            };
            merged += me + mc;
            let a = acc.entry(key).or_default();
            a.members.extend(&ids);
            a.by_month.push((m, ids));
            for (g, members) in events {
                a.events.entry(g).or_default().extend(members);
            }
            for (g, members) in causes {
                a.causes.entry(g).or_default().extend(members);
            }
        }
    }
    let mut all: Vec<usize> = Vec::new();
    let sectors = acc
        .into_iter()
        .map(|(sector, a)| {
            all.extend(&a.members);
            SectorTable {
                sector,
                total: a.members.len() as u64,
                by_month: a
                    .by_month
                    .into_iter()
                    .map(|(month, members)| MonthCount {
                        month,
                        count: members.len() as u64,
                        members,
                    })
                    .collect(),
                events: counts(a.events),
                causes: counts(a.causes),
                times: times(rows, &a.members, kk),
                members: a.members,
            }
        })
        .collect();
    Tabulation {
        k,
        times: times(rows, &all, kk),
        months,
        sectors,
        suppressed,
        merged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(month: u32) -> Month {
        Month::new(2026, month).expect("month")
    }

    fn row(sector: &str, month: u32, event: &str, cause: &str, org: &str) -> StatRow {
        StatRow {
            sector: sector.into(),
            month: m(month),
            event: (!event.is_empty()).then(|| event.to_owned()),
            cause: (!cause.is_empty()).then(|| cause.to_owned()),
            org: org.into(),
            legs: [Some(60), Some(30), None],
        }
    }

    #[test]
    fn months_parse_exactly_and_are_jst() {
        assert_eq!(Month::parse("2026-04"), Some(m(4)));
        for bad in [
            "2026-4", "2026-13", "2026-00", "26-04", "2026/04", "+026-04", "2026-04 ",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        let t = DateTime::parse_from_rfc3339("2026-03-31T15:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(Month::of(t), m(4), "midnight JST starts April");
        assert_eq!(m(11).through(Month::new(2027, 2).expect("m")).len(), 4);
        assert_eq!(m(11).span(Month::new(2027, 2).expect("m")), 4);
        assert_eq!(m(5).span(m(4)), 0);
        assert_eq!(
            Month::new(2026, 12).expect("m").next().to_string(),
            "2027-01"
        );
    }

    #[test]
    fn k_is_never_below_two() {
        assert_eq!(effective_k(0), K_MIN);
        assert_eq!(effective_k(1), K_MIN);
        assert_eq!(effective_k(5), 5);
        let rows = vec![row("a", 4, "EV-01", "", "x"), row("a", 4, "EV-01", "", "y")];
        let t = tabulate(&rows, &[m(4)], 1);
        assert_eq!(t.k, 2);
        assert_eq!(t.sectors.len(), 1);
    }

    #[test]
    fn one_operator_filing_many_reports_is_one_organisation() {
        let mut rows: Vec<StatRow> = (0..10).map(|_| row("a", 4, "EV-01", "", "dom")).collect();
        rows.push(row("a", 4, "EV-01", "", "x"));
        rows.extend(["p", "q", "r"].map(|o| row("b", 4, "EV-02", "", o)));
        let t = tabulate(&rows, &[m(4)], 3);
        assert_eq!(t.sectors.len(), 1, "{t:?}");
        assert_eq!(t.sectors[0].sector, SectorKey::Sector("b".into()));
        assert_eq!(t.sectors[0].total, 3);
        assert_eq!(t.suppressed, 1);
    }

    #[test]
    fn small_sectors_merge_into_other_when_together_they_reach_k() {
        let rows = vec![
            row("a", 4, "", "", "x"),
            row("b", 4, "", "", "y"),
            row("c", 4, "", "", "z"),
        ];
        let t = tabulate(&rows, &[m(4)], 3);
        assert_eq!(t.sectors.len(), 1);
        assert_eq!(t.sectors[0].sector, SectorKey::Other);
        assert_eq!(t.sectors[0].total, 3);
        assert_eq!(t.merged, 3);
        assert_eq!(t.suppressed, 0);
    }

    #[test]
    fn a_single_small_cell_takes_the_next_smallest_with_it() {
        // EV-01 from x, y, z (shown alone), EV-02 from p, q, r, s (shown alone), EV-03 from w
        // only: その他 would be w's one case, so the smallest shown cell (EV-01) joins it.
        let mut rows: Vec<StatRow> = ["x", "y", "z"]
            .map(|o| row("a", 4, "EV-01", "", o))
            .to_vec();
        rows.extend(["p", "q", "r", "s"].map(|o| row("a", 4, "EV-02", "", o)));
        rows.push(row("a", 4, "EV-03", "", "w"));
        let t = tabulate(&rows, &[m(4)], 3);
        let events: Vec<(&str, u64)> = t.sectors[0]
            .events
            .iter()
            .map(|c| (c.key.code(), c.count))
            .collect();
        assert_eq!(events, vec![("EV-02", 4), ("other", 4)]);
        assert_eq!(t.sectors[0].total, 8);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), 5);
        assert_eq!(percentile(&v, 90), 9);
        assert_eq!(percentile(&[7], 90), 7);
    }

    // --- proofs on adversarial worlds -------------------------------------------------------

    /// Every published number with the rows it counts, named by where it is published.
    fn published(t: &Tabulation) -> BTreeMap<String, Vec<usize>> {
        let mut out = BTreeMap::new();
        for s in &t.sectors {
            let sk = s.sector.code();
            out.insert(format!("{sk}/total"), s.members.clone());
            for c in &s.by_month {
                out.insert(format!("{sk}/month/{}", c.month), c.members.clone());
            }
            for c in &s.events {
                out.insert(format!("{sk}/event/{}", c.key.code()), c.members.clone());
            }
            for c in &s.causes {
                out.insert(format!("{sk}/cause/{}", c.key.code()), c.members.clone());
            }
            for c in &s.times {
                out.insert(format!("{sk}/time/{}", c.leg.code()), c.members.clone());
            }
        }
        for c in &t.times {
            out.insert(format!("all/time/{}", c.leg.code()), c.members.clone());
        }
        out
    }

    /// Orgs of `a` minus `b` (as sets of rows).
    fn orgs_of_difference(rows: &[StatRow], a: &[usize], b: &[usize]) -> usize {
        let b: BTreeSet<usize> = b.iter().copied().collect();
        let rest: Vec<usize> = a.iter().copied().filter(|i| !b.contains(i)).collect();
        orgs(rows, &rest)
    }

    /// The proofs of one tabulation: every number reaches k and counts what it says; every
    /// published group (a sector's months, its events, its causes) is an exact partition of the
    /// sector's total, so the total minus any published cells is a sum of published cells.
    fn check(rows: &[StatRow], t: &Tabulation) -> Result<(), TestCaseError> {
        let k = t.k as usize;
        for (name, members) in published(t) {
            prop_assert!(
                orgs(rows, &members) >= k,
                "{name} counts {} organisations, k = {k}",
                orgs(rows, &members)
            );
        }
        for s in &t.sectors {
            prop_assert_eq!(s.total as usize, s.members.len());
            let total: BTreeSet<usize> = s.members.iter().copied().collect();
            prop_assert_eq!(total.len(), s.members.len(), "a case counted twice");
            let groups: [Vec<&Vec<usize>>; 3] = [
                s.by_month.iter().map(|c| &c.members).collect(),
                s.events.iter().map(|c| &c.members).collect(),
                s.causes.iter().map(|c| &c.members).collect(),
            ];
            for group in groups {
                let mut union: Vec<usize> = group.iter().flat_map(|m| m.iter().copied()).collect();
                union.sort_unstable();
                let n = union.len();
                union.dedup();
                prop_assert_eq!(n, union.len(), "cells of a group overlap");
                prop_assert_eq!(
                    union.into_iter().collect::<BTreeSet<_>>(),
                    total.clone(),
                    "a group's cells are not its total"
                );
                // Total minus any one cell: what is left is made of the other cells.
                for cell in &group {
                    let d = orgs_of_difference(rows, &s.members, cell);
                    prop_assert!(d == 0 || d >= k, "total − cell has {d} organisations");
                }
            }
            for c in s.events.iter().chain(&s.causes) {
                prop_assert_eq!(c.count as usize, c.members.len());
            }
            for c in &s.by_month {
                prop_assert_eq!(c.count as usize, c.members.len());
            }
        }
        Ok(())
    }

    /// A longer period minus a shorter one, number by number: what the longer adds reaches k.
    fn check_difference(
        rows: &[StatRow],
        short: &Tabulation,
        long: &Tabulation,
    ) -> Result<(), TestCaseError> {
        let k = long.k as usize;
        let long = published(long);
        for (name, a) in published(short) {
            if name.contains("/time/") {
                continue; // medians do not subtract
            }
            let b = long.get(&name);
            prop_assert!(b.is_some(), "{name} published for the shorter period only");
            let b = b.cloned().unwrap_or_default();
            let bs: BTreeSet<usize> = b.iter().copied().collect();
            prop_assert!(a.iter().all(|i| bs.contains(i)), "{name} lost cases");
            let d = orgs_of_difference(rows, &b, &a);
            prop_assert!(
                d == 0 || d >= k,
                "{name}: the difference has {d} organisations"
            );
        }
        Ok(())
    }

    const SECTORS: [&str; 3] = ["finance", "electric_power", "water"];
    const EVENTS: [&str; 4] = ["EV-01", "EV-02", "EV-03", "EV-05"];
    const CAUSES: [&str; 3] = ["CA-I-01", "CA-A-01", "CA-O-02"];

    /// A random world: most rows come from one dominant operator, the rest from six others,
    /// over three sectors and four months; plus two anchors the world always holds — a sector
    /// reported by k organisations (must show) and one only the dominant operator reports
    /// (must never show alone).
    fn world() -> impl Strategy<Value = (u32, Vec<StatRow>)> {
        let r = (
            0..SECTORS.len(),
            0u32..4,
            proptest::option::weighted(0.8, 0..EVENTS.len()),
            proptest::option::weighted(0.8, 0..CAUSES.len()),
            0usize..12,
            proptest::array::uniform3(proptest::option::of(0i64..5000)),
        );
        (2u32..=4, proptest::collection::vec(r, 0..80), 1usize..12).prop_map(
            |(k, raw, dominant_reports)| {
                let mut rows: Vec<StatRow> = raw
                    .into_iter()
                    .map(|(s, mo, e, c, o, legs)| StatRow {
                        sector: SECTORS[s].into(),
                        month: m(4 + mo),
                        event: e.map(|e| EVENTS[e].to_owned()),
                        cause: c.map(|c| CAUSES[c].to_owned()),
                        // Half the rows or more are the dominant operator's.
                        org: if o < 6 {
                            "dominant".into()
                        } else {
                            format!("op{o}")
                        },
                        legs,
                    })
                    .collect();
                for i in 0..k {
                    rows.push(StatRow {
                        sector: "anchor_shown".into(),
                        month: m(4),
                        event: Some("EV-01".into()),
                        cause: None,
                        org: format!("anchor{i}"),
                        legs: [Some(10), Some(20), Some(30)],
                    });
                }
                for _ in 0..dominant_reports {
                    rows.push(StatRow {
                        sector: "anchor_dominated".into(),
                        month: m(5),
                        event: Some("EV-02".into()),
                        cause: Some("CA-I-01".into()),
                        org: "dominant".into(),
                        legs: [Some(1), Some(1), Some(1)],
                    });
                }
                (k, rows)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn no_published_number_singles_out_an_operator((k, rows) in world()) {
            let months = m(4).through(m(7));
            let t = tabulate(&rows, &months, k);
            check(&rows, &t)?;
            // The world held both: a shown sector and a withheld or merged one.
            prop_assert!(t.sectors.iter().any(|s| s.sector == SectorKey::Sector("anchor_shown".into())));
            prop_assert!(t.suppressed + t.merged > 0);
            prop_assert!(t.sectors.iter().all(|s| s.sector != SectorKey::Sector("anchor_dominated".into())));
            // Every period and every longer period: differences reveal only what reaches k.
            for a in 0..months.len() {
                for b in a..months.len() {
                    let short = tabulate(&rows, &months[a..=b], k);
                    check(&rows, &short)?;
                    for (c, d) in [(a.saturating_sub(1), b), (a, (b + 1).min(months.len() - 1))] {
                        let long = tabulate(&rows, &months[c..=d], k);
                        check_difference(&rows, &short, &long)?;
                    }
                }
            }
        }

        #[test]
        fn a_sector_filter_shows_that_sector_as_the_whole_table_does((k, rows) in world()) {
            let months = m(4).through(m(7));
            let whole = tabulate(&rows, &months, k);
            for s in SECTORS.iter().chain(&["anchor_shown", "anchor_dominated"]) {
                let only: Vec<StatRow> = rows.iter().filter(|r| r.sector == *s).cloned().collect();
                let t = tabulate(&only, &months, k);
                check(&only, &t)?;
                let key = SectorKey::Sector((*s).to_owned());
                let mine = t.sectors.iter().find(|x| x.sector == key);
                let theirs = whole.sectors.iter().find(|x| x.sector == key);
                prop_assert_eq!(mine.map(|x| (x.total, &x.events, &x.causes)).is_some(), theirs.is_some());
                if let (Some(a), Some(b)) = (mine, theirs) {
                    prop_assert_eq!(a.total, b.total);
                    prop_assert_eq!(
                        a.events.iter().map(|c| (&c.key, c.count)).collect::<Vec<_>>(),
                        b.events.iter().map(|c| (&c.key, c.count)).collect::<Vec<_>>()
                    );
                }
                // One small sector alone never reaches k as その他の分野 either.
                prop_assert!(t.sectors.iter().all(|x| x.sector != SectorKey::Other));
            }
        }
    }
}
