//! TAXII 2.1 (OASIS) at `/taxii2/`: discovery, two API roots — `api` (personal API tokens: HTTP
//! Basic with the token as password, or Bearer) and `public` (no sign-in, TLP:CLEAR only) — their
//! collections, objects with `limit`/`next`, `added_after` and `match[…]` filters, manifests,
//! versions, and POST of objects with a status resource. Every answer is
//! `application/taxii+json;version=2.1`; errors are TAXII error messages.
//!
//! What a collection holds is decided by the application ([`kakehashi_app::stix`]): the store's
//! listing by the reader's audience keys, each record revealed through the policy. Here the
//! records' objects are filtered and paged object by object: `next` is the position after the
//! last object given (the record before it, and how many of that record's objects were given).

use crate::auth::constant_eq;
use crate::edge::BODY_LIMIT;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use chrono::{DateTime, Utc};
use kakehashi_app::stix::{Collection, CollectionInfo, Reader};
use kakehashi_app::{Actor, AppError};
use kakehashi_domain::stix::export::{timestamp, STIX_MEDIA_TYPE};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The TAXII 2.1 media type.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";
/// Objects per page when the client names no `limit`, and the most it may ask for.
pub const PAGE_DEFAULT: usize = 100;
pub const PAGE_MAX: usize = 1000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/taxii2/", get(discovery))
        .route("/taxii2/{root}/", get(api_root))
        .route("/taxii2/{root}/status/{sid}", get(status))
        .route("/taxii2/{root}/status/{sid}/", get(status))
        .route("/taxii2/{root}/collections/", get(collections))
        .route("/taxii2/{root}/collections/{cid}/", get(collection))
        .route(
            "/taxii2/{root}/collections/{cid}/objects/",
            get(objects).post(add_objects),
        )
        .route(
            "/taxii2/{root}/collections/{cid}/objects/{oid}/",
            get(object),
        )
        .route(
            "/taxii2/{root}/collections/{cid}/objects/{oid}/versions/",
            get(versions),
        )
        .route("/taxii2/{root}/collections/{cid}/manifest/", get(manifest))
}

/// A TAXII error message.
pub struct TaxiiError {
    status: StatusCode,
    title: String,
    description: String,
}

impl TaxiiError {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn description(&self) -> &str {
        &self.description
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let body = json!({
            "title": self.title,
            "description": self.description,
            "http_status": self.status.as_u16().to_string(),
        });
        let mut res = (self.status, body.to_string()).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(TAXII_MEDIA_TYPE),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Kakehashi TAXII\", charset=\"UTF-8\""),
            );
        }
        res
    }
}

impl From<AppError> for TaxiiError {
    fn from(e: AppError) -> Self {
        let (status, _) = crate::error::status_of(&e);
        let (title, description) = match &e {
            AppError::Unauthenticated => (
                "Unauthorized",
                "An API token is required: HTTP Basic with the token as password, or Bearer."
                    .to_owned(),
            ),
            AppError::Forbidden { message_en, .. } => ("Forbidden", message_en.clone()),
            AppError::PasswordChangeRequired => (
                "Forbidden",
                "The password must be changed before the token may be used.".to_owned(),
            ),
            AppError::NotFound => ("Not found", "No such resource, or not readable.".to_owned()),
            AppError::Unavailable(_) => (
                "Service unavailable",
                "The database is unavailable; nothing was stored. Retry in a moment.".to_owned(),
            ),
            AppError::StorageFull(_) => (
                "Insufficient storage",
                "The server's storage is full; nothing was stored.".to_owned(),
            ),
            AppError::Internal(_) => ("Internal error", "The server failed.".to_owned()),
            other => ("Bad request", other.to_string()),
        };
        TaxiiError {
            status,
            title: title.to_owned(),
            description,
        }
    }
}

pub type TaxiiResult<T> = Result<T, TaxiiError>;

fn bad_request(description: impl Into<String>) -> TaxiiError {
    TaxiiError {
        status: StatusCode::BAD_REQUEST,
        title: "Bad request".into(),
        description: description.into(),
    }
}

/// A TAXII answer with its media type and extra headers.
fn answer(status: StatusCode, body: Value, extra: Vec<(&'static str, String)>) -> Response {
    let mut res = (status, body.to_string()).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(TAXII_MEDIA_TYPE),
    );
    for (k, v) in extra {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    res
}

/// The client must accept TAXII 2.1 (or anything).
fn check_accept(headers: &HeaderMap) -> TaxiiResult<()> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let ok = accept.split(',').any(|m| {
        let m = m.trim().replace(' ', "");
        let base = m.split(';').next().unwrap_or("");
        base == "*/*"
            || base == "application/*"
            || (base == "application/taxii+json"
                && (!m.contains("version=") || m.contains("version=2.1")))
    });
    if ok {
        Ok(())
    } else {
        Err(TaxiiError {
            status: StatusCode::NOT_ACCEPTABLE,
            title: "Not acceptable".into(),
            description: format!("This server answers {TAXII_MEDIA_TYPE} only."),
        })
    }
}

