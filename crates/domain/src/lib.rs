//! The rules of Japan's critical-infrastructure information-sharing framework, as plain Rust.
//!
//! Nothing in this crate performs I/O or reads the clock: time is passed in, and reference data
//! (sectors, taxonomy) is handed over as a [`kakehashi_reference::Reference`]. Storage, HTTP and
//! mail are adapters around it.

pub mod actors;
pub mod administration;
pub mod attachment;
pub mod consultation;
pub mod contacts;
pub mod continuity;
pub mod cross_check;
pub mod exercise;
pub mod ids;
pub mod large_scale;
pub mod liaison;
pub mod misp;
pub mod numbering;
pub mod org;
pub mod provision;
pub mod risk;
pub mod sharing;
pub mod situation;
pub mod standards;
pub mod statistics;
pub mod stix;
pub mod text;
pub mod topology;

pub use ids::*;
pub use org::*;
pub use sharing::*;
