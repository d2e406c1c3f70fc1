//! The metric commands — `metrics`, `series`, `targets` and `metric-def` — as thin adapters: each
//! turns its arguments into one `qbr_api::metrics` call and prints the result as text or `--json`.
//! Arguments are passed on as typed; the API parses and refuses them, so the app and the CLI
//! accept exactly the same input.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Subcommand};
use qbr_api::metrics::{self as api, MetricDefInput, MetricsQuery, SeriesQuery, TargetInput};
use qbr_api::{ErrorCode, ErrorView};

use crate::format;
use crate::{print_json, print_text};

/// `qbr metrics WORKSPACE …`: the scorecard of one period.
#[derive(Args)]
pub struct MetricsArgs {
    /// The workspace file.
    workspace: PathBuf,
    /// 2026-Q3, FY27-Q1, 2026-08, 2026-W31, 2026 or 2026-07-01..2026-09-30; the latest complete
    /// quarter when left out.
    #[arg(long)]
    period: Option<String>,
    /// Group by a dimension: program, queue, channel, site, team or agent (repeatable).
    #[arg(long, value_name = "DIM")]
    by: Vec<String>,
    /// Keep only one member of a dimension, e.g. program=Billing (repeatable).
    #[arg(long = "filter", value_name = "DIM=VALUE")]
    filters: Vec<String>,
    /// Show only this metric, e.g. service_level (repeatable); all metrics when left out.
    #[arg(long = "metric", value_name = "ID")]
    metrics: Vec<String>,
    #[arg(long)]
    json: bool,
}

/// `qbr series WORKSPACE …`: metrics by day, week or month over a range.
#[derive(Args)]
pub struct SeriesArgs {
    /// The workspace file.
    workspace: PathBuf,
    /// A metric id (repeatable).
    #[arg(long = "metric", value_name = "ID", required = true)]
    metrics: Vec<String>,
    #[arg(long, value_parser = ["day", "week", "month"])]
    grain: String,
    /// First day, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    from: String,
    /// Last day, YYYY-MM-DD, inclusive.
    #[arg(long, value_name = "DATE")]
    to: String,
    /// One line per member of this dimension.
    #[arg(long, value_name = "DIM")]
    by: Option<String>,
    #[arg(long = "filter", value_name = "DIM=VALUE")]
    filters: Vec<String>,
    /// Add a moving average over this many buckets (ratio of sums, not a mean of values).
    #[arg(long, value_name = "N")]
    moving_average: Option<usize>,
    #[arg(long)]
    json: bool,
}

/// `qbr targets WORKSPACE …`: contract targets.
#[derive(Args)]
pub struct TargetsArgs {
    /// The workspace file.
    workspace: PathBuf,
    #[command(subcommand)]
    action: TargetsAction,
}

