//! リスク管理 and 事業継続計画 pages (operators): the risk register in the handbook's order —
//! criteria, scope (services, assets), risks with level, evaluation and state, treatment
//! plans — and the continuity plans with the annex's checklist. Everything goes through the
//! same use cases as the API.

use super::form_parse::Values;
use super::layout::{error_page, page, Nav};
use super::provision::err_box;
use crate::auth::{Authed, WebAuth};
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kakehashi_app::continuity::{
    Channel, ChecklistAnswer, ChecklistInput, CutoffPoint, PlanInput, PlanStatusInput, PlanView,
};
use kakehashi_app::risk::{
    keeps_register, AssetInput, AssetView, RegisterView, RiskInput, RiskView, ServiceInput,
    ServiceView, TreatmentInput, TreatmentView,
};
use kakehashi_app::AppError;
use kakehashi_domain::continuity::{CheckResult, PlanKind, PlanStatus};
use kakehashi_domain::risk::{
    may_move_treatment, AnalysisMethod, AssetKind, DueState, RiskState, SupplyChainThreat,
    ThreatCategory, TreatmentStatus,
};
use maud::{html, Markup};

/// Whether the risk and continuity entries show in the menu: CI operators keep them.
pub fn may_see_risk(a: &Authed) -> bool {
    keeps_register(&a.actor)
}

fn status_for(err: Option<&AppError>) -> StatusCode {
    match err {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    }
}

fn num(v: &str) -> Option<u8> {
    v.trim().parse().ok()
}

