//! リスクマネジメント手引書とその別紙 — the reference data of the risk register and the
//! continuity plans: the threat categories, the four supply-chain threats, the two analysis
//! methods and the 31 considerations of the CP/BCP annex (別紙「対処態勢整備に係るサイバー攻撃
//! リスクの特性並びに対応及び対策の考慮事項」), each quoting the seed with its lines.
//!
//! Compiled in from `data/risk.json`; the excerpts of the seed it quotes are kept beside it in
//! `data/seed/` so that a test checks every quotation against the text it cites.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::SeedLines;

const RISK_JSON: &str = include_str!("../data/risk.json");

/// A code with its seed wording and an English rendering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodedTerm {
    pub code: String,
    pub ja: String,
    pub en: String,
    pub seed_lines: SeedLines,
}

/// One of the two risk-analysis approaches (IPA, quoted by the handbook 5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisMethodInfo {
    pub code: String,
    pub ja: String,
    pub en: String,
    pub definition_ja: String,
    pub definition_en: String,
    pub seed_lines: SeedLines,
}

/// サイバー攻撃リスクの特性 ①–⑦ with its 【ポイント】.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Characteristic {
    pub number: u8,
    pub name_ja: String,
    pub name_en: String,
    pub point_ja: String,
    pub point_en: String,
    pub seed_lines: SeedLines,
}

/// One consideration of the annex: `phase` is `cp_bcp_drafting` (策定・改定における考慮事項)
/// or `peacetime` (発動に備えた平時の対策). `text_ja` quotes the seed; the titles are short
/// summaries for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    pub id: String,
    pub characteristic: u8,
    pub phase: String,
    pub title_ja: String,
    pub title_en: String,
    pub text_ja: String,
    pub seed_lines: SeedLines,
}

/// The whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskReference {
    /// 自然災害、管理不良、サイバー攻撃、環境変化 (安全基準等策定指針).
    pub threat_categories: Vec<CodedTerm>,
    /// The four supply-chain threats of handbook 6.4.
    pub supply_chain_threats: Vec<CodedTerm>,
    pub analysis_methods: Vec<AnalysisMethodInfo>,
    pub cp_bcp_characteristics: Vec<Characteristic>,
    pub cp_bcp_checklist: Vec<ChecklistItem>,
}

impl RiskReference {
    pub fn checklist_item(&self, id: &str) -> Option<&ChecklistItem> {
        self.cp_bcp_checklist.iter().find(|i| i.id == id)
    }
    pub fn characteristic(&self, n: u8) -> Option<&Characteristic> {
        self.cp_bcp_characteristics.iter().find(|c| c.number == n)
    }
    pub fn threat_category(&self, code: &str) -> Option<&CodedTerm> {
        self.threat_categories.iter().find(|c| c.code == code)
    }
    pub fn supply_chain_threat(&self, code: &str) -> Option<&CodedTerm> {
        self.supply_chain_threats.iter().find(|c| c.code == code)
    }
    pub fn analysis_method(&self, code: &str) -> Option<&AnalysisMethodInfo> {
        self.analysis_methods.iter().find(|c| c.code == code)
    }
    /// Every quotation with the lines it cites: (label, seed wording, lines).
    pub fn quotations(&self) -> Vec<(String, &str, &SeedLines)> {
        let mut out = Vec::new();
        for t in &self.threat_categories {
            out.push((format!("threat {}", t.code), t.ja.as_str(), &t.seed_lines));
        }
        for t in &self.supply_chain_threats {
            out.push((
                format!("supply chain {}", t.code),
                t.ja.as_str(),
                &t.seed_lines,
            ));
        }
        for m in &self.analysis_methods {
            out.push((format!("method {}", m.code), m.ja.as_str(), &m.seed_lines));
            out.push((
                format!("method {} definition", m.code),
                m.definition_ja.as_str(),
                &m.seed_lines,
            ));
        }
        for c in &self.cp_bcp_characteristics {
            out.push((
                format!("characteristic {}", c.number),
                c.name_ja.as_str(),
                &c.seed_lines,
            ));
            out.push((
                format!("characteristic {} point", c.number),
                c.point_ja.as_str(),
                &c.seed_lines,
            ));
        }
        for i in &self.cp_bcp_checklist {
            out.push((
                format!("checklist {}", i.id),
                i.text_ja.as_str(),
                &i.seed_lines,
            ));
        }
        out
    }
}

/// The embedded risk reference (parsed once; the data is tested, so a parse failure is a
/// build defect).
pub fn risk_reference() -> &'static RiskReference {
    static R: OnceLock<RiskReference> = OnceLock::new();
    R.get_or_init(|| {
        serde_json::from_str(RISK_JSON)
            .unwrap_or_else(|e| panic!("data/risk.json does not parse: {e}"))
    })
}
