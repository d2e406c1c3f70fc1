//! Evaluation: summed measures of a scope in, [`MetricValue`]s out, and the scorecard that a QBR
//! is built from (per group, per metric: value, target, status, previous and year-ago values).
//!
//! Promises:
//! - One aggregation query per period asked (current, previous, year-ago), whatever the number
//!   of metrics; metrics are then evaluated from the group's sums in memory.
//! - Stocks (headcount, fte) are summed across dimensions and averaged over the months of the
//!   scope; every other measure is summed.
//! - Where a scope has no `agent_handle_s`, `handle_s` stands in (metrics.md, base measures).
//! - Under the repeat-contact FCR variant, `fcr_resolved` and `fcr_eligible` come from the
//!   interaction records, replacing whatever the facts reported.

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;

use crate::error::{Error, Result};
use crate::measure::{Dimension, Measure, Measures};
use crate::metrics::catalog::{Metric, MetricId};
use crate::metrics::comparison::{change, Change};
use crate::metrics::formula::{Scale, Term};
use crate::metrics::target::{select_target, status, Status, Target};
use crate::metrics::variant::{FcrVariant, MetricVariants};
pub use crate::metrics::GroupKey;
use crate::metrics::{Direction, Flag, MetricValue, Unit};
use crate::period::Period;
use crate::store::query::{FactCell, FactScope, ResolutionCell, TimeSplit, STOCKS};
use crate::store::Workspace;

/// The coverage cell a fact cell's flows are kept in: the measures its facts carry, its program
/// and queue, and its month (finance and headcount are monthly, so a cost is matched with the
/// contacts of its own program and month).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct PartKey {
    known: u64,
    program: Option<String>,
    queue: Option<String>,
    month: (i32, u32),
}

/// Summed measures of one group over some span; flows are kept per coverage cell ([`PartKey`])
/// so that a ratio is summed only where its numerator is known; stocks are kept per month so
/// that they can be averaged over time after being added across dimensions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Aggregate {
    parts: BTreeMap<PartKey, Measures>,
    /// (year, month) → per stock: (sum of the stock over the month's rows, distinct days).
    stocks: BTreeMap<(i32, u32), [(f64, u32); 2]>,
}

/// How much of a ratio's denominator carries its numerator.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// The denominator over the parts that carry the numerator (what the value is computed on).
    pub covered: f64,
    /// The denominator over the whole scope.
    pub total: f64,
    /// What the rest lacks, in words: "queue Billing has no waits".
    pub lacking: Vec<String>,
}

impl Coverage {
    pub fn share(&self) -> f64 {
        if self.total > 0.0 {
            self.covered / self.total
        } else {
            0.0
        }
    }

    /// "computed over 1,200 of 1,500 (80%): queue B has no waits".
    pub fn text(&self) -> String {
        format!(
            "computed over {} of {} ({:.0}%): {}",
            crate::metrics::format_count(self.covered.round()),
            crate::metrics::format_count(self.total.round()),
            self.share() * 100.0,
            self.lacking.join("; ")
        )
    }
}

impl Aggregate {
    /// Adds one query cell.
    pub(crate) fn add_cell(&mut self, cell: &FactCell) {
        let has_flow = cell.sums.iter().any(|(m, v)| v.is_some() && !m.is_stock());
        if has_flow {
            let key = PartKey {
                known: cell.known,
                program: cell.program.clone(),
                queue: cell.queue.clone(),
                month: (cell.slot.year(), cell.slot.month()),
            };
            let part = self.parts.entry(key).or_default();
            for (m, v) in cell.sums.iter() {
                if let (Some(v), false) = (v, m.is_stock()) {
                    part.add(m, v);
                }
            }
        }
        for (i, stock) in STOCKS.iter().enumerate() {
            if let (Some(sum), days) = (cell.sums.get(*stock), cell.stock_days[i]) {
                if days > 0 {
                    let slot = self
                        .stocks
                        .entry((cell.slot.year(), cell.slot.month()))
                        .or_default();
                    slot[i].0 += sum;
                    slot[i].1 += days;
                }
            }
        }
    }

