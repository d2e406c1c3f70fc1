//! The pack as a PowerPoint deck (PresentationML, ECMA-376): the third rendering of the same
//! [`Document`], after the PDF and the preview. One slide per laid-out pack page — the layout
//! records which blocks (and which table rows) each page holds and where they start, so a slide
//! holds what its page holds, in the same places scaled to 16:9. The page's message title goes in
//! the slide's real title placeholder; tables are native tables; charts are native line and
//! column charts with their data in an embedded workbook (`chart.rs`); key figures are shapes;
//! each slide's speaker notes hold its section's notes (formulas, sample sizes, sources) and the
//! period. The parts are written here with `zip` and plain strings (escaped by `xml::esc`), in a
//! fixed order with fixed timestamps, so the same document gives the same bytes.
//!
//! A template (`.potx` or `.pptx`) gives the slide masters, layouts and themes: they are copied
//! from it with everything they refer to, and the slides use its title, title-only (or
//! title-and-content) layouts found by type (`template.rs`).

mod base;
mod chart;
mod template;
mod xml;

use std::io::Write;

use super::layout::{self, MM};
use super::model::*;
use super::page::Page;
use super::RenderError;
use xml::{emu, esc, hex, pml_ns, rels, DECL, NS_CT, REL};

pub use template::TemplateError;

const CT_SLIDE: &str = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml";
const CT_NOTES: &str =
    "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml";
const CT_CHART: &str = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml";
const CT_XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CT_THEME: &str = "application/vnd.openxmlformats-officedocument.theme+xml";
const CT_MASTER: &str =
    "application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml";
const CT_LAYOUT: &str =
    "application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml";
const CT_NOTES_MASTER: &str =
    "application/vnd.openxmlformats-officedocument.presentationml.notesMaster+xml";

/// The deck's slides as text, for checks: each slide's title and every other text on it, in
/// order (the speaker notes apart).
#[derive(Debug, Clone, PartialEq)]
pub struct SlideText {
    pub title: String,
    pub texts: Vec<String>,
    pub notes: Vec<String>,
}

/// The pack as a PPTX deck; with `template` (a `.potx`/`.pptx` file's bytes), in that file's
/// masters, layouts and theme. Deterministic: the same document and template give the same bytes.
pub fn render_pptx(doc: &Document, template: Option<&[u8]>) -> Result<Vec<u8>, RenderError> {
    let tpl = match template {
        Some(bytes) => {
            Some(template::read(bytes).map_err(|e| RenderError::Invalid(e.to_string()))?)
        }
        None => None,
    };
    let l = layout::layout(doc)?;
    let deck = Deck::new(doc, &l, tpl.as_ref());
    let slides = deck.slides()?;
    deck.package(&slides, tpl.as_ref())
}

/// Whether a template file can give the deck its masters, layouts and theme; why not if not.
pub fn check_deck_template(bytes: &[u8]) -> Result<(), TemplateError> {
    template::read(bytes).map(|_| ())
}

/// What each slide of the deck says ([`SlideText`]), without writing it.
pub fn deck_text(doc: &Document) -> Result<Vec<SlideText>, RenderError> {
    let l = layout::layout(doc)?;
    let deck = Deck::new(doc, &l, None);
    Ok(deck.slides()?.into_iter().map(|s| s.text).collect())
}

/// The place of the slide's content: the slide size and the title box, in EMU.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub cx: i64,
    pub cy: i64,
    pub title: (i64, i64, i64, i64),
}

struct Deck<'a> {
    doc: &'a Document,
    layout: &'a super::page::Layout,
    frame: Frame,
    /// Shapes take the template's theme colours (tx1) rather than the pack's ink.
    themed: bool,
    /// The built-in master shows the logo on every slide; a template has its own branding.
    logo_on_slides: bool,
    /// Where the cover's title and subtitle go when the template has no title-slide layout.
    cover_boxes: Option<[(i64, i64, i64, i64); 2]>,
}

/// One slide, ready to be packaged: its XML, notes, charts and whether it uses the logo.
struct Slide {
    cover: bool,
    xml: String,
    notes: String,
    charts: Vec<chart::Native>,
    logo: bool,
    text: SlideText,
}

/// A block on a page, with the table rows that page holds and where it starts and ends.
struct Piece<'d> {
    block: &'d Block,
    rows: Vec<usize>,
    y0: f32,
    y1: f32,
}

fn block_at<'d>(doc: &'d Document, section: usize, path: &[usize]) -> Option<&'d Block> {
    let mut b = doc.sections.get(section)?.blocks.get(*path.first()?)?;
    for &i in &path[1..] {
        match b {
            Block::Keep(inner) => b = inner.get(i)?,
            _ => return None,
        }
    }
    Some(b)
}

fn pieces<'d>(doc: &'d Document, page: &Page) -> Vec<Piece<'d>> {
    let mut out: Vec<(usize, Vec<usize>, Piece<'d>)> = Vec::new();
    for s in &page.sources {
        let Some(block) = block_at(doc, s.section, &s.path) else {
            continue;
        };
        if let Some((sec, path, last)) = out.last_mut() {
            if *sec == s.section && *path == s.path {
                if let Some(r) = s.row {
                    if !last.rows.contains(&r) {
                        last.rows.push(r);
                    }
                }
                continue;
            }
        }
        out.push((
            s.section,
            s.path.clone(),
            Piece {
                block,
                rows: s.row.into_iter().collect(),
                y0: s.y,
                y1: s.y,
            },
        ));
    }
    let n = out.len();
    let ys: Vec<f32> = out.iter().map(|p| p.2.y0).collect();
    let mut pieces: Vec<Piece<'d>> = out.into_iter().map(|p| p.2).collect();
    for i in 0..n {
        pieces[i].y1 = if i + 1 < n {
            ys[i + 1]
        } else {
            page.content_bottom
        }
        .max(pieces[i].y0);
    }
    pieces
}

/// The section a page starts in (for its notes).
fn page_section(page: &Page) -> Option<usize> {
    page.sources.first().map(|s| s.section)
}

