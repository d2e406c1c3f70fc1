//! Cell text to typed values: durations, timestamps, booleans, numbers and the many spellings of
//! "no value". Every parser answers `Ok(None)` for a missing value and `Err(expected)` with a
//! phrase naming what it wanted, which the importer turns into a row-level refusal.
//!
//! Promises: no parser guesses. A clock time that a daylight-saving change skips or repeats is an
//! error naming the zone, and `01/02/2026` is read only once the whole column has said which
//! part is the day (see [`DateOrderProbe`]).

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Utc,
};
use chrono_tz::Tz;

/// The unit a bare number in a duration column is in, usually read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationUnit {
    Millis,
    Seconds,
    Minutes,
    Hours,
    /// Spreadsheet time: a fraction of a day.
    Days,
}

impl DurationUnit {
    fn seconds(self) -> f64 {
        match self {
            DurationUnit::Millis => 0.001,
            DurationUnit::Seconds => 1.0,
            DurationUnit::Minutes => 60.0,
            DurationUnit::Hours => 3600.0,
            DurationUnit::Days => 86_400.0,
        }
    }

    /// Reads back [`DurationUnit::as_str`].
    pub fn parse(s: &str) -> Option<DurationUnit> {
        unit_word(s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DurationUnit::Millis => "ms",
            DurationUnit::Seconds => "s",
            DurationUnit::Minutes => "min",
            DurationUnit::Hours => "h",
            DurationUnit::Days => "d",
        }
    }
}

/// Splits a header such as `wait_ms`, `Talk (sec)` or `Paid hours` into its name and the unit it
/// states, so that `wait_ms` maps to the `wait` field with milliseconds.
pub fn split_unit(header: &str) -> (String, Option<DurationUnit>) {
    let lower = header.trim().to_lowercase();
    // A bracketed unit at the end: "Talk (sec)", "Paid [h]".
    if let Some(open) = lower.rfind(['(', '[']) {
        let inner = lower[open + 1..].trim_end_matches([')', ']']).trim();
        if let Some(unit) = unit_word(inner) {
            return (lower[..open].trim().to_string(), Some(unit));
        }
    }
    for sep in ['_', ' ', '-', '.'] {
        if let Some(pos) = lower.rfind(sep) {
            let (name, word) = (&lower[..pos], &lower[pos + 1..]);
            if name.trim().is_empty() {
                continue;
            }
            // "in seconds" reads as a unit too.
            let name = name.trim().trim_end_matches(" in").trim_end_matches("_in");
            if let Some(unit) = unit_word(word) {
                return (name.trim().to_string(), Some(unit));
            }
        }
    }
    (lower, None)
}

fn unit_word(w: &str) -> Option<DurationUnit> {
    Some(match w.trim() {
        "ms" | "msec" | "millis" | "milliseconds" => DurationUnit::Millis,
        "s" | "sec" | "secs" | "second" | "seconds" => DurationUnit::Seconds,
        "m" | "min" | "mins" | "minute" | "minutes" => DurationUnit::Minutes,
        "h" | "hr" | "hrs" | "hour" | "hours" => DurationUnit::Hours,
        "d" | "day" | "days" => DurationUnit::Days,
        _ => return None,
    })
}

/// `str::trim` with a shortcut for the usual cell, which starts and ends with a visible ASCII
/// character (readers trim already): it runs several times for every cell of a file.
pub(crate) fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (None, _) => text,
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

pub use crate::model::is_bidi_control;
pub(crate) use crate::model::without_bidi_controls;

/// How sources write "no value".
const MARKERS: [&str; 12] = [
    "-",
    "–",
    "—",
    "n/a",
    "na",
    "#n/a",
    "null",
    "nil",
    "none",
    "[none]",
    "[deleted]",
    "nan",
];

/// True for the spellings sources use for "no value here".
pub fn is_missing(text: &str) -> bool {
    let t = trim(text);
    // Runs for every cell: compare without allocating, and only texts short enough to be one
    // and starting as one does (a value, say a number, is told apart by its first byte).
    match t.as_bytes().first() {
        None => true,
        Some(b'-' | 0xE2 | b'n' | b'N' | b'#' | b'[') if t.len() <= 9 => {
            MARKERS.iter().any(|m| t.eq_ignore_ascii_case(m))
        }
        Some(_) => false,
    }
}

/// Text of a dimension member (agent, queue, ...), with placeholders turned into "none".
pub fn parse_text(text: &str) -> Option<String> {
    if is_missing(text) {
        None
    } else {
        Some(trim(text).to_string())
    }
}

pub const EXPECT_DURATION: &str = "a duration: seconds, hh:mm:ss, mm:ss or like 00d 00h 02m 31s";
pub const EXPECT_NUMBER: &str = "a number such as 1234.5, 1,234.5 or 1.234,5";
pub const EXPECT_BOOL: &str = "yes or no: YES/NO, Y/N, TRUE/FALSE, 1/0, SÍ/NO, SIM/NÃO or OUI/NON";

/// Parses a number written with a decimal point or a decimal comma and optional thousands
/// separators (`1,234.5`, `1.234,5`, `1 234,5`, `3,5`). A lone comma followed by exactly three
/// digits is read as a thousands separator, as most exports are.
pub fn parse_number(text: &str) -> Result<Option<f64>, &'static str> {
    if is_missing(text) {
        return Ok(None);
    }
    // The common case, plain digits with at most a decimal point, without allocating.
    let plain = trim(text);
    if let Some(n) = whole_number(plain) {
        return Ok(Some(n));
    }
    if plain.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && plain.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && plain.bytes().filter(|&b| b == b'.').count() <= 1
    {
        match plain.parse::<f64>() {
            Ok(v) if v.is_finite() => return Ok(Some(v)),
            _ => {}
        }
    }
    let mut t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    if let Some(stripped) = t.strip_suffix('%') {
        // A percentage stays in its written scale; callers that want a share divide.
        t = stripped.to_string();
    }
    let commas = t.matches(',').count();
    let dots = t.matches('.').count();
    // A separator used more than once groups thousands, so every group after the first has
    // three digits: `0.02.23` is a clock time, not 223.
    for (sep, n) in [(',', commas), ('.', dots)] {
        if n > 1 && !thousands_groups(&t, sep) {
            return Err(EXPECT_NUMBER);
        }
    }
    let normalised = match (commas, dots) {
        (0, _) if dots <= 1 => t.clone(),
        (0, _) => t.replace('.', ""),
        (_, 0) if commas == 1 => {
            let after = t.len() - t.find(',').unwrap() - 1;
            let before = t.find(',').unwrap();
            if after == 3 && before > 0 && before <= 3 && !t.starts_with("0,") {
                t.replace(',', "")
            } else {
                t.replace(',', ".")
            }
        }
        (_, 0) => t.replace(',', ""),
        _ => {
            // Both present: whichever comes last is the decimal mark.
            if t.rfind(',') > t.rfind('.') {
                t.replace('.', "").replace(',', ".")
            } else {
                t.replace(',', "")
            }
        }
    };
    match normalised.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(EXPECT_NUMBER),
    }
}

