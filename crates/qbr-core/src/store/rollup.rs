//! The day-grain rollup of `fact` over program, queue, channel and site (`fact_rollup`, format
//! 4). Triggers mark the days a write touches; [`refresh`] rebuilds those days before the write
//! commits; readers ask [`Workspace::rollup_is_current`] and fall back to `fact` otherwise, so the
//! rollup can only ever make a query faster, never change its answer.

use std::sync::OnceLock;

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension};
use rustc_hash::{FxHashMap, FxHashSet};

use super::{bind_measures, Workspace};
use crate::error::Result;
use crate::measure::{Dimension, Measure, Measures};

/// The dimensions the rollup keeps; grouping or filtering by any other needs `fact`.
pub(crate) const ROLLUP_DIMENSIONS: [Dimension; 4] = [
    Dimension::Program,
    Dimension::Queue,
    Dimension::Channel,
    Dimension::Site,
];

/// The `fact_rollup` rows of the facts one transaction inserted, per day, summed as they are
/// bound. At commit a day whose facts are exactly these (none older, none deleted or changed in
/// the meantime) takes them as they are, instead of being read back and grouped in SQL.
#[derive(Debug, Default)]
pub(super) struct InsertedRollup {
    pub(super) days: FxHashMap<String, InsertedDay>,
    /// Batches the facts belong to: a day of an undone batch is left to SQL, which leaves it out.
    pub(super) batches: FxHashSet<i64>,
    groups: usize,
    /// More groups than [`INSERTED_GROUPS`]: every day is rebuilt in SQL.
    pub(super) dropped: bool,
}

/// One day of [`InsertedRollup`].
#[derive(Debug, Default)]
pub(super) struct InsertedDay {
    /// Fact rows inserted on the day.
    pub(super) facts: u64,
    /// Measures by month grain, program, queue, channel and site ids, and the measures the
    /// facts carry (the rollup's key: rows carrying different measures are kept apart).
    pub(super) groups: FxHashMap<(bool, [Option<i64>; 4], u64), Measures>,
}

/// Rollup groups held in memory at most (about 700 bytes each); a quarter of a large program has
/// a few thousand.
const INSERTED_GROUPS: usize = 50_000;

impl InsertedRollup {
    /// Adds one fact row as bound: counts rounded, a missing measure left missing.
    pub(super) fn add(
        &mut self,
        batch_id: i64,
        day: &str,
        monthly: bool,
        ids: &[Option<i64>; 6],
        m: &Measures,
    ) {
        if self.dropped {
            return;
        }
        self.batches.insert(batch_id);
        let entry = match self.days.get_mut(day) {
            Some(d) => d,
            None => self.days.entry(day.to_string()).or_default(),
        };
        entry.facts += 1;
        let key = (
            monthly,
            ROLLUP_DIMENSIONS.map(|d| ids[d.index()]),
            m.known(),
        );
        let sums = match entry.groups.get_mut(&key) {
            Some(sums) => sums,
            None => {
                self.groups += 1;
                if self.groups > INSERTED_GROUPS {
                    *self = InsertedRollup {
                        dropped: true,
                        ..InsertedRollup::default()
                    };
                    return;
                }
                entry.groups.entry(key).or_default()
            }
        };
        add_as_bound(sums, m);
    }
}

/// Adds `m` to `sums` as a fact row stores it: counts rounded, a missing measure left missing.
fn add_as_bound(sums: &mut Measures, m: &Measures) {
    for (measure, value) in m.iter() {
        if let Some(v) = value.filter(|v| !v.is_nan()) {
            sums.add(measure, if measure.is_count() { v.round() } else { v });
        }
    }
}

/// The facts one transaction inserted for each batch, summed as bound by measures carried,
/// program, queue and month: what an import's report shows of its batch
/// ([`super::import`]'s `batch_sums` groups the same in SQL). Trusted for a batch only while
/// `fact` holds exactly these rows of it ([`InsertedBatches::parts`] checks).
#[derive(Debug, Default)]
pub(super) struct InsertedBatches {
    batches: FxHashMap<i64, InsertedBatch>,
}

