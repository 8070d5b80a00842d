//! One integration binary (faster to link than many): HTTP tests through the real router on
//! port 0, on both storage backends, and the browser journey in headless Chromium.

mod browser;
mod common;
mod http;
