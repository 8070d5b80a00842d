//! Text input: one table of limits and formats per field ([`FIELDS`]), the checks that apply
//! it, and the one normaliser ([`normal`]) that every search for identifying details uses.
//!
//! # Kinds
//!
//! | Kind | Stored as | Refused |
//! |------|-----------|---------|
//! | [`Kind::Name`] | NFKC, trimmed | control characters, line breaks, invisible format characters (Cf: zero-width, bidi overrides/isolates, BOM …) and fillers |
//! | [`Kind::Line`] | trimmed | control characters, line breaks |
//! | [`Kind::Text`] | trimmed | control characters other than tab and line breaks |
//! | [`Kind::Email`] | NFKC, trimmed | as Name; not `local@domain.tld` (half-width) |
//! | [`Kind::Phone`] | NFKC, trimmed | as Name; anything but digits, spaces, `+`, `-`, `()` |
//! | [`Kind::Login`] | NFKC, trimmed, lower case | as Name; not 3–64 of `a-z 0-9 . _ - @` |
//! | [`Kind::Domain`] | refanged, lower case | as Name; not a host name of two or more labels |
//! | [`Kind::Ip`] | refanged, canonical | as Name; not an IPv4/IPv6 address or CIDR range |
//! | [`Kind::Url`] | trimmed | as Name; not an `http(s)`/`ftp` URL |
//!
//! Invisible format characters are refused in names because they hide a name from every search
//! (東\u{200B}都電力 is not 東都電力 to a byte comparison). Free text and one-line values keep
//! them — an indicator may be a file name spoofed with U+202E — and the normaliser ignores them
//! when it looks for identifying details. Form fields (図４, 図７) are checked as typed and stored
//! as typed; values stored on records (names, logins, contact details) are stored cleaned.
//!
//! # Limits
//!
//! [`FIELDS`] is the table: subject, field (the API's name), kind, maximum length in characters
//! (after cleaning), whether it is required, and for lists the maximum number of entries.
//! Errors name the field and the rule (`control_char`, `invisible_char`, `line_break`,
//! `required`, `too_long`, `too_many`, `format`) in Japanese and English.

pub mod find;
pub mod normal;

pub use normal::{is_format_char, key, normalise, Unit};

use crate::liaison::validate::{is_email, is_phone, FieldError};
use serde::Serialize;

/// What a field belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Organisation,
    Person,
    /// 情報連絡様式 (図４).
    LiaisonForm,
    /// 情報提供様式 (図７).
    ProvisionForm,
    /// A message of a 問合せ thread.
    Inquiry,
    /// A recipient's acknowledgement of a provision.
    Receipt,
    /// A source's sender deciding on a consent request.
    Consent,
    /// A source item NISC records.
    SourceItem,
    /// An API token.
    Token,
    /// Forwarding a copy (the CEPTOAR's extra masking terms).
    Forward,
    /// Declaring or ending the large-scale outage mode.
    LargeScale,
    /// What a cybersecurity or incident-response actor sends NISC (攻撃手法情報, 被害情報…).
    ActorSubmission,
    /// NISC's request for cooperation (連携要請) and its reply thread.
    Cooperation,
    /// A point of contact (連絡先) of an organisation.
    Contact,
    /// A contact check (連絡確認).
    ContactCheck,
    /// An operator's consultation (相談) with its ministry, CEPTOAR or NISC, and its thread.
    Consultation,
    /// An exercise (演習) or CEPTOAR training: its scenario, injects and lessons.
    Exercise,
    /// NISC's incident (インシデント) linking chains found by cross-checking (突合).
    Incident,
    /// An operator's risk register (services, assets, risks, treatment plans).
    Risk,
    /// An operator's continuity plan (CP / BCP / IT-BCP / 事業復旧計画).
    Continuity,
}

/// How a field is cleaned and checked (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Name,
    Line,
    Text,
    Email,
    Phone,
    Login,
    Domain,
    Ip,
    Url,
}

