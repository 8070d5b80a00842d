//! The other actors of the diagram taking part: what the cybersecurity ministries,
//! incident-response and disaster-management ministries, cybersecurity agencies and cyberspace
//! businesses send NISC (N16, N18, N19, and L1 in a large-scale outage), NISC recording one as a
//! source for provisions, and NISC's requests for cooperation (連携要請, N15, N17) with one reply
//! thread and answer state per addressee.
//!
//! Who may send which kind of information, who may be asked and how an answer moves are the
//! domain's rules ([`kakehashi_domain::actors`]); who reads is the policy's
//! ([`kakehashi_policy::decide_access`]); a refused read is the same 404 as a missing id. Every
//! write is audited in its own transaction and told through the fan-out.

use crate::error::{AppError, AppResult};
use crate::fanout::AccessNotice;
use crate::identity::Actor;
use crate::orgs::NISC_ORG;
use crate::provision::may_draft_provisions;
use crate::{new_id, App};
use chrono::{DateTime, Utc};
use kakehashi_domain::actors::{
    allowed_kinds, may_be_asked, may_request, request_ident, submission_ident, InfoKind,
    RequestStatus,
};
use kakehashi_domain::text::{self, Subject};
use kakehashi_domain::{Importance, OrgId, OrgKind, PersonId, Role, SectorId, Tlp};
use kakehashi_policy::{reveal_access, Access, RequestScope, SubmissionScope, Visible};
use kakehashi_store::{
    CoopAddresseeRecord, CoopMessageRecord, CoopRequestRecord, OrgRecord, SourceItemRecord,
    StoreError, SubmissionRecord,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How many submissions or requests a listing shows at most.
pub const LIST_MAX: u32 = 200;

/// A submission as its sender fills it in.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSubmission {
    /// `attack_technique`, `recovery_method`, `supplementary`, `damage`, `response_status`,
    /// `terrorism` or `related` — as the sender's kind of organisation allows.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// `RED`, `AMBER+STRICT`, `AMBER`, `GREEN` or `CLEAR`.
    pub tlp: String,
    /// `alert`, `caution` or `info`; omitted or empty: not set.
    #[serde(default)]
    pub importance: Option<String>,
    /// Affected sector ids (optional).
    #[serde(default)]
    pub sectors: Vec<String>,
}

/// A submission as a reader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionView {
    pub id: String,
    /// S<n>.
    pub ident: String,
    pub kind: InfoKind,
    pub title: String,
    pub body: String,
    pub tlp: String,
    pub importance: Option<String>,
    pub sectors: Vec<String>,
    pub sender_org: OrgId,
    pub sender_org_name_ja: String,
    pub sender_org_name_en: String,
    pub sender_name: String,
    /// The source item NISC recorded from it (NISC's readers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_item: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A request for cooperation as NISC writes it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewRequest {
    pub title: String,
    pub body: String,
    pub tlp: String,
    /// Organisation ids: cybersecurity agencies, cyberspace businesses, cybersecurity ministries.
    pub addressees: Vec<OrgId>,
}

/// One message of a thread.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub author_name: String,
    pub author_org_name_ja: String,
    pub author_org_name_en: String,
    /// Written by NISC (else by the addressee).
    pub from_nisc: bool,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// One addressee's answer and thread, as NISC or that addressee sees it.
#[derive(Debug, Clone, Serialize)]
pub struct AddresseeView {
    pub org: OrgId,
    pub org_name_ja: String,
    pub org_name_en: String,
    pub status: RequestStatus,
    pub updated_at: DateTime<Utc>,
    /// The states the addressee may move to next.
    pub next: Vec<RequestStatus>,
    pub thread: Vec<MessageView>,
}

/// A request for cooperation with the addressees' answers the reader may see (NISC: all; an
/// addressee: its own).
#[derive(Debug, Clone, Serialize)]
pub struct RequestView {
    pub id: String,
    /// K<n>.
    pub ident: String,
    pub title: String,
    pub body: String,
    pub tlp: String,
    pub created_at: DateTime<Utc>,
    pub addressees: Vec<AddresseeView>,
}

