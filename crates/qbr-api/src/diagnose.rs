//! Diagnostic operations: the attention list, control charts, the rate / mix driver split,
//! correlations and Erlang C staffing, as `qbr` and the app call them. Arguments arrive as typed
//! (`2026-Q3`, `program`, `2026-01-05..2026-06-28`) and are parsed here once for both shells.

use std::path::Path;

use crate::StopCheck;
use chrono::NaiveDate;
use qbr_core::diagnose::control::ChartMethod;
use qbr_core::diagnose::erlang::{self, Load};
use qbr_core::diagnose::{format_change, ControlRequest, Presence, CAUTION};
use qbr_core::metrics::ScorecardRequest;
use qbr_core::period::{Grain, Period};
use qbr_core::Workspace;

use crate::metrics::{
    definition_view, invalid, parse_date, parse_dimension, parse_filter, period_view,
    resolve_period, unit_kind,
};
use crate::wire::*;
use crate::ApiResult;

fn chart_error(e: qbr_render::chart::ChartError) -> ErrorView {
    ErrorView {
        code: ErrorCode::Internal,
        message: e.to_string(),
    }
}

/// The ranked attention list for `period` (the latest complete quarter by default).
pub fn attention(
    path: &Path,
    period: Option<&str>,
    today: NaiveDate,
) -> ApiResult<AttentionReport> {
    attention_unless_replaced(path, period, today, None)
}

/// [`attention`], ending early with [`ErrorCode::Cancelled`] once `replaced` says a newer request
/// has made the list unwanted (the app: another period picked while the list was computed).
pub fn attention_unless_replaced(
    path: &Path,
    period: Option<&str>,
    today: NaiveDate,
    replaced: Option<StopCheck>,
) -> ApiResult<AttentionReport> {
    let mut ws = Workspace::open(path)?;
    if let Some(replaced) = replaced {
        ws.stop_when(replaced)?;
    }
    let period = resolve_period(&ws, period, today)?;
    let items = ws.attention(&period)?;
    Ok(AttentionReport {
        period: period_view(&period),
        items: items
            .iter()
            .map(|i| AttentionItemView {
                kind: i.kind.as_str().into(),
                metric_id: i.metric_id.clone(),
                metric_name: i.metric_name.clone(),
                unit: i.unit.as_str().into(),
                scope: i.scope.as_ref().map(|(d, v)| ScopeView {
                    dimension: d.as_str().into(),
                    value: v.clone(),
                }),
                scope_label: i.scope_label(),
                score: i.score,
                message: i.message.clone(),
                value: i.value,
                newly: i.newly,
                rules: i.rules.iter().map(|r| r.as_str().into()).collect(),
                weeks: i.weeks.clone(),
                status: i.status.map_or("none", |s| s.as_str()).into(),
            })
            .collect(),
    })
}

/// What `qbr control` and the metric page's control toggle ask for.
#[derive(Debug, Clone, Default)]
pub struct ControlQuery {
    pub metric: String,
    /// day or week.
    pub grain: String,
    pub from: String,
    pub to: String,
    /// `FROM..TO` dates; `None` for the whole range.
    pub baseline: Option<String>,
    pub filters: Vec<String>,
    /// xmr, p or laney_p; `None` chooses (for proportions of counts a p-chart, Laney's p′ when
    /// the baseline's samples are large).
    pub method: Option<String>,
}

fn parse_range(text: &str, field: &str) -> ApiResult<Period> {
    let (a, b) = text.split_once("..").ok_or_else(|| {
        invalid(
            field,
            format!("{text:?} is not a range; expected FROM..TO such as 2026-01-05..2026-06-28"),
        )
    })?;
    let (a, b) = (parse_date(a, field)?, parse_date(b, field)?);
    if b < a {
        return Err(invalid(field, format!("{b} is before {a}")));
    }
    Ok(Period::range(a, b))
}

/// A control chart of one metric by day or week.
pub fn control(path: &Path, q: &ControlQuery) -> ApiResult<ControlReport> {
    let ws = Workspace::open(path)?;
    Ok(control_in(&ws, q)?.0)
}