    /// Adds another aggregate (a moving-average window is the merge of its buckets).
    pub fn merge(&mut self, other: &Aggregate) {
        for (key, m) in &other.parts {
            self.parts.entry(key.clone()).or_default().add_all(m);
        }
        for (month, s) in &other.stocks {
            let slot = self.stocks.entry(*month).or_default();
            for i in 0..2 {
                slot[i].0 += s[i].0;
                slot[i].1 += s[i].1;
            }
        }
    }

    /// Replaces the reported resolution measures by repeat-contact ones.
    pub(crate) fn take_resolution(&mut self, resolved: Option<u64>, eligible: Option<u64>) {
        // Resolution is not a coverage measure, so removing it leaves every part's key as it is.
        let fcr = |m: Measure| matches!(m, Measure::FcrResolved | Measure::FcrEligible);
        let mut parts: BTreeMap<PartKey, Measures> = BTreeMap::new();
        for (key, m) in std::mem::take(&mut self.parts) {
            let mut kept = Measures::default();
            for (x, v) in m.iter() {
                if let (Some(v), false) = (v, fcr(x)) {
                    kept.set(x, v);
                }
            }
            if kept.iter().any(|(_, v)| v.is_some()) {
                parts.entry(key).or_default().add_all(&kept);
            }
        }
        if let (Some(r), Some(e)) = (resolved, eligible) {
            let key = PartKey {
                known: 0,
                program: None,
                queue: None,
                month: (0, 0),
            };
            let part = parts.entry(key).or_default();
            part.add(Measure::FcrResolved, r as f64);
            part.add(Measure::FcrEligible, e as f64);
        }
        self.parts = parts;
    }

    /// The sum of a flow over every part, or `None` when no part measures it.
    fn flow(&self, m: Measure) -> Option<f64> {
        self.parts
            .values()
            .filter_map(|p| p.get(m))
            .fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
    }

    /// The measure over the aggregate: the sum of a flow, the mean over months of a stock, or
    /// `None` when nothing in the scope measures it.
    pub fn value(&self, m: Measure) -> Option<f64> {
        if let Some(i) = STOCKS.iter().position(|s| *s == m) {
            let levels: Vec<f64> = self
                .stocks
                .values()
                .filter(|s| s[i].1 > 0)
                .map(|s| s[i].0 / f64::from(s[i].1))
                .collect();
            return (!levels.is_empty()).then(|| levels.iter().sum::<f64>() / levels.len() as f64);
        }
        self.flow(self.stand_in(m))
    }

    /// `handle_s` stands in for `agent_handle_s` where the scope has no agent state data.
    fn stand_in(&self, m: Measure) -> Measure {
        if m == Measure::AgentHandleS && self.flow(Measure::AgentHandleS).is_none() {
            Measure::HandleS
        } else {
            m
        }
    }
}

/// A measure in words, for what a part of a scope lacks ("has no waits").
fn measure_words(m: Measure) -> &'static str {
    use Measure as M;
    match m {
        M::Offered => "contact volumes",
        M::Handled => "handled counts",
        M::Abandoned => "abandons",
        M::ShortAbandoned => "short abandons",
        M::AnsweredInThreshold | M::AbandonedInThreshold | M::AnswerWaitS => "waits",
        M::TalkS => "talk times",
        M::HoldS => "hold times",
        M::WrapS => "wrap times",
        M::HandleS => "handle times",
        M::Transferred => "transfers",
        M::FcrResolved | M::FcrEligible => "resolution",
        M::CsatResponses | M::CsatSatisfied | M::CsatSum => "CSAT ratings",
        M::NpsResponses | M::NpsPromoters | M::NpsDetractors => "NPS ratings",
        M::CesResponses | M::CesSum => "CES ratings",
        M::QaEvaluations | M::QaScoreSum | M::QaFailed => "quality evaluations",
        M::PaidS => "paid time",
        M::ScheduledS | M::AdherentS => "schedules",
        M::LoggedInS => "logged-in time",
        M::AvailableS => "available time",
        M::AgentHandleS => "agent handling time",
        M::Leavers => "leavers",
        M::Headcount | M::Fte => "headcount",
        M::Revenue => "revenue data",
        M::Cost => "cost data",
        M::Investment => "investment data",
        #[allow(unreachable_patterns)]
        _ => m.as_str(),
    }
}

