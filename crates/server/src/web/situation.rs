//! `/situation` — 状況把握: the live cross-sector picture. Server-drawn SVG (open chains by
//! sector stacked by importance; the sector dependency graph with sectors at risk of cascade),
//! tables by service, state and age, service-level breaches, the open chains read in detail and
//! the latest entries. The picture sits in `#situation-live`, which `app.js` swaps for a fresh
//! copy on every live event (and once a minute, for the counts outside the viewer's scope, which
//! raise no event for it). Importance and risk are told by pattern and label as well as colour,
//! for black-and-white print. Every number comes from `App::situation`.

use super::form_parse::Values;
use super::layout::{error_page, importance_badge, page, sector_name, tlp_badge, Nav};
use super::lists::elapsed_text;
use super::provision::err_box;
use super::svg::{patterns, rows, Bar, Segment};
use crate::auth::{Authed, WebAuth};
use crate::i18n::{show_time, Lang};
use crate::AppState;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::situation::{
    may_see_situation, may_set_dependencies, Dependencies, Situation, Tally,
};
use kakehashi_app::{App, AppError};
use kakehashi_domain::liaison::NextSteps;
use kakehashi_domain::situation::{AgeBand, Edge};
use maud::{html, Markup};
use std::collections::BTreeSet;

/// Who sees the menu entry.
pub fn may_see(a: &Authed) -> bool {
    may_see_situation(a.actor.org.kind)
}

fn service_name(app: &App, lang: Lang, code: &str) -> String {
    if code.is_empty() {
        return lang.t("未記入", "Not given").to_owned();
    }
    app.reference
        .service(code)
        .map(|(_, s)| lang.t(&s.name_ja, &s.name_en).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn state_name(lang: Lang, code: &str) -> String {
    NextSteps::from_code(code)
        .map(|n| lang.t(n.label_ja(), n.label_en()).to_owned())
        .unwrap_or_else(|| lang.t("未記入", "Not given").to_owned())
}

fn age_name(lang: Lang, code: &str) -> &'static str {
    AgeBand::ALL
        .into_iter()
        .find(|b| b.code() == code)
        .map(|b| lang.t(b.label_ja(), b.label_en()))
        .unwrap_or("—")
}

/// Open chains by sector, stacked by importance (hatched 警報, dotted 注意喚起, grey 参考情報,
/// white 未設定), with the masked count of chains outside the viewer's scope as the note.
fn sector_chart(app: &App, lang: Lang, st: &Situation) -> Markup {
    let bars: Vec<Bar> = st
        .sectors
        .iter()
        .map(|r| {
            let name = sector_name(app, lang, &r.sector);
            let i = r.by_importance;
            Bar {
                title: format!(
                    "{name}: {}{} / {}{}",
                    lang.t("詳細", "in detail "),
                    r.detailed,
                    lang.t("範囲外", "outside your scope "),
                    r.outside_shown
                ),
                label: name,
                data_key: "sector",
                data_value: r.sector.clone(),
                segments: vec![
                    Segment {
                        class: "imp-alert",
                        count: i.alert,
                        label: lang.t("警報", "Alert").into(),
                    },
                    Segment {
                        class: "imp-caution",
                        count: i.caution,
                        label: lang.t("注意喚起", "Caution").into(),
                    },
                    Segment {
                        class: "imp-reference",
                        count: i.reference,
                        label: lang.t("参考情報", "Reference").into(),
                    },
                    Segment {
                        class: "imp-none",
                        count: i.unrated,
                        label: lang.t("重要度なし", "Unrated").into(),
                    },
                ],
                note: if r.outside_shown == "0" {
                    String::new()
                } else {
                    format!("{}{}", lang.t("他 ", "+ "), r.outside_shown)
                },
            }
        })
        .collect();
    html! {
        (rows("situation-sectors-chart", lang.t("分野別の未完了事案（重要度別）", "Open cases by sector and importance"), &bars))
        ul.legend #situation-legend {
            li { svg.key width="24" height="12" aria-hidden="true" { rect.imp-alert width="24" height="12" {} } " " (lang.t("警報（斜線）", "Alert (hatched)")) }
            li { svg.key width="24" height="12" aria-hidden="true" { rect.imp-caution width="24" height="12" {} } " " (lang.t("注意喚起（点）", "Caution (dotted)")) }
            li { svg.key width="24" height="12" aria-hidden="true" { rect.imp-reference width="24" height="12" {} } " " (lang.t("参考情報（灰）", "Reference (grey)")) }
            li { svg.key width="24" height="12" aria-hidden="true" { rect.imp-none width="24" height="12" {} } " " (lang.t("重要度なし（白）", "Unrated (white)")) }
            li { (lang.t("「他」は閲覧範囲外の件数", "\"+\" counts cases outside your scope")) }
        }
    }
}

