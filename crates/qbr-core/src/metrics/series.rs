//! Metric series: a metric by day, ISO week or month over a range, optionally per member of one
//! dimension, with a moving average and a least-squares trend.
//!
//! Promises:
//! - One aggregation query per series request, whatever the number of metrics and buckets.
//! - The moving average of a ratio is the ratio of the sums over the window, not the mean of the
//!   bucket values; of a count (a formula without a denominator), the mean of the window's
//!   bucket values. It starts once a full window is available; a count's is left out where the
//!   window holds a partial bucket.
//! - A bucket is partial when the range or the data's first or last day cuts it (a quarter
//!   starting on a Wednesday, data ending mid-week): [`SeriesPoint::partial`] says so and
//!   [`SeriesPoint::days`] says how many of its days hold data. The trend of a count leaves
//!   partial buckets out.
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
use crate::metrics::engine::{evaluate, is_improvement, needed_measures, Aggregate, GroupKey};
use crate::metrics::variant::FcrVariant;
use crate::metrics::{MetricValue, Unit};
use crate::period::{Grain, Period};
use crate::store::query::{FactScope, MemberNames, TimeSplit};
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
    /// Ratio of sums over this bucket and the window − 1 before it (mean of the buckets for a
    /// count).
    pub moving_average: Option<f64>,
    /// Fewer days than its grain: cut by the range or by the first or last day with data.
    pub partial: bool,
    /// Days of the bucket within the range and the data's span.
    pub days: u32,
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
    /// Partial buckets left out of the trend (counts only: their totals are short by nature).
    pub partial_left_out: usize,
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

/// The whole grain period `bucket` was cut from (a clipped week's whole ISO week).
fn whole_bucket(bucket: &Period, grain: Grain) -> Period {
    match grain {
        Grain::Week => Period::week_of(bucket.start),
        Grain::Month => Period::month_of(bucket.start),
        _ => Period::day(bucket.start),
    }
}

/// Days of `bucket` inside the data's span, and whether that is fewer than its grain holds.
/// A bucket wholly outside the data is empty, not partial.
pub(crate) fn bucket_days(
    bucket: &Period,
    grain: Grain,
    span: Option<(NaiveDate, NaiveDate)>,
) -> (u32, bool) {
    let (start, end) = match span {
        Some((first, last)) => (bucket.start.max(first), bucket.end.min(last)),
        None => (bucket.start, bucket.end),
    };
    let days = if end < start {
        0
    } else {
        (end - start).num_days() as u32 + 1
    };
    let whole = whole_bucket(bucket, grain).days() as u32;
    (days, days > 0 && days < whole)
}

