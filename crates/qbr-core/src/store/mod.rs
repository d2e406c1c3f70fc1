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
//! - A file is untrusted input: it is read in SQLite's defensive mode with `trusted_schema` off,
//!   and its schema must be exactly what the migrations build for its format (`schema`), or it
//!   is refused before anything reads or writes it.
//! - A file that cannot be written (a read-only disk or share, an immutable or read-only file)
//!   is opened read-only, so it can still be read; every write is refused with
//!   [`Error::ReadOnly`] naming the file and what to do.
//! - Committed changes do not stay in the write-ahead log: every commit is followed by a
//!   checkpoint (`wal_autocheckpoint` of one page), and closing a workspace checkpoints and
//!   empties the log, so a copy of the `.qbr` file alone holds everything committed.

mod actions;
mod aliases;
mod backlog;
mod baseline;
mod causes;
mod checksum;
mod contacts;
mod custom_metrics;
mod digest;
mod import;
mod migrations;
mod overview;
mod pack;
pub(crate) mod query;
mod rollup;
mod schema;
mod settings;
mod targets;
mod variants;
mod write;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags, MAIN_DB};

use crate::error::{checksum_failed, Error, Result, DAMAGED};
use crate::measure::{Dimension, Measures};
use crate::settings::Settings;

pub use crate::model::{FactKey, NewBatch};
pub use aliases::{AliasSource, ProgramAlias};
#[cfg(test)]
pub(crate) use backlog::SPILLS;
#[cfg(test)]
pub(crate) use contacts::SMALL_BLOCKS;
pub use import::{StoreSink, UndoReport};
#[cfg(test)]
pub(crate) use import::{BATCH_PARTS_FROM_MEMORY, SKIPPED_LOOK_UPS};
pub use overview::{BatchSummary, DataRange, Overview, RowCounts};
pub use settings::SettingChange;
pub use write::{NewTarget, WriteTx};

/// Binds every measure of `m`, in [`Measure::ALL`] order, from parameter `first` on: counts as
/// integers, the rest as reals, a missing one as NULL.
pub(super) fn bind_measures(
    stmt: &mut rusqlite::Statement<'_>,
    first: usize,
    m: &Measures,
) -> rusqlite::Result<()> {
    for (i, (measure, value)) in m.iter().enumerate() {
        let at = first + i;
        match value {
            // NaN marks a measure some contact of the sum did not know: not measured.
            None => stmt.raw_bind_parameter(at, rusqlite::types::Null)?,
            Some(v) if v.is_nan() => stmt.raw_bind_parameter(at, rusqlite::types::Null)?,
            Some(v) if measure.is_count() => stmt.raw_bind_parameter(at, v.round() as i64)?,
            Some(v) => stmt.raw_bind_parameter(at, v)?,
        }
    }
    Ok(())
}

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
    /// Why the file was opened read-only (it cannot be written), if it was.
    read_only: Option<String>,
    /// When its queries are to stop (see [`Workspace::stop_when`]), kept for the connections a
    /// computation opens beside this one.
    stop: Option<StopCheck>,
}

/// Says whether a computation's result is no longer wanted (a newer request replaced it). Asked
/// from SQLite's progress handler, on whichever thread runs the query.
pub type StopCheck = std::sync::Arc<dyn Fn() -> bool + Send + Sync>;

/// SQLite virtual-machine steps between two questions to a [`StopCheck`]: about every 0.1 ms of
/// query on this machine, so a stop is seen at once and the question costs nothing measurable.
const STOP_CHECK_STEPS: i32 = 4_096;

