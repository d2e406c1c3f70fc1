//! Wire types: what crosses to the web view and what `--json` prints. Field names are a contract
//! (snake_case, documented in docs/reference.md); TypeScript declarations are generated from these types
//! into `ui/src/lib/bindings.ts`, and a test fails when the committed file drifts.

use std::collections::BTreeMap;

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
    /// An import whose slashed dates read both ways: ask for the date order and import again.
    AmbiguousDates,
    /// An import whose columns could not be matched to fields: offer the mapping screen.
    MappingNeeded,
    /// An import refusing too many rows to be right: offer the mapping screen with the first refusal.
    MappingProbablyWrong,
    /// A survey export where more than one question could be CSAT (or CES): ask which one.
    UnclearQuestion,
    /// An import whose numbers such as `1.234` read as thousands or decimals and whose column
    /// cannot tell: ask for the decimal mark and import again.
    AmbiguousNumbers,
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
    /// BCP 47 tag of how dates read, one of the supported locales: `en-GB`.
    pub locale: String,
    pub thresholds: ThresholdsView,
    pub short_abandon_s: u32,
}

/// The settings after a change, and what the change recomputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SettingsSaved {
    #[serde(flatten)]
    pub settings: SettingsView,
    /// Days of imported contacts whose figures were recomputed under the new thresholds.
    pub days_recomputed: u64,
    /// Interval files whose service-level counts keep their source's own threshold.
    pub kept_by_source: Vec<String>,
    /// What the change did, in words; null when it recomputed nothing.
    pub message: Option<String>,
}

/// How far a threshold change's recompute has got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecomputeProgressView {
    pub done: u64,
    pub total: u64,
}

/// What a new workspace asks for; the rest takes defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewWorkspaceRequest {
    pub client_name: String,
    pub timezone: String,
    pub fiscal_year_start_month: u32,
    pub currency: String,
    /// How dates read, one of the supported locales (`en-US`); none is the default, `en-GB`.
    #[serde(default)]
    pub locale: Option<String>,
}

/// A change to some settings; absent fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct SettingsPatch {
    pub client_name: Option<String>,
    pub timezone: Option<String>,
    /// A number 1–12 or a month name.
    pub fiscal_year_start_month: Option<String>,
    pub currency: Option<String>,
    /// A supported locale's tag, `en-US`.
    pub locale: Option<String>,
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
    /// The period the user last looked at in this workspace (e.g. "2026-Q3"). The desktop app
    /// remembers it outside the workspace file; the API itself leaves it empty.
    pub remembered_period: Option<String>,
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
    /// The workspace's locale when it was last opened (how the start page writes its dates);
    /// none in lists from before locales were remembered.
    pub locale: Option<String>,
}

/// What the start page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StartState {
    pub recent: Vec<RecentWorkspace>,
    /// IANA zone names for the new-workspace form, the system's own first when known.
    pub timezones: Vec<String>,
    pub default_timezone: String,
    pub app_version: String,
    /// Currencies to pick from, by ISO code.
    pub currencies: Vec<CurrencyView>,
    /// The supported locales, the default first, for the new-workspace form.
    pub locales: Vec<LocaleView>,
}

/// A locale as the picker offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LocaleView {
    /// BCP 47 tag, `en-GB`.
    pub tag: String,
    /// `British English`.
    pub name: String,
    /// 27 July 2026 as this locale writes it: `27 Jul 2026`.
    pub example: String,
}

/// A period as resolved from a label such as `2026-Q3`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PeriodView {
    pub label: String,
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day, inclusive.
    pub end: String,
    /// day, week, month, quarter, year or range.
    pub grain: String,
}

/// A metric's definition as in force in the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MetricDefinitionView {
    pub id: String,
    pub name: String,
    /// count, ratio, seconds, score, scale_1_7, points or money.
    pub unit: String,
    /// higher, lower, band or none.
    pub direction: String,
    /// The formula with the variant in force, as printed in the pack's appendix.
    pub formula: String,
    /// The same formula in words, for a person: `handle time ÷ contacts handled`.
    pub formula_words: String,
    /// What the sample size `n` counts (`contacts handled`, `satisfaction responses`); null when
    /// the metric has no sample.
    pub sample_words: Option<String>,
    /// The family the scorecard groups it in: service, customer, efficiency, people, money or
    /// other (custom metrics).
    pub family: String,
    pub builtin: bool,
    pub min_sample: Option<u64>,
}

/// Where a target applies: `null` scope means the whole account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScopeView {
    pub dimension: String,
    pub value: String,
}

/// A contract target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TargetView {
    pub id: i64,
    pub metric_id: String,
    pub scope: Option<ScopeView>,
    /// at_least, at_most or band.
    pub direction: String,
    pub value: f64,
    pub value_high: Option<f64>,
    /// Amber tolerance as a fraction of the target.
    pub tolerance: f64,
    pub effective_from: String,
    pub effective_to: Option<String>,
}

/// How far a value moved against a comparison period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChangeView {
    /// In the metric's unit (fractions for ratios).
    pub absolute: f64,
    /// Percentage points, for ratios only.
    pub points: Option<f64>,
    /// Relative to the base; null when the base is 0.
    pub relative: Option<f64>,
}

/// One metric of one group: the `metrics --json` contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MetricEntryView {
    /// Null when there is no value; `reason` says why.
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// Sample size (responses, evaluations or contacts).
    pub n: Option<u64>,
    pub unit: String,
    pub target: Option<TargetView>,
    /// green, amber, red or none.
    pub status: String,
    /// The value in the previous period (QoQ base).
    pub previous: Option<f64>,
    /// The value in the same period a year earlier (YoY base).
    pub year_ago: Option<f64>,
    pub change_previous: Option<ChangeView>,
    pub change_year_ago: Option<ChangeView>,
    /// e.g. low_sample.
    pub flags: Vec<String>,
    pub reason: Option<String>,
    /// Set when part of the scope lacks the numerator's measures: the value is over the rest.
    pub coverage: Option<CoverageView>,
    /// What else a reader must know to read the value right, in words.
    pub notes: Vec<String>,
}

