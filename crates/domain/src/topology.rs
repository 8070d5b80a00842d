//! 情報共有体制 — the edges of 別紙４－１ (normal times, N1–N25) and 別紙４－２ (large-scale
//! outage, L0–L10) as one table, each with what carries it in the product or why it is declined.
//!
//! `docs/sharing-edges.md` is generated from [`EDGES`] by [`markdown`] (a test keeps the two
//! equal) and the reference page draws the diagrams from the same table, so neither the document
//! nor the picture can drift from the code. Where routing code already encodes an edge, a test
//! below checks that the table and the routing agree.

use crate::org::OrgKind;

/// Which diagram an edge belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// 通常時 (別紙４－１); every such edge stays in force in a large-scale outage.
    Normal,
    /// 大規模重要インフラサービス障害対応時 (別紙４－２), in addition to the normal edges.
    LargeScale,
}

/// What travels on an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// 情報連絡 — reporting towards NISC.
    Liaison,
    /// 情報提供 — NISC's provisions downwards.
    Provision,
    /// 共有 — sharing sideways or downwards, or mutual sharing.
    Sharing,
    /// 連携要請 — a request for cooperation.
    Request,
    /// ホットライン — the emergency line.
    Hotline,
    /// 通報 — a crime report.
    CrimeReport,
    /// 体制 — building or joining a response structure.
    Structure,
}

impl EdgeKind {
    pub fn label_ja(self) -> &'static str {
        match self {
            EdgeKind::Liaison => "情報連絡",
            EdgeKind::Provision => "情報提供",
            EdgeKind::Sharing => "情報共有",
            EdgeKind::Request => "連携要請",
            EdgeKind::Hotline => "ホットライン",
            EdgeKind::CrimeReport => "通報",
            EdgeKind::Structure => "体制構築・連携",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            EdgeKind::Liaison => "liaison",
            EdgeKind::Provision => "provision",
            EdgeKind::Sharing => "sharing",
            EdgeKind::Request => "request for cooperation",
            EdgeKind::Hotline => "hotline",
            EdgeKind::CrimeReport => "crime report",
            EdgeKind::Structure => "response structure",
        }
    }
}

/// How binding the edge is in the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Obligation {
    /// 〜する／〜ものとする.
    Mandatory,
    /// 必要に応じ, 可能.
    Optional,
    /// Only when a condition holds (urgency, consent, agreement).
    Conditional,
    /// 自主的な判断.
    Voluntary,
}

impl Obligation {
    /// Drawn with a solid arrow; everything else is dashed.
    pub fn is_mandatory(self) -> bool {
        self == Obligation::Mandatory
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Obligation::Mandatory => "義務",
            Obligation::Optional => "必要に応じ",
            Obligation::Conditional => "条件付き",
            Obligation::Voluntary => "自主的",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Obligation::Mandatory => "mandatory",
            Obligation::Optional => "as needed",
            Obligation::Conditional => "conditional",
            Obligation::Voluntary => "voluntary",
        }
    }
}

/// Where the product stands on an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Carried by the named feature or route.
    Implemented(&'static str),
    /// Another part of the topology work will carry it (named).
    Planned(&'static str),
    /// Not carried by the platform, for the reason given (Japanese, English).
    Declined(&'static str, &'static str),
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Implemented(_) => "implemented",
            Status::Planned(_) => "planned",
            Status::Declined(..) => "declined",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Status::Implemented(_) => "実装済み",
            Status::Planned(_) => "予定",
            Status::Declined(..) => "対象外",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Status::Implemented(_) => "Implemented",
            Status::Planned(_) => "Planned",
            Status::Declined(..) => "Declined",
        }
    }
}

/// One edge of the diagrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub id: &'static str,
    pub mode: Mode,
    pub from: &'static [OrgKind],
    pub to: &'static [OrgKind],
    /// Drawn with arrowheads at both ends (mutual sharing, the hotline).
    pub both_ways: bool,
    pub content_ja: &'static str,
    pub content_en: &'static str,
    pub kind: EdgeKind,
    pub obligation: Obligation,
    /// Lines of the seed handbook text that ground the edge.
    pub seed_lines: &'static str,
    pub status: Status,
}

impl Edge {
    /// Whether the edge runs from `from` to `to` (either way when it runs both ways).
    pub fn connects(&self, from: OrgKind, to: OrgKind) -> bool {
        (self.from.contains(&from) && self.to.contains(&to))
            || (self.both_ways && self.from.contains(&to) && self.to.contains(&from))
    }
}

