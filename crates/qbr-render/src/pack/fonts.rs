//! The pack's faces and how a line of text is split between them. Lato (regular, bold) draws
//! everything it has glyphs for; what it lacks goes to a bundled fallback: Noto Sans Arabic,
//! Noto Sans Hebrew, then Droid Sans Fallback (Chinese, Japanese, Korean). A character no face
//! has is drawn as Lato's "□" (U+25A1) and keeps its own code in the PDF's text layer.
//!
//! Promises:
//! - The layout measures, the PDF draws and the preview outlines the very same glyphs at the same
//!   advances: Lato by its `cmap` and `hmtx` (no kerning, as the PDF is written), a fallback run
//!   shaped by rustybuzz (so Arabic joins and reads right to left inside its run).
//! - Spaces and punctuation between two runs of one fallback face stay in that run, so a phrase
//!   of Arabic or Hebrew keeps its words in right-to-left order.

use std::io::Read;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef};

use crate::chart::{BOLD_TTF, REGULAR_TTF};

pub(crate) static ARABIC_TTF: &[u8] = include_bytes!("../../fonts/NotoSansArabic-Regular.ttf");
pub(crate) static HEBREW_TTF: &[u8] = include_bytes!("../../fonts/NotoSansHebrew-Regular.ttf");
static CJK_ZLIB: &[u8] = include_bytes!("../../fonts/DroidSansFallback.ttf.zlib");

/// The bundled CJK fallback, inflated on first use.
pub(crate) fn cjk_ttf() -> &'static [u8] {
    static CJK: OnceLock<Vec<u8>> = OnceLock::new();
    CJK.get_or_init(|| {
        let mut out = Vec::with_capacity(3_400_000);
        flate2::read::ZlibDecoder::new(CJK_ZLIB)
            .read_to_end(&mut out)
            .expect("the bundled Droid Sans Fallback inflates");
        out
    })
}

/// A face of the pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum FaceId {
    Regular,
    Bold,
    Arabic,
    Hebrew,
    Cjk,
}

impl FaceId {
    pub(crate) const FALLBACKS: [FaceId; 3] = [FaceId::Arabic, FaceId::Hebrew, FaceId::Cjk];

    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            FaceId::Regular => REGULAR_TTF,
            FaceId::Bold => BOLD_TTF,
            FaceId::Arabic => ARABIC_TTF,
            FaceId::Hebrew => HEBREW_TTF,
            FaceId::Cjk => cjk_ttf(),
        }
    }

    /// The face as rustybuzz (and ttf-parser) read it.
    pub(crate) fn shaper(self) -> &'static rustybuzz::Face<'static> {
        static FACES: [OnceLock<rustybuzz::Face<'static>>; 5] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        FACES[self as usize].get_or_init(|| {
            rustybuzz::Face::from_slice(self.bytes(), 0).expect("a bundled font parses")
        })
    }

    fn lato(bold: bool) -> FaceId {
        if bold {
            FaceId::Bold
        } else {
            FaceId::Regular
        }
    }

    pub(crate) fn is_lato(self) -> bool {
        matches!(self, FaceId::Regular | FaceId::Bold)
    }
}

fn lato_ref(bold: bool) -> &'static FontRef<'static> {
    static R: OnceLock<FontRef<'static>> = OnceLock::new();
    static B: OnceLock<FontRef<'static>> = OnceLock::new();
    if bold {
        B.get_or_init(|| FontRef::try_from_slice(BOLD_TTF).expect("Lato Bold parses"))
    } else {
        R.get_or_init(|| FontRef::try_from_slice(REGULAR_TTF).expect("Lato parses"))
    }
}

/// Lato's glyph for `c`, if it has one.
pub(crate) fn lato_glyph(c: char, bold: bool) -> Option<u16> {
    let id = lato_ref(bold).glyph_id(c).0;
    (id != 0).then_some(id)
}

/// Lato's advance of glyph `id` in em.
pub(crate) fn lato_advance(id: u16, bold: bool) -> f32 {
    let f = lato_ref(bold);
    f.h_advance_unscaled(ab_glyph::GlyphId(id)) / f.units_per_em().unwrap_or(2000.0)
}

/// What Lato draws for a character no face has.
pub(crate) const MISSING: char = '\u{25A1}';

/// A piece of a line drawn in one face. `missing` runs are characters no face has, drawn as
/// [`MISSING`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run<'a> {
    pub face: FaceId,
    pub text: &'a str,
    pub missing: bool,
}

fn fallback_for(c: char) -> Option<FaceId> {
    FaceId::FALLBACKS
        .into_iter()
        .find(|f| f.shaper().glyph_index(c).is_some())
}

fn neutral(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation() || c.is_ascii_digit()
}

