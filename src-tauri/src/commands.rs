//! The commands the web view may call (each allowed one by one in capabilities/main-window.json).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use qbr_api::{
    ErrorCode, ErrorView, MetricDefinitionView, MetricDetailPage, NewWorkspaceRequest,
    RecentWorkspace, RecomputeProgressView, ScorecardPage, SettingsPage, SettingsPatch,
    SettingsSaved, StartState, TargetInput, TargetView, VariantsPatch, VariantsView, WorkspacePage,
};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use crate::recent::RecentList;

pub type CmdResult<T> = Result<T, ErrorView>;

/// What the app remembers while it runs.
pub struct AppState {
    /// A workspace named on the command line (e.g. opened from the file manager).
    launch_path: Option<PathBuf>,
    current: Mutex<Option<PathBuf>>,
    /// The period the page last asked a scorecard for.
    pub wanted: Arc<WantedPeriod>,
}

impl AppState {
    /// `launch_path`: the workspace named on the command line (see `launch::parse`), if any.
    pub fn new(launch_path: Option<PathBuf>) -> AppState {
        AppState {
            launch_path,
            current: Mutex::new(None),
            wanted: Arc::default(),
        }
    }
}

/// The period the page last asked a scorecard for, and how often that changed. The attention
/// list of a period is computed after its scorecard is on screen (35–40 ms of the backend's
/// work); once another period is asked for, that list will never be shown, so its computation
/// stops and leaves both cores to the new period's scorecard (`scripts/bench.sh app`, switching
/// periods back to back).
#[derive(Default)]
pub struct WantedPeriod {
    period: Mutex<Option<Option<String>>>,
    changes: AtomicU64,
}

impl WantedPeriod {
    /// A scorecard is asked for `period` (`None`: the latest complete quarter). Returns the count
    /// of changes, for [`Self::resolved`].
    pub fn ask(&self, period: Option<&str>) -> u64 {
        let mut wanted = self.period.lock().unwrap_or_else(|p| p.into_inner());
        let period = period.map(String::from);
        if wanted.as_ref() != Some(&period) {
            *wanted = Some(period);
            self.changes.fetch_add(1, Ordering::SeqCst);
        }
        self.changes.load(Ordering::SeqCst)
    }

    /// The scorecard asked for by [`Self::ask`] (whose answer was `asked`) turned out to be
    /// `label`'s: the latest quarter asked for by no name is that period from now on, so that the
    /// page asking for it by name next (a grouping switch after the first scorecard) is not
    /// taken for another period, which would stop its attention list. Nothing changes when
    /// another period was asked for since.
    pub fn resolved(&self, asked: u64, label: &str) {
        let mut wanted = self.period.lock().unwrap_or_else(|p| p.into_inner());
        if self.changes.load(Ordering::SeqCst) == asked && *wanted == Some(None) {
            *wanted = Some(Some(label.to_string()));
        }
    }

    /// The scorecard asked for by [`Self::ask`] (whose answer was `asked`) failed: the page still
    /// shows the period it showed, which is not known here, so no period is taken for another
    /// from now on (the attention list the request stopped is asked for again). Nothing changes
    /// when another period was asked for since.
    pub fn failed(&self, asked: u64) {
        let mut wanted = self.period.lock().unwrap_or_else(|p| p.into_inner());
        if self.changes.load(Ordering::SeqCst) == asked {
            *wanted = None;
        }
    }

    /// Says whether a computation for `period` is unwanted: another period was named in the
    /// last scorecard asked for, or another is asked for from now on.
    pub fn replaced(self: &Arc<Self>, period: Option<&str>) -> qbr_api::StopCheck {
        let at = self.changes.load(Ordering::SeqCst);
        let already = matches!(
            (&*self.period.lock().unwrap_or_else(|p| p.into_inner()), period),
            (Some(Some(wanted)), Some(period)) if wanted != period
        );
        let wanted = Arc::clone(self);
        Arc::new(move || already || wanted.changes.load(Ordering::SeqCst) != at)
    }
}