/// A ratio's sums where its numerator is known, and what that leaves out.
struct Covered {
    num: f64,
    den: f64,
    /// The denominator over every part that has one.
    den_total: f64,
    /// The sample measure over the covered parts.
    n: Option<f64>,
    lacking: Vec<String>,
    /// The first numerator measure the uncovered parts lack.
    missing: Option<Measure>,
    /// Covered denominator whose parts lack short abandons (taken as none).
    short_unknown: f64,
}

/// Sums `f`'s numerator and denominator over the parts of `agg` that carry both, matched within
/// one part where the data carry them side by side (service level, AHT), else within one
/// program and month (a cost against the contacts of its own program and month). `None` when
/// the formula reads a stock, which has its own averaging.
fn covered(metric: &Metric, agg: &Aggregate) -> Option<Covered> {
    let f = &metric.formula;
    let den_terms = f.denominator.as_ref()?;
    if f.measures().any(Measure::is_stock) {
        return None;
    }
    // Short abandons are optional: where a source does not give them, none are excluded, and
    // the value says so.
    let optional = |m: Measure| m == Measure::ShortAbandoned;
    let resolve = |m: Measure| agg.stand_in(m);
    let required = |terms: &[Term]| -> Vec<Measure> {
        terms
            .iter()
            .map(|t| t.measure)
            .filter(|m| !optional(*m))
            .map(resolve)
            .collect()
    };
    let (num_req, den_req) = (required(&f.numerator), required(den_terms));
    let has_all = |p: &Measures, ms: &[Measure]| ms.iter().all(|m| p.get(*m).is_some());
    let sum = |p: &Measures, terms: &[Term]| -> f64 {
        terms
            .iter()
            .map(|t| {
                let v = p.get(resolve(t.measure)).unwrap_or(0.0);
                if t.negative {
                    -v
                } else {
                    v
                }
            })
            .sum()
    };
    let parts: Vec<(&PartKey, &Measures)> = agg.parts.iter().collect();
    let side_by_side = parts
        .iter()
        .any(|(_, p)| has_all(p, &den_req) && has_all(p, &num_req));
    // Which parts are covered: those carrying the numerator (side by side), or those whose
    // program and month carry it and the denominator (matched across sources).
    // (program, month) → (some part carries the numerator, some part the denominator).
    type Bucket<'a> = (Option<&'a str>, (i32, u32));
    let mut buckets: HashMap<Bucket<'_>, (bool, bool)> = HashMap::new();
    if !side_by_side {
        for (k, p) in &parts {
            let b = buckets.entry((k.program.as_deref(), k.month)).or_default();
            b.0 |= has_all(p, &num_req);
            b.1 |= has_all(p, &den_req);
        }
    }
    let bucket_ok = |k: &PartKey| {
        buckets
            .get(&(k.program.as_deref(), k.month))
            .is_some_and(|b| b.0 && b.1)
    };
    let mut out = Covered {
        num: 0.0,
        den: 0.0,
        den_total: 0.0,
        n: None,
        lacking: Vec::new(),
        missing: None,
        short_unknown: 0.0,
    };
    let mut lacking: Vec<(String, Measure)> = Vec::new();
    for (k, p) in &parts {
        let den_known = has_all(p, &den_req);
        let num_known = has_all(p, &num_req);
        let cov = if side_by_side {
            den_known && num_known
        } else {
            bucket_ok(k)
        };
        if den_known {
            out.den_total += sum(p, den_terms);
        }
        if !cov {
            if den_known && sum(p, den_terms) != 0.0 {
                let miss = num_req
                    .iter()
                    .copied()
                    .find(|m| p.get(*m).is_none())
                    .unwrap_or(num_req[0]);
                let who = match (&k.queue, &k.program) {
                    (Some(q), _) => format!("queue {q}"),
                    (None, Some(pr)) => format!("program {pr}"),
                    (None, None) => "contacts with no queue or program".to_string(),
                };
                lacking.push((who, miss));
                out.missing.get_or_insert(miss);
            }
            continue;
        }
        if num_known {
            out.num += sum(p, &f.numerator);
        }
        if den_known {
            let d = sum(p, den_terms);
            out.den += d;
            if f.measures().any(optional) && p.get(Measure::ShortAbandoned).is_none() {
                out.short_unknown += d;
            }
            if let Some(s) = metric.sample.and_then(|s| p.get(resolve(s))) {
                out.n = Some(out.n.unwrap_or(0.0) + s);
            }
        }
    }
    lacking.sort();
    lacking.dedup();
    let shown = 3;
    let mut words: Vec<String> = lacking
        .iter()
        .take(shown)
        .map(|(who, m)| {
            let verb = if who.starts_with("contacts ") {
                "have"
            } else {
                "has"
            };
            format!("{who} {verb} no {}", measure_words(*m))
        })
        .collect();
    if lacking.len() > shown {
        words.push(format!("and {} more", lacking.len() - shown));
    }
    out.lacking = words;
    Some(out)
}