use EdgeKind as K;
use Mode::{LargeScale as L, Normal as N};
use Obligation as O;
use OrgKind::*;

const MINISTRIES_ETC: &[OrgKind] = &[
    CiMinistry,
    CybersecurityMinistry,
    IncidentResponseMinistry,
    DisasterManagementMinistry,
    CybersecurityAgency,
    CyberspaceBusiness,
];

const STAKEHOLDERS_BUT_AGENCIES: &[OrgKind] = &[
    Nisc,
    CrisisManagement,
    CiMinistry,
    CybersecurityMinistry,
    IncidentResponseMinistry,
    DisasterManagementMinistry,
    CyberspaceBusiness,
    Ceptoar,
    CeptoarCouncil,
    Operator,
];

/// The planned carriers, named once.
const SUBMIT: &str = "actor submissions to NISC: POST /api/v1/submissions, page /submissions (NISC records one as a provision source)";
const COOP: &str = "requests for cooperation: POST /api/v1/cooperation-requests, page /cooperation, with a reply thread and a status per addressee";
const DIRECT: &str = "direct report to the joined hub while the mode covers the sector: to_cabinet_secretariat, hop direct_to_hub (plan_first_hop / plan_ceptoar_hop)";

/// Every edge of 別紙４－１ and 別紙４－２ (notes part 3 §2.3, §2.4).
pub const EDGES: &[Edge] = &[
    Edge {
        id: "N1",
        mode: N,
        from: &[Operator],
        to: &[CiMinistry],
        both_ways: false,
        content_ja: "重要インフラサービス障害・システムの不具合等（法令等報告対象の事象等）",
        content_en: "CI service outages and system malfunctions (events subject to statutory reporting etc.)",
        kind: K::Liaison,
        obligation: O::Mandatory,
        seed_lines: "10141–10177, 2754–2788",
        status: Status::Implemented("liaison filing `POST /api/v1/liaisons` (hop `file` to the sector's ministry)"),
    },
    Edge {
        id: "N2",
        mode: N,
        from: &[Operator],
        to: &[Ceptoar],
        both_ways: false,
        content_ja: "事業者の予兆・ヒヤリハット等",
        content_en: "Operator's precursors and near misses",
        kind: K::Liaison,
        obligation: O::Optional,
        seed_lines: "10195–10209, 1259–1279",
        status: Status::Implemented("liaison filing with `via_ceptoar` (hop `file_via_ceptoar`, confined to operator and CEPTOAR)"),
    },
    Edge {
        id: "N3",
        mode: N,
        from: &[Ceptoar],
        to: &[CiMinistry],
        both_ways: false,
        content_ja: "予兆・ヒヤリハット等（法令等報告対象外の事象）※匿名化等した上で共有することが可能",
        content_en: "Precursors and near misses (non-statutory events), may be anonymised",
        kind: K::Liaison,
        obligation: O::Optional,
        seed_lines: "10283–10326, 1267–1271, 2802–2806",
        status: Status::Implemented("forward with anonymisation `POST /api/v1/copies/{id}/forward`"),
    },
    Edge {
        id: "N4",
        mode: N,
        from: &[Ceptoar],
        to: &[Operator],
        both_ways: false,
        content_ja: "セプター事務局に集まった情報の構成員への展開（匿名化）",
        content_en: "What the secretariat gathered, spread to the member operators (anonymised)",
        kind: K::Sharing,
        obligation: O::Optional,
        seed_lines: "1275–1279, 2469–2473, 11760–11854",
        status: Status::Implemented("share `POST /api/v1/copies/{id}/shares` to member operators (hop `share_members`, always anonymised)"),
    },
    Edge {
        id: "N5",
        mode: N,
        from: &[CiMinistry],
        to: &[Nisc],
        both_ways: false,
        content_ja: "障害・攻撃情報 等",
        content_en: "Failure and attack information",
        kind: K::Liaison,
        obligation: O::Mandatory,
        seed_lines: "10363–10372, 2790–2792, 11368–11419",
        status: Status::Implemented("forward `POST /api/v1/copies/{id}/forward`; NISC numbers it R<n>-<k>"),
    },
    Edge {
        id: "N6",
        mode: N,
        from: &[CiMinistry],
        to: &[Ceptoar],
        both_ways: false,
        content_ja: "事業者から受領したシステムの不具合等に関する情報（該当するセプターへ）",
        content_en: "Malfunction information received from operators, to the relevant CEPTOAR",
        kind: K::Sharing,
        obligation: O::Optional,
        seed_lines: "11408–11432",
        status: Status::Implemented("share `POST /api/v1/copies/{id}/shares` to a CEPTOAR of the report's sector (hop `share_ceptoar`)"),
    },
    Edge {
        id: "N7",
        mode: N,
        from: &[Nisc],
        to: &[CiMinistry],
        both_ways: false,
        content_ja: "早期警戒情報・復旧手法情報・各種関連情報 等",
        content_en: "Early warnings, recovery methods and related information",
        kind: K::Provision,
        obligation: O::Mandatory,
        seed_lines: "9961–10057, 2869–2879",
        status: Status::Implemented("provision `POST /api/v1/provisions/{id}/send` (ministries of the target sectors are the addressees)"),
    },
    Edge {
        id: "N8",
        mode: N,
        from: &[CiMinistry],
        to: &[Ceptoar],
        both_ways: false,
        content_ja: "早期警戒情報・復旧手法情報・各種関連情報 等（セプターの窓口へ）",
        content_en: "NISC's provision, passed to the CEPTOAR's point of contact",
        kind: K::Provision,
        obligation: O::Mandatory,
        seed_lines: "11434–11471, 2881",
        status: Status::Implemented("provision relay `POST /api/v1/provisions/{id}/relay` (ministry → CEPTOARs)"),
    },
    Edge {
        id: "N9",
        mode: N,
        from: &[Ceptoar],
        to: &[Operator],
        both_ways: false,
        content_ja: "早期警戒情報・復旧手法情報・各種関連情報 等（セプター内の規則に従い構成員へ）",
        content_en: "NISC's provision, passed to the members under the CEPTOAR's rules",
        kind: K::Provision,
        obligation: O::Mandatory,
        seed_lines: "2883, 2465–2467, 1379–1389",
        status: Status::Implemented("provision relay `POST /api/v1/provisions/{id}/relay` (CEPTOAR → member operators)"),
    },
    Edge {
        id: "N10",
        mode: N,
        from: &[Ceptoar, Operator],
        to: &[CiMinistry],
        both_ways: false,
        content_ja: "障害・攻撃情報 等（セプター２・セプターＸの矢印）",
        content_en: "Failure and attack information (the arrows drawn for CEPTOARs 2 and X)",
        kind: K::Liaison,
        obligation: O::Optional,
        seed_lines: "9990–9997, 10035–10041",
        status: Status::Implemented("liaison filing by an operator or a CEPTOAR `POST /api/v1/liaisons` (as N1/N3)"),
    },
    Edge {
        id: "N11",
        mode: N,
        from: &[Nisc],
        to: &[Ceptoar, Operator],
        both_ways: false,
        content_ja: "早期警戒情報等（特に緊急性を有する場合、直接。所管省庁へ同報）",
        content_en: "Early warning sent directly when especially urgent, ministry copied",
        kind: K::Provision,
        obligation: O::Conditional,
        seed_lines: "2885–2889",
        status: Status::Implemented("urgent provision with `direct_recipients` (domain::provision::direct)"),
    },
    Edge {
        id: "N12",
        mode: N,
        from: &[Operator],
        to: &[CiMinistry, Nisc],
        both_ways: false,
        content_ja: "特に緊急性を有する場合の同報",
        content_en: "Urgent report sent to the ministry and NISC at the same time",
        kind: K::Liaison,
        obligation: O::Conditional,
        seed_lines: "2798–2800",
        status: Status::Implemented("liaison filing with `urgent` (hop `urgent_copy`, or `urgent_copy_confined` on the CEPTOAR route)"),
    },
    Edge {
        id: "N13",
        mode: N,
        from: &[Nisc],
        to: &[Operator],
        both_ways: true,
        content_ja: "ホットライン（緊急時など）",
        content_en: "Hotline (emergencies etc.)",
        kind: K::Hotline,
        obligation: O::Conditional,
        seed_lines: "10232–10245, 1281–1282",
        status: Status::Implemented("points of contact (24/7 emergency, provisions PoC, CEPTOAR PoC) with last-verified dates and contact checks: /contacts, /api/v1/orgs/{id}/contacts, /api/v1/contact-checks"),
    },
    Edge {
        id: "N14",
        mode: N,
        from: &[Operator],
        to: &[IncidentResponseMinistry],
        both_ways: false,
        content_ja: "犯罪被害の通報等",
        content_en: "Report of crime victimisation",
        kind: K::CrimeReport,
        obligation: O::Voluntary,
        seed_lines: "10274–10281, 12022–12068",
        status: Status::Declined(
            "犯罪被害の通報は警察等への各機関の通報手続によるもので、本枠組みの様式・TLPの対象外。事案対処省庁に知らせる場合は情報連絡の追加共有先に指定できる。",
            "A crime report goes to the police through their own reporting procedures, outside this framework's forms and TLP; an operator that wants an incident-response ministry to see a liaison names it as an added recipient.",
        ),
    },
    Edge {
        id: "N15",
        mode: N,
        from: &[Nisc],
        to: &[CybersecurityAgency, CyberspaceBusiness],
        both_ways: false,
        content_ja: "連携要請",
        content_en: "Request for cooperation",
        kind: K::Request,
        obligation: O::Optional,
        seed_lines: "10091–10094, 2916–2918",
        status: Status::Implemented(COOP),
    },
    Edge {
        id: "N16",
        mode: N,
        from: &[CybersecurityAgency, CyberspaceBusiness],
        to: &[Nisc],
        both_ways: false,
        content_ja: "攻撃手法情報・復旧手法情報・各種関連情報 等（付加情報）",
        content_en: "Attack techniques, recovery methods, related and additional information",
        kind: K::Liaison,
        obligation: O::Mandatory,
        seed_lines: "10096–10117, 2908–2914, 2532, 2570–2572",
        status: Status::Implemented(SUBMIT),
    },
    Edge {
        id: "N17",
        mode: N,
        from: &[Nisc],
        to: &[CybersecurityMinistry],
        both_ways: false,
        content_ja: "連携要請",
        content_en: "Request for cooperation",
        kind: K::Request,
        obligation: O::Optional,
        seed_lines: "10247–10250",
        status: Status::Implemented(COOP),
    },
    Edge {
        id: "N18",
        mode: N,
        from: &[CybersecurityMinistry],
        to: &[Nisc],
        both_ways: false,
        content_ja: "攻撃手法情報・復旧手法情報・各種関連情報等",
        content_en: "Attack techniques, recovery methods and related information",
        kind: K::Liaison,
        obligation: O::Mandatory,
        seed_lines: "10252–10272, 2288, 2908–2910",
        status: Status::Implemented(SUBMIT),
    },
    Edge {
        id: "N19",
        mode: N,
        from: &[IncidentResponseMinistry, DisasterManagementMinistry],
        to: &[Nisc],
        both_ways: false,
        content_ja: "被災／被害情報・テロ関連情報・各種関連情報 等",
        content_en: "Disaster and damage information, terrorism-related information",
        kind: K::Liaison,
        obligation: O::Optional,
        seed_lines: "10339–10361, 2306–2308",
        status: Status::Implemented(SUBMIT),
    },
    Edge {
        id: "N20",
        mode: N,
        from: &[Nisc],
        to: MINISTRIES_ETC,
        both_ways: true,
        content_ja: "相互にシステムの不具合等に関する情報の共有",
        content_en: "Mutual sharing of system-malfunction information",
        kind: K::Sharing,
        obligation: O::Mandatory,
        seed_lines: "11130–11227",
        status: Status::Implemented("NISC → them: provisions (GREEN reaches every stakeholder); them → NISC: actor submissions (POST /api/v1/submissions, page /submissions)"),
    },
    Edge {
        id: "N21",
        mode: N,
        from: &[CrisisManagement],
        to: &[Nisc],
        both_ways: true,
        content_ja: "重要インフラに関連する事案の情報（4-1には描かれない）",
        content_en: "Information on CI-related incidents (not drawn in 4-1)",
        kind: K::Sharing,
        obligation: O::Mandatory,
        seed_lines: "10994–11031, 35798",
        status: Status::Implemented("※1 share `POST /api/v1/copies/{id}/share` (NISC → office, read under the policy's named route)"),
    },
    Edge {
        id: "N22",
        mode: N,
        from: &[Ceptoar],
        to: &[
            CiMinistry,
            IncidentResponseMinistry,
            DisasterManagementMinistry,
            CybersecurityAgency,
            CeptoarCouncil,
            Operator,
        ],
        both_ways: true,
        content_ja: "相互にシステムの不具合等に関する情報の共有（セプター事務局）",
        content_en: "Mutual sharing of malfunction information by the CEPTOAR secretariat",
        kind: K::Sharing,
        obligation: O::Mandatory,
        seed_lines: "11760–11854",
        status: Status::Implemented("N2, N3, N4, N6 and N23; other organisations as `added_recipients` on a filing or forward"),
    },
    Edge {
        id: "N23",
        mode: N,
        from: &[Ceptoar],
        to: &[CeptoarCouncil],
        both_ways: true,
        content_ja: "サービスの維持・復旧に向けた幅広い情報共有（セプター間、セプターカウンシルを通じて）",
        content_en: "Broad sharing towards maintaining and restoring services, between CEPTOARs through the council",
        kind: K::Sharing,
        obligation: O::Voluntary,
        seed_lines: "11533–11674, 12519–12527",
        status: Status::Implemented("share `POST /api/v1/copies/{id}/shares`: CEPTOAR → council (anonymised, `share_council`), council → chosen CEPTOARs (`share_via_council`)"),
    },
    Edge {
        id: "N24",
        mode: N,
        from: &[CybersecurityAgency],
        to: &[Operator, Ceptoar],
        both_ways: true,
        content_ja: "協定等に基づく補完的な情報共有",
        content_en: "Supplementary sharing under a bilateral agreement",
        kind: K::Sharing,
        obligation: O::Conditional,
        seed_lines: "2377, 2475, 2534–2538",
        status: Status::Declined(
            "個別の協定に基づく共有で、協定の内容は本枠組みの外にある。事業者・セプターは情報連絡の追加共有先に関係機関を指定できる。",
            "Sharing under a bilateral agreement whose terms lie outside the framework; an operator or CEPTOAR names the agency as an added recipient of a liaison.",
        ),
    },
    Edge {
        id: "N25",
        mode: N,
        from: &[CybersecurityAgency],
        to: STAKEHOLDERS_BUT_AGENCIES,
        both_ways: false,
        content_ja: "報告者の同意を得た上での匿名化した情報の共有",
        content_en: "Anonymised information shared onward with the reporter's consent",
        kind: K::Sharing,
        obligation: O::Conditional,
        seed_lines: "1292–1294, 2534–2538",
        status: Status::Implemented("share `POST /api/v1/copies/{id}/shares` by the agency (hop `share_agency`, anonymised) after the reporter approved a consent request"),
    },
    Edge {
        id: "L0",
        mode: L,
        from: &[Nisc, CrisisManagement],
        to: &[CrisisManagement, Nisc],
        both_ways: true,
        content_ja: "NISCと内閣官房（事態対処・危機管理担当）の一体化",
        content_en: "NISC and the crisis-management office act as one hub",
        kind: K::Structure,
        obligation: O::Mandatory,
        seed_lines: "10408–10424, 11034–11059, 11230–11256",
        status: Status::Implemented("declaration `POST /api/v1/large-scale`; the policy's crisis-management route for the declared sectors"),
    },
    Edge {
        id: "L1",
        mode: L,
        from: &[IncidentResponseMinistry, DisasterManagementMinistry],
        to: &[CrisisManagement],
        both_ways: false,
        content_ja: "被害情報、対応状況情報等（集約）",
        content_en: "Damage and response-status information, aggregated by the office",
        kind: K::Liaison,
        obligation: O::Mandatory,
        seed_lines: "11047–11096, 10716–10738",
        status: Status::Implemented("damage and response-status submissions of declared sectors read by the crisis-management office (policy decide_access), aggregated by sector on /submissions"),
    },
    Edge {
        id: "L2",
        mode: L,
        from: &[CrisisManagement],
        to: &[Nisc],
        both_ways: true,
        content_ja: "集約した被害・対応状況情報とシステムの不具合等に関する情報の相互共有",
        content_en: "Aggregated damage information and malfunction information, both ways",
        kind: K::Sharing,
        obligation: O::Mandatory,
        seed_lines: "11089–11111",
        status: Status::Implemented("the office reads what NISC holds in the declared sectors (policy route `crisis_management_exception`)"),
    },
    Edge {
        id: "L3",
        mode: L,
        from: &[CiMinistry],
        to: &[Nisc, CrisisManagement],
        both_ways: false,
        content_ja: "障害・攻撃情報 等（一体化した内閣官房へ）",
        content_en: "Failure and attack information, to the integrated hub",
        kind: K::Liaison,
        obligation: O::Mandatory,
        seed_lines: "10690–10698",
        status: Status::Implemented("N5 forward to NISC; the office reads it through the hub route while the mode lasts"),
    },
    Edge {
        id: "L4",
        mode: L,
        from: &[Nisc, CrisisManagement],
        to: MINISTRIES_ETC,
        both_ways: true,
        content_ja: "相互にシステムの不具合等に関する情報の共有（一体化した内閣官房）",
        content_en: "Mutual sharing of malfunction information by the integrated hub",
        kind: K::Sharing,
        obligation: O::Mandatory,
        seed_lines: "11230–11351",
        status: Status::Implemented("as N20; the office reads through the hub route while the mode lasts"),
    },
    Edge {
        id: "L5",
        mode: L,
        from: &[CiMinistry],
        to: &[Nisc, CrisisManagement],
        both_ways: false,
        content_ja: "必要に応じて大規模重要インフラサービス障害対応時の体制に協力",
        content_en: "Cooperation with the response structure as needed",
        kind: K::Structure,
        obligation: O::Optional,
        seed_lines: "11474–11517",
        status: Status::Declined(
            "体制への協力は組織間の取組であり、情報の流れは通常時の経路（N5）で運ばれる。",
            "Cooperating with the structure is an organisational act; its information travels on the normal routes (N5), which the hub reads.",
        ),
    },
    Edge {
        id: "L6",
        mode: L,
        from: &[CeptoarCouncil],
        to: &[Ceptoar],
        both_ways: true,
        content_ja: "大規模障害対応のための体制構築、セプター間をはじめとした関係機関との連携",
        content_en: "The council builds a response structure and coordinates the CEPTOARs",
        kind: K::Structure,
        obligation: O::Optional,
        seed_lines: "11677–11746",
        status: Status::Implemented("N23 shares through the council (the normal edge serves the structure)"),
    },
    Edge {
        id: "L7",
        mode: L,
        from: &[Ceptoar],
        to: &[CrisisManagement, Nisc],
        both_ways: true,
        content_ja: "セプター事務局と内閣官房をはじめとした関係機関との連携",
        content_en: "CEPTOAR secretariat liaises directly with the Cabinet Secretariat",
        kind: K::Structure,
        obligation: O::Optional,
        seed_lines: "11857–11925",
        status: Status::Implemented(DIRECT),
    },
    Edge {
        id: "L8",
        mode: L,
        from: &[Operator],
        to: &[CrisisManagement, Nisc],
        both_ways: true,
        content_ja: "事業者と内閣官房をはじめとした関係機関との連携（直接連絡）",
        content_en: "Operator liaises directly with the Cabinet Secretariat",
        kind: K::Structure,
        obligation: O::Optional,
        seed_lines: "12071–12139",
        status: Status::Implemented(DIRECT),
    },
    Edge {
        id: "L9",
        mode: L,
        from: &[
            CiMinistry,
            CybersecurityMinistry,
            IncidentResponseMinistry,
            DisasterManagementMinistry,
        ],
        to: &[
            CiMinistry,
            CybersecurityMinistry,
            IncidentResponseMinistry,
            DisasterManagementMinistry,
        ],
        both_ways: true,
        content_ja: "災害・テロ等に起因する場合の関係府省庁間の情報の集約・共有（平成15年閣議決定）",
        content_en: "Inter-ministry aggregation when caused by disaster or terrorism (2003 Cabinet decision)",
        kind: K::Sharing,
        obligation: O::Mandatory,
        seed_lines: "12144–12262, 1310–1316",
        status: Status::Declined(
            "「緊急事態に対する政府の初動対処体制について」に基づく政府の手続であり、本枠組みの様式・経路の外にある。",
            "Runs under the government's initial-response procedure of the 2003 Cabinet decision, outside this framework's forms and routes.",
        ),
    },
    Edge {
        id: "L10",
        mode: L,
        from: &[CrisisManagement],
        to: &[IncidentResponseMinistry, DisasterManagementMinistry],
        both_ways: true,
        content_ja: "内閣官房、事案対処省庁、防災関係府省庁から構成される情報共有体制",
        content_en: "Three-party sharing structure of the Cabinet Secretariat and the incident-response and disaster ministries",
        kind: K::Sharing,
        obligation: O::Mandatory,
        seed_lines: "2920–2924",
        status: Status::Implemented("damage and response-status submissions of declared sectors shared among the Cabinet Secretariat, incident-response and disaster-management ministries (policy Reason::LargeScaleStructure)"),
    },
];

