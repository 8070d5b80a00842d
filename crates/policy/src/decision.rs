//! [`decide`]: may this viewer read this item? The rules are documented on [`decide`].

use crate::scope::{ItemScope, Viewer};
use kakehashi_domain::{Employment, OrgKind, SectorId, Tlp};
use serde::{Deserialize, Serialize};

/// 閲覧可否の判定結果 — whether the viewer may read the item, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Decision {
    pub allowed: bool,
    pub reason: Reason,
}

impl Decision {
    pub(crate) fn allow(reason: Reason) -> Self {
        debug_assert!(reason.is_allow());
        Decision {
            allowed: true,
            reason,
        }
    }

    pub(crate) fn deny(reason: Reason) -> Self {
        debug_assert!(!reason.is_allow());
        Decision {
            allowed: false,
            reason,
        }
    }
}

/// 判定理由 — the rule that admitted the viewer, or the first condition that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The viewer's organisation is the sender, an addressee or an added recipient.
    NamedOrganisation,
    /// The viewer belongs to NISC's CI protection unit, in every AMBER/AMBER+STRICT audience.
    Hub,
    /// The viewer belongs to 内閣官房（事態対処・危機管理担当）, NISC holds the item and the
    /// large-scale outage mode is declared (※１ without a share by NISC).
    CrisisManagementException,
    /// The viewer belongs to an incident-response or disaster-management ministry, which with
    /// the Cabinet Secretariat forms the sharing structure of a large-scale outage (別添 3.3④,
    /// 別紙４－２ L10): damage and response status of the declared sectors.
    LargeScaleStructure,
    /// The viewer's ministry, CEPTOAR or operator is concerned with the item's sector.
    ConcernedSector,
    /// GREEN: the viewer belongs to a CI stakeholder (重要インフラ関係主体).
    Stakeholder,
    /// CLEAR: public information.
    Public,
    /// The level admits the organisation's own staff only (RED, AMBER+STRICT).
    DeniedEmployment,
    /// The viewer has no need-to-know for the sector(s) through which they would read the item.
    DeniedNeedToKnow,
    /// A restricted item (RED, AMBER+STRICT, AMBER) names no sector: nobody reads it.
    DeniedNoSector,
    /// No route opens the item to the viewer's organisation.
    DeniedOutsideScope,
    /// NISC's own staff read NISC's internal working material (see [`decide_hub_internal`]).
    HubStaff,
    /// The viewer's own organisation's records (its points of contact, its contact checks).
    OwnOrganisation,
}

impl Reason {
    pub const ALL: [Reason; 13] = [
        Reason::NamedOrganisation,
        Reason::Hub,
        Reason::CrisisManagementException,
        Reason::LargeScaleStructure,
        Reason::ConcernedSector,
        Reason::Stakeholder,
        Reason::Public,
        Reason::DeniedEmployment,
        Reason::DeniedNeedToKnow,
        Reason::DeniedNoSector,
        Reason::DeniedOutsideScope,
        Reason::HubStaff,
        Reason::OwnOrganisation,
    ];

