//! The store's side of importing: the sink that writes an import through one [`WriteTx`], undo
//! of a batch, and the refusals a batch recorded.
//!
//! Facts of an interactions batch are always the roll-up of the contacts that batch holds, per
//! day. Whenever a batch gains or loses contacts on a day (a new import, a newer Amazon Connect
//! delivery taking a contact over, an undo giving it back) that batch's facts for that day are
//! recomputed from its contacts, so a contact counts once, in the batch that holds it. Contacts
//! live in blocks (`contacts.rs`); a contact is looked for by its key within two days of its own.

use std::collections::{BTreeMap, BTreeSet};

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rustc_hash::{FxHashMap, FxHashSet};

use super::backlog::{Backlog, Piece, ReadBack, SeenKeys, WaitingContact, SEEN_KEYS};
use super::contacts::{
    self, blocks_of, day_text, parse_day, ContactView, DuplicateBlocks, EncodedContact, KeyDays,
    Names, Slot, StoredContact, Window, ROW_COLUMNS,
};
use super::{timestamp, Workspace, WriteTx};
use crate::error::{Error, Result};
use crate::import::sink::newer_update;
use crate::import::{
    self, Counts, DayKey, Finished, ImportError, ImportOptions, ImportReport, Kind, Mapping,
    MappingTemplate, NewContact, Progress, Refusal, Sink,
};
use crate::measure::{ContactSums, Dimension, Measures};
use crate::model::rollup::{add_contact_measures, rollup, Interaction, MeasureInputs};
use crate::settings::Channel;
use crate::settings::Settings;

use super::NewBatch;

/// Writes one import. Dropping it without [`StoreSink::commit`] leaves the workspace unchanged.
///
/// Contacts are taken as they stream when the window holds their day and the days either side
/// (a file in time order: every contact); a contact of a day that left the window waits in the
/// backlog and is taken by [`Sink::settle`], day by day in day order, once the file is read. A
/// day's contacts are always taken in file order.
pub struct StoreSink<'a> {
    tx: WriteTx<'a>,
    settings: Settings,
    batch_id: Option<i64>,
    /// The source of this import's contacts (one per file: its preset's, or generic).
    source: Option<Arc<str>>,
    /// (batch, day) pairs whose contact facts must be recomputed.
    affected: BTreeSet<(i64, String)>,
    /// The last (batch, day) added to `affected`: contacts come in runs of one day.
    last_affected: Option<(i64, NaiveDate)>,
    /// Member ids seen by this import, per dimension in [`Dimension::ALL`] order, looked up
    /// without allocating.
    known_members: [FxHashMap<String, i64>; 6],
    /// The same, by the address of a name the parsing threads share between rows (see
    /// `record::intern`): a look-up hashes a pointer rather than the text. The name is held, so
    /// its address is not reused while it is here.
    shared_members: [FxHashMap<usize, (Arc<str>, i64)>; 6],
    /// The channel of each channel member id met, for contacts read back from their encoding.
    channels: FxHashMap<i64, Option<Channel>>,
    /// This batch's contact facts, built in memory as contacts are taken.
    sums: DaySums,
    /// This batch's days whose facts are already written from `sums`, or that a replacement
    /// touched: any further contact on them is recomputed from the stored contacts.
    closed_days: FxHashSet<NaiveDate>,
    /// Service threshold of each queue id met (its own `threshold_s`, if any).
    queue_thresholds: FxHashMap<i64, Option<u32>>,
    /// This batch's days with intervals: their facts are summed from `interval_row` at the end.
    interval_days: BTreeSet<String>,
    /// The contacts of the days being worked on, where duplicates are found and new contacts are
    /// added (written as their blocks fill, and at the end).
    window: Window,
    /// Contacts of days the window could not take while rows streamed, and of chunks in no time
    /// order.
    backlog: Backlog,
    /// Copies of contacts already held, kept for undo.
    duplicates: DuplicateBlocks,
    /// This batch's contacts taken (new, or a newer delivery) and found already held.
    tally: Counts,
    /// Contacts found by key alone, for surveys.
    key_days: KeyDays,
    /// Member names, read once when a survey first asks for a contact's members.
    names: Option<Names>,
}

/// Shared names remembered per dimension at most (see `StoreSink::shared_members`).
const SHARED_MEMBERS: usize = 16_384;

/// This batch's contact facts, summed in memory per day and member ids ([`Dimension::ALL`]
/// order) as contacts are taken: the same sums a recompute would read back. Member ids are
/// numbered once (`combos`), so a day's sums are a small map.
#[derive(Debug, Default)]
struct DaySums {
    combos: FxHashMap<[Option<i64>; 6], u32>,
    keys: Vec<[Option<i64>; 6]>,
    days: BTreeMap<NaiveDate, FxHashMap<u32, ContactSums>>,
    /// Sums held, over every day.
    entries: usize,
}

/// Sums held at most (about 200 bytes each): a quarter of a large program in no time order is
/// about 75,000. Past that the day farthest from the current one is written out, and a later
/// contact on it makes it recomputed from its stored contacts (slower, and exact).
const OPEN_SUMS: usize = 120_000;

impl DaySums {
    /// Adds one contact's measures to its day's sums at `ids`.
    fn add(&mut self, day: NaiveDate, ids: [Option<i64>; 6], one: &ContactSums) {
        let combo = match self.combos.get(&ids) {
            Some(c) => *c,
            None => {
                let c = self.keys.len() as u32;
                self.keys.push(ids);
                self.combos.insert(ids, c);
                c
            }
        };
        let day_sums = match self.days.get_mut(&day) {
            Some(d) => d,
            None => self.days.entry(day).or_default(),
        };
        match day_sums.get_mut(&combo) {
            Some(sums) => sums.add_all(one),
            None => {
                day_sums.insert(combo, *one);
                self.entries += 1;
            }
        }
    }

    /// Takes `day`'s sums out, as fact rows in a stable order (so the same contacts always
    /// write the same rows).
    fn take(&mut self, day: NaiveDate) -> Vec<([Option<i64>; 6], Measures)> {
        let Some(sums) = self.days.remove(&day) else {
            return Vec::new();
        };
        self.entries -= sums.len();
        let mut rows: Vec<([Option<i64>; 6], Measures)> = sums
            .iter()
            .map(|(c, m)| (self.keys[*c as usize], m.to_measures()))
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        rows
    }
}

impl Workspace {
    /// Imports `path` into this workspace in one transaction: the workspace's settings, saved
    /// program aliases, metric definitions and mapping templates fill what `opts` leaves open,
    /// [`import::run_into`] parses the file into a [`StoreSink`], and the sink commits (or, for
    /// a dry run, a cancel or an error, rolls back).
    pub fn import_file(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
        now: DateTime<Utc>,
    ) -> Result<ImportReport, ImportError> {
        let settings = self.settings()?;
        let mut opts = opts.clone();
        if opts.program_aliases.is_empty() {
            opts.program_aliases = self.import_aliases()?;
        }
        if opts.variants.is_none() {
            opts.variants = Some(self.metric_variants()?);
        }
        // A saved mapping whose columns are all in the file reads it, as it did last quarter.
        if opts.mapping.is_none() && opts.preset.is_none() {
            let templates = self.mapping_templates()?;
            if !templates.is_empty() {
                let found = import::detect_with(path, &templates)?;
                if found.template.is_some() {
                    opts.kind = opts.kind.or(found.kind);
                    opts.mapping = Some(found.mapping);
                }
            }
        }
        // A full disk or a read-only file is named for what it is, with the workspace's path.
        let ws_path = self.path().to_path_buf();
        let in_workspace = |e: ImportError| match e {
            ImportError::Workspace(w) => ImportError::Workspace(super::classify_err(&ws_path, w)),
            other => other,
        };
        let mut sink = self.import_sink(settings.clone())?;
        let report =
            match import::run_into(&mut sink, &settings, path, &opts, progress, cancel, now) {
                // A number late in the file that its column's first rows could not decide: read
                // every numeric column first and import again (the first try's writes are rolled
                // back).
                Err(ImportError::AmbiguousNumbers {
                    whole_column: false,
                    ..
                }) if !opts.probe_numbers => {
                    tracing::info!(
                    "a number late in the file is ambiguous: reading every numeric column first"
                );
                    drop(sink);
                    opts.probe_numbers = true;
                    sink = self.import_sink(settings.clone())?;
                    import::run_into(&mut sink, &settings, path, &opts, progress, cancel, now)
                }
                other => other,
            }
            .map_err(in_workspace)?;
        if cancel.load(Ordering::Relaxed) {
            return Err(ImportError::Cancelled {
                file: report.file_name,
            });
        }
        if opts.dry_run {
            // Dropping the sink rolls its transaction back: nothing of the file is kept.
            drop(sink);
            return Ok(ImportReport {
                batch_id: None,
                ..report
            });
        }
        sink.commit()
            .map_err(|e| in_workspace(ImportError::Workspace(e)))?;
        Ok(report)
    }

