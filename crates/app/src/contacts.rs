//! 連絡先と連絡確認 — each organisation's points of contact (the N13 hotline, provisions, the
//! CEPTOAR's 窓口), the oversight list of who lacks them, and contact checks.
//!
//! Who reads what is the policy's (`decide_contacts`, `decide_contact_oversight`,
//! `decide_contact_check`); which kinds are required, when a verification is stale and who may
//! check whom are the domain's ([`kakehashi_domain::contacts`]); who edits an organisation's
//! contacts is the administration reach rule (its own administrators, platform administrators).
//! A refused read is the same 404 as a missing organisation or check. Every write is audited
//! in its transaction, and so is every read of contacts by another organisation (contacts are
//! restricted information); a check reaches its targets' people through the one fan-out.

use crate::error::{AppError, AppResult};
use crate::fanout::Notice;
use crate::identity::{org_from_record, Actor};
use crate::App;
use chrono::{DateTime, NaiveDate, Utc};
use kakehashi_domain::contacts::{
    self as rules, gaps, is_stale, may_acknowledge, may_close, may_send_check, required_kinds,
    CheckRefusal, CheckState, ContactKind, Gap, MAX_CHECK_TARGETS,
};
use kakehashi_domain::text::{self, Subject};
use kakehashi_domain::{OrgId, OrgKind, Organisation, PersonId, Role, Tlp};
use kakehashi_policy::{
    decide_contact_check, decide_contact_oversight, decide_contacts, reveal_check, reveal_contacts,
    ItemScope, Reason, Visible,
};
use kakehashi_store::{CheckTargetRecord, ContactCheckRecord, ContactRecord, OrgRecord};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A point of contact as entered (adding or replacing one).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactInput {
    /// `emergency` (24/7 hotline), `provision` (PoC for provisions) or `ceptoar` (a CEPTOAR's
    /// point of contact; CEPTOARs only).
    pub kind: String,
    /// Who answers: a person, a desk or a duty room.
    pub name: String,
    /// Phone number; a phone number or an e-mail address is required.
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// When it answers (e.g. 24時間365日, 平日9:00-17:45).
    #[serde(default)]
    pub hours: String,
    /// `YYYY-MM-DD`, the day it was last confirmed to answer (not in the future); empty or
    /// omitted: today (saving it is confirming it).
    #[serde(default)]
    pub verified_on: String,
}

/// A point of contact as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactView {
    pub id: String,
    pub kind: ContactKind,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub hours: String,
    pub verified_on: NaiveDate,
    /// Verified longer ago than the deployment's threshold.
    pub stale: bool,
}

/// An organisation's contacts as a reader sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgContacts {
    pub org: OrgId,
    pub org_name_ja: String,
    pub org_name_en: String,
    pub org_kind: OrgKind,
    pub required: Vec<ContactKind>,
    pub contacts: Vec<ContactView>,
    /// Missing required kinds and stale kinds.
    pub gaps: Vec<Gap>,
    pub stale_days: u32,
    /// Whether the reader may edit them (its own administrators, platform administrators).
    pub may_edit: bool,
}

/// One organisation on the oversight list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgGaps {
    pub org: OrgId,
    pub org_name_ja: String,
    pub org_name_en: String,
    pub org_kind: OrgKind,
    pub sectors: Vec<String>,
    pub gaps: Vec<Gap>,
}

/// A contact check (連絡確認) to send.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewContactCheck {
    /// Organisation ids: for NISC any other organisation, for a CEPTOAR its members.
    pub targets: Vec<String>,
    /// What to tell them (optional).
    #[serde(default)]
    pub message: String,
}

/// One target of a check, as its sender (or the target itself) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckTargetView {
    pub org: OrgId,
    pub org_name_ja: String,
    pub org_name_en: String,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by_name: Option<String>,
    /// Seconds from sending to the acknowledgement.
    pub response_secs: Option<u64>,
}

/// A check as a reader sees it: its sender sees every target, a target its own row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckView {
    pub id: String,
    pub sender_org: OrgId,
    pub sender_org_name_ja: String,
    pub sender_org_name_en: String,
    pub sender_name: String,
    pub message: String,
    pub sent_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// `open` or `closed`.
    pub status: &'static str,
    pub targets: Vec<CheckTargetView>,
    /// Of the targets shown.
    pub answered: usize,
    pub pending: usize,
    /// The reader's organisation may acknowledge now.
    pub may_acknowledge: bool,
    /// The reader may close it (its sender organisation's approver, while open).
    pub may_close: bool,
}

