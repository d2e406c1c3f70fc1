//! "Did it work?": an action's metric in a window before it started and a window after it was
//! finished, the change, a verdict backed by a test that fits the metric, and — for AHT and cost
//! per contact — the saving and the action's ROI.
//!
//! Promises:
//! - Windows are whole weeks of days: before = the `weeks` × 7 days up to the day before the
//!   start; after = the `weeks` × 7 days from the day the action was finished (its completion
//!   date, else its due date once past). Each window's value is the engine's ratio of sums over
//!   the window for the action's scope, the same figure `qbr metrics --period FROM..TO` prints.
//! - The verdict is `too_early` until the after window is over (before `today`) and covered by
//!   the data; `improved` or `worsened` only when the test finds the change clear at 95%
//!   (two-sided) and the metric has a better direction; `no_clear_change` otherwise, with the
//!   reason.
//! - Ratio metrics over counts (service level, abandonment, FCR, CSAT top-two-box, error rate)
//!   use a two-proportion z-test on the windows' numerator and denominator; every other metric a
//!   Welch t-test on the weekly values (two or more weeks on each side).
//! - A saving is an estimate and says how it was computed; it is never shown without its text.
//! - Each window must be covered: at least [`MIN_COVERAGE`] of its 7-day spans hold data for the
//!   action's scope (a span whose metric has a denominator, or a value for a total). A window
//!   holding one day of data in 28 is not tested as if full: the verdict is "not enough data
//!   before" (or after), with the count of weeks. (Weeks rather than days, so that a source
//!   delivering one row a week is covered.)

use chrono::{Datelike, Days, Months, NaiveDate};

use super::action::Action;
use super::stats::{two_proportion_z, welch_t, TestResult};
use super::{invalid, scope_text, word_enum, Scope};
use crate::error::Result;
use crate::measure::Measure;
use crate::metrics::catalog::{Metric, MetricId};
use crate::metrics::comparison::{change, Change};
use crate::metrics::formula::Scale;
use crate::metrics::{Direction, MetricValue, ScorecardRequest, Unit};
use crate::period::Period;
use crate::store::Workspace;

/// The default length of each window, in weeks.
pub const DEFAULT_WEEKS: u32 = 4;

/// The share of a window's 7-day spans that must hold data before the window is compared.
pub const MIN_COVERAGE: f64 = 0.75;

/// What the comparison says about the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    Improved,
    NoClearChange,
    Worsened,
    TooEarly,
}

word_enum!(Verdict, "verdict", {
    Improved => "improved",
    NoClearChange => "no_clear_change",
    Worsened => "worsened",
    TooEarly => "too_early",
});

/// One window: its value over the whole window and its week-by-week values.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectWindow {
    pub period: Period,
    pub value: MetricValue,
    /// Consecutive 7-day spans from the window's first day, each with its value.
    pub weekly: Vec<(Period, Option<f64>)>,
    /// 7-day spans of the window that hold data for the scope.
    pub weeks_with_data: u32,
}

impl EffectWindow {
    /// Whether enough of the window's weeks hold data to compare it ([`MIN_COVERAGE`]).
    pub fn is_covered(&self) -> bool {
        f64::from(self.weeks_with_data) >= MIN_COVERAGE * self.weekly.len() as f64
    }

    /// "1 of its 4 weeks hold data", for a reason.
    fn coverage_text(&self) -> String {
        format!(
            "only {} of its {} weeks hold data (at least {} needed)",
            self.weeks_with_data,
            self.weekly.len(),
            (MIN_COVERAGE * self.weekly.len() as f64).ceil()
        )
    }
}

/// An estimated saving and ROI, with how they were computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Savings {
    /// In the workspace currency; `None` when it cannot be estimated (the text says why).
    pub saving: Option<f64>,
    /// The action's cost.
    pub cost: f64,
    /// (saving − cost) / cost.
    pub roi: Option<f64>,
    pub explanation: String,
}

/// The effect of one action.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    pub action_id: i64,
    pub metric: Metric,
    pub scope: Scope,
    pub weeks: u32,
    pub before: EffectWindow,
    /// `None` while it is too early (the after window has not happened, or has no finish date).
    pub after: Option<EffectWindow>,
    /// after − before.
    pub change: Option<Change>,
    pub test: Option<TestResult>,
    pub verdict: Verdict,
    /// Why the verdict, in a sentence.
    pub reason: String,
    pub savings: Option<Savings>,
}

