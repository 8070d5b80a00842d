//! 安全基準等 — the Guideline's catalogue (browse, search, one item with its handbook examples),
//! the sectors' standards, the operator's self-assessments with the gap analysis and treatment
//! plans, and the surveys. Thin pages over `kakehashi_app::standards`: the forms post here and
//! call the same use cases as the JSON API; bad input answers 422 with the field named, nothing
//! stored.

use super::form_parse::Values;
use super::layout::{colon, error_page, page, sector_name, Nav};
use super::svg;
use crate::api::standards::{catalogue_filter, CatalogueParams};
use crate::auth::Authed;
use crate::auth::WebAuth;
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use kakehashi_app::AppError;
use kakehashi_domain::standards::{
    EvidenceLink, ItemAssessment, ItemStatus, OwnItem, SafetyStandard, StandardInput, StandardKind,
    TreatmentPlan,
};
use kakehashi_domain::statistics::{Key, SectorKey};
use kakehashi_domain::Tlp;
use kakehashi_domain::{OrgKind, Role};
use kakehashi_reference::ControlLevel;
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
    let function = p.function.clone().unwrap_or_default();
    let doc = p.doc.clone().unwrap_or_default();
    let section = p.section.clone().unwrap_or_default();
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
            label for="function" { (lang.t("機能（NIST CSF 2.0）", "Function (NIST CSF 2.0)")) }
            select #function name="function" {
                option value="" { (lang.t("すべて", "All")) }
                @for f in &cat.csf().functions {
                    option value=(f.code) selected[function == f.code] { (f.code) " " (text(lang, &f.ja, &f.en)) }
                }
            }
            label for="doc" { (lang.t("文書", "Document")) }
            select #doc name="doc" {
                option value="" { (lang.t("すべて", "All")) }
                @for (code, ja, en) in [("guideline", "安全基準等策定指針", "Guideline"), ("handbook", "手引書", "Handbook"), ("handbook_annex", "手引書の付録", "Handbook annex")] {
                    option value=(code) selected[doc == code] { (lang.t(ja, en)) }
                }
            }
            @if !section.is_empty() { input type="hidden" name="section" value=(section); }
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
    let may_register = a.actor.org.kind == OrgKind::CiMinistry && a.actor.has(Role::Approver);
    let body = html! {
        h1 { (title) }
        (tabs(lang))
        @if may_register {
            details #standard-register {
                summary { (lang.t("所管分野の安全基準等を登録する", "Register a safety standard of your sector")) }
                (standard_form(&s, &a, lang, None))
            }
        }
        @if list.is_empty() {
            p #standards-empty { (lang.t("登録された安全基準等はありません。所管省庁の承認者が登録します。", "No standard is registered yet. A ministry's approver registers one.")) }
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
            @for st in list.iter().filter(|st| may_register && st.owner == a.actor.org.id) {
                details.standard-revise {
                    summary { (lang.t("改定する", "Revise")) (colon(lang)) span translate="no" { (st.title) } }
                    (standard_form(&s, &a, lang, Some(st)))
                }
            }
        }
    };
    page(lang, title, Some(&a), Nav::None, body).into_response()
}

