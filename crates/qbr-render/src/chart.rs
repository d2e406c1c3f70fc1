//! Charts. Each function takes plain data (values, labels, the unit they are in) and returns a
//! finished drawing; nothing here computes a metric. The trend chart lives in `trend`, its axes'
//! arithmetic and number formats in `scale`, the bundled typeface in `fonts`.

pub(crate) mod bars;
pub(crate) mod diagnose;
pub(crate) mod fonts;
pub(crate) mod scale;
pub(crate) mod trend;

use plotters::prelude::*;

pub use bars::{bars_svg, Bar, BarChart};
pub use diagnose::{drivers_svg, scatter_svg, DriverChart, ScatterChart};
pub use fonts::{BOLD_TTF, FAMILY as FONT_FAMILY, REGULAR_TTF};
pub use scale::{format_value, UnitKind};
pub use trend::{
    series_colour, trend_png, trend_svg, trend_svg_with_plot, ControlBand, Marker, MarkerKind,
    MovingAverage, PlotArea, ShadedWindow, Target, TrendChart, TrendSeries,
};

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("cannot draw the chart: {0}")]
    Draw(String),
    /// The chart's data does not fit together (lengths, indices, sizes); the message says how.
    #[error("invalid chart: {0}")]
    Invalid(String),
    #[error("the bundled chart font could not be loaded")]
    Font,
}

/// A compact line chart without axes or text, for a summary tile: the shape of a series at a
/// glance. Returns an SVG document sized `width` × `height` pixels. An empty series draws an
/// empty frame rather than failing, so a new workspace still shows its tile.
pub fn sparkline_svg(
    values: &[f64],
    width: u32,
    height: u32,
    rgb: (u8, u8, u8),
) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if finite.len() >= 2 {
            let (lo, hi) = finite
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                });
            // A flat series still needs a non-empty range to be drawn in the middle.
            let pad = if hi > lo { (hi - lo) * 0.08 } else { 1.0 };
            let mut chart = ChartBuilder::on(&root)
                .margin(2)
                .build_cartesian_2d(0f64..(finite.len() - 1) as f64, (lo - pad)..(hi + pad))
                .map_err(|e| ChartError::Draw(e.to_string()))?;
            let color = RGBColor(rgb.0, rgb.1, rgb.2);
            chart
                .draw_series(LineSeries::new(
                    finite.iter().enumerate().map(|(i, &v)| (i as f64, v)),
                    color.stroke_width(2),
                ))
                .map_err(|e| ChartError::Draw(e.to_string()))?;
        }
        root.present()
            .map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points_of(svg: &str) -> usize {
        let start = svg.find("points=\"").expect("a polyline") + 8;
        let end = svg[start..].find('"').unwrap() + start;
        svg[start..end].split_whitespace().count()
    }

    #[test]
    fn one_point_per_value_inside_the_frame() {
        let svg = sparkline_svg(&[10.0, 30.0, 20.0, 40.0], 120, 30, (0, 90, 160)).unwrap();
        assert!(svg.starts_with("<svg"), "an SVG document");
        assert!(svg.contains("width=\"120\"") && svg.contains("height=\"30\""));
        assert_eq!(points_of(&svg), 4, "one vertex per value");
        assert!(svg.contains("#005AA0"), "drawn in the requested colour");
    }

    #[test]
    fn highest_value_is_drawn_highest() {
        // SVG y grows downwards: the largest value must have the smallest y.
        let svg = sparkline_svg(&[1.0, 5.0, 3.0], 100, 40, (0, 0, 0)).unwrap();
        let start = svg.find("points=\"").unwrap() + 8;
        let end = svg[start..].find('"').unwrap() + start;
        let ys: Vec<i32> = svg[start..end]
            .split_whitespace()
            .map(|p| p.split(',').nth(1).unwrap().parse().unwrap())
            .collect();
        assert!(ys[1] < ys[0] && ys[1] < ys[2], "peak at index 1: {ys:?}");
    }

    #[test]
    fn empty_and_single_values_draw_no_line() {
        for values in [&[][..], &[3.0][..], &[f64::NAN, 2.0][..]] {
            let svg = sparkline_svg(values, 50, 20, (0, 0, 0)).unwrap();
            assert!(
                !svg.contains("polyline"),
                "nothing to connect in {values:?}"
            );
        }
    }
}
