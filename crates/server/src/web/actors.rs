//! Pages of the other actors of the diagram: the form on which a cybersecurity, incident-response
//! or disaster-management ministry, an agency or a cyberspace business sends NISC what its role
//! says; the list and detail NISC (and the sender) read, with NISC recording one as a source; the
//! crisis-management office's view by sector in a large-scale outage; and NISC's requests for
//! cooperation (連携要請) with each addressee's status and reply thread.

use super::form_parse::Values;
use super::layout::{
    error_page, importance_badge, org_name, page, sector_name, sep, tlp_badge, Nav,
};
use super::provision::err_box;
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::actors::{
    may_answer_requests, may_send_requests, may_submit_any, NewRequest, NewSubmission,
    SubmissionView,
};
use kakehashi_app::AppError;
use kakehashi_domain::actors::{allowed_kinds, may_be_asked};
use kakehashi_domain::{Importance, OrgId, OrgKind, Tlp};
use maud::{html, Markup};
use std::collections::BTreeMap;

/// Whether the submissions entry shows in the menu: senders, NISC, the crisis-management office.
pub fn may_see_submissions(a: &Authed) -> bool {
    may_submit_any(&a.actor)
        || matches!(a.actor.org.kind, OrgKind::Nisc | OrgKind::CrisisManagement)
}

/// Whether the requests entry shows in the menu: NISC and the organisations it may ask.
pub fn may_see_requests(a: &Authed) -> bool {
    a.actor.org.kind == OrgKind::Nisc || may_answer_requests(&a.actor)
}

fn tlp_select(lang: Lang, chosen: &str) -> Markup {
    html! {
        label { (lang.t("TLP（情報共有範囲）", "TLP (sharing scope)")) " "
            select name="tlp" required {
                @for t in Tlp::ALL {
                    option value=(t.code()) selected[t.code() == chosen] { "TLP:" (t.code()) " " (lang.t(t.label_ja(), t.label_en())) }
                }
            }
        }
    }
}

fn submission_form(s: &AppState, a: &Authed, lang: Lang, v: &Values) -> Markup {
    let kinds = allowed_kinds(a.actor.org.kind);
    html! {
        h2 { (lang.t("NISCへ情報を送る", "Send information to NISC")) }
        p.muted { (lang.t(
            "この様式では、貴組織の役割に応じた情報（下の「情報の種類」）をNISCへ送ります。送った情報はNISCと貴組織のみが閲覧します（大規模障害対応時は、宣言された分野の被害情報・対応状況情報を内閣官房（事態対処・危機管理担当）も閲覧します）。",
            "Send NISC what your organisation's role covers (the kinds below). Only NISC and your organisation read it (in a large-scale outage the crisis-management office also reads damage and response status of the declared sectors)."
        )) }
        form #submission-form method="post" action="/submissions" {
            input type="hidden" name="csrf" value=(a.csrf());
            fieldset {
                legend { (lang.t("情報の種類", "Kind of information")) " *" }
                @for k in kinds {
                    label.check { input type="radio" name="kind" value=(k.code()) checked[v.get("kind") == k.code()] required; " " (lang.t(k.label_ja(), k.label_en())) }
                }
            }
            label { (lang.t("件名", "Title")) " * " input type="text" name="title" value=(v.get("title")) required; }
            label { (lang.t("本文", "Body")) " * " textarea name="body" rows="8" required { (v.get("body")) } }
            (tlp_select(lang, if v.get("tlp").is_empty() { "AMBER" } else { v.get("tlp") }))
            " "
            label { (lang.t("重要度", "Importance")) " "
                select name="importance" {
                    option value="" { (lang.t("（指定しない）", "(not set)")) }
                    @for i in Importance::ALL {
                        option value=(i.code()) selected[v.get("importance") == i.code()] { (lang.t(i.label_ja(), i.label_en())) }
                    }
                }
            }
            fieldset {
                legend { (lang.t("影響を受ける分野（任意）", "Affected sectors (optional)")) }
                @for sec in s.app.reference.sectors() {
                    label.check { input type="checkbox" name="sectors" value=(sec.id) checked[v.has("sectors", &sec.id)]; " " (sector_name(&s.app, lang, &sec.id)) }
                }
            }
            button type="submit" { (lang.t("NISCへ送信", "Send to NISC")) }
        }
    }
}

