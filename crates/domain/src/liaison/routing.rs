//! Where a liaison goes (図３ 情報連絡の流れ, 別紙４).
//!
//! The operator's first hop is chosen per report: statutory events (法令等報告対象) go to the
//! sector's ministry; other events may go through the CEPTOAR secretariat (セプター事務局), which
//! anonymises the source before passing it on. Onward hops are fixed: CEPTOAR → ministry → NISC.

use crate::org::OrgKind;
use serde::{Deserialize, Serialize};

/// The facts that decide an operator's first hop.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RouteRequest {
    /// 法令等報告対象 — law or regulation requires a report to the ministry.
    pub statutory: bool,
    /// The operator asks for the CEPTOAR route (セプター事務局経由, anonymised).
    pub via_ceptoar: bool,
    /// 特に緊急性を有する場合 — report and copy NISC at the same time (同報).
    pub urgent: bool,
    /// 大規模重要インフラサービス障害対応時 is in effect.
    pub large_scale_mode: bool,
    /// The operator is a member of its sector's CEPTOAR.
    pub operator_in_ceptoar: bool,
    /// Large-scale mode only: the operator reports directly to 内閣官房 (an ad-hoc route the
    /// response structure opens; normal routes stay available).
    pub to_cabinet_secretariat: bool,
}

/// Who receives the first hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HopTarget {
    /// 重要インフラ所管省庁 of the operator's sector.
    SectorMinistry,
    /// セプター事務局 of the operator's CEPTOAR.
    Ceptoar,
    /// 内閣官房（事態対処・危機管理担当）, joined with NISC as one hub in large-scale mode.
    CabinetSecretariat,
}

impl HopTarget {
    /// The kind of organisation that receives this hop.
    pub fn org_kind(self) -> OrgKind {
        match self {
            HopTarget::SectorMinistry => OrgKind::CiMinistry,
            HopTarget::Ceptoar => OrgKind::Ceptoar,
            HopTarget::CabinetSecretariat => OrgKind::CrisisManagement,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            HopTarget::SectorMinistry => "sector_ministry",
            HopTarget::Ceptoar => "ceptoar",
            HopTarget::CabinetSecretariat => "cabinet_secretariat",
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            HopTarget::SectorMinistry => "重要インフラ所管省庁",
            HopTarget::Ceptoar => "セプター事務局",
            HopTarget::CabinetSecretariat => "内閣官房（事態対処・危機管理担当）",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            HopTarget::SectorMinistry => "CI ministry of the sector",
            HopTarget::Ceptoar => "CEPTOAR secretariat",
            HopTarget::CabinetSecretariat => {
                "Cabinet Secretariat (incident response and crisis management)"
            }
        }
    }
}

/// The planned first hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutePlan {
    pub first: HopTarget,
    /// Urgent: send the same report to NISC at the same time (同報).
    pub urgent_copy_to_nisc: bool,
    /// The urgent copy on the CEPTOAR (anonymising) route: it comes from the operator itself, so
    /// it names the reporter. It is confined to NISC's CI protection unit (kept RED with NISC as
    /// its only addressee, whatever TLP was chosen), so neither the ministry nor the sector learns
    /// from it who reported; the form says so before sending.
    pub urgent_copy_confined: bool,
    /// A statutory event sent directly to 内閣官房 in large-scale mode still owes its report to
    /// the ministry (every normal-time rule stays in force), so the ministry gets it as well.
    pub copy_to_ministry: bool,
}

/// Why a requested first hop is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteError {
    /// The CEPTOAR route (anonymised) was asked for a 法令等報告対象 event.
    StatutoryViaCeptoar,
    /// The CEPTOAR route was asked by an operator that belongs to no CEPTOAR.
    NotCeptoarMember,
    /// 内閣官房 was asked outside large-scale mode.
    CabinetOnlyInLargeScale,
    /// Both special routes at once.
    ConflictingRoutes,
}

impl std::fmt::Display for RouteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.message_ja(), self.message_en())
    }
}

impl std::error::Error for RouteError {}

impl RouteError {
    /// Stable rule code.
    pub fn rule(self) -> &'static str {
        match self {
            RouteError::StatutoryViaCeptoar => "statutory_not_via_ceptoar",
            RouteError::NotCeptoarMember => "not_ceptoar_member",
            RouteError::CabinetOnlyInLargeScale => "large_scale_only",
            RouteError::ConflictingRoutes => "conflicting_routes",
        }
    }
    pub fn message_ja(self) -> &'static str {
        match self {
            RouteError::StatutoryViaCeptoar => {
                "法令等報告対象の事象はセプター経由（匿名化）で連絡できません。所管省庁へ連絡してください。"
            }
            RouteError::NotCeptoarMember => {
                "セプターの構成員でないため、セプター経由で連絡できません。"
            }
            RouteError::CabinetOnlyInLargeScale => {
                "内閣官房への直接連絡は大規模重要インフラサービス障害対応時に限られます。"
            }
            RouteError::ConflictingRoutes => {
                "セプター経由と内閣官房への直接連絡は同時に選べません。"
            }
        }
    }
    pub fn message_en(self) -> &'static str {
        match self {
            RouteError::StatutoryViaCeptoar => {
                "Statutory events cannot go through the CEPTOAR (anonymised) route; report to the ministry."
            }
            RouteError::NotCeptoarMember => {
                "The operator is not a member of a CEPTOAR, so the CEPTOAR route is not available."
            }
            RouteError::CabinetOnlyInLargeScale => {
                "Direct reports to the Cabinet Secretariat are possible only in large-scale outage mode."
            }
            RouteError::ConflictingRoutes => {
                "Choose either the CEPTOAR route or the direct report to the Cabinet Secretariat, not both."
            }
        }
    }
}

