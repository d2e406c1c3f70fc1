// The one module that talks to Rust. Components receive a `Backend`, so they can be exercised
// against a fake in tests.
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  ActionInput,
  ActionPage,
  ActionPatchInput,
  ActionQuery,
  ActionView,
  ActionsPage,
  AttentionReport,
  CauseDetailView,
  CauseInput,
  CausePatchInput,
  CauseQuery,
  CauseView,
  ControlReport,
  CorrelationReport,
  DetectionView,
  DriversReport,
  DropEventView,
  ErrorView,
  ImportDetailView,
  ImportProgressView,
  ImportReportView,
  ImportRequest,
  ImportView,
  MetricDefInput,
  MetricDefinitionView,
  MetricDetailPage,
  NewWorkspaceRequest,
  ClientMetricsView,
  PackBuilderPage,
  PackDefinition,
  PackExportView,
  PackLogo,
  PackPreview,
  PackProgressView,
  PackSnapshotView,
  PackTemplateView,
  ProgramAliasView,
  RecomputeProgressView,
  ScorecardPage,
  SettingsPage,
  SettingsPatch,
  SettingsSaved,
  SettingsView,
  StaffingReport,
  StartState,
  TargetInput,
  TargetView,
  UndoReportView,
  VariantsPatch,
  VariantsView,
  WorkspacePage,
} from "./bindings";

/** What the pack is exported as: the print PDF or the same pages as a PowerPoint deck. */
export type PackFormat = "pdf" | "pptx";