impl Drop for Workspace {
    /// Copies what the write-ahead log holds into the file and empties the log, so that the
    /// `.qbr` file alone is the whole workspace (SQLite does so itself only when the last
    /// connection to the file closes). It never waits: another program reading or writing the
    /// file leaves the rest to the next checkpoint.
    fn drop(&mut self) {
        if self.read_only.is_none() {
            let _ = self.conn.busy_timeout(Duration::ZERO);
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
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
        let folder_error = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::PermissionDenied => Error::ReadOnly {
                path: dir.clone(),
                reason: "the folder is read-only".into(),
            },
            std::io::ErrorKind::AlreadyExists => Error::AlreadyExists { path: path.into() },
            _ => Error::io(format!("cannot create {}", path.display()), e),
        };
        let build = |tmp: &Path| -> Result<()> {
            let result = (|| -> Result<()> {
                checksum::register()?;
                let mut conn = Connection::open_with_flags(
                    format!("{}?vfs={}", file_uri(tmp), checksum::VFS_NAME),
                    OpenFlags::SQLITE_OPEN_READ_WRITE
                        | OpenFlags::SQLITE_OPEN_CREATE
                        | OpenFlags::SQLITE_OPEN_URI
                        | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                // Before the first page is written: the size and the checksum room are the
                // file's for good.
                conn.pragma_update(None, "page_size", PAGE_SIZE)?;
                reserve_checksum_bytes(&conn)?;
                conn.pragma_update(None, "application_id", APPLICATION_ID)?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                configure(&conn)?;
                migrations::migrate(&mut conn, 0)?;
                settings::write_initial(&conn, settings, now)?;
                // Closing checkpoints the WAL into the main file, so the moved file stands alone.
                conn.close().map_err(|(_, e)| Error::from(e))
            })();
            if result.is_err() {
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
                }
            }
            result
        };
        crate::atomic::build(path, crate::atomic::Existing::Keep, build, folder_error)?;
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
        let (mut conn, read_only) = open_connection(path)?;

        let (app_id, version) = read_identity(&conn).map_err(|e| classify(path, e))?;
        if app_id != APPLICATION_ID {
            return Err(Error::NotAWorkspace {
                path: path.into(),
                reason: "it is an SQLite database made by another program".into(),
            });
        }
        if version == 0
            && !schema::read(&conn)
                .map_err(|e| classify(path, e))?
                .is_empty()
        {
            // QBR Desk writes the format before the file gets its name: a file with the mark,
            // tables and no format was made by something else. (With no tables it is format 0,
            // an empty workspace, and is upgraded.)
            return Err(Error::NotAWorkspace {
                path: path.into(),
                reason: "it carries QBR Desk's mark and holds tables but no workspace format, so QBR Desk did not make it; the file was not changed".into(),
            });
        }
        if version > format_version {
            return Err(Error::NewerVersion {
                path: path.into(),
                found: version,
                supported: format_version,
            });
        }
        if let Some(diff) = schema::differences(&conn, migrations_list, version)? {
            return Err(Error::NotAWorkspace {
                path: path.into(),
                reason: format!(
                    "its tables are not those of a workspace of format {version} ({diff}): it was changed by another program, and what it would do is unknown; the file was not changed"
                ),
            });
        }
        if version < format_version {
            if let Some(why) = &read_only {
                return Err(Error::ReadOnly {
                    path: path.into(),
                    reason: format!(
                        "its format ({version}) must be upgraded to {format_version} before this version of QBR Desk can read it, and {why}; the file was not changed: copy it to a folder you can write to and open the copy"
                    ),
                });
            }
            let backup = backup_path(path, version);
            let started = std::time::Instant::now();
            write_backup(&conn, path, &backup)?;
            tracing::info!(
                from = version,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "backup written before the upgrade"
            );
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
            if free * 4 > pages && version >= migrations::CHECKSUMS_FROM {
                let started = std::time::Instant::now();
                let vacuumed = conn.execute_batch("VACUUM");
                tracing::info!(
                    free_pages = free,
                    pages,
                    ok = vacuumed.is_ok(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "free pages given back after the upgrade"
                );
            }
        }
        // Format 10 gives every page its checksum: a VACUUM writes each page again, with the
        // room reserved. Done after the upgrade's transaction (a VACUUM is its own); if it
        // fails (a full disk), the file is whole and unchecked, and the next open tries again.
        if read_only.is_none()
            && format_version >= migrations::CHECKSUMS_FROM
            && reserved_bytes(&conn)? != checksum::RESERVED_BYTES as i64
        {
            reserve_checksum_bytes(&conn)?;
            rewriting(&conn, true)?;
            let started = std::time::Instant::now();
            let vacuumed = conn.execute_batch("VACUUM");
            // Also after a failed VACUUM (the file as it was, no checksums): no page of it may
            // get one.
            rewriting(&conn, false)?;
            tracing::info!(
                ok = vacuumed.is_ok(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "page checksums written"
            );
        }
        if read_only.is_none() {
            // Persistent in the file; a no-op when already WAL.
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(|e| classify(path, e))?;
        }
        Ok(Workspace {
            conn,
            path: path.into(),
            read_only,
            stop: None,
        })
    }

    /// Makes this workspace's queries, and those of the connections a computation opens beside
    /// it ([`Workspace::sibling`]), stop once `stop` says so: the query under way fails with
    /// [`Error::Cancelled`], so the computation ends early. For reads whose answer a newer
    /// request has replaced (the app's attention list when another period is picked).
    pub fn stop_when(&mut self, stop: StopCheck) -> Result<()> {
        let check = stop.clone();
        self.conn
            .progress_handler(STOP_CHECK_STEPS, Some(move || check()))?;
        self.stop = Some(stop);
        Ok(())
    }

    /// Opens another connection to the same file, with this one's [`Workspace::stop_when`], when
    /// called: for a computation's reads on another thread, which opens it there.
    pub(crate) fn sibling(&self) -> impl FnOnce() -> Result<Workspace> + Send + use<'_> {
        let (path, stop) = (self.path(), self.stop.clone());
        move || {
            let mut ws = Workspace::open(path)?;
            if let Some(stop) = stop {
                ws.stop_when(stop)?;
            }
            Ok(ws)
        }
    }

    /// [`Error::ReadOnly`] when the workspace was opened read-only: for an operation that would
    /// write to it at its end (a pack export stores its snapshot) to refuse before it starts.
    pub fn check_writable(&self) -> Result<()> {
        match &self.read_only {
            Some(why) => Err(Error::ReadOnly {
                path: self.path.clone(),
                reason: format!("{why}; nothing was changed: make them writable, or copy the workspace to a folder you can write to and open the copy"),
            }),
            None => Ok(()),
        }
    }

    /// Why the workspace was opened read-only, when it was (its file or folder cannot be
    /// written); every write then fails with [`Error::ReadOnly`].
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this connection is outside any transaction, so that another connection to the
    /// file reads what this one would (a transaction's changes are seen only by its own).
    pub(crate) fn between_transactions(&self) -> bool {
        self.conn.is_autocommit()
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
        self.check_writable()?;
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
        tx.execute_batch(rollup::TRACK_CHANGED_FACTS)?;
        Ok(WriteTx::new(tx, path))
    }
}

/// A connection to a workspace file with none of [`Workspace::open`]'s checks, whose writes give
/// pages their checksums: for tests and tools that plant content in a file as another program
/// would, and then check that QBR Desk refuses it. Never for the app's own reading or writing.
#[doc(hidden)]
pub fn unchecked_connection(path: &Path) -> Result<Connection> {
    checksum::register()?;
    Ok(Connection::open_with_flags(
        format!("{}?vfs={}", file_uri(path), checksum::VFS_NAME),
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_URI,
    )?)
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

/// Writes a consistent copy of the open database to `backup` (`crate::atomic`: a half-written
/// copy never carries the name). Without it, no upgrade runs.
fn write_backup(conn: &Connection, path: &Path, backup: &Path) -> Result<()> {
    let failed = |reason: String| {
        Error::ReadOnly {
        path: path.into(),
        reason: format!(
            "its format must be upgraded, and the backup copy {} could not be written first ({reason}); the file was not changed: free some space or make the folder writable, then open it again",
            backup.display()
        ),
    }
    };
    crate::atomic::build(
        backup,
        crate::atomic::Existing::Replace,
        |tmp| {
            // VACUUM INTO wants a file that does not exist, or an empty one: the temporary
            // file is empty.
            conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy()])
                .map(drop)
                .map_err(|e| failed(e.to_string()))
        },
        |e| failed(e.to_string()),
    )
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

/// The bytes the file reserves at the end of each page (8 when its pages carry checksums).
fn reserved_bytes(conn: &Connection) -> rusqlite::Result<i64> {
    // SQLite answers this file control itself (a negative value asks without changing).
    checksum::file_control(conn, rusqlite::ffi::SQLITE_FCNTL_RESERVE_BYTES, -1).map(i64::from)
}

/// Tells the checksum VFS that the whole file is being written again with checksums
/// ([`checksum::FCNTL_REWRITING`]), or that it no longer is.
fn rewriting(conn: &Connection, on: bool) -> rusqlite::Result<()> {
    checksum::file_control(conn, checksum::FCNTL_REWRITING, on.into()).map(drop)
}

/// Asks for the checksum's room at the end of every page: in effect before the first page of a
/// new file is written, or for the next VACUUM of an existing one.
fn reserve_checksum_bytes(conn: &Connection) -> rusqlite::Result<()> {
    checksum::file_control(
        conn,
        rusqlite::ffi::SQLITE_FCNTL_RESERVE_BYTES,
        checksum::RESERVED_BYTES.into(),
    )
    .map(drop)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // A received file is untrusted: nothing in it may change the schema behind SQLite's back,
    // and its triggers and views may call only functions that are harmless anywhere (the
    // schema is checked against the migrations' as well, on open).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Every commit is followed by a checkpoint, so committed changes do not wait in the
    // write-ahead log where a copy of the `.qbr` file alone would miss them. A passive one:
    // it never waits for a reader (what a reader still needs stays for the next one).
    conn.pragma_update(None, "wal_autocheckpoint", 1)?;
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

/// Opens the file read-write, or read-only when it cannot be written (a read-only disk or share,
/// an immutable or read-only file, a folder where the write-ahead log cannot be made), with the
/// reason. The first read happens here, so that a file SQLite cannot read in WAL mode without
/// writing beside it is found now.
fn open_connection(path: &Path) -> Result<(Connection, Option<String>)> {
    let flags = OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let attempt = |uri: &str, flags: OpenFlags| -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(uri, flags)?;
        configure(&conn)?;
        read_identity(&conn)?;
        Ok(conn)
    };
    let unwritable = |e: &rusqlite::Error| {
        matches!(
            e.sqlite_error_code(),
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied)
        )
    };
    checksum::register().map_err(|e| classify(path, e))?;
    let uri = format!("{}?vfs={}", file_uri(path), checksum::VFS_NAME);
    match attempt(&uri, flags | OpenFlags::SQLITE_OPEN_READ_WRITE) {
        // SQLite opens a file it may not write read-only without saying so.
        Ok(conn) if !conn.is_readonly(MAIN_DB).unwrap_or(true) => return Ok((conn, None)),
        Ok(_) => {}
        Err(e) if unwritable(&e) => {}
        Err(e) => return Err(classify(path, e)),
    }
    let why = "it was opened read-only because the file or its folder is read-only (a read-only disk or share, or a read-only or immutable file)".to_string();
    let ro = flags | OpenFlags::SQLITE_OPEN_READ_ONLY;
    match attempt(&format!("{uri}&mode=ro"), ro) {
        Ok(conn) => return Ok((conn, Some(why))),
        Err(e) if unwritable(&e) => {}
        Err(e) => return Err(classify(path, e)),
    }
    // Nowhere to put the log's index: read the file as it is, which is all of it only when no
    // write-ahead log is beside it (a closed workspace has none).
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(Error::ReadOnly {
            path: path.into(),
            reason: format!(
                "its latest changes are in {}, and neither file can be written in this place, so those changes cannot be read; nothing was changed: copy both files to a folder you can write to and open the copy",
                wal.display()
            ),
        });
    }
    let conn = attempt(&format!("{uri}&immutable=1"), ro).map_err(|e| classify(path, e))?;
    Ok((conn, Some(why)))
}

