//! Contacts to day-grain additive measures (metrics.md, "Base measures"). The same function rolls
//! up a file being imported into memory and the rows the store reads back when it recomputes a
//! day, so a measure means the same whichever path produced it.
//!
//! Rules, each a decision the catalog leaves to the importer:
//! - A handled contact is offered and handled; it is answered in threshold when its queue wait is
//!   known and ≤ T of its channel (or its queue's own T). An unknown wait is never "in threshold".
//! - An abandoned contact is offered and abandoned; short when its wait ≤ the short-abandon
//!   threshold, "abandoned in threshold" when ≤ T.
//! - A callback request is not an abandon and not an offer: the callback made later is a contact
//!   of its own. Outbound and non-ACD contacts ("other") are kept for drill-down but add nothing
//!   to queue measures.
//! - Survey scores on a contact count whatever its outcome (CSAT top-two-box on 1–5).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::FactKey;
use crate::measure::{AddMeasure, Dimension, Measure, Measures};
use crate::settings::{Channel, Settings};

/// What became of a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Handled,
    Abandoned,
    Callback,
    Other,
    /// A ticket solved or closed: offered and handled. A ticket cannot be abandoned, so its
    /// abandonment is unknown, never 0.
    TicketSolved,
    /// A ticket not solved yet (new, open, pending, on hold): offered, not handled, and not
    /// abandoned either.
    TicketOpen,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Handled => "handled",
            Outcome::Abandoned => "abandoned",
            Outcome::Callback => "callback",
            Outcome::Other => "other",
            Outcome::TicketSolved => "ticket_solved",
            Outcome::TicketOpen => "ticket_open",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Some(match s {
            "handled" => Outcome::Handled,
            "abandoned" => Outcome::Abandoned,
            "callback" => Outcome::Callback,
            "other" => Outcome::Other,
            "ticket_solved" => Outcome::TicketSolved,
            "ticket_open" => Outcome::TicketOpen,
            _ => return None,
        })
    }
}

/// One contact as imported (the `interaction` table's row). Dimension names are shared
/// (`Arc<str>`): a file names the same few queues and agents on every row.
#[derive(Debug, Clone, PartialEq)]
pub struct Interaction {
    /// The preset's platform, or `generic`: contact keys are unique per source.
    pub source: Arc<str>,
    pub contact_key: String,
    /// Unix seconds, UTC.
    pub started_at: i64,
    /// The calendar day in the workspace time zone.
    pub day: NaiveDate,
    pub channel: Option<Channel>,
    pub program: Option<Arc<str>>,
    pub queue: Option<Arc<str>>,
    pub site: Option<Arc<str>>,
    pub team: Option<Arc<str>>,
    pub agent: Option<Arc<str>>,
    pub customer_key: Option<String>,
    pub direction: Option<Arc<str>>,
    pub outcome: Outcome,
    pub wait_s: Option<f64>,
    pub talk_s: Option<f64>,
    pub hold_s: Option<f64>,
    pub wrap_s: Option<f64>,
    pub handle_s: Option<f64>,
    pub transferred: Option<bool>,
    pub resolved: Option<bool>,
    pub csat: Option<i64>,
    pub nps: Option<i64>,
    pub ces: Option<i64>,
    /// The source's own last-update time (Amazon Connect), which decides between two deliveries.
    pub source_updated_at: Option<i64>,
}

/// Where a fact row sits, in an orderable form (dimensions in [`Dimension::ALL`] order).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DayKey {
    pub day: NaiveDate,
    pub monthly: bool,
    pub members: [Option<String>; 6],
}

impl DayKey {
    pub fn new(day: NaiveDate, monthly: bool) -> Self {
        DayKey {
            day,
            monthly,
            members: Default::default(),
        }
    }

    pub fn with(mut self, dim: Dimension, name: Option<&str>) -> Self {
        let slot = dim.index();
        self.members[slot] = name.map(|n| super::without_bidi_controls(n).into_owned());
        self
    }

    pub fn member(&self, dim: Dimension) -> Option<&str> {
        let slot = dim.index();
        self.members[slot].as_deref()
    }

