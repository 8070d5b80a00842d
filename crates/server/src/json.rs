//! Request input of the API with rejections in the API's own shape (axum's are plain text):
//! JSON bodies ([`ApiJson`]) and query strings ([`ApiQuery`]), each answering problem+json that
//! names the field and the rule, with the status that fits — 415 for a body that is not JSON,
//! 413 for one over the limit, 422 for one that does not fit the operation.

use crate::error::{field_error, problem, status_problem};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kakehashi_domain::text::{control_char_message, first_control_char};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `Json<T>` with RFC 9457 rejections. Before the body is read as `T`, every string in it (and
/// every key) is checked for control characters other than tab and line breaks: a 422 names
/// the field (`control_char`), so neither backend ever sees one.
pub struct ApiJson<T>(pub T);

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .is_some_and(|m| {
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
}

fn bare(status: StatusCode) -> Response {
    let (slug, ja, en) = status_problem(status);
    problem(status, slug, ja, en, vec![])
}

/// A 422 on one field.
pub fn invalid(field: &str, rule: &str, ja: &str, en: &str) -> Response {
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
        ja,
        en,
        vec![field_error(field, rule, ja, en)],
    )
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            let (ja, en) = (
                "リクエスト本文は JSON（Content-Type: application/json）で送ってください。",
                "Send the request body as JSON (Content-Type: application/json).",
            );
            return Err(problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                ja,
                en,
                vec![field_error("body", "content_type", ja, en)],
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                bare(StatusCode::PAYLOAD_TOO_LARGE)
            } else {
                bare(StatusCode::BAD_REQUEST)
            }
        })?;
        read_body(&bytes)
            .map(ApiJson)
            .map_err(IntoResponse::into_response)
    }
}

/// Why a JSON body was refused: the field it names (`body` for the body as a whole), the rule
/// (`json` or `control_char`) and the message in both languages; answered as a 422.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyRefusal {
    pub field: String,
    pub rule: &'static str,
    pub message_ja: String,
    pub message_en: String,
}

impl IntoResponse for BodyRefusal {
    fn into_response(self) -> Response {
        invalid(&self.field, self.rule, &self.message_ja, &self.message_en)
    }
}

/// Reads a JSON body as `T` the way [`ApiJson`] does once the media type and size are accepted:
/// JSON, no control character in any string or key (tab and line breaks aside), then `T` as the
/// OpenAPI document describes it (a struct only from an object).
pub fn read_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyRefusal> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| not_for_operation(&e))?;
    if let Some((field, path, c)) = control_char_in(bytes, &value) {
        let (ja, en) = control_char_message(&path, c);
        return Err(BodyRefusal {
            field,
            rule: "control_char",
            message_ja: ja,
            message_en: en,
        });
    }
    serde_path_to_error::deserialize(strict::Strict(value)).map_err(|e| {
        let path = e.path().to_string();
        let e = e.into_inner();
        if path == "." {
            not_for_operation(&e)
        } else {
            not_for_operation(&format!("{path}: {e}"))
        }
    })
}

/// The 422 of a body that is not JSON, or not JSON of the operation's schema.
fn not_for_operation(why: &dyn std::fmt::Display) -> BodyRefusal {
    BodyRefusal {
        field: "body".to_owned(),
        rule: "json",
        message_ja: format!("リクエスト本文のJSONが不正です: {why}"),
        message_en: format!("The request body is not valid for this operation: {why}"),
    }
}

/// JSON read exactly as the OpenAPI document describes it. serde's derived `Deserialize` also
/// takes a struct from an array of its fields in order (`[null, null]` for an update of two
/// optional fields), which no schema of the document admits; here a struct comes only from an
/// object, at every depth. Everything else reads as `serde_json::Value` does.
mod strict {
    use serde::de::value::{MapAccessDeserializer, MapDeserializer, SeqDeserializer};
    use serde::de::{Error as _, IntoDeserializer, Unexpected, Visitor};
    use serde::{forward_to_deserialize_any, Deserializer};
    use serde_json::{Error, Value};

    pub struct Strict(pub Value);

    impl<'de> IntoDeserializer<'de, Error> for Strict {
        type Deserializer = Self;
        fn into_deserializer(self) -> Self {
            self
        }
    }

