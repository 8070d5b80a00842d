//! The editable 情報連絡様式 (図４), laid out like the official sheet, shared by a first report,
//! a forward and a follow-up. It renders from the raw submitted [`Values`], so a re-rendered
//! form keeps every character typed, and shows each error next to its input and in a summary.

use super::form_parse::{FieldErr, Values};
use super::layout::org_name;
use crate::auth::Authed;
use crate::i18n::Lang;
use kakehashi_app::liaison::{FilingKind, InheritedRoute};
use kakehashi_app::App;
use kakehashi_domain::liaison::{field_label, NextSteps};
use kakehashi_domain::{Importance, OrgKind, Tlp};
use kakehashi_reference::EventClass;
use maud::{html, Markup};

/// What the editor is for; decides the read-only 報数/識別番号 and the extra choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// 第1報.
    New,
    /// 続報: the system assigns the report number and quotes the chain's number.
    FollowUp {
        report_no: u32,
        ident: Option<String>,
    },
    /// Sending a received copy on; `ceptoar` offers anonymisation.
    Forward {
        report_no: u32,
        ident: Option<String>,
        ceptoar: bool,
    },
}

pub struct Editor<'a> {
    pub app: &'a App,
    pub lang: Lang,
    pub authed: &'a Authed,
    pub mode: Mode,
    /// Where the form posts.
    pub action: String,
    pub values: &'a Values,
    pub errors: &'a [FieldErr],
    /// Sector codes offered in ③; ignored when `sector_fixed`.
    pub sectors: Vec<String>,
    /// ③ is the chain's and cannot change (follow-ups, forwards).
    pub sector_fixed: bool,
    /// Organisations offered as 追加の共有先, `(id, name)`.
    pub recipients: Vec<(String, String)>,
    /// Where the report will go, as planned for the current values (updated live by app.js).
    pub route_preview: RouteBox,
    /// Follow-ups: how the case's first report went.
    pub inherited: Option<InheritedRoute>,
}

/// The "where it goes" box: which filing it plans (for app.js's refresh) and its first content.
pub struct RouteBox {
    pub kind: FilingKind,
    /// The case (follow-ups) or received copy (forwards).
    pub target: Option<String>,
    pub content: Markup,
}

/// The `id` of an input, safe in CSS selectors; a few have short names browser tests use.
pub fn dom_id(name: &str) -> String {
    match name {
        "summary.discovered_at" => "discovered".into(),
        "summary.occurred_at" => "occurred".into(),
        "summary.occurred_note" => "occurred_note".into(),
        "summary.affected_system" => "affected_system".into(),
        "summary.description" => "description".into(),
        _ => name.replace('.', "-"),
    }
}

/// The `id` of one option of a choice. The empty value (未選択) gets `-unset`, which no option
/// code maps to: it used to get `-none`, the id of 報道発表's 無 option, so the 未選択 label
/// pointed at 無 and choosing 未選択 recorded 無. A test renders every editor and checks that
/// ids are unique and every label points at its own input.
fn radio_id(name: &str, value: &str) -> String {
    let v: String = value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "{}-{}",
        dom_id(name),
        if v.is_empty() { "unset".into() } else { v }
    )
}

/// Where the error summary links to for a field.
fn anchor(field: &str) -> String {
    if field.starts_with("timeline") {
        "f-timeline".into()
    } else if field == "sender.organisation" {
        "f-sender".into()
    } else if field == "report_no" || field == "ident_number" {
        "f-numbering".into()
    } else {
        format!("f-{}", dom_id(field))
    }
}

fn field_name(lang: Lang, field: &str) -> String {
    match field_label(field) {
        Some((ja, en)) => lang.t(ja, en).to_owned(),
        None => match field {
            "statutory" => lang.t("法令等報告対象", "Statutory report").into(),
            "case" => lang.t("情報連絡を行うケース", "Reporting case").into(),
            "case_judged_by" => lang
                .t(
                    "深刻な影響があると判断した関係主体",
                    "Stakeholder who judged the impact serious",
                )
                .into(),
            "via_ceptoar" => lang.t("セプター経由", "Via CEPTOAR").into(),
            "form_json" => lang.t("様式ファイル", "Form file").into(),
            "urgent" => lang.t("緊急", "Urgent").into(),
            "to_cabinet_secretariat" => lang
                .t("内閣官房へ直接連絡", "Directly to the Cabinet Secretariat")
                .into(),
            "added_recipients" => lang.t("追加の共有先", "Added recipients").into(),
            "anonymise" => lang.t("匿名化", "Anonymise").into(),
            other => other.to_owned(),
        },
    }
}

