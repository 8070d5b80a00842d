//! Organisations, people, roles and employment — who the actors of the framework are.

use crate::ids::{OrgId, PersonId, SectorId};
use serde::{Deserialize, Serialize};

/// Kind of organisation, as the Action Plan names the actors (notes part 1 §2, part 3 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 内閣官房 内閣サイバーセキュリティセンター 重要インフラ防護担当 — the hub.
    Nisc,
    /// 内閣官房（事態対処・危機管理担当） — joins the hub in large-scale mode.
    CrisisManagement,
    /// 重要インフラ所管省庁 — CI ministry overseeing one or more sectors.
    CiMinistry,
    /// サイバーセキュリティ関係省庁.
    CybersecurityMinistry,
    /// 事案対処省庁.
    IncidentResponseMinistry,
    /// 防災関係府省庁.
    DisasterManagementMinistry,
    /// サイバーセキュリティ関係機関 (NICT, IPA, JPCERT/CC, JC3).
    CybersecurityAgency,
    /// サイバー空間関連事業者 (system, security, platform vendors; cloud providers).
    CyberspaceBusiness,
    /// セプター — a sector's Capability for Engineering of Protection, Technical Operation,
    /// Analysis and Response, acting through its secretariat (セプター事務局).
    Ceptoar,
    /// セプターカウンシル.
    CeptoarCouncil,
    /// 重要インフラ事業者等 — a CI operator.
    Operator,
}

impl OrgKind {
    pub const ALL: [OrgKind; 11] = [
        OrgKind::Nisc,
        OrgKind::CrisisManagement,
        OrgKind::CiMinistry,
        OrgKind::CybersecurityMinistry,
        OrgKind::IncidentResponseMinistry,
        OrgKind::DisasterManagementMinistry,
        OrgKind::CybersecurityAgency,
        OrgKind::CyberspaceBusiness,
        OrgKind::Ceptoar,
        OrgKind::CeptoarCouncil,
        OrgKind::Operator,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Nisc => "nisc",
            OrgKind::CrisisManagement => "crisis_management",
            OrgKind::CiMinistry => "ci_ministry",
            OrgKind::CybersecurityMinistry => "cybersecurity_ministry",
            OrgKind::IncidentResponseMinistry => "incident_response_ministry",
            OrgKind::DisasterManagementMinistry => "disaster_management_ministry",
            OrgKind::CybersecurityAgency => "cybersecurity_agency",
            OrgKind::CyberspaceBusiness => "cyberspace_business",
            OrgKind::Ceptoar => "ceptoar",
            OrgKind::CeptoarCouncil => "ceptoar_council",
            OrgKind::Operator => "operator",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            OrgKind::Nisc => "内閣サイバーセキュリティセンター（重要インフラ防護担当）",
            OrgKind::CrisisManagement => "内閣官房（事態対処・危機管理担当）",
            OrgKind::CiMinistry => "重要インフラ所管省庁",
            OrgKind::CybersecurityMinistry => "サイバーセキュリティ関係省庁",
            OrgKind::IncidentResponseMinistry => "事案対処省庁",
            OrgKind::DisasterManagementMinistry => "防災関係府省庁",
            OrgKind::CybersecurityAgency => "サイバーセキュリティ関係機関",
            OrgKind::CyberspaceBusiness => "サイバー空間関連事業者",
            OrgKind::Ceptoar => "セプター",
            OrgKind::CeptoarCouncil => "セプターカウンシル",
            OrgKind::Operator => "重要インフラ事業者等",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            OrgKind::Nisc => "NISC (critical-infrastructure protection)",
            OrgKind::CrisisManagement => {
                "Cabinet Secretariat (incident response and crisis management)"
            }
            OrgKind::CiMinistry => "CI ministry",
            OrgKind::CybersecurityMinistry => "Cybersecurity-related ministry",
            OrgKind::IncidentResponseMinistry => "Incident-response ministry",
            OrgKind::DisasterManagementMinistry => "Disaster-management ministry",
            OrgKind::CybersecurityAgency => "Cybersecurity agency",
            OrgKind::CyberspaceBusiness => "Cyberspace-related business",
            OrgKind::Ceptoar => "CEPTOAR",
            OrgKind::CeptoarCouncil => "CEPTOAR Council",
            OrgKind::Operator => "CI operator",
        }
    }
}

/// Employment kind (雇用形態). It decides AMBER vs AMBER+STRICT: contractors and consultants count
/// as "belonging" to an organisation only under AMBER, and only under a non-disclosure agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Employment {
    /// その組織の職員 — the organisation's own staff.
    Staff,
    /// コンサルタント・外部委託先等（秘密保持契約下） — contractor or consultant under an NDA.
    NdaContractor,
}

impl Employment {
    pub fn code(self) -> &'static str {
        match self {
            Employment::Staff => "staff",
            Employment::NdaContractor => "nda_contractor",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "staff" => Some(Employment::Staff),
            "nda_contractor" => Some(Employment::NdaContractor),
            _ => None,
        }
    }
}

/// What a person may do. Roles grant actions, never reading: reading is the TLP policy's alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Drafts and files liaisons for the organisation.
    Reporter,
    /// Approves and sends on behalf of the organisation (forwarding, numbering hops).
    Approver,
    /// Reads what the sharing policy lets them read.
    Reader,
    /// Manages the people of their own organisation.
    OrgAdmin,
    /// Manages organisations and reads the audit log; gains no right to read shared content.
    PlatformAdmin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Reporter,
        Role::Approver,
        Role::Reader,
        Role::OrgAdmin,
        Role::PlatformAdmin,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Approver => "approver",
            Role::Reader => "reader",
            Role::OrgAdmin => "org_admin",
            Role::PlatformAdmin => "platform_admin",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Role::Reporter => "報告者",
            Role::Approver => "承認・送信者",
            Role::Reader => "閲覧者",
            Role::OrgAdmin => "組織管理者",
            Role::PlatformAdmin => "プラットフォーム管理者",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Role::Reporter => "Reporter",
            Role::Approver => "Approver / sender",
            Role::Reader => "Reader",
            Role::OrgAdmin => "Organisation admin",
            Role::PlatformAdmin => "Platform admin",
        }
    }
}

/// Need-to-know designation (業務上知る必要): the sectors whose restricted information a person's
/// work requires. AMBER+STRICT and AMBER (and RED) demand it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "sectors")]
pub enum NeedToKnow {
    All,
    Sectors(Vec<SectorId>),
}

impl NeedToKnow {
    pub fn covers(&self, sector: &SectorId) -> bool {
        match self {
            NeedToKnow::All => true,
            NeedToKnow::Sectors(s) => s.contains(sector),
        }
    }
}

/// An organisation as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub kind: OrgKind,
    pub name_ja: String,
    pub name_en: String,
    /// Sectors the organisation is directly concerned with: a ministry's overseen sectors,
    /// a CEPTOAR's sector, an operator's sector.
    pub sectors: Vec<SectorId>,
    /// For operators: the CEPTOARs they are members of.
    pub ceptoars: Vec<OrgId>,
    /// For agencies: NISC has asked them in advance to cooperate (※１ of the form).
    pub nisc_partner: bool,
}

/// A person as the rules see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub org: OrgId,
    pub roles: Vec<Role>,
    pub employment: Employment,
    pub need_to_know: NeedToKnow,
}

impl Person {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}
