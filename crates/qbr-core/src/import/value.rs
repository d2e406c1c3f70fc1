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

/// Whether `c` is one of Unicode's bidirectional embedding, override or isolate controls
/// (U+202A–U+202E, U+2066–U+2069): in a name they reorder the text around them when it is shown
/// (an agent called "\u{202e}nimda" reads "admin"), and no export means one.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A name without bidirectional controls ([`is_bidi_control`]), borrowed when it has none.
pub(crate) fn without_bidi_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(is_bidi_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().filter(|&c| !is_bidi_control(c)).collect())
}

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
pub const EXPECT_BOOL: &str = "yes or no: YES/NO, Y/N, TRUE/FALSE or 1/0";

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

/// Parses YES/NO, Y/N, TRUE/FALSE, 1/0 (any case); blank is "not known".
pub fn parse_bool(text: &str) -> Result<Option<bool>, &'static str> {
    if is_missing(text) {
        return Ok(None);
    }
    let t = trim(text);
    let is = |words: &[&str]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
    if is(&["yes", "y", "true", "t", "1", "1.0"]) {
        Ok(Some(true))
    } else if is(&["no", "n", "false", "f", "0", "0.0"]) {
        Ok(Some(false))
    } else {
        Err(EXPECT_BOOL)
    }
}

/// Parses a duration to seconds. `unit` applies to bare numbers only; clock forms (`hh:mm:ss`,
/// `mm:ss`) and lettered forms (`00d 00h 02m 31s`, `2m 31s`) carry their own units.
pub fn parse_duration(text: &str, unit: Option<DurationUnit>) -> Result<Option<f64>, &'static str> {
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
    let v = if t.contains(':') {
        parse_clock(t).ok_or(EXPECT_DURATION)?
    } else if t.chars().any(|c| c.is_ascii_alphabetic()) {
        parse_lettered(t).ok_or(EXPECT_DURATION)?
    } else {
        let n = parse_number(t).map_err(|_| EXPECT_DURATION)?.unwrap_or(0.0);
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

/// Offset-less forms. Slashed dates need `order` unless unambiguous on their own.
fn parse_naive(t: &str, order: Option<DateOrder>) -> Result<Option<NaiveDateTime>, String> {
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
