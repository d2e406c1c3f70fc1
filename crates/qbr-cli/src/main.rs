//! `qbr`: every operation of QBR Desk from a terminal or a script. A thin shell over `qbr-api`:
//! it parses arguments, calls one operation, and prints text or `--json`.
//!
//! Exit codes: 0 success, 1 failure (one line on stderr), 2 usage error.

/// The allocator the import was measured with (see the workspace Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Every line the CLI prints goes through [`term`]: imported text may hold terminal control
/// sequences, which are shown escaped and never sent to the terminal. These shadow the standard
/// macros in this crate, so that no line of text output can skip it.
macro_rules! println {
    () => {
        $crate::term::out("\n")
    };
    ($($arg:tt)*) => {
        $crate::term::out(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// See [`println!`].
macro_rules! eprintln {
    ($($arg:tt)*) => {
        $crate::term::err(&format!("{}\n", format_args!($($arg)*)))
    };
}

mod format;
mod log;
mod metrics;
mod term;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand};
use format::thousands;
use qbr_api::{ErrorView, NewWorkspaceRequest, SettingsPatch, SettingsView, WorkspaceInfo};

mod annotate_cmd;
mod diagnose_cmd;
mod import_cmd;
mod pack_cmd;

#[derive(Parser)]
#[command(
    name = "qbr",
    version,
    about = "QBR Desk: quarterly business reviews for contact centers, offline"
)]
struct Cli {
    /// Show what each operation does and how long it takes (imports, exports, upgrades,
    /// recomputes) on stderr; QBR_LOG sets the detail instead (e.g. QBR_LOG=debug).
    #[arg(long, short = 'v', global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new workspace file (one per client account).
    Init {
        /// Path of the new workspace, conventionally ending in .qbr.
        workspace: PathBuf,
        /// The client's name as it appears on the pack.
        #[arg(long, default_value = "New client")]
        client: String,
        /// IANA time zone in which days and quarters are cut.
        #[arg(long, default_value = "UTC")]
        timezone: String,
        /// First month of the fiscal year: 1-12 or a name such as April.
        #[arg(long, default_value = "1")]
        fiscal_year_start: String,
        /// ISO 4217 currency code.
        #[arg(long, default_value = "USD")]
        currency: String,
        /// How dates read, a BCP 47 tag: en-GB, en-US, en-IE, de-DE, fr-FR, nl-NL, es-ES, it-IT,
        /// pt-BR or pl-PL.
        #[arg(long, default_value = "en-GB")]
        locale: String,
        #[arg(long)]
        json: bool,
    },
    /// Show a workspace's settings, data range, row counts and imports.
    Info {
        workspace: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Create the demo workspace (a fictional client, deterministic data) in a folder.
    Demo {
        /// Folder to create northwind-mobile.qbr in (created if missing).
        dir: PathBuf,
        /// Replace an existing demo workspace.
        #[arg(long)]
        force: bool,
        /// The data only, without the account team's causes, actions and notes on 2026-Q3.
        #[arg(long)]
        bare: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show or change a workspace's settings.
    Settings {
        workspace: PathBuf,
        #[arg(long)]
        client: Option<String>,
        #[arg(long)]
        timezone: Option<String>,
        #[arg(long)]
        fiscal_year_start: Option<String>,
        #[arg(long)]
        currency: Option<String>,
        /// How dates read, a BCP 47 tag: en-GB, en-US, en-IE, de-DE, fr-FR, nl-NL, es-ES, it-IT,
        /// pt-BR or pl-PL.
        #[arg(long)]
        locale: Option<String>,
        /// Service threshold for voice, in seconds.
        #[arg(long)]
        voice_threshold: Option<u32>,
        #[arg(long)]
        chat_threshold: Option<u32>,
        #[arg(long)]
        messaging_threshold: Option<u32>,
        #[arg(long)]
        email_threshold: Option<u32>,
        /// Abandons within this many seconds are short abandons.
        #[arg(long)]
        short_abandon: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Import exports (CSV, XLSX, JSON) into a workspace; each file is taken whole or not at all.
    Import(import_cmd::ImportArgs),
    /// List a workspace's imports.
    Imports(import_cmd::ImportsArgs),
    /// Take an import back out of a workspace.
    ImportUndo(import_cmd::ImportUndoArgs),
    /// Show an import and the rows it refused; --csv writes them all to a file.
    ImportReport(import_cmd::ImportReportArgs),
    /// Show how a file would be read: kind, preset, column mapping with confidences, preview.
    Detect(import_cmd::DetectArgs),
    /// List, save or remove which program a queue or campaign belongs to (used by imports).
    ProgramMap(import_cmd::ProgramMapArgs),
    /// List the saved column mappings that imports reuse.
    Mappings(import_cmd::MappingsArgs),
    /// Show a period's scorecard: every metric per group, with targets, status, QoQ and YoY.
    Metrics(metrics::MetricsArgs),
    /// Show metrics by day, week or month over a range, with moving average and trend.
    Series(metrics::SeriesArgs),
    /// List, set, import or remove contract targets.
    Targets(metrics::TargetsArgs),
    /// List, add or remove metric definitions (custom metrics over the base measures).
    MetricDef(metrics::MetricDefArgs),
    /// Show or choose the metric definitions in force (service level, CSAT, FCR, attrition).
    Variants(metrics::VariantsArgs),
    /// Add, list, show, edit, delete or restore root causes (why a metric moved).
    Cause(annotate_cmd::CauseArgs),
    /// Add, list, show, update, note, delete or restore improvement actions, and see their effect.
    Action(annotate_cmd::ActionArgs),
    /// List what needs attention in a period, most important first.
    Attention(diagnose_cmd::AttentionArgs),
    /// Show a metric's control chart (XmR, p or Laney p′) with its limits and named run-rule signals.
    Control(diagnose_cmd::ControlArgs),
    /// Split a metric's change between two periods into rate and mix parts by a dimension.
    Drivers(diagnose_cmd::DriversArgs),
    /// Correlate two metrics over the weeks of a period or over a dimension's members.
    Correlate(diagnose_cmd::CorrelateArgs),
    /// Erlang C staffing from a period's actual volumes and AHT.
    Staffing(diagnose_cmd::StaffingArgs),
    /// Export the QBR pack as PDF (and store its snapshot), or re-export a stored snapshot.
    Export(pack_cmd::ExportArgs),
    /// List the exported packs and what changed since each.
    Packs(pack_cmd::PacksArgs),
    /// Save, list, show or remove named pack templates.
    PackTemplate(pack_cmd::PackTemplateArgs),
    /// Show or choose which metrics a client pack may show (a workspace setting).
    PackClientMetrics(pack_cmd::ClientMetricsArgs),
    /// Write a period's scorecard as CSV or XLSX.
    ScorecardExport(pack_cmd::ScorecardExportArgs),
    /// Write a metric's trend chart as PNG or SVG.
    Chart(pack_cmd::ChartArgs),
}

fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let log_dir = log::folder();
    qbr_api::crash::install(log_dir, "qbr", env!("CARGO_PKG_VERSION"), |report| {
        eprintln!(
            "qbr: stopped on an internal error (a fault in QBR Desk, not in your data). A report without client data was written to {}; please send it to support.",
            report.display()
        );
    });
    qbr_api::crash::set_operation(matches.subcommand_name().unwrap_or("none"));
    log::to_terminal(cli.verbose);
    qbr_api::crash::panic_if_asked();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qbr: {}", e.message.replace('\n', " "));
            ExitCode::from(1)
        }
    }
}

