//! Where a liaison goes, said before it goes: the "送信先" box on every filing form (first
//! report, follow-up, forward), refreshed by app.js through `POST /liaison/route-preview` when
//! a route choice changes; the confirmation step before a 警報 or a forward; and, after sending,
//! the message naming the recipients. Every answer comes from `App::plan_route`, the function
//! the filing use cases route with, so the page cannot announce a route other than the one taken.

use super::form_editor::RouteBox;
use super::form_parse::Values;
use super::layout::{colon, error_page, importance_badge, org_name, page, sep, tlp_badge, Nav};
use crate::auth::{Authed, WebAuth};
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kakehashi_app::liaison::{FilingKind, PlannedRecipient, PlannedRoute, RouteQuery};
use kakehashi_app::{AppError, AppResult};
use kakehashi_domain::{ChainId, CopyId, Importance};
use maud::{html, Markup};

/// Which filing a form makes: its kind and the case (follow-ups) or received copy (forwards).
#[derive(Debug, Clone)]
pub struct Filing {
    pub kind: FilingKind,
    pub target: Option<String>,
}

impl Filing {
    pub fn first() -> Self {
        Filing {
            kind: FilingKind::First,
            target: None,
        }
    }
    pub fn follow_up(chain: &ChainId) -> Self {
        Filing {
            kind: FilingKind::FollowUp,
            target: Some(chain.0.clone()),
        }
    }
    pub fn forward(copy: &CopyId) -> Self {
        Filing {
            kind: FilingKind::Forward,
            target: Some(copy.0.clone()),
        }
    }
}

fn nonempty(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The route question the editor's current values ask.
pub fn query(values: &Values, filing: &Filing) -> RouteQuery {
    let target = filing.target.clone().unwrap_or_default();
    RouteQuery {
        kind: filing.kind,
        chain: (filing.kind == FilingKind::FollowUp).then(|| ChainId(target.clone())),
        copy: (filing.kind == FilingKind::Forward).then_some(CopyId(target)),
        sector: nonempty(values.get("sector")),
        tlp: nonempty(values.get("tlp")),
        importance: nonempty(values.get("importance")),
        statutory: values.flag("statutory"),
        case: kakehashi_domain::liaison::ReportingCase::from_code(values.get("case")),
        via_ceptoar: values.flag("via_ceptoar"),
        urgent: values.flag("urgent"),
        to_cabinet_secretariat: values.flag("to_cabinet_secretariat"),
        anonymise: values.flag("anonymise"),
        added_recipients: values.all("added_recipients").map(str::to_owned).collect(),
    }
}

/// The editor's "送信先" box for the current values.
pub async fn route_box(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    values: &Values,
    f: &Filing,
) -> RouteBox {
    let plan = s.app.plan_route(&a.actor, &query(values, f)).await;
    RouteBox {
        kind: f.kind,
        target: f.target.clone(),
        content: preview(s, lang, &plan),
    }
}

fn recipient_name(lang: Lang, r: &PlannedRecipient) -> &str {
    org_name(lang, &r.name_ja, &r.name_en)
}

/// The recipients table: who receives a copy, under which TLP, and what each sees.
pub fn recipients(s: &AppState, lang: Lang, p: &PlannedRoute) -> Markup {
    html! {
        table.list.route-recipients {
            thead { tr {
                th scope="col" { (lang.t("送信先", "Recipient")) }
                th scope="col" { (lang.t("写しのTLP", "TLP of its copy")) }
                th scope="col" { (lang.t("受信する内容", "What it receives")) }
            } }
            tbody {
                @for r in &p.recipients {
                    tr.route-recipient data-org=(r.org.0) data-reception=(r.reception.code()) {
                        td.recipient-name {
                            strong { (recipient_name(lang, r)) }
                            @if r.hop_kind.is_none() { div.muted.small { (lang.t("追加の共有先", "Added recipient")) } }
                        }
                        td.nowrap {
                            @match &r.tlp {
                                Some(t) => {
                                    (tlp_badge(t))
                                    @if let Some(l) = s.app.reference.tlp(t) {
                                        div.muted.small { (lang.t(&l.liaison.body.ja, &l.liaison.body.en)) }
                                    }
                                }
                                None => span.muted { (lang.t("TLP未選択", "TLP not chosen")) },
                            }
                        }
                        td { (lang.t(r.note_ja, r.note_en)) }
                    }
                }
            }
        }
        @for n in &p.notes {
            p.errbox.route-note data-code=(n.code) role="note" { (lang.t(n.ja, n.en)) }
        }
    }
}

/// The content of the "送信先" box: the recipients, or why no route can be planned yet.
pub fn preview(s: &AppState, lang: Lang, plan: &AppResult<PlannedRoute>) -> Markup {
    match plan {
        Ok(p) => html! {
            p.small.route-summary {
                (lang.t("この内容で送信すると、次の組織に届きます: ", "Sending now reaches: "))
                strong #route-names {
                    (p.recipients.iter().map(|r| recipient_name(lang, r)).collect::<Vec<_>>().join(sep(lang)))
                }
            }
            (recipients(s, lang, p))
        },
        Err(e) => {
            let (ja, en) = crate::error::messages(e);
            html! {
                p.err #route-preview-problem {
                    (lang.t(&ja, &en))
                }
            }
        }
    }
}

