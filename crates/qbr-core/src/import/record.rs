//! One row of cells to what it means for its kind: a contact (interactions) or a fact's measures
//! (every other kind). A row with any unreadable mapped cell is refused whole, with one refusal
//! per bad cell, so the report says everything wrong with it at once.

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::mapping::{normalise, Kind, Mapping};
use super::read::Row;
use super::sink::NewContact;
use super::value::{self, DecimalMark, DurationUnit, Separators, TimeContext};
use super::Refusal;
use crate::measure::{Dimension, Measure, Measures};
use crate::model::rollup::{add_scores, DayKey, Interaction, Outcome};
use crate::settings::Channel;

/// Declares [`Field`] from its variants and their names, so the list is written once.
macro_rules! fields {
    ($($variant:ident = $name:literal,)*) => {
        /// A field a row parser reads, by its generic name (as [`Kind::fields`] spells it).
        /// Cells are found by this index rather than by hashing the name for every cell of
        /// every row.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Field {
            $($variant,)*
        }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Field::$variant => $name,)*
                }
            }

            pub fn parse(name: &str) -> Option<Field> {
                match name {
                    $($name => Some(Field::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

fields! {
    ContactId = "contact_id",
    StartedAt = "started_at",
    Channel = "channel",
    Direction = "direction",
    Program = "program",
    Queue = "queue",
    Site = "site",
    Team = "team",
    Agent = "agent",
    CustomerId = "customer_id",
    Outcome = "outcome",
    Wait = "wait",
    Talk = "talk",
    Hold = "hold",
    Wrap = "wrap",
    Handle = "handle",
    Transferred = "transferred",
    Resolved = "resolved",
    Csat = "csat",
    Nps = "nps",
    Ces = "ces",
    AnsweredAt = "answered_at",
    AbandonedFlag = "abandoned_flag",
    AnsweredFlag = "answered_flag",
    StartedTime = "started_time",
    TransferredAt = "transferred_at",
    NonAcd = "non_acd",
    UpdatedAt = "updated_at",
    IntervalStart = "interval_start",
    Offered = "offered",
    Handled = "handled",
    Abandoned = "abandoned",
    ShortAbandoned = "short_abandoned",
    AnsweredInThreshold = "answered_in_threshold",
    AbandonedInThreshold = "abandoned_in_threshold",
    AnswerWait = "answer_wait",
    Asa = "asa",
    Aht = "aht",
    AvgTalk = "avg_talk",
    AvgHold = "avg_hold",
    AvgWrap = "avg_wrap",
    ServiceLevelPct = "service_level_pct",
    RespondedAt = "responded_at",
    EvaluatedAt = "evaluated_at",
    Score = "score",
    CriticalError = "critical_error",
    Date = "date",
    Month = "month",
    Paid = "paid",
    Scheduled = "scheduled",
    Adherent = "adherent",
    LoggedIn = "logged_in",
    Available = "available",
    Handling = "handling",
    Headcount = "headcount",
    Fte = "fte",
    Leavers = "leavers",
    Revenue = "revenue",
    Cost = "cost",
    Investment = "investment",
}

use Field as F;

/// A mapped column of one table.
#[derive(Debug, Clone)]
pub(crate) struct Col {
    pub index: usize,
    pub header: String,
    pub unit: Option<DurationUnit>,
    /// The mapping's value translation (file's word → meaning).
    pub values: Vec<(String, String)>,
    /// The decimal mark of the column's numbers, as the whole column (or the user) decided it.
    pub mark: Option<DecimalMark>,
}

/// The mapping resolved against one table's header.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    /// The column of each [`Field`], in [`Field::ALL`] order.
    by_field: Vec<Option<Col>>,
}

impl Columns {
    /// Finds each mapped header in `header` (exactly, else ignoring case and punctuation).
    /// Returns the columns and the headers that were not found. A mapped field no parser reads
    /// is left out.
    /// Each column takes the decimal mark `mark_of` its header gives.
    pub fn resolve_marked(
        mapping: &Mapping,
        header: &[String],
        mark_of: &dyn Fn(&str) -> Option<DecimalMark>,
    ) -> (Columns, Vec<String>) {
        let mut cols = Columns {
            by_field: vec![None; Field::ALL.len()],
        };
        let mut missing = Vec::new();
        for c in &mapping.columns {
            let index = header.iter().position(|h| *h == c.header).or_else(|| {
                header
                    .iter()
                    .position(|h| normalise(h) == normalise(&c.header))
            });
            match index {
                Some(index) => {
                    if let Some(field) = Field::parse(&c.field) {
                        cols.by_field[field as usize] = Some(Col {
                            index,
                            header: header[index].clone(),
                            unit: c.unit,
                            values: c.values.clone(),
                            mark: mark_of(&header[index]),
                        });
                    }
                }
                None => missing.push(c.header.clone()),
            }
        }
        (cols, missing)
    }

    pub fn get(&self, field: Field) -> Option<&Col> {
        self.by_field[field as usize].as_ref()
    }

    pub fn has(&self, field: Field) -> bool {
        self.get(field).is_some()
    }
}

/// What every row of an import shares.
pub(crate) struct RecordContext {
    pub kind: Kind,
    pub source: Arc<str>,
    /// Offset-less times in the file are in this zone.
    pub time: TimeContext,
    /// Days are cut in this zone.
    pub workspace_zone: Tz,
    /// A program for every row, when the file names none (or to override it).
    pub program: Option<String>,
    /// Saved queue- and campaign-to-program mappings.
    pub aliases: super::ProgramAliases,
    /// Every contact is handled (ticket exports: a ticket is never abandoned).
    pub every_contact_handled: bool,
    /// The channel of rows that name none: voice, or email for ticket exports.
    pub default_channel: Channel,
    /// The file's name, for an error that stops the import.
    pub label: String,
    /// Ratings of 0 on a 1-based scale, read as "no rating" (unanswered calls in some exports).
    pub zero_ratings: std::sync::atomic::AtomicU64,
    /// Dates outside this window (inclusive) are refused as implausible: year 0 or 9999 would
    /// stretch the workspace's data over millennia.
    pub window: DateWindow,
}

/// The dates an import takes, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateWindow {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

impl DateWindow {
    /// The default: from 1990 to a year after `today`.
    pub fn around(today: NaiveDate) -> DateWindow {
        DateWindow {
            earliest: NaiveDate::from_ymd_opt(1990, 1, 1).expect("a date"),
            latest: today
                .checked_add_days(chrono::Days::new(366))
                .unwrap_or(today),
        }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.earliest <= d && d <= self.latest
    }

    /// What a refusal says was expected.
    pub fn expected(&self) -> String {
        format!(
            "a date from {} to {} (dates outside this window are taken as misread; \
             change it with --earliest and --latest)",
            self.earliest, self.latest
        )
    }
}

/// The longest a single contact's wait, talk, hold, wrap or handle time can be: 31 days.
pub const MAX_CONTACT_DURATION_S: f64 = 31.0 * 86_400.0;

/// What one row yields.
#[derive(Debug)]
pub(crate) enum Parsed {
    Contact(Box<NewContact>),
    Fact(Box<(DayKey, Measures)>),
    /// A survey response and the contact it is about, whose dimensions fill the ones the
    /// survey tool does not know (queue, agent, channel...).
    Survey(Box<(DayKey, Measures, Option<String>)>),
    /// One interval (or day) of a queue: its start in Unix seconds (a bare date: its midnight,
    /// read as UTC), where it sits, and its measures.
    Interval(Box<(i64, DayKey, Measures)>),
}

/// Reads typed values out of one row, collecting refusals.
struct Cells<'a> {
    row: &'a Row,
    cols: &'a Columns,
    ctx: &'a RecordContext,
    problems: Vec<Refusal>,
    /// A number whose decimal mark its column has not decided (`1.234` with nothing else to
    /// tell): the import stops and asks rather than guess.
    undecided: Option<(String, String)>,
}

impl<'a> Cells<'a> {
    /// The cell of `field`, through the column's value translation when it names the value.
    fn raw(&self, field: Field) -> Option<&'a str> {
        let col = self.cols.get(field)?;
        let cell = self.row.cells.get(col.index).unwrap_or("");
        if !col.values.is_empty() {
            if let Some(to) = super::mapping::translate(&col.values, cell) {
                return Some(to);
            }
        }
        Some(cell)
    }

    fn refuse(&mut self, field: Field, value: &str, expected: impl Into<String>) {
        let column = self
            .cols
            .get(field)
            .map_or_else(|| field.as_str().to_string(), |c| c.header.clone());
        self.problems.push(Refusal {
            row: self.row.line,
            column: Some(column),
            value: value.to_string(),
            expected: expected.into(),
        });
    }

    fn check<T, E: Into<String>>(
        &mut self,
        field: Field,
        parsed: Result<Option<T>, E>,
    ) -> Option<T> {
        match parsed {
            Ok(v) => v,
            Err(expected) => {
                let value = self.raw(field).unwrap_or("").to_string();
                self.refuse(field, &value, expected);
                None
            }
        }
    }

    fn text(&self, field: Field) -> Option<String> {
        self.raw(field).and_then(value::parse_text)
    }

    /// The column's decimal mark; notes a value the column cannot read without one.
    fn mark(&mut self, field: Field, raw: &str) -> Option<DecimalMark> {
        let col = self.cols.get(field)?;
        if col.mark.is_none()
            && self.undecided.is_none()
            && raw.contains([',', '.'])
            && value::separators(raw) == Separators::Ambiguous
        {
            self.undecided = Some((col.header.clone(), raw.trim().to_string()));
        }
        col.mark
    }

    fn duration(&mut self, field: Field) -> Option<f64> {
        let raw = self.raw(field)?;
        let unit = self.cols.get(field).and_then(|c| c.unit);
        let mark = self.mark(field, raw);
        let parsed = value::parse_duration_marked(raw, unit, mark);
        self.check(field, parsed)
    }

    fn number(&mut self, field: Field) -> Option<f64> {
        let raw = self.raw(field)?;
        let mark = self.mark(field, raw);
        let parsed = value::parse_number_marked(raw, mark);
        self.check(field, parsed)
    }

    fn count(&mut self, field: Field) -> Option<f64> {
        let raw = self.raw(field)?;
        let mark = self.cols.get(field).and_then(|c| c.mark);
        let parsed = value::parse_count_marked(raw, mark);
        self.check(field, parsed)
    }

    fn boolean(&mut self, field: Field) -> Option<bool> {
        let raw = self.raw(field)?;
        let parsed = value::parse_bool(raw);
        self.check(field, parsed)
    }

    fn timestamp(&mut self, field: Field) -> Option<DateTime<Utc>> {
        let raw = self.raw(field)?;
        let parsed = value::parse_timestamp(raw, &self.ctx.time);
        let at = self.check(field, parsed)?;
        self.within_window(field, at.date_naive())?;
        Some(at)
    }

    /// `Some(())` when `d` is a plausible date; else a refusal naming the window.
    fn within_window(&mut self, field: Field, d: NaiveDate) -> Option<()> {
        if self.ctx.window.contains(d) {
            return Some(());
        }
        let raw = self.raw(field).unwrap_or("").to_string();
        let expected = self.ctx.window.expected();
        self.refuse(field, &raw, expected);
        None
    }

    /// A duration of one contact: as [`Self::duration`], and at most 31 days.
    fn contact_duration(&mut self, field: Field) -> Option<f64> {
        let v = self.duration(field)?;
        if v > MAX_CONTACT_DURATION_S {
            let raw = self.raw(field).unwrap_or("").to_string();
            self.refuse(
                field,
                &raw,
                "a duration of at most 31 days for one contact (check the column's unit)",
            );
            return None;
        }
        Some(v)
    }

    /// A date in one column and its time of day in another, in the source's zone.
    fn date_and_time(&mut self, date: Field, time: Field) -> Option<DateTime<Utc>> {
        let raw = self.raw(date)?;
        let as_written = TimeContext {
            zone: Tz::UTC,
            ..self.ctx.time
        };
        let day = value::parse_timestamp(raw, &as_written).map(|d| d.map(|d| d.date_naive()));
        let day = self.check(date, day)?;
        let raw_time = self.raw(time)?;
        let secs = value::parse_time_of_day(raw_time);
        let secs = self.check(time, secs)?;
        let naive = day.and_time(chrono::NaiveTime::MIN)
            + chrono::TimeDelta::milliseconds((secs * 1000.0).round() as i64);
        let at = value::localise(naive, self.ctx.time.zone).map(Some);
        self.check(time, at)
    }

    /// A calendar day: a bare date is that day as written; a date and time is converted to the
    /// workspace zone first.
    fn day(&mut self, field: Field) -> Option<NaiveDate> {
        let raw = self.raw(field)?.trim();
        if raw.len() <= 10 {
            for fmt in ["%Y-%m-%d", "%Y/%m/%d"] {
                if let Ok(d) = NaiveDate::parse_from_str(raw, fmt) {
                    self.within_window(field, d)?;
                    return Some(d);
                }
            }
            if raw.contains(['/', '.']) || (raw.len() == 10 && raw.matches('-').count() == 2) {
                let parsed = value::parse_timestamp(
                    raw,
                    &TimeContext {
                        zone: Tz::UTC,
                        ..self.ctx.time
                    },
                );
                let d = self.check(field, parsed)?.date_naive();
                self.within_window(field, d)?;
                return Some(d);
            }
        }
        let zone = self.ctx.workspace_zone;
        self.timestamp(field)
            .map(|at| at.with_timezone(&zone).date_naive())
    }

    fn month(&mut self, field: Field) -> Option<NaiveDate> {
        let raw = self.raw(field)?;
        let parsed = value::parse_month(raw, &self.ctx.time);
        let m = self.check(field, parsed)?;
        self.within_window(field, m)?;
        Some(m)
    }

    /// A whole-number score within `lo..=hi`. A 0 on a scale that starts at 1 is "no rating"
    /// (some exports write 0 for calls that were never rated), counted for the report's note.
    fn score(&mut self, field: Field, lo: i64, hi: i64, what: &str) -> Option<i64> {
        let raw = self.raw(field)?;
        match value::parse_number(raw) {
            Ok(None) => None,
            Ok(Some(v)) if v == 0.0 && lo == 1 => {
                self.ctx
                    .zero_ratings
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                None
            }
            Ok(Some(v)) if v.fract() == 0.0 && (lo as f64..=hi as f64).contains(&v) => {
                Some(v as i64)
            }
            _ => {
                let raw = raw.to_string();
                self.refuse(field, &raw, format!("{what} from {lo} to {hi}"));
                None
            }
        }
    }

    fn channel(&mut self, field: Field) -> Option<Channel> {
        let raw = self.raw(field)?;
        match parse_channel(raw) {
            Ok(c) => c,
            Err(expected) => {
                let raw = raw.to_string();
                self.refuse(field, &raw, expected);
                None
            }
        }
    }

    /// Required: a missing value is a refusal.
    fn require<T>(&mut self, field: Field, v: Option<T>, what: &str) -> Option<T> {
        if v.is_none()
            && !self
                .problems
                .iter()
                .any(|p| p.column.as_deref() == self.cols.get(field).map(|c| c.header.as_str()))
        {
            let raw = self.raw(field).unwrap_or("").to_string();
            self.refuse(field, &raw, what.to_string());
        }
        v
    }

    /// A dimension member's name, shared with the rows before that named it.
    fn name(&self, field: Field) -> Option<Arc<str>> {
        self.raw(field)
            .filter(|t| !value::is_missing(t))
            .map(|t| intern(value::trim(t)))
    }

    /// [`Self::program`], shared.
    fn program_name(&self) -> Option<Arc<str>> {
        match &self.ctx.program {
            None if self.ctx.aliases.is_empty() => self.name(F::Program),
            _ => self.program().map(|p| intern(&p)),
        }
    }

    fn program(&self) -> Option<String> {
        self.ctx.program.clone().or_else(|| {
            self.ctx
                .aliases
                .program_for(self.text(F::Program), self.text(F::Queue).as_deref())
        })
    }
}

thread_local! {
    /// The dimension names a parse worker has seen: each row's queue, agent... is a clone of
    /// the first row's rather than a new allocation.
    static NAMES: RefCell<FxHashSet<Arc<str>>> = RefCell::new(FxHashSet::default());
}

/// Names kept per worker at most: a column of unique values (a mapping gone wrong) must not
/// grow the set without bound.
const MAX_NAMES: usize = 4096;

fn intern(text: &str) -> Arc<str> {
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some(name) = names.get(text) {
            return Arc::clone(name);
        }
        if names.len() >= MAX_NAMES {
            names.clear();
        }
        let name: Arc<str> = Arc::from(value::without_bidi_controls(text).as_ref());
        names.insert(Arc::clone(&name));
        name
    })
}

