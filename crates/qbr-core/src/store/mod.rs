//! The workspace file: one SQLite database per client account. All SQL of the project lives below
//! this module, behind functions named for what they answer.
//!
//! Promises:
//! - A workspace is recognised by its `application_id`; anything else is refused before a byte is
//!   written.
//! - `user_version` is the format version. Pending migrations run forward-only in one transaction;
//!   a file from a newer version is refused and left untouched.
//! - Creating a workspace writes a temporary file and renames it, so a half-made workspace never
//!   appears under the chosen name.
//! - Writers take the lock up front (`BEGIN IMMEDIATE`) and wait `BUSY_TIMEOUT`; after that they
//!   fail with [`Error::Busy`] instead of corrupting or blocking forever.

mod actions;
mod aliases;
mod backlog;
mod baseline;
mod causes;
mod contacts;
mod custom_metrics;
mod digest;
mod import;
mod migrations;
mod overview;
mod pack;
pub(crate) mod query;
mod rollup;
mod settings;
mod targets;
mod variants;
mod write;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::error::{Error, Result};
use crate::measure::Dimension;
use crate::settings::Settings;

pub use aliases::{AliasSource, ProgramAlias};
#[cfg(test)]
pub(crate) use backlog::SPILLS;
pub(crate) use contacts::EncodedContact;
#[cfg(test)]
pub(crate) use contacts::SMALL_BLOCKS;
pub use import::{StoreSink, UndoReport};
pub use overview::{BatchSummary, DataRange, Overview, RowCounts};
pub use settings::SettingChange;
pub use write::{FactKey, NewBatch, NewTarget, WriteTx};

/// "QBRD": marks an SQLite file as a QBR Desk workspace.
pub const APPLICATION_ID: i32 = 0x5142_5244;

/// The workspace format this build writes and the newest it reads.
pub const FORMAT_VERSION: i64 = migrations::MIGRATIONS.len() as i64;

/// How long a writer waits for another process to finish before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(3);

/// The conventional file extension of workspaces.
pub const EXTENSION: &str = "qbr";

/// An open workspace.
pub struct Workspace {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("path", &self.path)
            .finish()
    }
}

impl Workspace {
    /// Creates a new workspace at `path` with `settings`. Fails if the path exists.
    pub fn create(path: &Path, settings: &Settings, now: DateTime<Utc>) -> Result<Workspace> {
        settings.validate()?;
        if path.exists() {
            return Err(Error::AlreadyExists { path: path.into() });
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(Error::NotFound { path: dir });
        }
        let tmp = tempfile_in(&dir, path)?;
        let result = (|| -> Result<()> {
            let mut conn = Connection::open(&tmp)?;
            // Before the first page is written: the size is the file's for good.
            conn.pragma_update(None, "page_size", PAGE_SIZE)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            configure(&conn)?;
            migrations::migrate(&mut conn, 0)?;
            settings::write_initial(&conn, settings, now)?;
            // Closing checkpoints the WAL into the main file, so the renamed file stands alone.
            conn.close().map_err(|(_, e)| Error::from(e))?;
            std::fs::rename(&tmp, path)
                .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
            Ok(())
        })();
        if result.is_err() {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
            }
        }
        result?;
        Workspace::open(path)
    }

    /// Opens an existing workspace, upgrading its format if it is older than this build's. Before
    /// an upgrade changes the file, a copy of it is written beside it ([`backup_path`]:
    /// `client.qbr` in format 3 → `client.qbr.bak-format3`); a failed upgrade leaves the file as
    /// it was.
    pub fn open(path: &Path) -> Result<Workspace> {
        Workspace::open_with(path, migrations::MIGRATIONS)
    }

    /// [`Workspace::open`] with a given migration list, so tests can make one fail.
    pub(crate) fn open_with(
        path: &Path,
        migrations_list: &[migrations::Migration],
    ) -> Result<Workspace> {
        let format_version = migrations_list.len() as i64;
        check_header(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        configure(&conn).map_err(|e| classify_err(path, e))?;

        let (app_id, version) = read_identity(&conn).map_err(|e| classify(path, e))?;
        if app_id != APPLICATION_ID {
            return Err(Error::NotAWorkspace {
                path: path.into(),
                reason: "it is an SQLite database made by another program".into(),
            });
        }
        if version > format_version {
            return Err(Error::NewerVersion {
                path: path.into(),
                found: version,
                supported: format_version,
            });
        }
        if version < format_version {
            let backup = backup_path(path, version);
            write_backup(&conn, path, &backup)?;
            migrations::migrate_with(&mut conn, version, migrations_list).map_err(|e| {
                match classify_err(path, e) {
                    Error::Sqlite(e) => Error::UpgradeFailed {
                        path: path.into(),
                        from: version,
                        to: format_version,
                        backup: backup.clone(),
                        reason: e.to_string(),
                    },
                    other => other,
                }
            })?;
            // An upgrade that moved data out of a table (format 7: contacts into blocks) leaves
            // its pages free; give them back to the disk. VACUUM is its own transaction: if it
            // fails (a full disk), the upgraded file is whole and merely larger.
            let free: i64 = conn.pragma_query_value(None, "freelist_count", |r| r.get(0))?;
            let pages: i64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
            if free * 4 > pages {
                let _ = conn.execute_batch("VACUUM");
            }
        }
        // Persistent in the file; a no-op when already WAL.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| classify(path, e))?;
        Ok(Workspace {
            conn,
            path: path.into(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The workspace format version recorded in the file.
    pub fn format_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Runs `PRAGMA integrity_check`; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> Result<()> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if rows == ["ok"] {
            Ok(())
        } else {
            Err(Error::Corrupt(rows.join("; ")))
        }
    }

    /// Starts a write transaction, taking the write lock now rather than at the first write.
    pub fn write(&mut self) -> Result<WriteTx<'_>> {
        self.write_with_foreign_keys(true)
    }

    /// A write transaction with foreign-key and CHECK constraints checked or not (the pragmas
    /// are set before each transaction begins, so every other write checks both). Unchecked is
    /// for an import, which writes only ids it read or created itself and values of closed
    /// enums: SQLite evaluates a CHECK like `outcome IN (…4 values…)` by building a temporary
    /// B-tree for every row written. An import also keeps SQLite's temporary files in memory:
    /// the statement journal of each of its INSERTs copies the pages it changes (64 KiB each),
    /// and a 1M-contact import wrote 552 MB into a temporary file that way, against 63 MB into
    /// the workspace. Every other write keeps them on disk, where a large one belongs.
    pub(crate) fn write_with_foreign_keys(&mut self, checked: bool) -> Result<WriteTx<'_>> {
        self.conn.pragma_update(None, "foreign_keys", checked)?;
        self.conn
            .pragma_update(None, "ignore_check_constraints", !checked)?;
        self.conn.pragma_update(
            None,
            "temp_store",
            if checked { "DEFAULT" } else { "MEMORY" },
        )?;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        tx.execute_batch(write::TRACK_CHANGED_FACTS)?;
        Ok(WriteTx::new(tx, path))
    }
}

/// Where the copy made before upgrading `path` from format `version` goes: beside it, named
/// `<file name>.bak-format<version>`.
pub fn backup_path(path: &Path, version: i64) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "workspace".into());
    name.push(format!(".bak-format{version}"));
    path.with_file_name(name)
}