/// The API token of a request: Bearer, or HTTP Basic whose password is the token (the user
/// name is not looked at).
fn token_of(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    if let Some(t) = v.strip_prefix("Bearer ") {
        return Some(t.trim().to_owned());
    }
    let b = v.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(b.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (_, password) = text.split_once(':')?;
    Some(password.to_owned())
}

/// The reader of an API root: `public` needs nobody; `api` needs a token with the scope.
enum Who {
    Person(Box<Actor>),
    Public,
}

impl Who {
    fn reader(&self) -> Reader<'_> {
        match self {
            Who::Person(a) => Reader::Person(a),
            Who::Public => Reader::Public,
        }
    }
}

async fn who(s: &AppState, root: &str, headers: &HeaderMap, scope: &str) -> TaxiiResult<Who> {
    match root {
        "public" => Ok(Who::Public),
        "api" => {
            let token = token_of(headers).ok_or(AppError::Unauthenticated)?;
            let (actor, rec) = s.app.token_actor(&token).await?;
            if actor.record.must_change_password {
                return Err(AppError::PasswordChangeRequired.into());
            }
            if !rec
                .scopes
                .iter()
                .any(|x| constant_eq(x.as_bytes(), scope.as_bytes()))
            {
                s.app.note_refusal(Some(&actor), "scope", Some(scope));
                return Err(AppError::forbidden(
                    format!("このトークンには「{scope}」スコープがありません。"),
                    format!("This token lacks the '{scope}' scope."),
                )
                .into());
            }
            Ok(Who::Person(Box::new(actor)))
        }
        _ => Err(AppError::NotFound.into()),
    }
}

async fn discovery(headers: HeaderMap) -> TaxiiResult<Response> {
    check_accept(&headers)?;
    Ok(answer(
        StatusCode::OK,
        json!({
            "title": "Kakehashi TAXII 2.1",
            "description": "STIX 2.1 of Japan's critical-infrastructure information sharing: liaisons (R) and provisions (T), each as TLP allows the reader. Root `api`: personal API token (HTTP Basic with the token as password, or Bearer). Root `public`: TLP:CLEAR only, no sign-in.",
            "default": "/taxii2/api/",
            "api_roots": ["/taxii2/api/", "/taxii2/public/"],
        }),
        vec![],
    ))
}

async fn api_root(
    State(s): State<AppState>,
    Path(root): Path<String>,
    headers: HeaderMap,
) -> TaxiiResult<Response> {
    check_accept(&headers)?;
    let _ = who(&s, &root, &headers, "read").await?;
    let title = if root == "public" {
        "Kakehashi public (TLP:CLEAR)"
    } else {
        "Kakehashi"
    };
    Ok(answer(
        StatusCode::OK,
        json!({
            "title": title,
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": BODY_LIMIT,
        }),
        vec![],
    ))
}

fn collection_json(c: &CollectionInfo) -> Value {
    json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "can_read": true,
        "can_write": c.can_write,
        "media_types": [STIX_MEDIA_TYPE],
    })
}

async fn collections(
    State(s): State<AppState>,
    Path(root): Path<String>,
    headers: HeaderMap,
) -> TaxiiResult<Response> {
    check_accept(&headers)?;
    let w = who(&s, &root, &headers, "read").await?;
    let list: Vec<Value> = s
        .app
        .taxii_collections(w.reader())
        .iter()
        .map(collection_json)
        .collect();
    Ok(answer(
        StatusCode::OK,
        json!({ "collections": list }),
        vec![],
    ))
}

async fn find_collection(s: &AppState, w: &Who, cid: &str) -> TaxiiResult<CollectionInfo> {
    s.app
        .taxii_collection(w.reader(), cid)
        .ok_or_else(|| AppError::NotFound.into())
}

async fn collection(
    State(s): State<AppState>,
    Path((root, cid)): Path<(String, String)>,
    headers: HeaderMap,
) -> TaxiiResult<Response> {
    check_accept(&headers)?;
    let w = who(&s, &root, &headers, "read").await?;
    let c = find_collection(&s, &w, &cid).await?;
    Ok(answer(StatusCode::OK, collection_json(&c), vec![]))
}

