//! The storage interface: what the application needs from a database, with no driver types.
//!
//! Two backends implement [`Store`] (SQLite by default, PostgreSQL for scale-out); the shared
//! conformance suite in [`conformance`] runs against both. Every write that matters happens in
//! one transaction together with its audit entries, so an acknowledged write and its audit record
//! are durable together or not at all.

pub mod conformance;
mod records;

pub use records::*;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use kakehashi_audit::{AuditDraft, AuditEntry};
use kakehashi_domain::{ChainId, CopyId, OrgId, PersonId};

/// Storage failures. Drivers' errors are flattened to text: callers decide by kind, not by driver.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was violated (e.g. a login name already taken); carries the constraint.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("storage error: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The application's view of a database. Implemented once per backend.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Short backend name for diagnostics ("sqlite", "postgres").
    fn backend(&self) -> &'static str;

    // --- settings -------------------------------------------------------------------------
    async fn get_setting(&self, key: &str) -> StoreResult<Option<String>>;
    async fn put_setting(&self, key: &str, value: &str) -> StoreResult<()>;

    // --- organisations and people ---------------------------------------------------------
    async fn insert_org(&self, org: &OrgRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn update_org(&self, org: &OrgRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn org(&self, id: &OrgId) -> StoreResult<OrgRecord>;
    async fn orgs(&self) -> StoreResult<Vec<OrgRecord>>;
    async fn insert_person(&self, person: &PersonRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn update_person(&self, person: &PersonRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn person(&self, id: &PersonId) -> StoreResult<PersonRecord>;
    async fn person_by_login(&self, login: &str) -> StoreResult<PersonRecord>;
    async fn people_of_org(&self, org: &OrgId) -> StoreResult<Vec<PersonRecord>>;
    async fn count_people(&self) -> StoreResult<u64>;

    // --- sessions and tokens --------------------------------------------------------------
    async fn insert_session(&self, s: &SessionRecord) -> StoreResult<()>;
    /// The session with this token hash, if it exists and has not expired at `now`.
    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<SessionRecord>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    async fn insert_api_token(&self, t: &ApiTokenRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn api_token(&self, token_hash: &str) -> StoreResult<ApiTokenRecord>;
    async fn api_tokens_of(&self, person: &PersonId) -> StoreResult<Vec<ApiTokenRecord>>;
    async fn revoke_api_token(
        &self,
        id: &str,
        person: &PersonId,
        audit: AuditDraft,
    ) -> StoreResult<()>;

    // --- sign-in rate limit (shared by all nodes) ---------------------------------------
    async fn record_login_failure(&self, login: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Failures for `login` at or after `since`, oldest first.
    async fn login_failures_since(
        &self,
        login: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<DateTime<Utc>>>;
    async fn clear_login_failures(&self, login: &str) -> StoreResult<()>;

    // --- liaison --------------------------------------------------------------------------
    /// Records hop copies atomically: optionally a new chain and/or a new report, the copies with
    /// their audience keys, NISC numbering on receipt, and the audit entries.
    async fn record_hops(&self, batch: HopBatch) -> StoreResult<HopOutcome>;
    async fn chain(&self, id: &ChainId) -> StoreResult<ChainRecord>;
    async fn chain_by_number(&self, number: u64) -> StoreResult<ChainRecord>;
    async fn reports_of_chain(&self, id: &ChainId) -> StoreResult<Vec<ReportRecord>>;
    async fn copy(&self, id: &CopyId) -> StoreResult<CopyRecord>;
    /// All copies of a chain, oldest first (the caller filters each through the policy).
    async fn copies_of_chain(&self, id: &ChainId) -> StoreResult<Vec<CopyRecord>>;
    /// Copies whose audience intersects `keys`, newest first: the indexed form of the policy.
    async fn list_copies(&self, query: &CopyQuery) -> StoreResult<Vec<CopySummary>>;

    // --- audit ----------------------------------------------------------------------------
    async fn append_audit(&self, drafts: Vec<AuditDraft>) -> StoreResult<()>;
    /// Entries with seq in `[from, from + limit)`, in order.
    async fn audit_entries(&self, from: u64, limit: u64) -> StoreResult<Vec<AuditEntry>>;
    /// Newest entries first, for browsing.
    async fn audit_recent(&self, limit: u64) -> StoreResult<Vec<AuditEntry>>;
    /// The recorded head (last seq and hash), kept apart from the entries to detect truncation.
    async fn audit_head(&self) -> StoreResult<Option<(u64, String)>>;
}
