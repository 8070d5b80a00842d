//! (c) Specific cases named by the handbook's definitions, and the crate's guarantees.

mod common;

use common::{allowed, item, ntk, org, sector, viewer};
use kakehashi_domain::{
    Employment, NeedToKnow, OrgKind, Organisation, Person, PersonId, Role, SectorId, Tlp,
};
use kakehashi_policy::{
    audience, decide, reveal, viewer_keys, AudienceKey, ItemScope, Reason, Viewer, ViewerError,
};
use std::collections::BTreeSet;

use Employment::{NdaContractor, Staff};

const ELEC: &str = "electric_power";
const GAS: &str = "gas";

fn all() -> Vec<SectorId> {
    vec![sector(ELEC), sector(GAS), sector("water")]
}

/// A liaison from METI (electricity) to NISC, as most liaisons are.
fn liaison(tlp: Tlp) -> ItemScope {
    ItemScope {
        held_by_nisc: true,
        ..item(tlp, &[ELEC], "meti", &["nisc"])
    }
}

fn operator(org_id: &str, sectors: &[&str], emp: Employment) -> Viewer {
    viewer(org_id, OrgKind::Operator, sectors, emp, ntk(sectors))
}

#[test]
fn nda_contractor_reads_amber_but_not_amber_strict() {
    let contractor = operator("tepco", &[ELEC], NdaContractor);
    let staff = operator("tepco", &[ELEC], Staff);
    assert!(allowed(&contractor, &liaison(Tlp::Amber), &all()));
    assert_eq!(
        decide(&contractor, &liaison(Tlp::Amber)).reason,
        Reason::ConcernedSector
    );
    assert!(!allowed(&contractor, &liaison(Tlp::AmberStrict), &all()));
    assert_eq!(
        decide(&contractor, &liaison(Tlp::AmberStrict)).reason,
        Reason::DeniedEmployment
    );
    assert!(allowed(&staff, &liaison(Tlp::AmberStrict), &all()));
    // Even a contractor of a named organisation does not read RED.
    let meti_contractor = viewer(
        "meti",
        OrgKind::CiMinistry,
        &[ELEC],
        NdaContractor,
        ntk(&[ELEC]),
    );
    assert!(!allowed(&meti_contractor, &liaison(Tlp::Red), &all()));
}

#[test]
fn ministry_not_overseeing_the_sector_cannot_read_amber() {
    let mhlw = viewer(
        "mhlw",
        OrgKind::CiMinistry,
        &["water"],
        Staff,
        NeedToKnow::All,
    );
    for tlp in [Tlp::Amber, Tlp::AmberStrict, Tlp::Red] {
        assert!(!allowed(&mhlw, &liaison(tlp), &all()), "{tlp:?}");
        assert_eq!(
            decide(&mhlw, &liaison(tlp)).reason,
            Reason::DeniedOutsideScope
        );
    }
    // The overseeing ministry of the sector reads it without being named.
    let meti_other_bureau = viewer("meti-2", OrgKind::CiMinistry, &[ELEC], Staff, ntk(&[ELEC]));
    assert!(allowed(&meti_other_bureau, &liaison(Tlp::Amber), &all()));
    assert!(allowed(&mhlw, &liaison(Tlp::Green), &all()));
}

#[test]
fn operator_of_another_sector_cannot_read_amber() {
    let tokyo_gas = operator("tokyo-gas", &[GAS], Staff);
    assert!(!allowed(&tokyo_gas, &liaison(Tlp::Amber), &all()));
    assert_eq!(
        decide(&tokyo_gas, &liaison(Tlp::Amber)).reason,
        Reason::DeniedOutsideScope
    );
    // Need-to-know for electricity does not make a gas operator part of the electricity sector.
    let curious = viewer(
        "tokyo-gas",
        OrgKind::Operator,
        &[GAS],
        Staff,
        NeedToKnow::All,
    );
    assert!(!allowed(&curious, &liaison(Tlp::Amber), &all()));
}

#[test]
fn operator_in_the_sector_without_need_to_know_cannot_read_amber() {
    let v = viewer("tepco", OrgKind::Operator, &[ELEC], Staff, ntk(&[]));
    assert!(!allowed(&v, &liaison(Tlp::Amber), &all()));
    assert_eq!(
        decide(&v, &liaison(Tlp::Amber)).reason,
        Reason::DeniedNeedToKnow
    );
}

