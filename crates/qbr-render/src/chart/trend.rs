//! The trend chart: a metric bucket by bucket, with its moving average, its target, the events that
//! explain it (causes, actions) and shaded before/after windows. One drawing feeds the app (SVG) and
//! exports (PNG); text is laid out with the bundled font, so labels never overlap whatever the
//! machine. Missing values leave gaps and are never drawn as 0.

use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

use super::fonts::{self, FAMILY};
use super::scale::{format_value_in, nice_ticks, tick_label_in, Ticks, UnitKind};
use super::ChartError;

/// Everything a trend chart shows. Plain data: the caller decides what to draw and this module only
/// draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendChart {
    pub title: String,
    pub unit: UnitKind,
    /// One label per bucket, oldest first, e.g. `2026-W31` or `Jul 2026`: the bucket axis shows
    /// them unless `spans` gives the buckets' days.
    pub buckets: Vec<String>,
    /// Each bucket's first and last day (`YYYY-MM-DD`), oldest first, when the buckets are days,
    /// weeks or months: the bucket axis then names months in `locale` (`Jul`, with the year on the
    /// first named and on each January: `Jul 2026`, `Jan 2027`), ticked where each month begins,
    /// and the target's legend and window names read as days. Empty: `buckets` as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<(String, String)>,
    /// The locale months and days are named in (`en-GB`); empty reads as the default.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub locale: String,
    /// One or more lines; each has one value per bucket.
    pub series: Vec<TrendSeries>,
    pub target: Option<Target>,
    pub markers: Vec<Marker>,
    pub windows: Vec<ShadedWindow>,
    /// Control-chart limits and signals for the first series; `None` draws none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<ControlBand>,
    /// Money is shown in this currency (ISO 4217): `€3.10`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub currency: String,
    /// The target in force at each bucket (one per bucket, `None` where none was), drawn as steps
    /// from the bucket each came into force; when empty, `target` is drawn across the whole chart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_steps: Vec<Option<Target>>,
    /// Markers drawn as numbers over the plot and explained in a numbered list beneath it, so no
    /// label ever crosses a line or another label however many there are.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub numbered_markers: bool,
    /// Buckets with fewer days than their grain (a week cut by the range or the data): the first
    /// series' point there is drawn hollow, with a legend entry, so a short total reads as one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial: Vec<usize>,
    /// Size of the SVG in pixels.
    pub width: u32,
    pub height: u32,
}

/// A control chart's centre line, per-bucket limits (constant for XmR, varying for a p-chart) and
/// the buckets where a run rule fired, drawn over the first series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlBand {
    pub centre: f64,
    /// One per bucket; `None` where there are no limits (no value).
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
    /// Buckets with a signal, ringed in red on the first series.
    pub signals: Vec<usize>,
}

/// One line of the chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendSeries {
    pub name: String,
    /// One per bucket; `None` (or a non-finite number) is a gap in the line.
    pub values: Vec<Option<f64>>,
    pub moving_average: Option<MovingAverage>,
}

/// A smoothed companion line, drawn dashed in a lighter shade of its series' colour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovingAverage {
    /// Legend text, e.g. `4-week average`.
    pub label: String,
    /// One per bucket, like the series' values.
    pub values: Vec<Option<f64>>,
}

/// A contract target, in the chart's unit (fractions for ratios, seconds for durations).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    AtLeast(f64),
    AtMost(f64),
    Band { low: f64, high: f64 },
}

impl Target {
    /// The legend text: `Target ≥ 82.0%`, `Target ≤ 6:00` or `Target 80.0%–90.0%`.
    pub fn label(&self, unit: UnitKind) -> String {
        self.label_in(unit, "")
    }

    /// [`Target::label`] with money in `currency`.
    pub fn label_in(&self, unit: UnitKind, currency: &str) -> String {
        format!("Target {}", self.bound(unit, currency))
    }

    /// The bound alone: `≥ 82.0%`.
    pub fn bound(&self, unit: UnitKind, currency: &str) -> String {
        let v = |x: f64| format_value_in(x, unit, currency);
        match *self {
            Target::AtLeast(x) => format!("\u{2265} {}", v(x)),
            Target::AtMost(x) => format!("\u{2264} {}", v(x)),
            Target::Band { low, high } => format!("{}\u{2013}{}", v(low), v(high)),
        }
    }

    fn values(&self) -> Vec<f64> {
        match *self {
            Target::AtLeast(v) | Target::AtMost(v) => vec![v],
            Target::Band { low, high } => vec![low, high],
        }
    }
}

/// An event pinned to a bucket: a vertical line with a short label above the plot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    /// Bucket index.
    pub at: usize,
    pub label: String,
    pub kind: MarkerKind,
}

/// What a marker stands for; each kind has its own line style and legend entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    Cause,
    ActionStart,
    ActionFinish,
}

impl MarkerKind {
    fn legend(self) -> &'static str {
        match self {
            MarkerKind::Cause => "Cause",
            MarkerKind::ActionStart => "Action start",
            MarkerKind::ActionFinish => "Action finish",
        }
    }
}

/// A shaded span of buckets, `from..=to`, labelled at its top (e.g. `before` / `after`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShadedWindow {
    pub from: usize,
    pub to: usize,
    pub label: String,
}

/// The chart as an SVG document of `chart.width` × `chart.height` pixels: no script, no external
/// reference, text as `<text>` elements in the `Lato, sans-serif` family.
pub fn trend_svg(chart: &TrendChart) -> Result<String, ChartError> {
    trend_svg_with_plot(chart).map(|(svg, _)| svg)
}

/// Where the plot of a drawn trend chart sits, in the SVG's pixels: buckets share the span from
/// `left` to `right` equally, bucket `i` covering [`PlotArea::bucket_span`]. A caller lays
/// controls over the chart with it (e.g. one button per bucket) without knowing the layout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotArea {
    pub width: u32,
    pub height: u32,
    pub left: f64,
    pub right: f64,
    /// Top of the marker lines and shaded windows.
    pub top: f64,
    /// The bucket axis.
    pub bottom: f64,
    pub buckets: usize,
}

impl PlotArea {
    /// The x-range of bucket `i`, from its left edge to the next bucket's.
    pub fn bucket_span(&self, i: usize) -> (f64, f64) {
        let slot = (self.right - self.left) / self.buckets.max(1) as f64;
        (
            self.left + i as f64 * slot,
            self.left + (i + 1) as f64 * slot,
        )
    }
}

/// [`trend_svg`], with where its plot was drawn.
pub fn trend_svg_with_plot(chart: &TrendChart) -> Result<(String, PlotArea), ChartError> {
    validate(chart, chart.width, chart.height)?;
    fonts::ensure_registered()?;
    let mut svg = String::new();
    let frame;
    {
        let root =
            SVGBackend::with_string(&mut svg, (chart.width, chart.height)).into_drawing_area();
        frame = draw(&root, chart, 1.0)?;
        root.present().map_err(draw_error)?;
    }
    let plot = PlotArea {
        width: chart.width,
        height: chart.height,
        left: frame.left,
        right: frame.right,
        top: frame.top,
        bottom: frame.bottom,
        buckets: frame.n,
    };
    // Name a generic fallback so a viewer without Lato still draws a sans-serif.
    let svg = svg.replace(
        &format!("font-family=\"{FAMILY}\""),
        &format!("font-family=\"{FAMILY}, sans-serif\""),
    );
    Ok((svg, plot))
}

/// The chart as a PNG of `width` × `height` pixels. Text and strokes scale with the size relative to
/// `chart.width` × `chart.height`, so twice the size gives the same chart at twice the resolution.
pub fn trend_png(chart: &TrendChart, width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    validate(chart, width, height)?;
    fonts::ensure_registered()?;
    let scale = (width as f64 / chart.width.max(1) as f64)
        .min(height as f64 / chart.height.max(1) as f64)
        .clamp(0.5, 4.0);
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        draw(&root, chart, scale)?;
        root.present().map_err(draw_error)?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png_bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| ChartError::Draw(e.to_string()))?;
        writer
            .write_image_data(&rgb)
            .map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    Ok(png_bytes)
}

/// The day number (days from the common era, chrono's) of a day written `YYYY-MM-DD`, or `None`
/// when it is not a real day.
fn day_number(iso: &str) -> Option<i64> {
    let day = (iso.len() == 10)
        .then(|| iso.parse::<NaiveDate>().ok())
        .flatten()?;
    Some(i64::from(day.num_days_from_ce()))
}

/// The (year, month) a day number falls in.
fn year_month(n: i64) -> (i64, i64) {
    i32::try_from(n)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .map_or((0, 1), |d| (i64::from(d.year()), i64::from(d.month())))
}

fn first_of_month(y: i64, m: i64) -> i64 {
    i32::try_from(y)
        .ok()
        .zip(u32::try_from(m).ok())
        .and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1))
        .map_or(0, |d| i64::from(d.num_days_from_ce()))
}

