//! How values read in text: by unit, changes against a comparison period, targets as bounds and
//! RAG status as a symbol and a word. Shared by the CLI's tables and the PDF pack, so both print
//! a number the same way. Pure functions of wire values; nothing is computed, only shown
//! (percentages are fractions × 100, times are seconds as `m:ss`).

use crate::{ChangeView, TargetView};

/// Shown wherever there is no value.
pub const NONE: &str = "–";

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    group_digits(&n.to_string())
}

fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `v` with `decimals` places and thousands separators; `-` for negatives that do not round to 0.
pub fn grouped(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    if v < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    out.push_str(&group_digits(int));
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// Like [`grouped`] with a `+` in front of positive values; zero carries no sign.
pub fn signed(v: f64, decimals: usize) -> String {
    let text = grouped(v, decimals);
    if v > 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{text}")
    } else {
        text
    }
}

/// Seconds as `m:ss`, or `h:mm:ss` from an hour on; rounded to the second.
pub fn clock(seconds: f64) -> String {
    let total = seconds.abs().round() as u64;
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    let text = if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    };
    if seconds < 0.0 && total > 0 {
        format!("-{text}")
    } else {
        text
    }
}

/// A metric value in its unit (`unit` as in the wire types: count, ratio, seconds, score,
/// scale_1_7, points, money).
pub fn value(unit: &str, v: f64, currency: &str) -> String {
    match unit {
        "count" => {
            if (v - v.round()).abs() < 1e-9 {
                grouped(v, 0)
            } else {
                grouped(v, 1)
            }
        }
        "ratio" => format!("{}%", grouped(v * 100.0, 1)),
        "seconds" => clock(v),
        "score" => signed(v, 1),
        "scale_1_7" => grouped(v, 2),
        "points" => grouped(v, 1),
        "money" => format!("{currency} {}", grouped(v, 2)),
        _ => grouped(v, 2),
    }
}

/// A move against a comparison period: percentage points for ratios, `±m:ss` for times, the
/// relative change as well for volumes and money.
pub fn change(unit: &str, c: &ChangeView, currency: &str) -> String {
    let relative = || match c.relative {
        Some(r) => format!(" ({}%)", signed(r * 100.0, 1)),
        None => String::new(),
    };
    match unit {
        "ratio" => format!("{} pp", signed(c.points.unwrap_or(c.absolute * 100.0), 1)),
        "seconds" => {
            let text = clock(c.absolute);
            if text.starts_with('-') || clock(c.absolute.abs()) == "0:00" {
                text
            } else {
                format!("+{text}")
            }
        }
        "count" => format!("{}{}", signed(c.absolute, 0), relative()),
        "money" => {
            let s = signed(c.absolute, 2);
            let (sign, digits) = match s.chars().next() {
                Some(ch @ ('+' | '-')) => (ch.to_string(), s[1..].to_string()),
                _ => (String::new(), s),
            };
            format!("{sign}{currency} {digits}{}", relative())
        }
        "scale_1_7" => signed(c.absolute, 2),
        _ => signed(c.absolute, 1),
    }
}

/// A target as a bound: `≥ 82.0%`, `≤ 0:30`, `75.0%–88.0%`.
pub fn target(unit: &str, t: &TargetView, currency: &str) -> String {
    let v = |x: f64| value(unit, x, currency);
    match t.direction.as_str() {
        "at_least" => format!("≥ {}", v(t.value)),
        "at_most" => format!("≤ {}", v(t.value)),
        "band" => format!("{}–{}", v(t.value), v(t.value_high.unwrap_or(t.value))),
        other => format!("{other} {}", v(t.value)),
    }
}

/// RAG status as symbol and word, readable without colour.
pub fn status(s: &str) -> String {
    match s {
        "green" => "✓ green".into(),
        "amber" => "! amber".into(),
        "red" => "✗ red".into(),
        "none" | "" => NONE.into(),
        other => other.into(),
    }
}
