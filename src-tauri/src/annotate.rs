//! Root causes and improvement actions: each command takes the current workspace and calls one
//! `qbr_api::annotate` operation. Deletes are soft, so Undo is `restore_*`.

use chrono::Utc;
use qbr_api::{
    ActionInput, ActionPage, ActionPatchInput, ActionQuery, ActionView, ActionsPage,
    CauseDetailView, CauseInput, CausePatchInput, CauseQuery, CauseView,
};
use tauri::State;

use crate::commands::{current_path, AppState, CmdResult};

fn today() -> chrono::NaiveDate {
    Utc::now().date_naive()
}

#[tauri::command]
pub async fn list_causes(
    state: State<'_, AppState>,
    query: CauseQuery,
) -> CmdResult<Vec<CauseView>> {
    qbr_api::annotate::list_causes(&current_path(&state)?, &query)
}

#[tauri::command]
pub async fn add_cause(state: State<'_, AppState>, cause: CauseInput) -> CmdResult<CauseView> {
    qbr_api::annotate::add_cause(&current_path(&state)?, &cause, Utc::now())
}

#[tauri::command]
pub async fn cause_detail(state: State<'_, AppState>, id: i64) -> CmdResult<CauseDetailView> {
    qbr_api::annotate::cause_detail(&current_path(&state)?, id, today())
}

#[tauri::command]
pub async fn edit_cause(
    state: State<'_, AppState>,
    id: i64,
    patch: CausePatchInput,
) -> CmdResult<CauseView> {
    qbr_api::annotate::edit_cause(&current_path(&state)?, id, &patch, Utc::now())
}

#[tauri::command]
pub async fn remove_cause(state: State<'_, AppState>, id: i64) -> CmdResult<CauseView> {
    qbr_api::annotate::remove_cause(&current_path(&state)?, id, Utc::now())
}

#[tauri::command]
pub async fn restore_cause(state: State<'_, AppState>, id: i64) -> CmdResult<CauseView> {
    qbr_api::annotate::restore_cause(&current_path(&state)?, id)
}

/// The actions matching the filters, with what the filters and the action form choose from.
#[tauri::command]
pub async fn actions_page(
    state: State<'_, AppState>,
    query: ActionQuery,
) -> CmdResult<ActionsPage> {
    qbr_api::annotate::actions_page(&current_path(&state)?, &query, today())
}

#[tauri::command]
pub async fn add_action(state: State<'_, AppState>, action: ActionInput) -> CmdResult<ActionView> {
    qbr_api::annotate::add_action(&current_path(&state)?, &action, today(), Utc::now())
}

/// One action with its causes, notes, effect (windows of `weeks` weeks) and effect chart.
#[tauri::command]
pub async fn action_page(
    state: State<'_, AppState>,
    id: i64,
    weeks: Option<u32>,
) -> CmdResult<ActionPage> {
    qbr_api::annotate::action_page(&current_path(&state)?, id, weeks, today())
}

#[tauri::command]
pub async fn update_action(
    state: State<'_, AppState>,
    id: i64,
    patch: ActionPatchInput,
) -> CmdResult<ActionView> {
    qbr_api::annotate::update_action(&current_path(&state)?, id, &patch, today(), Utc::now())
}

#[tauri::command]
pub async fn add_action_note(
    state: State<'_, AppState>,
    id: i64,
    noted_on: Option<String>,
    text: String,
) -> CmdResult<ActionView> {
    qbr_api::annotate::add_action_note(
        &current_path(&state)?,
        id,
        noted_on.as_deref(),
        &text,
        today(),
        Utc::now(),
    )
}

#[tauri::command]
pub async fn remove_action(state: State<'_, AppState>, id: i64) -> CmdResult<ActionView> {
    qbr_api::annotate::remove_action(&current_path(&state)?, id, today(), Utc::now())
}

#[tauri::command]
pub async fn restore_action(state: State<'_, AppState>, id: i64) -> CmdResult<ActionView> {
    qbr_api::annotate::restore_action(&current_path(&state)?, id, today())
}
