//! The few pieces of XML writing the deck needs: escaping, the namespaces, the XML declaration,
//! and lengths in EMU (English Metric Units: 914,400 an inch, 12,700 a point).

pub(crate) const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
pub(crate) const NS_A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
pub(crate) const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub(crate) const NS_P: &str = "http://schemas.openxmlformats.org/presentationml/2006/main";
pub(crate) const NS_C: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";
pub(crate) const NS_PKG_RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
pub(crate) const NS_CT: &str = "http://schemas.openxmlformats.org/package/2006/content-types";
pub(crate) const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// `xmlns:a`, `xmlns:r` and `xmlns:p`, for a PresentationML part's root.
pub(crate) fn pml_ns() -> String {
    format!("xmlns:a=\"{NS_A}\" xmlns:r=\"{NS_R}\" xmlns:p=\"{NS_P}\"")
}

/// Text as XML character data or an attribute value: `&`, `<`, `>`, quotes escaped, and the
/// characters XML 1.0 cannot hold at all (C0 controls other than tab, newline and return, lone
/// surrogates cannot occur in a `str`, U+FFFE/U+FFFF) left out, so imported text can never break
/// a part.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

pub(crate) const EMU_PER_PT: f64 = 12_700.0;

/// Points to EMU, rounded.
pub(crate) fn emu(points: f64) -> i64 {
    (points * EMU_PER_PT).round() as i64
}

/// A relationships part.
pub(crate) fn rels(entries: &[(String, &str, String)]) -> String {
    let mut s = format!("{DECL}<Relationships xmlns=\"{NS_PKG_RELS}\">");
    for (id, kind, target) in entries {
        s.push_str(&format!(
            "<Relationship Id=\"{}\" Type=\"{}\" Target=\"{}\"/>",
            esc(id),
            esc(kind),
            esc(target)
        ));
    }
    s.push_str("</Relationships>");
    s
}

/// `RRGGBB` of an sRGB colour.
pub(crate) fn hex(c: crate::pack::Rgb) -> String {
    format!("{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_markup_and_control_characters_out_of_a_part() {
        assert_eq!(
            esc("<b>A & B's \"x\"\u{1b}[31m\u{0}"),
            "&lt;b&gt;A &amp; B&apos;s &quot;x&quot;[31m"
        );
        assert_eq!(emu(1.0), 12_700);
        assert_eq!(emu(72.0), 914_400);
    }
}
