//! The diagnostic commands as a user runs them: `drivers` and `staffing` on small workspaces built
//! here from an intervals CSV whose answers are worked by hand (and, for staffing, are the Erlang C
//! vectors of metrics.md), `control`, `correlate` and `attention` on the demo, checked against
//! `qbr series` and `qbr metrics` over the same scope.

mod common;

use common::{arg, ok_json, qbr};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

fn demo() -> &'static Path {
    static DEMO: OnceLock<PathBuf> = OnceLock::new();
    // Under cargo's per-target temporary folder, replaced on each run, so no copy piles up in
    // /tmp; `demo --force` writes a sibling and renames it, never a file in use.
    DEMO.get_or_init(|| {
        common::demo_in(&Path::new(env!("CARGO_TARGET_TMPDIR")).join("diagnose-demo"))
    })
}

/// A new UTC workspace holding `csv` (intervals) as its one import.
fn workspace(csv: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("t.qbr");
    let file = dir.path().join("intervals.csv");
    std::fs::write(&file, csv).unwrap();
    assert!(qbr(&["init", arg(&ws), "--timezone", "UTC"])
        .status
        .success());
    let out = qbr(&["import", arg(&ws), arg(&file), "--kind", "intervals"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, ws)
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number: {v}"))
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

const HEADER: &str =
    "interval_start,queue,channel,offered,handled,abandoned,answered_in_threshold,asa,aht\n";

#[test]
fn drivers_split_the_hand_worked_two_queue_case_exactly() {
    // Q2: Billing 600 calls at 300 s, Tech Support 400 at 600 s → AHT 420 s.
    // Q3: Billing 500 at 330 s, Tech Support 500 at 600 s → AHT 465 s (+45 s).
    // Rate: Billing 0.55 × 30 = 16.5, Tech Support 0. Mix (R̄ 442.5): Billing (315 − 442.5) × −0.1
    // = 12.75, Tech Support (600 − 442.5) × 0.1 = 15.75.
    let (_d, ws) = workspace(&format!(
        "{HEADER}2026-05-01 09:00,Billing,voice,600,600,0,500,10,300\n\
         2026-05-01 09:00,Tech Support,voice,400,400,0,300,10,600\n\
         2026-08-03 09:00,Billing,voice,500,500,0,400,10,330\n\
         2026-08-03 09:00,Tech Support,voice,500,500,0,350,10,600\n"
    ));
    let r = ok_json(&[
        "drivers",
        arg(&ws),
        "--metric",
        "aht",
        "--from",
        "2026-Q2",
        "--to",
        "2026-Q3",
        "--by",
        "queue",
        "--json",
    ]);
    assert!(close(f(&r["value_from"]), 420.0, 1e-9) && close(f(&r["value_to"]), 465.0, 1e-9));
    assert!(close(f(&r["change"]), 45.0, 1e-9));
    assert!(
        close(
            f(&r["rate_total"]) + f(&r["mix_total"]),
            f(&r["change"]),
            1e-9
        ),
        "additive"
    );
    let seg = |name: &str| {
        r["segments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["segment"] == name)
            .unwrap()
            .clone()
    };
    let (b, t) = (seg("Billing"), seg("Tech Support"));
    assert!(close(f(&b["rate_effect"]), 16.5, 1e-9), "{b}");
    assert!(close(f(&b["mix_effect"]), 12.75, 1e-9), "{b}");
    assert!(close(f(&t["rate_effect"]), 0.0, 1e-9), "{t}");
    assert!(close(f(&t["mix_effect"]), 15.75, 1e-9), "{t}");
    // Durations as qbr-format writes them (m:ss, exact halves rounded up as in the app): the
    // 16.5 s rate effect reads 0:17.
    assert_eq!(
        r["sentence"],
        "Average handle time rose 0:45 from 2026-Q2 to 2026-Q3: Billing's own average handle time \
         added 0:17, more volume in Tech Support added 0:16, less volume in Billing added 0:13."
    );
    assert!(r["chart_svg"].as_str().unwrap().starts_with("<svg"));
    // The text shows the same split.
    let out = qbr(&[
        "drivers",
        arg(&ws),
        "--metric",
        "aht",
        "--from",
        "2026-Q2",
        "--to",
        "2026-Q3",
        "--by",
        "queue",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("change +45.0 s = rate +16.5 s + mix +28.5 s"),
        "{text}"
    );
}

fn aht_drivers(csv_rows: &str) -> Value {
    let (_d, ws) = workspace(&format!("{HEADER}{csv_rows}"));
    ok_json(&[
        "drivers",
        arg(&ws),
        "--metric",
        "aht",
        "--from",
        "2026-Q2",
        "--to",
        "2026-Q3",
        "--by",
        "queue",
        "--json",
    ])
}

#[test]
fn the_drivers_sentence_says_which_way_each_part_moved() {
    // Q2: Billing 600 at 300 s, Tech Support 400 at 600 s → 420 s. Q3: Billing 700 at 260 s,
    // Tech Support 300 at 620 s → 368 s: a fall of 52 s although Tech Support's own AHT rose.
    // Rate: Billing 0.65 × −40 = −26, Tech Support 0.35 × 20 = +7. Mix (R̄ 394): Billing
    // (280 − 394) × 0.1 = −11.4, Tech Support (610 − 394) × −0.1 = −21.6.
    let r = aht_drivers(
        "2026-05-01 09:00,Billing,voice,600,600,0,500,10,300\n\
         2026-05-01 09:00,Tech Support,voice,400,400,0,300,10,600\n\
         2026-08-03 09:00,Billing,voice,700,700,0,400,10,260\n\
         2026-08-03 09:00,Tech Support,voice,300,300,0,250,10,620\n",
    );
    assert!(close(f(&r["change"]), -52.0, 1e-9));
    assert_eq!(
        r["sentence"],
        "Average handle time fell 0:52 from 2026-Q2 to 2026-Q3: Billing's own average handle time \
         took off 0:26, less volume in Tech Support took off 0:22, more volume in Billing took \
         off 0:11; everything else added 0:07."
    );
    // Nothing moved: no "0:00" parts, and the value it stayed at.
    let r = aht_drivers(
        "2026-05-01 09:00,Billing,voice,500,500,0,400,10,300\n\
         2026-08-03 09:00,Billing,voice,500,500,0,400,10,300\n",
    );
    assert_eq!(
        r["sentence"],
        "Average handle time did not move from 2026-Q2 to 2026-Q3 (at 5:00)."
    );
    // A part that rounds to nothing is not ranked as a part: Tech Support's AHT moves by 0.2 s
    // on a tiny volume, Billing's by 30 s.
    let r = aht_drivers(
        "2026-05-01 09:00,Billing,voice,1000,1000,0,800,10,300\n\
         2026-05-01 09:00,Tech Support,voice,1,1,0,1,10,300\n\
         2026-08-03 09:00,Billing,voice,1000,1000,0,800,10,330\n\
         2026-08-03 09:00,Tech Support,voice,1,1,0,1,10,300.2\n",
    );
    let sentence = r["sentence"].as_str().unwrap();
    assert!(
        sentence.starts_with(
            "Average handle time rose 0:30 from 2026-Q2 to 2026-Q3: Billing's own average \
             handle time added 0:30"
        ) && !sentence.contains("Tech Support")
            && !sentence.contains(" 0:00"),
        "{sentence}"
    );
}

#[test]
fn control_and_drivers_say_why_there_is_nothing_to_show() {
    let (_d, ws) = workspace(&format!(
        "{HEADER}2026-07-01 09:00,Billing,voice,600,600,0,500,10,300\n\
         2026-07-08 09:00,Billing,voice,600,600,0,500,10,300\n\
         2026-08-03 09:00,Billing,voice,500,500,0,400,10,330\n"
    ));
    let fails = |args: &[&str]| -> String {
        let out = qbr(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let control = |metric: &str, extra: &[&str]| {
        let mut a = vec![
            "control",
            arg(&ws),
            "--metric",
            metric,
            "--grain",
            "week",
            "--from",
            "2026-07-01",
            "--to",
            "2026-08-31",
        ];
        a.extend_from_slice(extra);
        fails(&a)
    };
    // The file has no survey columns: the reason is the metric's own, not a count of points.
    let err = control("csat", &[]);
    assert!(
        err.contains("Customer satisfaction has no chart for the baseline 2026-07-01..2026-08-31")
            && err.contains(": no survey responses"),
        "{err}"
    );
    let err = control("aht", &["--filter", "queue=Bilingg"]);
    assert!(
        err.contains("there is no queue named \"Bilingg\" in this workspace"),
        "{err}"
    );
    // Drivers name the empty period and why it is empty.
    let err = fails(&[
        "drivers",
        arg(&ws),
        "--metric",
        "aht",
        "--from",
        "2026-Q1",
        "--to",
        "2026-Q3",
        "--by",
        "queue",
    ]);
    assert!(
        err.contains("Average handle time has no value by queue in 2026-Q1: no contacts handled"),
        "{err}"
    );
}

#[test]
fn staffing_reproduces_the_erlang_c_vectors() {
    // 2,400 calls over 12 open hours in 30-minute intervals = 100 calls per interval at 180 s:
    // 10 Erlangs, the first rows of the metrics.md table.
    let (_d, ws) = workspace(&format!(
        "{HEADER}2026-07-01 09:00,Billing,voice,2400,2400,0,2000,10,180\n"
    ));
    let r = ok_json(&[
        "staffing",
        arg(&ws),
        "--period",
        "2026-07-01",
        "--agents",
        "15",
        "--shrinkage",
        "0.3",
        "--json",
    ]);
    let avg = &r["average"];
    assert!(close(f(&avg["calls_per_interval"]), 100.0, 1e-9), "{avg}");
    assert!(close(f(&avg["erlangs"]), 10.0, 1e-9));
    assert_eq!(avg["agents_needed"], 14, "14 agents give 88.8% ≥ 80%");
    assert!(
        close(f(&avg["service_level_needed"]), 0.8883500, 5e-8),
        "{avg}"
    );
    assert!(close(f(&avg["asa_needed_s"]), 7.8359, 5e-5));
    assert!(close(f(&avg["rostered"]), 20.0, 1e-9), "14 / (1 − 0.3)");
    assert!(
        close(f(&avg["service_level_with_agents"]), 0.9414528, 5e-8),
        "15 agents"
    );
    assert!(close(f(&avg["asa_with_agents_s"]), 3.6735, 5e-5));
    assert_eq!(r["threshold_s"], 20.0, "the workspace's voice threshold");
    assert_eq!(r["shrinkage_source"], "given");
    // Too few agents cannot keep up: no service level rather than a number.
    let few = ok_json(&[
        "staffing",
        arg(&ws),
        "--period",
        "2026-07-01",
        "--agents",
        "10",
        "--json",
    ]);
    assert_eq!(few["average"]["service_level_with_agents"], Value::Null);
    assert_eq!(
        few["shrinkage_source"], "none",
        "no paid or logged-in time in this workspace"
    );
}

#[test]
fn staffing_refuses_what_it_cannot_compute_and_says_why() {
    // Voice: 2,400 calls at 180 s (10 Erlangs); email: 500 at 600 s on the same day.
    let (_d, ws) = workspace(&format!(
        "{HEADER}2026-07-01 09:00,Billing,voice,2400,2400,0,2000,10,180\n\
         2026-07-01 09:00,Mail,email,500,500,0,500,3600,600\n"
    ));
    let staff = |extra: &[&str]| {
        let mut args = vec!["staffing", arg(&ws), "--period", "2026-07-01"];
        args.extend_from_slice(extra);
        qbr(&args)
    };
    for (bad, field) in [
        (vec!["--threshold", "nan"], "threshold"),
        (vec!["--threshold=-5"], "threshold"),
        (vec!["--agents", "4294967295"], "agents"),
    ] {
        let out = staff(&bad);
        assert_eq!(out.status.code(), Some(1), "{bad:?} is refused, at once");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(field), "{bad:?}: {err}");
    }
    // Voice and email are not blended: voice alone is staffed (the Erlang C vector), and the
    // note names what was left out.
    let r = ok_json(&["staffing", arg(&ws), "--period", "2026-07-01", "--json"]);
    assert_eq!(r["channels"], serde_json::json!(["voice"]));
    assert_eq!(r["average"]["agents_needed"], 14, "{r}");
    assert!(close(f(&r["average"]["offered"]), 2400.0, 1e-9));
    let note = r["channel_note"].as_str().unwrap();
    assert!(note.contains("email (500)"), "{note}");
    // Email chosen on purpose: staffed with the email threshold (24 h by default), with a caution.
    let e = ok_json(&[
        "staffing",
        arg(&ws),
        "--period",
        "2026-07-01",
        "--filter",
        "channel=email",
        "--json",
    ]);
    assert_eq!(e["threshold_s"], 86400.0);
    assert!(e["channel_note"].as_str().unwrap().contains("overstates"));
    // A period with no contacts says so, naming the data's range.
    let empty = ok_json(&["staffing", arg(&ws), "--period", "2026-Q4", "--json"]);
    assert_eq!(empty["days"].as_array().unwrap().len(), 0);
    assert_eq!(
        empty["empty_reason"],
        "no contacts were offered in 2026-Q4: the data runs from 2026-07-01 to 2026-07-01"
    );
    let text = String::from_utf8(staff_text(&ws, "2026-Q4")).unwrap();
    assert!(
        text.contains("No staffing figures: no contacts were offered in 2026-Q4"),
        "{text}"
    );
    // A load beyond what is computed: a row with its reason, not a null without one.
    let (_d2, big) = workspace(&format!(
        "{HEADER}2026-07-01 09:00,Billing,voice,2000000000,2000000000,0,0,10,180\n"
    ));
    let r = ok_json(&["staffing", arg(&big), "--period", "2026-07-01", "--json"]);
    assert_eq!(r["average"]["agents_needed"], Value::Null);
    assert!(
        r["average"]["reason"]
            .as_str()
            .unwrap()
            .contains("needs more than 100000 agents"),
        "{r}"
    );
}

fn staff_text(ws: &Path, period: &str) -> Vec<u8> {
    let out = qbr(&["staffing", arg(ws), "--period", period]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn control_limits_match_the_weekly_series() {
    let ws = demo();
    let (from, to, base_to) = ("2026-01-05", "2026-09-27", "2026-06-28");
    let r = ok_json(&[
        "control",
        arg(ws),
        "--metric",
        "aht",
        "--grain",
        "week",
        "--from",
        from,
        "--to",
        to,
        "--baseline",
        &format!("{from}..{base_to}"),
        "--filter",
        "program=Tech Support",
        "--json",
    ]);
    let s = ok_json(&[
        "series",
        arg(ws),
        "--metric",
        "aht",
        "--grain",
        "week",
        "--from",
        from,
        "--to",
        base_to,
        "--filter",
        "program=Tech Support",
        "--json",
    ]);
    let base: Vec<f64> = s["lines"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["value"].as_f64())
        .collect();
    assert_eq!(base.len(), 25, "25 whole weeks in the baseline");
    let mean = base.iter().sum::<f64>() / base.len() as f64;
    let mr = base.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (base.len() - 1) as f64;
    assert_eq!(r["method"], "xmr", "AHT is not a proportion");
    assert!(close(f(&r["centre"]), mean, 1e-9));
    assert!(close(f(&r["mean_moving_range"]), mr, 1e-9));
    assert!(close(f(&r["moving_range_ucl"]), 3.267 * mr, 1e-9));
    let p0 = &r["points"][0];
    assert!(close(f(&p0["upper"]), mean + 2.66 * mr, 1e-9), "{p0}");
    assert!(close(f(&p0["lower"]), mean - 2.66 * mr, 1e-9));
    // Q3's handle times are above the upper limit: the story of the demo.
    let signals = r["signals"].as_array().unwrap();
    assert!(
        signals.iter().any(|x| x["rule"] == "beyond_limits"
            && x["end"] == "2026-W39"
            && x["direction"] == "above"),
        "{signals:?}"
    );
    assert!(signals.iter().any(|x| x["rule"] == "eight_one_side"));
    // A proportion of thousands of contacts a week gets Laney's p′ chart, whose centre is the
    // baseline's ratio of sums as a p-chart's is.
    let p = ok_json(&[
        "control",
        arg(ws),
        "--metric",
        "service_level",
        "--grain",
        "week",
        "--from",
        from,
        "--to",
        to,
        "--baseline",
        &format!("{from}..{base_to}"),
        "--json",
    ]);
    let m = ok_json(&[
        "metrics",
        arg(ws),
        "--period",
        &format!("{from}..{base_to}"),
        "--metric",
        "service_level",
        "--json",
    ]);
    assert_eq!(p["method"], "laney_p");
    let sl = f(&m["groups"][0]["metrics"]["service_level"]["value"]);
    assert!(
        close(f(&p["centre"]), sl, 1e-9),
        "p̄ = the baseline's service level"
    );
    let bad = qbr(&[
        "control",
        arg(ws),
        "--metric",
        "aht",
        "--grain",
        "week",
        "--from",
        from,
        "--to",
        to,
        "--baseline",
        "2027-01-01..2027-02-01",
    ]);
    assert_eq!(
        bad.status.code(),
        Some(1),
        "a baseline outside the range is refused"
    );
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    sxy / (sxx * syy).sqrt()
}

#[test]
fn correlate_by_program_uses_the_scorecard_values() {
    let ws = demo();
    let r = ok_json(&[
        "correlate",
        arg(ws),
        "--metrics",
        "aht,csat",
        "--by",
        "program",
        "--period",
        "2026-Q3",
        "--json",
    ]);
    let m = ok_json(&[
        "metrics",
        arg(ws),
        "--period",
        "2026-Q3",
        "--by",
        "program",
        "--metric",
        "aht",
        "--metric",
        "csat",
        "--json",
    ]);
    let groups = m["groups"].as_array().unwrap();
    let x: Vec<f64> = groups
        .iter()
        .map(|g| f(&g["metrics"]["aht"]["value"]))
        .collect();
    let y: Vec<f64> = groups
        .iter()
        .map(|g| f(&g["metrics"]["csat"]["value"]))
        .collect();
    assert_eq!(r["n"], 3);
    assert!(close(f(&r["pearson"]), pearson(&x, &y), 1e-12));
    // Tech Support has the longest calls and the lowest CSAT: ranks agree perfectly, exact p 2/3!.
    assert!(close(f(&r["spearman"]), -1.0, 1e-12));
    assert!(close(f(&r["spearman_p"]), 1.0 / 3.0, 1e-12));
    assert_eq!(r["pearson_ci_low"], Value::Null, "no interval from 3 pairs");
    assert!(r["caution"]
        .as_str()
        .unwrap()
        .starts_with("Correlation is not cause"));
    let weekly = ok_json(&[
        "correlate",
        arg(ws),
        "--metrics",
        "aht,csat",
        "--by",
        "week",
        "--period",
        "2026-Q3",
        "--json",
    ]);
    assert_eq!(weekly["n"], 14, "the weeks touching 2026-Q3");
    assert!(
        f(&weekly["pearson"]) < -0.5,
        "longer calls, less satisfied customers: {}",
        weekly["pearson"]
    );
    // Over a month the weeks are few enough to be named on the chart: by their first day, as
    // the app's weekly charts name them; the points keep their ISO labels.
    let month = ok_json(&[
        "correlate",
        arg(ws),
        "--metrics",
        "aht,csat",
        "--by",
        "week",
        "--period",
        "2026-08",
        "--json",
    ]);
    let labels: Vec<&str> = month["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.first(), Some(&"2026-W31"), "{labels:?}");
    assert_eq!(labels.len(), 6, "27 Jul to 31 Aug: {labels:?}");
    let svg = month["chart_svg"].as_str().unwrap();
    for day in ["27 Jul", "3 Aug", "10 Aug", "17 Aug", "24 Aug", "31 Aug"] {
        assert!(
            svg.contains(&format!(">\n{day}\n<")) || svg.contains(&format!(">{day}<")),
            "{day} names its week on the chart"
        );
    }
    assert!(!svg.contains("2026-W"), "no ISO week on the chart");
    let one = qbr(&["correlate", arg(ws), "--metrics", "aht", "--by", "week"]);
    assert_eq!(one.status.code(), Some(1), "two metrics are needed");
}

#[test]
fn attention_on_the_demo_names_tech_support() {
    let ws = demo();
    let r = ok_json(&["attention", arg(ws), "--period", "2026-Q3", "--json"]);
    let items = r["items"].as_array().unwrap();
    let top = &items[0];
    assert_eq!(top["kind"], "target_missed");
    assert_eq!(top["metric_id"], "nps");
    assert_eq!(top["scope"]["dimension"], "program");
    assert_eq!(top["scope"]["value"], "Tech Support");
    let sl = items
        .iter()
        .find(|i| {
            i["metric_id"] == "service_level"
                && i["kind"] == "target_missed"
                && i["scope"]["value"] == "Tech Support"
        })
        .expect("Tech Support's service level is listed");
    assert_eq!(sl["newly"], true);
    // A program is named by its name alone; a target missed carries the scorecard's status.
    assert_eq!(sl["scope_label"], "Tech Support");
    assert_eq!(
        sl["status"],
        m_status(ws, "program=Tech Support", "service_level")
    );
    assert!(items
        .iter()
        .all(|i| (i["kind"] == "target_missed") == (i["status"] != "none")));
    // The item's value is the scorecard's.
    let m = ok_json(&[
        "metrics",
        arg(ws),
        "--period",
        "2026-Q3",
        "--filter",
        "program=Tech Support",
        "--metric",
        "service_level",
        "--json",
    ]);
    assert!(close(
        f(&sl["value"]),
        f(&m["groups"][0]["metrics"]["service_level"]["value"]),
        1e-12
    ));
    assert!(items.iter().any(|i| i["kind"] == "signal"
        && i["metric_id"] == "aht"
        && i["scope"]["value"] == "Tech Support"));
    assert!(
        items
            .windows(2)
            .all(|w| f(&w[0]["score"]) >= f(&w[1]["score"])),
        "ranked"
    );
}

/// The scorecard's status of `metric` for the demo's 2026-Q3 within `filter`.
fn m_status(ws: &Path, filter: &str, metric: &str) -> Value {
    let m = ok_json(&[
        "metrics",
        arg(ws),
        "--period",
        "2026-Q3",
        "--filter",
        filter,
        "--metric",
        metric,
        "--json",
    ]);
    m["groups"][0]["metrics"][metric]["status"].clone()
}
