//! The PDF pack, read back with the tools a reader's machine has: `qpdf --check` for structure,
//! `pdftotext` for the text, `qpdf --json` for the outline, `pdfinfo` for size and metadata. These
//! tools come from scripts/setup.sh (qpdf, poppler-utils); a missing tool fails the test.

mod fixtures;

use std::path::{Path, PathBuf};
use std::process::Command;

use fixtures::sample_pack;
use qbr_render::pack::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| {
        panic!("{cmd} must be installed (scripts/setup.sh installs qpdf and poppler-utils): {e}")
    });
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    run(
        "pdftotext",
        &["-f", &p, "-l", &p, "-layout", pdf.to_str().unwrap(), "-"],
    )
}

fn npages(pdf: &Path) -> usize {
    run("qpdf", &["--show-npages", pdf.to_str().unwrap()])
        .trim()
        .parse()
        .unwrap()
}

fn doc(sections: Vec<Section>) -> Document {
    Document {
        meta: Meta {
            title: "Test pack".into(),
            author: "Tester".into(),
            subject: "Layout".into(),
            keywords: vec![],
            created: "2026-10-02".into(),
            language: "en".into(),
        },
        paper: Paper::A4,
        orientation: Orientation::Landscape,
        brand: Brand::default(),
        running: Running {
            header_left: "Client X".into(),
            header_right: "Q3 2026".into(),
            footer_left: "Confidential".into(),
            stamp: None,
        },
        sections,
    }
}

fn section(title: &str, blocks: Vec<Block>) -> Section {
    Section {
        notes: Vec::new(),
        title: title.into(),
        start_on_new_page: true,
        blocks,
    }
}

/// A one-column-of-text table whose rows are each one line high.
fn numbered_table(rows: usize) -> Table {
    Table {
        columns: vec![
            Column::new("Row label", 3.0, Align::Left),
            Column::new("Value", 1.0, Align::Right),
        ],
        rows: (1..=rows)
            .map(|i| {
                vec![
                    Cell::text(format!("Row {i:03}")),
                    Cell::text(format!("{}", i * 10)),
                ]
            })
            .collect(),
    }
}

#[test]
fn sample_pack_passes_qpdf_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = sample_pack::document(5);
    let bytes = render_pdf(&d).unwrap();
    let pdf = write(dir.path(), "pack.pdf", &bytes);
    let check = run("qpdf", &["--check", pdf.to_str().unwrap()]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );

    let n = npages(&pdf);
    assert_eq!(
        n,
        page_count(&d).unwrap(),
        "the PDF has the pages the layout made"
    );
    // Cover, summary, 5 metric pages, 2 action-plan pages (24 wrapped rows), appendix… counted:
    assert!(n >= 9, "{n} pages");

    let all = run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    for want in [
        "Quarterly Business Review",
        "Executive summary",
        "Scorecard",
        "82.4%",
        "41,220",
        "Service level by queue",
        "No value — no calls offered",
        "2026-W31",
        "Billing system outage",
        "Target ≥ 80%",
        "Action plan",
        "Appendix",
        "third quarter running",
    ] {
        assert!(all.contains(want), "{want:?} is searchable text in the PDF");
    }
    assert!(page_text(&pdf, 3).contains(&format!("Page 3 of {n}")));
    // The cover has no running header or page number; the others have both.
    let cover = page_text(&pdf, 1);
    assert!(
        !cover.contains("Page 1 of") && !cover.contains("Confidential"),
        "{cover}"
    );
    for p in 2..=n {
        let t = page_text(&pdf, p);
        assert!(
            t.contains(&format!("Page {p} of {n}"))
                && t.contains("Acme Telecom")
                && t.contains("Q3 2026"),
            "page {p}"
        );
    }

    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.contains("Title:           Acme Telecom — QBR Q3 2026"),
        "{info}"
    );
    assert!(info.contains("Author:          Jordan Lee"), "{info}");
    assert!(
        info.contains("Subject:         Quarterly business review, Q3 2026"),
        "{info}"
    );
    assert!(
        info.contains("Page size:       841.89 x 595.276 pts (A4)"),
        "A4 landscape: {info}"
    );
    let fonts = run("pdffonts", &[pdf.to_str().unwrap()]);
    assert_eq!(
        fonts
            .lines()
            .filter(|l| l.contains("CID TrueType") && l.contains(" yes "))
            .count(),
        2,
        "both Lato faces embedded: {fonts}"
    );
    assert!(bytes.len() < 2_000_000, "{} bytes", bytes.len());
}

