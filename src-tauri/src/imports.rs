//! Import commands. Files are chosen in a native dialog opened here and kept in Rust; the web view
//! only says "import what was picked", so it can never name a file for the app to read. Imports run
//! on a blocking thread, report progress through a channel and stop when Cancel is pressed.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use qbr_api::{
    DetectionView, DropEventView, ErrorCode, ErrorView, ImportDetailView, ImportProgressView,
    ImportReportView, ImportRequest, ImportView, ProgramAliasView, UndoReportView, WorkspacePage,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, DragDropEvent, Manager, State};
use tauri_plugin_dialog::DialogExt;

use crate::commands::{current_path, internal, open_path, AppState, CmdResult};

/// Files picked for the next import, and the Cancel switch of the one running.
#[derive(Default)]
pub struct ImportState {
    picked: Mutex<Vec<PathBuf>>,
    cancel: Arc<AtomicBool>,
    /// The files of the last drop on the window, until the UI takes them.
    dropped: Mutex<Vec<PathBuf>>,
    /// Where drag-and-drop events go: the channel the UI gave `watch_drops`.
    drop_watch: Mutex<Option<Channel<DropEventView>>>,
    /// A workspace named by a second launch of the app (`crate::instance`), taken like a drop.
    launched: Mutex<Option<PathBuf>>,
}

/// What a drop onto the window means: one `.qbr` file alone is a workspace to open; anything else
/// is files to import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropKind {
    Workspace,
    Import,
}

impl DropKind {
    /// The name `DropEventView.kind` carries to the UI.
    fn as_str(self) -> &'static str {
        match self {
            DropKind::Workspace => "workspace",
            DropKind::Import => "import",
        }
    }
}

/// Sorts a drop: folders and anything that is not a regular file are left out.
pub fn classify_drop(paths: &[PathBuf]) -> (DropKind, Vec<PathBuf>) {
    let files: Vec<PathBuf> = paths.iter().filter(|p| p.is_file()).cloned().collect();
    let is_workspace = |p: &PathBuf| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("qbr"));
    let kind = if files.len() == 1 && is_workspace(&files[0]) {
        DropKind::Workspace
    } else {
        DropKind::Import
    };
    (kind, files)
}

fn file_names(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string())
        })
        .collect()
}

/// Handles drag-and-drop on the main window (called from the window event handler): the paths
/// are kept here, and only their names are told to the UI.
pub fn on_drag_drop(app: &AppHandle, event: &DragDropEvent) {
    let imports = app.state::<ImportState>();
    let view = match event {
        DragDropEvent::Enter { paths, .. } => DropEventView {
            kind: "hover".into(),
            file_names: file_names(paths),
        },
        DragDropEvent::Drop { paths, .. } => {
            let (kind, files) = classify_drop(paths);
            let names = file_names(&files);
            if let Ok(mut dropped) = imports.dropped.lock() {
                *dropped = files;
            }
            // A drop is newer than a second launch the UI could not take (it was busy).
            if let Ok(mut launched) = imports.launched.lock() {
                *launched = None;
            }
            DropEventView {
                kind: kind.as_str().into(),
                file_names: names,
            }
        }
        DragDropEvent::Leave => DropEventView {
            kind: "leave".into(),
            file_names: Vec::new(),
        },
        _ => return,
    };
    let watch = imports.drop_watch.lock();
    if let Ok(Some(channel)) = watch.as_deref() {
        let _ = channel.send(view);
    }
}

/// A workspace named by a second launch: kept like a dropped one, and the UI told to open it as
/// it opens a dropped workspace. False when the UI has not subscribed yet.
pub fn open_launched(app: &AppHandle, path: PathBuf) -> bool {
    let imports = app.state::<ImportState>();
    let name = file_names(std::slice::from_ref(&path));
    if let Ok(mut launched) = imports.launched.lock() {
        *launched = Some(path);
    }
    let watch = imports.drop_watch.lock();
    match watch.as_deref() {
        Ok(Some(channel)) => channel
            .send(DropEventView {
                kind: DropKind::Workspace.as_str().into(),
                file_names: name,
            })
            .is_ok(),
        _ => false,
    }
}

/// The UI's subscription to drag-and-drop events (the last call wins). A workspace a second
/// launch named before the UI subscribed is told now.
#[tauri::command]
pub async fn watch_drops(
    imports: State<'_, ImportState>,
    on_event: Channel<DropEventView>,
) -> CmdResult<()> {
    let waiting = imports
        .launched
        .lock()
        .map_err(internal)?
        .as_ref()
        .map(|p| file_names(std::slice::from_ref(p)));
    if let Some(file_names) = waiting {
        let _ = on_event.send(DropEventView {
            kind: DropKind::Workspace.as_str().into(),
            file_names,
        });
    }
    *imports.drop_watch.lock().map_err(internal)? = Some(on_event);
    Ok(())
}

