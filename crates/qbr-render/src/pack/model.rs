//! The pack's document model: plain, serialisable data that says what goes on the pages. The
//! content side (qbr-core / qbr-api) builds a [`Document`]; [`super::render_pdf`] and
//! [`super::render_preview_svgs`] lay it out and draw it. Nothing here reads a clock or a file, so a
//! stored `Document` re-renders to the same bytes.

use serde::{Deserialize, Serialize};

use crate::chart::TrendChart;
pub use crate::chart::{Bar, BarChart};

/// A whole pack: its metadata, paper, branding, running header/footer and sections in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub meta: Meta,
    #[serde(default)]
    pub paper: Paper,
    #[serde(default)]
    pub orientation: Orientation,
    #[serde(default)]
    pub brand: Brand,
    #[serde(default)]
    pub running: Running,
    pub sections: Vec<Section>,
}

impl Default for Meta {
    fn default() -> Self {
        Meta {
            title: String::new(),
            author: String::new(),
            subject: String::new(),
            keywords: Vec::new(),
            created: String::new(),
            language: default_language(),
        }
    }
}

/// The PDF document information. `created` is given by the caller (ISO 8601, e.g.
/// `2026-10-02T09:30:00Z` or `2026-10-02`): the renderer never reads the clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub title: String,
    /// "Prepared by".
    pub author: String,
    pub subject: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub created: String,
    /// The document's language (BCP 47), written to the PDF for screen readers; `en` by default.
    #[serde(default = "default_language")]
    pub language: String,
}

fn default_language() -> String {
    "en".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    #[default]
    Landscape,
    Portrait,
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#RRGGBB` (or `RRGGBB`); `None` if it is not six hex digits.
    pub fn from_hex(s: &str) -> Option<Rgb> {
        let h = s.trim().trim_start_matches('#');
        if h.len() != 6 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        Some(Rgb(c(0)?, c(2)?, c(4)?))
    }

    /// `#RRGGBB`.
    pub fn to_hex(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }
}

/// The default accent: a deep blue that prints well and keeps 4.5:1 contrast with white.
pub const DEFAULT_ACCENT: Rgb = Rgb(0x1F, 0x4E, 0x79);

/// Branding: the accent colour (rules, headings' marks, cover band) and an optional logo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Brand {
    pub accent: Rgb,
    #[serde(default)]
    pub logo: Option<Image>,
}

impl Default for Brand {
    fn default() -> Self {
        Brand {
            accent: DEFAULT_ACCENT,
            logo: None,
        }
    }
}

/// An image file's bytes, as read (PNG or JPEG).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    pub bytes: Vec<u8>,
    pub format: ImageFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    Png,
    Jpeg,
}

/// The running header and footer drawn on every page but the cover. "Page n of N" is added by the
/// renderer at the footer's right; the brand's logo, when there is one, at the header's right.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Running {
    /// Usually the client.
    pub header_left: String,
    /// Usually the period, e.g. `Q3 2026`.
    pub header_right: String,
    /// E.g. `Confidential — prepared for Acme`.
    pub footer_left: String,
    /// Printed in red capitals in every page header, e.g. `INTERNAL`.
    #[serde(default)]
    pub stamp: Option<String>,
}

/// A section of the pack; its title is a PDF outline (bookmark) entry pointing at its first page.
/// The title is not drawn by itself: put a `Heading` block first to show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    #[serde(default)]
    pub start_on_new_page: bool,
    pub blocks: Vec<Block>,
    /// What the presenter may be asked about the section's figures — formulas, sample sizes,
    /// sources — written to the deck's speaker notes; not drawn in the PDF.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One element of the flow. Blocks are laid out top to bottom in the content box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// A full cover page (always a page of its own, without running header or page number).
    Cover(Cover),
    /// Level 1 (section title), 2 or 3. Never left alone at the bottom of a page.
    Heading { level: u8, text: String },
    /// Wrapped text; `**bold**` runs are drawn in bold.
    Paragraph(String),
    /// A bulleted list; each item wraps under itself. `**bold**` runs allowed.
    Bullets(Vec<String>),
    /// A table that continues on the next page with its header row repeated.
    Table(Table),
    /// A vector chart, never split across pages (boxed: a chart is far larger than any other
    /// block).
    Chart(Box<ChartBlock>),
    /// The executive summary tiles, laid out in a row (wrapping to more rows if many).
    KeyFigures(Vec<KeyFigure>),
    /// Small muted text: a low-sample note, a formula, a source.
    Note(String),
    /// Vertical space in millimetres (dropped at the top of a page).
    Spacer(f32),
    /// Blocks kept on one page (a chart and its signals, a cause and its text): moved to the next
    /// page together when they do not fit below, split only when they exceed a whole page.
    Keep(Vec<Block>),
    /// Ends the page here.
    PageBreak,
}

