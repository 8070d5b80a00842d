//! 公開情報 — the public channel: TLP:CLEAR liaison copies and provisions, readable without
//! signing in (the public page, its Atom feed).
//!
//! Nothing here checks a TLP by hand. The listing asks storage for the items whose audience
//! meets [`kakehashi_policy::public_keys`] (the same indexed query as every signed-in listing),
//! and every item — listed or opened — is wrapped by [`kakehashi_policy::reveal_public`], so an
//! item the policy does not open to the public never leaves. A refused or missing id is the same
//! 404, noted as a refusal.

use crate::error::{AppError, AppResult};
use crate::inbox::summary_line;
use crate::liaison::scope_of;
use crate::provision::provision_scope;
use crate::App;
use chrono::{DateTime, Utc};
use kakehashi_domain::liaison::LiaisonForm;
use kakehashi_domain::provision::ProvisionForm;
use kakehashi_domain::CopyId;
use kakehashi_policy::{public_keys, reveal_public, Visible};
use kakehashi_store::CopyQuery;
use serde::Serialize;

/// How many items the public page and feed list.
pub const PUBLIC_LIMIT: u32 = 100;

/// One row of the public listing.
#[derive(Debug, Clone, Serialize)]
pub struct PublicItem {
    /// `liaison` (a liaison copy) or `provision`.
    pub kind: &'static str,
    pub id: String,
    /// R<n>… / T<n>… when numbered.
    pub ident: Option<String>,
    pub report_no: u32,
    /// One line of the content.
    pub title: String,
    pub sectors: Vec<String>,
    pub at: DateTime<Utc>,
}

/// A public liaison copy: the form as its sender sent it at TLP:CLEAR.
#[derive(Debug, Clone, Serialize)]
pub struct PublicCopy {
    pub id: String,
    pub ident: Option<String>,
    pub sender_name: String,
    pub sender_name_en: String,
    pub at: DateTime<Utc>,
    pub form: LiaisonForm,
}

/// A public provision: the sent form.
#[derive(Debug, Clone, Serialize)]
pub struct PublicProvision {
    pub id: String,
    pub ident: Option<String>,
    pub at: Option<DateTime<Utc>>,
    pub form: ProvisionForm,
}

impl App {
    /// The public items, newest first: liaison copies and provisions together.
    pub async fn public_items(&self) -> AppResult<Vec<Visible<PublicItem>>> {
        let keys: Vec<String> = public_keys().into_iter().map(|k| k.into_string()).collect();
        let mut out = Vec::new();
        let copies = self
            .store
            .list_copies(&CopyQuery {
                keys: keys.clone(),
                limit: PUBLIC_LIMIT,
                ..CopyQuery::default()
            })
            .await?;
        for s in copies {
            let c = self.store.copy(&s.id).await?;
            let scope = scope_of(&c)?;
            let form: LiaisonForm = serde_json::from_str(&c.form)
                .map_err(|e| AppError::Internal(format!("stored form: {e}")))?;
            let item = PublicItem {
                kind: "liaison",
                id: c.id.0.clone(),
                ident: s.ident.clone(),
                report_no: s.report_no,
                title: summary_line(&form),
                sectors: vec![c.sector.clone()],
                at: c.created_at,
            };
            if let Ok(v) = reveal_public(&scope, item) {
                out.push(v);
            }
        }
        for s in self.store.list_provisions(&keys, PUBLIC_LIMIT).await? {
            let p = self.store.provision(&s.id).await?;
            if p.state != "sent" {
                continue;
            }
            let form: ProvisionForm = serde_json::from_str(&p.form)
                .map_err(|e| AppError::Internal(format!("stored provision form: {e}")))?;
            let scope = provision_scope(&p, &form)?;
            let item = PublicItem {
                kind: "provision",
                id: p.id.clone(),
                ident: p.ident.clone(),
                report_no: p.report_no,
                title: one_line(&form.summary),
                sectors: p.sectors.clone(),
                at: p.sent_at.unwrap_or(p.created_at),
            };
            if let Ok(v) = reveal_public(&scope, item) {
                out.push(v);
            }
        }
        out.sort_by(|a, b| (b.get().at, &b.get().id).cmp(&(a.get().at, &a.get().id)));
        out.truncate(PUBLIC_LIMIT as usize);
        Ok(out)
    }

    /// One public liaison copy; any other is the same 404 as a missing id.
    pub async fn public_copy(&self, id: &CopyId) -> AppResult<Visible<PublicCopy>> {
        let r = async {
            let c = self.store.copy(id).await?;
            let scope = scope_of(&c)?;
            // Decide before reading anything else of the item.
            reveal_public(&scope, ()).map_err(|_| AppError::NotFound)?;
            let reports = self.store.reports_of_chain(&c.chain).await?;
            let org = self.store.org(&c.sender_org).await?;
            let mut form: LiaisonForm = serde_json::from_str(&c.form)
                .map_err(|e| AppError::Internal(format!("stored form: {e}")))?;
            let attached = self
                .attachment_count(&crate::attachments::Owner::Copy(c.id.clone()))
                .await?;
            form.has_attachments =
                kakehashi_domain::attachment::has_attachments(form.has_attachments, attached);
            let value = PublicCopy {
                id: c.id.0.clone(),
                ident: reports
                    .iter()
                    .find(|r| r.id == c.report)
                    .and_then(|r| r.ident.clone()),
                sender_name: org.name_ja,
                sender_name_en: org.name_en,
                at: c.created_at,
                form,
            };
            reveal_public(&scope, value).map_err(|_| AppError::NotFound)
        }
        .await;
        if matches!(r, Err(AppError::NotFound)) {
            self.note_refusal(None, "not_found", Some(&format!("public:copy:{}", id.0)));
        }
        r
    }

    /// One public provision (sent, TLP:CLEAR); any other is the same 404 as a missing id.
    pub async fn public_provision(&self, id: &str) -> AppResult<Visible<PublicProvision>> {
        let r = async {
            let p = self.store.provision(id).await?;
            if p.state != "sent" {
                return Err(AppError::NotFound);
            }
            let mut form: ProvisionForm = serde_json::from_str(&p.form)
                .map_err(|e| AppError::Internal(format!("stored provision form: {e}")))?;
            let scope = provision_scope(&p, &form)?;
            reveal_public(&scope, ()).map_err(|_| AppError::NotFound)?;
            let attached = self
                .attachment_count(&crate::attachments::Owner::Provision(p.id.clone()))
                .await?;
            form.has_attachments =
                kakehashi_domain::attachment::has_attachments(form.has_attachments, attached);
            let value = PublicProvision {
                id: p.id.clone(),
                ident: p.ident.clone(),
                at: p.sent_at,
                form,
            };
            reveal_public(&scope, value).map_err(|_| AppError::NotFound)
        }
        .await;
        if matches!(r, Err(AppError::NotFound)) {
            self.note_refusal(None, "not_found", Some(&format!("public:provision:{id}")));
        }
        r
    }
}

/// The first line of a text, shortened to 80 characters.
fn one_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut out: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        out.push('…');
    }
    out
}
