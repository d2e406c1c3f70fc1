//! The operations QBR Desk offers, shared by the `qbr` CLI and the desktop app: each takes plain
//! inputs (paths chosen by the user, requests, the current time) and returns a wire type or an
//! [`ErrorView`]. Shells only parse arguments, pick files and print; no logic lives in them.

pub mod annotate;
mod args;
pub mod crash;
pub mod diagnose;
pub mod export;
pub mod import;
pub mod metrics;
pub mod pack;
pub mod text;
mod views;
pub mod wire;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use qbr_core::settings::{parse_currency, parse_locale, parse_month, parse_timezone};
use qbr_core::store::Overview;
use qbr_core::{demo, Channel, Error, Settings, Workspace};

/// The one way files are written whole, for the shells too (the app's recent list).
pub use qbr_core::atomic;
pub use qbr_core::store::StopCheck;
pub use wire::*;

pub type ApiResult<T> = Result<T, ErrorView>;

impl From<Error> for ErrorView {
    fn from(e: Error) -> Self {
        let code = match &e {
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            Error::NotAWorkspace { .. } | Error::Corrupt(_) => ErrorCode::NotAWorkspace,
            Error::NewerVersion { .. } => ErrorCode::NewerVersion,
            Error::Busy { .. } => ErrorCode::Busy,
            Error::ReadOnly { .. } => ErrorCode::ReadOnly,
            Error::InvalidSetting { .. } => ErrorCode::InvalidInput,
            Error::Cancelled(_) => ErrorCode::Cancelled,
            Error::Io { .. } | Error::Sqlite(_) | Error::UpgradeFailed { .. } => {
                ErrorCode::Internal
            }
        };
        ErrorView {
            code,
            message: e.to_string(),
        }
    }
}

impl std::fmt::Display for ErrorView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ErrorView {}

/// Creates a workspace at `path` (which must not exist) from the few things a user is asked.
pub fn create_workspace(
    path: &Path,
    req: &NewWorkspaceRequest,
    now: DateTime<Utc>,
) -> ApiResult<WorkspaceInfo> {
    let settings = Settings {
        client_name: req.client_name.trim().to_string(),
        timezone: parse_timezone(&req.timezone)?,
        fiscal_year_start_month: req.fiscal_year_start_month,
        currency: parse_currency(&req.currency)?,
        locale: match &req.locale {
            Some(l) => parse_locale(l)?,
            None => qbr_format::DEFAULT_LOCALE.to_string(),
        },
        ..Settings::default()
    };
    let ws = Workspace::create(path, &settings, now)?;
    info_of(&ws)
}

/// Opens a workspace and describes it.
pub fn workspace_info(path: &Path) -> ApiResult<WorkspaceInfo> {
    info_of(&Workspace::open(path)?)
}

/// The app's overview page for a workspace: its facts and contacts offered month by month.
pub fn workspace_page(path: &Path) -> ApiResult<WorkspacePage> {
    let ws = Workspace::open(path)?;
    let overview = ws.overview()?;
    let volume_svg = monthly_volume_svg(&overview.daily_offered, &ws.settings()?.locale)?;
    Ok(WorkspacePage {
        info: to_info(&ws, overview)?,
        volume_svg,
        remembered_period: None,
    })
}

/// Contacts offered per calendar month as a chart with axes; a month the data cover only in part
/// (the first and last, usually) is drawn hollow and named in the legend, so a short month does
/// not read as a fall. Empty when there are no days.
fn monthly_volume_svg(daily: &[(String, u64)], locale: &str) -> ApiResult<String> {
    let months = monthly_totals(daily, locale);
    if months.is_empty() {
        return Ok(String::new());
    }
    let chart = qbr_render::chart::TrendChart {
        spans: Vec::new(),
        locale: String::new(),
        title: String::new(),
        unit: qbr_render::chart::UnitKind::Count,
        buckets: months.iter().map(|m| m.label.clone()).collect(),
        series: vec![qbr_render::chart::TrendSeries {
            name: "Contacts offered".into(),
            values: months.iter().map(|m| Some(m.total)).collect(),
            moving_average: None,
        }],
        target: None,
        markers: Vec::new(),
        windows: Vec::new(),
        control: None,
        partial: months
            .iter()
            .enumerate()
            .filter(|(_, m)| m.partial)
            .map(|(i, _)| i)
            .collect(),
        width: 900,
        height: 240,
        currency: String::new(),
        target_steps: Vec::new(),
        numbered_markers: false,
    };
    qbr_render::chart::trend_svg(&chart).map_err(|e| ErrorView {
        code: ErrorCode::Internal,
        message: e.to_string(),
    })
}

