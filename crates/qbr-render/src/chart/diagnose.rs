//! Diagnostic charts: a scatter of two metrics (correlation) and a diverging bar chart of what
//! drove a change (each segment's rate and mix parts). Plain numbers in, SVG out; the caller
//! computes every figure and names every label.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::fonts::{self, FAMILY};
use super::scale::{format_value, UnitKind};
use super::ChartError;

const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
const GRID: RGBColor = RGBColor(0xE2, 0xE2, 0xE2);
const POINT: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe–Ito blue and vermillion: the rate and mix parts.
const RATE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const MIX: RGBColor = RGBColor(0xD5, 0x5E, 0x00);

fn err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

fn style(size: f64, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (FAMILY, size)
        .into_font()
        .color(&colour)
        .pos(Pos::new(h, v))
}

fn finish(svg: String) -> String {
    svg.replace(
        &format!("font-family=\"{FAMILY}\""),
        &format!("font-family=\"{FAMILY}, sans-serif\""),
    )
}

/// A scatter chart of paired values.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_unit: UnitKind,
    pub y_unit: UnitKind,
    /// (label, x, y); labels are drawn beside points when there are at most 12.
    pub points: Vec<(String, f64, f64)>,
    pub width: u32,
    pub height: u32,
}

fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let pad = if hi > lo {
        (hi - lo) * 0.08
    } else {
        lo.abs().max(1.0) * 0.05
    };
    (lo - pad, hi + pad)
}

