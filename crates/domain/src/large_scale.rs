//! 大規模重要インフラサービス障害対応時 — the large-scale outage mode (別紙４－２, notes part 3 §4):
//! who may declare and end it, and the causes a declaration names.
//!
//! While it lasts every normal route and TLP rule still holds; what it opens is the
//! crisis-management office reading, for the declared sectors, what NISC holds (the two act as
//! one hub). That opening is the policy's (`Viewer::large_scale_sectors`); this module only says
//! who may switch it.

use crate::org::OrgKind;
use serde::{Deserialize, Serialize};

/// 原因 — what the outage comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// サイバー攻撃.
    Cyber,
    /// 自然災害.
    Disaster,
    /// テロ.
    Terrorism,
    /// その他.
    Other,
}

impl Cause {
    pub const ALL: [Cause; 4] = [
        Cause::Cyber,
        Cause::Disaster,
        Cause::Terrorism,
        Cause::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Cause::Cyber => "cyber",
            Cause::Disaster => "disaster",
            Cause::Terrorism => "terrorism",
            Cause::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Cause> {
        Cause::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Cause::Cyber => "サイバー攻撃",
            Cause::Disaster => "自然災害",
            Cause::Terrorism => "テロ",
            Cause::Other => "その他",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Cause::Cyber => "Cyber attack",
            Cause::Disaster => "Natural disaster",
            Cause::Terrorism => "Terrorism",
            Cause::Other => "Other",
        }
    }
}

/// Whether a person of this kind of organisation (with the approver role) may declare or end
/// the mode: NISC and the crisis-management office, the hub that runs it.
pub fn may_declare(kind: OrgKind) -> bool {
    match kind {
        OrgKind::Nisc | OrgKind::CrisisManagement => true,
        OrgKind::CiMinistry
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::Ceptoar
        | OrgKind::CeptoarCouncil
        | OrgKind::Operator => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_hub_declares() {
        for kind in OrgKind::ALL {
            assert_eq!(
                may_declare(kind),
                matches!(kind, OrgKind::Nisc | OrgKind::CrisisManagement),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn causes_round_trip() {
        for c in Cause::ALL {
            assert_eq!(Cause::from_code(c.code()), Some(c));
            assert!(!c.label_ja().is_empty() && !c.label_en().is_empty());
        }
        assert_eq!(Cause::from_code("flood"), None);
    }
}
