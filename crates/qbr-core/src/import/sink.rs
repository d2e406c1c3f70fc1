//! Where parsed rows go. Parsing knows only this trait; the store's sink (store/import.rs) writes
//! through one transaction, and [`MemorySink`] keeps everything in memory for tests.

use std::collections::BTreeMap;

use std::sync::atomic::AtomicBool;

use chrono::{DateTime, NaiveDate, Utc};

use super::error::ImportError;
use super::mapping::Kind;
use super::Refusal;
use crate::measure::Measures;
use crate::model::rollup::{accumulate, rollup, DayKey, Facts, Interaction};
use crate::model::{EncodedContact, NewBatch};
use crate::settings::Settings;

/// What became of one contact offered to the sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Taken {
    /// First seen: stored and counted.
    New,
    /// A newer delivery of a contact an earlier import holds (Amazon Connect's latest
    /// `LastUpdateTimestamp` wins): the old one stops counting, this one counts.
    Replaced,
    /// Already held (the same contact in an overlapping export, or an older delivery): not
    /// counted again.
    Duplicate,
}

/// The counts an import closes its batch with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub read: u64,
    pub taken: u64,
    pub refused: u64,
    pub duplicate: u64,
}

/// What a finished batch covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub batch_id: i64,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    /// The counts the batch was closed with: those given to [`Sink::finish`], plus the contacts
    /// the sink took (new, or a newer delivery) and found already held.
    pub counts: Counts,
}

/// A contact as a parsing thread hands it over: the contact, and its stored form encoded there
/// rather than on the writing thread (`None` if encoding failed: the sink encodes it again and
/// reports why).
#[derive(Debug, Clone, PartialEq)]
pub struct NewContact {
    pub contact: Interaction,
    pub(crate) encoded: Option<EncodedContact>,
}

impl NewContact {
    pub fn new(contact: Interaction) -> NewContact {
        let encoded = EncodedContact::new(&contact).ok();
        NewContact { contact, encoded }
    }
}

/// Receives an import's output. Calls come in order: `imported_size`, `already_imported` (when
/// the size was met before), `begin`, any number of `contact`, `fact` and `refusal`, `settle`,
/// `fingerprinted` (when `already_imported` was not asked), then `finish`. What becomes of each
/// contact (new, a newer delivery, or already held) is the sink's to tally: a sink may take
/// some contacts only when the whole file has been read (`settle`), and reports the counts in
/// [`Finished`].
pub trait Sink {
    /// The batch that already imported a file with this content and kind, if any.
    fn already_imported(&mut self, sha256: &str, kind: Kind) -> Result<Option<i64>, ImportError>;
    /// Whether a batch of this kind, not undone, imported a file of `size` bytes: only then can
    /// the file be one imported before, and its fingerprint is needed before anything is
    /// written. A sink that answers `false` gets the fingerprint by [`Sink::fingerprinted`].
    fn imported_size(&mut self, _size: u64, _kind: Kind) -> Result<bool, ImportError> {
        Ok(true)
    }
    /// The file's SHA-256, when `begin` was called without it (after `imported_size` said no).
    fn fingerprinted(&mut self, _sha256: &str) -> Result<(), ImportError> {
        Ok(())
    }
    fn begin(&mut self, batch: &NewBatch) -> Result<(), ImportError>;
    fn contact(&mut self, contact: NewContact) -> Result<(), ImportError>;
    /// Several contacts in file order: the same as calling [`Sink::contact`] for each, which a
    /// sink may do faster. The sink may take the contacts out of `contacts` or leave them there;
    /// the caller frees what is left, off the writing thread.
    fn contacts(&mut self, contacts: &mut Vec<Box<NewContact>>) -> Result<(), ImportError> {
        for c in contacts.drain(..) {
            self.contact(*c)?;
        }
        Ok(())
    }
    /// Takes the contacts the sink kept waiting while the file was read, if any; `false` when
    /// `cancel` was set before they were all taken. `progress` hears how many were taken so far
    /// of how many.
    fn settle(
        &mut self,
        _cancel: &AtomicBool,
        _progress: &mut dyn FnMut(u64, u64),
    ) -> Result<bool, ImportError> {
        Ok(true)
    }
    /// Measures of a non-contact kind, already summed per key for the whole file.
    fn fact(&mut self, key: &DayKey, measures: &Measures) -> Result<(), ImportError>;
    /// One interval of a queue starting at `start` (Unix seconds). Rows of one file with the
    /// same start and members add up; an interval a later import brings again replaces the
    /// earlier import's, until that later import is undone.
    fn interval(
        &mut self,
        start: i64,
        key: &DayKey,
        measures: &Measures,
    ) -> Result<(), ImportError>;
    fn refusal(&mut self, refusal: &Refusal) -> Result<(), ImportError>;
    /// The dimension members (in [`crate::Dimension::ALL`] order) of a contact already held,
    /// found by its contact key in any source, so a survey about it is counted where it was.
    /// `near` is the survey's day: the store looks for the contact in the month before it.
    fn contact_members(
        &mut self,
        contact_key: &str,
        near: NaiveDate,
    ) -> Result<Option<[Option<String>; 6]>, ImportError>;
    /// Derives contact facts and closes the batch with its counts (`counts` without the
    /// contacts, which the sink adds).
    fn finish(&mut self, counts: &Counts, now: DateTime<Utc>) -> Result<Finished, ImportError>;
    /// After `finish`: the batch's own facts, summed per coverage cell, for the headline
    /// figures of the report (`None` when the sink cannot tell).
    fn batch_measures(&mut self) -> Result<Option<Vec<BatchPart>>, ImportError> {
        Ok(None)
    }
}

