//! A demo workspace for a fictional client, generated deterministically from a seed: the same seed
//! and range give the same file contents on every machine (the clock only stamps `created_at`).
//!
//! Northwind Mobile outsources three programs (Billing, Tech Support, Sales) across three sites and
//! three channels. The data carries a story for later features to find: in 2026-Q3 a firmware
//! roll-out swamps Tech Support (longer handle times, lower service level and satisfaction), and in
//! 2026-07 a knowledge-base investment starts to pay back. When the range covers 2026-Q3, the
//! account team's notes on it are there too ([`story`]): the firmware cause (client-visible), an
//! internal cause about new starters in Manila, and three actions (one done with a measured effect,
//! one overdue at the quarter's end, one in progress) with internal progress notes.

use std::path::Path;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc, Weekday};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::annotate::{
    ActionInput, ActionStatus, Category, CauseInput, ExpectedEffect, Visibility,
};
use crate::error::Result;
use crate::measure::{Dimension, Measure, Measures};
use crate::settings::{Channel, Settings, Thresholds};
use crate::store::{FactKey, NewBatch, NewTarget, Workspace};

pub const CLIENT: &str = "Northwind Mobile";
pub const FILE_NAME: &str = "northwind-mobile.qbr";

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub seed: u64,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Add the account team's causes, actions and notes on 2026-Q3 ([`story`]) when the range
    /// covers it.
    pub story: bool,
}

impl Default for DemoSpec {
    /// Seven quarters, 2025-Q1 to 2026-Q3: the latest quarter, the one before, and the same
    /// quarter a year earlier.
    fn default() -> Self {
        DemoSpec {
            seed: 20260930,
            first_day: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            last_day: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
            story: true,
        }
    }
}

/// The demo client's settings.
pub fn settings() -> Settings {
    Settings {
        client_name: CLIENT.into(),
        timezone: chrono_tz::Europe::Dublin,
        fiscal_year_start_month: 1,
        currency: "EUR".into(),
        locale: qbr_format::DEFAULT_LOCALE.into(),
        thresholds: Thresholds::default(),
        short_abandon_s: 5,
    }
}

/// What the generator wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoStats {
    pub fact_rows: u64,
    pub contacts_offered: u64,
}

struct Queue {
    program: &'static str,
    name: &'static str,
    /// (channel, weekday volume)
    channels: &'static [(Channel, f64)],
    /// (site, share of volume)
    sites: &'static [(&'static str, f64)],
    aht_voice_s: f64,
}

const QUEUES: &[Queue] = &[
    Queue {
        program: "Billing",
        name: "Billing Enquiries",
        channels: &[(Channel::Voice, 600.0), (Channel::Chat, 220.0)],
        sites: &[("Dublin", 0.4), ("Manila", 0.6)],
        aht_voice_s: 360.0,
    },
    Queue {
        program: "Billing",
        name: "Payments",
        channels: &[(Channel::Voice, 300.0)],
        sites: &[("Dublin", 0.4), ("Manila", 0.6)],
        aht_voice_s: 300.0,
    },
    Queue {
        program: "Tech Support",
        name: "Broadband Support",
        channels: &[
            (Channel::Voice, 700.0),
            (Channel::Chat, 260.0),
            (Channel::Email, 120.0),
        ],
        sites: &[("Manila", 0.55), ("Kraków", 0.45)],
        aht_voice_s: 540.0,
    },
    Queue {
        program: "Tech Support",
        name: "Device Support",
        channels: &[(Channel::Voice, 420.0), (Channel::Chat, 180.0)],
        sites: &[("Manila", 0.55), ("Kraków", 0.45)],
        aht_voice_s: 480.0,
    },
    Queue {
        program: "Sales",
        name: "Upgrades",
        channels: &[(Channel::Voice, 250.0), (Channel::Chat, 140.0)],
        sites: &[("Dublin", 1.0)],
        aht_voice_s: 420.0,
    },
];

/// (program, site, agents)
const TEAMS: &[(&str, &str, usize)] = &[
    ("Billing", "Dublin", 12),
    ("Billing", "Manila", 18),
    ("Tech Support", "Manila", 22),
    ("Tech Support", "Kraków", 18),
    ("Sales", "Dublin", 10),
];