/// How much of a ratio's denominator carries its numerator (metrics.md, "Unknown is not zero").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CoverageView {
    /// The denominator the value is computed over.
    pub covered: f64,
    /// The denominator of the whole scope.
    pub total: f64,
    /// covered / total.
    pub share: f64,
    /// What the rest lacks: "queue B has no waits".
    pub lacking: Vec<String>,
    /// "computed over 1,200 of 1,500 (80%): queue B has no waits".
    pub text: String,
}

/// One group of a scorecard; `key` is `{}` without grouping, `{"program": "Billing"}` with it,
/// and a member is null where the data leave it empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GroupView {
    pub key: BTreeMap<String, Option<String>>,
    pub label: String,
    pub metrics: BTreeMap<String, MetricEntryView>,
}

/// `qbr metrics --json` and the app's scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MetricsReport {
    pub period: PeriodView,
    pub previous_period: Option<PeriodView>,
    pub year_ago_period: Option<PeriodView>,
    pub currency: String,
    /// The metrics shown, in display order, with the formulas in force.
    pub definitions: Vec<MetricDefinitionView>,
    pub groups: Vec<GroupView>,
}

/// One bucket of a series line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SeriesPointView {
    pub period: PeriodView,
    pub value: Option<f64>,
    pub n: Option<u64>,
    pub moving_average: Option<f64>,
    pub reason: Option<String>,
    /// Fewer days than its grain (cut by the range or by the data's first or last day).
    pub partial: bool,
    /// Days of the bucket that hold data.
    pub days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrendView {
    /// Least-squares slope in the metric's unit per bucket.
    pub slope_per_period: f64,
    /// Whether the slope moves the metric the better way; null for volumes and bands.
    pub improving: Option<bool>,
    pub points: u64,
    /// Partial buckets left out of a count's trend.
    pub partial_left_out: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SeriesLineView {
    pub key: BTreeMap<String, Option<String>>,
    pub label: String,
    pub metric_id: String,
    pub unit: String,
    pub points: Vec<SeriesPointView>,
    pub trend: Option<TrendView>,
}

/// `qbr series --json` and the app's trend charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SeriesReport {
    pub range: PeriodView,
    pub grain: String,
    pub definitions: Vec<MetricDefinitionView>,
    pub lines: Vec<SeriesLineView>,
}

/// The app's scorecard page: the report plus what the page draws around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScorecardPage {
    pub report: MetricsReport,
    /// Per metric id: the metric week by week over the period, as an SVG sparkline.
    pub sparklines: BTreeMap<String, String>,
    /// Quarters that hold data, newest first, for the period picker.
    pub periods: Vec<PeriodView>,
    /// Dimensions the scorecard can be grouped by.
    pub dimensions: Vec<String>,
    /// Service level and ASA per channel (whole account only; empty when grouped): a figure
    /// across channels mixes an email answered in hours with a call answered in seconds. Each
    /// with its target and status for the period; no comparison with earlier periods.
    pub by_channel: Vec<GroupView>,
}

/// A target as entered: `scope` is `DIM=VALUE` or null for the whole account; dates `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct TargetInput {
    pub metric_id: String,
    pub scope: Option<String>,
    /// at_least, at_most or band.
    pub direction: String,
    pub value: f64,
    pub value_high: Option<f64>,
    /// Fraction of the target; 0.05 when absent.
    pub tolerance: Option<f64>,
    pub effective_from: String,
    pub effective_to: Option<String>,
}

/// One choice of a metric definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VariantOptionView {
    pub id: String,
    pub description: String,
}

/// The definitions in force, with the choices a workspace has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VariantsView {
    pub service_level: String,
    pub csat: String,
    pub fcr: String,
    /// The repeat-contact window, when FCR is computed from repeat contacts.
    pub fcr_repeat_days: Option<u32>,
    pub attrition: String,
    pub service_level_options: Vec<VariantOptionView>,
    pub csat_options: Vec<VariantOptionView>,
    pub fcr_options: Vec<VariantOptionView>,
    pub attrition_options: Vec<VariantOptionView>,
}

/// A change to some variants; absent fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct VariantsPatch {
    pub service_level: Option<String>,
    pub csat: Option<String>,
    pub fcr: Option<String>,
    pub fcr_repeat_days: Option<u32>,
    pub attrition: Option<String>,
}

/// The app's settings page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SettingsPage {
    pub settings: SettingsView,
    pub variants: VariantsView,
    pub targets: Vec<TargetView>,
    pub definitions: Vec<MetricDefinitionView>,
    /// Saved queue- and campaign-to-program mappings used by imports.
    pub program_aliases: Vec<ProgramAliasView>,
    /// The members a target can apply to, by dimension (program, queue, channel, site, team).
    pub members: BTreeMap<String, Vec<String>>,
    /// Every IANA zone name, for the time zone picker.
    pub timezones: Vec<String>,
    /// Currencies to pick from, by ISO code.
    pub currencies: Vec<CurrencyView>,
    /// The supported locales, for the date-format picker.
    pub locales: Vec<LocaleView>,
}

/// A currency as a picker offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CurrencyView {
    /// ISO 4217 code, `EUR`.
    pub code: String,
    /// `Euro`.
    pub name: String,
}

/// The app's metric detail page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MetricDetailPage {
    pub definition: MetricDefinitionView,
    pub period: PeriodView,
    pub currency: String,
    /// The metric over the whole account for the period, with target and comparisons.
    pub overall: MetricEntryView,
    /// The trend: week by week over the 52 weeks ending with the period, as an SVG chart.
    pub trend_svg: String,
    /// The same weeks as numbers, for tables and screen readers.
    pub trend: SeriesLineView,
    /// Root causes and action dates inside the trend's 52 weeks, as drawn on the chart.
    pub markers: Vec<ChartMarkerView>,
    /// Where each week of `trend_svg` lies, so the page can lay a button over each one.
    pub chart: ChartGeometryView,
    /// The dimension of the breakdown, and one group per member for the period.
    pub breakdown_by: String,
    pub breakdown: Vec<GroupView>,
    pub dimensions: Vec<String>,
}