/// A batch's facts summed over those that carry the same measures in one program, queue and
/// month: what the headline figures are computed from, with the scorecard's coverage rule.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchPart {
    /// [`Measures::known`] of the facts.
    pub known: u64,
    pub program: Option<String>,
    pub queue: Option<String>,
    pub month: (i32, u32),
    pub sums: Measures,
}

/// A sink that keeps everything in memory, with the same duplicate rules as the store.
#[derive(Debug, Default)]
pub struct MemorySink {
    pub settings: Settings,
    /// (sha256, kind, batch id) of every import taken.
    pub batches: Vec<(String, Kind, i64)>,
    /// Contacts by (source, contact key), with the batch that holds them.
    pub contacts: BTreeMap<(String, String), (i64, Interaction)>,
    /// Facts of non-contact kinds.
    pub kind_facts: Facts,
    /// Intervals by (start, members), with the batch that holds them.
    pub intervals: BTreeMap<(i64, DayKey), (i64, Measures)>,
    pub refusals: Vec<(i64, Refusal)>,
    current: Option<(String, Kind)>,
    /// This batch's contacts taken and found already held.
    tally: Counts,
}

impl MemorySink {
    pub fn new(settings: Settings) -> Self {
        MemorySink {
            settings,
            ..Default::default()
        }
    }

    fn batch_id(&self) -> i64 {
        self.batches.len() as i64 + 1
    }

    /// Every fact: the non-contact kinds' plus the roll-up of every contact held.
    pub fn facts(&self) -> Facts {
        let mut all = rollup(
            self.contacts.values().map(|(_, i)| i),
            &self.settings,
            &|_| None,
        );
        for (k, m) in &self.kind_facts {
            accumulate(&mut all, k.clone(), m);
        }
        for ((_, k), (_, m)) in &self.intervals {
            accumulate(&mut all, k.clone(), m);
        }
        all
    }
}

impl Sink for MemorySink {
    fn already_imported(&mut self, sha256: &str, kind: Kind) -> Result<Option<i64>, ImportError> {
        Ok(self
            .batches
            .iter()
            .find(|(s, k, _)| s == sha256 && *k == kind)
            .map(|(_, _, id)| *id))
    }

    fn begin(&mut self, batch: &NewBatch) -> Result<(), ImportError> {
        let kind = batch
            .kind
            .parse::<Kind>()
            .map_err(|m| ImportError::unreadable(&batch.file_name, m))?;
        self.current = Some((batch.sha256.clone(), kind));
        Ok(())
    }

    fn contact(&mut self, contact: NewContact) -> Result<(), ImportError> {
        match self.take(contact.contact) {
            Taken::New | Taken::Replaced => self.tally.taken += 1,
            Taken::Duplicate => self.tally.duplicate += 1,
        }
        Ok(())
    }

    fn fact(&mut self, key: &DayKey, measures: &Measures) -> Result<(), ImportError> {
        accumulate(&mut self.kind_facts, key.clone(), measures);
        Ok(())
    }

    fn interval(
        &mut self,
        start: i64,
        key: &DayKey,
        measures: &Measures,
    ) -> Result<(), ImportError> {
        let id = self.batch_id();
        let slot = self
            .intervals
            .entry((start, key.clone()))
            .or_insert((id, Measures::default()));
        if slot.0 != id {
            // A later import's interval replaces the earlier one's.
            *slot = (id, Measures::default());
        }
        for (m, v) in measures.iter() {
            if let Some(v) = v {
                slot.1.add(m, v);
            }
        }
        Ok(())
    }

