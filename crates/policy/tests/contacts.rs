//! Who reads an organisation's points of contact (連絡先), who oversees them, and who reads a
//! contact check (連絡確認): every organisation kind, both employments, allowed and denied.

mod common;

use common::{ntk, org, sector, viewer};
use kakehashi_domain::{Employment, NeedToKnow, OrgKind, Organisation};
use kakehashi_policy::{
    decide_contact_check, decide_contact_oversight, decide_contacts, reveal_contacts, Reason,
    Viewer,
};

const ELEC: &str = "electric_power";
const GAS: &str = "gas";

fn owner(id: &str, kind: OrgKind, sectors: &[&str], ceptoars: &[&str]) -> Organisation {
    Organisation {
        id: org(id),
        kind,
        name_ja: id.into(),
        name_en: id.into(),
        sectors: sectors.iter().map(|s| sector(s)).collect(),
        ceptoars: ceptoars.iter().map(|c| org(c)).collect(),
        nisc_partner: false,
    }
}

fn staff(id: &str, kind: OrgKind, sectors: &[&str]) -> Viewer {
    viewer(id, kind, sectors, Employment::Staff, NeedToKnow::All)
}

fn member(v: Viewer, of: &[&str]) -> Viewer {
    Viewer {
        member_of: of.iter().map(|c| org(c)).collect(),
        ..v
    }
}

#[test]
fn the_hub_the_overseeing_ministry_and_the_members_ceptoar_read_an_operators_contacts() {
    let power = owner("power", OrgKind::Operator, &[ELEC], &["cep-power"]);
    let cases: Vec<(Viewer, Reason)> = vec![
        (
            staff("power", OrgKind::Operator, &[ELEC]),
            Reason::OwnOrganisation,
        ),
        (
            viewer(
                "power",
                OrgKind::Operator,
                &[ELEC],
                Employment::NdaContractor,
                ntk(&[]),
            ),
            Reason::OwnOrganisation,
        ),
        (staff("nisc", OrgKind::Nisc, &[]), Reason::Hub),
        (
            staff("meti", OrgKind::CiMinistry, &[ELEC]),
            Reason::ConcernedSector,
        ),
        (
            staff("cep-power", OrgKind::Ceptoar, &[ELEC]),
            Reason::ConcernedSector,
        ),
        // Refused: other operators, even of the same sector; other ministries; outsiders.
        (
            staff("power2", OrgKind::Operator, &[ELEC]),
            Reason::DeniedOutsideScope,
        ),
        (
            staff("mhlw", OrgKind::CiMinistry, &[GAS]),
            Reason::DeniedOutsideScope,
        ),
        (
            staff("cep-gas", OrgKind::Ceptoar, &[ELEC]),
            Reason::DeniedOutsideScope,
        ),
        (
            staff("jpcert", OrgKind::CybersecurityAgency, &[]),
            Reason::DeniedOutsideScope,
        ),
        (
            staff("crisis", OrgKind::CrisisManagement, &[]),
            Reason::DeniedOutsideScope,
        ),
        // Gates: another organisation's contractor; a ministry official without need-to-know.
        (
            viewer(
                "nisc",
                OrgKind::Nisc,
                &[],
                Employment::NdaContractor,
                NeedToKnow::All,
            ),
            Reason::DeniedEmployment,
        ),
        (
            viewer(
                "meti",
                OrgKind::CiMinistry,
                &[ELEC],
                Employment::Staff,
                ntk(&[GAS]),
            ),
            Reason::DeniedNeedToKnow,
        ),
    ];
    let (mut allowed, mut denied) = (0, 0);
    for (v, reason) in cases {
        let d = decide_contacts(&v, &power);
        assert_eq!(d.reason, reason, "{v:?}");
        assert_eq!(d.allowed, reason.is_allow(), "{v:?}");
        assert_eq!(reveal_contacts(&v, &power, ()).is_ok(), d.allowed);
        if d.allowed {
            allowed += 1;
        } else {
            denied += 1;
        }
    }
    assert!(allowed > 0 && denied > 0);
}

#[test]
fn a_ceptoars_members_reach_its_point_of_contact_and_others_do_not() {
    let cep = owner("cep-power", OrgKind::Ceptoar, &[ELEC], &[]);
    let m = member(staff("power", OrgKind::Operator, &[ELEC]), &["cep-power"]);
    assert_eq!(decide_contacts(&m, &cep).reason, Reason::ConcernedSector);
    let outsider = staff("gas-co", OrgKind::Operator, &[ELEC]);
    assert_eq!(
        decide_contacts(&outsider, &cep).reason,
        Reason::DeniedOutsideScope
    );
    // Membership reaches only CEPTOARs: an operator never reads another operator by it.
    let other = owner("cep-power", OrgKind::Operator, &[ELEC], &[]);
    assert!(!decide_contacts(&m, &other).allowed);
}

#[test]
fn the_crisis_office_reads_contacts_only_in_the_declared_sectors() {
    let power = owner("power", OrgKind::Operator, &[ELEC], &[]);
    let normal = staff("crisis", OrgKind::CrisisManagement, &[]);
    assert!(!decide_contacts(&normal, &power).allowed);
    let gas = normal.clone().in_large_scale_mode(vec![sector(GAS)]);
    assert!(!decide_contacts(&gas, &power).allowed);
    let elec = normal.in_large_scale_mode(vec![sector(ELEC)]);
    assert_eq!(
        decide_contacts(&elec, &power).reason,
        Reason::CrisisManagementException
    );
    assert!(
        !decide_contact_oversight(&elec, &power).allowed,
        "reads, does not oversee"
    );
}

#[test]
fn oversight_is_the_hubs_and_the_overseeing_ministrys_only() {
    let power = owner("power", OrgKind::Operator, &[ELEC], &["cep-power"]);
    for kind in OrgKind::ALL {
        let v = staff("someone", kind, &[ELEC]);
        let d = decide_contact_oversight(&v, &power);
        assert_eq!(
            d.allowed,
            matches!(kind, OrgKind::Nisc | OrgKind::CiMinistry),
            "{kind:?}: {d:?}"
        );
        // Whoever oversees also reads.
        if d.allowed {
            assert!(decide_contacts(&v, &power).allowed);
        }
    }
    assert!(
        !decide_contact_oversight(&staff("power", OrgKind::Operator, &[ELEC]), &power).allowed,
        "an organisation reads its own contacts but is not its own overseer"
    );
    assert!(!decide_contact_oversight(&staff("mhlw", OrgKind::CiMinistry, &[GAS]), &power).allowed);
}

#[test]
fn a_contact_check_is_read_by_its_sender_and_its_targets() {
    let nisc = org("nisc");
    let targets = [org("power"), org("gas-co")];
    let cases = [
        (staff("nisc", OrgKind::Nisc, &[]), Reason::OwnOrganisation),
        (
            staff("power", OrgKind::Operator, &[ELEC]),
            Reason::NamedOrganisation,
        ),
        (
            viewer(
                "gas-co",
                OrgKind::Operator,
                &[GAS],
                Employment::NdaContractor,
                ntk(&[]),
            ),
            Reason::NamedOrganisation,
        ),
        (
            staff("power2", OrgKind::Operator, &[ELEC]),
            Reason::DeniedOutsideScope,
        ),
        (
            staff("meti", OrgKind::CiMinistry, &[ELEC]),
            Reason::DeniedOutsideScope,
        ),
    ];
    for (v, reason) in cases {
        let d = decide_contact_check(&v, &nisc, &targets);
        assert_eq!((d.allowed, d.reason), (reason.is_allow(), reason), "{v:?}");
    }
}
