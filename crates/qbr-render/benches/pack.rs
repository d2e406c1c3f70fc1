//! The pack benchmark: a 20-page pack with 40 charts (20 metric pages, each a trend chart and a
//! breakdown bar chart, plus root causes), written as PDF. Goal: under 0.5 s and under 2 MB.
//! Run: `cargo bench -p qbr-render --bench pack` (or `scripts/bench.sh pack`).

#[path = "../tests/fixtures/sample_pack.rs"]
mod sample_pack;

use std::time::{Duration, Instant};

use qbr_render::pack::{page_count, render_pdf, render_preview_svgs, Block, Chart, Document};

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
}
