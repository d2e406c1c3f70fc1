// Generated from crates/qbr-api/src/wire.rs by `UPDATE_BINDINGS=1 cargo test -p qbr-api`.
// Do not edit by hand; a test fails when this file and the Rust types disagree.

export type ErrorCode = "not_found" | "already_exists" | "not_a_workspace" | "newer_version" | "busy" | "read_only" | "invalid_input" | "cancelled" | "internal";

export type ErrorView = { code: ErrorCode, message: string, };

export type ThresholdsView = { voice_s: number, chat_s: number, messaging_s: number, email_s: number, };

export type SettingsView = { client_name: string, 
/**
 * IANA name, e.g. `Europe/Dublin`.
 */
timezone: string, 
/**
 * 1 = January.
 */
fiscal_year_start_month: number, 
/**
 * ISO 4217 code.
 */
currency: string, thresholds: ThresholdsView, short_abandon_s: number, };

export type NewWorkspaceRequest = { client_name: string, timezone: string, fiscal_year_start_month: number, currency: string, };

export type SettingsPatch = { client_name: string | null, timezone: string | null, 
/**
 * A number 1–12 or a month name.
 */
fiscal_year_start_month: string | null, currency: string | null, voice_threshold_s: number | null, chat_threshold_s: number | null, messaging_threshold_s: number | null, email_threshold_s: number | null, short_abandon_s: number | null, };

export type DataRangeView = { 
/**
 * `YYYY-MM-DD`, in the workspace time zone.
 */
first_day: string, last_day: string, };

export type CountsView = { interactions: number, fact_rows: number, programs: number, queues: number, sites: number, agents: number, targets: number, root_causes: number, actions: number, imports: number, };

export type ImportView = { id: number, kind: string, file_name: string, sha256: string, preset: string | null, rows_read: number, rows_taken: number, rows_refused: number, rows_duplicate: number, first_day: string | null, last_day: string | null, 
/**
 * RFC 3339, UTC.
 */
imported_at: string, undone: boolean, };

export type WorkspaceInfo = { path: string, format_version: number, settings: SettingsView, 
/**
 * Absent when the workspace holds no data yet.
 */
data_range: DataRangeView | null, counts: CountsView, 
/**
 * Contacts offered over the whole data range.
 */
contacts_offered: number, imports: Array<ImportView>, };

export type WorkspacePage = { info: WorkspaceInfo, 
/**
 * Daily contacts offered, as an SVG sparkline (no script, no external references).
 */
volume_svg: string, };

export type RecentWorkspace = { path: string, client_name: string, 
/**
 * RFC 3339, UTC.
 */
opened_at: string, 
/**
 * False when the file has since been moved or deleted.
 */
exists: boolean, };

export type StartState = { recent: Array<RecentWorkspace>, 
/**
 * IANA zone names for the new-workspace form, the system's own first when known.
 */
timezones: Array<string>, default_timezone: string, app_version: string, };
