//! 組織内部の記録 — an organisation's own internal records (its risk register, its continuity
//! plans): not TLP items and nobody's report, so no route opens them to anyone outside.
//!
//! | Viewer | Decision |
//! |---|---|
//! | the owner's staff | allowed ([`Reason::OwnOrganisation`]) |
//! | the owner's contractor under NDA | allowed ([`Reason::OwnOrganisation`]): the handbook expects contractors to take part in risk management, under the NDA the organisation holds |
//! | anyone of another organisation (NISC, its ministry, its CEPTOAR included) | refused ([`Reason::DeniedOutsideScope`]) |
//!
//! Roles play no part in reading; changing the records needs a role on top (the caller's).
//! Nothing here shares them outward: a future share would be its own route in this table.

use crate::decision::{Decision, Reason};
use crate::scope::Viewer;
use crate::visible::Visible;
use kakehashi_domain::{Employment, OrgId};

/// May `viewer` read the internal records of `owner`?
pub fn decide_org_internal(viewer: &Viewer, owner: &OrgId) -> Decision {
    match (viewer.org == *owner, viewer.employment) {
        (true, Employment::Staff | Employment::NdaContractor) => {
            Decision::allow(Reason::OwnOrganisation)
        }
        (false, Employment::Staff | Employment::NdaContractor) => {
            Decision::deny(Reason::DeniedOutsideScope)
        }
    }
}

/// As [`decide_org_internal`], wrapping the value in [`Visible`].
pub fn reveal_org_internal<T>(
    viewer: &Viewer,
    owner: &OrgId,
    value: T,
) -> Result<Visible<T>, crate::Denied> {
    crate::visible::wrap(decide_org_internal(viewer, owner), value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kakehashi_domain::{NeedToKnow, OrgKind, PersonId};

    fn viewer(org: &str, kind: OrgKind, employment: Employment) -> Viewer {
        Viewer {
            person: PersonId("p".into()),
            org: OrgId(org.into()),
            org_kind: kind,
            org_sectors: vec![],
            employment,
            need_to_know: NeedToKnow::All,
            large_scale_sectors: vec![],
            member_of: vec![],
        }
    }

    #[test]
    fn only_the_owners_people_read() {
        let owner = OrgId("op".into());
        for e in [Employment::Staff, Employment::NdaContractor] {
            let d = decide_org_internal(&viewer("op", OrgKind::Operator, e), &owner);
            assert!(d.allowed);
            assert_eq!(d.reason, Reason::OwnOrganisation);
            for (org, kind) in [
                ("nisc", OrgKind::Nisc),
                ("meti", OrgKind::CiMinistry),
                ("cep", OrgKind::Ceptoar),
                ("op2", OrgKind::Operator),
            ] {
                let d = decide_org_internal(&viewer(org, kind, e), &owner);
                assert!(!d.allowed, "{org}");
                assert_eq!(d.reason, Reason::DeniedOutsideScope);
            }
        }
        assert!(reveal_org_internal(
            &viewer("op", OrgKind::Operator, Employment::Staff),
            &owner,
            1
        )
        .is_ok());
        assert!(reveal_org_internal(
            &viewer("x", OrgKind::Operator, Employment::Staff),
            &owner,
            1
        )
        .is_err());
    }
}
