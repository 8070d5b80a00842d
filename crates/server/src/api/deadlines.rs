//! 報告期限 over JSON: each sector's reporting policy (NISC and the overseeing ministry set it)
//! and the overdue view of ministries and NISC.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kakehashi_app::deadlines::PolicyInput;
use serde_json::{json, Value};

/// Every sector's reporting policy (`policy: null` = no deadlines), whether the caller may set
/// it, the presets for comparison (the NIS2-style 24 h / 72 h / one month) and the reminder
/// window. A span is `{"unit": "hours"|"days"|"months", "value": n}`.
#[utoipa::path(get, path = "/api/v1/reporting-policies", tag = "liaison", security(("token" = ["read"])),
    responses((status = 200, description = "Policies by sector, presets, reminder window")))]
pub async fn list(State(s): State<AppState>, ApiAuth(a): ApiAuth) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.reporting_policies(&a.actor).await?)))
}

/// Set a sector's reporting policy: `{"preset": "nis2"}`, or `first_report` with optional
/// `follow_up_every` and `final_report`. NISC for every sector, a CI ministry for the sectors it
/// oversees (approvers); audited.
#[utoipa::path(put, path = "/api/v1/reporting-policies/{sector}", tag = "liaison", params(("sector" = String, Path)), request_body = PolicyInput, security(("token" = ["admin"])),
    responses((status = 200, description = "Set"), (status = 403, description = "Neither NISC nor the ministry overseeing the sector, or not an approver"),
        (status = 404, description = "No such sector"),
        (status = 422, description = "`preset` unknown; `first_report` missing; a span's unit unknown, not positive or longer than a year; `final_report` before `first_report`; nothing stored")))]
pub async fn put(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(sector): Path<String>,
    ApiJson(body): ApiJson<PolicyInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("admin")?;
    Ok(Json(json!(
        s.app.set_reporting_policy(&a.actor, &sector, body).await?
    )))
}

/// Remove a sector's reporting policy: back to no deadlines.
#[utoipa::path(delete, path = "/api/v1/reporting-policies/{sector}", tag = "liaison", params(("sector" = String, Path)), security(("token" = ["admin"])),
    responses((status = 204, description = "Removed"), (status = 403, description = "Neither NISC nor the ministry overseeing the sector, or not an approver"),
        (status = 404, description = "No such sector, or it has no policy")))]
pub async fn remove(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(sector): Path<String>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("admin")?;
    s.app.clear_reporting_policy(&a.actor, &sector).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Open cases the caller may read (the case listing's rows) whose next deadline has passed or
/// falls within the reminder window: each with what is due (`first`, `follow_up`, `final`),
/// when (UTC and JST) and how late. NISC and the CI ministries.
#[utoipa::path(get, path = "/api/v1/liaisons/overdue", tag = "liaison", security(("token" = ["read"])),
    responses((status = 200, description = "Rows, most overdue first"), (status = 403, description = "Neither NISC nor a CI ministry")))]
pub async fn overdue(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!({ "items": s.app.overdue(&a.actor).await? })))
}
