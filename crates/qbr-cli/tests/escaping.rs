//! Imported text that tries to break the PDF or the preview SVG: agent, queue and program names
//! and a cause's text holding PDF string syntax (`) Tj ET (`, `\`, unbalanced parentheses,
//! `%PDF`), markup (`<script>`, `&amp;`, quotes), non-Latin and right-to-left text and emoji.
//! The pack is exported for both audiences with the real `qbr`; `qpdf --check` must pass, and
//! `pdftotext` must read every string back literally (agents only in the internal pack; the
//! client pack shows pseudonyms). The preview SVG of every page must parse as XML with no
//! element or attribute coming from the data, and its text must hold the same strings.
//!
//! Lato 2.0 covers Latin, Greek and Cyrillic; Hebrew, Arabic and CJK are drawn in the bundled
//! fallback fonts, and an emoji (which no bundled font has) as Lato's □ carrying its own code. So
//! `pdftotext` reads every string back: right-to-left runs come back in their own order between
//! bidi marks, so lines are compared word by word ([`words`]). The preview draws the fallback
//! runs as outlines of the same glyphs: there, a name is its Lato words as text ([`lato_words`]).

mod common;

use std::io::Write;
use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{arg, ok_json, tool};
use qbr_api::pack::{default_pack_definition, preview_pack};
use qbr_api::PackMetricChoice;
use quick_xml::events::Event;
use quick_xml::XmlVersion;

/// Agent names: each is shown in the internal pack's agent breakdown.
const AGENTS: [&str; 9] = [
    "Ann ) Tj ET (BT",
    r"Back\slash \\ Bo",
    "<script>x</script>",
    "%PDF-1.7 Eve",
    "(Paren (open",
    "Zoë Łukasz Ørsted",
    "Ωmega Ярослава",
    "Say \"hi\" & 'bye'",
    "שלום Dana مرحبا",
];
/// Queue names: the queue breakdown.
const QUEUES: [&str; 3] = ["Billing ) Tj (", "<b>Q&amp;A</b>", "李小龙 Sales 😀"];
/// The hostile program, beside a plain one (a breakdown needs two members to be drawn).
const PROGRAM: &str = r"Prog \ (x) <y> %PDF";
const CAUSE_TITLE: &str = "Outage ) Tj ET ( <script>alert('x')</script>";
const CAUSE_TEXT: &str = r"Backslash \ and (a(b)c) %PDF-1.4 endstream שלום 😀 done.";

/// A contacts CSV of July to September 2026 using the names above.
fn hostile_csv(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("hostile_names.csv");
    let mut f = std::fs::File::create(&p).unwrap();
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    writeln!(
        f,
        "contact_id,started_at,channel,program,queue,agent,outcome,wait_s,talk_s,hold_s,wrap_s,transferred,resolved,csat"
    )
    .unwrap();
    for i in 0..900 {
        let month = 7 + i % 3;
        let day = 1 + (i / 3) % 28;
        let outcome = if i % 11 == 0 { "abandoned" } else { "handled" };
        writeln!(
            f,
            "E{i},2026-{month:02}-{day:02}T{:02}:{:02}:00Z,voice,{},{},{},{outcome},{},{},{},{},{},{},{}",
            9 + i % 8,
            i % 60,
            q(if i % 2 == 0 { PROGRAM } else { "Plain" }),
            q(QUEUES[i % QUEUES.len()]),
            q(AGENTS[i % AGENTS.len()]),
            5 + i % 90,
            150 + i % 300,
            i % 20,
            15 + i % 40,
            if i % 6 == 0 { "Y" } else { "N" },
            if i % 4 == 0 { "N" } else { "Y" },
            1 + i % 5
        )
        .unwrap();
    }
    p
}

