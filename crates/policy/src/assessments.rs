//! 自己評価の閲覧可否 — who reads an operator's self-assessment against its sector's safety
//! standard, who edits it, and who registers a sector's standard.
//!
//! A self-assessment is the operator's own: under the TLP model it leaves the operator only as
//! far as the operator shares it, and only upward (to the sector's ministry, NISC, its own
//! CEPTOAR). The rule is one table of routes, each an exhaustive match, in the shape of
//! [`crate::decide`]:
//!
//! | Route | Viewer | Reason | Gates |
//! |---|---|---|---|
//! | own organisation | a member of the operator holding reporter, approver or org admin | [`Reason::OwnOrganisation`] | role |
//! | shared with the hub | NISC, when the operator shared the assessment with NISC | [`Reason::NamedOrganisation`] | staff |
//! | shared with its ministry | a CI ministry overseeing one of the operator's sectors, when shared with it | [`Reason::NamedOrganisation`] | staff, need-to-know of that sector |
//! | shared with its CEPTOAR | a CEPTOAR the operator is a member of, when shared with it | [`Reason::NamedOrganisation`] | staff, need-to-know of a shared sector |
//!
//! Everyone else is refused ([`Reason::DeniedOutsideScope`]) — other operators, ministries of
//! other sectors, anyone the operator did not share with, and a share with an organisation that
//! stands on no upward route (a share never widens the routes). A member of the operator with
//! the reader role only is refused ([`Reason::DeniedEmployment`] is for employment; a missing
//! role is [`Reason::DeniedOutsideScope`] as well: the assessment is not the reader's work).
//!
//! Survey answers are assessments: NISC and the ministries read the survey's aggregates
//! (k-anonymous, `kakehashi_domain::statistics`), never one operator's answer unless that
//! operator shared it here.
//!
//! Evidence links carry a TLP of their own ([`evidence_visible`]): the operator's own people see
//! every link; an organisation the assessment was shared with sees every link but those marked
//! RED (宛先限り — the operator's own addressees), which leave the operator with no share.
//!
//! Editing is the own organisation's approvers and org admins ([`may_edit_assessment`]).
//! Registering a sector's standard is an approver of a CI ministry overseeing the sector
//! ([`may_register_standard`]).

