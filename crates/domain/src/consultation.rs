//! 相談 — an operator consulting before it files (手引書 Ⅱ.2.1: 「上記に該当するかどうか不明な
//! 場合については、重要インフラ所管省庁又は内閣官房に対して相談することが望ましい」).
//!
//! An operator (重要インフラ事業者等) unsure whether an event falls under one of the cases of
//! 2.1 asks **one** organisation in a thread: its sector's CI ministry, the CEPTOAR secretariat
//! it is a member of, or NISC (内閣官房). Who may be asked is [`addressee_role`], one exhaustive
//! match over [`OrgKind`]; the thread's state is [`ConsultationStatus`] with its moves
//! [`ConsultationStatus::may_move`] and what a message does to it
//! [`ConsultationStatus::after_message`]. Who reads a consultation is the policy's
//! (`kakehashi_policy::decide_access` with a consultation scope).

use crate::org::{OrgKind, Organisation};
use serde::{Deserialize, Serialize};

/// The number a consultation is known by: C<n> (相談番号).
pub fn consultation_ident(n: u64) -> String {
    format!("C{n}")
}

/// Whether an organisation of `kind` opens consultations: the operators, who file liaisons
/// and may be unsure which case of 2.1 applies. Ministries and CEPTOARs answer them.
pub fn may_consult(kind: OrgKind) -> bool {
    match kind {
        OrgKind::Operator => true,
        OrgKind::Nisc
        | OrgKind::CrisisManagement
        | OrgKind::CiMinistry
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::Ceptoar
        | OrgKind::CeptoarCouncil => false,
    }
}

/// 相談先 — which of the three the addressee is to the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddresseeRole {
    /// 重要インフラ所管省庁 — a CI ministry overseeing one of the operator's sectors.
    Ministry,
    /// セプター事務局 — a CEPTOAR the operator is a member of.
    Ceptoar,
    /// 内閣官房 (NISC).
    CabinetSecretariat,
}

impl AddresseeRole {
    /// The role an organisation of `kind` would play when consulted; `None` for the kinds
    /// nobody consults.
    pub fn of_kind(kind: OrgKind) -> Option<AddresseeRole> {
        match kind {
            OrgKind::Nisc => Some(AddresseeRole::CabinetSecretariat),
            OrgKind::CiMinistry => Some(AddresseeRole::Ministry),
            OrgKind::Ceptoar => Some(AddresseeRole::Ceptoar),
            OrgKind::CrisisManagement
            | OrgKind::CybersecurityMinistry
            | OrgKind::IncidentResponseMinistry
            | OrgKind::DisasterManagementMinistry
            | OrgKind::CybersecurityAgency
            | OrgKind::CyberspaceBusiness
            | OrgKind::CeptoarCouncil
            | OrgKind::Operator => None,
        }
    }

    /// Order of the choices on the form: ministry, CEPTOAR, NISC.
    pub fn rank(self) -> u8 {
        match self {
            AddresseeRole::Ministry => 0,
            AddresseeRole::Ceptoar => 1,
            AddresseeRole::CabinetSecretariat => 2,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            AddresseeRole::Ministry => "ministry",
            AddresseeRole::Ceptoar => "ceptoar",
            AddresseeRole::CabinetSecretariat => "cabinet_secretariat",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            AddresseeRole::Ministry => "重要インフラ所管省庁",
            AddresseeRole::Ceptoar => "セプター事務局",
            AddresseeRole::CabinetSecretariat => "内閣官房（NISC）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            AddresseeRole::Ministry => "CI ministry",
            AddresseeRole::Ceptoar => "CEPTOAR secretariat",
            AddresseeRole::CabinetSecretariat => "Cabinet Secretariat (NISC)",
        }
    }
}

/// Why an organisation cannot be consulted by this operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddresseeError {
    /// The one asking is no operator.
    NotAnOperator,
    /// A CI ministry that oversees none of the operator's sectors.
    NotItsMinistry,
    /// A CEPTOAR the operator is no member of.
    NotItsCeptoar,
    /// A kind of organisation that is none of the three (another operator, an agency…).
    NotConsulted,
}

impl AddresseeError {
    pub fn rule(self) -> &'static str {
        match self {
            AddresseeError::NotAnOperator => "not_an_operator",
            AddresseeError::NotItsMinistry => "not_its_ministry",
            AddresseeError::NotItsCeptoar => "not_its_ceptoar",
            AddresseeError::NotConsulted => "not_consulted",
        }
    }

    pub fn message_ja(self) -> &'static str {
        match self {
            AddresseeError::NotAnOperator => "相談を始めるのは重要インフラ事業者等です。",
            AddresseeError::NotItsMinistry => "自組織の分野を所管する省庁を選んでください。",
            AddresseeError::NotItsCeptoar => "自組織が構成員であるセプターを選んでください。",
            AddresseeError::NotConsulted => {
                "相談先は、所管省庁・所属するセプター・内閣官房（NISC）から選んでください。"
            }
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            AddresseeError::NotAnOperator => "Consultations are opened by CI operators.",
            AddresseeError::NotItsMinistry => {
                "Choose the ministry overseeing your organisation's sector."
            }
            AddresseeError::NotItsCeptoar => "Choose a CEPTOAR your organisation is a member of.",
            AddresseeError::NotConsulted => {
                "Choose your ministry, a CEPTOAR you belong to, or the Cabinet Secretariat (NISC)."
            }
        }
    }
}

