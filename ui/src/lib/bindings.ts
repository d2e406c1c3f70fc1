// Generated from crates/qbr-api/src/wire.rs by `UPDATE_BINDINGS=1 cargo test -p qbr-api`.
// Do not edit by hand; a test fails when this file and the Rust types disagree.

export type ErrorCode = "not_found" | "already_exists" | "not_a_workspace" | "newer_version" | "busy" | "read_only" | "invalid_input" | "cancelled" | "internal" | "ambiguous_dates" | "mapping_needed" | "mapping_probably_wrong" | "unclear_question" | "ambiguous_numbers";

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
currency: string, 
/**
 * BCP 47 tag of how dates read, one of the supported locales: `en-GB`.
 */
locale: string, thresholds: ThresholdsView, short_abandon_s: number, };

export type SettingsSaved = { 
/**
 * Days of imported contacts whose figures were recomputed under the new thresholds.
 */
days_recomputed: number, 
/**
 * Interval files whose service-level counts keep their source's own threshold.
 */
kept_by_source: Array<string>, 
/**
 * What the change did, in words; null when it recomputed nothing.
 */
message: string | null, client_name: string, 
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
currency: string, 
/**
 * BCP 47 tag of how dates read, one of the supported locales: `en-GB`.
 */
locale: string, thresholds: ThresholdsView, short_abandon_s: number, };

export type RecomputeProgressView = { done: number, total: number, };

export type NewWorkspaceRequest = { client_name: string, timezone: string, fiscal_year_start_month: number, currency: string, 
/**
 * How dates read, one of the supported locales (`en-US`); none is the default, `en-GB`.
 */
locale: string | null, };

export type SettingsPatch = { client_name: string | null, timezone: string | null, 
/**
 * A number 1–12 or a month name.
 */
fiscal_year_start_month: string | null, currency: string | null, 
/**
 * A supported locale's tag, `en-US`.
 */
locale: string | null, voice_threshold_s: number | null, chat_threshold_s: number | null, messaging_threshold_s: number | null, email_threshold_s: number | null, short_abandon_s: number | null, };

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
volume_svg: string, 
/**
 * The period the user last looked at in this workspace (e.g. "2026-Q3"). The desktop app
 * remembers it outside the workspace file; the API itself leaves it empty.
 */
remembered_period: string | null, };

export type RecentWorkspace = { path: string, client_name: string, 
/**
 * RFC 3339, UTC.
 */
opened_at: string, 
/**
 * False when the file has since been moved or deleted.
 */
exists: boolean, 
/**
 * The workspace's locale when it was last opened (how the start page writes its dates);
 * none in lists from before locales were remembered.
 */
locale: string | null, };

export type StartState = { recent: Array<RecentWorkspace>, 
/**
 * IANA zone names for the new-workspace form, the system's own first when known.
 */
timezones: Array<string>, default_timezone: string, app_version: string, 
/**
 * Currencies to pick from, by ISO code.
 */
currencies: Array<CurrencyView>, 
/**
 * The supported locales, the default first, for the new-workspace form.
 */
locales: Array<LocaleView>, };

export type PeriodView = { label: string, 
/**
 * First day, `YYYY-MM-DD`.
 */
start: string, 
/**
 * Last day, inclusive.
 */
end: string, 
/**
 * day, week, month, quarter, year or range.
 */
grain: string, };

export type MetricDefinitionView = { id: string, name: string, 
/**
 * count, ratio, seconds, score, scale_1_7, points or money.
 */
unit: string, 
/**
 * higher, lower, band or none.
 */
direction: string, 
/**
 * The formula with the variant in force, as printed in the pack's appendix.
 */
formula: string, 
/**
 * The same formula in words, for a person: `handle time ÷ contacts handled`.
 */
formula_words: string, 
/**
 * What the sample size `n` counts (`contacts handled`, `satisfaction responses`); null when
 * the metric has no sample.
 */
sample_words: string | null, 
/**
 * The family the scorecard groups it in: service, customer, efficiency, people, money or
 * other (custom metrics).
 */
family: string, builtin: boolean, min_sample: number | null, };

export type ScopeView = { dimension: string, value: string, };

export type TargetView = { id: number, metric_id: string, scope: ScopeView | null, 
/**
 * at_least, at_most or band.
 */
direction: string, value: number, value_high: number | null, 
/**
 * Amber tolerance as a fraction of the target.
 */
tolerance: number, effective_from: string, effective_to: string | null, };

