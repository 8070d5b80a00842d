//! STIX 2.1 export and the TAXII 2.1 collections, over the same read paths as everything else.
//!
//! * An export ([`App::chain_stix`], [`App::provision_stix`]) is built from what the reader may
//!   read — the chain view with the reader's own copies (anonymised where the reader holds only
//!   the anonymised hop), the sent provision as its TLP admits — and audited as other exports
//!   are when it holds TLP:AMBER or above.
//! * A TAXII collection is a walk over the store's listing by the reader's audience keys (the
//!   inbox's index; the public collection holds the `public` key alone, which only TLP:CLEAR
//!   emits), oldest first. Each listed record (a chain's newest copy the reader holds, a sent
//!   provision) is one [`Entry`] with its STIX objects; every entry is revealed through the
//!   policy once more before it leaves.
//! * Objects POSTed to the provisions collection become NISC's source items: indicators only
//!   (their pattern is what identifies them); any other type is refused object by object until
//!   the STIX import exists.

use crate::inbox::{ListingFilter, Scope};
use crate::orgs::NISC_ORG;
use crate::provision::{may_draft_provisions, provision_scope, NewSourceItem};
use crate::{new_id, Actor, App, AppError, AppResult};
use chrono::{DateTime, Utc};
use kakehashi_domain::liaison::form::LiaisonForm;
use kakehashi_domain::provision::form::ProvisionForm;
use kakehashi_domain::stix::export::{
    bundle, chain_objects, copy_indicators, decode_indicators, encode_indicators,
    provision_objects, ChainMeta, LiaisonCopy, Org, ProvisionMeta,
};
use kakehashi_domain::stix::markings::strictest_tlp;
use kakehashi_domain::{ChainId, CopyId, Importance, OrgId, Tlp};
use kakehashi_policy::{audience, viewer_keys};
use kakehashi_policy::{decide, ItemScope, Viewer};
use kakehashi_store::{CopyExport, CopyRecord, ListingQuery, ProvisionRecord};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Who reads a TAXII collection: a person (by API token) or anyone (the public collection).
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    Person(&'a Actor),
    Public,
}

/// What a collection holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Collection {
    /// Sent provisions the person may read.
    Provisions,
    /// The liaison chains of one sector the person may read (one row per chain, as search).
    Sector(String),
    /// The chains the person's organisation sent or received (as the inbox).
    Own,
    /// TLP:CLEAR provisions and liaison copies, for anyone.
    Public,
}

/// A collection as TAXII describes it.
#[derive(Debug, Clone)]
pub struct CollectionInfo {
    pub id: String,
    pub kind: Collection,
    pub title: String,
    pub description: String,
    pub can_write: bool,
}

/// One listed record with its STIX objects; `added` is when it was added (the copy's or the
/// provision's time), `key` its record id (the paging cursor is `(added, key)`).
#[derive(Debug, Clone)]
pub struct Entry {
    pub added: DateTime<Utc>,
    pub key: String,
    pub objects: Vec<Value>,
}

/// The outcome of a POST of objects (TAXII status resource).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaxiiStatus {
    pub id: String,
    /// The person who posted (the status is theirs alone).
    #[serde(skip_serializing)]
    #[serde(default)]
    pub owner: String,
    pub status: String,
    pub request_timestamp: String,
    pub total_count: u64,
    pub success_count: u64,
    pub successes: Vec<Value>,
    pub failure_count: u64,
    pub failures: Vec<Value>,
    pub pending_count: u64,
    pub pendings: Vec<Value>,
}

/// A collection's fixed id (UUIDv5 of its name).
fn collection_id(name: &str) -> String {
    kakehashi_domain::stix::export::stix_id("c", &format!("taxii-collection:{name}"))
        .trim_start_matches("c--")
        .to_owned()
}

fn is_restricted(tlp: Tlp) -> bool {
    matches!(tlp, Tlp::Red | Tlp::AmberStrict | Tlp::Amber)
}

/// The keys of the public reader: exactly what a TLP:CLEAR item emits.
fn public_keys() -> Vec<String> {
    audience(&ItemScope {
        tlp: Tlp::Clear,
        sectors: vec![],
        sender_org: OrgId(String::new()),
        addressees: vec![],
        added_recipients: vec![],
        held_by_nisc: false,
    })
    .into_iter()
    .map(|k| k.into_string())
    .collect()
}

