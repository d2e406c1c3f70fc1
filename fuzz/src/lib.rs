//! The fuzz targets' bodies: each feeds bytes to one parser through its public entry point and
//! promises nothing but "no panic, no hang, no unbounded memory". The same file is compiled into
//! `crates/qbr-core/tests/fuzz_regressions.rs`, which replays every input committed under
//! `fixtures/fuzz-regressions/<target>/` in a plain `cargo test`, so a crash fixed once stays
//! fixed without a fuzzer.
//!
//! File parsers read from a path (imports stream from disk), so the file targets write the input
//! to a temporary file first. Inputs are capped at [`MAX_INPUT`] bytes: larger files exercise
//! size limits, which the hostile corpus (`fixtures/hostile/`) covers directly.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use qbr_core::import::mapping::{detect_kind, detect_preset, match_columns, normalise, Kind};
use qbr_core::import::value::{self, DateOrder, DurationUnit, TimeContext};
use qbr_core::import::{self, ImportOptions, Mapping, MemorySink};
use qbr_core::metrics::formula::Formula;
use qbr_core::period::Period;
use qbr_core::Settings;

/// Inputs longer than this are cut: the parsers' behaviour on big inputs is about limits, not
/// about parsing, and short inputs keep the fuzzer fast.
pub const MAX_INPUT: usize = 64 * 1024;

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target by name, for the replay test and scripts/fuzz.sh.
pub const TARGETS: &[(&str, Target)] = &[
    ("delimited", delimited),
    ("xlsx", xlsx),
    ("json", json),
    ("mapping", mapping),
    ("period", period),
    ("formula", formula),
    ("values", values),
];

fn cap(data: &[u8]) -> &[u8] {
    &data[..data.len().min(MAX_INPUT)]
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(cap(data)).into_owned()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}

/// Writes `data` to a file of its own (unique per process and call, so replays can run in
/// parallel threads), runs `f` on its path, and removes it.
fn with_file(ext: &str, data: &[u8], f: impl FnOnce(&std::path::Path)) {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir: PathBuf = std::env::var_os("QBR_FUZZ_TMP")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let path = dir.join(format!("qbr-fuzz-{}-{n}.{ext}", std::process::id()));
    std::fs::write(&path, cap(data)).expect("the fuzz input can be written to a temporary file");
    f(&path);
    let _ = std::fs::remove_file(&path);
}

/// Detection and a full import into memory (reading, mapping, record parsing, rollup), once with
/// the kind detected and once with a kind forced, as `--kind` does.
fn import_file(path: &std::path::Path, forced: Kind) {
    let _ = import::detect(path);
    let settings = Settings::default();
    let cancel = AtomicBool::new(false);
    for kind in [None, Some(forced)] {
        let opts = ImportOptions {
            kind,
            date_order: Some(DateOrder::MonthFirst),
            ..ImportOptions::default()
        };
        let mut sink = MemorySink::new(settings.clone());
        let _ = import::run_into(
            &mut sink,
            &settings,
            path,
            &opts,
            &mut |_| {},
            &cancel,
            now(),
        );
    }
}

fn kind_from(data: &[u8]) -> Kind {
    Kind::ALL[data.len() % Kind::ALL.len()]
}

/// Delimited text in any encoding (`.csv`).
pub fn delimited(data: &[u8]) {
    with_file("csv", data, |p| import_file(p, kind_from(data)));
}

/// A workbook (`.xlsx`; legacy `.xls` when the bytes say so) through calamine and the zip check.
pub fn xlsx(data: &[u8]) {
    with_file("xlsx", data, |p| import_file(p, kind_from(data)));
}

/// JSON arrays, JSON Lines and concatenated objects (`.json`).
pub fn json(data: &[u8]) {
    with_file("json", data, |p| import_file(p, kind_from(data)));
}

/// Saved mapping templates (`Mapping::from_json`, as `--mapping FILE` reads them) and the header
/// matcher (`match_columns`, `detect_kind`, `detect_preset`) over header lines of the input.
pub fn mapping(data: &[u8]) {
    let t = text(data);
    let headers: Vec<String> = t
        .split([',', ';', '\t', '\n'])
        .map(str::to_string)
        .collect();
    if let Ok(m) = Mapping::from_json(&t) {
        let _ = m.describe();
        let back = Mapping::from_json(&m.to_json()).expect("a mapping's own JSON reads back");
        assert_eq!(
            back.columns.len(),
            m.columns.len(),
            "round trip keeps columns"
        );
        let _ = m.fits(&headers);
        for k in Kind::ALL {
            let _ = m.missing_required(k);
        }
    }
    for k in Kind::ALL {
        let _ = match_columns(k, &headers);
    }
    let _ = detect_kind(&headers);
    let _ = detect_preset(&headers);
    for h in &headers {
        let _ = normalise(h);
        let _ = value::split_unit(h);
    }
}

/// Period labels (`2026-Q3`, `FY27-Q1`, `2026-W31`, ranges) under every fiscal-year start.
pub fn period(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let month = u32::from(first % 12) + 1;
    let t = text(rest);
    if let Ok(p) = Period::parse(&t, month) {
        assert!(
            p.start <= p.end,
            "{t:?} gave a period ending before it starts"
        );
    }
}

/// Custom-metric formulas (`transferred / handled`).
pub fn formula(data: &[u8]) {
    let t = text(data);
    if let Ok(f) = Formula::parse(&t) {
        let _ = f.text();
    }
}

/// Cell values: numbers, counts, booleans, durations in every unit, timestamps in two zones and
/// both date orders, months, spreadsheet serials.
pub fn values(data: &[u8]) {
    let t = text(data);
    let _ = value::is_missing(&t);
    let _ = value::parse_text(&t);
    let _ = value::parse_number(&t);
    let _ = value::parse_count(&t);
    let _ = value::parse_bool(&t);
    let _ = DurationUnit::parse(&t);
    for unit in [
        None,
        Some(DurationUnit::Millis),
        Some(DurationUnit::Seconds),
        Some(DurationUnit::Minutes),
        Some(DurationUnit::Hours),
        Some(DurationUnit::Days),
    ] {
        let _ = value::parse_duration(&t, unit);
    }
    for zone in [chrono_tz::UTC, chrono_tz::America::New_York] {
        for order in [None, Some(DateOrder::MonthFirst), Some(DateOrder::DayFirst)] {
            let ctx = TimeContext { zone, order };
            let _ = value::parse_timestamp(&t, &ctx);
            let _ = value::parse_month(&t, &ctx);
        }
    }
    if let Ok(n) = t.trim().parse::<f64>() {
        let _ = value::serial_to_naive(n);
    }
}