export type ChangeView = { 
/**
 * In the metric's unit (fractions for ratios).
 */
absolute: number, 
/**
 * Percentage points, for ratios only.
 */
points: number | null, 
/**
 * Relative to the base; null when the base is 0.
 */
relative: number | null, };

export type CoverageView = { 
/**
 * The denominator the value is computed over.
 */
covered: number, 
/**
 * The denominator of the whole scope.
 */
total: number, 
/**
 * covered / total.
 */
share: number, 
/**
 * What the rest lacks: "queue B has no waits".
 */
lacking: Array<string>, 
/**
 * "computed over 1,200 of 1,500 (80%): queue B has no waits".
 */
text: string, };

export type MetricEntryView = { 
/**
 * Null when there is no value; `reason` says why.
 */
value: number | null, numerator: number | null, denominator: number | null, 
/**
 * Sample size (responses, evaluations or contacts).
 */
n: number | null, unit: string, target: TargetView | null, 
/**
 * green, amber, red or none.
 */
status: string, 
/**
 * The value in the previous period (QoQ base).
 */
previous: number | null, 
/**
 * The value in the same period a year earlier (YoY base).
 */
year_ago: number | null, change_previous: ChangeView | null, change_year_ago: ChangeView | null, 
/**
 * e.g. low_sample.
 */
flags: Array<string>, reason: string | null, 
/**
 * Set when part of the scope lacks the numerator's measures: the value is over the rest.
 */
coverage: CoverageView | null, 
/**
 * What else a reader must know to read the value right, in words.
 */
notes: Array<string>, };

export type GroupView = { key: { [key in string]: string | null }, label: string, metrics: { [key in string]: MetricEntryView }, };

export type MetricsReport = { period: PeriodView, previous_period: PeriodView | null, year_ago_period: PeriodView | null, currency: string, 
/**
 * The metrics shown, in display order, with the formulas in force.
 */
definitions: Array<MetricDefinitionView>, groups: Array<GroupView>, };

export type SeriesPointView = { period: PeriodView, value: number | null, n: number | null, moving_average: number | null, reason: string | null, 
/**
 * Fewer days than its grain (cut by the range or by the data's first or last day).
 */
partial: boolean, 
/**
 * Days of the bucket that hold data.
 */
days: number, };

export type TrendView = { 
/**
 * Least-squares slope in the metric's unit per bucket.
 */
slope_per_period: number, 
/**
 * Whether the slope moves the metric the better way; null for volumes and bands.
 */
improving: boolean | null, points: number, 
/**
 * Partial buckets left out of a count's trend.
 */
partial_left_out: number, };

export type SeriesLineView = { key: { [key in string]: string | null }, label: string, metric_id: string, unit: string, points: Array<SeriesPointView>, trend: TrendView | null, };

export type SeriesReport = { range: PeriodView, grain: string, definitions: Array<MetricDefinitionView>, lines: Array<SeriesLineView>, };

export type ScorecardPage = { report: MetricsReport, 
/**
 * Per metric id: the metric week by week over the period, as an SVG sparkline.
 */
sparklines: { [key in string]: string }, 
/**
 * Quarters that hold data, newest first, for the period picker.
 */
periods: Array<PeriodView>, 
/**
 * Dimensions the scorecard can be grouped by.
 */
dimensions: Array<string>, 
/**
 * Service level and ASA per channel (whole account only; empty when grouped): a figure
 * across channels mixes an email answered in hours with a call answered in seconds. Each
 * with its target and status for the period; no comparison with earlier periods.
 */
by_channel: Array<GroupView>, };

export type TargetInput = { metric_id: string, scope: string | null, 
/**
 * at_least, at_most or band.
 */
direction: string, value: number, value_high: number | null, 
/**
 * Fraction of the target; 0.05 when absent.
 */
tolerance: number | null, effective_from: string, effective_to: string | null, };

export type VariantOptionView = { id: string, description: string, };

export type VariantsView = { service_level: string, csat: string, fcr: string, 
/**
 * The repeat-contact window, when FCR is computed from repeat contacts.
 */
fcr_repeat_days: number | null, attrition: string, service_level_options: Array<VariantOptionView>, csat_options: Array<VariantOptionView>, fcr_options: Array<VariantOptionView>, attrition_options: Array<VariantOptionView>, };

