//! Draws a [`Layout`]'s pages as SVG documents for the app's live preview: the very items the PDF
//! gets, in points, text in the Lato family.

use std::fmt::Write;

use super::model::{Document, Rgb};
use super::page::{Item, Layout};

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
    layout
        .pages
        .iter()
        .map(|page| {
            let mut s = String::new();
            let _ = write!(
                s,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"Lato, sans-serif\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n",
                w = n(layout.width),
                h = n(layout.height)
            );
            for item in &page.items {
                match item {
                    Item::Text { x, y, size, bold, colour, text } => {
                        let _ = writeln!(
                            s,
                            "<text x=\"{}\" y=\"{}\" font-size=\"{}\"{} fill=\"{}\" xml:space=\"preserve\">{}</text>",
                            n(*x),
                            n(*y),
                            n(*size),
                            if *bold { " font-weight=\"bold\"" } else { "" },
                            colour.to_hex(),
                            esc(text)
                        );
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
