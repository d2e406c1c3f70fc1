//! `qbr import` and its companions as a user runs them: the real binary on the committed fixtures
//! (fixtures/import/README.md has the hand-worked numbers asserted here), in temporary folders.

mod common;

use common::{arg, ok_json, qbr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Runs a command that must fail with exit code 1 and returns its one-line message.
fn fails(args: &[&str]) -> String {
    let out = qbr(args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "qbr {args:?} should fail with 1: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.starts_with("qbr: "), "one line starting qbr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/import")
        .join(name)
        .display()
        .to_string()
}

/// A new workspace in New York, the zone the fixture README's days are worked in.
fn workspace(dir: &Path) -> PathBuf {
    let ws = dir.join("client.qbr");
    ok_json(&[
        "init",
        arg(&ws),
        "--client",
        "Fixture Client",
        "--timezone",
        "America/New_York",
        "--json",
    ]);
    ws
}

fn info(ws: &Path) -> Value {
    ok_json(&["info", arg(ws), "--json"])
}

#[test]
fn generic_interactions_import_with_the_hand_worked_counts_and_again_as_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let generic = fixture("interactions_generic.csv");
    let out = ok_json(&["import", arg(&ws), &generic, "--json"]);
    let r = &out[0];
    assert_eq!(out.as_array().unwrap().len(), 1, "one summary per file");
    assert_eq!(r["batch_id"], 1, "the first import of the workspace");
    assert_eq!(r["kind"], "interactions", "detected from generic headers");
    assert_eq!(r["preset"], Value::Null);
    assert_eq!(
        (
            &r["rows_read"],
            &r["rows_taken"],
            &r["rows_refused"],
            &r["rows_duplicate"]
        ),
        (
            &Value::from(6),
            &Value::from(6),
            &Value::from(0),
            &Value::from(0)
        ),
        "six readable contacts C1..C6"
    );
    assert_eq!(
        (&r["first_day"], &r["last_day"]),
        (&Value::from("2026-07-01"), &Value::from("2026-07-01")),
        "C5 at 02:30Z on 2 July is 22:30 on 1 July in New York"
    );
    let after = info(&ws);
    assert_eq!(after["counts"]["interactions"], 6);
    assert_eq!(
        after["contacts_offered"], 6,
        "README: 6 offered (4 handled + 2 abandoned)"
    );

    let again = ok_json(&["import", arg(&ws), &generic, "--json"]);
    assert_eq!(again[0]["already_imported"], 1, "names the earlier import");
    assert_eq!(again[0]["batch_id"], Value::Null, "no new batch");
    let unchanged = info(&ws);
    assert_eq!(
        unchanged["counts"], after["counts"],
        "a re-import changes nothing"
    );
    assert_eq!(unchanged["contacts_offered"], 6);

    let text = qbr(&["import", arg(&ws), &generic]);
    assert!(text.status.success());
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("imported before (import 1)"),
        "the text says so too: {}",
        String::from_utf8_lossy(&text.stdout)
    );
    let list = ok_json(&["imports", arg(&ws), "--json"]);
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "one batch in the history"
    );
    assert_eq!(list[0]["file_name"], "interactions_generic.csv");
}

#[test]
fn overlapping_exports_count_once_and_undo_gives_the_counts_back() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let out = ok_json(&[
        "import",
        arg(&ws),
        &fixture("interactions_overlap_a.csv"),
        &fixture("interactions_overlap_b.csv"),
        "--json",
    ]);
    assert_eq!(out.as_array().unwrap().len(), 2, "each file its own batch");
    assert_eq!(
        (
            &out[1]["rows_read"],
            &out[1]["rows_taken"],
            &out[1]["rows_duplicate"]
        ),
        (&Value::from(3), &Value::from(2), &Value::from(1)),
        "A3 is in both exports"
    );
    let both = info(&ws);
    assert_eq!(both["counts"]["interactions"], 5, "A1..A5, A3 once");
    assert_eq!(both["contacts_offered"], 5, "README: together 5 offered");

    let undo = ok_json(&["import-undo", arg(&ws), "2", "--json"]);
    assert_eq!(
        undo["contacts_removed"], 2,
        "A4 and A5; A3 stays with the first export"
    );
    let back = info(&ws);
    assert_eq!(back["counts"]["interactions"], 3, "A1, A2, A3");
    assert_eq!(back["contacts_offered"], 3);
    let list = ok_json(&["imports", arg(&ws), "--json"]);
    assert_eq!(list[1]["undone"], true, "the undone import stays listed");
    let err = fails(&["import-undo", arg(&ws), "2"]);
    assert!(err.contains("already undone"), "{err}");
    let err = fails(&["import-undo", arg(&ws), "9"]);
    assert!(err.contains("no import 9"), "{err}");
}

