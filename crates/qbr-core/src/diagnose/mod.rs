//! Diagnostics: why the numbers moved and what to do about it. Pure computations ([`control`]
//! charts and run rules, the rate / mix [`drivers`] split, [`correlation`], [`erlang`] C) plus the
//! workspace questions built on them from scorecards and series ([`attention`]). No SQL here:
//! every figure comes from [`Workspace::scorecard`] or [`Workspace::series`], so it is the same
//! ratio of sums the scorecard shows.

pub mod attention;
pub mod control;
pub mod correlation;
pub mod drivers;
pub mod erlang;

use crate::error::{Error, Result};
use crate::measure::Dimension;
use crate::metrics::catalog::Metric;
use crate::metrics::{ScorecardRequest, SeriesRequest, Unit};
use crate::period::{Grain, Period};
use crate::store::Workspace;

pub use attention::{AttentionItem, AttentionKind};
pub use control::{ChartInput, ChartMethod, ControlChart, PointLimits, Rule, Signal};
pub use correlation::{Correlation, CAUTION};
pub use drivers::{DriverSegment, DriverSplit, Drivers, Presence};

/// Metrics that are a share of counted contacts, so a p-chart's binomial limits apply.
pub const PROPORTIONS: [&str; 5] = ["service_level", "abandon_rate", "fcr", "csat", "error_rate"];

/// Whether `m` is a proportion of counts (its unit is a ratio and it is one of [`PROPORTIONS`]).
pub fn is_proportion(m: &Metric) -> bool {
    m.unit == Unit::Ratio && PROPORTIONS.contains(&m.id.as_str())
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::InvalidSetting {
        field: field.into(),
        message: message.into(),
    }
}

/// What a control chart covers.
#[derive(Debug, Clone)]
pub struct ControlRequest {
    pub metric: String,
    /// Day or week.
    pub grain: Grain,
    pub range: Period,
    /// The buckets whose values set the limits; `None` for the whole range.
    pub baseline: Option<Period>,
    pub filters: Vec<(Dimension, String)>,
    /// `None` chooses: for proportions a p-chart, or Laney's p′ when the baseline's samples are
    /// large ([`control::proportion_method`]); XmR otherwise.
    pub method: Option<ChartMethod>,
}

/// A metric's control chart over buckets.
#[derive(Debug, Clone)]
pub struct ControlSeries {
    pub metric: Metric,
    pub buckets: Vec<Period>,
    pub points: Vec<ChartInput>,
    pub baseline: Period,
    pub chart: ControlChart,
    /// A count charted per day (buckets of different lengths are compared per day).
    pub per_day: bool,
}

impl Workspace {
    /// The control chart of `req`; `Err` when the baseline has too few values.
    pub fn control_chart(&self, req: &ControlRequest) -> Result<ControlSeries> {
        if !matches!(req.grain, Grain::Day | Grain::Week) {
            return Err(invalid("grain", "a control chart is by day or by week"));
        }
        self.check_members(&req.filters)?;
        let series = self.series(&SeriesRequest {
            range: req.range.clone(),
            grain: req.grain,
            metrics: vec![req.metric.clone()],
            group_by: None,
            filters: req.filters.clone(),
            moving_average: None,
        })?;
        let metric = series
            .metrics
            .first()
            .cloned()
            .ok_or_else(|| invalid("metric", format!("unknown metric {:?}", req.metric)))?;
        // A count over buckets of different lengths (a partial first or last week) is compared
        // per day; a ratio is comparable as it is.
        let per_day = crate::metrics::series::is_flow_total(&metric)
            && series
                .lines
                .first()
                .is_some_and(|l| l.points.iter().any(|p| p.partial));
        let points: Vec<ChartInput> = series
            .lines
            .first()
            .map(|l| {
                l.points
                    .iter()
                    .map(|p| {
                        let scale = |v: Option<f64>| match (per_day, p.days) {
                            (false, _) => v,
                            (true, 0) => None,
                            (true, d) => v.map(|v| v / f64::from(d)),
                        };
                        ChartInput {
                            value: scale(p.value.value),
                            numerator: p.value.numerator,
                            denominator: p.value.denominator,
                            partial: p.partial,
                        }
                    })
                    .collect()
            })
            .unwrap_or_else(|| vec![ChartInput::value(None); series.buckets.len()]);
        let baseline = req.baseline.clone().unwrap_or_else(|| req.range.clone());
        if baseline.start > req.range.end || baseline.end < req.range.start {
            return Err(invalid(
                "baseline",
                format!(
                    "the baseline {} .. {} lies outside the chart's range {} .. {}",
                    baseline.start, baseline.end, req.range.start, req.range.end
                ),
            ));
        }
        let first = series
            .buckets
            .iter()
            .position(|b| b.end >= baseline.start)
            .unwrap_or(series.buckets.len());
        let last = series
            .buckets
            .iter()
            .rposition(|b| b.start <= baseline.end)
            .map_or(first, |i| i + 1);
        let method = req.method.unwrap_or(if is_proportion(&metric) {
            control::proportion_method(&points, first..last)
        } else {
            ChartMethod::Xmr
        });
        let chart = match method {
            ChartMethod::Xmr => control::xmr(&points, first..last),
            ChartMethod::P => control::p_chart(&points, first..last),
            ChartMethod::LaneyP => control::laney_p_chart(&points, first..last),
        }
        .map_err(|m| {
            // Say why the baseline is empty (the metric's own reason, the commonest among its
            // buckets without a value), not only that it is.
            let mut reasons: Vec<(usize, String)> = Vec::new();
            for p in series
                .lines
                .first()
                .map(|l| &l.points[first.min(l.points.len())..last.min(l.points.len())])
                .unwrap_or(&[])
            {
                if let (None, Some(r)) = (p.value.value, &p.value.reason) {
                    match reasons.iter_mut().find(|(_, x)| x == r) {
                        Some(e) => e.0 += 1,
                        None => reasons.push((1, r.clone())),
                    }
                }
            }
            reasons.sort_by_key(|r| std::cmp::Reverse(r.0));
            let why = match reasons.first() {
                Some((_, r)) => format!(": {r}"),
                None if series.lines.is_empty() => ": no data in this scope".to_string(),
                None => String::new(),
            };
            invalid(
                "baseline",
                format!(
                    "{} has no chart for the baseline {}..{} ({m}){why}",
                    metric.name, baseline.start, baseline.end
                ),
            )
        })?;
        Ok(ControlSeries {
            metric,
            buckets: series.buckets,
            points,
            baseline,
            chart,
            per_day,
        })
    }