/// The workspace: the hostile file imported and a client-visible cause with hostile text.
fn workspace(dir: &Path) -> std::path::PathBuf {
    let ws = dir.join("escaping.qbr");
    ok_json(&[
        "init",
        arg(&ws),
        "--client",
        "Escape ) Tj ( <Client>",
        "--timezone",
        "UTC",
        "--json",
    ]);
    let csv = hostile_csv(dir);
    let report = ok_json(&["import", arg(&ws), arg(&csv), "--json"]);
    assert_eq!(
        report[0]["rows_taken"].as_u64(),
        Some(900),
        "every row is taken: {report}"
    );
    let out = common::qbr(&[
        "cause",
        arg(&ws),
        "add",
        "--metric",
        "aht",
        "--from",
        "2026-08-01",
        "--to",
        "2026-08-31",
        "--category",
        "technology",
        "--title",
        CAUSE_TITLE,
        "--description",
        CAUSE_TEXT,
        "--visibility",
        "client",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ws
}

/// Exports the Q3 pack with an AHT page by `dim` for `audience` and returns the PDF's text.
fn export(ws: &Path, out: &Path, audience: &str, dim: &str) -> String {
    ok_json(&[
        "export",
        arg(ws),
        "--period",
        "2026-Q3",
        "--out",
        arg(out),
        "--audience",
        audience,
        "--metric",
        &format!("aht={dim}"),
        "--metric",
        "service_level=program",
        "--prepared-by",
        "Pat ) Tj ( \\ <me>",
        "--json",
    ]);
    let check = tool("qpdf", &["--check", arg(out)]);
    // No warning either (qpdf exits 0 with warnings too).
    assert!(!check.contains("WARNING"), "{check}");
    assert!(
        check.contains("No syntax or stream encoding errors found"),
        "{check}"
    );
    tool("pdftotext", &[arg(out), "-"])
}

/// Characters a fallback face draws (Hebrew, Arabic, CJK) or none does (emoji).
fn fallback(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x06FF | 0x3000..=0x9FFF | 0x1F000..=0x1FAFF)
}

/// The words of `s`, sorted: how a line compares whatever order bidi gives its runs.
fn words(s: &str) -> Vec<String> {
    let mut w: Vec<String> = s
        .chars()
        .filter(|c| !matches!(*c as u32, 0x200E | 0x200F | 0x202A..=0x202E))
        .collect::<String>()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    w.sort();
    w
}

/// The words of `s` Lato draws: what the preview keeps as text.
fn lato_words(s: &str) -> Vec<String> {
    s.split_whitespace()
        .filter(|w| !w.chars().any(fallback))
        .map(str::to_string)
        .collect()
}

/// The PDF's lines, spaces collapsed and bidi marks removed.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| words_in_order(l).join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

fn words_in_order(s: &str) -> Vec<String> {
    s.chars()
        .filter(|c| !matches!(*c as u32, 0x200E | 0x200F | 0x202A..=0x202E))
        .collect::<String>()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn has_line(text: &str, want: &str) -> bool {
    lines(text).iter().any(|l| l == want)
}

/// The characters of `s` but spaces and bidi marks, sorted: `pdftotext` puts a right-to-left
/// run between bidi marks and may move a space across its edge, so a line is compared by the
/// characters it holds.
fn letters(s: &str) -> Vec<char> {
    let mut c: Vec<char> = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(*c as u32, 0x200E | 0x200F | 0x202A..=0x202E))
        .collect();
    c.sort();
    c
}

/// Whether some line of `text` holds exactly the characters of `want`.
fn has_words(text: &str, want: &str) -> bool {
    let w = letters(want);
    text.lines().any(|l| letters(l) == w)
}

#[test]
fn imported_text_is_shown_literally_in_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());

    // Internal: agents by name, each as its own chart label, every character of it.
    let internal = export(&ws, &dir.path().join("internal.pdf"), "internal", "agent");
    for a in AGENTS {
        assert!(
            has_words(&internal, a),
            "the internal pack shows the agent {a:?}:\n{internal}"
        );
    }
    for s in ["Escape ) Tj ( <Client>", "Pat ) Tj ( \\ <me>", PROGRAM] {
        assert!(has_line(&internal, s), "{s:?} is a line of:\n{internal}");
    }
    let cause = lines(&internal).join("\n");
    assert!(cause.contains(CAUSE_TITLE), "the cause's title, literally");
    // The description may wrap and its Hebrew run come back in its own order: every word.
    let all: Vec<String> = words(&internal);
    for w in words(CAUSE_TEXT) {
        assert!(all.contains(&w), "the cause's word {w:?} in:\n{internal}");
    }

    // Queues, by queue.
    let by_queue = export(&ws, &dir.path().join("queues.pdf"), "internal", "queue");
    for q in QUEUES {
        assert!(has_words(&by_queue, q), "the queue {q:?}:\n{by_queue}");
    }

    // Client: no agent by name, pseudonyms instead; the client cause and the names that are not
    // people still literal.
    let client = export(&ws, &dir.path().join("client.pdf"), "client", "agent");
    for a in AGENTS {
        assert!(
            !has_words(&client, a) && !client.contains(a),
            "the client pack names the agent {a:?}"
        );
    }
    let pseudonyms = lines(&client)
        .iter()
        .filter(|l| l.starts_with("Agent ") && l.len() <= 9)
        .count();
    assert!(
        pseudonyms >= AGENTS.len(),
        "{pseudonyms} pseudonyms:\n{client}"
    );
    assert!(has_line(&client, PROGRAM));
    assert!(lines(&client).join("\n").contains(CAUSE_TITLE));
}