/// A custom metric as entered: `formula` over base measures, e.g. `transferred / handled`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MetricDefInput {
    /// Lower-case letters, digits and `_`, starting with a letter.
    pub id: String,
    pub name: String,
    pub formula: String,
    /// count, ratio, seconds, score, scale_1_7, points or money.
    pub unit: String,
    /// higher, lower, band or none.
    pub direction: String,
}

/// A saved mapping: rows of this queue (or campaign) belong to `program`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProgramAliasView {
    /// queue or campaign.
    pub source: String,
    pub source_name: String,
    pub program: String,
}

/// A column mapping saved in the workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SavedMappingView {
    pub name: String,
    pub kind: String,
    pub columns: Vec<MappedColumnView>,
}

/// Every declaration, in dependency order, as written to `ui/src/lib/bindings.ts`.
pub fn typescript_bindings() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let decls = [
        ErrorCode::decl(&cfg),
        ErrorView::decl(&cfg),
        ThresholdsView::decl(&cfg),
        SettingsView::decl(&cfg),
        SettingsSaved::decl(&cfg),
        RecomputeProgressView::decl(&cfg),
        NewWorkspaceRequest::decl(&cfg),
        SettingsPatch::decl(&cfg),
        DataRangeView::decl(&cfg),
        CountsView::decl(&cfg),
        ImportView::decl(&cfg),
        WorkspaceInfo::decl(&cfg),
        WorkspacePage::decl(&cfg),
        RecentWorkspace::decl(&cfg),
        StartState::decl(&cfg),
        PeriodView::decl(&cfg),
        MetricDefinitionView::decl(&cfg),
        ScopeView::decl(&cfg),
        TargetView::decl(&cfg),
        ChangeView::decl(&cfg),
        CoverageView::decl(&cfg),
        MetricEntryView::decl(&cfg),
        GroupView::decl(&cfg),
        MetricsReport::decl(&cfg),
        SeriesPointView::decl(&cfg),
        TrendView::decl(&cfg),
        SeriesLineView::decl(&cfg),
        SeriesReport::decl(&cfg),
        ScorecardPage::decl(&cfg),
        TargetInput::decl(&cfg),
        VariantOptionView::decl(&cfg),
        VariantsView::decl(&cfg),
        VariantsPatch::decl(&cfg),
        CurrencyView::decl(&cfg),
        LocaleView::decl(&cfg),
        SettingsPage::decl(&cfg),
        MetricDetailPage::decl(&cfg),
        MetricDefInput::decl(&cfg),
        ProgramAliasView::decl(&cfg),
        SavedMappingView::decl(&cfg),
        MappedColumnView::decl(&cfg),
        ValueMeaningView::decl(&cfg),
        ReadingView::decl(&cfg),
        HeadlineFigureView::decl(&cfg),
        PlausibilityView::decl(&cfg),
        DetectionView::decl(&cfg),
        ImportRequest::decl(&cfg),
        ImportProgressView::decl(&cfg),
        RefusalView::decl(&cfg),
        ImportReportView::decl(&cfg),
        UndoReportView::decl(&cfg),
        ImportDetailView::decl(&cfg),
        CauseInput::decl(&cfg),
        CausePatchInput::decl(&cfg),
        CauseQuery::decl(&cfg),
        CauseFieldsView::decl(&cfg),
        CauseView::decl(&cfg),
        CauseRevisionView::decl(&cfg),
        ActionInput::decl(&cfg),
        ActionPatchInput::decl(&cfg),
        ActionQuery::decl(&cfg),
        ExpectedEffectView::decl(&cfg),
        ActionNoteView::decl(&cfg),
        ActionView::decl(&cfg),
        CauseDetailView::decl(&cfg),
        ActionDetailView::decl(&cfg),
        EffectWeekView::decl(&cfg),
        EffectWindowView::decl(&cfg),
        EffectTestView::decl(&cfg),
        SavingsView::decl(&cfg),
        EffectView::decl(&cfg),
        ChartMarkerView::decl(&cfg),
        ChartAnnotationsView::decl(&cfg),
        ChartBucketView::decl(&cfg),
        ChartGeometryView::decl(&cfg),
        EffectSpanView::decl(&cfg),
        EffectChartView::decl(&cfg),
        ActionChoicesView::decl(&cfg),
        ActionsPage::decl(&cfg),
        ActionPage::decl(&cfg),
        AttentionItemView::decl(&cfg),
        AttentionReport::decl(&cfg),
        ControlPointView::decl(&cfg),
        ControlSignalView::decl(&cfg),
        ControlReport::decl(&cfg),
        DriverSegmentView::decl(&cfg),
        ExcludedSegmentView::decl(&cfg),
        DriversReport::decl(&cfg),
        CorrelationPointView::decl(&cfg),
        CorrelationReport::decl(&cfg),
        StaffingRowView::decl(&cfg),
        StaffingReport::decl(&cfg),
        QuestionChoiceView::decl(&cfg),
        QuestionView::decl(&cfg),
        PackMetricChoice::decl(&cfg),
        PackLogo::decl(&cfg),
        PackDefinition::decl(&cfg),
        PackTemplateView::decl(&cfg),
        PackSnapshotView::decl(&cfg),
        PackTitleView::decl(&cfg),
        PackActionCommentView::decl(&cfg),
        ClientMetricsView::decl(&cfg),
        PackBuilderPage::decl(&cfg),
        PackPreview::decl(&cfg),
        PackExportView::decl(&cfg),
        PackProgressView::decl(&cfg),
        DropEventView::decl(&cfg),
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

/// One column an import would read, and the field it feeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MappedColumnView {
    pub field: String,
    /// The header as the file spells it.
    pub header: String,
    /// The unit of bare numbers in a duration column: ms, s, min, h or d.
    pub unit: Option<String>,
    /// 1 for an exact name or a preset's documented column; lower for synonyms and guesses.
    pub confidence: f64,
    /// What the file's words in this column mean (an outcome's `Completed` → `handled`, a
    /// channel's `Portal` → `email`, a yes/no column's `Sí` → `yes`); empty when none is needed.
    #[serde(default)]
    pub values: Vec<ValueMeaningView>,
}

