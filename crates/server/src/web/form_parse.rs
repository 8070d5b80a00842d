//! From the browser's form fields to a [`LiaisonForm`] and the route choices.
//!
//! Input names are the form's dotted serde paths (`summary.discovered_at`, `timeline.3.event`),
//! so an error's `field` names the input it belongs to. The editor renders from the raw
//! [`Values`], never from the parsed form, so a re-rendered form keeps exactly what was typed —
//! including a date that did not parse. Unparsable input becomes a field error of the same shape
//! as the domain's validation errors.

use crate::i18n::{local_value, parse_local};
use chrono::{DateTime, Utc};
use kakehashi_domain::liaison::{
    field_label, ImpactMeasures, LiaisonForm, NextSteps, SmlOverride, TimelineRow,
};
use kakehashi_domain::{Importance, SectorId, Tlp};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;

/// Submitted (or prefilled) name/value pairs in document order; names may repeat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values(pub Vec<(String, String)>);

impl Values {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every non-empty value of `name` (checkbox groups, multi-selects).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// A checkbox: present with a true-ish value.
    pub fn flag(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|(k, v)| k == name && matches!(v.as_str(), "true" | "on" | "1" | "yes"))
    }

    /// Replaces every value of `name` with one value.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_owned(), value.into()));
    }

    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((name.to_owned(), value.into()));
    }

    /// Drops every value of `name`.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(k, _)| k != name);
    }

    /// ⑦ rows as `(index, at, event)`, by index; indices as submitted (rows may have gaps).
    pub fn timeline(&self) -> Vec<(usize, String, String)> {
        let mut rows: BTreeMap<usize, (String, String)> = BTreeMap::new();
        for (k, v) in &self.0 {
            if let Some((i, part)) = timeline_key(k) {
                let row = rows.entry(i).or_default();
                match part {
                    "at" => row.0 = v.clone(),
                    _ => row.1 = v.clone(),
                }
            }
        }
        rows.into_iter().map(|(i, (a, e))| (i, a, e)).collect()
    }
}

/// `timeline.N.at` / `timeline.N.event` → (N, part).
fn timeline_key(k: &str) -> Option<(usize, &str)> {
    let rest = k.strip_prefix("timeline.")?;
    let (i, part) = rest.split_once('.')?;
    if part != "at" && part != "event" {
        return None;
    }
    Some((i.parse().ok()?, part))
}

/// One problem with one input; `field` is the input's name (a dotted path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldErr {
    pub field: String,
    pub rule: String,
    pub message_ja: String,
    pub message_en: String,
}

impl FieldErr {
    fn new(field: &str, rule: &str, ja: String, en: String) -> Self {
        FieldErr {
            field: field.to_owned(),
            rule: rule.to_owned(),
            message_ja: ja,
            message_en: en,
        }
    }
}

/// Choices outside the form itself: how the report travels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    pub statutory: bool,
    /// 情報連絡を行う場合 ①–③ (first reports): `case`, or ① from the older `statutory` box.
    pub case: Option<kakehashi_domain::liaison::ReportingCase>,
    /// Case ②: who judged the impact serious.
    pub case_judged_by: String,
    pub via_ceptoar: bool,
    pub urgent: bool,
    /// Large-scale mode: directly to 内閣官房.
    pub to_cabinet_secretariat: bool,
    /// CEPTOAR forwarding only.
    pub anonymise: bool,
    pub added_recipients: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub form: LiaisonForm,
    pub route: Route,
    /// Inputs that could not be read; the form is not sent when any exist.
    pub errors: Vec<FieldErr>,
}

fn labels(field: &str) -> (String, String) {
    match field_label(field) {
        Some((ja, en)) => (ja.to_owned(), en.to_owned()),
        None => (field.to_owned(), field.to_owned()),
    }
}

/// The wire code of a serde enum (`"partly_running"`).
pub fn code_of<T: Serialize>(t: &T) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn from_code<T: DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

/// Browsers submit textarea line breaks as CRLF; store LF.
fn text(v: &Values, name: &str) -> String {
    v.get(name).replace("\r\n", "\n")
}

struct Reader<'a> {
    v: &'a Values,
    errors: Vec<FieldErr>,
}