/// The policy's decision for one reader, made ready once per page: a person's viewer, or the
/// public's keys.
enum Judge {
    Person(Box<Viewer>),
    Public(Vec<String>),
}

impl Judge {
    fn of(reader: Reader<'_>) -> AppResult<Judge> {
        Ok(match reader {
            Reader::Person(a) => Judge::Person(Box::new(a.viewer()?)),
            Reader::Public => Judge::Public(public_keys()),
        })
    }

    /// Whether the reader may read an item of this scope: the policy's decision for a person;
    /// for the public, the item's audience must hold the public key (TLP:CLEAR alone does).
    fn allows(&self, scope: &ItemScope) -> bool {
        match self {
            Judge::Person(v) => decide(v, scope).allowed,
            Judge::Public(public) => audience(scope)
                .iter()
                .any(|k| public.iter().any(|p| p == k.as_str())),
        }
    }
}

impl App {
    /// The collections of a reader.
    pub fn taxii_collections(&self, reader: Reader<'_>) -> Vec<CollectionInfo> {
        match reader {
            Reader::Public => vec![CollectionInfo {
                id: collection_id("public"),
                kind: Collection::Public,
                title: "TLP:CLEAR 公開情報 (public)".into(),
                description:
                    "TLP:CLEAR provisions and liaison copies, readable without signing in.".into(),
                can_write: false,
            }],
            Reader::Person(a) => {
                let mut out = vec![
                    CollectionInfo {
                        id: collection_id("provisions"),
                        kind: Collection::Provisions,
                        title: "情報提供 (provisions)".into(),
                        description: "Sent provisions (T-numbers) you may read. NISC staff may add indicators as source items.".into(),
                        can_write: may_draft_provisions(a),
                    },
                    CollectionInfo {
                        id: collection_id("own"),
                        kind: Collection::Own,
                        title: format!("自組織 {} (own organisation)", a.org.name_ja),
                        description: "Liaison cases your organisation sent or received, as your inbox lists them.".into(),
                        can_write: false,
                    },
                ];
                out.extend(self.reference.sectors().iter().map(|s| CollectionInfo {
                    id: collection_id(&format!("sector:{}", s.id)),
                    kind: Collection::Sector(s.id.clone()),
                    title: format!("情報連絡 {} ({})", s.name_ja, s.name_en),
                    description: format!("Liaison cases of the {} sector you may read.", s.name_en),
                    can_write: false,
                }));
                out
            }
        }
    }

    /// One collection of a reader, by id.
    pub fn taxii_collection(&self, reader: Reader<'_>, id: &str) -> Option<CollectionInfo> {
        self.taxii_collections(reader)
            .into_iter()
            .find(|c| c.id == id)
    }

