//! Additive base measures (metrics.md, "Base measures") and the dimensions they are cut by.
//! Metrics are formulas over sums of these; nothing else is stored at fact grain.

use std::fmt;
use std::str::FromStr;

/// The dimensions a fact can be cut and filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Program,
    Queue,
    Channel,
    Site,
    Team,
    Agent,
}

impl Dimension {
    pub const ALL: [Dimension; 6] = [
        Dimension::Program,
        Dimension::Queue,
        Dimension::Channel,
        Dimension::Site,
        Dimension::Team,
        Dimension::Agent,
    ];

    /// The position in [`Dimension::ALL`], for per-dimension arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Program => "program",
            Dimension::Queue => "queue",
            Dimension::Channel => "channel",
            Dimension::Site => "site",
            Dimension::Team => "team",
            Dimension::Agent => "agent",
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dimension {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown dimension {s:?}; expected program, queue, channel, site, team or agent")
            })
    }
}

macro_rules! measures {
    ($($variant:ident => $name:literal, $count:literal;)*) => {
        /// A base measure. The name is also the column name in the `fact` table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Measure { $($variant),* }

        impl Measure {
            pub const ALL: &'static [Measure] = &[$(Measure::$variant),*];
            pub const COUNT: usize = Measure::ALL.len();

            pub fn as_str(self) -> &'static str {
                match self { $(Measure::$variant => $name),* }
            }

            /// Counts are whole numbers; seconds and money are real.
            pub fn is_count(self) -> bool {
                match self { $(Measure::$variant => $count),* }
            }
        }
    };
}

measures! {
    Offered => "offered", true;
    Handled => "handled", true;
    Abandoned => "abandoned", true;
    ShortAbandoned => "short_abandoned", true;
    AnsweredInThreshold => "answered_in_threshold", true;
    AbandonedInThreshold => "abandoned_in_threshold", true;
    AnswerWaitS => "answer_wait_s", false;
    TalkS => "talk_s", false;
    HoldS => "hold_s", false;
    WrapS => "wrap_s", false;
    HandleS => "handle_s", false;
    Transferred => "transferred", true;
    FcrResolved => "fcr_resolved", true;
    FcrEligible => "fcr_eligible", true;
    CsatResponses => "csat_responses", true;
    CsatSatisfied => "csat_satisfied", true;
    CsatSum => "csat_sum", false;
    NpsResponses => "nps_responses", true;
    NpsPromoters => "nps_promoters", true;
    NpsDetractors => "nps_detractors", true;
    CesResponses => "ces_responses", true;
    CesSum => "ces_sum", false;
    QaEvaluations => "qa_evaluations", true;
    QaScoreSum => "qa_score_sum", false;
    QaFailed => "qa_failed", true;
    PaidS => "paid_s", false;
    ScheduledS => "scheduled_s", false;
    AdherentS => "adherent_s", false;
    LoggedInS => "logged_in_s", false;
    AvailableS => "available_s", false;
    AgentHandleS => "agent_handle_s", false;
    Leavers => "leavers", true;
    Headcount => "headcount", false;
    Fte => "fte", false;
    Revenue => "revenue", false;
    Cost => "cost", false;
    Investment => "investment", false;
    SlReportedMet => "sl_reported_met", false;
    SlReportedBase => "sl_reported_base", false;
}

