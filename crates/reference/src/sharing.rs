//! Markings a liaison or provision carries: importance (重要度) and sharing scope (TLP).
//! The handbook defines both twice, once for each direction; the texts differ slightly, so
//! both are kept.

use serde::{Deserialize, Serialize};

use crate::seed::{CitedText, SeedLines};

/// The direction of a message: 情報連絡 (ministry → NISC) or 情報提供 (NISC → ministry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Liaison,
    Provision,
}

/// 重要度 — importance level (表４): how urgently the receiving party should consider a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportanceLevel {
    /// `alert`, `caution` or `reference`.
    pub code: String,
    pub order: u8,
    pub label_ja: String,
    pub label_en: String,
    pub liaison: ImportanceDefinition,
    pub provision: ImportanceDefinition,
}

impl ImportanceLevel {
    pub fn definition(&self, channel: Channel) -> &ImportanceDefinition {
        match channel {
            Channel::Liaison => &self.liaison,
            Channel::Provision => &self.provision,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportanceDefinition {
    pub definition_ja: String,
    pub definition_en: String,
    pub seed_lines: SeedLines,
}

/// Whose rating the importance expresses: the ministry's on a liaison, NISC's on a provision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhoseRating {
    pub liaison: CitedText,
    pub provision: CitedText,
}

/// 情報共有範囲 — a TLP level with the handbook's own scope definitions, which are narrower
/// and more specific than generic TLP 2.0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlpLevel {
    /// `RED`, `AMBER+STRICT`, `AMBER`, `GREEN` or `CLEAR`.
    pub code: String,
    /// 1 = most restrictive.
    pub order: u8,
    /// `TLP:RED` etc.
    pub tlp_label: String,
    pub label_ja: String,
    pub label_en: String,
    pub liaison: TlpWording,
    pub provision: TlpWording,
    /// How the body text and the form wording differ.
    pub differences: Vec<String>,
}

impl TlpLevel {
    pub fn wording(&self, channel: Channel) -> &TlpWording {
        match channel {
            Channel::Liaison => &self.liaison,
            Channel::Provision => &self.provision,
        }
    }
}

/// The handbook's running-text definition (`body`) and the wording printed on the form (`form`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlpWording {
    pub body: CitedText,
    pub form: CitedText,
}

/// An additional sharing rule that applies on top of the chosen TLP (上記に加えて…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlpRule {
    /// `sender_added_recipients`, `nisc_standing_exception`, `special_notes_partial_sharing`.
    pub id: String,
    pub liaison: CitedText,
    pub provision: CitedText,
    /// ※１ on the liaison form, attached to the listed TLP codes.
    pub liaison_form_footnote: Option<FormFootnote>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormFootnote {
    pub ja: String,
    pub en: String,
    pub applies_to: Vec<String>,
    pub seed_lines: SeedLines,
}

/// 情報発信者 — who sets the TLP, per direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlpOriginator {
    pub liaison: CitedText,
    pub provision: CitedText,
}
