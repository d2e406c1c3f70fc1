//! Page checksums: damage to a workspace file (a flipped bit on a disk, a bad copy, a mail
//! gateway) is found when the damaged page is read, before a figure is computed from it.
//!
//! A workspace of format 10 or later keeps 8 bytes at the end of every page (SQLite's "reserved
//! bytes", which SQLite itself leaves alone) for a checksum of the rest of the page. This module
//! is an SQLite VFS, `qbr-checksum`, wrapped around the system's: every full page written to a
//! workspace file gets its checksum, and every full page read from it is checked, a mismatch
//! being `SQLITE_IOERR_DATA` ("the workspace is damaged"). The same idea as SQLite's cksumvfs
//! extension, written here in Rust. Cost: one pass over each page read from disk or written
//! (pages in SQLite's cache are not checked again); files without the reserved bytes (formats
//! before 8, other databases) pass through unchecked.
//!
//! Pages read from the write-ahead log are not checked (the log has its own frame checksums and
//! every commit is checkpointed into the file, so at rest it is empty); pages are checked when
//! the checkpoint writes them into the file.
//!
//! This is the one module of QBR Desk with `unsafe` code (the workspace denies it everywhere
//! else, `[workspace.lints]`): a VFS is a table of C callbacks that SQLite calls with raw
//! pointers, and file controls go through `sqlite3_file_control`. Each `unsafe` block relies only
//! on what SQLite's VFS contract promises about those pointers.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

use rusqlite::ffi;

/// `sqlite3_file_control` on the main database with an integer argument, which SQLite (or this
/// VFS) may change; returns it. The safe face of the file controls the store uses.
pub(crate) fn file_control(
    conn: &rusqlite::Connection,
    op: c_int,
    value: c_int,
) -> rusqlite::Result<c_int> {
    let mut n = value;
    // SAFETY: the handle is the connection's own open database, "main" a NUL-terminated name,
    // and the argument a live c_int, which is what both opcodes used here read and write.
    let rc = unsafe {
        ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            op,
            (&mut n as *mut c_int).cast(),
        )
    };
    if rc != ffi::SQLITE_OK {
        return Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), None));
    }
    Ok(n)
}

/// The name connections give in their URI (`?vfs=qbr-checksum`).
pub(crate) const VFS_NAME: &str = "qbr-checksum";
const VFS_NAME_C: &CStr = c"qbr-checksum";

/// The bytes kept at the end of every page for its checksum.
pub(crate) const RESERVED_BYTES: u8 = 8;

/// Our file control (`sqlite3_file_control`, an opcode SQLite does not use): with a non-zero
/// `int`, every whole page written to the main file gets its checksum and no page read is
/// checked, until it is called again with 0. For the VACUUM that gives an older file its
/// checksums: SQLite may write pages of the new layout before page 1, whose header tells the
/// VFS the layout (pages spilled from a full cache), and reads pages of the old layout, which
/// have no checksums, after it.
pub(crate) const FCNTL_REWRITING: c_int = 0x5142_5201;

/// The checksum of a page's content (every byte but the last 8): two 32-bit sums over its
/// little-endian words, each feeding the other (the scheme of SQLite's WAL frames), so that a
/// flipped bit anywhere, or two words swapped, changes it.
pub(crate) fn checksum(content: &[u8]) -> [u8; 8] {
    let (mut s1, mut s2) = (0u32, 0u32);
    for pair in content.chunks_exact(8) {
        let a = u32::from_le_bytes([pair[0], pair[1], pair[2], pair[3]]);
        let b = u32::from_le_bytes([pair[4], pair[5], pair[6], pair[7]]);
        s1 = s1.wrapping_add(a).wrapping_add(s2);
        s2 = s2.wrapping_add(b).wrapping_add(s1);
    }
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&s1.to_le_bytes());
    out[4..].copy_from_slice(&s2.to_le_bytes());
    out
}