/// True when `sep` splits the integer part of `t` into groups of three digits after the first.
fn thousands_groups(t: &str, sep: char) -> bool {
    let int_part = match sep {
        ',' => t.split('.').next().unwrap_or(t),
        _ => t.split(',').next().unwrap_or(t),
    };
    let mut groups = int_part.trim_start_matches('-').split(sep);
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3)
}

/// A share written as a percentage (`76.28%`, `76,28 %`) or a fraction (`0.76`): a value with a
/// percent sign, or above 1, is a percentage. Returns the fraction (0.7628).
pub fn parse_share(text: &str) -> Result<Option<f64>, &'static str> {
    const EXPECT: &str = "a percentage such as 76.3% or a fraction such as 0.763";
    if is_missing(text) {
        return Ok(None);
    }
    let t = trim(text);
    let percent = t.ends_with('%');
    let v = match parse_number(t.trim_end_matches('%').trim()) {
        Ok(Some(v)) => v,
        _ => return Err(EXPECT),
    };
    let share = if percent || v > 1.0 { v / 100.0 } else { v };
    if !(0.0..=1.0).contains(&share) {
        return Err(EXPECT);
    }
    Ok(Some(share))
}

/// Which character marks the decimals of a column's numbers; the other groups thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecimalMark {
    /// `1,234.5`
    Point,
    /// `1.234,5`
    Comma,
}

impl DecimalMark {
    pub fn as_str(self) -> &'static str {
        match self {
            DecimalMark::Point => "point",
            DecimalMark::Comma => "comma",
        }
    }

    fn char(self) -> char {
        match self {
            DecimalMark::Point => '.',
            DecimalMark::Comma => ',',
        }
    }

    fn other(self) -> char {
        match self {
            DecimalMark::Point => ',',
            DecimalMark::Comma => '.',
        }
    }
}

/// What one value says about its column's decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separators {
    /// No `,` or `.` (or not a number at all).
    None,
    /// `3,5`, `12.75`, `1.234,5`, `1,234,567`: only one reading.
    Decides(DecimalMark),
    /// `1,234` or `1.234`: a thousands group or three decimals, the value cannot tell.
    Ambiguous,
}

/// What `text` says about the decimal mark of its column.
pub fn separators(text: &str) -> Separators {
    let t: String = trim(text)
        .trim_end_matches('%')
        .trim_start_matches(['-', '+'])
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
    {
        return Separators::None;
    }
    let (commas, dots) = (t.matches(',').count(), t.matches('.').count());
    match (commas, dots) {
        (0, 0) => Separators::None,
        (c, d) if c > 0 && d > 0 => match t.rfind(',') > t.rfind('.') {
            true => Separators::Decides(DecimalMark::Comma),
            false => Separators::Decides(DecimalMark::Point),
        },
        // The same separator twice groups thousands: the other one is the decimal mark.
        (c, 0) if c > 1 => Separators::Decides(DecimalMark::Point),
        (0, d) if d > 1 => Separators::Decides(DecimalMark::Comma),
        _ => {
            let sep = if commas == 1 { ',' } else { '.' };
            let (before, after) = t.split_once(sep).unwrap_or((&t, ""));
            let decimal = if sep == ',' {
                DecimalMark::Comma
            } else {
                DecimalMark::Point
            };
            if after.len() == 3 && (1..=3).contains(&before.len()) && !before.starts_with('0') {
                Separators::Ambiguous
            } else {
                Separators::Decides(decimal)
            }
        }
    }
}

/// Reads a number whose column uses `mark` for decimals (the other separator groups thousands,
/// in threes); without a mark, as [`parse_number`] guesses.
pub fn parse_number_marked(
    text: &str,
    mark: Option<DecimalMark>,
) -> Result<Option<f64>, &'static str> {
    let Some(mark) = mark else {
        return parse_number(text);
    };
    if is_missing(text) {
        return Ok(None);
    }
    let plain = trim(text);
    if let Some(n) = whole_number(plain) {
        return Ok(Some(n));
    }
    let mut t: String = plain
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    if let Some(stripped) = t.strip_suffix('%') {
        t = stripped.to_string();
    }
    if t.matches(mark.char()).count() > 1
        || (t.contains(mark.other()) && !thousands_groups(&t, mark.other()))
    {
        return Err(EXPECT_NUMBER);
    }
    let normalised = t.replace(mark.other(), "").replace(mark.char(), ".");
    match normalised.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(EXPECT_NUMBER),
    }
}

/// A count: `1,234` and `1.234` are both 1234 whatever the column's mark, since a count is
/// never written with three decimals.
pub fn parse_count_marked(
    text: &str,
    mark: Option<DecimalMark>,
) -> Result<Option<f64>, &'static str> {
    // Most counts are plain digits: only a value with a separator is looked at closely.
    let separated = text.contains([',', '.']);
    let mark = match (mark, separated && separators(text) == Separators::Ambiguous) {
        (None, true) => Some(match trim(text).contains(',') {
            true => DecimalMark::Point,
            false => DecimalMark::Comma,
        }),
        (m, _) => m,
    };
    const EXPECT: &str = "a whole number";
    match parse_number_marked(text, mark) {
        Ok(Some(v)) if v >= 0.0 && (v - v.round()).abs() < 1e-9 => Ok(Some(v.round())),
        Ok(Some(_)) | Err(_) => Err(EXPECT),
        Ok(None) => Ok(None),
    }
}

/// Reads a whole column of numbers and says which decimal mark it uses, as
/// [`DateOrderProbe`] does for dates.
#[derive(Debug, Clone, Default)]
pub struct NumberProbe {
    pub point: u64,
    pub comma: u64,
    pub ambiguous: u64,
    pub example: Option<String>,
}

