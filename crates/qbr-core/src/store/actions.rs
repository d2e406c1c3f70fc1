//! Improvement actions in the workspace: add, list, read, update, soft delete and restore, the
//! causes they answer and their progress notes. Each change is one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::causes::{corrupt, date, read_error, scope_of, scope_parts};
use super::{timestamp, Workspace};
use crate::annotate::action::{
    Action, ActionFilter, ActionInput, ActionNote, ActionPatch, ActionStatus, ExpectedEffect,
};
use crate::annotate::ymd;
use crate::error::{Error, Result};

const COLUMNS: &str = "id, title, description, owner, start_date, due_date, completed_on, status,
                       metric_id, scope_dimension, scope_value, expected_kind, expected_value,
                       cost, created_at, updated_at, deleted_at";

fn opt_date(s: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    s.as_deref().map(date).transpose()
}

fn row_action(r: &Row) -> rusqlite::Result<Action> {
    let status: String = r.get(7)?;
    let kind: Option<String> = r.get(11)?;
    let value: Option<f64> = r.get(12)?;
    let expected = match (kind, value) {
        (Some(k), Some(v)) => {
            Some(ExpectedEffect::from_parts(&k, v).ok_or_else(|| corrupt("expected effect", &k))?)
        }
        _ => None,
    };
    Ok(Action {
        id: r.get(0)?,
        action: ActionInput {
            title: r.get(1)?,
            description: r.get(2)?,
            owner: r.get(3)?,
            start_date: opt_date(r.get(4)?)?,
            due_date: opt_date(r.get(5)?)?,
            completed_on: opt_date(r.get(6)?)?,
            status: status
                .parse::<ActionStatus>()
                .map_err(|_| corrupt("status", &status))?,
            causes: Vec::new(),
            metric_id: r.get(8)?,
            scope: scope_of(r.get(9)?, r.get(10)?)?,
            expected,
            cost: r.get(13)?,
        },
        notes: Vec::new(),
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
        deleted_at: r.get(16)?,
    })
}