impl Reader<'_> {
    fn time(&mut self, name: &str) -> Option<DateTime<Utc>> {
        let raw = self.v.get(name);
        if raw.trim().is_empty() {
            return None;
        }
        let t = parse_local(raw);
        if t.is_none() {
            let (ja, en) = labels(name);
            self.errors.push(FieldErr::new(
                name,
                "format",
                format!("「{ja}」は「2023-08-19 13:15」の形式（日本時間、24時間表記）で入力してください（入力値: {raw}）。"),
                format!("{en}: enter a date and time like 2023-08-19 13:15 (JST, 24-hour clock); got '{raw}'."),
            ));
        }
        t
    }

    fn choice<T>(&mut self, name: &str, read: impl Fn(&str) -> Option<T>) -> Option<T> {
        let raw = self.v.get(name).trim().to_owned();
        if raw.is_empty() {
            return None;
        }
        let t = read(&raw);
        if t.is_none() {
            let (ja, en) = labels(name);
            self.errors.push(FieldErr::new(
                name,
                "unknown_code",
                format!("「{ja}」の値「{raw}」は選択肢にありません。"),
                format!("{en}: '{raw}' is not one of the choices."),
            ));
        }
        t
    }

    /// A whole number such as 利用者数: half- or full-width digits, with or without 3-digit
    /// separators (30,000 / ３０，０００).
    fn count(&mut self, name: &str) -> Option<u64> {
        let raw = self.v.get(name).trim().to_owned();
        if raw.is_empty() {
            return None;
        }
        let digits: String = raw
            .chars()
            .map(kakehashi_domain::numbering::to_half_width)
            .filter(|c| !matches!(c, ',' | '，' | '、' | ' '))
            .collect();
        let n = digits
            .parse::<u64>()
            .ok()
            .filter(|_| digits.chars().all(|c| c.is_ascii_digit()));
        if n.is_none() {
            let (ja, en) = labels(name);
            self.errors.push(FieldErr::new(
                name,
                "format",
                format!("「{ja}」は0以上の整数で入力してください（入力値: {raw}）。"),
                format!("{en}: enter a whole number of 0 or more; got '{raw}'."),
            ));
        }
        n
    }

    fn yes_no(&mut self, name: &str) -> Option<bool> {
        self.choice(name, |s| match s {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })
    }
}

