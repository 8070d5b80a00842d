//! 安全基準等・自己評価・浸透状況調査 — a sector's safety standard, operators' yearly
//! self-assessments with gap analysis and treatment plans, recurring-task reminders, and NISC's
//! yearly survey with k-anonymous aggregates.
//!
//! The rules are elsewhere and called once: validation, gaps and recurring tasks in
//! [`kakehashi_domain::standards`]; who reads an assessment, who edits it, with whom it may be
//! shared and who registers a standard in `kakehashi_policy` (`decide_assessment` and friends);
//! the survey's suppression below k distinct organisations is the statistics rule
//! ([`kakehashi_domain::statistics::tabulate`]), applied per catalogue item. A refused read is
//! the same 404 as a missing id; every write is audited in its transaction, and so is every read
//! of an assessment by another organisation and every read of survey results.

use crate::error::{AppError, AppResult};
use crate::identity::{org_from_record, Actor};
use crate::{new_id, App};
use chrono::NaiveDate;
use kakehashi_domain::standards::{
    self as rules, by_function, gaps, recurring_tasks, task_due, FunctionSummary, Gap,
    ItemAssessment, ItemStatus, SafetyStandard, StandardInput,
};
use kakehashi_domain::statistics::{tabulate, Month, StatRow, Tabulation};
use kakehashi_domain::{OrgId, OrgKind, Role, SectorId};
use kakehashi_policy::{
    decide_assessment, evidence_visible, may_edit_assessment, may_register_standard,
    may_share_assessment_with, reveal_assessment, Reason, Visible,
};
use kakehashi_store::{
    AssessmentRecord, SafetyStandardRecord, StoreError, SurveyAnswer, SurveyRecord,
    SurveyResponseRecord, TaskDoneRecord,
};
use serde::{Deserialize, Serialize};

/// Starting a year's assessment.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    /// The standard's id.
    pub standard: String,
    /// Fiscal year (年度), e.g. 2026.
    pub year: i32,
}

/// With whom the operator shares an assessment (upward only).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    /// Organisation ids: NISC, a ministry of the operator's sector, its CEPTOAR; empty stops
    /// sharing.
    pub shared_with: Vec<String>,
}

/// Marking a recurring task done.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskDoneInput {
    /// Catalogue id of the measure naming the task.
    pub item: String,
    /// `YYYY-MM-DD`, not in the future; omitted: today.
    #[serde(default)]
    pub done_on: Option<NaiveDate>,
}

/// Opening the year's survey.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSurvey {
    pub year: i32,
    /// Sector ids whose operators are asked.
    pub sectors: Vec<String>,
}

/// Answering a survey from an assessment (its items' status and current tier).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyResponseInput {
    /// The operator's assessment the answers are taken from.
    pub assessment: String,
}

/// A recurring task with when it was last done and whether it is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskView {
    pub item: String,
    pub title_ja: String,
    pub title_en: String,
    pub every_months: u8,
    pub last_done: Option<NaiveDate>,
    pub due: bool,
}

/// An assessment as its readers see it, with the gap analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentView {
    pub id: String,
    pub org: OrgId,
    pub org_name_ja: String,
    pub org_name_en: String,
    pub standard: SafetyStandard,
    pub year: i32,
    pub edition: String,
    pub items: Vec<ItemAssessment>,
    pub shared_with: Vec<OrgId>,
    /// Open items, ranked (required first, prevention and detection first, risk, cost).
    pub gaps: Vec<Gap>,
    pub by_function: Vec<FunctionSummary>,
    /// Items of the standard with a treatment plan not yet done.
    pub open_plans: usize,
    pub tasks: Vec<TaskView>,
    /// The reader may edit (the operator's approvers and org admins).
    pub may_edit: bool,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A survey as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyView {
    pub id: String,
    pub year: i32,
    pub sectors: Vec<String>,
    pub open: bool,
    /// The reader's organisation has answered.
    pub answered: bool,
    /// The reader may answer (an operator of a listed sector, approver or org admin, open).
    pub may_answer: bool,
    /// The reader sees the results (NISC; a ministry for its sectors).
    pub may_see_results: bool,
}

/// Response rate of one sector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseRate {
    pub sector: String,
    pub invited: usize,
    pub responded: usize,
}

