//! The edge of every request: input no backend may see, and error answers in one shape.
//!
//! - **Control characters** (`Cc`: C0, DEL, C1) are refused before any handler runs, with a 422
//!   naming the parameter and the rule `control_char`, identically on both backends (PostgreSQL
//!   cannot store NUL; SQLite would keep it): in path parameters (no exception), query
//!   parameters and UI form fields (tab and line breaks pass: free text keeps them and each
//!   field's own rule of `kakehashi_domain::text` decides). JSON bodies are checked by
//!   [`crate::json::ApiJson`]. A path parameter that is not UTF-8 is a 422 `encoding`.
//! - **Error bodies**: whatever the framework answers before a handler (unknown route, wrong
//!   method, a body over the limit, a body it cannot read) becomes problem+json under `/api/`
//!   and an error page elsewhere, with the status kept.
//! - **Oversized bodies** are read to the end (up to [`DRAIN_LIMIT`], for at most
//!   [`DRAIN_TIME`]) and thrown away before the 413 goes out: a server that answers while the
//!   client is still sending closes a socket with unread data, the client's kernel sees a reset
//!   and the client reports a broken connection instead of the 413.
//!   Attachment uploads are the exception: [`crate::attach`] reads them under the attachment
//!   limit (a setting) and answers its own 413 naming the rule.
//! - **Caching**: every answer but the static assets carries `Cache-Control: no-store` (API
//!   JSON holds restricted content just as pages do).

use crate::error::{field_error, problem, status_problem};
use crate::i18n::Lang;
use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use kakehashi_app::AppError;
use kakehashi_domain::text::{control_char_message, first_control_char};

/// Request bodies larger than this are refused with 413 (the framework's default limit).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// How much of an oversized body is read and discarded so that its sender sees the 413.
pub const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// How long an oversized body is read before the 413 goes out anyway.
pub const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(10);

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// A 422 for one named input, as problem+json (API) or an error page (UI).
fn refuse(api: bool, lang: Lang, field: &str, rule: &str, ja: String, en: String) -> Response {
    if api {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            &ja,
            &en,
            vec![field_error(field, rule, &ja, &en)],
        );
    }
    crate::web::error_page(
        lang,
        None,
        &AppError::bad_field("input", "control_char", ja, en),
    )
}

fn control(api: bool, lang: Lang, name: &str, c: char) -> Response {
    let (ja, en) = control_char_message(name, c);
    refuse(api, lang, name, "control_char", ja, en)
}

/// The first `(name, char)` of pairs whose name or value holds a refused control character.
fn first_bad_pair<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    keep_breaks: bool,
) -> Option<(&'a str, char)> {
    pairs.into_iter().find_map(|(k, v)| {
        first_control_char(k, false)
            .or_else(|| first_control_char(v, keep_breaks))
            .map(|c| (k, c))
    })
}

fn is_form(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim() == "application/x-www-form-urlencoded")
        })
}

/// Refuses control characters in path parameters, query parameters and form fields (a route
/// layer: it runs after routing, so path parameters have their names).
pub async fn refuse_control_chars(
    lang: Lang,
    path: Result<Path<Vec<(String, String)>>, PathRejection>,
    req: Request,
    next: Next,
) -> Response {
    let api = is_api(req.uri().path());
    match &path {
        Ok(Path(params)) => {
            let pairs = params.iter().map(|(k, v)| (k.as_str(), v.as_str()));
            if let Some((k, c)) = first_bad_pair(pairs, false) {
                return control(api, lang, k, c);
            }
        }
        Err(PathRejection::FailedToDeserializePathParams(e)) => {
            if let axum::extract::path::ErrorKind::InvalidUtf8InPathParam { key } = e.kind() {
                let ja = format!(
                    "「{key}」の値がUTF-8として読めません（パーセントエンコードが不正です）。"
                );
                let en = format!("{key} is not valid UTF-8 (bad percent-encoding).");
                return refuse(api, lang, key, "encoding", ja, en);
            }
        }
        // No parameters on this route.
        Err(_) => {}
    }
    if let Some(q) = req.uri().query() {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q).unwrap_or_default();
        if let Some((k, c)) =
            first_bad_pair(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), true)
        {
            return control(api, lang, k, c);
        }
    }
    if req.method() == Method::POST && is_form(&req) {
        let (parts, body) = req.into_parts();
        let bytes: Bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
            Ok(b) => b,
            Err(_) => return too_large(api, lang),
        };
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        if let Some((k, c)) =
            first_bad_pair(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), true)
        {
            return control(api, lang, k, c);
        }
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    next.run(req).await
}

