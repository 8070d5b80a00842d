//! The two inputs of the decision: who is reading ([`Viewer`]) and what they read ([`ItemScope`]).

use kakehashi_domain::{
    Employment, NeedToKnow, OrgId, OrgKind, Organisation, Person, PersonId, SectorId, Tlp,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// 閲覧者 — a person as the sharing policy sees them: their organisation, its kind and sectors,
/// their employment (雇用形態) and their need-to-know (業務上知る必要).
///
/// Deliberately carries no [`kakehashi_domain::Role`]: roles grant actions, never reading, so a
/// platform administrator gains nothing here by virtue of the role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub person: PersonId,
    /// The organisation the person belongs to (所属組織).
    pub org: OrgId,
    /// Kind of that organisation, as the Action Plan names the actors.
    pub org_kind: OrgKind,
    /// Sectors the viewer's organisation is directly concerned with (直接関係する分野): a
    /// ministry's overseen sectors, a CEPTOAR's sector, an operator's sector.
    pub org_sectors: Vec<SectorId>,
    /// その組織の職員 or a contractor under NDA.
    pub employment: Employment,
    /// 業務上知る必要 — the sectors whose restricted information the person's work requires.
    pub need_to_know: NeedToKnow,
    /// 大規模重要インフラサービス障害対応時 — the sectors for which the large-scale outage mode is
    /// declared (empty: normal times). Only there does the crisis-management office read what
    /// NISC holds without NISC sharing it (※１ is 「必要に応じ」: in normal times it reads what
    /// NISC explicitly shares with it).
    #[serde(default)]
    pub large_scale_sectors: Vec<SectorId>,
    /// For an operator: the CEPTOARs its organisation is a member of. Plays no part in
    /// [`crate::decide`]; a member reads its CEPTOAR's points of contact
    /// ([`crate::decide_contacts`]).
    #[serde(default)]
    pub member_of: Vec<OrgId>,
}

/// Why a [`Viewer`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewerError {
    /// The person does not belong to the organisation handed over with them. Building a viewer
    /// anyway would let one organisation's kind and sectors speak for another's member.
    OrgMismatch { person_org: OrgId, org: OrgId },
}

impl fmt::Display for ViewerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ViewerError::OrgMismatch { person_org, org } => write!(
                f,
                "person belongs to organisation {person_org}, not to {org}"
            ),
        }
    }
}

impl std::error::Error for ViewerError {}

impl Viewer {
    /// The viewer for `person`, who must belong to `org` (`person.org == org.id`).
    ///
    /// Roles are dropped on purpose (they never grant reading).
    pub fn new(person: &Person, org: &Organisation) -> Result<Viewer, ViewerError> {
        if person.org != org.id {
            return Err(ViewerError::OrgMismatch {
                person_org: person.org.clone(),
                org: org.id.clone(),
            });
        }
        Ok(Viewer {
            person: person.id.clone(),
            org: org.id.clone(),
            org_kind: org.kind,
            org_sectors: org.sectors.clone(),
            employment: person.employment,
            need_to_know: person.need_to_know.clone(),
            large_scale_sectors: Vec::new(),
            member_of: org.ceptoars.clone(),
        })
    }

    /// The same viewer while the large-scale outage mode is declared for `sectors` (none:
    /// normal times).
    pub fn in_large_scale_mode(mut self, sectors: Vec<SectorId>) -> Viewer {
        self.large_scale_sectors = sectors;
        self
    }

    /// Whether the large-scale outage mode is declared for any sector.
    pub fn large_scale_mode(&self) -> bool {
        !self.large_scale_sectors.is_empty()
    }
}

/// 情報共有範囲 — the sharing scope of one item: its TLP level, the sector(s) it concerns, and
/// the organisations it names.
///
/// The *named organisations* of an item are [`sender_org`](Self::sender_org) ∪
/// [`addressees`](Self::addressees) ∪ [`added_recipients`](Self::added_recipients).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemScope {
    /// 情報共有範囲 (TLP) chosen by the sender.
    pub tlp: Tlp,
    /// 分野 — the item's sector(s): normally one (the form's ③分野名); a provision
    /// (情報提供) may concern several. A restricted item with none is readable by nobody.
    pub sectors: Vec<SectorId>,
    /// 情報連絡元 / 情報提供元 — the sending organisation.
    pub sender_org: OrgId,
    /// 宛先 — the addressed organisations.
    pub addressees: Vec<OrgId>,
    /// Recipients the sender added, and NISC's ※１ shares (あらかじめ連携を要請した
    /// サイバーセキュリティ関係機関 and others NISC shares the item with).
    pub added_recipients: Vec<OrgId>,
    /// NISC is the sender or an addressee, so the standing ※１ exception applies: NISC may
    /// share with 内閣官房（事態対処・危機管理担当）.
    pub held_by_nisc: bool,
}

impl ItemScope {
    /// True when `org` is the sender, an addressee or an added recipient.
    pub fn names(&self, org: &OrgId) -> bool {
        self.sender_org == *org
            || self.addressees.contains(org)
            || self.added_recipients.contains(org)
    }

    /// The named organisations: sender ∪ addressees ∪ added recipients, each once.
    pub fn named_orgs(&self) -> std::collections::BTreeSet<&OrgId> {
        std::iter::once(&self.sender_org)
            .chain(&self.addressees)
            .chain(&self.added_recipients)
            .collect()
    }
}
