//! The store's side of importing: the sink that writes an import through one [`WriteTx`], undo
//! of a batch, and the refusals a batch recorded.
//!
//! Facts of an interactions batch are always the roll-up of the contacts that batch holds, per
//! day. Whenever a batch gains or loses contacts on a day (a new import, a newer Amazon Connect
//! delivery taking a contact over, an undo giving it back) that batch's facts for that day are
//! recomputed from its contacts, so a contact counts once, in the batch that holds it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use rustc_hash::FxHashMap;

use super::{timestamp, Workspace, WriteTx};
use crate::error::{Error, Result};
use crate::import::rollup::{contact_measures, rollup, Interaction, Outcome};
use crate::import::sink::newer;
use crate::import::{
    Counts, DayKey, Finished, ImportError, Kind, Mapping, MappingTemplate, Preset, Refusal, Sink,
    Taken, GENERIC_SOURCE,
};
use crate::measure::{Dimension, Measures};
use crate::settings::{Channel, Settings};

use super::NewBatch;

/// The columns of `interaction` after its id, in the order both tables list them.
const CONTACT_COLUMNS: &str =
    "batch_id, source, contact_key, started_at, day, channel_id, program_id, queue_id,
     site_id, team_id, agent_id, customer_key, direction, outcome, wait_s, talk_s, hold_s, wrap_s,
     handle_s, transferred, resolved, csat, nps, ces, source_updated_at";

fn day_text(d: NaiveDate) -> String {
    // Plain integer formatting: chrono's `format` parses its pattern on every call, and this runs
    // once per imported contact.
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// The secondary indexes of `interaction` a bulk import drops and builds again at the end, by
/// name and exactly as the migrations create them (0001, 0003), so the schema comes back
/// byte-identical. The unique (source, contact_key) key stays: it finds duplicates as they come.
const BULK_INDEXES: [(&str, &str); 3] = [
    (
        "interaction_customer",
        "CREATE INDEX interaction_customer ON interaction(customer_key, started_at) WHERE customer_key IS NOT NULL",
    ),
    (
        "interaction_batch_day",
        "CREATE INDEX interaction_batch_day ON interaction(batch_id, day)",
    ),
    (
        "interaction_day",
        "CREATE INDEX interaction_day ON interaction(day)",
    ),
];

/// `INSERT INTO interaction … ON CONFLICT DO NOTHING` with one parameter per contact column.
fn insert_contact_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let marks = (1..=CONTACT_COLUMNS.split(',').count())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "INSERT INTO interaction ({CONTACT_COLUMNS}) VALUES ({marks})
             ON CONFLICT (source, contact_key) DO NOTHING"
        )
    })
}

/// Writes one import. Dropping it without [`StoreSink::commit`] leaves the workspace unchanged.
pub struct StoreSink<'a> {
    tx: WriteTx<'a>,
    settings: Settings,
    batch_id: Option<i64>,
    /// (batch, day) pairs whose contact facts must be recomputed.
    affected: BTreeSet<(i64, String)>,
    /// The last (batch, day) added to `affected`: contacts come in runs of one day.
    last_affected: Option<(i64, NaiveDate)>,
    /// Member ids seen by this import, per dimension in [`Dimension::ALL`] order, looked up
    /// without allocating.
    known_members: [FxHashMap<String, i64>; 6],
    /// This batch's contact facts, built in memory as new contacts stream in, per day and
    /// member ids (in [`Dimension::ALL`] order): the same sums a recompute would read back.
    open_days: BTreeMap<NaiveDate, FxHashMap<[Option<i64>; 6], Measures>>,
    /// This batch's days whose facts are already written from `open_days`, or that a
    /// replacement touched: any further contact on them is recomputed from the stored contacts.
    closed_days: HashSet<NaiveDate>,
    /// Service threshold of each queue id met (its own `threshold_s`, if any).
    queue_thresholds: HashMap<i64, Option<u32>>,
    /// This batch's days with intervals: their facts are summed from `interval_row` at the end.
    interval_days: BTreeSet<String>,
    /// The secondary contact indexes ([`BULK_INDEXES`]), dropped for a large import into a small
    /// table and built again (sorted, much faster than row by row) before the batch finishes.
    rebuild_indexes: bool,
}

