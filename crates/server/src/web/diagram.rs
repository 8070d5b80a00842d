//! 別紙４－１ / ４－２ drawn from the topology table (`kakehashi_domain::topology::EDGES`) as
//! inline SVG, server-side and without JavaScript: solid arrows for mandatory edges, dashed
//! for optional or conditional ones; implemented edges dark, planned ones amber, declined ones
//! grey. Each edge is a group `id="edge-<ID>-<mode>"` with a `<title>` naming it, so the picture
//! can be checked against the table and read by hovering.

use crate::i18n::Lang;
use kakehashi_domain::topology::{Edge, Mode, Status, EDGES};
use kakehashi_domain::OrgKind;
use maud::{html, Markup};

const W: f64 = 1000.0;
const H: f64 = 720.0;
const BOX_W: f64 = 236.0;
const BOX_H: f64 = 44.0;

/// Where each actor sits.
fn position(k: OrgKind) -> (f64, f64) {
    match k {
        OrgKind::Nisc => (500.0, 50.0),
        OrgKind::CrisisManagement => (830.0, 50.0),
        OrgKind::CybersecurityMinistry => (140.0, 170.0),
        OrgKind::IncidentResponseMinistry => (140.0, 310.0),
        OrgKind::DisasterManagementMinistry => (140.0, 450.0),
        OrgKind::CiMinistry => (500.0, 300.0),
        OrgKind::CybersecurityAgency => (860.0, 190.0),
        OrgKind::CyberspaceBusiness => (860.0, 330.0),
        OrgKind::Ceptoar => (500.0, 520.0),
        OrgKind::CeptoarCouncil => (860.0, 560.0),
        OrgKind::Operator => (500.0, 670.0),
    }
}

/// The short names the diagram prints.
fn short(lang: Lang, k: OrgKind) -> &'static str {
    match k {
        OrgKind::Nisc => lang.t("内閣官房（NISC）", "Cabinet Secretariat (NISC)"),
        OrgKind::CrisisManagement => lang.t(
            "内閣官房（事態対処・危機管理担当）",
            "Cabinet Secretariat (crisis mgmt.)",
        ),
        OrgKind::CiMinistry => lang.t("重要インフラ所管省庁", "CI ministries"),
        OrgKind::CybersecurityMinistry => {
            lang.t("サイバーセキュリティ関係省庁", "Cybersecurity ministries")
        }
        OrgKind::IncidentResponseMinistry => lang.t("事案対処省庁", "Incident-response ministries"),
        OrgKind::DisasterManagementMinistry => {
            lang.t("防災関係府省庁", "Disaster-management ministries")
        }
        OrgKind::CybersecurityAgency => {
            lang.t("サイバーセキュリティ関係機関", "Cybersecurity agencies")
        }
        OrgKind::CyberspaceBusiness => lang.t("サイバー空間関連事業者", "Cyberspace businesses"),
        OrgKind::Ceptoar => lang.t("セプター（事務局）", "CEPTOARs (secretariats)"),
        OrgKind::CeptoarCouncil => lang.t("セプターカウンシル", "CEPTOAR Council"),
        OrgKind::Operator => lang.t("重要インフラ事業者等", "CI operators"),
    }
}

/// The actors a diagram draws: 別紙４－２ adds the crisis-management office.
pub fn nodes(mode: Mode) -> Vec<OrgKind> {
    OrgKind::ALL
        .into_iter()
        .filter(|k| mode == Mode::LargeScale || *k != OrgKind::CrisisManagement)
        .collect()
}

/// The edges a diagram draws: the normal ones in both (they stay in force), the large-scale
/// ones in 別紙４－２; an edge touching an actor the diagram does not draw is listed instead.
pub fn edges(mode: Mode) -> Vec<&'static Edge> {
    let drawn = nodes(mode);
    EDGES
        .iter()
        .filter(|e| mode == Mode::LargeScale || e.mode == Mode::Normal)
        .filter(|e| !segments(e, &drawn).is_empty())
        .collect()
}

/// The pairs an edge draws among `drawn`, each unordered pair once when it runs both ways.
fn segments(e: &Edge, drawn: &[OrgKind]) -> Vec<(OrgKind, OrgKind)> {
    let mut out: Vec<(OrgKind, OrgKind)> = Vec::new();
    for f in e.from {
        for t in e.to {
            if f == t || !drawn.contains(f) || !drawn.contains(t) {
                continue;
            }
            let dup = out
                .iter()
                .any(|(a, b)| (a == f && b == t) || (e.both_ways && a == t && b == f));
            if !dup {
                out.push((*f, *t));
            }
        }
    }
    out
}