const FIRST_NAMES: &[&str] = &[
    "Aoife", "Ciarán", "Maria", "Jose", "Anna", "Piotr", "Grace", "Liam", "Kasia", "Paolo",
    "Niamh", "Tomasz", "Andrea", "Sean", "Joy", "Marek", "Ella", "Rafael", "Zofia", "Conor",
];
const LAST_NAMES: &[&str] = &[
    "Byrne",
    "Santos",
    "Nowak",
    "Reyes",
    "Kelly",
    "Kowalski",
    "Murphy",
    "Cruz",
    "Wiśniewska",
    "Walsh",
    "Garcia",
    "Lewandowski",
    "Doyle",
    "Bautista",
    "Ryan",
    "Zielinski",
];

/// Creates `path` as a demo workspace. Fails if the path exists.
pub fn create(path: &Path, spec: &DemoSpec, now: DateTime<Utc>) -> Result<(Workspace, DemoStats)> {
    let mut ws = Workspace::create(path, &settings(), now)?;
    let stats = fill(&mut ws, spec, now)?;
    let q3 = (ymd(2026, 7, 1), ymd(2026, 9, 30));
    if spec.story && spec.first_day <= q3.0 && q3.1 <= spec.last_day {
        story(&mut ws, now)?;
    }
    Ok((ws, stats))
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a calendar date")
}

/// What the account team wrote about 2026-Q3: the causes, the actions answering them and their
/// progress notes. Fixed dates, so the demo is the same on every machine.
pub fn story(ws: &mut Workspace, now: DateTime<Utc>) -> Result<()> {
    let tech = Some((Dimension::Program, "Tech Support".to_string()));
    let firmware = ws.add_cause(
        &CauseInput {
            metrics: [
                "aht",
                "service_level",
                "asa",
                "abandon_rate",
                "csat",
                "nps",
                "fcr",
            ]
            .map(String::from)
            .to_vec(),
            scope: tech.clone(),
            period_from: ymd(2026, 7, 1),
            period_to: ymd(2026, 9, 30),
            category: Category::Technology,
            title: "Firmware 12.4 roll-out".into(),
            description: "Northwind's router firmware 12.4, pushed to customers from 1 July, \
                          dropped connections on older routers. Tech Support took a quarter more \
                          contacts, each longer, until the 12.4.1 fix in late August."
                .into(),
            evidence: "Contacts wrapped up as 'firmware' rose from 3% to 31% of Tech Support \
                       contacts in August."
                .into(),
            author: "Dana Whitfield".into(),
            visibility: Visibility::Client,
        },
        now,
    )?;
    let starters = ws.add_cause(
        &CauseInput {
            metrics: ["aht", "quality_score"].map(String::from).to_vec(),
            scope: Some((Dimension::Site, "Manila".to_string())),
            period_from: ymd(2026, 7, 1),
            period_to: ymd(2026, 8, 31),
            category: Category::People,
            title: "Manila new starters still nesting".into(),
            description: "Fourteen agents hired in June took calls from July.".into(),
            evidence: "Their handle time ran 22% above tenured agents in July.".into(),
            author: "Dana Whitfield".into(),
            visibility: Visibility::Internal,
        },
        now,
    )?;
    let today = now.date_naive();
    let playbook = ws.add_action(
        &ActionInput {
            title: "Firmware troubleshooting playbook".into(),
            description: "A guided fix for 12.4 connection drops, in every Tech Support queue."
                .into(),
            owner: "Dana Whitfield".into(),
            start_date: Some(ymd(2026, 8, 31)),
            due_date: Some(ymd(2026, 9, 4)),
            status: ActionStatus::Done,
            completed_on: Some(ymd(2026, 9, 2)),
            causes: vec![firmware.id],
            metric_id: Some("aht".into()),
            scope: tech.clone(),
            expected: Some(ExpectedEffect::Target(600.0)),
            cost: Some(8000.0),
        },
        today,
        now,
    )?;
    ws.add_action_note(
        playbook.id,
        ymd(2026, 9, 2),
        "Live on all Tech Support queues; the 12.4.1 fix shipped the same week.",
        now,
    )?;
    let overflow = ws.add_action(
        &ActionInput {
            title: "Overflow Tech Support voice to Kraków at peaks".into(),
            description: "Route calls waiting over 20 s to Kraków between 10:00 and 14:00.".into(),
            owner: "Marta Quinn".into(),
            start_date: Some(ymd(2026, 9, 1)),
            due_date: Some(ymd(2026, 9, 15)),
            status: ActionStatus::InProgress,
            completed_on: None,
            causes: vec![firmware.id],
            metric_id: Some("service_level".into()),
            scope: tech,
            expected: Some(ExpectedEffect::Change(0.05)),
            cost: None,
        },
        today,
        now,
    )?;
    ws.add_action_note(
        overflow.id,
        ymd(2026, 9, 18),
        "Blocked by a routing licence for Kraków; escalated to the client's IT.",
        now,
    )?;
    ws.add_action(
        &ActionInput {
            title: "Refresher coaching for Manila new starters".into(),
            description: "Two call reviews a week with a team lead until quality is at target."
                .into(),
            owner: "Team leads, Manila".into(),
            start_date: Some(ymd(2026, 9, 7)),
            due_date: Some(ymd(2026, 10, 30)),
            status: ActionStatus::InProgress,
            completed_on: None,
            causes: vec![starters.id],
            metric_id: Some("quality_score".into()),
            scope: Some((Dimension::Site, "Manila".to_string())),
            expected: Some(ExpectedEffect::Target(85.0)),
            cost: None,
        },
        today,
        now,
    )?;
    Ok(())
}

