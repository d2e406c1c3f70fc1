//! The pack's document: which blocks go on which pages, built from the reports the app and the
//! CLI show. Every number comes from a report (`metrics_report_in`, `series_report_in`,
//! `action_effect`, `drivers`) and reads as `qbr_format` writes it; nothing is computed here but
//! orderings, the top and bottom of long breakdowns, and the words of `story`.
//!
//! Promises:
//! - Every page carries one message: its title is written from its numbers (`story`) unless the
//!   definition's `titles` rewrite it.
//! - A client pack shows only the metrics a client sees (the workspace setting, or the default
//!   rule in [`client_metrics_of`]), only client-visible causes, no cause evidence or author, no
//!   action note; the internal pack says INTERNAL on its cover and in every page header.
//! - Service level and speed of answer are shown per channel wherever the account has more than
//!   one: a blended figure across voice and email is never a headline.
//! - No padding: a cause sits on the first metric page it explains and is only referred to
//!   after; nothing is printed to say that nothing was recorded; a long breakdown shows its top
//!   and bottom and summarises the rest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use qbr_core::pack::{Audience, LogoFormat};
use qbr_core::Workspace;
use qbr_render::chart::{Marker, MarkerKind, MovingAverage, Target, TrendChart, TrendSeries};
use qbr_render::pack as doc;

use super::story::{self, contract_rank, status_rank, ActionCounts, MetricFacts};
use super::Plan;
use crate::metrics::{
    chart_target, metrics_report_in, series_report_in, trend_start, unit_kind, MetricsQuery,
    SeriesQuery,
};
use crate::text;
use crate::wire::*;
use crate::ApiResult;

/// Metrics whose meaning changes with the channel: shown per channel, as on the app's scorecard.
pub(crate) use crate::metrics::PER_CHANNEL;

/// Never shown to a client unless chosen: the BPO's own money and its attrition.
pub(crate) const INTERNAL_BY_DEFAULT: [&str; 6] = [
    "cost_per_contact",
    "revenue_per_employee",
    "revenue_per_fte",
    "profit_margin",
    "roi",
    "attrition",
];

/// What a client reads about whatever the contract says: volumes, service and the customer.
pub(crate) const CLIENT_BASICS: [&str; 10] = [
    "offered",
    "handled",
    "service_level",
    "asa",
    "abandon_rate",
    "aht",
    "fcr",
    "csat",
    "nps",
    "ces",
];

/// The metrics a pack with no target shows a page for, when they have values.
pub(crate) const HEADLINE: [&str; 6] = [
    "handled",
    "service_level",
    "asa",
    "abandon_rate",
    "aht",
    "csat",
];

/// A long breakdown shows this many members at each end.
const ENDS: usize = 6;

/// The metrics a client sees by default: every metric with a contract target, and volumes,
/// service and customer metrics; never the BPO's financials or attrition.
pub(crate) fn default_client_metrics(
    defs: &[MetricDefinitionView],
    targets: &[TargetView],
) -> Vec<String> {
    defs.iter()
        .filter(|d| !INTERNAL_BY_DEFAULT.contains(&d.id.as_str()))
        .filter(|d| {
            CLIENT_BASICS.contains(&d.id.as_str()) || targets.iter().any(|t| t.metric_id == d.id)
        })
        .map(|d| d.id.clone())
        .collect()
}

/// The metrics a client pack may show for this workspace: the setting, or the default rule.
pub(crate) fn client_metrics_of(
    ws: &Workspace,
    defs: &[MetricDefinitionView],
    targets: &[TargetView],
) -> ApiResult<Vec<String>> {
    Ok(match ws.pack_client_metrics()? {
        Some(chosen) => chosen,
        None => default_client_metrics(defs, targets),
    })
}

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