    pub fn to_fact_key(&self) -> FactKey {
        FactKey {
            day: Some(self.day),
            monthly: self.monthly,
            members: Dimension::ALL
                .iter()
                .zip(&self.members)
                .filter_map(|(d, m)| m.as_ref().map(|m| (*d, m.clone())))
                .collect(),
        }
    }
}

/// Sums of measures per fact key.
pub type Facts = BTreeMap<DayKey, Measures>;

/// Adds `m` into `facts` at `key`, measure by measure ("not measured" stays apart from 0).
pub fn accumulate(facts: &mut Facts, key: DayKey, m: &Measures) {
    facts.entry(key).or_default().add_all(m);
}

/// The service threshold T of a contact: its queue's own, else its channel's (voice when the
/// source names no channel).
pub fn threshold_s(
    settings: &Settings,
    channel: Option<Channel>,
    queue_threshold: Option<u32>,
) -> f64 {
    queue_threshold.unwrap_or_else(|| settings.thresholds.get(channel.unwrap_or(Channel::Voice)))
        as f64
}

/// What a contact's measures are computed from: a parsed row ([`Interaction`]) or a contact read
/// back from its stored encoding, so that both give the very same measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MeasureInputs {
    pub channel: Option<Channel>,
    pub outcome: Outcome,
    pub wait_s: Option<f64>,
    pub talk_s: Option<f64>,
    pub hold_s: Option<f64>,
    pub wrap_s: Option<f64>,
    pub handle_s: Option<f64>,
    pub transferred: Option<bool>,
    pub resolved: Option<bool>,
    pub csat: Option<i64>,
    pub nps: Option<i64>,
    pub ces: Option<i64>,
}

impl MeasureInputs {
    pub(crate) fn of(i: &Interaction) -> MeasureInputs {
        MeasureInputs {
            channel: i.channel,
            outcome: i.outcome,
            wait_s: i.wait_s,
            talk_s: i.talk_s,
            hold_s: i.hold_s,
            wrap_s: i.wrap_s,
            handle_s: i.handle_s,
            transferred: i.transferred,
            resolved: i.resolved,
            csat: i.csat,
            nps: i.nps,
            ces: i.ces,
        }
    }
}

/// The measures one contact contributes.
pub fn contact_measures(
    i: &Interaction,
    settings: &Settings,
    queue_threshold: Option<u32>,
) -> Measures {
    let mut m = Measures::default();
    add_contact_measures(&mut m, &MeasureInputs::of(i), settings, queue_threshold);
    m
}

