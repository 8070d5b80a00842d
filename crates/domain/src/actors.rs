//! The other actors of the sharing diagram (別紙４－１): what the cybersecurity ministries,
//! incident-response and disaster-management ministries, cybersecurity agencies and cyberspace
//! businesses send NISC (edges N16, N18, N19), and NISC's requests for cooperation to them
//! (連携要請, N15, N17) with the state an addressee moves its answer through.
//!
//! Who may send which kind of information is [`allowed_kinds`], one exhaustive match over
//! [`OrgKind`]; who may be asked is [`may_be_asked`]; the answer's states are
//! [`RequestStatus`] with its transitions [`RequestStatus::may_move`]. Who reads a submission or
//! a request is the policy's (`kakehashi_policy::decide_access`).

use crate::org::OrgKind;
use serde::{Deserialize, Serialize};

/// 情報の種類 — the kinds of information the diagram's edges to NISC carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InfoKind {
    /// 攻撃手法情報 (N16, N18).
    AttackTechnique,
    /// 復旧手法情報 (N16, N18).
    RecoveryMethod,
    /// 重要インフラサービス障害に関する付加情報等 — what cyberspace businesses add (N16).
    Supplementary,
    /// 被災／被害情報 (N19; L1 in a large-scale outage).
    Damage,
    /// 対応状況情報 — response status (L1).
    ResponseStatus,
    /// テロ関連情報 (N19).
    Terrorism,
    /// 各種関連情報 — related information (every edge to NISC).
    Related,
}

impl InfoKind {
    pub const ALL: [InfoKind; 7] = [
        InfoKind::AttackTechnique,
        InfoKind::RecoveryMethod,
        InfoKind::Supplementary,
        InfoKind::Damage,
        InfoKind::ResponseStatus,
        InfoKind::Terrorism,
        InfoKind::Related,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InfoKind::AttackTechnique => "attack_technique",
            InfoKind::RecoveryMethod => "recovery_method",
            InfoKind::Supplementary => "supplementary",
            InfoKind::Damage => "damage",
            InfoKind::ResponseStatus => "response_status",
            InfoKind::Terrorism => "terrorism",
            InfoKind::Related => "related",
        }
    }

    pub fn from_code(code: &str) -> Option<InfoKind> {
        InfoKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            InfoKind::AttackTechnique => "攻撃手法情報",
            InfoKind::RecoveryMethod => "復旧手法情報",
            InfoKind::Supplementary => "重要インフラサービス障害に関する付加情報",
            InfoKind::Damage => "被災／被害情報",
            InfoKind::ResponseStatus => "対応状況情報",
            InfoKind::Terrorism => "テロ関連情報",
            InfoKind::Related => "各種関連情報",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            InfoKind::AttackTechnique => "Attack techniques",
            InfoKind::RecoveryMethod => "Recovery methods",
            InfoKind::Supplementary => "Supplementary information on a CI service outage",
            InfoKind::Damage => "Disaster / damage information",
            InfoKind::ResponseStatus => "Response status",
            InfoKind::Terrorism => "Terrorism-related information",
            InfoKind::Related => "Related information",
        }
    }

    /// 被害情報、対応状況情報等: what the crisis-management office aggregates while the
    /// large-scale outage mode is declared (L1, 別紙４－３ row 1).
    pub fn hub_aggregates(self) -> bool {
        match self {
            InfoKind::Damage | InfoKind::ResponseStatus => true,
            InfoKind::AttackTechnique
            | InfoKind::RecoveryMethod
            | InfoKind::Supplementary
            | InfoKind::Terrorism
            | InfoKind::Related => false,
        }
    }
}

/// The kinds of information an organisation of `kind` sends NISC on this form; empty for the
/// kinds that use the liaison form (operators, CEPTOARs, CI ministries) or are the hub.
///
/// * サイバーセキュリティ関係省庁 (N18) and サイバーセキュリティ関係機関 (N16): 攻撃手法情報・
///   復旧手法情報・各種関連情報.
/// * サイバー空間関連事業者 (N16): the same, and 「重要インフラサービス障害に関する付加情報等」.
/// * 事案対処省庁 and 防災関係府省庁 (N19, L1): 被災／被害情報・テロ関連情報・各種関連情報, and
///   the 対応状況情報 the hub aggregates in a large-scale outage.
pub fn allowed_kinds(kind: OrgKind) -> &'static [InfoKind] {
    use InfoKind::*;
    match kind {
        OrgKind::CybersecurityMinistry | OrgKind::CybersecurityAgency => {
            &[AttackTechnique, RecoveryMethod, Related]
        }
        OrgKind::CyberspaceBusiness => &[AttackTechnique, RecoveryMethod, Supplementary, Related],
        OrgKind::IncidentResponseMinistry | OrgKind::DisasterManagementMinistry => {
            &[Damage, ResponseStatus, Terrorism, Related]
        }
        OrgKind::Nisc
        | OrgKind::CrisisManagement
        | OrgKind::CiMinistry
        | OrgKind::Ceptoar
        | OrgKind::CeptoarCouncil
        | OrgKind::Operator => &[],
    }
}

