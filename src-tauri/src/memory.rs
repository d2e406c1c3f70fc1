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
//! (`malloc_trim`: SQLite's page caches are allocated with the C library's `malloc`). Its workers say
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
/// app's own values) and, on glibc, the C library's (SQLite's page caches, GTK's and WebKit's
/// allocations in this process), about 7 MB more (`malloc_trim`, docs/reference.md).
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
