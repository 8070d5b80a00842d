//! 安全基準等策定指針 — the catalogue of the safety-standards guideline's practices and measures
//! (chapters 2–5), the risk-management handbook's detailed examples (§6.4, §11) and its annex's
//! CP/BCP considerations, with the handbook's maturity tiers and the mappings kept as data:
//! NIST CSF 2.0 functions per section, and the liaison's cause types (別紙３) to the sections
//! whose measures would have prevented them.
//!
//! The edition is part of the data (`edition.id`): the documents are revised every three years
//! in principle, and every self-assessment records the edition it was made against.

use serde::{Deserialize, Serialize};

use crate::normalize_label;
use crate::seed::LineRanges;

/// The edition the catalogue follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEdition {
    /// Stable id stamped on standards and assessments, e.g. `guideline-2023-07-04`.
    pub id: String,
    pub ja: String,
    pub en: String,
    /// Day the Guideline was decided (title page).
    pub issued: String,
    /// The documents are reviewed once every this many years in principle.
    pub review_cycle_years: u8,
    pub seed_lines: LineRanges,
}

/// One of the three documents the entries come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueDocument {
    pub id: SourceDoc,
    pub ja: String,
    pub en: String,
    pub seed_lines: LineRanges,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceDoc {
    /// 安全基準等策定指針.
    Guideline,
    /// リスクマネジメント等手引書.
    Handbook,
    /// 手引書【別紙】 (CP/BCP considerations).
    HandbookAnnex,
}

/// 規定の程度 — how the Guideline words the item (its §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlLevel {
    /// Expected in the safety standards in principle (〜する).
    Required,
    /// 推奨事項 (〜することが望ましい).
    Recommended,
    /// The handbook's detailed example of a measure.
    Example,
    /// The annex's consideration for CP/BCP.
    Consideration,
}

impl ControlLevel {
    pub const ALL: [ControlLevel; 4] = [
        ControlLevel::Required,
        ControlLevel::Recommended,
        ControlLevel::Example,
        ControlLevel::Consideration,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ControlLevel::Required => "required",
            ControlLevel::Recommended => "recommended",
            ControlLevel::Example => "example",
            ControlLevel::Consideration => "consideration",
        }
    }

    pub fn from_code(code: &str) -> Option<ControlLevel> {
        ControlLevel::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ControlLevel::Required => "規定が期待される事項",
            ControlLevel::Recommended => "推奨事項",
            ControlLevel::Example => "対策例（手引書）",
            ControlLevel::Consideration => "考慮事項（手引書別紙）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ControlLevel::Required => "Expected in the standards",
            ControlLevel::Recommended => "Recommended",
            ControlLevel::Example => "Example (handbook)",
            ControlLevel::Consideration => "Consideration (handbook annex)",
        }
    }
}

/// Whom the item addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlTarget {
    /// The operator (organisation).
    Organization,
    /// The safety-standard document itself (chapter 2).
    SafetyStandardDocument,
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// `G-5.1.3.3-a` (Guideline), `H-11.1.3.3-a` (handbook), `A-1-a` (annex).
    pub id: String,
    pub source_doc: SourceDoc,
    pub section_no: String,
    pub section_ja: String,
    pub section_en: String,
    pub path_ja: Vec<String>,
    pub path_en: Vec<String>,
    pub title_ja: String,
    pub title_en: String,
    pub level: ControlLevel,
    pub target: ControlTarget,
    /// The sentence's own modality (do / should / desirable / consider / expected).
    pub modality: String,
    /// The seed's wording (PDF line-break spaces removed).
    pub text_ja: String,
    /// Unofficial translation.
    pub text_en: String,
    pub seed_lines: LineRanges,
    /// The item this one details (a list item under its lead sentence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Guideline items a handbook example implements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// `periodic` or `>=1/year` where the text names a recurring task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// Where the entry's wording differs from the seed by an editor's hand, and how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editorial_note: Option<String>,
}

impl Control {
    /// True for the Guideline's own items (chapters 2–5), which a sector's standard adopts.
    pub fn is_guideline(&self) -> bool {
        self.source_doc == SourceDoc::Guideline
    }

    /// True when `prefix` is this item's section or one of its parents (`5.1` holds `5.1.3.3`).
    pub fn in_section(&self, prefix: &str) -> bool {
        self.section_no == prefix
            || self
                .section_no
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('.'))
    }
}

/// The handbook's tier (対応の程度) with its descriptors, the default text of a maturity level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierDescriptor {
    pub tier: u8,
    pub ja: Vec<String>,
    pub en: Vec<String>,
    pub seed_lines: LineRanges,
}

/// A function of a second framework (NIST CSF 2.0: GV, ID, PR, DE, RS, RC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkFunction {
    pub code: String,
    pub ja: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionMapping {
    pub doc: SourceDoc,
    pub section: String,
    pub functions: Vec<String>,
}

/// A second framework and the section-level mapping onto its functions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub functions: Vec<FrameworkFunction>,
    pub sections: Vec<SectionMapping>,
}