impl Measure {
    /// The measure in words, for a formula a person reads ("contacts answered within the
    /// threshold"), never the column name.
    pub fn words(self) -> &'static str {
        use Measure as M;
        match self {
            M::Offered => "contacts offered",
            M::Handled => "contacts handled",
            M::Abandoned => "contacts abandoned",
            M::ShortAbandoned => "short abandons",
            M::AnsweredInThreshold => "contacts answered within the threshold",
            M::AbandonedInThreshold => "abandons within the threshold",
            M::AnswerWaitS => "time waited before an answer",
            M::TalkS => "talk time",
            M::HoldS => "hold time",
            M::WrapS => "wrap-up time",
            M::HandleS => "handle time",
            M::Transferred => "contacts transferred",
            M::FcrResolved => "resolved at first contact",
            M::FcrEligible => "contacts that could be resolved",
            M::CsatResponses => "satisfaction responses",
            M::CsatSatisfied => "satisfied responses",
            M::CsatSum => "satisfaction ratings added up",
            M::NpsResponses => "NPS responses",
            M::NpsPromoters => "promoters",
            M::NpsDetractors => "detractors",
            M::CesResponses => "effort responses",
            M::CesSum => "effort ratings added up",
            M::QaEvaluations => "quality evaluations",
            M::QaScoreSum => "quality scores added up",
            M::QaFailed => "failed evaluations",
            M::PaidS => "paid time",
            M::ScheduledS => "scheduled time",
            M::AdherentS => "time in adherence",
            M::LoggedInS => "logged-in time",
            M::AvailableS => "available time",
            M::AgentHandleS => "agents' handle time",
            M::Leavers => "leavers",
            M::Headcount => "headcount",
            M::Fte => "full-time equivalents",
            M::Revenue => "revenue",
            M::Cost => "cost",
            M::Investment => "investment",
            M::SlReportedMet => "answered in threshold (as the source reports)",
            M::SlReportedBase => "offered (as the source reports)",
        }
    }

    /// Stocks are levels: added across dimensions, averaged across time.
    pub fn is_stock(self) -> bool {
        matches!(self, Measure::Headcount | Measure::Fte)
    }

    /// Whether a fact's lacking this measure means its source does not carry it, so that a
    /// ratio must leave the fact out rather than count it as 0 (coverage). Ratings, evaluations,
    /// resolution and the stocks are not: their counts are their own denominators, and a day
    /// without a survey response simply has none.
    pub fn is_coverage(self) -> bool {
        use Measure as M;
        !matches!(
            self,
            M::CsatResponses
                | M::CsatSatisfied
                | M::CsatSum
                | M::NpsResponses
                | M::NpsPromoters
                | M::NpsDetractors
                | M::CesResponses
                | M::CesSum
                | M::QaEvaluations
                | M::QaScoreSum
                | M::FcrResolved
                | M::FcrEligible
                | M::Leavers
                | M::Headcount
                | M::Fte
        )
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl FromStr for Measure {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Measure::ALL
            .iter()
            .copied()
            .find(|m| m.as_str() == s.trim())
            .ok_or_else(|| format!("unknown measure {s:?}"))
    }
}

/// One value per measure; `None` means "not measured here", which is not 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures([Option<f64>; Measure::COUNT]);

impl Default for Measures {
    fn default() -> Self {
        Measures([None; Measure::COUNT])
    }
}

impl Measures {
    pub fn get(&self, m: Measure) -> Option<f64> {
        self.0[m.index()]
    }

    pub fn set(&mut self, m: Measure, value: f64) -> &mut Self {
        self.0[m.index()] = Some(value);
        self
    }

    pub fn with(mut self, m: Measure, value: f64) -> Self {
        self.set(m, value);
        self
    }

    /// Adds `value` to the measure, treating "not measured" as the empty sum.
    pub fn add(&mut self, m: Measure, value: f64) {
        let slot = &mut self.0[m.index()];
        *slot = Some(slot.unwrap_or(0.0) + value);
    }

    /// One bit per measure the row carries: bit `i` for `Measure::ALL[i]` (see
    /// [`known_mask_sql`]). Measures are only ever appended to [`Measure::ALL`], so a bit keeps
    /// its meaning.
    pub fn known(&self) -> u64 {
        self.0
            .iter()
            .zip(Measure::ALL)
            .enumerate()
            .filter(|(_, (v, m))| v.is_some_and(|v| !v.is_nan()) && m.is_coverage())
            .fold(0, |mask, (i, _)| mask | 1 << i)
    }

    /// Turns measures marked unknown (NaN: a contact of the sum lacked them) into "not
    /// measured", as a fact stores them.
    pub fn forget_unknown(&mut self) {
        for slot in self.0.iter_mut() {
            if slot.is_some_and(f64::is_nan) {
                *slot = None;
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (Measure, Option<f64>)> + '_ {
        Measure::ALL.iter().map(|&m| (m, self.get(m)))
    }

    /// Adds every measure `other` has ([`Measures::add`] for each): a missing one leaves this
    /// one's value as it is. One pass over both arrays, for the import's per-contact sums.
    pub fn add_all(&mut self, other: &Measures) {
        for (slot, value) in self.0.iter_mut().zip(&other.0) {
            if let Some(v) = value {
                *slot = Some(slot.unwrap_or(0.0) + v);
            }
        }
    }
}

/// Where measures are added up, one value at a time, "not measured" staying apart from 0:
/// [`Measures`], or the compact [`ContactSums`].
pub trait AddMeasure {
    /// Adds `value` to the measure, treating "not measured" as the empty sum.
    fn add(&mut self, m: Measure, value: f64);
}

impl AddMeasure for Measures {
    fn add(&mut self, m: Measure, value: f64) {
        Measures::add(self, m, value);
    }
}

/// How many measures a contact can add to: `Offered` to `CesSum`, the first of [`Measure::ALL`].
pub const CONTACT_MEASURES: usize = Measure::CesSum as usize + 1;

/// The measures contacts add to ([`CONTACT_MEASURES`]), summed as [`Measures`] sums them but in
/// 184 bytes instead of 624: an import keeps one per day and members for every day it has open.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ContactSums {
    values: [f64; CONTACT_MEASURES],
    /// Bit `i` set: measure `i` was measured (its value may be 0).
    measured: u32,
}

const _: () = assert!(CONTACT_MEASURES <= 32);

impl ContactSums {
    /// True when no measure was measured.
    pub fn is_empty(&self) -> bool {
        self.measured == 0
    }

