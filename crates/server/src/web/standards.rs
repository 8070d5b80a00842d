//! 安全基準等 — the Guideline's catalogue (browse, search, one item with its handbook examples),
//! the sectors' standards, the operator's self-assessments with the gap analysis and treatment
//! plans, and the surveys. Thin pages over `kakehashi_app::standards`; edits go through the
//! JSON API (`/api/v1/assessments/…`), named on each page.

use super::layout::{colon, error_page, page, sector_name, Nav};
use crate::api::standards::{catalogue_filter, CatalogueParams};
use crate::auth::WebAuth;
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use kakehashi_domain::standards::ItemStatus;
use kakehashi_reference::{Control, Reference};
use maud::{html, Markup};

fn text<'a>(lang: Lang, ja: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::En && !en.trim().is_empty() {
        en
    } else {
        ja
    }
}

fn tabs(lang: Lang) -> Markup {
    html! {
        nav aria-label=(lang.t("安全基準等の目次", "Safety standards contents")) {
            ul.toc {
                li { a href="/standards" { (lang.t("対策カタログ", "Catalogue")) } }
                li { a href="/standards/sectors" { (lang.t("分野の安全基準等", "Sector standards")) } }
                li { a href="/standards/assessments" { (lang.t("自己評価", "Self-assessments")) } }
                li { a href="/standards/surveys" { (lang.t("浸透状況調査", "Survey")) } }
            }
        }
    }
}

fn functions(r: &Reference, lang: Lang, c: &Control) -> String {
    r.catalogue()
        .csf()
        .functions_of(c)
        .iter()
        .map(|f| format!("{} {}", f.code, text(lang, &f.ja, &f.en)))
        .collect::<Vec<_>>()
        .join(lang.t("、", ", "))
}

/// `/standards`: browse and search the catalogue.
pub async fn catalogue(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Query(p): Query<CatalogueParams>,
) -> Response {
    let q = p.q.clone().unwrap_or_default();
    let level = p.level.clone().unwrap_or_default();
    let filter = match catalogue_filter(p) {
        Ok(f) => f,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let r = s.app.reference;
    let cat = r.catalogue();
    let hits = cat.search(&filter);
    let title = lang.t("安全基準等 — 対策カタログ", "Safety standards — catalogue");
    let body = html! {
        h1 { (title) }
        (tabs(lang))
        p.muted { (lang.t("版", "Edition")) (colon(lang)) span #catalogue-edition { (text(lang, &cat.edition().ja, &cat.edition().en)) } }
        form method="get" action="/standards" role="search" {
            label for="q" { (lang.t("キーワード", "Keywords")) }
            input #q type="search" name="q" value=(q);
            label for="level" { (lang.t("程度", "Level")) }
            select #level name="level" {
                option value="" { (lang.t("すべて", "All")) }
                @for l in kakehashi_reference::ControlLevel::ALL {
                    option value=(l.code()) selected[level == l.code()] { (lang.t(l.label_ja(), l.label_en())) }
                }
            }
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            button type="submit" { (lang.t("検索", "Search")) }
        }
        p #catalogue-count { (hits.len()) (lang.t(" 件", " entries")) }
        table.list #catalogue {
            thead { tr {
                th { (lang.t("項目", "Item")) }
                th { (lang.t("節", "Section")) }
                th { (lang.t("程度", "Level")) }
                th { (lang.t("機能（NIST CSF 2.0）", "Function (NIST CSF 2.0)")) }
            } }
            tbody {
                @for c in &hits {
                    tr {
                        td { a href={ "/standards/catalogue/" (c.id) } { (text(lang, &c.title_ja, &c.title_en)) } }
                        td { (text(lang, &c.section_ja, &c.section_en)) }
                        td { (lang.t(c.level.label_ja(), c.level.label_en())) }
                        td { (functions(r, lang, c)) }
                    }
                }
            }
        }
    };
    page(lang, title, Some(&a), Nav::None, body).into_response()
}

