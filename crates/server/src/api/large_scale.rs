//! 大規模重要インフラサービス障害対応時 over JSON: the mode in force, declaring and ending it.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kakehashi_app::large_scale::Declare;
use serde::Deserialize;
use serde_json::{json, Value};

/// The large-scale outage mode in force (`mode` is null in normal times).
#[utoipa::path(get, path = "/api/v1/large-scale", tag = "large_scale", security(("token" = ["read"])),
    responses((status = 200, description = "The mode in force, or null"), (status = 401, description = "Not signed in")))]
pub async fn state(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!({ "mode": s.app.large_scale().await? })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DeclareBody {
    /// Sector ids; empty or omitted: every sector.
    #[serde(default)]
    pub sectors: Vec<String>,
    /// cyber, disaster, terrorism or other.
    pub cause: String,
    pub reason: String,
}

/// Declare the mode (NISC or the crisis-management office, approvers): scope, cause, reason.
#[utoipa::path(post, path = "/api/v1/large-scale", tag = "large_scale", request_body = DeclareBody, security(("token" = ["write"])),
    responses((status = 201, description = "Declared"), (status = 403, description = "Not NISC's or the crisis-management office's approver"), (status = 422, description = "Unknown cause or sector, missing reason")))]
pub async fn declare(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<DeclareBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let mode = s
        .app
        .declare_large_scale(
            &a.actor,
            Declare {
                sectors: body.sectors,
                cause: body.cause,
                reason: body.reason,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!(mode))))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EndBody {
    pub reason: String,
}

/// End the mode: access falls back to the normal rules at once.
#[utoipa::path(post, path = "/api/v1/large-scale/end", tag = "large_scale", request_body = EndBody, security(("token" = ["write"])),
    responses((status = 204, description = "Ended"), (status = 403, description = "Not NISC's or the crisis-management office's approver"), (status = 409, description = "Not declared"), (status = 422, description = "Missing reason")))]
pub async fn end(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<EndBody>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app.end_large_scale(&a.actor, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The large-scale episodes on record, newest first (the one in force, if any, first).
#[utoipa::path(get, path = "/api/v1/large-scale/episodes", tag = "large_scale", security(("token" = ["read"])),
    responses((status = 200, description = "Episodes, newest first"), (status = 401, description = "Not signed in")))]
pub async fn episodes(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        json!({ "items": s.app.large_scale_episodes().await? }),
    ))
}

/// The record of one episode: declarations, the cases of the declared sectors and the
/// provisions to them during the episode, and its end, in time order — only what the caller
/// may read.
#[utoipa::path(get, path = "/api/v1/large-scale/episodes/{number}", tag = "large_scale", security(("token" = ["read"])),
    params(("number" = u32, Path, description = "Episode number (1 for the first on record)")),
    responses((status = 200, description = "The episode and its timeline"), (status = 401, description = "Not signed in"), (status = 404, description = "No such episode")))]
pub async fn episode(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(number): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let number: u32 = number
        .parse()
        .map_err(|_| ApiError::from(kakehashi_app::AppError::NotFound))?;
    Ok(Json(json!(
        s.app.large_scale_record(&a.actor, number).await?
    )))
}