/// Whether a metric is a plain sum of flows (a count or total, no denominator, no stock).
pub(crate) fn is_flow_total(m: &Metric) -> bool {
    m.formula.denominator.is_none() && !m.formula.measures().any(|x| x.is_stock())
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
        let measures = needed_measures(&metrics);
        let scope = FactScope {
            start: req.range.start,
            end: req.range.end,
            group_by: &group_by,
            filters: &req.filters,
            split,
            measures: &measures,
            by_queue: false,
        };
        let (facts, resolution) = self.cells(&scope, resolution_days)?;
        let span = self.data_span()?;
        let shape: Vec<(u32, bool)> = buckets
            .iter()
            .map(|b| bucket_days(b, req.grain, span))
            .collect();

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
                let total = is_flow_total(m);
                let points: Vec<SeriesPoint> = buckets
                    .iter()
                    .enumerate()
                    .map(|(i, b)| SeriesPoint {
                        period: b.clone(),
                        value: evaluate(m, &aggs[i], b.months()),
                        moving_average: window.filter(|w| i + 1 >= *w).and_then(|w| {
                            let from = i + 1 - w;
                            if total {
                                // A count's average over the window is the mean of its buckets,
                                // and a partial bucket would pull it down.
                                if shape[from..=i].iter().any(|s| s.1) {
                                    return None;
                                }
                                let values: Option<Vec<f64>> = (from..=i)
                                    .map(|j| evaluate(m, &aggs[j], buckets[j].months()).value)
                                    .collect();
                                return values.map(|v| v.iter().sum::<f64>() / w as f64);
                            }
                            let mut merged = Aggregate::default();
                            let mut months = 0.0;
                            for j in from..=i {
                                merged.merge(&aggs[j]);
                                months += buckets[j].months();
                            }
                            evaluate(m, &merged, months).value
                        }),
                        partial: shape[i].1,
                        days: shape[i].0,
                    })
                    .collect();
                let left_out = |p: &SeriesPoint| total && p.partial;
                let xy: Vec<(f64, f64)> = points
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| !left_out(p))
                    .filter_map(|(i, p)| p.value.value.map(|v| (i as f64, v)))
                    .collect();
                let partial_left_out = points
                    .iter()
                    .filter(|p| left_out(p) && p.value.value.is_some())
                    .count();
                let trend = slope(&xy).map(|s| Trend {
                    slope_per_period: s,
                    improving: is_improvement(m.direction, s),
                    points: xy.len(),
                    partial_left_out,
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
    use chrono::{DateTime, Days, Utc};

    use super::*;
    use crate::measure::{Measure, Measures};
    use crate::settings::Settings;
    use crate::store::{FactKey, NewBatch};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn close(a: Option<f64>, b: f64, why: &str) {
        let a = a.unwrap_or_else(|| panic!("no value; expected {b}: {why}"));
        assert!((a - b).abs() < 1e-9, "expected {b}, got {a}: {why}");
    }

    /// Billing answers 70% in July, 80% in August, 90% in September, every day; Sales has one
    /// August day (500 of 1,000); Billing's August finance comes as one monthly row.
    fn workspace(dir: &std::path::Path) -> Workspace {
        let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-24T09:30:00Z")
            .unwrap()
            .into();
        let mut ws = Workspace::create(&dir.join("s.qbr"), &Settings::default(), now).unwrap();
        let mut tx = ws.write().unwrap();
        let b = tx
            .new_batch(&NewBatch {
                kind: "intervals".into(),
                file_name: "s.csv".into(),
                file_size: 1,
                sha256: "s".into(),
                preset: None,
                mapping: None,
                source_timezone: "UTC".into(),
                started_at: now,
                app_version: "test".into(),
            })
            .unwrap();
        let sl = |offered: f64, ait: f64| {
            Measures::default()
                .with(Measure::Offered, offered)
                .with(Measure::ShortAbandoned, 0.0)
                .with(Measure::AnsweredInThreshold, ait)
        };
        let key = |day: NaiveDate, program: &str, monthly: bool| FactKey {
            day: Some(day),
            monthly,
            members: vec![(Dimension::Program, program.to_string())],
        };
        let mut day = d("2026-07-01");
        while day <= d("2026-09-30") {
            let m = match day.month() {
                7 => sl(100.0, 70.0),
                8 => sl(100.0, 80.0),
                _ => sl(200.0, 180.0),
            };
            tx.insert_fact(b, &key(day, "Billing", false), &m).unwrap();
            day = day + Days::new(1);
        }
        tx.insert_fact(b, &key(d("2026-08-15"), "Sales", false), &sl(1000.0, 500.0))
            .unwrap();
        let finance = Measures::default()
            .with(Measure::Revenue, 1000.0)
            .with(Measure::Cost, 800.0);
        tx.insert_fact(b, &key(d("2026-08-01"), "Billing", true), &finance)
            .unwrap();
        tx.commit().unwrap();
        ws
    }

    fn request(range: &str, grain: Grain, metrics: &[&str]) -> SeriesRequest {
        SeriesRequest {
            range: Period::parse(range, 1).unwrap(),
            grain,
            metrics: metrics.iter().map(|m| m.to_string()).collect(),
            group_by: None,
            filters: vec![],
            moving_average: None,
        }
    }

    #[test]
    fn monthly_series_with_moving_average_and_trend() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let s = ws
            .series(&SeriesRequest {
                moving_average: Some(2),
                ..request("2026-Q3", Grain::Month, &["service_level"])
            })
            .unwrap();
        assert_eq!(s.lines.len(), 1, "no grouping: one line per metric");
        let line = &s.lines[0];
        let labels: Vec<&str> = line
            .points
            .iter()
            .map(|p| p.period.label.as_str())
            .collect();
        assert_eq!(labels, ["2026-07", "2026-08", "2026-09"]);
        close(line.points[0].value.value, 0.70, "2,170 / 3,100");
        close(
            line.points[1].value.value,
            2980.0 / 4100.0,
            "August with Sales: (2,480 + 500) / (3,100 + 1,000)",
        );
        close(line.points[2].value.value, 0.90, "5,400 / 6,000");
        assert_eq!(
            line.points[0].moving_average, None,
            "a two-month window needs two months"
        );
        close(
            line.points[1].moving_average,
            5150.0 / 7200.0,
            "July + August summed, not the mean of 70% and 72.7%",
        );
        close(
            line.points[2].moving_average,
            8380.0 / 10100.0,
            "August + September summed",
        );
        let trend = line.trend.unwrap();
        close(
            Some(trend.slope_per_period),
            (0.90 - 0.70) / 2.0,
            "three evenly spaced points: the slope is (last − first) / 2",
        );
        assert_eq!(
            trend.improving,
            Some(true),
            "service level is better higher"
        );
        assert_eq!(trend.points, 3);
    }

    #[test]
    fn grouped_series_keep_gaps_as_no_value() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let s = ws
            .series(&SeriesRequest {
                group_by: Some(Dimension::Program),
                ..request("2026-Q3", Grain::Month, &["service_level", "profit_margin"])
            })
            .unwrap();
        let billing = GroupKey(vec![(Dimension::Program, Some("Billing".into()))]);
        let sales = GroupKey(vec![(Dimension::Program, Some("Sales".into()))]);
        let b = s.line(&billing, "service_level").unwrap();
        close(
            b.points[1].value.value,
            0.80,
            "Billing alone in August: 2,480 / 3,100",
        );
        let sl = s.line(&sales, "service_level").unwrap();
        assert_eq!(sl.points[0].value.value, None);
        assert_eq!(
            sl.points[0].value.reason.as_deref(),
            Some("no contacts offered"),
            "Sales has no July data"
        );
        close(sl.points[1].value.value, 0.5, "500 / 1,000");
        assert_eq!(sl.trend, None, "one value makes no trend");
        let pm = s.line(&billing, "profit_margin").unwrap();
        close(
            pm.points[1].value.value,
            0.2,
            "(1,000 − 800) / 1,000 in August",
        );
        assert_eq!(pm.points[0].value.value, None, "no July finance");
        assert_eq!(s.lines.len(), 4, "two programs × two metrics");
    }

    #[test]
    fn weekly_and_daily_buckets() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let s = ws
            .series(&request(
                "2026-07-27..2026-08-09",
                Grain::Week,
                &["offered", "profit_margin"],
            ))
            .unwrap();
        assert_eq!(s.buckets.len(), 2, "2026-W31 and 2026-W32");
        let offered = s.line(&GroupKey::default(), "offered").unwrap();
        close(
            offered.points[0].value.value,
            700.0,
            "W31 (27 July – 2 August): 7 days × 100",
        );
        let pm = s.line(&GroupKey::default(), "profit_margin").unwrap();
        assert!(
            pm.points.iter().all(|p| p.value.value.is_none()),
            "monthly finance cannot be cut into weeks"
        );
        let days = ws
            .series(&request(
                "2026-08-14..2026-08-16",
                Grain::Day,
                &["service_level"],
            ))
            .unwrap();
        let values: Vec<Option<f64>> = days.lines[0].points.iter().map(|p| p.value.value).collect();
        close(values[0], 0.8, "14 August: Billing only");
        close(values[1], 580.0 / 1100.0, "15 August: Billing and Sales");
        close(values[2], 0.8, "16 August");
        assert!(
            ws.series(&request("2026-Q3", Grain::Quarter, &["offered"]))
                .is_err(),
            "a quarter is no series bucket"
        );
    }

    #[test]
    fn partial_weeks_are_marked_and_counts_average_over_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let s = ws
            .series(&SeriesRequest {
                moving_average: Some(4),
                ..request("2026-Q3", Grain::Week, &["offered", "service_level"])
            })
            .unwrap();
        let offered = s.line(&GroupKey::default(), "offered").unwrap();
        let got: Vec<(bool, u32, Option<f64>)> = offered
            .points
            .iter()
            .map(|p| (p.partial, p.days, p.value.value))
            .collect();
        // 2026-07-01 is a Wednesday: W27 holds 5 days of July (100 a day); W40 holds 28–30
        // September (200 a day). W33 has Sales' 1,000 on 15 August; W36 is 31 August (100) and
        // 1–6 September (6 × 200).
        let week = |v: f64| (false, 7, Some(v));
        assert_eq!(
            got,
            vec![
                (true, 5, Some(500.0)),
                week(700.0),
                week(700.0),
                week(700.0),
                week(700.0),
                week(700.0),
                week(1700.0),
                week(700.0),
                week(700.0),
                week(1300.0),
                week(1400.0),
                week(1400.0),
                week(1400.0),
                (true, 3, Some(600.0)),
            ]
        );
        let ma: Vec<Option<f64>> = offered.points.iter().map(|p| p.moving_average).collect();
        assert_eq!(ma[3], None, "W27..W30 holds the partial W27");
        close(
            ma[4],
            700.0,
            "W28..W31: the mean of four weeks, not their sum 2,800",
        );
        close(ma[6], (700.0 * 3.0 + 1700.0) / 4.0, "W30..W33");
        assert_eq!(ma[13], None, "W37..W40 holds the partial W40");
        let trend = offered.trend.unwrap();
        assert_eq!(
            (trend.points, trend.partial_left_out),
            (12, 2),
            "a count's trend leaves the short weeks out"
        );
        // A ratio's moving average stays the ratio of the sums, partial weeks included: W27..W30
        // is July alone, 70%.
        let sl = s.line(&GroupKey::default(), "service_level").unwrap();
        close(
            sl.points[3].moving_average,
            0.70,
            "ratio of sums over W27..W30",
        );
        assert_eq!(sl.trend.unwrap().partial_left_out, 0);
        // A range that starts on a Monday before the data: the data's first day cuts W27.
        let s = ws
            .series(&request(
                "2026-06-29..2026-07-12",
                Grain::Week,
                &["offered"],
            ))
            .unwrap();
        let p: Vec<(bool, u32)> = s.lines[0]
            .points
            .iter()
            .map(|p| (p.partial, p.days))
            .collect();
        assert_eq!(p, vec![(true, 5), (false, 7)], "data from Wednesday 1 July");
    }

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
