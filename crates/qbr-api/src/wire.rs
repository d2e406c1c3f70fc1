//! Wire types: what crosses to the web view and what `--json` prints. Field names are a contract
//! (snake_case, documented in the README); TypeScript declarations are generated from these types
//! into `ui/src/lib/bindings.ts`, and a test fails when the committed file drifts.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An error as the UI and scripts see it: a code to branch on and a sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ErrorView {
    pub code: ErrorCode,
    pub message: String,
}

/// Only the cases a caller actually branches on get their own code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    AlreadyExists,
    NotAWorkspace,
    NewerVersion,
    Busy,
    ReadOnly,
    InvalidInput,
    Cancelled,
    Internal,
}

/// Service thresholds T per channel, in seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ThresholdsView {
    pub voice_s: u32,
    pub chat_s: u32,
    pub messaging_s: u32,
    pub email_s: u32,
}

/// A workspace's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SettingsView {
    pub client_name: String,
    /// IANA name, e.g. `Europe/Dublin`.
    pub timezone: String,
    /// 1 = January.
    pub fiscal_year_start_month: u32,
    /// ISO 4217 code.
    pub currency: String,
    pub thresholds: ThresholdsView,
    pub short_abandon_s: u32,
}

/// What a new workspace asks for; the rest takes defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewWorkspaceRequest {
    pub client_name: String,
    pub timezone: String,
    pub fiscal_year_start_month: u32,
    pub currency: String,
}

/// A change to some settings; absent fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct SettingsPatch {
    pub client_name: Option<String>,
    pub timezone: Option<String>,
    /// A number 1–12 or a month name.
    pub fiscal_year_start_month: Option<String>,
    pub currency: Option<String>,
    pub voice_threshold_s: Option<u32>,
    pub chat_threshold_s: Option<u32>,
    pub messaging_threshold_s: Option<u32>,
    pub email_threshold_s: Option<u32>,
    pub short_abandon_s: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DataRangeView {
    /// `YYYY-MM-DD`, in the workspace time zone.
    pub first_day: String,
    pub last_day: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CountsView {
    pub interactions: u64,
    pub fact_rows: u64,
    pub programs: u64,
    pub queues: u64,
    pub sites: u64,
    pub agents: u64,
    pub targets: u64,
    pub root_causes: u64,
    pub actions: u64,
    pub imports: u64,
}

/// One import batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportView {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub preset: Option<String>,
    pub rows_read: u64,
    pub rows_taken: u64,
    pub rows_refused: u64,
    pub rows_duplicate: u64,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    /// RFC 3339, UTC.
    pub imported_at: String,
    pub undone: bool,
}

/// `qbr info --json`, and the header of the app's summary page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkspaceInfo {
    pub path: String,
    pub format_version: i64,
    pub settings: SettingsView,
    /// Absent when the workspace holds no data yet.
    pub data_range: Option<DataRangeView>,
    pub counts: CountsView,
    /// Contacts offered over the whole data range.
    pub contacts_offered: u64,
    pub imports: Vec<ImportView>,
}

/// The app's summary page: the info plus a volume chart drawn by the render crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkspacePage {
    pub info: WorkspaceInfo,
    /// Daily contacts offered, as an SVG sparkline (no script, no external references).
    pub volume_svg: String,
}

/// A workspace the user opened before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecentWorkspace {
    pub path: String,
    pub client_name: String,
    /// RFC 3339, UTC.
    pub opened_at: String,
    /// False when the file has since been moved or deleted.
    pub exists: bool,
}

/// What the start page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StartState {
    pub recent: Vec<RecentWorkspace>,
    /// IANA zone names for the new-workspace form, the system's own first when known.
    pub timezones: Vec<String>,
    pub default_timezone: String,
    pub app_version: String,
}

/// Every declaration, in dependency order, as written to `ui/src/lib/bindings.ts`.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let decls = [
        ErrorCode::decl(&cfg),
        ErrorView::decl(&cfg),
        ThresholdsView::decl(&cfg),
        SettingsView::decl(&cfg),
        NewWorkspaceRequest::decl(&cfg),
        SettingsPatch::decl(&cfg),
        DataRangeView::decl(&cfg),
        CountsView::decl(&cfg),
        ImportView::decl(&cfg),
        WorkspaceInfo::decl(&cfg),
        WorkspacePage::decl(&cfg),
        RecentWorkspace::decl(&cfg),
        StartState::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from crates/qbr-api/src/wire.rs by `UPDATE_BINDINGS=1 cargo test -p qbr-api`.\n// Do not edit by hand; a test fails when this file and the Rust types disagree.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