/// Refuses bodies over [`BODY_LIMIT`] with a 413 the client can read: a declared length over
/// the limit is refused before any handler runs, a chunked body is buffered up to the limit;
/// either way the rest is drained first (see the module header).
pub async fn refuse_oversized_bodies(lang: Lang, req: Request, next: Next) -> Response {
    // Attachment uploads have a limit of their own, enforced as they are read.
    if crate::attach::is_upload(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let chunked = req.headers().contains_key(header::TRANSFER_ENCODING);
    let within = declared.is_some_and(|n| n <= BODY_LIMIT as u64);
    if within || (declared.is_none() && !chunked) {
        return next.run(req).await;
    }
    let api = is_api(req.uri().path());
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut kept: Vec<u8> = Vec::new();
    if declared.is_none() {
        // Chunked: keep what fits, pass it on when the body ends within the limit.
        loop {
            match stream.next().await {
                None => return next.run(Request::from_parts(parts, Body::from(kept))).await,
                Some(Err(_)) => return too_large(api, lang),
                Some(Ok(chunk)) if kept.len() + chunk.len() <= BODY_LIMIT => {
                    kept.extend_from_slice(&chunk)
                }
                Some(Ok(_)) => break,
            }
        }
    }
    let drain = async {
        let mut read = kept.len();
        while let Some(Ok(chunk)) = stream.next().await {
            read += chunk.len();
            if read > DRAIN_LIMIT {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
    too_large(api, lang)
}

fn too_large(api: bool, lang: Lang) -> Response {
    let (slug, ja, en) = status_problem(StatusCode::PAYLOAD_TOO_LARGE);
    if api {
        return problem(StatusCode::PAYLOAD_TOO_LARGE, slug, ja, en, vec![]);
    }
    crate::web::status_page(lang, StatusCode::PAYLOAD_TOO_LARGE, ja, en)
}

fn content_type(res: &Response) -> &str {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Turns the framework's own error answers (plain text or empty) into problem+json under
/// `/api/` and error pages elsewhere, keeping the status and headers such as `Allow`; sets
/// `Cache-Control: no-store` on everything but the static assets.
pub async fn error_bodies_and_caching(lang: Lang, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let api = is_api(&path);
    let mut res = next.run(req).await;
    let status = res.status();
    let ct = content_type(&res);
    // Our own answers: problem+json, pages, and JSON such as the health check's 503.
    let ours = ct.starts_with("application/problem+json")
        || ct.starts_with("application/json")
        || ct.starts_with("text/html")
        || ct.starts_with("application/taxii+json");
    if (status.is_client_error() || status.is_server_error()) && !ours {
        let (slug, ja, en) = status_problem(status);
        let mut fixed = if api {
            problem(status, slug, ja, en, vec![])
        } else {
            crate::web::status_page(lang, status, ja, en)
        };
        for (k, v) in res.headers() {
            if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
                fixed.headers_mut().insert(k.clone(), v.clone());
            }
        }
        *fixed.status_mut() = status;
        res = fixed;
    }
    if !path.starts_with("/static/") && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The fallback of unknown routes (a 404 in the caller's format).
pub async fn not_found(lang: Lang, req: Request) -> Response {
    let (slug, ja, en) = status_problem(StatusCode::NOT_FOUND);
    if is_api(req.uri().path()) {
        return problem(StatusCode::NOT_FOUND, slug, ja, en, vec![]);
    }
    crate::web::status_page(lang, StatusCode::NOT_FOUND, ja, en).into_response()
}
