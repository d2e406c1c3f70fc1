//! Root causes, improvement actions and their effect, as the CLI and the app call them. Inputs
//! arrive as typed (`program=Tech Support`, `2026-Q3`, `in_progress`) and are parsed here once;
//! `now` stamps changes and `today` decides overdue and too early, so both shells agree.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use qbr_core::annotate::{
    self as core, scope_text, Action, ActionFilter, ActionPatch, ActionStatus, Category,
    CauseFilter, CausePatch, Effect, ExpectedEffect, RootCause, Scope, Visibility,
};
use qbr_core::metrics::catalog::Metric;
use qbr_core::period::Period;
use qbr_core::{Error, Workspace};

use crate::args::parse_filter;
use crate::views::period_view;
use crate::wire::*;
use crate::ApiResult;

fn invalid(field: &str, message: impl Into<String>) -> ErrorView {
    Error::InvalidSetting {
        field: field.into(),
        message: message.into(),
    }
    .into()
}

fn not_found(what: &str, id: i64) -> ErrorView {
    ErrorView {
        code: ErrorCode::NotFound,
        message: format!("there is no {what} {id}"),
    }
}

fn date(text: &str, field: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        invalid(
            field,
            format!("{text:?} is not a date; expected YYYY-MM-DD"),
        )
    })
}

/// An optional date where an empty text means none.
fn maybe_date(text: Option<&str>, field: &str) -> ApiResult<Option<NaiveDate>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => date(t, field).map(Some),
    }
}

/// `DIM=VALUE`, or `account` / empty for the whole account.
fn scope(text: Option<&str>) -> ApiResult<Scope> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.eq_ignore_ascii_case("account") => Ok(None),
        Some(t) => Ok(Some(parse_filter(t)?)),
    }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn scope_view(s: &Scope) -> Option<ScopeView> {
    s.as_ref().map(|(d, v)| ScopeView {
        dimension: d.as_str().into(),
        value: v.clone(),
    })
}

fn fields_view(c: &core::CauseInput) -> CauseFieldsView {
    CauseFieldsView {
        metrics: c.metrics.clone(),
        scope: scope_view(&c.scope),
        period_from: ymd(c.period_from),
        period_to: ymd(c.period_to),
        category: c.category.as_str().into(),
        title: c.title.clone(),
        description: c.description.clone(),
        evidence: c.evidence.clone(),
        author: c.author.clone(),
        visibility: c.visibility.as_str().into(),
    }
}

fn cause_view(c: &RootCause) -> CauseView {
    CauseView {
        id: c.id,
        fields: fields_view(&c.cause),
        created_at: c.created_at.clone(),
        updated_at: c.updated_at.clone(),
        deleted_at: c.deleted_at.clone(),
    }
}

fn expected_view(e: ExpectedEffect) -> ExpectedEffectView {
    ExpectedEffectView {
        kind: e.kind().into(),
        value: e.value(),
    }
}

fn action_view(a: &Action, today: NaiveDate) -> ActionView {
    let x = &a.action;
    let overdue = a.is_overdue(today);
    ActionView {
        id: a.id,
        title: x.title.clone(),
        description: x.description.clone(),
        owner: x.owner.clone(),
        start_date: x.start_date.map(ymd),
        due_date: x.due_date.map(ymd),
        status: x.status.as_str().into(),
        overdue,
        board_status: if overdue {
            "overdue".into()
        } else {
            x.status.as_str().into()
        },
        completed_on: x.completed_on.map(ymd),
        causes: x.causes.clone(),
        metric_id: x.metric_id.clone(),
        scope: scope_view(&x.scope),
        expected: x.expected.map(expected_view),
        cost: x.cost,
        notes: a
            .notes
            .iter()
            .map(|n| ActionNoteView {
                id: n.id,
                noted_on: ymd(n.noted_on),
                text: n.text.clone(),
                created_at: n.created_at.clone(),
            })
            .collect(),
        created_at: a.created_at.clone(),
        updated_at: a.updated_at.clone(),
        deleted_at: a.deleted_at.clone(),
    }
}

