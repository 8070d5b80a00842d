//! Interchange with other platforms: STIX 2.1 bundles and MISP events imported as source items
//! for provisions, provisions exported as MISP events, and the MISP feed a MISP instance pulls.
//!
//! The mapping rules live in the domain (`kakehashi_domain::stix::import`,
//! `kakehashi_domain::misp`); here: who may import (those who record external sources), storing
//! the item whole or not at all, and reading provisions for export only through the policy —
//! the feed of a person is exactly the provisions they may read. Imports and exports of
//! TLP:AMBER and above are audited.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::provision::may_draft_provisions;
use crate::{new_id, App};
use kakehashi_domain::misp::{self, ProvisionEvent};
use kakehashi_domain::provision::Indicator;
use kakehashi_domain::stix::import::{self, ImportProblem, ImportedItem};
use kakehashi_domain::{Importance, Tlp};
use kakehashi_policy::Visible;
use kakehashi_store::{SourceImportRecord, SourceItemRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most provisions one feed lists (newest first).
pub const FEED_LIMIT: u32 = 500;

/// A STIX bundle or MISP event to import as a source item.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRequest {
    /// The STIX 2.1 bundle (or MISP event JSON) itself, or its text as read from a file.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub document: Value,
    /// The importer's TLP: required when the content carries no TLP marking or one that is not
    /// a TLP level; never wider than a marking the content carries.
    #[serde(default)]
    pub tlp: Option<String>,
    /// Sectors the source allows sharing with; absent = no sector restriction.
    #[serde(default)]
    pub allowed_sectors: Option<Vec<String>>,
}

/// What an import stored.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedSource {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub item: SourceItemRecord,
    /// "stix" or "misp".
    pub format: String,
    /// The bundle id or the MISP event uuid.
    pub external_id: String,
    pub text: String,
    pub indicators: Vec<Indicator>,
}

/// The import formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    Stix,
    Misp,
}

fn refused(problems: Vec<ImportProblem>) -> AppError {
    AppError::Import(problems)
}

