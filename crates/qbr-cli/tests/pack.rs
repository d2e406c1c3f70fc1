//! The pack commands as a user runs them on the demo: the PDF is checked with `qpdf --check`,
//! read back with `pdftotext` (its text is real, searchable text) and `pdfinfo`, and compared
//! with `qbr metrics --json`; snapshots, fingerprints, templates and the scorecard and chart
//! exports are read back through the CLI.

mod common;

use std::path::{Path, PathBuf};

use common::{arg, ok_json, qbr, tool};
use serde_json::Value;

fn ok(args: &[&str]) -> String {
    let out = qbr(args);
    assert!(
        out.status.success(),
        "qbr {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A fresh demo for a test that changes it.
fn demo() -> (tempfile::TempDir, PathBuf) {
    common::fresh_demo()
}

/// The PDF's text in reading order, one line a line (pdftotext -layout keeps table rows whole).
fn pdf_text(pdf: &Path) -> String {
    tool("pdftotext", &["-layout", arg(pdf), "-"])
}

fn pdf_pages(pdf: &Path) -> u64 {
    let info = tool("pdfinfo", &[arg(pdf)]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints the page count")
}

/// Every agent of the demo, by name.
fn agent_names(ws: &Path) -> Vec<String> {
    let r = ok_json(&[
        "metrics",
        arg(ws),
        "--period",
        "2026-Q3",
        "--by",
        "agent",
        "--metric",
        "adherence",
        "--json",
    ]);
    let names: Vec<String> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["key"]["agent"].as_str().map(String::from))
        .collect();
    assert_eq!(names.len(), 80, "the demo has 80 agents");
    names
}

/// An internal cause with an evidence line, a client cause naming an agent, and an action whose
/// owner is an agent, with a progress note.
fn annotate(ws: &Path, agent: &str, owner: &str) {
    ok(&[
        "cause",
        arg(ws),
        "add",
        "--metric",
        "service_level",
        "--from",
        "2026-08-01",
        "--to",
        "2026-08-31",
        "--category",
        "people",
        "--title",
        "Staffing memo XYZZY",
        "--evidence",
        "Roster leak PLUGH",
        "--visibility",
        "internal",
    ]);
    ok(&[
        "cause",
        arg(ws),
        "add",
        "--metric",
        "service_level",
        "--metric",
        "aht",
        "--scope",
        "program=Tech Support",
        "--from",
        "2026-07-01",
        "--to",
        "2026-09-30",
        "--category",
        "technology",
        "--title",
        "Firmware 12.4 roll-out",
        "--description",
        &format!("Calls about the update doubled; {agent} led the floor walkers."),
        "--visibility",
        "client",
    ]);
    ok(&[
        "action",
        arg(ws),
        "add",
        "--title",
        "Firmware playbook",
        "--owner",
        owner,
        "--metric",
        "aht",
        "--scope",
        "program=Tech Support",
        "--start",
        "2026-08-03",
        "--due",
        "2026-08-31",
        "--status",
        "done",
        "--completed-on",
        "2026-08-31",
        "--cause",
        "2",
    ]);
    ok(&[
        "action",
        arg(ws),
        "note",
        "1",
        "Team lead says FROTZ",
        "--on",
        "2026-08-10",
    ]);
}

fn export(ws: &Path, out: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "export",
        arg(ws),
        "--period",
        "2026-Q3",
        "--out",
        arg(out),
        "--json",
    ];
    args.extend_from_slice(extra);
    ok_json(&args)
}

/// `77.8%` for 0.7781, `82.0%` for 0.82: a ratio as the pack (and `qbr metrics`) prints it.
fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn clock(s: f64) -> String {
    let t = s.round() as u64;
    format!("{}:{:02}", t / 60, t % 60)
}

#[test]
fn the_client_pack_shows_the_scorecard_and_nothing_internal() {
    let (dir, ws) = demo();
    let agents = agent_names(&ws);
    annotate(&ws, &agents[3], &agents[5]);
    let pdf = dir.path().join("client.pdf");
    let view = export(
        &ws,
        &pdf,
        &[
            "--audience",
            "client",
            "--metric",
            "service_level=agent",
            "--metric",
            "aht",
            "--prepared-by",
            "Dana Whitfield",
        ],
    );
    tool("qpdf", &["--check", arg(&pdf)]);
    let text = pdf_text(&pdf);
    let pages = pdf_pages(&pdf);
    assert_eq!(
        view["snapshot"]["pages"].as_u64(),
        Some(pages),
        "the snapshot records the page count"
    );
    // Cover, summary, scorecard, two metric pages, action plan, appendix: at least seven pages,
    // each with its message title.
    assert!(pages >= 7, "{pages} pages");
    for heading in [
        "2026-Q3: 5 on target, 3 near target, 3 off target",
        "Scorecard 2026-Q3: 5 of 11 on target",
        "Voice service level fell 6.2 pp to 76.2%",
        "actions at the end of 2026-Q3",
        "How the figures are computed",
        "Data sources",
        "Dana Whitfield",
    ] {
        assert!(text.contains(heading), "the pack shows {heading:?}");
    }

    // The same numbers as `qbr metrics` for the period; service level per channel, as
    // `qbr metrics --by channel` gives it.
    let report = ok_json(&["metrics", arg(&ws), "--period", "2026-Q3", "--json"]);
    let all = &report["groups"][0]["metrics"];
    let aht = all["aht"]["value"].as_f64().unwrap();
    let by_channel = ok_json(&[
        "metrics",
        arg(&ws),
        "--period",
        "2026-Q3",
        "--by",
        "channel",
        "--metric",
        "service_level",
        "--json",
    ]);
    let mut rows = 0;
    for g in by_channel["groups"].as_array().unwrap() {
        let Some(channel) = g["key"]["channel"].as_str() else {
            continue;
        };
        let e = &g["metrics"]["service_level"];
        let sl_line = text
            .lines()
            .find(|l| {
                l.trim_start()
                    .starts_with(&format!("Service level — {channel}"))
            })
            .unwrap_or_else(|| panic!("a scorecard row for {channel}"));
        assert!(
            sl_line.contains(&percent(e["value"].as_f64().unwrap())),
            "{sl_line:?}"
        );
        let target = e["target"]["value"].as_f64().unwrap();
        assert!(
            sl_line.contains(&format!("≥ {}", percent(target))),
            "{sl_line:?}"
        );
        let grouped = e["n"]
            .as_u64()
            .unwrap()
            .to_string()
            .as_bytes()
            .rchunks(3)
            .rev()
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(",");
        assert!(
            sl_line.contains(&grouped),
            "{sl_line:?} shows n = {grouped}"
        );
        rows += 1;
    }
    assert_eq!(rows, 3, "voice, chat and email");
    assert!(text.contains(&clock(aht)), "AHT {} is shown", clock(aht));

    // Nothing internal, and no agent by name.
    assert!(
        text.contains("Firmware 12.4 roll-out"),
        "client causes are shown"
    );
    for secret in ["XYZZY", "PLUGH", "FROTZ", "Progress notes"] {
        assert!(
            !text.contains(secret),
            "the client pack must not show {secret:?}"
        );
    }
    let named: Vec<&String> = agents
        .iter()
        .filter(|a| text.contains(a.as_str()))
        .collect();
    assert!(
        named.is_empty(),
        "agent names in the client pack: {named:?}"
    );
    assert!(text.contains("Agent "), "agents appear as pseudonyms");

    // The internal pack has all of it.
    let internal = dir.path().join("internal.pdf");
    export(
        &ws,
        &internal,
        &["--audience", "internal", "--metric", "service_level=agent"],
    );
    let itext = pdf_text(&internal);
    for shown in [
        "XYZZY",
        "PLUGH",
        "FROTZ",
        agents[3].as_str(),
        agents[5].as_str(),
    ] {
        assert!(itext.contains(shown), "the internal pack shows {shown:?}");
    }

    // Pseudonyms are stable: a second client export of the same data reads the same.
    let again = dir.path().join("client-again.pdf");
    export(
        &ws,
        &again,
        &[
            "--audience",
            "client",
            "--metric",
            "service_level=agent",
            "--metric",
            "aht",
            "--prepared-by",
            "Dana Whitfield",
        ],
    );
    assert_eq!(
        pdf_text(&again),
        text,
        "the same agent gets the same pseudonym"
    );
}

#[test]
fn a_snapshot_reexports_byte_for_byte_and_knows_what_changed() {
    let (dir, ws) = demo();
    let first = dir.path().join("q3.pdf");
    let view = export(&ws, &first, &["--audience", "internal"]);
    let id = view["snapshot"]["id"].as_i64().unwrap();
    assert_eq!(view["snapshot"]["changed_since"], serde_json::json!([]));

    let packs = ok_json(&["packs", arg(&ws), "--json"]);
    assert_eq!(packs[0]["id"].as_i64(), Some(id));
    assert_eq!(packs[0]["period_label"], "2026-Q3");
    assert_eq!(packs[0]["file_name"], "q3.pdf");

    // An import outside the days the pack reads (December) changes nothing it shows.
    let csv = dir.path().join("december.csv");
    std::fs::write(
        &csv,
        "contact_id,started_at,queue,program,outcome,wait_s,handle_s\nD1,2026-12-15 10:00:00,Billing,Billing,handled,10,300\n",
    )
    .unwrap();
    ok(&["import", arg(&ws), arg(&csv)]);
    assert_eq!(
        ok_json(&["packs", arg(&ws), "--json"])[0]["changed_since"],
        serde_json::json!([])
    );

    // A cause in the period: annotations.
    ok(&[
        "cause",
        arg(&ws),
        "add",
        "--metric",
        "aht",
        "--from",
        "2026-07-01",
        "--to",
        "2026-07-31",
        "--category",
        "demand",
        "--title",
        "Price change",
    ]);
    assert_eq!(
        ok_json(&["packs", arg(&ws), "--json"])[0]["changed_since"],
        serde_json::json!(["annotations"])
    );

    // An import touching the period: data.
    let aug = dir.path().join("august.csv");
    std::fs::write(
        &aug,
        "contact_id,started_at,queue,program,outcome,wait_s,handle_s\nA1,2026-08-14 10:00:00,Billing,Billing,handled,10,300\n",
    )
    .unwrap();
    ok(&["import", arg(&ws), arg(&aug)]);
    assert_eq!(
        ok_json(&["packs", arg(&ws), "--json"])[0]["changed_since"],
        serde_json::json!(["data", "annotations"])
    );
    let text = ok(&["packs", arg(&ws)]);
    assert!(text.contains("changed since: data, annotations"), "{text}");

    // The stored document renders to the same bytes, whatever changed since.
    let second = dir.path().join("again.pdf");
    let again = ok_json(&[
        "export",
        arg(&ws),
        "--snapshot",
        &id.to_string(),
        "--out",
        arg(&second),
        "--json",
    ]);
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );
    assert_eq!(
        again["snapshot"]["pdf_sha256"],
        view["snapshot"]["pdf_sha256"]
    );
}

