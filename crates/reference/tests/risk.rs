//! The risk reference data against the seed: every quotation (threat categories, supply-chain
//! threats, analysis methods, the annex's characteristics and its 31 checklist items) is found,
//! whitespace aside, in the seed lines it cites — read from the seed excerpts kept in
//! `data/seed/` (each file holds seed lines `<start>-<end>` verbatim).

use kakehashi_reference::risk_reference;

const EXCERPTS: &[(u32, &str)] = &[
    (24369, include_str!("../data/seed/24369-24380.txt")),
    (25523, include_str!("../data/seed/25523-25591.txt")),
    (25637, include_str!("../data/seed/25637-25700.txt")),
    (26586, include_str!("../data/seed/26586-27023.txt")),
];

/// Seed line `n`, if an excerpt holds it.
fn line(n: u32) -> Option<&'static str> {
    EXCERPTS.iter().find_map(|(start, text)| {
        let idx = n.checked_sub(*start)? as usize;
        text.lines().nth(idx)
    })
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_quotation_is_in_the_lines_it_cites() {
    let r = risk_reference();
    let quotes = r.quotations();
    assert!(quotes.len() > 40, "{}", quotes.len());
    for (label, ja, lines) in quotes {
        assert!(lines.within_seed(), "{label}: {lines}");
        let mut cited = String::new();
        for range in lines.ranges() {
            for n in range {
                let l =
                    line(n).unwrap_or_else(|| panic!("{label}: seed line {n} not in the excerpts"));
                cited.push_str(l);
            }
        }
        let (cited, ja) = (squeeze(&cited), squeeze(ja));
        assert!(!ja.is_empty(), "{label}: empty");
        assert!(
            cited.contains(&ja),
            "{label}: {ja} not in its lines {lines}"
        );
    }
}

#[test]
fn the_excerpts_are_the_seed_lines_they_name() {
    // The annex opens with its title at 26586 and its last item ends at 27023.
    assert!(line(26586)
        .is_some_and(|l| l.contains("【別紙】対処態勢整備に係るサイバー攻撃リスクの特性")));
    assert!(line(27023).is_some_and(|l| l.contains("る。")));
    assert!(line(25529).is_some_and(|l| l.contains("資産ベースのリスク分析")));
    assert!(line(25641).is_some_and(|l| l.contains("不正機能等の埋め込み")));
}

#[test]
fn thirty_one_considerations_under_seven_characteristics() {
    let r = risk_reference();
    assert_eq!(r.cp_bcp_checklist.len(), 31);
    assert_eq!(r.cp_bcp_characteristics.len(), 7);
    let per: Vec<usize> = (1..=7)
        .map(|n| {
            r.cp_bcp_checklist
                .iter()
                .filter(|i| i.characteristic == n)
                .count()
        })
        .collect();
    assert_eq!(per, vec![2, 5, 5, 6, 6, 3, 4]);
    let mut ids: Vec<&str> = r.cp_bcp_checklist.iter().map(|i| i.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 31);
    for i in &r.cp_bcp_checklist {
        assert!(
            matches!(i.phase.as_str(), "cp_bcp_drafting" | "peacetime"),
            "{}",
            i.id
        );
        assert!(!i.title_ja.is_empty() && !i.title_en.is_empty(), "{}", i.id);
    }
    assert_eq!(r.threat_categories.len(), 4);
    assert_eq!(r.supply_chain_threats.len(), 4);
    assert_eq!(r.analysis_methods.len(), 2);
}
