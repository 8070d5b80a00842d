//! 突合 — cross-checking the reports NISC holds for links between them (分野横断的な状況の把握).
//!
//! NISC receives reports from every sector through the ministries. The same campaign often shows
//! in several of them: the same attacker address, the same malware hash, or the same kind of
//! event with the same cause discovered within hours. [`candidates`] proposes such links as
//! pairs of chains with their reasons and a score, grouped into connected components; NISC
//! decides whether they are one incident (インシデント, `I<n>`) or dismisses the proposal.
//!
//! The rules, all in [`link_of`]:
//!
//! | Reason | When | Between |
//! |---|---|---|
//! | shared indicator (strongest) | the two chains' forms name the same indicator (canonical form) | any two chains, even of one organisation |
//! | same event and cause | the same ① event, at least one same ② cause (「その他」「不明」 do not count), 判明日時 within the window (48 h by default) | chains of different organisations only |
//!
//! A pair is not proposed when both chains are already linked into the same incident, or when
//! NISC dismissed it. Indicators are those of [`crate::provision::defang`]: extracted from the
//! form's descriptive text with [`indicators_from_text`] and so canonical in the same way as a
//! provision's — there is no second normaliser. The reporting organisation is the one the
//! reader sees; `None` when it is hidden (anonymised), and then it counts as different.
//!
//! Pure: no I/O, no clock; the output depends only on the input set (not on its order).

use crate::liaison::LiaisonForm;
use crate::provision::form::IndicatorKind;
use crate::provision::indicators_from_text;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The number an incident is known by: I<n> (インシデント).
pub fn incident_ident(n: u64) -> String {
    format!("I{n}")
}

/// Causes that say nothing in common: その他, 不明.
pub const UNINFORMATIVE_CAUSES: [&str; 2] = ["CA-O-01", "CA-O-02"];

/// The form fields whose text may name an attacker's or a system's indicators: ⑤ (発生日時の
/// 注記, システム, 概要), 補足情報, ⑦ (each row's 事象) and ⑨. The sender block, ④ and ⑥'s contacts
/// name the reporters themselves, not the event.
pub const INDICATOR_FIELDS: [&str; 6] = [
    "summary.occurred_note",
    "summary.affected_system",
    "summary.description",
    "supplementary",
    "timeline.event",
    "lessons",
];

/// An indicator as cross-checking compares it: kind and canonical value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedIndicator {
    pub kind: IndicatorKind,
    /// Canonical (refanged) value.
    pub value: String,
}

/// The distinct indicators a liaison form names in [`INDICATOR_FIELDS`], in form order,
/// canonical as [`indicators_from_text`] makes them.
pub fn indicators_of(form: &LiaisonForm) -> Vec<SharedIndicator> {
    let mut out: Vec<SharedIndicator> = Vec::new();
    for (field, _, text) in form.text_fields() {
        if !INDICATOR_FIELDS.contains(&field) {
            continue;
        }
        for i in indicators_from_text(text) {
            let s = SharedIndicator {
                kind: i.kind,
                value: i.value,
            };
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// What cross-checking knows of one chain the reader may read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChainFacts {
    pub id: String,
    /// ③分野 (sector id).
    pub sector: String,
    /// The reporting organisation as the reader sees it; `None` when hidden (anonymised).
    pub org: Option<String>,
    /// ① event code.
    pub event: Option<String>,
    /// ② cause codes.
    pub causes: Vec<String>,
    /// ⑤ 判明日時.
    pub discovered_at: Option<DateTime<Utc>>,
    pub indicators: Vec<SharedIndicator>,
    /// The incident the chain is linked into, if any.
    pub incident: Option<String>,
}

/// Cross-checking settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// How far apart two 判明日時 may be for a same-cause link.
    pub window: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            window: Duration::hours(48),
        }
    }
}

