//! A merge of index-ordered ranges kept in the store: the first `n` positions of a walk over
//! several keys, read from each key's range in chunks, each chunk only as far as the merge needs.
//!
//! A database that merges ordered ranges lazily (SQLite's `UNION` of index-ordered arms) reads
//! about `n` rows for `n` positions. One that does not (PostgreSQL appends the arms and sorts
//! them) has to read `n` rows from every key to be sure of the first `n` overall: with a
//! ministry's 42 keys, 84,000 index rows for a window of 2,000. This merge reads a few rows
//! from every key, then more only from the keys whose rows could still come before the `n`-th
//! position found so far. Plain data, no I/O: the backend runs each round's reads as one
//! statement and hands the rows back.

use std::collections::BTreeSet;

/// A position of a walk: (created_at, id), ordered as a tuple.
pub(crate) type Pos = (i64, String);

/// One key's range as read so far.
struct Range {
    /// The last position read from this key, in the walk's order; `None` before the first read.
    last: Option<Pos>,
    /// The range has no more rows.
    done: bool,
    /// How many rows this key's last read asked for.
    asked: usize,
    /// How many rows were read from this key.
    read: usize,
}

/// The merge of one window: which keys to read next and how far, and the window once known.
pub(crate) struct KeyMerge {
    ascending: bool,
    n: usize,
    /// How many rows the first read of each key asks for.
    first: usize,
    ranges: Vec<Range>,
    /// Every position read, each once (a copy under several keys is read under each).
    found: BTreeSet<Pos>,
}

/// One read the merge wants: up to `limit` rows of key number `key` beyond `after`, or beyond
/// the window's own start when `after` is `None`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Read {
    pub key: usize,
    pub after: Option<Pos>,
    pub limit: usize,
}

impl KeyMerge {
    /// The merge of the first `n` positions of `keys` ranges, newest first unless `ascending`.
    pub(crate) fn new(keys: usize, n: usize, ascending: bool) -> Self {
        // An even share of the window from every key, twice over, so that keys of similar
        // size are read once; a key holding more of the window is read again.
        Self {
            ascending,
            n,
            first: (n.div_ceil(keys.max(1)) * 2).max(8).min(n),
            ranges: (0..keys)
                .map(|_| Range {
                    last: None,
                    done: false,
                    asked: 0,
                    read: 0,
                })
                .collect(),
            found: BTreeSet::new(),
        }
    }

