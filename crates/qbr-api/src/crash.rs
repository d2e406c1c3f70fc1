//! The local crash report. A panic in the app or the CLI writes a short report to the log folder
//! — the program and its version, the operation under way, where in QBR Desk's code it stopped,
//! and the backtrace — and tells the user where it is. Nothing is sent anywhere.
//!
//! No client data goes into a report: a panic's message is kept only when it is a literal of
//! the code (`panic!("…")` with no arguments); a formatted message (an `expect` on an error, an
//! index out of range) can quote a file's cells or a workspace's names, so it is left out and
//! the report says so. Backtraces name functions and source lines, never values.

use std::fmt::Write as _;
use std::panic::PanicHookInfo;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Where reports go and who writes them, set once by [`install`].
struct Reporter {
    dir: PathBuf,
    program: &'static str,
    version: &'static str,
    /// Tells the user where the report is (the CLI on stderr; the app also in its window).
    tell: Box<dyn Fn(&Path) + Send + Sync>,
}

static REPORTER: OnceLock<Reporter> = OnceLock::new();

/// The last operation started (a CLI command, the app's last command), for the report.
static OPERATION: Mutex<String> = Mutex::new(String::new());

/// Records the operation under way; the report names the last one recorded.
pub fn set_operation(name: &str) {
    if let Ok(mut op) = OPERATION.lock() {
        op.clear();
        op.push_str(name);
    }
}

/// Installs the panic hook: reports go to `dir` (created when a report is written), and `tell`
/// is called with the report's path. The first call wins.
pub fn install(
    dir: PathBuf,
    program: &'static str,
    version: &'static str,
    tell: impl Fn(&Path) + Send + Sync + 'static,
) {
    let reporter = Reporter {
        dir,
        program,
        version,
        tell: Box::new(tell),
    };
    if REPORTER.set(reporter).is_err() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let Some(reporter) = REPORTER.get() else {
            return;
        };
        let report = report_text(reporter.program, reporter.version, info);
        match write_report(&reporter.dir, reporter.program, &report) {
            Ok(path) => (reporter.tell)(&path),
            // No report could be written: the terminal gets it instead.
            Err(e) => eprint!(
                "{} stopped on an internal error; the report could not be written to {} ({e}):\n{report}",
                reporter.program,
                reporter.dir.display()
            ),
        }
    }));
}

/// The report for a panic: no client data (see the module's comment).
fn report_text(program: &str, version: &str, info: &PanicHookInfo<'_>) -> String {
    let operation = OPERATION
        .try_lock()
        .map(|op| op.clone())
        .unwrap_or_default();
    let message = match info.payload().downcast_ref::<&'static str>() {
        Some(literal) => (*literal).to_string(),
        None => "(left out: a formatted message may quote client data)".to_string(),
    };
    let location = info
        .location()
        .map(|l| format!("{}:{}", l.file(), l.line()))
        .unwrap_or_else(|| "unknown".into());
    let thread = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_string();
    let mut out = String::new();
    let _ = writeln!(out, "QBR Desk crash report");
    let _ = writeln!(out, "program: {program} {version}");
    let _ = writeln!(
        out,
        "system: {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    let _ = writeln!(
        out,
        "operation: {}",
        if operation.is_empty() {
            "(none recorded)"
        } else {
            &operation
        }
    );
    let _ = writeln!(out, "thread: {thread}");
    let _ = writeln!(out, "where: {location}");
    let _ = writeln!(out, "message: {message}");
    let _ = writeln!(out, "backtrace:");
    let _ = writeln!(out, "{}", std::backtrace::Backtrace::force_capture());
    out
}

/// Writes `report` to a new file `<program>-crash-<seconds since 1970>-<pid>.txt` in `dir`.
fn write_report(dir: &Path, program: &str, report: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let path = dir.join(format!(
        "{program}-crash-{seconds}-{}.txt",
        std::process::id()
    ));
    std::fs::write(&path, report)?;
    Ok(path)
}

/// In debug builds only: panics when `QBR_FORCE_PANIC` is set, so that tests can prove the
/// crash report (release builds have no such switch). The message carries a value, as an
/// accidental client value would, to show that it stays out of the report.
pub fn panic_if_asked() {
    #[cfg(debug_assertions)]
    if let Some(value) = std::env::var_os("QBR_FORCE_PANIC") {
        panic!("forced panic for a test: {}", value.to_string_lossy());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_file_is_named_for_the_program_and_holds_what_it_was_given() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        let path = write_report(&logs, "qbr", "report body").unwrap();
        assert_eq!(path.parent(), Some(logs.as_path()), "the folder is made");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("qbr-crash-") && name.ends_with(".txt"),
            "{name}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "report body");
    }
}
