//! 連絡先の閲覧可否 — who reads an organisation's points of contact, who oversees whether it
//! keeps them, and who reads a contact check.
//!
//! Contacts (names, phone numbers, e-mail addresses of the people who answer the hotline) are
//! restricted information, but not a TLP item: they are nobody's report. The rule is its own
//! table of routes, each an exhaustive match, in the same shape as [`crate::decide`]:
//!
//! | Route | Viewer | Reason | Gates |
//! |---|---|---|---|
//! | own organisation | a member of the owner | [`Reason::OwnOrganisation`] | none |
//! | hub | NISC (N13: the hotline is NISC's) | [`Reason::Hub`] | staff |
//! | overseeing ministry | a CI ministry overseeing one of the owner's sectors | [`Reason::ConcernedSector`] | staff, need-to-know of that sector |
//! | member's CEPTOAR | a CEPTOAR the owner (an operator) is a member of | [`Reason::ConcernedSector`] | staff, need-to-know of a shared sector |
//! | CEPTOAR's member | an operator that is a member of the owner (a CEPTOAR): the 窓口 is there to be reached | [`Reason::ConcernedSector`] | staff, need-to-know of a shared sector |
//! | crisis management | 内閣官房（事態対処・危機管理担当）while the large-scale mode is declared for one of the owner's sectors (it acts as one hub with NISC) | [`Reason::CrisisManagementException`] | staff, need-to-know of a declared sector |
//!
//! Everyone else is refused ([`Reason::DeniedOutsideScope`]): other operators, other
//! ministries, agencies and businesses. Another organisation's contractor under NDA is refused
//! ([`Reason::DeniedEmployment`]): contacts are personal details. Roles play no part.
//!
//! *Oversight* — the list of organisations with a missing or stale contact — is the hub's and
//! the overseeing ministry's ([`decide_contact_oversight`]): the same routes, restricted to
//! those two.

use crate::decision::{Decision, Reason};
use crate::scope::Viewer;
use crate::visible::Visible;
use kakehashi_domain::{Employment, OrgId, OrgKind, Organisation, SectorId};

/// A way an organisation's contacts are opened to another organisation's member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ContactRoute {
    Own,
    Hub,
    OverseeingMinistry,
    MembersCeptoar,
    CeptoarsMember,
    CrisisManagement,
}

impl ContactRoute {
    const ALL: [ContactRoute; 6] = [
        ContactRoute::Own,
        ContactRoute::Hub,
        ContactRoute::OverseeingMinistry,
        ContactRoute::MembersCeptoar,
        ContactRoute::CeptoarsMember,
        ContactRoute::CrisisManagement,
    ];

    fn reason(self) -> Reason {
        match self {
            ContactRoute::Own => Reason::OwnOrganisation,
            ContactRoute::Hub => Reason::Hub,
            ContactRoute::OverseeingMinistry
            | ContactRoute::MembersCeptoar
            | ContactRoute::CeptoarsMember => Reason::ConcernedSector,
            ContactRoute::CrisisManagement => Reason::CrisisManagementException,
        }
    }

    /// Whether the route also shows who lacks contacts (oversight).
    fn oversees(self) -> bool {
        match self {
            ContactRoute::Hub | ContactRoute::OverseeingMinistry => true,
            ContactRoute::Own
            | ContactRoute::MembersCeptoar
            | ContactRoute::CeptoarsMember
            | ContactRoute::CrisisManagement => false,
        }
    }

    /// Whether the viewer's organisation stands on this route to `owner`.
    fn reaches(self, viewer: &Viewer, owner: &Organisation) -> bool {
        let shares = || owner.sectors.iter().any(|s| viewer.org_sectors.contains(s));
        match self {
            ContactRoute::Own => viewer.org == owner.id,
            ContactRoute::Hub => viewer.org_kind == OrgKind::Nisc,
            ContactRoute::OverseeingMinistry => viewer.org_kind == OrgKind::CiMinistry && shares(),
            ContactRoute::MembersCeptoar => {
                viewer.org_kind == OrgKind::Ceptoar
                    && owner.kind == OrgKind::Operator
                    && owner.ceptoars.contains(&viewer.org)
            }
            ContactRoute::CeptoarsMember => {
                owner.kind == OrgKind::Ceptoar
                    && viewer.org_kind == OrgKind::Operator
                    && member_of(viewer, &owner.id)
            }
            ContactRoute::CrisisManagement => {
                viewer.org_kind == OrgKind::CrisisManagement
                    && owner
                        .sectors
                        .iter()
                        .any(|s| viewer.large_scale_sectors.contains(s))
            }
        }
    }

