//! The layout engine: flows a [`Document`]'s blocks into pages of drawing items. Rules it keeps:
//! text wraps with the fonts' real advance widths; a heading is never the last thing on a page (it
//! moves to the next page with the start of what follows); a table continues on the next page with
//! its header row repeated and says so at both ends; a chart is never split; a `Keep` group moves
//! to the next page whole; nothing overflows its box (wrapped or ellipsized). Every item is placed
//! under a role: a node of the structure tree the PDF is tagged with, or an artifact.

use super::backend::ItemBackend;
use super::model::*;
use super::page::{Artifact, Item, Layout, Node, NodeKind, Page, Role};
use super::text::{self, ellipsize, parse_runs, wrap, wrap_runs};
use super::RenderError;
use crate::chart::{bars, trend};
use plotters::prelude::IntoDrawingArea;

pub(crate) const MM: f32 = 72.0 / 25.4;

// Palette: ink, muted text, hairlines, tile and header fills.
pub(crate) const INK: Rgb = Rgb(0x22, 0x22, 0x22);
pub(crate) const MUTED: Rgb = Rgb(0x66, 0x66, 0x66);
const RULE: Rgb = Rgb(0xD6, 0xD9, 0xDE);
const FILL: Rgb = Rgb(0xF3, 0xF5, 0xF8);
const WHITE: Rgb = Rgb(0xFF, 0xFF, 0xFF);
/// The internal stamp: a red that keeps 4.5:1 contrast with white.
pub(crate) const STAMP: Rgb = Rgb(0xB0, 0x1E, 0x1E);

// Type scale, in points.
const BODY: f32 = 10.0;
const BODY_LH: f32 = 14.5;
const NOTE: f32 = 8.0;
const NOTE_LH: f32 = 11.0;
const TABLE: f32 = 8.5;
const TABLE_LH: f32 = 11.5;
const TABLE_HEAD: f32 = 7.5;
const CELL_PAD_X: f32 = 5.0;
const CELL_PAD_Y: f32 = 4.0;
const MAX_CELL_LINES: usize = 6;
const BLOCK_GAP: f32 = 9.0;
const TILE_H: f32 = 66.0;
const TILE_GAP: f32 = 8.0;
/// Points per chart backend unit: fine enough that rounding to whole units is invisible.
const CHART_K: f32 = 0.25;
/// Chart text: the charts' 14 px axis text becomes 7.5 pt on paper.
const CHART_SCALE: f64 = 7.5 / (14.0 * CHART_K as f64);

fn heading_size(level: u8) -> (f32, f32) {
    // (size, space above). A page's title is its message, often a sentence: 16 pt keeps most of
    // them to one line.
    match level {
        0 | 1 => (16.0, 14.0),
        2 => (13.0, 13.0),
        _ => (10.5, 9.0),
    }
}

pub(crate) fn page_size(doc: &Document) -> (f32, f32) {
    let (w, h) = match doc.paper {
        Paper::A4 => (210.0 * MM, 297.0 * MM),
        Paper::Letter => (612.0, 792.0),
    };
    match doc.orientation {
        Orientation::Landscape => (h, w),
        Orientation::Portrait => (w, h),
    }
}

struct Flow<'d> {
    doc: &'d Document,
    width: f32,
    height: f32,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
    pages: Vec<Page>,
    cover: Vec<bool>,
    y: f32,
    /// Something is on the current page (so a break makes sense).
    has_content: bool,
    pending_outline: Option<String>,
    outline: Vec<(String, usize)>,
    nodes: Vec<Node>,
    role: Role,
    /// The section node blocks go under.
    section: Option<usize>,
    /// The block being placed (section, path) and the table row, recorded on pages by `mark`.
    source: (usize, Vec<usize>),
    row: Option<usize>,
}

