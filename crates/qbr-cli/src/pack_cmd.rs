//! The pack commands — `export`, `packs`, `pack-template`, `scorecard-export` and `chart` — as
//! thin adapters over `qbr_api::pack` and `qbr_api::export`.

use std::path::PathBuf;

use chrono::Utc;
use clap::{Args, Subcommand};
use qbr_api::pack as api;
use qbr_api::{ErrorCode, ErrorView, PackDefinition, PackMetricChoice, PackSnapshotView};

use crate::{print_json, print_text};

/// What a pack is made of; each option left out keeps the template's (or the default's) choice.
#[derive(Args, Default)]
pub struct DefinitionArgs {
    /// Start from this saved template (see `qbr pack-template`); or, with `--format pptx`, a
    /// PowerPoint template file (FILE.potx or FILE.pptx) whose slide master, layouts, theme
    /// fonts and colours the deck takes.
    #[arg(long, value_name = "NAME|FILE.potx|FILE.pptx")]
    template: Option<String>,
    /// client (the default: only the metrics a client sees, client-visible causes, no internal
    /// notes, agents pseudonymised) or internal (everything, marked INTERNAL on every page).
    #[arg(long, value_parser = ["client", "internal"])]
    audience: Option<String>,
    #[arg(long, value_parser = ["a4", "letter"])]
    paper: Option<String>,
    /// Sections in order, comma-separated: cover,summary,metrics,actions,appendix.
    #[arg(long, value_delimiter = ',')]
    sections: Option<Vec<String>>,
    /// A metric page, optionally with its breakdown dimension: `aht` or `aht=queue`
    /// (repeatable; replaces the template's metric pages). The dimension defaults to program.
    /// Append `+control` for the weekly control chart and its signals, `+drivers` for what
    /// drove the change from the previous period by the dimension: `aht=program+control+drivers`.
    #[arg(long = "metric", value_name = "ID[=DIM][+control][+drivers]")]
    metrics: Vec<String>,
    #[arg(long, value_name = "NAME")]
    prepared_by: Option<String>,
    /// Accent colour, #rrggbb.
    #[arg(long, value_name = "#RRGGBB")]
    accent: Option<String>,
    /// A PNG or JPEG logo for the cover and page headers.
    #[arg(long, value_name = "FILE")]
    logo: Option<PathBuf>,
    /// The written summary (blank lines separate paragraphs).
    #[arg(long, value_name = "TEXT")]
    summary: Option<String>,
    /// A highlight (repeatable); without any, the highlights the app proposes.
    #[arg(long = "highlight", value_name = "TEXT")]
    highlights: Vec<String>,
    /// A page's title in your own words (repeatable): `summary`, `scorecard`, `metric:ID`,
    /// `actions` or `appendix`, e.g. `--title "metric:aht=AHT is back under 10 minutes"`.
    #[arg(long = "title", value_name = "PAGE=TEXT")]
    titles: Vec<String>,
    /// The client-visible comment beside an action in the plan (repeatable), by action id:
    /// `--action-comment "2=Waiting for the routing licence"`.
    #[arg(long = "action-comment", value_name = "ID=TEXT")]
    action_comments: Vec<String>,
}

/// `KEY=TEXT` of `--title` and `--action-comment`.
fn key_text(option: &str, text: &str) -> Result<(String, String), ErrorView> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(ErrorView {
            code: ErrorCode::InvalidInput,
            message: format!("{option} {text:?}: expected KEY=TEXT"),
        }),
    }
}

/// `aht`, `aht=queue`, `aht=program+control+drivers`.
fn metric_choice(text: &str) -> Result<PackMetricChoice, ErrorView> {
    let mut parts = text.split('+');
    let head = parts.next().unwrap_or_default();
    let (id, dim) = head.split_once('=').unwrap_or((head, "program"));
    let mut choice = PackMetricChoice {
        metric_id: id.trim().to_string(),
        dimension: dim.trim().to_string(),
        control: false,
        drivers: false,
    };
    for view in parts {
        match view.trim() {
            "control" => choice.control = true,
            "drivers" => choice.drivers = true,
            other => {
                return Err(ErrorView {
                    code: ErrorCode::InvalidInput,
                    message: format!(
                        "--metric {text}: unknown view {other:?}; expected control or drivers"
                    ),
                })
            }
        }
    }
    Ok(choice)
}