export interface Backend {
  startState(): Promise<StartState>;
  initialWorkspace(): Promise<WorkspacePage | null>;
  openDemo(): Promise<WorkspacePage>;
  openWorkspaceDialog(): Promise<WorkspacePage | null>;
  createWorkspaceDialog(request: NewWorkspaceRequest): Promise<WorkspacePage | null>;
  openRecent(path: string): Promise<WorkspacePage>;
  reloadWorkspace(): Promise<WorkspacePage>;
  /** Opens the one `.qbr` file just dropped on the window. */
  openDroppedWorkspace(): Promise<WorkspacePage>;
  /** Remembers the period looked at, for the next start. */
  rememberPeriod(period: string): Promise<void>;
  /** Shows the last exported file selected in the file manager; returns its path. */
  showInFolder(): Promise<string>;
  /** Tells `onEvent` about files dragged over or dropped on the window. */
  watchDrops(onEvent: (e: DropEventView) => void): Promise<void>;
  /** What the dropped export files hold; they become the files of the next import. */
  takeDroppedFiles(): Promise<DetectionView[]>;
  /** `period` null = latest complete quarter; `by` null = whole account. */
  scorecard(period: string | null, by: string | null): Promise<ScorecardPage>;
  /** Opens the file dialog; null when cancelled. */
  pickImportFiles(): Promise<DetectionView[] | null>;
  importPicked(
    request: ImportRequest,
    onProgress: (p: ImportProgressView) => void,
  ): Promise<ImportReportView[]>;
  cancelImport(): Promise<void>;
  listImports(): Promise<ImportView[]>;
  undoImport(batchId: number): Promise<UndoReportView>;
  importDetail(batchId: number): Promise<ImportDetailView>;
  metricDetail(metric: string, period: string | null, by: string | null): Promise<MetricDetailPage>;
  settingsPage(): Promise<SettingsPage>;
  saveSettings(
    patch: SettingsPatch,
    onProgress: (p: RecomputeProgressView) => void,
  ): Promise<SettingsSaved>;
  saveVariants(patch: VariantsPatch): Promise<VariantsView>;
  addTarget(target: TargetInput): Promise<TargetView>;
  removeTarget(id: number): Promise<void>;
  /** Opens the file dialog for a targets CSV; null when cancelled. */
  importTargetsDialog(): Promise<TargetView[] | null>;
  addMetricDef(definition: MetricDefInput): Promise<MetricDefinitionView>;
  removeMetricDef(id: string): Promise<void>;
  setProgramAlias(alias: ProgramAliasView): Promise<ProgramAliasView[]>;
  removeProgramAlias(source: string, name: string): Promise<void>;
  listCauses(query: CauseQuery): Promise<CauseView[]>;
  addCause(cause: CauseInput): Promise<CauseView>;
  causeDetail(id: number): Promise<CauseDetailView>;
  editCause(id: number, patch: CausePatchInput): Promise<CauseView>;
  /** Soft delete: `restoreCause` undoes it. */
  removeCause(id: number): Promise<CauseView>;
  restoreCause(id: number): Promise<CauseView>;
  actionsPage(query: ActionQuery): Promise<ActionsPage>;
  addAction(action: ActionInput): Promise<ActionView>;
  /** `weeks` null = 4-week windows. */
  actionPage(id: number, weeks: number | null): Promise<ActionPage>;
  updateAction(id: number, patch: ActionPatchInput): Promise<ActionView>;
  /** `notedOn` null = today. */
  addActionNote(id: number, notedOn: string | null, text: string): Promise<ActionView>;
  /** Soft delete: `restoreAction` undoes it. */
  removeAction(id: number): Promise<ActionView>;
  restoreAction(id: number): Promise<ActionView>;
  /** What needs attention in `period` (null = latest complete quarter), ranked. */
  attention(period: string | null): Promise<AttentionReport>;
  /** A control chart; `baseline` is `FROM..TO` (null = the whole range); filters `DIM=VALUE`. */
  controlChart(
    metric: string,
    grain: "day" | "week",
    from: string,
    to: string,
    baseline: string | null,
    filters: string[],
  ): Promise<ControlReport>;
  drivers(metric: string, from: string, to: string, by: string): Promise<DriversReport>;
  /** `by` is "week" or a dimension. */
  correlate(metrics: [string, string], by: string, period: string | null): Promise<CorrelationReport>;
  staffing(input: StaffingInput): Promise<StaffingReport>;
  /** The pack builder for `period` (null = latest complete quarter). */
  packBuilder(period: string | null): Promise<PackBuilderPage>;
  /** The pack's pages as SVG, laid out as the PDF will be. */
  packPreview(period: string | null, definition: PackDefinition): Promise<PackPreview>;
  /** Opens the image dialog; null when cancelled. */
  packChooseLogo(): Promise<PackLogo | null>;
  /** Asks for a PowerPoint template (.potx or .pptx) for decks; its file name, or null when
   * cancelled. A file the deck cannot use is refused with the core's message. */
  packChooseDeckTemplate(): Promise<string | null>;
  /** The chosen PowerPoint template's file name (kept for the session), or null. */
  packDeckTemplate(): Promise<string | null>;
  /** Forgets the chosen PowerPoint template. */
  packClearDeckTemplate(): Promise<void>;
  /** Opens the save dialog and exports as a PDF or a PowerPoint deck; null when cancelled. */
  packExportDialog(
    period: string | null,
    definition: PackDefinition,
    template: string | null,
    format: PackFormat,
    onProgress: (p: PackProgressView) => void,
  ): Promise<PackExportView | null>;
  /** Re-renders a stored snapshot where the user chooses; null when cancelled. */
  packReexportDialog(id: number, format: PackFormat): Promise<PackExportView | null>;
  listPacks(): Promise<PackSnapshotView[]>;
  savePackTemplate(name: string, definition: PackDefinition): Promise<PackTemplateView>;
  removePackTemplate(name: string): Promise<void>;
  /** Chooses which metrics a client pack may show; null goes back to the default rule. */
  setPackClientMetrics(metrics: string[] | null): Promise<ClientMetricsView>;
  /** Saves the scorecard as csv or xlsx; the path written, or null when cancelled. */
  scorecardExportDialog(period: string | null, format: "csv" | "xlsx"): Promise<string | null>;
  /** Saves a metric's trend chart as png or svg; the path written, or null when cancelled. */
  chartExportDialog(metric: string, period: string | null, format: "png" | "svg"): Promise<string | null>;
}

