//! (a) The decision table: every TLP level × every organisation kind × every employment, in each
//! of 16 situations, with the expected answer written out per row.
//!
//! Each row's pattern has 16 letters (`A` allow, `D` deny) in four groups of four:
//!
//! ```text
//!   held_by_nisc = false            held_by_nisc = true
//!   named     | not named           named     | not named
//!   ADAD        DDDD                ADAD        DDDD
//!   ││││
//!   │││└ viewer's organisation outside the item's sector, no need-to-know for it
//!   ││└─ viewer's organisation outside the item's sector, need-to-know for it
//!   │└── viewer's organisation in the item's sector, no need-to-know for it
//!   └─── viewer's organisation in the item's sector, need-to-know for it
//! ```
//!
//! The table is normal times. In a large-scale outage declared for the item's sector only the
//! crisis-management rows change (their held-by-NISC, not-named cells open as ※１ lets them);
//! declared for another sector, nothing changes. `large_scale_mode_table` checks both.
//!
//! "Named" is checked three times: the viewer's organisation as sender, as addressee and as
//! added recipient. Every cell also checks that the audience index agrees with `decide`.

mod common;

use common::{allowed, org, sector, viewer};
use kakehashi_domain::{Employment, NeedToKnow, OrgKind, SectorId, Tlp};
use kakehashi_policy::ItemScope;

const ITEM_SECTOR: &str = "electric_power";
const OTHER_SECTOR: &str = "gas";
const VIEWER_ORG: &str = "viewer-org";

#[derive(Clone, Copy, Debug)]
enum Named {
    Sender,
    Addressee,
    AddedRecipient,
    No,
}

macro_rules! table {
    ($( $tlp:ident, $kind:ident, $emp:ident => $pattern:literal; )*) => {
        const TABLE: &[(Tlp, OrgKind, Employment, &str)] = &[
            $( (Tlp::$tlp, OrgKind::$kind, Employment::$emp, $pattern), )*
        ];
    };
}

