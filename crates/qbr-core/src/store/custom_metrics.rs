//! Custom metrics in the workspace: a formula over base measures, checked before it is stored.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{timestamp, Workspace};
use crate::error::{Error, Result};
use crate::metrics::formula::CustomMetric;
use crate::metrics::{Direction, Unit};

impl Workspace {
    /// Every custom metric, by id.
    pub fn custom_metrics(&self) -> Result<Vec<CustomMetric>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, formula, unit, direction FROM custom_metric ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, name, formula, unit, direction)| {
                let bad = |what: &str, v: &str| {
                    Error::Corrupt(format!("custom metric {id} has an unreadable {what} {v:?}"))
                };
                Ok(CustomMetric {
                    unit: unit.parse::<Unit>().map_err(|_| bad("unit", &unit))?,
                    direction: direction
                        .parse::<Direction>()
                        .map_err(|_| bad("direction", &direction))?,
                    id: id.clone(),
                    name,
                    formula,
                })
            })
            .collect()
    }

    /// Checks and stores a custom metric. Fails when the id is taken.
    pub fn add_custom_metric(&mut self, m: &CustomMetric, now: DateTime<Utc>) -> Result<()> {
        m.validate()?;
        let tx = self.write()?;
        let taken: i64 = tx.conn().query_row(
            "SELECT count(*) FROM custom_metric WHERE id = ?1",
            [&m.id],
            |r| r.get(0),
        )?;
        if taken > 0 {
            return Err(Error::InvalidSetting {
                field: "metric id".into(),
                message: format!(
                    "a custom metric {:?} already exists; remove it first or choose another id",
                    m.id
                ),
            });
        }
        tx.conn().execute(
            "INSERT INTO custom_metric (id, name, formula, unit, direction, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                m.id,
                m.name.trim(),
                m.formula.trim(),
                m.unit.as_str(),
                m.direction.as_str(),
                timestamp(now)
            ],
        )?;
        tx.commit()
    }

    /// Removes a custom metric and its targets; `false` when there was none with that id.
    pub fn remove_custom_metric(&mut self, id: &str) -> Result<bool> {
        let tx = self.write()?;
        let n = tx
            .conn()
            .execute("DELETE FROM custom_metric WHERE id = ?1", [id])?;
        if n > 0 {
            // A target of a metric that no longer exists could never be shown.
            tx.conn()
                .execute("DELETE FROM target WHERE metric_id = ?1", [id])?;
        }
        tx.commit()?;
        Ok(n > 0)
    }
}
