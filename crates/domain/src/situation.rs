//! 状況把握 — the rules of the cross-sector situation picture, in plain Rust.
//!
//! * **The sector dependency graph.** An edge `sector → depends_on` says that an outage in
//!   `depends_on` may spill over into `sector`. The framework names this spill-over as a cause of
//!   its own, 「他分野の障害からの波及」 (CA-A-08), and gives its example: 「通信の途絶や停電等の
//!   他の重要インフラ分野で発生した障害による影響など」 (seed lines 28111–28178). The Action Plan
//!   speaks of the 相互依存関係 between CI sectors (line 957) and tasks the Cabinet Secretariat
//!   with a 相互依存性調査 of which other sectors an outage 波及 to (lines 1633–1645; footnote
//!   at 25470). The seed names no finer map than the example, so the [default](default_edges) is
//!   exactly that example: every sector depends on 電力 (停電) and 情報通信 (通信の途絶), and the
//!   two depend on each other. NISC may replace it (a platform setting), checked by
//!   [`validate`]: known sectors only, no self-edges, no duplicates.
//!
//! * **The cascade rule.** A sector is a *source* when it has an open chain with importance
//!   警報 or 注意喚起, or one whose ⑥ says the service maintenance level was breached (逸脱あり).
//!   A sector is *at risk* when a sector it depends on **directly** is a source ([`at_risk`]).
//!   One hop only: the seed describes direct spill-over from another sector, and through the
//!   two hub sectors a transitive closure would mark every sector whenever anything happened.
//!   The rule is applied to what the viewer reads in detail: a sector the viewer sees as a count
//!   only tells nothing about importance or breaches, so it never lights the map.
//!
//! * **Counts outside the viewer's scope.** Open chains the viewer may not read are counted per
//!   sector only, and a count stands only when at least k distinct reporting organisations
//!   are behind it ([`mask`], k as in [`crate::statistics`]); a smaller one is shown as `<k`.
//!
//! * **Age** since ② 判明 is shown in [`AgeBand`]s.

use crate::liaison::NextSteps;
use crate::statistics::effective_k;
use crate::Importance;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Seed lines of the cascade wording the default edges rest on (別紙３ CA-A-08).
pub const SEED_LINES_CASCADE: &str = "28111-28178";
/// Seed lines of 相互依存性調査 (Action Plan).
pub const SEED_LINES_INTERDEPENDENCE: &str = "957, 1633-1645";
/// 電力 — 停電 in the seed's example.
pub const POWER: &str = "electric_power";
/// 情報通信 — 通信の途絶 in the seed's example.
pub const TELECOMS: &str = "information_communications";
/// The most edges a graph may have (every ordered pair of the fifteen sectors fits).
pub const EDGES_MAX: usize = 400;

/// One dependency: `sector` depends on `depends_on`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Edge {
    /// The dependent sector (code).
    pub sector: String,
    /// The sector it depends on (code).
    pub depends_on: String,
}

impl Edge {
    pub fn new(sector: &str, depends_on: &str) -> Self {
        Edge {
            sector: sector.to_owned(),
            depends_on: depends_on.to_owned(),
        }
    }
}

/// The default graph over `sectors` (codes, in reference order): every sector depends on 電力
/// and 情報通信, and those two on each other — 「通信の途絶や停電等の他の重要インフラ分野で発生
/// した障害による影響」 (seed lines 28111–28178). Hubs missing from `sectors` are left out.
pub fn default_edges(sectors: &[&str]) -> Vec<Edge> {
    let hubs: Vec<&str> = [POWER, TELECOMS]
        .into_iter()
        .filter(|h| sectors.contains(h))
        .collect();
    let mut out = Vec::new();
    for s in sectors {
        for h in &hubs {
            if s != h {
                out.push(Edge::new(s, h));
            }
        }
    }
    out
}

/// Why a graph was refused: the row (0-based), the field and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphError {
    pub index: usize,
    /// `sector` or `depends_on`; `edges` for the whole list.
    pub field: &'static str,
    pub rule: GraphRule,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphRule {
    /// Not a sector of the reference data.
    UnknownSector,
    /// A sector depending on itself.
    SelfEdge,
    /// The same edge twice.
    Duplicate,
    /// More than [`EDGES_MAX`] edges.
    TooMany,
}

