//! Import benchmark: generated generic interactions CSVs (contacts over a quarter) imported into a
//! fresh workspace through the real import path, roll-ups included, each beside `sqlite3`'s
//! `.import` of the same file into a bare table, in four orders:
//! - time: rows in time order, as most exports come;
//! - shuffled: the same rows in a random order (files joined from several sites, re-sorted);
//! - by contact id: the same rows sorted by contact id, which follows no order in time (Amazon
//!   Connect and Genesys exports sorted by their random ids);
//! - re-import: the time-ordered file into a workspace that already holds its first half (a grown
//!   export imported again: half its contacts are duplicates).
//!
//! `cargo bench -p qbr-core --bench import`. QBR_BENCH_CONTACTS: the sizes, comma-separated
//! (default `1000000,10000000`); QBR_BENCH_ORDERS: which orders (default
//! `time,shuffled,by-id,re-import`); QBR_BENCH_RUNS: runs of each side per order (3), alternating
//! qbr and sqlite3, medians compared; QBR_BENCH_DIR (default /tmp/qbr-bench) holds the generated
//! files, removed at the end unless QBR_BENCH_KEEP=1. Each qbr import runs in a process of its own
//! (this benchmark run again), so that its peak memory (VmHWM) is its own. With
//! QBR_BENCH_THREADS=1 each import also prints, on stderr, every thread's processor time in each
//! of its phases (`ThreadClock`).

/// The app's allocator (see the workspace Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use common::{
    cpu_seconds, env_u64, head, mb, peak_rss_mb, shuffle, sort_by_id, write_interactions, ProcStat,
};
use qbr_core::import::{self, ImportOptions};
use qbr_core::{Settings, Workspace};

/// Set in the process that runs one import: `workspace<TAB>csv`.
const CHILD: &str = "QBR_BENCH_IMPORT_CHILD";

const ORDERS: [&str; 4] = ["time", "shuffled", "by-id", "re-import"];

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-10-05T09:00:00Z")
        .unwrap()
        .into()
}

fn main() {
    if let Ok(job) = std::env::var(CHILD) {
        let (ws, csv) = job.split_once('\t').expect("workspace<TAB>csv");
        child_import(Path::new(ws), Path::new(csv));
        return;
    }
    let sizes: Vec<u64> = std::env::var("QBR_BENCH_CONTACTS")
        .unwrap_or_else(|_| "1000000,10000000".into())
        .split(',')
        .filter_map(|s| s.trim().replace('_', "").parse().ok())
        .collect();
    let orders: Vec<String> = std::env::var("QBR_BENCH_ORDERS")
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
        .unwrap_or_else(|_| ORDERS.iter().map(|s| s.to_string()).collect());
    for o in &orders {
        assert!(
            ORDERS.contains(&o.as_str()),
            "unknown order {o:?}; {ORDERS:?}"
        );
    }
    let runs = env_u64("QBR_BENCH_RUNS", 3).max(1) as usize;
    let dir = PathBuf::from(std::env::var("QBR_BENCH_DIR").unwrap_or("/tmp/qbr-bench".into()));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let keep = std::env::var("QBR_BENCH_KEEP").as_deref() == Ok("1");
    if Command::new("sqlite3").arg("-version").output().is_err() {
        eprintln!("note: no sqlite3 shell on PATH; the comparison is left out");
    }
    for contacts in sizes {
        bench_size(&dir, contacts, &orders, runs, keep);
    }
}

