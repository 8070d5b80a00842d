//! The TAXII 2.1 listing filters (`limit`, `next`, `added_after`, `match[id|type|version|
//! spec_version]`) read from a query string, and the `next` cursor. A query that reads keeps the
//! limit in 1..=PAGE_MAX and only the versions TAXII allows; one that does not is a 400 with a
//! description. A cursor that decodes encodes back to a value that decodes to the same cursor.
#![no_main]

use chrono::DateTime;
use kakehashi_server::taxii::{filters, Cursor, PAGE_DEFAULT, PAGE_MAX};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(q) = std::str::from_utf8(data) else {
        return;
    };
    for paging in [true, false] {
        match filters(Some(q.to_owned()), paging) {
            Ok(f) => {
                assert!((1..=PAGE_MAX).contains(&f.limit), "limit {}", f.limit);
                if !paging {
                    assert!(f.next.is_none() && f.limit == PAGE_DEFAULT);
                }
                for v in &f.versions {
                    assert!(
                        matches!(v.as_str(), "last" | "first" | "all")
                            || DateTime::parse_from_rfc3339(v).is_ok(),
                        "version {v:?}"
                    );
                }
                for x in f.ids.iter().chain(&f.types).chain(&f.spec_versions) {
                    assert!(!x.is_empty() && !x.contains(',') && x.trim() == x, "{x:?}");
                }
                if let Some(c) = f.next {
                    assert_eq!(Cursor::decode(&c.encode()), Some(c));
                }
            }
            Err(e) => {
                assert_eq!(e.status().as_u16(), 400);
                assert!(!e.description().is_empty());
            }
        }
    }
    if let Some(c) = Cursor::decode(q) {
        assert_eq!(Cursor::decode(&c.encode()), Some(c), "cursor of {q:?}");
    }
});
