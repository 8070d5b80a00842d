//! (d) NISC's internal working material (provision drafts, sanitisation findings, sources,
//! resolutions): every organisation kind × every employment × every need-to-know shape, with
//! the expected answer written out per row.

mod common;

use common::{ntk, viewer};
use kakehashi_domain::{Employment, NeedToKnow, OrgKind};
use kakehashi_policy::{decide_hub_internal, reveal_hub_internal, Reason};

/// (kind, employment) → expected reason. Every pair appears exactly once.
const TABLE: &[(OrgKind, Employment, Reason)] = {
    use Employment::{NdaContractor as Nda, Staff};
    use OrgKind::*;
    use Reason::{DeniedEmployment, DeniedOutsideScope as Out, HubStaff};
    &[
        (Nisc, Staff, HubStaff),
        (Nisc, Nda, DeniedEmployment),
        (CrisisManagement, Staff, Out),
        (CrisisManagement, Nda, Out),
        (CiMinistry, Staff, Out),
        (CiMinistry, Nda, Out),
        (CybersecurityMinistry, Staff, Out),
        (CybersecurityMinistry, Nda, Out),
        (IncidentResponseMinistry, Staff, Out),
        (IncidentResponseMinistry, Nda, Out),
        (DisasterManagementMinistry, Staff, Out),
        (DisasterManagementMinistry, Nda, Out),
        (CybersecurityAgency, Staff, Out),
        (CybersecurityAgency, Nda, Out),
        (CyberspaceBusiness, Staff, Out),
        (CyberspaceBusiness, Nda, Out),
        (Ceptoar, Staff, Out),
        (Ceptoar, Nda, Out),
        (CeptoarCouncil, Staff, Out),
        (CeptoarCouncil, Nda, Out),
        (Operator, Staff, Out),
        (Operator, Nda, Out),
    ]
};

const EMPLOYMENTS: [Employment; 2] = [Employment::Staff, Employment::NdaContractor];

#[test]
fn table_covers_every_kind_and_employment_once() {
    for kind in OrgKind::ALL {
        for emp in EMPLOYMENTS {
            let rows = TABLE
                .iter()
                .filter(|(k, e, _)| *k == kind && *e == emp)
                .count();
            assert_eq!(rows, 1, "{kind:?} × {emp:?}");
        }
    }
    assert_eq!(TABLE.len(), OrgKind::ALL.len() * EMPLOYMENTS.len());
}

#[test]
fn only_nisc_staff_read_internal_material_whatever_their_need_to_know() {
    let shapes = [
        NeedToKnow::All,
        ntk(&["electric_power"]),
        ntk(&["electric_power", "gas"]),
        NeedToKnow::Sectors(vec![]),
    ];
    let mut allowed = 0;
    let mut denied = 0;
    for &(kind, emp, want) in TABLE {
        for n in &shapes {
            for org_sectors in [&[][..], &["electric_power"][..]] {
                let v = viewer("some-org", kind, org_sectors, emp, n.clone());
                let d = decide_hub_internal(&v);
                assert_eq!(d.reason, want, "{v:?}");
                assert_eq!(d.allowed, want.is_allow(), "{v:?}");
                assert_eq!(
                    d.allowed,
                    kind == OrgKind::Nisc && emp == Employment::Staff,
                    "{v:?}"
                );
                if d.allowed {
                    allowed += 1;
                } else {
                    denied += 1;
                }
            }
        }
    }
    // The table exercised both answers (a table of denials only would pass vacuously).
    assert!(
        allowed > 0 && denied > 0,
        "{allowed} allowed, {denied} denied"
    );
}

#[test]
fn reveal_hub_internal_wraps_for_staff_and_drops_for_others() {
    let staff = viewer(
        "nisc",
        OrgKind::Nisc,
        &[],
        Employment::Staff,
        NeedToKnow::Sectors(vec![]),
    );
    let shown = reveal_hub_internal(&staff, "findings").expect("NISC staff");
    assert_eq!(*shown.get(), "findings");
    assert_eq!(shown.decision().reason, Reason::HubStaff);

    let contractor = viewer(
        "nisc",
        OrgKind::Nisc,
        &[],
        Employment::NdaContractor,
        NeedToKnow::All,
    );
    let denied = reveal_hub_internal(&contractor, "findings").expect_err("contractor");
    assert_eq!(denied.reason(), Reason::DeniedEmployment);

    let ministry = viewer(
        "meti",
        OrgKind::CiMinistry,
        &["electric_power"],
        Employment::Staff,
        NeedToKnow::All,
    );
    let denied = reveal_hub_internal(&ministry, "findings").expect_err("ministry");
    assert_eq!(denied.reason(), Reason::DeniedOutsideScope);
}