/// One size: the files, then each order's runs, then its table.
fn bench_size(dir: &Path, contacts: u64, orders: &[String], runs: usize, keep: bool) {
    let t = Instant::now();
    let time_csv = dir.join(format!("interactions_{contacts}.csv"));
    let first_day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    let size = write_interactions(&time_csv, first_day, 92, contacts, 1, 20260701).expect("csv");
    let mut rows: Vec<Row> = Vec::new();
    for order in orders {
        // Files made for this order only, removed after its runs (10M-contact files are
        // 1.2 GB each).
        let mut made = Vec::new();
        let (csv, before) = match order.as_str() {
            "time" => (time_csv.clone(), None),
            "shuffled" => {
                let p = dir.join(format!("interactions_{contacts}_shuffled.csv"));
                shuffle(&time_csv, &p, contacts, 7).expect("shuffle");
                made.push(p.clone());
                (p, None)
            }
            "by-id" => {
                let p = dir.join(format!("interactions_{contacts}_by_id.csv"));
                sort_by_id(&time_csv, &p, contacts).expect("sort");
                made.push(p.clone());
                (p, None)
            }
            _ => {
                // A workspace holding the file's first half, copied before each run.
                let half = dir.join(format!("interactions_{contacts}_first_half.csv"));
                head(&time_csv, &half, contacts / 2).expect("head");
                let base = dir.join(format!("first-half-{contacts}.qbr"));
                remove_db(&base);
                let mut ws = Workspace::create(&base, &Settings::default(), now()).expect("ws");
                import_into(&mut ws, &half, &mut |_| {});
                drop(ws);
                made.push(half);
                (time_csv.clone(), Some(base))
            }
        };
        rows.push(bench_order(
            dir,
            order,
            &csv,
            before.as_deref(),
            contacts,
            runs,
        ));
        if let Some(base) = before {
            remove_db(&base);
        }
        if !keep {
            for p in made {
                let _ = std::fs::remove_file(p);
            }
        }
    }
    print_rows(contacts, size, t.elapsed().as_secs_f64(), runs, &rows);
    if !keep {
        let _ = std::fs::remove_file(&time_csv);
    }
}

/// What one order measured.
struct Row {
    order: String,
    qbr: Vec<Run>,
    sqlite: Vec<f64>,
    sqlite_cpu: Vec<f64>,
    load: (f64, f64),
    /// [`two_core_check`] after each qbr run.
    cores: Vec<f64>,
}

/// One import in its own process.
struct Run {
    secs: f64,
    cpu: f64,
    peak_mb: f64,
    /// Seconds from the last row read to the end: sorting days, facts, the commit.
    after_rows: f64,
}

fn bench_order(
    dir: &Path,
    order: &str,
    csv: &Path,
    before: Option<&Path>,
    contacts: u64,
    runs: usize,
) -> Row {
    let ws = dir.join("import-bench.qbr");
    let raw = dir.join("sqlite3-import.db");
    let load_before = load_average();
    let mut row = Row {
        order: order.into(),
        qbr: Vec::new(),
        sqlite: Vec::new(),
        sqlite_cpu: Vec::new(),
        load: (load_before, 0.0),
        cores: Vec::new(),
    };
    for _ in 0..runs {
        remove_db(&ws);
        if let Some(base) = before {
            std::fs::copy(base, &ws).expect("copy the first half's workspace");
        }
        quiet_disk();
        row.qbr
            .push(run_child(&ws, csv, contacts, before.is_some()));
        row.cores.push(two_core_check());
        remove_db(&raw);
        quiet_disk();
        if let Some((s, cpu)) = sqlite_import(&raw, csv) {
            row.sqlite.push(s);
            row.sqlite_cpu.push(cpu);
        }
    }
    remove_db(&ws);
    remove_db(&raw);
    row.load.1 = load_average();
    row
}

