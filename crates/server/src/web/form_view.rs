//! A copy printed like the official 情報連絡様式 (図４): the same rows in the same order, the
//! choices shown as ■/□ so the printed A4 sheet reads like the paper form people know.

use super::layout::sector_name;
use crate::i18n::{show_form_time, show_time, Lang};
use chrono::{DateTime, Utc};
use kakehashi_app::App;
use kakehashi_domain::liaison::{LiaisonForm, NextSteps, PpcStatus, PressStatus, SystemStatus};
use kakehashi_domain::{Importance, Tlp};
use kakehashi_reference::EventClass;
use maud::{html, Markup};

fn mark(on: bool) -> &'static str {
    if on {
        "■"
    } else {
        "□"
    }
}

/// One choice with its box.
fn choice(lang: Lang, on: bool, label: &str) -> Markup {
    html! { span { span.box aria-hidden="true" { (mark(on)) } (label) @if on { span.sr { (lang.t("（選択）", " (selected)")) } } } }
}

fn time(lang: Lang, t: Option<DateTime<Utc>>) -> String {
    match (t, lang) {
        (None, _) => String::new(),
        (Some(t), Lang::Ja) => show_form_time(t),
        (Some(t), Lang::En) => show_time(t),
    }
}

fn para(s: &str) -> Markup {
    html! { div.pre { (s) } }
}

/// The form's footnotes as 図４ prints them: ※１–※３ under the first page's markings and
/// event types, ※４–※６ under the content (seed lines 35798–35810 and 35884–35888).
const FIRST_PAGE_NOTES: [(&str, &str); 3] = [
    (
        "※１：事案対処及び情報の集約・分析のため、必要に応じ、内閣官房（事態対処・危機管理担当）及びあらかじめ連携を要請したサイバーセキュリティ関係機関との間で情報共有を行う。",
        "*1: for incident handling and for gathering and analysing information, information is shared as needed with the Cabinet Secretariat (incident response and crisis management) and the cybersecurity agencies asked in advance to cooperate.",
    ),
    (
        "※２：最初に検知した事象を１つのみ選択する。",
        "*2: choose only the one event detected first.",
    ),
    (
        "※３：機密性・完全性・可用性を脅かす事象までには至らないものの同事象につながり得る事象。",
        "*3: an event that does not yet threaten confidentiality, integrity or availability but may lead to one that does.",
    ),
];
const SECOND_PAGE_NOTES: [(&str, &str); 3] = [
    (
        "※４：情報連絡の迅速性を優先するため、必ずしも全ての項目を記載する必要はない。",
        "*4: speed of liaison comes first; not every item must be filled.",
    ),
    (
        "※５：「重要インフラのサイバーセキュリティに係る行動計画」に定める「重要インフラ分野」を指す。",
        "*5: the critical-infrastructure sectors defined in the Cybersecurity Action Plan for Critical Infrastructure.",
    ),
    (
        "※６：「重要インフラのサイバーセキュリティに係る行動計画」に定める「サービス維持レベル」を指す。",
        "*6: the service maintenance level defined in the Cybersecurity Action Plan for Critical Infrastructure.",
    ),
];

fn footnotes(lang: Lang, notes: &[(&str, &str)]) -> Markup {
    html! {
        div.footnotes {
            @for (ja, en) in notes { p.note { (lang.t(ja, en)) } }
        }
    }
}