    /// True for the reasons that admit.
    pub fn is_allow(self) -> bool {
        match self {
            Reason::NamedOrganisation
            | Reason::Hub
            | Reason::CrisisManagementException
            | Reason::LargeScaleStructure
            | Reason::ConcernedSector
            | Reason::Stakeholder
            | Reason::Public
            | Reason::HubStaff
            | Reason::OwnOrganisation => true,
            Reason::DeniedEmployment
            | Reason::DeniedNeedToKnow
            | Reason::DeniedNoSector
            | Reason::DeniedOutsideScope => false,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Reason::NamedOrganisation => "named_organisation",
            Reason::Hub => "hub",
            Reason::CrisisManagementException => "crisis_management_exception",
            Reason::LargeScaleStructure => "large_scale_structure",
            Reason::ConcernedSector => "concerned_sector",
            Reason::Stakeholder => "stakeholder",
            Reason::Public => "public",
            Reason::DeniedEmployment => "denied_employment",
            Reason::DeniedNeedToKnow => "denied_need_to_know",
            Reason::DeniedNoSector => "denied_no_sector",
            Reason::DeniedOutsideScope => "denied_outside_scope",
            Reason::HubStaff => "hub_staff",
            Reason::OwnOrganisation => "own_organisation",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Reason::NamedOrganisation => {
                "Named organisation (sender, addressee or added recipient)"
            }
            Reason::Hub => "NISC critical-infrastructure protection unit",
            Reason::CrisisManagementException => {
                "Crisis-management office during a large-scale outage; the item is held by NISC (*1)"
            }
            Reason::LargeScaleStructure => {
                "Incident-response or disaster-management ministry in the large-scale sharing structure"
            }
            Reason::ConcernedSector => "Organisation of a directly concerned sector",
            Reason::Stakeholder => "CI stakeholder",
            Reason::Public => "Public information",
            Reason::DeniedEmployment => {
                "Denied: this level admits the organisation's own staff only"
            }
            Reason::DeniedNeedToKnow => "Denied: no need to know for the item's sector",
            Reason::DeniedNoSector => "Denied: the restricted item names no sector",
            Reason::DeniedOutsideScope => "Denied: outside the item's sharing scope",
            Reason::HubStaff => {
                "NISC critical-infrastructure protection unit, own staff (internal material)"
            }
            Reason::OwnOrganisation => "The viewer's own organisation",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Reason::NamedOrganisation => "宛先等の組織（情報連絡元・宛先・追加共有先）",
            Reason::Hub => "NISC重要インフラ防護担当",
            Reason::CrisisManagementException => {
                "大規模障害対応時の内閣官房（事態対処・危機管理担当）（NISCが保有する情報、※１）"
            }
            Reason::LargeScaleStructure => {
                "大規模障害対応時の情報共有体制（内閣官房・事案対処省庁・防災関係府省庁）"
            }
            Reason::ConcernedSector => {
                "直接関係する分野の重要インフラ所管省庁・セプター・重要インフラ事業者等"
            }
            Reason::Stakeholder => "重要インフラ関係主体",
            Reason::Public => "公開情報",
            Reason::DeniedEmployment => "閲覧不可：その組織の職員限り",
            Reason::DeniedNeedToKnow => "閲覧不可：業務の遂行に当たって知る必要がない",
            Reason::DeniedNoSector => "閲覧不可：分野が指定されていない",
            Reason::DeniedOutsideScope => "閲覧不可：情報共有範囲外",
            Reason::HubStaff => "NISC重要インフラ防護担当の職員（内部資料）",
            Reason::OwnOrganisation => "自組織",
        }
    }
}

/// A way a restricted item is opened to an organisation. Shared by [`decide`] and
/// [`crate::audience`] so the two cannot drift apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Named,
    Hub,
    CrisisManagement,
    ConcernedSector,
}

impl Route {
    /// In the order [`decide`] reports them.
    pub(crate) const ALL: [Route; 4] = [
        Route::Named,
        Route::Hub,
        Route::CrisisManagement,
        Route::ConcernedSector,
    ];

    fn reason(self) -> Reason {
        match self {
            Route::Named => Reason::NamedOrganisation,
            Route::Hub => Reason::Hub,
            Route::CrisisManagement => Reason::CrisisManagementException,
            Route::ConcernedSector => Reason::ConcernedSector,
        }
    }

    /// Whether the route exists at `tlp`. Only restricted levels have routes.
    pub(crate) fn open_at(self, tlp: Tlp) -> bool {
        match tlp {
            Tlp::Red => matches!(self, Route::Named | Route::CrisisManagement),
            Tlp::AmberStrict | Tlp::Amber => true,
            Tlp::Green | Tlp::Clear => false,
        }
    }

    /// Whether an item opens this route at all (crisis management needs NISC to hold it).
    pub(crate) fn offered_by(self, item: &ItemScope) -> bool {
        match self {
            Route::CrisisManagement => item.held_by_nisc,
            Route::Named | Route::Hub | Route::ConcernedSector => true,
        }
    }

    /// Whether the viewer's organisation stands on this route for `item`.
    fn reaches(self, viewer: &Viewer, item: &ItemScope) -> bool {
        match self {
            Route::Named => item.names(&viewer.org),
            Route::Hub => viewer.org_kind == OrgKind::Nisc,
            Route::CrisisManagement => {
                viewer.org_kind == OrgKind::CrisisManagement
                    && item
                        .sectors
                        .iter()
                        .any(|s| viewer.large_scale_sectors.contains(s))
            }
            Route::ConcernedSector => {
                is_sector_kind(viewer.org_kind)
                    && item.sectors.iter().any(|s| viewer.org_sectors.contains(s))
            }
        }
    }

