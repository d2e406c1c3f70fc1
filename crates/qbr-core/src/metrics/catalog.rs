//! The metric catalog of metrics.md: the 22 built-in metrics with their unit, better direction,
//! formula (reflecting the variants in force), sample measure and low-sample minimum, and the
//! words used when a metric has no value. Custom metrics become [`Metric`]s of the same shape.

use crate::error::Result;
use crate::measure::Measure;
use crate::metrics::formula::{CustomMetric, Formula, Scale, Term};
pub use crate::metrics::id::MetricId;
use crate::metrics::variant::{
    AttritionVariant, CsatVariant, FcrVariant, MetricVariants, ServiceLevelVariant,
};
use crate::metrics::{Direction, Unit};

/// Minimum responses before a survey metric stops being flagged "low sample".
pub const SURVEY_MIN_SAMPLE: u64 = 30;
/// Minimum evaluations before a quality metric stops being flagged "low sample".
pub const QUALITY_MIN_SAMPLE: u64 = 10;

/// A metric as evaluated: built-in or custom.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub id: String,
    pub name: String,
    pub unit: Unit,
    pub direction: Direction,
    pub formula: Formula,
    /// What the variant in force changes beyond the formula (FCR from repeat contacts).
    pub note: Option<String>,
    /// The measure whose sum is the sample size `n`.
    pub sample: Option<Measure>,
    /// Below this `n` the value is flagged low sample.
    pub min_sample: Option<u64>,
    /// Why there is no value when the denominator is zero or the data are absent.
    pub empty_reason: String,
    /// `None` for custom metrics.
    pub builtin: Option<MetricId>,
}

impl Metric {
    /// The printable formula, with the variant in force: what the pack's appendix shows.
    pub fn formula_text(&self) -> String {
        match &self.note {
            Some(note) => format!("{} ({note})", self.formula.text()),
            None => self.formula.text(),
        }
    }

