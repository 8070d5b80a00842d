//! Sideways and downward shares of a received liaison (別紙４－１ N4, N6, N23, N25): who may
//! send a report it holds to whom, beside the upward route of 図３.
//!
//! | Edge | Holder | Recipient | What goes |
//! |---|---|---|---|
//! | N4 | CEPTOAR secretariat | a member operator of that CEPTOAR | always anonymised |
//! | N6 | CI ministry | a CEPTOAR of the report's sector | as received (anonymising optional) |
//! | N23 | CEPTOAR | the CEPTOAR Council | always anonymised |
//! | N23 | CEPTOAR Council | a CEPTOAR | as the council received it |
//! | N25 | cybersecurity agency | any stakeholder | always anonymised, and only with the reporter's recorded consent |
//!
//! Every share is a new hop with its own TLP, never looser than the copy it is made from unless
//! that copy's sender consented ([`super::onward_tlp_allowed`]); who then reads it is the
//! policy's alone. [`share_edge`] is the kind rule (an exhaustive match over every pair of
//! organisation kinds); [`check_share`] adds what the organisations themselves decide
//! (membership, sector).

use crate::ids::SectorId;
use crate::org::{OrgKind, Organisation};
use serde::{Deserialize, Serialize};

/// One sideways or downward edge of the diagram that a share travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareEdge {
    /// N4: a CEPTOAR secretariat spreads a report to its member operators.
    CeptoarToMembers,
    /// N6: a ministry shares a received report with the relevant CEPTOAR.
    MinistryToCeptoar,
    /// N23: a CEPTOAR offers a report to the other CEPTOARs through the council.
    CeptoarToCouncil,
    /// N23: the council passes what a CEPTOAR offered to chosen CEPTOARs.
    CouncilToCeptoar,
    /// N25: a cybersecurity agency shares anonymised information onward, with the reporter's
    /// consent.
    AgencyOnward,
}

impl ShareEdge {
    pub const ALL: [ShareEdge; 5] = [
        ShareEdge::CeptoarToMembers,
        ShareEdge::MinistryToCeptoar,
        ShareEdge::CeptoarToCouncil,
        ShareEdge::CouncilToCeptoar,
        ShareEdge::AgencyOnward,
    ];

    /// The edge's id in the table of `crate::topology`.
    pub fn edge_id(self) -> &'static str {
        match self {
            ShareEdge::CeptoarToMembers => "N4",
            ShareEdge::MinistryToCeptoar => "N6",
            ShareEdge::CeptoarToCouncil | ShareEdge::CouncilToCeptoar => "N23",
            ShareEdge::AgencyOnward => "N25",
        }
    }

    /// The hop kind the share's copy is stored with.
    pub fn hop_kind(self) -> &'static str {
        match self {
            ShareEdge::CeptoarToMembers => "share_members",
            ShareEdge::MinistryToCeptoar => "share_ceptoar",
            ShareEdge::CeptoarToCouncil => "share_council",
            ShareEdge::CouncilToCeptoar => "share_via_council",
            ShareEdge::AgencyOnward => "share_agency",
        }
    }

    pub fn from_hop_kind(kind: &str) -> Option<ShareEdge> {
        ShareEdge::ALL.into_iter().find(|e| e.hop_kind() == kind)
    }

    /// Whether the share is always anonymised (the reporter is masked whatever the holder asks).
    pub fn always_anonymised(self) -> bool {
        match self {
            ShareEdge::CeptoarToMembers | ShareEdge::CeptoarToCouncil | ShareEdge::AgencyOnward => {
                true
            }
            ShareEdge::MinistryToCeptoar | ShareEdge::CouncilToCeptoar => false,
        }
    }

    /// Whether the share needs the reporter's recorded consent (N25).
    pub fn needs_reporter_consent(self) -> bool {
        match self {
            ShareEdge::AgencyOnward => true,
            ShareEdge::CeptoarToMembers
            | ShareEdge::MinistryToCeptoar
            | ShareEdge::CeptoarToCouncil
            | ShareEdge::CouncilToCeptoar => false,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ShareEdge::CeptoarToMembers => "セプター構成員への展開",
            ShareEdge::MinistryToCeptoar => "該当セプターへの共有",
            ShareEdge::CeptoarToCouncil => "セプターカウンシルへの共有",
            ShareEdge::CouncilToCeptoar => "セプターカウンシル経由の共有",
            ShareEdge::AgencyOnward => "関係機関からの共有（報告者の同意あり）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ShareEdge::CeptoarToMembers => "Spread to CEPTOAR members",
            ShareEdge::MinistryToCeptoar => "Shared with the relevant CEPTOAR",
            ShareEdge::CeptoarToCouncil => "Shared with the CEPTOAR Council",
            ShareEdge::CouncilToCeptoar => "Shared through the CEPTOAR Council",
            ShareEdge::AgencyOnward => "Shared by an agency (reporter consented)",
        }
    }
}

