//! 情報連絡 — information liaison: the form, its validation, routing and anonymisation.

pub mod form;

pub use form::*;
