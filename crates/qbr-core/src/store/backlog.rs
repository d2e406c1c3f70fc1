//! Contacts an import does not take as they stream, kept per day as the bytes they will be stored
//! as, in the order they arrived: those of a chunk of rows in no time order, and those of a day
//! that already left the import's window ([`super::contacts::Window::ready`]). The import takes
//! them day by day, in day order, once the file is read (`StoreSink::settle`), so a file in no
//! time order costs one pass over its days instead of loading days over and over.
//!
//! Promises: at most [`BACKLOG_BYTES`] are held in memory whatever the file; beyond that they go
//! to a temporary file beside the workspace, which has no name (nothing is left behind when the
//! import ends, fails or the process is killed). A day's contacts come back in arrival order.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use chrono::NaiveDate;

use super::contacts::KEY_DAYS;
use crate::error::{Error, Result};

/// Bytes of waiting contacts held in memory at most (about 110 bytes a contact).
const BACKLOG_BYTES: usize = 16 << 20;

/// One waiting contact: its key hash (8 bytes), its start when it names its customer (8 bytes,
/// `i64::MIN` for none), the length of its encoding (4 bytes), then the encoding.
const HEAD: usize = 20;

/// The contacts waiting for their days.
#[derive(Debug)]
pub(crate) struct Backlog {
    days: BTreeMap<NaiveDate, Waiting>,
    in_memory: usize,
    /// Where contacts go beyond [`BACKLOG_BYTES`]: made on first need.
    file: Option<File>,
    file_len: u64,
    /// The folder of the workspace, where the file is made.
    dir: PathBuf,
    contacts: u64,
}

/// One day's waiting contacts: what went to the file (offset and length of each piece, in
/// arrival order), then what is still in memory.
#[derive(Debug, Default)]
struct Waiting {
    spilled: Vec<(u64, usize)>,
    memory: Vec<u8>,
    contacts: u64,
}

/// A waiting contact, as [`DayBacklog::next`] gives it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WaitingContact<'a> {
    pub hash: u64,
    pub customer_at: Option<i64>,
    /// The encoding of `Some(contact)` with its member ids.
    pub bytes: &'a [u8],
}

impl Backlog {
    pub(crate) fn new(dir: PathBuf) -> Backlog {
        Backlog {
            days: BTreeMap::new(),
            in_memory: 0,
            file: None,
            file_len: 0,
            dir,
            contacts: 0,
        }
    }

    /// Whether contacts of `day` are waiting (a later one must wait behind them).
    pub(crate) fn holds(&self, day: NaiveDate) -> bool {
        self.days.contains_key(&day)
    }

    /// Contacts waiting.
    pub(crate) fn len(&self) -> u64 {
        self.contacts
    }

    /// The days contacts are waiting for, in order.
    pub(crate) fn days(&self) -> Vec<NaiveDate> {
        self.days.keys().copied().collect()
    }

    /// Adds a contact of `day`: `write` appends its encoding.
    pub(crate) fn push(
        &mut self,
        day: NaiveDate,
        hash: u64,
        customer_at: Option<i64>,
        write: impl FnOnce(&mut Vec<u8>),
    ) -> Result<()> {
        let w = self.days.entry(day).or_default();
        let room = w.memory.capacity();
        let start = w.memory.len();
        w.memory.extend_from_slice(&hash.to_le_bytes());
        w.memory
            .extend_from_slice(&customer_at.unwrap_or(i64::MIN).to_le_bytes());
        w.memory.extend_from_slice(&[0; 4]);
        write(&mut w.memory);
        let len = w.memory.len() - start - HEAD;
        let len32 = u32::try_from(len)
            .map_err(|_| Error::Corrupt(format!("a contact of {len} bytes cannot wait")))?;
        w.memory[start + 16..start + HEAD].copy_from_slice(&len32.to_le_bytes());
        w.contacts += 1;
        // Counted by the room held, which a growing buffer doubles.
        self.in_memory += w.memory.capacity() - room;
        self.contacts += 1;
        if self.in_memory > limit() {
            self.spill()?;
        }
        Ok(())
    }