/// Which edge a holder of kind `holder` would use to share with an organisation of kind `to`;
/// `None`: the diagram has no such share.
pub fn share_edge(holder: OrgKind, to: OrgKind) -> Option<ShareEdge> {
    use OrgKind::*;
    match holder {
        Ceptoar => match to {
            Operator => Some(ShareEdge::CeptoarToMembers),
            CeptoarCouncil => Some(ShareEdge::CeptoarToCouncil),
            Nisc
            | CrisisManagement
            | CiMinistry
            | CybersecurityMinistry
            | IncidentResponseMinistry
            | DisasterManagementMinistry
            | CybersecurityAgency
            | CyberspaceBusiness
            | Ceptoar => None,
        },
        CiMinistry => match to {
            Ceptoar => Some(ShareEdge::MinistryToCeptoar),
            Nisc
            | CrisisManagement
            | CiMinistry
            | CybersecurityMinistry
            | IncidentResponseMinistry
            | DisasterManagementMinistry
            | CybersecurityAgency
            | CyberspaceBusiness
            | CeptoarCouncil
            | Operator => None,
        },
        CeptoarCouncil => match to {
            Ceptoar => Some(ShareEdge::CouncilToCeptoar),
            Nisc
            | CrisisManagement
            | CiMinistry
            | CybersecurityMinistry
            | IncidentResponseMinistry
            | DisasterManagementMinistry
            | CybersecurityAgency
            | CyberspaceBusiness
            | CeptoarCouncil
            | Operator => None,
        },
        // 「他の関係主体」: every stakeholder kind but the agency's own.
        CybersecurityAgency => match to {
            Nisc
            | CrisisManagement
            | CiMinistry
            | CybersecurityMinistry
            | IncidentResponseMinistry
            | DisasterManagementMinistry
            | CyberspaceBusiness
            | Ceptoar
            | CeptoarCouncil
            | Operator => Some(ShareEdge::AgencyOnward),
            CybersecurityAgency => None,
        },
        Nisc
        | CrisisManagement
        | CybersecurityMinistry
        | IncidentResponseMinistry
        | DisasterManagementMinistry
        | CyberspaceBusiness
        | Operator => None,
    }
}

/// Why a share is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareError {
    /// No edge of the diagram from the holder's kind to the recipient's.
    NoEdge,
    /// N4: the operator is not a member of the holding CEPTOAR.
    NotMember,
    /// N6: the CEPTOAR is not one of the report's sector.
    NotRelevantCeptoar,
    /// A share to the holder itself.
    Itself,
}

impl ShareError {
    pub fn rule(self) -> &'static str {
        match self {
            ShareError::NoEdge => "no_share_edge",
            ShareError::NotMember => "not_member",
            ShareError::NotRelevantCeptoar => "not_relevant_ceptoar",
            ShareError::Itself => "itself",
        }
    }
    pub fn message_ja(self) -> &'static str {
        match self {
            ShareError::NoEdge => "この組織へは共有できません（情報共有体制にない経路です）。",
            ShareError::NotMember => "セプター構成員以外の事業者へは展開できません。",
            ShareError::NotRelevantCeptoar => "この情報連絡の分野のセプターにのみ共有できます。",
            ShareError::Itself => "自組織へは共有できません。",
        }
    }
    pub fn message_en(self) -> &'static str {
        match self {
            ShareError::NoEdge => {
                "Cannot share with this organisation: the sharing structure has no such edge."
            }
            ShareError::NotMember => "A CEPTOAR spreads a report only to its own member operators.",
            ShareError::NotRelevantCeptoar => {
                "A ministry shares a report only with a CEPTOAR of the report's sector."
            }
            ShareError::Itself => "Cannot share with your own organisation.",
        }
    }
}

