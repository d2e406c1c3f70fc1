//! How values read in text, for wire values: by unit, changes against a comparison period,
//! targets as bounds and status as a symbol and a word. The rules themselves are `qbr_format`'s,
//! the one set the CLI, the PDF pack and (as a generated table) the app all follow; this module
//! only takes them to the wire types. Nothing is computed, only shown.

use crate::{ChangeView, TargetView};

pub use qbr_format::{
    clock, currency_symbol, grouped, money, percent, signed, status, status_symbol, status_word,
    thousands, value, MINUS, NONE,
};

/// A move against a comparison period: percentage points for ratios, `±m:ss` for times, the
/// relative change as well for volumes and money.
pub fn change(unit: &str, c: &ChangeView, currency: &str) -> String {
    qbr_format::change(unit, c.absolute, c.points, c.relative, currency)
}

/// A target as a bound: `≥ 82.0%`, `≤ 0:30`, `75.0%–88.0%`.
pub fn target(unit: &str, t: &TargetView, currency: &str) -> String {
    qbr_format::target(unit, &t.direction, t.value, t.value_high, currency)
}
