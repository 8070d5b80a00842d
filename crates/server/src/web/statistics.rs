//! `/statistics` — the yearly verification's counts and response times for NISC and the CI
//! ministries: a period, a table per view and server-drawn SVG bar charts (cases by month, one
//! chart per sector row), printable and readable on a phone. Every number comes from
//! `App::statistics`, which k-anonymises and audits the read.

use super::layout::{error_page, page, sector_name, Nav};
use super::lists::elapsed_text;
use super::svg::{Bar, Segment};
use crate::auth::{Authed, WebAuth};
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use kakehashi_app::statistics::{may_read_statistics, Statistics, StatisticsFilter};
use kakehashi_app::{App, AppError};
use kakehashi_domain::statistics::{Key, Leg, Month, MonthCount, SectorKey};
use kakehashi_domain::OrgKind;
use maud::{html, Markup};

/// NISC and the CI ministries see the menu entry.
pub fn may_see_statistics(a: &Authed) -> bool {
    may_read_statistics(a.actor.org.kind)
}

/// A sector row's name (その他の分野 for the merged row).
pub fn sector_label(app: &App, lang: Lang, s: &SectorKey) -> String {
    match s {
        SectorKey::Sector(id) => sector_name(app, lang, id),
        SectorKey::Other => lang.t("その他の分野", "Other sectors").to_owned(),
    }
}

/// A breakdown cell's name: the 別紙３ label of its code, 未分類 or その他.
pub fn key_label(app: &App, lang: Lang, k: &Key, is_event: bool) -> String {
    match k {
        Key::Code(code) => {
            let label = if is_event {
                app.reference
                    .event(code)
                    .map(|e| lang.t(&e.label_ja, &e.label_en).to_owned())
            } else {
                app.reference
                    .cause(code)
                    .map(|c| lang.t(&c.label_ja, &c.label_en).to_owned())
            };
            label.unwrap_or_else(|| code.clone())
        }
        Key::Unclassified => lang.t("未分類", "Unclassified").to_owned(),
        Key::Other => lang.t("その他", "Other").to_owned(),
    }
}

pub fn leg_label(lang: Lang, leg: Leg) -> &'static str {
    lang.t(leg.label_ja(), leg.label_en())
}

fn month_label(lang: Lang, m: Month) -> String {
    match lang {
        Lang::Ja => format!("{}年{}月", m.year(), m.month()),
        Lang::En => m.to_string(),
    }
}

fn short_month(m: Month) -> String {
    format!("{}/{}", m.year() % 100, m.month())
}

fn given(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or_default()
}

/// The query string of the page's filter (for the CSV link).
fn pairs(q: &StatisticsFilter) -> String {
    let p: Vec<(&str, &str)> = [("from", &q.from), ("to", &q.to), ("sector", &q.sector)]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
    serde_urlencoded::to_string(p).unwrap_or_default()
}

/// A bar chart of one row's cases by month ([`super::svg::columns`]): every month of the period
/// has a slot; a month without a published number has no bar.
fn chart(lang: Lang, id: &str, title: &str, months: &[Month], by_month: &[MonthCount]) -> Markup {
    let bars: Vec<Bar> = months
        .iter()
        .map(|m| {
            let c = by_month.iter().find(|c| c.month == *m);
            Bar {
                label: short_month(*m),
                title: format!(
                    "{}: {}{}",
                    month_label(lang, *m),
                    c.map(|c| c.count).unwrap_or(0),
                    lang.t("件", " cases")
                ),
                data_key: "month",
                data_value: m.to_string(),
                segments: c
                    .map(|c| {
                        vec![Segment {
                            class: "",
                            count: c.count,
                            label: month_label(lang, *m),
                        }]
                    })
                    .unwrap_or_default(),
                note: String::new(),
            }
        })
        .collect();
    super::svg::columns(id, title, &bars)
}