export type VariantsPatch = { service_level: string | null, csat: string | null, fcr: string | null, fcr_repeat_days: number | null, attrition: string | null, };

export type CurrencyView = { 
/**
 * ISO 4217 code, `EUR`.
 */
code: string, 
/**
 * `Euro`.
 */
name: string, };

export type LocaleView = { 
/**
 * BCP 47 tag, `en-GB`.
 */
tag: string, 
/**
 * `British English`.
 */
name: string, 
/**
 * 27 July 2026 as this locale writes it: `27 Jul 2026`.
 */
example: string, };

export type SettingsPage = { settings: SettingsView, variants: VariantsView, targets: Array<TargetView>, definitions: Array<MetricDefinitionView>, 
/**
 * Saved queue- and campaign-to-program mappings used by imports.
 */
program_aliases: Array<ProgramAliasView>, 
/**
 * The members a target can apply to, by dimension (program, queue, channel, site, team).
 */
members: { [key in string]: Array<string> }, 
/**
 * Every IANA zone name, for the time zone picker.
 */
timezones: Array<string>, 
/**
 * Currencies to pick from, by ISO code.
 */
currencies: Array<CurrencyView>, 
/**
 * The supported locales, for the date-format picker.
 */
locales: Array<LocaleView>, };

export type MetricDetailPage = { definition: MetricDefinitionView, period: PeriodView, currency: string, 
/**
 * The metric over the whole account for the period, with target and comparisons.
 */
overall: MetricEntryView, 
/**
 * The trend: week by week over the 52 weeks ending with the period, as an SVG chart.
 */
trend_svg: string, 
/**
 * The same weeks as numbers, for tables and screen readers.
 */
trend: SeriesLineView, 
/**
 * Root causes and action dates inside the trend's 52 weeks, as drawn on the chart.
 */
markers: Array<ChartMarkerView>, 
/**
 * Where each week of `trend_svg` lies, so the page can lay a button over each one.
 */
chart: ChartGeometryView, 
/**
 * The dimension of the breakdown, and one group per member for the period.
 */
breakdown_by: string, breakdown: Array<GroupView>, dimensions: Array<string>, };

export type MetricDefInput = { 
/**
 * Lower-case letters, digits and `_`, starting with a letter.
 */
id: string, name: string, formula: string, 
/**
 * count, ratio, seconds, score, scale_1_7, points or money.
 */
unit: string, 
/**
 * higher, lower, band or none.
 */
direction: string, };

export type ProgramAliasView = { 
/**
 * queue or campaign.
 */
source: string, source_name: string, program: string, };

export type SavedMappingView = { name: string, kind: string, columns: Array<MappedColumnView>, };

export type MappedColumnView = { field: string, 
/**
 * The header as the file spells it.
 */
header: string, 
/**
 * The unit of bare numbers in a duration column: ms, s, min, h or d.
 */
unit: string | null, 
/**
 * 1 for an exact name or a preset's documented column; lower for synonyms and guesses.
 */
confidence: number, 
/**
 * What the file's words in this column mean (an outcome's `Completed` → `handled`, a
 * channel's `Portal` → `email`, a yes/no column's `Sí` → `yes`); empty when none is needed.
 */
values: Array<ValueMeaningView>, };

export type ValueMeaningView = { 
/**
 * As the file writes it.
 */
value: string, 
/**
 * handled, abandoned, callback or other (outcome); voice, chat, messaging or email
 * (channel); yes or no (yes/no columns).
 */
means: string, };

export type ReadingView = { 
/**
 * contact_key, handled_or_abandoned, wait or handle_time.
 */
topic: string, 
/**
 * The columns it is read from.
 */
columns: Array<string>, 
/**
 * The reading in a sentence, with why.
 */
text: string, 
/**
 * Inferred from the headings rather than named by a preset or the user: the app asks the
 * user to confirm it before importing.
 */
inferred: boolean, };

export type HeadlineFigureView = { 
/**
 * offered, handled, abandon_rate, asa, aht, service_level, fcr or csat.
 */
metric_id: string, name: string, 
/**
 * count, ratio or seconds.
 */
unit: string, 
/**
 * Null when the file has no value for it; `reason` says why.
 */
value: number | null, numerator: number | null, denominator: number | null, n: number | null, 
/**
 * low_sample or reported_by_source (the source's own percentage).
 */
flags: Array<string>, 
/**
 * The flags and the value's notes in words ("short abandons are not in the data, so none
 * could be excluded", "computed over 1,200 of 1,500 (80%): …").
 */
notes: Array<string>, reason: string | null, };