/// One value of a column and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ValueMeaningView {
    /// As the file writes it.
    pub value: String,
    /// handled, abandoned, callback or other (outcome); voice, chat, messaging or email
    /// (channel); yes or no (yes/no columns).
    pub means: String,
}

/// How one foundation of the figures is read: the contact key, handled or abandoned, the
/// wait, the handle time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReadingView {
    /// contact_key, handled_or_abandoned, wait or handle_time.
    pub topic: String,
    /// The columns it is read from.
    pub columns: Vec<String>,
    /// The reading in a sentence, with why.
    pub text: String,
    /// Inferred from the headings rather than named by a preset or the user: the app asks the
    /// user to confirm it before importing.
    pub inferred: bool,
}

/// One headline figure an import produced for its own span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HeadlineFigureView {
    /// offered, handled, abandon_rate, asa, aht, service_level, fcr or csat.
    pub metric_id: String,
    pub name: String,
    /// count, ratio or seconds.
    pub unit: String,
    /// Null when the file has no value for it; `reason` says why.
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub n: Option<u64>,
    /// low_sample or reported_by_source (the source's own percentage).
    pub flags: Vec<String>,
    /// The flags and the value's notes in words ("short abandons are not in the data, so none
    /// could be excluded", "computed over 1,200 of 1,500 (80%): …").
    pub notes: Vec<String>,
    pub reason: Option<String>,
}

/// A figure that looks implausible, with what would explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlausibilityView {
    /// abandonment_zero, abandonment_high, handled_above_offered, aht_short, aht_long,
    /// one_day, future or repeated_keys.
    pub code: String,
    pub message: String,
}

/// `qbr detect --json` and the app's import preview: what an import of the file would read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DetectionView {
    pub file_name: String,
    /// delimited, xlsx, xls or json.
    pub format: String,
    /// The sheet the preview comes from (spreadsheets); every sheet is imported.
    pub sheet: Option<String>,
    /// interactions, intervals, surveys, quality, workforce or finance; null when nothing matches.
    pub kind: Option<String>,
    pub preset: Option<String>,
    pub header: Vec<String>,
    pub mapping: Vec<MappedColumnView>,
    /// Headers no field took.
    pub unmapped: Vec<String>,
    /// The first rows, as text.
    pub preview: Vec<Vec<String>>,
    /// not_needed, dmy, mdy, ambiguous (the user must choose) or mixed.
    pub date_order: String,
    /// The saved mapping the proposal comes from, if one fits.
    pub template: Option<String>,
    /// The generic fields of every kind, for choosing columns by hand.
    pub fields_by_kind: BTreeMap<String, Vec<String>>,
    /// Ratings the file leaves unclear (Qualtrics: two questions read as satisfaction): ask
    /// which column is which and pass it as `csat_column` / `ces_column`.
    #[serde(default)]
    pub questions: Vec<QuestionChoiceView>,
    /// How the figures' foundations would be read; the inferred ones need the user's consent.
    #[serde(default)]
    pub readings: Vec<ReadingView>,
    /// What the first rows' numbers say about the decimal mark: not_needed, point, comma,
    /// ambiguous (the user may have to choose) or mixed.
    #[serde(default)]
    pub decimal_mark: String,
    /// The text encoding of a delimited file that is not UTF-8 (Shift_JIS, windows-1252…).
    #[serde(default)]
    pub encoding: Option<String>,
}

/// How to import files; everything left null is detected.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct ImportRequest {
    pub kind: Option<String>,
    pub preset: Option<String>,
    /// A saved mapping's name, or the path of a mapping JSON file.
    pub mapping: Option<String>,
    /// The program of every row, for files that name none.
    pub program: Option<String>,
    /// The IANA zone offset-less times are written in; the workspace's by default.
    pub timezone: Option<String>,
    /// dmy or mdy, for slashed dates the column cannot tell.
    pub date_order: Option<String>,
    /// Refuse a whole file on its first bad row.
    pub strict: bool,
    /// Columns chosen by hand (field and header); they win over `mapping` and over detection.
    #[serde(default)]
    pub columns: Option<Vec<MappedColumnView>>,
    /// Save the mapping this import read with under this name, so that next quarter's file with
    /// the same headers is read the same way without asking.
    #[serde(default)]
    pub save_mapping_as: Option<String>,
    /// The column of the CSAT question, when the file leaves it unclear; `none` for no CSAT.
    #[serde(default)]
    pub csat_column: Option<String>,
    /// The column of the CES question, likewise.
    #[serde(default)]
    pub ces_column: Option<String>,
    /// Read and check every file and work out its figures, then keep nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// point (1,234.5) or comma (1.234,5), for numbers such as `1.234` that their column cannot
    /// tell; each column decides from its own values by default.
    #[serde(default)]
    pub decimal_mark: Option<String>,
    /// Rows dated before this day are refused as misread (1990-01-01 by default).
    #[serde(default)]
    pub earliest: Option<String>,
    /// Rows dated after this day are refused as misread (a year after today by default).
    #[serde(default)]
    pub latest: Option<String>,
}

/// Where a running import is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportProgressView {
    pub file_name: String,
    /// 0-based position of the file among those being imported.
    pub file_index: u64,
    pub file_count: u64,
    /// fingerprint, checking_dates, reading, sorting_days (rows that came in no time order are
    /// stored day by day; `rows_read` then counts those stored so far) or writing.
    pub phase: String,
    /// Where the import is, in words, with the rows so far when it counts them ("reading: 12,000
    /// rows"): what the app and the command line show.
    pub status: String,
    pub rows_read: u64,
    /// Bytes.
    pub file_size: u64,
}