/// Adds the measures one contact contributes to `m` (a contact's own are added to nothing, then
/// to its day's sums).
pub(crate) fn add_contact_measures(
    m: &mut impl AddMeasure,
    i: &MeasureInputs,
    settings: &Settings,
    queue_threshold: Option<u32>,
) {
    let t = threshold_s(settings, i.channel, queue_threshold);
    // Counts every contact settles.
    let counts = [Measure::Offered, Measure::Handled, Measure::Abandoned];
    // A measure that applies to a contact but is not known for it (a handled contact without a
    // wait has no answered-in-threshold count) is marked unknown with NaN, which survives every
    // sum: a fact holding such a contact leaves the measure NULL ("not measured") rather than
    // counting the contact as 0, so coverage leaves the fact out. Measures that a contact's
    // outcome settles whatever its wait are known: an abandoned contact was not answered within
    // the threshold, a handled one is no abandon.
    const UNKNOWN: f64 = f64::NAN;
    match i.outcome {
        Outcome::Handled => {
            for c in counts {
                m.add(c, 0.0);
            }
            m.add(Measure::Offered, 1.0);
            m.add(Measure::Handled, 1.0);
            m.add(Measure::ShortAbandoned, 0.0);
            m.add(Measure::AbandonedInThreshold, 0.0);
            match i.wait_s {
                Some(w) => {
                    m.add(Measure::AnsweredInThreshold, if w <= t { 1.0 } else { 0.0 });
                    m.add(Measure::AnswerWaitS, w);
                }
                None => {
                    m.add(Measure::AnsweredInThreshold, UNKNOWN);
                    m.add(Measure::AnswerWaitS, UNKNOWN);
                }
            }
            for (measure, v) in [
                (Measure::TalkS, i.talk_s),
                (Measure::HoldS, i.hold_s),
                (Measure::WrapS, i.wrap_s),
            ] {
                if let Some(v) = v {
                    m.add(measure, v);
                }
            }
            m.add(Measure::HandleS, i.handle_s.unwrap_or(UNKNOWN));
            if let Some(t) = i.transferred {
                m.add(Measure::Transferred, if t { 1.0 } else { 0.0 });
            }
            if let Some(r) = i.resolved {
                m.add(Measure::FcrEligible, 1.0);
                m.add(Measure::FcrResolved, if r { 1.0 } else { 0.0 });
            }
        }
        Outcome::Abandoned => {
            for c in counts {
                m.add(c, 0.0);
            }
            m.add(Measure::Offered, 1.0);
            m.add(Measure::Abandoned, 1.0);
            m.add(Measure::AnsweredInThreshold, 0.0);
            match i.wait_s {
                Some(w) => {
                    m.add(
                        Measure::ShortAbandoned,
                        if w <= settings.short_abandon_s as f64 {
                            1.0
                        } else {
                            0.0
                        },
                    );
                    m.add(
                        Measure::AbandonedInThreshold,
                        if w <= t { 1.0 } else { 0.0 },
                    );
                }
                None => {
                    m.add(Measure::ShortAbandoned, UNKNOWN);
                    m.add(Measure::AbandonedInThreshold, UNKNOWN);
                }
            }
        }
        Outcome::TicketSolved | Outcome::TicketOpen => {
            let solved = i.outcome == Outcome::TicketSolved;
            m.add(Measure::Offered, 1.0);
            m.add(Measure::Handled, if solved { 1.0 } else { 0.0 });
            // Abandonment is not a ticket concept: unknown, so no abandonment figure is made.
            m.add(Measure::Abandoned, UNKNOWN);
            m.add(Measure::ShortAbandoned, UNKNOWN);
            m.add(Measure::AbandonedInThreshold, UNKNOWN);
            match (i.wait_s, solved) {
                (Some(w), true) => {
                    m.add(Measure::AnsweredInThreshold, if w <= t { 1.0 } else { 0.0 });
                    m.add(Measure::AnswerWaitS, w);
                }
                (None, true) => {
                    m.add(Measure::AnsweredInThreshold, UNKNOWN);
                    m.add(Measure::AnswerWaitS, UNKNOWN);
                }
                // An open ticket replied to within T was answered in threshold; one not
                // replied to yet may still be.
                (Some(w), false) if w <= t => m.add(Measure::AnsweredInThreshold, 1.0),
                (Some(_), false) => m.add(Measure::AnsweredInThreshold, 0.0),
                (None, false) => m.add(Measure::AnsweredInThreshold, UNKNOWN),
            }
            // A ticket's handle time is not in the data (resolution time is not handle time).
            if solved {
                m.add(Measure::HandleS, UNKNOWN);
            }
        }
        Outcome::Callback | Outcome::Other => {}
    }
    add_scores(m, i.csat, i.nps, i.ces);
}

/// CSAT (1–5, satisfied = 4 or 5), NPS (0–10) and CES (1–7) responses.
pub fn add_scores(m: &mut impl AddMeasure, csat: Option<i64>, nps: Option<i64>, ces: Option<i64>) {
    if let Some(c) = csat {
        m.add(Measure::CsatResponses, 1.0);
        m.add(Measure::CsatSatisfied, if c >= 4 { 1.0 } else { 0.0 });
        m.add(Measure::CsatSum, c as f64);
    }
    if let Some(n) = nps {
        m.add(Measure::NpsResponses, 1.0);
        m.add(Measure::NpsPromoters, if n >= 9 { 1.0 } else { 0.0 });
        m.add(Measure::NpsDetractors, if n <= 6 { 1.0 } else { 0.0 });
    }
    if let Some(e) = ces {
        m.add(Measure::CesResponses, 1.0);
        m.add(Measure::CesSum, e as f64);
    }
}