impl Framework {
    /// The functions of `control`: those of the longest mapped section holding it.
    pub fn functions_of(&self, control: &Control) -> Vec<&FrameworkFunction> {
        let best = self
            .sections
            .iter()
            .filter(|m| m.doc == control.source_doc && control.in_section(&m.section))
            .max_by_key(|m| m.section.len());
        best.map(|m| {
            m.functions
                .iter()
                .filter_map(|code| self.functions.iter().find(|f| &f.code == code))
                .collect()
        })
        .unwrap_or_default()
    }
}

/// A cause type of the liaison form and the Guideline sections that would have prevented it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CauseMeasures {
    pub cause: String,
    pub sections: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ControlsFile {
    pub(crate) edition: CatalogueEdition,
    pub(crate) documents: Vec<CatalogueDocument>,
    pub(crate) tiers: Vec<TierDescriptor>,
    pub(crate) controls: Vec<Control>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MappingsFile {
    pub(crate) note_ja: String,
    pub(crate) note_en: String,
    pub(crate) frameworks: Vec<Framework>,
    pub(crate) causes_note_ja: String,
    pub(crate) causes_note_en: String,
    pub(crate) causes: Vec<CauseMeasures>,
}

/// The catalogue. Obtain it with [`crate::Reference::catalogue`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub(crate) controls: ControlsFile,
    pub(crate) mappings: MappingsFile,
}

/// What a catalogue search keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogueFilter {
    /// Keywords (all must occur; width- and case-insensitive) in id, title, text or section.
    pub q: Option<String>,
    pub level: Option<ControlLevel>,
    pub doc: Option<SourceDoc>,
    /// A framework function code (`PR`) of the first framework.
    pub function: Option<String>,
    /// A section number or prefix (`5.1`).
    pub section: Option<String>,
}

impl Catalogue {
    pub fn edition(&self) -> &CatalogueEdition {
        &self.controls.edition
    }

    pub fn documents(&self) -> &[CatalogueDocument] {
        &self.controls.documents
    }

    /// Every entry in document order.
    pub fn controls(&self) -> &[Control] {
        &self.controls.controls
    }

    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.controls.iter().find(|c| c.id == id)
    }

    /// Tier 1–4 descriptors.
    pub fn tiers(&self) -> &[TierDescriptor] {
        &self.controls.tiers
    }

    pub fn tier(&self, tier: u8) -> Option<&TierDescriptor> {
        self.controls.tiers.iter().find(|t| t.tier == tier)
    }

    pub fn frameworks(&self) -> &[Framework] {
        &self.mappings.frameworks
    }

    /// The NIST CSF 2.0 mapping.
    pub fn csf(&self) -> &Framework {
        &self.mappings.frameworks[0]
    }

    /// The mapping's caveat (the project's own mapping, not the seed's).
    pub fn mapping_note(&self) -> (&str, &str) {
        (&self.mappings.note_ja, &self.mappings.note_en)
    }

    pub fn cause_mapping_note(&self) -> (&str, &str) {
        (&self.mappings.causes_note_ja, &self.mappings.causes_note_en)
    }

    pub fn cause_mappings(&self) -> &[CauseMeasures] {
        &self.mappings.causes
    }

    /// The Guideline items (required or recommended) whose sections would have prevented an
    /// incident of the cause type `cause` (`CA-A-07`).
    pub fn measures_for_cause(&self, cause: &str) -> Vec<&Control> {
        let Some(m) = self.mappings.causes.iter().find(|m| m.cause == cause) else {
            return Vec::new();
        };
        self.controls()
            .iter()
            .filter(|c| c.is_guideline() && m.sections.iter().any(|s| c.in_section(s)))
            .collect()
    }

    /// The handbook entries that detail `id` (their `related` names it).
    pub fn examples_for(&self, id: &str) -> Vec<&Control> {
        self.controls()
            .iter()
            .filter(|c| !c.is_guideline() && c.related.iter().any(|r| r == id))
            .collect()
    }

    /// The entries a filter keeps, in document order.
    pub fn search(&self, f: &CatalogueFilter) -> Vec<&Control> {
        let words: Vec<String> =
            f.q.as_deref()
                .unwrap_or("")
                .split_whitespace()
                .map(normalize_label)
                .filter(|w| !w.is_empty())
                .collect();
        self.controls()
            .iter()
            .filter(|c| f.level.is_none_or(|l| c.level == l))
            .filter(|c| f.doc.is_none_or(|d| c.source_doc == d))
            .filter(|c| f.section.as_deref().is_none_or(|s| c.in_section(s)))
            .filter(|c| {
                f.function.as_deref().is_none_or(|code| {
                    self.csf()
                        .functions_of(c)
                        .iter()
                        .any(|x| x.code.eq_ignore_ascii_case(code))
                })
            })
            .filter(|c| {
                if words.is_empty() {
                    return true;
                }
                let hay = normalize_label(&format!(
                    "{} {} {} {} {} {} {}",
                    c.id, c.title_ja, c.title_en, c.text_ja, c.text_en, c.section_ja, c.section_en
                ));
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect()
    }
}
