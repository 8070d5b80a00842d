//! Validation of a 情報連絡様式 (図４) before it is sent.
//!
//! Speed comes first (※４: not every item must be filled), so only the starred items are
//! required; everything else is checked only when present. All problems are collected, so the
//! sender can fix the whole form in one pass.

use super::form::{LiaisonForm, PpcStatus, PressStatus};
use super::taxonomy::Taxonomy;
use crate::numbering::{to_half_width, IdentNumber, Series};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::Serialize;
use std::collections::HashSet;
use std::fmt;

/// Lengths and formats of every text item come from the one table in [`crate::text`].
pub use crate::text::{MAX_SHORT_CHARS, MAX_TEXT_CHARS};
/// Maximum number of rows in ⑦当該事象に係る推移等.
pub const MAX_TIMELINE_ROWS: usize = 200;
/// How far 情報連絡日時 may lie ahead of the server clock (the sender's clock may be off).
pub const CLOCK_SKEW_MINUTES: i64 = 5;

/// What validation needs besides the form: the current time, passed in (no clock here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidationContext {
    pub now: DateTime<Utc>,
    /// The chain has no R-number yet (NISC has not received it): a follow-up cannot quote one,
    /// so 識別番号 may stay blank until NISC numbers the chain.
    pub chain_unnumbered: bool,
}

impl ValidationContext {
    /// A context for a chain that is numbered (or a first report).
    pub fn at(now: DateTime<Utc>) -> Self {
        Self {
            now,
            chain_unnumbered: false,
        }
    }
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Dotted path of the field, matching the serde names (e.g. `summary.discovered_at`).
    /// Timeline rows use `timeline.at` / `timeline.event`; the row number is in the message.
    pub field: &'static str,
    /// Stable rule code: `required`, `unknown_code`, `duplicate`, `order`, `future`, `format`,
    /// `mismatch`, `too_long`, `too_many`.
    pub rule: &'static str,
    pub message_ja: String,
    pub message_en: String,
}

