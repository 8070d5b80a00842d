//! The editable liaison form, laid out like the official sheet (図４, sections ①–⑨). Shared by
//! filing, forwarding and follow-ups; re-rendered with every input kept and errors in place.

use crate::i18n::{local_value, Lang};
use kakehashi_app::App;
use kakehashi_domain::liaison::{LiaisonForm, NextSteps};
use kakehashi_domain::{Importance, Tlp};
use maud::{html, Markup};

pub struct Options<'a> {
    pub action: String,
    pub csrf: &'a str,
    /// Route choices (first reports and follow-ups of operators).
    pub route: bool,
    /// CEPTOAR forwarding: offer anonymisation (checked).
    pub anonymise: bool,
    /// Sectors selectable; empty = fixed by the chain.
    pub sectors: Vec<(String, String)>,
    pub orgs: Vec<(String, String)>,
    pub submit_ja: &'a str,
    pub submit_en: &'a str,
}

/// Errors for one field, shown next to its input.
fn errs(errors: &[(String, String)], field: &str) -> Markup {
    html! { @for (f, m) in errors { @if f == field { div.err role="alert" { (m) } } } }
}

fn radio(name: &str, value: &str, checked: bool, label: &str) -> Markup {
    let id = format!("{name}-{}", value.replace(['+', '.'], "_"));
    html! { label for=(id) { input type="radio" id=(id) name=(name) value=(value) checked[checked]; " " (label) } }
}

fn yes_no(lang: Lang, name: &str, v: Option<bool>) -> Markup {
    html! { (radio(name, "true", v == Some(true), lang.t("有", "Yes"))) (radio(name, "false", v == Some(false), lang.t("無", "No"))) }
}