fn submission_rows(s: &AppState, lang: Lang, items: &[&SubmissionView]) -> Markup {
    html! {
        table.list {
            thead { tr {
                th { (lang.t("番号", "No.")) } th { (lang.t("種類", "Kind")) } th { (lang.t("件名", "Title")) }
                th { (lang.t("送信元", "From")) } th { "TLP" } th { (lang.t("重要度", "Importance")) }
                th { (lang.t("分野", "Sectors")) } th { (lang.t("受信日時", "Received")) }
            } }
            tbody {
                @for v in items {
                    tr {
                        td { a href={ "/submissions/" (v.id) } { (v.ident) } }
                        td { (lang.t(v.kind.label_ja(), v.kind.label_en())) }
                        td { a href={ "/submissions/" (v.id) } { (v.title) } }
                        td { (org_name(lang, &v.sender_org_name_ja, &v.sender_org_name_en)) }
                        td { (tlp_badge(&v.tlp)) }
                        td { (importance_badge(lang, v.importance.as_deref())) }
                        td { (v.sectors.iter().map(|x| sector_name(&s.app, lang, x)).collect::<Vec<_>>().join(sep(lang))) }
                        td { (show_time(v.created_at)) }
                    }
                }
            }
        }
    }
}

async fn render_list(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    v: &Values,
    err: Option<&AppError>,
) -> Response {
    let items = match s.app.submissions(&a.actor).await {
        Ok(i) => i,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let all: Vec<&SubmissionView> = items.iter().map(|i| i.get()).collect();
    let hub = matches!(a.actor.org.kind, OrgKind::Nisc | OrgKind::CrisisManagement);
    // 被害情報・対応状況情報 by affected sector: what the hub aggregates (L1).
    let mut by_sector: BTreeMap<String, Vec<&SubmissionView>> = BTreeMap::new();
    if hub {
        for sv in all.iter().filter(|x| x.kind.hub_aggregates()) {
            for sec in &sv.sectors {
                by_sector.entry(sec.clone()).or_default().push(sv);
            }
        }
    }
    let title = lang.t("関係主体からの情報", "Information from other actors");
    let body = html! {
        h1 { (title) }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if may_submit_any(&a.actor) { (submission_form(s, a, lang, v)) }
        h2 { @if hub { (lang.t("受信した情報", "Received")) } @else { (lang.t("送信済みの情報", "Sent")) } }
        @if all.is_empty() {
            p.muted #submissions-empty { (lang.t("まだありません。", "None yet.")) }
        } @else {
            (submission_rows(s, lang, &all))
        }
        @if hub {
            h2 #damage-by-sector { (lang.t("被害情報・対応状況情報（分野別）", "Damage and response status by sector")) }
            @if by_sector.is_empty() {
                p.muted { (lang.t("閲覧できる被害情報・対応状況情報はありません。", "No damage or response-status information you may read.")) }
            }
            @for (sec, list) in &by_sector {
                h3 { (sector_name(&s.app, lang, sec)) " (" (list.len()) ")" }
                (submission_rows(s, lang, list))
            }
        }
    };
    let status = if err.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, page(lang, title, Some(a), Nav::None, body)).into_response()
}

pub async fn list(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    render_list(&s, &a, lang, &Values(vec![]), None).await
}

pub async fn submit(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let input = NewSubmission {
        kind: v.get("kind").to_owned(),
        title: v.get("title").to_owned(),
        body: v.get("body").to_owned(),
        tlp: v.get("tlp").to_owned(),
        importance: Some(v.get("importance").to_owned()),
        sectors: v.all("sectors").map(str::to_owned).collect(),
    };
    match s.app.submit_to_nisc(&a.actor, input).await {
        Ok(view) => Redirect::to(&format!("/submissions/{}", view.get().id)).into_response(),
        Err(e @ AppError::Forbidden { .. }) => error_page(lang, Some(&a), &e),
        Err(e) => render_list(&s, &a, lang, &v, Some(&e)).await,
    }
}

