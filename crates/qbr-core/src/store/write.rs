//! Write transactions: import batches, dimension members, facts and targets. Everything written
//! through one [`WriteTx`] commits together or not at all.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, Utc};

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::rollup::{mark_rollup_day, InsertedBatches, InsertedRollup};
use super::{bind_measures, classify, timestamp};
use crate::error::Result;
use crate::measure::{Dimension, Measure, Measures};
use crate::model::{FactKey, NewBatch};

/// An open write transaction on a workspace.
pub struct WriteTx<'a> {
    tx: Transaction<'a>,
    path: PathBuf,
    members: HashMap<(Dimension, String), i64>,
    /// The rollup of every fact this transaction inserted, for [`super::rollup::refresh`].
    inserted: InsertedRollup,
    /// The same facts by batch, for an import's report ([`WriteTx::inserted_batch_parts`]).
    inserted_batches: InsertedBatches,
    /// The SQL of `fact_rollup_insert` while this transaction holds it suspended
    /// ([`WriteTx::suspend_rollup_insert_trigger`]).
    suspended_trigger: Option<String>,
}

/// A contract target as entered.
#[derive(Debug, Clone)]
pub struct NewTarget {
    pub metric_id: String,
    pub scope: Option<(Dimension, String)>,
    pub direction: String,
    pub value: f64,
    pub value_high: Option<f64>,
    pub tolerance: f64,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// Fact rows one INSERT statement writes on the import's path. One statement a row would have
/// SQLite run the rollup trigger's set-up for each row; with many rows a statement, once for
/// all of them.
const FACT_ROWS_PER_INSERT: usize = 32;

/// Parameters of one fact row after the three it shares with the others (batch, day, grain):
/// its member ids, then its measures.
const FACT_ROW_PARAMS: usize = Dimension::ALL.len() + Measure::COUNT;

/// `INSERT INTO fact` of `rows` rows: batch, day and grain are ?1, ?2 and ?3; row `r`'s member
/// ids (in [`Dimension::ALL`] order) and measures follow from ?(4 + r × FACT_ROW_PARAMS).
///
/// `or_fail` (only while the rollup's insert trigger is suspended: an outer statement's conflict
/// clause overrides its trigger's `OR IGNORE`) makes it `INSERT OR FAIL`. A statement of many rows
/// that may stop half-way on a constraint otherwise needs SQLite's statement journal, a copy of
/// every page it touches (64 KiB each) so that it can take back its rows before the failing one;
/// with FAIL they stay, and nothing keeps them: a failed insert fails the whole transaction,
/// which is rolled back.
fn insert_fact_sql(rows: usize, or_fail: bool) -> &'static str {
    static SQL: [[OnceLock<String>; 2]; 2] = [
        [OnceLock::new(), OnceLock::new()],
        [OnceLock::new(), OnceLock::new()],
    ];
    let build = move || {
        let measure_cols: Vec<&str> = Measure::ALL.iter().map(|m| m.as_str()).collect();
        let cols = ["batch_id", "day", "grain"]
            .into_iter()
            .chain(Dimension::ALL.map(super::member_id_column))
            .chain(measure_cols)
            .collect::<Vec<_>>();
        let values = (0..rows)
            .map(|r| {
                let first = 4 + r * FACT_ROW_PARAMS;
                let marks: Vec<String> = (first..first + FACT_ROW_PARAMS)
                    .map(|i| format!("?{i}"))
                    .collect();
                format!("(?1, ?2, ?3, {})", marks.join(", "))
            })
            .collect::<Vec<_>>();
        let verb = if or_fail {
            "INSERT OR FAIL INTO"
        } else {
            "INSERT INTO"
        };
        format!(
            "{verb} fact ({}) VALUES {}",
            cols.join(", "),
            values.join(", ")
        )
    };
    let size = match rows {
        1 => 0,
        FACT_ROWS_PER_INSERT => 1,
        _ => unreachable!("fact inserts of 1 or {FACT_ROWS_PER_INSERT} rows"),
    };
    SQL[size][usize::from(or_fail)].get_or_init(build)
}

