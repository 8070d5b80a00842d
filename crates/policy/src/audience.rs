//! 閲覧可能範囲の索引キー — the access decision as a set intersection.
//! See [`AudienceKey`] for the grammar.

use crate::decision::{is_ci_stakeholder, is_sector_kind, Route};
use crate::scope::{ItemScope, Viewer};
use kakehashi_domain::{Employment, NeedToKnow, OrgId, OrgKind, SectorId, Tlp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// 閲覧範囲キー — one element of an item's audience or of a viewer's keys. Compare it, index
/// it, store it.
///
/// Storage keeps, per item, the set [`audience`]`(item)`; per request it computes
/// [`viewer_keys`]`(viewer, all_sectors)`; the items a viewer may read are exactly those whose
/// audience meets the viewer's keys — one indexed `WHERE key IN (…)` query, no per-row policy
/// code. The invariant, checked by property tests over random worlds:
///
/// ```text
/// decide(v, i).allowed == !audience(i).is_disjoint(&viewer_keys(v, all_sectors))
/// ```
///
/// for every viewer `v` and every item `i` whose sectors are all in `all_sectors`.
///
/// # Key grammar
///
/// `{org}` and `{sector}` are the ids with `%` written `%25` and `/` written `%2F`, so keys are
/// unambiguous whatever the ids contain (organisation `a/b` with sector `c` and organisation `a`
/// with sector `b/c` must not meet). `{tier}` is `staff` or `nda`.
///
/// | Key | Item emits (restricted levels) | Viewer holds |
/// |---|---|---|
/// | `org/{org}/{sector}/{tier}` | RED, AMBER+STRICT, AMBER: each named organisation × item sector | own organisation × need-to-know sectors |
/// | `nisc/{sector}/{tier}` | AMBER+STRICT, AMBER: each item sector | NISC members: need-to-know sectors |
/// | `cm/{sector}/{tier}` | RED, AMBER+STRICT, AMBER, only when `held_by_nisc`: each item sector | crisis-management members: need-to-know sectors for which the large-scale mode is declared |
/// | `sector/{sector}/{tier}` | AMBER+STRICT, AMBER: each item sector | CI ministry / CEPTOAR / operator members: own organisation's sectors they need to know |
/// | `stakeholder` | GREEN | members of every CI stakeholder kind (all kinds) |
/// | `public` | CLEAR | everyone |
///
/// Tiers encode the employment gate: RED and AMBER+STRICT items emit `…/staff`, AMBER items emit
/// `…/nda`; staff hold both tiers, contractors under NDA hold only `…/nda`. The need-to-know gate
/// is encoded by the viewer holding sector keys only for sectors they need to know;
/// [`NeedToKnow::All`] is expanded over `all_sectors` (plus the organisation's own sectors).
/// A restricted item with no sectors emits no key at all: nobody reads it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AudienceKey(String);

impl AudienceKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Rebuilds a key read back from storage. Holding a key grants nothing by itself: only
    /// [`viewer_keys`] decides which keys a viewer holds.
    pub fn from_stored(text: String) -> Self {
        AudienceKey(text)
    }

    const PUBLIC: &'static str = "public";
    const STAKEHOLDER: &'static str = "stakeholder";

    pub(crate) fn public() -> Self {
        AudienceKey(Self::PUBLIC.to_owned())
    }

    fn stakeholder() -> Self {
        AudienceKey(Self::STAKEHOLDER.to_owned())
    }

    /// The key of `route`, for `sector` and `tier`; `org` is used by the named route only.
    fn route(route: Route, org: &OrgId, sector: &SectorId, tier: Tier) -> Self {
        let (s, t) = (escape(sector.as_str()), tier.as_str());
        AudienceKey(match route {
            Route::Named => format!("org/{}/{s}/{t}", escape(org.as_str())),
            Route::Hub => format!("nisc/{s}/{t}"),
            Route::CrisisManagement => format!("cm/{s}/{t}"),
            Route::ConcernedSector => format!("sector/{s}/{t}"),
        })
    }
}

impl fmt::Display for AudienceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One path component, made unable to contain the separator.
fn escape(component: &str) -> String {
    component.replace('%', "%25").replace('/', "%2F")
}

/// Employment gate as a key suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    Staff,
    Nda,
}

impl Tier {
    fn as_str(self) -> &'static str {
        match self {
            Tier::Staff => "staff",
            Tier::Nda => "nda",
        }
    }

    /// The key ending of this tier (`/staff`, `/nda`).
    fn suffix(self) -> &'static str {
        match self {
            Tier::Staff => "/staff",
            Tier::Nda => "/nda",
        }
    }

    /// The tier a restricted item demands.
    fn required(tlp: Tlp) -> Option<Tier> {
        match tlp {
            Tlp::Red | Tlp::AmberStrict => Some(Tier::Staff),
            Tlp::Amber => Some(Tier::Nda),
            Tlp::Green | Tlp::Clear => None,
        }
    }

    /// The tiers a person holds: staff pass both gates, NDA contractors the AMBER one only.
    fn held(employment: Employment) -> &'static [Tier] {
        match employment {
            Employment::Staff => &[Tier::Staff, Tier::Nda],
            Employment::NdaContractor => &[Tier::Nda],
        }
    }
}

