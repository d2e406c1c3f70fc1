//! Contract targets: which target applies to a group on a date, the red/amber/green status of a
//! value against it, and the CSV format targets are imported from.
//!
//! Promises:
//! - The target in force is the one effective on the period's last day; the most specific scope
//!   wins (queue > team > channel > site > program > whole account), then the latest
//!   `effective_from`, then the latest entered.
//! - A scoped target applies to a group whose key holds that member, or to a scorecard filtered
//!   to exactly that member.
//! - Status is green when met, amber when missed by no more than tolerance × target, red
//!   otherwise, and none without a target or a value. Boundaries count as met (≥, ≤), with a
//!   tolerance of 1e-9 relative for floating-point noise.
//! - CSV errors name the row (the header is row 1) and the column.

use crate::import::value::DecimalMark;
use std::fmt;

use chrono::NaiveDate;

use crate::error::Error;
use crate::measure::Dimension;
use crate::metrics::GroupKey;
use crate::store::NewTarget;

/// The amber tolerance when none is given: 5% of the target.
pub const DEFAULT_TOLERANCE: f64 = 0.05;

/// How a value must relate to its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetDirection {
    AtLeast,
    AtMost,
    /// Between `value` and `value_high`, both included.
    Band,
}

impl TargetDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetDirection::AtLeast => "at_least",
            TargetDirection::AtMost => "at_most",
            TargetDirection::Band => "band",
        }
    }

    /// Accepts `at_least`, `at least`, `At-Least` and the like.
    pub fn parse(s: &str) -> Option<TargetDirection> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c })
            .collect();
        match norm.as_str() {
            "at_least" => Some(TargetDirection::AtLeast),
            "at_most" => Some(TargetDirection::AtMost),
            "band" => Some(TargetDirection::Band),
            _ => None,
        }
    }
}

/// A stored target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: i64,
    pub metric_id: String,
    /// `None` for the whole account.
    pub scope: Option<(Dimension, String)>,
    pub direction: TargetDirection,
    pub value: f64,
    /// Upper bound of a band.
    pub value_high: Option<f64>,
    /// Amber tolerance as a fraction of the target (0.05 = 5%).
    pub tolerance: f64,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

impl Target {
    pub fn is_effective_on(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|to| day <= to)
    }
}

/// Red / amber / green.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Green,
    Amber,
    Red,
    /// No target, or no value to judge.
    None,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Green => "green",
            Status::Amber => "amber",
            Status::Red => "red",
            Status::None => "none",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How specific a scope is; higher wins.
fn specificity(scope: &Option<(Dimension, String)>) -> u8 {
    match scope {
        None => 0,
        Some((d, _)) => match d {
            Dimension::Program => 1,
            Dimension::Site => 2,
            Dimension::Channel => 3,
            Dimension::Team => 4,
            Dimension::Queue => 5,
            Dimension::Agent => 6,
        },
    }
}

fn applies(t: &Target, key: &GroupKey, filters: &[(Dimension, String)]) -> bool {
    let Some((d, member)) = &t.scope else {
        return true;
    };
    if key.get(*d) == Some(Some(member.as_str())) {
        return true;
    }
    let on_d: Vec<&String> = filters
        .iter()
        .filter(|(fd, _)| fd == d)
        .map(|(_, v)| v)
        .collect();
    !on_d.is_empty() && on_d.iter().all(|v| *v == member)
}

/// The target of `metric_id` in force on `on` for the group `key` of a scorecard filtered by
/// `filters`.
pub fn select_target<'a>(
    targets: &'a [Target],
    metric_id: &str,
    key: &GroupKey,
    filters: &[(Dimension, String)],
    on: NaiveDate,
) -> Option<&'a Target> {
    targets
        .iter()
        .filter(|t| t.metric_id == metric_id && t.is_effective_on(on) && applies(t, key, filters))
        .max_by_key(|t| (specificity(&t.scope), t.effective_from, t.id))
}

