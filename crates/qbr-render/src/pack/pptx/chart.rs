//! Native PowerPoint charts (DrawingML charts) from the pack's trend and bar charts, each with the
//! workbook PowerPoint's "Edit Data" opens embedded beside it, holding the same numbers.
//!
//! A trend chart becomes a line chart: its series in the pack's colours, the moving averages
//! dashed in a lighter shade, the target (or the target in force each bucket) as a dark dashed
//! series, a control chart's limits and centre as grey dashed series with its signals as red
//! points, partial buckets as hollow points, and the numbered markers as a "Markers" series whose
//! points carry their numbers (the key is written beneath the chart by the slide). A bar chart
//! becomes a column chart with the target as a line series over it. Values keep their unit: the
//! cells carry an Excel number format made from `qbr_format`'s rule for the unit (percent with
//! one decimal, `m:ss` — durations are stored as Excel durations, days — the currency's symbol,
//! a sign for NPS).

use super::xml::{esc, DECL, NS_A, NS_C, NS_R};
use crate::chart::{MarkerKind, Target, TrendChart, UnitKind};
use crate::pack::layout::{INK, MUTED};
use crate::pack::{BarChart, Rgb};

pub(crate) const SERIES: [Rgb; 6] = [
    Rgb(0x00, 0x72, 0xB2),
    Rgb(0xD5, 0x5E, 0x00),
    Rgb(0x00, 0x9E, 0x73),
    Rgb(0xCC, 0x79, 0xA7),
    Rgb(0xE6, 0x9F, 0x00),
    Rgb(0x56, 0xB4, 0xE9),
];
const TARGET: Rgb = Rgb(0x33, 0x33, 0x33);
const CONTROL: Rgb = Rgb(0x88, 0x88, 0x88);
const SIGNAL: Rgb = Rgb(0xC0, 0x1F, 0x1F);
const MARKER: Rgb = Rgb(0x44, 0x44, 0x44);

fn lighter(c: Rgb) -> Rgb {
    let mix = |v: u8| (v as f64 + (255.0 - v as f64) * 0.45).round() as u8;
    Rgb(mix(c.0), mix(c.1), mix(c.2))
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Look {
    /// A line: colour, width in points, dashed, with point markers.
    Line {
        colour: Rgb,
        width: f32,
        dashed: bool,
        points: bool,
    },
    /// Points only (no line), labelled.
    Points {
        colour: Rgb,
    },
    Bars {
        colour: Rgb,
    },
}

/// A point drawn differently from the rest of its series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum PointLook {
    Hollow,
    Signal,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub look: Look,
    pub points: Vec<(usize, PointLook)>,
    /// Data labels of single points (a marker's number).
    pub labels: Vec<(usize, String)>,
}

/// A chart as the deck writes it: categories, series, the unit's number format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Native {
    pub title: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub unit: UnitKind,
    pub currency: String,
    /// The deck has the user's template: series take its theme's accents (`accent1`…`accent6`,
    /// moving averages a lighter tint of them), so the charts wear the company's colours and
    /// follow a change of theme; targets, limits, signals and text keep the pack's fixed colours.
    pub themed: bool,
}

/// The numbered key beneath a trend chart, as the pack draws it: `1 Cause: …`, in bucket order;
/// then any shaded window, which a native line chart cannot shade, named with its buckets.
pub(crate) fn marker_key(t: &TrendChart) -> Vec<String> {
    let mut key = markers_key(t);
    for w in &t.windows {
        if t.spans.is_empty() {
            let at = |i: usize| t.buckets.get(i).cloned().unwrap_or_default();
            key.push(format!("Shaded {} {} to {}", w.label, at(w.from), at(w.to)));
        } else {
            key.push(format!(
                "Shaded {} {}",
                w.label,
                t.buckets_span(w.from, w.to)
            ));
        }
    }
    key
}

