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
    "list_causes",
    "add_cause",
    "cause_detail",
    "edit_cause",
    "remove_cause",
    "restore_cause",
    "actions_page",
    "add_action",
    "action_page",
    "update_action",
    "add_action_note",
    "remove_action",
    "restore_action",
    "attention",
    "control_chart",
    "drivers",
    "correlate",
    "staffing",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build steps");
}