/// A row (or one cell of it) an import did not take, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RefusalView {
    /// The line, spreadsheet row or JSON record number.
    pub row: u64,
    /// The column as the file names it; null when the whole row is at fault.
    pub column: Option<String>,
    pub value: String,
    pub expected: String,
}

/// What importing one file did: `qbr import --json` prints a list of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportReportView {
    pub file_name: String,
    pub sha256: String,
    /// The new import; null when the file had been imported before.
    pub batch_id: Option<i64>,
    /// The import that already holds this exact file: nothing was changed.
    pub already_imported: Option<i64>,
    pub kind: String,
    pub preset: Option<String>,
    pub rows_read: u64,
    pub rows_taken: u64,
    pub rows_refused: u64,
    /// Contacts already held (overlapping exports) and counted once.
    pub rows_duplicate: u64,
    /// The period covered, `YYYY-MM-DD` in the workspace time zone.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub notes: Vec<String>,
    /// The first 200 refusals; `qbr import-report` has them all.
    pub refusals: Vec<RefusalView>,
    /// How the file was read where it decides the figures.
    pub readings: Vec<ReadingView>,
    /// Offered, handled, abandonment, ASA, AHT, service level, FCR and CSAT of what this file
    /// brought, for its own span.
    pub headline: Vec<HeadlineFigureView>,
    /// Figures that look implausible; the app asks before keeping such an import.
    pub flags: Vec<PlausibilityView>,
    /// A dry run: nothing was kept (`batch_id` is then null).
    pub dry_run: bool,
}

/// What undoing an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UndoReportView {
    pub batch_id: i64,
    pub facts_removed: u64,
    pub contacts_removed: u64,
    /// Contacts the import had replaced or shared, now counted again under their other import.
    pub contacts_restored: u64,
}

/// `qbr import-report --json`: one import and every row it refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportDetailView {
    pub import: ImportView,
    pub refusals: Vec<RefusalView>,
}

/// A root cause as entered. `scope` is `DIM=VALUE` (program, queue, channel, site or team) or
/// null for the whole account; dates are `YYYY-MM-DD`, both inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct CauseInput {
    /// One or more metric ids.
    pub metrics: Vec<String>,
    pub scope: Option<String>,
    pub period_from: String,
    pub period_to: String,
    /// people, process, technology, demand, customer, external or other.
    pub category: String,
    pub title: String,
    pub description: String,
    pub evidence: String,
    pub author: String,
    /// internal or client; internal when empty.
    pub visibility: String,
}

/// An edit of a root cause; absent fields stay as they are. `scope` `"account"` makes it
/// account-wide.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct CausePatchInput {
    pub metrics: Option<Vec<String>>,
    pub scope: Option<String>,
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    pub category: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub evidence: Option<String>,
    pub author: Option<String>,
    pub visibility: Option<String>,
}

/// Which causes to list; every field given must match.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct CauseQuery {
    pub metric: Option<String>,
    /// Causes whose period overlaps this one: `2026-Q3`, `2026-08`, `2026-07-01..2026-09-30`, …
    pub period: Option<String>,
    /// `DIM=VALUE`, or `account` for account-wide causes only.
    pub scope: Option<String>,
    pub client_visible_only: bool,
    pub include_deleted: bool,
}

/// The fields of a root cause, as stored now or as they were before an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CauseFieldsView {
    pub metrics: Vec<String>,
    /// Null for the whole account.
    pub scope: Option<ScopeView>,
    pub period_from: String,
    pub period_to: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub evidence: String,
    pub author: String,
    /// internal or client.
    pub visibility: String,
}

/// A stored root cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CauseView {
    pub id: i64,
    pub fields: CauseFieldsView,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
    /// Set while deleted; `restore` undoes the delete.
    pub deleted_at: Option<String>,
}

/// An earlier state of a cause, saved by an edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CauseRevisionView {
    pub id: i64,
    /// When the edit that replaced this state was made.
    pub edited_at: String,
    /// When this state had been written.
    pub previous_updated_at: String,
    pub previous: CauseFieldsView,
}

/// `qbr cause show --json` and the app's cause page: the cause, its history (oldest first) and
/// the actions that answer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CauseDetailView {
    pub cause: CauseView,
    pub history: Vec<CauseRevisionView>,
    pub actions: Vec<ActionView>,
}

/// An action as entered. Dates `YYYY-MM-DD`; `scope` as for causes; `status` planned (when
/// empty), in_progress, done or cancelled; `expected_kind` target or change, with
/// `expected_value` in the metric's unit (ratios as fractions).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct ActionInput {
    pub title: String,
    pub description: String,
    pub owner: String,
    pub start_date: Option<String>,
    pub due_date: Option<String>,
    pub status: String,
    /// When done; today when the status is done and this is null.
    pub completed_on: Option<String>,
    /// Ids of the root causes it answers.
    pub causes: Vec<i64>,
    pub metric_id: Option<String>,
    pub scope: Option<String>,
    pub expected_kind: Option<String>,
    pub expected_value: Option<f64>,
    /// In the workspace currency.
    pub cost: Option<f64>,
}

/// An update of an action; absent fields stay as they are. An empty string clears a date, the
/// metric or the expected effect; `scope` `"account"` makes it account-wide.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct ActionPatchInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub start_date: Option<String>,
    pub due_date: Option<String>,
    pub status: Option<String>,
    pub completed_on: Option<String>,
    pub causes: Option<Vec<i64>>,
    pub metric_id: Option<String>,
    pub scope: Option<String>,
    pub expected_kind: Option<String>,
    pub expected_value: Option<f64>,
    pub cost: Option<f64>,
}