fn submission_access(s: &SubmissionRecord) -> AppResult<Access> {
    Ok(Access::Submission(SubmissionScope {
        tlp: Tlp::from_code(&s.tlp)
            .ok_or_else(|| AppError::Internal(format!("stored TLP {}", s.tlp)))?,
        sender_org: s.sender_org.clone(),
        kind: InfoKind::from_code(&s.kind)
            .ok_or_else(|| AppError::Internal(format!("stored kind {}", s.kind)))?,
        sectors: s.sectors.iter().map(|x| SectorId(x.clone())).collect(),
    }))
}

fn request_access(r: &CoopRequestRecord, addressees: Vec<OrgId>) -> AppResult<Access> {
    Ok(Access::Request(RequestScope {
        tlp: Tlp::from_code(&r.tlp)
            .ok_or_else(|| AppError::Internal(format!("stored TLP {}", r.tlp)))?,
        addressees,
    }))
}

fn acts_for_org(actor: &Actor) -> AppResult<()> {
    if actor.has(Role::Reporter) || actor.has(Role::Approver) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "この操作には「報告者」または「承認・送信者」の役割が必要です。",
            "This action needs the role 'reporter' or 'approver'.",
        ))
    }
}

fn tlp_field(code: &str) -> AppResult<Tlp> {
    Tlp::from_code(code.trim()).ok_or_else(|| {
        AppError::bad_field(
            "tlp",
            "unknown_code",
            "TLPを選んでください（RED、AMBER+STRICT、AMBER、GREEN、CLEAR）。",
            "Choose the TLP: RED, AMBER+STRICT, AMBER, GREEN or CLEAR.",
        )
    })
}

/// Whether the actor may send NISC information on the form: a kind of organisation with an
/// edge to NISC, and a person who acts for it.
pub fn may_submit_any(actor: &Actor) -> bool {
    !allowed_kinds(actor.org.kind).is_empty()
        && (actor.has(Role::Reporter) || actor.has(Role::Approver))
}

/// Whether the actor sends requests for cooperation: NISC staff with the approver role.
pub fn may_send_requests(actor: &Actor) -> bool {
    may_request(actor.org.kind) && may_draft_provisions(actor)
}

/// Whether the actor's organisation can be asked for cooperation (it has a requests page).
pub fn may_answer_requests(actor: &Actor) -> bool {
    may_be_asked(actor.org.kind)
}

impl App {
    async fn org_directory(&self) -> AppResult<HashMap<OrgId, OrgRecord>> {
        Ok(self
            .store
            .orgs()
            .await?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect())
    }

    async fn person_name(&self, id: &kakehashi_domain::PersonId) -> String {
        self.store
            .person(id)
            .await
            .map(|p| p.display_name)
            .unwrap_or_default()
    }

    fn submission_view(
        s: SubmissionRecord,
        dir: &HashMap<OrgId, OrgRecord>,
        sender_name: String,
        nisc_reader: bool,
    ) -> SubmissionView {
        let org = dir.get(&s.sender_org);
        SubmissionView {
            ident: submission_ident(s.number),
            kind: InfoKind::from_code(&s.kind).unwrap_or(InfoKind::Related),
            sender_org_name_ja: org.map(|o| o.name_ja.clone()).unwrap_or_default(),
            sender_org_name_en: org.map(|o| o.name_en.clone()).unwrap_or_default(),
            sender_name,
            source_item: if nisc_reader { s.source_item } else { None },
            id: s.id,
            title: s.title,
            body: s.body,
            tlp: s.tlp,
            importance: s.importance,
            sectors: s.sectors,
            sender_org: s.sender_org,
            created_at: s.created_at,
        }
    }