/// Whether an organisation of `kind` sends NISC information of kind `info` on this form.
pub fn may_submit(kind: OrgKind, info: InfoKind) -> bool {
    allowed_kinds(kind).contains(&info)
}

/// Whether NISC may address a request for cooperation (連携要請) to an organisation of `kind`:
/// the cybersecurity agencies and cyberspace businesses (N15) and the cybersecurity ministries
/// (N17).
pub fn may_be_asked(kind: OrgKind) -> bool {
    match kind {
        OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::CybersecurityMinistry => true,
        OrgKind::Nisc
        | OrgKind::CrisisManagement
        | OrgKind::CiMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::Ceptoar
        | OrgKind::CeptoarCouncil
        | OrgKind::Operator => false,
    }
}

/// Whether an organisation of `kind` sends requests for cooperation: NISC alone.
pub fn may_request(kind: OrgKind) -> bool {
    match kind {
        OrgKind::Nisc => true,
        OrgKind::CrisisManagement
        | OrgKind::CiMinistry
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::Ceptoar
        | OrgKind::CeptoarCouncil
        | OrgKind::Operator => false,
    }
}

/// The number a submission is known by: S<n>.
pub fn submission_ident(n: u64) -> String {
    format!("S{n}")
}

/// The number a request for cooperation is known by: K<n> (連携要請).
pub fn request_ident(n: u64) -> String {
    format!("K{n}")
}

