//! What the page checksums and the schema check cost on a big workspace, against the other
//! ways of finding damage: reads of the whole file and of what a scorecard reads, through plain
//! SQLite (reserved bytes ignored, nothing checked) and through QBR Desk's checksum VFS, and
//! `PRAGMA quick_check` / `integrity_check` (a check on open would read the whole file).
//!
//!     cargo run --release -p qbr-core --example checksum_cost -- WORKSPACE [RUNS]
//!
//! Medians of RUNS (default 5), the file in the OS cache after the first run.

use std::path::Path;
use std::time::Instant;

use rusqlite::{Connection, OpenFlags};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut out = None;
    let ms = (0..runs)
        .map(|_| {
            let t = Instant::now();
            out = Some(f());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    (median(ms), out.unwrap())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = Path::new(&args[1]);
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    // The first open in a process also builds the schema of every format from the migrations.
    let t = Instant::now();
    drop(qbr_core::Workspace::open(path).unwrap());
    let first_open = t.elapsed().as_secs_f64() * 1000.0;
    let plain = || Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let checked = || qbr_core::store::unchecked_connection(path).unwrap();
    let queries = [
        (
            "every contact block, to its last byte (~3/4 of the file)",
            "SELECT count(hex(substr(data, -1))) + count(hex(substr(keys, -1))) FROM contact_block",
        ),
        ("every fact row", "SELECT sum(offered) FROM fact"),
        (
            "the rollup (what a scorecard reads)",
            "SELECT sum(offered) FROM fact_rollup",
        ),
    ];
    println!(
        "{} ({} MB), median of {runs}",
        path.display(),
        std::fs::metadata(path).unwrap().len() / 1_000_000
    );
    for (what, sql) in queries {
        // A fresh connection each run: SQLite's own page cache starts empty, so every page is
        // read (and, through the VFS, checked) again.
        let (a, x) = time(runs, || {
            plain()
                .query_row(sql, [], |r| r.get::<_, Option<f64>>(0))
                .unwrap()
        });
        let (b, y) = time(runs, || {
            checked()
                .query_row(sql, [], |r| r.get::<_, Option<f64>>(0))
                .unwrap()
        });
        assert_eq!(x, y);
        println!(
            "{what:<50} plain {a:>9.1} ms   checked {b:>9.1} ms   (+{:.1} ms, {:+.0}%)",
            b - a,
            (b - a) / a * 100.0
        );
    }
    let (open, _) = time(runs, || qbr_core::Workspace::open(path).unwrap());
    let (bare, _) = time(runs, plain);
    println!(
        "{:<50} bare SQLite open {bare:.2} ms; Workspace::open {open:.2} ms (schema checked)",
        "open"
    );
    println!(
        "{:<50} {first_open:.1} ms",
        "first Workspace::open in a process"
    );
    for pragma in ["quick_check", "integrity_check"] {
        let (ms, r) = time(1.max(runs / 3), || {
            plain()
                .query_row(&format!("PRAGMA {pragma}"), [], |r| r.get::<_, String>(0))
                .unwrap()
        });
        println!(
            "{:<50} {ms:>9.1} ms ({r})",
            format!("PRAGMA {pragma} (a check on open)")
        );
    }
}
