//! The horizontal bar chart of a breakdown (one bar per queue, site, channel…): labels on the left,
//! bars from zero, the value at the end of each bar, an optional target line or band. A missing value
//! draws no bar and says "No value" with its reason, never 0. Generic over the plotters backend, so
//! the same drawing feeds the app (SVG) and the PDF pack (vector, real text).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

use super::fonts::{self, FAMILY};
use super::scale::{format_value_in, nice_ticks, tick_label_in, UnitKind};
use super::trend::{
    draw_error, fit, measure, Area, Target, AXIS, AXIS_SIZE, GRID, INK, LEGEND_SIZE, MUTED,
    SERIES_COLOURS, TARGET, TITLE_SIZE,
};
use super::ChartError;

/// A horizontal bar chart for a breakdown by one dimension (queue, site, channel…), one bar per
/// member, in the given order. Missing values are shown as missing with their reason, never as 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarChart {
    pub title: String,
    pub unit: UnitKind,
    pub bars: Vec<Bar>,
    /// Drawn as a dashed line (or a band) across the bars, labelled in the legend.
    #[serde(default)]
    pub target: Option<Target>,
    /// Money is shown in this currency (ISO 4217), e.g. `€3.10`.
    #[serde(default)]
    pub currency: String,
}

/// One bar: a label and a value, or no value and the reason why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    /// Why the value is missing (e.g. `no calls`, `below 30 surveys`), or a short note shown after
    /// a present value (e.g. `n = 42`).
    #[serde(default)]
    pub note: Option<String>,
}

fn style(size: f64, s: f64, bold: bool, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    let weight = if bold {
        FontStyle::Bold
    } else {
        FontStyle::Normal
    };
    FontDesc::new(FontFamily::Name(FAMILY), size * s, weight)
        .color(&colour)
        .pos(Pos::new(h, v))
}

fn pt(x: f64, y: f64) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

/// The bar chart as an SVG document of `width` × `height` pixels, text in the Lato family.
pub fn bars_svg(chart: &BarChart, width: u32, height: u32) -> Result<String, ChartError> {
    validate(chart, width, height)?;
    fonts::ensure_registered()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw_bars(&root, chart, 1.0)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg.replace(
        &format!("font-family=\"{FAMILY}\""),
        &format!("font-family=\"{FAMILY}, sans-serif\""),
    ))
}

pub(crate) fn validate(chart: &BarChart, width: u32, height: u32) -> Result<(), ChartError> {
    if width < 200 || height < 80 {
        return Err(ChartError::Invalid(format!(
            "a bar chart needs at least 200×80 pixels, got {width}×{height}"
        )));
    }
    if let Some(Target::Band { low, high }) = chart.target {
        if low > high {
            return Err(ChartError::Invalid(format!(
                "the target band runs from {low} down to {high}"
            )));
        }
    }
    Ok(())
}

fn target_values(t: &Target) -> Vec<f64> {
    match *t {
        Target::AtLeast(v) | Target::AtMost(v) => vec![v],
        Target::Band { low, high } => vec![low, high],
    }
}

