//! What a supporter needs from the app: logs and crash reports, both in the app's log folder
//! (`app_log_dir`: on Linux `~/.local/share/app.qbrdesk.desktop/logs`).
//!
//! Logs: QBR Desk's operations log through `tracing` (imports, exports, upgrades, recomputes:
//! counts and durations, file names and nothing else of a client's). The app sets no tracing
//! subscriber, so those events arrive as `log` records (tracing's `log` feature), which
//! `tauri-plugin-log` writes to `qbr-desk.log`, rotated at 1 MB with the last 5 files kept.
//! `QBR_LOG` (error, warn, info, debug, trace) sets QBR Desk's level; other libraries log
//! warnings only. Times are UTC.
//!
//! Crash reports: `qbr_api::crash` writes one per panic (no client data) and the app tells the
//! user where it is in a message box.

use std::path::Path;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};
use tauri_plugin_log::log::LevelFilter;
use tauri_plugin_log::{RotationStrategy, Target, TargetKind};

/// The log file's name in the log folder, without `.log`.
pub const LOG_FILE: &str = "qbr-desk";

/// QBR Desk's own level: `QBR_LOG` when it names one, else info.
fn level() -> LevelFilter {
    std::env::var("QBR_LOG")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(LevelFilter::Info)
}

/// The log plugin: QBR Desk's crates at [`level`], every other library at warn; span
/// enter/exit records (tracing's `log` feature writes them too) left out.
pub fn log_plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    let ours = level();
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .target(Target::new(TargetKind::LogDir {
            file_name: Some(LOG_FILE.into()),
        }))
        .rotation_strategy(RotationStrategy::KeepSome(5))
        .max_file_size(1_000_000)
        .level(LevelFilter::Warn)
        .level_for("qbr_core", ours)
        .level_for("qbr_api", ours)
        .level_for("qbr_desk", ours)
        .level_for("tracing::span", LevelFilter::Off)
        .build()
}

/// Installs the crash report's panic hook, writing to the app's log folder and telling the
/// user in a message box (and on stderr).
pub fn install_crash_reports(app: &AppHandle) {
    let Ok(dir) = app.path().app_log_dir() else {
        return;
    };
    let handle = app.clone();
    qbr_api::crash::install(
        dir,
        "qbr-desk",
        env!("CARGO_PKG_VERSION"),
        move |report: &Path| {
            let text = format!(
                "QBR Desk met an internal error (a fault in QBR Desk, not in your data), and what it was doing may not have finished.\n\nA report without client data was written to:\n{}\n\nPlease send it to support. Restarting QBR Desk is safe: a workspace is only ever changed whole.",
                report.display()
            );
            eprintln!(
                "qbr-desk: internal error; report written to {}",
                report.display()
            );
            handle
                .dialog()
                .message(text)
                .title("QBR Desk: internal error")
                .kind(MessageDialogKind::Error)
                .show(|_| {});
        },
    );
}
