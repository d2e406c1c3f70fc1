//! What the app's period and grouping switches cost in the backend: the same qbr-api calls the
//! app's commands make, on the demo workspace (built in a temporary folder), timed per call.
//! CPU time (from /proc/self/stat) beside wall-clock time, so a run beside other builds still
//! compares. `cargo bench -p qbr-api --bench switch`; QBR_BENCH_ROUNDS sets the rounds (40).
//! Under `valgrind --tool=callgrind` it counts instructions independent of the machine's load.

/// The app's allocator (see the workspace Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};

/// This process's CPU time so far, in milliseconds (user + system, 10 ms ticks).
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(") ").map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split(' ').collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) * 10.0
}

fn time<T>(rounds: usize, mut f: impl FnMut(usize) -> T) -> (f64, f64) {
    let mut wall = Vec::with_capacity(rounds);
    let c0 = cpu_ms();
    for i in 0..rounds {
        let t = Instant::now();
        std::hint::black_box(f(i));
        wall.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let cpu = (cpu_ms() - c0) / rounds as f64;
    wall.sort_by(f64::total_cmp);
    (wall[wall.len() / 2], cpu)
}

fn main() {
    let rounds: usize = std::env::var("QBR_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let dir = tempfile::tempdir().expect("temporary folder");
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-12-07T09:00:00Z")
        .unwrap()
        .into();
    let today: NaiveDate = now.date_naive();
    let path = qbr_api::create_demo(dir.path(), false, now).expect("demo");
    let path: &Path = &path;
    let page = qbr_api::metrics::scorecard_page(path, None, None, today).expect("scorecard");
    let periods: Vec<String> = page.periods.iter().map(|p| p.label.clone()).collect();
    let [a, b] = [&periods[periods.len() - 2], &periods[periods.len() - 1]];
    let pick = |i: usize| {
        if i.is_multiple_of(2) {
            a.as_str()
        } else {
            b.as_str()
        }
    };
    let quarters = [
        &page.periods[page.periods.len() - 2],
        &page.periods[page.periods.len() - 1],
    ];
    let query =
        |period: &str, by: Option<&str>, metrics: Vec<String>| qbr_api::metrics::MetricsQuery {
            period: Some(period.to_string()),
            by: by.map(|d| vec![d.to_string()]).unwrap_or_default(),
            filters: Vec::new(),
            metrics,
        };
    let rows = [
        (
            "open the workspace",
            time(rounds, |_| qbr_core::Workspace::open(path).map(drop)),
        ),
        (
            "scorecard (period switch)",
            time(rounds, |i| {
                qbr_api::metrics::scorecard_page(path, Some(pick(i)), None, today).map(drop)
            }),
        ),
        (
            "  of which the scorecard's figures (every metric, QoQ and YoY)",
            time(rounds, |i| {
                qbr_api::metrics::metrics_report(path, &query(pick(i), None, Vec::new()), today)
                    .map(drop)
            }),
        ),
        (
            "  of which service level and ASA per channel (with QoQ and YoY; the page asks for the period alone)",
            time(rounds, |i| {
                let per_channel = qbr_api::metrics::PER_CHANNEL.map(String::from).to_vec();
                qbr_api::metrics::metrics_report(
                    path,
                    &query(pick(i), Some("channel"), per_channel),
                    today,
                )
                .map(drop)
            }),
        ),
        (
            "  of which the weekly series of the sparklines",
            time(rounds, |i| {
                let p = &quarters[i % 2];
                qbr_api::metrics::series_report(
                    path,
                    &qbr_api::metrics::SeriesQuery {
                        metrics: page
                            .report
                            .definitions
                            .iter()
                            .map(|d| d.id.clone())
                            .collect(),
                        grain: "week".into(),
                        from: p.start.clone(),
                        to: p.end.clone(),
                        by: None,
                        filters: Vec::new(),
                        moving_average: None,
                    },
                )
                .map(drop)
            }),
        ),
        (
            "attention (after a period switch)",
            time(rounds, |i| {
                qbr_api::diagnose::attention(path, Some(pick(i)), today).map(drop)
            }),
        ),
        (
            "scorecard by program (grouping switch)",
            time(rounds, |i| {
                let by = if i.is_multiple_of(2) {
                    Some("program")
                } else {
                    None
                };
                qbr_api::metrics::scorecard_page(path, Some(b.as_str()), by, today).map(drop)
            }),
        ),
    ];
    println!("\n| backend call, demo workspace ({a} and {b}), {rounds} rounds | median wall | CPU per call |");
    println!("|---|---|---|");
    for (name, (wall, cpu)) in rows {
        println!("| {name} | {wall:.1} ms | {cpu:.1} ms |");
    }
}
