//! Draws a [`Layout`]'s pages as SVG documents for the app's live preview: the very items the PDF
//! gets, in points, in the PDF's own fonts. Lato text is `<text>` in the document's Lato subset,
//! embedded in every page; what a fallback face draws (CJK, Arabic, Hebrew) is that face's glyph
//! outlines as paths, at the positions the PDF uses, so the preview never falls back to a system
//! font.

use std::fmt::Write;

use super::model::{Document, Rgb};
use super::page::{Item, Layout};

/// The font family the preview SVGs declare and use.
pub const FAMILY: &str = "QBR Pack Lato";

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn n(v: f32) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn points(pts: &[(f32, f32)]) -> String {
    pts.iter()
        .map(|&(x, y)| format!("{},{}", n(x), n(y)))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn write(doc: &Document, layout: &Layout) -> Vec<String> {
    let logo = doc.brand.logo.as_ref().map(super::image::data_uri);
    // The document's own Lato subset travels with every page, under a family name of its own, so
    // the preview measures like the PDF whatever fonts the viewer has (and shadows no app font).
    let (regular, bold) = super::subset::document_fonts(layout);
    let style = format!(
        "<style>@font-face{{font-family:\"{FAMILY}\";font-weight:normal;src:url(data:font/ttf;base64,{})}}@font-face{{font-family:\"{FAMILY}\";font-weight:bold;src:url(data:font/ttf;base64,{})}}</style>\n",
        super::image::base64(&regular),
        super::image::base64(&bold)
    );
    layout
        .pages
        .iter()
        .map(|page| {
            let mut s = String::new();
            let _ = write!(
                s,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"&quot;{FAMILY}&quot;, Lato, sans-serif\">\n{style}<rect width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n",
                w = n(layout.width),
                h = n(layout.height)
            );
            for item in &page.items {
                match item {
                    Item::Text { x, y, size, bold, colour, text } => {
                        if super::fonts::needs_fallback(text, *bold) {
                            text_runs(&mut s, (*x, *y, *size, *bold), *colour, text);
                        } else {
                            text_element(&mut s, (*x, *y, *size, *bold), *colour, text);
                        }
                    }
                    Item::Rect { x, y, w, h, fill, stroke } => {
                        let _ = writeln!(
                            s,
                            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {}/>",
                            n(*x),
                            n(*y),
                            n(*w),
                            n(*h),
                            paint(*fill, *stroke)
                        );
                    }
                    Item::Line { points: p, colour, width, dash } => {
                        let dash = dash
                            .map(|(a, b)| format!(" stroke-dasharray=\"{} {}\"", n(a), n(b)))
                            .unwrap_or_default();
                        let _ = writeln!(
                            s,
                            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{dash}/>",
                            points(p),
                            colour.to_hex(),
                            n(*width)
                        );
                    }
                    Item::Polygon { points: p, fill } => {
                        let _ = writeln!(s, "<polygon points=\"{}\" fill=\"{}\"/>", points(p), fill.to_hex());
                    }
                    Item::Circle { cx, cy, r, fill, stroke } => {
                        let _ = writeln!(
                            s,
                            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" {}/>",
                            n(*cx),
                            n(*cy),
                            n(*r),
                            paint(*fill, *stroke)
                        );
                    }
                    Item::Logo { x, y, w, h } => {
                        if let Some(uri) = &logo {
                            let _ = writeln!(
                                s,
                                "<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"xMidYMid meet\" href=\"{uri}\"/>",
                                n(*x),
                                n(*y),
                                n(*w),
                                n(*h)
                            );
                        }
                    }
                }
            }
            s.push_str("</svg>\n");
            s
        })
        .collect()
}

fn text_element(
    s: &mut String,
    (x, y, size, bold): (f32, f32, f32, bool),
    colour: Rgb,
    text: &str,
) {
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\"{} fill=\"{}\" xml:space=\"preserve\">{}</text>",
        n(x),
        n(y),
        n(size),
        if bold { " font-weight=\"bold\"" } else { "" },
        colour.to_hex(),
        esc(text)
    );
}

/// Collects a glyph outline as SVG path data, scaled and flipped onto the page.
struct Outline<'a> {
    d: &'a mut String,
    x: f32,
    y: f32,
    k: f32,
}

impl Outline<'_> {
    fn p(&self, x: f32, y: f32) -> String {
        format!("{} {}", n(self.x + x * self.k), n(self.y - y * self.k))
    }
}

impl rustybuzz::ttf_parser::OutlineBuilder for Outline<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let p = self.p(x, y);
        let _ = write!(self.d, "M{p}");
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.p(x, y);
        let _ = write!(self.d, "L{p}");
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (a, b) = (self.p(x1, y1), self.p(x, y));
        let _ = write!(self.d, "Q{a} {b}");
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (a, b, c) = (self.p(x1, y1), self.p(x2, y2), self.p(x, y));
        let _ = write!(self.d, "C{a} {b} {c}");
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

/// A line of text some of which a fallback face draws: Lato runs as text, the others as outlines.
fn text_runs(s: &mut String, (x, y, size, bold): (f32, f32, f32, bool), colour: Rgb, text: &str) {
    let mut pen = x;
    for run in super::fonts::runs(text, bold) {
        let placed = super::fonts::shape(&run);
        let advance: f32 = placed.iter().map(|g| g.x_advance).sum::<f32>() * size;
        if run.face.is_lato() {
            let shown: String = if run.missing {
                run.text
                    .chars()
                    .filter(|c| !c.is_control())
                    .map(|_| super::fonts::MISSING)
                    .collect()
            } else {
                run.text.to_string()
            };
            text_element(s, (pen, y, size, bold), colour, &shown);
        } else {
            let face = run.face.shaper();
            let k = size / face.units_per_em() as f32;
            let mut d = String::new();
            let mut gx = pen;
            for g in &placed {
                let mut o = Outline {
                    d: &mut d,
                    x: gx + g.x_offset * size,
                    y: y - g.y_offset * size,
                    k,
                };
                face.outline_glyph(rustybuzz::ttf_parser::GlyphId(g.id), &mut o);
                gx += g.x_advance * size;
            }
            if !d.is_empty() {
                let _ = writeln!(s, "<path d=\"{d}\" fill=\"{}\"/>", colour.to_hex());
            }
        }
        pen += advance;
    }
}

fn paint(fill: Option<Rgb>, stroke: Option<(Rgb, f32)>) -> String {
    let f = fill.map(|c| c.to_hex()).unwrap_or_else(|| "none".into());
    match stroke {
        Some((c, w)) => format!(
            "fill=\"{f}\" stroke=\"{}\" stroke-width=\"{}\"",
            c.to_hex(),
            n(w)
        ),
        None => format!("fill=\"{f}\""),
    }
}
