//! 情報提供 — NISC's provisions: drafting on the form 図７ from recorded sources, the
//! sanitisation and scope checks that gate sending, consent to widen, sending (T-numbers),
//! relays ministry → CEPTOAR → operators, and per-recipient receipts. Every read asks the policy.

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::orgs::NISC_ORG;
use crate::{new_id, App};
use chrono::{DateTime, Timelike, Utc};
use kakehashi_domain::provision::validate::{Jurisdiction, ProvisionContext};
use kakehashi_domain::provision::{
    check_form_scope, scan, sending_blockers, Consent, Finding, ProvisionForm, Resolution, Source,
    SourceKind, SourceScope,
};
use kakehashi_domain::text::{self, Subject};
use kakehashi_domain::{Importance, OrgId, OrgKind, Role, SectorId, Tlp};
use kakehashi_policy::{
    audience, decide, decide_hub_internal, reveal, reveal_hub_internal, ItemScope, Viewer, Visible,
};
use kakehashi_store::{
    ConsentRecord, DeliveryRecord, InquiryMessageRecord, InquiryRecord, NotificationDraft,
    NotificationRecord, OrgRecord, ProvisionRecord, ProvisionSummary, RelayRecord,
    SourceItemRecord, Tell, Told,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A source a provision draws on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceRef {
    /// "chain" (a liaison chain) or "item" (recorded by NISC).
    pub kind: String,
    pub id: String,
}

/// Input for a draft.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftRequest {
    pub form: ProvisionForm,
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    #[serde(default)]
    pub resolutions: Vec<Resolution>,
    /// 早期警戒: deliver directly to the CEPTOARs and operators named in `direct_recipients`,
    /// with a copy to the ministries.
    #[serde(default)]
    pub urgent: bool,
    /// The CEPTOARs/operators of the target sectors an urgent provision goes to directly
    /// (「直接セプター又は個別重要インフラ事業者等へ」); required when urgent, refused otherwise.
    #[serde(default)]
    pub direct_recipients: Vec<OrgId>,
    /// Draft a follow-up (T<n>-<k>) of this provision's chain.
    #[serde(default)]
    pub follow_up_of: Option<String>,
}

/// A new source item recorded by NISC.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSourceItem {
    pub title: String,
    #[serde(default)]
    pub origin: String,
    #[serde(default)]
    pub url: String,
    pub tlp: String,
    #[serde(default)]
    pub allowed_sectors: Option<Vec<String>>,
    /// Identifying details: names, people, e-mails, phones, domains.
    #[serde(default)]
    pub identifiers: Vec<String>,
}

/// A provision as a recipient sees it: the sent form and the delivery state, nothing of how NISC
/// made it. NISC's working material (sources, sanitisation decisions, who drafted it) is the
/// optional [`hub`](Self::hub) part, present for NISC staff only.
#[derive(Debug, Clone, Serialize)]
pub struct ProvisionView {
    pub id: String,
    pub report_no: u32,
    /// T<n> / T<n>-<k> once sent.
    pub ident: Option<String>,
    /// "draft" or "sent".
    pub state: String,
    pub tlp: String,
    pub importance: Option<String>,
    /// Target sectors (情報提供先).
    pub sectors: Vec<String>,
    /// 早期警戒: sent directly to named CEPTOARs/operators.
    pub urgent: bool,
    pub sent_at: Option<DateTime<Utc>>,
    /// The form as sent (図７).
    pub form: ProvisionForm,
    /// The reader's organisation's receipt, if it is a recipient.
    pub receipt: Option<DeliveryRecord>,
    /// When the reader's organisation first relayed it on, if it has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relayed_at: Option<DateTime<Utc>>,
    /// NISC's working material, decided by the policy's hub-internal rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hub: Option<Visible<ProvisionHub>>,
}

impl ProvisionView {
    pub fn is_draft(&self) -> bool {
        self.state != "sent"
    }
}

/// What only NISC staff see of a provision: what it draws on and how it was sanitised.
#[derive(Debug, Clone, Serialize)]
pub struct ProvisionHub {
    /// The provision chain (T<n>) it belongs to.
    pub chain: String,
    pub sources: Vec<SourceRef>,
    /// The decision on each sanitisation finding (removed / kept with a reason).
    pub resolutions: Vec<Resolution>,
    /// Who an urgent provision goes to directly (addressees once sent).
    pub direct_recipients: Vec<OrgId>,
    pub created_by: kakehashi_domain::PersonId,
    pub created_at: DateTime<Utc>,
}

/// The sanitisation check of a provision: what still blocks sending and what identifies a
/// source. NISC staff only.
#[derive(Debug, Clone, Serialize)]
pub struct ProvisionCheck {
    pub blockers: Vec<CheckBlocker>,
    pub findings: Vec<Finding>,
}

/// One reason a draft cannot be sent yet.
#[derive(Debug, Clone, Serialize)]
pub struct CheckBlocker {
    pub message_ja: String,
    pub message_en: String,
}

/// A provision after the read gate: the caller may read it (the same 404 as a missing id
/// otherwise). `scope` is the policy's scope of a sent provision; a draft has none (it is
/// NISC's internal material).
pub(crate) struct Readable {
    pub(crate) p: ProvisionRecord,
    pub(crate) form: ProvisionForm,
    pub(crate) scope: Option<ItemScope>,
    pub(crate) viewer: Viewer,
}

/// One row of NISC's receipt table.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptRow {
    pub delivery: DeliveryRecord,
    pub org_name: String,
    pub org_kind: String,
}

fn minute(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(t)
}

/// Whether the actor drafts, checks and sends provisions: NISC staff (the policy's hub-internal
/// rule) with the approver role.
pub fn may_draft_provisions(actor: &Actor) -> bool {
    actor
        .viewer()
        .is_ok_and(|v| decide_hub_internal(&v).allowed)
        && actor.has(Role::Approver)
}