/// The current time, or the RFC 3339 instant in `QBR_NOW` when it is set: tests (the kill harness)
/// pin the clock so that a run's result is the same file every time.
pub(crate) fn now() -> chrono::DateTime<Utc> {
    std::env::var("QBR_NOW")
        .ok()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}

fn run(command: Command) -> Result<(), ErrorView> {
    let now = now();
    match command {
        Command::Import(args) => import_cmd::import(args, now),
        Command::Imports(args) => import_cmd::imports(args),
        Command::ImportUndo(args) => import_cmd::undo(args, now),
        Command::ImportReport(args) => import_cmd::report(args),
        Command::Detect(args) => import_cmd::detect(args),
        Command::ProgramMap(args) => import_cmd::program_map(args),
        Command::Mappings(args) => import_cmd::mappings(args),
        Command::Init {
            workspace,
            client,
            timezone,
            fiscal_year_start,
            currency,
            locale,
            json,
        } => {
            let month = qbr_api::parse_month_arg(&fiscal_year_start)?;
            let req = NewWorkspaceRequest {
                client_name: client,
                timezone,
                fiscal_year_start_month: month,
                currency,
                locale: Some(locale),
            };
            let info = qbr_api::create_workspace(&workspace, &req, now)?;
            if json {
                print_json(&info)
            } else {
                println!("Created {} for {}", info.path, info.settings.client_name);
                Ok(())
            }
        }
        Command::Info { workspace, json } => {
            let info = qbr_api::workspace_info(&workspace)?;
            if json {
                print_json(&info)
            } else {
                print_info(&info);
                Ok(())
            }
        }
        Command::Demo {
            dir,
            force,
            bare,
            json,
        } => {
            let path = qbr_api::create_demo_with(&dir, force, !bare, now)?;
            let info = qbr_api::workspace_info(&path)?;
            if json {
                print_json(&info)
            } else {
                println!("Created demo workspace {}", info.path);
                Ok(())
            }
        }
        Command::Settings {
            workspace,
            client,
            timezone,
            fiscal_year_start,
            currency,
            locale,
            voice_threshold,
            chat_threshold,
            messaging_threshold,
            email_threshold,
            short_abandon,
            json,
        } => {
            let patch = SettingsPatch {
                client_name: client,
                timezone,
                fiscal_year_start_month: fiscal_year_start,
                currency,
                locale,
                voice_threshold_s: voice_threshold,
                chat_threshold_s: chat_threshold,
                messaging_threshold_s: messaging_threshold,
                email_threshold_s: email_threshold,
                short_abandon_s: short_abandon,
            };
            if patch == SettingsPatch::default() {
                let settings = qbr_api::workspace_info(&workspace)?.settings;
                return if json {
                    print_json(&settings)
                } else {
                    print_settings(&settings);
                    Ok(())
                };
            }
            let terminal = std::io::stderr().is_terminal() && !json;
            let saved = qbr_api::update_settings_with(&workspace, &patch, now, &mut |p| {
                if terminal && p.total > 0 {
                    eprint!("\rRecomputing {} of {} days…", p.done, p.total);
                }
                true
            })?;
            if terminal && saved.days_recomputed > 0 {
                eprintln!("");
            }
            if json {
                print_json(&saved)
            } else {
                print_settings(&saved.settings);
                if let Some(m) = &saved.message {
                    println!("{m}");
                }
                Ok(())
            }
        }
        Command::Metrics(args) => metrics::metrics(args),
        Command::Series(args) => metrics::series(args),
        Command::Targets(args) => metrics::targets(args),
        Command::MetricDef(args) => metrics::metric_def(args),
        Command::Variants(args) => metrics::variants(args),
        Command::Cause(args) => annotate_cmd::cause(args),
        Command::Action(args) => annotate_cmd::action(args),
        Command::Attention(args) => diagnose_cmd::attention(args),
        Command::Control(args) => diagnose_cmd::control(args),
        Command::Drivers(args) => diagnose_cmd::drivers(args),
        Command::Correlate(args) => diagnose_cmd::correlate(args),
        Command::Staffing(args) => diagnose_cmd::staffing(args),
        Command::Export(args) => pack_cmd::export(args),
        Command::Packs(args) => pack_cmd::packs(args),
        Command::PackTemplate(args) => pack_cmd::pack_template(args),
        Command::PackClientMetrics(args) => pack_cmd::client_metrics(args, now),
        Command::ScorecardExport(args) => pack_cmd::scorecard_export(args),
        Command::Chart(args) => pack_cmd::chart(args),
    }
}