/// `file:` URI of a path, every byte SQLite could read as part of the URI's syntax escaped.
fn file_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// Reads the 100-byte SQLite header so that text files, empty files and truncated copies are named
/// for what they are, without SQLite touching them.
fn check_header(path: &Path) -> Result<()> {
    let not_workspace = |reason: &str| Error::NotAWorkspace {
        path: path.into(),
        reason: reason.into(),
    };
    // Asked before opening: opening a named pipe waits for a writer, for ever.
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::NotFound { path: path.into() })
        }
        Err(e) => return Err(Error::io(format!("cannot read {}", path.display()), e)),
    };
    if !meta.is_file() {
        return Err(not_workspace(
            "it is not a regular file (a folder, a named pipe or a device)",
        ));
    }
    if meta.len() == 0 {
        return Err(not_workspace("the file is empty"));
    }
    let len = meta.len();
    let mut file =
        File::open(path).map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
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
    // The room for page checksums is 8 bytes or none (formats before 8); anything else is a
    // damaged header.
    if header[20] != 0 && header[20] != checksum::RESERVED_BYTES {
        return Err(not_workspace(&format!(
            "the file is damaged (its header reserves {} bytes per page)",
            header[20]
        )));
    }
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
        Some(ErrorCode::SystemIoFailure) if checksum_failed(&e) => Error::NotAWorkspace {
            path: path.into(),
            reason: DAMAGED.into(),
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