/// One catalogue item's aggregate: sector rows by status and tier, below k merged or withheld
/// by the statistics rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemAggregate {
    pub item: String,
    pub table: Tabulation,
}

/// The results a reader may see.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveyResults {
    pub id: String,
    pub year: i32,
    pub k: u32,
    pub rates: Vec<ResponseRate>,
    pub items: Vec<ItemAggregate>,
}

fn store_conflict(e: StoreError, ja: &str, en: &str) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::Conflict {
            message_ja: ja.into(),
            message_en: en.into(),
        },
        other => other.into(),
    }
}

/// Drops the evidence links a reader admitted for `reason` may not see (the policy's TLP rule).
fn without_hidden_evidence(items: &mut [ItemAssessment], reason: Reason) {
    for i in items {
        i.evidence.retain(|e| evidence_visible(reason, e.tlp));
    }
}

/// Whether an organisation of this kind reads survey results at all.
pub fn may_see_survey_results(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::Nisc | OrgKind::CiMinistry)
}

impl App {
    // ---- standards ---------------------------------------------------------------------

    /// Every registered standard (not restricted: a standard is the ministry's published rule).
    pub async fn safety_standards(&self, _actor: &Actor) -> AppResult<Vec<SafetyStandard>> {
        Ok(self
            .store
            .safety_standards()
            .await?
            .into_iter()
            .map(|r| r.standard)
            .collect())
    }

    pub async fn safety_standard(&self, _actor: &Actor, id: &str) -> AppResult<SafetyStandard> {
        self.store
            .safety_standards()
            .await?
            .into_iter()
            .map(|r| r.standard)
            .find(|s| s.id == id)
            .ok_or(AppError::NotFound)
    }

    /// Registers (`id` None) or revises a sector's standard: an approver of a CI ministry
    /// overseeing the sector; a revision keeps its id and owner, and is stamped with the
    /// catalogue edition in force.
    pub async fn put_safety_standard(
        &self,
        actor: &Actor,
        id: Option<&str>,
        input: StandardInput,
    ) -> AppResult<SafetyStandard> {
        let viewer = actor.viewer()?;
        if self.reference.sector(&input.sector).is_none() {
            return Err(AppError::bad_field(
                "sector",
                "unknown_code",
                format!("分野 {} はありません。", input.sector),
                format!("There is no sector {}.", input.sector),
            ));
        }
        if !may_register_standard(
            &viewer,
            &actor.person.roles,
            &SectorId(input.sector.clone()),
        ) {
            return Err(AppError::forbidden(
                "安全基準等を登録できるのは、その分野を所管する省庁の承認者です。",
                "Only an approver of the ministry overseeing the sector registers its safety standard.",
            ));
        }
        let cat = self.reference.catalogue();
        rules::validate_standard(&input, cat)?;
        let id = match id {
            Some(id) => {
                let existing = self.safety_standard(actor, id).await?;
                if existing.owner != actor.org.id {
                    return Err(AppError::forbidden(
                        "他の省庁が登録した安全基準等は改定できません。",
                        "A standard registered by another ministry cannot be revised.",
                    ));
                }
                id.to_owned()
            }
            None => new_id(),
        };
        let standard = SafetyStandard {
            id: id.clone(),
            sector: input.sector,
            kind: input.kind,
            title: input.title.trim().to_owned(),
            edition: cat.edition().id.clone(),
            adopted: input.adopted,
            own_items: input.own_items,
            owner: actor.org.id.clone(),
        };
        let rec = SafetyStandardRecord {
            standard: standard.clone(),
            updated_by: actor.person.id.clone(),
            updated_at: self.now(),
        };
        self.store
            .put_safety_standard(
                &rec,
                actor.audit(
                    "standard.put",
                    Some(id),
                    serde_json::json!({ "sector": standard.sector, "items": standard.item_ids().len() }),
                ),
            )
            .await?;
        Ok(standard)
    }

    // ---- assessments -------------------------------------------------------------------

    /// The actor's organisation's assessments (every year kept), if its role lets it read them.
    pub async fn my_assessments(&self, actor: &Actor) -> AppResult<Vec<AssessmentRecord>> {
        let viewer = actor.viewer()?;
        if !decide_assessment(&viewer, &actor.person.roles, &actor.org, &[]).allowed {
            return Ok(Vec::new());
        }
        Ok(self.store.assessments_of_org(&actor.org.id).await?)
    }

