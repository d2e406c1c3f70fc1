//! Writes a [`Layout`] as a tagged PDF through krilla: PDF/UA-1 (validated by krilla on export),
//! the document's language, a structure tree in reading order (sections, headings, paragraphs,
//! lists, tables with header cells, figures with alternate text) with the running header, footer
//! and decoration marked as artifacts. Fonts are embedded as subsets under their real PostScript
//! names with subset tags (`ABCDEF+Lato-Regular`), text is real text in the faces `fonts` chose,
//! and the bytes are deterministic: no clock, and the document id is a digest of the layout.
//!
//! Why krilla rather than printpdf: tagging (a structure tree, artifacts, PDF/UA checks), subset
//! fonts with proper names and tags, CID fonts for the CJK/Arabic/Hebrew fallbacks, and stable
//! object ids all come with it; printpdf 0.12 has no tagging and subsets only through its heavy
//! HTML layout feature.

use std::collections::HashMap;
use std::num::NonZeroU16;
use std::sync::Arc;

use krilla::color::rgb;
use krilla::configure::{Accessibility, Configuration, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Size};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, LineCap, LineJoin, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::tagging::{
    ArtifactType, ContentTag, Identifier, Node as TagNode, SpanTag, TableHeaderScope, Tag,
    TagGroup, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document as PdfDocument, SerializeSettings};

use super::fonts::{self, FaceId};
use super::model::{Document, Rgb};
use super::page::{Artifact, Item, Layout, NodeKind, Role};
use super::RenderError;

fn colour(c: Rgb) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: colour(c).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn stroke(c: Rgb, width: f32, dash: Option<(f32, f32)>) -> Stroke {
    Stroke {
        paint: colour(c).into(),
        width,
        miter_limit: 4.0,
        line_cap: LineCap::Butt,
        line_join: LineJoin::Miter,
        opacity: NormalizedF32::ONE,
        dash: dash.map(|(on, off)| StrokeDash {
            array: vec![on, off],
            offset: 0.0,
        }),
    }
}

/// The faces as krilla fonts, made once per document.
struct Fonts(HashMap<FaceId, Font>);

impl Fonts {
    fn get(&mut self, face: FaceId) -> Result<Font, RenderError> {
        if let Some(f) = self.0.get(&face) {
            return Ok(f.clone());
        }
        let data: krilla::Data = match face {
            FaceId::Cjk => Arc::new(fonts::cjk_ttf().to_vec()).into(),
            other => other.bytes().into(),
        };
        let font = Font::new(data, 0)
            .ok_or_else(|| RenderError::Pdf(format!("the bundled font {face:?} does not load")))?;
        self.0.insert(face, font.clone());
        Ok(font)
    }
}

/// Characters the PDF's text layer may not carry (a glyph mapped to them fails PDF/UA): they are
/// not drawn and take no room.
fn invisible(c: char) -> bool {
    matches!(c as u32, 0x0 | 0xFEFF | 0xFFFE) || c.is_control()
}

/// Draws `text` with its left baseline end at (x, y), run by run in the faces that draw it.
fn draw_text(
    surface: &mut Surface,
    fonts_: &mut Fonts,
    (x, y, size, bold): (f32, f32, f32, bool),
    text: &str,
) -> Result<(), RenderError> {
    let mut pen = x;
    for run in fonts::runs(text, bold) {
        let placed = fonts::shape(&run);
        let glyphs: Vec<KrillaGlyph> = placed
            .iter()
            .filter(|g| !run.text[g.range.clone()].chars().any(invisible))
            .map(|g| {
                KrillaGlyph::new(
                    GlyphId::new(g.id as u32),
                    g.x_advance,
                    g.x_offset,
                    g.y_offset,
                    0.0,
                    g.range.clone(),
                    None,
                )
            })
            .collect();
        let advance: f32 = placed.iter().map(|g| g.x_advance).sum::<f32>() * size;
        if !glyphs.is_empty() {
            let font = fonts_.get(run.face)?;
            surface.draw_glyphs(Point::from_xy(pen, y), &glyphs, font, run.text, size, false);
        }
        pen += advance;
    }
    Ok(())
}

fn path(points: &[(f32, f32)], close: bool) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    let (first, rest) = points.split_first()?;
    pb.move_to(first.0, first.1);
    for p in rest {
        pb.line_to(p.0, p.1);
    }
    if close {
        pb.close();
    }
    pb.finish()
}

fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<krilla::geom::Path> {
    path(&[(x, y), (x + w, y), (x + w, y + h), (x, y + h)], true)
}

/// A circle as four cubic Béziers.
fn circle_path(cx: f32, cy: f32, r: f32) -> Option<krilla::geom::Path> {
    let k = 0.552_284_8 * r;
    let mut pb = PathBuilder::new();
    pb.move_to(cx + r, cy);
    pb.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    pb.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    pb.close();
    pb.finish()
}