#[test]
fn outline_has_one_entry_per_section_pointing_at_its_first_page() {
    let dir = tempfile::tempdir().unwrap();
    let d = doc(vec![
        section(
            "First",
            vec![
                Block::Heading {
                    level: 1,
                    text: "First".into(),
                },
                Block::Paragraph("One.".into()),
            ],
        ),
        section(
            "Second",
            vec![
                Block::Heading {
                    level: 1,
                    text: "Second".into(),
                },
                Block::Table(numbered_table(30)),
            ],
        ),
        section("Third", vec![Block::Paragraph("Three.".into())]),
    ]);
    let pdf = write(dir.path(), "o.pdf", &render_pdf(&d).unwrap());
    let json = run(
        "qpdf",
        &["--json", "--json-key=outlines", pdf.to_str().unwrap()],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let entries: Vec<(String, u64)> = v["outlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["title"].as_str().unwrap().to_string(),
                o["destpageposfrom1"].as_u64().unwrap(),
            )
        })
        .collect();
    // The 30-row table takes pages 2 and 3, so the third section starts on page 4.
    assert_eq!(
        entries,
        [
            ("First".to_string(), 1),
            ("Second".to_string(), 2),
            ("Third".to_string(), 4)
        ]
    );
}

#[test]
fn page_count_matches_a_hand_count() {
    // Page 1 cover; page 2 the summary; pages 3–4 a section with a page break; page 5 a section
    // that starts on a new page.
    let dir = tempfile::tempdir().unwrap();
    let d = doc(vec![
        section(
            "Cover",
            vec![Block::Cover(Cover {
                client: "Client X".into(),
                title: "QBR".into(),
                ..Cover::default()
            })],
        ),
        section(
            "Summary",
            vec![
                Block::Heading {
                    level: 1,
                    text: "Summary".into(),
                },
                Block::Paragraph("Short.".into()),
            ],
        ),
        section(
            "Two pages",
            vec![
                Block::Paragraph("Before.".into()),
                Block::PageBreak,
                Block::Paragraph("After.".into()),
            ],
        ),
        section("Last", vec![Block::Note("End.".into())]),
    ]);
    assert_eq!(page_count(&d).unwrap(), 5);
    let pdf = write(dir.path(), "p.pdf", &render_pdf(&d).unwrap());
    assert_eq!(npages(&pdf), 5);
    assert!(page_text(&pdf, 4).contains("After.") && page_text(&pdf, 4).contains("Page 4 of 5"));
    assert!(page_text(&pdf, 5).contains("End."));
}

