//! MISP event import (`{"Event": …}` or the bare event), with no level chosen by the importer and
//! with TLP:RED chosen.
#![no_main]

use kakehashi_domain::misp::import_event;
use kakehashi_domain::Tlp;
use kakehashi_fuzz::check_import;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    check_import(&import_event(raw, None), "misp");
    check_import(&import_event(raw, Some(Tlp::Red)), "misp");
});
