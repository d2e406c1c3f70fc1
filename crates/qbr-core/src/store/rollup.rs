//! The day-grain rollup of `fact` over program, queue, channel and site (`fact_rollup`, format
//! 4). Triggers mark the days a write touches; [`refresh`] rebuilds those days before the write
//! commits; readers ask [`Workspace::rollup_is_current`] and fall back to `fact` otherwise, so the
//! rollup can only ever make a query faster, never change its answer.

use std::sync::OnceLock;

use rusqlite::Connection;

use super::Workspace;
use crate::error::Result;
use crate::measure::{Dimension, Measure};

/// The dimensions the rollup keeps; grouping or filtering by any other needs `fact`.
pub(crate) const ROLLUP_DIMENSIONS: [Dimension; 4] = [
    Dimension::Program,
    Dimension::Queue,
    Dimension::Channel,
    Dimension::Site,
];

fn refresh_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let names: Vec<&str> = Measure::ALL.iter().map(|m| m.as_str()).collect();
        let sums: Vec<String> = names.iter().map(|m| format!("sum({m})")).collect();
        format!(
            "DELETE FROM fact_rollup WHERE day IN (SELECT day FROM rollup_dirty);
             INSERT INTO fact_rollup (day, grain, program_id, queue_id, channel_id, site_id, {names})
             SELECT day, grain, program_id, queue_id, channel_id, site_id, {sums}
               FROM fact
              WHERE day IN (SELECT day FROM rollup_dirty)
                AND batch_id NOT IN (SELECT id FROM import_batch WHERE undone_at IS NOT NULL)
              GROUP BY day, grain, program_id, queue_id, channel_id, site_id;
             DELETE FROM rollup_dirty;",
            names = names.join(", "),
            sums = sums.join(", "),
        )
    })
}

/// Rebuilds the rollup for every day marked dirty, inside the caller's transaction.
pub(crate) fn refresh(conn: &Connection) -> Result<()> {
    let dirty: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM rollup_dirty)", [], |r| {
        r.get(0)
    })?;
    if dirty {
        conn.execute_batch(refresh_sql())?;
    }
    Ok(())
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