fn markers_key(t: &TrendChart) -> Vec<String> {
    if t.markers.is_empty() {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..t.markers.len()).collect();
    order.sort_by_key(|&i| (t.markers[i].at, i));
    order
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let m = &t.markers[i];
            if t.numbered_markers {
                format!("{} {}", k + 1, m.label)
            } else {
                let kind = match m.kind {
                    MarkerKind::Cause => "Cause",
                    MarkerKind::ActionStart => "Action start",
                    MarkerKind::ActionFinish => "Action finish",
                };
                format!("{} {kind}: {}", k + 1, m.label)
            }
        })
        .collect()
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// The trend chart's lines.
pub(crate) fn from_trend(t: &TrendChart) -> Native {
    let n = t.buckets.len();
    let mut series = Vec::new();
    for (i, s) in t.series.iter().enumerate() {
        let colour = SERIES[i % SERIES.len()];
        let mut points = Vec::new();
        if i == 0 {
            points.extend(
                t.partial
                    .iter()
                    .filter(|&&p| p < n)
                    .map(|&p| (p, PointLook::Hollow)),
            );
            if let Some(c) = &t.control {
                points.retain(|(p, _)| !c.signals.contains(p));
                points.extend(
                    c.signals
                        .iter()
                        .filter(|&&p| p < n)
                        .map(|&p| (p, PointLook::Signal)),
                );
            }
            points.sort_by_key(|p| p.0);
        }
        series.push(Series {
            name: s.name.clone(),
            values: s.values.iter().map(|v| finite(*v)).collect(),
            look: Look::Line {
                colour,
                width: 2.25,
                dashed: false,
                points: true,
            },
            points,
            labels: Vec::new(),
        });
        if let Some(ma) = &s.moving_average {
            series.push(Series {
                name: ma.label.clone(),
                values: ma.values.iter().map(|v| finite(*v)).collect(),
                look: Look::Line {
                    colour: lighter(colour),
                    width: 1.5,
                    dashed: true,
                    points: false,
                },
                points: Vec::new(),
                labels: Vec::new(),
            });
        }
    }
    // The target: the one in force at each bucket, or the chart's one across it.
    let steps: Vec<Option<Target>> = if t.target_steps.len() == n {
        t.target_steps.clone()
    } else {
        vec![t.target; n]
    };
    if steps.iter().any(Option::is_some) {
        let distinct: Vec<Target> = steps.iter().flatten().fold(Vec::new(), |mut acc, x| {
            if !acc.contains(x) {
                acc.push(*x);
            }
            acc
        });
        let name = |low: Option<bool>| {
            let base = if distinct.len() == 1 {
                distinct[0].label_in(t.unit, &t.currency)
            } else {
                "Target".to_string()
            };
            match low {
                None => base,
                Some(true) => format!("{base} (low)"),
                Some(false) => format!("{base} (high)"),
            }
        };
        let band = steps
            .iter()
            .flatten()
            .any(|x| matches!(x, Target::Band { .. }));
        let look = Look::Line {
            colour: TARGET,
            width: 1.5,
            dashed: true,
            points: false,
        };
        let pick = |x: &Option<Target>, low: bool| match x {
            Some(Target::AtLeast(v)) | Some(Target::AtMost(v)) => Some(*v),
            Some(Target::Band { low: l, high: h }) => Some(if low { *l } else { *h }),
            None => None,
        };
        if band {
            for low in [true, false] {
                series.push(Series {
                    name: name(Some(low)),
                    values: steps.iter().map(|x| pick(x, low)).collect(),
                    look,
                    points: Vec::new(),
                    labels: Vec::new(),
                });
            }
        } else {
            series.push(Series {
                name: name(None),
                values: steps.iter().map(|x| pick(x, true)).collect(),
                look,
                points: Vec::new(),
                labels: Vec::new(),
            });
        }
    }
    if let Some(c) = &t.control {
        let look = Look::Line {
            colour: CONTROL,
            width: 1.0,
            dashed: true,
            points: false,
        };
        let fit = |v: &[Option<f64>]| -> Vec<Option<f64>> {
            (0..n)
                .map(|i| finite(v.get(i).copied().flatten()))
                .collect()
        };
        series.push(Series {
            name: "Upper control limit".into(),
            values: fit(&c.upper),
            look,
            points: Vec::new(),
            labels: Vec::new(),
        });
        series.push(Series {
            name: "Centre line".into(),
            values: vec![finite(Some(c.centre)); n],
            look: Look::Line {
                colour: CONTROL,
                width: 1.0,
                dashed: false,
                points: false,
            },
            points: Vec::new(),
            labels: Vec::new(),
        });
        series.push(Series {
            name: "Lower control limit".into(),
            values: fit(&c.lower),
            look,
            points: Vec::new(),
            labels: Vec::new(),
        });
    }
    if !t.markers.is_empty() {
        // Each marker is a point at its bucket, over the highest value drawn there, labelled
        // with its number in the key.
        let top = series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        let mut order: Vec<usize> = (0..t.markers.len()).collect();
        order.sort_by_key(|&i| (t.markers[i].at, i));
        let mut values = vec![None; n];
        let mut labels: Vec<(usize, String)> = Vec::new();
        for (k, &i) in order.iter().enumerate() {
            let at = t.markers[i].at;
            if at >= n {
                continue;
            }
            let here = series
                .iter()
                .filter_map(|s| s.values[at])
                .fold(f64::NEG_INFINITY, f64::max);
            values[at] = Some(if here.is_finite() { here } else { top }).filter(|v| v.is_finite());
            match labels.iter_mut().find(|l| l.0 == at) {
                Some(l) => l.1.push_str(&format!(",{}", k + 1)),
                None => labels.push((at, (k + 1).to_string())),
            }
        }
        series.push(Series {
            name: "Markers (numbered in the key)".into(),
            values,
            look: Look::Points { colour: MARKER },
            points: Vec::new(),
            labels,
        });
    }
    Native {
        title: t.title.clone(),
        // A week by its first day (`27 Jul`), a month by its name, in the pack's locale.
        categories: (0..t.buckets.len()).map(|i| t.bucket_short(i)).collect(),
        series,
        unit: t.unit,
        currency: t.currency.clone(),
        themed: false,
    }
}

