//! The app gives memory it has freed back to the system once it falls idle.
//!
//! The app's work comes in bursts: a scorecard reads the workspace, computes on two or three
//! threads, answers and frees what it used (about 10 MB on the 10M-contact workspace). mimalloc
//! returns freed pages to the system a second after they were freed (its v3 default,
//! `options.c`), and only when a thread calls it again; the app's threads then sit idle until the
//! next click, so about 18 MB of freed memory stayed resident (the app's PSS 100 → 81 MB with the
//! 10M-contact workspace on its scorecard by program; docs/reference.md).
//!
//! So once the commands' async runtime has been idle for [`QUIET`], a thread of its own asks
//! mimalloc to return everything freed (`mi_collect(true)`, 0.5 ms on average), and glibc too
//! (`malloc_trim`: GTK's and WebKit's allocations in this process; SQLite's go through mimalloc,
//! [`sqlite_on_mimalloc`]). Its workers say
//! when they fall idle (Tokio's `on_thread_park`), which an import's progress messages keep doing
//! while it runs, so its memory is returned after it, not during it.
//!
//! The alternatives measured: returning every page as soon as it is freed
//! (`MIMALLOC_PURGE_DELAY=0`) kept as little, but cost about 1 ms of every 12 ms scorecard and 18 %
//! more time for an import of 1M contacts (0.4 s more in the kernel, pages returned and faulted
//! back); collecting each time a worker falls idle cost 0.5 ms after every command and returned
//! nothing still in its second of delay.
//! The command-line tool and the benchmarks keep mimalloc's default: they end when their work does.
#![allow(unsafe_code)]

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long the commands' runtime stays idle before freed memory is returned: longer than the
/// gaps inside one burst of work (a period switch and its attention list, 40–60 ms apart).
pub const QUIET: Duration = Duration::from_millis(250);

/// The async runtime the app's commands run on: Tauri's default (Tokio, one worker per core),
/// whose workers tell [`Janitor`] when they fall idle.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .on_thread_park(|| janitor().idle())
        .build()
}

fn janitor() -> &'static Janitor {
    static JANITOR: OnceLock<&'static Janitor> = OnceLock::new();
    JANITOR.get_or_init(|| Janitor::start(QUIET, return_freed_memory))
}

/// Returns what the two allocators hold freed, by every thread, to the system: mimalloc's (the
/// app's own values and SQLite's page caches) and, on glibc, the C library's (GTK's and WebKit's
/// allocations in this process; 7 MB more when SQLite's were there too, `malloc_trim`,
/// docs/reference.md).
fn return_freed_memory() {
    // SAFETY: `mi_collect` takes no pointer and may be called from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            /// glibc's `malloc_trim(3)`: gives free memory of every arena back to the system.
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: takes a size and no pointer; glibc serialises it with its arenas' locks.
        unsafe { malloc_trim(0) };
    }
}

/// Runs `collect` once work has been idle for `quiet` since it last said so.
pub struct Janitor {
    /// When work last fell idle, until `collect` has run for it.
    last: Mutex<Option<Instant>>,
    woken: Condvar,
}

impl Janitor {
    fn start(quiet: Duration, collect: fn()) -> &'static Janitor {
        let janitor: &'static Janitor = Box::leak(Box::new(Janitor {
            last: Mutex::new(None),
            woken: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("return-memory".into())
            .spawn(move || janitor.run(quiet, collect))
            .expect("a thread to return freed memory");
        janitor
    }

    /// Work fell idle now (called on every park of a worker: a lock and a notify).
    pub fn idle(&self) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        self.woken.notify_one();
    }

    fn run(&self, quiet: Duration, collect: fn()) {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            match *last {
                None => last = self.woken.wait(last).unwrap_or_else(|p| p.into_inner()),
                Some(at) if at.elapsed() < quiet => {
                    let left = quiet - at.elapsed();
                    last = self
                        .woken
                        .wait_timeout(last, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
                Some(_) => {
                    *last = None;
                    drop(last);
                    collect();
                    last = self.last.lock().unwrap_or_else(|p| p.into_inner());
                }
            }
        }
    }
}