/// Writes the demo data into `ws` in one transaction.
pub fn fill(ws: &mut Workspace, spec: &DemoSpec, now: DateTime<Utc>) -> Result<DemoStats> {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut tx = ws.write()?;
    let batch = tx.new_batch(&NewBatch {
        kind: "demo".into(),
        file_name: format!("demo data (seed {})", spec.seed),
        file_size: 0,
        sha256: format!("demo-{}-{}-{}", spec.seed, spec.first_day, spec.last_day),
        preset: None,
        mapping: None,
        source_timezone: settings().timezone.name().into(),
        started_at: now,
        app_version: crate::APP_VERSION.into(),
    })?;

    let mut stats = DemoStats {
        fact_rows: 0,
        contacts_offered: 0,
    };
    let mut monthly_handled: std::collections::BTreeMap<(NaiveDate, &str), f64> =
        Default::default();

    // Contacts: one row per day × queue × channel × site.
    let mut day = spec.first_day;
    while day <= spec.last_day {
        let trouble = tech_trouble(day);
        for q in QUEUES {
            let tech = q.program == "Tech Support";
            for &(channel, weekday_volume) in q.channels {
                for &(site, share) in q.sites {
                    let load = weekday_volume
                        * share
                        * day_factor(day)
                        * growth(spec.first_day, day)
                        * if tech { 1.0 + 0.25 * trouble } else { 1.0 };
                    let offered = (load * noise(&mut rng, 0.08)).round().max(0.0);
                    let m = contact_measures(&mut rng, q, channel, offered, trouble);
                    stats.contacts_offered += offered as u64;
                    *monthly_handled
                        .entry((first_of_month(day), q.program))
                        .or_default() += m.get(Measure::Handled).unwrap_or(0.0);
                    let key = FactKey {
                        day: Some(day),
                        monthly: false,
                        members: vec![
                            (Dimension::Program, q.program.into()),
                            (Dimension::Queue, q.name.into()),
                            (Dimension::Channel, channel.as_str().into()),
                            (Dimension::Site, site.into()),
                        ],
                    };
                    tx.insert_fact(batch, &key, &m)?;
                    stats.fact_rows += 1;
                }
            }
        }
        day = day
            .succ_opt()
            .expect("demo range stays far from the end of time");
    }

    // People: one row per agent per working day (workforce and quality), monthly headcount.
    let mut name_index = 0usize;
    for &(program, site, size) in TEAMS {
        let team = format!("{program} {site}");
        let agents: Vec<String> = (0..size)
            .map(|_| {
                let first = FIRST_NAMES[name_index % FIRST_NAMES.len()];
                let last = LAST_NAMES
                    [(name_index / FIRST_NAMES.len() + name_index * 7) % LAST_NAMES.len()];
                name_index += 1;
                format!("{first} {last}")
            })
            .collect();
        let mut day = spec.first_day;
        while day <= spec.last_day {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            for agent in &agents {
                if weekend && rng.random::<f64>() > 0.3 {
                    continue;
                }
                let m = agent_day_measures(&mut rng, program == "Tech Support", tech_trouble(day));
                let key = FactKey {
                    day: Some(day),
                    monthly: false,
                    members: vec![
                        (Dimension::Program, program.into()),
                        (Dimension::Site, site.into()),
                        (Dimension::Team, team.clone()),
                        (Dimension::Agent, agent.clone()),
                    ],
                };
                tx.insert_fact(batch, &key, &m)?;
                stats.fact_rows += 1;
            }
            day = day.succ_opt().expect("in range");
        }
        let mut month = first_of_month(spec.first_day);
        while month <= spec.last_day {
            let leavers = (rng.random::<f64>() * 2.4).floor();
            let m = Measures::default()
                .with(Measure::Headcount, size as f64 + 1.0)
                .with(Measure::Fte, size as f64 * 0.94)
                .with(Measure::Leavers, leavers);
            let key = FactKey {
                day: Some(month),
                monthly: true,
                members: vec![
                    (Dimension::Program, program.into()),
                    (Dimension::Site, site.into()),
                    (Dimension::Team, team.clone()),
                ],
            };
            tx.insert_fact(batch, &key, &m)?;
            stats.fact_rows += 1;
            month = month + Months::new(1);
        }
    }

    // Money: one row per program per month.
    for ((month, program), handled) in &monthly_handled {
        let price = match *program {
            "Billing" => 3.10,
            "Tech Support" => 4.20,
            _ => 2.80,
        };
        let revenue = (handled * price).round();
        let cost = (revenue * (0.80 + 0.06 * rng.random::<f64>())).round();
        let mut m = Measures::default()
            .with(Measure::Revenue, revenue)
            .with(Measure::Cost, cost);
        if *program == "Tech Support" && *month == NaiveDate::from_ymd_opt(2026, 7, 1).unwrap() {
            m.set(Measure::Investment, 45_000.0);
        }
        let key = FactKey {
            day: Some(*month),
            monthly: true,
            members: vec![(Dimension::Program, (*program).into())],
        };
        tx.insert_fact(batch, &key, &m)?;
        stats.fact_rows += 1;
    }

    for t in targets(spec.first_day) {
        tx.insert_target(&t, now)?;
    }
    tx.finish_batch(batch, stats.fact_rows, stats.fact_rows, 0, 0, now)?;
    tx.commit()?;
    Ok(stats)
}