/// A bar chart: one column per member (a missing value's reason, or a note, in its label), the
/// target as a line across.
pub(crate) fn from_bars(b: &BarChart) -> Native {
    let categories = b
        .bars
        .iter()
        .map(|bar| match &bar.note {
            Some(n) if !n.trim().is_empty() => format!("{} ({})", bar.label, n.trim()),
            _ => bar.label.clone(),
        })
        .collect();
    let n = b.bars.len();
    let mut series = vec![Series {
        name: b.title.clone(),
        values: b.bars.iter().map(|x| finite(x.value)).collect(),
        look: Look::Bars { colour: SERIES[0] },
        points: Vec::new(),
        labels: Vec::new(),
    }];
    if let Some(t) = b.target {
        let look = Look::Line {
            colour: TARGET,
            width: 1.5,
            dashed: true,
            points: false,
        };
        let label = t.label_in(b.unit, &b.currency);
        match t {
            Target::AtLeast(v) | Target::AtMost(v) => series.push(Series {
                name: label,
                values: vec![Some(v); n],
                look,
                points: Vec::new(),
                labels: Vec::new(),
            }),
            Target::Band { low, high } => {
                for (v, end) in [(low, "low"), (high, "high")] {
                    series.push(Series {
                        name: format!("{label} ({end})"),
                        values: vec![Some(v); n],
                        look,
                        points: Vec::new(),
                        labels: Vec::new(),
                    });
                }
            }
        }
    }
    Native {
        title: b.title.clone(),
        categories,
        series,
        unit: b.unit,
        currency: b.currency.clone(),
        themed: false,
    }
}

