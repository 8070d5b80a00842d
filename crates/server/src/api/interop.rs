//! Interchange over HTTP: STIX bundles and MISP events imported as source items, a provision as
//! a MISP event, and the MISP feed (`/misp/feed/…`) a MISP instance pulls with an API token.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kakehashi_app::identity::Actor;
use kakehashi_app::interop::{ImportFormat, ImportRequest};
use kakehashi_app::AppError;
use kakehashi_domain::misp;
use serde_json::{json, Map, Value};

/// Import a STIX 2.1 bundle as a source item (NISC approvers). The bundle is checked whole —
/// JSON, `spec_version`, required properties, ids, timestamps, STIX pattern syntax, references —
/// and its TLP taken from its markings; content without a TLP marking, or with a marking that is
/// not TLP, needs `tlp`, which is never wider than a marking the bundle carries. A refusal lists
/// every problem as `<object id>.<property>` with its rule; nothing is stored.
#[utoipa::path(post, path = "/api/v1/source-items/stix", tag = "provision", request_body = ImportRequest, security(("token" = ["write"])),
    responses((status = 201, description = "Imported: the source item, its text and indicators", body = kakehashi_app::interop::ImportedSource),
        (status = 403, description = "Not NISC staff with the approver role"),
        (status = 422, description = "The bundle is refused (each problem names the object, property and rule), or `tlp` / `allowed_sectors` is unknown")))]
pub async fn import_stix(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<ImportRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let out = s
        .app
        .import_source(&a.actor, ImportFormat::Stix, body)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(out))))
}

/// Import a MISP event (`{"Event": …}`) as a source item (NISC approvers): attributes become
/// indicators, `tlp:` tags the TLP (`tlp:white` is CLEAR), as for STIX.
#[utoipa::path(post, path = "/api/v1/source-items/misp", tag = "provision", request_body = ImportRequest, security(("token" = ["write"])),
    responses((status = 201, description = "Imported: the source item, its text and indicators", body = kakehashi_app::interop::ImportedSource),
        (status = 403, description = "Not NISC staff with the approver role"),
        (status = 422, description = "The event is refused (each problem names the object, property and rule), or `tlp` / `allowed_sectors` is unknown")))]
pub async fn import_misp(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<ImportRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let out = s
        .app
        .import_source(&a.actor, ImportFormat::Misp, body)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(out))))
}

/// A sent provision as a MISP event (`{"Event": …}`) of what the caller may read: indicators as
/// attributes with `to_ids`, the TLP as a `tlp:` tag, the form's fields as the
/// `kakehashi-provision` object and machine tags. Uuids are stable (UUIDv5 of the provision).
#[utoipa::path(get, path = "/api/v1/provisions/{id}/misp", tag = "provision", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The MISP event"), (status = 404, description = "Not found or not readable"),
        (status = 409, description = "Not sent yet")))]
pub async fn provision_event(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        s.app
            .provision_misp_event(&a.actor, &id)
            .await?
            .into_inner(),
    ))
}

/// The caller of a feed route: an API token with the `read` scope, sent as MISP sends a feed's
/// custom header — `Authorization: <token>` or `Authorization: Bearer <token>`.
pub struct FeedAuth(pub Actor);

impl FromRequestParts<AppState> for FeedAuth {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let raw = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(AppError::Unauthenticated)?
            .trim();
        let token = raw.strip_prefix("Bearer ").unwrap_or(raw).trim();
        if token.is_empty() {
            return Err(AppError::Unauthenticated.into());
        }
        let (actor, rec) = state.app.token_actor(token).await?;
        if actor.record.must_change_password {
            return Err(AppError::PasswordChangeRequired.into());
        }
        if !rec.scopes.iter().any(|s| s == "read") {
            state.app.note_refusal(Some(&actor), "scope", Some("read"));
            return Err(AppError::forbidden(
                "このトークンには「read」スコープがありません。",
                "This token lacks the 'read' scope.",
            )
            .into());
        }
        Ok(FeedAuth(actor))
    }
}

/// `manifest.json`: every event of the feed by uuid, with what MISP lists before fetching.
pub async fn feed_manifest(
    State(s): State<AppState>,
    FeedAuth(actor): FeedAuth,
) -> Result<Json<Value>, ApiError> {
    let mut m = Map::new();
    for (_, ev) in s.app.misp_feed(&actor).await? {
        let (uuid, entry) = misp::manifest_entry(ev.get());
        m.insert(uuid, entry);
    }
    Ok(Json(Value::Object(m)))
}

/// `hashes.csv`: the MD5 of every attribute value with its event uuid.
pub async fn feed_hashes(
    State(s): State<AppState>,
    FeedAuth(actor): FeedAuth,
) -> Result<Response, ApiError> {
    let mut body = String::new();
    for (_, ev) in s.app.misp_feed(&actor).await? {
        for line in misp::hash_lines(ev.get()) {
            body.push_str(&line);
            body.push('\n');
        }
    }
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], body).into_response())
}

/// `<uuid>.json`: one event of the feed; an event the caller may not read is the same 404 as
/// none.
pub async fn feed_event(
    State(s): State<AppState>,
    FeedAuth(actor): FeedAuth,
    Path(file): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let uuid = file.strip_suffix(".json").ok_or(AppError::NotFound)?;
    let id = s
        .app
        .provisions(&actor, kakehashi_app::interop::FEED_LIMIT)
        .await?
        .into_iter()
        .map(|p| p.id)
        .find(|id| misp::event_uuid(id) == uuid)
        .ok_or(AppError::NotFound)?;
    Ok(Json(
        s.app.provision_misp_event(&actor, &id).await?.into_inner(),
    ))
}