/// Channel names as platforms spell them.
pub fn parse_channel(text: &str) -> Result<Option<Channel>, &'static str> {
    if value::is_missing(text) {
        return Ok(None);
    }
    // Most files spell it plainly: no need to normalise.
    match text {
        "voice" => return Ok(Some(Channel::Voice)),
        "chat" => return Ok(Some(Channel::Chat)),
        "email" => return Ok(Some(Channel::Email)),
        _ => {}
    }
    Ok(Some(match normalise(text).as_str() {
        "voice" | "phone" | "call" | "calls" | "telephony" | "callback" | "inbound" => {
            Channel::Voice
        }
        "chat" | "webchat" | "livechat" => Channel::Chat,
        "message" | "messaging" | "sms" | "whatsapp" | "social" | "messenger" => Channel::Messaging,
        "email" | "mail" => Channel::Email,
        // Amazon Connect tasks are asynchronous back-office work, closest to email's threshold.
        "task" => Channel::Email,
        _ => {
            return Err("a channel: voice, chat, messaging or email (or phone, webchat, sms, task)")
        }
    }))
}

/// Directions whose contacts did not queue for an agent.
fn is_outbound(direction: &str) -> bool {
    if direction == "inbound" {
        return false;
    }
    matches!(
        normalise(direction).as_str(),
        "outbound" | "manual" | "preview" | "autodial" | "predictive" | "internal" | "outgoing"
    )
}