/// What a column of numbers says about its decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkVerdict {
    NotNeeded,
    Known(DecimalMark),
    /// Every value with a separator could be either: the user must say.
    Ambiguous,
    /// Some values prove a decimal point, others a decimal comma.
    Mixed,
}

impl NumberProbe {
    /// `count`: the column holds counts, whose `1,234` is never ambiguous.
    pub fn feed(&mut self, text: &str, count: bool) {
        match separators(text) {
            Separators::None => {}
            Separators::Decides(DecimalMark::Point) => self.point += 1,
            Separators::Decides(DecimalMark::Comma) => self.comma += 1,
            Separators::Ambiguous if count => {}
            Separators::Ambiguous => {
                self.ambiguous += 1;
                if self.example.is_none() {
                    self.example = Some(trim(text).to_string());
                }
            }
        }
    }

    pub fn verdict(&self) -> MarkVerdict {
        match (self.point, self.comma, self.ambiguous) {
            (0, 0, 0) => MarkVerdict::NotNeeded,
            (0, 0, _) => MarkVerdict::Ambiguous,
            (p, 0, _) if p > 0 => MarkVerdict::Known(DecimalMark::Point),
            (0, c, _) if c > 0 => MarkVerdict::Known(DecimalMark::Comma),
            _ => MarkVerdict::Mixed,
        }
    }
}

/// Plain digits (at most 15, so exactly an `f64`), as `str::parse::<f64>` would read them.
fn whole_number(t: &str) -> Option<f64> {
    if t.is_empty() || t.len() > 15 {
        return None;
    }
    let mut n: u64 = 0;
    for b in t.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n as f64)
}

/// Parses a whole count; `12.0` is accepted, `12.5` is not.
pub fn parse_count(text: &str) -> Result<Option<f64>, &'static str> {
    const EXPECT: &str = "a whole number";
    match parse_number(text) {
        Ok(Some(v)) if v >= 0.0 && (v - v.round()).abs() < 1e-9 => Ok(Some(v.round())),
        Ok(Some(_)) => Err(EXPECT),
        Ok(None) => Ok(None),
        Err(_) => Err(EXPECT),
    }
}

/// Parses YES/NO, Y/N, TRUE/FALSE, 1/0 and the Spanish, Portuguese and French words (Sí/No,
/// Sim/Não, Oui/Non), in any case and with or without accents; blank is "not known".
pub fn parse_bool(text: &str) -> Result<Option<bool>, &'static str> {
    if is_missing(text) {
        return Ok(None);
    }
    let t = trim(text);
    let is = |words: &[&str]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
    if is(&[
        "yes", "y", "true", "t", "1", "1.0", "si", "s", "sim", "oui", "o", "ja",
    ]) {
        return Ok(Some(true));
    }
    if is(&["no", "n", "false", "f", "0", "0.0", "nao", "non", "nein"]) {
        return Ok(Some(false));
    }
    // The accented spellings (Sí, SÍ, Não, NÃO), compared lower-cased.
    match t.to_lowercase().as_str() {
        "sí" => Ok(Some(true)),
        "não" => Ok(Some(false)),
        _ => Err(EXPECT_BOOL),
    }
}

/// Parses a duration to seconds. `unit` applies to bare numbers only; clock forms (`hh:mm:ss`,
/// `mm:ss`) and lettered forms (`00d 00h 02m 31s`, `2m 31s`) carry their own units.
pub fn parse_duration(text: &str, unit: Option<DurationUnit>) -> Result<Option<f64>, &'static str> {
    parse_duration_marked(text, unit, None)
}

/// [`parse_duration`] in a column whose numbers use `mark` for decimals.
pub fn parse_duration_marked(
    text: &str,
    unit: Option<DurationUnit>,
    mark: Option<DecimalMark>,
) -> Result<Option<f64>, &'static str> {
    if is_missing(text) {
        return Ok(None);
    }
    let t = trim(text);
    if let Some(n) = whole_number(t) {
        let v = n * unit.unwrap_or(DurationUnit::Seconds).seconds();
        return if v > MAX_DURATION_S {
            Err(EXPECT_FINITE_DURATION)
        } else {
            Ok(Some(v))
        };
    }
    if let Some(v) = spreadsheet_time(t).or_else(|| dotted_clock(t)) {
        return Ok(Some(v));
    }
    let v = if let Some(v) = twelve_hour_clock(t) {
        v
    } else if t.contains(':') {
        parse_clock(t).ok_or(EXPECT_DURATION)?
    } else if t.chars().any(|c| c.is_ascii_alphabetic()) {
        parse_lettered(t).ok_or(EXPECT_DURATION)?
    } else {
        let n = parse_number_marked(t, mark)
            .map_err(|_| EXPECT_DURATION)?
            .unwrap_or(0.0);
        n * unit.unwrap_or(DurationUnit::Seconds).seconds()
    };
    if v < 0.0 {
        return Err("a duration that is not negative");
    }
    if !v.is_finite() || v > MAX_DURATION_S {
        return Err(EXPECT_FINITE_DURATION);
    }
    Ok(Some(v))
}

/// A spreadsheet time cell read as a date: day 0 of the 1900 system is shown as 1899-12-30 or
/// 1899-12-31 (or 1900-01-00) by the tools that print it, so `1899-12-31 00:02:23` is 143 s.
fn spreadsheet_time(t: &str) -> Option<f64> {
    let rest = ["1899-12-30", "1899-12-31", "1900-01-00"]
        .iter()
        .find_map(|d| t.strip_prefix(d))?;
    let rest = rest.strip_prefix([' ', 'T'])?;
    parse_clock(rest.trim_end_matches('Z'))
}

/// `9.12.58` or `0.02.23`: a clock with dots for colons (a Finnish or Danish locale), told apart
/// from a number by its two-digit minutes and seconds.
fn dotted_clock(t: &str) -> Option<f64> {
    let parts: Vec<&str> = t.split('.').collect();
    match parts.as_slice() {
        [h, m, s]
            if (1..=2).contains(&h.len())
                && m.len() == 2
                && s.len() == 2
                && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            parse_clock(&format!("{h}:{m}:{s}"))
        }
        _ => None,
    }
}

