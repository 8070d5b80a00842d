//! Sign-in and sign-out. The session token lives only in an HttpOnly cookie; the sign-in form
//! re-renders with the login name kept (never the password) and the reason it failed.

use super::layout::{error_page, page, Nav};
use crate::auth::{cookie_header, set_cookie, Via, WebAuth, SESSION_COOKIE};
use crate::error::{messages, status_of};
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kakehashi_app::AppError;
use maud::html;
use serde::Deserialize;

/// The pre-session cookie of the sign-in form (login CSRF): a random value set with the form,
/// sent back in its hidden `presession` field, only to `/signin` and never cross-site.
pub const PRESESSION_COOKIE: &str = "kkh_presession";

/// The sign-in form as a response: a fresh pre-session value in a cookie and in the form.
fn form_response(
    s: &AppState,
    lang: Lang,
    status: StatusCode,
    login: &str,
    error: Option<(&str, &str)>,
) -> Response {
    let pre = kakehashi_app::auth::random_token(24);
    let mut cookie =
        format!("{PRESESSION_COOKIE}={pre}; Path=/signin; SameSite=Strict; HttpOnly; Max-Age=3600");
    if s.config.secure_cookies {
        cookie.push_str("; Secure");
    }
    let mut res = (status, form(lang, login, &pre, error)).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Whether a sign-in POST came from our own form: the pre-session cookie and field match, and
/// the browser does not call it cross-site. Another site can neither read nor set the cookie,
/// so it cannot sign a victim's browser in to the attacker's account (login CSRF).
fn from_our_form(headers: &HeaderMap, given: &str) -> bool {
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"));
    let cookie = cookie_header(headers, PRESESSION_COOKIE).unwrap_or_default();
    !cross_site
        && !cookie.is_empty()
        && crate::auth::constant_eq(cookie.as_bytes(), given.as_bytes())
}

fn form(lang: Lang, login: &str, presession: &str, error: Option<(&str, &str)>) -> maud::Markup {
    let body = html! {
        div style="max-width:28rem;margin:1rem auto" {
            h1 { (lang.t("ログイン", "Sign in")) }
            @if let Some((ja, en)) = error {
                div.errbox #signin-error role="alert" { p { (lang.t(ja, en)) } }
            }
            form method="post" action="/signin" {
                input type="hidden" name="presession" value=(presession);
                div.field {
                    label.lbl for="login" { (lang.t("ログイン名", "Login name")) }
                    input #login type="text" name="login" value=(login) autocomplete="username"
                        required autofocus aria-invalid=[error.map(|_| "true")];
                }
                div.field {
                    label.lbl for="password" { (lang.t("パスワード", "Password")) }
                    input #password type="password" name="password" autocomplete="current-password" required;
                }
                div.actions {
                    button #signin-submit type="submit" { (lang.t("ログイン", "Sign in")) }
                }
            }
            p.muted.small {
                (lang.t("5回続けて失敗すると、しばらくログインできなくなります。",
                    "After five failed attempts, sign-in is paused for a while."))
            }
        }
    };
    page(lang, lang.t("ログイン", "Sign in"), None, Nav::None, body)
}

pub async fn signin_page(State(s): State<AppState>, lang: Lang) -> Response {
    form_response(&s, lang, StatusCode::OK, "", None)
}

#[derive(Deserialize)]
pub struct SignIn {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    presession: String,
}

pub async fn signin(
    State(s): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Form(f): Form<SignIn>,
) -> Response {
    if !from_our_form(&headers, &f.presession) {
        s.app.note_refusal(None, "csrf", Some("signin"));
        return form_response(
            &s,
            lang,
            StatusCode::FORBIDDEN,
            &f.login,
            Some((
                "ログインフォームの有効期限が切れました。もう一度ログインしてください。",
                "The sign-in form has expired. Please sign in again.",
            )),
        );
    }
    match s.app.sign_in(&f.login, &f.password).await {
        Ok(session) => {
            let max_age = (session.expires_at - s.app.now()).num_seconds().max(0);
            let cookie = set_cookie(
                SESSION_COOKIE,
                &session.token,
                max_age,
                s.config.secure_cookies,
                true,
            );
            let mut res = (
                StatusCode::SEE_OTHER,
                [
                    (header::SET_COOKIE, cookie),
                    (header::LOCATION, "/inbox".into()),
                ],
            )
                .into_response();
            let spent =
                format!("{PRESESSION_COOKIE}=; Path=/signin; SameSite=Strict; HttpOnly; Max-Age=0");
            // The person's own language, whatever this browser was showing before.
            let own = if session.actor.record.locale == "en" {
                "en"
            } else {
                "ja"
            };
            let lang = set_cookie(
                "kkh_lang",
                own,
                365 * 24 * 3600,
                s.config.secure_cookies,
                false,
            );
            for c in [spent, lang] {
                if let Ok(v) = header::HeaderValue::from_str(&c) {
                    res.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            res
        }
        Err(e @ (AppError::BadField { .. } | AppError::RateLimited { .. })) => {
            let (status, _) = status_of(&e);
            let (ja, en) = messages(&e);
            let mut res = form_response(&s, lang, status, &f.login, Some((&ja, &en)));
            if let AppError::RateLimited { retry_after_secs } = e {
                if let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
                    res.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            res
        }
        Err(e) => error_page(lang, None, &e),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn signout(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Err(e) = a.check_csrf(&f.csrf) {
        return error_page(lang, Some(&a), &e);
    }
    if let Via::Session { token, .. } = &a.via {
        if let Err(e) = s.app.sign_out(token, &a.actor).await {
            return error_page(lang, Some(&a), &e);
        }
    }
    let cookie = set_cookie(SESSION_COOKIE, "", 0, s.config.secure_cookies, true);
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, "/signin".into()),
        ],
    )
        .into_response()
}
