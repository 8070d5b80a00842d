//! Event and cause types for information liaison (別紙３ 情報連絡における事象と原因の類型).

use serde::{Deserialize, Serialize};

use crate::seed::{Bilingual, SeedLines};

/// 事象 — an event type; a liaison names exactly one, the first detected (form ※２).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// `EV-01`..`EV-08`, in 別紙３ order.
    pub code: String,
    /// Readable stable key, e.g. `malware_infection`.
    pub key: String,
    pub class: EventClass,
    /// Id of the [`EventCategory`] (事象の類型).
    pub category: String,
    pub label_ja: String,
    pub label_en: String,
    /// Other wordings found in the seed, accepted by [`crate::Reference::resolve_event`].
    pub aliases: Vec<Alias>,
    pub description_ja: String,
    pub description_en: String,
    pub examples: Vec<Bilingual>,
    /// The glossary definition, where the event is also a glossary term (予兆・ヒヤリハット).
    pub glossary_ja: Option<String>,
    pub glossary_en: Option<String>,
    pub note: Option<String>,
    pub seed_lines: SeedLines,
}

/// Whether harm has happened: 未発生の事象 (precursor) or 発生した事象.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventClass {
    NotOccurred,
    Occurred,
}

/// 事象の類型 — event category: the CIA property threatened, or precursor / leading-to / other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCategory {
    pub id: String,
    pub class: EventClass,
    pub name_ja: String,
    pub name_en: String,
    pub cia: Option<SecurityProperty>,
    pub definition_ja: Option<String>,
    pub definition_en: Option<String>,
    pub seed_lines: SeedLines,
}

/// 機密性・完全性・可用性 — the property an occurred event threatens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SecurityProperty {
    #[serde(rename = "C")]
    Confidentiality,
    #[serde(rename = "I")]
    Integrity,
    #[serde(rename = "A")]
    Availability,
}

/// 原因 — a cause type; a liaison may tick several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cause {
    /// `CA-I-01`.. (intentional), `CA-A-..` (accidental), `CA-E-..`, `CA-O-..`.
    pub code: String,
    pub group: CauseGroup,
    pub label_ja: String,
    pub label_en: String,
    /// Other wordings found in the seed, accepted by [`crate::Reference::resolve_cause`].
    pub aliases: Vec<Alias>,
    /// The handbook's 表１ explanation.
    pub examples: Vec<Bilingual>,
    pub seed_lines: SeedLines,
}

/// 原因の類型 — the four cause groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseGroup {
    /// 意図的な原因
    Intentional,
    /// 偶発的な原因
    Accidental,
    /// 環境的な原因
    Environmental,
    /// その他の原因
    Other,
}

/// Display data for a [`CauseGroup`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CauseGroupInfo {
    pub id: CauseGroup,
    pub name_ja: String,
    pub name_en: String,
    /// 別紙３'s 原因の例 cell as printed.
    pub examples_ja: String,
    pub seed_lines: SeedLines,
}

/// A variant wording of a label and where the seed uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alias {
    pub text: String,
    pub source: String,
    pub seed_lines: SeedLines,
}

/// How many events or causes a liaison form takes, with the form's instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectionRule {
    pub cardinality: Cardinality,
    pub ja: String,
    pub en: String,
    pub seed_lines: SeedLines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cardinality {
    ExactlyOne,
    OneOrMore,
}

/// Selection rules of the liaison form for events and causes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectionRules {
    pub event: SelectionRule,
    pub cause: SelectionRule,
}

impl Event {
    /// Code, key, label and aliases: every spelling that resolves to this event.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [
            self.code.as_str(),
            self.key.as_str(),
            self.label_ja.as_str(),
        ]
        .into_iter()
        .chain(self.aliases.iter().map(|a| a.text.as_str()))
    }
}

impl Cause {
    /// Code, label and aliases: every spelling that resolves to this cause.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [self.code.as_str(), self.label_ja.as_str()]
            .into_iter()
            .chain(self.aliases.iter().map(|a| a.text.as_str()))
    }
}
