//! Validation of a 情報提供様式 (図７) before NISC issues it.
//!
//! Only the starred items are required; everything else is checked when present. All problems
//! are collected at once, as [`FieldError`]s shaped exactly like the liaison form's.

use super::defang::{canonical_indicator, is_valid_indicator};
use super::form::{IndicatorKind, ProvisionForm};
use crate::liaison::validate::{FieldError, ValidationErrors, CLOCK_SKEW_MINUTES, MAX_SHORT_CHARS};
use crate::numbering::{IdentNumber, Series};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::Serialize;
use std::collections::HashSet;
use std::fmt;

/// Maximum number of 情報提供先 rows.
pub const MAX_RECIPIENTS: usize = 100;
/// Maximum number of indicators on one form.
pub const MAX_INDICATORS: usize = 1_000;
/// Lengths and formats of every text item come from the one table in [`crate::text`].
pub use crate::text::{MAX_INDICATOR_CHARS, MAX_INDICATOR_NOTE_CHARS};

/// Which ministry oversees which sector (重要インフラ所管省庁と所管分野). The mapping is dated
/// reference data, so it is handed in.
pub trait Jurisdiction {
    /// A known CI ministry id (e.g. `meti`).
    fn is_ministry(&self, ministry: &str) -> bool;
    /// A known sector id (e.g. `electric_power`).
    fn is_sector(&self, sector: &str) -> bool;
    /// `ministry` oversees `sector`.
    fn oversees(&self, ministry: &str, sector: &str) -> bool;
}

impl<T: Jurisdiction + ?Sized> Jurisdiction for &T {
    fn is_ministry(&self, ministry: &str) -> bool {
        (**self).is_ministry(ministry)
    }
    fn is_sector(&self, sector: &str) -> bool {
        (**self).is_sector(sector)
    }
    fn oversees(&self, ministry: &str, sector: &str) -> bool {
        (**self).oversees(ministry, sector)
    }
}

/// A bare `oversees(ministry, sector)` predicate: every id counts as known, so only the pair is
/// checked (rule `mismatch`).
pub struct OverseesFn<F>(pub F);

impl<F: Fn(&str, &str) -> bool> Jurisdiction for OverseesFn<F> {
    fn is_ministry(&self, _: &str) -> bool {
        true
    }
    fn is_sector(&self, _: &str) -> bool {
        true
    }
    fn oversees(&self, ministry: &str, sector: &str) -> bool {
        (self.0)(ministry, sector)
    }
}

/// The mapping as plain lists — for tests, fixtures and simple adapters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MinistrySectors {
    /// (ministry id, the sector ids it oversees).
    pub ministries: Vec<(String, Vec<String>)>,
    /// Every known sector id.
    pub sectors: Vec<String>,
}

impl Jurisdiction for MinistrySectors {
    fn is_ministry(&self, ministry: &str) -> bool {
        self.ministries.iter().any(|(m, _)| m == ministry)
    }
    fn is_sector(&self, sector: &str) -> bool {
        self.sectors.iter().any(|s| s == sector)
    }
    fn oversees(&self, ministry: &str, sector: &str) -> bool {
        self.ministries
            .iter()
            .any(|(m, s)| m == ministry && s.iter().any(|x| x == sector))
    }
}

/// The reference data's five CI ministries and their sectors.
impl Jurisdiction for kakehashi_reference::Reference {
    fn is_ministry(&self, ministry: &str) -> bool {
        self.ci_ministries().iter().any(|m| m.id == ministry)
    }
    fn is_sector(&self, sector: &str) -> bool {
        self.sector(sector).is_some()
    }
    fn oversees(&self, ministry: &str, sector: &str) -> bool {
        self.ci_ministries()
            .iter()
            .any(|m| m.id == ministry && m.oversees(sector))
    }
}

/// What validation needs besides the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProvisionContext {
    pub now: DateTime<Utc>,
    /// NISC has numbered the provision (issuing it): 識別番号 is then required on the 1st report
    /// too. A draft of a 1st provision may leave it blank.
    pub require_ident: bool,
}