/// The form registering a standard (`None`) or revising one, pre-filled.
fn standard_form(s: &AppState, a: &Authed, lang: Lang, st: Option<&SafetyStandard>) -> Markup {
    let key = st.map(|x| x.id.as_str()).unwrap_or("new");
    let action = match st {
        Some(x) => format!("/standards/sectors/{}", x.id),
        None => "/standards/sectors".to_owned(),
    };
    let own = st
        .map(|x| {
            x.own_items
                .iter()
                .map(|o| format!("{} | {} | {} | {}", o.id, o.title, o.text, o.level.code()))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    html! {
        form method="post" action=(action) {
            input type="hidden" name="csrf" value=(a.csrf());
            p {
                label for={ "std-sector-" (key) } { (lang.t("分野", "Sector")) }
                select id={ "std-sector-" (key) } name="sector" {
                    @for sec in &a.actor.org.sectors { option value=(sec.0) selected[st.is_some_and(|x| x.sector == sec.0)] { (sector_name(&s.app, lang, &sec.0)) } }
                }
                " "
                label for={ "std-kind-" (key) } { (lang.t("種類", "Kind")) }
                select id={ "std-kind-" (key) } name="kind" {
                    @for k in StandardKind::ALL { option value=(k.code()) selected[st.is_some_and(|x| x.kind == k)] { (lang.t(k.label_ja(), k.label_en())) } }
                }
            }
            p {
                label for={ "std-title-" (key) } { (lang.t("名称", "Title")) }
                input id={ "std-title-" (key) } type="text" name="title" size="60" required value=[st.map(|x| x.title.as_str())];
            }
            p {
                label for={ "std-adopted-" (key) } { (lang.t("採用する対策カタログの項目（ID を空白・改行区切りで。例: G-5.1.3.3-a）", "Catalogue items adopted (ids separated by spaces or lines, e.g. G-5.1.3.3-a)")) }
                br;
                textarea id={ "std-adopted-" (key) } name="adopted" rows="4" cols="60" { (st.map(|x| x.adopted.join("\n")).unwrap_or_default()) }
            }
            p {
                label for={ "std-own-" (key) } { (lang.t("独自の項目（1行に1項目: ID | 題名 | 本文 | required または recommended）", "Own items (one a line: id | title | text | required or recommended)")) }
                br;
                textarea id={ "std-own-" (key) } name="own_items" rows="3" cols="60" { (own) }
            }
            button type="submit" { @if st.is_some() { (lang.t("改定", "Revise")) } @else { (lang.t("登録", "Register")) } }
        }
    }
}

/// `POST /standards/sectors/{id}`: the owning ministry's approver revises its standard.
pub async fn revise_standard(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let back = "/standards/sectors";
    let input = match standard_input(&values) {
        Ok(i) => i,
        Err(e) => return form_error(lang, &a, &e, back),
    };
    match s.app.put_safety_standard(&a.actor, Some(&id), input).await {
        Ok(_) => Redirect::to(back).into_response(),
        Err(e) => form_error(lang, &a, &e, back),
    }
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
    let orgs = s.app.organisations().await.unwrap_or_default();
    let may_edit = kakehashi_policy::may_edit_assessment(
        &match a.actor.viewer() {
            Ok(v) => v,
            Err(e) => return error_page(lang, Some(&a), &e),
        },
        &a.actor.person.roles,
        &a.actor.org.id,
    );
    let standards: Vec<_> = if may_edit {
        s.app
            .safety_standards(&a.actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|st| a.actor.org.sectors.iter().any(|x| x.0 == st.sector))
            .collect()
    } else {
        Vec::new()
    };
    let this_year = {
        use chrono::Datelike;
        let t = s.app.today();
        if t.month() >= 4 {
            t.year()
        } else {
            t.year() - 1
        }
    };
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
        p.small { (lang.t("年度ごとに自己評価を始め、項目ごとに記入します（API では POST /api/v1/assessments、PUT /api/v1/assessments/{id}/items）。新しい年度は前年度の内容を引き継ぎ、過去の年度はそのまま残ります。", "Start a self-assessment each fiscal year and fill in its items (in the API: POST /api/v1/assessments, PUT /api/v1/assessments/{id}/items). A new year starts from the year before; past years are kept as they were.")) }
        h2 { (lang.t("自組織の自己評価", "Your organisation's self-assessments")) }
        @if !standards.is_empty() {
            form #assessment-start method="post" action="/standards/assessments" {
                input type="hidden" name="csrf" value=(a.csrf());
                label for="standard" { (lang.t("安全基準等", "Standard")) }
                select #standard name="standard" {
                    @for st in &standards { option value=(st.id) translate="no" { (st.title) } }
                }
                label for="year" { (lang.t("年度", "Fiscal year")) }
                input #year type="number" name="year" min="2000" max="2100" value=(this_year) required;
                button type="submit" { (lang.t("この年度の自己評価を始める", "Start this year's self-assessment")) }
            }
        }
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
    let title = format!("{}{}", v.year, lang.t("年度の自己評価", " self-assessment"));
    // The year before, for comparison (the operator's own people).
    let history = if a.actor.org.id == v.org {
        s.app.my_assessments(&a.actor).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let previous = history
        .iter()
        .find(|p| p.standard == v.standard.id && p.year == v.year - 1);
    let share_targets: Vec<(String, String)> = if v.may_edit {
        s.app
            .store
            .orgs()
            .await
            .unwrap_or_default()
            .iter()
            .filter_map(|r| {
                kakehashi_app::identity::org_from_record(r)
                    .ok()
                    .map(|o| (r, o))
            })
            .filter(|(_, o)| kakehashi_policy::may_share_assessment_with(&a.actor.org, o))
            .map(|(r, o)| {
                (
                    o.id.0.clone(),
                    super::layout::org_name(lang, &r.name_ja, &r.name_en).to_owned(),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
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
        @if v.may_edit {
            h2 #items { (lang.t("項目の評価", "Assess the items")) }
            p.small { (lang.t("ティアは1〜4（手引書の記述が既定の説明）。リスク・費用は1（低）〜3（高）で、優先順位付けに使います。証跡は1行に1件「URL | 説明 | TLP」で記入します（自己評価は自組織のもので、上位への共有は下で選びます）。", "Tiers are 1–4 (the handbook's descriptors by default). Risk and cost are 1 (low) – 3 (high) and rank the gaps. Evidence: one link a line, \"URL | description | TLP\" (the assessment is your own; choose below whom to share it with).")) }
            details.small #tiers {
                summary { (lang.t("ティアの説明（手引書）", "The tiers (handbook)")) }
                dl { @for t in cat.tiers() {
                    dt { "Tier " (t.tier) }
                    dd { (if lang == Lang::En && !t.en.is_empty() { t.en.join(" ") } else { t.ja.join("") }) }
                } }
            }
            @for id in v.standard.item_ids() {
                @let cur = v.items.iter().find(|i| i.item == id);
                @let plan = cur.and_then(|c| c.plan.as_ref());
                form.assess-item method="post" action={ "/standards/assessments/" (v.id) "/items" } {
                    input type="hidden" name="csrf" value=(a.csrf());
                    input type="hidden" name="item" value=(id);
                    fieldset {
                        legend { (name(id)) }
                        @if let Some(prev) = previous.and_then(|pa| pa.items.iter().find(|i| i.item == id)) {
                            p.small.previous { (lang.t("前年度", "Previous year")) (colon(lang)) (status(Some(prev.status))) @if let Some(t) = prev.current_tier { " · Tier " (t) } }
                        }
                        label for={ "status-" (id) } { (lang.t("実施状況", "Status")) }
                        select id={ "status-" (id) } name="status" {
                            @for st in ItemStatus::ALL {
                                option value=(st.code()) selected[cur.is_some_and(|c| c.status == st)] { (lang.t(st.label_ja(), st.label_en())) }
                            }
                        }
                        label for={ "cur-" (id) } { (lang.t("現在のティア", "Current tier")) }
                        input id={ "cur-" (id) } type="number" name="current_tier" min="1" max="4" value=[cur.and_then(|c| c.current_tier)];
                        label for={ "tgt-" (id) } { (lang.t("目標のティア", "Target tier")) }
                        input id={ "tgt-" (id) } type="number" name="target_tier" min="1" max="4" value=[cur.and_then(|c| c.target_tier)];
                        label for={ "risk-" (id) } { (lang.t("リスク", "Risk")) }
                        input id={ "risk-" (id) } type="number" name="risk" min="1" max="3" value=[cur.and_then(|c| c.risk)];
                        label for={ "cost-" (id) } { (lang.t("費用", "Cost")) }
                        input id={ "cost-" (id) } type="number" name="cost" min="1" max="3" value=[cur.and_then(|c| c.cost)];
                        br;
                        label for={ "reason-" (id) } { (lang.t("該当なしの理由", "Reason if not applicable")) }
                        input id={ "reason-" (id) } type="text" name="reason" size="50" value=[cur.and_then(|c| c.reason.as_deref())];
                        br;
                        label for={ "evidence-" (id) } { (lang.t("証跡（URL | 説明 | TLP）", "Evidence (URL | description | TLP)")) }
                        br;
                        textarea id={ "evidence-" (id) } name="evidence" rows="2" cols="70" {
                            @if let Some(c) = cur { @for e in &c.evidence { (e.url) " | " (e.description) " | " (e.tlp.code()) "\n" } }
                        }
                        details open[plan.is_some()] {
                            summary { (lang.t("対応計画", "Treatment plan")) }
                            label for={ "pts-" (id) } { (lang.t("目標とする状態", "Target state")) }
                            input id={ "pts-" (id) } type="text" name="plan.target_state" size="50" value=[plan.map(|p| p.target_state.as_str())];
                            br;
                            label for={ "pac-" (id) } { (lang.t("実施内容", "Actions")) }
                            input id={ "pac-" (id) } type="text" name="plan.actions" size="50" value=[plan.map(|p| p.actions.as_str())];
                            br;
                            label for={ "pre-" (id) } { (lang.t("必要な資源", "Resources")) }
                            input id={ "pre-" (id) } type="text" name="plan.resources" size="50" value=[plan.map(|p| p.resources.as_str())];
                            br;
                            label for={ "pow-" (id) } { (lang.t("責任者", "Owner")) }
                            input id={ "pow-" (id) } type="text" name="plan.owner" value=[plan.map(|p| p.owner.as_str())];
                            label for={ "pdl-" (id) } { (lang.t("期限", "Deadline")) }
                            input id={ "pdl-" (id) } type="date" name="plan.deadline" value=[plan.map(|p| p.deadline.format("%Y-%m-%d").to_string())];
                            br;
                            label for={ "pev-" (id) } { (lang.t("結果の評価方法", "How results are evaluated")) }
                            input id={ "pev-" (id) } type="text" name="plan.evaluation" size="50" value=[plan.map(|p| p.evaluation.as_str())];
                            br;
                            label { input type="checkbox" name="plan.done" value="1" checked[plan.is_some_and(|p| p.done)]; " " (lang.t("完了", "Done")) }
                        }
                        button type="submit" { (lang.t("保存", "Save")) }
                    }
                }
            }
            h2 #sharing { (lang.t("上位への共有", "Sharing upward")) }
            p.small { (lang.t("自己評価は自組織のものです。共有先に選んだ組織だけが閲覧できます（NISC・自分野の所管省庁・所属するセプター）。", "The assessment is your own: only the organisations you choose read it (NISC, your sector's ministry, your CEPTOAR).")) }
            form #share method="post" action={ "/standards/assessments/" (v.id) "/sharing" } {
                input type="hidden" name="csrf" value=(a.csrf());
                @for o in &share_targets {
                    label { input type="checkbox" name="shared_with" value=(o.0) checked[v.shared_with.iter().any(|x| x.0 == o.0)]; " " (o.1) }
                    " "
                }
                button type="submit" { (lang.t("共有先を保存", "Save sharing")) }
            }
        }
        @if !v.may_edit {
            h2 #items { (lang.t("項目の評価", "The items")) }
            table.list #items-read {
                thead { tr {
                    th { (lang.t("項目", "Item")) } th { (lang.t("実施状況", "Status")) }
                    th { (lang.t("現在／目標のティア", "Tier now / target")) } th { (lang.t("証跡", "Evidence")) }
                } }
                tbody { @for i in &v.items { tr data-item=(i.item) {
                    td { (name(&i.item)) }
                    td { (status(Some(i.status))) @if let Some(r) = &i.reason { " (" (r) ")" } }
                    td { (i.current_tier.map(|t| t.to_string()).unwrap_or_else(|| "—".into())) " / " (i.target_tier.map(|t| t.to_string()).unwrap_or_else(|| "—".into())) }
                    td { @for e in &i.evidence {
                        a href=(e.url) rel="noopener noreferrer" translate="no" { (e.description) } " " (super::layout::tlp_badge(e.tlp.code())) br;
                    } }
                } } }
            }
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
        p.small { (lang.t("対策が求める定期作業（バックアップと復元テスト、アクセス権の見直し、委託先の確認など、少なくとも年1回）。期限が来ると実施時期として示します。", "Recurring tasks the measures name (backups and restore tests, access reviews, supplier checks, at least yearly); shown as due when their time comes.")) }
        table.list #tasks {
            thead { tr { th { (lang.t("作業", "Task")) } th { (lang.t("最終実施日", "Last done")) } th { (lang.t("状況", "State")) } @if v.may_edit { th { (lang.t("実施を記録", "Record as done")) } } } }
            tbody { @for t in &v.tasks { tr data-item=(t.item) {
                td { (text(lang, &t.title_ja, &t.title_en)) }
                td { (t.last_done.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into())) }
                td { @if t.due { strong { (lang.t("実施時期です", "Due")) } } @else { (lang.t("実施済", "Done")) } }
                @if v.may_edit { td {
                    form.inline method="post" action="/standards/tasks" {
                        input type="hidden" name="csrf" value=(a.csrf());
                        input type="hidden" name="item" value=(t.item);
                        input type="hidden" name="back" value=(v.id);
                        label { (lang.t("実施日", "Day done")) " " input type="date" name="done_on"; }
                        " " button type="submit" { (lang.t("記録", "Record")) }
                    }
                } }
            } } }
        }
    };
    page(lang, &title, Some(&a), Nav::None, body).into_response()
}

