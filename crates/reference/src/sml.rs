//! Evaluating an outage against a service maintenance level (サービス維持レベル逸脱の有無 on the
//! liaison form). Pure: the caller supplies what is known about the outage.

use serde::{Deserialize, Serialize};

use crate::sector::{Condition, ExceptionScope, MaintenanceLevel, Metric, Service};

/// What is known about an outage. `None` means not (yet) known, which can leave the answer open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed {
    pub affected_users: Option<u64>,
    pub duration_minutes: Option<u64>,
    pub supply_loss_kw: Option<u64>,
    pub households: Option<u64>,
    /// Set when the failed equipment is one a rule treats differently (e.g. relay-station
    /// radio equipment in broadcasting). Only rules carrying that exception are then applied,
    /// with the exception's conditions; a scope no rule of the service knows is ignored.
    pub exception_scope: Option<ExceptionScope>,
}

impl Observed {
    pub fn value(&self, metric: Metric) -> Option<u64> {
        match metric {
            Metric::AffectedUsers => self.affected_users,
            Metric::DurationMinutes => self.duration_minutes,
            Metric::SupplyLossKw => self.supply_loss_kw,
            Metric::Households => self.households,
        }
    }
}

/// Outcome of [`Service::sml_deviation`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum SmlAssessment {
    /// 逸脱あり — a numeric criterion is met; `rule_id` names the first one.
    Deviation { rule_id: String },
    /// 逸脱なし — every criterion is known to be missed.
    NoDeviation,
    /// No rule is met yet, but these figures would decide it.
    NotDeterminable { missing: Vec<Metric> },
    /// The service has only the default level of 注２ (any CI service outage caused by a
    /// system malfunction is a deviation), which needs a human judgement, not figures.
    NoNumericCriterion,
}

impl SmlAssessment {
    pub fn is_deviation(&self) -> bool {
        matches!(self, SmlAssessment::Deviation { .. })
    }
}

enum Truth {
    Met,
    NotMet,
    Unknown(Vec<Metric>),
}

fn evaluate(conditions: &[Condition], observed: &Observed) -> Truth {
    let mut missing = Vec::new();
    for c in conditions {
        match observed.value(c.metric) {
            Some(v) if v >= c.at_least => {}
            Some(_) => return Truth::NotMet,
            None => missing.push(c.metric),
        }
    }
    if missing.is_empty() {
        Truth::Met
    } else {
        Truth::Unknown(missing)
    }
}

impl MaintenanceLevel {
    /// See [`Service::sml_deviation`].
    pub fn assess(&self, observed: &Observed) -> SmlAssessment {
        if !self.explicit || self.thresholds.is_empty() {
            return SmlAssessment::NoNumericCriterion;
        }
        let scoped = observed
            .exception_scope
            .filter(|s| self.thresholds.iter().any(|r| r.exception(*s).is_some()));
        let applicable: Vec<(&str, &[Condition])> = match scoped {
            Some(scope) => self
                .thresholds
                .iter()
                .filter_map(|r| {
                    r.exception(scope)
                        .map(|e| (r.id.as_str(), &e.conditions[..]))
                })
                .collect(),
            None => self
                .thresholds
                .iter()
                .map(|r| (r.id.as_str(), &r.conditions[..]))
                .collect(),
        };
        let mut missing = Vec::new();
        for (rule_id, conditions) in applicable {
            match evaluate(conditions, observed) {
                Truth::Met => {
                    return SmlAssessment::Deviation {
                        rule_id: rule_id.to_string(),
                    }
                }
                Truth::NotMet => {}
                Truth::Unknown(m) => missing.extend(m),
            }
        }
        if missing.is_empty() {
            SmlAssessment::NoDeviation
        } else {
            missing.sort();
            missing.dedup();
            SmlAssessment::NotDeterminable { missing }
        }
    }
}

impl Service {
    /// Whether an outage of this service breaches its service maintenance level. A rule is met
    /// when all its conditions hold (「以上」 is inclusive); one met rule is a deviation.
    pub fn sml_deviation(&self, observed: &Observed) -> SmlAssessment {
        self.maintenance_level.assess(observed)
    }
}
