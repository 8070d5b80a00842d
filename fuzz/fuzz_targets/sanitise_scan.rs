//! NISC's sanitisation scanner (provisions): the sources' identifying details and a text; every
//! hit lies in the text on character boundaries and shows exactly the text it covers, names one
//! of the sources, comes in order, and within one source no hit lies inside another.
//!
//! Input: detail lines `k:value` (o organisation, p person, e e-mail, t phone, u URL, d domain,
//! r liaison number, a address, x other term; `-:` starts the next source), a NUL byte, then the
//! text.
#![no_main]

use kakehashi_domain::provision::sanitise::{Sanitiser, Source};
use kakehashi_domain::provision::SourceScope;
use kakehashi_domain::Tlp;
use kakehashi_fuzz::{assert_span, split_input};
use libfuzzer_sys::fuzz_target;

fn source(n: usize) -> Source {
    Source::new(SourceScope {
        label: format!("S{n}"),
        tlp: Tlp::Amber,
        allowed_sectors: None,
        consents: vec![],
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((lines, text)) = split_input(data) else {
        return;
    };
    let mut sources = vec![source(0)];
    for (k, v) in lines {
        let s = sources.last_mut().expect("one source at least");
        match k {
            'o' => s.organisation_names.push(v),
            'p' => s.person_names.push(v),
            'e' => s.emails.push(v),
            't' => s.phones.push(v),
            'u' => s.urls.push(v),
            'd' => s.domains.push(v),
            'r' => s.r_numbers.push(v),
            'a' => s.addresses.push(v),
            'x' => s.other_terms.push(v),
            '-' => sources.push(source(sources.len())),
            _ => {}
        }
    }
    let hits = Sanitiser::new(&sources).find_in(text);
    for (i, h) in hits.iter().enumerate() {
        assert_span(text, &h.span, "hit");
        assert_eq!(h.matched, text[h.span.clone()]);
        assert!(h.source < sources.len());
        if let Some(p) = i.checked_sub(1).map(|p| &hits[p]) {
            assert!(
                (p.span.start, p.source, p.span.end) <= (h.span.start, h.source, h.span.end),
                "hits out of order"
            );
        }
        for o in &hits[..i] {
            if o.source == h.source {
                let nested = (o.span.start <= h.span.start && h.span.end <= o.span.end)
                    || (h.span.start <= o.span.start && o.span.end <= h.span.end);
                assert!(!nested, "{o:?} and {h:?} nest within one source");
            }
        }
    }
});
