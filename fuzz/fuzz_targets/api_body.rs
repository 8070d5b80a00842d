//! The API's JSON body parse (`ApiJson`: JSON, no control characters, then the operation's
//! schema read strictly) for the two largest bodies: a liaison filing (`POST /api/v1/liaisons`)
//! and a provision draft. The first byte picks which; the rest is the body.
//!
//! Checks: a body holding a control character anywhere (a key, or a string other than tab and
//! line breaks) is refused with rule `control_char`, and only such a body; every other refusal
//! names the body with rule `json`; an accepted body serialises and reads again to the same JSON.
#![no_main]

use kakehashi_app::liaison::FileRequest;
use kakehashi_app::provision::DraftRequest;
use kakehashi_server::json::{read_body, BodyRefusal};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Whether any key or string of `v` holds a control character the API refuses.
fn holds_control(v: &Value) -> bool {
    match v {
        Value::String(s) => s
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
        Value::Array(items) => items.iter().any(holds_control),
        Value::Object(m) => m
            .iter()
            .any(|(k, v)| k.chars().any(char::is_control) || holds_control(v)),
        _ => false,
    }
}

fn check<T: DeserializeOwned + Serialize>(body: &[u8]) {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let control = parsed.as_ref().is_some_and(holds_control);
    match read_body::<T>(body) {
        Ok(req) => {
            assert!(!control, "a body with a control character was accepted");
            let json = serde_json::to_vec(&req).expect("an accepted body serialises");
            let again = read_body::<T>(&json)
                .unwrap_or_else(|e| panic!("an accepted body written back is refused: {e:?}"));
            assert_eq!(
                serde_json::to_value(&again).expect("serialises"),
                serde_json::to_value(&req).expect("serialises"),
                "the body changed on its way through JSON"
            );
        }
        Err(BodyRefusal {
            field,
            rule,
            message_ja,
            message_en,
        }) => {
            assert!(!message_ja.is_empty() && !message_en.is_empty());
            match rule {
                "control_char" => {
                    assert!(control, "refused for a control character it does not hold");
                    assert!(!field.is_empty());
                }
                "json" => {
                    assert!(!control, "a control character refused as {rule}");
                    assert_eq!(field, "body");
                }
                other => panic!("unexpected rule {other}"),
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    if which % 2 == 0 {
        check::<FileRequest>(body);
    } else {
        check::<DraftRequest>(body);
    }
});
