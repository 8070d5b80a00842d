//! 報告期限 — the pages: every sector's reporting policy (NISC and the overseeing ministry edit
//! it, with the NIS2-style preset for comparison), and the overdue view of ministries and NISC.

use super::form_parse::Values;
use super::layout::{error_page, ident_text, org_name, page, sector_name, Nav};
use super::provision::err_box;
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::deadlines::{DueView, PolicyInput, SpanInput};
use kakehashi_app::AppError;
use kakehashi_domain::liaison::deadline::{DeadlineKind, ReportingPolicy, Span};
use kakehashi_domain::OrgKind;
use maud::{html, Markup};

/// NISC and the CI ministries watch deadlines.
pub fn may_watch(a: &Authed) -> bool {
    matches!(a.actor.org.kind, OrgKind::Nisc | OrgKind::CiMinistry)
}

fn span_text(lang: Lang, s: Span) -> String {
    match lang {
        Lang::Ja => s.label_ja(),
        Lang::En => s.label_en(),
    }
}

fn kind_text(lang: Lang, k: DeadlineKind) -> &'static str {
    lang.t(k.label_ja(), k.label_en())
}

fn minutes_text(lang: Lang, m: i64) -> String {
    let (d, h, mi) = (m / 1440, (m % 1440) / 60, m % 60);
    match lang {
        Lang::Ja if d > 0 => format!("{d}日{h}時間"),
        Lang::Ja if h > 0 => format!("{h}時間{mi}分"),
        Lang::Ja => format!("{mi}分"),
        Lang::En if d > 0 => format!("{d} d {h} h"),
        Lang::En if h > 0 => format!("{h} h {mi} min"),
        Lang::En => format!("{mi} min"),
    }
}

/// The policy in one line: 第一報 24時間 / 続報 72時間ごと / 最終報 1か月.
pub fn policy_text(lang: Lang, p: &ReportingPolicy) -> String {
    let mut parts = vec![format!(
        "{} {}",
        lang.t("第一報", "First report"),
        span_text(lang, p.first_report)
    )];
    if let Some(f) = p.follow_up_every {
        parts.push(match lang {
            Lang::Ja => format!("続報 {}ごと", span_text(lang, f)),
            Lang::En => format!("follow-up every {}", span_text(lang, f)),
        });
    }
    if let Some(f) = p.final_report {
        parts.push(format!(
            "{} {}",
            lang.t("最終報", "final report"),
            span_text(lang, f)
        ));
    }
    parts.join(" / ")
}

/// What is due, when, and how late (or how long is left).
pub fn due_text(lang: Lang, d: &DueView) -> Markup {
    html! {
        span.deadline data-kind=(d.kind.code()) data-overdue=(d.overdue) {
            (kind_text(lang, d.kind)) " " (show_time(d.due))
            @if d.overdue {
                " " span.badge.overdue { (lang.t("超過 ", "late by ")) (minutes_text(lang, d.late_minutes)) }
            } @else {
                " " span.muted { (lang.t("あと ", "")) (minutes_text(lang, d.minutes_left)) (lang.t("", " left")) }
            }
        }
    }
}

fn status(err: Option<&AppError>) -> StatusCode {
    match err {
        Some(e) => crate::error::status_of(e).0,
        None => StatusCode::OK,
    }
}

/// `/reporting-policies`: every sector's policy; editors change theirs here.
pub async fn policies(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    render(&s, &a, lang, None).await
}

fn unit_select(lang: Lang, name: &str, current: Option<Span>) -> Markup {
    let unit = current.map(Span::unit).unwrap_or("hours");
    html! {
        select name=(name) {
            @for (code, ja, en) in [("hours", "時間", "hours"), ("days", "日", "days"), ("months", "か月", "months")] {
                option value=(code) selected[unit == code] { (lang.t(ja, en)) }
            }
        }
    }
}

