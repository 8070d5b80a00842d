//! The reference data seen through the liaison rules' narrow taxonomy interface.

use kakehashi_domain::liaison::Taxonomy;
use kakehashi_reference::Reference;

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
}