fn lines(v: &str) -> Vec<String> {
    v.lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Level names as typed: separated by 、 or commas (full or half width), blanks dropped.
fn names(v: &str) -> Vec<String> {
    v.split(['、', ',', '，'])
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

fn state_badge(lang: Lang, s: RiskState) -> Markup {
    html! { span class={ "badge risk-" (s.code()) } { (lang.t(s.label_ja(), s.label_en())) } }
}

fn due_badge(lang: Lang, d: DueState) -> Markup {
    match d {
        DueState::Overdue => {
            html! { span class="badge due-overdue" { (lang.t("期限超過", "Overdue")) } }
        }
        DueState::Near => {
            html! { span class="badge due-near" { (lang.t("期限間近", "Due soon")) } }
        }
        DueState::Later => html! {},
    }
}

fn gap_label(lang: Lang, field: &str) -> &'static str {
    match field {
        "likelihood" => lang.t("発生可能性が未評価", "likelihood not rated"),
        "vulnerability" => lang.t("脆弱性が未評価", "vulnerability not rated"),
        "damage" => lang.t("事業被害の大きさが未評価", "damage size not rated"),
        "assets" => lang.t("資産が未指定（資産ベース）", "no asset (asset-based)"),
        "impact" => lang.t("影響度が尺度外", "impact off the scale"),
        _ => lang.t("未分析", "not analysed"),
    }
}

/// The level against the threshold, or why there is none yet.
fn level_cell(lang: Lang, threshold: u32, x: &RiskView) -> Markup {
    html! {
        @match x.level {
            Some(l) => {
                strong.risk-level { (l) }
                @if l >= threshold { " ≥ " (threshold) }
                @else if x.input.selected { " < " (threshold) " " span.muted { (lang.t("（個別に選定）", "(selected)")) } }
                @else { " < " (threshold) }
            }
            None => {
                span.muted { "—" }
                @if let Some(g) = &x.analysis_gap { br; span.muted { (gap_label(lang, g)) } }
            }
        }
    }
}

/// "1=低 2=中 3=高" when the organisation named the levels of a scale.
fn scale_hint(labels: &[String]) -> String {
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{}={l}", i + 1))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A treatment plan's status with the moves the domain allows (start, done, reopen).
fn treatment_status(lang: Lang, csrf: &str, may_edit: bool, t: &TreatmentView) -> Markup {
    html! {
        (lang.t(t.status.label_ja(), t.status.label_en()))
        @if may_edit {
            @for to in TreatmentStatus::ALL {
                @if may_move_treatment(t.status, *to) {
                    " "
                    form.inline method="post" action={ "/risk/treatments/" (t.id) "/status" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="status" value=(to.code());
                        input type="hidden" name="back" value={ "/risk/risks/" (t.risk) };
                        button type="submit" { (match (t.status, to) {
                            (TreatmentStatus::Done, _) => lang.t("再開する", "Reopen"),
                            (_, TreatmentStatus::Done) => lang.t("完了にする", "Mark done"),
                            _ => lang.t("着手する", "Start"),
                        }) }
                    }
                }
            }
        }
    }
}

/// The risk form: identification, analysis and evaluation (new, or editing `x`).
fn risk_form(
    lang: Lang,
    csrf: &str,
    r: &RegisterView,
    action: &str,
    x: Option<&RiskView>,
) -> Markup {
    let d = x.map(|x| x.input.clone()).unwrap_or_default();
    let c = &r.criteria;
    let opt = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();
    html! {
        form.risk-form id=[x.is_none().then_some("risk-form")] method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            fieldset { legend { (lang.t("リスク特定", "Identification")) }
                label { (lang.t("リスク（件名）", "Risk (title)")) " * " input type="text" name="title" value=(d.title) required; }
                label { (lang.t("被害発生に至るシナリオ", "Scenario leading to damage")) textarea name="scenario" rows="2" { (d.scenario) } }
                fieldset { legend { (lang.t("種類", "Category")) " *" }
                    @for t in ThreatCategory::ALL { label.check { input type="checkbox" name="categories" value=(t.code()) checked[d.categories.iter().any(|c| c == t.code())]; " " (lang.t(t.label_ja(), t.label_en())) } } }
                label { (lang.t("サプライチェーンの脅威", "Supply-chain threat")) " " select name="supply_chain_threat" {
                    option value="" { (lang.t("（該当なし）", "(none)")) }
                    @for t in SupplyChainThreat::ALL { option value=(t.code()) selected[d.supply_chain_threat == t.code()] { (lang.t(t.label_ja(), t.label_en())) } } } }
                label.check { input type="checkbox" name="hse" value="on" checked[d.hse]; " " (lang.t("HSE（健康・安全・環境）にも関わる", "Also a health, safety or environment (HSE) risk")) }
                @if !r.services.is_empty() {
                    fieldset { legend { (lang.t("影響を受けるサービス", "Services it threatens")) }
                        @for s in &r.services { label.check { input type="checkbox" name="services" value=(s.id) checked[d.services.contains(&s.id)]; " " span translate="no" { (s.input.name) } } } }
                }
                @if !r.assets.is_empty() {
                    fieldset { legend { (lang.t("関係する資産", "Assets")) }
                        @for a in &r.assets { label.check { input type="checkbox" name="assets" value=(a.id) checked[d.assets.contains(&a.id)]; " " span translate="no" { (a.input.name) } } } }
                }
                label { (lang.t("照合キーワード（1行に1つ。新たな脅威情報と照合します）", "Keywords matched against new threat information (one per line)")) textarea name="keywords" rows="2" { (d.keywords.join("\n")) } }
            }
            fieldset { legend { (lang.t("リスク分析", "Analysis")) }
                label { (lang.t("分析手法", "Method")) " " select name="method" { @for m in AnalysisMethod::ALL { option value=(m.code()) selected[d.method == m.code()] { (lang.t(m.label_ja(), m.label_en())) } } } }
                p.muted { (lang.t(
                    "資産ベース：資産の重要度 × 発生可能性 × 脆弱性。事業被害ベース：事業被害の大きさ × 発生可能性 × 脆弱性。未評価の項目は空欄のままにできます。",
                    "Asset-based: asset importance × likelihood × vulnerability. Business-damage-based: damage size × likelihood × vulnerability. Leave a factor empty until rated."
                )) }
                label { (lang.t("発生可能性", "Likelihood")) " (1–" (c.likelihood_levels) ") " input type="number" name="likelihood" min="1" max=(c.likelihood_levels) value=(opt(d.likelihood)); " " span.muted translate="no" { (scale_hint(&c.likelihood_labels)) } }
                " " label { (lang.t("事業被害の大きさ（事業被害ベース）", "Damage size (business-damage-based)")) " (1–" (c.impact_levels) ") " input type="number" name="damage" min="1" max=(c.impact_levels) value=(opt(d.damage)); " " span.muted translate="no" { (scale_hint(&c.impact_labels)) } }
                @if c.vulnerability_levels > 1 {
                    " " label { (lang.t("脆弱性", "Vulnerability")) " (1–" (c.vulnerability_levels) ") " input type="number" name="vulnerability" min="1" max=(c.vulnerability_levels) value=(opt(d.vulnerability)); " " span.muted translate="no" { (scale_hint(&c.vulnerability_labels)) } }
                }
            }
            fieldset { legend { (lang.t("リスク評価", "Evaluation")) }
                p.muted { (lang.t("基準値以上のリスクは対応の対象です。基準値未満でも個別の事情により対象に選ぶことができます（理由を記録）。", "Risks at or above the threshold are to be treated; a risk below it may be selected for its own reasons (recorded).")) }
                label.check { input type="checkbox" name="selected" value="on" checked[d.selected]; " " (lang.t("基準値未満でも対応の対象にする", "Treat it although below the threshold")) }
                label { (lang.t("選定の理由", "Why selected")) " " input type="text" name="selection_reason" value=(d.selection_reason); }
                label { (lang.t("管理部門（対象外のとき）", "Department managing it (when not treated)")) " " input type="text" name="department" value=(d.department); }
                label { (lang.t("セキュリティ管理策の導入状況", "Security controls in place")) textarea name="control_status" rows="2" { (d.control_status) } }
            }
            div.actions { button type="submit" { (if x.is_some() { lang.t("保存", "Save") } else { lang.t("リスクを追加", "Add risk") }) } }
        }
    }
}

fn risk_input(v: &Values) -> RiskInput {
    RiskInput {
        title: v.get("title").into(),
        scenario: v.get("scenario").into(),
        services: v.all("services").map(str::to_owned).collect(),
        assets: v.all("assets").map(str::to_owned).collect(),
        categories: v.all("categories").map(str::to_owned).collect(),
        supply_chain_threat: v.get("supply_chain_threat").into(),
        hse: v.flag("hse"),
        method: v.get("method").into(),
        likelihood: num(v.get("likelihood")),
        damage: num(v.get("damage")),
        vulnerability: num(v.get("vulnerability")),
        selected: v.flag("selected"),
        selection_reason: v.get("selection_reason").into(),
        department: v.get("department").into(),
        control_status: v.get("control_status").into(),
        keywords: lines(v.get("keywords")),
    }
}

/// One risk: its analysis and evaluation in full, its treatment plans, the 要再評価 flag, and
/// (for editors) the form to analyse or change it, a plan to add, and removal.
async fn risk_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &str,
    err: Option<&AppError>,
) -> Response {
    let r: RegisterView = match s.app.risk_register(&a.actor).await {
        Ok(r) => r.into_inner(),
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let Some(x) = r.risks.iter().find(|x| x.id == id) else {
        return error_page(lang, Some(a), &AppError::NotFound);
    };
    let csrf = a.csrf();
    let c = &r.criteria;
    let names = |ids: &[String], of_assets: bool| -> String {
        ids.iter()
            .filter_map(|i| {
                if of_assets {
                    r.assets
                        .iter()
                        .find(|a| &a.id == i)
                        .map(|a| a.input.name.clone())
                } else {
                    r.services
                        .iter()
                        .find(|s| &s.id == i)
                        .map(|s| s.input.name.clone())
                }
            })
            .collect::<Vec<_>>()
            .join(lang.t("、", ", "))
    };
    let plans: Vec<&TreatmentView> = r.treatments.iter().filter(|t| t.risk == x.id).collect();
    let method = AnalysisMethod::from_code(&x.input.method);
    let body = html! {
        p { a href="/risk" { (lang.t("← リスク管理", "← Risk management")) } }
        h1 translate="no" { (x.input.title) }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if let Some(f) = &x.reassess {
            p.notice #reassess {
                span.badge.reassess { (lang.t("要再評価", "Reassess")) } " "
                (lang.t("新たな脅威情報 ", "New threat information: "))
                a href={ "/provisions/" (f.provision) } { (lang.t("情報提供 ", "provision ")) (f.provision_ident) }
                (lang.t(" がこのリスクの「", " names this risk's term “")) span translate="no" { (f.matched) } (lang.t("」に触れています。分析を見直してください。", "”. Review the analysis."))
                @if r.may_edit {
                    form.inline method="post" action={ "/risk/risks/" (x.id) "/reassessed" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="back" value={ "/risk/risks/" (x.id) };
                        button type="submit" { (lang.t("再評価済みにする", "Mark reassessed")) }
                    }
                }
            }
        }
        dl #risk {
            dt { (lang.t("状況", "State")) } dd #risk-state { (state_badge(lang, x.state)) }
            dt { (lang.t("種類", "Category")) }
            dd { (x.input.categories.iter().filter_map(|c| ThreatCategory::from_code(c)).map(|c| lang.t(c.label_ja(), c.label_en())).collect::<Vec<_>>().join(lang.t("、", ", ")))
                @if let Some(t) = SupplyChainThreat::from_code(&x.input.supply_chain_threat) { " / " (lang.t(t.label_ja(), t.label_en())) }
                @if x.input.hse { " / HSE" } }
            @if !x.input.scenario.is_empty() { dt { (lang.t("シナリオ", "Scenario")) } dd translate="no" { (x.input.scenario) } }
            dt { (lang.t("サービス", "Services")) } dd translate="no" { (names(&x.input.services, false)) }
            dt { (lang.t("資産", "Assets")) } dd translate="no" { (names(&x.input.assets, true)) }
            dt { (lang.t("分析手法", "Method")) } dd { @if let Some(m) = method { (lang.t(m.label_ja(), m.label_en())) } }
            dt { (lang.t("要素", "Factors")) }
            dd {
                (lang.t("影響度 ", "impact ")) @match x.impact { Some(i) => (i), None => "—" }
                " × " (lang.t("発生可能性 ", "likelihood ")) @match x.input.likelihood { Some(i) => (i), None => "—" }
                @if c.vulnerability_levels > 1 { " × " (lang.t("脆弱性 ", "vulnerability ")) @match x.input.vulnerability { Some(i) => (i), None => "—" } }
            }
            dt { (lang.t("リスク値（基準値）", "Level (threshold)")) } dd #risk-level { (level_cell(lang, c.threshold, x)) }
            @if x.input.selected { dt { (lang.t("選定の理由", "Why selected")) } dd translate="no" { (x.input.selection_reason) } }
            @if !x.input.department.is_empty() { dt { (lang.t("管理部門", "Department")) } dd translate="no" { (x.input.department) } }
            @if !x.input.control_status.is_empty() { dt { (lang.t("管理策の導入状況", "Controls in place")) } dd translate="no" { (x.input.control_status) } }
            @if !x.input.keywords.is_empty() { dt { (lang.t("照合キーワード", "Keywords")) } dd translate="no" { (x.input.keywords.join(", ")) } }
        }
        section #risk-plans {
            h2 { (lang.t("リスク対応計画", "Treatment plans")) }
            @if plans.is_empty() { p.muted { (lang.t("まだありません。", "None yet.")) } }
            @else {
                table.list { thead { tr { th { (lang.t("対応内容", "Action")) } th { (lang.t("目標とする状態", "Target state")) } th { (lang.t("担当", "Owner")) } th { (lang.t("期限", "Due")) } th { (lang.t("評価方法", "Evaluation")) } th { (lang.t("状況", "Status")) } } }
                    tbody { @for t in &plans { tr {
                        td translate="no" { (t.action) } td translate="no" { (t.target_state) } td translate="no" { (t.owner) }
                        td { (t.due_on.format("%Y-%m-%d").to_string()) " " (due_badge(lang, t.due_state)) }
                        td translate="no" { (t.evaluation) }
                        td { (treatment_status(lang, csrf, r.may_edit, t)) }
                    } } } }
            }
            @if r.may_edit {
                form #risk-treatment-form method="post" action="/risk/treatments" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="risk" value=(x.id);
                    input type="hidden" name="back" value={ "/risk/risks/" (x.id) };
                    label { (lang.t("対応内容", "Action")) " * " textarea name="action" rows="2" required {} }
                    label { (lang.t("目標とする状態", "Target state")) textarea name="target_state" rows="2" {} }
                    label { (lang.t("担当", "Owner")) " " input type="text" name="owner"; }
                    " " label { (lang.t("期限", "Due")) " * " input type="date" name="due_on" required; }
                    label { (lang.t("結果の評価方法", "How the result is evaluated")) " " input type="text" name="evaluation"; }
                    div.actions { button type="submit" { (lang.t("計画を追加", "Add plan")) } }
                }
            }
        }
        @if r.may_edit {
            section #risk-edit {
                h2 { (lang.t("分析・評価を更新", "Update the analysis and evaluation")) }
                (risk_form(lang, csrf, &r, &format!("/risk/risks/{}", x.id), Some(x)))
                form.inline method="post" action={ "/risk/risks/" (x.id) "/delete" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button.danger type="submit" { (lang.t("このリスクと対応計画を削除", "Remove this risk and its plans")) }
                }
            }
        }
    };
    (
        status_for(err),
        page(lang, &x.input.title, Some(a), Nav::None, body),
    )
        .into_response()
}

