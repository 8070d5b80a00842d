//! 別紙・検体 — attaching files to a liaison hop copy or a provision, and reading them back.
//!
//! The rules of the files themselves (name, size, sniffed type, specimens as encrypted ZIP
//! archives, the handbook's lines) are in [`kakehashi_domain::attachment`]. Here:
//!
//! * **One owner, one decision.** An attachment belongs to one hop copy or one provision and
//!   has no TLP of its own: every read goes through the owner's read gate
//!   ([`App::readable_copy`], the provision's `readable`) — the same policy decision, the same
//!   404 for a refused reader as for a missing id, the refusal noted for the audit log. The
//!   public reader goes through [`kakehashi_policy::decide_public`] on the same owner scope.
//! * **Who attaches.** On a copy: a reporter or approver of the organisation that sent that hop
//!   (the hop's 別紙 are its sender's). On a provision: NISC staff with the approver role, as for
//!   drafting it.
//! * **Forwarding.** Attachments do not travel with a forward by themselves. The handbook has
//!   each hop send its own form (情報連絡様式を保存, each hop its own sender and TLP), and the
//!   anonymising route (CEPTOAR → ministry) must not carry a press release or a screenshot that
//!   names the operator. So each hop's sender attaches what it passes on to its own copy, at its
//!   own TLP: the forwarder reads the parent's files and attaches to the new copy what fits.
//! * **Audit.** Every upload is audited (in the same transaction as the bytes); every download
//!   of a restricted (RED, AMBER+STRICT, AMBER) owner's file is audited; listing the files of a
//!   readable owner is part of reading it.
//! * **Storage.** In the database (table `attachments` and its chunks): both backends the same,
//!   the bytes and their audit entry in one transaction, covered by the database's backup, and
//!   streamed out chunk by chunk.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::liaison::{is_restricted, scope_of};
use crate::provision::{may_draft_provisions, provision_scope};
use crate::App;
use chrono::{DateTime, Utc};
use kakehashi_domain::attachment::{self as rules, AttachmentKind};
use kakehashi_domain::{CopyId, Role, Tlp};
use kakehashi_policy::{reveal, reveal_hub_internal, reveal_public, ItemScope, Visible};
use kakehashi_store::{AttachmentRecord, StoreError, ATTACHMENT_CHUNK};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What an attachment belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A liaison hop copy.
    Copy(CopyId),
    /// A provision (情報提供).
    Provision(String),
}

impl Owner {
    pub fn kind(&self) -> &'static str {
        match self {
            Owner::Copy(_) => "copy",
            Owner::Provision(_) => "provision",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Owner::Copy(c) => &c.0,
            Owner::Provision(p) => p,
        }
    }
}

/// A file to attach, as received.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub kind: AttachmentKind,
    pub bytes: Vec<u8>,
}

/// An attachment as its reader sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentView {
    pub id: String,
    /// `copy` or `provision`.
    pub owner_kind: String,
    pub owner_id: String,
    pub kind: AttachmentKind,
    pub filename: String,
    /// The type sniffed from the bytes.
    pub detected_type: String,
    /// The `Content-Type` a download is served with.
    pub content_type: String,
    pub size: u64,
    /// SHA-256 of the bytes, lower-case hex.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    /// The uploading organisation's name, in Japanese and English.
    pub uploaded_by_org: String,
    pub uploaded_by_org_en: String,
    /// The owner's TLP (the attachment's own).
    pub tlp: String,
    /// For a specimen: the handling text (検体の取扱い), in Japanese and English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handling_ja: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handling_en: Option<String>,
}

/// A download the policy allowed: stream its chunks with [`App::download_chunk`].
#[derive(Debug, Clone)]
pub struct Download {
    pub view: AttachmentView,
    chunks: u32,
}

impl Download {
    pub fn chunks(&self) -> u32 {
        self.chunks
    }
}

/// The owner as the policy sees it: its scope (`None` for a provision draft: NISC-internal)
/// and TLP code.
struct OwnerGate {
    scope: Option<ItemScope>,
    tlp: String,
}

impl App {
    /// The size limit of one attachment.
    pub fn attachment_limit(&self) -> u64 {
        self.config.attachment_max_bytes
    }

    /// The owner's read gate for a signed-in actor: the owner's own (404 as for a missing id,
    /// refusal noted), with the viewer.
    async fn owner_gate(
        &self,
        actor: &Actor,
        owner: &Owner,
    ) -> AppResult<(OwnerGate, kakehashi_policy::Viewer)> {
        match owner {
            Owner::Copy(id) => {
                let (c, scope, viewer) = self.readable_copy(actor, id).await?;
                Ok((
                    OwnerGate {
                        scope: Some(scope),
                        tlp: c.tlp,
                    },
                    viewer,
                ))
            }
            Owner::Provision(id) => {
                let r = self.readable(actor, id).await?;
                Ok((
                    OwnerGate {
                        scope: r.scope,
                        tlp: r.p.tlp,
                    },
                    r.viewer,
                ))
            }
        }
    }

