//! ⑥「重要インフラサービスのサービス維持レベル（※６）逸脱の有無」, derived instead of typed.
//!
//! The report names the affected service (別紙２) and enters the figures its maintenance level
//! is judged by. [`evaluate`] applies the service's numeric rules from the reference data
//! (「以上」 is inclusive; every condition of a rule must hold; one rule met is a breach), or,
//! for a service without numeric criteria, the default of 別紙２ 注２ ("no CI service outage
//! caused by a system malfunction occurs"), and cites the laws the reference data names for the
//! service. [`derive`] turns it into the form's 有 / 無 / blank, unless the reporter overrode
//! it with a reason.

use super::form::{ImpactBlock, ImpactMeasures, LiaisonForm};
use super::taxonomy::Taxonomy;
use kakehashi_reference::{
    DefaultMaintenanceLevel, ExceptionScope, Metric, Observed, Service, SmlAssessment,
};
use serde::Serialize;

/// Breach / no breach / cannot judge yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SmlOutcome {
    /// 逸脱あり.
    Breach,
    /// 逸脱なし.
    NoBreach,
    /// 判断できない — a figure that would decide it is missing.
    CannotJudge,
}

impl SmlOutcome {
    /// The value of ⑥逸脱の有無 (blank when it cannot be judged).
    pub fn as_deviation(self) -> Option<bool> {
        match self {
            SmlOutcome::Breach => Some(true),
            SmlOutcome::NoBreach => Some(false),
            SmlOutcome::CannotJudge => None,
        }
    }
    pub fn label_ja(self) -> &'static str {
        match self {
            SmlOutcome::Breach => "逸脱あり",
            SmlOutcome::NoBreach => "逸脱なし",
            SmlOutcome::CannotJudge => "判断できません",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            SmlOutcome::Breach => "Breached",
            SmlOutcome::NoBreach => "Not breached",
            SmlOutcome::CannotJudge => "Cannot be judged yet",
        }
    }
}

/// A law or guideline the evaluation cites (from the reference data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Citation {
    pub ja: String,
    pub en: String,
}

/// What the outcome rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SmlBasis {
    /// The service's numeric maintenance level. `rule_id` / `rule_ja` name the rule that was
    /// met (a breach); otherwise they are absent and the whole level applies.
    Numeric {
        rule_id: Option<String>,
        rule_ja: Option<String>,
    },
    /// 別紙２ 注２: no numeric criteria; judged by whether an outage caused by a system
    /// malfunction occurred.
    Default,
}

/// The evaluation of one service against its maintenance level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmlEvaluation {
    pub service: String,
    pub outcome: SmlOutcome,
    pub basis: SmlBasis,
    /// The maintenance level as printed (the service's, or the default note).
    pub level_ja: String,
    pub level_en: String,
    /// The laws and guidelines under which the service's outages are reported (別紙２).
    pub citations: Vec<Citation>,
    /// Figures that would decide an open outcome, as measure names (`affected_users`, …,
    /// `outage_occurred`).
    pub missing: Vec<&'static str>,
    /// Seed lines of the rule or level applied.
    pub seed_lines: String,
}

/// The measure name of a metric, as [`ImpactMeasures`] calls it.
pub fn measure_name(m: Metric) -> &'static str {
    match m {
        Metric::AffectedUsers => "affected_users",
        Metric::DurationMinutes => "duration_minutes",
        Metric::SupplyLossKw => "supply_loss_kw",
        Metric::Households => "households",
    }
}

/// How a measure is labelled on the form (Japanese, English).
pub fn measure_label(name: &str) -> (&'static str, &'static str) {
    match name {
        "affected_users" => ("影響を受けた利用者数", "Users affected"),
        "duration_minutes" => ("継続時間（分）", "Duration (minutes)"),
        "supply_loss_kw" => ("供給支障電力（kW）", "Supply lost (kW)"),
        "households" => ("供給支障戸数", "Households without supply"),
        "relay_station_radio_equipment" => (
            "故障設備は中継局の無線設備",
            "Failed equipment is relay-station radio equipment",
        ),
        "outage_occurred" => (
            "システムの不具合による重要インフラサービス障害が生じた",
            "A CI service outage caused by a system malfunction occurred",
        ),
        _ => ("", ""),
    }
}

/// The measures a service's level uses, in form order (the default level uses only
/// `outage_occurred`). `relay_station_radio_equipment` is listed where a rule has that exception.
pub fn measures_used(service: &Service) -> Vec<&'static str> {
    let ml = &service.maintenance_level;
    if !ml.explicit || ml.thresholds.is_empty() {
        return vec!["outage_occurred"];
    }
    let mut metrics: Vec<Metric> = ml
        .thresholds
        .iter()
        .flat_map(|r| {
            r.conditions
                .iter()
                .chain(r.exceptions.iter().flat_map(|e| e.conditions.iter()))
                .map(|c| c.metric)
        })
        .collect();
    metrics.sort();
    metrics.dedup();
    let mut out: Vec<&'static str> = metrics.into_iter().map(measure_name).collect();
    if ml.thresholds.iter().any(|r| {
        r.exception(ExceptionScope::RelayStationRadioEquipment)
            .is_some()
    }) {
        out.push("relay_station_radio_equipment");
    }
    out
}

