//! The indicator extractor of free text (URLs, e-mail addresses, IP addresses, hashes, domains,
//! defanged or not) and the defanging built on it. Every find lies in the text on character
//! boundaries, finds do not overlap and come in text order, each value is canonical and valid for
//! its kind, and defanging a text twice changes nothing more.
#![no_main]

use kakehashi_domain::provision::defang::{
    canonical_indicator, defang_text, extract_indicators, is_valid_indicator,
};
use kakehashi_fuzz::{assert_disjoint_in_order, assert_span};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let found = extract_indicators(text);
    for e in &found {
        assert_span(text, &e.span, "indicator");
        assert!(!e.value.is_empty(), "{e:?}");
        assert_eq!(
            canonical_indicator(e.kind, &e.value),
            e.value,
            "{e:?} is not canonical"
        );
        assert!(
            is_valid_indicator(e.kind, &e.value),
            "{e:?} is not valid for its kind"
        );
    }
    assert_disjoint_in_order(found.iter().map(|e| &e.span), "indicators");
    let once = defang_text(text);
    assert_eq!(defang_text(&once), once, "defanging again changed the text");
});
