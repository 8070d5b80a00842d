//! The large-scale outage mode page: what is in force, and for NISC's and the crisis-management
//! office's approvers, declaring and ending it.

use super::form_parse::Values;
use super::layout::{
    error_page, hop_label, ident_text, importance_badge, org_name, page, report_no_text,
    sector_name, tlp_badge, Nav,
};
use super::provision::err_box;
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::large_scale::{Declare, Episode, TimelineItem};
use kakehashi_app::AppError;
use kakehashi_domain::large_scale::{may_declare, Cause};
use kakehashi_domain::Role;
use maud::{html, Markup};

async fn render(s: &AppState, a: &Authed, lang: Lang, err: Option<&AppError>) -> Response {
    let mode = match s.app.large_scale().await {
        Ok(m) => m,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let episodes = match s.app.large_scale_episodes().await {
        Ok(e) => e,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let may = may_declare(a.actor.org.kind) && a.actor.has(Role::Approver);
    let title = lang.t("大規模障害対応", "Large-scale outage mode");
    let body = html! {
        h1 { (title) }
        p.muted { (lang.t(
            "宣言中は、宣言された分野についてNISCと内閣官房（事態対処・危機管理担当）が一体となって情報を扱います（内閣官房はNISCが保有する情報を閲覧できます）。通常時の経路とTLPの規則はそのまま適用されます。終了すると直ちに通常の規則に戻ります。",
            "While declared, NISC and the crisis-management office act as one hub for the declared sectors (the office reads what NISC holds). Every normal route and TLP rule still holds. Ending it restores the normal rules at once."
        )) }
        @if let Some(e) = err { (err_box(lang, e)) }
        @match &mode {
            Some(m) => {
                dl #large-scale-state {
                    dt { (lang.t("原因", "Cause")) } dd { (lang.t(m.cause.label_ja(), m.cause.label_en())) }
                    dt { (lang.t("分野", "Sectors")) }
                    dd { @if m.all_sectors { (lang.t("全分野", "All sectors")) } @else {
                        (m.sectors.iter().map(|x| sector_name(&s.app, lang, x)).collect::<Vec<_>>().join(lang.t("、", ", ")))
                    } }
                    dt { (lang.t("理由", "Reason")) } dd { (m.reason) }
                    dt { (lang.t("宣言者", "Declared by")) } dd { (m.declared_by_name) " " (show_time(m.declared_at)) }
                }
                @if may {
                    form #large-scale-end method="post" action="/large-scale/end" {
                        input type="hidden" name="csrf" value=(a.csrf());
                        label { (lang.t("終了の理由", "Reason for ending")) " " input type="text" name="reason" required; }
                        " " button type="submit" { (lang.t("大規模障害対応を終了", "End the large-scale mode")) }
                    }
                }
            }
            None => p #large-scale-none { (lang.t("現在、大規模障害対応は宣言されていません（通常時）。", "Not declared: normal times.")) }
        }
        (episode_list(s, lang, &episodes))
        @if may {
            h2 { @if mode.is_some() { (lang.t("宣言の変更", "Change the declaration")) } @else { (lang.t("宣言", "Declare")) } }
            form #large-scale-declare method="post" action="/large-scale" {
                input type="hidden" name="csrf" value=(a.csrf());
                fieldset {
                    legend { (lang.t("分野（選択しない場合は全分野）", "Sectors (none chosen: all sectors)")) }
                    @for sec in s.app.reference.sectors() {
                        label.check { input type="checkbox" name="sectors" value=(sec.id); " " (sector_name(&s.app, lang, &sec.id)) }
                    }
                }
                label { (lang.t("原因", "Cause")) " "
                    select name="cause" {
                        @for c in Cause::ALL { option value=(c.code()) { (lang.t(c.label_ja(), c.label_en())) } }
                    }
                }
                " "
                label { (lang.t("理由", "Reason")) " " input type="text" name="reason" required; }
                " " button type="submit" { (lang.t("宣言する", "Declare")) }
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

pub async fn view(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    render(&s, &a, lang, None).await
}

pub async fn declare(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Err(e) = a.check_csrf(values.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let req = Declare {
        sectors: values.all("sectors").map(str::to_owned).collect(),
        cause: values.get("cause").to_owned(),
        reason: values.get("reason").to_owned(),
    };
    match s.app.declare_large_scale(&a.actor, req).await {
        Ok(_) => Redirect::to("/large-scale").into_response(),
        Err(e @ AppError::Forbidden { .. }) => error_page(lang, Some(&a), &e),
        Err(e) => render(&s, &a, lang, Some(&e)).await,
    }
}

pub async fn end(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Err(e) = a.check_csrf(values.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    match s.app.end_large_scale(&a.actor, values.get("reason")).await {
        Ok(()) => Redirect::to("/large-scale").into_response(),
        Err(e @ AppError::Forbidden { .. }) => error_page(lang, Some(&a), &e),
        Err(e) => render(&s, &a, lang, Some(&e)).await,
    }
}

fn sectors_text(s: &AppState, lang: Lang, all: bool, sectors: &[String]) -> String {
    if all {
        lang.t("全分野", "All sectors").to_owned()
    } else {
        sectors
            .iter()
            .map(|x| sector_name(&s.app, lang, x))
            .collect::<Vec<_>>()
            .join(lang.t("、", ", "))
    }
}

fn period(lang: Lang, e: &Episode) -> String {
    match e.ended_at {
        Some(end) => format!("{} – {}", show_time(e.mode.since()), show_time(end)),
        None => format!(
            "{} – {}",
            show_time(e.mode.since()),
            lang.t("対応中", "in force")
        ),
    }
}

/// The episodes on record, newest first, each linking to its printable record.
fn episode_list(s: &AppState, lang: Lang, episodes: &[Episode]) -> Markup {
    html! {
        h2 { (lang.t("対応の記録", "Records of episodes")) }
        @if episodes.is_empty() {
            p.empty #large-scale-episodes-none { (lang.t("記録はありません。", "No episode on record.")) }
        } @else {
            table.list #large-scale-episodes {
                thead { tr {
                    th scope="col" { (lang.t("期間（JST）", "Period (JST)")) }
                    th scope="col" { (lang.t("分野", "Sectors")) }
                    th scope="col" { (lang.t("原因", "Cause")) }
                    th scope="col" { span.sr { (lang.t("操作", "Actions")) } }
                } }
                tbody {
                    @for e in episodes {
                        tr {
                            td.nowrap { (period(lang, e)) }
                            td { (sectors_text(s, lang, e.mode.all_sectors, &e.mode.sectors)) }
                            td { (lang.t(e.mode.cause.label_ja(), e.mode.cause.label_en())) }
                            td.nowrap { a.episode-link href={ "/large-scale/episodes/" (e.number) } { (lang.t("記録を開く", "Open the record")) } }
                        }
                    }
                }
            }
        }
    }
}

/// The printable record of one episode: declarations, cases, provisions and the end, in time
/// order, as far as the viewer may read them.
pub async fn record(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(number): Path<String>,
) -> Response {
    let Ok(number) = number.parse::<u32>() else {
        return error_page(lang, Some(&a), &AppError::NotFound);
    };
    let rec = match s.app.large_scale_record(&a.actor, number).await {
        Ok(r) => r,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let e = &rec.episode;
    let title = lang.t("大規模障害対応の記録", "Record of a large-scale episode");
    let body = html! {
        h1 { (title) }
        p.noprint { a.button.secondary #print-link href="#" { (lang.t("印刷", "Print")) } " " a href="/large-scale" { (lang.t("大規模障害対応へ戻る", "Back to the large-scale mode")) } }
        dl #episode-summary {
            dt { (lang.t("期間（JST）", "Period (JST)")) } dd { (period(lang, e)) }
            dt { (lang.t("分野", "Sectors")) } dd { (sectors_text(&s, lang, e.mode.all_sectors, &e.mode.sectors)) }
            dt { (lang.t("原因", "Cause")) } dd { (lang.t(e.mode.cause.label_ja(), e.mode.cause.label_en())) }
            dt { (lang.t("理由", "Reason")) } dd { (e.mode.reason) }
        }
        p.muted.small { (lang.t(
            "閲覧権限のある情報だけを表示しています。事案は期間中の最新の連絡を1行で示します。",
            "Shows only what you may read. Each case appears once, with its latest liaison in the period."
        )) }
        @if rec.truncated {
            p.warn { (lang.t("事案が多いため一部のみ表示しています。", "Too many cases: only part of them is shown.")) }
        }
        table.list #episode-timeline {
            thead { tr {
                th scope="col" { (lang.t("日時（JST）", "Time (JST)")) }
                th scope="col" { (lang.t("種別", "Kind")) }
                th scope="col" { (lang.t("内容", "What")) }
            } }
            tbody {
                @for t in &rec.timeline {
                    tr {
                        td.nowrap { (show_time(t.at)) }
                        @match &t.what {
                            TimelineItem::Declared { sectors, all_sectors, cause, reason, by } => {
                                td { (lang.t("宣言", "Declared")) }
                                td { (sectors_text(&s, lang, *all_sectors, sectors)) (lang.t("／", " / ")) (lang.t(cause.label_ja(), cause.label_en())) (lang.t("／", " / ")) (reason) (lang.t("（", " (")) (by) (lang.t("）", ")")) }
                            }
                            TimelineItem::Report(v) => {
                                @let r = v.get();
                                @let c = &r.summary;
                                td { (lang.t("情報連絡", "Liaison")) }
                                td {
                                    a href={ "/copies/" (c.id.0) } { (ident_text(lang, c.ident.as_deref())) } " " (report_no_text(lang, c.report_no)) " "
                                    (tlp_badge(&c.tlp)) " " (importance_badge(lang, c.importance.as_deref())) br;
                                    (r.line) br;
                                    span.muted.small {
                                        (sector_name(&s.app, lang, &c.sector)) (lang.t("／", " / "))
                                        (org_name(lang, &r.sender_name, &r.sender_name_en)) " → " (org_name(lang, &r.addressee_name, &r.addressee_name_en))
                                        (lang.t("（", " (")) (hop_label(lang, &c.hop_kind)) (lang.t("）", ")"))
                                    }
                                }
                            }
                            TimelineItem::Provision(p) => {
                                td { (lang.t("情報提供", "Provision")) }
                                td {
                                    a href={ "/provisions/" (p.id) } { (ident_text(lang, p.ident.as_deref())) } " "
                                    (tlp_badge(&p.tlp)) " " (importance_badge(lang, p.importance.as_deref())) br;
                                    span.muted.small { (sectors_text(&s, lang, false, &p.sectors)) }
                                }
                            }
                            TimelineItem::Ended { reason, by } => {
                                td { (lang.t("終了", "Ended")) }
                                td { (reason) (lang.t("（", " (")) (by) (lang.t("）", ")")) }
                            }
                        }
                    }
                }
            }
        }
    };
    page(lang, title, Some(&a), Nav::None, body).into_response()
}
