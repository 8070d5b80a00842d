use crate::auth::{set_cookie, ApiAuth, Via, SESSION_COOKIE};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kakehashi_app::AppError;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignIn {
    pub login: String,
    pub password: String,
}

/// Sign in; sets the session cookie and returns the CSRF token for unsafe requests. When
/// `must_change_password` is true (a one-time password), only `GET /api/v1/me`,
/// `PUT /api/v1/me/password` and sign-out answer until the password is changed.
#[utoipa::path(post, path = "/api/v1/session", request_body = SignIn, tag = "session",
    responses((status = 200, description = "Signed in", headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 422, description = "Wrong credentials (`login`: `credentials`) or a body not of the schema"), (status = 429, description = "Too many failed attempts for this login")))]
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
    Ok((
        headers,
        Json(json!({
            "csrf_token": sess.csrf,
            "person": sess.actor.person.id,
            "org": sess.actor.org.id,
            // True: every other call answers 403 until PUT /api/v1/me/password.
            "must_change_password": sess.actor.record.must_change_password,
        })),
    )
        .into_response())
}

/// Sign out: ends the session.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "Signed out (with an API token: nothing to end)", headers(("Set-Cookie" = String, description = "Clears the session cookie")))))]
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
#[utoipa::path(put, path = "/api/v1/me/mail-preference", tag = "session", request_body = MailPreference, security(("token" = ["write"])),
    responses((status = 204, description = "Saved"), (status = 422, description = "Not one of the choices")))]
pub async fn mail_preference(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<MailPreference>,
) -> Result<axum::http::StatusCode, ApiError> {
    a.require_scope("write")?;
    s.app.set_mail_preference(&a.actor, &body.pref).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 12 characters, different from the current one.
    pub new_password: String,
}

/// Change your own password (a signed-in session only: an API token cannot). Your other
/// sessions end, failed sign-ins are cleared, and a one-time password's restriction is lifted.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "session", request_body = PasswordChange, security(("session" = [])),
    responses((status = 204, description = "Changed"), (status = 403, description = "Called with an API token"),
        (status = 422, description = "Wrong current password or a new password breaking the rule"), (status = 429, description = "Too many attempts")))]
pub async fn change_password(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<axum::http::StatusCode, ApiError> {
    let Via::Session { token, .. } = &a.via else {
        return Err(AppError::forbidden(
            "パスワードの変更にはログインが必要です（APIトークンでは変更できません）。",
            "Changing a password requires a signed-in session; an API token cannot.",
        )
        .into());
    };
    s.app
        .change_own_password(
            &a.actor,
            &body.current_password,
            &body.new_password,
            Some(token),
        )
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