pub async fn risk(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    risk_page(&s, &a, lang, &id, None).await
}

pub async fn update_risk(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    match s.app.save_risk(&a.actor, Some(&id), risk_input(&v)).await {
        Ok(_) => Redirect::to(&format!("/risk/risks/{id}")).into_response(),
        Err(e @ (AppError::Forbidden { .. } | AppError::NotFound)) => {
            error_page(lang, Some(&a), &e)
        }
        Err(e) => risk_page(&s, &a, lang, &id, Some(&e)).await,
    }
}

pub async fn delete_risk(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let fut = async { s.app.delete_risk_entry(&a.actor, &id).await };
    after(&s, &a, lang, &v, fut).await
}

/// A service's or asset's name, linking to its edit page for those who may change it.
fn entry_link(may_edit: bool, id: &str, name: &str) -> Markup {
    html! {
        @if may_edit { a href={ "/risk/entries/" (id) } { (name) } } @else { (name) }
    }
}

/// The service form (new, or editing `x`).
fn service_form(lang: Lang, csrf: &str, action: &str, x: Option<&ServiceView>) -> Markup {
    let d = x.map(|x| x.input.clone()).unwrap_or_default();
    html! {
        form.service-form id=[x.is_none().then_some("service-form")] method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            label { (lang.t("サービス名", "Service")) " * " input type="text" name="name" value=(d.name) required; }
            label { (lang.t("概要", "Description")) textarea name="description" rows="2" { (d.description) } }
            label { (lang.t("業務（1行に1つ）", "Operations (one per line)")) textarea name="operations" rows="2" { (d.operations.join("\n")) } }
            label { (lang.t("許容復旧時間（時間）", "Tolerable recovery time (hours)")) " " input type="number" name="recovery_time_hours" min="0" value=(d.recovery_time_hours.map(|h| h.to_string()).unwrap_or_default()); }
            div.actions { button type="submit" { (if x.is_some() { lang.t("保存", "Save") } else { lang.t("サービスを追加", "Add service") }) } }
        }
    }
}

fn service_input(v: &Values) -> ServiceInput {
    ServiceInput {
        name: v.get("name").into(),
        description: v.get("description").into(),
        operations: lines(v.get("operations")),
        recovery_time_hours: v.get("recovery_time_hours").trim().parse().ok(),
    }
}