#[test]
fn any_operator_reads_green() {
    for emp in [Staff, NdaContractor] {
        let v = viewer("someone", OrgKind::Operator, &[GAS], emp, ntk(&[]));
        assert!(allowed(&v, &liaison(Tlp::Green), &all()));
        assert_eq!(decide(&v, &liaison(Tlp::Green)).reason, Reason::Stakeholder);
    }
}

#[test]
fn every_kind_reads_green_and_clear() {
    for kind in OrgKind::ALL {
        let v = viewer("x", kind, &[], NdaContractor, ntk(&[]));
        assert!(allowed(&v, &liaison(Tlp::Green), &all()), "{kind:?}");
        assert!(allowed(&v, &liaison(Tlp::Clear), &all()), "{kind:?}");
        assert_eq!(decide(&v, &liaison(Tlp::Clear)).reason, Reason::Public);
    }
}

#[test]
fn crisis_management_reads_only_what_nisc_shares_in_normal_times() {
    let cm = viewer(
        "cas-cm",
        OrgKind::CrisisManagement,
        &[],
        Staff,
        NeedToKnow::All,
    );
    // NISC holds it, but in normal times ※１ needs an act of NISC (a share naming the office).
    let held = liaison(Tlp::Red);
    assert!(!allowed(&cm, &held, &all()));
    assert_eq!(decide(&cm, &held).reason, Reason::DeniedOutsideScope);
    let shared = ItemScope {
        addressees: vec![org("cas-cm")],
        sender_org: org("nisc"),
        ..held.clone()
    };
    assert!(allowed(&cm, &shared, &all()));
    assert_eq!(decide(&cm, &shared).reason, Reason::NamedOrganisation);
}

#[test]
fn crisis_management_reads_what_nisc_holds_in_large_scale_mode() {
    let cm = viewer(
        "cas-cm",
        OrgKind::CrisisManagement,
        &[],
        Staff,
        NeedToKnow::All,
    )
    .in_large_scale_mode(vec![sector(ELEC)]);
    let held = liaison(Tlp::Red);
    assert!(allowed(&cm, &held, &all()));
    assert_eq!(decide(&cm, &held).reason, Reason::CrisisManagementException);

    // A provision between a ministry and a CEPTOAR, NISC neither sender nor addressee.
    let not_held = item(Tlp::Red, &[ELEC], "meti", &["denki-ceptoar"]);
    assert!(!allowed(&cm, &not_held, &all()));
    assert_eq!(decide(&cm, &not_held).reason, Reason::DeniedOutsideScope);
    for tlp in [Tlp::AmberStrict, Tlp::Amber] {
        let not_held = ItemScope {
            tlp,
            ..not_held.clone()
        };
        assert!(!allowed(&cm, &not_held, &all()), "{tlp:?}");
    }

    // The exception still needs staff and need-to-know.
    let cm_contractor = viewer(
        "cas-cm",
        OrgKind::CrisisManagement,
        &[],
        NdaContractor,
        NeedToKnow::All,
    )
    .in_large_scale_mode(vec![sector(ELEC)]);
    assert!(!allowed(&cm_contractor, &held, &all()));
    let cm_no_ntk = viewer("cas-cm", OrgKind::CrisisManagement, &[], Staff, ntk(&[GAS]))
        .in_large_scale_mode(vec![sector(ELEC)]);
    assert!(!allowed(&cm_no_ntk, &held, &all()));
    // Declared for gas only: the electric-power item stays closed.
    let cm_gas = viewer(
        "cas-cm",
        OrgKind::CrisisManagement,
        &[],
        Staff,
        NeedToKnow::All,
    )
    .in_large_scale_mode(vec![sector(GAS)]);
    assert!(!allowed(&cm_gas, &held, &all()));
    assert_eq!(decide(&cm_gas, &held).reason, Reason::DeniedOutsideScope);
}

#[test]
fn nisc_reads_amber_unnamed_but_red_only_when_named() {
    let nisc = viewer("nisc", OrgKind::Nisc, &[], Staff, NeedToKnow::All);
    let provision = item(Tlp::AmberStrict, &[ELEC], "meti", &["denki-ceptoar"]);
    assert!(allowed(&nisc, &provision, &all()));
    assert_eq!(decide(&nisc, &provision).reason, Reason::Hub);
    let red = ItemScope {
        tlp: Tlp::Red,
        ..provision
    };
    assert!(!allowed(&nisc, &red, &all()));
    assert!(allowed(&nisc, &liaison(Tlp::Red), &all()));
    assert_eq!(
        decide(&nisc, &liaison(Tlp::Red)).reason,
        Reason::NamedOrganisation
    );
}