#[test]
fn strict_mode_refuses_the_file_by_row_and_column_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    ok_json(&[
        "import",
        arg(&ws),
        &fixture("interactions_generic.csv"),
        "--json",
    ]);
    let before = info(&ws);
    let err = fails(&[
        "import",
        arg(&ws),
        &fixture("interactions_one_bad_row.csv"),
        "--strict",
    ]);
    for part in [
        "interactions_one_bad_row.csv",
        "row 5",
        "\"wait_s\"",
        "\"abc\"",
        "duration",
    ] {
        assert!(err.contains(part), "the message names {part}: {err}");
    }
    let after = info(&ws);
    assert_eq!(after["counts"], before["counts"], "nothing was written");
    assert_eq!(after["imports"], before["imports"], "no batch was recorded");
}

#[test]
fn import_report_writes_every_refusal_to_csv() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let out = ok_json(&[
        "import",
        arg(&ws),
        &fixture("interactions_one_bad_row.csv"),
        "--json",
    ]);
    assert_eq!(
        (&out[0]["rows_taken"], &out[0]["rows_refused"]),
        (&Value::from(9), &Value::from(1)),
        "one bad row never sinks a file"
    );
    let csv = dir.path().join("refused.csv");
    let report = ok_json(&["import-report", arg(&ws), "1", "--csv", arg(&csv), "--json"]);
    assert_eq!(report["import"]["rows_refused"], 1);
    assert_eq!(report["refusals"][0]["row"], 5, "R4 is line 5");
    assert_eq!(report["refusals"][0]["column"], "wait_s");
    let expected = report["refusals"][0]["expected"].as_str().unwrap();
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        format!("row,column,value,expected\n5,wait_s,abc,\"{expected}\"\n"),
        "a header and the one refusal, its comma-holding expectation quoted"
    );
    let err = fails(&["import-report", arg(&ws), "7"]);
    assert!(err.contains("no import 7"), "{err}");
}

#[test]
fn bad_files_fail_with_a_message_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let err = fails(&["import", arg(&ws), &fixture("empty.csv")]);
    assert!(
        err.contains("empty.csv") && err.contains("the file is empty"),
        "says which file and why: {err}"
    );
    let err = fails(&["import", arg(&ws), &fixture("header_only.csv")]);
    assert!(err.contains("header_only.csv"), "{err}");
    let err = fails(&[
        "import",
        arg(&ws),
        &fixture("interactions_generic.csv"),
        "--kind",
        "calls",
    ]);
    assert!(err.contains("unknown kind"), "{err}");
    assert_eq!(info(&ws)["counts"]["imports"], 0, "nothing was imported");
}

#[test]
fn detect_shows_the_reading_and_the_date_order_flag_decides_ambiguous_dates() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let d = ok_json(&[
        "detect",
        arg(&ws),
        &fixture("genesys_interactions.csv"),
        "--json",
    ]);
    assert_eq!(
        d["preset"], "genesys_cloud_interactions",
        "recognised on sight"
    );
    assert_eq!(d["kind"], "interactions");
    let wait = d["mapping"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "wait")
        .expect("a wait column");
    assert_eq!(wait["header"], "Total Queue", "queue wait, not alert time");
    assert_eq!(wait["unit"], "ms", "Genesys durations are milliseconds");
    assert_eq!(wait["confidence"], 1.0, "a preset's documented column");
    assert_eq!(d["preview"][0][0], "g-1");

    let ambiguous = fixture("interactions_ambiguous_dates.csv");
    let d = ok_json(&["detect", arg(&ws), &ambiguous, "--json"]);
    assert_eq!(d["date_order"], "ambiguous");
    let err = fails(&["import", arg(&ws), &ambiguous]);
    assert!(err.contains("date order"), "{err}");
    let dmy = ok_json(&[
        "import",
        arg(&ws),
        &ambiguous,
        "--date-order",
        "dmy",
        "--json",
    ]);
    assert_eq!(dmy[0]["first_day"], "2026-07-01", "01/07/2026 day first");
    ok_json(&["import-undo", arg(&ws), "1", "--json"]);
    let mdy = ok_json(&[
        "import",
        arg(&ws),
        &ambiguous,
        "--date-order",
        "mdy",
        "--json",
    ]);
    assert_eq!(mdy[0]["first_day"], "2026-01-07", "01/07/2026 month first");
}