    fn unexpected(v: &Value) -> Unexpected<'_> {
        match v {
            Value::Null => Unexpected::Unit,
            Value::Bool(b) => Unexpected::Bool(*b),
            Value::Number(_) => Unexpected::Other("number"),
            Value::String(s) => Unexpected::Str(s),
            Value::Array(_) => Unexpected::Seq,
            Value::Object(_) => Unexpected::Map,
        }
    }

    fn entries(m: serde_json::Map<String, Value>) -> impl Iterator<Item = (String, Strict)> {
        m.into_iter().map(|(k, v)| (k, Strict(v)))
    }

    impl<'de> Deserializer<'de> for Strict {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                Value::Null => visitor.visit_unit(),
                Value::Bool(b) => visitor.visit_bool(b),
                Value::Number(n) => n.deserialize_any(visitor),
                Value::String(s) => visitor.visit_string(s),
                Value::Array(a) => {
                    let mut seq = SeqDeserializer::new(a.into_iter().map(Strict));
                    let v = visitor.visit_seq(&mut seq)?;
                    seq.end()?;
                    Ok(v)
                }
                Value::Object(m) => {
                    let mut map = MapDeserializer::new(entries(m));
                    let v = visitor.visit_map(&mut map)?;
                    map.end()?;
                    Ok(v)
                }
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                Value::Null => visitor.visit_none(),
                _ => visitor.visit_some(self),
            }
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match &self.0 {
                Value::Object(_) => self.deserialize_any(visitor),
                other => Err(Error::invalid_type(unexpected(other), &"an object")),
            }
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.0 {
                Value::String(s) => visitor.visit_enum(s.into_deserializer()),
                Value::Object(m) if m.len() == 1 => {
                    visitor.visit_enum(MapAccessDeserializer::new(MapDeserializer::new(entries(m))))
                }
                other => Err(Error::invalid_type(
                    unexpected(&other),
                    &"a string or an object with one key",
                )),
            }
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Error> {
            visitor.visit_newtype_struct(self)
        }

        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            unit unit_struct seq tuple tuple_struct map identifier ignored_any
        }
    }
}

/// Whether the raw body may hold a control character at all: JSON writes C0 controls only as
/// escapes, `\u00XX` or the short `\b`, `\f`, `\t`, `\n`, `\r` (the last three are refused in
/// keys and other one-line values); DEL and C1 may appear raw (UTF-8 `7F`, `C2 80`–`C2 9F`) or
/// escaped too.
fn may_hold_control(bytes: &[u8]) -> bool {
    bytes.contains(&0x7F)
        || bytes.windows(2).any(|w| {
            (w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1]))
                || (w[0] == b'\\' && matches!(w[1], b'b' | b'f' | b't' | b'n' | b'r'))
        })
        || bytes
            .windows(4)
            .any(|w| w[0] == b'\\' && w[1] == b'u' && w[2] == b'0' && w[3] == b'0')
}

/// The first string (or key) holding a refused control character: the field as the API names
/// it (keys joined by dots, list positions left out, a top-level `form` wrapper dropped — as
/// the forms' own field errors name them), its full path for the message, and the character.
fn control_char_in(bytes: &[u8], v: &Value) -> Option<(String, String, char)> {
    if !may_hold_control(bytes) {
        return None;
    }
    let mut keys = Vec::new();
    let mut path = String::new();
    walk(v, &mut keys, &mut path)
}

fn walk(v: &Value, keys: &mut Vec<String>, path: &mut String) -> Option<(String, String, char)> {
    let found = |keys: &[String], path: &str, c: char| {
        let named: &[String] = match keys {
            [first, rest @ ..] if first == "form" && !rest.is_empty() => rest,
            all => all,
        };
        let field = if named.is_empty() {
            "body".to_owned()
        } else {
            named.join(".")
        };
        let path = if path.is_empty() { "body" } else { path };
        Some((field, path.to_owned(), c))
    };
    match v {
        Value::String(s) => first_control_char(s, true).and_then(|c| found(keys, path, c)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let r = walk(item, keys, path);
            path.truncate(len);
            r
        }),
        Value::Object(map) => map.iter().find_map(|(k, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k);
            keys.push(k.clone());
            let r = match first_control_char(k, false) {
                Some(c) => found(keys, path, c),
                None => walk(item, keys, path),
            };
            keys.pop();
            path.truncate(len);
            r
        }),
        _ => None,
    }
}

