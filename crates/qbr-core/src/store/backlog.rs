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
        let mut pieces: Vec<Piece> = w.spilled.into_iter().map(Piece::Spilled).collect();
        pieces.push(Piece::Memory(w.memory));
        pieces.reverse();
        Ok(DayBacklog {
            pieces,
            file,
            buf: Vec::new(),
            at: 0,
        })
    }
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
enum Piece {
    Spilled((u64, usize)),
    Memory(Vec<u8>),
}

/// One day's waiting contacts being read back, piece by piece (at most [`BACKLOG_BYTES`] of
/// them in memory at once).
#[derive(Debug)]
pub(crate) struct DayBacklog {
    /// Still to read, the next last.
    pieces: Vec<Piece>,
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
                Piece::Memory(bytes) => self.buf = bytes,
                Piece::Spilled((offset, len)) => {
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
