//! Organisations, people, API tokens and the audit log.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::{ApiJson, ApiQuery};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kakehashi_app::orgs::{NewOrg, NewPerson, OrgUpdate, PersonUpdate};
use kakehashi_app::AppError;
use kakehashi_domain::{OrgId, PersonId};
use serde::Deserialize;
use serde_json::{json, Value};

/// The directory of organisations; identifying details only of the caller's own (or, for
/// platform administrators, of all).
#[utoipa::path(get, path = "/api/v1/orgs", tag = "admin", security(("token" = ["read"])), responses((status = 200, description = "Organisations")))]
pub async fn orgs(State(s): State<AppState>, ApiAuth(a): ApiAuth) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!({ "items": s.app.directory(&a.actor).await? })))
}

/// Create an organisation (platform administrators).
#[utoipa::path(post, path = "/api/v1/orgs", tag = "admin", request_body = NewOrg, security(("token" = ["admin"])),
    responses((status = 201, description = "Created"), (status = 403, description = "Not a platform administrator"),
        (status = 422, description = "A field breaks its rule; nothing stored")))]
pub async fn create_org(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewOrg>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("admin")?;
    Ok((
        StatusCode::CREATED,
        Json(json!(s.app.create_org(Some(&a.actor), body).await?)),
    ))
}

/// Change an organisation: names (platform administrators) or identifying details such as
/// aliases and domains (also its own organisation administrators). Fields left out stay.
#[utoipa::path(patch, path = "/api/v1/orgs/{id}", tag = "admin", params(("id" = String, Path)), request_body = OrgUpdate, security(("token" = ["admin"])),
    responses((status = 200, description = "Updated organisation"), (status = 403, description = "Not allowed"), (status = 404, description = "No such organisation"),
        (status = 422, description = "A field breaks its rule; nothing changed")))]
pub async fn update_org(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OrgUpdate>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("admin")?;
    Ok(Json(json!(
        s.app.update_org(&a.actor, &OrgId(id), body).await?
    )))
}

/// Change a person's profile (display name, department, e-mail, phone): the person themself
/// (`write` scope) or an administrator of their organisation (`admin` scope).
#[utoipa::path(patch, path = "/api/v1/people/{id}", tag = "admin", params(("id" = String, Path)), request_body = PersonUpdate,
    security(("token" = ["write"]), ("token" = ["admin"])),
    responses((status = 200, description = "Updated person"), (status = 403, description = "Refused by the administration rule (a token needs `write` for its own person, `admin` for anyone else)"),
        (status = 404, description = "No such person within reach"), (status = 422, description = "A field breaks its rule; nothing changed")))]
pub async fn update_person(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PersonUpdate>,
) -> Result<Json<Value>, ApiError> {
    if a.actor.person.id.0 == id {
        a.require_scope("write")?;
    } else {
        a.require_scope("admin")?;
    }
    Ok(Json(json!(
        s.app.update_person(&a.actor, &PersonId(id), body).await?
    )))
}

/// People of an organisation (its org admins and platform admins).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/people", tag = "admin", params(("id" = String, Path)), security(("token" = ["admin"])),
    responses((status = 200, description = "People"), (status = 403, description = "Not an administrator of this organisation")))]
pub async fn people(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("admin")?;
    Ok(Json(
        json!({ "items": s.app.people_of(&a.actor, &OrgId(id)).await? }),
    ))
}

/// Create a person in an organisation.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/people", tag = "admin", params(("id" = String, Path)), request_body = NewPerson, security(("token" = ["admin"])),
    responses((status = 201, description = "Created; the password is one-time"), (status = 403, description = "Refused by the administration rule"),
        (status = 422, description = "A field breaks its rule (e.g. `login`: `unique`, `org`: `unknown`); nothing stored")))]
pub async fn create_person(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(mut body): ApiJson<NewPerson>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("admin")?;
    body.org = id;
    Ok((
        StatusCode::CREATED,
        Json(json!(s.app.create_person(Some(&a.actor), body).await?)),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Active {
    pub active: bool,
}

/// Activate or deactivate a person (deactivation ends their sessions).
#[utoipa::path(post, path = "/api/v1/people/{id}/active", tag = "admin", params(("id" = String, Path)), request_body = Active, security(("token" = ["admin"])),
    responses((status = 204, description = "Done"), (status = 403, description = "Refused by the administration rule"), (status = 404, description = "No such person within reach")))]
pub async fn set_active(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Active>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("admin")?;
    s.app
        .set_person_active(&a.actor, &PersonId(id), body.active)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Roles {
    /// `reporter`, `approver`, `reader`, `org_admin`, `platform_admin`: only roles the caller
    /// holds (a platform administrator holds them all).
    pub roles: Vec<String>,
}

/// Replace a person's roles. Nobody reaches a person with more rights than their own, and the
/// last active platform administrator keeps the role.
#[utoipa::path(put, path = "/api/v1/people/{id}/roles", tag = "admin", params(("id" = String, Path)), request_body = Roles, security(("token" = ["admin"])),
    responses((status = 200, description = "The person"), (status = 403, description = "Refused by the administration rule"), (status = 404, description = "No such person within reach"), (status = 422, description = "Unknown role")))]