/// Whether the actor relays provisions of this TLP that their organisation received: an
/// approver of a ministry (to its CEPTOARs) or of a CEPTOAR (to its members); RED stays with
/// the ministries. [`App::relay_provision`] enforces the same.
pub fn may_relay(actor: &Actor, tlp: &str) -> bool {
    actor.has(Role::Approver)
        && matches!(actor.org.kind, OrgKind::CiMinistry | OrgKind::Ceptoar)
        && tlp != Tlp::Red.code()
}

/// Whether the actor reads NISC's internal material on provisions (drafts, findings, sources).
pub fn is_hub_staff(actor: &Actor) -> bool {
    actor
        .viewer()
        .is_ok_and(|v| decide_hub_internal(&v).allowed)
}

fn nisc_only(actor: &Actor) -> AppResult<()> {
    if !may_draft_provisions(actor) {
        return Err(AppError::forbidden(
            "情報提供の作成・送信はNISCの職員（承認・送信者）のみ可能です。",
            "Only NISC staff with the approver role draft and send provisions.",
        ));
    }
    Ok(())
}

fn hub_only() -> AppError {
    AppError::forbidden(
        "無害化の確認結果・情報源はNISCの職員のみが閲覧できます。",
        "Sanitisation findings and sources are for NISC staff only.",
    )
}

/// Stored JSON that the sanitisation gate depends on; unreadable = refuse (fail closed), never
/// "nothing there".
fn stored_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> AppResult<T> {
    serde_json::from_str(text).map_err(|e| corrupt(what, &e.to_string()))
}

/// The sanitisation gate's refusal when something it depends on is unreadable: 409, naming
/// what could not be read; the detail goes to the log only.
fn corrupt(what: &str, detail: &str) -> AppError {
    tracing::error!("stored {what} unreadable: {detail}");
    let ja = match what {
        "sources" => "情報源",
        "resolutions" => "無害化の対応",
        "identifiers" => "情報源の識別情報",
        "liaison form" => "情報源の情報連絡の様式",
        "TLP" => "情報源のTLP",
        _ => "情報",
    };
    AppError::Conflict {
        message_ja: format!(
            "記録された{ja}が読み取れません（破損）。無害化と範囲の確認ができないため、表示・送信できません。"
        ),
        message_en: format!(
            "The stored {what} cannot be read (corrupt); without it the sanitisation and scope checks cannot be made, so nothing is shown or sent."
        ),
    }
}

/// The policy's scope of a provision: NISC sends; the ministries of the 情報提供先 are addressees,
/// and so are, for an urgent provision, the CEPTOARs/operators NISC sends it to directly.
pub fn provision_scope(p: &ProvisionRecord, form: &ProvisionForm) -> AppResult<ItemScope> {
    let tlp = Tlp::from_code(&p.tlp)
        .ok_or_else(|| AppError::Internal(format!("stored TLP {}", p.tlp)))?;
    let mut addressees: Vec<OrgId> = form.recipients.iter().map(|r| r.ministry.clone()).collect();
    if p.urgent {
        addressees.extend(p.direct_recipients.iter().cloned());
    }
    addressees.sort();
    addressees.dedup();
    Ok(ItemScope {
        tlp,
        sectors: p.sectors.iter().map(|s| SectorId(s.clone())).collect(),
        sender_org: OrgId(NISC_ORG.into()),
        addressees,
        added_recipients: vec![],
        held_by_nisc: true,
    })
}

fn parse_form(p: &ProvisionRecord) -> AppResult<ProvisionForm> {
    serde_json::from_str(&p.form)
        .map_err(|e| AppError::Internal(format!("stored provision form: {e}")))
}

impl App {
    /// Records an external source (vendor advisory, JPCERT/CC alert…) with what identifies it.
    pub async fn record_source_item(
        &self,
        actor: &Actor,
        input: NewSourceItem,
    ) -> AppResult<SourceItemRecord> {
        nisc_only(actor)?;
        let title = text::clean(Subject::SourceItem, "title", &input.title)?;
        let origin = text::clean(Subject::SourceItem, "origin", &input.origin)?;
        let url = text::clean(Subject::SourceItem, "url", &input.url)?;
        let identifiers = text::clean_list(Subject::SourceItem, "identifiers", &input.identifiers)?;
        let tlp = Tlp::from_code(&input.tlp).ok_or_else(|| {
            AppError::bad_field("tlp", "unknown_code", "TLPが不明です。", "Unknown TLP.")
        })?;
        let rec = SourceItemRecord {
            id: new_id(),
            title,
            origin,
            url,
            tlp: tlp.code().into(),
            allowed_sectors: input.allowed_sectors,
            identifiers: serde_json::to_string(&identifiers)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            created_by: actor.person.id.clone(),
            created_at: self.now(),
        };
        let audit = actor.audit(
            "source_item.create",
            Some(rec.id.clone()),
            serde_json::json!({ "tlp": rec.tlp }),
        );
        self.store.insert_source_item(&rec, audit).await?;
        Ok(rec)
    }

    pub async fn source_items(&self, actor: &Actor) -> AppResult<Vec<SourceItemRecord>> {
        nisc_only(actor)?;
        Ok(self.store.source_items().await?)
    }

