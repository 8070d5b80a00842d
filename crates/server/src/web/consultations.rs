//! 相談 pages: the consultations an organisation opened or was consulted on, the form on which an
//! operator consults its ministry, its CEPTOAR or NISC (手引書 Ⅱ.2.1: unsure whether an event
//! falls under a case of 情報連絡), the thread with reply and close, and "file a liaison from
//! this consultation".

use super::form_parse::Values;
use super::layout::{error_page, org_name, page, sector_name, Nav};
use super::provision::err_box;
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::consultations::{may_open_consultations, ConsultationView, NewConsultation};
use kakehashi_app::AppError;
use kakehashi_domain::consultation::ConsultationStatus;
use kakehashi_domain::OrgKind;
use maud::{html, Markup};
use serde::Deserialize;

/// Whether the consultations entry shows in the menu: operators consult; their ministries,
/// CEPTOARs and NISC are consulted.
pub fn may_see_consultations(a: &Authed) -> bool {
    matches!(
        a.actor.org.kind,
        OrgKind::Operator | OrgKind::CiMinistry | OrgKind::Ceptoar | OrgKind::Nisc
    )
}

fn status_badge(lang: Lang, s: ConsultationStatus) -> Markup {
    html! { span class={ "badge consult-" (s.code()) } { (lang.t(s.label_ja(), s.label_en())) } }
}

/// The other organisation of the thread, as the reader sees it.
fn counterpart(lang: Lang, c: &ConsultationView) -> String {
    if c.mine {
        org_name(lang, &c.addressee_org_name_ja, &c.addressee_org_name_en).to_owned()
    } else {
        org_name(lang, &c.operator_org_name_ja, &c.operator_org_name_en).to_owned()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    pub cursor: Option<String>,
}

pub async fn list(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Query(q): Query<PageQuery>,
) -> Response {
    let listing = match s
        .app
        .consultations(&a.actor, q.cursor.as_deref(), None)
        .await
    {
        Ok(l) => l,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let title = lang.t("相談", "Consultations");
    let body = html! {
        h1 { (title) }
        p.muted { (lang.t(
            "情報連絡を行うケース（手引書 2.1 ①〜③）に該当するかどうか不明な場合、重要インフラ事業者等は所管省庁・所属するセプター・内閣官房（NISC）に相談できます。相談は相談した組織と相談先の組織だけが閲覧します。",
            "When unsure whether an event falls under a case for a liaison (handbook 2.1 ①–③), a CI operator may consult its ministry, a CEPTOAR it belongs to or the Cabinet Secretariat (NISC). Only the two organisations read a consultation."
        )) }
        @if may_open_consultations(&a.actor) {
            p { a.button #new-consultation href="/consultations/new" { (lang.t("相談する", "Consult")) } }
        }
        @if listing.items.is_empty() {
            p.muted #consultations-empty { (lang.t("まだありません。", "None yet.")) }
        } @else {
            table.list #consultations {
                thead { tr {
                    th { (lang.t("番号", "No.")) } th { (lang.t("件名", "Subject")) }
                    th { (lang.t("相手方", "With")) } th { (lang.t("状況", "Status")) } th { (lang.t("更新", "Updated")) }
                } }
                tbody {
                    @for c in &listing.items {
                        @let c = c.get();
                        tr {
                            td { a href={ "/consultations/" (c.id) } { (c.ident) } }
                            td { a href={ "/consultations/" (c.id) } { (c.subject) } }
                            td { (counterpart(lang, c)) }
                            td { (status_badge(lang, c.status)) }
                            td { (show_time(c.updated_at)) }
                        }
                    }
                }
            }
            @if let Some(next) = &listing.next {
                p { a #consultations-next href={ "/consultations?cursor=" (next) } { (lang.t("次のページ", "Next page")) } }
            }
        }
    };
    page(lang, title, Some(&a), Nav::Consultations, body).into_response()
}

async fn new_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    v: &Values,
    err: Option<&AppError>,
) -> Response {
    if !may_open_consultations(&a.actor) {
        return error_page(lang, Some(a), &not_allowed());
    }
    let options = match s.app.consultation_addressees(&a.actor).await {
        Ok(o) => o,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let own: Vec<&str> = a.actor.org.sectors.iter().map(|x| x.0.as_str()).collect();
    let services: Vec<(String, String, String)> = s
        .app
        .reference
        .sectors()
        .iter()
        .filter(|sec| own.contains(&sec.id.as_str()))
        .flat_map(|sec| {
            sec.services
                .iter()
                .map(|svc| (svc.id.clone(), svc.name_ja.clone(), svc.name_en.clone()))
        })
        .collect();
    let title = lang.t("相談する", "Consult");
    let body = html! {
        p { a href="/consultations" { (lang.t("← 相談", "← Consultations")) } }
        h1 { (title) }
        p.muted { (lang.t(
            "上記（手引書 2.1 ①〜③）に該当するかどうか不明な場合は、重要インフラ所管省庁又は内閣官房に対して相談することが望ましい、とされています。相談先を1つ選んでください。",
            "The handbook (2.1) asks operators unsure whether a case applies to consult their CI ministry or the Cabinet Secretariat. Choose one organisation to consult."
        )) }
        @if let Some(e) = err { (err_box(lang, e)) }
        form #consultation-form method="post" action="/consultations" {
            input type="hidden" name="csrf" value=(a.csrf());
            fieldset #f-addressee {
                legend { (lang.t("相談先", "Consult")) " *" }
                @for o in &options {
                    label.check {
                        input type="radio" name="addressee" value=(o.org.0) checked[v.get("addressee") == o.org.0] required;
                        " " (org_name(lang, &o.name_ja, &o.name_en))
                        " " span.muted { (lang.t("（", "(")) (lang.t(o.role.label_ja(), o.role.label_en())) (lang.t("）", ")")) }
                    }
                }
            }
            label { (lang.t("件名", "Subject")) " * " input type="text" name="subject" value=(v.get("subject")) required; }
            label { (lang.t("相談内容", "Question")) " * "
                textarea name="body" rows="8" required placeholder=(lang.t("発生した事象と、どのケースに該当するか迷っている点", "What happened, and which case you are unsure about")) { (v.get("body")) } }
            label { (lang.t("分野（任意）", "Sector (optional)")) " "
                select name="sector" {
                    option value="" { (lang.t("（指定しない）", "(not set)")) }
                    @for sec in &own {
                        option value=(sec) selected[v.get("sector") == *sec] { (sector_name(&s.app, lang, sec)) }
                    }
                }
            }
            " "
            label { (lang.t("重要インフラサービス（任意）", "CI service (optional)")) " "
                select name="service" {
                    option value="" { (lang.t("（指定しない）", "(not set)")) }
                    @for (id, ja, en) in &services {
                        option value=(id) selected[v.get("service") == id] { (org_name(lang, ja, en)) }
                    }
                }
            }
            div.actions { button type="submit" { (lang.t("相談を送る", "Send")) } }
        }
    };
    let status = if err.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, page(lang, title, Some(a), Nav::Consultations, body)).into_response()
}

