//! The OpenAPI document of `/api/v1`, served at `/api/openapi.json`.
//!
//! utoipa derives it from the handlers' annotations (each lists the statuses its use case can
//! answer: 403 for a role or rule, 404, 409, 422 for a rule of the input) and from the request
//! types themselves (`kakehashi_domain` / `kakehashi_app` with their `openapi` feature), so a
//! body's schema is the very type the handler deserialises. [`document`] then adds what every
//! operation shares because a layer before the handler answers it:
//!
//! - **401** on every operation but sign-in: no credential, or one that no longer holds.
//! - **403** on every operation but `GET /api/v1/me`: a token without the operation's scope (the
//!   scopes of the `token` security requirement), a cookie session's unsafe request without its
//!   `X-CSRF-Token`, or a person who must change their password first.
//! - **413**, **415** and **422** on every operation with a request body: over the size limit,
//!   not `application/json`, not valid JSON or not of the body's schema.
//! - **422** on every operation with parameters: a control character, bad percent-encoding, or
//!   a query parameter that does not parse.
//! - Every error answer is `application/problem+json` with the [`Problem`] schema, and a 429
//!   carries `Retry-After`.
//! - A query parameter's schema never admits `null` (a query string cannot carry one); the
//!   listing filters, where an empty value means "not given" as an HTML form sends it, say so
//!   with `allowEmptyValue`.
//! - A success answer without a schema of its own is a JSON object.
//!
//! Any operation may also answer 500 (problem+json) when the database fails; that is not listed.
//!
//! [`Problem`]: crate::error::Problem

use super::ApiDoc;
use serde_json::{json, Map, Value};
use std::sync::OnceLock;
use utoipa::OpenApi;

/// The complete document (built once).
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
        complete(&mut doc);
        doc
    })
}

/// The operation that needs no credential.
const PUBLIC: (&str, &str) = ("post", "/api/v1/session");

/// The operation that answers even a person who must change their password, and needs neither
/// a scope nor (being a read) a CSRF header: it cannot be refused.
const NEVER_REFUSED: (&str, &str) = ("get", "/api/v1/me");

/// Listings whose query parameters treat an empty value as not given.
const EMPTY_MEANS_ABSENT: &[&str] = &[
    "/api/v1/liaisons",
    "/api/v1/liaisons/inbox",
    "/api/v1/liaisons/export",
    "/api/v1/liaisons/inbox/export",
    "/api/v1/statistics",
    "/api/v1/statistics.csv",
    "/api/v1/standards/catalogue",
    "/api/v1/standards/clusters",
];

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

fn complete(doc: &mut Value) {
    integer_widths(doc);
    let components = entry_object(doc, "components");
    components.insert(
        "securitySchemes".into(),
        json!({
            "token": {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal API token (`kkh_…`), created by a signed-in person at `POST /api/v1/tokens` or on the account page. It acts only within its scopes (`read`, `write`, `admin`); each operation lists the scope it needs."
            },
            "session": {
                "type": "apiKey",
                "in": "cookie",
                "name": crate::auth::SESSION_COOKIE,
                "description": "The session cookie set by `POST /api/v1/session`: the person's full rights. Every request other than GET, HEAD and OPTIONS must also carry the header `X-CSRF-Token` with the `csrf_token` of the sign-in answer."
            }
        }),
    );
    if let Some(obj) = doc.as_object_mut() {
        obj.insert(
            "security".into(),
            json!([{ "token": [] }, { "session": [] }]),
        );
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if METHODS.contains(&method.as_str()) {
                complete_operation(method, path, op);
            }
        }
    }
}

