//! 連絡先 — each organisation's points of contact (N13 ホットライン of 別紙４－１, the CEPTOAR's
//! emergency 窓口 of 5.8) and contact checks (連絡確認): which kinds an organisation must keep,
//! when a verification is stale, who may send a check to whom, and a check's states.
//!
//! Who may *read* contacts and checks is the policy's (`kakehashi_policy::decide_contacts`,
//! `decide_contact_check`); this module holds the rest of the rules, without I/O or clock.

use crate::ids::OrgId;
use crate::org::{OrgKind, Organisation};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The stale threshold when the deployment sets none: a contact verified more than this many
/// days ago is stale.
pub const DEFAULT_STALE_DAYS: u32 = 180;

/// 連絡先の種別.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// 緊急連絡先（24時間365日）— the hotline (N13).
    Emergency,
    /// 情報提供窓口 — where NISC's provisions reach the organisation.
    Provision,
    /// セプター窓口 — a CEPTOAR's point of contact for members and non-members (5.8).
    Ceptoar,
}

impl ContactKind {
    pub const ALL: [ContactKind; 3] = [
        ContactKind::Emergency,
        ContactKind::Provision,
        ContactKind::Ceptoar,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ContactKind::Emergency => "emergency",
            ContactKind::Provision => "provision",
            ContactKind::Ceptoar => "ceptoar",
        }
    }

    pub fn from_code(code: &str) -> Option<ContactKind> {
        ContactKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ContactKind::Emergency => "緊急連絡先（24時間・ホットライン）",
            ContactKind::Provision => "情報提供窓口",
            ContactKind::Ceptoar => "セプター窓口",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ContactKind::Emergency => "24/7 emergency contact (hotline)",
            ContactKind::Provision => "Point of contact for provisions",
            ContactKind::Ceptoar => "CEPTOAR point of contact",
        }
    }

    /// Whether an organisation of `kind` may keep a contact of this kind at all (a CEPTOAR
    /// point of contact is a CEPTOAR's).
    pub fn fits(self, kind: OrgKind) -> bool {
        match self {
            ContactKind::Emergency | ContactKind::Provision => true,
            ContactKind::Ceptoar => kind == OrgKind::Ceptoar,
        }
    }
}

/// The kinds an organisation of `kind` must keep. The hotline (N13) runs between NISC and the
/// operators, CEPTOARs and ministries; provisions reach ministries, CEPTOARs and operators
/// (the direct early warnings too); a CEPTOAR keeps its 窓口 for members and non-members. The
/// hub itself, and the actors outside the sectors, are asked for none.
pub fn required_kinds(kind: OrgKind) -> &'static [ContactKind] {
    match kind {
        OrgKind::Operator | OrgKind::CiMinistry => {
            &[ContactKind::Emergency, ContactKind::Provision]
        }
        OrgKind::Ceptoar => &[
            ContactKind::Emergency,
            ContactKind::Provision,
            ContactKind::Ceptoar,
        ],
        OrgKind::Nisc
        | OrgKind::CrisisManagement
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::CeptoarCouncil => &[],
    }
}

/// Whether a contact last verified on `verified_on` is stale on `today`: verified more than
/// `stale_days` days ago. A date in the future is not stale.
pub fn is_stale(verified_on: NaiveDate, today: NaiveDate, stale_days: u32) -> bool {
    (today - verified_on).num_days() > i64::from(stale_days)
}

/// What is wrong with an organisation's contacts of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum Gap {
    /// A required kind with no contact.
    Missing { kind: ContactKind },
    /// Every contact of this kind was last verified too long ago; `verified_on` is the newest.
    Stale {
        kind: ContactKind,
        verified_on: NaiveDate,
    },
}

impl Gap {
    pub fn kind(&self) -> ContactKind {
        match self {
            Gap::Missing { kind } | Gap::Stale { kind, .. } => *kind,
        }
    }
}

/// The gaps of an organisation of `kind` whose contacts are `(kind, verified_on)`: each
/// required kind without a contact, and each kind it keeps whose newest verification is stale.
/// In [`ContactKind::ALL`] order.
pub fn gaps(
    kind: OrgKind,
    contacts: &[(ContactKind, NaiveDate)],
    today: NaiveDate,
    stale_days: u32,
) -> Vec<Gap> {
    let required = required_kinds(kind);
    ContactKind::ALL
        .into_iter()
        .filter_map(|k| {
            let newest = contacts
                .iter()
                .filter(|(c, _)| *c == k)
                .map(|(_, d)| *d)
                .max();
            match newest {
                None if required.contains(&k) => Some(Gap::Missing { kind: k }),
                None => None,
                Some(d) if is_stale(d, today, stale_days) => Some(Gap::Stale {
                    kind: k,
                    verified_on: d,
                }),
                Some(_) => None,
            }
        })
        .collect()
}

