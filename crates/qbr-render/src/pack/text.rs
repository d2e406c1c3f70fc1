//! Text measurement with the bundled fonts' real advance widths (in points for a size in points),
//! line breaking, and ellipsis truncation. The PDF shows glyphs with exactly these advances (Lato,
//! or a fallback face for what Lato lacks, see `fonts`), so a line measured to fit here fits on
//! paper.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef};

use crate::chart::{BOLD_TTF, REGULAR_TTF};

pub(crate) struct Face {
    /// Advance of each char below U+0250 in 1/1000 em, by code point; other chars are measured
    /// through the font on demand.
    table: Vec<f32>,
    font: FontRef<'static>,
    units: f32,
    /// Ascender and descender (positive down) in em.
    pub ascent: f32,
    pub descent: f32,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Face {
        let font = FontRef::try_from_slice(bytes).expect("the bundled Lato parses");
        let units = font.units_per_em().unwrap_or(1000.0);
        let table = (0u32..0x250)
            .map(|c| {
                char::from_u32(c)
                    .map(|ch| font.h_advance_unscaled(font.glyph_id(ch)) / units * 1000.0)
                    .unwrap_or(0.0)
            })
            .collect();
        Face {
            table,
            ascent: font.ascent_unscaled() / units,
            descent: -font.descent_unscaled() / units,
            font,
            units,
        }
    }

    fn advance(&self, c: char) -> f32 {
        match self.table.get(c as usize) {
            Some(&w) => w,
            None => self.font.h_advance_unscaled(self.font.glyph_id(c)) / self.units * 1000.0,
        }
    }

    /// Width of `text` at `size` points, in points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size / 1000.0
    }
}

pub(crate) fn face(bold: bool) -> &'static Face {
    static REGULAR: OnceLock<Face> = OnceLock::new();
    static BOLD: OnceLock<Face> = OnceLock::new();
    if bold {
        BOLD.get_or_init(|| Face::load(BOLD_TTF))
    } else {
        REGULAR.get_or_init(|| Face::load(REGULAR_TTF))
    }
}

/// Width of `text` at `size` points, in points, in the faces that draw it.
pub(crate) fn width(text: &str, size: f32, bold: bool) -> f32 {
    if !super::fonts::needs_fallback(text, bold) {
        return face(bold).width(text, size);
    }
    super::fonts::runs(text, bold)
        .iter()
        .map(|r| {
            if r.face.is_lato() && !r.missing {
                face(bold).width(r.text, size)
            } else {
                super::fonts::run_width(r, size)
            }
        })
        .sum()
}

/// `text` shortened with an ellipsis until it fits `max` points (empty if not even "…" fits).
pub(crate) fn ellipsize(text: &str, size: f32, bold: bool, max: f32) -> String {
    if width(text, size, bold) <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate = chars.iter().collect::<String>().trim_end().to_string() + "\u{2026}";
        if width(&candidate, size, bold) <= max {
            return candidate;
        }
    }
    String::new()
}

/// A run of text in one weight.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub text: String,
    pub bold: bool,
}

/// Splits `**bold**` markup into runs. An unmatched `**` is kept as text.
pub(crate) fn parse_runs(text: &str, bold: bool) -> Vec<Run> {
    let parts: Vec<&str> = text.split("**").collect();
    if parts.len().is_multiple_of(2) {
        // Unbalanced markers: show the text as written.
        return vec![Run {
            text: text.to_string(),
            bold,
        }];
    }
    parts
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, p)| Run {
            text: p.to_string(),
            bold: bold || i % 2 == 1,
        })
        .collect()
}

/// A laid-out line: runs with their x offsets from the line start.
pub(crate) type Line = Vec<(f32, Run)>;