impl GraphRule {
    pub fn code(self) -> &'static str {
        match self {
            GraphRule::UnknownSector => "unknown_code",
            GraphRule::SelfEdge => "self_edge",
            GraphRule::Duplicate => "duplicate",
            GraphRule::TooMany => "too_many",
        }
    }
}

/// Checks a graph against the known sector codes; the first problem is returned.
pub fn validate(edges: &[Edge], known: &[&str]) -> Result<(), GraphError> {
    if edges.len() > EDGES_MAX {
        return Err(GraphError {
            index: EDGES_MAX,
            field: "edges",
            rule: GraphRule::TooMany,
            value: edges.len().to_string(),
        });
    }
    let mut seen = BTreeSet::new();
    for (index, e) in edges.iter().enumerate() {
        for (field, v) in [("sector", &e.sector), ("depends_on", &e.depends_on)] {
            if !known.contains(&v.as_str()) {
                return Err(GraphError {
                    index,
                    field,
                    rule: GraphRule::UnknownSector,
                    value: v.clone(),
                });
            }
        }
        if e.sector == e.depends_on {
            return Err(GraphError {
                index,
                field: "depends_on",
                rule: GraphRule::SelfEdge,
                value: e.depends_on.clone(),
            });
        }
        if !seen.insert(e) {
            return Err(GraphError {
                index,
                field: "depends_on",
                rule: GraphRule::Duplicate,
                value: e.depends_on.clone(),
            });
        }
    }
    Ok(())
}

/// What one open chain the viewer reads in detail contributes to the cascade rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub sector: String,
    pub importance: Option<Importance>,
    /// ⑥ サービス維持レベル逸脱: `Some(true)` = 逸脱あり.
    pub sml_breach: Option<bool>,
}

impl Signal {
    /// 警報, 注意喚起 or a service-level breach.
    pub fn raises(&self) -> bool {
        let important = match self.importance {
            Some(Importance::Alert) | Some(Importance::Caution) => true,
            Some(Importance::Reference) | None => false,
        };
        important || self.sml_breach == Some(true)
    }
}

/// The sectors that are sources (they have a raising signal), in code order.
pub fn sources(signals: &[Signal]) -> BTreeSet<String> {
    signals
        .iter()
        .filter(|s| s.raises())
        .map(|s| s.sector.clone())
        .collect()
}