pub fn internal(message: impl std::fmt::Display) -> ErrorView {
    ErrorView {
        code: ErrorCode::Internal,
        message: message.to_string(),
    }
}

fn recent_file(app: &AppHandle) -> CmdResult<PathBuf> {
    let dir = app
        .path()
        .app_config_dir()
        .map_err(|e| internal(format!("cannot find the settings folder: {e}")))?;
    Ok(dir.join("recent.json"))
}

/// Opens `path`, makes it current and puts it at the top of the recent list.
pub(crate) fn open_path(
    app: &AppHandle,
    state: &AppState,
    path: &Path,
) -> CmdResult<WorkspacePage> {
    let mut page = qbr_api::workspace_page(path)?;
    let file = recent_file(app)?;
    let mut recent = RecentList::load(&file);
    let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    recent.touch(
        path,
        &page.info.settings.client_name,
        &page.info.settings.locale,
        &now,
    );
    page.remembered_period = recent.period_of(path);
    // Failing to remember a recent file must not stop the user from working.
    let _ = recent.save(&file);
    *state.current.lock().map_err(internal)? = Some(path.to_path_buf());
    Ok(page)
}

#[tauri::command]
pub async fn start_state(app: AppHandle) -> CmdResult<StartState> {
    // Debug builds only: a test proves the crash report (`QBR_FORCE_PANIC`).
    qbr_api::crash::panic_if_asked();
    let recent = RecentList::load(&recent_file(&app)?);
    Ok(StartState {
        recent: recent
            .entries
            .into_iter()
            .map(|e| RecentWorkspace {
                exists: e.path.is_file(),
                path: e.path.display().to_string(),
                client_name: e.client_name,
                opened_at: e.opened_at,
                locale: e.locale,
            })
            .collect(),
        timezones: qbr_api::timezones(),
        currencies: qbr_api::currencies(),
        locales: qbr_api::locales(),
        default_timezone: "UTC".into(),
        app_version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// The workspace to show at launch: the one named on the command line, else the last one used.
/// `None` shows the start page.
#[tauri::command]
pub async fn initial_workspace(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Option<WorkspacePage>> {
    if let Some(path) = state.launch_path.clone() {
        // An error here is shown on the start page, with what to do.
        crate::launch::check_workspace_file(&path)?;
        return open_path(&app, &state, &path).map(Some);
    }
    let recent = RecentList::load(&recent_file(&app)?);
    match recent.entries.first() {
        Some(last) if last.path.is_file() => {
            let path = last.path.clone();
            // A last workspace that no longer opens falls back to the start page, not an error.
            Ok(open_path(&app, &state, &path).ok())
        }
        _ => Ok(None),
    }
}

/// Opens the demo workspace, creating it in the app's data folder on first use.
#[tauri::command]
pub async fn open_demo(app: AppHandle, state: State<'_, AppState>) -> CmdResult<WorkspacePage> {
    let dir = app
        .path()
        .app_data_dir()
        .map_err(|e| internal(format!("cannot find the data folder: {e}")))?
        .join("demo");
    let path = dir.join("northwind-mobile.qbr");
    if !path.is_file() {
        qbr_api::create_demo(&dir, false, Utc::now())?;
    }
    open_path(&app, &state, &path)
}

/// Asks for a workspace file with the native dialog and opens it. `None` when cancelled.
#[tauri::command]
pub async fn open_workspace_dialog(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Option<WorkspacePage>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Open a QBR Desk workspace")
        .add_filter("QBR Desk workspace", &["qbr"])
        .blocking_pick_file();
    let Some(picked) = picked else {
        return Ok(None);
    };
    let path = picked
        .into_path()
        .map_err(|e| internal(format!("the chosen file has no usable path: {e}")))?;
    open_path(&app, &state, &path).map(Some)
}

/// Debug builds only: `QBR_DESK_TEST_SAVE_DIR` stands in for the save dialog (end-to-end tests
/// cannot drive it).
pub fn test_save_dir() -> Option<PathBuf> {
    if cfg!(debug_assertions) {
        std::env::var_os("QBR_DESK_TEST_SAVE_DIR").map(PathBuf::from)
    } else {
        None
    }
}

/// The file a save dialog would give in an end-to-end test: `suggested` in the test save folder.
pub fn test_save(suggested: &str) -> Option<PathBuf> {
    test_save_dir().map(|d| d.join(suggested))
}

/// Asks where to save a new workspace, creates it with `request`, and opens it.
#[tauri::command]
pub async fn create_workspace_dialog(
    app: AppHandle,
    state: State<'_, AppState>,
    request: NewWorkspaceRequest,
) -> CmdResult<Option<WorkspacePage>> {
    let suggested = format!("{}.qbr", file_stem_for(&request.client_name));
    let mut path = match test_save(&suggested) {
        Some(path) => path,
        None => {
            let picked = app
                .dialog()
                .file()
                .set_title("Save the new workspace")
                .set_file_name(&suggested)
                .add_filter("QBR Desk workspace", &["qbr"])
                .blocking_save_file();
            let Some(picked) = picked else {
                return Ok(None);
            };
            picked
                .into_path()
                .map_err(|e| internal(format!("the chosen file has no usable path: {e}")))?
        }
    };
    if path.extension().is_none() {
        path.set_extension("qbr");
    }
    qbr_api::create_workspace(&path, &request, Utc::now())?;
    open_path(&app, &state, &path).map(Some)
}

/// Reopens a workspace from the recent list (and only from it).
#[tauri::command]
pub async fn open_recent(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> CmdResult<WorkspacePage> {
    let path = PathBuf::from(path);
    if !RecentList::load(&recent_file(&app)?).contains(&path) {
        return Err(ErrorView {
            code: ErrorCode::InvalidInput,
            message: "that file is not in the recent list; open it with Open workspace…".into(),
        });
    }
    open_path(&app, &state, &path)
}

/// Re-reads the current workspace (after another program changed it).
#[tauri::command]
pub async fn reload_workspace(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<WorkspacePage> {
    let path = current_path(&state)?;
    let mut page = qbr_api::workspace_page(&path)?;
    page.remembered_period = RecentList::load(&recent_file(&app)?).period_of(&path);
    Ok(page)
}

/// Remembers the period the user is looking at, so the next start opens on it.
#[tauri::command]
pub async fn remember_period(
    app: AppHandle,
    state: State<'_, AppState>,
    period: String,
) -> CmdResult<()> {
    if period.is_empty() || period.len() > 64 {
        return Err(ErrorView {
            code: ErrorCode::InvalidInput,
            message: "a period is a label such as 2026-Q3".into(),
        });
    }
    let path = current_path(&state)?;
    let file = recent_file(&app)?;
    let mut recent = RecentList::load(&file);
    if recent.set_period(&path, &period) {
        // Failing to remember must not stop the user from working.
        let _ = recent.save(&file);
    }
    Ok(())
}

pub fn current_path(state: &AppState) -> CmdResult<PathBuf> {
    state
        .current
        .lock()
        .map_err(internal)?
        .clone()
        .ok_or_else(|| ErrorView {
            code: ErrorCode::NotFound,
            message: "no workspace is open".into(),
        })
}

/// The scorecard of the current workspace for `period` (latest complete quarter when absent),
/// optionally grouped by one dimension.
#[tauri::command]
pub async fn scorecard(
    state: State<'_, AppState>,
    period: Option<String>,
    by: Option<String>,
) -> CmdResult<ScorecardPage> {
    let path = current_path(&state)?;
    let asked = state.wanted.ask(period.as_deref());
    let page = qbr_api::metrics::scorecard_page(
        &path,
        period.as_deref(),
        by.as_deref(),
        Utc::now().date_naive(),
    )
    .inspect_err(|_| state.wanted.failed(asked))?;
    state.wanted.resolved(asked, &page.report.period.label);
    Ok(page)
}

/// One metric in depth: trend, target, breakdown by a dimension.
#[tauri::command]
pub async fn metric_detail(
    state: State<'_, AppState>,
    metric: String,
    period: Option<String>,
    by: Option<String>,
) -> CmdResult<MetricDetailPage> {
    qbr_api::metrics::metric_detail(
        &current_path(&state)?,
        &metric,
        period.as_deref(),
        by.as_deref(),
        Utc::now().date_naive(),
    )
}

#[tauri::command]
pub async fn settings_page(state: State<'_, AppState>) -> CmdResult<SettingsPage> {
    qbr_api::settings_page(&current_path(&state)?)
}

/// Saves settings; a threshold change recomputes the days it touches, streaming progress.
#[tauri::command]
pub async fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    patch: SettingsPatch,
    on_progress: tauri::ipc::Channel<RecomputeProgressView>,
) -> CmdResult<SettingsSaved> {
    let path = current_path(&state)?;
    let in_task = path.clone();
    let saved = tauri::async_runtime::spawn_blocking(move || {
        qbr_api::update_settings_with(&in_task, &patch, Utc::now(), &mut |p| {
            // A closed window drops the channel; the recompute carries on to its end.
            let _ = on_progress.send(p);
            true
        })
    })
    .await
    .map_err(|e| ErrorView {
        code: ErrorCode::Internal,
        message: e.to_string(),
    })??;
    // The start page writes this workspace's dates in its locale: keep the recent list's copy
    // current. Failing to remember must not stop the user from working.
    let file = recent_file(&app)?;
    let mut recent = RecentList::load(&file);
    if recent.set_locale(&path, &saved.settings.locale) {
        let _ = recent.save(&file);
    }
    Ok(saved)
}

#[tauri::command]
pub async fn save_variants(
    state: State<'_, AppState>,
    patch: VariantsPatch,
) -> CmdResult<VariantsView> {
    qbr_api::metrics::set_variants(&current_path(&state)?, &patch, Utc::now())
}

#[tauri::command]
pub async fn add_target(state: State<'_, AppState>, target: TargetInput) -> CmdResult<TargetView> {
    qbr_api::metrics::add_target(&current_path(&state)?, &target, Utc::now())
}

#[tauri::command]
pub async fn remove_target(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    qbr_api::metrics::remove_target(&current_path(&state)?, id)
}

/// Asks for a targets CSV and imports it (all rows or none). `None` when the dialog is cancelled.
#[tauri::command]
pub async fn import_targets_dialog(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Option<Vec<TargetView>>> {
    let workspace = current_path(&state)?;
    let picked = app
        .dialog()
        .file()
        .set_title("Import targets from a CSV file")
        .add_filter("CSV", &["csv", "txt"])
        .blocking_pick_file();
    let Some(picked) = picked else {
        return Ok(None);
    };
    let path = picked.into_path().map_err(internal)?;
    qbr_api::metrics::import_targets_file(&workspace, &path, Utc::now()).map(Some)
}

/// Defines a custom metric over the base measures.
#[tauri::command]
pub async fn add_metric_def(
    state: State<'_, AppState>,
    definition: qbr_api::MetricDefInput,
) -> CmdResult<MetricDefinitionView> {
    qbr_api::metrics::add_metric_def(&current_path(&state)?, &definition, Utc::now())
}

#[tauri::command]
pub async fn remove_metric_def(state: State<'_, AppState>, id: String) -> CmdResult<()> {
    qbr_api::metrics::remove_metric_def(&current_path(&state)?, &id)
}

/// A file name made from a client name: letters, digits and dashes.
fn file_stem_for(client: &str) -> String {
    let stem: String = client
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if stem.is_empty() {
        "workspace".into()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_period_replaces_what_was_asked_and_the_same_does_not() {
        let wanted = Arc::new(WantedPeriod::default());
        wanted.ask(Some("2026-Q2"));
        let list = wanted.replaced(Some("2026-Q2"));
        assert!(!list());
        // A grouping switch asks for the same period again: the list is still wanted.
        wanted.ask(Some("2026-Q2"));
        assert!(!list());
        wanted.ask(Some("2026-Q3"));
        assert!(list());
        // Back to the first period: a list begun before is still replaced (a new one is asked).
        wanted.ask(Some("2026-Q2"));
        assert!(list());
        let next = wanted.replaced(Some("2026-Q2"));
        assert!(!next());
        wanted.ask(None);
        assert!(next());
        // A list asked for after another period's scorecard was: unwanted from the start.
        wanted.ask(Some("2026-Q1"));
        assert!(wanted.replaced(Some("2026-Q2"))());
        assert!(!wanted.replaced(Some("2026-Q1"))());
        // The latest quarter asked for by no name: a list for a named period is not judged.
        wanted.ask(None);
        assert!(!wanted.replaced(Some("2026-Q3"))());
    }

    #[test]
    fn the_latest_quarter_asked_for_by_no_name_is_its_period_once_known() {
        // The first scorecard of a workspace asks for no period and gets 2026-Q3's; its
        // attention list is asked for 2026-Q3. Grouping next asks for 2026-Q3 by name: the same
        // period, so the list goes on.
        let wanted = Arc::new(WantedPeriod::default());
        let asked = wanted.ask(None);
        wanted.resolved(asked, "2026-Q3");
        let list = wanted.replaced(Some("2026-Q3"));
        wanted.ask(Some("2026-Q3"));
        assert!(!list(), "a grouping switch does not stop the list");
        wanted.ask(Some("2026-Q2"));
        assert!(list(), "another period does");

        // Another period asked for while the unnamed one was computed: the answer changes nothing.
        let wanted = Arc::new(WantedPeriod::default());
        let asked = wanted.ask(None);
        wanted.ask(Some("2026-Q1"));
        wanted.resolved(asked, "2026-Q3");
        assert!(wanted.replaced(Some("2026-Q3"))(), "2026-Q1 is wanted");
        assert!(!wanted.replaced(Some("2026-Q1"))());
    }

    #[test]
    fn a_period_whose_scorecard_failed_stops_nothing_and_the_list_stopped_for_it_runs_again() {
        // 2026-Q2 is shown; 2026-Q1 is picked, which stops 2026-Q2's list, and its scorecard
        // fails: the page still shows 2026-Q2, whose list, asked for again, must run.
        let wanted = Arc::new(WantedPeriod::default());
        wanted.ask(Some("2026-Q2"));
        let list = wanted.replaced(Some("2026-Q2"));
        let asked = wanted.ask(Some("2026-Q1"));
        assert!(list(), "the list is stopped while 2026-Q1 is computed");
        wanted.failed(asked);
        assert!(
            !wanted.replaced(Some("2026-Q2"))(),
            "2026-Q2's list asked again runs"
        );
        // And a period asked for afterwards is judged as before.
        let again = wanted.replaced(Some("2026-Q2"));
        wanted.ask(Some("2026-Q3"));
        assert!(again());

        // A failure overtaken by another request changes nothing: 2026-Q3 is wanted.
        let wanted = Arc::new(WantedPeriod::default());
        let asked = wanted.ask(Some("2026-Q1"));
        wanted.ask(Some("2026-Q3"));
        wanted.failed(asked);
        assert!(wanted.replaced(Some("2026-Q2"))());
        assert!(!wanted.replaced(Some("2026-Q3"))());
    }

    #[test]
    fn suggested_file_names_are_tidy() {
        assert_eq!(file_stem_for("Northwind Mobile"), "northwind-mobile");
        assert_eq!(file_stem_for("  A & B / C  "), "a-b-c");
        assert_eq!(file_stem_for("???"), "workspace");
    }
}