fn parse_outcome(text: &str) -> Result<Option<Outcome>, &'static str> {
    if value::is_missing(text) {
        return Ok(None);
    }
    match text {
        "handled" => return Ok(Some(Outcome::Handled)),
        "abandoned" => return Ok(Some(Outcome::Abandoned)),
        _ => {}
    }
    Ok(Some(match normalise(text).as_str() {
        "handled" | "answered" | "completed" | "connected" | "handle" => Outcome::Handled,
        "abandoned" | "abandon" | "abandonedinqueue" | "aban" | "hungup" => Outcome::Abandoned,
        "callback" | "callbackrequested" => Outcome::Callback,
        "other" | "voicemail" | "deflected" | "outbound" => Outcome::Other,
        "ticketsolved" => Outcome::TicketSolved,
        "ticketopen" => Outcome::TicketOpen,
        _ => return Err("an outcome: handled, abandoned or callback"),
    }))
}

/// Reads one row. The inner `Err` holds every refusal of the row; the outer one stops the
/// import (a number its column cannot read without being told the decimal mark).
pub(crate) fn parse_row(
    row: &Row,
    cols: &Columns,
    ctx: &RecordContext,
) -> Result<Result<Option<Parsed>, Vec<Refusal>>, super::ImportError> {
    let mut c = Cells {
        row,
        cols,
        ctx,
        problems: Vec::new(),
        undecided: None,
    };
    let parsed = match ctx.kind {
        Kind::Interactions => {
            interaction(&mut c).map(|i| Parsed::Contact(Box::new(NewContact::new(i))))
        }
        Kind::Intervals => interval(&mut c),
        Kind::Surveys => survey(&mut c),
        Kind::Quality => quality(&mut c),
        Kind::Workforce => workforce(&mut c),
        Kind::Finance => finance(&mut c),
    };
    if let Some((column, example)) = c.undecided {
        return Err(super::ImportError::AmbiguousNumbers {
            file: ctx.label.clone(),
            column,
            example,
            whole_column: false,
        });
    }
    Ok(if c.problems.is_empty() {
        Ok(parsed)
    } else {
        Err(c.problems)
    })
}