fn sum_terms(agg: &Aggregate, terms: &[Term]) -> std::result::Result<f64, Measure> {
    let mut total = 0.0;
    for t in terms {
        let v = agg.value(t.measure).ok_or(t.measure)?;
        total += if t.negative { -v } else { v };
    }
    Ok(total)
}

fn not_in_data(m: Measure) -> String {
    format!("{} is not in the data for this scope", m.as_str())
}

/// Evaluates `metric` over `agg`, a scope of `months` months (used only by annualised metrics).
///
/// A service level with no answered-in-threshold counts in the scope is the source's reported
/// percentage where one was imported, weighted by the contacts it speaks of and flagged
/// [`Flag::ReportedBySource`].
pub fn evaluate(metric: &Metric, agg: &Aggregate, months: f64) -> MetricValue {
    if metric.id == "service_level" && agg.value(Measure::AnsweredInThreshold).is_none() {
        if let (Some(met), Some(base)) = (
            agg.value(Measure::SlReportedMet),
            agg.value(Measure::SlReportedBase),
        ) {
            let mut out = MetricValue::missing(metric.empty_reason.clone());
            if base > 0.0 {
                out = MetricValue {
                    value: Some(met / base),
                    numerator: Some(met),
                    denominator: Some(base),
                    n: Some(base.round().max(0.0) as u64),
                    flags: vec![Flag::ReportedBySource],
                    reason: None,
                    coverage: None,
                    notes: vec![
                        "reported by the source: its own percentage and definition, weighted by the contacts it speaks of"
                            .into(),
                    ],
                };
            }
            return out;
        }
    }
    evaluate_sums(metric, agg, months)
}

impl Aggregate {
    /// An aggregate of a batch's own facts, kept per coverage cell as the scorecard keeps them.
    pub(crate) fn from_parts(parts: &[crate::import::sink::BatchPart]) -> Aggregate {
        let mut out = Aggregate::default();
        for p in parts {
            let key = PartKey {
                known: p.known,
                program: p.program.clone(),
                queue: p.queue.clone(),
                month: p.month,
            };
            let mut flows = Measures::default();
            for (m, v) in p.sums.iter() {
                if let (Some(v), false) = (v, m.is_stock()) {
                    flows.set(m, v);
                }
            }
            out.parts.entry(key).or_default().add_all(&flows);
        }
        out
    }
}