/// 閲覧可能範囲 — the keys under which `item` is readable. See [`AudienceKey`] for the grammar.
pub fn audience(item: &ItemScope) -> BTreeSet<AudienceKey> {
    let mut keys = BTreeSet::new();
    let tier = match item.tlp {
        Tlp::Clear => {
            keys.insert(AudienceKey::public());
            return keys;
        }
        Tlp::Green => {
            keys.insert(AudienceKey::stakeholder());
            return keys;
        }
        tlp => match Tier::required(tlp) {
            Some(tier) => tier,
            None => return keys,
        },
    };
    let named = item.named_orgs();
    for route in Route::ALL {
        if !(route.open_at(item.tlp) && route.offered_by(item)) {
            continue;
        }
        for sector in &item.sectors {
            if route == Route::Named {
                for org in &named {
                    keys.insert(AudienceKey::route(route, org, sector, tier));
                }
            } else {
                keys.insert(AudienceKey::route(route, &item.sender_org, sector, tier));
            }
        }
    }
    keys
}

/// Of a viewer's `keys`, those under which an item at `tlp` can be found: the keys whose grammar
/// lets an item at that level emit them (`public` for CLEAR, `stakeholder` for GREEN, a `…/staff`
/// key for RED and AMBER+STRICT, a `…/nda` key for AMBER).
///
/// A listing filtered to one level walks only these keys' index ranges, so an operator's RED
/// search does not walk every GREEN copy of the nation. It narrows, never widens: the result is a
/// subset of `keys`, and for every item `i` at `tlp`, `audience(i)` meets `keys` exactly when it
/// meets `keys_at_level(keys, tlp)` (property-tested beside [`viewer_keys`]).
pub fn keys_at_level<'k>(
    keys: impl IntoIterator<Item = &'k AudienceKey>,
    tlp: Tlp,
) -> BTreeSet<AudienceKey> {
    let carried: fn(&str) -> bool = match tlp {
        Tlp::Clear => |k| k == AudienceKey::PUBLIC,
        Tlp::Green => |k| k == AudienceKey::STAKEHOLDER,
        Tlp::Red | Tlp::AmberStrict => |k| k.ends_with(Tier::Staff.suffix()),
        Tlp::Amber => |k| k.ends_with(Tier::Nda.suffix()),
    };
    keys.into_iter()
        .filter(|k| carried(k.as_str()))
        .cloned()
        .collect()
}

/// 閲覧者のキー — the keys `viewer` holds. `all_sectors` is the full sector list of the reference
/// data; it expands [`NeedToKnow::All`]. An item sector missing from it is not matched for a
/// viewer whose need-to-know is `All` (the index then fails closed where [`crate::decide`] would
/// admit), so pass every sector.
pub fn viewer_keys(viewer: &Viewer, all_sectors: &[SectorId]) -> BTreeSet<AudienceKey> {
    let mut keys = BTreeSet::new();
    keys.insert(AudienceKey::public());
    if is_ci_stakeholder(viewer.org_kind) {
        keys.insert(AudienceKey::stakeholder());
    }
    let need_to_know: BTreeSet<&SectorId> = match &viewer.need_to_know {
        NeedToKnow::All => all_sectors.iter().chain(&viewer.org_sectors).collect(),
        NeedToKnow::Sectors(sectors) => sectors.iter().collect(),
    };
    for &tier in Tier::held(viewer.employment) {
        for route in Route::ALL {
            let sectors: Vec<&SectorId> = match route {
                Route::Named => need_to_know.iter().copied().collect(),
                Route::Hub if viewer.org_kind == OrgKind::Nisc => {
                    need_to_know.iter().copied().collect()
                }
                Route::CrisisManagement if viewer.org_kind == OrgKind::CrisisManagement => {
                    need_to_know
                        .iter()
                        .copied()
                        .filter(|s| viewer.large_scale_sectors.contains(s))
                        .collect()
                }
                Route::ConcernedSector if is_sector_kind(viewer.org_kind) => viewer
                    .org_sectors
                    .iter()
                    .filter(|s| viewer.need_to_know.covers(s))
                    .collect(),
                Route::Hub | Route::CrisisManagement | Route::ConcernedSector => Vec::new(),
            };
            for sector in sectors {
                keys.insert(AudienceKey::route(route, &viewer.org, sector, tier));
            }
        }
    }
    keys
}
