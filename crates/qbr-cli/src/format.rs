//! Human-readable text for the metric commands: values by unit, changes, targets, RAG status and
//! plain-text tables. Pure functions of wire types, so every rule here is unit-tested; nothing is
//! computed, only shown (percentages are fractions × 100, times are seconds as `m:ss`).
//!
//! Status is shown as a symbol and a word (`✓ On target`, `! Near target`, `✕ Off target`), never
//! by colour alone. How each figure reads is `qbr_format`'s, the rule set the app and the pack
//! follow too.

use std::collections::BTreeMap;

use qbr_api::{
    MetricDefinitionView, MetricEntryView, MetricsReport, PeriodView, SeriesReport, TargetView,
};

pub use qbr_api::text::{change, clock, grouped, signed, status, target, thousands, value, NONE};

/// What a reader should know besides the value: why it is missing, and any flags.
fn notes(e: &MetricEntryView) -> String {
    let mut parts = Vec::new();
    if e.value.is_none() {
        parts.push(e.reason.clone().unwrap_or_else(|| "no value".into()));
    }
    for f in &e.flags {
        parts.push(f.replace('_', " "));
    }
    if let Some(c) = &e.coverage {
        parts.push(c.text.clone());
    }
    parts.extend(e.notes.iter().cloned());
    parts.join("; ")
}