fn interaction(c: &mut Cells) -> Option<Interaction> {
    let contact_key = c.text(F::ContactId);
    let contact_key = c.require(F::ContactId, contact_key, "a contact id");
    let started = match c.cols.has(F::StartedTime) {
        true => c.date_and_time(F::StartedAt, F::StartedTime),
        false => c.timestamp(F::StartedAt),
    };
    let started = c.require(F::StartedAt, started, value::EXPECT_TIMESTAMP);
    let channel = c.channel(F::Channel);
    let direction = c.name(F::Direction);
    let wait_s = c.contact_duration(F::Wait);
    let talk_s = c.contact_duration(F::Talk);
    let hold_s = c.contact_duration(F::Hold);
    let wrap_s = c.contact_duration(F::Wrap);
    let handle = c.contact_duration(F::Handle);
    let transferred = match c.raw(F::Transferred) {
        // Five9 counts transfers; any transfer means "transferred".
        Some(raw)
            if raw.starts_with(|c: char| c.is_ascii_digit())
                && value::parse_count(raw).is_ok_and(|n| n.is_some_and(|n| n > 1.0)) =>
        {
            Some(true)
        }
        _ => c.boolean(F::Transferred),
    };
    let resolved = c.boolean(F::Resolved);
    let csat = c.score(F::Csat, 1, 5, "a CSAT rating");
    let nps = c.score(F::Nps, 0, 10, "an NPS rating");
    let ces = c.score(F::Ces, 1, 7, "a CES rating");
    let updated = c.timestamp(F::UpdatedAt);
    let answered_at = c.timestamp(F::AnsweredAt);
    let abandoned_flag = c.boolean(F::AbandonedFlag);
    let answered_flag = c.boolean(F::AnsweredFlag);
    let transferred_at = c.timestamp(F::TransferredAt);
    let transferred = match (transferred, c.cols.has(F::TransferredAt)) {
        (None, true) => Some(transferred_at.is_some()),
        (t, _) => t,
    };
    let non_acd = c.boolean(F::NonAcd);
    let outcome_text = c.raw(F::Outcome).map(parse_outcome);
    let outcome_col = match outcome_text {
        Some(Ok(o)) => o,
        Some(Err(expected)) => {
            let raw = c.raw(F::Outcome).unwrap_or("").to_string();
            c.refuse(F::Outcome, &raw, expected);
            None
        }
        None => None,
    };
    let agent = c.name(F::Agent);
    let queue = c.name(F::Queue);

    let outcome = if non_acd == Some(true) || direction.as_deref().is_some_and(is_outbound) {
        Outcome::Other
    } else if let Some(o) = outcome_col {
        o
    } else if let Some(abandoned) = abandoned_flag {
        if abandoned {
            Outcome::Abandoned
        } else {
            Outcome::Handled
        }
    } else if let Some(answered) = answered_flag {
        // Answered (Y/N) decides, whatever else the row names: unanswered calls may still name
        // the agent they were routed to.
        if answered {
            Outcome::Handled
        } else {
            Outcome::Abandoned
        }
    } else if c.ctx.every_contact_handled {
        Outcome::TicketSolved
    } else if c.cols.has(F::AnsweredAt) {
        // Amazon Connect: a queued contact never connected to an agent was abandoned.
        match (answered_at, &queue) {
            (Some(_), _) => Outcome::Handled,
            (None, Some(_)) => Outcome::Abandoned,
            (None, None) => Outcome::Other,
        }
    } else if agent.is_some() || talk_s.is_some_and(|t| t > 0.0) || handle.is_some_and(|h| h > 0.0)
    {
        Outcome::Handled
    } else if wait_s.is_some() {
        Outcome::Abandoned
    } else {
        Outcome::Other
    };
    // Handle time is talk + hold + wrap unless the source totals it itself.
    let handle_s = handle.or_else(|| {
        let parts = [talk_s, hold_s, wrap_s];
        parts
            .iter()
            .any(Option::is_some)
            .then(|| parts.iter().flatten().sum())
    });
    let started = started?;
    let day = started.with_timezone(&c.ctx.workspace_zone).date_naive();
    Some(Interaction {
        source: c.ctx.source.clone(),
        contact_key: contact_key?,
        started_at: started.timestamp(),
        day,
        channel: channel.or(Some(c.ctx.default_channel)),
        program: c.program_name(),
        queue,
        site: c.name(F::Site),
        team: c.name(F::Team),
        agent,
        customer_key: c.text(F::CustomerId),
        direction,
        outcome,
        wait_s,
        talk_s,
        hold_s,
        wrap_s,
        handle_s,
        transferred,
        resolved,
        csat,
        nps,
        ces,
        source_updated_at: updated.map(|u| u.timestamp()),
    })
}

