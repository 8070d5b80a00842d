//! 突合 over JSON: NISC's candidate links between the reports it holds, its incidents (I<n>)
//! linking chains, and dismissed candidates. NISC staff only: the listings refuse anyone else
//! with 403, an incident id is the same 404 as a missing one.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kakehashi_app::cross_check::{ChainList, NewIncident};
use serde_json::{json, Value};

/// Candidate links between the chains NISC reads: groups of chains sharing an indicator, or
/// (across organisations) the same event and cause discovered within 48 hours, each link with
/// its reasons and score, strongest group first.
#[utoipa::path(get, path = "/api/v1/cross-check/candidates", tag = "cross_check", security(("token" = ["read"])),
    responses((status = 200, description = "Candidate groups (`items`)"), (status = 403, description = "Not NISC staff")))]
pub async fn candidates(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.cross_check_candidates(&a.actor).await?)))
}

/// Dismiss a candidate: no pair among these chains is proposed again.
#[utoipa::path(post, path = "/api/v1/cross-check/dismissals", tag = "cross_check", request_body = ChainList, security(("token" = ["write"])),
    responses((status = 201, description = "Dismissed (`pairs`: how many pairs)"), (status = 403, description = "Not NISC staff with the approver role"),
        (status = 422, description = "`chains`: fewer than two, or one the caller does not read")))]
pub async fn dismiss(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<ChainList>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let pairs = s.app.dismiss_candidate(&a.actor, body).await?;
    Ok((StatusCode::CREATED, Json(json!({ "pairs": pairs }))))
}

/// Link chains into a new incident, numbered I<n>.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "cross_check", request_body = NewIncident, security(("token" = ["write"])),
    responses((status = 201, description = "Created and numbered I<n>"), (status = 403, description = "Not NISC staff with the approver role"),
        (status = 409, description = "A chain was linked into another incident meanwhile"),
        (status = 422, description = "A field breaks its rule (missing title, no chain, a chain the caller does not read or one already in an incident)")))]
pub async fn create(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewIncident>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok((
        StatusCode::CREATED,
        Json(json!(s.app.create_incident(&a.actor, body).await?)),
    ))
}

/// The incidents, newest first, each with its chains.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "cross_check", security(("token" = ["read"])),
    responses((status = 200, description = "Incidents (`items`)"), (status = 403, description = "Not NISC staff")))]
pub async fn list(State(s): State<AppState>, ApiAuth(a): ApiAuth) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!({ "items": s.app.incidents(&a.actor).await? })))
}

/// One incident with its chains (R-numbers, sectors and reporting organisations by name).
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "cross_check", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The incident"), (status = 404, description = "Not found or not readable")))]
pub async fn get(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.incident(&a.actor, &id).await?)))
}

/// Add chains to an incident.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/chains", tag = "cross_check", params(("id" = String, Path)), request_body = ChainList, security(("token" = ["write"])),
    responses((status = 200, description = "The incident with its chains"), (status = 403, description = "Readable, but the caller is no NISC approver"),
        (status = 404, description = "Not found or not readable"), (status = 409, description = "A chain was linked into another incident meanwhile"),
        (status = 422, description = "`chains`: none, one the caller does not read, or one already in an incident")))]
pub async fn add_chains(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChainList>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(json!(
        s.app.add_incident_chains(&a.actor, &id, body).await?
    )))
}

/// Remove a chain from an incident.
#[utoipa::path(delete, path = "/api/v1/incidents/{id}/chains/{chain}", tag = "cross_check", params(("id" = String, Path), ("chain" = String, Path)), security(("token" = ["write"])),
    responses((status = 204, description = "Removed"), (status = 403, description = "Readable, but the caller is no NISC approver"),
        (status = 404, description = "No such incident readable, or the chain is not in it")))]
pub async fn remove_chain(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path((id, chain)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app.remove_incident_chain(&a.actor, &id, &chain).await?;
    Ok(StatusCode::NO_CONTENT)
}
