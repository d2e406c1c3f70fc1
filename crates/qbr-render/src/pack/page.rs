//! A laid-out page as a list of drawing items in points, origin at the top-left. Both the PDF
//! writer and the SVG preview draw exactly these items.

use super::model::Rgb;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// Text whose left end of the baseline is at (x, y).
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    /// An open polyline; `dash` is (on, off) in points.
    Line {
        points: Vec<(f32, f32)>,
        colour: Rgb,
        width: f32,
        dash: Option<(f32, f32)>,
    },
    /// A closed filled shape.
    Polygon { points: Vec<(f32, f32)>, fill: Rgb },
    Circle {
        cx: f32,
        cy: f32,
        r: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    /// The brand logo scaled into this box.
    Logo { x: f32, y: f32, w: f32, h: f32 },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Page {
    pub items: Vec<Item>,
    /// The kinds of block placed on this page, in order (for tests: a heading is never last).
    pub kinds: Vec<&'static str>,
}

impl Page {
    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, colour: Rgb, text: &str) {
        if !text.trim().is_empty() {
            self.items.push(Item::Text {
                x,
                y,
                size,
                bold,
                colour,
                text: text.to_string(),
            });
        }
    }
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Rgb) {
        self.items.push(Item::Rect {
            x,
            y,
            w,
            h,
            fill: Some(fill),
            stroke: None,
        });
    }
    pub fn hline(&mut self, x0: f32, x1: f32, y: f32, colour: Rgb, width: f32) {
        self.items.push(Item::Line {
            points: vec![(x0, y), (x1, y)],
            colour,
            width,
            dash: None,
        });
    }
}

/// The laid-out document: page size in points, pages, and the outline (title, page index).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    pub outline: Vec<(String, usize)>,
}