const NODE_W: f64 = 112.0;
const NODE_H: f64 = 30.0;
const GRAPH_W: f64 = 720.0;
const GRAPH_H: f64 = 560.0;

/// The dependency graph: the sectors others depend on (three dependants or more) in the
/// middle, the rest on a circle around them; a line from a sector to one it depends on, with
/// an arrow at the dependent end (the way an outage spills over). A source sector is drawn
/// black with white text and marked 発生; a sector at risk is hatched, framed thick and dashed
/// and marked 波及リスク.
fn dependency_graph(app: &App, lang: Lang, st: &Situation) -> Markup {
    let codes: Vec<&str> = st.sectors.iter().map(|r| r.sector.as_str()).collect();
    let edges = &st.dependencies.edges;
    let hub = |c: &str| edges.iter().filter(|e| e.depends_on == c).count() >= 3;
    let hubs: Vec<&str> = codes.iter().copied().filter(|c| hub(c)).collect();
    let ring: Vec<&str> = codes.iter().copied().filter(|c| !hub(c)).collect();
    let (cx, cy) = (GRAPH_W / 2.0, GRAPH_H / 2.0);
    let pos = |c: &str| -> (f64, f64) {
        if let Some(i) = hubs.iter().position(|h| *h == c) {
            let n = hubs.len() as f64;
            let x = cx + (i as f64 - (n - 1.0) / 2.0) * (NODE_W + 40.0);
            let y = cy + if i % 2 == 0 { -30.0 } else { 30.0 };
            return (x, y);
        }
        let i = ring.iter().position(|r| *r == c).unwrap_or(0) as f64;
        let n = ring.len().max(1) as f64;
        let a = -std::f64::consts::FRAC_PI_2 + i / n * std::f64::consts::TAU;
        (
            cx + a.cos() * (GRAPH_W / 2.0 - NODE_W / 2.0 - 6.0),
            cy + a.sin() * (GRAPH_H / 2.0 - NODE_H / 2.0 - 6.0),
        )
    };
    let f = |v: f64| format!("{v:.1}");
    let row = |c: &str| st.sectors.iter().find(|r| r.sector == c);
    html! {
        svg.depgraph #situation-graph xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (GRAPH_W) " " (GRAPH_H) }
            role="img" aria-labelledby="situation-graph-title" font-size="12" {
            title #situation-graph-title { (lang.t("分野間の依存関係と波及リスク", "Sector dependencies and cascade risk")) }
            defs {
                marker #dep-arrow viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" {
                    path d="M0,0 L10,5 L0,10 z" fill="#555" {}
                }
            }
            @for e in edges {
                @let (x1, y1) = pos(&e.depends_on);
                @let (x2, y2) = pos(&e.sector);
                // Stop the arrow at the dependent node's edge.
                @let (dx, dy) = (x2 - x1, y2 - y1);
                @let len = (dx * dx + dy * dy).sqrt().max(1.0);
                @let cut = ((NODE_W / 2.0) / dx.abs().max(0.01)).min((NODE_H / 2.0) / dy.abs().max(0.01)) * len;
                @let (ex, ey) = (x2 - dx / len * (cut + 2.0), y2 - dy / len * (cut + 2.0));
                @let risky = row(&e.sector).is_some_and(|r| r.risk_from.contains(&e.depends_on));
                line.dep.risky[risky] data-sector=(e.sector) data-depends-on=(e.depends_on)
                    x1=(f(x1)) y1=(f(y1)) x2=(f(ex)) y2=(f(ey)) marker-end="url(#dep-arrow)" {}
            }
            @for c in &codes {
                @let (x, y) = pos(c);
                @let r = row(c);
                @let source = r.is_some_and(|r| r.source);
                @let risk = r.is_some_and(|r| r.at_risk);
                g.node.source[source].at-risk[risk] data-sector=(c) {
                    title {
                        (sector_name(app, lang, c))
                        @if source { " — " (lang.t("警報・注意喚起又はサービス維持レベル逸脱の事案あり", "has a case with an alert, caution or service-level breach")) }
                        @if risk { " — " (lang.t("波及リスク", "at risk of cascade")) }
                    }
                    rect x=(f(x - NODE_W / 2.0)) y=(f(y - NODE_H / 2.0)) width=(NODE_W) height=(NODE_H) rx="4" {}
                    text x=(f(x)) y=(f(y + 4.0)) text-anchor="middle" {
                        (sector_name(app, lang, c))
                    }
                    @if source || risk {
                        text.mark x=(f(x)) y=(f(y + NODE_H / 2.0 + 12.0)) text-anchor="middle" {
                            @if source { (lang.t("▲発生", "▲ source")) }
                            @if source && risk { " " }
                            @if risk { (lang.t("⚠波及リスク", "⚠ at risk")) }
                        }
                    }
                }
            }
        }
        ul.legend #situation-graph-legend {
            li { (lang.t("矢印：依存先の分野から依存する分野へ（障害が波及する向き）", "Arrow: from the sector depended on to the dependent sector (the way an outage spills over)")) }
            li { strong { (lang.t("▲発生（黒地）", "▲ source (black)")) } (lang.t("：", ": ")) (lang.t("警報・注意喚起又はサービス維持レベル逸脱の未完了事案がある分野", "a sector with an open case rated alert or caution, or with a service-level breach")) }
            li { strong { (lang.t("⚠波及リスク（斜線・太い破線枠）", "⚠ at risk (hatched, thick dashed frame)")) } (lang.t("：", ": ")) (lang.t("依存先の分野が「発生」である分野", "a sector that depends on a source sector")) }
        }
    }
}

