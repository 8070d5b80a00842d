//! Sign-in and sign-out. The session token lives only in an HttpOnly cookie; the sign-in form
//! re-renders with the login name kept (never the password) and the reason it failed.

use super::layout::{error_page, page, Nav};
use crate::auth::{cookie_header, set_cookie, Via, WebAuth, SESSION_COOKIE};
use crate::error::{messages, status_of};
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::AppError;
use maud::html;
use serde::Deserialize;

/// `/`: the inbox for a signed-in person, else the sign-in page.
pub async fn home(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let signed_in = match cookie_header(&headers, SESSION_COOKIE) {
        Some(token) => s.app.session_actor(&token).await.is_ok(),
        None => false,
    };
    Redirect::to(if signed_in { "/inbox" } else { "/signin" }).into_response()
}

fn form(lang: Lang, login: &str, error: Option<(&str, &str)>) -> maud::Markup {
    let body = html! {
        div style="max-width:28rem;margin:1rem auto" {
            h1 { (lang.t("ログイン", "Sign in")) }
            @if let Some((ja, en)) = error {
                div.errbox #signin-error role="alert" { p { (lang.t(ja, en)) } }
            }
            form method="post" action="/signin" {
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

pub async fn signin_page(lang: Lang) -> Response {
    form(lang, "", None).into_response()
}

#[derive(Deserialize)]
pub struct SignIn {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

pub async fn signin(State(s): State<AppState>, lang: Lang, Form(f): Form<SignIn>) -> Response {
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
            (
                StatusCode::SEE_OTHER,
                [
                    (header::SET_COOKIE, cookie),
                    (header::LOCATION, "/inbox".into()),
                ],
            )
                .into_response()
        }
        Err(e @ (AppError::BadField { .. } | AppError::RateLimited { .. })) => {
            let (status, _) = status_of(&e);
            let (ja, en) = messages(&e);
            let mut res = (status, form(lang, &f.login, Some((&ja, &en)))).into_response();
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