impl Editor<'_> {
    fn t<'s>(&self, ja: &'s str, en: &'s str) -> &'s str {
        self.lang.t(ja, en)
    }

    fn invalid(&self, field: &str) -> Option<&'static str> {
        self.errors
            .iter()
            .any(|e| e.field == field)
            .then_some("true")
    }

    /// The messages for one field (or, for `timeline`, every row's), next to the input.
    fn errs(&self, field: &str) -> Markup {
        let mine = |e: &&FieldErr| {
            if field == "timeline" {
                e.field.starts_with("timeline")
            } else if field == "sender" {
                e.field == "sender.organisation"
            } else if field == "numbering" {
                e.field == "report_no" || e.field == "ident_number"
            } else {
                e.field == field
            }
        };
        html! {
            @for e in self.errors.iter().filter(mine) {
                p.err { (self.t(&e.message_ja, &e.message_en)) }
            }
        }
    }

    fn summary(&self) -> Markup {
        if self.errors.is_empty() {
            return html! {};
        }
        html! {
            div.errbox #form-errors role="alert" tabindex="-1" {
                h2 {
                    @match self.lang {
                        Lang::Ja => { "入力内容に" (self.errors.len()) "件の誤りがあります。送信されていません。" }
                        Lang::En => { "The form has " (self.errors.len()) " problem(s). Nothing was sent." }
                    }
                }
                ul {
                    @for e in self.errors {
                        li {
                            a href={ "#" (anchor(&e.field)) } { (field_name(self.lang, &e.field)) }
                            (super::layout::colon(self.lang)) (self.t(&e.message_ja, &e.message_en))
                        }
                    }
                }
            }
        }
    }

    fn radio(&self, name: &str, value: &str, label: &str, def: Option<&str>) -> Markup {
        let id = radio_id(name, value);
        let checked = self.values.get(name) == value;
        html! {
            span.opt {
                label for=(id) {
                    input type="radio" id=(id) name=(name) value=(value) checked[checked]
                        aria-invalid=[self.invalid(name)];
                    " " (label)
                }
                @if let Some(d) = def { span.opt-def { (d) } }
            }
        }
    }

    /// 有 / 無 (and 未選択 when the item is optional, so a choice can be taken back).
    fn yes_no(&self, name: &str, optional: bool) -> Markup {
        html! {
            span.opts {
                (self.radio(name, "true", self.t("有", "Yes"), None))
                (self.radio(name, "false", self.t("無", "No"), None))
                @if optional { (self.radio(name, "", self.t("未選択", "Not stated"), None)) }
            }
        }
    }

    fn text(&self, name: &str, label: &str, visible: bool) -> Markup {
        let id = dom_id(name);
        html! {
            div.field id={"f-" (id)} {
                label.lbl[visible].sr[!visible] for=(id) { (label) }
                input type="text" id=(id) name=(name) value=(self.values.get(name))
                    aria-invalid=[self.invalid(name)];
                (self.errs(name))
            }
        }
    }

    fn area(&self, name: &str, label: &str, rows: u32) -> Markup {
        self.area_l(name, label, rows, true)
    }

    /// A textarea; `visible` false keeps the label for screen readers only (the row heading
    /// already says it).
    fn area_l(&self, name: &str, label: &str, rows: u32, visible: bool) -> Markup {
        let id = dom_id(name);
        html! {
            div.field id={"f-" (id)} {
                label.lbl[visible].sr[!visible] for=(id) { (label) }
                textarea id=(id) name=(name) rows=(rows) aria-invalid=[self.invalid(name)] {
                    (self.values.get(name))
                }
                (self.errs(name))
            }
        }
    }

    fn when(&self, name: &str, label: &str, required: bool, hint: Option<&str>) -> Markup {
        let id = dom_id(name);
        html! {
            div.field id={"f-" (id)} {
                label.lbl.req[required] for=(id) { (label) }
                (when_input(&id, name, self.values.get(name), self.invalid(name)))
                " " span.muted id={ (id) "-hint" } { (self.t("日本時間・24時間表記（例: 2026-11-20 13:15）", "JST, 24-hour clock (e.g. 2026-11-20 13:15)")) }
                @if let Some(h) = hint { div.muted { (h) } }
                (self.errs(name))
            }
        }
    }

    fn numbering(&self) -> Markup {
        let (k, ident) = match &self.mode {
            Mode::New => (1, None),
            Mode::FollowUp { report_no, ident }
            | Mode::Forward {
                report_no, ident, ..
            } => (*report_no, ident.clone()),
        };
        html! {
            tr #f-numbering {
                th { span.req { (self.t("報数", "Report number")) } }
                td {
                    output #form-report-no { (super::layout::report_no_text(self.lang, k)) }
                    (self.errs("numbering"))
                }
                th { span.req { (self.t("識別番号", "Identification number")) } }
                td {
                    output #form-ident {
                        @match (&self.mode, ident) {
                            (Mode::New, _) => { span.muted { (self.t("（第1報の識別番号は空欄）", "(blank on the 1st report)")) } }
                            (_, Some(i)) => { (i) }
                            (_, None) => { span.muted { (self.t("未採番（NISC受領時に採番）", "Not yet numbered (NISC numbers on receipt)")) } }
                        }
                    }
                    div.muted.small { (self.t("システムが付与します", "Assigned by the system")) }
                }
            }
        }
    }

    /// 情報連絡元: the organisation is fixed (it identifies this hop's sender); department,
    /// person, phone, FAX and e-mail start from the person's profile and may be edited.
    fn sender(&self) -> Markup {
        let a = &self.authed.actor;
        let input = |name: &str, label: &str, kind: &str, auto: &str| {
            let id = dom_id(name);
            html! {
                div.field.sender-field id={"f-" (id)} {
                    label.lbl for=(id) { (label) }
                    input type=(kind) id=(id) name=(name) value=(self.values.get(name))
                        autocomplete=(auto) aria-invalid=[self.invalid(name)];
                    (self.errs(name))
                }
            }
        };
        html! {
            tr #f-sender {
                th { span.req { (self.t("情報連絡元", "Sender")) } }
                td colspan="3" {
                    div.muted.small { (self.t("登録情報を初期値として記入済みです。組織名以外は変更できます。",
                        "Prefilled from your profile; everything but the organisation may be changed.")) }
                    div.field #f-sender-organisation {
                        span.lbl { (self.t("組織名", "Organisation")) }
                        " " output #sender-organisation { (super::layout::org_name(self.lang, &a.org.name_ja, &a.org.name_en)) }
                        " " span.muted.small { (self.t("（送信組織。変更できません）", "(the sending organisation; fixed)")) }
                        (self.errs("sender"))
                    }
                    div.sender-grid {
                        (input("sender.department", self.t("部局名", "Department"), "text", "organization-title"))
                        (input("sender.person", self.t("担当者名", "Person in charge"), "text", "name"))
                        (input("sender.phone", self.t("電話番号", "Phone"), "tel", "tel"))
                        (input("sender.fax", self.t("FAX番号", "FAX"), "tel", "off"))
                        (input("sender.email", self.t("電子メールアドレス", "E-mail"), "email", "email"))
                    }
                }
            }
        }
    }

    fn importance(&self) -> Markup {
        let levels = self.app.reference.importance_levels();
        html! {
            tr #f-importance {
                th { (self.t("重要度", "Importance")) }
                td colspan="3" {
                    div.opts.col role="radiogroup" aria-label=(self.t("重要度", "Importance")) {
                        @for i in Importance::ALL {
                            @let def = levels.iter().find(|l| l.code == i.code())
                                .map(|l| self.t(&l.liaison.definition_ja, &l.liaison.definition_en));
                            (self.radio("importance", i.code(), self.t(i.label_ja(), i.label_en()), def))
                        }
                        (self.radio("importance", "", self.t("指定なし", "Not rated"), None))
                    }
                    (self.errs("importance"))
                }
            }
        }
    }

    fn tlp(&self) -> Markup {
        let levels = self.app.reference.tlp_levels();
        let footnote = self
            .app
            .reference
            .tlp_additional_rules()
            .iter()
            .find_map(|r| r.liaison_form_footnote.as_ref());
        html! {
            tr #f-tlp {
                th { span.req { (self.t("情報共有範囲", "Sharing scope (TLP)")) } }
                td colspan="3" {
                    div.opts.col role="radiogroup" aria-label=(self.t("情報共有範囲", "Sharing scope")) {
                        @for t in Tlp::ALL {
                            @let def = levels.iter().find(|l| l.code == t.code())
                                .map(|l| self.t(&l.liaison.body.ja, &l.liaison.body.en));
                            @let label = format!("TLP:{} = {}", t.code(), self.t(t.label_ja(), t.label_en()));
                            (self.radio("tlp", t.code(), &label, def))
                        }
                    }
                    @if let Some(f) = footnote {
                        p.muted.small { (self.t(&f.ja, &f.en)) }
                    }
                    (self.errs("tlp"))
                    (self.area("tlp_notes", self.t("特記事項（選択したTLPに関する補足。例: 企業名等を除いて他分野への情報提供可）",
                        "Special notes on the chosen TLP (e.g. what may be shared more widely)"), 2))
                }
            }
        }
    }

    fn events(&self) -> Markup {
        let r = self.app.reference;
        let class_name = |c: EventClass| match c {
            EventClass::NotOccurred => self.t("未発生の事象", "Events not (yet) occurred"),
            EventClass::Occurred => self.t("発生した事象", "Events that occurred"),
        };
        html! {
            tr #f-event {
                th { (self.t("①発生した事象の類型", "① Type of event")) }
                td colspan="3" {
                    div.muted.small { (self.t("最初に検知した事象を1つのみ選択（※２）", "Choose only the first event detected (*2)")) }
                    @for class in [EventClass::NotOccurred, EventClass::Occurred] {
                        div.grp { (class_name(class)) }
                        @for cat in r.event_categories().iter().filter(|c| c.class == class) {
                            div.field {
                                div.small { (self.t(&cat.name_ja, &cat.name_en)) }
                                div.opts.col {
                                    @for e in r.events().iter().filter(|e| e.category == cat.id) {
                                        @let label = format!("{} {}", e.code, self.t(&e.label_ja, &e.label_en));
                                        (self.radio("event", &e.code, &label, Some(self.t(&e.description_ja, &e.description_en))))
                                    }
                                }
                            }
                        }
                    }
                    (self.radio("event", "", self.t("未選択", "Not stated"), None))
                    (self.errs("event"))
                }
            }
        }
    }

    fn causes(&self) -> Markup {
        let r = self.app.reference;
        html! {
            tr #f-causes {
                th { (self.t("②上記事象における原因の類型", "② Type of cause")) }
                td colspan="3" {
                    div.muted.small { (self.t("複数選択可", "Several may be chosen")) }
                    @for g in r.cause_groups() {
                        fieldset {
                            legend { (self.t(&g.name_ja, &g.name_en)) }
                            div.opts {
                                @for c in r.causes_in_group(g.id) {
                                    @let id = radio_id("causes", &c.code);
                                    label for=(id) title=(c.code) {
                                        input type="checkbox" id=(id) name="causes" value=(c.code)
                                            checked[self.values.has("causes", &c.code)]
                                            aria-invalid=[self.invalid("causes")];
                                        " " (self.t(&c.label_ja, &c.label_en))
                                    }
                                }
                            }
                        }
                    }
                    (self.errs("causes"))
                }
            }
        }
    }

    fn sector(&self) -> Markup {
        let chosen = self.values.get("sector");
        let name = |id: &str| super::layout::sector_name(self.app, self.lang, id);
        html! {
            tr #f-sector {
                th { label.req for="sector" { (self.t("③分野名", "③ Sector")) } }
                td colspan="3" {
                    @if self.sector_fixed {
                        input type="hidden" name="sector" value=(chosen);
                        output #sector { (name(chosen)) }
                        span.muted.small { " " (self.t("（事案の分野。変更できません）", "(the case's sector; fixed)")) }
                    } @else {
                        select #sector name="sector" aria-invalid=[self.invalid("sector")] {
                            option value="" { (self.t("選択してください", "Choose")) }
                            @for s in &self.sectors {
                                option value=(s) selected[chosen == s] { (name(s)) }
                            }
                        }
                    }
                    (self.errs("sector"))
                }
            }
        }
    }

    fn impact(&self) -> Markup {
        let statuses = [
            ("no_impact", "影響なし", "No impact"),
            ("stopped", "停止中", "Stopped"),
            ("partly_running", "一部稼働中", "Partly running"),
            ("restored", "復旧済", "Restored"),
        ];
        let press = [
            ("done", "済", "Done"),
            ("planned", "予定有", "Planned"),
            ("none", "無", "None"),
        ];
        let ppc = [
            ("done", "済", "Done"),
            ("checking", "確認中", "Checking"),
            ("not_needed", "不要", "Not needed"),
        ];
        let choices = |name: &str, list: &[(&str, &str, &str)]| {
            html! {
                span.opts {
                    @for (code, ja, en) in list { (self.radio(name, code, self.t(ja, en), None)) }
                    (self.radio(name, "", self.t("未選択", "Not stated"), None))
                }
            }
        };
        html! {
            tr {
                th rowspan="2" { (self.t("⑥重要インフラサービス等への影響", "⑥ Impact on CI services")) }
                td colspan="3" {
                    div.field #f-impact-system_status {
                        div.lbl { (self.t("システムの稼働状況", "System status")) }
                        (choices("impact.system_status", &statuses))
                        (self.errs("impact.system_status"))
                    }
                    (self.service_level())
                    div.field #f-impact-spread_to_others {
                        div.lbl { (self.t("他の事業者等への波及の可能性", "Possible spread to other operators")) }
                        (self.yes_no("impact.spread_to_others", true))
                        (self.errs("impact.spread_to_others"))
                    }
                }
            }
            tr {
                td colspan="3" {
                    div.grp { (self.t("対外的な対応状況", "External response")) }
                    div.field #f-external-press {
                        div.lbl { (self.t("報道発表、報道等への掲載", "Press release / coverage")) }
                        (choices("external.press", &press))
                        (self.errs("external.press"))
                    }
                    (self.area("external.press_detail", self.t("（済・予定有では日時・件名、掲載ページのアドレス等）", "(when done or planned: date/time and title, or the page address)"), 2))
                    div.field #f-external-ppc {
                        div.lbl { (self.t("個人情報保護委員会への連絡", "Notification to the Personal Information Protection Commission")) }
                        (choices("external.ppc", &ppc))
                        (self.errs("external.ppc"))
                    }
                    (self.area("external.ppc_detail", self.t("（済では日時・件名）", "(when done: date/time and title)"), 2))
                    (self.area("external.other_contacts", self.t("その他NISC以外に連絡を行った先", "Other parties contacted besides NISC"), 2))
                }
            }
        }
    }

    /// ⑥サービス維持レベル逸脱の有無: the affected service, the figures its level is judged by,
    /// the evaluation (kept current by app.js) and an override with its reason. The value itself
    /// is derived, never typed.
    fn service_level(&self) -> Markup {
        let reference = self.app.reference;
        let sectors: Vec<&kakehashi_reference::Sector> = if self.sector_fixed {
            reference
                .sector(self.values.get("sector"))
                .into_iter()
                .collect()
        } else {
            self.sectors
                .iter()
                .filter_map(|s| reference.sector(s))
                .collect()
        };
        let chosen = self.values.get("impact.service");
        let number = |name: &str, hint: &str| {
            let id = dom_id(name);
            let (ja, en) = field_label(name).unwrap_or((name, name));
            html! {
                div.field.measure id={"f-" (id)} {
                    label.lbl for=(id) { (self.t(ja, en)) }
                    input type="text" inputmode="numeric" id=(id) name=(name) value=(self.values.get(name))
                        size="10" aria-invalid=[self.invalid(name)];
                    " " span.muted.small { (hint) }
                    (self.errs(name))
                }
            }
        };
        let relay = "impact.measures.relay_station_radio_equipment";
        let outage = "impact.measures.outage_occurred";
        let parsed = super::form_parse::parse(self.values);
        html! {
            div.field #f-impact-service {
                label.lbl for="impact-service" { (self.t("影響を受けた重要インフラサービス（行動計画 別紙２）", "Affected CI service (Action Plan Annex 2)")) }
                select #impact-service name="impact.service" aria-invalid=[self.invalid("impact.service")] {
                    option value="" { (self.t("選択しない", "None chosen")) }
                    @for sector in &sectors {
                        optgroup label=(self.t(&sector.name_ja, &sector.name_en)) {
                            @for sv in &sector.services {
                                option value=(sv.id) selected[chosen == sv.id] { (self.t(&sv.name_ja, &sv.name_en)) }
                            }
                        }
                    }
                }
                (self.errs("impact.service"))
            }
            fieldset.measures #f-impact-measures {
                legend { (self.t("影響の規模（サービス維持レベルの判定に使う指標。分かる範囲で）", "Scale of the impact (the figures the maintenance level is judged by, as far as known)")) }
                div.muted.small { (self.t(
                    "情報通信: 利用者数・継続時間（放送は継続時間）、電力: 供給支障電力・支障時間、ガス: 供給支障戸数。数値基準のない分野は「サービス障害が生じた」かどうか。",
                    "Telecommunications: users and duration (broadcasting: duration); power: supply lost and duration; gas: households. Sectors without numeric criteria: whether a service outage occurred.")) }
                (number("impact.measures.affected_users", self.t("人・契約", "users")))
                (number("impact.measures.duration_minutes", self.t("分（例: 2時間 = 120分）", "minutes (2 h = 120)")))
                (number("impact.measures.supply_loss_kw", "kW"))
                (number("impact.measures.households", self.t("戸", "households")))
                div.field #f-impact-measures-relay_station_radio_equipment {
                    label for="impact-measures-relay_station_radio_equipment" {
                        input type="checkbox" id="impact-measures-relay_station_radio_equipment" name=(relay) value="true"
                            checked[self.values.flag(relay)];
                        " " (self.t("故障した設備は中継局の無線設備（放送）", "The failed equipment is relay-station radio equipment (broadcasting)"))
                    }
                }
                div.field #f-impact-measures-outage_occurred {
                    div.lbl { (self.t("システムの不具合による重要インフラサービス障害が生じた（数値基準のないサービス）", "A CI service outage caused by a system malfunction occurred (services without numeric criteria)")) }
                    (self.yes_no(outage, true))
                    (self.errs(outage))
                }
                (self.errs("impact.measures"))
            }
            div #sml-preview-box {
                div #sml-preview aria-live="polite" { (super::sml_view::sml_box(self.lang, reference, &parsed.form.impact)) }
            }
            div.field #f-impact-sml_override {
                div.lbl { (self.t("判定の上書き（理由が必要です）", "Override the evaluation (a reason is required)")) }
                span.opts {
                    (self.radio("impact.sml_override", "", self.t("上書きしない", "Do not override"), None))
                    (self.radio("impact.sml_override", "true", self.t("逸脱ありとする", "Breached"), None))
                    (self.radio("impact.sml_override", "false", self.t("逸脱なしとする", "Not breached"), None))
                }
                (self.errs("impact.sml_override"))
            }
            (self.area("impact.sml_override.reason", self.t("上書きする理由", "Reason for the override"), 2))
            (self.errs("impact.sml_deviation"))
        }
    }

    fn timeline(&self) -> Markup {
        let mut rows = self.values.timeline();
        let mut next = rows.last().map(|r| r.0 + 1).unwrap_or(0);
        while rows.len() < 3 {
            rows.push((next, String::new(), String::new()));
            next += 1;
        }
        let invalid = self
            .errors
            .iter()
            .any(|e| e.field.starts_with("timeline"))
            .then_some("true");
        html! {
            tr #f-timeline {
                th { (self.t("⑦当該事象に係る推移等", "⑦ Course of events")) }
                td colspan="3" {
                    table {
                        thead { tr {
                            th scope="col" style="width:11rem" { (self.t("日時", "Date/time")) }
                            th scope="col" { (self.t("事象・対応状況等", "Event / response")) }
                        } }
                        tbody #timeline-rows data-next=(next) {
                            @for (i, at, ev) in &rows {
                                @let at_name = format!("timeline.{i}.at");
                                @let ev_name = format!("timeline.{i}.event");
                                @let at_id = format!("timeline-{i}-at");
                                @let ev_id = format!("timeline-{i}-event");
                                tr {
                                    td {
                                        label.sr for=(at_id) { (self.t("日時", "Date/time")) " (" (i + 1) ")" }
                                        input type="text" id=(at_id) name=(at_name) value=(at) placeholder="XX/XX 00:00" aria-invalid=[invalid];
                                    }
                                    td {
                                        label.sr for=(ev_id) { (self.t("事象・対応状況等", "Event / response")) " (" (i + 1) ")" }
                                        textarea id=(ev_id) name=(ev_name) rows="2" aria-invalid=[invalid] { (ev) }
                                    }
                                }
                            }
                        }
                    }
                    button.secondary.small #add-row type="button" hidden { (self.t("行を追加", "Add row")) }
                    span.muted.small { " " (self.t("必要に応じて行を追加して経緯を記載。", "Add rows as needed.")) }
                    (self.errs("timeline"))
                }
            }
        }
    }

    fn next_steps(&self) -> Markup {
        html! {
            tr #f-next_steps {
                th { (self.t("⑧今後の予定", "⑧ Next steps")) }
                td colspan="3" {
                    div.opts.col {
                        @for n in NextSteps::ALL {
                            (self.radio("next_steps", n.code(), self.t(n.label_ja(), n.label_en()), None))
                        }
                        (self.radio("next_steps", "", self.t("未選択", "Not stated"), None))
                    }
                    (self.errs("next_steps"))
                }
            }
        }
    }

    fn route(&self) -> Markup {
        let kind = self.authed.actor.org.kind;
        let check = |name: &str, ja: &str, en: &str, hint_ja: &str, hint_en: &str| {
            html! {
                div.field id={"f-" (name)} {
                    label for=(name) {
                        input type="checkbox" id=(name) name=(name) value="true"
                            checked[self.values.flag(name)] aria-invalid=[self.invalid(name)];
                        " " (self.t(ja, en))
                    }
                    span.opt-def { (self.t(hint_ja, hint_en)) }
                    (self.errs(name))
                }
            }
        };
        let recipients = html! {
            div.field #f-added_recipients {
                label.lbl for="added_recipients" { (self.t("追加の共有先（任意・複数選択可）", "Added recipients (optional, several allowed)")) }
                select.wide #added_recipients name="added_recipients" multiple aria-invalid=[self.invalid("added_recipients")] {
                    @for (id, name) in &self.recipients {
                        option value=(id) selected[self.values.has("added_recipients", id)] { (name) }
                    }
                }
                div.muted.small { (self.t("選択したTLPの範囲外に共有したい組織を送信者として追加します。",
                    "Organisations outside the chosen TLP scope that you, the sender, add.")) }
                (self.errs("added_recipients"))
            }
        };
        // 別紙４－２ L7/L8: offered only while the large-scale mode is in force for the
        // organisation's sectors; the planner refuses it for a sector outside the declaration.
        let direct = check(
            "to_cabinet_secretariat",
            "内閣官房へ直接連絡（大規模障害対応時）",
            "Report directly to the Cabinet Secretariat (large-scale outage)",
            "大規模重要インフラサービス障害対応中の分野に限り、NISCと事態対処・危機管理担当が一体となった内閣官房へ直接送ります。法令等報告対象の事象は所管省庁にも送られます。",
            "Only for sectors under the large-scale outage declaration: goes straight to the Cabinet Secretariat (NISC and the crisis-management office as one hub). Statutory events go to the ministry as well.",
        );
        html! {
            fieldset #route {
                legend { (self.t("送信経路", "Route")) }
                @match &self.mode {
                    Mode::Forward { ceptoar, .. } => {
                        @if *ceptoar {
                            (check("anonymise", "匿名化して転送する", "Anonymise before forwarding",
                                "事業者名・連絡先等を伏せてから所管省庁へ送ります（上のプレビュー参照）。",
                                "Masks the operator's name and contacts before it goes to the ministry (see the preview above)."))
                            // The extra terms chosen in the preview travel with the form.
                            @for m in self.values.all("mask") {
                                input type="hidden" name="mask" value=(m);
                            }
                        }
                        p.muted.small {
                            @if kind == OrgKind::Ceptoar { (self.t("転送先: 分野の所管省庁", "Goes to: the sector's ministry")) }
                            @else { (self.t("転送先: 内閣官房（NISC）", "Goes to: the Cabinet Secretariat (NISC)")) }
                        }
                    }
                    Mode::FollowUp { .. } => {
                        (self.inherited_route())
                        @if kind == OrgKind::Operator {
                            (check("via_ceptoar", "セプター経由（匿名化）", "Via the CEPTOAR (anonymised)",
                                "第1報の経路を初期値としています。報ごとに変更できますが、直接送ると所管省庁に貴社名が伝わります。",
                                "Starts as the first report went; may change per report, but going direct tells the ministry who you are."))
                            (check("urgent", "緊急（NISCへ同報）", "Urgent (copy NISC at once)",
                                "第1報の選択を初期値としています。報ごとに選べます。",
                                "Starts as the first report chose; decided per report."))
                        }
                        @if self.large_scale_direct(kind) { (direct) }
                    }
                    Mode::New => {
                        (self.reporting_case())
                        // The consultation this report follows (相談): linked and closed on sending.
                        @if !self.values.get("consultation").is_empty() {
                            input type="hidden" name="consultation" value=(self.values.get("consultation"));
                        }
                        // The exercise (演習) this report is filed in: numbered E-R<n>.
                        @if !self.values.get("exercise").is_empty() {
                            input type="hidden" name="exercise" value=(self.values.get("exercise"));
                        }
                        @if kind == OrgKind::Operator {
                            (check("via_ceptoar", "セプター経由（匿名化）", "Via the CEPTOAR (anonymised)",
                                "法令等報告対象外の場合に限り、セプター事務局が匿名化して所管省庁へ送ります。",
                                "Non-statutory only: the CEPTOAR secretariat anonymises it and sends it to the ministry."))
                            (check("urgent", "緊急（NISCへ同報）", "Urgent (copy NISC at once)",
                                "特に緊急の場合、NISCにも同時に送ります。",
                                "When especially urgent, NISC receives a copy at the same time."))
                        }
                        @if self.large_scale_direct(kind) { (direct) }
                    }
                }
                (recipients)
                (self.preview_box())
            }
        }
    }

    /// 情報連絡を行う場合 ①–③: one required choice, each with what it means before sending;
    /// ② names who judged the impact serious. The older `statutory` box counts as ① (clients
    /// that post it keep working), so a form re-shown after an error keeps that choice.
    fn reporting_case(&self) -> Markup {
        use kakehashi_domain::liaison::case::{FRAGMENTARY_OK, WHEN_UNSURE};
        use kakehashi_domain::liaison::ReportingCase;
        let chosen = ReportingCase::from_code(self.values.get("case")).or_else(|| {
            self.values
                .flag("statutory")
                .then_some(ReportingCase::Statutory)
        });
        html! {
            fieldset.field #f-case aria-describedby="case-help" {
                legend.lbl {
                    span.req { (self.t("情報連絡を行うケース", "Which case this report is filed under")) }
                }
                p.muted.small #case-help { (self.t(FRAGMENTARY_OK.0, FRAGMENTARY_OK.1)) }
                div.opts.col.case-options {
                    @for c in ReportingCase::ALL {
                        @let id = radio_id("case", c.code());
                        div.case-option data-case=(c.code()) {
                            label for=(id) {
                                input type="radio" id=(id) name="case" value=(c.code())
                                    checked[chosen == Some(c)] required
                                    aria-invalid=[self.invalid("case")];
                                " " strong { (c.mark()) } " " (self.t(c.label_ja(), c.label_en()))
                            }
                            ul.small.case-consequences {
                                @for (ja, en) in c.consequences() { li { (self.t(ja, en)) } }
                            }
                        }
                    }
                }
                (self.errs("case"))
                div.field #f-case_judged_by {
                    label.lbl for="case_judged_by" {
                        (self.t("②の場合: 深刻な影響があると判断した関係主体", "Case ②: the stakeholder who judged the impact serious"))
                    }
                    input type="text" #case_judged_by name="case_judged_by" maxlength="200"
                        value=(self.values.get("case_judged_by"))
                        aria-invalid=[self.invalid("case_judged_by")];
                    (self.errs("case_judged_by"))
                }
                p.small #case-unsure { (self.t(WHEN_UNSURE.0, WHEN_UNSURE.1)) }
                // 相談: an operator consults in a thread on the platform, then files from it.
                @if self.authed.actor.org.kind == OrgKind::Operator {
                    p.small #consult-note {
                        a href="/consultations/new" { (self.t("どのケースに該当するか不明な場合は、所管省庁・セプター・内閣官房に相談できます",
                            "Unsure which case applies? You can consult your ministry, your CEPTOAR or the Cabinet Secretariat")) }
                    }
                }
            }
        }
    }

    /// Whether the direct report to 内閣官房 is offered: an operator or CEPTOAR secretariat
    /// while the large-scale mode covers one of its sectors.
    fn large_scale_direct(&self, kind: OrgKind) -> bool {
        matches!(kind, OrgKind::Operator | OrgKind::Ceptoar)
            && self.authed.actor.large_scale.as_ref().is_some_and(|m| {
                self.authed
                    .actor
                    .org
                    .sectors
                    .iter()
                    .any(|s| m.sectors.contains(&s.0))
            })
    }

    /// 続報: the case's route as its first report went, and what is fixed.
    fn inherited_route(&self) -> Markup {
        let yes_no = |b: bool| {
            if b {
                self.t("該当", "Yes")
            } else {
                self.t("非該当", "No")
            }
        };
        let with = |b: bool| {
            if b {
                self.t("あり", "Yes")
            } else {
                self.t("なし", "No")
            }
        };
        html! {
            div.field #inherited-route {
                div.lbl { (self.t("第1報の経路（引き継ぎ）", "Route of the first report (inherited)")) }
                @if let Some(r) = &self.inherited {
                    ul.small {
                        li #inherited-statutory {
                            (self.t("法令等報告対象", "Statutory report")) (super::layout::colon(self.lang)) strong { (yes_no(r.statutory)) }
                            " " span.muted { (self.t("（事案の区分のため変更できません）", "(the case's classification; fixed)")) }
                        }
                        li #inherited-via_ceptoar {
                            (self.t("セプター経由（匿名化）", "Via the CEPTOAR (anonymised)")) (super::layout::colon(self.lang)) strong { (with(r.via_ceptoar)) }
                            " " span.muted { (self.t("（報ごとに変更可）", "(may change per report)")) }
                        }
                        li #inherited-urgent {
                            (self.t("緊急（NISCへ同報）", "Urgent copy to NISC")) (super::layout::colon(self.lang)) strong { (with(r.urgent)) }
                            " " span.muted { (self.t("（報ごとに選択）", "(chosen per report)")) }
                        }
                    }
                } @else {
                    p.muted.small { (self.t("続報の経路区分は第1報のものを引き継ぎます。", "A follow-up keeps the first report's route classification.")) }
                }
            }
        }
    }

    /// Where the report will go with the current choices; app.js refreshes it when they change.
    fn preview_box(&self) -> Markup {
        let r = &self.route_preview;
        let kind = match r.kind {
            FilingKind::First => "first",
            FilingKind::FollowUp => "follow_up",
            FilingKind::Forward => "forward",
        };
        html! {
            section #route-preview-box aria-labelledby="route-preview-title" {
                h3 #route-preview-title { (self.t("送信先（送信前の確認）", "Where it goes (before sending)")) }
                div #route-preview data-kind=(kind) data-target=[r.target.as_deref()]
                    data-version="0" aria-live="polite" {
                    (r.content)
                }
            }
        }
    }

    fn submit_label(&self) -> &str {
        match self.mode {
            Mode::New => self.t("送信する", "Send"),
            Mode::FollowUp { .. } => self.t("続報を送信する", "Send follow-up"),
            Mode::Forward { .. } => self.t("転送する", "Forward"),
        }
    }

    /// The whole form.
    pub fn render(&self) -> Markup {
        let operator_label = self.t(
            "④事象が発生した重要インフラ事業者等名",
            "④ Affected CI operator",
        );
        html! {
            (self.summary())
            form.liaison method="post" action=(self.action) novalidate {
                input type="hidden" name="csrf" value=(self.authed.csrf());
                p.muted.small {
                    (self.t("*が付与された項目は必須事項。情報連絡の迅速性を優先するため、必ずしも全ての項目を記載する必要はありません（※４）。",
                        "Items marked * are required. Speed comes first: not every item must be filled (*4)."))
                }
                table.sheet-form {
                    tbody {
                        (self.importance())
                        (self.numbering())
                        tr #f-reported_at {
                            th { label.req for="reported_at" { (self.t("情報連絡日時", "Liaison date/time")) } }
                            td colspan="3" {
                                (when_input("reported_at", "reported_at", self.values.get("reported_at"), self.invalid("reported_at")))
                                " " span.muted.small #reported_at-hint { (self.t("いつ時点での内容か（日本時間・24時間表記、例: 2026-11-20 13:15）。空欄なら送信時刻。",
                                    "As of when the content holds (JST, 24-hour clock, e.g. 2026-11-20 13:15). Blank = time of sending.")) }
                                (self.errs("reported_at"))
                            }
                        }
                        (self.sender())
                        (self.tlp())
                        (self.events())
                        (self.causes())
                        tr #f-has_attachments {
                            th { span.req { (self.t("別紙有無", "Attachments")) } }
                            td colspan="3" {
                                (self.yes_no("has_attachments", false))
                                (self.errs("has_attachments"))
                            }
                        }
                    }
                }
                h2 { (self.t("◆情報連絡の内容", "◆ Content of the liaison")) }
                table.sheet-form {
                    tbody {
                        (self.sector())
                        tr {
                            th { (operator_label) }
                            td colspan="3" { (self.text("operator_name", operator_label, false)) }
                        }
                        tr {
                            th { (self.t("⑤概要", "⑤ Summary")) }
                            td colspan="3" {
                                (self.when("summary.discovered_at", self.t("判明日時", "Discovered at"), false, None))
                                (self.when("summary.occurred_at", self.t("（発生日時）", "(Occurred at)"), false, None))
                                (self.text("summary.occurred_note", self.t("発生日時の注記（例: サーバログ等より推測）", "Note on the occurrence time (e.g. estimated from server logs)"), true))
                                (self.area("summary.affected_system", self.t("事象が発生したシステム・委託先業者等", "Affected system / contractor"), 2))
                                (self.area("summary.description", self.t("発生事象の概要", "Description of the event"), 5))
                            }
                        }
                        tr {
                            th { (self.t("（補足情報）", "(Supplementary information)")) }
                            td colspan="3" { (self.area_l("supplementary", self.t("補足情報", "Supplementary information"), 3, false)) }
                        }
                        (self.impact())
                        (self.timeline())
                        (self.next_steps())
                        tr {
                            th { (self.t("⑨その他・得られた教訓等", "⑨ Other / lessons learned")) }
                            td colspan="3" { (self.area_l("lessons", self.t("その他・得られた教訓等", "Other / lessons learned"), 3, false)) }
                        }
                    }
                }
                (self.route())
                div.actions {
                    button #submit type="submit" { (self.submit_label()) }
                    a href="/inbox" { (self.t("取り消す", "Cancel")) }
                }
            }
        }
    }
}