/// `Query<T>` with RFC 9457 rejections: a parameter that does not parse is a 422 naming it
/// (rule `format`), e.g. `?limit=abc` or `?limit=-1`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        match serde_urlencoded::from_str::<T>(q) {
            Ok(v) => Ok(ApiQuery(v)),
            Err(e) => {
                // Name the first parameter that fails on its own (every field is optional).
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_str(q).unwrap_or_default();
                let field = pairs
                    .iter()
                    .find(|(k, v)| {
                        serde_urlencoded::to_string([(k, v)])
                            .map(|one| serde_urlencoded::from_str::<T>(&one).is_err())
                            .unwrap_or(true)
                    })
                    .map(|(k, _)| k.clone())
                    .unwrap_or_else(|| "query".to_owned());
                Err(invalid(
                    &field,
                    "format",
                    &format!("クエリ引数「{field}」が不正です: {e}"),
                    &format!("Query parameter {field} is not valid: {e}"),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Inner {
        a: u32,
        #[serde(default)]
        b: Option<String>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Action {
        Removed,
        KeptWithReason(String),
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Outer {
        inner: Inner,
        #[serde(default)]
        list: Vec<Inner>,
        action: Action,
    }

    fn read(body: &str) -> Result<Outer, String> {
        let v: Value = serde_json::from_str(body).expect("JSON");
        serde_path_to_error::deserialize(strict::Strict(v)).map_err(|e| {
            let path = e.path().to_string();
            format!("{path} | {}", e.into_inner())
        })
    }

    #[test]
    fn structs_come_only_from_objects() {
        assert_eq!(
            read(r#"{"inner":{"a":1},"list":[{"a":2,"b":"x"}],"action":"removed"}"#),
            Ok(Outer {
                inner: Inner { a: 1, b: None },
                list: vec![Inner {
                    a: 2,
                    b: Some("x".into())
                }],
                action: Action::Removed,
            })
        );
        assert_eq!(
            read(r#"{"inner":{"a":1,"b":null},"action":{"kept_with_reason":"why"}}"#)
                .map(|o| o.action),
            Ok(Action::KeptWithReason("why".into()))
        );
        // serde's derive alone would take each of these arrays for the struct.
        for (body, path) in [
            (r#"[{"a":1},[],"removed"]"#, "."),
            (r#"{"inner":[1,null],"action":"removed"}"#, "inner"),
            (
                r#"{"inner":{"a":1},"list":[[2]],"action":"removed"}"#,
                "list[0]",
            ),
        ] {
            let e = read(body).expect_err(body);
            assert!(
                e.starts_with(&format!("{path} |")) && e.contains("expected an object"),
                "{body}: {e}"
            );
        }
        for body in [
            r#"{"inner":{"a":4294967296},"action":"removed"}"#,
            r#"{"inner":{"a":-1},"action":"removed"}"#,
            r#"{"inner":{"a":1.5},"action":"removed"}"#,
            r#"{"inner":{"a":1},"action":"kept"}"#,
            r#"{"inner":{"a":1},"action":{"removed":null,"kept_with_reason":"x"}}"#,
            r#"{"inner":{"a":1}}"#,
            r#"{"inner":{"a":"1"},"action":"removed"}"#,
        ] {
            assert!(read(body).is_err(), "{body}");
        }
    }

    fn bad(body: &str) -> Option<(String, String, char)> {
        let v: Value = serde_json::from_str(body).expect("JSON");
        control_char_in(body.as_bytes(), &v)
    }

    #[test]
    fn control_characters_are_found_with_their_field() {
        assert_eq!(bad(r#"{"login":"a","password":"b"}"#), None);
        assert_eq!(
            bad(r#"{"login":"ad\u0000min"}"#),
            Some(("login".into(), "login".into(), '\0'))
        );
        assert_eq!(
            bad(r#"{"form":{"timeline":[{"at":"x"},{"at":"y\u001b"}]}}"#),
            Some(("timeline.at".into(), "form.timeline[1].at".into(), '\u{1b}'))
        );
        assert_eq!(
            bad(r#"{"form":{"summary":"ok\nnext\ttab"}}"#),
            None,
            "free text keeps breaks"
        );
        // Found by the api_body fuzz target: JSON's short escapes are control characters too,
        // and were let through: \f and \b anywhere, \t, \n and \r in a key.
        assert_eq!(
            bad(r#"{"form":{"timeline":[{"at":"x"},{"at":"u0\f10yb"}]}}"#),
            Some(("timeline.at".into(), "form.timeline[1].at".into(), '\u{c}'))
        );
        assert_eq!(
            bad(r#"{"note":"a\bb"}"#),
            Some(("note".into(), "note".into(), '\u{8}'))
        );
        assert_eq!(
            bad(r#"{"urg\nt":true}"#),
            Some(("urg\nt".into(), "urg\nt".into(), '\n'))
        );
        assert_eq!(
            bad(r#"{"form":{"a\tb":1}}"#),
            Some(("a\tb".into(), "form.a\tb".into(), '\t'))
        );
        assert_eq!(
            bad(r#"{"note":"C:\\bin\\foo"}"#),
            None,
            "an escaped backslash"
        );
        assert_eq!(
            bad("{\"note\":\"del\u{7f}\"}"),
            Some(("note".into(), "note".into(), '\u{7f}'))
        );
        assert_eq!(
            bad("{\"note\":\"c1\u{85}\"}"),
            Some(("note".into(), "note".into(), '\u{85}'))
        );
        assert_eq!(
            bad(r#"{"scopes":["read","\u0000"]}"#),
            Some(("scopes".into(), "scopes[1]".into(), '\0'))
        );
        assert_eq!(
            bad(r#""\u0000""#),
            Some(("body".into(), "body".into(), '\0'))
        );
        assert_eq!(
            bad(r#"{"k\u0001":1}"#),
            Some(("k\u{1}".into(), "k\u{1}".into(), '\u{1}'))
        );
        // Japanese text, whose UTF-8 holds no C2 80–9F pair, is never parsed twice.
        assert!(!may_hold_control("{\"s\":\"東都電力の制御系\"}".as_bytes()));
    }
}