#[cfg(test)]
thread_local! {
    /// Tests force the bulk path (secondary indexes dropped and built again) on or off; `None`
    /// lets the sizes decide.
    pub(crate) static FORCE_BULK: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// Days of facts held in memory at once; older ones are written out. Exports come in time
/// order, so a day is rarely met again after this many later ones; when it is, that day is
/// recomputed from its stored contacts, which is slower but exact.
const OPEN_DAYS: usize = 8;

/// Rows per byte of a typical export, to guess an import's size before reading it.
const BYTES_PER_ROW: u64 = 120;

impl Workspace {
    /// A sink that writes an import into this workspace in one transaction.
    ///
    /// Foreign-key and CHECK constraints are not checked in this transaction (seven parent
    /// look-ups and a temporary B-tree for the outcome per contact): every id it writes is one it
    /// just read or created itself, every checked text comes from a closed enum. The next write
    /// checks them again.
    pub fn import_sink(&mut self, settings: Settings) -> Result<StoreSink<'_>> {
        self.conn
            .pragma_update(None, "cache_size", -super::IMPORT_CACHE_KIB)?;
        Ok(StoreSink {
            tx: self.write_with_foreign_keys(false)?,
            settings,
            batch_id: None,
            affected: BTreeSet::new(),
            last_affected: None,
            known_members: Default::default(),
            open_days: BTreeMap::new(),
            closed_days: HashSet::new(),
            queue_thresholds: HashMap::new(),
            interval_days: BTreeSet::new(),
            rebuild_indexes: false,
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
        let offered_elsewhere: Vec<(String, String)> = {
            let mut stmt = conn.prepare(
                "SELECT DISTINCT i.source, i.contact_key FROM interaction i
                 JOIN interaction_duplicate d ON d.source = i.source AND d.contact_key = i.contact_key
                 WHERE i.batch_id = ?1",
            )?;
            let rows = stmt.query_map([batch_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
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
        let contacts_removed =
            conn.execute("DELETE FROM interaction WHERE batch_id = ?1", [batch_id])?;
        // A contact this batch replaced that a later import has replaced again stays replaced,
        // now by that later import.
        conn.execute(
            "UPDATE interaction_superseded SET replaced_by =
                 (SELECT i.batch_id FROM interaction i
                  WHERE i.source = interaction_superseded.source
                    AND i.contact_key = interaction_superseded.contact_key)
             WHERE replaced_by = ?1 AND EXISTS
                 (SELECT 1 FROM interaction i
                  WHERE i.source = interaction_superseded.source
                    AND i.contact_key = interaction_superseded.contact_key)",
            [batch_id],
        )?;
        let mut affected: BTreeSet<(i64, String)> = {
            let mut stmt = conn.prepare(
                "SELECT DISTINCT s.batch_id, s.day FROM interaction_superseded s
                 JOIN import_batch b ON b.id = s.batch_id
                 WHERE s.replaced_by = ?1 AND b.undone_at IS NULL",
            )?;
            let rows = stmt.query_map([batch_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut restored = conn.execute(
            &format!(
                "INSERT INTO interaction (id, {CONTACT_COLUMNS})
                 SELECT s.id, {cols} FROM interaction_superseded s
                 JOIN import_batch b ON b.id = s.batch_id
                 WHERE s.replaced_by = ?1 AND b.undone_at IS NULL",
                cols = prefixed_columns("s.")
            ),
            [batch_id],
        )?;
        // Copies of this batch's contacts kept by later imports must never come back.
        conn.execute(
            "DELETE FROM interaction_superseded WHERE replaced_by = ?1 OR batch_id = ?1",
            [batch_id],
        )?;
        conn.execute(
            "DELETE FROM interaction_duplicate WHERE batch_id = ?1",
            [batch_id],
        )?;
        for (source, key) in offered_elsewhere {
            let copy: Option<(i64, i64, String)> = conn
                .query_row(
                    "SELECT d.rowid, d.batch_id, d.day FROM interaction_duplicate d
                     JOIN import_batch b ON b.id = d.batch_id
                     WHERE d.source = ?1 AND d.contact_key = ?2 AND b.undone_at IS NULL
                       AND NOT EXISTS (SELECT 1 FROM interaction i
                                       WHERE i.source = d.source AND i.contact_key = d.contact_key)
                     ORDER BY d.batch_id LIMIT 1",
                    params![source, key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            if let Some((rowid, holder, day)) = copy {
                conn.execute(
                    &format!(
                        "INSERT INTO interaction ({CONTACT_COLUMNS})
                         SELECT {CONTACT_COLUMNS} FROM interaction_duplicate WHERE rowid = ?1"
                    ),
                    [rowid],
                )?;
                conn.execute(
                    "DELETE FROM interaction_duplicate WHERE rowid = ?1",
                    [rowid],
                )?;
                affected.insert((holder, day));
                restored += 1;
            }
        }
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

fn prefixed_columns(prefix: &str) -> String {
    CONTACT_COLUMNS
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
    for (batch, day) in affected {
        tx.conn().execute(
            "DELETE FROM fact WHERE batch_id = ?1 AND day = ?2",
            params![batch, day],
        )?;
        let (contacts, thresholds) = load_contacts(tx.conn(), *batch, day)?;
        let facts = rollup(&contacts, settings, &|q| thresholds.get(q).copied());
        for (key, m) in &facts {
            tx.insert_fact(*batch, &key.to_fact_key(), m)?;
        }
    }
    Ok(())
}

/// The contacts a batch holds on a day, and the service thresholds of their queues.
fn load_contacts(
    conn: &Connection,
    batch: i64,
    day: &str,
) -> Result<(Vec<Interaction>, HashMap<String, u32>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.source, i.contact_key, i.started_at, i.day, c.name, p.name, q.name, s.name, t.name,
                a.name, i.customer_key, i.direction, i.outcome, i.wait_s, i.talk_s, i.hold_s, i.wrap_s,
                i.handle_s, i.transferred, i.resolved, i.csat, i.nps, i.ces, i.source_updated_at,
                q.threshold_s
         FROM interaction i
         LEFT JOIN channel c ON c.id = i.channel_id
         LEFT JOIN program p ON p.id = i.program_id
         LEFT JOIN queue q ON q.id = i.queue_id
         LEFT JOIN site s ON s.id = i.site_id
         LEFT JOIN team t ON t.id = i.team_id
         LEFT JOIN agent a ON a.id = i.agent_id
         WHERE i.batch_id = ?1 AND i.day = ?2
         ORDER BY i.id",
    )?;
    let mut thresholds = HashMap::new();
    let mut contacts = Vec::new();
    let mut rows = stmt.query(params![batch, day])?;
    while let Some(r) = rows.next()? {
        let day_text: String = r.get(3)?;
        let day = NaiveDate::parse_from_str(&day_text, "%Y-%m-%d")
            .map_err(|_| Error::Corrupt(format!("a contact has an unreadable day {day_text:?}")))?;
        let outcome_text: String = r.get(12)?;
        let outcome = Outcome::parse(&outcome_text).ok_or_else(|| {
            Error::Corrupt(format!("a contact has an unknown outcome {outcome_text:?}"))
        })?;
        let channel: Option<String> = r.get(4)?;
        let queue: Option<String> = r.get(6)?;
        if let (Some(q), Some(t)) = (&queue, r.get::<_, Option<i64>>(24)?) {
            thresholds.insert(q.clone(), t as u32);
        }
        contacts.push(Interaction {
            source: r.get(0)?,
            contact_key: r.get(1)?,
            started_at: r.get(2)?,
            day,
            channel: channel.and_then(|c| c.parse::<Channel>().ok()),
            program: r.get(5)?,
            queue: queue.map(Into::into),
            site: r.get(7)?,
            team: r.get(8)?,
            agent: r.get(9)?,
            customer_key: r.get(10)?,
            direction: r.get(11)?,
            outcome,
            wait_s: r.get(13)?,
            talk_s: r.get(14)?,
            hold_s: r.get(15)?,
            wrap_s: r.get(16)?,
            handle_s: r.get(17)?,
            transferred: r.get(18)?,
            resolved: r.get(19)?,
            csat: r.get(20)?,
            nps: r.get(21)?,
            ces: r.get(22)?,
            source_updated_at: r.get(23)?,
        });
    }
    Ok((contacts, thresholds))
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
    }
    Ok(())
}

/// Member ids from `interaction`'s column order to [`Dimension::ALL`] order.
fn fact_ids(ids: &[Option<i64>; 6]) -> [Option<i64>; 6] {
    [ids[1], ids[2], ids[0], ids[3], ids[4], ids[5]]
}

/// `YYYY-MM-DD` of a day, written into a buffer on the stack (once per contact, no
/// allocation); `None` for a year outside 0–9999, left to [`day_text`].
fn day_bytes(d: NaiveDate, buf: &mut [u8; 10]) -> Option<&str> {
    let y = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let (m, day) = (d.month(), d.day());
    let digits = [
        y / 1000,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        10,
        m / 10,
        m % 10,
        10,
        day / 10,
        day % 10,
    ];
    for (slot, v) in buf.iter_mut().zip(digits) {
        *slot = if v == 10 { b'-' } else { b'0' + v as u8 };
    }
    std::str::from_utf8(buf).ok()
}

/// Runs the prepared [`insert_contact_sql`] for one contact; 1 when it was new, 0 when held.
/// Binds each parameter in place (no parameter list built per contact).
fn insert_contact(
    stmt: &mut rusqlite::Statement<'_>,
    batch: i64,
    c: &Interaction,
    ids: &[Option<i64>; 6],
) -> rusqlite::Result<usize> {
    let mut buf = [0u8; 10];
    stmt.raw_bind_parameter(1, batch)?;
    stmt.raw_bind_parameter(2, &*c.source)?;
    stmt.raw_bind_parameter(3, c.contact_key.as_str())?;
    stmt.raw_bind_parameter(4, c.started_at)?;
    match day_bytes(c.day, &mut buf) {
        Some(day) => stmt.raw_bind_parameter(5, day)?,
        None => stmt.raw_bind_parameter(5, day_text(c.day))?,
    }
    for (i, id) in ids.iter().enumerate() {
        stmt.raw_bind_parameter(6 + i, id)?;
    }
    stmt.raw_bind_parameter(12, c.customer_key.as_deref())?;
    stmt.raw_bind_parameter(13, c.direction.as_deref())?;
    stmt.raw_bind_parameter(14, c.outcome.as_str())?;
    stmt.raw_bind_parameter(15, c.wait_s)?;
    stmt.raw_bind_parameter(16, c.talk_s)?;
    stmt.raw_bind_parameter(17, c.hold_s)?;
    stmt.raw_bind_parameter(18, c.wrap_s)?;
    stmt.raw_bind_parameter(19, c.handle_s)?;
    stmt.raw_bind_parameter(20, c.transferred)?;
    stmt.raw_bind_parameter(21, c.resolved)?;
    stmt.raw_bind_parameter(22, c.csat)?;
    stmt.raw_bind_parameter(23, c.nps)?;
    stmt.raw_bind_parameter(24, c.ces)?;
    stmt.raw_bind_parameter(25, c.source_updated_at)?;
    stmt.raw_execute()
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

    /// Adds a newly stored contact of this batch to its day's facts in memory, or marks the day
    /// for recomputing when its facts were already written or a replacement touched it.
    fn stream_fact(
        &mut self,
        batch: i64,
        key: [Option<i64>; 6],
        c: &Interaction,
    ) -> Result<(), ImportError> {
        if self.closed_days.contains(&c.day) {
            self.touch(batch, c.day);
            return Ok(());
        }
        let threshold = match key[Dimension::Queue.index()] {
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
        let m = contact_measures(c, &self.settings, threshold);
        if m.iter().all(|(_, v)| v.is_none()) {
            return Ok(());
        }
        if !self.open_days.contains_key(&c.day) && self.open_days.len() >= OPEN_DAYS {
            // Write out the day furthest from this one: exports run in time order, forwards
            // or backwards.
            let far = *self
                .open_days
                .keys()
                .max_by_key(|d| (**d - c.day).num_days().abs())
                .expect("OPEN_DAYS > 0");
            self.write_open_day(batch, far)?;
        }
        let slot = self
            .open_days
            .entry(c.day)
            .or_default()
            .entry(key)
            .or_default();
        for (measure, v) in m.iter() {
            if let Some(v) = v {
                slot.add(measure, v);
            }
        }
        Ok(())
    }

    /// Writes one day's facts from memory; later contacts on it are recomputed.
    fn write_open_day(&mut self, batch: i64, day: NaiveDate) -> Result<(), ImportError> {
        if let Some(facts) = self.open_days.remove(&day) {
            let mut keys: Vec<_> = facts.into_iter().collect();
            // A stable order, so the same file always writes the same rows.
            keys.sort_by_key(|k| k.0);
            for (ids, m) in &keys {
                self.tx.insert_fact_ids(batch, day, false, ids, m)?;
            }
        }
        self.closed_days.insert(day);
        Ok(())
    }

    /// A replacement changed which contacts this batch holds on `day`: its facts come from the
    /// stored contacts instead of memory.
    fn close_day(&mut self, day: NaiveDate) {
        self.open_days.remove(&day);
        self.closed_days.insert(day);
    }

    /// A contact's member ids in the order of `interaction`'s columns: channel, program, queue,
    /// site, team, agent.
    fn member_ids(&mut self, c: &Interaction) -> Result<[Option<i64>; 6], ImportError> {
        Ok([
            self.member(Dimension::Channel, c.channel.map(|ch| ch.as_str()))?,
            self.member(Dimension::Program, c.program.as_deref())?,
            self.member(Dimension::Queue, c.queue.as_deref())?,
            self.member(Dimension::Site, c.site.as_deref())?,
            self.member(Dimension::Team, c.team.as_deref())?,
            self.member(Dimension::Agent, c.agent.as_deref())?,
        ])
    }

    fn contact_values(
        &mut self,
        batch: i64,
        c: &Interaction,
    ) -> Result<Vec<rusqlite::types::Value>, ImportError> {
        use rusqlite::types::Value;
        let ids = self.member_ids(c)?;
        let text = |s: &Option<String>| s.clone().map_or(Value::Null, Value::Text);
        let real = |v: Option<f64>| v.map_or(Value::Null, Value::Real);
        let int = |v: Option<i64>| v.map_or(Value::Null, Value::Integer);
        let flag = |v: Option<bool>| v.map_or(Value::Null, |b| Value::Integer(b as i64));
        let mut values = vec![
            Value::Integer(batch),
            Value::Text(c.source.to_string()),
            Value::Text(c.contact_key.clone()),
            Value::Integer(c.started_at),
            Value::Text(day_text(c.day)),
        ];
        values.extend(ids.iter().map(|id| int(*id)));
        values.extend([
            text(&c.customer_key),
            text(&c.direction.as_deref().map(String::from)),
            Value::Text(c.outcome.as_str().into()),
            real(c.wait_s),
            real(c.talk_s),
            real(c.hold_s),
            real(c.wrap_s),
            real(c.handle_s),
            flag(c.transferred),
            flag(c.resolved),
            int(c.csat),
            int(c.nps),
            int(c.ces),
            int(c.source_updated_at),
        ]);
        Ok(values)
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

    fn begin(&mut self, batch: &NewBatch) -> Result<(), ImportError> {
        self.batch_id = Some(self.tx.new_batch(batch)?);
        if batch.kind == Kind::Interactions.as_str() {
            // Inserting contacts into the secondary indexes one by one lands each at a random
            // place; building them whole at the end sorts once. Worth it when the import is the
            // larger part of the table; `max(id)` bounds the rows held without counting them.
            // Nothing reads them before `finish` builds them again: the slow path of `contact`
            // looks contacts up by the unique key, and recomputing days waits for `finish`.
            let held: i64 = self.tx.conn().query_row(
                "SELECT coalesce(max(id), 0) FROM interaction",
                [],
                |r| r.get(0),
            )?;
            let bulk = (held as u64) < batch.file_size / BYTES_PER_ROW;
            #[cfg(test)]
            let bulk = FORCE_BULK.with(|f| f.get()).unwrap_or(bulk);
            if bulk {
                for (name, _) in BULK_INDEXES {
                    self.tx
                        .conn()
                        .execute_batch(&format!("DROP INDEX {name}"))?;
                }
                self.rebuild_indexes = true;
            }
        }
        Ok(())
    }

    fn contacts(
        &mut self,
        contacts: Vec<Interaction>,
        taken: &mut Vec<Taken>,
    ) -> Result<(), ImportError> {
        let batch = self.batch()?;
        let mut ids = Vec::with_capacity(contacts.len());
        for c in &contacts {
            ids.push(self.member_ids(c)?);
        }

        // One statement for the run: the common case, contacts seen for the first time.
        let mut inserted = Vec::with_capacity(contacts.len());
        {
            let mut stmt = self.tx.conn().prepare_cached(insert_contact_sql())?;
            for (c, ids) in contacts.iter().zip(&ids) {
                inserted.push(insert_contact(&mut stmt, batch, c, ids)? == 1);
            }
        }

        // Contacts already held go the long way, in file order, after the new ones of the run:
        // only rows with the same key affect each other, and their order is kept.
        for ((c, ids), new) in contacts.into_iter().zip(ids).zip(inserted) {
            if new {
                self.stream_fact(batch, fact_ids(&ids), &c)?;
                taken.push(Taken::New);
            } else {
                taken.push(self.contact(c)?);
            }
        }
        Ok(())
    }

    fn contact(&mut self, contact: Interaction) -> Result<Taken, ImportError> {
        let batch = self.batch()?;
        let ids = self.member_ids(&contact)?;
        // The common case, a contact seen for the first time, binds straight from the contact.
        let inserted = {
            let mut stmt = self.tx.conn().prepare_cached(insert_contact_sql())?;
            insert_contact(&mut stmt, batch, &contact, &ids)?
        };
        if inserted == 1 {
            self.stream_fact(batch, fact_ids(&ids), &contact)?;
            return Ok(Taken::New);
        }
        let values = self.contact_values(batch, &contact)?;
        let day = day_text(contact.day);
        let held: (i64, i64, String, Option<i64>) = self.tx.conn().query_row(
            "SELECT id, batch_id, day, source_updated_at FROM interaction
             WHERE source = ?1 AND contact_key = ?2",
            params![contact.source, contact.contact_key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let (held_id, held_batch, held_day, held_updated) = held;
        let held_probe = Interaction {
            source_updated_at: held_updated,
            ..contact.clone()
        };
        if !newer(&contact, &held_probe) {
            if held_batch != batch {
                let marks = (1..=values.len())
                    .map(|i| format!("?{i}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.tx
                    .conn()
                    .prepare_cached(&format!(
                        "INSERT INTO interaction_duplicate ({CONTACT_COLUMNS}) VALUES ({marks})"
                    ))?
                    .execute(rusqlite::params_from_iter(values.iter()))?;
            }
            return Ok(Taken::Duplicate);
        }
        if held_batch != batch {
            self.tx.conn().execute(
                &format!(
                    "INSERT INTO interaction_superseded (replaced_by, id, {CONTACT_COLUMNS})
                     SELECT ?1, id, {CONTACT_COLUMNS} FROM interaction WHERE id = ?2"
                ),
                params![batch, held_id],
            )?;
        }
        let sets = CONTACT_COLUMNS
            .split(',')
            .enumerate()
            .map(|(i, c)| format!("{} = ?{}", c.trim(), i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let mut all = values;
        all.push(rusqlite::types::Value::Integer(held_id));
        let id_mark = all.len();
        self.tx.conn().execute(
            &format!("UPDATE interaction SET {sets} WHERE id = ?{id_mark}"),
            rusqlite::params_from_iter(all.iter()),
        )?;
        if held_batch == batch {
            if let Ok(d) = NaiveDate::parse_from_str(&held_day, "%Y-%m-%d") {
                self.close_day(d);
            }
        }
        self.close_day(contact.day);
        self.affected.insert((held_batch, held_day));
        self.affected.insert((batch, day));
        // Within one file a later delivery is a duplicate row; across files it takes over.
        Ok(if held_batch == batch {
            Taken::Duplicate
        } else {
            Taken::Replaced
        })
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
        for (i, (measure, value)) in measures.iter().enumerate() {
            let at = 8 + i;
            match value {
                None => stmt.raw_bind_parameter(at, rusqlite::types::Null)?,
                Some(v) if measure.is_count() => stmt.raw_bind_parameter(at, v.round() as i64)?,
                Some(v) => stmt.raw_bind_parameter(at, v)?,
            }
        }
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
    ) -> Result<Option<[Option<String>; 6]>, ImportError> {
        // Dimension::ALL order: program, queue, channel, site, team, agent. Naming every source
        // lets the unique (source, contact_key) index find the key.
        static SQL: OnceLock<String> = OnceLock::new();
        let sql = SQL.get_or_init(|| {
            let mut sources: Vec<&str> = Preset::ALL.iter().map(|p| p.source()).collect();
            sources.push(GENERIC_SOURCE);
            sources.sort_unstable();
            sources.dedup();
            let list = sources
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "SELECT p.name, q.name, c.name, s.name, t.name, a.name
                 FROM interaction i
                 LEFT JOIN program p ON p.id = i.program_id
                 LEFT JOIN queue q ON q.id = i.queue_id
                 LEFT JOIN channel c ON c.id = i.channel_id
                 LEFT JOIN site s ON s.id = i.site_id
                 LEFT JOIN team t ON t.id = i.team_id
                 LEFT JOIN agent a ON a.id = i.agent_id
                 WHERE i.source IN ({list}) AND i.contact_key = ?1
                 ORDER BY i.id LIMIT 1"
            )
        });
        Ok(self
            .tx
            .conn()
            .prepare_cached(sql)?
            .query_row([contact_key], |r| {
                Ok([
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ])
            })
            .optional()?)
    }

    fn finish(&mut self, counts: &Counts, now: DateTime<Utc>) -> Result<Finished, ImportError> {
        let batch = self.batch()?;
        let days: Vec<NaiveDate> = self.open_days.keys().copied().collect();
        for day in days {
            self.write_open_day(batch, day)?;
        }
        if std::mem::take(&mut self.rebuild_indexes) {
            // The parsing thread is done by now: SQLite may sort with helper threads.
            self.tx.conn().pragma_update(None, "threads", 2)?;
            for (_, sql) in BULK_INDEXES {
                self.tx.conn().execute_batch(sql)?;
            }
            self.tx.conn().pragma_update(None, "threads", 0)?;
        }
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
        })
    }
}

#[cfg(test)]
impl Workspace {
    /// One number read with `sql` (for import tests).
    pub(crate) fn test_number(&self, sql: &str, params: impl rusqlite::Params) -> Option<f64> {
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

    /// Every row of every table as text, fact ids left out (recomputed facts get new ids) and
    /// facts sorted; tables in `skip` are left out.
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
            let mut lines: Vec<String> = stmt
                .query_map([], |r| {
                    let mut cells = Vec::new();
                    for (i, name) in names.iter().enumerate() {
                        if table == "fact" && name == "id" {
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
mod day_tests {
    use super::*;

    #[test]
    fn a_day_is_written_on_the_stack_as_iso_text() {
        let mut buf = [0u8; 10];
        for (y, m, d, want) in [
            (2026, 7, 1, "2026-07-01"),
            (2026, 12, 31, "2026-12-31"),
            (1999, 1, 9, "1999-01-09"),
            (905, 10, 20, "0905-10-20"),
        ] {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(day_bytes(day, &mut buf), Some(want));
            assert_eq!(day_text(day), want, "the same text as the allocating form");
        }
        let far = NaiveDate::from_ymd_opt(10000, 1, 1).unwrap();
        assert_eq!(day_bytes(far, &mut buf), None, "left to day_text");
        assert_eq!(day_text(far), "10000-01-01");
    }
}