/// Plans the operator's first hop.
///
/// - Statutory events go to the ministry; the anonymising CEPTOAR route is refused for them.
/// - Other events go to the ministry, or through the CEPTOAR if the operator is a member.
/// - In large-scale mode the operator may report directly to 内閣官房 as well.
/// - Urgent reports copy NISC at the same time.
pub fn plan_first_hop(req: &RouteRequest) -> Result<RoutePlan, RouteError> {
    if req.via_ceptoar && req.to_cabinet_secretariat {
        return Err(RouteError::ConflictingRoutes);
    }
    let first = if req.via_ceptoar {
        if req.statutory {
            return Err(RouteError::StatutoryViaCeptoar);
        }
        if !req.operator_in_ceptoar {
            return Err(RouteError::NotCeptoarMember);
        }
        HopTarget::Ceptoar
    } else if req.to_cabinet_secretariat {
        if !req.large_scale_mode {
            return Err(RouteError::CabinetOnlyInLargeScale);
        }
        HopTarget::CabinetSecretariat
    } else {
        HopTarget::SectorMinistry
    };
    Ok(RoutePlan {
        first,
        urgent_copy_to_nisc: req.urgent,
        urgent_copy_confined: req.urgent && first == HopTarget::Ceptoar,
        copy_to_ministry: req.statutory && first == HopTarget::CabinetSecretariat,
    })
}

/// Where a CEPTOAR secretariat's own report goes (図３, 別紙４－２ L7): to the sector's ministry;
/// in large-scale mode it may instead report directly to 内閣官房 (the joined hub). Statutory
/// events are the operator's to report, never the secretariat's.
pub fn plan_ceptoar_hop(
    statutory: bool,
    to_cabinet_secretariat: bool,
    large_scale_mode: bool,
) -> Result<HopTarget, CeptoarRouteError> {
    match (statutory, to_cabinet_secretariat, large_scale_mode) {
        (true, _, _) => Err(CeptoarRouteError::Statutory),
        (false, true, false) => Err(CeptoarRouteError::Route(
            RouteError::CabinetOnlyInLargeScale,
        )),
        (false, true, true) => Ok(HopTarget::CabinetSecretariat),
        (false, false, _) => Ok(HopTarget::SectorMinistry),
    }
}

/// Why a CEPTOAR secretariat's report cannot go as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CeptoarRouteError {
    /// A statutory event: the operator reports it to its ministry itself.
    Statutory,
    Route(RouteError),
}

/// Whether an onward hop may carry `onward` when the copy it is made from was sent at `parent`:
/// never looser than what the sender of that copy chose, unless that sender consented.
pub fn onward_tlp_allowed(parent: crate::Tlp, onward: crate::Tlp, consented: bool) -> bool {
    onward.at_least_as_strict_as(parent) || consented
}