#[test]
fn sender_addressee_and_added_recipient_are_named() {
    let jpcert = viewer(
        "jpcert",
        OrgKind::CybersecurityAgency,
        &[],
        Staff,
        ntk(&[ELEC]),
    );
    let mut red = liaison(Tlp::Red);
    assert!(!allowed(&jpcert, &red, &all()));
    red.added_recipients.push(org("jpcert")); // ※１: an agency NISC asked in advance
    assert!(allowed(&jpcert, &red, &all()));
    assert_eq!(decide(&jpcert, &red).reason, Reason::NamedOrganisation);

    let sender = viewer("meti", OrgKind::CiMinistry, &[ELEC], Staff, ntk(&[ELEC]));
    assert_eq!(
        decide(&sender, &liaison(Tlp::Red)).reason,
        Reason::NamedOrganisation
    );
    let addressee = viewer("nisc", OrgKind::Nisc, &[], Staff, ntk(&[ELEC]));
    assert_eq!(
        decide(&addressee, &liaison(Tlp::Red)).reason,
        Reason::NamedOrganisation
    );
}

#[test]
fn platform_admin_role_is_irrelevant() {
    let acme = Organisation {
        id: org("acme"),
        kind: OrgKind::CyberspaceBusiness,
        name_ja: "アクメ".into(),
        name_en: "Acme".into(),
        sectors: vec![],
        ceptoars: vec![],
        nisc_partner: false,
    };
    let person = |roles: Vec<Role>| Person {
        id: PersonId::from("admin"),
        org: org("acme"),
        roles,
        employment: Staff,
        need_to_know: NeedToKnow::All,
    };
    let admin = Viewer::new(&person(Role::ALL.to_vec()), &acme).expect("same org");
    let plain = Viewer::new(&person(vec![]), &acme).expect("same org");
    assert_eq!(admin, plain);
    for tlp in Tlp::ALL {
        let i = liaison(tlp);
        assert_eq!(decide(&admin, &i), decide(&plain, &i));
        assert_eq!(viewer_keys(&admin, &all()), viewer_keys(&plain, &all()));
    }
    for tlp in [Tlp::Red, Tlp::AmberStrict, Tlp::Amber] {
        assert!(!allowed(&admin, &liaison(tlp), &all()), "{tlp:?}");
    }
}

#[test]
fn viewer_new_rejects_a_person_of_another_organisation() {
    let nisc = Organisation {
        id: org("nisc"),
        kind: OrgKind::Nisc,
        name_ja: "NISC".into(),
        name_en: "NISC".into(),
        sectors: vec![],
        ceptoars: vec![],
        nisc_partner: false,
    };
    let outsider = Person {
        id: PersonId::from("p"),
        org: org("acme"),
        roles: vec![Role::Reader],
        employment: Staff,
        need_to_know: NeedToKnow::All,
    };
    assert_eq!(
        Viewer::new(&outsider, &nisc),
        Err(ViewerError::OrgMismatch {
            person_org: org("acme"),
            org: org("nisc")
        })
    );
}

#[test]
fn restricted_item_without_sector_is_readable_by_nobody() {
    let sender = viewer("meti", OrgKind::CiMinistry, &[ELEC], Staff, NeedToKnow::All);
    let nisc = viewer("nisc", OrgKind::Nisc, &[], Staff, NeedToKnow::All);
    for tlp in [Tlp::Red, Tlp::AmberStrict, Tlp::Amber] {
        let i = ItemScope {
            sectors: vec![],
            ..liaison(tlp)
        };
        assert!(audience(&i).is_empty());
        for v in [&sender, &nisc] {
            assert!(!allowed(v, &i, &all()));
            assert_eq!(decide(v, &i).reason, Reason::DeniedNoSector);
        }
    }
    let green = ItemScope {
        sectors: vec![],
        ..liaison(Tlp::Green)
    };
    assert!(allowed(&sender, &green, &all()));
}

#[test]
fn concerned_sector_needs_need_to_know_for_that_same_sector() {
    // A provision concerning electricity and gas; an electricity operator whose person needs to
    // know gas only reaches the item through electricity, which they do not need to know.
    let provision = item(Tlp::Amber, &[ELEC, GAS], "nisc", &["meti"]);
    let odd = viewer("tepco", OrgKind::Operator, &[ELEC], Staff, ntk(&[GAS]));
    assert!(!allowed(&odd, &provision, &all()));
    assert_eq!(decide(&odd, &provision).reason, Reason::DeniedNeedToKnow);
    let right = viewer("tepco", OrgKind::Operator, &[ELEC], Staff, ntk(&[ELEC]));
    assert!(allowed(&right, &provision, &all()));
}