fn tally_table(
    id: &str,
    lang: Lang,
    head: &str,
    rows: &[Tally],
    name: impl Fn(&str) -> String,
) -> Markup {
    html! {
        table.list id=(id) {
            thead { tr { th scope="col" { (head) } th scope="col" { (lang.t("件数", "Cases")) } } }
            tbody {
                @if rows.is_empty() {
                    tr { td colspan="2" { span.muted { (lang.t("該当なし", "None")) } } }
                }
                @for t in rows {
                    tr data-key=(t.key) { td { (name(&t.key)) } td.num { (t.count) } }
                }
            }
        }
    }
}

/// The picture itself (the part swapped live).
fn picture(s: &AppState, lang: Lang, st: &Situation) -> Markup {
    let app = &s.app;
    let at_risk: Vec<&str> = st
        .sectors
        .iter()
        .filter(|r| r.at_risk)
        .map(|r| r.sector.as_str())
        .collect();
    let breaches: Vec<_> = st
        .chains
        .iter()
        .map(|c| c.get())
        .filter(|c| c.sml_breach == Some(true))
        .collect();
    html! {
        p.muted #situation-generated {
            (lang.t("更新時刻", "Updated")) " " (show_time(st.generated_at))
        }
        section #situation-risk {
            h2 { (lang.t("波及リスク", "Cascade risk")) }
            @if at_risk.is_empty() {
                p #situation-no-risk { (lang.t("波及リスクのある分野はありません。", "No sector is at risk of cascade.")) }
            } @else {
                ul #situation-risk-list {
                    @for r in st.sectors.iter().filter(|r| r.at_risk) {
                        li data-sector=(r.sector) {
                            strong { "⚠ " (sector_name(app, lang, &r.sector)) }
                            " ← "
                            (r.risk_from.iter().map(|c| sector_name(app, lang, c)).collect::<Vec<_>>().join(lang.t("、", ", ")))
                        }
                    }
                }
            }
        }
        section.figure {
            h2 { (lang.t("分野別の未完了事案", "Open cases by sector")) }
            (sector_chart(app, lang, st))
            table.list #situation-sectors {
                caption.sr { (lang.t("分野別の未完了事案", "Open cases by sector")) }
                thead { tr {
                    th scope="col" { (lang.t("分野", "Sector")) }
                    th scope="col" { (lang.t("警報", "Alert")) }
                    th scope="col" { (lang.t("注意喚起", "Caution")) }
                    th scope="col" { (lang.t("参考情報", "Reference")) }
                    th scope="col" { (lang.t("重要度なし", "Unrated")) }
                    th scope="col" { (lang.t("逸脱", "Breaches")) }
                    th scope="col" { (lang.t("閲覧範囲外", "Outside your scope")) }
                    th scope="col" { (lang.t("状態", "Status")) }
                } }
                tbody {
                    @for r in &st.sectors {
                        tr data-sector=(r.sector) {
                            th scope="row" { (sector_name(app, lang, &r.sector)) }
                            td.num { (r.by_importance.alert) }
                            td.num { (r.by_importance.caution) }
                            td.num { (r.by_importance.reference) }
                            td.num { (r.by_importance.unrated) }
                            td.num { (r.breaches) }
                            td.num.outside { (r.outside_shown) }
                            td {
                                @if r.source { span.badge.flag { (lang.t("▲発生", "▲ source")) } " " }
                                @if r.at_risk { span.badge.risk { (lang.t("⚠波及リスク", "⚠ at risk")) } }
                            }
                        }
                    }
                }
            }
        }
        section.figure {
            h2 { (lang.t("分野間の依存関係", "Sector dependencies")) }
            (dependency_graph(app, lang, st))
            p.muted.small {
                @if st.dependencies.default {
                    (lang.t("既定の依存関係：各分野は電力（停電）と情報通信（通信の途絶）に依存（「他分野の障害からの波及」の例示による）。", "Default dependencies: every sector depends on electric power (power cuts) and information and communications (communication outages), after the example given for \"spill-over from another sector's failure\"."))
                } @else {
                    (lang.t("NISCが設定した依存関係です。", "Dependencies as set by NISC."))
                }
            }
        }
        p #situation-measures { a href="/standards/clusters" { (lang.t("報告された事案が集中する対策（安全基準等策定指針）", "Measures the reported incidents cluster on (safety-standards guideline)")) } }
        div.tally-grid {
            section { h2 { (lang.t("サービス別", "By service")) }
                (tally_table("situation-services", lang, lang.t("サービス", "Service"), &st.by_service, |k| service_name(app, lang, k))) }
            section { h2 { (lang.t("状態別（⑧今後の予定）", "By state (⑧ next steps)")) }
                (tally_table("situation-states", lang, lang.t("状態", "State"), &st.by_state, |k| state_name(lang, k))) }
            section { h2 { (lang.t("判明からの経過時間", "Time since discovery")) }
                (tally_table("situation-ages", lang, lang.t("経過", "Age"), &st.by_age, |k| age_name(lang, k).to_owned())) }
        }
        section {
            h2 { (lang.t("サービス維持レベルの逸脱", "Service-level breaches")) }
            @if breaches.is_empty() {
                p.muted #situation-no-breaches { (lang.t("逸脱ありの未完了事案はありません。", "No open case reports a breach.")) }
            } @else {
                ul #situation-breaches {
                    @for c in &breaches {
                        li data-chain=(c.chain) {
                            a href={ "/chains/" (c.chain) } { (sector_name(app, lang, &c.sector)) " / " (service_name(app, lang, c.service.as_deref().unwrap_or(""))) }
                            " — " span.summary { (c.line) }
                        }
                    }
                }
            }
        }
        section {
            h2 { (lang.t("閲覧できる未完了事案", "Open cases you may read")) }
            @if st.chains.is_empty() {
                p.empty #situation-no-chains { (lang.t("閲覧できる未完了事案はありません。", "No open case you may read.")) }
            } @else {
                div.scroll {
                table.list #situation-chains {
                    thead { tr {
                        th scope="col" { (lang.t("分野・サービス", "Sector / service")) }
                        th scope="col" { (lang.t("重要度", "Importance")) }
                        th scope="col" { (lang.t("状態", "State")) }
                        th scope="col" { (lang.t("判明から", "Since discovery")) }
                        th scope="col" { (lang.t("概要", "Summary")) }
                        th scope="col" { (lang.t("送信元", "From")) }
                    } }
                    tbody {
                        @for c in st.chains.iter().map(|c| c.get()) {
                            tr data-chain=(c.chain) data-sector=(c.sector) {
                                td { (sector_name(app, lang, &c.sector)) br; span.small { (service_name(app, lang, c.service.as_deref().unwrap_or(""))) } }
                                td { (importance_badge(lang, c.importance.as_deref())) " " (tlp_badge(&c.tlp))
                                    @if c.sml_breach == Some(true) { " " span.badge.flag { (lang.t("逸脱あり", "Breach")) } } }
                                td { (state_name(lang, c.state)) }
                                td.nowrap { @if let Some(m) = c.age_minutes { (elapsed_text(lang, m)) } @else { "—" } }
                                td.line { a href={ "/chains/" (c.chain) } { @if c.line.is_empty() { (lang.t("（概要なし）", "(no summary)")) } @else { (c.line) } } }
                                td { (lang.t(&c.sender_name, &c.sender_name_en)) }
                            }
                        }
                    }
                }
                }
            }
        }
        section {
            h2 { (lang.t("最新の情報連絡・情報提供", "Latest liaisons and provisions")) }
            @if st.timeline.is_empty() {
                p.empty #situation-no-timeline { (lang.t("閲覧できる情報はまだありません。", "Nothing you may read yet.")) }
            } @else {
                ol.timeline #situation-timeline {
                    @for e in &st.timeline {
                        li data-kind=(e.kind) {
                            span.nowrap { (show_time(e.at)) } " "
                            @if e.kind == "provision" {
                                a href={ "/provisions/" (e.id) } { (lang.t("情報提供", "Provision")) " " (e.ident.as_deref().unwrap_or("")) }
                            } @else {
                                a href={ "/chains/" (e.id) } { (lang.t("情報連絡", "Liaison")) " " (e.ident.as_deref().unwrap_or("")) }
                            }
                            " " (importance_badge(lang, e.importance.as_deref())) " "
                            (e.sectors.iter().map(|c| sector_name(app, lang, c)).collect::<Vec<_>>().join(lang.t("、", ", ")))
                            " — " (lang.t(&e.sender_name, &e.sender_name_en))
                            @if !e.line.is_empty() { (lang.t("：", ": ")) span.summary { (e.line) } }
                        }
                    }
                }
            }
        }
        p.muted.small #situation-note {
            (match lang {
                Lang::Ja => format!("閲覧範囲外の事案は分野ごとの件数のみを示し、{k}以上の異なる報告組織に当たらない件数は「<{k}」と表示します。波及リスクは閲覧できる事案から判定します。訓練は含みません。", k = st.k),
                Lang::En => format!("Cases outside your scope are shown only as counts per sector; a count of fewer than {k} distinct reporting organisations reads \"<{k}\". Cascade risk is judged from the cases you may read. Exercises are not included.", k = st.k),
            })
            @if st.truncated { " " (lang.t("件数が上限を超えたため、一部の事案のみを表示しています。", "More cases matched than one picture shows; only some are shown.")) }
        }
    }
}