/// Whether `operator` may consult `addressee`, and as what: its sector's CI ministry, a CEPTOAR
/// it is a member of, or NISC. Nobody else: not another operator, not an agency, not the
/// crisis-management office (2.1 names 所管省庁 and 内閣官房; the CEPTOAR is the operator's own
/// channel to its ministry).
pub fn addressee_role(
    operator: &Organisation,
    addressee: &Organisation,
) -> Result<AddresseeRole, AddresseeError> {
    if !may_consult(operator.kind) {
        return Err(AddresseeError::NotAnOperator);
    }
    match AddresseeRole::of_kind(addressee.kind) {
        Some(AddresseeRole::CabinetSecretariat) => Ok(AddresseeRole::CabinetSecretariat),
        Some(AddresseeRole::Ministry) => {
            if addressee
                .sectors
                .iter()
                .any(|s| operator.sectors.contains(s))
            {
                Ok(AddresseeRole::Ministry)
            } else {
                Err(AddresseeError::NotItsMinistry)
            }
        }
        Some(AddresseeRole::Ceptoar) => {
            if operator.ceptoars.contains(&addressee.id) {
                Ok(AddresseeRole::Ceptoar)
            } else {
                Err(AddresseeError::NotItsCeptoar)
            }
        }
        None => Err(AddresseeError::NotConsulted),
    }
}

/// Which side of the thread writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The consulting operator.
    Operator,
    /// The ministry, CEPTOAR or NISC consulted.
    Addressee,
}

/// The state of a consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationStatus {
    /// 相談中 — waiting for the addressee's answer.
    Open,
    /// 回答済 — the addressee answered (the operator may ask again, or close).
    Answered,
    /// 終了 — closed by either side, or by the operator filing the liaison it led to.
    Closed,
}

impl ConsultationStatus {
    pub const ALL: [ConsultationStatus; 3] = [
        ConsultationStatus::Open,
        ConsultationStatus::Answered,
        ConsultationStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ConsultationStatus::Open => "open",
            ConsultationStatus::Answered => "answered",
            ConsultationStatus::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<ConsultationStatus> {
        ConsultationStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ConsultationStatus::Open => "相談中",
            ConsultationStatus::Answered => "回答済",
            ConsultationStatus::Closed => "終了",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ConsultationStatus::Open => "Open",
            ConsultationStatus::Answered => "Answered",
            ConsultationStatus::Closed => "Closed",
        }
    }

    /// Whether the state may move from `self` to `to`: an open consultation is answered or
    /// closed; an answered one is asked again (open) or closed; a closed one is final. Staying
    /// put is no move.
    pub fn may_move(self, to: ConsultationStatus) -> bool {
        use ConsultationStatus::*;
        match (self, to) {
            (Open, Answered | Closed) | (Answered, Open | Closed) => true,
            (Open, Open) | (Answered, Answered) | (Closed, _) => false,
        }
    }

    /// The state after `by` writes on the thread; `None` once it is closed (no more messages).
    /// The addressee's message answers; the operator's asks again.
    pub fn after_message(self, by: Party) -> Option<ConsultationStatus> {
        use ConsultationStatus::*;
        match (self, by) {
            (Closed, _) => None,
            (Open | Answered, Party::Addressee) => Some(Answered),
            (Open | Answered, Party::Operator) => Some(Open),
        }
    }

    /// Whether either side may close it now.
    pub fn may_close(self) -> bool {
        self.may_move(ConsultationStatus::Closed)
    }

    /// Waiting for the addressee (the addressee's "needs me" list).
    pub fn awaits_answer(self) -> bool {
        match self {
            ConsultationStatus::Open => true,
            ConsultationStatus::Answered | ConsultationStatus::Closed => false,
        }
    }

