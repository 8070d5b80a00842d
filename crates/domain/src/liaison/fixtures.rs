//! Ready-made forms and code lists for tests and the demo.
//!
//! [`official_fig5_example`] is the handbook's filled-in example (図５ 情報連絡様式記載例), kept as
//! close to the printed text as the typed form allows. It is a public function, not test-only,
//! because other crates' tests and the demo reuse it.

use super::form::{
    ExternalBlock, ImpactBlock, ImpactMeasures, LiaisonForm, NextSteps, PpcStatus, PressStatus,
    SenderBlock, SummaryBlock, SystemStatus, TimelineRow,
};
use super::taxonomy::CodeLists;
use crate::ids::SectorId;
use crate::sharing::{Importance, Tlp};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};

/// A time written on the form (Japan Standard Time), as UTC.
fn jst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    FixedOffset::east_opt(9 * 3600)
        .and_then(|jst| jst.with_ymd_and_hms(y, mo, d, h, mi, 0).single())
        .map(|t| t.with_timezone(&Utc))
        .expect("fixture times are valid")
}

/// The official filled-in example, 図５ 情報連絡様式記載例 (XX省 → NISC, 第1報).
///
/// Verbatim except where the printed placeholders cannot pass validation or are ambiguous:
/// - ③分野名 is printed as 「〇〇分野」; a sector id is required, so this uses `credit`
///   (a member-information service, as in the example). Any known sector would do.
/// - 電話番号 / FAX番号 are printed as 「03-XXXX-YYYY」; letters are not a phone number, so this
///   uses 「03-0000-0000」.
/// - 判明日時 / 発生日時: the printed values are 2023-08-18 20:00 and 2023-08-19 02:59; the order
///   of the printout is ambiguous. This takes the plausible reading: occurred (estimated from
///   server logs) 08-18 20:00, discovered 08-19 02:59.
/// - TLP GREEN, event 情報の破壊 (EV-03), cause 不明 (CA-O-02) and PPC 不要 are positional
///   readings of the tick boxes.
/// - ⑥逸脱の有無 is printed 無 without naming a service; it is derived now, so this names the
///   sector's one service (クレジットサービス) and answers 注２'s question "no outage of it".
/// - The example's own inconsistencies (no leak per the PPC note vs. leaks in ⑤) are kept.
pub fn official_fig5_example() -> LiaisonForm {
    LiaisonForm {
        importance: Some(Importance::Reference),
        report_no: 1,
        ident_number: None,
        reported_at: Some(jst(2023, 8, 19, 13, 15)),
        sender: SenderBlock {
            organisation: "XX省".into(),
            department: "YY課".into(),
            person: "連絡　太郎".into(),
            phone: "03-0000-0000".into(),
            fax: "03-0000-0000".into(),
            email: "renraku.taro@xx.go.jp".into(),
        },
        tlp: Some(Tlp::Green),
        tlp_notes: "企業名・該当サービス等、企業が特定される事項を除いて他分野への情報提供可。".into(),
        event: Some("EV-03".into()),
        causes: vec!["CA-O-02".into()],
        has_attachments: Some(false),
        sector: Some(SectorId::from("credit")),
        operator_name: "○○株式会社".into(),
        summary: SummaryBlock {
            discovered_at: Some(jst(2023, 8, 19, 2, 59)),
            occurred_at: Some(jst(2023, 8, 18, 20, 0)),
            occurred_note: "（サーバログ等より推測）".into(),
            affected_system: "会社情報管理サービス（https://example.com/top.php）\n\
                              ・会員がアクセスし、個人情報の変更やサービス申込等を実施。"
                .into(),
            description: "・○○株式会社の会員情報管理サービスのWEBサイトが改竄された。\n\
                          ・閲覧したユーザにウイルス感染の恐れがあり、現在、当該サイトを一時閉鎖しサービス停止中。\n\
                          ・多数の個人情報流出が確認されており、被害の詳細を調査中。"
                .into(),
        },
        supplementary: "・XX月XX日現在、○○件の個人情報流出を確認。\n\
                        （名前、住所、電話番号、メールアドレスが漏えい。）\n\
                        ・コンテンツ管理システムＹＹＹＹのv99.99の脆弱性を突かれたものと想定される。"
            .into(),
        impact: ImpactBlock {
            system_status: Some(SystemStatus::Stopped),
            service: Some("credit_services".into()),
            measures: ImpactMeasures {
                outage_occurred: Some(false),
                ..ImpactMeasures::default()
            },
            sml_override: None,
            sml_deviation: Some(false),
            spread_to_others: Some(false),
        },
        external: ExternalBlock {
            press: Some(PressStatus::Done),
            press_detail: "XX/XX 09:00頃　○○株式会社のトップページにニュースリリースを掲載。\n\
                           （https://example.com/newsXXXX）"
                .into(),
            ppc: Some(PpcStatus::NotNeeded),
            ppc_detail: "現在のところ、個人情報漏洩の事実は確認されていない。".into(),
            other_contacts: "XX/XX 10:00頃　○○県警へ通報".into(),
        },
        timeline: vec![
            TimelineRow {
                at: "XX/XX 00:00".into(),
                event: "外部より○○株式会社のHPがおかしいと匿名メールを受信。".into(),
            },
            TimelineRow {
                at: "XX/XX 01:00".into(),
                event: "サーバ運用ベンダへ連絡。サーバログ等の調査をし、HPが改ざんされていることを確認。"
                    .into(),
            },
            TimelineRow {
                at: "XX/XX 03:00".into(),
                event: "アクセスした利用者にウィルス感染のおそれがあるためサーバを停止。".into(),
            },
        ],
        next_steps: Some(NextSteps::Ongoing),
        lessons: "・現時点での得られた教訓は、経営層への情報のエスカレーション体制を普段から確認し、\
                  迅速な判断ができるようにすること。"
            .into(),
    }
}

/// The codes of `reference/taxonomy.json` and `reference/sectors.json` as of this writing:
/// events EV-01..EV-08, the 17 causes, the 15 sectors. For tests; production uses the
/// reference data.
pub fn reference_codes() -> CodeLists {
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
    CodeLists {
        events: strings(&[
            "EV-01", "EV-02", "EV-03", "EV-04", "EV-05", "EV-06", "EV-07", "EV-08",
        ]),
        causes: strings(&[
            "CA-I-01", "CA-I-02", "CA-I-03", "CA-I-04", "CA-I-05", "CA-I-06", "CA-A-01", "CA-A-02",
            "CA-A-03", "CA-A-04", "CA-A-05", "CA-A-06", "CA-A-07", "CA-A-08", "CA-E-01", "CA-O-01",
            "CA-O-02",
        ]),
        sectors: strings(&[
            "information_communications",
            "finance",
            "aviation",
            "airport",
            "railway",
            "electric_power",
            "gas",
            "government_administrative_services",
            "medical",
            "water_supply",
            "logistics",
            "chemical",
            "credit",
            "petroleum",
            "port",
        ]),
    }
}
