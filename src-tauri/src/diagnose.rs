//! The diagnostic commands: attention list, control chart, drivers, correlation and staffing.
//! Each takes the open workspace and the user's choices and calls one `qbr_api::diagnose`
//! operation.

use chrono::Utc;
use qbr_api::diagnose::{ControlQuery, CorrelateQuery, DriversQuery, StaffingQuery};
use qbr_api::{AttentionReport, ControlReport, CorrelationReport, DriversReport, StaffingReport};
use tauri::State;

use crate::commands::{current_path, AppState, CmdResult};

#[tauri::command]
pub async fn attention(
    state: State<'_, AppState>,
    period: Option<String>,
) -> CmdResult<AttentionReport> {
    // Stops, as cancelled, once another period's scorecard is asked for (`WantedPeriod`).
    qbr_api::diagnose::attention_unless_replaced(
        &current_path(&state)?,
        period.as_deref(),
        Utc::now().date_naive(),
        Some(state.wanted.replaced()),
    )
}

#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn control_chart(
    state: State<'_, AppState>,
    metric: String,
    grain: String,
    from: String,
    to: String,
    baseline: Option<String>,
    filters: Vec<String>,
) -> CmdResult<ControlReport> {
    qbr_api::diagnose::control(
        &current_path(&state)?,
        &ControlQuery {
            metric,
            grain,
            from,
            to,
            baseline,
            filters,
            method: None,
        },
    )
}

#[tauri::command]
pub async fn drivers(
    state: State<'_, AppState>,
    metric: String,
    from: String,
    to: String,
    by: String,
) -> CmdResult<DriversReport> {
    qbr_api::diagnose::drivers(
        &current_path(&state)?,
        &DriversQuery {
            metric,
            from,
            to,
            by,
            filters: Vec::new(),
        },
    )
}

#[tauri::command]
pub async fn correlate(
    state: State<'_, AppState>,
    metrics: Vec<String>,
    by: String,
    period: Option<String>,
) -> CmdResult<CorrelationReport> {
    qbr_api::diagnose::correlate(
        &current_path(&state)?,
        &CorrelateQuery {
            metrics,
            by,
            period,
            filters: Vec::new(),
        },
        Utc::now().date_naive(),
    )
}

#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn staffing(
    state: State<'_, AppState>,
    period: Option<String>,
    target_sl: f64,
    agents: Option<u32>,
    interval_minutes: u32,
    hours_open: f64,
    shrinkage: Option<f64>,
) -> CmdResult<StaffingReport> {
    qbr_api::diagnose::staffing(
        &current_path(&state)?,
        &StaffingQuery {
            period,
            target_sl,
            agents,
            interval_minutes,
            hours_open,
            shrinkage,
            threshold_s: None,
            filters: Vec::new(),
        },
        Utc::now().date_naive(),
    )
}