#[test]
fn a_failed_export_leaves_no_file() {
    let (dir, ws) = demo();
    let taken = dir.path().join("taken.pdf");
    std::fs::create_dir(&taken).unwrap();
    let out = qbr(&["export", arg(&ws), "--out", arg(&taken)]);
    assert_eq!(out.status.code(), Some(1));
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("northwind-mobile.qbr"))
        .collect();
    left.sort();
    assert_eq!(left, vec!["taken.pdf"], "no partial file beside it");
    assert!(
        ok_json(&["packs", arg(&ws), "--json"])
            .as_array()
            .unwrap()
            .is_empty(),
        "and no snapshot"
    );
}

#[test]
fn templates_carry_the_choices_to_the_next_export() {
    let (dir, ws) = demo();
    let saved = ok_json(&[
        "pack-template",
        arg(&ws),
        "save",
        "Quarterly",
        "--paper",
        "letter",
        "--audience",
        "client",
        "--sections",
        "cover,summary,metrics",
        "--metric",
        "csat=site",
        "--accent",
        "#aa3300",
        "--json",
    ]);
    assert_eq!(saved["definition"]["paper"], "letter");
    assert_eq!(saved["definition"]["metrics"][0]["dimension"], "site");
    let list = ok_json(&["pack-template", arg(&ws), "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let shown = ok(&["pack-template", arg(&ws), "show", "Quarterly"]);
    assert!(shown.contains("csat by site"), "{shown}");

    let pdf = dir.path().join("t.pdf");
    let view = export(&ws, &pdf, &["--template", "Quarterly"]);
    assert_eq!(view["snapshot"]["template_name"], "Quarterly");
    assert_eq!(view["snapshot"]["audience"], "client");
    let info = tool("pdfinfo", &[arg(&pdf)]);
    assert!(info.contains("792 x 612"), "US Letter landscape: {info}");
    let text = pdf_text(&pdf);
    assert!(
        !text.contains("Action plan") && !text.contains("Appendix"),
        "only the template's sections"
    );
    // Cover; the summary; the scorecard on its own page; the CSAT page.
    assert_eq!(pdf_pages(&pdf), 4);

    ok(&["pack-template", arg(&ws), "rm", "Quarterly"]);
    let out = qbr(&[
        "export",
        arg(&ws),
        "--out",
        arg(&pdf),
        "--template",
        "Quarterly",
    ]);
    assert_eq!(out.status.code(), Some(1), "a removed template is gone");
}

#[test]
fn scorecard_and_chart_exports() {
    let (dir, ws) = demo();
    let report = ok_json(&["metrics", arg(&ws), "--period", "2026-Q3", "--json"]);
    let csv = dir.path().join("card.csv");
    ok(&[
        "scorecard-export",
        arg(&ws),
        "--period",
        "2026-Q3",
        "--out",
        arg(&csv),
    ]);
    let text = std::fs::read_to_string(&csv).unwrap();
    let sl_row = text
        .lines()
        .find(|l| l.starts_with("service_level,"))
        .unwrap();
    let cells: Vec<&str> = sl_row.split(',').collect();
    let sl = report["groups"][0]["metrics"]["service_level"]["value"]
        .as_f64()
        .unwrap();
    assert_eq!(
        cells[3].parse::<f64>().unwrap(),
        sl,
        "the CSV holds the report's value"
    );
    let xlsx = dir.path().join("card.xlsx");
    ok(&[
        "scorecard-export",
        arg(&ws),
        "--period",
        "2026-Q3",
        "--out",
        arg(&xlsx),
    ]);
    assert!(
        std::fs::read(&xlsx).unwrap().starts_with(b"PK"),
        "an XLSX is a zip"
    );

    let png = dir.path().join("sl.png");
    ok(&[
        "chart",
        arg(&ws),
        "--metric",
        "service_level",
        "--period",
        "2026-Q3",
        "--out",
        arg(&png),
    ]);
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let svg = dir.path().join("sl.svg");
    ok(&[
        "chart",
        arg(&ws),
        "--metric",
        "service_level",
        "--out",
        arg(&svg),
    ]);
    assert!(std::fs::read_to_string(&svg)
        .unwrap()
        .contains("Service level"));
}

#[test]
fn a_metric_page_with_its_control_chart_and_drivers() {
    let (dir, ws) = demo();
    let out = dir.path().join("diag.pdf");
    export(
        &ws,
        &out,
        &[
            "--sections",
            "metrics",
            "--metric",
            "aht=program+control+drivers",
        ],
    );
    // Lines wrap in the PDF; compare with runs of whitespace made one space.
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = words(&pdf_text(&out));
    let d = ok_json(&[
        "drivers",
        arg(&ws),
        "--metric",
        "aht",
        "--from",
        "2026-Q2",
        "--to",
        "2026-Q3",
        "--by",
        "program",
        "--json",
    ]);
    let sentence = d["sentence"].as_str().unwrap();
    assert!(sentence.starts_with("Average handle time rose 0:29 from 2026-Q2 to 2026-Q3"));
    assert!(text.contains(&words(sentence)), "the drivers sentence");
    // Hand-checked with `qbr drivers`: Tech Support 9:18 → 10:03 on 52.9% → 56.3% of the
    // contacts; its own AHT adds 24.5 s, its larger share 2.2 s; the whole change is 29.1 s.
    assert!(text.contains("Tech Support 9:18 10:03 52.9% 56.3% +24.5 s +2.2 s +26.6 s"));
    assert!(text.contains("All 8:23 8:52 +24.3 s +4.9 s +29.1 s"));
    assert!(text.contains("Control chart"));
    assert!(text.contains("Point beyond the limits (above) — 29 Jun – 27 Sept 2026"));
    // Chart axes name months; no ISO week is printed anywhere.
    assert!(
        !text.contains("2026-W") && !text.contains("2025-W"),
        "{text}"
    );
    assert!(text.contains("Jan 2026"), "a month on an axis");

    // A page without the views has neither; an unknown view is refused.
    let plain = dir.path().join("plain.pdf");
    export(&ws, &plain, &["--sections", "metrics", "--metric", "aht"]);
    let plain = words(&pdf_text(&plain));
    assert!(!plain.contains("Control chart") && !plain.contains("What drove the change"));
    let bad = qbr(&[
        "export",
        arg(&ws),
        "--out",
        arg(&dir.path().join("bad.pdf")),
        "--metric",
        "aht+sparkles",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected control or drivers"));
}

/// The repository's fixtures folder.
fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

#[test]
fn export_writes_a_deck_with_the_pdfs_pages_and_a_snapshot_exports_as_the_same_deck() {
    let (dir, ws) = demo();
    let deck = dir.path().join("q3.pptx");
    let v = ok_json(&[
        "export",
        arg(&ws),
        "--period",
        "2026-Q3",
        "--format",
        "pptx",
        "--out",
        arg(&deck),
        "--json",
    ]);
    assert_eq!(v["format"], "pptx");
    let bytes = std::fs::read(&deck).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip package");
    assert_eq!(v["bytes"].as_u64(), Some(bytes.len() as u64));
    // As many slides as the PDF of the same pack has pages.
    let pdf = dir.path().join("q3.pdf");
    let p = ok_json(&[
        "export",
        arg(&ws),
        "--period",
        "2026-Q3",
        "--out",
        arg(&pdf),
        "--json",
    ]);
    assert_eq!(p["format"], "pdf");
    assert_eq!(v["snapshot"]["pages"], p["snapshot"]["pages"]);
    assert_eq!(v["snapshot"]["pages"].as_u64(), Some(pdf_pages(&pdf)));
    let listing = tool("unzip", &["-l", arg(&deck)]);
    let slides = listing
        .lines()
        .filter(|l| l.contains("ppt/slides/slide") && l.ends_with(".xml"))
        .count() as u64;
    assert_eq!(slides, pdf_pages(&pdf));
    // The deck's snapshot, exported again (the format from the file's extension), is the same
    // deck byte for byte; the PDF's snapshot exported as a deck is the same deck too.
    let again = dir.path().join("again.pptx");
    let id = v["snapshot"]["id"].as_i64().unwrap().to_string();
    let a = ok_json(&[
        "export",
        arg(&ws),
        "--snapshot",
        &id,
        "--out",
        arg(&again),
        "--json",
    ]);
    assert_eq!(a["format"], "pptx");
    assert_eq!(std::fs::read(&again).unwrap(), bytes);
    assert_eq!(a["sha256"], v["sha256"]);
}

#[test]
fn export_takes_a_powerpoint_template_and_refuses_one_it_cannot_use() {
    let (dir, ws) = demo();
    let deck = dir.path().join("plum.pptx");
    let template = fixture("deck/plum-template.potx");
    let out = ok(&[
        "export",
        arg(&ws),
        "--period",
        "2026-Q3",
        "--template",
        arg(&template),
        "--out",
        arg(&deck),
    ]);
    assert!(
        out.starts_with(&format!("Wrote {} (", deck.display())),
        "{out}"
    );
    assert!(out.contains(" slides, "), "{out}");
    let theme = tool("unzip", &["-p", arg(&deck), "ppt/theme/theme1.xml"]);
    assert!(theme.contains("DejaVu Serif"), "the template's theme");
    // A template file with a PDF is a mistake, said as one; a file that is not a template is
    // refused by name, and nothing is written.
    let pdf = dir.path().join("plum.pdf");
    let r = qbr(&[
        "export",
        arg(&ws),
        "--template",
        arg(&template),
        "--out",
        arg(&pdf),
    ]);
    assert!(!r.status.success());
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("a PowerPoint template is for --format pptx")
    );
    let bad = dir.path().join("notes.pptx");
    std::fs::write(&bad, b"just some text").unwrap();
    let out2 = dir.path().join("never.pptx");
    let r = qbr(&[
        "export",
        arg(&ws),
        "--template",
        arg(&bad),
        "--out",
        arg(&out2),
    ]);
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("notes.pptx") && err.contains("not a PowerPoint file"),
        "{err}"
    );
    assert!(!out2.exists() && !pdf.exists());
}
