//! Sharing markings: TLP (情報共有範囲) and importance (重要度).

use serde::{Deserialize, Serialize};

/// 情報共有範囲 — Traffic Light Protocol 2.0 level, with the handbook's own definitions
/// (notes part 6 §5.2, part 7 §3.2). Ordered from most to least restrictive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Tlp {
    /// 宛先限り — addressees only.
    #[serde(rename = "RED")]
    Red,
    /// 特定分野・組織内関係者限り — staff of the concerned sector's organisations, need to know.
    #[serde(rename = "AMBER+STRICT")]
    AmberStrict,
    /// 特定分野・関係者限り — as AMBER+STRICT plus contractors under NDA.
    #[serde(rename = "AMBER")]
    Amber,
    /// 重要インフラ関係主体限り — all CI stakeholders.
    #[serde(rename = "GREEN")]
    Green,
    /// 公開情報 — public.
    #[serde(rename = "CLEAR")]
    Clear,
}

impl Tlp {
    pub const ALL: [Tlp; 5] = [
        Tlp::Red,
        Tlp::AmberStrict,
        Tlp::Amber,
        Tlp::Green,
        Tlp::Clear,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Tlp::Red => "RED",
            Tlp::AmberStrict => "AMBER+STRICT",
            Tlp::Amber => "AMBER",
            Tlp::Green => "GREEN",
            Tlp::Clear => "CLEAR",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let c = code.trim().replace(' ', "").to_ascii_uppercase();
        Self::ALL.into_iter().find(|t| t.code() == c)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Tlp::Red => "宛先限り",
            Tlp::AmberStrict => "特定分野・組織内関係者限り",
            Tlp::Amber => "特定分野・関係者限り",
            Tlp::Green => "重要インフラ関係主体限り",
            Tlp::Clear => "公開情報",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Tlp::Red => "Addressees only",
            Tlp::AmberStrict => "Concerned sector, organisation staff only",
            Tlp::Amber => "Concerned sector, persons concerned only",
            Tlp::Green => "CI stakeholders only",
            Tlp::Clear => "Public",
        }
    }

    /// True when `self` is at least as restrictive as `other`.
    pub fn at_least_as_strict_as(self, other: Tlp) -> bool {
        self <= other
    }
}

/// 重要度 — importance, as the sender rates what the receiver should do (表４).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Importance {
    /// 警報 — consider a response immediately.
    Alert,
    /// 注意喚起 — consider a response.
    Caution,
    /// 参考情報 — for reference.
    Reference,
}

impl Importance {
    pub const ALL: [Importance; 3] = [
        Importance::Alert,
        Importance::Caution,
        Importance::Reference,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Importance::Alert => "alert",
            Importance::Caution => "caution",
            Importance::Reference => "reference",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.code() == code)
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            Importance::Alert => "警報",
            Importance::Caution => "注意喚起",
            Importance::Reference => "参考情報",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Importance::Alert => "Alert",
            Importance::Caution => "Caution",
            Importance::Reference => "Reference",
        }
    }
}
