//! The large-scale outage mode page: what is in force, and for NISC's and the crisis-management
//! office's approvers, declaring and ending it.

use super::form_parse::Values;
use super::layout::{error_page, page, sector_name, Nav};
use super::provision::err_box;
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::large_scale::Declare;
use kakehashi_app::AppError;
use kakehashi_domain::large_scale::{may_declare, Cause};
use kakehashi_domain::Role;
use maud::html;

async fn render(s: &AppState, a: &Authed, lang: Lang, err: Option<&AppError>) -> Response {
    let mode = match s.app.large_scale().await {
        Ok(m) => m,
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