/// The status in every output's words (`qbr_format`): On target, Near target, Off target.
fn status_cell(status: &str) -> doc::Cell {
    match rag(status) {
        Some(r) => doc::Cell {
            text: text::status_word(status).into(),
            rag: Some(r),
            ..doc::Cell::default()
        },
        None => doc::Cell::muted(text::status_word("none")),
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

fn chart_block(
    chart: doc::Chart,
    height_mm: f32,
    caption: Option<String>,
    alt: String,
) -> doc::Block {
    doc::Block::Chart(Box::new(doc::ChartBlock {
        chart,
        height_mm,
        caption,
        alt: Some(alt),
    }))
}

// ---- words --------------------------------------------------------------------------------------

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// `2026-09-15` → `15 Sept 2026` in the workspace's locale (`Sep 15, 2026` in en-US).
fn date_words(s: &str, locale: &str) -> String {
    qbr_format::date_long(s, locale)
}

/// A scope as a reader says it: "the Tech Support program", "the voice channel", "the whole
/// account".
pub(crate) fn scope_words(s: &Option<ScopeView>) -> String {
    match s {
        Some(s) => format!("the {} {}", s.value, s.dimension),
        None => "the whole account".into(),
    }
}

/// The period's label as a reader says it: "2026-Q3 (1 Jul – 30 Sep 2026)".
fn period_words(p: &PeriodView, locale: &str) -> String {
    format!(
        "{} ({} – {})",
        p.label,
        date_words(&p.start, locale),
        date_words(&p.end, locale)
    )
}

fn value_text(unit: &str, e: &MetricEntryView, currency: &str) -> String {
    match e.value {
        Some(v) => text::value(unit, v, currency),
        None => format!(
            "{} ({})",
            text::NONE,
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

/// A change as `qbr drivers` prints it: "+12.3 s", "−0.45 pp".
pub(super) fn delta_text(unit: &str, x: f64) -> String {
    match unit {
        "ratio" => format!("{} pp", text::signed(x * 100.0, 2)),
        "seconds" => format!("{} s", text::signed(x, 1)),
        _ => text::signed(x, 2),
    }
}

// ---- the scorecard, row by row ------------------------------------------------------------------

/// One line of the scorecard: a metric for the whole account, or for one channel.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub def: MetricDefinitionView,
    pub channel: Option<String>,
    pub entry: MetricEntryView,
}

impl Row {
    fn name(&self) -> String {
        match &self.channel {
            Some(c) => format!("{} — {c}", self.def.name),
            None => self.def.name.clone(),
        }
    }
    fn subject(&self) -> String {
        story::subject(&self.def.name, self.channel.as_deref())
    }
    fn off_target(&self) -> bool {
        matches!(self.entry.status.as_str(), "red" | "amber")
    }
    fn rank(&self) -> (usize, usize, u64) {
        (
            status_rank(&self.entry.status),
            contract_rank(&self.def.id),
            u64::MAX - self.entry.n.unwrap_or(0),
        )
    }
}

/// The scorecard's rows for `ids` (in the report's order): per channel for [`PER_CHANNEL`]
/// metrics when the period has more than one channel with data, else the whole account.
fn rows_for(
    ws: &Workspace,
    report: &MetricsReport,
    ids: &[String],
    today: NaiveDate,
) -> ApiResult<Vec<Row>> {
    let Some(g) = report.groups.first() else {
        return Ok(Vec::new());
    };
    let per_channel: Vec<String> = ids
        .iter()
        .filter(|id| PER_CHANNEL.contains(&id.as_str()))
        .cloned()
        .collect();
    let by_channel = if per_channel.is_empty() {
        None
    } else {
        Some(metrics_report_in(
            ws,
            &MetricsQuery {
                period: Some(report.period.label.clone()),
                by: vec!["channel".into()],
                metrics: per_channel,
                ..MetricsQuery::default()
            },
            today,
        )?)
    };
    let mut rows = Vec::new();
    for d in &report.definitions {
        if !ids.contains(&d.id) {
            continue;
        }
        let Some(e) = g.metrics.get(&d.id) else {
            continue;
        };
        let channels: Vec<(String, MetricEntryView)> = match &by_channel {
            Some(b) if PER_CHANNEL.contains(&d.id.as_str()) => b
                .groups
                .iter()
                .filter_map(|cg| {
                    let name = cg.key.get("channel").cloned().flatten()?;
                    let e = cg.metrics.get(&d.id)?;
                    (e.value.is_some() || e.n.unwrap_or(0) > 0).then(|| (name, e.clone()))
                })
                .collect(),
            _ => Vec::new(),
        };
        if channels.len() > 1 {
            for (name, e) in channels {
                rows.push(Row {
                    def: d.clone(),
                    channel: Some(name),
                    entry: e,
                });
            }
        } else {
            rows.push(Row {
                def: d.clone(),
                channel: None,
                entry: e.clone(),
            });
        }
    }
    Ok(rows)
}

/// The row a per-channel metric's page leads with: the channel a target is set for, else the
/// one with the most contacts.
fn headline<'r>(rows: &'r [&'r Row], targets: &[TargetView]) -> Option<&'r Row> {
    let scoped = |r: &Row| {
        targets.iter().any(|t| {
            t.metric_id == r.def.id
                && t.scope.as_ref().is_some_and(|s| {
                    s.dimension == "channel" && Some(&s.value) == r.channel.as_ref()
                })
        })
    };
    rows.iter()
        .copied()
        .filter(|r| r.entry.value.is_some())
        .max_by_key(|r| (scoped(r), r.entry.n.unwrap_or(0)))
        .or_else(|| rows.first().copied())
}

fn scorecard_table(rows: &[Row], currency: &str) -> doc::Block {
    let body = rows
        .iter()
        .map(|r| {
            let (d, e) = (&r.def, &r.entry);
            vec![
                bold(r.name()),
                cell(value_text(&d.unit, e, currency)),
                cell(target_text(&d.unit, e, currency)),
                status_cell(&e.status),
                cell(change_text(&d.unit, e.change_previous.as_ref(), currency)),
                cell(change_text(&d.unit, e.change_year_ago.as_ref(), currency)),
                cell(n_text(e)),
            ]
        })
        .collect();
    table(
        vec![
            col("Metric", 3.2, false),
            col("Value", 2.0, true),
            col("Target", 1.6, true),
            col("Status", 1.5, false),
            col("QoQ", 1.8, true),
            col("YoY", 1.8, true),
            col("n", 1.3, true),
        ],
        body,
    )
}

fn key_figure(r: &Row, currency: &str, previous: Option<&str>) -> doc::KeyFigure {
    let (d, e) = (&r.def, &r.entry);
    let mut sub = Vec::new();
    if let Some(t) = &e.target {
        sub.push(format!("target {}", text::target(&d.unit, t, currency)));
    }
    if let Some(c) = &e.change_previous {
        sub.push(format!(
            "{} {}",
            previous.map_or("QoQ".to_string(), |p| format!("vs {p}")),
            text::change(&d.unit, c, currency)
        ));
    }
    doc::KeyFigure {
        label: r.name(),
        value: match e.value {
            Some(v) => text::value(&d.unit, v, currency),
            None => text::NONE.into(),
        },
        sub: sub.join(" · "),
        rag: rag(&e.status),
    }
}

// ---- what the whole document shares ---------------------------------------------------------------

/// A page title the pack proposes, for the builder to show and edit.
pub(crate) struct Titled {
    pub key: String,
    pub page: String,
    pub proposed: String,
}

/// What [`document`] built: the document and what the builder shows beside the preview.
pub(crate) struct Built {
    pub doc: doc::Document,
    pub titles: Vec<Titled>,
    pub actions: Vec<(i64, String, String)>,
    pub highlights: Vec<String>,
    /// Metric pages left out of a client pack because the client does not see the metric.
    pub left_out: Vec<String>,
}

struct Context<'a> {
    ws: &'a Workspace,
    path: &'a Path,
    plan: &'a Plan,
    report: &'a MetricsReport,
    today: NaiveDate,
    /// The workspace's locale: how the pack writes dates.
    locale: String,
    client: bool,
    /// Metric ids this pack may show.
    visible: Vec<String>,
    targets: Vec<TargetView>,
    /// Causes whose period overlaps the pack's, client-visible ones only in a client pack.
    causes: Vec<CauseView>,
    /// Actions active in the period or open at its end.
    actions: Vec<ActionView>,
    rows: Vec<Row>,
    titles: Vec<Titled>,
}

impl Context<'_> {
    /// The title the page `key` prints: the user's, or the proposed one (recorded for the
    /// builder).
    fn title(&mut self, key: &str, page: &str, proposed: String) -> String {
        let chosen = self
            .plan
            .titles
            .get(key)
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        self.titles.push(Titled {
            key: key.to_string(),
            page: page.to_string(),
            proposed: proposed.clone(),
        });
        chosen.unwrap_or(proposed)
    }
    fn end(&self) -> NaiveDate {
        day(&self.report.period.end).unwrap_or(self.today)
    }
    fn start(&self) -> NaiveDate {
        day(&self.report.period.start).unwrap_or(self.today)
    }
    fn previous_label(&self) -> Option<&str> {
        self.report
            .previous_period
            .as_ref()
            .map(|p| p.label.as_str())
    }
}

fn overlaps(c: &CauseView, p: &PeriodView) -> bool {
    c.fields.period_from <= p.end && p.start <= c.fields.period_to
}

/// How an action stood at the period's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AtEnd {
    Done,
    Cancelled,
    Overdue,
    InProgress,
    Planned,
}

fn at_end(a: &ActionView, end: NaiveDate) -> AtEnd {
    let d = |s: &Option<String>| s.as_deref().and_then(day);
    if d(&a.completed_on).is_some_and(|c| c <= end) {
        AtEnd::Done
    } else if a.status == "cancelled" {
        AtEnd::Cancelled
    } else if d(&a.due_date).is_some_and(|due| due < end) {
        AtEnd::Overdue
    } else if d(&a.start_date).is_some_and(|s| s <= end)
        || a.status == "in_progress"
        || a.status == "done"
    {
        AtEnd::InProgress
    } else {
        AtEnd::Planned
    }
}

/// Whether an action belongs in the period's plan: it ran during the period or was still open at
/// its end (started by then), or it is open and has no date yet (planned without one).
fn in_plan(a: &ActionView, start: NaiveDate, end: NaiveDate) -> bool {
    let d = |s: &Option<String>| s.as_deref().and_then(day);
    let finished = d(&a.completed_on);
    let not_before = finished.is_none_or(|f| f >= start);
    match d(&a.start_date).or(d(&a.due_date)) {
        Some(began) => {
            began <= end
                && not_before
                && !(a.status == "cancelled"
                    && finished.is_none()
                    && d(&a.due_date).is_some_and(|x| x < start))
        }
        None => a.status != "cancelled" && not_before,
    }
}

/// What the pack's pages share for `plan` over the period of `report`.
fn context<'a>(
    ws: &'a Workspace,
    path: &'a Path,
    plan: &'a Plan,
    report: &'a MetricsReport,
    today: NaiveDate,
) -> ApiResult<Context<'a>> {
    let client = plan.audience == Audience::Client;
    let targets = crate::metrics::list_targets(path)?;
    let visible: Vec<String> = if client {
        client_metrics_of(ws, &report.definitions, &targets)?
    } else {
        report.definitions.iter().map(|d| d.id.clone()).collect()
    };
    let period = &report.period;
    let causes: Vec<CauseView> = crate::annotate::list_causes(path, &CauseQuery::default())?
        .into_iter()
        .filter(|c| overlaps(c, period))
        .filter(|c| !client || c.fields.visibility == "client")
        .collect();
    let (start, end) = (
        day(&period.start).unwrap_or(today),
        day(&period.end).unwrap_or(today),
    );
    let actions: Vec<ActionView> =
        crate::annotate::list_actions(path, &ActionQuery::default(), today)?
            .into_iter()
            .filter(|a| in_plan(a, start, end))
            .collect();
    let ids: Vec<String> = report
        .definitions
        .iter()
        .filter(|d| visible.contains(&d.id))
        .map(|d| d.id.clone())
        .collect();
    let rows = rows_for(ws, report, &ids, today)?;
    Ok(Context {
        ws,
        path,
        plan,
        report,
        today,
        locale: ws.settings()?.locale,
        client,
        visible,
        targets,
        causes,
        actions,
        rows,
        titles: Vec::new(),
    })
}