/// The control chart's report and the trend chart (with its control band) its SVG is drawn from,
/// so the pack draws the very same chart.
pub(crate) fn control_in(
    ws: &Workspace,
    q: &ControlQuery,
) -> ApiResult<(ControlReport, qbr_render::chart::TrendChart)> {
    let grain = match q.grain.trim().to_ascii_lowercase().as_str() {
        "day" => Grain::Day,
        "week" => Grain::Week,
        other => {
            return Err(invalid(
                "grain",
                format!("{other:?} is not a control-chart grain; expected day or week"),
            ))
        }
    };
    let (from, to) = (parse_date(&q.from, "from")?, parse_date(&q.to, "to")?);
    if to < from {
        return Err(invalid("to", format!("{to} is before {from}")));
    }
    let method = match q.method.as_deref().map(|m| m.trim().to_ascii_lowercase()) {
        None => None,
        Some(m) if m == "xmr" => Some(ChartMethod::Xmr),
        Some(m) if m == "p" => Some(ChartMethod::P),
        Some(m) if m == "laney_p" || m == "laney" => Some(ChartMethod::LaneyP),
        Some(m) => {
            return Err(invalid(
                "method",
                format!("{m:?} is not a method; expected xmr, p or laney_p"),
            ))
        }
    };
    let cs = ws.control_chart(&ControlRequest {
        metric: q.metric.clone(),
        grain,
        range: Period::range(from, to),
        baseline: q
            .baseline
            .as_deref()
            .map(|b| parse_range(b, "baseline"))
            .transpose()?,
        filters: q
            .filters
            .iter()
            .map(|f| parse_filter(f))
            .collect::<ApiResult<_>>()?,
        method,
    })?;
    let c = &cs.chart;
    let locale = ws.settings()?.locale;
    let definition = definition_view(&cs.metric);
    let direction = |s: &qbr_core::diagnose::Signal| -> &'static str {
        use qbr_core::diagnose::Rule;
        match (s.rule, s.side) {
            (Rule::FourteenAlternating, _) => "alternating",
            (Rule::SixTrending, 1) => "rising",
            (Rule::SixTrending, _) => "falling",
            (_, 1) => "above",
            _ => "below",
        }
    };
    let points: Vec<ControlPointView> = cs
        .buckets
        .iter()
        .enumerate()
        .map(|(i, b)| ControlPointView {
            period: period_view(b),
            value: cs.points[i].value,
            lower: c.limits[i].map(|l| l.lower),
            upper: c.limits[i].map(|l| l.upper),
            sigma: c.limits[i].map(|l| l.sigma),
            moving_range: c.moving_ranges[i],
            in_baseline: b.end >= cs.baseline.start && b.start <= cs.baseline.end,
            partial: cs.points[i].partial,
            signals: c
                .signals
                .iter()
                .filter(|s| s.start <= i && i <= s.end)
                .map(|s| s.rule.as_str().to_string())
                .collect(),
        })
        .collect();
    let signals: Vec<ControlSignalView> = c
        .signals
        .iter()
        .map(|s| ControlSignalView {
            rule: s.rule.as_str().into(),
            label: s.rule.label().into(),
            start: cs.buckets[s.start].label.clone(),
            end: cs.buckets[s.end].label.clone(),
            direction: direction(s).into(),
        })
        .collect();
    let mut rings: Vec<usize> = c
        .signals
        .iter()
        .flat_map(|s| {
            // A point rule marks its point; a run marks the point where it fired.
            [s.end]
        })
        .collect();
    rings.sort();
    rings.dedup();
    let chart = qbr_render::chart::TrendChart {
        title: format!(
            "{}{}, {} by {} ({})",
            cs.metric.name,
            if cs.per_day { " per day" } else { "" },
            c.method.label(),
            grain.as_str(),
            if c.method == ChartMethod::Xmr {
                "individuals"
            } else {
                "limits per point"
            }
        ),
        unit: unit_kind(&definition.unit),
        buckets: cs.buckets.iter().map(|b| b.label.clone()).collect(),
        // Days, weeks or months: the axis names months in the workspace's locale.
        spans: cs
            .buckets
            .iter()
            .map(|b| (b.start.to_string(), b.end.to_string()))
            .collect(),
        locale: locale.clone(),
        series: vec![qbr_render::chart::TrendSeries {
            name: cs.metric.name.clone(),
            values: cs.points.iter().map(|p| p.value).collect(),
            moving_average: None,
        }],
        target: None,
        markers: Vec::new(),
        windows: Vec::new(),
        control: Some(qbr_render::chart::ControlBand {
            centre: c.centre,
            lower: c.limits.iter().map(|l| l.map(|l| l.lower)).collect(),
            upper: c.limits.iter().map(|l| l.map(|l| l.upper)).collect(),
            signals: rings,
        }),
        partial: cs
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
    let report = ControlReport {
        definition,
        grain: grain.as_str().into(),
        method: c.method.as_str().into(),
        range: period_view(&Period::range(from, to)),
        baseline: period_view(&cs.baseline),
        baseline_points: c.baseline_points as u64,
        centre: c.centre,
        mean_moving_range: c.mean_moving_range,
        moving_range_ucl: c.moving_range_ucl,
        points,
        signals,
        per_day: cs.per_day,
        chart_svg: qbr_render::chart::trend_svg(&chart).map_err(chart_error)?,
    };
    Ok((report, chart))
}