fn interval(c: &mut Cells) -> Option<Parsed> {
    let day = c.day(F::IntervalStart);
    let day = c.require(F::IntervalStart, day, value::EXPECT_TIMESTAMP);
    // The interval's identity across overlapping exports: its start, or its day for daily rows.
    let start = match (day, c.raw(F::IntervalStart).map(str::trim)) {
        (Some(d), Some(raw)) if raw.len() > 10 => c
            .timestamp(F::IntervalStart)
            .map(|t| t.timestamp())
            .unwrap_or_else(|| d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp()),
        (Some(d), _) => d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
        (None, _) => 0,
    };
    let offered = c.count(F::Offered);
    let handled = c.count(F::Handled);
    let abandoned = c.count(F::Abandoned);
    let mut m = Measures::default();
    let offered = offered.or(match (handled, abandoned) {
        (Some(h), Some(a)) => Some(h + a),
        _ => None,
    });
    for (measure, v) in [
        (Measure::Offered, offered),
        (Measure::Handled, handled),
        (Measure::Abandoned, abandoned),
    ] {
        if let Some(v) = v {
            m.set(measure, v);
        }
    }
    for (field, measure) in [
        (F::ShortAbandoned, Measure::ShortAbandoned),
        (F::AnsweredInThreshold, Measure::AnsweredInThreshold),
        (F::AbandonedInThreshold, Measure::AbandonedInThreshold),
    ] {
        if let Some(v) = c.count(field) {
            m.set(measure, v);
        }
    }
    // Sums where the source gives sums; averages turned back into sums with the handled count.
    for (sum_field, avg_field, measure) in [
        (F::AnswerWait, F::Asa, Measure::AnswerWaitS),
        (F::Handle, F::Aht, Measure::HandleS),
        (F::Talk, F::AvgTalk, Measure::TalkS),
        (F::Hold, F::AvgHold, Measure::HoldS),
        (F::Wrap, F::AvgWrap, Measure::WrapS),
    ] {
        if let Some(sum) = c.duration(sum_field) {
            m.set(measure, sum);
        } else if let Some(avg) = c.duration(avg_field) {
            match handled {
                Some(h) => {
                    m.set(measure, avg * h);
                }
                None => {
                    let raw = c.raw(avg_field).unwrap_or("").to_string();
                    c.refuse(
                        avg_field,
                        &raw,
                        "an average with its handled count on the same row (the handled cell is blank)",
                    );
                }
            }
        }
    }
    // Handle time is talk + hold + wrap where the source gives no total (as for contacts).
    if m.get(Measure::HandleS).is_none() {
        let parts = [Measure::TalkS, Measure::HoldS, Measure::WrapS].map(|p| m.get(p));
        if parts.iter().any(Option::is_some) {
            m.set(Measure::HandleS, parts.iter().flatten().sum());
        }
    }
    // A service level the source reports as a share, kept as the share of offered (else
    // handled) contacts it speaks of, so that it adds up as a ratio of sums.
    if let Some(pct) = c.raw(F::ServiceLevelPct).map(str::to_string) {
        match value::parse_share(&pct) {
            Ok(None) => {}
            Ok(Some(share)) => match m.get(Measure::Offered).or(m.get(Measure::Handled)) {
                Some(base) => {
                    m.set(Measure::SlReportedMet, share * base);
                    m.set(Measure::SlReportedBase, base);
                }
                None => c.refuse(
                    F::ServiceLevelPct,
                    &pct,
                    "a service level with the offered or handled count on the same row",
                ),
            },
            Err(expected) => c.refuse(F::ServiceLevelPct, &pct, expected),
        }
    }
    let channel = c.channel(F::Channel);
    if m.iter().all(|(_, v)| v.is_none()) {
        // A row of dashes ("no data") adds nothing.
        return None;
    }
    let key = DayKey::new(day?, false)
        .with(Dimension::Program, c.program().as_deref())
        .with(Dimension::Queue, c.text(F::Queue).as_deref())
        .with(Dimension::Channel, channel.map(|ch| ch.as_str()))
        .with(Dimension::Site, c.text(F::Site).as_deref());
    Some(Parsed::Interval(Box::new((start, key, m))))
}

