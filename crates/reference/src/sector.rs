//! CI sectors with their operators, critical systems and services (別紙１, 別紙２).

use serde::{Deserialize, Serialize};

use crate::seed::{Bilingual, SeedLines};

/// 重要インフラ分野 — CI sector. `id` is the stable key other crates store (e.g. `electric_power`);
/// `order` is the seed's canonical listing order, used for display.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sector {
    pub id: String,
    pub order: u8,
    pub name_ja: String,
    pub name_en: String,
    /// The glossary's longer name where it differs, e.g. 政府・行政サービス(地方公共団体を含む).
    pub name_ja_full: Option<String>,
    /// Only finance is split (銀行等, 生命保険, …); services and CEPTOARs refer to these ids.
    pub subsectors: Vec<Subsector>,
    /// 対象となる重要インフラ事業者等 — examples, not a closed list (別紙１ 注１).
    pub operators: Vec<Example>,
    /// True where the seed ends the operator list with 等 ("and others").
    pub operators_open_ended: bool,
    /// 重要システム例 — examples only (別紙１ 注２); each operator defines its own.
    pub critical_systems: Vec<Example>,
    pub services: Vec<Service>,
    /// Extraction caveats for this sector's 別紙１ row.
    pub notes: Vec<String>,
    pub seed_lines: SeedLines,
}

impl Sector {
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn subsector(&self, id: &str) -> Option<&Subsector> {
        self.subsectors.iter().find(|s| s.id == id)
    }
}

/// Finance sub-sector (金融の業態), e.g. `banks` for 銀行等.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subsector {
    pub id: String,
    pub name_ja: String,
    pub name_en: String,
}

/// An example operator type or critical system from 別紙１.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub ja: String,
    pub en: String,
    /// Finance only: the sub-sectors the example belongs to.
    #[serde(default)]
    pub subsectors: Vec<String>,
    /// The extraction lost the sub-sector column, so `subsectors` was inferred from order.
    #[serde(default)]
    pub subsector_inferred: bool,
}

/// 重要インフラサービス — a CI service whose outage is what the framework tracks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Unique across all sectors.
    pub id: String,
    pub name_ja: String,
    pub name_en: String,
    pub subsector: Option<String>,
    pub descriptions: Vec<ServiceDescription>,
    /// システムの不具合が引き起こす重要インフラサービス障害の例.
    pub outage_examples: Vec<Bilingual>,
    /// 左記障害の報告に係る法令、ガイドライン等 — where operators must also report.
    pub reporting_references: Vec<ReportingReference>,
    pub maintenance_level: MaintenanceLevel,
    /// Services sharing one table row in 別紙２ share this key (and their shared cells).
    pub row_group: String,
    /// The split of a shared row into services was inferred from the extraction.
    pub mapping_inferred: bool,
    pub notes: Vec<String>,
    pub seed_lines: SeedLines,
}

/// サービス(手続を含む)の説明 with its legal basis (関連する法令).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDescription {
    pub ja: String,
    pub en: String,
    pub legal_basis_ja: Option<String>,
    pub legal_basis_en: Option<String>,
}

/// A law or guideline under which an outage is also reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingReference {
    pub ja: String,
    pub en: String,
    pub kind: ReferenceKind,
}

/// The legal force of a reporting reference; statutory duties differ from guidance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceKind {
    Law,
    MinisterialOrdinance,
    CabinetOfficeOrder,
    SupervisoryGuideline,
    AdministrativeGuideline,
    Notice,
    SectorSafetyGuideline,
    SectorSafetyStandard,
    CeptoarGuideline,
}

/// サービス維持レベル — service maintenance level: the level at which a CI service counts as
/// provided safely and continuously. Only seven services have numeric criteria; the rest use
/// the default of 別紙２ 注２ (`explicit == false`, no thresholds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceLevel {
    pub explicit: bool,
    /// The printed wording; one line per item.
    pub ja: String,
    pub en: String,
    pub items: Vec<Bilingual>,
    /// Machine-readable form of `items`; any rule met means the level was not maintained.
    pub thresholds: Vec<ThresholdRule>,
}

/// One numeric criterion of a maintenance level, e.g. "≥ 30,000 users and ≥ 2 h".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdRule {
    /// Unique within the service.
    pub id: String,
    pub rule_ja: String,
    /// What failed (telecom and broadcasting name equipment; power and gas name システムの不具合).
    pub cause: String,
    pub effect: String,
    /// All must hold (the seed joins them with かつ / で).
    pub conditions: Vec<Condition>,
    /// Narrower equipment with its own, longer tolerance.
    pub exceptions: Vec<ThresholdException>,
    pub seed_lines: SeedLines,
}

impl ThresholdRule {
    pub fn exception(&self, scope: ExceptionScope) -> Option<&ThresholdException> {
        self.exceptions.iter().find(|e| e.scope == scope)
    }
}

/// 「以上」: the observed value meets the condition when it is `>= at_least`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub metric: Metric,
    pub at_least: u64,
}

/// A measured property of an outage that a threshold refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// 利用者の数 — users affected.
    AffectedUsers,
    /// 継続時間 / 支障時間 — duration in minutes.
    DurationMinutes,
    /// 供給支障電力 — lost supply in kW.
    SupplyLossKw,
    /// 供給支障戸数 — households without supply.
    Households,
}

/// A carve-out inside a rule, replacing its conditions for the named equipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdException {
    pub scope: ExceptionScope,
    pub scope_ja: String,
    pub scope_en: String,
    pub conditions: Vec<Condition>,
    pub seed_lines: SeedLines,
}

/// Equipment that a rule treats differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionScope {
    /// 中継局の無線設備 — relay-station radio equipment (broadcasting: 2 h instead of 15 min).
    RelayStationRadioEquipment,
}

/// 別紙２ 注２ — the maintenance level assumed where a sector has no outage criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultMaintenanceLevel {
    pub ja: String,
    pub en: String,
    /// The full note as printed.
    pub note_ja: String,
    pub seed_lines: SeedLines,
}