/// One batch of [`InsertedBatches`].
#[derive(Debug, Default)]
struct InsertedBatch {
    facts: u64,
    days: FxHashSet<String>,
    groups: FxHashMap<BatchGroup, Measures>,
    /// More groups than [`BATCH_GROUPS`]: the batch is left to SQL.
    dropped: bool,
}

/// Measures carried, program id, queue id, month (year, month).
pub(super) type BatchGroup = (u64, Option<i64>, Option<i64>, (i32, u32));

/// Groups one batch keeps at most (about 700 bytes each; a quarter of a large program has a
/// few hundred); beyond it the batch is left to SQL.
const BATCH_GROUPS: usize = 10_000;

impl InsertedBatches {
    /// Adds one fact row of `batch_id` on `day` ("YYYY-MM-DD") as bound.
    pub(super) fn add(&mut self, batch_id: i64, day: &str, ids: &[Option<i64>; 6], m: &Measures) {
        let b = self.batches.entry(batch_id).or_default();
        if b.dropped {
            return;
        }
        if b.groups.len() >= BATCH_GROUPS {
            *b = InsertedBatch {
                dropped: true,
                ..InsertedBatch::default()
            };
            return;
        }
        b.facts += 1;
        if !b.days.contains(day) {
            b.days.insert(day.to_string());
        }
        let month = (
            day.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0),
            day.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0),
        );
        let key = (
            m.known(),
            ids[Dimension::Program.index()],
            ids[Dimension::Queue.index()],
            month,
        );
        add_as_bound(b.groups.entry(key).or_default(), m);
    }

    /// `batch_id`'s sums by (measures carried, program id, queue id, month), in that order, when
    /// `fact` holds exactly the rows this transaction inserted for it: as many of them, none
    /// deleted or changed on their days (the temporary `fact_changed` table), and no more
    /// groups than kept. `None` otherwise: the caller groups in SQL.
    pub(super) fn parts(
        &self,
        conn: &Connection,
        batch_id: i64,
    ) -> Result<Option<Vec<(BatchGroup, Measures)>>> {
        let Some(b) = self.batches.get(&batch_id) else {
            return Ok(None);
        };
        if b.dropped {
            return Ok(None);
        }
        let stored: i64 = conn.query_row(
            "SELECT count(*) FROM fact WHERE batch_id = ?1",
            [batch_id],
            |r| r.get(0),
        )?;
        if stored as u64 != b.facts {
            return Ok(None);
        }
        let mut changed = conn.prepare("SELECT 1 FROM temp.fact_changed WHERE day = ?1")?;
        for day in &b.days {
            if changed.exists([day])? {
                return Ok(None);
            }
        }
        let mut parts: Vec<(BatchGroup, Measures)> =
            b.groups.iter().map(|(k, m)| (*k, m.clone())).collect();
        parts.sort_unstable_by_key(|p| p.0);
        Ok(Some(parts))
    }
}

/// Connection-local bookkeeping for [`InsertedRollup`]: the days on which a fact row was deleted
/// or changed during the transaction. Temporary objects never reach the workspace file.
pub(super) const TRACK_CHANGED_FACTS: &str =
    "CREATE TEMP TABLE IF NOT EXISTS fact_changed (day TEXT PRIMARY KEY) WITHOUT ROWID;
     CREATE TEMP TRIGGER IF NOT EXISTS fact_changed_delete AFTER DELETE ON main.fact BEGIN
         INSERT OR IGNORE INTO fact_changed (day) VALUES (OLD.day);
     END;
     CREATE TEMP TRIGGER IF NOT EXISTS fact_changed_update AFTER UPDATE ON main.fact BEGIN
         INSERT OR IGNORE INTO fact_changed (day) VALUES (OLD.day);
         INSERT OR IGNORE INTO fact_changed (day) VALUES (NEW.day);
     END;
     DELETE FROM fact_changed;";

/// Marks `day` for the rollup to rebuild, as the `fact_rollup_insert` trigger does for every
/// fact inserted while it is not suspended.
pub(super) fn mark_rollup_day(conn: &Connection, day: &str) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO rollup_dirty (day) VALUES (?1)")?
        .execute([day])?;
    Ok(())
}