/// `/standards/surveys`: the surveys the organisation takes part in; NISC's approvers open and
/// close them, operators answer from their assessment of the year.
pub async fn surveys(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    let list = match s.app.surveys(&a.actor).await {
        Ok(l) => l,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let may_open = a.actor.org.kind == OrgKind::Nisc && a.actor.has(Role::Approver);
    let mine = if list.iter().any(|x| x.may_answer) {
        s.app.my_assessments(&a.actor).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let standards = s.app.safety_standards(&a.actor).await.unwrap_or_default();
    let standard_title = |id: &str| {
        standards
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.title.clone())
            .unwrap_or_default()
    };
    let title = lang.t("浸透状況調査", "Safety-standards survey");
    let body = html! {
        h1 { (title) }
        (tabs(lang))
        @if may_open {
            details #survey-open {
                summary { (lang.t("調査を開始する", "Open a survey")) }
                form method="post" action="/standards/surveys" {
                    input type="hidden" name="csrf" value=(a.csrf());
                    label for="survey-year" { (lang.t("年度", "Fiscal year")) }
                    input #survey-year type="number" name="year" min="2000" max="2100" value=(fiscal_year(&s)) required;
                    fieldset {
                        legend { (lang.t("対象分野", "Sectors")) }
                        @for sec in s.app.reference.sectors() {
                            label { input type="checkbox" name="sectors" value=(sec.id); " " (sector_name(&s.app, lang, &sec.id)) }
                            " "
                        }
                    }
                    button type="submit" { (lang.t("開始", "Open")) }
                }
            }
        }
        @if list.is_empty() { p #surveys-empty { (lang.t("対象となる調査はありません。", "No survey concerns your organisation.")) } }
        @else {
            table.list #surveys {
                thead { tr { th { (lang.t("年度", "Fiscal year")) } th { (lang.t("対象分野", "Sectors")) } th { (lang.t("状況", "State")) } th { (lang.t("操作", "Actions")) } } }
                tbody { @for x in &list { tr data-survey=(x.id) {
                    td { (x.year) }
                    td { (x.sectors.iter().map(|id| sector_name(&s.app, lang, id)).collect::<Vec<_>>().join(lang.t("、", ", "))) }
                    td { @if x.open { (lang.t("回答受付中", "Open")) } @else { (lang.t("締切", "Closed")) } @if x.answered { " · " (lang.t("回答済", "Answered")) } }
                    td {
                        @if x.may_see_results {
                            a href={ "/standards/surveys/" (x.id) } { (lang.t("結果", "Results")) }
                            " · "
                            a href={ "/api/v1/surveys/" (x.id) "/results.csv" (if lang == Lang::En { "?lang=en" } else { "" }) } { (lang.t("CSVで出力", "Export CSV")) }
                        }
                        @if x.may_answer {
                            @let of_year: Vec<_> = mine.iter().filter(|m| m.year == x.year).collect();
                            @if of_year.is_empty() {
                                p.small { (lang.t("この年度の自己評価がありません。先に自己評価を始めてください。", "No self-assessment of this year: start one first.")) " " a href="/standards/assessments" { (lang.t("自己評価", "Self-assessments")) } }
                            } @else {
                                form.inline method="post" action={ "/standards/surveys/" (x.id) "/responses" } {
                                    input type="hidden" name="csrf" value=(a.csrf());
                                    label { (lang.t("回答に使う自己評価", "Answer from")) " "
                                        select name="assessment" {
                                            @for m in &of_year { option value=(m.id) translate="no" { (m.year) " " (standard_title(&m.standard)) } }
                                        }
                                    }
                                    " " button type="submit" { @if x.answered { (lang.t("回答を更新", "Update the answer")) } @else { (lang.t("回答する", "Answer")) } }
                                }
                            }
                        }
                        @if may_open && x.open {
                            form.inline method="post" action={ "/standards/surveys/" (x.id) "/close" } {
                                input type="hidden" name="csrf" value=(a.csrf());
                                button type="submit" { (lang.t("締め切る", "Close")) }
                            }
                        }
                    }
                } } }
            }
        }
    };
    page(lang, title, Some(&a), Nav::None, body).into_response()
}