    /// Up to `limit` entries of a collection strictly after `after` (time, and at that time a
    /// record id), oldest first; `true` when more may follow. Entries the policy refuses are
    /// left out (the store chose them by the reader's keys, so that would be a disagreement of
    /// the index and the decision, and is logged). Restricted entries are audited.
    pub async fn taxii_entries(
        &self,
        reader: Reader<'_>,
        coll: &Collection,
        after: Option<(DateTime<Utc>, Option<String>)>,
        limit: u32,
    ) -> AppResult<(Vec<Entry>, bool)> {
        let limit = limit.clamp(1, 500);
        let names = self.org_names().await?;
        let name = |o: &OrgId| {
            names
                .get(o)
                .map(|(ja, _)| ja.clone())
                .unwrap_or_else(|| o.0.clone())
        };
        let mut entries: Vec<Entry> = Vec::new();
        let mut restricted: Vec<String> = Vec::new();
        let mut more = false;
        let with_chains = !matches!(coll, Collection::Provisions);
        let with_provisions = matches!(coll, Collection::Provisions | Collection::Public);
        if with_chains {
            let mut q = match (coll, reader) {
                (Collection::Sector(s), Reader::Person(a)) => self.listing_query(
                    a,
                    Scope::All,
                    &ListingFilter {
                        sector: Some(s.clone()),
                        ..Default::default()
                    },
                )?,
                (Collection::Own, Reader::Person(a)) => {
                    self.listing_query(a, Scope::Inbox, &ListingFilter::default())?
                }
                (Collection::Public, _) => ListingQuery {
                    keys: public_keys(),
                    ..Default::default()
                },
                _ => return Err(AppError::NotFound),
            };
            q.limit = limit;
            q.after = Some(match &after {
                Some((t, id)) => (*t, id.clone().map(kakehashi_domain::CopyId)),
                None => (DateTime::<Utc>::UNIX_EPOCH, None),
            });
            let rows = self.store.list_chains(&q).await?;
            more |= rows.len() as u32 >= limit;
            let judge = Judge::of(reader)?;
            let mut readable = Vec::with_capacity(rows.len());
            for r in rows {
                let scope = crate::liaison::scope_of(&r.copy)?;
                if !judge.allows(&scope) {
                    tracing::error!(copy = %r.copy.id, "TAXII row refused by the policy although its audience keys matched");
                    continue;
                }
                if is_restricted(scope.tlp) {
                    restricted.push(format!("copy:{}", r.copy.id.0));
                }
                readable.push(r);
            }
            // The page's chains and kept indicators in one read, not one read per row.
            let ids: Vec<CopyId> = readable.iter().map(|r| r.copy.id.clone()).collect();
            let exports: HashMap<CopyId, CopyExport> = self
                .store
                .copy_exports(&ids)
                .await?
                .into_iter()
                .map(|x| (x.copy.clone(), x))
                .collect();
            let mut derived: Vec<(CopyId, String)> = Vec::new();
            for r in readable {
                let c = r.copy;
                // Gone since the listing (an exercise cleaned up): as if not listed.
                let Some(x) = exports.get(&c.id) else {
                    continue;
                };
                let chain = &x.chain;
                let meta = ChainMeta {
                    id: chain.id.0.clone(),
                    number: chain.number,
                    sector: chain.sector.clone(),
                    statutory: chain.statutory,
                    status: chain.status.clone(),
                    created_at: chain.created_at,
                };
                let mut copy = liaison_copy(&c, r.ident, name(&c.sender_org))?;
                copy.indicators = Some(
                    match x.stix_indicators.as_deref().and_then(decode_indicators) {
                        Some(kept) => kept,
                        None => {
                            let found = copy_indicators(&copy.form);
                            derived.push((c.id.clone(), encode_indicators(&found)));
                            found
                        }
                    },
                );
                entries.push(Entry {
                    added: c.created_at,
                    key: c.id.0.clone(),
                    objects: chain_objects(&meta, &[copy]),
                });
            }
            // Copies written before their indicators were kept keep them now (once each); the
            // page is right either way, so a failure here only costs the next read the work.
            if !derived.is_empty() {
                if let Err(e) = self.store.set_stix_indicators(&derived).await {
                    tracing::warn!(error = %e, "keeping copies' STIX indicators failed");
                }
            }
        }
        if with_provisions {
            let keys = match reader {
                Reader::Person(a) => viewer_keys(&a.viewer()?, &self.all_sectors())
                    .into_iter()
                    .map(|k| k.into_string())
                    .collect(),
                Reader::Public => public_keys(),
            };
            let rows = self
                .store
                .provisions_after(&keys, after.clone(), limit)
                .await?;
            more |= rows.len() as u32 >= limit;
            let judge = Judge::of(reader)?;
            for p in rows {
                let form: ProvisionForm = serde_json::from_str(&p.form)
                    .map_err(|e| AppError::Internal(format!("stored provision form: {e}")))?;
                let scope = provision_scope(&p, &form)?;
                if !judge.allows(&scope) {
                    tracing::error!(provision = %p.id, "TAXII row refused by the policy although its audience keys matched");
                    continue;
                }
                if is_restricted(scope.tlp) {
                    restricted.push(format!("provision:{}", p.id));
                }
                let Some(meta) = provision_meta(&p, form, name(&OrgId(NISC_ORG.into())))? else {
                    continue;
                };
                entries.push(Entry {
                    added: meta.sent_at,
                    key: p.id.clone(),
                    objects: provision_objects(&meta),
                });
            }
        }
        // Two streams (public collection): one order, and no more than `limit`.
        entries.sort_by(|a, b| (a.added, &a.key).cmp(&(b.added, &b.key)));
        if entries.len() > limit as usize {
            entries.truncate(limit as usize);
            more = true;
        }
        if let (Reader::Person(a), false) = (reader, restricted.is_empty()) {
            self.store
                .append_audit(vec![a.audit(
                    "taxii.read",
                    None,
                    json!({ "collection": collection_code(coll), "records": restricted }),
                )])
                .await?;
        }
        Ok((entries, more))
    }

