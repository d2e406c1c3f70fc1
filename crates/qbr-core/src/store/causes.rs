//! Root causes in the workspace: add, list, read, edit (saving the previous state as a revision),
//! soft delete and restore. Each change is one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Value};

use super::{timestamp, Workspace};
use crate::annotate::cause::{
    Category, CauseFilter, CauseInput, CausePatch, CauseRevision, RootCause, Visibility,
};
use crate::annotate::{ymd, Scope};
use crate::error::{Error, Result};
use crate::measure::Dimension;

pub(super) fn corrupt(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unreadable {what} {value:?}").into(),
    )
}

pub(super) fn date(s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| corrupt("date", s))
}

pub(super) fn scope_of(dim: Option<String>, value: Option<String>) -> rusqlite::Result<Scope> {
    match (dim, value) {
        (Some(d), Some(v)) => Ok(Some((
            d.parse::<Dimension>().map_err(|_| corrupt("scope", &d))?,
            v,
        ))),
        _ => Ok(None),
    }
}

pub(super) fn scope_parts(scope: &Scope) -> (Option<&'static str>, Option<&str>) {
    match scope {
        Some((d, v)) => (Some(d.as_str()), Some(v.as_str())),
        None => (None, None),
    }
}

/// Conversion failures mean the file holds what this version never writes.
pub(super) fn read_error(e: rusqlite::Error) -> Error {
    match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner) => Error::Corrupt(inner.to_string()),
        other => other.into(),
    }
}

const COLUMNS: &str = "id, category, title, description, evidence, author, visibility,
                       scope_dimension, scope_value, period_from, period_to, created_at,
                       updated_at, deleted_at";

fn row_cause(r: &Row) -> rusqlite::Result<RootCause> {
    let category: String = r.get(1)?;
    let visibility: String = r.get(6)?;
    Ok(RootCause {
        id: r.get(0)?,
        cause: CauseInput {
            metrics: Vec::new(),
            scope: scope_of(r.get(7)?, r.get(8)?)?,
            period_from: date(&r.get::<_, String>(9)?)?,
            period_to: date(&r.get::<_, String>(10)?)?,
            category: category
                .parse::<Category>()
                .map_err(|_| corrupt("category", &category))?,
            title: r.get(2)?,
            description: r.get(3)?,
            evidence: r.get(4)?,
            author: r.get(5)?,
            visibility: visibility
                .parse::<Visibility>()
                .map_err(|_| corrupt("visibility", &visibility))?,
        },
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
        deleted_at: r.get(13)?,
    })
}

fn metrics_of(conn: &Connection, id: i64) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT metric_id FROM root_cause_metric WHERE cause_id = ?1 ORDER BY rowid",
    )?
    .query_map([id], |r| r.get(0))?
    .collect()
}

fn load(conn: &Connection, id: i64) -> Result<Option<RootCause>> {
    let found = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM root_cause WHERE id = ?1"),
            [id],
            row_cause,
        )
        .optional()
        .map_err(read_error)?;
    let Some(mut c) = found else {
        return Ok(None);
    };
    c.cause.metrics = metrics_of(conn, id)?;
    Ok(Some(c))
}

fn write_fields(conn: &Connection, id: i64, c: &CauseInput, now: &str) -> Result<()> {
    let (dim, member) = scope_parts(&c.scope);
    conn.execute(
        "UPDATE root_cause SET category = ?2, title = ?3, description = ?4, evidence = ?5,
                author = ?6, visibility = ?7, scope_dimension = ?8, scope_value = ?9,
                period_from = ?10, period_to = ?11, updated_at = ?12
          WHERE id = ?1",
        params![
            id,
            c.category.as_str(),
            c.title,
            c.description,
            c.evidence,
            c.author,
            c.visibility.as_str(),
            dim,
            member,
            ymd(c.period_from),
            ymd(c.period_to),
            now
        ],
    )?;
    conn.execute("DELETE FROM root_cause_metric WHERE cause_id = ?1", [id])?;
    for m in &c.metrics {
        conn.execute(
            "INSERT INTO root_cause_metric (cause_id, metric_id) VALUES (?1, ?2)",
            params![id, m],
        )?;
    }
    Ok(())
}

/// The revision snapshot: the cause's fields as they were, and when they had been written.
fn snapshot(c: &RootCause) -> String {
    let (dim, member) = scope_parts(&c.cause.scope);
    json!({
        "metrics": c.cause.metrics,
        "scope_dimension": dim,
        "scope_value": member,
        "period_from": ymd(c.cause.period_from),
        "period_to": ymd(c.cause.period_to),
        "category": c.cause.category.as_str(),
        "title": c.cause.title,
        "description": c.cause.description,
        "evidence": c.cause.evidence,
        "author": c.cause.author,
        "visibility": c.cause.visibility.as_str(),
        "updated_at": c.updated_at,
    })
    .to_string()
}

