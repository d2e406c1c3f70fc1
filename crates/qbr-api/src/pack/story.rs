//! The words of the pack: a message title for every page, written from the numbers on it, and
//! the order in which the executive summary tells the quarter (what missed its target, what moved
//! most, why, what is being done). Pure functions of report values, hand-worked in the tests; the
//! user may rewrite any title before export (the definition's `titles`).
//!
//! A title says the point of its page in one sentence with its numbers, e.g. "Service level fell
//! 6.0 pp to 77.8%, below the 82.0% target; Tech Support drove 5.1 pp of it". Every figure in it
//! reads as `qbr_format` writes it.

use crate::text;
use crate::wire::{ChangeView, TargetView};

/// Metrics in the order a contact-center contract ranks them: service first, then the customer,
/// then quality and the workforce; volumes and money after.
pub(crate) const CONTRACT_ORDER: [&str; 22] = [
    "service_level",
    "asa",
    "abandon_rate",
    "aht",
    "fcr",
    "csat",
    "nps",
    "ces",
    "quality_score",
    "error_rate",
    "adherence",
    "occupancy",
    "utilization",
    "shrinkage",
    "offered",
    "handled",
    "cost_per_contact",
    "attrition",
    "revenue_per_employee",
    "revenue_per_fte",
    "profit_margin",
    "roi",
];

/// Where `metric_id` comes in [`CONTRACT_ORDER`] (custom metrics after every built-in).
pub(crate) fn contract_rank(metric_id: &str) -> usize {
    CONTRACT_ORDER
        .iter()
        .position(|m| *m == metric_id)
        .unwrap_or(CONTRACT_ORDER.len())
}

/// How bad a status is, for ordering: red first, then amber, then green, then no target.
pub(crate) fn status_rank(status: &str) -> usize {
    match status {
        "red" => 0,
        "amber" => 1,
        "green" => 2,
        _ => 3,
    }
}

/// What a metric page's title is written from.
#[derive(Debug, Clone)]
pub(crate) struct MetricFacts<'a> {
    pub name: &'a str,
    pub unit: &'a str,
    /// The channel the figures are for, when the channel changes their meaning (ASA, service
    /// level).
    pub channel: Option<&'a str>,
    pub value: Option<f64>,
    pub reason: Option<&'a str>,
    pub target: Option<&'a TargetView>,
    /// green, amber, red or none.
    pub status: &'a str,
    pub change: Option<&'a ChangeView>,
    /// The member that moved the metric most in the direction it moved, and its part of the
    /// change (in the metric's unit; a fraction for ratios).
    pub driver: Option<(&'a str, f64)>,
    pub currency: &'a str,
}

/// "Voice service level", or the metric's name.
pub(crate) fn subject(name: &str, channel: Option<&str>) -> String {
    match channel {
        Some(c) => {
            let mut chars = name.chars();
            let first = chars.next().map(|f| f.to_lowercase().collect::<String>());
            format!(
                "{} {}{}",
                capitalised(c),
                first.unwrap_or_default(),
                chars.as_str()
            )
        }
        None => name.to_string(),
    }
}

pub(crate) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The size of a move, without its sign: `6.0 pp`, `0:29`, `4,210 (3.1%)`.
fn magnitude(
    unit: &str,
    absolute: f64,
    points: Option<f64>,
    relative: Option<f64>,
    cur: &str,
) -> String {
    text::change(
        unit,
        &ChangeView {
            absolute: absolute.abs(),
            points: points.map(f64::abs),
            relative: relative.map(f64::abs),
        },
        cur,
    )
    .replace('+', "")
}

/// Where the value stands against its target: "below the 82.0% target", "within the 0:30
/// target", "inside the 75.0%–88.0% band"; amber is "just" below or above.
pub(crate) fn against_target(unit: &str, t: &TargetView, status: &str, cur: &str) -> String {
    let v = |x: f64| text::value(unit, x, cur);
    let just = if status == "amber" { "just " } else { "" };
    let met = status == "green";
    match t.direction.as_str() {
        "at_least" if met => format!("above the {} target", v(t.value)),
        "at_least" => format!("{just}below the {} target", v(t.value)),
        "at_most" if met => format!("within the {} target", v(t.value)),
        "at_most" => format!("{just}above the {} target", v(t.value)),
        _ => {
            let band = format!("{}–{}", v(t.value), v(t.value_high.unwrap_or(t.value)));
            if met {
                format!("inside the {band} band")
            } else {
                format!("{just}outside the {band} band")
            }
        }
    }
}