/// `/standards/catalogue/{id}`: one entry with its seed lines, handbook examples and causes.
pub async fn catalogue_item(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let r = s.app.reference;
    let cat = r.catalogue();
    let Some(c) = cat.control(&id) else {
        return error_page(lang, Some(&a), &kakehashi_app::AppError::NotFound);
    };
    let examples = cat.examples_for(&id);
    let causes: Vec<&str> = cat
        .cause_mappings()
        .iter()
        .filter(|m| cat.measures_for_cause(&m.cause).iter().any(|x| x.id == id))
        .map(|m| m.cause.as_str())
        .collect();
    let title = text(lang, &c.title_ja, &c.title_en).to_owned();
    let body = html! {
        h1 { (title) }
        (tabs(lang))
        p.muted { (text(lang, &c.path_ja.join(" › "), &c.path_en.join(" › "))) }
        p { (text(lang, &c.text_ja, &c.text_en)) }
        dl {
            dt { (lang.t("程度", "Level")) } dd { (lang.t(c.level.label_ja(), c.level.label_en())) }
            dt { (lang.t("機能（NIST CSF 2.0）", "Function (NIST CSF 2.0)")) } dd { (functions(r, lang, c)) }
            dt { (lang.t("出典（行）", "Source (lines)")) } dd { (c.seed_lines.to_string()) }
            @if !causes.is_empty() {
                dt { (lang.t("防げたはずの原因類型", "Cause types it would have prevented")) }
                dd { @for (i, code) in causes.iter().enumerate() {
                    @if i > 0 { (lang.t("、", ", ")) }
                    (r.causes().iter().find(|x| x.code == *code).map(|x| text(lang, &x.label_ja, &x.label_en).to_owned()).unwrap_or_else(|| code.to_string()))
                } }
            }
        }
        @if !examples.is_empty() {
            h2 { (lang.t("手引書の対策例", "Handbook examples")) }
            ul { @for e in &examples { li { a href={ "/standards/catalogue/" (e.id) } { (text(lang, &e.title_ja, &e.title_en)) } } } }
        }
        p { a href="/standards" { (lang.t("対策カタログに戻る", "Back to the catalogue")) } }
    };
    page(lang, &title, Some(&a), Nav::None, body).into_response()
}

/// `/standards/sectors`: the registered standards.
pub async fn sectors(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    let list = match s.app.safety_standards(&a.actor).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let title = lang.t("分野の安全基準等", "Sector safety standards");
    let body = html! {
        h1 { (title) }
        (tabs(lang))
        @if list.is_empty() {
            p #standards-empty { (lang.t("登録された安全基準等はありません。所管省庁の承認者が API（POST /api/v1/standards）で登録します。", "No standard is registered yet. A ministry's approver registers one through the API (POST /api/v1/standards).")) }
        } @else {
            table.list #standards {
                thead { tr { th { (lang.t("名称", "Title")) } th { (lang.t("分野", "Sector")) } th { (lang.t("種類", "Kind")) } th { (lang.t("項目数", "Items")) } } }
                tbody { @for st in &list { tr {
                    td translate="no" { (st.title) }
                    td { (sector_name(&s.app, lang, &st.sector)) }
                    td { (lang.t(st.kind.label_ja(), st.kind.label_en())) }
                    td { (st.item_ids().len()) }
                } } }
            }
        }
    };
    page(lang, title, Some(&a), Nav::None, body).into_response()
}

/// `/standards/assessments`: the organisation's assessments by year and those shared with it.
pub async fn assessments(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    let (mine, shared) = match (
        s.app.my_assessments(&a.actor).await,
        s.app.shared_assessments(&a.actor).await,
    ) {
        (Ok(m), Ok(sh)) => (m, sh),
        (Err(e), _) | (_, Err(e)) => return error_page(lang, Some(&a), &e),
    };
    let orgs = s.app.store.orgs().await.unwrap_or_default();
    let org_label = |id: &kakehashi_domain::OrgId| {
        orgs.iter()
            .find(|o| &o.id == id)
            .map(|o| super::layout::org_name(lang, &o.name_ja, &o.name_en).to_owned())
            .unwrap_or_default()
    };
    let title = lang.t("自己評価", "Self-assessments");
    let row = |x: &kakehashi_store::AssessmentRecord| {
        html! { tr {
            td { a href={ "/standards/assessments/" (x.id) } { (x.year) (lang.t("年度", "")) } }
            td { (x.items.len()) }
            td { (org_label(&x.org)) }
        } }
    };
    let body = html! {
        h1 { (title) }
        (tabs(lang))
        p.small { (lang.t("年度ごとの自己評価は API（POST /api/v1/assessments、PUT /api/v1/assessments/{id}/items）で作成・記入します。過去の年度はそのまま残ります。", "Create and fill in a year's self-assessment through the API (POST /api/v1/assessments, PUT /api/v1/assessments/{id}/items). Past years are kept as they were.")) }
        h2 { (lang.t("自組織の自己評価", "Your organisation's self-assessments")) }
        @if mine.is_empty() { p #assessments-empty { (lang.t("まだありません。", "None yet.")) } }
        @else {
            table.list #assessments {
                thead { tr { th { (lang.t("年度", "Fiscal year")) } th { (lang.t("評価済み項目", "Items assessed")) } th { (lang.t("組織", "Organisation")) } } }
                tbody { @for x in &mine { (row(x)) } }
            }
        }
        @if !shared.is_empty() {
            h2 { (lang.t("共有された自己評価", "Shared with you")) }
            table.list #assessments-shared {
                thead { tr { th { (lang.t("年度", "Fiscal year")) } th { (lang.t("評価済み項目", "Items assessed")) } th { (lang.t("組織", "Organisation")) } } }
                tbody { @for x in &shared { (row(x)) } }
            }
        }
    };
    page(lang, title, Some(&a), Nav::None, body).into_response()
}