/// Which actions to list; every field given must match.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct ActionQuery {
    pub owner: Option<String>,
    /// planned, in_progress, done or cancelled.
    pub status: Option<String>,
    pub metric: Option<String>,
    /// Only actions overdue today.
    pub overdue: bool,
    /// Only actions answering this cause.
    pub cause: Option<i64>,
    pub include_deleted: bool,
}

/// What an action is expected to achieve: `target` (reach `value`) or `change` (move by `value`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExpectedEffectView {
    pub kind: String,
    pub value: f64,
}

/// A dated progress note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActionNoteView {
    pub id: i64,
    pub noted_on: String,
    pub text: String,
    pub created_at: String,
}

/// A stored action, as of `today`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ActionView {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub owner: String,
    pub start_date: Option<String>,
    pub due_date: Option<String>,
    /// planned, in_progress, done or cancelled.
    pub status: String,
    /// Past due (due before today) and neither done nor cancelled.
    pub overdue: bool,
    /// `overdue` when overdue, else the status: what a board column or a badge shows.
    pub board_status: String,
    pub completed_on: Option<String>,
    pub causes: Vec<i64>,
    pub metric_id: Option<String>,
    pub scope: Option<ScopeView>,
    pub expected: Option<ExpectedEffectView>,
    pub cost: Option<f64>,
    /// Oldest first.
    pub notes: Vec<ActionNoteView>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

/// `qbr action show --json` and the app's action page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ActionDetailView {
    pub action: ActionView,
    /// The root causes it answers.
    pub causes: Vec<CauseView>,
}

/// One 7-day span of an effect window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EffectWeekView {
    pub period: PeriodView,
    pub value: Option<f64>,
}

/// A before or after window: the metric over the whole window (ratio of sums, as `qbr metrics
/// --period START..END` gives it) and week by week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EffectWindowView {
    pub period: PeriodView,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub n: Option<u64>,
    pub reason: Option<String>,
    pub weekly: Vec<EffectWeekView>,
    /// Weeks of the window holding data for the action's scope; fewer than three in four and
    /// the window is not compared.
    pub weeks_with_data: u32,
}

/// The test behind a verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EffectTestView {
    /// two_proportion_z or welch_t.
    pub method: String,
    pub description: String,
    /// z or t, after − before.
    pub statistic: f64,
    /// Two-sided.
    pub p_value: f64,
    /// Degrees of freedom, for the t-test.
    pub df: Option<f64>,
    /// 0.95.
    pub confidence: f64,
}

/// An estimated saving and the action's ROI, with how they were computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SavingsView {
    /// Null when it cannot be estimated; `explanation` says why.
    pub saving: Option<f64>,
    pub cost: f64,
    /// (saving − cost) / cost.
    pub roi: Option<f64>,
    pub explanation: String,
    pub currency: String,
}

/// `qbr action effect --json` and the app's effect panel: did the action work?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EffectView {
    pub action_id: i64,
    pub definition: MetricDefinitionView,
    pub scope: Option<ScopeView>,
    pub weeks: u32,
    pub before: EffectWindowView,
    /// Null while too early.
    pub after: Option<EffectWindowView>,
    /// after − before.
    pub change: Option<ChangeView>,
    pub test: Option<EffectTestView>,
    /// improved, no_clear_change, worsened or too_early.
    pub verdict: String,
    /// Why the verdict, in a sentence.
    pub reason: String,
    pub expected: Option<ExpectedEffectView>,
    /// For AHT and cost per contact actions with a cost.
    pub savings: Option<SavingsView>,
}

/// A dated marker for a trend chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChartMarkerView {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// cause (the first day of its period), action_start or action_done.
    pub kind: String,
    /// The cause's or the action's id.
    pub id: i64,
    pub label: String,
}

/// The causes and actions on one metric over a period, and the markers a trend chart draws
/// for them (only those dated inside the period).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChartAnnotationsView {
    pub metric_id: String,
    pub period: PeriodView,
    pub causes: Vec<CauseView>,
    pub actions: Vec<ActionView>,
    /// By date.
    pub markers: Vec<ChartMarkerView>,
}

/// One bucket of a drawn trend chart: its period and the x-range it covers, in the SVG's pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChartBucketView {
    pub period: PeriodView,
    pub x0: f64,
    pub x1: f64,
}

/// Where the plot of a trend chart sits in its SVG (`width` × `height` pixels): buckets span
/// from `top` to `bottom`, each across its own x-range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChartGeometryView {
    pub width: u32,
    pub height: u32,
    pub top: f64,
    pub bottom: f64,
    pub buckets: Vec<ChartBucketView>,
}

/// One span of the effect chart: 7 days (the last of a phase may be shorter) and the metric over
/// them, for the action's scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EffectSpanView {
    pub period: PeriodView,
    pub value: Option<f64>,
    /// before (the before window), during (from the start to the finish), after (the after
    /// window), or after_so_far (since the finish, while the after window is not over).
    pub phase: String,
}

/// The effect chart: the action's metric span by span, before and after windows shaded, start
/// and finish marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EffectChartView {
    pub svg: String,
    pub spans: Vec<EffectSpanView>,
}

/// What the action form picks from: owners already used, the metrics, the root causes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ActionChoicesView {
    pub owners: Vec<String>,
    pub metrics: Vec<MetricDefinitionView>,
    pub causes: Vec<CauseView>,
    pub currency: String,
}

/// The app's actions page: the actions matching the filters, by due date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ActionsPage {
    pub actions: Vec<ActionView>,
    pub choices: ActionChoicesView,
}

/// The app's action page: the action, its causes and notes, and whether it worked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ActionPage {
    pub detail: ActionDetailView,
    /// Null when the action has no metric or start date; `effect_unavailable` says so.
    pub effect: Option<EffectView>,
    pub effect_unavailable: Option<String>,
    pub effect_chart: Option<EffectChartView>,
    pub choices: ActionChoicesView,
}

// ---- Diagnostics (issue 7) ----