    /// The item sectors through which the route opens the item to the viewer; the need-to-know
    /// gate must be met on one of them.
    fn sectors<'a>(
        self,
        viewer: &'a Viewer,
        item: &'a ItemScope,
    ) -> impl Iterator<Item = &'a SectorId> {
        item.sectors.iter().filter(move |s| match self {
            Route::ConcernedSector => viewer.org_sectors.contains(s),
            Route::CrisisManagement => viewer.large_scale_sectors.contains(s),
            Route::Named | Route::Hub => true,
        })
    }
}

/// Kinds that take part in a sector's AMBER audience: 重要インフラ所管省庁, セプター and the
/// 重要インフラ事業者等 that make up a CEPTOAR.
pub(crate) fn is_sector_kind(kind: OrgKind) -> bool {
    match kind {
        OrgKind::CiMinistry | OrgKind::Ceptoar | OrgKind::Operator => true,
        OrgKind::Nisc
        | OrgKind::CrisisManagement
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::CeptoarCouncil => false,
    }
}

/// 重要インフラ関係主体 — the GREEN audience. Every kind the platform knows is one; the match is
/// exhaustive so that a new kind forces a deliberate answer.
pub(crate) fn is_ci_stakeholder(kind: OrgKind) -> bool {
    match kind {
        OrgKind::Nisc
        | OrgKind::CrisisManagement
        | OrgKind::CiMinistry
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::Ceptoar
        | OrgKind::CeptoarCouncil
        | OrgKind::Operator => true,
    }
}

/// Whether the level admits this employment: RED and AMBER+STRICT admit その組織の職員 only;
/// AMBER, GREEN and CLEAR also admit contractors under NDA.
pub(crate) fn admits(tlp: Tlp, employment: Employment) -> bool {
    match tlp {
        Tlp::Red | Tlp::AmberStrict => employment == Employment::Staff,
        Tlp::Amber | Tlp::Green | Tlp::Clear => true,
    }
}

/// 閲覧可否の判定 — may `viewer` read `item`?
///
/// # The rules, level by level (手引書 Ⅱ.2.3(2), Ⅱ.3.3(2))
///
/// A restricted level admits a viewer when a *route* opens the item to the viewer's organisation
/// **and** the viewer passes the level's *gate*.
///
/// | Level | Routes | Employment | Need-to-know |
/// |---|---|---|---|
/// | RED 宛先限り | named organisation; crisis management if held by NISC (large-scale mode) | staff | yes |
/// | AMBER+STRICT 特定分野・組織内関係者限り | named; NISC; crisis mgmt if held by NISC (large-scale mode); concerned sector | staff | yes |
/// | AMBER 特定分野・関係者限り | as AMBER+STRICT | staff or NDA contractor | yes |
/// | GREEN 重要インフラ関係主体限り | every CI stakeholder kind | any | no |
/// | CLEAR 公開情報 | everyone | any | no |
///
/// * **Named organisation** — the viewer's organisation is the item's sender, an addressee or an
///   added recipient. RED is literally 宛先限り: only the organisations on the item.
/// * **Hub** — NISC's CI protection unit is in every AMBER/AMBER+STRICT audience
///   (「ＮＩＳＣ重要インフラ防護担当並びに…」), whether or not it is named.
/// * **Crisis-management exception** — form footnote ※１: 「必要に応じ、内閣官房（事態対処・危機管理
///   担当）…との間で情報共有を行う」. *As needed*, so in normal times the office reads only what NISC
///   explicitly shares with it (a share hop naming it: the named route, audited). While the
///   large-scale outage mode is declared for a sector ([`Viewer::large_scale_sectors`]) the
///   office reads what NISC holds in that sector without a share: the route applies only when
///   NISC is the sender or an addressee ([`ItemScope::held_by_nisc`]), and through the declared
///   sectors only (need-to-know is checked on those); it applies to RED too, since ※１ is
///   printed beside RED.
///   (The other ※１ recipients, cybersecurity agencies asked in advance, are listed on the item as
///   added recipients and read through the named-organisation route.)
/// * **Concerned sector** — 「直接関係する分野の重要インフラ所管省庁及びセプター（セプターを構成する
///   重要インフラ事業者等を含む。）」: a CI ministry, a CEPTOAR or a CI operator whose own sectors
///   include one of the item's sectors.
/// * **Employment gate** — RED and AMBER+STRICT admit only その組織の職員 (staff); AMBER also admits
///   consultants and contractors under a non-disclosure agreement.
/// * **Need-to-know gate** — RED, AMBER+STRICT and AMBER demand 「業務の遂行に当たって、その情報を
///   知る必要がある者」: the viewer's [`NeedToKnow`](kakehashi_domain::NeedToKnow) must cover one of
///   the sectors through which the route opens the item. For the named, hub and crisis-management
///   routes that is any of the item's sectors. For the concerned-sector route it is a sector the
///   viewer's organisation is concerned with *and* the item concerns: an organisation reaches the
///   item through that sector, and its member must need to know that same sector. (For the normal
///   single-sector item this is the same as "covers one of the item's sectors"; it only narrows a
///   multi-sector provision, and narrows it towards denial.)
/// * **No sector, no reader** — a RED, AMBER+STRICT or AMBER item with an empty sector list cannot
///   satisfy the need-to-know gate for anyone, so nobody reads it, not even its sender. This is
///   deliberate (fail closed): the sector is mandatory on the forms, and an item missing it is
///   malformed, not public.
/// * **GREEN** admits persons belonging to any CI stakeholder: NISC, crisis management, every
///   ministry kind, the cybersecurity agencies, cyberspace businesses, CEPTOARs, the CEPTOAR
///   Council and operators — every [`OrgKind`]. No need-to-know, any employment.
/// * **CLEAR** is public.
///
/// Anything else is denied. Roles play no part.
///
/// Denials report the first failing condition, checked in this order: the item names no sector,
/// no route reaches the viewer, the employment gate, the need-to-know gate.
pub fn decide(viewer: &Viewer, item: &ItemScope) -> Decision {
    match item.tlp {
        Tlp::Clear => Decision::allow(Reason::Public),
        Tlp::Green => {
            if is_ci_stakeholder(viewer.org_kind) {
                Decision::allow(Reason::Stakeholder)
            } else {
                Decision::deny(Reason::DeniedOutsideScope)
            }
        }
        Tlp::Red | Tlp::AmberStrict | Tlp::Amber => restricted(viewer, item),
    }
}