/// One calendar month of daily counts.
#[derive(Debug, Clone, PartialEq)]
struct MonthTotal {
    /// `Jul 2026`, in the workspace's locale.
    label: String,
    total: f64,
    /// The days hold data for only part of the month (cut by the data's first or last day).
    partial: bool,
}

/// Sums daily counts into calendar months (days are already the workspace's local days). The
/// first month is partial when the data start after its first day, the last when they end before
/// its last day. Days that do not parse are skipped (the store only writes `YYYY-MM-DD`).
fn monthly_totals(daily: &[(String, u64)], locale: &str) -> Vec<MonthTotal> {
    use chrono::{Datelike, NaiveDate};
    let dates: Vec<(NaiveDate, u64)> = daily
        .iter()
        .filter_map(|(d, n)| Some((NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?, *n)))
        .collect();
    let (Some(first), Some(last)) = (
        dates.iter().map(|d| d.0).min(),
        dates.iter().map(|d| d.0).max(),
    ) else {
        return Vec::new();
    };
    let mut out: Vec<((i32, u32), MonthTotal)> = Vec::new();
    for (date, n) in &dates {
        let key = (date.year(), date.month());
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, m)) => m.total += *n as f64,
            None => out.push((
                key,
                MonthTotal {
                    label: qbr_format::month_year(&date.to_string(), locale),
                    total: *n as f64,
                    partial: false,
                },
            )),
        }
    }
    out.sort_by_key(|(k, _)| *k);
    let next_month_first = |d: NaiveDate| {
        let (y, m) = if d.month() == 12 {
            (d.year() + 1, 1)
        } else {
            (d.year(), d.month() + 1)
        };
        NaiveDate::from_ymd_opt(y, m, 1).expect("a first of the month")
    };
    if let Some((_, m)) = out.first_mut() {
        m.partial |= first.day() != 1;
    }
    if let Some((_, m)) = out.last_mut() {
        m.partial |= last.succ_opt() != Some(next_month_first(last));
    }
    out.into_iter().map(|(_, m)| m).collect()
}

/// Creates the demo workspace in `dir` and returns its path. An existing demo file is kept unless
/// `replace` is set; a new one is built beside it and renamed into place, so it is never half made.
/// It holds the account team's causes and actions on 2026-Q3 (see [`create_demo_with`]).
pub fn create_demo(dir: &Path, replace: bool, now: DateTime<Utc>) -> ApiResult<PathBuf> {
    create_demo_with(dir, replace, true, now)
}

/// [`create_demo`], with the account team's causes and actions (`story`) or the data alone.
pub fn create_demo_with(
    dir: &Path,
    replace: bool,
    story: bool,
    now: DateTime<Utc>,
) -> ApiResult<PathBuf> {
    if !dir.is_dir() {
        std::fs::create_dir_all(dir).map_err(|e| ErrorView {
            code: ErrorCode::ReadOnly,
            message: format!("cannot create the folder {}: {e}", dir.display()),
        })?;
    }
    let target = dir.join(demo::FILE_NAME);
    if target.exists() && !replace {
        return Err(Error::AlreadyExists { path: target }.into());
    }
    let existing = if replace {
        qbr_core::atomic::Existing::Replace
    } else {
        qbr_core::atomic::Existing::Keep
    };
    let build = |tmp: &Path| -> ApiResult<()> {
        // `Workspace::create` makes its file itself (atomically, from a name that does not
        // exist yet): the empty placeholder goes, and the finished workspace takes its name.
        std::fs::remove_file(tmp).map_err(|e| cannot_write(&target, e))?;
        let spec = demo::DemoSpec {
            story,
            ..demo::DemoSpec::default()
        };
        let made = demo::create(tmp, &spec, now).map(drop);
        if made.is_err() {
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
            }
        }
        made?;
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
        }
        Ok(())
    };
    qbr_core::atomic::build(&target, existing, build, |e| cannot_write(&target, e))?;
    Ok(target)
}

fn cannot_write(target: &Path, e: std::io::Error) -> ErrorView {
    match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::AlreadyExists {
            path: target.to_path_buf(),
        }
        .into(),
        _ => ErrorView {
            code: ErrorCode::ReadOnly,
            message: format!("cannot write the demo to {}: {e}", target.display()),
        },
    }
}