    fn refusal(&mut self, refusal: &Refusal) -> Result<(), ImportError> {
        let id = self.batch_id();
        self.refusals.push((id, refusal.clone()));
        Ok(())
    }

    fn contact_members(
        &mut self,
        contact_key: &str,
        _near: NaiveDate,
    ) -> Result<Option<[Option<String>; 6]>, ImportError> {
        Ok(self
            .contacts
            .iter()
            .find(|((_, key), _)| key == contact_key)
            .map(|(_, (_, i))| crate::model::rollup::contact_key(i).members))
    }

    fn batch_measures(&mut self) -> Result<Option<Vec<BatchPart>>, ImportError> {
        // The batch just finished is the last one recorded.
        let id = self.batches.len() as i64;
        let contacts = self
            .contacts
            .values()
            .filter(|(b, _)| *b == id)
            .map(|(_, i)| i);
        let mut facts = rollup(contacts, &self.settings, &|_| None);
        if self
            .batches
            .last()
            .is_some_and(|(_, k, _)| *k != Kind::Interactions)
        {
            for (k, m) in &self.kind_facts {
                accumulate(&mut facts, k.clone(), m);
            }
        }
        for ((_, k), (b, m)) in &self.intervals {
            if *b == id {
                accumulate(&mut facts, k.clone(), m);
            }
        }
        type Cell = (u64, Option<String>, Option<String>, (i32, u32));
        let mut parts: BTreeMap<Cell, Measures> = BTreeMap::new();
        for (k, m) in &facts {
            use chrono::Datelike;
            let program = k.members[crate::measure::Dimension::Program.index()].clone();
            let queue = k.members[crate::measure::Dimension::Queue.index()].clone();
            parts
                .entry((m.known(), program, queue, (k.day.year(), k.day.month())))
                .or_default()
                .add_all(m);
        }
        Ok(Some(
            parts
                .into_iter()
                .map(|((known, program, queue, month), sums)| BatchPart {
                    known,
                    program,
                    queue,
                    month,
                    sums,
                })
                .collect(),
        ))
    }

    fn finish(&mut self, counts: &Counts, _now: DateTime<Utc>) -> Result<Finished, ImportError> {
        let id = self.batch_id();
        // `finish` without `begin` is the caller's mistake; record it as an interactions batch.
        let (sha, kind) = self
            .current
            .take()
            .unwrap_or_else(|| (String::new(), Kind::Interactions));
        self.batches.push((sha, kind, id));
        let counts = Counts {
            taken: counts.taken + self.tally.taken,
            duplicate: counts.duplicate + self.tally.duplicate,
            ..*counts
        };
        self.tally = Counts::default();
        let days = self
            .contacts
            .values()
            .filter(|(b, _)| *b == id)
            .map(|(_, i)| i.day)
            .chain(self.kind_facts.keys().map(|k| k.day))
            .chain(
                self.intervals
                    .iter()
                    .filter(|(_, (b, _))| *b == id)
                    .map(|((_, k), _)| k.day),
            );
        let (first_day, last_day) = days.fold(
            (None, None),
            |(lo, hi): (Option<NaiveDate>, Option<NaiveDate>), d| {
                (
                    Some(lo.map_or(d, |l| l.min(d))),
                    Some(hi.map_or(d, |h| h.max(d))),
                )
            },
        );
        Ok(Finished {
            batch_id: id,
            first_day,
            last_day,
            counts,
        })
    }
}

impl MemorySink {
    /// Holds `contact` unless a delivery at least as recent holds its key.
    fn take(&mut self, contact: Interaction) -> Taken {
        let id = self.batch_id();
        let key = (contact.source.to_string(), contact.contact_key.clone());
        match self.contacts.get_mut(&key) {
            None => {
                self.contacts.insert(key, (id, contact));
                Taken::New
            }
            Some((held_by, held)) => {
                if newer(&contact, held) {
                    let taken = if *held_by == id {
                        Taken::Duplicate
                    } else {
                        Taken::Replaced
                    };
                    *held_by = id;
                    *held = contact;
                    taken
                } else {
                    Taken::Duplicate
                }
            }
        }
    }
}

/// True when `candidate` is a later delivery of `held` (both carry the source's update time).
pub fn newer(candidate: &Interaction, held: &Interaction) -> bool {
    newer_update(candidate.source_updated_at, held.source_updated_at)
}

/// True when a delivery updated at `candidate` is later than one updated at `held`.
pub fn newer_update(candidate: Option<i64>, held: Option<i64>) -> bool {
    match (candidate, held) {
        (Some(c), Some(h)) => c > h,
        (Some(_), None) => true,
        _ => false,
    }
}