/// Runs an [`insert_fact_sql`] statement of `rows.len()` rows.
fn execute_fact_insert(
    stmt: &mut rusqlite::Statement<'_>,
    batch_id: i64,
    day: &str,
    grain: &str,
    rows: &[(&[Option<i64>; 6], &Measures)],
) -> Result<()> {
    stmt.raw_bind_parameter(1, batch_id)?;
    stmt.raw_bind_parameter(2, day)?;
    stmt.raw_bind_parameter(3, grain)?;
    for (r, (ids, m)) in rows.iter().enumerate() {
        let first = 4 + r * FACT_ROW_PARAMS;
        for (i, id) in ids.iter().enumerate() {
            stmt.raw_bind_parameter(first + i, id)?;
        }
        bind_measures(stmt, first + ids.len(), m)?;
    }
    stmt.raw_execute()?;
    Ok(())
}

impl<'a> WriteTx<'a> {
    pub(super) fn new(tx: Transaction<'a>, path: PathBuf) -> Self {
        WriteTx {
            tx,
            path,
            members: HashMap::new(),
            inserted: InsertedRollup::default(),
            inserted_batches: InsertedBatches::default(),
            suspended_trigger: None,
        }
    }

    /// Drops the trigger that marks a fact's day for the rollup, for the rest of this
    /// transaction: SQLite runs a trigger as a sub-program for every row, a quarter of what
    /// inserting a fact costs. [`WriteTx::insert_day_facts`] marks its day once per call
    /// instead, and every other fact this transaction inserts must mark its day itself
    /// ([`mark_rollup_day`]). The trigger is created again from its own SQL before the commit;
    /// a rollback brings it back with everything else. Deletes and updates keep their triggers.
    pub(crate) fn suspend_rollup_insert_trigger(&mut self) -> Result<()> {
        if self.suspended_trigger.is_some() {
            return Ok(());
        }
        let sql: String = self.tx.query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'fact_rollup_insert'",
            [],
            |r| r.get(0),
        )?;
        self.tx.execute_batch("DROP TRIGGER fact_rollup_insert")?;
        self.suspended_trigger = Some(sql);
        Ok(())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Makes everything written durable at once.
    pub fn commit(self) -> Result<()> {
        self.commit_counting().map(|_| ())
    }

    /// [`Self::commit`], telling how the rollup's days were refreshed.
    pub(super) fn commit_counting(mut self) -> Result<super::rollup::Refreshed> {
        if let Some(sql) = self.suspended_trigger.take() {
            // The file's own `CREATE TRIGGER`, one statement (`execute` refuses more).
            self.tx.execute(&sql, [])?;
        }
        // Derived tables follow the facts in the same transaction.
        let refreshed = super::rollup::refresh(&self.tx, &self.inserted)?;
        let path = self.path;
        self.tx.commit().map_err(|e| classify(&path, e))?;
        Ok(refreshed)
    }

