//! Who is calling: a session cookie (browser, with CSRF protection on every unsafe request) or
//! a personal API token (`Authorization: Bearer`, limited by its scopes).

use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::auth::Credential;
use kakehashi_app::{Actor, App, AppError};

pub const SESSION_COOKIE: &str = "kkh_session";

/// Reads one cookie from the request.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Reads one cookie from request headers.
pub fn cookie_header(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value with the project's defaults: HttpOnly, SameSite=Lax, Path=/.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_secs: i64,
    secure: bool,
    http_only: bool,
) -> String {
    let mut c = format!("{name}={value}; Path=/; SameSite=Lax; Max-Age={max_age_secs}");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// How the caller authenticated. The raw secrets are kept for the request's own use (sign-out,
/// re-checking a live stream) and never shown by `Debug`.
#[derive(Clone)]
pub enum Via {
    /// A browser session: the cookie's raw token and the session's CSRF token.
    Session { token: String, csrf: String },
    /// A personal API token: its id, its scopes and the raw Bearer value.
    Token {
        id: String,
        scopes: Vec<String>,
        secret: String,
    },
}

impl std::fmt::Debug for Via {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Via::Session { .. } => f.write_str("Via::Session(<redacted>)"),
            Via::Token { id, scopes, .. } => f
                .debug_struct("Via::Token")
                .field("id", id)
                .field("scopes", scopes)
                .finish_non_exhaustive(),
        }
    }
}

impl Via {
    /// The credential as presented, to re-check it later.
    pub fn credential(&self) -> Credential {
        match self {
            Via::Session { token, .. } => Credential::Session(token.clone()),
            Via::Token { secret, .. } => Credential::Token(secret.clone()),
        }
    }
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Authed {
    pub actor: Actor,
    pub via: Via,
    /// Where refusals of this caller are noted for the audit log.
    notes: Notes,
}

/// The application, to note refused attempts (see `kakehashi_app::refusals`).
#[derive(Clone)]
struct Notes(App);

impl std::fmt::Debug for Notes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notes")
    }
}

impl Authed {
    /// API tokens act only within their scopes; a browser session has the person's full rights.
    /// A refusal is noted for the audit log.
    pub fn require_scope(&self, scope: &str) -> Result<(), ApiError> {
        match &self.via {
            Via::Session { .. } => Ok(()),
            Via::Token { scopes, .. } if scopes.iter().any(|s| s == scope) => Ok(()),
            Via::Token { .. } => {
                self.note_refusal("scope", Some(scope));
                Err(AppError::forbidden(
                    format!("このトークンには「{scope}」スコープがありません。"),
                    format!("This token lacks the '{scope}' scope."),
                )
                .into())
            }
        }
    }

    /// Notes a refused attempt of this caller for the audit log (aggregated, non-blocking).
    pub fn note_refusal(&self, kind: &str, target: Option<&str>) {
        self.notes.0.note_refusal(Some(&self.actor), kind, target);
    }

    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf, .. } => csrf,
            Via::Token { .. } => "",
        }
    }

    /// Checks a form's CSRF field against the session's token (constant-time comparison).
    pub fn check_csrf(&self, given: &str) -> Result<(), AppError> {
        match &self.via {
            Via::Session { csrf, .. } if constant_eq(csrf.as_bytes(), given.as_bytes()) => Ok(()),
            Via::Session { .. } => {
                self.note_refusal("csrf", None);
                Err(AppError::forbidden(
                    "フォームの有効期限が切れました。ページを再読み込みしてください。",
                    "The form has expired (CSRF check failed). Reload the page.",
                ))
            }
            Via::Token { .. } => Ok(()),
        }
    }
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The API's caller: a Bearer token when the request carries one, else the session cookie.
async fn authenticate(parts: &Parts, state: &AppState) -> Result<Authed, AppError> {
    if let Some(h) = parts.headers.get(header::AUTHORIZATION) {
        let v = h.to_str().map_err(|_| AppError::Unauthenticated)?;
        let token = v
            .strip_prefix("Bearer ")
            .ok_or(AppError::Unauthenticated)?
            .trim();
        let (actor, rec) = state.app.token_actor(token).await?;
        return Ok(Authed {
            actor,
            via: Via::Token {
                id: rec.id,
                scopes: rec.scopes,
                secret: token.to_owned(),
            },
            notes: Notes(state.app.clone()),
        });
    }
    authenticate_session(parts, state).await
}

/// The caller of a UI route: the session cookie only. An API token is no credential here —
/// the UI would otherwise let a `read` token do whatever its person may (file, register
/// webhooks, mint a token with every scope).
async fn authenticate_session(parts: &Parts, state: &AppState) -> Result<Authed, AppError> {
    let token = cookie(parts, SESSION_COOKIE).ok_or(AppError::Unauthenticated)?;
    let (actor, csrf) = state.app.session_actor(&token).await?;
    Ok(Authed {
        actor,
        via: Via::Session { token, csrf },
        notes: Notes(state.app.clone()),
    })
}

/// While a person must change a password someone else chose, the only API calls left to them:
/// who am I, change the password, sign out.
fn api_open_before_password_change(method: &Method, path: &str) -> bool {
    matches!(
        (method, path),
        (&Method::GET, "/api/v1/me")
            | (&Method::PUT, "/api/v1/me/password")
            | (&Method::DELETE, "/api/v1/session")
    )
}

/// The UI pages open to them: the change-password page and sign-out (static assets need no
/// sign-in at all).
pub const WEB_PASSWORD_PAGE: &str = "/account/password";
fn web_open_before_password_change(path: &str) -> bool {
    matches!(path, WEB_PASSWORD_PAGE | "/signout")
}

/// API authentication: problem+json 401 when absent; for cookie sessions, unsafe methods must
/// carry the `X-CSRF-Token` header. A person who must change their password gets a 403
/// (`password-change-required`) on every other route.
pub struct ApiAuth(pub Authed);

impl FromRequestParts<AppState> for ApiAuth {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let authed = authenticate(parts, state).await?;
        if authed.actor.record.must_change_password
            && !api_open_before_password_change(&parts.method, parts.uri.path())
        {
            return Err(AppError::PasswordChangeRequired.into());
        }
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            if let Via::Session { .. } = authed.via {
                let given = parts
                    .headers
                    .get("x-csrf-token")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                authed.check_csrf(given)?;
            }
        }
        Ok(ApiAuth(authed))
    }
}

/// UI authentication, by session cookie only (an `Authorization` header is ignored): redirects
/// to the sign-in page when absent, and to the change-password page while the person must
/// change their password. Handlers of unsafe requests check the form's `csrf` field with
/// [`Authed::check_csrf`].
pub struct WebAuth(pub Authed);

pub struct ToSignIn;

impl IntoResponse for ToSignIn {
    fn into_response(self) -> Response {
        Redirect::to("/signin").into_response()
    }
}

impl FromRequestParts<AppState> for WebAuth {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match authenticate_session(parts, state).await {
            Ok(a)
                if a.actor.record.must_change_password
                    && !web_open_before_password_change(parts.uri.path()) =>
            {
                Err(Redirect::to(WEB_PASSWORD_PAGE).into_response())
            }
            Ok(a) => Ok(WebAuth(a)),
            Err(AppError::Unauthenticated) => Err(ToSignIn.into_response()),
            Err(e) => Err(ApiError::from(e).into_response()),
        }
    }
}
