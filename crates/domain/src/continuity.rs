//! コンティンジェンシープラン・事業継続計画 — the rules of an operator's continuity plans
//! (手引書 §7 and its annex): a contingency plan (CP, 初動対応), a BCP, an IT-BCP and a
//! business recovery plan (事業復旧計画), each with its activation criteria, the hand-over
//! from the IT-BCP (or CP) to the BCP, the pre-defined cut-off points with the person who
//! decides (annex ③, A-3-a/b), the communication channels with their manual fallbacks
//! (A-5-f, A-7-b), a review date, and the annex's checklist (pass / fail / notes per item).

use crate::risk::coded_enum;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// 計画の種別.
    PlanKind {
        Cp = "cp", "コンティンジェンシープラン（CP）", "Contingency plan (CP)";
        Bcp = "bcp", "事業継続計画（BCP）", "Business continuity plan (BCP)";
        ItBcp = "it_bcp", "IT-BCP", "IT-BCP";
        Recovery = "recovery", "事業復旧計画", "Business recovery plan";
    }
);

coded_enum!(
    /// 計画の状態: drafted, approved (in force), retired.
    PlanStatus {
        Draft = "draft", "作成中", "Draft";
        Approved = "approved", "承認済（有効）", "Approved (in force)";
        Retired = "retired", "廃止", "Retired";
    }
);

coded_enum!(
    /// One checklist item's result.
    CheckResult {
        Unchecked = "unchecked", "未確認", "Not checked";
        Pass = "pass", "適合", "Pass";
        Fail = "fail", "不適合", "Fail";
    }
);

/// Whether a plan of `from` may name a plan of `to` as the one it hands over to: the IT-BCP
/// and the CP (initial response) hand over to the BCP; nothing else hands over.
pub fn may_hand_over(from: PlanKind, to: PlanKind) -> bool {
    use PlanKind::*;
    match (from, to) {
        (ItBcp, Bcp) | (Cp, Bcp) => true,
        (ItBcp, Cp | ItBcp | Recovery) | (Cp, Cp | ItBcp | Recovery) | (Bcp, _) | (Recovery, _) => {
            false
        }
    }
}

/// Whether a plan may move from `from` to `to`: approve a draft, revise an approved plan
/// (back to draft), retire either; a retired plan stays retired.
pub fn may_move_plan(from: PlanStatus, to: PlanStatus) -> bool {
    use PlanStatus::*;
    match (from, to) {
        (Draft, Approved) | (Approved, Draft) | (Draft, Retired) | (Approved, Retired) => true,
        (Draft, Draft) | (Approved, Approved) | (Retired, _) => false,
    }
}

/// What a plan has, as far as approval asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanShape {
    pub has_activation_criteria: bool,
    pub channels: usize,
    pub channels_without_fallback: usize,
    pub cutoff_points: usize,
    pub cutoffs_without_decider: usize,
    pub has_review_date: bool,
    pub hands_over_to_missing: bool,
}

/// What stands in the way of approving a plan, each naming the field it concerns: activation
/// criteria, at least one communication channel, a manual fallback for every channel (mail may
/// be down in an attack, A-5-f), a decision-maker for every cut-off point (A-3-b), a review
/// date, and a hand-over to a plan that exists.
pub fn approval_gaps(s: PlanShape) -> Vec<&'static str> {
    let mut out = Vec::new();
    if !s.has_activation_criteria {
        out.push("activation_criteria");
    }
    if s.channels == 0 || s.channels_without_fallback > 0 {
        out.push("channels");
    }
    if s.cutoffs_without_decider > 0 {
        out.push("cutoff_points");
    }
    if !s.has_review_date {
        out.push("review_on");
    }
    if s.hands_over_to_missing {
        out.push("hands_over_to");
    }
    out
}

/// The name of what an approval gap ([`approval_gaps`]) asks for, in Japanese and English, so
/// that messages and pages name it in words rather than by field.
pub fn approval_gap_label(field: &str) -> (&'static str, &'static str) {
    match field {
        "activation_criteria" => ("発動基準", "activation criteria"),
        "channels" => (
            "情報共有手段とその手動の代替手段",
            "communication channels with their manual fallbacks",
        ),
        "cutoff_points" => (
            "各遮断・停止ポイントの判断責任者",
            "a decision-maker for every cut-off point",
        ),
        "review_on" => ("見直し予定日", "the next review date"),
        "hands_over_to" => ("引継ぎ先のBCP", "the BCP it hands over to"),
        _ => ("計画の記載", "the plan's content"),
    }
}

/// Counts of a checklist's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ChecklistSummary {
    pub pass: usize,
    pub fail: usize,
    pub unchecked: usize,
}