    /// Moves every day's contacts in memory to the file.
    fn spill(&mut self) -> Result<()> {
        #[cfg(test)]
        SPILLS.with(|s| s.set(s.get() + 1));
        let dir = self.dir.clone();
        let failed = |e: std::io::Error| {
            Error::io(
                format!(
                    "an import of rows in no time order keeps them in a temporary file in {} until the file is read, and that file could not be written",
                    dir.display()
                ),
                e,
            )
        };
        if self.file.is_none() {
            self.file = Some(tempfile::tempfile_in(&dir).map_err(failed)?);
        }
        let file = self.file.as_mut().expect("made above");
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        out.seek(SeekFrom::Start(self.file_len)).map_err(failed)?;
        for w in self.days.values_mut() {
            if w.memory.is_empty() {
                continue;
            }
            out.write_all(&w.memory).map_err(failed)?;
            w.spilled.push((self.file_len, w.memory.len()));
            self.file_len += w.memory.len() as u64;
            // Freed rather than kept: the next days to fill are not these.
            w.memory = Vec::new();
        }
        out.flush().map_err(failed)?;
        self.in_memory = 0;
        Ok(())
    }

    /// Takes `day`'s contacts out of the backlog, to be read in arrival order.
    pub(crate) fn take(&mut self, day: NaiveDate) -> Result<DayBacklog> {
        let w = self.days.remove(&day).unwrap_or_default();
        self.in_memory -= w.memory.capacity();
        self.contacts -= w.contacts;
        let file = match (&self.file, w.spilled.is_empty()) {
            (Some(f), false) => Some(
                f.try_clone()
                    .map_err(|e| Error::io("the import's temporary file cannot be read", e))?,
            ),
            _ => None,
        };
        let mut pieces: Vec<Stored> = w.spilled.into_iter().map(Stored::Spilled).collect();
        pieces.push(Stored::Memory(w.memory));
        pieces.reverse();
        Ok(DayBacklog {
            pieces,
            file,
            buf: Vec::new(),
            at: 0,
        })
    }
}

/// Contacts of one day read back together at most (a piece of a day: about 110 KB of their
/// bytes and 350 KB of what the import's `look` makes of them).
const PIECE_CONTACTS: usize = 1_024;

/// Bytes of encodings a piece holds before it is handed over, whatever its count: contacts
/// with long texts (a value may hold 100,000 characters) make pieces of fewer contacts, not
/// more memory.
const PIECE_BYTES: usize = 1 << 20;

/// Pieces read back ahead of the one being taken. The taking thread works in bursts (a day's
/// facts written when its last piece is in, a full block handed to the compressing helper), and
/// the reading thread, with less to do per contact, fills the slack meanwhile: with two ahead it
/// stopped after two pieces of every burst. Eight (a piece is about 0.4 MB at most of
/// the usual contacts): 1M contacts in no time order 1.5–3% faster than with two (five runs
/// alternating, medians), about 10 MB more at the peak.
const PIECES_AHEAD: usize = 8;

