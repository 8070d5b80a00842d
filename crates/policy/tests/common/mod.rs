//! Builders shared by the policy tests.
#![allow(dead_code)]

use kakehashi_domain::{Employment, NeedToKnow, OrgId, OrgKind, PersonId, SectorId, Tlp};
use kakehashi_policy::{audience, decide, viewer_keys, ItemScope, Viewer};

pub fn sector(s: &str) -> SectorId {
    SectorId::from(s)
}

pub fn org(s: &str) -> OrgId {
    OrgId::from(s)
}

pub fn ntk(sectors: &[&str]) -> NeedToKnow {
    NeedToKnow::Sectors(sectors.iter().map(|s| sector(s)).collect())
}

pub fn viewer(
    org_id: &str,
    kind: OrgKind,
    org_sectors: &[&str],
    employment: Employment,
    need_to_know: NeedToKnow,
) -> Viewer {
    Viewer {
        person: PersonId::from(format!("{org_id}-person").as_str()),
        org: org(org_id),
        org_kind: kind,
        org_sectors: org_sectors.iter().map(|s| sector(s)).collect(),
        employment,
        need_to_know,
        large_scale_sectors: vec![],
        member_of: vec![],
    }
}

pub fn item(tlp: Tlp, sectors: &[&str], sender: &str, addressees: &[&str]) -> ItemScope {
    ItemScope {
        tlp,
        sectors: sectors.iter().map(|s| sector(s)).collect(),
        sender_org: org(sender),
        addressees: addressees.iter().map(|o| org(o)).collect(),
        added_recipients: Vec::new(),
        held_by_nisc: false,
    }
}

/// `decide`, after checking that the index agrees with it.
pub fn allowed(v: &Viewer, i: &ItemScope, all_sectors: &[SectorId]) -> bool {
    let d = decide(v, i);
    let by_keys = !audience(i).is_disjoint(&viewer_keys(v, all_sectors));
    assert_eq!(
        d.allowed, by_keys,
        "decide and the audience index disagree\nviewer: {v:?}\nitem: {i:?}\ndecision: {d:?}"
    );
    assert_eq!(
        d.allowed,
        d.reason.is_allow(),
        "reason contradicts decision: {d:?}"
    );
    d.allowed
}