fn targets(from: NaiveDate) -> Vec<NewTarget> {
    let switch = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let t = |metric: &str, direction: &str, value: f64, high: Option<f64>| NewTarget {
        metric_id: metric.into(),
        scope: None,
        direction: direction.into(),
        value,
        value_high: high,
        tolerance: 0.05,
        effective_from: from,
        effective_to: None,
    };
    let mut all = vec![
        NewTarget {
            effective_to: switch.pred_opt(),
            ..t("service_level", "at_least", 0.80, None)
        },
        // The contract renewal raised the bar from 2026-04-01.
        NewTarget {
            effective_from: switch,
            ..t("service_level", "at_least", 0.82, None)
        },
        // Contracts state ASA for calls: an email's "speed of answer" is hours, not seconds.
        NewTarget {
            scope: Some((Dimension::Channel, "voice".into())),
            ..t("asa", "at_most", 30.0, None)
        },
        t("abandon_rate", "at_most", 0.05, None),
        t("csat", "at_least", 0.85, None),
        t("nps", "at_least", 30.0, None),
        t("fcr", "at_least", 0.72, None),
        t("quality_score", "at_least", 85.0, None),
        t("adherence", "at_least", 0.90, None),
        t("occupancy", "band", 0.75, Some(0.88)),
    ];
    all.push(NewTarget {
        scope: Some((Dimension::Program, "Tech Support".into())),
        ..t("aht", "at_most", 600.0, None)
    });
    all
}

/// 0 outside the 2026-Q3 firmware trouble, rising to 1 in August and easing in September.
fn tech_trouble(day: NaiveDate) -> f64 {
    match (day.year(), day.month()) {
        (2026, 7) => 0.6,
        (2026, 8) => 1.0,
        (2026, 9) => 0.7,
        _ => 0.0,
    }
}