/// `/situation`.
pub async fn situation_page(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
) -> Response {
    let st = match s.app.situation(&a.actor, "web").await {
        Ok(st) => st,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let title = lang.t("状況把握", "Situation picture");
    let body = html! {
        h1 { (title) }
        p.muted {
            (lang.t("分野横断の状況：未完了の事案を分野・サービス・重要度・状態・経過時間別に示し、分野間の依存関係から波及のおそれのある分野を示します。新しい情報が届くと自動で更新します。",
                "The cross-sector situation: open cases by sector, service, importance, state and age, and the sectors an outage may spill over into. It updates itself when something new arrives."))
        }
        @if may_set_dependencies(&a.actor) {
            p.noprint { a #situation-dependencies-link href="/situation/dependencies" { (lang.t("分野間の依存関係を設定", "Set the sector dependencies")) } }
        }
        (patterns())
        div #situation-live data-live-refresh="1" data-live-version="0" data-live-poll="60" {
            (picture(&s, lang, &st))
        }
    };
    page(lang, title, Some(&a), Nav::Situation, body).into_response()
}

fn dependencies_form(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    deps: &Dependencies,
    problem: Option<&AppError>,
) -> Markup {
    let app = &s.app;
    let sectors = app.reference.sectors();
    let on: BTreeSet<(&str, &str)> = deps
        .edges
        .iter()
        .map(|e| (e.sector.as_str(), e.depends_on.as_str()))
        .collect();
    html! {
        h1 { (lang.t("分野間の依存関係", "Sector dependencies")) }
        p.muted {
            (lang.t("各分野が依存する分野を選びます。依存先の分野に警報・注意喚起又はサービス維持レベル逸脱の未完了事案があると、依存する分野を「波及リスク」として状況把握に示します。",
                "Choose the sectors each sector depends on. When a sector depended on has an open case rated alert or caution, or with a service-level breach, the situation picture marks the dependent sector as at risk."))
        }
        @if deps.default { p #dependencies-default { (lang.t("現在は既定の依存関係です（電力・情報通信に全分野が依存）。", "The default dependencies are in force (every sector depends on electric power and information and communications).")) } }
        @if let Some(e) = problem { (err_box(lang, e)) }
        form #dependencies-form method="post" action="/situation/dependencies" {
            input type="hidden" name="csrf" value=(a.csrf());
            @for sec in sectors {
                fieldset.deps data-sector=(sec.id) {
                    legend { (lang.t(&sec.name_ja, &sec.name_en)) (lang.t(" が依存する分野", " depends on")) }
                    div.checks {
                        @for other in sectors.iter().filter(|o| o.id != sec.id) {
                            @let value = format!("{}:{}", sec.id, other.id);
                            label.check {
                                input type="checkbox" name="edge" value=(value) checked[on.contains(&(sec.id.as_str(), other.id.as_str()))];
                                " " (lang.t(&other.name_ja, &other.name_en))
                            }
                        }
                    }
                }
            }
            div.actions {
                button #dependencies-save type="submit" name="action" value="save" { (lang.t("保存する", "Save")) }
                " "
                button #dependencies-reset type="submit" name="action" value="default" { (lang.t("既定に戻す", "Restore the default")) }
            }
        }
        p { a href="/situation" { (lang.t("状況把握へ戻る", "Back to the situation picture")) } }
    }
}

/// `GET /situation/dependencies` (NISC's approvers).
pub async fn dependencies_page(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
) -> Response {
    if !may_set_dependencies(&a.actor) {
        let e = AppError::forbidden(
            "分野間の依存関係はNISCの承認者が設定します。",
            "Only NISC's approvers set the sector dependencies.",
        );
        return error_page(lang, Some(&a), &e);
    }
    match s.app.situation_dependencies().await {
        Ok(d) => page(
            lang,
            lang.t("分野間の依存関係", "Sector dependencies"),
            Some(&a),
            Nav::Situation,
            dependencies_form(&s, &a, lang, &d, None),
        )
        .into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}

/// `POST /situation/dependencies`: `edge=<sector>:<depends_on>` per checked box, or
/// `action=default`.
pub async fn dependencies_save(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Err(e) = a.check_csrf(values.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let edges = (values.get("action") != "default").then(|| {
        values
            .all("edge")
            .map(|v| {
                let (sector, on) = v.split_once(':').unwrap_or((v, ""));
                Edge::new(sector, on)
            })
            .collect::<Vec<_>>()
    });
    match s.app.set_situation_dependencies(&a.actor, edges).await {
        Ok(_) => Redirect::to("/situation").into_response(),
        Err(e @ AppError::BadField { .. }) => match s.app.situation_dependencies().await {
            Ok(d) => page(
                lang,
                lang.t("分野間の依存関係", "Sector dependencies"),
                Some(&a),
                Nav::Situation,
                dependencies_form(&s, &a, lang, &d, Some(&e)),
            )
            .into_response(),
            Err(e) => error_page(lang, Some(&a), &e),
        },
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
