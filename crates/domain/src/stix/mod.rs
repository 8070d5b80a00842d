//! STIX 2.1 (OASIS): the framework's records as STIX objects and STIX bundles as source items.
//!
//! Plain data mapping, no I/O. Markings are shared by export and import so that a level never
//! means one thing going out and another coming in ([`markings`]).

pub mod export;
pub mod import;
pub mod markings;