impl Backlog {
    /// Reads every waiting contact back on a thread of its own, day by day in day order and
    /// each day's in arrival order, and hands them over in pieces of at most
    /// [`PIECE_CONTACTS`] of one day, each contact with what `look` made of it there (its
    /// encoding decoded, its measures: what does not need the workspace). The thread ends
    /// with the backlog, at its first error, or when the [`Drain`] is dropped (a cancel); at
    /// most [`PIECES_AHEAD`] pieces wait for the taker.
    /// The backlog is left empty.
    pub(crate) fn drain<T: Send + 'static>(
        &mut self,
        mut look: impl FnMut(NaiveDate, WaitingContact<'_>) -> Result<T> + Send + 'static,
    ) -> Result<Drain<T>> {
        let mut all = std::mem::replace(self, Backlog::new(self.dir.clone()));
        let (to, from) = std::sync::mpsc::sync_channel::<Result<Piece<T>>>(PIECES_AHEAD);
        let read = move || {
            for day in all.days() {
                let sent = (|| -> Result<bool> {
                    let count = all.days.get(&day).map_or(0, |w| w.contacts);
                    let mut waiting = all.take(day)?;
                    let mut piece = Piece::new(day, count);
                    while let Some(w) = waiting.next()? {
                        let at = piece.bytes.len();
                        piece.bytes.extend_from_slice(w.bytes);
                        piece.contacts.push(ReadBack {
                            hash: w.hash,
                            customer_at: w.customer_at,
                            at: at as u32,
                            len: w.bytes.len() as u32,
                            look: look(day, w)?,
                        });
                        if piece.contacts.len() == PIECE_CONTACTS
                            || piece.bytes.len() >= PIECE_BYTES
                        {
                            let full = std::mem::replace(&mut piece, Piece::new(day, count));
                            if to.send(Ok(full)).is_err() {
                                return Ok(false);
                            }
                        }
                    }
                    piece.last = true;
                    Ok(to.send(Ok(piece)).is_ok())
                })();
                match sent {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(e) => {
                        let _ = to.send(Err(e));
                        return;
                    }
                }
            }
        };
        let thread = std::thread::Builder::new()
            .name("qbr-backlog".into())
            .spawn(read)
            .map_err(|e| {
                Error::io(
                    "the import could not start a thread to read its rows back",
                    e,
                )
            })?;
        Ok(Drain {
            from: Some(from),
            thread: Some(thread),
        })
    }
}

/// The key hashes of the contacts a drain has read back of the day it is reading and the
/// [`KEY_DAYS`] before it, to tell the taker which contacts cannot be found in the window
/// ([`super::contacts::Window::only_settled_near`]): a contact of the backlog can only be found
/// among those taken before it within [`KEY_DAYS`], and those are the ones read back before it
/// (days in order, a day's contacts in arrival order). At most a given number of hashes are
/// held; past that every later contact is said to need looking for.
#[derive(Debug)]
pub(crate) struct SeenKeys {
    days: std::collections::VecDeque<(NaiveDate, rustc_hash::FxHashSet<u64>)>,
    held: usize,
    limit: usize,
    full: bool,
}

/// Hashes [`SeenKeys`] holds at most in an import (about 10 bytes each).
pub(crate) const SEEN_KEYS: usize = 1_000_000;

impl SeenKeys {
    pub(crate) fn new(limit: usize) -> SeenKeys {
        SeenKeys {
            days: Default::default(),
            held: 0,
            limit,
            full: false,
        }
    }

    /// Notes the key hash of the next contact read back, of `day` (days in order): `true` when
    /// no contact read back before it, of `day` or the [`KEY_DAYS`] before, had that hash (it
    /// cannot match any of them); `false` when one had, or the hashes no longer fit.
    pub(crate) fn first(&mut self, day: NaiveDate, hash: u64) -> bool {
        if self.full {
            return false;
        }
        if self.days.back().map(|d| d.0) != Some(day) {
            while let Some((d, set)) = self.days.front() {
                if (day - *d).num_days() <= KEY_DAYS {
                    break;
                }
                self.held -= set.len();
                self.days.pop_front();
            }
            let room = self.days.back().map_or(0, |d| d.1.len());
            let mut set = rustc_hash::FxHashSet::default();
            set.reserve(room.min(self.limit));
            self.days.push_back((day, set));
        }
        if self.held >= self.limit {
            // Forgets nothing it said: from here on every contact is looked for.
            self.full = true;
            self.days.clear();
            self.held = 0;
            return false;
        }
        let seen = self.days.iter().any(|(_, set)| set.contains(&hash));
        if let Some((_, set)) = self.days.back_mut() {
            if set.insert(hash) {
                self.held += 1;
            }
        }
        !seen
    }
}