fn evaluate_sums(metric: &Metric, agg: &Aggregate, months: f64) -> MetricValue {
    let n = metric
        .sample
        .and_then(|m| agg.value(m))
        .map(|v| v.round().max(0.0) as u64);
    let mut out = MetricValue {
        value: None,
        numerator: None,
        denominator: None,
        n,
        flags: Vec::new(),
        reason: None,
        coverage: None,
        notes: Vec::new(),
    };
    let f = &metric.formula;
    let Some(den_terms) = &f.denominator else {
        match sum_terms(agg, &f.numerator) {
            Ok(v) => {
                out.numerator = Some(v);
                out.value = Some(v);
            }
            Err(_) => out.reason = Some(metric.empty_reason.clone()),
        }
        return out;
    };
    if let Some(c) = covered(metric, agg) {
        return evaluate_covered(metric, c, agg, months, out);
    }
    let den = match sum_terms(agg, den_terms) {
        Ok(d) => d,
        Err(m) => {
            let all_absent = den_terms.iter().all(|t| agg.value(t.measure).is_none());
            out.reason = Some(if all_absent {
                metric.empty_reason.clone()
            } else {
                not_in_data(m)
            });
            return out;
        }
    };
    out.denominator = Some(den);
    out.numerator = sum_terms(agg, &f.numerator).ok();
    if den == 0.0 {
        out.reason = Some(metric.empty_reason.clone());
        return out;
    }
    if den < 0.0 {
        out.reason = Some(format!(
            "the data are inconsistent: the denominator ({}) is negative",
            den_terms_text(den_terms)
        ));
        return out;
    }
    let Some(num) = out.numerator else {
        let missing = f
            .numerator
            .iter()
            .find(|t| agg.value(t.measure).is_none())
            .map(|t| t.measure)
            .expect("a failed sum has an absent term");
        out.reason = Some(not_in_data(missing));
        return out;
    };
    let scale = match f.scale {
        Scale::One => 1.0,
        Scale::Hundred => 100.0,
        Scale::Annualised => 12.0 / months,
    };
    let value = num / den * scale;
    if !value.is_finite() {
        out.reason = Some("the value cannot be computed for this scope".into());
        return out;
    }
    out.value = Some(value);
    if let (Some(n), Some(min)) = (out.n, metric.min_sample) {
        if n < min {
            out.flags.push(Flag::LowSample);
        }
    }
    out
}

/// The rest of [`evaluate`] for a ratio of flows: the sums over the parts that carry the
/// numerator, and what the rest lacks.
fn evaluate_covered(
    metric: &Metric,
    c: Covered,
    agg: &Aggregate,
    months: f64,
    mut out: MetricValue,
) -> MetricValue {
    let f = &metric.formula;
    let den_terms = f.denominator.as_deref().unwrap_or(&[]);
    let required: Vec<&Term> = den_terms
        .iter()
        .filter(|t| t.measure != Measure::ShortAbandoned)
        .collect();
    if required.iter().any(|t| agg.value(t.measure).is_none()) {
        let all_absent = den_terms.iter().all(|t| agg.value(t.measure).is_none());
        out.reason = Some(if all_absent {
            metric.empty_reason.clone()
        } else {
            let m = required
                .iter()
                .find(|t| agg.value(t.measure).is_none())
                .map(|t| t.measure)
                .expect("one is absent");
            not_in_data(m)
        });
        return out;
    }
    out.denominator = Some(c.den_total);
    if c.den_total == 0.0 {
        out.reason = Some(metric.empty_reason.clone());
        return out;
    }
    if c.den_total < 0.0 {
        out.reason = Some(format!(
            "the data are inconsistent: the denominator ({}) is negative",
            den_terms_text(den_terms)
        ));
        return out;
    }
    if c.den <= 0.0 {
        let missing = c.missing.unwrap_or(f.numerator[0].measure);
        out.reason = Some(not_in_data(missing));
        return out;
    }
    let scale = match f.scale {
        Scale::One => 1.0,
        Scale::Hundred => 100.0,
        Scale::Annualised => 12.0 / months,
    };
    let value = c.num / c.den * scale;
    if !value.is_finite() {
        out.reason = Some("the value cannot be computed for this scope".into());
        return out;
    }
    out.value = Some(value);
    out.numerator = Some(c.num);
    out.denominator = Some(c.den);
    if c.den < c.den_total * (1.0 - 1e-12) {
        out.n = c.n.map(|v| v.round().max(0.0) as u64);
        out.coverage = Some(Coverage {
            covered: c.den,
            total: c.den_total,
            lacking: c.lacking,
        });
    }
    if c.short_unknown > 0.0 {
        out.notes.push(if c.short_unknown >= c.den * (1.0 - 1e-12) {
            "short abandons are not in the data, so none could be excluded".to_string()
        } else {
            format!(
                "short abandons could not be excluded for {} of the {} contacts",
                crate::metrics::format_count(c.short_unknown.round()),
                crate::metrics::format_count(c.den.round())
            )
        });
    }
    if let (Some(n), Some(min)) = (out.n, metric.min_sample) {
        if n < min {
            out.flags.push(Flag::LowSample);
        }
    }
    out
}