fn observed(m: &ImpactMeasures) -> Observed {
    Observed {
        affected_users: m.affected_users,
        duration_minutes: m.duration_minutes,
        supply_loss_kw: m.supply_loss_kw,
        households: m.households,
        exception_scope: m
            .relay_station_radio_equipment
            .then_some(ExceptionScope::RelayStationRadioEquipment),
    }
}

/// Evaluates an outage of `service` with the figures `m` against its maintenance level.
pub fn evaluate(
    service: &Service,
    default_level: &DefaultMaintenanceLevel,
    m: &ImpactMeasures,
) -> SmlEvaluation {
    let citations = service
        .reporting_references
        .iter()
        .map(|r| Citation {
            ja: r.ja.clone(),
            en: r.en.clone(),
        })
        .collect();
    let ml = &service.maintenance_level;
    let numeric =
        |outcome, rule: Option<&kakehashi_reference::ThresholdRule>, missing| SmlEvaluation {
            service: service.id.clone(),
            outcome,
            basis: SmlBasis::Numeric {
                rule_id: rule.map(|r| r.id.clone()),
                rule_ja: rule.map(|r| r.rule_ja.clone()),
            },
            level_ja: ml.ja.clone(),
            level_en: ml.en.clone(),
            citations: Vec::new(),
            missing,
            seed_lines: rule
                .map(|r| r.seed_lines.to_string())
                .unwrap_or_else(|| service.seed_lines.to_string()),
        };
    let mut e = match service.sml_deviation(&observed(m)) {
        SmlAssessment::Deviation { rule_id } => {
            let rule = ml.thresholds.iter().find(|r| r.id == rule_id);
            numeric(SmlOutcome::Breach, rule, Vec::new())
        }
        SmlAssessment::NoDeviation => numeric(SmlOutcome::NoBreach, None, Vec::new()),
        SmlAssessment::NotDeterminable { missing } => numeric(
            SmlOutcome::CannotJudge,
            None,
            missing.into_iter().map(measure_name).collect(),
        ),
        SmlAssessment::NoNumericCriterion => {
            let (outcome, missing) = match m.outage_occurred {
                Some(true) => (SmlOutcome::Breach, vec![]),
                Some(false) => (SmlOutcome::NoBreach, vec![]),
                None => (SmlOutcome::CannotJudge, vec!["outage_occurred"]),
            };
            SmlEvaluation {
                service: service.id.clone(),
                outcome,
                basis: SmlBasis::Default,
                level_ja: default_level.note_ja.clone(),
                level_en: default_level.en.clone(),
                citations: Vec::new(),
                missing,
                seed_lines: default_level.seed_lines.to_string(),
            }
        }
    };
    e.citations = citations;
    e
}

/// The evaluation for the service a form names (`None`: none named, or not a known service).
pub fn evaluate_impact(
    impact: &ImpactBlock,
    tax: &(impl Taxonomy + ?Sized),
) -> Option<SmlEvaluation> {
    let id = impact.service.as_deref()?.trim();
    let (_, service) = tax.service(id)?;
    Some(evaluate(
        service,
        tax.default_maintenance_level(),
        &impact.measures,
    ))
}

/// Sets ⑥逸脱の有無 to its derived value ([`derive`]); call after validation, before storing.
pub fn apply(form: &mut LiaisonForm, tax: &(impl Taxonomy + ?Sized)) {
    let named = form
        .impact
        .service
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty());
    if !named && form.impact.sml_override.is_none() {
        return; // Nothing to derive from: the typed value stands.
    }
    let e = evaluate_impact(&form.impact, tax);
    form.impact.sml_deviation = derive(&form.impact, e.as_ref());
}