use crate::decision::{Decision, Reason};
use crate::scope::Viewer;
use kakehashi_domain::{Employment, OrgId, OrgKind, Organisation, Role, SectorId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AssessmentRoute {
    Own,
    SharedHub,
    SharedMinistry,
    SharedCeptoar,
}

impl AssessmentRoute {
    const ALL: [AssessmentRoute; 4] = [
        AssessmentRoute::Own,
        AssessmentRoute::SharedHub,
        AssessmentRoute::SharedMinistry,
        AssessmentRoute::SharedCeptoar,
    ];

    fn reason(self) -> Reason {
        match self {
            AssessmentRoute::Own => Reason::OwnOrganisation,
            AssessmentRoute::SharedHub
            | AssessmentRoute::SharedMinistry
            | AssessmentRoute::SharedCeptoar => Reason::NamedOrganisation,
        }
    }

    /// Whether the viewer's organisation stands on this route to the operator's assessment.
    fn reaches(self, viewer: &Viewer, owner: &Organisation, shared_with: &[OrgId]) -> bool {
        let shared = || shared_with.contains(&viewer.org);
        let shares_sector = || owner.sectors.iter().any(|s| viewer.org_sectors.contains(s));
        match self {
            AssessmentRoute::Own => viewer.org == owner.id,
            AssessmentRoute::SharedHub => viewer.org_kind == OrgKind::Nisc && shared(),
            AssessmentRoute::SharedMinistry => {
                viewer.org_kind == OrgKind::CiMinistry && shares_sector() && shared()
            }
            AssessmentRoute::SharedCeptoar => {
                viewer.org_kind == OrgKind::Ceptoar
                    && owner.ceptoars.contains(&viewer.org)
                    && shared()
            }
        }
    }

    fn admits(self, viewer: &Viewer, roles: &[Role], owner: &Organisation) -> Result<(), Reason> {
        match self {
            AssessmentRoute::Own => {
                if roles
                    .iter()
                    .any(|r| matches!(r, Role::Reporter | Role::Approver | Role::OrgAdmin))
                {
                    Ok(())
                } else {
                    Err(Reason::DeniedOutsideScope)
                }
            }
            AssessmentRoute::SharedHub => staff(viewer),
            AssessmentRoute::SharedMinistry | AssessmentRoute::SharedCeptoar => {
                staff(viewer)?;
                let through: Vec<&SectorId> = owner
                    .sectors
                    .iter()
                    .filter(|s| viewer.org_sectors.contains(s))
                    .collect();
                if through.iter().any(|s| viewer.need_to_know.covers(s)) {
                    Ok(())
                } else {
                    Err(Reason::DeniedNeedToKnow)
                }
            }
        }
    }
}

fn staff(viewer: &Viewer) -> Result<(), Reason> {
    match viewer.employment {
        Employment::Staff => Ok(()),
        Employment::NdaContractor => Err(Reason::DeniedEmployment),
    }
}

/// 自己評価の閲覧可否 — may `viewer` (holding `roles`) read the self-assessment of `owner` that
/// the operator shared with `shared_with`? See the module documentation for the routes.
pub fn decide_assessment(
    viewer: &Viewer,
    roles: &[Role],
    owner: &Organisation,
    shared_with: &[OrgId],
) -> Decision {
    let mut first_refusal = None;
    for route in AssessmentRoute::ALL {
        if !route.reaches(viewer, owner, shared_with) {
            continue;
        }
        match route.admits(viewer, roles, owner) {
            Ok(()) => return Decision::allow(route.reason()),
            Err(r) => {
                first_refusal.get_or_insert(r);
            }
        }
    }
    Decision::deny(first_refusal.unwrap_or(Reason::DeniedOutsideScope))
}

/// Wraps an assessment's view in [`crate::Visible`] under the [`decide_assessment`] decision.
pub fn reveal_assessment<T>(
    viewer: &Viewer,
    roles: &[Role],
    owner: &Organisation,
    shared_with: &[OrgId],
    value: T,
) -> Result<crate::Visible<T>, crate::Denied> {
    crate::visible::wrap(decide_assessment(viewer, roles, owner, shared_with), value)
}

/// Whether a reader admitted for `reason` (see [`decide_assessment`]) sees an evidence link
/// marked `tlp`: the own organisation every link, a shared-with organisation all but RED.
pub fn evidence_visible(reason: Reason, tlp: kakehashi_domain::Tlp) -> bool {
    reason == Reason::OwnOrganisation || tlp != kakehashi_domain::Tlp::Red
}

/// The organisation's approvers and org admins edit its assessments (and answer surveys).
pub fn may_edit_assessment(viewer: &Viewer, roles: &[Role], owner: &OrgId) -> bool {
    viewer.org == *owner
        && viewer.org_kind == OrgKind::Operator
        && roles
            .iter()
            .any(|r| matches!(r, Role::Approver | Role::OrgAdmin))
}

/// Whether an operator may share its assessment with `target`: the upward routes only — NISC,
/// a CI ministry overseeing one of its sectors, a CEPTOAR it is a member of.
pub fn may_share_assessment_with(owner: &Organisation, target: &Organisation) -> bool {
    match target.kind {
        OrgKind::Nisc => true,
        OrgKind::CiMinistry => target.sectors.iter().any(|s| owner.sectors.contains(s)),
        OrgKind::Ceptoar => owner.ceptoars.contains(&target.id),
        OrgKind::CrisisManagement
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::CeptoarCouncil
        | OrgKind::Operator => false,
    }
}

/// A sector's safety standard is registered and revised by an approver of a CI ministry that
/// oversees the sector.
pub fn may_register_standard(viewer: &Viewer, roles: &[Role], sector: &SectorId) -> bool {
    viewer.org_kind == OrgKind::CiMinistry
        && viewer.org_sectors.contains(sector)
        && roles.contains(&Role::Approver)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kakehashi_domain::{NeedToKnow, PersonId};

    fn org(id: &str, kind: OrgKind, sectors: &[&str], ceptoars: &[&str]) -> Organisation {
        Organisation {
            id: OrgId(id.into()),
            kind,
            sectors: sectors.iter().map(|s| SectorId(s.to_string())).collect(),
            ceptoars: ceptoars.iter().map(|s| OrgId(s.to_string())).collect(),
            name_ja: id.into(),
            name_en: id.into(),
            nisc_partner: false,
        }
    }

    fn viewer(o: &Organisation, employment: Employment) -> Viewer {
        Viewer {
            person: PersonId("p".into()),
            org: o.id.clone(),
            org_kind: o.kind,
            org_sectors: o.sectors.clone(),
            employment,
            need_to_know: NeedToKnow::All,
            large_scale_sectors: vec![],
            member_of: o.ceptoars.clone(),
        }
    }

    /// Every kind of viewer against shared and unshared assessments: exactly the table holds.
    #[test]
    fn the_table_exhaustively() {
        let op = org("op", OrgKind::Operator, &["electric_power"], &["cep"]);
        let other_op = org("op2", OrgKind::Operator, &["electric_power"], &["cep"]);
        let meti = org("meti", OrgKind::CiMinistry, &["electric_power"], &[]);
        let mlit = org("mlit", OrgKind::CiMinistry, &["railway"], &[]);
        let nisc = org("nisc", OrgKind::Nisc, &[], &[]);
        let cep = org("cep", OrgKind::Ceptoar, &["electric_power"], &[]);
        let cep_other = org("cep2", OrgKind::Ceptoar, &["electric_power"], &[]);
        let everyone = [&op, &other_op, &meti, &mlit, &nisc, &cep, &cep_other];
        let all_ids: Vec<OrgId> = everyone.iter().map(|o| o.id.clone()).collect();
        let (mut allowed, mut denied) = (0, 0);
        for shared in [vec![], all_ids.clone()] {
            for v in everyone {
                for employment in [Employment::Staff, Employment::NdaContractor] {
                    for roles in [
                        vec![Role::Reader],
                        vec![Role::Reporter],
                        vec![Role::Approver],
                    ] {
                        let d = decide_assessment(&viewer(v, employment), &roles, &op, &shared);
                        let own = v.id == op.id && !roles.contains(&Role::Reader);
                        let upward = !shared.is_empty()
                            && employment == Employment::Staff
                            && ["meti", "nisc", "cep"].contains(&v.id.0.as_str());
                        assert_eq!(
                            d.allowed,
                            own || upward,
                            "{} {employment:?} {roles:?} shared={}",
                            v.id.0,
                            !shared.is_empty()
                        );
                        if d.allowed {
                            allowed += 1;
                        } else {
                            denied += 1;
                        }
                    }
                }
            }
        }
        assert!(allowed > 0 && denied > 0);
    }

    #[test]
    fn editing_and_sharing_and_registering() {
        let op = org("op", OrgKind::Operator, &["electric_power"], &["cep"]);
        let v = viewer(&op, Employment::Staff);
        assert!(may_edit_assessment(&v, &[Role::Approver], &op.id));
        assert!(!may_edit_assessment(&v, &[Role::Reporter], &op.id));
        assert!(!may_edit_assessment(
            &v,
            &[Role::Approver],
            &OrgId("x".into())
        ));
        let meti = org("meti", OrgKind::CiMinistry, &["electric_power"], &[]);
        let mlit = org("mlit", OrgKind::CiMinistry, &["railway"], &[]);
        let cep = org("cep", OrgKind::Ceptoar, &["electric_power"], &[]);
        let cep2 = org("cep2", OrgKind::Ceptoar, &["electric_power"], &[]);
        let nisc = org("nisc", OrgKind::Nisc, &[], &[]);
        let other = org("op2", OrgKind::Operator, &["electric_power"], &[]);
        assert!(may_share_assessment_with(&op, &meti));
        assert!(may_share_assessment_with(&op, &nisc));
        assert!(may_share_assessment_with(&op, &cep));
        assert!(!may_share_assessment_with(&op, &mlit));
        assert!(!may_share_assessment_with(&op, &cep2));
        assert!(!may_share_assessment_with(&op, &other));
        let power = SectorId("electric_power".into());
        let m = viewer(&meti, Employment::Staff);
        assert!(may_register_standard(&m, &[Role::Approver], &power));
        assert!(!may_register_standard(&m, &[Role::Reporter], &power));
        assert!(!may_register_standard(
            &viewer(&mlit, Employment::Staff),
            &[Role::Approver],
            &power
        ));
        assert!(!may_register_standard(&v, &[Role::Approver], &power));
    }

    #[test]
    fn red_evidence_stays_with_the_operator() {
        use kakehashi_domain::Tlp;
        for tlp in Tlp::ALL {
            assert!(evidence_visible(Reason::OwnOrganisation, tlp));
            assert_eq!(
                evidence_visible(Reason::NamedOrganisation, tlp),
                tlp != Tlp::Red
            );
        }
    }
}