    /// A chain as a STIX bundle: the reader's copies only (anonymised where the reader holds
    /// only the anonymised hop). Not found as for the chain view; audited as an export when it
    /// holds TLP:AMBER or above.
    pub async fn chain_stix(&self, actor: &Actor, id: &ChainId) -> AppResult<Value> {
        let view = self.view_chain(actor, id).await?;
        let chain = self.store.chain(id).await?;
        let meta = ChainMeta {
            id: chain.id.0.clone(),
            number: chain.number,
            sector: chain.sector.clone(),
            statutory: chain.statutory,
            status: chain.status.clone(),
            created_at: chain.created_at,
        };
        let mut copies = Vec::new();
        let mut restricted = Vec::new();
        for v in view.copies {
            let v = v.into_inner();
            if Tlp::from_code(&v.record.tlp).is_none_or(is_restricted) {
                restricted.push(v.record.id.0.clone());
            }
            let mut c = liaison_copy(&v.record, v.ident, v.sender_name)?;
            c.form = v.form;
            copies.push(c);
        }
        if !restricted.is_empty() {
            self.store
                .append_audit(vec![actor.audit(
                    "liaison.export",
                    Some(id.0.clone()),
                    json!({ "format": "stix", "copies": restricted }),
                )])
                .await?;
        }
        Ok(bundle(chain_objects(&meta, &copies)))
    }

    /// A sent provision as a STIX bundle, if the reader may read it (a draft is not found);
    /// audited as an export when TLP:AMBER or above.
    pub async fn provision_stix(&self, actor: &Actor, id: &str) -> AppResult<Value> {
        let view = self.view_provision(actor, id).await?.into_inner();
        if view.state != "sent" {
            return Err(AppError::NotFound);
        }
        let p = self.store.provision(id).await?;
        let names = self.org_names().await?;
        let nisc = names
            .get(&OrgId(NISC_ORG.into()))
            .map(|(ja, _)| ja.clone())
            .unwrap_or_default();
        let Some(meta) = provision_meta(&p, view.form, nisc)? else {
            return Err(AppError::NotFound);
        };
        if is_restricted(meta.tlp) {
            self.store
                .append_audit(vec![actor.audit(
                    "provision.export",
                    Some(id.to_owned()),
                    json!({ "format": "stix", "tlp": meta.tlp.code() }),
                )])
                .await?;
        }
        Ok(bundle(provision_objects(&meta)))
    }

    /// Objects POSTed to a collection: indicators become source items (NISC staff, provisions
    /// collection only); every other object fails with the reason. The status is kept for its
    /// poster.
    pub async fn taxii_add(&self, actor: &Actor, objects: Vec<Value>) -> AppResult<TaxiiStatus> {
        if !may_draft_provisions(actor) {
            return Err(AppError::forbidden(
                "この収集にオブジェクトを追加できるのはNISCの職員（承認・送信者）のみです。",
                "Only NISC staff with the approver role add objects to this collection.",
            ));
        }
        let now = self.now();
        let mut successes = Vec::new();
        let mut failures = Vec::new();
        for o in &objects {
            let id = o["id"].as_str().unwrap_or_default().to_owned();
            let version = o["modified"]
                .as_str()
                .or(o["created"].as_str())
                .unwrap_or_default()
                .to_owned();
            let fail =
                |message: String| json!({ "id": id, "version": version, "message": message });
            match self.import_indicator(actor, o).await {
                Ok(()) => successes.push(json!({ "id": id, "version": version })),
                Err(msg) => failures.push(fail(msg)),
            }
        }
        let status = TaxiiStatus {
            id: new_id(),
            owner: actor.person.id.0.clone(),
            status: "complete".into(),
            request_timestamp: kakehashi_domain::stix::export::timestamp(now),
            total_count: objects.len() as u64,
            success_count: successes.len() as u64,
            successes,
            failure_count: failures.len() as u64,
            failures,
            pending_count: 0,
            pendings: vec![],
        };
        let mut stored =
            serde_json::to_value(&status).map_err(|e| AppError::Internal(e.to_string()))?;
        stored["owner"] = json!(status.owner);
        self.store
            .put_setting(&format!("taxii.status.{}", status.id), &stored.to_string())
            .await?;
        Ok(status)
    }