    /// Saves a draft (new, or an update of an unsent draft).
    pub async fn save_provision_draft(
        &self,
        actor: &Actor,
        id: Option<&str>,
        mut req: DraftRequest,
    ) -> AppResult<ProvisionRecord> {
        let now = self.now();
        let (pid, chain, report_no, created_at) = match id {
            Some(id) => {
                let old = self.readable(actor, id).await?.p;
                nisc_only(actor)?;
                (old.id, old.chain, old.report_no, old.created_at)
            }
            None => match &req.follow_up_of {
                Some(of) => {
                    nisc_only(actor)?;
                    let base = self.readable(actor, of).await?.p;
                    let k = self
                        .store
                        .provisions_of_chain(&base.chain)
                        .await?
                        .iter()
                        .map(|p| p.report_no)
                        .max()
                        .unwrap_or(0)
                        + 1;
                    (new_id(), base.chain, k, now)
                }
                None => {
                    nisc_only(actor)?;
                    (new_id(), new_id(), 1, now)
                }
            },
        };
        req.form.report_no = report_no;
        req.form.ident_number = None;
        // A draft is held to the text limits even before the whole form is checked for sending.
        let bounds = kakehashi_domain::provision::validate::check_text(&req.form);
        if !bounds.is_empty() {
            return Err(AppError::Invalid(bounds.into()));
        }
        let direct = self
            .check_direct_recipients(req.urgent, &req.direct_recipients, &req.form)
            .await?;
        if !direct.is_empty() {
            return Err(AppError::Invalid(direct.into()));
        }
        for s in &req.sources {
            self.source_of(s, &[]).await?;
        }
        let rec = ProvisionRecord {
            id: pid,
            chain,
            report_no,
            ident: None,
            state: "draft".into(),
            tlp: req.form.tlp.map(|t| t.code()).unwrap_or("RED").into(),
            importance: req.form.importance.map(|i| i.code().to_owned()),
            sectors: req.form.target_sectors().into_iter().map(|s| s.0).collect(),
            form: serde_json::to_string(&req.form)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            sources: serde_json::to_string(&req.sources)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            resolutions: serde_json::to_string(&req.resolutions)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            urgent: req.urgent,
            direct_recipients: req.direct_recipients.clone(),
            created_by: actor.person.id.clone(),
            created_at,
            sent_at: None,
        };
        let audit = actor.audit(
            "provision.draft",
            Some(rec.id.clone()),
            serde_json::json!({ "report_no": report_no }),
        );
        self.store.save_provision_draft(&rec, audit).await?;
        Ok(rec)
    }

    /// The rules on an urgent provision's direct recipients, against the organisations as
    /// registered now.
    async fn check_direct_recipients(
        &self,
        urgent: bool,
        direct: &[OrgId],
        form: &ProvisionForm,
    ) -> AppResult<kakehashi_domain::provision::ProvisionErrors> {
        let orgs = if direct.is_empty() {
            vec![]
        } else {
            self.orgs_all().await?
        };
        Ok(kakehashi_domain::provision::check_direct_recipients(
            urgent,
            direct,
            &form.target_sectors(),
            |id| {
                let o = orgs.iter().find(|o| &o.id == id)?;
                Some((
                    OrgKind::from_code(&o.kind)?,
                    o.sectors.iter().map(|s| SectorId(s.clone())).collect(),
                ))
            },
        ))
    }

    /// A source as the rules see it: what it allows (TLP, sectors, consents so far), what
    /// identifies it, and who decides on widening it.
    async fn source_of(
        &self,
        s: &SourceRef,
        consents: &[ConsentRecord],
    ) -> AppResult<(Source, Option<OrgId>)> {
        let key = format!("{}:{}", s.kind, s.id);
        let consents: Vec<Consent> = consents
            .iter()
            .filter(|c| c.source == key && c.status == "approved")
            .flat_map(|c| {
                c.sectors
                    .iter()
                    .map(|x| Consent::Sector(SectorId(x.clone())))
                    .chain(c.tlp.as_deref().and_then(Tlp::from_code).map(Consent::Tlp))
                    .collect::<Vec<_>>()
            })
            .collect();
        match s.kind.as_str() {
            "chain" => {
                let chain = self
                    .store
                    .chain(&kakehashi_domain::ChainId(s.id.clone()))
                    .await
                    .map_err(|_| {
                        AppError::bad_field(
                            "sources",
                            "unknown",
                            format!("情報源の案件「{}」が見つかりません。", s.id),
                            format!("Source chain '{}' not found.", s.id),
                        )
                    })?;
                let copies = self.store.copies_of_chain(&chain.id).await?;
                // NISC's own copies carry the scope the ministry chose for it.
                let held: Vec<_> = copies
                    .iter()
                    .filter(|c| c.addressee_org.0 == NISC_ORG)
                    .collect();
                let mut tlps = Vec::with_capacity(held.len());
                for c in &held {
                    tlps.push(Tlp::from_code(&c.tlp).ok_or_else(|| {
                        corrupt("TLP", &format!("copy {} has TLP {:?}", c.id.0, c.tlp))
                    })?);
                }
                let Some(strictest) = tlps.into_iter().min() else {
                    return Err(AppError::bad_field(
                        "sources",
                        "not_received",
                        "NISCが受領していない案件は情報源にできません。",
                        "NISC has not received this chain.",
                    ));
                };
                let sender = held.last().map(|c| c.sender_org.clone());
                let allowed = match strictest {
                    Tlp::Red => Some(vec![]),
                    Tlp::AmberStrict | Tlp::Amber => Some(vec![SectorId(chain.sector.clone())]),
                    Tlp::Green | Tlp::Clear => None,
                };
                let label = chain.ident(1).unwrap_or_else(|| key.clone());
                let mut src = Source::new(SourceScope {
                    label: label.clone(),
                    tlp: strictest,
                    allowed_sectors: allowed,
                    consents,
                });
                src.kind = SourceKind::LiaisonChain;
                if chain.number.is_some() {
                    src.r_numbers.push(label);
                }
                // What identifies the source, from what NISC legitimately knows: its own copies.
                // On the anonymising (CEPTOAR) route those are the anonymised hop, and NISC
                // learns only what that hop shows; the operator's own hop and the operator's
                // registered details stay out. The reporter's identity is NISC's only when one of
                // its copies did not come through anonymisation (the statutory route, the
                // operator's urgent copy).
                let knows_reporter = held.iter().any(|c| !c.anonymised);
                if knows_reporter {
                    let origin = self.store.org(&chain.origin_org).await?;
                    src.organisation_names
                        .extend([origin.name_ja, origin.name_en]);
                    src.organisation_names.extend(origin.aliases);
                    src.domains.extend(origin.domains);
                    src.addresses.extend(origin.addresses);
                    src.phones.extend(origin.phones);
                    src.emails.extend(origin.emails);
                }
                // NISC's copies; when NISC knows the reporter, also the reporter's own hops
                // (their sender blocks name its people).
                let described = copies.iter().filter(|c| {
                    c.addressee_org.0 == NISC_ORG
                        || (knows_reporter && c.sender_org == chain.origin_org)
                });
                for c in described {
                    let f: kakehashi_domain::liaison::LiaisonForm =
                        stored_json("liaison form", &c.form)?;
                    let push = |v: &mut Vec<String>, x: &str| {
                        if !x.trim().is_empty() && !v.iter().any(|y| y == x) {
                            v.push(x.trim().to_owned());
                        }
                    };
                    push(&mut src.organisation_names, &f.operator_name);
                    push(&mut src.person_names, &f.sender.person);
                    push(&mut src.emails, &f.sender.email);
                    push(&mut src.phones, &f.sender.phone);
                    push(&mut src.phones, &f.sender.fax);
                }
                src.organisation_names.retain(|n| !n.contains("匿名化"));
                Ok((src, sender))
            }
            "item" => {
                let item = self.store.source_item(&s.id).await.map_err(|_| {
                    AppError::bad_field(
                        "sources",
                        "unknown",
                        format!("情報源「{}」が見つかりません。", s.id),
                        format!("Source item '{}' not found.", s.id),
                    )
                })?;
                let tlp = Tlp::from_code(&item.tlp).ok_or_else(|| {
                    corrupt(
                        "TLP",
                        &format!("source item {} has TLP {:?}", item.id, item.tlp),
                    )
                })?;
                let allowed = item
                    .allowed_sectors
                    .clone()
                    .map(|v| v.into_iter().map(SectorId).collect());
                let mut src = Source::new(SourceScope {
                    label: item.title.clone(),
                    tlp,
                    allowed_sectors: allowed,
                    consents,
                });
                src.kind = SourceKind::External;
                if !item.url.is_empty() {
                    src.urls.push(item.url.clone());
                }
                let ids: Vec<String> = stored_json("identifiers", &item.identifiers)?;
                for id in ids {
                    if id.contains('@') {
                        src.emails.push(id);
                    } else {
                        src.other_terms.push(id);
                    }
                }
                Ok((src, None))
            }
            _ => Err(AppError::bad_field(
                "sources",
                "unknown_kind",
                "情報源の種別は chain または item です。",
                "Source kind is chain or item.",
            )),
        }
    }