/** The staffing calculator's inputs (fractions for the target and shrinkage). */
export interface StaffingInput {
  period: string | null;
  targetSl: number;
  agents: number | null;
  intervalMinutes: number;
  hoursOpen: number;
  /** null = the period's measured shrinkage. */
  shrinkage: number | null;
}

export const tauriBackend: Backend = {
  startState: () => invoke("start_state"),
  initialWorkspace: () => invoke("initial_workspace"),
  openDemo: () => invoke("open_demo"),
  openWorkspaceDialog: () => invoke("open_workspace_dialog"),
  createWorkspaceDialog: (request) => invoke("create_workspace_dialog", { request }),
  openRecent: (path) => invoke("open_recent", { path }),
  reloadWorkspace: () => invoke("reload_workspace"),
  openDroppedWorkspace: () => invoke("open_dropped_workspace"),
  rememberPeriod: (period) => invoke("remember_period", { period }),
  watchDrops: (onEvent) => {
    const channel = new Channel<DropEventView>();
    channel.onmessage = onEvent;
    return invoke("watch_drops", { onEvent: channel });
  },
  takeDroppedFiles: () => invoke("take_dropped_files"),
  showInFolder: () => invoke("show_in_folder"),
  scorecard: (period, by) => invoke("scorecard", { period, by }),
  pickImportFiles: () => invoke("pick_import_files"),
  importPicked: (request, onProgress) => {
    const channel = new Channel<ImportProgressView>();
    channel.onmessage = onProgress;
    return invoke("import_picked", { request, onProgress: channel });
  },
  cancelImport: () => invoke("cancel_import"),
  listImports: () => invoke("list_imports"),
  undoImport: (batchId) => invoke("undo_import", { batchId }),
  importDetail: (batchId) => invoke("import_detail", { batchId }),
  metricDetail: (metric, period, by) => invoke("metric_detail", { metric, period, by }),
  settingsPage: () => invoke("settings_page"),
  saveSettings: (patch, onProgress) => {
    const channel = new Channel<RecomputeProgressView>();
    channel.onmessage = onProgress;
    return invoke("save_settings", { patch, onProgress: channel });
  },
  saveVariants: (patch) => invoke("save_variants", { patch }),
  addTarget: (target) => invoke("add_target", { target }),
  removeTarget: (id) => invoke("remove_target", { id }),
  importTargetsDialog: () => invoke("import_targets_dialog"),
  addMetricDef: (definition) => invoke("add_metric_def", { definition }),
  removeMetricDef: (id) => invoke("remove_metric_def", { id }),
  setProgramAlias: (alias) => invoke("set_program_alias", { alias }),
  removeProgramAlias: (source, name) => invoke("remove_program_alias", { source, name }),
  listCauses: (query) => invoke("list_causes", { query }),
  addCause: (cause) => invoke("add_cause", { cause }),
  causeDetail: (id) => invoke("cause_detail", { id }),
  editCause: (id, patch) => invoke("edit_cause", { id, patch }),
  removeCause: (id) => invoke("remove_cause", { id }),
  restoreCause: (id) => invoke("restore_cause", { id }),
  actionsPage: (query) => invoke("actions_page", { query }),
  addAction: (action) => invoke("add_action", { action }),
  actionPage: (id, weeks) => invoke("action_page", { id, weeks }),
  updateAction: (id, patch) => invoke("update_action", { id, patch }),
  addActionNote: (id, notedOn, text) => invoke("add_action_note", { id, notedOn, text }),
  removeAction: (id) => invoke("remove_action", { id }),
  restoreAction: (id) => invoke("restore_action", { id }),
  attention: (period) => invoke("attention", { period }),
  controlChart: (metric, grain, from, to, baseline, filters) =>
    invoke("control_chart", { metric, grain, from, to, baseline, filters }),
  drivers: (metric, from, to, by) => invoke("drivers", { metric, from, to, by }),
  correlate: (metrics, by, period) => invoke("correlate", { metrics, by, period }),
  staffing: (i) =>
    invoke("staffing", {
      period: i.period,
      targetSl: i.targetSl,
      agents: i.agents,
      intervalMinutes: i.intervalMinutes,
      hoursOpen: i.hoursOpen,
      shrinkage: i.shrinkage,
    }),
  packBuilder: (period) => invoke("pack_builder", { period }),
  packPreview: (period, definition) => invoke("pack_preview", { period, definition }),
  packChooseLogo: () => invoke("pack_choose_logo"),
  packChooseDeckTemplate: () => invoke("pack_choose_deck_template"),
  packDeckTemplate: () => invoke("pack_deck_template"),
  packClearDeckTemplate: () => invoke("pack_clear_deck_template"),
  packExportDialog: (period, definition, template, format, onProgress) => {
    const channel = new Channel<PackProgressView>();
    channel.onmessage = onProgress;
    return invoke("pack_export_dialog", { period, definition, template, format, onProgress: channel });
  },
  packReexportDialog: (id, format) => invoke("pack_reexport_dialog", { id, format }),
  listPacks: () => invoke("list_packs"),
  savePackTemplate: (name, definition) => invoke("save_pack_template", { name, definition }),
  removePackTemplate: (name) => invoke("remove_pack_template", { name }),
  setPackClientMetrics: (metrics) => invoke("set_pack_client_metrics", { metrics }),
  scorecardExportDialog: (period, format) => invoke("scorecard_export_dialog", { period, format }),
  chartExportDialog: (metric, period, format) => invoke("chart_export_dialog", { metric, period, format }),
};

