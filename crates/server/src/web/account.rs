//! The person's own password, notification settings (mail preference), the organisation's
//! webhooks with their dead-letter list, and inquiry threads (問合せ) on a provision.

use super::layout::{error_page, page, Nav};
use crate::auth::{Authed, Via, WebAuth};
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

/// The change-password form. A person holding a password someone else chose (the bootstrap
/// administrator's, one an administrator set) is sent here from every page until they change it.
fn password_page(
    a: &Authed,
    lang: Lang,
    notice: Option<&str>,
    errors: &[(String, String, String, String)],
    status: StatusCode,
) -> Response {
    let err_at = |f: &str| {
        html! { @for (_, _, ja, en) in errors.iter().filter(|e| e.0 == f) { p.err { (lang.t(ja, en)) } } }
    };
    let invalid = |f: &str| errors.iter().any(|e| e.0 == f).then_some("true");
    let title = lang.t("パスワードの変更", "Change password");
    let body = html! {
        div style="max-width:32rem" {
            h1 { (title) }
            @if a.actor.record.must_change_password {
                div.errbox #must-change role="alert" {
                    p { (lang.t("このパスワードは他の人（初期設定または管理者）が設定したものです。続けるには、自分だけが知る新しいパスワードに変更してください。",
                        "This password was set by someone else (at setup or by an administrator). Change it to one only you know to continue.")) }
                }
            }
            @if let Some(n) = notice { div.okbox #notice role="status" { (n) } }
            @if !errors.is_empty() {
                div.errbox #form-errors role="alert" { ul { @for (_, _, ja, en) in errors { li { (lang.t(ja, en)) } } } }
            }
            form method="post" action="/account/password" {
                input type="hidden" name="csrf" value=(a.csrf());
                input type="text" name="username" value=(a.actor.record.login) autocomplete="username" hidden;
                div.field {
                    label.lbl.req for="current_password" { (lang.t("現在のパスワード", "Current password")) }
                    input #current_password type="password" name="current_password" autocomplete="current-password" required aria-invalid=[invalid("current_password")];
                    (err_at("current_password"))
                }
                div.field {
                    label.lbl.req for="new_password" { (lang.t("新しいパスワード（12文字以上）", "New password (12+ characters)")) }
                    input #new_password type="password" name="new_password" autocomplete="new-password" required minlength="12" aria-invalid=[invalid("new_password")];
                    (err_at("new_password"))
                }
                div.field {
                    label.lbl.req for="new_password_confirm" { (lang.t("新しいパスワード（確認）", "New password (again)")) }
                    input #new_password_confirm type="password" name="new_password_confirm" autocomplete="new-password" required aria-invalid=[invalid("new_password_confirm")];
                    (err_at("new_password_confirm"))
                }
                p.muted.small { (lang.t("変更すると、この画面以外でのログイン（他のブラウザや端末）はすべて終了します。",
                    "Changing it ends every other sign-in (other browsers and devices).")) }
                div.actions { button #password-submit type="submit" { (lang.t("変更する", "Change")) } }
            }
        }
    };
    (status, page(lang, title, Some(a), Nav::Password, body)).into_response()
}

pub async fn password_form(
    WebAuth(a): WebAuth,
    lang: Lang,
    axum::extract::Query(q): axum::extract::Query<Vec<(String, String)>>,
) -> Response {
    let changed = q.iter().any(|(k, v)| k == "changed" && v == "1");
    let notice =
        changed.then(|| lang.t("パスワードを変更しました。", "Your password was changed."));
    password_page(&a, lang, notice, &[], StatusCode::OK)
}

pub async fn change_password(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(e) = a.check_csrf(field(&pairs, "csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    // The UI is for signed-in sessions only; a token never changes a password.
    let Via::Session { token, .. } = &a.via else {
        return error_page(
            lang,
            Some(&a),
            &AppError::forbidden(
                "パスワードの変更にはログインが必要です。",
                "Changing a password requires a signed-in session.",
            ),
        );
    };
    let new = field(&pairs, "new_password");
    if new != field(&pairs, "new_password_confirm") {
        let e = (
            "new_password_confirm".to_owned(),
            "mismatch".to_owned(),
            "確認のパスワードが一致しません。".to_owned(),
            "The two new passwords differ.".to_owned(),
        );
        return password_page(&a, lang, None, &[e], StatusCode::UNPROCESSABLE_ENTITY);
    }
    match s
        .app
        .change_own_password(
            &a.actor,
            field(&pairs, "current_password"),
            new,
            Some(token),
        )
        .await
    {
        Ok(()) => Redirect::to("/account/password?changed=1").into_response(),
        Err(e @ AppError::BadField { .. }) => {
            let errors = crate::error::field_errors(&e);
            password_page(&a, lang, None, &errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
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
            "Alerts always go at once. Choose how other provisions reach you. RED/AMBER content is never mailed, only a link.")) }
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
                label for="webhook-url" { (lang.t("URL（https://、内部ネットワークのアドレスは不可）", "URL (https://, no internal network addresses)")) }
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
    (status, page(lang, title, Some(a), Nav::Notifications, body)).into_response()
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
    // Reading the threads requires being able to read the provision (checked by `inquiries`).
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
                    label for={ "reply-" (i.id) } { (lang.t("返信", "Reply")) }
                    textarea id={ "reply-" (i.id) } name="body" rows="2" {}
                    div.actions { button.reply-submit type="submit" { (lang.t("返信", "Reply")) } }
                }
            }
        }
        @if a.actor.org.kind == kakehashi_domain::OrgKind::CiMinistry {
            h2 { (lang.t("NISCへ問い合わせる", "Ask NISC")) }
            form method="post" action={ "/provisions/" (id) "/inquiries" } {
                input type="hidden" name="csrf" value=(a.csrf());
                label for="inquiry-body" { (lang.t("問合せ内容", "Your question")) }
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