/// The filters of a listing request.
#[derive(Debug, Default)]
pub struct Filters {
    pub limit: usize,
    pub next: Option<Cursor>,
    pub added_after: Option<DateTime<Utc>>,
    pub ids: Vec<String>,
    pub types: Vec<String>,
    /// Timestamps; empty = every version we hold (`last`, `first`, `all` alike: one version).
    pub versions: Vec<String>,
    pub spec_versions: Vec<String>,
}

/// Where a page starts: after record `after` (time and id), skipping `skip` objects of the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    pub after: Option<(DateTime<Utc>, Option<String>)>,
    pub skip: usize,
}

impl Cursor {
    /// The opaque `next` value of this position.
    pub fn encode(&self) -> String {
        let (t, id) = match &self.after {
            Some((t, id)) => (
                t.timestamp_micros().to_string(),
                id.clone().unwrap_or_default(),
            ),
            None => (String::new(), String::new()),
        };
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{t}|{id}|{}", self.skip))
    }

    /// The position a `next` value this server gave stands for; `None` for any other value.
    pub fn decode(s: &str) -> Option<Cursor> {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
        let mut parts = text.splitn(3, '|');
        let (t, id, skip) = (parts.next()?, parts.next()?, parts.next()?);
        let skip = skip.parse().ok()?;
        let after = if t.is_empty() {
            None
        } else {
            let t = DateTime::<Utc>::from_timestamp_micros(t.parse().ok()?)?;
            Some((t, (!id.is_empty()).then(|| id.to_owned())))
        };
        Some(Cursor { after, skip })
    }
}

fn parse_time(field: &str, v: &str) -> TaxiiResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            bad_request(format!(
                "{field} must be an RFC 3339 timestamp, e.g. 2026-01-01T00:00:00.000Z."
            ))
        })
}

/// Reads the query string of a listing request (`limit` and `next` only where the listing pages):
/// a value that does not parse is a 400 naming the parameter; unknown parameters are ignored.
pub fn filters(query: Option<String>, allow_paging: bool) -> TaxiiResult<Filters> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or(""))
            .map_err(|_| bad_request("The query string cannot be read."))?;
    let mut f = Filters {
        limit: PAGE_DEFAULT,
        ..Default::default()
    };
    let list = |v: &str| -> Vec<String> {
        v.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect()
    };
    for (k, v) in pairs {
        match k.as_str() {
            "limit" if allow_paging => {
                f.limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| bad_request("limit must be a positive integer."))?
                    .min(PAGE_MAX);
            }
            "next" if allow_paging => {
                f.next = Some(
                    Cursor::decode(&v)
                        .ok_or_else(|| bad_request("next is not a value this server gave."))?,
                );
            }
            "added_after" => f.added_after = Some(parse_time("added_after", &v)?),
            "match[id]" => f.ids.extend(list(&v)),
            "match[type]" => f.types.extend(list(&v)),
            "match[version]" => {
                for x in list(&v) {
                    if !matches!(x.as_str(), "last" | "first" | "all") {
                        parse_time("match[version]", &x)?;
                        f.versions.push(x);
                    } else {
                        f.versions.push(x);
                    }
                }
            }
            "match[spec_version]" => f.spec_versions.extend(list(&v)),
            _ => {}
        }
    }
    Ok(f)
}

fn version_of(o: &Value) -> &str {
    o["modified"]
        .as_str()
        .or(o["created"].as_str())
        .unwrap_or_default()
}

