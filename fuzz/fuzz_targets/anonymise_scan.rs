//! The anonymisation scanner (CEPTOAR route): the operator's identifiers and a text; every span
//! it masks and every indicator it keeps lies in the text on character boundaries, masked spans
//! are disjoint and in order, a kept indicator overlaps no masked span, and the masked text is
//! the text with exactly those spans replaced by their labels.
//!
//! Input: identifier lines `k:value` (o operator name, p person, a address, t phone, e e-mail,
//! d domain, i IP or range, x other term), a NUL byte, then the text.
#![no_main]

use kakehashi_domain::liaison::anonymise::{Identifiers, Masker};
use kakehashi_fuzz::{assert_disjoint_in_order, assert_span, split_input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((lines, text)) = split_input(data) else {
        return;
    };
    let mut ids = Identifiers::default();
    for (k, v) in lines {
        match k {
            'o' => ids.operator_names.push(v),
            'p' => ids.people.push(v),
            'a' => ids.addresses.push(v),
            't' => ids.phones.push(v),
            'e' => ids.emails.push(v),
            'd' => ids.domains.push(v),
            'i' => ids.ips.push(v),
            'x' => ids.extra_terms.push(v),
            _ => {}
        }
    }
    let masker = Masker::new(&ids);
    let (hits, kept) = masker.scan(text);
    for h in &hits {
        assert_span(text, &h.span, "masked");
    }
    assert_disjoint_in_order(hits.iter().map(|h| &h.span), "masked");
    for e in &kept {
        assert_span(text, &e.span, "kept");
        assert!(
            !hits
                .iter()
                .any(|h| h.span.start < e.span.end && e.span.start < h.span.end),
            "kept {e:?} overlaps a masked span"
        );
    }
    let masked = masker.mask(text);
    assert_eq!(masked.spans.len(), hits.len());
    let mut expect = String::new();
    let mut pos = 0;
    for (h, s) in hits.iter().zip(&masked.spans) {
        assert_eq!(s.original, text[h.span.clone()]);
        expect.push_str(&text[pos..h.span.start]);
        expect.push_str(h.kind.label());
        pos = h.span.end;
    }
    expect.push_str(&text[pos..]);
    assert_eq!(masked.text, expect);
});
