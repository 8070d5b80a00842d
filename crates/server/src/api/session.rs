use crate::auth::{set_cookie, ApiAuth, Via, SESSION_COOKIE};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignIn {
    pub login: String,
    pub password: String,
}

/// Sign in; sets the session cookie and returns the CSRF token for unsafe requests.
#[utoipa::path(post, path = "/api/v1/session", request_body = SignIn, tag = "session",
    responses((status = 200, description = "Signed in"), (status = 422, description = "Wrong credentials"), (status = 429, description = "Too many attempts")))]
pub async fn sign_in(
    State(s): State<AppState>,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let sess = s.app.sign_in(&body.login, &body.password).await?;
    let max_age = (sess.expires_at - s.app.now()).num_seconds();
    let mut headers = HeaderMap::new();
    if let Ok(v) = set_cookie(
        SESSION_COOKIE,
        &sess.token,
        max_age,
        s.config.secure_cookies,
        true,
    )
    .parse()
    {
        headers.insert(header::SET_COOKIE, v);
    }
    Ok((headers, Json(json!({ "csrf_token": sess.csrf, "person": sess.actor.person.id, "org": sess.actor.org.id }))).into_response())
}

/// Sign out: ends the session.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204, description = "Signed out")))]
pub async fn sign_out(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Response, ApiError> {
    if let Via::Session { token, .. } = &a.via {
        s.app.sign_out(token, &a.actor).await?;
    }
    let mut headers = HeaderMap::new();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0, s.config.secure_cookies, true).parse() {
        headers.insert(header::SET_COOKIE, v);
    }
    Ok((axum::http::StatusCode::NO_CONTENT, headers).into_response())
}

/// The caller: person, organisation, roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, description = "The caller")))]
pub async fn me(ApiAuth(a): ApiAuth) -> Json<serde_json::Value> {
    Json(json!({
        "person": a.actor.record,
        "org": a.actor.org,
        "csrf_token": a.csrf(),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MailPreference {
    /// "immediate", "digest" or "none" — for non-alert provisions; 警報 always go at once.
    pub pref: String,
}

/// Choose how non-alert provisions reach you by mail.
#[utoipa::path(put, path = "/api/v1/me/mail-preference", tag = "session", request_body = MailPreference, responses((status = 204, description = "Saved")))]
pub async fn mail_preference(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<MailPreference>,
) -> Result<axum::http::StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app.set_mail_preference(&a.actor, &body.pref).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