/// Breaks runs into lines of at most `max` points at spaces; a word longer than a line is broken
/// between characters. Explicit newlines start a new line.
pub(crate) fn wrap_runs(runs: &[Run], size: f32, max: f32) -> Vec<Line> {
    // Words carry their weight; a word may span runs ("**5**%"), so pieces are glued until a space.
    #[derive(Clone)]
    enum Tok {
        Word(Vec<Run>),
        Newline,
    }
    let mut toks: Vec<Tok> = Vec::new();
    let mut current: Vec<Run> = Vec::new();
    let flush = |current: &mut Vec<Run>, toks: &mut Vec<Tok>| {
        if !current.is_empty() {
            toks.push(Tok::Word(std::mem::take(current)));
        }
    };
    for run in runs {
        let mut piece = String::new();
        for c in run.text.chars() {
            if c == ' ' || c == '\n' || c == '\t' {
                if !piece.is_empty() {
                    current.push(Run {
                        text: std::mem::take(&mut piece),
                        bold: run.bold,
                    });
                }
                flush(&mut current, &mut toks);
                if c == '\n' {
                    toks.push(Tok::Newline);
                }
            } else {
                piece.push(c);
            }
        }
        if !piece.is_empty() {
            current.push(Run {
                text: piece,
                bold: run.bold,
            });
        }
    }
    flush(&mut current, &mut toks);

    let word_width = |w: &[Run]| w.iter().map(|r| width(&r.text, size, r.bold)).sum::<f32>();
    let mut lines: Vec<Line> = Vec::new();
    let mut line: Line = Vec::new();
    let mut x = 0.0f32;
    let push_word = |line: &mut Line, x: &mut f32, word: &[Run], space_bold: bool| {
        if !line.is_empty() {
            *x += width(" ", size, space_bold);
        }
        for r in word {
            // Merge with the previous run of the same weight when directly adjacent.
            let w = width(&r.text, size, r.bold);
            line.push((*x, r.clone()));
            *x += w;
        }
    };
    for tok in toks {
        match tok {
            Tok::Newline => {
                lines.push(std::mem::take(&mut line));
                x = 0.0;
            }
            Tok::Word(word) => {
                let ww = word_width(&word);
                let space = if line.is_empty() {
                    0.0
                } else {
                    width(" ", size, false)
                };
                if x + space + ww <= max || line.is_empty() && ww <= max {
                    push_word(&mut line, &mut x, &word, false);
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    x = 0.0;
                }
                if ww <= max {
                    push_word(&mut line, &mut x, &word, false);
                    continue;
                }
                // A word wider than the line: break it between characters.
                for r in word {
                    let mut piece = String::new();
                    for c in r.text.chars() {
                        let cw = width(&c.to_string(), size, r.bold);
                        if x + width(&piece, size, r.bold) + cw > max
                            && (x > 0.0 || !piece.is_empty())
                        {
                            if !piece.is_empty() {
                                let pw = width(&piece, size, r.bold);
                                line.push((
                                    x,
                                    Run {
                                        text: std::mem::take(&mut piece),
                                        bold: r.bold,
                                    },
                                ));
                                let _ = pw;
                            }
                            lines.push(std::mem::take(&mut line));
                            x = 0.0;
                        }
                        piece.push(c);
                    }
                    if !piece.is_empty() {
                        let pw = width(&piece, size, r.bold);
                        line.push((
                            x,
                            Run {
                                text: piece,
                                bold: r.bold,
                            },
                        ));
                        x += pw;
                    }
                }
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    // Join adjacent runs of one weight separated by exactly a space, so the PDF has whole phrases.
    lines
        .into_iter()
        .map(|l| {
            let mut out: Line = Vec::new();
            for (x, r) in l {
                if let Some((px, prev)) = out.last_mut() {
                    let end = *px + width(&prev.text, size, prev.bold);
                    let sp = width(" ", size, false);
                    if prev.bold == r.bold
                        && ((x - end - sp).abs() < 0.01 || (x - end).abs() < 0.01)
                    {
                        if (x - end).abs() >= 0.01 {
                            prev.text.push(' ');
                        }
                        prev.text.push_str(&r.text);
                        continue;
                    }
                }
                out.push((x, r));
            }
            out
        })
        .collect()
}

/// Plain text wrapped into line strings.
pub(crate) fn wrap(text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    wrap_runs(
        &[Run {
            text: text.to_string(),
            bold,
        }],
        size,
        max,
    )
    .into_iter()
    .map(|l| {
        l.into_iter()
            .map(|(_, r)| r.text)
            .collect::<Vec<_>>()
            .join(" ")
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_the_font() {
        // Lato Regular: "i" is far narrower than "W"; widths scale with the size.
        assert!(width("W", 10.0, false) > 2.0 * width("i", 10.0, false));
        let w10 = width("Handled calls", 10.0, false);
        assert!((width("Handled calls", 20.0, false) - 2.0 * w10).abs() < 1e-3);
        assert!(width("Handled calls", 10.0, true) > w10, "bold is wider");
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let text = "Service level recovered after the overflow rule moved billing calls to the second site in week 33.";
        let lines = wrap(text, 10.0, false, 120.0);
        assert!(lines.len() >= 3, "{lines:?}");
        for l in &lines {
            assert!(width(l, 10.0, false) <= 120.0, "{l} overflows");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn an_overlong_word_is_broken_inside_the_box() {
        let lines = wrap(
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            10.0,
            false,
            50.0,
        );
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l, 10.0, false) <= 50.0));
        assert_eq!(lines.concat().len(), 40);
    }

    #[test]
    fn ellipsis_truncates_to_fit() {
        let t = ellipsize("A very long client name that cannot fit", 10.0, false, 60.0);
        assert!(
            t.ends_with('\u{2026}') && width(&t, 10.0, false) <= 60.0,
            "{t}"
        );
        assert_eq!(ellipsize("Short", 10.0, false, 60.0), "Short");
    }

    #[test]
    fn bold_runs_are_parsed_and_wrapped() {
        let runs = parse_runs("AHT rose **12%** in August", false);
        assert_eq!(runs.len(), 3);
        assert!(runs[1].bold && runs[1].text == "12%");
        let lines = wrap_runs(&runs, 10.0, 1000.0);
        assert_eq!(lines.len(), 1);
        let texts: Vec<(&str, bool)> = lines[0]
            .iter()
            .map(|(_, r)| (r.text.as_str(), r.bold))
            .collect();
        assert_eq!(
            texts,
            [("AHT rose", false), ("12%", true), ("in August", false)]
        );
    }
}