/// ⑥逸脱の有無 as the form states it: the reporter's override when given, else the evaluated
/// outcome (`None`: no service named, or it cannot be judged yet).
pub fn derive(impact: &ImpactBlock, evaluation: Option<&SmlEvaluation>) -> Option<bool> {
    match &impact.sml_override {
        Some(o) => Some(o.deviation),
        None => evaluation.and_then(|e| e.outcome.as_deviation()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kakehashi_reference::{embedded, Reference};

    fn r() -> &'static Reference {
        embedded()
    }

    fn eval(service: &str, m: ImpactMeasures) -> SmlEvaluation {
        let (_, s) = r().service(service).expect(service);
        evaluate(s, r().default_maintenance_level(), &m)
    }

    fn users_hours(users: u64, minutes: u64) -> ImpactMeasures {
        ImpactMeasures {
            affected_users: Some(users),
            duration_minutes: Some(minutes),
            ..Default::default()
        }
    }

    fn rule_of(e: &SmlEvaluation) -> Option<&str> {
        match &e.basis {
            SmlBasis::Numeric { rule_id, .. } => rule_id.as_deref(),
            SmlBasis::Default => None,
        }
    }

    /// The issue's example: telecom voice, 30,000 users for 2 h breaches; 29,999 users or
    /// 1 h 59 min does not. The citation is the law and article from the reference data.
    #[test]
    fn telecom_example_of_the_issue() {
        let e = eval("telecommunications_service", users_hours(30_000, 120));
        assert_eq!(e.outcome, SmlOutcome::Breach);
        assert_eq!(rule_of(&e), Some("telecom_users_duration"));
        assert!(e
            .citations
            .iter()
            .any(|c| c.ja == "電気通信事業法(業務停止等の報告)第28条"));
        assert!(e
            .citations
            .iter()
            .any(|c| c.ja == "電気通信事業法施行規則(報告を要する重大な事故)第58条"));
        assert_eq!(
            eval("telecommunications_service", users_hours(29_999, 120)).outcome,
            SmlOutcome::NoBreach
        );
        assert_eq!(
            eval("telecommunications_service", users_hours(30_000, 119)).outcome,
            SmlOutcome::NoBreach
        );
        let open = eval(
            "telecommunications_service",
            ImpactMeasures {
                affected_users: Some(30_000),
                ..Default::default()
            },
        );
        assert_eq!(open.outcome, SmlOutcome::CannotJudge);
        assert_eq!(open.missing, vec!["duration_minutes"]);
    }

    /// Every numeric rule of every service in the reference data, at its boundaries: exactly at
    /// every threshold is a breach; one below on any single condition is not; a missing figure
    /// leaves it open. Driven by the data, so a service that gains a rule is covered.
    #[test]
    fn every_numeric_rule_at_its_boundaries() {
        let mut rules_seen = 0;
        let mut services_seen = Vec::new();
        for sector in r().sectors() {
            for s in &sector.services {
                let ml = &s.maintenance_level;
                if !ml.explicit {
                    continue;
                }
                services_seen.push(s.id.as_str());
                for rule in &ml.thresholds {
                    let mut cases = vec![(rule.conditions.clone(), false)];
                    for ex in &rule.exceptions {
                        cases.push((ex.conditions.clone(), true));
                    }
                    for (conditions, relay) in cases {
                        rules_seen += 1;
                        let mut at = ImpactMeasures {
                            relay_station_radio_equipment: relay,
                            ..Default::default()
                        };
                        for c in &conditions {
                            set(&mut at, c.metric, Some(c.at_least));
                        }
                        let e = evaluate(s, r().default_maintenance_level(), &at);
                        assert_eq!(e.outcome, SmlOutcome::Breach, "{} {} at", s.id, rule.id);
                        assert!(!e.citations.is_empty(), "{} cites its law", s.id);
                        for c in &conditions {
                            let mut below = at.clone();
                            set(&mut below, c.metric, Some(c.at_least - 1));
                            let e = evaluate(s, r().default_maintenance_level(), &below);
                            assert_eq!(
                                e.outcome,
                                SmlOutcome::NoBreach,
                                "{} {} one below on {:?}",
                                s.id,
                                rule.id,
                                c.metric
                            );
                            let mut unknown = at.clone();
                            set(&mut unknown, c.metric, None);
                            let e = evaluate(s, r().default_maintenance_level(), &unknown);
                            assert_eq!(e.outcome, SmlOutcome::CannotJudge, "{} {}", s.id, rule.id);
                            assert!(e.missing.contains(&measure_name(c.metric)));
                        }
                    }
                }
            }
        }
        // 別紙２: telecom, broadcasting (two rules, one exception), cable TV, two power and two
        // gas services.
        assert_eq!(
            services_seen,
            vec![
                "telecommunications_service",
                "broadcasting",
                "cable_television",
                "general_transmission_distribution",
                "power_generation",
                "general_gas_pipeline",
                "gas_manufacturing",
            ]
        );
        assert_eq!(rules_seen, 9);
    }

    fn set(m: &mut ImpactMeasures, metric: Metric, v: Option<u64>) {
        match metric {
            Metric::AffectedUsers => m.affected_users = v,
            Metric::DurationMinutes => m.duration_minutes = v,
            Metric::SupplyLossKw => m.supply_loss_kw = v,
            Metric::Households => m.households = v,
        }
    }

    #[test]
    fn the_figures_of_the_annex() {
        // Power: 100,000 kW and 10 minutes; gas: 30 households; broadcasting: 15 minutes, or
        // 2 hours for relay-station radio equipment.
        let power = |kw, min| ImpactMeasures {
            supply_loss_kw: Some(kw),
            duration_minutes: Some(min),
            ..Default::default()
        };
        for id in ["general_transmission_distribution", "power_generation"] {
            assert_eq!(eval(id, power(100_000, 10)).outcome, SmlOutcome::Breach);
            assert_eq!(eval(id, power(99_999, 10)).outcome, SmlOutcome::NoBreach);
            assert_eq!(eval(id, power(100_000, 9)).outcome, SmlOutcome::NoBreach);
            assert!(eval(id, power(100_000, 10))
                .citations
                .iter()
                .any(|c| c.ja == "電気関係報告規則(事故報告)第3条"));
        }
        let gas = |h| ImpactMeasures {
            households: Some(h),
            ..Default::default()
        };
        for id in ["general_gas_pipeline", "gas_manufacturing"] {
            assert_eq!(eval(id, gas(30)).outcome, SmlOutcome::Breach);
            assert_eq!(eval(id, gas(29)).outcome, SmlOutcome::NoBreach);
        }
        let minutes = |min, relay| ImpactMeasures {
            duration_minutes: Some(min),
            relay_station_radio_equipment: relay,
            ..Default::default()
        };
        assert_eq!(
            eval("broadcasting", minutes(15, false)).outcome,
            SmlOutcome::Breach
        );
        assert_eq!(
            eval("broadcasting", minutes(14, false)).outcome,
            SmlOutcome::NoBreach
        );
        assert_eq!(
            eval("broadcasting", minutes(119, true)).outcome,
            SmlOutcome::NoBreach
        );
        assert_eq!(
            eval("broadcasting", minutes(120, true)).outcome,
            SmlOutcome::Breach
        );
        assert_eq!(
            eval("cable_television", users_hours(30_000, 120)).outcome,
            SmlOutcome::Breach
        );
        assert_eq!(
            eval("cable_television", users_hours(29_999, 120)).outcome,
            SmlOutcome::NoBreach
        );
        assert_eq!(
            measures_used(r().service("broadcasting").expect("broadcasting").1),
            vec!["duration_minutes", "relay_station_radio_equipment"]
        );
        assert_eq!(
            measures_used(
                r().service("telecommunications_service")
                    .expect("telecom")
                    .1
            ),
            vec!["affected_users", "duration_minutes"]
        );
    }

    /// Every service without numeric criteria follows 注２: an outage caused by a system
    /// malfunction is a breach, none is not, unknown cannot be judged; the figures do not matter.
    #[test]
    fn services_without_criteria_follow_the_default_wording() {
        let mut n = 0;
        for sector in r().sectors() {
            for s in sector
                .services
                .iter()
                .filter(|s| !s.maintenance_level.explicit)
            {
                n += 1;
                let d = r().default_maintenance_level();
                let with = |o| ImpactMeasures {
                    outage_occurred: o,
                    ..users_hours(1_000_000, 10_000)
                };
                let e = evaluate(s, d, &with(Some(true)));
                assert_eq!(
                    (e.outcome, &e.basis),
                    (SmlOutcome::Breach, &SmlBasis::Default)
                );
                assert_eq!(e.level_ja, d.note_ja);
                assert_eq!(e.citations.len(), s.reporting_references.len());
                assert_eq!(
                    evaluate(s, d, &with(Some(false))).outcome,
                    SmlOutcome::NoBreach
                );
                let open = evaluate(s, d, &with(None));
                assert_eq!(open.outcome, SmlOutcome::CannotJudge);
                assert_eq!(open.missing, vec!["outage_occurred"]);
                assert_eq!(measures_used(s), vec!["outage_occurred"]);
            }
        }
        assert!(
            n > 30,
            "the twelve sectors without criteria have many services: {n}"
        );
    }

    #[test]
    fn an_override_replaces_the_evaluation() {
        use crate::liaison::form::SmlOverride;
        let e = eval("telecommunications_service", users_hours(30_000, 120));
        let mut impact = ImpactBlock::default();
        assert_eq!(derive(&impact, Some(&e)), Some(true));
        assert_eq!(derive(&impact, None), None);
        impact.sml_override = Some(SmlOverride {
            deviation: false,
            reason: "予備系で役務を継続".into(),
        });
        assert_eq!(derive(&impact, Some(&e)), Some(false));
        assert_eq!(derive(&impact, None), Some(false));
        let open = eval("telecommunications_service", ImpactMeasures::default());
        impact.sml_override = None;
        assert_eq!(derive(&impact, Some(&open)), None);
    }
}
