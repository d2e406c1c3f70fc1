//! Core values as the wire shows them, for every operation module: a period, a metric's
//! definition, and a metric's unit and target as the chart draws them.

use qbr_core::metrics::catalog::{Metric, MetricId};
use qbr_core::period::Period;

use crate::wire::{MetricDefinitionView, PeriodView, TargetView};

pub(crate) fn unit_kind(unit: &str) -> qbr_render::chart::UnitKind {
    use qbr_render::chart::UnitKind;
    match unit {
        "ratio" => UnitKind::Ratio,
        "seconds" => UnitKind::Seconds,
        "money" => UnitKind::Money,
        "count" => UnitKind::Count,
        "points" => UnitKind::Points,
        _ => UnitKind::Score,
    }
}

pub(crate) fn chart_target(t: &TargetView) -> Option<qbr_render::chart::Target> {
    use qbr_render::chart::Target;
    match t.direction.as_str() {
        "at_least" => Some(Target::AtLeast(t.value)),
        "at_most" => Some(Target::AtMost(t.value)),
        "band" => t.value_high.map(|high| Target::Band { low: t.value, high }),
        _ => None,
    }
}

pub(crate) fn period_view(p: &Period) -> PeriodView {
    PeriodView {
        label: p.label.clone(),
        start: p.start.format("%Y-%m-%d").to_string(),
        end: p.end.format("%Y-%m-%d").to_string(),
        grain: p.grain.as_str().into(),
    }
}

pub(crate) fn definition_view(m: &Metric) -> MetricDefinitionView {
    MetricDefinitionView {
        id: m.id.clone(),
        name: m.name.clone(),
        unit: m.unit.as_str().into(),
        direction: m.direction.as_str().into(),
        formula: m.formula_text(),
        formula_words: match &m.note {
            Some(note) => format!("{} ({note})", m.formula.words()),
            None => m.formula.words(),
        },
        sample_words: m.sample.map(|s| s.words().to_string()),
        family: family(m.builtin).into(),
        builtin: m.builtin.is_some(),
        min_sample: m.min_sample,
    }
}

/// The family a metric is shown in on the scorecard: what the service gave, what customers said,
/// how efficiently it was run, the people who ran it, and what it cost and earned.
fn family(id: Option<MetricId>) -> &'static str {
    use MetricId as M;
    match id {
        Some(M::Offered | M::Handled | M::ServiceLevel | M::Asa | M::AbandonRate) => "service",
        Some(M::Fcr | M::Csat | M::Nps | M::Ces) => "customer",
        Some(M::Aht | M::Occupancy | M::Utilization | M::QualityScore | M::ErrorRate) => {
            "efficiency"
        }
        Some(M::Adherence | M::Shrinkage | M::Attrition) => "people",
        Some(
            M::CostPerContact | M::RevenuePerEmployee | M::RevenuePerFte | M::ProfitMargin | M::Roi,
        ) => "money",
        None => "other",
    }
}
