//! kakehashi-audit: a tamper-evident, append-only audit log, as a pure model.
//!
//! Every entry carries the hash of the entry before it, so altering, inserting, deleting or
//! reordering stored entries breaks the chain at a point [`verify`] can name. Deleting entries
//! from the end leaves a shorter but intact chain; to catch that the backends also keep the
//! latest `(seq, hash)` (the *head*) apart from the entries, and [`verify`] compares the two.
//!
//! This crate does no I/O: the storage backends persist [`AuditEntry`] values and the head;
//! this crate only [`seal`]s new entries and [`verify`]s stored ones.
//!
//! The hash proves integrity, not authorship: anyone with write access to the store can
//! recompute a whole chain and its head. It makes silent edits detectable, and its value grows
//! when the head is also copied somewhere the database's writers cannot reach.
//!
//! # Hash format, version 1
//!
//! **This is a storage format.** Stored hashes depend on it byte for byte: changing anything
//! below makes every existing log fail verification. A new format needs a new version tag and
//! a way to tell which entries use which.
//!
//! `hash` is the lower-case hex SHA-256 of the concatenation of these items, in this order:
//!
//! | # | item         | encoding                                                         |
//! |---|--------------|------------------------------------------------------------------|
//! | 1 | version tag  | `field("kakehashi-audit/v1")`                                    |
//! | 2 | `seq`        | `field(seq as 8-byte big-endian)`                                |
//! | 3 | `at`         | `field(RFC 3339, UTC, "Z", exactly 9 fraction digits)`, e.g. `2025-04-01T09:30:00.123456000Z` |
//! | 4 | `actor`      | `opt(actor)`                                                     |
//! | 5 | `actor_org`  | `opt(actor_org)`                                                 |
//! | 6 | `action`     | `field(action)`                                                  |
//! | 7 | `target`     | `opt(target)`                                                    |
//! | 8 | `detail`     | `field(canonical_json(detail))`, see [`canonical_json`]          |
//! | 9 | `prev_hash`  | `field(prev_hash)` (its hex text as stored)                      |
//!
//! where `field(b)` is `len(b)` as an 8-byte big-endian integer followed by the bytes `b`
//! (strings as UTF-8), and `opt(None)` is the single byte `0x00` while `opt(Some(s))` is the
//! byte `0x01` followed by `field(s)`. The length prefixes make the encoding unambiguous:
//! moving bytes from one field into its neighbour, or turning an absent value into an empty
//! one, changes the hash. The version tag keeps v1 hashes from ever colliding with a future
//! format's.
//!
//! [`seal`] truncates `at` to whole microseconds, so a backend that stores timestamps with
//! microsecond precision (PostgreSQL `timestamptz`) still reads back the exact value hashed;
//! the hash itself covers nanoseconds so that no change to a stored time goes unnoticed.

mod canonical;

pub use canonical::canonical_json;

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// `prev_hash` of the first entry, and the head of an empty log.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Version tag at the start of every hash input (see the crate docs).
pub const HASH_FORMAT: &str = "kakehashi-audit/v1";

/// What the application wants recorded; [`seal`] turns it into an [`AuditEntry`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditDraft {
    /// Person id of whoever acted; `None` for the system or an unauthenticated caller.
    pub actor: Option<String>,
    /// Organisation the actor acted for.
    pub actor_org: Option<String>,
    /// What happened, e.g. `sign_in`, `sign_in_failed`, `liaison.file`, `copy.read`.
    pub action: String,
    /// What it happened to (an id, a login name, ...).
    pub target: Option<String>,
    /// Anything else worth keeping; hashed in its [`canonical_json`] form.
    pub detail: serde_json::Value,
}

/// A sealed, stored audit entry. Every field except `hash` is covered by `hash`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the log: 1 for the first entry, then contiguous.
    pub seq: u64,
    /// When it was recorded, truncated to microseconds.
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub actor_org: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: serde_json::Value,
    /// `hash` of the entry before, or [`GENESIS_HASH`] for the first.
    pub prev_hash: String,
    /// Lower-case hex SHA-256 over the other fields (see the crate docs).
    pub hash: String,
}

impl AuditEntry {
    /// `(seq, hash)`: what the next [`seal`] chains onto, and what a backend records as head.
    pub fn link(&self) -> (u64, &str) {
        (self.seq, &self.hash)
    }
}

/// Seals `draft` as the entry after `prev` (the last entry's `(seq, hash)`; `None` for an
/// empty log) and computes its hash.
///
/// `at` is truncated to whole microseconds so that any backend stores it exactly.
///
/// # Panics
///
/// If `prev`'s seq is `u64::MAX`: wrapping around would silently restart the sequence.
pub fn seal(prev: Option<(u64, &str)>, draft: AuditDraft, at: DateTime<Utc>) -> AuditEntry {
    let (seq, prev_hash) = match prev {
        None => (1, GENESIS_HASH),
        Some((seq, hash)) => (
            seq.checked_add(1).expect("audit log sequence exhausted"),
            hash,
        ),
    };
    let AuditDraft {
        actor,
        actor_org,
        action,
        target,
        detail,
    } = draft;
    let mut entry = AuditEntry {
        seq,
        at: at.trunc_subsecs(6),
        actor,
        actor_org,
        action,
        target,
        detail,
        prev_hash: prev_hash.to_owned(),
        hash: String::new(),
    };
    entry.hash = compute_hash(&entry);
    entry
}

