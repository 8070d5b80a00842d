//! The liaison form read back from JSON: the saved form uploaded on the filing page (a bare form
//! or a filing request holding it under `form`). A form that reads writes back to JSON that
//! reads as the same form; a file that is refused is refused on `form_json` with a message.
#![no_main]

use kakehashi_app::documents::{read_liaison_form, MAX_FORM_BYTES};
use kakehashi_app::AppError;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match read_liaison_form(data) {
        Ok(form) => {
            let json = serde_json::to_vec(&form).expect("a form that was read serialises");
            if json.len() <= MAX_FORM_BYTES {
                let again = read_liaison_form(&json).expect("a form written back reads again");
                assert_eq!(again, form, "the form changed on its way through JSON");
            }
        }
        Err(AppError::BadField {
            field,
            rule,
            message_ja,
            message_en,
        }) => {
            assert_eq!((field, rule), ("form_json", "format"));
            assert!(!message_ja.is_empty() && !message_en.is_empty());
        }
        Err(other) => panic!("refused without naming the field: {other:?}"),
    }
});
