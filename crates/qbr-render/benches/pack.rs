//! The pack benchmark.
//! - A 20-page pack with 40 charts (20 metric pages, each a trend chart and a breakdown bar chart,
//!   plus root causes), written as PDF. Goal: under 0.5 s and under 2 MB.
//! - Per chart, side by side with reportlab: 20 pages, each with one 52-week trend chart (moving
//!   average, target steps, two numbered markers and their key), against
//!   `scripts/bench_reportlab.py` drawing a comparable chart with reportlab's LinePlot in the same
//!   run (skipped, and said so, when python3 or reportlab is missing). Goal: no slower a chart.
//!
//! Run: `cargo bench -p qbr-render --bench pack` (or `scripts/bench.sh pack`).

#[path = "../tests/fixtures/sample_pack.rs"]
mod sample_pack;

use std::time::{Duration, Instant};

use qbr_render::chart::{
    Marker, MarkerKind, MovingAverage, Target, TrendChart, TrendSeries, UnitKind,
};
use qbr_render::pack::{
    page_count, render_pdf, render_preview_svgs, Block, Chart, ChartBlock, Document, Section,
};

fn charts(doc: &Document) -> usize {
    doc.sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter(|b| matches!(b, Block::Chart(_)))
        .count()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = f(); // warm-up: font parsing, caches
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        out = f();
        times.push(t.elapsed());
    }
    (median(times), out)
}

/// The chart reportlab draws too: 52 weeks around 81% with a dip, its 4-week average, the
/// target (80% then 82%), two numbered markers.
fn weekly_chart(k: usize) -> TrendChart {
    let values: Vec<Option<f64>> = (0..52)
        .map(|i| {
            let dip = if (30..38).contains(&i) { 0.05 } else { 0.0 };
            Some(0.81 + 0.02 * ((i as f64) / 3.0 + k as f64).sin() - dip)
        })
        .collect();
    let ma: Vec<Option<f64>> = (0..52)
        .map(|i| (i >= 3).then(|| values[i - 3..=i].iter().map(|v| v.unwrap()).sum::<f64>() / 4.0))
        .collect();
    TrendChart {
        spans: Vec::new(),
        locale: String::new(),
        title: format!("Service level {k}, week by week"),
        unit: UnitKind::Ratio,
        buckets: (0..52).map(|i| format!("2026-W{:02}", i + 1)).collect(),
        series: vec![TrendSeries {
            name: "Service level".into(),
            values,
            moving_average: Some(MovingAverage {
                label: "4-week average".into(),
                values: ma,
            }),
        }],
        target: None,
        markers: vec![
            Marker {
                at: 30,
                label: "Firmware roll-out: cause".into(),
                kind: MarkerKind::Cause,
            },
            Marker {
                at: 38,
                label: "Overflow to Kraków: action started".into(),
                kind: MarkerKind::ActionStart,
            },
        ],
        windows: Vec::new(),
        control: None,
        partial: Vec::new(),
        currency: String::new(),
        target_steps: (0..52)
            .map(|i| Some(Target::AtLeast(if i < 13 { 0.80 } else { 0.82 })))
            .collect(),
        numbered_markers: true,
        width: 960,
        height: 360,
    }
}

fn one_chart_a_page(pages: usize) -> Document {
    let mut doc = sample_pack::document(1);
    doc.sections = (0..pages)
        .map(|k| Section {
            notes: Vec::new(),
            title: format!("Service level {k}"),
            start_on_new_page: true,
            blocks: vec![
                Block::Heading {
                    level: 1,
                    text: format!("Service level {k} fell 6.0 pp to 77.8%, below the 82.0% target"),
                },
                Block::Chart(Box::new(ChartBlock {
                    chart: Chart::Trend(weekly_chart(k)),
                    height_mm: 80.0,
                    caption: None,
                    alt: None,
                })),
            ],
        })
        .collect();
    doc
}

