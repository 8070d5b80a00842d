//! 情報提供の範囲 — scope arithmetic of a provision (Action Plan 別添 3, handbook 3.1).
//!
//! A provision goes only to the sectors NISC judges relevant **and** the source allowed in
//! advance (あらかじめ情報提供元が示した共有可能な範囲内); going wider needs the source's consent
//! (情報提供元との調整). Likewise its TLP may not be looser than any source's, unless that source
//! consented. Tlp order: RED < AMBER+STRICT < AMBER < GREEN < CLEAR (looser = greater).

use super::form::ProvisionForm;
use crate::ids::{OrgId, SectorId};
use crate::sharing::Tlp;
use serde::{Deserialize, Serialize};

/// What a source (a liaison chain, an external item) allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceScope {
    /// How NISC refers to the source internally, e.g. `R12` or 「JPCERT/CC 提供情報 2024-05」.
    pub label: String,
    /// The source's own TLP (情報共有範囲).
    pub tlp: Tlp,
    /// Sectors the source allows the information to reach; `None` = any sector.
    pub allowed_sectors: Option<Vec<SectorId>>,
    /// Wider sharing the source agreed to afterwards.
    #[serde(default)]
    pub consents: Vec<Consent>,
}

/// A widening the source agreed to (情報提供元の同意).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// The information may also go to this sector.
    Sector(SectorId),
    /// The information may be shared up to this TLP.
    Tlp(Tlp),
}

impl SourceScope {
    /// The source allows (or consented to) `sector`.
    pub fn allows_sector(&self, sector: &SectorId) -> bool {
        self.allowed_sectors
            .as_ref()
            .is_none_or(|s| s.contains(sector))
            || self.consents.contains(&Consent::Sector(sector.clone()))
    }

    /// The loosest TLP the source permits: its own, or a consented looser one.
    pub fn loosest_tlp(&self) -> Tlp {
        self.consents
            .iter()
            .filter_map(|c| match c {
                Consent::Tlp(t) => Some(*t),
                Consent::Sector(_) => None,
            })
            .fold(self.tlp, Tlp::max)
    }

    /// The source permits a provision at `tlp`.
    pub fn allows_tlp(&self, tlp: Tlp) -> bool {
        tlp <= self.loosest_tlp()
    }
}

/// One way a provision exceeds what a source allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeViolation {
    /// Index of the source in the slice given.
    pub source: usize,
    pub source_label: String,
    pub kind: ScopeViolationKind,
    pub message_ja: String,
    pub message_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ScopeViolationKind {
    /// A target sector outside the source's allowed sectors, without consent.
    SectorNotAllowed { sector: SectorId },
    /// The provision's TLP is looser than the source's, without consent.
    TlpTooLoose { source_tlp: Tlp, provision_tlp: Tlp },
}

/// Checks a provision's target sectors and TLP against every source.
///
/// Every target sector must be allowed by every source (or consented), and the TLP must be at
/// least as strict as every source's (or consented). With no sources (NISC's own analysis)
/// anything goes. All violations are returned, source by source.
pub fn check_scope(
    targets: &[SectorId],
    tlp: Tlp,
    sources: &[SourceScope],
) -> Result<(), Vec<ScopeViolation>> {
    check(targets, Some(tlp), sources)
}

/// [`check_scope`] for a form: its 情報提供先 sectors and its TLP (skipped while unset — the form's
/// validation reports the missing TLP).
pub fn check_form_scope(
    form: &ProvisionForm,
    sources: &[SourceScope],
) -> Result<(), Vec<ScopeViolation>> {
    check(&form.target_sectors(), form.tlp, sources)
}