/// Reads the editor's fields. 報数, 識別番号 and the sender's organisation are never read: the
/// system fills them.
pub fn parse(v: &Values) -> Parsed {
    let mut r = Reader {
        v,
        errors: Vec::new(),
    };
    let mut f = LiaisonForm {
        importance: r.choice("importance", Importance::from_code),
        reported_at: r.time("reported_at"),
        tlp: r.choice("tlp", Tlp::from_code),
        tlp_notes: text(v, "tlp_notes"),
        has_attachments: r.yes_no("has_attachments"),
        event: Some(v.get("event").trim().to_owned()).filter(|s| !s.is_empty()),
        causes: v.all("causes").map(|s| s.trim().to_owned()).collect(),
        sector: Some(v.get("sector").trim())
            .filter(|s| !s.is_empty())
            .map(|s| SectorId(s.to_owned())),
        operator_name: text(v, "operator_name"),
        supplementary: text(v, "supplementary"),
        next_steps: r.choice("next_steps", NextSteps::from_code),
        lessons: text(v, "lessons"),
        ..LiaisonForm::default()
    };
    f.sender.department = text(v, "sender.department");
    f.sender.person = text(v, "sender.person");
    f.sender.phone = text(v, "sender.phone");
    f.sender.fax = text(v, "sender.fax");
    f.sender.email = text(v, "sender.email");
    f.summary.discovered_at = r.time("summary.discovered_at");
    f.summary.occurred_at = r.time("summary.occurred_at");
    f.summary.occurred_note = text(v, "summary.occurred_note");
    f.summary.affected_system = text(v, "summary.affected_system");
    f.summary.description = text(v, "summary.description");
    f.impact.system_status = r.choice("impact.system_status", from_code);
    // ⑥逸脱の有無 is derived from the service, its figures and an override; never read.
    f.impact.service = Some(v.get("impact.service").trim())
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    f.impact.measures = ImpactMeasures {
        affected_users: r.count("impact.measures.affected_users"),
        duration_minutes: r.count("impact.measures.duration_minutes"),
        supply_loss_kw: r.count("impact.measures.supply_loss_kw"),
        households: r.count("impact.measures.households"),
        relay_station_radio_equipment: v.flag("impact.measures.relay_station_radio_equipment"),
        outage_occurred: r.yes_no("impact.measures.outage_occurred"),
    };
    let reason = text(v, "impact.sml_override.reason");
    f.impact.sml_override = match r.yes_no("impact.sml_override") {
        Some(deviation) => Some(SmlOverride { deviation, reason }),
        None => {
            if !reason.trim().is_empty() {
                let (ja, en) = labels("impact.sml_override");
                r.errors.push(FieldErr::new(
                    "impact.sml_override",
                    "required",
                    format!("理由を入力した場合は「{ja}」で逸脱あり・逸脱なしのどちらかを選んでください。"),
                    format!("{en}: a reason was entered; choose breached or not breached."),
                ));
            }
            None
        }
    };
    f.impact.spread_to_others = r.yes_no("impact.spread_to_others");
    f.external.press = r.choice("external.press", from_code);
    f.external.press_detail = text(v, "external.press_detail");
    f.external.ppc = r.choice("external.ppc", from_code);
    f.external.ppc_detail = text(v, "external.ppc_detail");
    f.external.other_contacts = text(v, "external.other_contacts");
    f.timeline = v
        .timeline()
        .into_iter()
        .filter(|(_, at, ev)| !at.trim().is_empty() || !ev.trim().is_empty())
        .map(|(_, at, ev)| TimelineRow {
            at: at.replace("\r\n", "\n"),
            event: ev.replace("\r\n", "\n"),
        })
        .collect();
    let route = Route {
        statutory: v.flag("statutory"),
        case: kakehashi_domain::liaison::ReportingCase::from_code(v.get("case")),
        case_judged_by: v.get("case_judged_by").trim().to_owned(),
        via_ceptoar: v.flag("via_ceptoar"),
        urgent: v.flag("urgent"),
        to_cabinet_secretariat: v.flag("to_cabinet_secretariat"),
        anonymise: v.flag("anonymise"),
        added_recipients: v.all("added_recipients").map(str::to_owned).collect(),
    };
    Parsed {
        form: f,
        route,
        errors: r.errors,
    }
}