/// A duration a spreadsheet printed as a 12-hour clock: `12:02:23 AM` is 2 min 23 s (12 AM is
/// hour 0), `1:30:00 PM` is 13 h 30 min.
fn twelve_hour_clock(t: &str) -> Option<f64> {
    let (clock, pm) = if let Some(c) = t.strip_suffix("AM").or_else(|| t.strip_suffix("am")) {
        (c, false)
    } else if let Some(c) = t.strip_suffix("PM").or_else(|| t.strip_suffix("pm")) {
        (c, true)
    } else {
        return None;
    };
    let secs = parse_clock(clock.trim())?;
    let hours = (secs / 3600.0).floor();
    if !(1.0..=12.0).contains(&hours) && hours != 0.0 {
        return None;
    }
    let hour = hours % 12.0 + if pm { 12.0 } else { 0.0 };
    Some(secs - hours * 3600.0 + hour * 3600.0)
}

/// A time of day: `9:12:58`, `09:12`, `9.12.58`, `10:00:29 AM`, a spreadsheet day fraction
/// (`0.38400462962963` is 09:12:58) or a spreadsheet time cell printed as `1899-12-30 09:12:58`.
/// Seconds after midnight.
pub fn parse_time_of_day(text: &str) -> Result<Option<f64>, &'static str> {
    const EXPECT: &str =
        "a time of day such as 09:12:58, 9:12, 9.12.58, 10:00 AM or a spreadsheet time (0.384)";
    if is_missing(text) {
        return Ok(None);
    }
    let t = trim(text);
    let secs = if let Some(v) = spreadsheet_time(t).or_else(|| dotted_clock(t)) {
        v
    } else if let Some(v) = twelve_hour_clock(t) {
        v
    } else if t.contains(':') {
        match t.split(':').count() {
            2 => parse_clock(&format!("{t}:00")).ok_or(EXPECT)?,
            _ => parse_clock(t).ok_or(EXPECT)?,
        }
    } else {
        match t.parse::<f64>() {
            // A day fraction, to the nearest second as a spreadsheet shows it.
            Ok(f) if (0.0..1.0).contains(&f) => (f * 86_400.0).round(),
            _ => return Err(EXPECT),
        }
    };
    if !(0.0..86_400.0).contains(&secs) {
        return Err(EXPECT);
    }
    Ok(Some(secs))
}
/// The longest duration any cell may hold (about 31,700 years): a total of paid time over a
/// large program's year fits; `1` followed by 307 zeros, or a clock form that multiplies into
/// infinity, does not.
pub const MAX_DURATION_S: f64 = 1e12;
pub const EXPECT_FINITE_DURATION: &str =
    "a duration of a real length (under 10^12 seconds); this one overflows";

/// `hh:mm:ss`, `h:mm:ss.fff`, `mm:ss`, and `d.hh:mm:ss` as some tools print over a day.
fn parse_clock(t: &str) -> Option<f64> {
    let parts: Vec<&str> = t.split(':').collect();
    let num = |s: &str| -> Option<f64> {
        let s = s.trim().replace(',', ".");
        if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return None;
        }
        s.parse::<f64>().ok()
    };
    match parts.as_slice() {
        [m, s] => {
            let (m, s) = (num(m)?, num(s)?);
            (s < 60.0).then_some(m * 60.0 + s)
        }
        [h, m, s] => {
            let (days, h) = match h.split_once('.') {
                Some((d, h)) => (num(d)?, num(h)?),
                None => (0.0, num(h)?),
            };
            let (m, s) = (num(m)?, num(s)?);
            (m < 60.0 && s < 60.0).then_some(days * 86_400.0 + h * 3600.0 + m * 60.0 + s)
        }
        _ => None,
    }
}

/// `00d 00h 02m 31s`, `2m 31s`, `1h`, `45 sec`.
fn parse_lettered(t: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut seen = false;
    let mut number = String::new();
    let mut word = String::new();
    let flush = |number: &mut String, word: &mut String, total: &mut f64| -> Option<()> {
        if number.is_empty() {
            return if word.is_empty() { Some(()) } else { None };
        }
        let n: f64 = number.replace(',', ".").parse().ok()?;
        let unit = if word.is_empty() {
            DurationUnit::Seconds
        } else {
            unit_word(word)?
        };
        *total += n * unit.seconds();
        number.clear();
        word.clear();
        Some(())
    };
    for c in t.chars() {
        if c.is_ascii_digit() || c == '.' || c == ',' {
            if !word.is_empty() {
                flush(&mut number, &mut word, &mut total)?;
            }
            number.push(c);
            seen = true;
        } else if c.is_alphabetic() {
            word.push(c.to_ascii_lowercase());
        } else if !c.is_whitespace() {
            return None;
        }
    }
    flush(&mut number, &mut word, &mut total)?;
    seen.then_some(total)
}

/// Which part of `01/02/2026` is the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    MonthFirst,
    DayFirst,
}

/// Reads a whole column of slashed dates and says which order it uses. A value like `13/02/2026`
/// proves day-first; `02/13/2026` proves month-first; a column with neither cannot tell.
#[derive(Debug, Clone, Default)]
pub struct DateOrderProbe {
    pub slashed: u64,
    pub day_first_evidence: u64,
    pub month_first_evidence: u64,
    pub example: Option<String>,
}

/// What a column of dates says about its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderVerdict {
    /// No slashed dates: the order does not matter.
    NotNeeded,
    Known(DateOrder),
    /// Every slashed date has both parts ≤ 12: the user must say.
    Ambiguous,
    /// Some values prove one order and some the other.
    Mixed,
}

impl DateOrderProbe {
    pub fn feed(&mut self, text: &str) {
        let Some((a, b)) = slashed_parts(text) else {
            return;
        };
        self.slashed += 1;
        if self.example.is_none() {
            self.example = Some(text.trim().to_string());
        }
        if a > 12 && b <= 12 {
            self.day_first_evidence += 1;
        } else if b > 12 && a <= 12 {
            self.month_first_evidence += 1;
        }
    }

    pub fn verdict(&self) -> OrderVerdict {
        match (
            self.slashed,
            self.day_first_evidence,
            self.month_first_evidence,
        ) {
            (0, _, _) => OrderVerdict::NotNeeded,
            (_, 0, 0) => OrderVerdict::Ambiguous,
            (_, d, 0) if d > 0 => OrderVerdict::Known(DateOrder::DayFirst),
            (_, 0, m) if m > 0 => OrderVerdict::Known(DateOrder::MonthFirst),
            _ => OrderVerdict::Mixed,
        }
    }
}