fn filters(s: &AppState, a: &Authed, lang: Lang, q: &StatisticsFilter) -> Markup {
    let own: Vec<&str> = a.actor.org.sectors.iter().map(|s| s.0.as_str()).collect();
    let ministry = a.actor.org.kind == OrgKind::CiMinistry;
    html! {
        form.filters #statistics-filters method="get" action="/statistics" {
            div.field {
                label.lbl for="st-from" { (lang.t("期間（第1報の月、JST）", "Period (month of first report, JST)")) }
                input #st-from type="month" name="from" value=(given(&q.from)) placeholder="2026-04"
                    aria-label=(lang.t("開始月", "First month"));
                " – "
                input #st-to type="month" name="to" value=(given(&q.to)) placeholder="2027-03"
                    aria-label=(lang.t("終了月", "Last month"));
            }
            div.field {
                label.lbl for="st-sector" { (lang.t("分野", "Sector")) }
                select #st-sector name="sector" {
                    option value="" { (lang.t("すべて", "All")) }
                    @for sec in s.app.reference.sectors() {
                        @if !ministry || own.contains(&sec.id.as_str()) {
                            option value=(sec.id) selected[sec.id == given(&q.sector)] { (lang.t(&sec.name_ja, &sec.name_en)) }
                        }
                    }
                }
            }
            div.field { button #statistics-submit type="submit" { (lang.t("集計する", "Show")) } }
        }
    }
}

fn tables(s: &AppState, lang: Lang, st: &Statistics) -> Markup {
    let t = &st.table;
    let app = &s.app;
    html! {
        @if t.sectors.is_empty() {
            p.empty #statistics-empty {
                (match lang {
                    Lang::Ja => format!("この期間に表示できる集計はありません（{}組織に満たない集計は表示しません）。", t.k),
                    Lang::En => format!("Nothing to show for this period (counts of fewer than {} organisations are not shown).", t.k),
                })
            }
        } @else {
            h2 { (lang.t("月別件数", "Cases by month")) }
            div.stat-charts #statistics-charts {
                @for (i, row) in t.sectors.iter().enumerate() {
                    @let name = sector_label(app, lang, &row.sector);
                    figure.stat-chart {
                        figcaption { (name) " — " (lang.t("計", "total ")) (row.total) (lang.t("件", "")) }
                        (chart(lang, &format!("chart-{i}"), &name, &t.months, &row.by_month))
                    }
                }
            }
            table.list #statistics-months {
                caption.sr { (lang.t("分野・月別件数", "Cases by sector and month")) }
                thead { tr {
                    th scope="col" { (lang.t("分野", "Sector")) }
                    th scope="col" { (lang.t("合計", "Total")) }
                    @for m in &t.months { th scope="col" { (short_month(*m)) } }
                } }
                tbody {
                    @for row in &t.sectors {
                        tr data-sector=(row.sector.code()) {
                            th scope="row" { (sector_label(app, lang, &row.sector)) }
                            td.num { (row.total) }
                            @for m in &t.months {
                                td.num { @if let Some(c) = row.by_month.iter().find(|c| c.month == *m) { (c.count) } @else { span.muted { "—" } } }
                            }
                        }
                    }
                }
            }
            @for (title, id, is_event) in [(lang.t("事象の類型別件数", "Cases by event type"), "statistics-events", true), (lang.t("原因の類型別件数（主たる原因）", "Cases by main cause"), "statistics-causes", false)] {
                h2 { (title) }
                table.list id=(id) {
                    thead { tr {
                        th scope="col" { (lang.t("分野", "Sector")) }
                        th scope="col" { (if is_event { lang.t("事象の類型", "Event type") } else { lang.t("原因の類型", "Cause") }) }
                        th scope="col" { (lang.t("件数", "Cases")) }
                    } }
                    tbody {
                        @for row in &t.sectors {
                            @let cells = if is_event { &row.events } else { &row.causes };
                            @for c in cells {
                                tr data-sector=(row.sector.code()) data-key=(c.key.code()) {
                                    td { (sector_label(app, lang, &row.sector)) }
                                    td { (key_label(app, lang, &c.key, is_event)) }
                                    td.num { (c.count) }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (lang.t("応答時間", "Response times")) }
            @if t.times.is_empty() && t.sectors.iter().all(|r| r.times.is_empty()) {
                p.muted #statistics-no-times { (lang.t("k組織以上の計測値がある区間はありません。", "No leg was measured for k organisations or more.")) }
            } @else {
                table.list #statistics-times {
                    thead { tr {
                        th scope="col" { (lang.t("分野", "Sector")) }
                        th scope="col" { (lang.t("区間", "Leg")) }
                        th scope="col" { (lang.t("中央値", "Median")) }
                        th scope="col" { (lang.t("90パーセンタイル値", "90th percentile")) }
                    } }
                    tbody {
                        @for row in &t.sectors {
                            @for ts in &row.times {
                                tr data-sector=(row.sector.code()) data-leg=(ts.leg.code()) {
                                    td { (sector_label(app, lang, &row.sector)) }
                                    td { (leg_label(lang, ts.leg)) }
                                    td.num { (elapsed_text(lang, ts.median_minutes)) }
                                    td.num { (elapsed_text(lang, ts.p90_minutes)) }
                                }
                            }
                        }
                        @for ts in &t.times {
                            tr data-sector="all" data-leg=(ts.leg.code()) {
                                td { strong { (lang.t("全分野", "All sectors")) } }
                                td { (leg_label(lang, ts.leg)) }
                                td.num { (elapsed_text(lang, ts.median_minutes)) }
                                td.num { (elapsed_text(lang, ts.p90_minutes)) }
                            }
                        }
                    }
                }
            }
        }
        p.muted.small #statistics-note {
            (match lang {
                Lang::Ja => format!(
                    "各数値は{}以上の異なる報告組織の事案から成ります（一組織の複数報告は一組織）。満たない分野・項目は「その他」に統合し、統合しても満たない分野・月（{}件）は表示していません。「その他」に統合したセル：{}件。",
                    t.k, t.suppressed, t.merged
                ),
                Lang::En => format!(
                    "Every number stands for cases of at least {} distinct reporting organisations (several reports of one organisation count once). Smaller sectors and items are merged into \"Other\"; sector-months still too small are withheld ({}). Cells merged into \"Other\": {}.",
                    t.k, t.suppressed, t.merged
                ),
            })
            @if st.truncated {
                " " (lang.t("件数が上限を超えたため、一部の事案のみを集計しています。", "More cases matched than one read counts; only some were counted."))
            }
        }
    }
}