fn same_time(a: &str, b: &str) -> bool {
    match (
        DateTime::parse_from_rfc3339(a),
        DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

impl Filters {
    fn keeps(&self, o: &Value) -> bool {
        let id = o["id"].as_str().unwrap_or_default();
        let ty = o["type"].as_str().unwrap_or_default();
        (self.ids.is_empty() || self.ids.iter().any(|x| x == id))
            && (self.types.is_empty() || self.types.iter().any(|x| x == ty))
            && (self.spec_versions.is_empty() || self.spec_versions.iter().any(|x| x == "2.1"))
            && (self.versions.is_empty()
                || self.versions.iter().any(|v| {
                    matches!(v.as_str(), "last" | "first" | "all") || same_time(v, version_of(o))
                }))
    }
}

/// Objects per listed record lately (hundredths; before any filter, so that a filtered read
/// does not shrink other readers' batches), across pages and readers: the first batch of a page
/// is sized by it. Only a size: what a page holds never depends on it.
static OBJECTS_PER_RECORD: AtomicUsize = AtomicUsize::new(500);

/// Folds one record's objects into [`OBJECTS_PER_RECORD`] (a moving average).
fn note_objects_per_record(n: usize) {
    let old = OBJECTS_PER_RECORD.load(Ordering::Relaxed);
    let new = (old * 15 + n * 100) / 16;
    OBJECTS_PER_RECORD.store(new, Ordering::Relaxed);
}

/// How many records to ask the store for when `wanted` more objects fill the page: enough for
/// `wanted` at the objects per record this page has seen (or lately seen, before its first
/// batch), and one more so that the last batch of a collection says there is no more.
fn batch_size(wanted: usize, seen_records: usize, seen_objects: usize) -> u32 {
    let per_100 = (seen_objects * 100)
        .checked_div(seen_records)
        .unwrap_or_else(|| OBJECTS_PER_RECORD.load(Ordering::Relaxed));
    // A filter may keep almost nothing of each record: then the largest batch.
    let records = (wanted * 100).div_ceil(per_100.max(1)) + 1;
    records.clamp(1, 500) as u32
}

/// One page of a collection's objects (each with its date added) and the cursor of the next.
async fn walk(
    s: &AppState,
    w: &Who,
    coll: &Collection,
    f: &Filters,
) -> TaxiiResult<(Vec<(Value, DateTime<Utc>)>, Option<Cursor>)> {
    let start = f.next.clone().unwrap_or(Cursor {
        after: f.added_after.map(|t| (t, None)),
        skip: 0,
    });
    let mut after = start.after;
    let mut skip = start.skip;
    let mut out: Vec<(Value, DateTime<Utc>)> = Vec::with_capacity(f.limit.min(PAGE_MAX));
    // What this page has seen so far: records and the objects of theirs the filters kept.
    let (mut seen_records, mut seen_objects) = (0usize, 0usize);
    loop {
        let batch = batch_size(f.limit - out.len(), seen_records, seen_objects);
        let (entries, more) = s
            .app
            .taxii_entries(w.reader(), coll, after.clone(), batch)
            .await?;
        if entries.is_empty() {
            return Ok((out, None));
        }
        for e in entries {
            note_objects_per_record(e.objects.len());
            let objs: Vec<Value> = e.objects.into_iter().filter(|o| f.keeps(o)).collect();
            seen_records += 1;
            seen_objects += objs.len();
            for (i, o) in objs.into_iter().enumerate().skip(skip) {
                if out.len() == f.limit {
                    return Ok((out, Some(Cursor { after, skip: i })));
                }
                out.push((o, e.added));
            }
            skip = 0;
            after = Some((e.added, Some(e.key)));
        }
        if !more {
            return Ok((out, None));
        }
        if out.len() == f.limit {
            return Ok((out, Some(Cursor { after, skip: 0 })));
        }
    }
}

fn date_headers(page: &[(Value, DateTime<Utc>)]) -> Vec<(&'static str, String)> {
    let (Some(first), Some(last)) = (
        page.iter().map(|p| p.1).min(),
        page.iter().map(|p| p.1).max(),
    ) else {
        return vec![];
    };
    vec![
        ("x-taxii-date-added-first", timestamp(first)),
        ("x-taxii-date-added-last", timestamp(last)),
    ]
}

fn envelope(page: Vec<(Value, DateTime<Utc>)>, next: Option<Cursor>) -> Response {
    let headers = date_headers(&page);
    let mut body = json!({ "more": next.is_some() });
    if let Some(n) = &next {
        body["next"] = json!(n.encode());
    }
    if !page.is_empty() {
        body["objects"] = Value::Array(page.into_iter().map(|(o, _)| o).collect());
    }
    answer(StatusCode::OK, body, headers)
}

async fn objects(
    State(s): State<AppState>,
    Path((root, cid)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> TaxiiResult<Response> {
    check_accept(&headers)?;
    let w = who(&s, &root, &headers, "read").await?;
    let c = find_collection(&s, &w, &cid).await?;
    let f = filters(q, true)?;
    let (page, next) = walk(&s, &w, &c.kind, &f).await?;
    Ok(envelope(page, next))
}

async fn object(
    State(s): State<AppState>,
    Path((root, cid, oid)): Path<(String, String, String)>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> TaxiiResult<Response> {
    check_accept(&headers)?;
    let w = who(&s, &root, &headers, "read").await?;
    let c = find_collection(&s, &w, &cid).await?;
    let mut f = filters(q, true)?;
    f.ids = vec![oid];
    let (page, next) = walk(&s, &w, &c.kind, &f).await?;
    if page.is_empty() {
        return Err(AppError::NotFound.into());
    }
    Ok(envelope(page, next))
}

async fn versions(
    State(s): State<AppState>,
    Path((root, cid, oid)): Path<(String, String, String)>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> TaxiiResult<Response> {
    check_accept(&headers)?;
    let w = who(&s, &root, &headers, "read").await?;
    let c = find_collection(&s, &w, &cid).await?;
    let mut f = filters(q, false)?;
    f.ids = vec![oid];
    f.limit = PAGE_MAX;
    let (page, _) = walk(&s, &w, &c.kind, &f).await?;
    if page.is_empty() {
        return Err(AppError::NotFound.into());
    }
    let headers = date_headers(&page);
    let mut vs: Vec<String> = page.iter().map(|(o, _)| version_of(o).to_owned()).collect();
    vs.sort();
    vs.dedup();
    Ok(answer(
        StatusCode::OK,
        json!({ "more": false, "versions": vs }),
        headers,
    ))
}

async fn manifest(
    State(s): State<AppState>,
    Path((root, cid)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> TaxiiResult<Response> {
    check_accept(&headers)?;
    let w = who(&s, &root, &headers, "read").await?;
    let c = find_collection(&s, &w, &cid).await?;
    let f = filters(q, true)?;
    let (page, next) = walk(&s, &w, &c.kind, &f).await?;
    let headers = date_headers(&page);
    let items: Vec<Value> = page
        .iter()
        .map(|(o, added)| {
            json!({
                "id": o["id"],
                "date_added": timestamp(*added),
                "version": version_of(o),
                "media_type": STIX_MEDIA_TYPE,
            })
        })
        .collect();
    let mut body = json!({ "more": next.is_some() });
    if let Some(n) = &next {
        body["next"] = json!(n.encode());
    }
    if !items.is_empty() {
        body["objects"] = Value::Array(items);
    }
    Ok(answer(StatusCode::OK, body, headers))
}

async fn add_objects(
    State(s): State<AppState>,
    Path((root, cid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> TaxiiResult<Response> {
    check_accept(&headers)?;
    let w = who(&s, &root, &headers, "write").await?;
    let c = find_collection(&s, &w, &cid).await?;
    let Who::Person(actor) = &w else {
        return Err(
            AppError::forbidden("書き込めません。", "This collection is read-only.").into(),
        );
    };
    if !c.can_write {
        return Err(AppError::forbidden(
            "この収集には書き込めません。",
            "This collection is read-only for you.",
        )
        .into());
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .replace(' ', "");
    if !ct.starts_with("application/taxii+json") {
        return Err(TaxiiError {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            title: "Unsupported media type".into(),
            description: format!("Send an envelope as {TAXII_MEDIA_TYPE}."),
        });
    }
    let envelope: Value = serde_json::from_slice(&body)
        .map_err(|e| bad_request(format!("The body is not JSON: {e}")))?;
    let Some(objects) = envelope["objects"].as_array().cloned() else {
        return Err(bad_request("The envelope has no objects list."));
    };
    let status = s.app.taxii_add(actor, objects).await?;
    Ok(answer(
        StatusCode::ACCEPTED,
        serde_json::to_value(&status).map_err(|e| AppError::Internal(e.to_string()))?,
        vec![],
    ))
}

async fn status(
    State(s): State<AppState>,
    Path((root, sid)): Path<(String, String)>,
    headers: HeaderMap,
) -> TaxiiResult<Response> {
    check_accept(&headers)?;
    let w = who(&s, &root, &headers, "read").await?;
    let Who::Person(actor) = &w else {
        return Err(AppError::NotFound.into());
    };
    let st = s.app.taxii_status(actor, &sid).await?;
    Ok(answer(
        StatusCode::OK,
        serde_json::to_value(&st).map_err(|e| AppError::Internal(e.to_string()))?,
        vec![],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_sized_by_objects() {
        // 5 objects a record: 200 records fill 1,000 objects, and one more says whether more.
        assert_eq!(batch_size(1000, 40, 200), 201);
        assert_eq!(batch_size(100, 3, 15), 21);
        // What is still wanted after a short batch.
        assert_eq!(batch_size(7, 40, 200), 3);
        // Records of 3 objects: ⌈1000 / 3⌉ + 1.
        assert_eq!(batch_size(1000, 3, 9), 335);
        // A filter that kept nothing yet: the largest batch.
        assert_eq!(batch_size(1000, 10, 0), 500);
        assert_eq!(batch_size(1, 10, 0), 101);
        // Before any record, the recent average; never nothing, never more than 500.
        let first = batch_size(100, 0, 0);
        assert!((1..=500).contains(&first), "{first}");
        assert_eq!(batch_size(0, 1, 5), 1);
    }
}
