//! 別紙５ 定義・用語集 — the Action Plan's glossary.

use serde::{Deserialize, Serialize};

use crate::seed::SeedLines;

/// 用語 — a glossary term with its official definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryTerm {
    /// Position in 別紙５ (1-based).
    pub number: u8,
    pub term_ja: String,
    pub term_en: String,
    pub abbreviation: Option<String>,
    /// Rough kind (`actor_category`, `event_type`, …) for grouping in a UI.
    pub kind: String,
    pub definition_ja: String,
    pub definition_en: String,
    pub legal_refs: Vec<String>,
    pub seed_lines: SeedLines,
}
