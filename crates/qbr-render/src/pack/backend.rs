//! A plotters drawing backend that records page items instead of pixels: charts drawn through it
//! become vector paths and real text in the PDF (and in the preview SVG). One backend unit is
//! `k` points; the chart sits at (`ox`, `oy`) on the page.

use std::convert::Infallible;

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::FontStyle;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};

use super::model::Rgb;
use super::page::Item;
use super::text;

pub(crate) struct ItemBackend<'a> {
    pub items: &'a mut Vec<Item>,
    pub ox: f32,
    pub oy: f32,
    pub k: f32,
    pub size: (u32, u32),
}

/// A colour with alpha, as painted over white paper.
fn paint(c: BackendColor) -> Rgb {
    let a = c.alpha.clamp(0.0, 1.0);
    let mix = |v: u8| (v as f64 * a + 255.0 * (1.0 - a)).round() as u8;
    Rgb(mix(c.rgb.0), mix(c.rgb.1), mix(c.rgb.2))
}

type R = Result<(), DrawingErrorKind<Infallible>>;

impl ItemBackend<'_> {
    fn p(&self, c: BackendCoord) -> (f32, f32) {
        (self.ox + c.0 as f32 * self.k, self.oy + c.1 as f32 * self.k)
    }
    fn width(&self, w: u32) -> f32 {
        (w.max(1) as f32 * self.k).max(0.25)
    }
}

fn bold_of<S: BackendTextStyle>(style: &S) -> bool {
    matches!(style.style(), FontStyle::Bold)
}

impl DrawingBackend for ItemBackend<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> R {
        Ok(())
    }
    fn present(&mut self) -> R {
        Ok(())
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> R {
        if color.alpha > 0.0 {
            let (x, y) = self.p(point);
            self.items.push(Item::Rect {
                x,
                y,
                w: self.k,
                h: self.k,
                fill: Some(paint(color)),
                stroke: None,
            });
        }
        Ok(())
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> R {
        self.draw_path([from, to], style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> R {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let (x0, y0) = self.p(upper_left);
        let (x1, y1) = self.p(bottom_right);
        let (x, y, w, h) = (x0.min(x1), y0.min(y1), (x1 - x0).abs(), (y1 - y0).abs());
        let item = if fill {
            Item::Rect {
                x,
                y,
                w,
                h,
                fill: Some(paint(c)),
                stroke: None,
            }
        } else {
            Item::Rect {
                x,
                y,
                w,
                h,
                fill: None,
                stroke: Some((paint(c), self.width(style.stroke_width()))),
            }
        };
        self.items.push(item);
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> R {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let points: Vec<(f32, f32)> = path.into_iter().map(|p| self.p(p)).collect();
        if points.len() >= 2 {
            self.items.push(Item::Line {
                points,
                colour: paint(c),
                width: self.width(style.stroke_width()),
                dash: None,
            });
        }
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> R {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let (cx, cy) = self.p(center);
        let r = radius as f32 * self.k;
        self.items.push(Item::Circle {
            cx,
            cy,
            r,
            fill: fill.then(|| paint(c)),
            stroke: (!fill).then(|| (paint(c), self.width(style.stroke_width()))),
        });
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> R {
        let c = style.color();
        if c.alpha == 0.0 {
            return Ok(());
        }
        let points: Vec<(f32, f32)> = vert.into_iter().map(|p| self.p(p)).collect();
        if points.len() >= 3 {
            self.items.push(Item::Polygon {
                points,
                fill: paint(c),
            });
        }
        Ok(())
    }
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> R {
        let c = style.color();
        if c.alpha == 0.0 || text.trim().is_empty() {
            return Ok(());
        }
        let bold = bold_of(style);
        let size = style.size() as f32 * self.k;
        let face = text::face(bold);
        let w = text::width(text, size, bold);
        let (x, y) = self.p(pos);
        let anchor = style.anchor();
        let x = match anchor.h_pos {
            HPos::Left => x,
            HPos::Center => x - w / 2.0,
            HPos::Right => x - w,
        };
        let y = match anchor.v_pos {
            VPos::Top => y + face.ascent * size,
            VPos::Center => y + (face.ascent - face.descent) / 2.0 * size,
            VPos::Bottom => y - face.descent * size,
        };
        self.items.push(Item::Text {
            x,
            y,
            size,
            bold,
            colour: paint(c),
            text: text.to_string(),
        });
        Ok(())
    }
    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        let bold = bold_of(style);
        let face = text::face(bold);
        let size = style.size() as f32;
        Ok((
            text::width(text, size, bold).ceil() as u32,
            ((face.ascent + face.descent) * size).ceil() as u32,
        ))
    }
}
