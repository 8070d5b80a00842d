//! Kakehashi's versioned reference data: the CI sectors and services, the event/cause taxonomy,
//! importance and TLP markings, the glossary and the bodies of Japan's critical-infrastructure
//! cybersecurity framework.
//!
//! The data is compiled in from `data/*.json` (see `data/README.md`), so every binary carries
//! exactly the edition it was built with. Each entry cites the seed lines it was taken from.
//!
//! ```
//! use kakehashi_reference::{embedded, Observed};
//!
//! let r = embedded();
//! let cause = r.resolve_cause("適切なシステム運用等の未実施").expect("form wording");
//! assert_eq!(cause.code, "CA-I-06");
//!
//! let (_, telecom) = r.service("telecommunications_service").expect("service");
//! let outage = Observed {
//!     affected_users: Some(45_000),
//!     duration_minutes: Some(150),
//!     ..Observed::default()
//! };
//! assert!(telecom.sml_deviation(&outage).is_deviation());
//! ```

mod catalogue;
mod glossary;
mod normalize;
mod org;
mod risk;
mod sector;
mod seed;
mod sharing;
mod sml;
mod taxonomy;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use catalogue::{
    Catalogue, CatalogueDocument, CatalogueEdition, CatalogueFilter, CauseMeasures, Control,
    ControlLevel, ControlTarget, Framework, FrameworkFunction, SectionMapping, SourceDoc,
    TierDescriptor,
};
pub use glossary::GlossaryTerm;
pub use normalize::normalize_label;
pub use org::{
    Ceptoar, CeptoarList, Ministry, Organisation, OrganisationCategory, SectorAssignment,
    SectorMapping,
};
pub use risk::{
    risk_reference, AnalysisMethodInfo, Characteristic, ChecklistItem, CodedTerm, RiskReference,
};
pub use sector::{
    Condition, DefaultMaintenanceLevel, Example, ExceptionScope, MaintenanceLevel, Metric,
    ReferenceKind, ReportingReference, Sector, Service, ServiceDescription, Subsector,
    ThresholdException, ThresholdRule,
};
pub use seed::{Bilingual, CitedText, LineRanges, SeedLines, SEED_LINE_COUNT};
pub use sharing::{
    Channel, FormFootnote, ImportanceDefinition, ImportanceLevel, TlpLevel, TlpOriginator, TlpRule,
    TlpWording, WhoseRating,
};
pub use sml::{Observed, SmlAssessment};
pub use taxonomy::{
    Alias, Cardinality, Cause, CauseGroup, CauseGroupInfo, Event, EventCategory, EventClass,
    SecurityProperty, SelectionRule, SelectionRules,
};

/// Edition of the framework documents the data follows.
pub const DATA_VERSION: &str = "2024 handbook / Action Plan 2024-03-08 revision";
/// [`DATA_VERSION`] as Japanese readers are shown it.
pub const DATA_VERSION_JA: &str = "2024年版ハンドブック・行動計画（2024年3月8日改定）";

const SECTORS_JSON: &str = include_str!("../data/sectors.json");
const TAXONOMY_JSON: &str = include_str!("../data/taxonomy.json");
const IMPORTANCE_JSON: &str = include_str!("../data/importance.json");
const TLP_JSON: &str = include_str!("../data/tlp.json");
const GLOSSARY_JSON: &str = include_str!("../data/glossary.json");
const ORGANISATIONS_JSON: &str = include_str!("../data/organisations.json");
const CONTROLS_JSON: &str = include_str!("../data/controls.json");
const CONTROL_MAPPINGS_JSON: &str = include_str!("../data/control-mappings.json");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectorsFile {
    default_maintenance_level: DefaultMaintenanceLevel,
    sectors: Vec<Sector>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    selection_rules: SelectionRules,
    event_categories: Vec<EventCategory>,
    events: Vec<Event>,
    cause_groups: Vec<CauseGroupInfo>,
    causes: Vec<Cause>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportanceFile {
    levels: Vec<ImportanceLevel>,
    whose_rating: WhoseRating,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TlpFile {
    levels: Vec<TlpLevel>,
    additional_rules: Vec<TlpRule>,
    originator: TlpOriginator,
    /// Known holes in the seed's TLP material.
    gaps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GlossaryFile {
    terms: Vec<GlossaryTerm>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganisationsFile {
    ci_ministries: OrganisationCategory,
    cybersecurity_ministries: OrganisationCategory,
    incident_response_ministries: OrganisationCategory,
    cybersecurity_agencies: OrganisationCategory,
    disaster_management_ministries: OrganisationCategory,
    ceptoars: CeptoarList,
}

/// The whole reference data set. Obtain it with [`embedded`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    sectors: SectorsFile,
    taxonomy: TaxonomyFile,
    importance: ImportanceFile,
    tlp: TlpFile,
    glossary: GlossaryFile,
    organisations: OrganisationsFile,
    catalogue: Catalogue,
}

/// A data file that failed to parse.
#[derive(Debug)]
pub struct DataError {
    pub file: &'static str,
    pub source: serde_json::Error,
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "reference data file data/{}: {}", self.file, self.source)
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn parse<T: for<'de> Deserialize<'de>>(file: &'static str, json: &str) -> Result<T, DataError> {
    serde_json::from_str(json).map_err(|source| DataError { file, source })
}

impl Reference {
    /// Parses the compiled-in data files. [`embedded`] calls this once.
    pub fn parse_embedded() -> Result<Reference, DataError> {
        Ok(Reference {
            sectors: parse("sectors.json", SECTORS_JSON)?,
            taxonomy: parse("taxonomy.json", TAXONOMY_JSON)?,
            importance: parse("importance.json", IMPORTANCE_JSON)?,
            tlp: parse("tlp.json", TLP_JSON)?,
            glossary: parse("glossary.json", GLOSSARY_JSON)?,
            organisations: parse("organisations.json", ORGANISATIONS_JSON)?,
            catalogue: Catalogue {
                controls: parse("controls.json", CONTROLS_JSON)?,
                mappings: parse("control-mappings.json", CONTROL_MAPPINGS_JSON)?,
            },
        })
    }
}

/// The compiled-in reference data, parsed on first use.
pub fn embedded() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        // The data is part of the source tree; the crate's tests parse it, so a failure here
        // means a broken build, not bad input.
        Reference::parse_embedded().expect("embedded reference data must parse (see crate tests)")
    })
}

