//! What decides the figures, said in words (formats.md, "What decides the figures"): the four
//! readings of a file (contact key, handled or abandoned, wait, handle time) with where each
//! came from, the headline figures an import produced for its own span, and the plausibility
//! checks on them that catch a wrong reading every row-level check passes.
//!
//! Promises: a reading taken from a preset's documented column or from the user's mapping is
//! stated; any other is marked inferred, so the app asks the user to confirm it. A flag names
//! the figure and what would explain it.

use chrono::NaiveDate;

use super::error::ImportError;
use super::mapping::{normalise, Kind, Mapping, Preset};
use super::sink::Counts;
use crate::metrics::engine::{evaluate, Aggregate};
use crate::metrics::{Metric, MetricId, MetricValue, MetricVariants, Unit};

/// One of the four foundations of every figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingTopic {
    ContactKey,
    Outcome,
    Wait,
    HandleTime,
}

impl ReadingTopic {
    pub fn as_str(self) -> &'static str {
        match self {
            ReadingTopic::ContactKey => "contact_key",
            ReadingTopic::Outcome => "handled_or_abandoned",
            ReadingTopic::Wait => "wait",
            ReadingTopic::HandleTime => "handle_time",
        }
    }
}

/// How one foundation is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub topic: ReadingTopic,
    /// The columns it is read from, as the file spells them.
    pub columns: Vec<String>,
    /// The reading in a sentence: what is taken from where, and why.
    pub text: String,
    /// Not named by a preset or the user: the app asks to confirm it.
    pub inferred: bool,
}

/// Where the mapping came from, which decides whether a reading is stated or inferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The user's mapping (given by hand, a saved template or a mapping file).
    User,
    Preset(Preset),
    /// Matched from the headers.
    Guessed,
}

fn stated(source: Source, mapping: &Mapping, field: &str) -> bool {
    match source {
        Source::User => true,
        Source::Preset(p) => mapping.get(field).is_some_and(|c| {
            super::mapping::preset_headers(p).any(|h| normalise(h) == normalise(&c.header))
        }),
        Source::Guessed => false,
    }
}

fn by(source: Source, inferred: bool) -> String {
    match (source, inferred) {
        (Source::User, _) => "as mapped".into(),
        (Source::Preset(p), false) => format!("as {} documents it", p.report_name()),
        _ => "inferred from the heading".into(),
    }
}

fn unit_words(mapping: &Mapping, field: &str) -> String {
    match mapping.get(field).and_then(|c| c.unit) {
        Some(u) => format!(", bare numbers in {}", u.as_str()),
        None => String::new(),
    }
}

