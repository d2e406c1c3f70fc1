//! The app gives memory it has freed back to the system at once.
//!
//! The app's work comes in bursts: a scorecard reads the workspace, computes on two or three
//! threads, answers and frees what it used (about 10 MB on the 10M-contact workspace). mimalloc
//! returns freed pages to the system a second after they were freed (its v3 default,
//! `options.c`), and only when a thread calls it again; the app's threads then sit idle until the
//! next click, so about 18 MB of freed memory stayed resident (the app's PSS 100 → 81 MB with the
//! 10M-contact workspace on its scorecard by program; docs/reference.md).
//!
//! What it costs, `cargo bench -p qbr-api --bench switch` with `MIMALLOC_PURGE_DELAY` 1000 and 0
//! alternating: about 1 ms of a 12 ms period scorecard and of a 9 ms grouped one, 4 ms of a 38 ms
//! attention list (pages freed and used again within a command are returned and faulted back).
//! The alternative measured, collecting when the async runtime's workers fall idle, returned the
//! same memory without that cost, but only at the first idle moment a second after it was freed,
//! so what the last command freed could stay until the next click.
//! The command-line tool and the benchmarks keep mimalloc's default: they end when their work does.
#![allow(unsafe_code)]

use libmimalloc_sys::mi_option_t;

/// `mi_option_purge_delay` in mimalloc v3's `mimalloc.h` (the version `libmimalloc-sys` builds
/// without its `v2` feature), whose Rust bindings do not name it.
const PURGE_DELAY: mi_option_t = 15;

/// Makes mimalloc return freed pages to the system when they are freed. Called first thing in
/// `main`, before any other thread exists (mimalloc's options are not set thread-safely).
pub fn return_freed_memory_at_once() {
    // SAFETY: sets one of mimalloc's options to a value its documentation allows ("use 0 for
    // immediate purging"); no thread is running that could read it meanwhile.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) }
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

    fn option(o: mi_option_t) -> mi_option_t {
        // SAFETY: reads an option's value.
        unsafe { libmimalloc_sys::mi_option_get(o) as mi_option_t }
    }

    /// What the setting saves is measured by `scripts/bench.sh app` (the sum of PSS); this pins
    /// that the option set is the purge delay, whose index the bindings do not name.
    #[test]
    fn the_purge_delay_is_the_option_set_and_becomes_zero() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return; // the environment chose a value: the default below is not there to check
        }
        // The option at this index is the purge delay: its default in mimalloc v3's `options.c`,
        // 1,000 ms, between its neighbours' (the deprecated eager-commit delay, 1; NUMA nodes, 0).
        assert_eq!(
            (
                option(PURGE_DELAY - 1),
                option(PURGE_DELAY),
                option(PURGE_DELAY + 1)
            ),
            (1, 1000, 0)
        );
        return_freed_memory_at_once();
        assert_eq!(option(PURGE_DELAY), 0);
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
