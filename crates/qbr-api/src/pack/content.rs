//! The pack's document: which blocks go on which pages, built from the reports the app and the
//! CLI show. Every number comes from a report (`metrics_report_in`, `metric_trend`,
//! `action_effect`) and reads as [`crate::text`] prints it; nothing is computed here.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use qbr_core::pack::{Audience, LogoFormat};
use qbr_core::Workspace;
use qbr_render::pack as doc;

use super::{propose_highlights, Plan};
use crate::metrics::{chart_target, metric_trend, metrics_report_in, unit_kind, MetricsQuery};
use crate::text;
use crate::wire::*;
use crate::ApiResult;

// ---- the few constructors that know the renderer's model -------------------------------------

fn rgb((r, g, b): (u8, u8, u8)) -> doc::Rgb {
    doc::Rgb(r, g, b)
}

fn rag(status: &str) -> Option<doc::Rag> {
    match status {
        "green" => Some(doc::Rag::Green),
        "amber" => Some(doc::Rag::Amber),
        "red" => Some(doc::Rag::Red),
        _ => None,
    }
}

fn cell(text: impl Into<String>) -> doc::Cell {
    doc::Cell::text(text)
}

fn bold(text: impl Into<String>) -> doc::Cell {
    doc::Cell::bold(text)
}

/// The status in the app's words: "On target", "Near target", "Off target".
fn status_cell(status: &str) -> doc::Cell {
    match rag(status) {
        Some(r) => doc::Cell {
            text: match r {
                doc::Rag::Green => "On target",
                doc::Rag::Amber => "Near target",
                doc::Rag::Red => "Off target",
            }
            .into(),
            rag: Some(r),
            ..doc::Cell::default()
        },
        None => doc::Cell::muted("No target"),
    }
}

fn col(title: &str, width: f32, right: bool) -> doc::Column {
    doc::Column::new(
        title,
        width,
        if right {
            doc::Align::Right
        } else {
            doc::Align::Left
        },
    )
}

fn table(columns: Vec<doc::Column>, rows: Vec<Vec<doc::Cell>>) -> doc::Block {
    doc::Block::Table(doc::Table { columns, rows })
}

fn heading(level: u8, text: impl Into<String>) -> doc::Block {
    doc::Block::Heading {
        level,
        text: text.into(),
    }
}

// ---- content ------------------------------------------------------------------------------------

/// A value as the CLI prints it, or the reason it is missing.
fn value_text(unit: &str, e: &MetricEntryView, currency: &str) -> String {
    match e.value {
        Some(v) => text::value(unit, v, currency),
        None => format!(
            "– ({})",
            e.reason.clone().unwrap_or_else(|| "no value".into())
        ),
    }
}

fn change_text(unit: &str, c: Option<&ChangeView>, currency: &str) -> String {
    c.map(|c| text::change(unit, c, currency))
        .unwrap_or_else(|| text::NONE.into())
}

fn target_text(unit: &str, e: &MetricEntryView, currency: &str) -> String {
    e.target
        .as_ref()
        .map(|t| text::target(unit, t, currency))
        .unwrap_or_else(|| text::NONE.into())
}

fn n_text(e: &MetricEntryView) -> String {
    e.n.map(text::thousands)
        .unwrap_or_else(|| text::NONE.into())
}

fn scope_words(s: &Option<ScopeView>) -> String {
    match s {
        Some(s) => format!("{} {}", s.dimension, s.value),
        None => "whole account".into(),
    }
}

/// The period's label as a reader says it: "2026-Q3 (1 Jul – 30 Sep 2026)".
fn period_words(p: &PeriodView) -> String {
    let d = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(|d| d.format("%-d %b %Y").to_string())
            .unwrap_or_else(|_| s.to_string())
    };
    format!("{} ({} – {})", p.label, d(&p.start), d(&p.end))
}