/// The sheet. `assigned_ident` is the number NISC gave the report, shown when the copy itself
/// was sent before numbering (a first report's 識別番号 is blank on the form as sent).
pub fn sheet(app: &App, lang: Lang, f: &LiaisonForm, assigned_ident: Option<&str>) -> Markup {
    let t = |ja: &'static str, en: &'static str| lang.t(ja, en);
    let r = app.reference;
    let ident = f
        .ident_number
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .or(assigned_ident);
    let yes_no = |v: Option<bool>| {
        html! { span.inline-marks { (choice(lang, v == Some(true), t("有", "Yes"))) (choice(lang, v == Some(false), t("無", "No"))) } }
    };
    let s = &f.sender;
    // Full-width punctuation belongs to the Japanese sheet only.
    let colon = lang.t("： ", ": ");
    let (open, close) = (lang.t("（", " ("), lang.t("）", ")"));
    html! {
        div.sheet #sheet {
            h1 { (t("情報連絡様式", "Information Liaison Form")) }
            p.sub { (t("（*が付与された項目は必須事項）", "(items marked * are required)")) }
            table {
                tbody {
                    tr {
                        th { (t("重要度", "Importance")) }
                        td colspan="3" { span.inline-marks {
                            @for i in Importance::ALL { (choice(lang, f.importance == Some(i), lang.t(i.label_ja(), i.label_en()))) }
                        } }
                    }
                    tr {
                        th { (t("報数", "Report number")) "*" }
                        td { (super::layout::report_no_text(lang, f.report_no)) }
                        th { (t("識別番号", "Identification number")) "*" }
                        td { @if let Some(i) = ident { (i) } @else { span.note { (t("（第1報の識別番号は空欄）", "(blank on the 1st report)")) } } }
                    }
                    tr {
                        th { (t("情報連絡日時", "Liaison date/time")) "*" }
                        td colspan="3" { (time(lang, f.reported_at)) }
                    }
                    tr {
                        th { (t("情報連絡元", "Sender")) "*" }
                        td colspan="3" {
                            table {
                                tbody {
                                    tr { th { (t("省庁名・組織名", "Ministry / organisation")) } td { (s.organisation) } }
                                    tr { th { (t("部局名", "Department")) } td { (s.department) } }
                                    tr { th { (t("担当者名", "Person in charge")) } td { (s.person) } }
                                    tr { th { (t("電話番号", "Telephone")) } td { (s.phone) } }
                                    tr { th { (t("FAX番号", "Fax")) } td { (s.fax) } }
                                    tr { th { (t("電子メールアドレス", "E-mail")) } td { (s.email) } }
                                }
                            }
                        }
                    }
                    tr {
                        th { (t("情報共有範囲", "Sharing scope (TLP)")) "*" }
                        td colspan="3" {
                            ul.marks {
                                @for level in Tlp::ALL {
                                    li {
                                        (choice(lang, f.tlp == Some(level), &format!("{} = {}", level.code(), lang.t(level.label_ja(), level.label_en()))))
                                        @if matches!(level, Tlp::Red | Tlp::AmberStrict | Tlp::Amber) {
                                            span.note { (t("（NISC重要インフラ防護担当（※１）を含む）", " (incl. NISC CI protection (*1))")) }
                                        }
                                    }
                                }
                            }
                            div { (t("特記事項", "Special notes")) (colon) }
                            (para(&f.tlp_notes))
                        }
                    }
                    tr {
                        th { (t("①発生した事象の類型", "① Type of event")) div.note { (t("（1つのみ選択（※２））", "(choose one (*2))")) } }
                        td colspan="3" {
                            @for class in [EventClass::NotOccurred, EventClass::Occurred] {
                                div.note { @match class {
                                    EventClass::NotOccurred => { (t("未発生の事象", "Not occurred")) }
                                    EventClass::Occurred => { (t("発生した事象", "Occurred")) }
                                } }
                                ul.marks {
                                    @for cat in r.event_categories().iter().filter(|c| c.class == class) {
                                        @for e in r.events().iter().filter(|e| e.category == cat.id) {
                                            li {
                                                (choice(lang, f.event.as_deref() == Some(e.code.as_str()), lang.t(&e.label_ja, &e.label_en)))
                                                span.note { " " (open) (lang.t(&cat.name_ja, &cat.name_en)) (close) }
                                                @if cat.id == "leading_to_above" { span.note { (t("（※３）", " (*3)")) } }
                                            }
                                        }
                                    }
                                }
                            }
                            @if let Some(code) = f.event.as_deref().filter(|c| r.event(c).is_none()) {
                                div.note { (t("不明なコード", "Unknown code")) ": " (code) }
                            }
                        }
                    }
                    tr {
                        th { (t("②上記事象における原因の類型", "② Type of cause")) }
                        td colspan="3" {
                            @for g in r.cause_groups() {
                                div.note { (lang.t(&g.name_ja, &g.name_en)) }
                                div.inline-marks {
                                    @for c in r.causes_in_group(g.id) {
                                        (choice(lang, f.causes.contains(&c.code), lang.t(&c.label_ja, &c.label_en)))
                                    }
                                }
                            }
                        }
                    }
                    tr {
                        th { (t("別紙有無", "Attachments")) "*" }
                        td colspan="3" { (yes_no(f.has_attachments)) }
                    }
                }
            }
            (footnotes(lang, &FIRST_PAGE_NOTES))
            table {
                tbody {
                    tr { td.sec colspan="2" { (t("◆情報連絡の内容", "◆ Content of the liaison")) span.note { (t("（※４）", " (*4)")) } } }
                    tr {
                        th { (t("③分野名", "③ Sector")) "*" span.note { (t("（※５）", " (*5)")) } }
                        td { (f.sector.as_ref().map(|s| sector_name(app, lang, &s.0)).unwrap_or_default()) }
                    }
                    tr {
                        th { (t("④事象が発生した重要インフラ事業者等名", "④ Affected CI operator")) }
                        td { (f.operator_name) }
                    }
                    tr {
                        th { (t("⑤概要", "⑤ Summary")) }
                        td {
                            div { (t("判明日時", "Discovered at")) (colon) (time(lang, f.summary.discovered_at)) }
                            div {
                                (open) (t("発生日時", "Occurred at")) (colon) (time(lang, f.summary.occurred_at))
                                @if !f.summary.occurred_note.trim().is_empty() { " " (open) (f.summary.occurred_note) (close) }
                                (close)
                            }
                            div { (t("事象が発生したシステム・委託先業者等", "Affected system / contractor")) (colon) }
                            (para(&f.summary.affected_system))
                            div { (t("発生事象の概要", "Description")) (colon) }
                            (para(&f.summary.description))
                        }
                    }
                    tr {
                        th { (t("（補足情報）", "(Supplementary information)")) }
                        td { (para(&f.supplementary)) }
                    }
                    tr {
                        th { (t("⑥重要インフラサービス等への影響", "⑥ Impact on CI services")) }
                        td {
                            div {
                                (t("システムの稼働状況", "System status")) (colon)
                                span.inline-marks {
                                    @for (st, ja, en) in [
                                        (SystemStatus::NoImpact, "影響なし", "No impact"),
                                        (SystemStatus::Stopped, "停止中", "Stopped"),
                                        (SystemStatus::PartlyRunning, "一部稼働中", "Partly running"),
                                        (SystemStatus::Restored, "復旧済", "Restored"),
                                    ] { (choice(lang, f.impact.system_status == Some(st), lang.t(ja, en))) }
                                }
                            }
                            div { (t("重要インフラサービスのサービス維持レベル（※６）逸脱の有無", "Deviation from the service maintenance level (*6)")) (colon) (yes_no(f.impact.sml_deviation)) }
                            @if f.impact.service.is_some() || f.impact.sml_override.is_some() {
                                (super::sml_view::sml_box(lang, r, &f.impact))
                            }
                            div { (t("他の事業者等への波及の可能性", "Possible spread to other operators")) (colon) (yes_no(f.impact.spread_to_others)) }
                            div.note { (t("対外的な対応状況", "External response")) }
                            div {
                                (t("報道発表、報道等への掲載", "Press release / coverage")) (colon)
                                span.inline-marks {
                                    @for (st, ja, en) in [
                                        (PressStatus::Done, "済", "Done"),
                                        (PressStatus::Planned, "予定有", "Planned"),
                                        (PressStatus::None, "無", "None"),
                                    ] { (choice(lang, f.external.press == Some(st), lang.t(ja, en))) }
                                }
                            }
                            (para(&f.external.press_detail))
                            div {
                                (t("個人情報保護委員会への連絡", "Notification to the PPC")) (colon)
                                span.inline-marks {
                                    @for (st, ja, en) in [
                                        (PpcStatus::Done, "済", "Done"),
                                        (PpcStatus::Checking, "確認中", "Checking"),
                                        (PpcStatus::NotNeeded, "不要", "Not needed"),
                                    ] { (choice(lang, f.external.ppc == Some(st), lang.t(ja, en))) }
                                }
                            }
                            (para(&f.external.ppc_detail))
                            div { (t("その他NISC以外に連絡を行った先", "Other parties contacted besides NISC")) (colon) }
                            (para(&f.external.other_contacts))
                        }
                    }
                    tr {
                        th { (t("⑦当該事象に係る推移等", "⑦ Course of events")) }
                        td {
                            table.tl {
                                thead { tr { th { (t("日時", "Date/time")) } th { (t("事象・対応状況等", "Event / response")) } } }
                                tbody #sheet-timeline {
                                    @for row in &f.timeline {
                                        tr { td.pre { (row.at) } td.pre { (row.event) } }
                                    }
                                    @if f.timeline.is_empty() { tr { td { "　" } td { "　" } } }
                                }
                            }
                        }
                    }
                    tr {
                        th { (t("⑧今後の予定", "⑧ Next steps")) }
                        td { ul.marks {
                            @for n in NextSteps::ALL { li { (choice(lang, f.next_steps == Some(n), lang.t(n.label_ja(), n.label_en()))) } }
                        } }
                    }
                    tr {
                        th { (t("⑨その他・得られた教訓等", "⑨ Other / lessons learned")) }
                        td { (para(&f.lessons)) }
                    }
                }
            }
            (footnotes(lang, &SECOND_PAGE_NOTES))
        }
    }
}