impl ProvisionContext {
    /// A draft check at `now`.
    pub fn at(now: DateTime<Utc>) -> Self {
        Self {
            now,
            require_ident: false,
        }
    }
    /// The check at issue time, when the T-number must be on the form.
    pub fn issuing(now: DateTime<Utc>) -> Self {
        Self {
            now,
            require_ident: true,
        }
    }
}

/// Every problem found in a provision form (never empty when returned as an error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ProvisionErrors(pub Vec<FieldError>);

impl ProvisionErrors {
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

impl fmt::Display for ProvisionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "情報提供様式に{}件の誤りがあります / {} problem(s) in the provision form",
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

impl std::error::Error for ProvisionErrors {}

impl<'a> IntoIterator for &'a ProvisionErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// For callers (the HTTP layer) that already map the liaison form's errors.
impl From<ProvisionErrors> for ValidationErrors {
    fn from(e: ProvisionErrors) -> Self {
        ValidationErrors(e.0)
    }
}

/// The label the official form prints for a field path (Japanese, English).
pub fn field_label(field: &str) -> Option<(&'static str, &'static str)> {
    Some(match field {
        "importance" => ("重要度", "Importance"),
        "report_no" => ("報数（第　報）", "Report number"),
        "ident_number" => ("識別番号", "Identification number"),
        "provided_at" => ("情報提供日時", "Provision date/time"),
        "recipients" => (
            "情報提供先（所管省庁名及び分野名）",
            "Recipients (ministry and sector)",
        ),
        "recipients.ministry" => ("情報提供先 所管省庁名", "Recipient: ministry"),
        "recipients.sector" => ("情報提供先 分野名", "Recipient: sector"),
        "tlp" => ("情報共有範囲", "Sharing scope (TLP)"),
        "tlp_notes" => ("特記事項", "Special notes on the sharing scope"),
        "has_attachments" => ("別紙有無", "Attachments"),
        "summary" => ("脅威等の内容 ①概要", "① Summary"),
        "targets" => ("脅威等の内容 ②対象", "② Affected targets"),
        "countermeasures" => ("③対処方針", "③ Countermeasures"),
        "indicators" => ("③対処方針 指標（IoC）", "③ Indicators"),
        "indicators.kind" => ("③対処方針 指標の種類", "③ Indicator: kind"),
        "indicators.value" => ("③対処方針 指標の値", "③ Indicator: value"),
        "indicators.note" => ("③対処方針 指標の備考", "③ Indicator: note"),
        "other" => ("④その他", "④ Other"),
        "contact.person" => (
            "本件問合せ先 重要インフラ防護担当（担当者名）",
            "Contact: NISC officer",
        ),
        "contact.phone" => ("本件問合せ先 電話番号", "Contact: telephone"),
        "contact.fax" => ("本件問合せ先 FAX番号", "Contact: fax"),
        "contact.email" => ("本件問合せ先 電子メールアドレス", "Contact: e-mail address"),
        "direct_recipients" => (
            "早期警戒の直接送付先（セプター・重要インフラ事業者等）",
            "Early warning: direct recipients (CEPTOARs, CI operators)",
        ),
        _ => return None,
    })
}

fn labels(field: &'static str) -> (&'static str, &'static str) {
    field_label(field).unwrap_or((field, field))
}

fn row_suffix(row: Option<usize>) -> (String, String) {
    match row {
        Some(i) => (format!("（{}行目）", i + 1), format!(" (row {})", i + 1)),
        None => (String::new(), String::new()),
    }
}

fn jst(t: DateTime<Utc>) -> String {
    let offset = FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset");
    t.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M JST")
        .to_string()
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

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

    fn required(&mut self, field: &'static str, row: Option<usize>) {
        let (ja, en) = labels(field);
        let (rja, ren) = row_suffix(row);
        self.push(
            field,
            "required",
            format!("「{ja}」{rja}は必須です。"),
            format!("{en}{ren} is required."),
        );
    }

    fn check_len(&mut self, field: &'static str, value: &str, max: usize, row: Option<usize>) {
        let len = value.chars().count();
        if len > max {
            let (ja, en) = labels(field);
            let (rja, ren) = row_suffix(row);
            self.push(
                field,
                "too_long",
                format!("「{ja}」{rja}は{max}文字以内にしてください（現在{len}文字）。"),
                format!("{en}{ren} must be at most {max} characters (now {len})."),
            );
        }
    }

    fn too_many(&mut self, field: &'static str, max: usize, n: usize) {
        let (ja, en) = labels(field);
        self.push(
            field,
            "too_many",
            format!("「{ja}」は{max}件以内にしてください（現在{n}件）。"),
            format!("{en} may have at most {max} entries (now {n})."),
        );
    }
}

/// Checks a provision form against the rules of the form (図７) and the procedure.
///
/// `jurisdiction` says which ministry oversees which sector; time is `ctx.now`.
pub fn validate(
    form: &ProvisionForm,
    jurisdiction: &(impl Jurisdiction + ?Sized),
    ctx: &ProvisionContext,
) -> Result<(), ProvisionErrors> {
    let mut c = Collector(Vec::new());

    check_numbering(form, ctx, &mut c);
    match form.provided_at {
        None => c.required("provided_at", None),
        Some(t) if t > ctx.now + Duration::minutes(CLOCK_SKEW_MINUTES) => {
            let (ja, en) = labels("provided_at");
            c.push(
                "provided_at",
                "future",
                format!(
                    "「{ja}」（{}）が現在時刻（{}）より後です（許容する時計のずれは{CLOCK_SKEW_MINUTES}分）。",
                    jst(t),
                    jst(ctx.now)
                ),
                format!(
                    "{en} ({}) is later than now ({}); at most {CLOCK_SKEW_MINUTES} minutes of clock skew is allowed.",
                    jst(t),
                    jst(ctx.now)
                ),
            );
        }
        Some(_) => {}
    }
    check_recipients(form, jurisdiction, &mut c);
    if form.tlp.is_none() {
        c.required("tlp", None);
    }
    if form.has_attachments.is_none() {
        c.required("has_attachments", None);
    }
    check_indicators(form, &mut c);
    // Every text item: length, characters and format, from the one table.
    c.0.extend(check_text(form).0);

    if c.0.is_empty() {
        Ok(())
    } else {
        Err(ProvisionErrors(c.0))
    }
}

/// 報数 * and 識別番号 * (`T<n>` on the 1st provision, `T<n>-<k>` on the k-th, 図６).
fn check_numbering(form: &ProvisionForm, ctx: &ProvisionContext, c: &mut Collector) {
    if form.report_no == 0 {
        c.required("report_no", None);
    }
    let ident = form.ident_number.as_deref().unwrap_or("");
    let len = ident.chars().count();
    if len > MAX_SHORT_CHARS {
        c.check_len("ident_number", ident, MAX_SHORT_CHARS, None);
        return;
    }
    if blank(ident) {
        if form.report_no >= 2 || ctx.require_ident {
            let (ja, en) = labels("ident_number");
            let (why_ja, why_en) = if form.report_no >= 2 {
                (
                    "第2報以降は第1報の識別番号に枝番を付けて記入",
                    "from the 2nd provision on, the 1st provision's number with a suffix",
                )
            } else {
                (
                    "発出時にはNISCが採番した識別番号を記入",
                    "an issued provision carries the number NISC assigned",
                )
            };
            c.push(
                "ident_number",
                "required",
                format!("「{ja}」は必須です（{why_ja}）。"),
                format!("{en} is required ({why_en})."),
            );
        }
        return;
    }
    let parsed = match ident.parse::<IdentNumber>() {
        Ok(n) if n.series == Series::Provision => n,
        _ => {
            c.push(
                "ident_number",
                "format",
                format!("「識別番号」の形式が正しくありません（例: T1, T1-2）: {ident}"),
                format!("Identification number must look like T1 or T1-2: {ident}"),
            );
            return;
        }
    };
    if form.report_no == 0 {
        return;
    }
    if form.report_no == 1 && parsed.report != 1 {
        c.push(
            "ident_number",
            "mismatch",
            format!("第1報の「識別番号」はT<n>（枝番なし）です: {ident}"),
            format!(
                "On the 1st provision the identification number is T<n> without a suffix: {ident}"
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
                "Identification number {ident} is for provision {}, but this is provision {}.",
                parsed.report, form.report_no
            ),
        );
    }
}

/// 情報提供先 *: at least one row; each a known ministry overseeing a known sector, once.
fn check_recipients(form: &ProvisionForm, j: &(impl Jurisdiction + ?Sized), c: &mut Collector) {
    if form.recipients.is_empty() {
        c.required("recipients", None);
        return;
    }
    if form.recipients.len() > MAX_RECIPIENTS {
        c.too_many("recipients", MAX_RECIPIENTS, form.recipients.len());
    }
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for (i, r) in form.recipients.iter().enumerate() {
        let (m, s) = (r.ministry.as_str().trim(), r.sector.as_str().trim());
        let row = Some(i);
        if m.is_empty() {
            c.required("recipients.ministry", row);
        }
        if s.is_empty() {
            c.required("recipients.sector", row);
        }
        if m.is_empty() || s.is_empty() {
            continue;
        }
        let (rja, ren) = row_suffix(row);
        let known_m = j.is_ministry(m);
        let known_s = j.is_sector(s);
        if !known_m {
            let (ja, en) = labels("recipients.ministry");
            c.push(
                "recipients.ministry",
                "unknown_code",
                format!("「{ja}」{rja}の「{m}」は重要インフラ所管省庁として登録されていません。"),
                format!("{en}{ren}: \"{m}\" is not a known CI ministry."),
            );
        }
        if !known_s {
            let (ja, en) = labels("recipients.sector");
            c.push(
                "recipients.sector",
                "unknown_code",
                format!("「{ja}」{rja}の分野「{s}」は登録されていません。"),
                format!("{en}{ren}: unknown sector \"{s}\"."),
            );
        }
        if known_m && known_s && !j.oversees(m, s) {
            let (ja, en) = labels("recipients.sector");
            c.push(
                "recipients.sector",
                "mismatch",
                format!("「{ja}」{rja}: 「{m}」は分野「{s}」を所管していません。"),
                format!("{en}{ren}: \"{m}\" does not oversee the sector \"{s}\"."),
            );
        }
        if !seen.insert((m, s)) && reported.insert((m, s)) {
            let (ja, en) = labels("recipients");
            c.push(
                "recipients",
                "duplicate",
                format!("「{ja}」で「{m}（{s}）」が重複しています。"),
                format!("{en}: \"{m} ({s})\" is given more than once."),
            );
        }
    }
}

fn example_for(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Ip => "192.0.2.1, 2001:db8::1, 192.0.2.0/24",
        IndicatorKind::Domain => "example.co.jp",
        IndicatorKind::Url => "http://example.co.jp/top.html",
        IndicatorKind::Hash => "MD5 / SHA-1 / SHA-256 (32 / 40 / 64 hex)",
        IndicatorKind::Email => "name@example.co.jp",
        IndicatorKind::Other => "",
    }
}