impl<'d> Flow<'d> {
    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a page")
    }
    fn new_page(&mut self) {
        let mut page = Page::default();
        page.role(self.role);
        page.content_bottom = self.top;
        self.pages.push(page);
        self.cover.push(false);
        self.y = self.top;
        self.has_content = false;
    }
    /// Items placed from now on have `role`.
    fn set_role(&mut self, role: Role) {
        self.role = role;
        self.page().role(role);
    }
    /// A new structure node under `parent` (the current section when `None`).
    fn node(&mut self, kind: NodeKind, parent: Option<usize>, text: &str) -> usize {
        let parent = parent.or(self.section);
        self.nodes.push(Node {
            kind,
            parent,
            text: text.to_string(),
        });
        self.nodes.len() - 1
    }
    /// A leaf node whose items follow now.
    fn leaf(&mut self, kind: NodeKind, parent: Option<usize>, text: &str) -> usize {
        let n = self.node(kind, parent, text);
        self.set_role(Role::Node(n));
        n
    }
    /// Content reaches down to `y` on this page.
    fn reach(&mut self, y: f32) {
        let p = self.page();
        p.content_bottom = p.content_bottom.max(y);
    }
    fn idx(&self) -> usize {
        self.pages.len() - 1
    }
    /// Called before placing anything: the pending outline entry points here.
    fn mark(&mut self, kind: &'static str) {
        if let Some(t) = self.pending_outline.take() {
            let i = self.idx();
            self.outline.push((t, i));
        }
        self.has_content = true;
        let i = self.idx();
        self.pages[i].kinds.push(kind);
        let (section, path, row, y) = (self.source.0, &self.source.1, self.row, self.y);
        let page = &mut self.pages[i];
        let same = page
            .sources
            .last()
            .is_some_and(|s| s.section == section && &s.path == path && s.row == row);
        if !same {
            page.sources.push(super::page::Source {
                section,
                path: path.clone(),
                row,
                y,
            });
        }
    }
    fn content_w(&self) -> f32 {
        self.right - self.left
    }
    /// Starts a new page unless `h` fits below the cursor (or the page is still empty).
    fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom + 0.01 && self.has_content {
            self.new_page();
        }
    }
    fn gap(&mut self, g: f32) {
        if self.has_content {
            self.y += g;
        }
    }
}

pub(crate) fn layout(doc: &Document) -> Result<Layout, RenderError> {
    let (width, height) = page_size(doc);
    let (mx, top, bottom) = (18.0 * MM, 22.0 * MM, 18.0 * MM);
    let mut f = Flow {
        doc,
        width,
        height,
        left: mx,
        right: width - mx,
        top,
        bottom: height - bottom,
        pages: Vec::new(),
        cover: Vec::new(),
        y: top,
        has_content: false,
        pending_outline: None,
        outline: Vec::new(),
        nodes: Vec::new(),
        role: Role::Artifact(Artifact::Layout),
        section: None,
        source: (0, Vec::new()),
        row: None,
    };
    f.new_page();
    for (si, section) in doc.sections.iter().enumerate() {
        if section.start_on_new_page && f.has_content {
            f.new_page();
        }
        f.section = None;
        let node = f.node(NodeKind::Section, None, &section.title);
        f.section = Some(node);
        f.pending_outline = Some(section.title.clone());
        for (i, block) in section.blocks.iter().enumerate() {
            let next = section.blocks.get(i + 1);
            f.source = (si, vec![i]);
            place(&mut f, block, next)?;
        }
        if let Some(t) = f.pending_outline.take() {
            let i = f.idx();
            f.outline.push((t, i));
        }
    }
    // Drop a trailing empty page (e.g. after a cover or a final page break).
    if f.pages.len() > 1 && f.pages.last().is_some_and(|p| p.items.is_empty()) {
        f.pages.pop();
        f.cover.pop();
        let last = f.pages.len() - 1;
        for o in &mut f.outline {
            o.1 = o.1.min(last);
        }
    }
    running(&mut f)?;
    Ok(Layout {
        width,
        height,
        pages: f.pages,
        outline: f.outline,
        nodes: f.nodes,
        content_top: top,
        content_bottom: height - bottom,
    })
}