#[test]
fn a_long_table_continues_with_its_header_repeated() {
    // A4 landscape content box: 595.28 − 22 mm − 18 mm = 481.89 pt high. Header row 19.1 pt, one-line
    // rows 19.5 pt, and an 11 pt line saying the table continues where it breaks. Page 1:
    // (481.89 − 19.1 − 11) / 19.5 = 23.2, rows 1–23; page 2 also opens with an 11 pt line saying
    // where it comes from: (481.89 − 11 − 19.1 − 11) / 19.5 = 22.6, rows 24–45; page 3: 46–60.
    let dir = tempfile::tempdir().unwrap();
    let d = doc(vec![section(
        "Table",
        vec![Block::Table(numbered_table(60))],
    )]);
    let pdf = write(dir.path(), "t.pdf", &render_pdf(&d).unwrap());
    assert_eq!(npages(&pdf), 3);
    let first_row = |page: usize| -> String {
        let t = page_text(&pdf, page);
        t.lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Row 0")
                    .map(|r| format!("0{}", &r[..2]))
            })
            .unwrap()
    };
    let last_row = |page: usize| -> String {
        let t = page_text(&pdf, page);
        t.lines()
            .filter_map(|l| {
                l.trim()
                    .strip_prefix("Row 0")
                    .map(|r| format!("0{}", &r[..2]))
            })
            .next_back()
            .unwrap()
    };
    assert_eq!((first_row(1), last_row(1)), ("001".into(), "023".into()));
    assert_eq!((first_row(2), last_row(2)), ("024".into(), "045".into()));
    assert_eq!((first_row(3), last_row(3)), ("046".into(), "060".into()));
    let says = |page: usize, what: &str| page_text(&pdf, page).contains(what);
    assert!(says(1, "Continued on the next page") && !says(1, "from the previous"));
    assert!(says(2, "Continued from the previous page") && says(2, "Continued on the next page"));
    assert!(says(3, "Continued from the previous page") && !says(3, "on the next page"));
    for p in 1..=3 {
        let t = page_text(&pdf, p);
        assert!(
            t.contains("Row label") && t.contains("Value"),
            "header row repeated on page {p}"
        );
        let header = t.find("Row label").unwrap();
        let first = t.find("Row 0").unwrap();
        assert!(
            header < first,
            "the header comes before the rows on page {p}"
        );
    }
}

#[test]
fn a_heading_moves_to_the_next_page_with_what_follows() {
    // 21 rows leave 41.3 pt below the table: enough for the heading (34.5 pt with its space above)
    // but not for it plus a line of the paragraph after it, so both go to page 2.
    let dir = tempfile::tempdir().unwrap();
    let blocks = vec![
        Block::Table(numbered_table(21)),
        Block::Heading {
            level: 2,
            text: "Kept with its text".into(),
        },
        Block::Paragraph("The paragraph the heading introduces.".into()),
    ];
    let d = doc(vec![section("S", blocks.clone())]);
    let pdf = write(dir.path(), "h.pdf", &render_pdf(&d).unwrap());
    assert_eq!(npages(&pdf), 2);
    assert!(
        !page_text(&pdf, 1).contains("Kept with its text"),
        "no heading alone at a page bottom"
    );
    let p2 = page_text(&pdf, 2);
    assert!(
        p2.contains("Kept with its text") && p2.contains("The paragraph the heading introduces.")
    );

    // Control: with 20 rows, heading and paragraph both fit on page 1.
    let mut fewer = blocks;
    fewer[0] = Block::Table(numbered_table(20));
    let pdf = write(
        dir.path(),
        "h2.pdf",
        &render_pdf(&doc(vec![section("S", fewer)])).unwrap(),
    );
    assert_eq!(npages(&pdf), 1);
}