/// The asset form (new, or editing `x`).
fn asset_form(
    lang: Lang,
    csrf: &str,
    r: &RegisterView,
    action: &str,
    x: Option<&AssetView>,
) -> Markup {
    let d = x.map(|x| x.input.clone()).unwrap_or_default();
    let c = &r.criteria;
    html! {
        form.asset-form id=[x.is_none().then_some("asset-form")] method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            label { (lang.t("資産名", "Asset")) " * " input type="text" name="name" value=(d.name) required; }
            label { (lang.t("種別", "Kind")) " " select name="kind" { @for k in AssetKind::ALL { option value=(k.code()) selected[d.kind == k.code()] { (lang.t(k.label_ja(), k.label_en())) } } } }
            " " label { (lang.t("重要度", "Importance")) " (1–" (c.impact_levels) ") " input type="number" name="importance" min="1" max=(c.impact_levels) value=(d.importance.max(1)); " " span.muted translate="no" { (scale_hint(&c.impact_labels)) } }
            label { (lang.t("製品・型番（1行に1つ）", "Products (one per line)")) textarea name="products" rows="2" { (d.products.join("\n")) } }
            label { (lang.t("支える業務（1行に1つ）", "Operations it supports (one per line)")) textarea name="operations" rows="2" { (d.operations.join("\n")) } }
            label { (lang.t("管理者", "Owner")) " " input type="text" name="owner" value=(d.owner); }
            " " label { (lang.t("所在（海外拠点・クラウド・委託先等）", "Location (overseas base, cloud, contractor…)")) " " input type="text" name="location" value=(d.location); }
            @if !r.services.is_empty() {
                fieldset { legend { (lang.t("支えるサービス", "Services it supports")) }
                    @for s in &r.services { label.check { input type="checkbox" name="services" value=(s.id) checked[d.services.contains(&s.id)]; " " span translate="no" { (s.input.name) } } } }
            }
            div.actions { button type="submit" { (if x.is_some() { lang.t("保存", "Save") } else { lang.t("資産を追加", "Add asset") }) } }
        }
    }
}

fn asset_input(v: &Values) -> AssetInput {
    AssetInput {
        name: v.get("name").into(),
        kind: v.get("kind").into(),
        importance: num(v.get("importance")).unwrap_or(0),
        products: lines(v.get("products")),
        services: v.all("services").map(str::to_owned).collect(),
        operations: lines(v.get("operations")),
        owner: v.get("owner").into(),
        location: v.get("location").into(),
    }
}