export type PlausibilityView = { 
/**
 * abandonment_zero, abandonment_high, handled_above_offered, aht_short, aht_long,
 * one_day, future or repeated_keys.
 */
code: string, message: string, };

export type DetectionView = { file_name: string, 
/**
 * delimited, xlsx, xls or json.
 */
format: string, 
/**
 * The sheet the preview comes from (spreadsheets); every sheet is imported.
 */
sheet: string | null, 
/**
 * interactions, intervals, surveys, quality, workforce or finance; null when nothing matches.
 */
kind: string | null, preset: string | null, header: Array<string>, mapping: Array<MappedColumnView>, 
/**
 * Headers no field took.
 */
unmapped: Array<string>, 
/**
 * The first rows, as text.
 */
preview: Array<Array<string>>, 
/**
 * not_needed, dmy, mdy, ambiguous (the user must choose) or mixed.
 */
date_order: string, 
/**
 * The saved mapping the proposal comes from, if one fits.
 */
template: string | null, 
/**
 * The generic fields of every kind, for choosing columns by hand.
 */
fields_by_kind: { [key in string]: Array<string> }, 
/**
 * Ratings the file leaves unclear (Qualtrics: two questions read as satisfaction): ask
 * which column is which and pass it as `csat_column` / `ces_column`.
 */
questions: Array<QuestionChoiceView>, 
/**
 * How the figures' foundations would be read; the inferred ones need the user's consent.
 */
readings: Array<ReadingView>, 
/**
 * What the first rows' numbers say about the decimal mark: not_needed, point, comma,
 * ambiguous (the user may have to choose) or mixed.
 */
decimal_mark: string, 
/**
 * The text encoding of a delimited file that is not UTF-8 (Shift_JIS, windows-1252…).
 */
encoding: string | null, };

export type ImportRequest = { kind: string | null, preset: string | null, 
/**
 * A saved mapping's name, or the path of a mapping JSON file.
 */
mapping: string | null, 
/**
 * The program of every row, for files that name none.
 */
program: string | null, 
/**
 * The IANA zone offset-less times are written in; the workspace's by default.
 */
timezone: string | null, 
/**
 * dmy or mdy, for slashed dates the column cannot tell.
 */
date_order: string | null, 
/**
 * Refuse a whole file on its first bad row.
 */
strict: boolean, 
/**
 * Columns chosen by hand (field and header); they win over `mapping` and over detection.
 */
columns: Array<MappedColumnView> | null, 
/**
 * Save the mapping this import read with under this name, so that next quarter's file with
 * the same headers is read the same way without asking.
 */
save_mapping_as: string | null, 
/**
 * The column of the CSAT question, when the file leaves it unclear; `none` for no CSAT.
 */
csat_column: string | null, 
/**
 * The column of the CES question, likewise.
 */
ces_column: string | null, 
/**
 * Read and check every file and work out its figures, then keep nothing.
 */
dry_run: boolean, 
/**
 * point (1,234.5) or comma (1.234,5), for numbers such as `1.234` that their column cannot
 * tell; each column decides from its own values by default.
 */
decimal_mark: string | null, 
/**
 * Rows dated before this day are refused as misread (1990-01-01 by default).
 */
earliest: string | null, 
/**
 * Rows dated after this day are refused as misread (a year after today by default).
 */
latest: string | null, };

export type ImportProgressView = { file_name: string, 
/**
 * 0-based position of the file among those being imported.
 */
file_index: number, file_count: number, 
/**
 * fingerprint, checking_dates, reading, sorting_days (rows that came in no time order are
 * stored day by day; `rows_read` then counts those stored so far) or writing.
 */
phase: string, 
/**
 * Where the import is, in words, with the rows so far when it counts them ("reading: 12,000
 * rows"): what the app and the command line show.
 */
status: string, rows_read: number, 
/**
 * Bytes.
 */
file_size: number, };

export type RefusalView = { 
/**
 * The line, spreadsheet row or JSON record number.
 */
row: number, 
/**
 * The column as the file names it; null when the whole row is at fault.
 */
column: string | null, value: string, expected: string, };

