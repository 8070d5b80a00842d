//! One integration binary (faster to link than many): HTTP tests through the real router on
//! port 0, on both storage backends, the browser journey in headless Chromium, random worlds
//! through every read path, and crash durability of the real binary.

#[macro_use]
mod common;
mod actors;
mod attachments;
mod backup;
mod browser;
mod consultations;
mod contacts;
mod crash;
mod crash_burst;
mod cross_check;
mod deadlines;
mod disk_full;
mod edge;
mod exercises;
mod forms;
mod http;
mod inbox;
mod interop_import;
mod large_scale;
mod mail;
mod openapi;
mod people;
mod pg_restart;
mod policy_paths;
mod provisions;
mod public_channel;
mod read_paths;
mod reporting_deadlines;
mod risk;
mod scale_out;
mod situation;
mod standards;
mod statistics;
mod taxii;
mod text_input;
mod topology;
mod ui_language;
mod webhooks;