/// Writes a consistent copy of the open database to `backup` (through a temporary sibling and a
/// rename, so a half-written copy never carries the name). Without it, no upgrade runs.
fn write_backup(conn: &Connection, path: &Path, backup: &Path) -> Result<()> {
    let mut tmp = backup.as_os_str().to_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let failed = |reason: String| {
        Error::ReadOnly {
        path: path.into(),
        reason: format!(
            "its format must be upgraded, and the backup copy {} could not be written first ({reason}); the file was not changed: free some space or make the folder writable, then open it again",
            backup.display()
        ),
    }
    };
    conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy()])
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            failed(e.to_string())
        })?;
    std::fs::rename(&tmp, backup).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e.to_string())
    })
}

/// Page size of a new workspace, in bytes: SQLite's largest. Contacts are stored as compressed
/// blocks of about 150 kB (three quarters of the file), which span 3 pages of this size rather
/// than 37 of the default 4 KiB: an import writes, logs and checkpoints a tenth as many pages,
/// and reading a day's contacts follows a tenth as many overflow links. The rollups a scorecard
/// reads are a few pages either way. Workspaces created with another size keep it (SQLite reads
/// any; changing it would rewrite the whole file).
const PAGE_SIZE: i64 = 65_536;

/// Page cache of a connection, in KiB: enough for the rollups every page reads, small enough that
/// the app stays lean with a 10-million-contact workspace open.
const READ_CACHE_KIB: i64 = 16 * 1024;
/// Page cache while importing: the contacts of a quarter and the indexes an import updates stay in
/// memory instead of being read back from the file page by page.
pub(crate) const IMPORT_CACHE_KIB: i64 = 32 * 1024;

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // 16 MiB of page cache (the default is 2 MiB): the rollup pages a scorecard or a weekly
    // series reads stay in memory. An import asks for more (`IMPORT_CACHE_KIB`).
    conn.pragma_update(None, "cache_size", -READ_CACHE_KIB)?;
    Ok(())
}

fn read_identity(conn: &Connection) -> rusqlite::Result<(i32, i64)> {
    let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    // Touch the schema so that a damaged or encrypted file fails here, not later.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok((app_id, version))
}