    async fn sources_of(&self, p: &ProvisionRecord) -> AppResult<Vec<Source>> {
        let refs: Vec<SourceRef> = stored_json("sources", &p.sources)?;
        let consents = self.store.consents_of(&p.id).await?;
        let mut out = Vec::new();
        for r in &refs {
            out.push(self.source_of(r, &consents).await?.0);
        }
        Ok(out)
    }

    /// Every identifying detail of the sources found in the draft's text.
    async fn provision_findings(&self, p: &ProvisionRecord) -> AppResult<Vec<Finding>> {
        Ok(scan(&parse_form(p)?, &self.sources_of(p).await?))
    }

    /// The reasons a draft cannot be sent yet, as (ja, en): the form's rules, scope and TLP
    /// beyond what the sources (and consents) allow, and identifying details neither removed nor
    /// kept with a recorded reason. Empty = may be sent.
    async fn provision_blockers(&self, p: &ProvisionRecord) -> AppResult<Vec<(String, String)>> {
        let form = parse_form(p)?;
        let sources = self.sources_of(p).await?;
        let mut out = Vec::new();
        let orgs = self.orgs_all().await?;
        let j = OrgJurisdiction {
            orgs: &orgs,
            reference: self.reference,
        };
        let mut check = form.clone();
        if check.provided_at.is_none() {
            check.provided_at = Some(minute(self.now()));
        }
        if let Err(errs) = kakehashi_domain::provision::validate::validate(
            &check,
            &j,
            &ProvisionContext {
                now: self.now(),
                require_ident: false,
            },
        ) {
            out.extend(errs.0.into_iter().map(|e| (e.message_ja, e.message_en)));
        }
        let direct = self
            .check_direct_recipients(p.urgent, &p.direct_recipients, &form)
            .await?;
        out.extend(direct.0.into_iter().map(|e| (e.message_ja, e.message_en)));
        let scopes: Vec<SourceScope> = sources.iter().map(|s| s.scope.clone()).collect();
        if let Err(v) = check_form_scope(&form, &scopes) {
            out.extend(v.into_iter().map(|v| (v.message_ja, v.message_en)));
        }
        let resolutions: Vec<Resolution> = stored_json("resolutions", &p.resolutions)?;
        out.extend(
            sending_blockers(&scan(&form, &sources), &resolutions)
                .into_iter()
                .map(|b| (b.message_ja, b.message_en)),
        );
        Ok(out)
    }

    /// Asks a chain source's sender to widen its scope for this provision.
    pub async fn request_consent(
        &self,
        actor: &Actor,
        provision: &str,
        source: &SourceRef,
        sectors: Vec<String>,
        tlp: Option<String>,
    ) -> AppResult<ConsentRecord> {
        let p = self.readable(actor, provision).await?.p;
        nisc_only(actor)?;
        let (_, decider) = self.source_of(source, &[]).await?;
        let decider = decider.ok_or_else(|| {
            AppError::bad_field(
                "source",
                "no_sender",
                "この情報源には同意を求める送信者がいません。",
                "This source has no sender to ask.",
            )
        })?;
        if let Some(t) = &tlp {
            Tlp::from_code(t).ok_or_else(|| {
                AppError::bad_field("tlp", "unknown_code", "TLPが不明です。", "Unknown TLP.")
            })?;
        }
        let rec = ConsentRecord {
            id: new_id(),
            provision: Some(p.id.clone()),
            source: format!("{}:{}", source.kind, source.id),
            decider_org: decider,
            sectors,
            tlp,
            status: "pending".into(),
            note: String::new(),
            decided_by: None,
            decided_at: None,
            created_at: self.now(),
            requester_org: None,
        };
        let audit = actor.audit(
            "consent.request",
            Some(rec.id.clone()),
            serde_json::json!({ "provision": p.id, "to": rec.decider_org }),
        );
        self.store.insert_consent(&rec, audit).await?;
        Ok(rec)
    }