/// Why two chains are proposed as linked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LinkReason {
    /// Both forms name this indicator.
    SharedIndicator { indicator: SharedIndicator },
    /// The same ① event and these same ② causes, discovered `gap_minutes` apart.
    SameEventAndCause {
        event: String,
        causes: Vec<String>,
        gap_minutes: i64,
    },
}

/// A proposed link between two chains (`a` < `b`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Link {
    pub a: String,
    pub b: String,
    /// Shared indicators first (in indicator order), then the same-cause reason.
    pub reasons: Vec<LinkReason>,
    /// 1–100: the higher, the likelier one incident.
    pub score: u32,
}

/// A candidate group: chains connected by proposed links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    /// Chain ids, sorted.
    pub chains: Vec<String>,
    /// Sorted by (a, b).
    pub links: Vec<Link>,
    /// The highest link score.
    pub score: u32,
    /// The incidents some of the chains are already linked into, sorted.
    pub incidents: Vec<String>,
}

/// The pair as stored and compared: the smaller id first. `None` for a chain with itself.
pub fn pair(a: &str, b: &str) -> Option<(String, String)> {
    match a.cmp(b) {
        std::cmp::Ordering::Less => Some((a.to_owned(), b.to_owned())),
        std::cmp::Ordering::Greater => Some((b.to_owned(), a.to_owned())),
        std::cmp::Ordering::Equal => None,
    }
}

/// Whether two reporting organisations are known to be the same one.
fn same_org(x: &ChainFacts, y: &ChainFacts) -> bool {
    matches!((&x.org, &y.org), (Some(a), Some(b)) if a == b)
}

fn indicator_weight(kind: IndicatorKind) -> u32 {
    match kind {
        IndicatorKind::Hash | IndicatorKind::Url => 60,
        IndicatorKind::Ip | IndicatorKind::Email | IndicatorKind::Domain => 50,
        IndicatorKind::Other => 30,
    }
}

/// The link between two chains, if the rules propose one (ignoring incidents and dismissals).
pub fn link_of(x: &ChainFacts, y: &ChainFacts, s: &Settings) -> Option<Link> {
    let (a, b) = pair(&x.id, &y.id)?;
    let mut reasons = Vec::new();
    let mut score: u32 = 0;
    let theirs: BTreeSet<&SharedIndicator> = y.indicators.iter().collect();
    let mut seen: BTreeSet<&SharedIndicator> = BTreeSet::new();
    let mut shared: Vec<&SharedIndicator> = x
        .indicators
        .iter()
        .filter(|i| theirs.contains(i) && seen.insert(i))
        .collect();
    shared.sort();
    let mut ind_score: u32 = 0;
    for i in shared {
        ind_score += indicator_weight(i.kind);
        reasons.push(LinkReason::SharedIndicator {
            indicator: i.clone(),
        });
    }
    score += ind_score.min(85);
    if !same_org(x, y) {
        if let (Some(ex), Some(ey), Some(tx), Some(ty)) =
            (&x.event, &y.event, x.discovered_at, y.discovered_at)
        {
            let gap = (tx - ty).abs();
            let causes: BTreeSet<&String> = x
                .causes
                .iter()
                .filter(|c| !UNINFORMATIVE_CAUSES.contains(&c.as_str()) && y.causes.contains(c))
                .collect();
            if ex == ey && !causes.is_empty() && gap <= s.window {
                let window = s.window.num_minutes().max(1);
                let gap_minutes = gap.num_minutes();
                let closeness = (10 * (window - gap_minutes).max(0) / window) as u32;
                score += 20 + 5 * (causes.len() as u32 - 1).min(2) + closeness;
                reasons.push(LinkReason::SameEventAndCause {
                    event: ex.clone(),
                    causes: causes.into_iter().cloned().collect(),
                    gap_minutes,
                });
            }
        }
    }
    if reasons.is_empty() {
        return None;
    }
    if x.sector != y.sector {
        // 分野横断: what NISC alone can see.
        score += 10;
    }
    Some(Link {
        a,
        b,
        reasons,
        score: score.clamp(1, 100),
    })
}