fn scorecard_table(report: &MetricsReport, only: Option<&[String]>) -> doc::Block {
    let cur = &report.currency;
    let mut rows = Vec::new();
    if let Some(g) = report.groups.first() {
        for d in &report.definitions {
            if only.is_some_and(|o| !o.contains(&d.id)) {
                continue;
            }
            let Some(e) = g.metrics.get(&d.id) else {
                continue;
            };
            rows.push(vec![
                bold(d.name.clone()),
                cell(value_text(&d.unit, e, cur)),
                cell(target_text(&d.unit, e, cur)),
                status_cell(&e.status),
                cell(change_text(&d.unit, e.change_previous.as_ref(), cur)),
                cell(change_text(&d.unit, e.change_year_ago.as_ref(), cur)),
                cell(n_text(e)),
            ]);
        }
    }
    table(
        vec![
            col("Metric", 3.0, false),
            col("Value", 2.0, true),
            col("Target", 1.6, true),
            col("Status", 1.2, false),
            col("QoQ", 1.6, true),
            col("YoY", 1.6, true),
            col("n", 1.4, true),
        ],
        rows,
    )
}

fn key_figure(d: &MetricDefinitionView, e: &MetricEntryView, currency: &str) -> doc::KeyFigure {
    let mut sub = Vec::new();
    if let Some(t) = &e.target {
        sub.push(format!("target {}", text::target(&d.unit, t, currency)));
    }
    if let Some(c) = &e.change_previous {
        sub.push(format!("QoQ {}", text::change(&d.unit, c, currency)));
    }
    doc::KeyFigure {
        label: d.name.clone(),
        value: match e.value {
            Some(v) => text::value(&d.unit, v, currency),
            None => text::NONE.into(),
        },
        sub: sub.join(" · "),
        rag: rag(&e.status),
    }
}

struct Context<'a> {
    ws: &'a Workspace,
    path: &'a Path,
    plan: &'a Plan,
    report: &'a MetricsReport,
    today: NaiveDate,
    client: bool,
}

impl Context<'_> {
    fn keep(&self, c: &CauseView) -> bool {
        !self.client || c.fields.visibility == "client"
    }
}