/// The title of a metric's page.
pub(crate) fn metric_title(f: &MetricFacts) -> String {
    let who = subject(f.name, f.channel);
    let Some(value) = f.value else {
        return format!(
            "{who}: no value ({})",
            f.reason.unwrap_or("no data in the period")
        );
    };
    let shown = text::value(f.unit, value, f.currency);
    let mut out = match f.change {
        Some(c) => {
            let moved = text::change(f.unit, c, f.currency);
            let flat = !moved.chars().any(|ch| ch.is_ascii_digit() && ch != '0');
            if flat {
                format!("{who} held at {shown}")
            } else {
                let verb = if c.absolute > 0.0 { "rose" } else { "fell" };
                format!(
                    "{who} {verb} {} to {shown}",
                    magnitude(f.unit, c.absolute, c.points, c.relative, f.currency)
                )
            }
        }
        None => format!("{who} was {shown}"),
    };
    if let (Some(t), "green" | "amber" | "red") = (f.target, f.status) {
        out.push_str(", ");
        out.push_str(&against_target(f.unit, t, f.status, f.currency));
    }
    if let (Some(c), Some((member, part))) = (f.change, f.driver) {
        // Named only when it carried at least half of the move, in the same direction.
        if part * c.absolute > 0.0 && part.abs() * 2.0 >= c.absolute.abs() {
            let points = (f.unit == "ratio").then_some(part * 100.0);
            out.push_str(&format!(
                "; {member} drove {} of it",
                magnitude(f.unit, part, points, None, f.currency)
            ));
        }
    }
    out
}

/// How many contract figures are on, near and off target: the app's overview counts them the
/// same way, with the same words (`qbr_format::status_word`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StatusCounts {
    pub on: usize,
    pub near: usize,
    pub off: usize,
}

impl StatusCounts {
    fn total(&self) -> usize {
        self.on + self.near + self.off
    }