/// Whether the machine's two cores were whole just now: the time the same work (SHA-256 of
/// 128 MB) takes on two threads at once over its time on one, the best of three tries each: 1.0
/// when two threads each have a core of their own, up to 2.0 when they share one. On this
/// benchmark's virtual machine it read 1.0 most of the time and about 1.6 in stretches of
/// minutes, which cost qbr's two threads about that much processor time for the same work
/// while `sqlite3`'s one thread did not notice (docs/reference.md).
fn two_core_check() -> f64 {
    use sha2::{Digest, Sha256};
    let data = vec![0x5au8; 16 << 20];
    let work = || {
        let mut h = Sha256::new();
        for _ in 0..8 {
            h.update(&data);
        }
        std::hint::black_box(h.finalize());
    };
    let best = |f: &dyn Fn()| {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let one = best(&work);
    let two = best(&|| {
        std::thread::scope(|s| {
            s.spawn(work);
            work();
        })
    });
    two / one
}

/// Writes every dirty page of the machine out (`sync`) before a timed run, so that neither side
/// waits on the disk for files written before it (the generated files, the last run's output):
/// each run's own fsyncs then cost what they cost alone.
fn quiet_disk() {
    let _ = Command::new("sync").status();
}

/// Runs one import of `csv` into `ws` in a process of its own.
fn run_child(ws: &Path, csv: &Path, contacts: u64, half_there: bool) -> Run {
    let exe = std::env::current_exe().expect("this benchmark's path");
    let out = Command::new(exe)
        .env(CHILD, format!("{}\t{}", ws.display(), csv.display()))
        .env("QBR_BENCH_EXPECT", contacts.to_string())
        .env("QBR_BENCH_HALF_THERE", if half_there { "1" } else { "0" })
        // Its messages (and QBR_BENCH_THREADS's lines) go where this run's go.
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("the import process");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the import failed (its messages are above): {text}"
    );
    let f: Vec<f64> = text
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    assert!(f.len() >= 4, "secs cpu peak after_rows: {text}");
    Run {
        secs: f[0],
        cpu: f[1],
        peak_mb: f[2],
        after_rows: f[3],
    }
}

/// The child's side: one import, then `secs cpu peak_mb` on stdout.
fn child_import(ws_path: &Path, csv: &Path) {
    let expect = env_u64("QBR_BENCH_EXPECT", 0);
    let half_there = std::env::var("QBR_BENCH_HALF_THERE").as_deref() == Ok("1");
    let mut ws = if ws_path.exists() {
        Workspace::open(ws_path).expect("workspace")
    } else {
        Workspace::create(ws_path, &Settings::default(), now()).expect("workspace")
    };
    let cpu_before = cpu_seconds();
    let t = Instant::now();
    let mut rows_done = None;
    let mut writing = None;
    let mut cpu_at_rows_done = (0.0, 0.0);
    let clock = (std::env::var("QBR_BENCH_THREADS").as_deref() == Ok("1")).then(ThreadClock::start);
    let mut phase = None;
    let report = import_into(&mut ws, csv, &mut |p| {
        if let (Some(clock), false) = (&clock, phase == Some(p.phase)) {
            phase = Some(p.phase);
            clock.mark(format!("{:?}", p.phase));
        }
        let after = matches!(p.phase, import::Phase::SortingDays | import::Phase::Writing);
        if after && rows_done.is_none() {
            rows_done = Some(t.elapsed().as_secs_f64());
            cpu_at_rows_done = (cpu_seconds(), thread_cpu_seconds());
        }
        if p.phase == import::Phase::Writing && writing.is_none() {
            writing = Some(t.elapsed().as_secs_f64());
        }
    });
    drop(ws);
    let secs = t.elapsed().as_secs_f64();
    if let Some(clock) = clock {
        clock.mark("end".into());
        eprint!("{}", clock.finish());
    }
    let cpu = cpu_seconds() - cpu_before;
    let tail_thread_cpu = thread_cpu_seconds() - cpu_at_rows_done.1;
    let cpu_until_rows_done = cpu_at_rows_done.0 - cpu_before;
    assert_eq!(report.rows_read, expect, "every row is read");
    let duplicates = if half_there { expect / 2 } else { 0 };
    assert_eq!(
        (report.rows_taken, report.rows_duplicate),
        (expect - duplicates, duplicates),
        "the first half is already there when re-importing, else every contact is new"
    );
    // Then, for a closer look: CPU of every thread until the last row was read, and of this
    // (the writing) thread after it.
    println!(
        "{secs:.3} {cpu:.3} {:.1} {:.3} {cpu_until_rows_done:.3} {tail_thread_cpu:.3} {:.3}",
        peak_rss_mb(),
        secs - rows_done.unwrap_or(secs),
        secs - writing.unwrap_or(secs)
    );
}