    /// The source's sender approves or refuses; decision and time are recorded.
    pub async fn decide_consent(
        &self,
        actor: &Actor,
        consent: &ConsentRecord,
        approve: bool,
        note: &str,
    ) -> AppResult<()> {
        actor.require(Role::Approver)?;
        if consent.decider_org != actor.org.id {
            return Err(AppError::NotFound);
        }
        let note = &text::clean(Subject::Consent, "note", note)?;
        let audit = actor.audit(
            "consent.decide",
            Some(consent.id.clone()),
            serde_json::json!({ "approve": approve }),
        );
        self.store
            .decide_consent(
                &consent.id,
                approve,
                &actor.person.id,
                self.now(),
                note,
                audit,
            )
            .await?;
        Ok(())
    }

    /// Consent requests addressed to the actor's organisation.
    pub async fn my_consent_requests(&self, actor: &Actor) -> AppResult<Vec<ConsentRecord>> {
        Ok(self.store.consents_for_org(&actor.org.id).await?)
    }

    async fn orgs_all(&self) -> AppResult<Vec<OrgRecord>> {
        Ok(self.directory_records().await?.as_ref().clone())
    }

    /// Sends a draft: refuses while blockers remain, numbers it T<n> / T<n>-<k>, delivers to
    /// its addressees: the ministries and, when urgent, the CEPTOARs/operators NISC named. The
    /// rest of the sectors get it only through relays, within what its TLP admits.
    pub async fn send_provision(&self, actor: &Actor, id: &str) -> AppResult<String> {
        let p = self.readable(actor, id).await?.p;
        nisc_only(actor)?;
        let mut form = parse_form(&p)?;
        if form.provided_at.is_none() {
            form.provided_at = Some(minute(self.now()));
        }
        let blockers = self.provision_blockers(&p).await?;
        if let Some((ja, en)) = blockers.first() {
            return Err(AppError::bad_field(
                "scope",
                "blocked",
                format!("送信できません: {ja}"),
                format!("Cannot send: {en}"),
            ));
        }
        let scope = provision_scope(&p, &form)?;
        let now = self.now();
        let mut to: Vec<OrgId> = scope.addressees.clone();
        to.sort();
        to.dedup();
        let deliveries: Vec<DeliveryRecord> = to
            .into_iter()
            .map(|org| DeliveryRecord {
                provision: p.id.clone(),
                org,
                via_org: None,
                relay: None,
                delivered_at: now,
                read_at: None,
                acked_at: None,
                ack_note: String::new(),
            })
            .collect();
        let keys = audience(&scope)
            .into_iter()
            .map(|k| k.into_string())
            .collect();
        let audit = actor.audit(
            "provision.send",
            Some(p.id.clone()),
            serde_json::json!({ "recipients": deliveries.len(), "urgent": p.urgent }),
        );
        let orgs: Vec<OrgId> = deliveries.iter().map(|d| d.org.clone()).collect();
        // Whom the send tells is decided before it; the T-number its transaction gives names
        // the inbox rows and webhook deliveries written in that same transaction.
        let reach = self.provision_reach(&p, &form, &orgs).await?;
        let tell = {
            let (app, reach, p) = (self.clone(), Arc::clone(&reach), p.clone());
            Tell(Arc::new(move |outcome: &kakehashi_store::HopOutcome| {
                app.provision_told(&reach, &p, outcome.ident.as_deref().unwrap_or_default())
            }))
        };
        let ident = self
            .store
            .send_provision(&p.id, keys, deliveries, now, vec![audit], Some(tell))
            .await?;
        self.after_provision(&reach, &p, &ident, &form, &orgs).await;
        Ok(ident)
    }