/// Applies `patch` to the workspace's settings and returns the result.
pub fn update_settings(
    path: &Path,
    patch: &SettingsPatch,
    now: DateTime<Utc>,
) -> ApiResult<SettingsSaved> {
    update_settings_with(path, patch, now, &mut |_| true)
}

/// [`update_settings`], reporting the recompute a threshold change sets off; `progress`
/// returns false to cancel it, which leaves settings and figures as they were.
pub fn update_settings_with(
    path: &Path,
    patch: &SettingsPatch,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(RecomputeProgressView) -> bool,
) -> ApiResult<SettingsSaved> {
    let mut ws = Workspace::open(path)?;
    let mut s = ws.settings()?;
    if let Some(name) = &patch.client_name {
        s.client_name = name.trim().to_string();
    }
    if let Some(tz) = &patch.timezone {
        s.timezone = parse_timezone(tz)?;
    }
    if let Some(m) = &patch.fiscal_year_start_month {
        s.fiscal_year_start_month = parse_month(m)?;
    }
    if let Some(c) = &patch.currency {
        s.currency = parse_currency(c)?;
    }
    if let Some(l) = &patch.locale {
        s.locale = parse_locale(l)?;
    }
    for (channel, value) in [
        (Channel::Voice, patch.voice_threshold_s),
        (Channel::Chat, patch.chat_threshold_s),
        (Channel::Messaging, patch.messaging_threshold_s),
        (Channel::Email, patch.email_threshold_s),
    ] {
        if let Some(v) = value {
            s.thresholds.set(channel, v);
        }
    }
    if let Some(v) = patch.short_abandon_s {
        s.short_abandon_s = v;
    }
    let changed = ws.change_settings(&s, now, &mut |done, total| {
        progress(RecomputeProgressView {
            done: done as u64,
            total: total as u64,
        })
    })?;
    let message = (changed.days_recomputed > 0).then(|| {
        let mut m = format!(
            "Recomputed {} day(s) of imported contacts under the new thresholds.",
            changed.days_recomputed
        );
        if !changed.kept_by_source.is_empty() {
            m.push_str(&format!(
                " Interval files keep the threshold their source counted at and cannot be \
                 recomputed: {}; their service levels say so.",
                changed.kept_by_source.join(", ")
            ));
        }
        m
    });
    Ok(SettingsSaved {
        settings: settings_view(&ws.settings()?),
        days_recomputed: changed.days_recomputed as u64,
        kept_by_source: changed.kept_by_source,
        message,
    })
}

/// The app's settings page: settings, metric definitions in force, and contract targets.
pub fn settings_page(path: &Path) -> ApiResult<SettingsPage> {
    Ok(SettingsPage {
        settings: workspace_info(path)?.settings,
        variants: metrics::variants(path)?,
        targets: metrics::list_targets(path)?,
        definitions: metrics::metric_definitions(path)?,
        program_aliases: import::list_program_aliases(path)?,
        members: scope_members(path)?,
        timezones: timezones(),
        currencies: currencies(),
        locales: locales(),
    })
}

/// The dimensions a target or a cause can be scoped to, each with its members (agents are left
/// out: a contract target names a program, queue, channel, site or team).
const SCOPE_DIMENSIONS: [qbr_core::Dimension; 5] = [
    qbr_core::Dimension::Program,
    qbr_core::Dimension::Queue,
    qbr_core::Dimension::Channel,
    qbr_core::Dimension::Site,
    qbr_core::Dimension::Team,
];

/// At most this many members per dimension are offered by a picker.
const MAX_PICKER_MEMBERS: usize = 2_000;

fn scope_members(path: &Path) -> ApiResult<BTreeMap<String, Vec<String>>> {
    let ws = Workspace::open(path)?;
    let mut out = BTreeMap::new();
    for d in SCOPE_DIMENSIONS {
        out.insert(d.as_str().to_string(), ws.members(d, MAX_PICKER_MEMBERS)?);
    }
    Ok(out)
}

