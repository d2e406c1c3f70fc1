//! The QBR pack: what goes on its pages for a period and an audience (built here from the same
//! reports as `qbr metrics` and the app), the PDF drawn by `qbr_render::pack`, and the snapshots
//! and templates kept in the workspace.
//!
//! Promises:
//! - The scorecard and every number in a pack come from [`crate::metrics::metrics_report_in`],
//!   the function behind `qbr metrics` and the app's scorecard; values read as the CLI prints them.
//! - The client pack is the default. It holds only the metrics a client sees (a workspace
//!   setting, [`client_metrics`]), no internal cause, no cause evidence or author, no action
//!   note, and no agent name: every agent name anywhere in the document is replaced by its stored
//!   pseudonym. The internal pack says INTERNAL on its cover and in every page header.
//! - Every page has a message title written from its numbers ([`story`]), which the user may
//!   rewrite; the titles and action comments are kept in the definition and so in the snapshot.
//! - An export writes a temporary file and renames it, then stores a snapshot holding the exact
//!   document; [`export_snapshot`] renders that document again, byte for byte with the same
//!   version. [`list_packs`] says, per snapshot, which of its inputs changed since.
//!
//! Map: [`content`] (the document), [`story`] (titles and the summary's order), [`audience`]
//! (agent pseudonyms).

mod audience;
mod content;
mod story;

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use qbr_core::pack::{Audience, Fingerprint, LogoFormat, NewSnapshot, Snapshot};
use qbr_core::{Dimension, Workspace, APP_VERSION};
use qbr_render::pack::Document;
use sha2::{Digest, Sha256};

use crate::export::write_atomically;
use crate::metrics::{metrics_report_in, period_view, resolve_period, trend_start, MetricsQuery};
use crate::wire::*;
use crate::ApiResult;

/// The sections a pack can have, in their default order.
pub const SECTIONS: [&str; 5] = ["cover", "summary", "metrics", "actions", "appendix"];

/// Dimensions a metric page can break a metric down by.
pub const DIMENSIONS: [&str; 6] = ["program", "queue", "channel", "site", "team", "agent"];

/// The accent colour of a pack nobody has branded.
pub const DEFAULT_ACCENT: &str = "#1f5fa8";

fn invalid(field: &str, message: impl Into<String>) -> ErrorView {
    ErrorView {
        code: ErrorCode::InvalidInput,
        message: format!("{field}: {}", message.into()),
    }
}

/// A document the renderer refuses (a logo larger than a logo may be, stored in a snapshot) is
/// the input's fault, said as such; anything else is ours.
fn render_error(e: qbr_render::pack::RenderError) -> ErrorView {
    match e {
        qbr_render::pack::RenderError::Invalid(m) => ErrorView {
            code: ErrorCode::InvalidInput,
            message: m,
        },
        other => internal(other),
    }
}

fn internal(message: impl std::fmt::Display) -> ErrorView {
    ErrorView {
        code: ErrorCode::Internal,
        message: message.to_string(),
    }
}

/// A definition checked and parsed: what [`content`] builds from.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub sections: Vec<&'static str>,
    pub metrics: Vec<(String, Dimension)>,
    /// Per metric page, in the order of `metrics`: (control chart, drivers).
    pub diagnostics: Vec<(bool, bool)>,
    pub audience: Audience,
    pub letter: bool,
    pub prepared_by: String,
    pub accent: (u8, u8, u8),
    pub logo: Option<(Vec<u8>, LogoFormat)>,
    pub summary: String,
    pub highlights: Option<Vec<String>>,
    pub titles: BTreeMap<String, String>,
    pub action_comments: BTreeMap<String, String>,
}

fn parse_accent(text: &str) -> ApiResult<(u8, u8, u8)> {
    let hex = text.trim().trim_start_matches('#');
    let bad = || {
        invalid(
            "accent",
            format!("{text:?} is not a colour; expected #rrggbb"),
        )
    };
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
    Ok((byte(0)?, byte(2)?, byte(4)?))
}