    /// Relays a received provision on: a ministry to the CEPTOARs of the target sectors it
    /// oversees, a CEPTOAR to its member operators. RED stays with the ministries.
    pub async fn relay_provision(
        &self,
        actor: &Actor,
        id: &str,
        recipients: Option<Vec<String>>,
    ) -> AppResult<Vec<OrgId>> {
        let p = self.readable(actor, id).await?.p;
        actor.require(Role::Approver)?;
        let deliveries = self.store.deliveries_of(&p.id).await?;
        if !deliveries.iter().any(|d| d.org == actor.org.id) {
            return Err(AppError::forbidden(
                "情報提供を受領した組織のみが中継できます。",
                "Only an organisation that received the provision relays it.",
            ));
        }
        if p.tlp == Tlp::Red.code() {
            return Err(AppError::forbidden(
                "TLP:RED の情報提供は宛先の省庁限りです。",
                "A TLP:RED provision stays with the addressed ministries.",
            ));
        }
        let orgs = self.orgs_all().await?;
        let eligible: Vec<&OrgRecord> = orgs
            .iter()
            .filter(|o| match actor.org.kind {
                OrgKind::CiMinistry => {
                    o.kind == OrgKind::Ceptoar.code()
                        && o.sectors.iter().any(|s| {
                            p.sectors.contains(s) && actor.org.sectors.iter().any(|m| &m.0 == s)
                        })
                }
                OrgKind::Ceptoar => {
                    o.kind == OrgKind::Operator.code() && o.ceptoars.contains(&actor.org.id)
                }
                _ => false,
            })
            .collect();
        let chosen: Vec<OrgId> = match recipients {
            None => eligible.iter().map(|o| o.id.clone()).collect(),
            Some(list) => {
                let mut out = Vec::new();
                for r in list {
                    if !eligible.iter().any(|o| o.id.0 == r) {
                        return Err(AppError::bad_field(
                            "recipients",
                            "not_eligible",
                            format!("「{r}」へは中継できません。"),
                            format!("Cannot relay to '{r}'."),
                        ));
                    }
                    out.push(OrgId(r));
                }
                out
            }
        };
        if chosen.is_empty() {
            return Err(AppError::bad_field(
                "recipients",
                "none",
                "中継先がありません。",
                "Nobody to relay to.",
            ));
        }
        let now = self.now();
        let relay = RelayRecord {
            id: new_id(),
            provision: p.id.clone(),
            from_org: actor.org.id.clone(),
            by_person: actor.person.id.clone(),
            recipients: chosen.clone(),
            at: now,
        };
        let new: Vec<DeliveryRecord> = chosen
            .iter()
            .map(|org| DeliveryRecord {
                provision: p.id.clone(),
                org: org.clone(),
                via_org: Some(actor.org.id.clone()),
                relay: Some(relay.id.clone()),
                delivered_at: now,
                read_at: None,
                acked_at: None,
                ack_note: String::new(),
            })
            .collect();
        let audit = actor.audit(
            "provision.relay",
            Some(p.id.clone()),
            serde_json::json!({ "to": chosen }),
        );
        let form = parse_form(&p)?;
        let ident = p.ident.clone().unwrap_or_default();
        let reach = self.provision_reach(&p, &form, &chosen).await?;
        let told = self.provision_told(&reach, &p, &ident);
        self.store.record_relay(&relay, new, audit, told).await?;
        self.after_provision(&reach, &p, &ident, &form, &chosen)
            .await;
        Ok(chosen)
    }

    /// Whom a provision's send or relay tells, decided by the policy before the write (reads
    /// only; see [`crate::fanout`]): the people of the organisations reached whom the policy
    /// admits, and their organisations' webhooks.
    async fn provision_reach(
        &self,
        p: &ProvisionRecord,
        form: &ProvisionForm,
        orgs: &[OrgId],
    ) -> AppResult<Arc<crate::fanout::Reach>> {
        let scope = provision_scope(p, form)?;
        Ok(Arc::new(
            self.reach(orgs, &kakehashi_policy::Access::Item(scope), true)
                .await?,
        ))
    }

    /// What a provision's send or relay writes in its own transaction for `reach`: one inbox
    /// row per person told and one webhook delivery per webhook, both naming the T-number.
    fn provision_told(
        &self,
        reach: &crate::fanout::Reach,
        p: &ProvisionRecord,
        ident: &str,
    ) -> Told {
        let payload = serde_json::json!({
            "event": "provision",
            "id": p.id,
            "ident": ident,
            "importance": p.importance,
            "tlp": p.tlp,
            "url": format!("{}/provisions/{}", self.config.base_url.trim_end_matches('/'), p.id),
        });
        Told {
            notifications: vec![NotificationDraft {
                people: reach.people_ids(),
                kind: "provision".into(),
                ref_id: p.id.clone(),
                title: format!("情報提供 {ident}"),
                importance: p.importance.clone(),
            }],
            webhooks: reach.deliveries(&payload, self.now()),
        }
    }

    /// After a provision's send or relay commits (its inbox rows already durable with it): the
    /// live event to every node, and mail — 警報 to everyone told at once, other levels as each
    /// person chose. Mail carries no RED/AMBER content.
    async fn after_provision(
        &self,
        reach: &crate::fanout::Reach,
        p: &ProvisionRecord,
        ident: &str,
        form: &ProvisionForm,
        orgs: &[OrgId],
    ) {
        let tlp = Tlp::from_code(&p.tlp).unwrap_or(Tlp::Red);
        let level = crate::notify::importance_ja(p.importance.as_deref());
        let base = self.config.base_url.clone();
        let (id, ident_owned, summary) = (p.id.clone(), ident.to_owned(), form.summary.clone());
        let mail_for: crate::fanout::MailFor = std::sync::Arc::new(move |to: &str| {
            crate::notify::provision_mail(to, &base, &id, &ident_owned, tlp, level, &summary)
        });
        let when = if is_alert(p) {
            crate::fanout::MailWhen::Alert
        } else {
            crate::fanout::MailWhen::ByPreference
        };
        self.after_telling(reach, "provision", &p.id, Some((when, mail_for)))
            .await;
        let text = [
            &form.summary,
            &form.targets,
            &form.countermeasures,
            &form.other,
        ]
        .map(|s| s.as_str())
        .join("\n");
        self.prompt_reassessment(&p.id, ident, &text, orgs).await;
    }

    /// The actor's in-app inbox, newest first.
    pub async fn notifications(&self, actor: &Actor) -> AppResult<Vec<NotificationRecord>> {
        Ok(self.store.notifications(&actor.person.id, 100).await?)
    }

    /// The read gate of every provision route: the provision, if the caller may read it — a
    /// sent one as its TLP admits, a draft by NISC staff only — else the same 404 as a missing
    /// id. No side effects.
    pub(crate) async fn readable(&self, actor: &Actor, id: &str) -> AppResult<Readable> {
        let r = self.readable_checked(actor, id).await;
        if matches!(r, Err(AppError::NotFound)) {
            // Refused and missing alike, counted for the audit log (aggregated).
            self.note_refusal(Some(actor), "not_found", Some(&format!("provision:{id}")));
        }
        r
    }