fn check(
    targets: &[SectorId],
    tlp: Option<Tlp>,
    sources: &[SourceScope],
) -> Result<(), Vec<ScopeViolation>> {
    let mut out = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let label = &src.label;
        let mut seen: Vec<&SectorId> = Vec::new();
        for sector in targets {
            if seen.contains(&sector) {
                continue;
            }
            seen.push(sector);
            if !src.allows_sector(sector) {
                out.push(ScopeViolation {
                    source: i,
                    source_label: label.clone(),
                    kind: ScopeViolationKind::SectorNotAllowed {
                        sector: sector.clone(),
                    },
                    message_ja: format!(
                        "情報源「{label}」は分野「{sector}」への情報提供を認めていません。\
                         提供するには情報提供元との調整（同意）が必要です。"
                    ),
                    message_en: format!(
                        "Source \"{label}\" does not allow provision to the sector \"{sector}\"; \
                         going wider needs the source's consent."
                    ),
                });
            }
        }
        if let Some(t) = tlp.filter(|t| !src.allows_tlp(*t)) {
            out.push(ScopeViolation {
                source: i,
                source_label: label.clone(),
                kind: ScopeViolationKind::TlpTooLoose {
                    source_tlp: src.tlp,
                    provision_tlp: t,
                },
                message_ja: format!(
                    "情報共有範囲 TLP:{}（{}）は情報源「{label}」の TLP:{}（{}）より広いため、\
                     情報提供元の同意が必要です。",
                    t.code(),
                    t.label_ja(),
                    src.tlp.code(),
                    src.tlp.label_ja()
                ),
                message_en: format!(
                    "TLP:{} is looser than TLP:{} of source \"{label}\"; it needs the source's consent.",
                    t.code(),
                    src.tlp.code()
                ),
            });
        }
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

/// The sectors a provision may go to without further consent: those NISC judges `relevant`,
/// intersected with what every source allows (or consented to), in `relevant` order.
pub fn permitted_sectors(relevant: &[SectorId], sources: &[SourceScope]) -> Vec<SectorId> {
    let mut out: Vec<SectorId> = Vec::new();
    for s in relevant {
        if !out.contains(s) && sources.iter().all(|src| src.allows_sector(s)) {
            out.push(s.clone());
        }
    }
    out
}

/// The loosest TLP a provision may carry without further consent: the strictest of the sources'
/// permitted TLPs. `None` with no sources (NISC chooses freely).
pub fn loosest_permitted_tlp(sources: &[SourceScope]) -> Option<Tlp> {
    sources.iter().map(SourceScope::loosest_tlp).min()
}

/// 問合せ — only the CI ministries within the sharing scope, i.e. among the form's 情報提供先, may
/// send NISC inquiries about a provision (情報提供におけるＮＩＳＣへの問合せは、情報共有範囲内の
/// 重要インフラ所管省庁に限ります).
pub fn may_inquire(form: &ProvisionForm, ministry: &OrgId) -> bool {
    form.recipients.iter().any(|r| &r.ministry == ministry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sectors(ids: &[&str]) -> Vec<SectorId> {
        ids.iter().map(|s| SectorId::from(*s)).collect()
    }

    fn src(label: &str, tlp: Tlp, allowed: Option<&[&str]>, consents: Vec<Consent>) -> SourceScope {
        SourceScope {
            label: label.into(),
            tlp,
            allowed_sectors: allowed.map(sectors),
            consents,
        }
    }

    /// (case, targets, provision TLP, sources, expected violations as (source, sector or TLP)).
    type Case<'a> = (
        &'a str,
        Vec<SectorId>,
        Tlp,
        Vec<SourceScope>,
        Vec<(usize, String)>,
    );

    fn summary(v: &ScopeViolation) -> (usize, String) {
        match &v.kind {
            ScopeViolationKind::SectorNotAllowed { sector } => (v.source, sector.to_string()),
            ScopeViolationKind::TlpTooLoose { provision_tlp, .. } => {
                (v.source, format!("TLP:{}", provision_tlp.code()))
            }
        }
    }

    #[test]
    fn scope_table() {
        use Tlp::*;
        let ep_gas: &[&str] = &["electric_power", "gas"];
        let cases: Vec<Case> = vec![
            (
                "no sources",
                sectors(&["gas", "railway"]),
                Clear,
                vec![],
                vec![],
            ),
            (
                "any sector, same TLP",
                sectors(&["gas", "railway"]),
                Amber,
                vec![src("R1", Amber, None, vec![])],
                vec![],
            ),
            (
                "inside allowed sectors, stricter TLP",
                sectors(&["gas"]),
                AmberStrict,
                vec![src("R1", Green, Some(ep_gas), vec![])],
                vec![],
            ),
            (
                "sector outside",
                sectors(&["gas", "railway"]),
                Green,
                vec![src("R1", Green, Some(ep_gas), vec![])],
                vec![(0, "railway".into())],
            ),
            (
                "sector consented",
                sectors(&["gas", "railway"]),
                Green,
                vec![src(
                    "R1",
                    Green,
                    Some(ep_gas),
                    vec![Consent::Sector("railway".into())],
                )],
                vec![],
            ),
            (
                "TLP looser than the source",
                sectors(&["gas"]),
                Green,
                vec![src("R1", Amber, None, vec![])],
                vec![(0, "TLP:GREEN".into())],
            ),
            (
                "TLP consented exactly",
                sectors(&["gas"]),
                Green,
                vec![src("R1", Amber, None, vec![Consent::Tlp(Green)])],
                vec![],
            ),
            (
                "TLP consent not wide enough",
                sectors(&["gas"]),
                Clear,
                vec![src("R1", Red, None, vec![Consent::Tlp(Green)])],
                vec![(0, "TLP:CLEAR".into())],
            ),
            (
                "strictest source decides; each source named",
                sectors(&["electric_power", "railway"]),
                Amber,
                vec![
                    src("R1", Clear, None, vec![]),
                    src("外部情報A", AmberStrict, Some(&["electric_power"]), vec![]),
                    src("R7", Red, Some(&["railway"]), vec![]),
                ],
                vec![
                    (1, "railway".into()),
                    (1, "TLP:AMBER".into()),
                    (2, "electric_power".into()),
                    (2, "TLP:AMBER".into()),
                ],
            ),
            (
                "empty allowed list allows nothing",
                sectors(&["gas"]),
                Red,
                vec![src("R1", Red, Some(&[]), vec![])],
                vec![(0, "gas".into())],
            ),
            (
                "duplicate targets reported once",
                sectors(&["railway", "railway"]),
                Red,
                vec![src("R1", Red, Some(ep_gas), vec![])],
                vec![(0, "railway".into())],
            ),
        ];
        for (name, targets, tlp, sources, want) in cases {
            let got: Vec<(usize, String)> = match check_scope(&targets, tlp, &sources) {
                Ok(()) => vec![],
                Err(v) => v.iter().map(summary).collect(),
            };
            assert_eq!(got, want, "case: {name}");
        }
    }

    #[test]
    fn messages_name_source_and_sector() {
        let err = check_scope(
            &sectors(&["railway"]),
            Tlp::Green,
            &[src("R12", Tlp::Amber, Some(&["gas"]), vec![])],
        )
        .expect_err("two violations");
        assert_eq!(err.len(), 2);
        assert!(err[0].message_ja.contains("「R12」") && err[0].message_ja.contains("railway"));
        assert!(err[0].message_en.contains("\"R12\"") && err[0].message_en.contains("consent"));
        assert!(err[1].message_ja.contains("TLP:GREEN") && err[1].message_ja.contains("TLP:AMBER"));
        assert!(err[1].message_en.contains("looser"));
    }

    #[test]
    fn helpers() {
        let sources = vec![
            src("R1", Tlp::Green, Some(&["gas", "electric_power"]), vec![]),
            src(
                "R2",
                Tlp::Amber,
                Some(&["electric_power"]),
                vec![Consent::Sector("gas".into()), Consent::Tlp(Tlp::Green)],
            ),
            src("R3", Tlp::AmberStrict, None, vec![]),
        ];
        assert_eq!(
            permitted_sectors(
                &sectors(&["railway", "gas", "electric_power", "gas"]),
                &sources
            ),
            sectors(&["gas", "electric_power"])
        );
        assert_eq!(loosest_permitted_tlp(&sources), Some(Tlp::AmberStrict));
        assert_eq!(loosest_permitted_tlp(&[]), None);
        assert_eq!(sources[1].loosest_tlp(), Tlp::Green);
    }

    #[test]
    fn form_scope_uses_recipients_and_skips_missing_tlp() {
        use crate::provision::form::Recipient;
        let mut form = ProvisionForm {
            recipients: vec![
                Recipient::new("meti", "gas"),
                Recipient::new("mlit", "railway"),
            ],
            ..Default::default()
        };
        let sources = [src("R1", Tlp::Amber, Some(&["gas"]), vec![])];
        let err = check_form_scope(&form, &sources).expect_err("railway");
        assert_eq!(err.len(), 1);
        form.tlp = Some(Tlp::Clear);
        assert_eq!(
            check_form_scope(&form, &sources).map_err(|e| e.len()),
            Err(2)
        );
    }

    #[test]
    fn only_recipient_ministries_may_inquire() {
        let form = crate::provision::fixtures::official_fig8_example();
        assert!(may_inquire(&form, &OrgId::from("meti")));
        assert!(may_inquire(&form, &OrgId::from("mlit")));
        assert!(!may_inquire(&form, &OrgId::from("fsa")));
        assert!(!may_inquire(&form, &OrgId::from("nisc")));
    }

    #[test]
    fn serde_shapes() {
        let s: SourceScope = serde_json::from_str(
            r#"{"label":"R1","tlp":"AMBER","allowed_sectors":["gas"],
                "consents":[{"sector":"railway"},{"tlp":"GREEN"}]}"#,
        )
        .expect("parses");
        assert_eq!(
            s.consents,
            vec![Consent::Sector("railway".into()), Consent::Tlp(Tlp::Green)]
        );
        let any: SourceScope =
            serde_json::from_str(r#"{"label":"x","tlp":"RED","allowed_sectors":null}"#)
                .expect("parses");
        assert!(any.allows_sector(&SectorId::from("gas")));
    }
}