/// SQLite's allocations in this process go through mimalloc, as the app's own do, instead of
/// glibc's `malloc`: its page caches (a 1.3 MB first bulk and 64 KiB pages with the workspace's
/// page size, two or three connections per scorecard) are then reused by mimalloc's heaps and
/// given back with the rest when the app falls idle ([`return_freed_memory`]). With glibc, once
/// such a block had been freed its mmap threshold rose and later ones stayed in its arenas: the
/// app's PSS read 79–88 MB with the 10M-contact workspace on its scorecard by program, a thread
/// arena holding 3.5 MB in the highest run; on mimalloc 73–76 MB in four runs (the sum with
/// WebKit's processes 237–239 MB against 242–251), the switches unchanged (45–47 ms), its peak
/// RSS higher (168–184 MB against 151–160: freed memory waits for the idle return). The
/// command-line tool keeps glibc's: it ends when its work does (docs/reference.md). Returns
/// SQLite's answer: `SQLITE_MISUSE` if SQLite had already started. Must run before SQLite is first
/// used: first thing in `main`.
pub fn sqlite_on_mimalloc() -> std::ffi::c_int {
    use rusqlite::ffi;
    use std::ffi::{c_int, c_void};
    unsafe extern "C" fn x_malloc(n: c_int) -> *mut c_void {
        libmimalloc_sys::mi_malloc(n.max(0) as usize)
    }
    unsafe extern "C" fn x_free(p: *mut c_void) {
        libmimalloc_sys::mi_free(p)
    }
    unsafe extern "C" fn x_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
        libmimalloc_sys::mi_realloc(p, n.max(0) as usize)
    }
    unsafe extern "C" fn x_size(p: *mut c_void) -> c_int {
        libmimalloc_sys::mi_usable_size(p).min(c_int::MAX as usize) as c_int
    }
    unsafe extern "C" fn x_roundup(n: c_int) -> c_int {
        // mimalloc rounds to its size classes; SQLite then asks `x_size`.
        n.saturating_add(7) & !7
    }
    unsafe extern "C" fn x_init(_: *mut c_void) -> c_int {
        ffi::SQLITE_OK
    }
    unsafe extern "C" fn x_shutdown(_: *mut c_void) {}
    let methods = ffi::sqlite3_mem_methods {
        xMalloc: Some(x_malloc),
        xFree: Some(x_free),
        xRealloc: Some(x_realloc),
        xSize: Some(x_size),
        xRoundup: Some(x_roundup),
        xInit: Some(x_init),
        xShutdown: Some(x_shutdown),
        pAppData: std::ptr::null_mut(),
    };
    // SAFETY: called before any connection exists (so before SQLite initialises, as
    // SQLITE_CONFIG_MALLOC requires), with a pointer to the methods, which SQLite copies.
    unsafe { ffi::sqlite3_config(ffi::SQLITE_CONFIG_MALLOC, &methods as *const _) }
}

/// JavaScriptCore's optimising compilers (DFG and FTL) are off in the web process unless the user
/// set them: the pages' scripts are short bursts of rendering (a switch's), which the baseline JIT
/// runs as fast (the web process's CPU per period switch 39–42 ms either way, `VERBOSE= node
/// tests/e2e/switch.profile.mjs`), and the optimised code and its compilers' memory cost
/// 6.5 MB of the web process's PSS (140 → 133.5 MB, twice, with the 10M-contact workspace on its
/// scorecard by program). Called first thing in `main`; the web process inherits the environment.
pub fn javascript_without_optimising_compilers() {
    for (key, value) in javascript_environment(|k| std::env::var_os(k)) {
        std::env::set_var(key, value);
    }
}

