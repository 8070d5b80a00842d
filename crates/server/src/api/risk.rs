//! リスク登録簿と事業継続計画 over JSON: an operator's own risk register (criteria, services,
//! assets, risks, treatment plans) and continuity plans with the annex checklist. Nobody
//! outside the organisation reads them; an id of another organisation's entry is a 404.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kakehashi_app::continuity::{ChecklistInput, PlanInput, PlanStatusInput};
use kakehashi_app::risk::{AssetInput, RiskInput, ServiceInput, TreatmentInput};
use kakehashi_domain::risk::RiskCriteria;
use serde_json::{json, Value};

/// The caller's organisation's risk register: criteria (the template until set), services,
/// assets, risks with their level, evaluation, state and any 要再評価 flag, treatment plans.
#[utoipa::path(get, path = "/api/v1/risk/register", tag = "risk", security(("token" = ["read"])),
    responses((status = 200, description = "The register"), (status = 403, description = "Not a CI operator")))]
pub async fn register(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.risk_register(&a.actor).await?.get())))
}

/// Set the risk criteria: levels of each scale (1..=10; one level leaves the factor out),
/// optional level names, and the threshold (1..=the product of the levels).
#[utoipa::path(put, path = "/api/v1/risk/criteria", tag = "risk", request_body = RiskCriteria, security(("token" = ["write"])),
    responses((status = 200, description = "Set"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 422, description = "A scale, its names or the threshold breaks its rule; nothing stored")))]
pub async fn criteria(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<RiskCriteria>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(json!(s.app.set_risk_criteria(&a.actor, body).await?)))
}

fn created(id: String) -> (StatusCode, Json<Value>) {
    (StatusCode::CREATED, Json(json!({ "id": id })))
}

/// Add a CI service (with its operations) to the scope.
#[utoipa::path(post, path = "/api/v1/risk/services", tag = "risk", request_body = ServiceInput, security(("token" = ["write"])),
    responses((status = 201, description = "Added"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 422, description = "A field breaks its rule; nothing stored")))]
pub async fn add_service(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<ServiceInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok(created(
        s.app.save_risk_service(&a.actor, None, body).await?,
    ))
}

/// Replace a service of the scope.
#[utoipa::path(put, path = "/api/v1/risk/services/{id}", tag = "risk", params(("id" = String, Path)), request_body = ServiceInput, security(("token" = ["write"])),
    responses((status = 200, description = "Replaced"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 404, description = "No such service in the caller's register"), (status = 422, description = "A field breaks its rule; nothing changed")))]
pub async fn put_service(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ServiceInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(
        json!({ "id": s.app.save_risk_service(&a.actor, Some(&id), body).await? }),
    ))
}

/// Add an asset (resource) of the scope.
#[utoipa::path(post, path = "/api/v1/risk/assets", tag = "risk", request_body = AssetInput, security(("token" = ["write"])),
    responses((status = 201, description = "Added"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 422, description = "A field breaks its rule (`kind`, `importance` off the impact scale, an unknown service); nothing stored")))]
pub async fn add_asset(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<AssetInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok(created(s.app.save_risk_asset(&a.actor, None, body).await?))
}

/// Replace an asset.
#[utoipa::path(put, path = "/api/v1/risk/assets/{id}", tag = "risk", params(("id" = String, Path)), request_body = AssetInput, security(("token" = ["write"])),
    responses((status = 200, description = "Replaced"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 404, description = "No such asset in the caller's register"), (status = 422, description = "A field breaks its rule; nothing changed")))]
pub async fn put_asset(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssetInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(
        json!({ "id": s.app.save_risk_asset(&a.actor, Some(&id), body).await? }),
    ))
}

/// Add a risk (identification; analysis factors when known).
#[utoipa::path(post, path = "/api/v1/risk/risks", tag = "risk", request_body = RiskInput, security(("token" = ["write"])),
    responses((status = 201, description = "Added"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 422, description = "A field breaks its rule (`method`, `categories`, a factor off its scale, an unknown asset or service); nothing stored")))]
pub async fn add_risk(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<RiskInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok(created(s.app.save_risk(&a.actor, None, body).await?))
}

/// Replace a risk (its 要再評価 flag stays until marked reassessed).
#[utoipa::path(put, path = "/api/v1/risk/risks/{id}", tag = "risk", params(("id" = String, Path)), request_body = RiskInput, security(("token" = ["write"])),
    responses((status = 200, description = "Replaced"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 404, description = "No such risk in the caller's register"), (status = 422, description = "A field breaks its rule; nothing changed")))]
pub async fn put_risk(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RiskInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(
        json!({ "id": s.app.save_risk(&a.actor, Some(&id), body).await? }),
    ))
}

/// Clear a risk's 要再評価 flag once it has been reassessed.
#[utoipa::path(post, path = "/api/v1/risk/risks/{id}/reassessed", tag = "risk", params(("id" = String, Path)), security(("token" = ["write"])),
    responses((status = 204, description = "Cleared"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 404, description = "No such risk in the caller's register"), (status = 409, description = "The risk is not flagged")))]
