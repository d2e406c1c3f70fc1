//! The `cause` and `action` commands as a user runs them on the demo: the effect's windows are
//! checked against `qbr metrics --period FROM..TO` for the same scope, and the lifecycle (edit
//! history, overdue, delete and restore) is read back through `show` and `list`.

mod common;

use common::{arg, ok_json, qbr};
use std::path::{Path, PathBuf};

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

/// A fresh demo without the account team's notes, for a test that adds its own and counts them.
fn demo() -> (tempfile::TempDir, PathBuf) {
    common::bare_demo()
}

/// The `metrics --json` entry of `metric` for Tech Support over `from..to`.
fn scorecard(ws: &Path, metric: &str, from: &str, to: &str) -> Value {
    let report = ok_json(&[
        "metrics",
        arg(ws),
        "--period",
        &format!("{from}..{to}"),
        "--filter",
        "program=Tech Support",
        "--metric",
        metric,
        "--json",
    ]);
    report["groups"][0]["metrics"][metric].clone()
}

#[test]
fn effect_windows_equal_the_scorecard_over_the_same_days() {
    let (_dir, ws) = demo();
    let w = arg(&ws);
    let added = ok_json(&[
        "action",
        w,
        "add",
        "--title",
        "Firmware playbook",
        "--owner",
        "Dana",
        "--start",
        "2026-08-03",
        "--due",
        "2026-08-31",
        "--status",
        "done",
        "--completed-on",
        "2026-08-31",
        "--metric",
        "service_level",
        "--scope",
        "program=Tech Support",
        "--json",
    ]);
    let id = added["id"].as_i64().unwrap().to_string();
    let e = ok_json(&["action", w, "effect", &id, "--json"]);
    assert_eq!(
        e["before"]["period"]["start"], "2026-07-06",
        "28 days before 08-03"
    );
    assert_eq!(e["before"]["period"]["end"], "2026-08-02");
    assert_eq!(
        e["after"]["period"]["start"], "2026-08-31",
        "from the completion"
    );
    assert_eq!(e["after"]["period"]["end"], "2026-09-27");
    for (window, from, to) in [
        ("before", "2026-07-06", "2026-08-02"),
        ("after", "2026-08-31", "2026-09-27"),
    ] {
        let sc = scorecard(&ws, "service_level", from, to);
        // Independently of the engine: Σanswered_in_threshold and Σoffered − Σshort_abandoned of
        // Tech Support's facts over the window.
        let conn = rusqlite::Connection::open(&ws).unwrap();
        let (num, den): (f64, f64) = conn
            .query_row(
                "SELECT SUM(answered_in_threshold) * 1.0, (SUM(offered) - SUM(short_abandoned)) * 1.0
                   FROM fact f JOIN program p ON p.id = f.program_id
                  WHERE p.name = 'Tech Support' AND f.day BETWEEN ?1 AND ?2",
                [from, to],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            e[window]["numerator"].as_f64(),
            Some(num),
            "{window} numerator by SQL"
        );
        assert_eq!(
            e[window]["denominator"].as_f64(),
            Some(den),
            "{window} denominator by SQL"
        );
        for field in ["value", "numerator", "denominator"] {
            assert_eq!(
                e[window][field], sc[field],
                "{window} {field}: the effect uses the scorecard's ratio of sums"
            );
        }
    }
    assert_eq!(e["test"]["method"], "two_proportion_z");
    assert_eq!(e["test"]["confidence"], 0.95);
    assert_eq!(
        e["verdict"], "worsened",
        "Tech Support SL fell from 75.8% to 74.3% on ~20,000 calls a window: {}",
        e["reason"]
    );
    let text = ok(&["action", w, "effect", &id, "--weeks", "2"]);
    assert!(
        text.contains("Before   2026-07-20 to 2026-08-02"),
        "two weeks: {text}"
    );
    assert!(text.contains("Verdict  "), "{text}");
    assert!(
        text.contains("two-proportion z-test"),
        "the method is stated: {text}"
    );
}