fn span_fields(
    lang: Lang,
    field: &str,
    label: &str,
    current: Option<Span>,
    optional: bool,
) -> Markup {
    html! {
        label {
            (label) " "
            input type="number" name={ (field) ".value" } min="1" inputmode="numeric" size="4"
                value=[current.map(|s| s.value())] required[!optional];
            " " (unit_select(lang, &format!("{field}.unit"), current))
        }
        @if optional { span.muted.small { (lang.t("（空欄：期限なし）", " (blank: none)")) } }
    }
}

async fn render(s: &AppState, a: &Authed, lang: Lang, err: Option<&AppError>) -> Response {
    let v = match s.app.reporting_policies(&a.actor).await {
        Ok(v) => v,
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let title = lang.t("報告期限", "Reporting deadlines");
    let body = html! {
        h1 { (title) }
        p.muted { (lang.t(
            "分野ごとに、判明から第一報までの時間、続報ありの間の続報の間隔、最終報（続報なし）までの期間を設定できます。設定のない分野には期限はありません（手引書は「その時点で判明している事象や原因を随時」報告するとしています）。期限は日本時間で数えます。設定できるのはNISCと各分野の所管省庁です。",
            "Per sector: how long after discovery the first report is due, how often a follow-up is due while one is announced, and when the final report (no further follow-up) is due. A sector without a policy has no deadlines (the handbook asks for reports 'as things become known'). Deadlines count in Japan Standard Time. NISC and each sector's ministry set them."
        )) }
        @if let Some(e) = err { (err_box(lang, e)) }
        h2 { (lang.t("比較用プリセット", "Preset for comparison")) }
        ul #presets {
            @for p in &v.presets {
                li { strong { (lang.t(p.label_ja, p.label_en)) } " — " (policy_text(lang, &p.policy)) }
            }
        }
        p.muted.small { (lang.t("期限の", "Reminders go out ")) (minutes_text(lang, v.reminder_window_minutes)) (lang.t("前と期限超過時に、報告元と所管省庁の担当者へ通知します。", " before a deadline and when it passes, to the reporting organisation and the ministry.")) }
        h2 { (lang.t("分野ごとの設定", "By sector")) }
        table.list #policies {
            thead { tr {
                th scope="col" { (lang.t("分野", "Sector")) }
                th scope="col" { (lang.t("報告期限", "Deadlines")) }
                th scope="col" { (lang.t("更新", "Updated")) }
            } }
            tbody {
                @for p in &v.items {
                    tr data-sector=(p.sector) {
                        td { (org_name(lang, &p.sector_name_ja, &p.sector_name_en)) }
                        td {
                            @match &p.policy {
                                Some(pol) => (policy_text(lang, pol)),
                                None => span.muted { (lang.t("期限なし", "No deadlines")) },
                            }
                        }
                        td.small {
                            @if let (Some(n), Some(t)) = (&p.updated_by_name, p.updated_at) { (n) " " (show_time(t)) }
                        }
                    }
                }
            }
        }
        @for p in v.items.iter().filter(|p| p.editable) {
            section.policy-editor id={ "edit-" (p.sector) } {
                h3 { (org_name(lang, &p.sector_name_ja, &p.sector_name_en)) }
                form method="post" action={ "/reporting-policies/" (p.sector) } {
                    input type="hidden" name="csrf" value=(a.csrf());
                    (span_fields(lang, "first_report", lang.t("第一報（判明から）", "First report (after discovery)"), p.policy.map(|x| x.first_report), false))
                    " "
                    (span_fields(lang, "follow_up_every", lang.t("続報の間隔", "Follow-up every"), p.policy.and_then(|x| x.follow_up_every), true))
                    " "
                    (span_fields(lang, "final_report", lang.t("最終報（判明から）", "Final report (after discovery)"), p.policy.and_then(|x| x.final_report), true))
                    " " button type="submit" { (lang.t("保存", "Save")) }
                }
                form.inline method="post" action={ "/reporting-policies/" (p.sector) } {
                    input type="hidden" name="csrf" value=(a.csrf());
                    input type="hidden" name="preset" value="nis2";
                    button type="submit" { (lang.t("NIS2型プリセットを適用", "Apply the NIS2-style preset")) }
                }
                @if p.policy.is_some() {
                    " "
                    form.inline method="post" action={ "/reporting-policies/" (p.sector) "/delete" } {
                        input type="hidden" name="csrf" value=(a.csrf());
                        button type="submit" { (lang.t("設定を削除（期限なし）", "Remove (no deadlines)")) }
                    }
                }
            }
        }
    };
    (
        status(err),
        page(lang, title, Some(a), Nav::Deadlines, body),
    )
        .into_response()
}