/// `text` split into runs by the face that draws each character (see the module's promises).
pub(crate) fn runs(text: &str, bold: bool) -> Vec<Run<'_>> {
    let lato = FaceId::lato(bold);
    if text
        .chars()
        .all(|c| (c as u32) < 0x250 || lato_glyph(c, bold).is_some())
    {
        return vec![Run {
            face: lato,
            text,
            missing: false,
        }];
    }
    // (byte offset, face, missing) per char.
    let mut cells: Vec<(usize, FaceId, bool)> = text
        .char_indices()
        .map(|(i, c)| {
            if lato_glyph(c, bold).is_some() || c.is_whitespace() {
                (i, lato, false)
            } else {
                match fallback_for(c) {
                    Some(f) => (i, f, false),
                    None => (i, lato, true),
                }
            }
        })
        .collect();
    // Neutral characters between two runs of one fallback face join it when it has them.
    let chars: Vec<char> = text.chars().collect();
    let mut k = 0;
    while k < cells.len() {
        if !(neutral(chars[k]) && cells[k].1.is_lato()) {
            k += 1;
            continue;
        }
        let start = k;
        while k < cells.len() && neutral(chars[k]) && cells[k].1.is_lato() {
            k += 1;
        }
        let before = start.checked_sub(1).map(|i| cells[i].1);
        let after = cells.get(k).map(|c| c.1);
        if let (Some(b), Some(a)) = (before, after) {
            if b == a
                && !b.is_lato()
                && chars[start..k]
                    .iter()
                    .all(|&c| b.shaper().glyph_index(c).is_some())
            {
                for cell in &mut cells[start..k] {
                    cell.1 = b;
                }
            }
        }
    }
    let mut out: Vec<Run> = Vec::new();
    let mut begin = 0;
    for i in 1..=cells.len() {
        let split =
            i == cells.len() || (cells[i].1, cells[i].2) != (cells[begin].1, cells[begin].2);
        if split {
            let end = cells.get(i).map_or(text.len(), |c| c.0);
            out.push(Run {
                face: cells[begin].1,
                text: &text[cells[begin].0..end],
                missing: cells[begin].2,
            });
            begin = i;
        }
    }
    out
}

/// One glyph placed along a run: advances and offsets in em, `range` the bytes of the run's text
/// it stands for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Placed {
    pub id: u16,
    pub x_advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    pub range: std::ops::Range<usize>,
}

/// The glyphs of `run`, left to right as they are drawn.
pub(crate) fn shape(run: &Run) -> Vec<Placed> {
    if run.face.is_lato() {
        let bold = run.face == FaceId::Bold;
        return run
            .text
            .char_indices()
            .map(|(i, c)| {
                let c = if run.missing { MISSING } else { c };
                let id = lato_ref(bold).glyph_id(c).0;
                Placed {
                    id,
                    x_advance: lato_advance(id, bold),
                    x_offset: 0.0,
                    y_offset: 0.0,
                    range: i..i + run.text[i..].chars().next().map_or(1, char::len_utf8),
                }
            })
            .collect();
    }
    let face = run.face.shaper();
    let upem = face.units_per_em() as f32;
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(run.text);
    buffer.guess_segment_properties();
    let ltr = buffer.direction() != rustybuzz::Direction::RightToLeft;
    let output = rustybuzz::shape(face, &[], buffer);
    let infos = output.glyph_infos();
    let positions = output.glyph_positions();
    let mut out = Vec::with_capacity(infos.len());
    for i in 0..infos.len() {
        let cluster = infos[i].cluster;
        // The run's text this glyph covers ends where the next cluster (in logical order) starts.
        let end = if ltr {
            infos[i..]
                .iter()
                .find(|g| g.cluster != cluster)
                .map_or(run.text.len(), |g| g.cluster as usize)
        } else {
            infos[..i]
                .iter()
                .rev()
                .find(|g| g.cluster != cluster)
                .map_or(run.text.len(), |g| g.cluster as usize)
        };
        let p = positions[i];
        out.push(Placed {
            id: infos[i].glyph_id as u16,
            x_advance: p.x_advance as f32 / upem,
            x_offset: p.x_offset as f32 / upem,
            y_offset: p.y_offset as f32 / upem,
            range: cluster as usize..end.max(cluster as usize),
        });
    }
    out
}

/// The width of a run at `size` points.
pub(crate) fn run_width(run: &Run, size: f32) -> f32 {
    shape(run).iter().map(|g| g.x_advance).sum::<f32>() * size
}

/// Whether any character of `text` needs a face other than Lato (or none has it).
pub(crate) fn needs_fallback(text: &str, bold: bool) -> bool {
    text.chars()
        .any(|c| (c as u32) >= 0x250 && lato_glyph(c, bold).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_stays_one_lato_run() {
        let r = runs("Service level 77.8% ≥ 82.0%", false);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].face, FaceId::Regular);
    }

    #[test]
    fn each_script_goes_to_the_face_that_has_it() {
        let r = runs("Agent 田中 太郎 and שרה כהן and مريم", true);
        let faces: Vec<(FaceId, &str)> = r.iter().map(|r| (r.face, r.text)).collect();
        assert_eq!(
            faces,
            vec![
                (FaceId::Bold, "Agent "),
                (FaceId::Cjk, "田中 太郎"),
                (FaceId::Bold, " and "),
                (FaceId::Hebrew, "שרה כהן"),
                (FaceId::Bold, " and "),
                (FaceId::Arabic, "مريم"),
            ],
            "a space between two words of one fallback face stays in its run (the Hebrew name \
             keeps its right-to-left word order)"
        );
    }

    #[test]
    fn a_character_no_face_has_is_marked_missing() {
        let r = runs("ok 🎉", false);
        assert_eq!(r.last().unwrap().text, "🎉");
        assert!(r.last().unwrap().missing);
        let g = shape(r.last().unwrap());
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].id, lato_glyph(MISSING, false).unwrap(), "drawn as □");
    }

    #[test]
    fn arabic_is_shaped_right_to_left_with_joined_forms() {
        let run = Run {
            face: FaceId::Arabic,
            text: "مريم",
            missing: false,
        };
        let g = shape(&run);
        assert_eq!(g.len(), 4);
        // Visual order is the reverse of logical order: the first glyph drawn is the last letter.
        assert_eq!(g[0].range.start, "مري".len());
        let isolated: Vec<u16> = "مريم"
            .chars()
            .map(|c| FaceId::Arabic.shaper().glyph_index(c).unwrap().0)
            .collect();
        assert_ne!(
            g.iter().rev().map(|p| p.id).collect::<Vec<_>>(),
            isolated,
            "joined letters take their contextual forms"
        );
        assert!(run_width(&run, 10.0) > 5.0);
    }
}