/// An addressee's answer to a request for cooperation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// 未確認 — sent, not yet looked at.
    Sent,
    /// 受付 — received and accepted.
    Accepted,
    /// 対応中 — being worked on.
    InProgress,
    /// 回答済 — answered.
    Answered,
    /// 辞退 — declined.
    Declined,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 5] = [
        RequestStatus::Sent,
        RequestStatus::Accepted,
        RequestStatus::InProgress,
        RequestStatus::Answered,
        RequestStatus::Declined,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RequestStatus::Sent => "sent",
            RequestStatus::Accepted => "accepted",
            RequestStatus::InProgress => "in_progress",
            RequestStatus::Answered => "answered",
            RequestStatus::Declined => "declined",
        }
    }

    pub fn from_code(code: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            RequestStatus::Sent => "未確認",
            RequestStatus::Accepted => "受付",
            RequestStatus::InProgress => "対応中",
            RequestStatus::Answered => "回答済",
            RequestStatus::Declined => "辞退",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            RequestStatus::Sent => "Not yet seen",
            RequestStatus::Accepted => "Accepted",
            RequestStatus::InProgress => "In progress",
            RequestStatus::Answered => "Answered",
            RequestStatus::Declined => "Declined",
        }
    }

    /// Whether an addressee may move its answer from `self` to `to`. Forward only: accept or
    /// decline what was sent; work on, answer or decline what was accepted; answer or decline
    /// what is in progress. Answered and declined are final; staying put is no move.
    pub fn may_move(self, to: RequestStatus) -> bool {
        use RequestStatus::*;
        match (self, to) {
            (Sent, Accepted | Declined)
            | (Accepted, InProgress | Answered | Declined)
            | (InProgress, Answered | Declined) => true,
            (Sent, Sent | InProgress | Answered)
            | (Accepted, Sent | Accepted)
            | (InProgress, Sent | Accepted | InProgress)
            | (Answered | Declined, _) => false,
        }
    }

    /// The states an addressee may move to from here, in order.
    pub fn next(self) -> Vec<RequestStatus> {
        RequestStatus::ALL
            .into_iter()
            .filter(|to| self.may_move(*to))
            .collect()
    }

    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InfoKind::*;

    /// The whole role × kind matrix, written out: one row per organisation kind.
    #[test]
    fn role_by_info_kind_matrix() {
        let expected: [(OrgKind, &[InfoKind]); 11] = [
            (OrgKind::Nisc, &[]),
            (OrgKind::CrisisManagement, &[]),
            (OrgKind::CiMinistry, &[]),
            (
                OrgKind::CybersecurityMinistry,
                &[AttackTechnique, RecoveryMethod, Related],
            ),
            (
                OrgKind::IncidentResponseMinistry,
                &[Damage, ResponseStatus, Terrorism, Related],
            ),
            (
                OrgKind::DisasterManagementMinistry,
                &[Damage, ResponseStatus, Terrorism, Related],
            ),
            (
                OrgKind::CybersecurityAgency,
                &[AttackTechnique, RecoveryMethod, Related],
            ),
            (
                OrgKind::CyberspaceBusiness,
                &[AttackTechnique, RecoveryMethod, Supplementary, Related],
            ),
            (OrgKind::Ceptoar, &[]),
            (OrgKind::CeptoarCouncil, &[]),
            (OrgKind::Operator, &[]),
        ];
        assert_eq!(expected.len(), OrgKind::ALL.len());
        for (kind, kinds) in expected {
            for info in InfoKind::ALL {
                assert_eq!(
                    may_submit(kind, info),
                    kinds.contains(&info),
                    "{kind:?} × {info:?}"
                );
            }
        }
        // Every kind of information has a sender.
        for info in InfoKind::ALL {
            assert!(
                OrgKind::ALL.into_iter().any(|k| may_submit(k, info)),
                "{info:?}"
            );
        }
    }

    #[test]
    fn only_damage_and_response_status_are_aggregated_by_the_hub() {
        let agg: Vec<InfoKind> = InfoKind::ALL
            .into_iter()
            .filter(|k| k.hub_aggregates())
            .collect();
        assert_eq!(agg, vec![Damage, ResponseStatus]);
        // Both come from the incident-response and disaster-management ministries (L1).
        for k in agg {
            assert!(may_submit(OrgKind::IncidentResponseMinistry, k));
            assert!(may_submit(OrgKind::DisasterManagementMinistry, k));
        }
    }

    #[test]
    fn nisc_asks_agencies_businesses_and_cybersecurity_ministries() {
        let asked: Vec<OrgKind> = OrgKind::ALL
            .into_iter()
            .filter(|k| may_be_asked(*k))
            .collect();
        assert_eq!(
            asked,
            vec![
                OrgKind::CybersecurityMinistry,
                OrgKind::CybersecurityAgency,
                OrgKind::CyberspaceBusiness
            ]
        );
        let askers: Vec<OrgKind> = OrgKind::ALL
            .into_iter()
            .filter(|k| may_request(*k))
            .collect();
        assert_eq!(askers, vec![OrgKind::Nisc]);
    }

    #[test]
    fn request_state_machine() {
        use RequestStatus::*;
        let allowed = [
            (Sent, Accepted),
            (Sent, Declined),
            (Accepted, InProgress),
            (Accepted, Answered),
            (Accepted, Declined),
            (InProgress, Answered),
            (InProgress, Declined),
        ];
        for from in RequestStatus::ALL {
            for to in RequestStatus::ALL {
                assert_eq!(
                    from.may_move(to),
                    allowed.contains(&(from, to)),
                    "{from:?} → {to:?}"
                );
            }
        }
        assert!(Answered.is_final() && Declined.is_final());
        assert!(!Sent.is_final() && !Accepted.is_final() && !InProgress.is_final());
        // Every non-initial state is reachable from Sent.
        let mut seen = vec![Sent];
        let mut i = 0;
        while i < seen.len() {
            for n in seen[i].next() {
                if !seen.contains(&n) {
                    seen.push(n);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), RequestStatus::ALL.len());
    }

    #[test]
    fn codes_round_trip() {
        for k in InfoKind::ALL {
            assert_eq!(InfoKind::from_code(k.code()), Some(k));
            assert!(!k.label_ja().is_empty() && !k.label_en().is_empty());
        }
        for s in RequestStatus::ALL {
            assert_eq!(RequestStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(InfoKind::from_code("gossip"), None);
        assert_eq!(RequestStatus::from_code("done"), None);
        assert_eq!(submission_ident(3), "S3");
        assert_eq!(request_ident(12), "K12");
    }
}