/// Whether the holder of a liaison may pass it on to `to` (the onward hops of 図３):
/// CEPTOAR secretariat → ministry, ministry → NISC. NISC is the end of a liaison; what it
/// shares further is a new 情報提供, not a forwarded liaison.
pub fn may_forward(holder: OrgKind, to: OrgKind) -> bool {
    matches!(
        (holder, to),
        (OrgKind::Ceptoar, OrgKind::CiMinistry) | (OrgKind::CiMinistry, OrgKind::Nisc)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(
        statutory: bool,
        via_ceptoar: bool,
        urgent: bool,
        large_scale_mode: bool,
        operator_in_ceptoar: bool,
        to_cabinet_secretariat: bool,
    ) -> RouteRequest {
        RouteRequest {
            statutory,
            via_ceptoar,
            urgent,
            large_scale_mode,
            operator_in_ceptoar,
            to_cabinet_secretariat,
        }
    }

    fn plan(
        first: HopTarget,
        urgent: bool,
        copy_to_ministry: bool,
    ) -> Result<RoutePlan, RouteError> {
        Ok(RoutePlan {
            first,
            urgent_copy_to_nisc: urgent,
            urgent_copy_confined: urgent && first == HopTarget::Ceptoar,
            copy_to_ministry,
        })
    }

    #[test]
    fn first_hop_table() {
        use HopTarget::*;
        use RouteError::*;
        let t = true;
        let f = false;
        #[rustfmt::skip]
        let cases = [
            // statutory, via_ceptoar, urgent, large_scale, member, to_cabinet => result
            ("statutory to ministry",        req(t, f, f, f, f, f), plan(SectorMinistry, f, f)),
            ("statutory member to ministry", req(t, f, f, f, t, f), plan(SectorMinistry, f, f)),
            ("statutory via ceptoar",        req(t, t, f, f, t, f), Err(StatutoryViaCeptoar)),
            ("statutory via ceptoar urgent", req(t, t, t, t, t, f), Err(StatutoryViaCeptoar)),
            ("statutory urgent",             req(t, f, t, f, f, f), plan(SectorMinistry, t, f)),
            ("non-statutory to ministry",    req(f, f, f, f, t, f), plan(SectorMinistry, f, f)),
            ("non-statutory via ceptoar",    req(f, t, f, f, t, f), plan(Ceptoar, f, f)),
            ("via ceptoar, not a member",    req(f, t, f, f, f, f), Err(NotCeptoarMember)),
            ("via ceptoar urgent",           req(f, t, t, f, t, f), plan(Ceptoar, t, f)),
            ("non-statutory urgent",         req(f, f, t, f, f, f), plan(SectorMinistry, t, f)),
            ("cabinet outside large scale",  req(f, f, f, f, f, t), Err(CabinetOnlyInLargeScale)),
            ("cabinet in large scale",       req(f, f, f, t, f, t), plan(CabinetSecretariat, f, f)),
            ("cabinet statutory",            req(t, f, f, t, f, t), plan(CabinetSecretariat, f, t)),
            ("cabinet urgent",               req(f, f, t, t, t, t), plan(CabinetSecretariat, t, f)),
            ("large scale, normal route",    req(t, f, f, t, f, f), plan(SectorMinistry, f, f)),
            ("large scale via ceptoar",      req(f, t, f, t, t, f), plan(Ceptoar, f, f)),
            ("both special routes",          req(f, t, f, t, t, t), Err(ConflictingRoutes)),
        ];
        for (name, r, want) in cases {
            assert_eq!(plan_first_hop(&r), want, "{name}");
        }
    }

    #[test]
    fn errors_are_bilingual_and_coded() {
        let all = [
            RouteError::StatutoryViaCeptoar,
            RouteError::NotCeptoarMember,
            RouteError::CabinetOnlyInLargeScale,
            RouteError::ConflictingRoutes,
        ];
        for e in all {
            let shown = e.to_string();
            assert!(
                shown.contains(e.message_ja()) && shown.contains(e.message_en()),
                "{shown}"
            );
            assert!(!e.rule().is_empty());
        }
        assert_eq!(
            RouteError::StatutoryViaCeptoar.rule(),
            "statutory_not_via_ceptoar"
        );
        assert!(RouteError::StatutoryViaCeptoar
            .message_ja()
            .contains("法令等報告対象"));
    }

    #[test]
    fn ceptoar_hops() {
        use CeptoarRouteError::*;
        let (t, f) = (true, false);
        for (statutory, cabinet, mode, want) in [
            (t, f, f, Err(Statutory)),
            (t, t, t, Err(Statutory)),
            (f, t, f, Err(Route(RouteError::CabinetOnlyInLargeScale))),
            (f, t, t, Ok(HopTarget::CabinetSecretariat)),
            (f, f, f, Ok(HopTarget::SectorMinistry)),
            (f, f, t, Ok(HopTarget::SectorMinistry)),
        ] {
            assert_eq!(
                plan_ceptoar_hop(statutory, cabinet, mode),
                want,
                "{statutory} {cabinet} {mode}"
            );
        }
    }

    #[test]
    fn onward_hops() {
        use OrgKind::*;
        let allowed = [(Ceptoar, CiMinistry), (CiMinistry, Nisc)];
        for holder in OrgKind::ALL {
            for to in OrgKind::ALL {
                assert_eq!(
                    may_forward(holder, to),
                    allowed.contains(&(holder, to)),
                    "{holder:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn onward_tlp_never_looser_without_consent() {
        use crate::Tlp;
        for parent in Tlp::ALL {
            for onward in Tlp::ALL {
                let stricter_or_same = onward.at_least_as_strict_as(parent);
                assert_eq!(onward_tlp_allowed(parent, onward, false), stricter_or_same);
                assert!(onward_tlp_allowed(parent, onward, true));
            }
        }
        assert!(!onward_tlp_allowed(Tlp::Red, Tlp::Clear, false));
        assert!(onward_tlp_allowed(Tlp::Amber, Tlp::Red, false));
    }

    #[test]
    fn targets_map_to_org_kinds() {
        assert_eq!(HopTarget::SectorMinistry.org_kind(), OrgKind::CiMinistry);
        assert_eq!(HopTarget::Ceptoar.org_kind(), OrgKind::Ceptoar);
        assert_eq!(
            HopTarget::CabinetSecretariat.org_kind(),
            OrgKind::CrisisManagement
        );
    }
}