/// The currencies pickers offer: ISO 4217 codes with their English names, the most used first
/// in contact-center contracts, then by code. Any other three-letter code can still be typed.
pub fn currencies() -> Vec<CurrencyView> {
    const LIST: [(&str, &str); 40] = [
        ("USD", "US dollar"),
        ("EUR", "Euro"),
        ("GBP", "Pound sterling"),
        ("AED", "UAE dirham"),
        ("ARS", "Argentine peso"),
        ("AUD", "Australian dollar"),
        ("BRL", "Brazilian real"),
        ("CAD", "Canadian dollar"),
        ("CHF", "Swiss franc"),
        ("CLP", "Chilean peso"),
        ("CNY", "Chinese yuan"),
        ("COP", "Colombian peso"),
        ("CZK", "Czech koruna"),
        ("DKK", "Danish krone"),
        ("EGP", "Egyptian pound"),
        ("HKD", "Hong Kong dollar"),
        ("HUF", "Hungarian forint"),
        ("IDR", "Indonesian rupiah"),
        ("ILS", "Israeli new shekel"),
        ("INR", "Indian rupee"),
        ("JPY", "Japanese yen"),
        ("KES", "Kenyan shilling"),
        ("KRW", "South Korean won"),
        ("MAD", "Moroccan dirham"),
        ("MXN", "Mexican peso"),
        ("MYR", "Malaysian ringgit"),
        ("NOK", "Norwegian krone"),
        ("NZD", "New Zealand dollar"),
        ("PEN", "Peruvian sol"),
        ("PHP", "Philippine peso"),
        ("PLN", "Polish złoty"),
        ("RON", "Romanian leu"),
        ("SAR", "Saudi riyal"),
        ("SEK", "Swedish krona"),
        ("SGD", "Singapore dollar"),
        ("THB", "Thai baht"),
        ("TRY", "Turkish lira"),
        ("TWD", "New Taiwan dollar"),
        ("VND", "Vietnamese dong"),
        ("ZAR", "South African rand"),
    ];
    LIST.iter()
        .map(|(code, name)| CurrencyView {
            code: (*code).into(),
            name: (*name).into(),
        })
        .collect()
}

/// Parses a fiscal-year start month typed by a user (a number or a month name).
pub fn parse_month_arg(text: &str) -> ApiResult<u32> {
    Ok(parse_month(text)?)
}

/// The supported locales, the default first, each with 27 July 2026 as it writes it.
pub fn locales() -> Vec<LocaleView> {
    qbr_format::LOCALES
        .iter()
        .map(|l| LocaleView {
            tag: l.tag.into(),
            name: l.name.into(),
            example: qbr_format::date_long("2026-07-27", l.tag),
        })
        .collect()
}

/// Every IANA zone name, sorted, for pickers.
pub fn timezones() -> Vec<String> {
    let mut names: Vec<String> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name().to_string())
        .collect();
    names.sort();
    names
}

fn info_of(ws: &Workspace) -> ApiResult<WorkspaceInfo> {
    to_info(ws, ws.overview()?)
}

fn to_info(ws: &Workspace, o: Overview) -> ApiResult<WorkspaceInfo> {
    Ok(WorkspaceInfo {
        path: ws.path().display().to_string(),
        format_version: o.format_version,
        settings: settings_view(&ws.settings()?),
        data_range: o.data_range.map(|r| DataRangeView {
            first_day: r.first_day,
            last_day: r.last_day,
        }),
        contacts_offered: o.daily_offered.iter().map(|(_, n)| n).sum(),
        counts: CountsView {
            interactions: o.counts.interactions,
            fact_rows: o.counts.facts,
            programs: o.counts.programs,
            queues: o.counts.queues,
            sites: o.counts.sites,
            agents: o.counts.agents,
            targets: o.counts.targets,
            root_causes: o.counts.root_causes,
            actions: o.counts.actions,
            imports: o.counts.imports,
        },
        imports: o
            .imports
            .into_iter()
            .map(|b| ImportView {
                id: b.id,
                kind: b.kind,
                file_name: b.file_name,
                sha256: b.sha256,
                preset: b.preset,
                rows_read: b.rows_read,
                rows_taken: b.rows_taken,
                rows_refused: b.rows_refused,
                rows_duplicate: b.rows_duplicate,
                first_day: b.first_day,
                last_day: b.last_day,
                imported_at: b.started_at,
                undone: b.undone,
            })
            .collect(),
    })
}

fn settings_view(s: &Settings) -> SettingsView {
    SettingsView {
        client_name: s.client_name.clone(),
        timezone: s.timezone.name().to_string(),
        fiscal_year_start_month: s.fiscal_year_start_month,
        currency: s.currency.clone(),
        locale: s.locale.clone(),
        thresholds: ThresholdsView {
            voice_s: s.thresholds.voice_s,
            chat_s: s.thresholds.chat_s,
            messaging_s: s.thresholds.messaging_s,
            email_s: s.thresholds.email_s,
        },
        short_abandon_s: s.short_abandon_s,
    }
}

#[cfg(test)]
mod tests;
