//! Annotations on the metrics: root causes (why a metric moved), improvement actions (what is being
//! done about it) and their effect (did it work?).
//!
//! Promises:
//! - Causes and actions are deleted softly: a deleted one is hidden from lists, kept in the file,
//!   and can be restored exactly as it was.
//! - Editing a cause keeps its history: every edit stores the cause as it was before.
//! - Nothing here reads the clock: `now` (instants) and `today` (overdue, too early) are passed in.
//! - The effect of an action is computed with the metrics engine (ratio of sums over each window)
//!   and tested with a test that fits the metric; see [`effect`].
//!
//! Map: [`cause`] (root causes, edits and history), [`action`] (actions, status, overdue, notes),
//! [`stats`] (the two tests and their p-values), [`effect`] (before/after windows, verdict,
//! savings and ROI). The SQL is in `store/causes.rs` and `store/actions.rs`.

pub mod action;
pub mod cause;
pub mod effect;
pub mod stats;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::measure::Dimension;

pub use action::{
    Action, ActionFilter, ActionInput, ActionNote, ActionPatch, ActionStatus, ExpectedEffect,
};
pub use cause::{
    Category, CauseFilter, CauseInput, CausePatch, CauseRevision, RootCause, Visibility,
};
pub use effect::{Effect, EffectWindow, Savings, Verdict};
pub use stats::{Method, TestResult};

/// Where a cause or an action applies: `None` is the whole account, otherwise one member of a
/// dimension (program, queue, channel, site or team; never an agent, whom a client review does
/// not single out).
pub type Scope = Option<(Dimension, String)>;

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::InvalidSetting {
        field: field.into(),
        message: message.into(),
    }
}

/// Checks a scope as entered: a known dimension other than agent, and a member name.
pub fn check_scope(scope: &Scope) -> Result<()> {
    if let Some((d, v)) = scope {
        if *d == Dimension::Agent {
            return Err(invalid(
                "scope",
                "a scope is the account, a program, a queue, a channel, a site or a team, not an agent",
            ));
        }
        if v.trim().is_empty() {
            return Err(invalid("scope", format!("{} names no member", d.as_str())));
        }
    }
    Ok(())
}

/// `program=Tech Support`, or `account` for the whole account.
pub fn scope_text(scope: &Scope) -> String {
    match scope {
        Some((d, v)) => format!("{}={v}", d.as_str()),
        None => "account".into(),
    }
}

/// Dates as stored and printed: `YYYY-MM-DD`.
pub(crate) fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Implements `as_str`, `Display` and a `FromStr` that lists the choices, for a closed set of
/// words stored in the file.
macro_rules! word_enum {
    ($name:ident, $field:literal, { $($variant:ident => $word:literal),* $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),* }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;
            fn from_str(s: &str) -> $crate::Result<$name> {
                let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == t)
                    .ok_or_else(|| {
                        $crate::annotate::invalid(
                            $field,
                            format!(
                                "{s:?} is not one of {}",
                                $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                            ),
                        )
                    })
            }
        }
    };
}
pub(crate) use word_enum;

#[cfg(test)]
mod tests;
