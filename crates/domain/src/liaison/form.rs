//! 情報連絡様式 (図４) — the liaison form with every field, as the official sheet numbers them.
//!
//! Field names follow the form; the seed lines are in `reference/forms.json` (form id
//! `joho_renraku_yoshiki`). Only the starred fields are required (※４: speed first).

use crate::ids::SectorId;
use crate::sharing::{Importance, Tlp};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The whole form as one hop sends it. Each hop keeps its own immutable copy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiaisonForm {
    /// 重要度 — how the sender rates it (not starred).
    pub importance: Option<Importance>,
    /// 報数（第 報）* — 1 for the first report, k for the k-th.
    pub report_no: u32,
    /// 識別番号 * (from the 2nd report): the chain's R-number as NISC assigned it; blank on the 1st.
    pub ident_number: Option<String>,
    /// 情報連絡日時 * — as-of time of the content, minute precision.
    pub reported_at: Option<DateTime<Utc>>,
    /// 情報連絡元 * — who sends this hop.
    pub sender: SenderBlock,
    /// 情報共有範囲 * — TLP of this hop.
    pub tlp: Option<Tlp>,
    /// 特記事項 — notes on the chosen TLP, e.g. what may be shared more widely.
    pub tlp_notes: String,
    /// ①発生した事象の類型 — exactly one event code (EV-..), the first detected (※２).
    pub event: Option<String>,
    /// ②上記事象における原因の類型 — one or more cause codes (CA-..).
    pub causes: Vec<String>,
    /// 別紙有無 * — whether attachments accompany the form.
    pub has_attachments: Option<bool>,
    /// ③分野名 * — sector code.
    pub sector: Option<SectorId>,
    /// ④事象が発生した重要インフラ事業者等名 — may be masked by a CEPTOAR.
    pub operator_name: String,
    /// ⑤概要.
    pub summary: SummaryBlock,
    /// （補足情報） — supplementary information.
    pub supplementary: String,
    /// ⑥重要インフラサービス等への影響.
    pub impact: ImpactBlock,
    /// ⑥ 対外的な対応状況.
    pub external: ExternalBlock,
    /// ⑦当該事象に係る推移等 — timeline rows.
    pub timeline: Vec<TimelineRow>,
    /// ⑧今後の予定.
    pub next_steps: Option<NextSteps>,
    /// ⑨その他・得られた教訓等.
    pub lessons: String,
}

impl LiaisonForm {
    /// Every typed text item in form order, as `(field path, row, text)`: the sender block,
    /// 特記事項, ④, ⑤, 補足情報, ⑥, ⑦ (日時 and 事象 per row) and ⑨. 識別番号 has its own format.
    pub fn text_fields(&self) -> Vec<(&'static str, Option<usize>, &str)> {
        let s = &self.sender;
        let mut out: Vec<(&'static str, Option<usize>, &str)> = vec![
            ("sender.organisation", None, &s.organisation),
            ("sender.department", None, &s.department),
            ("sender.person", None, &s.person),
            ("sender.phone", None, &s.phone),
            ("sender.fax", None, &s.fax),
            ("sender.email", None, &s.email),
            ("tlp_notes", None, &self.tlp_notes),
            ("operator_name", None, &self.operator_name),
            ("summary.occurred_note", None, &self.summary.occurred_note),
            (
                "summary.affected_system",
                None,
                &self.summary.affected_system,
            ),
            ("summary.description", None, &self.summary.description),
            ("supplementary", None, &self.supplementary),
            (
                "impact.sml_override.reason",
                None,
                self.impact
                    .sml_override
                    .as_ref()
                    .map_or("", |o| o.reason.as_str()),
            ),
            ("external.press_detail", None, &self.external.press_detail),
            ("external.ppc_detail", None, &self.external.ppc_detail),
            (
                "external.other_contacts",
                None,
                &self.external.other_contacts,
            ),
        ];
        for (i, row) in self.timeline.iter().enumerate() {
            out.push(("timeline.at", Some(i), &row.at));
            out.push(("timeline.event", Some(i), &row.event));
        }
        out.push(("lessons", None, &self.lessons));
        out
    }
}

/// 情報連絡元 — sender block (省庁名 is printed; any organisation may send a hop here).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SenderBlock {
    /// 省庁名 / 組織名 *.
    pub organisation: String,
    /// 部局名.
    pub department: String,
    /// 担当者名.
    pub person: String,
    /// 電話番号.
    pub phone: String,
    /// FAX番号.
    pub fax: String,
    /// 電子メールアドレス.
    pub email: String,
}

/// ⑤概要.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummaryBlock {
    /// 判明日時.
    pub discovered_at: Option<DateTime<Utc>>,
    /// （発生日時）.
    pub occurred_at: Option<DateTime<Utc>>,
    /// 発生日時 estimate note, e.g. （サーバログ等より推測）.
    pub occurred_note: String,
    /// 事象が発生したシステム・委託先業者等.
    pub affected_system: String,
    /// 発生事象の概要.
    pub description: String,
}