/// Every problem found in a form (never empty when returned as an error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.0.iter()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The errors reported for one field.
    pub fn for_field<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a FieldError> + 'a {
        self.0.iter().filter(move |e| e.field == field)
    }
    /// True when `field` broke `rule`.
    pub fn has(&self, field: &str, rule: &str) -> bool {
        self.0.iter().any(|e| e.field == field && e.rule == rule)
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "情報連絡様式に{}件の誤りがあります / {} problem(s) in the liaison form",
            self.0.len(),
            self.0.len()
        )?;
        for e in &self.0 {
            write!(
                f,
                "\n- [{} {}] {} / {}",
                e.field, e.rule, e.message_ja, e.message_en
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The label the official form prints for a field path (Japanese, English), for messages and UIs.
pub fn field_label(field: &str) -> Option<(&'static str, &'static str)> {
    if let Some(m) = field.strip_prefix("impact.measures.") {
        return Some(super::sml::measure_label(m)).filter(|(ja, _)| !ja.is_empty());
    }
    Some(match field {
        "importance" => ("重要度", "Importance"),
        "report_no" => ("報数（第　報）", "Report number"),
        "ident_number" => ("識別番号", "Identification number"),
        "reported_at" => ("情報連絡日時", "Liaison date/time"),
        "sender.organisation" => ("情報連絡元 省庁名", "Sender: ministry / organisation"),
        "sender.department" => ("情報連絡元 部局名", "Sender: department"),
        "sender.person" => ("情報連絡元 担当者名", "Sender: person in charge"),
        "sender.phone" => ("情報連絡元 電話番号", "Sender: telephone"),
        "sender.fax" => ("情報連絡元 FAX番号", "Sender: fax"),
        "sender.email" => ("情報連絡元 電子メールアドレス", "Sender: e-mail address"),
        "tlp" => ("情報共有範囲", "Sharing scope (TLP)"),
        "tlp_notes" => ("特記事項", "Special notes on the sharing scope"),
        "event" => ("①発生した事象の類型", "① Type of event"),
        "causes" => ("②上記事象における原因の類型", "② Type of cause"),
        "has_attachments" => ("別紙有無", "Attachments"),
        "sector" => ("③分野名", "③ Sector"),
        "operator_name" => (
            "④事象が発生した重要インフラ事業者等名",
            "④ Affected CI operator",
        ),
        "summary.discovered_at" => ("⑤概要 判明日時", "⑤ Summary: discovered at"),
        "summary.occurred_at" => ("⑤概要 発生日時", "⑤ Summary: occurred at"),
        "summary.occurred_note" => (
            "⑤概要 発生日時（注記）",
            "⑤ Summary: note on occurrence time",
        ),
        "summary.affected_system" => (
            "⑤概要 事象が発生したシステム・委託先業者等",
            "⑤ Summary: affected system / contractor",
        ),
        "summary.description" => ("⑤概要 発生事象の概要", "⑤ Summary: description"),
        "supplementary" => ("補足情報", "Supplementary information"),
        "impact.system_status" => ("⑥システムの稼働状況", "⑥ System status"),
        "impact.sml_deviation" => (
            "⑥サービス維持レベル逸脱の有無",
            "⑥ Deviation from the service maintenance level",
        ),
        "impact.service" => ("⑥影響を受けた重要インフラサービス", "⑥ Affected CI service"),
        "impact.measures" => ("⑥影響の規模（指標）", "⑥ Impact figures"),
        "impact.sml_override" => (
            "⑥逸脱の有無の上書き",
            "⑥ Override of the deviation judgement",
        ),
        "impact.sml_override.reason" => (
            "⑥逸脱の有無を上書きする理由",
            "⑥ Reason for overriding the deviation judgement",
        ),
        "impact.spread_to_others" => (
            "⑥他の事業者等への波及の可能性",
            "⑥ Possible spread to other operators",
        ),
        "external.press" => ("⑥報道発表、報道等への掲載", "⑥ Press release / coverage"),
        "external.press_detail" => (
            "⑥報道発表、報道等への掲載（日時・件名）",
            "⑥ Press release: date/time and title",
        ),
        "external.ppc" => (
            "⑥個人情報保護委員会への連絡",
            "⑥ Notification to the Personal Information Protection Commission",
        ),
        "external.ppc_detail" => (
            "⑥個人情報保護委員会への連絡（日時・件名）",
            "⑥ PPC notification: date/time and title",
        ),
        "external.other_contacts" => (
            "⑥その他NISC以外に連絡を行った先",
            "⑥ Other parties contacted besides NISC",
        ),
        "timeline" => ("⑦当該事象に係る推移等", "⑦ Course of events"),
        "timeline.at" => (
            "⑦当該事象に係る推移等 日時",
            "⑦ Course of events: date/time",
        ),
        "timeline.event" => (
            "⑦当該事象に係る推移等 事象・対応状況等",
            "⑦ Course of events: event / response",
        ),
        "next_steps" => ("⑧今後の予定", "⑧ Next steps"),
        "lessons" => ("⑨その他・得られた教訓等", "⑨ Other / lessons learned"),
        _ => return None,
    })
}

fn labels(field: &'static str) -> (&'static str, &'static str) {
    field_label(field).unwrap_or((field, field))
}

/// Collects errors with consistent bilingual wording.
struct Collector(Vec<FieldError>);

impl Collector {
    fn push(&mut self, field: &'static str, rule: &'static str, ja: String, en: String) {
        self.0.push(FieldError {
            field,
            rule,
            message_ja: ja,
            message_en: en,
        });
    }

    fn required(&mut self, field: &'static str) {
        let (ja, en) = labels(field);
        self.push(
            field,
            "required",
            format!("「{ja}」は必須です。"),
            format!("{en} is required."),
        );
    }

    fn required_because(&mut self, field: &'static str, why_ja: &str, why_en: &str) {
        let (ja, en) = labels(field);
        self.push(
            field,
            "required",
            format!("「{ja}」は必須です（{why_ja}）。"),
            format!("{en} is required ({why_en})."),
        );
    }

    fn too_long(&mut self, field: &'static str, max: usize, len: usize, row: Option<usize>) {
        let (ja, en) = labels(field);
        let (row_ja, row_en) = row_suffix(row);
        self.push(
            field,
            "too_long",
            format!("「{ja}」{row_ja}は{max}文字以内にしてください（現在{len}文字）。"),
            format!("{en}{row_en} must be at most {max} characters (now {len})."),
        );
    }
}

fn row_suffix(row: Option<usize>) -> (String, String) {
    match row {
        Some(i) => (format!("（{}行目）", i + 1), format!(" (row {})", i + 1)),
        None => (String::new(), String::new()),
    }
}

fn jst(t: DateTime<Utc>) -> String {
    // The form is filled in Japan Standard Time; show times the way the sender wrote them.
    let offset = FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset");
    t.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M JST")
        .to_string()
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Checks a liaison form against the rules of the form (図４) and the procedure.
///
/// Returns every problem found. Codes are checked against `tax`; time is `ctx.now`.
pub fn validate(
    form: &LiaisonForm,
    tax: &(impl Taxonomy + ?Sized),
    ctx: &ValidationContext,
) -> Result<(), ValidationErrors> {
    let mut c = Collector(Vec::new());

    check_numbering(form, ctx, &mut c);
    check_times(form, ctx, &mut c);
    check_sender(form, &mut c);

    // 情報共有範囲 *, 別紙有無 *.
    if form.tlp.is_none() {
        c.required("tlp");
    }
    if form.has_attachments.is_none() {
        c.required("has_attachments");
    }

    check_codes(form, tax, &mut c);
    check_impact(form, tax, &mut c);
    check_external(form, &mut c);
    check_timeline(form, &mut c);

    // Every text item: length, characters and format, from the one table.
    c.0.extend(check_text(form));

    if c.0.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(c.0))
    }
}

/// 報数 * and 識別番号 (* from the 2nd report; blank on the 1st, 図３).
fn check_numbering(form: &LiaisonForm, ctx: &ValidationContext, c: &mut Collector) {
    if form.report_no == 0 {
        c.required("report_no");
    }
    let ident = form.ident_number.as_deref().unwrap_or("");
    if ident.chars().count() > MAX_SHORT_CHARS {
        c.too_long("ident_number", MAX_SHORT_CHARS, ident.chars().count(), None);
        return;
    }
    if blank(ident) {
        if form.report_no >= 2 && !ctx.chain_unnumbered {
            c.required_because(
                "ident_number",
                "第2報以降はNISCが採番した識別番号を記入",
                "from the 2nd report on, quote the number NISC assigned",
            );
        }
        return;
    }
    let parsed = match ident.parse::<IdentNumber>() {
        Ok(n) if n.series == Series::Liaison => n,
        _ => {
            c.push(
                "ident_number",
                "format",
                format!("「識別番号」の形式が正しくありません（例: R1, R1-2）: {ident}"),
                format!("Identification number must look like R1 or R1-2: {ident}"),
            );
            return;
        }
    };
    if form.report_no == 0 {
        return; // Already reported as missing; nothing to compare against.
    }
    if form.report_no == 1 && parsed.report != 1 {
        c.push(
            "ident_number",
            "mismatch",
            format!(
                "第1報の「識別番号」は空欄またはR<n>（枝番なし）です: {ident}"
            ),
            format!(
                "On the 1st report the identification number is blank or R<n> without a suffix: {ident}"
            ),
        );
    } else if form.report_no >= 2 && parsed.report != form.report_no {
        c.push(
            "ident_number",
            "mismatch",
            format!(
                "「識別番号」{ident}の枝番（{}）が報数（第{}報）と一致しません。",
                parsed.report, form.report_no
            ),
            format!(
                "Identification number {ident} is for report {}, but this is report {}.",
                parsed.report, form.report_no
            ),
        );
    }
}

/// 情報連絡日時 *, and 発生日時 ≤ 判明日時 ≤ 情報連絡日時 (each pair only when both are given).
fn check_times(form: &LiaisonForm, ctx: &ValidationContext, c: &mut Collector) {
    let latest_allowed = ctx.now + Duration::minutes(CLOCK_SKEW_MINUTES);
    let reported = form.reported_at;
    let discovered = form.summary.discovered_at;
    let occurred = form.summary.occurred_at;

    match reported {
        None => c.required("reported_at"),
        Some(t) if t > latest_allowed => future(c, "reported_at", t, ctx.now),
        Some(_) => {}
    }
    // With 情報連絡日時 given, the order rule already bounds the other two.
    if reported.is_none() {
        for (field, t) in [
            ("summary.discovered_at", discovered),
            ("summary.occurred_at", occurred),
        ] {
            if let Some(t) = t.filter(|t| *t > latest_allowed) {
                future(c, field, t, ctx.now);
            }
        }
    }

    if let (Some(o), Some(d)) = (occurred, discovered) {
        if o > d {
            order(c, "summary.occurred_at", o, "summary.discovered_at", d);
        }
    }
    if let (Some(d), Some(r)) = (discovered, reported) {
        if d > r {
            order(c, "summary.discovered_at", d, "reported_at", r);
        }
    }
    if discovered.is_none() {
        if let (Some(o), Some(r)) = (occurred, reported) {
            if o > r {
                order(c, "summary.occurred_at", o, "reported_at", r);
            }
        }
    }
}

fn future(c: &mut Collector, field: &'static str, t: DateTime<Utc>, now: DateTime<Utc>) {
    let (ja, en) = labels(field);
    c.push(
        field,
        "future",
        format!(
            "「{ja}」（{}）が現在時刻（{}）より後です（許容する時計のずれは{CLOCK_SKEW_MINUTES}分）。",
            jst(t),
            jst(now)
        ),
        format!(
            "{en} ({}) is later than now ({}); at most {CLOCK_SKEW_MINUTES} minutes of clock skew is allowed.",
            jst(t),
            jst(now)
        ),
    );
}

fn order(
    c: &mut Collector,
    field: &'static str,
    t: DateTime<Utc>,
    other: &'static str,
    u: DateTime<Utc>,
) {
    let (ja, en) = labels(field);
    let (oja, oen) = labels(other);
    c.push(
        field,
        "order",
        format!(
            "「{ja}」（{}）は「{oja}」（{}）より後にできません。",
            jst(t),
            jst(u)
        ),
        format!(
            "{en} ({}) must not be later than {oen} ({}).",
            jst(t),
            jst(u)
        ),
    );
}

/// 情報連絡元 *: the organisation is required; contact details are checked when given.
fn check_sender(form: &LiaisonForm, c: &mut Collector) {
    let s = &form.sender;
    if blank(&s.organisation) {
        c.required("sender.organisation");
    }
    // Lengths and phone / e-mail syntax: [`check_text`].
}

/// Length, characters and format of every text item ([`LiaisonForm::text_fields`]) by the table
/// in [`crate::text`]: at most one problem per item.
pub fn check_text(form: &LiaisonForm) -> Vec<FieldError> {
    form.text_fields()
        .into_iter()
        .filter_map(|(field, row, value)| {
            crate::text::form_problem(crate::text::Subject::LiaisonForm, field, value, row)
        })
        .collect()
}

/// Digits (half- or full-width), spaces, `+`, `-` and parentheses, with at least one digit.
pub fn is_phone(s: &str) -> bool {
    let mut digits = 0;
    for ch in s.chars().map(to_half_width) {
        match ch {
            '0'..='9' => digits += 1,
            ' ' | '+' | '-' | '(' | ')' => {}
            _ => return false,
        }
    }
    digits > 0
}

/// A practical e-mail syntax check: one `@`, a dot-atom local part, and a domain of at least two
/// LDH labels. Half-width only (a full-width address is a typing slip, not a deliverable address).
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    if !local_ok || domain.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// ⑥: the named service is known and belongs to ③; figures need a service; an override needs a
/// reason; 逸脱の有無, when sent, equals the value derived from them ([`super::sml`]).
fn check_impact(form: &LiaisonForm, tax: &(impl Taxonomy + ?Sized), c: &mut Collector) {
    let impact = &form.impact;
    let named = impact
        .service
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut service_ok = true;
    match named {
        Some(id) => match tax.service(id) {
            None => {
                service_ok = false;
                unknown(c, "impact.service", id);
            }
            Some((sector, _)) => {
                if let Some(own) = form.sector.as_ref().filter(|s| tax.is_sector(&s.0)) {
                    if own.0 != sector {
                        service_ok = false;
                        let (ja, en) = labels("impact.service");
                        c.push(
                            "impact.service",
                            "mismatch",
                            format!(
                                "「{ja}」（{id}）は③分野名（{}）のサービスではありません。",
                                own.0
                            ),
                            format!("{en} ({id}) is not a service of sector ③ ({}).", own.0),
                        );
                    }
                }
            }
        },
        None => {
            if !impact.measures.is_empty() {
                c.required_because(
                    "impact.service",
                    "指標はサービスの維持レベルで判定するため、サービスを選んでください",
                    "figures are judged against a service's maintenance level; choose the service",
                );
            }
        }
    }
    if let Some(o) = &impact.sml_override {
        if blank(&o.reason) {
            c.required_because(
                "impact.sml_override.reason",
                "逸脱の有無を上書きする場合",
                "when overriding the deviation judgement",
            );
        }
    }
    // Nothing to derive from: no service named and no override. The typed value stands as the
    // reporter's own judgement (as forms filed before the derivation, and API clients that do
    // not name the service, state it).
    if !service_ok || (named.is_none() && impact.sml_override.is_none()) {
        return;
    }
    let evaluation = super::sml::evaluate_impact(impact, tax);
    let derived = super::sml::derive(impact, evaluation.as_ref());
    if let Some(sent) = impact.sml_deviation {
        if Some(sent) != derived {
            let (ja, en) = labels("impact.sml_deviation");
            let yes_no = |b: Option<bool>| match b {
                Some(true) => ("有", "yes"),
                Some(false) => ("無", "no"),
                None => ("判断不可（空欄）", "cannot be judged (blank)"),
            };
            let (dja, den) = yes_no(derived);
            c.push(
                "impact.sml_deviation",
                "mismatch",
                format!(
                    "「{ja}」は影響を受けたサービスと指標から導かれます（導かれる値: {dja}）。異なる判断をする場合は、理由を添えて上書きしてください。"
                ),
                format!(
                    "{en} is derived from the affected service and its figures (derived: {den}); to judge otherwise, override it with a reason."
                ),
            );
        }
    }
}

/// ① one known event code; ② known cause codes without duplicates; ③ a known sector *.
fn check_codes(form: &LiaisonForm, tax: &(impl Taxonomy + ?Sized), c: &mut Collector) {
    if let Some(code) = form.event.as_deref().filter(|s| !blank(s)) {
        if !tax.is_event(code) {
            unknown(c, "event", code);
        }
    }
    let mut seen = HashSet::new();
    let mut reported_dup = HashSet::new();
    for code in &form.causes {
        if !tax.is_cause(code) {
            unknown(c, "causes", code);
        } else if !seen.insert(code.as_str()) && reported_dup.insert(code.as_str()) {
            let (ja, en) = labels("causes");
            c.push(
                "causes",
                "duplicate",
                format!("「{ja}」でコード「{code}」が重複しています。"),
                format!("{en}: code \"{code}\" is given more than once."),
            );
        }
    }
    match &form.sector {
        None => c.required("sector"),
        Some(s) if blank(s.as_str()) => c.required("sector"),
        Some(s) if !tax.is_sector(s.as_str()) => unknown(c, "sector", s.as_str()),
        Some(_) => {}
    }
}

fn unknown(c: &mut Collector, field: &'static str, code: &str) {
    let (ja, en) = labels(field);
    c.push(
        field,
        "unknown_code",
        format!("「{ja}」のコード「{code}」は登録されていません。"),
        format!("{en}: unknown code \"{code}\"."),
    );
}

/// 対外的な対応状況: （済・予定有では日時・件名を記入）, （済では日時・件名を記入）.
fn check_external(form: &LiaisonForm, c: &mut Collector) {
    let e = &form.external;
    if matches!(e.press, Some(PressStatus::Done | PressStatus::Planned)) && blank(&e.press_detail) {
        c.required_because(
            "external.press_detail",
            "済・予定有では日時・件名を記入",
            "give the date/time and title when the release is done or planned",
        );
    }
    if e.ppc == Some(PpcStatus::Done) && blank(&e.ppc_detail) {
        c.required_because(
            "external.ppc_detail",
            "済では日時・件名を記入",
            "give the date/time and title when the commission has been notified",
        );
    }
}

/// ⑦: at most [`MAX_TIMELINE_ROWS`] rows; a row with a time needs the event text.
fn check_timeline(form: &LiaisonForm, c: &mut Collector) {
    let rows = form.timeline.len();
    if rows > MAX_TIMELINE_ROWS {
        let (ja, en) = labels("timeline");
        c.push(
            "timeline",
            "too_many",
            format!("「{ja}」は{MAX_TIMELINE_ROWS}行以内にしてください（現在{rows}行）。"),
            format!("{en} may have at most {MAX_TIMELINE_ROWS} rows (now {rows})."),
        );
    }
    for (i, row) in form.timeline.iter().enumerate() {
        if !blank(&row.at) && blank(&row.event) {
            let (ja, en) = labels("timeline.event");
            let (rja, ren) = row_suffix(Some(i));
            c.push(
                "timeline.event",
                "required",
                format!("「{ja}」{rja}は必須です（日時を記入した行）。"),
                format!("{en}{ren} is required when the row has a date/time."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SectorId;
    use crate::liaison::fixtures::{official_fig5_example, reference_codes};
    use crate::liaison::form::{ExternalBlock, TimelineRow};
    use crate::sharing::Tlp;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid time")
    }

    fn now() -> DateTime<Utc> {
        at(2024, 5, 1, 3, 0)
    }

    fn ctx() -> ValidationContext {
        ValidationContext::at(now())
    }

    /// The smallest valid first report: only the starred items.
    fn minimal() -> LiaisonForm {
        let mut f = LiaisonForm {
            report_no: 1,
            reported_at: Some(at(2024, 5, 1, 2, 0)),
            tlp: Some(Tlp::Amber),
            has_attachments: Some(false),
            sector: Some(SectorId::from("electric_power")),
            ..LiaisonForm::default()
        };
        f.sender.organisation = "経済産業省".into();
        f
    }

    /// ⑥逸脱の有無 is derived: a named service of the form's sector with figures decides it; a
    /// value sent must agree; an override needs a reason; figures need a service.
    #[test]
    fn sml_deviation_is_derived_from_the_service_and_figures() {
        use crate::liaison::form::{ImpactMeasures, SmlOverride};
        let mut f = minimal();
        f.impact.service = Some("general_transmission_distribution".into());
        f.impact.measures = ImpactMeasures {
            supply_loss_kw: Some(100_000),
            duration_minutes: Some(10),
            ..ImpactMeasures::default()
        };
        assert_eq!(errors(&f), vec![]);
        f.impact.sml_deviation = Some(true);
        assert_eq!(errors(&f), vec![]);
        f.impact.sml_deviation = Some(false);
        assert_eq!(errors(&f), vec![("impact.sml_deviation", "mismatch")]);
        f.impact.sml_override = Some(SmlOverride {
            deviation: false,
            reason: "  ".into(),
        });
        assert_eq!(errors(&f), vec![("impact.sml_override.reason", "required")]);
        f.impact.sml_override = Some(SmlOverride {
            deviation: false,
            reason: "予備系統で供給を継続".into(),
        });
        assert_eq!(errors(&f), vec![]);
        let mut applied = f.clone();
        applied.impact.sml_deviation = None;
        crate::liaison::sml::apply(&mut applied, &reference_codes());
        assert_eq!(applied.impact.sml_deviation, Some(false));
        f.impact.sml_override = None;
        applied.impact.sml_override = None;
        crate::liaison::sml::apply(&mut applied, &reference_codes());
        assert_eq!(applied.impact.sml_deviation, Some(true));

        // A service of another sector, an unknown one, figures without a service.
        f.impact.sml_deviation = None;
        f.impact.service = Some("telecommunications_service".into());
        assert_eq!(errors(&f), vec![("impact.service", "mismatch")]);
        f.impact.service = Some("space_travel".into());
        assert_eq!(errors(&f), vec![("impact.service", "unknown_code")]);
        f.impact.service = None;
        assert_eq!(errors(&f), vec![("impact.service", "required")]);
        // Nothing named: the typed value (or none) stands as the reporter's own judgement.
        f.impact.measures = ImpactMeasures::default();
        assert_eq!(errors(&f), vec![]);
        f.impact.sml_deviation = Some(false);
        assert_eq!(errors(&f), vec![]);
        let mut kept = f.clone();
        crate::liaison::sml::apply(&mut kept, &reference_codes());
        assert_eq!(kept.impact.sml_deviation, Some(false), "not derived away");
    }

    fn errors(f: &LiaisonForm) -> Vec<(&'static str, &'static str)> {
        match validate(f, &reference_codes(), &ctx()) {
            Ok(()) => vec![],
            Err(e) => e.iter().map(|e| (e.field, e.rule)).collect(),
        }
    }

    /// (case name, form, expected (field, rule) pairs in order).
    type Case<'a> = (&'a str, LiaisonForm, Vec<(&'static str, &'static str)>);

    fn check(cases: Vec<Case<'_>>) {
        for (name, form, expected) in cases {
            assert_eq!(errors(&form), expected, "case: {name}");
        }
    }

    fn with(edit: impl FnOnce(&mut LiaisonForm)) -> LiaisonForm {
        let mut f = minimal();
        edit(&mut f);
        f
    }

    #[test]
    fn official_fig5_example_validates() {
        let f = official_fig5_example();
        let now = f.reported_at.expect("example has 情報連絡日時") + Duration::minutes(1);
        assert_eq!(
            validate(&f, &reference_codes(), &ValidationContext::at(now)),
            Ok(())
        );
    }

    #[test]
    fn official_fig5_example_validates_against_the_reference_data() {
        let f = official_fig5_example();
        let now = f.reported_at.expect("example has 情報連絡日時");
        let r = kakehashi_reference::embedded();
        assert_eq!(validate(&f, r, &ValidationContext::at(now)), Ok(()));
    }

    #[test]
    fn minimal_form_validates() {
        assert_eq!(errors(&minimal()), vec![]);
    }

    #[test]
    fn empty_form_reports_every_starred_item() {
        let e = validate(&LiaisonForm::default(), &reference_codes(), &ctx()).expect_err("empty");
        let got: Vec<_> = e.iter().map(|e| (e.field, e.rule)).collect();
        assert_eq!(
            got,
            vec![
                ("report_no", "required"),
                ("reported_at", "required"),
                ("sender.organisation", "required"),
                ("tlp", "required"),
                ("has_attachments", "required"),
                ("sector", "required"),
            ]
        );
        for err in e.iter() {
            assert!(err.message_ja.contains("必須"), "{}", err.message_ja);
            assert!(err.message_en.contains("required"), "{}", err.message_en);
        }
    }

    #[test]
    fn messages_name_the_form_label() {
        let f = with(|f| {
            f.summary.discovered_at = Some(at(2024, 5, 1, 2, 30));
        });
        let e = validate(&f, &reference_codes(), &ctx()).expect_err("order");
        let err = e.iter().next().expect("one error");
        assert_eq!((err.field, err.rule), ("summary.discovered_at", "order"));
        assert!(
            err.message_ja.contains("「⑤概要 判明日時」"),
            "{}",
            err.message_ja
        );
        assert!(
            err.message_ja.contains("「情報連絡日時」"),
            "{}",
            err.message_ja
        );
        assert!(
            err.message_ja.contains("2024-05-01 11:30 JST"),
            "{}",
            err.message_ja
        );
        assert!(
            err.message_en.contains("⑤ Summary: discovered at"),
            "{}",
            err.message_en
        );
        assert!(e.to_string().contains("summary.discovered_at order"));
    }

    #[test]
    fn starred_items() {
        check(vec![
            (
                "report_no 0",
                with(|f| f.report_no = 0),
                vec![("report_no", "required")],
            ),
            (
                "reported_at",
                with(|f| f.reported_at = None),
                vec![("reported_at", "required")],
            ),
            (
                "organisation blank",
                with(|f| f.sender.organisation = " 　".into()),
                vec![("sender.organisation", "required")],
            ),
            ("tlp", with(|f| f.tlp = None), vec![("tlp", "required")]),
            (
                "attachments",
                with(|f| f.has_attachments = None),
                vec![("has_attachments", "required")],
            ),
            (
                "attachments yes",
                with(|f| f.has_attachments = Some(true)),
                vec![],
            ),
            (
                "sector",
                with(|f| f.sector = None),
                vec![("sector", "required")],
            ),
            (
                "sector blank",
                with(|f| f.sector = Some("".into())),
                vec![("sector", "required")],
            ),
            (
                "sector unknown",
                with(|f| f.sector = Some("space".into())),
                vec![("sector", "unknown_code")],
            ),
            (
                "sector finance",
                with(|f| f.sector = Some("finance".into())),
                vec![],
            ),
        ]);
    }

    #[test]
    fn ident_number() {
        check(vec![
            (
                "1st blank",
                with(|f| f.ident_number = Some(" ".into())),
                vec![],
            ),
            (
                "1st R1",
                with(|f| f.ident_number = Some("R1".into())),
                vec![],
            ),
            (
                "1st full-width",
                with(|f| f.ident_number = Some("Ｒ１２".into())),
                vec![],
            ),
            (
                "1st with suffix",
                with(|f| f.ident_number = Some("R1-2".into())),
                vec![("ident_number", "mismatch")],
            ),
            (
                "1st provision series",
                with(|f| f.ident_number = Some("T1".into())),
                vec![("ident_number", "format")],
            ),
            (
                "2nd missing",
                with(|f| f.report_no = 2),
                vec![("ident_number", "required")],
            ),
            (
                "2nd ok",
                with(|f| {
                    f.report_no = 2;
                    f.ident_number = Some("R7-2".into());
                }),
                vec![],
            ),
            (
                "3rd full-width ok",
                with(|f| {
                    f.report_no = 3;
                    f.ident_number = Some("Ｒ７－３".into());
                }),
                vec![],
            ),
            (
                "2nd wrong report part",
                with(|f| {
                    f.report_no = 2;
                    f.ident_number = Some("R7-3".into());
                }),
                vec![("ident_number", "mismatch")],
            ),
            (
                "2nd without suffix",
                with(|f| {
                    f.report_no = 2;
                    f.ident_number = Some("R7".into());
                }),
                vec![("ident_number", "mismatch")],
            ),
            (
                "garbage",
                with(|f| {
                    f.report_no = 2;
                    f.ident_number = Some("R-7".into());
                }),
                vec![("ident_number", "format")],
            ),
            (
                "too long",
                with(|f| f.ident_number = Some("R".repeat(201))),
                vec![("ident_number", "too_long")],
            ),
        ]);
    }

    #[test]
    fn times() {
        check(vec![
            (
                "reported 5 min ahead is skew",
                with(|f| f.reported_at = Some(now() + Duration::minutes(5))),
                vec![],
            ),
            (
                "reported 6 min ahead",
                with(|f| f.reported_at = Some(now() + Duration::minutes(6))),
                vec![("reported_at", "future")],
            ),
            (
                "occurred <= discovered <= reported",
                with(|f| {
                    f.summary.occurred_at = Some(at(2024, 5, 1, 0, 0));
                    f.summary.discovered_at = Some(at(2024, 5, 1, 1, 0));
                }),
                vec![],
            ),
            (
                "equal times",
                with(|f| {
                    f.summary.occurred_at = f.reported_at;
                    f.summary.discovered_at = f.reported_at;
                }),
                vec![],
            ),
            (
                "occurred after discovered",
                with(|f| {
                    f.summary.occurred_at = Some(at(2024, 5, 1, 1, 30));
                    f.summary.discovered_at = Some(at(2024, 5, 1, 1, 0));
                }),
                vec![("summary.occurred_at", "order")],
            ),
            (
                "discovered after reported",
                with(|f| f.summary.discovered_at = Some(at(2024, 5, 1, 2, 1))),
                vec![("summary.discovered_at", "order")],
            ),
            (
                "occurred after reported, no discovered",
                with(|f| f.summary.occurred_at = Some(at(2024, 5, 1, 2, 1))),
                vec![("summary.occurred_at", "order")],
            ),
            (
                "only discovered, no reported: future",
                with(|f| {
                    f.reported_at = None;
                    f.summary.discovered_at = Some(now() + Duration::hours(1));
                }),
                vec![
                    ("reported_at", "required"),
                    ("summary.discovered_at", "future"),
                ],
            ),
        ]);
    }

    #[test]
    fn sender_contacts() {
        check(vec![
            (
                "ok",
                with(|f| {
                    f.sender.phone = "03-1234-5678".into();
                    f.sender.fax = "+81 (3) 1234 5678".into();
                    f.sender.email = "renraku.taro@xx.go.jp".into();
                }),
                vec![],
            ),
            (
                "full-width phone",
                with(|f| f.sender.phone = "０３－１２３４－５６７８".into()),
                vec![],
            ),
            (
                "phone with letters",
                with(|f| f.sender.phone = "03-XXXX-YYYY".into()),
                vec![("sender.phone", "format")],
            ),
            (
                "phone with extension text",
                with(|f| f.sender.phone = "03-1234-5678 内線12".into()),
                vec![("sender.phone", "format")],
            ),
            (
                "phone no digits",
                with(|f| f.sender.phone = "--".into()),
                vec![("sender.phone", "format")],
            ),
            (
                "fax bad",
                with(|f| f.sender.fax = "fax".into()),
                vec![("sender.fax", "format")],
            ),
            (
                "email no at",
                with(|f| f.sender.email = "taro.xx.go.jp".into()),
                vec![("sender.email", "format")],
            ),
            (
                "email no dot",
                with(|f| f.sender.email = "taro@localhost".into()),
                vec![("sender.email", "format")],
            ),
            (
                "email two ats",
                with(|f| f.sender.email = "a@b@c.jp".into()),
                vec![("sender.email", "format")],
            ),
            (
                "email double dot",
                with(|f| f.sender.email = "a..b@c.jp".into()),
                vec![("sender.email", "format")],
            ),
            (
                "email full-width",
                with(|f| f.sender.email = "ｔａｒｏ＠ｘｘ．ｊｐ".into()),
                vec![("sender.email", "format")],
            ),
            (
                "email space",
                with(|f| f.sender.email = "ta ro@xx.jp".into()),
                vec![("sender.email", "format")],
            ),
            (
                "email plus",
                with(|f| f.sender.email = "soc+cert@example.co.jp".into()),
                vec![],
            ),
            (
                "long person",
                with(|f| f.sender.person = "あ".repeat(201)),
                vec![("sender.person", "too_long")],
            ),
            (
                "200 chars ok",
                with(|f| f.sender.department = "あ".repeat(200)),
                vec![],
            ),
        ]);
    }

    #[test]
    fn event_and_causes() {
        check(vec![
            ("event ok", with(|f| f.event = Some("EV-08".into())), vec![]),
            (
                "event blank = not given",
                with(|f| f.event = Some(String::new())),
                vec![],
            ),
            (
                "event unknown",
                with(|f| f.event = Some("EV-09".into())),
                vec![("event", "unknown_code")],
            ),
            (
                "event is a cause",
                with(|f| f.event = Some("CA-O-02".into())),
                vec![("event", "unknown_code")],
            ),
            (
                "causes ok",
                with(|f| f.causes = vec!["CA-I-01".into(), "CA-A-07".into()]),
                vec![],
            ),
            (
                "cause unknown",
                with(|f| f.causes = vec!["CA-I-01".into(), "CA-X-01".into()]),
                vec![("causes", "unknown_code")],
            ),
            (
                "cause duplicate reported once",
                with(|f| f.causes = vec!["CA-I-01".into(), "CA-I-01".into(), "CA-I-01".into()]),
                vec![("causes", "duplicate")],
            ),
        ]);
    }

    #[test]
    fn external_actions() {
        let ext = |press, press_detail: &str, ppc, ppc_detail: &str| {
            let (press_detail, ppc_detail) = (press_detail.to_owned(), ppc_detail.to_owned());
            with(move |f| {
                f.external = ExternalBlock {
                    press,
                    press_detail,
                    ppc,
                    ppc_detail,
                    ..Default::default()
                }
            })
        };
        check(vec![
            (
                "press done with detail",
                ext(Some(PressStatus::Done), "8/19 09:00 掲載", None, ""),
                vec![],
            ),
            (
                "press done without detail",
                ext(Some(PressStatus::Done), "", None, ""),
                vec![("external.press_detail", "required")],
            ),
            (
                "press planned without detail",
                ext(Some(PressStatus::Planned), " ", None, ""),
                vec![("external.press_detail", "required")],
            ),
            (
                "press none",
                ext(Some(PressStatus::None), "", None, ""),
                vec![],
            ),
            (
                "ppc done with detail",
                ext(None, "", Some(PpcStatus::Done), "8/20 連絡"),
                vec![],
            ),
            (
                "ppc done without detail",
                ext(None, "", Some(PpcStatus::Done), ""),
                vec![("external.ppc_detail", "required")],
            ),
            (
                "ppc checking",
                ext(None, "", Some(PpcStatus::Checking), ""),
                vec![],
            ),
            (
                "ppc not needed",
                ext(None, "", Some(PpcStatus::NotNeeded), ""),
                vec![],
            ),
        ]);
    }

    #[test]
    fn timeline_rows() {
        let row = |at: &str, event: &str| TimelineRow {
            at: at.into(),
            event: event.into(),
        };
        check(vec![
            (
                "row ok",
                with(|f| f.timeline = vec![row("XX/XX 00:00", "受信")]),
                vec![],
            ),
            (
                "text without time ok",
                with(|f| f.timeline = vec![row("", "経緯")]),
                vec![],
            ),
            (
                "empty row ok",
                with(|f| f.timeline = vec![row(" ", "")]),
                vec![],
            ),
            (
                "time without text",
                with(|f| f.timeline = vec![row("8/19 1:00", "ok"), row("8/19 2:00", "  ")]),
                vec![("timeline.event", "required")],
            ),
            (
                "200 rows ok",
                with(|f| f.timeline = vec![row("t", "e"); MAX_TIMELINE_ROWS]),
                vec![],
            ),
            (
                "201 rows",
                with(|f| f.timeline = vec![row("t", "e"); MAX_TIMELINE_ROWS + 1]),
                vec![("timeline", "too_many")],
            ),
            (
                "long at",
                with(|f| f.timeline = vec![row(&"1".repeat(201), "e")]),
                vec![("timeline.at", "too_long")],
            ),
        ]);
        let f = with(|f| f.timeline = vec![row("a", "b"), row("8/19", "")]);
        let e = validate(&f, &reference_codes(), &ctx()).expect_err("row 2");
        assert!(e
            .iter()
            .any(|e| e.message_ja.contains("2行目") && e.message_en.contains("row 2")));
    }

    #[test]
    fn free_text_lengths() {
        let long = "あ".repeat(MAX_TEXT_CHARS + 1);
        let ok = "あ".repeat(MAX_TEXT_CHARS);
        check(vec![
            (
                "description at limit",
                with(|f| f.summary.description = ok.clone()),
                vec![],
            ),
            (
                "description",
                with(|f| f.summary.description = long.clone()),
                vec![("summary.description", "too_long")],
            ),
            (
                "lessons",
                with(|f| f.lessons = long.clone()),
                vec![("lessons", "too_long")],
            ),
            (
                "tlp_notes",
                with(|f| f.tlp_notes = long.clone()),
                vec![("tlp_notes", "too_long")],
            ),
            (
                "supplementary",
                with(|f| f.supplementary = long.clone()),
                vec![("supplementary", "too_long")],
            ),
            (
                "other contacts",
                with(|f| f.external.other_contacts = long.clone()),
                vec![("external.other_contacts", "too_long")],
            ),
            (
                "operator name",
                with(|f| f.operator_name = "あ".repeat(MAX_SHORT_CHARS + 1)),
                vec![("operator_name", "too_long")],
            ),
            (
                "timeline event",
                with(|f| {
                    f.timeline = vec![TimelineRow {
                        at: "t".into(),
                        event: long.clone(),
                    }]
                }),
                vec![("timeline.event", "too_long")],
            ),
        ]);
    }

    #[test]
    fn collects_all_errors() {
        let f = LiaisonForm {
            report_no: 2,
            event: Some("EV-99".into()),
            causes: vec!["CA-I-01".into(), "CA-I-01".into()],
            ..LiaisonForm::default()
        };
        let e = validate(&f, &reference_codes(), &ctx()).expect_err("many");
        assert!(e.len() >= 8, "{e}");
        assert!(e.has("ident_number", "required"));
        assert!(e.has("event", "unknown_code"));
        assert!(e.has("causes", "duplicate"));
        assert_eq!(e.for_field("tlp").count(), 1);
    }

    #[test]
    fn every_field_path_has_a_label() {
        for field in [
            "report_no",
            "ident_number",
            "reported_at",
            "sender.organisation",
            "sender.phone",
            "sender.fax",
            "sender.email",
            "tlp",
            "has_attachments",
            "sector",
            "event",
            "causes",
            "summary.discovered_at",
            "summary.occurred_at",
            "external.press_detail",
            "external.ppc_detail",
            "timeline",
            "timeline.at",
            "timeline.event",
        ] {
            assert!(field_label(field).is_some(), "{field}");
        }
    }

    #[test]
    fn follow_up_of_an_unnumbered_chain_may_leave_the_ident_blank() {
        let mut f = official_fig5_example();
        f.report_no = 2;
        f.ident_number = None;
        let now = f.reported_at.expect("example time") + chrono::Duration::hours(1);
        let numbered = validate(&f, &reference_codes(), &ValidationContext::at(now));
        assert!(numbered.is_err_and(|e| e.has("ident_number", "required")));
        let ctx = ValidationContext {
            now,
            chain_unnumbered: true,
        };
        assert_eq!(validate(&f, &reference_codes(), &ctx), Ok(()));
    }
}