    /// Assessments other organisations shared with the actor's organisation (upward), as the
    /// policy lets the actor read them.
    pub async fn shared_assessments(&self, actor: &Actor) -> AppResult<Vec<AssessmentRecord>> {
        let viewer = actor.viewer()?;
        let mut by_owner: std::collections::HashMap<OrgId, Vec<AssessmentRecord>> =
            std::collections::HashMap::new();
        for a in self.store.assessments_shared_with(&actor.org.id).await? {
            by_owner.entry(a.org.clone()).or_default().push(a);
        }
        let mut out = Vec::new();
        for o in self.directory_records().await?.iter() {
            if o.id == actor.org.id || o.kind != OrgKind::Operator.code() {
                continue;
            }
            let Some(shared) = by_owner.remove(&o.id) else {
                continue;
            };
            let owner = org_from_record(o)?;
            for mut a in shared {
                let d = decide_assessment(&viewer, &actor.person.roles, &owner, &a.shared_with);
                if d.allowed {
                    without_hidden_evidence(&mut a.items, d.reason);
                    out.push(a);
                }
            }
        }
        Ok(out)
    }

    /// Starts the year's assessment of a standard of the operator's sector, carrying over the
    /// latest earlier year's items (the cycle repeats; the earlier year stays as it was).
    pub async fn create_assessment(
        &self,
        actor: &Actor,
        input: NewAssessment,
    ) -> AppResult<AssessmentRecord> {
        let viewer = actor.viewer()?;
        if !may_edit_assessment(&viewer, &actor.person.roles, &actor.org.id) {
            return Err(AppError::forbidden(
                "自己評価を作成できるのは、重要インフラ事業者等の承認者と組織管理者です。",
                "Only an operator's approvers and organisation admins create self-assessments.",
            ));
        }
        rules::validate_year(input.year)?;
        let standard = self
            .safety_standard(actor, &input.standard)
            .await
            .map_err(|_| {
                AppError::bad_field(
                    "standard",
                    "unknown_code",
                    "その安全基準等はありません。",
                    "There is no such standard.",
                )
            })?;
        if !actor.org.sectors.iter().any(|s| s.0 == standard.sector) {
            return Err(AppError::bad_field(
                "standard",
                "not_your_sector",
                "自組織の分野の安全基準等を選んでください。",
                "Choose a standard of your own sector.",
            ));
        }
        let earlier = self
            .store
            .assessments_of_org(&actor.org.id)
            .await?
            .into_iter()
            .filter(|a| a.standard == standard.id && a.year < input.year)
            .max_by_key(|a| a.year);
        let items = earlier
            .map(|a| {
                a.items
                    .into_iter()
                    .filter(|i| standard.item_ids().contains(&i.item.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        let rec = AssessmentRecord {
            id: new_id(),
            org: actor.org.id.clone(),
            standard: standard.id.clone(),
            year: input.year,
            edition: self.reference.catalogue().edition().id.clone(),
            items,
            shared_with: Vec::new(),
            updated_by: actor.person.id.clone(),
            updated_at: self.now(),
        };
        self.store
            .insert_assessment(
                &rec,
                actor.audit(
                    "assessment.create",
                    Some(rec.id.clone()),
                    serde_json::json!({ "standard": rec.standard, "year": rec.year }),
                ),
            )
            .await
            .map_err(|e| {
                store_conflict(
                    e,
                    "この年度の自己評価は作成済みです。",
                    "This year's self-assessment exists already.",
                )
            })?;
        Ok(rec)
    }

    /// The assessment and its owner, if the policy lets the actor read it; else the 404 of a
    /// missing one.
    async fn readable_assessment(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(AssessmentRecord, kakehashi_domain::Organisation, Reason)> {
        let refuse = || {
            self.note_refusal(Some(actor), "not_found", Some(&format!("assessment:{id}")));
            AppError::NotFound
        };
        let rec = match self.store.assessment(id).await {
            Ok(r) => r,
            Err(StoreError::NotFound) => return Err(refuse()),
            Err(e) => return Err(e.into()),
        };
        let owner = org_from_record(&self.store.org(&rec.org).await?)?;
        let d = decide_assessment(
            &actor.viewer()?,
            &actor.person.roles,
            &owner,
            &rec.shared_with,
        );
        if !d.allowed {
            return Err(refuse());
        }
        Ok((rec, owner, d.reason))
    }

    /// One assessment with its gap analysis and recurring tasks; a read by another
    /// organisation (shared upward) is audited.
    pub async fn assessment(&self, actor: &Actor, id: &str) -> AppResult<Visible<AssessmentView>> {
        let (rec, owner, reason) = self.readable_assessment(actor, id).await?;
        let standard = self.safety_standard(actor, &rec.standard).await?;
        let cat = self.reference.catalogue();
        let done = self.store.tasks_done(&rec.org).await?;
        let today = self.today();
        let tasks = recurring_tasks(&standard, cat)
            .into_iter()
            .map(|t| {
                let last = done.iter().find(|d| d.item == t.item).map(|d| d.done_on);
                TaskView {
                    due: task_due(last, t.every_months, today),
                    item: t.item,
                    title_ja: t.title_ja,
                    title_en: t.title_en,
                    every_months: t.every_months,
                    last_done: last,
                }
            })
            .collect();
        let org_rec = self.store.org(&rec.org).await?;
        let view = AssessmentView {
            id: rec.id.clone(),
            org: rec.org.clone(),
            org_name_ja: org_rec.name_ja,
            org_name_en: org_rec.name_en,
            gaps: gaps(&standard, cat, &rec.items),
            by_function: by_function(&standard, cat, &rec.items),
            open_plans: rec
                .items
                .iter()
                .filter(|i| i.plan.as_ref().is_some_and(|p| !p.done))
                .count(),
            tasks,
            may_edit: may_edit_assessment(&actor.viewer()?, &actor.person.roles, &rec.org),
            standard,
            year: rec.year,
            edition: rec.edition,
            items: rec.items,
            shared_with: rec.shared_with.clone(),
            updated_at: rec.updated_at,
        };
        let mut view = view;
        without_hidden_evidence(&mut view.items, reason);
        if reason != Reason::OwnOrganisation {
            self.store
                .append_audit(vec![actor.audit(
                    "assessment.read",
                    Some(rec.id.clone()),
                    serde_json::json!({ "reason": reason.code() }),
                )])
                .await?;
        }
        reveal_assessment(
            &actor.viewer()?,
            &actor.person.roles,
            &owner,
            &rec.shared_with,
            view,
        )
        .map_err(|_| AppError::NotFound)
    }

    /// The editor's gate: readers who may not edit get 403, others the 404 of a missing id.
    async fn editable_assessment(&self, actor: &Actor, id: &str) -> AppResult<AssessmentRecord> {
        let (rec, _, _) = self.readable_assessment(actor, id).await?;
        if !may_edit_assessment(&actor.viewer()?, &actor.person.roles, &rec.org) {
            return Err(AppError::forbidden(
                "自己評価を編集できるのは、その事業者の承認者と組織管理者です。",
                "Only the operator's approvers and organisation admins edit its self-assessment.",
            ));
        }
        Ok(rec)
    }

    /// Records one item's assessment (status, tiers, evidence links, treatment plan),
    /// replacing what was there.
    pub async fn assess_item(
        &self,
        actor: &Actor,
        id: &str,
        item: ItemAssessment,
    ) -> AppResult<Visible<AssessmentView>> {
        let mut rec = self.editable_assessment(actor, id).await?;
        let standard = self.safety_standard(actor, &rec.standard).await?;
        rules::validate_item(&standard, &item)?;
        let code = item.item.clone();
        match rec.items.iter_mut().find(|i| i.item == code) {
            Some(slot) => *slot = item,
            None => rec.items.push(item),
        }
        rec.updated_by = actor.person.id.clone();
        rec.updated_at = self.now();
        self.store
            .update_assessment(
                &rec,
                actor.audit(
                    "assessment.item",
                    Some(rec.id.clone()),
                    serde_json::json!({ "item": code }),
                ),
            )
            .await?;
        self.assessment(actor, id).await
    }

    /// Sets with whom the assessment is shared: only upward routes are accepted.
    pub async fn share_assessment(
        &self,
        actor: &Actor,
        id: &str,
        input: ShareInput,
    ) -> AppResult<Visible<AssessmentView>> {
        let mut rec = self.editable_assessment(actor, id).await?;
        let mut targets: Vec<OrgId> = Vec::new();
        for t in input.shared_with {
            let target = match self.store.org(&OrgId(t.clone())).await {
                Ok(r) => org_from_record(&r)?,
                Err(StoreError::NotFound) => {
                    return Err(AppError::bad_field(
                        "shared_with",
                        "unknown_code",
                        format!("組織 {t} はありません。"),
                        format!("There is no organisation {t}."),
                    ))
                }
                Err(e) => return Err(e.into()),
            };
            if !may_share_assessment_with(&actor.org, &target) {
                return Err(AppError::bad_field(
                    "shared_with",
                    "not_upward",
                    "共有できるのは、NISC・自分野の所管省庁・所属するセプターだけです。",
                    "Share only with NISC, your sector's ministry or your CEPTOAR.",
                ));
            }
            if !targets.contains(&target.id) {
                targets.push(target.id);
            }
        }
        rec.shared_with = targets;
        rec.updated_by = actor.person.id.clone();
        rec.updated_at = self.now();
        self.store
            .update_assessment(
                &rec,
                actor.audit(
                    "assessment.share",
                    Some(rec.id.clone()),
                    serde_json::json!({ "shared_with": rec.shared_with }),
                ),
            )
            .await?;
        self.assessment(actor, id).await
    }

    /// Marks a recurring task of the organisation done (the reminder stops until it is due
    /// again).
    pub async fn mark_task_done(&self, actor: &Actor, input: TaskDoneInput) -> AppResult<()> {
        if !may_edit_assessment(&actor.viewer()?, &actor.person.roles, &actor.org.id) {
            return Err(AppError::forbidden(
                "定期作業を記録できるのは、重要インフラ事業者等の承認者と組織管理者です。",
                "Only an operator's approvers and organisation admins record recurring tasks.",
            ));
        }
        if self.reference.catalogue().control(&input.item).is_none() {
            return Err(AppError::bad_field(
                "item",
                "unknown_code",
                format!("{} は対策カタログにありません。", input.item),
                format!("{} is not in the catalogue.", input.item),
            ));
        }
        let today = self.today();
        let day = input.done_on.unwrap_or(today);
        if day > today {
            return Err(AppError::bad_field(
                "done_on",
                "future",
                "実施日に未来の日付は指定できません。",
                "The day done cannot be in the future.",
            ));
        }
        let rec = TaskDoneRecord {
            org: actor.org.id.clone(),
            item: input.item.clone(),
            done_on: day,
            by: actor.person.id.clone(),
        };
        self.store
            .put_task_done(
                &rec,
                actor.audit(
                    "assessment.task_done",
                    Some(input.item),
                    serde_json::json!({ "done_on": day }),
                ),
            )
            .await?;
        Ok(())
    }

    /// Reminders: the recurring tasks now due for the actor's organisation, from its latest
    /// assessment of each standard, with that assessment's id (one entry per task). Empty for
    /// those who do not edit the organisation's assessments.
    pub async fn due_tasks(&self, actor: &Actor) -> AppResult<Vec<(String, TaskView)>> {
        if !may_edit_assessment(&actor.viewer()?, &actor.person.roles, &actor.org.id) {
            return Ok(Vec::new());
        }
        let mut latest: Vec<AssessmentRecord> = Vec::new();
        for a in self.store.assessments_of_org(&actor.org.id).await? {
            match latest.iter_mut().find(|l| l.standard == a.standard) {
                Some(l) if l.year < a.year => *l = a,
                Some(_) => {}
                None => latest.push(a),
            }
        }
        let mut out: Vec<(String, TaskView)> = Vec::new();
        for a in latest {
            let view = self.assessment(actor, &a.id).await?.into_inner();
            for t in view.tasks.into_iter().filter(|t| t.due) {
                if !out.iter().any(|(_, x)| x.item == t.item) {
                    out.push((a.id.clone(), t));
                }
            }
        }
        Ok(out)
    }

    // ---- survey ------------------------------------------------------------------------

    /// NISC's approvers open the year's survey for chosen sectors.
    pub async fn open_survey(&self, actor: &Actor, input: NewSurvey) -> AppResult<SurveyRecord> {
        if !(actor.org.kind == OrgKind::Nisc && actor.has(Role::Approver)) {
            return Err(AppError::forbidden(
                "浸透状況調査を開始できるのはNISCの承認者です。",
                "Only NISC's approvers open the survey.",
            ));
        }
        rules::validate_year(input.year)?;
        if input.sectors.is_empty() {
            return Err(AppError::bad_field(
                "sectors",
                "required",
                "対象分野を一つ以上選んでください。",
                "Choose at least one sector.",
            ));
        }
        for s in &input.sectors {
            if self.reference.sector(s).is_none() {
                return Err(AppError::bad_field(
                    "sectors",
                    "unknown_code",
                    format!("分野 {s} はありません。"),
                    format!("There is no sector {s}."),
                ));
            }
        }
        let mut sectors = input.sectors;
        sectors.sort();
        sectors.dedup();
        let rec = SurveyRecord {
            id: new_id(),
            year: input.year,
            sectors,
            opened_by: actor.person.id.clone(),
            opened_at: self.now(),
            closed_at: None,
        };
        self.store
            .insert_survey(
                &rec,
                actor.audit(
                    "survey.open",
                    Some(rec.id.clone()),
                    serde_json::json!({ "year": rec.year, "sectors": rec.sectors }),
                ),
            )
            .await
            .map_err(|e| {
                store_conflict(
                    e,
                    "この年度の浸透状況調査は開始済みです。",
                    "This year's survey exists already.",
                )
            })?;
        Ok(rec)
    }

    fn survey_sectors_of(&self, actor: &Actor, s: &SurveyRecord) -> Vec<String> {
        match actor.org.kind {
            OrgKind::Nisc => s.sectors.clone(),
            _ => s
                .sectors
                .iter()
                .filter(|x| actor.org.sectors.iter().any(|o| &o.0 == *x))
                .cloned()
                .collect(),
        }
    }

    async fn survey_view(&self, actor: &Actor, s: &SurveyRecord) -> AppResult<Option<SurveyView>> {
        let mine = self.survey_sectors_of(actor, s);
        let involved = match actor.org.kind {
            OrgKind::Nisc => true,
            OrgKind::CiMinistry | OrgKind::Operator => !mine.is_empty(),
            _ => false,
        };
        if !involved {
            return Ok(None);
        }
        let open = s.closed_at.is_none();
        let answered = actor.org.kind == OrgKind::Operator
            && self
                .store
                .survey_responses(&s.id)
                .await?
                .iter()
                .any(|r| r.org == actor.org.id);
        Ok(Some(SurveyView {
            id: s.id.clone(),
            year: s.year,
            sectors: s.sectors.clone(),
            open,
            answered,
            may_answer: open
                && may_edit_assessment(&actor.viewer()?, &actor.person.roles, &actor.org.id),
            may_see_results: may_see_survey_results(actor.org.kind),
        }))
    }

    /// The surveys the actor's organisation takes part in (NISC: all; a ministry or operator:
    /// those of its sectors).
    pub async fn surveys(&self, actor: &Actor) -> AppResult<Vec<SurveyView>> {
        let mut out = Vec::new();
        for s in self.store.surveys().await? {
            if let Some(v) = self.survey_view(actor, &s).await? {
                out.push(v);
            }
        }
        Ok(out)
    }

    async fn involved_survey(&self, actor: &Actor, id: &str) -> AppResult<SurveyRecord> {
        let s = self.store.surveys().await?.into_iter().find(|s| s.id == id);
        match s {
            Some(s) if self.survey_view(actor, &s).await?.is_some() => Ok(s),
            _ => {
                self.note_refusal(Some(actor), "not_found", Some(&format!("survey:{id}")));
                Err(AppError::NotFound)
            }
        }
    }

    /// An operator answers from its assessment of the survey's year (status and current tier
    /// of each item); answering again replaces the answer while the survey is open.
    pub async fn respond_to_survey(
        &self,
        actor: &Actor,
        id: &str,
        input: SurveyResponseInput,
    ) -> AppResult<SurveyView> {
        let survey = self.involved_survey(actor, id).await?;
        if !may_edit_assessment(&actor.viewer()?, &actor.person.roles, &actor.org.id) {
            return Err(AppError::forbidden(
                "回答できるのは、重要インフラ事業者等の承認者と組織管理者です。",
                "Only an operator's approvers and organisation admins answer the survey.",
            ));
        }
        let assessment = self
            .store
            .assessments_of_org(&actor.org.id)
            .await?
            .into_iter()
            .find(|a| a.id == input.assessment)
            .ok_or_else(|| {
                AppError::bad_field(
                    "assessment",
                    "unknown_code",
                    "自組織の自己評価を選んでください。",
                    "Choose one of your organisation's self-assessments.",
                )
            })?;
        if assessment.year != survey.year {
            return Err(AppError::bad_field(
                "assessment",
                "mismatch",
                format!("{}年度の自己評価を選んでください。", survey.year),
                format!("Choose your self-assessment of fiscal {}.", survey.year),
            ));
        }
        let standard = self.safety_standard(actor, &assessment.standard).await?;
        let sector = standard.sector.clone();
        if !survey.sectors.contains(&sector) {
            return Err(AppError::bad_field(
                "assessment",
                "not_surveyed",
                "この調査の対象分野の安全基準等に対する自己評価を選んでください。",
                "Choose a self-assessment against a standard of a surveyed sector.",
            ));
        }
        let answers = assessment
            .items
            .iter()
            .map(|i| SurveyAnswer {
                item: i.item.clone(),
                status: i.status,
                tier: i.current_tier,
            })
            .collect();
        let rec = SurveyResponseRecord {
            survey: survey.id.clone(),
            org: actor.org.id.clone(),
            sector,
            answers,
            submitted_by: actor.person.id.clone(),
            submitted_at: self.now(),
        };
        self.store
            .put_survey_response(
                &rec,
                actor.audit(
                    "survey.respond",
                    Some(survey.id.clone()),
                    serde_json::json!({ "assessment": assessment.id }),
                ),
            )
            .await
            .map_err(|e| {
                store_conflict(
                    e,
                    "この調査は締め切られています。",
                    "This survey is closed.",
                )
            })?;
        self.survey_view(actor, &survey)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// NISC's approvers close a survey.
    pub async fn close_survey(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let survey = self.involved_survey(actor, id).await?;
        if !(actor.org.kind == OrgKind::Nisc && actor.has(Role::Approver)) {
            return Err(AppError::forbidden(
                "浸透状況調査を締め切れるのはNISCの承認者です。",
                "Only NISC's approvers close the survey.",
            ));
        }
        self.store
            .close_survey(
                &survey.id,
                self.now(),
                actor.audit(
                    "survey.close",
                    Some(survey.id.clone()),
                    serde_json::json!({}),
                ),
            )
            .await
            .map_err(|e| store_conflict(e, "締め切り済みです。", "The survey is closed already."))
    }

    /// Response rates and, per item, sector rows by status and tier that never single out an
    /// operator: each item's answers are tabulated by the statistics rule with `statistics.k`
    /// (one answer per organisation; a sector below k is merged into その他 or withheld, cells
    /// below k merged with complementary suppression). NISC sees every surveyed sector; a
    /// ministry its own. Never one operator's answer. Every read is audited.
    pub async fn survey_results(&self, actor: &Actor, id: &str) -> AppResult<SurveyResults> {
        let survey = self.involved_survey(actor, id).await?;
        if !may_see_survey_results(actor.org.kind) {
            return Err(AppError::forbidden(
                "調査結果を閲覧できるのは、NISCと重要インフラ所管省庁です。",
                "Only NISC and the CI ministries see survey results.",
            ));
        }
        let sectors = self.survey_sectors_of(actor, &survey);
        let k = self.statistics_k().await?;
        let responses: Vec<SurveyResponseRecord> = self
            .store
            .survey_responses(&survey.id)
            .await?
            .into_iter()
            .filter(|r| sectors.contains(&r.sector))
            .collect();
        let orgs = self.directory_records().await?;
        let rates = sectors
            .iter()
            .map(|s| ResponseRate {
                sector: s.clone(),
                invited: orgs.iter().filter(|o| o.active_operator_in(s)).count(),
                responded: responses.iter().filter(|r| &r.sector == s).count(),
            })
            .collect();
        let month = Month::new(survey.year, 4).ok_or_else(|| AppError::Internal("month".into()))?;
        let mut item_ids: Vec<String> = responses
            .iter()
            .flat_map(|r| r.answers.iter().map(|a| a.item.clone()))
            .collect();
        item_ids.sort_by_key(|id| {
            let pos = self
                .reference
                .catalogue()
                .controls()
                .iter()
                .position(|c| &c.id == id);
            (pos.unwrap_or(usize::MAX), id.clone())
        });
        item_ids.dedup();
        let items = item_ids
            .into_iter()
            .map(|item| {
                let rows: Vec<StatRow> = responses
                    .iter()
                    .filter_map(|r| {
                        let a = r.answers.iter().find(|a| a.item == item)?;
                        Some(StatRow {
                            sector: r.sector.clone(),
                            month,
                            event: Some(a.status.code().to_owned()),
                            cause: a.tier.map(|t| format!("tier{t}")),
                            org: r.org.0.clone(),
                            legs: [None; 3],
                        })
                    })
                    .collect();
                ItemAggregate {
                    table: tabulate(&rows, &[month], k),
                    item,
                }
            })
            .collect();
        self.store
            .append_audit(vec![actor.audit(
                "survey.results",
                Some(survey.id.clone()),
                serde_json::json!({ "sectors": sectors, "k": k }),
            )])
            .await?;
        Ok(SurveyResults {
            id: survey.id,
            year: survey.year,
            k,
            rates,
            items,
        })
    }
}

/// Status labels in the survey tables (the statistics rule's event cells carry status codes).
pub fn status_label(code: &str, ja: bool) -> String {
    match ItemStatus::from_code(code) {
        Some(s) if ja => s.label_ja().to_owned(),
        Some(s) => s.label_en().to_owned(),
        None if code == "other" => (if ja { "その他" } else { "Other" }).to_owned(),
        None => code.to_owned(),
    }
}

trait OperatorIn {
    fn active_operator_in(&self, sector: &str) -> bool;
}

impl OperatorIn for kakehashi_store::OrgRecord {
    fn active_operator_in(&self, sector: &str) -> bool {
        self.kind == OrgKind::Operator.code() && self.sectors.iter().any(|s| s == sector)
    }
}

/// One Guideline section and how many reported cases had a cause its measures would have
/// prevented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureCluster {
    pub section: String,
    pub section_ja: String,
    pub section_en: String,
    pub cases: u64,
    /// The cause types counted.
    pub causes: Vec<String>,
}

/// Which measures the reported incidents cluster on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureClusters {
    pub from: Month,
    pub to: Month,
    pub k: u32,
    pub clusters: Vec<MeasureCluster>,
}

impl App {
    /// The cases the actor may count (NISC, CI ministries), by main cause as the statistics
    /// publish them (k-anonymous, audited there), mapped onto the Guideline sections whose
    /// measures would have prevented them (the catalogue's cause mapping): the measures the
    /// reported incidents cluster on, most cases first. A case counts once per section.
    pub async fn measure_clusters(
        &self,
        actor: &Actor,
        filter: &crate::statistics::StatisticsFilter,
    ) -> AppResult<MeasureClusters> {
        let st = self.statistics(actor, filter, "clusters").await?;
        let cat = self.reference.catalogue();
        let mut by_cause: std::collections::BTreeMap<String, u64> = Default::default();
        for row in &st.table.sectors {
            for c in &row.causes {
                if let kakehashi_domain::statistics::Key::Code(code) = &c.key {
                    *by_cause.entry(code.clone()).or_default() += c.count;
                }
            }
        }
        let mut clusters: Vec<MeasureCluster> = Vec::new();
        for m in cat.cause_mappings() {
            let Some(&n) = by_cause.get(&m.cause) else {
                continue;
            };
            for section in &m.sections {
                let Some(c) = cat
                    .controls()
                    .iter()
                    .find(|c| c.is_guideline() && c.in_section(section))
                else {
                    continue;
                };
                let (ja, en) = if &c.section_no == section {
                    (c.section_ja.clone(), c.section_en.clone())
                } else {
                    (section.clone(), section.clone())
                };
                match clusters.iter_mut().find(|x| &x.section == section) {
                    Some(x) => {
                        x.cases += n;
                        x.causes.push(m.cause.clone());
                    }
                    None => clusters.push(MeasureCluster {
                        section: section.clone(),
                        section_ja: ja,
                        section_en: en,
                        cases: n,
                        causes: vec![m.cause.clone()],
                    }),
                }
            }
        }
        clusters.sort_by(|a, b| b.cases.cmp(&a.cases).then(a.section.cmp(&b.section)));
        Ok(MeasureClusters {
            from: st.from,
            to: st.to,
            k: st.table.k,
            clusters,
        })
    }
}