/// Every page of the preview, for `audience` with an AHT page by `dim`: parsed as XML (any
/// syntax error fails), with the element names seen and the text content (entities resolved).
fn preview(ws: &Path, audience: &str, dim: &str) -> (Vec<String>, String) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let mut def = default_pack_definition(ws, Some("2026-Q3"), today).unwrap();
    def.audience = audience.into();
    def.prepared_by = "Pat ) Tj ( \\ <me>".into();
    def.metrics = vec![PackMetricChoice {
        metric_id: "aht".into(),
        dimension: dim.into(),
        control: false,
        drivers: false,
    }];
    let pages = preview_pack(ws, Some("2026-Q3"), &def, today, now)
        .unwrap()
        .pages;
    assert!(pages.len() >= 4, "{} pages", pages.len());
    let (mut elements, mut text) = (Vec::new(), String::new());
    for (i, svg) in pages.iter().enumerate() {
        let mut reader = quick_xml::Reader::from_str(svg);
        // The embedded fonts' CSS is not text of the page.
        let mut in_style = false;
        loop {
            match reader.read_event() {
                Err(e) => panic!("page {}: not well-formed XML: {e}", i + 1),
                Ok(Event::Eof) => break,
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                    let name = e.name().as_ref().to_string();
                    for a in e.attributes() {
                        let a = a.unwrap_or_else(|err| panic!("page {}: attribute: {err}", i + 1));
                        let v = a.normalized_value(XmlVersion::Implicit1_0).unwrap();
                        assert!(
                            !v.contains("Tj") && !v.contains("script"),
                            "page {}: data in the attribute {name} {v:?}",
                            i + 1
                        );
                    }
                    in_style = name == "style";
                    elements.push(name);
                }
                Ok(Event::Text(_)) if in_style => {}
                Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
                Ok(Event::GeneralRef(r)) => match r.resolve_char_ref().unwrap() {
                    Some(c) => text.push(c),
                    None => text.push(match &*r.into_inner() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("page {}: unknown entity &{other};", i + 1),
                    }),
                },
                Ok(Event::End(_)) => {
                    in_style = false;
                    text.push('\n');
                }
                Ok(_) => {}
            }
        }
    }
    (elements, text)
}