/// An import killed halfway leaves the workspace as it was: the whole file is one transaction.
#[test]
fn an_import_killed_halfway_changes_nothing() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    ok_json(&[
        "import",
        arg(&ws),
        &fixture("interactions_generic.csv"),
        "--json",
    ]);
    let before = info(&ws);

    let big = dir.path().join("big_export.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    writeln!(f, "contact_id,started_at,queue,outcome,wait_s,handle_s").unwrap();
    for i in 0..300_000u32 {
        let day = 1 + i % 28;
        writeln!(f, "K{i},2026-08-{day:02} 10:00:00,Billing,handled,10,100").unwrap();
    }
    drop(f);

    let size = std::fs::metadata(&big).unwrap().len();
    let mut child = Command::new(env!("CARGO_BIN_EXE_qbr"))
        .args(["import", arg(&ws), arg(&big)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import is halfway through its rows: it reads the file once to fingerprint
    // it, then again to import it (bytes read, from /proc).
    let read_bytes = |pid: u32| -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/io"))
            .ok()
            .and_then(|io| {
                io.lines()
                    .find_map(|l| l.strip_prefix("rchar:").map(|v| v.trim().parse().ok()))
                    .flatten()
            })
            .unwrap_or(0)
    };
    let started = Instant::now();
    while read_bytes(child.id()) < size + size / 2 && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import finished before it could be killed; the test needs a larger file"
    );
    child.kill().unwrap(); // SIGKILL on Unix: no chance to clean up.
    child.wait().unwrap();

    let after = info(&ws);
    assert_eq!(
        after["counts"], before["counts"],
        "no row of the killed import counts"
    );
    assert_eq!(after["imports"], before["imports"], "no batch was recorded");
    assert_eq!(after["contacts_offered"], 6);
    let conn = rusqlite::Connection::open(&ws).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok", "the file is intact after the kill");
    drop(conn);
    // And the same file imports cleanly afterwards.
    let out = ok_json(&["import", arg(&ws), arg(&big), "--json"]);
    assert_eq!(out[0]["rows_taken"], 300_000, "every generated row");
}