fn day_factor(day: NaiveDate) -> f64 {
    let weekday = match day.weekday() {
        Weekday::Mon => 1.15,
        Weekday::Sat => 0.55,
        Weekday::Sun => 0.35,
        _ => 1.0,
    };
    let season = match day.month() {
        1 => 1.12,
        12 => 1.10,
        8 => 0.92,
        _ => 1.0,
    };
    weekday * season
}

fn growth(first: NaiveDate, day: NaiveDate) -> f64 {
    1.0 + 0.004 * ((day - first).num_days() as f64 / 30.4)
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("every month has a 1st")
}

/// A factor around 1 with roughly the given relative spread (Irwin–Hall, bounded).
fn noise(rng: &mut ChaCha8Rng, spread: f64) -> f64 {
    let u: f64 = (0..4).map(|_| rng.random::<f64>()).sum::<f64>() / 4.0 - 0.5;
    1.0 + u * 2.0 * spread * 1.7
}

fn contact_measures(
    rng: &mut ChaCha8Rng,
    q: &Queue,
    channel: Channel,
    offered: f64,
    trouble: f64,
) -> Measures {
    let tech = q.program == "Tech Support";
    let t = if tech { trouble } else { 0.0 };
    let (abandon_rate, sl, asa, aht) = match channel {
        Channel::Voice => (
            0.045 + 0.045 * t,
            0.85 - 0.13 * t,
            22.0 + 30.0 * t,
            q.aht_voice_s * (1.0 + 0.12 * t),
        ),
        Channel::Chat => (
            0.03 + 0.03 * t,
            0.88 - 0.10 * t,
            30.0 + 25.0 * t,
            700.0 * (1.0 + 0.10 * t),
        ),
        Channel::Messaging => (0.01, 0.9, 120.0, 900.0),
        Channel::Email => (0.0, 0.95 - 0.10 * t, 6.0 * 3600.0 * (1.0 + t), 420.0),
    };
    let abandoned = (offered * abandon_rate * noise(rng, 0.25))
        .round()
        .min(offered);
    let handled = offered - abandoned;
    let short = (abandoned * 0.3).round();
    let abandoned_in_t = (abandoned * 0.45).round().max(short);
    let answered_in_t = (handled * (sl * noise(rng, 0.03)).min(1.0)).round();
    let handle = handled * aht * noise(rng, 0.05);
    let fcr_rate = if tech { 0.70 - 0.07 * t } else { 0.77 };
    let fcr_eligible = (handled * 0.35).round();
    let csat_rate = if tech { 0.86 - 0.10 * t } else { 0.88 };
    let csat_responses = (handled * 0.05 * noise(rng, 0.2)).round();
    let csat_satisfied = (csat_responses * (csat_rate * noise(rng, 0.04)).min(1.0)).round();
    let nps_responses = (handled * 0.04 * noise(rng, 0.2)).round();
    let promoters = (nps_responses * (0.50 - 0.10 * t) * noise(rng, 0.08)).round();
    let detractors = ((nps_responses * (0.16 + 0.10 * t) * noise(rng, 0.12)).round())
        .min(nps_responses - promoters);
    let ces_responses = (handled * 0.03 * noise(rng, 0.2)).round();
    Measures::default()
        .with(Measure::Offered, offered)
        .with(Measure::Handled, handled)
        .with(Measure::Abandoned, abandoned)
        .with(Measure::ShortAbandoned, short)
        .with(Measure::AbandonedInThreshold, abandoned_in_t)
        .with(Measure::AnsweredInThreshold, answered_in_t)
        .with(
            Measure::AnswerWaitS,
            (handled * asa * noise(rng, 0.1)).round(),
        )
        .with(Measure::HandleS, handle.round())
        .with(Measure::TalkS, (handle * 0.78).round())
        .with(Measure::HoldS, (handle * 0.08).round())
        .with(
            Measure::WrapS,
            (handle.round() - (handle * 0.78).round() - (handle * 0.08).round()).max(0.0),
        )
        .with(
            Measure::Transferred,
            (handled * 0.07 * noise(rng, 0.2)).round(),
        )
        .with(Measure::FcrEligible, fcr_eligible)
        .with(
            Measure::FcrResolved,
            (fcr_eligible * fcr_rate * noise(rng, 0.03))
                .round()
                .min(fcr_eligible),
        )
        .with(Measure::CsatResponses, csat_responses)
        .with(Measure::CsatSatisfied, csat_satisfied)
        .with(
            Measure::CsatSum,
            (csat_responses * (3.6 + 1.1 * csat_rate)).round(),
        )
        .with(Measure::NpsResponses, nps_responses)
        .with(Measure::NpsPromoters, promoters)
        .with(Measure::NpsDetractors, detractors.max(0.0))
        .with(Measure::CesResponses, ces_responses)
        .with(Measure::CesSum, (ces_responses * (5.4 - 0.6 * t)).round())
}

