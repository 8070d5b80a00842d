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
//!
//! # A consultation ([`ConsultationScope`])
//!
//! An operator consults its ministry, its CEPTOAR or NISC before filing (相談, 手引書 Ⅱ.2.1).
//! The thread is the two organisations' alone, whatever else they are (NISC too reads only what
//! it is consulted on). It carries no TLP, so it is gated as the other two-party records without
//! one, the points of contact (`crate::decide_contacts`):
//!
//! | Viewer | Reason | Gates |
//! |---|---|---|
//! | a member of the consulting operator | [`Reason::OwnOrganisation`] | none: its own question |
//! | a member of the addressee, NISC | [`Reason::NamedOrganisation`] | staff |
//! | a member of the addressee, a ministry or CEPTOAR | [`Reason::NamedOrganisation`] | staff, need-to-know of one of the consultation's sectors |
//!
//! Everyone else is refused ([`Reason::DeniedOutsideScope`]); the addressee's contractor under
//! NDA with [`Reason::DeniedEmployment`] (another organisation's unfiled incident is no
//! contractor's business); a ministry's or CEPTOAR's member who needs to know none of the
//! sectors with [`Reason::DeniedNeedToKnow`] (a consultation naming no sector opens to nobody
//! there: fail closed).

use crate::decision::{admits, decide, Decision, Reason};
use crate::scope::{ItemScope, Viewer};
use crate::visible::{Denied, Visible};
use kakehashi_domain::actors::InfoKind;
use kakehashi_domain::{Employment, OrgId, OrgKind, SectorId, Tlp};
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

/// What decides the reading of a consultation (相談): the two organisations and the sectors it
/// concerns (the one the operator named, else the operator's own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationScope {
    /// The consulting operator.
    pub operator_org: OrgId,
    /// The ministry, CEPTOAR or NISC consulted.
    pub addressee_org: OrgId,
    pub sectors: Vec<SectorId>,
}

/// Anything the platform decides reading for: a shared item, a submission, a request, a
/// consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "scope", rename_all = "snake_case")]
pub enum Access {
    Item(ItemScope),
    Submission(SubmissionScope),
    Request(RequestScope),
    Consultation(ConsultationScope),
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
        Access::Consultation(c) => match consultation_route(viewer, c) {
            Ok(allowed) => Decision::allow(allowed),
            Err(denied) => Decision::deny(denied),
        },
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

/// The two organisations of a consultation, with the addressee's gates (see the module
/// documentation).
fn consultation_route(viewer: &Viewer, c: &ConsultationScope) -> Result<Reason, Reason> {
    if viewer.org == c.operator_org {
        return Ok(Reason::OwnOrganisation);
    }
    if viewer.org != c.addressee_org {
        return Err(Reason::DeniedOutsideScope);
    }
    if viewer.employment != Employment::Staff {
        return Err(Reason::DeniedEmployment);
    }
    match viewer.org_kind {
        OrgKind::Nisc => Ok(Reason::NamedOrganisation),
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
            if c.sectors.iter().any(|s| viewer.need_to_know.covers(s)) {
                Ok(Reason::NamedOrganisation)
            } else {
                Err(Reason::DeniedNeedToKnow)
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
    use kakehashi_domain::NeedToKnow;

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

    fn consultation(sectors: &[&str]) -> Access {
        Access::Consultation(ConsultationScope {
            operator_org: OrgId("power".into()),
            addressee_org: OrgId("meti".into()),
            sectors: sectors.iter().map(|s| SectorId((*s).into())).collect(),
        })
    }

    /// Every organisation kind, at the operator, at the addressee and elsewhere: the two
    /// organisations read, nobody else (NISC neither, unless consulted).
    #[test]
    fn a_consultation_is_read_by_its_two_organisations_only() {
        let c = consultation(&["electric_power"]);
        for kind in OrgKind::ALL {
            for employment in [Employment::Staff, Employment::NdaContractor] {
                let own = viewer("power", kind, employment, &[]);
                assert_eq!(
                    decide_access(&own, &c),
                    Decision::allow(Reason::OwnOrganisation),
                    "{kind:?} {employment:?}"
                );
                let other = viewer("other", kind, employment, &["electric_power"]);
                assert_eq!(
                    decide_access(&other, &c),
                    Decision::deny(Reason::DeniedOutsideScope),
                    "{kind:?} {employment:?}"
                );
            }
            let addressee = viewer("meti", kind, Employment::Staff, &[]);
            assert_eq!(
                decide_access(&addressee, &c),
                Decision::allow(Reason::NamedOrganisation),
                "{kind:?}"
            );
            let nda = viewer("meti", kind, Employment::NdaContractor, &[]);
            assert_eq!(
                decide_access(&nda, &c),
                Decision::deny(Reason::DeniedEmployment),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_consulted_ministry_needs_to_know_the_sector_and_nisc_does_not() {
        let c = consultation(&["electric_power"]);
        let mut gas_only = viewer("meti", OrgKind::CiMinistry, Employment::Staff, &[]);
        gas_only.need_to_know = NeedToKnow::Sectors(vec![SectorId("gas".into())]);
        assert_eq!(
            decide_access(&gas_only, &c),
            Decision::deny(Reason::DeniedNeedToKnow)
        );
        let mut power = gas_only.clone();
        power.need_to_know = NeedToKnow::Sectors(vec![SectorId("electric_power".into())]);
        assert!(decide_access(&power, &c).allowed);
        // No sector named: nobody at a ministry or CEPTOAR reads it (fail closed)…
        assert_eq!(
            decide_access(&power, &consultation(&[])),
            Decision::deny(Reason::DeniedNeedToKnow)
        );
        // …while NISC, consulted, works across every sector (hub).
        let to_nisc = Access::Consultation(ConsultationScope {
            operator_org: OrgId("power".into()),
            addressee_org: OrgId("nisc".into()),
            sectors: vec![],
        });
        let mut nisc = viewer("nisc", OrgKind::Nisc, Employment::Staff, &[]);
        nisc.need_to_know = NeedToKnow::Sectors(vec![]);
        assert_eq!(
            decide_access(&nisc, &to_nisc),
            Decision::allow(Reason::NamedOrganisation)
        );
        // NISC not consulted reads nothing, even in a large-scale outage.
        let hub = viewer(
            "nisc",
            OrgKind::Nisc,
            Employment::Staff,
            &["electric_power"],
        );
        assert!(!decide_access(&hub, &c).allowed);
        let crisis = viewer(
            "cm",
            OrgKind::CrisisManagement,
            Employment::Staff,
            &["electric_power"],
        );
        assert!(!decide_access(&crisis, &c).allowed);
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