    /// The owner's gate for the public reader: CLEAR only, through the policy; a draft never.
    async fn public_gate(&self, owner: &Owner) -> AppResult<ItemScope> {
        let scope = match owner {
            Owner::Copy(id) => scope_of(&self.store.copy(id).await?)?,
            Owner::Provision(id) => {
                let p = self.store.provision(id).await?;
                if p.state != "sent" {
                    return Err(AppError::NotFound);
                }
                let form = serde_json::from_str(&p.form)
                    .map_err(|e| AppError::Internal(format!("stored provision form: {e}")))?;
                provision_scope(&p, &form)?
            }
        };
        reveal_public(&scope, ()).map_err(|_| AppError::NotFound)?;
        Ok(scope)
    }

    /// Attaches a file to a copy or provision the actor may attach to (see the module header).
    /// Bad input is refused with the field and rule, nothing stored.
    pub async fn attach(
        &self,
        actor: &Actor,
        owner: &Owner,
        upload: Upload,
    ) -> AppResult<Visible<AttachmentView>> {
        let (gate, viewer) = self.owner_gate(actor, owner).await?;
        match owner {
            Owner::Copy(id) => {
                let c = self.store.copy(id).await?;
                if c.sender_org != actor.org.id
                    || !(actor.has(Role::Reporter) || actor.has(Role::Approver))
                {
                    return Err(AppError::forbidden(
                        "別紙・検体は、その報を送った組織の報告者・承認者のみが添付できます。",
                        "Only a reporter or approver of the organisation that sent this hop can attach files to it.",
                    ));
                }
            }
            Owner::Provision(_) => {
                if !may_draft_provisions(actor) {
                    return Err(AppError::forbidden(
                        "情報提供への添付はNISCの職員（承認・送信者）のみ可能です。",
                        "Only NISC staff with the approver role attach files to provisions.",
                    ));
                }
            }
        }
        let filename = rules::check_filename(&upload.filename)?;
        let size = upload.bytes.len() as u64;
        if size == 0 {
            return Err(rules::empty_file().into());
        }
        if size > self.attachment_limit() {
            return Err(rules::too_large(self.attachment_limit()).into());
        }
        if upload.kind == AttachmentKind::Specimen {
            rules::check_specimen(&upload.bytes)?;
        }
        let sniffed = rules::sniff(&upload.bytes);
        let sha256 = hex::encode(Sha256::digest(&upload.bytes));
        let chunks: Vec<Vec<u8>> = upload
            .bytes
            .chunks(ATTACHMENT_CHUNK)
            .map(<[u8]>::to_vec)
            .collect();
        let record = AttachmentRecord {
            id: crate::new_id(),
            owner_kind: owner.kind().into(),
            owner_id: owner.id().into(),
            kind: upload.kind.code().into(),
            filename,
            content_type: sniffed.detected.clone(),
            size,
            sha256,
            chunks: chunks.len() as u32,
            uploaded_by: actor.person.id.clone(),
            uploaded_org: actor.org.id.clone(),
            uploaded_at: self.now(),
        };
        let audit = actor.audit(
            "attachment.add",
            Some(record.id.clone()),
            serde_json::json!({
                "owner": format!("{}:{}", record.owner_kind, record.owner_id),
                "kind": record.kind,
                "size": record.size,
                "sha256": record.sha256,
                "tlp": gate.tlp,
            }),
        );
        self.store.insert_attachment(&record, chunks, audit).await?;
        let view = self.attachment_view(record, &gate.tlp).await?;
        reveal_gate(&gate, &viewer, view)
    }

    /// The attachments of an owner the actor may read (no audit: part of reading the owner).
    pub async fn attachments(
        &self,
        actor: &Actor,
        owner: &Owner,
    ) -> AppResult<Vec<Visible<AttachmentView>>> {
        let (gate, viewer) = self.owner_gate(actor, owner).await?;
        let mut out = Vec::new();
        for a in self.store.attachments_of(owner.kind(), owner.id()).await? {
            let view = self.attachment_view(a, &gate.tlp).await?;
            out.push(reveal_gate(&gate, &viewer, view)?);
        }
        Ok(out)
    }

    /// How many attachments an owner has (the 別紙有無 flag of a view the caller already
    /// decided to show).
    pub(crate) async fn attachment_count(&self, owner: &Owner) -> AppResult<usize> {
        Ok(self
            .store
            .attachments_of(owner.kind(), owner.id())
            .await?
            .len())
    }