fn complete_operation(method: &str, path: &str, op: &mut Value) {
    let public = (method, path) == PUBLIC;
    let has_body = op.get("requestBody").is_some();
    // Attachment uploads take the raw file, not JSON.
    let json_body = op
        .get("requestBody")
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .is_some_and(|c| c.contains_key("application/json"));
    let has_params = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|p| !p.is_empty());
    // The token scopes the operation accepts, one alternative each (utoipa's `security`).
    let security: Vec<Value> = op
        .get("security")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let scopes: Vec<String> = security
        .iter()
        .filter_map(|req| req.get("token"))
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in params {
            if p.get("in").and_then(Value::as_str) == Some("query") {
                if let Some(schema) = p.get_mut("schema") {
                    drop_null(schema);
                }
                if EMPTY_MEANS_ABSENT.contains(&path) {
                    p["allowEmptyValue"] = json!(true);
                }
            }
        }
    }
    let op = match op.as_object_mut() {
        Some(op) => op,
        None => return,
    };
    if public {
        op.insert("security".into(), json!([]));
    } else if !scopes.is_empty() && !security.iter().any(|r| r.get("session").is_some()) {
        // A cookie session has the person's full rights, whatever scope a token would need.
        let mut with_session = security;
        with_session.push(json!({ "session": [] }));
        op.insert("security".into(), Value::Array(with_session));
    }
    let responses = entry_object_in(op, "responses");
    if !public {
        add(
            responses,
            "401",
            "No credential, or one that no longer holds (expired or revoked token, ended session, deactivated person).",
        );
    }
    if !public && (method, path) != NEVER_REFUSED {
        let mut causes = Vec::new();
        if !scopes.is_empty() {
            causes.push(format!(
                "a token without the `{}` scope",
                scopes.join("` or `")
            ));
        }
        if !matches!(method, "get" | "head" | "options") {
            causes.push("a cookie session's request without its `X-CSRF-Token` header".into());
        }
        if !matches!(
            (method, path),
            ("put", "/api/v1/me/password") | ("delete", "/api/v1/session")
        ) {
            causes.push(
                "a person who must change their password first (`/problems/password-change-required`)"
                    .into(),
            );
        }
        if !causes.is_empty() {
            extend(
                responses,
                "403",
                &format!("Refused: {}.", causes.join("; ")),
            );
        }
    }
    if has_body {
        add(
            responses,
            "413",
            "The request body is larger than the server accepts.",
        );
        if json_body {
            add(
                responses,
                "415",
                "The request body is not `application/json`.",
            );
        }
        add(
            responses,
            "422",
            "The request body is not JSON of this operation's schema (`errors` names the field and rule).",
        );
    }
    if has_params {
        add(
            responses,
            "422",
            "A parameter breaks its rule: a control character, bad percent-encoding, or a value that does not parse (`errors` names it).",
        );
    }
    for (status, response) in responses.iter_mut() {
        let code: u16 = status.parse().unwrap_or(0);
        let Some(response) = response.as_object_mut() else {
            continue;
        };
        if code >= 400 {
            response.insert(
                "content".into(),
                json!({ "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }),
            );
        } else if (200..300).contains(&code) && code != 204 && !response.contains_key("content") {
            response.insert(
                "content".into(),
                json!({ "application/json": { "schema": { "type": "object" } } }),
            );
        }
        if code == 429 {
            response.insert(
                "headers".into(),
                json!({ "Retry-After": { "description": "Seconds until another attempt is allowed.", "required": true, "schema": { "type": "integer", "minimum": 1 } } }),
            );
        }
    }
}

/// Integer schemas state the Rust type's range: utoipa writes unsigned widths as non-standard
/// formats (`u-int32`), which a client or a test generator reads as no bound at all. Each
/// becomes the standard format that holds it (none for 64 bits) with explicit bounds.
fn integer_widths(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let bounds: Option<(Option<&str>, Value, Value)> =
                match m.get("format").and_then(Value::as_str) {
                    Some("u-int8") => Some((Some("int32"), json!(0), json!(u8::MAX))),
                    Some("u-int16") => Some((Some("int32"), json!(0), json!(u16::MAX))),
                    Some("u-int32") => Some((Some("int64"), json!(0), json!(u32::MAX))),
                    Some("u-int64") => Some((None, json!(0), json!(u64::MAX))),
                    Some("int8") => Some((Some("int32"), json!(i8::MIN), json!(i8::MAX))),
                    Some("int16") => Some((Some("int32"), json!(i16::MIN), json!(i16::MAX))),
                    _ => None,
                };
            if let Some((format, min, max)) = bounds {
                match format {
                    Some(f) => m.insert("format".into(), json!(f)),
                    None => m.remove("format"),
                };
                m.entry("minimum").or_insert(min);
                m.entry("maximum").or_insert(max);
            }
            m.values_mut().for_each(integer_widths);
        }
        Value::Array(a) => a.iter_mut().for_each(integer_widths),
        _ => {}
    }
}

/// Adds a response unless the operation lists that status already (its own description wins).
fn add(responses: &mut Map<String, Value>, status: &str, description: &str) {
    responses
        .entry(status)
        .or_insert_with(|| json!({ "description": description }));
}

/// Adds a response, or appends to the description the operation gave it.
fn extend(responses: &mut Map<String, Value>, status: &str, description: &str) {
    match responses
        .get_mut(status)
        .and_then(|r| r.get_mut("description"))
    {
        Some(Value::String(d)) => {
            if !d.ends_with('.') {
                d.push('.');
            }
            d.push(' ');
            d.push_str(description);
        }
        _ => add(responses, status, description),
    }
}

/// A query parameter's schema: `null` is no value a query string can carry.
fn drop_null(schema: &mut Value) {
    if let Some(Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types[0].clone();
            schema["type"] = only;
        }
    }
    if let Some(Value::Array(alts)) = schema.get_mut("oneOf") {
        alts.retain(|a| a.get("type").and_then(Value::as_str) != Some("null"));
        if alts.len() == 1 {
            let only = alts[0].clone();
            *schema = only;
        }
    }
}