#[test]
fn imported_text_is_escaped_in_the_preview_svg() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    for (audience, dim, names) in [
        ("internal", "agent", &AGENTS[..]),
        ("internal", "queue", &QUEUES[..]),
        ("client", "program", &[PROGRAM][..]),
    ] {
        let (elements, text) = preview(&ws, audience, dim);
        // Markup in the data stays text: no element the renderer does not draw with.
        for e in &elements {
            assert!(
                [
                    "svg", "defs", "style", "g", "rect", "path", "line", "polyline", "polygon",
                    "circle", "text", "tspan", "image", "clipPath", "title"
                ]
                .contains(&e.as_str()),
                "{audience}/{dim}: an element <{e}> in the preview"
            );
        }
        // Names are whole chart labels; a name with characters Lato lacks is its Lato words as
        // text and the rest drawn as outlines of the PDF's fallback glyphs (never as text a
        // system font would draw). Longer text may be set as several runs (bold title, wrapped
        // words), so it is compared with runs joined by spaces.
        let labels: Vec<&str> = text.lines().collect();
        for s in names {
            let shown = lato_words(s).join(" ");
            assert!(
                labels.iter().any(|l| l.trim() == shown) || (shown != *s && text.contains(&shown)),
                "{audience}/{dim}: {shown:?} of {s:?} is a text of the preview:\n{}",
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        assert!(
            !text
                .chars()
                .any(|c| matches!(c as u32, 0x0590..=0x06FF | 0x3000..=0x9FFF)),
            "{audience}/{dim}: Hebrew, Arabic and CJK are outlines in the preview, not text"
        );
        assert!(
            elements.iter().filter(|e| *e == "path").count() > 0,
            "{audience}/{dim}: the outlines"
        );
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for s in ["Escape ) Tj ( <Client>", "Pat ) Tj ( \\ <me>", CAUSE_TITLE] {
            assert!(flat.contains(s), "{audience}/{dim}: {s:?} in the preview");
        }
        if audience == "client" {
            for a in AGENTS {
                assert!(!text.contains(a), "the client preview names {a:?}");
            }
        }
    }
}

/// Terminal control sequences in imported names and values (clear screen, a window title, an
/// OSC 8 link, a carriage return that prints over the line, a right-to-left override) never
/// reach the terminal through the text output: every command that shows imported text prints
/// them escaped.
#[test]
fn terminal_control_sequences_in_imported_text_are_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("client.qbr");
    ok_json(&[
        "init",
        arg(&ws),
        "--client",
        "Esc\x1b]0;title\x07 Co",
        "--json",
    ]);
    let clear = "\x1b[2J\x1b[HAnn";
    let link = "\x1b]8;;http://example.invalid\x1b\\Bob\x1b]8;;\x1b\\";
    let over = "Cara\rDAVE";
    let p = dir.path().join("esc\x1b[31m.csv");
    let mut text = String::from("contact_id,started_at,channel,queue,agent,outcome,wait_s\n");
    for (i, agent) in [clear, link, over, "\u{9b}31mEve"].iter().enumerate() {
        for k in 0..30 {
            text.push_str(&format!(
                "E{i}-{k},2026-07-{:02}T10:00:00Z,voice,Q\x1b]0;x\x07ueue,\"{agent}\",handled,{}\n",
                1 + k % 28,
                10 + k
            ));
        }
    }
    // One refused row whose bad value is an escape sequence.
    text.push_str("R1,2026-07-03T10:00:00Z,voice,Billing,Ann,handled,\x1b[2Jx\n");
    std::fs::write(&p, text).unwrap();
    let qbr = env!("CARGO_BIN_EXE_qbr");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(qbr).args(args).output().unwrap();
        let mut all = out.stdout.clone();
        all.extend_from_slice(&out.stderr);
        (out.status.success(), all)
    };
    let mut shown = 0;
    for args in [
        vec!["import", arg(&ws), arg(&p)],
        vec!["detect", arg(&ws), arg(&p)],
        vec!["info", arg(&ws)],
        vec!["imports", arg(&ws)],
        vec!["import-report", arg(&ws), "1"],
        vec!["metrics", arg(&ws), "--period", "2026-07", "--by", "agent"],
        vec!["metrics", arg(&ws), "--period", "2026-07", "--by", "queue"],
        vec!["settings", arg(&ws)],
    ] {
        let (ok, bytes) = run(&args);
        assert!(ok, "qbr {args:?}: {}", String::from_utf8_lossy(&bytes));
        let text = String::from_utf8_lossy(&bytes);
        for (c, name) in [
            ('\x1b', "ESC"),
            ('\x07', "BEL"),
            ('\r', "CR"),
            ('\u{9b}', "CSI"),
        ] {
            assert!(
                !text.contains(c),
                "qbr {}: a raw {name} reached the terminal: {text:?}",
                args[0]
            );
        }
        shown += text.matches("\\x1b").count();
    }
    assert!(
        shown > 10,
        "the sequences are shown, escaped ({shown} times)"
    );
    // A message on stderr is escaped too.
    let (ok, bytes) = run(&[
        "import",
        arg(&ws),
        arg(&dir.path().join("no\x1b[2Jsuch.csv")),
    ]);
    assert!(!ok);
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains('\x1b') && text.contains("no\\x1b[2Jsuch.csv"),
        "{text:?}"
    );
}