/// Whether `sender` may send a contact check (連絡確認) to `target`: NISC to any other
/// organisation; a CEPTOAR to its member operators (a first step toward the CEPTOAR's own
/// training); nobody else.
pub fn may_send_check(sender: &Organisation, target: &Organisation) -> bool {
    if sender.id == target.id {
        return false;
    }
    match sender.kind {
        OrgKind::Nisc => true,
        OrgKind::Ceptoar => {
            target.kind == OrgKind::Operator && target.ceptoars.contains(&sender.id)
        }
        OrgKind::CrisisManagement
        | OrgKind::CiMinistry
        | OrgKind::CybersecurityMinistry
        | OrgKind::IncidentResponseMinistry
        | OrgKind::DisasterManagementMinistry
        | OrgKind::CybersecurityAgency
        | OrgKind::CyberspaceBusiness
        | OrgKind::CeptoarCouncil
        | OrgKind::Operator => false,
    }
}

/// Whether an organisation of this kind sends contact checks at all (to show the form).
pub fn sends_checks(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::Nisc | OrgKind::Ceptoar)
}

/// The most organisations one check reaches.
pub const MAX_CHECK_TARGETS: usize = 500;

/// Why an act on a check is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckRefusal {
    /// The check was closed: nothing more is recorded on it.
    Closed,
    /// This organisation acknowledged already (the first answer's time stands).
    AlreadyAcknowledged,
    /// Only the sending organisation closes its check.
    NotSender,
    /// The organisation is not among the check's targets.
    NotTarget,
}

impl CheckRefusal {
    pub fn message_ja(self) -> &'static str {
        match self {
            CheckRefusal::Closed => "この連絡確認は終了しています。",
            CheckRefusal::AlreadyAcknowledged => "この連絡確認には既に応答済みです。",
            CheckRefusal::NotSender => "連絡確認を終了できるのは送信した組織だけです。",
            CheckRefusal::NotTarget => "この連絡確認はあなたの組織宛てではありません。",
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            CheckRefusal::Closed => "This contact check is closed.",
            CheckRefusal::AlreadyAcknowledged => {
                "Your organisation already acknowledged this check."
            }
            CheckRefusal::NotSender => "Only the sending organisation closes a contact check.",
            CheckRefusal::NotTarget => "This contact check is not addressed to your organisation.",
        }
    }
}

/// A check as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckState<'a> {
    pub sender_org: &'a OrgId,
    pub closed: bool,
}

/// May `org` acknowledge now? It must be a target that has not answered, on an open check.
pub fn may_acknowledge(
    check: &CheckState<'_>,
    target: Option<Option<DateTime<Utc>>>,
) -> Result<(), CheckRefusal> {
    match target {
        None => Err(CheckRefusal::NotTarget),
        Some(_) if check.closed => Err(CheckRefusal::Closed),
        Some(Some(_)) => Err(CheckRefusal::AlreadyAcknowledged),
        Some(None) => Ok(()),
    }
}

/// May `org` close the check? Its sender, once.
pub fn may_close(check: &CheckState<'_>, org: &OrgId) -> Result<(), CheckRefusal> {
    if check.sender_org != org {
        Err(CheckRefusal::NotSender)
    } else if check.closed {
        Err(CheckRefusal::Closed)
    } else {
        Ok(())
    }
}