/// Says what each dropped file holds and keeps them for `import_picked`, as the file dialog does.
#[tauri::command]
pub async fn take_dropped_files(
    state: State<'_, AppState>,
    imports: State<'_, ImportState>,
) -> CmdResult<Vec<DetectionView>> {
    let workspace = current_path(&state)?;
    let files = std::mem::take(&mut *imports.dropped.lock().map_err(internal)?);
    if files.is_empty() {
        return Err(ErrorView {
            code: ErrorCode::InvalidInput,
            message: "nothing was dropped: drag the export files onto the window again".into(),
        });
    }
    detect_and_keep(workspace, files, &imports).await
}

/// Opens the `.qbr` file just dropped on the window (the user chose it by dropping it).
#[tauri::command]
pub async fn open_dropped_workspace(
    app: AppHandle,
    state: State<'_, AppState>,
    imports: State<'_, ImportState>,
) -> CmdResult<WorkspacePage> {
    let path = take_dropped_workspace(&imports)?;
    open_path(&app, &state, &path)
}

/// Takes the workspace file dropped on the window, for `open_dropped_workspace`.
pub fn take_dropped_workspace(imports: &ImportState) -> CmdResult<PathBuf> {
    if let Some(path) = imports.launched.lock().map_err(internal)?.take() {
        crate::launch::check_workspace_file(&path)?;
        return Ok(path);
    }
    let files = std::mem::take(&mut *imports.dropped.lock().map_err(internal)?);
    match classify_drop(&files) {
        (DropKind::Workspace, mut files) => Ok(files.remove(0)),
        (DropKind::Import, _) => Err(ErrorView {
            code: ErrorCode::InvalidInput,
            message: "drop one .qbr workspace file to open it".into(),
        }),
    }
}

async fn detect_and_keep(
    workspace: PathBuf,
    files: Vec<PathBuf>,
    imports: &ImportState,
) -> CmdResult<Vec<DetectionView>> {
    let detections = tauri::async_runtime::spawn_blocking({
        let files = files.clone();
        move || {
            files
                .iter()
                .map(|f| qbr_api::import::detect_file(&workspace, f))
                .collect::<CmdResult<Vec<_>>>()
        }
    })
    .await
    .map_err(internal)??;
    *imports.picked.lock().map_err(internal)? = files;
    Ok(detections)
}

/// Test builds only: `QBR_DESK_TEST_PICK_FILES` (paths separated by ':') stands in for the native
/// dialogs that open files (the import files; the first path for the deck template), which
/// end-to-end tests cannot drive. Release builds always show the dialog.
pub(crate) fn test_pick() -> Option<Vec<PathBuf>> {
    if cfg!(debug_assertions) {
        std::env::var_os("QBR_DESK_TEST_PICK_FILES").map(|v| std::env::split_paths(&v).collect())
    } else {
        None
    }
}

/// Test builds only: while the file `QBR_DESK_TEST_IMPORT_HOLD` names exists, an import (not its
/// dry run) waits after each progress report, so that an end-to-end test can look at the app
/// while an import runs, however quick the import.
fn test_import_hold() -> Option<PathBuf> {
    if cfg!(debug_assertions) {
        std::env::var_os("QBR_DESK_TEST_IMPORT_HOLD").map(PathBuf::from)
    } else {
        None
    }
}

/// Asks for the files to import and says what each holds. `None` when the dialog is cancelled.
#[tauri::command]
pub async fn pick_import_files(
    app: AppHandle,
    state: State<'_, AppState>,
    imports: State<'_, ImportState>,
) -> CmdResult<Option<Vec<DetectionView>>> {
    let workspace = current_path(&state)?;
    let files = match test_pick() {
        Some(files) => files,
        None => {
            let picked = app
                .dialog()
                .file()
                .set_title("Choose the files to import")
                .add_filter(
                    "Exports (CSV, Excel, JSON)",
                    &[
                        "csv", "tsv", "txt", "xlsx", "xls", "json", "jsonl", "ndjson",
                    ],
                )
                .blocking_pick_files();
            let Some(picked) = picked else {
                return Ok(None);
            };
            picked
                .into_iter()
                .map(|p| p.into_path().map_err(internal))
                .collect::<CmdResult<Vec<_>>>()?
        }
    };
    detect_and_keep(workspace, files, &imports).await.map(Some)
}