/// What `qbr drivers` and the drivers view ask for.
#[derive(Debug, Clone, Default)]
pub struct DriversQuery {
    pub metric: String,
    pub from: String,
    pub to: String,
    pub by: String,
    pub filters: Vec<String>,
}

/// Splits a metric's change between two periods by a dimension into rate and mix parts.
pub fn drivers(path: &Path, q: &DriversQuery) -> ApiResult<DriversReport> {
    let ws = Workspace::open(path)?;
    let fsm = ws.settings()?.fiscal_year_start_month;
    let from = Period::parse(&q.from, fsm)?;
    let to = Period::parse(&q.to, fsm)?;
    let by = parse_dimension(&q.by)?;
    let filters = q
        .filters
        .iter()
        .map(|f| parse_filter(f))
        .collect::<ApiResult<Vec<_>>>()?;
    let d = ws.drivers(&q.metric, from, to, by, &filters)?;
    let s = &d.split;
    let definition = definition_view(&d.metric);
    let sentence = driver_sentence(&d, &ws.settings()?.currency);
    let chart = qbr_render::chart::DriverChart {
        title: format!(
            "What drove {} from {} to {}",
            d.metric.name, d.from.label, d.to.label
        ),
        unit: unit_kind(&definition.unit),
        segments: s
            .segments
            .iter()
            .take(12)
            .map(|x| (x.key.clone(), x.rate_effect, x.mix_effect))
            .collect(),
        width: 720,
        height: (110 + 44 * s.segments.len().clamp(1, 12)) as u32,
    };
    Ok(DriversReport {
        definition,
        by: by.as_str().into(),
        from: period_view(&d.from),
        to: period_view(&d.to),
        value_from: s.value_from,
        value_to: s.value_to,
        change: s.change,
        rate_total: s.rate_total,
        mix_total: s.mix_total,
        segments: s
            .segments
            .iter()
            .map(|x| DriverSegmentView {
                segment: x.key.clone(),
                presence: x.presence.as_str().into(),
                value_from: x.value_from,
                value_to: x.value_to,
                volume_from: x.volume_from,
                volume_to: x.volume_to,
                share_from: x.share_from,
                share_to: x.share_to,
                rate_effect: x.rate_effect,
                mix_effect: x.mix_effect,
                total_effect: x.total_effect(),
            })
            .collect(),
        excluded: s
            .excluded
            .iter()
            .map(|(k, r)| ExcludedSegmentView {
                segment: k.clone(),
                reason: r.clone(),
            })
            .collect(),
        sentence,
        chart_svg: qbr_render::chart::drivers_svg(&chart).map_err(chart_error)?,
    })
}

