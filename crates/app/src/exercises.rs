//! 演習・セプター訓練 — exercises on the real channels, run by NISC (or a CEPTOAR for its
//! training) for chosen participants.
//!
//! The seed (行動計画 IV.5 / V.1(5)): "障害対応体制の有効性の検証が可能な分野横断的演習の
//! シナリオ、実施方法、検証課題等を企画し、分野横断的演習を実施" and, for CEPTOAR training,
//! "情報共有体制における情報連絡・情報提供の手順に基づくセプター訓練を継続して実施する"
//! (IV.3.4), "緊急時における情報連絡体制・手段の検証等". So the organiser designs a scenario —
//! injects at offsets from the start — and runs it step by step; participants file their
//! reports *in* the exercise through the real filing route (so they travel the real routes
//! under their TLP), numbered E-R<n> apart from the real series and left out of statistics and
//! the situation picture; a contact-check inject sends a real contact check (the CEPTOAR
//! training's test message). Response times come from the records' own timestamps. The
//! after-action report shows the organiser every organisation's times and a participant its own
//! times with only aggregates for the others (`domain::exercise::report_access`). Cleanup
//! deletes the chains the exercise created, and nothing else.
//!
//! The rules (who organises, states, inject kinds, the report's access rule) are the domain's
//! ([`kakehashi_domain::exercise`]); every write is audited in its transaction.

use crate::contacts::NewContactCheck;
use crate::error::{AppError, AppResult};
use crate::identity::{org_from_record, Actor};
use crate::App;
use chrono::{DateTime, Duration, Utc};
use kakehashi_domain::exercise::{
    aggregate, may_enrol, may_organise, minutes_between, report_access, shows_row, Aggregate,
    ExerciseKind, ExerciseState, InjectKind, LessonState, ReportAccess, MAX_OFFSET_MINUTES,
    MAX_PARTICIPANTS,
};
use kakehashi_domain::text::{self, Subject};
use kakehashi_domain::{OrgId, Role, Tlp};
use kakehashi_store::{ExerciseRecord, InjectRecord, LessonRecord, OrgRecord, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// An exercise to design.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewExercise {
    /// `exercise` (default) or `ceptoar_training` (セプター訓練).
    #[serde(default)]
    pub kind: Option<String>,
    pub name: String,
    /// What the exercise is to verify.
    #[serde(default)]
    pub purpose: String,
    /// Organisation ids: for NISC any other organisation, for a CEPTOAR its members.
    pub participants: Vec<String>,
}

/// A scenario inject to add.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewInject {
    /// Minutes after the start (0 … one week).
    #[serde(default)]
    pub offset_minutes: u32,
    /// `liaison`, `provision_task`, `large_scale` or `contact_check`.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// The TLP its material travels under (default AMBER).
    #[serde(default)]
    pub tlp: Option<String>,
}

/// A lesson to record, or a lesson's follow-up to update.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonInput {
    /// The lesson (required when recording; ignored when updating).
    #[serde(default)]
    pub text: String,
    /// The owning organisation: the organiser or a participant.
    pub owner: String,
    #[serde(default)]
    pub follow_up: String,
    /// `open` (default), `in_progress` or `done`.
    #[serde(default)]
    pub state: Option<String>,
}

/// An organisation as shown: names, never only an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgName {
    pub id: OrgId,
    pub name_ja: String,
    pub name_en: String,
}

/// One inject as its reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InjectView {
    pub seq: u32,
    pub offset_minutes: u32,
    pub kind: InjectKind,
    pub kind_label_ja: &'static str,
    pub kind_label_en: &'static str,
    pub title: String,
    pub body: String,
    pub tlp: String,
    /// When it is due (start + offset), once the exercise runs.
    pub due_at: Option<DateTime<Utc>>,
    pub fired_at: Option<DateTime<Utc>>,
    /// A contact-check inject: the check it sent.
    pub check_id: Option<String>,
}

/// An exercise as its organiser or a participant sees it. Always `exercise: true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExerciseView {
    pub id: String,
    /// The marking every answer about an exercise carries.
    pub exercise: bool,
    pub kind: ExerciseKind,
    pub kind_label_ja: &'static str,
    pub kind_label_en: &'static str,
    pub name: String,
    pub purpose: String,
    pub organiser: OrgName,
    pub state: ExerciseState,
    pub state_label_ja: &'static str,
    pub state_label_en: &'static str,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub cleaned_at: Option<DateTime<Utc>>,
    /// Every participant for the organiser; the reader's own organisation for a participant.
    pub participants: Vec<OrgName>,
    pub participant_count: usize,
    /// The organiser sees the whole scenario; a participant the injects fired so far (its
    /// tasks).
    pub injects: Vec<InjectView>,
    /// How the reader takes part.
    pub access: ReportAccess,
    /// The reader may change it (the organiser's approver).
    pub may_manage: bool,
}

