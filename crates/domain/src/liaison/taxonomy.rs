//! The code lists the liaison rules need: event types (事象の類型), cause types (原因の類型) and
//! CI sectors (重要インフラ分野).
//!
//! The rules only ask "is this code known?", so they depend on this small trait instead of on the
//! reference-data crate: the lists are revised with each Action Plan, and tests can hand in a
//! fixed list.

use kakehashi_reference::{DefaultMaintenanceLevel, Service};

/// What validation needs to know about the reference data (別紙３ taxonomy, 15 sectors).
pub trait Taxonomy {
    /// A known event code (①, e.g. `EV-03`).
    fn is_event(&self, code: &str) -> bool;
    /// A known cause code (②, e.g. `CA-O-02`).
    fn is_cause(&self, code: &str) -> bool;
    /// A known sector id (③, e.g. `electric_power`).
    fn is_sector(&self, id: &str) -> bool;
    /// A CI service (別紙２, e.g. `telecommunications_service`) with its sector id.
    fn service(&self, id: &str) -> Option<(&str, &Service)>;
    /// The maintenance level of 別紙２ 注２, for services without numeric criteria.
    fn default_maintenance_level(&self) -> &DefaultMaintenanceLevel;
}

impl<T: Taxonomy + ?Sized> Taxonomy for &T {
    fn is_event(&self, code: &str) -> bool {
        (**self).is_event(code)
    }
    fn is_cause(&self, code: &str) -> bool {
        (**self).is_cause(code)
    }
    fn is_sector(&self, id: &str) -> bool {
        (**self).is_sector(id)
    }
    fn service(&self, id: &str) -> Option<(&str, &Service)> {
        (**self).service(id)
    }
    fn default_maintenance_level(&self) -> &DefaultMaintenanceLevel {
        (**self).default_maintenance_level()
    }
}

/// A taxonomy given as plain lists of codes — for tests, fixtures and simple adapters. Services
/// and the default maintenance level are the embedded reference data's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeLists {
    pub events: Vec<String>,
    pub causes: Vec<String>,
    pub sectors: Vec<String>,
}

impl Taxonomy for CodeLists {
    fn is_event(&self, code: &str) -> bool {
        self.events.iter().any(|c| c == code)
    }
    fn is_cause(&self, code: &str) -> bool {
        self.causes.iter().any(|c| c == code)
    }
    fn is_sector(&self, id: &str) -> bool {
        self.sectors.iter().any(|c| c == id)
    }
    fn service(&self, id: &str) -> Option<(&str, &Service)> {
        kakehashi_reference::embedded()
            .service(id)
            .and_then(|(sector, s)| {
                self.is_sector(&sector.id)
                    .then_some((sector.id.as_str(), s))
            })
    }
    fn default_maintenance_level(&self) -> &DefaultMaintenanceLevel {
        kakehashi_reference::embedded().default_maintenance_level()
    }
}

/// The reference data answers by exact code (user wording is resolved before it reaches a form).
impl Taxonomy for kakehashi_reference::Reference {
    fn is_event(&self, code: &str) -> bool {
        self.event(code).is_some()
    }
    fn is_cause(&self, code: &str) -> bool {
        self.cause(code).is_some()
    }
    fn is_sector(&self, id: &str) -> bool {
        self.sector(id).is_some()
    }
    fn service(&self, id: &str) -> Option<(&str, &Service)> {
        kakehashi_reference::Reference::service(self, id).map(|(sector, s)| (sector.id.as_str(), s))
    }
    fn default_maintenance_level(&self) -> &DefaultMaintenanceLevel {
        kakehashi_reference::Reference::default_maintenance_level(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liaison::fixtures::reference_codes;

    /// The fixture's code lists are exactly the embedded reference data's.
    #[test]
    fn fixture_codes_match_the_reference_data() {
        let r = kakehashi_reference::embedded();
        let fixed = reference_codes();
        let events: Vec<String> = r.events().iter().map(|e| e.code.to_string()).collect();
        let causes: Vec<String> = r.causes().iter().map(|c| c.code.to_string()).collect();
        let sectors: Vec<String> = r.sectors().iter().map(|s| s.id.to_string()).collect();
        assert_eq!(fixed.events, events);
        assert_eq!(fixed.causes, causes);
        assert_eq!(fixed.sectors, sectors);
        for code in fixed.events.iter() {
            assert!(r.is_event(code) && !r.is_cause(code));
        }
        assert!(r.is_sector("electric_power") && !r.is_sector("space"));
    }
}