    /// The positions found, in the walk's order.
    fn in_order(&self) -> Box<dyn Iterator<Item = &Pos> + '_> {
        if self.ascending {
            Box::new(self.found.iter())
        } else {
            Box::new(self.found.iter().rev())
        }
    }

    /// Whether `a` comes strictly before `b` in the walk's order.
    fn before(&self, a: &Pos, b: &Pos) -> bool {
        if self.ascending {
            a < b
        } else {
            a > b
        }
    }

    /// The reads of the next round; none once the window is known. A key is read again while
    /// rows it has not yet given could come before the `n`-th position found so far (all of
    /// them, while fewer than `n` are found), for its share of the positions the window still
    /// lacks (its rows among the positions found up to its last one), a quarter more, at least
    /// twice its last read, and never more than could still be in the window (`n` less the
    /// positions found up to its last one). A key holding most of the stream (a ministry's
    /// `stakeholder` key, three copies in four) is then read about as far as the window in one
    /// more round.
    pub(crate) fn reads(&self) -> Vec<Read> {
        if self.n == 0 {
            return Vec::new();
        }
        let order: Vec<&Pos> = self.in_order().collect();
        let nth = order.get(self.n.saturating_sub(1));
        self.ranges
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.done)
            .filter_map(|(key, r)| {
                let limit = match &r.last {
                    None => self.first,
                    Some(last) => {
                        if nth.is_some_and(|nth| !self.before(last, nth)) {
                            return None;
                        }
                        let up_to = order.partition_point(|p| !self.before(last, p));
                        let lacking = self.n.saturating_sub(up_to);
                        let share = (r.read * lacking).div_ceil(up_to.max(1)) * 5 / 4;
                        share.max(r.asked * 2).min(lacking)
                    }
                };
                Some(Read {
                    key,
                    after: r.last.clone(),
                    limit,
                })
            })
            .collect()
    }

    /// Takes the rows one read gave, in any order.
    pub(crate) fn take(&mut self, read: &Read, rows: Vec<Pos>) {
        let ascending = self.ascending;
        let r = &mut self.ranges[read.key];
        r.done = rows.len() < read.limit;
        r.asked = read.limit;
        r.read += rows.len();
        let last = rows
            .iter()
            .max_by(|a, b| if ascending { a.cmp(b) } else { b.cmp(a) })
            .cloned();
        if last.is_some() {
            r.last = last;
        }
        self.found.extend(rows);
    }

    /// The window: its first `n` positions in the walk's order (fewer only when every range
    /// ended). Call once [`Self::reads`] is empty.
    pub(crate) fn window(&self) -> Vec<Pos> {
        self.in_order().take(self.n).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Runs the merge against in-memory ranges (each sorted ascending), counting rows read.
    fn run(
        ranges: &[Vec<Pos>],
        n: usize,
        ascending: bool,
        start: Option<&Pos>,
    ) -> (Vec<Pos>, usize) {
        let mut m = KeyMerge::new(ranges.len(), n, ascending);
        let mut read = 0;
        loop {
            let reads = m.reads();
            if reads.is_empty() {
                return (m.window(), read);
            }
            for r in reads {
                let from = r.after.as_ref().or(start);
                let mut rows: Vec<Pos> = ranges[r.key]
                    .iter()
                    .filter(|p| match from {
                        None => true,
                        Some(f) if ascending => *p > f,
                        Some(f) => *p < f,
                    })
                    .cloned()
                    .collect();
                if !ascending {
                    rows.reverse();
                }
                rows.truncate(r.limit);
                read += rows.len();
                m.take(&r, rows);
            }
        }
    }

    /// What the merge must give: the first `n` distinct positions of all ranges beyond `start`.
    fn expected(ranges: &[Vec<Pos>], n: usize, ascending: bool, start: Option<&Pos>) -> Vec<Pos> {
        let all: BTreeSet<Pos> = ranges
            .iter()
            .flatten()
            .filter(|p| match start {
                None => true,
                Some(f) if ascending => *p > f,
                Some(f) => *p < f,
            })
            .cloned()
            .collect();
        if ascending {
            all.into_iter().take(n).collect()
        } else {
            all.into_iter().rev().take(n).collect()
        }
    }

    fn pos(t: i64, id: u32) -> Pos {
        (t, format!("c{id:05}"))
    }

    /// Reads the one-statement walk makes: `n` rows under every key (fewer where a key holds
    /// fewer).
    fn one_statement(ranges: &[Vec<Pos>], n: usize) -> usize {
        ranges.iter().map(|r| r.len().min(n)).sum()
    }

    #[test]
    fn keys_of_one_stream_are_read_about_as_far_as_the_window() {
        // 200,000 positions over 42 keys, interleaved in time as copies arrive: every other
        // one under key 0 (a ministry's own key), the rest in turn under the 41 others.
        let mut ranges = vec![Vec::new(); 42];
        for t in 0..200_000u32 {
            let key = if t % 2 == 0 {
                0
            } else {
                1 + (t / 2) as usize % 41
            };
            ranges[key].push(pos(i64::from(t), t));
        }
        let (window, read) = run(&ranges, 2_000, false, None);
        assert_eq!(window, expected(&ranges, 2_000, false, None));
        assert_eq!(window.first(), Some(&pos(199_999, 199_999)));
        // The one statement reads 2,000 under each key (84,000 rows). The merge reads a first
        // chunk of 96 under each key, then key 0 once more for its share of what the window
        // lacks: half of 2,000 less the 192 positions found up to its last, and a quarter more.
        assert_eq!(one_statement(&ranges, 2_000), 84_000);
        assert_eq!(read, 41 * 96 + 96 + 1_130, "read {read}");
    }

    #[test]
    fn a_key_is_never_read_further_than_the_window() {
        // The worst case for the merge: the window is all under key 0, and every other key's
        // rows lie just below it, in blocks, so that each looks as if it could still reach into
        // the window until key 0 is read. No key is read past `n` rows.
        let mut ranges = vec![(0..10_000u32)
            .map(|i| pos(50_000 + i64::from(i), i))
            .collect::<Vec<_>>()];
        for k in 0..41u32 {
            ranges.push(
                (0..1_000u32)
                    .map(|i| pos(i64::from(k * 1_000 + i), 10_000 + k * 1_000 + i))
                    .collect(),
            );
        }
        let (window, read) = run(&ranges, 2_000, false, None);
        assert_eq!(window, expected(&ranges, 2_000, false, None));
        assert_eq!(window.first(), Some(&pos(59_999, 9_999)));
        assert!(read <= one_statement(&ranges, 2_000), "read {read}");
    }

    #[test]
    fn ranges_that_end_early_give_a_short_window() {
        let ranges = vec![
            vec![pos(1, 1), pos(3, 3)],
            vec![pos(2, 2), pos(3, 3)],
            vec![],
        ];
        let (window, _) = run(&ranges, 10, true, None);
        assert_eq!(window, vec![pos(1, 1), pos(2, 2), pos(3, 3)]);
    }

    proptest! {
        #[test]
        fn the_merge_gives_the_first_n_positions_of_all_ranges(
            raw in prop::collection::vec(prop::collection::vec((0i64..200, 0u32..300), 0..80), 1..12),
            n in 1usize..120,
            ascending: bool,
            start in prop::option::of((0i64..200, 0u32..300)),
        ) {
            // Each range sorted and without repeats, as an index range is; the same position
            // may lie in several ranges (a copy under several keys).
            let ranges: Vec<Vec<Pos>> = raw
                .into_iter()
                .map(|r| r.into_iter().map(|(t, id)| pos(t, id)).collect::<BTreeSet<_>>().into_iter().collect())
                .collect();
            let start = start.map(|(t, id)| pos(t, id));
            let (window, read) = run(&ranges, n, ascending, start.as_ref());
            prop_assert_eq!(window, expected(&ranges, n, ascending, start.as_ref()));
            prop_assert!(read <= one_statement(&ranges, n));
        }
    }
}