/// The variables [`javascript_without_optimising_compilers`] sets, given the user's environment.
fn javascript_environment(
    get: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Vec<(&'static str, &'static str)> {
    [("JSC_useDFGJIT", "0"), ("JSC_useFTLJIT", "0")]
        .into_iter()
        .filter(|(key, _)| get(key).is_none())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// In a process of its own (this test binary again, running the test below alone), since
    /// SQLite takes its allocator only before it first starts and other tests may start it.
    #[test]
    fn sqlite_allocates_through_mimalloc() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "memory::tests::sqlite_on_mimalloc_in_a_fresh_process",
                "--nocapture",
            ])
            .env("QBR_TEST_SQLITE_ALLOCATOR", "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("1 passed"), "the check ran: {text}");
    }

    #[test]
    fn sqlite_on_mimalloc_in_a_fresh_process() {
        if std::env::var_os("QBR_TEST_SQLITE_ALLOCATOR").is_none() {
            return;
        }
        assert_eq!(sqlite_on_mimalloc(), rusqlite::ffi::SQLITE_OK);
        // A page cache's worth of SQLite's own allocations, and one directly: all mimalloc's.
        let db = rusqlite::Connection::open_in_memory().unwrap();
        db.execute_batch(
            "PRAGMA page_size = 65536; CREATE TABLE t (b BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
             INSERT INTO t SELECT zeroblob(100000) FROM n;",
        )
        .unwrap();
        let n: i64 = db
            .query_row("SELECT sum(length(b)) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2_000_000);
        // SAFETY: a plain allocation and its free, through SQLite's API.
        unsafe {
            let p = rusqlite::ffi::sqlite3_malloc(100_000);
            assert!(!p.is_null());
            assert!(
                libmimalloc_sys::mi_is_in_heap_region(p),
                "SQLite's block is mimalloc's"
            );
            assert!(rusqlite::ffi::sqlite3_msize(p) >= 100_000);
            rusqlite::ffi::sqlite3_free(p);
        }
    }

    static COLLECTED: AtomicUsize = AtomicUsize::new(0);

    fn count() {
        COLLECTED.fetch_add(1, Ordering::SeqCst);
    }

    #[test]
    fn freed_memory_is_returned_once_per_quiet_spell_after_the_work() {
        let quiet = Duration::from_millis(200);
        let janitor = Janitor::start(quiet, count);
        std::thread::sleep(quiet * 2);
        assert_eq!(
            COLLECTED.load(Ordering::SeqCst),
            0,
            "nothing before any work"
        );
        // A burst: idle moments 10 ms apart for 300 ms, nothing returned meanwhile.
        let burst = Instant::now();
        while burst.elapsed() < Duration::from_millis(300) {
            janitor.idle();
            std::thread::sleep(Duration::from_millis(10));
            assert_eq!(COLLECTED.load(Ordering::SeqCst), 0, "not during the burst");
        }
        std::thread::sleep(quiet * 3);
        assert_eq!(COLLECTED.load(Ordering::SeqCst), 1, "once after it");
        std::thread::sleep(quiet * 2);
        assert_eq!(
            COLLECTED.load(Ordering::SeqCst),
            1,
            "and not again without work"
        );
        janitor.idle();
        std::thread::sleep(quiet * 3);
        assert_eq!(
            COLLECTED.load(Ordering::SeqCst),
            2,
            "once after the next work"
        );
    }

    #[test]
    fn the_optimising_compilers_are_off_unless_the_user_chose() {
        assert_eq!(
            javascript_environment(|_| None),
            vec![("JSC_useDFGJIT", "0"), ("JSC_useFTLJIT", "0")]
        );
        let user_set = |k: &str| (k == "JSC_useFTLJIT").then(|| "1".into());
        assert_eq!(
            javascript_environment(user_set),
            vec![("JSC_useDFGJIT", "0")]
        );
    }
}