fn den_terms_text(terms: &[Term]) -> String {
    crate::metrics::formula::Formula::sum(terms).text()
}

/// What a scorecard covers.
#[derive(Debug, Clone)]
pub struct ScorecardRequest {
    pub period: Period,
    /// Metric ids, built-in or custom, in display order; empty = every built-in then every custom.
    pub metrics: Vec<String>,
    pub group_by: Vec<Dimension>,
    /// Member filters; several on one dimension are alternatives.
    pub filters: Vec<(Dimension, String)>,
    /// Also evaluate the previous period and the same period a year earlier.
    pub compare: bool,
}

/// One metric of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardEntry {
    pub metric_id: String,
    pub unit: Unit,
    pub value: MetricValue,
    /// The target in force at the period's end for this group, most specific scope first.
    pub target: Option<Target>,
    pub status: Status,
    pub previous: Option<f64>,
    pub year_ago: Option<f64>,
    pub change_previous: Option<Change>,
    pub change_year_ago: Option<Change>,
}

/// One group's metrics, in the order of the scorecard's `metrics`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardGroup {
    pub key: GroupKey,
    pub metrics: Vec<ScorecardEntry>,
}

impl ScorecardGroup {
    pub fn metric(&self, id: &str) -> Option<&ScorecardEntry> {
        self.metrics.iter().find(|e| e.metric_id == id)
    }
}

/// A scorecard: the period, the metric definitions used, and one row of metrics per group.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    pub period: Period,
    pub previous_period: Option<Period>,
    pub year_ago_period: Option<Period>,
    pub variants: MetricVariants,
    /// Definitions (name, unit, direction, formula text) in display order.
    pub metrics: Vec<Metric>,
    /// Sorted by key; a scorecard without grouping has exactly one group with an empty key.
    pub groups: Vec<ScorecardGroup>,
}

impl Scorecard {
    pub fn group(&self, key: &GroupKey) -> Option<&ScorecardGroup> {
        self.groups.iter().find(|g| &g.key == key)
    }
}

/// Aggregated groups of one span.
pub(crate) type Groups = BTreeMap<Vec<Option<String>>, Aggregate>;

/// Every measure evaluating `metrics` reads: their formulas' terms and sample sizes, and
/// `handle_s` where `agent_handle_s` is read, since it stands in for it.
pub(crate) fn needed_measures(metrics: &[Metric]) -> Vec<Measure> {
    let mut out: Vec<Measure> = Vec::new();
    for m in metrics {
        for x in m.formula.measures().chain(m.sample) {
            if !out.contains(&x) {
                out.push(x);
            }
        }
    }
    if out.contains(&Measure::AgentHandleS) && !out.contains(&Measure::HandleS) {
        out.push(Measure::HandleS);
    }
    // The service level falls back to the source's reported share (see `evaluate`).
    if metrics.iter().any(|m| m.id == "service_level") {
        out.extend([Measure::SlReportedMet, Measure::SlReportedBase]);
    }
    out
}

fn needs_resolution(metrics: &[Metric], v: &MetricVariants) -> bool {
    matches!(v.fcr, FcrVariant::RepeatContacts { .. })
        && metrics.iter().any(|m| {
            m.formula
                .measures()
                .any(|x| matches!(x, Measure::FcrResolved | Measure::FcrEligible))
        })
}

impl Workspace {
    /// Every built-in metric under the workspace's variants, then every custom metric.
    pub fn metric_catalog(&self) -> Result<Vec<Metric>> {
        let v = self.metric_variants()?;
        let mut all = crate::metrics::catalog::catalog(&v);
        for c in self.custom_metrics()? {
            all.push(Metric::custom(&c)?);
        }
        Ok(all)
    }