/// Reads the 100-byte SQLite header so that text files, empty files and truncated copies are named
/// for what they are, without SQLite touching them.
fn check_header(path: &Path) -> Result<()> {
    let not_workspace = |reason: &str| Error::NotAWorkspace {
        path: path.into(),
        reason: reason.into(),
    };
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NotFound { path: path.into() })
        }
        Err(e) => return Err(Error::io(format!("cannot read {}", path.display()), e)),
    };
    let len = file
        .metadata()
        .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?
        .len();
    if len == 0 {
        return Err(not_workspace("the file is empty"));
    }
    if !file.metadata().map(|m| m.is_file()).unwrap_or(false) {
        return Err(not_workspace("it is not a regular file"));
    }
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(Error::io(format!("cannot read {}", path.display()), e)),
        }
    }
    if read < 16 || &header[..16] != b"SQLite format 3\0" {
        return Err(not_workspace("it is not an SQLite database"));
    }
    if read < 100 {
        return Err(not_workspace("the file is truncated"));
    }
    let be32 = |at: usize| u32::from_be_bytes(header[at..at + 4].try_into().unwrap());
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536u64,
        n => n as u64,
    };
    let change_counter = be32(24);
    let pages = be32(28) as u64;
    let valid_for = be32(92);
    // The in-header page count is trustworthy only when written by the same change as the counter,
    // and only without a write-ahead log: a checkpoint writes page 1 before the pages that extend
    // the file, so a process killed in mid-checkpoint leaves a short file whose log still holds
    // every page (SQLite finishes the checkpoint on the next open).
    let wal_len = std::fs::metadata(format!("{}-wal", path.display()))
        .map(|m| m.len())
        .unwrap_or(0);
    if valid_for == change_counter && pages > 0 && len < pages * page_size && wal_len == 0 {
        return Err(not_workspace(&format!(
            "the file is truncated ({len} bytes of the {} it should have)",
            pages * page_size
        )));
    }
    Ok(())
}

/// Maps SQLite's errors on open to the words a user needs.
fn classify(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Error::NotAWorkspace {
            path: path.into(),
            reason: "it is not an SQLite database".into(),
        },
        Some(ErrorCode::DatabaseCorrupt) => Error::NotAWorkspace {
            path: path.into(),
            reason: "the file is damaged or truncated".into(),
        },
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            Error::Busy { path: path.into() }
        }
        Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::PermissionDenied) => Error::ReadOnly {
            path: path.into(),
            reason: "the file or its folder is read-only, or access was denied; nothing was changed: make them writable, or copy the workspace to a folder you can write to and open the copy".into(),
        },
        // On a full disk a write into the WAL or its index often fails as an I/O error.
        Some(ErrorCode::SystemIoFailure) => Error::ReadOnly {
            path: path.into(),
            reason: "writing to the disk failed (an I/O error; most often the disk is full); nothing was changed: free some space on it and try again".into(),
        },
        Some(ErrorCode::DiskFull) => Error::ReadOnly {
            path: path.into(),
            reason: "the disk is full; nothing was changed: free some space on it and try again"
                .into(),
        },
        _ => Error::Sqlite(e),
    }
}

pub(crate) fn classify_err(path: &Path, e: impl Into<Error>) -> Error {
    match e.into() {
        Error::Sqlite(inner) => classify(path, inner),
        other => other,
    }
}

/// A sibling temporary path for `target`, so that the final rename stays on one file system.
fn tempfile_in(dir: &Path, target: &Path) -> Result<PathBuf> {
    let stem = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "workspace".into());
    for attempt in 0..100u32 {
        let candidate = dir.join(format!(".{stem}.{}.{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(_) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(match e.kind() {
                    std::io::ErrorKind::PermissionDenied => Error::ReadOnly {
                        path: dir.into(),
                        reason: "the folder is read-only".into(),
                    },
                    _ => Error::io(format!("cannot write in {}", dir.display()), e),
                })
            }
        }
    }
    Err(Error::io(
        format!("cannot create a temporary file in {}", dir.display()),
        std::io::Error::other("too many leftover temporary files"),
    ))
}

/// The table holding a dimension's members. Table names in SQL come only from here.
pub(crate) fn member_table(d: Dimension) -> &'static str {
    match d {
        Dimension::Program => "program",
        Dimension::Queue => "queue",
        Dimension::Channel => "channel",
        Dimension::Site => "site",
        Dimension::Team => "team",
        Dimension::Agent => "agent",
    }
}

/// The column of `fact` (and `interaction`, `fact_rollup`) naming a dimension's member.
pub(crate) fn member_id_column(d: Dimension) -> &'static str {
    match d {
        Dimension::Program => "program_id",
        Dimension::Queue => "queue_id",
        Dimension::Channel => "channel_id",
        Dimension::Site => "site_id",
        Dimension::Team => "team_id",
        Dimension::Agent => "agent_id",
    }
}

/// Formats a UTC instant as stored in the file (RFC 3339, seconds).
pub(crate) fn timestamp(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests;
