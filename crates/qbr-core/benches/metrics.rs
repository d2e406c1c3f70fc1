//! Metrics benchmark: a workspace of QBR_BENCH_CONTACTS contacts (10,000,000 by default) over two
//! years, built by importing generated CSV chunks (QBR_BENCH_CHUNK contacts each) through the real
//! import path; then the quarter scorecard of every metric by program and a weekly series of one
//! metric over the two years, each beside a plain SQL aggregate over the raw interactions.
//!
//! `cargo bench -p qbr-core --bench metrics`. QBR_BENCH_WORKSPACE names a workspace to reuse
//! (built there when missing, kept); otherwise one is built in QBR_BENCH_DIR and removed.

/// The app's allocator (see the workspace Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use common::{env_u64, mb, ms, peak_rss_mb, print_table, timed, write_interactions};
use qbr_core::import::ImportOptions;
use qbr_core::metrics::{ScorecardRequest, SeriesRequest};
use qbr_core::period::{Grain, Period};
use qbr_core::{Dimension, Settings, Workspace};

const RUNS: usize = 7;

fn main() {
    let contacts = env_u64("QBR_BENCH_CONTACTS", 10_000_000);
    let chunk = env_u64("QBR_BENCH_CHUNK", 1_000_000).max(1);
    let dir = PathBuf::from(std::env::var("QBR_BENCH_DIR").unwrap_or("/tmp/qbr-bench".into()));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let (ws_path, keep) = match std::env::var("QBR_BENCH_WORKSPACE") {
        Ok(p) => (PathBuf::from(p), true),
        Err(_) => (dir.join(format!("metrics-{contacts}.qbr")), false),
    };
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2027-01-05T09:00:00Z")
        .unwrap()
        .into();
    let first_day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let days = 730u32;

    let mut rows: Vec<(String, String)> = Vec::new();
    if !ws_path.exists() {
        let mut ws = Workspace::create(&ws_path, &Settings::default(), now).expect("workspace");
        let chunks = contacts.div_ceil(chunk);
        let (mut gen_time, mut import_time) = (Duration::ZERO, Duration::ZERO);
        let mut csv_bytes = 0u64;
        for c in 0..chunks {
            // Chunk c covers its share of the two years, so every import is a span of days.
            let d0 = (c * days as u64 / chunks) as u32;
            let d1 = ((c + 1) * days as u64 / chunks) as u32;
            let n = chunk.min(contacts - c * chunk);
            let csv = dir.join(format!("chunk_{c}.csv"));
            let t = Instant::now();
            let day = first_day + chrono::Duration::days(d0 as i64);
            csv_bytes +=
                write_interactions(&csv, day, d1 - d0, n, 1 + c * chunk, 7 + c).expect("csv");
            gen_time += t.elapsed();
            let t = Instant::now();
            let report = ws
                .import_file(
                    &csv,
                    &ImportOptions::default(),
                    &mut |_| {},
                    &AtomicBool::new(false),
                    now,
                )
                .expect("import");
            import_time += t.elapsed();
            assert_eq!(report.rows_taken, n, "every contact is taken");
            let _ = std::fs::remove_file(&csv);
            eprintln!(
                "chunk {}/{chunks}: {n} contacts in {:.1} s",
                c + 1,
                t.elapsed().as_secs_f64()
            );
        }
        rows.push((
            "building: CSV generated".into(),
            format!(
                "{:.1} MB in {} files, {:.1} s",
                mb(csv_bytes),
                chunks,
                gen_time.as_secs_f64()
            ),
        ));
        rows.push((
            "building: imported through the real path".into(),
            format!(
                "{:.1} s ({:.0} rows/s)",
                import_time.as_secs_f64(),
                contacts as f64 / import_time.as_secs_f64()
            ),
        ));
        rows.push((
            "building: peak memory (VmHWM)".into(),
            format!("{:.1} MB", peak_rss_mb()),
        ));
    }
    let t = Instant::now();
    let ws = Workspace::open(&ws_path).expect("open");
    let open_time = t.elapsed();
    let ws_size = std::fs::metadata(&ws_path).map(|m| m.len()).unwrap_or(0);
    let info = ws.overview().expect("overview");
    rows.push((
        "workspace".into(),
        format!(
            "{:.1} MB, {} contacts, {} fact rows, opened in {:.1} ms",
            mb(ws_size),
            info.counts.interactions,
            info.counts.facts,
            ms(open_time)
        ),
    ));

    let quarter = Period::parse("2026-Q4", 1).expect("quarter");
    let scorecard = |compare: bool| ScorecardRequest {
        period: quarter.clone(),
        metrics: Vec::new(),
        group_by: vec![Dimension::Program],
        filters: Vec::new(),
        compare,
    };
    let (cold, med) = timed(RUNS, || ws.scorecard(&scorecard(false)).expect("scorecard"));
    let groups = ws
        .scorecard(&scorecard(false))
        .expect("scorecard")
        .groups
        .len();
    rows.push((
        "scorecard 2026-Q4, all metrics by program".into(),
        format!(
            "{:.1} ms median ({:.1} ms cold), {groups} groups (goal < 100 ms)",
            ms(med),
            ms(cold)
        ),
    ));
    let (cold, med) = timed(RUNS, || ws.scorecard(&scorecard(true)).expect("scorecard"));
    rows.push((
        "  … with QoQ and YoY (3 quarters)".into(),
        format!("{:.1} ms median ({:.1} ms cold)", ms(med), ms(cold)),
    ));
    let periods = [quarter.clone(), quarter.previous(1), quarter.year_ago(1)];
    let (cold, med) = timed(RUNS, || {
        ws.baseline_interaction_sums_by_program(periods[0].start, periods[0].end)
            .expect("baseline")
    });
    rows.push((
        "  plain SQL over raw interactions, 1 quarter".into(),
        format!("{:.1} ms median ({:.1} ms cold)", ms(med), ms(cold)),
    ));
    let (cold, med) = timed(RUNS, || {
        periods
            .iter()
            .map(|p| {
                ws.baseline_interaction_sums_by_program(p.start, p.end)
                    .expect("baseline")
            })
            .sum::<usize>()
    });
    rows.push((
        "  plain SQL over raw interactions, 3 quarters".into(),
        format!("{:.1} ms median ({:.1} ms cold)", ms(med), ms(cold)),
    ));

    let range = Period::range(
        first_day,
        first_day + chrono::Duration::days(days as i64 - 1),
    );
    let series = SeriesRequest {
        range: range.clone(),
        grain: Grain::Week,
        metrics: vec!["service_level".into()],
        group_by: None,
        filters: Vec::new(),
        moving_average: None,
    };
    let (cold, med) = timed(RUNS, || ws.series(&series).expect("series"));
    let points = ws.series(&series).expect("series").lines[0].points.len();
    rows.push((
        "weekly service level over two years".into(),
        format!(
            "{:.1} ms median ({:.1} ms cold), {points} weeks (goal < 50 ms)",
            ms(med),
            ms(cold)
        ),
    ));
    let (cold, med) = timed(RUNS, || {
        ws.baseline_interaction_weekly_service_level(range.start, range.end)
            .expect("baseline")
    });
    rows.push((
        "  plain SQL over raw interactions".into(),
        format!("{:.1} ms median ({:.1} ms cold)", ms(med), ms(cold)),
    ));
    rows.push((
        "peak memory of the whole run (VmHWM)".into(),
        format!("{:.1} MB", peak_rss_mb()),
    ));
    print_table("metrics benchmark", &rows);
    drop(ws);
    if !keep {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", ws_path.display()));
        }
    }
}