/// Whether `--template`'s value names a PowerPoint template file rather than a saved template.
fn is_deck_template(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    v.ends_with(".potx") || v.ends_with(".pptx")
}

impl DefinitionArgs {
    /// `--template`'s saved pack template, unless it names a PowerPoint file.
    fn saved_template(&self) -> Option<&str> {
        self.template.as_deref().filter(|t| !is_deck_template(t))
    }

    /// `--template`'s PowerPoint file, if it names one.
    fn deck_template(&self) -> Option<PathBuf> {
        self.template
            .as_deref()
            .filter(|t| is_deck_template(t))
            .map(PathBuf::from)
    }

    fn definition(
        &self,
        workspace: &std::path::Path,
        period: Option<&str>,
    ) -> Result<PackDefinition, ErrorView> {
        let today = crate::now().date_naive();
        let mut def = match self.saved_template() {
            Some(name) => api::pack_template(workspace, name)?.definition,
            None => api::default_pack_definition(workspace, period, today)?,
        };
        if let Some(a) = &self.audience {
            def.audience = a.clone();
        }
        if let Some(p) = &self.paper {
            def.paper = p.clone();
        }
        if let Some(s) = &self.sections {
            def.sections = s.iter().map(|s| s.trim().to_string()).collect();
        }
        if !self.metrics.is_empty() {
            def.metrics = self
                .metrics
                .iter()
                .map(|m| metric_choice(m))
                .collect::<Result<_, _>>()?;
        }
        if let Some(p) = &self.prepared_by {
            def.prepared_by = p.clone();
        }
        if let Some(a) = &self.accent {
            def.accent = a.clone();
        }
        if let Some(l) = &self.logo {
            def.logo = Some(api::read_logo(l)?);
        }
        if let Some(s) = &self.summary {
            def.summary = s.clone();
        }
        if !self.highlights.is_empty() {
            def.highlights = Some(self.highlights.clone());
        }
        for t in &self.titles {
            let (k, v) = key_text("--title", t)?;
            def.titles.insert(k, v);
        }
        for c in &self.action_comments {
            let (k, v) = key_text("--action-comment", c)?;
            def.action_comments.insert(k, v);
        }
        Ok(def)
    }
}

/// `qbr export WORKSPACE …`: a PDF pack or a PowerPoint deck, or a stored snapshot again.
#[derive(Args)]
pub struct ExportArgs {
    workspace: PathBuf,
    /// 2026-Q3, FY27-Q1, …; the latest complete quarter when left out.
    #[arg(long, conflicts_with = "snapshot")]
    period: Option<String>,
    /// Re-export a stored snapshot (see `qbr packs`) byte for byte, as a PDF or as a deck.
    #[arg(long, value_name = "ID")]
    snapshot: Option<i64>,
    /// pdf (the print pack) or pptx (the same pages as a 16:9 PowerPoint deck: native tables
    /// and charts, speaker notes). Without it, the --out file's extension decides (.pptx, else
    /// pdf).
    #[arg(long, value_parser = ["pdf", "pptx"])]
    format: Option<String>,
    /// The file to write (through a temporary file, renamed when complete).
    #[arg(long, value_name = "FILE.pdf|FILE.pptx")]
    out: PathBuf,
    #[command(flatten)]
    definition: DefinitionArgs,
    #[arg(long)]
    json: bool,
}