impl TrendChart {
    /// Bucket `i` as a reader names it: its days (`27 Jul – 2 Aug 2026`) when `spans` gives them,
    /// otherwise its label.
    pub fn bucket_name(&self, i: usize) -> String {
        match self.spans.get(i) {
            Some((a, b)) => qbr_format::date_span(a, b, &self.locale),
            None => self.buckets.get(i).cloned().unwrap_or_default(),
        }
    }

    /// Bucket `i` in a few characters, for a category axis that shows every bucket: a month's
    /// name and year for a bucket of a month or more (`Jul 2026`), else its first day (`27 Jul`);
    /// its label when `spans` is empty.
    pub fn bucket_short(&self, i: usize) -> String {
        match self.spans.get(i) {
            Some((a, b)) => match (day_number(a), day_number(b)) {
                (Some(x), Some(y)) if y - x >= 27 => qbr_format::month_year(a, &self.locale),
                _ => qbr_format::day_month(a, &self.locale),
            },
            None => self.buckets.get(i).cloned().unwrap_or_default(),
        }
    }

    /// The days from bucket `a`'s first to bucket `b`'s last, or the buckets' labels.
    pub(crate) fn buckets_span(&self, a: usize, b: usize) -> String {
        match (self.spans.get(a), self.spans.get(b)) {
            (Some((x, _)), Some((_, y))) => qbr_format::date_span(x, y, &self.locale),
            _ => format!(
                "{}\u{2013}{}",
                self.buckets.get(a).map_or("", String::as_str),
                self.buckets.get(b).map_or("", String::as_str)
            ),
        }
    }

    fn first_day(&self, i: usize) -> String {
        match self.spans.get(i) {
            Some((a, _)) => qbr_format::date_long(a, &self.locale),
            None => self.buckets[i].clone(),
        }
    }

    fn last_day(&self, i: usize) -> String {
        match self.spans.get(i) {
            Some((_, b)) => qbr_format::date_long(b, &self.locale),
            None => self.buckets[i].clone(),
        }
    }
}

/// A month on the bucket axis: where it begins and ends on the plot (cut by the plot's edges) and
/// whether it begins inside it (then a tick marks its first day).
struct MonthMark {
    x0: f64,
    x1: f64,
    begins_inside: bool,
    year: i64,
    month: i64,
}

/// The months the buckets' days cover, placed where their days fall: a month beginning inside a
/// bucket begins that far into the bucket's width.
fn month_marks(chart: &TrendChart, frame: &Frame) -> Vec<MonthMark> {
    let days: Vec<(i64, i64)> = chart
        .spans
        .iter()
        .filter_map(|(a, b)| Some((day_number(a)?, day_number(b)?)))
        .collect();
    let (Some(&(first, _)), Some(&(_, last))) = (days.first(), days.last()) else {
        return Vec::new();
    };
    if days.len() != frame.n {
        return Vec::new();
    }
    let x_of = |d: i64| -> f64 {
        match days.iter().position(|&(_, e)| e >= d) {
            Some(i) => {
                let (a, e) = days[i];
                let frac = ((d - a).max(0) as f64) / ((e - a + 1) as f64);
                frame.edge(i) + frac * frame.slot()
            }
            None => frame.right,
        }
    };
    let mut out = Vec::new();
    let (mut y, mut m) = year_month(first);
    loop {
        let start = first_of_month(y, m);
        if start > last {
            break;
        }
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let next = first_of_month(ny, nm);
        out.push(MonthMark {
            x0: if start <= first {
                frame.left
            } else {
                x_of(start)
            },
            x1: if next > last { frame.right } else { x_of(next) },
            begins_inside: start > first,
            year: y,
            month: m,
        });
        (y, m) = (ny, nm);
    }
    out
}

/// The month axis's labels: (centre x, text), each centred under its month's days. Every month is
/// named when the names fit, else every 2nd, 3rd, 6th or 12th (counted from January, so that
/// quarters read as quarters), the fewest skipped that keep every name apart; a month cut by the
/// plot's edge is named only when at least half of it shows. The first month named and each
/// January carry the year (`Oct 2025`, `Nov`, …, `Jan 2026`).
fn month_labels<DB: DrawingBackend>(
    root: &Area<DB>,
    chart: &TrendChart,
    marks: &[MonthMark],
    style: &TextStyle,
    m: &Metrics,
) -> Result<Vec<(f64, String)>, ChartError> {
    let full = marks
        .iter()
        .filter(|mk| mk.begins_inside)
        .map(|mk| mk.x1 - mk.x0)
        .fold(f64::INFINITY, f64::min);
    let month_w = if full.is_finite() {
        full
    } else {
        marks.iter().map(|mk| mk.x1 - mk.x0).fold(0.0, f64::max)
    };
    let gap = m.px(8.0);
    let mut chosen = Vec::new();
    for k in [1, 2, 3, 6, 12] {
        let mut out: Vec<(f64, f64, String)> = Vec::new();
        for mk in marks {
            if (mk.month - 1) % k != 0 || (mk.x1 - mk.x0) < month_w * 0.5 {
                continue;
            }
            let day = format!("{:04}-{:02}-01", mk.year, mk.month);
            let text = if out.is_empty() || mk.month == 1 {
                qbr_format::month_year(&day, &chart.locale)
            } else {
                qbr_format::month_short(&day, &chart.locale)
            };
            let w = measure(root, &text, style)?.0;
            out.push(((mk.x0 + mk.x1) / 2.0, w, text));
        }
        let apart = out
            .windows(2)
            .all(|p| p[0].0 + p[0].1 / 2.0 + gap <= p[1].0 - p[1].1 / 2.0);
        chosen = out;
        if apart {
            break;
        }
    }
    // Even a name a year is too many for the width: keep those that stay apart.
    let mut right_of_last = f64::NEG_INFINITY;
    let mut labels = Vec::new();
    for (centre, w, text) in chosen {
        if centre - w / 2.0 >= right_of_last + gap {
            right_of_last = centre + w / 2.0;
            labels.push((centre, text));
        }
    }
    Ok(labels)
}

const MIN_WIDTH: u32 = 240;
const MIN_HEIGHT: u32 = 160;

pub(crate) fn validate(chart: &TrendChart, width: u32, height: u32) -> Result<(), ChartError> {
    let invalid = |msg: String| Err(ChartError::Invalid(msg));
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return invalid(format!(
            "a trend chart needs at least {MIN_WIDTH}×{MIN_HEIGHT} pixels, got {width}×{height}"
        ));
    }
    if width > 10_000 || height > 10_000 {
        return invalid(format!("{width}×{height} pixels is too large for a chart"));
    }
    let n = chart.buckets.len();
    if !chart.spans.is_empty() {
        if chart.spans.len() != n {
            return invalid(format!(
                "{} bucket spans for {n} buckets",
                chart.spans.len()
            ));
        }
        let mut previous_end: Option<i64> = None;
        for (i, (a, b)) in chart.spans.iter().enumerate() {
            let (Some(x), Some(y)) = (day_number(a), day_number(b)) else {
                return invalid(format!(
                    "bucket {i} spans {a:?} to {b:?}; expected two days as YYYY-MM-DD"
                ));
            };
            if y < x || previous_end.is_some_and(|p| x <= p) {
                return invalid(format!(
                    "bucket {i} spans {a} to {b}, out of order with the buckets before it"
                ));
            }
            previous_end = Some(y);
        }
    }
    for s in &chart.series {
        if s.values.len() != n {
            return invalid(format!(
                "series \"{}\" has {} values for {n} buckets",
                s.name,
                s.values.len()
            ));
        }
        if let Some(ma) = &s.moving_average {
            if ma.values.len() != n {
                return invalid(format!(
                    "the moving average of \"{}\" has {} values for {n} buckets",
                    s.name,
                    ma.values.len()
                ));
            }
        }
    }
    if let Some(t) = &chart.target {
        if t.values().iter().any(|v| !v.is_finite()) {
            return invalid("the target is not a finite number".into());
        }
        if let Target::Band { low, high } = t {
            if low > high {
                return invalid(format!("the target band runs from {low} down to {high}"));
            }
        }
    }
    for m in &chart.markers {
        if m.at >= n {
            return invalid(format!(
                "marker \"{}\" is at bucket {} of {n}",
                m.label, m.at
            ));
        }
    }
    if !chart.target_steps.is_empty() && chart.target_steps.len() != n {
        return invalid(format!(
            "{} target steps for {n} buckets",
            chart.target_steps.len()
        ));
    }
    for t in chart.target_steps.iter().flatten() {
        if t.values().iter().any(|v| !v.is_finite()) {
            return invalid("a target step is not a finite number".into());
        }
    }
    if let Some(c) = &chart.control {
        if c.lower.len() != chart.buckets.len() || c.upper.len() != chart.buckets.len() {
            return invalid("the control limits need one value per bucket".into());
        }
        if let Some(&i) = c.signals.iter().find(|&&i| i >= chart.buckets.len()) {
            return invalid(format!("a signal is at bucket {i}, past the last bucket"));
        }
    }
    for w in &chart.windows {
        if w.from > w.to || w.to >= n {
            return invalid(format!(
                "window \"{}\" spans buckets {}..={} of {n}",
                w.label, w.from, w.to
            ));
        }
    }
    Ok(())
}

