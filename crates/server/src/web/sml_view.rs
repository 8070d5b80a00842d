//! ⑥サービス維持レベル逸脱の有無 on screen: the evaluation of the named service with the rule
//! and the laws it cites, the override and the value the form states. The editor keeps it
//! current (`/liaison/sml-preview`, like the route preview); a stored form shows it too.

use super::form_parse::{parse, Values};
use crate::auth::WebAuth;
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Response};
use kakehashi_app::taxonomy::RefTaxonomy;
use kakehashi_domain::liaison::sml::{self, measure_label, SmlBasis, SmlOutcome};
use kakehashi_domain::liaison::ImpactBlock;
use kakehashi_reference::Reference;
use maud::{html, Markup};

fn yes_no(lang: Lang, v: Option<bool>) -> &'static str {
    match v {
        Some(true) => lang.t("有", "Yes"),
        Some(false) => lang.t("無", "No"),
        None => lang.t("空欄（判断できません）", "Blank (cannot be judged)"),
    }
}

/// The evaluation box for an impact block: what the service's level says, the outcome, the rule
/// met, the citations, what is missing, the override and the resulting ⑥ value.
pub fn sml_box(lang: Lang, reference: &Reference, impact: &ImpactBlock) -> Markup {
    let tax = RefTaxonomy(reference);
    let named = impact
        .service
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let service = named.and_then(|id| reference.service(id));
    let evaluation = sml::evaluate_impact(impact, &tax);
    let derived = sml::derive(impact, evaluation.as_ref());
    html! {
        div.sml-eval data-outcome=[evaluation.as_ref().map(|e| outcome_code(e.outcome))]
            data-derived=(derived.map(|b| b.to_string()).unwrap_or_default()) {
            @match (&service, &evaluation) {
                (Some((sector, s)), Some(e)) => {
                    div {
                        strong { (lang.t("判定", "Evaluation")) } (lang.t("：", ": "))
                        span.badge.sml-outcome { (lang.t(e.outcome.label_ja(), e.outcome.label_en())) }
                        " " span.muted.small { "(" (lang.t(&sector.name_ja, &sector.name_en)) " / " (lang.t(&s.name_ja, &s.name_en)) ")" }
                    }
                    div.small {
                        @match &e.basis {
                            SmlBasis::Numeric { rule_ja: Some(rule), .. } => {
                                (lang.t("該当した基準", "Rule met")) (lang.t("：", ": ")) (rule)
                            }
                            SmlBasis::Numeric { .. } => {
                                (lang.t("サービス維持レベル", "Maintenance level")) (lang.t("：", ": ")) (lang.t(&e.level_ja, &e.level_en))
                            }
                            SmlBasis::Default => {
                                (lang.t("数値基準なし（別紙２ 注２）", "No numeric criteria (Annex 2, note 2)")) (lang.t("：", ": ")) (lang.t(&e.level_ja, &e.level_en))
                            }
                        }
                    }
                    @if !e.missing.is_empty() {
                        div.small {
                            (lang.t("判定に必要な指標", "Figures needed")) (lang.t("：", ": "))
                            @for (i, m) in e.missing.iter().enumerate() {
                                @if i > 0 { (lang.t("、", ", ")) }
                                @let (ja, en) = measure_label(m);
                                (lang.t(ja, en))
                            }
                        }
                    }
                    @if !e.citations.is_empty() {
                        div.small.sml-citations {
                            (lang.t("根拠法令等", "Legal basis")) (lang.t("：", ": "))
                            @for (i, c) in e.citations.iter().enumerate() {
                                @if i > 0 { (lang.t("、", "; ")) }
                                cite { (lang.t(&c.ja, &c.en)) }
                            }
                            " " span.muted { "(" (lang.t("行動計画 別紙２", "Action Plan Annex 2")) ")" }
                        }
                    }
                }
                _ => {
                    div.muted.small { (lang.t(
                        "影響を受けたサービスを選ぶと、サービス維持レベルに照らした判定と根拠法令を表示します。",
                        "Choose the affected service to see the evaluation against its maintenance level and the legal basis.")) }
                }
            }
            @if let Some(o) = &impact.sml_override {
                div.small.sml-override {
                    strong { (lang.t("報告者による上書き", "Overridden by the reporter")) }
                    (lang.t("：", ": ")) (yes_no(lang, Some(o.deviation)))
                    @if !o.reason.trim().is_empty() {
                        " — " (lang.t("理由", "Reason")) (lang.t("：", ": ")) (o.reason)
                    }
                }
            }
            div {
                strong { (lang.t("⑥サービス維持レベル逸脱の有無", "⑥ Deviation from the service maintenance level")) }
                (lang.t("：", ": ")) output.sml-derived { (yes_no(lang, derived)) }
                " " span.muted.small { (lang.t("（サービスと指標から導出）", "(derived from the service and its figures)")) }
            }
        }
    }
}

fn outcome_code(o: SmlOutcome) -> &'static str {
    match o {
        SmlOutcome::Breach => "breach",
        SmlOutcome::NoBreach => "no_breach",
        SmlOutcome::CannotJudge => "cannot_judge",
    }
}

/// The evaluation box for the editor's current values (app.js posts the form here when a ⑥
/// input changes). Reads nothing stored: it only applies the reference data to what was typed.
pub async fn sml_preview(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let values = Values(pairs);
    if let Err(e) = a.check_csrf(values.get("csrf")) {
        return super::layout::error_page(lang, Some(&a), &e);
    }
    let parsed = parse(&values);
    sml_box(lang, s.app.reference, &parsed.form.impact).into_response()
}