/// Indicators: a value per row (defanged input accepted), valid for its kind, not repeated.
fn check_indicators(form: &ProvisionForm, c: &mut Collector) {
    let n = form.indicators.len();
    if n > MAX_INDICATORS {
        c.too_many("indicators", MAX_INDICATORS, n);
    }
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for (i, ind) in form.indicators.iter().enumerate() {
        let row = Some(i);
        if blank(&ind.value) {
            if !blank(&ind.note) {
                c.required("indicators.value", row);
            }
            continue;
        }
        if ind.value.chars().count() > MAX_INDICATOR_CHARS {
            continue; // Too long: reported by [`check_text`].
        }
        if !is_valid_indicator(ind.kind, &ind.value) {
            let (ja, en) = labels("indicators.value");
            let (rja, ren) = row_suffix(row);
            let ex = example_for(ind.kind);
            c.push(
                "indicators.value",
                "format",
                format!(
                    "「{ja}」{rja}は{}として正しくありません（例: {ex}）: {}",
                    ind.kind.label_ja(),
                    ind.value
                ),
                format!(
                    "{en}{ren} is not a valid {} (e.g. {ex}): {}",
                    ind.kind.label_en(),
                    ind.value
                ),
            );
            continue;
        }
        let key = (ind.kind, canonical_indicator(ind.kind, &ind.value));
        if !seen.insert(key.clone()) && reported.insert(key.clone()) {
            let (ja, en) = labels("indicators");
            c.push(
                "indicators",
                "duplicate",
                format!(
                    "「{ja}」で{}「{}」が重複しています。",
                    ind.kind.label_ja(),
                    key.1
                ),
                format!(
                    "{en}: {} \"{}\" is given more than once.",
                    ind.kind.label_en(),
                    key.1
                ),
            );
        }
    }
}