fn survey(c: &mut Cells) -> Option<Parsed> {
    let day = c.day(F::RespondedAt);
    let day = c.require(F::RespondedAt, day, value::EXPECT_TIMESTAMP);
    let csat = c.score(F::Csat, 1, 5, "a CSAT rating");
    let nps = c.score(F::Nps, 0, 10, "an NPS rating");
    let ces = c.score(F::Ces, 1, 7, "a CES rating");
    let resolved = c.boolean(F::Resolved);
    let mut m = Measures::default();
    add_scores(&mut m, csat, nps, ces);
    if let Some(r) = resolved {
        m.add(Measure::FcrEligible, 1.0);
        m.add(Measure::FcrResolved, if r { 1.0 } else { 0.0 });
    }
    if m.iter().all(|(_, v)| v.is_none()) {
        // A response that answered none of the scored questions adds nothing.
        return None;
    }
    let key = DayKey::new(day?, false)
        .with(Dimension::Program, c.program().as_deref())
        .with(Dimension::Queue, c.text(F::Queue).as_deref())
        .with(Dimension::Agent, c.text(F::Agent).as_deref());
    Some(Parsed::Survey(Box::new((key, m, c.text(F::ContactId)))))
}

fn quality(c: &mut Cells) -> Option<Parsed> {
    let day = c.day(F::EvaluatedAt);
    let day = c.require(F::EvaluatedAt, day, value::EXPECT_TIMESTAMP);
    let score = match c.raw(F::Score) {
        Some(raw) => match value::parse_number(raw) {
            Ok(Some(v)) if (0.0..=100.0).contains(&v) => Some(v),
            Ok(None) => None,
            _ => {
                let raw = raw.to_string();
                c.refuse(F::Score, &raw, "a quality score from 0 to 100");
                None
            }
        },
        None => None,
    };
    let score = c.require(F::Score, score, "a quality score from 0 to 100");
    let critical = c.boolean(F::CriticalError);
    let mut m = Measures::default()
        .with(Measure::QaEvaluations, 1.0)
        .with(Measure::QaScoreSum, score?);
    if c.cols.has(F::CriticalError) {
        m.set(
            Measure::QaFailed,
            if critical == Some(true) { 1.0 } else { 0.0 },
        );
    }
    let key = DayKey::new(day?, false)
        .with(Dimension::Program, c.program().as_deref())
        .with(Dimension::Agent, c.text(F::Agent).as_deref());
    Some(Parsed::Fact(Box::new((key, m))))
}

