//! The print-grade QBR pack: a [`Document`] (plain data, see `model`) laid out into pages and
//! written as a PDF with embedded, subset Lato, vector charts whose text stays real text, an outline
//! by section, running header/footer and "Page n of N". The same page layout is drawn as SVG for the
//! app's live preview, so the preview and the PDF cannot disagree.

mod backend;
mod image;
mod layout;
mod model;
mod page;
mod pdf;
mod subset;
mod svg;
mod text;

pub use image::{logo_size, MAX_LOGO_PIXELS, MAX_LOGO_SIDE};
pub use model::*;

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