/// Prefills the sender block (情報連絡元) from the person's profile: the default a fresh form
/// starts with; the person may change it before sending.
pub fn profile_sender(values: &mut super::form_parse::Values, a: &Authed) {
    let r = &a.actor.record;
    values.set("sender.department", r.department.clone());
    values.set("sender.person", r.display_name.clone());
    values.set("sender.phone", r.phone.clone());
    values.set("sender.fax", "");
    values.set("sender.email", r.email.clone());
}

/// Organisations offered as added recipients: everyone but the sender's own organisation.
pub fn recipient_options(
    lang: Lang,
    orgs: &[kakehashi_store::OrgRecord],
    own: &str,
) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = orgs
        .iter()
        .filter(|o| o.id.0 != own)
        .map(|o| {
            (
                o.id.0.clone(),
                org_name(lang, &o.name_ja, &o.name_en).to_owned(),
            )
        })
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}

/// A date-time field as plain text (JST, 24-hour): the browser's `datetime-local` control follows
/// the browser's locale (12-hour AM/PM in many), contradicting the label.
fn when_input(id: &str, name: &str, value: &str, invalid: Option<&str>) -> Markup {
    html! {
        input.when type="text" id=(id) name=(name) value=(value) autocomplete="off" spellcheck="false"
            placeholder="2026-11-20 13:15" size="16" maxlength="19" aria-describedby={ (id) "-hint" }
            aria-invalid=[invalid];
    }
}
