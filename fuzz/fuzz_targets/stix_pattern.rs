//! The STIX patterning language parser (hand-written lexer and parser). A pattern that parses
//! gives paths `type:property…`; each comparison's string, written back as a pattern of its own
//! (quotes and backslashes escaped), parses to exactly that string.
#![no_main]

use kakehashi_domain::stix::import::pattern;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(found) = pattern::parse(s) else {
        return;
    };
    for (path, value) in found {
        let (ty, rest) = path
            .split_once(':')
            .unwrap_or_else(|| panic!("path {path:?} has no type"));
        assert!(!ty.is_empty() && !rest.is_empty(), "path {path:?}");
        let escaped = value.replace('\\', "\\\\").replace('\'', "\\'");
        let again = pattern::parse(&format!("[x-fuzz:value = '{escaped}']"))
            .unwrap_or_else(|e| panic!("the string {value:?} does not parse back: {e}"));
        assert_eq!(again, vec![("x-fuzz:value".to_owned(), value)]);
    }
});