/// Draws `chart` on `root`; sizes are pixels at scale 1, multiplied by `s`.
pub(crate) fn draw_bars<DB: DrawingBackend>(
    root: &Area<DB>,
    chart: &BarChart,
    s: f64,
) -> Result<(), ChartError> {
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as f64, h as f64);
    let pad = 14.0 * s;
    root.fill(&WHITE).map_err(draw_error)?;
    let mut top = pad;
    if !chart.title.trim().is_empty() {
        let ts = style(TITLE_SIZE, s, true, INK, HPos::Left, VPos::Top);
        let title = fit(root, &chart.title, &ts, w - 2.0 * pad)?;
        root.draw_text(&title, &ts, pt(pad, top))
            .map_err(draw_error)?;
        top += TITLE_SIZE * s + 8.0 * s;
    }
    if let Some(t) = &chart.target {
        let ls = style(LEGEND_SIZE, s, false, INK, HPos::Left, VPos::Center);
        let cy = top + LEGEND_SIZE * s / 2.0;
        match t {
            Target::Band { .. } => {
                root.draw(&Rectangle::new(
                    [pt(pad, cy - 5.0 * s), pt(pad + 22.0 * s, cy + 5.0 * s)],
                    TARGET.mix(0.12).filled(),
                ))
                .map_err(draw_error)?;
            }
            _ => dashed_v(root, pad + 11.0 * s, cy - 7.0 * s, cy + 7.0 * s, s)?,
        }
        root.draw_text(
            &t.label_in(chart.unit, &chart.currency),
            &ls,
            pt(pad + 28.0 * s, cy),
        )
        .map_err(draw_error)?;
        top += LEGEND_SIZE * s + 10.0 * s;
    }

    let label_style = style(LEGEND_SIZE, s, false, INK, HPos::Left, VPos::Center);
    let value_style = style(AXIS_SIZE, s, true, INK, HPos::Left, VPos::Center);
    let note_style = style(AXIS_SIZE, s, false, MUTED, HPos::Left, VPos::Center);
    let axis_style = style(AXIS_SIZE, s, false, MUTED, HPos::Center, VPos::Top);

    // Label column: as wide as the longest label, at most a third of the chart.
    let mut label_w: f64 = 0.0;
    for b in &chart.bars {
        label_w = label_w.max(measure(root, &b.label, &label_style)?.0);
    }
    let label_w = label_w.min((w - 2.0 * pad) / 3.0);
    // Room at the right for the value and note after the longest bar.
    let value_text = |v: Option<f64>, note: &Option<String>| -> (String, String) {
        match v.filter(|v| v.is_finite()) {
            Some(v) => (
                format_value_in(v, chart.unit, &chart.currency),
                note.as_ref().map(|n| format!("  {n}")).unwrap_or_default(),
            ),
            None => (
                "No value".to_string(),
                note.as_ref()
                    .map(|n| format!(" \u{2014} {n}"))
                    .unwrap_or_default(),
            ),
        }
    };
    let mut tail_w: f64 = 0.0;
    for b in &chart.bars {
        if b.value.is_some_and(f64::is_finite) {
            let (v, n) = value_text(b.value, &b.note);
            tail_w =
                tail_w.max(measure(root, &v, &value_style)?.0 + measure(root, &n, &note_style)?.0);
        }
    }
    let tail_w = tail_w.min((w - 2.0 * pad) / 4.0) + 8.0 * s;
    let left = pad + label_w + 10.0 * s;
    let right = (w - pad - tail_w).max(left + 40.0 * s);
    let axis_h = AXIS_SIZE * s + 8.0 * s;
    let bottom = h - pad - axis_h;
    let n = chart.bars.len().max(1);
    let row = ((bottom - top) / n as f64).min(34.0 * s);
    let bottom = top + row * n as f64;

    // Value axis from zero (or the lowest negative value) to the highest value or target.
    let finite: Vec<f64> = chart
        .bars
        .iter()
        .filter_map(|b| b.value.filter(|v| v.is_finite()))
        .chain(chart.target.iter().flat_map(target_values))
        .collect();
    let lo = finite.iter().copied().fold(0.0f64, f64::min);
    let mut hi = finite.iter().copied().fold(0.0f64, f64::max);
    if hi <= lo {
        hi = lo
            + if chart.unit == UnitKind::Ratio {
                1.0
            } else {
                1.0_f64.max(lo.abs())
            };
    }
    let wanted = (((right - left) / (90.0 * s)).floor() as usize).clamp(2, 8);
    let ticks = nice_ticks(lo, hi, wanted, chart.unit);
    let span = (ticks.hi - ticks.lo).max(f64::EPSILON);
    let x_of = |v: f64| left + (v - ticks.lo) / span * (right - left);

    // Grid and axis labels.
    for &t in &ticks.values {
        let x = x_of(t);
        root.draw(&PathElement::new(
            vec![pt(x, top), pt(x, bottom)],
            GRID.stroke_width(1),
        ))
        .map_err(draw_error)?;
        root.draw_text(
            &tick_label_in(t, ticks.step, chart.unit, &chart.currency),
            &axis_style,
            pt(x, bottom + 6.0 * s),
        )
        .map_err(draw_error)?;
    }
    // Target band behind the bars.
    if let Some(Target::Band { low, high }) = chart.target {
        root.draw(&Rectangle::new(
            [pt(x_of(low), top), pt(x_of(high), bottom)],
            TARGET.mix(0.10).filled(),
        ))
        .map_err(draw_error)?;
    }

    let colour = SERIES_COLOURS[0];
    let zero = x_of(0.0_f64.clamp(ticks.lo, ticks.hi));
    // (x, centre y, value text, note text, present) drawn after the target line, on a white backing.
    let mut labels: Vec<(f64, f64, String, String, bool)> = Vec::new();
    for (i, b) in chart.bars.iter().enumerate() {
        let cy = top + (i as f64 + 0.5) * row;
        let label = fit(root, &b.label, &label_style, label_w)?;
        root.draw_text(&label, &label_style, pt(pad, cy))
            .map_err(draw_error)?;
        let (vt, nt) = value_text(b.value, &b.note);
        if let Some(v) = b.value.filter(|v| v.is_finite()) {
            let x = x_of(v);
            let half = (row * 0.32).max(2.0);
            let (x0, x1) = if x >= zero { (zero, x) } else { (x, zero) };
            root.draw(&Rectangle::new(
                [pt(x0, cy - half), pt(x1.max(x0 + 1.0), cy + half)],
                colour.filled(),
            ))
            .map_err(draw_error)?;
            labels.push((x1.max(zero) + 6.0 * s, cy, vt, nt, true));
        } else {
            // Missing: no bar, the reason in muted text at zero.
            labels.push((
                zero + 6.0 * s,
                cy,
                format!("{vt}{nt}"),
                String::new(),
                false,
            ));
        }
    }
    // Zero line and target line on top.
    root.draw(&PathElement::new(
        vec![pt(zero, top), pt(zero, bottom)],
        AXIS.stroke_width(1),
    ))
    .map_err(draw_error)?;
    if let Some(t @ (Target::AtLeast(_) | Target::AtMost(_))) = &chart.target {
        let x = x_of(target_values(t)[0]);
        dashed_v(root, x, top - 4.0 * s, bottom + 2.0 * s, s)?;
    }
    let missing_style = style(AXIS_SIZE, s, false, MUTED, HPos::Left, VPos::Center);
    for (tx, cy, vt, nt, present) in labels {
        let (vs, room) = if present {
            (&value_style, (w - pad - tx).max(0.0))
        } else {
            (&missing_style, (w - pad - tx).max(0.0))
        };
        let vt = fit(root, &vt, vs, room)?;
        let (vw, th) = measure(root, &vt, vs)?;
        let nt = if nt.is_empty() {
            nt
        } else {
            fit(root, &nt, &note_style, (room - vw).max(0.0))?
        };
        let nw = if nt.is_empty() {
            0.0
        } else {
            measure(root, &nt, &note_style)?.0
        };
        root.draw(&Rectangle::new(
            [
                pt(tx - 2.0 * s, cy - th / 2.0),
                pt(tx + vw + nw + 2.0 * s, cy + th / 2.0),
            ],
            WHITE.filled(),
        ))
        .map_err(draw_error)?;
        root.draw_text(&vt, vs, pt(tx, cy)).map_err(draw_error)?;
        if !nt.is_empty() {
            root.draw_text(&nt, &note_style, pt(tx + vw, cy))
                .map_err(draw_error)?;
        }
    }
    Ok(())
}

