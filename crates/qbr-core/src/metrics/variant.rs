//! The metric definitions a workspace may choose (metrics.md, "Variants"), and how each is
//! written as a `setting` row. The defaults are the catalog's; the variant in force is stored in
//! the workspace and printed in the pack.

use std::collections::HashMap;

use crate::error::{Error, Result};

/// How abandoned contacts enter service level (the ICMI example's five answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ServiceLevelVariant {
    /// answered in T / (offered − short abandons). The catalog default.
    #[default]
    ShortAbandonsExcluded,
    /// answered in T / (offered − abandoned).
    AbandonsIgnored,
    /// answered in T / offered.
    AbandonsCountAgainst,
    /// answered in T / (offered − abandoned within T).
    AbandonsInThresholdExcluded,
    /// (answered in T + abandoned within T) / offered.
    AbandonsInThresholdMet,
}

impl ServiceLevelVariant {
    pub const ALL: [ServiceLevelVariant; 5] = [
        ServiceLevelVariant::ShortAbandonsExcluded,
        ServiceLevelVariant::AbandonsIgnored,
        ServiceLevelVariant::AbandonsCountAgainst,
        ServiceLevelVariant::AbandonsInThresholdExcluded,
        ServiceLevelVariant::AbandonsInThresholdMet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceLevelVariant::ShortAbandonsExcluded => "short_abandons_excluded",
            ServiceLevelVariant::AbandonsIgnored => "abandons_ignored",
            ServiceLevelVariant::AbandonsCountAgainst => "abandons_count_against",
            ServiceLevelVariant::AbandonsInThresholdExcluded => "abandons_in_threshold_excluded",
            ServiceLevelVariant::AbandonsInThresholdMet => "abandons_in_threshold_met",
        }
    }

    /// In words, for the pack's appendix.
    pub fn description(self) -> &'static str {
        match self {
            ServiceLevelVariant::ShortAbandonsExcluded => "short abandons excluded",
            ServiceLevelVariant::AbandonsIgnored => "abandoned contacts ignored",
            ServiceLevelVariant::AbandonsCountAgainst => "every abandoned contact counts against",
            ServiceLevelVariant::AbandonsInThresholdExcluded => {
                "contacts abandoned within the threshold excluded"
            }
            ServiceLevelVariant::AbandonsInThresholdMet => {
                "contacts abandoned within the threshold count as met"
            }
        }
    }
}

/// What CSAT reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CsatVariant {
    /// Share of responses in the top two boxes. The catalog default.
    #[default]
    TopTwoBox,
    /// Mean rating.
    MeanRating,
}

impl CsatVariant {
    pub fn as_str(self) -> &'static str {
        match self {
            CsatVariant::TopTwoBox => "top_two_box",
            CsatVariant::MeanRating => "mean_rating",
        }
    }
}

/// Where first-contact resolution comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FcrVariant {
    /// The source's resolved flag or survey answer (`fcr_resolved` / `fcr_eligible`). Default.
    #[default]
    Reported,
    /// A handled contact is resolved when the same customer does not contact again within
    /// `days`; computed from interaction records.
    RepeatContacts { days: u32 },
}

impl FcrVariant {
    pub const DEFAULT_REPEAT_DAYS: u32 = 7;

    pub fn as_str(self) -> &'static str {
        match self {
            FcrVariant::Reported => "reported",
            FcrVariant::RepeatContacts { .. } => "repeat_contacts",
        }
    }
}

/// Whether attrition is scaled to a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AttritionVariant {
    /// × 12 / months in the period. The catalog default.
    #[default]
    Annualised,
    /// The rate over the period itself.
    PeriodRate,
}

impl AttritionVariant {
    pub fn as_str(self) -> &'static str {
        match self {
            AttritionVariant::Annualised => "annualised",
            AttritionVariant::PeriodRate => "period",
        }
    }
}

/// The variant in force for each metric that has variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MetricVariants {
    pub service_level: ServiceLevelVariant,
    pub csat: CsatVariant,
    pub fcr: FcrVariant,
    pub attrition: AttritionVariant,
}

/// Setting keys. Unknown to [`crate::Settings`], which leaves them alone.
pub const KEY_SERVICE_LEVEL: &str = "variant_service_level";
pub const KEY_CSAT: &str = "variant_csat";
pub const KEY_FCR: &str = "variant_fcr";
pub const KEY_FCR_REPEAT_DAYS: &str = "variant_fcr_repeat_days";
pub const KEY_ATTRITION: &str = "variant_attrition";

/// Every key a [`MetricVariants`] is stored under.
pub const KEYS: [&str; 5] = [
    KEY_SERVICE_LEVEL,
    KEY_CSAT,
    KEY_FCR,
    KEY_FCR_REPEAT_DAYS,
    KEY_ATTRITION,
];