#[test]
fn causes_keep_their_history_and_come_back_after_rm() {
    let (_dir, ws) = demo();
    let w = arg(&ws);
    let c = ok_json(&[
        "cause",
        w,
        "add",
        "--metric",
        "aht",
        "--metric",
        "service_level",
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
        "--author",
        "Dana",
        "--json",
    ]);
    let id = c["id"].as_i64().unwrap().to_string();
    ok(&[
        "cause",
        w,
        "edit",
        &id,
        "--title",
        "Firmware 12.4: handsets reboot",
        "--visibility",
        "client",
    ]);
    let shown = ok_json(&["cause", w, "show", &id, "--json"]);
    assert_eq!(
        shown["cause"]["fields"]["title"],
        "Firmware 12.4: handsets reboot"
    );
    assert_eq!(
        shown["history"].as_array().unwrap().len(),
        1,
        "one edit kept"
    );
    assert_eq!(
        shown["history"][0]["previous"]["title"],
        "Firmware 12.4 roll-out"
    );
    assert_eq!(shown["history"][0]["previous"]["visibility"], "internal");
    let text = ok(&["cause", w, "show", &id]);
    assert!(
        text.contains("1 edit(s)") && text.contains("    Title        Firmware 12.4 roll-out"),
        "the earlier state is visible in show: {text}"
    );

    ok(&["cause", w, "rm", &id]);
    let listed = ok_json(&["cause", w, "list", "--json"]);
    assert_eq!(
        listed.as_array().unwrap().len(),
        0,
        "deleted causes are hidden"
    );
    let with_deleted = ok_json(&["cause", w, "list", "--deleted", "--json"]);
    assert!(with_deleted[0]["deleted_at"].is_string());
    ok(&["cause", w, "restore", &id]);
    let q3 = ok_json(&[
        "cause", w, "list", "--metric", "aht", "--period", "2026-Q3", "--json",
    ]);
    assert_eq!(
        q3.as_array().unwrap().len(),
        1,
        "restored, and Q3 overlaps its period"
    );
    let q2 = ok_json(&["cause", w, "list", "--period", "2026-Q2", "--json"]);
    assert_eq!(q2.as_array().unwrap().len(), 0, "Q2 does not");
    let bad = qbr(&["cause", w, "show", "99"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("there is no root cause 99"));
}

#[test]
fn actions_show_overdue_take_notes_and_restore() {
    let (_dir, ws) = demo();
    let w = arg(&ws);
    let a = ok_json(&[
        "action",
        w,
        "add",
        "--title",
        "Hire 6 agents",
        "--owner",
        "Lee",
        "--start",
        "2020-01-06",
        "--due",
        "2020-02-28",
        "--status",
        "in_progress",
        "--metric",
        "service_level",
        "--json",
    ]);
    let id = a["id"].as_i64().unwrap().to_string();
    assert_eq!(a["overdue"], true, "due in 2020 and still in progress");
    assert_eq!(a["board_status"], "overdue");
    let list = ok(&["action", w, "list", "--overdue"]);
    assert!(
        list.contains("OVERDUE (in_progress)") && list.contains("Hire 6 agents"),
        "{list}"
    );
    ok(&[
        "action",
        w,
        "note",
        &id,
        "3 of 6 hired",
        "--on",
        "2020-02-01",
    ]);
    let shown = ok(&["action", w, "show", &id]);
    assert!(shown.contains("2020-02-01  3 of 6 hired"), "{shown}");
    assert!(shown.contains("OVERDUE"), "{shown}");

    ok(&["action", w, "rm", &id]);
    assert_eq!(
        ok_json(&["action", w, "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    ok(&["action", w, "restore", &id]);
    let done = ok_json(&[
        "action",
        w,
        "update",
        &id,
        "--status",
        "done",
        "--completed-on",
        "2020-03-02",
        "--json",
    ]);
    assert_eq!(done["completed_on"], "2020-03-02");
    assert_eq!(done["overdue"], false, "done is never overdue");
    assert_eq!(
        done["notes"].as_array().unwrap().len(),
        1,
        "notes survive rm and restore"
    );
    let effect = ok_json(&["action", w, "effect", &id, "--json"]);
    assert_eq!(effect["verdict"], "no_clear_change", "{}", effect["reason"]);
    assert!(
        effect["reason"]
            .as_str()
            .unwrap()
            .contains("not enough data before the action"),
        "2020 predates the demo's data: {}",
        effect["reason"]
    );
    let usage = qbr(&[
        "action",
        w,
        "add",
        "--title",
        "x",
        "--expect-target",
        "1",
        "--expect-change",
        "2",
    ]);
    assert_eq!(
        usage.status.code(),
        Some(2),
        "target and change exclude each other"
    );
}