/// Imports the picked files with `request`, streaming progress to `on_progress`.
#[tauri::command]
pub async fn import_picked(
    state: State<'_, AppState>,
    imports: State<'_, ImportState>,
    request: ImportRequest,
    on_progress: Channel<ImportProgressView>,
) -> CmdResult<Vec<ImportReportView>> {
    let workspace = current_path(&state)?;
    // A dry run leaves the files picked, for the import that follows it.
    let files = match request.dry_run {
        true => imports.picked.lock().map_err(internal)?.clone(),
        false => std::mem::take(&mut *imports.picked.lock().map_err(internal)?),
    };
    if files.is_empty() {
        return Err(ErrorView {
            code: ErrorCode::InvalidInput,
            message: "choose the files to import first".into(),
        });
    }
    let cancel = imports.cancel.clone();
    cancel.store(false, Ordering::SeqCst);
    let hold = (!request.dry_run).then(test_import_hold).flatten();
    tauri::async_runtime::spawn_blocking(move || {
        qbr_api::import::import_files(
            &workspace,
            &files,
            &request,
            &mut |p| {
                // A closed window drops the channel; the import itself carries on to its end.
                let _ = on_progress.send(p);
                if let Some(hold) = &hold {
                    while hold.exists() && !cancel.load(Ordering::SeqCst) {
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                }
            },
            &cancel,
            Utc::now(),
        )
    })
    .await
    .map_err(internal)?
}

/// Stops the running import; it ends without changing the workspace.
#[tauri::command]
pub async fn cancel_import(imports: State<'_, ImportState>) -> CmdResult<()> {
    imports.cancel.store(true, Ordering::SeqCst);
    Ok(())
}

#[tauri::command]
pub async fn list_imports(state: State<'_, AppState>) -> CmdResult<Vec<ImportView>> {
    qbr_api::import::list_imports(&current_path(&state)?)
}

#[tauri::command]
pub async fn undo_import(state: State<'_, AppState>, batch_id: i64) -> CmdResult<UndoReportView> {
    let path = current_path(&state)?;
    tauri::async_runtime::spawn_blocking(move || {
        qbr_api::import::undo_import(&path, batch_id, Utc::now())
    })
    .await
    .map_err(internal)?
}

#[tauri::command]
pub async fn import_detail(
    state: State<'_, AppState>,
    batch_id: i64,
) -> CmdResult<ImportDetailView> {
    qbr_api::import::import_detail(&current_path(&state)?, batch_id)
}

/// Saves which program a queue or campaign belongs to; returns every saved mapping.
#[tauri::command]
pub async fn set_program_alias(
    state: State<'_, AppState>,
    alias: ProgramAliasView,
) -> CmdResult<Vec<ProgramAliasView>> {
    qbr_api::import::set_program_alias(&current_path(&state)?, &alias)
}

#[tauri::command]
pub async fn remove_program_alias(
    state: State<'_, AppState>,
    source: String,
    name: String,
) -> CmdResult<()> {
    qbr_api::import::remove_program_alias(&current_path(&state)?, &source, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_workspace_file_opens_and_anything_else_imports_without_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("folder")).unwrap();
        let ws = dir.join("Acme.QBR");
        let csv = dir.join("calls.csv");
        std::fs::write(&ws, b"x").unwrap();
        std::fs::write(&csv, b"x").unwrap();
        let missing = dir.join("gone.csv");

        assert_eq!(
            classify_drop(std::slice::from_ref(&ws)),
            (DropKind::Workspace, vec![ws.clone()])
        );
        assert_eq!(
            classify_drop(&[csv.clone(), dir.join("folder"), missing]),
            (DropKind::Import, vec![csv.clone()]),
            "a folder and a vanished file are left out"
        );
        assert_eq!(
            classify_drop(&[ws.clone(), csv.clone()]).0,
            DropKind::Import,
            "a workspace among exports is not opened"
        );
        assert_eq!(file_names(&[csv]), vec!["calls.csv".to_string()]);
    }

    #[test]
    fn the_dropped_workspace_is_taken_once_and_exports_are_not_opened() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path().join("acme.qbr");
        let csv = tmp.path().join("calls.csv");
        std::fs::write(&ws, b"x").unwrap();
        std::fs::write(&csv, b"x").unwrap();
        let state = ImportState::default();

        *state.dropped.lock().unwrap() = vec![ws.clone()];
        assert_eq!(take_dropped_workspace(&state).unwrap(), ws);
        let again = take_dropped_workspace(&state).unwrap_err();
        assert_eq!(again.code, ErrorCode::InvalidInput, "a drop is taken once");

        *state.dropped.lock().unwrap() = vec![csv];
        let e = take_dropped_workspace(&state).unwrap_err();
        assert_eq!(e.message, "drop one .qbr workspace file to open it");
        assert!(state.dropped.lock().unwrap().is_empty());
    }
}
