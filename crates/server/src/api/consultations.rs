//! 相談 over JSON: an operator consults its ministry, its CEPTOAR or NISC before filing
//! (手引書 Ⅱ.2.1); the two organisations write on the thread and either closes it. A first
//! report names the consultation it followed in `consultation` (`POST /api/v1/liaisons`).

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kakehashi_app::consultations::NewConsultation;
use serde::Deserialize;
use serde_json::{json, Value};

/// Open a consultation (an operator's reporters and approvers).
#[utoipa::path(post, path = "/api/v1/consultations", tag = "consultations", request_body = NewConsultation, security(("token" = ["write"])),
    responses((status = 201, description = "Opened and numbered C<n>; the addressee's people are told"),
        (status = 403, description = "The caller is no operator's reporter or approver"),
        (status = 422, description = "A field breaks its rule (`addressee`: not the operator's ministry, a CEPTOAR it belongs to or NISC; `subject`, `body` missing or too long; `sector` not its own; `service` not of that sector); nothing stored")))]
pub async fn open(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewConsultation>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    Ok((
        StatusCode::CREATED,
        Json(json!(s.app.open_consultation(&a.actor, body).await?)),
    ))
}

/// A page of a listing.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PageParams {
    /// Keyset cursor: the previous page's `next`, unchanged.
    pub cursor: Option<String>,
    /// Page size (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
}

/// The consultations the caller may read, newest first: those its organisation opened or was
/// consulted on.
#[utoipa::path(get, path = "/api/v1/consultations", tag = "consultations", params(PageParams), security(("token" = ["read"])),
    responses((status = 200, description = "Page of consultations: `items`, `next`"), (status = 422, description = "`cursor` or `limit` breaks its rule")))]
pub async fn list(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(
        s.app
            .consultations(&a.actor, p.cursor.as_deref(), p.limit.as_deref())
            .await?
    )))
}

/// The organisations the caller may consult: its sector's ministry, the CEPTOARs it is a
/// member of, NISC (empty for anyone but an operator).
#[utoipa::path(get, path = "/api/v1/consultations/addressees", tag = "consultations", security(("token" = ["read"])),
    responses((status = 200, description = "`items`: organisation id, names and role")))]
pub async fn addressees(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        json!({ "items": s.app.consultation_addressees(&a.actor).await? }),
    ))
}

/// One consultation with its thread (and the liaison it led to, if the caller may read that).
#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "consultations", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The consultation"), (status = 404, description = "Not found or not readable")))]
pub async fn get(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.consultation(&a.actor, &id).await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MessageBody {
    pub message: String,
}

/// Write on the thread: the addressee's message answers (answered), the operator's asks again
/// (open); the other organisation's people are told.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/messages", tag = "consultations", params(("id" = String, Path)), request_body = MessageBody, security(("token" = ["write"])),
    responses((status = 200, description = "Posted: the consultation's new `status`"), (status = 403, description = "The caller is no reporter or approver"),
        (status = 404, description = "Not found or not readable"), (status = 409, description = "The consultation is closed, or changed meanwhile"),
        (status = 422, description = "An empty or too long message")))]
pub async fn message(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MessageBody>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("write")?;
    let status = s
        .app
        .consultation_message(&a.actor, &id, &body.message)
        .await?;
    Ok(Json(json!({ "status": status })))
}

/// Close the consultation (either organisation).
#[utoipa::path(post, path = "/api/v1/consultations/{id}/close", tag = "consultations", params(("id" = String, Path)), security(("token" = ["write"])),
    responses((status = 204, description = "Closed"), (status = 403, description = "The caller is no reporter or approver"),
        (status = 404, description = "Not found or not readable"), (status = 409, description = "Closed already, or changed meanwhile")))]
pub async fn close(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app.close_consultation(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
