//! Period-over-period comparisons (QoQ, YoY): how far a value moved, in its own unit, in
//! percentage points for ratios, and relative to where it started.

use crate::metrics::Unit;

/// How far a value moved from a base value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    /// current − base, in the metric's unit (a ratio moves by fractions: 0.02).
    pub absolute: f64,
    /// For ratios, the same move in percentage points (2.0); `None` for other units, whose
    /// absolute change already reads naturally.
    pub points: Option<f64>,
    /// (current − base) / |base|; `None` when the base is 0, where a relative move is meaningless.
    pub relative: Option<f64>,
}

/// The change from `base` to `current`; `None` when either has no value.
pub fn change(current: Option<f64>, base: Option<f64>, unit: Unit) -> Option<Change> {
    let (c, b) = (current?, base?);
    let absolute = c - b;
    Some(Change {
        absolute,
        points: (unit == Unit::Ratio).then_some(absolute * 100.0),
        relative: (b != 0.0).then(|| absolute / b.abs()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn ratios_move_in_points_and_relatively() {
        // SL from 80% to 84%: +4 points, +5% relative.
        let c = change(Some(0.84), Some(0.80), Unit::Ratio).unwrap();
        assert!((c.absolute - 0.04).abs() < 1e-12);
        assert!(
            close(c.points, 4.0),
            "a ratio moves in percentage points: {c:?}"
        );
        assert!(close(c.relative, 0.05), "0.04 / 0.80 = 5%: {c:?}");
    }

    #[test]
    fn other_units_have_no_points_and_zero_bases_no_relative() {
        let c = change(Some(300.0), Some(360.0), Unit::Seconds).unwrap();
        assert_eq!(c.absolute, -60.0);
        assert_eq!(c.points, None, "seconds are not percentages");
        assert!(close(c.relative, -1.0 / 6.0));
        // NPS from −10 to +5: relative to the magnitude of the base, so an improvement stays positive.
        let n = change(Some(5.0), Some(-10.0), Unit::Score).unwrap();
        assert!(close(n.relative, 1.5), "{n:?}");
        let z = change(Some(5.0), Some(0.0), Unit::Count).unwrap();
        assert_eq!(z.relative, None, "no relative change from zero");
        assert_eq!(change(None, Some(1.0), Unit::Count), None);
        assert_eq!(change(Some(1.0), None, Unit::Count), None);
    }
}
