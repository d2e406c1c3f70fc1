//! What the CLI logs and where. Operations log through `tracing` (imports, exports, upgrades,
//! recomputes: counts and durations, file names and nothing else of a client's); `qbr` shows
//! them on stderr with `--verbose` (QBR Desk's own events at `info`, each operation's span with
//! its time when it closes) or as `QBR_LOG` says (a `tracing` filter: `debug`,
//! `qbr_core=trace`). Without either it logs nothing. Lines go through [`crate::term::clean`]
//! like every other line the CLI prints.
//!
//! Crash reports go to the same folder as the app's logs ([`folder`]).

use std::path::PathBuf;

use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::EnvFilter;

/// The filter `--verbose` stands for.
const VERBOSE: &str = "qbr=info,qbr_api=info,qbr_core=info";

/// Sends log lines to stderr when `verbose` or `QBR_LOG` asks for them.
pub fn to_terminal(verbose: bool) {
    let filter = match std::env::var("QBR_LOG") {
        Ok(spec) if !spec.trim().is_empty() => EnvFilter::new(spec),
        _ if verbose => EnvFilter::new(VERBOSE),
        _ => return,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(|| CleanStderr)
        .try_init();
}

/// Standard error through [`crate::term::err`]: a file name in a log line is imported text.
struct CleanStderr;

impl std::io::Write for CleanStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        crate::term::err(&String::from_utf8_lossy(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The app's log folder, where the CLI's crash reports go too: `QBR_LOG_DIR` when set, else
/// the folder Tauri gives the app (`app_log_dir`: on Linux `$XDG_DATA_HOME` or
/// `~/.local/share`, then `app.qbrdesk.desktop/logs`; on macOS `~/Library/Logs/app.qbrdesk.desktop`;
/// on Windows `%LOCALAPPDATA%\app.qbrdesk.desktop\logs`), else a folder in the temporary folder.
pub fn folder() -> PathBuf {
    const IDENTIFIER: &str = "app.qbrdesk.desktop";
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("QBR_LOG_DIR") {
        return dir;
    }
    let found = if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library/Logs").join(IDENTIFIER))
    } else if cfg!(windows) {
        var("LOCALAPPDATA").map(|d| d.join(IDENTIFIER).join("logs"))
    } else {
        var("XDG_DATA_HOME")
            .or_else(|| var("HOME").map(|h| h.join(".local/share")))
            .map(|d| d.join(IDENTIFIER).join("logs"))
    };
    found.unwrap_or_else(|| std::env::temp_dir().join(IDENTIFIER).join("logs"))
}