fn entry_object<'a>(v: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    if !v.get(key).is_some_and(Value::is_object) {
        v[key] = json!({});
    }
    match v.get_mut(key) {
        Some(Value::Object(m)) => m,
        _ => unreachable!("just made an object"),
    }
}

fn entry_object_in<'a>(m: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let v = m.entry(key).or_insert_with(|| json!({}));
    if !v.is_object() {
        *v = json!({});
    }
    match v {
        Value::Object(o) => o,
        _ => unreachable!("just made an object"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operations() -> Vec<(String, String, &'static Value)> {
        let mut out = Vec::new();
        for (path, item) in document()["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if METHODS.contains(&method.as_str()) {
                    out.push((method.clone(), path.clone(), op));
                }
            }
        }
        out
    }

    fn param(path: &str, name: &str) -> &'static Value {
        document()["paths"][path]["get"]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .map(|p| &p["schema"])
            .unwrap_or_else(|| panic!("{name} of {path}"))
    }

    #[test]
    fn bounds_are_those_the_server_enforces() {
        use kakehashi_app::inbox::{PAGE_MAX, QUERY_MAX_CHARS};
        // The listings' paging and keyword bounds (statistics take a period, not a page).
        for path in EMPTY_MEANS_ABSENT
            .iter()
            .filter(|p| p.starts_with("/api/v1/liaisons"))
        {
            let limit = param(path, "limit");
            assert_eq!(
                (&limit["minimum"], &limit["maximum"]),
                (&json!(1), &json!(PAGE_MAX)),
                "{path}"
            );
            assert_eq!(param(path, "q")["maxLength"], json!(QUERY_MAX_CHARS));
        }
        let audit = param("/api/v1/audit", "limit");
        assert_eq!(
            (&audit["minimum"], &audit["maximum"]),
            (&json!(1), &json!(kakehashi_app::audit::AUDIT_PAGE_MAX))
        );
        let days = &document()["components"]["schemas"]["NewToken"]["properties"]["days"];
        assert_eq!(
            (&days["minimum"], &days["maximum"]),
            (&json!(1), &json!(kakehashi_app::auth::MAX_TOKEN_DAYS)),
            "{days}"
        );
        // A report number is a `u32`: the document says so in standard terms.
        let no = &document()["components"]["schemas"]["LiaisonForm"]["properties"]["report_no"];
        assert_eq!(
            (&no["format"], &no["minimum"], &no["maximum"]),
            (&json!("int64"), &json!(0), &json!(u32::MAX)),
            "{no}"
        );
    }

    #[test]
    fn every_operation_lists_the_answers_of_the_layers_before_it() {
        let ops = operations();
        assert!(ops.len() > 50, "{} operations", ops.len());
        for (method, path, op) in ops {
            let responses = op["responses"].as_object().expect("responses");
            let has = |s: &str| responses.contains_key(s);
            let public = (method.as_str(), path.as_str()) == PUBLIC;
            assert_eq!(has("401"), !public, "{method} {path}");
            if let Some(body) = op.get("requestBody") {
                assert!(has("413") && has("422"), "{method} {path}");
                let content = body["content"].as_object().expect("content");
                if let Some(json) = content.get("application/json") {
                    assert!(has("415"), "{method} {path}");
                    let schema = &json["schema"];
                    assert!(
                        schema["$ref"].as_str().is_some(),
                        "{method} {path}: a typed body, not any JSON: {schema}"
                    );
                } else {
                    // A raw file (an attachment): any type is taken, so no 415, and the body is
                    // described as bytes.
                    let raw = &content["application/octet-stream"]["schema"];
                    assert!(raw.is_object(), "{method} {path}: {body}");
                }
            }
            for (status, r) in responses {
                if status.as_str() >= "400" {
                    assert_eq!(
                        r["content"]["application/problem+json"]["schema"]["$ref"],
                        "#/components/schemas/Problem",
                        "{method} {path} {status}"
                    );
                }
            }
            if !public {
                // An operation's own requirements, or the document's.
                let security = op
                    .get("security")
                    .unwrap_or(&document()["security"])
                    .as_array()
                    .expect("security");
                assert!(
                    security.iter().any(|r| r.get("session").is_some()),
                    "{method} {path}: {security:?}"
                );
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                assert!(
                    !p["schema"].to_string().contains("\"null\""),
                    "{method} {path}: a query cannot carry null: {p}"
                );
            }
        }
    }

    #[test]
    fn integer_formats_are_standard() {
        fn walk(v: &Value, at: &str) {
            match v {
                Value::Object(m) => {
                    if let Some(f) = m.get("format").and_then(Value::as_str) {
                        assert!(
                            !f.starts_with("u-int") && f != "int8" && f != "int16",
                            "{at}: {f}"
                        );
                    }
                    for (k, v) in m {
                        walk(v, &format!("{at}/{k}"));
                    }
                }
                Value::Array(a) => a.iter().for_each(|v| walk(v, at)),
                _ => {}
            }
        }
        walk(document(), "");
    }
}