    /// A status resource, for the person who posted it only (anyone else: not found).
    pub async fn taxii_status(&self, actor: &Actor, id: &str) -> AppResult<TaxiiStatus> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(AppError::NotFound);
        }
        let Some(text) = self
            .store
            .get_setting(&format!("taxii.status.{id}"))
            .await?
        else {
            return Err(AppError::NotFound);
        };
        let s: TaxiiStatus =
            serde_json::from_str(&text).map_err(|e| AppError::Internal(e.to_string()))?;
        if s.owner != actor.person.id.0 {
            return Err(AppError::NotFound);
        }
        Ok(s)
    }

    /// One posted indicator as a source item; the reason when it cannot be one.
    async fn import_indicator(&self, actor: &Actor, o: &Value) -> Result<(), String> {
        let kind = o["type"].as_str().unwrap_or_default();
        if kind != "indicator" {
            return Err(format!(
                "「{kind}」の取り込みには未対応です（指標 indicator のみ情報源として記録します）。 Import of '{kind}' objects is not available; only indicators are recorded as source items."
            ));
        }
        let Some(pattern) = o["pattern"].as_str().filter(|p| !p.is_empty()) else {
            return Err("pattern がありません。 The indicator has no pattern.".into());
        };
        let refs: Vec<&str> = o["object_marking_refs"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(tlp) = strictest_tlp(refs) else {
            return Err("TLPのマーキングがありません。 The object carries no TLP marking.".into());
        };
        let title: String = o["name"]
            .as_str()
            .filter(|n| !n.is_empty())
            .unwrap_or(pattern)
            .chars()
            .take(200)
            .collect();
        let input = NewSourceItem {
            title,
            origin: "TAXII".into(),
            url: String::new(),
            tlp: tlp.code().into(),
            allowed_sectors: None,
            identifiers: vec![],
        };
        match self.record_source_item(actor, input).await {
            Ok(_) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

fn collection_code(c: &Collection) -> String {
    match c {
        Collection::Provisions => "provisions".into(),
        Collection::Sector(s) => format!("sector:{s}"),
        Collection::Own => "own".into(),
        Collection::Public => "public".into(),
    }
}

/// The export input of a stored copy.
fn liaison_copy(
    c: &CopyRecord,
    ident: Option<String>,
    sender_name: String,
) -> AppResult<LiaisonCopy> {
    let form: LiaisonForm = serde_json::from_str(&c.form)
        .map_err(|e| AppError::Internal(format!("stored form of copy {}: {e}", c.id)))?;
    let tlp = Tlp::from_code(&c.tlp)
        .ok_or_else(|| AppError::Internal(format!("stored TLP {}", c.tlp)))?;
    Ok(LiaisonCopy {
        id: c.id.0.clone(),
        report_no: c.report_no,
        ident,
        tlp,
        importance: c.importance.as_deref().and_then(Importance::from_code),
        sector: c.sector.clone(),
        hop_kind: c.hop_kind.clone(),
        anonymised: c.anonymised,
        sender: Org {
            id: c.sender_org.0.clone(),
            name: sender_name,
        },
        form,
        indicators: None,
        created_at: c.created_at,
    })
}

/// The export input of a sent provision (`None` for a draft).
fn provision_meta(
    p: &ProvisionRecord,
    form: ProvisionForm,
    nisc_name: String,
) -> AppResult<Option<ProvisionMeta>> {
    let Some(sent_at) = p.sent_at else {
        return Ok(None);
    };
    let tlp = Tlp::from_code(&p.tlp)
        .ok_or_else(|| AppError::Internal(format!("stored TLP {}", p.tlp)))?;
    Ok(Some(ProvisionMeta {
        id: p.id.clone(),
        ident: p.ident.clone(),
        tlp,
        importance: p.importance.as_deref().and_then(Importance::from_code),
        sectors: p.sectors.clone(),
        urgent: p.urgent,
        sender: Org {
            id: NISC_ORG.into(),
            name: nisc_name,
        },
        form,
        sent_at,
    }))
}