/// The summary's proposed story lines for `plan`'s audience (what the builder offers to edit).
pub(crate) fn proposed_highlights(
    ws: &Workspace,
    path: &Path,
    plan: &Plan,
    report: &MetricsReport,
    today: NaiveDate,
) -> ApiResult<Vec<String>> {
    story_lines(&context(ws, path, plan, report, today)?)
}

/// The whole document for `plan` over the period of `report`.
pub(crate) fn document(
    ws: &Workspace,
    path: &Path,
    plan: &Plan,
    report: &MetricsReport,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ApiResult<Built> {
    let client_name = ws.settings()?.client_name;
    let client = plan.audience == Audience::Client;
    let mut cx = context(ws, path, plan, report, today)?;
    let highlights = match &plan.highlights {
        Some(h) => h.clone(),
        None => story_lines(&cx)?,
    };
    let mut left_out = Vec::new();
    let mut sections = Vec::new();
    let mut shown_causes: BTreeMap<i64, String> = BTreeMap::new();
    let mut action_comments = Vec::new();
    for s in &plan.sections {
        match *s {
            "cover" => sections.push(cover(&cx, &client_name)?),
            "summary" => sections.push(summary(&mut cx, &highlights)),
            "metrics" => {
                for (i, (metric_id, dim)) in plan.metrics.iter().enumerate() {
                    if !cx.visible.contains(metric_id) {
                        left_out.push(metric_id.clone());
                        continue;
                    }
                    let (control, drivers) =
                        plan.diagnostics.get(i).copied().unwrap_or((false, false));
                    let mut page = metric_page(
                        &mut cx,
                        metric_id,
                        *dim,
                        (control, drivers),
                        &mut shown_causes,
                    )?;
                    page.notes = metric_notes(&cx, Some(metric_id));
                    sections.push(page);
                }
            }
            "actions" => {
                if let Some((section, comments)) = action_plan(&mut cx)? {
                    sections.push(section);
                    action_comments = comments;
                }
            }
            "appendix" => sections.push(appendix(&mut cx)?),
            _ => {}
        }
    }
    // The speaker notes: each section's figures with their formulas and samples, the period and
    // the sources, so the presenter can say where a number comes from.
    let sources = source_notes(&cx)?;
    let period_note = format!(
        "Period: {} ({} to {}).",
        report.period.label,
        date_words(&report.period.start, &cx.locale),
        date_words(&report.period.end, &cx.locale)
    );
    for s in &mut sections {
        if s.title == "Executive summary" || s.title == "Scorecard" {
            s.notes = metric_notes(&cx, None);
        }
        s.notes.push(period_note.clone());
        s.notes.extend(sources.iter().cloned());
    }
    let internal_words = "Internal — not for distribution to the client";
    let doc = doc::Document {
        meta: doc::Meta {
            title: format!(
                "{client_name} — Quarterly business review {}",
                report.period.label
            ),
            author: plan.prepared_by.clone(),
            subject: format!(
                "QBR pack for {client_name}, {}{}",
                report.period.label,
                if client { "" } else { " (internal)" }
            ),
            keywords: vec![
                "QBR".into(),
                client_name.clone(),
                report.period.label.clone(),
            ],
            created: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            language: "en".into(),
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
            footer_left: if client {
                "Confidential".into()
            } else {
                internal_words.into()
            },
            stamp: (!client).then(|| "Internal".into()),
        },
        sections,
    };
    Ok(Built {
        doc,
        titles: cx.titles,
        actions: action_comments,
        highlights,
        left_out,
    })
}

/// One line a scorecard row for the speaker notes: value, formula, numerator and denominator,
/// sample, coverage and notes — of `metric`, or of every row the pack may show.
fn metric_notes(cx: &Context, metric: Option<&str>) -> Vec<String> {
    let cur = &cx.report.currency;
    let amount = |v: f64| {
        if (v - v.round()).abs() < 1e-9 {
            text::grouped(v, 0)
        } else {
            text::grouped(v, 2)
        }
    };
    cx.rows
        .iter()
        .filter(|x| metric.is_none_or(|m| x.def.id == m))
        .map(|x| {
            let e = &x.entry;
            let mut line = format!(
                "{}: {}. Formula: {}.",
                x.name(),
                value_text(&x.def.unit, e, cur),
                x.def.formula
            );
            if let (Some(n), Some(d)) = (e.numerator, e.denominator) {
                line.push_str(&format!(
                    " Numerator {}, denominator {}.",
                    amount(n),
                    amount(d)
                ));
            }
            if let Some(n) = e.n {
                line.push_str(&format!(" Sample: {} (n).", text::thousands(n)));
            }
            if let Some(c) = &e.coverage {
                line.push_str(&format!(" Coverage: {}.", c.text));
            }
            for n in &e.notes {
                line.push_str(&format!(" {n}"));
            }
            line
        })
        .collect()
}

/// The imports the figures come from, one line.
fn source_notes(cx: &Context) -> ApiResult<Vec<String>> {
    let imports: Vec<String> = cx
        .ws
        .overview()?
        .imports
        .into_iter()
        .filter(|b| !b.undone)
        .map(|b| {
            format!(
                "{} ({}, {} rows{})",
                b.file_name,
                b.kind,
                text::thousands(b.rows_taken),
                match (&b.first_day, &b.last_day) {
                    (Some(f), Some(l)) => format!(
                        ", {} to {}",
                        date_words(f, &cx.locale),
                        date_words(l, &cx.locale)
                    ),
                    _ => String::new(),
                }
            )
        })
        .collect();
    Ok(if imports.is_empty() {
        Vec::new()
    } else {
        vec![format!("Sources: {}.", imports.join("; "))]
    })
}

fn cover(cx: &Context, client_name: &str) -> ApiResult<doc::Section> {
    let data_as_of = cx
        .ws
        .data_range()?
        .map(|r| date_words(&r.last_day, &cx.locale))
        .unwrap_or_else(|| "no data".into());
    Ok(doc::Section {
        notes: Vec::new(),
        title: "Cover".into(),
        start_on_new_page: true,
        blocks: vec![doc::Block::Cover(doc::Cover {
            client: client_name.to_string(),
            title: "Quarterly business review".into(),
            period: period_words(&cx.report.period, &cx.locale),
            prepared_by: cx.plan.prepared_by.clone(),
            exported_on: date_words(&cx.today.format("%Y-%m-%d").to_string(), &cx.locale),
            data_as_of,
            stamp: (!cx.client).then(|| "Internal — not for distribution to the client".into()),
        })],
    })
}

/// The quarter's story for the summary, ranked by contract relevance: what missed its target,
/// what moved most, why (the causes) and what is being done (the actions). `**bold**` lead-ins.
fn story_lines(cx: &Context) -> ApiResult<Vec<String>> {
    let cur = &cx.report.currency;
    let prev = cx.previous_label();
    let mut out = Vec::new();
    let mut missed: Vec<&Row> = cx.rows.iter().filter(|r| r.off_target()).collect();
    missed.sort_by_key(|r| r.rank());
    for r in missed.iter().take(5) {
        let (d, e) = (&r.def, &r.entry);
        let (Some(v), Some(t)) = (e.value, &e.target) else {
            continue;
        };
        let moved = match (&e.change_previous, prev) {
            (Some(c), Some(p)) => format!(" ({} on {p})", text::change(&d.unit, c, cur)),
            _ => String::new(),
        };
        out.push(format!(
            "**{}:** {} {} against the {} target{moved}.",
            qbr_format::status_word(&e.status),
            r.subject(),
            text::value(&d.unit, v, cur),
            text::target(&d.unit, t, cur)
        ));
    }
    // The largest moves among the rest, for metrics with a better direction.
    let mut moves: Vec<(&Row, f64)> = cx
        .rows
        .iter()
        .filter(|r| !r.off_target())
        .filter(|r| r.def.direction == "higher" || r.def.direction == "lower")
        .filter_map(|r| {
            let rel = r.entry.change_previous.as_ref()?.relative?;
            r.entry.value?;
            (rel != 0.0).then_some((r, rel.abs()))
        })
        .collect();
    moves.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.rank().cmp(&b.0.rank())));
    for (r, _) in moves.into_iter().take(2) {
        let (d, e) = (&r.def, &r.entry);
        let (Some(c), Some(v)) = (&e.change_previous, e.value) else {
            continue;
        };
        let better = (c.absolute > 0.0) == (d.direction == "higher");
        out.push(format!(
            "**Moved:** {} {} to {} ({}{}).",
            r.subject(),
            if better { "improved" } else { "worsened" },
            text::value(&d.unit, v, cur),
            text::change(&d.unit, c, cur),
            prev.map(|p| format!(" on {p}")).unwrap_or_default()
        ));
    }
    // Causes, those behind most missed metrics first.
    let missed_ids: BTreeSet<&str> = missed.iter().map(|r| r.def.id.as_str()).collect();
    let mut causes: Vec<&CauseView> = cx.causes.iter().collect();
    causes.sort_by_key(|c| {
        let hits = c
            .fields
            .metrics
            .iter()
            .filter(|m| missed_ids.contains(m.as_str()))
            .count();
        (usize::MAX - hits, c.id)
    });
    for c in causes.iter().take(3) {
        let f = &c.fields;
        out.push(format!(
            "**Why:** {} ({}, {}, {} to {}).",
            f.title,
            f.category,
            scope_words(&f.scope),
            date_words(&f.period_from, &cx.locale),
            date_words(&f.period_to, &cx.locale)
        ));
    }
    // Actions: done first, then overdue, then under way.
    let end = cx.end();
    let mut acts: Vec<(&ActionView, AtEnd)> =
        cx.actions.iter().map(|a| (a, at_end(a, end))).collect();
    acts.sort_by_key(|(a, s)| (*s as u8, a.id));
    for (a, s) in acts.into_iter().take(4) {
        let line = match s {
            AtEnd::Done => format!(
                "**Done:** {} ({}).",
                a.title,
                a.completed_on
                    .as_deref()
                    .map(|d| date_words(d, &cx.locale))
                    .unwrap_or_default()
            ),
            AtEnd::Overdue => format!(
                "**Overdue:** {} (due {}).",
                a.title,
                a.due_date
                    .as_deref()
                    .map(|d| date_words(d, &cx.locale))
                    .unwrap_or_default()
            ),
            AtEnd::InProgress => format!(
                "**Under way:** {}{}.",
                a.title,
                a.due_date
                    .as_deref()
                    .map(|d| format!(" (due {})", date_words(d, &cx.locale)))
                    .unwrap_or_default()
            ),
            AtEnd::Planned => format!("**Planned:** {}.", a.title),
            AtEnd::Cancelled => continue,
        };
        out.push(line);
    }
    Ok(out)
}

