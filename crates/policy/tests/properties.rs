//! (b) Properties over random worlds: organisations of random kinds and sectors, people with
//! random employment, need-to-know and large-scale sectors, items with random TLP, sectors, sender, addressees, added
//! recipients and `held_by_nisc`.
//!
//! * the audience index and `decide` agree for every person and item;
//! * the reason agrees with the verdict, and `reveal` agrees with `decide`;
//! * monotonicity: whoever may read an item at a stricter level may read it at every looser one.
//!
//! Ids are drawn from pools that contain `/` and `%` on purpose, so that an ambiguous key grammar
//! would show up as a disagreement.

use kakehashi_domain::{Employment, NeedToKnow, OrgId, OrgKind, PersonId, SectorId, Tlp};
use kakehashi_policy::{audience, decide, keys_at_level, reveal, viewer_keys, ItemScope, Viewer};
use proptest::prelude::*;
use proptest::sample::subsequence;

const ORG_IDS: [&str; 7] = ["a", "a/b", "b", "a%2Fb", "b/c", "nisc", "c"];
const SECTORS: [&str; 5] = ["s", "b/s", "t", "s%2Ft", "s/t"];

fn all_sectors() -> Vec<SectorId> {
    SECTORS.iter().map(|s| SectorId::from(*s)).collect()
}

fn kind() -> impl Strategy<Value = OrgKind> {
    proptest::sample::select(OrgKind::ALL.to_vec())
}

fn tlp() -> impl Strategy<Value = Tlp> {
    proptest::sample::select(Tlp::ALL.to_vec())
}

fn employment() -> impl Strategy<Value = Employment> {
    prop_oneof![Just(Employment::Staff), Just(Employment::NdaContractor)]
}

fn sectors() -> impl Strategy<Value = Vec<SectorId>> {
    subsequence(SECTORS.to_vec(), 0..=3).prop_map(|v| v.into_iter().map(SectorId::from).collect())
}

fn need_to_know() -> impl Strategy<Value = NeedToKnow> {
    prop_oneof![
        1 => Just(NeedToKnow::All),
        4 => sectors().prop_map(NeedToKnow::Sectors),
    ]
}

fn org_ids(max: usize) -> impl Strategy<Value = Vec<OrgId>> {
    subsequence(ORG_IDS.to_vec(), 0..=max).prop_map(|v| v.into_iter().map(OrgId::from).collect())
}

#[derive(Debug, Clone)]
struct World {
    /// One organisation per entry of `ORG_IDS`: (kind, sectors). Read only through the people,
    /// kept so that a shrunk failure prints the whole world.
    #[allow(dead_code)]
    orgs: Vec<(OrgKind, Vec<SectorId>)>,
    people: Vec<Viewer>,
    items: Vec<ItemScope>,
}