fn invalid(key: &str, value: &str, expected: &str) -> Error {
    Error::InvalidSetting {
        field: key.into(),
        message: format!("{value:?} is not a variant; expected {expected}"),
    }
}

impl MetricVariants {
    /// The setting rows for these variants. The repeat-contact window is written only when the
    /// repeat-contact variant is chosen, so switching back keeps the last window in the history.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            (KEY_SERVICE_LEVEL, self.service_level.as_str().to_string()),
            (KEY_CSAT, self.csat.as_str().to_string()),
            (KEY_FCR, self.fcr.as_str().to_string()),
            (KEY_ATTRITION, self.attrition.as_str().to_string()),
        ];
        if let FcrVariant::RepeatContacts { days } = self.fcr {
            pairs.push((KEY_FCR_REPEAT_DAYS, days.to_string()));
        }
        pairs
    }

    /// Reads variants from setting rows; missing keys take the catalog defaults.
    pub fn from_pairs(pairs: &HashMap<String, String>) -> Result<MetricVariants> {
        let mut v = MetricVariants::default();
        if let Some(s) = pairs.get(KEY_SERVICE_LEVEL) {
            v.service_level = ServiceLevelVariant::ALL
                .into_iter()
                .find(|x| x.as_str() == s.trim())
                .ok_or_else(|| {
                    invalid(
                        KEY_SERVICE_LEVEL,
                        s,
                        "short_abandons_excluded, abandons_ignored, abandons_count_against, abandons_in_threshold_excluded or abandons_in_threshold_met",
                    )
                })?;
        }
        if let Some(s) = pairs.get(KEY_CSAT) {
            v.csat = match s.trim() {
                "top_two_box" => CsatVariant::TopTwoBox,
                "mean_rating" => CsatVariant::MeanRating,
                _ => return Err(invalid(KEY_CSAT, s, "top_two_box or mean_rating")),
            };
        }
        if let Some(s) = pairs.get(KEY_FCR) {
            v.fcr = match s.trim() {
                "reported" => FcrVariant::Reported,
                "repeat_contacts" => {
                    let days = match pairs.get(KEY_FCR_REPEAT_DAYS) {
                        None => FcrVariant::DEFAULT_REPEAT_DAYS,
                        Some(d) => d
                            .trim()
                            .parse::<u32>()
                            .ok()
                            .filter(|d| (1..=90).contains(d))
                            .ok_or_else(|| {
                                invalid(KEY_FCR_REPEAT_DAYS, d, "a number of days from 1 to 90")
                            })?,
                    };
                    FcrVariant::RepeatContacts { days }
                }
                _ => return Err(invalid(KEY_FCR, s, "reported or repeat_contacts")),
            };
        }
        if let Some(s) = pairs.get(KEY_ATTRITION) {
            v.attrition = match s.trim() {
                "annualised" => AttritionVariant::Annualised,
                "period" => AttritionVariant::PeriodRate,
                _ => return Err(invalid(KEY_ATTRITION, s, "annualised or period")),
            };
        }
        v.validate()?;
        Ok(v)
    }

    /// Checks values that the types allow but the product does not.
    pub fn validate(&self) -> Result<()> {
        if let FcrVariant::RepeatContacts { days } = self.fcr {
            if !(1..=90).contains(&days) {
                return Err(invalid(
                    KEY_FCR_REPEAT_DAYS,
                    &days.to_string(),
                    "a number of days from 1 to 90",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_round_trip() {
        for sl in ServiceLevelVariant::ALL {
            let v = MetricVariants {
                service_level: sl,
                csat: CsatVariant::MeanRating,
                fcr: FcrVariant::RepeatContacts { days: 14 },
                attrition: AttritionVariant::PeriodRate,
            };
            let map: HashMap<String, String> = v
                .to_pairs()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            assert_eq!(MetricVariants::from_pairs(&map).unwrap(), v);
        }
        assert_eq!(
            MetricVariants::from_pairs(&HashMap::new()).unwrap(),
            MetricVariants::default(),
            "a workspace without variant keys uses the catalog defaults"
        );
    }

    #[test]
    fn bad_values_name_the_key() {
        let map: HashMap<String, String> = [(KEY_CSAT.to_string(), "average".to_string())].into();
        let e = MetricVariants::from_pairs(&map).unwrap_err().to_string();
        assert!(
            e.contains("variant_csat") && e.contains("mean_rating"),
            "{e}"
        );
        let map: HashMap<String, String> = [
            (KEY_FCR.to_string(), "repeat_contacts".to_string()),
            (KEY_FCR_REPEAT_DAYS.to_string(), "0".to_string()),
        ]
        .into();
        assert!(
            MetricVariants::from_pairs(&map).is_err(),
            "a 0-day window judges nothing"
        );
    }
}