/// The status of `value` against `target`.
pub fn status(target: Option<&Target>, value: Option<f64>) -> Status {
    let (Some(t), Some(v)) = (target, value) else {
        return Status::None;
    };
    let eps = |x: f64| 1e-9 * x.abs().max(1.0);
    let slack = |x: f64| t.tolerance * x.abs();
    match t.direction {
        TargetDirection::AtLeast => {
            if v >= t.value - eps(t.value) {
                Status::Green
            } else if v >= t.value - slack(t.value) - eps(t.value) {
                Status::Amber
            } else {
                Status::Red
            }
        }
        TargetDirection::AtMost => {
            if v <= t.value + eps(t.value) {
                Status::Green
            } else if v <= t.value + slack(t.value) + eps(t.value) {
                Status::Amber
            } else {
                Status::Red
            }
        }
        TargetDirection::Band => {
            let (low, high) = (t.value, t.value_high.unwrap_or(t.value));
            if v >= low - eps(low) && v <= high + eps(high) {
                Status::Green
            } else if (v < low && v >= low - slack(low) - eps(low))
                || (v > high && v <= high + slack(high) + eps(high))
            {
                Status::Amber
            } else {
                Status::Red
            }
        }
    }
}

/// Why a target is refused: the column at fault and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetProblem {
    pub column: &'static str,
    pub message: String,
}

/// Checks a target before it is stored; `known_metric` says whether a metric id exists.
pub fn validate_target(
    t: &NewTarget,
    known_metric: &dyn Fn(&str) -> bool,
) -> Result<TargetDirection, TargetProblem> {
    let problem = |column: &'static str, message: String| TargetProblem { column, message };
    if !known_metric(&t.metric_id) {
        return Err(problem(
            "metric",
            format!(
                "unknown metric {:?}; expected a metric id such as service_level, csat or aht",
                t.metric_id
            ),
        ));
    }
    if let Some((d, v)) = &t.scope {
        if *d == Dimension::Agent {
            return Err(problem(
                "scope_dimension",
                "targets are set per program, queue, channel, site or team, not per agent".into(),
            ));
        }
        if v.trim().is_empty() {
            return Err(problem(
                "scope_value",
                format!("a {d} target needs the {d}'s name"),
            ));
        }
    }
    let direction = TargetDirection::parse(&t.direction).ok_or_else(|| {
        problem(
            "direction",
            format!(
                "{:?} is not a direction; expected at_least, at_most or band",
                t.direction
            ),
        )
    })?;
    if !t.value.is_finite() {
        return Err(problem("value", "the target must be a number".into()));
    }
    match (direction, t.value_high) {
        (TargetDirection::Band, None) => {
            return Err(problem(
                "value_high",
                "a band needs its upper bound in value_high".into(),
            ))
        }
        (TargetDirection::Band, Some(h)) if !(h.is_finite() && h >= t.value) => {
            return Err(problem(
                "value_high",
                format!("the upper bound {h} is below the lower bound {}", t.value),
            ))
        }
        (TargetDirection::AtLeast | TargetDirection::AtMost, Some(_)) => {
            return Err(problem(
                "value_high",
                "only a band has an upper bound; leave value_high empty".into(),
            ))
        }
        _ => {}
    }
    if !(0.0..=1.0).contains(&t.tolerance) {
        return Err(problem(
            "tolerance",
            format!(
                "{} is not a tolerance; expected a fraction of the target from 0 to 1, such as 0.05 or 5%",
                t.tolerance
            ),
        ));
    }
    if let Some(to) = t.effective_to {
        if to < t.effective_from {
            return Err(problem(
                "effective_to",
                format!(
                    "the target ends ({to}) before it starts ({}); expected an end on or after the start",
                    t.effective_from
                ),
            ));
        }
    }
    Ok(direction)
}

/// A refused targets CSV: the row (header = row 1), the column, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetCsvError {
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for TargetCsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "row {}, column {c}: {}", self.row, self.message),
            None => write!(f, "row {}: {}", self.row, self.message),
        }
    }
}

impl std::error::Error for TargetCsvError {}

impl From<TargetCsvError> for Error {
    fn from(e: TargetCsvError) -> Error {
        Error::InvalidSetting {
            field: "targets file".into(),
            message: e.to_string(),
        }
    }
}