/// `/statistics`.
pub async fn statistics_page(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Query(q): Query<StatisticsFilter>,
) -> Response {
    let (stats, problem) = match s.app.statistics(&a.actor, &q, "web").await {
        Ok(st) => (Some(st), None),
        Err(e @ AppError::BadField { .. }) => (None, Some(e)),
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let title = lang.t("統計", "Statistics");
    let query = pairs(&q);
    // The form shows the period in force (the default one when none was asked for).
    let shown = match &stats {
        Some(st) => StatisticsFilter {
            from: Some(st.from.to_string()),
            to: Some(st.to.to_string()),
            sector: q.sector.clone(),
        },
        None => q.clone(),
    };
    let body = html! {
        h1 { (title) }
        p.muted {
            (lang.t("評価・検証のため、閲覧できる情報連絡を分野・月・事象の類型・原因の類型別に集計し、応答時間（判明→第1報→NISC受付→情報提供）を示します。特定の事業者が識別されないよう、少数の組織にしか当たらない集計は統合または非表示にします。",
                "For evaluation and verification: the liaisons you may read, counted by sector, month, event type and cause, with response times (discovery → first report → NISC receipt → provision). Counts that would point at a few organisations are merged or withheld so that no operator is singled out."))
        }
        (filters(&s, &a, lang, &shown))
        @if let Some(AppError::BadField { field, message_ja, message_en, .. }) = &problem {
            div.errbox #filter-error role="alert" data-field=(field) {
                p { (lang.t(message_ja, message_en)) }
            }
        }
        @if let Some(st) = &stats {
            p #statistics-period {
                strong { (month_label(lang, st.from)) " – " (month_label(lang, st.to)) }
                @if let Some(sec) = &st.sector { " / " (sector_name(&s.app, lang, sec)) }
            }
            p.noprint {
                a #statistics-csv href={ "/statistics.csv" @if !query.is_empty() { "?" (query) } } download {
                    (lang.t("この集計をCSVで出力", "Export these statistics as CSV"))
                }
            }
            (tables(&s, lang, st))
        }
    };
    page(lang, title, Some(&a), Nav::Statistics, body).into_response()
}

/// `/statistics.csv`.
pub async fn statistics_csv(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Query(q): Query<StatisticsFilter>,
) -> Response {
    match s.app.statistics(&a.actor, &q, "csv").await {
        Ok(st) => crate::csv::statistics_response(&s.app, lang, &st),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