/// The response time of an acknowledgement, in whole seconds (never negative).
pub fn response_secs(sent_at: DateTime<Utc>, acknowledged_at: DateTime<Utc>) -> u64 {
    u64::try_from((acknowledged_at - sent_at).num_seconds()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SectorId;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn org(id: &str, kind: OrgKind, ceptoars: &[&str]) -> Organisation {
        Organisation {
            id: OrgId(id.into()),
            kind,
            name_ja: id.into(),
            name_en: id.into(),
            sectors: vec![SectorId("electric_power".into())],
            ceptoars: ceptoars.iter().map(|c| OrgId((*c).into())).collect(),
            nisc_partner: false,
        }
    }

    #[test]
    fn codes_round_trip_and_labels_differ() {
        for k in ContactKind::ALL {
            assert_eq!(ContactKind::from_code(k.code()), Some(k));
            assert!(!k.label_ja().is_empty() && !k.label_en().is_empty());
        }
        assert_eq!(ContactKind::from_code("fax"), None);
    }

    #[test]
    fn required_kinds_fit_their_organisation() {
        for kind in OrgKind::ALL {
            for k in required_kinds(kind) {
                assert!(k.fits(kind), "{kind:?} must keep {k:?}, which it may not");
            }
        }
        assert!(required_kinds(OrgKind::Nisc).is_empty());
        assert!(required_kinds(OrgKind::Ceptoar).contains(&ContactKind::Ceptoar));
        assert!(!ContactKind::Ceptoar.fits(OrgKind::Operator));
    }

    #[test]
    fn stale_is_strictly_older_than_the_threshold() {
        let today = d("2026-12-04");
        assert!(!is_stale(d("2026-06-07"), today, 180), "exactly 180 days");
        assert!(is_stale(d("2026-06-06"), today, 180), "181 days");
        assert!(!is_stale(d("2027-01-01"), today, 180), "future");
        assert!(is_stale(d("2026-12-03"), today, 0));
        assert!(!is_stale(today, today, 0));
    }

    #[test]
    fn gaps_name_missing_required_kinds_and_stale_newest_verifications() {
        let today = d("2026-12-04");
        assert_eq!(
            gaps(OrgKind::Operator, &[], today, 180),
            vec![
                Gap::Missing {
                    kind: ContactKind::Emergency
                },
                Gap::Missing {
                    kind: ContactKind::Provision
                }
            ]
        );
        // One fresh emergency contact beside a stale one: the kind is fine.
        let contacts = [
            (ContactKind::Emergency, d("2020-01-01")),
            (ContactKind::Emergency, d("2026-11-01")),
            (ContactKind::Provision, d("2025-01-01")),
        ];
        assert_eq!(
            gaps(OrgKind::Operator, &contacts, today, 180),
            vec![Gap::Stale {
                kind: ContactKind::Provision,
                verified_on: d("2025-01-01")
            }]
        );
        // Nothing required of NISC, but a stale contact it keeps is still shown.
        assert!(gaps(OrgKind::Nisc, &[], today, 180).is_empty());
        assert_eq!(
            gaps(
                OrgKind::Nisc,
                &[(ContactKind::Emergency, d("2020-01-01"))],
                today,
                180
            )
            .len(),
            1
        );
        // The threshold is the caller's.
        assert!(gaps(OrgKind::Operator, &contacts, today, 10_000).is_empty());
    }

    #[test]
    fn who_sends_checks_to_whom() {
        let nisc = org("nisc", OrgKind::Nisc, &[]);
        let cep = org("cep", OrgKind::Ceptoar, &[]);
        let member = org("member", OrgKind::Operator, &["cep"]);
        let outsider = org("outsider", OrgKind::Operator, &["other"]);
        let meti = org("meti", OrgKind::CiMinistry, &[]);
        assert!(may_send_check(&nisc, &member));
        assert!(may_send_check(&nisc, &cep));
        assert!(may_send_check(&nisc, &meti));
        assert!(!may_send_check(&nisc, &nisc), "not to itself");
        assert!(may_send_check(&cep, &member));
        assert!(!may_send_check(&cep, &outsider), "members only");
        assert!(!may_send_check(&cep, &meti));
        for kind in OrgKind::ALL {
            let sender = org("s", kind, &[]);
            let target = org("t", OrgKind::Operator, &["s"]);
            assert_eq!(
                may_send_check(&sender, &target),
                matches!(kind, OrgKind::Nisc | OrgKind::Ceptoar),
                "{kind:?}"
            );
            assert_eq!(sends_checks(kind), may_send_check(&sender, &target));
        }
    }

    #[test]
    fn a_check_is_acknowledged_once_while_open_and_closed_once_by_its_sender() {
        let nisc = OrgId("nisc".into());
        let open = CheckState {
            sender_org: &nisc,
            closed: false,
        };
        let closed = CheckState {
            sender_org: &nisc,
            closed: true,
        };
        let at = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("time");
        assert_eq!(may_acknowledge(&open, Some(None)), Ok(()));
        assert_eq!(
            may_acknowledge(&open, Some(Some(at))),
            Err(CheckRefusal::AlreadyAcknowledged)
        );
        assert_eq!(may_acknowledge(&open, None), Err(CheckRefusal::NotTarget));
        assert_eq!(
            may_acknowledge(&closed, Some(None)),
            Err(CheckRefusal::Closed)
        );
        assert_eq!(may_close(&open, &nisc), Ok(()));
        assert_eq!(may_close(&closed, &nisc), Err(CheckRefusal::Closed));
        assert_eq!(
            may_close(&open, &OrgId("x".into())),
            Err(CheckRefusal::NotSender)
        );
        assert_eq!(response_secs(at, at + chrono::Duration::seconds(95)), 95);
        assert_eq!(response_secs(at, at - chrono::Duration::seconds(5)), 0);
    }
}
