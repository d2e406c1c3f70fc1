//! Improvement actions: who does what by when, the causes it answers, the metric and scope it is
//! meant to move and by how much, what it costs, and dated progress notes.
//!
//! Promises:
//! - `overdue` is never stored: it is derived from the due date and the `today` passed in, for
//!   actions neither done nor cancelled.
//! - An action that becomes done gets a completion date: the one given, else `today`. An action
//!   that leaves done loses it, so a completion date always means "done on that day".

use chrono::NaiveDate;

use super::{check_scope, invalid, word_enum, Scope};
use crate::error::Result;

/// Where an action stands. `overdue` is not a status: see [`Action::is_overdue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionStatus {
    Planned,
    InProgress,
    Done,
    Cancelled,
}

word_enum!(ActionStatus, "status", {
    Planned => "planned",
    InProgress => "in_progress",
    Done => "done",
    Cancelled => "cancelled",
});

/// What an action is expected to achieve on its metric, in the metric's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExpectedEffect {
    /// Reach this value (e.g. service level 0.82).
    Target(f64),
    /// Move by this much (e.g. AHT −30 seconds).
    Change(f64),
}

impl ExpectedEffect {
    /// `target` or `change`, as stored.
    pub fn kind(self) -> &'static str {
        match self {
            ExpectedEffect::Target(_) => "target",
            ExpectedEffect::Change(_) => "change",
        }
    }

    pub fn value(self) -> f64 {
        match self {
            ExpectedEffect::Target(v) | ExpectedEffect::Change(v) => v,
        }
    }

    /// From the stored kind and value.
    pub fn from_parts(kind: &str, value: f64) -> Option<ExpectedEffect> {
        match kind {
            "target" => Some(ExpectedEffect::Target(value)),
            "change" => Some(ExpectedEffect::Change(value)),
            _ => None,
        }
    }
}

/// An action as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionInput {
    pub title: String,
    pub description: String,
    pub owner: String,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub status: ActionStatus,
    /// When it was done; set from `today` when the status becomes done without one.
    pub completed_on: Option<NaiveDate>,
    /// Ids of the root causes it answers.
    pub causes: Vec<i64>,
    /// The metric it is meant to move, and where.
    pub metric_id: Option<String>,
    pub scope: Scope,
    pub expected: Option<ExpectedEffect>,
    /// What it costs, in the workspace currency.
    pub cost: Option<f64>,
}

impl ActionInput {
    /// A planned action with only a title.
    pub fn titled(title: &str) -> ActionInput {
        ActionInput {
            title: title.into(),
            description: String::new(),
            owner: String::new(),
            start_date: None,
            due_date: None,
            status: ActionStatus::Planned,
            completed_on: None,
            causes: Vec::new(),
            metric_id: None,
            scope: None,
            expected: None,
            cost: None,
        }
    }

    /// Checks what can be checked without the workspace, trims texts, and settles the completion
    /// date against the status (see the module's promises).
    pub fn normalised(mut self, today: NaiveDate) -> Result<ActionInput> {
        self.title = self.title.trim().to_string();
        self.description = self.description.trim().to_string();
        self.owner = self.owner.trim().to_string();
        self.metric_id = self
            .metric_id
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty());
        if self.title.is_empty() {
            return Err(invalid("title", "an action needs a title"));
        }
        if let (Some(s), Some(d)) = (self.start_date, self.due_date) {
            if d < s {
                return Err(invalid(
                    "due date",
                    format!("the action is due ({d}) before it starts ({s})"),
                ));
            }
        }
        match self.status {
            ActionStatus::Done => {
                let on = self.completed_on.unwrap_or(today);
                if let Some(s) = self.start_date {
                    if on < s {
                        return Err(invalid(
                            "completed on",
                            format!("the action was completed ({on}) before it started ({s})"),
                        ));
                    }
                }
                self.completed_on = Some(on);
            }
            _ => self.completed_on = None,
        }
        if let Some(c) = self.cost {
            if !c.is_finite() || c < 0.0 {
                return Err(invalid(
                    "cost",
                    format!("{c} is not a cost; expected an amount of 0 or more"),
                ));
            }
        }
        if let Some(e) = self.expected {
            if !e.value().is_finite() {
                return Err(invalid(
                    "expected effect",
                    "the expected value is not a number",
                ));
            }
        }
        if self.expected.is_some() && self.metric_id.is_none() {
            return Err(invalid(
                "expected effect",
                "an expected effect needs the metric it applies to",
            ));
        }
        self.causes.sort_unstable();
        self.causes.dedup();
        check_scope(&self.scope)?;
        Ok(self)
    }
}

