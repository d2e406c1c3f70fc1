// The app's own commands get generated `allow-*` permissions, so the capability file can grant
// exactly the ones the UI calls and nothing else.
const COMMANDS: &[&str] = &[
    "start_state",
    "initial_workspace",
    "open_demo",
    "open_workspace_dialog",
    "create_workspace_dialog",
    "open_recent",
    "reload_workspace",
    "scorecard",
    "pick_import_files",
    "import_picked",
    "cancel_import",
    "list_imports",
    "undo_import",
    "import_detail",
    "metric_detail",
    "settings_page",
    "save_settings",
    "save_variants",
    "add_target",
    "remove_target",
    "import_targets_dialog",
    "add_metric_def",
    "remove_metric_def",
    "set_program_alias",
    "remove_program_alias",
    "pack_builder",
    "pack_preview",
    "pack_choose_logo",
    "pack_export_dialog",
    "pack_reexport_dialog",
    "list_packs",
    "save_pack_template",
    "remove_pack_template",
    "scorecard_export_dialog",
    "chart_export_dialog",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build steps");
}