/// How values of `unit` are stored (a factor) and shown (an Excel number format), from
/// `qbr_format`'s rule for the unit. `max` picks `[h]:mm:ss` over `[m]:ss` for durations.
pub(crate) fn number_format(unit: UnitKind, currency: &str, max: f64) -> (f64, String) {
    let r = qbr_format::unit_rule(unit.as_str());
    let decimals = |d: u8| {
        if d == 0 {
            String::new()
        } else {
            format!(".{}", "0".repeat(d as usize))
        }
    };
    if r.clock {
        let f = if max >= 3600.0 { "[h]:mm:ss" } else { "[m]:ss" };
        return (1.0 / 86_400.0, f.into());
    }
    if r.money {
        // Whole amounts from the rules' threshold on, as `qbr_format::money` writes them.
        let sym = qbr_format::currency_symbol(currency).replace('"', "");
        let places = if max >= qbr_format::RULES.money_small_below {
            0
        } else {
            r.decimals
        };
        let body = format!("#,##0{}", decimals(places));
        return (1.0, format!("\"{sym}\"{body};\"\u{2212}{sym}\"{body}"));
    }
    let body = format!("#,##0{}", decimals(r.decimals));
    if r.suffix == "%" && (r.scale - 100.0).abs() < 1e-9 {
        return (1.0, format!("{body}%;\"\u{2212}\"{body}%"));
    }
    let suffix = if r.suffix.is_empty() {
        String::new()
    } else {
        format!("\"{}\"", r.suffix.replace('"', ""))
    };
    let f = if r.signed {
        format!("+{body}{suffix};\"\u{2212}\"{body}{suffix};{body}{suffix}")
    } else {
        format!("{body}{suffix};\"\u{2212}\"{body}{suffix}")
    };
    (r.scale, f)
}

