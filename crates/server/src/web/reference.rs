//! 参照データ — the framework's reference data as people read it: sectors and services with their
//! service maintenance levels, the event/cause taxonomy, importance and TLP definitions, the
//! glossary. One subpage per subject keeps each page light; the data version is on every page.

use super::layout::{colon, error_page, page, sep, Nav};
use crate::auth::WebAuth;
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kakehashi_app::AppError;
use kakehashi_reference::{Condition, Metric, Reference};
use maud::{html, Markup};

const SECTIONS: [(&str, &str, &str); 5] = [
    (
        "sectors",
        "分野・サービス・サービス維持レベル",
        "Sectors, services and service maintenance levels",
    ),
    ("taxonomy", "事象と原因の類型", "Event and cause types"),
    (
        "markings",
        "重要度と情報共有範囲（TLP）",
        "Importance and sharing scope (TLP)",
    ),
    ("glossary", "用語集", "Glossary"),
    (
        "topology",
        "情報共有体制（別紙４－１・４－２）",
        "Sharing structure (Annex 4-1, 4-2)",
    ),
];

fn toc(lang: Lang, r: &Reference) -> Markup {
    html! {
        p.muted { (lang.t("参照データの版", "Reference data version")) (colon(lang)) span #ref-version { (lang.t(r.version_ja(), r.version())) } }
        nav aria-label=(lang.t("参照データの目次", "Reference contents")) {
            ul.toc {
                li { a href="/reference" { (lang.t("概要・所管省庁", "Overview and ministries")) } }
                @for (id, ja, en) in SECTIONS { li { a href={ "/reference/" (id) } { (lang.t(ja, en)) } } }
            }
        }
    }
}

fn text(lang: Lang, ja: &str, en: &str) -> String {
    if lang == Lang::En && !en.trim().is_empty() {
        en.to_owned()
    } else {
        ja.to_owned()
    }
}

/// Reference text in the page's language. The handbook's texts quote terms in the other
/// language (the original Japanese terms inside the English text, English names inside the
/// Japanese); each quotation is marked as such — `lang`, so that screen readers read it in its
/// own language, and `translate="no"` — and the rest is the page's language.
fn prose(lang: Lang, ja: &str, en: &str) -> Markup {
    let s = text(lang, ja, en);
    let cjk = |c: char| {
        matches!(c, '\u{3000}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}' | '\u{FF01}'..='\u{FF9F}')
    };
    // Runs of Japanese and of Latin script; spaces, digits and ASCII punctuation stay with the
    // run they follow.
    let mut runs: Vec<(bool, String)> = Vec::new();
    for c in s.chars() {
        let k = cjk(c);
        let neutral = !k && !c.is_ascii_alphabetic();
        match runs.last_mut() {
            Some((kind, t)) if *kind == k || neutral => t.push(c),
            _ => runs.push((k, c.to_string())),
        }
    }
    let words = |t: &str| {
        t.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 2)
            .count()
    };
    html! {
        @for (k, t) in &runs {
            @if lang == Lang::En && *k { span lang="ja" translate="no" { (t) } }
            @else if lang == Lang::Ja && !*k && words(t) >= 2 { span lang="en" translate="no" { (t) } }
            @else { (t) }
        }
    }
}

/// 30000 → "30,000".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn metric(lang: Lang, c: &Condition) -> String {
    let n = thousands(c.at_least);
    let m = c.at_least;
    match (c.metric, lang) {
        (Metric::AffectedUsers, Lang::Ja) => format!("利用者数 {n} 以上"),
        (Metric::AffectedUsers, Lang::En) => format!("≥ {n} users"),
        (Metric::DurationMinutes, Lang::Ja) if m >= 60 && m.is_multiple_of(60) => {
            format!("継続時間 {} 時間以上", m / 60)
        }
        (Metric::DurationMinutes, Lang::En) if m >= 60 && m.is_multiple_of(60) => {
            format!("≥ {} hours", m / 60)
        }
        (Metric::DurationMinutes, Lang::Ja) => format!("継続時間 {n} 分以上"),
        (Metric::DurationMinutes, Lang::En) => format!("≥ {n} minutes"),
        (Metric::SupplyLossKw, Lang::Ja) => format!("供給支障電力 {n} kW 以上"),
        (Metric::SupplyLossKw, Lang::En) => format!("≥ {n} kW of supply lost"),
        (Metric::Households, Lang::Ja) => format!("供給支障戸数 {n} 戸以上"),
        (Metric::Households, Lang::En) => format!("≥ {n} households"),
    }
}