fn summary(cx: &mut Context, highlights: &[String]) -> doc::Section {
    let r = cx.report;
    let cur = r.currency.clone();
    let with_target: Vec<Row> = cx
        .rows
        .iter()
        .filter(|x| x.entry.target.is_some() && x.entry.value.is_some())
        .cloned()
        .collect();
    let mut missed: Vec<Row> = with_target
        .iter()
        .filter(|x| x.off_target())
        .cloned()
        .collect();
    missed.sort_by_key(|x| x.rank());
    let furthest = missed.first().map(|x| {
        format!(
            "{} at {} against {}",
            story::subject(&x.def.name, x.channel.as_deref()).to_lowercase(),
            value_text(&x.def.unit, &x.entry, &cur),
            target_text(&x.def.unit, &x.entry, &cur)
        )
    });
    // The cause behind most of the missed metrics, when it explains at least half of them.
    let main_cause = cx
        .causes
        .iter()
        .map(|c| {
            let hits = missed
                .iter()
                .filter(|x| c.fields.metrics.contains(&x.def.id))
                .count();
            (hits, c)
        })
        .filter(|(hits, _)| *hits * 2 >= missed.len() && *hits > 0)
        .max_by_key(|(hits, c)| (*hits, -c.id))
        .map(|(_, c)| format!("the {}", c.fields.title.trim()));
    // Counted as the app's overview counts them: per channel where the rows split by channel.
    let count = |status: &str| {
        with_target
            .iter()
            .filter(|x| x.entry.status == status)
            .count()
    };
    let proposed = story::summary_title(
        &r.period.label,
        story::StatusCounts {
            on: count("green"),
            near: count("amber"),
            off: count("red"),
        },
        furthest.as_deref(),
        main_cause.as_deref(),
    );
    let met = with_target.len() - missed.len();
    let title = cx.title("summary", "Executive summary", proposed);
    let mut blocks = vec![heading(1, title)];
    // Tiles for every metric off target, most relevant first; without any, the headline figures.
    let prev = cx.previous_label().map(str::to_string);
    let mut tiles: Vec<Row> = if missed.is_empty() {
        let mut h: Vec<Row> = cx
            .rows
            .iter()
            .filter(|x| x.entry.value.is_some())
            .cloned()
            .collect();
        h.sort_by_key(|x| (contract_rank(&x.def.id), u64::MAX - x.entry.n.unwrap_or(0)));
        h.into_iter().take(4).collect()
    } else {
        missed.clone()
    };
    tiles.truncate(12);
    if !tiles.is_empty() {
        blocks.push(doc::Block::KeyFigures(
            tiles
                .iter()
                .map(|x| key_figure(x, &cur, prev.as_deref()))
                .collect(),
        ));
    }
    for para in cx.plan.summary.split("\n\n") {
        let para = para.trim();
        if !para.is_empty() {
            blocks.push(doc::Block::Paragraph(para.to_string()));
        }
    }
    let lines: Vec<String> = highlights
        .iter()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .collect();
    if !lines.is_empty() {
        blocks.push(heading(2, "The quarter in brief"));
        blocks.push(doc::Block::Bullets(lines));
    }
    // The scorecard on a page of its own.
    if !cx.rows.is_empty() {
        let proposed = story::scorecard_title(&r.period.label, met, with_target.len());
        let title = cx.title("scorecard", "Scorecard", proposed);
        blocks.push(doc::Block::PageBreak);
        blocks.push(heading(1, title));
        let table = scorecard_table(&cx.rows, &cur);
        blocks.push(table);
        let compared = [
            r.previous_period
                .as_ref()
                .map(|p| format!("QoQ against {}", p.label)),
            r.year_ago_period
                .as_ref()
                .map(|p| format!("YoY against {}", p.label)),
        ];
        let compared: Vec<String> = compared.into_iter().flatten().collect();
        let per_channel = cx.rows.iter().any(|x| x.channel.is_some());
        let low: Vec<String> = cx
            .rows
            .iter()
            .filter(|x| x.entry.flags.iter().any(|f| f == "low_sample"))
            .map(|x| {
                format!(
                    "{} (n = {}, minimum {})",
                    x.name(),
                    n_text(&x.entry),
                    x.def.min_sample.map(|m| m.to_string()).unwrap_or_default()
                )
            })
            .collect();
        blocks.push(doc::Block::Note(format!(
            "Whole account, {}. {}; n is the sample (contacts, responses or evaluations). Near target: missed by no more than the tolerance.{}{}",
            period_words(&r.period, &cx.locale),
            compared.join(", "),
            if per_channel {
                " Service level and speed of answer are per channel: each channel has its own threshold and pace."
            } else {
                ""
            },
            if low.is_empty() {
                String::new()
            } else {
                format!(" Below the minimum sample, read with care: {}.", low.join(", "))
            }
        )));
    }
    doc::Section {
        notes: Vec::new(),
        title: "Executive summary".into(),
        start_on_new_page: true,
        blocks,
    }
}