    /// The paired values of two metrics over the weeks of `period` (`by` = None) or over the
    /// members of `by`, and their correlation. Pairs missing either value are left out.
    pub fn correlate_metrics(
        &self,
        x: &str,
        y: &str,
        by: Option<Dimension>,
        period: &Period,
        filters: &[(Dimension, String)],
    ) -> Result<CorrelationData> {
        let ids = vec![x.to_string(), y.to_string()];
        let (metrics, pairs) = match by {
            None => {
                let s = self.series(&SeriesRequest {
                    range: period.clone(),
                    grain: Grain::Week,
                    metrics: ids,
                    group_by: None,
                    filters: filters.to_vec(),
                    moving_average: None,
                })?;
                let line = |id: &str| s.lines.iter().find(|l| l.metric_id == id);
                let pairs = match (line(x), line(y)) {
                    (Some(lx), Some(ly)) => lx
                        .points
                        .iter()
                        .zip(&ly.points)
                        .map(|(a, b)| (a.period.label.clone(), a.value.value, b.value.value))
                        .collect(),
                    _ => Vec::new(),
                };
                (s.metrics, pairs)
            }
            Some(d) => {
                let card = self.scorecard(&ScorecardRequest {
                    period: period.clone(),
                    metrics: ids,
                    group_by: vec![d],
                    filters: filters.to_vec(),
                    compare: false,
                })?;
                let pairs = card
                    .groups
                    .iter()
                    .map(|g| {
                        (
                            g.key.label(),
                            g.metric(x).and_then(|e| e.value.value),
                            g.metric(y).and_then(|e| e.value.value),
                        )
                    })
                    .collect();
                (card.metrics, pairs)
            }
        };
        let [mx, my]: [Metric; 2] = metrics
            .try_into()
            .map_err(|_| invalid("metrics", "name two different metrics"))?;
        let points: Vec<(String, f64, f64)> = pairs
            .iter()
            .filter_map(|(l, a, b)| Some((l.clone(), (*a)?, (*b)?)))
            .collect();
        let left_out = pairs.len() - points.len();
        let xs: Vec<f64> = points.iter().map(|p| p.1).collect();
        let ys: Vec<f64> = points.iter().map(|p| p.2).collect();
        Ok(CorrelationData {
            x: mx,
            y: my,
            result: correlation::correlate(&xs, &ys),
            points,
            left_out,
        })
    }

    /// Per day of `period`: contacts offered and AHT (Σhandle_s / Σhandled), for staffing.
    pub fn daily_load(
        &self,
        period: &Period,
        filters: &[(Dimension, String)],
    ) -> Result<Vec<DailyLoad>> {
        let s = self.series(&SeriesRequest {
            range: period.clone(),
            grain: Grain::Day,
            metrics: vec!["offered".into(), "aht".into()],
            group_by: None,
            filters: filters.to_vec(),
            moving_average: None,
        })?;
        let line = |id: &str| s.lines.iter().find(|l| l.metric_id == id);
        let (Some(o), Some(a)) = (line("offered"), line("aht")) else {
            return Ok(Vec::new());
        };
        Ok(o.points
            .iter()
            .zip(&a.points)
            .map(|(o, a)| DailyLoad {
                day: o.period.start,
                offered: o.value.value,
                aht_s: a.value.value,
                handled: a.value.denominator,
            })
            .collect())
    }
}

