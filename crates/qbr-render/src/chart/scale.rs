//! Value axes: the unit a chart is drawn in, "nice" tick steps for it, and how a value reads in that
//! unit. A single value (a bar's label, a target) reads exactly as `qbr_format` writes it for the
//! CLI, the app and the pack; an axis tick keeps as many decimals as its step needs, with the same
//! signs, separators, percent and currency symbols. Pure functions, so the numbers a reader sees
//! are unit-tested without drawing anything.

/// How the values of a chart are read. Ratios arrive as fractions (0.82 reads "82%"), durations as
/// seconds (360 reads "6:00").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Ratio,
    Seconds,
    Count,
    Money,
    Score,
    Points,
    /// A 1–7 scale (customer effort), two decimals.
    #[serde(rename = "scale_1_7")]
    Scale7,
}

impl UnitKind {
    /// The unit as the wire and `qbr_format` name it.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Ratio => "ratio",
            UnitKind::Seconds => "seconds",
            UnitKind::Count => "count",
            UnitKind::Money => "money",
            UnitKind::Score => "score",
            UnitKind::Points => "points",
            UnitKind::Scale7 => "scale_1_7",
        }
    }
}

/// The ticks of a value axis: every value in `values` is labelled; `lo`/`hi` are the axis ends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub values: Vec<f64>,
}

/// Ticks covering `lo..=hi` with about `wanted` intervals, on steps a reader can add up in their head:
/// 1, 2 or 5 times a power of ten, or whole seconds, minutes and hours for durations.
pub(crate) fn nice_ticks(lo: f64, hi: f64, wanted: usize, unit: UnitKind) -> Ticks {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        // A flat line still needs an axis: open a range around it that reads naturally.
        let half = match unit {
            UnitKind::Ratio => 0.05,
            UnitKind::Seconds => 30.0,
            _ => (lo.abs() * 0.1).max(1.0),
        };
        (lo - half, hi + half)
    };
    let rough = (hi - lo) / wanted.max(1) as f64;
    let step = match unit {
        UnitKind::Seconds if rough >= 1.0 => seconds_step(rough),
        _ => decimal_step(rough),
    };
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    let values: Vec<f64> = (0..=((last - first) as i64))
        .map(|k| clean((first + k as f64) * step))
        .collect();
    Ticks {
        lo: clean(first * step),
        hi: clean(last * step),
        step,
        values,
    }
}