fn conditions(lang: Lang, cs: &[Condition]) -> String {
    cs.iter()
        .map(|c| metric(lang, c))
        .collect::<Vec<_>>()
        .join(lang.t(" かつ ", " and "))
}

fn overview(lang: Lang, r: &Reference) -> Markup {
    let cat = r.ci_ministries_category();
    html! {
        h2 { (prose(lang, &cat.term_ja, &cat.term_en)) }
        p { (prose(lang, &cat.definition_ja, cat.definition_en.as_deref().unwrap_or(""))) }
        @if let Some(m) = r.sector_mapping() {
            p.muted.small #sector-mapping-source {
                (lang.t("出典", "Source")) (colon(lang)) (lang.t(&m.citation_ja, &m.citation_en))
                (lang.t("（", " (as of ")) (m.as_of) (lang.t(" 時点）", ")"))
            }
        }
        table.list #ministries {
            thead { tr { th { (lang.t("省庁", "Ministry")) } th { (lang.t("所管する重要インフラ分野", "Sectors overseen")) } } }
            tbody {
                @for m in r.ci_ministries() {
                    tr {
                        td { (prose(lang, &m.name_ja, &m.name_en)) }
                        td {
                            @for (i, a) in m.sectors.iter().enumerate() {
                                @if i > 0 { (sep(lang)) }
                                (r.sector(&a.sector_id).map(|s| text(lang, &s.name_ja, &s.name_en)).unwrap_or_else(|| a.label_as_printed.clone()))
                            }
                        }
                    }
                }
            }
        }
        @for c in r.organisation_categories().into_iter().skip(1) {
            h3 { (prose(lang, &c.term_ja, &c.term_en)) }
            p.small { (prose(lang, &c.definition_ja, c.definition_en.as_deref().unwrap_or(""))) }
            @if !c.members.is_empty() {
                p { @for (i, m) in c.members.iter().enumerate() { @if i > 0 { (sep(lang)) } (prose(lang, &m.name_ja, &m.name_en)) } }
            }
        }
        h3 { (lang.t("セプター一覧", "CEPTOAR list")) (lang.t("（", " (as of ")) (r.ceptoar_list().as_of) (lang.t(" 時点）", ")")) }
        table.list {
            thead { tr { th { (lang.t("セプター", "CEPTOAR")) } th { (lang.t("分野", "Sector")) } th { (lang.t("事務局", "Secretariat")) } } }
            tbody {
                @for c in r.ceptoars() {
                    tr {
                        // Names as the organisations write them (most have no English name).
                        td translate="no" { (c.name) }
                        td { (r.sector(&c.sector_id).map(|s| text(lang, &s.name_ja, &s.name_en)).unwrap_or_default()) }
                        td translate="no" { (c.secretariat_ja.join(sep(lang))) }
                    }
                }
            }
        }
    }
}