/// May `holder`, which holds a report of `sector`, share it with `to`? The edge it travels, or
/// why not.
pub fn check_share(
    holder: &Organisation,
    to: &Organisation,
    sector: &SectorId,
) -> Result<ShareEdge, ShareError> {
    if holder.id == to.id {
        return Err(ShareError::Itself);
    }
    let edge = share_edge(holder.kind, to.kind).ok_or(ShareError::NoEdge)?;
    match edge {
        ShareEdge::CeptoarToMembers if !to.ceptoars.contains(&holder.id) => {
            Err(ShareError::NotMember)
        }
        ShareEdge::MinistryToCeptoar if !to.sectors.contains(sector) => {
            Err(ShareError::NotRelevantCeptoar)
        }
        _ => Ok(edge),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::OrgId;

    #[test]
    fn every_pair_of_kinds() {
        use OrgKind::*;
        let allowed = [
            (Ceptoar, Operator, ShareEdge::CeptoarToMembers),
            (CiMinistry, Ceptoar, ShareEdge::MinistryToCeptoar),
            (Ceptoar, CeptoarCouncil, ShareEdge::CeptoarToCouncil),
            (CeptoarCouncil, Ceptoar, ShareEdge::CouncilToCeptoar),
        ];
        let mut seen = 0;
        for holder in OrgKind::ALL {
            for to in OrgKind::ALL {
                let want = if holder == CybersecurityAgency {
                    (to != CybersecurityAgency).then_some(ShareEdge::AgencyOnward)
                } else {
                    allowed
                        .iter()
                        .find(|(h, t, _)| *h == holder && *t == to)
                        .map(|(_, _, e)| *e)
                };
                assert_eq!(share_edge(holder, to), want, "{holder:?} -> {to:?}");
                seen += usize::from(want.is_some());
            }
        }
        assert_eq!(seen, 4 + 10);
        // Nobody shares sideways into NISC's upward route except the agency with consent; the
        // operator and NISC have no sideways share at all.
        for to in OrgKind::ALL {
            assert_eq!(share_edge(Operator, to), None);
            assert_eq!(share_edge(Nisc, to), None);
        }
    }

    #[test]
    fn hop_kinds_round_trip_and_are_distinct() {
        for e in ShareEdge::ALL {
            assert_eq!(ShareEdge::from_hop_kind(e.hop_kind()), Some(e));
            assert!(e.hop_kind().starts_with("share_"));
            assert!(!e.label_ja().is_empty() && !e.label_en().is_empty());
        }
        assert_eq!(ShareEdge::from_hop_kind("forward"), None);
    }

    fn org(id: &str, kind: OrgKind, sectors: &[&str], ceptoars: &[&str]) -> Organisation {
        Organisation {
            id: OrgId(id.into()),
            kind,
            name_ja: id.into(),
            name_en: id.into(),
            sectors: sectors.iter().map(|s| SectorId((*s).into())).collect(),
            ceptoars: ceptoars.iter().map(|s| OrgId((*s).into())).collect(),
            nisc_partner: false,
        }
    }

    #[test]
    fn organisations_decide_membership_and_sector() {
        let s = SectorId("finance".into());
        let cep = org("cep", OrgKind::Ceptoar, &["finance"], &[]);
        let cep2 = org("cep2", OrgKind::Ceptoar, &["power"], &[]);
        let member = org("op", OrgKind::Operator, &["finance"], &["cep"]);
        let outsider = org("op2", OrgKind::Operator, &["finance"], &["cep2"]);
        let min = org("min", OrgKind::CiMinistry, &["finance"], &[]);
        let council = org("cc", OrgKind::CeptoarCouncil, &[], &[]);
        let agency = org("jp", OrgKind::CybersecurityAgency, &[], &[]);
        assert_eq!(
            check_share(&cep, &member, &s),
            Ok(ShareEdge::CeptoarToMembers)
        );
        assert_eq!(check_share(&cep, &outsider, &s), Err(ShareError::NotMember));
        assert_eq!(
            check_share(&min, &cep, &s),
            Ok(ShareEdge::MinistryToCeptoar)
        );
        assert_eq!(
            check_share(&min, &cep2, &s),
            Err(ShareError::NotRelevantCeptoar)
        );
        assert_eq!(
            check_share(&cep, &council, &s),
            Ok(ShareEdge::CeptoarToCouncil)
        );
        assert_eq!(
            check_share(&council, &cep2, &s),
            Ok(ShareEdge::CouncilToCeptoar)
        );
        assert_eq!(check_share(&cep, &cep2, &s), Err(ShareError::NoEdge));
        assert_eq!(check_share(&member, &cep, &s), Err(ShareError::NoEdge));
        assert_eq!(
            check_share(&agency, &member, &s),
            Ok(ShareEdge::AgencyOnward)
        );
        assert_eq!(check_share(&cep, &cep, &s), Err(ShareError::Itself));
        for e in [
            ShareError::NoEdge,
            ShareError::NotMember,
            ShareError::NotRelevantCeptoar,
            ShareError::Itself,
        ] {
            assert!(!e.rule().is_empty() && !e.message_ja().is_empty());
        }
    }
}