/// "Average handle time rose 0:45 from 2026-Q2 to 2026-Q3: Billing's own average handle time
/// added 0:16, more volume in Tech Support added 0:16, less volume in Billing added 0:13." Each
/// part says which way it moved the metric (added / took off), whatever the whole change did; the
/// three largest parts are named, parts that round to nothing are not, and the rest is one
/// clause when it does not round to nothing. A change that rounds to nothing "did not move".
pub(crate) fn driver_sentence(d: &qbr_core::diagnose::Drivers, currency: &str) -> String {
    let s = &d.split;
    let unit = d.metric.unit;
    let zero = format_change(unit, 0.0, currency);
    let rounds_away = |v: f64| format_change(unit, v, currency) == zero;
    let head = |verb: &str, by: String| {
        format!(
            "{} {verb}{by} from {} to {}",
            d.metric.name, d.from.label, d.to.label
        )
    };
    if rounds_away(s.change) {
        return format!(
            "{} (at {}).",
            head("did not move", String::new()),
            qbr_core::diagnose::format_value(unit, s.value_to, currency)
        );
    }
    let verb = if s.change > 0.0 { "rose" } else { "fell" };
    let mut parts: Vec<(String, f64)> = Vec::new();
    for x in &s.segments {
        parts.push((
            format!("{}'s own {}", x.key, d.metric.name.to_lowercase()),
            x.rate_effect,
        ));
        let shift = match x.presence {
            Presence::OnlyTo => format!("{} arriving", x.key),
            Presence::OnlyFrom => format!("{} leaving", x.key),
            Presence::Both if x.share_to >= x.share_from => format!("more volume in {}", x.key),
            Presence::Both => format!("less volume in {}", x.key),
        };
        parts.push((shift, x.mix_effect));
    }
    parts.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let moved = |v: f64| {
        format!(
            "{} {}",
            if v > 0.0 { "added" } else { "took off" },
            format_change(unit, v, currency)
        )
    };
    let named: Vec<&(String, f64)> = parts.iter().filter(|p| !rounds_away(p.1)).take(3).collect();
    let rest: f64 = parts.iter().map(|p| p.1).sum::<f64>() - named.iter().map(|p| p.1).sum::<f64>();
    let mut out = head(
        verb,
        format!(" {}", format_change(unit, s.change, currency)),
    );
    if !named.is_empty() {
        out.push_str(": ");
        let clauses: Vec<String> = named
            .iter()
            .map(|(what, v)| format!("{what} {}", moved(*v)))
            .collect();
        out.push_str(&clauses.join(", "));
        if !rounds_away(rest) {
            out.push_str(&format!("; everything else {}", moved(rest)));
        }
    }
    out.push('.');
    out
}

/// What `qbr correlate` and the correlation view ask for.
#[derive(Debug, Clone, Default)]
pub struct CorrelateQuery {
    /// Exactly two metric ids.
    pub metrics: Vec<String>,
    /// `week` or a dimension.
    pub by: String,
    pub period: Option<String>,
    pub filters: Vec<String>,
}

