//! 情報共有範囲（TLP）に基づく閲覧可否の判定 — the one access decision of Kakehashi.
//!
//! Every item shared on the platform (a liaison report, a provision, an attachment) carries a
//! TLP level (情報共有範囲) chosen by its sender. The information-sharing handbook
//! (「重要インフラのサイバーセキュリティに係る行動計画」に基づく情報共有の手引書, Ⅱ.2.3(2) and
//! Ⅱ.3.3(2)) defines, level by level, whose members may read it. This crate is that definition
//! as code, and nothing else decides reading:
//!
//! * [`decide`] answers "may this viewer read this item?" with a [`Decision`] and a [`Reason`].
//! * [`audience`] and [`viewer_keys`] state the same decision as a set intersection, so storage
//!   can answer "everything this person may read" with one indexed query. The invariant
//!   `decide(v, i).allowed == !audience(i).is_disjoint(&viewer_keys(v, all_sectors))` is tested
//!   by property tests over random worlds.
//! * [`reveal`] wraps a value in [`Visible`], which only this crate can construct. Read paths
//!   return `Visible<T>`, so no caller can hand out an item that was never checked.
//! * [`decide_access`] decides what travels on its own edge to or from NISC: what the other
//!   actors send NISC and NISC's requests for cooperation (see the `actors` module); for a shared
//!   item it is [`decide`]. It also decides an operator's consultations (相談) with its
//!   ministry, CEPTOAR or NISC: the two organisations only.
//! * [`decide_hub_internal`] / [`reveal_hub_internal`] decide NISC's internal working material
//!   (provision drafts, sanitisation findings, sources, resolutions): NISC's own staff only.
//! * [`decide_contacts`] / [`decide_contact_oversight`] / [`decide_contact_check`] decide the
//!   points of contact (連絡先) and contact checks (連絡確認): not TLP items, a table of their own.
//! * [`decide_public`] / [`public_keys`] / [`reveal_public`] decide the reader who has not signed
//!   in (the public page and feed): TLP:CLEAR only.
//!
//! Roles ([`kakehashi_domain::Role`]) never grant reading: a [`Viewer`] does not even carry them.
//! A platform administrator reads exactly what their organisation, employment and need-to-know
//! let them read.
//!
//! The crate fails closed: anything not explicitly admitted is denied, and a restricted item
//! (RED, AMBER+STRICT, AMBER) that names no sector is readable by nobody.

mod actors;
mod assessments;
mod audience;
mod contacts;
mod decision;
mod internal;
mod public;
mod scope;
mod visible;

pub use actors::{
    decide_access, reveal_access, Access, ConsultationScope, RequestScope, SubmissionScope,
};
pub use assessments::{
    decide_assessment, evidence_visible, may_edit_assessment, may_register_standard,
    may_share_assessment_with, reveal_assessment,
};
pub use audience::{audience, keys_at_level, viewer_keys, AudienceKey};
pub use contacts::{
    decide_contact_check, decide_contact_oversight, decide_contacts, reveal_check, reveal_contacts,
    ContactOwner,
};
pub use decision::{decide, decide_hub_internal, Decision, Reason};
pub use internal::{decide_org_internal, reveal_org_internal};
pub use public::{decide_public, public_keys, reveal_public};
pub use scope::{ItemScope, Viewer, ViewerError};
pub use visible::{reveal, reveal_hub_internal, Denied, Visible};