fn not_allowed() -> AppError {
    AppError::forbidden(
        "相談を始めるのは重要インフラ事業者等の報告者・承認・送信者です。",
        "Consultations are opened by CI operators' reporters and approvers.",
    )
}

pub async fn new_form(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    new_page(&s, &a, lang, &Values(vec![]), None).await
}

pub async fn open(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let input = NewConsultation {
        addressee: v.get("addressee").to_owned(),
        subject: v.get("subject").to_owned(),
        body: v.get("body").to_owned(),
        sector: Some(v.get("sector").to_owned()),
        service: Some(v.get("service").to_owned()),
    };
    match s.app.open_consultation(&a.actor, input).await {
        Ok(c) => Redirect::to(&format!("/consultations/{}", c.get().id)).into_response(),
        Err(e @ AppError::Forbidden { .. }) => error_page(lang, Some(&a), &e),
        Err(e) => new_page(&s, &a, lang, &v, Some(&e)).await,
    }
}

async fn render(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &str,
    err: Option<&AppError>,
) -> Response {
    let c = match s.app.consultation(&a.actor, id).await {
        Ok(c) => c.into_inner(),
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let acts = a.actor.has(kakehashi_domain::Role::Reporter)
        || a.actor.has(kakehashi_domain::Role::Approver);
    let open = c.status != ConsultationStatus::Closed;
    let may_file = c.mine && acts && super::layout::may_file(a) && c.filed.is_none();
    let title = format!("{} {}", c.ident, c.subject);
    let body = html! {
        p { a href="/consultations" { (lang.t("← 相談", "← Consultations")) } }
        h1 { (c.ident) " " (c.subject) }
        dl #consultation {
            dt { (lang.t("状況", "Status")) } dd #consultation-status { (status_badge(lang, c.status)) }
            dt { (lang.t("相談元", "From")) } dd { (org_name(lang, &c.operator_org_name_ja, &c.operator_org_name_en)) " " (c.opened_by_name) }
            dt { (lang.t("相談先", "Consulted")) } dd { (org_name(lang, &c.addressee_org_name_ja, &c.addressee_org_name_en))
                " " span.muted { (lang.t("（", "(")) (lang.t(c.addressee_role.label_ja(), c.addressee_role.label_en())) (lang.t("）", ")")) } }
            @if let Some(sec) = &c.sector {
                dt { (lang.t("分野", "Sector")) } dd { (sector_name(&s.app, lang, sec)) }
            }
            @if let Some((_, svc)) = c.service.as_deref().and_then(|x| s.app.reference.service(x)) {
                dt { (lang.t("重要インフラサービス", "CI service")) } dd { (org_name(lang, &svc.name_ja, &svc.name_en)) }
            }
            dt { (lang.t("相談日時", "Opened")) } dd { (show_time(c.created_at)) }
            @if let Some(f) = &c.filed {
                dt { (lang.t("情報連絡", "Liaison")) }
                dd #consultation-filed { a href={ "/chains/" (f.chain) } {
                    @match &f.ident { Some(i) => { (i) }, None => { (lang.t("この相談を踏まえた情報連絡（未採番）", "The liaison filed from it (not yet numbered)")) } }
                } }
            }
        }
        div.body { @for line in c.body.lines() { (line) br; } }
        @if let Some(e) = err { (err_box(lang, e)) }
        section.thread #consultation-thread {
            h2 { (lang.t("やり取り", "Thread")) }
            @if c.thread.is_empty() {
                p.muted { (lang.t("まだ返信はありません。", "No replies yet.")) }
            }
            @for m in &c.thread {
                div.message {
                    p.muted { (org_name(lang, &m.author_org_name_ja, &m.author_org_name_en)) " " (m.author_name) " " (show_time(m.at)) }
                    p { @for line in m.body.lines() { (line) br; } }
                }
            }
            @if open && acts {
                form.reply-form #consultation-reply method="post" action={ "/consultations/" (c.id) "/reply" } {
                    input type="hidden" name="csrf" value=(a.csrf());
                    label { @if c.mine { (lang.t("追加の質問", "Ask more")) } @else { (lang.t("回答", "Answer")) }
                        " " textarea name="message" rows="4" required {} }
                    button type="submit" { (lang.t("送信", "Send")) }
                }
            }
        }
        div.actions {
            @if may_file {
                a.button #file-from-consultation href={ "/liaison/new?consultation=" (c.id) } {
                    (lang.t("この相談を踏まえて情報連絡を作成", "File a liaison from this consultation"))
                }
            }
            @if open && acts {
                form #consultation-close method="post" action={ "/consultations/" (c.id) "/close" } {
                    input type="hidden" name="csrf" value=(a.csrf());
                    button type="submit" { (lang.t("相談を終了する", "Close the consultation")) }
                }
            }
        }
    };
    let status = if err.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (
        status,
        page(lang, &title, Some(a), Nav::Consultations, body),
    )
        .into_response()
}

pub async fn view(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    render(&s, &a, lang, &id, None).await
}

pub async fn reply(
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
    match s
        .app
        .consultation_message(&a.actor, &id, v.get("message"))
        .await
    {
        Ok(_) => Redirect::to(&format!("/consultations/{id}")).into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::BadField { .. } | AppError::Conflict { .. })) => {
            render(&s, &a, lang, &id, Some(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn close(
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
    match s.app.close_consultation(&a.actor, &id).await {
        Ok(()) => Redirect::to(&format!("/consultations/{id}")).into_response(),
        Err(e @ AppError::Conflict { .. }) => render(&s, &a, lang, &id, Some(&e)).await,
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
