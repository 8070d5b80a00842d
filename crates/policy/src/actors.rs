//! Who reads what the other actors of the diagram send NISC (N16, N18, N19) and NISC's requests
//! for cooperation (連携要請, N15, N17). These travel on their own edge to or from NISC, so their
//! audience is not a TLP's sector audience: [`decide_access`] states it, one rule per kind of
//! item, and [`Access::Item`] hands everything else to [`decide`].
//!
//! # A submission to NISC ([`SubmissionScope`])
//!
//! * **NISC** reads every submission ([`Reason::Hub`]): it is the addressee.
//! * **The sender's organisation** reads its own ([`Reason::NamedOrganisation`]).
//! * **The crisis-management office**, while the large-scale outage mode is declared, reads the
//!   damage and response-status information (被害情報、対応状況情報等, L1) whose affected sectors
//!   include a declared one ([`Reason::CrisisManagementException`]); its person must need to
//!   know one of those sectors. A submission naming no sector never opens this way.
//! * **The incident-response and disaster-management ministries**, in the same mode, read the
//!   same damage and response status of the declared sectors: with the Cabinet Secretariat they
//!   form the large-scale sharing structure (別添 3.3④, L10; [`Reason::LargeScaleStructure`]).
//! * **Nobody else**, whatever the TLP: the TLP travels with the information when NISC records
//!   it as a source for a provision, where the provision's own scope decides.
//!
//! The TLP's employment gate holds on every route: RED and AMBER+STRICT admit その組織の職員
//! only.
//!
//! # A request for cooperation ([`RequestScope`])
//!
//! NISC reads its requests ([`Reason::Hub`]); an addressee reads the request addressed to it
//! ([`Reason::NamedOrganisation`]); nobody else. The employment gate of the request's TLP holds.
//! A reply thread is a request scoped to its one addressee, so an addressee never reads another
//! addressee's thread.

use crate::decision::{admits, decide, Decision, Reason};
use crate::scope::{ItemScope, Viewer};
use crate::visible::{Denied, Visible};
use kakehashi_domain::actors::InfoKind;
use kakehashi_domain::{OrgId, OrgKind, SectorId, Tlp};
use serde::{Deserialize, Serialize};

/// What decides the reading of a submission to NISC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionScope {
    pub tlp: Tlp,
    /// The sending organisation.
    pub sender_org: OrgId,
    pub kind: InfoKind,
    /// The affected sectors the sender named (may be none).
    pub sectors: Vec<SectorId>,
}

/// What decides the reading of a request for cooperation (or of one addressee's thread).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestScope {
    pub tlp: Tlp,
    pub addressees: Vec<OrgId>,
}

/// Anything the platform decides reading for: a shared item, a submission, a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "scope", rename_all = "snake_case")]
pub enum Access {
    Item(ItemScope),
    Submission(SubmissionScope),
    Request(RequestScope),
}

impl From<ItemScope> for Access {
    fn from(s: ItemScope) -> Access {
        Access::Item(s)
    }
}

/// May `viewer` read what `access` describes? See the module documentation.
pub fn decide_access(viewer: &Viewer, access: &Access) -> Decision {
    match access {
        Access::Item(item) => decide(viewer, item),
        Access::Submission(s) => gate(viewer, s.tlp, submission_route(viewer, s)),
        Access::Request(r) => gate(viewer, r.tlp, request_route(viewer, r)),
    }
}

/// As [`crate::reveal`], for any [`Access`].
pub fn reveal_access<T>(viewer: &Viewer, access: &Access, value: T) -> Result<Visible<T>, Denied> {
    let decision = decide_access(viewer, access);
    if decision.allowed {
        Ok(Visible::new(value, decision))
    } else {
        Err(Denied::new(decision))
    }
}

/// The route that opens a submission to the viewer, or the denial.
fn submission_route(viewer: &Viewer, s: &SubmissionScope) -> Result<Reason, Reason> {
    if viewer.org == s.sender_org {
        return Ok(Reason::NamedOrganisation);
    }
    match viewer.org_kind {
        OrgKind::Nisc => Ok(Reason::Hub),
        OrgKind::CrisisManagement => {
            declared_aggregate(viewer, s, Reason::CrisisManagementException)
        }
        OrgKind::IncidentResponseMinistry | OrgKind::DisasterManagementMinistry => {
            declared_aggregate(viewer, s, Reason::LargeScaleStructure)
        }
        OrgKind::CiMinistry
        | OrgKind::CybersecurityMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::Ceptoar
        | OrgKind::CeptoarCouncil
        | OrgKind::Operator => Err(Reason::DeniedOutsideScope),
    }
}