impl Kind {
    /// Names and identifiers: invisible characters are refused.
    fn strict(self) -> bool {
        !matches!(self, Kind::Line | Kind::Text)
    }
    fn one_line(self) -> bool {
        self != Kind::Text
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldRule {
    pub subject: Subject,
    /// The field's name in the API (dotted path for form fields).
    pub field: &'static str,
    /// Label for messages; form fields take the form's own labels.
    pub label_ja: &'static str,
    pub label_en: &'static str,
    pub kind: Kind,
    /// Maximum length in characters (Unicode scalar values).
    pub max_chars: usize,
    pub required: bool,
    /// For lists, the maximum number of entries; 0 for a single value.
    pub max_items: usize,
}

/// One-line items of the forms (names, phone numbers, a timeline row's 日時 …).
pub const MAX_SHORT_CHARS: usize = 200;
/// One free-text item of the forms.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// An indicator's value (long URLs).
pub const MAX_INDICATOR_CHARS: usize = 2_048;
/// An indicator's note.
pub const MAX_INDICATOR_NOTE_CHARS: usize = 1_000;
/// Notes on a receipt or a consent decision.
pub const MAX_NOTE_CHARS: usize = 2_000;

const fn row(
    subject: Subject,
    field: &'static str,
    label_ja: &'static str,
    label_en: &'static str,
    kind: Kind,
    max_chars: usize,
) -> FieldRule {
    FieldRule {
        subject,
        field,
        label_ja,
        label_en,
        kind,
        max_chars,
        required: false,
        max_items: 0,
    }
}

const fn form(subject: Subject, field: &'static str, kind: Kind, max_chars: usize) -> FieldRule {
    row(subject, field, "", "", kind, max_chars)
}

const fn required(r: FieldRule) -> FieldRule {
    FieldRule {
        required: true,
        ..r
    }
}

const fn list(r: FieldRule, max_items: usize) -> FieldRule {
    FieldRule { max_items, ..r }
}

/// Every bounded text field: subject, field, kind, maximum characters, required, list size.
pub const FIELDS: &[FieldRule] = {
    use Kind::*;
    use Subject::*;
    &[
        // Organisations. The identifier lists feed the CEPTOAR's anonymisation.
        required(row(
            Organisation,
            "name_ja",
            "組織名（日本語）",
            "Name (Japanese)",
            Name,
            200,
        )),
        row(
            Organisation,
            "name_en",
            "組織名（英語）",
            "Name (English)",
            Name,
            200,
        ),
        list(
            row(Organisation, "aliases", "別名", "Aliases", Name, 200),
            50,
        ),
        list(
            row(Organisation, "domains", "ドメイン", "Domains", Domain, 253),
            50,
        ),
        list(
            row(
                Organisation,
                "addresses",
                "所在地",
                "Postal addresses",
                Name,
                300,
            ),
            20,
        ),
        list(
            row(
                Organisation,
                "phones",
                "電話・FAX番号",
                "Phone and fax numbers",
                Phone,
                40,
            ),
            20,
        ),
        list(
            row(
                Organisation,
                "emails",
                "メールアドレス",
                "E-mail addresses",
                Email,
                254,
            ),
            50,
        ),
        list(
            row(
                Organisation,
                "ip_ranges",
                "IPアドレス・範囲",
                "IP addresses and ranges",
                Ip,
                64,
            ),
            100,
        ),
        // People.
        required(row(Person, "login", "ログイン名", "Login", Login, 64)),
        required(row(
            Person,
            "display_name",
            "氏名",
            "Display name",
            Name,
            100,
        )),
        row(Person, "department", "部署", "Department", Name, 200),
        row(
            Person,
            "email",
            "メールアドレス",
            "E-mail address",
            Email,
            254,
        ),
        row(Person, "phone", "電話番号", "Phone", Phone, 40),
        // 情報連絡様式 (図４); 識別番号 has its own format rule.
        form(LiaisonForm, "sender.organisation", Name, MAX_SHORT_CHARS),
        form(LiaisonForm, "sender.department", Name, MAX_SHORT_CHARS),
        form(LiaisonForm, "sender.person", Name, MAX_SHORT_CHARS),
        form(LiaisonForm, "sender.phone", Phone, MAX_SHORT_CHARS),
        form(LiaisonForm, "sender.fax", Phone, MAX_SHORT_CHARS),
        form(LiaisonForm, "sender.email", Email, MAX_SHORT_CHARS),
        form(LiaisonForm, "tlp_notes", Text, MAX_TEXT_CHARS),
        form(LiaisonForm, "operator_name", Name, MAX_SHORT_CHARS),
        form(LiaisonForm, "summary.occurred_note", Text, MAX_TEXT_CHARS),
        form(LiaisonForm, "summary.affected_system", Text, MAX_TEXT_CHARS),
        form(LiaisonForm, "summary.description", Text, MAX_TEXT_CHARS),
        form(LiaisonForm, "supplementary", Text, MAX_TEXT_CHARS),
        form(
            LiaisonForm,
            "impact.sml_override.reason",
            Text,
            MAX_TEXT_CHARS,
        ),
        form(LiaisonForm, "external.press_detail", Text, MAX_TEXT_CHARS),
        form(LiaisonForm, "external.ppc_detail", Text, MAX_TEXT_CHARS),
        form(LiaisonForm, "external.other_contacts", Text, MAX_TEXT_CHARS),
        form(LiaisonForm, "timeline.at", Line, MAX_SHORT_CHARS),
        form(LiaisonForm, "timeline.event", Text, MAX_TEXT_CHARS),
        form(LiaisonForm, "lessons", Text, MAX_TEXT_CHARS),
        // 情報提供様式 (図７); 識別番号 has its own format rule.
        form(ProvisionForm, "tlp_notes", Text, MAX_TEXT_CHARS),
        form(ProvisionForm, "summary", Text, MAX_TEXT_CHARS),
        form(ProvisionForm, "targets", Text, MAX_TEXT_CHARS),
        form(ProvisionForm, "countermeasures", Text, MAX_TEXT_CHARS),
        form(ProvisionForm, "indicators.value", Line, MAX_INDICATOR_CHARS),
        form(
            ProvisionForm,
            "indicators.note",
            Text,
            MAX_INDICATOR_NOTE_CHARS,
        ),
        form(ProvisionForm, "other", Text, MAX_TEXT_CHARS),
        form(ProvisionForm, "contact.person", Name, MAX_SHORT_CHARS),
        form(ProvisionForm, "contact.phone", Phone, MAX_SHORT_CHARS),
        form(ProvisionForm, "contact.fax", Phone, MAX_SHORT_CHARS),
        form(ProvisionForm, "contact.email", Email, MAX_SHORT_CHARS),
        // Everything else people type.
        required(row(
            Inquiry,
            "body",
            "本文",
            "Message",
            Text,
            MAX_TEXT_CHARS,
        )),
        row(
            Receipt,
            "note",
            "回答・備考",
            "Response note",
            Text,
            MAX_NOTE_CHARS,
        ),
        row(Consent, "note", "備考", "Note", Text, MAX_NOTE_CHARS),
        required(row(
            LargeScale,
            "reason",
            "理由",
            "Reason",
            Text,
            MAX_NOTE_CHARS,
        )),
        required(row(ActorSubmission, "title", "件名", "Title", Line, 300)),
        required(row(
            ActorSubmission,
            "body",
            "本文",
            "Body",
            Text,
            MAX_TEXT_CHARS,
        )),
        required(row(Cooperation, "title", "件名", "Title", Line, 300)),
        required(row(
            Cooperation,
            "body",
            "本文",
            "Body",
            Text,
            MAX_TEXT_CHARS,
        )),
        row(
            Cooperation,
            "message",
            "返信",
            "Reply",
            Text,
            MAX_TEXT_CHARS,
        ),
        required(row(Contact, "name", "担当・氏名", "Name", Name, 200)),
        row(Contact, "phone", "電話番号", "Phone", Phone, 40),
        row(
            Contact,
            "email",
            "メールアドレス",
            "E-mail address",
            Email,
            254,
        ),
        row(Contact, "hours", "対応時間", "Hours", Line, 200),
        row(
            ContactCheck,
            "message",
            "連絡事項",
            "Message",
            Text,
            MAX_NOTE_CHARS,
        ),
        required(row(Consultation, "subject", "件名", "Subject", Line, 300)),
        required(row(
            Consultation,
            "body",
            "相談内容",
            "Question",
            Text,
            MAX_TEXT_CHARS,
        )),
        row(
            Consultation,
            "message",
            "メッセージ",
            "Message",
            Text,
            MAX_TEXT_CHARS,
        ),
        required(row(Exercise, "name", "演習名", "Exercise name", Line, 200)),
        row(Exercise, "purpose", "目的", "Purpose", Text, MAX_NOTE_CHARS),
        required(row(Exercise, "title", "件名", "Title", Line, 300)),
        row(Exercise, "body", "内容", "Content", Text, MAX_NOTE_CHARS),
        required(row(
            Exercise,
            "lesson",
            "教訓",
            "Lesson",
            Text,
            MAX_NOTE_CHARS,
        )),
        row(
            Exercise,
            "follow_up",
            "フォローアップ",
            "Follow-up",
            Text,
            MAX_NOTE_CHARS,
        ),
        required(row(Incident, "title", "件名", "Title", Line, 300)),
        row(Incident, "note", "メモ", "Note", Text, MAX_NOTE_CHARS),
        required(row(SourceItem, "title", "件名", "Title", Line, 300)),
        row(SourceItem, "origin", "入手元", "Origin", Line, 300),
        row(SourceItem, "url", "URL", "URL", Url, MAX_INDICATOR_CHARS),
        list(
            row(
                SourceItem,
                "identifiers",
                "識別情報",
                "Identifying details",
                Line,
                300,
            ),
            100,
        ),
        required(row(Risk, "name", "名称", "Name", Line, 200)),
        required(row(Risk, "title", "件名", "Title", Line, 300)),
        row(
            Risk,
            "description",
            "説明",
            "Description",
            Text,
            MAX_TEXT_CHARS,
        ),
        row(
            Risk,
            "scenario",
            "シナリオ",
            "Scenario",
            Text,
            MAX_TEXT_CHARS,
        ),
        required(row(
            Risk,
            "action",
            "対応内容",
            "Action",
            Text,
            MAX_TEXT_CHARS,
        )),
        row(
            Risk,
            "target_state",
            "目標とする状態",
            "Target state",
            Text,
            MAX_NOTE_CHARS,
        ),
        row(
            Risk,
            "evaluation",
            "評価方法",
            "How it is evaluated",
            Text,
            MAX_NOTE_CHARS,
        ),
        row(
            Risk,
            "control_status",
            "管理策の導入状況",
            "Control status",
            Text,
            MAX_NOTE_CHARS,
        ),
        row(
            Risk,
            "selection_reason",
            "選定理由",
            "Reason for selection",
            Text,
            MAX_NOTE_CHARS,
        ),
        row(Risk, "owner", "担当", "Owner", Line, 200),
        row(Risk, "department", "管理部門", "Department", Line, 200),
        row(Risk, "location", "所在", "Location", Line, 200),
        list(row(Risk, "operations", "業務", "Operations", Line, 200), 50),
        list(
            row(Risk, "products", "製品・型番", "Products", Line, 200),
            50,
        ),
        list(
            row(Risk, "keywords", "キーワード", "Keywords", Line, 200),
            50,
        ),
        required(row(Continuity, "title", "計画名", "Plan title", Line, 300)),
        row(
            Continuity,
            "scope",
            "対象範囲",
            "Scope",
            Text,
            MAX_TEXT_CHARS,
        ),
        row(
            Continuity,
            "activation_criteria",
            "発動基準",
            "Activation criteria",
            Text,
            MAX_TEXT_CHARS,
        ),
        row(
            Continuity,
            "handover_criteria",
            "引継ぎ基準",
            "Hand-over criteria",
            Text,
            MAX_TEXT_CHARS,
        ),
        row(
            Continuity,
            "point",
            "遮断・停止ポイント",
            "Cut-off point",
            Line,
            300,
        ),
        row(
            Continuity,
            "decision_maker",
            "判断責任者",
            "Decision-maker",
            Line,
            200,
        ),
        row(
            Continuity,
            "criteria",
            "判断材料",
            "Decision information",
            Text,
            MAX_NOTE_CHARS,
        ),
        row(Continuity, "channel", "情報共有手段", "Channel", Line, 300),
        row(
            Continuity,
            "fallback",
            "代替手段（手動）",
            "Manual fallback",
            Line,
            300,
        ),
        row(Continuity, "notes", "所見", "Notes", Text, MAX_NOTE_CHARS),
        required(row(Token, "name", "トークン名", "Token name", Line, 100)),
        list(
            row(
                Forward,
                "mask",
                "追加で伏せる語",
                "Extra terms to mask",
                Line,
                300,
            ),
            100,
        ),
    ]
};

/// The rule of a field, if the table has one.
pub fn rule(subject: Subject, field: &str) -> Option<&'static FieldRule> {
    FIELDS
        .iter()
        .find(|r| r.subject == subject && r.field == field)
}

/// The rule of a field the table must have; a missing row is a programming error caught by the
/// table's tests, and falls back to bounded one-line text rather than to no limit.
pub fn rule_of(subject: Subject, field: &'static str) -> FieldRule {
    rule(subject, field)
        .copied()
        .unwrap_or_else(|| row(subject, field, field, field, Kind::Line, MAX_SHORT_CHARS))
}

fn row_suffix(row: Option<usize>) -> (String, String) {
    match row {
        Some(i) => (format!("（{}行目）", i + 1), format!(" (row {})", i + 1)),
        None => (String::new(), String::new()),
    }
}

/// At most 60 characters of a value, for messages.
fn shown(v: &str) -> String {
    let mut s: String = v.chars().take(60).collect();
    if v.chars().count() > 60 {
        s.push('…');
    }
    s
}

fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

impl FieldRule {
    /// The labels messages use (the form's own labels for form fields).
    pub fn labels(&self) -> (&'static str, &'static str) {
        let form = match self.subject {
            Subject::LiaisonForm => crate::liaison::validate::field_label(self.field),
            Subject::ProvisionForm => crate::provision::validate::field_label(self.field),
            _ => None,
        };
        form.unwrap_or((self.label_ja, self.label_en))
    }