fn visibility(text: &str) -> ApiResult<Visibility> {
    if text.trim().is_empty() {
        Ok(Visibility::Internal)
    } else {
        Ok(text.parse()?)
    }
}

fn cause_input(c: &CauseInput) -> ApiResult<core::CauseInput> {
    let category = c.category.parse::<Category>()?;
    Ok(core::CauseInput {
        metrics: c.metrics.clone(),
        scope: scope(c.scope.as_deref())?,
        period_from: date(&c.period_from, "from")?,
        period_to: date(&c.period_to, "to")?,
        category,
        title: c.title.clone(),
        description: c.description.clone(),
        evidence: c.evidence.clone(),
        author: c.author.clone(),
        visibility: visibility(&c.visibility)?,
    })
}

fn cause_patch(p: &CausePatchInput) -> ApiResult<CausePatch> {
    Ok(CausePatch {
        metrics: p.metrics.clone(),
        scope: p.scope.as_deref().map(|s| scope(Some(s))).transpose()?,
        period_from: p
            .period_from
            .as_deref()
            .map(|d| date(d, "from"))
            .transpose()?,
        period_to: p.period_to.as_deref().map(|d| date(d, "to")).transpose()?,
        category: p
            .category
            .as_deref()
            .map(str::parse::<Category>)
            .transpose()?,
        title: p.title.clone(),
        description: p.description.clone(),
        evidence: p.evidence.clone(),
        author: p.author.clone(),
        visibility: p.visibility.as_deref().map(visibility).transpose()?,
    })
}

fn status(text: &str) -> ApiResult<ActionStatus> {
    if text.trim().is_empty() {
        Ok(ActionStatus::Planned)
    } else {
        Ok(text.parse()?)
    }
}

fn expected(kind: Option<&str>, value: Option<f64>) -> ApiResult<Option<ExpectedEffect>> {
    match (kind.map(str::trim), value) {
        (None | Some(""), None) => Ok(None),
        (Some(k), Some(v)) if !k.is_empty() => {
            ExpectedEffect::from_parts(k, v).map(Some).ok_or_else(|| {
                invalid(
                    "expected effect",
                    format!("{k:?} is not a kind of effect; expected target or change"),
                )
            })
        }
        _ => Err(invalid(
            "expected effect",
            "give both the kind (target or change) and the value",
        )),
    }
}

fn action_input(a: &ActionInput) -> ApiResult<core::ActionInput> {
    Ok(core::ActionInput {
        title: a.title.clone(),
        description: a.description.clone(),
        owner: a.owner.clone(),
        start_date: maybe_date(a.start_date.as_deref(), "start")?,
        due_date: maybe_date(a.due_date.as_deref(), "due")?,
        status: status(&a.status)?,
        completed_on: maybe_date(a.completed_on.as_deref(), "completed on")?,
        causes: a.causes.clone(),
        metric_id: a.metric_id.clone(),
        scope: scope(a.scope.as_deref())?,
        expected: expected(a.expected_kind.as_deref(), a.expected_value)?,
        cost: a.cost,
    })
}

fn action_patch(p: &ActionPatchInput, current: &core::ActionInput) -> ApiResult<ActionPatch> {
    let clearable_date =
        |t: &Option<String>, field: &str| -> ApiResult<Option<Option<NaiveDate>>> {
            t.as_deref().map(|t| maybe_date(Some(t), field)).transpose()
        };
    let expected_patch = match (&p.expected_kind, p.expected_value) {
        (None, None) => None,
        (Some(k), None) if k.trim().is_empty() => Some(None),
        (None, Some(v)) => Some(Some(match current.expected {
            Some(ExpectedEffect::Target(_)) => ExpectedEffect::Target(v),
            Some(ExpectedEffect::Change(_)) => ExpectedEffect::Change(v),
            None => {
                return Err(invalid(
                    "expected effect",
                    "give the kind (target or change) with the first expected value",
                ))
            }
        })),
        (k, v) => Some(expected(k.as_deref(), v)?),
    };
    Ok(ActionPatch {
        title: p.title.clone(),
        description: p.description.clone(),
        owner: p.owner.clone(),
        start_date: clearable_date(&p.start_date, "start")?,
        due_date: clearable_date(&p.due_date, "due")?,
        status: p.status.as_deref().map(status).transpose()?,
        completed_on: p
            .completed_on
            .as_deref()
            .map(|d| date(d, "completed on"))
            .transpose()?,
        causes: p.causes.clone(),
        metric_id: p
            .metric_id
            .as_ref()
            .map(|m| Some(m.trim().to_string()).filter(|m| !m.is_empty())),
        scope: p.scope.as_deref().map(|s| scope(Some(s))).transpose()?,
        expected: expected_patch,
        cost: p.cost.map(Some),
    })
}

