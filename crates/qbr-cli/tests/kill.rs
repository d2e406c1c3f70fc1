//! The kill harness: runs real `qbr` operations in a child process, SIGKILLs it at a random
//! moment (seeded), then opens the workspace as a user would and checks that it passes
//! `PRAGMA integrity_check` and holds EXACTLY the content before the operation or after it
//! (the digest of every table, `Workspace::content_digest`). Never anything in between.
//!
//! `QBR_KILLS_PER_OP` sets the kills per operation (default 20; `scripts/reliability.sh` runs
//! 200), `QBR_KILL_ROWS` the contacts of the imported file (default 3,000), `QBR_KILL_SEED` the
//! seed (default 20261124). The summary line `kill total: …` goes to stderr (`-- --nocapture`).
//!
//! Adding an operation is one more entry in `operations()`: which prepared workspace it starts
//! from and the `qbr` arguments it runs. An operation that writes a file (`qbr export`, the PDF
//! pack) names it with `{out}`: after each kill that path must hold no file or the complete file
//! (byte for byte the calibration run's), a complete file may only be missing when the workspace
//! is still in its state before, and the folder may hold nothing else but hidden `.NAME.XXXXXX.tmp`
//! temporary files of `qbr_core::atomic` (never a partial file under the target's name or
//! extension).

mod common;

use common::{arg, ok_json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use qbr_core::Workspace;

/// The pinned clock of every run, so that a completed operation always writes the same rows.
const NOW: &str = "2026-11-24T09:00:00Z";

/// splitmix64: a seeded source of kill moments without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn qbr_cmd(args: &[String]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qbr"));
    c.args(args)
        .env("QBR_NOW", NOW)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// A contacts CSV big enough that an import takes a while: kills land in parsing, in the
/// writes and in the commit.
fn big_csv(dir: &Path, rows: usize) -> PathBuf {
    let p = dir.join("big_interactions.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    writeln!(
        f,
        "contact_id,started_at,channel,queue,agent,outcome,wait_s,talk_s,hold_s,wrap_s,transferred,resolved,csat"
    )
    .unwrap();
    let queues = ["Billing", "Tech", "Sales"];
    let agents = ["Ann", "Bob", "Cy", "Dee", "Eve"];
    for i in 0..rows {
        let day = 1 + i % 31;
        let hour = 8 + i % 10;
        let outcome = if i % 9 == 0 { "abandoned" } else { "handled" };
        writeln!(
            f,
            "K{i},2026-07-{day:02}T{hour:02}:{:02}:00Z,voice,{},{},{outcome},{},{},{},{},{},{},{}",
            i % 60,
            queues[i % 3],
            agents[i % 5],
            i % 120,
            120 + i % 400,
            i % 30,
            20 + i % 50,
            if i % 7 == 0 { "Y" } else { "N" },
            if i % 3 == 0 { "N" } else { "Y" },
            1 + i % 5
        )
        .unwrap();
    }
    p
}

/// Opens the workspace as the app does (recovering a WAL left by the killed process), checks the
/// file's integrity and returns its content digest.
fn check(ws: &Path) -> Result<String, String> {
    let w = Workspace::open(ws).map_err(|e| format!("does not open: {e}"))?;
    w.integrity_check()
        .map_err(|e| format!("integrity_check: {e}"))?;
    w.content_digest().map_err(|e| format!("digest: {e}"))
}

fn copy_workspace(from: &Path, to: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(from, to).unwrap();
}

struct Op {
    name: &'static str,
    /// The prepared workspace it starts from.
    base: PathBuf,
    args: Vec<String>,
    /// The file it writes (`{out}` in `args`), if any.
    out: Option<PathBuf>,
}

fn operations(dir: &Path) -> Vec<Op> {
    // `plain`: a client with one small import. `loaded`: the same plus a big import (batch 2).
    let plain = dir.join("plain.qbr");
    ok_json(&[
        "init",
        arg(&plain),
        "--client",
        "Kill Test",
        "--timezone",
        "America/New_York",
        "--json",
    ]);
    let generic = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/import/interactions_generic.csv")
        .display()
        .to_string();
    ok_json(&["import", arg(&plain), &generic, "--json"]);
    let big = big_csv(dir, env_or("QBR_KILL_ROWS", 3_000));
    let loaded = dir.join("loaded.qbr");
    std::fs::copy(&plain, &loaded).unwrap();
    ok_json(&["import", arg(&loaded), arg(&big), "--json"]);

    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        Op {
            name: "import",
            base: plain.clone(),
            args: s(&["import", "{ws}", arg(&big)]),
            out: None,
        },
        Op {
            name: "import-undo",
            base: loaded.clone(),
            args: s(&["import-undo", "{ws}", "2"]),
            out: None,
        },
        Op {
            name: "settings",
            base: loaded.clone(),
            args: s(&[
                "settings",
                "{ws}",
                "--client",
                "Renamed Client",
                "--voice-threshold",
                "30",
                "--timezone",
                "Europe/Dublin",
            ]),
            out: None,
        },
        Op {
            name: "target add",
            base: loaded.clone(),
            args: s(&[
                "targets",
                "{ws}",
                "set",
                "--metric",
                "service_level",
                "--at-least",
                "0.8",
                "--from",
                "2026-01-01",
            ]),
            out: None,
        },
        Op {
            name: "cause add",
            base: loaded.clone(),
            args: s(&[
                "cause",
                "{ws}",
                "add",
                "--metric",
                "aht",
                "--from",
                "2026-07-01",
                "--to",
                "2026-07-31",
                "--category",
                "process",
                "--title",
                "Kill test cause",
            ]),
            out: None,
        },
        // The PDF pack: rendered, written to a temporary sibling and renamed, then its
        // snapshot row stored.
        Op {
            name: "export",
            base: loaded,
            args: s(&["export", "{ws}", "--period", "2026-Q3", "--out", "{out}"]),
            out: Some(dir.join("out").join("pack.pdf")),
        },
    ]
}