impl App {
    /// Imports a STIX bundle or a MISP event as an external source item: checked whole, stored
    /// whole (item, text, indicators, audit entry) or refused with every problem and nothing
    /// stored.
    pub async fn import_source(
        &self,
        actor: &Actor,
        format: ImportFormat,
        req: ImportRequest,
    ) -> AppResult<ImportedSource> {
        if !may_draft_provisions(actor) {
            return Err(AppError::forbidden(
                "情報源の取り込みはNISCの職員（承認・送信者）のみ可能です。",
                "Only NISC staff with the approver role import sources.",
            ));
        }
        let importer_tlp = match req.tlp.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => Some(Tlp::from_code(code).ok_or_else(|| {
                AppError::bad_field("tlp", "unknown_code", "TLPが不明です。", "Unknown TLP.")
            })?),
        };
        if let Some(sectors) = &req.allowed_sectors {
            let known = self.all_sectors();
            if let Some(bad) = sectors.iter().find(|s| !known.iter().any(|k| &k.0 == *s)) {
                return Err(AppError::bad_field(
                    "allowed_sectors",
                    "unknown_code",
                    format!("分野「{bad}」が不明です。"),
                    format!("Unknown sector '{bad}'."),
                ));
            }
        }
        let item: ImportedItem = match (format, &req.document) {
            (ImportFormat::Stix, Value::String(raw)) => import::import_bundle(raw, importer_tlp),
            (ImportFormat::Stix, v) => import::import_bundle_value(v, importer_tlp),
            (ImportFormat::Misp, Value::String(raw)) => misp::import_event(raw, importer_tlp),
            (ImportFormat::Misp, v) => misp::import_event_value(v, importer_tlp),
        }
        .map_err(refused)?;
        let rec = SourceItemRecord {
            id: new_id(),
            title: item.title.clone(),
            origin: item.origin.clone(),
            url: item.url.clone(),
            tlp: item.tlp.code().into(),
            allowed_sectors: req.allowed_sectors.clone(),
            identifiers: serde_json::to_string(&item.identifiers)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            created_by: actor.person.id.clone(),
            created_at: self.now(),
        };
        let content = SourceImportRecord {
            source_item: rec.id.clone(),
            format: item.format.into(),
            external_id: item.external_id.clone(),
            body: item.text.clone(),
            indicators: serde_json::to_string(&item.indicators)
                .map_err(|e| AppError::Internal(e.to_string()))?,
        };
        let audit = actor.audit(
            "source_item.import",
            Some(rec.id.clone()),
            serde_json::json!({
                "format": item.format,
                "external_id": item.external_id,
                "tlp": rec.tlp,
                "importer_tlp": importer_tlp.map(Tlp::code),
                "indicators": item.indicators.len(),
            }),
        );
        self.store
            .insert_imported_source_item(&rec, &content, vec![audit])
            .await?;
        Ok(ImportedSource {
            item: rec,
            format: content.format,
            external_id: content.external_id,
            text: item.text,
            indicators: item.indicators,
        })
    }

    /// What the import of a source item read (NISC staff, like the items themselves).
    pub async fn source_import(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<Option<(String, Vec<Indicator>)>> {
        if !may_draft_provisions(actor) {
            return Err(AppError::NotFound);
        }
        match self.store.source_import(id).await? {
            None => Ok(None),
            Some(c) => Ok(Some((
                c.body,
                serde_json::from_str(&c.indicators)
                    .map_err(|e| AppError::Internal(format!("stored indicators: {e}")))?,
            ))),
        }
    }

    /// The MISP event of a sent provision as the policy lets the actor read it; a provision the
    /// actor may not read is the same 404 as a missing one. TLP:AMBER and above are audited.
    pub async fn provision_misp_event(&self, actor: &Actor, id: &str) -> AppResult<Visible<Value>> {
        let r = self.readable(actor, id).await?;
        if r.p.state != "sent" {
            return Err(AppError::Conflict {
                message_ja: "送信前の情報提供はMISPイベントとして出力できません。".into(),
                message_en: "A provision is exported as a MISP event once sent.".into(),
            });
        }
        let ev = event_of(&r.p, &r.form)?;
        self.audit_export(actor, "provision.export_misp", &[(&r.p.id, &r.p.tlp)])
            .await?;
        Self::reveal_provision(&r, ev)
    }

    /// The actor's MISP feed: every sent provision they may read (newest first, at most
    /// [`FEED_LIMIT`]) as `(event uuid, event)`, each read through the policy. One audit entry
    /// lists the TLP:AMBER-and-above events handed out.
    pub async fn misp_feed(&self, actor: &Actor) -> AppResult<Vec<(String, Visible<Value>)>> {
        let mut out = Vec::new();
        let mut restricted: Vec<(String, String)> = Vec::new();
        for s in self.provisions(actor, FEED_LIMIT).await? {
            let r = match self.readable(actor, &s.id).await {
                Ok(r) => r,
                Err(AppError::NotFound) => continue,
                Err(e) => return Err(e),
            };
            if r.p.state != "sent" {
                continue;
            }
            let ev = event_of(&r.p, &r.form)?;
            if restricts(&r.p.tlp) {
                restricted.push((r.p.id.clone(), r.p.tlp.clone()));
            }
            let uuid = misp::event_uuid(&r.p.id);
            out.push((uuid, Self::reveal_provision(&r, ev)?));
        }
        let refs: Vec<(&String, &String)> = restricted.iter().map(|(a, b)| (a, b)).collect();
        self.audit_export(actor, "misp.feed", &refs).await?;
        Ok(out)
    }

    /// One audit entry for an export holding TLP:AMBER or above (none otherwise).
    async fn audit_export<S: AsRef<str>>(
        &self,
        actor: &Actor,
        action: &str,
        items: &[(S, S)],
    ) -> AppResult<()> {
        let held: Vec<Value> = items
            .iter()
            .filter(|(_, tlp)| restricts(tlp.as_ref()))
            .map(|(id, tlp)| serde_json::json!({ "provision": id.as_ref(), "tlp": tlp.as_ref() }))
            .collect();
        if held.is_empty() {
            return Ok(());
        }
        let target =
            (held.len() == 1).then(|| held[0]["provision"].as_str().unwrap_or("").to_owned());
        self.store
            .append_audit(vec![actor.audit(
                action,
                target,
                serde_json::json!({ "items": held }),
            )])
            .await?;
        Ok(())
    }
}

fn restricts(tlp: &str) -> bool {
    matches!(
        Tlp::from_code(tlp),
        Some(Tlp::Red | Tlp::AmberStrict | Tlp::Amber) | None
    )
}

fn event_of(
    p: &kakehashi_store::ProvisionRecord,
    form: &kakehashi_domain::provision::ProvisionForm,
) -> AppResult<Value> {
    let tlp = Tlp::from_code(&p.tlp)
        .ok_or_else(|| AppError::Internal(format!("provision {} has TLP {:?}", p.id, p.tlp)))?;
    let importance = p.importance.as_deref().and_then(Importance::from_code);
    let sent_at = p
        .sent_at
        .ok_or_else(|| AppError::Internal(format!("sent provision {} has no time", p.id)))?;
    Ok(misp::event(&ProvisionEvent {
        provision_id: &p.id,
        ident: p.ident.as_deref(),
        tlp,
        importance,
        sectors: &p.sectors,
        urgent: p.urgent,
        sent_at,
        form,
    }))
}
