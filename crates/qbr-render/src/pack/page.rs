//! A laid-out page as a list of drawing items in points, origin at the top-left, and what each
//! run of items means (its place in the document's structure, or an artifact such as the running
//! header). Both the PDF writer and the SVG preview draw exactly these items; the PDF also tags
//! them with that structure.

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

/// Content that is not part of the document's logical structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Artifact {
    Header,
    Footer,
    /// Repeated table headers, "continued" notes.
    Pagination,
    /// Rules, fills, bullets: decoration.
    Layout,
}

/// What the items from some index on mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Artifact(Artifact),
    /// A node of [`Layout::nodes`].
    Node(usize),
}

/// A structure element (PDF tag).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Section,
    Heading(u8),
    Paragraph,
    List,
    ListItem,
    ListBody,
    Table,
    Row,
    HeaderCell,
    Cell,
    /// A chart or the logo; its text is the alternate text.
    Figure,
    Caption,
    Title,
    Div,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub parent: Option<usize>,
    /// A heading's title or a figure's alternate text.
    pub text: String,
}

impl Node {
    /// Whether content items belong to this node directly (the others hold nodes only).
    pub fn is_leaf(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::Heading(_)
                | NodeKind::Paragraph
                | NodeKind::ListBody
                | NodeKind::HeaderCell
                | NodeKind::Cell
                | NodeKind::Figure
                | NodeKind::Caption
                | NodeKind::Title
        )
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Page {
    pub items: Vec<Item>,
    /// The kinds of block placed on this page, in order (for tests: a heading is never last).
    pub kinds: Vec<&'static str>,
    /// (index of the first item, role): each role holds until the next entry.
    pub roles: Vec<(usize, Role)>,
    /// The lowest point content reaches on the page (points from the top), header and footer
    /// left out; how full the page is.
    pub content_bottom: f32,
    pub cover: bool,
    /// Which blocks of the document the page holds, in order, with where each starts: what the
    /// slide deck puts on this page's slide.
    pub sources: Vec<Source>,
}

/// A block placed on a page: `section`, then the path of block indices (more than one inside
/// `Keep` groups), and the table row for a table's rows (`None` for its header); `y` is where it
/// starts, in points from the page's top.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Source {
    pub section: usize,
    pub path: Vec<usize>,
    pub row: Option<usize>,
    pub y: f32,
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
    /// Items from here on have `role`.
    pub fn role(&mut self, role: Role) {
        if self.roles.last().map(|r| r.1) != Some(role) {
            let at = self.items.len();
            if let Some(last) = self.roles.last_mut().filter(|r| r.0 == at) {
                last.1 = role;
            } else {
                self.roles.push((at, role));
            }
        }
    }
    /// The role of item `i`.
    pub fn role_of(&self, i: usize) -> Role {
        let k = self.roles.partition_point(|r| r.0 <= i);
        k.checked_sub(1)
            .map_or(Role::Artifact(Artifact::Layout), |k| self.roles[k].1)
    }
}

/// The laid-out document: page size in points, pages, the outline (title, page index) and the
/// structure tree's nodes (in reading order).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    pub outline: Vec<(String, usize)>,
    pub nodes: Vec<Node>,
    /// The content box's top and bottom (points from the page's top).
    pub content_top: f32,
    pub content_bottom: f32,
}