/// The target in force for `metric_id` at `on` for the series of `channel` (a channel-scoped
/// target first) or the whole account.
fn target_on(
    targets: &[TargetView],
    metric_id: &str,
    channel: Option<&str>,
    on: &str,
) -> Option<Target> {
    let live = |t: &&TargetView| {
        t.metric_id == metric_id
            && t.effective_from.as_str() <= on
            && t.effective_to.as_deref().is_none_or(|to| on <= to)
    };
    let scoped = channel.and_then(|c| {
        targets.iter().filter(live).find(|t| {
            t.scope
                .as_ref()
                .is_some_and(|s| s.dimension == "channel" && s.value == c)
        })
    });
    scoped
        .or_else(|| targets.iter().filter(live).find(|t| t.scope.is_none()))
        .and_then(chart_target)
}

/// The numbered markers of a page's trend chart (and what each number stands for), for the causes
/// and actions this pack may show.
fn markers(cx: &Context, metric_id: &str, buckets: &[SeriesPointView]) -> ApiResult<Vec<Marker>> {
    let Some(first) = buckets.first() else {
        return Ok(Vec::new());
    };
    let range = format!("{}..{}", first.period.start, cx.report.period.end);
    let notes = crate::annotate::causes_and_actions_for(cx.path, metric_id, &range, cx.today)?;
    let shown: BTreeSet<i64> = notes
        .causes
        .iter()
        .filter(|c| !cx.client || c.fields.visibility == "client")
        .map(|c| c.id)
        .collect();
    let mut out = Vec::new();
    for m in &notes.markers {
        let Some(at) = buckets
            .iter()
            .position(|p| p.period.start <= m.date && m.date <= p.period.end)
        else {
            continue;
        };
        let (kind, label) = match m.kind.as_str() {
            "cause" => {
                if !shown.contains(&m.id) {
                    continue;
                }
                let Some(c) = notes.causes.iter().find(|c| c.id == m.id) else {
                    continue;
                };
                (
                    MarkerKind::Cause,
                    format!(
                        "{}: cause in {}, from {}",
                        c.fields.title,
                        scope_words(&c.fields.scope),
                        date_words(&m.date, &cx.locale)
                    ),
                )
            }
            "action_start" => (
                MarkerKind::ActionStart,
                format!(
                    "{}: action started {}",
                    m.label,
                    date_words(&m.date, &cx.locale)
                ),
            ),
            _ => (
                MarkerKind::ActionFinish,
                format!(
                    "{}: action done {}",
                    m.label,
                    date_words(&m.date, &cx.locale)
                ),
            ),
        };
        out.push(Marker { at, label, kind });
    }
    Ok(out)
}

/// The page's trend: per channel for a per-channel metric (the headline channel alone when the
/// channels' scales differ tenfold, e.g. email's hours against voice's seconds), the target in
/// force each week as steps, numbered markers explained beneath.
fn trend_chart(
    cx: &Context,
    def: &MetricDefinitionView,
    channel: Option<&str>,
    channels: &[String],
) -> ApiResult<Option<(TrendChart, String)>> {
    let end = cx.end();
    let from = trend_start(end);
    let per_channel = channel.is_some() && channels.len() > 1;
    let weekly = series_report_in(
        cx.ws,
        &SeriesQuery {
            metrics: vec![def.id.clone()],
            grain: "week".into(),
            from: from.format("%Y-%m-%d").to_string(),
            to: cx.report.period.end.clone(),
            by: per_channel.then(|| "channel".into()),
            filters: Vec::new(),
            moving_average: Some(4),
        },
    )?;
    let mut lines: Vec<(Option<String>, SeriesLineView)> = weekly
        .lines
        .into_iter()
        .map(|l| (l.key.get("channel").cloned().flatten(), l))
        .collect();
    if lines.is_empty() {
        return Ok(None);
    }
    let mut note = String::new();
    if per_channel {
        lines.retain(|(c, l)| c.is_some() && l.points.iter().any(|p| p.value.is_some()));
        // Headline first.
        lines.sort_by_key(|(c, _)| (c.as_deref() != channel, c.clone()));
        let mean = |l: &SeriesLineView| {
            let v: Vec<f64> = l.points.iter().filter_map(|p| p.value).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        let means: Vec<f64> = lines
            .iter()
            .filter_map(|(_, l)| mean(l))
            .filter(|m| *m > 0.0)
            .collect();
        let (lo, hi) = means
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(a, b), m| (a.min(*m), b.max(*m)));
        if means.len() > 1 && hi > lo * 10.0 {
            let others: Vec<String> = lines
                .iter()
                .skip(1)
                .filter_map(|(c, _)| c.clone())
                .collect();
            lines.truncate(1);
            note = format!(
                " Only {} is drawn: {} run on another scale (see the figures above).",
                channel.unwrap_or("the headline channel"),
                others.join(" and ")
            );
        }
    }
    // An account younger than the trend's 52 weeks starts where its data does.
    let first_value = lines
        .iter()
        .filter_map(|(_, l)| l.points.iter().position(|p| p.value.is_some()))
        .min();
    let Some(skip) = first_value else {
        return Ok(None);
    };
    for (_, l) in &mut lines {
        l.points.drain(..skip.min(l.points.len()));
    }
    let Some((_, first)) = lines.first() else {
        return Ok(None);
    };
    let buckets: Vec<SeriesPointView> = first.points.clone();
    let markers = markers(cx, &def.id, &buckets)?;
    let single = lines.len() == 1;
    let head_channel = lines.first().and_then(|(c, _)| c.clone());
    let series: Vec<TrendSeries> = lines
        .iter()
        .map(|(c, l)| TrendSeries {
            name: match c {
                Some(c) => story::capitalised(c),
                None => "Whole account".into(),
            },
            values: l.points.iter().map(|p| p.value).collect(),
            moving_average: single.then(|| MovingAverage {
                label: "4-week average".into(),
                values: l.points.iter().map(|p| p.moving_average).collect(),
            }),
        })
        .collect();
    let steps: Vec<Option<Target>> = buckets
        .iter()
        .map(|p| target_on(&cx.targets, &def.id, head_channel.as_deref(), &p.period.end))
        .collect();
    let subject = story::subject(
        &def.name,
        if single {
            head_channel.as_deref()
        } else {
            None
        },
    );
    let chart = TrendChart {
        title: format!(
            "{subject}{}, week by week to {}",
            if single { "" } else { " by channel" },
            date_words(&cx.report.period.end, &cx.locale)
        ),
        unit: unit_kind(&def.unit),
        buckets: buckets.iter().map(|p| p.period.label.clone()).collect(),
        // Months on the axis, in the workspace's locale, as in the app.
        spans: buckets
            .iter()
            .map(|p| (p.period.start.clone(), p.period.end.clone()))
            .collect(),
        locale: cx.locale.clone(),
        series,
        target: None,
        markers,
        windows: Vec::new(),
        control: None,
        // Weeks cut by the quarter's ends or the data's are drawn hollow, as in the app.
        partial: buckets
            .iter()
            .enumerate()
            .filter(|(_, p)| p.partial)
            .map(|(i, _)| i)
            .collect(),
        currency: cx.report.currency.clone(),
        target_steps: if steps.iter().any(Option::is_some) {
            steps
        } else {
            Vec::new()
        },
        numbered_markers: true,
        width: 960,
        height: 360,
    };
    let mut caption = format!(
        "Weekly values{}{}{}.",
        if single { ", the 4-week average" } else { "" },
        if chart.target_steps.is_empty() {
            ""
        } else {
            " and the target in force each week"
        },
        if chart.markers.is_empty() {
            ""
        } else {
            "; numbers mark the causes and actions listed under the chart"
        }
    );
    caption.push_str(&note);
    Ok(Some((chart, caption)))
}

