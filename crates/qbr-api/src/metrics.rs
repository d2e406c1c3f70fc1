//! Metric operations: scorecards, series, targets and custom metrics, as the CLI and the app call
//! them. Arguments arrive as the user typed them (`2026-Q3`, `program`, `queue=Payments`) and are
//! parsed here once, so both shells accept and refuse exactly the same input.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Days, NaiveDate, Utc};
use qbr_core::metrics::catalog::Metric;
use qbr_core::metrics::engine::GroupKey;
use qbr_core::metrics::formula::CustomMetric;
use qbr_core::metrics::target::{parse_targets_csv, Target};
use qbr_core::metrics::variant::{
    MetricVariants, ServiceLevelVariant, KEY_ATTRITION, KEY_CSAT, KEY_FCR, KEY_FCR_REPEAT_DAYS,
    KEY_SERVICE_LEVEL,
};
use qbr_core::metrics::{Change, Direction, ScorecardRequest, SeriesRequest, Unit};
use qbr_core::period::{Grain, Period};
use qbr_core::store::NewTarget;
use qbr_core::Workspace;

pub(crate) use crate::args::{invalid, parse_date};
pub use crate::args::{parse_dimension, parse_filter};
pub(crate) use crate::views::{chart_target, definition_view, period_view, unit_kind};
use crate::wire::*;
use crate::ApiResult;

/// The period a label names, or — without a label — the latest quarter that is complete both in
/// time and in the data (a workspace whose data end in September opens on Q3, even in November).
pub fn resolve_period(ws: &Workspace, label: Option<&str>, today: NaiveDate) -> ApiResult<Period> {
    let fsm = ws.settings()?.fiscal_year_start_month;
    if let Some(label) = label {
        return Ok(Period::parse(label, fsm)?);
    }
    let data_end = ws
        .data_range()?
        .and_then(|r| NaiveDate::parse_from_str(&r.last_day, "%Y-%m-%d").ok())
        .and_then(|d| d.checked_add_days(Days::new(1)));
    let as_of = data_end.map_or(today, |d| d.min(today));
    Ok(Period::latest_complete_quarter(as_of, fsm))
}

/// What `qbr metrics` and the scorecard page ask for.
#[derive(Debug, Clone, Default)]
pub struct MetricsQuery {
    /// A period label; `None` for the latest complete quarter.
    pub period: Option<String>,
    pub by: Vec<String>,
    pub filters: Vec<String>,
    /// Metric ids; empty for all.
    pub metrics: Vec<String>,
}

/// A scorecard: every requested metric per group, with targets, RAG and QoQ / YoY.
pub fn metrics_report(path: &Path, q: &MetricsQuery, today: NaiveDate) -> ApiResult<MetricsReport> {
    let ws = Workspace::open(path)?;
    metrics_report_in(&ws, q, today)
}

pub(crate) fn metrics_report_in(
    ws: &Workspace,
    q: &MetricsQuery,
    today: NaiveDate,
) -> ApiResult<MetricsReport> {
    report_in(ws, q, today, true)
}