pub fn export(a: ExportArgs) -> Result<(), ErrorView> {
    let now = crate::now();
    let format = match &a.format {
        Some(f) => api::PackFormat::parse(f)?,
        None if a
            .out
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pptx")) =>
        {
            api::PackFormat::Pptx
        }
        None => api::PackFormat::Pdf,
    };
    let deck_template = match a.definition.deck_template() {
        Some(file) if format == api::PackFormat::Pptx => Some(api::read_deck_template(&file)?),
        Some(file) => {
            return Err(ErrorView {
                code: ErrorCode::InvalidInput,
                message: format!(
                    "--template {}: a PowerPoint template is for --format pptx",
                    file.display()
                ),
            })
        }
        None => None,
    };
    let output = api::PackOutput {
        format,
        deck_template,
    };
    let view = match a.snapshot {
        Some(id) => api::export_snapshot_as(&a.workspace, id, &a.out, &output)?,
        None => {
            let def = a.definition.definition(&a.workspace, a.period.as_deref())?;
            api::export_pack_as(
                &a.workspace,
                a.period.as_deref(),
                &def,
                a.definition.saved_template(),
                &a.out,
                &output,
                now.date_naive(),
                now,
                |_| {},
            )?
        }
    };
    if a.json {
        return print_json(&view);
    }
    print_text(&format!(
        "Wrote {} ({} {}, {} bytes), snapshot {} of {} for the {} audience\nSHA-256 {}\n",
        view.path,
        view.snapshot.pages,
        if view.format == "pptx" {
            "slides"
        } else {
            "pages"
        },
        view.bytes,
        view.snapshot.id,
        view.snapshot.period_label,
        view.snapshot.audience,
        view.sha256
    ))
}

/// `qbr pack-client-metrics WORKSPACE`: which metrics a client pack may show.
#[derive(Args)]
pub struct ClientMetricsArgs {
    workspace: PathBuf,
    /// Choose these metric ids (comma-separated); the client sees exactly these.
    #[arg(long, value_delimiter = ',', conflicts_with = "default")]
    set: Option<Vec<String>>,
    /// Back to the default: every metric with a contract target, plus volumes, service and
    /// customer metrics; never the BPO's financials or attrition.
    #[arg(long)]
    default: bool,
    #[arg(long)]
    json: bool,
}

pub fn client_metrics(a: ClientMetricsArgs, now: chrono::DateTime<Utc>) -> Result<(), ErrorView> {
    let view = if a.default {
        api::set_client_metrics(&a.workspace, None, now)?
    } else if let Some(ids) = a.set {
        let ids = ids
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        api::set_client_metrics(&a.workspace, Some(ids.collect()), now)?
    } else {
        api::client_metrics(&a.workspace)?
    };
    if a.json {
        return print_json(&view);
    }
    print_text(&format!(
        "A client pack shows {} ({}):\n  {}\n",
        if view.metrics.len() == 1 {
            "one metric".to_string()
        } else {
            format!("{} metrics", view.metrics.len())
        },
        if view.chosen {
            "chosen for this workspace"
        } else {
            "the default"
        },
        view.metrics.join(", ")
    ))
}

/// `qbr packs WORKSPACE`: the stored exports.
#[derive(Args)]
pub struct PacksArgs {
    workspace: PathBuf,
    #[arg(long)]
    json: bool,
}

fn changed_words(s: &PackSnapshotView) -> String {
    if s.changed_since.is_empty() {
        "unchanged".into()
    } else {
        format!(
            "changed since: {}",
            s.changed_since.join(", ").replace('_', " ")
        )
    }
}

pub fn packs(a: PacksArgs) -> Result<(), ErrorView> {
    let list = api::list_packs(&a.workspace)?;
    if a.json {
        return print_json(&list);
    }
    if list.is_empty() {
        return print_text("No pack exported yet.\n");
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.created_at.clone(),
                s.period_label.clone(),
                s.audience.clone(),
                s.template_name.clone().unwrap_or_else(|| "–".into()),
                s.file_name.clone(),
                s.pages.to_string(),
                changed_words(s),
            ]
        })
        .collect();
    use crate::format::{table, Align};
    print_text(&table(
        &[
            "id", "exported", "period", "audience", "template", "file", "pages", "since",
        ],
        &[
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Left,
        ],
        &rows,
    ))
}