/// Damage and response status of a declared sector, for the members of the large-scale
/// structure: the crisis-management office (L1) and the incident-response and
/// disaster-management ministries (L10). Their person must need to know one of those sectors.
fn declared_aggregate(
    viewer: &Viewer,
    s: &SubmissionScope,
    allow: Reason,
) -> Result<Reason, Reason> {
    let through: Vec<&SectorId> = s
        .sectors
        .iter()
        .filter(|x| viewer.large_scale_sectors.contains(x))
        .collect();
    if !s.kind.hub_aggregates() || through.is_empty() {
        Err(Reason::DeniedOutsideScope)
    } else if through.iter().any(|x| viewer.need_to_know.covers(x)) {
        Ok(allow)
    } else {
        Err(Reason::DeniedNeedToKnow)
    }
}

fn request_route(viewer: &Viewer, r: &RequestScope) -> Result<Reason, Reason> {
    match viewer.org_kind {
        OrgKind::Nisc => Ok(Reason::Hub),
        OrgKind::CrisisManagement
        | OrgKind::CiMinistry
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::Ceptoar
        | OrgKind::CeptoarCouncil
        | OrgKind::Operator => {
            if r.addressees.contains(&viewer.org) {
                Ok(Reason::NamedOrganisation)
            } else {
                Err(Reason::DeniedOutsideScope)
            }
        }
    }
}