fn kind_error(ja: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::bad_field("kind", "unknown_code", ja, en)
}

impl App {
    fn stale_days(&self) -> u32 {
        self.config.contact_stale_days
    }

    /// Today as a JST calendar day.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&crate::inbox::jst()).date_naive()
    }

    fn contact_view(&self, c: &ContactRecord) -> AppResult<ContactView> {
        let kind = ContactKind::from_code(&c.kind)
            .ok_or_else(|| AppError::Internal(format!("stored contact kind {:?}", c.kind)))?;
        Ok(ContactView {
            id: c.id.clone(),
            kind,
            name: c.name.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            hours: c.hours.clone(),
            verified_on: c.verified_on,
            stale: is_stale(c.verified_on, self.today(), self.stale_days()),
        })
    }

    /// The organisation, as the rules see it, or the same 404 as a refused read.
    async fn contact_owner(
        &self,
        actor: &Actor,
        id: &OrgId,
    ) -> AppResult<(OrgRecord, Organisation)> {
        match self.store.org(id).await {
            Ok(rec) => {
                let org = org_from_record(&rec)?;
                Ok((rec, org))
            }
            Err(kakehashi_store::StoreError::NotFound) => {
                self.note_refusal(
                    Some(actor),
                    "not_found",
                    Some(&format!("contacts:{}", id.0)),
                );
                Err(AppError::NotFound)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// An organisation's points of contact, if the policy lets the actor read them; a read by
    /// another organisation is audited (`contacts.read`).
    pub async fn org_contacts(&self, actor: &Actor, id: &OrgId) -> AppResult<Visible<OrgContacts>> {
        let (rec, owner) = self.contact_owner(actor, id).await?;
        let viewer = actor.viewer()?;
        let decision = decide_contacts(&viewer, &owner);
        if !decision.allowed {
            self.note_refusal(
                Some(actor),
                "not_found",
                Some(&format!("contacts:{}", id.0)),
            );
            return Err(AppError::NotFound);
        }
        let contacts = self
            .store
            .contacts_of(id)
            .await?
            .iter()
            .map(|c| self.contact_view(c))
            .collect::<AppResult<Vec<_>>>()?;
        let pairs: Vec<(ContactKind, NaiveDate)> =
            contacts.iter().map(|c| (c.kind, c.verified_on)).collect();
        let value = OrgContacts {
            org: owner.id.clone(),
            org_name_ja: rec.name_ja.clone(),
            org_name_en: rec.name_en.clone(),
            org_kind: owner.kind,
            required: required_kinds(owner.kind).to_vec(),
            gaps: gaps(owner.kind, &pairs, self.today(), self.stale_days()),
            contacts,
            stale_days: self.stale_days(),
            may_edit: actor.may_manage_people_of(id),
        };
        if decision.reason != Reason::OwnOrganisation {
            self.store
                .append_audit(vec![actor.audit(
                    "contacts.read",
                    Some(id.0.clone()),
                    serde_json::json!({ "reason": decision.reason.code() }),
                )])
                .await?;
        }
        reveal_contacts(&viewer, &owner, value).map_err(|_| AppError::NotFound)
    }

    /// The organisations whose contacts the actor may read (for the directory page).
    pub async fn contact_directory(&self, actor: &Actor) -> AppResult<Vec<OrgRecord>> {
        let viewer = actor.viewer()?;
        Ok(self
            .store
            .orgs()
            .await?
            .into_iter()
            .filter(|o| org_from_record(o).is_ok_and(|org| decide_contacts(&viewer, &org).allowed))
            .collect())
    }

    /// The editor's gate: its own administrators and platform administrators edit; a reader
    /// who may not edit gets 403, anyone else the 404 of a missing organisation.
    async fn contact_editor(&self, actor: &Actor, id: &OrgId) -> AppResult<Organisation> {
        let (_, owner) = self.contact_owner(actor, id).await?;
        if actor.may_manage_people_of(id) {
            return Ok(owner);
        }
        if decide_contacts(&actor.viewer()?, &owner).allowed {
            Err(AppError::forbidden(
                "連絡先を編集できるのは、その組織の管理者とプラットフォーム管理者です。",
                "Only the organisation's own administrators and platform administrators edit its contacts.",
            ))
        } else {
            self.note_refusal(
                Some(actor),
                "not_found",
                Some(&format!("contacts:{}", id.0)),
            );
            Err(AppError::NotFound)
        }
    }

    /// Checks a contact as entered; nothing is stored on an error.
    fn clean_contact(
        &self,
        actor: &Actor,
        owner: &Organisation,
        id: String,
        input: &ContactInput,
    ) -> AppResult<ContactRecord> {
        let kind = ContactKind::from_code(input.kind.trim()).ok_or_else(|| {
            kind_error(
                "種別は緊急連絡先（emergency）・情報提供窓口（provision）・セプター窓口（ceptoar）から選んでください。",
                "Choose the kind: emergency, provision or ceptoar.",
            )
        })?;
        if !kind.fits(owner.kind) {
            return Err(AppError::bad_field(
                "kind",
                "not_for_org",
                format!("「{}」はセプターだけが登録できます。", kind.label_ja()),
                format!("Only CEPTOARs keep a {}.", kind.label_en()),
            ));
        }
        let name = text::clean(Subject::Contact, "name", &input.name)?;
        let phone = text::clean(Subject::Contact, "phone", &input.phone)?;
        let email = text::clean(Subject::Contact, "email", &input.email)?;
        let hours = text::clean(Subject::Contact, "hours", &input.hours)?;
        if phone.is_empty() && email.is_empty() {
            return Err(AppError::bad_field(
                "phone",
                "required",
                "電話番号かメールアドレスのどちらかを入力してください。",
                "Enter a phone number or an e-mail address.",
            ));
        }
        let today = self.today();
        let verified_on = match input.verified_on.trim() {
            "" => today,
            v => {
                let day = NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .ok()
                    .filter(|d| d.format("%Y-%m-%d").to_string() == v)
                    .ok_or_else(|| {
                        AppError::bad_field(
                            "verified_on",
                            "format",
                            "最終確認日はYYYY-MM-DDの形式で入力してください。",
                            "The last-verified date must be YYYY-MM-DD.",
                        )
                    })?;
                if day > today {
                    return Err(AppError::bad_field(
                        "verified_on",
                        "future",
                        "最終確認日に未来の日付は指定できません。",
                        "The last-verified date cannot be in the future.",
                    ));
                }
                day
            }
        };
        Ok(ContactRecord {
            id,
            org: owner.id.clone(),
            kind: kind.code().to_owned(),
            name,
            phone,
            email,
            hours,
            verified_on,
            updated_by: actor.person.id.clone(),
            updated_at: self.now(),
        })
    }

    /// Adds a point of contact (audited as `contact.create`).
    pub async fn add_contact(
        &self,
        actor: &Actor,
        org: &OrgId,
        input: ContactInput,
    ) -> AppResult<ContactView> {
        let owner = self.contact_editor(actor, org).await?;
        let rec = self.clean_contact(actor, &owner, crate::new_id(), &input)?;
        let audit = actor.audit(
            "contact.create",
            Some(org.0.clone()),
            serde_json::json!({ "contact": rec.id, "kind": rec.kind }),
        );
        self.store.insert_contact(&rec, audit).await?;
        self.contact_view(&rec)
    }

    /// Replaces a point of contact (audited as `contact.update`).
    pub async fn update_contact(
        &self,
        actor: &Actor,
        org: &OrgId,
        id: &str,
        input: ContactInput,
    ) -> AppResult<ContactView> {
        let owner = self.contact_editor(actor, org).await?;
        let rec = self.clean_contact(actor, &owner, id.to_owned(), &input)?;
        let audit = actor.audit(
            "contact.update",
            Some(org.0.clone()),
            serde_json::json!({ "contact": rec.id, "kind": rec.kind }),
        );
        self.store.update_contact(&rec, audit).await?;
        self.contact_view(&rec)
    }

    /// Removes a point of contact (audited as `contact.delete`).
    pub async fn delete_contact(&self, actor: &Actor, org: &OrgId, id: &str) -> AppResult<()> {
        self.contact_editor(actor, org).await?;
        let audit = actor.audit(
            "contact.delete",
            Some(org.0.clone()),
            serde_json::json!({ "contact": id }),
        );
        Ok(self.store.delete_contact(org, id, audit).await?)
    }

    /// 連絡先の整備状況 — the organisations the actor oversees (NISC: all; a CI ministry: its
    /// sectors') that lack a required contact or keep a stale one, by name. 403 for anyone
    /// who oversees nobody.
    pub async fn contact_gaps(&self, actor: &Actor) -> AppResult<Vec<OrgGaps>> {
        let viewer = actor.viewer()?;
        if !matches!(actor.org.kind, OrgKind::Nisc | OrgKind::CiMinistry) {
            return Err(AppError::forbidden(
                "連絡先の整備状況はNISCと重要インフラ所管省庁が確認します。",
                "NISC and the CI ministries review who lacks contacts.",
            ));
        }
        let mut by_org: HashMap<OrgId, Vec<(ContactKind, NaiveDate)>> = HashMap::new();
        for c in self.store.all_contacts().await? {
            if let Some(k) = ContactKind::from_code(&c.kind) {
                by_org.entry(c.org).or_default().push((k, c.verified_on));
            }
        }
        let today = self.today();
        let mut out = Vec::new();
        for rec in self.directory_records().await?.iter().cloned() {
            let Ok(org) = org_from_record(&rec) else {
                continue;
            };
            if !decide_contact_oversight(&viewer, &org).allowed {
                continue;
            }
            let found = gaps(
                org.kind,
                by_org.get(&org.id).map(Vec::as_slice).unwrap_or(&[]),
                today,
                self.stale_days(),
            );
            if !found.is_empty() {
                out.push(OrgGaps {
                    org: org.id,
                    org_name_ja: rec.name_ja,
                    org_name_en: rec.name_en,
                    org_kind: org.kind,
                    sectors: rec.sectors,
                    gaps: found,
                });
            }
        }
        out.sort_by(|a, b| a.org_name_ja.cmp(&b.org_name_ja));
        Ok(out)
    }

    /// The organisations the actor may send a check to (for the form).
    pub async fn check_candidates(&self, actor: &Actor) -> AppResult<Vec<OrgRecord>> {
        Ok(self
            .store
            .orgs()
            .await?
            .into_iter()
            .filter(|o| org_from_record(o).is_ok_and(|t| may_send_check(&actor.org, &t)))
            .collect())
    }

    fn check_sender(&self, actor: &Actor) -> AppResult<()> {
        if !rules::sends_checks(actor.org.kind) {
            return Err(AppError::forbidden(
                "連絡確認を送れるのはNISCとセプター（構成員宛て）です。",
                "NISC, and CEPTOARs to their members, send contact checks.",
            ));
        }
        actor.require(Role::Approver)
    }

    /// Sends a contact check (連絡確認) to the chosen organisations: one unanswered row each,
    /// audited (`contact_check.send`), and their people told through the fan-out.
    pub async fn send_contact_check(
        &self,
        actor: &Actor,
        req: NewContactCheck,
    ) -> AppResult<Visible<CheckView>> {
        self.check_sender(actor)?;
        let message = text::clean(Subject::ContactCheck, "message", &req.message)?;
        let mut targets: Vec<OrgId> = Vec::new();
        for t in req
            .targets
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            if !targets.iter().any(|x| x.0 == t) {
                targets.push(OrgId(t.to_owned()));
            }
        }
        if targets.is_empty() {
            return Err(AppError::bad_field(
                "targets",
                "required",
                "連絡確認の送信先を1つ以上選んでください。",
                "Choose at least one organisation to check.",
            ));
        }
        if targets.len() > MAX_CHECK_TARGETS {
            return Err(AppError::bad_field(
                "targets",
                "too_many",
                format!("送信先は{MAX_CHECK_TARGETS}組織までです。"),
                format!("At most {MAX_CHECK_TARGETS} organisations per check."),
            ));
        }
        let directory: HashMap<OrgId, OrgRecord> = self
            .store
            .orgs()
            .await?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect();
        for t in &targets {
            let target = directory.get(t).map(org_from_record).transpose()?;
            match target {
                None => {
                    return Err(AppError::bad_field(
                        "targets",
                        "unknown",
                        format!("組織「{}」はありません。", t.0),
                        format!("No organisation '{}'.", t.0),
                    ))
                }
                Some(target) if !may_send_check(&actor.org, &target) => {
                    return Err(AppError::bad_field(
                        "targets",
                        "not_allowed",
                        format!("「{}」には連絡確認を送れません（NISCは他の組織へ、セプターは構成員へ送れます）。", target.name_ja),
                        format!("You may not check '{}' (NISC checks other organisations, a CEPTOAR its members).", target.name_en),
                    ))
                }
                Some(_) => {}
            }
        }
        let check = ContactCheckRecord {
            id: crate::new_id(),
            sender_org: actor.org.id.clone(),
            sender_person: actor.person.id.clone(),
            message,
            sent_at: self.now(),
            closed_at: None,
            closed_by: None,
        };
        let audit = actor.audit(
            "contact_check.send",
            Some(check.id.clone()),
            serde_json::json!({ "targets": targets.iter().map(|t| t.0.clone()).collect::<Vec<_>>() }),
        );
        self.store
            .insert_contact_check(&check, &targets, audit)
            .await?;
        let title = format!("連絡確認：{}", actor.org.name_ja);
        // The ping carries no content: every member of a target organisation may see and
        // answer it (the check's own read rule), which GREEN among the reached organisations
        // tells exactly.
        if let Err(e) = self
            .fan_out(Notice {
                kind: "contact_check",
                ref_id: check.id.clone(),
                title,
                importance: None,
                scope: ItemScope {
                    tlp: Tlp::Green,
                    sectors: vec![],
                    sender_org: actor.org.id.clone(),
                    addressees: targets.clone(),
                    added_recipients: vec![],
                    held_by_nisc: false,
                },
                orgs: targets.clone(),
                mail: None,
                webhook: None,
            })
            .await
        {
            tracing::warn!("contact check fan-out failed: {e}");
        }
        self.contact_check(actor, &check.id).await
    }

    /// Loads a check the actor may read, with its targets; otherwise the 404 of a missing one.
    async fn readable_check(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(ContactCheckRecord, Vec<CheckTargetRecord>, Reason)> {
        let found = match self.store.contact_check(id).await {
            Ok(c) => Some(c),
            Err(kakehashi_store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        if let Some(check) = found {
            let targets = self.store.contact_check_targets(id).await?;
            let orgs: Vec<OrgId> = targets.iter().map(|t| t.org.clone()).collect();
            let d = decide_contact_check(&actor.viewer()?, &check.sender_org, &orgs);
            if d.allowed {
                return Ok((check, targets, d.reason));
            }
        }
        self.note_refusal(
            Some(actor),
            "not_found",
            Some(&format!("contact_check:{id}")),
        );
        Err(AppError::NotFound)
    }

    /// A check as the actor may see it: its sender all targets, a target its own row.
    pub async fn contact_check(&self, actor: &Actor, id: &str) -> AppResult<Visible<CheckView>> {
        let (check, targets, _) = self.readable_check(actor, id).await?;
        let orgs: Vec<OrgId> = targets.iter().map(|t| t.org.clone()).collect();
        let view = self.check_view(actor, &check, targets).await?;
        self.store
            .mark_notification_read(&actor.person.id, "contact_check", id, self.now())
            .await?;
        reveal_check(&actor.viewer()?, &check.sender_org, &orgs, view)
            .map_err(|_| AppError::NotFound)
    }

    async fn check_view(
        &self,
        actor: &Actor,
        check: &ContactCheckRecord,
        targets: Vec<CheckTargetRecord>,
    ) -> AppResult<CheckView> {
        let names: HashMap<OrgId, (String, String)> = self
            .store
            .orgs()
            .await?
            .into_iter()
            .map(|o| (o.id, (o.name_ja, o.name_en)))
            .collect();
        let name_of = |o: &OrgId| {
            names
                .get(o)
                .cloned()
                .unwrap_or_else(|| (o.0.clone(), o.0.clone()))
        };
        let sender = check.sender_org == actor.org.id;
        let state = CheckState {
            sender_org: &check.sender_org,
            closed: check.closed_at.is_some(),
        };
        let mine = targets
            .iter()
            .find(|t| t.org == actor.org.id)
            .map(|t| t.acknowledged_at);
        let mut shown = Vec::new();
        for t in targets
            .into_iter()
            .filter(|t| sender || t.org == actor.org.id)
        {
            let by = match &t.acknowledged_by {
                Some(p) => self.contact_person_name(p).await,
                None => None,
            };
            let (ja, en) = name_of(&t.org);
            shown.push(CheckTargetView {
                org: t.org,
                org_name_ja: ja,
                org_name_en: en,
                acknowledged_at: t.acknowledged_at,
                acknowledged_by_name: by,
                response_secs: t
                    .acknowledged_at
                    .map(|at| rules::response_secs(check.sent_at, at)),
            });
        }
        let answered = shown.iter().filter(|t| t.acknowledged_at.is_some()).count();
        let (sja, sen) = name_of(&check.sender_org);
        Ok(CheckView {
            id: check.id.clone(),
            sender_org: check.sender_org.clone(),
            sender_org_name_ja: sja,
            sender_org_name_en: sen,
            sender_name: self
                .contact_person_name(&check.sender_person)
                .await
                .unwrap_or_default(),
            message: check.message.clone(),
            sent_at: check.sent_at,
            closed_at: check.closed_at,
            status: if check.closed_at.is_some() {
                "closed"
            } else {
                "open"
            },
            pending: shown.len() - answered,
            answered,
            targets: shown,
            may_acknowledge: may_acknowledge(&state, mine).is_ok(),
            may_close: may_close(&state, &actor.org.id).is_ok() && actor.has(Role::Approver),
        })
    }

    async fn contact_person_name(&self, id: &PersonId) -> Option<String> {
        self.store.person(id).await.ok().map(|p| p.display_name)
    }

    /// The checks the actor's organisation sent or was sent, newest first.
    pub async fn contact_checks(&self, actor: &Actor) -> AppResult<Vec<Visible<CheckView>>> {
        let mut out = Vec::new();
        for check in self.store.contact_checks_of_org(&actor.org.id, 200).await? {
            let targets = self.store.contact_check_targets(&check.id).await?;
            let orgs: Vec<OrgId> = targets.iter().map(|t| t.org.clone()).collect();
            let viewer = actor.viewer()?;
            if !decide_contact_check(&viewer, &check.sender_org, &orgs).allowed {
                continue;
            }
            let view = self.check_view(actor, &check, targets).await?;
            if let Ok(v) = reveal_check(&viewer, &check.sender_org, &orgs, view) {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// The actor's organisation answers a check (one click): the time is recorded once,
    /// audited as `contact_check.ack`.
    pub async fn acknowledge_contact_check(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let (check, targets, _) = self.readable_check(actor, id).await?;
        let state = CheckState {
            sender_org: &check.sender_org,
            closed: check.closed_at.is_some(),
        };
        let mine = targets
            .iter()
            .find(|t| t.org == actor.org.id)
            .map(|t| t.acknowledged_at);
        may_acknowledge(&state, mine).map_err(refusal)?;
        let now = self.now();
        let audit = actor.audit(
            "contact_check.ack",
            Some(id.to_owned()),
            serde_json::json!({ "response_secs": rules::response_secs(check.sent_at, now) }),
        );
        self.store
            .acknowledge_contact_check(id, &actor.org.id, &actor.person.id, now, audit)
            .await
            .map_err(|e| match e {
                kakehashi_store::StoreError::Conflict(_) => {
                    refusal(CheckRefusal::AlreadyAcknowledged)
                }
                e => e.into(),
            })?;
        let _ = self
            .store
            .mark_notification_read(&actor.person.id, "contact_check", id, now)
            .await;
        Ok(())
    }

    /// The sender closes its check (its approver): no more answers are recorded. Audited as
    /// `contact_check.close`.
    pub async fn close_contact_check(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let (check, targets, _) = self.readable_check(actor, id).await?;
        let state = CheckState {
            sender_org: &check.sender_org,
            closed: check.closed_at.is_some(),
        };
        may_close(&state, &actor.org.id).map_err(refusal)?;
        actor.require(Role::Approver)?;
        let pending = targets
            .iter()
            .filter(|t| t.acknowledged_at.is_none())
            .count();
        let audit = actor.audit(
            "contact_check.close",
            Some(id.to_owned()),
            serde_json::json!({ "targets": targets.len(), "pending": pending }),
        );
        self.store
            .close_contact_check(id, &actor.person.id, self.now(), audit)
            .await
            .map_err(|e| match e {
                kakehashi_store::StoreError::Conflict(_) => refusal(CheckRefusal::Closed),
                e => e.into(),
            })
    }
}

fn refusal(r: CheckRefusal) -> AppError {
    match r {
        CheckRefusal::NotSender | CheckRefusal::NotTarget => {
            AppError::forbidden(r.message_ja(), r.message_en())
        }
        CheckRefusal::Closed | CheckRefusal::AlreadyAcknowledged => AppError::Conflict {
            message_ja: r.message_ja().into(),
            message_en: r.message_en().into(),
        },
    }
}