    /// A built-in metric under the given variants.
    pub fn builtin(id: MetricId, v: &MetricVariants) -> Metric {
        use Measure as M;
        let p = Term::plus;
        let m = Term::minus;
        let ratio = Formula::ratio;
        let (name, unit, direction, formula, sample, min, reason): (
            &str,
            Unit,
            Direction,
            Formula,
            Option<Measure>,
            Option<u64>,
            &str,
        ) = match id {
            MetricId::Offered => (
                "Contacts offered",
                Unit::Count,
                Direction::None,
                Formula::sum(&[p(M::Offered)]),
                None,
                None,
                "no contact volumes in this scope",
            ),
            MetricId::Handled => (
                "Contacts handled",
                Unit::Count,
                Direction::None,
                Formula::sum(&[p(M::Handled)]),
                None,
                None,
                "no contact volumes in this scope",
            ),
            MetricId::ServiceLevel => {
                let ait = M::AnsweredInThreshold;
                let f = match v.service_level {
                    ServiceLevelVariant::ShortAbandonsExcluded => {
                        ratio(&[p(ait)], &[p(M::Offered), m(M::ShortAbandoned)])
                    }
                    ServiceLevelVariant::AbandonsIgnored => {
                        ratio(&[p(ait)], &[p(M::Offered), m(M::Abandoned)])
                    }
                    ServiceLevelVariant::AbandonsCountAgainst => ratio(&[p(ait)], &[p(M::Offered)]),
                    ServiceLevelVariant::AbandonsInThresholdExcluded => {
                        ratio(&[p(ait)], &[p(M::Offered), m(M::AbandonedInThreshold)])
                    }
                    ServiceLevelVariant::AbandonsInThresholdMet => {
                        ratio(&[p(ait), p(M::AbandonedInThreshold)], &[p(M::Offered)])
                    }
                };
                (
                    "Service level",
                    Unit::Ratio,
                    Direction::Higher,
                    f,
                    Some(M::Offered),
                    None,
                    "no contacts offered",
                )
            }
            MetricId::Asa => (
                "Average speed of answer",
                Unit::Seconds,
                Direction::Lower,
                ratio(&[p(M::AnswerWaitS)], &[p(M::Handled)]),
                Some(M::Handled),
                None,
                "no contacts handled",
            ),
            MetricId::AbandonRate => (
                "Abandonment rate",
                Unit::Ratio,
                Direction::Lower,
                ratio(
                    &[p(M::Abandoned), m(M::ShortAbandoned)],
                    &[p(M::Offered), m(M::ShortAbandoned)],
                ),
                Some(M::Offered),
                None,
                "no contacts offered",
            ),
            MetricId::Aht => (
                "Average handle time",
                Unit::Seconds,
                Direction::Lower,
                ratio(&[p(M::HandleS)], &[p(M::Handled)]),
                Some(M::Handled),
                None,
                "no contacts handled",
            ),
            MetricId::Fcr => (
                "First contact resolution",
                Unit::Ratio,
                Direction::Higher,
                ratio(&[p(M::FcrResolved)], &[p(M::FcrEligible)]),
                Some(M::FcrEligible),
                Some(SURVEY_MIN_SAMPLE),
                match v.fcr {
                    FcrVariant::Reported => "no contacts with a known resolution",
                    FcrVariant::RepeatContacts { .. } => {
                        "no handled contacts with a customer key that can be judged yet"
                    }
                },
            ),
            MetricId::Csat => (
                "Customer satisfaction",
                match v.csat {
                    CsatVariant::TopTwoBox => Unit::Ratio,
                    // Ratings are on the survey's own scale; shown as a score, not a percentage.
                    CsatVariant::MeanRating => Unit::Score,
                },
                Direction::Higher,
                match v.csat {
                    CsatVariant::TopTwoBox => ratio(&[p(M::CsatSatisfied)], &[p(M::CsatResponses)]),
                    CsatVariant::MeanRating => ratio(&[p(M::CsatSum)], &[p(M::CsatResponses)]),
                },
                Some(M::CsatResponses),
                Some(SURVEY_MIN_SAMPLE),
                "no survey responses",
            ),
            MetricId::Nps => (
                "Net Promoter Score",
                Unit::Score,
                Direction::Higher,
                ratio(
                    &[p(M::NpsPromoters), m(M::NpsDetractors)],
                    &[p(M::NpsResponses)],
                )
                .scaled(Scale::Hundred),
                Some(M::NpsResponses),
                Some(SURVEY_MIN_SAMPLE),
                "no NPS responses",
            ),
            MetricId::Ces => (
                "Customer effort score",
                Unit::Scale7,
                Direction::Higher,
                ratio(&[p(M::CesSum)], &[p(M::CesResponses)]),
                Some(M::CesResponses),
                Some(SURVEY_MIN_SAMPLE),
                "no customer-effort responses",
            ),
            MetricId::Occupancy => (
                "Occupancy",
                Unit::Ratio,
                Direction::Band,
                ratio(
                    &[p(M::AgentHandleS)],
                    &[p(M::AgentHandleS), p(M::AvailableS)],
                ),
                None,
                None,
                "no agent handling or available time",
            ),
            MetricId::Utilization => (
                "Utilization",
                Unit::Ratio,
                Direction::Higher,
                ratio(&[p(M::AgentHandleS)], &[p(M::PaidS)]),
                None,
                None,
                "no paid time",
            ),
            MetricId::Adherence => (
                "Schedule adherence",
                Unit::Ratio,
                Direction::Higher,
                ratio(&[p(M::AdherentS)], &[p(M::ScheduledS)]),
                None,
                None,
                "no scheduled time",
            ),
            MetricId::Shrinkage => (
                "Shrinkage",
                Unit::Ratio,
                Direction::Lower,
                ratio(&[p(M::PaidS), m(M::LoggedInS)], &[p(M::PaidS)]),
                None,
                None,
                "no paid time",
            ),
            MetricId::Attrition => (
                match v.attrition {
                    AttritionVariant::Annualised => "Attrition (annualised)",
                    AttritionVariant::PeriodRate => "Attrition",
                },
                Unit::Ratio,
                Direction::Lower,
                ratio(&[p(M::Leavers)], &[p(M::Headcount)]).scaled(match v.attrition {
                    AttritionVariant::Annualised => Scale::Annualised,
                    AttritionVariant::PeriodRate => Scale::One,
                }),
                None,
                None,
                "no headcount",
            ),
            MetricId::QualityScore => (
                "Quality score",
                Unit::Points,
                Direction::Higher,
                ratio(&[p(M::QaScoreSum)], &[p(M::QaEvaluations)]),
                Some(M::QaEvaluations),
                Some(QUALITY_MIN_SAMPLE),
                "no quality evaluations",
            ),
            MetricId::ErrorRate => (
                "Error rate",
                Unit::Ratio,
                Direction::Lower,
                ratio(&[p(M::QaFailed)], &[p(M::QaEvaluations)]),
                Some(M::QaEvaluations),
                Some(QUALITY_MIN_SAMPLE),
                "no quality evaluations",
            ),
            MetricId::CostPerContact => (
                "Cost per contact",
                Unit::Money,
                Direction::Lower,
                ratio(&[p(M::Cost)], &[p(M::Handled)]),
                Some(M::Handled),
                None,
                "no contacts handled",
            ),
            MetricId::RevenuePerEmployee => (
                "Revenue per employee",
                Unit::Money,
                Direction::Higher,
                ratio(&[p(M::Revenue)], &[p(M::Headcount)]),
                None,
                None,
                "no headcount",
            ),
            MetricId::RevenuePerFte => (
                "Revenue per FTE",
                Unit::Money,
                Direction::Higher,
                ratio(&[p(M::Revenue)], &[p(M::Fte)]),
                None,
                None,
                "no FTE",
            ),
            MetricId::ProfitMargin => (
                "Profit margin",
                Unit::Ratio,
                Direction::Higher,
                ratio(&[p(M::Revenue), m(M::Cost)], &[p(M::Revenue)]),
                None,
                None,
                "no revenue",
            ),
            MetricId::Roi => (
                "Return on investment",
                Unit::Ratio,
                Direction::Higher,
                ratio(&[p(M::Revenue), m(M::Cost)], &[p(M::Investment)]),
                None,
                None,
                "no investment",
            ),
        };
        let note = match (id, v.fcr) {
            (MetricId::Fcr, FcrVariant::RepeatContacts { days }) => Some(format!(
                "resolved = no repeat contact by the same customer within {days} days; contacts in the last {days} days of the data are left out"
            )),
            _ => None,
        };
        Metric {
            id: id.as_str().into(),
            name: name.into(),
            unit,
            direction,
            formula,
            note,
            sample,
            min_sample: min,
            empty_reason: reason.into(),
            builtin: Some(id),
        }
    }