/// Where the line from the centre of a box towards `(dx, dy)` leaves it.
fn border(c: (f64, f64), dx: f64, dy: f64) -> (f64, f64) {
    let tx = if dx.abs() > 1e-9 {
        (BOX_W / 2.0 + 4.0) / dx.abs()
    } else {
        f64::INFINITY
    };
    let ty = if dy.abs() > 1e-9 {
        (BOX_H / 2.0 + 4.0) / dy.abs()
    } else {
        f64::INFINITY
    };
    let t = tx.min(ty);
    (c.0 + dx * t, c.1 + dy * t)
}

fn colour(s: Status) -> &'static str {
    match s {
        Status::Implemented(_) => "impl",
        Status::Planned(_) => "plan",
        Status::Declined(..) => "decl",
    }
}

fn mode_code(mode: Mode) -> &'static str {
    match mode {
        Mode::Normal => "normal",
        Mode::LargeScale => "large",
    }
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// The SVG of one diagram.
pub fn svg(lang: Lang, mode: Mode) -> Markup {
    let drawn = nodes(mode);
    let list = edges(mode);
    // Every segment with its edge, then an offset index among the segments of the same pair.
    let mut segs: Vec<(&Edge, OrgKind, OrgKind)> = Vec::new();
    for e in &list {
        for (a, b) in segments(e, &drawn) {
            segs.push((e, a, b));
        }
    }
    let key = |a: OrgKind, b: OrgKind| if a <= b { (a, b) } else { (b, a) };
    let mut placed = Vec::with_capacity(segs.len());
    for (i, (e, a, b)) in segs.iter().enumerate() {
        let k = key(*a, *b);
        let total = segs.iter().filter(|(_, x, y)| key(*x, *y) == k).count();
        let nth = segs[..i]
            .iter()
            .filter(|(_, x, y)| key(*x, *y) == k)
            .count();
        let offset = (nth as f64 - (total as f64 - 1.0) / 2.0) * 9.0;
        let (p, q) = (position(*a), position(*b));
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        // Perpendicular offset, oriented by the unordered pair so both directions spread apart.
        let sign = if key(*a, *b) == (*a, *b) { 1.0 } else { -1.0 };
        let (ox, oy) = (-uy * offset * sign, ux * offset * sign);
        let s = border(p, ux, uy);
        let t = border(q, -ux, -uy);
        placed.push((*e, (s.0 + ox, s.1 + oy), (t.0 + ox, t.1 + oy)));
    }
    let title = match mode {
        Mode::Normal => lang.t(
            "別紙４－１ 情報共有体制（通常時）",
            "Annex 4-1: sharing structure, normal times",
        ),
        Mode::LargeScale => lang.t(
            "別紙４－２ 情報共有体制（大規模重要インフラサービス障害対応時）",
            "Annex 4-2: sharing structure, large-scale outage",
        ),
    };
    let m = mode_code(mode);
    html! {
        svg.topology #{ "diagram-" (m) } xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (W) " " (H) }
            role="img" aria-labelledby={ "diagram-" (m) "-title" } font-size="12" {
            title #{ "diagram-" (m) "-title" } { (title) }
            defs {
                @for c in ["impl", "plan", "decl"] {
                    marker #{ "arrow-" (m) "-" (c) } class={ "arrow-" (c) } viewBox="0 0 10 10" refX="9" refY="5"
                        markerWidth="7" markerHeight="7" orient="auto-start-reverse" {
                        path d="M0,0 L10,5 L0,10 z" {}
                    }
                }
            }
            @for (e, s, t) in &placed {
                @let c = colour(e.status);
                g.edge id={ "edge-" (e.id) "-" (m) } class={ "edge-" (c) @if !e.obligation.is_mandatory() { " edge-optional" } } data-edge=(e.id) {
                    title { (e.id) " " (lang.t(e.content_ja, e.content_en)) " — " (lang.t(e.status.label_ja(), e.status.label_en())) }
                    line x1=(f(s.0)) y1=(f(s.1)) x2=(f(t.0)) y2=(f(t.1))
                        marker-end={ "url(#arrow-" (m) "-" (c) ")" }
                        marker-start=[e.both_ways.then(|| format!("url(#arrow-{m}-{c})"))] {}
                    text x=(f((s.0 + t.0) / 2.0)) y=(f((s.1 + t.1) / 2.0 - 2.0)) text-anchor="middle" class="edge-label" { (e.id) }
                }
            }
            @for k in &drawn {
                @let (x, y) = position(*k);
                g.node id={ "node-" (k.code()) "-" (m) } {
                    rect x=(f(x - BOX_W / 2.0)) y=(f(y - BOX_H / 2.0)) width=(BOX_W) height=(BOX_H) rx="6" {}
                    text x=(f(x)) y=(f(y + 4.0)) text-anchor="middle" { (short(lang, *k)) }
                }
            }
        }
    }
}

