//! 情報連絡を行う場合 — which of the handbook's three cases a first report is filed under
//! (行動計画 別添 2.1, seed L2755–L2775), what each case means for the report, and the
//! answer when the reporter is unsure (consult the ministry or the Cabinet Secretariat first).
//!
//! | case | handbook wording | route | recorded |
//! |---|---|---|---|
//! | ① [`ReportingCase::Statutory`] | 法令等で所管省庁への報告が義務付けられている | the ministry, directly; never the anonymising CEPTOAR route | the case |
//! | ② [`ReportingCase::SeriousImpact`] | 関係主体が深刻な影響があると判断し、事業者等が共有を適切と判断 | as ③ | the case and who judged (`judged_by`, required) |
//! | ③ [`ReportingCase::OwnJudgement`] | そのほか事業者等が共有を適切と判断 | the ministry, or the CEPTOAR (anonymised) for its members | the case |
//!
//! Every case: what is known at the time is reported as it becomes known; fragmentary or
//! uncertain information before the whole picture is clear is acceptable (seed L2758–L2760).
//! A follow-up keeps its case's classification. [`settle`] is the one rule that turns what a
//! filer sent (the case, the older `statutory` flag, who judged) into the recorded case.

use serde::{Deserialize, Serialize};

/// The case a first report is filed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReportingCase {
    /// ① 法令等で重要インフラ所管省庁への報告が義務付けられている場合.
    Statutory,
    /// ② 関係主体が国民生活や重要インフラサービスに深刻な影響があると判断した場合であって、
    /// 重要インフラ事業者等が情報共有を行うことが適切と判断した場合.
    SeriousImpact,
    /// ③ そのほか重要インフラ事業者等が情報共有を行うことが適切と判断した場合.
    OwnJudgement,
}

/// The longest `judged_by` (a stakeholder's name) in characters.
pub const MAX_JUDGED_BY_CHARS: usize = 200;

/// Why what a filer sent does not settle into a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseError {
    /// The web form asks for a case and none was chosen.
    Missing,
    /// `statutory: true` with a case other than ①.
    ConflictsWithStatutory,
    /// ② without naming who judged the impact serious.
    JudgedByRequired,
    /// `judged_by` with a case other than ②.
    JudgedByOnlyForSeriousImpact,
    /// `judged_by` over [`MAX_JUDGED_BY_CHARS`] or with control characters.
    JudgedByInvalid,
}

impl CaseError {
    /// The input the error is about.
    pub fn field(self) -> &'static str {
        match self {
            CaseError::Missing | CaseError::ConflictsWithStatutory => "case",
            CaseError::JudgedByRequired
            | CaseError::JudgedByOnlyForSeriousImpact
            | CaseError::JudgedByInvalid => "case_judged_by",
        }
    }

    /// Stable rule code.
    pub fn rule(self) -> &'static str {
        match self {
            CaseError::Missing => "required",
            CaseError::ConflictsWithStatutory => "conflicts_with_statutory",
            CaseError::JudgedByRequired => "required",
            CaseError::JudgedByOnlyForSeriousImpact => "serious_impact_only",
            CaseError::JudgedByInvalid => "text",
        }
    }

    pub fn message_ja(self) -> &'static str {
        match self {
            CaseError::Missing => "情報連絡を行うケース（①〜③）を選んでください。",
            CaseError::ConflictsWithStatutory => {
                "法令等報告対象とする場合、ケースは①（法令等による報告義務）です。"
            }
            CaseError::JudgedByRequired => {
                "ケース②では、深刻な影響があると判断した関係主体を記入してください。"
            }
            CaseError::JudgedByOnlyForSeriousImpact => {
                "判断した関係主体はケース②の場合にのみ記入します。"
            }
            CaseError::JudgedByInvalid => {
                "判断した関係主体は200文字以内で、制御文字を含めずに記入してください。"
            }
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            CaseError::Missing => "Choose the case (① to ③) this report is filed under.",
            CaseError::ConflictsWithStatutory => {
                "A statutory report is filed under case ① (a law requires the report)."
            }
            CaseError::JudgedByRequired => {
                "Case ② needs the stakeholder who judged the impact serious."
            }
            CaseError::JudgedByOnlyForSeriousImpact => {
                "Who judged the impact is given for case ② only."
            }
            CaseError::JudgedByInvalid => {
                "Who judged the impact: at most 200 characters, no control characters."
            }
        }
    }
}