    fn error(&self, rule: &'static str, ja: String, en: String) -> FieldError {
        FieldError {
            field: self.field,
            rule,
            message_ja: ja,
            message_en: en,
        }
    }

    /// The first character the kind refuses, with the rule it breaks.
    fn bad_char(&self, value: &str) -> Option<(char, &'static str)> {
        value.chars().find_map(|c| {
            if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
                return self.kind.one_line().then_some((c, "line_break"));
            }
            if c == '\t' {
                return self.kind.one_line().then_some((c, "control_char"));
            }
            if c.is_control() {
                return Some((c, "control_char"));
            }
            if self.kind.strict() && (normal::is_format_char(c) || normal::is_invisible_filler(c)) {
                return Some((c, "invisible_char"));
            }
            None
        })
    }

    fn char_error(&self, c: char, rule: &'static str, row: Option<usize>) -> FieldError {
        let (ja, en) = self.labels();
        let (rja, ren) = row_suffix(row);
        let cp = code_point(c);
        match rule {
            "line_break" => self.error(
                rule,
                format!("「{ja}」{rja}に改行は使えません。1行で入力してください。"),
                format!("{en}{ren} must be a single line."),
            ),
            "invisible_char" => self.error(
                rule,
                format!("「{ja}」{rja}に見えない書式文字（{cp}）は使えません（ゼロ幅文字・双方向制御文字など）。"),
                format!("{en}{ren} must not contain invisible formatting characters ({cp}), such as zero-width or bidirectional-override characters."),
            ),
            _ => self.error(
                rule,
                format!("「{ja}」{rja}に制御文字（{cp}）は使えません。"),
                format!("{en}{ren} must not contain control characters ({cp})."),
            ),
        }
    }

