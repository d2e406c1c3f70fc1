//! What a supporter gets from the CLI: log lines with `--verbose` or `QBR_LOG` (counts, durations
//! and file names, nothing else of a client's), and a crash report in the log folder after a
//! panic (forced here through the debug-build switch `QBR_FORCE_PANIC`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::arg;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/import")
        .join(name)
}

/// Runs `qbr` with `args`, the environment variables `env` set and `QBR_LOG` unset (unless
/// given), so that the developer's own setting does not change what the test sees.
fn qbr_with(env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qbr"));
    cmd.env_remove("QBR_LOG")
        .env_remove("QBR_FORCE_PANIC")
        .env_remove("QBR_LOG_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).output().expect("qbr runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn init(ws: &Path, env: &[(&str, &str)]) -> Output {
    let out = qbr_with(
        env,
        &["init", arg(ws), "--client", "Log Test", "--timezone", "UTC"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

#[test]
fn verbose_logs_an_import_with_its_counts_and_duration_and_no_cell_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = fixture("interactions_generic.csv");

    let quiet_ws = dir.path().join("quiet.qbr");
    init(&quiet_ws, &[]);
    let quiet = qbr_with(&[], &["import", arg(&quiet_ws), arg(&csv)]);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    assert!(
        !stderr(&quiet).contains("import finished"),
        "without --verbose or QBR_LOG nothing is logged: {}",
        stderr(&quiet)
    );

    let ws = dir.path().join("log.qbr");
    init(&ws, &[]);
    let out = qbr_with(&[], &["--verbose", "import", arg(&ws), arg(&csv)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stderr(&out);
    let started = log
        .lines()
        .find(|l| l.contains("import started"))
        .unwrap_or_else(|| panic!("an import started line: {log}"));
    assert!(
        started.contains("file=interactions_generic.csv"),
        "the file's name only: {started}"
    );
    assert!(
        !started.contains(dir.path().to_str().unwrap()) && !started.contains("fixtures"),
        "no folder: {started}"
    );
    let finished = log
        .lines()
        .find(|l| l.contains("import finished"))
        .unwrap_or_else(|| panic!("an import finished line: {log}"));
    // interactions_generic.csv has 6 contacts (7 lines with the header).
    for field in [
        "file=interactions_generic.csv",
        "rows_read=6",
        "rows_taken=6",
        "rows_refused=0",
        "batch=Some(1)",
        "already_imported=None",
        "elapsed_ms=",
    ] {
        assert!(finished.contains(field), "{field} in: {finished}");
    }
    // The import's span closes with its time.
    assert!(
        log.lines()
            .any(|l| l.contains("import{files=1 dry_run=false}") && l.contains("close")),
        "the span's close line: {log}"
    );
    // Cells of the file (agent and queue names) never reach the log.
    for cell in ["Ann", "Billing", "C1"] {
        assert!(
            !log.contains(cell),
            "a cell of the file ({cell}) is in the log: {log}"
        );
    }
}

#[test]
fn qbr_log_sets_the_detail_down_to_each_migration_of_a_new_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("fresh.qbr");
    let out = init(&ws, &[("QBR_LOG", "qbr_core=debug")]);
    let log = stderr(&out);
    let formats: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("migration applied"))
        .map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix("format="))
                .unwrap_or("?")
        })
        .collect();
    // A new workspace runs every migration, 0001 to this build's format, in order.
    let last = qbr_core::store::FORMAT_VERSION;
    let expected: Vec<String> = (1..=last).map(|n| n.to_string()).collect();
    assert_eq!(formats, expected, "{log}");
    assert!(
        log.contains("workspace format upgraded") && log.contains(&format!("from=0 to={last}")),
        "{log}"
    );
}

#[test]
fn a_panic_writes_a_report_without_client_data_to_the_log_folder_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("crash.qbr");
    init(&ws, &[]);
    let logs = dir.path().join("logs");
    // The forced panic's message carries a value, as an accidental client value would.
    let out = qbr_with(
        &[
            ("QBR_FORCE_PANIC", "Acme Secret Client"),
            ("QBR_LOG_DIR", logs.to_str().unwrap()),
        ],
        &["info", arg(&ws)],
    );
    assert_eq!(out.status.code(), Some(101), "a panic's exit code");
    let said = stderr(&out);
    let reports: Vec<PathBuf> = std::fs::read_dir(&logs)
        .unwrap_or_else(|e| panic!("the log folder is made ({e}): {said}"))
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(reports.len(), 1, "one report: {reports:?}");
    let report = &reports[0];
    let name = report.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("qbr-crash-") && name.ends_with(".txt"),
        "{name}"
    );
    assert!(
        said.contains(&format!(
            "A report without client data was written to {}",
            report.display()
        )),
        "the user is told where: {said}"
    );
    assert!(
        !said.contains("Acme Secret Client"),
        "nor does the terminal get the value: {said}"
    );
    let text = std::fs::read_to_string(report).unwrap();
    assert!(text.starts_with("QBR Desk crash report\n"), "{text}");
    for line in [
        &format!("program: qbr {}", env!("CARGO_PKG_VERSION")),
        "operation: info",
        "message: (left out: a formatted message may quote client data)",
        "backtrace:",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("where: ") && l.contains("crash.rs")),
        "where it stopped:\n{text}"
    );
    // The backtrace names functions, not values (the dev profile keeps line tables).
    assert!(text.contains("panic_if_asked"), "{text}");
    assert!(!text.contains("Acme Secret Client"), "{text}");
    assert!(
        !text.contains(ws.to_str().unwrap()),
        "no workspace path: {text}"
    );
}