/// A stroke's colour, width and dash (on, off).
type StrokeSpec = (Rgb, f32, Option<(f32, f32)>);

fn paint(
    surface: &mut Surface,
    p: Option<krilla::geom::Path>,
    fill_c: Option<Rgb>,
    stroke_c: Option<StrokeSpec>,
) {
    let Some(p) = p else { return };
    surface.set_fill(fill_c.map(fill));
    surface.set_stroke(stroke_c.map(|(c, w, d)| stroke(c, w, d)));
    surface.draw_path(&p);
}

/// The content tag a run of items is marked with.
#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Artifact(Artifact),
    /// Content of a structure node: text (a span) or a figure's drawing.
    Node(usize),
}

fn artifact_tag(a: Artifact) -> ContentTag<'static> {
    ContentTag::Artifact(krilla::tagging::Artifact::with_kind(match a {
        Artifact::Header => ArtifactType::Header,
        Artifact::Footer => ArtifactType::Footer,
        Artifact::Pagination => ArtifactType::PaginationOther,
        Artifact::Layout => ArtifactType::Layout,
    }))
}

/// `YYYY-MM-DD` with an optional `THH:MM[:SS]`, read as UTC.
fn parse_date(s: &str) -> Option<DateTime> {
    let s = s.trim();
    let num = |a: usize, b: usize| s.get(a..b)?.parse::<u16>().ok();
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut t = DateTime::new(y).month(m as u8).day(d as u8);
    if s.len() >= 16 {
        let (hh, mi) = (num(11, 13)?, num(14, 16)?);
        let ss = num(17, 19).unwrap_or(0);
        if hh > 23 || mi > 59 || ss > 59 {
            return None;
        }
        t = t
            .hour(hh as u8)
            .minute(mi as u8)
            .second(ss as u8)
            .utc_offset_hour(0)
            .utc_offset_minute(0);
    }
    Some(t)
}

