//! The `qbr` binary as a user runs it: real processes, real files in temporary folders.

mod common;

use common::{arg, ok_json, qbr};
use std::process::Command;

use serde_json::Value;

#[test]
fn init_then_info_round_trips_settings() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("acme.qbr");
    ok_json(&[
        "init",
        arg(&ws),
        "--client",
        "Acme Insurance",
        "--timezone",
        "America/Chicago",
        "--fiscal-year-start",
        "April",
        "--currency",
        "usd",
        "--json",
    ]);
    let info = ok_json(&["info", arg(&ws), "--json"]);
    let s = &info["settings"];
    assert_eq!(s["client_name"], "Acme Insurance");
    assert_eq!(s["timezone"], "America/Chicago");
    assert_eq!(s["fiscal_year_start_month"], 4, "April is month 4");
    assert_eq!(s["currency"], "USD");
    assert_eq!(s["thresholds"]["email_s"], 86400, "email default is 24 h");
    assert_eq!(
        info["data_range"],
        Value::Null,
        "a new workspace has no data"
    );
    assert_eq!(info["counts"]["fact_rows"], 0);

    let changed = ok_json(&[
        "settings",
        arg(&ws),
        "--chat-threshold",
        "45",
        "--client",
        "Acme",
        "--json",
    ]);
    assert_eq!(changed["thresholds"]["chat_s"], 45);
    let info = ok_json(&["info", arg(&ws), "--json"]);
    assert_eq!(
        info["settings"]["client_name"], "Acme",
        "the change is stored in the file"
    );
    assert_eq!(info["settings"]["thresholds"]["chat_s"], 45);
}

