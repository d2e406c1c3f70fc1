//! Needs attention: for a period, what an account manager should look at first, ranked. Targets
//! missed (and newly missed), control-chart signals in the period's weeks, large moves for the
//! worse against the previous period and the year before, and values on a low sample; for the
//! whole account and for each program. Each item names its metric and scope, so a screen can
//! link to the metric's detail.
//!
//! Ranking (higher first): target missed red 100, amber 60, +10 when it was met the period
//! before, + up to 9.9 by how far off it is (50 × the shortfall relative to the target); a
//! signal for the worse 70 for a point beyond the limits and 50 for another rule, 30 for a
//! signal for the better or on a volume; a large move for the worse 40 plus up to 20 by its size; low
//! sample 10. Within a score, the whole account comes before programs.
//!
//! Thresholds: a move is large from 2 percentage points for ratios and 5% relative otherwise.
//! Signals come from weekly XmR charts over the 52 weeks up to the period's end, the limits set by
//! the weeks before the period (at least 8 with values). XmR rather than a p-chart here because
//! weekly contact counts are in the thousands: binomial limits are then far narrower than the
//! week-to-week variation of real operations and every week would signal.

use chrono::Days;

use crate::error::Result;
use crate::measure::Dimension;
use crate::metrics::catalog::Metric;
use crate::metrics::engine::ScorecardGroup;
use crate::metrics::target::{status, Status};
use crate::metrics::{Direction, ScorecardRequest, SeriesRequest, Unit};
use crate::period::{Grain, Period};
use crate::store::Workspace;