#[test]
fn a_saved_campaign_mapping_names_the_program_of_five9_calls() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("map.qbr");
    let out = Command::new(env!("CARGO_BIN_EXE_qbr"))
        .args(["init", ws.to_str().unwrap(), "--client", "Map"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_qbr"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "qbr {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let w = ws.to_str().unwrap();
    let saved: serde_json::Value = serde_json::from_slice(&run(&[
        "program-map",
        w,
        "set",
        "billing inbound",
        "--campaign",
        "--program",
        "Care",
        "--json",
    ]))
    .unwrap();
    assert_eq!(saved[0]["source"], "campaign");
    let five9 = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/import/five9_call_log.csv");
    run(&["import", w, five9.to_str().unwrap(), "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&run(&[
        "metrics", w, "--period", "2026-07", "--by", "program", "--metric", "offered", "--json",
    ]))
    .unwrap();
    let care = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"]["program"] == "Care")
        .expect("the campaign's calls are in Care");
    // The fixture's three inbound calls of campaign "Billing Inbound" (fixtures/import/README.md).
    assert_eq!(care["metrics"]["offered"]["value"], 3.0);
    run(&["program-map", w, "rm", "Billing Inbound", "--campaign"]);
    let left: serde_json::Value =
        serde_json::from_slice(&run(&["program-map", w, "list", "--json"])).unwrap();
    assert_eq!(left, serde_json::json!([]));
}

#[test]
fn a_mapping_file_used_once_is_saved_and_reused_for_next_quarter() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("odd.qbr");
    let w = arg(&ws);
    ok_json(&["init", w, "--client", "Odd", "--json"]);
    let mapping = dir.path().join("odd-mapping.json");
    std::fs::write(
        &mapping,
        r#"{"columns": [
            {"field": "contact_id", "header": "Ticket Ref"},
            {"field": "started_at", "header": "Opened On"},
            {"field": "channel", "header": "Media"},
            {"field": "queue", "header": "Line"},
            {"field": "outcome", "header": "Result"},
            {"field": "wait", "header": "Waited", "unit": "s"},
            {"field": "talk", "header": "Talked", "unit": "s"}
        ]}"#,
    )
    .unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/import");
    let q3 = fixtures.join("interactions_odd_headers_q3.csv");
    let q4 = fixtures.join("interactions_odd_headers_q4.csv");
    let first = ok_json(&[
        "import",
        w,
        arg(&q3),
        "--kind",
        "interactions",
        "--mapping",
        arg(&mapping),
        "--save-mapping",
        "Odd export",
        "--json",
    ]);
    assert_eq!(first[0]["rows_taken"], 3);
    let saved = ok_json(&["mappings", w, "--json"]);
    assert_eq!(saved[0]["name"], "Odd export");
    assert_eq!(saved[0]["kind"], "interactions");
    // Next quarter's file: no --kind, no --mapping; the saved mapping reads it.
    let second = ok_json(&["import", w, arg(&q4), "--json"]);
    assert_eq!(second[0]["rows_taken"], 2);
    let info = ok_json(&["info", w, "--json"]);
    assert_eq!(
        info["counts"]["interactions"], 5,
        "3 contacts in Q3, 2 in Q4"
    );
}

#[test]
fn a_survey_with_two_satisfaction_questions_is_refused_until_the_csat_column_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let w = arg(&ws);
    let file = fixture("qualtrics_two_satisfaction.csv");
    let detected = ok_json(&["detect", w, &file, "--json"]);
    assert_eq!(detected["questions"][0]["field"], "csat");
    assert_eq!(detected["questions"][0]["candidates"][1]["header"], "Q3");

    let err = fails(&["import", w, &file]);
    for part in ["CSAT", "Q1", "Q3", "--csat-column", "nothing was imported"] {
        assert!(err.contains(part), "the message says {part:?}: {err}");
    }
    assert_eq!(
        info(&ws)["counts"]["imports"],
        0,
        "nothing was written: {err}"
    );

    let out = ok_json(&["import", w, &file, "--csat-column", "Q3", "--json"]);
    assert_eq!(out[0]["rows_taken"], 3);
    let report = ok_json(&[
        "metrics", w, "--period", "2026-07", "--metric", "csat", "--json",
    ]);
    let csat = &report["groups"][0]["metrics"]["csat"]["value"];
    // Q3 (products): 2, 3 and 5; one of three is 4 or more (fixtures/import/README.md).
    assert!(
        (csat.as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9,
        "CSAT from Q3: {report}"
    );
}

