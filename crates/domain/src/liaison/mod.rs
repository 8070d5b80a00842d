//! 情報連絡 — information liaison: the form, its validation, routing and anonymisation.
//!
//! - [`form`]: the form (図４), field by field.
//! - [`validate()`]: the form's rules, all problems at once.
//! - [`anonymise()`]: the CEPTOAR secretariat's masking before forwarding.
//! - [`plan_first_hop`] / [`may_forward`]: who receives each hop.
//! - [`share_edge`] / [`check_share`]: sideways and downward shares (N4, N6, N23, N25).
//! - [`case`]: which of the handbook's cases ①–③ a first report is filed under.
//! - [`ChainStatus`]: whether 続報 are still expected.
//! - [`deadline`]: reporting deadlines of a chain under a sector's policy, in JST.
//! - [`sml`]: ⑥サービス維持レベル逸脱の有無, evaluated from the affected service's figures.

pub mod anonymise;
pub mod case;
pub mod chain;
pub mod deadline;
pub mod fixtures;
pub mod form;
pub mod routing;
pub mod share;
pub mod sml;
pub mod taxonomy;
pub mod validate;

pub use anonymise::{
    anonymise, Anonymised, Identifiers, Kept, KeptIndicator, MaskKind, MaskedSpan, MaskedText,
    Masker, Masking, ANONYMISED_OPERATOR_NAME,
};
pub use case::{CaseError, ReportingCase};
pub use chain::{chain_ident, ident_for, next_report_no, ChainStatus};
pub use form::*;
pub use routing::{
    may_forward, onward_tlp_allowed, plan_ceptoar_hop, plan_first_hop, CeptoarRouteError,
    HopTarget, RouteError, RoutePlan, RouteRequest,
};
pub use share::{check_share, share_edge, ShareEdge, ShareError};
pub use sml::{SmlBasis, SmlEvaluation, SmlOutcome};
pub use taxonomy::{CodeLists, Taxonomy};
pub use validate::{
    field_label, validate, FieldError, ValidationContext, ValidationErrors, CLOCK_SKEW_MINUTES,
    MAX_SHORT_CHARS, MAX_TEXT_CHARS, MAX_TIMELINE_ROWS,
};