fn workforce(c: &mut Cells) -> Option<Parsed> {
    let (day, monthly) = if c.cols.has(F::Date) {
        let d = c.day(F::Date);
        (c.require(F::Date, d, value::EXPECT_TIMESTAMP), false)
    } else {
        let d = c.month(F::Month);
        (c.require(F::Month, d, "a month such as 2026-07"), true)
    };
    let mut m = Measures::default();
    for (field, measure) in [
        (F::Paid, Measure::PaidS),
        (F::Scheduled, Measure::ScheduledS),
        (F::Adherent, Measure::AdherentS),
        (F::LoggedIn, Measure::LoggedInS),
        (F::Available, Measure::AvailableS),
        (F::Handling, Measure::AgentHandleS),
    ] {
        if let Some(v) = c.duration(field) {
            m.set(measure, v);
        }
    }
    for (field, measure) in [(F::Headcount, Measure::Headcount), (F::Fte, Measure::Fte)] {
        if let Some(v) = c.number(field) {
            m.set(measure, v);
        }
    }
    if let Some(v) = c.count(F::Leavers) {
        m.set(Measure::Leavers, v);
    }
    if m.iter().all(|(_, v)| v.is_none()) {
        return None;
    }
    let key = DayKey::new(day?, monthly)
        .with(Dimension::Program, c.program().as_deref())
        .with(Dimension::Site, c.text(F::Site).as_deref())
        .with(Dimension::Team, c.text(F::Team).as_deref())
        .with(Dimension::Agent, c.text(F::Agent).as_deref());
    Some(Parsed::Fact(Box::new((key, m))))
}

