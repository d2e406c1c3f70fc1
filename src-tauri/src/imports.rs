//! Import commands. Files are chosen in a native dialog opened here and kept in Rust; the web view
//! only says "import what was picked", so it can never name a file for the app to read. Imports run
//! on a blocking thread, report progress through a channel and stop when Cancel is pressed.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use qbr_api::{
    DetectionView, ErrorCode, ErrorView, ImportDetailView, ImportProgressView, ImportReportView,
    ImportRequest, ImportView, ProgramAliasView, UndoReportView,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::commands::{current_path, internal, AppState, CmdResult};

/// Files picked for the next import, and the Cancel switch of the one running.
#[derive(Default)]
pub struct ImportState {
    picked: Mutex<Vec<PathBuf>>,
    cancel: Arc<AtomicBool>,
}

/// Test builds only: `QBR_DESK_TEST_PICK_FILES` (paths separated by ':') stands in for the native
/// dialog, which end-to-end tests cannot drive. Release builds always show the dialog.
fn test_pick() -> Option<Vec<PathBuf>> {
    if cfg!(debug_assertions) {
        std::env::var_os("QBR_DESK_TEST_PICK_FILES").map(|v| std::env::split_paths(&v).collect())
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
    Ok(Some(detections))
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
    let files = std::mem::take(&mut *imports.picked.lock().map_err(internal)?);
    if files.is_empty() {
        return Err(ErrorView {
            code: ErrorCode::InvalidInput,
            message: "choose the files to import first".into(),
        });
    }
    let cancel = imports.cancel.clone();
    cancel.store(false, Ordering::SeqCst);
    tauri::async_runtime::spawn_blocking(move || {
        qbr_api::import::import_files(
            &workspace,
            &files,
            &request,
            &mut |p| {
                // A closed window drops the channel; the import itself carries on to its end.
                let _ = on_progress.send(p);
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