/// A breakdown as bars: every member, or for long ones the top and bottom [`ENDS`] and a note on
/// the rest.
fn breakdown(
    cx: &Context,
    def: &MetricDefinitionView,
    dim: qbr_core::Dimension,
    channel: Option<&str>,
) -> ApiResult<Vec<doc::Block>> {
    let r = cx.report;
    let by = metrics_report_in(
        cx.ws,
        &MetricsQuery {
            period: Some(r.period.label.clone()),
            by: vec![dim.as_str().to_string()],
            filters: channel
                .map(|c| vec![format!("channel={c}")])
                .unwrap_or_default(),
            metrics: vec![def.id.clone()],
        },
        cx.today,
    )?;
    let mut members: Vec<(String, MetricEntryView)> = by
        .groups
        .iter()
        .filter_map(|g| {
            let e = g.metrics.get(&def.id)?;
            let label = g
                .key
                .values()
                .next()
                .cloned()
                .flatten()
                .unwrap_or_else(|| "(none)".into());
            (e.value.is_some() || e.n.unwrap_or(0) > 0).then(|| (label, e.clone()))
        })
        .collect();
    if members.len() < 2 {
        return Ok(Vec::new());
    }
    // Best first for metrics with a direction, largest first otherwise; missing values last.
    let lower_better = def.direction == "lower";
    members.sort_by(|a, b| match (a.1.value, b.1.value) {
        (Some(x), Some(y)) => {
            let o = y.total_cmp(&x);
            if lower_better { o.reverse() } else { o }.then(a.0.cmp(&b.0))
        }
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.0.cmp(&b.0),
    });
    let total = members.len();
    let mut rest_note = None;
    if total > 2 * ENDS {
        let rest: Vec<(String, MetricEntryView)> = members.drain(ENDS..total - ENDS).collect();
        let values: Vec<f64> = rest.iter().filter_map(|(_, e)| e.value).collect();
        let (lo, hi) = values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        let n: u64 = rest.iter().filter_map(|(_, e)| e.n).sum();
        let missing = rest.len() - values.len();
        let low = rest
            .iter()
            .filter(|(_, e)| e.flags.iter().any(|f| f == "low_sample"))
            .count();
        rest_note = Some(format!(
            "The {} {}s between them ({} of {total}) are left out of the chart: values from {} to {}{}, n = {} together{}.",
            rest.len(),
            dim.as_str(),
            rest.len(),
            text::value(&def.unit, if lower_better { lo } else { hi }, &r.currency),
            text::value(&def.unit, if lower_better { hi } else { lo }, &r.currency),
            if missing > 0 {
                format!(" ({missing} without a value)")
            } else {
                String::new()
            },
            text::thousands(n),
            if low > 0 {
                format!("; {low} of them below the minimum sample")
            } else {
                String::new()
            }
        ));
    }
    let bars: Vec<doc::Bar> = members
        .iter()
        .map(|(label, e)| doc::Bar {
            label: label.clone(),
            value: e.value,
            note: match e.value {
                None => e.reason.clone(),
                Some(_) if e.flags.iter().any(|f| f == "low_sample") => {
                    Some(format!("n = {}, low sample", n_text(e)))
                }
                Some(_) => None,
            },
        })
        .collect();
    let count = bars.len();
    let top = if rest_note.is_some() {
        format!(", the top and bottom {ENDS} of {total}")
    } else {
        String::new()
    };
    let subject = story::subject(&def.name, channel);
    let title = format!("{subject} by {}, {}{top}", dim.as_str(), r.period.label);
    // The target of the figure the page leads with; a member's own target may differ.
    let target = cx
        .rows
        .iter()
        .find(|x| x.def.id == def.id && x.channel.as_deref() == channel)
        .and_then(|x| x.entry.target.as_ref())
        .and_then(chart_target);
    let mut blocks = vec![chart_block(
        doc::Chart::Bars(doc::BarChart {
            title: title.clone(),
            unit: unit_kind(&def.unit),
            bars,
            target,
            currency: r.currency.clone(),
        }),
        (12.0 + 5.5 * count as f32).clamp(28.0, 100.0),
        None,
        format!("Bar chart: {title}."),
    )];
    if let Some(n) = rest_note {
        blocks.push(doc::Block::Note(n));
    }
    Ok(vec![doc::Block::Keep(blocks)])
}

/// The member that drove most of the metric's change from the previous period, with its part.
fn top_driver(
    cx: &Context,
    metric_id: &str,
    dim: qbr_core::Dimension,
    channel: Option<&str>,
) -> Option<(String, f64)> {
    let prev = cx.report.previous_period.as_ref()?;
    let d = crate::diagnose::drivers(
        cx.path,
        &crate::diagnose::DriversQuery {
            metric: metric_id.to_string(),
            from: prev.label.clone(),
            to: cx.report.period.label.clone(),
            by: dim.as_str().to_string(),
            filters: channel
                .map(|c| vec![format!("channel={c}")])
                .unwrap_or_default(),
        },
    )
    .ok()?;
    d.segments
        .iter()
        .filter(|s| s.total_effect * d.change > 0.0)
        .max_by(|a, b| a.total_effect.abs().total_cmp(&b.total_effect.abs()))
        .map(|s| (s.segment.clone(), s.total_effect))
}

/// A cause as one paragraph ("**Why — title** (category, scope, dates): description"), with
/// its evidence and author under it in an internal pack.
fn cause_blocks(cx: &Context, c: &CauseView) -> doc::Block {
    let f = &c.fields;
    let mut text = format!(
        "**Why — {}** ({}, {}, {} to {})",
        f.title.trim(),
        f.category,
        scope_words(&f.scope),
        date_words(&f.period_from, &cx.locale),
        date_words(&f.period_to, &cx.locale)
    );
    if f.description.trim().is_empty() {
        text.push('.');
    } else {
        text.push_str(": ");
        text.push_str(f.description.trim());
    }
    let mut blocks = vec![doc::Block::Paragraph(text)];
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
    doc::Block::Keep(blocks)
}

fn metric_page(
    cx: &mut Context,
    metric_id: &str,
    dim: qbr_core::Dimension,
    (control, drivers): (bool, bool),
    shown_causes: &mut BTreeMap<i64, String>,
) -> ApiResult<doc::Section> {
    let r = cx.report;
    let cur = r.currency.clone();
    let mine: Vec<Row> = cx
        .rows
        .iter()
        .filter(|x| x.def.id == metric_id)
        .cloned()
        .collect();
    let Some(def) = mine.first().map(|x| x.def.clone()) else {
        return Ok(doc::Section {
            notes: Vec::new(),
            title: metric_id.to_string(),
            start_on_new_page: true,
            blocks: vec![heading(
                1,
                format!("{metric_id}: not in this period's scorecard"),
            )],
        });
    };
    let refs: Vec<&Row> = mine.iter().collect();
    let head = headline(&refs, &cx.targets)
        .cloned()
        .unwrap_or_else(|| mine[0].clone());
    let channel = head.channel.clone();
    let channels: Vec<String> = mine.iter().filter_map(|x| x.channel.clone()).collect();
    let driver = top_driver(cx, metric_id, dim, channel.as_deref());
    let proposed = story::metric_title(&MetricFacts {
        name: &def.name,
        unit: &def.unit,
        channel: channel.as_deref(),
        value: head.entry.value,
        reason: head.entry.reason.as_deref(),
        target: head.entry.target.as_ref(),
        status: &head.entry.status,
        change: head.entry.change_previous.as_ref(),
        driver: driver.as_ref().map(|(m, p)| (m.as_str(), *p)),
        currency: &cur,
    });
    let title = cx.title(&format!("metric:{metric_id}"), &def.name, proposed);
    let mut blocks = vec![heading(1, title)];
    let prev = cx.previous_label().map(str::to_string);
    let mut tiles: Vec<&Row> = vec![&head];
    tiles.extend(mine.iter().filter(|x| x.channel != head.channel));
    blocks.push(doc::Block::KeyFigures(
        tiles
            .iter()
            .map(|x| key_figure(x, &cur, prev.as_deref()))
            .collect(),
    ));
    if let Some((chart, caption)) = trend_chart(cx, &def, channel.as_deref(), &channels)? {
        let alt = format!(
            "Line chart: {} week by week, the last week at {}.",
            story::subject(&def.name, channel.as_deref()),
            chart
                .series
                .first()
                .and_then(|s| s.values.iter().rev().find_map(|v| *v))
                .map(|v| text::value(&def.unit, v, &cur))
                .unwrap_or_else(|| text::NONE.into())
        );
        // Room for the numbered key: about two markers a line.
        let height = 54.0 + 4.0 * chart.markers.len().div_ceil(2).min(4) as f32;
        blocks.push(chart_block(
            doc::Chart::Trend(chart),
            height,
            Some(caption),
            alt,
        ));
    }
    blocks.extend(breakdown(cx, &def, dim, channel.as_deref())?);

    // The causes this page explains; those shown on an earlier page are referred to.
    let mut fresh = Vec::new();
    let mut earlier = Vec::new();
    for c in cx
        .causes
        .iter()
        .filter(|c| c.fields.metrics.iter().any(|m| m == metric_id))
    {
        match shown_causes.get(&c.id) {
            Some(page) => earlier.push(format!("{} (see {page})", c.fields.title)),
            None => fresh.push(c.clone()),
        }
    }
    for c in &fresh {
        blocks.push(cause_blocks(cx, c));
        shown_causes.insert(c.id, def.name.clone());
    }
    if !earlier.is_empty() {
        blocks.push(doc::Block::Note(format!(
            "Also explained by {}.",
            earlier.join("; ")
        )));
    }
    if control {
        blocks.extend(control_blocks(cx, metric_id, channel.as_deref())?);
    }
    if drivers {
        blocks.extend(drivers_blocks(cx, metric_id, dim)?);
    }
    Ok(doc::Section {
        notes: Vec::new(),
        title: def.name.clone(),
        start_on_new_page: true,
        blocks,
    })
}