/// A dated progress note.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionNote {
    pub id: i64,
    pub noted_on: NaiveDate,
    pub text: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A stored action with its notes (oldest first).
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub id: i64,
    pub action: ActionInput,
    pub notes: Vec<ActionNote>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
    /// Set while the action is deleted (it can be restored).
    pub deleted_at: Option<String>,
}

impl Action {
    /// Past its due date on `today` (due before today) and neither done nor cancelled.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        is_overdue(&self.action, today)
    }
}

/// See [`Action::is_overdue`].
pub fn is_overdue(a: &ActionInput, today: NaiveDate) -> bool {
    matches!(a.status, ActionStatus::Planned | ActionStatus::InProgress)
        && a.due_date.is_some_and(|d| d < today)
}

/// An update: fields left `None` stay as they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub start_date: Option<Option<NaiveDate>>,
    pub due_date: Option<Option<NaiveDate>>,
    pub status: Option<ActionStatus>,
    pub completed_on: Option<NaiveDate>,
    pub causes: Option<Vec<i64>>,
    pub metric_id: Option<Option<String>>,
    pub scope: Option<Scope>,
    pub expected: Option<Option<ExpectedEffect>>,
    pub cost: Option<Option<f64>>,
}

impl ActionPatch {
    /// The action with this update applied (not yet checked). A done action keeps its completion
    /// date unless the update gives another.
    pub fn apply(&self, a: &ActionInput) -> ActionInput {
        ActionInput {
            title: self.title.clone().unwrap_or_else(|| a.title.clone()),
            description: self
                .description
                .clone()
                .unwrap_or_else(|| a.description.clone()),
            owner: self.owner.clone().unwrap_or_else(|| a.owner.clone()),
            start_date: self.start_date.unwrap_or(a.start_date),
            due_date: self.due_date.unwrap_or(a.due_date),
            status: self.status.unwrap_or(a.status),
            completed_on: self.completed_on.or(a.completed_on),
            causes: self.causes.clone().unwrap_or_else(|| a.causes.clone()),
            metric_id: self
                .metric_id
                .clone()
                .unwrap_or_else(|| a.metric_id.clone()),
            scope: self.scope.clone().unwrap_or_else(|| a.scope.clone()),
            expected: self.expected.unwrap_or(a.expected),
            cost: self.cost.unwrap_or(a.cost),
        }
    }
}

/// Which actions a list shows; every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionFilter {
    /// Owner, ignoring letter case.
    pub owner: Option<String>,
    pub status: Option<ActionStatus>,
    pub metric: Option<String>,
    /// Only actions overdue on this day.
    pub overdue_on: Option<NaiveDate>,
    /// Only actions answering this cause.
    pub cause: Option<i64>,
    /// Also deleted actions (to offer them for restoring).
    pub include_deleted: bool,
}

impl ActionFilter {
    pub fn accepts(&self, a: &Action) -> bool {
        (self.include_deleted || a.deleted_at.is_none())
            && self
                .owner
                .as_ref()
                .is_none_or(|o| a.action.owner.eq_ignore_ascii_case(o.trim()))
            && self.status.is_none_or(|s| a.action.status == s)
            && self
                .metric
                .as_ref()
                .is_none_or(|m| a.action.metric_id.as_deref() == Some(m.as_str()))
            && self.overdue_on.is_none_or(|d| a.is_overdue(d))
            && self.cause.is_none_or(|c| a.action.causes.contains(&c))
    }
}
