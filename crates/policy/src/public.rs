//! 公開 — the reader who has not signed in: the public page, its Atom feed and public downloads.
//!
//! Someone who has not signed in is no [`crate::Viewer`]: they belong to no organisation, have
//! no employment and no need-to-know. The handbook's table of levels (手引書 Ⅱ.2.3(2)) opens only
//! one level to them: TLP:CLEAR 公開情報 (「制限なく共有可能」). [`decide_public`] states that,
//! level by level, and [`public_keys`] states it as audience keys, so storage lists the public
//! items with the same indexed query as everyone else's. The invariant
//! `decide_public(i).allowed == !audience(i).is_disjoint(&public_keys())` is tested for every
//! level and random items, and so is "public ⊆ everyone": an item the public reads, every
//! signed-in viewer reads too.

use crate::audience::AudienceKey;
use crate::decision::{Decision, Reason};
use crate::scope::ItemScope;
use crate::visible::{wrap, Denied, Visible};
use kakehashi_domain::Tlp;
use std::collections::BTreeSet;

/// 公開閲覧の可否 — may someone who has not signed in read `item`? CLEAR only
/// ([`Reason::Public`]); every other level is outside the scope ([`Reason::DeniedOutsideScope`]).
pub fn decide_public(item: &ItemScope) -> Decision {
    match item.tlp {
        Tlp::Clear => Decision::allow(Reason::Public),
        Tlp::Green | Tlp::Amber | Tlp::AmberStrict | Tlp::Red => {
            Decision::deny(Reason::DeniedOutsideScope)
        }
    }
}

/// The audience keys someone who has not signed in holds: the public key alone.
pub fn public_keys() -> BTreeSet<AudienceKey> {
    BTreeSet::from([AudienceKey::public()])
}

/// As [`crate::reveal`] for the public reader: decided by [`decide_public`].
pub fn reveal_public<T>(item: &ItemScope, value: T) -> Result<Visible<T>, Denied> {
    wrap(decide_public(item), value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{audience, decide, Viewer};
    use kakehashi_domain::{Employment, NeedToKnow, OrgId, OrgKind, PersonId, SectorId};
    use proptest::prelude::*;

    const LEVELS: [Tlp; 5] = [
        Tlp::Red,
        Tlp::AmberStrict,
        Tlp::Amber,
        Tlp::Green,
        Tlp::Clear,
    ];

    fn item(tlp: Tlp, sectors: Vec<&str>, nisc: bool) -> ItemScope {
        ItemScope {
            tlp,
            sectors: sectors.into_iter().map(|s| SectorId(s.into())).collect(),
            sender_org: OrgId("op".into()),
            addressees: vec![OrgId("ministry".into())],
            added_recipients: vec![],
            held_by_nisc: nisc,
        }
    }

    #[test]
    fn only_clear_is_public() {
        for tlp in LEVELS {
            for sectors in [vec![], vec!["power"], vec!["power", "rail"]] {
                let i = item(tlp, sectors, true);
                let d = decide_public(&i);
                assert_eq!(d.allowed, tlp == Tlp::Clear, "{tlp:?}");
                assert_eq!(
                    d.allowed,
                    !audience(&i).is_disjoint(&public_keys()),
                    "{tlp:?}"
                );
                assert_eq!(reveal_public(&i, ()).is_ok(), tlp == Tlp::Clear);
            }
        }
    }

    fn kinds() -> impl Strategy<Value = OrgKind> {
        prop::sample::select(vec![
            OrgKind::Nisc,
            OrgKind::CrisisManagement,
            OrgKind::CiMinistry,
            OrgKind::Ceptoar,
            OrgKind::Operator,
            OrgKind::CyberspaceBusiness,
        ])
    }

    proptest! {
        /// Whatever the public reads, every signed-in viewer reads; and the keys agree.
        #[test]
        fn public_is_the_smallest_audience(
            tlp in prop::sample::select(LEVELS.to_vec()),
            kind in kinds(),
            nda in any::<bool>(),
            nisc in any::<bool>(),
        ) {
            let i = item(tlp, vec!["power"], nisc);
            let v = Viewer {
                person: PersonId("p".into()),
                org: OrgId("elsewhere".into()),
                org_kind: kind,
                org_sectors: vec![SectorId("rail".into())],
                employment: if nda { Employment::NdaContractor } else { Employment::Staff },
                need_to_know: NeedToKnow::Sectors(vec![]),
                large_scale_sectors: vec![],
                member_of: vec![],
            };
            let public = decide_public(&i);
            prop_assert_eq!(public.allowed, !audience(&i).is_disjoint(&public_keys()));
            if public.allowed {
                prop_assert!(decide(&v, &i).allowed);
            }
        }
    }
}
