//! 情報提供様式 (図７) — NISC's provision form with every field, as the official sheet prints them.
//!
//! The seed lines are in `reference/forms.json` (form id `joho_teikyo_yoshiki`). Only the starred
//! items are required. The structured indicator list ([`Indicator`]) is Kakehashi's addition to
//! ③対処方針: the printed form carries indicators as free text.

use crate::ids::{OrgId, SectorId};
use crate::sharing::{Importance, Tlp};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The whole form as NISC issues it (内閣官房→重要インフラ所管省庁).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvisionForm {
    /// 重要度 — how NISC rates the content (not starred).
    pub importance: Option<Importance>,
    /// 報数（第 報）* — 1 for the first provision, k for the k-th.
    pub report_no: u32,
    /// 識別番号 * — `T<n>` / `T<n>-<k>`, assigned by NISC when it issues the provision.
    pub ident_number: Option<String>,
    /// 情報提供日時 * — minute precision.
    pub provided_at: Option<DateTime<Utc>>,
    /// 情報提供先（所管省庁名及び分野名）* — ministry/sector pairs.
    pub recipients: Vec<Recipient>,
    /// 情報共有範囲 * — TLP of the provision.
    pub tlp: Option<Tlp>,
    /// 特記事項 — parts that may be shared regardless of the TLP, etc.
    pub tlp_notes: String,
    /// 別紙有無 * — whether a separate sheet accompanies the form.
    pub has_attachments: Option<bool>,
    /// 脅威等の内容 ①概要.
    pub summary: String,
    /// 脅威等の内容 ②対象.
    pub targets: String,
    /// ③対処方針.
    pub countermeasures: String,
    /// Indicators (IoC) that go with ③ — typed or extracted from the text; values canonical
    /// (refanged), shown defanged.
    pub indicators: Vec<Indicator>,
    /// ④その他.
    pub other: String,
    /// 本件問合せ先 — NISC 重要インフラ防護担当 (inquiries from ministries in scope only).
    pub contact: ContactBlock,
}

/// One 情報提供先 row: a CI ministry (所管省庁名) and a sector it oversees (分野名).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recipient {
    /// The ministry's organisation id, e.g. `meti` (reference data id).
    pub ministry: OrgId,
    /// The sector id, e.g. `electric_power`.
    pub sector: SectorId,
}

impl Recipient {
    pub fn new(ministry: &str, sector: &str) -> Self {
        Self {
            ministry: OrgId::from(ministry),
            sector: SectorId::from(sector),
        }
    }
}

/// 本件問合せ先 — 内閣サイバーセキュリティセンター 重要インフラ防護担当.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactBlock {
    /// 重要インフラ防護担当：（担当者名）.
    pub person: String,
    /// 電話番号.
    pub phone: String,
    /// FAX番号.
    pub fax: String,
    /// 電子メールアドレス.
    pub email: String,
}

/// An indicator (指標, IoC) listed with ③対処方針.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    pub kind: IndicatorKind,
    /// Canonical (refanged) value, e.g. `http://example.co.jp/top.html`.
    pub value: String,
    /// Free note, e.g. 「マルウェアの通信先」.
    pub note: String,
    pub origin: IndicatorOrigin,
}

/// Kind of an indicator.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IndicatorKind {
    /// IPv4 or IPv6 address, optionally with a CIDR prefix.
    Ip,
    Domain,
    Url,
    /// MD5, SHA-1, SHA-256 (or SHA-512) hex digest.
    Hash,
    Email,
    #[default]
    Other,
}

impl IndicatorKind {
    pub const ALL: [IndicatorKind; 6] = [
        IndicatorKind::Ip,
        IndicatorKind::Domain,
        IndicatorKind::Url,
        IndicatorKind::Hash,
        IndicatorKind::Email,
        IndicatorKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            IndicatorKind::Ip => "ip",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Url => "url",
            IndicatorKind::Hash => "hash",
            IndicatorKind::Email => "email",
            IndicatorKind::Other => "other",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            IndicatorKind::Ip => "IPアドレス",
            IndicatorKind::Domain => "ドメイン",
            IndicatorKind::Url => "URL",
            IndicatorKind::Hash => "ハッシュ値",
            IndicatorKind::Email => "メールアドレス",
            IndicatorKind::Other => "その他",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            IndicatorKind::Ip => "IP address",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Url => "URL",
            IndicatorKind::Hash => "hash",
            IndicatorKind::Email => "e-mail address",
            IndicatorKind::Other => "other",
        }
    }
}

/// Where an indicator came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IndicatorOrigin {
    /// Typed (or pasted) by NISC staff.
    #[default]
    Typed,
    /// Extracted from the form's text by [`crate::provision::extract_indicators`].
    Extracted,
}

impl ProvisionForm {
    /// The sectors of 情報提供先, first occurrence order, without duplicates.
    pub fn target_sectors(&self) -> Vec<SectorId> {
        let mut out: Vec<SectorId> = Vec::new();
        for r in &self.recipients {
            if !out.contains(&r.sector) {
                out.push(r.sector.clone());
            }
        }
        out
    }

    /// Every free-text item in form order, as `(field path, row, text)`: 特記事項, ①, ②, ③, the
    /// indicators (value, note per row), ④ and the contact block. Sanitisation scans these.
    pub fn text_fields(&self) -> Vec<(&'static str, Option<usize>, &str)> {
        let mut out: Vec<(&'static str, Option<usize>, &str)> = vec![
            ("tlp_notes", None, &self.tlp_notes),
            ("summary", None, &self.summary),
            ("targets", None, &self.targets),
            ("countermeasures", None, &self.countermeasures),
        ];
        for (i, ind) in self.indicators.iter().enumerate() {
            out.push(("indicators.value", Some(i), &ind.value));
            out.push(("indicators.note", Some(i), &ind.note));
        }
        out.extend([
            ("other", None, self.other.as_str()),
            ("contact.person", None, self.contact.person.as_str()),
            ("contact.phone", None, self.contact.phone.as_str()),
            ("contact.fax", None, self.contact.fax.as_str()),
            ("contact.email", None, self.contact.email.as_str()),
        ]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_defaults_and_codes() {
        let f: ProvisionForm = serde_json::from_str(
            r#"{"report_no":2,"recipients":[{"ministry":"meti","sector":"gas"}],
                "indicators":[{"kind":"domain","value":"example.com"}],"tlp":"AMBER+STRICT"}"#,
        )
        .expect("parses");
        assert_eq!(f.report_no, 2);
        assert_eq!(f.recipients, vec![Recipient::new("meti", "gas")]);
        assert_eq!(f.indicators[0].kind, IndicatorKind::Domain);
        assert_eq!(f.indicators[0].origin, IndicatorOrigin::Typed);
        assert_eq!(f.tlp, Some(Tlp::AmberStrict));
        let back: ProvisionForm =
            serde_json::from_str(&serde_json::to_string(&f).expect("json")).expect("round trip");
        assert_eq!(back, f);
        for k in IndicatorKind::ALL {
            assert_eq!(IndicatorKind::from_code(k.code()), Some(k));
        }
    }

    #[test]
    fn target_sectors_dedup_in_order() {
        let f = ProvisionForm {
            recipients: vec![
                Recipient::new("meti", "gas"),
                Recipient::new("meti", "electric_power"),
                Recipient::new("meti", "gas"),
            ],
            ..Default::default()
        };
        assert_eq!(
            f.target_sectors(),
            vec![SectorId::from("gas"), SectorId::from("electric_power")]
        );
    }
}