/// Shapes of one slide, with ids from 2 (1 is the tree).
struct Shapes {
    xml: String,
    next: u32,
    charts: Vec<chart::Native>,
    texts: Vec<String>,
    lang: String,
    themed: bool,
}

fn pct(v: f32) -> i64 {
    (v as f64 * 100.0).round() as i64
}

impl Shapes {
    fn id(&mut self) -> u32 {
        self.next += 1;
        self.next
    }

    fn colour(&self, c: Rgb) -> String {
        if self.themed && c == layout::INK {
            "<a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill>".into()
        } else {
            format!("<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>", hex(c))
        }
    }

    /// The light fill behind figure tiles and table headers: the theme's second background
    /// (`lt2`) in a templated deck, the pack's pale grey otherwise.
    fn light_fill(&self) -> String {
        if self.themed {
            "<a:solidFill><a:schemeClr val=\"bg2\"/></a:solidFill>".into()
        } else {
            "<a:solidFill><a:srgbClr val=\"F3F5F8\"/></a:solidFill>".into()
        }
    }

    fn run(&self, text: &str, size: f32, bold: bool, colour: &str) -> String {
        format!(
            "<a:r><a:rPr lang=\"{}\" sz=\"{}\" b=\"{}\" dirty=\"0\">{colour}</a:rPr><a:t>{}</a:t></a:r>",
            esc(&self.lang),
            pct(size).clamp(100, 400_000),
            u8::from(bold),
            esc(text)
        )
    }

    /// A paragraph of `**bold**`-marked text.
    fn para(&self, text: &str, size: f32, bold: bool, colour: &str, ppr: &str) -> String {
        let runs: String = super::text::parse_runs(text, bold)
            .iter()
            .map(|r| self.run(&r.text, size, r.bold, colour))
            .collect();
        format!(
            "<a:p>{ppr}{runs}<a:endParaRPr lang=\"{}\" sz=\"{}\" dirty=\"0\"/></a:p>",
            esc(&self.lang),
            pct(size).clamp(100, 400_000)
        )
    }

    /// A text box; `paras` are `<a:p>` elements.
    fn text_box(&mut self, name: &str, b: (i64, i64, i64, i64), paras: &str, fill: Option<&str>) {
        let id = self.id();
        self.xml.push_str(&format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{} {id}\"/><p:cNvSpPr txBox=\"1\"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>{}</p:spPr><p:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" rtlCol=\"0\" anchor=\"t\"><a:noAutofit/></a:bodyPr><a:lstStyle/>{paras}</p:txBody></p:sp>",
            esc(name),
            b.0,
            b.1,
            b.2.max(1),
            b.3.max(1),
            fill.unwrap_or("<a:noFill/>")
        ));
    }

    fn rect(&mut self, b: (i64, i64, i64, i64), fill: &str, text: Option<(&str, i64)>) {
        let id = self.id();
        let body = match text {
            Some((paras, inset)) => format!(
                "<p:txBody><a:bodyPr wrap=\"square\" lIns=\"{inset}\" tIns=\"{inset}\" rIns=\"{inset}\" bIns=\"{inset}\" anchor=\"t\"><a:noAutofit/></a:bodyPr><a:lstStyle/>{paras}</p:txBody>"
            ),
            None => String::new(),
        };
        self.xml.push_str(&format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"Shape {id}\"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>{fill}<a:ln><a:noFill/></a:ln></p:spPr>{body}</p:sp>",
            b.0,
            b.1,
            b.2.max(1),
            b.3.max(1)
        ));
    }
}

/// RAG shapes as characters, the same shapes the PDF draws: square, triangle, circle.
fn rag_mark(r: Rag) -> &'static str {
    match r {
        Rag::Red => "\u{25A0}",
        Rag::Amber => "\u{25B2}",
        Rag::Green => "\u{25CF}",
    }
}

impl<'a> Deck<'a> {
    fn new(
        doc: &'a Document,
        l: &'a super::page::Layout,
        tpl: Option<&template::Template>,
    ) -> Self {
        let frame = match tpl {
            Some(t) => t.frame,
            None => Frame {
                cx: base::SLIDE_CX,
                cy: base::SLIDE_CY,
                title: base::TITLE_BOX,
            },
        };
        Deck {
            doc,
            layout: l,
            frame,
            themed: tpl.is_some(),
            logo_on_slides: tpl.is_none() && doc.brand.logo.is_some(),
            cover_boxes: tpl.filter(|t| !t.has_title_layout).map(|t| {
                let f = t.frame;
                let (w, h) = (f.cx, f.cy);
                [
                    (w / 12, h * 4 / 15, w * 5 / 6, h * 6 / 25),
                    (w / 12, h * 8 / 15, w * 5 / 6, h / 4),
                ]
            }),
        }
    }

    fn slides(&self) -> Result<Vec<Slide>, RenderError> {
        let mut out = Vec::new();
        let mut last_title = String::new();
        let n = self.layout.pages.len();
        for (i, page) in self.layout.pages.iter().enumerate() {
            let slide = if page.cover {
                self.cover_slide(page, i, n)?
            } else {
                self.content_slide(page, i, n, &mut last_title)?
            };
            out.push(slide);
        }
        Ok(out)
    }

    fn shapes(&self) -> Shapes {
        Shapes {
            xml: String::new(),
            next: 1,
            charts: Vec::new(),
            texts: Vec::new(),
            lang: self.doc.meta.language.clone(),
            themed: self.themed,
        }
    }

