//! Government bodies named by the framework, and the CEPTOARs.

use serde::{Deserialize, Serialize};

use crate::seed::SeedLines;

/// A government body or agency. The same body keeps the same id in every category it belongs
/// to (総務省 is `mic` both as CI ministry and as cybersecurity-related ministry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub id: String,
    pub name_ja: String,
    pub name_en: String,
    pub abbreviation: Option<String>,
    pub note_ja: Option<String>,
    pub note_en: Option<String>,
    /// CI ministries only: the sectors overseen, as of [`SectorMapping::as_of`].
    pub sectors: Vec<SectorAssignment>,
    pub seed_lines: SeedLines,
}

/// 重要インフラ所管省庁 — a CI-competent ministry is an [`Organisation`] with sectors.
pub type Ministry = Organisation;

impl Organisation {
    pub fn oversees(&self, sector_id: &str) -> bool {
        self.sectors.iter().any(|s| s.sector_id == sector_id)
    }
}

/// 所管分野 — one sector a CI ministry oversees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectorAssignment {
    pub sector_id: String,
    pub label_as_printed: String,
    /// The printed label had to be interpreted (the deck's 行政).
    pub inferred: bool,
    pub note: Option<String>,
    pub seed_lines: SeedLines,
}

/// A category of bodies defined in the glossary (e.g. 事案対処省庁), with its fixed members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationCategory {
    pub term_ja: String,
    pub term_en: String,
    pub definition_ja: String,
    pub definition_en: Option<String>,
    /// The overview deck's shortened list, e.g. ［総務省、経済産業省等］.
    pub overview_deck_printed: Option<String>,
    /// Empty where the seed defines the category without listing members (防災関係府省庁).
    pub members: Vec<Organisation>,
    /// CI ministries only.
    #[serde(default)]
    pub sector_mapping: Option<SectorMapping>,
    #[serde(default)]
    pub note: Option<String>,
    pub seed_lines: SeedLines,
}

/// Provenance of the ministry→sector mapping. Jurisdiction changes over time (water moved to
/// MLIT in 2024), so the mapping is dated data rather than a constant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectorMapping {
    /// ISO date the mapping is known to hold.
    pub as_of: String,
    /// Provenance for maintainers (English, with seed line numbers); never shown on screen.
    pub source: String,
    /// The citation as shown to readers, in each language.
    pub citation_ja: String,
    pub citation_en: String,
    pub seed_lines: SeedLines,
}

/// The dated CEPTOAR list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeptoarList {
    pub title_ja: String,
    /// ISO date of the list (end of September 2024).
    pub as_of: String,
    pub notes: Vec<String>,
    pub members: Vec<Ceptoar>,
    pub seed_lines: SeedLines,
}

/// セプター — a sector's information-sharing and analysis function (CEPTOAR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ceptoar {
    pub id: String,
    pub name: String,
    pub sector_id: String,
    /// Finance sub-sector id, for the five finance CEPTOARs.
    pub subsector: Option<String>,
    pub business_scope_ja: String,
    /// 事務局 — usually one body; 放送CEPTOAR has two.
    pub secretariat_ja: Vec<String>,
    /// 構成員(のべ数) as printed; cumulative and in mixed units, so not a number.
    pub members_ja: String,
    /// 構成員以外の情報展開先; `None` where the list prints －.
    pub non_member_recipients_ja: Option<String>,
    /// e.g. 金融CEPTOAR連絡協議会 for the finance CEPTOARs.
    pub umbrella_ja: Option<String>,
    pub note: Option<String>,
    pub seed_lines: SeedLines,
}
