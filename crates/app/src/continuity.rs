//! 事業継続計画 — an operator's continuity plans (CP, BCP, IT-BCP, 事業復旧計画; 手引書 §7):
//! activation criteria, the hand-over to the BCP, pre-defined cut-off points and who decides,
//! communication channels with manual fallbacks, a review date, and the check against the
//! annex's 31 considerations (pass / fail / notes per item, the items from the reference data).
//!
//! Like the risk register, the plans are the organisation's own (the policy's
//! `decide_org_internal`); changes need a reporter, approver or organisation-admin role, and
//! approving needs the approver role. The rules (hand-over, moves, approval gaps, checklist
//! counts, due states) are the domain's ([`kakehashi_domain::continuity`]).

use crate::error::{AppError, AppResult};
use crate::identity::Actor;
use crate::risk::NEAR_DAYS;
use crate::App;
use chrono::NaiveDate;
use kakehashi_domain::continuity::{
    self as rules, CheckResult, ChecklistSummary, PlanKind, PlanShape, PlanStatus,
};
use kakehashi_domain::risk::{due_state, DueState};
use kakehashi_domain::text::{self, Subject};
use kakehashi_domain::Role;
use kakehashi_policy::{reveal_org_internal, Visible};
use kakehashi_reference::risk_reference;
use kakehashi_store::ContinuityPlanRecord;
use serde::{Deserialize, Serialize};

/// A pre-defined cut-off or stop point (annex A-3-a/b).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CutoffPoint {
    /// What is cut off or stopped (a network link, a system).
    pub point: String,
    /// Who decides to cut it off.
    #[serde(default)]
    pub decision_maker: String,
    /// What the decision rests on (stop windows, impact, alternatives).
    #[serde(default)]
    pub criteria: String,
}

/// A communication channel with its manual fallback (annex A-5-f).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channel {
    /// The usual means (e-mail, a chat system, the phone system).
    pub channel: String,
    /// What replaces it when it is down (satellite phone, runner, fax).
    #[serde(default)]
    pub fallback: String,
}

/// A plan as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanInput {
    /// `cp`, `bcp`, `it_bcp` or `recovery`.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub scope: String,
    /// 発動基準.
    #[serde(default)]
    pub activation_criteria: String,
    /// The id of the BCP this IT-BCP or CP hands over to, or empty.
    #[serde(default)]
    pub hands_over_to: String,
    /// When the hand-over happens.
    #[serde(default)]
    pub handover_criteria: String,
    #[serde(default)]
    pub cutoff_points: Vec<CutoffPoint>,
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// `YYYY-MM-DD`, the next review, or empty.
    #[serde(default)]
    pub review_on: String,
}

/// One checklist answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistAnswer {
    /// The item id, e.g. `A-3-b`.
    pub item: String,
    /// `pass`, `fail` or `unchecked`.
    pub result: String,
    #[serde(default)]
    pub notes: String,
}

/// Answers to set (items not named keep their answer).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistInput {
    pub answers: Vec<ChecklistAnswer>,
}

/// A move of the plan's status.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanStatusInput {
    /// `draft`, `approved` or `retired`.
    pub status: String,
}

/// What is stored.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
struct PlanBody {
    #[serde(flatten)]
    input: PlanInput,
    #[serde(default)]
    checklist: Vec<ChecklistAnswer>,
}

/// One checklist row as shown: the item from the reference data with the plan's answer.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistRow {
    pub item: String,
    pub characteristic: u8,
    pub phase: String,
    pub title_ja: String,
    pub title_en: String,
    pub text_ja: String,
    pub seed_lines: String,
    pub result: CheckResult,
    pub notes: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub id: String,
    pub kind: PlanKind,
    pub kind_label_ja: &'static str,
    pub kind_label_en: &'static str,
    pub status: PlanStatus,
    pub status_label_ja: &'static str,
    pub status_label_en: &'static str,
    #[serde(flatten)]
    pub input: PlanInput,
    pub hands_over_to_title: Option<String>,
    pub checklist: Vec<ChecklistRow>,
    pub summary: ChecklistSummary,
    /// What approval still needs, by field.
    pub approval_gaps: Vec<&'static str>,
    /// `later`, `near` or `overdue`; absent without a review date.
    pub review_state: Option<DueState>,
    pub may_edit: bool,
    pub may_approve: bool,
}

fn bad(field: &'static str, rule: &'static str, ja: &str, en: &str) -> AppError {
    AppError::bad_field(field, rule, ja, en)
}