/// A service or asset of the scope, to change or remove (editors).
async fn entry_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &str,
    err: Option<&AppError>,
) -> Response {
    let r: RegisterView = match s.app.risk_register(&a.actor).await {
        Ok(r) => r.into_inner(),
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let csrf = a.csrf();
    let action = format!("/risk/entries/{id}");
    let (title, form) = if let Some(x) = r.services.iter().find(|x| x.id == id) {
        (
            x.input.name.clone(),
            service_form(lang, csrf, &action, Some(x)),
        )
    } else if let Some(x) = r.assets.iter().find(|x| x.id == id) {
        (
            x.input.name.clone(),
            asset_form(lang, csrf, &r, &action, Some(x)),
        )
    } else {
        return error_page(lang, Some(a), &AppError::NotFound);
    };
    let body = html! {
        p { a href="/risk" { (lang.t("← リスク管理", "← Risk management")) } }
        h1 { (title) }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if r.may_edit {
            (form)
            form.inline method="post" action={ "/risk/entries/" (id) "/delete" } {
                input type="hidden" name="csrf" value=(csrf);
                button.danger type="submit" { (lang.t("削除", "Remove")) }
            }
        }
    };
    (
        status_for(err),
        page(lang, &title, Some(a), Nav::None, body),
    )
        .into_response()
}

pub async fn entry(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    entry_page(&s, &a, lang, &id, None).await
}

pub async fn update_entry(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    let is_service = match s.app.risk_register(&a.actor).await {
        Ok(r) => r.get().services.iter().any(|x| x.id == id),
        Err(e) => return error_page(lang, Some(&a), &e),
    };
    let saved = if is_service {
        s.app
            .save_risk_service(&a.actor, Some(&id), service_input(&v))
            .await
    } else {
        s.app
            .save_risk_asset(&a.actor, Some(&id), asset_input(&v))
            .await
    };
    match saved {
        Ok(_) => Redirect::to("/risk").into_response(),
        Err(e @ (AppError::Forbidden { .. } | AppError::NotFound)) => {
            error_page(lang, Some(&a), &e)
        }
        Err(e) => entry_page(&s, &a, lang, &id, Some(&e)).await,
    }
}

pub async fn delete_entry(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let fut = async { s.app.delete_risk_entry(&a.actor, &id).await };
    after(&s, &a, lang, &v, fut).await
}

async fn register_page(s: &AppState, a: &Authed, lang: Lang, err: Option<&AppError>) -> Response {
    let r: RegisterView = match s.app.risk_register(&a.actor).await {
        Ok(r) => r.into_inner(),
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let csrf = a.csrf();
    let title = lang.t("リスク管理", "Risk management");
    let c = &r.criteria;
    let name_of = |id: &str| -> String {
        r.services
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.input.name.clone())
            .or_else(|| {
                r.assets
                    .iter()
                    .find(|x| x.id == id)
                    .map(|x| x.input.name.clone())
            })
            .unwrap_or_default()
    };
    let body = html! {
        h1 { (title) }
        p.muted { (lang.t(
            "手引書 5.1 の手順（対象の特定 → リスク特定 → リスク分析 → リスク評価）とリスク対応計画です。登録簿は自組織の職員（秘密保持契約下の委託先を含む）だけが閲覧します。",
            "The steps of handbook 5.1 (scope → identification → analysis → evaluation) and treatment plans. Only your organisation's people (contractors under NDA included) read the register."
        )) }
        p { a href="/continuity" { (lang.t("事業継続計画（CP/BCP）へ →", "Continuity plans (CP/BCP) →")) } }
        @if let Some(e) = err { (err_box(lang, e)) }

        section #risk-criteria {
            h2 { (lang.t("リスク基準", "Risk criteria")) }
            p {
                (lang.t("発生可能性", "Likelihood")) " " (c.likelihood_levels) (lang.t("段階 × 影響度 ", " levels × impact "))
                (c.impact_levels) (lang.t("段階 × 脆弱性 ", " levels × vulnerability ")) (c.vulnerability_levels)
                (lang.t("段階。基準値 ", " levels. Threshold ")) strong #risk-threshold { (c.threshold) }
                (lang.t("（最大 ", " (max ")) (r.max_level) (lang.t("）", ")"))
            }
            @if !r.criteria_set {
                p.muted #criteria-template { (lang.t(
                    "手引書は尺度を定めていません。IPAの分析ガイドに倣った3段階の仮の基準を表示しています。自組織の基準を設定してください。",
                    "The handbook fixes no scale. A provisional three-level template in the style of the IPA guide is shown; set your own."
                )) }
            }
            @if r.may_edit {
                form #criteria-form method="post" action="/risk/criteria" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { (lang.t("発生可能性の段階数", "Likelihood levels")) " " input type="number" name="likelihood_levels" min="1" max="10" value=(c.likelihood_levels); }
                    " " label { (lang.t("影響度の段階数", "Impact levels")) " " input type="number" name="impact_levels" min="1" max="10" value=(c.impact_levels); }
                    " " label { (lang.t("脆弱性の段階数（1で不使用）", "Vulnerability levels (1: not used)")) " " input type="number" name="vulnerability_levels" min="1" max="10" value=(c.vulnerability_levels); }
                    " " label { (lang.t("基準値", "Threshold")) " " input type="number" name="threshold" min="1" value=(c.threshold); }
                    p.muted { (lang.t("段階の名称（任意。低い順に読点区切りで、段階数と同じ数）", "Level names (optional; lowest first, comma-separated, one per level)")) }
                    label { (lang.t("発生可能性", "Likelihood")) " " input type="text" name="likelihood_labels" value=(c.likelihood_labels.join("、")); }
                    " " label { (lang.t("影響度", "Impact")) " " input type="text" name="impact_labels" value=(c.impact_labels.join("、")); }
                    " " label { (lang.t("脆弱性", "Vulnerability")) " " input type="text" name="vulnerability_labels" value=(c.vulnerability_labels.join("、")); }
                    div.actions { button type="submit" { (lang.t("基準を保存", "Save criteria")) } }
                }
            }
        }

        section #risk-services {
            h2 { (lang.t("対象の特定：重要インフラサービスと業務", "Scope: CI services and operations")) }
            @if r.services.is_empty() { p.muted { (lang.t("まだありません。", "None yet.")) } }
            @else {
                table.list { thead { tr { th { (lang.t("サービス", "Service")) } th { (lang.t("業務", "Operations")) } th { (lang.t("許容復旧時間", "Tolerable recovery")) } } }
                    tbody { @for x in &r.services { tr {
                        td translate="no" { (entry_link(r.may_edit, &x.id, &x.input.name)) } td translate="no" { (x.input.operations.join(lang.t("、", ", "))) }
                        td { @if let Some(h) = x.input.recovery_time_hours { (h) (lang.t("時間", " h")) } }
                    } } } }
            }
            @if r.may_edit {
                (service_form(lang, csrf, "/risk/services", None))
            }
        }

        section #risk-assets {
            h2 { (lang.t("経営資源（資産）", "Resources (assets)")) }
            @if r.assets.is_empty() { p.muted { (lang.t("まだありません。", "None yet.")) } }
            @else {
                table.list { thead { tr { th { (lang.t("資産", "Asset")) } th { (lang.t("種別", "Kind")) } th { (lang.t("重要度", "Importance")) } th { (lang.t("製品", "Products")) } th { (lang.t("サービス", "Services")) } } }
                    tbody { @for x in &r.assets { tr {
                        td translate="no" { (entry_link(r.may_edit, &x.id, &x.input.name)) } td { (lang.t(x.kind_label_ja, x.kind_label_en)) } td { (x.input.importance) }
                        td translate="no" { (x.input.products.join(", ")) }
                        td translate="no" { (x.input.services.iter().map(|i| name_of(i)).collect::<Vec<_>>().join(lang.t("、", ", "))) }
                    } } } }
            }
            @if r.may_edit {
                (asset_form(lang, csrf, &r, "/risk/assets", None))
            }
        }

        section #risk-risks {
            h2 { (lang.t("リスクの特定・分析・評価", "Risks: identification, analysis, evaluation")) }
            @if r.risks.is_empty() { p.muted { (lang.t("まだありません。", "None yet.")) } }
            @else {
                table.list #risks { thead { tr { th { (lang.t("リスク", "Risk")) } th { (lang.t("種類", "Category")) } th { (lang.t("手法", "Method")) } th { (lang.t("リスク値", "Level")) } th { (lang.t("状況", "State")) } } }
                    tbody { @for x in &r.risks { tr id={ "risk-" (x.id) } {
                        td translate="no" { a href={ "/risk/risks/" (x.id) } { (x.input.title) }
                            @if !x.input.assets.is_empty() { br; span.muted { (x.input.assets.iter().map(|i| name_of(i)).collect::<Vec<_>>().join(lang.t("、", ", "))) } }
                            @if let Some(f) = &x.reassess {
                                br; span.badge.reassess { (lang.t("要再評価", "Reassess")) } " "
                                a href={ "/provisions/" (f.provision) } { (lang.t("情報提供 ", "Provision ")) (f.provision_ident) }
                                " " span.muted { (lang.t("（一致：", "(matched: ")) span translate="no" { (f.matched) } (lang.t("）", ")")) }
                                @if r.may_edit {
                                    form.inline method="post" action={ "/risk/risks/" (x.id) "/reassessed" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" { (lang.t("再評価済みにする", "Mark reassessed")) }
                                    }
                                }
                            }
                        }
                        td { (x.input.categories.iter().filter_map(|c| ThreatCategory::from_code(c)).map(|c| lang.t(c.label_ja(), c.label_en())).collect::<Vec<_>>().join(lang.t("、", ", ")))
                            @if let Some(t) = SupplyChainThreat::from_code(&x.input.supply_chain_threat) { br; span.muted { (lang.t(t.label_ja(), t.label_en())) } } }
                        td { @if let Some(m) = AnalysisMethod::from_code(&x.input.method) { (lang.t(m.label_ja(), m.label_en())) } }
                        td { (level_cell(lang, c.threshold, x)) }
                        td { (state_badge(lang, x.state)) }
                    } } } }
            }
            @if r.may_edit {
                h3 { (lang.t("リスクを追加", "Add a risk")) }
                (risk_form(lang, csrf, &r, "/risk/risks", None))
            }
        }

        section #risk-treatments {
            h2 { (lang.t("リスク対応計画", "Treatment plans")) }
            @if r.treatments.is_empty() { p.muted { (lang.t("まだありません。", "None yet.")) } }
            @else {
                table.list #treatments { thead { tr { th { (lang.t("対応内容", "Action")) } th { (lang.t("リスク", "Risk")) } th { (lang.t("担当", "Owner")) } th { (lang.t("期限", "Due")) } th { (lang.t("状況", "Status")) } } }
                    tbody { @for t in &r.treatments { tr {
                        td translate="no" { (t.action) } td translate="no" { (t.risk_title) } td translate="no" { (t.owner) }
                        td { (t.due_on.format("%Y-%m-%d").to_string()) " " (due_badge(lang, t.due_state)) }
                        td { (treatment_status(lang, csrf, r.may_edit, t)) }
                    } } } }
            }
            @if r.may_edit && !r.risks.is_empty() {
                form #treatment-form method="post" action="/risk/treatments" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { (lang.t("リスク", "Risk")) " " select name="risk" { @for x in &r.risks { option value=(x.id) translate="no" { (x.input.title) } } } }
                    label { (lang.t("対応内容", "Action")) " * " textarea name="action" rows="2" required {} }
                    label { (lang.t("担当", "Owner")) " " input type="text" name="owner"; }
                    " " label { (lang.t("期限", "Due")) " * " input type="date" name="due_on" required; }
                    label { (lang.t("目標とする状態", "Target state")) textarea name="target_state" rows="2" {} }
                    label { (lang.t("結果の評価方法", "How the result is evaluated")) " " input type="text" name="evaluation"; }
                    div.actions { button type="submit" { (lang.t("計画を追加", "Add plan")) } }
                }
            }
        }
    };
    (status_for(err), page(lang, title, Some(a), Nav::None, body)).into_response()
}