/// The fact key of a contact: its day and every dimension it names.
pub fn contact_key(i: &Interaction) -> DayKey {
    DayKey::new(i.day, false)
        .with(Dimension::Program, i.program.as_deref())
        .with(Dimension::Queue, i.queue.as_deref())
        .with(Dimension::Channel, i.channel.map(|c| c.as_str()))
        .with(Dimension::Site, i.site.as_deref())
        .with(Dimension::Team, i.team.as_deref())
        .with(Dimension::Agent, i.agent.as_deref())
}

/// Rolls contacts up to day-grain facts. `queue_threshold` gives a queue's own T, if it has one.
pub fn rollup<'a>(
    contacts: impl IntoIterator<Item = &'a Interaction>,
    settings: &Settings,
    queue_threshold: &dyn Fn(&str) -> Option<u32>,
) -> Facts {
    let mut facts = Facts::new();
    for i in contacts {
        let m = contact_measures(i, settings, i.queue.as_deref().and_then(queue_threshold));
        if m.iter().any(|(_, v)| v.is_some()) {
            accumulate(&mut facts, contact_key(i), &m);
        }
    }
    for m in facts.values_mut() {
        m.forget_unknown();
    }
    facts
}

/// Adds up every fact (for tests and reports): the total of each measure.
pub fn totals<'a>(facts: impl IntoIterator<Item = &'a Measures>) -> Measures {
    let mut total = Measures::default();
    for m in facts {
        for (measure, value) in m.iter() {
            if let Some(v) = value {
                total.add(measure, v);
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(outcome: Outcome, wait: f64) -> Interaction {
        Interaction {
            source: "generic".into(),
            contact_key: "c".into(),
            started_at: 0,
            day: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            channel: Some(Channel::Voice),
            program: Some("Billing".into()),
            queue: None,
            site: None,
            team: None,
            agent: None,
            customer_key: None,
            direction: None,
            outcome,
            wait_s: Some(wait),
            talk_s: Some(200.0),
            hold_s: Some(10.0),
            wrap_s: Some(30.0),
            handle_s: Some(240.0),
            transferred: Some(false),
            resolved: None,
            csat: None,
            nps: None,
            ces: None,
            source_updated_at: None,
        }
    }

    #[test]
    fn handled_and_abandoned_contacts_feed_the_service_measures() {
        let s = Settings::default();
        let contacts = [
            contact(Outcome::Handled, 12.0),
            contact(Outcome::Handled, 20.0),
            contact(Outcome::Handled, 45.0),
            contact(Outcome::Abandoned, 3.0),
            contact(Outcome::Abandoned, 30.0),
            contact(Outcome::Callback, 90.0),
        ];
        let t = totals(rollup(&contacts, &s, &|_| None).values());
        let get = |m: Measure| t.get(m).unwrap_or(-1.0);
        assert_eq!(
            get(Measure::Offered),
            5.0,
            "a callback request is not offered"
        );
        assert_eq!(get(Measure::Handled), 3.0);
        assert_eq!(get(Measure::Abandoned), 2.0);
        assert_eq!(
            get(Measure::AnsweredInThreshold),
            2.0,
            "12 s and 20 s are within the 20 s voice T"
        );
        assert_eq!(
            get(Measure::ShortAbandoned),
            1.0,
            "3 s is within the 5 s short-abandon threshold"
        );
        assert_eq!(get(Measure::AbandonedInThreshold), 1.0);
        assert_eq!(
            get(Measure::AnswerWaitS),
            77.0,
            "waits of handled contacts only"
        );
        assert_eq!(
            get(Measure::HandleS),
            720.0,
            "handle of handled contacts only"
        );
        assert_eq!(
            t.get(Measure::CsatResponses),
            None,
            "no survey: not measured, not zero"
        );
    }

    #[test]
    fn compact_sums_add_up_exactly_what_measures_add_up() {
        use crate::measure::ContactSums;
        let s = Settings::default();
        let mut contacts = Vec::new();
        for (i, outcome) in [
            Outcome::Handled,
            Outcome::Abandoned,
            Outcome::Callback,
            Outcome::Other,
        ]
        .into_iter()
        .enumerate()
        {
            for wait in [None, Some(3.0), Some(25.5)] {
                let mut c = contact(outcome, 0.0);
                c.wait_s = wait;
                c.transferred = Some(i % 2 == 0);
                c.resolved = [None, Some(true), Some(false)][i % 3];
                c.csat = Some(1 + i as i64);
                c.nps = Some(3 * i as i64);
                c.ces = Some(2 + i as i64);
                contacts.push(c);
            }
        }
        // Contact by contact into a day's sums, as the import keeps them, and as `Measures`.
        let mut compact = ContactSums::default();
        let mut full = Measures::default();
        for c in &contacts {
            let mut one = ContactSums::default();
            add_contact_measures(&mut one, &MeasureInputs::of(c), &s, None);
            compact.add_all(&one);
            full.add_all(&contact_measures(c, &s, None));
        }
        let compact = compact.to_measures();
        let unknown = |m: &Measures| {
            m.iter()
                .filter(|(_, v)| v.is_some_and(f64::is_nan))
                .map(|(m, _)| m)
                .collect::<Vec<_>>()
        };
        // A handled contact without a wait leaves the day's wait and in-threshold count unknown,
        // an abandoned one its short and in-threshold abandons (NaN in both sums alike).
        assert_eq!(
            unknown(&full),
            [
                Measure::ShortAbandoned,
                Measure::AnsweredInThreshold,
                Measure::AbandonedInThreshold,
                Measure::AnswerWaitS
            ]
        );
        assert_eq!(unknown(&compact), unknown(&full));
        let (mut compact, mut full) = (compact, full);
        compact.forget_unknown();
        full.forget_unknown();
        assert_eq!(
            compact, full,
            "every measure a contact can add, summed the same; the rest missing in both"
        );
        assert_eq!(
            full.get(Measure::Offered),
            Some(6.0),
            "3 handled, 3 abandoned"
        );
        assert_eq!(
            full.get(Measure::TalkS),
            Some(600.0),
            "3 handled contacts of 200 s"
        );
        assert_eq!(
            full.get(Measure::CsatSum),
            Some(30.0),
            "(1 + 2 + 3 + 4) × 3"
        );
        assert_eq!(full.get(Measure::AnswerWaitS), None);
        assert_eq!(full.get(Measure::QaEvaluations), None);
    }

    #[test]
    fn a_queue_threshold_overrides_the_channel() {
        let s = Settings::default();
        let mut c = contact(Outcome::Handled, 25.0);
        c.queue = Some("VIP".into());
        let t = totals(rollup([&c], &s, &|q| (q == "VIP").then_some(30)).values());
        assert_eq!(
            t.get(Measure::AnsweredInThreshold),
            Some(1.0),
            "VIP's own T is 30 s"
        );
    }

    #[test]
    fn survey_scores_are_top_two_box_and_nps_bands() {
        let s = Settings::default();
        let mut contacts = Vec::new();
        for (csat, nps) in [(5, 10), (4, 9), (3, 7), (1, 0)] {
            let mut c = contact(Outcome::Handled, 1.0);
            c.csat = Some(csat);
            c.nps = Some(nps);
            contacts.push(c);
        }
        let t = totals(rollup(&contacts, &s, &|_| None).values());
        assert_eq!(t.get(Measure::CsatResponses), Some(4.0));
        assert_eq!(
            t.get(Measure::CsatSatisfied),
            Some(2.0),
            "4 and 5 are satisfied"
        );
        assert_eq!(t.get(Measure::CsatSum), Some(13.0));
        assert_eq!(t.get(Measure::NpsPromoters), Some(2.0));
        assert_eq!(
            t.get(Measure::NpsDetractors),
            Some(1.0),
            "7 is passive, 0 a detractor"
        );
    }
}