/// The spreadsheet column of series `j` (A holds the categories): B, C, …, Z, AA, …
fn column(j: usize) -> String {
    let mut n = j + 2;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

fn num(v: f64) -> String {
    // Shortest round trip, never exponent-free ambiguity: Rust's `{}` for f64 is exact enough.
    let s = format!("{v}");
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// A fill of `c`; in a themed deck a series colour becomes the theme accent it stands for.
fn solid(c: Rgb, themed: bool) -> String {
    let accent = |k: usize, tint: &str| {
        format!(
            "<a:solidFill><a:schemeClr val=\"accent{}\">{tint}</a:schemeClr></a:solidFill>",
            k + 1
        )
    };
    if themed {
        if let Some(k) = SERIES.iter().position(|&s| s == c) {
            return accent(k, "");
        }
        if let Some(k) = SERIES.iter().position(|&s| lighter(s) == c) {
            return accent(k, "<a:lumMod val=\"60000\"/><a:lumOff val=\"40000\"/>");
        }
    }
    format!(
        "<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>",
        super::xml::hex(c)
    )
}

fn line_props(colour: Rgb, width: f32, dashed: bool, themed: bool) -> String {
    format!(
        "<c:spPr><a:ln w=\"{}\" cap=\"rnd\">{}{}<a:round/></a:ln></c:spPr>",
        super::xml::emu(width as f64),
        solid(colour, themed),
        if dashed {
            "<a:prstDash val=\"dash\"/>"
        } else {
            "<a:prstDash val=\"solid\"/>"
        }
    )
}

fn marker(symbol: &str, size: u32, fill: Rgb, line: Rgb, themed: bool) -> String {
    format!(
        "<c:marker><c:symbol val=\"{symbol}\"/><c:size val=\"{size}\"/><c:spPr>{}<a:ln w=\"12700\">{}</a:ln></c:spPr></c:marker>",
        solid(fill, themed),
        solid(line, themed)
    )
}

fn str_cache(f: &str, items: &[String]) -> String {
    let mut s = format!(
        "<c:strRef><c:f>{}</c:f><c:strCache><c:ptCount val=\"{}\"/>",
        esc(f),
        items.len()
    );
    for (i, t) in items.iter().enumerate() {
        s.push_str(&format!("<c:pt idx=\"{i}\"><c:v>{}</c:v></c:pt>", esc(t)));
    }
    s.push_str("</c:strCache></c:strRef>");
    s
}

fn text_props(size: u32, colour: Rgb, bold: bool) -> String {
    format!(
        "<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"{size}\" b=\"{}\">{}<a:latin typeface=\"Lato\"/></a:defRPr></a:pPr><a:endParaRPr lang=\"en-US\"/></a:p></c:txPr>",
        u8::from(bold),
        solid(colour, false)
    )
}

/// Axis text at `rot` (60,000ths of a degree): upright for a few labels, at 45° for weeks, which
/// LibreOffice then thins out (it ignores `tickLblSkip` and would break each label in pieces).
fn text_props_rot(size: u32, colour: Rgb, rot: i32) -> String {
    format!(
        "<c:txPr><a:bodyPr rot=\"{rot}\" vert=\"horz\"/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"{size}\" b=\"0\">{}<a:latin typeface=\"Lato\"/></a:defRPr></a:pPr><a:endParaRPr lang=\"en-US\"/></a:p></c:txPr>",
        solid(colour, false)
    )
}

/// The chart part (`chartN.xml`); `r:id="rId1"` is its embedded workbook.
pub(crate) fn chart_xml(c: &Native) -> String {
    let max = c
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0f64, |a, &b| a.max(b.abs()));
    let (factor, fmt) = number_format(c.unit, &c.currency, max);
    let rows = c.categories.len();
    let cat_ref = format!("Sheet1!$A$2:$A${}", rows + 1);
    let ser_xml = |j: usize, s: &Series| -> String {
        let col = column(j);
        let mut x = format!(
            "<c:ser><c:idx val=\"{j}\"/><c:order val=\"{j}\"/><c:tx>{}</c:tx>",
            str_cache(&format!("Sheet1!${col}$1"), std::slice::from_ref(&s.name))
        );
        match s.look {
            Look::Line {
                colour,
                width,
                dashed,
                points,
            } => {
                x.push_str(&line_props(colour, width, dashed, c.themed));
                if points {
                    x.push_str(&marker("circle", 5, colour, colour, c.themed));
                } else {
                    x.push_str("<c:marker><c:symbol val=\"none\"/></c:marker>");
                }
                for (i, look) in &s.points {
                    let (fill, size) = match look {
                        PointLook::Hollow => (Rgb(0xFF, 0xFF, 0xFF), 6),
                        PointLook::Signal => (SIGNAL, 8),
                    };
                    let edge = match look {
                        PointLook::Hollow => colour,
                        PointLook::Signal => SIGNAL,
                    };
                    x.push_str(&format!(
                        "<c:dPt><c:idx val=\"{i}\"/>{}<c:bubble3D val=\"0\"/></c:dPt>",
                        marker("circle", size, fill, edge, c.themed)
                    ));
                }
            }
            Look::Points { colour } => {
                x.push_str("<c:spPr><a:ln w=\"28575\"><a:noFill/></a:ln></c:spPr>");
                x.push_str(&marker("diamond", 9, colour, colour, c.themed));
            }
            Look::Bars { colour } => {
                x.push_str(&format!("<c:spPr>{}</c:spPr>", solid(colour, c.themed)));
                x.push_str("<c:invertIfNegative val=\"0\"/>");
            }
        }
        if !s.labels.is_empty() {
            x.push_str("<c:dLbls>");
            for (i, t) in &s.labels {
                x.push_str(&format!(
                    "<c:dLbl><c:idx val=\"{i}\"/><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang=\"en-US\" sz=\"1000\" b=\"1\"/><a:t>{}</a:t></a:r></a:p></c:rich></c:tx><c:dLblPos val=\"t\"/><c:showLegendKey val=\"0\"/><c:showVal val=\"1\"/><c:showCatName val=\"0\"/><c:showSerName val=\"0\"/><c:showPercent val=\"0\"/><c:showBubbleSize val=\"0\"/></c:dLbl>",
                    esc(t)
                ));
            }
            x.push_str("<c:delete val=\"1\"/></c:dLbls>");
        } else if matches!(s.look, Look::Bars { .. }) {
            x.push_str(&format!(
                "<c:dLbls><c:numFmt formatCode=\"{}\" sourceLinked=\"0\"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>{}<c:dLblPos val=\"outEnd\"/><c:showLegendKey val=\"0\"/><c:showVal val=\"1\"/><c:showCatName val=\"0\"/><c:showSerName val=\"0\"/><c:showPercent val=\"0\"/><c:showBubbleSize val=\"0\"/></c:dLbls>",
                esc(&fmt),
                text_props(900, INK, false)
            ));
        }
        x.push_str(&format!(
            "<c:cat>{}</c:cat>",
            str_cache(&cat_ref, &c.categories)
        ));
        x.push_str(&format!(
            "<c:val><c:numRef><c:f>Sheet1!${col}$2:${col}${}</c:f><c:numCache><c:formatCode>{}</c:formatCode><c:ptCount val=\"{rows}\"/>",
            rows + 1,
            esc(&fmt)
        ));
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                x.push_str(&format!(
                    "<c:pt idx=\"{i}\"><c:v>{}</c:v></c:pt>",
                    num(v * factor)
                ));
            }
        }
        x.push_str("</c:numCache></c:numRef></c:val>");
        if !matches!(s.look, Look::Bars { .. }) {
            x.push_str("<c:smooth val=\"0\"/>");
        }
        x.push_str("</c:ser>");
        x
    };
    let mut plot = String::from("<c:plotArea><c:layout/>");
    let bars: Vec<usize> = (0..c.series.len())
        .filter(|&j| matches!(c.series[j].look, Look::Bars { .. }))
        .collect();
    let lines: Vec<usize> = (0..c.series.len()).filter(|j| !bars.contains(j)).collect();
    if !bars.is_empty() {
        plot.push_str("<c:barChart><c:barDir val=\"col\"/><c:grouping val=\"clustered\"/><c:varyColors val=\"0\"/>");
        for &j in &bars {
            plot.push_str(&ser_xml(j, &c.series[j]));
        }
        plot.push_str("<c:gapWidth val=\"60\"/><c:axId val=\"500000001\"/><c:axId val=\"500000002\"/></c:barChart>");
    }
    if !lines.is_empty() {
        plot.push_str("<c:lineChart><c:grouping val=\"standard\"/><c:varyColors val=\"0\"/>");
        for &j in &lines {
            plot.push_str(&ser_xml(j, &c.series[j]));
        }
        plot.push_str("<c:marker val=\"1\"/><c:axId val=\"500000001\"/><c:axId val=\"500000002\"/></c:lineChart>");
    }
    // The value axis over the data's range on steps a reader can add (the pack's own ticks), and
    // about a dozen bucket labels, upright, as the pack shows them.
    let data: Vec<f64> = c
        .series
        .iter()
        .filter(|s| !matches!(s.look, Look::Points { .. }))
        .flat_map(|s| s.values.iter().flatten().copied())
        .collect();
    let scaling = if data.is_empty() {
        "<c:scaling><c:orientation val=\"minMax\"/></c:scaling>".to_string()
    } else {
        let lo = data.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = data.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let bars = !bars.is_empty();
        let (lo, hi) = if bars {
            (lo.min(0.0), hi.max(0.0))
        } else {
            (lo, hi)
        };
        let t = crate::chart::scale::nice_ticks(lo, hi, 5, c.unit);
        let (min, max) = if bars && lo >= 0.0 {
            (0.0, t.hi)
        } else {
            (t.lo, t.hi)
        };
        format!(
            "<c:scaling><c:orientation val=\"minMax\"/><c:max val=\"{}\"/><c:min val=\"{}\"/></c:scaling><c:majorUnit_ val=\"{}\"/>",
            num(max * factor),
            num(min * factor),
            num(t.step * factor)
        )
    };
    let (scaling, major) = match scaling.split_once("<c:majorUnit_") {
        Some((a, b)) => (a.to_string(), format!("<c:majorUnit{}", b)),
        None => (scaling, String::new()),
    };
    let skip = rows.div_ceil(13).max(1);
    let axis_line = format!(
        "<c:spPr><a:ln w=\"9525\">{}</a:ln></c:spPr>",
        solid(Rgb(0x88, 0x88, 0x88), false)
    );
    plot.push_str(&format!(
        "<c:catAx><c:axId val=\"500000001\"/><c:scaling><c:orientation val=\"minMax\"/></c:scaling><c:delete val=\"0\"/><c:axPos val=\"b\"/><c:numFmt formatCode=\"General\" sourceLinked=\"1\"/><c:majorTickMark val=\"out\"/><c:minorTickMark val=\"none\"/><c:tickLblPos val=\"low\"/>{axis_line}{}<c:crossAx val=\"500000002\"/><c:crosses val=\"autoZero\"/><c:auto val=\"1\"/><c:lblAlgn val=\"ctr\"/><c:lblOffset val=\"100\"/><c:tickLblSkip val=\"{skip}\"/><c:tickMarkSkip val=\"{skip}\"/><c:noMultiLvlLbl val=\"0\"/></c:catAx>",
        text_props_rot(800, MUTED, if rows > 13 && bars.is_empty() { -2_700_000 } else { 0 })
    ));
    plot.push_str(&format!(
        "<c:valAx><c:axId val=\"500000002\"/>{scaling}<c:delete val=\"0\"/><c:axPos val=\"l\"/><c:majorGridlines><c:spPr><a:ln w=\"6350\">{}</a:ln></c:spPr></c:majorGridlines><c:numFmt formatCode=\"{}\" sourceLinked=\"0\"/><c:majorTickMark val=\"none\"/><c:minorTickMark val=\"none\"/><c:tickLblPos val=\"nextTo\"/><c:spPr><a:ln><a:noFill/></a:ln></c:spPr>{}<c:crossAx val=\"500000001\"/><c:crosses val=\"autoZero\"/><c:crossBetween val=\"between\"/>{major}</c:valAx>",
        solid(Rgb(0xE2, 0xE2, 0xE2), false),
        esc(&fmt),
        text_props(800, MUTED, false)
    ));
    plot.push_str("</c:plotArea>");
    let title = format!(
        "<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1050\" b=\"1\">{}<a:latin typeface=\"Lato\"/></a:defRPr></a:pPr><a:r><a:rPr lang=\"en-US\" sz=\"1050\" b=\"1\">{}<a:latin typeface=\"Lato\"/></a:rPr><a:t>{}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val=\"0\"/></c:title><c:autoTitleDeleted val=\"0\"/>",
        solid(INK, false),
        solid(INK, false),
        esc(&c.title)
    );
    let legend = if c.series.len() > 1 {
        format!(
            "<c:legend><c:legendPos val=\"t\"/><c:overlay val=\"0\"/>{}</c:legend>",
            text_props(800, INK, false)
        )
    } else {
        String::new()
    };
    format!(
        "{DECL}<c:chartSpace xmlns:c=\"{NS_C}\" xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\"><c:date1904 val=\"0\"/><c:roundedCorners val=\"0\"/><c:chart>{title}{plot}{legend}<c:plotVisOnly val=\"1\"/><c:dispBlanksAs val=\"gap\"/></c:chart><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>{}<c:externalData r:id=\"rId1\"><c:autoUpdate val=\"0\"/></c:externalData></c:chartSpace>",
        text_props(1000, INK, false)
    )
}