fn refresh_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let names: Vec<&str> = Measure::ALL.iter().map(|m| m.as_str()).collect();
        let sums: Vec<String> = names.iter().map(|m| format!("sum({m})")).collect();
        // Rows carrying different measures stay in different rollup rows, so that a reader can
        // tell from a rollup row's NULLs exactly which measures all its facts carry (coverage:
        // an unknown numerator is never summed as 0 beside a known one).
        format!(
            "DELETE FROM fact_rollup WHERE day IN (SELECT day FROM rollup_dirty);
             INSERT INTO fact_rollup (day, grain, program_id, queue_id, channel_id, site_id, {names})
             SELECT day, grain, program_id, queue_id, channel_id, site_id, {sums}
               FROM fact
              WHERE day IN (SELECT day FROM rollup_dirty)
                AND batch_id NOT IN (SELECT id FROM import_batch WHERE undone_at IS NOT NULL)
              GROUP BY day, grain, program_id, queue_id, channel_id, site_id, {known};
             DELETE FROM rollup_dirty;",
            names = names.join(", "),
            sums = sums.join(", "),
            known = crate::measure::known_mask_sql("", Measure::ALL),
        )
    })
}

fn insert_rollup_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let names: Vec<&str> = Measure::ALL.iter().map(|m| m.as_str()).collect();
        let marks: Vec<String> = (7..7 + names.len()).map(|i| format!("?{i}")).collect();
        format!(
            "INSERT INTO fact_rollup (day, grain, program_id, queue_id, channel_id, site_id, {})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, {})",
            names.join(", "),
            marks.join(", "),
        )
    })
}

/// How [`refresh`] brought the rollup's dirty days up to date.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refreshed {
    /// Days whose rows came from the sums of the facts the transaction inserted.
    pub(crate) from_memory: usize,
    /// Days read back from `fact` and grouped in SQL.
    pub(crate) rebuilt: usize,
}

/// Rebuilds the rollup for every day marked dirty, inside the caller's transaction.
///
/// A day whose facts are all ones this transaction inserted takes their sums from `inserted`:
/// when no fact of the day was deleted or changed since the transaction began (the temporary
/// `fact_changed` table says so) and the day holds as many facts as were inserted on it, its
/// facts are exactly those, so their sums are the group's. Every other day is grouped in SQL.
pub(crate) fn refresh(conn: &Connection, inserted: &InsertedRollup) -> Result<Refreshed> {
    let dirty: Vec<String> = conn
        .prepare("SELECT day FROM rollup_dirty")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut refreshed = Refreshed::default();
    if dirty.is_empty() {
        return Ok(refreshed);
    }
    if usable(conn, inserted)? {
        let changed: HashSet<String> = conn
            .prepare("SELECT day FROM temp.fact_changed")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut count = conn.prepare("SELECT count(*) FROM fact WHERE day = ?1")?;
        let mut insert = conn.prepare(insert_rollup_sql())?;
        for day in &dirty {
            let Some(facts) = inserted.days.get(day) else {
                continue;
            };
            if changed.contains(day)
                || count.query_row([day], |r| r.get::<_, i64>(0))? as u64 != facts.facts
            {
                continue;
            }
            conn.execute("DELETE FROM fact_rollup WHERE day = ?1", [day])?;
            // A stable order, so the same facts always write the same rows.
            let mut groups: Vec<_> = facts.groups.iter().collect();
            groups.sort_unstable_by_key(|g| *g.0);
            for ((monthly, ids, _known), sums) in groups {
                insert.raw_bind_parameter(1, day)?;
                insert.raw_bind_parameter(2, if *monthly { "month" } else { "day" })?;
                for (i, id) in ids.iter().enumerate() {
                    insert.raw_bind_parameter(3 + i, id)?;
                }
                bind_measures(&mut insert, 7, sums)?;
                insert.raw_execute()?;
            }
            conn.execute("DELETE FROM rollup_dirty WHERE day = ?1", [day])?;
            refreshed.from_memory += 1;
        }
    }
    refreshed.rebuilt = dirty.len() - refreshed.from_memory;
    if refreshed.rebuilt > 0 {
        conn.execute_batch(refresh_sql())?;
    }
    Ok(refreshed)
}