/// What the cover says. The logo comes from [`Brand::logo`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cover {
    pub client: String,
    /// E.g. `Quarterly Business Review`.
    pub title: String,
    /// E.g. `Q3 2026 (1 Jul – 30 Sep 2026)`.
    pub period: String,
    pub prepared_by: String,
    /// E.g. `2 Oct 2026`.
    pub exported_on: String,
    /// E.g. `30 Sep 2026 23:45`.
    pub data_as_of: String,
    /// A band across the cover, e.g. `INTERNAL — not for distribution to the client`.
    #[serde(default)]
    pub stamp: Option<String>,
}

/// A table. Column widths are relative (they are scaled to the content width).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<Column>,
    /// Each row has one cell per column (missing cells are drawn empty, extra ones ignored).
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub title: String,
    /// Relative width, e.g. 3.0 for a name column next to 1.0 for numbers.
    pub width: f32,
    #[serde(default)]
    pub align: Align,
}

impl Column {
    pub fn new(title: impl Into<String>, width: f32, align: Align) -> Column {
        Column {
            title: title.into(),
            width,
            align,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// One table cell. Text wraps inside the cell; a RAG status is drawn as symbol + word + colour.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    #[serde(default)]
    pub bold: bool,
    /// Muted (grey) text, e.g. for a missing value's reason.
    #[serde(default)]
    pub muted: bool,
    #[serde(default)]
    pub colour: Option<Rgb>,
    /// When set, the cell shows the status symbol then `text`, or the status word if `text` is empty.
    #[serde(default)]
    pub rag: Option<Rag>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            ..Cell::default()
        }
    }
    pub fn bold(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            bold: true,
            ..Cell::default()
        }
    }
    pub fn muted(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            muted: true,
            ..Cell::default()
        }
    }
    /// A status cell: symbol, then the status word.
    pub fn rag(rag: Rag) -> Cell {
        Cell {
            rag: Some(rag),
            ..Cell::default()
        }
    }
}

/// Red / amber / green status. Drawn as a distinct shape (square, diamond, circle) + the word +
/// the colour, so it reads in greyscale and for colour-blind readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rag {
    Red,
    Amber,
    Green,
}

impl Rag {
    /// The status word every output uses (`qbr_format`): Off target, Near target, On target.
    pub fn word(self) -> &'static str {
        qbr_format::status_word(match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => "green",
        })
    }
    pub fn colour(self) -> Rgb {
        match self {
            Rag::Red => Rgb(0xC0, 0x39, 0x2B),
            Rag::Amber => Rgb(0xB9, 0x77, 0x0E),
            Rag::Green => Rgb(0x1E, 0x84, 0x49),
        }
    }
}

/// A chart with its height on the page (the width is the content width) and an optional caption
/// drawn under it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartBlock {
    pub chart: Chart,
    pub height_mm: f32,
    #[serde(default)]
    pub caption: Option<String>,
    /// What the chart shows, in words, for screen readers (the PDF's alternate text); the
    /// chart's title when empty.
    #[serde(default)]
    pub alt: Option<String>,
}

// A document holds a few dozen charts, built once and serialised: the trend's size is no cost.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Chart {
    /// The trend chart; its `width`/`height` pixels are ignored in the pack (the block sizes it).
    Trend(TrendChart),
    Bars(BarChart),
}

/// An executive-summary tile: a label, the value in large type, a sub-line (target, delta…) and
/// an optional RAG status drawn as symbol + word + colour.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct KeyFigure {
    pub label: String,
    pub value: String,
    #[serde(default)]
    pub sub: String,
    #[serde(default)]
    pub rag: Option<Rag>,
}