/// The sectors at risk of cascade, each with the source sectors it depends on directly.
pub fn at_risk(edges: &[Edge], signals: &[Signal]) -> BTreeMap<String, Vec<String>> {
    let src = sources(signals);
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in edges {
        if e.sector != e.depends_on && src.contains(&e.depends_on) {
            let because = out.entry(e.sector.clone()).or_default();
            if !because.contains(&e.depends_on) {
                because.push(e.depends_on.clone());
            }
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// A count of chains outside the viewer's scope, as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "count")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Masked {
    /// The number, standing for at least k organisations (or none at all).
    Count(u64),
    /// Some chains, of fewer than k organisations: shown as `<k`.
    BelowK,
}

impl Masked {
    /// The text on screen: the number or `<k`.
    pub fn shown(self, k: u32) -> String {
        match self {
            Masked::Count(n) => n.to_string(),
            Masked::BelowK => format!("<{}", effective_k(k)),
        }
    }
    /// The number when it may be shown.
    pub fn count(self) -> Option<u64> {
        match self {
            Masked::Count(n) => Some(n),
            Masked::BelowK => None,
        }
    }
}

/// The k rule on a per-sector count of `chains` from `orgs` distinct reporting organisations.
pub fn mask(chains: u64, orgs: u64, k: u32) -> Masked {
    let k = u64::from(effective_k(k));
    if chains == 0 {
        Masked::Count(0)
    } else if orgs < k || chains < k {
        Masked::BelowK
    } else {
        Masked::Count(chains)
    }
}

/// How long since ② 判明.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AgeBand {
    /// Under one hour.
    UnderHour,
    /// One to six hours.
    Hours,
    /// Six hours to a day.
    Day,
    /// One to seven days.
    Week,
    /// Over seven days.
    Older,
    /// 判明 not given.
    Unknown,
}

impl AgeBand {
    pub const ALL: [AgeBand; 6] = [
        AgeBand::UnderHour,
        AgeBand::Hours,
        AgeBand::Day,
        AgeBand::Week,
        AgeBand::Older,
        AgeBand::Unknown,
    ];
    pub fn of(minutes: Option<i64>) -> Self {
        match minutes {
            None => AgeBand::Unknown,
            Some(m) if m < 60 => AgeBand::UnderHour,
            Some(m) if m < 6 * 60 => AgeBand::Hours,
            Some(m) if m < 24 * 60 => AgeBand::Day,
            Some(m) if m < 7 * 24 * 60 => AgeBand::Week,
            Some(_) => AgeBand::Older,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            AgeBand::UnderHour => "under_1h",
            AgeBand::Hours => "1h_6h",
            AgeBand::Day => "6h_24h",
            AgeBand::Week => "1d_7d",
            AgeBand::Older => "over_7d",
            AgeBand::Unknown => "unknown",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            AgeBand::UnderHour => "1時間未満",
            AgeBand::Hours => "1〜6時間",
            AgeBand::Day => "6〜24時間",
            AgeBand::Week => "1〜7日",
            AgeBand::Older => "7日超",
            AgeBand::Unknown => "判明日時なし",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            AgeBand::UnderHour => "Under 1 hour",
            AgeBand::Hours => "1–6 hours",
            AgeBand::Day => "6–24 hours",
            AgeBand::Week => "1–7 days",
            AgeBand::Older => "Over 7 days",
            AgeBand::Unknown => "No discovery time",
        }
    }
}

/// The state of an open chain as ⑧ 今後の予定 of the newest copy the viewer reads says it.
pub fn state_code(next: Option<NextSteps>) -> &'static str {
    next.map(NextSteps::code).unwrap_or("unknown")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTORS: [&str; 5] = [TELECOMS, "finance", "railway", POWER, "gas"];

    fn signal(sector: &str, importance: Option<Importance>, breach: Option<bool>) -> Signal {
        Signal {
            sector: sector.into(),
            importance,
            sml_breach: breach,
        }
    }

    #[test]
    fn the_default_graph_is_the_seed_example() {
        let edges = default_edges(&SECTORS);
        // Three ordinary sectors × two hubs, and the hubs on each other.
        assert_eq!(edges.len(), 3 * 2 + 2);
        for s in ["finance", "railway", "gas"] {
            assert!(edges.contains(&Edge::new(s, POWER)), "{s}");
            assert!(edges.contains(&Edge::new(s, TELECOMS)), "{s}");
        }
        assert!(edges.contains(&Edge::new(POWER, TELECOMS)));
        assert!(edges.contains(&Edge::new(TELECOMS, POWER)));
        assert!(edges.iter().all(|e| e.sector != e.depends_on));
        assert_eq!(validate(&edges, &SECTORS), Ok(()));
        // Without the hubs there is nothing to depend on.
        assert!(default_edges(&["finance", "gas"]).is_empty());
    }

    #[test]
    fn the_embedded_sectors_have_both_hubs() {
        let r = kakehashi_reference::embedded();
        let codes: Vec<&str> = r.sectors().iter().map(|s| s.id.as_str()).collect();
        assert!(codes.contains(&POWER) && codes.contains(&TELECOMS));
        let edges = default_edges(&codes);
        assert_eq!(edges.len(), (codes.len() - 2) * 2 + 2);
        assert_eq!(validate(&edges, &codes), Ok(()));
    }

    #[test]
    fn a_graph_is_checked_row_by_row() {
        let bad = |edges: &[Edge]| validate(edges, &SECTORS).expect_err("refused");
        let e = bad(&[Edge::new("finance", POWER), Edge::new("banks", POWER)]);
        assert_eq!(
            (e.index, e.field, e.rule),
            (1, "sector", GraphRule::UnknownSector)
        );
        let e = bad(&[Edge::new("finance", "moon")]);
        assert_eq!(
            (e.index, e.field, e.rule, e.value.as_str()),
            (0, "depends_on", GraphRule::UnknownSector, "moon")
        );
        let e = bad(&[Edge::new("gas", "gas")]);
        assert_eq!((e.field, e.rule), ("depends_on", GraphRule::SelfEdge));
        let e = bad(&[Edge::new("gas", POWER), Edge::new("gas", POWER)]);
        assert_eq!((e.index, e.rule), (1, GraphRule::Duplicate));
        let many = vec![Edge::new("gas", POWER); EDGES_MAX + 1];
        assert_eq!(bad(&many).rule, GraphRule::TooMany);
        // An empty graph is allowed: nothing is ever at risk.
        assert_eq!(validate(&[], &SECTORS), Ok(()));
        assert_eq!(GraphRule::SelfEdge.code(), "self_edge");
    }

    #[test]
    fn alert_caution_or_breach_raise_a_sector() {
        assert!(signal(POWER, Some(Importance::Alert), None).raises());
        assert!(signal(POWER, Some(Importance::Caution), Some(false)).raises());
        assert!(signal(POWER, Some(Importance::Reference), Some(true)).raises());
        assert!(signal(POWER, None, Some(true)).raises());
        assert!(!signal(POWER, Some(Importance::Reference), Some(false)).raises());
        assert!(!signal(POWER, None, None).raises());
    }

    #[test]
    fn a_power_alert_puts_its_dependants_at_risk_one_hop_only() {
        let edges = default_edges(&SECTORS);
        let risk = at_risk(&edges, &[signal(POWER, Some(Importance::Alert), None)]);
        let at: Vec<&str> = risk.keys().map(String::as_str).collect();
        assert_eq!(at, vec!["finance", "gas", TELECOMS, "railway"]);
        assert_eq!(risk["finance"], vec![POWER.to_owned()]);
        assert!(!risk.contains_key(POWER), "not at risk from itself");

        // A reference-level chain raises nothing.
        assert!(at_risk(&edges, &[signal(POWER, Some(Importance::Reference), None)]).is_empty());

        // An ordinary sector's alert puts nobody at risk in the default graph.
        assert!(at_risk(&edges, &[signal("finance", Some(Importance::Alert), None)]).is_empty());

        // One hop: gas → finance → power; a power alert does not reach gas.
        let chain = vec![Edge::new("finance", POWER), Edge::new("gas", "finance")];
        let risk = at_risk(&chain, &[signal(POWER, Some(Importance::Alert), None)]);
        assert_eq!(risk.keys().collect::<Vec<_>>(), vec!["finance"]);

        // Both hubs raised: a sector names both, once each.
        let risk = at_risk(
            &edges,
            &[
                signal(POWER, Some(Importance::Alert), None),
                signal(POWER, Some(Importance::Caution), None),
                signal(TELECOMS, None, Some(true)),
            ],
        );
        assert_eq!(risk["railway"], vec![POWER.to_owned(), TELECOMS.to_owned()]);
        assert_eq!(risk[POWER], vec![TELECOMS.to_owned()]);
        assert_eq!(risk[TELECOMS], vec![POWER.to_owned()]);
    }

    #[test]
    fn counts_below_k_organisations_are_masked() {
        assert_eq!(mask(0, 0, 3), Masked::Count(0));
        assert_eq!(mask(1, 1, 3), Masked::BelowK);
        assert_eq!(
            mask(7, 2, 3),
            Masked::BelowK,
            "many chains, too few companies"
        );
        assert_eq!(mask(3, 3, 3), Masked::Count(3));
        assert_eq!(mask(2, 2, 2), Masked::Count(2));
        // k is never below 2.
        assert_eq!(mask(1, 1, 0), Masked::BelowK);
        assert_eq!(Masked::BelowK.shown(3), "<3");
        assert_eq!(Masked::BelowK.shown(1), "<2");
        assert_eq!(Masked::Count(4).shown(3), "4");
        assert_eq!(Masked::BelowK.count(), None);
        assert_eq!(
            serde_json::to_value(Masked::Count(4)).expect("json"),
            serde_json::json!({ "kind": "count", "count": 4 })
        );
        assert_eq!(
            serde_json::to_value(Masked::BelowK).expect("json"),
            serde_json::json!({ "kind": "below_k" })
        );
    }

    #[test]
    fn ages_fall_in_bands() {
        assert_eq!(AgeBand::of(None), AgeBand::Unknown);
        assert_eq!(AgeBand::of(Some(0)), AgeBand::UnderHour);
        assert_eq!(AgeBand::of(Some(59)), AgeBand::UnderHour);
        assert_eq!(AgeBand::of(Some(60)), AgeBand::Hours);
        assert_eq!(AgeBand::of(Some(6 * 60)), AgeBand::Day);
        assert_eq!(AgeBand::of(Some(24 * 60)), AgeBand::Week);
        assert_eq!(AgeBand::of(Some(7 * 24 * 60)), AgeBand::Older);
        assert_eq!(state_code(None), "unknown");
        assert_eq!(state_code(Some(NextSteps::Ongoing)), "ongoing");
    }
}