use super::control::{self, ChartInput, Rule};
use super::{format_change, format_value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttentionKind {
    TargetMissed,
    Signal,
    LargeMove,
    LowSample,
}

impl AttentionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttentionKind::TargetMissed => "target_missed",
            AttentionKind::Signal => "signal",
            AttentionKind::LargeMove => "large_move",
            AttentionKind::LowSample => "low_sample",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttentionItem {
    pub kind: AttentionKind,
    pub metric_id: String,
    pub metric_name: String,
    pub unit: Unit,
    /// `None` for the whole account.
    pub scope: Option<(Dimension, String)>,
    pub score: f64,
    /// One sentence a client manager reads: "Service level is 73.7%, off its target of ≥ 82.0%;
    /// it was on target in 2026-Q2."
    pub message: String,
    pub value: Option<f64>,
    /// Target missed: whether it was met in the previous period.
    pub newly: bool,
    /// Signals: the rules that fired in the period.
    pub rules: Vec<Rule>,
    /// Signals: the labels of the weeks where a signal ended.
    pub weeks: Vec<String>,
    /// Target missed: red (off target) or amber (near it); `None` for other kinds.
    pub status: Option<Status>,
}

impl AttentionItem {
    /// The scope as a person names it: a program or a site by its name ("Tech Support"), a
    /// channel capitalised ("Email"), a queue, team or agent with its kind ("queue Payments").
    pub fn scope_label(&self) -> String {
        match &self.scope {
            None => "Whole account".into(),
            Some((Dimension::Program | Dimension::Site, v)) => v.clone(),
            Some((Dimension::Channel, v)) => {
                let mut c = v.chars();
                match c.next() {
                    Some(first) => first.to_uppercase().chain(c).collect(),
                    None => String::new(),
                }
            }
            Some((d, v)) => format!("{} {v}", d.as_str()),
        }
    }
}

/// Large-move thresholds.
pub const MOVE_POINTS: f64 = 2.0;
pub const MOVE_RELATIVE: f64 = 0.05;
/// Weeks of history for the signal charts, and the fewest baseline weeks.
pub const SIGNAL_WEEKS: u64 = 52;
pub const MIN_BASELINE: usize = 8;

fn worse(direction: Direction, delta: f64) -> bool {
    match direction {
        Direction::Higher => delta < 0.0,
        Direction::Lower => delta > 0.0,
        _ => false,
    }
}

fn target_text(unit: Unit, t: &crate::metrics::Target, currency: &str) -> String {
    use crate::metrics::TargetDirection as D;
    let direction = match t.direction {
        D::AtLeast => "at_least",
        D::AtMost => "at_most",
        D::Band => "band",
    };
    qbr_format::target(unit.as_str(), direction, t.value, t.value_high, currency)
}

/// A missed target as a sentence, with the status words of the tiles ("off" for red, "near"
/// for amber) and, when it was met in the previous period, when.
fn missed_sentence(
    name: &str,
    value: &str,
    target: &str,
    status: Status,
    met_in: Option<&str>,
) -> String {
    let how = match status {
        Status::Amber => format!("near its target of {target} but short of it"),
        _ => format!("off its target of {target}"),
    };
    match met_in {
        Some(prev) => format!("{name} is {value}, {how}; it was on target in {prev}."),
        None => format!("{name} is {value}, {how}."),
    }
}

impl Workspace {
    /// The ranked attention list for `period`.
    pub fn attention(&self, period: &Period) -> Result<Vec<AttentionItem>> {
        let card = |group_by: Vec<Dimension>| {
            self.scorecard(&ScorecardRequest {
                period: period.clone(),
                metrics: Vec::new(),
                group_by,
                filters: Vec::new(),
                compare: true,
            })
        };
        let all = card(Vec::new())?;
        let by_program = card(vec![Dimension::Program])?;
        let settings = self.settings()?;
        let fsm = settings.fiscal_year_start_month;
        let currency = settings.currency.as_str();
        let prev_label = period.previous(fsm).label;
        let year_label = period.year_ago(fsm).label;
        let mut items = Vec::new();
        for (scope, group) in
            all.groups
                .iter()
                .map(|g| (None, g))
                .chain(by_program.groups.iter().filter_map(|g| {
                    let name = g.key.get(Dimension::Program)??;
                    Some((Some((Dimension::Program, name.to_string())), g))
                }))
        {
            scorecard_items(
                &all.metrics,
                scope,
                group,
                &prev_label,
                &year_label,
                currency,
                &mut items,
            );
        }
        self.signal_items(period, &all.metrics, currency, &settings.locale, &mut items)?;
        items.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.scope.is_some().cmp(&b.scope.is_some()))
                .then_with(|| a.scope.cmp(&b.scope))
                .then_with(|| a.metric_id.cmp(&b.metric_id))
        });
        Ok(items)
    }

    fn signal_items(
        &self,
        period: &Period,
        metrics: &[Metric],
        currency: &str,
        locale: &str,
        items: &mut Vec<AttentionItem>,
    ) -> Result<()> {
        let first_week = Period::week_of(
            period
                .end
                .checked_sub_days(Days::new(7 * (SIGNAL_WEEKS - 1)))
                .unwrap_or(period.end),
        );
        let range = Period::range(first_week.start, period.end);
        for group_by in [None, Some(Dimension::Program)] {
            let s = self.series(&SeriesRequest {
                range: range.clone(),
                grain: Grain::Week,
                metrics: Vec::new(),
                group_by,
                filters: Vec::new(),
                moving_average: None,
            })?;
            let in_period = s
                .buckets
                .iter()
                .position(|b| b.end >= period.start)
                .unwrap_or(s.buckets.len());
            for line in &s.lines {
                let Some(metric) = metrics.iter().find(|m| m.id == line.metric_id) else {
                    continue;
                };
                let scope = match group_by {
                    None => None,
                    Some(d) => match line.key.get(d).flatten() {
                        Some(name) => Some((d, name.to_string())),
                        None => continue,
                    },
                };
                let points: Vec<ChartInput> = line
                    .points
                    .iter()
                    .map(|p| ChartInput::value(p.value.value).partial(p.partial))
                    .collect();
                if points[..in_period]
                    .iter()
                    .filter(|p| p.value.is_some() && !p.partial)
                    .count()
                    < MIN_BASELINE
                {
                    continue;
                }
                let Ok(chart) = control::xmr(&points, 0..in_period) else {
                    continue;
                };
                let fired: Vec<_> = chart
                    .signals
                    .iter()
                    .filter(|x| x.end >= in_period)
                    .collect();
                if fired.is_empty() {
                    continue;
                }
                let mut rules: Vec<Rule> = fired.iter().map(|x| x.rule).collect();
                rules.sort();
                rules.dedup();
                let bad = |side: i8| match metric.direction {
                    Direction::Higher => side < 0,
                    Direction::Lower => side > 0,
                    _ => side != 0,
                };
                let score = fired
                    .iter()
                    .map(|x| match (metric.direction, bad(x.side), x.rule) {
                        // Volumes have no better way: a shift is news, not a fault.
                        (Direction::None, _, _) => 30.0,
                        (_, true, Rule::BeyondLimits) => 70.0,
                        (_, true, _) => 50.0,
                        (_, false, _) => 30.0,
                    })
                    .fold(0.0, f64::max);
                let mut ends: Vec<usize> = fired.iter().map(|x| x.end).collect();
                ends.dedup();
                let weeks: Vec<String> = ends.iter().map(|&i| s.buckets[i].label.clone()).collect();
                let names: Vec<&str> = rules.iter().map(|r| r.label()).collect();
                let value = line.points.last().and_then(|p| p.value.value);
                let when = signal_weeks_text(
                    &ends.iter().map(|&i| &s.buckets[i]).collect::<Vec<_>>(),
                    locale,
                );
                let base_limits = chart.limits[..in_period].iter().flatten().next().copied();
                items.push(AttentionItem {
                    kind: AttentionKind::Signal,
                    metric_id: metric.id.clone(),
                    metric_name: metric.name.clone(),
                    unit: metric.unit,
                    scope,
                    score,
                    message: format!(
                        "{}: {} in {when} (weekly chart; limits {} to {} from the weeks before)",
                        metric.name,
                        names.join(", "),
                        format_value(
                            metric.unit,
                            base_limits.map_or(chart.centre, |l| l.lower),
                            currency
                        ),
                        format_value(
                            metric.unit,
                            base_limits.map_or(chart.centre, |l| l.upper),
                            currency
                        ),
                    ),
                    value,
                    newly: false,
                    rules,
                    weeks,
                    status: None,
                });
            }
        }
        Ok(())
    }
}