/// [`metrics_report_in`], with the previous quarter and the year before (`compare`) or without
/// them (each comparison is another pass over its period's facts).
fn report_in(
    ws: &Workspace,
    q: &MetricsQuery,
    today: NaiveDate,
    compare: bool,
) -> ApiResult<MetricsReport> {
    let period = resolve_period(ws, q.period.as_deref(), today)?;
    let group_by =
        q.by.iter()
            .map(|d| parse_dimension(d))
            .collect::<ApiResult<Vec<_>>>()?;
    let filters = q
        .filters
        .iter()
        .map(|f| parse_filter(f))
        .collect::<ApiResult<Vec<_>>>()?;
    let card = ws.scorecard(&ScorecardRequest {
        period,
        metrics: q.metrics.clone(),
        group_by,
        filters,
        compare,
    })?;
    Ok(MetricsReport {
        period: period_view(&card.period),
        previous_period: card.previous_period.as_ref().map(period_view),
        year_ago_period: card.year_ago_period.as_ref().map(period_view),
        currency: ws.settings()?.currency,
        definitions: card.metrics.iter().map(definition_view).collect(),
        groups: card
            .groups
            .iter()
            .map(|g| GroupView {
                key: key_view(&g.key),
                label: g.key.label(),
                metrics: g
                    .metrics
                    .iter()
                    .map(|e| {
                        (
                            e.metric_id.clone(),
                            MetricEntryView {
                                value: e.value.value,
                                numerator: e.value.numerator,
                                denominator: e.value.denominator,
                                n: e.value.n,
                                unit: e.unit.as_str().into(),
                                target: e.target.as_ref().map(target_view),
                                status: e.status.as_str().into(),
                                previous: e.previous,
                                year_ago: e.year_ago,
                                change_previous: e.change_previous.map(change_view),
                                change_year_ago: e.change_year_ago.map(change_view),
                                flags: e.value.flags.iter().map(|f| f.as_str().into()).collect(),
                                reason: e.value.reason.clone(),
                                coverage: e.value.coverage.as_ref().map(coverage_view),
                                notes: e.value.notes.clone(),
                            },
                        )
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// What `qbr series` and trend charts ask for.
#[derive(Debug, Clone)]
pub struct SeriesQuery {
    pub metrics: Vec<String>,
    /// day, week or month.
    pub grain: String,
    pub from: String,
    pub to: String,
    pub by: Option<String>,
    pub filters: Vec<String>,
    pub moving_average: Option<usize>,
}

/// A metric by day, week or month over a range, with moving average and trend.
pub fn series_report(path: &Path, q: &SeriesQuery) -> ApiResult<SeriesReport> {
    let ws = Workspace::open(path)?;
    series_report_in(&ws, q)
}

pub(crate) fn series_report_in(ws: &Workspace, q: &SeriesQuery) -> ApiResult<SeriesReport> {
    let grain = match q.grain.trim().to_ascii_lowercase().as_str() {
        "day" => Grain::Day,
        "week" => Grain::Week,
        "month" => Grain::Month,
        other => {
            return Err(invalid(
                "grain",
                format!("{other:?} is not a grain; expected day, week or month"),
            ))
        }
    };
    let from = parse_date(&q.from, "from")?;
    let to = parse_date(&q.to, "to")?;
    if to < from {
        return Err(invalid("to", format!("{to} is before {from}")));
    }
    let series = ws.series(&SeriesRequest {
        range: Period::range(from, to),
        grain,
        metrics: q.metrics.clone(),
        group_by: q.by.as_deref().map(parse_dimension).transpose()?,
        filters: q
            .filters
            .iter()
            .map(|f| parse_filter(f))
            .collect::<ApiResult<Vec<_>>>()?,
        moving_average: q.moving_average,
    })?;
    Ok(SeriesReport {
        range: period_view(&series.range),
        grain: series.grain.as_str().into(),
        definitions: series.metrics.iter().map(definition_view).collect(),
        lines: series
            .lines
            .iter()
            .map(|l| SeriesLineView {
                key: key_view(&l.key),
                label: l.key.label(),
                metric_id: l.metric_id.clone(),
                unit: l.unit.as_str().into(),
                points: l
                    .points
                    .iter()
                    .map(|p| SeriesPointView {
                        period: period_view(&p.period),
                        value: p.value.value,
                        n: p.value.n,
                        moving_average: p.moving_average,
                        reason: p.value.reason.clone(),
                        partial: p.partial,
                        days: p.days,
                    })
                    .collect(),
                trend: l.trend.map(|t| TrendView {
                    slope_per_period: t.slope_per_period,
                    improving: t.improving,
                    points: t.points as u64,
                    partial_left_out: t.partial_left_out as u64,
                }),
            })
            .collect(),
    })
}

/// Every metric in force: built-ins under the workspace's variants, then custom metrics.
pub fn metric_definitions(path: &Path) -> ApiResult<Vec<MetricDefinitionView>> {
    let ws = Workspace::open(path)?;
    Ok(ws.metric_catalog()?.iter().map(definition_view).collect())
}

pub use crate::wire::TargetInput;

pub fn list_targets(path: &Path) -> ApiResult<Vec<TargetView>> {
    let ws = Workspace::open(path)?;
    Ok(ws.targets()?.iter().map(target_view).collect())
}

pub fn add_target(path: &Path, t: &TargetInput, now: DateTime<Utc>) -> ApiResult<TargetView> {
    let mut ws = Workspace::open(path)?;
    let known: Vec<String> = ws.metric_catalog()?.into_iter().map(|m| m.id).collect();
    if !known.iter().any(|k| k == &t.metric_id) {
        return Err(invalid(
            "metric",
            format!(
                "unknown metric {:?}; `qbr metric-def WORKSPACE list` shows them",
                t.metric_id
            ),
        ));
    }
    let new = NewTarget {
        metric_id: t.metric_id.clone(),
        scope: t.scope.as_deref().map(parse_filter).transpose()?,
        direction: t.direction.clone(),
        value: t.value,
        value_high: t.value_high,
        tolerance: t.tolerance.unwrap_or(0.05),
        effective_from: parse_date(&t.effective_from, "from")?,
        effective_to: t
            .effective_to
            .as_deref()
            .map(|d| parse_date(d, "to"))
            .transpose()?,
    };
    let id = ws.add_target(&new, now)?;
    let stored = ws
        .targets()?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| invalid("target", "the target was not stored"))?;
    Ok(target_view(&stored))
}

/// Imports targets from a CSV file chosen by the user (columns documented in docs/reference.md); all
/// rows or none.
pub fn import_targets_file(
    path: &Path,
    file: &Path,
    now: DateTime<Utc>,
) -> ApiResult<Vec<TargetView>> {
    if !file.is_file() {
        return Err(ErrorView {
            code: ErrorCode::NotFound,
            message: format!("cannot read {}: there is no such file", file.display()),
        });
    }
    let mut ws = Workspace::open(path)?;
    let known: Vec<String> = ws.metric_catalog()?.into_iter().map(|m| m.id).collect();
    // The same reader as every import: any encoding and delimiter an export may have.
    let rows = qbr_core::metrics::target::read_targets_file(file, &|id: &str| {
        known.iter().any(|k| k == id)
    })?;
    let ids = ws.add_targets(&rows, now)?;
    Ok(ws
        .targets()?
        .iter()
        .filter(|t| ids.contains(&t.id))
        .map(target_view)
        .collect())
}

/// Imports targets from CSV text (columns documented in docs/reference.md); all or nothing.
pub fn import_targets(
    path: &Path,
    csv_text: &str,
    now: DateTime<Utc>,
) -> ApiResult<Vec<TargetView>> {
    let mut ws = Workspace::open(path)?;
    let known: Vec<String> = ws.metric_catalog()?.into_iter().map(|m| m.id).collect();
    let rows = parse_targets_csv(csv_text, &|id: &str| known.iter().any(|k| k == id))
        .map_err(|e| invalid("targets file", e.to_string()))?;
    let ids = ws.add_targets(&rows, now)?;
    Ok(ws
        .targets()?
        .iter()
        .filter(|t| ids.contains(&t.id))
        .map(target_view)
        .collect())
}

pub fn remove_target(path: &Path, id: i64) -> ApiResult<()> {
    let mut ws = Workspace::open(path)?;
    if ws.remove_target(id)? {
        Ok(())
    } else {
        Err(ErrorView {
            code: ErrorCode::NotFound,
            message: format!("there is no target {id}"),
        })
    }
}

pub use crate::wire::MetricDefInput;

pub fn add_metric_def(
    path: &Path,
    m: &MetricDefInput,
    now: DateTime<Utc>,
) -> ApiResult<MetricDefinitionView> {
    let mut ws = Workspace::open(path)?;
    let unit = Unit::ALL
        .into_iter()
        .find(|u| u.as_str() == m.unit.trim())
        .ok_or_else(|| {
            invalid(
                "unit",
                format!(
                    "unknown unit {:?}; expected one of {}",
                    m.unit,
                    Unit::ALL.map(|u| u.as_str()).join(", ")
                ),
            )
        })?;
    let direction: Direction = m.direction.parse()?;
    let custom = CustomMetric {
        id: m.id.trim().to_string(),
        name: m.name.trim().to_string(),
        formula: m.formula.clone(),
        unit,
        direction,
    };
    ws.add_custom_metric(&custom, now)?;
    Ok(definition_view(&Metric::custom(&custom)?))
}

pub fn remove_metric_def(path: &Path, id: &str) -> ApiResult<()> {
    let mut ws = Workspace::open(path)?;
    if ws.remove_custom_metric(id)? {
        Ok(())
    } else {
        Err(ErrorView {
            code: ErrorCode::NotFound,
            message: format!(
                "there is no custom metric {id:?} (built-in metrics cannot be removed)"
            ),
        })
    }
}

/// The scorecard page: the report for `period` (latest complete quarter by default), optionally
/// grouped by one dimension, with a weekly sparkline per metric and the quarters to pick from.
pub fn scorecard_page(
    path: &Path,
    period: Option<&str>,
    by: Option<&str>,
    today: NaiveDate,
) -> ApiResult<ScorecardPage> {
    let ws = Workspace::open(path)?;
    let resolved = resolve_period(&ws, period, today)?;
    let grouped = by.is_some();
    // The tiles' weekly series needs only the period, so a second connection computes it on
    // another thread while this one computes the figures (whose comparisons take a third) and
    // the per-channel figures: a period switch waits for the longest of them instead of their
    // sum (`scripts/bench.sh switch`). Each statement reads its own snapshot either way, as
    // the parts did one after the other.
    let query = MetricsQuery {
        period: Some(resolved.label.clone()),
        by: by.map(|d| vec![d.to_string()]).unwrap_or_default(),
        ..MetricsQuery::default()
    };
    let (report, by_channel, sparklines) = std::thread::scope(|s| {
        let sparklines = (!grouped).then(|| s.spawn(|| sparklines(path, &resolved)));
        let report = metrics_report_in(&ws, &query, today);
        let by_channel = if grouped {
            Ok(Vec::new())
        } else {
            per_channel(&ws, &resolved, today)
        };
        let sparklines = sparklines.map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (report, by_channel, sparklines)
    });
    let (report, by_channel) = (report?, by_channel?);
    let sparklines = sparklines.transpose()?.unwrap_or_default();
    Ok(ScorecardPage {
        report,
        sparklines,
        periods: data_quarters(&ws)?,
        dimensions: ["program", "queue", "channel", "site", "team"]
            .map(String::from)
            .to_vec(),
        by_channel,
    })
}

/// Each metric's sparkline: its weekly values over the period, on a connection of its own.
fn sparklines(path: &Path, period: &Period) -> ApiResult<BTreeMap<String, String>> {
    let ws = Workspace::open(path)?;
    let weekly = series_report_in(
        &ws,
        &SeriesQuery {
            // Every metric, as the figures show (an empty list asks for all of them).
            metrics: Vec::new(),
            grain: "week".into(),
            from: period.start.to_string(),
            to: period.end.to_string(),
            by: None,
            filters: Vec::new(),
            moving_average: None,
        },
    )?;
    let mut sparklines = BTreeMap::new();
    for line in &weekly.lines {
        // Weeks without a value are left out rather than drawn as 0.
        let values: Vec<f64> = line.points.iter().filter_map(|p| p.value).collect();
        let svg = qbr_render::chart::sparkline_svg(&values, 160, 36, (0x1f, 0x5f, 0xa8)).map_err(
            |e| ErrorView {
                code: ErrorCode::Internal,
                message: e.to_string(),
            },
        )?;
        sparklines.insert(line.metric_id.clone(), svg);
    }
    Ok(sparklines)
}

/// Service level and speed of answer per channel for the period. The tiles show each
/// channel's figure and status, not its change, so no comparison is computed.
fn per_channel(ws: &Workspace, period: &Period, today: NaiveDate) -> ApiResult<Vec<GroupView>> {
    Ok(report_in(
        ws,
        &MetricsQuery {
            period: Some(period.label.clone()),
            by: vec!["channel".into()],
            metrics: PER_CHANNEL.map(String::from).to_vec(),
            ..MetricsQuery::default()
        },
        today,
        false,
    )?
    .groups)
}

/// The metrics the scorecard also shows per channel: a speed of answer or a service level across
/// channels blends an email answered in hours with a call answered in seconds.
pub const PER_CHANNEL: [&str; 2] = ["service_level", "asa"];

/// The metric detail page: the metric for the period, its weekly trend over the 52 weeks ending
/// with the period (4-week moving average, the target in force), and a breakdown by `by`.
pub fn metric_detail(
    path: &Path,
    metric_id: &str,
    period: Option<&str>,
    by: Option<&str>,
    today: NaiveDate,
) -> ApiResult<MetricDetailPage> {
    let ws = Workspace::open(path)?;
    let by = by.unwrap_or("program").to_string();
    let t = metric_trend(&ws, path, metric_id, period, today, |_| true)?;
    let breakdown = metrics_report_in(
        &ws,
        &MetricsQuery {
            period: Some(t.period.label.clone()),
            by: vec![by.clone()],
            metrics: vec![metric_id.to_string()],
            ..MetricsQuery::default()
        },
        today,
    )?
    .groups;
    let (trend_svg, plot) =
        qbr_render::chart::trend_svg_with_plot(&t.chart).map_err(chart_error)?;
    let chart = ChartGeometryView {
        width: plot.width,
        height: plot.height,
        top: plot.top,
        bottom: plot.bottom,
        buckets: t
            .trend
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (x0, x1) = plot.bucket_span(i);
                ChartBucketView {
                    period: p.period.clone(),
                    x0,
                    x1,
                }
            })
            .collect(),
    };
    Ok(MetricDetailPage {
        definition: t.definition,
        period: t.period,
        currency: t.currency,
        overall: t.overall,
        trend_svg,
        trend: t.trend,
        markers: t.annotations.markers,
        chart,
        breakdown_by: by,
        breakdown,
        dimensions: ["program", "queue", "channel", "site", "team", "agent"]
            .map(String::from)
            .to_vec(),
    })
}

pub(crate) fn chart_error(e: qbr_render::chart::ChartError) -> ErrorView {
    ErrorView {
        code: ErrorCode::Internal,
        message: e.to_string(),
    }
}

/// A metric over a period with its weekly trend chart: what the metric detail page, the pack's
/// metric pages and chart exports all draw.
pub(crate) struct MetricTrend {
    pub period: PeriodView,
    pub currency: String,
    pub definition: MetricDefinitionView,
    pub overall: MetricEntryView,
    pub trend: SeriesLineView,
    /// Causes and actions on the metric over the trend's weeks, `keep_cause` applied.
    pub annotations: ChartAnnotationsView,
    pub chart: qbr_render::chart::TrendChart,
}

/// The metric for the period, its weekly trend over the 52 weeks ending with the period (4-week
/// moving average, the target in force) and markers for the causes `keep_cause` lets through and
/// for the actions' start and completion.
pub(crate) fn metric_trend(
    ws: &Workspace,
    path: &Path,
    metric_id: &str,
    period: Option<&str>,
    today: NaiveDate,
    keep_cause: impl Fn(&CauseView) -> bool,
) -> ApiResult<MetricTrend> {
    let overall_report = metrics_report_in(
        ws,
        &MetricsQuery {
            period: period.map(str::to_string),
            metrics: vec![metric_id.to_string()],
            ..MetricsQuery::default()
        },
        today,
    )?;
    let definition = overall_report
        .definitions
        .first()
        .cloned()
        .ok_or_else(|| invalid("metric", format!("unknown metric {metric_id:?}")))?;
    let overall = overall_report
        .groups
        .first()
        .and_then(|g| g.metrics.get(metric_id))
        .cloned()
        .ok_or_else(|| invalid("metric", format!("unknown metric {metric_id:?}")))?;
    let end = parse_date(&overall_report.period.end, "period end")?;
    let start = trend_start(end);
    let weekly = series_report_in(
        ws,
        &SeriesQuery {
            metrics: vec![metric_id.to_string()],
            grain: "week".into(),
            from: start.format("%Y-%m-%d").to_string(),
            to: overall_report.period.end.clone(),
            by: None,
            filters: Vec::new(),
            moving_average: Some(4),
        },
    )?;
    let trend = weekly
        .lines
        .into_iter()
        .next()
        .ok_or_else(|| invalid("metric", format!("no series for {metric_id:?}")))?;
    // Causes and action dates inside the trend's weeks become markers on their week.
    let mut annotations = crate::annotate::causes_and_actions_for(
        path,
        metric_id,
        &format!("{start}..{}", overall_report.period.end),
        today,
    )?;
    let hidden: Vec<i64> = annotations
        .causes
        .iter()
        .filter(|c| !keep_cause(c))
        .map(|c| c.id)
        .collect();
    annotations.causes.retain(|c| !hidden.contains(&c.id));
    annotations
        .markers
        .retain(|m| !(m.kind == "cause" && hidden.contains(&m.id)));
    let chart_markers = annotations
        .markers
        .iter()
        .filter_map(|m| {
            let at = trend
                .points
                .iter()
                .position(|p| p.period.start <= m.date && m.date <= p.period.end)?;
            let kind = match m.kind.as_str() {
                "cause" => qbr_render::chart::MarkerKind::Cause,
                "action_start" => qbr_render::chart::MarkerKind::ActionStart,
                _ => qbr_render::chart::MarkerKind::ActionFinish,
            };
            Some(qbr_render::chart::Marker {
                at,
                label: m.label.clone(),
                kind,
            })
        })
        .collect();
    let chart = qbr_render::chart::TrendChart {
        title: format!("{}, week by week", definition.name),
        unit: unit_kind(&definition.unit),
        buckets: trend
            .points
            .iter()
            .map(|p| p.period.label.clone())
            .collect(),
        // The axis names months in the workspace's locale, where each week's days fall.
        spans: trend
            .points
            .iter()
            .map(|p| (p.period.start.clone(), p.period.end.clone()))
            .collect(),
        locale: ws.settings()?.locale,
        series: vec![qbr_render::chart::TrendSeries {
            name: "Whole account".into(),
            values: trend.points.iter().map(|p| p.value).collect(),
            moving_average: Some(qbr_render::chart::MovingAverage {
                label: "4-week average".into(),
                values: trend.points.iter().map(|p| p.moving_average).collect(),
            }),
        }],
        target: overall.target.as_ref().and_then(chart_target),
        markers: chart_markers,
        windows: Vec::new(),
        control: None,
        partial: trend
            .points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.partial)
            .map(|(i, _)| i)
            .collect(),
        width: 960,
        currency: String::new(),
        target_steps: Vec::new(),
        numbered_markers: false,
        height: 360,
    };
    Ok(MetricTrend {
        period: overall_report.period,
        currency: overall_report.currency,
        definition,
        overall,
        trend,
        annotations,
        chart,
    })
}

/// The first day of the 52 weekly buckets ending with `end`.
pub(crate) fn trend_start(end: NaiveDate) -> NaiveDate {
    end.checked_sub_days(Days::new(7 * 52 - 1)).unwrap_or(end)
}

/// Quarters overlapping the workspace's data, newest first.
fn data_quarters(ws: &Workspace) -> ApiResult<Vec<PeriodView>> {
    let fsm = ws.settings()?.fiscal_year_start_month;
    let Some(range) = ws.data_range()? else {
        return Ok(Vec::new());
    };
    let first = parse_date(&range.first_day, "first_day")?;
    let last = parse_date(&range.last_day, "last_day")?;
    let mut quarters = Vec::new();
    let mut q = Period::quarter_of(first, fsm);
    while q.start <= last {
        quarters.push(period_view(&q));
        match q.end.checked_add_days(Days::new(1)) {
            Some(next) => q = Period::quarter_of(next, fsm),
            None => break,
        }
    }
    quarters.reverse();
    Ok(quarters)
}

/// The metric definitions in force (service level, CSAT, FCR, attrition) and their choices.
pub fn variants(path: &Path) -> ApiResult<VariantsView> {
    let ws = Workspace::open(path)?;
    Ok(variants_view(&ws.metric_variants()?))
}

/// Changes some variants; the change is recorded with `now` and applies to every view at once.
pub fn set_variants(
    path: &Path,
    patch: &VariantsPatch,
    now: DateTime<Utc>,
) -> ApiResult<VariantsView> {
    let mut ws = Workspace::open(path)?;
    let mut pairs: std::collections::HashMap<String, String> = ws
        .metric_variants()?
        .to_pairs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let mut put = |key: &str, value: &Option<String>| {
        if let Some(v) = value {
            pairs.insert(key.to_string(), v.trim().to_string());
        }
    };
    put(KEY_SERVICE_LEVEL, &patch.service_level);
    put(KEY_CSAT, &patch.csat);
    put(KEY_FCR, &patch.fcr);
    put(KEY_ATTRITION, &patch.attrition);
    if let Some(days) = patch.fcr_repeat_days {
        pairs.insert(KEY_FCR_REPEAT_DAYS.to_string(), days.to_string());
    }
    let v = MetricVariants::from_pairs(&pairs)?;
    ws.set_metric_variants(&v, now)?;
    Ok(variants_view(&ws.metric_variants()?))
}

fn variants_view(v: &MetricVariants) -> VariantsView {
    let pairs: BTreeMap<&str, String> = v.to_pairs().into_iter().collect();
    let get = |k: &str| pairs.get(k).cloned().unwrap_or_default();
    let option = |id: &str, description: &str| VariantOptionView {
        id: id.into(),
        description: description.into(),
    };
    VariantsView {
        service_level: get(KEY_SERVICE_LEVEL),
        csat: get(KEY_CSAT),
        fcr: get(KEY_FCR),
        fcr_repeat_days: pairs.get(KEY_FCR_REPEAT_DAYS).and_then(|d| d.parse().ok()),
        attrition: get(KEY_ATTRITION),
        service_level_options: ServiceLevelVariant::ALL
            .iter()
            .map(|s| option(s.as_str(), s.description()))
            .collect(),
        csat_options: vec![
            option("top_two_box", "share of responses in the top two boxes"),
            option("mean_rating", "mean rating"),
        ],
        fcr_options: vec![
            option("reported", "resolution as reported by the data or surveys"),
            option(
                "repeat_contacts",
                "resolved when the customer does not contact again within N days",
            ),
        ],
        attrition_options: vec![
            option("annualised", "annualised (× 12 / months in the period)"),
            option("period", "for the period, not annualised"),
        ],
    }
}

fn key_view(k: &GroupKey) -> BTreeMap<String, Option<String>> {
    k.0.iter()
        .map(|(d, v)| (d.as_str().to_string(), v.clone()))
        .collect()
}

fn target_view(t: &Target) -> TargetView {
    TargetView {
        id: t.id,
        metric_id: t.metric_id.clone(),
        scope: t.scope.as_ref().map(|(d, v)| ScopeView {
            dimension: d.as_str().into(),
            value: v.clone(),
        }),
        direction: t.direction.as_str().into(),
        value: t.value,
        value_high: t.value_high,
        tolerance: t.tolerance,
        effective_from: t.effective_from.format("%Y-%m-%d").to_string(),
        effective_to: t.effective_to.map(|d| d.format("%Y-%m-%d").to_string()),
    }
}

fn change_view(c: Change) -> ChangeView {
    ChangeView {
        absolute: c.absolute,
        points: c.points,
        relative: c.relative,
    }
}

/// A value's coverage as the wire carries it.
pub(crate) fn coverage_view(c: &qbr_core::metrics::engine::Coverage) -> CoverageView {
    CoverageView {
        covered: c.covered,
        total: c.total,
        share: c.share(),
        lacking: c.lacking.clone(),
        text: c.text(),
    }
}
