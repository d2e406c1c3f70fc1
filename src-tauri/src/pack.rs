//! Pack commands: the builder page, the live preview, exports through a save dialog opened here
//! (with progress), past exports and templates, and the scorecard and chart exports. The web view
//! never names a file: logos are read from a file picked in a Rust dialog, and every export goes
//! where the user pointed a Rust save dialog.

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::Utc;
use qbr_api::{
    ClientMetricsView, ErrorCode, ErrorView, PackBuilderPage, PackDefinition, PackExportView,
    PackLogo, PackPreview, PackProgressView, PackSnapshotView, PackTemplateView,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use crate::commands::{current_path, internal, test_save, test_save_dir, AppState, CmdResult};

/// Asks where to save a file; `None` when cancelled. The extension is added when missing.
fn save_dialog(
    app: &AppHandle,
    title: &str,
    suggested: &str,
    filter: &str,
    ext: &str,
) -> CmdResult<Option<PathBuf>> {
    if let Some(p) = test_save(suggested) {
        app.state::<LastSaved>().set(&p);
        return Ok(Some(p));
    }
    let picked = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(suggested)
        .add_filter(filter, &[ext])
        .blocking_save_file();
    let Some(picked) = picked else {
        return Ok(None);
    };
    let mut path = picked
        .into_path()
        .map_err(|e| internal(format!("the chosen file has no usable path: {e}")))?;
    if path.extension().is_none() {
        path.set_extension(ext);
    }
    app.state::<LastSaved>().set(&path);
    Ok(Some(path))
}

/// The last file written where the user chose in a save dialog: the only folder
/// `show_in_folder` will open.
#[derive(Default)]
pub struct LastSaved(Mutex<Option<PathBuf>>);

impl LastSaved {
    pub fn set(&self, path: &std::path::Path) {
        if let Ok(mut last) = self.0.lock() {
            *last = Some(path.to_path_buf());
        }
    }
}

/// Shows the last exported file selected in its folder, in the file manager (the opener plugin's
/// reveal: the file manager's own "show items" call over D-Bus, or its folder where that is
/// missing), and returns the file's path.
#[tauri::command]
pub async fn show_in_folder(saved: State<'_, LastSaved>) -> CmdResult<String> {
    let file = saved
        .0
        .lock()
        .map_err(internal)?
        .clone()
        .ok_or_else(|| ErrorView {
            code: ErrorCode::NotFound,
            message: "nothing has been exported yet in this session".into(),
        })?;
    // End-to-end tests (debug builds with the save dialog replaced) have no file manager to show.
    if test_save_dir().is_none() {
        tauri_plugin_opener::reveal_item_in_dir(&file).map_err(|e| ErrorView {
            code: ErrorCode::Internal,
            message: format!(
                "could not show {} in the file manager ({e}); the file is there",
                file.display()
            ),
        })?;
    }
    Ok(file.display().to_string())
}

#[tauri::command]
pub async fn pack_builder(
    state: State<'_, AppState>,
    period: Option<String>,
) -> CmdResult<PackBuilderPage> {
    let path = current_path(&state)?;
    tauri::async_runtime::spawn_blocking(move || {
        qbr_api::pack::pack_builder(&path, period.as_deref(), Utc::now().date_naive())
    })
    .await
    .map_err(internal)?
}

/// The pages of the pack as the PDF will lay them out (SVG, one per page).
#[tauri::command]
pub async fn pack_preview(
    state: State<'_, AppState>,
    period: Option<String>,
    definition: PackDefinition,
) -> CmdResult<PackPreview> {
    let path = current_path(&state)?;
    tauri::async_runtime::spawn_blocking(move || {
        let now = Utc::now();
        qbr_api::pack::preview_pack(&path, period.as_deref(), &definition, now.date_naive(), now)
    })
    .await
    .map_err(internal)?
}

/// Chooses which metrics a client pack may show (`null`: back to the default rule).
#[tauri::command]
pub async fn set_pack_client_metrics(
    state: State<'_, AppState>,
    metrics: Option<Vec<String>>,
) -> CmdResult<ClientMetricsView> {
    let path = current_path(&state)?;
    tauri::async_runtime::spawn_blocking(move || {
        qbr_api::pack::set_client_metrics(&path, metrics, Utc::now())
    })
    .await
    .map_err(internal)?
}

/// Asks for a PNG or JPEG logo and returns its bytes; `None` when cancelled.
#[tauri::command]
pub async fn pack_choose_logo(app: AppHandle) -> CmdResult<Option<PackLogo>> {
    let picked = app
        .dialog()
        .file()
        .set_title("Choose the logo (PNG or JPEG)")
        .add_filter("Images", &["png", "jpg", "jpeg"])
        .blocking_pick_file();
    let Some(picked) = picked else {
        return Ok(None);
    };
    let path = picked.into_path().map_err(internal)?;
    qbr_api::pack::read_logo(&path).map(Some)
}

/// The PowerPoint template chosen on the Pack page for decks: its path stays in Rust state (the
/// web view only ever sees its file name), and it is read again at each deck export.
#[derive(Default)]
pub struct DeckTemplate(Mutex<Option<PathBuf>>);

impl DeckTemplate {
    fn get(&self) -> CmdResult<Option<PathBuf>> {
        Ok(self.0.lock().map_err(internal)?.clone())
    }
}

fn file_name_of(file: &std::path::Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The chosen PowerPoint template's file name, if one is chosen (kept for the session, so the
/// Pack page shows it again when it opens).
#[tauri::command]
pub async fn pack_deck_template(chosen: State<'_, DeckTemplate>) -> CmdResult<Option<String>> {
    Ok(chosen.get()?.as_deref().map(file_name_of))
}

/// Asks for a PowerPoint template (`.potx` or `.pptx`), checks that a deck can use it (the same
/// check as `qbr export --template`) and keeps it for the Pack page's deck exports; its file name,
/// or `None` when the dialog is cancelled. A refused file is said with the core's message and
/// not kept (a template chosen before stays).
#[tauri::command]
pub async fn pack_choose_deck_template(
    app: AppHandle,
    chosen: State<'_, DeckTemplate>,
) -> CmdResult<Option<String>> {
    let file = match crate::imports::test_pick().and_then(|f| f.into_iter().next()) {
        Some(file) => file,
        None => {
            let picked = app
                .dialog()
                .file()
                .set_title("Choose a PowerPoint template (.potx or .pptx)")
                .add_filter("PowerPoint templates", &["potx", "pptx"])
                .blocking_pick_file();
            let Some(picked) = picked else {
                return Ok(None);
            };
            picked
                .into_path()
                .map_err(|e| internal(format!("the chosen file has no usable path: {e}")))?
        }
    };
    let checked = file.clone();
    tauri::async_runtime::spawn_blocking(move || qbr_api::pack::read_deck_template(&checked))
        .await
        .map_err(internal)??;
    let name = file_name_of(&file);
    *chosen.0.lock().map_err(internal)? = Some(file);
    Ok(Some(name))
}

/// Forgets the chosen PowerPoint template: decks take the built-in look again.
#[tauri::command]
pub async fn pack_clear_deck_template(chosen: State<'_, DeckTemplate>) -> CmdResult<()> {
    *chosen.0.lock().map_err(internal)? = None;
    Ok(())
}

/// The chosen template's bytes for a deck (read and checked again now: the file may have changed
/// since it was chosen); nothing for a PDF or when none is chosen.
async fn deck_template_bytes(
    chosen: &DeckTemplate,
    format: qbr_api::pack::PackFormat,
) -> CmdResult<Option<Vec<u8>>> {
    let Some(file) = chosen.get()? else {
        return Ok(None);
    };
    if format != qbr_api::pack::PackFormat::Pptx {
        return Ok(None);
    }
    tauri::async_runtime::spawn_blocking(move || qbr_api::pack::read_deck_template(&file))
        .await
        .map_err(internal)?
        .map(Some)
}

/// The export format the page chose (`pdf` when none), with its dialog filter and extension.
fn pack_format(
    format: Option<&str>,
) -> CmdResult<(qbr_api::pack::PackFormat, &'static str, &'static str)> {
    let f = qbr_api::pack::PackFormat::parse(format.unwrap_or("pdf"))?;
    Ok(match f {
        qbr_api::pack::PackFormat::Pdf => (f, "PDF", "pdf"),
        qbr_api::pack::PackFormat::Pptx => (f, "PowerPoint", "pptx"),
    })
}

/// Asks where to save the pack (a PDF, or a PowerPoint deck with `format` `pptx`), exports it
/// with progress and stores the snapshot; `None` when the dialog is cancelled.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn pack_export_dialog(
    app: AppHandle,
    state: State<'_, AppState>,
    period: Option<String>,
    deck: State<'_, DeckTemplate>,
    definition: PackDefinition,
    template: Option<String>,
    format: Option<String>,
    on_progress: Channel<PackProgressView>,
) -> CmdResult<Option<PackExportView>> {
    let path = current_path(&state)?;
    let (format, filter, ext) = pack_format(format.as_deref())?;
    // A template that cannot be used is refused before the save dialog asks where to write.
    let deck_template = deck_template_bytes(&deck, format).await?;
    let today = Utc::now().date_naive();
    let label = qbr_api::pack::pack_period(&path, period.as_deref(), today)?.label;
    let client = qbr_api::workspace_info(&path)?.settings.client_name;
    let suggested = PathBuf::from(qbr_api::export::pack_file_name(
        &client,
        &label,
        &definition.audience,
    ))
    .with_extension(ext)
    .display()
    .to_string();
    let Some(out) = save_dialog(&app, "Export the QBR pack", &suggested, filter, ext)? else {
        return Ok(None);
    };
    let output = qbr_api::pack::PackOutput {
        format,
        deck_template,
    };
    tauri::async_runtime::spawn_blocking(move || {
        let now = Utc::now();
        qbr_api::pack::export_pack_as(
            &path,
            period.as_deref(),
            &definition,
            template.as_deref(),
            &out,
            &output,
            now.date_naive(),
            now,
            |p| {
                let _ = on_progress.send(p);
            },
        )
    })
    .await
    .map_err(internal)?
    .map(Some)
}

/// Renders a stored snapshot again (byte for byte) where the user chooses, as a PDF or (with
/// `format` `pptx`) as a deck, in the chosen PowerPoint template if there is one (as
/// `qbr export --snapshot ID --template FILE`).
#[tauri::command]
pub async fn pack_reexport_dialog(
    app: AppHandle,
    state: State<'_, AppState>,
    deck: State<'_, DeckTemplate>,
    id: i64,
    format: Option<String>,
) -> CmdResult<Option<PackExportView>> {
    let path = current_path(&state)?;
    let (format, filter, ext) = pack_format(format.as_deref())?;
    let deck_template = deck_template_bytes(&deck, format).await?;
    let Some(snap) = qbr_api::pack::list_packs(&path)?
        .into_iter()
        .find(|s| s.id == id)
    else {
        return Err(ErrorView {
            code: ErrorCode::NotFound,
            message: format!("there is no pack snapshot {id}"),
        });
    };
    let suggested = PathBuf::from(&snap.file_name)
        .with_extension(ext)
        .display()
        .to_string();
    let Some(out) = save_dialog(
        &app,
        "Export the stored pack again",
        &suggested,
        filter,
        ext,
    )?
    else {
        return Ok(None);
    };
    let output = qbr_api::pack::PackOutput {
        format,
        deck_template,
    };
    tauri::async_runtime::spawn_blocking(move || {
        qbr_api::pack::export_snapshot_as(&path, id, &out, &output)
    })
    .await
    .map_err(internal)?
    .map(Some)
}

#[tauri::command]
pub async fn list_packs(state: State<'_, AppState>) -> CmdResult<Vec<PackSnapshotView>> {
    let path = current_path(&state)?;
    tauri::async_runtime::spawn_blocking(move || qbr_api::pack::list_packs(&path))
        .await
        .map_err(internal)?
}

#[tauri::command]
pub async fn save_pack_template(
    state: State<'_, AppState>,
    name: String,
    definition: PackDefinition,
) -> CmdResult<PackTemplateView> {
    qbr_api::pack::save_pack_template(&current_path(&state)?, &name, &definition, Utc::now())
}

#[tauri::command]
pub async fn remove_pack_template(state: State<'_, AppState>, name: String) -> CmdResult<()> {
    qbr_api::pack::remove_pack_template(&current_path(&state)?, &name)
}

/// Saves the scorecard as CSV or XLSX (`format`) where the user chooses; the path written, or
/// `None` when cancelled.
#[tauri::command]
pub async fn scorecard_export_dialog(
    app: AppHandle,
    state: State<'_, AppState>,
    period: Option<String>,
    format: String,
) -> CmdResult<Option<String>> {
    let path = current_path(&state)?;
    let today = Utc::now().date_naive();
    let label = qbr_api::pack::pack_period(&path, period.as_deref(), today)?.label;
    let ext = if format == "xlsx" { "xlsx" } else { "csv" };
    let suggested = qbr_api::export::scorecard_file_name(&label, ext);
    let Some(out) = save_dialog(&app, "Export the scorecard", &suggested, ext, ext)? else {
        return Ok(None);
    };
    qbr_api::export::export_scorecard(&path, period.as_deref(), &out, today)?;
    Ok(Some(out.display().to_string()))
}

/// Saves a metric's trend chart as PNG or SVG (`format`); the path written, or `None`.
#[tauri::command]
pub async fn chart_export_dialog(
    app: AppHandle,
    state: State<'_, AppState>,
    metric: String,
    period: Option<String>,
    format: String,
) -> CmdResult<Option<String>> {
    let path = current_path(&state)?;
    let today = Utc::now().date_naive();
    let ext = if format == "svg" { "svg" } else { "png" };
    let suggested = qbr_api::export::chart_file_name(&metric, ext);
    let Some(out) = save_dialog(&app, "Export the chart", &suggested, ext, ext)? else {
        return Ok(None);
    };
    let written = out.display().to_string();
    tauri::async_runtime::spawn_blocking(move || {
        qbr_api::export::export_chart(&path, &metric, period.as_deref(), &out, today)
    })
    .await
    .map_err(internal)??;
    Ok(Some(written))
}