/// The editor's fields for a form (prefilling follow-ups and forwards); the inverse of [`parse`]
/// for everything a person types except the sender block, which is each sender's own (the
/// pages prefill it from the person's profile).
pub fn to_values(f: &LiaisonForm) -> Values {
    let mut v = Values::default();
    let mut put = |k: &str, s: String| {
        if !s.is_empty() {
            v.push(k, s);
        }
    };
    put(
        "importance",
        f.importance
            .map(|i| i.code().to_owned())
            .unwrap_or_default(),
    );
    put("reported_at", local_value(f.reported_at));
    put(
        "tlp",
        f.tlp.map(|t| t.code().to_owned()).unwrap_or_default(),
    );
    put("tlp_notes", f.tlp_notes.clone());
    put(
        "has_attachments",
        f.has_attachments.map(|b| b.to_string()).unwrap_or_default(),
    );
    put("event", f.event.clone().unwrap_or_default());
    for c in &f.causes {
        put("causes", c.clone());
    }
    put(
        "sector",
        f.sector.as_ref().map(|s| s.0.clone()).unwrap_or_default(),
    );
    put("operator_name", f.operator_name.clone());
    put(
        "summary.discovered_at",
        local_value(f.summary.discovered_at),
    );
    put("summary.occurred_at", local_value(f.summary.occurred_at));
    put("summary.occurred_note", f.summary.occurred_note.clone());
    put("summary.affected_system", f.summary.affected_system.clone());
    put("summary.description", f.summary.description.clone());
    put("supplementary", f.supplementary.clone());
    put(
        "impact.system_status",
        f.impact
            .system_status
            .map(|s| code_of(&s))
            .unwrap_or_default(),
    );
    put(
        "impact.service",
        f.impact.service.clone().unwrap_or_default(),
    );
    let m = &f.impact.measures;
    for (name, n) in [
        ("impact.measures.affected_users", m.affected_users),
        ("impact.measures.duration_minutes", m.duration_minutes),
        ("impact.measures.supply_loss_kw", m.supply_loss_kw),
        ("impact.measures.households", m.households),
    ] {
        put(name, n.map(|n| n.to_string()).unwrap_or_default());
    }
    if m.relay_station_radio_equipment {
        put(
            "impact.measures.relay_station_radio_equipment",
            "true".into(),
        );
    }
    put(
        "impact.measures.outage_occurred",
        m.outage_occurred.map(|b| b.to_string()).unwrap_or_default(),
    );
    if let Some(o) = &f.impact.sml_override {
        put("impact.sml_override", o.deviation.to_string());
        put("impact.sml_override.reason", o.reason.clone());
    }
    put(
        "impact.spread_to_others",
        f.impact
            .spread_to_others
            .map(|b| b.to_string())
            .unwrap_or_default(),
    );
    put(
        "external.press",
        f.external.press.map(|s| code_of(&s)).unwrap_or_default(),
    );
    put("external.press_detail", f.external.press_detail.clone());
    put(
        "external.ppc",
        f.external.ppc.map(|s| code_of(&s)).unwrap_or_default(),
    );
    put("external.ppc_detail", f.external.ppc_detail.clone());
    put("external.other_contacts", f.external.other_contacts.clone());
    for (i, row) in f.timeline.iter().enumerate() {
        put(&format!("timeline.{i}.at"), row.at.clone());
        put(&format!("timeline.{i}.event"), row.event.clone());
    }
    put(
        "next_steps",
        f.next_steps
            .map(|n| n.code().to_owned())
            .unwrap_or_default(),
    );
    put("lessons", f.lessons.clone());
    v
}

/// Domain validation errors in the editor's shape. Timeline errors name `timeline.at` /
/// `timeline.event` (the row is in the message); the editor shows them at the table.
pub fn from_app_errors(e: &kakehashi_app::AppError) -> Vec<FieldErr> {
    crate::error::field_errors(e)
        .into_iter()
        .map(|(field, rule, ja, en)| FieldErr {
            field,
            rule,
            message_ja: ja,
            message_en: en,
        })
        .collect()
}

/// When some inputs could not be read the form is not sent, but the domain rules still check the
/// rest, so the person can fix everything in one pass. Fields the system fills (the sender's
/// organisation, 報数, 識別番号) are left out, as are fields that already have a reading error.
pub fn prevalidate(
    parsed: &Parsed,
    reference: &kakehashi_reference::Reference,
    now: DateTime<Utc>,
) -> Vec<FieldErr> {
    let mut f = parsed.form.clone();
    f.report_no = 1;
    f.ident_number = None;
    f.sender.organisation = "-".into();
    let bad = |field: &str| parsed.errors.iter().any(|e| e.field == field);
    if f.reported_at.is_none() && !bad("reported_at") {
        f.reported_at = Some(now);
    }
    let ctx = kakehashi_domain::liaison::ValidationContext::at(now);
    match kakehashi_domain::liaison::validate(
        &f,
        &kakehashi_app::taxonomy::RefTaxonomy(reference),
        &ctx,
    ) {
        Ok(()) => Vec::new(),
        Err(errs) => errs
            .iter()
            .filter(|e| {
                e.field != "sender.organisation"
                    && e.field != "report_no"
                    && e.field != "ident_number"
                    && !bad(e.field)
            })
            .map(|e| FieldErr::new(e.field, e.rule, e.message_ja.clone(), e.message_en.clone()))
            .collect(),
    }
}

/// What a filing use case's result means for the editor.
pub enum Outcome {
    /// Sent: go to the chain and say where it went.
    Sent(kakehashi_app::liaison::Filed),
    /// Bad input: re-render with these errors (422).
    Invalid(Vec<FieldErr>),
    /// Anything else: an error page.
    Failed(kakehashi_app::AppError),
}