fn kinds(lang: Lang, list: &[OrgKind]) -> String {
    list.iter()
        .map(|k| short(lang, *k))
        .collect::<Vec<_>>()
        .join(lang.t("、", ", "))
}

/// The table under a diagram: every edge of that mode with what carries it.
pub fn table(lang: Lang, mode: Mode) -> Markup {
    html! {
        table.list id={ "edges-" (mode_code(mode)) } {
            thead { tr {
                th { "ID" } th { (lang.t("送信元", "From")) } th { (lang.t("送信先", "To")) }
                th { (lang.t("内容", "Content")) } th { (lang.t("区分", "Obligation")) } th { (lang.t("状態", "Status")) }
            } }
            tbody {
                @for e in EDGES.iter().filter(|e| e.mode == mode) {
                    tr id={ "row-" (e.id) } class={ "status-" (e.status.code()) } {
                        td.mono { (e.id) }
                        td { (kinds(lang, e.from)) }
                        td { @if e.both_ways { "↔ " } (kinds(lang, e.to)) }
                        td.small { (lang.t(e.content_ja, e.content_en)) br; span.muted { (lang.t(e.kind.label_ja(), e.kind.label_en())) } }
                        td { (lang.t(e.obligation.label_ja(), e.obligation.label_en())) }
                        td.small {
                            strong { (lang.t(e.status.label_ja(), e.status.label_en())) }
                            @match e.status {
                                // What carries the edge is a technical reference (routes, hop kinds),
                                // written in English: shown on the English page; the Japanese page
                                // gives the status (the full table is docs/sharing-edges.md).
                                Status::Implemented(by) | Status::Planned(by) => { @if lang == Lang::En { br; span.mono { (by) } } }
                                Status::Declined(ja, en) => { br; (lang.t(ja, en)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The legend shared by both diagrams.
pub fn legend(lang: Lang) -> Markup {
    html! {
        ul.legend #topology-legend {
            li { span.swatch.impl {} (lang.t("実線：義務", "Solid: mandatory")) }
            li { span.swatch.optional {} (lang.t("破線：必要に応じ・条件付き・自主的", "Dashed: as needed, conditional or voluntary")) }
            li { span.swatch.impl {} (lang.t("濃色：実装済み", "Dark: implemented")) }
            li { span.swatch.plan {} (lang.t("橙色：予定", "Amber: planned")) }
            li { span.swatch.decl {} (lang.t("灰色：対象外（理由は表）", "Grey: declined (reason in the table)")) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_edge_is_drawn_or_listed() {
        for mode in [Mode::Normal, Mode::LargeScale] {
            let svg = svg(Lang::Ja, mode).into_string();
            let m = mode_code(mode);
            for e in edges(mode) {
                assert!(
                    svg.contains(&format!("id=\"edge-{}-{m}\"", e.id)),
                    "{}",
                    e.id
                );
            }
            assert!(!svg.contains("<script"));
        }
        // 4-2 draws every edge; 4-1 every normal edge but N21 (the office is not drawn there).
        assert_eq!(edges(Mode::LargeScale).len(), EDGES.len());
        let normal: Vec<&str> = edges(Mode::Normal).iter().map(|e| e.id).collect();
        for e in EDGES.iter().filter(|e| e.mode == Mode::Normal) {
            assert_eq!(normal.contains(&e.id), e.id != "N21", "{}", e.id);
        }
    }

    #[test]
    fn the_office_appears_only_in_4_2() {
        let n = svg(Lang::Ja, Mode::Normal).into_string();
        let l = svg(Lang::Ja, Mode::LargeScale).into_string();
        assert!(!n.contains("node-crisis_management"));
        assert!(l.contains("内閣官房（事態対処・危機管理担当）"));
        let en = svg(Lang::En, Mode::LargeScale).into_string();
        assert!(en.contains("CEPTOAR Council") && !en.contains("セプターカウンシル"));
    }

    #[test]
    fn solid_for_mandatory_dashed_otherwise() {
        let svg = svg(Lang::Ja, Mode::Normal).into_string();
        let tag = |id: &str| {
            let at = svg
                .find(&format!("id=\"edge-{id}-normal\""))
                .expect("edge drawn");
            let start = svg[..at].rfind('<').expect("tag start");
            let end = at + svg[at..].find('>').expect("tag end");
            svg[start..end].to_owned()
        };
        let n1 = tag("N1");
        assert!(
            n1.contains("edge-impl") && !n1.contains("edge-optional"),
            "{n1}"
        );
        let n2 = tag("N2");
        assert!(
            n2.contains("edge-impl") && n2.contains("edge-optional"),
            "{n2}"
        );
        let n14 = tag("N14");
        assert!(
            n14.contains("edge-decl") && n14.contains("edge-optional"),
            "{n14}"
        );
    }
}