/// `POST /liaison/route-preview` — the box's content for the posted form values (app.js).
pub async fn route_preview(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Err(e) = a.check_csrf(values.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let kind = match values.get("filing_kind") {
        "follow_up" => FilingKind::FollowUp,
        "forward" => FilingKind::Forward,
        _ => FilingKind::First,
    };
    let f = Filing {
        kind,
        target: nonempty(values.get("filing_target")),
    };
    let plan = s.app.plan_route(&a.actor, &query(&values, &f)).await;
    if let Err(AppError::Internal(m)) = &plan {
        tracing::error!("route preview: {m}");
    }
    preview(&s, lang, &plan).into_response()
}

/// A 警報 is confirmed before it goes out, and so is every forward.
pub fn needs_confirmation(filing: &Filing, values: &Values) -> bool {
    filing.kind == FilingKind::Forward || values.get("importance") == Importance::Alert.code()
}

/// The confirmation step: recipients, TLP and importance, with "send" (posting everything
/// again with `confirmed`) and "back to edit" (posting it with `back`, which re-opens the editor
/// with every value kept).
pub fn confirm_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    action: &str,
    what: &str,
    values: &Values,
    plan: &PlannedRoute,
) -> Response {
    let title = lang.t("送信内容の確認", "Confirm before sending");
    let alert = plan.importance.as_deref() == Some(Importance::Alert.code());
    let body = html! {
        h1 { (title) }
        div.errbox #confirm-notice role="alert" {
            p { (lang.t("まだ送信されていません。送信先・TLP・重要度を確認してください。",
                "Nothing has been sent yet. Check the recipients, the TLP and the importance.")) }
            @if alert {
                p #confirm-alert { strong { (lang.t("重要度「警報」: 受信者に直ちに対応の検討を求める情報として送られます。",
                    "Importance 警報 (alert): recipients are asked to consider a response immediately.")) } }
            }
        }
        table #confirm-summary {
            tbody {
                tr { th { (lang.t("送信", "Sending")) } td #confirm-what { (what) } }
                tr { th { (lang.t("重要度", "Importance")) } td #confirm-importance { (importance_badge(lang, plan.importance.as_deref())) } }
                tr {
                    th { (lang.t("情報共有範囲", "Sharing scope (TLP)")) }
                    td #confirm-tlp {
                        @match &plan.tlp {
                            Some(t) => {
                                (tlp_badge(t))
                                @if let Some(l) = s.app.reference.tlp(t) { " " (lang.t(&l.liaison.body.ja, &l.liaison.body.en)) }
                            }
                            None => span.muted { "—" },
                        }
                    }
                }
                tr {
                    th { (lang.t("送信先", "Recipients")) }
                    td #confirm-recipients {
                        (plan.recipients.iter().map(|r| recipient_name(lang, r)).collect::<Vec<_>>().join(sep(lang)))
                    }
                }
            }
        }
        h2 { (lang.t("各送信先が受信する内容", "What each recipient receives")) }
        (recipients(s, lang, plan))
        form #confirm-form method="post" action=(action) {
            input type="hidden" name="csrf" value=(a.csrf());
            @for (k, v) in values.0.iter().filter(|(k, _)| !matches!(k.as_str(), "csrf" | "confirmed" | "back")) {
                input type="hidden" name=(k) value=(v);
            }
            div.actions {
                button #confirm-send type="submit" name="confirmed" value="true" { (lang.t("この内容で送信する", "Send")) }
                button.secondary #confirm-back type="submit" name="back" value="true" { (lang.t("編集に戻る", "Back to edit")) }
            }
        }
    };
    (StatusCode::OK, page(lang, title, Some(a), Nav::None, body)).into_response()
}

/// Where a sent filing leads: its case, told which copies were just sent (for the message).
pub fn sent_location(f: &kakehashi_app::liaison::Filed) -> String {
    let ids: Vec<&str> = f.copies.iter().map(|c| c.0.as_str()).collect();
    format!("/chains/{}?sent={}", f.chain.0, ids.join(","))
}

/// What the confirmation page calls the filing.
pub fn what(lang: Lang, filing: &Filing, report_no: u32) -> String {
    let k = super::layout::report_no_text(lang, report_no);
    match filing.kind {
        FilingKind::First => k,
        FilingKind::FollowUp => format!("{}{}", lang.t("続報 ", "Follow-up, "), k),
        FilingKind::Forward => format!("{}{}", lang.t("転送 ", "Forward, "), k),
    }
}

/// After sending: whom it reached (and the R-number when NISC numbered it), for the chain page.
pub fn sent_notice(lang: Lang, names: &[String], added: &[String], ident: Option<&str>) -> Markup {
    html! {
        div.okbox #sent-notice role="status" {
            (lang.t("送信しました。", "Sent. "))
            (lang.t("送信先", "Recipients")) (colon(lang))
            span #sent-recipients { (names.join(sep(lang))) }
            @if !added.is_empty() {
                (lang.t("。追加の共有先", ". Added recipients")) (colon(lang))
                span #sent-added { (added.join(sep(lang))) }
            }
            @if let Some(i) = ident {
                (lang.t("。識別番号", ". Identification number")) (colon(lang))
                strong #sent-ident { (i) }
            }
            (lang.t("。", "."))
        }
    }
}