fn fiscal_year(s: &AppState) -> i32 {
    use chrono::Datelike;
    let t = s.app.today();
    if t.month() >= 4 {
        t.year()
    } else {
        t.year() - 1
    }
}

fn status_class(key: &Key) -> &'static str {
    match key {
        Key::Code(c) if c == "implemented" => "",
        Key::Code(c) if c == "partial" => "imp-caution",
        Key::Code(c) if c == "not_implemented" => "imp-alert",
        Key::Code(c) if c == "not_applicable" => "imp-none",
        _ => "imp-reference",
    }
}

fn key_label(key: &Key, lang: Lang) -> String {
    match key {
        Key::Code(c) if c.starts_with("tier") => format!("Tier {}", &c[4..]),
        Key::Code(c) => kakehashi_app::standards::status_label(c, lang == Lang::Ja),
        Key::Unclassified => lang.t("未記入", "Not given").to_owned(),
        Key::Other => lang.t("その他", "Other").to_owned(),
    }
}

/// `/standards/surveys/{id}`: response rates and, per item, sector rows by status (bars) and
/// tier — as the statistics publish them, never one operator; printable as a report.
pub async fn survey_results(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let r = match s.app.survey_results(&a.actor, &id).await {
        Ok(r) => r,
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let cat = s.app.reference.catalogue();
    let row_label = |k: &SectorKey| match k {
        SectorKey::Sector(id) => sector_name(&s.app, lang, id),
        SectorKey::Other => lang.t("その他の分野", "Other sectors").to_owned(),
    };
    let title = format!(
        "{}{}",
        r.year,
        lang.t(
            "年度 浸透状況調査の結果",
            " safety-standards survey results"
        )
    );
    let body = html! {
        h1 { (title) }
        (tabs(lang))
        (svg::patterns())
        p.small { (lang.t("回答は組織ごとに1件です。k 組織未満となる数は「その他」にまとめるか公表しません。", "One answer per organisation. No number stands for fewer than k organisations: such cells are merged into Other or withheld.")) " k = " span #survey-k { (r.k) } }
        p { a href={ "/api/v1/surveys/" (r.id) "/results.csv" (if lang == Lang::En { "?lang=en" } else { "" }) } { (lang.t("CSVで出力", "Export CSV")) } }
        h2 { (lang.t("回答率", "Response rates")) }
        table.list #survey-rates {
            thead { tr { th { (lang.t("分野", "Sector")) } th { (lang.t("対象", "Invited")) } th { (lang.t("回答", "Responded")) } th { (lang.t("回答率", "Rate")) } } }
            tbody { @for x in &r.rates { tr data-sector=(x.sector) {
                td { (sector_name(&s.app, lang, &x.sector)) }
                td { (x.invited) } td { (x.responded) }
                td { @if x.invited > 0 { (x.responded * 100 / x.invited) "%" } @else { "—" } }
            } } }
        }
        h2 { (lang.t("項目別", "By item")) }
        @if r.items.iter().all(|i| i.table.sectors.is_empty()) { p #survey-withheld { (lang.t("公表できる集計はまだありません（k 組織に満たない）。", "Nothing publishable yet (fewer than k organisations).")) } }
        @for (n, it) in r.items.iter().enumerate() {
            @if !it.table.sectors.is_empty() {
                section.survey-item data-item=(it.item) {
                    h3 { (cat.control(&it.item).map(|c| text(lang, &c.title_ja, &c.title_en).to_owned()).unwrap_or_else(|| it.item.clone())) }
                    (svg::rows(&format!("survey-item-{n}"), lang.t("実施状況の分布", "Status by sector"), &it.table.sectors.iter().map(|row| svg::Bar {
                        label: row_label(&row.sector),
                        title: row_label(&row.sector),
                        data_key: "sector",
                        data_value: row.sector.code().to_owned(),
                        segments: row.events.iter().map(|c| svg::Segment { class: status_class(&c.key), count: c.count, label: key_label(&c.key, lang) }).collect(),
                        note: String::new(),
                    }).collect::<Vec<_>>()))
                    table.list {
                        thead { tr { th { (lang.t("分野", "Sector")) } th { (lang.t("回答", "Answers")) } th { (lang.t("実施状況", "Status")) } th { (lang.t("現在のティア", "Current tier")) } } }
                        tbody { @for row in &it.table.sectors { tr {
                            td { (row_label(&row.sector)) }
                            td { (row.total) }
                            td { (row.events.iter().map(|c| format!("{} {}", key_label(&c.key, lang), c.count)).collect::<Vec<_>>().join(lang.t("、", ", "))) }
                            td { (row.causes.iter().map(|c| format!("{} {}", key_label(&c.key, lang), c.count)).collect::<Vec<_>>().join(lang.t("、", ", "))) }
                        } } }
                    }
                }
            }
        }
    };
    page(lang, &title, Some(&a), Nav::None, body).into_response()
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

fn csrf_refused(a: &Authed, values: &Values, lang: Lang) -> Option<Response> {
    a.check_csrf(values.get("csrf"))
        .err()
        .map(|e| error_page(lang, Some(a), &e))
}

/// A refused form: bad input answers 422 naming the field and the rule (in both languages),
/// with a link back to the form; anything else is the usual error page.
fn form_error(lang: Lang, a: &Authed, e: &AppError, back: &str) -> Response {
    let errs = crate::error::field_errors(e);
    if errs.is_empty() {
        return error_page(lang, Some(a), e);
    }
    let title = lang.t("入力内容に誤りがあります", "Please correct the input");
    let body = html! {
        h1 { (title) }
        div.errbox #error role="alert" {
            ul { @for (field, rule, ja, en) in &errs {
                li data-field=(field) data-rule=(rule) { (lang.t(ja, en)) " " span.small { "(" code { (field) } ")" } }
            } }
        }
        p { (lang.t("何も保存していません。", "Nothing was stored.")) " " a href=(back) { (lang.t("入力に戻る", "Back to the form")) } }
    };
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        page(lang, title, Some(a), Nav::None, body),
    )
        .into_response()
}

/// A whole number typed in a form field; empty is none, anything else names the field.
fn number_field(
    values: &Values,
    field: &'static str,
    ja: &str,
    en: &str,
) -> Result<Option<u8>, AppError> {
    let raw = values.get(field).trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<u8>().map(Some).map_err(|_| {
        AppError::bad_field(
            field,
            "not_a_number",
            format!("{ja}は整数で入力してください。"),
            format!("{en} must be a whole number."),
        )
    })
}

fn date_field(
    values: &Values,
    field: &'static str,
    ja: &str,
    en: &str,
) -> Result<Option<NaiveDate>, AppError> {
    let raw = values.get(field).trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            AppError::bad_field(
                field,
                "not_a_date",
                format!("{ja}は YYYY-MM-DD の形の日付で入力してください。"),
                format!("{en} must be a date as YYYY-MM-DD."),
            )
        })
}