/// The scatter as an SVG document.
pub fn scatter_svg(c: &ScatterChart) -> Result<String, ChartError> {
    if c.points
        .iter()
        .any(|p| !p.1.is_finite() || !p.2.is_finite())
    {
        return Err(ChartError::Invalid("a point is not a finite number".into()));
    }
    fonts::ensure_registered()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (c.width, c.height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let range = |f: fn(&(String, f64, f64)) -> f64| {
            let lo = c.points.iter().map(f).fold(f64::INFINITY, f64::min);
            let hi = c.points.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
            if lo.is_finite() {
                padded(lo, hi)
            } else {
                (0.0, 1.0)
            }
        };
        let (x0, x1) = range(|p| p.1);
        let (y0, y1) = range(|p| p.2);
        let (xu, yu) = (c.x_unit, c.y_unit);
        let mut chart = ChartBuilder::on(&root)
            .caption(&c.title, (FAMILY, 16.0).into_font().color(&INK))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_desc(&c.x_label)
            .y_desc(&c.y_label)
            .label_style((FAMILY, 12.0).into_font().color(&MUTED))
            .axis_desc_style((FAMILY, 13.0).into_font().color(&INK))
            .x_label_formatter(&|v| format_value(*v, xu))
            .y_label_formatter(&|v| format_value(*v, yu))
            .x_labels(6)
            .y_labels(6)
            .draw()
            .map_err(err)?;
        chart
            .draw_series(
                c.points
                    .iter()
                    .map(|p| Circle::new((p.1, p.2), 5, POINT.mix(0.8).filled())),
            )
            .map_err(err)?;
        if c.points.len() <= 12 {
            let s = style(11.0, MUTED, HPos::Left, VPos::Center);
            chart
                .draw_series(
                    c.points
                        .iter()
                        .map(|p| Text::new(p.0.clone(), (p.1, p.2), s.clone())),
                )
                .map_err(err)?;
        }
        if c.points.is_empty() {
            root.draw_text(
                "No pairs with both values",
                &style(13.0, MUTED, HPos::Center, VPos::Center),
                ((c.width / 2) as i32, (c.height / 2) as i32),
            )
            .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(finish(svg))
}

/// A driver chart: per segment, the rate part and the mix part as bars from zero.
#[derive(Debug, Clone, PartialEq)]
pub struct DriverChart {
    pub title: String,
    pub unit: UnitKind,
    /// (segment, rate part, mix part), in display order.
    pub segments: Vec<(String, f64, f64)>,
    pub width: u32,
    pub height: u32,
}

/// The driver chart as an SVG document: one row per segment, a blue bar for its own rate and an
/// orange bar for the volume shift, both diverging from a zero line.
pub fn drivers_svg(c: &DriverChart) -> Result<String, ChartError> {
    if c.segments
        .iter()
        .any(|s| !s.1.is_finite() || !s.2.is_finite())
    {
        return Err(ChartError::Invalid("a part is not a finite number".into()));
    }
    fonts::ensure_registered()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (c.width, c.height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (w, h) = (c.width as f64, c.height as f64);
        let pad = 14.0;
        root.draw_text(
            &c.title,
            &style(16.0, INK, HPos::Left, VPos::Top),
            (pad as i32, pad as i32),
        )
        .map_err(err)?;
        // Legend.
        let ly = pad + 30.0;
        for (i, (colour, label)) in [(RATE, "Own rate"), (MIX, "Volume mix")].iter().enumerate() {
            let x = pad + i as f64 * 130.0;
            root.draw(&Rectangle::new(
                [
                    (x as i32, (ly - 6.0) as i32),
                    ((x + 18.0) as i32, (ly + 6.0) as i32),
                ],
                colour.filled(),
            ))
            .map_err(err)?;
            root.draw_text(
                label,
                &style(12.0, INK, HPos::Left, VPos::Center),
                ((x + 24.0) as i32, ly as i32),
            )
            .map_err(err)?;
        }
        let label_w = 150.0;
        let (left, right) = (pad + label_w, w - pad - 70.0);
        let top = ly + 22.0;
        let bottom = h - pad - 18.0;
        let max = c
            .segments
            .iter()
            .flat_map(|s| [s.1.abs(), s.2.abs()])
            .fold(0.0, f64::max)
            .max(1e-12);
        let zero = (left + right) / 2.0;
        let scale = (right - left) / 2.0 / max;
        let n = c.segments.len().max(1) as f64;
        let row = (bottom - top) / n;
        root.draw(&PathElement::new(
            vec![(zero as i32, top as i32), (zero as i32, bottom as i32)],
            MUTED.stroke_width(1),
        ))
        .map_err(err)?;
        for (i, (name, rate, mix)) in c.segments.iter().enumerate() {
            let y = top + i as f64 * row;
            root.draw_text(
                name,
                &style(12.0, INK, HPos::Right, VPos::Center),
                ((left - 8.0) as i32, (y + row / 2.0) as i32),
            )
            .map_err(err)?;
            let bar_h = (row * 0.32).min(16.0);
            for (k, (v, colour)) in [(*rate, RATE), (*mix, MIX)].into_iter().enumerate() {
                let yb = y + row / 2.0 - bar_h - 1.0 + k as f64 * (bar_h + 2.0);
                let x = zero + v * scale;
                let (a, b) = (zero.min(x), zero.max(x));
                root.draw(&Rectangle::new(
                    [
                        (a as i32, yb as i32),
                        ((b.max(a + 1.0)) as i32, (yb + bar_h) as i32),
                    ],
                    colour.filled(),
                ))
                .map_err(err)?;
                // A part of the change, signed as every move is (points for a ratio); one that
                // rounds to nothing carries no sign.
                let text = qbr_format::change(c.unit.as_str(), v, None, None, "");
                let (tx, hp) = if v >= 0.0 {
                    (b + 4.0, HPos::Left)
                } else {
                    (a - 4.0, HPos::Right)
                };
                root.draw_text(
                    &text,
                    &style(11.0, MUTED, hp, VPos::Center),
                    (tx as i32, (yb + bar_h / 2.0) as i32),
                )
                .map_err(err)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(finish(svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let body = t.split_once('>')?.1;
                Some(body.split("</text>").next()?.trim().to_string())
            })
            .collect()
    }

    #[test]
    fn scatter_draws_each_point_with_its_label() {
        let svg = scatter_svg(&ScatterChart {
            title: "AHT against CSAT".into(),
            x_label: "Average handle time".into(),
            y_label: "Customer satisfaction".into(),
            x_unit: UnitKind::Seconds,
            y_unit: UnitKind::Ratio,
            points: vec![
                ("Billing".into(), 412.0, 0.88),
                ("Tech Support".into(), 603.0, 0.78),
                ("Sales".into(), 521.0, 0.86),
            ],
            width: 480,
            height: 360,
        })
        .unwrap();
        assert_eq!(svg.matches("<circle").count(), 3, "one dot per pair");
        let t = texts(&svg);
        for l in ["Billing", "Tech Support", "Sales", "AHT against CSAT"] {
            assert!(t.iter().any(|x| x == l), "{l} in {t:?}");
        }
    }

    #[test]
    fn driver_bars_show_signed_parts() {
        let svg = drivers_svg(&DriverChart {
            title: "What drove AHT".into(),
            unit: UnitKind::Seconds,
            segments: vec![
                ("Tech Support".into(), 40.0, 6.0),
                ("Billing".into(), -2.0, 1.0),
                ("Sales".into(), -0.3, 0.2),
            ],
            width: 640,
            height: 260,
        })
        .unwrap();
        let t = texts(&svg);
        // Seconds as every move shows them; under half a second is no move, with no sign.
        for label in ["+0:40", "+0:06", "\u{2212}0:02", "+0:01", "0:00"] {
            assert!(t.iter().any(|x| x == label), "{label} in {t:?}");
        }
        assert!(!t.iter().any(|x| x == "\u{2212}0:00"), "{t:?}");
        assert!(t.iter().any(|x| x == "Own rate") && t.iter().any(|x| x == "Volume mix"));
        assert!(
            t.iter().any(|x| x.starts_with('+') && x.contains("40")),
            "{t:?}"
        );
        assert!(
            t.iter().any(|x| x.starts_with('\u{2212}')),
            "a negative part is signed: {t:?}"
        );
        assert!(drivers_svg(&DriverChart {
            title: String::new(),
            unit: UnitKind::Seconds,
            segments: vec![("x".into(), f64::NAN, 0.0)],
            width: 10,
            height: 10
        })
        .is_err());
    }
}