fn finance(c: &mut Cells) -> Option<Parsed> {
    let month = c.month(F::Month);
    let month = c.require(F::Month, month, "a month such as 2026-07");
    let mut m = Measures::default();
    for (field, measure) in [
        (F::Revenue, Measure::Revenue),
        (F::Cost, Measure::Cost),
        (F::Investment, Measure::Investment),
    ] {
        if let Some(v) = c.number(field) {
            m.set(measure, v);
        }
    }
    if m.iter().all(|(_, v)| v.is_none()) {
        return None;
    }
    let key = DayKey::new(month?, true).with(Dimension::Program, c.program().as_deref());
    Some(Parsed::Fact(Box::new((key, m))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_every_kind_has_a_field_variant_and_every_variant_a_kind() {
        for kind in Kind::ALL {
            for spec in kind.fields() {
                let field = Field::parse(spec.name);
                assert!(field.is_some(), "{kind:?}'s field {:?}", spec.name);
                assert_eq!(field.map(Field::as_str), Some(spec.name));
            }
        }
        for field in Field::ALL {
            assert!(
                Kind::ALL.iter().any(|k| k.field(field.as_str()).is_some()),
                "{field:?} is no kind's field"
            );
        }
        assert_eq!(Field::parse("contact id"), None);
    }

    #[test]
    fn names_are_shared_and_the_set_stays_bounded() {
        let a = intern("Billing");
        let b = intern("Billing");
        assert!(
            Arc::ptr_eq(&a, &b),
            "the second row's queue is the first row's"
        );
        assert_eq!(&*intern("Sales"), "Sales");
        for i in 0..MAX_NAMES + 10 {
            intern(&format!("agent {i}"));
        }
        assert!(NAMES.with(|n| n.borrow().len()) <= MAX_NAMES);
        assert_eq!(
            &*intern("Billing"),
            "Billing",
            "a cleared set still gives the text"
        );
    }
}