/// One event of the after-action timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub what_ja: String,
    pub what_en: String,
    /// The organisation that acted, if any (only the reader's own for a participant).
    pub org: Option<OrgName>,
}

/// One organisation's response times, in minutes from the inject that asked for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgTimes {
    pub org: OrgName,
    /// Its first report (情報連絡) in the exercise, from the first simulated-event inject.
    pub report_minutes: Option<i64>,
    /// Its first forward or relay of a copy in the exercise.
    pub forward_minutes: Option<i64>,
    /// NISC's receipt (numbering) of its first report.
    pub receipt_minutes: Option<i64>,
    /// Its answer to the first contact check the exercise sent it.
    pub check_answer_minutes: Option<i64>,
}

/// The others' times, aggregated: what a participant may see of other organisations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OthersAggregate {
    /// How many organisations the aggregate covers.
    pub organisations: usize,
    pub report: Aggregate,
    pub forward: Aggregate,
    pub receipt: Aggregate,
    pub check_answer: Aggregate,
}

/// A lesson as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LessonView {
    pub seq: u32,
    pub text: String,
    pub owner: OrgName,
    pub follow_up: String,
    pub state: LessonState,
    pub state_label_ja: &'static str,
    pub state_label_en: &'static str,
    pub updated_at: DateTime<Utc>,
    /// The reader may update its follow-up (the owner or the organiser).
    pub may_update: bool,
}

/// 事後評価報告 — the after-action report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AfterActionReport {
    pub exercise: ExerciseView,
    pub timeline: Vec<TimelineEntry>,
    /// Every organisation's row for the organiser; the reader's own row for a participant.
    pub rows: Vec<OrgTimes>,
    /// The organisations not in `rows` (for the organiser: everyone), aggregated.
    pub others: OthersAggregate,
    /// Exercise chains filed, and how many NISC received.
    pub chains_filed: usize,
    pub chains_received: usize,
    pub lessons: Vec<LessonView>,
}

fn parse_tlp(code: Option<&str>) -> AppResult<Tlp> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(Tlp::Amber),
        Some(c) => Tlp::from_code(&c.to_ascii_uppercase()).ok_or_else(|| {
            AppError::bad_field(
                "tlp",
                "unknown_code",
                format!("TLP「{c}」はありません（RED, AMBER+STRICT, AMBER, GREEN, CLEAR）。"),
                format!("Unknown TLP '{c}' (RED, AMBER+STRICT, AMBER, GREEN, CLEAR)."),
            )
        }),
    }
}

fn state_of(e: &ExerciseRecord) -> AppResult<ExerciseState> {
    ExerciseState::from_code(&e.state)
        .ok_or_else(|| AppError::Internal(format!("unknown exercise state {:?}", e.state)))
}

fn kind_of(e: &ExerciseRecord) -> AppResult<ExerciseKind> {
    ExerciseKind::from_code(&e.kind)
        .ok_or_else(|| AppError::Internal(format!("unknown exercise kind {:?}", e.kind)))
}

fn wrong_state(ja: &str, en: &str) -> AppError {
    AppError::Conflict {
        message_ja: ja.to_owned(),
        message_en: en.to_owned(),
    }
}

impl App {
    async fn exercise_directory(&self) -> AppResult<HashMap<OrgId, OrgRecord>> {
        Ok(self
            .store
            .orgs()
            .await?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect())
    }

    fn named(dir: &HashMap<OrgId, OrgRecord>, id: &OrgId) -> OrgName {
        let o = dir.get(id);
        OrgName {
            id: id.clone(),
            name_ja: o.map(|o| o.name_ja.clone()).unwrap_or_default(),
            name_en: o.map(|o| o.name_en.clone()).unwrap_or_default(),
        }
    }

