//! QBR Desk, the desktop app: a Tauri 2 shell over `qbr-api`. Commands are short adapters (take
//! state, call one operation, return a wire type or `{code, message}`); file paths come only from
//! native dialogs opened here in Rust, the command line, or the app's own recent list.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// The allocator the import was measured with (see the workspace Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod annotate;
mod commands;
mod diagnose;
mod imports;
mod instance;
mod launch;
mod memory;
mod pack;
mod recent;
mod rendering;
mod support;

use tauri::Manager;

fn main() {
    let workspace = match launch::parse(std::env::args_os().skip(1)) {
        Ok(launch::Launch::Run { workspace }) => workspace,
        Ok(launch::Launch::Help) => {
            print!("{}", launch::USAGE);
            return;
        }
        Ok(launch::Launch::Version) => {
            println!("qbr-desk {}", env!("CARGO_PKG_VERSION"));
            return;
        }
        Err(usage) => {
            eprintln!("qbr-desk: {usage}");
            std::process::exit(2);
        }
    };
    memory::sqlite_on_mimalloc();
    memory::javascript_without_optimising_compilers();
    rendering::software_rendering_by_default();
    let handler = typed_handler(tauri::generate_handler![
        commands::start_state,
        commands::initial_workspace,
        commands::open_demo,
        commands::open_workspace_dialog,
        commands::create_workspace_dialog,
        commands::open_recent,
        commands::reload_workspace,
        imports::open_dropped_workspace,
        commands::remember_period,
        commands::scorecard,
        imports::pick_import_files,
        imports::watch_drops,
        imports::take_dropped_files,
        imports::import_picked,
        imports::cancel_import,
        imports::list_imports,
        imports::undo_import,
        imports::import_detail,
        commands::metric_detail,
        commands::settings_page,
        commands::save_settings,
        commands::save_variants,
        commands::add_target,
        commands::remove_target,
        commands::import_targets_dialog,
        commands::add_metric_def,
        commands::remove_metric_def,
        imports::set_program_alias,
        imports::remove_program_alias,
        annotate::list_causes,
        annotate::add_cause,
        annotate::cause_detail,
        annotate::edit_cause,
        annotate::remove_cause,
        annotate::restore_cause,
        annotate::actions_page,
        annotate::add_action,
        annotate::action_page,
        annotate::update_action,
        annotate::add_action_note,
        annotate::remove_action,
        annotate::restore_action,
        diagnose::attention,
        diagnose::control_chart,
        diagnose::drivers,
        diagnose::correlate,
        diagnose::staffing,
        pack::pack_builder,
        pack::pack_preview,
        pack::pack_choose_logo,
        pack::pack_deck_template,
        pack::pack_choose_deck_template,
        pack::pack_clear_deck_template,
        pack::pack_export_dialog,
        pack::pack_reexport_dialog,
        pack::list_packs,
        pack::save_pack_template,
        pack::remove_pack_template,
        pack::set_pack_client_metrics,
        pack::scorecard_export_dialog,
        pack::chart_export_dialog,
        pack::show_in_folder,
    ]);
    // The commands' runtime (Tauri's default, whose idle workers let freed memory be returned),
    // kept for the app's lifetime.
    let runtime = memory::runtime().expect("QBR Desk could not start its worker threads");
    tauri::async_runtime::set(runtime.handle().clone());
    tauri::Builder::default()
        // First: a second launch hands its command line over here and ends before anything else.
        .plugin(tauri_plugin_single_instance::init(
            instance::on_second_launch,
        ))
        .plugin(support::log_plugin())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(|app| {
            support::install_crash_reports(app.handle());
            tracing::info!(version = env!("CARGO_PKG_VERSION"), "QBR Desk started");
            Ok(())
        })
        .manage(commands::AppState::new(workspace))
        .manage(imports::ImportState::default())
        .manage(pack::LastSaved::default())
        .manage(pack::DeckTemplate::default())
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(drop) = event {
                imports::on_drag_drop(window.app_handle(), drop);
            }
        })
        // The crash report names the last command the window asked for.
        .invoke_handler(move |invoke: tauri::ipc::Invoke<tauri::Wry>| {
            qbr_api::crash::set_operation(invoke.message.command());
            handler(invoke)
        })
        .run(tauri::generate_context!())
        .expect("QBR Desk could not start its window");
}

/// Gives the command handler its type, so it can be wrapped (closures infer their parameter
/// types only where they are passed).
fn typed_handler<F>(f: F) -> F
where
    F: Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static,
{
    f
}
