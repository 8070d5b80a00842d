//! 突合 pages for NISC staff: the candidate groups with their reasons in words, linking a group
//! into a new or an existing incident, dismissing it; the incidents and one incident's chains.

use super::form_parse::Values;
use super::layout::{error_page, org_name, page, Nav};
use super::provision::err_box;
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::cross_check::{
    may_cross_check, may_link, ChainBrief, ChainList, GroupView, NewIncident,
};
use kakehashi_app::AppError;
use maud::{html, Markup};

/// Whether the cross-checking entry shows in the menu: NISC's own staff.
pub fn may_see_cross_check(a: &Authed) -> bool {
    may_cross_check(&a.actor)
}

fn chain_name(lang: Lang, c: &ChainBrief) -> Markup {
    let org = org_name(lang, &c.org_name_ja, &c.org_name_en);
    html! {
        a href={ "/chains/" (c.id.0) } { (c.ident.clone().unwrap_or_else(|| lang.t("（未採番）", "(not numbered)").to_owned())) }
        " " (org_name(lang, &c.sector_name_ja, &c.sector_name_en))
        " / " @if org.is_empty() { span.muted { (lang.t("報告元非開示", "reporter not disclosed")) } } @else { (org) }
    }
}

fn chain_row(lang: Lang, c: &ChainBrief) -> Markup {
    html! {
        td { a href={ "/chains/" (c.id.0) } { (c.ident.clone().unwrap_or_else(|| lang.t("（未採番）", "(not numbered)").to_owned())) } }
        td { (org_name(lang, &c.sector_name_ja, &c.sector_name_en)) }
        td { @let o = org_name(lang, &c.org_name_ja, &c.org_name_en);
             @if o.is_empty() { span.muted { (lang.t("非開示", "not disclosed")) } } @else { (o) } }
        td { (org_name(lang, &c.event_label_ja, &c.event_label_en)) }
        td { @if let Some(t) = c.discovered_at { (show_time(t)) } @else { "—" } }
    }
}

fn group_card(
    a: &Authed,
    lang: Lang,
    n: usize,
    g: &GroupView,
    incidents: &[(String, String)],
) -> Markup {
    let name_of = |id: &str| -> Markup {
        match g.chains.iter().find(|c| c.id.0 == id) {
            Some(c) => chain_name(lang, c),
            None => html! { (id) },
        }
    };
    html! {
        section.thread.candidate id={ "candidate-" (n) } {
            h2 { (lang.t("候補", "Candidate")) " " (n) " — " (lang.t("スコア ", "score ")) (g.score) }
            @if !g.incidents.is_empty() {
                p { (lang.t("関連付け済み：", "Already linked: "))
                    @for i in &g.incidents { a href={ "/incidents/" (i.id) } { (i.ident) " " (i.title) } " " } }
            }
            table.list {
                thead { tr { th { (lang.t("識別番号", "Number")) } th { (lang.t("分野", "Sector")) } th { (lang.t("報告元", "Reporter")) } th { (lang.t("事象", "Event")) } th { (lang.t("判明日時", "Discovered")) } } }
                tbody { @for c in &g.chains { tr { (chain_row(lang, c)) } } }
            }
            ul.reasons {
                @for l in &g.links {
                    li { (name_of(&l.a.0)) " ⇔ " (name_of(&l.b.0)) (lang.t("：", ": "))
                        @for (k, r) in l.reasons.iter().enumerate() {
                            @if k > 0 { (lang.t("、", "; ")) }
                            span.reason { (lang.t(&r.text_ja, &r.text_en)) }
                        }
                    }
                }
            }
            @if may_link(&a.actor) {
                form.link-form method="post" action="/cross-check/link" {
                    input type="hidden" name="csrf" value=(a.csrf());
                    @for c in &g.chains { input type="hidden" name="chains" value=(c.id.0); }
                    label { (lang.t("関連付け先", "Link into")) " "
                        select name="incident" {
                            option value="" { (lang.t("新しいインシデント", "A new incident")) }
                            @for (id, label) in incidents {
                                option value=(id) selected[g.incidents.iter().any(|i| &i.id == id)] { (label) }
                            }
                        }
                    }
                    label { (lang.t("件名（新しいインシデントの場合）", "Title (for a new incident)")) " "
                        input type="text" name="title" value=(lang.t("同一事案の可能性", "Possibly one incident")); }
                    label { (lang.t("メモ", "Note")) " " textarea name="note" rows="2" {} }
                    button type="submit" { (lang.t("インシデントに関連付ける", "Link into the incident")) }
                }
                form.dismiss-form method="post" action="/cross-check/dismiss" {
                    input type="hidden" name="csrf" value=(a.csrf());
                    @for c in &g.chains { input type="hidden" name="chains" value=(c.id.0); }
                    button type="submit" { (lang.t("この候補を却下（再提示しない）", "Dismiss (do not propose again)")) }
                }
            }
        }
    }
}