fn sectors(lang: Lang, r: &Reference) -> Markup {
    let dml = r.default_maintenance_level();
    html! {
        p.small { strong { (lang.t("注２（数値基準のないサービス）", "Note 2 (services without numeric criteria)")) } (colon(lang)) (prose(lang, &dml.ja, &dml.en)) }
        ul.toc { @for s in r.sectors() { li { a href={ "#sector-" (s.id) } { (prose(lang, &s.name_ja, &s.name_en)) } } } }
        @for s in r.sectors() {
            section id={ "sector-" (s.id) } {
                h2 { (s.order) ". " (prose(lang, &s.name_ja, &s.name_en)) }
                @if !s.subsectors.is_empty() {
                    p { strong { (lang.t("業態", "Sub-sectors")) } (colon(lang))
                        @for (i, x) in s.subsectors.iter().enumerate() { @if i > 0 { (sep(lang)) } (prose(lang, &x.name_ja, &x.name_en)) } }
                }
                p { strong { (lang.t("対象となる重要インフラ事業者等（例）", "CI operators (examples)")) } (colon(lang))
                    @for (i, x) in s.operators.iter().enumerate() { @if i > 0 { (sep(lang)) } (prose(lang, &x.ja, &x.en)) }
                    @if s.operators_open_ended { (lang.t(" 等", " etc.")) } }
                p { strong { (lang.t("重要システム例", "Critical systems (examples)")) } (colon(lang))
                    @for (i, x) in s.critical_systems.iter().enumerate() { @if i > 0 { (sep(lang)) } (prose(lang, &x.ja, &x.en)) } }
                @for svc in &s.services {
                    h3 id={ "service-" (svc.id) } { (prose(lang, &svc.name_ja, &svc.name_en)) }
                    @for d in &svc.descriptions { p.small { (prose(lang, &d.ja, &d.en)) } }
                    table {
                        tbody {
                            tr {
                                th { (lang.t("サービス維持レベル", "Service maintenance level")) }
                                td.pre { (prose(lang, &svc.maintenance_level.ja, &svc.maintenance_level.en)) }
                            }
                            @if !svc.maintenance_level.thresholds.is_empty() {
                                tr {
                                    th { (lang.t("数値基準（いずれかに該当で逸脱）", "Numeric criteria (any one met = deviation)")) }
                                    td {
                                        ul {
                                            @for t in &svc.maintenance_level.thresholds {
                                                li {
                                                    (conditions(lang, &t.conditions))
                                                    @if lang == Lang::Ja { span.muted.small { "（" (t.rule_ja) "）" } }
                                                    @for e in &t.exceptions {
                                                        br; span.small { (prose(lang, &e.scope_ja, &e.scope_en)) (colon(lang)) (conditions(lang, &e.conditions)) }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            @if !svc.outage_examples.is_empty() {
                                tr {
                                    th { (lang.t("障害の例", "Outage examples")) }
                                    td { @for (i, x) in svc.outage_examples.iter().enumerate() { @if i > 0 { (sep(lang)) } (prose(lang, &x.ja, &x.en)) } }
                                }
                            }
                            @if !svc.reporting_references.is_empty() {
                                tr {
                                    th { (lang.t("報告に係る法令等", "Reporting laws and guidelines")) }
                                    td { @for (i, x) in svc.reporting_references.iter().enumerate() { @if i > 0 { (sep(lang)) } (prose(lang, &x.ja, &x.en)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn taxonomy(lang: Lang, r: &Reference) -> Markup {
    let rules = r.selection_rules();
    html! {
        h2 { (lang.t("事象の類型", "Event types")) }
        p.small { (prose(lang, &rules.event.ja, &rules.event.en)) }
        table.list #events {
            thead { tr { th { (lang.t("コード", "Code")) } th { (lang.t("類型", "Category")) } th { (lang.t("事象", "Event")) } th { (lang.t("説明", "Description")) } } }
            tbody {
                @for e in r.events() {
                    tr {
                        td.mono { (e.code) }
                        td { (r.event_category(&e.category).map(|c| text(lang, &c.name_ja, &c.name_en)).unwrap_or_default()) }
                        td { (prose(lang, &e.label_ja, &e.label_en)) }
                        td.small { (prose(lang, &e.description_ja, &e.description_en)) }
                    }
                }
            }
        }
        h2 { (lang.t("原因の類型", "Cause types")) }
        p.small { (prose(lang, &rules.cause.ja, &rules.cause.en)) }
        @for g in r.cause_groups() {
            h3 { (prose(lang, &g.name_ja, &g.name_en)) }
            table.list {
                thead { tr { th { (lang.t("コード", "Code")) } th { (lang.t("原因", "Cause")) } th { (lang.t("例", "Examples")) } } }
                tbody {
                    @for c in r.causes_in_group(g.id) {
                        tr {
                            td.mono { (c.code) }
                            td { (prose(lang, &c.label_ja, &c.label_en)) }
                            td.small { @for (i, x) in c.examples.iter().enumerate() { @if i > 0 { br; } (prose(lang, &x.ja, &x.en)) } }
                        }
                    }
                }
            }
        }
    }
}

fn markings(lang: Lang, r: &Reference) -> Markup {
    html! {
        h2 { (lang.t("重要度", "Importance")) }
        table.list #importance {
            thead { tr { th { (lang.t("重要度", "Level")) } th { (lang.t("情報連絡での説明", "In a liaison")) } th { (lang.t("情報提供での説明", "In a provision")) } } }
            tbody {
                @for l in r.importance_levels() {
                    tr {
                        td.nowrap { (prose(lang, &l.label_ja, &l.label_en)) }
                        td { (prose(lang, &l.liaison.definition_ja, &l.liaison.definition_en)) }
                        td { (prose(lang, &l.provision.definition_ja, &l.provision.definition_en)) }
                    }
                }
            }
        }
        h2 { (lang.t("情報共有範囲（TLP）", "Sharing scope (TLP)")) }
        table.list #tlp {
            thead { tr { th { "TLP" } th { (lang.t("情報連絡での定義", "In a liaison")) } th { (lang.t("情報提供での定義", "In a provision")) } } }
            tbody {
                @for l in r.tlp_levels() {
                    tr {
                        td.nowrap { (super::layout::tlp_badge(&l.code)) br; (prose(lang, &l.label_ja, &l.label_en)) }
                        td { (prose(lang, &l.liaison.body.ja, &l.liaison.body.en)) }
                        td { (prose(lang, &l.provision.body.ja, &l.provision.body.en)) }
                    }
                }
            }
        }
        h3 { (lang.t("TLPに加えて適用される規則", "Rules on top of the TLP")) }
        ul {
            @for rule in r.tlp_additional_rules() {
                li { (prose(lang, &rule.liaison.ja, &rule.liaison.en)) }
            }
        }
        p.small { (prose(lang, &r.tlp_originator().liaison.ja, &r.tlp_originator().liaison.en)) }
    }
}

fn glossary(lang: Lang, r: &Reference) -> Markup {
    html! {
        table.list #glossary {
            thead { tr { th { "#" } th { (lang.t("用語", "Term")) } th { (lang.t("定義", "Definition")) } } }
            tbody {
                @for t in r.glossary() {
                    tr id={ "term-" (t.number) } {
                        td.num { (t.number) }
                        td {
                            strong { (prose(lang, &t.term_ja, &t.term_en)) }
                            @if let Some(a) = &t.abbreviation { br; span.muted.small { (a) } }
                        }
                        td.small.pre { (prose(lang, &t.definition_ja, &t.definition_en)) }
                    }
                }
            }
        }
    }
}

/// 別紙４－１ and ４－２, drawn from the topology table, each with its table of edges.
fn topology(lang: Lang) -> Markup {
    use super::diagram;
    use kakehashi_domain::topology::Mode;
    html! {
        p { (lang.t(
            "情報共有体制の各経路と、本システムでの扱い（実装済み・予定・対象外）です。図と表は同じ定義から作られます。大規模重要インフラサービス障害対応時も通常時の経路はすべて有効です。",
            "Every edge of the sharing structure and how Kakehashi carries it (implemented, planned or declined). The diagrams and the tables come from the same definition. All normal-time edges stay in force during a large-scale outage."
        )) }
        (diagram::legend(lang))
        section #topology-normal {
            h2 { (lang.t("別紙４－１ 通常時", "Annex 4-1: normal times")) }
            div.diagram { (diagram::svg(lang, Mode::Normal)) }
            p.muted.small { (lang.t(
                "N21（内閣官房（事態対処・危機管理担当）とNISCの相互共有）は別紙４－１には描かれず、表にのみ示します。",
                "N21 (the crisis-management office and NISC sharing) is not drawn in Annex 4-1; it is listed in the table."
            )) }
            (diagram::table(lang, Mode::Normal))
        }
        section #topology-large {
            h2 { (lang.t("別紙４－２ 大規模重要インフラサービス障害対応時", "Annex 4-2: large-scale outage")) }
            div.diagram { (diagram::svg(lang, Mode::LargeScale)) }
            (diagram::table(lang, Mode::LargeScale))
        }
    }
}

pub async fn index(State(s): State<AppState>, WebAuth(a): WebAuth, lang: Lang) -> Response {
    let r = s.app.reference;
    let title = lang.t("参照データ", "Reference data");
    let body = html! { h1 { (title) } (toc(lang, r)) (overview(lang, r)) };
    page(lang, title, Some(&a), Nav::Reference, body).into_response()
}

pub async fn section(
    State(s): State<AppState>,
    WebAuth(a): WebAuth,
    lang: Lang,
    Path(name): Path<String>,
) -> Response {
    let r = s.app.reference;
    let Some((_, ja, en)) = SECTIONS.iter().find(|(id, _, _)| *id == name) else {
        return error_page(lang, Some(&a), &AppError::NotFound);
    };
    let content = match name.as_str() {
        "sectors" => sectors(lang, r),
        "taxonomy" => taxonomy(lang, r),
        "markings" => markings(lang, r),
        "topology" => topology(lang),
        _ => glossary(lang, r),
    };
    let title = lang.t(ja, en);
    let body = html! { h1 { (title) } (toc(lang, r)) (content) };
    page(lang, title, Some(&a), Nav::Reference, body).into_response()
}