impl From<kakehashi_app::AppResult<kakehashi_app::liaison::Filed>> for Outcome {
    fn from(r: kakehashi_app::AppResult<kakehashi_app::liaison::Filed>) -> Self {
        use kakehashi_app::AppError;
        match r {
            Ok(f) => Outcome::Sent(f),
            Err(e @ (AppError::Invalid(_) | AppError::BadField { .. })) => {
                Outcome::Invalid(from_app_errors(&e))
            }
            Err(e) => Outcome::Failed(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kakehashi_domain::liaison::{PpcStatus, PressStatus, SystemStatus};

    fn pairs(list: &[(&str, &str)]) -> Values {
        Values(
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn filled() -> Values {
        pairs(&[
            ("csrf", "x"),
            ("importance", "reference"),
            ("reported_at", "2023-08-19T13:15"),
            ("tlp", "GREEN"),
            ("tlp_notes", "企業名等を除いて他分野への情報提供可。"),
            ("has_attachments", "false"),
            ("event", "EV-03"),
            ("causes", "CA-A-07"),
            ("causes", "CA-O-02"),
            ("sector", "information_communications"),
            ("operator_name", "○○株式会社"),
            ("summary.discovered_at", "2023-08-19T02:59"),
            ("summary.occurred_at", "2023-08-18T20:00"),
            ("summary.occurred_note", "サーバログ等より推測"),
            ("summary.affected_system", "会員情報管理サービス"),
            (
                "summary.description",
                "WEBサイトが改竄された。\r\nサービス停止中。",
            ),
            ("supplementary", "CMSの脆弱性と想定。"),
            ("impact.system_status", "stopped"),
            ("impact.service", "general_transmission_distribution"),
            ("impact.measures.supply_loss_kw", "１００，０００"),
            ("impact.measures.duration_minutes", "9"),
            ("impact.spread_to_others", "false"),
            ("external.press", "done"),
            ("external.press_detail", "XX/XX 09:00頃 ニュースリリース"),
            ("external.ppc", "not_needed"),
            ("external.ppc_detail", ""),
            ("external.other_contacts", "○○県警へ通報"),
            ("timeline.0.at", "XX/XX 00:00"),
            ("timeline.0.event", "匿名メールを受信。"),
            ("timeline.1.at", ""),
            ("timeline.1.event", ""),
            ("timeline.2.at", "XX/XX 03:00"),
            ("timeline.2.event", "サーバを停止。"),
            ("next_steps", "ongoing"),
            ("lessons", "エスカレーション体制の確認。"),
            ("sender.organisation", "ignored: the sender's organisation"),
            ("sender.person", "連絡 太郎"),
            ("sender.fax", "03-1234-5679"),
            ("statutory", "true"),
            ("urgent", "true"),
            ("added_recipients", "org-a"),
            ("added_recipients", "org-b"),
        ])
    }

    #[test]
    fn a_filled_form_parses_into_the_expected_liaison_form() {
        let p = parse(&filled());
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let f = &p.form;
        assert_eq!(f.importance, Some(Importance::Reference));
        assert_eq!(
            f.reported_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2023-08-19T04:15:00+00:00")
        );
        assert_eq!(f.tlp, Some(Tlp::Green));
        assert_eq!(f.has_attachments, Some(false));
        assert_eq!(f.event.as_deref(), Some("EV-03"));
        assert_eq!(f.causes, vec!["CA-A-07", "CA-O-02"]);
        assert_eq!(
            f.sector,
            Some(SectorId("information_communications".into()))
        );
        assert_eq!(
            f.summary.occurred_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2023-08-18T11:00:00+00:00")
        );
        assert_eq!(
            f.summary.description,
            "WEBサイトが改竄された。\nサービス停止中。"
        );
        assert_eq!(f.impact.system_status, Some(SystemStatus::Stopped));
        assert_eq!(f.impact.sml_deviation, None, "derived, never read");
        assert_eq!(f.impact.measures.supply_loss_kw, Some(100_000));
        assert_eq!(f.impact.measures.duration_minutes, Some(9));
        assert_eq!(f.external.press, Some(PressStatus::Done));
        assert_eq!(f.external.ppc, Some(PpcStatus::NotNeeded));
        assert_eq!(f.external.other_contacts, "○○県警へ通報");
        // The blank middle row is dropped; order follows the row index.
        assert_eq!(
            f.timeline,
            vec![
                TimelineRow {
                    at: "XX/XX 00:00".into(),
                    event: "匿名メールを受信。".into()
                },
                TimelineRow {
                    at: "XX/XX 03:00".into(),
                    event: "サーバを停止。".into()
                },
            ]
        );
        assert_eq!(f.next_steps, Some(NextSteps::Ongoing));
        assert_eq!(f.report_no, 0, "the system numbers reports");
        assert!(
            f.sender.organisation.is_empty(),
            "the system fills the sender's organisation"
        );
        assert_eq!(f.sender.person, "連絡 太郎");
        assert_eq!(f.sender.fax, "03-1234-5679");
        assert_eq!(
            p.route,
            Route {
                statutory: true,
                via_ceptoar: false,
                urgent: true,
                to_cabinet_secretariat: false,
                anonymise: false,
                added_recipients: vec!["org-a".into(), "org-b".into()],
                case: None,
                case_judged_by: String::new(),
            }
        );
    }

    #[test]
    fn prefilled_values_round_trip_without_the_senders_block() {
        let f = parse(&filled()).form;
        let again = parse(&to_values(&f));
        assert!(again.errors.is_empty(), "{:?}", again.errors);
        assert_eq!(
            again.form.sender,
            Default::default(),
            "a prefill never carries the previous sender"
        );
        let mut without = f.clone();
        without.sender = Default::default();
        assert_eq!(again.form, without);
    }

    #[test]
    fn a_bad_sender_phone_is_prevalidated_on_its_own_field() {
        let mut v = filled();
        v.set("sender.phone", "03-XXXX-YYYY");
        v.set("summary.discovered_at", "yesterday");
        let p = parse(&v);
        let now = parse_local("2023-08-20T00:00").expect("now");
        let more = prevalidate(&p, kakehashi_reference::embedded(), now);
        assert!(
            more.iter()
                .any(|e| e.field == "sender.phone" && e.rule == "format"),
            "{more:?}"
        );
    }

    #[test]
    fn a_bad_datetime_is_an_error_on_its_own_path() {
        let mut v = filled();
        v.set("summary.discovered_at", "08/19/2023 2:59 PM");
        let p = parse(&v);
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        let e = &p.errors[0];
        assert_eq!(e.field, "summary.discovered_at");
        assert_eq!(e.rule, "format");
        assert!(e.message_ja.contains("判明日時"), "{}", e.message_ja);
        assert!(e.message_ja.contains("08/19/2023 2:59 PM"));
        assert!(p.form.summary.discovered_at.is_none());
        // The rest of the form is still read.
        assert_eq!(p.form.event.as_deref(), Some("EV-03"));
    }

    #[test]
    fn unknown_choices_are_errors_and_blank_is_unset() {
        let v = pairs(&[
            ("tlp", "PURPLE"),
            ("impact.system_status", "exploded"),
            ("has_attachments", "maybe"),
            ("importance", ""),
            ("reported_at", ""),
        ]);
        let p = parse(&v);
        let fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["tlp", "has_attachments", "impact.system_status"]
        );
        assert!(p.errors.iter().all(|e| e.rule == "unknown_code"));
        assert_eq!(p.form.importance, None);
        assert_eq!(p.form.reported_at, None);
    }

    #[test]
    fn prevalidation_reports_other_problems_but_not_the_unreadable_field() {
        let mut v = filled();
        v.set("summary.discovered_at", "yesterday");
        v.set("event", "EV-99");
        let p = parse(&v);
        let now = parse_local("2023-08-20T00:00").expect("now");
        let more = prevalidate(&p, kakehashi_reference::embedded(), now);
        assert!(more.iter().any(|e| e.field == "event"), "{more:?}");
        assert!(!more.iter().any(|e| e.field == "summary.discovered_at"));
        assert!(!more.iter().any(|e| e.field == "sender.organisation"));
    }

    #[test]
    fn amber_strict_and_checkbox_values() {
        let v = pairs(&[("tlp", "AMBER+STRICT"), ("via_ceptoar", "on")]);
        let p = parse(&v);
        assert_eq!(p.form.tlp, Some(Tlp::AmberStrict));
        assert!(p.route.via_ceptoar);
        assert!(!p.route.statutory);
    }
}