/// The running header and footer, and "Page n of N", on every page but the cover: the client
/// (and the stamp, in red) at the left, the period and the logo at the right.
fn running(f: &mut Flow) -> Result<(), RenderError> {
    let n = f.pages.len();
    let r = &f.doc.running;
    let accent = f.doc.brand.accent;
    let (left, right, height) = (f.left, f.right, f.height);
    let logo = match &f.doc.brand.logo {
        Some(img) => {
            let (iw, ih) = super::image::dimensions(img)?;
            // At most 6.5 mm high and 30 mm wide, keeping its aspect.
            let s = (6.5 * MM / ih as f32).min(30.0 * MM / iw as f32);
            Some((iw as f32 * s, ih as f32 * s))
        }
        None => None,
    };
    for (i, page) in f.pages.iter_mut().enumerate() {
        if f.cover[i] {
            continue;
        }
        let hy = 12.5 * MM;
        page.role(Role::Artifact(Artifact::Header));
        let mut right_edge = right;
        if let Some((lw, lh)) = logo {
            page.items.push(Item::Logo {
                x: right - lw,
                y: hy + 1.5 - lh,
                w: lw,
                h: lh,
            });
            right_edge = right - lw - 8.0;
        }
        let half = (right_edge - left) / 2.0 - 12.0;
        let mut hl = ellipsize(&r.header_left, 8.0, true, half);
        if let Some(stamp) = r.stamp.as_deref().filter(|s| !s.trim().is_empty()) {
            let stamp = stamp.trim().to_uppercase();
            let sw = text::width(&stamp, 8.0, true);
            hl = ellipsize(&r.header_left, 8.0, true, (half - sw - 10.0).max(10.0));
            let x = left + text::width(&hl, 8.0, true) + 10.0;
            page.items.push(Item::Rect {
                x: x - 3.0,
                y: hy - 8.2,
                w: sw + 6.0,
                h: 11.0,
                fill: None,
                stroke: Some((STAMP, 0.8)),
            });
            page.text(x, hy, 8.0, true, STAMP, &stamp);
        }
        page.text(left, hy, 8.0, true, INK, &hl);
        let hr = ellipsize(&r.header_right, 8.0, false, half);
        page.text(
            right_edge - text::width(&hr, 8.0, false),
            hy,
            8.0,
            false,
            MUTED,
            &hr,
        );
        page.hline(left, right, hy + 4.0, RULE, 0.6);
        page.fill_rect(left, hy + 3.4, 18.0, 1.8, accent);
        page.role(Role::Artifact(Artifact::Footer));
        let fy = height - 9.0 * MM;
        let label = format!("Page {} of {}", i + 1, n);
        let lw = text::width(&label, 7.5, false);
        let fl = ellipsize(&r.footer_left, 7.5, false, right - left - lw - 24.0);
        page.text(left, fy, 7.5, false, MUTED, &fl);
        page.text(right - lw, fy, 7.5, false, MUTED, &label);
    }
    Ok(())
}

/// Height the first unbreakable piece of `block` needs: what a heading must keep with it.
fn first_piece(f: &Flow, block: Option<&Block>) -> f32 {
    match block {
        None | Some(Block::Spacer(_)) | Some(Block::PageBreak) | Some(Block::Cover(_)) => 0.0,
        Some(Block::Heading { level, .. }) => heading_size(*level).0 * 1.6 + 2.0 * BODY_LH,
        Some(Block::Paragraph(t)) => {
            let lines = wrap_runs(&parse_runs(t, false), BODY, f.content_w()).len();
            lines.min(2) as f32 * BODY_LH
        }
        Some(Block::Bullets(items)) => {
            if items.is_empty() {
                0.0
            } else {
                BODY_LH
            }
        }
        Some(Block::Note(_)) => NOTE_LH,
        Some(Block::Table(t)) => {
            let widths = column_widths(t, f.content_w());
            header_height(t, &widths)
                + t.rows
                    .first()
                    .map(|r| row_height(t, r, &widths))
                    .unwrap_or(0.0)
        }
        Some(Block::Chart(c)) => chart_height(f, c),
        Some(Block::KeyFigures(k)) => {
            if k.is_empty() {
                0.0
            } else {
                TILE_H
            }
        }
        Some(Block::Keep(blocks)) => {
            let h = keep_height(f, blocks);
            if h <= f.bottom - f.top {
                h
            } else {
                first_piece(f, blocks.first())
            }
        }
    }
}

/// The height `blocks` take when placed one after another from the top of a page.
fn keep_height(f: &Flow, blocks: &[Block]) -> f32 {
    let mut h = 0.0;
    for (i, b) in blocks.iter().enumerate() {
        h += block_height(f, b, i == 0);
    }
    h
}

/// The height `block` takes when placed (gaps after it included); `first`: at the top of the
/// group, where a heading's space above is not taken.
fn block_height(f: &Flow, block: &Block, first: bool) -> f32 {
    let w = f.content_w();
    match block {
        Block::Cover(_) | Block::PageBreak => f.bottom - f.top,
        Block::Heading { level, text } => {
            let (size, above) = heading_size(*level);
            let lines = wrap(text, size, true, w).len() as f32;
            let rule = if *level <= 1 { size * 0.55 } else { 0.0 };
            (if first { 0.0 } else { above }) + lines * size * 1.3 + rule + size * 0.35
        }
        Block::Paragraph(t) => {
            wrap_runs(&parse_runs(t, false), BODY, w).len() as f32 * BODY_LH + BLOCK_GAP
        }
        Block::Bullets(items) => {
            items
                .iter()
                .map(|i| {
                    wrap_runs(&parse_runs(i, false), BODY, w - 13.0).len() as f32 * BODY_LH + 2.5
                })
                .sum::<f32>()
                + BLOCK_GAP
        }
        Block::Note(t) => wrap(t, NOTE, false, w).len() as f32 * NOTE_LH + BLOCK_GAP * 0.6,
        Block::Table(t) => {
            let widths = column_widths(t, w);
            header_height(t, &widths)
                + t.rows
                    .iter()
                    .map(|r| row_height(t, r, &widths))
                    .sum::<f32>()
                + BLOCK_GAP
                + 3.0
        }
        Block::Chart(c) => chart_height(f, c) + BLOCK_GAP,
        Block::KeyFigures(k) => {
            let per_row = tiles_per_row(f, k.len());
            let rows = k.len().div_ceil(per_row) as f32;
            rows * (TILE_H + TILE_GAP) - TILE_GAP + BLOCK_GAP + 3.0
        }
        Block::Spacer(mm) => mm.max(0.0) * MM,
        Block::Keep(blocks) => keep_height(f, blocks),
    }
}

