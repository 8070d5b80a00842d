//! 監査 — the newest entries of the tamper-evident audit log, with people, organisations and
//! targets by name (never stored ids), and a button that re-verifies the whole hash chain
//! (platform administrators only).

use super::layout::{error_page, label_text, org_name, page, Nav};
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kakehashi_app::AppError;
use maud::html;
use serde::Deserialize;

const LIMIT: u64 = 200;

fn only_admins() -> AppError {
    AppError::forbidden(
        "監査ログはプラットフォーム管理者のみ利用できます。",
        "Only platform administrators use the audit log.",
    )
}

async fn audit_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    verified: Option<Result<u64, String>>,
) -> Response {
    let entries = match s.app.audit_recent_named(&a.actor, LIMIT).await {
        Ok(e) => e,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let title = lang.t("監査ログ", "Audit log");
    let body = html! {
        h1 { (title) }
        @match &verified {
            Some(Ok(n)) => {
                div.okbox #verify-result role="status" {
                    @match lang {
                        Lang::Ja => { "検証に成功しました。" (n) "件の記録に改ざん・挿入・削除はありません。" }
                        Lang::En => { "Verified: " (n) " entries, none altered, inserted or deleted." }
                    }
                }
            }
            Some(Err(m)) => {
                div.errbox #verify-result role="alert" {
                    p { (lang.t("検証に失敗しました。監査ログが改ざんされている可能性があります。", "Verification failed: the audit log may have been tampered with.")) }
                    p.mono { (m) }
                }
            }
            None => {}
        }
        form method="post" action="/admin/audit/verify" {
            input type="hidden" name="csrf" value=(a.csrf());
            button #verify type="submit" { (lang.t("検証", "Verify")) }
            " " span.muted.small { (lang.t("全記録のハッシュ連鎖を検証します。", "Checks the hash chain of every entry.")) }
        }
        p.muted { (lang.t("新しい順に最大200件。", "Newest first, up to 200 entries.")) }
        table.list #audit {
            thead { tr {
                th.num { "#" }
                th { (lang.t("日時（JST）", "Time (JST)")) }
                th { (lang.t("実行者", "Actor")) }
                th { (lang.t("組織", "Organisation")) }
                th { (lang.t("操作", "Action")) }
                th { (lang.t("対象", "Target")) }
                th { (lang.t("ハッシュ", "Hash")) }
            } }
            tbody {
                @for n in &entries {
                    @let e = &n.entry;
                    tr {
                        td.num { (e.seq) }
                        td.nowrap { (show_time(e.at)) }
                        td.audit-actor {
                            @match (&e.actor, &n.actor_name) {
                                (None, _) => span.muted { (lang.t("システム", "system")) },
                                (Some(_), Some(name)) => (name),
                                (Some(_), None) => span.muted { (lang.t("（不明な利用者）", "(unknown person)")) },
                            }
                        }
                        td.small.audit-org {
                            @if let (Some(ja), Some(en)) = (&n.org_name_ja, &n.org_name_en) { (org_name(lang, ja, en)) }
                            @else if e.actor_org.is_some() { span.muted { (lang.t("（不明な組織）", "(unknown organisation)")) } }
                        }
                        td.mono { (e.action) }
                        td.small.audit-target {
                            @if let Some(t) = &n.target { (label_text(&s.app, lang, t)) }
                        }
                        td.mono.small title=(e.hash) { (e.hash.chars().take(12).collect::<String>()) }
                    }
                }
            }
        }
    };
    let mut res = page(lang, title, Some(a), Nav::Audit, body).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

pub async fn recent(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    audit_page(&s, &a, lang, None).await
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn verify(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(f): Form<CsrfOnly>,
) -> Response {
    if let Err(e) = a.check_csrf(&f.csrf) {
        return error_page(lang, Some(&a), &e);
    }
    // `verify_audit` itself checks no role, so the page does.
    if !a.actor.is_platform_admin() {
        return error_page(lang, Some(&a), &only_admins());
    }
    match s.app.verify_audit().await {
        Ok(result) => audit_page(&s, &a, lang, Some(result)).await,
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