fn csrf_refused(a: &Authed, values: &Values, lang: Lang) -> Option<Response> {
    a.check_csrf(values.get("csrf"))
        .err()
        .map(|e| error_page(lang, Some(a), &e))
}

fn span_input(values: &Values, field: &str) -> Option<SpanInput> {
    let raw = values.get(&format!("{field}.value")).trim().to_owned();
    if raw.is_empty() {
        return None;
    }
    Some(SpanInput {
        unit: values.get(&format!("{field}.unit")).to_owned(),
        // Not a whole number: -1, refused as not positive.
        value: raw.parse().unwrap_or(-1),
    })
}

fn input_of(values: &Values) -> PolicyInput {
    let preset = values.get("preset").trim();
    PolicyInput {
        preset: (!preset.is_empty()).then(|| preset.to_owned()),
        first_report: span_input(values, "first_report"),
        follow_up_every: span_input(values, "follow_up_every"),
        final_report: span_input(values, "final_report"),
    }
}

/// `POST /reporting-policies/{sector}`.
pub async fn set(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(sector): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    match s
        .app
        .set_reporting_policy(&a.actor, &sector, input_of(&values))
        .await
    {
        Ok(_) => Redirect::to("/reporting-policies").into_response(),
        Err(e @ AppError::BadField { .. }) => render(&s, &a, lang, Some(&e)).await,
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

/// `POST /reporting-policies/{sector}/delete`.
pub async fn remove(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(sector): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    match s.app.clear_reporting_policy(&a.actor, &sector).await {
        Ok(()) => Redirect::to("/reporting-policies").into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

/// `/overdue`: open cases the viewer may read whose next deadline has passed or is near.
pub async fn overdue(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    let rows = match s.app.overdue(&a.actor).await {
        Ok(r) => r,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let title = lang.t("報告期限の超過・間近", "Overdue and due soon");
    let body = html! {
        h1 { (title) }
        p.muted { (lang.t(
            "閲覧できる継続中の事案のうち、次の報告期限を過ぎたもの、または期限が近いもの（日本時間）。期限は分野ごとの設定によります。",
            "Open cases you may read whose next report is past due or due soon (Japan Standard Time), under each sector's policy."
        )) " " a href="/reporting-policies" { (lang.t("分野ごとの報告期限", "Deadlines by sector")) } }
        @if rows.is_empty() {
            p #no-overdue { (lang.t("期限を過ぎた・間近の事案はありません。", "No case is overdue or due soon.")) }
        } @else {
            table.list #overdue {
                thead { tr {
                    th scope="col" { (lang.t("事案", "Case")) }
                    th scope="col" { (lang.t("分野", "Sector")) }
                    th scope="col" { (lang.t("最新の送信元", "Latest from")) }
                    th scope="col" { (lang.t("期限", "Due")) }
                } }
                tbody {
                    @for r in &rows {
                        @let c = r.case.get();
                        tr data-chain=(c.summary.chain.0) {
                            td {
                                a href={ "/chains/" (c.summary.chain.0) } { (ident_text(lang, c.summary.ident.as_deref())) }
                                br; span.small { (c.line) }
                            }
                            td { (sector_name(&s.app, lang, &c.summary.sector)) }
                            td { (org_name(lang, &c.sender_name, &c.sender_name_en)) }
                            td { (due_text(lang, &r.due)) }
                        }
                    }
                }
            }
        }
    };
    page(lang, title, Some(&a), Nav::Overdue, body).into_response()
}