    async fn readable_checked(&self, actor: &Actor, id: &str) -> AppResult<Readable> {
        let p = self.store.provision(id).await?;
        let viewer = actor.viewer()?;
        let form = parse_form(&p)?;
        let scope = if p.state == "sent" {
            Some(provision_scope(&p, &form)?)
        } else {
            None
        };
        let gate = match &scope {
            Some(scope) => decide(&viewer, scope),
            None => decide_hub_internal(&viewer),
        };
        if !gate.allowed {
            return Err(AppError::NotFound);
        }
        Ok(Readable {
            p,
            form,
            scope,
            viewer,
        })
    }

    /// The read gate alone (no side effects): `Ok` if the actor may read the provision, else
    /// the same 404 as a missing id. For routes that act on a provision before anything else.
    pub async fn provision_gate(&self, actor: &Actor, id: &str) -> AppResult<()> {
        self.readable(actor, id).await.map(|_| ())
    }

    /// Wraps `value` about the provision `r` as the policy lets its viewer read it.
    pub(crate) fn reveal_provision<T>(r: &Readable, value: T) -> AppResult<Visible<T>> {
        match &r.scope {
            Some(scope) => reveal(&r.viewer, scope, value),
            None => reveal_hub_internal(&r.viewer, value),
        }
        .map_err(|_| AppError::NotFound)
    }

