//! Personal API tokens: the raw token is shown once, right after creation, and never again
//! (only its hash is stored).

use super::form_parse::{from_app_errors, FieldErr, Values};
use super::layout::{error_page, page, Nav};
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::auth::{MAX_TOKEN_DAYS, SCOPES};
use kakehashi_app::AppError;
use maud::html;

fn scope_label(lang: Lang, s: &str) -> &'static str {
    match s {
        "read" => lang.t("read（閲覧）", "read"),
        "write" => lang.t("write（作成・転送）", "write (file, forward)"),
        "admin" => lang.t("admin（管理）", "admin"),
        _ => "?",
    }
}

async fn tokens_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    v: &Values,
    errors: &[FieldErr],
    new_token: Option<&str>,
) -> Response {
    let tokens = match s.app.api_tokens(&a.actor).await {
        Ok(t) => t,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let now = s.app.now();
    let title = lang.t("APIトークン", "API tokens");
    let body = html! {
        h1 { (title) }
        p.muted { (lang.t("HTTP API（/api/v1）を呼び出すための個人用トークンです。Authorization: Bearer ヘッダで送ります。",
            "Personal tokens for the HTTP API (/api/v1), sent as an Authorization: Bearer header.")) }
        @if let Some(t) = new_token {
            div.okbox role="status" {
                p { strong { (lang.t("新しいトークン（この画面でのみ表示されます。今すぐ控えてください）",
                    "New token (shown only now; copy it)")) } }
                code.token #new-token { (t) }
            }
        }
        @if tokens.is_empty() {
            p.empty #empty { (lang.t("トークンはありません。", "No tokens yet.")) }
        } @else {
            table.list #tokens {
                thead { tr {
                    th { (lang.t("名前", "Name")) }
                    th { (lang.t("スコープ", "Scopes")) }
                    th { (lang.t("作成", "Created")) }
                    th { (lang.t("有効期限", "Expires")) }
                    th { (lang.t("状態", "State")) }
                } }
                tbody {
                    @for t in &tokens {
                        tr {
                            td { (t.name) }
                            td.mono { (t.scopes.join(", ")) }
                            td.nowrap { (show_time(t.created_at)) }
                            td.nowrap { @match t.expires_at { Some(x) => { (show_time(x)) } None => { (lang.t("なし", "Never")) } } }
                            td {
                                @if t.revoked {
                                    span.muted { (lang.t("失効済み", "Revoked")) }
                                } @else if t.expires_at.is_some_and(|x| x <= now) {
                                    span.muted { (lang.t("期限切れ", "Expired")) }
                                } @else {
                                    form method="post" action={ "/account/tokens/" (t.id) "/revoke" } {
                                        input type="hidden" name="csrf" value=(a.csrf());
                                        span { (lang.t("有効", "Active")) } " "
                                        button.danger.small type="submit" { (lang.t("失効させる", "Revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (lang.t("トークンの作成", "Create a token")) }
        @if !errors.is_empty() {
            div.errbox #form-errors role="alert" { ul { @for e in errors { li { (lang.t(&e.message_ja, &e.message_en)) } } } }
        }
        form method="post" action="/account/tokens" {
            input type="hidden" name="csrf" value=(a.csrf());
            div.field {
                label.lbl.req for="token-name" { (lang.t("名前", "Name")) }
                input #token-name type="text" name="name" value=(v.get("name"));
            }
            fieldset {
                legend.req { (lang.t("スコープ", "Scopes")) }
                div.opts {
                    @for sc in SCOPES {
                        @if sc != "admin" || a.actor.is_org_admin() || a.actor.is_platform_admin() {
                            @let id = format!("token-scope-{sc}");
                            label for=(id) {
                                input type="checkbox" id=(id) name="scopes" value=(sc)
                                    checked[v.has("scopes", sc) || (v.0.is_empty() && sc == "read")];
                                " " (scope_label(lang, sc))
                            }
                        }
                    }
                }
            }
            div.field {
                label.lbl for="token-days" { (lang.t("有効日数（空欄で無期限）", "Valid for days (blank = no expiry)")) }
                input #token-days type="number" name="days" min="1" max=(MAX_TOKEN_DAYS) value=(v.get("days"));
            }
            div.actions { button #create-token-submit type="submit" { (lang.t("作成する", "Create")) } }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut res = (status, page(lang, title, Some(a), Nav::Tokens, body)).into_response();
    // A page holding a raw token must not be kept by any cache.
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

pub async fn list(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    tokens_page(&s, &a, lang, &Values::default(), &[], None).await
}

pub async fn create(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let days_raw = v.get("days").trim();
    let days = if days_raw.is_empty() {
        None
    } else {
        // The range is the use case's rule; a value that is not a whole number breaks it too.
        match days_raw.parse::<i64>() {
            Ok(d) => Some(d),
            Err(_) => {
                let e = kakehashi_app::auth::token_days_error();
                return tokens_page(&s, &a, lang, &v, &from_app_errors(&e), None).await;
            }
        }
    };
    let scopes: Vec<String> = v.all("scopes").map(str::to_owned).collect();
    match s
        .app
        .create_api_token(&a.actor, v.get("name"), &scopes, days)
        .await
    {
        Ok((_, raw)) => tokens_page(&s, &a, lang, &Values::default(), &[], Some(&raw)).await,
        Err(e @ AppError::BadField { .. }) => {
            tokens_page(&s, &a, lang, &v, &from_app_errors(&e), None).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn revoke(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    match s.app.revoke_api_token(&a.actor, &id).await {
        Ok(()) => Redirect::to("/account/tokens").into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