#[test]
fn need_to_know_all_is_expanded_over_all_sectors() {
    let nisc = viewer("nisc", OrgKind::Nisc, &[], Staff, NeedToKnow::All);
    let water = item(Tlp::Amber, &["water"], "mhlw", &["water-ceptoar"]);
    assert!(allowed(&nisc, &water, &all()));
    assert!(viewer_keys(&nisc, &all()).contains(&AudienceKey::from_stored("nisc/water/nda".into())));
}

#[test]
fn key_grammar() {
    let i = ItemScope {
        added_recipients: vec![org("jpcert")],
        ..liaison(Tlp::AmberStrict)
    };
    let keys: BTreeSet<String> = audience(&i)
        .into_iter()
        .map(AudienceKey::into_string)
        .collect();
    let expected: BTreeSet<String> = [
        "org/meti/electric_power/staff",
        "org/nisc/electric_power/staff",
        "org/jpcert/electric_power/staff",
        "nisc/electric_power/staff",
        "cm/electric_power/staff",
        "sector/electric_power/staff",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(keys, expected);

    let amber: BTreeSet<String> = audience(&liaison(Tlp::Amber))
        .into_iter()
        .map(AudienceKey::into_string)
        .collect();
    assert!(amber.iter().all(|k| k.ends_with("/nda")));
    let red: BTreeSet<String> = audience(&liaison(Tlp::Red))
        .into_iter()
        .map(AudienceKey::into_string)
        .collect();
    assert!(
        red.iter()
            .all(|k| k.starts_with("org/") || k.starts_with("cm/")),
        "{red:?}"
    );
    assert_eq!(
        audience(&liaison(Tlp::Green))
            .into_iter()
            .map(AudienceKey::into_string)
            .collect::<Vec<_>>(),
        vec!["stakeholder"]
    );
    assert_eq!(
        audience(&liaison(Tlp::Clear))
            .into_iter()
            .map(AudienceKey::into_string)
            .collect::<Vec<_>>(),
        vec!["public"]
    );

    let contractor = operator("tepco", &[ELEC], NdaContractor);
    let held: BTreeSet<String> = viewer_keys(&contractor, &all())
        .into_iter()
        .map(AudienceKey::into_string)
        .collect();
    let expected: BTreeSet<String> = [
        "public",
        "stakeholder",
        "org/tepco/electric_power/nda",
        "sector/electric_power/nda",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(held, expected);
}

#[test]
fn keys_do_not_collide_on_ids_containing_slashes() {
    // Organisation "a/b" with sector "c" must not meet organisation "a" with sector "b/c".
    let i = item(Tlp::Red, &["c"], "a/b", &[]);
    let v = viewer("a", OrgKind::Operator, &[], Staff, ntk(&["b/c"]));
    let sectors = [sector("c"), sector("b/c")];
    assert!(!allowed(&v, &i, &sectors));
    let v2 = viewer("a%2Fb", OrgKind::Operator, &[], Staff, ntk(&["c"]));
    assert!(!allowed(&v2, &i, &sectors));
    let insider = viewer("a/b", OrgKind::Operator, &[], Staff, ntk(&["c"]));
    assert!(allowed(&insider, &i, &sectors));
}

#[test]
fn visible_carries_the_decision_and_denied_the_reason() {
    let tepco = operator("tepco", &[ELEC], Staff);
    let shown = reveal(&tepco, &liaison(Tlp::Amber), "report body").expect("allowed");
    assert_eq!(*shown.get(), "report body");
    assert_eq!(shown.decision().reason, Reason::ConcernedSector);
    assert!(shown.decision().allowed);
    assert_eq!(shown.into_inner(), "report body");

    let gas = operator("tokyo-gas", &[GAS], Staff);
    let denied = reveal(&gas, &liaison(Tlp::Amber), "report body").expect_err("denied");
    assert_eq!(denied.reason(), Reason::DeniedOutsideScope);
    assert!(!denied.decision().allowed);
    assert_eq!(denied.to_string(), Reason::DeniedOutsideScope.label_en());
}

#[test]
fn reasons_have_distinct_labels() {
    let en: BTreeSet<_> = Reason::ALL.iter().map(|r| r.label_en()).collect();
    let ja: BTreeSet<_> = Reason::ALL.iter().map(|r| r.label_ja()).collect();
    let codes: BTreeSet<_> = Reason::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(en.len(), Reason::ALL.len());
    assert_eq!(ja.len(), Reason::ALL.len());
    assert_eq!(codes.len(), Reason::ALL.len());
}
