//! Writes a [`Layout`] as PDF through printpdf: Lato embedded as subset TrueType fonts (so text is
//! real, searchable text), vector shapes, the logo as an image, the outline, document info.
//! Determinism: no clock, fixed resource names, and the trailer's /ID derived from the content.

use printpdf::{
    Color, FontId, Line, LineDashPattern, LinePoint, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, RawImage,
    RawImageData, RawImageFormat, TextItem, WindingOrder, XObjectId, XObjectTransform,
};

use super::model::{Document, Rgb};
use super::page::{Item, Layout};
use super::RenderError;
use crate::chart::{BOLD_TTF, REGULAR_TTF};

fn colour(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb {
        r: c.0 as f32 / 255.0,
        g: c.1 as f32 / 255.0,
        b: c.2 as f32 / 255.0,
        icc_profile: None,
    })
}

/// Round to 1/100 pt, so the content streams carry short, stable numbers.
fn r(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// Stroke colour, width and dash (on, off) last set in a content stream.
type Stroke = (Rgb, f32, Option<(f32, f32)>);

struct Ctx {
    h: f32,
    ops: Vec<Op>,
}

impl Ctx {
    fn pt(&self, x: f32, y: f32) -> Point {
        Point {
            x: Pt(r(x)),
            y: Pt(r(self.h - y)),
        }
    }
    fn ring(&self, pts: &[(f32, f32)]) -> Vec<LinePoint> {
        pts.iter()
            .map(|&(x, y)| LinePoint {
                p: self.pt(x, y),
                bezier: false,
            })
            .collect()
    }
    fn polygon(&mut self, pts: Vec<LinePoint>, mode: PaintMode) {
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points: pts }],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        });
    }
}

/// Circle as four cubic Béziers (control points flagged as such).
fn circle_points(ctx: &Ctx, cx: f32, cy: f32, rad: f32) -> Vec<LinePoint> {
    let k = 0.552_284_8 * rad;
    let p = |x: f32, y: f32, bezier: bool| LinePoint {
        p: ctx.pt(x, y),
        bezier,
    };
    vec![
        p(cx + rad, cy, false),
        p(cx + rad, cy + k, true),
        p(cx + k, cy + rad, true),
        p(cx, cy + rad, false),
        p(cx - k, cy + rad, true),
        p(cx - rad, cy + k, true),
        p(cx - rad, cy, false),
        p(cx - rad, cy - k, true),
        p(cx - k, cy - rad, true),
        p(cx, cy - rad, false),
        p(cx + k, cy - rad, true),
        p(cx + rad, cy - k, true),
        p(cx + rad, cy, false),
    ]
}