/// The correlation of two metrics over the weeks of a period or over the members of a dimension.
pub fn correlate(
    path: &Path,
    q: &CorrelateQuery,
    today: NaiveDate,
) -> ApiResult<CorrelationReport> {
    let [x, y] = q.metrics.as_slice() else {
        return Err(invalid(
            "metrics",
            format!(
                "name exactly two metrics, such as aht,csat (got {})",
                q.metrics.len()
            ),
        ));
    };
    if x == y {
        return Err(invalid("metrics", "name two different metrics"));
    }
    let ws = Workspace::open(path)?;
    let period = resolve_period(&ws, q.period.as_deref(), today)?;
    let by = match q.by.trim().to_ascii_lowercase().as_str() {
        "week" => None,
        other => Some(parse_dimension(other)?),
    };
    let filters = q
        .filters
        .iter()
        .map(|f| parse_filter(f))
        .collect::<ApiResult<Vec<_>>>()?;
    let data = ws.correlate_metrics(x, y, by, &period, &filters)?;
    let (xd, yd) = (definition_view(&data.x), definition_view(&data.y));
    let points: Vec<CorrelationPointView> = data
        .points
        .iter()
        .map(|(label, x, y)| CorrelationPointView {
            label: label.clone(),
            x: *x,
            y: *y,
        })
        .collect();
    // On the chart a week is named by its first day in the workspace's locale ("27 Jul"), as
    // the app's and the deck's weekly charts name it; the points keep their labels.
    let settings = ws.settings()?;
    let chart_points = data
        .points
        .iter()
        .map(|(label, x, y)| {
            let name = match by {
                None => Period::parse(label, settings.fiscal_year_start_month)
                    .map(|w| qbr_format::day_month(&w.start.to_string(), &settings.locale))
                    .unwrap_or_else(|_| label.clone()),
                Some(_) => label.clone(),
            };
            (name, *x, *y)
        })
        .collect();
    let chart = qbr_render::chart::ScatterChart {
        title: format!("{} against {}", data.y.name, data.x.name),
        x_label: data.x.name.clone(),
        y_label: data.y.name.clone(),
        x_unit: unit_kind(&xd.unit),
        y_unit: unit_kind(&yd.unit),
        points: chart_points,
        width: 560,
        height: 400,
    };
    let r = data.result.as_ref().ok();
    Ok(CorrelationReport {
        by: by.map_or("week", |d| d.as_str()).into(),
        period: period_view(&period),
        n: data.points.len() as u64,
        left_out: data.left_out as u64,
        pearson: r.map(|c| c.pearson),
        pearson_p: r.map(|c| c.pearson_p),
        pearson_ci_low: r.and_then(|c| c.pearson_ci).map(|c| c.0),
        pearson_ci_high: r.and_then(|c| c.pearson_ci).map(|c| c.1),
        spearman: r.map(|c| c.spearman),
        spearman_p: r.map(|c| c.spearman_p),
        reason: data.result.as_ref().err().cloned(),
        caution: CAUTION.into(),
        chart_svg: qbr_render::chart::scatter_svg(&chart).map_err(chart_error)?,
        points,
        x: xd,
        y: yd,
    })
}

/// What `qbr staffing` and the staffing calculator ask for.
#[derive(Debug, Clone)]
pub struct StaffingQuery {
    pub period: Option<String>,
    pub target_sl: f64,
    pub agents: Option<u32>,
    pub interval_minutes: u32,
    pub hours_open: f64,
    /// `None`: the period's measured shrinkage, or none.
    pub shrinkage: Option<f64>,
    /// `None`: the workspace's voice threshold.
    pub threshold_s: Option<f64>,
    pub filters: Vec<String>,
}

impl Default for StaffingQuery {
    fn default() -> Self {
        StaffingQuery {
            period: None,
            target_sl: 0.8,
            agents: None,
            interval_minutes: 30,
            hours_open: 12.0,
            shrinkage: None,
            threshold_s: None,
            filters: Vec::new(),
        }
    }
}

