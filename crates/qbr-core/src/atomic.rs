//! One way to put a file in place, for every file QBR Desk writes whole (a workspace being
//! created, the demo, the backup made before an upgrade, an export, the app's recent list): the
//! content is written beside its destination under a temporary name
//! ([`tempfile::NamedTempFile`]), synced, renamed over the destination
//! ([`tempfile::NamedTempFile::persist`]), and the folder is synced so the rename itself
//! survives a power cut. The destination's name therefore always holds either its old content or
//! the whole new content, and a failure at any step leaves the destination as it was and no
//! temporary file behind.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// What to do when the destination already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it (an export written again, the recent list).
    Replace,
    /// Refuse with [`io::ErrorKind::AlreadyExists`] and leave it alone (a new workspace).
    Keep,
}

/// Writes `bytes` to `path` atomically, replacing whatever `path` held.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    build(
        path,
        Existing::Replace,
        |tmp| File::create(tmp)?.write_all(bytes),
        |e| e,
    )
}

/// Lets `make` fill a temporary file beside `path` (given its path: SQLite opens the file
/// itself), then syncs it and moves it to `path`. When `make` fails, or the move does, the
/// temporary file is removed and `path` is left as it was. The temporary file exists and is empty
/// when `make` is called (an empty file is also an empty SQLite database). `io_error` turns a
/// failure to create, sync or move the temporary file into the caller's error.
pub fn build<T, E>(
    path: &Path,
    existing: Existing,
    make: impl FnOnce(&Path) -> Result<T, E>,
    io_error: impl FnOnce(io::Error) -> E,
) -> Result<T, E> {
    let dir = folder_of(path);
    let prefix = format!(
        ".{}.",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into())
    );
    let tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(&dir);
    let tmp = match tmp {
        Ok(tmp) => tmp,
        Err(e) => return Err(io_error(e)),
    };
    let value = make(tmp.path())?;
    match put_in_place(tmp, path, existing).and_then(|()| sync_folder(&dir)) {
        Ok(()) => Ok(value),
        Err(e) => Err(io_error(e)),
    }
}

/// Syncs the temporary file's content (what `make` wrote through its own handles) and renames it.
fn put_in_place(tmp: NamedTempFile, path: &Path, existing: Existing) -> io::Result<()> {
    File::open(tmp.path())?.sync_all()?;
    let persisted = match existing {
        Existing::Replace => tmp.persist(path),
        Existing::Keep => tmp.persist_noclobber(path),
    };
    // On failure the error hands the temporary file back; dropping it removes it.
    persisted.map(drop).map_err(|e| e.error)
}

/// The folder `path` is in (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes a rename in `dir` durable. Some file systems (and platforms) cannot open or sync a
/// folder; the rename has happened by then, so only an unexpected error is reported.
fn sync_folder(dir: &Path) -> io::Result<()> {
    match File::open(dir).and_then(|d| d.sync_all()) {
        Ok(()) => Ok(()),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::PermissionDenied | io::ErrorKind::InvalidInput
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn write_replaces_the_content_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("scorecard.csv");
        std::fs::write(&file, b"old").unwrap();
        write(&file, b"new content").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"new content");
        assert_eq!(
            names_in(dir.path()),
            vec!["scorecard.csv"],
            "only the file itself"
        );
    }

    #[test]
    fn a_failed_build_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pack.pdf");
        std::fs::write(&file, b"old pdf").unwrap();
        let result: io::Result<()> = build(
            &file,
            Existing::Replace,
            |tmp| {
                std::fs::write(tmp, b"half a pd")?;
                Err(io::Error::other("the renderer failed"))
            },
            |e| e,
        );
        assert_eq!(result.unwrap_err().to_string(), "the renderer failed");
        assert_eq!(
            std::fs::read(&file).unwrap(),
            b"old pdf",
            "the old file is kept"
        );
        assert_eq!(
            names_in(dir.path()),
            vec!["pack.pdf"],
            "the half-written file is gone"
        );
    }

    #[test]
    fn keep_refuses_an_existing_destination_and_leaves_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("client.qbr");
        std::fs::write(&file, b"someone else's").unwrap();
        let err = build(
            &file,
            Existing::Keep,
            |tmp| std::fs::write(tmp, b"mine"),
            |e| e,
        )
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&file).unwrap(), b"someone else's");
        assert_eq!(names_in(dir.path()), vec!["client.qbr"]);
    }

    #[test]
    fn the_temporary_file_is_beside_the_destination_and_hidden() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("demo.qbr");
        let seen = build(
            &file,
            Existing::Keep,
            |tmp| std::fs::write(tmp, b"x").map(|()| tmp.to_path_buf()),
            |e| e,
        )
        .unwrap();
        assert_eq!(
            seen.parent(),
            Some(dir.path()),
            "same folder, so the rename is atomic"
        );
        let name = seen.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".demo.qbr.") && name.ends_with(".tmp"),
            "{name}"
        );
        assert_eq!(std::fs::read(&file).unwrap(), b"x");
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_nothing_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("no such folder").join("x.csv");
        assert_eq!(
            write(&file, b"x").unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }
}
