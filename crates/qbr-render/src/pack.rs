//! The print-grade QBR pack: a [`Document`] (plain data, see `model`) laid out into pages and
//! written as a tagged PDF (PDF/UA-1) with subset fonts (Lato, and bundled fallbacks for what Lato
//! lacks), vector charts whose text stays real text, an outline by section, running header/footer
//! and "Page n of N". The same page layout is drawn as SVG for the app's live preview, in the same
//! fonts, so the preview and the PDF cannot disagree.

mod backend;
mod fonts;
mod image;
mod layout;
mod model;
mod page;
mod pdf;
mod pptx;
mod subset;
mod svg;
mod text;

pub use image::{logo_size, MAX_LOGO_PIXELS, MAX_LOGO_SIDE};
pub use model::*;
pub use pptx::{check_deck_template, deck_text, render_pptx, SlideText, TemplateError};

/// Why a pack could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The document does not fit together (a table row longer than its columns, a bad image…).
    #[error("invalid pack: {0}")]
    Invalid(String),
    #[error(transparent)]
    Chart(#[from] crate::chart::ChartError),
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
    /// Kept for compatibility with the first stub; no longer returned.
    #[error("the pack renderer is not finished yet")]
    NotYet,
}

/// The pack as PDF bytes. Deterministic: the same `Document` gives the same bytes.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let layout = layout::layout(doc)?;
    pdf::write(doc, &layout)
}

/// The pack's pages as SVG documents, one per page, drawn from the same layout as the PDF.
pub fn render_preview_svgs(doc: &Document) -> Result<Vec<String>, RenderError> {
    let layout = layout::layout(doc)?;
    Ok(svg::write(doc, &layout))
}

/// The number of pages `doc` lays out to, without writing anything.
pub fn page_count(doc: &Document) -> Result<usize, RenderError> {
    Ok(layout::layout(doc)?.pages.len())
}

/// A piece of text as laid out: its box on the page (points, origin at the top-left; the em box
/// from the typographic ascender to the descender) and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub text: String,
    /// Drawn by a chart (its title, legend, axes, labels).
    pub chart: bool,
    /// The running header or footer, the page number, or a table's "Continued…" note.
    pub running: bool,
}

impl TextBox {
    /// Whether the two boxes share more than `slack` points each way.
    pub fn overlaps(&self, other: &TextBox, slack: f32) -> bool {
        self.x0 + slack < other.x1
            && other.x0 + slack < self.x1
            && self.y0 + slack < other.y1
            && other.y0 + slack < self.y1
    }
}

/// What a laid-out page holds, for checks: whether it is the cover, how far down the content
/// box its content reaches (0 to 1; the running header and footer left out), and every text.
#[derive(Debug, Clone, PartialEq)]
pub struct PageBoxes {
    pub cover: bool,
    pub fill: f32,
    pub texts: Vec<TextBox>,
}

/// The pages of `doc` as [`PageBoxes`], without writing anything.
pub fn page_boxes(doc: &Document) -> Result<Vec<PageBoxes>, RenderError> {
    let l = layout::layout(doc)?;
    let height = (l.content_bottom - l.content_top).max(1.0);
    Ok(l.pages
        .iter()
        .map(|p| PageBoxes {
            cover: p.cover,
            fill: ((p.content_bottom - l.content_top) / height).clamp(0.0, 1.0),
            texts: p
                .items
                .iter()
                .enumerate()
                .filter_map(|(k, i)| match i {
                    page::Item::Text {
                        x,
                        y,
                        size,
                        bold,
                        text,
                        ..
                    } => {
                        let role = p.role_of(k);
                        Some(TextBox {
                            x0: *x,
                            y0: y - 0.805 * size,
                            x1: x + text::width(text, *size, *bold),
                            y1: y + 0.195 * size,
                            text: text.clone(),
                            chart: matches!(role, page::Role::Node(n)
                                if l.nodes[n].kind == page::NodeKind::Figure),
                            running: matches!(
                                role,
                                page::Role::Artifact(
                                    page::Artifact::Header
                                        | page::Artifact::Footer
                                        | page::Artifact::Pagination
                                )
                            ),
                        })
                    }
                    _ => None,
                })
                .collect(),
        })
        .collect())
}