/// ⑥ impact on CI services.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImpactBlock {
    /// システムの稼働状況.
    pub system_status: Option<SystemStatus>,
    /// The affected 重要インフラサービス (別紙２), by its reference-data id (e.g.
    /// `telecommunications_service`); it must belong to ③分野名.
    pub service: Option<String>,
    /// The impact figures the service's maintenance level is judged by.
    pub measures: ImpactMeasures,
    /// The reporter's own judgement in place of the evaluation, with the reason (recorded).
    pub sml_override: Option<SmlOverride>,
    /// サービス維持レベル逸脱の有無 — derived from `service`, `measures` and `sml_override`
    /// (see [`super::sml`]); a value sent must equal the derived one. Forms stored before the
    /// evaluation existed keep the value typed then.
    pub sml_deviation: Option<bool>,
    /// 他の事業者等への波及の可能性.
    pub spread_to_others: Option<bool>,
}

/// The figures a service maintenance level (別紙２) is judged by; `None` means not (yet) known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImpactMeasures {
    /// 利用者の数 — users affected.
    pub affected_users: Option<u64>,
    /// 継続時間 / 支障時間 — how long the outage lasted (or has lasted so far), in minutes.
    pub duration_minutes: Option<u64>,
    /// 供給支障電力 — lost supply in kW.
    pub supply_loss_kw: Option<u64>,
    /// 供給支障戸数 — households without supply.
    pub households: Option<u64>,
    /// The failed equipment is 中継局の無線設備 (relay-station radio equipment; broadcasting).
    pub relay_station_radio_equipment: bool,
    /// For services without numeric criteria (別紙２ 注２): whether a CI service outage caused
    /// by a system malfunction occurred.
    pub outage_occurred: Option<bool>,
}

impl ImpactMeasures {
    /// True when nothing was entered.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The reporter's judgement of ⑥逸脱の有無 replacing the evaluation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmlOverride {
    /// 逸脱あり (true) / 逸脱なし (false).
    pub deviation: bool,
    /// Why the evaluation does not fit (required).
    pub reason: String,
}

/// ⑥ 対外的な対応状況 — external actions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExternalBlock {
    /// 報道発表、報道等への掲載.
    pub press: Option<PressStatus>,
    /// 日時・件名 when 済 or 予定有 (or the page address).
    pub press_detail: String,
    /// 個人情報保護委員会への連絡.
    pub ppc: Option<PpcStatus>,
    /// 日時・件名 when 済.
    pub ppc_detail: String,
    /// その他NISC以外に連絡を行った先, e.g. the prefectural police.
    pub other_contacts: String,
}

/// One row of ⑦.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineRow {
    /// 日時 — as written (the official example uses "XX/XX 00:00"), so free text.
    pub at: String,
    /// 事象・対応状況等.
    pub event: String,
}

/// システムの稼働状況.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SystemStatus {
    /// 影響なし
    NoImpact,
    /// 停止中
    Stopped,
    /// 一部稼働中
    PartlyRunning,
    /// 復旧済
    Restored,
}

/// 報道発表.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PressStatus {
    /// 済
    Done,
    /// 予定有
    Planned,
    /// 無
    None,
}

/// 個人情報保護委員会への連絡.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PpcStatus {
    /// 済
    Done,
    /// 確認中
    Checking,
    /// 不要
    NotNeeded,
}

/// ⑧今後の予定 — also the chain's state: open while a follow-up is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NextSteps {
    /// 事象継続中（続報あり）
    Ongoing,
    /// 事後調査実施中（続報あり）
    Investigating,
    /// 今後の対応策を継続検討（続報なし）
    ConsideringMeasures,
    /// 対応完了（続報なし）
    Completed,
}

impl NextSteps {
    pub const ALL: [NextSteps; 4] = [
        NextSteps::Ongoing,
        NextSteps::Investigating,
        NextSteps::ConsideringMeasures,
        NextSteps::Completed,
    ];
    /// 続報あり — another report is announced.
    pub fn follow_up_expected(self) -> bool {
        matches!(self, NextSteps::Ongoing | NextSteps::Investigating)
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            NextSteps::Ongoing => "事象継続中（続報あり）",
            NextSteps::Investigating => "事後調査実施中（続報あり）",
            NextSteps::ConsideringMeasures => "今後の対応策を継続検討（続報なし）",
            NextSteps::Completed => "対応完了（続報なし）",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            NextSteps::Ongoing => "Event ongoing (follow-up to come)",
            NextSteps::Investigating => "Post-incident investigation (follow-up to come)",
            NextSteps::ConsideringMeasures => "Considering further measures (no follow-up)",
            NextSteps::Completed => "Response complete (no follow-up)",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            NextSteps::Ongoing => "ongoing",
            NextSteps::Investigating => "investigating",
            NextSteps::ConsideringMeasures => "considering_measures",
            NextSteps::Completed => "completed",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.code() == c)
    }
}