/// The most bytes a logo file may have.
const MAX_LOGO_BYTES: usize = 5 * 1024 * 1024;

fn decode_logo(logo: &PackLogo) -> ApiResult<(Vec<u8>, LogoFormat)> {
    // Base64 of the largest logo allowed, and a little room for line ends.
    if logo.base64.len() > MAX_LOGO_BYTES / 3 * 4 + 1024 {
        return Err(invalid("logo", "the logo is larger than 5 MB"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(logo.base64.trim())
        .map_err(|e| invalid("logo", format!("not base64: {e}")))?;
    let format = LogoFormat::sniff(&bytes)
        .ok_or_else(|| invalid("logo", "the logo must be a PNG or JPEG image"))?;
    check_logo(&bytes, format)?;
    Ok((bytes, format))
}

/// Refuses a logo whose header says it is larger than a logo may be (a few kilobytes can claim
/// gigabytes of pixels), from the header alone: wherever the logo comes from (a file chosen
/// now, the web view, a template or a snapshot stored in a received workspace), it is checked
/// here before anything decodes it, the web view's thumbnail and preview included.
fn check_logo(bytes: &[u8], format: LogoFormat) -> ApiResult<()> {
    let format = match format {
        LogoFormat::Png => qbr_render::pack::ImageFormat::Png,
        LogoFormat::Jpeg => qbr_render::pack::ImageFormat::Jpeg,
    };
    qbr_render::pack::logo_size(bytes, format)
        .map(|_| ())
        .map_err(|e| match e {
            qbr_render::pack::RenderError::Invalid(m) => invalid("logo", m),
            other => invalid("logo", other.to_string()),
        })
}

/// A logo as the wire carries it.
pub fn logo_view(bytes: &[u8], format: LogoFormat) -> PackLogo {
    PackLogo {
        format: format.as_str().into(),
        base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

/// Reads a logo file the user chose (PNG or JPEG, up to 5 MB).
pub fn read_logo(file: &Path) -> ApiResult<PackLogo> {
    let bytes = std::fs::read(file).map_err(|e| ErrorView {
        code: ErrorCode::NotFound,
        message: format!("cannot read {}: {e}", file.display()),
    })?;
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(invalid("logo", "the logo is larger than 5 MB"));
    }
    let format = LogoFormat::sniff(&bytes).ok_or_else(|| {
        invalid(
            "logo",
            format!("{} is not a PNG or JPEG image", file.display()),
        )
    })?;
    check_logo(&bytes, format).map_err(|e| ErrorView {
        message: format!("{}: {}", file.display(), e.message),
        ..e
    })?;
    Ok(logo_view(&bytes, format))
}

pub(crate) fn plan(ws: &Workspace, def: &PackDefinition) -> ApiResult<Plan> {
    let mut sections = Vec::new();
    for s in &def.sections {
        let known = SECTIONS.iter().find(|k| **k == s.trim()).ok_or_else(|| {
            invalid(
                "section",
                format!(
                    "unknown section {s:?}; expected one of {}",
                    SECTIONS.join(", ")
                ),
            )
        })?;
        if sections.contains(known) {
            return Err(invalid("section", format!("{s:?} is listed twice")));
        }
        sections.push(*known);
    }
    let known_metrics = ws.metric_catalog()?;
    let mut metrics = Vec::new();
    let mut diagnostics = Vec::new();
    for m in &def.metrics {
        if !known_metrics.iter().any(|k| k.id == m.metric_id) {
            return Err(invalid(
                "metric",
                format!("unknown metric {:?}", m.metric_id),
            ));
        }
        let dim = crate::metrics::parse_dimension(&m.dimension)?;
        metrics.push((m.metric_id.clone(), dim));
        diagnostics.push((m.control, m.drivers));
    }
    let audience = def.audience.parse::<Audience>().map_err(|_| {
        invalid(
            "audience",
            format!("{:?}: expected client or internal", def.audience),
        )
    })?;
    let letter = match def.paper.trim().to_ascii_lowercase().as_str() {
        "a4" => false,
        "letter" => true,
        other => {
            return Err(invalid(
                "paper",
                format!("{other:?}: expected a4 or letter"),
            ))
        }
    };
    Ok(Plan {
        sections,
        metrics,
        diagnostics,
        audience,
        letter,
        prepared_by: def.prepared_by.trim().to_string(),
        accent: parse_accent(&def.accent)?,
        logo: def.logo.as_ref().map(decode_logo).transpose()?,
        summary: def.summary.clone(),
        highlights: def.highlights.clone(),
        titles: def.titles.clone(),
        action_comments: def.action_comments.clone(),
    })
}

/// The scorecard a pack shows: `qbr metrics` for the period, whole account, every metric.
fn scorecard(ws: &Workspace, period: Option<&str>, today: NaiveDate) -> ApiResult<MetricsReport> {
    metrics_report_in(
        ws,
        &MetricsQuery {
            period: period.map(str::to_string),
            ..MetricsQuery::default()
        },
        today,
    )
}

/// The definition a new pack starts from: every section, the client audience, A4, the proposed
/// highlights, and a page for each metric that missed its target or has a client-visible root
/// cause in the period (in the contract's order), broken down by program (by channel, or queue,
/// when there is one program). A workspace with no target at all gets pages for the headline
/// metrics that have values instead, so a pack always has its trends.
pub fn default_definition(
    report: &MetricsReport,
    annotated: &[String],
    targets: &[TargetView],
    members: &BTreeMap<String, usize>,
) -> PackDefinition {
    let g = report.groups.first();
    let entry = |id: &str| g.and_then(|g| g.metrics.get(id));
    let visible = content::default_client_metrics(&report.definitions, targets);
    let mut ids: Vec<String> = report
        .definitions
        .iter()
        .filter(|d| visible.contains(&d.id))
        .filter(|d| {
            entry(&d.id).is_some_and(|e| matches!(e.status.as_str(), "red" | "amber"))
                || annotated.contains(&d.id)
        })
        .map(|d| d.id.clone())
        .collect();
    if targets.is_empty() && ids.is_empty() {
        ids = content::HEADLINE
            .iter()
            .filter(|id| entry(id).is_some_and(|e| e.value.is_some()))
            .map(|id| id.to_string())
            .collect();
    }
    ids.sort_by_key(|id| story::contract_rank(id));
    let many = |d: &str| members.get(d).copied().unwrap_or(0) > 1;
    let dimension = ["program", "channel", "queue", "site"]
        .into_iter()
        .find(|d| many(d))
        .unwrap_or("program");
    PackDefinition {
        sections: SECTIONS.map(String::from).to_vec(),
        metrics: ids
            .into_iter()
            .map(|id| PackMetricChoice {
                metric_id: id,
                dimension: dimension.into(),
                control: false,
                drivers: false,
            })
            .collect(),
        audience: "client".into(),
        paper: "a4".into(),
        prepared_by: String::new(),
        accent: DEFAULT_ACCENT.into(),
        logo: None,
        summary: String::new(),
        highlights: None,
        titles: BTreeMap::new(),
        action_comments: BTreeMap::new(),
    }
}

/// How many members with data each dimension has in the period of `report`.
fn members_in(
    ws: &Workspace,
    report: &MetricsReport,
    today: NaiveDate,
) -> ApiResult<BTreeMap<String, usize>> {
    let mut out = BTreeMap::new();
    for d in ["program", "channel", "queue", "site"] {
        let by = metrics_report_in(
            ws,
            &MetricsQuery {
                period: Some(report.period.label.clone()),
                by: vec![d.into()],
                metrics: vec!["offered".into()],
                ..MetricsQuery::default()
            },
            today,
        )?;
        let n = by
            .groups
            .iter()
            .filter(|g| g.key.values().all(Option::is_some))
            .filter(|g| {
                g.metrics
                    .get("offered")
                    .and_then(|e| e.value)
                    .is_some_and(|v| v > 0.0)
            })
            .count();
        out.insert(d.to_string(), n);
    }
    Ok(out)
}

fn starting_definition(
    ws: &Workspace,
    path: &Path,
    report: &MetricsReport,
    today: NaiveDate,
) -> ApiResult<PackDefinition> {
    let targets = crate::metrics::list_targets(path)?;
    Ok(default_definition(
        report,
        &annotated_metrics(ws, report)?,
        &targets,
        &members_in(ws, report, today)?,
    ))
}

/// The metrics a client pack may show in the workspace at `path`.
pub fn client_metrics(path: &Path) -> ApiResult<ClientMetricsView> {
    let ws = Workspace::open(path)?;
    let defs: Vec<MetricDefinitionView> = ws
        .metric_catalog()?
        .iter()
        .map(crate::metrics::definition_view)
        .collect();
    let targets = crate::metrics::list_targets(path)?;
    let chosen = ws.pack_client_metrics()?;
    Ok(ClientMetricsView {
        chosen: chosen.is_some(),
        metrics: match chosen {
            Some(m) => m,
            None => content::default_client_metrics(&defs, &targets),
        },
    })
}

/// Chooses the metrics a client pack may show (`None`: back to the default rule). Unknown ids
/// are refused.
pub fn set_client_metrics(
    path: &Path,
    metrics: Option<Vec<String>>,
    now: DateTime<Utc>,
) -> ApiResult<ClientMetricsView> {
    let mut ws = Workspace::open(path)?;
    if let Some(m) = &metrics {
        let known = ws.metric_catalog()?;
        if let Some(bad) = m.iter().find(|id| !known.iter().any(|k| &k.id == *id)) {
            return Err(invalid("metric", format!("unknown metric {bad:?}")));
        }
    }
    ws.set_pack_client_metrics(metrics.as_deref(), now)?;
    drop(ws);
    client_metrics(path)
}

/// The metrics that a live client-visible root cause in the period of `report` is attached to.
fn annotated_metrics(ws: &Workspace, report: &MetricsReport) -> ApiResult<Vec<String>> {
    let day = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok();
    let (Some(from), Some(to)) = (day(&report.period.start), day(&report.period.end)) else {
        return Ok(Vec::new());
    };
    let causes = ws.causes(&qbr_core::annotate::CauseFilter {
        overlapping: Some((from, to)),
        ..qbr_core::annotate::CauseFilter::default()
    })?;
    Ok(causes
        .into_iter()
        .filter(|c| c.cause.visibility == qbr_core::annotate::Visibility::Client)
        .flat_map(|c| c.cause.metrics)
        .collect())
}

/// The pack builder page for `period` (the latest complete quarter by default).
pub fn pack_builder(
    path: &Path,
    period: Option<&str>,
    today: NaiveDate,
) -> ApiResult<PackBuilderPage> {
    let ws = Workspace::open(path)?;
    let report = scorecard(&ws, period, today)?;
    let scorecard_page =
        crate::metrics::scorecard_page(path, Some(&report.period.label), None, today)?;
    let definition = starting_definition(&ws, path, &report, today)?;
    let plan = plan(&ws, &definition)?;
    Ok(PackBuilderPage {
        period: report.period.clone(),
        periods: scorecard_page.periods,
        metrics: report.definitions.clone(),
        dimensions: DIMENSIONS.map(String::from).to_vec(),
        sections: SECTIONS.map(String::from).to_vec(),
        proposed_highlights: content::proposed_highlights(&ws, path, &plan, &report, today)?,
        definition,
        templates: list_pack_templates(path)?,
        snapshots: snapshots_of(&ws)?,
        client_metrics: client_metrics(path)?,
    })
}

/// Builds the document of a pack: what the preview shows and the PDF draws.
pub(crate) fn build_document(
    ws: &mut Workspace,
    path: &Path,
    period: Option<&str>,
    def: &PackDefinition,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ApiResult<(content::Built, MetricsReport)> {
    let plan = plan(ws, def)?;
    let report = scorecard(ws, period, today)?;
    let mut built = content::document(ws, path, &plan, &report, today, now)?;
    if plan.audience == Audience::Client {
        let names = ws.agent_pseudonyms()?;
        built.doc = audience::pseudonymise(&built.doc, &names)?;
    }
    Ok((built, report))
}

/// The pages of the pack as SVG, exactly as the PDF lays them out.
pub fn preview_pack(
    path: &Path,
    period: Option<&str>,
    def: &PackDefinition,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ApiResult<PackPreview> {
    let mut ws = Workspace::open(path)?;
    let (built, report) = build_document(&mut ws, path, period, def, today, now)?;
    let pages = qbr_render::pack::render_preview_svgs(&built.doc).map_err(render_error)?;
    Ok(PackPreview {
        period: report.period.clone(),
        pages,
        proposed_highlights: match def.highlights {
            None => built.highlights,
            Some(_) => {
                let plan = plan(&ws, def)?;
                content::proposed_highlights(&ws, path, &plan, &report, today)?
            }
        },
        titles: built
            .titles
            .into_iter()
            .map(|t| PackTitleView {
                key: t.key,
                page: t.page,
                proposed: t.proposed,
            })
            .collect(),
        actions: built
            .actions
            .into_iter()
            .map(|(id, title, proposed)| PackActionCommentView {
                id,
                title,
                proposed,
            })
            .collect(),
        left_out: built.left_out,
    })
}

/// The days whose facts a pack for `period` reads: from the year-ago quarter (YoY) or the first
/// trend week, whichever is earlier, to the period's last day.
fn facts_range(report: &MetricsReport) -> ApiResult<(NaiveDate, NaiveDate)> {
    let day = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| internal(format!("bad date {s}")))
    };
    let end = day(&report.period.end)?;
    let mut from = trend_start(end).min(day(&report.period.start)?);
    if let Some(y) = &report.year_ago_period {
        from = from.min(day(&y.start)?);
    }
    Ok((from, end))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Pages in a PDF written by the renderer: its page objects.
fn page_count(pdf: &[u8]) -> u32 {
    let text = String::from_utf8_lossy(pdf);
    let mut n = 0;
    for pat in ["/Type /Page", "/Type/Page"] {
        let mut rest = &text[..];
        while let Some(i) = rest.find(pat) {
            rest = &rest[i + pat.len()..];
            if !rest.starts_with('s') {
                n += 1;
            }
        }
    }
    n
}

fn file_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What an export writes: the PDF pack, or the same pack as a PowerPoint deck, optionally in the
/// masters, layouts and theme of a template (`.potx`/`.pptx`, see [`read_deck_template`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PackOutput {
    pub format: PackFormat,
    pub deck_template: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PackFormat {
    #[default]
    Pdf,
    Pptx,
}

impl PackFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            PackFormat::Pdf => "pdf",
            PackFormat::Pptx => "pptx",
        }
    }

    /// `pdf` or `pptx`.
    pub fn parse(text: &str) -> ApiResult<PackFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pdf" => Ok(PackFormat::Pdf),
            "pptx" => Ok(PackFormat::Pptx),
            other => Err(invalid(
                "format",
                format!("unknown pack format {other:?}: expected pdf or pptx"),
            )),
        }
    }
}

