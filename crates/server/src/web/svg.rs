//! Server-drawn SVG bar charts, shared by 統計 and 状況把握: no JavaScript, readable on a
//! projector and in print. A bar may be stacked from segments; each segment has a CSS class
//! whose fill is a pattern as well as a colour (see `assets.rs`), so black-and-white print tells
//! them apart, and every bar carries its number as text and a `<title>` for screen readers.
//!
//! SVG elements are written with end tags (`{}`): in an HTML page a `<line>` without one would
//! swallow the elements after it.

use maud::{html, Markup};

/// One part of a bar.
pub struct Segment {
    /// CSS class of the part (its fill); empty for the default fill.
    pub class: &'static str,
    pub count: u64,
    /// What the part is, for its `<title>`.
    pub label: String,
}

/// One bar: its label, its parts and the `data-*` attribute tests and styles select it by.
pub struct Bar {
    pub label: String,
    /// The bar's `<title>` (what it counts, in words).
    pub title: String,
    pub data_key: &'static str,
    pub data_value: String,
    pub segments: Vec<Segment>,
    /// Shown after the number (e.g. `<3` for a masked count); empty for none.
    pub note: String,
}

impl Bar {
    pub fn total(&self) -> u64 {
        self.segments.iter().map(|s| s.count).sum()
    }
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// Where each non-empty segment of a bar of `length` starting at `start` goes: (offset, size).
fn stack(b: &Bar, start: f64, length: f64) -> Vec<(&Segment, f64, f64)> {
    let total = b.total();
    let mut at = start;
    b.segments
        .iter()
        .filter(|s| s.count > 0)
        .map(|s| {
            let size = s.count as f64 / total.max(1) as f64 * length;
            let here = at;
            at += size;
            (s, here, size)
        })
        .collect()
}

/// The hatch and dot patterns the segment classes fill with (print-safe). Put once per page.
pub fn patterns() -> Markup {
    html! {
        svg.defs width="0" height="0" aria-hidden="true" focusable="false" {
            defs {
                pattern #pat-hatch width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)" {
                    rect width="6" height="6" fill="#a4001d" {}
                    line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2" {}
                }
                pattern #pat-dots width="6" height="6" patternUnits="userSpaceOnUse" {
                    rect width="6" height="6" fill="#f2c94c" {}
                    circle cx="3" cy="3" r="1.3" fill="#222" {}
                }
                pattern #pat-risk width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)" {
                    rect width="8" height="8" fill="#fff" {}
                    line x1="0" y1="0" x2="0" y2="8" stroke="#b26b00" stroke-width="3" {}
                }
            }
        }
    }
}

const BAR_W: f64 = 28.0;
const GAP: f64 = 8.0;
const CHART_H: f64 = 120.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 20.0;

/// Columns side by side (e.g. cases by month). A slot without segments has no bar but keeps its
/// place and label.
pub fn columns(id: &str, title: &str, bars: &[Bar]) -> Markup {
    let max = bars.iter().map(Bar::total).max().unwrap_or(0).max(1) as f64;
    let width = bars.len() as f64 * (BAR_W + GAP) + GAP;
    let plot = CHART_H - TOP - BOTTOM;
    let base = TOP + plot;
    html! {
        svg.bars id=(id) xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (CHART_H) }
            role="img" aria-labelledby={ (id) "-title" } font-size="10" {
            title id={ (id) "-title" } { (title) }
            line.axis x1="0" y1=(base) x2=(width) y2=(base) {}
            @for (i, b) in bars.iter().enumerate() {
                @let x = GAP + i as f64 * (BAR_W + GAP);
                @if !b.segments.is_empty() {
                    @let total = b.total();
                    @let h = (total as f64 / max * plot).max(1.0);
                    g.bar data-key=(b.data_key) data-value=(b.data_value) data-count=(total) {
                        title { (b.title) }
                        @for (s, off, sh) in stack(b, 0.0, h) {
                            rect class=[(!s.class.is_empty()).then_some(s.class)] x=(f(x)) y=(f(base - off - sh)) width=(BAR_W) height=(f(sh.max(1.0))) {
                                title { (s.label) ": " (s.count) }
                            }
                        }
                        text x=(f(x + BAR_W / 2.0)) y=(f(base - h - 3.0)) text-anchor="middle" { (total) (b.note) }
                    }
                }
                text.month x=(f(x + BAR_W / 2.0)) y=(f(CHART_H - 6.0)) text-anchor="middle" { (b.label) }
            }
        }
    }
}

const ROW_H: f64 = 22.0;
const LABEL_W: f64 = 150.0;
const PLOT_W: f64 = 330.0;
const NOTE_W: f64 = 70.0;

/// Horizontal bars, one row per item (e.g. open chains by sector, stacked by importance): the
/// label left, the stacked bar, then the number and its note. Every row is drawn, also at 0.
pub fn rows(id: &str, title: &str, bars: &[Bar]) -> Markup {
    let max = bars.iter().map(Bar::total).max().unwrap_or(0).max(1) as f64;
    let width = LABEL_W + PLOT_W + NOTE_W;
    let height = bars.len() as f64 * ROW_H + 8.0;
    html! {
        svg.bars.hbars id=(id) xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (width) " " (f(height)) }
            role="img" aria-labelledby={ (id) "-title" } font-size="12" {
            title id={ (id) "-title" } { (title) }
            line.axis x1=(LABEL_W) y1="0" x2=(LABEL_W) y2=(f(height)) {}
            @for (i, b) in bars.iter().enumerate() {
                @let y = 4.0 + i as f64 * ROW_H;
                @let total = b.total();
                g.bar data-key=(b.data_key) data-value=(b.data_value) data-count=(total) {
                    title { (b.title) }
                    text x=(f(LABEL_W - 6.0)) y=(f(y + ROW_H * 0.68)) text-anchor="end" { (b.label) }
                    @let length = total as f64 / max * PLOT_W;
                    @for (s, off, w) in stack(b, LABEL_W, length) {
                        rect class=[(!s.class.is_empty()).then_some(s.class)] x=(f(off)) y=(f(y + 3.0)) width=(f(w)) height=(f(ROW_H - 6.0)) {
                            title { (s.label) ": " (s.count) }
                        }
                    }
                    text.count x=(f(LABEL_W + length + 4.0)) y=(f(y + ROW_H * 0.68)) {
                        (total) @if !b.note.is_empty() { " (" (b.note) ")" }
                    }
                }
            }
        }
    }
}