fn dashed_v<DB: DrawingBackend>(
    root: &Area<DB>,
    x: f64,
    y0: f64,
    y1: f64,
    s: f64,
) -> Result<(), ChartError> {
    let (dash, gap) = (5.0 * s, 3.5 * s);
    let mut y = y0;
    while y < y1 {
        let end = (y + dash).min(y1);
        root.draw(&PathElement::new(
            vec![pt(x, y), pt(x, end)],
            TARGET.stroke_width((2.0 * s).round().max(1.0) as u32),
        ))
        .map_err(draw_error)?;
        y = end + gap;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> BarChart {
        BarChart {
            title: "Service level by queue".into(),
            unit: UnitKind::Ratio,
            bars: vec![
                Bar {
                    label: "Billing".into(),
                    value: Some(0.84),
                    note: Some("n = 4,210".into()),
                },
                Bar {
                    label: "Tech Support".into(),
                    value: Some(0.71),
                    note: None,
                },
                Bar {
                    label: "Retention".into(),
                    value: None,
                    note: Some("no calls offered".into()),
                },
            ],
            target: Some(Target::AtLeast(0.8)),
            currency: String::new(),
        }
    }

    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .map(|t| {
                t.split('>')
                    .nth(1)
                    .unwrap()
                    .split("</text")
                    .next()
                    .unwrap()
                    .trim()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn values_labels_target_and_missing_reason_are_text() {
        let svg = bars_svg(&sample(), 640, 260).unwrap();
        let t = texts(&svg);
        for want in [
            "Billing",
            "Tech Support",
            "Retention",
            "84.0%",
            "71.0%",
            "Target \u{2265} 80.0%",
        ] {
            assert!(t.iter().any(|s| s == want), "{want} in {t:?}");
        }
        assert!(
            t.iter().any(|s| s == "No value \u{2014} no calls offered"),
            "missing shown with its reason, not as 0: {t:?}"
        );
        assert!(t.iter().any(|s| s == "n = 4,210"));
    }

    #[test]
    fn bars_are_proportional_and_missing_draws_no_bar() {
        let svg = bars_svg(&sample(), 640, 260).unwrap();
        let widths: Vec<f64> = svg
            .lines()
            .filter(|l| l.starts_with("<rect") && l.contains("fill=\"#0072B2\""))
            .map(|l| {
                l.split("width=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
        assert_eq!(
            widths.len(),
            2,
            "two bars for two present values: {widths:?}"
        );
        let ratio = widths[0] / widths[1];
        assert!(
            (ratio - 84.0 / 71.0).abs() < 0.03,
            "bar lengths follow values: {ratio}"
        );
    }
}