/// A deck template is refused above this size (themes with fonts and pictures run to a few MB).
pub const MAX_DECK_TEMPLATE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a PowerPoint template (`.potx` or `.pptx`) and checks that the deck can use it (masters,
/// layouts and theme found), so a bad file is refused before anything is written.
pub fn read_deck_template(file: &Path) -> ApiResult<Vec<u8>> {
    let meta = std::fs::metadata(file).map_err(|e| ErrorView {
        code: ErrorCode::NotFound,
        message: format!("cannot read {}: {e}", file.display()),
    })?;
    if !meta.is_file() {
        return Err(invalid(
            "template",
            format!("{} is not a regular file", file.display()),
        ));
    }
    if meta.len() > MAX_DECK_TEMPLATE_BYTES {
        return Err(invalid(
            "template",
            format!("{} is larger than 64 MB", file.display()),
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| ErrorView {
        code: ErrorCode::NotFound,
        message: format!("cannot read {}: {e}", file.display()),
    })?;
    qbr_render::pack::check_deck_template(&bytes)
        .map_err(|e| invalid("template", format!("{}: {e}", file.display())))?;
    Ok(bytes)
}

/// The file `doc` becomes in `output`'s format.
fn render_output(doc: &Document, output: &PackOutput) -> ApiResult<Vec<u8>> {
    match output.format {
        PackFormat::Pdf => qbr_render::pack::render_pdf(doc).map_err(render_error),
        PackFormat::Pptx => qbr_render::pack::render_pptx(doc, output.deck_template.as_deref())
            .map_err(render_error),
    }
}

/// Exports a pack to `out` (written through a temporary file and renamed) and stores its
/// snapshot. `progress` hears each stage.
#[allow(clippy::too_many_arguments)]
pub fn export_pack(
    path: &Path,
    period: Option<&str>,
    def: &PackDefinition,
    template: Option<&str>,
    out: &Path,
    today: NaiveDate,
    now: DateTime<Utc>,
    progress: impl FnMut(PackProgressView),
) -> ApiResult<PackExportView> {
    export_pack_as(
        path,
        period,
        def,
        template,
        out,
        &PackOutput::default(),
        today,
        now,
        progress,
    )
}

/// [`export_pack`] in `output`'s format. The snapshot stores the document (so a deck and a PDF
/// of one snapshot hold the same pages) with the SHA-256 and page count of its PDF rendering.
#[allow(clippy::too_many_arguments)]
pub fn export_pack_as(
    path: &Path,
    period: Option<&str>,
    def: &PackDefinition,
    template: Option<&str>,
    out: &Path,
    output: &PackOutput,
    today: NaiveDate,
    now: DateTime<Utc>,
    mut progress: impl FnMut(PackProgressView),
) -> ApiResult<PackExportView> {
    let step = |stage: &str, step: u32| PackProgressView {
        stage: stage.into(),
        step,
        steps: 4,
    };
    let _span = tracing::info_span!("export_pack", sections = def.sections.len()).entered();
    let started = std::time::Instant::now();
    progress(step("building", 1));
    let mut ws = Workspace::open(path)?;
    // The snapshot is stored after the PDF is written: a workspace that cannot take it is
    // refused before there is a PDF without its snapshot.
    ws.check_writable()?;
    let (built, report) = build_document(&mut ws, path, period, def, today, now)?;
    let doc = built.doc;
    let (from, to) = facts_range(&report)?;
    let fingerprint = ws.pack_fingerprint(from, to, APP_VERSION)?;
    let built_ms = started.elapsed().as_millis() as u64;
    progress(step("rendering", 2));
    let pdf = qbr_render::pack::render_pdf(&doc).map_err(render_error)?;
    tracing::info!(
        build_ms = built_ms,
        render_ms = started.elapsed().as_millis() as u64 - built_ms,
        bytes = pdf.len(),
        "pack rendered"
    );
    let file = match output.format {
        PackFormat::Pdf => None,
        PackFormat::Pptx => Some(render_output(&doc, output)?),
    };
    let written = file.as_deref().unwrap_or(&pdf);
    progress(step("writing", 3));
    write_atomically(out, written)?;
    let plan = plan(&ws, def)?;
    let snapshot = NewSnapshot {
        period_label: report.period.label.clone(),
        audience: plan.audience,
        template_name: template.map(str::to_string),
        definition: serde_json::to_string(def).map_err(internal)?,
        document: serde_json::to_string(&doc).map_err(internal)?,
        fingerprint,
        file_name: file_name(out),
        pdf_sha256: sha256_hex(&pdf),
        pages: page_count(&pdf),
    };
    let id = ws.add_pack_snapshot(&snapshot, now)?;
    progress(step("done", 4));
    let stored = ws
        .pack_snapshot(id)?
        .ok_or_else(|| internal("the snapshot just stored is gone"))?;
    Ok(PackExportView {
        path: out.display().to_string(),
        bytes: written.len() as u64,
        format: output.format.as_str().into(),
        sha256: sha256_hex(written),
        snapshot: snapshot_view(&ws, &stored)?,
    })
}

/// Renders snapshot `id`'s stored document again into `out`: the same bytes as the first export
/// when the app version is the same.
pub fn export_snapshot(path: &Path, id: i64, out: &Path) -> ApiResult<PackExportView> {
    export_snapshot_as(path, id, out, &PackOutput::default())
}

/// [`export_snapshot`] in `output`'s format: a snapshot exported as a PDF can be had as a deck
/// too, and the same snapshot and template give the same deck bytes.
pub fn export_snapshot_as(
    path: &Path,
    id: i64,
    out: &Path,
    output: &PackOutput,
) -> ApiResult<PackExportView> {
    let _span = tracing::info_span!("export_snapshot", snapshot = id).entered();
    let ws = Workspace::open(path)?;
    let stored = ws.pack_snapshot(id)?.ok_or_else(|| ErrorView {
        code: ErrorCode::NotFound,
        message: format!("there is no pack snapshot {id}"),
    })?;
    let doc: Document = serde_json::from_str(&stored.snapshot.document)
        .map_err(|e| internal(format!("snapshot {id} holds an unreadable document: {e}")))?;
    let bytes = render_output(&doc, output)?;
    write_atomically(out, &bytes)?;
    Ok(PackExportView {
        path: out.display().to_string(),
        bytes: bytes.len() as u64,
        format: output.format.as_str().into(),
        sha256: sha256_hex(&bytes),
        snapshot: snapshot_view(&ws, &stored)?,
    })
}

fn snapshot_view(ws: &Workspace, s: &Snapshot) -> ApiResult<PackSnapshotView> {
    let then: &Fingerprint = &s.snapshot.fingerprint;
    let now = ws.pack_fingerprint(then.facts_from, then.facts_to, APP_VERSION)?;
    Ok(PackSnapshotView {
        id: s.id,
        created_at: s.created_at.clone(),
        period_label: s.snapshot.period_label.clone(),
        audience: s.snapshot.audience.as_str().into(),
        template_name: s.snapshot.template_name.clone(),
        file_name: s.snapshot.file_name.clone(),
        pdf_sha256: s.snapshot.pdf_sha256.clone(),
        pages: s.snapshot.pages,
        app_version: then.app_version.clone(),
        changed_since: then
            .changed_since(&now)
            .iter()
            .map(|p| p.as_str().to_string())
            .collect(),
    })
}

fn snapshots_of(ws: &Workspace) -> ApiResult<Vec<PackSnapshotView>> {
    ws.pack_snapshots()?
        .iter()
        .map(|s| snapshot_view(ws, s))
        .collect()
}

/// Every stored export, newest first, each with what changed since.
pub fn list_packs(path: &Path) -> ApiResult<Vec<PackSnapshotView>> {
    snapshots_of(&Workspace::open(path)?)
}

/// The definition a snapshot was exported with, to export a new version of it.
pub fn snapshot_definition(path: &Path, id: i64) -> ApiResult<(String, PackDefinition)> {
    let ws = Workspace::open(path)?;
    let s = ws.pack_snapshot(id)?.ok_or_else(|| ErrorView {
        code: ErrorCode::NotFound,
        message: format!("there is no pack snapshot {id}"),
    })?;
    let def: PackDefinition = serde_json::from_str(&s.snapshot.definition).map_err(internal)?;
    // The web view shows the logo: a stored one is checked as a chosen one is.
    if let Some(logo) = &def.logo {
        decode_logo(logo).map_err(|e| ErrorView {
            message: format!("pack snapshot {id}: {}", e.message),
            ..e
        })?;
    }
    Ok((s.snapshot.period_label, def))
}

fn template_view(t: &qbr_core::pack::PackTemplate) -> ApiResult<PackTemplateView> {
    let mut definition: PackDefinition = serde_json::from_str(&t.definition)
        .map_err(|e| internal(format!("template {:?} is unreadable: {e}", t.name)))?;
    // The web view shows the logo: a stored one is checked as a chosen one is.
    if let Some((bytes, format)) = &t.logo {
        check_logo(bytes, *format).map_err(|e| ErrorView {
            message: format!(
                "pack template {:?}: {}; remove the template or save it again with another logo",
                t.name, e.message
            ),
            ..e
        })?;
    }
    definition.logo = t.logo.as_ref().map(|(b, f)| logo_view(b, *f));
    Ok(PackTemplateView {
        name: t.name.clone(),
        definition,
        created_at: t.created_at.clone(),
        updated_at: t.updated_at.clone(),
    })
}

/// Saves `def` as template `name` (replacing one of that name). The summary, highlights, page
/// titles and action comments are this quarter's words and are not kept.
pub fn save_pack_template(
    path: &Path,
    name: &str,
    def: &PackDefinition,
    now: DateTime<Utc>,
) -> ApiResult<PackTemplateView> {
    let mut ws = Workspace::open(path)?;
    let plan = plan(&ws, def)?;
    let kept = PackDefinition {
        logo: None,
        summary: String::new(),
        highlights: None,
        titles: BTreeMap::new(),
        action_comments: BTreeMap::new(),
        ..def.clone()
    };
    let json = serde_json::to_string(&kept).map_err(internal)?;
    ws.save_pack_template(
        name,
        &json,
        plan.logo.as_ref().map(|(b, f)| (b.as_slice(), *f)),
        now,
    )?;
    let t = ws
        .pack_template(name)?
        .ok_or_else(|| internal("the template just saved is gone"))?;
    template_view(&t)
}

/// Every template; one whose stored logo is refused is listed without it (loading it by name
/// says why), so that one bad template does not hide the others.
pub fn list_pack_templates(path: &Path) -> ApiResult<Vec<PackTemplateView>> {
    Workspace::open(path)?
        .pack_templates()?
        .into_iter()
        .map(|mut t| {
            if t.logo
                .as_ref()
                .is_some_and(|(b, f)| check_logo(b, *f).is_err())
            {
                t.logo = None;
            }
            template_view(&t)
        })
        .collect()
}

pub fn pack_template(path: &Path, name: &str) -> ApiResult<PackTemplateView> {
    let t = Workspace::open(path)?
        .pack_template(name)?
        .ok_or_else(|| ErrorView {
            code: ErrorCode::NotFound,
            message: format!("there is no pack template {name:?}"),
        })?;
    template_view(&t)
}

pub fn remove_pack_template(path: &Path, name: &str) -> ApiResult<()> {
    if Workspace::open(path)?.remove_pack_template(name)? {
        Ok(())
    } else {
        Err(ErrorView {
            code: ErrorCode::NotFound,
            message: format!("there is no pack template {name:?}"),
        })
    }
}

/// The period label a pack for `period` would cover (the latest complete quarter by default).
pub fn pack_period(path: &Path, period: Option<&str>, today: NaiveDate) -> ApiResult<PeriodView> {
    let ws = Workspace::open(path)?;
    Ok(period_view(&resolve_period(&ws, period, today)?))
}

/// The definition a pack for `period` starts from without a template ([`default_definition`]).
pub fn default_pack_definition(
    path: &Path,
    period: Option<&str>,
    today: NaiveDate,
) -> ApiResult<PackDefinition> {
    let ws = Workspace::open(path)?;
    let report = scorecard(&ws, period, today)?;
    starting_definition(&ws, path, &report, today)
}

#[cfg(test)]
mod tests;
