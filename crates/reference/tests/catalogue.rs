//! Catalogue integrity: every entry of the safety-standards catalogue against the seed.
//!
//! `data/seed-23832-27023.txt` is the seed's lines 23832–27023 verbatim (the Guideline, the
//! handbook and its annex), so the check runs from a fresh clone. An entry's text must appear in
//! its cited lines once both are normalised: widths folded and whitespace removed (as labels
//! are matched), and the PDF's page numbers and footnote markers (ASCII digits) and a trailing
//! colon of a list heading dropped. Footnote text and page breaks interleave with the body in
//! the extraction, so the text may be found in up to three pieces, in order, each at least three
//! characters long. Two entries carry an editor's hand, each named below with the edit.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use kakehashi_reference::{embedded, normalize_label, CatalogueFilter, ControlLevel, SourceDoc};

const EXCERPT: &str = include_str!("../data/seed-23832-27023.txt");
const FIRST_LINE: u32 = 23832;

fn norm(s: &str) -> String {
    normalize_label(s)
        .chars()
        .filter(|c| !c.is_ascii_digit() && *c != ':')
        .collect()
}

fn lines(from: u32, to: u32) -> String {
    let all: Vec<&str> = EXCERPT.lines().collect();
    let a = (from - FIRST_LINE) as usize;
    let b = (to - FIRST_LINE) as usize;
    assert!(b < all.len(), "line {to} beyond the excerpt");
    all[a..=b].concat()
}

/// The number of in-order pieces `text` splits into inside `hay` (longest first), or None.
fn pieces(text: &str, hay: &str) -> Option<usize> {
    let t: Vec<char> = text.chars().collect();
    let mut at = 0usize; // byte offset into hay
    let mut i = 0usize;
    let mut n = 0;
    while i < t.len() {
        let mut best: Option<(usize, usize)> = None; // (chars, byte position of the match)
        let mut k = 1;
        while i + k <= t.len() {
            let piece: String = t[i..i + k].iter().collect();
            match hay[at..].find(&piece) {
                Some(p) => best = Some((k, at + p)),
                None => break,
            }
            k += 1;
        }
        let (k, p) = best?;
        if k < 3.min(t.len() - i) {
            return None;
        }
        let piece: String = t[i..i + k].iter().collect();
        at = p + piece.len();
        i += k;
        n += 1;
    }
    Some(n)
}

/// Edits an editor made, as (id, seed wording, entry wording).
const EDITORIAL: &[(&str, &str, &str)] = &[
    // The seed's one sentence 「…べきであり、…望ましい。」 is split into G-3.4-c and G-3.4-d.
    ("G-3.4-c", "べきであり、", "べきである。"),
    // The subject of G-3.4-d is supplied in brackets from the preceding clause.
    ("G-3.4-d", "", "（当該責任者は、）"),
];

#[test]
fn every_entry_quotes_its_seed_lines() {
    let cat = embedded().catalogue();
    assert_eq!(cat.controls().len(), 256);
    let mut checked = 0;
    for c in cat.controls() {
        let ranges: Vec<_> = c.seed_lines.ranges().collect();
        assert!(!ranges.is_empty(), "{}: no seed lines", c.id);
        let mut hay = String::new();
        for r in &ranges {
            assert!(
                *r.start() >= FIRST_LINE && *r.end() <= 27023,
                "{}: {} outside the catalogue's part of the seed",
                c.id,
                c.seed_lines
            );
            hay.push_str(&lines(*r.start(), *r.end()));
        }
        let mut text = c.text_ja.clone();
        for (id, seed, entry) in EDITORIAL {
            if *id == c.id {
                assert!(
                    c.editorial_note.is_some(),
                    "{id}: an edit needs its editorial_note"
                );
                assert!(text.contains(entry), "{id}: edit {entry} not in the text");
                text = text.replace(entry, seed);
            }
        }
        let found = pieces(&norm(&text), &norm(&hay));
        assert!(
            matches!(found, Some(1..=3)),
            "{}: text not found in seed lines {} ({found:?} pieces)\n  text: {}",
            c.id,
            c.seed_lines,
            c.text_ja
        );
        checked += 1;
    }
    assert_eq!(checked, 256);
}

#[test]
fn a_changed_word_is_caught() {
    // The check is not vacuous: one changed character fails it.
    let hay = norm(&lines(23954, 23960));
    let good = norm(
        &embedded()
            .catalogue()
            .control("G-2.1-a")
            .expect("G-2.1-a")
            .text_ja,
    );
    assert_eq!(pieces(&good, &hay), Some(1));
    let bad = good.replacen("強靱性", "脆弱性", 1);
    assert_eq!(pieces(&bad, &hay), None);
}

#[test]
fn ids_unique_and_links_resolve() {
    let cat = embedded().catalogue();
    let mut seen = HashSet::new();
    for c in cat.controls() {
        assert!(seen.insert(c.id.as_str()), "duplicate id {}", c.id);
    }
    for c in cat.controls() {
        if let Some(p) = &c.parent {
            assert!(cat.control(p).is_some(), "{}: parent {p} unknown", c.id);
        }
        for r in &c.related {
            assert!(cat.control(r).is_some(), "{}: related {r} unknown", c.id);
        }
        let prefix = match c.source_doc {
            SourceDoc::Guideline => "G-",
            SourceDoc::Handbook => "H-",
            SourceDoc::HandbookAnnex => "A-",
        };
        assert!(c.id.starts_with(prefix), "{}: id prefix", c.id);
    }
}