/// `/standards/assessments/{id}`: the gap analysis, per function, the plans and the tasks.
pub async fn assessment(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let v = match s.app.assessment(&a.actor, &id).await {
        Ok(v) => v.into_inner(),
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let cat = s.app.reference.catalogue();
    let name = |item: &str| -> String {
        cat.control(item)
            .map(|c| text(lang, &c.title_ja, &c.title_en).to_owned())
            .or_else(|| {
                v.standard
                    .own_items
                    .iter()
                    .find(|o| o.id == item)
                    .map(|o| o.title.clone())
            })
            .unwrap_or_else(|| item.to_owned())
    };
    let status = |s: Option<ItemStatus>| match s {
        Some(s) => lang.t(s.label_ja(), s.label_en()).to_owned(),
        None => lang.t("未評価", "Not assessed").to_owned(),
    };
    let title = format!(
        "{}{}",
        v.year,
        lang.t("年度の自己評価", " self-assessment")
    );
    let body = html! {
        h1 { (title) }
        (tabs(lang))
        p { (lang.t("安全基準等", "Standard")) (colon(lang)) span translate="no" { (v.standard.title) } " · " (lang.t(&v.org_name_ja, &v.org_name_en)) }
        h2 { (lang.t("差異と優先順位", "Gaps by priority")) }
        p.small { (lang.t("規定が期待される事項を推奨事項より先に、予防・検知を先に、リスクの高いもの、費用の低いものから並べています。", "Items expected in the standards come before recommendations, prevention and detection first, then higher risk and lower cost.")) }
        table.list #gaps {
            thead { tr { th { (lang.t("項目", "Item")) } th { (lang.t("実施状況", "Status")) } th { (lang.t("ティア差", "Tier gap")) } th { (lang.t("機能", "Function")) } } }
            tbody { @for g in &v.gaps { tr {
                td { (name(&g.item)) }
                td { (status(g.status)) }
                td { (g.tier_gap) }
                td { (g.functions.join(", ")) }
            } } }
        }
        h2 { (lang.t("機能別", "By function")) }
        table.list #by-function {
            thead { tr { th { (lang.t("機能", "Function")) } th { (lang.t("項目数", "Items")) } th { (lang.t("実施済・該当なし", "Done or not applicable")) } th { (lang.t("ティア差の合計", "Total tier gap")) } } }
            tbody { @for f in &v.by_function { tr {
                td { (f.function) " " (cat.csf().functions.iter().find(|x| x.code == f.function).map(|x| text(lang, &x.ja, &x.en)).unwrap_or("")) }
                td { (f.items) } td { (f.done) } td { (f.tier_gap) }
            } } }
        }
        h2 { (lang.t("対応計画", "Treatment plans")) }
        @let plans: Vec<_> = v.items.iter().filter_map(|i| i.plan.as_ref().map(|p| (i, p))).collect();
        @if plans.is_empty() { p { (lang.t("対応計画はまだありません。", "No treatment plan yet.")) } }
        @else {
            table.list #plans {
                thead { tr { th { (lang.t("項目", "Item")) } th { (lang.t("目標とする状態", "Target state")) } th { (lang.t("責任者", "Owner")) } th { (lang.t("期限", "Deadline")) } th { (lang.t("状況", "State")) } } }
                tbody { @for (i, p) in &plans { tr {
                    td { (name(&i.item)) }
                    td translate="no" { (p.target_state) }
                    td translate="no" { (p.owner) }
                    td { (p.deadline.format("%Y-%m-%d").to_string()) }
                    td { @if p.done { (lang.t("完了", "Done")) } @else { (lang.t("対応中", "In progress")) } }
                } } }
            }
        }
        h2 { (lang.t("定期作業", "Recurring tasks")) }
        table.list #tasks {
            thead { tr { th { (lang.t("作業", "Task")) } th { (lang.t("最終実施日", "Last done")) } th { (lang.t("状況", "State")) } } }
            tbody { @for t in &v.tasks { tr {
                td { (text(lang, &t.title_ja, &t.title_en)) }
                td { (t.last_done.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into())) }
                td { @if t.due { strong { (lang.t("実施時期です", "Due")) } } @else { (lang.t("実施済", "Done")) } }
            } } }
        }
    };
    page(lang, &title, Some(&a), Nav::None, body).into_response()
}

