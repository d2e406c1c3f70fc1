//! Metric series: a metric by day, ISO week or month over a range, optionally per member of one
//! dimension, with a moving average and a least-squares trend.
//!
//! Promises:
//! - One aggregation query per series request, whatever the number of metrics and buckets.
//! - The moving average of a ratio is the ratio of the sums over the window, not the mean of the
//!   bucket values; it starts once a full window is available.
//! - Buckets are clipped to the range (see [`Period::buckets`]); monthly figures (finance,
//!   monthly headcount) count only in buckets that cover their whole month, so a weekly series
//!   of revenue has no values rather than a spike on the 1st.
//! - The trend is the least-squares slope of the bucket values per bucket, and says whether it
//!   moves the metric's better way.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

use crate::error::Result;
use crate::measure::Dimension;
use crate::metrics::catalog::Metric;
use crate::metrics::engine::{evaluate, is_improvement, Aggregate, GroupKey};
use crate::metrics::variant::FcrVariant;
use crate::metrics::{MetricValue, Unit};
use crate::period::{Grain, Period};
use crate::store::query::{MemberNames, TimeSplit};
use crate::store::Workspace;

/// What a series covers.
#[derive(Debug, Clone)]
pub struct SeriesRequest {
    pub range: Period,
    /// Day, week or month.
    pub grain: Grain,
    /// Metric ids; empty = every metric.
    pub metrics: Vec<String>,
    /// One line per member of this dimension; `None` for one line for the whole range.
    pub group_by: Option<Dimension>,
    pub filters: Vec<(Dimension, String)>,
    /// Window of the moving average, in buckets; `None` or 0 for none.
    pub moving_average: Option<usize>,
}

/// One bucket of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesPoint {
    pub period: Period,
    pub value: MetricValue,
    /// Ratio of sums over this bucket and the window − 1 before it.
    pub moving_average: Option<f64>,
}

/// Where a line is heading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// Least-squares slope, in the metric's unit per bucket.
    pub slope_per_period: f64,
    /// Whether the slope moves the metric's better way; `None` for volumes and bands.
    pub improving: Option<bool>,
    /// How many buckets had a value.
    pub points: usize,
}

/// One metric for one group over the buckets.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesLine {
    pub key: GroupKey,
    pub metric_id: String,
    pub unit: Unit,
    pub points: Vec<SeriesPoint>,
    /// `None` with fewer than two values.
    pub trend: Option<Trend>,
}

/// A series: the buckets' metrics per group.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub range: Period,
    pub grain: Grain,
    pub buckets: Vec<Period>,
    pub metrics: Vec<Metric>,
    /// Per group (sorted by key), per metric in request order.
    pub lines: Vec<SeriesLine>,
}

impl Series {
    pub fn line(&self, key: &GroupKey, metric_id: &str) -> Option<&SeriesLine> {
        self.lines
            .iter()
            .find(|l| &l.key == key && l.metric_id == metric_id)
    }
}

/// Least-squares slope of `(x, y)` points; `None` with fewer than two distinct x.
pub fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

fn month_end(first: NaiveDate) -> NaiveDate {
    (first + Months::new(1)).pred_opt().expect("in range")
}

/// The bucket holding `slot`: by day, or by month when the query was split by month.
fn bucket_of(buckets: &[Period], slot: NaiveDate, split: TimeSplit) -> Option<usize> {
    match split {
        TimeSplit::Day => {
            let i = buckets.partition_point(|b| b.start <= slot);
            (i > 0 && buckets[i - 1].contains(slot)).then(|| i - 1)
        }
        TimeSplit::Month => buckets
            .iter()
            .position(|b| (b.start.year(), b.start.month()) == (slot.year(), slot.month())),
    }
}