export type ImportReportView = { file_name: string, sha256: string, 
/**
 * The new import; null when the file had been imported before.
 */
batch_id: number | null, 
/**
 * The import that already holds this exact file: nothing was changed.
 */
already_imported: number | null, kind: string, preset: string | null, rows_read: number, rows_taken: number, rows_refused: number, 
/**
 * Contacts already held (overlapping exports) and counted once.
 */
rows_duplicate: number, 
/**
 * The period covered, `YYYY-MM-DD` in the workspace time zone.
 */
first_day: string | null, last_day: string | null, notes: Array<string>, 
/**
 * The first 200 refusals; `qbr import-report` has them all.
 */
refusals: Array<RefusalView>, 
/**
 * How the file was read where it decides the figures.
 */
readings: Array<ReadingView>, 
/**
 * Offered, handled, abandonment, ASA, AHT, service level, FCR and CSAT of what this file
 * brought, for its own span.
 */
headline: Array<HeadlineFigureView>, 
/**
 * Figures that look implausible; the app asks before keeping such an import.
 */
flags: Array<PlausibilityView>, 
/**
 * A dry run: nothing was kept (`batch_id` is then null).
 */
dry_run: boolean, };

export type UndoReportView = { batch_id: number, facts_removed: number, contacts_removed: number, 
/**
 * Contacts the import had replaced or shared, now counted again under their other import.
 */
contacts_restored: number, };

export type ImportDetailView = { import: ImportView, refusals: Array<RefusalView>, };

export type CauseInput = { 
/**
 * One or more metric ids.
 */
metrics: Array<string>, scope: string | null, period_from: string, period_to: string, 
/**
 * people, process, technology, demand, customer, external or other.
 */
category: string, title: string, description: string, evidence: string, author: string, 
/**
 * internal or client; internal when empty.
 */
visibility: string, };

export type CausePatchInput = { metrics: Array<string> | null, scope: string | null, period_from: string | null, period_to: string | null, category: string | null, title: string | null, description: string | null, evidence: string | null, author: string | null, visibility: string | null, };

export type CauseQuery = { metric: string | null, 
/**
 * Causes whose period overlaps this one: `2026-Q3`, `2026-08`, `2026-07-01..2026-09-30`, …
 */
period: string | null, 
/**
 * `DIM=VALUE`, or `account` for account-wide causes only.
 */
scope: string | null, client_visible_only: boolean, include_deleted: boolean, };

export type CauseFieldsView = { metrics: Array<string>, 
/**
 * Null for the whole account.
 */
scope: ScopeView | null, period_from: string, period_to: string, category: string, title: string, description: string, evidence: string, author: string, 
/**
 * internal or client.
 */
visibility: string, };

export type CauseView = { id: number, fields: CauseFieldsView, 
/**
 * RFC 3339, UTC.
 */
created_at: string, updated_at: string, 
/**
 * Set while deleted; `restore` undoes the delete.
 */
deleted_at: string | null, };

export type CauseRevisionView = { id: number, 
/**
 * When the edit that replaced this state was made.
 */
edited_at: string, 
/**
 * When this state had been written.
 */
previous_updated_at: string, previous: CauseFieldsView, };

export type ActionInput = { title: string, description: string, owner: string, start_date: string | null, due_date: string | null, status: string, 
/**
 * When done; today when the status is done and this is null.
 */
completed_on: string | null, 
/**
 * Ids of the root causes it answers.
 */
causes: Array<number>, metric_id: string | null, scope: string | null, expected_kind: string | null, expected_value: number | null, 
/**
 * In the workspace currency.
 */
cost: number | null, };

export type ActionPatchInput = { title: string | null, description: string | null, owner: string | null, start_date: string | null, due_date: string | null, status: string | null, completed_on: string | null, causes: Array<number> | null, metric_id: string | null, scope: string | null, expected_kind: string | null, expected_value: number | null, cost: number | null, };

export type ActionQuery = { owner: string | null, 
/**
 * planned, in_progress, done or cancelled.
 */
status: string | null, metric: string | null, 
/**
 * Only actions overdue today.
 */
overdue: boolean, 
/**
 * Only actions answering this cause.
 */
cause: number | null, include_deleted: boolean, };

export type ExpectedEffectView = { kind: string, value: number, };

export type ActionNoteView = { id: number, noted_on: string, text: string, created_at: string, };