/// `results` holds the items checked; `items` is how many the checklist has (the rest are
/// unchecked).
pub fn checklist_summary(results: &[CheckResult], items: usize) -> ChecklistSummary {
    let pass = results.iter().filter(|r| **r == CheckResult::Pass).count();
    let fail = results.iter().filter(|r| **r == CheckResult::Fail).count();
    ChecklistSummary {
        pass,
        fail,
        unchecked: items.saturating_sub(pass + fail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in PlanKind::ALL {
            assert_eq!(PlanKind::from_code(k.code()), Some(*k));
        }
        for k in PlanStatus::ALL {
            assert_eq!(PlanStatus::from_code(k.code()), Some(*k));
        }
        for k in CheckResult::ALL {
            assert_eq!(CheckResult::from_code(k.code()), Some(*k));
        }
        assert_eq!(PlanKind::ALL.len(), 4);
    }

    #[test]
    fn only_it_bcp_and_cp_hand_over_to_the_bcp() {
        let mut allowed = vec![];
        for a in PlanKind::ALL {
            for b in PlanKind::ALL {
                if may_hand_over(*a, *b) {
                    allowed.push((*a, *b));
                }
            }
        }
        assert_eq!(
            allowed,
            vec![
                (PlanKind::Cp, PlanKind::Bcp),
                (PlanKind::ItBcp, PlanKind::Bcp)
            ]
        );
    }

    #[test]
    fn plan_moves() {
        use PlanStatus::*;
        let mut allowed = vec![];
        for a in PlanStatus::ALL {
            for b in PlanStatus::ALL {
                if may_move_plan(*a, *b) {
                    allowed.push((*a, *b));
                }
            }
        }
        assert_eq!(
            allowed,
            vec![
                (Draft, Approved),
                (Draft, Retired),
                (Approved, Draft),
                (Approved, Retired)
            ]
        );
    }

    #[test]
    fn every_gap_has_a_name_in_words() {
        let all = approval_gaps(PlanShape {
            channels_without_fallback: 1,
            channels: 1,
            cutoffs_without_decider: 1,
            cutoff_points: 1,
            hands_over_to_missing: true,
            ..PlanShape::default()
        });
        assert_eq!(all.len(), 5, "{all:?}");
        let fallback = approval_gap_label("");
        for g in all {
            let (ja, en) = approval_gap_label(g);
            assert_ne!((ja, en), fallback, "{g}");
            assert!(!ja.is_ascii() && en.is_ascii(), "{g}: {ja} / {en}");
        }
    }

    #[test]
    fn approval_gaps_name_each_missing_part() {
        let full = PlanShape {
            has_activation_criteria: true,
            channels: 2,
            channels_without_fallback: 0,
            cutoff_points: 1,
            cutoffs_without_decider: 0,
            has_review_date: true,
            hands_over_to_missing: false,
        };
        assert!(approval_gaps(full).is_empty());
        assert_eq!(
            approval_gaps(PlanShape {
                cutoff_points: 0,
                ..full
            }),
            Vec::<&str>::new()
        );
        assert_eq!(
            approval_gaps(PlanShape {
                has_activation_criteria: false,
                ..full
            }),
            vec!["activation_criteria"]
        );
        assert_eq!(
            approval_gaps(PlanShape {
                channels: 0,
                ..full
            }),
            vec!["channels"]
        );
        assert_eq!(
            approval_gaps(PlanShape {
                channels_without_fallback: 1,
                ..full
            }),
            vec!["channels"]
        );
        assert_eq!(
            approval_gaps(PlanShape {
                cutoffs_without_decider: 1,
                ..full
            }),
            vec!["cutoff_points"]
        );
        assert_eq!(
            approval_gaps(PlanShape {
                has_review_date: false,
                ..full
            }),
            vec!["review_on"]
        );
        assert_eq!(
            approval_gaps(PlanShape {
                hands_over_to_missing: true,
                ..full
            }),
            vec!["hands_over_to"]
        );
        assert_eq!(
            approval_gaps(PlanShape::default()),
            vec!["activation_criteria", "channels", "review_on"]
        );
    }

    #[test]
    fn checklist_counts() {
        use CheckResult::*;
        assert_eq!(
            checklist_summary(&[Pass, Fail, Unchecked, Pass], 31),
            ChecklistSummary {
                pass: 2,
                fail: 1,
                unchecked: 28
            }
        );
        assert_eq!(
            checklist_summary(&[], 31),
            ChecklistSummary {
                pass: 0,
                fail: 0,
                unchecked: 31
            }
        );
        assert_eq!(
            checklist_summary(&[Pass; 3], 2),
            ChecklistSummary {
                pass: 3,
                fail: 0,
                unchecked: 0
            }
        );
    }
}
