//! The reference data seen through the liaison rules' narrow taxonomy interface.

use kakehashi_domain::liaison::Taxonomy;
use kakehashi_reference::{DefaultMaintenanceLevel, Reference, Service};

pub struct RefTaxonomy<'a>(pub &'a Reference);

impl Taxonomy for RefTaxonomy<'_> {
    fn is_event(&self, code: &str) -> bool {
        self.0.event(code).is_some()
    }
    fn is_cause(&self, code: &str) -> bool {
        self.0.cause(code).is_some()
    }
    fn is_sector(&self, id: &str) -> bool {
        self.0.sector(id).is_some()
    }
    fn service(&self, id: &str) -> Option<(&str, &Service)> {
        Taxonomy::service(self.0, id)
    }
    fn default_maintenance_level(&self) -> &DefaultMaintenanceLevel {
        self.0.default_maintenance_level()
    }
}
