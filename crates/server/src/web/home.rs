//! `/`: "what needs me now?" — for a signed-in person, what waits for their organisation's
//! action, with counts, newest first (see `kakehashi_app::home`); the sign-in page otherwise.

use super::layout::{ident_text, importance_badge, page, report_no_text, tlp_badge, Nav};
use super::lists::elapsed_text;
use crate::auth::WebAuth;
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kakehashi_app::home::{Waiting, WaitingProvision};
use maud::{html, Markup};

/// Signed out, [`WebAuth`] sends the visitor to the sign-in page (and one who must change a
/// password to that page).
pub async fn home(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    let needs = match s.app.needs_me(&a.actor).await {
        Ok(n) => n,
        Err(e) => return super::layout::error_page(lang, Some(&a), &e),
    };
    let total = needs.to_forward.count
        + needs.to_relay.count
        + needs.to_ack.count
        + needs.unread_alerts.count
        + needs.consents.count
        + needs.consultations.count;
    // Recurring tasks the organisation's safety measures name, now due (editors only).
    let tasks_due = s.app.due_tasks(&a.actor).await.unwrap_or_default();
    let title = lang.t("対応待ち", "What needs me now");
    let body = html! {
        h1 { (title) }
        @if total == 0 {
            p.empty #nothing-waiting { (lang.t("対応待ちの項目はありません。", "Nothing is waiting for you.")) }
        }
        ul.counts #waiting-counts {
            (count_item(lang, "count-alerts", "#unread-alerts", "未読の警報", "Unread alerts", &needs.unread_alerts))
            (count_item(lang, "count-forward", "#to-forward", "要転送", "To forward", &needs.to_forward))
            (count_item(lang, "count-relay", "#to-relay", "要中継", "To relay", &needs.to_relay))
            (count_item(lang, "count-ack", "#to-ack", "受領確認待ち", "To acknowledge", &needs.to_ack))
            (count_item(lang, "count-consents", "#consents", "同意依頼", "Consent requests", &needs.consents))
            (count_item(lang, "count-consultations", "#consultations", "回答待ちの相談", "Consultations to answer", &needs.consultations))
        }
        @if needs.unread_alerts.count > 0 {
            section #unread-alerts {
                h2 { (lang.t("未読の警報", "Unread alerts")) }
                (provision_list(lang, &needs.unread_alerts))
            }
        }
        @if needs.to_forward.count > 0 {
            section #to-forward {
                h2 { (lang.t("要転送の情報連絡", "Liaisons to forward")) }
                ul.waiting {
                    @for v in &needs.to_forward.items {
                        @let r = v.get();
                        @let c = &r.summary;
                        li {
                            @if let Some(p) = &r.pending_copy {
                                a.forward-pending-link href={ "/copies/" (p.0) "/forward" } { (ident_text(lang, c.ident.as_deref())) " " (report_no_text(lang, c.report_no)) }
                            } @else {
                                a href={ "/copies/" (c.id.0) } { (ident_text(lang, c.ident.as_deref())) " " (report_no_text(lang, c.report_no)) }
                            }
                            " " (tlp_badge(&c.tlp)) " " (importance_badge(lang, c.importance.as_deref()))
                            @if let Some(m) = r.elapsed_minutes { " " span.muted { (lang.t("判明から", "since discovery: ")) (elapsed_text(lang, m)) } }
                            div.line { (r.line) }
                        }
                    }
                }
                @if needs.to_forward.more {
                    p { a href="/inbox?to_forward=true" { (lang.t("すべて見る", "See all")) } }
                }
            }
        }
        @if needs.to_relay.count > 0 {
            section #to-relay {
                h2 { (lang.t("要中継の情報提供", "Provisions to relay")) }
                (provision_list(lang, &needs.to_relay))
            }
        }
        @if needs.to_ack.count > 0 {
            section #to-ack {
                h2 { (lang.t("受領確認待ちの情報提供", "Provisions to acknowledge")) }
                (provision_list(lang, &needs.to_ack))
            }
        }
        @if needs.consents.count > 0 {
            section #consents {
                h2 { (lang.t("回答待ちの同意依頼", "Consent requests to answer")) }
                ul.waiting {
                    @for c in &needs.consents.items {
                        li {
                            a href={ "/consents#consent-" (c.id) } { (lang.t("同意依頼 ", "Request of ")) (show_time(c.created_at)) }
                            @if let Some(t) = &c.tlp { " " (tlp_badge(t)) }
                        }
                    }
                }
            }
        }
        @if needs.consultations.count > 0 {
            section #consultations {
                h2 { (lang.t("回答待ちの相談", "Consultations to answer")) }
                ul.waiting {
                    @for c in &needs.consultations.items {
                        @let c = c.get();
                        li {
                            a.consultation-link href={ "/consultations/" (c.id) } { (c.ident) " " (c.subject) }
                            " " span.muted { (super::layout::org_name(lang, &c.operator_org_name_ja, &c.operator_org_name_en)) " " (show_time(c.created_at)) }
                        }
                    }
                }
                @if needs.consultations.more {
                    p { a href="/consultations" { (lang.t("すべて見る", "See all")) } }
                }
            }
        }
        @if !tasks_due.is_empty() {
            section #tasks-due {
                h2 { (lang.t("実施時期の定期作業", "Recurring tasks due")) }
                ul.waiting {
                    @for (id, t) in &tasks_due {
                        li data-item=(t.item) { a href={ "/standards/assessments/" (id) "#tasks" } { (if lang == Lang::En && !t.title_en.is_empty() { &t.title_en } else { &t.title_ja }) } }
                    }
                }
            }
        }
    };
    page(lang, title, Some(&a), Nav::Home, body).into_response()
}

fn count_item<T>(lang: Lang, id: &str, href: &str, ja: &str, en: &str, w: &Waiting<T>) -> Markup {
    html! {
        li id=(id) class=@if w.count > 0 { "some" } @else { "none" } {
            @if w.count > 0 { a href=(href) { (lang.t(ja, en)) } } @else { (lang.t(ja, en)) }
            " " strong.n { (w.count) @if w.more { "+" } }
        }
    }
}

fn provision_list(lang: Lang, w: &Waiting<WaitingProvision>) -> Markup {
    html! {
        ul.waiting {
            @for p in &w.items {
                li {
                    a.provision-link href={ "/provisions/" (p.summary.id) } { (ident_text(lang, p.summary.ident.as_deref())) }
                    " " (tlp_badge(&p.summary.tlp)) " " (importance_badge(lang, p.summary.importance.as_deref()))
                    " " span.muted { (show_time(p.receipt.delivered_at)) }
                }
            }
        }
        @if w.count > w.items.len() {
            p { a href="/provisions" { (lang.t("すべて見る", "See all")) } }
        }
    }
}