/// Prints text, control characters escaped ([`term::clean`]); a closed pipe
/// (`qbr metrics ws | head`) is not a failure worth a message.
fn print_text(text: &str) -> Result<(), ErrorView> {
    term::out(text);
    Ok(())
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), ErrorView> {
    let text = serde_json::to_string_pretty(value).map_err(|e| ErrorView {
        code: qbr_api::ErrorCode::Internal,
        message: e.to_string(),
    })?;
    let mut out = std::io::stdout().lock();
    // A closed pipe (`qbr info --json | head`) is not a failure worth a message.
    let _ = writeln!(out, "{text}");
    Ok(())
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn print_settings(s: &SettingsView) {
    let month = MONTHS[(s.fiscal_year_start_month.clamp(1, 12) - 1) as usize];
    println!("Client          {}", s.client_name);
    println!("Time zone       {}", s.timezone);
    println!("Fiscal year     starts in {month}");
    println!("Currency        {}", s.currency);
    println!(
        "Dates           {} ({})",
        s.locale,
        qbr_format::date_long("2026-07-27", &s.locale)
    );
    println!(
        "Thresholds      voice {} s, chat {} s, messaging {} s, email {} s; short abandon {} s",
        s.thresholds.voice_s,
        s.thresholds.chat_s,
        s.thresholds.messaging_s,
        s.thresholds.email_s,
        s.short_abandon_s
    );
}

fn print_info(info: &WorkspaceInfo) {
    println!("{} (format {})", info.path, info.format_version);
    print_settings(&info.settings);
    match &info.data_range {
        Some(r) => println!(
            "Data            {} to {}",
            qbr_format::date_long(&r.first_day, &info.settings.locale),
            qbr_format::date_long(&r.last_day, &info.settings.locale)
        ),
        None => println!("Data            none yet; import the quarter's exports to begin"),
    }
    let c = &info.counts;
    println!(
        "Rows            {} fact rows, {} interactions, {} contacts offered",
        thousands(c.fact_rows),
        thousands(c.interactions),
        thousands(info.contacts_offered)
    );
    println!(
        "Dimensions      {} programs, {} queues, {} sites, {} agents",
        c.programs, c.queues, c.sites, c.agents
    );
    println!(
        "Annotations     {} targets, {} root causes, {} actions",
        c.targets, c.root_causes, c.actions
    );
    if info.imports.is_empty() {
        println!("Imports         none");
    } else {
        println!("Imports");
        for b in &info.imports {
            let period = match (&b.first_day, &b.last_day) {
                (Some(a), Some(z)) => format!("{a} to {z}"),
                _ => "no dated rows".into(),
            };
            println!(
                "  #{:<4} {:<12} {:<32} {:>10} rows  {}  {}{}",
                b.id,
                b.kind,
                b.file_name,
                thousands(b.rows_taken),
                period,
                b.imported_at,
                if b.undone { "  (undone)" } else { "" }
            );
        }
    }
}