/// Whether a full page carries the checksum of its content.
pub(crate) fn page_is_intact(page: &[u8]) -> bool {
    let (content, sum) = page.split_at(page.len() - RESERVED_BYTES as usize);
    checksum(content) == sum
}

/// One open file: SQLite's handle first, then the system VFS's own file right after it.
#[repr(C)]
struct File {
    base: ffi::sqlite3_file,
    real: *mut ffi::sqlite3_file,
    /// A main database file (not a journal, log or temporary file).
    main_db: bool,
    /// The page size and whether pages carry checksums, from the header (page 1) as last read
    /// or written.
    page_size: u32,
    checksummed: bool,
    /// Set by [`FCNTL_REWRITING`].
    rewriting: bool,
}

/// Where the system VFS's file starts inside ours (8-byte aligned).
const REAL_OFFSET: usize = std::mem::size_of::<File>().div_ceil(8) * 8;

struct Vfs {
    vfs: ffi::sqlite3_vfs,
}

// The VFS is registered once and never changed or freed.
unsafe impl Send for Vfs {}
unsafe impl Sync for Vfs {}

static VFS: OnceLock<Result<Box<Vfs>, c_int>> = OnceLock::new();

/// Registers the VFS (once per process); connections then name it in their URI.
pub(crate) fn register() -> rusqlite::Result<()> {
    let registered = VFS.get_or_init(|| unsafe {
        let parent = ffi::sqlite3_vfs_find(std::ptr::null());
        if parent.is_null() {
            return Err(ffi::SQLITE_ERROR);
        }
        let p = &*parent;
        let mut vfs = Box::new(Vfs {
            vfs: ffi::sqlite3_vfs {
                iVersion: p.iVersion.min(3),
                szOsFile: (REAL_OFFSET + p.szOsFile as usize) as c_int,
                mxPathname: p.mxPathname,
                pNext: std::ptr::null_mut(),
                zName: VFS_NAME_C.as_ptr(),
                pAppData: parent.cast(),
                xOpen: Some(x_open),
                xDelete: Some(x_delete),
                xAccess: Some(x_access),
                xFullPathname: Some(x_full_pathname),
                // The system's own: they do not look at the VFS they are given.
                xDlOpen: p.xDlOpen,
                xDlError: p.xDlError,
                xDlSym: p.xDlSym,
                xDlClose: p.xDlClose,
                xRandomness: Some(x_randomness),
                xSleep: Some(x_sleep),
                xCurrentTime: Some(x_current_time),
                xGetLastError: Some(x_get_last_error),
                xCurrentTimeInt64: Some(x_current_time_int64),
                xSetSystemCall: None,
                xGetSystemCall: None,
                xNextSystemCall: None,
            },
        });
        let rc = ffi::sqlite3_vfs_register(&mut vfs.vfs, 0);
        if rc != ffi::SQLITE_OK {
            return Err(rc);
        }
        Ok(vfs)
    });
    match registered {
        Ok(_) => Ok(()),
        Err(rc) => Err(rusqlite::Error::SqliteFailure(
            ffi::Error::new(*rc),
            Some("the checksum VFS could not be registered".into()),
        )),
    }
}

unsafe fn parent(vfs: *mut ffi::sqlite3_vfs) -> *mut ffi::sqlite3_vfs {
    (*vfs).pAppData.cast()
}

unsafe extern "C" fn x_open(
    vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let f = file.cast::<File>();
    let real = file
        .cast::<u8>()
        .add(REAL_OFFSET)
        .cast::<ffi::sqlite3_file>();
    std::ptr::write(
        f,
        File {
            base: ffi::sqlite3_file {
                pMethods: std::ptr::null(),
            },
            real,
            main_db: flags & ffi::SQLITE_OPEN_MAIN_DB != 0,
            page_size: 0,
            checksummed: false,
            rewriting: false,
        },
    );
    let p = parent(vfs);
    let Some(open) = (*p).xOpen else {
        return ffi::SQLITE_ERROR;
    };
    let rc = open(p, name, real, flags, out_flags);
    if rc == ffi::SQLITE_OK && !(*real).pMethods.is_null() {
        (*f).base.pMethods = &METHODS;
    }
    rc
}