    fn too_long(&self, len: usize, row: Option<usize>) -> FieldError {
        let (ja, en) = self.labels();
        let (rja, ren) = row_suffix(row);
        let max = self.max_chars;
        self.error(
            "too_long",
            format!("「{ja}」{rja}は{max}文字以内にしてください（現在{len}文字）。"),
            format!("{en}{ren} must be at most {max} characters (now {len})."),
        )
    }

    fn required_error(&self) -> FieldError {
        let (ja, en) = self.labels();
        self.error(
            "required",
            format!("「{ja}」は必須です。"),
            format!("{en} is required."),
        )
    }

    fn format_error(&self, value: &str, row: Option<usize>) -> FieldError {
        let (ja, en) = self.labels();
        let (rja, ren) = row_suffix(row);
        let v = shown(value);
        let (what_ja, what_en) = match self.kind {
            Kind::Email => (
                "の形式が正しくありません（半角で name@example.go.jp の形）".to_owned(),
                " is not a valid address (half-width, like name@example.go.jp)".to_owned(),
            ),
            Kind::Phone => (
                "には数字・空白・+・-・括弧のみ使えます".to_owned(),
                " may contain only digits, spaces, +, - and parentheses".to_owned(),
            ),
            Kind::Login => (
                "は3〜64文字の英数字と . _ - @ で入力してください".to_owned(),
                " must be 3-64 characters of letters, digits and . _ - @".to_owned(),
            ),
            Kind::Domain => (
                "はドメイン名として正しくありません（例: example.co.jp）".to_owned(),
                " is not a valid domain name (e.g. example.co.jp)".to_owned(),
            ),
            Kind::Ip => (
                "はIPアドレスまたはアドレス範囲として正しくありません（例: 192.0.2.0/24）"
                    .to_owned(),
                " is not a valid IP address or range (e.g. 192.0.2.0/24)".to_owned(),
            ),
            Kind::Url => (
                "はURLとして正しくありません（例: https://example.jp/）".to_owned(),
                " is not a valid URL (e.g. https://example.jp/)".to_owned(),
            ),
            Kind::Name | Kind::Line | Kind::Text => (
                "の形式が正しくありません".to_owned(),
                " is not valid".to_owned(),
            ),
        };
        self.error(
            "format",
            format!("「{ja}」{rja}{what_ja}: {v}"),
            format!("{en}{ren}{what_en}: {v}"),
        )
    }