pub(crate) fn write(doc: &Document, layout: &Layout) -> Result<Vec<u8>, RenderError> {
    let mut pdf = PdfDocument::new(&doc.meta.title);
    let info = &mut pdf.metadata.info;
    info.author = doc.meta.author.clone();
    info.subject = doc.meta.subject.clone();
    info.keywords = doc.meta.keywords.clone();
    info.creator = "QBR Desk".into();
    info.producer = "QBR Desk (printpdf)".into();
    if let Some(t) = parse_date(&doc.meta.created) {
        info.creation_date = t;
        info.modification_date = t;
        info.metadata_date = t;
    }
    let mut warnings = Vec::new();
    let regular = ParsedFont::from_bytes(REGULAR_TTF, 0, &mut warnings)
        .ok_or_else(|| RenderError::Pdf("Lato Regular does not parse".into()))?;
    let bold = ParsedFont::from_bytes(BOLD_TTF, 0, &mut warnings)
        .ok_or_else(|| RenderError::Pdf("Lato Bold does not parse".into()))?;
    let (f_reg, f_bold) = (FontId("F1".into()), FontId("F2".into()));
    pdf.resources
        .fonts
        .map
        .insert(f_reg.clone(), printpdf::PdfFont::new(regular));
    pdf.resources
        .fonts
        .map
        .insert(f_bold.clone(), printpdf::PdfFont::new(bold));
    let logo_id = XObjectId("Logo".into());
    let mut logo_px = None;
    if let Some(img) = &doc.brand.logo {
        let px = super::image::decode(img)?;
        logo_px = Some((px.width, px.height));
        let raw = RawImage {
            pixels: RawImageData::U8(px.rgb),
            width: px.width,
            height: px.height,
            data_format: RawImageFormat::RGB8,
            tag: Vec::new(),
        };
        pdf.resources
            .xobjects
            .map
            .insert(logo_id.clone(), printpdf::XObject::Image(raw));
    }

    let mm = |pt: f32| printpdf::Mm(pt / super::layout::MM);
    let mut pages = Vec::with_capacity(layout.pages.len());
    for page in &layout.pages {
        let mut ctx = Ctx {
            h: layout.height,
            ops: Vec::with_capacity(page.items.len() * 4),
        };
        let mut stroke_state: Option<Stroke> = None;
        let mut fill_state: Option<Rgb> = None;
        let set_fill = |ctx: &mut Ctx, c: Rgb, fill_state: &mut Option<Rgb>| {
            if *fill_state != Some(c) {
                ctx.ops.push(Op::SetFillColor { col: colour(c) });
                *fill_state = Some(c);
            }
        };
        let set_stroke = |ctx: &mut Ctx,
                          c: Rgb,
                          w: f32,
                          dash: Option<(f32, f32)>,
                          state: &mut Option<Stroke>| {
            let prev = *state;
            if prev.map(|p| p.0) != Some(c) {
                ctx.ops.push(Op::SetOutlineColor { col: colour(c) });
            }
            if prev.map(|p| p.1) != Some(w) {
                ctx.ops.push(Op::SetOutlineThickness { pt: Pt(r(w)) });
            }
            if prev.map(|p| p.2) != Some(dash) {
                let d = match dash {
                    Some((on, off)) => LineDashPattern::new(0.0, &[on, off]),
                    None => LineDashPattern::solid(),
                };
                ctx.ops.push(Op::SetLineDashPattern { dash: d });
            }
            *state = Some((c, w, dash));
        };
        for item in &page.items {
            match item {
                Item::Text {
                    x,
                    y,
                    size,
                    bold,
                    colour: c,
                    text,
                } => {
                    set_fill(&mut ctx, *c, &mut fill_state);
                    let font = if *bold { &f_bold } else { &f_reg };
                    let pos = ctx.pt(*x, *y);
                    ctx.ops.push(Op::StartTextSection);
                    ctx.ops.push(Op::SetFont {
                        font: PdfFontHandle::External(font.clone()),
                        size: Pt(r(*size)),
                    });
                    ctx.ops.push(Op::SetTextCursor { pos });
                    ctx.ops.push(Op::ShowText {
                        items: vec![TextItem::Text(text.clone())],
                    });
                    ctx.ops.push(Op::EndTextSection);
                }
                Item::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                } => {
                    let pts = ctx.ring(&[(*x, *y), (x + w, *y), (x + w, y + h), (*x, y + h)]);
                    if let Some(c) = fill {
                        set_fill(&mut ctx, *c, &mut fill_state);
                        ctx.polygon(pts.clone(), PaintMode::Fill);
                    }
                    if let Some((c, sw)) = stroke {
                        set_stroke(&mut ctx, *c, *sw, None, &mut stroke_state);
                        ctx.polygon(pts, PaintMode::Stroke);
                    }
                }
                Item::Line {
                    points,
                    colour: c,
                    width,
                    dash,
                } => {
                    set_stroke(&mut ctx, *c, *width, *dash, &mut stroke_state);
                    let line = Line {
                        points: ctx.ring(points),
                        is_closed: false,
                    };
                    ctx.ops.push(Op::DrawLine { line });
                }
                Item::Polygon { points, fill } => {
                    set_fill(&mut ctx, *fill, &mut fill_state);
                    let pts = ctx.ring(points);
                    ctx.polygon(pts, PaintMode::Fill);
                }
                Item::Circle {
                    cx,
                    cy,
                    r: rad,
                    fill,
                    stroke,
                } => {
                    let pts = circle_points(&ctx, *cx, *cy, *rad);
                    if let Some(c) = fill {
                        set_fill(&mut ctx, *c, &mut fill_state);
                        ctx.polygon(pts.clone(), PaintMode::Fill);
                    }
                    if let Some((c, sw)) = stroke {
                        set_stroke(&mut ctx, *c, *sw, None, &mut stroke_state);
                        ctx.polygon(pts, PaintMode::Stroke);
                    }
                }
                Item::Logo { x, y, w, h } => {
                    if let Some((pw, ph)) = logo_px {
                        // At 72 dpi one pixel is one point; scale to the box.
                        ctx.ops.push(Op::UseXobject {
                            id: logo_id.clone(),
                            transform: XObjectTransform {
                                translate_x: Some(Pt(r(*x))),
                                translate_y: Some(Pt(r(layout.height - y - h))),
                                rotate: None,
                                scale_x: Some(w / pw as f32),
                                scale_y: Some(h / ph as f32),
                                dpi: Some(72.0),
                                no_auto_scale: false,
                            },
                        });
                    }
                }
            }
        }
        pages.push(PdfPage::new(mm(layout.width), mm(layout.height), ctx.ops));
    }
    pdf.pages = pages;
    for (i, (title, page)) in layout.outline.iter().enumerate() {
        pdf.bookmarks.map.insert(
            printpdf::PageAnnotId(format!("B{i:05}")),
            printpdf::PageAnnotation {
                name: title.clone(),
                page: page + 1,
            },
        );
    }
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut save_warnings = Vec::new();
    let mut bytes = pdf.save(&opts, &mut save_warnings);
    fix_id(&mut bytes);
    Ok(bytes)
}