unsafe extern "C" fn x_delete(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    sync: c_int,
) -> c_int {
    let p = parent(vfs);
    (*p).xDelete.map_or(ffi::SQLITE_ERROR, |x| x(p, name, sync))
}

unsafe extern "C" fn x_access(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    flags: c_int,
    out: *mut c_int,
) -> c_int {
    let p = parent(vfs);
    (*p).xAccess
        .map_or(ffi::SQLITE_ERROR, |x| x(p, name, flags, out))
}

unsafe extern "C" fn x_full_pathname(
    vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    n: c_int,
    out: *mut c_char,
) -> c_int {
    let p = parent(vfs);
    (*p).xFullPathname
        .map_or(ffi::SQLITE_ERROR, |x| x(p, name, n, out))
}

unsafe extern "C" fn x_randomness(vfs: *mut ffi::sqlite3_vfs, n: c_int, out: *mut c_char) -> c_int {
    let p = parent(vfs);
    (*p).xRandomness.map_or(0, |x| x(p, n, out))
}

unsafe extern "C" fn x_sleep(vfs: *mut ffi::sqlite3_vfs, micros: c_int) -> c_int {
    let p = parent(vfs);
    (*p).xSleep.map_or(0, |x| x(p, micros))
}

unsafe extern "C" fn x_current_time(vfs: *mut ffi::sqlite3_vfs, out: *mut f64) -> c_int {
    let p = parent(vfs);
    (*p).xCurrentTime.map_or(ffi::SQLITE_ERROR, |x| x(p, out))
}

unsafe extern "C" fn x_get_last_error(
    vfs: *mut ffi::sqlite3_vfs,
    n: c_int,
    out: *mut c_char,
) -> c_int {
    let p = parent(vfs);
    (*p).xGetLastError.map_or(0, |x| x(p, n, out))
}

unsafe extern "C" fn x_current_time_int64(vfs: *mut ffi::sqlite3_vfs, out: *mut i64) -> c_int {
    let p = parent(vfs);
    (*p).xCurrentTimeInt64
        .map_or(ffi::SQLITE_ERROR, |x| x(p, out))
}

static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(f_close),
    xRead: Some(f_read),
    xWrite: Some(f_write),
    xTruncate: Some(f_truncate),
    xSync: Some(f_sync),
    xFileSize: Some(f_file_size),
    xLock: Some(f_lock),
    xUnlock: Some(f_unlock),
    xCheckReservedLock: Some(f_check_reserved_lock),
    xFileControl: Some(f_file_control),
    xSectorSize: Some(f_sector_size),
    xDeviceCharacteristics: Some(f_device_characteristics),
    xShmMap: Some(f_shm_map),
    xShmLock: Some(f_shm_lock),
    xShmBarrier: Some(f_shm_barrier),
    xShmUnmap: Some(f_shm_unmap),
    xFetch: Some(f_fetch),
    xUnfetch: Some(f_unfetch),
};

unsafe fn me<'a>(file: *mut ffi::sqlite3_file) -> &'a mut File {
    &mut *file.cast::<File>()
}

unsafe fn real_methods<'a>(f: &File) -> &'a ffi::sqlite3_io_methods {
    &*(*f.real).pMethods
}

/// Reads the page size and the reserved bytes from the first 100 bytes of the file.
fn read_header(f: &mut File, header: &[u8]) {
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => n as u32,
    };
    f.page_size = page_size;
    f.checksummed = header[20] == RESERVED_BYTES;
}

/// Whether a read or write of `amt` bytes at `offset` is one whole page of the main file.
fn whole_page(f: &File, amt: c_int, offset: i64) -> bool {
    f.main_db && f.page_size >= 512 && amt as u32 == f.page_size && offset % f.page_size as i64 == 0
}