/// The workbook behind the chart: categories in column A, one series a column, each value in the
/// unit's number format; a fixed creation date so the bytes are the same for the same chart.
pub(crate) fn workbook(c: &Native) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let max = c
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0f64, |a, &b| a.max(b.abs()));
    let (factor, fmt) = number_format(c.unit, &c.currency, max);
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let date = ExcelDateTime::from_ymd(2000, 1, 1).map_err(err)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&date));
    let number = Format::new().set_num_format(&fmt);
    let sheet = book.add_worksheet();
    sheet.set_name("Sheet1").map_err(err)?;
    for (i, cat) in c.categories.iter().enumerate() {
        sheet.write_string(i as u32 + 1, 0, cat).map_err(err)?;
    }
    for (j, s) in c.series.iter().enumerate() {
        let col = j as u16 + 1;
        sheet.write_string(0, col, &s.name).map_err(err)?;
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                sheet
                    .write_number_with_format(i as u32 + 1, col, v * factor, &number)
                    .map_err(err)?;
            }
        }
    }
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weekly_charts_categories_and_windows_read_as_days() {
        use crate::chart::{ShadedWindow, TrendSeries};
        // ISO 2026-W31 and W32 (27 Jul – 2 Aug, 3 – 9 Aug), in en-US; then monthly buckets.
        let mut t = TrendChart {
            title: "Service level".into(),
            unit: UnitKind::Ratio,
            buckets: vec!["2026-W31".into(), "2026-W32".into()],
            spans: vec![
                ("2026-07-27".into(), "2026-08-02".into()),
                ("2026-08-03".into(), "2026-08-09".into()),
            ],
            locale: "en-US".into(),
            series: vec![TrendSeries {
                name: "Voice".into(),
                values: vec![Some(0.8), Some(0.7)],
                moving_average: None,
            }],
            target: None,
            markers: vec![],
            windows: vec![ShadedWindow {
                from: 0,
                to: 1,
                label: "Before".into(),
            }],
            control: None,
            currency: String::new(),
            target_steps: vec![],
            numbered_markers: false,
            partial: vec![],
            width: 800,
            height: 300,
        };
        assert_eq!(from_trend(&t).categories, ["Jul 27", "Aug 3"]);
        assert_eq!(
            marker_key(&t),
            ["Shaded Before Jul 27 \u{2013} Aug 9, 2026"]
        );
        t.spans = vec![
            ("2026-07-01".into(), "2026-07-31".into()),
            ("2026-08-01".into(), "2026-08-31".into()),
        ];
        assert_eq!(from_trend(&t).categories, ["Jul 2026", "Aug 2026"]);
        // Without days, the labels as given.
        t.spans.clear();
        assert_eq!(from_trend(&t).categories, ["2026-W31", "2026-W32"]);
        assert_eq!(marker_key(&t), ["Shaded Before 2026-W31 to 2026-W32"]);
    }

    #[test]
    fn columns_follow_the_spreadsheet_alphabet() {
        assert_eq!(column(0), "B");
        assert_eq!(column(24), "Z");
        assert_eq!(column(25), "AA");
        assert_eq!(column(26), "AB");
    }

    #[test]
    fn number_formats_follow_the_units_rules() {
        assert_eq!(
            number_format(UnitKind::Ratio, "", 1.0),
            (1.0, "#,##0.0%;\"\u{2212}\"#,##0.0%".to_string())
        );
        assert_eq!(
            number_format(UnitKind::Seconds, "", 34.0),
            (1.0 / 86_400.0, "[m]:ss".into())
        );
        assert_eq!(
            number_format(UnitKind::Seconds, "", 36_000.0).1,
            "[h]:mm:ss"
        );
        assert_eq!(
            number_format(UnitKind::Money, "USD", 3.0).1,
            "\"$\"#,##0.00;\"\u{2212}$\"#,##0.00"
        );
        assert_eq!(
            number_format(UnitKind::Score, "", 25.0).1,
            "+#,##0.0;\"\u{2212}\"#,##0.0;#,##0.0"
        );
        assert_eq!(
            number_format(UnitKind::Count, "", 5.0).1,
            "#,##0;\"\u{2212}\"#,##0"
        );
    }
}