pub async fn register(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    register_page(&s, &a, lang, None).await
}

/// Checks the CSRF token, runs `f`, and answers the register again (with the error on failure).
async fn after<F>(s: &AppState, a: &Authed, lang: Lang, v: &Values, f: F) -> Response
where
    F: std::future::Future<Output = Result<(), AppError>>,
{
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(a), &e);
    }
    match f.await {
        Ok(()) => {
            // Back to the risk page the form was on, when it was one (a local path only).
            let back = v.get("back");
            let back = match back.strip_prefix("/risk/risks/") {
                Some(id)
                    if !id.is_empty()
                        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
                {
                    back
                }
                _ => "/risk",
            };
            Redirect::to(back).into_response()
        }
        Err(e @ (AppError::Forbidden { .. } | AppError::NotFound)) => error_page(lang, Some(a), &e),
        Err(e) => register_page(s, a, lang, Some(&e)).await,
    }
}

pub async fn criteria(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let input = kakehashi_domain::risk::RiskCriteria {
        likelihood_levels: num(v.get("likelihood_levels")).unwrap_or(0),
        impact_levels: num(v.get("impact_levels")).unwrap_or(0),
        vulnerability_levels: num(v.get("vulnerability_levels")).unwrap_or(0),
        threshold: v.get("threshold").trim().parse().unwrap_or(0),
        likelihood_labels: names(v.get("likelihood_labels")),
        impact_labels: names(v.get("impact_labels")),
        vulnerability_labels: names(v.get("vulnerability_labels")),
    };
    let fut = async { s.app.set_risk_criteria(&a.actor, input).await.map(|_| ()) };
    after(&s, &a, lang, &v, fut).await
}

pub async fn add_service(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let input = service_input(&v);
    let fut = async {
        s.app
            .save_risk_service(&a.actor, None, input)
            .await
            .map(|_| ())
    };
    after(&s, &a, lang, &v, fut).await
}

pub async fn add_asset(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let input = asset_input(&v);
    let fut = async {
        s.app
            .save_risk_asset(&a.actor, None, input)
            .await
            .map(|_| ())
    };
    after(&s, &a, lang, &v, fut).await
}

pub async fn add_risk(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let input = risk_input(&v);
    let fut = async { s.app.save_risk(&a.actor, None, input).await.map(|_| ()) };
    after(&s, &a, lang, &v, fut).await
}

pub async fn reassessed(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let fut = async { s.app.mark_risk_reassessed(&a.actor, &id).await };
    after(&s, &a, lang, &v, fut).await
}

pub async fn add_treatment(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let input = TreatmentInput {
        risk: v.get("risk").into(),
        action: v.get("action").into(),
        target_state: v.get("target_state").into(),
        owner: v.get("owner").into(),
        due_on: v.get("due_on").into(),
        status: String::new(),
        evaluation: v.get("evaluation").into(),
    };
    let fut = async {
        s.app
            .save_risk_treatment(&a.actor, None, input)
            .await
            .map(|_| ())
    };
    after(&s, &a, lang, &v, fut).await
}

pub async fn treatment_move(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let to = v.get("status").to_owned();
    let fut = async {
        let r = s.app.risk_register(&a.actor).await?.into_inner();
        let t = r
            .treatments
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(AppError::NotFound)?;
        let input = TreatmentInput {
            risk: t.risk,
            action: t.action,
            target_state: t.target_state,
            owner: t.owner,
            due_on: t.due_on.format("%Y-%m-%d").to_string(),
            status: to,
            evaluation: t.evaluation,
        };
        s.app
            .save_risk_treatment(&a.actor, Some(&id), input)
            .await
            .map(|_| ())
    };
    after(&s, &a, lang, &v, fut).await
}

// --- continuity plans ---------------------------------------------------------------------

fn plan_status_badge(lang: Lang, s: PlanStatus) -> Markup {
    html! { span class={ "badge plan-" (s.code()) } { (lang.t(s.label_ja(), s.label_en())) } }
}

