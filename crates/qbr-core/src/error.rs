//! The core's error type. Every variant reads as a sentence a user can act on; shells map variants
//! to exit codes (CLI) or `{code, message}` (app) without re-wording them.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} does not exist", .path.display())]
    NotFound { path: PathBuf },

    #[error("{} already exists; choose another name or remove it first", .path.display())]
    AlreadyExists { path: PathBuf },

    #[error("{} is not a QBR Desk workspace: {reason}", .path.display())]
    NotAWorkspace { path: PathBuf, reason: String },

    #[error(
        "{} was written by a newer version of QBR Desk (workspace format {found}; this version reads up to {supported}); update QBR Desk to open it. The file was not changed.",
        .path.display()
    )]
    NewerVersion {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "{} is being changed by another program (QBR Desk or the qbr command); try again when it has finished",
        .path.display()
    )]
    Busy { path: PathBuf },

    #[error(
        "{} could not be upgraded from workspace format {from} to {to} ({reason}); the file was not changed, and a copy of it is at {}",
        .path.display(), .backup.display()
    )]
    UpgradeFailed {
        path: PathBuf,
        from: i64,
        to: i64,
        backup: PathBuf,
        reason: String,
    },

    #[error("{} cannot be written: {reason}", .path.display())]
    ReadOnly { path: PathBuf, reason: String },

    #[error("invalid {field}: {message}")]
    InvalidSetting { field: String, message: String },

    #[error("the workspace is damaged: {0}")]
    Corrupt(String),

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),

    #[error("{0} was cancelled; nothing was changed")]
    Cancelled(String),
}

/// What a page failing its checksum means for a user.
pub(crate) const DAMAGED: &str = "the file is damaged: a page of it does not match its checksum (a disk, copy or transfer error changed it), so no figure from it can be trusted; nothing was changed: use the copy it came from, or a backup";

/// Whether SQLite stopped because a page failed its checksum (`store/checksum.rs`).
pub(crate) fn checksum_failed(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_IOERR_DATA)
}

impl From<rusqlite::Error> for Error {
    /// A page failing its checksum, or a structure SQLite finds malformed, is damage to the
    /// file, said so, wherever it is met (on open, or in a query long after).
    fn from(e: rusqlite::Error) -> Self {
        if checksum_failed(&e) {
            return Error::Corrupt(DAMAGED.trim_start_matches("the file is damaged: ").into());
        }
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted) {
            // Only a `Workspace::stop_when` check interrupts a query.
            return Error::Cancelled("the computation (a newer request replaced it)".into());
        }
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) {
            return Error::Corrupt(format!(
                "SQLite finds its structure malformed ({e}), so no figure from it can be trusted; use the copy it came from, or a backup"
            ));
        }
        Error::Sqlite(e)
    }
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}