/// The metric's weekly control chart over the trend's 52 weeks with its limits from the weeks
/// before the period (the period is judged against them, not part of them), Laney's p′ for
/// proportions of large samples, and its named signals kept on the same page.
fn control_blocks(
    cx: &Context,
    metric_id: &str,
    channel: Option<&str>,
) -> ApiResult<Vec<doc::Block>> {
    let r = cx.report;
    let end = cx.end();
    let from = trend_start(end);
    let before = cx.start().pred_opt().unwrap_or(from);
    let control = crate::diagnose::control_in(
        cx.ws,
        &crate::diagnose::ControlQuery {
            metric: metric_id.to_string(),
            grain: "week".into(),
            from: from.to_string(),
            to: r.period.end.clone(),
            baseline: (before > from).then(|| format!("{from}..{before}")),
            filters: channel
                .map(|c| vec![format!("channel={c}")])
                .unwrap_or_default(),
            method: None,
        },
    );
    let (c, mut chart) = match control {
        Ok(c) => c,
        // A chart that cannot be drawn (too few weeks with a value) is shown with its reason.
        Err(e) if e.code != ErrorCode::Internal => {
            return Ok(vec![doc::Block::Note(format!(
                "No control chart: {}",
                e.message
            ))])
        }
        Err(e) => return Err(e),
    };
    let unit = c.definition.unit.as_str();
    let method = match c.method.as_str() {
        "p" => "p-chart",
        "laney_p" => "Laney p′ chart",
        _ => "XmR chart",
    };
    chart.title = format!(
        "{}, weekly {method} ({} to {})",
        story::subject(&c.definition.name, channel),
        date_words(&c.range.start, &cx.locale),
        date_words(&r.period.end, &cx.locale)
    );
    chart.currency = r.currency.clone();
    let mut caption = format!(
        "{method}. Centre {}",
        text::value(unit, c.centre, &r.currency)
    );
    match c.method.as_str() {
        "xmr" => {
            if let Some((lo, hi)) = c.points.iter().find_map(|p| p.lower.zip(p.upper)) {
                caption.push_str(&format!(
                    ", limits {} to {}",
                    text::value(unit, lo, &r.currency),
                    text::value(unit, hi, &r.currency)
                ));
            }
        }
        "laney_p" => caption.push_str(
            ", limits per week from its volume, widened by the weeks' own variation (with thousands of contacts a week a plain p-chart flags nearly every week)",
        ),
        _ => caption.push_str(", limits per week from each week's volume"),
    }
    caption.push_str(&format!(
        "; baseline {} to {} ({} weeks before the period). Rings mark where a signal fires.",
        date_words(&c.baseline.start, &cx.locale),
        date_words(&c.baseline.end, &cx.locale),
        c.baseline_points
    ));
    let alt = format!(
        "Control chart of {} with {} signal{}.",
        c.definition.name,
        c.signals.len(),
        if c.signals.len() == 1 { "" } else { "s" }
    );
    let mut group = vec![
        heading(2, "Control chart"),
        chart_block(doc::Chart::Trend(chart), 70.0, Some(caption), alt),
    ];
    if c.signals.is_empty() {
        group.push(doc::Block::Note(
            "No signal: every week is within the limits and no run rule fires.".into(),
        ));
    } else {
        group.push(doc::Block::Bullets(signal_lines(&c, &cx.locale)));
    }
    Ok(vec![doc::Block::Keep(group)])
}

/// The signals of a control chart, one line per rule and direction, the weeks it covers merged
/// into runs of days in the workspace's locale: "**Point beyond the limits** (below) —
/// 29 Sept 2025 – 1 Feb 2026, 9 Feb – 15 Feb 2026" (each run from its first week's first day to its
/// last week's last day).
fn signal_lines(c: &ControlReport, locale: &str) -> Vec<String> {
    let index = |label: &str| c.points.iter().position(|p| p.period.label == label);
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
                    qbr_format::date_span(
                        &c.points[a].period.start,
                        &c.points[b].period.end,
                        locale,
                    )
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
    let Some(prev) = &r.previous_period else {
        return Ok(Vec::new());
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
            return Ok(vec![doc::Block::Note(format!(
                "The change from {} cannot be split: {}",
                prev.label, e.message
            ))]);
        }
        Err(e) => return Err(e),
    };
    let unit = d.definition.unit.as_str();
    let v = |x: Option<f64>| {
        x.map(|x| text::value(unit, x, &r.currency))
            .unwrap_or_else(|| text::NONE.into())
    };
    let pct = |x: f64| text::percent(x, 1);
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
    Ok(vec![doc::Block::Keep(vec![
        heading(2, "What drove the change"),
        doc::Block::Paragraph(d.sentence.clone()),
        table(
            vec![
                col(&story::capitalised(dim.as_str()), 3.0, false),
                col(&d.from.label, 1.6, true),
                col(&d.to.label, 1.6, true),
                col(&format!("Share {}", d.from.label), 1.6, true),
                col(&format!("Share {}", d.to.label), 1.6, true),
                col("Rate part", 1.6, true),
                col("Mix part", 1.6, true),
                col("Total", 1.6, true),
            ],
            rows,
        ),
        doc::Block::Note(note),
    ])])
}

fn verdict_words(v: &str) -> &'static str {
    match v {
        "improved" => "improved",
        "worsened" => "worsened",
        "too_early" => "too early to tell",
        _ => "no clear change",
    }
}

/// The comment the client reads beside an action, unless the user wrote one.
fn proposed_comment(a: &ActionView, s: AtEnd, verdict: Option<&str>, locale: &str) -> String {
    let d = |x: &Option<String>| {
        x.as_deref()
            .map(|d| date_words(d, locale))
            .unwrap_or_default()
    };
    match s {
        AtEnd::Done => format!(
            "Completed {}.{}",
            d(&a.completed_on),
            match verdict {
                Some("improved") => " The measured effect is a clear improvement.",
                Some("too_early") => " Too early to measure its effect.",
                _ => "",
            }
        ),
        AtEnd::Overdue => format!("Behind plan: was due {}.", d(&a.due_date)),
        AtEnd::InProgress => match &a.due_date {
            Some(_) => format!("Under way; due {}.", d(&a.due_date)),
            None => "Under way.".into(),
        },
        AtEnd::Planned => match &a.start_date {
            Some(_) => format!("Starts {}.", d(&a.start_date)),
            None => "Planned.".into(),
        },
        AtEnd::Cancelled => "Cancelled.".into(),
    }
}