/// The columns of a targets CSV, in the documented order.
pub const CSV_COLUMNS: [&str; 9] = [
    "metric",
    "scope_dimension",
    "scope_value",
    "direction",
    "value",
    "value_high",
    "tolerance",
    "effective_from",
    "effective_to",
];
const REQUIRED: [&str; 4] = ["metric", "direction", "value", "effective_from"];

/// Splits CSV text into records (RFC 4180: commas, double quotes, `""` escapes, CRLF or LF), each
/// with the row number it starts on.
fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, TargetCsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut row = 1;
    let mut start_row = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    row += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                out.push((start_row, std::mem::take(&mut record)));
                row += 1;
                start_row = row;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(TargetCsvError {
            row: start_row,
            column: None,
            message: "a quoted field is never closed; expected a closing \"".into(),
        });
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        out.push((start_row, record));
    }
    // Blank lines carry no target.
    out.retain(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()));
    Ok(out)
}

/// A target value: `0.8`, `80%`, and in a file whose numbers use decimal commas `0,8` or
/// `80,5 %` (`mark`, decided from the file's numbers).
fn parse_number(s: &str, mark: Option<DecimalMark>) -> Option<f64> {
    let s = s.trim();
    let (digits, percent) = match s.strip_suffix('%') {
        Some(d) => (d.trim(), true),
        None => (s, false),
    };
    let v = match mark {
        None => digits.parse().ok().filter(|v: &f64| v.is_finite())?,
        Some(m) => crate::import::value::parse_number_marked(digits, Some(m)).ok()??,
    };
    Some(if percent { v / 100.0 } else { v })
}

/// Reads a targets file through the importers' reader, so it may be any delimited text an
/// export may be (UTF-8, UTF-16, Shift_JIS…, commas, semicolons, tabs): the columns of
/// [`CSV_COLUMNS`], all rows or none. The file's numbers decide their decimal mark (`0,8` in a
/// semicolon file is 0.8); a file whose numbers cannot tell is refused with the value.
pub fn read_targets_file(
    path: &std::path::Path,
    known_metric: &dyn Fn(&str) -> bool,
) -> crate::error::Result<Vec<NewTarget>> {
    let refused = |message: String| Error::InvalidSetting {
        field: "targets file".into(),
        message,
    };
    let mut tables = crate::import::read::open_tables(path).map_err(|e| refused(e.to_string()))?;
    if tables.is_empty() {
        return Err(refused("the file holds no table".into()));
    }
    let table = tables.swap_remove(0);
    let mut records = vec![(1usize, table.header.clone())];
    let mut probe = crate::import::value::NumberProbe::default();
    let numeric: Vec<usize> = table
        .header
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            ["value", "value_high", "tolerance"].contains(&h.trim().to_ascii_lowercase().as_str())
        })
        .map(|(i, _)| i)
        .collect();
    for row in table.rows {
        let row = row.map_err(|e| refused(e.to_string()))?;
        for &i in &numeric {
            if let Some(v) = row.cells.get(i) {
                probe.feed(v.trim_end_matches('%').trim(), false);
            }
        }
        records.push((row.line as usize, row.cells.to_vec()));
    }
    use crate::import::value::MarkVerdict;
    let mark = match probe.verdict() {
        MarkVerdict::NotNeeded => None,
        MarkVerdict::Known(m) => Some(m),
        MarkVerdict::Ambiguous => {
            return Err(refused(format!(
                "a value such as {:?} reads as thousands or as decimals; write it without a thousands separator",
                probe.example.unwrap_or_default()
            )))
        }
        MarkVerdict::Mixed => {
            return Err(refused(
                "the values mix decimal points and decimal commas".into(),
            ))
        }
    };
    parse_target_records(&records, known_metric, mark).map_err(Error::from)
}