    /// [`Measures::add_all`]: adds every measure `other` has.
    pub fn add_all(&mut self, other: &ContactSums) {
        let mut bits = other.measured;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            // The value of a measure never measured is 0.0, so this is `0.0 + v` the first time,
            // as `Measures` computes it.
            self.values[i] += other.values[i];
            bits &= bits - 1;
        }
        self.measured |= other.measured;
    }

    /// The same sums as [`Measures`]; every other measure is missing.
    pub fn to_measures(&self) -> Measures {
        let mut m = Measures::default();
        for i in 0..CONTACT_MEASURES {
            if self.measured & (1 << i) != 0 {
                m.0[i] = Some(self.values[i]);
            }
        }
        m
    }
}

impl AddMeasure for ContactSums {
    fn add(&mut self, m: Measure, value: f64) {
        let i = m.index();
        if i >= CONTACT_MEASURES {
            // Contact measures never name one (a test pins it): kept out rather than misfiled.
            debug_assert!(false, "{m:?} is not a contact measure");
            return;
        }
        self.values[i] += value;
        self.measured |= 1 << i;
    }
}

/// SQL for [`Measures::known`] of a row of `fact` or `fact_rollup` (aliased `alias`) over the
/// coverage measures among `measures`: `((a.offered IS NOT NULL) << 0) | …`. SQLite gives `<<`
/// and `|` one precedence, so every term is bracketed.
pub(crate) fn known_mask_sql(alias: &str, measures: &[Measure]) -> String {
    let measures: Vec<&Measure> = measures.iter().filter(|m| m.is_coverage()).collect();
    if measures.is_empty() {
        return "0".into();
    }
    measures
        .iter()
        .map(|m| format!("(({alias}{} IS NOT NULL) << {})", m.as_str(), m.index()))
        .collect::<Vec<_>>()
        .join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_the_catalog() {
        for &m in Measure::ALL {
            assert_eq!(m.as_str().parse::<Measure>().unwrap(), m);
        }
        // The catalog lists 37 base measures, and format 8 adds the source's reported service
        // level as two more; a missing one would silently drop a column.
        assert_eq!(Measure::COUNT, 39);
        assert!(Measure::Headcount.is_stock() && !Measure::Handled.is_stock());
    }

    #[test]
    fn adding_all_sums_what_is_measured_and_leaves_the_rest_missing() {
        let mut sum = Measures::default()
            .with(Measure::Offered, 3.0)
            .with(Measure::TalkS, 10.5);
        let other = Measures::default()
            .with(Measure::Offered, 2.0)
            .with(Measure::Handled, 0.0);
        sum.add_all(&other);
        assert_eq!(sum.get(Measure::Offered), Some(5.0), "3 + 2");
        assert_eq!(
            sum.get(Measure::TalkS),
            Some(10.5),
            "not in `other`: unchanged"
        );
        assert_eq!(
            sum.get(Measure::Handled),
            Some(0.0),
            "a measured 0 is a value"
        );
        assert_eq!(
            sum.get(Measure::Abandoned),
            None,
            "measured by neither: still missing"
        );
    }

    #[test]
    fn dimension_index_is_its_place_in_all() {
        // Per-dimension arrays are indexed by it; a mismatch would file members under another
        // dimension.
        for (i, d) in Dimension::ALL.into_iter().enumerate() {
            assert_eq!(d.index(), i, "{d}");
        }
    }

    #[test]
    fn unmeasured_is_not_zero() {
        let mut m = Measures::default();
        assert_eq!(m.get(Measure::Offered), None);
        m.add(Measure::Offered, 0.0);
        assert_eq!(m.get(Measure::Offered), Some(0.0));
        m.add(Measure::Offered, 12.0);
        assert_eq!(m.get(Measure::Offered), Some(12.0));
    }
}