fn resolve<'a, T>(
    items: &'a [T],
    input: &str,
    names: impl Fn(&'a T) -> Vec<&'a str>,
) -> Option<&'a T> {
    let key = normalize_label(input);
    if key.is_empty() {
        return None;
    }
    let find = |key: &str| {
        items
            .iter()
            .find(|item| names(item).into_iter().any(|n| normalize_label(n) == key))
    };
    find(&key).or_else(|| normalize::strip_gloss(&key).and_then(find))
}

impl Reference {
    /// 安全基準等策定指針の対策カタログ — the safety-standards catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Edition of the source documents, for display and for stamping stored records.
    pub fn version(&self) -> &'static str {
        DATA_VERSION
    }

    /// The version in Japanese ([`DATA_VERSION_JA`]).
    pub fn version_ja(&self) -> &'static str {
        DATA_VERSION_JA
    }

    // ---- sectors ---------------------------------------------------------------------------

    /// The 15 CI sectors in the seed's order.
    pub fn sectors(&self) -> &[Sector] {
        &self.sectors.sectors
    }

    pub fn sector(&self, id: &str) -> Option<&Sector> {
        self.sectors().iter().find(|s| s.id == id)
    }

    /// A service by its id, with the sector it belongs to.
    pub fn service(&self, service_id: &str) -> Option<(&Sector, &Service)> {
        self.sectors()
            .iter()
            .find_map(|s| s.service(service_id).map(|svc| (s, svc)))
    }

    /// 別紙２ 注２, which applies to every service without numeric criteria.
    pub fn default_maintenance_level(&self) -> &DefaultMaintenanceLevel {
        &self.sectors.default_maintenance_level
    }

    // ---- taxonomy --------------------------------------------------------------------------

    pub fn events(&self) -> &[Event] {
        &self.taxonomy.events
    }

    /// An event by its exact code (`EV-01`); use [`Reference::resolve_event`] for user input.
    pub fn event(&self, code: &str) -> Option<&Event> {
        self.events().iter().find(|e| e.code == code)
    }

    /// An event by code, key, Japanese label or a variant wording. Width, spacing and case are
    /// ignored, as is a trailing parenthetical gloss as printed on the liaison form.
    pub fn resolve_event(&self, label_or_code: &str) -> Option<&Event> {
        resolve(self.events(), label_or_code, |e| e.names().collect())
    }

    pub fn event_categories(&self) -> &[EventCategory] {
        &self.taxonomy.event_categories
    }

    pub fn event_category(&self, id: &str) -> Option<&EventCategory> {
        self.event_categories().iter().find(|c| c.id == id)
    }

    pub fn causes(&self) -> &[Cause] {
        &self.taxonomy.causes
    }

    /// A cause by its exact code (`CA-I-06`); use [`Reference::resolve_cause`] for user input.
    pub fn cause(&self, code: &str) -> Option<&Cause> {
        self.causes().iter().find(|c| c.code == code)
    }

    /// A cause by code, Japanese label or a variant wording (e.g. the forms'
    /// 適切なシステム運用等の未実施), with the same tolerance as [`Reference::resolve_event`].
    pub fn resolve_cause(&self, label_or_code: &str) -> Option<&Cause> {
        resolve(self.causes(), label_or_code, |c| c.names().collect())
    }

    pub fn cause_groups(&self) -> &[CauseGroupInfo] {
        &self.taxonomy.cause_groups
    }

    pub fn causes_in_group(&self, group: CauseGroup) -> impl Iterator<Item = &Cause> {
        self.causes().iter().filter(move |c| c.group == group)
    }

    /// One event (the first detected), one or more causes.
    pub fn selection_rules(&self) -> &SelectionRules {
        &self.taxonomy.selection_rules
    }

    // ---- markings --------------------------------------------------------------------------

    /// 警報, 注意喚起, 参考情報 in that order.
    pub fn importance_levels(&self) -> &[ImportanceLevel] {
        &self.importance.levels
    }

    /// An importance level by code (`caution`) or Japanese label (注意喚起).
    pub fn importance(&self, code_or_label: &str) -> Option<&ImportanceLevel> {
        resolve(self.importance_levels(), code_or_label, |l| {
            vec![l.code.as_str(), l.label_ja.as_str()]
        })
    }

    pub fn importance_whose_rating(&self) -> &WhoseRating {
        &self.importance.whose_rating
    }

    /// RED to CLEAR, most restrictive first.
    pub fn tlp_levels(&self) -> &[TlpLevel] {
        &self.tlp.levels
    }

    /// A TLP level by code; accepts `TLP:` prefixes, spaces and any case (`amber + strict`).
    pub fn tlp(&self, code: &str) -> Option<&TlpLevel> {
        let key = normalize_label(code);
        let key = key.strip_prefix("tlp:").unwrap_or(&key);
        self.tlp_levels()
            .iter()
            .find(|l| normalize_label(&l.code) == key)
    }

    /// Rules that apply on top of any TLP (recipients added by the sender, NISC's standing
    /// exception ※１, partial sharing through 特記事項).
    pub fn tlp_additional_rules(&self) -> &[TlpRule] {
        &self.tlp.additional_rules
    }

    pub fn tlp_originator(&self) -> &TlpOriginator {
        &self.tlp.originator
    }

    pub fn tlp_gaps(&self) -> &[String] {
        &self.tlp.gaps
    }

    // ---- glossary --------------------------------------------------------------------------

    /// The 33 terms of 別紙５ in printed order.
    pub fn glossary(&self) -> &[GlossaryTerm] {
        &self.glossary.terms
    }

    pub fn glossary_term(&self, term_ja: &str) -> Option<&GlossaryTerm> {
        resolve(self.glossary(), term_ja, |t| vec![t.term_ja.as_str()])
    }

    // ---- organisations ---------------------------------------------------------------------

    /// 重要インフラ所管省庁 — the five CI-competent ministries.
    pub fn ci_ministries(&self) -> &[Ministry] {
        &self.organisations.ci_ministries.members
    }

    /// The CI ministries category with its definition and dated sector-mapping provenance.
    pub fn ci_ministries_category(&self) -> &OrganisationCategory {
        &self.organisations.ci_ministries
    }

    /// When and from where the ministry→sector mapping is known.
    pub fn sector_mapping(&self) -> Option<&SectorMapping> {
        self.organisations.ci_ministries.sector_mapping.as_ref()
    }

    /// The ministries overseeing a sector (one in the current data).
    pub fn ministries_for_sector(&self, sector_id: &str) -> Vec<&Ministry> {
        self.ci_ministries()
            .iter()
            .filter(|m| m.oversees(sector_id))
            .collect()
    }

    /// サイバーセキュリティ関係省庁
    pub fn cybersecurity_ministries(&self) -> &OrganisationCategory {
        &self.organisations.cybersecurity_ministries
    }

    /// 事案対処省庁
    pub fn incident_response_ministries(&self) -> &OrganisationCategory {
        &self.organisations.incident_response_ministries
    }

    /// サイバーセキュリティ関係機関 (NICT, IPA, JPCERT/CC, JC3)
    pub fn cybersecurity_agencies(&self) -> &OrganisationCategory {
        &self.organisations.cybersecurity_agencies
    }

    /// 防災関係府省庁 — defined, but the seed lists no members; deployments configure them.
    pub fn disaster_management_ministries(&self) -> &OrganisationCategory {
        &self.organisations.disaster_management_ministries
    }

    /// All organisation categories, CI ministries first.
    pub fn organisation_categories(&self) -> [&OrganisationCategory; 5] {
        let o = &self.organisations;
        [
            &o.ci_ministries,
            &o.cybersecurity_ministries,
            &o.incident_response_ministries,
            &o.cybersecurity_agencies,
            &o.disaster_management_ministries,
        ]
    }

    /// A body by id, from whichever category lists it first.
    pub fn organisation(&self, id: &str) -> Option<&Organisation> {
        self.organisation_categories()
            .into_iter()
            .flat_map(|c| c.members.iter())
            .find(|m| m.id == id)
    }

    pub fn ceptoar_list(&self) -> &CeptoarList {
        &self.organisations.ceptoars
    }

    pub fn ceptoars(&self) -> &[Ceptoar] {
        &self.organisations.ceptoars.members
    }

    pub fn ceptoars_for_sector(&self, sector_id: &str) -> Vec<&Ceptoar> {
        self.ceptoars()
            .iter()
            .filter(|c| c.sector_id == sector_id)
            .collect()
    }

    // ---- provenance ------------------------------------------------------------------------

    /// Every entry with the seed lines it cites, labelled for error messages and audits.
    pub fn citations(&self) -> Vec<(String, &SeedLines)> {
        let mut out: Vec<(String, &SeedLines)> = Vec::new();
        let dml = self.default_maintenance_level();
        out.push(("default maintenance level".into(), &dml.seed_lines));
        for s in self.sectors() {
            out.push((format!("sector {}", s.id), &s.seed_lines));
            for svc in &s.services {
                out.push((format!("service {}", svc.id), &svc.seed_lines));
                for r in &svc.maintenance_level.thresholds {
                    out.push((format!("threshold {}/{}", svc.id, r.id), &r.seed_lines));
                    for e in &r.exceptions {
                        out.push((format!("exception {}/{}", svc.id, r.id), &e.seed_lines));
                    }
                }
            }
        }
        let rules = self.selection_rules();
        out.push(("event selection rule".into(), &rules.event.seed_lines));
        out.push(("cause selection rule".into(), &rules.cause.seed_lines));
        for c in self.event_categories() {
            out.push((format!("event category {}", c.id), &c.seed_lines));
        }
        for e in self.events() {
            out.push((format!("event {}", e.code), &e.seed_lines));
            for a in &e.aliases {
                out.push((format!("event {} alias {}", e.code, a.text), &a.seed_lines));
            }
        }
        for g in self.cause_groups() {
            out.push((format!("cause group {:?}", g.id), &g.seed_lines));
        }
        for c in self.causes() {
            out.push((format!("cause {}", c.code), &c.seed_lines));
            for a in &c.aliases {
                out.push((format!("cause {} alias {}", c.code, a.text), &a.seed_lines));
            }
        }
        for l in self.importance_levels() {
            out.push((
                format!("importance {} liaison", l.code),
                &l.liaison.seed_lines,
            ));
            out.push((
                format!("importance {} provision", l.code),
                &l.provision.seed_lines,
            ));
        }
        let who = self.importance_whose_rating();
        out.push(("importance rating liaison".into(), &who.liaison.seed_lines));
        out.push((
            "importance rating provision".into(),
            &who.provision.seed_lines,
        ));
        for l in self.tlp_levels() {
            for (ch, w) in [("liaison", &l.liaison), ("provision", &l.provision)] {
                out.push((format!("tlp {} {ch} body", l.code), &w.body.seed_lines));
                out.push((format!("tlp {} {ch} form", l.code), &w.form.seed_lines));
            }
        }
        for r in self.tlp_additional_rules() {
            out.push((format!("tlp rule {} liaison", r.id), &r.liaison.seed_lines));
            out.push((
                format!("tlp rule {} provision", r.id),
                &r.provision.seed_lines,
            ));
            if let Some(f) = &r.liaison_form_footnote {
                out.push((format!("tlp rule {} footnote", r.id), &f.seed_lines));
            }
        }
        let orig = self.tlp_originator();
        out.push(("tlp originator liaison".into(), &orig.liaison.seed_lines));
        out.push((
            "tlp originator provision".into(),
            &orig.provision.seed_lines,
        ));
        for t in self.glossary() {
            out.push((
                format!("glossary {} {}", t.number, t.term_ja),
                &t.seed_lines,
            ));
        }
        for c in self.organisation_categories() {
            out.push((format!("category {}", c.term_ja), &c.seed_lines));
            if let Some(m) = &c.sector_mapping {
                out.push((format!("category {} mapping", c.term_ja), &m.seed_lines));
            }
            for m in &c.members {
                out.push((format!("{} {}", c.term_ja, m.id), &m.seed_lines));
                for s in &m.sectors {
                    out.push((format!("{} -> {}", m.id, s.sector_id), &s.seed_lines));
                }
            }
        }
        let list = self.ceptoar_list();
        out.push(("ceptoar list".into(), &list.seed_lines));
        for c in self.ceptoars() {
            out.push((format!("ceptoar {}", c.id), &c.seed_lines));
        }
        out
    }
}