    /// A provision as the policy lets the actor read it: recipients get the sent form and their
    /// delivery state; NISC staff also the hub part. A recipient's first view marks it read.
    pub async fn view_provision(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<Visible<ProvisionView>> {
        let r = self.readable(actor, id).await?;
        let p = &r.p;
        let hub = match reveal_hub_internal(&r.viewer, ()) {
            Ok(_) => Some(
                reveal_hub_internal(
                    &r.viewer,
                    ProvisionHub {
                        chain: p.chain.clone(),
                        sources: stored_json("sources", &p.sources)?,
                        resolutions: stored_json("resolutions", &p.resolutions)?,
                        direct_recipients: p.direct_recipients.clone(),
                        created_by: p.created_by.clone(),
                        created_at: p.created_at,
                    },
                )
                .map_err(|_| AppError::NotFound)?,
            ),
            Err(_) => None,
        };
        let now = self.now();
        let deliveries = self.store.deliveries_of(&p.id).await?;
        let relayed_at = deliveries
            .iter()
            .filter(|d| d.via_org.as_ref() == Some(&actor.org.id))
            .map(|d| d.delivered_at)
            .min();
        let mut receipt = deliveries.into_iter().find(|d| d.org == actor.org.id);
        self.store
            .mark_notification_read(&actor.person.id, "provision", &p.id, now)
            .await?;
        if let Some(d) = &mut receipt {
            if d.read_at.is_none() {
                self.store
                    .mark_delivery_read(&p.id, &actor.org.id, now)
                    .await?;
                d.read_at = Some(now);
            }
        }
        if matches!(
            Tlp::from_code(&p.tlp),
            Some(Tlp::Red | Tlp::AmberStrict | Tlp::Amber)
        ) || p.state != "sent"
        {
            self.store
                .append_audit(vec![actor.audit(
                    "provision.read",
                    Some(p.id.clone()),
                    serde_json::json!({ "tlp": p.tlp, "state": p.state }),
                )])
                .await?;
        }
        let view = ProvisionView {
            id: p.id.clone(),
            report_no: p.report_no,
            ident: p.ident.clone(),
            state: p.state.clone(),
            tlp: p.tlp.clone(),
            importance: p.importance.clone(),
            sectors: p.sectors.clone(),
            urgent: p.urgent,
            sent_at: p.sent_at,
            form: {
                let mut form = r.form.clone();
                let attached = self
                    .attachment_count(&crate::attachments::Owner::Provision(p.id.clone()))
                    .await?;
                form.has_attachments =
                    kakehashi_domain::attachment::has_attachments(form.has_attachments, attached);
                form
            },
            receipt,
            relayed_at,
            hub,
        };
        Self::reveal_provision(&r, view)
    }

    /// The sanitisation check of a provision (blockers and findings): NISC staff only. A caller
    /// who may not read the provision gets the same 404 as for a missing id; one who may read
    /// it but is not NISC staff gets 403.
    pub async fn provision_check(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<Visible<ProvisionCheck>> {
        let r = self.readable(actor, id).await?;
        if !decide_hub_internal(&r.viewer).allowed {
            return Err(hub_only());
        }
        let findings = self.provision_findings(&r.p).await?;
        let blockers = self
            .provision_blockers(&r.p)
            .await?
            .into_iter()
            .map(|(message_ja, message_en)| CheckBlocker {
                message_ja,
                message_en,
            })
            .collect();
        reveal_hub_internal(&r.viewer, ProvisionCheck { blockers, findings })
            .map_err(|_| hub_only())
    }

    /// The recipient organisation acknowledges, with an optional response note.
    pub async fn acknowledge_provision(
        &self,
        actor: &Actor,
        id: &str,
        note: &str,
    ) -> AppResult<()> {
        let p = self.readable(actor, id).await?.p;
        let note = &text::clean(Subject::Receipt, "note", note)?;
        let audit = actor.audit(
            "provision.ack",
            Some(p.id.clone()),
            serde_json::json!({ "note": !note.is_empty() }),
        );
        self.store
            .acknowledge_delivery(&p.id, &actor.org.id, self.now(), note.trim(), audit)
            .await
            .map_err(|e| match e {
                // The caller reads the provision but its organisation is no recipient.
                kakehashi_store::StoreError::NotFound => AppError::forbidden(
                    "受領した組織のみが受領確認できます。",
                    "Only a recipient organisation acknowledges.",
                ),
                e => e.into(),
            })
    }

    /// NISC's receipt table: every recipient organisation and its state, unread first.
    pub async fn provision_receipts(&self, actor: &Actor, id: &str) -> AppResult<Vec<ReceiptRow>> {
        let id = &self.readable(actor, id).await?.p.id;
        nisc_only(actor)?;
        let orgs = self.orgs_all().await?;
        let mut rows: Vec<ReceiptRow> = self
            .store
            .deliveries_of(id)
            .await?
            .into_iter()
            .map(|d| {
                let o = orgs.iter().find(|o| o.id == d.org);
                ReceiptRow {
                    org_name: o.map(|o| o.name_ja.clone()).unwrap_or_default(),
                    org_kind: o.map(|o| o.kind.clone()).unwrap_or_default(),
                    delivery: d,
                }
            })
            .collect();
        rows.sort_by_key(|r| {
            (
                r.delivery.read_at.is_some(),
                r.delivery.acked_at.is_some(),
                r.org_name.clone(),
            )
        });
        Ok(rows)
    }

    /// Sent provisions the policy lets the actor read, newest first.
    pub async fn provisions(&self, actor: &Actor, limit: u32) -> AppResult<Vec<ProvisionSummary>> {
        let keys: Vec<String> =
            kakehashi_policy::viewer_keys(&actor.viewer()?, &self.all_sectors())
                .into_iter()
                .map(|k| k.into_string())
                .collect();
        Ok(self
            .store
            .list_provisions(&keys, limit.clamp(1, 500))
            .await?)
    }

    /// 問合せ: only a ministry inside the provision's scope (one of its 情報提供先) opens an
    /// inquiry thread with NISC.
    pub async fn open_inquiry(
        &self,
        actor: &Actor,
        provision: &str,
        body: &str,
    ) -> AppResult<InquiryRecord> {
        let Readable { p, form, .. } = self.readable(actor, provision).await?;
        let in_scope = p.state == "sent"
            && actor.org.kind == OrgKind::CiMinistry
            && form.recipients.iter().any(|r| r.ministry == actor.org.id);
        if !in_scope {
            return Err(AppError::forbidden(
                "情報提供へのNISCへの問合せは、情報共有範囲内の重要インフラ所管省庁に限ります。",
                "Only CI ministries inside the provision's scope may send inquiries to NISC.",
            ));
        }
        let body = check_body(body)?;
        let now = self.now();
        let rec = InquiryRecord {
            id: new_id(),
            provision: p.id.clone(),
            ministry_org: actor.org.id.clone(),
            created_by: actor.person.id.clone(),
            created_at: now,
        };
        let first = InquiryMessageRecord {
            id: new_id(),
            inquiry: rec.id.clone(),
            author: actor.person.id.clone(),
            author_org: actor.org.id.clone(),
            body,
            at: now,
        };
        let audit = actor.audit(
            "inquiry.open",
            Some(rec.id.clone()),
            serde_json::json!({ "provision": p.id }),
        );
        self.store.insert_inquiry(&rec, &first, audit).await?;
        Ok(rec)
    }

    /// A reply on a thread: by NISC or by the ministry that opened it.
    pub async fn reply_inquiry(
        &self,
        actor: &Actor,
        inquiry: &str,
        body: &str,
    ) -> AppResult<InquiryMessageRecord> {
        let i = self.inquiry_for(actor, inquiry).await?;
        let body = check_body(body)?;
        let m = InquiryMessageRecord {
            id: new_id(),
            inquiry: i.id.clone(),
            author: actor.person.id.clone(),
            author_org: actor.org.id.clone(),
            body,
            at: self.now(),
        };
        let audit = actor.audit("inquiry.reply", Some(i.id.clone()), serde_json::json!({}));
        self.store.add_inquiry_message(&m, audit).await?;
        Ok(m)
    }

    async fn inquiry_for(&self, actor: &Actor, id: &str) -> AppResult<InquiryRecord> {
        let i = self.store.inquiry(id).await?;
        if actor.org.kind == OrgKind::Nisc || i.ministry_org == actor.org.id {
            // Taking part in a thread needs reading its provision (the same 404 otherwise).
            self.readable(actor, &i.provision).await?;
            Ok(i)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The threads on a provision the actor takes part in (NISC: all), with their messages.
    pub async fn inquiries(
        &self,
        actor: &Actor,
        provision: &str,
    ) -> AppResult<Vec<(InquiryRecord, Vec<InquiryMessageRecord>)>> {
        let provision = &self.readable(actor, provision).await?.p.id;
        let mut out = Vec::new();
        for i in self.store.inquiries_of(provision).await? {
            if actor.org.kind == OrgKind::Nisc || i.ministry_org == actor.org.id {
                let msgs = self.store.inquiry_messages(&i.id).await?;
                out.push((i, msgs));
            }
        }
        Ok(out)
    }

    /// NISC's drafts.
    pub async fn provision_drafts(&self, actor: &Actor) -> AppResult<Vec<ProvisionSummary>> {
        nisc_only(actor)?;
        Ok(self.store.provision_drafts().await?)
    }
}

/// Whether an importance is a 警報 (receipt tables single out who has not read one).
pub fn is_alert(p: &ProvisionRecord) -> bool {
    p.importance.as_deref() == Some(Importance::Alert.code())
}

/// The ministry→sector mapping as registered organisations record it (dated reference data).
struct OrgJurisdiction<'a> {
    orgs: &'a [OrgRecord],
    reference: &'a kakehashi_reference::Reference,
}

impl Jurisdiction for OrgJurisdiction<'_> {
    fn is_ministry(&self, ministry: &str) -> bool {
        self.orgs
            .iter()
            .any(|o| o.id.0 == ministry && o.kind == OrgKind::CiMinistry.code())
    }
    fn is_sector(&self, sector: &str) -> bool {
        self.reference.sector(sector).is_some()
    }
    fn oversees(&self, ministry: &str, sector: &str) -> bool {
        self.orgs.iter().any(|o| {
            o.id.0 == ministry
                && o.kind == OrgKind::CiMinistry.code()
                && o.sectors.iter().any(|s| s == sector)
        })
    }
}

fn check_body(body: &str) -> AppResult<String> {
    Ok(text::clean(Subject::Inquiry, "body", body)?)
}
