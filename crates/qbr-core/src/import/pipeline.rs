//! Reading and parsing on both cores: one thread splits the file into rows (sequential: CSV
//! quoting means a file cannot be cut at arbitrary line ends), workers parse chunks of rows, and
//! the caller's thread receives the parsed chunks in file order. Channels are bounded, so a few
//! chunks are in flight whatever the file size. What the caller is done with goes back to the
//! worker that made it, to be freed there: the caller's thread is the one the others wait for.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel};
use std::sync::{Arc, Mutex};

/// Chunks each channel holds per worker: enough slack that the writer's bursts (a block
/// compressed, a day's facts written) and the parsing threads' do not stall each other.
const IN_FLIGHT: usize = 4;

/// Maps `items` in chunks of `chunk_len` on `workers` threads and hands each mapped chunk to
/// `deliver` on the calling thread, in the order of `items`. What `deliver` returns (what it is
/// done with: the chunk's values, say) is dropped by the worker that mapped the chunk, which
/// usually made its allocations, rather than on the calling thread. A chunk ends early after an
/// item for which `is_last` holds (a read error), and nothing after it is read. Reading stops
/// when `cancel` is set; when `deliver` fails, the reader and the workers stop and its error is
/// returned.
pub(crate) fn map_in_order<T, U, G, E>(
    items: impl Iterator<Item = T> + Send,
    chunk_len: usize,
    workers: usize,
    cancel: &AtomicBool,
    is_last: impl Fn(&T) -> bool + Sync,
    map: impl Fn(T) -> U + Sync,
    mut deliver: impl FnMut(Vec<U>) -> Result<G, E>,
) -> Result<(), E>
where
    T: Send,
    U: Send,
    G: Send,
{
    let chunk_len = chunk_len.max(1);
    let workers = workers.max(1);
    let (is_last, map) = (&is_last, &map);
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = sync_channel::<(u64, Vec<T>)>(workers * IN_FLIGHT);
        let (done_tx, done_rx) = sync_channel::<(u64, usize, Vec<U>)>(workers * IN_FLIGHT);
        // One token per chunk between the reader and its delivery: the reader takes one before
        // it hands a chunk over and the caller gives it back once the chunk is delivered. The
        // channels alone do not bound what waits for its turn: while one worker is held up on a
        // chunk (descheduled on a loaded machine), the others would go on mapping the chunks
        // after it, and the caller would hold them all until it comes.
        let window = 2 * workers * IN_FLIGHT;
        let (token_tx, token_rx) = sync_channel::<()>(window);
        for _ in 0..window {
            let _ = token_tx.send(());
        }
        scope.spawn(move || {
            let mut seq = 0u64;
            let mut chunk = Vec::with_capacity(chunk_len);
            // The caller stopped (done or failed): nothing more is wanted.
            let send = |seq, chunk| token_rx.recv().is_ok() && work_tx.send((seq, chunk)).is_ok();
            for item in items {
                if cancel.load(Ordering::Relaxed) {
                    break;
                }
                let last = is_last(&item);
                chunk.push(item);
                if chunk.len() == chunk_len || last {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(chunk_len));
                    if !send(seq, full) || last {
                        return;
                    }
                    seq += 1;
                }
            }
            if !chunk.is_empty() {
                send(seq, chunk);
            }
        });
        // Shared by the workers and dropped with the last of them, so that a reader waiting to
        // hand over a chunk learns that nobody will take it.
        let work_rx = Arc::new(Mutex::new(work_rx));
        // Unbounded, but each worker empties its own before every chunk it takes: the caller
        // returns a chunk's leftovers only after the worker sent the chunk.
        let mut garbage = Vec::with_capacity(workers);
        for w in 0..workers {
            let done_tx = done_tx.clone();
            let work_rx = Arc::clone(&work_rx);
            let (garbage_tx, garbage_rx) = channel::<G>();
            garbage.push(garbage_tx);
            scope.spawn(move || loop {
                while let Ok(done_with) = garbage_rx.try_recv() {
                    drop(done_with);
                }
                let job = work_rx
                    .lock()
                    .map_err(|_| ())
                    .and_then(|rx| rx.recv().map_err(|_| ()));
                let Ok((seq, chunk)) = job else {
                    return;
                };
                let mapped: Vec<U> = chunk.into_iter().map(map).collect();
                if done_tx.send((seq, w, mapped)).is_err() {
                    return;
                }
            });
        }
        drop((done_tx, work_rx));
        // Chunks finished ahead of their turn wait here; fewer than `window`, the tokens the
        // reader needs to hand chunks over.
        let mut ahead: BTreeMap<u64, (usize, Vec<U>)> = BTreeMap::new();
        let mut next = 0u64;
        for (seq, w, mapped) in done_rx {
            ahead.insert(seq, (w, mapped));
            while let Some((w, mapped)) = ahead.remove(&next) {
                let done_with = deliver(mapped)?;
                // A worker that has stopped (the file is read) cannot take it: dropped here.
                let _ = garbage[w].send(done_with);
                let _ = token_tx.send(());
                next += 1;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn chunks_are_delivered_in_order_even_when_a_later_one_is_ready_first() {
        let cancel = AtomicBool::new(false);
        let mut seen = Vec::new();
        let mut chunks = 0;
        let r: Result<(), ()> = map_in_order(
            0..100u32,
            10,
            2,
            &cancel,
            |_| false,
            |i| {
                // The first chunk is the slowest: the second worker finishes later ones first.
                if i < 10 {
                    std::thread::sleep(Duration::from_millis(20));
                }
                i * 2
            },
            |chunk| {
                chunks += 1;
                seen.extend(chunk);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(chunks, 10);
        assert_eq!(seen, (0..100).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn what_the_caller_is_done_with_is_dropped_by_the_worker_that_mapped_it() {
        use std::thread::ThreadId;
        /// Records, when dropped, the thread that mapped its chunk and the one dropping it.
        struct DoneWith(ThreadId, Arc<Mutex<Vec<(ThreadId, ThreadId)>>>);
        impl Drop for DoneWith {
            fn drop(&mut self) {
                let here = std::thread::current().id();
                self.1.lock().unwrap().push((self.0, here));
            }
        }
        let drops = Arc::new(Mutex::new(Vec::new()));
        let caller = std::thread::current().id();
        let cancel = AtomicBool::new(false);
        let r: Result<(), ()> = map_in_order(
            0..1000u32,
            10,
            2,
            &cancel,
            |_| false,
            |i| (i, std::thread::current().id()),
            |chunk| Ok(DoneWith(chunk[0].1, Arc::clone(&drops))),
        );
        assert_eq!(r, Ok(()));
        let drops = drops.lock().unwrap();
        assert_eq!(drops.len(), 100, "each chunk's leftovers dropped once");
        for (mapped_on, dropped_on) in drops.iter() {
            assert!(
                dropped_on == mapped_on || *dropped_on == caller,
                "never freed by a worker that did not map the chunk"
            );
        }
        // Only the chunks delivered after their worker stopped are dropped on the caller's
        // thread: those still waiting for delivery when the file was read, at most the window.
        let on_caller = drops.iter().filter(|d| d.1 == caller).count();
        assert!(
            on_caller <= 2 * 2 * IN_FLIGHT,
            "{on_caller} of 100 dropped on the caller"
        );
    }

    #[test]
    fn a_held_up_worker_does_not_let_the_others_run_the_whole_file_ahead() {
        use std::sync::atomic::AtomicUsize;
        use std::sync::Condvar;
        // Three workers, one chunk per item. The first chunk's worker is held up until the other
        // two have mapped 60 chunks ahead of it (or two seconds pass): unbounded, they would,
        // and the caller would hold all 60 waiting for the first.
        let workers = 3;
        let window = 2 * workers * IN_FLIGHT;
        let mapped = AtomicUsize::new(0);
        let delivered = AtomicUsize::new(0);
        let most_waiting = AtomicUsize::new(0);
        let gate = (Mutex::new(()), Condvar::new());
        let cancel = AtomicBool::new(false);
        let r: Result<(), ()> = map_in_order(
            0..200u32,
            1,
            workers,
            &cancel,
            |_| false,
            |i| {
                if i == 0 {
                    let guard = gate.0.lock().unwrap();
                    let _ = gate
                        .1
                        .wait_timeout_while(guard, Duration::from_secs(2), |_| {
                            mapped.load(Ordering::SeqCst) < 60
                        })
                        .unwrap();
                }
                let now = mapped.fetch_add(1, Ordering::SeqCst) + 1;
                let waiting = now - delivered.load(Ordering::SeqCst);
                most_waiting.fetch_max(waiting, Ordering::SeqCst);
                gate.1.notify_all();
                i
            },
            |_| {
                delivered.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(delivered.load(Ordering::SeqCst), 200);
        let most = most_waiting.load(Ordering::SeqCst);
        assert!(
            most <= window,
            "{most} chunks mapped and not yet delivered (window {window})"
        );
    }

    #[test]
    fn nothing_is_read_after_a_last_item() {
        let cancel = AtomicBool::new(false);
        let mut seen = Vec::new();
        let r: Result<(), ()> = map_in_order(
            0..100u32,
            8,
            2,
            &cancel,
            |i| *i == 13,
            |i| i,
            |chunk| {
                seen.extend(chunk);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert_eq!(seen, (0..=13).collect::<Vec<_>>());
    }

    #[test]
    fn a_failing_delivery_stops_everything_and_is_returned() {
        let cancel = AtomicBool::new(false);
        let mut delivered = 0;
        let r = map_in_order(
            0..1_000_000u32,
            4,
            2,
            &cancel,
            |_| false,
            |i| i,
            |chunk| {
                delivered += 1;
                match chunk.contains(&9) {
                    true => Err(format!("bad chunk {chunk:?}")),
                    false => Ok(()),
                }
            },
        );
        assert_eq!(r, Err("bad chunk [8, 9, 10, 11]".to_string()));
        assert_eq!(delivered, 3, "nothing is delivered after the failure");
    }

    #[test]
    fn a_cancel_stops_the_reading() {
        let cancel = AtomicBool::new(false);
        let mut seen = 0usize;
        let r: Result<(), ()> = map_in_order(
            0..u32::MAX,
            16,
            2,
            &cancel,
            |_| false,
            |i| i,
            |chunk| {
                seen += chunk.len();
                cancel.store(true, Ordering::Relaxed);
                Ok(())
            },
        );
        assert_eq!(r, Ok(()));
        assert!(
            seen < 1000,
            "reading stopped soon after the cancel ({seen} items)"
        );
    }
}