/// How a column lines up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A plain-text table indented by two spaces; widths count characters, trailing spaces trimmed.
pub fn table(headers: &[&str], align: &[Align], rows: &[Vec<String>]) -> String {
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(cell));
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut out = String::from(" ");
        for (i, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i] - width(cell));
            out.push(' ');
            match align.get(i).copied().unwrap_or(Align::Left) {
                Align::Left => {
                    out.push_str(cell);
                    out.push_str(&pad);
                }
                Align::Right => {
                    out.push_str(&pad);
                    out.push_str(cell);
                }
            }
            out.push(' ');
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(headers.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// `program: Billing, site: (none)`; `All` without grouping.
fn group_heading(key: &BTreeMap<String, Option<String>>) -> String {
    if key.is_empty() {
        return "All".into();
    }
    key.iter()
        .map(|(d, v)| format!("{d}: {}", v.as_deref().unwrap_or("(none)")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `qbr metrics` without `--json`: the period (its days in the workspace's `locale`), then one
/// table per group.
pub fn metrics_report(r: &MetricsReport, locale: &str) -> String {
    let mut out = format!(
        "Period {} ({} to {})\n",
        r.period.label,
        qbr_format::date_long(&r.period.start, locale),
        qbr_format::date_long(&r.period.end, locale)
    );
    // Columns are named for the periods compared, so a week's scorecard does not say "QoQ".
    let previous = r
        .previous_period
        .as_ref()
        .map_or_else(|| "QoQ".to_string(), |p| format!("vs {}", p.label));
    let year_ago = r
        .year_ago_period
        .as_ref()
        .map_or_else(|| "YoY".to_string(), |p| format!("vs {}", p.label));
    if r.groups.is_empty() {
        out.push_str("\nNo data in this period.\n");
    }
    use Align::*;
    for g in &r.groups {
        out.push('\n');
        out.push_str(&group_heading(&g.key));
        out.push('\n');
        let rows: Vec<Vec<String>> = r
            .definitions
            .iter()
            .filter_map(|d| g.metrics.get(&d.id).map(|e| (d, e)))
            .map(|(d, e)| metric_row(d, e, &r.currency))
            .collect();
        out.push_str(&table(
            &[
                "Metric", "Value", "Target", "Status", &previous, &year_ago, "n", "Notes",
            ],
            &[Left, Right, Right, Left, Right, Right, Right, Left],
            &rows,
        ));
    }
    out
}

fn metric_row(d: &MetricDefinitionView, e: &MetricEntryView, currency: &str) -> Vec<String> {
    let unit = e.unit.as_str();
    let or_none = |s: Option<String>| s.unwrap_or_else(|| NONE.into());
    vec![
        d.name.clone(),
        or_none(e.value.map(|v| value(unit, v, currency))),
        or_none(e.target.as_ref().map(|t| target(unit, t, currency))),
        status(&e.status),
        or_none(
            e.change_previous
                .as_ref()
                .map(|c| change(unit, c, currency)),
        ),
        or_none(
            e.change_year_ago
                .as_ref()
                .map(|c| change(unit, c, currency)),
        ),
        or_none(e.n.map(thousands)),
        notes(e),
    ]
}

/// `qbr series` without `--json`: one table per line (metric × group), then its trend.
/// `qbr series` without `--json`: each bucket by its days in the workspace's `locale` (a week
/// as "27 Jul – 2 Aug 2026", a month as "Jul 2026", as the app's charts name them), a bucket
/// cut by the range or by the data's first or last day marked as part of one.
pub fn series_report(r: &SeriesReport, locale: &str) -> String {
    let mut out = format!(
        "By {}, {} to {}\n",
        r.grain,
        qbr_format::date_long(&r.range.start, locale),
        qbr_format::date_long(&r.range.end, locale)
    );
    let bucket = |p: &PeriodView| match p.grain.as_str() {
        "week" => qbr_format::date_span(&p.start, &p.end, locale),
        "month" => qbr_format::month_year(&p.start, locale),
        "day" => qbr_format::date_long(&p.start, locale),
        _ => p.label.clone(),
    };
    let names: BTreeMap<&str, &str> = r
        .definitions
        .iter()
        .map(|d| (d.id.as_str(), d.name.as_str()))
        .collect();
    use Align::*;
    for line in &r.lines {
        let name = names
            .get(line.metric_id.as_str())
            .copied()
            .unwrap_or(&line.metric_id);
        out.push_str(&format!("\n{name} · {}\n", group_heading(&line.key)));
        let unit = line.unit.as_str();
        // Series carry no currency; money shows as a plain amount.
        let show = |v: Option<f64>| {
            v.map_or_else(
                || NONE.to_string(),
                |v| value(unit, v, "").trim().to_string(),
            )
        };
        let rows: Vec<Vec<String>> = line
            .points
            .iter()
            .map(|p| {
                let mut notes = Vec::new();
                if p.partial {
                    let days = if p.days == 1 { "day" } else { "days" };
                    notes.push(format!(
                        "part of a {}: {} {days} of data",
                        p.period.grain, p.days
                    ));
                }
                if p.value.is_none() {
                    notes.extend(p.reason.clone());
                }
                vec![
                    bucket(&p.period),
                    show(p.value),
                    p.n.map_or_else(|| NONE.to_string(), thousands),
                    show(p.moving_average),
                    notes.join("; "),
                ]
            })
            .collect();
        out.push_str(&table(
            &["Period", "Value", "n", "Moving avg", "Notes"],
            &[Left, Right, Right, Right, Left],
            &rows,
        ));
        if let Some(t) = &line.trend {
            let slope = match unit {
                "ratio" => format!("{} pp", signed(t.slope_per_period * 100.0, 2)),
                "seconds" => format!("{} s", signed(t.slope_per_period, 1)),
                _ => signed(t.slope_per_period, 2),
            };
            let verdict = match t.improving {
                Some(true) => ", improving",
                Some(false) => ", worsening",
                None => "",
            };
            out.push_str(&format!(
                "  Trend: {slope} per {} over {} points{verdict}\n",
                r.grain, t.points
            ));
        }
    }
    out
}

/// The unit of `metric_id` among `defs`, if it is defined.
fn unit_of<'a>(defs: &'a [MetricDefinitionView], metric_id: &str) -> Option<&'a str> {
    defs.iter()
        .find(|d| d.id == metric_id)
        .map(|d| d.unit.as_str())
}

/// A target bound in its metric's unit, or as the bare number for a metric no longer defined.
fn target_bound(t: &TargetView, defs: &[MetricDefinitionView], currency: &str) -> String {
    target(unit_of(defs, &t.metric_id).unwrap_or(""), t, currency)
}

/// `qbr targets WORKSPACE list`.
pub fn targets(list: &[TargetView], defs: &[MetricDefinitionView], currency: &str) -> String {
    if list.is_empty() {
        return "No targets. Add one with `qbr targets WORKSPACE set` or import a CSV.\n".into();
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|t| {
            vec![
                t.id.to_string(),
                t.metric_id.clone(),
                t.scope.as_ref().map_or_else(
                    || "whole account".into(),
                    |s| format!("{} {}", s.dimension, s.value),
                ),
                target_bound(t, defs, currency),
                format!("{}%", grouped(t.tolerance * 100.0, 1)),
                t.effective_from.clone(),
                t.effective_to.clone().unwrap_or_else(|| NONE.into()),
            ]
        })
        .collect();
    use Align::*;
    table(
        &["ID", "Metric", "Scope", "Target", "Tolerance", "From", "To"],
        &[Right, Left, Left, Right, Right, Left, Left],
        &rows,
    )
}

/// One target in a sentence, as confirmed after `targets set`.
pub fn target_sentence(t: &TargetView, defs: &[MetricDefinitionView], currency: &str) -> String {
    let scope = t.scope.as_ref().map_or_else(
        || "the whole account".into(),
        |s| format!("{} {}", s.dimension, s.value),
    );
    let until = t
        .effective_to
        .as_ref()
        .map_or_else(String::new, |d| format!(" to {d}"));
    format!(
        "Target {}: {} {} for {scope}, from {}{until}",
        t.id,
        t.metric_id,
        target_bound(t, defs, currency),
        t.effective_from
    )
}

/// `qbr metric-def WORKSPACE list`.
pub fn metric_definitions(defs: &[MetricDefinitionView]) -> String {
    let rows: Vec<Vec<String>> = defs
        .iter()
        .map(|d| {
            vec![
                d.id.clone(),
                d.name.clone(),
                d.unit.clone(),
                d.direction.clone(),
                if d.builtin { "built-in" } else { "custom" }.into(),
                d.formula.clone(),
            ]
        })
        .collect();
    use Align::*;
    table(
        &["ID", "Name", "Unit", "Better", "Kind", "Formula"],
        &[Left, Left, Left, Left, Left, Left],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use qbr_api::{ChangeView, GroupView, ScopeView};

    fn check(unit: &str, v: f64, expected: &str) {
        assert_eq!(value(unit, v, "EUR"), expected, "{unit} {v}");
    }

    #[test]
    fn values_are_shown_in_their_unit() {
        // Ratios are fractions shown as percentages with one decimal.
        check("ratio", 0.8123, "81.2%");
        check("ratio", 0.0, "0.0%");
        check("ratio", 3.5, "350.0%");
        // Times are whole seconds as m:ss under an hour, hours with one decimal from an hour on.
        check("seconds", 307.4, "5:07");
        check("seconds", 59.6, "1:00");
        check("seconds", 7384.0, "2.1 h");
        // Volumes get thousands separators.
        check("count", 1_876_988.0, "1,876,988");
        check("count", 12.5, "12.5");
        // NPS is signed with one decimal.
        check("score", 32.44, "+32.4");
        check("score", -45.4545, "−45.5");
        check("score", 0.0, "0.0");
        check("score", -0.01, "0.0");
        check("scale_1_7", 4.0833, "4.08");
        check("points", 86.44, "86.4");
        // Money carries the currency's symbol; cents only below 100.
        check("money", 1234567.891, "€1,234,568");
        check("money", -12.5, "−€12.50");
    }

    fn ch(absolute: f64, points: Option<f64>, relative: Option<f64>) -> ChangeView {
        ChangeView {
            absolute,
            points,
            relative,
        }
    }

    #[test]
    fn changes_are_signed_and_ratios_move_in_points() {
        assert_eq!(
            change("ratio", &ch(0.013, Some(1.3), Some(0.016)), "EUR"),
            "+1.3 pp"
        );
        assert_eq!(
            change("ratio", &ch(-0.02, Some(-2.0), None), "EUR"),
            "−2.0 pp"
        );
        assert_eq!(change("ratio", &ch(0.0, Some(0.0), None), "EUR"), "0.0 pp");
        assert_eq!(change("seconds", &ch(12.2, None, None), "EUR"), "+0:12");
        assert_eq!(change("seconds", &ch(-65.0, None, None), "EUR"), "−1:05");
        assert_eq!(change("seconds", &ch(0.2, None, None), "EUR"), "0:00");
        assert_eq!(
            change("count", &ch(1204.0, None, Some(0.031)), "EUR"),
            "+1,204 (+3.1%)"
        );
        assert_eq!(
            change("count", &ch(-50.0, None, None), "EUR"),
            "−50",
            "no relative change from a zero base"
        );
        assert_eq!(
            change("money", &ch(-0.12, None, Some(-0.03)), "EUR"),
            "−€0.12 (−3.0%)"
        );
        assert_eq!(change("score", &ch(2.14, None, Some(0.1)), "EUR"), "+2.1");
    }

    fn t(direction: &str, value: f64, high: Option<f64>) -> TargetView {
        TargetView {
            id: 7,
            metric_id: "service_level".into(),
            scope: None,
            direction: direction.into(),
            value,
            value_high: high,
            tolerance: 0.05,
            effective_from: "2026-04-01".into(),
            effective_to: None,
        }
    }

    #[test]
    fn targets_read_as_bounds_in_the_metric_unit() {
        assert_eq!(
            target("ratio", &t("at_least", 0.82, None), "EUR"),
            "≥ 82.0%"
        );
        assert_eq!(
            target("seconds", &t("at_most", 30.0, None), "EUR"),
            "≤ 0:30"
        );
        assert_eq!(
            target("ratio", &t("band", 0.75, Some(0.88)), "EUR"),
            "75.0%–88.0%"
        );
    }

    #[test]
    fn status_has_a_symbol_and_a_word_for_colour_blind_readers() {
        assert_eq!(status("green"), "✓ On target");
        assert_eq!(status("amber"), "! Near target");
        assert_eq!(status("red"), "✕ Off target");
        assert_eq!(status("none"), "– No target", "no target says so");
    }

    #[test]
    fn tables_align_by_characters_not_bytes() {
        let text = table(
            &["Metric", "Value"],
            &[Align::Left, Align::Right],
            &[
                vec!["Service level".into(), "81.2%".into()],
                vec!["NPS".into(), NONE.into()],
            ],
        );
        assert_eq!(
            text, "  Metric         Value\n  Service level  81.2%\n  NPS                –\n",
            "a multi-byte dash still takes one column"
        );
    }

    fn entry(value: Option<f64>) -> MetricEntryView {
        MetricEntryView {
            value,
            numerator: value.map(|v| v * 1000.0),
            denominator: value.map(|_| 1000.0),
            n: value.map(|_| 1000),
            unit: "ratio".into(),
            target: None,
            status: "none".into(),
            previous: None,
            year_ago: None,
            change_previous: None,
            change_year_ago: None,
            flags: vec![],
            reason: None,
            coverage: None,
            notes: vec![],
        }
    }

    fn def(id: &str, name: &str, unit: &str) -> MetricDefinitionView {
        MetricDefinitionView {
            id: id.into(),
            name: name.into(),
            unit: unit.into(),
            direction: "higher".into(),
            formula: String::new(),
            formula_words: String::new(),
            sample_words: None,
            family: "service".into(),
            builtin: true,
            min_sample: None,
        }
    }

    fn period(label: &str, start: &str, end: &str) -> PeriodView {
        PeriodView {
            label: label.into(),
            start: start.into(),
            end: end.into(),
            grain: "quarter".into(),
        }
    }

    #[test]
    fn a_scorecard_shows_targets_status_changes_and_missing_values_with_reasons() {
        let mut sl = entry(Some(0.8));
        sl.target = Some(t("at_least", 0.82, None));
        sl.status = "amber".into();
        sl.change_previous = Some(ch(-0.013, Some(-1.3), Some(-0.016)));
        sl.change_year_ago = Some(ch(0.004, Some(0.4), Some(0.005)));
        sl.n = Some(123_456);
        let mut csat = entry(Some(0.9));
        csat.flags = vec!["low_sample".into()];
        csat.n = Some(12);
        let mut roi = entry(None);
        roi.reason = Some("no investment recorded".into());
        let report = MetricsReport {
            period: period("2026-Q3", "2026-07-01", "2026-09-30"),
            previous_period: Some(period("2026-Q2", "2026-04-01", "2026-06-30")),
            year_ago_period: Some(period("2025-Q3", "2025-07-01", "2025-09-30")),
            currency: "EUR".into(),
            definitions: vec![
                def("service_level", "Service level", "ratio"),
                def("csat", "Customer satisfaction", "ratio"),
                def("roi", "Return on investment", "ratio"),
            ],
            groups: vec![GroupView {
                key: BTreeMap::from([("program".to_string(), Some("Billing".to_string()))]),
                label: "Billing".into(),
                metrics: BTreeMap::from([
                    ("service_level".to_string(), sl),
                    ("csat".to_string(), csat),
                    ("roi".to_string(), roi),
                ]),
            }],
        };
        let text = metrics_report(&report, "en-GB");
        let expected = "\
Period 2026-Q3 (1 Jul 2026 to 30 Sept 2026)

program: Billing
  Metric                 Value   Target  Status         vs 2026-Q2  vs 2025-Q3        n  Notes
  Service level          80.0%  ≥ 82.0%  ! Near target     −1.3 pp     +0.4 pp  123,456
  Customer satisfaction  90.0%        –  – No target             –           –       12  low sample
  Return on investment       –        –  – No target             –           –        –  no investment recorded
";
        assert_eq!(
            text, expected,
            "rows follow the definitions' order; a missing value says why"
        );
    }

    #[test]
    fn target_lists_show_scope_bound_and_dates() {
        let mut aht = t("at_most", 600.0, None);
        aht.id = 11;
        aht.metric_id = "aht".into();
        aht.scope = Some(ScopeView {
            dimension: "program".into(),
            value: "Tech Support".into(),
        });
        aht.effective_to = Some("2026-12-31".into());
        let defs = [def("aht", "Average handle time", "seconds")];
        let text = targets(&[aht.clone()], &defs, "EUR");
        assert!(
            text.contains("program Tech Support") && text.contains("≤ 10:00"),
            "600 s shows as 10:00 against its program: {text}"
        );
        assert_eq!(
            target_sentence(&aht, &defs, "EUR"),
            "Target 11: aht ≤ 10:00 for program Tech Support, from 2026-04-01 to 2026-12-31"
        );
        assert_eq!(
            target_sentence(&t("at_least", 0.8, None), &[], "EUR"),
            "Target 7: service_level ≥ 0.80 for the whole account, from 2026-04-01",
            "a metric without a definition shows the bare number"
        );
    }
}
