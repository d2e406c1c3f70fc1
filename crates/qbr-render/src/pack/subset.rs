//! Font subsetting that keeps glyph ids: every glyph the document does not use (or that no used
//! composite glyph refers to) gets an empty outline, and the tables a PDF viewer never reads
//! (OpenType layout, kerning, glyph names) are dropped. Glyph ids, advance widths and the cmap stay
//! as they are, so the preview's `<text>` maps characters to glyphs as the PDF does. Used for the
//! Lato embedded in every preview page (the PDF's own subsets are krilla's); this keeps each face
//! to tens of kilobytes.

use std::collections::BTreeSet;

use ab_glyph::{Font, FontRef};

use super::page::{Item, Layout};
use crate::chart::{BOLD_TTF, REGULAR_TTF};

fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(o..o + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(o..o + 4)?.try_into().ok()?))
}

fn checksum(data: &[u8]) -> u32 {
    let mut sum = 0u32;
    for chunk in data.chunks(4) {
        let mut w = [0u8; 4];
        w[..chunk.len()].copy_from_slice(chunk);
        sum = sum.wrapping_add(u32::from_be_bytes(w));
    }
    sum
}

/// Tables kept in the subset: what TrueType rendering and the PDF font dictionary need.
const KEEP: [&[u8; 4]; 13] = [
    b"OS/2", b"cmap", b"cvt ", b"fpgm", b"gasp", b"glyf", b"head", b"hhea", b"hmtx", b"loca",
    b"maxp", b"name", b"prep",
];