    /// A sink that writes an import into this workspace in one transaction.
    ///
    /// Foreign-key and CHECK constraints are not checked in this transaction (seven parent
    /// look-ups and a temporary B-tree for the outcome per contact): every id it writes is one it
    /// just read or created itself, every checked text comes from a closed enum. The next write
    /// checks them again. The rollup's insert trigger is suspended too: the sink marks each
    /// day it writes facts on ([`WriteTx::suspend_rollup_insert_trigger`]).
    pub fn import_sink(&mut self, settings: Settings) -> Result<StoreSink<'_>> {
        self.conn
            .pragma_update(None, "cache_size", -super::IMPORT_CACHE_KIB)?;
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let mut tx = self.write_with_foreign_keys(false)?;
        tx.suspend_rollup_insert_trigger()?;
        Ok(StoreSink {
            tx,
            settings,
            batch_id: None,
            source: None,
            affected: BTreeSet::new(),
            last_affected: None,
            known_members: Default::default(),
            shared_members: Default::default(),
            channels: FxHashMap::default(),
            sums: DaySums::default(),
            closed_days: FxHashSet::default(),
            queue_thresholds: FxHashMap::default(),
            interval_days: BTreeSet::new(),
            window: Window::default(),
            backlog: Backlog::new(dir),
            duplicates: DuplicateBlocks::new(),
            tally: Counts::default(),
            key_days: KeyDays::default(),
            names: None,
        })
    }

    /// Every row an import refused, in file order.
    pub fn import_refusals(&self, batch_id: i64) -> Result<Vec<Refusal>> {
        let mut stmt = self.conn.prepare(
            "SELECT row_no, column_name, value, expected FROM import_refusal
             WHERE batch_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([batch_id], |r| {
            Ok(Refusal {
                row: r.get::<_, i64>(0)? as u64,
                column: r.get(1)?,
                value: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                expected: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Takes an import back: its facts and contacts go, contacts it replaced come back, and
    /// the batch stays in the history marked undone. Returns how many contacts came back.
    pub fn undo_import(&mut self, batch_id: i64, now: DateTime<Utc>) -> Result<UndoReport> {
        let settings = self.settings()?;
        let mut tx = self.write()?;
        let state: Option<(String, Option<String>)> = tx
            .conn()
            .query_row(
                "SELECT kind, undone_at FROM import_batch WHERE id = ?1",
                [batch_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match state {
            None => {
                return Err(Error::InvalidSetting {
                    field: "import".into(),
                    message: format!("there is no import {batch_id}"),
                })
            }
            Some((_, Some(at))) => {
                return Err(Error::InvalidSetting {
                    field: "import".into(),
                    message: format!("import {batch_id} was already undone at {at}"),
                })
            }
            Some(_) => {}
        }
        let conn = tx.conn();
        // Contacts of this batch that other imports also offered: they go back to one of those.
        let offered_elsewhere = copies_offered_elsewhere(conn, batch_id)?;
        // Intervals this batch replaced go back to the import that now holds their key (a later
        // one that replaced this batch's own), or to their own import when none does.
        let mut interval_days: BTreeSet<(i64, String)> = BTreeSet::new();
        {
            let mut stmt = conn.prepare(
                "UPDATE interval_row AS o SET replaced_by = (
                     SELECT h.batch_id FROM interval_row h
                     WHERE h.batch_id <> ?1 AND h.replaced_by IS NULL
                       AND h.started_at = o.started_at
                       AND ifnull(h.program_id, 0) = ifnull(o.program_id, 0)
                       AND ifnull(h.queue_id, 0) = ifnull(o.queue_id, 0)
                       AND ifnull(h.channel_id, 0) = ifnull(o.channel_id, 0)
                       AND ifnull(h.site_id, 0) = ifnull(o.site_id, 0)
                     ORDER BY h.batch_id DESC LIMIT 1)
                 WHERE o.replaced_by = ?1
                 RETURNING batch_id, day, replaced_by",
            )?;
            let rows = stmt.query_map([batch_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            })?;
            for row in rows {
                let (holder, day, still_replaced) = row?;
                if still_replaced.is_none() {
                    interval_days.insert((holder, day));
                }
            }
        }
        conn.execute("DELETE FROM interval_row WHERE batch_id = ?1", [batch_id])?;
        let facts_removed = conn.execute("DELETE FROM fact WHERE batch_id = ?1", [batch_id])?;
        let contacts_removed: i64 = conn.query_row(
            "SELECT coalesce(sum(contacts), 0) FROM contact_block WHERE batch_id = ?1",
            [batch_id],
            |r| r.get(0),
        )?;
        conn.execute("DELETE FROM contact_block WHERE batch_id = ?1", [batch_id])?;

        // Contacts this batch took over, in the order it took them.
        let replaced: Vec<Superseded> = {
            let mut stmt = conn.prepare(&format!(
                "SELECT s.rowid, s.block_id, s.slot, {cols} FROM interaction_superseded s
                 JOIN import_batch b ON b.id = s.batch_id
                 WHERE s.replaced_by = ?1 AND b.undone_at IS NULL ORDER BY s.rowid",
                cols = prefixed_columns("s.")
            ))?;
            let rows = stmt.query_map([batch_id], |r| {
                let (batch, source, day, c) = StoredContact::from_row(r, 3)?;
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, batch, source, day, c))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut window = Window::default();
        let mut affected: BTreeSet<(i64, String)> = BTreeSet::new();
        let mut restored = 0usize;
        for (rowid, block_id, slot, holder, source, day_text_, c) in replaced {
            let day = parse_day(&day_text_)?;
            window.ensure(conn, day)?;
            if let Some(now_at) = window.find(conn, &source, &c.contact_key, day)? {
                // A later import took it over again: it stays replaced, now by that import.
                let by = window.get(now_at).map(|(b, _)| b.batch_id);
                conn.execute(
                    "UPDATE interaction_superseded SET replaced_by = ?2 WHERE rowid = ?1",
                    params![rowid, by],
                )?;
                continue;
            }
            // Back where it was when its block is still there, else into a new block.
            let home = match block_id.zip(slot) {
                Some((id, slot)) => window
                    .slot_of(conn, day, id, slot)?
                    .filter(|at| window.get(*at).is_none()),
                None => None,
            };
            match home {
                Some(at) => window.put(at, c),
                None => {
                    window.append(conn, holder, &source, day, c)?;
                }
            }
            affected.insert((holder, day_text_));
            restored += 1;
        }
        // Copies of this batch's contacts kept by later imports must never come back.
        conn.execute(
            "DELETE FROM interaction_superseded WHERE replaced_by = ?1 OR batch_id = ?1",
            [batch_id],
        )?;
        conn.execute(
            "DELETE FROM duplicate_block WHERE batch_id = ?1",
            [batch_id],
        )?;
        // The earliest import that offered it holds it now, unless something holds it already.
        let mut handed_over: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for ((source, key), copy) in offered_elsewhere {
            window.ensure(conn, copy.day)?;
            if window.find(conn, &source, &key, copy.day)?.is_some() {
                continue;
            }
            window.append(conn, copy.batch, &source, copy.day, copy.contact)?;
            handed_over.entry(copy.block).or_default().push(copy.slot);
            affected.insert((copy.batch, day_text(copy.day)));
            restored += 1;
        }
        contacts::empty_duplicate_slots(conn, &handed_over)?;
        window.save(conn)?;
        recompute(&mut tx, &settings, &affected)?;
        recompute_intervals(tx.conn(), &interval_days)?;
        remove_created_members(tx.conn(), batch_id)?;
        tx.conn().execute(
            "UPDATE import_batch SET undone_at = ?2 WHERE id = ?1",
            params![batch_id, timestamp(now)],
        )?;
        tx.commit()?;
        Ok(UndoReport {
            batch_id,
            facts_removed: facts_removed as u64,
            contacts_removed: contacts_removed as u64,
            contacts_restored: restored as u64,
        })
    }
}

impl Workspace {
    /// Saves (or replaces) a named column mapping for reuse.
    pub fn save_mapping_template(
        &mut self,
        template: &MappingTemplate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.write()?;
        let at = timestamp(now);
        tx.conn().execute(
            "INSERT INTO mapping (name, kind, spec, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)
             ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, spec = excluded.spec,
                                              updated_at = excluded.updated_at",
            params![template.name, template.kind.as_str(), template.mapping.to_json(), at],
        )?;
        tx.commit()
    }

    /// Every saved mapping, by name.
    pub fn mapping_templates(&self) -> Result<Vec<MappingTemplate>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, kind, spec FROM mapping ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, kind, spec) = row?;
            let kind = kind
                .parse::<Kind>()
                .map_err(|m| Error::Corrupt(format!("mapping {name:?}: {m}")))?;
            let mapping = Mapping::from_json(&spec)
                .map_err(|m| Error::Corrupt(format!("mapping {name:?}: {m}")))?;
            out.push(MappingTemplate {
                name,
                kind,
                mapping,
            });
        }
        Ok(out)
    }
}

/// What an undo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoReport {
    pub batch_id: i64,
    pub facts_removed: u64,
    pub contacts_removed: u64,
    pub contacts_restored: u64,
}

/// A contact an import took over, as `interaction_superseded` keeps it: (row, block and slot
/// it left, batch, source, day, contact).
type Superseded = (
    i64,
    Option<i64>,
    Option<u32>,
    i64,
    String,
    String,
    StoredContact,
);

/// A copy of a contact an import offered while another held it, as its duplicate block keeps it.
struct Copy {
    batch: i64,
    block: i64,
    slot: usize,
    day: NaiveDate,
    contact: StoredContact,
}

/// For each contact `batch` holds (by source and key) that another import also offered, the
/// copy that import kept: of the earliest such import, the first it met. Looked for day by day,
/// among the copies within [`contacts::KEY_DAYS`] of the day the contact is held on.
fn copies_offered_elsewhere(
    conn: &Connection,
    batch: i64,
) -> Result<BTreeMap<(String, String), Copy>> {
    let mut out: BTreeMap<(String, String), Copy> = BTreeMap::new();
    let others: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM duplicate_block WHERE batch_id <> ?1)",
        [batch],
        |r| r.get(0),
    )?;
    if !others {
        return Ok(out);
    }
    for day in contacts::days_of_batch(conn, batch)? {
        let mut held: FxHashMap<u64, Vec<(String, String)>> = FxHashMap::default();
        for b in blocks_of(conn, batch, day)? {
            for c in b.held() {
                held.entry(contacts::key_hash(&b.source, &c.contact_key))
                    .or_default()
                    .push((b.source.clone(), c.contact_key.clone()));
            }
        }
        let wanted: FxHashSet<u64> = held.keys().copied().collect();
        let span = (
            day - chrono::Duration::days(contacts::KEY_DAYS),
            day + chrono::Duration::days(contacts::KEY_DAYS),
        );
        contacts::each_duplicate_block_holding(conn, span, batch, &wanted, |b| {
            let Some(block) = b.id else { return Ok(()) };
            for (slot, c) in b.slots.iter().enumerate() {
                let Some(c) = c else { continue };
                let h = contacts::key_hash(&b.source, &c.contact_key);
                let Some(keys) = held.get(&h) else { continue };
                if !keys
                    .iter()
                    .any(|(s, k)| *s == b.source && *k == c.contact_key)
                {
                    continue;
                }
                let copy = Copy {
                    batch: b.batch_id,
                    block,
                    slot,
                    day: b.day,
                    contact: c.clone(),
                };
                match out.entry((b.source.clone(), c.contact_key.clone())) {
                    std::collections::btree_map::Entry::Vacant(e) => {
                        e.insert(copy);
                    }
                    std::collections::btree_map::Entry::Occupied(mut e) => {
                        let first = e.get();
                        if (copy.batch, copy.block, copy.slot)
                            < (first.batch, first.block, first.slot)
                        {
                            e.insert(copy);
                        }
                    }
                }
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// Inserts one row of `table` (`interaction_superseded`): the columns
/// `first`, then [`ROW_COLUMNS`], one parameter per value.
fn insert_values(
    conn: &Connection,
    table: &'static str,
    first: &'static str,
    values: &[rusqlite::types::Value],
) -> Result<()> {
    let marks = (1..=values.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    conn.prepare_cached(&format!(
        "INSERT INTO {table} ({first}{ROW_COLUMNS}) VALUES ({marks})"
    ))?
    .execute(rusqlite::params_from_iter(values.iter()))?;
    Ok(())
}

fn prefixed_columns(prefix: &str) -> String {
    ROW_COLUMNS
        .split(',')
        .map(|c| format!("{prefix}{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Deletes the dimension members `batch_id` created, unless something still refers to them
/// (the foreign keys say so).
fn remove_created_members(conn: &Connection, batch_id: i64) -> Result<()> {
    let created: Vec<(String, i64)> = {
        let mut stmt =
            conn.prepare("SELECT dimension, member_id FROM import_member WHERE batch_id = ?1")?;
        let rows = stmt.query_map([batch_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (dimension, id) in created {
        let Ok(dim) = dimension.parse::<Dimension>() else {
            continue;
        };
        let table = super::member_table(dim);
        match conn.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id]) {
            Ok(_) => {}
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                // Still in use by another import: it stays.
            }
            Err(e) => return Err(e.into()),
        }
    }
    conn.execute("DELETE FROM import_member WHERE batch_id = ?1", [batch_id])?;
    Ok(())
}

/// Replaces the contact facts of each (batch, day) with the roll-up of the contacts it holds.
fn recompute(
    tx: &mut WriteTx<'_>,
    settings: &Settings,
    affected: &BTreeSet<(i64, String)>,
) -> Result<()> {
    recompute_with(tx, settings, affected, &mut |_| true)
}

/// [`recompute`], calling `each` after every (batch, day) with the number done; it returns
/// false to stop, and the caller then rolls the transaction back.
pub(super) fn recompute_with(
    tx: &mut WriteTx<'_>,
    settings: &Settings,
    affected: &BTreeSet<(i64, String)>,
    each: &mut dyn FnMut(usize) -> bool,
) -> Result<()> {
    if affected.is_empty() {
        return Ok(());
    }
    let names = Names::load(tx.conn())?;
    for (done, (batch, day)) in affected.iter().enumerate() {
        if !each(done) {
            return Err(Error::Cancelled("recomputing the days".into()));
        }
        tx.conn().execute(
            "DELETE FROM fact WHERE batch_id = ?1 AND day = ?2",
            params![batch, day],
        )?;
        let contacts = load_contacts(tx.conn(), &names, *batch, parse_day(day)?)?;
        let facts = rollup(&contacts, settings, &|q| names.threshold(q));
        for (key, m) in &facts {
            tx.insert_fact(*batch, &key.to_fact_key(), m)?;
        }
    }
    Ok(())
}

/// The contacts a batch holds on a day, in the order they were stored.
fn load_contacts(
    conn: &Connection,
    names: &Names,
    batch: i64,
    day: NaiveDate,
) -> Result<Vec<Interaction>> {
    let mut contacts = Vec::new();
    for b in blocks_of(conn, batch, day)? {
        for c in b.held() {
            contacts.push(c.to_interaction(&b.source, day, names)?);
        }
    }
    Ok(contacts)
}

/// The dimensions an interval row keeps, in `interval_row`'s column order.
const INTERVAL_DIMENSIONS: [Dimension; 4] = [
    Dimension::Program,
    Dimension::Queue,
    Dimension::Channel,
    Dimension::Site,
];

/// `INSERT INTO interval_row …`: rows of one batch with the same start and members add up, a
/// measure staying NULL ("not measured") only while every row leaves it so.
fn upsert_interval_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let names: Vec<&str> = crate::measure::Measure::ALL
            .iter()
            .map(|m| m.as_str())
            .collect();
        let marks: Vec<String> = (1..=7 + names.len()).map(|i| format!("?{i}")).collect();
        let sums: Vec<String> = names
            .iter()
            .map(|m| {
                format!(
                    "{m} = CASE WHEN {m} IS NULL THEN excluded.{m} WHEN excluded.{m} IS NULL THEN {m} ELSE {m} + excluded.{m} END"
                )
            })
            .collect();
        format!(
            "INSERT INTO interval_row (batch_id, started_at, day, program_id, queue_id, channel_id,
                                       site_id, {names})
             VALUES ({marks})
             ON CONFLICT (batch_id, started_at, ifnull(program_id, 0), ifnull(queue_id, 0),
                          ifnull(channel_id, 0), ifnull(site_id, 0))
             DO UPDATE SET {sums}",
            names = names.join(", "),
            marks = marks.join(", "),
            sums = sums.join(", "),
        )
    })
}

/// Replaces the interval facts of each (batch, day) with the sums of the intervals it holds.
fn recompute_intervals(conn: &Connection, days: &BTreeSet<(i64, String)>) -> Result<()> {
    static SQL: OnceLock<String> = OnceLock::new();
    let sql = SQL.get_or_init(|| {
        let names: Vec<&str> = crate::measure::Measure::ALL
            .iter()
            .map(|m| m.as_str())
            .collect();
        let sums: Vec<String> = names.iter().map(|m| format!("sum({m})")).collect();
        format!(
            "INSERT INTO fact (batch_id, day, grain, program_id, queue_id, channel_id, site_id, {names})
             SELECT batch_id, day, 'day', program_id, queue_id, channel_id, site_id, {sums}
               FROM interval_row
              WHERE batch_id = ?1 AND day = ?2 AND replaced_by IS NULL
              GROUP BY program_id, queue_id, channel_id, site_id",
            names = names.join(", "),
            sums = sums.join(", "),
        )
    });
    for (batch, day) in days {
        conn.execute(
            "DELETE FROM fact WHERE batch_id = ?1 AND day = ?2",
            params![batch, day],
        )?;
        conn.prepare_cached(sql)?.execute(params![batch, day])?;
        // An import runs with the rollup's insert trigger suspended.
        super::rollup::mark_rollup_day(conn, day)?;
    }
    Ok(())
}

/// A contact offered where the window holds its key: its encoding (of `Some(contact)`, with its
/// member ids) and what deciding between it and the held one needs.
struct Offered<'a> {
    source: &'a str,
    day: NaiveDate,
    hash: u64,
    updated_at: Option<i64>,
    bytes: &'a [u8],
}

/// What taking a waiting contact needs that the thread reading the backlog back works out
/// ([`StoreSink::looker`]).
#[derive(Debug)]
struct Looked {
    /// Where its key is in its encoding (offset, length).
    key: (u32, u32),
    /// Member ids in `interaction`'s column order.
    ids: [Option<i64>; 6],
    updated_at: Option<i64>,
    /// Its measures, as [`StoreSink::stream_fact`] adds them.
    sums: ContactSums,
    /// No contact of the backlog read back before it, on its day or the
    /// [`contacts::KEY_DAYS`] before,
    /// had its key hash ([`SeenKeys`]).
    new_key: bool,
}

/// Member ids from `interaction`'s column order to [`Dimension::ALL`] order.
fn fact_ids(ids: &[Option<i64>; 6]) -> [Option<i64>; 6] {
    [ids[1], ids[2], ids[0], ids[3], ids[4], ids[5]]
}

impl StoreSink<'_> {
    /// Makes the import durable.
    pub fn commit(self) -> Result<()> {
        self.tx.commit()
    }

    fn batch(&self) -> Result<i64, ImportError> {
        self.batch_id.ok_or_else(|| {
            ImportError::Workspace(Error::Corrupt("an import wrote before it began".into()))
        })
    }

    /// A member's id, recording it as created by this batch when it is new.
    fn member(&mut self, dim: Dimension, name: Option<&str>) -> Result<Option<i64>, ImportError> {
        let Some(name) = name else {
            return Ok(None);
        };
        let slot = dim.index();
        if let Some(&id) = self.known_members[slot].get(name) {
            return Ok(Some(id));
        }
        let table = super::member_table(dim);
        let exists = self
            .tx
            .conn()
            .prepare_cached(&format!("SELECT 1 FROM {table} WHERE name = ?1"))?
            .exists([name])?;
        let id = self.tx.member_id(dim, name)?;
        if !exists {
            let batch = self.batch()?;
            self.tx.conn().execute(
                "INSERT INTO import_member (batch_id, dimension, member_id) VALUES (?1, ?2, ?3)",
                params![batch, dim.as_str(), id],
            )?;
        }
        self.known_members[slot].insert(name.to_string(), id);
        Ok(Some(id))
    }

    /// Marks a (batch, day) for recomputing, cheaply when it is the same as the last one.
    fn touch(&mut self, batch: i64, day: NaiveDate) {
        if self.last_affected != Some((batch, day)) {
            self.affected.insert((batch, day_text(day)));
            self.last_affected = Some((batch, day));
        }
    }

    /// Adds a newly stored contact of this batch (member ids in `interaction`'s column order) to
    /// its day's facts in memory, or marks the day for recomputing when its facts were already
    /// written or a replacement touched it.
    fn stream_fact(
        &mut self,
        batch: i64,
        day: NaiveDate,
        ids: &[Option<i64>; 6],
        c: &MeasureInputs,
    ) -> Result<(), ImportError> {
        if self.closed_days.contains(&day) {
            self.touch(batch, day);
            return Ok(());
        }
        let threshold = match ids[2] {
            None => None,
            Some(q) => match self.queue_thresholds.get(&q) {
                Some(t) => *t,
                None => {
                    let t: Option<u32> = self
                        .tx
                        .conn()
                        .prepare_cached("SELECT threshold_s FROM queue WHERE id = ?1")?
                        .query_row([q], |r| r.get(0))?;
                    self.queue_thresholds.insert(q, t);
                    t
                }
            },
        };
        let mut one = ContactSums::default();
        add_contact_measures(&mut one, c, &self.settings, threshold);
        self.stream_sums(batch, day, ids, &one)
    }

    /// [`Self::stream_fact`] of a contact whose measures are summed already (`one`).
    fn stream_sums(
        &mut self,
        batch: i64,
        day: NaiveDate,
        ids: &[Option<i64>; 6],
        one: &ContactSums,
    ) -> Result<(), ImportError> {
        if self.closed_days.contains(&day) {
            self.touch(batch, day);
            return Ok(());
        }
        if one.is_empty() {
            return Ok(());
        }
        if !self.sums.days.contains_key(&day) && self.sums.entries >= OPEN_SUMS {
            // Write out the day furthest from this one: files run in time order, forwards or
            // backwards, and a file in no order is taken day by day at the end.
            let far = self
                .sums
                .days
                .keys()
                .max_by_key(|d| (**d - day).num_days().abs())
                .copied();
            if let Some(far) = far {
                self.write_open_day(batch, far)?;
            }
        }
        self.sums.add(day, fact_ids(ids), one);
        Ok(())
    }

    /// Writes one day's facts from memory; later contacts on it are recomputed.
    fn write_open_day(&mut self, batch: i64, day: NaiveDate) -> Result<(), ImportError> {
        let rows = self.sums.take(day);
        if !rows.is_empty() {
            self.tx
                .insert_day_facts(batch, day, false, rows.iter().map(|(k, m)| (k, m)))?;
        }
        self.closed_days.insert(day);
        Ok(())
    }

    /// A replacement changed which contacts this batch holds on `day`: its facts come from the
    /// stored contacts instead of memory.
    fn close_day(&mut self, day: NaiveDate) {
        if self.sums.days.contains_key(&day) {
            self.sums.take(day);
        }
        self.closed_days.insert(day);
    }

    /// Days the window let go because no contact came for them in a while (a file in time order
    /// has moved on): their facts are written, unless contacts of theirs wait in the backlog.
    fn write_idle_days(&mut self, batch: i64) -> Result<(), ImportError> {
        for day in self.window.take_idle_gone() {
            if !self.backlog.holds(day) && self.sums.days.contains_key(&day) {
                self.write_open_day(batch, day)?;
            }
        }
        Ok(())
    }

    /// The source of this import's contacts: `true` when `source` is it (every contact of a
    /// file has the same).
    fn same_source(&mut self, source: &Arc<str>) -> bool {
        match &self.source {
            Some(s) => **s == **source,
            None => {
                self.source = Some(Arc::clone(source));
                true
            }
        }
    }

    /// Stores one contact as it streams, finds it already held (see `Taken`), or keeps it in
    /// the backlog when its day cannot be taken now.
    fn take_contact(&mut self, new: &NewContact) -> Result<(), ImportError> {
        let NewContact { contact, encoded } = new;
        let batch = self.batch()?;
        let ids = self.member_ids(contact)?;
        let day = contact.day;
        if self.same_source(&contact.source) {
            if self.backlog.holds(day) || !self.window.ready(self.tx.conn(), day)? {
                let owned;
                let e = match encoded {
                    Some(e) => e,
                    None => {
                        owned = EncodedContact::new(contact)?;
                        &owned
                    }
                };
                self.backlog
                    .push(day, e.hash, e.customer_at, |out| e.write(&ids, out))?;
                return self.write_idle_days(batch);
            }
        } else {
            // Never met (a file has one source): taken as it comes.
            self.window.ensure(self.tx.conn(), day)?;
        }
        self.write_idle_days(batch)?;
        let source = &contact.source;
        let hash = match encoded {
            Some(e) => e.hash,
            None => contacts::key_hash(source, &contact.contact_key),
        };
        let found =
            self.window
                .find_hashed(self.tx.conn(), hash, source, &contact.contact_key, day)?;
        let Some(at) = found else {
            // The common case: a contact seen for the first time.
            self.stream_fact(batch, day, &ids, &MeasureInputs::of(contact))?;
            match encoded {
                Some(e) => {
                    self.window
                        .append_encoded(self.tx.conn(), batch, source, day, e, &ids)?;
                }
                None => {
                    let stored = StoredContact::new(contact.clone(), ids);
                    self.window
                        .append(self.tx.conn(), batch, source, day, stored)?;
                }
            }
            self.tally.taken += 1;
            return Ok(());
        };
        let bytes = match encoded {
            Some(e) => {
                let mut out = Vec::new();
                e.write(&ids, &mut out);
                out
            }
            None => {
                postcard::to_extend(&Some(StoredContact::new(contact.clone(), ids)), Vec::new())
                    .map_err(|e| Error::Corrupt(format!("a contact could not be encoded: {e}")))?
            }
        };
        self.take_held(
            at,
            Offered {
                source,
                day,
                hash,
                updated_at: contact.source_updated_at,
                bytes: &bytes,
            },
        )
    }

    /// Keeps a contact of a chunk in no time order in the backlog, to be taken with its day's
    /// others once the file is read.
    fn defer_contact(&mut self, new: &NewContact) -> Result<(), ImportError> {
        let NewContact { contact, encoded } = new;
        if !self.same_source(&contact.source) {
            return self.take_contact(new);
        }
        let ids = self.member_ids(contact)?;
        let owned;
        let e = match encoded {
            Some(e) => e,
            None => {
                owned = EncodedContact::new(contact)?;
                &owned
            }
        };
        self.backlog
            .push(contact.day, e.hash, e.customer_at, |out| e.write(&ids, out))?;
        Ok(())
    }

    /// What the thread reading the backlog back makes of each waiting contact
    /// ([`Backlog::drain`]): its encoding read and its measures summed, with this import's
    /// settings, channels and queue thresholds (no contact waiting names anything else: its
    /// members were made as it was read).
    fn looker(
        &self,
    ) -> Result<impl FnMut(NaiveDate, WaitingContact<'_>) -> Result<Looked> + Send + 'static> {
        let settings = self.settings.clone();
        let channels = self.channels.clone();
        let thresholds: FxHashMap<i64, Option<u32>> = self
            .tx
            .conn()
            .prepare("SELECT id, threshold_s FROM queue")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut seen = SeenKeys::new(SEEN_KEYS);
        Ok(move |day: NaiveDate, w: WaitingContact<'_>| {
            let new_key = seen.first(day, w.hash);
            let c = ContactView::read(w.bytes)?;
            let channel = c.ids[0].and_then(|id| channels.get(&id).copied().flatten());
            let threshold = match c.ids[2] {
                None => None,
                Some(q) => *thresholds.get(&q).ok_or_else(|| {
                    Error::Corrupt(format!(
                        "a waiting contact names queue {q}, which is not in the workspace"
                    ))
                })?,
            };
            let mut sums = ContactSums::default();
            add_contact_measures(&mut sums, &c.measure_inputs(channel)?, &settings, threshold);
            let at = c.contact_key.as_ptr() as usize - w.bytes.as_ptr() as usize;
            Ok(Looked {
                key: (at as u32, c.contact_key.len() as u32),
                ids: c.ids,
                updated_at: c.source_updated_at,
                sums,
                new_key,
            })
        })
    }

    /// Takes one contact that waited in the backlog (its day is in the window now).
    fn take_waiting(
        &mut self,
        batch: i64,
        source: &Arc<str>,
        piece: &Piece<Looked>,
        c: &ReadBack<Looked>,
        look: bool,
    ) -> Result<(), ImportError> {
        let day = piece.day;
        let bytes = piece.bytes_of(c);
        let (at, len) = c.look.key;
        let key = bytes
            .get(at as usize..(at + len) as usize)
            .and_then(|k| std::str::from_utf8(k).ok())
            .ok_or_else(|| Error::Corrupt("a waiting contact could not be read".into()))?;
        let found = match look {
            true => self
                .window
                .find_hashed(self.tx.conn(), c.hash, source, key, day)?,
            false => None,
        };
        let Some(at) = found else {
            self.stream_sums(batch, day, &c.look.ids, &c.look.sums)?;
            self.window.append_raw(
                self.tx.conn(),
                (batch, source, day),
                c.hash,
                c.customer_at,
                bytes,
            )?;
            self.tally.taken += 1;
            return Ok(());
        };
        self.take_held(
            at,
            Offered {
                source,
                day,
                hash: c.hash,
                updated_at: c.look.updated_at,
                bytes,
            },
        )
    }

    /// A contact whose key the window holds at `at`: a duplicate unless it is a later delivery,
    /// which takes the held one's place (see `Taken`).
    fn take_held(&mut self, at: Slot, new: Offered<'_>) -> Result<(), ImportError> {
        let batch = self.batch()?;
        let Offered {
            source,
            day,
            hash,
            updated_at,
            bytes,
        } = new;
        let (held_batch, held_day, held_block, held_source, held_updated) = {
            let (b, c) = self.window.get(at).ok_or_else(|| {
                ImportError::Workspace(Error::Corrupt("a found contact went missing".into()))
            })?;
            (
                b.batch_id,
                at.day,
                b.id,
                b.source.clone(),
                c.source_updated_at,
            )
        };
        if !newer_update(updated_at, held_updated) {
            if held_batch != batch {
                // Kept so that undoing the holding import hands the contact to this one.
                self.duplicates
                    .keep(self.tx.conn(), (batch, source, day), hash, |out| {
                        out.extend_from_slice(bytes)
                    })?;
            }
            self.tally.duplicate += 1;
            return Ok(());
        }
        let stored = ContactView::read(bytes)?.to_stored();
        if held_batch == batch {
            // A later delivery in the same file takes the earlier one's place.
            if held_day == day {
                self.window.put(at, stored);
            } else {
                self.window.take(at);
                self.window
                    .append(self.tx.conn(), batch, source, day, stored)?;
            }
        } else {
            // Another import holds it: its copy is kept, with where it was, for undo.
            let old = self.window.take(at).ok_or_else(|| {
                ImportError::Workspace(Error::Corrupt("a found contact went missing".into()))
            })?;
            let mut values = vec![
                rusqlite::types::Value::Integer(batch),
                held_block.map_or(
                    rusqlite::types::Value::Null,
                    rusqlite::types::Value::Integer,
                ),
                rusqlite::types::Value::Integer(i64::from(at.slot)),
            ];
            values.extend(old.row_values(held_batch, &held_source, held_day));
            insert_values(
                self.tx.conn(),
                "interaction_superseded",
                "replaced_by, block_id, slot, ",
                &values,
            )?;
            self.window
                .append(self.tx.conn(), batch, source, day, stored)?;
        }
        if held_batch == batch {
            self.close_day(held_day);
        }
        self.close_day(day);
        self.affected.insert((held_batch, day_text(held_day)));
        self.affected.insert((batch, day_text(day)));
        // Within one file a later delivery is a duplicate row; across files it takes over.
        if held_batch == batch {
            self.tally.duplicate += 1;
        } else {
            self.tally.taken += 1;
        }
        Ok(())
    }

    /// A contact's member ids in the order of `interaction`'s columns: channel, program, queue,
    /// site, team, agent.
    fn member_ids(&mut self, c: &Interaction) -> Result<[Option<i64>; 6], ImportError> {
        let channel = self.member(Dimension::Channel, c.channel.map(|ch| ch.as_str()))?;
        if let Some(id) = channel {
            self.channels.entry(id).or_insert(c.channel);
        }
        Ok([
            channel,
            self.shared_member(Dimension::Program, c.program.as_ref())?,
            self.shared_member(Dimension::Queue, c.queue.as_ref())?,
            self.shared_member(Dimension::Site, c.site.as_ref())?,
            self.shared_member(Dimension::Team, c.team.as_ref())?,
            self.shared_member(Dimension::Agent, c.agent.as_ref())?,
        ])
    }

    /// [`Self::member`] of a shared name, found by its address when it was met before.
    fn shared_member(
        &mut self,
        dim: Dimension,
        name: Option<&Arc<str>>,
    ) -> Result<Option<i64>, ImportError> {
        let Some(name) = name else {
            return Ok(None);
        };
        let slot = dim.index();
        let at = name.as_ptr() as usize;
        if let Some((_, id)) = self.shared_members[slot].get(&at) {
            return Ok(Some(*id));
        }
        let id = self.member(dim, Some(name))?;
        let shared = &mut self.shared_members[slot];
        // Names the workers stopped sharing (a column of unique values) are not kept forever.
        if shared.len() >= SHARED_MEMBERS {
            shared.clear();
        }
        if let Some(id) = id {
            shared.insert(at, (Arc::clone(name), id));
        }
        Ok(id)
    }
}

impl Sink for StoreSink<'_> {
    fn already_imported(&mut self, sha256: &str, kind: Kind) -> Result<Option<i64>, ImportError> {
        Ok(self
            .tx
            .conn()
            .query_row(
                "SELECT id FROM import_batch WHERE sha256 = ?1 AND kind = ?2 AND undone_at IS NULL
                 ORDER BY id LIMIT 1",
                params![sha256, kind.as_str()],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn imported_size(&mut self, size: u64, kind: Kind) -> Result<bool, ImportError> {
        Ok(self.tx.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM import_batch
                             WHERE file_size = ?1 AND kind = ?2 AND undone_at IS NULL)",
            params![size as i64, kind.as_str()],
            |r| r.get(0),
        )?)
    }

    fn fingerprinted(&mut self, sha256: &str) -> Result<(), ImportError> {
        let batch = self.batch()?;
        self.tx.conn().execute(
            "UPDATE import_batch SET sha256 = ?2 WHERE id = ?1",
            params![batch, sha256],
        )?;
        Ok(())
    }

    fn begin(&mut self, batch: &NewBatch) -> Result<(), ImportError> {
        self.batch_id = Some(self.tx.new_batch(batch)?);
        Ok(())
    }

    fn contact(&mut self, contact: NewContact) -> Result<(), ImportError> {
        self.take_contact(&contact)
    }
    /// Leaves the contacts where they are: they are only read (a contact the store keeps as it
    /// came is copied), and freeing them is the caller's.
    /// A chunk whose days run in order, forwards or backwards (a file in time order), is taken
    /// as it comes; the contacts of any other chunk wait in the backlog, to be taken day by day
    /// once the file is read. Taking contacts of many days one by one found each day's keys,
    /// open block and sums cold, and held them all in memory: an import of a million contacts in
    /// no time order spent 40% more processor time and 60% more memory that way than waiting.
    fn contacts(&mut self, contacts: &mut Vec<Box<NewContact>>) -> Result<(), ImportError> {
        let days = contacts.iter().map(|c| c.contact.day);
        let forwards = days.clone().zip(days.clone().skip(1)).all(|(a, b)| a <= b);
        let backwards = days.clone().zip(days.skip(1)).all(|(a, b)| a >= b);
        for c in contacts.iter() {
            if forwards || backwards {
                self.take_contact(c)?;
            } else {
                self.defer_contact(c)?;
            }
        }
        Ok(())
    }

    /// Takes the backlog day by day, in day order: each day's contacts in the order they came,
    /// with the day and the days either side in the window. A day's facts are written once its
    /// contacts are all in. The backlog is read back, and its contacts decoded and their
    /// measures summed, on a thread of its own ([`Backlog::drain`]) while this one looks their
    /// keys up, fills blocks and writes: in the same order as one thread would, so the
    /// workspace is the same.
    fn settle(
        &mut self,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<bool, ImportError> {
        let (Some(source), Ok(batch)) = (self.source.clone(), self.batch()) else {
            return Ok(true);
        };
        let total = self.backlog.len();
        if total == 0 {
            return Ok(true);
        }
        progress(0, total);
        let mut drain = self.backlog.drain(self.looker()?)?;
        self.window.settle();
        let mut done = 0u64;
        let mut ensured = None;
        let mut only_settled = false;
        while let Some(piece) = drain.next()? {
            if cancel.load(Ordering::Relaxed) {
                return Ok(false);
            }
            let day = piece.day;
            if ensured != Some(day) {
                self.window.ensure(self.tx.conn(), day)?;
                ensured = Some(day);
                only_settled = self.window.only_settled_near(day);
            }
            for c in &piece.contacts {
                // Not looked for when it cannot be found: its key hash is new among the
                // backlog's contacts taken so far near its day, and the window holds no other
                // keys near it (a file in no time order into a workspace without those days).
                let look = !(only_settled && c.look.new_key);
                #[cfg(test)]
                if !look {
                    SKIPPED_LOOK_UPS.with(|n| n.set(n.get() + 1));
                }
                self.take_waiting(batch, &source, &piece, c, look)?;
                done += 1;
                if done.is_multiple_of(65_536) {
                    progress(done, total);
                }
            }
            if piece.last {
                if self.sums.days.contains_key(&day) {
                    self.write_open_day(batch, day)?;
                }
                progress(done, total);
            }
        }
        Ok(true)
    }
    fn fact(&mut self, key: &DayKey, measures: &Measures) -> Result<(), ImportError> {
        let batch = self.batch()?;
        for dim in Dimension::ALL {
            self.member(dim, key.member(dim))?;
        }
        self.tx.insert_fact(batch, &key.to_fact_key(), measures)?;
        Ok(())
    }

    fn interval(
        &mut self,
        start: i64,
        key: &DayKey,
        measures: &Measures,
    ) -> Result<(), ImportError> {
        let batch = self.batch()?;
        let mut ids = [None; 4];
        for (slot, dim) in ids.iter_mut().zip(INTERVAL_DIMENSIONS) {
            *slot = self.member(dim, key.member(dim))?;
        }
        let day = day_text(key.day);
        let mut stmt = self.tx.conn().prepare_cached(upsert_interval_sql())?;
        stmt.raw_bind_parameter(1, batch)?;
        stmt.raw_bind_parameter(2, start)?;
        stmt.raw_bind_parameter(3, &day)?;
        for (i, id) in ids.iter().enumerate() {
            stmt.raw_bind_parameter(4 + i, id)?;
        }
        super::bind_measures(&mut stmt, 8, measures)?;
        stmt.raw_execute()?;
        drop(stmt);
        self.interval_days.insert(day);
        Ok(())
    }

    fn refusal(&mut self, r: &Refusal) -> Result<(), ImportError> {
        let batch = self.batch()?;
        self.tx
            .conn()
            .prepare_cached(
                "INSERT INTO import_refusal (batch_id, row_no, column_name, value, expected)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![batch, r.row as i64, r.column, r.value, r.expected])?;
        Ok(())
    }

    fn contact_members(
        &mut self,
        contact_key: &str,
        near: NaiveDate,
    ) -> Result<Option<[Option<String>; 6]>, ImportError> {
        // Blocks still being compressed are not in the file yet.
        self.window.flush(self.tx.conn())?;
        let Some(ids) = self.key_days.find(self.tx.conn(), contact_key, near)? else {
            return Ok(None);
        };
        if self.names.is_none() {
            self.names = Some(Names::load(self.tx.conn())?);
        }
        let names = self.names.as_ref().expect("just loaded");
        // Dimension::ALL order: program, queue, channel, site, team, agent.
        Ok(Some(Dimension::ALL.map(|dim| {
            let i = contacts::CONTACT_DIMENSIONS.iter().position(|d| *d == dim);
            names.name(dim, i.and_then(|i| ids[i])).map(str::to_string)
        })))
    }

    fn batch_measures(
        &mut self,
    ) -> Result<Option<Vec<crate::import::sink::BatchPart>>, ImportError> {
        let batch = self.batch()?;
        // The sums of the facts this import wrote, kept as they were written; grouped in SQL
        // when something else changed the batch's facts since.
        if let Some(parts) = self.tx.inserted_batch_parts(batch)? {
            #[cfg(test)]
            BATCH_PARTS_FROM_MEMORY.with(|n| n.set(n.get() + 1));
            return Ok(Some(named_parts(self.tx.conn(), parts)?));
        }
        Ok(Some(batch_sums(self.tx.conn(), batch)?))
    }

    fn finish(&mut self, counts: &Counts, now: DateTime<Utc>) -> Result<Finished, ImportError> {
        let batch = self.batch()?;
        if self.backlog.len() > 0 {
            self.settle(&AtomicBool::new(false), &mut |_, _| {})?;
        }
        // The blocks still being filled are compressed on the helper thread while this one
        // writes the days' facts held in memory.
        self.window.save_later(self.tx.conn())?;
        if let Some(source) = self.source.clone() {
            self.duplicates.save(self.tx.conn(), batch, &source)?;
        }
        let days: Vec<NaiveDate> = self.sums.days.keys().copied().collect();
        for day in days {
            self.write_open_day(batch, day)?;
        }
        self.window.save(self.tx.conn())?;
        let affected = std::mem::take(&mut self.affected);
        self.last_affected = None;
        recompute(&mut self.tx, &self.settings, &affected)?;
        let interval_days = std::mem::take(&mut self.interval_days);
        if !interval_days.is_empty() {
            // Intervals another import holds and this one brings again: this one's count.
            let mut days: BTreeSet<(i64, String)> =
                interval_days.into_iter().map(|d| (batch, d)).collect();
            let mut stmt = self.tx.conn().prepare(
                "UPDATE interval_row SET replaced_by = ?1 WHERE rowid IN (
                     SELECT o.rowid FROM interval_row n
                     JOIN interval_row o
                       ON o.started_at = n.started_at
                      AND ifnull(o.program_id, 0) = ifnull(n.program_id, 0)
                      AND ifnull(o.queue_id, 0) = ifnull(n.queue_id, 0)
                      AND ifnull(o.channel_id, 0) = ifnull(n.channel_id, 0)
                      AND ifnull(o.site_id, 0) = ifnull(n.site_id, 0)
                     WHERE n.batch_id = ?1 AND o.batch_id <> ?1 AND o.replaced_by IS NULL)
                 RETURNING batch_id, day",
            )?;
            let replaced = stmt.query_map([batch], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for row in replaced {
                days.insert(row?);
            }
            drop(stmt);
            recompute_intervals(self.tx.conn(), &days)?;
        }
        let counts = Counts {
            taken: counts.taken + self.tally.taken,
            duplicate: counts.duplicate + self.tally.duplicate,
            ..*counts
        };
        self.tx.finish_batch(
            batch,
            counts.read,
            counts.taken,
            counts.refused,
            counts.duplicate,
            now,
        )?;
        let (first, last): (Option<String>, Option<String>) = self.tx.conn().query_row(
            "SELECT first_day, last_day FROM import_batch WHERE id = ?1",
            [batch],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let parse =
            |d: Option<String>| d.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
        Ok(Finished {
            batch_id: batch,
            first_day: parse(first),
            last_day: parse(last),
            counts,
        })
    }
}

#[cfg(test)]
impl Workspace {
    /// A batch's facts summed for its report, grouped in SQL from the committed `fact` table.
    pub(crate) fn test_batch_parts(&self, batch: i64) -> Vec<crate::import::sink::BatchPart> {
        batch_sums(&self.conn, batch).unwrap()
    }

    /// One number read with `sql` (for import tests).
    pub(crate) fn test_number(&self, sql: &str, params: impl rusqlite::Params) -> Option<f64> {
        self.conn.query_row(sql, params, |r| r.get(0)).unwrap()
    }

    /// One text read with `sql` (for import tests).
    pub(crate) fn test_text(&self, sql: &str, params: impl rusqlite::Params) -> Option<String> {
        self.conn.query_row(sql, params, |r| r.get(0)).unwrap()
    }

    /// The sum of every fact's measures (for import tests).
    pub(crate) fn test_fact_totals(&self) -> Measures {
        use crate::measure::Measure;
        let mut total = Measures::default();
        for &m in Measure::ALL {
            let v: Option<f64> = self
                .conn
                .query_row(&format!("SELECT sum({}) FROM fact", m.as_str()), [], |r| {
                    r.get(0)
                })
                .expect("fact columns are named after measures");
            if let Some(v) = v {
                total.set(m, v);
            }
        }
        total
    }

    /// The sum of the measures of the facts whose `dim` is `name` (for import tests).
    pub(crate) fn test_fact_totals_in(&self, dim: Dimension, name: &str) -> Measures {
        use crate::measure::Measure;
        let table = super::member_table(dim);
        let mut total = Measures::default();
        for &m in Measure::ALL {
            let v: Option<f64> = self
                .conn
                .query_row(
                    &format!(
                        "SELECT sum(f.{}) FROM fact f JOIN {table} d ON d.id = f.{table}_id
                         WHERE d.name = ?1",
                        m.as_str()
                    ),
                    [name],
                    |r| r.get(0),
                )
                .expect("fact columns are named after measures");
            if let Some(v) = v {
                total.set(m, v);
            }
        }
        total
    }

    /// What the workspace holds, independent of how it was written: every row of every table as
    /// text, sorted, with dimension members by name rather than by id (an import numbers members
    /// in the order it meets them), fact ids and the blocks and slots contacts are packed in left
    /// out, contacts and duplicates listed one by one, and each import's file fingerprint left
    /// out (files with the same rows in another order differ in bytes). Two imports of the same
    /// rows in different orders must give the same dump.
    pub(crate) fn test_logical_dump(&self) -> String {
        use crate::measure::Dimension;
        let mut names: FxHashMap<(&str, i64), String> = FxHashMap::default();
        for dim in Dimension::ALL {
            let table = super::member_table(dim);
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT id, name FROM {table}"))
                .unwrap();
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
                .unwrap();
            for row in rows {
                let (id, name) = row.unwrap();
                names.insert((dim.as_str(), id), name);
            }
        }
        let member = |dim: &str, id: Option<i64>| -> String {
            id.map_or("-".into(), |id| {
                names
                    .get(&(dim, id))
                    .cloned()
                    .unwrap_or_else(|| format!("unknown {dim} {id}"))
            })
        };
        let contact_line = |batch: i64, day: NaiveDate, source: &str, c: &StoredContact| {
            let ids: Vec<String> = contacts::CONTACT_DIMENSIONS
                .iter()
                .zip(c.ids)
                .map(|(d, id)| member(d.as_str(), id))
                .collect();
            let mut c = c.clone();
            c.ids = [None; 6];
            format!("{batch}|{day}|{source}|{}|{c:?}", ids.join("|"))
        };
        let tables: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
                .unwrap();
            let rows = stmt.query_map([], |r| r.get(0)).unwrap();
            rows.collect::<rusqlite::Result<_>>().unwrap()
        };
        let member_tables: Vec<&str> = Dimension::ALL
            .iter()
            .map(|d| super::member_table(*d))
            .collect();
        let mut out = String::new();
        for table in &tables {
            let mut lines: Vec<String> = Vec::new();
            if table == "contact_block" || table == "duplicate_block" {
                let mut each = |b: contacts::Block| {
                    for c in b.held() {
                        lines.push(contact_line(b.batch_id, b.day, &b.source, c));
                    }
                    Ok(())
                };
                if table == "contact_block" {
                    contacts::each_block(&self.conn, &mut each).unwrap();
                } else {
                    contacts::each_duplicate_block(&self.conn, &mut each).unwrap();
                }
            } else {
                let mut stmt = self
                    .conn
                    .prepare(&format!("SELECT * FROM {table}"))
                    .unwrap();
                let cols: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
                let mut rows = stmt.query([]).unwrap();
                while let Some(r) = rows.next().unwrap() {
                    let mut cells = Vec::new();
                    let dimension: Option<String> = cols
                        .iter()
                        .position(|c| c == "dimension")
                        .and_then(|i| r.get(i).ok());
                    for (i, col) in cols.iter().enumerate() {
                        let v: rusqlite::types::Value = r.get(i).unwrap();
                        let skip = (col == "id"
                            && (table == "fact" || member_tables.contains(&table.as_str())))
                            || (table == "import_batch" && col == "sha256")
                            || (table == "interaction_superseded"
                                && (col == "block_id" || col == "slot"));
                        if skip {
                            continue;
                        }
                        let id = match v {
                            rusqlite::types::Value::Integer(id) => Some(id),
                            _ => None,
                        };
                        let dim = col
                            .strip_suffix("_id")
                            .filter(|d| Dimension::ALL.iter().any(|x| x.as_str() == *d));
                        let cell = match (dim, col.as_str(), &dimension) {
                            (Some(d), _, _) => member(d, id),
                            (None, "member_id", Some(d)) => member(d, id),
                            _ => format!("{v:?}"),
                        };
                        cells.push(cell);
                    }
                    lines.push(cells.join("|"));
                }
            }
            lines.sort();
            out.push_str(&format!("## {table}\n{}\n", lines.join("\n")));
        }
        out
    }

    /// Every row of every table as text, sorted; tables in `skip` are left out. Fact ids are
    /// left out (recomputed facts get new ids), and contacts are listed one by one with their
    /// batch, day and source, not as blocks (where a contact is packed is not what it is).
    pub(crate) fn test_dump(&self, skip: &[&str]) -> String {
        let tables: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
                .unwrap();
            let rows = stmt.query_map([], |r| r.get(0)).unwrap();
            rows.collect::<rusqlite::Result<_>>().unwrap()
        };
        let mut out = String::new();
        for table in tables.iter().filter(|t| !skip.contains(&t.as_str())) {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT * FROM {table}"))
                .unwrap();
            let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
            if table == "contact_block" || table == "duplicate_block" {
                // What a block's row says beside its data agrees with the data.
                let mut check = self
                    .conn
                    .prepare(if table == "contact_block" {
                        "SELECT source, contacts, last_customer_at, keys, data FROM contact_block"
                    } else {
                        "SELECT source, contacts, NULL, keys, data FROM duplicate_block"
                    })
                    .unwrap();
                let mut rows = check.query([]).unwrap();
                while let Some(r) = rows.next().unwrap() {
                    let source: String = r.get(0).unwrap();
                    let slots = contacts::decode(&r.get::<_, Vec<u8>>(4).unwrap()).unwrap();
                    let held = slots.iter().flatten();
                    assert_eq!(r.get::<_, i64>(1).unwrap(), held.clone().count() as i64);
                    if table == "contact_block" {
                        assert_eq!(
                            r.get::<_, Option<i64>>(2).unwrap(),
                            held.clone()
                                .filter(|c| c.customer_key.is_some())
                                .map(|c| c.started_at)
                                .max()
                        );
                    }
                    let keys: Vec<u8> = slots
                        .iter()
                        .flat_map(|c| {
                            c.as_ref()
                                .map_or(0, |c| contacts::key_hash(&source, &c.contact_key))
                                .to_le_bytes()
                        })
                        .collect();
                    assert_eq!(r.get::<_, Vec<u8>>(3).unwrap(), keys);
                }
                // Contacts, not their packing: blocks and slots depend on how they were written.
                let mut lines = Vec::new();
                let mut each = |b: contacts::Block| {
                    for c in b.held() {
                        lines.push(format!("{}|{}|{}|{c:?}", b.batch_id, b.day, b.source));
                    }
                    Ok(())
                };
                if table == "contact_block" {
                    contacts::each_block(&self.conn, &mut each).unwrap();
                } else {
                    contacts::each_duplicate_block(&self.conn, &mut each).unwrap();
                }
                lines.sort();
                out.push_str(&format!("## {table}\n{}\n", lines.join("\n")));
                continue;
            }
            let mut lines: Vec<String> = stmt
                .query_map([], |r| {
                    let mut cells = Vec::new();
                    for (i, name) in names.iter().enumerate() {
                        if (table == "fact" && name == "id")
                            || (table == "interaction_superseded"
                                && (name == "block_id" || name == "slot"))
                        {
                            continue;
                        }
                        let v: rusqlite::types::Value = r.get(i)?;
                        cells.push(format!("{v:?}"));
                    }
                    Ok(cells.join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            lines.sort();
            out.push_str(&format!("## {table}\n{}\n", lines.join("\n")));
        }
        out
    }
}

#[cfg(test)]
thread_local! {
    /// Imports on this thread whose report summed its batch from memory, not SQL.
    pub(crate) static BATCH_PARTS_FROM_MEMORY: std::cell::Cell<u64> =
        const { std::cell::Cell::new(0) };
    /// Contacts of the backlog taken on this thread without looking for their keys in the
    /// window (`settle`).
    pub(crate) static SKIPPED_LOOK_UPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// [`batch_sums`]'s rows from sums kept in memory: program and queue ids named.
fn named_parts(
    conn: &Connection,
    parts: Vec<(super::rollup::BatchGroup, Measures)>,
) -> Result<Vec<crate::import::sink::BatchPart>> {
    let names = |table: &str| -> Result<FxHashMap<i64, String>> {
        Ok(conn
            .prepare(&format!("SELECT id, name FROM {table}"))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    };
    let (programs, queues) = (names("program")?, names("queue")?);
    // As the SQL's LEFT JOIN: an id without a member has no name.
    let named =
        |names: &FxHashMap<i64, String>, id: Option<i64>| id.and_then(|id| names.get(&id).cloned());
    Ok(parts
        .into_iter()
        .map(
            |((known, program, queue, month), sums)| crate::import::sink::BatchPart {
                known,
                program: named(&programs, program),
                queue: named(&queues, queue),
                month,
                sums,
            },
        )
        .collect())
}

/// One batch's facts summed per coverage cell: the facts carrying the same measures in one
/// program, queue and month (`None` where none of a cell's facts measures it).
fn batch_sums(conn: &Connection, batch: i64) -> Result<Vec<crate::import::sink::BatchPart>> {
    use crate::measure::Measure;
    let sums = Measure::ALL
        .iter()
        .map(|m| format!("sum(f.{})", m.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let known = crate::measure::known_mask_sql("f.", Measure::ALL);
    let sql = format!(
        "SELECT {known} AS known, p.name, q.name, substr(f.day, 1, 7) AS month, {sums}
           FROM fact f
           LEFT JOIN program p ON p.id = f.program_id
           LEFT JOIN queue q ON q.id = f.queue_id
          WHERE f.batch_id = ?1
          GROUP BY known, f.program_id, f.queue_id, month"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([batch], |r| {
        let mut m = Measures::default();
        for (i, &measure) in Measure::ALL.iter().enumerate() {
            if let Some(v) = r.get::<_, Option<f64>>(4 + i)? {
                m.set(measure, v);
            }
        }
        let month: String = r.get(3)?;
        let year = month.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
        let mon = month.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
        Ok(crate::import::sink::BatchPart {
            known: r.get::<_, i64>(0)? as u64,
            program: r.get(1)?,
            queue: r.get(2)?,
            month: (year, mon),
            sums: m,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