#[test]
fn the_locale_is_set_shown_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("acme.qbr");
    ok_json(&["init", arg(&ws), "--client", "Acme", "--json"]);
    let info = ok_json(&["info", arg(&ws), "--json"]);
    assert_eq!(
        info["settings"]["locale"], "en-GB",
        "a new workspace's default"
    );

    // Chosen at creation, as the app's new-workspace form does; a tag not supported is refused
    // and creates nothing.
    let fr = dir.path().join("fr.qbr");
    let created = ok_json(&["init", arg(&fr), "--locale", "fr-fr", "--json"]);
    assert_eq!(created["settings"]["locale"], "fr-FR");
    let bad = dir.path().join("bad.qbr");
    let out = qbr(&["init", arg(&bad), "--locale", "fr"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"fr\" is not a supported locale"));
    assert!(!bad.exists(), "no workspace is left behind");

    let changed = ok_json(&["settings", arg(&ws), "--locale", "en-us", "--json"]);
    assert_eq!(changed["locale"], "en-US", "stored as the supported tag");
    let out = qbr(&["settings", arg(&ws)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Dates           en-US (Jul 27, 2026)"),
        "{text}"
    );

    let out = qbr(&["settings", arg(&ws), "--locale", "en-ZZ"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"en-ZZ\" is not a supported locale") && err.contains("de-DE"),
        "{err}"
    );
    let info = ok_json(&["info", arg(&ws), "--json"]);
    assert_eq!(
        info["settings"]["locale"], "en-US",
        "a refused change leaves it"
    );

    // The CLI's own dates follow it: the data range and the scorecard's period.
    let folder = dir.path().join("demo");
    ok_json(&["demo", arg(&folder), "--json"]);
    let demo = folder.join("northwind-mobile.qbr");
    ok_json(&["settings", arg(&demo), "--locale", "de-DE", "--json"]);
    let info = String::from_utf8_lossy(&qbr(&["info", arg(&demo)]).stdout).to_string();
    assert!(
        info.contains("Data            1. Jan. 2025 to 30. Sept. 2026"),
        "{info}"
    );
    let out = qbr(&["metrics", arg(&demo), "--period", "2026-Q3"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Period 2026-Q3 (1. Juli 2026 to 30. Sept. 2026)\n"),
        "{text}"
    );
}

#[test]
fn demo_then_info_json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("demo");
    ok_json(&["demo", arg(&folder), "--json"]);
    let info = ok_json(&["info", arg(&folder.join("northwind-mobile.qbr")), "--json"]);
    let mut keys: Vec<&str> = info
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "contacts_offered",
            "counts",
            "data_range",
            "format_version",
            "imports",
            "path",
            "settings"
        ],
        "the --json contract documented in docs/reference.md"
    );
    assert_eq!(info["data_range"]["first_day"], "2025-01-01");
    assert_eq!(info["data_range"]["last_day"], "2026-09-30");
    assert_eq!(info["counts"]["programs"], 3);
    assert_eq!(info["imports"][0]["kind"], "demo");

    // A second demo into the same folder is refused without --force, and its file left alone.
    let out = qbr(&["demo", arg(&folder)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn exit_codes_and_one_line_messages() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.qbr");
    let out = qbr(&["info", arg(&missing)]);
    assert_eq!(out.status.code(), Some(1), "a failure exits 1");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.starts_with("qbr: ") && err.contains("does not exist"),
        "{err}"
    );

    let out = qbr(&["info"]);
    assert_eq!(out.status.code(), Some(2), "a usage error exits 2");

    let out = qbr(&[
        "init",
        arg(&dir.path().join("x.qbr")),
        "--timezone",
        "Nowhere/Land",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("IANA"));
    assert!(
        !dir.path().join("x.qbr").exists(),
        "a refused init creates nothing"
    );

    let text = dir.path().join("notes.qbr");
    std::fs::write(&text, "not a workspace at all").unwrap();
    let out = qbr(&["info", arg(&text)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a QBR Desk workspace"));
}

#[test]
fn a_writer_in_another_process_is_told_the_workspace_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("busy.qbr");
    ok_json(&["init", arg(&ws), "--client", "Before", "--json"]);

    // This test process holds the write lock, as the app would during an import.
    let conn = rusqlite::Connection::open(&ws).unwrap();
    conn.execute_batch(
        "BEGIN IMMEDIATE; UPDATE setting SET value = 'Held' WHERE key = 'client_name';",
    )
    .unwrap();

    // A reader in another process still gets the last committed state...
    let info = ok_json(&["info", arg(&ws), "--json"]);
    assert_eq!(
        info["settings"]["client_name"], "Before",
        "readers see committed data only"
    );
    // ...and a writer waits, then gives up with words, not a corrupted file.
    let out = qbr(&["settings", arg(&ws), "--client", "Other"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("being changed by another program"), "{err}");

    conn.execute_batch("ROLLBACK;").unwrap();
    let out = qbr(&["settings", arg(&ws), "--client", "After"]);
    assert!(out.status.success(), "the lock is free again");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn concurrent_processes_do_not_corrupt_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("shared.qbr");
    ok_json(&["init", arg(&ws), "--client", "Start", "--json"]);
    // Six writers and six readers at once, as when the app and scripts share a file.
    let mut children = Vec::new();
    for i in 0..6 {
        let name = format!("Writer {i}");
        children.push((
            Some(name.clone()),
            Command::new(env!("CARGO_BIN_EXE_qbr"))
                .args(["settings", arg(&ws), "--client", &name, "--json"])
                .output_spawn(),
        ));
        children.push((
            None,
            Command::new(env!("CARGO_BIN_EXE_qbr"))
                .args(["info", arg(&ws), "--json"])
                .output_spawn(),
        ));
    }
    let mut written = Vec::new();
    for (name, child) in children {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            written.extend(name);
        } else {
            // The only acceptable failure is the busy message, never damage.
            assert!(err.contains("being changed by another program"), "{err}");
        }
    }
    assert!(!written.is_empty(), "at least one writer got through");
    let info = ok_json(&["info", arg(&ws), "--json"]);
    let last = info["settings"]["client_name"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        written.contains(&last),
        "the final name {last:?} is one a writer committed"
    );
    let conn = rusqlite::Connection::open(&ws).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let changes: i64 = conn
        .query_row(
            "SELECT count(*) FROM setting_change WHERE key = 'client_name'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        changes as usize,
        1 + written.len(),
        "every committed change is recorded once"
    );
}

trait SpawnOutput {
    fn output_spawn(&mut self) -> std::process::Child;
}

impl SpawnOutput for Command {
    fn output_spawn(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("qbr starts")
    }
}