fn place(f: &mut Flow, block: &Block, next: Option<&Block>) -> Result<(), RenderError> {
    match block {
        Block::Cover(c) => cover(f, c)?,
        Block::Heading { level, text } => heading(f, *level, text, next),
        Block::Paragraph(t) => {
            paragraph(f, t);
            f.y += BLOCK_GAP;
        }
        Block::Bullets(items) => {
            bullets(f, items);
            f.y += BLOCK_GAP;
        }
        Block::Note(t) => {
            let lines = wrap(t, NOTE, false, f.content_w());
            f.leaf(NodeKind::Paragraph, None, "");
            for l in lines {
                f.ensure(NOTE_LH);
                f.mark("note");
                let y = f.y + NOTE * 0.95;
                let x = f.left;
                f.page().text(x, y, NOTE, false, MUTED, &l);
                f.y += NOTE_LH;
                let y = f.y;
                f.reach(y);
            }
            f.y += BLOCK_GAP * 0.6;
        }
        Block::Keep(blocks) => {
            let h = keep_height(f, blocks);
            if h <= f.bottom - f.top {
                f.ensure(h);
            }
            let outer = f.source.1.clone();
            for (i, b) in blocks.iter().enumerate() {
                let mut path = outer.clone();
                path.push(i);
                f.source.1 = path;
                place(f, b, blocks.get(i + 1).or(next))?;
            }
            f.source.1 = outer;
        }
        Block::Table(t) => {
            table(f, t)?;
            f.y += BLOCK_GAP + 3.0;
        }
        Block::Chart(c) => {
            chart(f, c)?;
            f.y += BLOCK_GAP;
        }
        Block::KeyFigures(k) => {
            key_figures(f, k);
            f.y += BLOCK_GAP + 3.0;
        }
        Block::Spacer(mm) => {
            if f.has_content {
                f.y += mm.max(0.0) * MM;
                if f.y > f.bottom {
                    f.new_page();
                }
            }
        }
        Block::PageBreak => {
            if f.has_content {
                f.new_page();
            }
        }
    }
    Ok(())
}

fn heading(f: &mut Flow, level: u8, text: &str, next: Option<&Block>) {
    let (size, above) = heading_size(level);
    let lines = wrap(text, size, true, f.content_w());
    let lh = size * 1.3;
    let h = lines.len() as f32 * lh + size * 0.35;
    let keep = first_piece(f, next);
    f.ensure(above + h + keep);
    f.gap(above);
    f.mark("heading");
    f.leaf(NodeKind::Heading(level.max(1)), None, text);
    let accent = f.doc.brand.accent;
    let colour = if level >= 3 { accent } else { INK };
    let x = f.left;
    let mut y = f.y;
    for l in &lines {
        y += lh;
        f.page().text(x, y - size * 0.25, size, true, colour, l);
    }
    f.reach(y + size * 0.3);
    if level <= 1 {
        // A short accent rule under a section title.
        f.page().fill_rect(x, y + size * 0.2, 28.0, 2.4, accent);
        y += size * 0.55;
    }
    f.y = y + size * 0.35;
}

fn paragraph(f: &mut Flow, t: &str) {
    let lines = wrap_runs(&parse_runs(t, false), BODY, f.content_w());
    f.leaf(NodeKind::Paragraph, None, "");
    for line in lines {
        f.ensure(BODY_LH);
        f.mark("paragraph");
        let y = f.y + BODY * 1.05;
        let x = f.left;
        for (dx, run) in line {
            f.page().text(x + dx, y, BODY, run.bold, INK, &run.text);
        }
        f.y += BODY_LH;
        let y = f.y;
        f.reach(y);
    }
}