const CODES = new Set([
  "not_found",
  "already_exists",
  "not_a_workspace",
  "newer_version",
  "busy",
  "read_only",
  "invalid_input",
  "cancelled",
  "internal",
  "ambiguous_dates",
  "mapping_needed",
  "mapping_probably_wrong",
  "unclear_question",
  "ambiguous_numbers",
]);

/** Whatever was thrown, as `{code, message}` with a message a person can read. */
export function toErrorView(e: unknown): ErrorView {
  if (typeof e === "object" && e !== null) {
    const o = e as Record<string, unknown>;
    if (typeof o.code === "string" && CODES.has(o.code) && typeof o.message === "string") {
      return { code: o.code as ErrorView["code"], message: o.message };
    }
    if (e instanceof Error) {
      return { code: "internal", message: e.message || "Something went wrong." };
    }
  }
  if (typeof e === "string" && e.trim() !== "") {
    return { code: "internal", message: e };
  }
  return { code: "internal", message: "Something went wrong; please try again." };
}

/** What to suggest after an error, by code. */
export function adviceFor(error: ErrorView): string | null {
  switch (error.code) {
    case "busy":
      return "Another program is saving to this workspace. Wait for it to finish, then try again.";
    case "newer_version":
      return "Install the latest QBR Desk to open this file.";
    case "not_a_workspace":
      return "Choose a .qbr file created by QBR Desk.";
    case "read_only":
      return "Check that the file and its folder can be written, and that the disk has space.";
    case "not_found":
      return "The file may have been moved or deleted.";
    case "ambiguous_dates":
      return "Choose whether the dates are day-first or month-first, then import again.";
    case "unclear_question":
      return "Choose which survey question is the rating (or none), then import again.";
    case "ambiguous_numbers":
      return "Choose the decimal mark of the file's numbers (point: 1,234.5; comma: 1.234,5), then import again.";
    case "mapping_needed":
    case "mapping_probably_wrong":
      return "Check the detected kind and columns: choose the kind or preset of the file, then import again.";
    default:
      return null;
  }
}