#[test]
fn no_page_of_the_sample_ends_with_a_heading() {
    let dir = tempfile::tempdir().unwrap();
    let d = sample_pack::document(10);
    let pdf = write(dir.path(), "s.pdf", &render_pdf(&d).unwrap());
    let headings: Vec<String> = d
        .sections
        .iter()
        .flat_map(|s| s.blocks.iter())
        .filter_map(|b| match b {
            Block::Heading { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    for p in 2..=npages(&pdf) {
        let t = page_text(&pdf, p);
        let body: Vec<&str> = t
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.contains(" of "))
            .collect();
        let last = body.last().unwrap();
        assert!(
            !headings.iter().any(|h| h == last),
            "page {p} ends with the heading {last:?}"
        );
    }
}

#[test]
fn same_document_same_bytes_and_a_change_changes_the_id() {
    let d = sample_pack::document(3);
    let a = render_pdf(&d).unwrap();
    let b = render_pdf(&d).unwrap();
    assert!(a == b, "byte-identical re-render");
    // A stored snapshot is JSON: the document read back renders the same bytes.
    let json = serde_json::to_string(&d).unwrap();
    let back: Document = serde_json::from_str(&json).unwrap();
    assert!(
        back == d,
        "the document survives JSON exactly (serde_json float_roundtrip)"
    );
    assert!(
        render_pdf(&back).unwrap() == a,
        "re-render from the stored JSON"
    );
    let id = |pdf: &[u8]| {
        let s = String::from_utf8_lossy(pdf);
        let at = s.rfind("/ID").unwrap();
        s[at..at + 80].to_string()
    };
    let mut changed = d.clone();
    changed.running.header_right = "Q4 2026".into();
    assert_ne!(
        id(&a),
        id(&render_pdf(&changed).unwrap()),
        "the document ID follows the content"
    );
}

#[test]
fn letter_portrait_and_a_logo() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = sample_pack::document(1);
    d.paper = Paper::Letter;
    d.orientation = Orientation::Portrait;
    // A 40×20 PNG logo with transparency.
    let mut png_bytes = Vec::new();
    {
        let mut e = png::Encoder::new(&mut png_bytes, 40, 20);
        e.set_color(png::ColorType::Rgba);
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().unwrap();
        let px: Vec<u8> = (0..40 * 20)
            .flat_map(|i| [200, (i % 255) as u8, 40, if i % 7 == 0 { 0 } else { 255 }])
            .collect();
        w.write_image_data(&px).unwrap();
    }
    d.brand.logo = Some(Image {
        bytes: png_bytes,
        format: ImageFormat::Png,
    });
    d.brand.accent = Rgb::from_hex("#8A1538").unwrap();
    let pdf = write(dir.path(), "l.pdf", &render_pdf(&d).unwrap());
    assert!(run("qpdf", &["--check", pdf.to_str().unwrap()])
        .contains("No syntax or stream encoding errors"));
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Page size:       612 x 792 pts"), "{info}");
    let images = run("pdfimages", &["-list", pdf.to_str().unwrap()]);
    assert!(
        images
            .lines()
            .any(|l| l.contains(" 40 ") && l.contains(" 20 ")),
        "the logo, at its size: {images}"
    );
    let svgs = render_preview_svgs(&d).unwrap();
    assert!(
        svgs[0].contains("data:image/png;base64,"),
        "the preview shows the logo too"
    );
}

#[test]
fn preview_svgs_are_the_same_pages() {
    let d = sample_pack::document(2);
    let svgs = render_preview_svgs(&d).unwrap();
    let n = page_count(&d).unwrap();
    assert_eq!(svgs.len(), n);
    assert!(svgs[2].contains(&format!(">Page 3 of {n}</text>")));
    assert!(svgs[1].contains(">Executive summary</text>"));
    // Each page carries the document's Lato subset, so it measures like the PDF in any viewer.
    for svg in &svgs {
        assert_eq!(
            svg.matches("src:url(data:font/ttf;base64,").count(),
            2,
            "regular and bold"
        );
        assert!(svg.contains("font-family=\"&quot;QBR Pack Lato&quot;, Lato, sans-serif\""));
    }
    // Text from users is escaped.
    let mut d = d;
    d.running.header_left = "R&D <Ops>".into();
    let svgs = render_preview_svgs(&d).unwrap();
    assert!(svgs[1].contains("R&amp;D &lt;Ops&gt;") && !svgs[1].contains("<Ops>"));
}

#[test]
fn overlong_text_is_wrapped_or_truncated_inside_its_box() {
    let dir = tempfile::tempdir().unwrap();
    let long = "Supercalifragilisticexpialidocious-queue-name-that-never-ends ".repeat(6);
    let mut d = doc(vec![section(
        "S",
        vec![
            Block::KeyFigures(vec![KeyFigure {
                label: long.clone(),
                value: long.clone(),
                sub: long.clone(),
                rag: Some(Rag::Red),
            }]),
            Block::Table(Table {
                columns: vec![
                    Column::new("A", 1.0, Align::Left),
                    Column::new("B", 1.0, Align::Right),
                ],
                rows: vec![vec![Cell::text(long.clone()), Cell::text("12")]],
            }),
        ],
    )]);
    d.running.header_left = long.clone();
    let svgs = render_preview_svgs(&d).unwrap();
    let width: f64 = 841.89;
    // Every text element starts inside the page and the tile/header texts end with an ellipsis.
    for t in svgs[0].split("<text ").skip(1) {
        let x: f64 = t
            .split("x=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..width).contains(&x), "{t}");
    }
    assert!(
        svgs[0].matches('\u{2026}').count() >= 3,
        "truncated with an ellipsis"
    );
    let pdf = write(dir.path(), "w.pdf", &render_pdf(&d).unwrap());
    assert!(page_text(&pdf, 1).contains("never-ends"));
}

/// Names from four scripts and an emoji, in a paragraph, a table cell and a chart label.
fn scripts_doc() -> Document {
    let mut t = numbered_table(2);
    t.rows[0][0] = Cell::text("田中 太郎");
    t.rows[1][0] = Cell::text("مريم حداد");
    doc(vec![section(
        "Names",
        vec![
            Block::Heading {
                level: 1,
                text: "Agents by name".into(),
            },
            Block::Paragraph("Best: 田中 太郎, 김민준, שרה כהן and مريم حداد 🎉".into()),
            Block::Table(t),
        ],
    )])
}

#[test]
fn cjk_arabic_and_hebrew_names_render_with_real_glyphs_in_named_subset_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let d = scripts_doc();
    let pdf = write(dir.path(), "s.pdf", &render_pdf(&d).unwrap());
    run("qpdf", &["--check", pdf.to_str().unwrap()]);
    // Every font embedded as a subset under its real PostScript name with a six-letter tag.
    let fonts = run("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    let names: Vec<&str> = rows
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let base = |n: &str| {
        n.split_once('+')
            .map(|(tag, b)| (tag.to_string(), b.to_string()))
    };
    let mut bases: Vec<String> = names
        .iter()
        .map(|n| {
            let (tag, b) = base(n).unwrap_or_else(|| panic!("{n} has no subset tag"));
            assert!(
                tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
                "{n}"
            );
            b
        })
        .collect();
    bases.sort();
    assert_eq!(
        bases,
        [
            "DroidSansFallback",
            "Lato-Bold",
            "Lato-Regular",
            "NotoSansArabic-Regular",
            "NotoSansHebrew-Regular"
        ]
    );
    for r in &rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        // name, type…, encoding, emb, sub, uni, object id, generation
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "embedded, subset, Unicode: {r}"
        );
    }
    // The text layer reads the names back (the emoji, which no bundled font has, is drawn as
    // Lato's □ and keeps its own code in the text).
    let text = page_text(&pdf, 1);
    for name in ["田中 太郎", "김민준", "🎉"] {
        assert!(text.contains(name), "{name} in {text}");
    }
    // Right-to-left runs: pdftotext gives them in reading order or as drawn, both are the name's
    // letters; check each word's letters are all there.
    for word in ["שרה", "כהן", "مريم", "حداد"] {
        let rev: String = word.chars().rev().collect();
        assert!(
            text.contains(word) || text.contains(&rev),
            "{word} in {text}"
        );
    }
}