impl ReportingCase {
    pub const ALL: [ReportingCase; 3] = [
        ReportingCase::Statutory,
        ReportingCase::SeriousImpact,
        ReportingCase::OwnJudgement,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReportingCase::Statutory => "statutory",
            ReportingCase::SeriousImpact => "serious_impact",
            ReportingCase::OwnJudgement => "own_judgement",
        }
    }

    pub fn from_code(code: &str) -> Option<ReportingCase> {
        ReportingCase::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The older flag: ① is 法令等報告対象, which closes the anonymising route.
    pub fn is_statutory(self) -> bool {
        match self {
            ReportingCase::Statutory => true,
            ReportingCase::SeriousImpact | ReportingCase::OwnJudgement => false,
        }
    }

    /// The circled number the handbook gives the case.
    pub fn mark(self) -> &'static str {
        match self {
            ReportingCase::Statutory => "①",
            ReportingCase::SeriousImpact => "②",
            ReportingCase::OwnJudgement => "③",
        }
    }

    /// The handbook's wording (seed L2762–L2770).
    pub fn label_ja(self) -> &'static str {
        match self {
            ReportingCase::Statutory => "法令等で重要インフラ所管省庁への報告が義務付けられている",
            ReportingCase::SeriousImpact => {
                "関係主体が国民生活や重要インフラサービスに深刻な影響があると判断し、自社も情報共有が適切と判断した"
            }
            ReportingCase::OwnJudgement => "そのほか自社が情報共有を行うことが適切と判断した",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ReportingCase::Statutory => "A law or regulation requires a report to the CI ministry",
            ReportingCase::SeriousImpact => {
                "A stakeholder judged the impact on people's lives or CI services serious, and we judge sharing appropriate"
            }
            ReportingCase::OwnJudgement => "Otherwise, we judge sharing appropriate",
        }
    }

    /// What filing under this case means, before sending: route and what is recorded. The
    /// recipients themselves are the route preview's (the same planner the filing uses).
    pub fn consequences(self) -> &'static [(&'static str, &'static str)] {
        match self {
            ReportingCase::Statutory => &[
                (
                    "所管省庁へ直接届きます。セプター経由（匿名化）は選べません。所管省庁には貴社名が伝わります。",
                    "Goes straight to your CI ministry; the anonymising CEPTOAR route is closed, so the ministry learns who you are.",
                ),
                (
                    "法令等に基づく報告（事故報告等）は、この連絡とは別に各法令の定めに従って行ってください。",
                    "Reports a law prescribes (accident reports and the like) are still made as that law says, apart from this liaison.",
                ),
                (
                    "続報もこの区分を引き継ぎます。",
                    "Follow-ups keep this classification.",
                ),
            ],
            ReportingCase::SeriousImpact => &[
                (
                    "深刻な影響があると判断した関係主体（省庁、セプター等）の名称を記録します。",
                    "The stakeholder (a ministry, a CEPTOAR…) that judged the impact serious is recorded.",
                ),
                (
                    "所管省庁へ送るか、セプターの構成員であればセプター経由（匿名化）で送れます。",
                    "Goes to your CI ministry, or through your CEPTOAR (anonymised) if you are a member.",
                ),
                (
                    "続報もこの区分を引き継ぎます。",
                    "Follow-ups keep this classification.",
                ),
            ],
            ReportingCase::OwnJudgement => &[
                (
                    "所管省庁へ送るか、セプターの構成員であればセプター経由（匿名化）で送れます。セプター経由では所管省庁・NISCに貴社名は伝わりません。",
                    "Goes to your CI ministry, or through your CEPTOAR (anonymised) if you are a member; that way neither the ministry nor NISC learns who you are.",
                ),
                (
                    "続報もこの区分を引き継ぎます。",
                    "Follow-ups keep this classification.",
                ),
            ],
        }
    }
}

/// Said under every case (seed L2758–L2760).
pub const FRAGMENTARY_OK: (&str, &str) = (
    "その時点で判明している事象や原因を随時連絡します。全容が判明する前の断片的・不確定な情報でも差し支えありません。",
    "Report what is known as it becomes known; fragmentary or uncertain information before the whole picture is clear is fine.",
);

/// Said when the reporter is unsure which case applies (seed L2772–L2773).
pub const WHEN_UNSURE: (&str, &str) = (
    "どのケースに該当するか不明な場合は、所管省庁又は内閣官房（NISC）に相談することが望まれます。",
    "If you are unsure which case applies, consult your CI ministry or the Cabinet Secretariat (NISC) first.",
);