/// Whether a metric is a share of counts, so that a proportion test applies to its sums.
pub fn is_count_proportion(m: &Metric) -> bool {
    m.unit == Unit::Ratio
        && m.formula.scale == Scale::One
        && m.formula.denominator.is_some()
        && m.formula.measures().all(Measure::is_count)
}

/// The verdict for a test result on a metric with `direction`, and why.
pub fn verdict_of(test: &TestResult, direction: Direction, metric_name: &str) -> (Verdict, String) {
    let p = if test.p_value < 0.0001 {
        "p < 0.0001".to_string()
    } else {
        format!("p = {:.4}", test.p_value)
    };
    let level = format!("{:.0}%", test.confidence * 100.0);
    if !test.is_clear() {
        return (
            Verdict::NoClearChange,
            format!("the change is within what chance alone gives ({p}, not clear at {level} confidence)"),
        );
    }
    let up = test.statistic > 0.0;
    let went = if up { "rose" } else { "fell" };
    match direction {
        Direction::Higher | Direction::Lower => {
            let better = (direction == Direction::Higher) == up;
            (
                if better {
                    Verdict::Improved
                } else {
                    Verdict::Worsened
                },
                format!(
                    "{metric_name} {went}, clearly at {level} confidence ({p}); {} is better",
                    direction.as_str()
                ),
            )
        }
        Direction::Band | Direction::None => (
            Verdict::NoClearChange,
            format!(
                "{metric_name} {went} clearly ({p}), but it has no better direction, so the move is neither an improvement nor a worsening"
            ),
        ),
    }
}

/// What a saving is computed from.
#[derive(Debug, Clone, PartialEq)]
pub enum SavingsBasis {
    /// AHT: handled seconds saved, priced at Σcost / Σhandle_s (`None` without cost data) over
    /// `months` (the whole months around the after window, since finance data are monthly).
    Aht {
        cost_per_second: Option<f64>,
        months: String,
    },
    /// Cost per contact: the fall in cost per contact times the contacts handled.
    CostPerContact,
}

fn money(v: f64, currency: &str) -> String {
    format!("{v:.2} {currency}")
}

/// The saving over the after window and the ROI of an action costing `cost` (> 0).
/// `before` and `after` are the metric's values; `handled_after` the contacts handled in the
/// after window.
pub fn estimate_savings(
    basis: &SavingsBasis,
    before: f64,
    after: f64,
    handled_after: f64,
    cost: f64,
    currency: &str,
) -> Savings {
    let roi_text = |saving: f64| -> (Option<f64>, String) {
        let roi = (saving - cost) / cost;
        (
            Some(roi),
            format!(
                " ROI = (saving − cost) / cost = ({} − {}) / {} = {:.1}%.",
                money(saving, currency),
                money(cost, currency),
                money(cost, currency),
                roi * 100.0
            ),
        )
    };
    match basis {
        SavingsBasis::Aht {
            cost_per_second,
            months,
        } => {
            let delta = before - after;
            let seconds = delta * handled_after;
            let head = format!(
                "AHT went from {before:.1} s to {after:.1} s ({} {:.1} s a contact); over the {handled_after:.0} contacts handled in the after window that is {:.0} handled seconds {}.",
                if delta >= 0.0 { "down" } else { "up" },
                delta.abs(),
                seconds.abs(),
                if delta >= 0.0 { "saved" } else { "added" },
            );
            match cost_per_second {
                Some(cps) => {
                    let saving = seconds * cps;
                    let (roi, roi_text) = roi_text(saving);
                    Savings {
                        saving: Some(saving),
                        cost,
                        roi,
                        explanation: format!(
                            "{head} At {cps:.5} {currency} per handled second (Σcost / Σhandle_s over {months}) the saving is {}.{roi_text}",
                            money(saving, currency)
                        ),
                    }
                }
                None => Savings {
                    saving: None,
                    cost,
                    roi: None,
                    explanation: format!(
                        "{head} The saving cannot be priced: there are no cost data for {months} to give a cost per handled second (import the finance file)."
                    ),
                },
            }
        }
        SavingsBasis::CostPerContact => {
            let delta = before - after;
            let saving = delta * handled_after;
            let (roi, roi_text) = roi_text(saving);
            Savings {
                saving: Some(saving),
                cost,
                roi,
                explanation: format!(
                    "Cost per contact went from {} to {}; times the {handled_after:.0} contacts handled in the after window the saving is {}.{roi_text}",
                    money(before, currency),
                    money(after, currency),
                    money(saving, currency)
                ),
            }
        }
    }
}

