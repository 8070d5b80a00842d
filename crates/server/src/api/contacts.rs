//! 連絡先と連絡確認 over JSON: an organisation's points of contact, the oversight list of who
//! lacks them, and contact checks.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kakehashi_app::contacts::{ContactInput, NewContactCheck};
use kakehashi_domain::OrgId;
use serde_json::{json, Value};

/// An organisation's points of contact, its required kinds and its gaps. Its own people, NISC,
/// the ministry overseeing its sector, its CEPTOAR (or, for a CEPTOAR, its members) read them;
/// a read by another organisation is audited.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/contacts", tag = "contacts", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "Contacts"), (status = 404, description = "No such organisation, or its contacts are not the caller's to read")))]
pub async fn list(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.org_contacts(&a.actor, &OrgId(id)).await?)))
}

/// Add a point of contact (the organisation's administrators, platform administrators).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/contacts", tag = "contacts", params(("id" = String, Path)), request_body = ContactInput, security(("token" = ["admin"])),
    responses((status = 201, description = "Added"), (status = 403, description = "Reads the contacts but does not administer the organisation"),
        (status = 404, description = "No such organisation, or its contacts are not the caller's to read"),
        (status = 422, description = "A field breaks its rule (`kind`, `name`, `phone`, `email`, `hours`, `verified_on`); nothing stored")))]
pub async fn create(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("admin")?;
    let c = s.app.add_contact(&a.actor, &OrgId(id), body).await?;
    Ok((StatusCode::CREATED, Json(json!(c))))
}

/// Replace a point of contact (saving it with today's date confirms it).
#[utoipa::path(put, path = "/api/v1/orgs/{id}/contacts/{contact}", tag = "contacts", params(("id" = String, Path), ("contact" = String, Path)), request_body = ContactInput, security(("token" = ["admin"])),
    responses((status = 200, description = "Replaced"), (status = 403, description = "Reads the contacts but does not administer the organisation"),
        (status = 404, description = "No such organisation or contact, or not the caller's to read"),
        (status = 422, description = "A field breaks its rule; nothing changed")))]
pub async fn update(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path((id, contact)): Path<(String, String)>,
    ApiJson(body): ApiJson<ContactInput>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("admin")?;
    Ok(Json(json!(
        s.app
            .update_contact(&a.actor, &OrgId(id), &contact, body)
            .await?
    )))
}

/// Remove a point of contact.
#[utoipa::path(delete, path = "/api/v1/orgs/{id}/contacts/{contact}", tag = "contacts", params(("id" = String, Path), ("contact" = String, Path)), security(("token" = ["admin"])),
    responses((status = 204, description = "Removed"), (status = 403, description = "Reads the contacts but does not administer the organisation"),
        (status = 404, description = "No such organisation or contact, or not the caller's to read")))]
pub async fn remove(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path((id, contact)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("admin")?;
    s.app.delete_contact(&a.actor, &OrgId(id), &contact).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 連絡先の整備状況: the organisations the caller oversees (NISC: all; a CI ministry: its
/// sectors') with a required contact missing or a stale one, by name.
#[utoipa::path(get, path = "/api/v1/contacts/gaps", tag = "contacts", security(("token" = ["read"])),
    responses((status = 200, description = "Organisations with gaps, and the stale threshold in days"), (status = 403, description = "Neither NISC nor a CI ministry")))]
pub async fn gaps(State(s): State<AppState>, ApiAuth(a): ApiAuth) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    let items = s.app.contact_gaps(&a.actor).await?;
    Ok(Json(
        json!({ "items": items, "stale_days": s.app.config.contact_stale_days }),
    ))
}

/// Contact checks the caller's organisation sent (with every answer) or was sent (with its
/// own), newest first.
#[utoipa::path(get, path = "/api/v1/contact-checks", tag = "contacts", security(("token" = ["read"])),
    responses((status = 200, description = "Checks")))]
pub async fn checks(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        json!({ "items": s.app.contact_checks(&a.actor).await? }),
    ))
}

/// Send a contact check (連絡確認): NISC to any other organisation, a CEPTOAR to its members
/// (approvers). Each target's people are told; each organisation answers once.
#[utoipa::path(post, path = "/api/v1/contact-checks", tag = "contacts", request_body = NewContactCheck, security(("token" = ["write"])),
    responses((status = 201, description = "Sent"), (status = 403, description = "Neither NISC's nor a CEPTOAR's approver"),
        (status = 422, description = "`targets` empty, unknown or not allowed, or `message` breaks its rule; nothing stored")))]
pub async fn send(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewContactCheck>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("write")?;
    let v = s.app.send_contact_check(&a.actor, body).await?;
    Ok((StatusCode::CREATED, Json(json!(v))))
}

/// A contact check: its sender sees who answered and when (response times) and who has not;
/// a target sees its own answer.
#[utoipa::path(get, path = "/api/v1/contact-checks/{id}", tag = "contacts", params(("id" = String, Path)), security(("token" = ["read"])),
    responses((status = 200, description = "The check"), (status = 404, description = "No such check, or neither sent nor addressed to the caller's organisation")))]
pub async fn check(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!(s.app.contact_check(&a.actor, &id).await?)))
}

/// Acknowledge a contact check for the caller's organisation (one call; the first answer's
/// time stands).
#[utoipa::path(post, path = "/api/v1/contact-checks/{id}/ack", tag = "contacts", params(("id" = String, Path)), security(("token" = ["write"])),
    responses((status = 204, description = "Acknowledged"), (status = 403, description = "The caller's organisation sent it (it is no target)"),
        (status = 404, description = "No such check, or not the caller's"), (status = 409, description = "Already acknowledged, or the check is closed")))]
pub async fn ack(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app.acknowledge_contact_check(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Close a contact check (its sender's approver): no more answers are recorded.
#[utoipa::path(post, path = "/api/v1/contact-checks/{id}/close", tag = "contacts", params(("id" = String, Path)), security(("token" = ["write"])),
    responses((status = 204, description = "Closed"), (status = 403, description = "Not the sending organisation's approver"),
        (status = 404, description = "No such check, or not the caller's"), (status = 409, description = "Already closed")))]
pub async fn close(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app.close_contact_check(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