    /// Whether a cleaned, non-blank value has the kind's format.
    fn format_ok(&self, v: &str) -> bool {
        match self.kind {
            Kind::Email => is_email(v),
            Kind::Phone => is_phone(v),
            Kind::Login => {
                (3..=64).contains(&v.chars().count())
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
            }
            Kind::Domain => crate::provision::defang::is_domain(v),
            Kind::Ip => crate::provision::defang::is_ip(v),
            Kind::Url => crate::provision::defang::is_url(v),
            Kind::Name | Kind::Line | Kind::Text => true,
        }
    }

    /// The first problem with a form field's value as typed (forms are stored as typed, so
    /// nothing is normalised). Blank values pass; required-ness is the form's own rule.
    pub fn problem(&self, value: &str, row: Option<usize>) -> Option<FieldError> {
        if let Some((c, rule)) = self.bad_char(value) {
            return Some(self.char_error(c, rule, row));
        }
        let len = value.chars().count();
        if len > self.max_chars {
            return Some(self.too_long(len, row));
        }
        let v = value.trim();
        if !v.is_empty() && !self.format_ok(v) {
            return Some(self.format_error(value, row));
        }
        None
    }

    /// Cleans and checks one value to be stored (see the module documentation).
    pub fn clean(&self, value: &str) -> Result<String, FieldError> {
        if let Some((c, rule)) = self.bad_char(value) {
            return Err(self.char_error(c, rule, None));
        }
        let cleaned = match self.kind {
            Kind::Name | Kind::Email | Kind::Phone => normal::nfkc(value).trim().to_owned(),
            Kind::Login => normal::nfkc(value).trim().to_lowercase(),
            Kind::Domain => crate::provision::canonical_indicator(
                crate::provision::IndicatorKind::Domain,
                value,
            ),
            Kind::Ip => {
                crate::provision::canonical_indicator(crate::provision::IndicatorKind::Ip, value)
            }
            Kind::Line | Kind::Text | Kind::Url => value.trim().to_owned(),
        };
        // NFKC can turn a visible character into an invisible one in rare cases; check again.
        if let Some((c, rule)) = self.bad_char(&cleaned) {
            return Err(self.char_error(c, rule, None));
        }
        if cleaned.is_empty() {
            return if self.required {
                Err(self.required_error())
            } else {
                Ok(cleaned)
            };
        }
        let len = cleaned.chars().count();
        if len > self.max_chars {
            return Err(self.too_long(len, None));
        }
        if !self.format_ok(&cleaned) {
            return Err(self.format_error(value, None));
        }
        Ok(cleaned)
    }