/// A backlog being read back ([`Backlog::drain`]).
#[derive(Debug)]
pub(crate) struct Drain<T> {
    from: Option<std::sync::mpsc::Receiver<Result<Piece<T>>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl<T> Drain<T> {
    /// The next piece, in day order; `None` once every day was handed over.
    pub(crate) fn next(&mut self) -> Result<Option<Piece<T>>> {
        match self.from.as_ref().map(|f| f.recv()) {
            Some(Ok(piece)) => piece.map(Some),
            // The thread ended: every day was sent, or it sent its error first, or it panicked
            // (then days may be missing, and the import must not go on as if they were not).
            Some(Err(_)) => {
                self.from = None;
                match self.thread.take().map(|t| t.join()) {
                    Some(Err(_)) => Err(Error::Corrupt(
                        "the thread reading the import's waiting rows back stopped before it was done".into(),
                    )),
                    _ => Ok(None),
                }
            }
            None => Ok(None),
        }
    }
}

impl<T> Drop for Drain<T> {
    /// Stops the thread (its next hand-over fails) and waits for it, so that nothing reads the
    /// backlog's file once the import is over.
    fn drop(&mut self) {
        self.from = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Waiting contacts of one day read back ([`Backlog::drain`]): their encodings one after the
/// other, and each contact's place among them.
#[derive(Debug)]
pub(crate) struct Piece<T> {
    pub day: NaiveDate,
    pub bytes: Vec<u8>,
    pub contacts: Vec<ReadBack<T>>,
    /// The day's last piece: its contacts are all handed over.
    pub last: bool,
}

impl<T> Piece<T> {
    /// An empty piece of `day`, with room for `contacts` of them (at most a piece's).
    fn new(day: NaiveDate, contacts: u64) -> Piece<T> {
        let room = (contacts as usize).clamp(1, PIECE_CONTACTS);
        Piece {
            day,
            bytes: Vec::with_capacity(room * 128),
            contacts: Vec::with_capacity(room),
            last: false,
        }
    }

    /// The encoding of contact `c` of this piece.
    pub(crate) fn bytes_of(&self, c: &ReadBack<T>) -> &[u8] {
        &self.bytes[c.at as usize..(c.at + c.len) as usize]
    }
}

/// One contact read back: its key hash, its start when it names its customer, where its
/// encoding is in its [`Piece`], and what the reading thread made of it.
#[derive(Debug)]
pub(crate) struct ReadBack<T> {
    pub hash: u64,
    pub customer_at: Option<i64>,
    at: u32,
    len: u32,
    pub look: T,
}

#[cfg(test)]
thread_local! {
    /// Times a backlog went to its file on this thread, for tests to see that it did.
    pub(crate) static SPILLS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// [`BACKLOG_BYTES`], smaller in tests so that small files spill.
fn limit() -> usize {
    #[cfg(test)]
    if super::contacts::SMALL_BLOCKS.with(|s| s.get()) {
        return 2_000;
    }
    BACKLOG_BYTES
}

#[derive(Debug)]
enum Stored {
    Spilled((u64, usize)),
    Memory(Vec<u8>),
}

/// One day's waiting contacts being read back, piece by piece (at most [`BACKLOG_BYTES`] of
/// them in memory at once).
#[derive(Debug)]
pub(crate) struct DayBacklog {
    /// Still to read, the next last.
    pieces: Vec<Stored>,
    file: Option<File>,
    buf: Vec<u8>,
    at: usize,
}

impl DayBacklog {
    /// The next waiting contact, in arrival order.
    pub(crate) fn next(&mut self) -> Result<Option<WaitingContact<'_>>> {
        while self.at >= self.buf.len() {
            let Some(piece) = self.pieces.pop() else {
                return Ok(None);
            };
            self.at = 0;
            match piece {
                Stored::Memory(bytes) => self.buf = bytes,
                Stored::Spilled((offset, len)) => {
                    let file = self.file.as_mut().ok_or_else(|| {
                        Error::Corrupt("the import's temporary file went missing".into())
                    })?;
                    let read = |e| Error::io("the import's temporary file cannot be read", e);
                    file.seek(SeekFrom::Start(offset)).map_err(read)?;
                    self.buf.resize(len, 0);
                    file.read_exact(&mut self.buf).map_err(read)?;
                }
            }
        }
        let at = self.at;
        let head = self
            .buf
            .get(at..at + HEAD)
            .ok_or_else(|| Error::Corrupt("a waiting contact was cut short".into()))?;
        let word = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&head[i..i + 8]);
            b
        };
        let hash = u64::from_le_bytes(word(0));
        let customer_at = match i64::from_le_bytes(word(8)) {
            i64::MIN => None,
            t => Some(t),
        };
        let len = u32::from_le_bytes([head[16], head[17], head[18], head[19]]) as usize;
        let bytes = self
            .buf
            .get(at + HEAD..at + HEAD + len)
            .ok_or_else(|| Error::Corrupt("a waiting contact was cut short".into()))?;
        self.at = at + HEAD + len;
        Ok(Some(WaitingContact {
            hash,
            customer_at,
            bytes,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 7, d).unwrap()
    }

    /// A waiting contact as a test sees it: hash, start with a customer, encoding.
    type Waited = (u64, Option<i64>, Vec<u8>);

    /// Every contact of `day` in `b`, in the order they come back.
    fn taken(b: &mut Backlog, d: NaiveDate) -> Vec<Waited> {
        let mut day = b.take(d).unwrap();
        let mut out = Vec::new();
        while let Some(w) = day.next().unwrap() {
            out.push((w.hash, w.customer_at, w.bytes.to_vec()));
        }
        out
    }

    #[test]
    fn a_days_contacts_come_back_in_arrival_order_across_the_file_and_memory() {
        let dir = tempfile::tempdir().unwrap();
        super::super::contacts::SMALL_BLOCKS.with(|s| s.set(true));
        SPILLS.with(|s| s.set(0));
        let mut b = Backlog::new(dir.path().to_path_buf());
        let mut expected: BTreeMap<NaiveDate, Vec<Waited>> = BTreeMap::new();
        // 300 contacts of three days, interleaved; encodings of varied lengths.
        for i in 0..300u64 {
            let d = day(1 + (i * 7 % 3) as u32);
            let bytes: Vec<u8> = (0..(i % 50 + 1)).map(|k| (i + k) as u8).collect();
            let customer = (i % 4 != 0).then_some(i as i64 * 1000);
            b.push(d, i, customer, |out| out.extend_from_slice(&bytes))
                .unwrap();
            expected.entry(d).or_default().push((i, customer, bytes));
        }
        let spills = SPILLS.with(|s| s.get());
        super::super::contacts::SMALL_BLOCKS.with(|s| s.set(false));
        assert!(
            spills >= 3,
            "2,000 bytes in memory at most: {spills} spills"
        );
        assert!(
            b.in_memory <= 2_000 + 3 * 1_000,
            "memory stays near the limit ({} bytes)",
            b.in_memory
        );
        assert_eq!(b.len(), 300);
        assert_eq!(b.days(), vec![day(1), day(2), day(3)]);
        for (d, contacts) in &expected {
            assert!(b.holds(*d));
            assert_eq!(
                &taken(&mut b, *d),
                contacts,
                "day {d}: what went to the file first, then what stayed in memory, in order"
            );
            assert!(!b.holds(*d), "a day taken is gone from the backlog");
        }
        assert_eq!(b.len(), 0);
        assert!(
            taken(&mut b, day(9)).is_empty(),
            "a day never met has nothing"
        );
    }

    #[test]
    fn a_drained_backlog_comes_back_by_day_in_arrival_order_in_pieces_looked_at_on_its_thread() {
        let dir = tempfile::tempdir().unwrap();
        super::super::contacts::SMALL_BLOCKS.with(|s| s.set(true));
        let mut b = Backlog::new(dir.path().to_path_buf());
        let mut expected: BTreeMap<NaiveDate, Vec<Waited>> = BTreeMap::new();
        // 10,000 contacts: day 3 gets half of them (more than a piece holds), days 1 and 2 the
        // rest, interleaved; through the file (2,000 bytes in memory at most here).
        for i in 0..10_000u64 {
            let d = if i % 2 == 0 {
                day(3)
            } else {
                day(1 + (i / 2 % 2) as u32)
            };
            let bytes: Vec<u8> = (0..(i % 30 + 1)).map(|k| (i * 3 + k) as u8).collect();
            let customer = (i % 3 != 0).then_some(i as i64);
            b.push(d, i, customer, |out| out.extend_from_slice(&bytes))
                .unwrap();
            expected.entry(d).or_default().push((i, customer, bytes));
        }
        super::super::contacts::SMALL_BLOCKS.with(|s| s.set(false));
        assert!(b.file.is_some(), "the backlog went to its file");
        let looker = std::thread::current().id();
        let mut drain = b
            .drain(move |d, w| {
                assert_ne!(
                    std::thread::current().id(),
                    looker,
                    "looked at on its own thread"
                );
                Ok((d, w.bytes.len()))
            })
            .unwrap();
        assert_eq!(b.len(), 0, "the backlog is left empty");
        let mut got: BTreeMap<NaiveDate, Vec<Waited>> = BTreeMap::new();
        let mut days = Vec::new();
        let mut pieces = Vec::new();
        while let Some(piece) = drain.next().unwrap() {
            assert!(piece.contacts.len() <= PIECE_CONTACTS);
            pieces.push((piece.day, piece.contacts.len(), piece.last));
            if days.last() != Some(&piece.day) {
                days.push(piece.day);
            }
            for c in &piece.contacts {
                assert_eq!(c.look, (piece.day, piece.bytes_of(c).len()));
                got.entry(piece.day).or_default().push((
                    c.hash,
                    c.customer_at,
                    piece.bytes_of(c).to_vec(),
                ));
            }
        }
        assert_eq!(
            days,
            vec![day(1), day(2), day(3)],
            "each day once, in day order"
        );
        assert_eq!(got, expected, "every contact, each day's in arrival order");
        fn of(d: NaiveDate, sizes: &[usize]) -> Vec<(NaiveDate, usize, bool)> {
            let last = sizes.len() - 1;
            sizes
                .iter()
                .enumerate()
                .map(|(i, n)| (d, *n, i == last))
                .collect()
        }
        let expected = [
            of(day(1), &[1_024, 1_024, 452]),
            of(day(2), &[1_024, 1_024, 452]),
            of(day(3), &[1_024, 1_024, 1_024, 1_024, 904]),
        ]
        .concat();
        assert_eq!(
            pieces, expected,
            "pieces of at most 1,024 contacts of one day, the day's last one marked"
        );
    }

    #[test]
    fn a_drain_cuts_pieces_by_bytes_too_and_says_so_when_its_thread_dies() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = Backlog::new(dir.path().to_path_buf());
        let big = vec![7u8; 600 << 10];
        for i in 0..9u64 {
            b.push(day(1), i, None, |out| out.extend_from_slice(&big))
                .unwrap();
        }
        let mut drain = b.drain(|_, _| Ok(())).unwrap();
        let mut sizes = Vec::new();
        while let Some(p) = drain.next().unwrap() {
            sizes.push(p.contacts.len());
        }
        assert_eq!(
            sizes,
            [2, 2, 2, 2, 1],
            "600 KB contacts: a piece is handed over once it holds 1 MB"
        );

        let mut b = Backlog::new(dir.path().to_path_buf());
        for i in 0..5_000u64 {
            b.push(day(1 + (i % 5) as u32), i, None, |out| out.push(1))
                .unwrap();
        }
        let mut drain = b
            .drain(|d, _| {
                assert!(d < day(3), "a bug on the reading thread");
                Ok(())
            })
            .unwrap();
        let mut taken = 0;
        let err = loop {
            match drain.next() {
                Ok(Some(p)) => taken += p.contacts.len(),
                Ok(None) => panic!("a thread that died is not the end of the backlog"),
                Err(e) => break e,
            }
        };
        assert_eq!(taken, 2_000, "days 1 and 2");
        assert!(
            err.to_string().contains("stopped before it was done"),
            "{err}"
        );
    }

    #[test]
    fn a_drain_stops_at_an_error_or_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = Backlog::new(dir.path().to_path_buf());
        for i in 0..50_000u64 {
            b.push(day(1 + (i % 20) as u32), i, None, |out| out.push(i as u8))
                .unwrap();
        }
        // An error looking at a contact of day 3 ends the drain after days 1 and 2.
        let mut drain = b
            .drain(|d, w| {
                if d == day(3) && w.hash == 4_002 {
                    Err(Error::Corrupt("contact 4002".into()))
                } else {
                    Ok(())
                }
            })
            .unwrap();
        let mut taken = 0;
        let err = loop {
            match drain.next() {
                Ok(Some(p)) => taken += p.contacts.len(),
                Ok(None) => panic!("the error is handed over"),
                Err(e) => break e,
            }
        };
        assert_eq!(taken, 5_000, "days 1 and 2, 2,500 contacts each");
        assert!(err.to_string().contains("contact 4002"), "{err}");
        assert!(drain.next().unwrap().is_none(), "nothing after the error");

        // Dropped after one piece (a cancel): the thread, blocked handing over the next ones,
        // ends and is waited for.
        let mut b = Backlog::new(dir.path().to_path_buf());
        for i in 0..50_000u64 {
            b.push(day(1 + (i % 20) as u32), i, None, |out| out.push(i as u8))
                .unwrap();
        }
        let mut drain = b.drain(|_, _| Ok(())).unwrap();
        assert!(drain.next().unwrap().is_some());
        drop(drain);
    }