fn bullets(f: &mut Flow, items: &[String]) {
    let indent = 13.0;
    let accent = f.doc.brand.accent;
    let list = f.node(NodeKind::List, None, "");
    for item in items {
        let li = f.node(NodeKind::ListItem, Some(list), "");
        f.leaf(NodeKind::ListBody, Some(li), "");
        let lines = wrap_runs(&parse_runs(item, false), BODY, f.content_w() - indent);
        for (i, line) in lines.into_iter().enumerate() {
            f.ensure(BODY_LH);
            f.mark("bullets");
            let y = f.y + BODY * 1.05;
            let x = f.left;
            if i == 0 {
                f.page()
                    .fill_rect(x + 2.0, y - BODY * 0.38, 3.6, 3.6, accent);
            }
            for (dx, run) in line {
                f.page()
                    .text(x + indent + dx, y, BODY, run.bold, INK, &run.text);
            }
            f.y += BODY_LH;
            let y = f.y;
            f.reach(y);
        }
        f.y += 2.5;
    }
}

// ---- Tables ----

fn column_widths(t: &Table, total: f32) -> Vec<f32> {
    let sum: f32 = t.columns.iter().map(|c| c.width.max(0.01)).sum();
    t.columns
        .iter()
        .map(|c| c.width.max(0.01) / sum * total)
        .collect()
}

const RAG_W: f32 = 10.0;

fn cell_lines(cell: &Cell, col_w: f32) -> Vec<String> {
    let bold = cell.bold || cell.rag.is_some();
    let text = match (cell.rag, cell.text.trim().is_empty()) {
        (Some(r), true) => r.word().to_string(),
        _ => cell.text.clone(),
    };
    let avail = (col_w - 2.0 * CELL_PAD_X - if cell.rag.is_some() { RAG_W } else { 0.0 }).max(8.0);
    let mut lines = wrap(&text, TABLE, bold, avail);
    if lines.len() > MAX_CELL_LINES {
        lines.truncate(MAX_CELL_LINES);
        let last = lines.last_mut().unwrap();
        *last = ellipsize(&format!("{last}\u{2026}"), TABLE, bold, avail);
    }
    lines
        .into_iter()
        .map(|l| ellipsize(&l, TABLE, bold, avail))
        .collect()
}

fn header_height(t: &Table, widths: &[f32]) -> f32 {
    let lines = t
        .columns
        .iter()
        .zip(widths)
        .map(|(c, w)| wrap(&c.title, TABLE_HEAD, true, (w - 2.0 * CELL_PAD_X).max(8.0)).len())
        .max()
        .unwrap_or(1)
        .min(3);
    lines as f32 * (TABLE_HEAD * 1.35) + 2.0 * CELL_PAD_Y + 1.0
}

fn row_height(t: &Table, row: &[Cell], widths: &[f32]) -> f32 {
    let lines = (0..t.columns.len())
        .map(|i| {
            row.get(i)
                .map(|c| cell_lines(c, widths[i]).len())
                .unwrap_or(1)
        })
        .max()
        .unwrap_or(1)
        .max(1);
    lines as f32 * TABLE_LH + 2.0 * CELL_PAD_Y
}

fn aligned_x(align: Align, x: f32, w: f32, text_w: f32) -> f32 {
    match align {
        Align::Left => x + CELL_PAD_X,
        Align::Center => x + (w - text_w) / 2.0,
        Align::Right => x + w - CELL_PAD_X - text_w,
    }
}

/// The header row; `cells` gives each column its header-cell node (the first time), `None` on a
/// continuation page, where the repeated header is a pagination artifact.
fn table_header(f: &mut Flow, t: &Table, widths: &[f32], cells: Option<usize>) {
    let h = header_height(t, widths);
    f.mark("table_header");
    let (x0, y0, cw) = (f.left, f.y, f.content_w());
    let accent = f.doc.brand.accent;
    f.page().fill_rect(x0, y0, cw, h, FILL);
    f.page().hline(x0, x0 + cw, y0 + h, accent, 1.0);
    let mut x = x0;
    for (c, &w) in t.columns.iter().zip(widths) {
        match cells {
            Some(row) => {
                f.leaf(NodeKind::HeaderCell, Some(row), &c.title);
            }
            None => f.set_role(Role::Artifact(Artifact::Pagination)),
        }
        let lines = wrap(&c.title, TABLE_HEAD, true, (w - 2.0 * CELL_PAD_X).max(8.0));
        let n = lines.len().min(3);
        for (i, l) in lines.into_iter().take(3).enumerate() {
            let l = if i + 1 == n {
                ellipsize(&l, TABLE_HEAD, true, w - 2.0 * CELL_PAD_X)
            } else {
                l
            };
            let tw = text::width(&l, TABLE_HEAD, true);
            let tx = aligned_x(c.align, x, w, tw);
            let ty = y0 + CELL_PAD_Y + (i as f32 + 1.0) * TABLE_HEAD * 1.35 - TABLE_HEAD * 0.3;
            f.page().text(tx, ty, TABLE_HEAD, true, MUTED, &l);
        }
        x += w;
    }
    f.y += h;
    let y = f.y;
    f.reach(y);
}