/// One thing that needs attention; `metric_id` and `scope` link to the metric's detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AttentionItemView {
    /// target_missed, signal, large_move or low_sample.
    pub kind: String,
    pub metric_id: String,
    pub metric_name: String,
    pub unit: String,
    /// Null for the whole account.
    pub scope: Option<ScopeView>,
    pub scope_label: String,
    /// Higher first; see docs/reference.md for the scale.
    pub score: f64,
    pub message: String,
    pub value: Option<f64>,
    /// A target met in the previous period and missed now.
    pub newly: bool,
    /// Signals: the run rules that fired (ids such as `beyond_limits`).
    pub rules: Vec<String>,
    /// Signals: the weeks where a signal ended.
    pub weeks: Vec<String>,
    /// Target missed: red (off target) or amber (near target); none for other kinds.
    pub status: String,
}

/// `qbr attention --json` and the scorecard's attention list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AttentionReport {
    pub period: PeriodView,
    pub items: Vec<AttentionItemView>,
}

/// One bucket of a control chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ControlPointView {
    pub period: PeriodView,
    pub value: Option<f64>,
    /// Null where the bucket has no value.
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub sigma: Option<f64>,
    /// XmR: |this − previous value|.
    pub moving_range: Option<f64>,
    pub in_baseline: bool,
    /// Cut by the range or by the data's first or last day: drawn, but left out of the limits
    /// and the run rules.
    pub partial: bool,
    /// Rules whose signal covers this bucket.
    pub signals: Vec<String>,
}

/// A run rule that fired, from one bucket to another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ControlSignalView {
    pub rule: String,
    /// The rule's name as a chart shows it.
    pub label: String,
    pub start: String,
    pub end: String,
    /// above, below, rising, falling or alternating.
    pub direction: String,
}

/// `qbr control --json` and the metric page's control chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ControlReport {
    pub definition: MetricDefinitionView,
    pub grain: String,
    /// xmr, p or laney_p (Laney's p′: p-chart limits widened by the observed variation).
    pub method: String,
    pub range: PeriodView,
    pub baseline: PeriodView,
    pub baseline_points: u64,
    pub centre: f64,
    pub mean_moving_range: Option<f64>,
    pub moving_range_ucl: Option<f64>,
    pub points: Vec<ControlPointView>,
    pub signals: Vec<ControlSignalView>,
    /// A count charted per day, because the buckets differ in length.
    pub per_day: bool,
    /// The trend chart with the limits and signals.
    pub chart_svg: String,
}

/// One segment's part of a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DriverSegmentView {
    pub segment: String,
    /// both, only_from or only_to.
    pub presence: String,
    pub value_from: Option<f64>,
    pub value_to: Option<f64>,
    /// The metric's denominator in each period (contacts handled for AHT).
    pub volume_from: f64,
    pub volume_to: f64,
    pub share_from: f64,
    pub share_to: f64,
    pub rate_effect: f64,
    pub mix_effect: f64,
    pub total_effect: f64,
}

/// A segment left out of a split, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExcludedSegmentView {
    pub segment: String,
    pub reason: String,
}

/// `qbr drivers --json` and the drivers view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DriversReport {
    pub definition: MetricDefinitionView,
    pub by: String,
    pub from: PeriodView,
    pub to: PeriodView,
    pub value_from: f64,
    pub value_to: f64,
    pub change: f64,
    pub rate_total: f64,
    pub mix_total: f64,
    /// Largest total effect first.
    pub segments: Vec<DriverSegmentView>,
    pub excluded: Vec<ExcludedSegmentView>,
    /// "Average handle time rose 0:45 from 2026-Q2 to 2026-Q3: Billing's own average handle time added 0:16, …".
    pub sentence: String,
    pub chart_svg: String,
}

/// One pair of a correlation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CorrelationPointView {
    /// The week or the member.
    pub label: String,
    pub x: f64,
    pub y: f64,
}

/// `qbr correlate --json` and the correlation view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CorrelationReport {
    pub x: MetricDefinitionView,
    pub y: MetricDefinitionView,
    /// week or a dimension.
    pub by: String,
    pub period: PeriodView,
    pub points: Vec<CorrelationPointView>,
    /// Weeks or members without both values.
    pub left_out: u64,
    pub n: u64,
    /// Null when no correlation can be computed; `reason` says why.
    pub pearson: Option<f64>,
    pub pearson_p: Option<f64>,
    pub pearson_ci_low: Option<f64>,
    pub pearson_ci_high: Option<f64>,
    pub spearman: Option<f64>,
    pub spearman_p: Option<f64>,
    pub reason: Option<String>,
    pub caution: String,
    pub chart_svg: String,
}

/// Erlang C for one day (or the average or busiest day) of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StaffingRowView {
    /// A date, "average day" or "busiest day".
    pub label: String,
    pub offered: f64,
    pub aht_s: f64,
    pub calls_per_interval: f64,
    pub erlangs: f64,
    /// Fewest agents reaching the target service level; null when there is no load.
    pub agents_needed: Option<u32>,
    pub service_level_needed: Option<f64>,
    pub asa_needed_s: Option<f64>,
    /// Agents to roster for `agents_needed` after shrinkage.
    pub rostered: Option<f64>,
    /// With the agents asked for: null when none were asked or they cannot keep up (N ≤ A).
    pub service_level_with_agents: Option<f64>,
    pub asa_with_agents_s: Option<f64>,
    pub occupancy_with_agents: Option<f64>,
    /// Why there is no staffing figure for this row (a load beyond what is computed, say).
    pub reason: Option<String>,
}