fn year_field(values: &Values) -> Result<i32, AppError> {
    values.get("year").trim().parse().map_err(|_| {
        AppError::bad_field(
            "year",
            "not_a_number",
            "年度は西暦の数字で入力してください（例: 2026）。",
            "The fiscal year is a number (e.g. 2026).",
        )
    })
}

/// `POST /standards/sectors`: a ministry's approver registers its sector's standard.
pub async fn register_standard(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let back = "/standards/sectors";
    let input = match standard_input(&values) {
        Ok(i) => i,
        Err(e) => return form_error(lang, &a, &e, back),
    };
    match s.app.put_safety_standard(&a.actor, None, input).await {
        Ok(_) => Redirect::to(back).into_response(),
        Err(e) => form_error(lang, &a, &e, back),
    }
}

fn standard_input(values: &Values) -> Result<StandardInput, AppError> {
    let kind = StandardKind::ALL
        .into_iter()
        .find(|k| k.code() == values.get("kind"))
        .ok_or_else(|| {
            AppError::bad_field(
                "kind",
                "unknown_code",
                "安全基準等の種類を選んでください。",
                "Choose the kind of standard.",
            )
        })?;
    let adopted = values
        .get("adopted")
        .split(|c: char| c.is_whitespace() || c == ',' || c == '、')
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect();
    let mut own_items = Vec::new();
    for line in values
        .get("own_items")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let level = parts.get(3).copied().unwrap_or("required");
        match (parts.len(), ControlLevel::from_code(level)) {
            (3 | 4, Some(level)) => own_items.push(OwnItem {
                id: parts[0].to_owned(),
                title: parts[1].to_owned(),
                text: parts[2].to_owned(),
                level,
            }),
            _ => {
                return Err(AppError::bad_field(
                    "own_items",
                    "format",
                    format!("独自の項目は「ID | 題名 | 本文 | required または recommended」の形で1行に1項目です: {line}"),
                    format!("Own items are one a line as \"id | title | text | required or recommended\": {line}"),
                ))
            }
        }
    }
    Ok(StandardInput {
        sector: values.get("sector").to_owned(),
        kind,
        title: values.get("title").to_owned(),
        adopted,
        own_items,
    })
}