fn from_snapshot(text: &str) -> rusqlite::Result<(CauseInput, String)> {
    let v: Value = serde_json::from_str(text).map_err(|_| corrupt("cause revision", text))?;
    let s = |k: &str| v[k].as_str().map(str::to_string);
    let need = |k: &str| s(k).ok_or_else(|| corrupt("cause revision field", k));
    let category = need("category")?;
    let visibility = need("visibility")?;
    Ok((
        CauseInput {
            metrics: v["metrics"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|m| m.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            scope: scope_of(s("scope_dimension"), s("scope_value"))?,
            period_from: date(&need("period_from")?)?,
            period_to: date(&need("period_to")?)?,
            category: category
                .parse()
                .map_err(|_| corrupt("category", &category))?,
            title: need("title")?,
            description: s("description").unwrap_or_default(),
            evidence: s("evidence").unwrap_or_default(),
            author: s("author").unwrap_or_default(),
            visibility: visibility
                .parse()
                .map_err(|_| corrupt("visibility", &visibility))?,
        },
        s("updated_at").unwrap_or_default(),
    ))
}

impl Workspace {
    /// Refuses metric ids that are neither built-in nor custom metrics of this workspace.
    pub(crate) fn check_metric_ids<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a String>,
    ) -> Result<()> {
        let known: Vec<String> = self.metric_catalog()?.into_iter().map(|m| m.id).collect();
        for id in ids {
            if !known.iter().any(|k| k == id) {
                return Err(Error::InvalidSetting {
                    field: "metric".into(),
                    message: format!(
                        "unknown metric {id:?}; expected a built-in id such as service_level, csat or aht, or a custom metric's id"
                    ),
                });
            }
        }
        Ok(())
    }

    /// Checks and stores a root cause; returns it as stored.
    pub fn add_cause(&mut self, input: &CauseInput, now: DateTime<Utc>) -> Result<RootCause> {
        let c = input.clone().normalised()?;
        self.check_metric_ids(&c.metrics)?;
        let now = timestamp(now);
        let tx = self.write()?;
        tx.conn().execute(
            "INSERT INTO root_cause (category, title, period_from, period_to, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![c.category.as_str(), c.title, ymd(c.period_from), ymd(c.period_to), now],
        )?;
        let id = tx.conn().last_insert_rowid();
        write_fields(tx.conn(), id, &c, &now)?;
        let stored =
            load(tx.conn(), id)?.ok_or_else(|| Error::Corrupt("a new cause vanished".into()))?;
        tx.commit()?;
        Ok(stored)
    }

    /// One cause, deleted or not.
    pub fn cause(&self, id: i64) -> Result<Option<RootCause>> {
        load(&self.conn, id)
    }

    /// The causes `filter` accepts, by first day of their period, then id.
    pub fn causes(&self, filter: &CauseFilter) -> Result<Vec<RootCause>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM root_cause ORDER BY period_from, id"
        ))?;
        let all = stmt
            .query_map([], row_cause)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(read_error)?;
        let mut out = Vec::new();
        for mut c in all {
            c.cause.metrics = metrics_of(&self.conn, c.id)?;
            if filter.accepts(&c) {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Edits a cause, saving its previous state as a revision; `Ok(None)` when there is no such
    /// cause. A deleted cause must be restored before it is edited; an edit that changes nothing
    /// writes nothing.
    pub fn edit_cause(
        &mut self,
        id: i64,
        patch: &CausePatch,
        now: DateTime<Utc>,
    ) -> Result<Option<RootCause>> {
        let Some(current) = self.cause(id)? else {
            return Ok(None);
        };
        if current.deleted_at.is_some() {
            return Err(Error::InvalidSetting {
                field: "cause".into(),
                message: format!("root cause {id} is deleted; restore it before editing it"),
            });
        }
        let next = patch.apply(&current.cause).normalised()?;
        if next == current.cause {
            return Ok(Some(current));
        }
        self.check_metric_ids(&next.metrics)?;
        let now = timestamp(now);
        let tx = self.write()?;
        tx.conn().execute(
            "INSERT INTO root_cause_revision (cause_id, snapshot, edited_at) VALUES (?1, ?2, ?3)",
            params![id, snapshot(&current), now],
        )?;
        write_fields(tx.conn(), id, &next, &now)?;
        let stored = load(tx.conn(), id)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Earlier states of a cause, oldest first.
    pub fn cause_revisions(&self, id: i64) -> Result<Vec<CauseRevision>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, snapshot, edited_at FROM root_cause_revision WHERE cause_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([id], |r| {
            let (previous, previous_updated_at) = from_snapshot(&r.get::<_, String>(1)?)?;
            Ok(CauseRevision {
                id: r.get(0)?,
                edited_at: r.get(2)?,
                previous,
                previous_updated_at,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(read_error)
    }

    /// Marks a cause deleted (it stays in the file and can be restored); `Ok(None)` when there is
    /// no such cause.
    pub fn delete_cause(&mut self, id: i64, now: DateTime<Utc>) -> Result<Option<RootCause>> {
        self.set_cause_deleted(id, Some(timestamp(now)))
    }

    /// Undoes [`Workspace::delete_cause`].
    pub fn restore_cause(&mut self, id: i64) -> Result<Option<RootCause>> {
        self.set_cause_deleted(id, None)
    }

    fn set_cause_deleted(&mut self, id: i64, at: Option<String>) -> Result<Option<RootCause>> {
        let tx = self.write()?;
        // Deleting twice keeps the first date.
        tx.conn().execute(
            "UPDATE root_cause SET deleted_at = CASE WHEN ?2 IS NULL THEN NULL
                                                     ELSE coalesce(deleted_at, ?2) END
              WHERE id = ?1",
            params![id, at],
        )?;
        let stored = load(tx.conn(), id)?;
        tx.commit()?;
        Ok(stored)
    }
}