/// Whether `inserted` can stand in for any day: it kept every group, and none of its batches
/// was undone (facts of an undone batch stay in `fact` but not in the rollup).
fn usable(conn: &Connection, inserted: &InsertedRollup) -> Result<bool> {
    if inserted.dropped || inserted.days.is_empty() {
        return Ok(false);
    }
    let mut undone =
        conn.prepare("SELECT undone_at IS NOT NULL FROM import_batch WHERE id = ?1")?;
    for batch in &inserted.batches {
        if undone
            .query_row([batch], |r| r.get::<_, bool>(0))
            .optional()?
            .unwrap_or(true)
        {
            return Ok(false);
        }
    }
    Ok(true)
}

impl Workspace {
    /// Whether `fact_rollup` holds every day as `fact` does now.
    pub(crate) fn rollup_is_current(&self) -> Result<bool> {
        Ok(!self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM rollup_dirty)", [], |r| {
                r.get::<_, bool>(0)
            })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection with a `fact` table of one batch column and the temporary `fact_changed`.
    fn conn_with_facts(batch: i64, facts: usize) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE fact (batch_id INTEGER, day TEXT);
             CREATE TEMP TABLE fact_changed (day TEXT PRIMARY KEY) WITHOUT ROWID;",
        )
        .unwrap();
        for _ in 0..facts {
            conn.execute("INSERT INTO fact VALUES (?1, '2026-07-01')", [batch])
                .unwrap();
        }
        conn
    }

    #[test]
    fn a_batchs_sums_stand_for_its_facts_only_while_they_are_exactly_these() {
        let mut m = Measures::default();
        m.set(Measure::Offered, 2.4);
        m.set(Measure::HandleS, 30.5);
        let mut kept = InsertedBatches::default();
        let ids = [Some(1), Some(7), None, None, None, None];
        kept.add(3, "2026-07-01", &ids, &m);
        kept.add(3, "2026-07-01", &ids, &m);
        let conn = conn_with_facts(3, 2);
        let parts = kept
            .parts(&conn, 3)
            .unwrap()
            .expect("the two facts are all of batch 3");
        assert_eq!(parts.len(), 1);
        let ((_, program, queue, month), sums) = &parts[0];
        assert_eq!((*program, *queue, *month), (Some(1), Some(7), (2026, 7)));
        // Counts are bound rounded (2.4 -> 2), seconds as they are.
        assert_eq!(sums.get(Measure::Offered), Some(4.0));
        assert_eq!(sums.get(Measure::HandleS), Some(61.0));
        // A third fact of the batch that did not pass through: SQL must group.
        conn.execute("INSERT INTO fact VALUES (3, '2026-07-02')", [])
            .unwrap();
        assert!(kept.parts(&conn, 3).unwrap().is_none());
        // The same count, but a fact of the day deleted and another inserted in its place.
        let conn = conn_with_facts(3, 2);
        conn.execute("INSERT INTO fact_changed VALUES ('2026-07-01')", [])
            .unwrap();
        assert!(kept.parts(&conn, 3).unwrap().is_none());
        // A batch this transaction did not insert into.
        assert!(kept.parts(&conn_with_facts(4, 0), 4).unwrap().is_none());
    }

    #[test]
    fn a_batch_of_too_many_groups_is_left_to_sql() {
        let mut kept = InsertedBatches::default();
        let m = Measures::default();
        for q in 0..=BATCH_GROUPS as i64 {
            kept.add(
                1,
                "2026-07-01",
                &[None, Some(q), None, None, None, None],
                &m,
            );
        }
        let conn = conn_with_facts(1, BATCH_GROUPS + 1);
        assert!(kept.parts(&conn, 1).unwrap().is_none());
        assert!(kept.batches[&1].groups.is_empty(), "its groups are freed");
    }
}