/// Parses a targets CSV with the columns of [`CSV_COLUMNS`] (any order, letter case ignored;
/// `metric`, `direction`, `value` and `effective_from` required). Percentages such as `80%` are
/// read as fractions. The first refused row stops the parse, so a file is taken whole or not at
/// all.
pub fn parse_targets_csv(
    text: &str,
    known_metric: &dyn Fn(&str) -> bool,
) -> Result<Vec<NewTarget>, TargetCsvError> {
    parse_target_records(&csv_records(text)?, known_metric, None)
}

/// [`parse_targets_csv`] over records already split (the header first), numbers read with
/// `mark` when the file decided one.
fn parse_target_records(
    records: &[(usize, Vec<String>)],
    known_metric: &dyn Fn(&str) -> bool,
    mark: Option<DecimalMark>,
) -> Result<Vec<NewTarget>, TargetCsvError> {
    let Some((_, header)) = records.first() else {
        return Err(TargetCsvError {
            row: 1,
            column: None,
            message: format!(
                "the file is empty; expected a header row: {}",
                CSV_COLUMNS.join(",")
            ),
        });
    };
    let mut index: [Option<usize>; 9] = [None; 9];
    for (i, name) in header.iter().enumerate() {
        let n = name.trim().to_ascii_lowercase();
        match CSV_COLUMNS.iter().position(|c| *c == n) {
            Some(c) if index[c].is_none() => index[c] = Some(i),
            Some(_) => {
                return Err(TargetCsvError {
                    row: 1,
                    column: Some(n),
                    message: "the column appears twice".into(),
                })
            }
            None => {
                return Err(TargetCsvError {
                    row: 1,
                    column: Some(name.trim().to_string()),
                    message: format!("unknown column; expected {}", CSV_COLUMNS.join(", ")),
                })
            }
        }
    }
    for r in REQUIRED {
        let c = CSV_COLUMNS.iter().position(|c| *c == r).expect("listed");
        if index[c].is_none() {
            return Err(TargetCsvError {
                row: 1,
                column: Some(r.into()),
                message: "this required column is missing from the header".into(),
            });
        }
    }
    let mut out = Vec::new();
    for (row, rec) in &records[1..] {
        let row = *row;
        let cell = |name: &str| -> &str {
            let c = CSV_COLUMNS.iter().position(|c| *c == name).expect("listed");
            index[c]
                .and_then(|i| rec.get(i))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        let fail = |column: &str, message: String| TargetCsvError {
            row,
            column: Some(column.into()),
            message,
        };
        let number = |column: &str| -> Result<Option<f64>, TargetCsvError> {
            let s = cell(column);
            if s.is_empty() {
                return Ok(None);
            }
            parse_number(s, mark).map(Some).ok_or_else(|| {
                fail(
                    column,
                    format!("{s:?} is not a number; expected e.g. 0.8 or 80%"),
                )
            })
        };
        let date = |column: &str| -> Result<Option<NaiveDate>, TargetCsvError> {
            let s = cell(column);
            if s.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| fail(column, format!("{s:?} is not a date; expected YYYY-MM-DD")))
        };
        if rec.len() > header.len() {
            return Err(TargetCsvError {
                row,
                column: None,
                message: format!(
                    "the row has {} fields but the header has {}",
                    rec.len(),
                    header.len()
                ),
            });
        }
        let metric = cell("metric");
        if metric.is_empty() {
            return Err(fail("metric", "the metric id is empty".into()));
        }
        let scope = match (cell("scope_dimension"), cell("scope_value")) {
            ("", "") => None,
            ("", v) => {
                return Err(fail(
                    "scope_dimension",
                    format!("scope_value {v:?} needs a scope_dimension: program, queue, channel, site or team"),
                ))
            }
            (d, v) => {
                let dim = d.parse::<Dimension>().map_err(|e| fail("scope_dimension", e))?;
                if v.is_empty() {
                    return Err(fail(
                        "scope_value",
                        format!("a {dim} target needs the {dim}'s name"),
                    ));
                }
                Some((dim, v.to_string()))
            }
        };
        let value =
            number("value")?.ok_or_else(|| fail("value", "the target value is empty".into()))?;
        let effective_from = date("effective_from")?.ok_or_else(|| {
            fail(
                "effective_from",
                "the start date is empty; expected YYYY-MM-DD".into(),
            )
        })?;
        let target = NewTarget {
            metric_id: metric.to_string(),
            scope,
            direction: cell("direction").to_string(),
            value,
            value_high: number("value_high")?,
            tolerance: number("tolerance")?.unwrap_or(DEFAULT_TOLERANCE),
            effective_from,
            effective_to: date("effective_to")?,
        };
        let direction =
            validate_target(&target, known_metric).map_err(|p| fail(p.column, p.message))?;
        out.push(NewTarget {
            direction: direction.as_str().into(),
            ..target
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn target(direction: TargetDirection, value: f64, high: Option<f64>) -> Target {
        Target {
            id: 1,
            metric_id: "service_level".into(),
            scope: None,
            direction,
            value,
            value_high: high,
            tolerance: DEFAULT_TOLERANCE,
            effective_from: d("2026-01-01"),
            effective_to: None,
        }
    }

    #[test]
    fn rag_at_least() {
        let t = target(TargetDirection::AtLeast, 0.80, None);
        let s = |v: f64| status(Some(&t), Some(v));
        assert_eq!(s(0.80), Status::Green, "exactly on target is met");
        assert_eq!(
            s(800.0 / 1000.0),
            Status::Green,
            "a computed 0.8 is met too"
        );
        assert_eq!(s(0.7999), Status::Amber, "just below is amber");
        // Amber down to 0.80 − 5% × 0.80 = 0.76, included.
        assert_eq!(
            s(760.0 / 1000.0),
            Status::Amber,
            "the amber edge is included"
        );
        assert_eq!(s(0.7599), Status::Red, "past the tolerance is red");
        assert_eq!(status(Some(&t), None), Status::None, "no value, no status");
        assert_eq!(
            status(None, Some(0.9)),
            Status::None,
            "no target, no status"
        );
    }

    #[test]
    fn rag_at_most_and_band() {
        let asa = target(TargetDirection::AtMost, 30.0, None);
        let s = |v: f64| status(Some(&asa), Some(v));
        assert_eq!(s(30.0), Status::Green);
        assert_eq!(
            s(31.5),
            Status::Amber,
            "30 + 5% × 30 = 31.5 is the amber edge"
        );
        assert_eq!(s(31.51), Status::Red);
        let occ = target(TargetDirection::Band, 0.75, Some(0.88));
        let s = |v: f64| status(Some(&occ), Some(v));
        assert_eq!(s(0.75), Status::Green, "both ends of a band are inside");
        assert_eq!(s(0.88), Status::Green);
        assert_eq!(
            s(0.72),
            Status::Amber,
            "0.75 − 5% × 0.75 = 0.7125 is the lower amber edge"
        );
        assert_eq!(s(0.71), Status::Red);
        assert_eq!(
            s(0.92),
            Status::Amber,
            "0.88 + 5% × 0.88 = 0.924 is the upper amber edge"
        );
        assert_eq!(s(0.93), Status::Red);
        let strict = Target {
            tolerance: 0.0,
            ..target(TargetDirection::AtLeast, 0.80, None)
        };
        assert_eq!(
            status(Some(&strict), Some(0.7999)),
            Status::Red,
            "no tolerance, no amber"
        );
    }

    fn scoped(id: i64, scope: Option<(Dimension, &str)>, from: &str, to: Option<&str>) -> Target {
        Target {
            id,
            scope: scope.map(|(d, v)| (d, v.to_string())),
            effective_from: d(from),
            effective_to: to.map(d),
            ..target(TargetDirection::AtLeast, 0.8, None)
        }
    }

    #[test]
    fn the_most_specific_effective_target_wins() {
        let targets = vec![
            scoped(1, None, "2025-01-01", Some("2026-03-31")),
            scoped(2, None, "2026-04-01", None),
            scoped(3, Some((Dimension::Program, "Billing")), "2025-01-01", None),
            scoped(4, Some((Dimension::Queue, "Payments")), "2025-01-01", None),
            scoped(5, Some((Dimension::Queue, "Payments")), "2027-01-01", None),
        ];
        let key = |parts: &[(Dimension, &str)]| {
            GroupKey(
                parts
                    .iter()
                    .map(|(d, v)| (*d, Some(v.to_string())))
                    .collect(),
            )
        };
        let pick = |k: &GroupKey, filters: &[(Dimension, String)], on: &str| {
            select_target(&targets, "service_level", k, filters, d(on)).map(|t| t.id)
        };
        assert_eq!(
            pick(&GroupKey::default(), &[], "2026-03-31"),
            Some(1),
            "old account target on its last day"
        );
        assert_eq!(
            pick(&GroupKey::default(), &[], "2026-09-30"),
            Some(2),
            "the renewal replaced it"
        );
        let billing = key(&[(Dimension::Program, "Billing")]);
        assert_eq!(
            pick(&billing, &[], "2026-09-30"),
            Some(3),
            "program beats account"
        );
        let payments = key(&[
            (Dimension::Program, "Billing"),
            (Dimension::Queue, "Payments"),
        ]);
        assert_eq!(
            pick(&payments, &[], "2026-09-30"),
            Some(4),
            "queue beats program"
        );
        assert_eq!(
            pick(&payments, &[], "2027-02-01"),
            Some(5),
            "among equally specific targets the later one wins"
        );
        let sales = key(&[(Dimension::Program, "Sales")]);
        assert_eq!(
            pick(&sales, &[], "2026-09-30"),
            Some(2),
            "Billing's target is not Sales'"
        );
        let filtered = [(Dimension::Program, "Billing".to_string())];
        assert_eq!(
            pick(&GroupKey::default(), &filtered, "2026-09-30"),
            Some(3),
            "a scorecard filtered to Billing uses Billing's target"
        );
        let two = [
            (Dimension::Program, "Billing".to_string()),
            (Dimension::Program, "Sales".to_string()),
        ];
        assert_eq!(
            pick(&GroupKey::default(), &two, "2026-09-30"),
            Some(2),
            "Billing's target does not cover Billing + Sales"
        );
        assert_eq!(
            select_target(&targets, "csat", &billing, &[], d("2026-09-30")),
            None,
            "targets are per metric"
        );
    }

    fn known(id: &str) -> bool {
        matches!(id, "service_level" | "occupancy" | "aht")
    }

    #[test]
    fn csv_parses_rows() {
        let text = "metric,scope_dimension,scope_value,direction,value,value_high,tolerance,effective_from,effective_to\r\n\
                    service_level,,,at_least,80%,,,2026-01-01,2026-03-31\r\n\
                    occupancy,program,\"Tech Support, L2\",band,0.75,0.88,0.1,2026-01-01,\r\n\
                    \r\n\
                    aht,queue,Payments,At Most,600,,2%,2026-04-01,\r\n";
        let rows = parse_targets_csv(text, &known).unwrap();
        assert_eq!(rows.len(), 3, "the blank line carries no target");
        assert_eq!(rows[0].value, 0.8, "80% is read as a fraction");
        assert_eq!(
            rows[0].tolerance, DEFAULT_TOLERANCE,
            "an empty tolerance takes the default"
        );
        assert_eq!(rows[0].effective_to, Some(d("2026-03-31")));
        assert_eq!(
            rows[1].scope,
            Some((Dimension::Program, "Tech Support, L2".into())),
            "a quoted comma stays in the value"
        );
        assert_eq!(rows[1].value_high, Some(0.88));
        assert_eq!(rows[2].direction, "at_most", "directions are normalised");
        assert_eq!(rows[2].tolerance, 0.02);
    }

    #[test]
    fn a_targets_file_is_read_like_any_export() {
        // UTF-16 with a BOM, semicolons, decimal commas and a percentage: what a European
        // spreadsheet's "Unicode text" export gives.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("targets.txt");
        let text = "metric;scope_dimension;scope_value;direction;value;value_high;tolerance;effective_from;effective_to\r\n\
                    service_level;program;Facturación;at_least;0,8;;0,05;2026-01-01;\r\n\
                    aht;;;at_most;312,5;;;2026-01-01;2026-12-31\r\n\
                    abandon_rate;;;at_most;7,5%;;;2026-01-01;\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        std::fs::write(&path, bytes).unwrap();
        let known = |id: &str| crate::metrics::MetricId::parse(id).is_some();
        let rows = read_targets_file(&path, &known).unwrap();
        let got: Vec<(&str, f64, f64)> = rows
            .iter()
            .map(|r| (r.metric_id.as_str(), r.value, r.tolerance))
            .collect();
        assert_eq!(
            got,
            [
                ("service_level", 0.8, 0.05),
                ("aht", 312.5, DEFAULT_TOLERANCE),
                ("abandon_rate", 0.075, DEFAULT_TOLERANCE)
            ]
        );
        assert_eq!(
            rows[0].scope,
            Some((Dimension::Program, "Facturación".to_string()))
        );
        // A bad row is named with its line, as before.
        std::fs::write(
            &path,
            "metric;direction;value;effective_from\nservice_level;at_least;0,8;2026-01-01\nservice_level;above;0,8;2026-01-01\n",
        )
        .unwrap();
        let e = read_targets_file(&path, &known).unwrap_err().to_string();
        assert!(e.contains("row 3") && e.contains("direction"), "{e}");
    }

    fn csv_err(body: &str) -> TargetCsvError {
        let text = format!("metric,scope_dimension,scope_value,direction,value,value_high,tolerance,effective_from,effective_to\n{body}");
        parse_targets_csv(&text, &known).expect_err(body)
    }

    #[test]
    fn csv_errors_name_row_and_column() {
        let e = csv_err(
            "service_level,,,at_least,0.8,,,2026-01-01,\nsla,,,at_least,0.8,,,2026-01-01,\n",
        );
        assert_eq!((e.row, e.column.as_deref()), (3, Some("metric")), "{e}");
        assert!(
            e.to_string()
                .starts_with("row 3, column metric: unknown metric \"sla\""),
            "{e}"
        );
        let e = csv_err("service_level,,,above,0.8,,,2026-01-01,\n");
        assert_eq!(e.column.as_deref(), Some("direction"));
        assert!(e.message.contains("at_least, at_most or band"), "{e}");
        let e = csv_err("service_level,,,at_least,eighty,,,2026-01-01,\n");
        assert_eq!(e.column.as_deref(), Some("value"));
        let e = csv_err("occupancy,,,band,0.75,,,2026-01-01,\n");
        assert_eq!(
            e.column.as_deref(),
            Some("value_high"),
            "a band needs an upper bound"
        );
        let e = csv_err("service_level,,,at_least,0.8,,,01/07/2026,\n");
        assert_eq!(e.column.as_deref(), Some("effective_from"));
        assert!(e.message.contains("YYYY-MM-DD"));
        let e = csv_err("service_level,region,West,at_least,0.8,,,2026-01-01,\n");
        assert_eq!(e.column.as_deref(), Some("scope_dimension"));
        let e = csv_err("service_level,program,,at_least,0.8,,,2026-01-01,\n");
        assert_eq!(e.column.as_deref(), Some("scope_value"));
        let e = csv_err("service_level,,,at_least,0.8,,,2026-04-01,2026-03-31\n");
        assert_eq!(
            e.column.as_deref(),
            Some("effective_to"),
            "ends before it starts"
        );
        let e = csv_err("service_level,,,at_least,0.8,,2,2026-01-01,\n");
        assert_eq!(
            e.column.as_deref(),
            Some("tolerance"),
            "a 200% tolerance is a typo"
        );
        let e = parse_targets_csv("metric,value,direction\n", &known).unwrap_err();
        assert_eq!((e.row, e.column.as_deref()), (1, Some("effective_from")));
        let e = parse_targets_csv("metric,colour\n", &known).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("colour"));
        let e = parse_targets_csv("", &known).unwrap_err();
        assert!(e.message.contains("header"), "{e}");
        let e = csv_err("\"service_level,,,at_least,0.8,,,2026-01-01,\n");
        assert!(e.message.contains("never closed"), "{e}");
    }
}