pub async fn reassessed(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app.mark_risk_reassessed(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a treatment plan to a risk.
#[utoipa::path(post, path = "/api/v1/risk/treatments", tag = "risk", request_body = TreatmentInput, security(("token" = ["write"])),
    responses((status = 201, description = "Added"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 422, description = "A field breaks its rule (`risk` unknown, `due_on`, `status`); nothing stored")))]
pub async fn add_treatment(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<TreatmentInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok(created(
        s.app.save_risk_treatment(&a.actor, None, body).await?,
    ))
}

/// Replace a treatment plan (its status moves forward, or a done plan reopens).
#[utoipa::path(put, path = "/api/v1/risk/treatments/{id}", tag = "risk", params(("id" = String, Path)), request_body = TreatmentInput, security(("token" = ["write"])),
    responses((status = 200, description = "Replaced"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 404, description = "No such plan in the caller's register"), (status = 422, description = "A field breaks its rule, or the status cannot move back; nothing changed")))]
pub async fn put_treatment(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TreatmentInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(
        json!({ "id": s.app.save_risk_treatment(&a.actor, Some(&id), body).await? }),
    ))
}

/// Remove an entry (a service, an asset, a risk with its plans, or a plan).
#[utoipa::path(delete, path = "/api/v1/risk/entries/{id}", tag = "risk", params(("id" = String, Path)), security(("token" = ["write"])),
    responses((status = 204, description = "Removed"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 404, description = "No such entry in the caller's register")))]
pub async fn remove(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app.delete_risk_entry(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The annex's checklist (31 considerations under 7 characteristics of cyber-attack risk),
/// the threat categories, the supply-chain threats and the analysis methods, each with its
/// seed lines.
#[utoipa::path(get, path = "/api/v1/continuity/checklist", tag = "risk", security(("token" = ["read"])),
    responses((status = 200, description = "The reference data")))]
pub async fn checklist(ApiAuth(a): ApiAuth) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(kakehashi_reference::risk_reference())))
}

/// The caller's organisation's continuity plans.
#[utoipa::path(get, path = "/api/v1/continuity/plans", tag = "risk", security(("token" = ["read"])),
    responses((status = 200, description = "Plans"), (status = 403, description = "Not a CI operator")))]
pub async fn plans(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        json!({ "items": s.app.continuity_plans(&a.actor).await?.get() }),
    ))
}

/// Create a plan (as a draft).
#[utoipa::path(post, path = "/api/v1/continuity/plans", tag = "risk", request_body = PlanInput, security(("token" = ["write"])),
    responses((status = 201, description = "Created"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 422, description = "A field breaks its rule (`kind`, `title`, `hands_over_to` not a BCP, `review_on`); nothing stored")))]
pub async fn create_plan(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<PlanInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok(created(
        s.app.save_continuity_plan(&a.actor, None, body).await?,
    ))
}

/// One plan with its checklist rows, counts, approval gaps and review state.
#[utoipa::path(get, path = "/api/v1/continuity/plans/{id}", tag = "risk", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The plan"), (status = 403, description = "Not a CI operator"), (status = 404, description = "No such plan of the caller's organisation")))]
pub async fn plan(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s
        .app
        .continuity_plan(&a.actor, &id)
        .await?
        .get())))
}

/// Replace a plan's content (status and checklist stay).
#[utoipa::path(put, path = "/api/v1/continuity/plans/{id}", tag = "risk", params(("id" = String, Path)), request_body = PlanInput, security(("token" = ["write"])),
    responses((status = 200, description = "Replaced"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 404, description = "No such plan of the caller's organisation"), (status = 422, description = "A field breaks its rule; nothing changed")))]
pub async fn put_plan(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PlanInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    Ok(Json(
        json!({ "id": s.app.save_continuity_plan(&a.actor, Some(&id), body).await? }),
    ))
}

/// Record checklist answers (pass / fail / unchecked with notes, per item id).
#[utoipa::path(put, path = "/api/v1/continuity/plans/{id}/checklist", tag = "risk", params(("id" = String, Path)), request_body = ChecklistInput, security(("token" = ["write"])),
    responses((status = 204, description = "Recorded"), (status = 403, description = "Not a CI operator's reporter, approver or organisation admin"),
        (status = 404, description = "No such plan of the caller's organisation"), (status = 422, description = "An unknown item or result, or notes too long; nothing changed")))]
pub async fn set_checklist(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ChecklistInput>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app.set_plan_checklist(&a.actor, &id, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move a plan: approve a draft (approvers, once nothing is missing), revise, retire.
#[utoipa::path(post, path = "/api/v1/continuity/plans/{id}/status", tag = "risk", params(("id" = String, Path)), request_body = PlanStatusInput, security(("token" = ["write"])),
    responses((status = 204, description = "Moved"), (status = 403, description = "Not allowed to change or approve it"),
        (status = 404, description = "No such plan of the caller's organisation"), (status = 409, description = "The plan cannot move there"),
        (status = 422, description = "Unknown status, or approval misses a part (named in the field)")))]
pub async fn set_status(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PlanStatusInput>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app.set_plan_status(&a.actor, &id, body).await?;
    Ok(StatusCode::NO_CONTENT)
}
