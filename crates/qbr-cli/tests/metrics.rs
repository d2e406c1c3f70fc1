//! The metric commands as a user runs them, on the demo workspace, checked against figures
//! recomputed here straight from the `fact` table with SQL: ratio of sums over the period's rows.
//! The demo is created once per test run; tests that change a workspace work on their own copy.

mod common;

use common::{arg, ok_json, qbr};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::sync::OnceLock;

use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

/// Runs a command expected to fail with `code`, and returns its stderr.
fn fails(code: i32, args: &[&str]) -> String {
    let out = qbr(args);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(code),
        "qbr {args:?} should exit {code}; stderr: {err}"
    );
    err
}

/// The demo workspace, created once for this test binary and only ever read.
fn demo() -> &'static Path {
    static DEMO: OnceLock<PathBuf> = OnceLock::new();
    // Under cargo's per-target temporary folder, replaced on each run, so no copy piles up in
    // /tmp; `demo --force` writes a sibling and renames it, never a file in use.
    DEMO.get_or_init(|| {
        common::demo_in(&Path::new(env!("CARGO_TARGET_TMPDIR")).join("metrics-demo"))
    })
}

/// A private copy of the demo for a test that changes it.
fn demo_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.qbr");
    std::fs::copy(demo(), &path).expect("the demo file copies");
    (dir, path)
}

