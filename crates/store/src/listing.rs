//! The case listing (受信箱・検索): one row per liaison chain, built only from the copies a
//! viewer's audience keys open.

use crate::CopyRecord;
use chrono::{DateTime, Utc};
use kakehashi_domain::{CopyId, OrgId};

/// A listing of chains for one viewer.
///
/// Every copy the query consults — the row's copy, the urgent copy behind the `urgent` flag, the
/// received copy behind `pending` and the onward copy that clears it — is a copy whose stored
/// audience meets `keys`. Nothing else decides what is listed: the keys come from the policy.
///
/// *Copy filters* (`involving_org`, `tlp`, `importance`, `terms`, `from`, `until`) choose which of
/// the readable copies count; a chain is listed when one of its counted copies exists, and its
/// row is the newest counted copy. *Chain filters* (`sector`, `status`, `statutory`, `urgent`,
/// `to_forward`) then keep or drop whole chains.
#[derive(Debug, Clone, Default)]
pub struct ListingQuery {
    /// The viewer's audience keys (from the policy). Empty = nothing.
    pub keys: Vec<String>,
    /// Only copies addressed to or sent by this organisation (the inbox).
    pub involving_org: Option<OrgId>,
    /// The organisation whose received copies, not yet sent on by it, make a chain "to forward"
    /// (a ministry or CEPTOAR viewer's own); `None` = nothing is ever to forward.
    pub forwarding_org: Option<OrgId>,
    pub sector: Option<String>,
    pub tlp: Option<String>,
    /// With `tlp`: the viewer's keys under which a copy at that level can be found (the policy's
    /// `keys_at_level`). The walk then reads only these keys' ranges; the rules still use `keys`.
    /// `None` walks all of `keys`.
    pub level_keys: Option<Vec<String>>,
    pub importance: Option<String>,
    /// Chain status ("open" / "closed").
    pub status: Option<String>,
    pub statutory: Option<bool>,
    /// `Some(true)`: only chains with a readable urgent copy (同報); `Some(false)`: only without.
    pub urgent: Option<bool>,
    /// `Some(true)`: only chains with a received copy to forward; `Some(false)`: only without.
    pub to_forward: Option<bool>,
    /// Normalised keyword terms; a copy counts when each occurs in its search text or its report's
    /// identification number (lower case).
    pub terms: Vec<String>,
    /// Only copies created at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only copies created strictly before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only rows strictly older than this (keyset paging on the row copy's time and id).
    pub before: Option<(DateTime<Utc>, CopyId)>,
    /// Only rows strictly newer than this time (and, at the same time, with a greater copy id
    /// when one is given); when set, the oldest row comes first (TAXII's `added_after` and
    /// paging forward).
    pub after: Option<(DateTime<Utc>, Option<CopyId>)>,
    pub limit: u32,
}

/// One listed chain: its newest counted copy and the chain's state.
#[derive(Debug, Clone, PartialEq)]
pub struct ListingRecord {
    /// The row's copy (the newest the query counts in this chain).
    pub copy: CopyRecord,
    /// R<n> / R<n>-<k> of the copy's report, once NISC has it.
    pub ident: Option<String>,
    pub chain_number: Option<u64>,
    pub chain_status: String,
    pub statutory: bool,
    /// The chain is an exercise (演習): views that count real cases leave it out.
    pub exercise: bool,
    /// The chain has an urgent copy (同報, of a kind in [`URGENT_HOPS`]) the keys open.
    pub urgent: bool,
    /// The oldest copy of the chain addressed to `forwarding_org` that the keys open and from
    /// which that organisation has sent no onward copy the keys open (the one waiting longest).
    pub pending: Option<CopyId>,
}

/// The stored hop kinds of an urgent copy (同報) — the sector's, and the one confined to NISC on
/// the anonymising route — which raise a listed chain's `urgent` flag.
pub const URGENT_HOPS: [&str; 2] = ["urgent_copy", "urgent_copy_confined"];

/// How many open chains of a sector lie outside a viewer's audience keys, and from how many
/// distinct reporting organisations ([`crate::Store::count_open_chains_outside`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectorCount {
    pub sector: String,
    pub chains: u64,
    pub orgs: u64,
}