/// The readings of a table of `kind` under `mapping`.
pub(crate) fn readings(
    kind: Kind,
    source: Source,
    mapping: &Mapping,
    every_contact_handled: bool,
) -> Vec<Reading> {
    let col = |f: &str| mapping.get(f).map(|c| c.header.clone());
    let mut out = Vec::new();
    let reading = |topic, columns: Vec<String>, text: String, inferred: bool| Reading {
        topic,
        columns,
        text,
        inferred,
    };
    match kind {
        Kind::Interactions => {
            if let Some(h) = col("contact_id") {
                let inferred = !stated(source, mapping, "contact_id");
                out.push(reading(
                    ReadingTopic::ContactKey,
                    vec![h.clone()],
                    format!(
                        "each row is one contact, identified by {h:?} ({}); rows with the same value count once",
                        by(source, inferred)
                    ),
                    inferred,
                ));
            }
            let tickets = matches!(source, Source::Preset(Preset::ZendeskTickets));
            let (columns, text, field) = if let Some(h) = col("outcome").filter(|_| tickets) {
                (
                    vec![h.clone()],
                    format!(
                        "every ticket is offered; it is handled when {h:?} is solved or closed, and new, open, pending and on-hold tickets are not handled yet; deleted tickets count in nothing; a ticket cannot be abandoned, so abandonment has no value"
                    ),
                    "outcome",
                )
            } else if let Some(h) = col("outcome").filter(|_| every_contact_handled) {
                (
                    vec![h.clone()],
                    format!(
                        "every ticket is offered; it is handled when {h:?} is Resolved or Closed, and Open, Pending and any other status leave it unsolved; a ticket cannot be abandoned, so abandonment has no value"
                    ),
                    "outcome",
                )
            } else if let Some(h) = col("outcome") {
                (
                    vec![h.clone()],
                    format!("handled or abandoned is read from the outcome column {h:?}"),
                    "outcome",
                )
            } else if let Some(h) = col("abandoned_flag") {
                (
                    vec![h.clone()],
                    format!("a contact is abandoned when {h:?} says yes, handled when it says no"),
                    "abandoned_flag",
                )
            } else if let Some(h) = col("answered_flag") {
                (
                    vec![h.clone()],
                    format!(
                        "a contact is handled when {h:?} says yes and abandoned when it says no, whatever agent the row names"
                    ),
                    "answered_flag",
                )
            } else if every_contact_handled {
                (
                    Vec::new(),
                    "no status column: every ticket counts as offered and solved; a ticket cannot be abandoned, so abandonment has no value"
                        .into(),
                    "",
                )
            } else if let Some(h) = col("answered_at") {
                (
                    vec![h.clone()],
                    format!("a contact is handled when {h:?} (answered at) is set; a queued contact without it was abandoned"),
                    "answered_at",
                )
            } else {
                let evidence: Vec<String> = ["agent", "talk", "handle"]
                    .iter()
                    .filter_map(|f| col(f))
                    .collect();
                let wait = col("wait");
                let text = match (evidence.is_empty(), &wait) {
                    (true, None) => "nothing says whether a contact was handled or abandoned: every contact counts as neither (no offered or handled figures)".to_string(),
                    (true, Some(w)) => format!("a contact with a wait in {w:?} counts as abandoned: no column says it was answered"),
                    (false, _) => format!(
                        "a contact is handled when {} is filled in{}; an agent name alone is weak evidence, since some exports name the agent a call was routed to even when nobody answered",
                        evidence.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join(" or "),
                        wait.as_ref().map(|w| format!(", abandoned when only {w:?} is")).unwrap_or_default()
                    ),
                };
                let columns = evidence.into_iter().chain(wait).collect();
                (columns, text, "")
            };
            let inferred = field.is_empty() && !every_contact_handled
                || !field.is_empty() && !stated(source, mapping, field);
            let inferred = inferred && source != Source::User;
            out.push(reading(ReadingTopic::Outcome, columns, text, inferred));
            push_times(
                &mut out, source, mapping, "wait", "talk", "hold", "wrap", "handle",
            );
            if tickets {
                if let Some(r) = out.iter_mut().find(|r| r.topic == ReadingTopic::Wait) {
                    if !r.columns.is_empty() {
                        r.text.push_str(
                            ": the first reply time, in calendar minutes; map metric_set.reply_time_in_minutes.business instead to count business hours only",
                        );
                    }
                }
                out.push(reading(
                    ReadingTopic::HandleTime,
                    Vec::new(),
                    "a ticket carries no handle time (its resolution time is not the time agents spent on it): AHT has no value from this file".into(),
                    false,
                ));
            }
        }
        Kind::Intervals => {
            let named: Vec<(&str, String)> = ["offered", "handled", "abandoned"]
                .iter()
                .filter_map(|f| col(f).map(|c| (*f, c)))
                .collect();
            let counts: Vec<String> = named.iter().map(|(_, c)| c.clone()).collect();
            let inferred = ["offered", "handled", "abandoned"]
                .iter()
                .any(|f| mapping.has(f) && !stated(source, mapping, f));
            let text = format!(
                "the counts are {}{}{}",
                named
                    .iter()
                    .map(|(f, c)| format!("{f} = {c:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if mapping.has("offered") || !(mapping.has("handled") && mapping.has("abandoned")) {
                    String::new()
                } else {
                    "; offered is handled + abandoned".into()
                },
                if inferred && source == Source::Guessed {
                    " (inferred from the headings)"
                } else {
                    ""
                }
            );
            out.push(reading(ReadingTopic::Outcome, counts, text, inferred));
            push_times(
                &mut out,
                source,
                mapping,
                "answer_wait",
                "talk",
                "hold",
                "wrap",
                "handle",
            );
            // Averages are turned back into sums with the handled count.
            for (avg, topic, what) in [
                ("asa", ReadingTopic::Wait, "the summed wait"),
                ("aht", ReadingTopic::HandleTime, "the summed handle time"),
                ("avg_talk", ReadingTopic::HandleTime, "the summed talk time"),
            ] {
                if let Some(h) = col(avg) {
                    if out
                        .iter()
                        .any(|r| r.topic == topic && !r.columns.is_empty())
                    {
                        continue;
                    }
                    out.retain(|r| r.topic != topic);
                    let inferred = !stated(source, mapping, avg);
                    let handled = col("handled").unwrap_or_default();
                    let extra = if avg == "avg_talk" {
                        "; handle time is talk time only (the file has no hold or wrap time)"
                    } else {
                        ""
                    };
                    out.push(reading(
                        topic,
                        vec![h.clone(), handled.clone()],
                        format!(
                            "{h:?} is an average per answered contact: {what} is it times {handled:?}{extra} ({})",
                            by(source, inferred)
                        ),
                        inferred,
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn push_times(
    out: &mut Vec<Reading>,
    source: Source,
    mapping: &Mapping,
    wait: &str,
    talk: &str,
    hold: &str,
    wrap: &str,
    handle: &str,
) {
    let col = |f: &str| mapping.get(f).map(|c| c.header.clone());
    match col(wait) {
        Some(h) => {
            let inferred = !stated(source, mapping, wait);
            out.push(Reading {
                topic: ReadingTopic::Wait,
                columns: vec![h.clone()],
                text: format!(
                    "the queue wait is {h:?}{} ({})",
                    unit_words(mapping, wait),
                    by(source, inferred)
                ),
                inferred,
            });
        }
        None => out.push(Reading {
            topic: ReadingTopic::Wait,
            columns: Vec::new(),
            text:
                "no column gives the queue wait: ASA and service level have no value from this file"
                    .into(),
            inferred: false,
        }),
    }
    if let Some(h) = col(handle) {
        let inferred = !stated(source, mapping, handle);
        out.push(Reading {
            topic: ReadingTopic::HandleTime,
            columns: vec![h.clone()],
            text: format!(
                "handle time is {h:?}{} ({})",
                unit_words(mapping, handle),
                by(source, inferred)
            ),
            inferred,
        });
        return;
    }
    let parts: Vec<(&str, String)> = [("talk", talk), ("hold", hold), ("wrap", wrap)]
        .iter()
        .filter_map(|(name, f)| col(f).map(|h| (*name, h)))
        .collect();
    if parts.is_empty() {
        return;
    }
    let inferred = [talk, hold, wrap]
        .iter()
        .any(|f| mapping.has(f) && !stated(source, mapping, f));
    let only_talk = parts.len() == 1 && parts[0].0 == "talk";
    out.push(Reading {
        topic: ReadingTopic::HandleTime,
        columns: parts.iter().map(|(_, h)| h.clone()).collect(),
        text: if only_talk {
            format!(
                "handle time is talk time only, {:?}{}: the file has no hold or wrap time ({})",
                parts[0].1,
                unit_words(mapping, talk),
                by(source, inferred)
            )
        } else {
            format!(
                "handle time is the sum of {} ({})",
                parts
                    .iter()
                    .map(|(n, h)| format!("{n} {h:?}"))
                    .collect::<Vec<_>>()
                    .join(" + "),
                by(source, inferred)
            )
        },
        inferred,
    });
}

/// A yes/no column whose heading says the opposite of the field it is mapped to (`Answered
/// (Y/N)` as the abandoned flag) would turn every figure upside down without a refused row:
/// refused unless the mapping spells out what its values mean.
pub(crate) fn check_flag_headings(label: &str, mapping: &Mapping) -> Result<(), ImportError> {
    let says = |header: &str, words: &[&str]| {
        let n = normalise(header);
        words.iter().any(|w| n.contains(w))
    };
    const ANSWERED: &[&str] = &["answer", "atendid", "contestad", "respondid"];
    const ABANDONED: &[&str] = &["abandon"];
    for (field, opposite, words, meaning) in [
        ("abandoned_flag", "answered_flag", ANSWERED, "answered"),
        ("answered_flag", "abandoned_flag", ABANDONED, "abandoned"),
    ] {
        let Some(c) = mapping.get(field) else {
            continue;
        };
        if c.values.is_empty()
            && says(&c.header, words)
            && !says(
                &c.header,
                if field == "abandoned_flag" {
                    ABANDONED
                } else {
                    ANSWERED
                },
            )
        {
            return Err(ImportError::mapping(
                label,
                format!(
                    "column {:?} is mapped as {field}, but its heading says {meaning}: read that way every answered contact would count as abandoned and the other way round; map it as {opposite}, or say what each of its values means",
                    c.header
                ),
            ));
        }
    }
    Ok(())
}

/// One headline figure of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadlineFigure {
    pub metric_id: String,
    pub name: String,
    pub unit: Unit,
    pub value: MetricValue,
}

const HEADLINE: [MetricId; 8] = [
    MetricId::Offered,
    MetricId::Handled,
    MetricId::AbandonRate,
    MetricId::Asa,
    MetricId::Aht,
    MetricId::ServiceLevel,
    MetricId::Fcr,
    MetricId::Csat,
];

/// The headline figures of `sums` (an import's own facts) under `variants`.
pub(crate) fn headline(
    parts: &[super::sink::BatchPart],
    variants: &MetricVariants,
) -> Vec<HeadlineFigure> {
    let agg = Aggregate::from_parts(parts);
    HEADLINE
        .iter()
        .map(|&id| {
            let metric = Metric::builtin(id, variants);
            HeadlineFigure {
                metric_id: metric.id.clone(),
                name: metric.name.clone(),
                unit: metric.unit,
                value: evaluate(&metric, &agg, 3.0),
            }
        })
        .collect()
}

/// Something implausible in an import's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plausibility {
    /// abandonment_zero, abandonment_high, handled_above_offered, aht_short, aht_long,
    /// one_day, future, repeated_keys.
    pub code: String,
    pub message: String,
}

/// What an import's figures and counts need checked.
pub(crate) struct Spread {
    pub kind: Kind,
    pub counts: Counts,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    /// Today in the workspace zone.
    pub today: NaiveDate,
    /// The source delivers a contact more than once by design (Amazon Connect).
    pub redelivers: bool,
}

/// Plausibility checks on the headline figures (style.md, "Show your guesses").
pub(crate) fn plausibility(figures: &[HeadlineFigure], spread: &Spread) -> Vec<Plausibility> {
    let value = |id: &str| {
        figures
            .iter()
            .find(|f| f.metric_id == id)
            .and_then(|f| f.value.value)
    };
    let mut out = Vec::new();
    let mut flag = |code: &str, message: String| {
        out.push(Plausibility {
            code: code.into(),
            message,
        })
    };
    let offered = value("offered").unwrap_or(0.0);
    let handled = value("handled");
    if let Some(a) = value("abandon_rate") {
        if a == 0.0 && offered >= 1000.0 {
            flag(
                "abandonment_zero",
                format!(
                    "abandonment is 0% over {offered:.0} contacts, which real queues never show: check what makes a contact abandoned (an answered yes/no column, an agent named on unanswered calls)"
                ),
            );
        } else if a > 0.5 && offered >= 100.0 {
            flag(
                "abandonment_high",
                format!(
                    "abandonment is {:.1}% over {offered:.0} contacts: check that handled and abandoned are not read the wrong way round",
                    a * 100.0
                ),
            );
        }
    }
    if let Some(h) = handled {
        if h > offered && value("offered").is_some() {
            flag(
                "handled_above_offered",
                format!("{h:.0} contacts handled but only {offered:.0} offered: check the count columns"),
            );
        }
    }
    if let Some(aht) = value("aht") {
        if aht < 10.0 {
            flag(
                "aht_short",
                format!("the average handle time is {aht:.1} s: check the unit of the time columns (minutes or hours read as seconds?)"),
            );
        } else if aht > 7200.0 {
            flag(
                "aht_long",
                format!("the average handle time is {:.1} h: check the unit of the time columns (milliseconds read as seconds?)", aht / 3600.0),
            );
        }
    }
    if let (Some(first), Some(last)) = (spread.first_day, spread.last_day) {
        if spread.kind == Kind::Interactions && first == last && spread.counts.taken >= 100 {
            flag(
                "one_day",
                format!(
                    "all {} contacts are on {first}: if the file covers more days, the date column may be wrong",
                    spread.counts.taken
                ),
            );
        }
        if last > spread.today {
            flag(
                "future",
                format!("the file has contacts up to {last}, after today ({}): check the date order and the time zone", spread.today),
            );
        }
    }
    let c = spread.counts;
    if spread.kind == Kind::Interactions
        && !spread.redelivers
        && c.read >= 20
        && c.duplicate * 10 > c.read
    {
        flag(
            "repeated_keys",
            format!(
                "{} of {} rows repeat a contact key already seen, so they count once: check that the contact key is a contact or call id, not a customer",
                c.duplicate, c.read
            ),
        );
    }
    out
}