export type ActionView = { id: number, title: string, description: string, owner: string, start_date: string | null, due_date: string | null, 
/**
 * planned, in_progress, done or cancelled.
 */
status: string, 
/**
 * Past due (due before today) and neither done nor cancelled.
 */
overdue: boolean, 
/**
 * `overdue` when overdue, else the status: what a board column or a badge shows.
 */
board_status: string, completed_on: string | null, causes: Array<number>, metric_id: string | null, scope: ScopeView | null, expected: ExpectedEffectView | null, cost: number | null, 
/**
 * Oldest first.
 */
notes: Array<ActionNoteView>, created_at: string, updated_at: string, deleted_at: string | null, };

export type CauseDetailView = { cause: CauseView, history: Array<CauseRevisionView>, actions: Array<ActionView>, };

export type ActionDetailView = { action: ActionView, 
/**
 * The root causes it answers.
 */
causes: Array<CauseView>, };

export type EffectWeekView = { period: PeriodView, value: number | null, };

export type EffectWindowView = { period: PeriodView, value: number | null, numerator: number | null, denominator: number | null, n: number | null, reason: string | null, weekly: Array<EffectWeekView>, 
/**
 * Weeks of the window holding data for the action's scope; fewer than three in four and
 * the window is not compared.
 */
weeks_with_data: number, };

export type EffectTestView = { 
/**
 * two_proportion_z or welch_t.
 */
method: string, description: string, 
/**
 * z or t, after − before.
 */
statistic: number, 
/**
 * Two-sided.
 */
p_value: number, 
/**
 * Degrees of freedom, for the t-test.
 */
df: number | null, 
/**
 * 0.95.
 */
confidence: number, };

export type SavingsView = { 
/**
 * Null when it cannot be estimated; `explanation` says why.
 */
saving: number | null, cost: number, 
/**
 * (saving − cost) / cost.
 */
roi: number | null, explanation: string, currency: string, };

export type EffectView = { action_id: number, definition: MetricDefinitionView, scope: ScopeView | null, weeks: number, before: EffectWindowView, 
/**
 * Null while too early.
 */
after: EffectWindowView | null, 
/**
 * after − before.
 */
change: ChangeView | null, test: EffectTestView | null, 
/**
 * improved, no_clear_change, worsened or too_early.
 */
verdict: string, 
/**
 * Why the verdict, in a sentence.
 */
reason: string, expected: ExpectedEffectView | null, 
/**
 * For AHT and cost per contact actions with a cost.
 */
savings: SavingsView | null, };

export type ChartMarkerView = { 
/**
 * `YYYY-MM-DD`.
 */
date: string, 
/**
 * cause (the first day of its period), action_start or action_done.
 */
kind: string, 
/**
 * The cause's or the action's id.
 */
id: number, label: string, };

export type ChartAnnotationsView = { metric_id: string, period: PeriodView, causes: Array<CauseView>, actions: Array<ActionView>, 
/**
 * By date.
 */
markers: Array<ChartMarkerView>, };

export type ChartBucketView = { period: PeriodView, x0: number, x1: number, };

export type ChartGeometryView = { width: number, height: number, top: number, bottom: number, buckets: Array<ChartBucketView>, };

export type EffectSpanView = { period: PeriodView, value: number | null, 
/**
 * before (the before window), during (from the start to the finish), after (the after
 * window), or after_so_far (since the finish, while the after window is not over).
 */
phase: string, };

export type EffectChartView = { svg: string, spans: Array<EffectSpanView>, };

export type ActionChoicesView = { owners: Array<string>, metrics: Array<MetricDefinitionView>, causes: Array<CauseView>, currency: string, };

export type ActionsPage = { actions: Array<ActionView>, choices: ActionChoicesView, };

export type ActionPage = { detail: ActionDetailView, 
/**
 * Null when the action has no metric or start date; `effect_unavailable` says so.
 */
effect: EffectView | null, effect_unavailable: string | null, effect_chart: EffectChartView | null, choices: ActionChoicesView, };

export type AttentionItemView = { 
/**
 * target_missed, signal, large_move or low_sample.
 */
kind: string, metric_id: string, metric_name: string, unit: string, 
/**
 * Null for the whole account.
 */
scope: ScopeView | null, scope_label: string, 
/**
 * Higher first; see docs/reference.md for the scale.
 */
score: number, message: string, value: number | null, 
/**
 * A target met in the previous period and missed now.
 */
newly: boolean, 
/**
 * Signals: the run rules that fired (ids such as `beyond_limits`).
 */
rules: Array<string>, 
/**
 * Signals: the weeks where a signal ended.
 */
weeks: Array<string>, 
/**
 * Target missed: red (off target) or amber (near target); none for other kinds.
 */
status: string, };