unsafe extern "C" fn f_close(file: *mut ffi::sqlite3_file) -> c_int {
    let f = me(file);
    let rc = real_methods(f).xClose.map_or(ffi::SQLITE_OK, |x| x(f.real));
    f.base.pMethods = std::ptr::null();
    rc
}

unsafe extern "C" fn f_read(
    file: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amt: c_int,
    offset: i64,
) -> c_int {
    let f = me(file);
    let Some(read) = real_methods(f).xRead else {
        return ffi::SQLITE_IOERR_READ;
    };
    let rc = read(f.real, buf, amt, offset);
    if rc != ffi::SQLITE_OK || !f.main_db {
        return rc;
    }
    let data = std::slice::from_raw_parts(buf.cast::<u8>(), amt as usize);
    if offset == 0 && amt >= 100 {
        read_header(f, data);
    }
    if f.checksummed && !f.rewriting && whole_page(f, amt, offset) && !page_is_intact(data) {
        return ffi::SQLITE_IOERR_DATA;
    }
    rc
}

thread_local! {
    /// A page with its checksum, on its way to the disk (the page SQLite gives is read-only).
    static PAGE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

unsafe extern "C" fn f_write(
    file: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amt: c_int,
    offset: i64,
) -> c_int {
    let f = me(file);
    let Some(write) = real_methods(f).xWrite else {
        return ffi::SQLITE_IOERR_WRITE;
    };
    if f.main_db {
        let data = std::slice::from_raw_parts(buf.cast::<u8>(), amt as usize);
        if offset == 0 && amt >= 100 {
            read_header(f, data);
        }
        if (f.checksummed || f.rewriting) && whole_page(f, amt, offset) {
            return PAGE.with(|page| {
                let mut page = page.borrow_mut();
                page.clear();
                page.extend_from_slice(data);
                let at = page.len() - RESERVED_BYTES as usize;
                let sum = checksum(&page[..at]);
                page[at..].copy_from_slice(&sum);
                write(f.real, page.as_ptr().cast(), amt, offset)
            });
        }
    }
    write(f.real, buf, amt, offset)
}

unsafe extern "C" fn f_truncate(file: *mut ffi::sqlite3_file, size: i64) -> c_int {
    let f = me(file);
    real_methods(f)
        .xTruncate
        .map_or(ffi::SQLITE_IOERR_TRUNCATE, |x| x(f.real, size))
}

unsafe extern "C" fn f_sync(file: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    let f = me(file);
    real_methods(f)
        .xSync
        .map_or(ffi::SQLITE_IOERR_FSYNC, |x| x(f.real, flags))
}

unsafe extern "C" fn f_file_size(file: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    let f = me(file);
    real_methods(f)
        .xFileSize
        .map_or(ffi::SQLITE_IOERR_FSTAT, |x| x(f.real, size))
}

unsafe extern "C" fn f_lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    let f = me(file);
    real_methods(f)
        .xLock
        .map_or(ffi::SQLITE_IOERR_LOCK, |x| x(f.real, level))
}

unsafe extern "C" fn f_unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    let f = me(file);
    real_methods(f)
        .xUnlock
        .map_or(ffi::SQLITE_IOERR_UNLOCK, |x| x(f.real, level))
}

unsafe extern "C" fn f_check_reserved_lock(file: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    let f = me(file);
    real_methods(f)
        .xCheckReservedLock
        .map_or(ffi::SQLITE_IOERR_CHECKRESERVEDLOCK, |x| x(f.real, out))
}

unsafe extern "C" fn f_file_control_forward(
    file: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    let f = me(file);
    real_methods(f)
        .xFileControl
        .map_or(ffi::SQLITE_NOTFOUND, |x| x(f.real, op, arg))
}

unsafe extern "C" fn f_file_control(
    file: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    if op == FCNTL_REWRITING {
        let f = me(file);
        if !f.main_db || arg.is_null() {
            return ffi::SQLITE_NOTFOUND;
        }
        f.rewriting = *arg.cast::<c_int>() != 0;
        return ffi::SQLITE_OK;
    }
    f_file_control_forward(file, op, arg)
}