    /// Loads an exercise the actor's organisation organises or takes part in; otherwise the
    /// 404 of a missing one (and the refusal is noted).
    async fn readable_exercise(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(ExerciseRecord, Vec<OrgId>, ReportAccess)> {
        let found = match self.store.exercise(id).await {
            Ok(e) => Some(e),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        if let Some(e) = found {
            let parts = self.store.exercise_participants(id).await?;
            if let Some(access) = report_access(&actor.org.id, &e.organiser_org, &parts) {
                return Ok((e, parts, access));
            }
        }
        self.note_refusal(Some(actor), "not_found", Some(&format!("exercise:{id}")));
        Err(AppError::NotFound)
    }

    /// The exercise, for its organiser's approver to change; otherwise not found (not its
    /// organiser) or forbidden (no approver).
    async fn managed_exercise(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(ExerciseRecord, Vec<OrgId>)> {
        let (e, parts, access) = self.readable_exercise(actor, id).await?;
        if access != ReportAccess::Organiser {
            return Err(AppError::forbidden(
                "演習を運営できるのは主催組織です。",
                "Only the organising organisation runs an exercise.",
            ));
        }
        actor.require(Role::Approver)?;
        Ok((e, parts))
    }

    fn exercise_view(
        &self,
        actor: &Actor,
        e: &ExerciseRecord,
        parts: &[OrgId],
        injects: &[InjectRecord],
        access: ReportAccess,
        dir: &HashMap<OrgId, OrgRecord>,
    ) -> AppResult<ExerciseView> {
        let kind = kind_of(e)?;
        let state = state_of(e)?;
        let injects = injects
            .iter()
            .filter(|i| access == ReportAccess::Organiser || i.fired_at.is_some())
            .filter_map(|i| {
                let kind = InjectKind::from_code(&i.kind)?;
                Some(InjectView {
                    seq: i.seq,
                    offset_minutes: i.offset_minutes,
                    kind,
                    kind_label_ja: kind.label_ja(),
                    kind_label_en: kind.label_en(),
                    title: i.title.clone(),
                    body: i.body.clone(),
                    tlp: i.tlp.clone(),
                    due_at: e
                        .started_at
                        .map(|s| s + Duration::minutes(i64::from(i.offset_minutes))),
                    fired_at: i.fired_at,
                    check_id: i.check_id.clone(),
                })
            })
            .collect();
        Ok(ExerciseView {
            id: e.id.clone(),
            exercise: true,
            kind,
            kind_label_ja: kind.label_ja(),
            kind_label_en: kind.label_en(),
            name: e.name.clone(),
            purpose: e.purpose.clone(),
            organiser: Self::named(dir, &e.organiser_org),
            state,
            state_label_ja: state.label_ja(),
            state_label_en: state.label_en(),
            created_at: e.created_at,
            started_at: e.started_at,
            ended_at: e.ended_at,
            cleaned_at: e.cleaned_at,
            // A participant learns how many take part, and names only itself.
            participants: parts
                .iter()
                .filter(|p| shows_row(access, &actor.org.id, p))
                .map(|p| Self::named(dir, p))
                .collect(),
            participant_count: parts.len(),
            injects,
            access,
            may_manage: access == ReportAccess::Organiser && actor.has(Role::Approver),
        })
    }

    /// Whether the actor's organisation may organise exercises of some kind (to show the form).
    pub fn organises_exercises(&self, actor: &Actor) -> bool {
        ExerciseKind::ALL
            .into_iter()
            .any(|k| may_organise(actor.org.kind, k))
    }

    /// Organisations the actor may enrol.
    pub async fn exercise_candidates(&self, actor: &Actor) -> AppResult<Vec<OrgRecord>> {
        Ok(self
            .store
            .orgs()
            .await?
            .into_iter()
            .filter(|o| org_from_record(o).is_ok_and(|t| may_enrol(&actor.org, &t)))
            .collect())
    }

    /// Designs an exercise (state design) with its participants.
    pub async fn create_exercise(
        &self,
        actor: &Actor,
        req: NewExercise,
    ) -> AppResult<ExerciseView> {
        let kind = match req.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            None => ExerciseKind::Exercise,
            Some(k) => ExerciseKind::from_code(k).ok_or_else(|| {
                AppError::bad_field(
                    "kind",
                    "unknown_code",
                    format!("種別「{k}」はありません（exercise, ceptoar_training）。"),
                    format!("Unknown kind '{k}' (exercise, ceptoar_training)."),
                )
            })?,
        };
        if !may_organise(actor.org.kind, kind) {
            return Err(AppError::forbidden(
                "演習を主催できるのはNISC、セプター訓練はNISCとセプターです。",
                "NISC organises exercises; NISC and CEPTOARs organise CEPTOAR training.",
            ));
        }
        actor.require(Role::Approver)?;
        let name = text::clean(Subject::Exercise, "name", &req.name)?;
        let purpose = text::clean(Subject::Exercise, "purpose", &req.purpose)?;
        let mut participants: Vec<OrgId> = Vec::new();
        for p in req
            .participants
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
        {
            if !participants.iter().any(|x| x.0 == p) {
                participants.push(OrgId(p.to_owned()));
            }
        }
        if participants.is_empty() {
            return Err(AppError::bad_field(
                "participants",
                "required",
                "参加組織を1つ以上選んでください。",
                "Choose at least one participating organisation.",
            ));
        }
        if participants.len() > MAX_PARTICIPANTS {
            return Err(AppError::bad_field(
                "participants",
                "too_many",
                format!("参加組織は{MAX_PARTICIPANTS}組織までです。"),
                format!("At most {MAX_PARTICIPANTS} participating organisations."),
            ));
        }
        let dir = self.exercise_directory().await?;
        for p in &participants {
            match dir.get(p).map(org_from_record).transpose()? {
                None => {
                    return Err(AppError::bad_field(
                        "participants",
                        "unknown",
                        format!("組織「{}」はありません。", p.0),
                        format!("No organisation '{}'.", p.0),
                    ))
                }
                Some(t) if !may_enrol(&actor.org, &t) => {
                    return Err(AppError::bad_field(
                        "participants",
                        "not_allowed",
                        format!("「{}」は参加組織にできません（NISCは他の組織を、セプターは構成員を選べます）。", t.name_ja),
                        format!("'{}' cannot take part (NISC enrols other organisations, a CEPTOAR its members).", t.name_en),
                    ))
                }
                Some(_) => {}
            }
        }
        let e = ExerciseRecord {
            id: crate::new_id(),
            kind: kind.code().into(),
            name,
            purpose,
            organiser_org: actor.org.id.clone(),
            state: ExerciseState::Design.code().into(),
            created_by: actor.person.id.clone(),
            created_at: self.now(),
            started_at: None,
            ended_at: None,
            cleaned_at: None,
        };
        let audit = actor.audit(
            "exercise.create",
            Some(e.id.clone()),
            serde_json::json!({
                "kind": kind.code(),
                "participants": participants.iter().map(|p| p.0.clone()).collect::<Vec<_>>(),
            }),
        );
        self.store.insert_exercise(&e, &participants, audit).await?;
        self.exercise(actor, &e.id).await
    }

    /// Exercises the actor's organisation organises or takes part in, newest first.
    pub async fn exercises(&self, actor: &Actor) -> AppResult<Vec<ExerciseView>> {
        let dir = self.exercise_directory().await?;
        let mut out = Vec::new();
        for e in self.store.exercises_of_org(&actor.org.id).await? {
            let parts = self.store.exercise_participants(&e.id).await?;
            let Some(access) = report_access(&actor.org.id, &e.organiser_org, &parts) else {
                continue;
            };
            let injects = self.store.injects(&e.id).await?;
            out.push(self.exercise_view(actor, &e, &parts, &injects, access, &dir)?);
        }
        Ok(out)
    }

    /// One exercise, for its organiser or a participant.
    pub async fn exercise(&self, actor: &Actor, id: &str) -> AppResult<ExerciseView> {
        let (e, parts, access) = self.readable_exercise(actor, id).await?;
        let injects = self.store.injects(id).await?;
        let dir = self.exercise_directory().await?;
        self.exercise_view(actor, &e, &parts, &injects, access, &dir)
    }

    /// The exercise's name for the banner of a page filed in it; not found otherwise.
    pub async fn exercise_name(&self, actor: &Actor, id: &str) -> AppResult<String> {
        Ok(self.readable_exercise(actor, id).await?.0.name)
    }

    /// A report filed in an exercise: the exercise runs, is an exercise proper, and the
    /// filer's organisation takes part.
    pub(crate) async fn check_exercise_filing(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let refused = |rule: &'static str, ja: &str, en: &str| {
            AppError::bad_field("exercise_id", rule, ja.to_owned(), en.to_owned())
        };
        let e = match self.store.exercise(id).await {
            Ok(e) => e,
            Err(StoreError::NotFound) => {
                return Err(refused(
                    "unknown",
                    "その演習はありません。",
                    "No such exercise.",
                ))
            }
            Err(e) => return Err(e.into()),
        };
        let parts = self.store.exercise_participants(id).await?;
        if !parts.contains(&actor.org.id) {
            return Err(refused(
                "unknown",
                "その演習はありません。",
                "No such exercise.",
            ));
        }
        if kind_of(&e)? != ExerciseKind::Exercise || !state_of(&e)?.live() {
            return Err(refused(
                "not_running",
                "この演習は実施中ではありません。",
                "This exercise is not running.",
            ));
        }
        Ok(())
    }

    /// Adds an inject to the scenario (while in design or running).
    pub async fn add_inject(
        &self,
        actor: &Actor,
        id: &str,
        req: NewInject,
    ) -> AppResult<ExerciseView> {
        let (e, _) = self.managed_exercise(actor, id).await?;
        if !state_of(&e)?.editable() {
            return Err(wrong_state(
                "終了した演習のシナリオは変更できません。",
                "An ended exercise's scenario cannot change.",
            ));
        }
        let kind = InjectKind::from_code(req.kind.trim()).ok_or_else(|| {
            AppError::bad_field(
                "kind",
                "unknown_code",
                format!("インジェクトの種別「{}」はありません（liaison, provision_task, large_scale, contact_check）。", req.kind),
                format!("Unknown inject kind '{}' (liaison, provision_task, large_scale, contact_check).", req.kind),
            )
        })?;
        if !kind.fits(kind_of(&e)?) {
            return Err(AppError::bad_field(
                "kind",
                "not_allowed",
                "セプター訓練のインジェクトは連絡確認だけです。",
                "CEPTOAR training injects are contact checks only.",
            ));
        }
        if req.offset_minutes > MAX_OFFSET_MINUTES {
            return Err(AppError::bad_field(
                "offset_minutes",
                "too_large",
                format!("開始からの時間は{MAX_OFFSET_MINUTES}分（1週間）までです。"),
                format!("The offset is at most {MAX_OFFSET_MINUTES} minutes (a week)."),
            ));
        }
        let title = text::clean(Subject::Exercise, "title", &req.title)?;
        let body = text::clean(Subject::Exercise, "body", &req.body)?;
        let tlp = parse_tlp(req.tlp.as_deref())?;
        let inject = InjectRecord {
            exercise: id.to_owned(),
            seq: 0,
            offset_minutes: req.offset_minutes,
            kind: kind.code().into(),
            title,
            body,
            tlp: tlp.code().into(),
            fired_at: None,
            check_id: None,
        };
        let audit = actor.audit(
            "exercise.inject.add",
            Some(id.to_owned()),
            serde_json::json!({ "kind": kind.code(), "offset_minutes": req.offset_minutes }),
        );
        self.store.insert_inject(&inject, audit).await?;
        self.exercise(actor, id).await
    }

    async fn move_exercise(
        &self,
        actor: &Actor,
        id: &str,
        from: ExerciseState,
        action: &'static str,
    ) -> AppResult<ExerciseView> {
        let (e, _) = self.managed_exercise(actor, id).await?;
        let to = from
            .next()
            .ok_or_else(|| AppError::Internal("no next state".into()))?;
        if state_of(&e)? != from {
            return Err(wrong_state(
                &format!("演習は「{}」ではありません。", from.label_ja()),
                &format!("The exercise is not '{}'.", from.label_en()),
            ));
        }
        let audit = actor.audit(
            action,
            Some(id.to_owned()),
            serde_json::json!({ "state": to.code() }),
        );
        self.store
            .set_exercise_state(id, from.code(), to.code(), self.now(), audit)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => wrong_state(
                    "演習の状態が変わっています。再読み込みしてください。",
                    "The exercise changed meanwhile; reload.",
                ),
                e => e.into(),
            })?;
        self.exercise(actor, id).await
    }

    /// Starts the exercise: injects may fire from now.
    pub async fn start_exercise(&self, actor: &Actor, id: &str) -> AppResult<ExerciseView> {
        self.move_exercise(actor, id, ExerciseState::Design, "exercise.start")
            .await
    }

    /// Ends the exercise: no more injects or reports in it.
    pub async fn end_exercise(&self, actor: &Actor, id: &str) -> AppResult<ExerciseView> {
        self.move_exercise(actor, id, ExerciseState::Running, "exercise.end")
            .await
    }

    /// Fires an inject now (the organiser running it step by step). A contact-check inject
    /// sends a real contact check to the participants, marked as training.
    pub async fn fire_inject(&self, actor: &Actor, id: &str, seq: u32) -> AppResult<ExerciseView> {
        let (e, parts) = self.managed_exercise(actor, id).await?;
        if !state_of(&e)?.live() {
            return Err(wrong_state(
                "インジェクトを実行できるのは実施中の演習です。",
                "Injects fire while the exercise runs.",
            ));
        }
        let inject = self
            .store
            .injects(id)
            .await?
            .into_iter()
            .find(|i| i.seq == seq)
            .ok_or(AppError::NotFound)?;
        let kind = InjectKind::from_code(&inject.kind)
            .ok_or_else(|| AppError::Internal(format!("unknown inject kind {:?}", inject.kind)))?;
        let audit = actor.audit(
            "exercise.inject.fire",
            Some(id.to_owned()),
            serde_json::json!({ "seq": seq, "kind": kind.code() }),
        );
        // Claimed first: a second press (or node) gets a conflict and sends nothing.
        self.store
            .fire_inject(id, seq, self.now(), None, audit)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => wrong_state(
                    "このインジェクトは実行済みです。",
                    "This inject has fired already.",
                ),
                e => e.into(),
            })?;
        if kind == InjectKind::ContactCheck {
            let mark = match kind_of(&e)? {
                ExerciseKind::CeptoarTraining => "【セプター訓練】",
                ExerciseKind::Exercise => kakehashi_domain::exercise::MARK_JA,
            };
            let message = format!("{mark}{}\n{}", inject.title, inject.body);
            let check = self
                .send_contact_check(
                    actor,
                    NewContactCheck {
                        targets: parts.iter().map(|p| p.0.clone()).collect(),
                        message: message.chars().take(2000).collect(),
                    },
                )
                .await?;
            self.store
                .attach_inject_check(id, seq, &check.get().id)
                .await?;
        }
        self.exercise(actor, id).await
    }

    /// The after-action report (事後評価): timeline, response times, lessons. The organiser
    /// sees every organisation; a participant its own row and the others aggregated.
    pub async fn after_action_report(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<AfterActionReport> {
        let (e, parts, access) = self.readable_exercise(actor, id).await?;
        let injects = self.store.injects(id).await?;
        let dir = self.exercise_directory().await?;
        let view = self.exercise_view(actor, &e, &parts, &injects, access, &dir)?;
        let viewer = actor.org.id.clone();
        let shown = |org: &OrgId| shows_row(access, &viewer, org);
        let mut timeline: Vec<TimelineEntry> = Vec::new();
        if let Some(at) = e.started_at {
            timeline.push(TimelineEntry {
                at,
                what_ja: "演習開始".into(),
                what_en: "Exercise started".into(),
                org: None,
            });
        }
        for i in injects.iter().filter(|i| i.fired_at.is_some()) {
            timeline.push(TimelineEntry {
                at: i.fired_at.unwrap_or(e.created_at),
                what_ja: format!("インジェクト {}：{}", i.seq, i.title),
                what_en: format!("Inject {}: {}", i.seq, i.title),
                org: None,
            });
        }
        let first_liaison = injects
            .iter()
            .filter(|i| i.kind == InjectKind::Liaison.code())
            .filter_map(|i| i.fired_at)
            .min();
        // Per organisation: first report, first forward, first NISC receipt, first answer.
        let mut report: HashMap<OrgId, DateTime<Utc>> = HashMap::new();
        let mut forward: HashMap<OrgId, DateTime<Utc>> = HashMap::new();
        let mut receipt: HashMap<OrgId, DateTime<Utc>> = HashMap::new();
        let mut answer: HashMap<OrgId, i64> = HashMap::new();
        let chains = self.store.exercise_chains(id).await?;
        let mut received = 0;
        for c in &chains {
            let first = report.entry(c.origin_org.clone()).or_insert(c.created_at);
            *first = (*first).min(c.created_at);
            let label = c.ident(1);
            if shown(&c.origin_org) {
                timeline.push(TimelineEntry {
                    at: c.created_at,
                    what_ja: format!(
                        "情報連絡 {}",
                        label.clone().unwrap_or_else(|| "（未採番）".into())
                    ),
                    what_en: format!(
                        "Liaison {}",
                        label.clone().unwrap_or_else(|| "(not yet numbered)".into())
                    ),
                    org: Some(Self::named(&dir, &c.origin_org)),
                });
            }
            let reports = self.store.reports_of_chain(&c.id).await?;
            if let Some(at) = reports.iter().filter_map(|r| r.numbered_at).min() {
                received += 1;
                let r = receipt.entry(c.origin_org.clone()).or_insert(at);
                *r = (*r).min(at);
                if shown(&c.origin_org) {
                    timeline.push(TimelineEntry {
                        at,
                        what_ja: format!("NISC受領 {}", label.clone().unwrap_or_default()),
                        what_en: format!("Received by NISC: {}", label.clone().unwrap_or_default()),
                        org: Some(Self::named(&dir, &c.origin_org)),
                    });
                }
            }
            for copy in self.store.copies_of_chain(&c.id).await? {
                if copy.parent.is_some() {
                    let f = forward
                        .entry(copy.sender_org.clone())
                        .or_insert(copy.created_at);
                    *f = (*f).min(copy.created_at);
                    if shown(&copy.sender_org) {
                        timeline.push(TimelineEntry {
                            at: copy.created_at,
                            what_ja: format!("転送 {}", label.clone().unwrap_or_default()),
                            what_en: format!("Forwarded {}", label.clone().unwrap_or_default()),
                            org: Some(Self::named(&dir, &copy.sender_org)),
                        });
                    }
                }
            }
        }
        for i in &injects {
            let (Some(check), Some(fired)) = (&i.check_id, i.fired_at) else {
                continue;
            };
            for t in self.store.contact_check_targets(check).await? {
                if let Some(at) = t.acknowledged_at {
                    answer
                        .entry(t.org.clone())
                        .or_insert(minutes_between(fired, at));
                    if shown(&t.org) {
                        timeline.push(TimelineEntry {
                            at,
                            what_ja: format!("連絡確認に応答（インジェクト {}）", i.seq),
                            what_en: format!("Answered the contact check (inject {})", i.seq),
                            org: Some(Self::named(&dir, &t.org)),
                        });
                    }
                }
            }
        }
        timeline.sort_by_key(|t| t.at);
        let since = |m: &HashMap<OrgId, DateTime<Utc>>, org: &OrgId| {
            first_liaison.and_then(|t0| m.get(org).map(|at| minutes_between(t0, *at)))
        };
        let all: Vec<OrgTimes> = parts
            .iter()
            .map(|p| OrgTimes {
                org: Self::named(&dir, p),
                report_minutes: since(&report, p),
                forward_minutes: since(&forward, p),
                receipt_minutes: since(&receipt, p),
                check_answer_minutes: answer.get(p).copied(),
            })
            .collect();
        let (rows, others): (Vec<OrgTimes>, Vec<OrgTimes>) = match access {
            ReportAccess::Organiser => (all.clone(), all),
            ReportAccess::Participant => all.into_iter().partition(|r| r.org.id == viewer),
        };
        let agg = |f: fn(&OrgTimes) -> Option<i64>| {
            aggregate(&others.iter().filter_map(f).collect::<Vec<_>>())
        };
        let others_agg = OthersAggregate {
            organisations: others.len(),
            report: agg(|r| r.report_minutes),
            forward: agg(|r| r.forward_minutes),
            receipt: agg(|r| r.receipt_minutes),
            check_answer: agg(|r| r.check_answer_minutes),
        };
        let lessons = self.lesson_views(actor, &e, &dir).await?;
        Ok(AfterActionReport {
            exercise: view,
            timeline,
            rows,
            others: others_agg,
            chains_filed: chains.len(),
            chains_received: received,
            lessons,
        })
    }

    async fn lesson_views(
        &self,
        actor: &Actor,
        e: &ExerciseRecord,
        dir: &HashMap<OrgId, OrgRecord>,
    ) -> AppResult<Vec<LessonView>> {
        Ok(self
            .store
            .lessons(&e.id)
            .await?
            .into_iter()
            .filter_map(|l| {
                let state = LessonState::from_code(&l.state)?;
                Some(LessonView {
                    seq: l.seq,
                    text: l.text,
                    owner: Self::named(dir, &l.owner_org),
                    follow_up: l.follow_up,
                    state,
                    state_label_ja: state.label_ja(),
                    state_label_en: state.label_en(),
                    updated_at: l.updated_at,
                    may_update: actor.org.id == l.owner_org || actor.org.id == e.organiser_org,
                })
            })
            .collect())
    }

    fn lesson_fields(
        &self,
        e: &ExerciseRecord,
        parts: &[OrgId],
        req: &LessonInput,
    ) -> AppResult<(OrgId, String, LessonState)> {
        let owner = OrgId(req.owner.trim().to_owned());
        if owner != e.organiser_org && !parts.contains(&owner) {
            return Err(AppError::bad_field(
                "owner",
                "not_allowed",
                "担当組織は主催組織か参加組織から選んでください。",
                "The owner is the organiser or a participating organisation.",
            ));
        }
        let follow_up = text::clean(Subject::Exercise, "follow_up", &req.follow_up)?;
        let state = match req
            .state
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => LessonState::Open,
            Some(s) => LessonState::from_code(s).ok_or_else(|| {
                AppError::bad_field(
                    "state",
                    "unknown_code",
                    format!("状態「{s}」はありません（open, in_progress, done）。"),
                    format!("Unknown state '{s}' (open, in_progress, done)."),
                )
            })?,
        };
        Ok((owner, follow_up, state))
    }

    /// Records a lesson with its owner and follow-up (the organiser, once the exercise ran).
    pub async fn add_lesson(
        &self,
        actor: &Actor,
        id: &str,
        req: LessonInput,
    ) -> AppResult<AfterActionReport> {
        let (e, parts) = self.managed_exercise(actor, id).await?;
        if state_of(&e)? == ExerciseState::Design {
            return Err(wrong_state(
                "教訓は演習の開始後に記録します。",
                "Lessons are recorded once the exercise has started.",
            ));
        }
        let text = text::clean(Subject::Exercise, "lesson", &req.text)?;
        let (owner, follow_up, state) = self.lesson_fields(&e, &parts, &req)?;
        let now = self.now();
        let lesson = LessonRecord {
            exercise: id.to_owned(),
            seq: 0,
            text,
            owner_org: owner.clone(),
            follow_up,
            state: state.code().into(),
            created_by: actor.person.id.clone(),
            created_at: now,
            updated_at: now,
        };
        let audit = actor.audit(
            "exercise.lesson.add",
            Some(id.to_owned()),
            serde_json::json!({ "owner": owner.0, "state": state.code() }),
        );
        self.store.insert_lesson(&lesson, audit).await?;
        self.after_action_report(actor, id).await
    }

    /// Updates a lesson's follow-up and state: its owner organisation or the organiser.
    pub async fn update_lesson(
        &self,
        actor: &Actor,
        id: &str,
        seq: u32,
        req: LessonInput,
    ) -> AppResult<AfterActionReport> {
        let (e, parts, _) = self.readable_exercise(actor, id).await?;
        let lesson = self
            .store
            .lessons(id)
            .await?
            .into_iter()
            .find(|l| l.seq == seq)
            .ok_or(AppError::NotFound)?;
        if actor.org.id != lesson.owner_org && actor.org.id != e.organiser_org {
            return Err(AppError::forbidden(
                "教訓のフォローアップを更新できるのは担当組織と主催組織です。",
                "The owning and the organising organisation update a lesson's follow-up.",
            ));
        }
        // The owner may move the follow-up on; only the organiser reassigns it.
        let mut req = req;
        if actor.org.id != e.organiser_org {
            req.owner = lesson.owner_org.0.clone();
        }
        let (owner, follow_up, state) = self.lesson_fields(&e, &parts, &req)?;
        let updated = LessonRecord {
            owner_org: owner,
            follow_up,
            state: state.code().into(),
            updated_at: self.now(),
            ..lesson
        };
        let audit = actor.audit(
            "exercise.lesson.update",
            Some(id.to_owned()),
            serde_json::json!({ "seq": seq, "state": state.code() }),
        );
        self.store.update_lesson(&updated, audit).await?;
        self.after_action_report(actor, id).await
    }

    /// Cleans an ended exercise up: deletes the chains it created, and nothing else.
    pub async fn clean_up_exercise(&self, actor: &Actor, id: &str) -> AppResult<ExerciseView> {
        let (e, _) = self.managed_exercise(actor, id).await?;
        if state_of(&e)? != ExerciseState::Ended {
            return Err(wrong_state(
                "後片付けは終了した演習に対して行います。",
                "Clean up an exercise once it has ended.",
            ));
        }
        let audit = actor.audit(
            "exercise.clean_up",
            Some(id.to_owned()),
            serde_json::json!({}),
        );
        let removed = self
            .store
            .clean_up_exercise(id, self.now(), audit)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => wrong_state(
                    "演習の状態が変わっています。再読み込みしてください。",
                    "The exercise changed meanwhile; reload.",
                ),
                e => e.into(),
            })?;
        tracing::info!(exercise = id, removed, "exercise cleaned up");
        self.exercise(actor, id).await
    }
}
