//! The storage interface: what the application needs from a database, with no driver types.
//!
//! Two backends implement [`Store`] (SQLite by default, PostgreSQL for scale-out); the shared
//! conformance suite in [`conformance`] runs against both. Every write that matters happens in
//! one transaction together with its audit entries, so an acknowledged write and its audit record
//! are durable together or not at all.

mod actors;
mod attachments;
pub mod conformance;
mod contacts;
mod deadlines;
mod exercises;
mod incidents;
mod listing;
mod provision;
mod records;
mod risk;
mod standards;

pub use actors::*;
pub use attachments::*;
pub use contacts::*;
pub use deadlines::*;
pub use exercises::*;
pub use incidents::*;
pub use listing::*;
pub use provision::*;
pub use records::*;
pub use risk::*;
pub use standards::*;

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
    /// The database cannot be reached or did not answer in time (PostgreSQL restarting, a
    /// connection lost, the pool exhausted): the operation was not done; retrying later may work.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The disk holding the database is full (SQLITE_FULL, PostgreSQL `disk_full`): the
    /// transaction was rolled back, nothing of it is stored.
    #[error("storage full: {0}")]
    Full(String),
    #[error("storage error: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The application's view of a database. Implemented once per backend.
#[async_trait]
pub trait Store: RiskStore + Send + Sync + 'static {
    /// Short backend name for diagnostics ("sqlite", "postgres").
    fn backend(&self) -> &'static str;

    // --- settings -------------------------------------------------------------------------
    async fn get_setting(&self, key: &str) -> StoreResult<Option<String>>;
    async fn put_setting(&self, key: &str, value: &str) -> StoreResult<()>;
    /// As [`Store::put_setting`], with its audit entry in the same transaction.
    async fn put_setting_audited(
        &self,
        key: &str,
        value: &str,
        audit: AuditDraft,
    ) -> StoreResult<()> {
        self.put_settings_audited(&[(key, value)], audit).await
    }
    /// Several settings and one audit entry, all in one transaction.
    async fn put_settings_audited(
        &self,
        pairs: &[(&str, &str)],
        audit: AuditDraft,
    ) -> StoreResult<()>;

    // --- organisations and people ---------------------------------------------------------
    async fn insert_org(&self, org: &OrgRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn update_org(&self, org: &OrgRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn org(&self, id: &OrgId) -> StoreResult<OrgRecord>;
    async fn orgs(&self) -> StoreResult<Vec<OrgRecord>>;
    /// The directory's version: it changes in the same transaction as every insert or update
    /// of an organisation, so a copy of [`Store::orgs`] read after version `v` is current for as
    /// long as the version is still `v`.
    async fn directory_version(&self) -> StoreResult<i64>;
    async fn insert_person(&self, person: &PersonRecord, audit: AuditDraft) -> StoreResult<()>;
    /// Replaces a person's record (the login and organisation stay); deactivation ends their
    /// sessions. Refuses (`Conflict("last_platform_admin")`, nothing changed) an update that
    /// would leave no active platform administrator where the person was one: the storage
    /// backstop of the domain's continuity rule against two concurrent changes.
    async fn update_person(&self, person: &PersonRecord, audit: AuditDraft) -> StoreResult<()>;
    /// Sets a new password hash and the must-change flag in one transaction: ends every session
    /// of the person except `keep_session` (a token hash), clears their sign-in failures, and
    /// appends the audit entry. `NotFound` if there is no such person.
    async fn set_password(
        &self,
        person: &PersonId,
        password_hash: &str,
        must_change: bool,
        keep_session: Option<&str>,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// How many active people hold the platform-admin role.
    async fn active_platform_admins(&self) -> StoreResult<u64>;
    async fn person(&self, id: &PersonId) -> StoreResult<PersonRecord>;
    async fn person_by_login(&self, login: &str) -> StoreResult<PersonRecord>;
    async fn people_of_org(&self, org: &OrgId) -> StoreResult<Vec<PersonRecord>>;
    async fn count_people(&self) -> StoreResult<u64>;

    // --- sessions and tokens --------------------------------------------------------------
    async fn insert_session(&self, s: &SessionRecord) -> StoreResult<()>;
    /// The session with this token hash, if it exists and has not expired at `now`.
    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<SessionRecord>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// The credential generation: it moves in the same transaction as every change that can
    /// end a credential that stood (a session deleted, a token revoked, a person's record or
    /// password changed: [`Store::delete_session`], [`Store::revoke_api_token`],
    /// [`Store::update_person`], [`Store::set_password`]), so a credential found standing after
    /// generation `g` was read still stands while the generation is `g` and its own expiry has
    /// not passed.
    async fn credential_generation(&self) -> StoreResult<i64>;
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
    /// One row per chain, newest row first: see [`ListingQuery`]. Key-driven: it walks the
    /// index ranges of the viewer's keys (an inbox: of its organisation) newest first, and its
    /// cost follows the page, not the number of copies stored.
    async fn list_chains(&self, query: &ListingQuery) -> StoreResult<Vec<ListingRecord>>;
    /// The database's plans for the statements of one chain listing — its first window of the
    /// walk and that window's rows — as the database explains them (PostgreSQL runs them: the
    /// plans carry the rows and buffers each step read). For the benchmark notes and for finding
    /// a slow listing; nothing is written.
    async fn explain_listing(&self, query: &ListingQuery) -> StoreResult<Vec<String>>;
    /// Per sector, how many open chains (exercises left out) have no copy whose audience meets
    /// `keys`, and from how many distinct reporting organisations: numbers only, never rows
    /// (the situation picture's counts outside a viewer's scope). Sectors without one are absent.
    async fn count_open_chains_outside(&self, keys: &[String]) -> StoreResult<Vec<SectorCount>>;
    /// Copies stored before their search text was kept (`NULL`), oldest first, with their form.
    async fn copies_without_search_text(&self, limit: u32) -> StoreResult<Vec<(CopyId, String)>>;
    /// Sets the search text of these copies.
    async fn set_search_text(&self, texts: &[(CopyId, String)]) -> StoreResult<()>;
    /// What the STIX export of these copies needs besides the copy, in one read: each copy's
    /// chain and the indicators kept for it (`None` for a copy stored before they were kept).
    /// Copies that do not exist are absent; the order is not the order of `ids`.
    async fn copy_exports(&self, ids: &[CopyId]) -> StoreResult<Vec<CopyExport>>;
    /// Keeps the STIX indicators of copies stored before they were kept (a copy's are derived
    /// from its form, which never changes, so they are the same whenever they are derived).
    async fn set_stix_indicators(&self, texts: &[(CopyId, String)]) -> StoreResult<()>;

    // --- provision (情報提供) ------------------------------------------------------------
    async fn insert_source_item(
        &self,
        item: &SourceItemRecord,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    async fn source_item(&self, id: &str) -> StoreResult<SourceItemRecord>;
    async fn source_items(&self) -> StoreResult<Vec<SourceItemRecord>>;
    /// Stores an imported source item with what the import read, and the audit entries, in one
    /// transaction (nothing when any part fails).
    async fn insert_imported_source_item(
        &self,
        item: &SourceItemRecord,
        content: &SourceImportRecord,
        audit: Vec<AuditDraft>,
    ) -> StoreResult<()>;
    /// What the import of a source item read; `None` for an item recorded by hand.
    async fn source_import(&self, source_item: &str) -> StoreResult<Option<SourceImportRecord>>;
    /// Inserts or replaces a draft; refuses (`Conflict`) once the provision was sent.
    async fn save_provision_draft(&self, p: &ProvisionRecord, audit: AuditDraft)
        -> StoreResult<()>;
    async fn provision(&self, id: &str) -> StoreResult<ProvisionRecord>;
    async fn provisions_of_chain(&self, chain: &str) -> StoreResult<Vec<ProvisionRecord>>;
    /// Sends a draft atomically: numbers it T<n> (new chain) or T<n>-<k>, stores its audience
    /// keys and the first deliveries, the audit entries, and what `tell` makes of the number
    /// (its `ident`): the inbox rows and webhook deliveries of the send. Returns the
    /// identification number.
    async fn send_provision(
        &self,
        id: &str,
        audience: Vec<String>,
        deliveries: Vec<DeliveryRecord>,
        at: DateTime<Utc>,
        audit: Vec<AuditDraft>,
        tell: Option<Tell>,
    ) -> StoreResult<String>;
    /// Records a relay and its new deliveries (set-based; recipients already reached are kept),
    /// with the inbox rows and webhook deliveries it tells, in one transaction.
    async fn record_relay(
        &self,
        relay: &RelayRecord,
        deliveries: Vec<DeliveryRecord>,
        audit: AuditDraft,
        told: Told,
    ) -> StoreResult<()>;
    async fn deliveries_of(&self, provision: &str) -> StoreResult<Vec<DeliveryRecord>>;
    /// Marks read (first time only); `NotFound` if the organisation is not a recipient.
    async fn mark_delivery_read(
        &self,
        provision: &str,
        org: &OrgId,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn acknowledge_delivery(
        &self,
        provision: &str,
        org: &OrgId,
        at: DateTime<Utc>,
        note: &str,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// Sent provisions whose audience intersects `keys`, newest first.
    async fn list_provisions(
        &self,
        keys: &[String],
        limit: u32,
    ) -> StoreResult<Vec<ProvisionSummary>>;
    /// Sent provisions whose audience intersects `keys`, oldest first (by sending time, then
    /// id), strictly after `after` (a time, and at that time an id when given): TAXII paging.
    async fn provisions_after(
        &self,
        keys: &[String],
        after: Option<(DateTime<Utc>, Option<String>)>,
        limit: u32,
    ) -> StoreResult<Vec<ProvisionRecord>>;
    /// Drafts (NISC's work list), newest first.
    async fn provision_drafts(&self) -> StoreResult<Vec<ProvisionSummary>>;
    async fn insert_consent(&self, c: &ConsentRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn consents_of(&self, provision: &str) -> StoreResult<Vec<ConsentRecord>>;
    /// Consent requests about one source (`copy:<id>` for a liaison copy), oldest first.
    async fn consents_of_source(&self, source: &str) -> StoreResult<Vec<ConsentRecord>>;
    async fn consent(&self, id: &str) -> StoreResult<ConsentRecord>;
    async fn consents_for_org(&self, org: &OrgId) -> StoreResult<Vec<ConsentRecord>>;
    /// Decides a pending request; `Conflict` if it was already decided.
    async fn decide_consent(
        &self,
        id: &str,
        approve: bool,
        by: &PersonId,
        at: DateTime<Utc>,
        note: &str,
        audit: AuditDraft,
    ) -> StoreResult<()>;

    /// Opens a thread with its first message.
    async fn insert_inquiry(
        &self,
        i: &InquiryRecord,
        first: &InquiryMessageRecord,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    async fn add_inquiry_message(
        &self,
        m: &InquiryMessageRecord,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    async fn inquiry(&self, id: &str) -> StoreResult<InquiryRecord>;
    async fn inquiries_of(&self, provision: &str) -> StoreResult<Vec<InquiryRecord>>;
    async fn inquiry_messages(&self, inquiry: &str) -> StoreResult<Vec<InquiryMessageRecord>>;

    // --- other actors: submissions to NISC, requests for cooperation ----------------------
    /// Stores a submission numbered S<n> from the counter 'S', with its audit entry; returns n.
    async fn insert_submission(&self, s: &SubmissionRecord, audit: AuditDraft) -> StoreResult<u64>;
    async fn submission(&self, id: &str) -> StoreResult<SubmissionRecord>;
    /// Newest first; `sender` keeps one organisation's only. The caller decides each read.
    async fn submissions(
        &self,
        sender: Option<&OrgId>,
        limit: u32,
    ) -> StoreResult<Vec<SubmissionRecord>>;
    /// Records a source item made from a submission and links the two, in one transaction;
    /// `Conflict` (nothing written) if the submission already has one.
    async fn record_submission_source(
        &self,
        submission: &str,
        item: &SourceItemRecord,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// Stores a request numbered K<n> (counter 'K') and one `sent` row per addressee; returns n.
    async fn insert_coop_request(
        &self,
        r: &CoopRequestRecord,
        addressees: &[OrgId],
        audit: AuditDraft,
    ) -> StoreResult<u64>;
    async fn coop_request(&self, id: &str) -> StoreResult<CoopRequestRecord>;
    /// Newest first; `addressee` keeps the requests addressed to one organisation.
    async fn coop_requests(
        &self,
        addressee: Option<&OrgId>,
        limit: u32,
    ) -> StoreResult<Vec<CoopRequestRecord>>;
    async fn coop_addressees(&self, request: &str) -> StoreResult<Vec<CoopAddresseeRecord>>;
    /// Moves an addressee's status from `from` (compare-and-set): `NotFound` if it is no
    /// addressee, `Conflict` (nothing written) if its status is no longer `from`.
    async fn set_coop_status(
        &self,
        a: &CoopAddresseeRecord,
        from: &str,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    async fn add_coop_message(&self, m: &CoopMessageRecord, audit: AuditDraft) -> StoreResult<()>;
    /// Every thread's messages of a request, oldest first.
    async fn coop_messages(&self, request: &str) -> StoreResult<Vec<CoopMessageRecord>>;

    // --- consultations (相談) ------------------------------------------------------------
    /// Stores a consultation numbered C<n> from the counter 'C', with its audit entry; returns n.
    async fn insert_consultation(
        &self,
        c: &ConsultationRecord,
        audit: AuditDraft,
    ) -> StoreResult<u64>;
    async fn consultation(&self, id: &str) -> StoreResult<ConsultationRecord>;
    /// See [`ConsultationQuery`]; newest (highest number) first. The caller decides each read.
    async fn consultations(&self, q: &ConsultationQuery) -> StoreResult<Vec<ConsultationRecord>>;
    /// Adds a message and moves the status from `from` to `to` (compare-and-set, `to` may equal
    /// `from`), in one transaction: `NotFound` if there is no such consultation, `Conflict`
    /// (nothing written) if its status is no longer `from`.
    async fn add_consultation_message(
        &self,
        m: &ConsultationMessageRecord,
        from: &str,
        to: &str,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// Its messages, oldest first.
    async fn consultation_messages(
        &self,
        consultation: &str,
    ) -> StoreResult<Vec<ConsultationMessageRecord>>;
    /// Closes it from `from` (compare-and-set): `NotFound` if there is no such consultation,
    /// `Conflict` (nothing written) if its status is no longer `from`.
    async fn close_consultation(
        &self,
        id: &str,
        from: &str,
        by: &PersonId,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    // --- cross-checking: incidents linking chains, dismissed candidates -------------------
    /// Stores an incident numbered I<n> (counter 'I') with its first chains, in one
    /// transaction with its audit entry; returns n. `Conflict` (nothing written) if a chain is
    /// already in an incident.
    async fn insert_incident(
        &self,
        i: &IncidentRecord,
        chains: &[IncidentChainRecord],
        audit: AuditDraft,
    ) -> StoreResult<u64>;
    async fn incident(&self, id: &str) -> StoreResult<IncidentRecord>;
    /// Newest first.
    async fn incidents(&self, limit: u32) -> StoreResult<Vec<IncidentRecord>>;
    /// The chains of one incident, in the order they were added.
    async fn incident_chains(&self, incident: &str) -> StoreResult<Vec<IncidentChainRecord>>;
    /// Every chain linked into any incident (what cross-checking leaves out as already linked).
    async fn linked_chains(&self) -> StoreResult<Vec<IncidentChainRecord>>;
    /// Adds chains to an incident: `NotFound` if there is no such incident, `Conflict` (nothing
    /// written) if a chain is already in one.
    async fn add_incident_chains(
        &self,
        incident: &str,
        chains: &[IncidentChainRecord],
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// Removes a chain from an incident: `NotFound` (nothing written) if it is not in it.
    async fn remove_incident_chain(
        &self,
        incident: &str,
        chain: &ChainId,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// Records dismissed pairs (a pair dismissed before is kept as it was), with the audit entry.
    async fn dismiss_pairs(&self, pairs: &[DismissalRecord], audit: AuditDraft) -> StoreResult<()>;
    /// Every dismissed pair.
    async fn dismissals(&self) -> StoreResult<Vec<DismissalRecord>>;

    /// The active people of these organisations (any number of them), for a fan-out: the app
    /// asks the policy which of them it tells. Ordered by organisation and login.
    async fn people_in_orgs(&self, orgs: &[OrgId]) -> StoreResult<Vec<PersonRecord>>;
    /// Writes one inbox row per person for the item (multi-row statements, in one
    /// transaction); a person's existing row for the same item is kept. Returns how many rows
    /// were written. Who is told is the caller's decision (the policy's).
    async fn insert_notifications(
        &self,
        people: &[PersonId],
        kind: &str,
        ref_id: &str,
        title: &str,
        importance: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;
    async fn notifications(
        &self,
        person: &PersonId,
        limit: u32,
    ) -> StoreResult<Vec<NotificationRecord>>;
    async fn mark_notification_read(
        &self,
        person: &PersonId,
        kind: &str,
        ref_id: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Tells every server node (PostgreSQL NOTIFY); `false` when the backend has no cross-node
    /// channel (SQLite serves one node).
    async fn publish(&self, payload: &str) -> StoreResult<bool>;
    /// A stream of payloads published by any node, if the backend supports it.
    async fn subscribe(&self) -> StoreResult<Option<tokio::sync::mpsc::Receiver<String>>>;

    /// Brings the query planner's table statistics up to date where the database is not
    /// keeping them itself; the tables it analysed (none when nothing was due, when the
    /// database keeps them itself, or when another node is doing it right now). Every listing
    /// statement is planned from these statistics: a table never analysed looks almost empty
    /// to the planner.
    async fn keep_statistics(&self) -> StoreResult<Vec<String>>;

    async fn insert_webhook(&self, w: &WebhookRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn webhooks_of_org(&self, org: &OrgId) -> StoreResult<Vec<WebhookRecord>>;
    /// Active webhooks of any of these organisations.
    async fn webhooks_for_orgs(&self, orgs: &[OrgId]) -> StoreResult<Vec<WebhookRecord>>;
    /// Queues deliveries (set-based).
    async fn enqueue_webhook_deliveries(&self, d: &[WebhookDeliveryRecord]) -> StoreResult<()>;
    /// Claims for `lease.node` up to `limit` pending deliveries due at `lease.now` that no live
    /// claim holds, oldest first, with their webhook. Two claimers never get the same row
    /// (PostgreSQL: `FOR UPDATE SKIP LOCKED` in the claiming statement; SQLite: one writer); a
    /// lapsed claim is taken over.
    async fn claim_webhook_deliveries(
        &self,
        lease: &Lease,
        limit: u32,
    ) -> StoreResult<Vec<(WebhookDeliveryRecord, WebhookRecord)>>;
    /// Records an attempt (status, attempts, next try, last error) and releases the claim.
    /// `false`, and nothing written, if `node` no longer holds the claim.
    async fn finish_webhook_delivery(
        &self,
        d: &WebhookDeliveryRecord,
        node: &str,
    ) -> StoreResult<bool>;
    /// An organisation's deliveries in a state ("dead" = the dead-letter list), newest first.
    async fn webhook_deliveries_of_org(
        &self,
        org: &OrgId,
        status: &str,
        limit: u32,
    ) -> StoreResult<Vec<WebhookDeliveryRecord>>;

    /// Claims for `lease.node` the unread, not yet mailed inbox rows that no live claim holds,
    /// of up to `people` active people with this mail preference and an e-mail address: all of
    /// each person's claimable rows together, with the address, ordered by person and time. Two
    /// claimers never get the same row (PostgreSQL: the people rows are taken with
    /// `FOR UPDATE SKIP LOCKED`; SQLite: one writer); a lapsed claim is taken over.
    async fn claim_unmailed_notifications(
        &self,
        mail_pref: &str,
        lease: &Lease,
        people: u32,
    ) -> StoreResult<Vec<(NotificationRecord, String)>>;
    /// Marks rows mailed (and releases any claim on them).
    async fn mark_notifications_mailed(
        &self,
        person: &PersonId,
        ref_ids: &[String],
        at: DateTime<Utc>,
    ) -> StoreResult<()>;

    // --- points of contact and contact checks --------------------------------------------
    /// An organisation's contacts, by kind and name.
    async fn contacts_of(&self, org: &OrgId) -> StoreResult<Vec<ContactRecord>>;
    /// Every organisation's contacts (the oversight list), by organisation and kind.
    async fn all_contacts(&self) -> StoreResult<Vec<ContactRecord>>;
    async fn insert_contact(&self, c: &ContactRecord, audit: AuditDraft) -> StoreResult<()>;
    /// Replaces a contact of `c.org`; `NotFound` if that organisation has no contact `c.id`.
    async fn update_contact(&self, c: &ContactRecord, audit: AuditDraft) -> StoreResult<()>;
    /// `NotFound` if `org` has no contact `id`.
    async fn delete_contact(&self, org: &OrgId, id: &str, audit: AuditDraft) -> StoreResult<()>;
    /// Stores a check with one unanswered row per target, and its audit entry.
    async fn insert_contact_check(
        &self,
        check: &ContactCheckRecord,
        targets: &[OrgId],
        audit: AuditDraft,
    ) -> StoreResult<()>;
    async fn contact_check(&self, id: &str) -> StoreResult<ContactCheckRecord>;
    /// The targets of a check, by organisation id.
    async fn contact_check_targets(&self, id: &str) -> StoreResult<Vec<CheckTargetRecord>>;
    /// Checks `org` sent or was sent, newest first.
    async fn contact_checks_of_org(
        &self,
        org: &OrgId,
        limit: u32,
    ) -> StoreResult<Vec<ContactCheckRecord>>;
    /// Records `org`'s answer once: `Conflict` if it answered already or the check is closed,
    /// `NotFound` if it is no target.
    async fn acknowledge_contact_check(
        &self,
        id: &str,
        org: &OrgId,
        by: &PersonId,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// Closes a check once: `Conflict` if it was closed already.
    async fn close_contact_check(
        &self,
        id: &str,
        by: &PersonId,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> StoreResult<()>;

    // --- exercises (演習) and CEPTOAR training (セプター訓練) ---------------------------
    /// Stores an exercise in state design with its participants, and the audit entry.
    async fn insert_exercise(
        &self,
        e: &ExerciseRecord,
        participants: &[OrgId],
        audit: AuditDraft,
    ) -> StoreResult<()>;
    async fn exercise(&self, id: &str) -> StoreResult<ExerciseRecord>;
    /// Its participants, by organisation id.
    async fn exercise_participants(&self, id: &str) -> StoreResult<Vec<OrgId>>;
    /// Exercises `org` organises or takes part in, newest first.
    async fn exercises_of_org(&self, org: &OrgId) -> StoreResult<Vec<ExerciseRecord>>;
    /// Moves an exercise from state `from` to `to` once, setting the matching time
    /// (`started_at`, `ended_at`): `Conflict` if it is not in `from` any more.
    async fn set_exercise_state(
        &self,
        id: &str,
        from: &str,
        to: &str,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// Adds an inject as the next `seq` (from 1); returns it.
    async fn insert_inject(&self, inject: &InjectRecord, audit: AuditDraft) -> StoreResult<u32>;
    /// The injects of an exercise, by offset then seq.
    async fn injects(&self, exercise: &str) -> StoreResult<Vec<InjectRecord>>;
    /// Marks an inject fired once (with the contact check it sent, if any): `Conflict` if it
    /// was fired already, so two nodes never fire it twice.
    async fn fire_inject(
        &self,
        exercise: &str,
        seq: u32,
        at: DateTime<Utc>,
        check_id: Option<&str>,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// Records the contact check a fired inject sent.
    async fn attach_inject_check(&self, exercise: &str, seq: u32, check: &str) -> StoreResult<()>;
    /// The chains an exercise created, oldest first.
    async fn exercise_chains(&self, exercise: &str) -> StoreResult<Vec<ChainRecord>>;
    /// Adds a lesson as the next `seq` (from 1); returns it.
    async fn insert_lesson(&self, lesson: &LessonRecord, audit: AuditDraft) -> StoreResult<u32>;
    /// Updates a lesson's follow-up and state: `NotFound` if there is no such lesson.
    async fn update_lesson(&self, lesson: &LessonRecord, audit: AuditDraft) -> StoreResult<()>;
    async fn lessons(&self, exercise: &str) -> StoreResult<Vec<LessonRecord>>;
    /// Cleans an ended exercise up in one transaction: deletes the chains it created (their
    /// reports, copies, audience keys, reminders, cross-check links and copy consents) and
    /// nothing else, and moves it to state cleaned. Only chains marked `exercise` AND linked to
    /// this exercise are touched. `Conflict` if it is not in state ended. Returns how many
    /// chains were removed. The audit log keeps its entries (it is append-only).
    async fn clean_up_exercise(
        &self,
        exercise: &str,
        at: DateTime<Utc>,
        audit: AuditDraft,
    ) -> StoreResult<u64>;

    // --- reporting deadlines --------------------------------------------------------------
    /// Every sector's reporting policy, by sector. A sector without one has no deadlines.
    async fn reporting_policies(&self) -> StoreResult<Vec<ReportingPolicyRecord>>;
    /// Sets (or replaces) a sector's policy, with its audit entry in the same transaction.
    async fn put_reporting_policy(
        &self,
        p: &ReportingPolicyRecord,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// Removes a sector's policy (back to no deadlines); `NotFound`, nothing written, if it
    /// has none.
    async fn delete_reporting_policy(&self, sector: &str, audit: AuditDraft) -> StoreResult<()>;
    /// Open chains of these sectors, oldest first (the reminder worker's candidates).
    async fn open_chains_in_sectors(&self, sectors: &[String]) -> StoreResult<Vec<ChainRecord>>;
    /// The copies of these chains that are no copy of another (each report's filing hop and its
    /// 同報), by chain, report and time: the reports as their filers wrote them.
    async fn filed_copies(&self, chains: &[ChainId]) -> StoreResult<Vec<CopyRecord>>;
    /// Claims the reminder `key` for `lease.node`: `true` when this node is now to send it —
    /// it was never claimed, or its claim lapsed unsent. One statement, so two nodes racing
    /// for the same reminder never both get it; a sent reminder is never claimed again.
    async fn claim_reminder(&self, key: &ReminderKey, lease: &Lease) -> StoreResult<bool>;
    /// Records the reminder sent and releases the claim; `false`, nothing written, if `node`
    /// no longer holds it.
    async fn finish_reminder(
        &self,
        key: &ReminderKey,
        node: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// A chain's reminders, by due time and phase.
    async fn reminders_of_chain(&self, chain: &ChainId) -> StoreResult<Vec<ReminderRecord>>;

    // --- attachments (別紙・検体) -----------------------------------------------------------
    /// Stores an attachment's metadata and its bytes in chunks of at most
    /// [`ATTACHMENT_CHUNK`] (`a.chunks` of them), with the audit entry, in one transaction.
    async fn insert_attachment(
        &self,
        a: &AttachmentRecord,
        chunks: Vec<Vec<u8>>,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    async fn attachment(&self, id: &str) -> StoreResult<AttachmentRecord>;
    /// The attachments of one owner (`copy` or `provision`), oldest first.
    async fn attachments_of(
        &self,
        owner_kind: &str,
        owner_id: &str,
    ) -> StoreResult<Vec<AttachmentRecord>>;
    /// Chunk `seq` (from 0) of an attachment's bytes; `NotFound` past the last.
    async fn attachment_chunk(&self, id: &str, seq: u32) -> StoreResult<Vec<u8>>;

    // --- safety standards, self-assessments and the survey --------------------------------
    /// Every registered standard, by sector and id.
    async fn safety_standards(&self) -> StoreResult<Vec<SafetyStandardRecord>>;
    /// Registers or replaces a standard (by id), with its audit entry in the same transaction.
    async fn put_safety_standard(
        &self,
        s: &SafetyStandardRecord,
        audit: AuditDraft,
    ) -> StoreResult<()>;
    /// An organisation's assessments, newest year first.
    async fn assessments_of_org(&self, org: &OrgId) -> StoreResult<Vec<AssessmentRecord>>;
    /// Assessments whose sharing names `org`, by owner, newest year first (one read for the
    /// whole list, whatever the number of organisations).
    async fn assessments_shared_with(&self, org: &OrgId) -> StoreResult<Vec<AssessmentRecord>>;
    /// `NotFound` if there is none.
    async fn assessment(&self, id: &str) -> StoreResult<AssessmentRecord>;
    /// Stores a new assessment: `Conflict`, nothing written, if the organisation already has
    /// one for the standard and year.
    async fn insert_assessment(&self, a: &AssessmentRecord, audit: AuditDraft) -> StoreResult<()>;
    /// Replaces an assessment's items and sharing: `NotFound`, nothing written, if absent.
    async fn update_assessment(&self, a: &AssessmentRecord, audit: AuditDraft) -> StoreResult<()>;
    /// The recurring tasks an organisation marked done, by item.
    async fn tasks_done(&self, org: &OrgId) -> StoreResult<Vec<TaskDoneRecord>>;
    /// Records (or moves forward) the day a task was last done.
    async fn put_task_done(&self, t: &TaskDoneRecord, audit: AuditDraft) -> StoreResult<()>;
    /// Every survey, newest first.
    async fn surveys(&self) -> StoreResult<Vec<SurveyRecord>>;
    /// `Conflict`, nothing written, if a survey of that year exists.
    async fn insert_survey(&self, s: &SurveyRecord, audit: AuditDraft) -> StoreResult<()>;
    /// Closes a survey once: `Conflict` if closed already, `NotFound` if absent.
    async fn close_survey(&self, id: &str, at: DateTime<Utc>, audit: AuditDraft)
        -> StoreResult<()>;
    /// A survey's responses, by organisation.
    async fn survey_responses(&self, survey: &str) -> StoreResult<Vec<SurveyResponseRecord>>;
    /// Stores or replaces an organisation's response: `Conflict`, nothing written, if the
    /// survey is closed; `NotFound` if it does not exist.
    async fn put_survey_response(
        &self,
        r: &SurveyResponseRecord,
        audit: AuditDraft,
    ) -> StoreResult<()>;

    // --- audit ----------------------------------------------------------------------------
    async fn append_audit(&self, drafts: Vec<AuditDraft>) -> StoreResult<()>;
    /// Entries with seq in `[from, from + limit)`, in order.
    async fn audit_entries(&self, from: u64, limit: u64) -> StoreResult<Vec<AuditEntry>>;
    /// Newest entries first, for browsing.
    async fn audit_recent(&self, limit: u64) -> StoreResult<Vec<AuditEntry>>;
    /// The recorded head (last seq and hash), kept apart from the entries to detect truncation.
    async fn audit_head(&self) -> StoreResult<Option<(u64, String)>>;
}
