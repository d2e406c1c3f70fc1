//! Parsing alone: the 1M-contact interactions CSV of the import bench read and parsed into a sink
//! that keeps nothing, so the figure is the parsing side of an import without the store.
//! `cargo bench -p qbr-core --bench parse`; QBR_BENCH_CONTACTS and QBR_BENCH_DIR as for `import`.
//! The CSV is generated (as the import bench does) when it is not already there.

/// The app's allocator (see the workspace Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use common::{cpu_seconds, env_u64, write_interactions};
use qbr_core::import::{
    self, Counts, DayKey, Finished, ImportError, ImportOptions, Kind, NewContact, Refusal, Sink,
};
use qbr_core::measure::Measures;
use qbr_core::store::NewBatch;
use qbr_core::Settings;

/// Keeps nothing but a checksum of what it was given, so nothing is optimised away.
struct Null(u64, u64);

impl Sink for Null {
    fn already_imported(&mut self, _: &str, _: Kind) -> Result<Option<i64>, ImportError> {
        Ok(None)
    }
    fn begin(&mut self, _: &NewBatch) -> Result<(), ImportError> {
        Ok(())
    }
    fn contact(&mut self, c: NewContact) -> Result<(), ImportError> {
        self.0 = self.0.wrapping_add(c.contact.started_at as u64);
        self.1 += 1;
        Ok(())
    }
    fn fact(&mut self, _: &DayKey, _: &Measures) -> Result<(), ImportError> {
        Ok(())
    }
    fn interval(&mut self, _: i64, _: &DayKey, _: &Measures) -> Result<(), ImportError> {
        Ok(())
    }
    fn refusal(&mut self, _: &Refusal) -> Result<(), ImportError> {
        Ok(())
    }
    fn contact_members(
        &mut self,
        _: &str,
        _: chrono::NaiveDate,
    ) -> Result<Option<[Option<String>; 6]>, ImportError> {
        Ok(None)
    }
    fn finish(&mut self, counts: &Counts, _: DateTime<Utc>) -> Result<Finished, ImportError> {
        Ok(Finished {
            batch_id: 1,
            first_day: None,
            last_day: None,
            counts: Counts {
                taken: counts.taken + self.1,
                ..*counts
            },
        })
    }
}

fn main() {
    let contacts = env_u64("QBR_BENCH_CONTACTS", 1_000_000);
    let dir = PathBuf::from(std::env::var("QBR_BENCH_DIR").unwrap_or("/tmp/qbr-bench".into()));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let csv = dir.join(format!("interactions_{contacts}.csv"));
    if !csv.exists() {
        let first_day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        write_interactions(&csv, first_day, 92, contacts, 1, 20260701).expect("csv");
    }
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-10-05T09:00:00Z")
        .unwrap()
        .into();
    let cpu_before = cpu_seconds();
    let t = Instant::now();
    let mut sink = Null(0, 0);
    let report = import::run_into(
        &mut sink,
        &Settings::default(),
        &csv,
        &ImportOptions::default(),
        &mut |_| {},
        &AtomicBool::new(false),
        now,
    )
    .expect("parse");
    let wall = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    assert_eq!(report.rows_taken, contacts, "every generated row is taken");
    println!(
        "parse only: {contacts} rows in {wall:.2} s wall, {cpu:.2} s CPU ({:.0} rows/s; checksum {})",
        contacts as f64 / wall,
        sink.0
    );
}