/// The first two numbers of `aa/bb/yyyy…` (also with `.` or `-` when the year comes last).
fn slashed_parts(text: &str) -> Option<(u32, u32)> {
    let t = trim(text);
    let date = t.split([' ', 'T']).next()?;
    let sep = if date.contains('/') {
        '/'
    } else if date.matches('.').count() == 2 {
        '.'
    } else if date.matches('-').count() == 2 && date.rsplit('-').next()?.len() == 4 {
        '-'
    } else {
        return None;
    };
    let parts: Vec<&str> = date.split(sep).collect();
    if parts.len() != 3 || parts[2].len() != 4 || parts[0].len() > 2 || parts[1].len() > 2 {
        return None;
    }
    Some((parts[0].parse().ok()?, parts[1].parse().ok()?))
}

/// How to read local (offset-less) timestamps.
#[derive(Debug, Clone, Copy)]
pub struct TimeContext {
    /// The zone the source writes clock times in.
    pub zone: Tz,
    /// Needed only for slashed dates.
    pub order: Option<DateOrder>,
}

pub const EXPECT_TIMESTAMP: &str = "a date and time such as 2026-07-01 09:30:00, 2026-07-01T08:30:00Z, 07/01/2026 09:30 or Thu, 27 Oct 2016 14:51:34";

/// Parses a timestamp to a UTC instant. Offset-less times are read in `ctx.zone`.
pub fn parse_timestamp(text: &str, ctx: &TimeContext) -> Result<Option<DateTime<Utc>>, String> {
    if is_missing(text) {
        return Ok(None);
    }
    let t = trim(text);
    if let Some(at) = parse_with_offset(t) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    if let Some(naive) = parse_naive(t, ctx.order)? {
        return localise(naive, ctx.zone).map(Some);
    }
    if let Ok(n) = t.parse::<f64>() {
        if (1.0e9..1.0e10).contains(&n) {
            // Unix seconds (2001..2286).
            return Ok(DateTime::from_timestamp(n.trunc() as i64, 0));
        }
        if (1.0e12..1.0e13).contains(&n) {
            return Ok(DateTime::from_timestamp_millis(n as i64));
        }
        if (1.0..=2_958_465.0).contains(&n) {
            return localise(serial_to_naive(n).ok_or(EXPECT_TIMESTAMP)?, ctx.zone).map(Some);
        }
    }
    Err(EXPECT_TIMESTAMP.to_string())
}

/// A spreadsheet serial date (1900 date system: day 1 is 1900-01-01, with Lotus' phantom
/// 1900-02-29, so serials from 61 on count from 1899-12-30). None for a serial no date can
/// hold (not finite, or beyond chrono's range), never a panic.
pub fn serial_to_naive(serial: f64) -> Option<NaiveDateTime> {
    if !serial.is_finite() {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let serial = if serial < 61.0 { serial + 1.0 } else { serial };
    let ms = (serial * 86_400_000.0).round() as i64;
    base.checked_add_signed(chrono::TimeDelta::try_milliseconds(ms)?)
}

fn parse_with_offset(t: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d);
    }
    // `2021-04-2T15:30:51Z` (Genesys Cloud writes some segment times with a one-digit day):
    // the same instant once the day and month have two digits.
    if let Some(padded) = pad_iso_date(t) {
        return parse_with_offset(&padded);
    }
    let spaced = t.replacen(' ', "T", 1);
    if let Ok(d) = DateTime::parse_from_rfc3339(&spaced) {
        return Some(d);
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f %z",
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%dT%H:%M%z",
        "%a, %d %b %Y %H:%M:%S %z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(t, fmt) {
            return Some(d);
        }
    }
    // "... Z" or "... GMT"/"UTC" spelled out.
    for suffix in ["Z", " GMT", " UTC", " Z"] {
        if let Some(rest) = t.strip_suffix(suffix) {
            if let Ok(Some(n)) = parse_naive(rest.trim_end(), None) {
                return Some(n.and_utc().fixed_offset());
            }
        }
    }
    None
}

/// `2021-4-2T…` or `2021-04-2 …` with two-digit month and day, or `None` when nothing needs
/// padding (or it is not such a date).
fn pad_iso_date(t: &str) -> Option<String> {
    let end = t.find(['T', ' ']).unwrap_or(t.len());
    let (date, rest) = t.split_at(end);
    let parts: Vec<&str> = date.split('-').collect();
    match parts.as_slice() {
        [y, m, d]
            if y.len() == 4
                && (m.len() == 1 || d.len() == 1)
                && m.len() <= 2
                && d.len() <= 2
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            Some(format!("{y}-{m:0>2}-{d:0>2}{rest}"))
        }
        _ => None,
    }
}

/// Offset-less forms. Slashed dates need `order` unless unambiguous on their own.
fn parse_naive(t: &str, order: Option<DateOrder>) -> Result<Option<NaiveDateTime>, String> {
    if let Some(padded) = pad_iso_date(t) {
        return parse_naive(&padded, order);
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%a, %d %b %Y %H:%M:%S",
        "%a %b %d %H:%M:%S %Y",
        "%d %b %Y %H:%M:%S",
        "%d %b %Y %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, fmt) {
            return Ok(Some(d));
        }
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%d %b %Y", "%b %d, %Y", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Ok(Some(d.and_time(NaiveTime::MIN)));
        }
    }
    if let Some((a, b)) = slashed_parts(t) {
        let order = match order {
            Some(o) => o,
            None if a > 12 => DateOrder::DayFirst,
            None if b > 12 => DateOrder::MonthFirst,
            None => {
                return Err(format!(
                    "a date whose day and month can be told apart ({t} could be either; choose month-first or day-first)"
                ))
            }
        };
        let date_part = t.split([' ', 'T']).next().unwrap_or(t);
        let sep = date_part
            .chars()
            .find(|c| matches!(c, '/' | '.' | '-'))
            .unwrap_or('/');
        let rest = t[date_part.len()..].trim();
        let date_fmt = match order {
            DateOrder::MonthFirst => format!("%m{sep}%d{sep}%Y"),
            DateOrder::DayFirst => format!("%d{sep}%m{sep}%Y"),
        };
        let date = NaiveDate::parse_from_str(date_part, &date_fmt).map_err(|_| {
            format!(
                "a real date in {} order",
                if order == DateOrder::DayFirst {
                    "DD/MM/YYYY"
                } else {
                    "MM/DD/YYYY"
                }
            )
        })?;
        if rest.is_empty() {
            return Ok(Some(date.and_time(NaiveTime::MIN)));
        }
        for fmt in ["%H:%M:%S%.f", "%H:%M", "%I:%M:%S %p", "%I:%M %p"] {
            if let Ok(time) = NaiveTime::parse_from_str(rest, fmt) {
                return Ok(Some(date.and_time(time)));
            }
        }
        return Err(EXPECT_TIMESTAMP.to_string());
    }
    Ok(None)
}