    /// The metrics named by `ids` (all when empty), or an error naming the unknown id.
    pub(crate) fn resolve_metrics(
        &self,
        ids: &[String],
        v: &MetricVariants,
    ) -> Result<Vec<Metric>> {
        let mut customs: Option<Vec<Metric>> = None;
        let mut load_customs = |ws: &Workspace| -> Result<Vec<Metric>> {
            if customs.is_none() {
                customs = Some(
                    ws.custom_metrics()?
                        .iter()
                        .map(Metric::custom)
                        .collect::<Result<_>>()?,
                );
            }
            Ok(customs.clone().unwrap_or_default())
        };
        if ids.is_empty() {
            let mut all = crate::metrics::catalog::catalog(v);
            all.extend(load_customs(self)?);
            return Ok(all);
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let id = id.trim();
            if let Some(b) = MetricId::parse(id) {
                out.push(Metric::builtin(b, v));
                continue;
            }
            match load_customs(self)?.into_iter().find(|m| m.id == id) {
                Some(m) => out.push(m),
                None => {
                    return Err(Error::InvalidSetting {
                        field: "metric".into(),
                        message: format!(
                            "unknown metric {id:?}; expected a built-in id such as service_level, csat or aht, or a custom metric's id"
                        ),
                    })
                }
            }
        }
        Ok(out)
    }

    /// Runs the aggregation (and, when needed, the repeat-contact query) for one span.
    pub(crate) fn cells(
        &self,
        scope: &FactScope<'_>,
        resolution_days: Option<u32>,
    ) -> Result<(Vec<FactCell>, Option<Vec<ResolutionCell>>)> {
        let facts = self.aggregate_facts(scope)?;
        let resolution = match resolution_days {
            Some(days) => Some(self.repeat_contact_resolution(scope, days)?),
            None => None,
        };
        Ok((facts, resolution))
    }

    /// Aggregates one period per group.
    pub(crate) fn groups(
        &self,
        period: &Period,
        group_by: &[Dimension],
        filters: &[(Dimension, String)],
        measures: &[Measure],
        resolution_days: Option<u32>,
    ) -> Result<Groups> {
        let scope = FactScope {
            start: period.start,
            end: period.end,
            group_by,
            filters,
            split: TimeSplit::Month,
            measures,
            by_queue: true,
        };
        let (facts, resolution) = self.cells(&scope, resolution_days)?;
        let mut groups = Groups::new();
        for c in &facts {
            groups.entry(c.key.clone()).or_default().add_cell(c);
        }
        if let Some(res) = resolution {
            let mut by_key: HashMap<Vec<Option<String>>, (u64, u64)> = HashMap::new();
            for r in &res {
                let e = by_key.entry(r.key.clone()).or_default();
                e.0 += r.resolved;
                e.1 += r.eligible;
            }
            for k in by_key.keys() {
                groups.entry(k.clone()).or_default();
            }
            for (k, agg) in groups.iter_mut() {
                let found = by_key.get(k);
                agg.take_resolution(found.map(|f| f.0), found.map(|f| f.1));
            }
        }
        if group_by.is_empty() {
            groups.entry(Vec::new()).or_default();
        }
        Ok(groups)
    }

