//! Notification settings (mail preference), the organisation's webhooks with their dead-letter
//! list, and inquiry threads (問合せ) on a provision.

use super::layout::{error_page, page, Nav};
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::AppError;
use maud::html;

fn field<'a>(pairs: &'a [(String, String)], k: &str) -> &'a str {
    pairs
        .iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

async fn settings_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let hooks = match s.app.webhooks(&a.actor).await {
        Ok(h) => h,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let dead = match s.app.webhook_dead_letters(&a.actor).await {
        Ok(d) => d,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let pref = a.actor.record.mail_pref.clone();
    let title = lang.t("通知設定", "Notifications");
    let body = html! {
        h1 { (title) }
        @if let Some(n) = notice { div.okbox #notice role="status" { (n) } }
        h2 { (lang.t("メール", "Mail")) }
        p.muted { (lang.t("警報は常に即時に送られます。それ以外の情報提供の受け取り方を選んでください。内容が TLP:RED/AMBER の場合、メールにはリンクのみ記載されます。",
            "Alerts (警報) always go at once. Choose how other provisions reach you. RED/AMBER content is never mailed, only a link.")) }
        form method="post" action="/account/mail-preference" {
            input type="hidden" name="csrf" value=(a.csrf());
            @for (v, ja, en) in [("immediate", "即時", "At once"), ("digest", "まとめて（1時間ごと）", "Digest (hourly)"), ("none", "メールなし", "No mail")] {
                label { input type="radio" name="pref" value=(v) id={ "pref-" (v) } checked[pref == v]; " " (lang.t(ja, en)) } " "
            }
            div.actions { button #pref-submit type="submit" { (lang.t("保存", "Save")) } }
        }
        h2 { "Webhook" }
        @if hooks.is_empty() { p.empty { (lang.t("登録されたWebhookはありません。", "No webhooks.")) } }
        @else {
            table.list #webhooks { thead { tr { th { "URL" } th { (lang.t("登録", "Created")) } } }
                tbody { @for h in &hooks { tr { td.mono { (h.url) } td.nowrap { (show_time(h.created_at)) } } } } }
        }
        @if a.actor.is_org_admin() {
            form method="post" action="/account/webhooks" {
                input type="hidden" name="csrf" value=(a.csrf());
                label for="webhook-url" { (lang.t("URL（https:// 推奨）", "URL (https:// recommended)")) }
                input #webhook-url type="text" name="url";
                div.actions { button #webhook-submit type="submit" { (lang.t("登録", "Register")) } }
            }
        }
        h3 { (lang.t("配送できなかったイベント（デッドレター）", "Dead letters")) }
        @if dead.is_empty() { p.empty #dead-letters-empty { (lang.t("ありません。", "None.")) } }
        @else {
            table.list #dead-letters { thead { tr { th { (lang.t("作成", "Created")) } th { (lang.t("試行", "Attempts")) } th { (lang.t("最後のエラー", "Last error")) } th { (lang.t("内容", "Payload")) } } }
                tbody { @for d in &dead { tr { td.nowrap { (show_time(d.created_at)) } td { (d.attempts) } td { (d.last_error) } td.mono { (d.payload) } } } } }
        }
    };
    (status, page(lang, title, Some(a), Nav::None, body)).into_response()
}

pub async fn settings(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    settings_page(&s, &a, lang, None, StatusCode::OK).await
}

pub async fn set_mail_preference(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(e) = a.check_csrf(field(&pairs, "csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    match s
        .app
        .set_mail_preference(&a.actor, field(&pairs, "pref"))
        .await
    {
        Ok(()) => Redirect::to("/account/notifications").into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn create_webhook(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(e) = a.check_csrf(field(&pairs, "csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    match s.app.create_webhook(&a.actor, field(&pairs, "url")).await {
        Ok((_, secret)) => {
            let n = format!(
                "{} {secret}",
                lang.t(
                    "署名用シークレット（この画面でのみ表示）:",
                    "Signing secret (shown only now):"
                )
            );
            settings_page(&s, &a, lang, Some(n), StatusCode::CREATED).await
        }
        Err(e @ AppError::BadField { .. }) => {
            let (ja, en) = crate::error::messages(&e);
            settings_page(
                &s,
                &a,
                lang,
                Some(lang.t(&ja, &en).to_owned()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

/// 問合せ threads on a provision: NISC sees all, a ministry its own; ministries in scope open one.
pub async fn inquiries(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    // Reading the threads requires being able to read the provision.
    if let Err(e) = s.app.view_provision(&a.actor, &id).await {
        return error_page(lang, Some(&a), &e);
    }
    let threads = match s.app.inquiries(&a.actor, &id).await {
        Ok(t) => t,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let title = lang.t("問合せ", "Inquiries");
    let body = html! {
        h1 { (title) }
        p { a href={ "/provisions/" (id) } { (lang.t("情報提供へ戻る", "Back to the provision")) } }
        @for (i, msgs) in &threads {
            section.thread {
                h2 { (lang.t("問合せ ", "Inquiry ")) (show_time(i.created_at)) }
                @for m in msgs { div.message { p.muted { (show_time(m.at)) } p { (m.body) } } }
                form method="post" action={ "/inquiries/" (i.id) "/reply" } {
                    input type="hidden" name="csrf" value=(a.csrf());
                    input type="hidden" name="provision" value=(id);
                    textarea name="body" rows="2" {}
                    div.actions { button.reply-submit type="submit" { (lang.t("返信", "Reply")) } }
                }
            }
        }
        @if a.actor.org.kind == kakehashi_domain::OrgKind::CiMinistry {
            h2 { (lang.t("NISCへ問い合わせる", "Ask NISC")) }
            form method="post" action={ "/provisions/" (id) "/inquiries" } {
                input type="hidden" name="csrf" value=(a.csrf());
                textarea #inquiry-body name="body" rows="3" {}
                div.actions { button #inquiry-submit type="submit" { (lang.t("送信", "Send")) } }
            }
        }
    };
    page(lang, title, Some(&a), Nav::Provisions, body).into_response()
}

pub async fn open_inquiry(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(e) = a.check_csrf(field(&pairs, "csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    match s
        .app
        .open_inquiry(&a.actor, &id, field(&pairs, "body"))
        .await
    {
        Ok(_) => Redirect::to(&format!("/provisions/{id}/inquiries")).into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn reply(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(e) = a.check_csrf(field(&pairs, "csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    match s
        .app
        .reply_inquiry(&a.actor, &id, field(&pairs, "body"))
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/provisions/{}/inquiries",
            field(&pairs, "provision")
        ))
        .into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