    /// A custom metric, validated.
    pub fn custom(c: &CustomMetric) -> Result<Metric> {
        let formula = c.validate()?;
        let empty_reason = match &formula.denominator {
            Some(_) => "the denominator is zero or has no data in this scope".to_string(),
            None => "no data for this formula in this scope".to_string(),
        };
        Ok(Metric {
            id: c.id.clone(),
            name: c.name.clone(),
            unit: c.unit,
            direction: c.direction,
            formula,
            note: None,
            sample: None,
            min_sample: None,
            empty_reason,
            builtin: None,
        })
    }
}

/// Every built-in metric under the given variants, in catalog order.
pub fn catalog(v: &MetricVariants) -> Vec<Metric> {
    MetricId::ALL
        .iter()
        .map(|&id| Metric::builtin(id, v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_has_the_22_metrics_of_metrics_md() {
        let c = catalog(&MetricVariants::default());
        assert_eq!(c.len(), 22, "metrics.md lists 22 metrics");
        for m in &c {
            assert_eq!(MetricId::parse(&m.id), m.builtin, "ids round-trip");
            assert!(!m.empty_reason.is_empty());
        }
        let text = |id| Metric::builtin(id, &MetricVariants::default()).formula_text();
        assert_eq!(
            text(MetricId::ServiceLevel),
            "Σanswered_in_threshold / (Σoffered − Σshort_abandoned)"
        );
        assert_eq!(
            text(MetricId::AbandonRate),
            "(Σabandoned − Σshort_abandoned) / (Σoffered − Σshort_abandoned)"
        );
        assert_eq!(
            text(MetricId::Nps),
            "100 × (Σnps_promoters − Σnps_detractors) / Σnps_responses"
        );
        assert_eq!(
            text(MetricId::Attrition),
            "Σleavers / mean(headcount) × 12 / months in period"
        );
        assert_eq!(text(MetricId::RevenuePerFte), "Σrevenue / mean(fte)");
        assert_eq!(text(MetricId::Offered), "Σoffered");
    }

    #[test]
    fn formulas_reflect_the_variant_in_force() {
        let v = MetricVariants {
            service_level: ServiceLevelVariant::AbandonsInThresholdMet,
            csat: CsatVariant::MeanRating,
            fcr: FcrVariant::RepeatContacts { days: 3 },
            attrition: AttritionVariant::PeriodRate,
        };
        let text = |id| Metric::builtin(id, &v).formula_text();
        assert_eq!(
            text(MetricId::ServiceLevel),
            "(Σanswered_in_threshold + Σabandoned_in_threshold) / Σoffered"
        );
        assert_eq!(text(MetricId::Csat), "Σcsat_sum / Σcsat_responses");
        assert_eq!(text(MetricId::Attrition), "Σleavers / mean(headcount)");
        assert!(
            text(MetricId::Fcr).contains("within 3 days"),
            "the pack must say FCR comes from repeat contacts"
        );
        assert_eq!(Metric::builtin(MetricId::Attrition, &v).name, "Attrition");
    }

    #[test]
    fn sample_minimums() {
        let v = MetricVariants::default();
        for (id, sample, min) in [
            (MetricId::Csat, Some(Measure::CsatResponses), Some(30)),
            (MetricId::Nps, Some(Measure::NpsResponses), Some(30)),
            (MetricId::Ces, Some(Measure::CesResponses), Some(30)),
            (
                MetricId::QualityScore,
                Some(Measure::QaEvaluations),
                Some(10),
            ),
            (MetricId::ErrorRate, Some(Measure::QaEvaluations), Some(10)),
            (MetricId::ServiceLevel, Some(Measure::Offered), None),
            (MetricId::Occupancy, None, None),
        ] {
            let m = Metric::builtin(id, &v);
            assert_eq!((m.sample, m.min_sample), (sample, min), "{id}");
        }
    }
}