fn with_ws(op: &Op, ws: &Path) -> Vec<String> {
    op.args
        .iter()
        .map(|a| match (a.as_str(), &op.out) {
            ("{ws}", _) => arg(ws).to_string(),
            ("{out}", Some(out)) => arg(out).to_string(),
            _ => a.clone(),
        })
        .collect()
}

/// Empties the output folder of an operation that writes a file.
fn clear_out(op: &Op) {
    if let Some(out) = &op.out {
        let dir = out.parent().unwrap();
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).unwrap();
    }
}

/// What the output folder holds after a run: the target's bytes (if present) and the names of
/// the other files.
fn read_out(out: &Path) -> (Option<Vec<u8>>, Vec<String>) {
    let target = std::fs::read(out).ok();
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    let others = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| *n != name)
        .collect();
    (target, others)
}

#[derive(Default)]
struct Tally {
    kills: u32,
    before: u32,
    after: u32,
    finished_first: u32,
    /// Output files: none, or complete while the workspace was still before (killed between the
    /// rename and the snapshot row), and temporary files left behind by a kill.
    no_file: u32,
    file_before: u32,
    partials_left: u32,
    failures: Vec<String>,
}

#[test]
fn killed_operations_leave_the_workspace_before_or_after_never_between() {
    let dir = tempfile::tempdir().unwrap();
    let per_op: u32 = env_or("QBR_KILLS_PER_OP", 20);
    let mut rng = Rng(env_or("QBR_KILL_SEED", 20_261_124));
    let ops = operations(dir.path());
    let ws = dir.path().join("victim.qbr");
    let mut total = Tally::default();
    for op in &ops {
        // Calibration: the states before and after, and how long the operation takes.
        copy_workspace(&op.base, &ws);
        let before = check(&ws).unwrap();
        // The shortest of three runs: the first is often slowed by a cold cache.
        let mut duration = std::time::Duration::MAX;
        let mut complete: Option<Vec<u8>> = None;
        for _ in 0..3 {
            copy_workspace(&op.base, &ws);
            clear_out(op);
            let started = Instant::now();
            let status = qbr_cmd(&with_ws(op, &ws)).status().unwrap();
            duration = duration.min(started.elapsed());
            assert!(status.success(), "{}: the operation itself fails", op.name);
            if let Some(out) = &op.out {
                let (file, others) = read_out(out);
                let file = file.expect("a finished export leaves its file");
                assert!(others.is_empty(), "a finished export leaves {others:?}");
                assert!(file.starts_with(b"%PDF-") && file.len() > 10_000);
                if let Some(c) = &complete {
                    assert!(
                        *c == file,
                        "{}: the same run writes the same bytes",
                        op.name
                    );
                }
                complete = Some(file);
            }
        }
        let after = check(&ws).unwrap();
        assert_ne!(
            before, after,
            "{}: the operation changes something",
            op.name
        );

        let mut t = Tally::default();
        for _ in 0..per_op {
            copy_workspace(&op.base, &ws);
            clear_out(op);
            // From a third into the run (process start is of no interest) to past its usual end.
            let at = duration.mul_f64(0.3 + rng.unit() * 0.9);
            let mut child = qbr_cmd(&with_ws(op, &ws)).spawn().unwrap();
            std::thread::sleep(at);
            if child.try_wait().unwrap().is_some() {
                t.finished_first += 1;
            }
            child.kill().ok(); // SIGKILL on Unix
            child.wait().unwrap();
            t.kills += 1;
            let state = check(&ws);
            if let (Some(out), Ok(d)) = (&op.out, &state) {
                let (file, others) = read_out(out);
                match file {
                    None if *d == after => t.failures.push(format!(
                        "{} killed after {at:?}: the snapshot is stored but there is no file",
                        op.name
                    )),
                    None => t.no_file += 1,
                    Some(f) if Some(&f) != complete.as_ref() => t.failures.push(format!(
                        "{} killed after {at:?}: {} holds {} bytes that are not the complete file",
                        op.name,
                        out.display(),
                        f.len()
                    )),
                    Some(_) if *d == before => t.file_before += 1,
                    Some(_) => {}
                }
                for o in &others {
                    if o.starts_with('.') && o.ends_with(".tmp") {
                        t.partials_left += 1;
                    } else {
                        t.failures.push(format!(
                            "{} killed after {at:?}: a stray file {o} beside the target",
                            op.name
                        ));
                    }
                }
            }
            match state {
                Ok(d) if d == before => t.before += 1,
                Ok(d) if d == after => t.after += 1,
                Ok(_) => t.failures.push(format!(
                    "{} killed after {at:?}: the workspace is neither the state before nor after",
                    op.name
                )),
                Err(e) => t
                    .failures
                    .push(format!("{} killed after {at:?}: {e}", op.name)),
            }
        }
        eprintln!(
            "kill {:<12} kills {:>4}  before {:>4}  after {:>4}  (finished before the kill {}; a run takes {:?})",
            op.name, t.kills, t.before, t.after, t.finished_first, duration
        );
        if op.out.is_some() {
            eprintln!(
                "     {:<12} output: none {:>4}, complete with the workspace before {:>4}, complete with it after {:>4}; hidden .tmp temporaries left by kills {}",
                "",
                t.no_file,
                t.file_before,
                t.after,
                t.partials_left
            );
        }
        total.kills += t.kills;
        total.before += t.before;
        total.after += t.after;
        total.failures.extend(t.failures);
        // Both outcomes must be seen in a long run, or the kills did not land inside the operation.
        assert!(
            per_op < 50 || (t.before > 0 && t.after > 0),
            "{}: kills landed only on one side (before {}, after {})",
            op.name,
            t.before,
            t.after
        );
    }
    eprintln!(
        "kill total: kills {}, before {}, after {}, failures {}",
        total.kills,
        total.before,
        total.after,
        total.failures.len()
    );
    assert!(total.failures.is_empty(), "{}", total.failures.join("\n"));
}
