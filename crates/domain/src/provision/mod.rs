//! 情報提供 — information provision: NISC's notices (図７/図８) to the CI ministries, relayed to
//! CEPTOARs and operators.
//!
//! - [`form`]: the form (図７), field by field, with a structured indicator list.
//! - [`validate()`]: the form's rules, all problems at once.
//! - [`defang`](mod@defang): indicators — syntax, defang for display, refang typed values, extraction.
//! - [`sanitise`]: does the text identify a source? ([`scan`], [`sending_blockers`]).
//! - [`scope`]: sectors ∩ the sources' allowed scope, TLP no looser than the sources'.
//! - [`chain`]: T-numbers and follow-ups.
//! - [`direct`]: the CEPTOARs/operators an urgent provision goes to directly.
//!
//! All pure: no I/O, no clock.

pub mod chain;
pub mod defang;
pub mod direct;
pub mod fixtures;
pub mod form;
pub mod sanitise;
pub mod scope;

pub mod validate;

pub use chain::{follow_up, ident_for, ident_of};
pub use defang::{
    canonical_indicator, defang, defang_text, detect_kind, extract_indicators, hash_algorithm,
    indicators_from_text, is_valid_indicator, normalise_indicators, refang, suggest_indicators,
    Extracted, HashAlgorithm,
};
pub use direct::{check_direct_recipients, MAX_DIRECT_RECIPIENTS};
pub use form::*;
pub use sanitise::{
    scan, sending_blockers, Blocker, BlockerReason, Finding, FindingKey, FindingKind, Resolution,
    ResolutionAction, Sanitiser, Source, SourceKind, TextHit,
};
pub use scope::{
    check_form_scope, check_scope, loosest_permitted_tlp, may_inquire, permitted_sectors, Consent,
    ScopeViolation, ScopeViolationKind, SourceScope,
};
pub use validate::{
    field_label, validate, Jurisdiction, MinistrySectors, OverseesFn, ProvisionContext,
    ProvisionErrors, MAX_INDICATORS, MAX_INDICATOR_CHARS, MAX_INDICATOR_NOTE_CHARS, MAX_RECIPIENTS,
};