unsafe extern "C" fn f_sector_size(file: *mut ffi::sqlite3_file) -> c_int {
    let f = me(file);
    real_methods(f).xSectorSize.map_or(4096, |x| x(f.real))
}

/// SQLite reads overflow pages (the rest of a long value, such as a contact block) directly,
/// in parts, when the VFS says it may read less than a page; such a read could not be checked.
/// Without that capability it reads them whole, through the page cache, and each is checked.
unsafe extern "C" fn f_device_characteristics(file: *mut ffi::sqlite3_file) -> c_int {
    let f = me(file);
    let caps = real_methods(f)
        .xDeviceCharacteristics
        .map_or(0, |x| x(f.real));
    if f.main_db {
        caps & !ffi::SQLITE_IOCAP_SUBPAGE_READ
    } else {
        caps
    }
}

unsafe extern "C" fn f_shm_map(
    file: *mut ffi::sqlite3_file,
    page: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    let f = me(file);
    let m = real_methods(f);
    match (m.iVersion >= 2, m.xShmMap) {
        (true, Some(x)) => x(f.real, page, size, extend, out),
        _ => ffi::SQLITE_IOERR_SHMMAP,
    }
}

unsafe extern "C" fn f_shm_lock(
    file: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    let f = me(file);
    let m = real_methods(f);
    match (m.iVersion >= 2, m.xShmLock) {
        (true, Some(x)) => x(f.real, offset, n, flags),
        _ => ffi::SQLITE_IOERR_SHMLOCK,
    }
}

unsafe extern "C" fn f_shm_barrier(file: *mut ffi::sqlite3_file) {
    let f = me(file);
    let m = real_methods(f);
    if let (true, Some(x)) = (m.iVersion >= 2, m.xShmBarrier) {
        x(f.real)
    }
}

unsafe extern "C" fn f_shm_unmap(file: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    let f = me(file);
    let m = real_methods(f);
    match (m.iVersion >= 2, m.xShmUnmap) {
        (true, Some(x)) => x(f.real, delete),
        _ => ffi::SQLITE_OK,
    }
}

unsafe extern "C" fn f_fetch(
    file: *mut ffi::sqlite3_file,
    offset: i64,
    amt: c_int,
    out: *mut *mut c_void,
) -> c_int {
    let f = me(file);
    // A page mapped into memory would skip the check: read it instead.
    if f.main_db && f.checksummed {
        *out = std::ptr::null_mut();
        return ffi::SQLITE_OK;
    }
    let m = real_methods(f);
    match (m.iVersion >= 3, m.xFetch) {
        (true, Some(x)) => x(f.real, offset, amt, out),
        _ => {
            *out = std::ptr::null_mut();
            ffi::SQLITE_OK
        }
    }
}

unsafe extern "C" fn f_unfetch(file: *mut ffi::sqlite3_file, offset: i64, p: *mut c_void) -> c_int {
    let f = me(file);
    let m = real_methods(f);
    match (m.iVersion >= 3, m.xUnfetch) {
        (true, Some(x)) => x(f.real, offset, p),
        _ => ffi::SQLITE_OK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_changes_with_any_flipped_bit_or_swapped_words() {
        let mut page: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 251) as u8).collect();
        let at = page.len() - 8;
        let sum = checksum(&page[..at]);
        page[at..].copy_from_slice(&sum);
        assert!(page_is_intact(&page));
        for bit in (0..at * 8).step_by(97) {
            let mut damaged = page.clone();
            damaged[bit / 8] ^= 1 << (bit % 8);
            assert!(!page_is_intact(&damaged), "bit {bit}");
        }
        let mut swapped = page.clone();
        swapped.copy_within(0..8, 16);
        swapped[..8].copy_from_slice(&page[16..24]);
        assert!(!page_is_intact(&swapped), "two words swapped");
        // A flip in the checksum itself is damage too.
        let mut damaged = page.clone();
        damaged[at + 3] ^= 0x10;
        assert!(!page_is_intact(&damaged));
    }
}