    fn notes_for(&self, page: &Page) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(s) = page_section(page).and_then(|s| self.doc.sections.get(s)) {
            notes.extend(s.notes.iter().cloned());
        }
        let period = &self.doc.running.header_right;
        if !period.trim().is_empty() && !notes.iter().any(|n| n.starts_with("Period")) {
            notes.push(format!("Period: {period}."));
        }
        notes
    }

    fn wrap_slide(&self, tree: &str, title_xml: &str) -> String {
        format!(
            "{DECL}<p:sld {}><p:cSld><p:spTree>{}{title_xml}{tree}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>",
            pml_ns(),
            base::tree_start()
        )
    }

    fn title_shape(
        &self,
        ph: &str,
        id: u32,
        name: &str,
        paras: &str,
        at: Option<(i64, i64, i64, i64)>,
    ) -> String {
        let sp_pr = match at {
            Some(b) => format!(
                "<p:spPr><a:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm></p:spPr>",
                b.0, b.1, b.2, b.3
            ),
            None => "<p:spPr/>".into(),
        };
        format!(
            "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{name}\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr>{sp_pr}<p:txBody><a:bodyPr><a:normAutofit/></a:bodyPr><a:lstStyle/>{paras}</p:txBody></p:sp>"
        )
    }

    /// The running parts: the INTERNAL stamp, the logo, the footer with the slide's number.
    fn running(&self, sh: &mut Shapes, i: usize, n: usize, cover: bool) -> bool {
        let f = self.frame;
        let muted = sh.colour(layout::MUTED);
        if let Some(stamp) = self
            .doc
            .running
            .stamp
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            let red = format!(
                "<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>",
                hex(layout::STAMP)
            );
            let p = sh.para(
                &stamp.trim().to_uppercase(),
                11.0,
                true,
                &red,
                "<a:pPr algn=\"l\"/>",
            );
            sh.text_box("Stamp", (f.title.0, 91_440, f.cx / 2, 228_600), &p, None);
        }
        if cover {
            return self.doc.brand.logo.is_some();
        }
        let footer = format!(
            "{}{}",
            self.doc.running.footer_left,
            if self.doc.running.header_left.trim().is_empty() {
                String::new()
            } else {
                format!(" · {}", self.doc.running.header_left)
            }
        );
        let y = f.cy - 320_040;
        let left = sh.para(&footer, 8.0, false, &muted, "<a:pPr algn=\"l\"/>");
        sh.text_box("Footer", (f.title.0, y, f.cx / 2, 182_880), &left, None);
        let right = sh.para(
            &format!("{} · Slide {} of {n}", self.doc.running.header_right, i + 1),
            8.0,
            false,
            &muted,
            "<a:pPr algn=\"r\"/>",
        );
        sh.text_box(
            "Slide number",
            (f.cx / 2, y, f.cx / 2 - f.title.0, 182_880),
            &right,
            None,
        );
        self.logo_on_slides
    }

    fn logo_pic(&self, sh: &mut Shapes, b: (i64, i64, i64, i64)) -> Result<(), RenderError> {
        let Some(img) = &self.doc.brand.logo else {
            return Ok(());
        };
        let (w, h) = super::image::dimensions(img)?;
        let s = (b.2 as f64 / w.max(1) as f64).min(b.3 as f64 / h.max(1) as f64);
        let (cw, ch) = ((w as f64 * s) as i64, (h as f64 * s) as i64);
        let id = sh.id();
        sh.xml.push_str(&format!(
            "<p:pic><p:nvPicPr><p:cNvPr id=\"{id}\" name=\"Logo {id}\" descr=\"Logo\"/><p:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></p:cNvPicPr><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed=\"rIdLogo\"/><a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr><a:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{cw}\" cy=\"{ch}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr></p:pic>",
            b.0 + b.2 - cw,
            b.1 + (b.3 - ch) / 2
        ));
        Ok(())
    }

    fn cover_slide(&self, page: &Page, i: usize, n: usize) -> Result<Slide, RenderError> {
        let cover = page
            .sources
            .iter()
            .find_map(|s| match block_at(self.doc, s.section, &s.path) {
                Some(Block::Cover(c)) => Some(c),
                _ => None,
            })
            .cloned()
            .unwrap_or_default();
        let mut sh = self.shapes();
        let ink = sh.colour(layout::INK);
        let accent = "<a:solidFill><a:schemeClr val=\"accent1\"/></a:solidFill>".to_string();
        let muted = sh.colour(layout::MUTED);
        let title = sh.para(&cover.title, 40.0, true, &ink, "");
        let plain = "<a:pPr marL=\"0\" indent=\"0\"><a:buNone/></a:pPr>";
        let sub = format!(
            "{}{}",
            sh.para(&cover.client.to_uppercase(), 18.0, true, &accent, plain),
            sh.para(&cover.period, 18.0, false, &muted, plain)
        );
        let f = self.frame;
        // Placeholders first (ids 2 and 3), then the facts.
        sh.next = 3;
        let mut facts = String::new();
        for (label, value) in [
            ("PREPARED BY", &cover.prepared_by),
            ("EXPORTED", &cover.exported_on),
            ("DATA AS OF", &cover.data_as_of),
        ] {
            // As the PDF's cover: every label, with its value when there is one.
            facts.push_str(&sh.para(&format!("{label}  **{value}**"), 11.0, false, &muted, ""));
        }
        let logo = self.running(&mut sh, i, n, true);
        {
            sh.text_box(
                "Facts",
                (f.title.0, f.cy - 1_005_840, f.cx - 2 * f.title.0, 640_080),
                &facts,
                None,
            );
        }
        if logo {
            self.logo_pic(
                &mut sh,
                (f.cx - f.title.0 - 1_828_800, 457_200, 1_828_800, 777_240),
            )?;
        }
        let sub_ph = "<p:ph type=\"subTitle\" idx=\"1\"/>";
        let title_xml = match self.cover_boxes {
            // The template's title-slide layout places the title and subtitle.
            None => format!(
                "{}{}",
                self.title_shape("<p:ph type=\"ctrTitle\"/>", 2, "Title 1", &title, None),
                self.title_shape(sub_ph, 3, "Subtitle 2", &sub, None)
            ),
            // A template without one: the title in its title placeholder, placed on the slide,
            // and the subtitle as text (a layout with no subtitle placeholder would not show it).
            Some([t, b]) => {
                let mut box_ = self.shapes();
                box_.next = 2;
                box_.text_box("Subtitle", b, &sub, None);
                format!(
                    "{}{}",
                    self.title_shape("<p:ph type=\"title\"/>", 2, "Title 1", &title, Some(t)),
                    box_.xml
                )
            }
        };
        let mut texts = vec![cover.client.to_uppercase(), cover.period.clone()];
        texts.append(&mut sh.texts);
        for (label, value) in [
            ("PREPARED BY", &cover.prepared_by),
            ("EXPORTED", &cover.exported_on),
            ("DATA AS OF", &cover.data_as_of),
        ] {
            texts.push(format!("{label} {value}").trim().to_string());
        }
        let notes = self.notes_for(page);
        Ok(Slide {
            cover: true,
            xml: self.wrap_slide(&sh.xml, &title_xml),
            notes: self.notes_xml(&notes),
            charts: Vec::new(),
            logo,
            text: SlideText {
                title: cover.title.clone(),
                texts,
                notes,
            },
        })
    }

    fn content_slide(
        &self,
        page: &Page,
        i: usize,
        n: usize,
        last_title: &mut String,
    ) -> Result<Slide, RenderError> {
        let mut pieces = pieces(self.doc, page);
        let title_at = pieces
            .iter()
            .position(|p| matches!(p.block, Block::Heading { level, .. } if *level <= 1));
        let title = match title_at {
            Some(k) => {
                let p = pieces.remove(k);
                match p.block {
                    Block::Heading { text, .. } => text.clone(),
                    _ => unreachable!("a heading"),
                }
            }
            None if last_title.is_empty() => String::new(),
            None => format!("{last_title} (continued)"),
        };
        if title_at.is_some() {
            *last_title = title.clone();
        }
        let mut sh = self.shapes();
        sh.next = 2;
        let logo = self.running(&mut sh, i, n, false);
        if logo {
            self.logo_pic(&mut sh, base::LOGO_BOX)?;
        }
        self.body(&mut sh, &pieces)?;
        let paras = format!(
            "<a:p>{}</a:p>",
            sh.run(
                &title,
                20.0,
                true,
                "<a:solidFill><a:schemeClr val=\"accent1\"/></a:solidFill>"
            )
        );
        // The title's run takes the master's title style: no size or colour of its own.
        let paras = if self.themed {
            format!(
                "<a:p><a:r><a:rPr lang=\"{}\" dirty=\"0\"/><a:t>{}</a:t></a:r></a:p>",
                esc(&self.doc.meta.language),
                esc(&title)
            )
        } else {
            paras
        };
        let title_xml = self.title_shape("<p:ph type=\"title\"/>", 2, "Title 1", &paras, None);
        let notes = self.notes_for(page);
        Ok(Slide {
            cover: false,
            xml: self.wrap_slide(&sh.xml, &title_xml),
            notes: self.notes_xml(&notes),
            charts: std::mem::take(&mut sh.charts),
            logo,
            text: SlideText {
                title,
                texts: sh.texts,
                notes,
            },
        })
    }

    /// Lays the page's pieces out below the title, keeping their places on the page, scaled.
    fn body(&self, sh: &mut Shapes, pieces: &[Piece]) -> Result<(), RenderError> {
        if pieces.is_empty() {
            return Ok(());
        }
        let f = self.frame;
        let left_pt = f.title.0 as f32 / 12_700.0;
        let top_pt = (f.title.1 + f.title.3) as f32 / 12_700.0 + 10.0;
        let bottom_pt = (f.cy as f32 / 12_700.0) - 30.0;
        let width_pt = (f.cx as f32 / 12_700.0) - 2.0 * left_pt;
        let page_left = 18.0 * MM;
        let content_w = self.layout.width - 2.0 * page_left;
        let y0 = pieces.first().map(|p| p.y0).unwrap_or(0.0);
        let y1 = pieces.iter().map(|p| p.y1).fold(y0 + 1.0, f32::max);
        let sx = width_pt / content_w;
        let sy = ((bottom_pt - top_pt) / (y1 - y0)).min(sx);
        let s = sy;
        let map_y = |y: f32| top_pt + (y - y0) * sy;
        let e = |pt: f32| emu(pt as f64);
        for p in pieces {
            let top = map_y(p.y0);
            let h = ((p.y1 - p.y0) * sy).max(6.0);
            let bx = (e(left_pt), e(top), e(width_pt), e(h));
            self.piece(sh, p, bx, s)?;
        }
        Ok(())
    }

    fn piece(
        &self,
        sh: &mut Shapes,
        p: &Piece,
        b: (i64, i64, i64, i64),
        s: f32,
    ) -> Result<(), RenderError> {
        let ink = sh.colour(layout::INK);
        let muted = sh.colour(layout::MUTED);
        match p.block {
            Block::Heading { level, text } => {
                let size = match level {
                    0 | 1 => 16.0,
                    2 => 13.0,
                    _ => 10.5,
                } * s;
                let para = sh.para(text, size, true, &ink, "");
                sh.texts.push(text.clone());
                sh.text_box("Heading", b, &para, None);
            }
            Block::Paragraph(t) => {
                let para = sh.para(t, 10.0 * s, false, &ink, "");
                sh.texts.push(t.replace("**", ""));
                sh.text_box("Text", b, &para, None);
            }
            Block::Note(t) => {
                let para = sh.para(t, 8.0 * s, false, &muted, "");
                sh.texts.push(t.clone());
                sh.text_box("Note", b, &para, None);
            }
            Block::Bullets(items) => {
                let mut paras = String::new();
                for it in items {
                    paras.push_str(&sh.para(
                        it,
                        10.0 * s,
                        false,
                        &ink,
                        "<a:pPr marL=\"171450\" indent=\"-171450\"><a:buFont typeface=\"Arial\"/><a:buChar char=\"&#8226;\"/></a:pPr>",
                    ));
                    sh.texts.push(it.replace("**", ""));
                }
                sh.text_box("List", b, &paras, None);
            }
            Block::Table(t) => self.table(sh, t, &p.rows, b, s),
            Block::Chart(c) => self.chart(sh, c, b, s),
            Block::KeyFigures(k) => self.tiles(sh, k, b, s),
            Block::Cover(_) | Block::Spacer(_) | Block::PageBreak | Block::Keep(_) => {}
        }
        Ok(())
    }

    fn table(&self, sh: &mut Shapes, t: &Table, rows: &[usize], b: (i64, i64, i64, i64), s: f32) {
        let total: f32 = t.columns.iter().map(|c| c.width.max(0.01)).sum();
        let widths: Vec<i64> = t
            .columns
            .iter()
            .map(|c| (b.2 as f64 * (c.width.max(0.01) / total) as f64) as i64)
            .collect();
        let ink = sh.colour(layout::INK);
        let muted = sh.colour(layout::MUTED);
        let row_h = emu((11.5 * s + 8.0 * s) as f64);
        // The header's rule in the accent (the theme's first in a templated deck) on a light fill.
        let rule = if sh.themed {
            "<a:solidFill><a:schemeClr val=\"accent1\"/></a:solidFill>".to_string()
        } else {
            format!(
                "<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>",
                hex(self.doc.brand.accent)
            )
        };
        let header_fill = sh.light_fill();
        let row_rule = "<a:solidFill><a:srgbClr val=\"D6D9DE\"/></a:solidFill>";
        let algn = |a: Align| match a {
            Align::Left => "l",
            Align::Center => "ctr",
            Align::Right => "r",
        };
        let border = |tag: &str, c: Option<(&str, i64)>| match c {
            Some((fill, w)) => format!("<a:{tag} w=\"{w}\">{fill}</a:{tag}>"),
            None => format!("<a:{tag} w=\"0\"><a:noFill/></a:{tag}>"),
        };
        let cell = |paras: &str, bottom: Option<(&str, i64)>, fill: Option<&str>| {
            format!(
                "<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>{paras}</a:txBody><a:tcPr marL=\"{m}\" marR=\"{m}\" marT=\"{v}\" marB=\"{v}\">{}{}{}{}{}</a:tcPr></a:tc>",
                border("lnL", None),
                border("lnR", None),
                border("lnT", None),
                border("lnB", bottom),
                fill.unwrap_or("<a:noFill/>"),
                m = emu((5.0 * s) as f64),
                v = emu((3.0 * s) as f64),
            )
        };
        let mut x = "<a:tbl><a:tblPr firstRow=\"1\" bandRow=\"0\"/><a:tblGrid>".to_string();
        for w in &widths {
            x.push_str(&format!("<a:gridCol w=\"{w}\"/>"));
        }
        x.push_str("</a:tblGrid>");
        x.push_str(&format!("<a:tr h=\"{row_h}\">"));
        for c in &t.columns {
            let p = sh.para(
                &c.title,
                7.5 * s,
                true,
                &muted,
                &format!("<a:pPr algn=\"{}\"/>", algn(c.align)),
            );
            sh.texts.push(c.title.clone());
            x.push_str(&cell(&p, Some((&rule, 12_700)), Some(&header_fill)));
        }
        x.push_str("</a:tr>");
        for &r in rows {
            let Some(row) = t.rows.get(r) else { continue };
            x.push_str(&format!("<a:tr h=\"{row_h}\">"));
            for (ci, c) in t.columns.iter().enumerate() {
                let cl = row.get(ci).cloned().unwrap_or_default();
                let colour = match (cl.rag, cl.colour, cl.muted) {
                    (Some(r), _, _) => format!(
                        "<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>",
                        hex(r.colour())
                    ),
                    (None, Some(c), _) => {
                        format!("<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>", hex(c))
                    }
                    (None, None, true) => muted.clone(),
                    _ => ink.clone(),
                };
                let text = match cl.rag {
                    Some(r) if cl.text.is_empty() => format!("{} {}", rag_mark(r), r.word()),
                    Some(r) => format!("{} {}", rag_mark(r), cl.text),
                    None => cl.text.clone(),
                };
                let p = sh.para(
                    &text,
                    8.5 * s,
                    cl.bold || cl.rag.is_some(),
                    &colour,
                    &format!("<a:pPr algn=\"{}\"/>", algn(c.align)),
                );
                if !text.trim().is_empty() {
                    sh.texts.push(text);
                }
                x.push_str(&cell(&p, Some((row_rule, 6_350)), None));
            }
            x.push_str("</a:tr>");
        }
        x.push_str("</a:tbl>");
        let id = sh.id();
        let h = row_h * (rows.len() as i64 + 1);
        sh.xml.push_str(&format!(
            "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"{id}\" name=\"Table {id}\"/><p:cNvGraphicFramePr><a:graphicFrameLocks noGrp=\"1\"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{h}\"/></p:xfrm><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/table\">{x}</a:graphicData></a:graphic></p:graphicFrame>",
            b.0,
            b.1,
            widths.iter().sum::<i64>()
        ));
    }

    fn chart(&self, sh: &mut Shapes, c: &ChartBlock, b: (i64, i64, i64, i64), s: f32) {
        let muted = sh.colour(layout::MUTED);
        let ink = sh.colour(layout::INK);
        let (mut native, key) = match &c.chart {
            Chart::Trend(t) => (chart::from_trend(t), chart::marker_key(t)),
            Chart::Bars(bc) => (chart::from_bars(bc), Vec::new()),
        };
        native.themed = sh.themed;
        let line = emu((11.0 * s) as f64);
        let key_h = if key.is_empty() {
            0
        } else {
            line * key.len().div_ceil(2) as i64 + line / 2
        };
        let cap_h = c.caption.as_ref().map_or(0, |_| line * 2);
        let chart_h = (b.3 - key_h - cap_h).max(emu(60.0));
        let id = sh.id();
        let alt = c.alt.clone().unwrap_or_default();
        let rid = format!("rIdChart{}", sh.charts.len() + 1);
        sh.xml.push_str(&format!(
            "<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id=\"{id}\" name=\"Chart {id}\" descr=\"{}\"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{chart_h}\"/></p:xfrm><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/chart\"><c:chart xmlns:c=\"{}\" r:id=\"{rid}\"/></a:graphicData></a:graphic></p:graphicFrame>",
            esc(&alt),
            b.0,
            b.1,
            b.2,
            xml::NS_C
        ));
        sh.texts.push(native.title.clone());
        for se in &native.series {
            sh.texts.push(se.name.clone());
        }
        sh.charts.push(native);
        let mut y = b.1 + chart_h;
        if !key.is_empty() {
            // Two columns of numbered entries, as the pack's key flows them.
            let half = key.len().div_ceil(2);
            for (col, part) in key.chunks(half).enumerate() {
                let paras: String = part
                    .iter()
                    .map(|k| {
                        let (num, rest) = k.split_once(' ').unwrap_or((k, ""));
                        sh.para(&format!("**{num}** {rest}"), 8.0 * s, false, &ink, "")
                    })
                    .collect();
                let w = b.2 / 2;
                sh.text_box("Key", (b.0 + col as i64 * w, y, w, key_h), &paras, None);
            }
            sh.texts.extend(key.iter().cloned());
            y += key_h;
        }
        if let Some(cap) = &c.caption {
            let p = sh.para(cap, 8.0 * s, false, &muted, "");
            sh.texts.push(cap.clone());
            sh.text_box("Caption", (b.0, y, b.2, cap_h), &p, None);
        }
    }

    fn tiles(&self, sh: &mut Shapes, figures: &[KeyFigure], b: (i64, i64, i64, i64), s: f32) {
        let per_row = match self.doc.orientation {
            Orientation::Landscape => 4,
            Orientation::Portrait => 3,
        }
        .min(figures.len().max(1));
        let gap = emu((8.0 * s) as f64);
        let tile_w = (b.2 - gap * (per_row as i64 - 1)) / per_row as i64;
        let tile_h = emu((66.0 * s) as f64);
        let muted = sh.colour(layout::MUTED);
        let ink = sh.colour(layout::INK);
        for (k, fig) in figures.iter().enumerate() {
            let (r, c) = (k / per_row, k % per_row);
            let x = b.0 + c as i64 * (tile_w + gap);
            let y = b.1 + r as i64 * (tile_h + gap);
            let label = fig.label.to_uppercase();
            let mut paras = sh.para(&label, 7.5 * s, true, &muted, "");
            let mut value = format!("**{}**", fig.value);
            let rag = fig.rag.map(|r| {
                format!(
                    "<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>",
                    hex(r.colour())
                )
            });
            if fig.value.contains("**") {
                value = fig.value.clone();
            }
            let mut vp = sh.para(&value, 21.0 * s, true, &ink, "");
            if let (Some(r), Some(colour)) = (fig.rag, rag) {
                let extra = sh.run(
                    &format!("   {} {}", rag_mark(r), r.word()),
                    8.0 * s,
                    true,
                    &colour,
                );
                vp = vp.replacen("<a:endParaRPr", &format!("{extra}<a:endParaRPr"), 1);
            }
            paras.push_str(&vp);
            paras.push_str(&sh.para(&fig.sub, 8.0 * s, false, &muted, ""));
            let fill = sh.light_fill();
            sh.rect(
                (x, y, tile_w, tile_h),
                &fill,
                Some((&paras, emu((10.0 * s) as f64))),
            );
            sh.rect(
                (x, y, tile_w, emu((2.4 * s) as f64)),
                "<a:solidFill><a:schemeClr val=\"accent1\"/></a:solidFill>",
                None,
            );
            sh.texts.push(label);
            let mut v = fig.value.clone();
            if let Some(r) = fig.rag {
                v = format!("{v} {} {}", rag_mark(r), r.word());
            }
            sh.texts.push(v);
            if !fig.sub.trim().is_empty() {
                sh.texts.push(fig.sub.clone());
            }
        }
    }

    fn notes_xml(&self, notes: &[String]) -> String {
        let lang = esc(&self.doc.meta.language);
        let mut paras = String::new();
        for n in notes {
            paras.push_str(&format!(
                "<a:p><a:r><a:rPr lang=\"{lang}\" dirty=\"0\"/><a:t>{}</a:t></a:r></a:p>",
                esc(n)
            ));
        }
        if paras.is_empty() {
            paras.push_str(&format!("<a:p><a:endParaRPr lang=\"{lang}\"/></a:p>"));
        }
        format!(
            "{DECL}<p:notes {}><p:cSld><p:spTree>{}<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Slide Image Placeholder 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"sldImg\"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp><p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"Notes Placeholder 2\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"body\" idx=\"1\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>{paras}</p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>",
            pml_ns(),
            base::tree_start()
        )
    }

    /// Writes the package: every part in a fixed order, stored with a fixed date.
    fn package(
        &self,
        slides: &[Slide],
        tpl: Option<&template::Template>,
    ) -> Result<Vec<u8>, RenderError> {
        let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
        let mut overrides: Vec<(String, String)> = Vec::new();
        let mut defaults: Vec<(String, String)> = vec![
            (
                "rels".into(),
                "application/vnd.openxmlformats-package.relationships+xml".into(),
            ),
            ("xml".into(), "application/xml".into()),
            ("xlsx".into(), CT_XLSX.into()),
        ];
        let add = |parts: &mut Vec<(String, Vec<u8>)>, name: &str, body: Vec<u8>| {
            parts.push((name.to_string(), body));
        };
        let ov = |o: &mut Vec<(String, String)>, name: &str, ct: &str| {
            o.push((format!("/{name}"), ct.to_string()));
        };

        // Masters, layouts and themes: the template's, or the built-in ones.
        let (masters, layouts): (Vec<String>, [String; 3]) = match tpl {
            Some(t) => {
                for (name, body) in &t.parts {
                    add(&mut parts, name, body.clone());
                }
                overrides.extend(t.overrides.iter().cloned());
                for d in &t.defaults {
                    if !defaults.iter().any(|x| x.0.eq_ignore_ascii_case(&d.0)) {
                        defaults.push(d.clone());
                    }
                }
                (t.masters.clone(), t.layouts.clone())
            }
            None => {
                add(
                    &mut parts,
                    "ppt/theme/theme1.xml",
                    base::theme("QBR Desk", self.doc.brand.accent).into_bytes(),
                );
                ov(&mut overrides, "ppt/theme/theme1.xml", CT_THEME);
                let n = base::LAYOUTS.len();
                add(
                    &mut parts,
                    "ppt/slideMasters/slideMaster1.xml",
                    base::master(n).into_bytes(),
                );
                ov(
                    &mut overrides,
                    "ppt/slideMasters/slideMaster1.xml",
                    CT_MASTER,
                );
                let mut r: Vec<(String, &str, String)> = (0..n)
                    .map(|i| {
                        (
                            format!("rId{}", i + 1),
                            "slideLayout",
                            format!("../slideLayouts/slideLayout{}.xml", i + 1),
                        )
                    })
                    .collect();
                r.push((
                    format!("rId{}", n + 1),
                    "theme",
                    "../theme/theme1.xml".into(),
                ));
                add(
                    &mut parts,
                    "ppt/slideMasters/_rels/slideMaster1.xml.rels",
                    rels_of(&r).into_bytes(),
                );
                for i in 0..n {
                    let name = format!("ppt/slideLayouts/slideLayout{}.xml", i + 1);
                    add(&mut parts, &name, base::layout(i).into_bytes());
                    ov(&mut overrides, &name, CT_LAYOUT);
                    add(
                        &mut parts,
                        &format!("ppt/slideLayouts/_rels/slideLayout{}.xml.rels", i + 1),
                        rels_of(&[(
                            "rId1".into(),
                            "slideMaster",
                            "../slideMasters/slideMaster1.xml".into(),
                        )])
                        .into_bytes(),
                    );
                }
                (
                    vec!["ppt/slideMasters/slideMaster1.xml".into()],
                    [
                        "ppt/slideLayouts/slideLayout1.xml".into(),
                        "ppt/slideLayouts/slideLayout3.xml".into(),
                        "ppt/slideLayouts/slideLayout4.xml".into(),
                    ],
                )
            }
        };
        // The notes master and its theme are always the deck's own.
        add(
            &mut parts,
            "ppt/theme/qbrNotesTheme.xml",
            base::theme("QBR Desk notes", self.doc.brand.accent).into_bytes(),
        );
        ov(&mut overrides, "ppt/theme/qbrNotesTheme.xml", CT_THEME);
        add(
            &mut parts,
            "ppt/notesMasters/qbrNotesMaster.xml",
            base::notes_master().into_bytes(),
        );
        ov(
            &mut overrides,
            "ppt/notesMasters/qbrNotesMaster.xml",
            CT_NOTES_MASTER,
        );
        add(
            &mut parts,
            "ppt/notesMasters/_rels/qbrNotesMaster.xml.rels",
            rels_of(&[("rId1".into(), "theme", "../theme/qbrNotesTheme.xml".into())]).into_bytes(),
        );

        // The logo.
        let logo_name = self.doc.brand.logo.as_ref().map(|img| match img.format {
            ImageFormat::Png => ("ppt/media/qbrLogo.png", "png", "image/png"),
            ImageFormat::Jpeg => ("ppt/media/qbrLogo.jpeg", "jpeg", "image/jpeg"),
        });
        if let (Some(img), Some((name, ext, ct))) = (&self.doc.brand.logo, logo_name) {
            if slides.iter().any(|s| s.logo) {
                add(&mut parts, name, img.bytes.clone());
                if !defaults.iter().any(|d| d.0.eq_ignore_ascii_case(ext)) {
                    defaults.push((ext.into(), ct.into()));
                }
            }
        }

        // Slides, their notes and charts.
        let mut chart_no = 0;
        for (i, s) in slides.iter().enumerate() {
            let k = i + 1;
            let slide = format!("ppt/slides/slide{k}.xml");
            add(&mut parts, &slide, s.xml.clone().into_bytes());
            ov(&mut overrides, &slide, CT_SLIDE);
            let layout = if s.cover { &layouts[0] } else { &layouts[1] };
            let mut r: Vec<(String, &str, String)> = vec![
                (
                    "rId1".into(),
                    "slideLayout",
                    format!("../{}", layout.trim_start_matches("ppt/")),
                ),
                (
                    "rId2".into(),
                    "notesSlide",
                    format!("../notesSlides/notesSlide{k}.xml"),
                ),
            ];
            if s.logo {
                if let Some((name, _, _)) = logo_name {
                    r.push((
                        "rIdLogo".into(),
                        "image",
                        format!("../{}", name.trim_start_matches("ppt/")),
                    ));
                }
            }
            for (j, c) in s.charts.iter().enumerate() {
                chart_no += 1;
                let name = format!("ppt/charts/chart{chart_no}.xml");
                add(&mut parts, &name, chart::chart_xml(c).into_bytes());
                ov(&mut overrides, &name, CT_CHART);
                let book = chart::workbook(c).map_err(RenderError::Pdf)?;
                let emb = format!("ppt/embeddings/Microsoft_Excel_Worksheet{chart_no}.xlsx");
                add(&mut parts, &emb, book);
                add(
                    &mut parts,
                    &format!("ppt/charts/_rels/chart{chart_no}.xml.rels"),
                    rels_of(&[(
                        "rId1".into(),
                        "package",
                        format!("../embeddings/Microsoft_Excel_Worksheet{chart_no}.xlsx"),
                    )])
                    .into_bytes(),
                );
                r.push((
                    format!("rIdChart{}", j + 1),
                    "chart",
                    format!("../charts/chart{chart_no}.xml"),
                ));
            }
            add(
                &mut parts,
                &format!("ppt/slides/_rels/slide{k}.xml.rels"),
                rels_of(&r).into_bytes(),
            );
            let notes = format!("ppt/notesSlides/notesSlide{k}.xml");
            add(&mut parts, &notes, s.notes.clone().into_bytes());
            ov(&mut overrides, &notes, CT_NOTES);
            add(
                &mut parts,
                &format!("ppt/notesSlides/_rels/notesSlide{k}.xml.rels"),
                rels_of(&[
                    (
                        "rId1".into(),
                        "notesMaster",
                        "../notesMasters/qbrNotesMaster.xml".into(),
                    ),
                    ("rId2".into(), "slide", format!("../slides/slide{k}.xml")),
                ])
                .into_bytes(),
            );
        }

        // The presentation.
        let first_id = tpl.map_or(2_147_483_648u64 + 100, |t| t.free_id);
        let mut pres = format!(
            "{DECL}<p:presentation {} saveSubsetFonts=\"1\"><p:sldMasterIdLst>",
            pml_ns()
        );
        let mut prels: Vec<(String, &str, String)> = Vec::new();
        for (i, m) in masters.iter().enumerate() {
            pres.push_str(&format!(
                "<p:sldMasterId id=\"{}\" r:id=\"rIdM{}\"/>",
                first_id + i as u64,
                i + 1
            ));
            prels.push((
                format!("rIdM{}", i + 1),
                "slideMaster",
                m.trim_start_matches("ppt/").to_string(),
            ));
        }
        pres.push_str("</p:sldMasterIdLst><p:notesMasterIdLst><p:notesMasterId r:id=\"rIdN1\"/></p:notesMasterIdLst><p:sldIdLst>");
        prels.push((
            "rIdN1".into(),
            "notesMaster",
            "notesMasters/qbrNotesMaster.xml".into(),
        ));
        for k in 1..=slides.len() {
            pres.push_str(&format!("<p:sldId id=\"{}\" r:id=\"rIdS{k}\"/>", 255 + k));
            prels.push((format!("rIdS{k}"), "slide", format!("slides/slide{k}.xml")));
        }
        let f = self.frame;
        pres.push_str(&format!(
            "</p:sldIdLst><p:sldSz cx=\"{}\" cy=\"{}\"/><p:notesSz cx=\"6858000\" cy=\"9144000\"/></p:presentation>",
            f.cx, f.cy
        ));
        if let Some(theme) = tpl
            .and_then(|t| t.theme.clone())
            .or_else(|| tpl.is_none().then(|| "ppt/theme/theme1.xml".to_string()))
        {
            prels.push((
                "rIdT1".into(),
                "theme",
                theme.trim_start_matches("ppt/").to_string(),
            ));
        }
        prels.push(("rIdP1".into(), "presProps", "presProps.xml".into()));
        prels.push(("rIdP2".into(), "viewProps", "viewProps.xml".into()));
        prels.push(("rIdP3".into(), "tableStyles", "tableStyles.xml".into()));
        add(&mut parts, "ppt/presentation.xml", pres.into_bytes());
        ov(
            &mut overrides,
            "ppt/presentation.xml",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        );
        add(
            &mut parts,
            "ppt/_rels/presentation.xml.rels",
            rels_of(&prels).into_bytes(),
        );
        add(
            &mut parts,
            "ppt/presProps.xml",
            format!("{DECL}<p:presentationPr {}/>", pml_ns()).into_bytes(),
        );
        ov(
            &mut overrides,
            "ppt/presProps.xml",
            "application/vnd.openxmlformats-officedocument.presentationml.presProps+xml",
        );
        add(
            &mut parts,
            "ppt/viewProps.xml",
            format!(
                "{DECL}<p:viewPr {}><p:gridSpacing cx=\"76200\" cy=\"76200\"/></p:viewPr>",
                pml_ns()
            )
            .into_bytes(),
        );
        ov(
            &mut overrides,
            "ppt/viewProps.xml",
            "application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml",
        );
        add(
            &mut parts,
            "ppt/tableStyles.xml",
            format!("{DECL}<a:tblStyleLst xmlns:a=\"{}\" def=\"{{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}}\"/>", xml::NS_A).into_bytes(),
        );
        ov(
            &mut overrides,
            "ppt/tableStyles.xml",
            "application/vnd.openxmlformats-officedocument.presentationml.tableStyles+xml",
        );

        // Document properties.
        let m = &self.doc.meta;
        let created = if m.created.trim().is_empty() {
            String::new()
        } else {
            let c = m.created.trim();
            let c = if c.len() == 10 {
                format!("{c}T00:00:00Z")
            } else {
                c.to_string()
            };
            format!(
                "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{}</dcterms:created>",
                esc(&c)
            )
        };
        add(
            &mut parts,
            "docProps/core.xml",
            format!(
                "{DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><dc:language>{}</dc:language>{created}</cp:coreProperties>",
                esc(&m.title),
                esc(&m.subject),
                esc(&m.author),
                esc(&m.language)
            )
            .into_bytes(),
        );
        ov(
            &mut overrides,
            "docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml",
        );
        add(
            &mut parts,
            "docProps/app.xml",
            format!(
                "{DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>QBR Desk</Application><Slides>{}</Slides><Notes>{}</Notes></Properties>",
                slides.len(),
                slides.len()
            )
            .into_bytes(),
        );
        ov(
            &mut overrides,
            "docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        );
        add(
            &mut parts,
            "_rels/.rels",
            rels(&[
                ("rId1".into(), "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument", "ppt/presentation.xml".into()),
                ("rId2".into(), "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml".into()),
                ("rId3".into(), "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties", "docProps/app.xml".into()),
            ])
            .into_bytes(),
        );

        let mut ct = format!("{DECL}<Types xmlns=\"{NS_CT}\">");
        for (ext, t) in &defaults {
            ct.push_str(&format!(
                "<Default Extension=\"{}\" ContentType=\"{}\"/>",
                esc(ext),
                esc(t)
            ));
        }
        for (name, t) in &overrides {
            ct.push_str(&format!(
                "<Override PartName=\"{}\" ContentType=\"{}\"/>",
                esc(name),
                esc(t)
            ));
        }
        ct.push_str("</Types>");

        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(zip::DateTime::default())
                .unix_permissions(0o644);
            let err =
                |e: zip::result::ZipError| RenderError::Pdf(format!("cannot write the deck: {e}"));
            zip.start_file("[Content_Types].xml", opts).map_err(err)?;
            zip.write_all(ct.as_bytes())
                .map_err(|e| RenderError::Pdf(e.to_string()))?;
            for (name, body) in &parts {
                zip.start_file(name.as_str(), opts).map_err(err)?;
                zip.write_all(body)
                    .map_err(|e| RenderError::Pdf(e.to_string()))?;
            }
            zip.finish().map_err(err)?;
        }
        Ok(out.into_inner())
    }
}

/// A part's relationships, with short relationship types (`slideLayout`) made full.
fn rels_of(entries: &[(String, &str, String)]) -> String {
    let full: Vec<(String, String, String)> = entries
        .iter()
        .map(|(id, kind, target)| (id.clone(), format!("{REL}/{kind}"), target.clone()))
        .collect();
    let view: Vec<(String, &str, String)> = full
        .iter()
        .map(|(id, kind, target)| (id.clone(), kind.as_str(), target.clone()))
        .collect();
    rels(&view)
}