fn rag_symbol(page: &mut Page, rag: Rag, x: f32, cy: f32) {
    let c = rag.colour();
    let s = 3.2;
    match rag {
        Rag::Green => page.items.push(Item::Circle {
            cx: x + s,
            cy,
            r: s,
            fill: Some(c),
            stroke: None,
        }),
        Rag::Amber => page.items.push(Item::Polygon {
            points: vec![
                (x + s, cy - s * 1.05),
                (x + 2.0 * s + 0.3, cy + s * 0.85),
                (x - 0.3, cy + s * 0.85),
            ],
            fill: c,
        }),
        Rag::Red => page.fill_rect(x + 0.3, cy - s + 0.3, 2.0 * s - 0.6, 2.0 * s - 0.6, c),
    }
}

fn table(f: &mut Flow, t: &Table) -> Result<(), RenderError> {
    if t.columns.is_empty() {
        return Err(RenderError::Invalid("a table has no columns".into()));
    }
    let widths = column_widths(t, f.content_w());
    let hh = header_height(t, &widths);
    let first = t
        .rows
        .first()
        .map(|r| row_height(t, r, &widths))
        .unwrap_or(0.0);
    f.ensure(hh + first);
    let table = f.node(NodeKind::Table, None, "");
    let head = f.node(NodeKind::Row, Some(table), "");
    table_header(f, t, &widths, Some(head));
    for (ri, row) in t.rows.iter().enumerate() {
        let h = row_height(t, row, &widths).min(f.bottom - f.top - hh - 2.0 * NOTE_LH);
        // Room for the row, and for the "continued" line when more rows follow.
        let more = ri + 1 < t.rows.len();
        let need = h + if more { NOTE_LH } else { 0.0 };
        f.row = Some(ri);
        if f.y + need > f.bottom + 0.01 && f.y + h > f.bottom - NOTE_LH {
            f.set_role(Role::Artifact(Artifact::Pagination));
            let (x, y) = (f.left, f.y + NOTE * 1.2);
            f.page()
                .text(x, y, NOTE, false, MUTED, "Continued on the next page");
            f.new_page();
            f.mark("table_continued");
            let (x, y) = (f.left, f.y + NOTE * 0.95);
            f.page()
                .text(x, y, NOTE, false, MUTED, "Continued from the previous page");
            f.y += NOTE_LH;
            table_header(f, t, &widths, None);
        }
        f.mark("table_row");
        let tr = f.node(NodeKind::Row, Some(table), "");
        let (x0, y0) = (f.left, f.y);
        let mut x = x0;
        for (i, col) in t.columns.iter().enumerate() {
            let w = widths[i];
            f.leaf(NodeKind::Cell, Some(tr), "");
            if let Some(cell) = row.get(i) {
                let lines = cell_lines(cell, w);
                let bold = cell.bold || cell.rag.is_some();
                let colour = match (cell.rag, cell.colour, cell.muted) {
                    (Some(r), _, _) => r.colour(),
                    (None, Some(c), _) => c,
                    (None, None, true) => MUTED,
                    _ => INK,
                };
                let extra = if cell.rag.is_some() { RAG_W } else { 0.0 };
                for (li, l) in lines.iter().enumerate() {
                    let tw = text::width(l, TABLE, bold) + extra;
                    let tx = aligned_x(col.align, x, w, tw);
                    let base = y0 + CELL_PAD_Y + (li as f32 + 1.0) * TABLE_LH - TABLE_LH * 0.27;
                    if li == 0 {
                        if let Some(r) = cell.rag {
                            rag_symbol(f.page(), r, tx, base - TABLE * 0.33);
                        }
                    }
                    f.page().text(tx + extra, base, TABLE, bold, colour, l);
                }
            }
            x += w;
        }
        f.y += h;
        let cw = f.content_w();
        let y = f.y;
        f.page().hline(x0, x0 + cw, y, RULE, 0.5);
        f.reach(y);
    }
    f.row = None;
    Ok(())
}