/// The whole document for `plan` over the period of `report`.
pub(crate) fn document(
    ws: &Workspace,
    path: &Path,
    plan: &Plan,
    report: &MetricsReport,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ApiResult<doc::Document> {
    let settings = ws.settings()?;
    let client_name = settings.client_name.clone();
    let cx = Context {
        ws,
        path,
        plan,
        report,
        today,
        client: plan.audience == Audience::Client,
    };
    let mut sections = Vec::new();
    for s in &plan.sections {
        match *s {
            "cover" => sections.push(cover(&cx, &client_name)?),
            "summary" => sections.push(summary(&cx)),
            "metrics" => {
                for (i, (metric_id, dim)) in plan.metrics.iter().enumerate() {
                    let (control, drivers) =
                        plan.diagnostics.get(i).copied().unwrap_or((false, false));
                    let mut page = metric_page(&cx, metric_id, *dim)?;
                    if control {
                        page.blocks.extend(control_blocks(&cx, metric_id)?);
                    }
                    if drivers {
                        page.blocks.extend(drivers_blocks(&cx, metric_id, *dim)?);
                    }
                    sections.push(page);
                }
            }
            "actions" => sections.push(action_plan(&cx)?),
            "appendix" => sections.push(appendix(&cx)?),
            _ => {}
        }
    }
    Ok(doc::Document {
        meta: doc::Meta {
            title: format!(
                "{client_name} — Quarterly business review {}",
                report.period.label
            ),
            author: plan.prepared_by.clone(),
            subject: format!("QBR pack for {client_name}, {}", report.period.label),
            keywords: vec![
                "QBR".into(),
                client_name.clone(),
                report.period.label.clone(),
            ],
            created: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
        paper: if plan.letter {
            doc::Paper::Letter
        } else {
            doc::Paper::A4
        },
        orientation: doc::Orientation::Landscape,
        brand: doc::Brand {
            accent: rgb(plan.accent),
            logo: plan.logo.as_ref().map(|(bytes, f)| doc::Image {
                bytes: bytes.clone(),
                format: match f {
                    LogoFormat::Png => doc::ImageFormat::Png,
                    LogoFormat::Jpeg => doc::ImageFormat::Jpeg,
                },
            }),
        },
        running: doc::Running {
            header_left: client_name,
            header_right: format!("Quarterly business review {}", report.period.label),
            footer_left: if cx.client {
                "Confidential".into()
            } else {
                "Internal — not for distribution to the client".into()
            },
        },
        sections,
    })
}

fn cover(cx: &Context, client_name: &str) -> ApiResult<doc::Section> {
    let data_as_of = cx
        .ws
        .overview()?
        .data_range
        .map(|r| r.last_day)
        .unwrap_or_else(|| "no data".into());
    Ok(doc::Section {
        title: "Cover".into(),
        start_on_new_page: true,
        blocks: vec![doc::Block::Cover(doc::Cover {
            client: client_name.to_string(),
            title: "Quarterly business review".into(),
            period: period_words(&cx.report.period),
            prepared_by: cx.plan.prepared_by.clone(),
            exported_on: cx.today.format("%Y-%m-%d").to_string(),
            data_as_of,
        })],
    })
}

fn summary(cx: &Context) -> doc::Section {
    let r = cx.report;
    let mut blocks = vec![heading(1, "Executive summary")];
    if let Some(g) = r.groups.first() {
        let chosen: Vec<&String> = cx.plan.metrics.iter().map(|(m, _)| m).collect();
        let figures: Vec<doc::KeyFigure> = r
            .definitions
            .iter()
            .filter(|d| chosen.is_empty() || chosen.contains(&&d.id))
            .filter_map(|d| g.metrics.get(&d.id).map(|e| key_figure(d, e, &r.currency)))
            .take(4)
            .collect();
        if !figures.is_empty() {
            blocks.push(doc::Block::KeyFigures(figures));
        }
    }
    for para in cx.plan.summary.split("\n\n") {
        let para = para.trim();
        if !para.is_empty() {
            blocks.push(doc::Block::Paragraph(para.to_string()));
        }
    }
    let highlights = cx
        .plan
        .highlights
        .clone()
        .unwrap_or_else(|| propose_highlights(r));
    let highlights: Vec<String> = highlights
        .into_iter()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .collect();
    if !highlights.is_empty() {
        blocks.push(heading(2, "Highlights"));
        blocks.push(doc::Block::Bullets(highlights));
    }
    blocks.push(heading(2, format!("Scorecard {}", r.period.label)));
    blocks.push(scorecard_table(r, None));
    let compared = [
        r.previous_period
            .as_ref()
            .map(|p| format!("QoQ against {}", p.label)),
        r.year_ago_period
            .as_ref()
            .map(|p| format!("YoY against {}", p.label)),
    ];
    let compared: Vec<String> = compared.into_iter().flatten().collect();
    blocks.push(doc::Block::Note(format!(
        "Whole account, {}. {}; n is the sample (contacts, responses or evaluations). Near target: missed by no more than the tolerance.",
        period_words(&r.period),
        compared.join(", ")
    )));
    doc::Section {
        title: "Executive summary".into(),
        start_on_new_page: true,
        blocks,
    }
}

fn overlaps(c: &CauseView, p: &PeriodView) -> bool {
    c.fields.period_from <= p.end && p.start <= c.fields.period_to
}

fn metric_page(cx: &Context, metric_id: &str, dim: qbr_core::Dimension) -> ApiResult<doc::Section> {
    let r = cx.report;
    let cur = &r.currency;
    let t = metric_trend(
        cx.ws,
        cx.path,
        metric_id,
        Some(&r.period.label),
        cx.today,
        |c| cx.keep(c),
    )?;
    let d = &t.definition;
    let mut blocks = vec![heading(1, d.name.clone())];
    blocks.push(doc::Block::KeyFigures(vec![key_figure(d, &t.overall, cur)]));
    let mut chart = t.chart.clone();
    chart.title = format!("{}, week by week (52 weeks to {})", d.name, r.period.end);
    blocks.push(doc::Block::Chart(doc::ChartBlock {
        chart: doc::Chart::Trend(chart),
        height_mm: 70.0,
        caption: Some(
            "Weekly values, 4-week moving average and the target; markers show causes and actions."
                .into(),
        ),
    }));

    let breakdown = metrics_report_in(
        cx.ws,
        &MetricsQuery {
            period: Some(r.period.label.clone()),
            by: vec![dim.as_str().to_string()],
            metrics: vec![metric_id.to_string()],
            ..MetricsQuery::default()
        },
        cx.today,
    )?;
    let bars: Vec<doc::Bar> = breakdown
        .groups
        .iter()
        .filter_map(|g| {
            let e = g.metrics.get(metric_id)?;
            Some(doc::Bar {
                label: g
                    .key
                    .values()
                    .next()
                    .cloned()
                    .flatten()
                    .unwrap_or_else(|| "(none)".into()),
                value: e.value,
                note: match e.value {
                    None => e.reason.clone(),
                    Some(_) if e.flags.iter().any(|f| f == "low_sample") => {
                        Some(format!("n = {}, low sample", n_text(e)))
                    }
                    Some(_) => None,
                },
            })
        })
        .collect();
    let bar_count = bars.len();
    blocks.push(doc::Block::Chart(doc::ChartBlock {
        chart: doc::Chart::Bars(doc::BarChart {
            title: format!("{} by {}, {}", d.name, dim.as_str(), r.period.label),
            unit: unit_kind(&d.unit),
            bars,
            target: t.overall.target.as_ref().and_then(chart_target),
        }),
        height_mm: (24.0 + 7.0 * bar_count.min(30) as f32).min(150.0),
        caption: None,
    }));

    let causes: Vec<&CauseView> = t
        .annotations
        .causes
        .iter()
        .filter(|c| overlaps(c, &r.period))
        .collect();
    blocks.push(heading(2, "Root causes"));
    if causes.is_empty() {
        blocks.push(doc::Block::Note(format!(
            "No root cause is recorded for {} in {}.",
            d.name, r.period.label
        )));
    }
    for c in causes {
        let f = &c.fields;
        blocks.push(doc::Block::Paragraph(format!(
            "**{}** — {}, {}, {} to {}.",
            f.title,
            f.category,
            scope_words(&f.scope),
            f.period_from,
            f.period_to
        )));
        if !f.description.trim().is_empty() {
            blocks.push(doc::Block::Paragraph(f.description.trim().to_string()));
        }
        if !cx.client {
            let mut extra = Vec::new();
            if !f.evidence.trim().is_empty() {
                extra.push(format!("Evidence: {}", f.evidence.trim()));
            }
            if !f.author.trim().is_empty() {
                extra.push(format!("Written by {}", f.author.trim()));
            }
            extra.push(format!("Visibility: {}", f.visibility));
            blocks.push(doc::Block::Note(extra.join(" · ")));
        }
    }
    let _ = cur;
    Ok(doc::Section {
        title: d.name.clone(),
        start_on_new_page: true,
        blocks,
    })
}

/// A change as `qbr drivers` prints it: "+12.3 s", "-0.45 pp".
pub(super) fn delta_text(unit: &str, x: f64) -> String {
    let sign = if x < 0.0 { "-" } else { "+" };
    match unit {
        "ratio" => format!("{sign}{} pp", text::grouped(x.abs() * 100.0, 2)),
        "seconds" => format!("{sign}{} s", text::grouped(x.abs(), 1)),
        _ => format!("{sign}{}", text::grouped(x.abs(), 2)),
    }
}

/// The metric's weekly control chart over the trend's 52 weeks, exactly as `qbr control` (and the
/// app's control chart) builds it, with its named signals.
fn control_blocks(cx: &Context, metric_id: &str) -> ApiResult<Vec<doc::Block>> {
    let r = cx.report;
    let end = NaiveDate::parse_from_str(&r.period.end, "%Y-%m-%d")
        .map_err(|_| super::internal(format!("bad date {}", r.period.end)))?;
    let control = crate::diagnose::control_in(
        cx.ws,
        &crate::diagnose::ControlQuery {
            metric: metric_id.to_string(),
            grain: "week".into(),
            from: crate::metrics::trend_start(end).to_string(),
            to: r.period.end.clone(),
            baseline: None,
            filters: Vec::new(),
            method: None,
        },
    );
    let (c, mut chart) = match control {
        Ok(c) => c,
        // A chart that cannot be drawn (too few weeks with a value) is shown with its reason.
        Err(e) if e.code != ErrorCode::Internal => {
            return Ok(vec![
                heading(2, "Control chart"),
                doc::Block::Note(format!("No control chart: {}", e.message)),
            ])
        }
        Err(e) => return Err(e),
    };
    let unit = c.definition.unit.as_str();
    chart.title = format!(
        "{}, weekly control chart ({} to {})",
        c.definition.name, c.range.start, r.period.end
    );
    let mut caption = format!(
        "{} chart. Centre {}",
        if c.method == "p" { "p" } else { "XmR" },
        text::value(unit, c.centre, &r.currency)
    );
    if c.mean_moving_range.is_some() {
        if let Some((lo, hi)) = c.points.iter().find_map(|p| p.lower.zip(p.upper)) {
            caption.push_str(&format!(
                ", limits {} to {}",
                text::value(unit, lo, &r.currency),
                text::value(unit, hi, &r.currency)
            ));
        }
    } else {
        caption.push_str(", limits per week from each week's volume");
    }
    caption.push_str(&format!(
        "; baseline {} to {} ({} weeks). Rings mark where a signal fires.",
        c.baseline.start, c.baseline.end, c.baseline_points
    ));
    let mut blocks = vec![
        heading(2, "Control chart"),
        doc::Block::Chart(doc::ChartBlock {
            chart: doc::Chart::Trend(chart),
            height_mm: 70.0,
            caption: Some(caption),
        }),
    ];
    if c.signals.is_empty() {
        blocks.push(doc::Block::Note(
            "No signal: every week is within the limits and no run rule fires.".into(),
        ));
    } else {
        blocks.push(doc::Block::Paragraph("**Signals**".into()));
        blocks.push(doc::Block::Bullets(signal_lines(&c)));
    }
    Ok(blocks)
}

/// The signals of a control chart, one line per rule and direction, the weeks it covers merged
/// into runs: "**Point beyond the limits** (below) — 2025-W40 to 2026-W05, 2026-W07 (2 runs)".
fn signal_lines(c: &ControlReport) -> Vec<String> {
    let index = |label: &str| c.points.iter().position(|p| p.period.label == label);
    // (rule label, direction) → the spans of points it covers.
    type Spans = Vec<(usize, usize)>;
    let mut groups: Vec<((String, String), Spans)> = Vec::new();
    for s in &c.signals {
        let (Some(a), Some(b)) = (index(&s.start), index(&s.end)) else {
            continue;
        };
        let key = (s.label.clone(), s.direction.clone());
        match groups.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.1.push((a, b)),
            None => groups.push((key, vec![(a, b)])),
        }
    }
    groups
        .into_iter()
        .map(|((label, direction), mut spans)| {
            spans.sort();
            let mut runs: Vec<(usize, usize)> = Vec::new();
            for (a, b) in spans {
                match runs.last_mut() {
                    Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                    _ => runs.push((a, b)),
                }
            }
            let words: Vec<String> = runs
                .iter()
                .map(|&(a, b)| {
                    let (x, y) = (&c.points[a].period.label, &c.points[b].period.label);
                    if a == b {
                        x.clone()
                    } else {
                        format!("{x} to {y}")
                    }
                })
                .collect();
            format!("**{label}** ({direction}) — {}", words.join(", "))
        })
        .collect()
}

/// What drove the change from the previous period, split by the page's dimension, exactly as
/// `qbr drivers` splits it: the sentence and each segment's rate, mix and total parts.
fn drivers_blocks(
    cx: &Context,
    metric_id: &str,
    dim: qbr_core::Dimension,
) -> ApiResult<Vec<doc::Block>> {
    let r = cx.report;
    let mut blocks = vec![heading(2, "What drove the change")];
    let Some(prev) = &r.previous_period else {
        blocks.push(doc::Block::Note(format!(
            "No previous period to compare {} with.",
            r.period.label
        )));
        return Ok(blocks);
    };
    let d = match crate::diagnose::drivers(
        cx.path,
        &crate::diagnose::DriversQuery {
            metric: metric_id.to_string(),
            from: prev.label.clone(),
            to: r.period.label.clone(),
            by: dim.as_str().to_string(),
            filters: Vec::new(),
        },
    ) {
        Ok(d) => d,
        // A split that cannot be made (no data in one period) is shown with its reason.
        Err(e) if e.code != ErrorCode::Internal => {
            blocks.push(doc::Block::Note(format!(
                "The change from {} cannot be split: {}",
                prev.label, e.message
            )));
            return Ok(blocks);
        }
        Err(e) => return Err(e),
    };
    let unit = d.definition.unit.as_str();
    let v = |x: Option<f64>| {
        x.map(|x| text::value(unit, x, &r.currency))
            .unwrap_or_else(|| text::NONE.into())
    };
    let pct = |x: f64| format!("{}%", text::grouped(x * 100.0, 1));
    blocks.push(doc::Block::Paragraph(d.sentence.clone()));
    let mut rows: Vec<Vec<doc::Cell>> = d
        .segments
        .iter()
        .map(|s| {
            vec![
                cell(s.segment.clone()),
                cell(v(s.value_from)),
                cell(v(s.value_to)),
                cell(pct(s.share_from)),
                cell(pct(s.share_to)),
                cell(delta_text(unit, s.rate_effect)),
                cell(delta_text(unit, s.mix_effect)),
                bold(delta_text(unit, s.total_effect)),
            ]
        })
        .collect();
    rows.push(vec![
        bold("All"),
        bold(v(Some(d.value_from))),
        bold(v(Some(d.value_to))),
        cell(""),
        cell(""),
        bold(delta_text(unit, d.rate_total)),
        bold(delta_text(unit, d.mix_total)),
        bold(delta_text(unit, d.change)),
    ]);
    blocks.push(table(
        vec![
            col(&capitalise(dim.as_str()), 3.0, false),
            col(&d.from.label, 1.6, true),
            col(&d.to.label, 1.6, true),
            col(&format!("Share {}", d.from.label), 1.6, true),
            col(&format!("Share {}", d.to.label), 1.6, true),
            col("Rate part", 1.6, true),
            col("Mix part", 1.6, true),
            col("Total", 1.6, true),
        ],
        rows,
    ));
    let mut note =
        "Rate part: the segment's own value moved; mix part: its share of the volume moved. \
                    The parts add up to the change."
            .to_string();
    if !d.excluded.is_empty() {
        note.push_str(" Left out: ");
        note.push_str(
            &d.excluded
                .iter()
                .map(|x| format!("{} ({})", x.segment, x.reason))
                .collect::<Vec<_>>()
                .join(", "),
        );
        note.push('.');
    }
    blocks.push(doc::Block::Note(note));
    Ok(blocks)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn action_plan(cx: &Context) -> ApiResult<doc::Section> {
    let r = cx.report;
    let actions = crate::annotate::list_actions(cx.path, &ActionQuery::default(), cx.today)?;
    let defs = cx.ws.metric_catalog()?;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for a in &actions {
        let (effect, verdict) = match &a.metric_id {
            Some(_) => match crate::annotate::action_effect(cx.path, a.id, None, cx.today) {
                Ok(e) => {
                    let unit = e.definition.unit.clone();
                    let effect = match (&e.change, &e.after) {
                        (Some(c), Some(after)) => format!(
                            "{}: {} → {} ({})",
                            e.definition.name,
                            e.before
                                .value
                                .map(|v| text::value(&unit, v, &r.currency))
                                .unwrap_or_else(|| text::NONE.into()),
                            after
                                .value
                                .map(|v| text::value(&unit, v, &r.currency))
                                .unwrap_or_else(|| text::NONE.into()),
                            text::change(&unit, c, &r.currency)
                        ),
                        _ => format!("{}: not measured yet", e.definition.name),
                    };
                    (effect, e.verdict.replace('_', " "))
                }
                Err(_) => ("not measured".into(), text::NONE.into()),
            },
            None => ("no metric to measure".into(), text::NONE.into()),
        };
        let metric_name = a
            .metric_id
            .as_ref()
            .and_then(|m| defs.iter().find(|d| &d.id == m))
            .map(|d| d.name.clone());
        let mut title = a.title.clone();
        if let Some(m) = metric_name {
            title = format!("{title} ({m}, {})", scope_words(&a.scope));
        }
        rows.push(vec![
            bold(title),
            cell(if a.owner.is_empty() {
                text::NONE.to_string()
            } else {
                a.owner.clone()
            }),
            cell(a.due_date.clone().unwrap_or_else(|| text::NONE.into())),
            doc::Cell {
                text: a.board_status.replace('_', " "),
                bold: a.overdue,
                colour: a.overdue.then(|| doc::Rag::Red.colour()),
                ..doc::Cell::default()
            },
            cell(effect),
            cell(verdict),
        ]);
        if !cx.client {
            for n in &a.notes {
                notes.push(format!("{} — {}: {}", a.title, n.noted_on, n.text));
            }
        }
    }
    let mut blocks = vec![heading(1, "Action plan")];
    if rows.is_empty() {
        blocks.push(doc::Block::Paragraph(
            "No improvement action is recorded.".into(),
        ));
    } else {
        blocks.push(table(
            vec![
                col("Action", 4.0, false),
                col("Owner", 1.6, false),
                col("Due", 1.4, false),
                col("Status", 1.3, false),
                col("Measured effect", 3.6, false),
                col("Verdict", 1.5, false),
            ],
            rows,
        ));
        blocks.push(doc::Block::Note(
            "Effect: the action's metric over the 4 weeks before its start and the 4 weeks after its completion; the verdict is a test at 95% confidence.".into(),
        ));
    }
    if !notes.is_empty() {
        blocks.push(heading(2, "Progress notes (internal)"));
        blocks.push(doc::Block::Bullets(notes));
    }
    Ok(doc::Section {
        title: "Action plan".into(),
        start_on_new_page: true,
        blocks,
    })
}

fn appendix(cx: &Context) -> ApiResult<doc::Section> {
    let r = cx.report;
    let variants = crate::metrics::variants(cx.path)?;
    let variant_of = |id: &str| -> String {
        let pick = |chosen: &str, options: &[VariantOptionView]| {
            options
                .iter()
                .find(|o| o.id == chosen)
                .map(|o| o.description.clone())
                .unwrap_or_else(|| chosen.replace('_', " "))
        };
        match id {
            "service_level" => pick(&variants.service_level, &variants.service_level_options),
            "csat" => pick(&variants.csat, &variants.csat_options),
            "fcr" => {
                let mut s = pick(&variants.fcr, &variants.fcr_options);
                if let Some(days) = variants.fcr_repeat_days {
                    s = s.replace("N days", &format!("{days} days"));
                }
                s
            }
            "attrition" => pick(&variants.attrition, &variants.attrition_options),
            _ => "–".into(),
        }
    };
    let shown: Vec<&String> = cx.plan.metrics.iter().map(|(m, _)| m).collect();
    let with_summary = cx.plan.sections.contains(&"summary");
    let rows: Vec<Vec<doc::Cell>> = r
        .definitions
        .iter()
        .filter(|d| with_summary || shown.contains(&&d.id))
        .map(|d| {
            vec![
                bold(d.name.clone()),
                cell(d.formula.clone()),
                cell(variant_of(&d.id)),
            ]
        })
        .collect();
    let mut blocks = vec![
        heading(1, "Appendix"),
        heading(2, "Metric definitions"),
        table(
            vec![
                col("Metric", 2.2, false),
                col("Formula", 5.0, false),
                col("Definition in force", 3.0, false),
            ],
            rows,
        ),
        heading(2, "Data sources"),
    ];
    let imports: Vec<_> = cx
        .ws
        .overview()?
        .imports
        .into_iter()
        .filter(|b| !b.undone)
        .collect();
    blocks.push(table(
        vec![
            col("File", 3.2, false),
            col("Kind", 1.2, false),
            col("Period", 2.2, false),
            col("Rows", 1.0, true),
            col("SHA-256", 4.4, false),
        ],
        imports
            .iter()
            .map(|b| {
                vec![
                    cell(b.file_name.clone()),
                    cell(b.kind.clone()),
                    cell(match (&b.first_day, &b.last_day) {
                        (Some(f), Some(l)) => format!("{f} to {l}"),
                        _ => text::NONE.into(),
                    }),
                    cell(text::thousands(b.rows_taken)),
                    cell(b.sha256.clone()),
                ]
            })
            .collect(),
    ));
    let mut low = Vec::new();
    if let Some(g) = r.groups.first() {
        for d in &r.definitions {
            if let Some(e) = g.metrics.get(&d.id) {
                if e.flags.iter().any(|f| f == "low_sample") {
                    low.push(format!(
                        "{}: n = {} is below the minimum sample of {}; read the value with care.",
                        d.name,
                        n_text(e),
                        d.min_sample.map(|m| m.to_string()).unwrap_or_default()
                    ));
                }
            }
        }
    }
    for (metric_id, dim) in &cx.plan.metrics {
        let by = metrics_report_in(
            cx.ws,
            &MetricsQuery {
                period: Some(r.period.label.clone()),
                by: vec![dim.as_str().to_string()],
                metrics: vec![metric_id.clone()],
                ..MetricsQuery::default()
            },
            cx.today,
        )?;
        let Some(d) = by.definitions.first() else {
            continue;
        };
        let small: Vec<String> = by
            .groups
            .iter()
            .filter_map(|g| {
                let e = g.metrics.get(metric_id)?;
                e.flags
                    .iter()
                    .any(|f| f == "low_sample")
                    .then(|| format!("{} (n = {})", g.label, n_text(e)))
            })
            .collect();
        if !small.is_empty() {
            low.push(format!(
                "{} by {}: below the minimum sample of {} for {}.",
                d.name,
                dim.as_str(),
                d.min_sample.map(|m| m.to_string()).unwrap_or_default(),
                small.join(", ")
            ));
        }
    }
    blocks.push(heading(2, "Low-sample notes"));
    if low.is_empty() {
        blocks.push(doc::Block::Note(
            "Every value in this pack rests on at least its metric's minimum sample.".into(),
        ));
    } else {
        blocks.push(doc::Block::Bullets(low));
    }
    Ok(doc::Section {
        title: "Appendix".into(),
        start_on_new_page: true,
        blocks,
    })
}