#[derive(Subcommand)]
enum TargetsAction {
    /// List every target with its scope and effective dates.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a target.
    Set(SetTargetArgs),
    /// Add every target of a CSV file, or none if a row is refused.
    Import {
        /// Columns: metric,scope_dimension,scope_value,direction,value,value_high,tolerance,
        /// effective_from,effective_to.
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Remove a target by its id (see `list`).
    Rm { id: i64 },
}

#[derive(Args)]
#[command(group(ArgGroup::new("bound").required(true).args(["at_least", "at_most", "band"])))]
struct SetTargetArgs {
    #[arg(long, value_name = "ID")]
    metric: String,
    /// Met when the value is at least V (ratios as fractions: 0.8 for 80%).
    #[arg(long, value_name = "V", allow_negative_numbers = true)]
    at_least: Option<f64>,
    /// Met when the value is at most V.
    #[arg(long, value_name = "V", allow_negative_numbers = true)]
    at_most: Option<f64>,
    /// Met when the value lies from LOW to HIGH.
    #[arg(long, num_args = 2, value_names = ["LOW", "HIGH"], allow_negative_numbers = true)]
    band: Option<Vec<f64>>,
    /// Where it applies, e.g. program=Billing; the whole account when left out.
    #[arg(long, value_name = "DIM=VALUE")]
    scope: Option<String>,
    /// Amber tolerance as a fraction of the target (default 0.05).
    #[arg(long, value_name = "F")]
    tolerance: Option<f64>,
    /// First day in force, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    from: String,
    /// Last day in force; open-ended when left out.
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    #[arg(long)]
    json: bool,
}

/// `qbr metric-def WORKSPACE …`: the metric catalog and custom metrics.
#[derive(Args)]
pub struct MetricDefArgs {
    /// The workspace file.
    workspace: PathBuf,
    #[command(subcommand)]
    action: MetricDefAction,
}

#[derive(Subcommand)]
enum MetricDefAction {
    /// List built-in and custom metrics with the formulas in force.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Define a custom metric over the base measures.
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// A formula over base measures, e.g. "transferred / handled".
        #[arg(long)]
        formula: String,
        /// count, ratio, seconds, score, scale_1_7, points or money.
        #[arg(long)]
        unit: String,
        /// Which way is better: higher, lower, band or none.
        #[arg(long)]
        direction: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a custom metric.
    Rm { id: String },
}

pub fn metrics(a: MetricsArgs) -> Result<(), ErrorView> {
    let query = MetricsQuery {
        period: a.period,
        by: a.by,
        filters: a.filters,
        metrics: a.metrics,
    };
    let report = api::metrics_report(&a.workspace, &query, crate::now().date_naive())?;
    if a.json {
        print_json(&report)
    } else {
        let locale = qbr_api::workspace_info(&a.workspace)?.settings.locale;
        print_text(&format::metrics_report(&report, &locale))
    }
}

pub fn series(a: SeriesArgs) -> Result<(), ErrorView> {
    let query = SeriesQuery {
        metrics: a.metrics,
        grain: a.grain,
        from: a.from,
        to: a.to,
        by: a.by,
        filters: a.filters,
        moving_average: a.moving_average,
    };
    let report = api::series_report(&a.workspace, &query)?;
    if a.json {
        print_json(&report)
    } else {
        let locale = qbr_api::workspace_info(&a.workspace)?.settings.locale;
        print_text(&format::series_report(&report, &locale))
    }
}

pub fn targets(a: TargetsArgs) -> Result<(), ErrorView> {
    let ws = &a.workspace;
    let now = crate::now();
    match a.action {
        TargetsAction::List { json } => {
            let list = api::list_targets(ws)?;
            if json {
                return print_json(&list);
            }
            let (defs, currency) = display_context(ws)?;
            print_text(&format::targets(&list, &defs, &currency))
        }
        TargetsAction::Set(s) => {
            let (direction, value, value_high) = if let Some(v) = s.at_least {
                ("at_least", v, None)
            } else if let Some(v) = s.at_most {
                ("at_most", v, None)
            } else if let Some(&[low, high]) = s.band.as_deref() {
                ("band", low, Some(high))
            } else {
                // clap already requires one of them; this keeps the message if that ever changes.
                return Err(ErrorView {
                    code: ErrorCode::InvalidInput,
                    message: "give one of --at-least V, --at-most V or --band LOW HIGH".into(),
                });
            };
            let input = TargetInput {
                metric_id: s.metric,
                scope: s.scope,
                direction: direction.into(),
                value,
                value_high,
                tolerance: s.tolerance,
                effective_from: s.from,
                effective_to: s.to,
            };
            let stored = api::add_target(ws, &input, now)?;
            if s.json {
                return print_json(&stored);
            }
            let (defs, currency) = display_context(ws)?;
            print_text(&format!(
                "{}\n",
                format::target_sentence(&stored, &defs, &currency)
            ))
        }
        TargetsAction::Import { file, json } => {
            let added = api::import_targets_file(ws, &file, now)?;
            if json {
                return print_json(&added);
            }
            let (defs, currency) = display_context(ws)?;
            print_text(&format!(
                "Imported {} target{} from {}\n{}",
                added.len(),
                if added.len() == 1 { "" } else { "s" },
                file.display(),
                if added.is_empty() {
                    String::new()
                } else {
                    format::targets(&added, &defs, &currency)
                }
            ))
        }
        TargetsAction::Rm { id } => {
            api::remove_target(ws, id)?;
            print_text(&format!("Removed target {id}\n"))
        }
    }
}

pub fn metric_def(a: MetricDefArgs) -> Result<(), ErrorView> {
    let ws = &a.workspace;
    match a.action {
        MetricDefAction::List { json } => {
            let defs = api::metric_definitions(ws)?;
            if json {
                print_json(&defs)
            } else {
                print_text(&format::metric_definitions(&defs))
            }
        }
        MetricDefAction::Add {
            id,
            name,
            formula,
            unit,
            direction,
            json,
        } => {
            let input = MetricDefInput {
                id,
                name,
                formula,
                unit,
                direction,
            };
            let def = api::add_metric_def(ws, &input, crate::now())?;
            if json {
                print_json(&def)
            } else {
                print_text(&format!(
                    "Added metric {} ({}): {}\n",
                    def.id, def.name, def.formula
                ))
            }
        }
        MetricDefAction::Rm { id } => {
            api::remove_metric_def(ws, &id)?;
            print_text(&format!("Removed metric {id}\n"))
        }
    }
}

/// What printing a target in its unit needs: the definitions in force and the currency.
fn display_context(
    ws: &std::path::Path,
) -> Result<(Vec<qbr_api::MetricDefinitionView>, String), ErrorView> {
    let defs = api::metric_definitions(ws)?;
    let currency = qbr_api::workspace_info(ws)?.settings.currency;
    Ok((defs, currency))
}

/// `qbr variants WORKSPACE [--service-level V] [--csat V] [--fcr V] [--fcr-days N] [--attrition V]`.
#[derive(Args)]
pub struct VariantsArgs {
    /// The workspace file.
    workspace: PathBuf,
    /// short_abandons_excluded, abandons_ignored, abandons_count_against,
    /// abandons_in_threshold_excluded or abandons_in_threshold_met.
    #[arg(long)]
    service_level: Option<String>,
    /// top_two_box or mean_rating.
    #[arg(long)]
    csat: Option<String>,
    /// reported or repeat_contacts.
    #[arg(long)]
    fcr: Option<String>,
    /// The repeat-contact window in days, for --fcr repeat_contacts.
    #[arg(long)]
    fcr_days: Option<u32>,
    /// annualised or period.
    #[arg(long)]
    attrition: Option<String>,
    #[arg(long)]
    json: bool,
}

/// Shows or changes the metric definitions in force; a change is recorded with its date.
pub fn variants(a: VariantsArgs) -> Result<(), ErrorView> {
    let patch = qbr_api::VariantsPatch {
        service_level: a.service_level,
        csat: a.csat,
        fcr: a.fcr,
        fcr_repeat_days: a.fcr_days,
        attrition: a.attrition,
    };
    let v = if patch == qbr_api::VariantsPatch::default() {
        api::variants(&a.workspace)?
    } else {
        api::set_variants(&a.workspace, &patch, crate::now())?
    };
    if a.json {
        return print_json(&v);
    }
    let describe = |options: &[qbr_api::VariantOptionView], id: &str| {
        options
            .iter()
            .find(|o| o.id == id)
            .map_or(id.to_string(), |o| format!("{id} ({})", o.description))
    };
    let fcr = match v.fcr_repeat_days {
        Some(days) if v.fcr == "repeat_contacts" => {
            format!("{}, {days}-day window", describe(&v.fcr_options, &v.fcr))
        }
        _ => describe(&v.fcr_options, &v.fcr),
    };
    print_text(&format!(
        "Service level   {}\nCSAT            {}\nFCR             {}\nAttrition       {}\n",
        describe(&v.service_level_options, &v.service_level),
        describe(&v.csat_options, &v.csat),
        fcr,
        describe(&v.attrition_options, &v.attrition),
    ))
}
