//! Webhooks of the caller's organisation and their dead-letter list.

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewWebhook {
    pub url: String,
}

/// Register a webhook (org admins). The signing secret is shown once; deliveries carry
/// `X-Kakehashi-Signature: sha256=<HMAC-SHA256 of the body>`. The URL must be `https://` to a
/// public address: problem+json 422 on `url` with the rule (`https_required`,
/// `loopback_address`, `private_address`, `link_local_address`, `unspecified_address`,
/// `multicast_address`, `broadcast_address`, `shared_address`, `documentation_address`,
/// `benchmarking_address`, `reserved_address`, `unresolvable`, `format`), except for hosts on the
/// server's `--webhook-allow` list. Redirects are never followed.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "live", request_body = NewWebhook, security(("token" = ["admin"])), responses(
    (status = 201, description = "Registered; `secret` shown once"),
    (status = 403, description = "Not an administrator of the organisation"),
    (status = 422, description = "The URL is not https or names an internal address (problem+json naming `url` and the rule)")
))]
pub async fn create(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<NewWebhook>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    a.require_scope("admin")?;
    let (rec, secret) = s.app.create_webhook(&a.actor, &body.url).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "webhook": rec, "secret": secret })),
    ))
}

/// The organisation's webhooks (without secrets).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "live", security(("token" = ["read"])), responses((status = 200, description = "Webhooks")))]
pub async fn list(State(s): State<AppState>, ApiAuth(a): ApiAuth) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(json!({ "items": s.app.webhooks(&a.actor).await? })))
}

/// Deliveries that failed every attempt.
#[utoipa::path(get, path = "/api/v1/webhooks/dead-letters", tag = "live", security(("token" = ["read"])), responses((status = 200, description = "Dead letters")))]
pub async fn dead_letters(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        json!({ "items": s.app.webhook_dead_letters(&a.actor).await? }),
    ))
}