/// The weeks where signals ended, by their days in `locale` (never ISO week labels): "the week
/// 3 Aug – 9 Aug 2026", "the weeks 3 Aug – 9 Aug 2026 and 17 Aug – 23 Aug 2026", "13 weeks,
/// 29 Jun – 27 Sept 2026" (from the first week's first day to the last week's last).
fn signal_weeks_text(weeks: &[&Period], locale: &str) -> String {
    let days = |p: &Period| qbr_format::date_span(&p.start.to_string(), &p.end.to_string(), locale);
    match weeks {
        [] => String::new(),
        [w] => format!("the week {}", days(w)),
        [a, b] => format!("the weeks {} and {}", days(a), days(b)),
        [a, .., b] => format!(
            "{} weeks, {}",
            weeks.len(),
            qbr_format::date_span(&a.start.to_string(), &b.end.to_string(), locale)
        ),
    }
}

fn scorecard_items(
    metrics: &[Metric],
    scope: Option<(Dimension, String)>,
    group: &ScorecardGroup,
    prev_label: &str,
    year_label: &str,
    currency: &str,
    items: &mut Vec<AttentionItem>,
) {
    for e in &group.metrics {
        let Some(metric) = metrics.iter().find(|m| m.id == e.metric_id) else {
            continue;
        };
        let Some(value) = e.value.value else {
            continue;
        };
        let base = |kind, score: f64, message: String| AttentionItem {
            kind,
            metric_id: metric.id.clone(),
            metric_name: metric.name.clone(),
            unit: metric.unit,
            scope: scope.clone(),
            score,
            message,
            value: Some(value),
            newly: false,
            rules: Vec::new(),
            weeks: Vec::new(),
            status: None,
        };
        if let (Status::Red | Status::Amber, Some(t)) = (e.status, &e.target) {
            let newly = status(Some(t), e.previous) == Status::Green;
            // How far off, relative to the target, orders misses of the same colour (up to 9.9).
            let bound = match t.direction {
                crate::metrics::TargetDirection::Band if value > t.value => {
                    t.value_high.unwrap_or(t.value)
                }
                _ => t.value,
            };
            let shortfall = ((value - bound).abs() / bound.abs().max(1e-9) * 50.0).min(9.9);
            let mut item = base(
                AttentionKind::TargetMissed,
                if e.status == Status::Red { 100.0 } else { 60.0 }
                    + if newly { 10.0 } else { 0.0 }
                    + shortfall,
                missed_sentence(
                    &metric.name,
                    &format_value(metric.unit, value, currency),
                    &target_text(metric.unit, t, currency),
                    e.status,
                    newly.then_some(prev_label),
                ),
            );
            item.newly = newly;
            item.status = Some(e.status);
            items.push(item);
        }
        let mut moves = Vec::new();
        let mut size: f64 = 0.0;
        for (c, label) in [
            (e.change_previous, prev_label),
            (e.change_year_ago, year_label),
        ] {
            let Some(c) = c else { continue };
            let large = match c.points {
                Some(pp) => pp.abs() >= MOVE_POINTS,
                None => c.relative.is_some_and(|r| r.abs() >= MOVE_RELATIVE),
            };
            if large && worse(metric.direction, c.absolute) {
                let sign = if c.absolute > 0.0 { "up" } else { "down" };
                moves.push(format!(
                    "{sign} {} vs {label}",
                    format_change(metric.unit, c.absolute, currency)
                ));
                let s = match c.points {
                    Some(pp) => pp.abs() / MOVE_POINTS,
                    None => c.relative.unwrap_or(0.0).abs() / MOVE_RELATIVE,
                };
                size = size.max(s);
            }
        }
        if !moves.is_empty() {
            items.push(base(
                AttentionKind::LargeMove,
                40.0 + (size * 4.0).min(20.0),
                format!(
                    "{} {} is {}",
                    metric.name,
                    format_value(metric.unit, value, currency),
                    moves.join(" and ")
                ),
            ));
        }
        if e.value.is_low_sample() {
            items.push(base(
                AttentionKind::LowSample,
                10.0,
                format!(
                    "{} {} rests on a low sample (n = {})",
                    metric.name,
                    format_value(metric.unit, value, currency),
                    e.value.n.unwrap_or(0)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_q3_puts_tech_support_first() {
        let dir = tempfile::tempdir().unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let (ws, _) = crate::demo::create(
            &dir.path().join("d.qbr"),
            &crate::demo::DemoSpec::default(),
            now,
        )
        .unwrap();
        let q3 = Period::parse("2026-Q3", 1).unwrap();
        let items = ws.attention(&q3).unwrap();
        let top = &items[0];
        // NPS 18.5 against ≥ 30 (38% short) outranks service level 73.7% against ≥ 82% (10% short).
        assert_eq!(top.kind, AttentionKind::TargetMissed, "{items:#?}");
        assert_eq!((top.metric_id.as_str(), top.newly), ("nps", true));
        assert_eq!(top.scope, Some((Dimension::Program, "Tech Support".into())));
        let sl = items
            .iter()
            .position(|i| {
                i.metric_id == "service_level"
                    && i.kind == AttentionKind::TargetMissed
                    && i.scope == Some((Dimension::Program, "Tech Support".into()))
            })
            .expect("Tech Support's service level is missed");
        assert!(sl < 5, "among the first five: {sl}");
        assert!(items[sl].newly, "met in Q2: {:?}", items[sl]);
        assert_eq!(
            items[sl].message,
            "Service level is 73.7%, off its target of ≥ 82.0%; it was on target in 2026-Q2."
        );
        assert!(
            items.iter().any(|i| i.kind == AttentionKind::Signal
                && i.metric_id == "aht"
                && i.scope == Some((Dimension::Program, "Tech Support".into()))),
            "Tech Support's AHT signals on its weekly chart: {items:#?}"
        );
        // Its sentence names the weeks by their days (the demo's Q3 weeks 2026-W27 to W39).
        let aht = items
            .iter()
            .find(|i| {
                i.kind == AttentionKind::Signal
                    && i.metric_id == "aht"
                    && i.scope == Some((Dimension::Program, "Tech Support".into()))
            })
            .unwrap();
        assert!(
            aht.message
                .contains(" weeks, 29 Jun \u{2013} 27 Sept 2026 (weekly chart;"),
            "{}",
            aht.message
        );
        assert!(
            items.windows(2).all(|w| w[0].score >= w[1].score),
            "ranked by score"
        );
    }

    #[test]
    fn a_missed_target_reads_as_a_sentence_with_the_tiles_status_words() {
        assert_eq!(
            missed_sentence(
                "Customer satisfaction",
                "82.6%",
                "≥ 85.0%",
                Status::Amber,
                None
            ),
            "Customer satisfaction is 82.6%, near its target of ≥ 85.0% but short of it."
        );
        assert_eq!(
            missed_sentence("ASA", "0:41", "≤ 0:30", Status::Red, Some("2026-Q2")),
            "ASA is 0:41, off its target of ≤ 0:30; it was on target in 2026-Q2."
        );
    }

    #[test]
    fn signal_weeks_read_as_their_days() {
        // ISO 2026-W32 is Monday 3 to Sunday 9 August; W34 17 to 23 August; W27 starts on
        // Monday 29 June and W39 ends on Sunday 27 September.
        let w = |label: &str| Period::parse(label, 1).unwrap();
        let (w27, w32, w34, w39) = (w("2026-W27"), w("2026-W32"), w("2026-W34"), w("2026-W39"));
        assert_eq!(
            signal_weeks_text(&[&w32], "en-GB"),
            "the week 3 Aug \u{2013} 9 Aug 2026"
        );
        assert_eq!(
            signal_weeks_text(&[&w32, &w34], "en-US"),
            "the weeks Aug 3 \u{2013} Aug 9, 2026 and Aug 17 \u{2013} Aug 23, 2026"
        );
        assert_eq!(
            signal_weeks_text(&[&w27, &w32, &w39], "en-GB"),
            "3 weeks, 29 Jun \u{2013} 27 Sept 2026"
        );
    }

    #[test]
    fn a_short_last_week_is_no_signal() {
        // 400 days of 100 contacts a day, every one answered in the threshold, ending on Wednesday
        // 30 September 2026. The quarter's last week holds 3 days (300 contacts) beside weeks
        // of 700: as a whole week it would sit far beyond the limits (the weeks before are all
        // exactly 700, so the limits have no width) and fire on offered.
        use crate::measure::{Measure, Measures};
        use crate::store::{FactKey, NewBatch};
        let dir = tempfile::tempdir().unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut ws = Workspace::create(
            &dir.path().join("a.qbr"),
            &crate::settings::Settings::default(),
            now,
        )
        .unwrap();
        let mut tx = ws.write().unwrap();
        let b = tx.new_batch(&NewBatch::test("intervals", "a.csv")).unwrap();
        let last = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        for back in 0..400 {
            let day = last - chrono::Days::new(back);
            let key = FactKey {
                day: Some(day),
                monthly: false,
                members: vec![(Dimension::Program, "Billing".into())],
            };
            let m = Measures::default()
                .with(Measure::Offered, 100.0)
                .with(Measure::Handled, 100.0)
                .with(Measure::ShortAbandoned, 0.0)
                .with(Measure::AnsweredInThreshold, 100.0);
            tx.insert_fact(b, &key, &m).unwrap();
        }
        tx.commit().unwrap();
        let items = ws.attention(&Period::parse("2026-Q3", 1).unwrap()).unwrap();
        let signals: Vec<&AttentionItem> = items
            .iter()
            .filter(|i| i.kind == AttentionKind::Signal)
            .collect();
        assert!(signals.is_empty(), "{signals:#?}");
    }
}
