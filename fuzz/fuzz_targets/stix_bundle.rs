//! STIX 2.1 bundle import (the upload checked and mapped to an external source item), with no
//! level chosen by the importer and with TLP:RED chosen (never wider than any marking).
#![no_main]

use kakehashi_domain::stix::import::import_bundle;
use kakehashi_domain::Tlp;
use kakehashi_fuzz::check_import;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    check_import(&import_bundle(raw, None), "stix");
    check_import(&import_bundle(raw, Some(Tlp::Red)), "stix");
});