    pub fn is_final(self) -> bool {
        ConsultationStatus::ALL
            .into_iter()
            .all(|to| !self.may_move(to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OrgId, SectorId};
    use ConsultationStatus::*;

    fn org(id: &str, kind: OrgKind, sectors: &[&str], ceptoars: &[&str]) -> Organisation {
        Organisation {
            id: OrgId(id.into()),
            kind,
            name_ja: id.into(),
            name_en: id.into(),
            sectors: sectors.iter().map(|s| SectorId((*s).into())).collect(),
            ceptoars: ceptoars.iter().map(|c| OrgId((*c).into())).collect(),
            nisc_partner: false,
        }
    }

    #[test]
    fn only_operators_consult() {
        let consulting: Vec<OrgKind> = OrgKind::ALL
            .into_iter()
            .filter(|k| may_consult(*k))
            .collect();
        assert_eq!(consulting, vec![OrgKind::Operator]);
    }

    /// Every kind of addressee against a power operator that belongs to the power CEPTOAR.
    #[test]
    fn the_addressee_rule() {
        let op = org(
            "power",
            OrgKind::Operator,
            &["electric_power"],
            &["cep-power"],
        );
        let cases: [(Organisation, Result<AddresseeRole, AddresseeError>); 8] = [
            (
                org("nisc", OrgKind::Nisc, &[], &[]),
                Ok(AddresseeRole::CabinetSecretariat),
            ),
            (
                org("meti", OrgKind::CiMinistry, &["electric_power", "gas"], &[]),
                Ok(AddresseeRole::Ministry),
            ),
            (
                org("mlit", OrgKind::CiMinistry, &["railway"], &[]),
                Err(AddresseeError::NotItsMinistry),
            ),
            (
                org("cep-power", OrgKind::Ceptoar, &["electric_power"], &[]),
                Ok(AddresseeRole::Ceptoar),
            ),
            (
                // Same sector, but the operator is no member: membership decides.
                org("cep-power-west", OrgKind::Ceptoar, &["electric_power"], &[]),
                Err(AddresseeError::NotItsCeptoar),
            ),
            (
                org("power2", OrgKind::Operator, &["electric_power"], &[]),
                Err(AddresseeError::NotConsulted),
            ),
            (
                org("cm", OrgKind::CrisisManagement, &[], &[]),
                Err(AddresseeError::NotConsulted),
            ),
            (
                org("jpcert", OrgKind::CybersecurityAgency, &[], &[]),
                Err(AddresseeError::NotConsulted),
            ),
        ];
        for (addressee, expected) in cases {
            assert_eq!(
                addressee_role(&op, &addressee),
                expected,
                "{}",
                addressee.id.0
            );
        }
        // Every kind that is none of the three is refused, whatever its sectors.
        for kind in OrgKind::ALL {
            let a = org("x", kind, &["electric_power"], &[]);
            let ok = addressee_role(&op, &a).is_ok();
            assert_eq!(
                ok,
                matches!(kind, OrgKind::Nisc | OrgKind::CiMinistry),
                "{kind:?}"
            );
        }
        // Nobody but an operator opens one.
        let ministry = org("meti", OrgKind::CiMinistry, &["electric_power"], &[]);
        assert_eq!(
            addressee_role(&ministry, &org("nisc", OrgKind::Nisc, &[], &[])),
            Err(AddresseeError::NotAnOperator)
        );
    }

    #[test]
    fn the_state_machine() {
        let allowed = [
            (Open, Answered),
            (Open, Closed),
            (Answered, Open),
            (Answered, Closed),
        ];
        for from in ConsultationStatus::ALL {
            for to in ConsultationStatus::ALL {
                assert_eq!(
                    from.may_move(to),
                    allowed.contains(&(from, to)),
                    "{from:?} → {to:?}"
                );
            }
        }
        assert!(Closed.is_final() && !Open.is_final() && !Answered.is_final());
        assert!(Open.may_close() && Answered.may_close() && !Closed.may_close());
        assert_eq!(
            ConsultationStatus::ALL
                .into_iter()
                .filter(|s| s.awaits_answer())
                .collect::<Vec<_>>(),
            vec![Open]
        );
    }

    /// What a message does, every state × side; each change is a move the machine allows.
    #[test]
    fn messages_move_the_state() {
        let expected = [
            ((Open, Party::Addressee), Some(Answered)),
            ((Open, Party::Operator), Some(Open)),
            ((Answered, Party::Addressee), Some(Answered)),
            ((Answered, Party::Operator), Some(Open)),
            ((Closed, Party::Addressee), None),
            ((Closed, Party::Operator), None),
        ];
        for ((from, by), to) in expected {
            assert_eq!(from.after_message(by), to, "{from:?} {by:?}");
            if let Some(to) = to {
                assert!(to == from || from.may_move(to), "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        for s in ConsultationStatus::ALL {
            assert_eq!(ConsultationStatus::from_code(s.code()), Some(s));
            assert!(!s.label_ja().is_empty() && !s.label_en().is_empty());
        }
        assert_eq!(ConsultationStatus::from_code("pending"), None);
        assert_eq!(consultation_ident(7), "C7");
        for e in [
            AddresseeError::NotAnOperator,
            AddresseeError::NotItsMinistry,
            AddresseeError::NotItsCeptoar,
            AddresseeError::NotConsulted,
        ] {
            assert!(
                !e.rule().is_empty() && !e.message_ja().is_empty() && !e.message_en().is_empty()
            );
        }
    }
}