fn body_of(p: &ContinuityPlanRecord) -> AppResult<PlanBody> {
    serde_json::from_str(&p.body)
        .map_err(|e| AppError::Internal(format!("stored plan {}: {e}", p.id)))
}

impl App {
    fn plan_view(
        &self,
        actor: &Actor,
        p: &ContinuityPlanRecord,
        all: &[ContinuityPlanRecord],
    ) -> AppResult<PlanView> {
        let body = body_of(p)?;
        let kind = PlanKind::from_code(&p.kind)
            .ok_or_else(|| AppError::Internal(format!("stored plan kind {:?}", p.kind)))?;
        let status = PlanStatus::from_code(&p.status)
            .ok_or_else(|| AppError::Internal(format!("stored plan status {:?}", p.status)))?;
        let reference = risk_reference();
        let checklist: Vec<ChecklistRow> = reference
            .cp_bcp_checklist
            .iter()
            .map(|i| {
                let a = body.checklist.iter().find(|a| a.item == i.id);
                ChecklistRow {
                    item: i.id.clone(),
                    characteristic: i.characteristic,
                    phase: i.phase.clone(),
                    title_ja: i.title_ja.clone(),
                    title_en: i.title_en.clone(),
                    text_ja: i.text_ja.clone(),
                    seed_lines: i.seed_lines.to_string(),
                    result: a
                        .and_then(|a| CheckResult::from_code(&a.result))
                        .unwrap_or(CheckResult::Unchecked),
                    notes: a.map(|a| a.notes.clone()).unwrap_or_default(),
                }
            })
            .collect();
        let results: Vec<CheckResult> = checklist.iter().map(|r| r.result).collect();
        let target = (!body.input.hands_over_to.is_empty())
            .then(|| all.iter().find(|q| q.id == body.input.hands_over_to))
            .flatten();
        let shape = PlanShape {
            has_activation_criteria: !body.input.activation_criteria.trim().is_empty(),
            channels: body.input.channels.len(),
            channels_without_fallback: body
                .input
                .channels
                .iter()
                .filter(|c| c.fallback.trim().is_empty())
                .count(),
            cutoff_points: body.input.cutoff_points.len(),
            cutoffs_without_decider: body
                .input
                .cutoff_points
                .iter()
                .filter(|c| c.decision_maker.trim().is_empty())
                .count(),
            has_review_date: p.review_on.is_some(),
            hands_over_to_missing: !body.input.hands_over_to.is_empty() && target.is_none(),
        };
        Ok(PlanView {
            id: p.id.clone(),
            kind,
            kind_label_ja: kind.label_ja(),
            kind_label_en: kind.label_en(),
            status,
            status_label_ja: status.label_ja(),
            status_label_en: status.label_en(),
            hands_over_to_title: target.map(|t| t.title.clone()),
            summary: rules::checklist_summary(&results, checklist.len()),
            checklist,
            approval_gaps: rules::approval_gaps(shape),
            review_state: p
                .review_on
                .filter(|_| status != PlanStatus::Retired)
                .map(|d| due_state(d, self.today(), NEAR_DAYS)),
            may_edit: crate::risk::may_edit_risk(actor),
            may_approve: crate::risk::may_edit_risk(actor) && actor.has(Role::Approver),
            input: body.input,
        })
    }

    /// The organisation's plans.
    pub async fn continuity_plans(&self, actor: &Actor) -> AppResult<Visible<Vec<PlanView>>> {
        self.risk_gate(actor, false)?;
        let all = self.store.continuity_plans(&actor.org.id).await?;
        let views = all
            .iter()
            .map(|p| self.plan_view(actor, p, &all))
            .collect::<AppResult<Vec<_>>>()?;
        reveal_org_internal(&actor.viewer()?, &actor.org.id, views).map_err(|_| AppError::NotFound)
    }

    /// One plan of the organisation, or the 404 of a missing one.
    pub async fn continuity_plan(&self, actor: &Actor, id: &str) -> AppResult<Visible<PlanView>> {
        self.risk_gate(actor, false)?;
        let all = self.store.continuity_plans(&actor.org.id).await?;
        let Some(p) = all.iter().find(|p| p.id == id) else {
            self.note_refusal(Some(actor), "not_found", Some(&format!("plan:{id}")));
            return Err(AppError::NotFound);
        };
        let view = self.plan_view(actor, p, &all)?;
        reveal_org_internal(&actor.viewer()?, &actor.org.id, view).map_err(|_| AppError::NotFound)
    }