    /// Cleans and checks a list: blank entries and repeats are dropped, each entry is checked,
    /// and there may be at most [`FieldRule::max_items`] entries.
    pub fn clean_list(&self, values: &[String]) -> Result<Vec<String>, FieldError> {
        let mut out: Vec<String> = Vec::new();
        for v in values {
            let c = self.clean(v)?;
            if !c.is_empty() && !out.contains(&c) {
                out.push(c);
            }
        }
        let max = self.max_items.max(1);
        if out.len() > max {
            let (ja, en) = self.labels();
            let n = out.len();
            return Err(self.error(
                "too_many",
                format!("「{ja}」は{max}件以内にしてください（現在{n}件）。"),
                format!("{en} may have at most {max} entries (now {n})."),
            ));
        }
        if out.is_empty() && self.required {
            return Err(self.required_error());
        }
        Ok(out)
    }
}

/// The first control character (Unicode `Cc`: C0, DEL, C1) of a value arriving from outside
/// the table — a path or query parameter, a JSON or form field before its own rule is applied —
/// that no field accepts: every one, except tab and line breaks when `keep_breaks` (free text
/// keeps them, and the field's own rule decides). The HTTP edge refuses these for every input,
/// so no backend ever sees one (PostgreSQL cannot store NUL at all).
pub fn first_control_char(value: &str, keep_breaks: bool) -> Option<char> {
    value
        .chars()
        .find(|&c| c.is_control() && !(keep_breaks && matches!(c, '\t' | '\n' | '\r')))
}

/// The message for a control character in an input the caller names `name` (a parameter or
/// field name as the API spells it), in Japanese and English.
pub fn control_char_message(name: &str, c: char) -> (String, String) {
    let cp = code_point(c);
    (
        format!("「{name}」に制御文字（{cp}）は使えません。"),
        format!("{name} must not contain control characters ({cp})."),
    )
}

/// Cleans one value of `subject.field` (see [`FieldRule::clean`]).
pub fn clean(subject: Subject, field: &'static str, value: &str) -> Result<String, FieldError> {
    rule_of(subject, field).clean(value)
}

/// Cleans a list of `subject.field` (see [`FieldRule::clean_list`]).
pub fn clean_list(
    subject: Subject,
    field: &'static str,
    values: &[String],
) -> Result<Vec<String>, FieldError> {
    rule_of(subject, field).clean_list(values)
}