async fn render(s: &AppState, a: &Authed, lang: Lang, err: Option<&AppError>) -> Response {
    let cands = match s.app.cross_check_candidates(&a.actor).await {
        Ok(c) => c.into_inner(),
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let incidents = match s.app.incidents(&a.actor).await {
        Ok(i) => i,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let choices: Vec<(String, String)> = incidents
        .iter()
        .map(|i| {
            (
                i.get().id.clone(),
                format!("{} {}", i.get().ident, i.get().title),
            )
        })
        .collect();
    let title = lang.t("突合", "Cross-checking");
    let body = html! {
        h1 { (title) }
        p.muted { (lang.t(
            "受け取った情報連絡のうち、分野・組織をまたいで同じ指標を含むもの、又は同じ事象・同じ原因で判明時刻が近いもの（",
            "Reports you hold that name the same indicator across sectors and organisations, or have the same event and cause and were discovered close together (within "
        )) (cands.window_hours) (lang.t(
            "時間以内）を候補として示します。同一事案と判断したらインシデントに関連付け、無関係なら却下してください。",
            " h). Link a candidate into an incident when it is one case; dismiss it when it is not."
        )) }
        p.muted { (lang.t("突合した情報連絡：", "Reports cross-checked: ")) (cands.chains_checked) }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if cands.items.is_empty() {
            p.muted #candidates-empty { (lang.t("候補はありません。", "No candidates.")) }
        }
        @for (n, g) in cands.items.iter().enumerate() { (group_card(a, lang, n + 1, g, &choices)) }
        h2 #incidents { (lang.t("インシデント", "Incidents")) }
        @if incidents.is_empty() {
            p.muted #incidents-empty { (lang.t("まだありません。", "None yet.")) }
        } @else {
            table.list {
                thead { tr { th { (lang.t("番号", "No.")) } th { (lang.t("件名", "Title")) } th { (lang.t("情報連絡", "Reports")) } th { (lang.t("作成日時", "Created")) } } }
                tbody { @for i in &incidents {
                    @let i = i.get();
                    tr {
                        td { a href={ "/incidents/" (i.id) } { (i.ident) } }
                        td { a href={ "/incidents/" (i.id) } { (i.title) } }
                        td { (i.chains.iter().filter_map(|c| c.chain.ident.clone()).collect::<Vec<_>>().join(lang.t("、", ", "))) }
                        td { (show_time(i.created_at)) }
                    }
                } }
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

pub async fn overview(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    render(&s, &a, lang, None).await
}

pub async fn link(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let chains: Vec<String> = v.all("chains").map(str::to_owned).collect();
    let done = match v.get("incident") {
        "" => {
            s.app
                .create_incident(
                    &a.actor,
                    NewIncident {
                        title: v.get("title").to_owned(),
                        note: v.get("note").to_owned(),
                        chains,
                    },
                )
                .await
        }
        id => {
            // Chains of the group already in this incident are left as they are.
            let have: Vec<String> = match s.app.incident(&a.actor, id).await {
                Ok(i) => i
                    .get()
                    .chains
                    .iter()
                    .map(|c| c.chain.id.0.clone())
                    .collect(),
                Err(e) => return error_page(lang, Some(&a), &e),
            };
            let chains = chains.into_iter().filter(|c| !have.contains(c)).collect();
            s.app
                .add_incident_chains(&a.actor, id, ChainList { chains })
                .await
        }
    };
    match done {
        Ok(i) => Redirect::to(&format!("/incidents/{}", i.get().id)).into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::BadField { .. } | AppError::Conflict { .. })) => {
            render(&s, &a, lang, Some(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn dismiss(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(pairs);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let chains = v.all("chains").map(str::to_owned).collect();
    match s
        .app
        .dismiss_candidate(&a.actor, ChainList { chains })
        .await
    {
        Ok(_) => Redirect::to("/cross-check").into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::BadField { .. })) => {
            render(&s, &a, lang, Some(&e)).await
        }
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

pub async fn incident(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let i = match s.app.incident(&a.actor, &id).await {
        Ok(i) => i.into_inner(),
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let title = format!("{} {}", i.ident, i.title);
    let body = html! {
        p { a href="/cross-check" { (lang.t("← 突合", "← Cross-checking")) } }
        h1 { (i.ident) " " (i.title) }
        p.muted { (i.created_by_name) " " (show_time(i.created_at)) }
        @if !i.note.is_empty() { div.body { @for line in i.note.lines() { (line) br; } } }
        h2 { (lang.t("関連付けた情報連絡", "Linked reports")) }
        @if i.chains.is_empty() {
            p.muted #incident-empty { (lang.t("情報連絡はありません。", "No reports.")) }
        } @else {
            table.list #incident-chains {
                thead { tr { th { (lang.t("識別番号", "Number")) } th { (lang.t("分野", "Sector")) } th { (lang.t("報告元", "Reporter")) } th { (lang.t("事象", "Event")) } th { (lang.t("判明日時", "Discovered")) } @if may_link(&a.actor) { th { span.sr { (lang.t("操作", "Action")) } } } } }
                tbody { @for c in &i.chains {
                    tr {
                        (chain_row(lang, &c.chain))
                        @if may_link(&a.actor) {
                            td { form method="post" action={ "/incidents/" (i.id) "/remove" } {
                                input type="hidden" name="csrf" value=(a.csrf());
                                input type="hidden" name="chain" value=(c.chain.id.0);
                                button type="submit" { (lang.t("関連付けを外す", "Unlink")) }
                            } }
                        }
                    }
                } }
            }
        }
    };
    page(lang, &title, Some(&a), Nav::None, body).into_response()
}

pub async fn remove(
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
        .remove_incident_chain(&a.actor, &id, v.get("chain"))
        .await
    {
        Ok(()) => Redirect::to(&format!("/incidents/{id}")).into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