/// The edge with this id.
pub fn edge(id: &str) -> Option<&'static Edge> {
    EDGES.iter().find(|e| e.id == id)
}

fn kinds(list: &[OrgKind]) -> String {
    list.iter()
        .map(|k| k.label_ja())
        .collect::<Vec<_>>()
        .join("、")
}

fn kinds_en(list: &[OrgKind]) -> String {
    list.iter()
        .map(|k| k.label_en())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The command that rewrites `docs/sharing-edges.md` from [`EDGES`].
pub const REGENERATE: &str = "KAKEHASHI_WRITE_DOCS=1 cargo test -p kakehashi-domain --lib topology";

/// `docs/sharing-edges.md`, generated from [`EDGES`].
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("# 情報共有体制の経路 — the edges of 別紙４－１ and 別紙４－２\n\n");
    out.push_str(&format!(
        "<!-- Generated from crates/domain/src/topology.rs; do not edit. Regenerate with: {REGENERATE} -->\n\n"
    ));
    out.push_str(
        "Every edge of the sharing diagrams (normal times N1–N25, large-scale outage L0–L10), what \
         carries it in Kakehashi, or why it is declined. Seed lines refer to the handbook text. \
         The reference page 「情報共有体制」 draws the diagrams from the same table. Every normal \
         edge stays in force during a large-scale outage.\n",
    );
    for (mode, title) in [
        (Mode::Normal, "通常時 (別紙４－１) — normal times"),
        (
            Mode::LargeScale,
            "大規模重要インフラサービス障害対応時 (別紙４－２) — large-scale outage",
        ),
    ] {
        out.push_str(&format!("\n## {title}\n\n"));
        out.push_str("| ID | From | To | Content | Kind | Obligation | Seed lines | Status |\n");
        out.push_str("|---|---|---|---|---|---|---|---|\n");
        for e in EDGES.iter().filter(|e| e.mode == mode) {
            let arrow = if e.both_ways { " (↔)" } else { "" };
            let status = match e.status {
                Status::Implemented(by) => format!("**Implemented**: {by}"),
                Status::Planned(by) => format!("**Planned**: {by}"),
                Status::Declined(_, en) => format!("**Declined**: {en}"),
            };
            out.push_str(&format!(
                "| {} | {}<br>{} | {}{}<br>{} | {}<br>{} | {} / {} | {} | {} | {} |\n",
                e.id,
                kinds(e.from),
                kinds_en(e.from),
                kinds(e.to),
                arrow,
                kinds_en(e.to),
                e.content_ja,
                e.content_en,
                e.kind.label_ja(),
                e.kind.label_en(),
                e.obligation.label_en(),
                e.seed_lines,
                status.replace('|', "\\|"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liaison::{
        may_forward, plan_first_hop, share_edge, HopTarget, RouteRequest, ShareEdge,
    };

    #[test]
    fn ids_are_unique_and_complete() {
        let mut want: Vec<String> = (1..=25).map(|n| format!("N{n}")).collect();
        want.extend((0..=10).map(|n| format!("L{n}")));
        let got: Vec<&str> = EDGES.iter().map(|e| e.id).collect();
        assert_eq!(got, want.iter().map(String::as_str).collect::<Vec<_>>());
        for e in EDGES {
            assert_eq!(e.mode == Mode::Normal, e.id.starts_with('N'), "{}", e.id);
            assert!(!e.from.is_empty() && !e.to.is_empty(), "{}", e.id);
            assert!(!e.content_ja.is_empty() && !e.content_en.is_empty());
            assert!(!e.seed_lines.is_empty());
            if let Status::Declined(ja, en) = e.status {
                assert!(!ja.is_empty() && !en.is_empty(), "{}", e.id);
            }
        }
    }

    #[test]
    fn docs_match_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/sharing-edges.md");
        let want = markdown();
        if std::env::var_os("KAKEHASHI_WRITE_DOCS").is_some() {
            std::fs::write(path, &want).expect("write docs/sharing-edges.md");
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/sharing-edges.md is out of date; regenerate with: {REGENERATE}"
        );
    }

    fn implemented(id: &str) -> &'static Edge {
        let e = edge(id).unwrap_or_else(|| panic!("{id} in the table"));
        assert!(
            matches!(e.status, Status::Implemented(_)),
            "{id} implemented"
        );
        e
    }

    /// 図３ first hops: the table's N1, N2, N12 are what the router plans.
    #[test]
    fn first_hops_agree_with_routing() {
        let statutory = plan_first_hop(&RouteRequest {
            statutory: true,
            ..Default::default()
        })
        .expect("statutory route");
        assert!(implemented("N1").connects(OrgKind::Operator, statutory.first.org_kind()));
        let via = plan_first_hop(&RouteRequest {
            via_ceptoar: true,
            operator_in_ceptoar: true,
            ..Default::default()
        })
        .expect("CEPTOAR route");
        assert!(implemented("N2").connects(OrgKind::Operator, via.first.org_kind()));
        let urgent = plan_first_hop(&RouteRequest {
            urgent: true,
            ..Default::default()
        })
        .expect("urgent route");
        assert!(urgent.urgent_copy_to_nisc);
        let n12 = implemented("N12");
        assert!(n12.connects(OrgKind::Operator, urgent.first.org_kind()));
        assert!(n12.connects(OrgKind::Operator, OrgKind::Nisc));
        // The direct report to the Cabinet Secretariat exists in the router only for the
        // large-scale mode: the table's L8.
        let cabinet = plan_first_hop(&RouteRequest {
            to_cabinet_secretariat: true,
            large_scale_mode: true,
            ..Default::default()
        })
        .expect("cabinet route");
        assert_eq!(cabinet.first, HopTarget::CabinetSecretariat);
        let l8 = edge("L8").expect("L8");
        assert_eq!(l8.mode, Mode::LargeScale);
        assert!(l8.connects(OrgKind::Operator, cabinet.first.org_kind()));
    }

    /// Every onward hop the router allows is an implemented liaison edge, and the liaison edges
    /// between the router's kinds are exactly those hops.
    #[test]
    fn onward_hops_agree_with_routing() {
        for holder in OrgKind::ALL {
            for to in OrgKind::ALL {
                if may_forward(holder, to) {
                    assert!(
                        EDGES.iter().any(|e| e.kind == EdgeKind::Liaison
                            && e.mode == Mode::Normal
                            && matches!(e.status, Status::Implemented(_))
                            && e.connects(holder, to)),
                        "{holder:?} -> {to:?}"
                    );
                }
            }
        }
        assert!(may_forward(OrgKind::Ceptoar, OrgKind::CiMinistry));
        assert!(implemented("N3").connects(OrgKind::Ceptoar, OrgKind::CiMinistry));
        assert!(implemented("N5").connects(OrgKind::CiMinistry, OrgKind::Nisc));
    }

    /// The share rule's pairs are exactly the implemented sideways edges it names.
    #[test]
    fn shares_agree_with_the_share_rule() {
        for holder in OrgKind::ALL {
            for to in OrgKind::ALL {
                if let Some(s) = share_edge(holder, to) {
                    let e = implemented(s.edge_id());
                    assert_eq!(e.kind, EdgeKind::Sharing);
                    assert!(e.connects(holder, to), "{} {holder:?} -> {to:?}", e.id);
                }
            }
        }
        for e in ShareEdge::ALL {
            let edge = implemented(e.edge_id());
            assert!(
                OrgKind::ALL.iter().any(|h| OrgKind::ALL
                    .iter()
                    .any(|t| edge.connects(*h, *t) && share_edge(*h, *t) == Some(e))),
                "{e:?}"
            );
        }
        // N25's recipients are the share rule's, exactly.
        let n25 = implemented("N25");
        for to in OrgKind::ALL {
            assert_eq!(
                n25.to.contains(&to),
                share_edge(OrgKind::CybersecurityAgency, to).is_some(),
                "{to:?}"
            );
        }
    }

    /// L0: who declares the mode is the hub the table names.
    #[test]
    fn large_scale_hub_agrees_with_declaring() {
        let l0 = implemented("L0");
        for k in OrgKind::ALL {
            assert_eq!(
                crate::large_scale::may_declare(k),
                l0.from.contains(&k),
                "{k:?}"
            );
        }
    }

    /// N11: the direct recipients of an urgent provision are the kinds the table names.
    #[test]
    fn urgent_provision_agrees_with_direct_recipients() {
        let n11 = implemented("N11");
        let s = [crate::SectorId("x".into())];
        for k in OrgKind::ALL {
            assert_eq!(
                crate::provision::direct::is_eligible(k, &s, &s),
                n11.to.contains(&k),
                "{k:?}"
            );
        }
    }

    #[test]
    fn the_crisis_management_office_is_drawn_only_in_large_scale_mode_or_n21() {
        for e in EDGES.iter().filter(|e| e.mode == Mode::Normal) {
            let touches = e.from.contains(&OrgKind::CrisisManagement)
                || e.to.contains(&OrgKind::CrisisManagement);
            assert_eq!(touches, matches!(e.id, "N21" | "N25"), "{}", e.id);
        }
    }
}
