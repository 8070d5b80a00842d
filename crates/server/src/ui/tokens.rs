//! Personal API tokens: list, create (the value is shown once), revoke.

use super::{error_page, layout::page};
use crate::auth::WebAuth;
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

async fn render(
    s: &AppState,
    lang: Lang,
    a: &crate::auth::Authed,
    created: Option<String>,
    error: Option<String>,
) -> Response {
    let tokens = match s.app.api_tokens(&a.actor).await {
        Ok(t) => t,
        Err(e) => return error_page(lang, Some(a), e),
    };
    page(lang, lang.t("APIトークン", "API tokens"), Some(a), html! {
        h1 { (lang.t("APIトークン", "API tokens")) }
        @if let Some(t) = created {
            div.errbox style="border-color:#33a02c;background:#f3fff3" {
                p { (lang.t("新しいトークン（この画面でのみ表示されます）:", "New token (shown only now):")) }
                code id="new-token" { (t) }
            }
        }
        @if let Some(e) = error { div.errbox role="alert" { (e) } }
        table id="tokens" {
            tr { th { (lang.t("名前", "Name")) } th { (lang.t("スコープ", "Scopes")) } th { (lang.t("作成", "Created")) } th { (lang.t("期限", "Expires")) } th { "" } }
            @for t in &tokens { tr {
                td { (t.name) } td { (t.scopes.join(", ")) } td { (show_time(t.created_at)) }
                td { (t.expires_at.map(show_time).unwrap_or_else(|| "—".into())) }
                td { @if t.revoked { (lang.t("失効済み", "revoked")) } @else {
                    form method="post" action=(format!("/account/tokens/{}/revoke", t.id)) {
                        input type="hidden" name="csrf" value=(a.csrf());
                        button type="submit" { (lang.t("失効", "Revoke")) } } } }
            } }
        }
        h2 { (lang.t("新しいトークン", "New token")) }
        form method="post" action="/account/tokens" {
            input type="hidden" name="csrf" value=(a.csrf());
            label for="token-name" { (lang.t("名前", "Name")) } input type="text" id="token-name" name="name";
            div { @for sc in kakehashi_app::auth::SCOPES { label { input type="checkbox" name="scopes" value=(sc) checked[sc == "read"]; " " (sc) } } }
            label for="token-days" { (lang.t("有効日数（空欄は無期限）", "Valid for days (blank = no expiry)")) } input type="text" id="token-days" name="days";
            div.actions { button type="submit" id="token-create" { (lang.t("作成", "Create")) } }
        }
    })
    .into_response()
}

pub async fn list(State(s): State<AppState>, lang: Lang, WebAuth(a): WebAuth) -> Response {
    render(&s, lang, &a, None, None).await
}

pub async fn create(
    State(s): State<AppState>,
    lang: Lang,
    WebAuth(a): WebAuth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if let Err(e) = a.check_csrf(&get("csrf")) {
        return error_page(lang, Some(&a), e);
    }
    let scopes: Vec<String> = pairs
        .iter()
        .filter(|(n, _)| n == "scopes")
        .map(|(_, v)| v.clone())
        .collect();
    let days = get("days").trim().parse::<i64>().ok().filter(|d| *d > 0);
    match s
        .app
        .create_api_token(&a.actor, &get("name"), &scopes, days)
        .await
    {
        Ok((_, raw)) => render(&s, lang, &a, Some(raw), None).await,
        Err(e) => {
            let (ja, en) = crate::error::messages(&e);
            render(&s, lang, &a, None, Some(lang.t(&ja, &en).to_owned())).await
        }
    }
}

pub async fn revoke(
    State(s): State<AppState>,
    lang: Lang,
    WebAuth(a): WebAuth,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let csrf = pairs
        .iter()
        .find(|(n, _)| n == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if let Err(e) = a.check_csrf(csrf) {
        return error_page(lang, Some(&a), e);
    }
    match s.app.revoke_api_token(&a.actor, &id).await {
        Ok(()) => Redirect::to("/account/tokens").into_response(),
        Err(e) => error_page(lang, Some(&a), e),
    }
}
