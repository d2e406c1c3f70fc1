//! Text for the terminal. Imported text (agent, queue and file names, refused values, a
//! received workspace's causes) reaches the terminal in the CLI's text output, and a terminal
//! obeys control sequences in what it prints: clear the screen, set the window title, make an
//! OSC 8 link that shows one address and opens another, hide text with a carriage return.
//! Everything the CLI prints as text goes through [`clean`]: control characters and Unicode's
//! bidirectional controls are shown escaped (`\x1b`, `\u{202e}`), never sent. `--json` output
//! escapes them by JSON's own rules.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;

/// Whether `c` must not reach a terminal as it is: C0 controls but line feed and tab, DEL, C1
/// controls (U+0080–U+009F; some terminals read U+009B as CSI), and the bidirectional
/// embedding, override and isolate controls, which reorder what is shown around them.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character a terminal would obey shown escaped instead.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !unsafe_char(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// Writes `text` to standard output, cleaned. A closed pipe (`qbr metrics ws | head`) is not a
/// failure worth a message.
pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(clean(text).as_bytes());
}

/// Writes `text` to standard error, cleaned.
pub fn err(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(clean(text).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn control_sequences_are_shown_not_obeyed() {
        for (input, want) in [
            ("Billing", "Billing"),
            ("Zoë Ó Briain\tCafé\n", "Zoë Ó Briain\tCafé\n"),
            // Clear screen and move home.
            ("\x1b[2J\x1b[HAnn", "\\x1b[2J\\x1b[HAnn"),
            // Window title (OSC 0, ended by BEL).
            ("\x1b]0;pwned\x07Ann", "\\x1b]0;pwned\\x07Ann"),
            // OSC 8 link ended by ST.
            (
                "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\",
                "\\x1b]8;;http://evil\\x1b\\click\\x1b]8;;\\x1b\\",
            ),
            // A carriage return that would print over the line, DEL, C1 CSI.
            ("ok\rBAD", "ok\\x0dBAD"),
            ("a\x7fb\u{9b}31m", "a\\x7fb\\u{9b}31m"),
            // Right-to-left override: "\u{202e}nimda" shows as "admin".
            (
                "\u{202e}nimda\u{2066}x\u{2069}",
                "\\u{202e}nimda\\u{2066}x\\u{2069}",
            ),
        ] {
            assert_eq!(clean(input), want, "{input:?}");
        }
    }
}