fn world() -> impl Strategy<Value = World> {
    let orgs = proptest::collection::vec((kind(), sectors()), ORG_IDS.len());
    orgs.prop_flat_map(|orgs| {
        let people = proptest::collection::vec(
            (
                0..ORG_IDS.len(),
                employment(),
                need_to_know(),
                prop_oneof![2 => Just(vec![]), 1 => sectors()],
            ),
            1..10,
        );
        let items = proptest::collection::vec(
            (
                tlp(),
                sectors(),
                proptest::sample::select(ORG_IDS.to_vec()),
                org_ids(3),
                org_ids(2),
                any::<bool>(),
            ),
            1..10,
        );
        (Just(orgs), people, items)
    })
    .prop_map(|(orgs, people, items)| {
        let people = people
            .into_iter()
            .enumerate()
            .map(|(n, (o, employment, need_to_know, large_scale))| Viewer {
                person: PersonId::from(format!("p{n}").as_str()),
                org: OrgId::from(ORG_IDS[o]),
                org_kind: orgs[o].0,
                org_sectors: orgs[o].1.clone(),
                employment,
                need_to_know,
                large_scale_sectors: large_scale,
                member_of: vec![],
            })
            .collect();
        let items = items
            .into_iter()
            .map(
                |(tlp, sectors, sender, addressees, added_recipients, held_by_nisc)| ItemScope {
                    tlp,
                    sectors,
                    sender_org: OrgId::from(sender),
                    addressees,
                    added_recipients,
                    held_by_nisc,
                },
            )
            .collect();
        World {
            orgs,
            people,
            items,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn index_agrees_with_decide(w in world()) {
        let all = all_sectors();
        for v in &w.people {
            let keys = viewer_keys(v, &all);
            for i in &w.items {
                let d = decide(v, i);
                prop_assert_eq!(
                    d.allowed,
                    !audience(i).is_disjoint(&keys),
                    "viewer {:?}\nitem {:?}\ndecision {:?}\naudience {:?}\nkeys {:?}",
                    v, i, d, audience(i), keys
                );
                prop_assert_eq!(d.allowed, d.reason.is_allow());
                let r = reveal(v, i, ());
                prop_assert_eq!(r.is_ok(), d.allowed);
                match r {
                    Ok(vis) => prop_assert_eq!(vis.decision(), d),
                    Err(denied) => prop_assert_eq!(denied.decision(), d),
                }
            }
        }
    }

    #[test]
    fn looser_levels_admit_everyone_stricter_levels_admit(w in world()) {
        let all = all_sectors();
        for v in &w.people {
            let keys = viewer_keys(v, &all);
            for base in &w.items {
                for strict in Tlp::ALL {
                    let at = |tlp: Tlp| ItemScope { tlp, ..base.clone() };
                    if !decide(v, &at(strict)).allowed {
                        continue;
                    }
                    for loose in Tlp::ALL.into_iter().filter(|l| strict.at_least_as_strict_as(*l)) {
                        prop_assert!(
                            decide(v, &at(loose)).allowed,
                            "allowed at {:?} but not at {:?}\nviewer {:?}\nitem {:?}",
                            strict, loose, v, base
                        );
                        prop_assert!(!audience(&at(loose)).is_disjoint(&keys));
                    }
                }
            }
        }
    }

    #[test]
    fn restricted_items_without_sector_admit_nobody(w in world()) {
        for v in &w.people {
            for i in &w.items {
                for tlp in [Tlp::Red, Tlp::AmberStrict, Tlp::Amber] {
                    let i = ItemScope { tlp, sectors: Vec::new(), ..i.clone() };
                    prop_assert!(!decide(v, &i).allowed);
                    prop_assert!(audience(&i).is_empty());
                }
            }
        }
    }
}

/// A listing filtered to one level walks only the keys that level can carry: for an item at that
/// level the narrowed keys open exactly what `decide` allows (the store still filters on the level
/// itself: RED and AMBER+STRICT share their keys). The run as a whole must have met both allowed
/// and denied cases.
#[test]
fn keys_at_level_narrow_without_changing_the_decision() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(256));
    let seen = std::cell::Cell::new((0usize, 0usize));
    runner
        .run(&world(), |w| {
            let all = all_sectors();
            for v in &w.people {
                let keys = viewer_keys(v, &all);
                for level in Tlp::ALL {
                    let narrowed = keys_at_level(&keys, level);
                    prop_assert!(narrowed.is_subset(&keys));
                    for base in &w.items {
                        let i = ItemScope {
                            tlp: level,
                            ..base.clone()
                        };
                        let opens = !audience(&i).is_disjoint(&narrowed);
                        prop_assert_eq!(
                            opens,
                            decide(v, &i).allowed,
                            "viewer {:?}\nitem {:?}",
                            v,
                            i
                        );
                        let (a, d) = seen.get();
                        seen.set(if opens { (a + 1, d) } else { (a, d + 1) });
                    }
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let (allowed, denied) = seen.get();
    assert!(
        allowed > 0 && denied > 0,
        "allowed {allowed}, denied {denied}"
    );
}
