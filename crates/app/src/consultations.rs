//! 相談 — an operator unsure whether an event falls under one of the cases of 2.1 consults its
//! sector's ministry, the CEPTOAR it is a member of, or NISC before filing (手引書 Ⅱ.2.1), in a
//! thread between the two organisations. Filing the liaison it leads to links the two and closes
//! the consultation.
//!
//! Who may consult whom and how the thread's state moves are the domain's rules
//! ([`kakehashi_domain::consultation`]); who reads is the policy's
//! ([`kakehashi_policy::decide_access`] with a [`ConsultationScope`]): the two organisations
//! only. A refused read is the same 404 as a missing id (noted as a refusal); every read of a
//! consultation is audited, as a restricted liaison copy's is. Every write is audited in its own
//! transaction and told through the fan-out.

use crate::error::{AppError, AppResult};
use crate::fanout::AccessNotice;
use crate::identity::{org_from_record, Actor};
use crate::liaison::scope_of;
use crate::{new_id, App};
use chrono::{DateTime, Utc};
use kakehashi_domain::consultation::{
    addressee_role, consultation_ident, may_consult, AddresseeRole, ConsultationStatus, Party,
};

use kakehashi_domain::text::{self, Subject};
use kakehashi_domain::{ChainId, OrgId, PersonId, Role, SectorId};
use kakehashi_policy::{decide_access, reveal_access, Access, ConsultationScope, Visible};
use kakehashi_store::{
    ConsultationMessageRecord, ConsultationQuery, ConsultationRecord, OrgRecord, StoreError,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Page size of a consultation listing when none is given, and the largest one may ask for.
pub const PAGE_DEFAULT: u32 = 50;
pub const PAGE_MAX: u32 = 200;

/// A consultation as the operator opens it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewConsultation {
    /// The organisation consulted: the operator's sector's CI ministry, a CEPTOAR it is a
    /// member of, or NISC (`GET /api/v1/consultations/addressees` lists them).
    pub addressee: String,
    pub subject: String,
    /// The question: what happened and which case of 2.1 seems unclear.
    pub body: String,
    /// The sector it concerns: one of the operator's own (optional).
    #[serde(default)]
    pub sector: Option<String>,
    /// The CI service it concerns, a service id of the operator's sector (optional).
    #[serde(default)]
    pub service: Option<String>,
}

/// An organisation the actor may consult.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddresseeOption {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub org: OrgId,
    pub name_ja: String,
    pub name_en: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub role: AddresseeRole,
}

/// One message of a consultation's thread.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultationMessageView {
    pub author_name: String,
    pub author_org_name_ja: String,
    pub author_org_name_en: String,
    /// Written by the consulting operator (else by the addressee).
    pub from_operator: bool,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// The liaison a consultation led to, shown to readers who may read that chain.
#[derive(Debug, Clone, Serialize)]
pub struct FiledChain {
    pub chain: String,
    /// R<n> once NISC numbered it.
    pub ident: Option<String>,
}

/// A consultation as one of its two organisations sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultationView {
    pub id: String,
    /// C<n>.
    pub ident: String,
    pub status: ConsultationStatus,
    pub operator_org: OrgId,
    pub operator_org_name_ja: String,
    pub operator_org_name_en: String,
    pub opened_by_name: String,
    pub addressee_org: OrgId,
    pub addressee_org_name_ja: String,
    pub addressee_org_name_en: String,
    pub addressee_role: AddresseeRole,
    pub subject: String,
    pub body: String,
    pub sector: Option<String>,
    pub service: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The liaison filed from it, if the reader may read that chain (absent in listings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filed: Option<FiledChain>,
    /// The thread, oldest first (empty in listings).
    pub thread: Vec<ConsultationMessageView>,
    /// The reader's organisation is the consulting operator.
    pub mine: bool,
}

/// A page of consultations: `items`, newest first, and the cursor of the next page.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultationPage {
    pub items: Vec<Visible<ConsultationView>>,
    pub next: Option<String>,
}

/// Whether the actor opens consultations: a reporter or approver of an operator (whoever may
/// file its liaisons).
pub fn may_open_consultations(actor: &Actor) -> bool {
    may_consult(actor.org.kind) && acts_for_org(actor)
}

fn acts_for_org(actor: &Actor) -> bool {
    actor.has(Role::Reporter) || actor.has(Role::Approver)
}