/// Paired values and their correlation.
#[derive(Debug, Clone)]
pub struct CorrelationData {
    pub x: Metric,
    pub y: Metric,
    /// (week or member label, x, y), both present.
    pub points: Vec<(String, f64, f64)>,
    /// Weeks or members where either metric had no value.
    pub left_out: usize,
    pub result: std::result::Result<Correlation, String>,
}

/// One day's load.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyLoad {
    pub day: chrono::NaiveDate,
    pub offered: Option<f64>,
    pub aht_s: Option<f64>,
    pub handled: Option<f64>,
}

/// A value as a sentence shows it, by `qbr_format`'s rules as the app, the CLI and the pack
/// show it: 73.7%, 10:03, 10.6 h, 1,234, €3.10 (money in `currency`).
pub fn format_value(unit: Unit, v: f64, currency: &str) -> String {
    qbr_format::value(unit.as_str(), v, currency)
}

/// A change as a sentence shows it, unsigned, by `qbr_format`'s rules for a move: 10.5 pp,
/// 0:45, 1,200, €3.10.
pub fn format_change(unit: Unit, d: f64, currency: &str) -> String {
    let text = qbr_format::change(unit.as_str(), d.abs(), None, None, currency);
    text.strip_prefix(qbr_format::RULES.plus)
        .map(str::to_string)
        .unwrap_or(text)
}

pub use crate::metrics::format_count;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_over_weeks_of_different_lengths_is_charted_per_day() {
        use crate::measure::{Measure, Measures};
        use crate::store::{FactKey, NewBatch};
        // 100 contacts a day from Wednesday 1 July to Wednesday 30 September 2026, 200 on
        // Mondays: the quarter's first week holds 5 days, its last 3.
        let dir = tempfile::tempdir().unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut ws = Workspace::create(
            &dir.path().join("c.qbr"),
            &crate::settings::Settings::default(),
            now,
        )
        .unwrap();
        let mut tx = ws.write().unwrap();
        let b = tx.new_batch(&NewBatch::test("intervals", "c.csv")).unwrap();
        let q3 = Period::parse("2026-Q3", 1).unwrap();
        let mut day = q3.start;
        while day <= q3.end {
            use chrono::Datelike;
            let n = if day.weekday() == chrono::Weekday::Mon {
                200.0
            } else {
                100.0
            };
            let key = FactKey {
                day: Some(day),
                monthly: false,
                members: vec![],
            };
            tx.insert_fact(b, &key, &Measures::default().with(Measure::Offered, n))
                .unwrap();
            day = day.succ_opt().unwrap();
        }
        tx.commit().unwrap();
        let cs = ws
            .control_chart(&ControlRequest {
                metric: "offered".into(),
                grain: Grain::Week,
                range: q3,
                baseline: None,
                filters: vec![],
                method: None,
            })
            .unwrap();
        assert!(cs.per_day);
        let values: Vec<Option<f64>> = cs.points.iter().map(|p| p.value).collect();
        // W27: Wed–Sun, 500 over 5 days; a whole week: 800 over 7; W40: Mon–Wed, 400 over 3.
        assert_eq!(values[0], Some(100.0));
        assert_eq!(values[1], Some(800.0 / 7.0));
        assert_eq!(values[13], Some(400.0 / 3.0));
        assert!(cs.points[0].partial && cs.points[13].partial);
        assert_eq!(
            cs.chart.baseline_points, 12,
            "the two partial weeks set no limits"
        );
        assert!((cs.chart.centre - 800.0 / 7.0).abs() < 1e-9);
        assert!(cs.chart.signals.is_empty(), "{:?}", cs.chart.signals);
    }

    #[test]
    fn formats() {
        assert_eq!(format_value(Unit::Ratio, 0.7372, "EUR"), "73.7%");
        assert_eq!(format_value(Unit::Count, 1_234_567.0, "EUR"), "1,234,567");
        // Durations as the app shows them: m:ss under an hour (once "603 s"), hours above.
        assert_eq!(format_value(Unit::Seconds, 603.0, "EUR"), "10:03");
        assert_eq!(format_value(Unit::Seconds, 38_173.0, "EUR"), "10.6 h");
        // Money with the workspace currency's symbol (once "3.10").
        assert_eq!(format_value(Unit::Money, 3.1, "EUR"), "€3.10");
        assert_eq!(format_value(Unit::Money, 1234.0, "USD"), "$1,234");
        assert_eq!(format_value(Unit::Score, -12.34, "EUR"), "−12.3");
        assert_eq!(format_change(Unit::Ratio, -0.105, "EUR"), "10.5 pp");
        assert_eq!(format_change(Unit::Seconds, 44.6, "EUR"), "0:45");
        assert_eq!(format_change(Unit::Seconds, -5400.0, "EUR"), "1.5 h");
        assert_eq!(format_change(Unit::Money, -3.1, "GBP"), "£3.10");
        assert_eq!(format_change(Unit::Count, 1200.0, "EUR"), "1,200");
    }
}