#[test]
fn levels_follow_the_guideline_rule() {
    let cat = embedded().catalogue();
    let mut counts: BTreeMap<(SourceDoc, ControlLevel), usize> = BTreeMap::new();
    for c in cat.controls() {
        *counts.entry((c.source_doc, c.level)).or_default() += 1;
        // §1.3 (seed 23923-23931): 望ましい/望まれる marks a recommendation.
        if c.is_guideline() {
            let desirable = c.modality == "desirable";
            assert_eq!(
                desirable,
                c.level == ControlLevel::Recommended,
                "{}: modality {} vs level {:?}",
                c.id,
                c.modality,
                c.level
            );
        }
    }
    assert_eq!(
        counts.get(&(SourceDoc::Guideline, ControlLevel::Required)),
        Some(&114)
    );
    assert_eq!(
        counts.get(&(SourceDoc::Guideline, ControlLevel::Recommended)),
        Some(&26)
    );
    assert_eq!(
        counts.get(&(SourceDoc::Handbook, ControlLevel::Example)),
        Some(&85)
    );
}

#[test]
fn edition_and_tiers_quote_the_seed() {
    let cat = embedded().catalogue();
    let e = cat.edition();
    assert_eq!(e.id, "guideline-2023-07-04");
    assert_eq!(e.review_cycle_years, 3);
    let title = norm(&lines(23832, 23838));
    assert!(title.contains(&norm("安全基準等策定指針")));
    assert!(title.contains(&norm("年７月４日")));
    assert_eq!(
        cat.tiers().iter().map(|t| t.tier).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    for t in cat.tiers() {
        assert_eq!(t.ja.len(), t.en.len(), "tier {}", t.tier);
        let r: Vec<_> = t.seed_lines.ranges().collect();
        let hay = norm(&lines(*r[0].start(), *r[0].end()));
        assert!(hay.contains(&norm(&format!("Tier{}", t.tier))));
        for d in &t.ja {
            assert!(hay.contains(&norm(d)), "tier {}: {d}", t.tier);
        }
    }
}

#[test]
fn every_entry_maps_to_a_csf_function() {
    let cat = embedded().catalogue();
    let csf = cat.csf();
    assert_eq!(csf.id, "nist-csf-2.0");
    let codes: BTreeSet<&str> = csf.functions.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes.len(), 6);
    for m in &csf.sections {
        for f in &m.functions {
            assert!(
                codes.contains(f.as_str()),
                "{}: unknown function {f}",
                m.section
            );
        }
        assert!(
            cat.controls()
                .iter()
                .any(|c| c.source_doc == m.doc && c.in_section(&m.section)),
            "mapping of section {} matches no entry",
            m.section
        );
    }
    for c in cat.controls() {
        assert!(
            !csf.functions_of(c).is_empty(),
            "{} ({}) maps to no function",
            c.id,
            c.section_no
        );
    }
    // Longest section wins: backups protect and recover.
    let backup = cat.control("G-5.1.3.3-a").expect("backup item");
    let f: Vec<&str> = csf
        .functions_of(backup)
        .iter()
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(f, ["PR", "RC"]);
}

#[test]
fn every_cause_maps_to_measures() {
    let r = embedded();
    let cat = r.catalogue();
    for m in cat.cause_mappings() {
        assert!(
            r.causes().iter().any(|c| c.code == m.cause),
            "unknown cause {}",
            m.cause
        );
        assert!(
            !cat.measures_for_cause(&m.cause).is_empty(),
            "{} maps to nothing",
            m.cause
        );
    }
    // Every cause but その他 / 不明 has measures.
    for c in r.causes() {
        let mapped = cat.cause_mappings().iter().any(|m| m.cause == c.code);
        assert_eq!(
            mapped,
            !c.code.starts_with("CA-O-"),
            "cause {} mapping",
            c.code
        );
    }
    let vuln = cat.measures_for_cause("CA-A-07");
    assert!(vuln.iter().any(|c| c.section_no == "5.1.3.6"));
}

#[test]
fn search_filters_and_keywords() {
    let cat = embedded().catalogue();
    let all = cat.search(&CatalogueFilter::default());
    assert_eq!(all.len(), 256);
    let backup = cat.search(&CatalogueFilter {
        q: Some("バックアップ".into()),
        ..CatalogueFilter::default()
    });
    assert!(!backup.is_empty());
    assert!(backup.iter().all(|c| {
        let k = normalize_label("バックアップ");
        normalize_label(&format!("{}{}{}", c.title_ja, c.text_ja, c.section_ja)).contains(&k)
    }));
    let en = cat.search(&CatalogueFilter {
        q: Some("BACKUP".into()),
        ..CatalogueFilter::default()
    });
    assert!(!en.is_empty());
    let rec = cat.search(&CatalogueFilter {
        level: Some(ControlLevel::Recommended),
        ..CatalogueFilter::default()
    });
    assert_eq!(rec.len(), 26);
    let detect = cat.search(&CatalogueFilter {
        function: Some("de".into()),
        section: Some("5".into()),
        ..CatalogueFilter::default()
    });
    assert!(!detect.is_empty());
    assert!(detect.iter().all(|c| c.in_section("5")));
    assert!(cat
        .search(&CatalogueFilter {
            q: Some("存在しない語句ｘｙｚ".into()),
            ..CatalogueFilter::default()
        })
        .is_empty());
}