/// The plan form (new, or editing `p`). Cut-off points are `point | decision-maker |
/// criteria` per line, channels `channel | fallback`.
fn plan_form(
    lang: Lang,
    a: &Authed,
    action: &str,
    p: Option<&PlanView>,
    plans: &[PlanView],
) -> Markup {
    let input = p.map(|p| p.input.clone()).unwrap_or_default();
    let cut = input
        .cutoff_points
        .iter()
        .map(|c| format!("{} | {} | {}", c.point, c.decision_maker, c.criteria))
        .collect::<Vec<_>>()
        .join("\n");
    let ch = input
        .channels
        .iter()
        .map(|c| format!("{} | {}", c.channel, c.fallback))
        .collect::<Vec<_>>()
        .join("\n");
    html! {
        form #plan-form method="post" action=(action) {
            input type="hidden" name="csrf" value=(a.csrf());
            label { (lang.t("種別", "Kind")) " " select name="kind" {
                @for k in PlanKind::ALL { option value=(k.code()) selected[input.kind == k.code()] { (lang.t(k.label_ja(), k.label_en())) } } } }
            label { (lang.t("計画名", "Title")) " * " input type="text" name="title" value=(input.title) required; }
            label { (lang.t("対象範囲", "Scope")) textarea name="scope" rows="2" { (input.scope) } }
            label { (lang.t("発動基準", "Activation criteria")) textarea name="activation_criteria" rows="3" { (input.activation_criteria) } }
            label { (lang.t("引継ぎ先（IT-BCP・CP → BCP）", "Hands over to (IT-BCP / CP → BCP)")) " " select name="hands_over_to" {
                option value="" { (lang.t("（なし）", "(none)")) }
                @for q in plans.iter().filter(|q| q.kind == PlanKind::Bcp && Some(&q.id) != p.map(|p| &p.id)) {
                    option value=(q.id) selected[input.hands_over_to == q.id] translate="no" { (q.input.title) } } } }
            label { (lang.t("引継ぎ基準", "Hand-over criteria")) textarea name="handover_criteria" rows="2" { (input.handover_criteria) } }
            label { (lang.t("遮断・停止ポイント（1行に「ポイント | 判断責任者 | 判断材料」）", "Cut-off points (one per line: point | decision-maker | decision information)"))
                textarea name="cutoff_points" rows="3" { (cut) } }
            label { (lang.t("情報共有手段（1行に「手段 | 手動の代替手段」）", "Communication channels (one per line: channel | manual fallback)"))
                textarea name="channels" rows="3" { (ch) } }
            label { (lang.t("見直し予定日", "Next review")) " " input type="date" name="review_on" value=(input.review_on); }
            div.actions { button type="submit" { (lang.t("保存", "Save")) } }
        }
    }
}

fn plan_input(v: &Values) -> PlanInput {
    let split = |l: &str, n: usize| -> Vec<String> {
        let mut parts: Vec<String> = l.splitn(n, '|').map(|x| x.trim().to_owned()).collect();
        parts.resize(n, String::new());
        parts
    };
    PlanInput {
        kind: v.get("kind").into(),
        title: v.get("title").into(),
        scope: v.get("scope").into(),
        activation_criteria: v.get("activation_criteria").into(),
        hands_over_to: v.get("hands_over_to").into(),
        handover_criteria: v.get("handover_criteria").into(),
        cutoff_points: lines(v.get("cutoff_points"))
            .iter()
            .map(|l| {
                let p = split(l, 3);
                CutoffPoint {
                    point: p[0].clone(),
                    decision_maker: p[1].clone(),
                    criteria: p[2].clone(),
                }
            })
            .collect(),
        channels: lines(v.get("channels"))
            .iter()
            .map(|l| {
                let p = split(l, 2);
                Channel {
                    channel: p[0].clone(),
                    fallback: p[1].clone(),
                }
            })
            .collect(),
        review_on: v.get("review_on").into(),
    }
}

async fn plans_page(s: &AppState, a: &Authed, lang: Lang, err: Option<&AppError>) -> Response {
    let plans = match s.app.continuity_plans(&a.actor).await {
        Ok(p) => p.into_inner(),
        Err(e) => return error_page(lang, Some(a), &e),
    };
    let may_edit = kakehashi_app::risk::may_edit_risk(&a.actor);
    let title = lang.t("事業継続計画", "Continuity plans");
    let body = html! {
        h1 { (title) }
        p.muted { (lang.t(
            "コンティンジェンシープラン（CP）、事業継続計画（BCP）、IT-BCP、事業復旧計画を、手引書の別紙（サイバー攻撃リスクの特性並びに対応及び対策の考慮事項）のチェックリストで確認します。",
            "Contingency plans (CP), business continuity plans (BCP), IT-BCPs and business recovery plans, checked against the handbook annex's checklist of cyber-attack characteristics."
        )) }
        p { a href="/risk" { (lang.t("← リスク管理", "← Risk management")) } }
        @if let Some(e) = err { (err_box(lang, e)) }
        @if plans.is_empty() { p.muted #plans-empty { (lang.t("まだありません。", "None yet.")) } }
        @else {
            table.list #plans { thead { tr { th { (lang.t("計画", "Plan")) } th { (lang.t("種別", "Kind")) } th { (lang.t("状態", "Status")) } th { (lang.t("チェック", "Checklist")) } th { (lang.t("見直し予定", "Review")) } } }
                tbody { @for p in &plans { tr {
                    td translate="no" { a href={ "/continuity/plans/" (p.id) } { (p.input.title) } }
                    td { (lang.t(p.kind_label_ja, p.kind_label_en)) }
                    td { (plan_status_badge(lang, p.status)) }
                    td { (lang.t("適合 ", "pass ")) (p.summary.pass) " / " (lang.t("不適合 ", "fail ")) (p.summary.fail) " / " (lang.t("未確認 ", "unchecked ")) (p.summary.unchecked) }
                    td { (p.input.review_on) " " @if let Some(d) = p.review_state { (due_badge(lang, d)) } }
                } } } }
        }
        @if may_edit {
            h2 { (lang.t("計画を作成", "New plan")) }
            (plan_form(lang, a, "/continuity/plans", None, &plans))
        }
    };
    (status_for(err), page(lang, title, Some(a), Nav::None, body)).into_response()
}

pub async fn plans(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    plans_page(&s, &a, lang, None).await
}

pub async fn create_plan(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(&a), &e);
    }
    match s
        .app
        .save_continuity_plan(&a.actor, None, plan_input(&v))
        .await
    {
        Ok(id) => Redirect::to(&format!("/continuity/plans/{id}")).into_response(),
        Err(e @ AppError::Forbidden { .. }) => error_page(lang, Some(&a), &e),
        Err(e) => plans_page(&s, &a, lang, Some(&e)).await,
    }
}