/// printpdf writes a random trailer /ID; replace both strings in place (same length, so the xref
/// offsets stay valid) with a digest of everything before the trailer.
fn fix_id(bytes: &mut [u8]) {
    let Some(at) = find_last(bytes, b"/ID[(").or_else(|| find_last(bytes, b"/ID [(")) else {
        return;
    };
    let digest = fnv_hex(&bytes[..at]);
    let mut i = at;
    let mut k = 0;
    // Overwrite the characters of the two literal strings that follow.
    let mut in_str = false;
    while i < bytes.len() && k < 2 {
        match bytes[i] {
            b'(' if !in_str => in_str = true,
            b')' if in_str => {
                in_str = false;
                k += 1;
            }
            _ if in_str => {
                let d = digest.as_bytes();
                bytes[i] = d[(i - at) % d.len()];
            }
            _ => {}
        }
        i += 1;
    }
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Two FNV-1a 64-bit hashes (different seeds) as 32 hex digits.
fn fnv_hex(data: &[u8]) -> String {
    let mut out = String::new();
    for seed in [0xcbf2_9ce4_8422_2325u64, 0x8422_2325_cbf2_9ce4] {
        let mut h = seed;
        for &b in data {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// `YYYY-MM-DD` with an optional `THH:MM[:SS]` (a trailing zone is read as UTC).
fn parse_date(s: &str) -> Option<printpdf::OffsetDateTime> {
    let s = s.trim();
    let num = |a: usize, b: usize| s.get(a..b)?.parse::<i64>().ok();
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hh, mi, ss) = if s.len() >= 16 {
        (num(11, 13)?, num(14, 16)?, num(17, 19).unwrap_or(0))
    } else {
        (0, 0, 0)
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mi > 59 || ss > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    printpdf::OffsetDateTime::from_unix_timestamp(days * 86_400 + hh * 3600 + mi * 60 + ss).ok()
}