table! {
    // Red
    Red,         Nisc,                       Staff         => "ADAD DDDD ADAD DDDD";
    Red,         Nisc,                       NdaContractor => "DDDD DDDD DDDD DDDD";
    Red,         CrisisManagement,           Staff         => "ADAD DDDD ADAD DDDD";
    Red,         CrisisManagement,           NdaContractor => "DDDD DDDD DDDD DDDD";
    Red,         CiMinistry,                 Staff         => "ADAD DDDD ADAD DDDD";
    Red,         CiMinistry,                 NdaContractor => "DDDD DDDD DDDD DDDD";
    Red,         CybersecurityMinistry,      Staff         => "ADAD DDDD ADAD DDDD";
    Red,         CybersecurityMinistry,      NdaContractor => "DDDD DDDD DDDD DDDD";
    Red,         IncidentResponseMinistry,   Staff         => "ADAD DDDD ADAD DDDD";
    Red,         IncidentResponseMinistry,   NdaContractor => "DDDD DDDD DDDD DDDD";
    Red,         DisasterManagementMinistry, Staff         => "ADAD DDDD ADAD DDDD";
    Red,         DisasterManagementMinistry, NdaContractor => "DDDD DDDD DDDD DDDD";
    Red,         CybersecurityAgency,        Staff         => "ADAD DDDD ADAD DDDD";
    Red,         CybersecurityAgency,        NdaContractor => "DDDD DDDD DDDD DDDD";
    Red,         CyberspaceBusiness,         Staff         => "ADAD DDDD ADAD DDDD";
    Red,         CyberspaceBusiness,         NdaContractor => "DDDD DDDD DDDD DDDD";
    Red,         Ceptoar,                    Staff         => "ADAD DDDD ADAD DDDD";
    Red,         Ceptoar,                    NdaContractor => "DDDD DDDD DDDD DDDD";
    Red,         CeptoarCouncil,             Staff         => "ADAD DDDD ADAD DDDD";
    Red,         CeptoarCouncil,             NdaContractor => "DDDD DDDD DDDD DDDD";
    Red,         Operator,                   Staff         => "ADAD DDDD ADAD DDDD";
    Red,         Operator,                   NdaContractor => "DDDD DDDD DDDD DDDD";
    // AmberStrict
    AmberStrict, Nisc,                       Staff         => "ADAD ADAD ADAD ADAD";
    AmberStrict, Nisc,                       NdaContractor => "DDDD DDDD DDDD DDDD";
    AmberStrict, CrisisManagement,           Staff         => "ADAD DDDD ADAD DDDD";
    AmberStrict, CrisisManagement,           NdaContractor => "DDDD DDDD DDDD DDDD";
    AmberStrict, CiMinistry,                 Staff         => "ADAD ADDD ADAD ADDD";
    AmberStrict, CiMinistry,                 NdaContractor => "DDDD DDDD DDDD DDDD";
    AmberStrict, CybersecurityMinistry,      Staff         => "ADAD DDDD ADAD DDDD";
    AmberStrict, CybersecurityMinistry,      NdaContractor => "DDDD DDDD DDDD DDDD";
    AmberStrict, IncidentResponseMinistry,   Staff         => "ADAD DDDD ADAD DDDD";
    AmberStrict, IncidentResponseMinistry,   NdaContractor => "DDDD DDDD DDDD DDDD";
    AmberStrict, DisasterManagementMinistry, Staff         => "ADAD DDDD ADAD DDDD";
    AmberStrict, DisasterManagementMinistry, NdaContractor => "DDDD DDDD DDDD DDDD";
    AmberStrict, CybersecurityAgency,        Staff         => "ADAD DDDD ADAD DDDD";
    AmberStrict, CybersecurityAgency,        NdaContractor => "DDDD DDDD DDDD DDDD";
    AmberStrict, CyberspaceBusiness,         Staff         => "ADAD DDDD ADAD DDDD";
    AmberStrict, CyberspaceBusiness,         NdaContractor => "DDDD DDDD DDDD DDDD";
    AmberStrict, Ceptoar,                    Staff         => "ADAD ADDD ADAD ADDD";
    AmberStrict, Ceptoar,                    NdaContractor => "DDDD DDDD DDDD DDDD";
    AmberStrict, CeptoarCouncil,             Staff         => "ADAD DDDD ADAD DDDD";
    AmberStrict, CeptoarCouncil,             NdaContractor => "DDDD DDDD DDDD DDDD";
    AmberStrict, Operator,                   Staff         => "ADAD ADDD ADAD ADDD";
    AmberStrict, Operator,                   NdaContractor => "DDDD DDDD DDDD DDDD";
    // Amber
    Amber,       Nisc,                       Staff         => "ADAD ADAD ADAD ADAD";
    Amber,       Nisc,                       NdaContractor => "ADAD ADAD ADAD ADAD";
    Amber,       CrisisManagement,           Staff         => "ADAD DDDD ADAD DDDD";
    Amber,       CrisisManagement,           NdaContractor => "ADAD DDDD ADAD DDDD";
    Amber,       CiMinistry,                 Staff         => "ADAD ADDD ADAD ADDD";
    Amber,       CiMinistry,                 NdaContractor => "ADAD ADDD ADAD ADDD";
    Amber,       CybersecurityMinistry,      Staff         => "ADAD DDDD ADAD DDDD";
    Amber,       CybersecurityMinistry,      NdaContractor => "ADAD DDDD ADAD DDDD";
    Amber,       IncidentResponseMinistry,   Staff         => "ADAD DDDD ADAD DDDD";
    Amber,       IncidentResponseMinistry,   NdaContractor => "ADAD DDDD ADAD DDDD";
    Amber,       DisasterManagementMinistry, Staff         => "ADAD DDDD ADAD DDDD";
    Amber,       DisasterManagementMinistry, NdaContractor => "ADAD DDDD ADAD DDDD";
    Amber,       CybersecurityAgency,        Staff         => "ADAD DDDD ADAD DDDD";
    Amber,       CybersecurityAgency,        NdaContractor => "ADAD DDDD ADAD DDDD";
    Amber,       CyberspaceBusiness,         Staff         => "ADAD DDDD ADAD DDDD";
    Amber,       CyberspaceBusiness,         NdaContractor => "ADAD DDDD ADAD DDDD";
    Amber,       Ceptoar,                    Staff         => "ADAD ADDD ADAD ADDD";
    Amber,       Ceptoar,                    NdaContractor => "ADAD ADDD ADAD ADDD";
    Amber,       CeptoarCouncil,             Staff         => "ADAD DDDD ADAD DDDD";
    Amber,       CeptoarCouncil,             NdaContractor => "ADAD DDDD ADAD DDDD";
    Amber,       Operator,                   Staff         => "ADAD ADDD ADAD ADDD";
    Amber,       Operator,                   NdaContractor => "ADAD ADDD ADAD ADDD";
    // Green
    Green,       Nisc,                       Staff         => "AAAA AAAA AAAA AAAA";
    Green,       Nisc,                       NdaContractor => "AAAA AAAA AAAA AAAA";
    Green,       CrisisManagement,           Staff         => "AAAA AAAA AAAA AAAA";
    Green,       CrisisManagement,           NdaContractor => "AAAA AAAA AAAA AAAA";
    Green,       CiMinistry,                 Staff         => "AAAA AAAA AAAA AAAA";
    Green,       CiMinistry,                 NdaContractor => "AAAA AAAA AAAA AAAA";
    Green,       CybersecurityMinistry,      Staff         => "AAAA AAAA AAAA AAAA";
    Green,       CybersecurityMinistry,      NdaContractor => "AAAA AAAA AAAA AAAA";
    Green,       IncidentResponseMinistry,   Staff         => "AAAA AAAA AAAA AAAA";
    Green,       IncidentResponseMinistry,   NdaContractor => "AAAA AAAA AAAA AAAA";
    Green,       DisasterManagementMinistry, Staff         => "AAAA AAAA AAAA AAAA";
    Green,       DisasterManagementMinistry, NdaContractor => "AAAA AAAA AAAA AAAA";
    Green,       CybersecurityAgency,        Staff         => "AAAA AAAA AAAA AAAA";
    Green,       CybersecurityAgency,        NdaContractor => "AAAA AAAA AAAA AAAA";
    Green,       CyberspaceBusiness,         Staff         => "AAAA AAAA AAAA AAAA";
    Green,       CyberspaceBusiness,         NdaContractor => "AAAA AAAA AAAA AAAA";
    Green,       Ceptoar,                    Staff         => "AAAA AAAA AAAA AAAA";
    Green,       Ceptoar,                    NdaContractor => "AAAA AAAA AAAA AAAA";
    Green,       CeptoarCouncil,             Staff         => "AAAA AAAA AAAA AAAA";
    Green,       CeptoarCouncil,             NdaContractor => "AAAA AAAA AAAA AAAA";
    Green,       Operator,                   Staff         => "AAAA AAAA AAAA AAAA";
    Green,       Operator,                   NdaContractor => "AAAA AAAA AAAA AAAA";
    // Clear
    Clear,       Nisc,                       Staff         => "AAAA AAAA AAAA AAAA";
    Clear,       Nisc,                       NdaContractor => "AAAA AAAA AAAA AAAA";
    Clear,       CrisisManagement,           Staff         => "AAAA AAAA AAAA AAAA";
    Clear,       CrisisManagement,           NdaContractor => "AAAA AAAA AAAA AAAA";
    Clear,       CiMinistry,                 Staff         => "AAAA AAAA AAAA AAAA";
    Clear,       CiMinistry,                 NdaContractor => "AAAA AAAA AAAA AAAA";
    Clear,       CybersecurityMinistry,      Staff         => "AAAA AAAA AAAA AAAA";
    Clear,       CybersecurityMinistry,      NdaContractor => "AAAA AAAA AAAA AAAA";
    Clear,       IncidentResponseMinistry,   Staff         => "AAAA AAAA AAAA AAAA";
    Clear,       IncidentResponseMinistry,   NdaContractor => "AAAA AAAA AAAA AAAA";
    Clear,       DisasterManagementMinistry, Staff         => "AAAA AAAA AAAA AAAA";
    Clear,       DisasterManagementMinistry, NdaContractor => "AAAA AAAA AAAA AAAA";
    Clear,       CybersecurityAgency,        Staff         => "AAAA AAAA AAAA AAAA";
    Clear,       CybersecurityAgency,        NdaContractor => "AAAA AAAA AAAA AAAA";
    Clear,       CyberspaceBusiness,         Staff         => "AAAA AAAA AAAA AAAA";
    Clear,       CyberspaceBusiness,         NdaContractor => "AAAA AAAA AAAA AAAA";
    Clear,       Ceptoar,                    Staff         => "AAAA AAAA AAAA AAAA";
    Clear,       Ceptoar,                    NdaContractor => "AAAA AAAA AAAA AAAA";
    Clear,       CeptoarCouncil,             Staff         => "AAAA AAAA AAAA AAAA";
    Clear,       CeptoarCouncil,             NdaContractor => "AAAA AAAA AAAA AAAA";
    Clear,       Operator,                   Staff         => "AAAA AAAA AAAA AAAA";
    Clear,       Operator,                   NdaContractor => "AAAA AAAA AAAA AAAA";
}