fn need_role(actor: &Actor) -> AppResult<()> {
    if acts_for_org(actor) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "この操作には「報告者」または「承認・送信者」の役割が必要です。",
            "This action needs the role 'reporter' or 'approver'.",
        ))
    }
}

fn given(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

fn status_of(c: &ConsultationRecord) -> AppResult<ConsultationStatus> {
    ConsultationStatus::from_code(&c.status)
        .ok_or_else(|| AppError::Internal(format!("stored consultation status {}", c.status)))
}

fn closed_conflict() -> AppError {
    AppError::Conflict {
        message_ja: "この相談は終了しています。".into(),
        message_en: "This consultation is closed.".into(),
    }
}

fn changed_conflict() -> AppError {
    AppError::Conflict {
        message_ja: "相談の状況が他の操作で変更されました。画面を更新してください。".into(),
        message_en: "The consultation changed meanwhile; reload and try again.".into(),
    }
}

impl App {
    /// The reading scope of a consultation: its two organisations and its sector (else the
    /// operator's own sectors).
    fn consultation_access(c: &ConsultationRecord, dir: &HashMap<OrgId, OrgRecord>) -> Access {
        let sectors = match &c.sector {
            Some(s) => vec![SectorId(s.clone())],
            None => dir
                .get(&c.operator_org)
                .map(|o| o.sectors.iter().map(|s| SectorId(s.clone())).collect())
                .unwrap_or_default(),
        };
        Access::Consultation(ConsultationScope {
            operator_org: c.operator_org.clone(),
            addressee_org: c.addressee_org.clone(),
            sectors,
        })
    }

    async fn directory_map(&self) -> AppResult<HashMap<OrgId, OrgRecord>> {
        Ok(self
            .store
            .orgs()
            .await?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect())
    }

    /// The organisations the actor may consult, by role (ministry, CEPTOAR, NISC) and name.
    pub async fn consultation_addressees(&self, actor: &Actor) -> AppResult<Vec<AddresseeOption>> {
        if !may_consult(actor.org.kind) {
            return Ok(vec![]);
        }
        let mut out: Vec<AddresseeOption> = self
            .store
            .orgs()
            .await?
            .into_iter()
            .filter_map(|o| {
                let org = org_from_record(&o).ok()?;
                let role = addressee_role(&actor.org, &org).ok()?;
                Some(AddresseeOption {
                    org: o.id,
                    name_ja: o.name_ja,
                    name_en: o.name_en,
                    role,
                })
            })
            .collect();
        out.sort_by(|a, b| (a.role.rank(), &a.name_ja).cmp(&(b.role.rank(), &b.name_ja)));
        Ok(out)
    }

    /// An operator opens a consultation with one organisation: numbered C<n>, the addressee's
    /// people told.
    pub async fn open_consultation(
        &self,
        actor: &Actor,
        input: NewConsultation,
    ) -> AppResult<Visible<ConsultationView>> {
        if !may_consult(actor.org.kind) {
            return Err(AppError::forbidden(
                "相談を始めるのは重要インフラ事業者等の報告者・承認・送信者です。",
                "Consultations are opened by CI operators' reporters and approvers.",
            ));
        }
        need_role(actor)?;
        let subject = text::clean(Subject::Consultation, "subject", &input.subject)?;
        let body = text::clean(Subject::Consultation, "body", &input.body)?;
        let addressee_id = input.addressee.trim();
        let dir = self.directory_map().await?;
        let Some(addressee) = dir.get(&OrgId(addressee_id.to_owned())) else {
            return Err(AppError::bad_field(
                "addressee",
                if addressee_id.is_empty() {
                    "required"
                } else {
                    "unknown"
                },
                "相談先（所管省庁・所属するセプター・内閣官房（NISC））を選んでください。",
                "Choose whom to consult: your ministry, a CEPTOAR you belong to, or the Cabinet Secretariat (NISC).",
            ));
        };
        addressee_role(&actor.org, &org_from_record(addressee)?).map_err(|e| {
            AppError::bad_field("addressee", e.rule(), e.message_ja(), e.message_en())
        })?;
        let sector = match input.sector.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) if actor.org.sectors.iter().any(|x| x.0 == s) => Some(s.to_owned()),
            Some(_) => {
                return Err(AppError::bad_field(
                    "sector",
                    "not_own_sector",
                    "分野は自組織の分野から選んでください。",
                    "Choose one of your organisation's own sectors.",
                ))
            }
        };
        let service = match input.service.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) => {
                let fits = self.reference.service(id).is_some_and(|(sec, _)| {
                    sector.as_deref().map_or_else(
                        || actor.org.sectors.iter().any(|x| x.0 == sec.id),
                        |s| s == sec.id,
                    )
                });
                if !fits {
                    return Err(AppError::bad_field(
                        "service",
                        "not_of_sector",
                        "重要インフラサービスは、相談する分野のサービスから選んでください。",
                        "Choose a CI service of the sector consulted about.",
                    ));
                }
                Some(id.to_owned())
            }
        };
        let now = self.now();
        let rec = ConsultationRecord {
            id: new_id(),
            number: 0,
            operator_org: actor.org.id.clone(),
            opened_by: actor.person.id.clone(),
            addressee_org: addressee.id.clone(),
            subject,
            body,
            sector,
            service,
            status: ConsultationStatus::Open.code().into(),
            chain: None,
            created_at: now,
            updated_at: now,
            closed_by: None,
            closed_at: None,
        };
        let audit = actor.audit(
            "consultation.open",
            Some(rec.id.clone()),
            serde_json::json!({ "addressee": rec.addressee_org, "sector": rec.sector }),
        );
        let number = self.store.insert_consultation(&rec, audit).await?;
        let rec = ConsultationRecord { number, ..rec };
        self.tell_consultation(&rec, &dir, rec.addressee_org.clone())
            .await?;
        self.consultation(actor, &rec.id).await
    }

    async fn tell_consultation(
        &self,
        c: &ConsultationRecord,
        dir: &HashMap<OrgId, OrgRecord>,
        to: OrgId,
    ) -> AppResult<()> {
        self.fan_out_access(AccessNotice {
            kind: "consultation",
            ref_id: c.id.clone(),
            title: format!("{} {}", consultation_ident(c.number), c.subject),
            importance: None,
            access: Self::consultation_access(c, dir),
            orgs: vec![to],
        })
        .await?;
        Ok(())
    }

    /// The consultation if the policy lets the actor read it, or the same 404 as a missing id
    /// (noted as a refusal).
    async fn readable_consultation(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(ConsultationRecord, HashMap<OrgId, OrgRecord>)> {
        let found = match self.store.consultation(id).await {
            Ok(c) => Some(c),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        if let Some(c) = found {
            let dir = self.directory_map().await?;
            if decide_access(&actor.viewer()?, &Self::consultation_access(&c, &dir)).allowed {
                return Ok((c, dir));
            }
        }
        self.note_refusal(
            Some(actor),
            "not_found",
            Some(&format!("consultation:{id}")),
        );
        Err(AppError::NotFound)
    }

    fn consultation_view(
        &self,
        actor: &Actor,
        c: ConsultationRecord,
        dir: &HashMap<OrgId, OrgRecord>,
        names: &HashMap<PersonId, String>,
    ) -> AppResult<ConsultationView> {
        let names_of = |o: &OrgId| {
            dir.get(o)
                .map(|r| (r.name_ja.clone(), r.name_en.clone()))
                .unwrap_or_default()
        };
        let (op_ja, op_en) = names_of(&c.operator_org);
        let (ad_ja, ad_en) = names_of(&c.addressee_org);
        let role = dir
            .get(&c.addressee_org)
            .and_then(|o| kakehashi_domain::OrgKind::from_code(&o.kind))
            .and_then(AddresseeRole::of_kind)
            .ok_or_else(|| AppError::Internal(format!("consulted {}", c.addressee_org.0)))?;
        Ok(ConsultationView {
            ident: consultation_ident(c.number),
            status: status_of(&c)?,
            mine: actor.org.id == c.operator_org,
            opened_by_name: names.get(&c.opened_by).cloned().unwrap_or_default(),
            operator_org_name_ja: op_ja,
            operator_org_name_en: op_en,
            addressee_org_name_ja: ad_ja,
            addressee_org_name_en: ad_en,
            addressee_role: role,
            id: c.id,
            operator_org: c.operator_org,
            addressee_org: c.addressee_org,
            subject: c.subject,
            body: c.body,
            sector: c.sector,
            service: c.service,
            created_at: c.created_at,
            updated_at: c.updated_at,
            closed_at: c.closed_at,
            filed: None,
            thread: vec![],
        })
    }

    /// The chain a consultation led to, if the actor may read a copy of it that names the
    /// reporter (a copy the CEPTOAR anonymised does not count: linking it to the consultation
    /// would tell the ministry who reported).
    async fn filed_chain(&self, actor: &Actor, chain: &str) -> AppResult<Option<FiledChain>> {
        let id = ChainId(chain.to_owned());
        let record = match self.store.chain(&id).await {
            Ok(c) => c,
            Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let viewer = actor.viewer()?;
        let mut readable = false;
        for c in self.store.copies_of_chain(&id).await? {
            if !c.anonymised && kakehashi_policy::decide(&viewer, &scope_of(&c)?).allowed {
                readable = true;
                break;
            }
        }
        Ok(readable.then(|| FiledChain {
            chain: chain.to_owned(),
            ident: record.ident(1),
        }))
    }

    /// One consultation with its thread, or the same 404 as a missing id for anyone but its two
    /// organisations. Every read is audited.
    pub async fn consultation(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<Visible<ConsultationView>> {
        let (c, dir) = self.readable_consultation(actor, id).await?;
        let access = Self::consultation_access(&c, &dir);
        let messages = self.store.consultation_messages(&c.id).await?;
        let mut names: HashMap<PersonId, String> = HashMap::new();
        for p in std::iter::once(&c.opened_by).chain(messages.iter().map(|m| &m.author)) {
            if !names.contains_key(p) {
                let n = self
                    .store
                    .person(p)
                    .await
                    .map(|r| r.display_name)
                    .unwrap_or_default();
                names.insert(p.clone(), n);
            }
        }
        let filed = match &c.chain {
            Some(chain) => self.filed_chain(actor, chain).await?,
            None => None,
        };
        let operator = c.operator_org.clone();
        let mut view = self.consultation_view(actor, c, &dir, &names)?;
        view.filed = filed;
        view.thread = messages
            .into_iter()
            .map(|m| {
                let org = dir.get(&m.author_org);
                ConsultationMessageView {
                    author_name: names.get(&m.author).cloned().unwrap_or_default(),
                    author_org_name_ja: org.map(|o| o.name_ja.clone()).unwrap_or_default(),
                    author_org_name_en: org.map(|o| o.name_en.clone()).unwrap_or_default(),
                    from_operator: m.author_org == operator,
                    body: m.body,
                    at: m.at,
                }
            })
            .collect();
        let viewer = actor.viewer()?;
        let decision = decide_access(&viewer, &access);
        self.store
            .mark_notification_read(&actor.person.id, "consultation", id, self.now())
            .await?;
        self.store
            .append_audit(vec![actor.audit(
                "consultation.read",
                Some(id.to_owned()),
                serde_json::json!({ "reason": decision.reason.code() }),
            )])
            .await?;
        reveal_access(&viewer, &access, view).map_err(|_| AppError::NotFound)
    }

    /// The consultations the actor may read, newest first: those its organisation opened or
    /// was consulted on. `cursor` is a previous page's `next`; `limit` 1–[`PAGE_MAX`].
    pub async fn consultations(
        &self,
        actor: &Actor,
        cursor: Option<&str>,
        limit: Option<&str>,
    ) -> AppResult<ConsultationPage> {
        let before = given(cursor)
            .map(|c| {
                c.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    AppError::bad_field(
                        "cursor",
                        "format",
                        "ページの続きの指定が正しくありません。",
                        "The page cursor is not one this listing gave.",
                    )
                })
            })
            .transpose()?;
        let limit = given(limit)
            .map(|l| {
                l.bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| l.parse::<u32>().ok())
                    .flatten()
                    .filter(|n| (1..=PAGE_MAX).contains(n))
                    .ok_or_else(|| {
                        AppError::bad_field(
                            "limit",
                            "range",
                            format!("件数は1から{PAGE_MAX}で指定してください。"),
                            format!("The page size must be 1 to {PAGE_MAX}."),
                        )
                    })
            })
            .transpose()?
            .unwrap_or(PAGE_DEFAULT);
        let rows = self
            .store
            .consultations(&ConsultationQuery {
                org: actor.org.id.clone(),
                addressed_only: false,
                status: None,
                before,
                limit,
            })
            .await?;
        let next = (rows.len() == limit as usize)
            .then(|| rows.last().map(|c| c.number.to_string()))
            .flatten();
        Ok(ConsultationPage {
            items: self.readable_rows(actor, rows).await?,
            next,
        })
    }

    /// Open consultations the actor's organisation was asked and has not answered, newest first
    /// (the home page's list).
    pub async fn consultations_awaiting_me(
        &self,
        actor: &Actor,
        limit: u32,
    ) -> AppResult<Vec<Visible<ConsultationView>>> {
        let rows = self
            .store
            .consultations(&ConsultationQuery {
                org: actor.org.id.clone(),
                addressed_only: true,
                status: Some(ConsultationStatus::Open.code().into()),
                before: None,
                limit,
            })
            .await?;
        self.readable_rows(actor, rows).await
    }

    /// Each row the policy admits, as a view without thread.
    async fn readable_rows(
        &self,
        actor: &Actor,
        rows: Vec<ConsultationRecord>,
    ) -> AppResult<Vec<Visible<ConsultationView>>> {
        let dir = self.directory_map().await?;
        let viewer = actor.viewer()?;
        let mut orgs: Vec<OrgId> = rows.iter().map(|c| c.operator_org.clone()).collect();
        orgs.sort_by(|a, b| a.0.cmp(&b.0));
        orgs.dedup();
        let names: HashMap<PersonId, String> = self
            .store
            .people_in_orgs(&orgs)
            .await?
            .into_iter()
            .map(|p| (p.id, p.display_name))
            .collect();
        let mut out = Vec::new();
        for c in rows {
            let access = Self::consultation_access(&c, &dir);
            if !decide_access(&viewer, &access).allowed {
                continue;
            }
            let view = self.consultation_view(actor, c, &dir, &names)?;
            if let Ok(v) = reveal_access(&viewer, &access, view) {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// A message on the thread by either organisation: the addressee's answers (回答済), the
    /// operator's asks again (相談中). The other organisation's people are told.
    pub async fn consultation_message(
        &self,
        actor: &Actor,
        id: &str,
        body: &str,
    ) -> AppResult<ConsultationStatus> {
        let (c, dir) = self.readable_consultation(actor, id).await?;
        need_role(actor)?;
        let body = text::clean(Subject::Consultation, "message", body)?;
        if body.is_empty() {
            return Err(AppError::bad_field(
                "message",
                "required",
                "メッセージを入力してください。",
                "Write the message.",
            ));
        }
        let (party, other) = if actor.org.id == c.operator_org {
            (Party::Operator, c.addressee_org.clone())
        } else {
            (Party::Addressee, c.operator_org.clone())
        };
        let from = status_of(&c)?;
        let to = from.after_message(party).ok_or_else(closed_conflict)?;
        let m = ConsultationMessageRecord {
            id: new_id(),
            consultation: c.id.clone(),
            author: actor.person.id.clone(),
            author_org: actor.org.id.clone(),
            body,
            at: self.now(),
        };
        let audit = actor.audit(
            "consultation.message",
            Some(c.id.clone()),
            serde_json::json!({ "from": from.code(), "to": to.code() }),
        );
        match self
            .store
            .add_consultation_message(&m, from.code(), to.code(), audit)
            .await
        {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Err(changed_conflict()),
            Err(e) => return Err(e.into()),
        }
        self.tell_consultation(&c, &dir, other).await?;
        Ok(to)
    }

    /// Either organisation closes the consultation (終了).
    pub async fn close_consultation(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let (c, _) = self.readable_consultation(actor, id).await?;
        need_role(actor)?;
        let from = status_of(&c)?;
        if !from.may_close() {
            return Err(closed_conflict());
        }
        let audit = actor.audit(
            "consultation.close",
            Some(c.id.clone()),
            serde_json::json!({ "from": from.code() }),
        );
        match self
            .store
            .close_consultation(&c.id, from.code(), &actor.person.id, self.now(), audit)
            .await
        {
            Ok(()) => Ok(()),
            Err(StoreError::Conflict(_)) => Err(changed_conflict()),
            Err(e) => Err(e.into()),
        }
    }

    /// The consultation a first report says it was filed from: one the filer's organisation
    /// opened and no liaison was filed from yet; else 422 naming `consultation`.
    pub(crate) async fn consultation_to_file_from(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<ConsultationRecord> {
        let not_yours = || {
            AppError::bad_field(
                "consultation",
                "not_own",
                "自組織が始めた相談を指定してください。",
                "Name a consultation your organisation opened.",
            )
        };
        let c = match self.store.consultation(id.trim()).await {
            Ok(c) => c,
            Err(StoreError::NotFound) => return Err(not_yours()),
            Err(e) => return Err(e.into()),
        };
        if c.operator_org != actor.org.id {
            return Err(not_yours());
        }
        if c.chain.is_some() {
            return Err(AppError::bad_field(
                "consultation",
                "already_filed",
                "この相談からは既に情報連絡が作成されています。",
                "A liaison was already filed from this consultation.",
            ));
        }
        Ok(c)
    }
}
