//! The other actors of the diagram over JSON: what they send NISC (N16, N18, N19), NISC
//! recording one as a source, and NISC's requests for cooperation (連携要請, N15, N17) with the
//! addressees' replies and statuses.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kakehashi_app::actors::{NewRequest, NewSubmission};
use kakehashi_domain::OrgId;
use serde::Deserialize;
use serde_json::{json, Value};

/// Send NISC information on the form fit for the caller's kind of organisation.
#[utoipa::path(post, path = "/api/v1/submissions", tag = "actors", request_body = NewSubmission, security(("token" = ["write"])),
    responses((status = 201, description = "Sent and numbered S<n>"),
        (status = 403, description = "The caller's kind of organisation does not send on this form, or the caller is no reporter or approver"),
        (status = 422, description = "A field breaks its rule (a kind the sender's role does not send, a missing title or body, an unknown TLP, importance or sector)")))]
pub async fn submit(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewSubmission>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok((
        StatusCode::CREATED,
        Json(json!(s.app.submit_to_nisc(&a.actor, body).await?)),
    ))
}

/// The submissions the caller may read (NISC: all; a sender: its own; the crisis-management
/// office in a large-scale outage: damage and response status of the declared sectors).
#[utoipa::path(get, path = "/api/v1/submissions", tag = "actors", security(("token" = ["read"])),
    responses((status = 200, description = "Submissions, newest first")))]
pub async fn submissions(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!({ "items": s.app.submissions(&a.actor).await? })))
}

/// One submission.
#[utoipa::path(get, path = "/api/v1/submissions/{id}", tag = "actors", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The submission"), (status = 404, description = "Not found or not readable")))]
pub async fn submission(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.submission(&a.actor, &id).await?)))
}

/// Record a submission as a source item for provisions (NISC).
#[utoipa::path(post, path = "/api/v1/submissions/{id}/source", tag = "actors", params(("id" = String, Path)), security(("token" = ["write"])),
    responses((status = 201, description = "Recorded as a source item"), (status = 403, description = "Readable, but the caller is no NISC approver"),
        (status = 404, description = "Not found or not readable"), (status = 409, description = "Already recorded")))]
pub async fn record_source(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok((
        StatusCode::CREATED,
        Json(json!(s.app.record_submission_source(&a.actor, &id).await?)),
    ))
}

/// Send a request for cooperation (NISC's approvers).
#[utoipa::path(post, path = "/api/v1/cooperation-requests", tag = "actors", request_body = NewRequest, security(("token" = ["write"])),
    responses((status = 201, description = "Sent and numbered K<n>"), (status = 403, description = "Not NISC staff with the approver role"),
        (status = 422, description = "A field breaks its rule (missing title or body, unknown TLP, no addressee or one that cannot be asked)")))]
pub async fn send_request(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok((
        StatusCode::CREATED,
        Json(json!(s.app.send_request(&a.actor, body).await?)),
    ))
}

/// The requests the caller may read (NISC: all, with every addressee's status; an addressee:
/// those addressed to it, with its own status).
#[utoipa::path(get, path = "/api/v1/cooperation-requests", tag = "actors", security(("token" = ["read"])),
    responses((status = 200, description = "Requests, newest first")))]
pub async fn requests(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!({ "items": s.app.requests(&a.actor).await? })))
}

/// One request with the answers and reply threads the caller may see.
#[utoipa::path(get, path = "/api/v1/cooperation-requests/{id}", tag = "actors", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The request"), (status = 404, description = "Not found or not readable")))]
pub async fn request(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.request(&a.actor, &id).await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReplyBody {
    pub message: String,
    /// The addressee whose thread NISC replies on (NISC only; an addressee writes on its own).
    #[serde(default)]
    pub addressee: Option<OrgId>,
}

/// Reply on a thread: an addressee on its own, NISC on the addressee's it names.
#[utoipa::path(post, path = "/api/v1/cooperation-requests/{id}/messages", tag = "actors", params(("id" = String, Path)), request_body = ReplyBody, security(("token" = ["write"])),
    responses((status = 204, description = "Posted"), (status = 403, description = "The caller is no reporter or approver"),
        (status = 404, description = "Not found or not readable"), (status = 422, description = "An empty message, or no addressee's thread named")))]
pub async fn reply(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReplyBody>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app
        .reply_request(&a.actor, &id, body.addressee.as_ref(), &body.message)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StatusBody {
    /// accepted, in_progress, answered or declined.
    pub status: String,
}

/// Set the caller's organisation's answer status (addressees only).
#[utoipa::path(put, path = "/api/v1/cooperation-requests/{id}/status", tag = "actors", params(("id" = String, Path)), request_body = StatusBody, security(("token" = ["write"])),
    responses((status = 200, description = "The new status"), (status = 403, description = "Readable, but the caller is no addressee's reporter or approver"),
        (status = 404, description = "Not found or not readable"), (status = 409, description = "Changed meanwhile by someone else"),
        (status = 422, description = "An unknown status, or a move the answer's state does not allow")))]
pub async fn set_status(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StatusBody>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    let to = s
        .app
        .set_request_status(&a.actor, &id, &body.status)
        .await?;
    Ok(Json(json!({ "status": to })))
}