    /// Records the start of an import and returns its batch id.
    pub fn new_batch(&mut self, b: &NewBatch) -> Result<i64> {
        self.tx.execute(
            "INSERT INTO import_batch (kind, file_name, file_size, sha256, preset, mapping,
                                       source_timezone, started_at, app_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                b.kind,
                b.file_name,
                b.file_size as i64,
                b.sha256,
                b.preset,
                b.mapping,
                b.source_timezone,
                timestamp(b.started_at),
                b.app_version
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Closes a batch with its counts; its covered period is read from what it wrote.
    pub fn finish_batch(
        &mut self,
        batch_id: i64,
        rows_read: u64,
        rows_taken: u64,
        rows_refused: u64,
        rows_duplicate: u64,
        finished_at: DateTime<Utc>,
    ) -> Result<()> {
        self.tx.execute(
            "UPDATE import_batch SET
                rows_read = ?2, rows_taken = ?3, rows_refused = ?4, rows_duplicate = ?5, finished_at = ?6,
                first_day = (SELECT min(d) FROM (SELECT min(day) AS d FROM fact WHERE batch_id = ?1
                                                  UNION ALL SELECT min(day) FROM contact_block WHERE batch_id = ?1)),
                last_day  = (SELECT max(d) FROM (SELECT max(day) AS d FROM fact WHERE batch_id = ?1
                                                  UNION ALL SELECT max(day) FROM contact_block WHERE batch_id = ?1))
             WHERE id = ?1",
            params![
                batch_id,
                rows_read as i64,
                rows_taken as i64,
                rows_refused as i64,
                rows_duplicate as i64,
                timestamp(finished_at)
            ],
        )?;
        Ok(())
    }

    /// The id of a dimension member, created on first use.
    pub fn member_id(&mut self, dim: Dimension, name: &str) -> Result<i64> {
        if let Some(&id) = self.members.get(&(dim, name.to_string())) {
            return Ok(id);
        }
        let table = super::member_table(dim);
        let existing: Option<i64> = self
            .tx
            .prepare_cached(&format!("SELECT id FROM {table} WHERE name = ?1"))?
            .query_row([name], |r| r.get(0))
            .optional()?;
        let id = match existing {
            Some(id) => id,
            None => {
                self.tx
                    .prepare_cached(&format!("INSERT INTO {table} (name) VALUES (?1)"))?
                    .execute([name])?;
                self.tx.last_insert_rowid()
            }
        };
        self.members.insert((dim, name.to_string()), id);
        Ok(id)
    }

    /// Adds one fact row to `batch_id`.
    pub fn insert_fact(&mut self, batch_id: i64, key: &FactKey, m: &Measures) -> Result<()> {
        let day = key
            .day
            .ok_or_else(|| crate::Error::Corrupt("a fact row needs a day".into()))?;
        let mut ids: [Option<i64>; 6] = [None; 6];
        for (dim, name) in &key.members {
            let slot = dim.index();
            ids[slot] = Some(self.member_id(*dim, name)?);
        }
        self.insert_day_facts(batch_id, day, key.monthly, [(&ids, m)])
    }

    /// The facts of `batch_id` summed by (measures carried, program id, queue id, month) from
    /// what this transaction inserted, when they are all of its facts; `None` otherwise
    /// ([`InsertedBatches::parts`]).
    pub(super) fn inserted_batch_parts(
        &self,
        batch_id: i64,
    ) -> Result<Option<Vec<(super::rollup::BatchGroup, Measures)>>> {
        self.inserted_batches.parts(&self.tx, batch_id)
    }

    /// Adds fact rows of one day to `batch_id`, member ids in [`Dimension::ALL`] order,
    /// [`FACT_ROWS_PER_INSERT`] rows a statement (the rest one by one).
    pub(crate) fn insert_day_facts<'m>(
        &mut self,
        batch_id: i64,
        day: NaiveDate,
        monthly: bool,
        rows: impl IntoIterator<Item = (&'m [Option<i64>; 6], &'m Measures)>,
    ) -> Result<()> {
        let day = super::contacts::day_text(day);
        let grain = if monthly { "month" } else { "day" };
        let rows: Vec<(&[Option<i64>; 6], &Measures)> = rows.into_iter().collect();
        for &(ids, m) in &rows {
            self.inserted.add(batch_id, &day, monthly, ids, m);
            self.inserted_batches.add(batch_id, &day, ids, m);
        }
        if self.suspended_trigger.is_some() && !rows.is_empty() {
            mark_rollup_day(&self.tx, &day)?;
        }
        let or_fail = self.suspended_trigger.is_some();
        let mut many = self
            .tx
            .prepare_cached(insert_fact_sql(FACT_ROWS_PER_INSERT, or_fail))?;
        let mut one = self.tx.prepare_cached(insert_fact_sql(1, or_fail))?;
        let mut chunks = rows.chunks_exact(FACT_ROWS_PER_INSERT);
        for chunk in &mut chunks {
            execute_fact_insert(&mut many, batch_id, &day, grain, chunk)?;
        }
        for row in chunks.remainder() {
            execute_fact_insert(&mut one, batch_id, &day, grain, std::slice::from_ref(row))?;
        }
        Ok(())
    }

    /// Adds a contract target and returns its id.
    pub fn insert_target(&mut self, t: &NewTarget, now: DateTime<Utc>) -> Result<i64> {
        let (dim, value) = match &t.scope {
            Some((d, v)) => (Some(d.as_str()), Some(v.as_str())),
            None => (None, None),
        };
        self.tx.execute(
            "INSERT INTO target (metric_id, scope_dimension, scope_value, direction, value, value_high,
                                 tolerance, effective_from, effective_to, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                t.metric_id,
                dim,
                value,
                t.direction,
                t.value,
                t.value_high,
                t.tolerance,
                t.effective_from.format("%Y-%m-%d").to_string(),
                t.effective_to.map(|d| d.format("%Y-%m-%d").to_string()),
                timestamp(now)
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }
}