type Comments = Vec<(i64, String, String)>;

fn action_plan(cx: &mut Context) -> ApiResult<Option<(doc::Section, Comments)>> {
    if cx.actions.is_empty() {
        return Ok(None);
    }
    let r = cx.report;
    let cur = r.currency.clone();
    let end = cx.end();
    let defs = r.definitions.clone();
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut counts = ActionCounts::default();
    let mut comments = Vec::new();
    let actions = cx.actions.clone();
    for a in &actions {
        let state = at_end(a, end);
        let metric = a
            .metric_id
            .as_ref()
            .and_then(|m| defs.iter().find(|d| &d.id == m));
        let visible_metric = metric.is_some_and(|m| cx.visible.contains(&m.id));
        let effect = match (&a.metric_id, visible_metric) {
            (Some(_), true) => crate::annotate::action_effect(cx.path, a.id, None, cx.today).ok(),
            _ => None,
        };
        let verdict = effect.as_ref().map(|e| e.verdict.clone());
        match state {
            AtEnd::Done => {
                counts.done += 1;
                if verdict.as_deref() == Some("improved") {
                    counts.improved += 1;
                }
            }
            AtEnd::Overdue => counts.overdue += 1,
            AtEnd::InProgress => counts.in_progress += 1,
            AtEnd::Planned => counts.planned += 1,
            AtEnd::Cancelled => counts.cancelled += 1,
        }
        let measured = match &effect {
            Some(e) => {
                let unit = e.definition.unit.clone();
                match (&e.change, &e.after) {
                    (Some(c), Some(after)) => format!(
                        "{} → {} ({}): {}",
                        e.before
                            .value
                            .map(|v| text::value(&unit, v, &cur))
                            .unwrap_or_else(|| text::NONE.into()),
                        after
                            .value
                            .map(|v| text::value(&unit, v, &cur))
                            .unwrap_or_else(|| text::NONE.into()),
                        text::change(&unit, c, &cur),
                        verdict_words(&e.verdict)
                    ),
                    _ => verdict_words(&e.verdict).to_string(),
                }
            }
            None => text::NONE.into(),
        };
        let expected = match (&a.expected, metric) {
            (Some(x), Some(m)) if visible_metric => {
                let who = match &a.scope {
                    Some(s) => format!("{} ({})", m.name, s.value),
                    None => m.name.clone(),
                };
                if x.kind == "target" {
                    let bound = match m.direction.as_str() {
                        "lower" => "≤ ",
                        "higher" => "≥ ",
                        _ => "",
                    };
                    format!("{who} {bound}{}", text::value(&m.unit, x.value, &cur))
                } else {
                    let c = ChangeView {
                        absolute: x.value,
                        points: (m.unit == "ratio").then_some(x.value * 100.0),
                        relative: None,
                    };
                    format!("{who} {}", text::change(&m.unit, &c, &cur))
                }
            }
            _ => text::NONE.into(),
        };
        let linked: Vec<String> = a
            .causes
            .iter()
            .filter_map(|id| cx.causes.iter().find(|c| c.id == *id))
            .map(|c| c.fields.title.clone())
            .collect();
        let mut action = a.title.clone();
        if !linked.is_empty() {
            action.push_str(&format!("\nAnswers: {}", linked.join("; ")));
        }
        let status = match state {
            AtEnd::Done => format!(
                "Done {}",
                a.completed_on
                    .as_deref()
                    .map(|d| date_words(d, &cx.locale))
                    .unwrap_or_default()
            ),
            AtEnd::Overdue => "Overdue".into(),
            AtEnd::InProgress => "In progress".into(),
            AtEnd::Planned => "Planned".into(),
            AtEnd::Cancelled => "Cancelled".into(),
        };
        let proposed = proposed_comment(a, state, verdict.as_deref(), &cx.locale);
        let comment = cx
            .plan
            .action_comments
            .get(&a.id.to_string())
            .map(|c| c.trim().to_string())
            .unwrap_or_else(|| proposed.clone());
        comments.push((a.id, a.title.clone(), proposed));
        let date = |x: &Option<String>| {
            x.as_deref()
                .map(|d| date_words(d, &cx.locale))
                .unwrap_or_else(|| text::NONE.into())
        };
        rows.push(vec![
            bold(action),
            cell(if a.owner.is_empty() {
                text::NONE.to_string()
            } else {
                a.owner.clone()
            }),
            cell(date(&a.start_date)),
            cell(date(&a.due_date)),
            doc::Cell {
                text: status,
                bold: state == AtEnd::Overdue,
                colour: (state == AtEnd::Overdue).then(|| doc::Rag::Red.colour()),
                ..doc::Cell::default()
            },
            cell(expected),
            cell(measured),
            cell(comment),
        ]);
        if !cx.client {
            for n in &a.notes {
                notes.push(format!(
                    "{} — {}: {}",
                    a.title,
                    date_words(&n.noted_on, &cx.locale),
                    n.text
                ));
            }
        }
    }
    let proposed = story::actions_title(&r.period.label, &counts);
    let title = cx.title("actions", "Action plan", proposed);
    let mut blocks = vec![heading(1, title)];
    blocks.push(table(
        vec![
            col("Action", 3.4, false),
            col("Owner", 1.5, false),
            col("Start", 1.3, false),
            col("Due", 1.3, false),
            col("Status at period end", 1.5, false),
            col("Expected", 1.9, false),
            col("Measured effect", 2.6, false),
            col("Comment", 3.0, false),
        ],
        rows,
    ));
    blocks.push(doc::Block::Note(format!(
        "Status as of {}. Measured effect: the action's metric over the 4 weeks before its start and the 4 weeks after its completion (or its due date once past); the verdict is a test at 95% confidence.",
        date_words(&r.period.end, &cx.locale)
    )));
    if !notes.is_empty() {
        blocks.push(doc::Block::Keep(vec![
            heading(2, "Progress notes (internal)"),
            doc::Block::Bullets(notes),
        ]));
    }
    Ok(Some((
        doc::Section {
            notes: Vec::new(),
            title: "Action plan".into(),
            start_on_new_page: true,
            blocks,
        },
        comments,
    )))
}

fn appendix(cx: &mut Context) -> ApiResult<doc::Section> {
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
            _ => text::NONE.into(),
        }
    };
    let shown: Vec<&String> = cx.plan.metrics.iter().map(|(m, _)| m).collect();
    let with_summary = cx.plan.sections.contains(&"summary");
    let rows: Vec<Vec<doc::Cell>> = r
        .definitions
        .iter()
        .filter(|d| cx.visible.contains(&d.id))
        .filter(|d| with_summary || shown.contains(&&d.id))
        .map(|d| {
            vec![
                bold(d.name.clone()),
                cell(d.formula.clone()),
                cell(variant_of(&d.id)),
            ]
        })
        .collect();
    let title = cx.title(
        "appendix",
        "Appendix",
        "How the figures are computed".to_string(),
    );
    let mut blocks = vec![
        heading(1, title),
        heading(2, "Metric definitions"),
        table(
            vec![
                col("Metric", 2.2, false),
                col("Formula", 5.0, false),
                col("Definition in force", 3.0, false),
            ],
            rows,
        ),
    ];
    let imports: Vec<_> = cx
        .ws
        .overview()?
        .imports
        .into_iter()
        .filter(|b| !b.undone)
        .collect();
    if !imports.is_empty() {
        blocks.push(heading(2, "Data sources"));
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
                            (Some(f), Some(l)) => format!(
                                "{} to {}",
                                date_words(f, &cx.locale),
                                date_words(l, &cx.locale)
                            ),
                            _ => text::NONE.into(),
                        }),
                        cell(text::thousands(b.rows_taken)),
                        cell(b.sha256.clone()),
                    ]
                })
                .collect(),
        ));
    }
    Ok(doc::Section {
        notes: Vec::new(),
        title: "Appendix".into(),
        start_on_new_page: true,
        blocks,
    })
}