fn scope(tlp: Tlp, held_by_nisc: bool, named: Named) -> ItemScope {
    let mut sender = org("sender-org");
    let mut addressees = vec![org("addressee-org")];
    let mut added_recipients = vec![org("added-org")];
    match named {
        Named::Sender => sender = org(VIEWER_ORG),
        Named::Addressee => addressees.push(org(VIEWER_ORG)),
        Named::AddedRecipient => added_recipients.push(org(VIEWER_ORG)),
        Named::No => {}
    }
    ItemScope {
        tlp,
        sectors: vec![sector(ITEM_SECTOR)],
        sender_org: sender,
        addressees,
        added_recipients,
        held_by_nisc,
    }
}

#[test]
fn table_covers_every_level_kind_and_employment_once() {
    for tlp in Tlp::ALL {
        for kind in OrgKind::ALL {
            for emp in [Employment::Staff, Employment::NdaContractor] {
                let n = TABLE
                    .iter()
                    .filter(|(t, k, e, _)| (*t, *k, *e) == (tlp, kind, emp))
                    .count();
                assert_eq!(n, 1, "{tlp:?} {kind:?} {emp:?} appears {n} times");
            }
        }
    }
    assert_eq!(TABLE.len(), Tlp::ALL.len() * OrgKind::ALL.len() * 2);
}