/// The recorded case of a first report from what the filer sent: `case` when given (it must
/// agree with `statutory`), else ① for `statutory` and, when `required` is false (API clients
/// that predate the case), ③ otherwise. `judged_by` is trimmed and required exactly for ②.
pub fn settle(
    case: Option<ReportingCase>,
    statutory: bool,
    judged_by: Option<&str>,
    required: bool,
) -> Result<(ReportingCase, Option<String>), CaseError> {
    let case = match (case, statutory) {
        (Some(c), true) if !c.is_statutory() => return Err(CaseError::ConflictsWithStatutory),
        (Some(c), _) => c,
        (None, true) => ReportingCase::Statutory,
        (None, false) if required => return Err(CaseError::Missing),
        (None, false) => ReportingCase::OwnJudgement,
    };
    let judged_by = judged_by.map(str::trim).filter(|s| !s.is_empty());
    match (case, judged_by) {
        (ReportingCase::SeriousImpact, None) => Err(CaseError::JudgedByRequired),
        (ReportingCase::SeriousImpact, Some(j)) => {
            if j.chars().count() > MAX_JUDGED_BY_CHARS || j.chars().any(char::is_control) {
                Err(CaseError::JudgedByInvalid)
            } else {
                Ok((case, Some(j.to_owned())))
            }
        }
        (ReportingCase::Statutory | ReportingCase::OwnJudgement, Some(_)) => {
            Err(CaseError::JudgedByOnlyForSeriousImpact)
        }
        (ReportingCase::Statutory | ReportingCase::OwnJudgement, None) => Ok((case, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseError::*;
    use ReportingCase::*;

    #[test]
    fn codes_round_trip_and_only_case_one_is_statutory() {
        for c in ReportingCase::ALL {
            assert_eq!(ReportingCase::from_code(c.code()), Some(c));
            assert_eq!(c.is_statutory(), c == Statutory);
            assert!(!c.consequences().is_empty());
        }
        assert_eq!(ReportingCase::from_code("statutory "), None);
    }

    /// Every combination of what a filer may send, against the table in the module header.
    #[test]
    fn settle_table() {
        let j = Some("経済産業省");
        type Row<'a> = (
            Option<ReportingCase>,
            bool,
            Option<&'a str>,
            bool,
            Result<(ReportingCase, Option<&'a str>), CaseError>,
        );
        #[rustfmt::skip]
        let table: [Row; 16] = [
            // case, statutory, judged_by, required => result
            (Some(Statutory),     false, None, true,  Ok((Statutory, None))),
            (Some(Statutory),     true,  None, true,  Ok((Statutory, None))),
            (Some(Statutory),     false, j,    false, Err(JudgedByOnlyForSeriousImpact)),
            (Some(SeriousImpact), false, j,    true,  Ok((SeriousImpact, j))),
            (Some(SeriousImpact), false, None, true,  Err(JudgedByRequired)),
            (Some(SeriousImpact), false, Some("  "), true, Err(JudgedByRequired)),
            (Some(SeriousImpact), true,  j,    true,  Err(ConflictsWithStatutory)),
            (Some(OwnJudgement),  false, None, true,  Ok((OwnJudgement, None))),
            (Some(OwnJudgement),  true,  None, false, Err(ConflictsWithStatutory)),
            (Some(OwnJudgement),  false, j,    true,  Err(JudgedByOnlyForSeriousImpact)),
            (None,                true,  None, true,  Ok((Statutory, None))),
            (None,                true,  None, false, Ok((Statutory, None))),
            (None,                false, None, false, Ok((OwnJudgement, None))),
            (None,                false, None, true,  Err(Missing)),
            (None,                false, j,    false, Err(JudgedByOnlyForSeriousImpact)),
            (Some(SeriousImpact), false, Some(" 電力セプター "), true, Ok((SeriousImpact, Some("電力セプター")))),
        ];
        for (case, statutory, judged, required, want) in table {
            let got = settle(case, statutory, judged, required);
            let want = want.map(|(c, j)| (c, j.map(str::to_owned)));
            assert_eq!(got, want, "{case:?} {statutory} {judged:?} {required}");
        }
    }

    #[test]
    fn judged_by_is_bounded_and_plain() {
        let long = "あ".repeat(MAX_JUDGED_BY_CHARS + 1);
        assert_eq!(
            settle(Some(SeriousImpact), false, Some(&long), true),
            Err(JudgedByInvalid)
        );
        let at_limit = "あ".repeat(MAX_JUDGED_BY_CHARS);
        assert!(settle(Some(SeriousImpact), false, Some(&at_limit), true).is_ok());
        assert_eq!(
            settle(Some(SeriousImpact), false, Some("経済\u{7}産業省"), true),
            Err(JudgedByInvalid)
        );
        for e in [
            Missing,
            ConflictsWithStatutory,
            JudgedByRequired,
            JudgedByOnlyForSeriousImpact,
            JudgedByInvalid,
        ] {
            assert!(matches!(e.field(), "case" | "case_judged_by"));
            assert!(!e.message_ja().is_empty() && !e.message_en().is_empty());
        }
    }
}