    /// Opens one attachment for download, through the owner's read gate; a restricted owner's
    /// download is audited. An id that is not the owner's is the same 404.
    pub async fn open_attachment(
        &self,
        actor: &Actor,
        owner: &Owner,
        id: &str,
    ) -> AppResult<Visible<Download>> {
        let (gate, viewer) = self.owner_gate(actor, owner).await?;
        let a = self.owned(owner, id).await;
        let a = match a {
            Err(AppError::NotFound) => {
                self.note_refusal(Some(actor), "not_found", Some(&format!("attachment:{id}")));
                return Err(AppError::NotFound);
            }
            other => other?,
        };
        let chunks = a.chunks;
        let view = self.attachment_view(a, &gate.tlp).await?;
        let visible = reveal_gate(&gate, &viewer, Download { view, chunks })?;
        let restricted =
            Tlp::from_code(&gate.tlp).is_none_or(is_restricted) || gate.scope.is_none();
        if restricted {
            self.store
                .append_audit(vec![actor.audit(
                    "attachment.read",
                    Some(id.to_owned()),
                    serde_json::json!({
                        "owner": format!("{}:{}", owner.kind(), owner.id()),
                        "tlp": gate.tlp,
                        "sha256": visible.get().view.sha256,
                    }),
                )])
                .await?;
        }
        Ok(visible)
    }

    /// The attachments of a public (TLP:CLEAR) owner, for the reader who has not signed in.
    pub async fn public_attachments(
        &self,
        owner: &Owner,
    ) -> AppResult<Vec<Visible<AttachmentView>>> {
        let scope = self.public_gate(owner).await?;
        let tlp = scope.tlp.code().to_owned();
        let mut out = Vec::new();
        for a in self.store.attachments_of(owner.kind(), owner.id()).await? {
            let view = self.attachment_view(a, &tlp).await?;
            out.push(reveal_public(&scope, view).map_err(|_| AppError::NotFound)?);
        }
        Ok(out)
    }

    /// Opens one attachment of a public owner for the reader who has not signed in.
    pub async fn open_public_attachment(
        &self,
        owner: &Owner,
        id: &str,
    ) -> AppResult<Visible<Download>> {
        let r = async {
            let scope = self.public_gate(owner).await?;
            let a = self.owned(owner, id).await?;
            let chunks = a.chunks;
            let view = self.attachment_view(a, scope.tlp.code()).await?;
            reveal_public(&scope, Download { view, chunks }).map_err(|_| AppError::NotFound)
        }
        .await;
        if matches!(r, Err(AppError::NotFound)) {
            self.note_refusal(None, "not_found", Some(&format!("attachment:{id}")));
        }
        r
    }

    /// Chunk `seq` of a download the policy allowed.
    pub async fn download_chunk(&self, d: &Visible<Download>, seq: u32) -> AppResult<Vec<u8>> {
        Ok(self.store.attachment_chunk(&d.get().view.id, seq).await?)
    }

    /// The attachment `id` if it belongs to `owner`, else not found.
    async fn owned(&self, owner: &Owner, id: &str) -> AppResult<AttachmentRecord> {
        let a = match self.store.attachment(id).await {
            Err(StoreError::NotFound) => return Err(AppError::NotFound),
            other => other?,
        };
        if a.owner_kind != owner.kind() || a.owner_id != owner.id() {
            return Err(AppError::NotFound);
        }
        Ok(a)
    }

    async fn attachment_view(&self, a: AttachmentRecord, tlp: &str) -> AppResult<AttachmentView> {
        let kind = AttachmentKind::from_code(&a.kind)
            .ok_or_else(|| AppError::Internal(format!("stored attachment kind {}", a.kind)))?;
        let org = self.store.org(&a.uploaded_org).await?;
        let specimen = kind == AttachmentKind::Specimen;
        Ok(AttachmentView {
            content_type: rules::served_type(&a.content_type).to_owned(),
            detected_type: a.content_type,
            id: a.id,
            owner_kind: a.owner_kind,
            owner_id: a.owner_id,
            kind,
            filename: a.filename,
            size: a.size,
            sha256: a.sha256,
            uploaded_at: a.uploaded_at,
            uploaded_by_org: org.name_ja,
            uploaded_by_org_en: org.name_en,
            tlp: tlp.to_owned(),
            handling_ja: specimen.then(|| rules::SPECIMEN_HANDLING_JA.to_owned()),
            handling_en: specimen.then(|| rules::SPECIMEN_HANDLING_EN.to_owned()),
        })
    }
}

/// Wraps a value about the owner as the owner's gate lets the viewer read it.
fn reveal_gate<T>(
    gate: &OwnerGate,
    viewer: &kakehashi_policy::Viewer,
    value: T,
) -> AppResult<Visible<T>> {
    match &gate.scope {
        Some(scope) => reveal(viewer, scope, value),
        None => reveal_hub_internal(viewer, value),
    }
    .map_err(|_| AppError::NotFound)
}