/// Every thread's processor time in each phase of an import: a thread of its own reads
/// `/proc/self/task/*/stat` every 20 ms (a thread that ends keeps its last reading), and
/// `mark` notes where a phase begins.
struct ThreadClock {
    marks: std::sync::mpsc::Sender<(String, Instant)>,
    sampler: std::thread::JoinHandle<String>,
}

impl ThreadClock {
    fn start() -> ThreadClock {
        let (marks, from) = std::sync::mpsc::channel::<(String, Instant)>();
        let sampler = std::thread::spawn(move || {
            // Each thread's (user, system) seconds.
            type Cpu = std::collections::BTreeMap<String, (f64, f64)>;
            let mut cpu = Cpu::new();
            // (phase, its start, every thread's CPU then)
            let mut phases: Vec<(String, Instant, Cpu)> = Vec::new();
            loop {
                for e in std::fs::read_dir("/proc/self/task")
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    let Some(stat) = ProcStat::read(e.path().join("stat")) else {
                        continue;
                    };
                    let tid = e.file_name().to_string_lossy().into_owned();
                    cpu.insert(format!("{}/{tid}", stat.name), stat.user_system());
                }
                match from.recv_timeout(std::time::Duration::from_millis(20)) {
                    Ok((phase, at)) => phases.push((phase, at, cpu.clone())),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
            let mut out = String::new();
            for w in phases.windows(2) {
                let ((name, start, before), (_, end, after)) = (&w[0], &w[1]);
                let threads: Vec<String> = after
                    .iter()
                    .map(|(t, (u, s))| {
                        let (u0, s0) = before.get(t).copied().unwrap_or_default();
                        (t, u - u0, s - s0)
                    })
                    .filter(|(_, u, s)| u + s >= 0.01)
                    .map(|(t, u, s)| format!("{t} {:.2} s (system {s:.2} s)", u + s))
                    .collect();
                out += &format!(
                    "{name:<12} {:>7.3} s: {}\n",
                    (*end - *start).as_secs_f64(),
                    threads.join(", ")
                );
            }
            out
        });
        ThreadClock { marks, sampler }
    }

    fn mark(&self, phase: String) {
        let _ = self.marks.send((phase, Instant::now()));
    }

    /// Each phase's length and every thread's processor time in it (and how much of it was in
    /// the kernel), one line a phase.
    fn finish(self) -> String {
        drop(self.marks);
        self.sampler.join().unwrap_or_default()
    }
}

fn import_into(
    ws: &mut Workspace,
    csv: &Path,
    progress: &mut dyn FnMut(import::Progress),
) -> import::ImportReport {
    let report = ws
        .import_file(
            csv,
            &ImportOptions::default(),
            progress,
            &AtomicBool::new(false),
            now(),
        )
        .expect("import");
    assert_eq!(report.rows_refused, 0, "the generated file is clean");
    report
}

fn print_rows(contacts: u64, size: u64, generate: f64, runs: usize, rows: &[Row]) {
    println!(
        "\nimport benchmark: {contacts} contacts over a quarter ({:.1} MB CSV; files made in {generate:.0} s), \
         {runs} runs of each side, alternating, medians",
        mb(size)
    );
    let header = format!(
        "{:<10}  {:<30}  {:>7}  {:>10}  {:<30}  {:>7}  {:>7}  {:>11}  {:<13}  {}",
        "order",
        "qbr import (runs)",
        "CPU",
        "after rows",
        "sqlite3 .import (runs)",
        "CPU",
        "ratio",
        "peak memory",
        "2 cores",
        "load average"
    );
    println!("{header}");
    println!("{}", "-".repeat(header.chars().count()));
    for r in rows {
        let mut q: Vec<&Run> = r.qbr.iter().collect();
        q.sort_by(|a, b| a.secs.total_cmp(&b.secs));
        let qm = q[q.len() / 2];
        let list = |v: &mut dyn Iterator<Item = f64>| {
            v.map(|s| format!("{s:.2}")).collect::<Vec<_>>().join(", ")
        };
        let qbr = format!(
            "{:.2} s ({})",
            qm.secs,
            list(&mut r.qbr.iter().map(|r| r.secs))
        );
        let peak = r.qbr.iter().map(|r| r.peak_mb).fold(0.0, f64::max);
        let (sqlite, scpu, ratio) = match median(&r.sqlite) {
            Some(s) => (
                format!("{s:.2} s ({})", list(&mut r.sqlite.iter().copied())),
                format!("{:.2} s", median(&r.sqlite_cpu).unwrap_or(0.0)),
                format!("{:.2}×", s / qm.secs),
            ),
            None => ("not run".into(), "-".into(), "-".into()),
        };
        let cores = format!(
            "{:.2}–{:.2}",
            r.cores.iter().copied().fold(f64::INFINITY, f64::min),
            r.cores.iter().copied().fold(0.0, f64::max)
        );
        println!(
            "{:<10}  {:<30}  {:>7}  {:>10}  {:<30}  {:>7}  {:>7}  {:>8.0} MB  {:<13}  {:.1} → {:.1}",
            r.order,
            qbr,
            format!("{:.2} s", qm.cpu),
            format!("{:.2} s", qm.after_rows),
            sqlite,
            scpu,
            ratio,
            peak,
            cores,
            r.load.0,
            r.load.1
        );
    }
    println!(
        "CPU: all threads of the median run; after rows: from the last row read to the end (sorting \
         days, facts, commit); peak memory: the largest VmHWM of the runs"
    );
    println!(
        "2 cores: after each qbr run, the same work's time on two threads at once over one thread's \
         (1.0: two whole cores; near 2: two threads sharing one core, which slows qbr's two \
         threads and not sqlite3's one)"
    );
    println!("goal: every order at least 2× sqlite3 .import, peak memory < 200 MB");
}

fn median(v: &[f64]) -> Option<f64> {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied()
}

/// The one-minute load average.
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

/// `sqlite3`'s `.import` of `csv` into a bare table of a new database: (wall, CPU) seconds, or
/// `None` without a sqlite3 shell.
fn sqlite_import(raw_db: &Path, csv: &Path) -> Option<(f64, f64)> {
    let t = Instant::now();
    let cpu_before = children_cpu_seconds();
    let status = Command::new("sqlite3")
        .arg(raw_db)
        .args(["-cmd", ".mode csv"])
        .arg(format!(".import {} t", csv.display()))
        .status();
    let secs = t.elapsed().as_secs_f64();
    let cpu = children_cpu_seconds() - cpu_before;
    match status {
        Ok(s) if s.success() => Some((secs, cpu)),
        _ => None,
    }
}

fn remove_db(p: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
}

/// CPU time of the calling thread so far, in seconds.
fn thread_cpu_seconds() -> f64 {
    ProcStat::read("/proc/thread-self/stat").map_or(0.0, |s| {
        let (user, system) = s.user_system();
        user + system
    })
}

/// CPU time of this process's waited-for children, in seconds (sqlite3 shells and the import
/// processes: read before and after each sqlite3 run).
fn children_cpu_seconds() -> f64 {
    // cutime and cstime are fields 16 and 17 of stat.
    ProcStat::read("/proc/self/stat").map_or(0.0, |s| s.seconds(13) + s.seconds(14))
}