fn fill(conn: &Connection, a: &mut Action) -> Result<()> {
    a.action.causes = conn
        .prepare_cached("SELECT cause_id FROM action_cause WHERE action_id = ?1 ORDER BY cause_id")?
        .query_map([a.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    a.notes = conn
        .prepare_cached(
            "SELECT id, noted_on, text, created_at FROM action_note WHERE action_id = ?1
              ORDER BY noted_on, id",
        )?
        .query_map([a.id], |r| {
            Ok(ActionNote {
                id: r.get(0)?,
                noted_on: date(&r.get::<_, String>(1)?)?,
                text: r.get(2)?,
                created_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()
        .map_err(read_error)?;
    Ok(())
}

fn load(conn: &Connection, id: i64) -> Result<Option<Action>> {
    let found = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM action WHERE id = ?1"),
            [id],
            row_action,
        )
        .optional()
        .map_err(read_error)?;
    let Some(mut a) = found else {
        return Ok(None);
    };
    fill(conn, &mut a)?;
    Ok(Some(a))
}

fn write_fields(conn: &Connection, id: i64, a: &ActionInput, now: &str) -> Result<()> {
    let (dim, member) = scope_parts(&a.scope);
    conn.execute(
        "UPDATE action SET title = ?2, description = ?3, owner = ?4, start_date = ?5,
                due_date = ?6, completed_on = ?7, status = ?8, metric_id = ?9,
                scope_dimension = ?10, scope_value = ?11, expected_kind = ?12,
                expected_value = ?13, cost = ?14, updated_at = ?15
          WHERE id = ?1",
        params![
            id,
            a.title,
            a.description,
            a.owner,
            a.start_date.map(ymd),
            a.due_date.map(ymd),
            a.completed_on.map(ymd),
            a.status.as_str(),
            a.metric_id,
            dim,
            member,
            a.expected.map(|e| e.kind()),
            a.expected.map(|e| e.value()),
            a.cost,
            now
        ],
    )?;
    conn.execute("DELETE FROM action_cause WHERE action_id = ?1", [id])?;
    for c in &a.causes {
        conn.execute(
            "INSERT INTO action_cause (action_id, cause_id) VALUES (?1, ?2)",
            params![id, c],
        )?;
    }
    Ok(())
}

impl Workspace {
    /// Refuses a metric that is not in the catalog and causes that do not exist or are deleted.
    fn check_action_refs(&self, a: &ActionInput) -> Result<()> {
        self.check_metric_ids(a.metric_id.iter())?;
        for &c in &a.causes {
            match self.cause(c)? {
                Some(cause) if cause.deleted_at.is_none() => {}
                Some(_) => {
                    return Err(Error::InvalidSetting {
                        field: "cause".into(),
                        message: format!("root cause {c} is deleted; restore it to link it"),
                    })
                }
                None => {
                    return Err(Error::InvalidSetting {
                        field: "cause".into(),
                        message: format!("there is no root cause {c}"),
                    })
                }
            }
        }
        Ok(())
    }

    /// Checks and stores an action; `today` dates a completion that is not given.
    pub fn add_action(
        &mut self,
        input: &ActionInput,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Action> {
        let a = input.clone().normalised(today)?;
        self.check_action_refs(&a)?;
        let now = timestamp(now);
        let tx = self.write()?;
        tx.conn().execute(
            "INSERT INTO action (title, created_at, updated_at) VALUES (?1, ?2, ?2)",
            params![a.title, now],
        )?;
        let id = tx.conn().last_insert_rowid();
        write_fields(tx.conn(), id, &a, &now)?;
        let stored =
            load(tx.conn(), id)?.ok_or_else(|| Error::Corrupt("a new action vanished".into()))?;
        tx.commit()?;
        Ok(stored)
    }

    /// One action with its causes and notes, deleted or not.
    pub fn action(&self, id: i64) -> Result<Option<Action>> {
        load(&self.conn, id)
    }

    /// The actions `filter` accepts, by due date (undated last), then id.
    pub fn actions(&self, filter: &ActionFilter) -> Result<Vec<Action>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM action ORDER BY due_date IS NULL, due_date, id"
        ))?;
        let all = stmt
            .query_map([], row_action)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(read_error)?;
        let mut out = Vec::new();
        for mut a in all {
            fill(&self.conn, &mut a)?;
            if filter.accepts(&a) {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Updates an action; `Ok(None)` when there is no such action. A deleted action must be
    /// restored first.
    pub fn update_action(
        &mut self,
        id: i64,
        patch: &ActionPatch,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Option<Action>> {
        let Some(current) = self.action(id)? else {
            return Ok(None);
        };
        if current.deleted_at.is_some() {
            return Err(Error::InvalidSetting {
                field: "action".into(),
                message: format!("action {id} is deleted; restore it before changing it"),
            });
        }
        let next = patch.apply(&current.action).normalised(today)?;
        if next == current.action {
            return Ok(Some(current));
        }
        self.check_action_refs(&next)?;
        let now = timestamp(now);
        let tx = self.write()?;
        write_fields(tx.conn(), id, &next, &now)?;
        let stored = load(tx.conn(), id)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Adds a dated progress note; `Ok(None)` when there is no such action.
    pub fn add_action_note(
        &mut self,
        id: i64,
        noted_on: NaiveDate,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Action>> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::InvalidSetting {
                field: "note".into(),
                message: "a progress note needs some text".into(),
            });
        }
        if self.action(id)?.is_none() {
            return Ok(None);
        }
        let tx = self.write()?;
        tx.conn().execute(
            "INSERT INTO action_note (action_id, noted_on, text, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, ymd(noted_on), text, timestamp(now)],
        )?;
        let stored = load(tx.conn(), id)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Marks an action deleted (it can be restored); `Ok(None)` when there is no such action.
    pub fn delete_action(&mut self, id: i64, now: DateTime<Utc>) -> Result<Option<Action>> {
        self.set_action_deleted(id, Some(timestamp(now)))
    }

    /// Undoes [`Workspace::delete_action`].
    pub fn restore_action(&mut self, id: i64) -> Result<Option<Action>> {
        self.set_action_deleted(id, None)
    }

    fn set_action_deleted(&mut self, id: i64, at: Option<String>) -> Result<Option<Action>> {
        let tx = self.write()?;
        tx.conn().execute(
            "UPDATE action SET deleted_at = CASE WHEN ?2 IS NULL THEN NULL
                                                 ELSE coalesce(deleted_at, ?2) END
              WHERE id = ?1",
            params![id, at],
        )?;
        let stored = load(tx.conn(), id)?;
        tx.commit()?;
        Ok(stored)
    }
}