    /// Sends NISC a submission on the form fit for the sender's role.
    pub async fn submit_to_nisc(
        &self,
        actor: &Actor,
        input: NewSubmission,
    ) -> AppResult<Visible<SubmissionView>> {
        let kinds = allowed_kinds(actor.org.kind);
        if kinds.is_empty() {
            return Err(AppError::forbidden(
                "この様式でNISCへ情報を送るのは、サイバーセキュリティ関係省庁・事案対処省庁・防災関係府省庁・サイバーセキュリティ関係機関・サイバー空間関連事業者です。",
                "This form is for cybersecurity, incident-response and disaster-management ministries, cybersecurity agencies and cyberspace businesses.",
            ));
        }
        acts_for_org(actor)?;
        let kind = InfoKind::from_code(input.kind.trim())
            .filter(|k| kinds.contains(k))
            .ok_or_else(|| {
                let ja: Vec<&str> = kinds.iter().map(|k| k.label_ja()).collect();
                let en: Vec<&str> = kinds.iter().map(|k| k.label_en()).collect();
                AppError::bad_field(
                    "kind",
                    "not_for_role",
                    format!(
                        "情報の種類は「{}」から選んでください（{}が送る情報）。",
                        ja.join("」「"),
                        actor.org.kind.label_ja()
                    ),
                    format!(
                        "Choose the kind of information among: {} (what a {} sends).",
                        en.join(", "),
                        actor.org.kind.label_en()
                    ),
                )
            })?;
        let title = text::clean(Subject::ActorSubmission, "title", &input.title)?;
        let body = text::clean(Subject::ActorSubmission, "body", &input.body)?;
        let tlp = tlp_field(&input.tlp)?;
        let importance = match input.importance.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => Some(
                Importance::from_code(code)
                    .ok_or_else(|| {
                        AppError::bad_field(
                            "importance",
                            "unknown_code",
                            "重要度は警報・注意喚起・参考から選んでください。",
                            "Choose the importance: alert, caution or info.",
                        )
                    })?
                    .code()
                    .to_owned(),
            ),
        };
        let sectors = self.known_sectors("sectors", &input.sectors)?;
        let rec = SubmissionRecord {
            id: new_id(),
            number: 0,
            sender_org: actor.org.id.clone(),
            sender_person: actor.person.id.clone(),
            kind: kind.code().into(),
            title,
            body,
            tlp: tlp.code().into(),
            importance,
            sectors,
            source_item: None,
            created_at: self.now(),
        };
        let audit = actor.audit(
            "submission.create",
            Some(rec.id.clone()),
            serde_json::json!({ "kind": rec.kind, "tlp": rec.tlp, "sectors": rec.sectors }),
        );
        let number = self.store.insert_submission(&rec, audit).await?;
        let rec = SubmissionRecord { number, ..rec };
        let access = submission_access(&rec)?;
        self.fan_out_access(AccessNotice {
            kind: "submission",
            ref_id: rec.id.clone(),
            title: format!("{} {}", submission_ident(number), rec.title),
            importance: rec.importance.clone(),
            access: access.clone(),
            orgs: vec![OrgId(NISC_ORG.into())],
        })
        .await?;
        let dir = self.org_directory().await?;
        let name = self.person_name(&rec.sender_person).await;
        let view = Self::submission_view(rec, &dir, name, false);
        reveal_access(&actor.viewer()?, &access, view).map_err(|_| AppError::NotFound)
    }

    /// Sector ids as given, each known, each once.
    fn known_sectors(&self, field: &'static str, given: &[String]) -> AppResult<Vec<String>> {
        let known = self.all_sectors();
        let mut out: Vec<String> = Vec::new();
        for s in given.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            if !known.iter().any(|k| k.0 == s) {
                return Err(AppError::bad_field(
                    field,
                    "unknown",
                    format!("分野「{s}」はありません。"),
                    format!("No sector '{s}'."),
                ));
            }
            if !out.iter().any(|x| x == s) {
                out.push(s.to_owned());
            }
        }
        Ok(out)
    }

    /// The submissions the actor may read, newest first: NISC all, a sender its own, the
    /// crisis-management office (large-scale mode) the damage and response status of the
    /// declared sectors.
    pub async fn submissions(&self, actor: &Actor) -> AppResult<Vec<Visible<SubmissionView>>> {
        let viewer = actor.viewer()?;
        // Whoever the policy may open others' submissions to (NISC always; the large-scale
        // structure while the mode lasts) lists them all and keeps what `decide_access` admits.
        let beyond_own = match actor.org.kind {
            OrgKind::Nisc | OrgKind::CrisisManagement => true,
            OrgKind::IncidentResponseMinistry | OrgKind::DisasterManagementMinistry => {
                actor.large_scale.is_some()
            }
            _ => false,
        };
        let rows = match beyond_own {
            true => self.store.submissions(None, LIST_MAX).await?,
            false => {
                self.store
                    .submissions(Some(&actor.org.id), LIST_MAX)
                    .await?
            }
        };
        let dir = self.org_directory().await?;
        let nisc = actor.org.kind == OrgKind::Nisc;
        let mut readable = Vec::new();
        for s in rows {
            let access = submission_access(&s)?;
            if kakehashi_policy::decide_access(&viewer, &access).allowed {
                readable.push((s, access));
            }
        }
        // The senders' names in one query (active people), not one per row.
        let mut orgs: Vec<OrgId> = readable.iter().map(|(s, _)| s.sender_org.clone()).collect();
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
        for (s, access) in readable {
            // A sender no longer active is not in the map: looked up on its own (rare).
            let name = match names.get(&s.sender_person) {
                Some(n) => n.clone(),
                None => self.person_name(&s.sender_person).await,
            };
            let view = Self::submission_view(s, &dir, name, nisc);
            if let Ok(v) = reveal_access(&viewer, &access, view) {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// One submission, or the same 404 as a missing id.
    pub async fn submission(&self, actor: &Actor, id: &str) -> AppResult<Visible<SubmissionView>> {
        let s = self.readable_submission(actor, id).await?;
        let dir = self.org_directory().await?;
        let access = submission_access(&s)?;
        let name = self.person_name(&s.sender_person).await;
        let view = Self::submission_view(s, &dir, name, actor.org.kind == OrgKind::Nisc);
        self.store
            .mark_notification_read(&actor.person.id, "submission", id, self.now())
            .await?;
        reveal_access(&actor.viewer()?, &access, view).map_err(|_| AppError::NotFound)
    }

    async fn readable_submission(&self, actor: &Actor, id: &str) -> AppResult<SubmissionRecord> {
        let found = match self.store.submission(id).await {
            Ok(s) => Some(s),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        if let Some(s) = found {
            let access = submission_access(&s)?;
            if kakehashi_policy::decide_access(&actor.viewer()?, &access).allowed {
                return Ok(s);
            }
        }
        self.note_refusal(Some(actor), "not_found", Some(&format!("submission:{id}")));
        Err(AppError::NotFound)
    }

    /// NISC records a submission as a source item for provisions: title, sender as origin, the
    /// submission's TLP and sectors, and the sender's names as identifiers for sanitisation.
    pub async fn record_submission_source(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<SourceItemRecord> {
        let s = self.readable_submission(actor, id).await?;
        if !may_draft_provisions(actor) {
            return Err(AppError::forbidden(
                "情報源としての記録はNISCの職員（承認・送信者）が行います。",
                "Only NISC staff with the approver role record sources.",
            ));
        }
        let org = self.store.org(&s.sender_org).await?;
        let sender = self.person_name(&s.sender_person).await;
        let mut identifiers: Vec<String> = vec![org.name_ja.clone()];
        for extra in [org.name_en.clone(), sender] {
            if !extra.trim().is_empty() && !identifiers.contains(&extra) {
                identifiers.push(extra);
            }
        }
        let item = SourceItemRecord {
            id: new_id(),
            title: format!("{} {}", submission_ident(s.number), s.title),
            origin: org.name_ja.clone(),
            url: String::new(),
            tlp: s.tlp.clone(),
            allowed_sectors: (!s.sectors.is_empty()).then(|| s.sectors.clone()),
            identifiers: serde_json::to_string(&identifiers)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            created_by: actor.person.id.clone(),
            created_at: self.now(),
        };
        let audit = actor.audit(
            "source_item.create",
            Some(item.id.clone()),
            serde_json::json!({ "tlp": item.tlp, "submission": s.id }),
        );
        match self
            .store
            .record_submission_source(&s.id, &item, audit)
            .await
        {
            Ok(()) => Ok(item),
            Err(StoreError::Conflict(_)) => Err(AppError::Conflict {
                message_ja: "この情報は既に情報源として記録されています。".into(),
                message_en: "This submission is already recorded as a source.".into(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    // --- requests for cooperation ---------------------------------------------------------

    /// NISC sends a request for cooperation to chosen agencies, businesses and cybersecurity
    /// ministries.
    pub async fn send_request(
        &self,
        actor: &Actor,
        input: NewRequest,
    ) -> AppResult<Visible<RequestView>> {
        if !may_send_requests(actor) {
            return Err(AppError::forbidden(
                "連携要請はNISCの職員（承認・送信者）が送ります。",
                "Only NISC staff with the approver role send requests for cooperation.",
            ));
        }
        let title = text::clean(Subject::Cooperation, "title", &input.title)?;
        let body = text::clean(Subject::Cooperation, "body", &input.body)?;
        let tlp = tlp_field(&input.tlp)?;
        let dir = self.org_directory().await?;
        let mut addressees: Vec<OrgId> = Vec::new();
        for org in &input.addressees {
            let fit = dir
                .get(org)
                .and_then(|o| OrgKind::from_code(&o.kind))
                .is_some_and(may_be_asked);
            if !fit {
                return Err(AppError::bad_field(
                    "addressees",
                    "not_asked",
                    "宛先は、サイバーセキュリティ関係機関・サイバー空間関連事業者・サイバーセキュリティ関係省庁から選んでください。",
                    "Choose addressees among cybersecurity agencies, cyberspace businesses and cybersecurity ministries.",
                ));
            }
            if !addressees.contains(org) {
                addressees.push(org.clone());
            }
        }
        if addressees.is_empty() {
            return Err(AppError::bad_field(
                "addressees",
                "required",
                "宛先を1つ以上選んでください。",
                "Choose at least one addressee.",
            ));
        }
        let rec = CoopRequestRecord {
            id: new_id(),
            number: 0,
            title,
            body,
            tlp: tlp.code().into(),
            created_by: actor.person.id.clone(),
            created_at: self.now(),
        };
        let audit = actor.audit(
            "coop_request.create",
            Some(rec.id.clone()),
            serde_json::json!({ "tlp": rec.tlp, "addressees": addressees }),
        );
        let number = self
            .store
            .insert_coop_request(&rec, &addressees, audit)
            .await?;
        let access = request_access(&rec, addressees.clone())?;
        self.fan_out_access(AccessNotice {
            kind: "coop_request",
            ref_id: rec.id.clone(),
            title: format!("{} {}", request_ident(number), rec.title),
            importance: None,
            access,
            orgs: addressees,
        })
        .await?;
        self.request(actor, &rec.id).await
    }

    async fn readable_request(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(CoopRequestRecord, Vec<CoopAddresseeRecord>)> {
        let found = match self.store.coop_request(id).await {
            Ok(r) => Some(r),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        if let Some(r) = found {
            let addressees = self.store.coop_addressees(&r.id).await?;
            let access = request_access(&r, addressees.iter().map(|a| a.org.clone()).collect())?;
            if kakehashi_policy::decide_access(&actor.viewer()?, &access).allowed {
                return Ok((r, addressees));
            }
        }
        self.note_refusal(
            Some(actor),
            "not_found",
            Some(&format!("coop_request:{id}")),
        );
        Err(AppError::NotFound)
    }

    /// A request with the answers and threads the actor may see, or the same 404 as a missing
    /// id for anyone but NISC and the addressees.
    pub async fn request(&self, actor: &Actor, id: &str) -> AppResult<Visible<RequestView>> {
        let view = self.request_view(actor, id, true).await?;
        self.store
            .mark_notification_read(&actor.person.id, "coop_request", id, self.now())
            .await?;
        Ok(view)
    }

    /// The request as the actor may see it; `threads`: with the messages (else only statuses).
    async fn request_view(
        &self,
        actor: &Actor,
        id: &str,
        threads: bool,
    ) -> AppResult<Visible<RequestView>> {
        let (r, addressees) = self.readable_request(actor, id).await?;
        let viewer = actor.viewer()?;
        let dir = self.org_directory().await?;
        let messages = if threads {
            self.store.coop_messages(&r.id).await?
        } else {
            vec![]
        };
        let mut names: HashMap<kakehashi_domain::PersonId, String> = HashMap::new();
        let mut views = Vec::new();
        for a in &addressees {
            // Each thread is decided as a request to its one addressee.
            let thread = request_access(&r, vec![a.org.clone()])?;
            if !kakehashi_policy::decide_access(&viewer, &thread).allowed {
                continue;
            }
            let status = RequestStatus::from_code(&a.status)
                .ok_or_else(|| AppError::Internal(format!("stored status {}", a.status)))?;
            let mut thread_msgs = Vec::new();
            for m in messages.iter().filter(|m| m.thread_org == a.org) {
                if !names.contains_key(&m.author) {
                    let n = self.person_name(&m.author).await;
                    names.insert(m.author.clone(), n);
                }
                let org = dir.get(&m.author_org);
                thread_msgs.push(MessageView {
                    author_name: names.get(&m.author).cloned().unwrap_or_default(),
                    author_org_name_ja: org.map(|o| o.name_ja.clone()).unwrap_or_default(),
                    author_org_name_en: org.map(|o| o.name_en.clone()).unwrap_or_default(),
                    from_nisc: m.author_org.as_str() == NISC_ORG,
                    body: m.body.clone(),
                    at: m.at,
                });
            }
            let org = dir.get(&a.org);
            views.push(AddresseeView {
                org: a.org.clone(),
                org_name_ja: org.map(|o| o.name_ja.clone()).unwrap_or_default(),
                org_name_en: org.map(|o| o.name_en.clone()).unwrap_or_default(),
                status,
                updated_at: a.updated_at,
                next: status.next(),
                thread: thread_msgs,
            });
        }
        let access = request_access(&r, addressees.iter().map(|a| a.org.clone()).collect())?;
        let view = RequestView {
            ident: request_ident(r.number),
            id: r.id,
            title: r.title,
            body: r.body,
            tlp: r.tlp,
            created_at: r.created_at,
            addressees: views,
        };
        reveal_access(&viewer, &access, view).map_err(|_| AppError::NotFound)
    }

    /// The requests the actor may read, newest first, each with the answers it may see.
    pub async fn requests(&self, actor: &Actor) -> AppResult<Vec<Visible<RequestView>>> {
        let rows = match actor.org.kind {
            OrgKind::Nisc => self.store.coop_requests(None, LIST_MAX).await?,
            _ => {
                self.store
                    .coop_requests(Some(&actor.org.id), LIST_MAX)
                    .await?
            }
        };
        let mut out = Vec::new();
        for r in rows {
            match self.request_view(actor, &r.id, false).await {
                Ok(v) => out.push(v),
                Err(AppError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// The thread the actor writes on: NISC names the addressee; an addressee writes on its own.
    async fn thread_of(
        &self,
        actor: &Actor,
        id: &str,
        addressee: Option<&OrgId>,
    ) -> AppResult<(CoopRequestRecord, CoopAddresseeRecord)> {
        let (r, addressees) = self.readable_request(actor, id).await?;
        let org = match actor.org.kind {
            OrgKind::Nisc => addressee.cloned().ok_or_else(|| {
                AppError::bad_field(
                    "addressee",
                    "required",
                    "どの宛先のスレッドに返信するか選んでください。",
                    "Choose the addressee whose thread you reply on.",
                )
            })?,
            _ => actor.org.id.clone(),
        };
        let a = addressees
            .into_iter()
            .find(|a| a.org == org)
            .ok_or_else(|| {
                AppError::bad_field(
                    "addressee",
                    "not_addressee",
                    "この連携要請の宛先ではありません。",
                    "Not an addressee of this request.",
                )
            })?;
        Ok((r, a))
    }

    /// A message on one addressee's thread, by NISC or by that addressee.
    pub async fn reply_request(
        &self,
        actor: &Actor,
        id: &str,
        addressee: Option<&OrgId>,
        body: &str,
    ) -> AppResult<()> {
        let (r, a) = self.thread_of(actor, id, addressee).await?;
        acts_for_org(actor)?;
        let body = text::clean(Subject::Cooperation, "message", body)?;
        if body.is_empty() {
            return Err(AppError::bad_field(
                "message",
                "required",
                "返信を入力してください。",
                "Write the reply.",
            ));
        }
        let m = CoopMessageRecord {
            id: new_id(),
            request: r.id.clone(),
            thread_org: a.org.clone(),
            author: actor.person.id.clone(),
            author_org: actor.org.id.clone(),
            body,
            at: self.now(),
        };
        let audit = actor.audit(
            "coop_request.reply",
            Some(r.id.clone()),
            serde_json::json!({ "thread": a.org }),
        );
        self.store.add_coop_message(&m, audit).await?;
        let other = if actor.org.kind == OrgKind::Nisc {
            a.org.clone()
        } else {
            OrgId(NISC_ORG.into())
        };
        self.fan_out_access(AccessNotice {
            kind: "coop_request",
            ref_id: r.id.clone(),
            title: format!("{} {}", request_ident(r.number), r.title),
            importance: None,
            access: request_access(&r, vec![a.org.clone()])?,
            orgs: vec![other],
        })
        .await?;
        Ok(())
    }

    /// An addressee moves its answer (受付 / 対応中 / 回答済 / 辞退) as the state machine allows.
    pub async fn set_request_status(
        &self,
        actor: &Actor,
        id: &str,
        status: &str,
    ) -> AppResult<RequestStatus> {
        let (r, addressees) = self.readable_request(actor, id).await?;
        let Some(a) = addressees.into_iter().find(|a| a.org == actor.org.id) else {
            return Err(AppError::forbidden(
                "回答状況は宛先の組織が設定します。",
                "Only an addressee sets its answer's status.",
            ));
        };
        acts_for_org(actor)?;
        let from = RequestStatus::from_code(&a.status)
            .ok_or_else(|| AppError::Internal(format!("stored status {}", a.status)))?;
        let to = RequestStatus::from_code(status.trim()).ok_or_else(|| {
            AppError::bad_field(
                "status",
                "unknown_code",
                "状況は受付・対応中・回答済・辞退から選んでください。",
                "Choose the status: accepted, in_progress, answered or declined.",
            )
        })?;
        if !from.may_move(to) {
            return Err(AppError::bad_field(
                "status",
                "transition",
                format!(
                    "「{}」から「{}」へは変更できません。",
                    from.label_ja(),
                    to.label_ja()
                ),
                format!(
                    "The status cannot move from '{}' to '{}'.",
                    from.label_en(),
                    to.label_en()
                ),
            ));
        }
        let next = CoopAddresseeRecord {
            status: to.code().into(),
            updated_by: Some(actor.person.id.clone()),
            updated_at: self.now(),
            ..a
        };
        let audit = actor.audit(
            "coop_request.status",
            Some(r.id.clone()),
            serde_json::json!({ "from": from.code(), "to": to.code() }),
        );
        match self.store.set_coop_status(&next, from.code(), audit).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::Conflict {
                    message_ja: "回答状況が他の操作で変更されました。画面を更新してください。"
                        .into(),
                    message_en: "The status was changed meanwhile; reload and try again.".into(),
                })
            }
            Err(e) => return Err(e.into()),
        }
        self.fan_out_access(AccessNotice {
            kind: "coop_request",
            ref_id: r.id.clone(),
            title: format!(
                "{} {}（{}）",
                request_ident(r.number),
                r.title,
                to.label_ja()
            ),
            importance: None,
            access: request_access(&r, vec![actor.org.id.clone()])?,
            orgs: vec![OrgId(NISC_ORG.into())],
        })
        .await?;
        Ok(to)
    }
}