pub async fn view(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let sv = match s.app.submission(&a.actor, &id).await {
        Ok(v) => v.into_inner(),
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let may_record = kakehashi_app::provision::may_draft_provisions(&a.actor);
    let title = format!("{} {}", sv.ident, sv.title);
    let body = html! {
        p { a href="/submissions" { (lang.t("← 関係主体からの情報", "← Information from other actors")) } }
        h1 { (sv.ident) " " (sv.title) }
        dl #submission {
            dt { (lang.t("情報の種類", "Kind")) } dd { (lang.t(sv.kind.label_ja(), sv.kind.label_en())) }
            dt { (lang.t("送信元", "From")) } dd { (org_name(lang, &sv.sender_org_name_ja, &sv.sender_org_name_en)) " " (sv.sender_name) }
            dt { "TLP" } dd { (tlp_badge(&sv.tlp)) }
            dt { (lang.t("重要度", "Importance")) } dd { (importance_badge(lang, sv.importance.as_deref())) }
            dt { (lang.t("分野", "Sectors")) } dd { @if sv.sectors.is_empty() { "—" } @else { (sv.sectors.iter().map(|x| sector_name(&s.app, lang, x)).collect::<Vec<_>>().join(sep(lang))) } }
            dt { (lang.t("受信日時", "Received")) } dd { (show_time(sv.created_at)) }
        }
        div.body { @for line in sv.body.lines() { (line) br; } }
        @if may_record {
            @if sv.source_item.is_some() {
                p #source-recorded { (lang.t("情報提供の情報源として記録済みです。情報提供の作成画面で選べます。", "Recorded as a source: choose it when drafting a provision.")) " "
                    a href="/provisions/new" { (lang.t("情報提供を作成", "Draft a provision")) } }
            } @else {
                form #record-source method="post" action={ "/submissions/" (sv.id) "/source" } {
                    input type="hidden" name="csrf" value=(a.csrf());
                    button type="submit" { (lang.t("情報提供の情報源として記録", "Record as a source for a provision")) }
                }
            }
        }
    };
    page(lang, &title, Some(&a), Nav::None, body).into_response()
}