/// The channels to staff: those the filters name, else voice alone when the period's offered
/// contacts span several channels (the filter is added), else the one channel there is. The
/// note says what was left out or that a queued-call model fits the channel poorly.
fn staffing_channels(
    ws: &Workspace,
    period: &Period,
    filters: &mut Vec<(qbr_core::measure::Dimension, String)>,
) -> ApiResult<(Vec<String>, Option<String>)> {
    use qbr_core::measure::Dimension;
    let chosen: Vec<String> = filters
        .iter()
        .filter(|(d, _)| *d == Dimension::Channel)
        .map(|(_, v)| v.clone())
        .collect();
    let asynchronous = |c: &str| matches!(c, "email" | "messaging");
    if !chosen.is_empty() {
        let note = chosen.iter().any(|c| asynchronous(c)).then(|| {
            "Erlang C assumes contacts are answered as they arrive, one at a time; it overstates \
             the agents needed for email and messaging, which wait in a backlog and are worked \
             several at once."
                .to_string()
        });
        return Ok((chosen, note));
    }
    let card = ws.scorecard(&ScorecardRequest {
        period: period.clone(),
        metrics: vec!["offered".into()],
        group_by: vec![Dimension::Channel],
        filters: filters.clone(),
        compare: false,
    })?;
    let present: Vec<(String, f64)> = card
        .groups
        .iter()
        .filter_map(|g| {
            let name = g.key.get(Dimension::Channel)??.to_string();
            let offered = g.metric("offered")?.value.value?;
            (offered > 0.0).then_some((name, offered))
        })
        .collect();
    match present.as_slice() {
        [] => Ok((vec!["voice".into()], None)),
        [(only, _)] => {
            let note = asynchronous(only).then(|| {
                format!(
                    "The contacts are {only}: Erlang C assumes contacts answered as they arrive, \
                     so it overstates the agents needed for a backlog worked several at once."
                )
            });
            Ok((vec![only.clone()], note))
        }
        several => {
            let left: Vec<String> = several
                .iter()
                .filter(|(c, _)| c != "voice")
                .map(|(c, n)| format!("{c} ({})", qbr_core::diagnose::format_count(*n)))
                .collect();
            let has_voice = several.iter().any(|(c, _)| c == "voice");
            let staffed = if has_voice {
                "voice".to_string()
            } else {
                several[0].0.clone()
            };
            let left: Vec<String> = if has_voice {
                left
            } else {
                several[1..]
                    .iter()
                    .map(|(c, n)| format!("{c} ({})", qbr_core::diagnose::format_count(*n)))
                    .collect()
            };
            filters.push((Dimension::Channel, staffed.clone()));
            Ok((
                vec![staffed.clone()],
                Some(format!(
                    "Staffed for {staffed} only; left out: {} contacts offered. Erlang C is for \
                     contacts answered as they arrive; choose a channel to staff another.",
                    left.join(", ")
                )),
            ))
        }
    }
}