#[test]
fn the_pdf_is_tagged_has_a_language_and_no_empty_pdfx_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = sample_pack::document(2);
    d.meta.language = "en-GB".into();
    let pdf = write(dir.path(), "t.pdf", &render_pdf(&d).unwrap());
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    // Uncompressed, the catalog names the language and the structure tree; no PDF/X key at all.
    let qdf = dir.path().join("q.pdf");
    run(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            qdf.to_str().unwrap(),
        ],
    );
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert!(raw.contains("/Lang (en-GB)"), "the document language");
    assert!(raw.contains("/StructTreeRoot"), "a structure tree");
    assert!(raw.contains("/MarkInfo"));
    assert!(raw.contains("pdfuaid:part"), "declared PDF/UA-1 in the XMP");
    assert!(!raw.contains("GTS_PDFX"), "no PDF/X key, empty or not");
    // The structure follows the document: headings, a table with header cells, figures with
    // their alternate text, list items.
    for tag in [
        "/S /H1",
        "/S /Table",
        "/S /TH",
        "/S /TD",
        "/S /Figure",
        "/S /L",
        "/S /LI",
    ] {
        assert!(raw.contains(tag), "{tag} in the structure tree");
    }
    assert!(
        raw.contains("/Alt (Service level, weekly)"),
        "a chart's alternate text"
    );
    // Running headers and footers are artifacts, not content.
    assert!(raw.contains("/Artifact"));
}