/// The hash `entry` should carry, computed from all its fields but `hash` (see the crate docs).
pub fn compute_hash(entry: &AuditEntry) -> String {
    let mut h = Sha256::new();
    field(&mut h, HASH_FORMAT.as_bytes());
    field(&mut h, &entry.seq.to_be_bytes());
    field(
        &mut h,
        entry
            .at
            .to_rfc3339_opts(SecondsFormat::Nanos, true)
            .as_bytes(),
    );
    opt(&mut h, entry.actor.as_deref());
    opt(&mut h, entry.actor_org.as_deref());
    field(&mut h, entry.action.as_bytes());
    opt(&mut h, entry.target.as_deref());
    field(&mut h, canonical_json(&entry.detail).as_bytes());
    field(&mut h, entry.prev_hash.as_bytes());
    hex::encode(h.finalize())
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

fn opt(h: &mut Sha256, value: Option<&str>) {
    match value {
        None => h.update([0u8]),
        Some(s) => {
            h.update([1u8]);
            field(h, s.as_bytes());
        }
    }
}

/// A log that verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// How many entries were checked.
    pub entries: u64,
    /// `(seq, hash)` of the last entry; `None` for an empty log.
    pub head: Option<(u64, String)>,
}

/// The first point at which a log failed verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyError {
    /// Where the chain breaks: the seq the offending entry *should* have, i.e. its position
    /// (1-based) in the sequence given, so a changed `seq` field still points at the right
    /// entry and a deleted entry is named by its own seq. For [`VerifyErrorKind::HeadMismatch`]
    /// it is the seq of the last entry present (0 for an empty log).
    pub seq: u64,
    pub kind: VerifyErrorKind,
}

/// Why a log failed verification. Checks run in this order for each entry, so the most
/// specific explanation wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyErrorKind {
    /// The entry's fields do not hash to its `hash`: the entry was altered.
    HashMismatch,
    /// The entry's `prev_hash` is not the previous entry's `hash`: an entry was inserted,
    /// deleted or moved before it.
    BrokenLink,
    /// The entry is intact and linked but its `seq` is not the next number: entries were
    /// deleted or inserted and the chain re-hashed around them without renumbering.
    SequenceGap,
    /// The log's last entry is not the separately recorded head: entries were deleted from the
    /// end, appended without moving the head, or the head itself was altered.
    HeadMismatch,
}

impl VerifyErrorKind {
    pub fn message_en(self) -> &'static str {
        match self {
            Self::HashMismatch => "hash mismatch: the entry was altered",
            Self::BrokenLink => {
                "broken link: prev_hash does not match the previous entry (an entry was inserted, deleted or reordered)"
            }
            Self::SequenceGap => "sequence gap: seq is not contiguous (an entry was deleted or inserted)",
            Self::HeadMismatch => {
                "head mismatch: the last entry is not the recorded head (entries deleted from the end, or the head was altered)"
            }
        }
    }

    pub fn message_ja(self) -> &'static str {
        match self {
            Self::HashMismatch => "ハッシュ不一致：記録が改変されています",
            Self::BrokenLink => "連鎖の断絶：直前の記録のハッシュと一致しません（記録の挿入・削除・入替え）",
            Self::SequenceGap => "通番の欠落：通番が連続していません（記録の削除・挿入）",
            Self::HeadMismatch => {
                "末尾の不一致：最後の記録が保存済みの先頭情報と一致しません（末尾の記録の削除、または先頭情報の改ざん）"
            }
        }
    }
}

impl fmt::Display for VerifyErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.message_ja(), self.message_en())
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "監査ログの検証に失敗しました（通番 {seq}）：{ja} / audit log verification failed at seq {seq}: {en}",
            seq = self.seq,
            ja = self.kind.message_ja(),
            en = self.kind.message_en(),
        )
    }
}

impl std::error::Error for VerifyError {}

/// Verifies a whole log, given in seq order from seq 1, against the recorded `head`.
///
/// Each entry must hash to its `hash`, link to the previous entry's hash (the first to
/// [`GENESIS_HASH`]) and carry the next seq. The first failure is returned.
///
/// `head` is the `(seq, hash)` the backend recorded apart from the entries; `Some((0,
/// GENESIS_HASH))` stands for an empty log, like `None` does for [`seal`]. With `head = None`
/// the chain is still checked but entries deleted from the end cannot be detected.
///
/// Entries are consumed one at a time, so a backend can stream a large log.
pub fn verify<I: IntoIterator<Item = AuditEntry>>(
    entries: I,
    head: Option<(u64, &str)>,
) -> Result<VerifyReport, VerifyError> {
    let mut count: u64 = 0;
    let mut last: Option<(u64, String)> = None;
    for entry in entries {
        let seq = count + 1;
        let fail = |kind| Err(VerifyError { seq, kind });
        if compute_hash(&entry) != entry.hash {
            return fail(VerifyErrorKind::HashMismatch);
        }
        let expected_prev = last.as_ref().map_or(GENESIS_HASH, |(_, h)| h.as_str());
        if entry.prev_hash != expected_prev {
            return fail(VerifyErrorKind::BrokenLink);
        }
        if entry.seq != seq {
            return fail(VerifyErrorKind::SequenceGap);
        }
        count = seq;
        last = Some((entry.seq, entry.hash));
    }
    if let Some((head_seq, head_hash)) = head {
        let (last_seq, last_hash) = last
            .as_ref()
            .map_or((0, GENESIS_HASH), |(s, h)| (*s, h.as_str()));
        if head_seq != last_seq || head_hash != last_hash {
            return Err(VerifyError {
                seq: last_seq,
                kind: VerifyErrorKind::HeadMismatch,
            });
        }
    }
    Ok(VerifyReport {
        entries: count,
        head: last,
    })
}