export type AttentionReport = { period: PeriodView, items: Array<AttentionItemView>, };

export type ControlPointView = { period: PeriodView, value: number | null, 
/**
 * Null where the bucket has no value.
 */
lower: number | null, upper: number | null, sigma: number | null, 
/**
 * XmR: |this − previous value|.
 */
moving_range: number | null, in_baseline: boolean, 
/**
 * Cut by the range or by the data's first or last day: drawn, but left out of the limits
 * and the run rules.
 */
partial: boolean, 
/**
 * Rules whose signal covers this bucket.
 */
signals: Array<string>, };

export type ControlSignalView = { rule: string, 
/**
 * The rule's name as a chart shows it.
 */
label: string, start: string, end: string, 
/**
 * above, below, rising, falling or alternating.
 */
direction: string, };

export type ControlReport = { definition: MetricDefinitionView, grain: string, 
/**
 * xmr, p or laney_p (Laney's p′: p-chart limits widened by the observed variation).
 */
method: string, range: PeriodView, baseline: PeriodView, baseline_points: number, centre: number, mean_moving_range: number | null, moving_range_ucl: number | null, points: Array<ControlPointView>, signals: Array<ControlSignalView>, 
/**
 * A count charted per day, because the buckets differ in length.
 */
per_day: boolean, 
/**
 * The trend chart with the limits and signals.
 */
chart_svg: string, };

export type DriverSegmentView = { segment: string, 
/**
 * both, only_from or only_to.
 */
presence: string, value_from: number | null, value_to: number | null, 
/**
 * The metric's denominator in each period (contacts handled for AHT).
 */
volume_from: number, volume_to: number, share_from: number, share_to: number, rate_effect: number, mix_effect: number, total_effect: number, };

export type ExcludedSegmentView = { segment: string, reason: string, };

export type DriversReport = { definition: MetricDefinitionView, by: string, from: PeriodView, to: PeriodView, value_from: number, value_to: number, change: number, rate_total: number, mix_total: number, 
/**
 * Largest total effect first.
 */
segments: Array<DriverSegmentView>, excluded: Array<ExcludedSegmentView>, 
/**
 * "Average handle time rose 0:45 from 2026-Q2 to 2026-Q3: Billing's own average handle time added 0:16, …".
 */
sentence: string, chart_svg: string, };

export type CorrelationPointView = { 
/**
 * The week or the member.
 */
label: string, x: number, y: number, };

export type CorrelationReport = { x: MetricDefinitionView, y: MetricDefinitionView, 
/**
 * week or a dimension.
 */
by: string, period: PeriodView, points: Array<CorrelationPointView>, 
/**
 * Weeks or members without both values.
 */
left_out: number, n: number, 
/**
 * Null when no correlation can be computed; `reason` says why.
 */
pearson: number | null, pearson_p: number | null, pearson_ci_low: number | null, pearson_ci_high: number | null, spearman: number | null, spearman_p: number | null, reason: string | null, caution: string, chart_svg: string, };

export type StaffingRowView = { 
/**
 * A date, "average day" or "busiest day".
 */
label: string, offered: number, aht_s: number, calls_per_interval: number, erlangs: number, 
/**
 * Fewest agents reaching the target service level; null when there is no load.
 */
agents_needed: number | null, service_level_needed: number | null, asa_needed_s: number | null, 
/**
 * Agents to roster for `agents_needed` after shrinkage.
 */
rostered: number | null, 
/**
 * With the agents asked for: null when none were asked or they cannot keep up (N ≤ A).
 */
service_level_with_agents: number | null, asa_with_agents_s: number | null, occupancy_with_agents: number | null, 
/**
 * Why there is no staffing figure for this row (a load beyond what is computed, say).
 */
reason: string | null, };

export type StaffingReport = { period: PeriodView, interval_minutes: number, hours_open: number, threshold_s: number, target_service_level: number, shrinkage: number, 
/**
 * given, measured (the period's shrinkage metric) or none.
 */
shrinkage_source: string, agents: number | null, average: StaffingRowView | null, busiest: StaffingRowView | null, days: Array<StaffingRowView>, 
/**
 * The channels staffed (Erlang C is for contacts answered as they come: voice by default).
 */
channels: Array<string>, 
/**
 * Contacts of other channels in the scope that were left out, and why; null when none.
 */
channel_note: string | null, 
/**
 * Why there are no rows (an empty period, say); null when there are.
 */
empty_reason: string | null, 
/**
 * The assumptions, in words.
 */
note: string, };