    async fn own_plan(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(ContinuityPlanRecord, Vec<ContinuityPlanRecord>)> {
        let all = self.store.continuity_plans(&actor.org.id).await?;
        match all.iter().find(|p| p.id == id) {
            Some(p) => Ok((p.clone(), all)),
            None => {
                self.note_refusal(Some(actor), "not_found", Some(&format!("plan:{id}")));
                Err(AppError::NotFound)
            }
        }
    }

    /// Creates (`id` None, as a draft) or replaces a plan's content (its status and checklist
    /// stay). Audited as `continuity.save`.
    pub async fn save_continuity_plan(
        &self,
        actor: &Actor,
        id: Option<&str>,
        input: PlanInput,
    ) -> AppResult<String> {
        self.risk_gate(actor, true)?;
        let kind = PlanKind::from_code(input.kind.trim()).ok_or_else(|| {
            bad(
                "kind",
                "unknown_code",
                "種別は cp・bcp・it_bcp・recovery から選んでください。",
                "Choose the kind: cp, bcp, it_bcp or recovery.",
            )
        })?;
        let (old, all) = match id {
            Some(id) => {
                let (p, all) = self.own_plan(actor, id).await?;
                (Some(p), all)
            }
            None => (None, self.store.continuity_plans(&actor.org.id).await?),
        };
        let hands_over_to = input.hands_over_to.trim().to_owned();
        if !hands_over_to.is_empty() {
            let target = all
                .iter()
                .find(|p| p.id == hands_over_to && Some(&p.id) != old.as_ref().map(|o| &o.id));
            let ok = target
                .and_then(|t| PlanKind::from_code(&t.kind))
                .is_some_and(|to| rules::may_hand_over(kind, to));
            if !ok {
                return Err(bad(
                    "hands_over_to",
                    "not_a_bcp",
                    "引継ぎ先は自組織のBCPです（IT-BCP又はCPからBCPへの引継ぎのみ）。",
                    "A plan hands over to one of your organisation's BCPs (from an IT-BCP or a CP only).",
                ));
            }
        }
        let review_on = match input.review_on.trim() {
            "" => None,
            v => Some(
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .ok()
                    .filter(|d| d.format("%Y-%m-%d").to_string() == v)
                    .ok_or_else(|| {
                        bad(
                            "review_on",
                            "format",
                            "見直し予定日はYYYY-MM-DDの形式で入力してください。",
                            "The review date must be YYYY-MM-DD.",
                        )
                    })?,
            ),
        };
        if input.cutoff_points.len() > 50 || input.channels.len() > 50 {
            return Err(bad(
                if input.channels.len() > 50 {
                    "channels"
                } else {
                    "cutoff_points"
                },
                "too_many",
                "50件までです。",
                "At most 50 entries.",
            ));
        }
        let mut cutoff_points = Vec::new();
        for c in &input.cutoff_points {
            let c = CutoffPoint {
                point: text::clean(Subject::Continuity, "point", &c.point)?,
                decision_maker: text::clean(
                    Subject::Continuity,
                    "decision_maker",
                    &c.decision_maker,
                )?,
                criteria: text::clean(Subject::Continuity, "criteria", &c.criteria)?,
            };
            if !c.point.is_empty() {
                cutoff_points.push(c);
            }
        }
        let mut channels = Vec::new();
        for c in &input.channels {
            let c = Channel {
                channel: text::clean(Subject::Continuity, "channel", &c.channel)?,
                fallback: text::clean(Subject::Continuity, "fallback", &c.fallback)?,
            };
            if !c.channel.is_empty() {
                channels.push(c);
            }
        }
        let clean = PlanInput {
            kind: kind.code().to_owned(),
            title: text::clean(Subject::Continuity, "title", &input.title)?,
            scope: text::clean(Subject::Continuity, "scope", &input.scope)?,
            activation_criteria: text::clean(
                Subject::Continuity,
                "activation_criteria",
                &input.activation_criteria,
            )?,
            hands_over_to,
            handover_criteria: text::clean(
                Subject::Continuity,
                "handover_criteria",
                &input.handover_criteria,
            )?,
            cutoff_points,
            channels,
            review_on: review_on
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        };
        let now = self.now();
        let checklist = match &old {
            Some(p) => body_of(p)?.checklist,
            None => Vec::new(),
        };
        let rec = ContinuityPlanRecord {
            id: old
                .as_ref()
                .map(|p| p.id.clone())
                .unwrap_or_else(crate::new_id),
            org: actor.org.id.clone(),
            kind: kind.code().to_owned(),
            status: old
                .as_ref()
                .map(|p| p.status.clone())
                .unwrap_or_else(|| PlanStatus::Draft.code().to_owned()),
            title: clean.title.clone(),
            body: serde_json::to_string(&PlanBody {
                input: clean,
                checklist,
            })
            .map_err(|e| AppError::Internal(e.to_string()))?,
            review_on,
            created_at: old.as_ref().map(|p| p.created_at).unwrap_or(now),
            updated_by: actor.person.id.clone(),
            updated_at: now,
        };
        let audit = actor.audit(
            "continuity.save",
            Some(actor.org.id.0.clone()),
            serde_json::json!({ "plan": rec.id, "kind": rec.kind }),
        );
        self.store.put_continuity_plan(&rec, audit).await?;
        Ok(rec.id)
    }

    /// Records checklist answers (audited as `continuity.checklist`).
    pub async fn set_plan_checklist(
        &self,
        actor: &Actor,
        id: &str,
        input: ChecklistInput,
    ) -> AppResult<()> {
        self.risk_gate(actor, true)?;
        let (mut p, _) = self.own_plan(actor, id).await?;
        let mut body = body_of(&p)?;
        let reference = risk_reference();
        for a in &input.answers {
            if reference.checklist_item(&a.item).is_none() {
                return Err(bad(
                    "answers",
                    "unknown_item",
                    "別紙のチェックリストにない項目です。",
                    "No such item in the annex's checklist.",
                ));
            }
            let result = CheckResult::from_code(a.result.trim()).ok_or_else(|| {
                bad(
                    "answers",
                    "unknown_code",
                    "結果は pass・fail・unchecked です。",
                    "The result is pass, fail or unchecked.",
                )
            })?;
            let notes = text::clean(Subject::Continuity, "notes", &a.notes)?;
            body.checklist.retain(|x| x.item != a.item);
            body.checklist.push(ChecklistAnswer {
                item: a.item.clone(),
                result: result.code().to_owned(),
                notes,
            });
        }
        body.checklist.sort_by(|a, b| a.item.cmp(&b.item));
        p.body = serde_json::to_string(&body).map_err(|e| AppError::Internal(e.to_string()))?;
        p.updated_by = actor.person.id.clone();
        p.updated_at = self.now();
        let audit = actor.audit(
            "continuity.checklist",
            Some(actor.org.id.0.clone()),
            serde_json::json!({ "plan": id, "answers": input.answers.len() }),
        );
        self.store.put_continuity_plan(&p, audit).await?;
        Ok(())
    }

    /// Moves a plan's status; approving needs the approver role and no approval gap.
    pub async fn set_plan_status(
        &self,
        actor: &Actor,
        id: &str,
        input: PlanStatusInput,
    ) -> AppResult<()> {
        self.risk_gate(actor, true)?;
        let to = PlanStatus::from_code(input.status.trim()).ok_or_else(|| {
            bad(
                "status",
                "unknown_code",
                "状態は draft・approved・retired です。",
                "The status is draft, approved or retired.",
            )
        })?;
        let (mut p, all) = self.own_plan(actor, id).await?;
        let from = PlanStatus::from_code(&p.status).unwrap_or(PlanStatus::Draft);
        if !rules::may_move_plan(from, to) {
            return Err(AppError::Conflict {
                message_ja: format!(
                    "「{}」から「{}」には変更できません。",
                    from.label_ja(),
                    to.label_ja()
                ),
                message_en: format!("A plan cannot move from {} to {}.", from.code(), to.code()),
            });
        }
        if to == PlanStatus::Approved {
            actor.require(Role::Approver)?;
            let gaps = self.plan_view(actor, &p, &all)?.approval_gaps;
            if let Some(first) = gaps.first() {
                let ja: Vec<&str> = gaps
                    .iter()
                    .map(|g| rules::approval_gap_label(g).0)
                    .collect();
                let en: Vec<&str> = gaps
                    .iter()
                    .map(|g| rules::approval_gap_label(g).1)
                    .collect();
                return Err(AppError::bad_field(
                    first,
                    "required_for_approval",
                    format!("承認の前に次を整えてください：{}", ja.join("、")),
                    format!("Before approval, complete: {}.", en.join("; ")),
                ));
            }
        }
        p.status = to.code().to_owned();
        p.updated_by = actor.person.id.clone();
        p.updated_at = self.now();
        let audit = actor.audit(
            "continuity.status",
            Some(actor.org.id.0.clone()),
            serde_json::json!({ "plan": id, "from": from.code(), "to": to.code() }),
        );
        self.store.put_continuity_plan(&p, audit).await?;
        Ok(())
    }
}