fn sql(ws: &Path) -> Connection {
    Connection::open_with_flags(ws, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// Σnum / Σden per program over `from..=to`, straight from the facts.
fn per_program(ws: &Path, num: &str, den: &str, from: &str, to: &str) -> BTreeMap<String, f64> {
    let conn = sql(ws);
    let mut stmt = conn
        .prepare(&format!(
            "SELECT p.name, SUM({num}) * 1.0 / ({den})
               FROM fact f JOIN program p ON p.id = f.program_id
              WHERE f.day BETWEEN ?1 AND ?2
              GROUP BY p.name"
        ))
        .unwrap();
    stmt.query_map([from, to], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

const SL_DEN: &str = "SUM(offered) - SUM(short_abandoned)";

/// The whole account's value of Σnum / (den) over `from..=to`.
fn overall(ws: &Path, num: &str, den: &str, from: &str, to: &str) -> f64 {
    sql(ws)
        .query_row(
            &format!("SELECT SUM({num}) * 1.0 / ({den}) FROM fact WHERE day BETWEEN ?1 AND ?2"),
            [from, to],
            |r| r.get(0),
        )
        .unwrap()
}

/// Groups of a `metrics --json` report by their program.
fn by_program(report: &Value) -> BTreeMap<String, &Value> {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| {
            g["key"]["program"]
                .as_str()
                .map(|p| (p.to_string(), &g["metrics"]))
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn the_scorecard_by_program_is_the_ratio_of_sums_of_the_facts() {
    let ws = demo();
    let report = ok_json(&[
        "metrics",
        arg(ws),
        "--period",
        "2026-Q3",
        "--by",
        "program",
        "--metric",
        "service_level",
        "--metric",
        "aht",
        "--metric",
        "csat",
        "--json",
    ]);
    let groups = by_program(&report);
    let (from, to) = ("2026-07-01", "2026-09-30");
    let expected = [
        (
            "service_level",
            per_program(ws, "answered_in_threshold", SL_DEN, from, to),
        ),
        ("aht", per_program(ws, "handle_s", "SUM(handled)", from, to)),
        (
            "csat",
            per_program(ws, "csat_satisfied", "SUM(csat_responses)", from, to),
        ),
    ];
    assert_eq!(
        groups.keys().collect::<Vec<_>>(),
        ["Billing", "Sales", "Tech Support"],
        "one group per demo program (every fact row names one)"
    );
    for (metric, want) in &expected {
        for (program, value) in want {
            let got = groups[program][metric]["value"].as_f64().unwrap();
            assert!(
                close(got, *value),
                "{metric} for {program} in 2026-Q3: CLI {got}, SQL ratio of sums {value}"
            );
        }
    }

    // QoQ: the previous value is 2026-Q2 recomputed the same way, and the change is the difference.
    let q2 = per_program(
        ws,
        "answered_in_threshold",
        SL_DEN,
        "2026-04-01",
        "2026-06-30",
    );
    for (program, value) in &q2 {
        let sl = &groups[program.as_str()]["service_level"];
        let previous = sl["previous"].as_f64().unwrap();
        assert!(
            close(previous, *value),
            "QoQ base for {program} is its 2026-Q2 SL: CLI {previous}, SQL {value}"
        );
        let now = sl["value"].as_f64().unwrap();
        let points = sl["change_previous"]["points"].as_f64().unwrap();
        assert!(
            (points - (now - value) * 100.0).abs() < 1e-6,
            "a ratio moves in percentage points: {points} vs {}",
            (now - value) * 100.0
        );
    }
    // YoY: same quarter a year earlier.
    let q3_2025 = per_program(
        ws,
        "answered_in_threshold",
        SL_DEN,
        "2025-07-01",
        "2025-09-30",
    );
    for (program, value) in &q3_2025 {
        let year_ago = groups[program.as_str()]["service_level"]["year_ago"]
            .as_f64()
            .unwrap();
        assert!(
            close(year_ago, *value),
            "YoY base for {program} is its 2025-Q3 SL: CLI {year_ago}, SQL {value}"
        );
    }
}

#[test]
fn metrics_json_has_the_documented_shape() {
    let ws = demo();
    // No --period: the latest complete quarter of the data (it ends 2026-09-30).
    let report = ok_json(&["metrics", arg(ws), "--metric", "service_level", "--json"]);
    let period = &report["period"];
    assert_eq!(
        (&period["label"], &period["start"], &period["end"]),
        (
            &Value::from("2026-Q3"),
            &Value::from("2026-07-01"),
            &Value::from("2026-09-30")
        ),
        "the default period is the last complete quarter in the data"
    );
    let groups = report["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "without --by there is one group");
    assert_eq!(
        groups[0]["key"],
        serde_json::json!({}),
        "an ungrouped key is {{}}"
    );
    let entry = groups[0]["metrics"]["service_level"].as_object().unwrap();
    let mut keys: Vec<&str> = entry.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "change_previous",
            "change_year_ago",
            "coverage",
            "denominator",
            "flags",
            "n",
            "notes",
            "numerator",
            "previous",
            "reason",
            "status",
            "target",
            "unit",
            "value",
            "year_ago"
        ],
        "the entry fields documented in docs/reference.md"
    );
    assert_eq!(entry["unit"], "ratio");
    assert!(entry["flags"].is_array(), "flags is always a list");

    // The value is numerator / denominator, both as summed from the facts.
    let (from, to) = ("2026-07-01", "2026-09-30");
    let num: f64 = sql(ws)
        .query_row(
            "SELECT SUM(answered_in_threshold) FROM fact WHERE day BETWEEN ?1 AND ?2",
            [from, to],
            |r| r.get(0),
        )
        .unwrap();
    let sl = overall(ws, "answered_in_threshold", SL_DEN, from, to);
    assert!(close(entry["numerator"].as_f64().unwrap(), num));
    assert!(
        close(entry["value"].as_f64().unwrap(), sl),
        "whole-account SL {} vs SQL {sl}",
        entry["value"]
    );
}

#[test]
fn the_demo_service_level_target_and_its_status() {
    let ws = demo();
    let check = |period: &str, from: &str, to: &str, target: f64, effective_from: &str| {
        let report = ok_json(&[
            "metrics",
            arg(ws),
            "--period",
            period,
            "--metric",
            "service_level",
            "--json",
        ]);
        let e = &report["groups"][0]["metrics"]["service_level"];
        assert_eq!(e["target"]["value"].as_f64(), Some(target), "{period}");
        assert_eq!(e["target"]["direction"], "at_least");
        assert_eq!(e["target"]["effective_from"], effective_from);
        let sl = overall(ws, "answered_in_threshold", SL_DEN, from, to);
        // Green when met; amber within the 5% tolerance of the target; red beyond.
        let expected = if sl >= target {
            "green"
        } else if sl >= target * 0.95 {
            "amber"
        } else {
            "red"
        };
        assert_eq!(
            e["status"], expected,
            "{period}: SL {sl} against at least {target}"
        );
    };
    // The contract renewal raised the target from 0.80 to 0.82 on 2026-04-01.
    check("2026-Q3", "2026-07-01", "2026-09-30", 0.82, "2026-04-01");
    check("2026-Q1", "2026-01-01", "2026-03-31", 0.80, "2025-01-01");
}

#[test]
fn a_metric_without_data_has_no_value_and_says_why() {
    let ws = demo();
    let report = ok_json(&[
        "metrics",
        arg(ws),
        "--period",
        "2024-Q1",
        "--metric",
        "service_level",
        "--json",
    ]);
    let e = &report["groups"][0]["metrics"]["service_level"];
    assert_eq!(
        e["value"],
        Value::Null,
        "no contacts in 2024: no value, never 0"
    );
    assert!(
        e["reason"].as_str().is_some_and(|r| !r.is_empty()),
        "a missing value carries a reason: {e}"
    );
    assert_eq!(e["status"], "none", "no value, no status");

    let out = qbr(&[
        "metrics",
        arg(ws),
        "--period",
        "2024-Q1",
        "--metric",
        "service_level",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    let reason = e["reason"].as_str().unwrap();
    assert!(
        text.lines()
            .any(|l| l.contains("Service level") && l.contains('–') && l.contains(reason)),
        "the text shows – and the reason {reason:?}:\n{text}"
    );
}

#[test]
fn low_sample_is_flagged_exactly_below_the_minimum() {
    let ws = demo();
    // One day per queue: some queues get fewer than 30 survey responses, some more.
    let report = ok_json(&[
        "metrics",
        arg(ws),
        "--period",
        "2026-08-03",
        "--by",
        "queue",
        "--metric",
        "csat",
        "--json",
    ]);
    let min = report["definitions"][0]["min_sample"].as_u64().unwrap();
    assert_eq!(min, 30, "metrics.md: 30 responses for survey metrics");
    let conn = sql(ws);
    let (mut low_seen, mut enough_seen) = (false, false);
    for g in report["groups"].as_array().unwrap() {
        let e = &g["metrics"]["csat"];
        let Some(queue) = g["key"]["queue"].as_str() else {
            // Rows without a queue carry no surveys in the demo.
            assert_eq!(e["value"], Value::Null, "no queue, no responses: {e}");
            continue;
        };
        let responses: Option<i64> = conn
            .query_row(
                "SELECT SUM(csat_responses) FROM fact JOIN queue q ON q.id = fact.queue_id
                  WHERE q.name = ?1 AND day = '2026-08-03'",
                [queue],
                |r| r.get(0),
            )
            .unwrap();
        let responses = responses.unwrap_or(0);
        assert_eq!(
            e["n"].as_i64().unwrap_or(0),
            responses,
            "n of {queue} is its survey responses"
        );
        let low = e["flags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("low_sample"));
        assert_eq!(
            low,
            responses > 0 && (responses as u64) < min,
            "{queue}: {responses} responses against a minimum of {min}"
        );
        low_seen |= low;
        enough_seen |= !low && responses > 0;
    }
    assert!(
        low_seen && enough_seen,
        "the day has both small and sufficient samples, so both sides are tested"
    );
}

#[test]
fn text_output_shows_real_values_by_unit_and_status_in_words() {
    let ws = demo();
    let out = qbr(&[
        "metrics",
        arg(ws),
        "--period",
        "2026-Q3",
        "--by",
        "program",
        "--metric",
        "service_level",
        "--metric",
        "aht",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let (from, to) = ("2026-07-01", "2026-09-30");
    let sl = per_program(ws, "answered_in_threshold", SL_DEN, from, to);
    let aht = per_program(ws, "handle_s", "SUM(handled)", from, to);
    let tech = text
        .split("program: Tech Support")
        .nth(1)
        .expect("a section per program");
    let sl_line = tech.lines().find(|l| l.contains("Service level")).unwrap();
    let pct = format!("{:.1}%", sl["Tech Support"] * 100.0);
    assert!(
        sl_line.contains(&pct),
        "SL as a percentage {pct}: {sl_line}"
    );
    assert!(
        sl_line.contains("≥ 82.0%") && sl_line.contains("✕ Off target"),
        "Tech Support misses the 82% target by more than 5% in the demo story: {sl_line}"
    );
    let secs = aht["Tech Support"].round() as u64;
    let clock = format!("{}:{:02}", secs / 60, secs % 60);
    let aht_line = tech
        .lines()
        .find(|l| l.contains("Average handle time"))
        .unwrap();
    assert!(aht_line.contains(&clock), "AHT as m:ss {clock}: {aht_line}");
}

#[test]
fn targets_set_list_remove_and_import_round_trip() {
    let (_dir, ws) = demo_copy();
    let ws = ws.as_path();
    let count = |ws: &Path| {
        ok_json(&["targets", arg(ws), "list", "--json"])
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(count(ws), 11, "the demo ships 11 targets");

    let added = ok_json(&[
        "targets",
        arg(ws),
        "set",
        "--metric",
        "csat",
        "--at-least",
        "0.9",
        "--scope",
        "program=Billing",
        "--from",
        "2026-07-01",
        "--json",
    ]);
    let id = added["id"].as_i64().unwrap();
    assert_eq!(added["scope"]["dimension"], "program");
    assert_eq!(added["tolerance"].as_f64(), Some(0.05), "default tolerance");
    assert_eq!(count(ws), 12);

    // The new, more specific target governs Billing's CSAT from 2026-Q3.
    let report = ok_json(&[
        "metrics",
        arg(ws),
        "--period",
        "2026-Q3",
        "--by",
        "program",
        "--metric",
        "csat",
        "--json",
    ]);
    let billing = &by_program(&report)["Billing"]["csat"];
    assert_eq!(billing["target"]["id"].as_i64(), Some(id));
    let csat = per_program(
        ws,
        "csat_satisfied",
        "SUM(csat_responses)",
        "2026-07-01",
        "2026-09-30",
    )["Billing"];
    let expected = if csat >= 0.9 {
        "green"
    } else if csat >= 0.9 * 0.95 {
        "amber"
    } else {
        "red"
    };
    assert_eq!(
        billing["status"], expected,
        "Billing CSAT {csat} against 90%"
    );

    let out = qbr(&["targets", arg(ws), "rm", &id.to_string()]);
    assert!(out.status.success());
    assert_eq!(count(ws), 11, "rm takes the target out");
    let err = fails(1, &["targets", arg(ws), "rm", &id.to_string()]);
    assert!(
        err.starts_with("qbr: ") && err.contains("no target"),
        "{err}"
    );

    let dir = ws.parent().unwrap();
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "metric,scope_dimension,scope_value,direction,value,value_high,tolerance,effective_from,effective_to\n\
         aht,program,Billing,at_most,420,,0.1,2026-07-01,2026-12-31\n\
         occupancy,,,band,75%,85%,,2026-07-01,\n",
    )
    .unwrap();
    let imported = ok_json(&["targets", arg(ws), "import", arg(&good), "--json"]);
    let imported = imported.as_array().unwrap();
    assert_eq!(imported.len(), 2, "both rows are taken");
    assert_eq!(
        imported[1]["value"].as_f64(),
        Some(0.75),
        "75% is read as 0.75"
    );
    assert_eq!(imported[1]["value_high"].as_f64(), Some(0.85));
    assert_eq!(count(ws), 13);

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "metric,direction,value,effective_from\n\
         csat,at_least,0.9,2026-07-01\n\
         csat,at_least,ninety,2026-07-01\n",
    )
    .unwrap();
    let err = fails(1, &["targets", arg(ws), "import", arg(&bad)]);
    assert!(
        err.contains("row 3") && err.contains("column value"),
        "the refusal names the row and the column: {err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert_eq!(
        count(ws),
        13,
        "a refused file adds nothing, not even its good row"
    );

    let err = fails(
        1,
        &["targets", arg(ws), "import", arg(&dir.join("missing.csv"))],
    );
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn a_custom_metric_is_defined_used_and_removed() {
    let (_dir, ws) = demo_copy();
    let ws = ws.as_path();
    let def = ok_json(&[
        "metric-def",
        arg(ws),
        "add",
        "--id",
        "transfer_rate",
        "--name",
        "Transfer rate",
        "--formula",
        "transferred / handled",
        "--unit",
        "ratio",
        "--direction",
        "lower",
        "--json",
    ]);
    assert_eq!(def["builtin"], false);
    let list = ok_json(&["metric-def", arg(ws), "list", "--json"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == "transfer_rate" && d["unit"] == "ratio"),
        "the list shows the new metric"
    );

    let report = ok_json(&[
        "metrics",
        arg(ws),
        "--period",
        "2026-Q3",
        "--by",
        "program",
        "--metric",
        "transfer_rate",
        "--json",
    ]);
    let groups = by_program(&report);
    let want = per_program(
        ws,
        "transferred",
        "SUM(handled)",
        "2026-07-01",
        "2026-09-30",
    );
    for (program, value) in &want {
        let got = groups[program.as_str()]["transfer_rate"]["value"]
            .as_f64()
            .unwrap();
        assert!(
            close(got, *value),
            "custom Σtransferred / Σhandled for {program}: CLI {got}, SQL {value}"
        );
    }

    let out = qbr(&["metric-def", arg(ws), "rm", "transfer_rate"]);
    assert!(out.status.success());
    fails(1, &["metrics", arg(ws), "--metric", "transfer_rate"]);
    let err = fails(1, &["metric-def", arg(ws), "rm", "aht"]);
    assert!(err.contains("built-in"), "built-ins stay: {err}");
    let err = fails(
        1,
        &[
            "metric-def",
            arg(ws),
            "add",
            "--id",
            "x",
            "--name",
            "X",
            "--formula",
            "transferred / handled",
            "--unit",
            "parsecs",
            "--direction",
            "lower",
        ],
    );
    assert!(err.contains("unknown unit"), "{err}");
}

#[test]
fn a_monthly_series_matches_the_facts_month_by_month() {
    let ws = demo();
    let report = ok_json(&[
        "series",
        arg(ws),
        "--metric",
        "service_level",
        "--grain",
        "month",
        "--from",
        "2026-01-01",
        "--to",
        "2026-09-30",
        "--json",
    ]);
    let lines = report["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "one metric, no --by: one line");
    let points = lines[0]["points"].as_array().unwrap();
    assert_eq!(points.len(), 9, "January to September");
    let conn = sql(ws);
    let mut stmt = conn
        .prepare(&format!(
            "SELECT substr(day, 1, 7), SUM(answered_in_threshold) * 1.0 / ({SL_DEN})
               FROM fact WHERE day BETWEEN '2026-01-01' AND '2026-09-30'
              GROUP BY 1 ORDER BY 1"
        ))
        .unwrap();
    let months: Vec<(String, f64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (p, (month, value)) in points.iter().zip(&months) {
        assert_eq!(p["period"]["start"], format!("{month}-01"));
        let got = p["value"].as_f64().unwrap();
        assert!(close(got, *value), "{month}: CLI {got}, SQL {value}");
    }
}

#[test]
fn usage_errors_exit_2_and_bad_values_exit_1_with_a_message() {
    let ws = demo();
    let w = arg(ws);
    // Usage: missing or malformed arguments, refused by the argument parser.
    fails(2, &["metrics"]);
    fails(
        2,
        &[
            "series",
            w,
            "--grain",
            "month",
            "--from",
            "2026-01-01",
            "--to",
            "2026-02-01",
        ],
    );
    fails(
        2,
        &[
            "series",
            w,
            "--metric",
            "csat",
            "--grain",
            "year",
            "--from",
            "2026-01-01",
            "--to",
            "2026-02-01",
        ],
    );
    fails(
        2,
        &[
            "targets",
            w,
            "set",
            "--metric",
            "csat",
            "--from",
            "2026-01-01",
        ],
    );
    fails(
        2,
        &[
            "targets",
            w,
            "set",
            "--metric",
            "csat",
            "--at-least",
            "0.8",
            "--at-most",
            "0.9",
            "--from",
            "2026-01-01",
        ],
    );
    fails(
        2,
        &[
            "targets",
            w,
            "set",
            "--metric",
            "csat",
            "--band",
            "0.8",
            "--from",
            "2026-01-01",
        ],
    );
    fails(2, &["targets", w, "rm", "first"]);
    fails(2, &["targets", w]);

    // Values the API refuses: exit 1, one line saying what was expected.
    for (args, says) in [
        (vec!["metrics", w, "--period", "2026-Q5"], "Q5"),
        (vec!["metrics", w, "--by", "planet"], "planet"),
        (vec!["metrics", w, "--filter", "program"], "DIMENSION=VALUE"),
        (vec!["metrics", w, "--metric", "happiness"], "happiness"),
        (
            vec![
                "series",
                w,
                "--metric",
                "csat",
                "--grain",
                "month",
                "--from",
                "2026-13-01",
                "--to",
                "2026-12-01",
            ],
            "YYYY-MM-DD",
        ),
        (
            vec![
                "targets",
                w,
                "set",
                "--metric",
                "csat",
                "--at-least",
                "0.8",
                "--from",
                "2026-07-01",
                "--tolerance",
                "2",
            ],
            "tolerance",
        ),
        (
            vec![
                "targets",
                w,
                "set",
                "--metric",
                "nope",
                "--at-least",
                "0.8",
                "--from",
                "2026-07-01",
            ],
            "unknown metric",
        ),
    ] {
        let err = fails(1, &args);
        assert!(
            err.starts_with("qbr: ") && err.lines().count() == 1 && err.contains(says),
            "{args:?} says {says:?} in one line: {err}"
        );
    }
    assert_eq!(
        ok_json(&["targets", w, "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        11,
        "refused changes leave the shared demo as it was"
    );
}

#[test]
fn variants_change_the_service_level_formula_everywhere_and_are_recorded() {
    let (_dir, ws) = demo_copy();
    let shown = ok_json(&["variants", arg(&ws), "--json"]);
    assert_eq!(
        shown["service_level"], "short_abandons_excluded",
        "the catalog default"
    );

    let changed = ok_json(&[
        "variants",
        arg(&ws),
        "--service-level",
        "abandons_in_threshold_met",
        "--json",
    ]);
    assert_eq!(changed["service_level"], "abandons_in_threshold_met");
    // (answered in threshold + abandoned in threshold) / offered, straight from the facts.
    let expected: f64 = sql(&ws)
        .query_row(
            "SELECT (SUM(answered_in_threshold) + SUM(abandoned_in_threshold)) * 1.0 / SUM(offered)
               FROM fact WHERE day BETWEEN '2026-07-01' AND '2026-09-30'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let report = ok_json(&[
        "metrics",
        arg(&ws),
        "--period",
        "2026-Q3",
        "--metric",
        "service_level",
        "--json",
    ]);
    let got = report["groups"][0]["metrics"]["service_level"]["value"]
        .as_f64()
        .unwrap();
    assert!(close(got, expected), "{got} vs SQL {expected}");
    let recorded: i64 = sql(&ws)
        .query_row(
            "SELECT count(*) FROM setting_change WHERE key = 'variant_service_level' AND new_value = 'abandons_in_threshold_met'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(recorded, 1, "the change is recorded with its date");

    let err = fails(1, &["variants", arg(&ws), "--csat", "median"]);
    assert!(err.contains("top_two_box or mean_rating"), "{err}");
}

/// The text of `qbr series` names a week by its days in the workspace's locale, as the app's
/// charts do, and says which buckets the range or the data cut.
#[test]
fn a_weekly_series_names_its_weeks_by_their_days_and_marks_the_cut_ones() {
    let (_dir, ws) = demo_copy();
    let series = |ws: &Path| {
        let out = qbr(&[
            "series",
            arg(ws),
            "--metric",
            "service_level",
            "--grain",
            "week",
            "--from",
            "2026-07-01",
            "--to",
            "2026-08-10",
        ]);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let text = series(&ws);
    assert!(
        text.starts_with("By week, 1 Jul 2026 to 10 Aug 2026\n"),
        "{text}"
    );
    let rows: Vec<&str> = text.lines().filter(|l| l.contains(" 2026  ")).collect();
    assert_eq!(rows.len(), 7, "{text}");
    // 1 July is a Wednesday: its week (from Monday 29 June) is cut to five days; 10 August is
    // the Monday of the last week, one day of it.
    assert!(
        rows[0].trim_start().starts_with("1 Jul – 5 Jul 2026"),
        "{}",
        rows[0]
    );
    assert!(
        rows[0].ends_with("part of a week: 5 days of data"),
        "{}",
        rows[0]
    );
    assert!(
        rows[1].trim_start().starts_with("6 Jul – 12 Jul 2026"),
        "{}",
        rows[1]
    );
    assert!(!rows[1].contains("part of"), "{}", rows[1]);
    assert!(
        rows[6].trim_start().starts_with("10 Aug 2026"),
        "{}",
        rows[6]
    );
    assert!(
        rows[6].ends_with("part of a week: 1 day of data"),
        "{}",
        rows[6]
    );
    assert!(!text.contains("2026-W"), "no ISO week labels: {text}");

    ok_json(&["settings", arg(&ws), "--locale", "en-US", "--json"]);
    let us = series(&ws);
    assert!(
        us.starts_with("By week, Jul 1, 2026 to Aug 10, 2026\n"),
        "{us}"
    );
    assert!(us.contains("Jul 27 – Aug 2, 2026"), "{us}");
}