fn restricted(viewer: &Viewer, item: &ItemScope) -> Decision {
    if item.sectors.is_empty() {
        return Decision::deny(Reason::DeniedNoSector);
    }
    let mut routes = Route::ALL
        .into_iter()
        .filter(|r| r.open_at(item.tlp) && r.offered_by(item) && r.reaches(viewer, item))
        .peekable();
    if routes.peek().is_none() {
        return Decision::deny(Reason::DeniedOutsideScope);
    }
    if !admits(item.tlp, viewer.employment) {
        return Decision::deny(Reason::DeniedEmployment);
    }
    for route in routes {
        if route
            .sectors(viewer, item)
            .any(|s| viewer.need_to_know.covers(s))
        {
            return Decision::allow(route.reason());
        }
    }
    Decision::deny(Reason::DeniedNeedToKnow)
}

/// NISC内部資料の閲覧可否 — may `viewer` read NISC's internal working material?
///
/// Some things are NISC's own and leave NISC with nobody, whatever a TLP would admit: a
/// provision while it is a draft, the sanitisation findings (which source, which R-number,
/// which of the reporter's names were found), the sources a provision draws on and the
/// decisions taken on each finding (what was removed). They are the very link sanitisation
/// (情報の加工) hides, so they are read by NISC's CI protection unit's own staff (その組織の職員)
/// only:
///
/// * a viewer outside NISC is refused with [`Reason::DeniedOutsideScope`];
/// * a NISC member who is a contractor or consultant under NDA is refused with
///   [`Reason::DeniedEmployment`] — an NDA admits to TLP:AMBER, never to the source link;
/// * NISC staff are admitted with [`Reason::HubStaff`].
///
/// Need-to-know plays no part: NISC's unit works across every sector (hub). Roles play no part
/// either (acting on a draft needs the approver role on top, which is the caller's business).
pub fn decide_hub_internal(viewer: &Viewer) -> Decision {
    match (viewer.org_kind, viewer.employment) {
        (OrgKind::Nisc, Employment::Staff) => Decision::allow(Reason::HubStaff),
        (OrgKind::Nisc, Employment::NdaContractor) => Decision::deny(Reason::DeniedEmployment),
        (
            OrgKind::CrisisManagement
            | OrgKind::CiMinistry
            | OrgKind::CybersecurityMinistry
            | OrgKind::IncidentResponseMinistry
            | OrgKind::DisasterManagementMinistry
            | OrgKind::CybersecurityAgency
            | OrgKind::CyberspaceBusiness
            | OrgKind::Ceptoar
            | OrgKind::CeptoarCouncil
            | OrgKind::Operator,
            _,
        ) => Decision::deny(Reason::DeniedOutsideScope),
    }
}