/// Places a clock time in `zone`, refusing times a daylight-saving change skips or repeats.
pub fn localise(naive: NaiveDateTime, zone: Tz) -> Result<DateTime<Utc>, String> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(d) => Ok(d.with_timezone(&Utc)),
        LocalResult::None => Err(format!(
            "a clock time that exists in {} ({naive} falls in the hour skipped when clocks go forward)",
            zone.name()
        )),
        LocalResult::Ambiguous(_, _) => Err(format!(
            "a clock time that happens once in {} ({naive} happens twice when clocks go back; export with a UTC offset)",
            zone.name()
        )),
    }
}

/// Parses a month (`2026-07`, `07/2026`, `Jul 2026`, `July 2026`, or any date in the month) to its 1st.
pub fn parse_month(text: &str, ctx: &TimeContext) -> Result<Option<NaiveDate>, String> {
    const EXPECT: &str = "a month such as 2026-07, 07/2026 or Jul 2026";
    if is_missing(text) {
        return Ok(None);
    }
    let t = trim(text);
    let first = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(|| EXPECT.to_string());
    for (fmt, sep) in [("%Y-%m", '-'), ("%m/%Y", '/'), ("%Y/%m", '/')] {
        let parts: Vec<&str> = t.split(sep).collect();
        if parts.len() == 2 {
            let (y, m) = if fmt.starts_with("%Y") {
                (parts[0], parts[1])
            } else {
                (parts[1], parts[0])
            };
            if let (Ok(y), Ok(m)) = (y.parse::<i32>(), m.parse::<u32>()) {
                if y > 1900 {
                    return first(y, m).map(Some);
                }
            }
        }
    }
    for fmt in ["%d %b %Y", "%d %B %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(&format!("01 {t}"), fmt) {
            return Ok(Some(d));
        }
    }
    match parse_timestamp(t, ctx) {
        Ok(Some(at)) => {
            // A bare date means that calendar day wherever it was written: read it back locally.
            let local = at.with_timezone(&ctx.zone).date_naive();
            first(local.year(), local.month()).map(Some)
        }
        Ok(None) => Ok(None),
        Err(_) => Err(EXPECT.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dur(text: &str, unit: Option<DurationUnit>) -> Option<f64> {
        parse_duration(text, unit).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    #[test]
    fn durations_in_every_spelling_land_on_seconds() {
        let cases: &[(&str, Option<DurationUnit>, f64)] = &[
            ("151", None, 151.0),
            ("151", Some(DurationUnit::Seconds), 151.0),
            ("151000", Some(DurationUnit::Millis), 151.0),
            ("2.5", Some(DurationUnit::Minutes), 150.0),
            ("1.5", Some(DurationUnit::Hours), 5400.0),
            ("0.5", Some(DurationUnit::Days), 43_200.0),
            ("00:02:31", None, 151.0),
            ("2:31", None, 151.0),
            ("1:00:00", Some(DurationUnit::Millis), 3600.0),
            ("12.75", None, 12.75),
            ("12,75", None, 12.75),
            ("00d 00h 02m 31s", None, 151.0),
            ("1d 01h 00m 00s", None, 90_000.0),
            ("2m 31s", None, 151.0),
            ("45 sec", None, 45.0),
            ("1.02:00:00", None, 93_600.0),
        ];
        for &(text, unit, want) in cases {
            assert_eq!(
                dur(text, unit),
                Some(want),
                "{text:?} with unit {unit:?} is {want} s"
            );
        }
        for blank in ["", "  ", "-", "N/A", "null", "[None]", "[Deleted]"] {
            assert_eq!(
                dur(blank, None),
                None,
                "{blank:?} is a missing value, not zero"
            );
        }
        for bad in ["abc", "1:75", "12:00:99", "5 parsecs", "-3"] {
            assert!(
                parse_duration(bad, None).is_err(),
                "{bad:?} is not a duration"
            );
        }
    }

    #[test]
    fn header_units_are_split_off() {
        let cases: &[(&str, &str, Option<DurationUnit>)] = &[
            ("wait_ms", "wait", Some(DurationUnit::Millis)),
            ("talk_s", "talk", Some(DurationUnit::Seconds)),
            ("Hold_min", "hold", Some(DurationUnit::Minutes)),
            ("paid_h", "paid", Some(DurationUnit::Hours)),
            ("Talk (sec)", "talk", Some(DurationUnit::Seconds)),
            ("Paid (h)", "paid", Some(DurationUnit::Hours)),
            ("Scheduled (hours)", "scheduled", Some(DurationUnit::Hours)),
            ("Wait in seconds", "wait", Some(DurationUnit::Seconds)),
            ("Queue", "queue", None),
            ("contact_id", "contact_id", None),
        ];
        for &(header, name, unit) in cases {
            assert_eq!(
                split_unit(header),
                (name.to_string(), unit),
                "header {header:?}"
            );
        }
    }

    #[test]
    fn numbers_with_decimal_commas_and_thousands() {
        let cases: &[(&str, f64)] = &[
            ("1234.5", 1234.5),
            ("1,234.5", 1234.5),
            ("1.234,5", 1234.5),
            ("1 234,5", 1234.5),
            ("3,5", 3.5),
            ("1,234", 1234.0),
            ("1,234,567", 1_234_567.0),
            ("1.234.567", 1_234_567.0),
            ("0,125", 0.125),
            ("87%", 87.0),
            ("-12", -12.0),
        ];
        for &(text, want) in cases {
            assert_eq!(parse_number(text).unwrap(), Some(want), "{text:?}");
        }
        assert!(parse_number("twelve").is_err());
        assert_eq!(parse_count("12").unwrap(), Some(12.0));
        assert!(parse_count("12.5").is_err(), "a count cannot be fractional");
    }

    #[test]
    fn every_marker_in_any_case_is_missing_and_values_that_look_close_are_not() {
        for m in MARKERS {
            for spelled in [m.to_string(), m.to_uppercase(), format!(" {m} ")] {
                assert!(is_missing(&spelled), "{spelled:?}");
            }
        }
        for value in [
            "0",
            "-12",
            "nancy",
            "N/A2",
            "#1",
            "[x]",
            "—5",
            "n/a/b/c/d/e",
        ] {
            assert!(!is_missing(value), "{value:?}");
        }
    }

    #[test]
    fn plain_digits_read_as_the_float_parser_reads_them() {
        for text in ["0", "7", "007", "235", "999999999999999", "123456789012345"] {
            assert_eq!(whole_number(text), text.parse::<f64>().ok(), "{text:?}");
            assert_eq!(parse_number(text).unwrap(), text.parse::<f64>().ok());
        }
        // Longer than exact, signed, or not all digits: the general path reads them.
        for text in ["1234567890123456", "-3", "+3", "1.5", "1e3", "", "1 000"] {
            assert_eq!(whole_number(text), None, "{text:?}");
        }
        assert_eq!(
            parse_number("1234567890123456").unwrap(),
            Some(1.234_567_890_123_456e15)
        );
        assert_eq!(dur("90", Some(DurationUnit::Minutes)), Some(5400.0));
        assert_eq!(dur("1500", Some(DurationUnit::Millis)), Some(1.5));
    }

    #[test]
    fn booleans_in_every_spelling() {
        for yes in ["YES", "yes", "Y", "TRUE", "true", "1"] {
            assert_eq!(parse_bool(yes).unwrap(), Some(true), "{yes}");
        }
        for no in ["NO", "n", "FALSE", "0"] {
            assert_eq!(parse_bool(no).unwrap(), Some(false), "{no}");
        }
        assert_eq!(parse_bool("").unwrap(), None, "blank is unknown");
        assert!(parse_bool("maybe").is_err());
    }

    fn ctx(zone: Tz, order: Option<DateOrder>) -> TimeContext {
        TimeContext { zone, order }
    }

    fn ts(text: &str, c: &TimeContext) -> String {
        parse_timestamp(text, c)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"))
            .unwrap()
            .to_rfc3339()
    }

    #[test]
    fn timestamps_in_every_spelling() {
        let ny = ctx(chrono_tz::America::New_York, Some(DateOrder::MonthFirst));
        let cases: &[(&str, &str)] = &[
            ("2026-07-01T08:30:00Z", "2026-07-01T08:30:00+00:00"),
            ("2026-07-01T08:30:00.250Z", "2026-07-01T08:30:00.250+00:00"),
            ("2026-07-01T10:30:00+02:00", "2026-07-01T08:30:00+00:00"),
            ("2026-07-01 10:30:00+0200", "2026-07-01T08:30:00+00:00"),
            // Local times are read in the source zone (New York is UTC−4 in July).
            ("2026-07-01 04:30:00", "2026-07-01T08:30:00+00:00"),
            ("2026-07-01 04:30", "2026-07-01T08:30:00+00:00"),
            ("07/01/2026 04:30:00", "2026-07-01T08:30:00+00:00"),
            ("07/01/2026 4:30 AM", "2026-07-01T08:30:00+00:00"),
            ("Wed, 01 Jul 2026 04:30:00", "2026-07-01T08:30:00+00:00"),
            ("Thu, 27 Oct 2016 14:51:34", "2016-10-27T18:51:34+00:00"),
            ("1782894600", "2026-07-01T08:30:00+00:00"),
            // Spreadsheet serial 46204.1875 = 2026-07-01 04:30 local.
            ("46204.1875", "2026-07-01T08:30:00+00:00"),
        ];
        for &(text, want) in cases {
            assert_eq!(ts(text, &ny), want, "{text:?}");
        }
        let dublin = ctx(chrono_tz::Europe::Dublin, Some(DateOrder::DayFirst));
        assert_eq!(
            ts("01/07/2026 09:30", &dublin),
            "2026-07-01T08:30:00+00:00",
            "day-first: 1 July, Irish summer time is UTC+1"
        );
    }

    #[test]
    fn daylight_saving_gaps_and_overlaps_are_reported_not_guessed() {
        let ny = ctx(chrono_tz::America::New_York, None);
        let gap = parse_timestamp("2026-03-08 02:30:00", &ny).unwrap_err();
        assert!(
            gap.contains("skipped") && gap.contains("America/New_York"),
            "02:30 does not exist on 8 March 2026 in New York: {gap}"
        );
        let twice = parse_timestamp("2026-11-01 01:30:00", &ny).unwrap_err();
        assert!(
            twice.contains("twice"),
            "01:30 happens twice on 1 November 2026 in New York: {twice}"
        );
        // With an offset the instant is exact, so no question arises.
        assert!(parse_timestamp("2026-11-01T01:30:00-05:00", &ny).is_ok());
    }

    #[test]
    fn slashed_dates_need_the_column_to_say_which_part_is_the_day() {
        let mut probe = DateOrderProbe::default();
        for v in ["01/02/2026", "03/04/2026"] {
            probe.feed(v);
        }
        assert_eq!(probe.verdict(), OrderVerdict::Ambiguous, "no value > 12");
        probe.feed("25/04/2026 10:00");
        assert_eq!(
            probe.verdict(),
            OrderVerdict::Known(DateOrder::DayFirst),
            "25 can only be a day"
        );
        probe.feed("04/25/2026");
        assert_eq!(probe.verdict(), OrderVerdict::Mixed);
        let mut iso = DateOrderProbe::default();
        iso.feed("2026-04-01");
        assert_eq!(iso.verdict(), OrderVerdict::NotNeeded);

        let unknown = ctx(Tz::UTC, None);
        let err = parse_timestamp("01/02/2026", &unknown).unwrap_err();
        assert!(err.contains("either"), "ambiguous without a verdict: {err}");
    }

    #[test]
    fn months_in_several_spellings() {
        let c = ctx(Tz::UTC, None);
        let july = NaiveDate::from_ymd_opt(2026, 7, 1);
        for text in ["2026-07", "07/2026", "Jul 2026", "July 2026", "2026-07-15"] {
            assert_eq!(parse_month(text, &c).unwrap(), july, "{text:?}");
        }
    }

    #[test]
    fn yes_and_no_in_spanish_portuguese_and_french() {
        for yes in ["Sí", "SÍ", "si", "Sim", "SIM", "Oui", "oui"] {
            assert_eq!(parse_bool(yes).unwrap(), Some(true), "{yes}");
        }
        for no in ["No", "Não", "NÃO", "nao", "Non", "NON"] {
            assert_eq!(parse_bool(no).unwrap(), Some(false), "{no}");
        }
        assert!(parse_bool("peut-être").is_err());
    }

    #[test]
    fn spreadsheet_and_locale_clock_times_read_as_durations() {
        let cases: &[(&str, f64)] = &[
            // Excel time cells printed as a date on day 0 of the 1900 system (issue #20).
            ("1899-12-31 00:02:23", 143.0),
            ("1899-12-30 00:04:02", 242.0),
            ("1899-12-30T00:00:30", 30.0),
            // Finnish/Danish clocks with dots.
            ("0.02.23", 143.0),
            ("1.00.05", 3605.0),
            // A duration a spreadsheet printed as a 12-hour clock: 12 AM is hour 0.
            ("12:02:23 AM", 143.0),
            ("1:30:00 PM", 48_600.0),
        ];
        for &(text, want) in cases {
            assert_eq!(dur(text, None), Some(want), "{text:?} is {want} s");
        }
        // Dots that are not a clock stay numbers; groups that are not thousands are refused.
        assert_eq!(dur("12.75", None), Some(12.75));
        assert!(parse_number("0.02.23").is_err(), "not thousands groups");
        assert_eq!(parse_number("1.234.567").unwrap(), Some(1_234_567.0));
    }

    #[test]
    fn times_of_day_in_every_spelling() {
        let cases: &[(&str, f64)] = &[
            ("9:12:58", 33_178.0),
            ("09:12", 33_120.0),
            ("9.12.58", 33_178.0),
            ("10:00:29 AM", 36_029.0),
            ("1:00:00 PM", 46_800.0),
            // 0.38400462962963 of a day is 09:12:58 to the second.
            ("0.38400462962963", 33_178.0),
            ("1899-12-30 09:12:58", 33_178.0),
        ];
        for &(text, want) in cases {
            assert_eq!(parse_time_of_day(text).unwrap(), Some(want), "{text:?}");
        }
        assert_eq!(parse_time_of_day("").unwrap(), None);
        for bad in ["25:00:00", "1.5", "noon"] {
            assert!(parse_time_of_day(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn shares_as_percentages_or_fractions() {
        assert_eq!(parse_share("76.28%").unwrap(), Some(0.7628));
        assert_eq!(parse_share("0.76").unwrap(), Some(0.76));
        assert_eq!(parse_share("80").unwrap(), Some(0.8));
        assert_eq!(parse_share("-").unwrap(), None);
        assert!(parse_share("180%").is_err());
    }

    #[test]
    fn iso_dates_with_one_digit_days_are_the_same_instant() {
        let utc = ctx(Tz::UTC, None);
        assert_eq!(
            ts("2021-04-2T15:30:51.418Z", &utc),
            "2021-04-02T15:30:51.418+00:00",
            "Genesys Cloud's segment times"
        );
        assert_eq!(ts("2021-4-02 15:30:51", &utc), "2021-04-02T15:30:51+00:00");
    }

    #[test]
    fn a_value_says_what_it_can_about_its_decimal_mark() {
        use DecimalMark::*;
        let cases: &[(&str, Separators)] = &[
            ("12", Separators::None),
            ("3,5", Separators::Decides(Comma)),
            ("12.75", Separators::Decides(Point)),
            ("0,125", Separators::Decides(Comma)),
            ("1.234,5", Separators::Decides(Comma)),
            ("1,234.5", Separators::Decides(Point)),
            ("1,234,567", Separators::Decides(Point)),
            ("1.234.567", Separators::Decides(Comma)),
            ("1.234", Separators::Ambiguous),
            ("1,234", Separators::Ambiguous),
            ("94.01%", Separators::Decides(Point)),
            ("0:02:14", Separators::None),
        ];
        for (text, want) in cases {
            assert_eq!(separators(text), *want, "{text:?}");
        }
        assert_eq!(
            parse_number_marked("1.234", Some(Comma)).unwrap(),
            Some(1234.0)
        );
        assert_eq!(
            parse_number_marked("1.234", Some(Point)).unwrap(),
            Some(1.234)
        );
        assert_eq!(
            parse_number_marked("1.234,5", Some(Comma)).unwrap(),
            Some(1234.5)
        );
        assert!(
            parse_number_marked("1.5", Some(Comma)).is_err(),
            "1.5 is no thousands group"
        );
        assert!(parse_number_marked("1,2,3", Some(Comma)).is_err());
        assert_eq!(
            parse_count_marked("1,190", None).unwrap(),
            Some(1190.0),
            "a count"
        );
        assert_eq!(
            parse_count_marked("1.190", None).unwrap(),
            Some(1190.0),
            "a count"
        );
        assert_eq!(
            parse_duration_marked("1.234", None, Some(Comma)).unwrap(),
            Some(1234.0),
            "1.234 in a decimal-comma column is 1234 s, never 1.234 s"
        );
        let mut probe = NumberProbe::default();
        probe.feed("1.234", false);
        assert_eq!(probe.verdict(), MarkVerdict::Ambiguous);
        probe.feed("3,5", false);
        assert_eq!(probe.verdict(), MarkVerdict::Known(Comma));
        probe.feed("2.5", false);
        assert_eq!(probe.verdict(), MarkVerdict::Mixed);
        let mut counts = NumberProbe::default();
        counts.feed("1,190", true);
        assert_eq!(
            counts.verdict(),
            MarkVerdict::NotNeeded,
            "a count never asks"
        );
    }

    #[test]
    fn serials_no_date_can_hold_are_none_not_a_panic() {
        // Found by the `values` fuzz target: -2.02e19 days overflowed chrono's milliseconds.
        for serial in [-2.0e19, 1.0e300, f64::NAN, f64::INFINITY] {
            assert_eq!(serial_to_naive(serial), None, "{serial}");
        }
        // Day 1 is 1900-01-01; from 61 on (after the phantom 1900-02-29) days count from 1899-12-30.
        let day = |s: f64| serial_to_naive(s).unwrap().to_string();
        assert_eq!(day(1.0), "1900-01-01 00:00:00");
        assert_eq!(day(61.0), "1900-03-01 00:00:00");
        assert_eq!(day(46204.1875), "2026-07-01 04:30:00");
    }
}
