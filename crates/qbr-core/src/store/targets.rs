//! Contract targets in the workspace: list, add (one or a whole imported file, in one
//! transaction), remove. Targets are checked before they are written, with the same words as the
//! CSV import.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::{NewTarget, Workspace};
use crate::error::{Error, Result};
use crate::measure::Dimension;
use crate::metrics::catalog::MetricId;
use crate::metrics::target::{validate_target, Target, TargetDirection};

fn corrupt(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("target has an unreadable {what} {value:?}").into(),
    )
}

fn date(s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| corrupt("date", s))
}

impl Workspace {
    /// Every target, in the order entered.
    pub fn targets(&self) -> Result<Vec<Target>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, metric_id, scope_dimension, scope_value, direction, value, value_high,
                    tolerance, effective_from, effective_to
             FROM target ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let dim: Option<String> = r.get(2)?;
            let member: Option<String> = r.get(3)?;
            let scope = match (dim, member) {
                (Some(d), Some(v)) => {
                    Some((d.parse::<Dimension>().map_err(|_| corrupt("scope", &d))?, v))
                }
                _ => None,
            };
            let direction: String = r.get(4)?;
            let to: Option<String> = r.get(9)?;
            Ok(Target {
                id: r.get(0)?,
                metric_id: r.get(1)?,
                scope,
                direction: TargetDirection::parse(&direction)
                    .ok_or_else(|| corrupt("direction", &direction))?,
                value: r.get(5)?,
                value_high: r.get(6)?,
                tolerance: r.get(7)?,
                effective_from: date(&r.get::<_, String>(8)?)?,
                effective_to: to.as_deref().map(date).transpose()?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| match e {
                rusqlite::Error::FromSqlConversionFailure(_, _, inner) => {
                    Error::Corrupt(inner.to_string())
                }
                other => other.into(),
            })
    }

    /// Checks and stores one target; returns its id.
    pub fn add_target(&mut self, t: &NewTarget, now: DateTime<Utc>) -> Result<i64> {
        Ok(self.add_targets(std::slice::from_ref(t), now)?[0])
    }

    /// Checks and stores several targets (an imported file) in one transaction: all or none.
    pub fn add_targets(&mut self, targets: &[NewTarget], now: DateTime<Utc>) -> Result<Vec<i64>> {
        let customs: Vec<String> = self.custom_metrics()?.into_iter().map(|c| c.id).collect();
        let known = |id: &str| MetricId::parse(id).is_some() || customs.iter().any(|c| c == id);
        let mut normalised = Vec::with_capacity(targets.len());
        for (i, t) in targets.iter().enumerate() {
            let direction = validate_target(t, &known).map_err(|p| Error::InvalidSetting {
                field: format!("target {} {}", i + 1, p.column),
                message: p.message,
            })?;
            normalised.push(NewTarget {
                direction: direction.as_str().into(),
                ..t.clone()
            });
        }
        let mut tx = self.write()?;
        let ids = normalised
            .iter()
            .map(|t| tx.insert_target(t, now))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(ids)
    }

    /// Removes a target; `false` when there was none with that id.
    pub fn remove_target(&mut self, id: i64) -> Result<bool> {
        let tx = self.write()?;
        let n = tx
            .conn()
            .execute("DELETE FROM target WHERE id = ?1", params![id])?;
        tx.commit()?;
        Ok(n > 0)
    }
}