/// `/standards/surveys`: the surveys the organisation takes part in.
pub async fn surveys(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    let list = match s.app.surveys(&a.actor).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let title = lang.t("浸透状況調査", "Safety-standards survey");
    let body = html! {
        h1 { (title) }
        (tabs(lang))
        @if list.is_empty() { p #surveys-empty { (lang.t("対象となる調査はありません。", "No survey concerns your organisation.")) } }
        @else {
            table.list #surveys {
                thead { tr { th { (lang.t("年度", "Fiscal year")) } th { (lang.t("対象分野", "Sectors")) } th { (lang.t("状況", "State")) } th { (lang.t("結果", "Results")) } } }
                tbody { @for x in &list { tr {
                    td { (x.year) }
                    td { (x.sectors.iter().map(|id| sector_name(&s.app, lang, id)).collect::<Vec<_>>().join(lang.t("、", ", "))) }
                    td { @if x.open { (lang.t("回答受付中", "Open")) } @else { (lang.t("締切", "Closed")) } @if x.answered { " · " (lang.t("回答済", "Answered")) } }
                    td { @if x.may_see_results { a href={ "/api/v1/surveys/" (x.id) "/results.csv" (if lang == Lang::En { "?lang=en" } else { "" }) } { (lang.t("CSVで出力", "Export CSV")) } } }
                } } }
            }
        }
    };
    page(lang, title, Some(&a), Nav::None, body).into_response()
}

/// `/standards/clusters`: the Guideline sections the reported incidents' causes point to
/// (NISC and the CI ministries; k-anonymous counts from the statistics).
pub async fn clusters(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Query(p): Query<crate::api::standards::ClusterParams>,
) -> Response {
    let c = match s.app.measure_clusters(&a.actor, &p.into()).await {
        Ok(c) => c,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let max = c.clusters.iter().map(|x| x.cases).max().unwrap_or(0).max(1);
    let causes = s.app.reference.causes();
    let title = lang.t("事案が集中する対策", "Measures incidents cluster on");
    let body = html! {
        h1 { (title) }
        (tabs(lang))
        p.small { (lang.t("閲覧できる事案の主な原因（統計と同じく k 組織未満の数は公表しません）を、防げたはずの安全基準等策定指針の節に対応付けています。", "The main causes of the cases you may count (as in the statistics, no number stands for fewer than k organisations), mapped onto the guideline sections whose measures would have prevented them."))
            " " (c.from.to_string()) "–" (c.to.to_string()) " · k = " (c.k) }
        @if c.clusters.is_empty() { p #clusters-empty { (lang.t("公表できる件数がありません。", "No publishable counts.")) } }
        @else {
            table.list #clusters {
                thead { tr { th { (lang.t("指針の節", "Guideline section")) } th { (lang.t("件数", "Cases")) } th { (lang.t("原因類型", "Cause types")) } } }
                tbody { @for x in &c.clusters { tr {
                    td { a href={ "/standards?section=" (x.section) (if lang == Lang::En { "&lang=en" } else { "" }) } { (text(lang, &x.section_ja, &x.section_en)) } }
                    td { (x.cases) " " span.bar aria-hidden="true" { ("■".repeat(((x.cases * 20) / max).max(1) as usize)) } }
                    td { (x.causes.iter().map(|code| causes.iter().find(|k| &k.code == code).map(|k| text(lang, &k.label_ja, &k.label_en).to_owned()).unwrap_or_else(|| code.clone())).collect::<Vec<_>>().join(lang.t("、", ", "))) }
                } } }
            }
        }
    };
    page(lang, title, Some(&a), Nav::None, body).into_response()
}
