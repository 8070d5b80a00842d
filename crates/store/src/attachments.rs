//! Records of attachments (別紙・検体): the metadata row and the bytes, kept in chunks.

use chrono::{DateTime, Utc};
use kakehashi_domain::{OrgId, PersonId};
use serde::{Deserialize, Serialize};

/// How big one stored chunk of an attachment's bytes is: a download streams one chunk at a time.
pub const ATTACHMENT_CHUNK: usize = 256 * 1024;

/// An attachment's metadata. `owner_kind` is `copy` (a liaison hop copy) or `provision`; the
/// attachment has its owner's TLP and audience, so it carries none of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRecord {
    pub id: String,
    pub owner_kind: String,
    pub owner_id: String,
    /// `material` (別紙) or `specimen` (検体).
    pub kind: String,
    pub filename: String,
    /// Sniffed from the bytes, never the client's claim.
    pub content_type: String,
    pub size: u64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    /// How many chunks of at most [`ATTACHMENT_CHUNK`] bytes hold the bytes.
    pub chunks: u32,
    pub uploaded_by: PersonId,
    pub uploaded_org: OrgId,
    pub uploaded_at: DateTime<Utc>,
}