/// The first problem of a form field as typed (see [`FieldRule::problem`]).
pub fn form_problem(
    subject: Subject,
    field: &'static str,
    value: &str,
    row: Option<usize>,
) -> Option<FieldError> {
    rule_of(subject, field).problem(value, row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liaison::form::{LiaisonForm as Liaison, TimelineRow};
    use crate::provision::form::{Indicator, ProvisionForm as Provision};
    use std::collections::HashSet;
    use Subject::*;

    #[test]
    fn table_is_well_formed() {
        let mut seen = HashSet::new();
        for r in FIELDS {
            assert!(seen.insert((r.subject, r.field)), "duplicate row {r:?}");
            assert!(r.max_chars > 0 && r.max_chars <= MAX_TEXT_CHARS, "{r:?}");
            let (ja, en) = r.labels();
            assert!(!ja.is_empty() && !en.is_empty(), "labels of {r:?}");
            if r.kind == Kind::Text {
                assert_eq!(r.max_items, 0, "free text is never a list: {r:?}");
            }
        }
        assert!(rule(Organisation, "name_ja").is_some_and(|r| r.required));
        assert!(rule(Organisation, "nonexistent").is_none());
    }

    #[test]
    fn every_form_text_field_has_a_row() {
        let mut f = Liaison::default();
        f.timeline.push(TimelineRow::default());
        for (field, _, _) in f.text_fields() {
            assert!(rule(LiaisonForm, field).is_some(), "liaison {field}");
        }
        let p = Provision {
            indicators: vec![Indicator::default()],
            ..Default::default()
        };
        for (field, _, _) in p.text_fields() {
            assert!(rule(ProvisionForm, field).is_some(), "provision {field}");
        }
    }

    fn rule_code(r: Result<String, FieldError>) -> Result<String, &'static str> {
        r.map_err(|e| e.rule)
    }

    #[test]
    fn names_are_normalised_and_refuse_invisible_characters() {
        let c = |v: &str| rule_code(clean(Organisation, "name_ja", v));
        assert_eq!(c("  東都電力株式会社　"), Ok("東都電力株式会社".into()));
        assert_eq!(c("㈱ﾄｳﾄ"), Ok("(株)トウト".into()));
        assert_eq!(c("ＴＯＨＴＯ"), Ok("TOHTO".into()));
        assert_eq!(c("東都\u{202E}電力"), Err("invisible_char"));
        assert_eq!(c("東都\u{200B}電力"), Err("invisible_char"));
        assert_eq!(c("\u{FEFF}東都電力"), Err("invisible_char"));
        assert_eq!(c("東都\u{3164}電力"), Err("invisible_char"));
        assert_eq!(c("東都\u{0000}電力"), Err("control_char"));
        assert_eq!(c("東都\n電力"), Err("line_break"));
        assert_eq!(c("   "), Err("required"));
        assert_eq!(c(&"あ".repeat(200)), Ok("あ".repeat(200)));
        assert_eq!(c(&"あ".repeat(100_000)), Err("too_long"));
        let e = clean(Organisation, "name_ja", "東都\u{202E}電力").expect_err("refused");
        assert_eq!(e.field, "name_ja");
        assert!(e.message_ja.contains("U+202E") && e.message_en.contains("U+202E"));
        assert!(e.message_ja.contains("組織名（日本語）"));
    }

    #[test]
    fn formats() {
        let c = |s: Subject, f: &'static str, v: &str| rule_code(clean(s, f, v));
        assert_eq!(
            c(Person, "email", "ｔａｒｏ＠ｘｘ．ｊｐ"),
            Ok("taro@xx.jp".into())
        );
        assert_eq!(c(Person, "email", "taro.xx.jp"), Err("format"));
        assert_eq!(c(Person, "email", ""), Ok(String::new()));
        assert_eq!(
            c(Person, "phone", "０３－１２３４－５６７８"),
            Ok("03-1234-5678".into())
        );
        assert_eq!(c(Person, "phone", "03-1234-5678 内線12"), Err("format"));
        assert_eq!(c(Person, "login", " Taro.Y "), Ok("taro.y".into()));
        assert_eq!(c(Person, "login", "x"), Err("format"));
        assert_eq!(c(Person, "login", "ta ro"), Err("format"));
        assert_eq!(
            c(Organisation, "domains", "Example[.]CO[.]jp"),
            Ok("example.co.jp".into())
        );
        assert_eq!(c(Organisation, "domains", "localhost"), Err("format"));
        assert_eq!(
            c(Organisation, "ip_ranges", "192.0.2[.]0/24"),
            Ok("192.0.2.0/24".into())
        );
        assert_eq!(c(Organisation, "ip_ranges", "10.0.0.0/33"), Err("format"));
        assert_eq!(
            c(SourceItem, "url", "https://jvn.jp/x"),
            Ok("https://jvn.jp/x".into())
        );
        assert_eq!(c(SourceItem, "url", "javascript:alert(1)"), Err("format"));
        assert_eq!(c(Token, "name", ""), Err("required"));
        assert_eq!(c(Token, "name", "CI 連携"), Ok("CI 連携".into()));
        assert_eq!(c(Token, "name", &"x".repeat(101)), Err("too_long"));
    }

    #[test]
    fn free_text_keeps_line_breaks_and_format_characters() {
        let c = |v: &str| rule_code(clean(Inquiry, "body", v));
        assert_eq!(c("一行目\n二行目\t列"), Ok("一行目\n二行目\t列".into()));
        assert_eq!(
            c("invoice\u{202E}fdp.exe"),
            Ok("invoice\u{202E}fdp.exe".into())
        );
        assert_eq!(c("NUL\u{0000}"), Err("control_char"));
        assert_eq!(c("ESC\u{001B}[31m"), Err("control_char"));
        assert_eq!(c(""), Err("required"));
        assert_eq!(c(&"a".repeat(MAX_TEXT_CHARS + 1)), Err("too_long"));
        let n = |v: &str| rule_code(clean(Receipt, "note", v));
        assert_eq!(n(""), Ok(String::new()));
        assert_eq!(n(&"a".repeat(MAX_NOTE_CHARS + 1)), Err("too_long"));
        // One-line values refuse line breaks but keep format characters.
        let t = |v: &str| rule_code(clean(SourceItem, "title", v));
        assert_eq!(t("a\nb"), Err("line_break"));
        assert_eq!(t("a\u{200B}b"), Ok("a\u{200B}b".into()));
    }

    #[test]
    fn control_characters_from_outside_the_table() {
        assert_eq!(first_control_char("abc", false), None);
        assert_eq!(first_control_char("a\u{0}b", true), Some('\u{0}'));
        assert_eq!(first_control_char("a\nb\tc\r", true), None);
        assert_eq!(first_control_char("a\nb", false), Some('\n'));
        assert_eq!(first_control_char("a\u{7F}", true), Some('\u{7F}'));
        assert_eq!(first_control_char("a\u{85}", true), Some('\u{85}'));
        assert_eq!(
            first_control_char("東\u{200B}都", false),
            None,
            "format, not control"
        );
        let (ja, en) = control_char_message("sector", '\u{0}');
        assert!(ja.contains("U+0000") && en.contains("sector") && en.contains("U+0000"));
    }

    #[test]
    fn lists() {
        let l = |v: &[&str]| {
            clean_list(
                Organisation,
                "aliases",
                &v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
            )
            .map_err(|e| e.rule)
        };
        assert_eq!(
            l(&["東都電力", " ", "東都電力", "Tohto"]),
            Ok(vec!["東都電力".into(), "Tohto".into()])
        );
        assert_eq!(l(&["東都\u{200D}電力"]), Err("invisible_char"));
        let many: Vec<String> = (0..51).map(|i| format!("別名{i}")).collect();
        assert_eq!(
            clean_list(Organisation, "aliases", &many).map_err(|e| e.rule),
            Err("too_many")
        );
    }

    #[test]
    fn form_fields_are_checked_as_typed() {
        let p = |f: &'static str, v: &str| form_problem(LiaisonForm, f, v, None).map(|e| e.rule);
        assert_eq!(
            p("sender.email", "ｔａｒｏ＠ｘｘ．ｊｐ"),
            Some("format"),
            "no NFKC in forms"
        );
        assert_eq!(
            p("sender.person", "山田\u{202E}太郎"),
            Some("invisible_char")
        );
        assert_eq!(
            p("operator_name", "東都\u{200B}電力"),
            Some("invisible_char")
        );
        assert_eq!(p("summary.description", "a\u{200B}b\nc"), None);
        assert_eq!(p("summary.description", "a\u{0000}"), Some("control_char"));
        let e = form_problem(LiaisonForm, "timeline.event", &"a".repeat(20_001), Some(2))
            .expect("too long");
        assert_eq!((e.field, e.rule), ("timeline.event", "too_long"));
        assert!(e.message_ja.contains("3行目") && e.message_en.contains("(row 3)"));
        assert!(
            e.message_ja.contains("⑦当該事象に係る推移等"),
            "{}",
            e.message_ja
        );
    }
}
