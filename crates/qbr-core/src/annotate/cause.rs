//! Root causes: why one or more metrics moved, for a scope and a period range, with a category,
//! the evidence, an author and who may see it. An edit keeps the cause as it was before
//! ([`CauseRevision`]); a delete hides it until it is restored.

use std::fmt;

use chrono::NaiveDate;

use super::{check_scope, invalid, word_enum, Scope};
use crate::error::Result;

/// What kind of cause it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    People,
    Process,
    Technology,
    /// Demand or volume: more (or different) contacts than planned.
    Demand,
    Customer,
    External,
    Other,
}

word_enum!(Category, "category", {
    People => "people",
    Process => "process",
    Technology => "technology",
    Demand => "demand",
    Customer => "customer",
    External => "external",
    Other => "other",
});

/// Who may see a cause: the account team only, or the client too (it then appears in the pack).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    Internal,
    Client,
}

word_enum!(Visibility, "visibility", {
    Internal => "internal",
    Client => "client",
});

/// A root cause as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct CauseInput {
    /// One or more metric ids, built-in or custom.
    pub metrics: Vec<String>,
    pub scope: Scope,
    /// First and last day of the period the cause explains, both inclusive.
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub evidence: String,
    pub author: String,
    pub visibility: Visibility,
}

impl CauseInput {
    /// Checks what can be checked without the workspace (metric ids are checked by the store
    /// against the catalog in force). Trims the texts and removes repeated metrics.
    pub fn normalised(mut self) -> Result<CauseInput> {
        self.title = self.title.trim().to_string();
        self.description = self.description.trim().to_string();
        self.evidence = self.evidence.trim().to_string();
        self.author = self.author.trim().to_string();
        if self.title.is_empty() {
            return Err(invalid("title", "a root cause needs a title"));
        }
        let mut metrics: Vec<String> = Vec::new();
        for m in &self.metrics {
            let m = m.trim();
            if !m.is_empty() && !metrics.iter().any(|x| x == m) {
                metrics.push(m.to_string());
            }
        }
        if metrics.is_empty() {
            return Err(invalid(
                "metric",
                "a root cause explains at least one metric",
            ));
        }
        self.metrics = metrics;
        if self.period_to < self.period_from {
            return Err(invalid(
                "period",
                format!(
                    "the period ends ({}) before it starts ({})",
                    self.period_to, self.period_from
                ),
            ));
        }
        check_scope(&self.scope)?;
        Ok(self)
    }
}

/// A stored root cause.
#[derive(Debug, Clone, PartialEq)]
pub struct RootCause {
    pub id: i64,
    pub cause: CauseInput,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
    /// Set while the cause is deleted (it can be restored).
    pub deleted_at: Option<String>,
}

/// An earlier state of a cause, saved when it was edited.
#[derive(Debug, Clone, PartialEq)]
pub struct CauseRevision {
    pub id: i64,
    /// When the edit that replaced this state was made (RFC 3339, UTC).
    pub edited_at: String,
    /// The cause as it was before that edit.
    pub previous: CauseInput,
    /// When the previous state had been written.
    pub previous_updated_at: String,
}

/// An edit: fields left `None` stay as they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CausePatch {
    pub metrics: Option<Vec<String>>,
    /// `Some(None)` makes the cause account-wide.
    pub scope: Option<Scope>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub category: Option<Category>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub evidence: Option<String>,
    pub author: Option<String>,
    pub visibility: Option<Visibility>,
}

impl CausePatch {
    pub fn is_empty(&self) -> bool {
        *self == CausePatch::default()
    }

    /// The cause with this edit applied (not yet checked).
    pub fn apply(&self, c: &CauseInput) -> CauseInput {
        CauseInput {
            metrics: self.metrics.clone().unwrap_or_else(|| c.metrics.clone()),
            scope: self.scope.clone().unwrap_or_else(|| c.scope.clone()),
            period_from: self.period_from.unwrap_or(c.period_from),
            period_to: self.period_to.unwrap_or(c.period_to),
            category: self.category.unwrap_or(c.category),
            title: self.title.clone().unwrap_or_else(|| c.title.clone()),
            description: self
                .description
                .clone()
                .unwrap_or_else(|| c.description.clone()),
            evidence: self.evidence.clone().unwrap_or_else(|| c.evidence.clone()),
            author: self.author.clone().unwrap_or_else(|| c.author.clone()),
            visibility: self.visibility.unwrap_or(c.visibility),
        }
    }
}

/// Which causes a list shows; every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CauseFilter {
    /// Causes attached to this metric.
    pub metric: Option<String>,
    /// Causes whose period overlaps this span (both inclusive).
    pub overlapping: Option<(NaiveDate, NaiveDate)>,
    /// Causes of exactly this scope (`Some(None)`: account-wide causes only).
    pub scope: Option<Scope>,
    /// Only causes the client may see.
    pub client_visible_only: bool,
    /// Also deleted causes (to offer them for restoring).
    pub include_deleted: bool,
}

impl CauseFilter {
    /// Whether `c` passes the filter.
    pub fn accepts(&self, c: &RootCause) -> bool {
        (self.include_deleted || c.deleted_at.is_none())
            && self
                .metric
                .as_ref()
                .is_none_or(|m| c.cause.metrics.iter().any(|x| x == m))
            && self
                .overlapping
                .is_none_or(|(from, to)| c.cause.period_from <= to && from <= c.cause.period_to)
            && self.scope.as_ref().is_none_or(|s| *s == c.cause.scope)
            && (!self.client_visible_only || c.cause.visibility == Visibility::Client)
    }
}

impl fmt::Display for RootCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "#{} {} ({}, {}..{})",
            self.id,
            self.cause.title,
            self.cause.category,
            self.cause.period_from,
            self.cause.period_to
        )
    }
}