// ---- Charts ----

fn chart_height(f: &Flow, c: &ChartBlock) -> f32 {
    let cap = c
        .caption
        .as_ref()
        .map(|t| 4.0 + wrap(t, NOTE, false, f.content_w()).len() as f32 * NOTE_LH)
        .unwrap_or(0.0);
    let max = f.bottom - f.top - cap;
    (c.height_mm.max(30.0) * MM).min(max) + cap
}

fn chart(f: &mut Flow, c: &ChartBlock) -> Result<(), RenderError> {
    let total = chart_height(f, c);
    let caption = c
        .caption
        .as_ref()
        .map(|t| wrap(t, NOTE, false, f.content_w()))
        .unwrap_or_default();
    let cap_h = if caption.is_empty() {
        0.0
    } else {
        4.0 + caption.len() as f32 * NOTE_LH
    };
    let h = total - cap_h;
    f.ensure(total);
    f.mark("chart");
    let title = match &c.chart {
        Chart::Trend(t) => t.title.clone(),
        Chart::Bars(b) => b.title.clone(),
    };
    let alt = c
        .alt
        .clone()
        .filter(|a| !a.trim().is_empty())
        .unwrap_or(title);
    let figure = f.leaf(NodeKind::Figure, None, &alt);
    // The charts keep a 14 px inner padding; pull them into the margins by as much so that their
    // title and plot line up with the text column.
    let inset = 14.0 * CHART_SCALE as f32 * CHART_K;
    let (x, y, w) = (f.left - inset, f.y, f.content_w() + 2.0 * inset);
    let size = ((w / CHART_K) as u32, (h / CHART_K) as u32);
    {
        let items = &mut f.pages.last_mut().expect("a page").items;
        let backend = ItemBackend {
            items,
            ox: x,
            oy: y,
            k: CHART_K,
            size,
        };
        let root = backend.into_drawing_area();
        crate::chart::fonts::ensure_registered()?;
        match &c.chart {
            Chart::Trend(t) => {
                trend::validate(t, size.0, size.1)?;
                trend::draw(&root, t, CHART_SCALE)?;
            }
            Chart::Bars(b) => {
                bars::validate(b, size.0, size.1)?;
                bars::draw_bars(&root, b, CHART_SCALE)?;
            }
        }
    }
    f.y += h;
    let y = f.y;
    f.reach(y);
    if !caption.is_empty() {
        f.leaf(NodeKind::Caption, Some(figure), "");
        // The caption is the figure's sibling in the structure, after it.
        if let Some(n) = f.nodes.last_mut() {
            n.parent = f.section;
        }
    }
    for l in caption {
        f.y += NOTE_LH;
        let (x, y) = (f.left, f.y - 2.0);
        f.page().text(x, y, NOTE, false, MUTED, &l);
    }
    if cap_h > 0.0 {
        f.y += 4.0;
    }
    let y = f.y;
    f.reach(y);
    Ok(())
}

// ---- Key figures ----

fn tiles_per_row(f: &Flow, n: usize) -> usize {
    match f.doc.orientation {
        Orientation::Landscape => 4,
        Orientation::Portrait => 3,
    }
    .min(n.max(1))
}

fn key_figures(f: &mut Flow, figures: &[KeyFigure]) {
    let per_row = tiles_per_row(f, figures.len());
    let div = f.node(NodeKind::Div, None, "");
    let cw = f.content_w();
    let tile_w = (cw - TILE_GAP * (per_row as f32 - 1.0)) / per_row as f32;
    let accent = f.doc.brand.accent;
    for row in figures.chunks(per_row) {
        f.ensure(TILE_H);
        f.mark("key_figures");
        let y = f.y;
        for (i, k) in row.iter().enumerate() {
            let x = f.left + i as f32 * (tile_w + TILE_GAP);
            let inner = tile_w - 20.0;
            f.leaf(NodeKind::Paragraph, Some(div), "");
            let p = f.page();
            p.fill_rect(x, y, tile_w, TILE_H, FILL);
            p.fill_rect(x, y, tile_w, 2.4, accent);
            // The label has the tile's width; the status sits at the right of the value's line.
            let label = ellipsize(&k.label.to_uppercase(), 7.5, true, inner);
            p.text(x + 10.0, y + 17.0, 7.5, true, MUTED, &label);
            let mut value_max = inner;
            if let Some(r) = k.rag {
                let word = r.word();
                let ww = text::width(word, 8.0, true);
                let rx = x + tile_w - 10.0 - ww;
                p.text(rx, y + 42.0, 8.0, true, r.colour(), word);
                rag_symbol(p, r, rx - RAG_W, y + 42.0 - 2.8);
                value_max -= ww + RAG_W + 6.0;
            }
            let value = ellipsize(&k.value, 21.0, true, value_max.max(10.0));
            p.text(x + 10.0, y + 44.0, 21.0, true, INK, &value);
            let sub = ellipsize(&k.sub, 8.0, false, inner);
            p.text(x + 10.0, y + 58.0, 8.0, false, MUTED, &sub);
        }
        f.y += TILE_H + TILE_GAP;
        let y = f.y - TILE_GAP;
        f.reach(y);
    }
    f.y -= TILE_GAP;
}