/// The candidate links among `chains`, grouped into connected components, strongest group
/// first. Pairs both linked into one incident and `dismissed` pairs (as [`pair`] orders them)
/// are not proposed. Chains are taken by id; a repeated id keeps its first facts.
pub fn candidates(
    chains: &[ChainFacts],
    dismissed: &BTreeSet<(String, String)>,
    s: &Settings,
) -> Vec<Group> {
    let mut by_id: BTreeMap<&str, &ChainFacts> = BTreeMap::new();
    for c in chains {
        by_id.entry(c.id.as_str()).or_insert(c);
    }
    let list: Vec<&ChainFacts> = by_id.values().copied().collect();
    let mut links: Vec<Link> = Vec::new();
    for (i, x) in list.iter().enumerate() {
        for y in &list[i + 1..] {
            if matches!((&x.incident, &y.incident), (Some(p), Some(q)) if p == q) {
                continue;
            }
            let Some(l) = link_of(x, y, s) else { continue };
            if dismissed.contains(&(l.a.clone(), l.b.clone())) {
                continue;
            }
            links.push(l);
        }
    }
    // Connected components (union-find over indices of `list`).
    let index: BTreeMap<&str, usize> = list
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut parent: Vec<usize> = (0..list.len()).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for l in &links {
        let (ra, rb) = (
            root(&mut parent, index[l.a.as_str()]),
            root(&mut parent, index[l.b.as_str()]),
        );
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut groups: BTreeMap<usize, Group> = BTreeMap::new();
    for l in links {
        let r = root(&mut parent, index[l.a.as_str()]);
        let g = groups.entry(r).or_insert_with(|| Group {
            chains: vec![],
            links: vec![],
            score: 0,
            incidents: vec![],
        });
        for id in [&l.a, &l.b] {
            if !g.chains.contains(id) {
                g.chains.push(id.clone());
            }
        }
        g.score = g.score.max(l.score);
        g.links.push(l);
    }
    let mut out: Vec<Group> = groups
        .into_values()
        .map(|mut g| {
            g.chains.sort();
            g.links.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
            let incidents: BTreeSet<String> = g
                .chains
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).and_then(|c| c.incident.clone()))
                .collect();
            g.incidents = incidents.into_iter().collect();
            g
        })
        .collect();
    out.sort_by(|x, y| y.score.cmp(&x.score).then_with(|| x.chains.cmp(&y.chains)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0)
            .single()
            .expect("time")
            + Duration::hours(h)
    }

    fn ip(v: &str) -> SharedIndicator {
        SharedIndicator {
            kind: IndicatorKind::Ip,
            value: v.into(),
        }
    }

    fn chain(id: &str, sector: &str, org: Option<&str>) -> ChainFacts {
        ChainFacts {
            id: id.into(),
            sector: sector.into(),
            org: org.map(str::to_owned),
            event: Some("EV-07".into()),
            causes: vec!["CA-I-02".into()],
            discovered_at: Some(t(0)),
            indicators: vec![],
            incident: None,
        }
    }

    fn with_ip(mut c: ChainFacts, v: &str) -> ChainFacts {
        c.indicators.push(ip(v));
        c
    }

    fn at(mut c: ChainFacts, h: i64) -> ChainFacts {
        c.discovered_at = Some(t(h));
        c
    }

    fn other_cause(mut c: ChainFacts) -> ChainFacts {
        c.causes = vec!["CA-I-03".into()];
        c
    }

    #[test]
    fn indicators_come_from_the_descriptive_fields_canonically() {
        let mut f = LiaisonForm::default();
        f.summary.description =
            "203.0.113[.]5 から不正アクセス。hxxp://Evil.example[.]com/x".into();
        f.supplementary = "再度 203.0.113.5 を確認".into();
        f.sender.email = "soc@power.example.jp".into();
        f.external.other_contacts = "警察 cyber@police.example.jp".into();
        let got = indicators_of(&f);
        assert_eq!(
            got,
            vec![
                ip("203.0.113.5"),
                SharedIndicator {
                    kind: IndicatorKind::Url,
                    value: "http://evil.example.com/x".into()
                },
            ],
            "defanged written values are refanged, the sender and contacts are not indicators"
        );
    }

    #[test]
    fn rules_table() {
        let s = Settings::default();
        // (name, x, y, expected reasons: (indicator, same cause))
        type Case = (&'static str, ChainFacts, ChainFacts, Option<(usize, bool)>);
        let cases: Vec<Case> = vec![
            (
                "shared IP across sectors and organisations",
                with_ip(
                    other_cause(chain("a", "electric_power", Some("p"))),
                    "203.0.113.5",
                ),
                with_ip(at(chain("b", "railway", Some("r")), 500), "203.0.113.5"),
                Some((1, false)),
            ),
            (
                "shared IP within one organisation still links",
                with_ip(
                    other_cause(chain("a", "electric_power", Some("p"))),
                    "203.0.113.5",
                ),
                with_ip(chain("b", "electric_power", Some("p")), "203.0.113.5"),
                Some((1, false)),
            ),
            (
                "same event and cause, 3 h apart, different organisations",
                chain("a", "electric_power", Some("p")),
                at(chain("b", "railway", Some("r")), 3),
                Some((0, true)),
            ),
            (
                "same event and cause and an indicator",
                with_ip(chain("a", "electric_power", Some("p")), "198.51.100.7"),
                with_ip(at(chain("b", "railway", Some("r")), 3), "198.51.100.7"),
                Some((1, true)),
            ),
            (
                "same cause, same organisation: not cross-organisation",
                chain("a", "electric_power", Some("p")),
                at(chain("b", "electric_power", Some("p")), 3),
                None,
            ),
            (
                "same cause, organisation hidden: counts as different",
                chain("a", "electric_power", None),
                at(chain("b", "electric_power", Some("p")), 3),
                Some((0, true)),
            ),
            (
                "same cause, outside the window",
                chain("a", "electric_power", Some("p")),
                at(chain("b", "railway", Some("r")), 49),
                None,
            ),
            (
                "same cause, exactly at the window",
                chain("a", "electric_power", Some("p")),
                at(chain("b", "railway", Some("r")), -48),
                Some((0, true)),
            ),
            (
                "different cause",
                chain("a", "electric_power", Some("p")),
                other_cause(chain("b", "railway", Some("r"))),
                None,
            ),
            (
                "only 不明 in common",
                {
                    let mut c = chain("a", "electric_power", Some("p"));
                    c.causes = vec!["CA-O-02".into()];
                    c
                },
                {
                    let mut c = chain("b", "railway", Some("r"));
                    c.causes = vec!["CA-O-02".into(), "CA-I-01".into()];
                    c
                },
                None,
            ),
            (
                "different event",
                chain("a", "electric_power", Some("p")),
                {
                    let mut c = chain("b", "railway", Some("r"));
                    c.event = Some("EV-04".into());
                    c
                },
                None,
            ),
            (
                "判明 unknown",
                {
                    let mut c = chain("a", "electric_power", Some("p"));
                    c.discovered_at = None;
                    c
                },
                chain("b", "railway", Some("r")),
                None,
            ),
            (
                "a chain with itself",
                with_ip(chain("a", "electric_power", Some("p")), "203.0.113.5"),
                with_ip(chain("a", "railway", Some("r")), "203.0.113.5"),
                None,
            ),
        ];
        for (name, x, y, want) in cases {
            let got = link_of(&x, &y, &s).map(|l| {
                let ind = l
                    .reasons
                    .iter()
                    .filter(|r| matches!(r, LinkReason::SharedIndicator { .. }))
                    .count();
                let cause = l
                    .reasons
                    .iter()
                    .any(|r| matches!(r, LinkReason::SameEventAndCause { .. }));
                (ind, cause)
            });
            assert_eq!(got, want, "{name}");
            assert_eq!(
                link_of(&y, &x, &s),
                link_of(&x, &y, &s),
                "{name}: symmetric"
            );
        }
    }

    #[test]
    fn an_indicator_scores_above_a_cause_and_the_gap_is_reported() {
        let s = Settings::default();
        let by_ip = link_of(
            &with_ip(
                other_cause(chain("a", "electric_power", Some("p"))),
                "203.0.113.5",
            ),
            &with_ip(chain("b", "electric_power", Some("r")), "203.0.113.5"),
            &s,
        )
        .expect("ip");
        let by_cause = link_of(
            &chain("a", "electric_power", Some("p")),
            &at(chain("b", "electric_power", Some("r")), 3),
            &s,
        )
        .expect("cause");
        assert!(by_ip.score > by_cause.score, "{by_ip:?} {by_cause:?}");
        assert_eq!(
            by_cause.reasons,
            vec![LinkReason::SameEventAndCause {
                event: "EV-07".into(),
                causes: vec!["CA-I-02".into()],
                gap_minutes: 180
            }]
        );
        // A wider window admits what the default one does not.
        let far = at(chain("b", "railway", Some("r")), 60);
        let near = chain("a", "electric_power", Some("p"));
        assert!(link_of(&near, &far, &s).is_none());
        assert!(link_of(
            &near,
            &far,
            &Settings {
                window: Duration::hours(72)
            }
        )
        .is_some());
    }

    #[test]
    fn groups_are_components_and_skip_incidents_and_dismissals() {
        let s = Settings::default();
        let a = with_ip(
            other_cause(chain("a", "electric_power", Some("p"))),
            "203.0.113.5",
        );
        let b = with_ip(
            with_ip(
                at(other_cause(chain("b", "railway", Some("r"))), 100),
                "203.0.113.5",
            ),
            "198.51.100.7",
        );
        // Far apart in time: linked by indicators only.
        let c = with_ip(
            at(other_cause(chain("c", "finance", Some("f"))), 200),
            "198.51.100.7",
        );
        let d = with_ip(chain("d", "logistics", Some("l")), "192.0.2.200");
        let all = vec![c.clone(), a.clone(), d.clone(), b.clone()];
        let groups = candidates(&all, &BTreeSet::new(), &s);
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(groups[0].chains, vec!["a", "b", "c"], "d is unrelated");
        assert_eq!(groups[0].links.len(), 2);
        // a and b linked into I1: their pair is no longer proposed, b–c still is.
        let mut a1 = a.clone();
        a1.incident = Some("I1".into());
        let mut b1 = b.clone();
        b1.incident = Some("I1".into());
        let groups = candidates(&[a1, b1, c.clone(), d.clone()], &BTreeSet::new(), &s);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].chains, vec!["b", "c"]);
        assert_eq!(groups[0].incidents, vec!["I1"]);
        // Dismissing b–c leaves a–b.
        let dismissed: BTreeSet<_> = [pair("c", "b").expect("pair")].into_iter().collect();
        let groups = candidates(&all, &dismissed, &s);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].chains, vec!["a", "b"]);
    }

    // ---- property: random worlds of linked and unlinked chains ---------------------------

    const POOL: [&str; 4] = ["203.0.113.5", "198.51.100.7", "192.0.2.1", "2001:db8::1"];

    fn arb_chain(i: usize) -> impl Strategy<Value = ChainFacts> {
        (
            0..3usize,
            prop::option::of(0..3usize),
            prop::option::of(0..2usize),
            prop::collection::btree_set(0..3usize, 0..3),
            prop::option::of(0..120i64),
            prop::collection::btree_set(0..POOL.len(), 0..3),
            prop::option::of(0..2usize),
        )
            .prop_map(move |(sec, org, ev, causes, h, inds, inc)| ChainFacts {
                id: format!("c{i:02}"),
                sector: ["electric_power", "railway", "finance"][sec].into(),
                org: org.map(|o| format!("o{o}")),
                event: ev.map(|e| ["EV-04", "EV-07"][e].into()),
                causes: causes
                    .into_iter()
                    .map(|c| ["CA-I-02", "CA-I-03", "CA-O-02"][c].to_owned())
                    .collect(),
                discovered_at: h.map(t),
                indicators: inds.into_iter().map(|k| ip(POOL[k])).collect(),
                incident: inc.map(|n| incident_ident(n as u64 + 1)),
            })
    }

    fn arb_world() -> impl Strategy<Value = (Vec<ChainFacts>, Vec<(usize, usize)>)> {
        (2..9usize).prop_flat_map(|n| {
            (
                (0..n).map(arb_chain).collect::<Vec<_>>(),
                prop::collection::vec((0..n, 0..n), 0..4),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn candidates_hold_their_rules((world, dis) in arb_world(), rot in 0..9usize) {
            let s = Settings::default();
            let dismissed: BTreeSet<(String, String)> = dis
                .iter()
                .filter_map(|(i, j)| pair(&world[*i].id, &world[*j].id))
                .collect();
            let groups = candidates(&world, &dismissed, &s);
            // Order of the input does not matter (deterministic, symmetric).
            let mut turned = world.clone();
            turned.reverse();
            let k = rot % turned.len();
            turned.rotate_left(k);
            prop_assert_eq!(&candidates(&turned, &dismissed, &s), &groups);
            let by_id: BTreeMap<&str, &ChainFacts> =
                world.iter().map(|c| (c.id.as_str(), c)).collect();
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut proposed: BTreeSet<(String, String)> = BTreeSet::new();
            for g in &groups {
                // Each chain is in one group at most.
                for c in &g.chains {
                    prop_assert!(seen.insert(c.as_str()), "{} in two groups", c);
                }
                // The group is connected by its links.
                let mut reached: BTreeSet<&str> = [g.chains[0].as_str()].into_iter().collect();
                loop {
                    let before = reached.len();
                    for l in &g.links {
                        if reached.contains(l.a.as_str()) || reached.contains(l.b.as_str()) {
                            reached.insert(l.a.as_str());
                            reached.insert(l.b.as_str());
                        }
                    }
                    if reached.len() == before { break; }
                }
                prop_assert_eq!(reached.len(), g.chains.len());
                for l in &g.links {
                    prop_assert!(l.a < l.b, "never itself, ordered");
                    prop_assert!(g.chains.contains(&l.a) && g.chains.contains(&l.b));
                    let (x, y) = (by_id[l.a.as_str()], by_id[l.b.as_str()]);
                    prop_assert!(!dismissed.contains(&(l.a.clone(), l.b.clone())), "dismissed");
                    prop_assert!(
                        !(x.incident.is_some() && x.incident == y.incident),
                        "already one incident"
                    );
                    if same_org(x, y) {
                        prop_assert!(
                            l.reasons.iter().all(|r| matches!(r, LinkReason::SharedIndicator { .. })),
                            "same organisation: indicators only"
                        );
                        prop_assert!(!l.reasons.is_empty());
                    }
                    prop_assert!((1..=100).contains(&l.score));
                    proposed.insert((l.a.clone(), l.b.clone()));
                }
            }
            // Complete: every qualifying pair is proposed.
            for (i, x) in world.iter().enumerate() {
                for y in &world[i + 1..] {
                    let Some(p) = pair(&x.id, &y.id) else { continue };
                    let qualifies = link_of(x, y, &s).is_some()
                        && !dismissed.contains(&p)
                        && !(x.incident.is_some() && x.incident == y.incident);
                    prop_assert_eq!(proposed.contains(&p), qualifies, "{:?}", p);
                }
            }
        }
    }
}