fn period(ws: &Workspace, label: &str) -> ApiResult<Period> {
    Ok(Period::parse(
        label,
        ws.settings()?.fiscal_year_start_month,
    )?)
}

fn cause_filter(ws: &Workspace, q: &CauseQuery) -> ApiResult<CauseFilter> {
    Ok(CauseFilter {
        metric: q.metric.clone(),
        overlapping: q
            .period
            .as_deref()
            .map(|p| period(ws, p).map(|p| (p.start, p.end)))
            .transpose()?,
        scope: q.scope.as_deref().map(|s| scope(Some(s))).transpose()?,
        client_visible_only: q.client_visible_only,
        include_deleted: q.include_deleted,
    })
}

/// Root causes matching `q`, by first day of their period.
pub fn list_causes(path: &Path, q: &CauseQuery) -> ApiResult<Vec<CauseView>> {
    let ws = Workspace::open(path)?;
    let filter = cause_filter(&ws, q)?;
    Ok(ws.causes(&filter)?.iter().map(cause_view).collect())
}

/// Adds a root cause.
pub fn add_cause(path: &Path, c: &CauseInput, now: DateTime<Utc>) -> ApiResult<CauseView> {
    let mut ws = Workspace::open(path)?;
    Ok(cause_view(&ws.add_cause(&cause_input(c)?, now)?))
}

/// A cause with its history and the actions answering it (deleted ones too).
pub fn cause_detail(path: &Path, id: i64, today: NaiveDate) -> ApiResult<CauseDetailView> {
    let ws = Workspace::open(path)?;
    let cause = ws.cause(id)?.ok_or_else(|| not_found("root cause", id))?;
    let history = ws
        .cause_revisions(id)?
        .into_iter()
        .map(|r| CauseRevisionView {
            id: r.id,
            edited_at: r.edited_at,
            previous_updated_at: r.previous_updated_at,
            previous: fields_view(&r.previous),
        })
        .collect();
    let actions = ws
        .actions(&ActionFilter {
            cause: Some(id),
            ..ActionFilter::default()
        })?
        .iter()
        .map(|a| action_view(a, today))
        .collect();
    Ok(CauseDetailView {
        cause: cause_view(&cause),
        history,
        actions,
    })
}

/// Edits a cause; the previous state is kept in its history.
pub fn edit_cause(
    path: &Path,
    id: i64,
    patch: &CausePatchInput,
    now: DateTime<Utc>,
) -> ApiResult<CauseView> {
    let mut ws = Workspace::open(path)?;
    let stored = ws
        .edit_cause(id, &cause_patch(patch)?, now)?
        .ok_or_else(|| not_found("root cause", id))?;
    Ok(cause_view(&stored))
}

/// Deletes a cause softly; [`restore_cause`] undoes it.
pub fn remove_cause(path: &Path, id: i64, now: DateTime<Utc>) -> ApiResult<CauseView> {
    let mut ws = Workspace::open(path)?;
    let c = ws
        .delete_cause(id, now)?
        .ok_or_else(|| not_found("root cause", id))?;
    Ok(cause_view(&c))
}

pub fn restore_cause(path: &Path, id: i64) -> ApiResult<CauseView> {
    let mut ws = Workspace::open(path)?;
    let c = ws
        .restore_cause(id)?
        .ok_or_else(|| not_found("root cause", id))?;
    Ok(cause_view(&c))
}