/// Length, characters and format of every text item ([`ProvisionForm::text_fields`]) by the
/// table in [`crate::text`], at most one problem per item. Drafts are held to this much even
/// before the whole form is checked for sending.
pub fn check_text(form: &ProvisionForm) -> ProvisionErrors {
    ProvisionErrors(
        form.text_fields()
            .into_iter()
            .filter_map(|(field, row, value)| {
                crate::text::form_problem(crate::text::Subject::ProvisionForm, field, value, row)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::fixtures::{official_fig8_example, reference_jurisdiction};
    use crate::provision::form::{Indicator, IndicatorOrigin, Recipient};
    use crate::sharing::Tlp;
    use crate::text::MAX_TEXT_CHARS;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid time")
    }

    fn now() -> DateTime<Utc> {
        at(2024, 5, 1, 3, 0)
    }

    /// The smallest valid first provision (a draft): only the starred items.
    fn minimal() -> ProvisionForm {
        ProvisionForm {
            report_no: 1,
            provided_at: Some(at(2024, 5, 1, 2, 0)),
            recipients: vec![Recipient::new("meti", "electric_power")],
            tlp: Some(Tlp::Amber),
            has_attachments: Some(false),
            ..ProvisionForm::default()
        }
    }

    fn errors_in(f: &ProvisionForm, ctx: &ProvisionContext) -> Vec<(&'static str, &'static str)> {
        match validate(f, &reference_jurisdiction(), ctx) {
            Ok(()) => vec![],
            Err(e) => e.iter().map(|e| (e.field, e.rule)).collect(),
        }
    }

    fn errors(f: &ProvisionForm) -> Vec<(&'static str, &'static str)> {
        errors_in(f, &ProvisionContext::at(now()))
    }

    type Case<'a> = (&'a str, ProvisionForm, Vec<(&'static str, &'static str)>);

    fn check(cases: Vec<Case<'_>>) {
        for (name, form, expected) in cases {
            assert_eq!(errors(&form), expected, "case: {name}");
        }
    }

    fn with(edit: impl FnOnce(&mut ProvisionForm)) -> ProvisionForm {
        let mut f = minimal();
        edit(&mut f);
        f
    }

    fn ind(kind: IndicatorKind, value: &str) -> Indicator {
        Indicator {
            kind,
            value: value.into(),
            note: String::new(),
            origin: IndicatorOrigin::Typed,
        }
    }

    #[test]
    fn official_fig8_example_validates() {
        let f = official_fig8_example();
        let now = f.provided_at.expect("example has 情報提供日時") + Duration::minutes(1);
        assert_eq!(
            validate(
                &f,
                &reference_jurisdiction(),
                &ProvisionContext::issuing(now)
            ),
            Ok(())
        );
        // Against the embedded reference data too.
        let r = kakehashi_reference::embedded();
        assert_eq!(validate(&f, r, &ProvisionContext::issuing(now)), Ok(()));
    }

    #[test]
    fn official_example_with_its_extracted_indicators_validates() {
        let mut f = official_fig8_example();
        f.indicators = crate::provision::suggest_indicators(&f);
        assert_eq!(f.indicators.len(), 2, "{:?}", f.indicators);
        let now = f.provided_at.expect("time");
        assert_eq!(errors_in(&f, &ProvisionContext::issuing(now)), vec![]);
    }

    #[test]
    fn minimal_form_validates() {
        assert_eq!(errors(&minimal()), vec![]);
    }

    #[test]
    fn empty_form_reports_every_starred_item() {
        let e = validate(
            &ProvisionForm::default(),
            &reference_jurisdiction(),
            &ProvisionContext::issuing(now()),
        )
        .expect_err("empty");
        let got: Vec<_> = e.iter().map(|e| (e.field, e.rule)).collect();
        assert_eq!(
            got,
            vec![
                ("report_no", "required"),
                ("ident_number", "required"),
                ("provided_at", "required"),
                ("recipients", "required"),
                ("tlp", "required"),
                ("has_attachments", "required"),
            ]
        );
        for err in e.iter() {
            assert!(err.message_ja.contains("必須"), "{}", err.message_ja);
            assert!(err.message_en.contains("required"), "{}", err.message_en);
        }
        assert!(e
            .to_string()
            .starts_with("情報提供様式に6件の誤りがあります"));
        let as_liaison: ValidationErrors = e.into();
        assert_eq!(as_liaison.len(), 6);
    }

    #[test]
    fn messages_name_the_form_label() {
        let f = with(|f| f.recipients = vec![Recipient::new("mic", "electric_power")]);
        let e = validate(&f, &reference_jurisdiction(), &ProvisionContext::at(now()))
            .expect_err("mismatch");
        let err = e.iter().next().expect("one");
        assert_eq!((err.field, err.rule), ("recipients.sector", "mismatch"));
        assert!(
            err.message_ja.contains("「情報提供先 分野名」（1行目）"),
            "{}",
            err.message_ja
        );
        assert!(err
            .message_ja
            .contains("「mic」は分野「electric_power」を所管していません"));
        assert!(
            err.message_en.contains("Recipient: sector (row 1)"),
            "{}",
            err.message_en
        );
    }

    #[test]
    fn numbering() {
        check(vec![
            ("1st draft blank", with(|f| f.ident_number = None), vec![]),
            (
                "1st T1",
                with(|f| f.ident_number = Some("T1".into())),
                vec![],
            ),
            (
                "1st full-width",
                with(|f| f.ident_number = Some("Ｔ１２".into())),
                vec![],
            ),
            (
                "1st with suffix",
                with(|f| f.ident_number = Some("T1-2".into())),
                vec![("ident_number", "mismatch")],
            ),
            (
                "liaison series",
                with(|f| f.ident_number = Some("R1".into())),
                vec![("ident_number", "format")],
            ),
            (
                "placeholder of the printed example",
                with(|f| f.ident_number = Some("Txxxxxx".into())),
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
                    f.ident_number = Some("T7-2".into());
                }),
                vec![],
            ),
            (
                "3rd wrong suffix",
                with(|f| {
                    f.report_no = 3;
                    f.ident_number = Some("T7-2".into());
                }),
                vec![("ident_number", "mismatch")],
            ),
            (
                "report 0",
                with(|f| {
                    f.report_no = 0;
                    f.ident_number = Some("T7-2".into());
                }),
                vec![("report_no", "required")],
            ),
            (
                "too long",
                with(|f| f.ident_number = Some("T".repeat(201))),
                vec![("ident_number", "too_long")],
            ),
        ]);
        // Issuing: the number is required on the 1st provision as well.
        let draft = with(|f| f.ident_number = None);
        assert_eq!(
            errors_in(&draft, &ProvisionContext::issuing(now())),
            vec![("ident_number", "required")]
        );
    }

    #[test]
    fn provided_at() {
        check(vec![
            (
                "missing",
                with(|f| f.provided_at = None),
                vec![("provided_at", "required")],
            ),
            (
                "5 min ahead is skew",
                with(|f| f.provided_at = Some(now() + Duration::minutes(5))),
                vec![],
            ),
            (
                "6 min ahead",
                with(|f| f.provided_at = Some(now() + Duration::minutes(6))),
                vec![("provided_at", "future")],
            ),
        ]);
    }

    #[test]
    fn recipients() {
        let r = Recipient::new;
        check(vec![
            (
                "none",
                with(|f| f.recipients.clear()),
                vec![("recipients", "required")],
            ),
            (
                "several ministries",
                with(|f| {
                    f.recipients = vec![
                        r("meti", "electric_power"),
                        r("meti", "gas"),
                        r("mlit", "water_supply"),
                        r("fsa", "finance"),
                        r("mic", "information_communications"),
                        r("mhlw", "medical"),
                    ]
                }),
                vec![],
            ),
            (
                "ministry does not oversee sector",
                with(|f| f.recipients = vec![r("fsa", "railway")]),
                vec![("recipients.sector", "mismatch")],
            ),
            (
                "water moved to MLIT",
                with(|f| f.recipients = vec![r("mhlw", "water_supply")]),
                vec![("recipients.sector", "mismatch")],
            ),
            (
                "not a CI ministry",
                with(|f| f.recipients = vec![r("npa", "railway")]),
                vec![("recipients.ministry", "unknown_code")],
            ),
            (
                "unknown sector",
                with(|f| f.recipients = vec![r("meti", "space")]),
                vec![("recipients.sector", "unknown_code")],
            ),
            (
                "both unknown",
                with(|f| f.recipients = vec![r("xx", "zz")]),
                vec![
                    ("recipients.ministry", "unknown_code"),
                    ("recipients.sector", "unknown_code"),
                ],
            ),
            (
                "blank cells",
                with(|f| f.recipients = vec![r(" ", ""), r("meti", "gas")]),
                vec![
                    ("recipients.ministry", "required"),
                    ("recipients.sector", "required"),
                ],
            ),
            (
                "duplicate reported once",
                with(|f| f.recipients = vec![r("meti", "gas"); 3]),
                vec![("recipients", "duplicate")],
            ),
            (
                "too many",
                with(|f| f.recipients = vec![r("meti", "gas"); MAX_RECIPIENTS + 1]),
                vec![("recipients", "too_many"), ("recipients", "duplicate")],
            ),
        ]);
    }

    #[test]
    fn a_bare_predicate_checks_pairs_only() {
        let j = OverseesFn(|m: &str, s: &str| m == "meti" && s == "gas");
        let ok = with(|f| f.recipients = vec![Recipient::new("meti", "gas")]);
        assert_eq!(validate(&ok, &j, &ProvisionContext::at(now())), Ok(()));
        let bad = with(|f| f.recipients = vec![Recipient::new("meti", "railway")]);
        let e = validate(&bad, &j, &ProvisionContext::at(now())).expect_err("pair");
        assert!(e.has("recipients.sector", "mismatch"));
    }

    #[test]
    fn starred_markings() {
        check(vec![
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
        ]);
    }

    #[test]
    fn indicators() {
        use IndicatorKind::*;
        let one = |i: Indicator| with(move |f| f.indicators = vec![i]);
        check(vec![
            ("ipv4", one(ind(Ip, "192.0.2.1")), vec![]),
            ("ipv4 defanged", one(ind(Ip, "192.0.2[.]1")), vec![]),
            ("ipv6", one(ind(Ip, "2001:db8::1")), vec![]),
            ("cidr", one(ind(Ip, "198.51.100.0/24")), vec![]),
            (
                "placeholder ip",
                one(ind(Ip, "XX.XX.XX.XX")),
                vec![("indicators.value", "format")],
            ),
            (
                "ip out of range",
                one(ind(Ip, "192.0.2.256")),
                vec![("indicators.value", "format")],
            ),
            ("domain", one(ind(Domain, "example.co.jp")), vec![]),
            (
                "domain defanged",
                one(ind(Domain, "example[.]co[.]jp")),
                vec![],
            ),
            (
                "domain with scheme",
                one(ind(Domain, "http://example.co.jp")),
                vec![("indicators.value", "format")],
            ),
            (
                "domain single label",
                one(ind(Domain, "funifuni")),
                vec![("indicators.value", "format")],
            ),
            (
                "url from the official example",
                one(ind(Url, "http://example.co.jp/top(.)html")),
                vec![],
            ),
            (
                "url hxxps",
                one(ind(Url, "hxxps://evil[.]example/a")),
                vec![],
            ),
            (
                "url without scheme",
                one(ind(Url, "example.co.jp/top.html")),
                vec![("indicators.value", "format")],
            ),
            (
                "md5",
                one(ind(Hash, "d41d8cd98f00b204e9800998ecf8427e")),
                vec![],
            ),
            (
                "sha1",
                one(ind(Hash, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709")),
                vec![],
            ),
            (
                "sha256",
                one(ind(
                    Hash,
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                )),
                vec![],
            ),
            (
                "hash wrong length",
                one(ind(Hash, "e3b0c44298fc1c149afbf4c8996fb924a")),
                vec![("indicators.value", "format")],
            ),
            (
                "hash not hex",
                one(ind(Hash, "z41d8cd98f00b204e9800998ecf8427e")),
                vec![("indicators.value", "format")],
            ),
            (
                "email",
                one(ind(Email, "attacker[@]evil[.]example")),
                vec![],
            ),
            (
                "email invalid",
                one(ind(Email, "attacker@evil")),
                vec![("indicators.value", "format")],
            ),
            ("other", one(ind(Other, "invoice.pdf.exe")), vec![]),
            ("empty row ignored", one(ind(Other, " ")), vec![]),
            (
                "note without value",
                one(Indicator {
                    note: "C2".into(),
                    ..ind(Ip, "")
                }),
                vec![("indicators.value", "required")],
            ),
            (
                "same indicator typed twice, once defanged",
                with(|f| {
                    f.indicators = vec![
                        ind(Domain, "example.com"),
                        ind(Domain, "EXAMPLE[.]com"),
                        ind(Url, "http://example.com/"),
                    ]
                }),
                vec![("indicators", "duplicate")],
            ),
            (
                "value too long",
                one(ind(Other, &"a".repeat(MAX_INDICATOR_CHARS + 1))),
                vec![("indicators.value", "too_long")],
            ),
            (
                "note too long",
                one(Indicator {
                    note: "あ".repeat(MAX_INDICATOR_NOTE_CHARS + 1),
                    ..ind(Ip, "192.0.2.1")
                }),
                vec![("indicators.note", "too_long")],
            ),
            (
                "too many",
                with(|f| {
                    f.indicators = (0..=MAX_INDICATORS as u32)
                        .map(|n| ind(Ip, &std::net::Ipv4Addr::from(n).to_string()))
                        .collect()
                }),
                vec![("indicators", "too_many")],
            ),
        ]);
        let f = with(|f| f.indicators = vec![ind(Ip, "192.0.2.1"), ind(Hash, "xyz")]);
        let e = validate(&f, &reference_jurisdiction(), &ProvisionContext::at(now()))
            .expect_err("row 2");
        let err = e.iter().next().expect("one");
        assert!(err.message_ja.contains("（2行目）") && err.message_ja.contains("ハッシュ値"));
        assert!(err.message_en.contains("(row 2)") && err.message_en.contains("hash"));
    }

    #[test]
    fn contact_and_lengths() {
        let long = "あ".repeat(MAX_TEXT_CHARS + 1);
        check(vec![
            (
                "contact ok",
                with(|f| {
                    f.contact.person = "提供　花子".into();
                    f.contact.phone = "０３－１２３４－５６７８".into();
                    f.contact.fax = "+81 (3) 1234 5678".into();
                    f.contact.email = "teikyo.hanako@xx.go.jp".into();
                }),
                vec![],
            ),
            (
                "printed placeholder phone",
                with(|f| f.contact.phone = "03-xxxx-xxxx".into()),
                vec![("contact.phone", "format")],
            ),
            (
                "fax bad",
                with(|f| f.contact.fax = "fax".into()),
                vec![("contact.fax", "format")],
            ),
            (
                "email bad",
                with(|f| f.contact.email = "teikyo.hanako".into()),
                vec![("contact.email", "format")],
            ),
            (
                "person too long",
                with(|f| f.contact.person = "あ".repeat(MAX_SHORT_CHARS + 1)),
                vec![("contact.person", "too_long")],
            ),
            (
                "summary at limit",
                with(|f| f.summary = "あ".repeat(MAX_TEXT_CHARS)),
                vec![],
            ),
            (
                "every text item too long",
                with(|f| {
                    f.tlp_notes = long.clone();
                    f.summary = long.clone();
                    f.targets = long.clone();
                    f.countermeasures = long.clone();
                    f.other = long.clone();
                }),
                vec![
                    ("tlp_notes", "too_long"),
                    ("summary", "too_long"),
                    ("targets", "too_long"),
                    ("countermeasures", "too_long"),
                    ("other", "too_long"),
                ],
            ),
        ]);
    }

    #[test]
    fn every_field_path_has_a_label() {
        let f = official_fig8_example();
        for (field, _, _) in f.text_fields() {
            assert!(field_label(field).is_some(), "{field}");
        }
        for field in [
            "report_no",
            "ident_number",
            "provided_at",
            "recipients",
            "recipients.ministry",
            "recipients.sector",
            "tlp",
            "has_attachments",
            "indicators",
            "indicators.value",
            "indicators.note",
        ] {
            assert!(field_label(field).is_some(), "{field}");
        }
    }
}