/// `POST /standards/assessments`: start the year's assessment of a standard.
pub async fn create_assessment(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let back = "/standards/assessments";
    let year = match year_field(&values) {
        Ok(y) => y,
        Err(e) => return form_error(lang, &a, &e, back),
    };
    let input = kakehashi_app::standards::NewAssessment {
        standard: values.get("standard").to_owned(),
        year,
    };
    match s.app.create_assessment(&a.actor, input).await {
        Ok(rec) => Redirect::to(&format!("/standards/assessments/{}", rec.id)).into_response(),
        Err(e) => form_error(lang, &a, &e, back),
    }
}

fn item_input(
    values: &Values,
    existing: Option<&ItemAssessment>,
) -> Result<ItemAssessment, AppError> {
    let status = ItemStatus::from_code(values.get("status")).ok_or_else(|| {
        AppError::bad_field(
            "status",
            "unknown_code",
            "実施状況を選んでください。",
            "Choose the status.",
        )
    })?;
    let reason = values.get("reason").trim();
    let mut evidence = Vec::new();
    for line in values
        .get("evidence")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let tlp = parts.get(2).map(|t| Tlp::from_code(t));
        match (parts.len(), tlp) {
            (3, Some(Some(tlp))) => evidence.push(EvidenceLink {
                url: parts[0].to_owned(),
                description: parts[1].to_owned(),
                tlp,
            }),
            _ => {
                return Err(AppError::bad_field(
                    "evidence",
                    "format",
                    format!("証跡は「URL | 説明 | TLP（RED、AMBER+STRICT、AMBER、GREEN、CLEAR）」の形で1行に1件です: {line}"),
                    format!("Evidence is one link a line as \"URL | description | TLP (RED, AMBER+STRICT, AMBER, GREEN, CLEAR)\": {line}"),
                ))
            }
        }
    }
    let plan_fields = [
        "plan.target_state",
        "plan.actions",
        "plan.resources",
        "plan.owner",
        "plan.deadline",
        "plan.evaluation",
    ];
    let plan = if plan_fields.iter().all(|f| values.get(f).trim().is_empty()) {
        None
    } else {
        let deadline = date_field(
            values,
            "plan.deadline",
            "対応計画の期限",
            "The plan's deadline",
        )?
        .ok_or_else(|| {
            AppError::bad_field(
                "plan.deadline",
                "required",
                "対応計画の期限を入力してください。",
                "Give the plan's deadline.",
            )
        })?;
        Some(TreatmentPlan {
            target_state: values.get("plan.target_state").trim().to_owned(),
            actions: values.get("plan.actions").trim().to_owned(),
            resources: values.get("plan.resources").trim().to_owned(),
            owner: values.get("plan.owner").trim().to_owned(),
            deadline,
            evaluation: values.get("plan.evaluation").trim().to_owned(),
            done: values.flag("plan.done"),
        })
    };
    let item = values.get("item").to_owned();
    let mut next = existing.cloned().unwrap_or(ItemAssessment {
        item,
        status,
        reason: None,
        current_tier: None,
        target_tier: None,
        risk: None,
        cost: None,
        evidence: vec![],
        plan: None,
    });
    next.status = status;
    next.reason = (!reason.is_empty()).then(|| reason.to_owned());
    next.current_tier = number_field(values, "current_tier", "現在のティア", "The current tier")?;
    next.target_tier = number_field(values, "target_tier", "目標のティア", "The target tier")?;
    next.risk = number_field(values, "risk", "リスク", "Risk")?;
    next.cost = number_field(values, "cost", "費用", "Cost")?;
    next.evidence = evidence;
    next.plan = plan;
    Ok(next)
}