pub async fn set_roles(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Roles>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("admin")?;
    Ok(Json(json!(
        s.app
            .set_person_roles(&a.actor, &PersonId(id), &body.roles)
            .await?
    )))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct OneTimePassword {
    /// At least 12 characters; the person must change it at their next sign-in.
    pub password: String,
}

/// Set a one-time password for a person: their sessions end and they must change it at the
/// next sign-in.
#[utoipa::path(put, path = "/api/v1/people/{id}/password", tag = "admin", params(("id" = String, Path)), request_body = OneTimePassword, security(("token" = ["admin"])),
    responses((status = 204, description = "Set"), (status = 403, description = "Refused by the administration rule"), (status = 404, description = "No such person within reach"), (status = 422, description = "Password breaks the rule")))]
pub async fn reset_password(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OneTimePassword>,
) -> Result<StatusCode, ApiError> {
    a.require_scope("admin")?;
    s.app
        .reset_person_password(&a.actor, &PersonId(id), &body.password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's API tokens (never their values).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", security(("token" = ["read"])), responses((status = 200, description = "Tokens")))]
pub async fn tokens(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!({ "items": s.app.api_tokens(&a.actor).await? })))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewToken {
    pub name: String,
    /// One or more of `read`, `write`, `admin` (`admin` only for administrators).
    pub scopes: Vec<String>,
    /// Lifetime in days; left out (or null): no expiry.
    #[schema(minimum = 1, maximum = 366)]
    pub days: Option<i64>,
}

/// Create a personal API token; its value is shown once. Only a signed-in session can (never
/// a token). `days`: 1–366, or left out for no expiry.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = NewToken, security(("session" = [])),
    responses((status = 201, description = "Created; `token` is shown only now"),
        (status = 403, description = "Called with an API token, or the `admin` scope asked by someone who is no administrator"),
        (status = 422, description = "A field breaks its rule (e.g. `days`: `range`)")))]
pub async fn create_token(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    // A token cannot mint tokens: only a signed-in person can.
    if !matches!(a.via, crate::auth::Via::Session { .. }) {
        a.note_refusal("scope", Some("token.create"));
        return Err(AppError::forbidden(
            "トークンの作成にはログインが必要です。",
            "Creating tokens requires a signed-in session.",
        )
        .into());
    }
    let (rec, raw) = s
        .app
        .create_api_token(&a.actor, &body.name, &body.scopes, body.days)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": raw, "record": rec })),
    ))
}

/// Revoke one of the caller's tokens: from a signed-in session, with a token holding the
/// `write` scope, or a token revoking itself (any scope).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = String, Path)),
    responses((status = 204, description = "Revoked"), (status = 403, description = "A token without the write scope revoking another token"), (status = 404, description = "Not one of the caller's tokens")))]
pub async fn revoke_token(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let itself = matches!(&a.via, crate::auth::Via::Token { id: own, .. } if *own == id);
    if !itself {
        a.require_scope("write")?;
    }
    s.app.revoke_api_token(&a.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// How many entries (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
}

/// Newest audit entries (platform administrators).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams), security(("token" = ["admin"])),
    responses((status = 200, description = "Entries, newest first"), (status = 403, description = "Not a platform administrator")))]
pub async fn audit(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("admin")?;
    if p.limit
        .is_some_and(|l| !(1..=kakehashi_app::audit::AUDIT_PAGE_MAX).contains(&l))
    {
        return Err(AppError::bad_field(
            "limit",
            "range",
            "limit は1〜1000の整数で指定してください。",
            "limit must be a whole number from 1 to 1000.",
        )
        .into());
    }
    Ok(Json(
        json!({ "items": s.app.audit_recent(&a.actor, p.limit.unwrap_or(100)).await? }),
    ))
}

/// Verify the whole hash chain of the audit log.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("token" = ["admin"])),
    responses((status = 200, description = "Verification result"), (status = 403, description = "Not a platform administrator")))]
pub async fn audit_verify(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("admin")?;
    if !a.actor.is_platform_admin() {
        return Err(AppError::forbidden(
            "監査ログの検証はプラットフォーム管理者のみ可能です。",
            "Only platform administrators verify the audit log.",
        )
        .into());
    }
    Ok(Json(match s.app.verify_audit().await? {
        Ok(n) => json!({ "ok": true, "entries": n }),
        Err(e) => json!({ "ok": false, "error": e }),
    }))
}
