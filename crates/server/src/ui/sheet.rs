//! A copy rendered as the official sheet (情報連絡様式), printable on A4.

use crate::i18n::{show_form_time, show_time, Lang};
use crate::ui::layout::tlp_badge;
use kakehashi_app::liaison::CopyView;
use kakehashi_app::App;
use maud::{html, Markup};

fn opt_yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "有",
        Some(false) => "無",
        None => "",
    }
}

fn code<T: serde::Serialize>(v: &Option<T>) -> String {
    v.as_ref()
        .and_then(|x| serde_json::to_value(x).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub fn sheet(app: &App, lang: Lang, v: &CopyView) -> Markup {
    let f = &v.form;
    let r = app.reference;
    let t = |o: Option<chrono::DateTime<chrono::Utc>>| o.map(show_form_time).unwrap_or_default();
    html! {
        div.sheet {
            h1 { "情報連絡様式" }
            p { (tlp_badge(&v.record.tlp)) " "
                @if let Some(i) = f.importance { span.badge style="background:#123a5a;color:#fff" { (lang.t(i.label_ja(), i.label_en())) } }
                " " (v.sender_name) " → " (v.addressee_name) " · " (show_time(v.record.created_at))
                @if v.record.anonymised { " · " strong { (lang.t("匿名化済み", "anonymised")) } }
            }
            table {
                tr { th { "識別番号" } td id="ident" { (v.ident.clone().unwrap_or_else(|| lang.t("未採番", "not yet numbered").to_owned())) } }
                tr { th { "報数" } td id="report-no" { "第" (f.report_no) "報" } }
                tr { th { "情報連絡日時" } td { (t(f.reported_at)) } }
                tr { th { "情報連絡元" } td { (f.sender.organisation) " " (f.sender.department) " " (f.sender.person) br; (f.sender.phone) " " (f.sender.fax) " " (f.sender.email) } }
                tr { th { "情報共有範囲" } td { (v.record.tlp) " " (f.tlp.map(|x| x.label_ja()).unwrap_or("")) @if !f.tlp_notes.is_empty() { br; "特記事項: " (f.tlp_notes) } } }
                tr { th { "別紙有無" } td { (opt_yes_no(f.has_attachments)) } }
                tr { th { "①発生した事象の類型" } td { (f.event.as_deref().and_then(|c| r.event(c)).map(|e| e.label_ja.clone()).unwrap_or_default()) } }
                tr { th { "②原因の類型" } td { @for c in &f.causes { (r.cause(c).map(|x| x.label_ja.clone()).unwrap_or_else(|| c.clone())) " " } } }
                tr { th { "③分野名" } td { (f.sector.as_ref().and_then(|s| r.sector(&s.0)).map(|s| s.name_ja.clone()).unwrap_or_default()) } }
                tr { th { "④事業者名" } td id="operator-name" { (f.operator_name) } }
                tr { th { "⑤判明日時（発生日時）" } td { (t(f.summary.discovered_at)) " （" (t(f.summary.occurred_at)) " " (f.summary.occurred_note) "）" } }
                tr { th { "事象が発生したシステム・委託先業者等" } td { (f.summary.affected_system) } }
                tr { th { "発生事象の概要" } td id="description" { (f.summary.description) } }
                tr { th { "（補足情報）" } td { (f.supplementary) } }
                tr { th { "⑥システムの稼働状況" } td { (code(&f.impact.system_status)) } }
                tr { th { "サービス維持レベル逸脱の有無" } td { (opt_yes_no(f.impact.sml_deviation)) } }
                tr { th { "他の事業者等への波及の可能性" } td { (opt_yes_no(f.impact.spread_to_others)) } }
                tr { th { "報道発表" } td { (code(&f.external.press)) " " (f.external.press_detail) } }
                tr { th { "個人情報保護委員会への連絡" } td { (code(&f.external.ppc)) " " (f.external.ppc_detail) } }
                tr { th { "その他NISC以外に連絡を行った先" } td { (f.external.other_contacts) } }
                tr { th { "⑦当該事象に係る推移等" } td { table { @for row in &f.timeline { tr { td { (row.at) } td { (row.event) } } } } } }
                tr { th { "⑧今後の予定" } td { (f.next_steps.map(|n| n.label_ja()).unwrap_or("")) } }
                tr { th { "⑨その他・得られた教訓等" } td { (f.lessons) } }
            }
        }
    }
}