/// `POST /standards/assessments/{id}/items`: one item's status, tiers, risk and cost,
/// evidence links and treatment plan.
pub async fn assess_item(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let existing = match s.app.assessment(&a.actor, &id).await {
        Ok(v) => v.into_inner(),
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let back = format!("/standards/assessments/{id}#items");
    let item = values.get("item");
    let next = match item_input(&values, existing.items.iter().find(|i| i.item == item)) {
        Ok(n) => n,
        Err(e) => return form_error(lang, &a, &e, &back),
    };
    match s.app.assess_item(&a.actor, &id, next).await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => form_error(lang, &a, &e, &back),
    }
}

/// `POST /standards/assessments/{id}/sharing`: with whom the operator shares (upward only).
pub async fn share(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let back = format!("/standards/assessments/{id}#sharing");
    let input = kakehashi_app::standards::ShareInput {
        shared_with: values.all("shared_with").map(str::to_owned).collect(),
    };
    match s.app.share_assessment(&a.actor, &id, input).await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => form_error(lang, &a, &e, &back),
    }
}

/// `POST /standards/tasks`: a recurring task done (today unless a day is given).
pub async fn task_done(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let back_id = values.get("back");
    let back = if back_id.is_empty()
        || !back_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        "/standards/assessments".to_owned()
    } else {
        format!("/standards/assessments/{back_id}#tasks")
    };
    let done_on = match date_field(&values, "done_on", "実施日", "The day done") {
        Ok(d) => d,
        Err(e) => return form_error(lang, &a, &e, &back),
    };
    let input = kakehashi_app::standards::TaskDoneInput {
        item: values.get("item").to_owned(),
        done_on,
    };
    match s.app.mark_task_done(&a.actor, input).await {
        Ok(()) => Redirect::to(&back).into_response(),
        Err(e) => form_error(lang, &a, &e, &back),
    }
}