fn agent_day_measures(rng: &mut ChaCha8Rng, tech: bool, trouble: f64) -> Measures {
    let t = if tech { trouble } else { 0.0 };
    let paid = 8.0 * 3600.0;
    let scheduled = 7.5 * 3600.0;
    let adherent = (scheduled * (0.915 - 0.03 * t) * noise(rng, 0.03)).min(scheduled);
    let logged_in = paid * (1.0 - 0.13 * noise(rng, 0.3));
    let available = logged_in * (0.17 - 0.06 * t) * noise(rng, 0.2);
    let handling = logged_in * 0.70 * noise(rng, 0.04);
    let mut m = Measures::default()
        .with(Measure::PaidS, paid)
        .with(Measure::ScheduledS, scheduled)
        .with(Measure::AdherentS, adherent.round())
        .with(Measure::LoggedInS, logged_in.round())
        .with(Measure::AvailableS, available.round())
        .with(Measure::AgentHandleS, handling.round());
    if rng.random::<f64>() < 0.2 {
        let score = (87.0 - 3.0 * t) + (rng.random::<f64>() - 0.5) * 16.0;
        m.set(Measure::QaEvaluations, 1.0);
        m.set(
            Measure::QaScoreSum,
            (score.clamp(40.0, 100.0) * 10.0).round() / 10.0,
        );
        m.set(
            Measure::QaFailed,
            if rng.random::<f64>() < 0.04 + 0.03 * t {
                1.0
            } else {
                0.0
            },
        );
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
            .unwrap()
            .into()
    }

    #[test]
    fn same_seed_same_data_other_seed_other_data() {
        let dir = tempfile::tempdir().unwrap();
        let spec = DemoSpec {
            first_day: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            ..DemoSpec::default()
        };
        let (_, a) = create(&dir.path().join("a.qbr"), &spec, now()).unwrap();
        let (_, b) = create(&dir.path().join("b.qbr"), &spec, now()).unwrap();
        assert_eq!(a, b, "the demo is a pure function of the seed and range");
        let other = DemoSpec { seed: 7, ..spec };
        let (_, c) = create(&dir.path().join("c.qbr"), &other, now()).unwrap();
        assert_ne!(
            a.contacts_offered, c.contacts_offered,
            "the seed drives the volumes"
        );
    }

    #[test]
    fn the_story_is_there_unless_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let (ws, _) = create(&dir.path().join("a.qbr"), &DemoSpec::default(), now()).unwrap();
        let causes = ws.causes(&crate::annotate::CauseFilter::default()).unwrap();
        let titles: Vec<(&str, Visibility)> = causes
            .iter()
            .map(|c| (c.cause.title.as_str(), c.cause.visibility))
            .collect();
        assert_eq!(
            titles,
            [
                ("Firmware 12.4 roll-out", Visibility::Client),
                ("Manila new starters still nesting", Visibility::Internal)
            ]
        );
        let actions = ws
            .actions(&crate::annotate::ActionFilter::default())
            .unwrap();
        assert_eq!(actions.len(), 3);
        assert_eq!(actions.iter().map(|a| a.notes.len()).sum::<usize>(), 2);
        let bare = DemoSpec {
            story: false,
            ..DemoSpec::default()
        };
        let (ws, _) = create(&dir.path().join("b.qbr"), &bare, now()).unwrap();
        assert!(ws
            .causes(&crate::annotate::CauseFilter::default())
            .unwrap()
            .is_empty());
        assert!(ws
            .actions(&crate::annotate::ActionFilter::default())
            .unwrap()
            .is_empty());
    }
}