pub fn editor(
    app: &App,
    lang: Lang,
    f: &LiaisonForm,
    errors: &[(String, String)],
    o: &Options,
) -> Markup {
    let r = app.reference;
    let code = |v: Option<String>| v.unwrap_or_default();
    let status = f.impact.system_status.map(|s| {
        code(
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned)),
        )
    });
    let press = f.external.press.map(|s| {
        code(
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned)),
        )
    });
    let ppc = f.external.ppc.map(|s| {
        code(
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned)),
        )
    });
    let mut rows = f.timeline.clone();
    while rows.len() < f.timeline.len() + 3 {
        rows.push(Default::default());
    }
    html! {
        @if !errors.is_empty() {
            div.errbox role="alert" id="form-errors" {
                strong { (lang.t("入力内容を確認してください。何も保存されていません。", "Please check the input. Nothing was saved.")) }
                ul { @for (_, m) in errors { li { (m) } } }
            }
        }
        form method="post" action=(o.action) id="liaison-form" {
            input type="hidden" name="csrf" value=(o.csrf);
            p.muted { (lang.t("* の項目は必須です。迅速性を優先するため、その他の項目は空欄でも構いません（※４）。", "Fields marked * are required; the rest may stay empty (speed first, ※4).")) }
            fieldset { legend { (lang.t("重要度", "Importance")) }
                @for i in Importance::ALL { (radio("importance", i.code(), f.importance == Some(i), lang.t(i.label_ja(), i.label_en()))) }
                (errs(errors, "importance"))
            }
            fieldset { legend.req { (lang.t("情報連絡日時", "Date/time of this liaison")) }
                input type="datetime-local" name="reported_at" id="reported_at" value=(local_value(f.reported_at));
                span.muted { " JST " (lang.t("（空欄なら送信時刻）", "(blank = time of sending)")) }
                (errs(errors, "reported_at"))
            }
            fieldset { legend.req { (lang.t("情報共有範囲（TLP）", "Sharing scope (TLP)")) }
                @for t in Tlp::ALL {
                    div { (radio("tlp", t.code(), f.tlp == Some(t), &format!("{} — {}", t.code(), lang.t(t.label_ja(), t.label_en())))) }
                }
                (errs(errors, "tlp"))
                label for="tlp_notes" { (lang.t("特記事項", "Special notes")) }
                textarea name="tlp_notes" id="tlp_notes" { (f.tlp_notes) }
            }
            fieldset { legend.req { (lang.t("別紙有無", "Attachments")) } (yes_no(lang, "has_attachments", f.has_attachments)) (errs(errors, "has_attachments")) }
            fieldset { legend { (lang.t("①発生した事象の類型（最初に検知した事象を1つのみ選択）", "① Type of event (only the first detected)")) }
                @for e in r.events() { div { (radio("event", &e.code, f.event.as_deref() == Some(e.code.as_str()), &format!("{} {}", e.code, lang.t(&e.label_ja, &e.label_en)))) } }
                (errs(errors, "event"))
            }
            fieldset { legend { (lang.t("②原因の類型（複数選択可）", "② Type of cause (several allowed)")) }
                @for c in r.causes() {
                    label { input type="checkbox" name="causes" value=(c.code) checked[f.causes.contains(&c.code)]; " " (lang.t(&c.label_ja, &c.label_en)) }
                }
                (errs(errors, "causes"))
            }
            fieldset { legend.req { (lang.t("③分野名", "③ Sector")) }
                @if o.sectors.is_empty() {
                    input type="hidden" name="sector" value=(f.sector.as_ref().map(|s| s.0.clone()).unwrap_or_default());
                    (f.sector.as_ref().and_then(|s| r.sector(&s.0)).map(|s| s.name_ja.clone()).unwrap_or_default())
                } @else {
                    select name="sector" id="sector" {
                        option value="" { "—" }
                        @for (id, name) in &o.sectors { option value=(id) selected[f.sector.as_ref().map(|s| &s.0) == Some(id)] { (name) } }
                    }
                }
                (errs(errors, "sector"))
            }
            fieldset { legend { (lang.t("④事象が発生した重要インフラ事業者等名", "④ Operator")) }
                input type="text" name="operator_name" id="operator_name" value=(f.operator_name); (errs(errors, "operator_name"))
            }
            fieldset { legend { (lang.t("⑤概要", "⑤ Summary")) }
                label for="discovered" { (lang.t("判明日時", "Discovered at")) }
                input type="datetime-local" id="discovered" name="summary.discovered_at" value=(local_value(f.summary.discovered_at)); (errs(errors, "summary.discovered_at"))
                label for="occurred" { (lang.t("（発生日時）", "(Occurred at)")) }
                input type="datetime-local" id="occurred" name="summary.occurred_at" value=(local_value(f.summary.occurred_at)); (errs(errors, "summary.occurred_at"))
                input type="text" name="summary.occurred_note" placeholder=(lang.t("推測の根拠（例: サーバログ等より推測）", "Basis of the estimate")) value=(f.summary.occurred_note);
                label for="affected" { (lang.t("事象が発生したシステム・委託先業者等", "Affected system / contractor")) }
                textarea id="affected" name="summary.affected_system" { (f.summary.affected_system) }
                label for="description" { (lang.t("発生事象の概要", "Event summary")) }
                textarea id="description" name="summary.description" { (f.summary.description) } (errs(errors, "summary.description"))
                label for="supplementary" { (lang.t("（補足情報）", "(Supplementary information)")) }
                textarea id="supplementary" name="supplementary" { (f.supplementary) }
            }
            fieldset { legend { (lang.t("⑥重要インフラサービス等への影響", "⑥ Impact on CI services")) }
                div { (lang.t("システムの稼働状況: ", "System status: "))
                    @for (v, ja, en) in [("no_impact","影響なし","No impact"),("stopped","停止中","Stopped"),("partly_running","一部稼働中","Partly running"),("restored","復旧済","Restored")] {
                        (radio("impact.system_status", v, status.as_deref() == Some(v), lang.t(ja, en)))
                    }
                }
                div { (lang.t("サービス維持レベル逸脱の有無: ", "Service maintenance level deviation: ")) (yes_no(lang, "impact.sml_deviation", f.impact.sml_deviation)) }
                div { (lang.t("他の事業者等への波及の可能性: ", "Possible spread to others: ")) (yes_no(lang, "impact.spread_to_others", f.impact.spread_to_others)) }
                div { (lang.t("報道発表、報道等への掲載: ", "Press release / coverage: "))
                    @for (v, ja, en) in [("done","済","Done"),("planned","予定有","Planned"),("none","無","None")] { (radio("external.press", v, press.as_deref() == Some(v), lang.t(ja, en))) }
                    input type="text" name="external.press_detail" placeholder=(lang.t("日時・件名（またはURL）", "Date/time and title (or URL)")) value=(f.external.press_detail);
                    (errs(errors, "external.press_detail"))
                }
                div { (lang.t("個人情報保護委員会への連絡: ", "Notified the PPC: "))
                    @for (v, ja, en) in [("done","済","Done"),("checking","確認中","Checking"),("not_needed","不要","Not needed")] { (radio("external.ppc", v, ppc.as_deref() == Some(v), lang.t(ja, en))) }
                    input type="text" name="external.ppc_detail" placeholder=(lang.t("日時・件名", "Date/time and title")) value=(f.external.ppc_detail);
                    (errs(errors, "external.ppc_detail"))
                }
                label for="other_contacts" { (lang.t("その他NISC以外に連絡を行った先", "Others contacted besides NISC")) }
                input type="text" id="other_contacts" name="external.other_contacts" value=(f.external.other_contacts);
            }
            fieldset { legend { (lang.t("⑦当該事象に係る推移等", "⑦ Course of events")) }
                table { tr { th { (lang.t("日時", "Date/time")) } th { (lang.t("事象・対応状況等", "Event / response")) } }
                    @for (i, row) in rows.iter().enumerate() {
                        tr { td { input type="text" name=(format!("timeline.{i}.at")) value=(row.at); } td { input type="text" name=(format!("timeline.{i}.event")) value=(row.event); } }
                    }
                }
                (errs(errors, "timeline.event"))
            }
            fieldset { legend { (lang.t("⑧今後の予定", "⑧ Next steps")) }
                @for n in NextSteps::ALL { div { (radio("next_steps", n.code(), f.next_steps == Some(n), lang.t(n.label_ja(), n.label_en()))) } }
            }
            fieldset { legend { (lang.t("⑨その他・得られた教訓等", "⑨ Other / lessons learned")) }
                textarea name="lessons" id="lessons" { (f.lessons) }
            }
            @if o.route {
                fieldset { legend { (lang.t("連絡経路", "Route")) }
                    div { label { input type="checkbox" name="statutory" id="statutory"; " " (lang.t("法令等報告対象（所管省庁へ直接連絡）", "Statutory event (straight to the ministry)")) } }
                    div { label { input type="checkbox" name="via_ceptoar" id="via_ceptoar"; " " (lang.t("セプター経由（匿名化して所管省庁へ）— 法令等報告対象外のみ", "Via the CEPTOAR (anonymised) — non-statutory only")) } }
                    div { label { input type="checkbox" name="urgent" id="urgent"; " " (lang.t("特に緊急（NISCへ同時に同報）", "Urgent (copy NISC at once)")) } }
                    (errs(errors, "via_ceptoar")) (errs(errors, "statutory"))
                }
            }
            @if o.anonymise {
                fieldset { legend { (lang.t("匿名化", "Anonymisation")) }
                    label { input type="checkbox" name="anonymise" id="anonymise" checked; " " (lang.t("事業者を匿名化して送信する", "Anonymise the operator before sending")) }
                }
            }
            fieldset { legend { (lang.t("追加の共有先（TLPの範囲外に共有する場合）", "Added recipients (beyond the TLP scope)")) }
                select name="added_recipients" multiple size="4" {
                    @for (id, name) in &o.orgs { option value=(id) { (name) } }
                }
                (errs(errors, "added_recipients"))
            }
            div.actions { button type="submit" id="submit" { (lang.t(o.submit_ja, o.submit_en)) } }
        }
    }
}