    /// Whether the viewer passes the route's gates (employment and need-to-know).
    fn admits(self, viewer: &Viewer, owner: &Organisation) -> Result<(), Reason> {
        if self == ContactRoute::Own {
            return Ok(());
        }
        if viewer.employment != Employment::Staff {
            return Err(Reason::DeniedEmployment);
        }
        let through: Vec<&SectorId> = match self {
            ContactRoute::Own | ContactRoute::Hub => return Ok(()),
            ContactRoute::OverseeingMinistry
            | ContactRoute::MembersCeptoar
            | ContactRoute::CeptoarsMember => owner
                .sectors
                .iter()
                .filter(|s| viewer.org_sectors.contains(s))
                .collect(),
            ContactRoute::CrisisManagement => owner
                .sectors
                .iter()
                .filter(|s| viewer.large_scale_sectors.contains(s))
                .collect(),
        };
        if through.iter().any(|s| viewer.need_to_know.covers(s)) {
            Ok(())
        } else {
            Err(Reason::DeniedNeedToKnow)
        }
    }
}

/// The viewer's organisation is a member of `ceptoar` ([`Viewer::member_of`]).
fn member_of(viewer: &Viewer, ceptoar: &OrgId) -> bool {
    viewer.member_of.contains(ceptoar)
}

fn decide_with(viewer: &Viewer, owner: &Organisation, oversight: bool) -> Decision {
    let mut first_refusal = None;
    for route in ContactRoute::ALL {
        if oversight && !route.oversees() {
            continue;
        }
        if !route.reaches(viewer, owner) {
            continue;
        }
        match route.admits(viewer, owner) {
            Ok(()) => return Decision::allow(route.reason()),
            Err(r) => {
                first_refusal.get_or_insert(r);
            }
        }
    }
    Decision::deny(first_refusal.unwrap_or(Reason::DeniedOutsideScope))
}

/// The organisation whose contacts are asked for.
pub type ContactOwner = Organisation;

/// 連絡先の閲覧可否 — may `viewer` read the points of contact of `owner`? See the module
/// documentation for the routes. Denials report the first failing gate of a route that reached
/// the viewer, else [`Reason::DeniedOutsideScope`].
pub fn decide_contacts(viewer: &Viewer, owner: &ContactOwner) -> Decision {
    decide_with(viewer, owner, false)
}

/// 連絡先の整備状況 — may `viewer` see whether `owner` keeps its required contacts (and, with
/// them, read the contacts)? NISC's staff for every organisation; a CI ministry's staff for the
/// organisations of the sectors it oversees and needs to know.
pub fn decide_contact_oversight(viewer: &Viewer, owner: &ContactOwner) -> Decision {
    decide_with(viewer, owner, true)
}

/// As [`decide_contacts`], wrapping the contacts in [`Visible`].
pub fn reveal_contacts<T>(
    viewer: &Viewer,
    owner: &ContactOwner,
    value: T,
) -> Result<Visible<T>, crate::Denied> {
    crate::visible::wrap(decide_contacts(viewer, owner), value)
}

/// 連絡確認の閲覧可否 — may `viewer` read a contact check sent by `sender` to `targets`? Its
/// sending organisation reads all of it ([`Reason::OwnOrganisation`]); a target organisation
/// reads the check and its own answer ([`Reason::NamedOrganisation`]; what else it sees is the
/// caller's to cut to its own row); nobody else. Employment plays no part: a check carries no
/// contact details, and every member of a target organisation may answer it.
pub fn decide_contact_check(viewer: &Viewer, sender: &OrgId, targets: &[OrgId]) -> Decision {
    if viewer.org == *sender {
        Decision::allow(Reason::OwnOrganisation)
    } else if targets.contains(&viewer.org) {
        Decision::allow(Reason::NamedOrganisation)
    } else {
        Decision::deny(Reason::DeniedOutsideScope)
    }
}

/// Wraps a contact check's view in [`Visible`] under the [`decide_contact_check`] decision
/// that admitted it (a denial is returned as [`crate::Denied`]).
pub fn reveal_check<T>(
    viewer: &Viewer,
    sender: &OrgId,
    targets: &[OrgId],
    value: T,
) -> Result<Visible<T>, crate::Denied> {
    crate::visible::wrap(decide_contact_check(viewer, sender, targets), value)
}