pub async fn record_source(
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
    match s.app.record_submission_source(&a.actor, &id).await {
        Ok(_) => Redirect::to(&format!("/submissions/{id}")).into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

// --- requests for cooperation -------------------------------------------------------------

async fn render_requests(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    v: &Values,
    err: Option<&AppError>,
) -> Response {
    let items = match s.app.requests(&a.actor).await {
        Ok(i) => i,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let orgs = match s.app.organisations().await {
        Ok(o) => o,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let askable: Vec<_> = orgs
        .iter()
        .filter(|o| OrgKind::from_code(&o.kind).is_some_and(may_be_asked))
        .collect();
    let title = lang.t("連携要請", "Requests for cooperation");
    let body = html! {
        h1 { (title) }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if may_send_requests(&a.actor) {
            h2 { (lang.t("連携要請を送る", "Send a request")) }
            form #request-form method="post" action="/cooperation" {
                input type="hidden" name="csrf" value=(a.csrf());
                fieldset {
                    legend { (lang.t("宛先", "Addressees")) " *" }
                    @for o in &askable {
                        @let kind = OrgKind::from_code(&o.kind);
                        label.check { input type="checkbox" name="addressees" value=(o.id.0) checked[v.has("addressees", &o.id.0)]; " " (org_name(lang, &o.name_ja, &o.name_en))
                            @if let Some(k) = kind { span.muted { "（" (lang.t(k.label_ja(), k.label_en())) "）" } } }
                    }
                }
                label { (lang.t("件名", "Title")) " * " input type="text" name="title" value=(v.get("title")) required; }
                label { (lang.t("本文", "Body")) " * " textarea name="body" rows="6" required { (v.get("body")) } }
                (tlp_select(lang, if v.get("tlp").is_empty() { "AMBER" } else { v.get("tlp") }))
                " " button type="submit" { (lang.t("送信", "Send")) }
            }
        }
        h2 { (lang.t("連携要請の一覧", "Requests")) }
        @if items.is_empty() {
            p.muted #requests-empty { (lang.t("まだありません。", "None yet.")) }
        } @else {
            table.list {
                thead { tr { th { (lang.t("番号", "No.")) } th { (lang.t("件名", "Title")) } th { "TLP" } th { (lang.t("回答状況", "Answers")) } th { (lang.t("送信日時", "Sent")) } } }
                tbody {
                    @for r in &items {
                        @let r = r.get();
                        tr {
                            td { a href={ "/cooperation/" (r.id) } { (r.ident) } }
                            td { a href={ "/cooperation/" (r.id) } { (r.title) } }
                            td { (tlp_badge(&r.tlp)) }
                            td { @for (i, ad) in r.addressees.iter().enumerate() {
                                @if i > 0 { (sep(lang)) }
                                (org_name(lang, &ad.org_name_ja, &ad.org_name_en)) "：" (lang.t(ad.status.label_ja(), ad.status.label_en()))
                            } }
                            td { (show_time(r.created_at)) }
                        }
                    }
                }
            }
        }
    };
    let status = if err.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, page(lang, title, Some(a), Nav::None, body)).into_response()
}

pub async fn requests(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    render_requests(&s, &a, lang, &Values(vec![]), None).await
}

pub async fn send_request(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let input = NewRequest {
        title: v.get("title").to_owned(),
        body: v.get("body").to_owned(),
        tlp: v.get("tlp").to_owned(),
        addressees: v.all("addressees").map(|x| OrgId(x.to_owned())).collect(),
    };
    match s.app.send_request(&a.actor, input).await {
        Ok(r) => Redirect::to(&format!("/cooperation/{}", r.get().id)).into_response(),
        Err(e @ AppError::Forbidden { .. }) => error_page(lang, Some(&a), &e),
        Err(e) => render_requests(&s, &a, lang, &v, Some(&e)).await,
    }
}

async fn render_request(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &str,
    err: Option<&AppError>,
) -> Response {
    let r = match s.app.request(&a.actor, id).await {
        Ok(r) => r.into_inner(),
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let nisc = a.actor.org.kind == OrgKind::Nisc;
    let title = format!("{} {}", r.ident, r.title);
    let body = html! {
        p { a href="/cooperation" { (lang.t("← 連携要請", "← Requests for cooperation")) } }
        h1 { (r.ident) " " (r.title) }
        p { (tlp_badge(&r.tlp)) " " (show_time(r.created_at)) }
        div.body { @for line in r.body.lines() { (line) br; } }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if nisc {
            h2 { (lang.t("宛先ごとの回答状況", "Answers by addressee")) }
            table.list #request-status {
                thead { tr { th { (lang.t("宛先", "Addressee")) } th { (lang.t("状況", "Status")) } th { (lang.t("更新", "Updated")) } } }
                tbody { @for ad in &r.addressees {
                    tr { td { (org_name(lang, &ad.org_name_ja, &ad.org_name_en)) } td { (lang.t(ad.status.label_ja(), ad.status.label_en())) } td { (show_time(ad.updated_at)) } }
                } }
            }
        }
        @for ad in &r.addressees {
            section.thread {
                h2 { (org_name(lang, &ad.org_name_ja, &ad.org_name_en)) "：" (lang.t(ad.status.label_ja(), ad.status.label_en())) }
                @if !nisc && !ad.next.is_empty() {
                    form.status-form method="post" action={ "/cooperation/" (r.id) "/status" } {
                        input type="hidden" name="csrf" value=(a.csrf());
                        (lang.t("回答状況を変更：", "Set the status: "))
                        @for n in &ad.next {
                            button type="submit" name="status" value=(n.code()) { (lang.t(n.label_ja(), n.label_en())) } " "
                        }
                    }
                }
                @for m in &ad.thread {
                    div.message {
                        p.muted { (org_name(lang, &m.author_org_name_ja, &m.author_org_name_en)) " " (m.author_name) " " (show_time(m.at)) }
                        p { @for line in m.body.lines() { (line) br; } }
                    }
                }
                form.reply-form method="post" action={ "/cooperation/" (r.id) "/reply" } {
                    input type="hidden" name="csrf" value=(a.csrf());
                    input type="hidden" name="addressee" value=(ad.org.0);
                    label { (lang.t("返信", "Reply")) " " textarea name="message" rows="3" required {} }
                    button type="submit" { (lang.t("返信する", "Reply")) }
                }
            }
        }
    };
    let status = if err.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, page(lang, &title, Some(a), Nav::None, body)).into_response()
}

pub async fn request(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    render_request(&s, &a, lang, &id, None).await
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
    let addressee = (!v.get("addressee").is_empty()).then(|| OrgId(v.get("addressee").to_owned()));
    match s
        .app
        .reply_request(&a.actor, &id, addressee.as_ref(), v.get("message"))
        .await
    {
        Ok(()) => Redirect::to(&format!("/cooperation/{id}")).into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            render_request(&s, &a, lang, &id, Some(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn set_status(
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
        .set_request_status(&a.actor, &id, v.get("status"))
        .await
    {
        Ok(_) => Redirect::to(&format!("/cooperation/{id}")).into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict { .. })) => {
            render_request(&s, &a, lang, &id, Some(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