/// `qbr staffing --json` and the staffing calculator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StaffingReport {
    pub period: PeriodView,
    pub interval_minutes: u32,
    pub hours_open: f64,
    pub threshold_s: f64,
    pub target_service_level: f64,
    pub shrinkage: f64,
    /// given, measured (the period's shrinkage metric) or none.
    pub shrinkage_source: String,
    pub agents: Option<u32>,
    pub average: Option<StaffingRowView>,
    pub busiest: Option<StaffingRowView>,
    pub days: Vec<StaffingRowView>,
    /// The channels staffed (Erlang C is for contacts answered as they come: voice by default).
    pub channels: Vec<String>,
    /// Contacts of other channels in the scope that were left out, and why; null when none.
    pub channel_note: Option<String>,
    /// Why there are no rows (an empty period, say); null when there are.
    pub empty_reason: Option<String>,
    /// The assumptions, in words.
    pub note: String,
}

/// A rating that more than one survey question could be: the user picks one (or none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QuestionChoiceView {
    /// csat or ces.
    pub field: String,
    pub candidates: Vec<QuestionView>,
}

/// One survey question: its column and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QuestionView {
    pub header: String,
    pub text: String,
}

/// One metric page of a pack: the metric and the dimension its breakdown is by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackMetricChoice {
    pub metric_id: String,
    /// program, queue, channel, site, team or agent.
    pub dimension: String,
    /// Add the metric's weekly control chart (as `qbr control`) and its named signals.
    #[serde(default)]
    pub control: bool,
    /// Add what drove the change from the previous period, split by `dimension` (as `qbr drivers`).
    #[serde(default)]
    pub drivers: bool,
}

/// A pack's logo: the bytes of a PNG or JPEG that Rust read from a file the user chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackLogo {
    /// png or jpeg.
    pub format: String,
    pub base64: String,
}

/// What a pack is made of. A template saves all of it but `summary` and `highlights`, which are
/// this quarter's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackDefinition {
    /// In order, each once: cover, summary, metrics (a page per metric), actions, appendix.
    pub sections: Vec<String>,
    pub metrics: Vec<PackMetricChoice>,
    /// client or internal.
    pub audience: String,
    /// a4 or letter.
    pub paper: String,
    pub prepared_by: String,
    /// `#rrggbb`.
    pub accent: String,
    pub logo: Option<PackLogo>,
    /// The written summary (paragraphs separated by blank lines).
    pub summary: String,
    /// Null for the highlights the app proposes; a list for the user's own.
    pub highlights: Option<Vec<String>>,
    /// Page titles rewritten by the user, by page key (`summary`, `scorecard`, `metric:aht`,
    /// `actions`, `appendix`); a page without one prints the title the pack proposes.
    #[serde(default)]
    pub titles: BTreeMap<String, String>,
    /// The client-visible comment beside each action in the plan, by action id; an action without
    /// one prints the comment the pack proposes.
    #[serde(default)]
    pub action_comments: BTreeMap<String, String>,
}

/// A saved pack template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackTemplateView {
    pub name: String,
    pub definition: PackDefinition,
    pub created_at: String,
    pub updated_at: String,
}

/// A past export and whether what it showed has changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackSnapshotView {
    pub id: i64,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub period_label: String,
    pub audience: String,
    pub template_name: Option<String>,
    pub file_name: String,
    pub pdf_sha256: String,
    pub pages: u32,
    pub app_version: String,
    /// What changed since the export: data, annotations, definitions, app_version; empty when
    /// a new export would show the same.
    pub changed_since: Vec<String>,
}

/// A page's message title as the pack proposes it, for the builder to show and edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackTitleView {
    /// The key `PackDefinition::titles` rewrites it by.
    pub key: String,
    /// Which page: "Executive summary", "Service level", …
    pub page: String,
    pub proposed: String,
}

/// An action in the plan and the comment the pack proposes for the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackActionCommentView {
    pub id: i64,
    pub title: String,
    pub proposed: String,
}

/// The metrics a client pack may show: chosen for this workspace, or the default rule (every
/// metric with a contract target, plus volumes, service and customer metrics; never the BPO's
/// financials or attrition unless chosen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClientMetricsView {
    pub chosen: bool,
    pub metrics: Vec<String>,
}

/// The pack builder: what can be chosen, and a definition to start from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PackBuilderPage {
    pub period: PeriodView,
    /// Quarters with data, newest first.
    pub periods: Vec<PeriodView>,
    pub metrics: Vec<MetricDefinitionView>,
    pub dimensions: Vec<String>,
    /// Every section, in the default order.
    pub sections: Vec<String>,
    pub definition: PackDefinition,
    /// What the app proposes for the period: biggest moves, targets missed or newly met.
    pub proposed_highlights: Vec<String>,
    pub templates: Vec<PackTemplateView>,
    pub snapshots: Vec<PackSnapshotView>,
    /// What a client pack may show.
    pub client_metrics: ClientMetricsView,
}

/// The pages of a pack as the PDF will draw them, one SVG per page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PackPreview {
    pub period: PeriodView,
    pub pages: Vec<String>,
    pub proposed_highlights: Vec<String>,
    /// Every page's title as proposed (the printed one may be the user's).
    pub titles: Vec<PackTitleView>,
    /// The actions of the plan with their proposed comments.
    pub actions: Vec<PackActionCommentView>,
    /// Metric pages left out because the client does not see the metric.
    pub left_out: Vec<String>,
}

/// A written export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackExportView {
    /// Where the file was written.
    pub path: String,
    pub bytes: u64,
    /// pdf or pptx.
    pub format: String,
    /// SHA-256 of the file written (hex).
    pub sha256: String,
    pub snapshot: PackSnapshotView,
}

/// Progress of an export, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackProgressView {
    /// building, rendering, writing or done.
    pub stage: String,
    pub step: u32,
    pub steps: u32,
}

/// Files dragged over or dropped on the window. Only names travel to the web view; the paths stay
/// in the app, which imports (or opens) exactly what was dropped when the UI asks it to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DropEventView {
    /// hover (files are over the window), leave (they left), import (export files were dropped)
    /// or workspace (one .qbr workspace file was dropped).
    pub kind: String,
    /// The dropped files' names, without their folders.
    pub file_names: Vec<String>,
}