// ---- Cover ----

fn cover(f: &mut Flow, c: &Cover) -> Result<(), RenderError> {
    if f.has_content {
        f.new_page();
    }
    f.mark("cover");
    let i = f.idx();
    f.cover[i] = true;
    f.page().cover = true;
    let (w, h) = (f.width, f.height);
    let accent = f.doc.brand.accent;
    let logo_size = match &f.doc.brand.logo {
        Some(img) => Some(super::image::dimensions(img)?),
        None => None,
    };
    let x = 30.0 * MM;
    let max_w = w - x - 24.0 * MM;
    f.set_role(Role::Artifact(Artifact::Layout));
    // A full-height accent band at the left.
    f.page().fill_rect(0.0, 0.0, 12.0 * MM, h, accent);
    if let Some((iw, ih)) = logo_size {
        // Fit the logo in a 52 × 22 mm box at the top right, keeping its aspect.
        let (bw, bh) = (52.0 * MM, 22.0 * MM);
        let s = (bw / iw as f32).min(bh / ih as f32);
        let (lw, lh) = (iw as f32 * s, ih as f32 * s);
        f.leaf(NodeKind::Figure, None, &format!("Logo of {}", c.client));
        f.page().items.push(Item::Logo {
            x: w - 20.0 * MM - lw,
            y: 20.0 * MM,
            w: lw,
            h: lh,
        });
    }
    if let Some(stamp) = c.stamp.as_deref().filter(|s| !s.trim().is_empty()) {
        // A red band across the top: an internal pack cannot pass for the client's.
        let stamp = stamp.trim().to_uppercase();
        f.set_role(Role::Artifact(Artifact::Layout));
        f.page()
            .fill_rect(12.0 * MM, 0.0, w - 12.0 * MM, 14.0 * MM, STAMP);
        f.leaf(NodeKind::Paragraph, None, "");
        let s = ellipsize(&stamp, 12.0, true, max_w);
        f.page().text(x, 9.0 * MM, 12.0, true, WHITE, &s);
    }
    let mut y = h * 0.36;
    f.leaf(NodeKind::Paragraph, None, "");
    let client = ellipsize(&c.client.to_uppercase(), 13.0, true, max_w);
    f.page().text(x, y, 13.0, true, accent, &client);
    y += 14.0;
    f.leaf(NodeKind::Title, None, "");
    for l in wrap(&c.title, 32.0, true, max_w).into_iter().take(3) {
        y += 38.0;
        f.page().text(x, y, 32.0, true, INK, &l);
    }
    y += 28.0;
    f.leaf(NodeKind::Paragraph, None, "");
    let period = ellipsize(&c.period, 16.0, false, max_w);
    f.page().text(x, y, 16.0, false, MUTED, &period);
    y += 20.0;
    f.set_role(Role::Artifact(Artifact::Layout));
    f.page().fill_rect(x, y, 40.0, 2.4, accent);

    // Facts at the bottom, in three columns.
    let fy = h - 34.0 * MM;
    f.page().hline(x, w - 24.0 * MM, fy - 16.0, RULE, 0.6);
    let col = (w - 24.0 * MM - x) / 3.0;
    for (i, (label, value)) in [
        ("PREPARED BY", &c.prepared_by),
        ("EXPORTED", &c.exported_on),
        ("DATA AS OF", &c.data_as_of),
    ]
    .into_iter()
    .enumerate()
    {
        let cx = x + i as f32 * col;
        f.leaf(NodeKind::Paragraph, None, "");
        f.page().text(cx, fy, 7.5, true, MUTED, label);
        let v = ellipsize(value, 10.5, false, col - 12.0);
        f.page().text(cx, fy + 16.0, 10.5, false, INK, &v);
    }
    let bottom = f.bottom;
    f.reach(bottom);
    // Whatever follows starts on a fresh page.
    f.new_page();
    Ok(())
}