    /// The scorecard of `req`: see [`Scorecard`].
    pub fn scorecard(&self, req: &ScorecardRequest) -> Result<Scorecard> {
        let fsm = self.settings()?.fiscal_year_start_month;
        let variants = self.metric_variants()?;
        let metrics = self.resolve_metrics(&req.metrics, &variants)?;
        let targets = self.targets()?;
        let resolution_days = match variants.fcr {
            FcrVariant::RepeatContacts { days } if needs_resolution(&metrics, &variants) => {
                Some(days)
            }
            _ => None,
        };
        let measures = needed_measures(&metrics);
        let (previous_period, year_ago_period) = if req.compare {
            (
                Some(req.period.previous(fsm)),
                Some(req.period.year_ago(fsm)),
            )
        } else {
            (None, None)
        };
        let groups_of = |ws: &Workspace, p: &Period| {
            ws.groups(p, &req.group_by, &req.filters, &measures, resolution_days)
        };
        let others = |ws: &Workspace| -> Result<(Option<Groups>, Option<Groups>)> {
            Ok((
                previous_period
                    .as_ref()
                    .map(|p| groups_of(ws, p))
                    .transpose()?,
                year_ago_period
                    .as_ref()
                    .map(|p| groups_of(ws, p))
                    .transpose()?,
            ))
        };
        // The comparisons are two more passes over the facts: a second connection reads them
        // on another thread while this one reads the period (`cargo bench -p qbr-api --bench
        // switch`). Not inside a transaction, whose changes only its own connection sees. Each
        // statement reads its own snapshot either way, as the passes did one after the other.
        let (current, (previous, year_ago)) = if req.compare && self.between_transactions() {
            let sibling = self.sibling();
            std::thread::scope(|s| {
                let side = s.spawn(|| others(&sibling()?));
                let current = groups_of(self, &req.period);
                let others = side
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                Ok::<_, Error>((current?, others?))
            })?
        } else {
            (groups_of(self, &req.period)?, others(self)?)
        };
        let value_in = |groups: &Option<Groups>, p: &Option<Period>, key, m: &Metric| {
            let (groups, p) = (groups.as_ref()?, p.as_ref()?);
            evaluate(m, groups.get(key)?, p.months()).value
        };

        // Service levels over interval data keep their source's threshold: say so, per group.
        let source_counted: HashMap<Vec<Option<String>>, f64> = if metrics.iter().any(|m| {
            m.formula
                .measures()
                .any(|x| x == Measure::AnsweredInThreshold)
        }) {
            self.source_counted_offered(&FactScope {
                start: req.period.start,
                end: req.period.end,
                group_by: &req.group_by,
                filters: &req.filters,
                split: TimeSplit::Month,
                measures: &[],
                by_queue: false,
            })?
            .into_iter()
            .filter(|(_, n)| *n > 0.0)
            .collect()
        } else {
            HashMap::new()
        };
        let mut out_groups = Vec::with_capacity(current.len());
        for (names, agg) in &current {
            let key = GroupKey::from_parts(&req.group_by, names);
            let entries = metrics
                .iter()
                .map(|m| {
                    let mut value = evaluate(m, agg, req.period.months());
                    if let (Some(n), true, Some(_)) = (
                        source_counted.get(names),
                        m.formula
                            .measures()
                            .any(|x| x == Measure::AnsweredInThreshold),
                        value.value,
                    ) {
                        value.notes.push(format!(
                            "{} of the contacts come from interval files, counted by their \
                             source at its own threshold",
                            crate::metrics::format_count(n.round())
                        ));
                    }
                    let target =
                        select_target(&targets, &m.id, &key, &req.filters, req.period.end).cloned();
                    let status = status(target.as_ref(), value.value);
                    let prev = value_in(&previous, &previous_period, names, m);
                    let ya = value_in(&year_ago, &year_ago_period, names, m);
                    ScorecardEntry {
                        metric_id: m.id.clone(),
                        unit: m.unit,
                        change_previous: change(value.value, prev, m.unit),
                        change_year_ago: change(value.value, ya, m.unit),
                        value,
                        target,
                        status,
                        previous: prev,
                        year_ago: ya,
                    }
                })
                .collect();
            out_groups.push(ScorecardGroup {
                key,
                metrics: entries,
            });
        }
        out_groups.sort_by_key(|g| g.key.sort_key());
        Ok(Scorecard {
            period: req.period.clone(),
            previous_period,
            year_ago_period,
            variants,
            metrics,
            groups: out_groups,
        })
    }
}

/// Whether moving in `slope`'s direction is good for a metric, or `None` when the metric has no
/// better direction (volumes) or a band.
pub fn is_improvement(direction: Direction, slope: f64) -> Option<bool> {
    match direction {
        Direction::Higher => Some(slope > 0.0),
        Direction::Lower => Some(slope < 0.0),
        Direction::Band | Direction::None => None,
    }
}

#[cfg(test)]
mod tests;