/// The window of `weeks` weeks that ends the day before `start`.
pub fn before_window(start: NaiveDate, weeks: u32) -> Period {
    let days = Days::new(7 * u64::from(weeks));
    Period::range(start - days, start - Days::new(1))
}

/// The window of `weeks` weeks from `finish`, inclusive.
pub fn after_window(finish: NaiveDate, weeks: u32) -> Period {
    Period::range(finish, finish + Days::new(7 * u64::from(weeks) - 1))
}

/// The day the after window starts from: the completion date, else the due date once past, else
/// `Err` with why it is too early.
pub fn finish_of(a: &Action, today: NaiveDate) -> std::result::Result<NaiveDate, String> {
    if let Some(done) = a.action.completed_on {
        return Ok(done);
    }
    match a.action.due_date {
        Some(due) if due < today => Ok(due),
        Some(due) => Err(format!(
            "the action is not done and is due on {due}; the after window starts when it is finished"
        )),
        None => Err(
            "the action is not done and has no due date; the after window starts when it is finished"
                .into(),
        ),
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("every month has a 1st")
}

impl Workspace {
    /// One metric over `period` for `scope`: the engine's ratio of sums (what the effect windows
    /// and the effect chart's spans are computed with).
    pub fn metric_over(&self, metric: &str, period: &Period, scope: &Scope) -> Result<MetricValue> {
        let card = self.scorecard(&ScorecardRequest {
            period: period.clone(),
            metrics: vec![metric.to_string()],
            group_by: Vec::new(),
            filters: scope.iter().cloned().collect(),
            compare: false,
        })?;
        Ok(card
            .groups
            .first()
            .and_then(|g| g.metric(metric))
            .map(|e| e.value.clone())
            .unwrap_or_else(|| MetricValue::missing("no data for this scope")))
    }

    fn window(
        &self,
        metric: &str,
        period: Period,
        weeks: u32,
        scope: &Scope,
    ) -> Result<EffectWindow> {
        let value = self.metric_over(metric, &period, scope)?;
        let mut weekly = Vec::with_capacity(weeks as usize);
        let mut weeks_with_data = 0;
        for w in 0..weeks {
            let start = period.start + Days::new(7 * u64::from(w));
            let week = Period::range(start, start + Days::new(6));
            let v = self.metric_over(metric, &week, scope)?;
            let has_data = match v.denominator {
                Some(d) => d > 0.0,
                None => v.value.is_some(),
            };
            if has_data {
                weeks_with_data += 1;
            }
            weekly.push((week, v.value));
        }
        Ok(EffectWindow {
            period,
            value,
            weekly,
            weeks_with_data,
        })
    }

    /// The effect of action `id` with windows of `weeks` weeks, judged on `today`; `Ok(None)` when
    /// there is no such action. Refused for an action without a metric or a start date.
    pub fn action_effect(&self, id: i64, weeks: u32, today: NaiveDate) -> Result<Option<Effect>> {
        let Some(action) = self.action(id)? else {
            return Ok(None);
        };
        if !(1..=52).contains(&weeks) {
            return Err(invalid(
                "weeks",
                format!("{weeks} weeks is not a window; expected 1 to 52"),
            ));
        }
        let a = &action.action;
        let Some(metric_id) = a.metric_id.clone() else {
            return Err(invalid(
                "effect",
                format!("action {id} names no metric to move; set one to see its effect"),
            ));
        };
        let Some(start) = a.start_date else {
            return Err(invalid(
                "effect",
                format!("action {id} has no start date; set one to see its effect"),
            ));
        };
        let metric = self
            .metric_catalog()?
            .into_iter()
            .find(|m| m.id == metric_id)
            .ok_or_else(|| {
                invalid(
                    "metric",
                    format!("action {id} names {metric_id:?}, which is no longer a metric of this workspace"),
                )
            })?;
        let scope = a.scope.clone();
        let before = self.window(&metric.id, before_window(start, weeks), weeks, &scope)?;
        let data_end = self
            .data_range()?
            .and_then(|r| NaiveDate::parse_from_str(&r.last_day, "%Y-%m-%d").ok());
        let mut effect = Effect {
            action_id: id,
            metric: metric.clone(),
            scope: scope.clone(),
            weeks,
            before,
            after: None,
            change: None,
            test: None,
            verdict: Verdict::TooEarly,
            reason: String::new(),
            savings: None,
        };
        let after_period = match finish_of(&action, today) {
            Ok(finish) => after_window(finish, weeks),
            Err(why) => {
                effect.reason = why;
                return Ok(Some(effect));
            }
        };
        if after_period.end >= today {
            effect.reason = format!("the after window ({}) is not over yet", after_period.label);
            return Ok(Some(effect));
        }
        match data_end {
            Some(end) if end >= after_period.end => {}
            Some(end) => {
                effect.reason = format!(
                    "the data end on {end}, before the after window ({}) does; import later data",
                    after_period.label
                );
                return Ok(Some(effect));
            }
            None => {
                effect.reason = "the workspace holds no data yet".into();
                return Ok(Some(effect));
            }
        }
        let after = self.window(&metric.id, after_period, weeks, &scope)?;
        let (b, af) = (effect.before.value.value, after.value.value);
        effect.change = change(af, b, metric.unit);
        effect.verdict = Verdict::NoClearChange;
        let short = [("before", &effect.before), ("after", &after)]
            .into_iter()
            .find(|(_, w)| !w.is_covered())
            .map(|(which, w)| {
                format!(
                    "not enough data {which} the action for {}: the {which} window ({}) is short, {}",
                    scope_text(&scope),
                    w.period.label,
                    w.coverage_text()
                )
            });
        if let Some(why) = short {
            effect.reason = why;
            effect.change = None;
            effect.after = Some(after);
            return Ok(Some(effect));
        }
        if b.is_none() || af.is_none() {
            let (which, v) = if b.is_none() {
                ("before", &effect.before.value)
            } else {
                ("after", &after.value)
            };
            effect.reason = format!(
                "{} has no value in the {which} window for {}: {}",
                metric.name,
                scope_text(&scope),
                v.reason.clone().unwrap_or_default()
            );
            effect.after = Some(after);
            return Ok(Some(effect));
        }
        let tested = if is_count_proportion(&metric) {
            match (
                effect.before.value.numerator,
                effect.before.value.denominator,
                after.value.numerator,
                after.value.denominator,
            ) {
                (Some(x1), Some(n1), Some(x2), Some(n2)) => two_proportion_z(x1, n1, x2, n2),
                _ => Err("the windows lack the counts a proportion test needs".into()),
            }
        } else {
            let values =
                |w: &EffectWindow| w.weekly.iter().filter_map(|(_, v)| *v).collect::<Vec<_>>();
            welch_t(&values(&effect.before), &values(&after))
        };
        match tested {
            Ok(t) => {
                let (v, why) = verdict_of(&t, metric.direction, &metric.name);
                effect.verdict = v;
                effect.reason = why;
                effect.test = Some(t);
            }
            Err(why) => effect.reason = format!("no test could be run: {why}"),
        }
        effect.savings = self.savings(&action, &metric, &effect.before, &after)?;
        effect.after = Some(after);
        Ok(Some(effect))
    }

    /// The saving of an AHT or cost-per-contact action that has a cost.
    fn savings(
        &self,
        action: &Action,
        metric: &Metric,
        before: &EffectWindow,
        after: &EffectWindow,
    ) -> Result<Option<Savings>> {
        let Some(cost) = action.action.cost.filter(|c| *c > 0.0) else {
            return Ok(None);
        };
        let (Some(b), Some(a), Some(handled)) = (
            before.value.value,
            after.value.value,
            after.value.denominator,
        ) else {
            return Ok(None);
        };
        let currency = self.settings()?.currency;
        let basis = match metric.builtin {
            Some(MetricId::Aht) => {
                let months = Period::range(
                    first_of_month(after.period.start),
                    first_of_month(after.period.end) + Months::new(1) - Days::new(1),
                );
                let scope = &action.action.scope;
                let cost_sum = self
                    .metric_over("cost_per_contact", &months, scope)?
                    .numerator;
                let handle_s = self.metric_over("aht", &months, scope)?.numerator;
                let cost_per_second = match (cost_sum, handle_s) {
                    (Some(c), Some(h)) if h > 0.0 => Some(c / h),
                    _ => None,
                };
                SavingsBasis::Aht {
                    cost_per_second,
                    months: months.label,
                }
            }
            Some(MetricId::CostPerContact) => SavingsBasis::CostPerContact,
            _ => return Ok(None),
        };
        Ok(Some(estimate_savings(
            &basis, b, a, handled, cost, &currency,
        )))
    }
}