fn action_filter(q: &ActionQuery, today: NaiveDate) -> ApiResult<ActionFilter> {
    Ok(ActionFilter {
        owner: q.owner.clone().filter(|o| !o.trim().is_empty()),
        status: q.status.as_deref().map(str::parse).transpose()?,
        metric: q.metric.clone(),
        overdue_on: q.overdue.then_some(today),
        cause: q.cause,
        include_deleted: q.include_deleted,
    })
}

/// Actions matching `q` as of `today`, by due date (undated last).
pub fn list_actions(path: &Path, q: &ActionQuery, today: NaiveDate) -> ApiResult<Vec<ActionView>> {
    let ws = Workspace::open(path)?;
    Ok(ws
        .actions(&action_filter(q, today)?)?
        .iter()
        .map(|a| action_view(a, today))
        .collect())
}

/// Adds an action; a done action without a completion date is completed `today`.
pub fn add_action(
    path: &Path,
    a: &ActionInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ApiResult<ActionView> {
    let mut ws = Workspace::open(path)?;
    let stored = ws.add_action(&action_input(a)?, today, now)?;
    Ok(action_view(&stored, today))
}

/// An action with the causes it answers.
pub fn action_detail(path: &Path, id: i64, today: NaiveDate) -> ApiResult<ActionDetailView> {
    let ws = Workspace::open(path)?;
    let a = ws.action(id)?.ok_or_else(|| not_found("action", id))?;
    let mut causes = Vec::new();
    for c in &a.action.causes {
        if let Some(c) = ws.cause(*c)? {
            causes.push(cause_view(&c));
        }
    }
    Ok(ActionDetailView {
        action: action_view(&a, today),
        causes,
    })
}

/// Updates an action; becoming done without a completion date completes it `today`.
pub fn update_action(
    path: &Path,
    id: i64,
    patch: &ActionPatchInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ApiResult<ActionView> {
    let mut ws = Workspace::open(path)?;
    let current = ws.action(id)?.ok_or_else(|| not_found("action", id))?;
    let patch = action_patch(patch, &current.action)?;
    let stored = ws
        .update_action(id, &patch, today, now)?
        .ok_or_else(|| not_found("action", id))?;
    Ok(action_view(&stored, today))
}

/// Adds a dated progress note (`noted_on` `YYYY-MM-DD`, today when null).
pub fn add_action_note(
    path: &Path,
    id: i64,
    noted_on: Option<&str>,
    text: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ApiResult<ActionView> {
    let mut ws = Workspace::open(path)?;
    let on = maybe_date(noted_on, "noted on")?.unwrap_or(today);
    let stored = ws
        .add_action_note(id, on, text, now)?
        .ok_or_else(|| not_found("action", id))?;
    Ok(action_view(&stored, today))
}

/// Deletes an action softly; [`restore_action`] undoes it.
pub fn remove_action(
    path: &Path,
    id: i64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ApiResult<ActionView> {
    let mut ws = Workspace::open(path)?;
    let a = ws
        .delete_action(id, now)?
        .ok_or_else(|| not_found("action", id))?;
    Ok(action_view(&a, today))
}

pub fn restore_action(path: &Path, id: i64, today: NaiveDate) -> ApiResult<ActionView> {
    let mut ws = Workspace::open(path)?;
    let a = ws
        .restore_action(id)?
        .ok_or_else(|| not_found("action", id))?;
    Ok(action_view(&a, today))
}

fn definition(m: &Metric) -> MetricDefinitionView {
    crate::views::definition_view(m)
}

fn window_view(w: &core::EffectWindow) -> EffectWindowView {
    EffectWindowView {
        period: period_view(&w.period),
        value: w.value.value,
        numerator: w.value.numerator,
        denominator: w.value.denominator,
        n: w.value.n,
        reason: w.value.reason.clone(),
        weekly: w
            .weekly
            .iter()
            .map(|(p, v)| EffectWeekView {
                period: period_view(p),
                value: *v,
            })
            .collect(),
        weeks_with_data: w.weeks_with_data,
    }
}

fn effect_view(e: &Effect, expected: Option<ExpectedEffect>, currency: &str) -> EffectView {
    EffectView {
        action_id: e.action_id,
        definition: definition(&e.metric),
        scope: scope_view(&e.scope),
        weeks: e.weeks,
        before: window_view(&e.before),
        after: e.after.as_ref().map(window_view),
        change: e.change.map(|c| ChangeView {
            absolute: c.absolute,
            points: c.points,
            relative: c.relative,
        }),
        test: e.test.map(|t| EffectTestView {
            method: t.method.as_str().into(),
            description: t.method.describe().into(),
            statistic: t.statistic,
            p_value: t.p_value,
            df: t.df,
            confidence: t.confidence,
        }),
        verdict: e.verdict.as_str().into(),
        reason: e.reason.clone(),
        expected: expected.map(expected_view),
        savings: e.savings.as_ref().map(|s| SavingsView {
            saving: s.saving,
            cost: s.cost,
            roi: s.roi,
            explanation: s.explanation.clone(),
            currency: currency.into(),
        }),
    }
}

/// Did action `id` work? Its metric over `weeks` weeks (4 when null) before the start and after
/// the finish, the change, the test and the verdict, judged on `today`.
pub fn action_effect(
    path: &Path,
    id: i64,
    weeks: Option<u32>,
    today: NaiveDate,
) -> ApiResult<EffectView> {
    let ws = Workspace::open(path)?;
    let weeks = weeks.unwrap_or(core::effect::DEFAULT_WEEKS);
    let effect = ws
        .action_effect(id, weeks, today)?
        .ok_or_else(|| not_found("action", id))?;
    let expected = ws.action(id)?.and_then(|a| a.action.expected);
    Ok(effect_view(&effect, expected, &ws.settings()?.currency))
}

/// The causes and actions on `metric_id` that touch `period`, and the chart markers for them:
/// each cause at the first day of its period, each action at its start and its completion.
pub fn causes_and_actions_for(
    path: &Path,
    metric_id: &str,
    period_label: &str,
    today: NaiveDate,
) -> ApiResult<ChartAnnotationsView> {
    let ws = Workspace::open(path)?;
    let p = period(&ws, period_label)?;
    let causes = ws.causes(&CauseFilter {
        metric: Some(metric_id.to_string()),
        overlapping: Some((p.start, p.end)),
        ..CauseFilter::default()
    })?;
    let touches = |a: &Action| {
        let x = &a.action;
        let first = x.start_date.or(x.due_date);
        let last = x.completed_on.or(x.due_date).or(x.start_date);
        matches!((first, last), (Some(f), Some(l)) if f <= p.end && p.start <= l)
    };
    let actions: Vec<Action> = ws
        .actions(&ActionFilter {
            metric: Some(metric_id.to_string()),
            ..ActionFilter::default()
        })?
        .into_iter()
        .filter(touches)
        .collect();
    let mut markers = Vec::new();
    for c in &causes {
        if p.contains(c.cause.period_from) {
            markers.push(ChartMarkerView {
                date: ymd(c.cause.period_from),
                kind: "cause".into(),
                id: c.id,
                label: format!("{} ({})", c.cause.title, scope_text(&c.cause.scope)),
            });
        }
    }
    for a in &actions {
        let x = &a.action;
        for (d, kind) in [
            (x.start_date, "action_start"),
            (x.completed_on, "action_done"),
        ] {
            if let Some(d) = d.filter(|d| p.contains(*d)) {
                markers.push(ChartMarkerView {
                    date: ymd(d),
                    kind: kind.into(),
                    id: a.id,
                    label: x.title.clone(),
                });
            }
        }
    }
    markers.sort_by(|a, b| (&a.date, &a.kind, a.id).cmp(&(&b.date, &b.kind, b.id)));
    Ok(ChartAnnotationsView {
        metric_id: metric_id.to_string(),
        period: period_view(&p),
        causes: causes.iter().map(cause_view).collect(),
        actions: actions.iter().map(|a| action_view(a, today)).collect(),
        markers,
    })
}

fn choices(ws: &Workspace) -> ApiResult<ActionChoicesView> {
    let mut owners: Vec<String> = ws
        .actions(&ActionFilter::default())?
        .into_iter()
        .map(|a| a.action.owner.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    owners.sort_by_key(|o| o.to_lowercase());
    owners.dedup();
    Ok(ActionChoicesView {
        owners,
        metrics: ws.metric_catalog()?.iter().map(definition).collect(),
        causes: ws
            .causes(&CauseFilter::default())?
            .iter()
            .map(cause_view)
            .collect(),
        currency: ws.settings()?.currency,
    })
}

/// The app's actions page: the actions matching `q` as of `today`, and what the filters and
/// the action form choose from.
pub fn actions_page(path: &Path, q: &ActionQuery, today: NaiveDate) -> ApiResult<ActionsPage> {
    let ws = Workspace::open(path)?;
    let actions = ws
        .actions(&action_filter(q, today)?)?
        .iter()
        .map(|a| action_view(a, today))
        .collect();
    Ok(ActionsPage {
        actions,
        choices: choices(&ws)?,
    })
}

/// The spans of the effect chart: the before window's weeks, 7-day spans from the start to the
/// day before the finish (the last one shorter where the action's length is not whole weeks),
/// then the after window's weeks; while the after window is not over, whole spans since the
/// finish that the data and `today` already cover. At most 52 spans between start and finish.
fn effect_spans(
    ws: &Workspace,
    e: &Effect,
    start: NaiveDate,
    completed_on: Option<NaiveDate>,
    today: NaiveDate,
) -> ApiResult<Vec<(Period, Option<f64>, &'static str)>> {
    const MAX_SPANS: u64 = 52;
    let mut spans: Vec<(Period, Option<f64>, &'static str)> = e
        .before
        .weekly
        .iter()
        .map(|(p, v)| (p.clone(), *v, "before"))
        .collect();
    let data_end = ws
        .data_range()?
        .and_then(|r| NaiveDate::parse_from_str(&r.last_day, "%Y-%m-%d").ok());
    // The last day the chart may show while the after window is not over.
    let known_end = data_end
        .map(|d| d.min(today - chrono::Days::new(1)))
        .unwrap_or(start);
    let finish = e.after.as_ref().map(|w| w.period.start).or(completed_on);
    let during_end = match finish {
        Some(f) => f - chrono::Days::new(1),
        None => known_end,
    }
    .min(start + chrono::Days::new(7 * MAX_SPANS - 1));
    let mut s = start;
    while s <= during_end {
        let end = (s + chrono::Days::new(6)).min(during_end);
        // Without a finish the spans stop at the last whole week the data cover.
        if finish.is_none() && end < s + chrono::Days::new(6) {
            break;
        }
        let p = Period::range(s, end);
        let v = ws.metric_over(&e.metric.id, &p, &e.scope)?.value;
        spans.push((p, v, "during"));
        s = end + chrono::Days::new(1);
    }
    match (&e.after, finish) {
        (Some(after), _) => {
            spans.extend(after.weekly.iter().map(|(p, v)| (p.clone(), *v, "after")));
        }
        (None, Some(f)) => {
            let mut s = f;
            for _ in 0..e.weeks {
                let end = s + chrono::Days::new(6);
                if end > known_end {
                    break;
                }
                let p = Period::range(s, end);
                let v = ws.metric_over(&e.metric.id, &p, &e.scope)?.value;
                spans.push((p, v, "after_so_far"));
                s = end + chrono::Days::new(1);
            }
        }
        (None, None) => {}
    }
    Ok(spans)
}

fn effect_chart(
    ws: &Workspace,
    e: &Effect,
    start: NaiveDate,
    completed_on: Option<NaiveDate>,
    today: NaiveDate,
) -> ApiResult<EffectChartView> {
    let locale = ws.settings()?.locale;
    use qbr_render::chart::{Marker, MarkerKind, ShadedWindow, TrendChart, TrendSeries};
    let spans = effect_spans(ws, e, start, completed_on, today)?;
    let index_of = |phases: &[&str]| spans.iter().position(|s| phases.contains(&s.2));
    let last_of = |phase: &str| spans.iter().rposition(|s| s.2 == phase);
    let mut windows = Vec::new();
    if let Some(to) = last_of("before") {
        windows.push(ShadedWindow {
            from: 0,
            to,
            label: "Before".into(),
        });
    }
    for (phase, label) in [("after", "After"), ("after_so_far", "After, so far")] {
        if let (Some(from), Some(to)) = (index_of(&[phase]), last_of(phase)) {
            windows.push(ShadedWindow {
                from,
                to,
                label: label.into(),
            });
        }
    }
    let mut markers = Vec::new();
    if let Some(at) = index_of(&["during", "after", "after_so_far"]) {
        markers.push(Marker {
            at,
            label: format!(
                "Start {}",
                qbr_format::day_month(&start.to_string(), &locale)
            ),
            kind: MarkerKind::ActionStart,
        });
    }
    if let Some(at) = index_of(&["after", "after_so_far"]) {
        markers.push(Marker {
            at,
            label: format!(
                "Finish {}",
                qbr_format::day_month(&spans[at].0.start.to_string(), &locale)
            ),
            kind: MarkerKind::ActionFinish,
        });
    }
    let chart = TrendChart {
        title: format!(
            "{}, 7 days at a time ({})",
            e.metric.name,
            scope_text(&e.scope)
        ),
        unit: crate::views::unit_kind(e.metric.unit.as_str()),
        buckets: spans
            .iter()
            .map(|s| qbr_format::day_month(&s.0.start.to_string(), &locale))
            .collect(),
        spans: spans
            .iter()
            .map(|s| (s.0.start.to_string(), s.0.end.to_string()))
            .collect(),
        locale: locale.clone(),
        series: vec![TrendSeries {
            name: match &e.scope {
                Some((_, v)) => v.clone(),
                None => "Whole account".into(),
            },
            values: spans.iter().map(|s| s.1).collect(),
            moving_average: None,
        }],
        target: None,
        markers,
        windows,
        control: None,
        partial: Vec::new(),
        width: 960,
        currency: String::new(),
        target_steps: Vec::new(),
        numbered_markers: false,
        height: 340,
    };
    let svg = qbr_render::chart::trend_svg(&chart).map_err(|e| ErrorView {
        code: ErrorCode::Internal,
        message: e.to_string(),
    })?;
    Ok(EffectChartView {
        svg,
        spans: spans
            .into_iter()
            .map(|(p, value, phase)| EffectSpanView {
                period: period_view(&p),
                value,
                phase: phase.into(),
            })
            .collect(),
    })
}

/// The app's action page: the action with its causes and notes, and — when it names a metric
/// and a start date — its effect with windows of `weeks` weeks (4 when null) and the effect chart.
pub fn action_page(
    path: &Path,
    id: i64,
    weeks: Option<u32>,
    today: NaiveDate,
) -> ApiResult<ActionPage> {
    let detail = action_detail(path, id, today)?;
    let ws = Workspace::open(path)?;
    let stored = ws.action(id)?.ok_or_else(|| not_found("action", id))?;
    let a = &stored.action;
    let (effect, effect_unavailable, effect_chart) = match (&a.metric_id, a.start_date) {
        (Some(_), Some(start)) => {
            let weeks = weeks.unwrap_or(core::effect::DEFAULT_WEEKS);
            let e = ws
                .action_effect(id, weeks, today)?
                .ok_or_else(|| not_found("action", id))?;
            let chart = effect_chart(&ws, &e, start, a.completed_on, today)?;
            let view = effect_view(&e, a.expected, &ws.settings()?.currency);
            (Some(view), None, Some(chart))
        }
        (None, _) => (
            None,
            Some("Choose the metric this action should move to see whether it worked.".into()),
            None,
        ),
        (Some(_), None) => (
            None,
            Some("Set the action's start date to see whether it worked.".into()),
            None,
        ),
    };
    Ok(ActionPage {
        detail,
        effect,
        effect_unavailable,
        effect_chart,
        choices: choices(&ws)?,
    })
}