/// A route, then the TLP's employment gate.
fn gate(viewer: &Viewer, tlp: Tlp, route: Result<Reason, Reason>) -> Decision {
    match route {
        Err(denied) => Decision::deny(denied),
        Ok(_) if !admits(tlp, viewer.employment) => Decision::deny(Reason::DeniedEmployment),
        Ok(allowed) => Decision::allow(allowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kakehashi_domain::{Employment, NeedToKnow};

    fn viewer(org: &str, kind: OrgKind, employment: Employment, declared: &[&str]) -> Viewer {
        Viewer {
            person: kakehashi_domain::PersonId("p".into()),
            org: OrgId(org.into()),
            org_kind: kind,
            org_sectors: vec![SectorId("gas".into())],
            employment,
            need_to_know: NeedToKnow::All,
            large_scale_sectors: declared.iter().map(|s| SectorId((*s).into())).collect(),
            member_of: vec![],
        }
    }

    fn sub(kind: InfoKind, tlp: Tlp, sectors: &[&str]) -> Access {
        Access::Submission(SubmissionScope {
            tlp,
            sender_org: OrgId("npa".into()),
            kind,
            sectors: sectors.iter().map(|s| SectorId((*s).into())).collect(),
        })
    }

    /// Every organisation kind against a submission: NISC and the sender read it; nobody else,
    /// not even a GREEN or CLEAR one's wider audience.
    #[test]
    fn a_submission_is_read_by_nisc_and_its_sender_only() {
        for tlp in Tlp::ALL {
            let s = sub(InfoKind::Damage, tlp, &["gas"]);
            for kind in OrgKind::ALL {
                let v = viewer("other", kind, Employment::Staff, &[]);
                let d = decide_access(&v, &s);
                assert_eq!(d.allowed, kind == OrgKind::Nisc, "{kind:?} {tlp:?}");
                let sender = viewer("npa", kind, Employment::Staff, &[]);
                assert_eq!(
                    decide_access(&sender, &s).reason,
                    Reason::NamedOrganisation,
                    "{kind:?} {tlp:?}"
                );
            }
        }
    }

    #[test]
    fn the_employment_gate_holds() {
        let nda = viewer("nisc", OrgKind::Nisc, Employment::NdaContractor, &[]);
        for (tlp, allowed) in [
            (Tlp::Red, false),
            (Tlp::AmberStrict, false),
            (Tlp::Amber, true),
            (Tlp::Green, true),
            (Tlp::Clear, true),
        ] {
            let d = decide_access(&nda, &sub(InfoKind::AttackTechnique, tlp, &[]));
            assert_eq!(d.allowed, allowed, "{tlp:?}");
            if !allowed {
                assert_eq!(d.reason, Reason::DeniedEmployment);
            }
        }
    }

    #[test]
    fn the_crisis_office_reads_damage_of_declared_sectors_in_large_scale_mode() {
        let normal = viewer("cm", OrgKind::CrisisManagement, Employment::Staff, &[]);
        let gas = viewer("cm", OrgKind::CrisisManagement, Employment::Staff, &["gas"]);
        let damage = sub(InfoKind::Damage, Tlp::Amber, &["gas", "railway"]);
        let status = sub(InfoKind::ResponseStatus, Tlp::Red, &["gas"]);
        let terror = sub(InfoKind::Terrorism, Tlp::Amber, &["gas"]);
        let rail = sub(InfoKind::Damage, Tlp::Amber, &["railway"]);
        let none = sub(InfoKind::Damage, Tlp::Amber, &[]);
        assert!(!decide_access(&normal, &damage).allowed, "normal times");
        assert_eq!(
            decide_access(&gas, &damage).reason,
            Reason::CrisisManagementException
        );
        assert!(decide_access(&gas, &status).allowed);
        assert!(!decide_access(&gas, &terror).allowed, "not aggregated");
        assert!(!decide_access(&gas, &rail).allowed, "not declared");
        assert!(!decide_access(&gas, &none).allowed, "no sector");
        let mut narrow = gas.clone();
        narrow.need_to_know = NeedToKnow::Sectors(vec![SectorId("railway".into())]);
        assert_eq!(
            decide_access(&narrow, &damage).reason,
            Reason::DeniedNeedToKnow
        );
    }

    #[test]
    fn the_three_party_structure_shares_damage_of_declared_sectors() {
        let damage = sub(InfoKind::Damage, Tlp::Amber, &["gas"]);
        let attack = sub(InfoKind::AttackTechnique, Tlp::Amber, &["gas"]);
        for kind in [
            OrgKind::IncidentResponseMinistry,
            OrgKind::DisasterManagementMinistry,
        ] {
            let normal = viewer("other", kind, Employment::Staff, &[]);
            let gas = viewer("other", kind, Employment::Staff, &["gas"]);
            assert!(
                !decide_access(&normal, &damage).allowed,
                "{kind:?} normal times"
            );
            assert_eq!(
                decide_access(&gas, &damage).reason,
                Reason::LargeScaleStructure
            );
            assert!(
                !decide_access(&gas, &attack).allowed,
                "{kind:?}: not aggregated"
            );
        }
        let ministry = viewer("meti", OrgKind::CiMinistry, Employment::Staff, &["gas"]);
        assert!(
            !decide_access(&ministry, &damage).allowed,
            "not in the structure"
        );
    }

    #[test]
    fn a_request_is_read_by_nisc_and_its_addressees_only() {
        let r = Access::Request(RequestScope {
            tlp: Tlp::Amber,
            addressees: vec![OrgId("jpcert".into())],
        });
        for kind in OrgKind::ALL {
            let asked = viewer("jpcert", kind, Employment::Staff, &[]);
            assert!(decide_access(&asked, &r).allowed, "{kind:?}");
            let other = viewer("other", kind, Employment::Staff, &["gas"]);
            assert_eq!(
                decide_access(&other, &r).allowed,
                kind == OrgKind::Nisc,
                "{kind:?}"
            );
        }
        let strict = Access::Request(RequestScope {
            tlp: Tlp::AmberStrict,
            addressees: vec![OrgId("jpcert".into())],
        });
        let nda = viewer(
            "jpcert",
            OrgKind::CybersecurityAgency,
            Employment::NdaContractor,
            &[],
        );
        assert_eq!(
            decide_access(&nda, &strict).reason,
            Reason::DeniedEmployment
        );
    }

    #[test]
    fn an_item_is_decided_as_before() {
        let item = ItemScope {
            tlp: Tlp::Green,
            sectors: vec![],
            sender_org: OrgId("x".into()),
            addressees: vec![],
            added_recipients: vec![],
            held_by_nisc: false,
        };
        let v = viewer("o", OrgKind::Operator, Employment::Staff, &[]);
        assert_eq!(
            decide_access(&v, &Access::Item(item.clone())),
            decide(&v, &item)
        );
    }
}