async fn plan_page(
    s: &AppState,
    a: &Authed,
    lang: Lang,
    id: &str,
    err: Option<&AppError>,
) -> Response {
    let (p, all) = match (
        s.app.continuity_plan(&a.actor, id).await,
        s.app.continuity_plans(&a.actor).await,
    ) {
        (Ok(p), Ok(all)) => (p.into_inner(), all.into_inner()),
        (Err(e), _) | (_, Err(e)) => return error_page(lang, Some(a), &e),
    };
    let csrf = a.csrf();
    let reference = kakehashi_reference::risk_reference();
    let body = html! {
        p { a href="/continuity" { (lang.t("← 事業継続計画", "← Continuity plans")) } }
        h1 translate="no" { (p.input.title) }
        @if let Some(e) = err { (err_box(lang, e)) }
        dl #plan {
            dt { (lang.t("種別", "Kind")) } dd { (lang.t(p.kind_label_ja, p.kind_label_en)) }
            dt { (lang.t("状態", "Status")) } dd #plan-status { (plan_status_badge(lang, p.status)) }
            dt { (lang.t("発動基準", "Activation criteria")) } dd translate="no" { (p.input.activation_criteria) }
            @if let Some(t) = &p.hands_over_to_title {
                dt { (lang.t("引継ぎ先", "Hands over to")) } dd translate="no" { (t) " — " (p.input.handover_criteria) }
            }
            dt { (lang.t("遮断・停止ポイント", "Cut-off points")) }
            dd { ul { @for c in &p.input.cutoff_points { li { span translate="no" { (c.point) } " — " (lang.t("判断責任者：", "decides: ")) span translate="no" { (c.decision_maker) } @if !c.criteria.is_empty() { " (" span translate="no" { (c.criteria) } ")" } } } } }
            dt { (lang.t("情報共有手段", "Communication channels")) }
            dd { ul { @for c in &p.input.channels { li { span translate="no" { (c.channel) } " → " (lang.t("代替：", "fallback: ")) span translate="no" { (c.fallback) } } } } }
            dt { (lang.t("見直し予定日", "Next review")) } dd { (p.input.review_on) " " @if let Some(d) = p.review_state { (due_badge(lang, d)) } }
        }
        @if !p.approval_gaps.is_empty() && p.status == PlanStatus::Draft {
            p.muted #approval-gaps { (lang.t("承認の前に整えるもの：", "Before approval, complete: ")) (p.approval_gaps.iter().map(|g| { let (ja, en) = kakehashi_domain::continuity::approval_gap_label(g); lang.t(ja, en) }).collect::<Vec<_>>().join(lang.t("、", "; "))) }
        }
        @if p.may_edit {
            div.actions {
                @for (to, ja, en) in [(PlanStatus::Approved, "承認する", "Approve"), (PlanStatus::Draft, "改訂する（作成中に戻す）", "Revise (back to draft)"), (PlanStatus::Retired, "廃止する", "Retire")] {
                    @if kakehashi_domain::continuity::may_move_plan(p.status, to) && (to != PlanStatus::Approved || p.may_approve) {
                        form.inline method="post" action={ "/continuity/plans/" (p.id) "/status" } {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="status" value=(to.code());
                            button type="submit" { (lang.t(ja, en)) }
                        }
                    }
                }
            }
        }
        section #checklist {
            h2 { (lang.t("別紙チェックリスト", "Annex checklist")) }
            p { (lang.t("適合 ", "Pass ")) (p.summary.pass) " / " (lang.t("不適合 ", "Fail ")) (p.summary.fail) " / " (lang.t("未確認 ", "Not checked ")) (p.summary.unchecked) }
            form #checklist-form method="post" action={ "/continuity/plans/" (p.id) "/checklist" } {
                input type="hidden" name="csrf" value=(csrf);
                @for ch in &reference.cp_bcp_characteristics {
                    h3 { (lang.t("特性", "Characteristic ")) (ch.number) " " (lang.t(&ch.name_ja, &ch.name_en)) }
                    p.muted { (lang.t("ポイント：", "Point: ")) (lang.t(&ch.point_ja, &ch.point_en)) }
                    @for row in p.checklist.iter().filter(|r| r.characteristic == ch.number) {
                        fieldset.check-item id={ "item-" (row.item) } {
                            legend { (row.item) " " (lang.t(&row.title_ja, &row.title_en)) }
                            details { summary { (lang.t("別紙の記載", "The annex's wording")) " (L" (row.seed_lines) ")" } p lang="ja" { (row.text_ja) } }
                            @for r in CheckResult::ALL {
                                label.check { input type="radio" name={ "result_" (row.item) } value=(r.code()) checked[row.result == *r] disabled[!p.may_edit]; " " (lang.t(r.label_ja(), r.label_en())) }
                            }
                            label { (lang.t("所見", "Notes")) " " input type="text" name={ "notes_" (row.item) } value=(row.notes) disabled[!p.may_edit]; }
                        }
                    }
                }
                @if p.may_edit { div.actions { button type="submit" { (lang.t("チェック結果を保存", "Save checklist")) } } }
            }
        }
        @if p.may_edit {
            section { h2 { (lang.t("計画を編集", "Edit plan")) } (plan_form(lang, a, &format!("/continuity/plans/{}", p.id), Some(&p), &all)) }
        }
    };
    (
        status_for(err),
        page(lang, &p.input.title, Some(a), Nav::None, body),
    )
        .into_response()
}

pub async fn plan(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    plan_page(&s, &a, lang, &id, None).await
}

async fn plan_after<F>(s: &AppState, a: &Authed, lang: Lang, id: &str, v: &Values, f: F) -> Response
where
    F: std::future::Future<Output = Result<(), AppError>>,
{
    if let Err(e) = a.check_csrf(v.get("csrf")) {
        return error_page(lang, Some(a), &e);
    }
    match f.await {
        Ok(()) => Redirect::to(&format!("/continuity/plans/{id}")).into_response(),
        Err(e @ (AppError::Forbidden { .. } | AppError::NotFound)) => error_page(lang, Some(a), &e),
        Err(e) => plan_page(s, a, lang, id, Some(&e)).await,
    }
}

pub async fn update_plan(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let fut = async {
        s.app
            .save_continuity_plan(&a.actor, Some(&id), plan_input(&v))
            .await
            .map(|_| ())
    };
    plan_after(&s, &a, lang, &id, &v, fut).await
}

pub async fn checklist(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let answers = kakehashi_reference::risk_reference()
        .cp_bcp_checklist
        .iter()
        .filter(|i| !v.get(&format!("result_{}", i.id)).is_empty())
        .map(|i| ChecklistAnswer {
            item: i.id.clone(),
            result: v.get(&format!("result_{}", i.id)).into(),
            notes: v.get(&format!("notes_{}", i.id)).into(),
        })
        .collect();
    let fut = async {
        s.app
            .set_plan_checklist(&a.actor, &id, ChecklistInput { answers })
            .await
    };
    plan_after(&s, &a, lang, &id, &v, fut).await
}

pub async fn plan_status(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(id): Path<String>,
    Form(p): Form<Vec<(String, String)>>,
) -> Response {
    let v = Values(p);
    let input = PlanStatusInput {
        status: v.get("status").into(),
    };
    let fut = async { s.app.set_plan_status(&a.actor, &id, input).await };
    plan_after(&s, &a, lang, &id, &v, fut).await
}
