//! Ready-made provision forms and the ministry→sector mapping for tests and the demo.
//!
//! [`official_fig8_example`] is the handbook's filled-in example (図８ 情報提供様式記載例), kept as
//! close to the printed text as the typed form allows (seed lines 36682–36785; transcription in
//! `reference/examples/provision-example-fig8.txt`).

use super::form::{ContactBlock, ProvisionForm, Recipient};
use super::validate::MinistrySectors;
use crate::sharing::{Importance, Tlp};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};

/// A time written on the form (Japan Standard Time), as UTC.
fn jst(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    FixedOffset::east_opt(9 * 3600)
        .and_then(|jst| jst.with_ymd_and_hms(y, mo, d, h, mi, 0).single())
        .map(|t| t.with_timezone(&Utc))
        .expect("fixture times are valid")
}

/// The official filled-in example, 図８ 情報提供様式記載例 (内閣官房→重要インフラ所管省庁, 第1報).
///
/// Verbatim except where the printed placeholders cannot pass validation:
/// - 識別番号 「Txxxxxx」 → `T1`.
/// - 情報提供日時 「2022年XX月XX日 13:00」 → 2022-04-01 13:00 JST (the date is a placeholder).
/// - 情報提供先 「XX省（ZZ分野）、YY省（ZZ分野）、…」 → 経済産業省（電力）and 国土交通省（鉄道）
///   (`meti`/`electric_power`, `mlit`/`railway`); any overseen pairs would do.
/// - 電話番号 / FAX番号 「03-xxxx-xxxx」 → 「03-0000-0000」.
/// - TLP GREEN (4th of 5 boxes) and 特記事項 「特になし」 are positional readings.
/// - The indicator list is empty: the printed form has none; the defanged URL in ② and the
///   domain in ③ are what [`super::suggest_indicators`] finds.
pub fn official_fig8_example() -> ProvisionForm {
    ProvisionForm {
        importance: Some(Importance::Reference),
        report_no: 1,
        ident_number: Some("T1".into()),
        provided_at: Some(jst(2022, 4, 1, 13, 0)),
        recipients: vec![
            Recipient::new("meti", "electric_power"),
            Recipient::new("mlit", "railway"),
        ],
        tlp: Some(Tlp::Green),
        tlp_notes: "特になし".into(),
        has_attachments: Some(false),
        summary: "大手サイトfunifuniにおいてサイト改ざんが行われ、当該サイトへのアクセスに伴いマルウェア（悪\n\
                  意のあるソフトウェア）感染のおそれがあります。"
            .into(),
        targets: "XX年XX月XX日以降に\nhttp://example.co.jp/top(.)html\nにアクセスした場合。".into(),
        countermeasures: concat!(
            "○Webアクセスログ等の確認を行う。\n",
            "○マルウェアの通信先である次のIP及びドメインをブロックする。\n",
            "\u{3000}XX.XX.XX.XX、ZZ.ZZ.ZZ.ZZ、example.com"
        )
        .into(),
        indicators: Vec::new(),
        other: "特になし".into(),
        contact: ContactBlock {
            person: "提供　花子".into(),
            phone: "03-0000-0000".into(),
            fax: "03-0000-0000".into(),
            email: "teikyo.hanako@xx.go.jp".into(),
        },
    }
}

/// The five CI ministries and their sectors as in `reference/organisations.json` at this writing
/// (water supply under MLIT). For tests; production uses the reference data.
pub fn reference_jurisdiction() -> MinistrySectors {
    let list = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    MinistrySectors {
        ministries: vec![
            ("fsa".into(), list(&["finance"])),
            (
                "mic".into(),
                list(&[
                    "information_communications",
                    "government_administrative_services",
                ]),
            ),
            ("mhlw".into(), list(&["medical"])),
            (
                "meti".into(),
                list(&["electric_power", "gas", "chemical", "credit", "petroleum"]),
            ),
            (
                "mlit".into(),
                list(&[
                    "aviation",
                    "airport",
                    "railway",
                    "water_supply",
                    "logistics",
                    "port",
                ]),
            ),
        ],
        sectors: crate::liaison::fixtures::reference_codes().sectors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::validate::Jurisdiction;

    /// The fixture's mapping is exactly the embedded reference data's.
    #[test]
    fn jurisdiction_matches_the_reference_data() {
        let r = kakehashi_reference::embedded();
        let fixed = reference_jurisdiction();
        let from_ref: Vec<(String, Vec<String>)> = r
            .ci_ministries()
            .iter()
            .map(|m| {
                (
                    m.id.clone(),
                    m.sectors.iter().map(|s| s.sector_id.clone()).collect(),
                )
            })
            .collect();
        assert_eq!(fixed.ministries, from_ref);
        for (m, sectors) in &fixed.ministries {
            for s in &fixed.sectors {
                assert_eq!(r.oversees(m, s), sectors.contains(s), "{m} {s}");
                assert!(r.is_sector(s));
            }
            assert!(r.is_ministry(m));
        }
        assert!(!r.is_ministry("npa"), "not a CI ministry");
    }
}