pub(crate) fn draw_error<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

// Okabe–Ito: distinguishable with the common colour-vision deficiencies. Yellow is left out; it
// vanishes on white. The first three also keep 3:1 contrast against white.
pub(crate) const SERIES_COLOURS: [RGBColor; 6] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
];
const WINDOW_FILLS: [RGBColor; 2] = [
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
];
pub(crate) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(crate) const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub(crate) const GRID: RGBColor = RGBColor(0xE2, 0xE2, 0xE2);
pub(crate) const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);
pub(crate) const TARGET: RGBColor = RGBColor(0x33, 0x33, 0x33);
const MARKER: RGBColor = RGBColor(0x44, 0x44, 0x44);
const CONTROL: RGBColor = RGBColor(0x88, 0x88, 0x88);
const SIGNAL: RGBColor = RGBColor(0xC0, 0x1F, 0x1F);

/// The colour of series `i`.
pub fn series_colour(i: usize) -> (u8, u8, u8) {
    let c = SERIES_COLOURS[i % SERIES_COLOURS.len()];
    (c.0, c.1, c.2)
}

fn lighter(c: RGBColor) -> RGBColor {
    let mix = |v: u8| (v as f64 + (255.0 - v as f64) * 0.45).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// Sizes in pixels at scale 1; everything is multiplied by the scale.
struct Metrics {
    s: f64,
}

impl Metrics {
    fn px(&self, v: f64) -> f64 {
        v * self.s
    }
    fn stroke(&self, v: f64) -> u32 {
        (v * self.s).round().max(1.0) as u32
    }
    fn text(
        &self,
        size: f64,
        bold: bool,
        colour: RGBColor,
        h: HPos,
        v: VPos,
    ) -> TextStyle<'static> {
        let style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        FontDesc::new(FontFamily::Name(FAMILY), size * self.s, style)
            .color(&colour)
            .pos(Pos::new(h, v))
    }
}

pub(crate) const TITLE_SIZE: f64 = 20.0;
pub(crate) const LEGEND_SIZE: f64 = 15.0;
pub(crate) const AXIS_SIZE: f64 = 14.0;
pub(crate) const NOTE_SIZE: f64 = 14.0;

enum Swatch {
    Series(RGBColor),
    MovingAverage(RGBColor),
    TargetLine,
    TargetBand,
    Marker(MarkerKind),
    Control,
    Signal,
    Partial,
}

/// Where the plot sits on the canvas, and how buckets and values map onto it.
pub(crate) struct Frame {
    left: f64,
    right: f64,
    /// Top of the shaded windows and marker lines.
    top: f64,
    /// Top of the value axis: below the strip that holds window labels.
    data_top: f64,
    bottom: f64,
    n: usize,
    ticks: Ticks,
}

impl Frame {
    fn slot(&self) -> f64 {
        (self.right - self.left) / self.n.max(1) as f64
    }
    fn x(&self, i: usize) -> f64 {
        self.left + (i as f64 + 0.5) * self.slot()
    }
    fn edge(&self, i: usize) -> f64 {
        self.left + i as f64 * self.slot()
    }
    fn y(&self, v: f64) -> f64 {
        let span = (self.ticks.hi - self.ticks.lo).max(f64::EPSILON);
        self.bottom - (v - self.ticks.lo) / span * (self.bottom - self.data_top)
    }
}

fn pt(x: f64, y: f64) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite())
}