#[test]
fn decision_table() {
    let all: Vec<SectorId> = vec![sector(ITEM_SECTOR), sector(OTHER_SECTOR)];
    let mut failures = Vec::new();
    for &(tlp, kind, emp, pattern) in TABLE {
        let expected: Vec<bool> = pattern
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                'A' => true,
                'D' => false,
                other => panic!("bad cell {other:?} in {pattern}"),
            })
            .collect();
        assert_eq!(expected.len(), 16, "row {tlp:?} {kind:?} {emp:?}");
        let mut cell = 0;
        for held in [false, true] {
            for is_named in [true, false] {
                for in_sector in [true, false] {
                    for has_ntk in [true, false] {
                        let v = viewer(
                            VIEWER_ORG,
                            kind,
                            &[if in_sector { ITEM_SECTOR } else { OTHER_SECTOR }],
                            emp,
                            NeedToKnow::Sectors(vec![sector(if has_ntk {
                                ITEM_SECTOR
                            } else {
                                OTHER_SECTOR
                            })]),
                        );
                        let namings: &[Named] = if is_named {
                            &[Named::Sender, Named::Addressee, Named::AddedRecipient]
                        } else {
                            &[Named::No]
                        };
                        for &named in namings {
                            let got = allowed(&v, &scope(tlp, held, named), &all);
                            if got != expected[cell] {
                                failures.push(format!(
                                    "{tlp:?} {kind:?} {emp:?} held_by_nisc={held} named={named:?} \
                                     in_sector={in_sector} need_to_know={has_ntk}: \
                                     expected {}, got {}",
                                    expected[cell], got
                                ));
                            }
                        }
                        cell += 1;
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// In a declared large-scale outage the crisis-management office reads what NISC holds without
/// a share; every other cell of the table is unchanged.
#[test]
fn large_scale_mode_table() {
    let all: Vec<SectorId> = vec![sector(ITEM_SECTOR), sector(OTHER_SECTOR)];
    let mut opened = 0;
    for &(tlp, kind, emp, _) in TABLE {
        for held in [false, true] {
            for named in [
                Named::Sender,
                Named::Addressee,
                Named::AddedRecipient,
                Named::No,
            ] {
                for in_sector in [true, false] {
                    for has_ntk in [true, false] {
                        let v = viewer(
                            VIEWER_ORG,
                            kind,
                            &[if in_sector { ITEM_SECTOR } else { OTHER_SECTOR }],
                            emp,
                            NeedToKnow::Sectors(vec![sector(if has_ntk {
                                ITEM_SECTOR
                            } else {
                                OTHER_SECTOR
                            })]),
                        );
                        let item = scope(tlp, held, named);
                        let normal = allowed(&v, &item, &all);
                        let large = allowed(
                            &v.clone().in_large_scale_mode(vec![sector(ITEM_SECTOR)]),
                            &item,
                            &all,
                        );
                        // Declared for another sector only: nothing of this item opens.
                        let elsewhere = allowed(
                            &v.clone().in_large_scale_mode(vec![sector(OTHER_SECTOR)]),
                            &item,
                            &all,
                        );
                        assert_eq!(
                            elsewhere, normal,
                            "{tlp:?} {kind:?} {emp:?} declared elsewhere"
                        );
                        let expected = normal
                            || (kind == OrgKind::CrisisManagement
                                && held
                                && has_ntk
                                && matches!(tlp, Tlp::Red | Tlp::AmberStrict | Tlp::Amber)
                                && (emp == Employment::Staff || tlp == Tlp::Amber));
                        assert_eq!(
                            large, expected,
                            "{tlp:?} {kind:?} {emp:?} held={held} named={named:?} \
                             in_sector={in_sector} ntk={has_ntk}"
                        );
                        opened += usize::from(large && !normal);
                    }
                }
            }
        }
    }
    assert!(
        opened > 0,
        "the mode opened nothing: the test proves nothing"
    );
}