/// Two FNV-1a 64-bit hashes (different seeds) of the layout's text and geometry, as 32 hex
/// digits: the document id, so the same document gives the same bytes.
fn digest(layout: &Layout) -> String {
    let mut data = Vec::new();
    for p in &layout.pages {
        data.extend_from_slice(format!("{:?}", p.items).as_bytes());
    }
    let mut out = String::new();
    for seed in [0xcbf2_9ce4_8422_2325u64, 0x8422_2325_cbf2_9ce4] {
        let mut h = seed;
        for &b in &data {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

fn configuration() -> Configuration {
    ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .expect("PDF/UA-1 is a valid configuration")
}

pub(crate) fn write(doc: &Document, layout: &Layout) -> Result<Vec<u8>, RenderError> {
    let settings = SerializeSettings {
        configuration: configuration(),
        enable_tagging: true,
        compress_content_streams: true,
        ..SerializeSettings::default()
    };
    let mut pdf = PdfDocument::new_with(settings);
    let mut fonts_ = Fonts(HashMap::new());
    let logo = match &doc.brand.logo {
        Some(img) => {
            let px = super::image::decode(img)?;
            let mut rgba = Vec::with_capacity(px.width * px.height * 4);
            for c in px.rgb.chunks(3) {
                rgba.extend_from_slice(&[c[0], c[1], c[2], 255]);
            }
            Some(Image::from_rgba8(rgba, px.width as u32, px.height as u32))
        }
        None => None,
    };

    // Each node's children in reading order: its child nodes (created in layout order) and the
    // identifiers of its marked content (in page order).
    enum Child {
        Node(usize),
        Ident(Identifier),
    }
    let mut children: Vec<Vec<Child>> = (0..layout.nodes.len()).map(|_| Vec::new()).collect();
    let mut roots = Vec::new();
    for (i, n) in layout.nodes.iter().enumerate() {
        match n.parent {
            Some(p) => children[p].push(Child::Node(i)),
            None => roots.push(i),
        }
    }

    for page in &layout.pages {
        let size = PageSettings::new(
            Size::from_wh(layout.width, layout.height)
                .ok_or_else(|| RenderError::Pdf("bad page size".into()))?,
        );
        let mut p = pdf.start_page_with(size);
        let mut surface = p.surface();
        let mut open: Option<Mark> = None;
        for (i, item) in page.items.iter().enumerate() {
            let role = page.role_of(i);
            let mark = match role {
                Role::Artifact(a) => Mark::Artifact(a),
                Role::Node(n) => {
                    let node = &layout.nodes[n];
                    let content =
                        matches!(item, Item::Text { .. }) || node.kind == NodeKind::Figure;
                    if content && node.is_leaf() {
                        Mark::Node(n)
                    } else {
                        Mark::Artifact(Artifact::Layout)
                    }
                }
            };
            if open != Some(mark) {
                if open.is_some() {
                    surface.end_tagged();
                }
                match mark {
                    Mark::Artifact(a) => {
                        surface.start_tagged(artifact_tag(a));
                    }
                    Mark::Node(n) => {
                        let tag = if layout.nodes[n].kind == NodeKind::Figure {
                            ContentTag::Other
                        } else {
                            ContentTag::Span(SpanTag::empty())
                        };
                        let id = surface.start_tagged(tag);
                        children[n].push(Child::Ident(id));
                    }
                }
                open = Some(mark);
            }
            match item {
                Item::Text {
                    x,
                    y,
                    size,
                    bold,
                    colour: c,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(*c)));
                    draw_text(&mut surface, &mut fonts_, (*x, *y, *size, *bold), text)?;
                }
                Item::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill: f,
                    stroke: s,
                } => paint(
                    &mut surface,
                    rect_path(*x, *y, *w, *h),
                    *f,
                    s.map(|(c, w)| (c, w, None)),
                ),
                Item::Line {
                    points,
                    colour: c,
                    width,
                    dash,
                } => paint(
                    &mut surface,
                    path(points, false),
                    None,
                    Some((*c, *width, *dash)),
                ),
                Item::Polygon { points, fill: f } => {
                    paint(&mut surface, path(points, true), Some(*f), None)
                }
                Item::Circle {
                    cx,
                    cy,
                    r,
                    fill: f,
                    stroke: s,
                } => paint(
                    &mut surface,
                    circle_path(*cx, *cy, *r),
                    *f,
                    s.map(|(c, w)| (c, w, None)),
                ),
                Item::Logo { x, y, w, h } => {
                    if let (Some(img), Some(sz)) = (&logo, Size::from_wh(*w, *h)) {
                        surface.push_transform(&krilla::geom::Transform::from_translate(*x, *y));
                        surface.draw_image(img.clone(), sz);
                        surface.pop();
                    }
                }
            }
        }
        if open.is_some() {
            surface.end_tagged();
        }
        surface.finish();
        p.finish();
    }

    // The structure tree, in reading order.
    fn build(i: usize, layout: &Layout, children: &mut Vec<Vec<Child>>) -> Option<TagGroup> {
        let node = &layout.nodes[i];
        let mut group = match &node.kind {
            NodeKind::Section => TagGroup::new(Tag::Section),
            NodeKind::Heading(l) => TagGroup::new(Tag::Hn(
                NonZeroU16::new(*l as u16).unwrap_or(NonZeroU16::MIN),
                Some(node.text.clone()),
            )),
            NodeKind::Paragraph => TagGroup::new(Tag::P),
            NodeKind::List => TagGroup::new(Tag::L(krilla::tagging::ListNumbering::Square)),
            NodeKind::ListItem => TagGroup::new(Tag::LI),
            NodeKind::ListBody => TagGroup::new(Tag::LBody),
            NodeKind::Table => TagGroup::new(Tag::Table),
            NodeKind::Row => TagGroup::new(Tag::TR),
            NodeKind::HeaderCell => TagGroup::new(Tag::TH(TableHeaderScope::Column)),
            NodeKind::Cell => TagGroup::new(Tag::TD),
            NodeKind::Figure => TagGroup::new(Tag::Figure(Some(node.text.clone()))),
            NodeKind::Caption => TagGroup::new(Tag::Caption),
            NodeKind::Title => TagGroup::new(Tag::Title),
            NodeKind::Div => TagGroup::new(Tag::Div),
        };
        let mine = std::mem::take(&mut children[i]);
        let mut any = false;
        for c in mine {
            match c {
                Child::Node(k) => {
                    if let Some(g) = build(k, layout, children) {
                        group.push(TagNode::from(g));
                        any = true;
                    }
                }
                Child::Ident(id) => {
                    group.push(TagNode::from(id));
                    any = true;
                }
            }
        }
        any.then_some(group)
    }
    let mut tree = TagTree::new().with_lang(Some(doc.meta.language.clone()));
    for r in roots {
        if let Some(g) = build(r, layout, &mut children) {
            tree.push(g);
        }
    }
    pdf.set_tag_tree(tree);

    let mut outline = Outline::new();
    for (title, page) in &layout.outline {
        outline.push_child(OutlineNode::new(
            title.clone(),
            XyzDestination::new(*page, Point::from_xy(0.0, 0.0)),
        ));
    }
    pdf.set_outline(outline);

    let mut meta = Metadata::new()
        .title(doc.meta.title.clone())
        .description(doc.meta.subject.clone())
        .keywords(doc.meta.keywords.clone())
        .language(doc.meta.language.clone())
        .creator("QBR Desk".into())
        .producer("QBR Desk (krilla)".into())
        .document_id(digest(layout));
    if !doc.meta.author.trim().is_empty() {
        meta = meta.authors(vec![doc.meta.author.clone()]);
    }
    if let Some(t) = parse_date(&doc.meta.created) {
        meta = meta.creation_date(t);
    }
    pdf.set_metadata(meta);
    pdf.finish().map_err(|e| RenderError::Pdf(format!("{e:?}")))
}
