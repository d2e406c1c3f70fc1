//! The metrics engine: every figure of metrics.md, computed as a ratio of sums of base measures
//! after aggregation to the scope asked for (a period, a grouping, filters).
//!
//! Promises:
//! - Percentages and averages are never averaged: groups, periods and moving-average windows are
//!   always recomputed from summed measures.
//! - A metric without data or with a zero denominator has no value (never 0, never NaN) and says
//!   why in words a client can read.
//! - Every value carries its numerator, denominator and sample size.
//! - Built-in and custom metrics are evaluated by the same code.
//!
//! Map: [`catalog`] (the 22 metrics and their formulas), [`variant`] (the definitions a workspace
//! may choose), [`formula`] (custom metrics), [`engine`] (evaluation and scorecards), [`target`]
//! (contract targets and RAG status), [`comparison`] (QoQ / YoY changes), [`series`] (trends).

pub mod catalog;
pub mod comparison;
pub mod engine;
pub mod formula;
mod id;
pub mod series;
pub mod target;
pub mod variant;

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::measure::Dimension;

pub use catalog::{Metric, MetricId};
pub use comparison::Change;
pub use engine::{Scorecard, ScorecardEntry, ScorecardGroup, ScorecardRequest};
pub use formula::{CustomMetric, Formula, Scale, Term};
pub use series::{Series, SeriesLine, SeriesPoint, SeriesRequest, Trend};
pub use target::{Status, Target, TargetDirection};
pub use variant::{AttritionVariant, CsatVariant, FcrVariant, MetricVariants, ServiceLevelVariant};

/// What a metric's value measures, which decides how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Count,
    /// A fraction (0.812), shown as a percentage.
    Ratio,
    Seconds,
    /// NPS, −100 to 100.
    Score,
    /// Customer effort, 1 to 7.
    Scale7,
    /// Quality, 0 to 100.
    Points,
    /// In the workspace currency.
    Money,
}

impl Unit {
    pub const ALL: [Unit; 7] = [
        Unit::Count,
        Unit::Ratio,
        Unit::Seconds,
        Unit::Score,
        Unit::Scale7,
        Unit::Points,
        Unit::Money,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Ratio => "ratio",
            Unit::Seconds => "seconds",
            Unit::Score => "score",
            Unit::Scale7 => "scale_1_7",
            Unit::Points => "points",
            Unit::Money => "money",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Unit {
    type Err = Error;
    fn from_str(s: &str) -> Result<Unit> {
        Unit::ALL
            .into_iter()
            .find(|u| u.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| Error::InvalidSetting {
                field: "unit".into(),
                message: format!(
                    "unknown unit {s:?}; expected count, ratio, seconds, score, scale_1_7, points or money"
                ),
            })
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Higher,
    Lower,
    /// Best inside a band (occupancy: too low wastes money, too high burns people out).
    Band,
    /// Neither (volumes).
    None,
}

impl Direction {
    pub const ALL: [Direction; 4] = [
        Direction::Higher,
        Direction::Lower,
        Direction::Band,
        Direction::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
            Direction::Band => "band",
            Direction::None => "none",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Direction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Direction> {
        Direction::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| Error::InvalidSetting {
                field: "direction".into(),
                message: format!("unknown direction {s:?}; expected higher, lower, band or none"),
            })
    }
}

/// A remark attached to a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flag {
    /// Fewer responses or evaluations than the metric's minimum sample.
    LowSample,
    /// The service level is the source's own percentage (no answered-in-threshold counts in
    /// the scope), weighted by the contacts it speaks of: the source's definition, not ours.
    ReportedBySource,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::LowSample => "low_sample",
            Flag::ReportedBySource => "reported_by_source",
        }
    }

    /// The flag as a reader is told it.
    pub fn words(self) -> &'static str {
        match self {
            Flag::LowSample => "low sample",
            Flag::ReportedBySource => "reported by the source",
        }
    }
}

/// One metric evaluated over one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricValue {
    /// `None` when there is no value; `reason` then says why.
    pub value: Option<f64>,
    /// The summed numerator before any scale factor (NPS × 100, attrition × 12 / months).
    pub numerator: Option<f64>,
    /// `None` for count metrics, which have no denominator.
    pub denominator: Option<f64>,
    /// Sample size: responses, evaluations or contacts, where the metric has one.
    pub n: Option<u64>,
    pub flags: Vec<Flag>,
    pub reason: Option<String>,
    /// Set when part of the scope's denominator lacks the numerator's measures: the value is
    /// computed over the rest, and this says how much and what lacks (metrics.md, "Unknown is
    /// not zero").
    pub coverage: Option<engine::Coverage>,
    /// What else a reader must know to read the value right ("short abandons are not in the
    /// data, so none could be excluded").
    pub notes: Vec<String>,
}

impl MetricValue {
    /// No value, for `reason`.
    pub fn missing(reason: impl Into<String>) -> MetricValue {
        MetricValue {
            value: None,
            numerator: None,
            denominator: None,
            n: None,
            flags: Vec::new(),
            reason: Some(reason.into()),
            coverage: None,
            notes: Vec::new(),
        }
    }

    pub fn is_low_sample(&self) -> bool {
        self.flags.contains(&Flag::LowSample)
    }
}

/// Which members a group stands for, in `group_by` order. An empty key is the whole scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct GroupKey(pub Vec<(Dimension, Option<String>)>);

impl GroupKey {
    pub(crate) fn from_parts(group_by: &[Dimension], names: &[Option<String>]) -> GroupKey {
        GroupKey(
            group_by
                .iter()
                .copied()
                .zip(names.iter().cloned())
                .collect(),
        )
    }

    /// The member of `d` in this group: `Some(None)` when the group's rows leave it empty,
    /// `None` when the group is not cut by `d`.
    pub fn get(&self, d: Dimension) -> Option<Option<&str>> {
        self.0
            .iter()
            .find(|(gd, _)| *gd == d)
            .map(|(_, v)| v.as_deref())
    }

    /// `Billing / Dublin`; "All" for the whole scope; "(none)" for an empty member.
    pub fn label(&self) -> String {
        if self.0.is_empty() {
            return "All".into();
        }
        self.0
            .iter()
            .map(|(_, v)| v.as_deref().unwrap_or("(none)"))
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// Orders named members alphabetically and empty members last.
    pub(crate) fn sort_key(&self) -> Vec<(bool, String)> {
        self.0
            .iter()
            .map(|(_, v)| (v.is_none(), v.clone().unwrap_or_default()))
            .collect()
    }
}

/// A whole count with thousands separators: 1,234,567.
pub fn format_count(v: f64) -> String {
    let s = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}