/// Runs of consecutive present values, as (bucket, value) lists: each run is one unbroken line.
fn runs(values: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut out: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match finite(*v) {
            Some(v) => current.push((i, v)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The value range the axis must show: every value, moving average and target.
fn value_range(chart: &TrendChart) -> Option<(f64, f64)> {
    let values = chart
        .series
        .iter()
        .flat_map(|s| {
            s.values
                .iter()
                .chain(s.moving_average.iter().flat_map(|ma| ma.values.iter()))
        })
        .chain(
            chart
                .control
                .iter()
                .flat_map(|c| c.lower.iter().chain(c.upper.iter())),
        )
        .filter_map(|v| finite(*v))
        .chain(target_runs(chart).into_iter().flat_map(|r| r.2.values()));
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// The targets to draw: runs of buckets (`from..=to`) with the same target, from `target_steps`,
/// or `target` across every bucket.
fn target_runs(chart: &TrendChart) -> Vec<(usize, usize, Target)> {
    if chart.target_steps.is_empty() {
        return chart
            .target
            .map(|t| vec![(0, chart.buckets.len().saturating_sub(1), t)])
            .unwrap_or_default();
    }
    let mut out: Vec<(usize, usize, Target)> = Vec::new();
    for (i, t) in chart.target_steps.iter().enumerate() {
        let Some(t) = t else { continue };
        match out.last_mut() {
            Some(last) if last.1 + 1 == i && last.2 == *t => last.1 = i,
            _ => out.push((i, i, *t)),
        }
    }
    out
}

/// The target's legend text: one bound, or each bound with the buckets it held for.
fn target_legend(chart: &TrendChart) -> Option<(Target, String)> {
    let runs = target_runs(chart);
    let cur = chart.currency.as_str();
    match runs.as_slice() {
        [] => None,
        [(_, _, t)] => Some((*t, t.label_in(chart.unit, cur))),
        _ => {
            let last = runs.len() - 1;
            let parts: Vec<String> = runs
                .iter()
                .enumerate()
                .map(|(i, (a, b, t))| {
                    let bound = t.bound(chart.unit, cur);
                    if i == last {
                        format!("{bound} from {}", chart.first_day(*a))
                    } else if i == 0 && *a == 0 {
                        format!("{bound} to {}", chart.last_day(*b))
                    } else {
                        format!("{bound} {}", chart.buckets_span(*a, *b))
                    }
                })
                .collect();
            Some((runs[last].2, format!("Target {}", parts.join(", "))))
        }
    }
}

fn axis_ticks(chart: &TrendChart, data_height: f64, m: &Metrics) -> Ticks {
    let wanted = ((data_height / m.px(44.0)).floor() as usize).clamp(2, 8);
    let Some((lo, hi)) = value_range(chart) else {
        return nice_ticks(0.0, 1.0, wanted, chart.unit);
    };
    let (mut lo, mut hi) = (lo, hi);
    // Volumes read against zero; rates and durations read against their own range.
    if matches!(chart.unit, UnitKind::Count | UnitKind::Money) && lo >= 0.0 && lo < hi * 0.5 {
        lo = 0.0;
    }
    let pad = (hi - lo) * 0.06;
    let (raw_lo, raw_hi) = (lo, hi);
    lo -= pad;
    hi += pad;
    // Padding must not invent impossible values: no negative durations, no ratio above 100%.
    if raw_lo >= 0.0 {
        lo = lo.max(0.0);
    }
    if chart.unit == UnitKind::Ratio && raw_hi <= 1.0 {
        hi = hi.min(1.0);
    }
    nice_ticks(lo, hi, wanted, chart.unit)
}

pub(crate) type Area<DB> = DrawingArea<DB, Shift>;

pub(crate) fn measure<DB: DrawingBackend>(
    root: &Area<DB>,
    text: &str,
    style: &TextStyle,
) -> Result<(f64, f64), ChartError> {
    let (w, h) = root.estimate_text_size(text, style).map_err(draw_error)?;
    Ok((w as f64, h as f64))
}

/// `text`, shortened with an ellipsis until it fits `max_width`.
pub(crate) fn fit<DB: DrawingBackend>(
    root: &Area<DB>,
    text: &str,
    style: &TextStyle,
    max_width: f64,
) -> Result<String, ChartError> {
    if measure(root, text, style)?.0 <= max_width {
        return Ok(text.to_string());
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if measure(root, &candidate, style)?.0 <= max_width {
            return Ok(candidate);
        }
    }
    Ok(String::new())
}

/// A marker label placed in the band above the plot.
struct PlacedLabel {
    marker: usize,
    row: usize,
    x: f64,
    anchor: HPos,
}

/// Puts each marker label beside its line, right of it if it fits and left otherwise, in the first
/// row where it overlaps no other label.
fn place_marker_labels<DB: DrawingBackend>(
    root: &Area<DB>,
    chart: &TrendChart,
    labels: &[String],
    frame: &Frame,
    canvas_right: f64,
    m: &Metrics,
) -> Result<Vec<PlacedLabel>, ChartError> {
    let style = m.text(
        NOTE_SIZE,
        chart.numbered_markers,
        INK,
        HPos::Left,
        VPos::Top,
    );
    let gap = m.px(4.0);
    let mut order: Vec<usize> = (0..chart.markers.len()).collect();
    order.sort_by_key(|&i| chart.markers[i].at);
    let mut rows: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut lines: Vec<(f64, usize)> = Vec::new();
    let mut placed = Vec::new();
    for i in order {
        let marker = &chart.markers[i];
        let x = frame.x(marker.at);
        let (w, _) = measure(root, &labels[i], &style)?;
        let (start, end, anchor, text_x) = if x + gap + w <= canvas_right {
            (x, x + gap + w, HPos::Left, x + gap)
        } else {
            (x - gap - w, x, HPos::Right, x - gap)
        };
        let clear = m.px(8.0);
        // A marker's line runs from its label's row down to the axis: a label may not sit on another
        // marker's line, and a line may not cut through a label placed lower down.
        let free = |row: usize| {
            let labels_clear = rows.get(row).is_none_or(|r| {
                r.iter()
                    .all(|&(a, b)| end + clear <= a || start >= b + clear)
            });
            let no_line_through_label = lines.iter().all(|&(lx, lrow)| {
                lrow > row || lx < start - clear / 2.0 || lx > end + clear / 2.0
            });
            let line_clear_of_lower_labels = rows.iter().skip(row + 1).all(|r| {
                r.iter()
                    .all(|&(a, b)| x < a - clear / 2.0 || x > b + clear / 2.0)
            });
            labels_clear && no_line_through_label && line_clear_of_lower_labels
        };
        // Should lines block every row, a new row at the bottom at least keeps labels apart.
        let row = (0..chart.markers.len())
            .find(|&r| free(r))
            .unwrap_or(rows.len());
        if rows.len() <= row {
            rows.resize_with(row + 1, Vec::new);
        }
        lines.push((x, row));
        rows[row].push((start, end));
        placed.push(PlacedLabel {
            marker: i,
            row,
            x: text_x,
            anchor,
        });
    }
    Ok(placed)
}

pub(crate) fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    chart: &TrendChart,
    s: f64,
) -> Result<Frame, ChartError> {
    let m = Metrics { s };
    let (width, height) = root.dim_in_pixel();
    let (width, height) = (width as f64, height as f64);
    let pad = m.px(14.0);
    root.fill(&WHITE).map_err(draw_error)?;

    // Title.
    let title_style = m.text(TITLE_SIZE, true, INK, HPos::Left, VPos::Top);
    let title = fit(root, &chart.title, &title_style, width - 2.0 * pad)?;
    let title_h = m.px(TITLE_SIZE);
    root.draw_text(&title, &title_style, pt(pad, pad))
        .map_err(draw_error)?;
    let mut cursor = pad + title_h + m.px(8.0);

    // Legend: flowed into rows under the title.
    let legend_style = m.text(LEGEND_SIZE, false, INK, HPos::Left, VPos::Center);
    let mut entries: Vec<(Swatch, String)> = Vec::new();
    for (i, series) in chart.series.iter().enumerate() {
        let colour = SERIES_COLOURS[i % SERIES_COLOURS.len()];
        entries.push((Swatch::Series(colour), series.name.clone()));
        if let Some(ma) = &series.moving_average {
            entries.push((Swatch::MovingAverage(lighter(colour)), ma.label.clone()));
        }
    }
    if let Some((target, label)) = target_legend(chart) {
        let swatch = match target {
            Target::Band { .. } => Swatch::TargetBand,
            _ => Swatch::TargetLine,
        };
        entries.push((swatch, label));
    }
    if chart.control.is_some() {
        entries.push((Swatch::Control, "Control limits".to_string()));
        entries.push((Swatch::Signal, "Signal".to_string()));
    }
    if !chart.partial.is_empty() {
        entries.push((Swatch::Partial, "Partial (fewer days)".to_string()));
    }
    for kind in [
        MarkerKind::Cause,
        MarkerKind::ActionStart,
        MarkerKind::ActionFinish,
    ] {
        if chart.markers.iter().any(|mk| mk.kind == kind) {
            entries.push((Swatch::Marker(kind), kind.legend().to_string()));
        }
    }
    let swatch_w = m.px(22.0);
    let row_h = m.px(LEGEND_SIZE) + m.px(6.0);
    let mut x = pad;
    let mut legend_rows = 0;
    let mut laid_out = Vec::new();
    for (swatch, label) in entries {
        let label = fit(
            root,
            &label,
            &legend_style,
            width - 2.0 * pad - swatch_w - m.px(6.0),
        )?;
        let w = swatch_w + m.px(6.0) + measure(root, &label, &legend_style)?.0;
        if legend_rows == 0 || (x > pad && x + w > width - pad) {
            legend_rows += 1;
            x = pad;
        }
        let y = cursor + (legend_rows - 1) as f64 * row_h + row_h / 2.0;
        laid_out.push((swatch, label, x, y));
        x += w + m.px(16.0);
    }
    // Room for the top value label, which is centred on the plot's top line.
    cursor += legend_rows as f64 * row_h + m.px(12.0);

    // The plot: the value axis labels decide the left edge, the marker labels the top, the bucket
    // labels the bottom. Ticks depend on the plot's height, so settle the layout in a few passes.
    let axis_style = m.text(AXIS_SIZE, false, MUTED, HPos::Right, VPos::Center);
    let axis_h = m.px(AXIS_SIZE);
    let note_h = m.px(NOTE_SIZE) + m.px(4.0);
    // Numbered markers: each marker shows its number over the plot; the numbers are explained in a
    // list beneath the bucket axis, flowed into rows.
    let mut order: Vec<usize> = (0..chart.markers.len()).collect();
    order.sort_by_key(|&i| (chart.markers[i].at, i));
    let mut labels: Vec<String> = chart.markers.iter().map(|mk| mk.label.clone()).collect();
    let mut key_entries: Vec<(String, String, f64, f64)> = Vec::new();
    let key_style = m.text(NOTE_SIZE, false, INK, HPos::Left, VPos::Center);
    let key_num_style = m.text(NOTE_SIZE, true, INK, HPos::Left, VPos::Center);
    let key_row_h = m.px(NOTE_SIZE) + m.px(6.0);
    let mut key_rows = 0;
    if chart.numbered_markers && !chart.markers.is_empty() {
        let mut x = pad;
        for (k, &i) in order.iter().enumerate() {
            let num = (k + 1).to_string();
            labels[i] = num.clone();
            let nw = measure(root, &num, &key_num_style)?.0 + m.px(5.0);
            let text = fit(
                root,
                &chart.markers[i].label,
                &key_style,
                width - 2.0 * pad - nw,
            )?;
            let w = nw + measure(root, &text, &key_style)?.0;
            if key_rows == 0 || (x > pad && x + w > width - pad) {
                key_rows += 1;
                x = pad;
            }
            key_entries.push((num, text, x, (key_rows - 1) as f64));
            x += w + m.px(18.0);
        }
    }
    let key_h = if key_rows > 0 {
        key_rows as f64 * key_row_h + m.px(6.0)
    } else {
        0.0
    };
    let bottom = height - pad - axis_h - m.px(8.0) - key_h;
    let window_strip = if chart.windows.is_empty() {
        0.0
    } else {
        note_h + m.px(4.0)
    };
    let right = width - pad;
    let n = chart.buckets.len();
    let mut frame = Frame {
        left: pad,
        right,
        top: cursor,
        data_top: cursor + window_strip,
        bottom,
        n,
        ticks: nice_ticks(0.0, 1.0, 4, chart.unit),
    };
    let mut marker_rows = 0;
    let mut placed = Vec::new();
    for _ in 0..3 {
        frame.top = cursor + marker_rows as f64 * note_h;
        frame.data_top = frame.top + window_strip;
        if frame.bottom - frame.data_top < m.px(40.0) {
            return Err(ChartError::Invalid(
                "the chart is too small for its title, legend and labels".into(),
            ));
        }
        frame.ticks = axis_ticks(chart, frame.bottom - frame.data_top, &m);
        let mut label_w: f64 = 0.0;
        for &v in &frame.ticks.values {
            let label = tick_label_in(v, frame.ticks.step, chart.unit, &chart.currency);
            label_w = label_w.max(measure(root, &label, &axis_style)?.0);
        }
        frame.left = pad + label_w + m.px(8.0);
        placed = place_marker_labels(root, chart, &labels, &frame, width - m.px(4.0), &m)?;
        let rows = placed.iter().map(|p| p.row + 1).max().unwrap_or(0);
        if rows == marker_rows {
            break;
        }
        marker_rows = rows;
    }
    // Should the passes not agree, the labels' rows win; the ticks follow the final height.
    let marker_rows = placed.iter().map(|p| p.row + 1).max().unwrap_or(0);
    frame.top = cursor + marker_rows as f64 * note_h;
    frame.data_top = frame.top + window_strip;
    frame.ticks = axis_ticks(chart, frame.bottom - frame.data_top, &m);

    // Shaded windows, behind everything else.
    for (i, w) in chart.windows.iter().enumerate() {
        let fill = WINDOW_FILLS[i % WINDOW_FILLS.len()].mix(0.16).filled();
        root.draw(&Rectangle::new(
            [
                pt(frame.edge(w.from), frame.top),
                pt(frame.edge(w.to + 1), frame.bottom),
            ],
            fill,
        ))
        .map_err(draw_error)?;
    }

    // Value grid and labels.
    for &v in &frame.ticks.values {
        let y = frame.y(v);
        root.draw(&PathElement::new(
            vec![pt(frame.left, y), pt(frame.right, y)],
            GRID.stroke_width(m.stroke(1.0)),
        ))
        .map_err(draw_error)?;
        let label = tick_label_in(v, frame.ticks.step, chart.unit, &chart.currency);
        root.draw_text(&label, &axis_style, pt(frame.left - m.px(8.0), y))
            .map_err(draw_error)?;
    }

    // Target, as steps at its effective dates.
    for (a, b, t) in target_runs(chart) {
        let (x0, x1) = (frame.edge(a), frame.edge(b + 1));
        match t {
            Target::Band { low, high } => {
                let (y_hi, y_lo) = (frame.y(high), frame.y(low));
                root.draw(&Rectangle::new(
                    [pt(x0, y_hi), pt(x1, y_lo)],
                    TARGET.mix(0.10).filled(),
                ))
                .map_err(draw_error)?;
                for y in [y_hi, y_lo] {
                    dashed(
                        root,
                        &[(x0, y), (x1, y)],
                        TARGET.mix(0.7),
                        1.0,
                        4.0,
                        4.0,
                        &m,
                    )?;
                }
            }
            Target::AtLeast(v) | Target::AtMost(v) => {
                let y = frame.y(v);
                dashed(
                    root,
                    &[(x0, y), (x1, y)],
                    TARGET.to_rgba(),
                    2.0,
                    8.0,
                    5.0,
                    &m,
                )?;
            }
        }
    }

    // Marker lines, then their labels in the band above the plot.
    for p in &placed {
        let marker = &chart.markers[p.marker];
        let x = frame.x(marker.at);
        let label_top = cursor + p.row as f64 * note_h;
        marker_line(
            root,
            marker.kind,
            x,
            label_top + m.px(2.0),
            frame.bottom,
            &m,
        )?;
        let style = m.text(NOTE_SIZE, chart.numbered_markers, INK, p.anchor, VPos::Top);
        root.draw_text(&labels[p.marker], &style, pt(p.x, label_top))
            .map_err(draw_error)?;
    }

    if let Some(c) = &chart.control {
        draw_control_lines(root, c, &frame, &m)?;
    }

    // Moving averages under their series, then the series.
    for (i, series) in chart.series.iter().enumerate() {
        let colour = SERIES_COLOURS[i % SERIES_COLOURS.len()];
        if let Some(ma) = &series.moving_average {
            for run in runs(&ma.values) {
                let points: Vec<(f64, f64)> =
                    run.iter().map(|&(b, v)| (frame.x(b), frame.y(v))).collect();
                if points.len() >= 2 {
                    dashed(root, &points, lighter(colour).to_rgba(), 2.0, 6.0, 4.0, &m)?;
                }
            }
        }
    }
    // Dots help read a short series; on a long one they only add noise, except where a value stands
    // alone between gaps and would otherwise not show at all.
    let dots_everywhere = n <= 26;
    for (i, series) in chart.series.iter().enumerate() {
        let colour = SERIES_COLOURS[i % SERIES_COLOURS.len()];
        for run in runs(&series.values) {
            let points: Vec<(i32, i32)> = run
                .iter()
                .map(|&(b, v)| pt(frame.x(b), frame.y(v)))
                .collect();
            if points.len() >= 2 {
                root.draw(&PathElement::new(
                    points.clone(),
                    colour.stroke_width(m.stroke(2.5)),
                ))
                .map_err(draw_error)?;
            }
            if dots_everywhere || points.len() == 1 {
                for p in points {
                    root.draw(&Circle::new(p, m.px(3.5).round() as i32, colour.filled()))
                        .map_err(draw_error)?;
                }
            }
        }
    }

    if let Some(first) = chart.series.first() {
        for &i in &chart.partial {
            if let Some(v) = first.values.get(i).and_then(|v| finite(*v)) {
                let at = pt(frame.x(i), frame.y(v));
                let r = m.px(4.5).round() as i32;
                root.draw(&Circle::new(at, r, WHITE.filled()))
                    .map_err(draw_error)?;
                root.draw(&Circle::new(
                    at,
                    r,
                    SERIES_COLOURS[0].stroke_width(m.stroke(2.0)),
                ))
                .map_err(draw_error)?;
            }
        }
    }

    if let (Some(c), Some(first)) = (&chart.control, chart.series.first()) {
        for &i in &c.signals {
            if let Some(v) = first.values.get(i).and_then(|v| finite(*v)) {
                root.draw(&Circle::new(
                    pt(frame.x(i), frame.y(v)),
                    m.px(6.5).round() as i32,
                    SIGNAL.stroke_width(m.stroke(2.0)),
                ))
                .map_err(draw_error)?;
            }
        }
    }

    // Window labels, in the strip at the top of their window.
    for w in &chart.windows {
        let (a, b) = (frame.edge(w.from), frame.edge(w.to + 1));
        let style = m.text(NOTE_SIZE, false, MUTED, HPos::Center, VPos::Top);
        let label = fit(root, &w.label, &style, (b - a - m.px(4.0)).max(0.0))?;
        root.draw_text(&label, &style, pt((a + b) / 2.0, frame.top + m.px(4.0)))
            .map_err(draw_error)?;
    }

    // Bucket axis: a tick per bucket, labels thinned so they never touch.
    root.draw(&PathElement::new(
        vec![pt(frame.left, frame.bottom), pt(frame.right, frame.bottom)],
        AXIS.stroke_width(m.stroke(1.0)),
    ))
    .map_err(draw_error)?;
    let bucket_style = m.text(AXIS_SIZE, false, MUTED, HPos::Center, VPos::Top);
    if !chart.spans.is_empty() {
        // Months, not bucket names: a small tick per bucket, a long one where a month begins,
        // each month named under its days.
        for i in 0..frame.n {
            let x = frame.x(i);
            root.draw(&PathElement::new(
                vec![pt(x, frame.bottom), pt(x, frame.bottom + m.px(3.0))],
                AXIS.stroke_width(m.stroke(1.0)),
            ))
            .map_err(draw_error)?;
        }
        let marks = month_marks(chart, &frame);
        for mk in marks.iter().filter(|mk| mk.begins_inside) {
            root.draw(&PathElement::new(
                vec![pt(mk.x0, frame.bottom), pt(mk.x0, frame.bottom + m.px(8.0))],
                AXIS.stroke_width(m.stroke(1.0)),
            ))
            .map_err(draw_error)?;
        }
        for (centre, text) in month_labels(root, chart, &marks, &bucket_style, &m)? {
            let (w, _) = measure(root, &text, &bucket_style)?;
            let half = w / 2.0 + m.px(2.0);
            let x = centre.clamp(half, (width - half).max(half));
            root.draw_text(&text, &bucket_style, pt(x, frame.bottom + m.px(8.0)))
                .map_err(draw_error)?;
        }
    }
    let mut widest: f64 = 0.0;
    for b in &chart.buckets {
        widest = widest.max(measure(root, b, &bucket_style)?.0);
    }
    let every = label_step(widest + m.px(12.0), frame.slot());
    for (i, b) in chart
        .buckets
        .iter()
        .enumerate()
        .filter(|_| chart.spans.is_empty())
    {
        let x = frame.x(i);
        let labelled = i % every == 0;
        let tick = if labelled { 5.0 } else { 3.0 };
        root.draw(&PathElement::new(
            vec![pt(x, frame.bottom), pt(x, frame.bottom + m.px(tick))],
            AXIS.stroke_width(m.stroke(1.0)),
        ))
        .map_err(draw_error)?;
        if labelled {
            // Keep the first and last labels on the canvas.
            let (w, _) = measure(root, b, &bucket_style)?;
            let half = w / 2.0 + m.px(2.0);
            let x = x.clamp(half, (width - half).max(half));
            root.draw_text(b, &bucket_style, pt(x, frame.bottom + m.px(8.0)))
                .map_err(draw_error)?;
        }
    }

    // The numbered markers' key, under the bucket labels.
    let key_top = frame.bottom + m.px(8.0) + axis_h + m.px(8.0);
    for (num, text, x, row) in &key_entries {
        let y = key_top + row * key_row_h + key_row_h / 2.0;
        root.draw_text(num, &key_num_style, pt(*x, y))
            .map_err(draw_error)?;
        let nw = measure(root, num, &key_num_style)?.0 + m.px(5.0);
        root.draw_text(text, &key_style, pt(x + nw, y))
            .map_err(draw_error)?;
    }

    if value_range(chart).is_none() || chart.series.is_empty() {
        let style = m.text(LEGEND_SIZE, false, MUTED, HPos::Center, VPos::Center);
        root.draw_text(
            "No data for this period",
            &style,
            pt(
                (frame.left + frame.right) / 2.0,
                (frame.data_top + frame.bottom) / 2.0,
            ),
        )
        .map_err(draw_error)?;
    }

    // Legend last, over nothing: it sits above the plot.
    for (swatch, label, x, y) in laid_out {
        draw_swatch(root, &swatch, x, y, swatch_w, &m)?;
        root.draw_text(&label, &legend_style, pt(x + swatch_w + m.px(6.0), y))
            .map_err(draw_error)?;
    }
    Ok(frame)
}

/// Label every `k`-th bucket, with `k` the smallest of 1, 2, 3, 4, 6, 12, 13, 26, 52 (or a multiple
/// of 52) that leaves each label `needed` pixels; weeks then read as quarters and halves of a year.
fn label_step(needed: f64, slot: f64) -> usize {
    let min = (needed / slot.max(0.1)).ceil().max(1.0) as usize;
    [1, 2, 3, 4, 6, 12, 13, 26, 52]
        .into_iter()
        .find(|&k| k >= min)
        .unwrap_or_else(|| min.div_ceil(52) * 52)
}

#[allow(clippy::too_many_arguments)]
fn dashed<DB: DrawingBackend>(
    root: &Area<DB>,
    points: &[(f64, f64)],
    colour: RGBAColor,
    width: f64,
    dash: f64,
    gap: f64,
    m: &Metrics,
) -> Result<(), ChartError> {
    let points: Vec<(i32, i32)> = points.iter().map(|&(x, y)| pt(x, y)).collect();
    root.draw(&DashedPathElement::new(
        points,
        m.px(dash).round() as i32,
        m.px(gap).round() as i32,
        colour.stroke_width(m.stroke(width)),
    ))
    .map_err(draw_error)
}

fn marker_line<DB: DrawingBackend>(
    root: &Area<DB>,
    kind: MarkerKind,
    x: f64,
    top: f64,
    bottom: f64,
    m: &Metrics,
) -> Result<(), ChartError> {
    let line = [(x, top), (x, bottom)];
    match kind {
        MarkerKind::Cause => dashed(root, &line, MARKER.to_rgba(), 1.5, 2.0, 3.0, m),
        MarkerKind::ActionStart => root
            .draw(&PathElement::new(
                vec![pt(x, top), pt(x, bottom)],
                MARKER.stroke_width(m.stroke(1.5)),
            ))
            .map_err(draw_error),
        MarkerKind::ActionFinish => dashed(root, &line, MARKER.to_rgba(), 1.5, 6.0, 3.0, m),
    }
}

fn draw_swatch<DB: DrawingBackend>(
    root: &Area<DB>,
    swatch: &Swatch,
    x: f64,
    y: f64,
    w: f64,
    m: &Metrics,
) -> Result<(), ChartError> {
    match *swatch {
        // Filled shapes rather than lines, so the only lines in a series' colour are its data.
        Swatch::Series(colour) => {
            root.draw(&Rectangle::new(
                [pt(x, y - m.px(1.5)), pt(x + w, y + m.px(1.5))],
                colour.filled(),
            ))
            .map_err(draw_error)?;
            root.draw(&Circle::new(
                pt(x + w / 2.0, y),
                m.px(3.5).round() as i32,
                colour.filled(),
            ))
            .map_err(draw_error)
        }
        Swatch::MovingAverage(colour) => dashed(
            root,
            &[(x, y), (x + w, y)],
            colour.to_rgba(),
            2.0,
            6.0,
            4.0,
            m,
        ),
        Swatch::TargetLine => dashed(
            root,
            &[(x, y), (x + w, y)],
            TARGET.to_rgba(),
            2.0,
            8.0,
            5.0,
            m,
        ),
        Swatch::TargetBand => root
            .draw(&Rectangle::new(
                [pt(x, y - m.px(6.0)), pt(x + w, y + m.px(6.0))],
                TARGET.mix(0.10).filled(),
            ))
            .map_err(draw_error),
        Swatch::Marker(kind) => {
            marker_line(root, kind, x + w / 2.0, y - m.px(8.0), y + m.px(8.0), m)
        }
        Swatch::Control => dashed(
            root,
            &[(x, y), (x + w, y)],
            CONTROL.to_rgba(),
            1.5,
            3.0,
            3.0,
            m,
        ),
        Swatch::Signal => root
            .draw(&Circle::new(
                pt(x + w / 2.0, y),
                m.px(5.0).round() as i32,
                SIGNAL.stroke_width(m.stroke(2.0)),
            ))
            .map_err(draw_error),
        Swatch::Partial => root
            .draw(&Circle::new(
                pt(x + w / 2.0, y),
                m.px(4.5).round() as i32,
                SERIES_COLOURS[0].stroke_width(m.stroke(2.0)),
            ))
            .map_err(draw_error),
    }
}

/// The centre line (thin, solid) and the limits (dotted steps, so p-chart limits show each
/// bucket's own width).
fn draw_control_lines<DB: DrawingBackend>(
    root: &Area<DB>,
    c: &ControlBand,
    frame: &Frame,
    m: &Metrics,
) -> Result<(), ChartError> {
    let y = frame.y(c.centre);
    root.draw(&PathElement::new(
        vec![pt(frame.left, y), pt(frame.right, y)],
        CONTROL.stroke_width(m.stroke(1.0)),
    ))
    .map_err(draw_error)?;
    for limits in [&c.lower, &c.upper] {
        for run in runs(limits) {
            let mut points = Vec::new();
            for &(b, v) in &run {
                points.push((frame.edge(b), frame.y(v)));
                points.push((frame.edge(b + 1), frame.y(v)));
            }
            dashed(root, &points, CONTROL.to_rgba(), 1.5, 3.0, 3.0, m)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(name: &str, values: &[Option<f64>]) -> TrendSeries {
        TrendSeries {
            name: name.into(),
            values: values.to_vec(),
            moving_average: None,
        }
    }

    fn chart(unit: UnitKind, series: Vec<TrendSeries>) -> TrendChart {
        let n = series.first().map_or(0, |s| s.values.len());
        TrendChart {
            title: "Service level".into(),
            unit,
            buckets: (0..n).map(|i| format!("2026-W{:02}", 27 + i)).collect(),
            series,
            target: None,
            markers: vec![],
            windows: vec![],
            control: None,
            partial: Vec::new(),
            spans: Vec::new(),
            locale: String::new(),
            width: 640,
            currency: String::new(),
            target_steps: Vec::new(),
            numbered_markers: false,
            height: 320,
        }
    }

    /// A small chart with one of everything: a gap, a moving average, a target, two markers and a
    /// before/after pair of windows.
    fn small() -> TrendChart {
        let mut c = chart(
            UnitKind::Ratio,
            vec![TrendSeries {
                name: "Tech Support".into(),
                values: vec![
                    Some(0.84),
                    Some(0.83),
                    None,
                    Some(0.74),
                    Some(0.79),
                    Some(0.86),
                ],
                moving_average: Some(MovingAverage {
                    label: "3-week average".into(),
                    values: vec![
                        None,
                        None,
                        Some(0.835),
                        Some(0.785),
                        Some(0.765),
                        Some(0.797),
                    ],
                }),
            }],
        );
        c.target = Some(Target::AtLeast(0.82));
        c.markers = vec![
            Marker {
                at: 2,
                label: "Firmware release".into(),
                kind: MarkerKind::Cause,
            },
            Marker {
                at: 3,
                label: "Overflow to Billing".into(),
                kind: MarkerKind::ActionStart,
            },
        ];
        c.windows = vec![
            ShadedWindow {
                from: 0,
                to: 1,
                label: "before".into(),
            },
            ShadedWindow {
                from: 4,
                to: 5,
                label: "after".into(),
            },
        ];
        c
    }

    /// The vertex count of every polyline stroked in `colour`, in document order.
    fn lines_in(svg: &str, colour: &str) -> Vec<usize> {
        svg.lines()
            .filter(|l| l.starts_with("<polyline") && l.contains(&format!("stroke=\"{colour}\"")))
            .map(|l| {
                let start = l.find("points=\"").expect("points") + 8;
                let end = l[start..].find('"').unwrap() + start;
                l[start..end].split_whitespace().count()
            })
            .collect()
    }

    /// The content of every `<text>` element.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .map(|t| {
                let start = t.find('>').unwrap() + 1;
                let end = t.find("</text>").unwrap();
                t[start..end].trim().to_string()
            })
            .collect()
    }

    /// Tags open and close in order, and the document is one `<svg>` element.
    fn assert_well_formed(svg: &str) {
        assert!(svg.starts_with("<svg"), "an SVG document: {}", &svg[..40]);
        let mut stack = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            let close = rest[open..].find('>').expect("every tag closes") + open;
            let tag = &rest[open + 1..close];
            let name = tag
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap();
            if tag.starts_with('/') {
                assert_eq!(stack.pop(), Some(name), "closing tag matches the open one");
            } else if !tag.ends_with('/') {
                stack.push(name);
            }
            rest = &rest[close + 1..];
            if stack.is_empty() {
                assert!(rest.trim().is_empty(), "nothing after </svg>: {rest:?}");
            }
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
    }

    #[test]
    fn the_svg_is_one_well_formed_self_contained_document() {
        let svg = trend_svg(&small()).unwrap();
        assert_well_formed(&svg);
        assert!(!svg.to_lowercase().contains("<script"), "no script");
        assert!(!svg.contains("href"), "no links or external images");
        assert_eq!(
            svg.matches("http").count(),
            1,
            "the only URL is the SVG namespace"
        );
        assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(
            svg.contains("font-family=\"Lato, sans-serif\""),
            "text names the bundled family with a generic fallback"
        );
    }

    #[test]
    fn a_missing_value_splits_the_line_instead_of_dropping_to_zero() {
        let svg = trend_svg(&small()).unwrap();
        // Buckets 0-1, a gap at 2, then 3-5: two runs, never one line through a zero.
        assert_eq!(lines_in(&svg, "#0072B2"), [2, 3]);
        assert!(
            !texts(&svg).contains(&"0%".to_string()),
            "the gap does not pull the axis down to 0%"
        );
    }

    #[test]
    fn each_series_gets_its_own_colour_and_lines() {
        let c = chart(
            UnitKind::Seconds,
            vec![
                series("Tech Support", &[Some(372.0), Some(365.0), Some(401.0)]),
                series("Billing", &[Some(298.0), None, Some(305.0)]),
            ],
        );
        let svg = trend_svg(&c).unwrap();
        assert_eq!(
            lines_in(&svg, "#0072B2"),
            [3],
            "first series: one unbroken line"
        );
        assert!(
            lines_in(&svg, "#D55E00").is_empty(),
            "second series: two lone values, so dots and no line"
        );
        // The second series still shows its two lone values, as dots, plus its legend swatch.
        let vermillion_dots = svg
            .lines()
            .filter(|l| l.starts_with("<circle") && l.contains("fill=\"#D55E00\""))
            .count();
        assert_eq!(vermillion_dots, 2 + 1);
        let t = texts(&svg);
        assert!(t.contains(&"Tech Support".into()) && t.contains(&"Billing".into()));
    }

    #[test]
    fn the_moving_average_is_a_lighter_dashed_line() {
        let svg = trend_svg(&small()).unwrap();
        let ma = lines_in(&svg, &hex(lighter(SERIES_COLOURS[0])));
        assert!(ma.len() > 4, "drawn in dashes: {ma:?}");
        assert!(texts(&svg).contains(&"3-week average".into()));
    }

    fn hex(c: RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
    }

    #[test]
    fn target_is_labelled_with_its_direction_and_value() {
        let svg = trend_svg(&small()).unwrap();
        assert!(texts(&svg).contains(&"Target \u{2265} 82.0%".into()));
        let mut c = small();
        c.unit = UnitKind::Seconds;
        c.series[0].values = vec![Some(300.0), Some(380.0), None, Some(350.0), None, None];
        c.series[0].moving_average = None;
        c.target = Some(Target::AtMost(360.0));
        assert!(texts(&trend_svg(&c).unwrap()).contains(&"Target \u{2264} 6:00".into()));
        c.target = Some(Target::Band {
            low: 300.0,
            high: 390.0,
        });
        let svg = trend_svg(&c).unwrap();
        assert!(texts(&svg).contains(&"Target 5:00\u{2013}6:30".into()));
        assert!(
            svg.contains("fill=\"#333333\""),
            "a band target is a shaded area"
        );
    }

    #[test]
    fn value_axis_reads_in_the_chart_unit() {
        let check = |unit, values: &[Option<f64>], expected: &[&str]| {
            let svg = trend_svg(&chart(unit, vec![series("x", values)])).unwrap();
            let t = texts(&svg);
            for e in expected {
                assert!(t.contains(&e.to_string()), "{unit:?}: {e} in {t:?}");
            }
        };
        check(UnitKind::Ratio, &[Some(0.78), Some(0.86)], &["80%", "85%"]);
        check(UnitKind::Seconds, &[Some(330.0), Some(400.0)], &["6:00"]);
        check(
            UnitKind::Count,
            &[Some(12_000.0), Some(16_500.0)],
            &["10,000", "14,000"],
        );
        check(UnitKind::Score, &[Some(4.12), Some(4.48)], &["4.2", "4.4"]);
    }

    #[test]
    fn marker_and_window_labels_are_searchable_text() {
        let mut c = small();
        c.markers[0].label = "R&D <beta> release".into();
        let t = texts(&trend_svg(&c).unwrap());
        for label in [
            "R&amp;D &lt;beta&gt; release",
            "Overflow to Billing",
            "before",
            "after",
            "Cause",
            "Action start",
        ] {
            assert!(t.contains(&label.to_string()), "{label} in {t:?}");
        }
    }

    #[test]
    fn bucket_labels_are_thinned_to_fit() {
        let values: Vec<Option<f64>> = (0..52).map(|i| Some(1000.0 + i as f64)).collect();
        let mut c = chart(UnitKind::Count, vec![series("Offered", &values)]);
        c.buckets = (1..=52).map(|w| format!("2026-W{w:02}")).collect();
        let t = texts(&trend_svg(&c).unwrap());
        let shown: Vec<&String> = t.iter().filter(|s| s.starts_with("2026-W")).collect();
        // 52 labels of ~55 px cannot share ~600 px; every 12th week leaves room and reads as quarters.
        assert_eq!(
            shown,
            ["2026-W01", "2026-W13", "2026-W25", "2026-W37", "2026-W49"]
        );
    }

    /// The 52 weeks a metric page charts for 2026-Q3: from Thursday 2 Oct 2025 (the first week
    /// cut to 2-5 Oct) by ISO weeks to Wednesday 30 Sept 2026 (the last cut to 28-30 Sept).
    fn weeks_to_q3_end() -> Vec<(String, String)> {
        let first = day_number("2025-10-02").unwrap();
        let last = day_number("2026-09-30").unwrap();
        let monday = day_number("2025-10-06").unwrap();
        let iso = |n: i64| {
            let (y, m) = year_month(n);
            format!("{y:04}-{m:02}-{:02}", n - first_of_month(y, m) + 1)
        };
        let mut out = vec![(iso(first), iso(monday - 1))];
        let mut s = monday;
        while s <= last {
            out.push((iso(s), iso((s + 6).min(last))));
            s += 7;
        }
        out
    }

    fn weekly(width: u32, locale: &str) -> TrendChart {
        let spans = weeks_to_q3_end();
        let values: Vec<Option<f64>> = (0..spans.len())
            .map(|i| Some(0.8 + i as f64 / 1000.0))
            .collect();
        let mut c = chart(UnitKind::Ratio, vec![series("Service level", &values)]);
        c.buckets = (0..spans.len()).map(|i| format!("B{i}")).collect();
        c.spans = spans;
        c.locale = locale.into();
        c.width = width;
        c
    }

    #[test]
    fn weekly_buckets_read_as_months_on_the_axis() {
        let spans = weeks_to_q3_end();
        assert_eq!(spans.len(), 53, "a cut week at each end and 51 whole weeks");
        assert_eq!(spans[0], ("2025-10-02".into(), "2025-10-05".into()));
        assert_eq!(spans[52], ("2026-09-28".into(), "2026-09-30".into()));
        let t = texts(&trend_svg(&weekly(960, "en-GB")).unwrap());
        let months = [
            "Oct 2025", "Nov", "Dec", "Jan 2026", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
            "Sept",
        ];
        let shown: Vec<&str> = t
            .iter()
            .map(String::as_str)
            .filter(|s| months.contains(s))
            .collect();
        assert_eq!(
            shown, months,
            "every month named once, in order, the year on the first and January"
        );
        assert!(
            !t.iter().any(|s| s.starts_with('B')),
            "no bucket label on the axis: {t:?}"
        );
        // In German: CLDR writes a month with its year "Okt. 2025" and alone "Nov", "Mär".
        let t = texts(&trend_svg(&weekly(960, "de-DE")).unwrap());
        for m in ["Okt. 2025", "Nov", "Jan. 2026", "Mär", "Sep"] {
            assert!(t.contains(&m.to_string()), "{m} in {t:?}");
        }
        // Narrower, every third month (counted from January: quarters), then every sixth.
        let names = |width: u32| -> Vec<String> {
            texts(&trend_svg(&weekly(width, "en-GB")).unwrap())
                .into_iter()
                .filter(|s| {
                    months.contains(&s.as_str()) || s.ends_with(" 2025") || s.ends_with(" 2026")
                })
                .collect()
        };
        // At 480 px a month is ~34 px: names every other month fit ("Oct 2025" is left out
        // with its odd neighbours, so November carries the year).
        assert_eq!(
            names(480),
            ["Nov 2025", "Jan 2026", "Mar", "May", "Jul", "Sept"]
        );
        assert_eq!(names(360), ["Oct 2025", "Jan 2026", "Apr", "Jul"]);
        assert_eq!(names(300), ["Jan 2026", "Jul"]);
    }

    #[test]
    fn a_month_begins_where_its_first_day_falls_inside_a_week() {
        // ISO 2026-W27 to W31: Monday 29 June to Sunday 2 August, 10 px a week.
        let spans: Vec<(String, String)> = [
            ("2026-06-29", "2026-07-05"),
            ("2026-07-06", "2026-07-12"),
            ("2026-07-13", "2026-07-19"),
            ("2026-07-20", "2026-07-26"),
            ("2026-07-27", "2026-08-02"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let mut c = chart(UnitKind::Ratio, vec![series("x", &[Some(0.8); 5])]);
        c.spans = spans;
        let frame = Frame {
            left: 0.0,
            right: 50.0,
            top: 0.0,
            data_top: 0.0,
            bottom: 100.0,
            n: 5,
            ticks: nice_ticks(0.0, 1.0, 4, UnitKind::Ratio),
        };
        let marks = month_marks(&c, &frame);
        let got: Vec<(i64, i64, bool, f64, f64)> = marks
            .iter()
            .map(|mk| {
                (
                    mk.year,
                    mk.month,
                    mk.begins_inside,
                    (mk.x0 * 1000.0).round() / 1000.0,
                    (mk.x1 * 1000.0).round() / 1000.0,
                )
            })
            .collect();
        // 1 July is the 3rd of the first week's 7 days: 2/7 of 10 px in; 1 August the 6th day of
        // the last week: 40 + 5/7 × 10 px.
        assert_eq!(
            got,
            [
                (2026, 6, false, 0.0, 2.857),
                (2026, 7, true, 2.857, 47.143),
                (2026, 8, true, 47.143, 50.0)
            ]
        );
    }

    #[test]
    fn bucket_spans_are_checked_and_name_the_buckets() {
        let check = |c: TrendChart, needle: &str| match trend_svg(&c) {
            Err(ChartError::Invalid(msg)) => assert!(msg.contains(needle), "{msg}"),
            other => panic!("expected Invalid({needle}), got {other:?}"),
        };
        let mut c = chart(UnitKind::Ratio, vec![series("x", &[Some(0.8); 2])]);
        c.spans = vec![("2026-07-27".into(), "2026-08-02".into())];
        check(c.clone(), "1 bucket spans for 2 buckets");
        c.spans.push(("2026-08-02".into(), "2026-08-09".into()));
        check(
            c.clone(),
            "bucket 1 spans 2026-08-02 to 2026-08-09, out of order",
        );
        c.spans[1] = ("2026-08-03".into(), "2026-02-30".into());
        check(c.clone(), "expected two days as YYYY-MM-DD");
        c.spans[1] = ("2026-08-03".into(), "2026-08-09".into());
        c.locale = "en-US".into();
        assert_eq!(c.bucket_name(0), "Jul 27 \u{2013} Aug 2, 2026");
        assert_eq!(c.bucket_short(1), "Aug 3");
        // A target that changed reads by days, not bucket labels.
        c.target_steps = vec![Some(Target::AtLeast(0.8)), Some(Target::AtLeast(0.82))];
        let legend = target_legend(&c).unwrap().1;
        assert_eq!(
            legend,
            "Target \u{2265} 80.0% to Aug 2, 2026, \u{2265} 82.0% from Aug 3, 2026"
        );
    }

    #[test]
    fn few_buckets_are_all_labelled() {
        let c = chart(UnitKind::Ratio, vec![series("x", &[Some(0.8); 6])]);
        let t = texts(&trend_svg(&c).unwrap());
        assert_eq!(t.iter().filter(|s| s.starts_with("2026-W")).count(), 6);
    }

    #[test]
    fn no_values_draws_an_empty_chart_that_says_so() {
        for values in [vec![], vec![None, None]] {
            let c = chart(UnitKind::Ratio, vec![series("x", &values)]);
            let svg = trend_svg(&c).unwrap();
            assert_well_formed(&svg);
            assert!(texts(&svg).contains(&"No data for this period".into()));
        }
    }

    #[test]
    fn inconsistent_input_is_refused_with_a_reason() {
        let check = |c: TrendChart, needle: &str| match trend_svg(&c) {
            Err(ChartError::Invalid(msg)) => assert!(msg.contains(needle), "{msg}"),
            other => panic!("expected Invalid({needle}), got {other:?}"),
        };
        let mut c = small();
        c.series[0].values.pop();
        check(c, "5 values for 6 buckets");
        let mut c = small();
        c.markers[0].at = 6;
        check(c, "bucket 6 of 6");
        let mut c = small();
        c.windows[0] = ShadedWindow {
            from: 3,
            to: 2,
            label: "x".into(),
        };
        check(c, "3..=2");
        let mut c = small();
        c.width = 100;
        check(c, "at least");
        let mut c = small();
        c.target = Some(Target::Band {
            low: 0.9,
            high: 0.8,
        });
        check(c, "band");
    }

    #[test]
    fn crowded_marker_labels_stack_instead_of_overlapping() {
        let mut c = small();
        c.markers = (0..4)
            .map(|at| Marker {
                at,
                label: format!("Event number {at}"),
                kind: MarkerKind::ActionFinish,
            })
            .collect();
        let svg = trend_svg(&c).unwrap();
        let ys: std::collections::BTreeSet<&str> = svg
            .split("<text")
            .filter(|t| t.contains("Event number"))
            .map(|t| t.split("y=\"").nth(1).unwrap().split('"').next().unwrap())
            .collect();
        assert!(
            ys.len() > 1,
            "labels one bucket apart take several rows: {ys:?}"
        );
    }

    #[test]
    fn control_limits_and_signals_are_drawn_and_named() {
        let mut c = chart(
            UnitKind::Seconds,
            vec![series(
                "AHT",
                &[Some(300.0), Some(305.0), Some(298.0), Some(380.0)],
            )],
        );
        c.control = Some(ControlBand {
            centre: 301.0,
            lower: vec![Some(290.0); 4],
            upper: vec![Some(312.0); 4],
            signals: vec![3],
        });
        let svg = trend_svg(&c).unwrap();
        let t = texts(&svg);
        assert!(
            t.iter().any(|x| x == "Control limits") && t.iter().any(|x| x == "Signal"),
            "{t:?}"
        );
        assert_eq!(
            svg.matches("stroke=\"#C01F1F\"").count(),
            2,
            "one ring for the signal at bucket 3, one in the legend"
        );
        c.control.as_mut().unwrap().signals = vec![4];
        assert!(
            trend_svg(&c).is_err(),
            "a signal past the last bucket is refused"
        );
    }

    #[test]
    fn png_export_is_a_png_of_the_requested_size() {
        let c = small();
        let png = trend_png(&c, c.width * 2, c.height * 2).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
        let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((w, h), (1280, 640), "IHDR carries the requested size");
    }

    #[test]
    fn the_plot_area_locates_each_bucket_where_its_value_is_drawn() {
        let (svg, plot) = trend_svg_with_plot(&small()).unwrap();
        assert_eq!((plot.width, plot.height, plot.buckets), (640, 320, 6));
        // Six equal slots between the plot's edges, each one slot wide and touching the next.
        let slot = (plot.right - plot.left) / 6.0;
        assert_eq!(plot.bucket_span(0), (plot.left, plot.left + slot));
        assert_eq!(plot.bucket_span(5).1, plot.right);
        assert!(plot.top < plot.bottom && plot.bottom < 320.0);
        // Every value is a dot (six buckets) at the middle of its bucket's span: 0, 1, 3, 4, 5.
        let cx: Vec<i32> = svg
            .lines()
            .filter(|l| l.starts_with("<circle") && l.contains("fill=\"#0072B2\""))
            .filter_map(|l| {
                let v = l.split("cx=\"").nth(1)?.split('"').next()?;
                v.parse().ok()
            })
            .collect();
        let expected: Vec<i32> = [0, 1, 3, 4, 5]
            .iter()
            .map(|&i| {
                let (a, b) = plot.bucket_span(i);
                ((a + b) / 2.0).round() as i32
            })
            .collect();
        assert_eq!(
            cx.iter().filter(|x| expected.contains(x)).count(),
            5,
            "each value's dot sits mid-span: {cx:?} vs {expected:?}"
        );
        assert_eq!(
            svg,
            trend_svg(&small()).unwrap(),
            "the same drawing either way"
        );
    }

    #[test]
    fn small_chart_snapshot() {
        insta::assert_snapshot!(trend_svg(&small()).unwrap());
    }
}