export type QuestionChoiceView = { 
/**
 * csat or ces.
 */
field: string, candidates: Array<QuestionView>, };

export type QuestionView = { header: string, text: string, };

export type PackMetricChoice = { metric_id: string, 
/**
 * program, queue, channel, site, team or agent.
 */
dimension: string, 
/**
 * Add the metric's weekly control chart (as `qbr control`) and its named signals.
 */
control: boolean, 
/**
 * Add what drove the change from the previous period, split by `dimension` (as `qbr drivers`).
 */
drivers: boolean, };

export type PackLogo = { 
/**
 * png or jpeg.
 */
format: string, base64: string, };

export type PackDefinition = { 
/**
 * In order, each once: cover, summary, metrics (a page per metric), actions, appendix.
 */
sections: Array<string>, metrics: Array<PackMetricChoice>, 
/**
 * client or internal.
 */
audience: string, 
/**
 * a4 or letter.
 */
paper: string, prepared_by: string, 
/**
 * `#rrggbb`.
 */
accent: string, logo: PackLogo | null, 
/**
 * The written summary (paragraphs separated by blank lines).
 */
summary: string, 
/**
 * Null for the highlights the app proposes; a list for the user's own.
 */
highlights: Array<string> | null, 
/**
 * Page titles rewritten by the user, by page key (`summary`, `scorecard`, `metric:aht`,
 * `actions`, `appendix`); a page without one prints the title the pack proposes.
 */
titles: { [key in string]: string }, 
/**
 * The client-visible comment beside each action in the plan, by action id; an action without
 * one prints the comment the pack proposes.
 */
action_comments: { [key in string]: string }, };

export type PackTemplateView = { name: string, definition: PackDefinition, created_at: string, updated_at: string, };

export type PackSnapshotView = { id: number, 
/**
 * RFC 3339, UTC.
 */
created_at: string, period_label: string, audience: string, template_name: string | null, file_name: string, pdf_sha256: string, pages: number, app_version: string, 
/**
 * What changed since the export: data, annotations, definitions, app_version; empty when
 * a new export would show the same.
 */
changed_since: Array<string>, };

export type PackTitleView = { 
/**
 * The key `PackDefinition::titles` rewrites it by.
 */
key: string, 
/**
 * Which page: "Executive summary", "Service level", …
 */
page: string, proposed: string, };

export type PackActionCommentView = { id: number, title: string, proposed: string, };

export type ClientMetricsView = { chosen: boolean, metrics: Array<string>, };

export type PackBuilderPage = { period: PeriodView, 
/**
 * Quarters with data, newest first.
 */
periods: Array<PeriodView>, metrics: Array<MetricDefinitionView>, dimensions: Array<string>, 
/**
 * Every section, in the default order.
 */
sections: Array<string>, definition: PackDefinition, 
/**
 * What the app proposes for the period: biggest moves, targets missed or newly met.
 */
proposed_highlights: Array<string>, templates: Array<PackTemplateView>, snapshots: Array<PackSnapshotView>, 
/**
 * What a client pack may show.
 */
client_metrics: ClientMetricsView, };

export type PackPreview = { period: PeriodView, pages: Array<string>, proposed_highlights: Array<string>, 
/**
 * Every page's title as proposed (the printed one may be the user's).
 */
titles: Array<PackTitleView>, 
/**
 * The actions of the plan with their proposed comments.
 */
actions: Array<PackActionCommentView>, 
/**
 * Metric pages left out because the client does not see the metric.
 */
left_out: Array<string>, };

export type PackExportView = { 
/**
 * Where the file was written.
 */
path: string, bytes: number, 
/**
 * pdf or pptx.
 */
format: string, 
/**
 * SHA-256 of the file written (hex).
 */
sha256: string, snapshot: PackSnapshotView, };

export type PackProgressView = { 
/**
 * building, rendering, writing or done.
 */
stage: string, step: number, steps: number, };

export type DropEventView = { 
/**
 * hover (files are over the window), leave (they left), import (export files were dropped)
 * or workspace (one .qbr workspace file was dropped).
 */
kind: string, 
/**
 * The dropped files' names, without their folders.
 */
file_names: Array<string>, };