#[test]
fn overflowing_durations_and_implausible_dates_are_refused_by_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let file = dir.path().join("hostile_values.csv");
    let huge = format!("1{}", "0".repeat(307));
    let infinite = format!("1{}h", "0".repeat(400));
    // Twenty good rows first (talk 150 s each), so the bad ones read as bad rows rather than as a
    // wrong mapping.
    let good: String = (0..20)
        .map(|i| format!("G{i},2026-07-01T12:{i:02}:00Z,handled,10,150\n"))
        .collect();
    std::fs::write(
        &file,
        format!(
            "contact_id,started_at,outcome,wait_s,talk_s\n{good}\
             C1,2026-07-01T13:00:00Z,handled,10,100\n\
             C2,2026-07-01T14:00:00Z,handled,10,{huge}\n\
             C3,2026-07-01T15:00:00Z,handled,10,{infinite}\n\
             C4,2026-07-01T16:00:00Z,handled,10,40d\n\
             C5,0000-01-01T13:00:00Z,handled,10,100\n\
             C6,9999-12-31T13:00:00Z,handled,10,100\n\
             C7,2026-07-01T17:00:00Z,handled,10,200\n"
        ),
    )
    .unwrap();
    let r = &ok_json(&["import", arg(&ws), arg(&file), "--json"])[0];
    assert_eq!(
        (&r["rows_taken"], &r["rows_refused"]),
        (&Value::from(22), &Value::from(5))
    );
    let refusals = r["refusals"].as_array().unwrap();
    let by_row = |row: u64| {
        refusals
            .iter()
            .find(|x| x["row"] == row)
            .unwrap_or_else(|| panic!("row {row} refused: {refusals:?}"))
    };
    // Line 1 is the header, lines 2–21 the good rows, C1 line 22.
    for row in [23, 24] {
        assert_eq!(by_row(row)["column"], "talk_s");
        assert!(
            by_row(row)["expected"]
                .as_str()
                .unwrap()
                .contains("overflows"),
            "{}",
            by_row(row)
        );
    }
    assert!(by_row(25)["expected"]
        .as_str()
        .unwrap()
        .starts_with("a duration of at most 31 days for one contact"));
    for row in [26, 27] {
        assert_eq!(by_row(row)["column"], "started_at");
    }
    assert!(
        by_row(27)["expected"]
            .as_str()
            .unwrap()
            .starts_with("a date from 1990-01-01 to "),
        "{}",
        by_row(27)
    );
    // The workspace holds 1 July only, and AHT is (20 × 150 + 100 + 200) / 22 = 150.
    assert_eq!(
        (&r["first_day"], &r["last_day"]),
        (&Value::from("2026-07-01"), &Value::from("2026-07-01"))
    );
    let m = ok_json(&[
        "metrics",
        arg(&ws),
        "--period",
        "2026-07-01",
        "--metric",
        "aht",
        "--json",
    ]);
    assert_eq!(m["groups"][0]["metrics"]["aht"]["value"], 150.0, "{m}");
    // The window can be narrowed: a latest day before the data refuses every row.
    let other = dir.path().join("other.qbr");
    ok_json(&["init", arg(&other), "--timezone", "UTC", "--json"]);
    let out = qbr(&[
        "import",
        arg(&other),
        arg(&file),
        "--latest",
        "2026-06-30",
        "--strict",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("a date from 1990-01-01 to 2026-06-30"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_threshold_change_recomputes_imported_days_and_names_what_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("t.qbr");
    ok_json(&["init", arg(&ws), "--timezone", "UTC", "--json"]);
    let contacts = dir.path().join("chats.csv");
    std::fs::write(
        &contacts,
        "contact_id,started_at,channel,outcome,wait_s,talk_s\n\
         C1,2026-07-01T10:00:00Z,chat,handled,10,100\n\
         C2,2026-07-01T10:05:00Z,chat,handled,30,100\n\
         C3,2026-07-02T10:00:00Z,chat,handled,45,100\n\
         C4,2026-07-02T10:05:00Z,chat,handled,70,100\n",
    )
    .unwrap();
    let intervals = dir.path().join("intervals.csv");
    std::fs::write(
        &intervals,
        "interval_start,queue,channel,offered,handled,abandoned,short_abandoned,answered_in_threshold\n\
         2026-07-03 09:00,Web,chat,10,10,0,0,5\n",
    )
    .unwrap();
    ok_json(&[
        "import",
        arg(&ws),
        arg(&contacts),
        arg(&intervals),
        "--json",
    ]);
    let sl = || {
        ok_json(&[
            "metrics",
            arg(&ws),
            "--period",
            "2026-07-01..2026-07-02",
            "--metric",
            "service_level",
            "--json",
        ])["groups"][0]["metrics"]["service_level"]["value"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(sl(), 0.75, "chat at 60 s: 3 of 4");
    let out = qbr(&["settings", arg(&ws), "--chat-threshold", "20"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Recomputed 2 day(s) of imported contacts under the new thresholds.")
            && text.contains("intervals.csv (import 2)"),
        "{text}"
    );
    assert_eq!(sl(), 0.25, "chat at 20 s: 1 of 4, from the stored contacts");
    let saved = ok_json(&["settings", arg(&ws), "--chat-threshold", "60", "--json"]);
    assert_eq!(saved["thresholds"]["chat_s"], 60);
    assert_eq!(saved["days_recomputed"], 2);
    assert_eq!(sl(), 0.75, "and back");
}