#[test]
fn the_preview_draws_fallback_text_in_the_pdfs_fonts() {
    let svgs = render_preview_svgs(&scripts_doc()).unwrap();
    let page = &svgs[0];
    // Latin stays text in the embedded Lato; what Lato lacks is outlined from the very font the
    // PDF embeds, never left to the viewer's system fonts.
    assert!(page.contains(">Best: </text>"));
    assert!(!page.contains("田中") && !page.contains("מ") && !page.contains("شرح"));
    assert!(page.matches("<path d=\"M").count() >= 5, "outlined runs");
    assert!(
        page.contains(">□</text>"),
        "the emoji is Lato's missing box, as in the PDF"
    );
}

/// Peak resident memory of this process so far, in MB (Linux).
fn peak_rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb / 1024)
        .unwrap_or(0)
}

/// A real PNG of `w` × `h` one-bit grey pixels, all black: a few kilobytes per million pixels,
/// which a decoder expanding to RGBA turns into 4 bytes each (a decompression bomb).
fn black_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Grayscale);
        e.set_depth(png::BitDepth::One);
        let mut writer = e.write_header().unwrap();
        let mut stream = writer.stream_writer().unwrap();
        let row = vec![0u8; w.div_ceil(8) as usize];
        for _ in 0..h {
            std::io::Write::write_all(&mut stream, &row).unwrap();
        }
        stream.finish().unwrap();
    }
    out
}

/// A JPEG's start: SOI, a JFIF APP0 segment, then a baseline frame header claiming `w` × `h`
/// (what a bomb needs to be read as one; the rest of the image is never reached).
fn jpeg_header(w: u16, h: u16) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    b.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    b.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8]);
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

#[test]
fn a_logo_is_measured_from_its_header_and_a_bomb_refused_before_decoding() {
    // Sizes read from the header, without decoding.
    let small = black_png(600, 200);
    assert_eq!(logo_size(&small, ImageFormat::Png).unwrap(), (600, 200));
    assert_eq!(
        logo_size(&jpeg_header(1200, 300), ImageFormat::Jpeg).unwrap(),
        (1200, 300)
    );
    // The largest allowed logo, and one pixel row over.
    assert!(logo_size(&black_png(2000, 2000), ImageFormat::Png).is_ok());
    assert!(logo_size(&black_png(2000, 2001), ImageFormat::Png).is_err());
    assert!(logo_size(&jpeg_header(8001, 10), ImageFormat::Jpeg).is_err());

    // A real bomb: 12,000 × 9,000 black pixels in a PNG of a few dozen kilobytes (432 MB as
    // RGBA), and a JPEG header claiming 60,000 × 60,000. Refused with the size and what to do,
    // whether the document goes to the PDF or to the preview, within bounded memory.
    let bomb = black_png(12_000, 9_000);
    assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
    for (img, size) in [
        (
            Image {
                bytes: bomb,
                format: ImageFormat::Png,
            },
            "12000 × 9000 pixels",
        ),
        (
            Image {
                bytes: jpeg_header(60_000, 60_000),
                format: ImageFormat::Jpeg,
            },
            "60000 × 60000 pixels",
        ),
    ] {
        let mut d = sample_pack::document(1);
        d.brand.logo = Some(img);
        for message in [
            render_pdf(&d).unwrap_err().to_string(),
            render_preview_svgs(&d).unwrap_err().to_string(),
        ] {
            assert!(
                message.contains(size) && message.contains("scale it down"),
                "{message}"
            );
        }
    }
    assert!(
        peak_rss_mb() < 300,
        "nothing was decoded: peak {} MB",
        peak_rss_mb()
    );

    // Not a PNG at all where one is claimed.
    assert!(logo_size(b"GIF89a", ImageFormat::Png).is_err());
    // A JPEG whose segments end before any frame header.
    assert!(logo_size(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2], ImageFormat::Jpeg).is_err());
}
