//! Checks shared by the fuzz targets.

use std::ops::Range;

/// A byte range found in `text` lies inside it, is not empty and starts and ends on character
/// boundaries (so slicing the text with it cannot panic and cuts no character in two).
pub fn assert_span(text: &str, span: &Range<usize>, what: &str) {
    assert!(
        span.start < span.end && span.end <= text.len(),
        "{what}: span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} cuts a character"
    );
}

/// Spans in text order that do not overlap.
pub fn assert_disjoint_in_order<'a>(spans: impl IntoIterator<Item = &'a Range<usize>>, what: &str) {
    let mut end = 0;
    for s in spans {
        assert!(
            s.start >= end,
            "{what}: span {s:?} overlaps or precedes the one before (ends at {end})"
        );
        end = s.end;
    }
}

/// Reads the scanner targets' input: lines `k:value` naming identifiers, then a NUL byte, then
/// the text to scan. Lines that are not `k:value` are ignored; no NUL means no identifiers.
pub fn split_input(data: &[u8]) -> Option<(Vec<(char, String)>, &str)> {
    let (head, text) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b""[..], data),
    };
    let head = std::str::from_utf8(head).ok()?;
    let text = std::str::from_utf8(text).ok()?;
    let ids = head
        .lines()
        .filter_map(|l| {
            let mut c = l.chars();
            let k = c.next()?;
            let v = c.as_str().strip_prefix(':')?;
            Some((k, v.to_owned()))
        })
        .collect();
    Some((ids, text))
}

use kakehashi_domain::provision::defang::{canonical_indicator, is_valid_indicator};
use kakehashi_domain::stix::import::{
    ImportProblem, ImportedItem, MAX_IMPORT_INDICATORS, MAX_IMPORT_TEXT_CHARS,
};

/// What an import (STIX bundle, MISP event) gives: an item whose title is one line, whose text
/// and indicator list keep their limits, whose indicators are canonical, valid and distinct and
/// whose URL is http(s) or empty; or a refusal naming, for every problem, the object and the
/// property with a message in both languages.
pub fn check_import(result: &Result<ImportedItem, Vec<ImportProblem>>, format: &str) {
    match result {
        Ok(item) => {
            assert_eq!(item.format, format);
            assert!(!item.title.contains(['\n', '\r']), "title {:?}", item.title);
            assert!(item.text.chars().count() <= MAX_IMPORT_TEXT_CHARS);
            assert!(item.indicators.len() <= MAX_IMPORT_INDICATORS);
            assert!(
                item.url.is_empty()
                    || item.url.starts_with("http://")
                    || item.url.starts_with("https://"),
                "url {:?}",
                item.url
            );
            for (i, ind) in item.indicators.iter().enumerate() {
                assert_eq!(
                    canonical_indicator(ind.kind, &ind.value),
                    ind.value,
                    "indicator {ind:?} is not canonical"
                );
                assert!(
                    is_valid_indicator(ind.kind, &ind.value),
                    "indicator {ind:?} is not valid for its kind"
                );
                assert!(
                    !item.indicators[..i]
                        .iter()
                        .any(|o| o.kind == ind.kind && o.value == ind.value),
                    "indicator {ind:?} twice"
                );
            }
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a refusal without a problem");
            for p in problems {
                assert!(
                    !p.object.is_empty() && !p.property.is_empty(),
                    "a problem that names no object or property: {p:?}"
                );
                assert!(!p.message_ja.is_empty() && !p.message_en.is_empty());
            }
        }
    }
}