impl Workspace {
    /// The series of `req`: see [`Series`].
    pub fn series(&self, req: &SeriesRequest) -> Result<Series> {
        let variants = self.metric_variants()?;
        let metrics = self.resolve_metrics(&req.metrics, &variants)?;
        let buckets = req.range.buckets(req.grain)?;
        let split = if req.grain == Grain::Month {
            TimeSplit::Month
        } else {
            TimeSplit::Day
        };
        let group_by: Vec<Dimension> = req.group_by.into_iter().collect();
        let resolution_days = match variants.fcr {
            FcrVariant::RepeatContacts { days } => Some(days),
            FcrVariant::Reported => None,
        };
        let (facts, resolution) = self.cells(
            req.range.start,
            req.range.end,
            split,
            &group_by,
            &req.filters,
            resolution_days,
        )?;

        let mut per_key: BTreeMap<MemberNames, Vec<Aggregate>> = BTreeMap::new();
        let blank = || vec![Aggregate::default(); buckets.len()];
        if group_by.is_empty() {
            per_key.insert(Vec::new(), blank());
        }
        for c in &facts {
            let Some(i) = bucket_of(&buckets, c.slot, split) else {
                continue;
            };
            let b = &buckets[i];
            if c.monthly && !(b.start <= c.slot && month_end(c.slot) <= b.end) {
                continue;
            }
            per_key.entry(c.key.clone()).or_insert_with(blank)[i].add_cell(c);
        }
        if let Some(res) = resolution {
            // (group, bucket) → (resolved, eligible)
            let mut found: BTreeMap<(MemberNames, usize), (u64, u64)> = BTreeMap::new();
            for r in &res {
                if let Some(i) = bucket_of(&buckets, r.slot, split) {
                    let e = found.entry((r.key.clone(), i)).or_default();
                    e.0 += r.resolved;
                    e.1 += r.eligible;
                }
            }
            for (key, _) in found.keys() {
                per_key.entry(key.clone()).or_insert_with(blank);
            }
            for (key, aggs) in per_key.iter_mut() {
                for (i, agg) in aggs.iter_mut().enumerate() {
                    let f = found.get(&(key.clone(), i));
                    agg.take_resolution(f.map(|f| f.0), f.map(|f| f.1));
                }
            }
        }

        let window = req.moving_average.filter(|w| *w > 0);
        let mut keyed: Vec<(GroupKey, &Vec<Aggregate>)> = per_key
            .iter()
            .map(|(names, aggs)| {
                (
                    GroupKey(
                        group_by
                            .iter()
                            .copied()
                            .zip(names.iter().cloned())
                            .collect(),
                    ),
                    aggs,
                )
            })
            .collect();
        // Named members alphabetically, the empty member last.
        keyed.sort_by_key(|(k, _)| {
            k.0.iter()
                .map(|(_, v)| (v.is_none(), v.clone().unwrap_or_default()))
                .collect::<Vec<_>>()
        });
        let mut lines = Vec::new();
        for (key, aggs) in keyed {
            for m in &metrics {
                let points: Vec<SeriesPoint> = buckets
                    .iter()
                    .enumerate()
                    .map(|(i, b)| SeriesPoint {
                        period: b.clone(),
                        value: evaluate(m, &aggs[i], b.months()),
                        moving_average: window.filter(|w| i + 1 >= *w).and_then(|w| {
                            let mut merged = Aggregate::default();
                            let mut months = 0.0;
                            for j in i + 1 - w..=i {
                                merged.merge(&aggs[j]);
                                months += buckets[j].months();
                            }
                            evaluate(m, &merged, months).value
                        }),
                    })
                    .collect();
                let xy: Vec<(f64, f64)> = points
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| p.value.value.map(|v| (i as f64, v)))
                    .collect();
                let trend = slope(&xy).map(|s| Trend {
                    slope_per_period: s,
                    improving: is_improvement(m.direction, s),
                    points: xy.len(),
                });
                lines.push(SeriesLine {
                    key: key.clone(),
                    metric_id: m.id.clone(),
                    unit: m.unit,
                    points,
                    trend,
                });
            }
        }
        Ok(Series {
            range: req.range.clone(),
            grain: req.grain,
            buckets,
            metrics,
            lines,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_slope() {
        assert_eq!(
            slope(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]),
            Some(2.0),
            "a line of slope 2"
        );
        // y = 1, 2, 2 at x = 0, 1, 2: slope = Σ(x−1)(y−5/3) / Σ(x−1)² = (2/3 + 1/3) / 2 = 0.5.
        let s = slope(&[(0.0, 1.0), (1.0, 2.0), (2.0, 2.0)]).unwrap();
        assert!((s - 0.5).abs() < 1e-12, "{s}");
        assert_eq!(slope(&[(0.0, 1.0)]), None, "one point has no slope");
        assert_eq!(slope(&[(1.0, 1.0), (1.0, 2.0)]), None, "no spread in x");
    }
}