    /// `5 on target, 3 near target, 3 off target`, leaving out a status no figure has.
    pub(crate) fn words(&self) -> String {
        [(self.on, "green"), (self.near, "amber"), (self.off, "red")]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, s)| format!("{n} {}", qbr_format::status_word(s).to_lowercase()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The executive summary's title: how many contract figures are on, near and off target (the
/// app's words), and the furthest off or the cause behind most of those not on target; with
/// every one on target, that all were.
pub(crate) fn summary_title(
    period: &str,
    counts: StatusCounts,
    furthest: Option<&str>,
    main_cause: Option<&str>,
) -> String {
    let with_target = counts.total();
    if with_target == 0 {
        return format!("{period} in figures");
    }
    if counts.near + counts.off == 0 {
        return if with_target == 1 {
            format!("{period}: the contract target was met")
        } else {
            format!("{period}: all {with_target} contract figures on target")
        };
    }
    let head = format!("{period}: {}", counts.words());
    match (main_cause, furthest) {
        (Some(c), _) => format!(
            "{head}; {c} explains most of the {} not on target",
            counts.near + counts.off
        ),
        (None, Some(f)) => format!("{head}, furthest {f}"),
        (None, None) => head,
    }
}

/// The scorecard page's title.
pub(crate) fn scorecard_title(period: &str, met: usize, with_target: usize) -> String {
    if with_target == 0 {
        format!("Scorecard {period}")
    } else {
        format!("Scorecard {period}: {met} of {with_target} on target")
    }
}

/// How actions stood at the period's end, counted for the action plan's title.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ActionCounts {
    pub done: usize,
    pub improved: usize,
    pub in_progress: usize,
    pub planned: usize,
    pub overdue: usize,
    pub cancelled: usize,
}

/// The action plan's title: "3 actions at the end of 2026-Q3: 1 done (improving), 1 in
/// progress, 1 overdue".
pub(crate) fn actions_title(period: &str, c: &ActionCounts) -> String {
    let total = c.done + c.in_progress + c.planned + c.overdue + c.cancelled;
    let mut parts = Vec::new();
    if c.done > 0 {
        parts.push(if c.improved > 0 {
            format!(
                "{} done ({} with a measured improvement)",
                c.done, c.improved
            )
        } else {
            format!("{} done", c.done)
        });
    }
    for (n, word) in [
        (c.in_progress, "in progress"),
        (c.planned, "planned"),
        (c.overdue, "overdue"),
        (c.cancelled, "cancelled"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    format!(
        "{total} action{} at the end of {period}: {}",
        if total == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(direction: &str, value: f64, high: Option<f64>) -> TargetView {
        TargetView {
            id: 1,
            metric_id: String::new(),
            scope: None,
            direction: direction.into(),
            value,
            value_high: high,
            tolerance: 0.05,
            effective_from: "2026-04-01".into(),
            effective_to: None,
        }
    }

    fn change(absolute: f64, points: Option<f64>, relative: Option<f64>) -> ChangeView {
        ChangeView {
            absolute,
            points,
            relative,
        }
    }

    fn facts<'a>(name: &'a str, unit: &'a str, value: f64) -> MetricFacts<'a> {
        MetricFacts {
            name,
            unit,
            channel: None,
            value: Some(value),
            reason: None,
            target: None,
            status: "none",
            change: None,
            driver: None,
            currency: "EUR",
        }
    }

    /// The issue's own example: 83.8% to 77.8% is −6.0 pp; 77.8% < 82% is red; Tech Support's
    /// rate and mix parts add to −5.1 pp of the −6.0, more than half of it, in the same direction.
    #[test]
    fn service_level_fell_below_its_target_and_names_its_driver() {
        let t = target("at_least", 0.82, None);
        let c = change(-0.06, Some(-6.0), Some(-0.0716));
        let f = MetricFacts {
            target: Some(&t),
            status: "red",
            change: Some(&c),
            driver: Some(("Tech Support", -0.051)),
            ..facts("Service level", "ratio", 0.778)
        };
        assert_eq!(
            metric_title(&f),
            "Service level fell 6.0 pp to 77.8%, below the 82.0% target; Tech Support drove 5.1 pp of it"
        );
    }

    /// Voice ASA 0:34 against ≤ 0:30 is red, and "above" for an at-most target; the channel leads.
    #[test]
    fn a_per_channel_figure_names_its_channel() {
        let t = target("at_most", 30.0, None);
        let c = change(4.0, None, Some(0.133));
        let f = MetricFacts {
            channel: Some("voice"),
            target: Some(&t),
            status: "red",
            change: Some(&c),
            ..facts("Average speed of answer", "seconds", 34.0)
        };
        assert_eq!(
            metric_title(&f),
            "Voice average speed of answer rose 0:04 to 0:34, above the 0:30 target"
        );
    }

    #[test]
    fn met_amber_band_count_and_missing_cases() {
        // AHT 9:58 rose 0:29 but is within ≤ 10:00 (green). A driver that carried less than half
        // of the move (0:10 of 0:29) is not named.
        let t = target("at_most", 600.0, None);
        let c = change(29.0, None, Some(0.05));
        let f = MetricFacts {
            target: Some(&t),
            status: "green",
            change: Some(&c),
            driver: Some(("Billing", 10.0)),
            ..facts("Average handle time", "seconds", 598.0)
        };
        assert_eq!(
            metric_title(&f),
            "Average handle time rose 0:29 to 9:58, within the 10:00 target"
        );
        // NPS +28.9 against ≥ +30.0, missed within the 5% tolerance: amber, "just below".
        let t = target("at_least", 30.0, None);
        let c = change(-1.2, None, Some(-0.04));
        let f = MetricFacts {
            target: Some(&t),
            status: "amber",
            change: Some(&c),
            ..facts("Net Promoter Score", "score", 28.9)
        };
        assert_eq!(
            metric_title(&f),
            "Net Promoter Score fell 1.2 to +28.9, just below the +30.0 target"
        );
        // A band: occupancy 86.0% inside 75%–88%.
        let t = target("band", 0.75, Some(0.88));
        let c = change(0.012, Some(1.2), None);
        let f = MetricFacts {
            target: Some(&t),
            status: "green",
            change: Some(&c),
            ..facts("Occupancy", "ratio", 0.86)
        };
        assert_eq!(
            metric_title(&f),
            "Occupancy rose 1.2 pp to 86.0%, inside the 75.0%–88.0% band"
        );
        // A volume with no target: its move with the relative size, no sign.
        let c = change(4210.0, None, Some(0.031));
        let f = MetricFacts {
            change: Some(&c),
            ..facts("Contacts handled", "count", 142_310.0)
        };
        assert_eq!(
            metric_title(&f),
            "Contacts handled rose 4,210 (3.1%) to 142,310"
        );
        // No previous period; a move that rounds to nothing; no value at all.
        let t = target("at_least", 0.85, None);
        let f = MetricFacts {
            target: Some(&t),
            status: "red",
            ..facts("Customer satisfaction", "ratio", 0.813)
        };
        assert_eq!(
            metric_title(&f),
            "Customer satisfaction was 81.3%, below the 85.0% target"
        );
        let c = change(0.0001, Some(0.01), None);
        let f = MetricFacts {
            change: Some(&c),
            ..facts("First contact resolution", "ratio", 0.7)
        };
        assert_eq!(metric_title(&f), "First contact resolution held at 70.0%");
        let f = MetricFacts {
            value: None,
            reason: Some("no survey responses"),
            ..facts("Net Promoter Score", "score", 0.0)
        };
        assert_eq!(
            metric_title(&f),
            "Net Promoter Score: no value (no survey responses)"
        );
    }

    #[test]
    fn a_driver_against_the_move_is_not_named() {
        let t = target("at_least", 0.82, None);
        let c = change(-0.06, Some(-6.0), None);
        let f = MetricFacts {
            target: Some(&t),
            status: "red",
            change: Some(&c),
            driver: Some(("Billing", 0.04)),
            ..facts("Service level", "ratio", 0.778)
        };
        assert!(!metric_title(&f).contains("Billing"));
    }

    #[test]
    fn summary_scorecard_and_action_titles() {
        let counts = |on, near, off| StatusCounts { on, near, off };
        assert_eq!(
            summary_title("2026-Q3", counts(6, 2, 3), Some("voice service level at 73.1%"), Some("the Firmware 12.4 roll-out")),
            "2026-Q3: 6 on target, 2 near target, 3 off target; the Firmware 12.4 roll-out explains most of the 5 not on target"
        );
        // A status no figure has is left out.
        assert_eq!(
            summary_title("2026-Q3", counts(2, 0, 2), Some("customer satisfaction at 81.3% against 85.0%"), None),
            "2026-Q3: 2 on target, 2 off target, furthest customer satisfaction at 81.3% against 85.0%"
        );
        assert_eq!(
            summary_title("2026-Q2", counts(6, 0, 0), None, None),
            "2026-Q2: all 6 contract figures on target"
        );
        assert_eq!(
            summary_title("2026-Q2", counts(0, 0, 0), None, None),
            "2026-Q2 in figures"
        );
        assert_eq!(
            scorecard_title("2026-Q3", 6, 11),
            "Scorecard 2026-Q3: 6 of 11 on target"
        );
        let c = ActionCounts {
            done: 1,
            improved: 1,
            in_progress: 1,
            overdue: 1,
            ..ActionCounts::default()
        };
        assert_eq!(
            actions_title("2026-Q3", &c),
            "3 actions at the end of 2026-Q3: 1 done (1 with a measured improvement), 1 in progress, 1 overdue"
        );
    }

    #[test]
    fn contract_order_puts_service_before_money() {
        assert!(contract_rank("service_level") < contract_rank("csat"));
        assert!(contract_rank("csat") < contract_rank("revenue_per_fte"));
        assert_eq!(contract_rank("my_custom"), CONTRACT_ORDER.len());
    }
}