/// `POST /standards/surveys`: NISC's approvers open the year's survey.
pub async fn open_survey(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let back = "/standards/surveys";
    let year = match year_field(&values) {
        Ok(y) => y,
        Err(e) => return form_error(lang, &a, &e, back),
    };
    let input = kakehashi_app::standards::NewSurvey {
        year,
        sectors: values.all("sectors").map(str::to_owned).collect(),
    };
    match s.app.open_survey(&a.actor, input).await {
        Ok(_) => Redirect::to(back).into_response(),
        Err(e) => form_error(lang, &a, &e, back),
    }
}

/// `POST /standards/surveys/{id}/responses`: an operator answers from its assessment.
pub async fn respond(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    let back = "/standards/surveys";
    let input = kakehashi_app::standards::SurveyResponseInput {
        assessment: values.get("assessment").to_owned(),
    };
    match s.app.respond_to_survey(&a.actor, &id, input).await {
        Ok(_) => Redirect::to(back).into_response(),
        Err(e) => form_error(lang, &a, &e, back),
    }
}

/// `POST /standards/surveys/{id}/close`: NISC's approvers close the survey.
pub async fn close_survey(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Some(r) = csrf_refused(&a, &values, lang) {
        return r;
    }
    match s.app.close_survey(&a.actor, &id).await {
        Ok(()) => Redirect::to("/standards/surveys").into_response(),
        Err(e) => error_page(lang, Some(&a), &e),
    }
}