/// The font with only `glyphs` (plus .notdef and composite components) keeping outlines. `None`
/// if the font is not a glyf-based TrueType font this understands; the caller then embeds it whole.
pub(crate) fn subset(font: &[u8], glyphs: &BTreeSet<u16>) -> Option<Vec<u8>> {
    let num_tables = u16_at(font, 4)? as usize;
    let mut tables: Vec<([u8; 4], &[u8])> = Vec::with_capacity(num_tables);
    for i in 0..num_tables {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font.get(rec..rec + 4)?.try_into().ok()?;
        let off = u32_at(font, rec + 8)? as usize;
        let len = u32_at(font, rec + 12)? as usize;
        tables.push((tag, font.get(off..off + len)?));
    }
    let table = |t: &[u8; 4]| tables.iter().find(|(tag, _)| tag == t).map(|(_, d)| *d);
    let head = table(b"head")?;
    let maxp = table(b"maxp")?;
    let loca = table(b"loca")?;
    let glyf = table(b"glyf")?;
    let long = u16_at(head, 50)? == 1;
    let n = u16_at(maxp, 4)? as usize;
    let offset = |g: usize| -> Option<usize> {
        if long {
            u32_at(loca, g * 4).map(|v| v as usize)
        } else {
            u16_at(loca, g * 2).map(|v| v as usize * 2)
        }
    };
    let glyph = |g: usize| -> Option<&[u8]> { glyf.get(offset(g)?..offset(g + 1)?) };

    // Close over composite components.
    let mut keep: BTreeSet<u16> = glyphs
        .iter()
        .copied()
        .filter(|&g| (g as usize) < n)
        .collect();
    keep.insert(0);
    let mut todo: Vec<u16> = keep.iter().copied().collect();
    while let Some(g) = todo.pop() {
        let data = glyph(g as usize)?;
        if data.len() < 10 || (u16_at(data, 0)? as i16) >= 0 {
            continue;
        }
        let mut p = 10;
        loop {
            let flags = u16_at(data, p)?;
            let component = u16_at(data, p + 2)?;
            if (component as usize) < n && keep.insert(component) {
                todo.push(component);
            }
            p += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
            p += if flags & 0x0008 != 0 {
                2
            } else if flags & 0x0040 != 0 {
                4
            } else if flags & 0x0080 != 0 {
                8
            } else {
                0
            };
            if flags & 0x0020 == 0 {
                break;
            }
        }
    }

    // New glyf and (long) loca.
    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity((n + 1) * 4);
    for g in 0..n {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if keep.contains(&(g as u16)) {
            new_glyf.extend_from_slice(glyph(g)?);
            while !new_glyf.len().is_multiple_of(4) {
                new_glyf.push(0);
            }
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    let mut new_head = head.to_vec();
    new_head[50..52].copy_from_slice(&1u16.to_be_bytes());
    new_head[8..12].copy_from_slice(&0u32.to_be_bytes());

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = Vec::new();
    for (tag, data) in &tables {
        if !KEEP.contains(&tag) {
            continue;
        }
        let data = match tag {
            b"glyf" => std::mem::take(&mut new_glyf),
            b"loca" => std::mem::take(&mut new_loca),
            b"head" => new_head.clone(),
            _ => data.to_vec(),
        };
        out_tables.push((*tag, data));
    }
    // post version 3: no glyph names.
    if let Some(post) = table(b"post") {
        let mut p = post.get(..32)?.to_vec();
        p[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
        out_tables.push((*b"post", p));
    }
    out_tables.sort_by_key(|t| t.0);

    let count = out_tables.len() as u16;
    let mut pow = 1u16;
    let mut log = 0u16;
    while pow * 2 <= count {
        pow *= 2;
        log += 1;
    }
    let mut out = Vec::new();
    out.extend_from_slice(&font[0..4]);
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&(pow * 16).to_be_bytes());
    out.extend_from_slice(&log.to_be_bytes());
    out.extend_from_slice(&(count * 16 - pow * 16).to_be_bytes());
    let mut off = 12 + 16 * out_tables.len();
    let mut body = Vec::new();
    for (tag, data) in &out_tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(off as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        body.extend_from_slice(data);
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        off = 12 + 16 * out_tables.len() + body.len();
    }
    out.extend_from_slice(&body);
    Some(out)
}

/// The glyph ids of every character shown, per face (regular, bold).
pub(crate) fn used_glyphs(layout: &Layout) -> (BTreeSet<u16>, BTreeSet<u16>) {
    let (mut regular, mut bold) = (BTreeSet::new(), BTreeSet::new());
    let faces = (
        FontRef::try_from_slice(REGULAR_TTF).ok(),
        FontRef::try_from_slice(BOLD_TTF).ok(),
    );
    let mut chars: (BTreeSet<char>, BTreeSet<char>) = Default::default();
    // What no face has is drawn as Lato's □.
    chars.0.insert(super::fonts::MISSING);
    chars.1.insert(super::fonts::MISSING);
    for page in &layout.pages {
        for item in &page.items {
            if let Item::Text { bold: b, text, .. } = item {
                let set = if *b { &mut chars.1 } else { &mut chars.0 };
                set.extend(text.chars());
            }
        }
    }
    if let (Some(r), Some(b)) = &faces {
        regular.extend(chars.0.iter().map(|&c| r.glyph_id(c).0));
        bold.extend(chars.1.iter().map(|&c| b.glyph_id(c).0));
    }
    (regular, bold)
}

/// The document's two faces, subset to the glyphs it shows (regular, bold).
pub(crate) fn document_fonts(layout: &Layout) -> (Vec<u8>, Vec<u8>) {
    let (r, b) = used_glyphs(layout);
    (
        subset(REGULAR_TTF, &r).unwrap_or_else(|| REGULAR_TTF.to_vec()),
        subset(BOLD_TTF, &b).unwrap_or_else(|| BOLD_TTF.to_vec()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unused_outlines_are_dropped_and_used_ones_kept() {
        let full = crate::chart::REGULAR_TTF;
        let f = FontRef::try_from_slice(full).unwrap();
        let used: BTreeSet<u16> = "Service level 82%"
            .chars()
            .map(|c| f.glyph_id(c).0)
            .collect();
        let small = subset(full, &used).expect("Lato is a glyf font");
        assert!(
            small.len() * 5 < full.len(),
            "{} of {} bytes",
            small.len(),
            full.len()
        );
        let s = FontRef::try_from_slice(&small).expect("the subset parses");
        for c in "Service level 82%".chars() {
            let (a, b) = (f.glyph_id(c), s.glyph_id(c));
            assert_eq!(a, b, "glyph ids are kept for {c:?}");
            assert_eq!(
                f.h_advance_unscaled(a),
                s.h_advance_unscaled(b),
                "advance of {c:?}"
            );
            if c != ' ' {
                assert!(s.outline(b).is_some(), "{c:?} keeps its outline");
            }
        }
        assert!(
            s.outline(s.glyph_id('Q')).is_none(),
            "an unused glyph is empty"
        );
    }
}