fn decimal_step(rough: f64) -> f64 {
    let magnitude = 10f64.powf(rough.log10().floor());
    let m = rough / magnitude;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

fn seconds_step(rough: f64) -> f64 {
    const STEPS: [f64; 16] = [
        1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1200.0, 1800.0,
        3600.0, 7200.0,
    ];
    STEPS
        .iter()
        .copied()
        .find(|&s| s >= rough)
        .unwrap_or_else(|| (rough / 3600.0).ceil() * 3600.0)
}

/// Rounds away float noise such as 0.30000000000000004, so labels and comparisons are exact.
fn clean(v: f64) -> f64 {
    let r = (v * 1e9).round() / 1e9;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// The label of one tick: as many decimals as the step needs and no more.
#[cfg(test)]
pub(crate) fn tick_label(value: f64, step: f64, unit: UnitKind) -> String {
    tick_label_in(value, step, unit, "")
}

/// [`tick_label`] with money in `currency`.
pub(crate) fn tick_label_in(value: f64, step: f64, unit: UnitKind, currency: &str) -> String {
    match unit {
        UnitKind::Ratio => format!("{}%", grouped(value * 100.0, decimals_for(step * 100.0))),
        UnitKind::Seconds => qbr_format::clock(value),
        UnitKind::Money => {
            let digits = grouped(value.abs(), decimals_for(step));
            let nonzero = digits.chars().any(|c| c.is_ascii_digit() && c != '0');
            let sign = if value < 0.0 && nonzero {
                qbr_format::MINUS
            } else {
                ""
            };
            format!("{sign}{}{digits}", qbr_format::currency_symbol(currency))
        }
        _ => grouped(value, decimals_for(step)),
    }
}

/// A single value as a reader sees it everywhere (the CLI, the app, the pack): `82.0%`, `6:00`,
/// `+25.1`, `4.08`; money without a currency symbol (see [`format_value_in`]).
pub fn format_value(value: f64, unit: UnitKind) -> String {
    format_value_in(value, unit, "")
}

/// [`format_value`] with money in `currency` (`€3.10`).
pub fn format_value_in(value: f64, unit: UnitKind, currency: &str) -> String {
    qbr_format::value(unit.as_str(), value, currency)
}

fn decimals_for(step: f64) -> usize {
    if step >= 1.0 - 1e-9 {
        0
    } else {
        (-(step.log10()) - 1e-9).ceil().clamp(0.0, 6.0) as usize
    }
}

/// A number with comma thousands separators and a true minus: 12345.6 with one decimal reads
/// "12,345.6".
pub(crate) fn grouped(value: f64, decimals: usize) -> String {
    qbr_format::grouped(value, decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(lo: f64, hi: f64, wanted: usize, unit: UnitKind) -> Vec<String> {
        let t = nice_ticks(lo, hi, wanted, unit);
        t.values
            .iter()
            .map(|&v| tick_label(v, t.step, unit))
            .collect()
    }

    #[test]
    fn ratio_ticks_read_as_whole_percentages() {
        // 0.78..0.86 over ~4 intervals: a 2-point step, so no decimals are needed.
        assert_eq!(
            labels(0.78, 0.86, 4, UnitKind::Ratio),
            ["78%", "80%", "82%", "84%", "86%"]
        );
    }

    #[test]
    fn duration_ticks_fall_on_whole_minutes() {
        // 5:10..7:40 in about 3 intervals: steps of one minute, read as m:ss.
        assert_eq!(
            labels(310.0, 460.0, 3, UnitKind::Seconds),
            ["5:00", "6:00", "7:00", "8:00"]
        );
    }

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(
            labels(0.0, 25_000.0, 5, UnitKind::Count),
            ["0", "5,000", "10,000", "15,000", "20,000", "25,000"]
        );
    }

    #[test]
    fn small_steps_keep_just_enough_decimals() {
        // CSAT-like scores 4.1..4.5: a 0.1 step needs one decimal, never 4.300000001.
        assert_eq!(
            labels(4.12, 4.48, 4, UnitKind::Score),
            ["4.1", "4.2", "4.3", "4.4", "4.5"]
        );
    }

    #[test]
    fn a_flat_series_still_gets_an_axis_around_it() {
        let t = nice_ticks(0.8, 0.8, 4, UnitKind::Ratio);
        assert!(t.lo < 0.8 && t.hi > 0.8, "the line sits inside: {t:?}");
    }

    #[test]
    fn single_values_read_naturally() {
        let check = |v: f64, unit, expected: &str| assert_eq!(format_value(v, unit), expected);
        check(0.82, UnitKind::Ratio, "82.0%");
        check(0.825, UnitKind::Ratio, "82.5%");
        check(360.0, UnitKind::Seconds, "6:00");
        // From an hour on, hours with one decimal (the shared rule of qbr-format).
        check(3725.4, UnitKind::Seconds, "1.0 h");
        check(1_234_567.8, UnitKind::Money, "1,234,568");
        // NPS reads with its sign, as in the scorecard's "+25.1" (not "25.08").
        check(25.08, UnitKind::Score, "+25.1");
        check(4.0769, UnitKind::Scale7, "4.08");
        check(-12.0, UnitKind::Points, "−12.0");
        check(1234.0, UnitKind::Count, "1,234");
        // What rounds to zero carries no minus sign.
        check(-0.001, UnitKind::Count, "0.0");
        assert_eq!(format_value_in(3.1, UnitKind::Money, "EUR"), "€3.10");
    }

    #[test]
    fn money_ticks_carry_the_currency_symbol() {
        let t = nice_ticks(0.0, 10.0, 5, UnitKind::Money);
        let l: Vec<String> = t
            .values
            .iter()
            .map(|&v| tick_label_in(v, t.step, UnitKind::Money, "USD"))
            .collect();
        assert_eq!(l, ["$0", "$2", "$4", "$6", "$8", "$10"]);
        assert_eq!(tick_label_in(-2.0, 1.0, UnitKind::Money, "USD"), "−$2");
    }
}