    #[test]
    fn seen_keys_say_new_only_for_a_hash_no_contact_read_before_had_within_two_days() {
        let mut seen = SeenKeys::new(SEEN_KEYS);
        // (day, hash, new?) in the order a drain reads them: days in order.
        let reads = [
            (1, 10, true),
            (1, 11, true),
            (1, 10, false), // the same day, read before
            (2, 10, false), // the day before
            (3, 11, false), // two days before
            (3, 12, true),
            (4, 11, false), // day 3 had it too
            (6, 11, false), // day 4, two days before
            (9, 10, true),  // days 7 to 9 had nothing
            (9, 10, false),
            (11, 10, false), // day 9 is two days before
            (14, 10, true),
        ];
        let got: Vec<(u32, u64, bool)> = reads
            .iter()
            .map(|&(d, h, _)| (d, h, seen.first(day(d), h)))
            .collect();
        assert_eq!(got, reads.to_vec());
        assert_eq!(seen.held, 1, "only the hashes of days 12 to 14 are held");

        // Past the limit every later contact needs looking for, whatever its day.
        let mut seen = SeenKeys::new(3);
        let firsts: Vec<bool> = [(1, 1), (1, 2), (1, 3), (1, 4), (2, 5), (20, 6)]
            .iter()
            .map(|&(d, h)| seen.first(day(d), h))
            .collect();
        assert_eq!(firsts, [true, true, true, false, false, false]);
        assert_eq!(seen.held, 0, "nothing is held once full");
    }

    #[test]
    fn the_file_contacts_go_to_has_no_name_beside_the_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let mut b = Backlog::new(dir.path().to_path_buf());
        let big = vec![7u8; 1 << 20];
        // More than the budget, so that the backlog goes to its file.
        for i in 0..(BACKLOG_BYTES >> 20) as u64 + 2 {
            b.push(day(1), i, None, |out| out.extend_from_slice(&big))
                .unwrap();
        }
        assert!(b.file.is_some(), "the backlog went to its file");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            names.is_empty(),
            "nothing to leave behind if the process is killed: {names:?}"
        );
        let back = taken(&mut b, day(1));
        assert_eq!(back.len(), (BACKLOG_BYTES >> 20) + 2);
        assert!(back.iter().all(|(_, _, bytes)| *bytes == big));
    }
}