/// `qbr pack-template WORKSPACE …`: named pack definitions for next quarter.
#[derive(Args)]
pub struct PackTemplateArgs {
    workspace: PathBuf,
    #[command(subcommand)]
    command: PackTemplateCommand,
}

#[derive(Subcommand)]
pub enum PackTemplateCommand {
    /// Save the sections, metric pages, audience, paper and branding under a name (replaces).
    Save {
        name: String,
        #[command(flatten)]
        definition: Box<DefinitionArgs>,
        #[arg(long)]
        json: bool,
    },
    /// List the templates.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a template.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a template.
    Rm { name: String },
}

fn template_text(t: &qbr_api::PackTemplateView) -> String {
    let d = &t.definition;
    let metrics: Vec<String> = d
        .metrics
        .iter()
        .map(|m| format!("{} by {}", m.metric_id, m.dimension))
        .collect();
    format!(
        "{}\n  sections  {}\n  metrics   {}\n  audience  {}, paper {}, accent {}, logo {}\n  prepared by {}\n",
        t.name,
        d.sections.join(", "),
        if metrics.is_empty() { "–".into() } else { metrics.join(", ") },
        d.audience,
        d.paper,
        d.accent,
        d.logo.as_ref().map(|l| l.format.as_str()).unwrap_or("none"),
        if d.prepared_by.is_empty() { "–" } else { &d.prepared_by },
    )
}

pub fn pack_template(a: PackTemplateArgs) -> Result<(), ErrorView> {
    let ws = &a.workspace;
    match a.command {
        PackTemplateCommand::Save {
            name,
            definition,
            json,
        } => {
            let def = definition.definition(ws, None)?;
            let t = api::save_pack_template(ws, &name, &def, Utc::now())?;
            if json {
                print_json(&t)
            } else {
                print_text(&format!("Saved template {}\n", template_text(&t)))
            }
        }
        PackTemplateCommand::List { json } => {
            let list = api::list_pack_templates(ws)?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                return print_text("No pack template saved yet.\n");
            }
            print_text(&list.iter().map(template_text).collect::<String>())
        }
        PackTemplateCommand::Show { name, json } => {
            let t = api::pack_template(ws, &name)?;
            if json {
                print_json(&t)
            } else {
                print_text(&template_text(&t))
            }
        }
        PackTemplateCommand::Rm { name } => {
            api::remove_pack_template(ws, &name)?;
            print_text(&format!("Removed template {name}\n"))
        }
    }
}

/// `qbr scorecard-export WORKSPACE --out FILE.csv|FILE.xlsx`.
#[derive(Args)]
pub struct ScorecardExportArgs {
    workspace: PathBuf,
    #[arg(long)]
    period: Option<String>,
    /// .csv or .xlsx.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn scorecard_export(a: ScorecardExportArgs) -> Result<(), ErrorView> {
    qbr_api::export::export_scorecard(
        &a.workspace,
        a.period.as_deref(),
        &a.out,
        Utc::now().date_naive(),
    )?;
    print_text(&format!("Wrote {}\n", a.out.display()))
}

/// `qbr chart WORKSPACE --metric ID --out FILE.png|FILE.svg`.
#[derive(Args)]
pub struct ChartArgs {
    workspace: PathBuf,
    #[arg(long, value_name = "ID")]
    metric: String,
    #[arg(long)]
    period: Option<String>,
    /// .png or .svg.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn chart(a: ChartArgs) -> Result<(), ErrorView> {
    if a.metric.trim().is_empty() {
        return Err(ErrorView {
            code: ErrorCode::InvalidInput,
            message: "--metric names no metric".into(),
        });
    }
    qbr_api::export::export_chart(
        &a.workspace,
        &a.metric,
        a.period.as_deref(),
        &a.out,
        Utc::now().date_naive(),
    )?;
    print_text(&format!("Wrote {}\n", a.out.display()))
}