/// reportlab drawing the same number of comparable charts, in this run; `None` (with the reason
/// printed) when python3 or reportlab is missing.
fn reportlab(pages: usize, runs: usize) -> Option<(f64, f64, u64)> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/bench_reportlab.py"
    );
    let out = std::process::Command::new("python3")
        .args([script, &pages.to_string(), &runs.to_string()])
        .output();
    match out {
        Ok(o) if o.status.success() => {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).ok()?;
            Some((
                v["seconds"].as_f64()?,
                v["ms_per_chart"].as_f64()?,
                v["bytes"].as_u64()?,
            ))
        }
        Ok(o) => {
            eprintln!(
                "reportlab side skipped: {}",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
            None
        }
        Err(e) => {
            eprintln!("reportlab side skipped: python3: {e}");
            None
        }
    }
}

fn main() {
    // 20 metric pages only: no cover, summary or appendix, so pages and charts are exactly 20 and 40.
    let mut doc = sample_pack::document(20);
    doc.sections
        .retain(|s| s.blocks.iter().any(|b| matches!(b, Block::Chart(_))));
    let pages = page_count(&doc).expect("layout");
    let n_charts = charts(&doc);
    let trends = doc
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter(|b| matches!(b, Block::Chart(c) if matches!(c.chart, Chart::Trend(_))))
        .count();
    assert_eq!((pages, n_charts), (20, 40), "the benchmark's document");

    let runs = 7;
    let (pdf_t, pdf) = time(runs, || render_pdf(&doc).expect("render"));
    let (svg_t, svgs) = time(runs, || render_preview_svgs(&doc).expect("preview"));
    let svg_bytes: usize = svgs.iter().map(String::len).sum();

    let full = sample_pack::document(5);
    let (full_t, full_pdf) = time(runs, || render_pdf(&full).expect("render"));
    let full_pages = page_count(&full).expect("layout");

    println!("pack benchmark (median of {runs} runs after a warm-up)");
    println!("| document | pages | charts | PDF time | PDF size | preview SVGs |");
    println!("|---|---:|---:|---:|---:|---:|");
    println!(
        "| 20 metric pages ({trends} trend + {} bar charts) | {pages} | {n_charts} | {:.3} s | {:.2} MB | {:.3} s, {:.2} MB |",
        n_charts - trends,
        pdf_t.as_secs_f64(),
        pdf.len() as f64 / 1e6,
        svg_t.as_secs_f64(),
        svg_bytes as f64 / 1e6
    );
    println!(
        "| sample pack (cover, summary, 5 metrics, actions, appendix) | {full_pages} | {} | {:.3} s | {:.2} MB | |",
        charts(&full),
        full_t.as_secs_f64(),
        full_pdf.len() as f64 / 1e6
    );
    let ok_time = pdf_t.as_secs_f64() < 0.5;
    let ok_size = pdf.len() < 2_000_000;
    println!(
        "goal: < 0.5 s {} and < 2 MB {}",
        if ok_time { "met" } else { "MISSED" },
        if ok_size { "met" } else { "MISSED" }
    );

    // Per chart, beside reportlab in the same run.
    let per = 20;
    let one = one_chart_a_page(per);
    assert_eq!(page_count(&one).expect("layout"), per);
    let (t, bytes) = time(runs, || render_pdf(&one).expect("render"));
    let ours = t.as_secs_f64() / per as f64 * 1000.0;
    println!();
    println!("per chart: {per} pages, one 52-week trend chart each (median of {runs} runs)");
    println!("| writer | total | per chart | PDF size |");
    println!("|---|---:|---:|---:|");
    println!(
        "| QBR Desk (layout, plotters backend, krilla; subset fonts, tagged PDF/UA) | {:.3} s | {ours:.1} ms | {:.0} kB |",
        t.as_secs_f64(),
        bytes.len() as f64 / 1e3
    );
    match reportlab(per, runs) {
        Some((s, ms, b)) => {
            println!(
                "| reportlab LinePlot (built-in Helvetica, no fonts embedded, untagged) | {s:.3} s | {ms:.1} ms | {:.0} kB |",
                b as f64 / 1e3
            );
            println!(
                "goal: no slower a chart than reportlab {} ({:.2}×)",
                if ours <= ms { "met" } else { "MISSED" },
                ours / ms
            );
        }
        None => println!("goal: no slower a chart than reportlab: not measured (see above)"),
    }
}