/// Erlang C per day of the period, from its actual volumes and AHT.
pub fn staffing(path: &Path, q: &StaffingQuery, today: NaiveDate) -> ApiResult<StaffingReport> {
    if !(q.target_sl > 0.0 && q.target_sl < 1.0) {
        return Err(invalid(
            "target_sl",
            "the target service level is a fraction between 0 and 1, such as 0.8",
        ));
    }
    if q.interval_minutes == 0 || q.interval_minutes > 24 * 60 {
        return Err(invalid(
            "interval_minutes",
            "the interval is 1 to 1,440 minutes",
        ));
    }
    if !(q.hours_open > 0.0 && q.hours_open <= 24.0) {
        return Err(invalid(
            "hours_open",
            "hours open per day are more than 0 and at most 24",
        ));
    }
    if let Some(s) = q.shrinkage {
        if !(0.0..1.0).contains(&s) {
            return Err(invalid(
                "shrinkage",
                "shrinkage is a fraction from 0 up to 1, such as 0.3",
            ));
        }
    }
    if let Some(t) = q.threshold_s {
        if !(t.is_finite() && (0.0..=86_400.0 * 7.0).contains(&t)) {
            return Err(invalid(
                "threshold",
                "the service threshold is a number of seconds from 0 to 604,800 (a week), such as 20",
            ));
        }
    }
    if let Some(n) = q.agents {
        if n == 0 || n > erlang::MAX_AGENTS {
            return Err(invalid(
                "agents",
                format!("agents are a whole number from 1 to {}", erlang::MAX_AGENTS),
            ));
        }
    }
    let ws = Workspace::open(path)?;
    let period = resolve_period(&ws, q.period.as_deref(), today)?;
    let mut filters = q
        .filters
        .iter()
        .map(|f| parse_filter(f))
        .collect::<ApiResult<Vec<_>>>()?;
    // Erlang C models contacts answered as they arrive. Unless the user chose channels, staff
    // voice alone and say what was left out, rather than blending email's hours into a call load.
    let (channels, channel_note) = staffing_channels(&ws, &period, &mut filters)?;
    let settings = ws.settings()?;
    let threshold = q.threshold_s.unwrap_or_else(|| {
        let ch = channels
            .first()
            .and_then(|c| c.parse::<qbr_core::settings::Channel>().ok())
            .unwrap_or(qbr_core::settings::Channel::Voice);
        f64::from(settings.thresholds.get(ch))
    });
    let (shrinkage, source) = match q.shrinkage {
        Some(s) => (s, "given"),
        None => {
            let card = ws.scorecard(&ScorecardRequest {
                period: period.clone(),
                metrics: vec!["shrinkage".into()],
                group_by: Vec::new(),
                filters: filters.clone(),
                compare: false,
            })?;
            match card
                .groups
                .first()
                .and_then(|g| g.metric("shrinkage"))
                .and_then(|e| e.value.value)
            {
                Some(s) if (0.0..1.0).contains(&s) => (s, "measured"),
                _ => (0.0, "none"),
            }
        }
    };
    let intervals = q.hours_open * 60.0 / f64::from(q.interval_minutes);
    let row = |label: String, offered: f64, aht: f64| -> StaffingRowView {
        let load = Load {
            calls: offered / intervals,
            aht_s: aht,
            interval_s: f64::from(q.interval_minutes) * 60.0,
        };
        let need = erlang::agents_for(load, q.target_sl, threshold);
        let with = q.agents.and_then(|n| erlang::staffed(load, n, threshold));
        let reason = erlang::load_problem(load);
        StaffingRowView {
            label,
            offered,
            aht_s: aht,
            calls_per_interval: load.calls,
            erlangs: load.erlangs(),
            agents_needed: need.map(|s| s.agents),
            service_level_needed: need.map(|s| s.service_level),
            asa_needed_s: need.map(|s| s.asa_s),
            rostered: need.and_then(|s| erlang::rostered(f64::from(s.agents), shrinkage)),
            service_level_with_agents: with.map(|s| s.service_level),
            asa_with_agents_s: with.map(|s| s.asa_s),
            occupancy_with_agents: with.map(|s| s.occupancy),
            reason,
        }
    };
    let loads = ws.daily_load(&period, &filters)?;
    let days: Vec<StaffingRowView> = loads
        .iter()
        .filter_map(|d| {
            let (o, a) = (d.offered?, d.aht_s?);
            (o > 0.0).then(|| row(d.day.format("%Y-%m-%d").to_string(), o, a))
        })
        .collect();
    // The average day: mean offered over the days with contacts, and the period's AHT as a ratio
    // of sums (each day weighted by its handled contacts).
    let (handle_s, handled) =
        loads
            .iter()
            .fold((0.0, 0.0), |acc, d| match (d.offered, d.aht_s, d.handled) {
                (Some(o), Some(a), Some(n)) if o > 0.0 => (acc.0 + a * n, acc.1 + n),
                _ => acc,
            });
    let average = (!days.is_empty() && handled > 0.0).then(|| {
        let offered = days.iter().map(|d| d.offered).sum::<f64>() / days.len() as f64;
        row("average day".into(), offered, handle_s / handled)
    });
    let busiest = days
        .iter()
        .max_by(|a, b| a.erlangs.total_cmp(&b.erlangs))
        .map(|d| StaffingRowView {
            label: format!("busiest day ({})", d.label),
            ..d.clone()
        });
    let empty_reason = days.is_empty().then(|| {
        let range = ws.data_span().ok().flatten();
        match range {
            Some((first, last)) if period.end < first || period.start > last => format!(
                "no contacts were offered in {}: the data runs from {first} to {last}",
                period.label
            ),
            _ => format!(
                "no contacts were offered in {} in this scope ({})",
                period.label,
                channels.join(", ")
            ),
        }
    });
    Ok(StaffingReport {
        period: period_view(&period),
        interval_minutes: q.interval_minutes,
        hours_open: q.hours_open,
        threshold_s: threshold,
        target_service_level: q.target_sl,
        shrinkage,
        shrinkage_source: source.into(),
        agents: q.agents,
        average,
        busiest,
        days,
        channels,
        channel_note,
        empty_reason,
        note: format!(
            "Each day's contacts are spread evenly over {} open hours ({} intervals of {} minutes); \
             real intraday peaks need more agents than this. Erlang C ignores abandonment, so it \
             overstates the staff needed where callers give up. Rostered = agents / (1 − shrinkage).",
            q.hours_open, intervals, q.interval_minutes
        ),
    })
}
