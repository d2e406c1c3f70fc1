//! Reporting periods: what a user types (`2026-Q3`, `FY27-Q1`, `2026-08`, `2026-W31`, `2026`,
//! `2026-07-01`, `2026-07-01..2026-09-30`), the inclusive date span it stands for, and the periods
//! a review compares it with (the one before, the same one a year earlier).
//!
//! Promises:
//! - Quarters and years follow the workspace's fiscal year start month. A fiscal year is named by
//!   the calendar year in which it ends (start month 4: `FY27` = 2026-04-01..2027-03-31).
//! - Canonical labels: `2026-Q3` / `2026` when the fiscal year starts in January, `FY27-Q1` /
//!   `FY27` otherwise. Parsing accepts either spelling in any letter case.
//! - A calendar-looking quarter (`2026-Q3`) is always the calendar quarter (July–September 2026),
//!   whatever the fiscal start: the text names calendar months unambiguously. When that quarter is
//!   also a fiscal quarter (start month 4, 7 or 10) it is labelled the fiscal way (`FY27-Q2`);
//!   otherwise it keeps its calendar label. Likewise `2026` is always the calendar year.
//! - Nothing here reads the clock: "latest complete quarter" takes `today` from the caller.

use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::error::{Error, Result};

/// The size of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grain {
    Day,
    /// ISO 8601 week, Monday to Sunday.
    Week,
    Month,
    Quarter,
    Year,
    /// Any span of whole days, as `2026-07-01..2026-09-30`.
    Range,
}

impl Grain {
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Year => "year",
            Grain::Range => "range",
        }
    }
}

impl fmt::Display for Grain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A span of whole days, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Period {
    pub start: NaiveDate,
    /// Inclusive: the last day that belongs to the period.
    pub end: NaiveDate,
    pub label: String,
    pub grain: Grain,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

fn err(text: &str, message: impl fmt::Display) -> Error {
    Error::InvalidSetting {
        field: "period".into(),
        message: format!("{text:?} {message}"),
    }
}

const EXPECTED: &str =
    "expected 2026-Q3, FY27-Q1, 2026-08, 2026-W31, 2026, 2026-07-01 or 2026-07-01..2026-09-30";

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn last_of_month(first: NaiveDate) -> NaiveDate {
    (first + Months::new(1))
        .pred_opt()
        .expect("dates stay far from the end of time")
}

fn is_first_of_month(d: NaiveDate) -> bool {
    d.day() == 1
}

fn is_last_of_month(d: NaiveDate) -> bool {
    d.succ_opt().is_some_and(|n| n.day() == 1)
}

fn parse_year(text: &str, digits: &str) -> Result<i32> {
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(
            text,
            format!("does not start with a four-digit year; {EXPECTED}"),
        ));
    }
    let y: i32 = digits.parse().expect("four ASCII digits");
    if !(1900..=9999).contains(&y) {
        return Err(err(text, "has a year outside 1900–9999"));
    }
    Ok(y)
}

fn parse_date(text: &str, part: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(part.trim(), "%Y-%m-%d")
        .ok()
        .filter(|_| part.trim().len() == 10)
        .ok_or_else(|| {
            err(
                text,
                format!("contains {part:?}, which is not a date; expected YYYY-MM-DD such as 2026-07-01"),
            )
        })
}

impl Period {
    /// Parses a period as a user writes it; `fiscal_start_month` is 1–12 (1 = calendar quarters).
    /// Errors say what was expected.
    pub fn parse(text: &str, fiscal_start_month: u32) -> Result<Period> {
        let fsm = check_month(fiscal_start_month)?;
        let t = text.trim();
        if t.is_empty() {
            return Err(err(text, format!("is empty; {EXPECTED}")));
        }
        if let Some((a, b)) = t.split_once("..") {
            let start = parse_date(text, a)?;
            let end = parse_date(text, b)?;
            if end < start {
                return Err(err(
                    text,
                    format!(
                        "ends ({end}) before it starts ({start}); expected the earlier date first"
                    ),
                ));
            }
            return Ok(Period::range(start, end));
        }
        let upper = t.to_ascii_uppercase();
        if let Some(rest) = upper.strip_prefix("FY") {
            let (year_part, quarter_part) = match rest.split_once('-') {
                Some((y, q)) => (y, Some(q)),
                None => (rest, None),
            };
            let fy = match year_part.len() {
                2 if year_part.bytes().all(|b| b.is_ascii_digit()) => {
                    2000 + year_part.parse::<i32>().expect("two digits")
                }
                4 => parse_year(text, year_part)?,
                _ => {
                    return Err(err(
                        text,
                        "has no fiscal year after FY; expected FY27 or FY2027, optionally followed by -Q1 to -Q4",
                    ))
                }
            };
            return match quarter_part {
                None => Ok(Period::fiscal_year(fy, fsm)),
                Some(q) => {
                    let n = parse_quarter_number(text, q)?;
                    Ok(Period::fiscal_quarter(fy, n, fsm))
                }
            };
        }
        let year = parse_year(text, upper.get(..4).unwrap_or(&upper))?;
        let rest = &upper[4..];
        if rest.is_empty() {
            return Ok(Period::calendar_year(year, fsm));
        }
        let Some(rest) = rest.strip_prefix('-') else {
            return Err(err(text, format!("is not a period; {EXPECTED}")));
        };
        if let Some(q) = rest.strip_prefix('Q') {
            let n = parse_quarter_number(text, &format!("Q{q}"))?;
            let start = ymd(year, 3 * (n - 1) + 1, 1).expect("valid quarter start");
            return Ok(Period::quarter_starting(start, fsm));
        }
        if let Some(w) = rest.strip_prefix('W') {
            let week: u32 = w
                .parse()
                .ok()
                .filter(|_| (1..=2).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    err(
                        text,
                        "has no week number after W; expected 2026-W01 to 2026-W53",
                    )
                })?;
            return Period::iso_week(year, week).ok_or_else(|| {
                let weeks = iso_weeks_in_year(year);
                err(
                    text,
                    format!("names week {week}, but {year} has ISO weeks 1 to {weeks}"),
                )
            });
        }
        if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
            let month: u32 = rest.parse().expect("two digits");
            return Period::month(year, month)
                .ok_or_else(|| err(text, "has no such month; expected 01 to 12, as in 2026-08"));
        }
        if rest.len() == 5 {
            let day = parse_date(text, t)?;
            return Ok(Period::day(day));
        }
        Err(err(text, format!("is not a period; {EXPECTED}")))
    }

    pub fn day(d: NaiveDate) -> Period {
        Period {
            start: d,
            end: d,
            label: d.format("%Y-%m-%d").to_string(),
            grain: Grain::Day,
        }
    }

    /// The ISO week `week` of ISO year `year`, or `None` when the year has no such week.
    pub fn iso_week(year: i32, week: u32) -> Option<Period> {
        let start = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)?;
        Some(Period {
            start,
            end: start + Days::new(6),
            label: format!("{year}-W{week:02}"),
            grain: Grain::Week,
        })
    }

    /// The ISO week containing `d`.
    pub fn week_of(d: NaiveDate) -> Period {
        let w = d.iso_week();
        Period::iso_week(w.year(), w.week()).expect("every date lies in an ISO week")
    }

    pub fn month(year: i32, month: u32) -> Option<Period> {
        let start = ymd(year, month, 1)?;
        Some(Period {
            start,
            end: last_of_month(start),
            label: start.format("%Y-%m").to_string(),
            grain: Grain::Month,
        })
    }

    /// The month containing `d`.
    pub fn month_of(d: NaiveDate) -> Period {
        Period::month(d.year(), d.month()).expect("the month of a valid date exists")
    }

    /// Any span of days, labelled `start..end`.
    pub fn range(start: NaiveDate, end: NaiveDate) -> Period {
        Period {
            start,
            end,
            label: format!("{}..{}", start.format("%Y-%m-%d"), end.format("%Y-%m-%d")),
            grain: Grain::Range,
        }
    }

    /// The three months starting on `start` (the 1st of a month), labelled as a fiscal quarter
    /// when it is one, else as a calendar quarter.
    fn quarter_starting(start: NaiveDate, fsm: u32) -> Period {
        let end = last_of_month(start + Months::new(2));
        let aligned_fiscal = (start.month() + 12 - fsm).is_multiple_of(3);
        let label = if aligned_fiscal {
            let (fy, q) = fiscal_position(start, fsm);
            quarter_label(fy, q, fsm)
        } else {
            // Only calendar quarters get here (parsed `2026-Q3` under an odd fiscal start).
            format!("{}-Q{}", start.year(), (start.month() - 1) / 3 + 1)
        };
        Period {
            start,
            end,
            label,
            grain: Grain::Quarter,
        }
    }

    /// Fiscal quarter `q` (1–4) of the fiscal year that ends in calendar year `fy`.
    pub fn fiscal_quarter(fy: i32, q: u32, fiscal_start_month: u32) -> Period {
        let fy_start = fiscal_year_start(fy, fiscal_start_month);
        Period::quarter_starting(fy_start + Months::new(3 * (q - 1)), fiscal_start_month)
    }

    /// The fiscal quarter containing `d`.
    pub fn quarter_of(d: NaiveDate, fiscal_start_month: u32) -> Period {
        let (fy, q) = fiscal_position(d, fiscal_start_month);
        Period::fiscal_quarter(fy, q, fiscal_start_month)
    }

    /// The fiscal year that ends in calendar year `fy`.
    pub fn fiscal_year(fy: i32, fiscal_start_month: u32) -> Period {
        let start = fiscal_year_start(fy, fiscal_start_month);
        let end = (start + Months::new(12)).pred_opt().expect("in range");
        let label = if fiscal_start_month == 1 {
            fy.to_string()
        } else {
            format!("FY{:02}", fy.rem_euclid(100))
        };
        Period {
            start,
            end,
            label,
            grain: Grain::Year,
        }
    }

    /// Calendar year `year`. With a January fiscal start it is also the fiscal year.
    pub fn calendar_year(year: i32, fiscal_start_month: u32) -> Period {
        if fiscal_start_month == 1 {
            return Period::fiscal_year(year, 1);
        }
        let start = ymd(year, 1, 1).expect("valid year");
        Period {
            start,
            end: ymd(year, 12, 31).expect("valid year"),
            label: year.to_string(),
            grain: Grain::Year,
        }
    }

    /// Number of days in the period.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Whether the period is made of whole calendar months.
    pub fn is_whole_months(&self) -> bool {
        is_first_of_month(self.start) && is_last_of_month(self.end)
    }

    /// Length in months, for annualising: whole months when the period is made of them (a quarter
    /// is exactly 3), otherwise days × 12 / 365.25.
    pub fn months(&self) -> f64 {
        if self.is_whole_months() {
            let m = (self.end.year() - self.start.year()) * 12 + self.end.month() as i32
                - self.start.month() as i32
                + 1;
            m as f64
        } else {
            self.days() as f64 * 12.0 / 365.25
        }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    /// The period of the same grain immediately before this one (a range: the same number of
    /// days just before it).
    pub fn previous(&self, fiscal_start_month: u32) -> Period {
        match self.grain {
            Grain::Day => Period::day(self.start.pred_opt().expect("in range")),
            Grain::Week => Period::week_of(self.start - Days::new(7)),
            Grain::Month => Period::month_of(self.start - Months::new(1)),
            Grain::Quarter => {
                Period::quarter_starting(self.start - Months::new(3), fiscal_start_month)
            }
            Grain::Year => self.shift_year(-1, fiscal_start_month),
            Grain::Range => {
                let days = Days::new(self.days() as u64);
                Period::range(self.start - days, self.end - days)
            }
        }
    }

    /// The same period a year earlier. An ISO week 53 maps to week 52 when the earlier year has
    /// none; 29 February maps to 28 February; a range keeps month ends at month ends.
    pub fn year_ago(&self, fiscal_start_month: u32) -> Period {
        match self.grain {
            Grain::Day => Period::day(self.start - Months::new(12)),
            Grain::Week => {
                let w = self.start.iso_week();
                Period::iso_week(w.year() - 1, w.week())
                    .or_else(|| Period::iso_week(w.year() - 1, 52))
                    .expect("every ISO year has week 52")
            }
            Grain::Month => Period::month_of(self.start - Months::new(12)),
            Grain::Quarter => {
                Period::quarter_starting(self.start - Months::new(12), fiscal_start_month)
            }
            Grain::Year => self.shift_year(-1, fiscal_start_month),
            Grain::Range => {
                let start = self.start - Months::new(12);
                let end = if is_last_of_month(self.end) {
                    last_of_month((self.end - Months::new(12)).with_day(1).expect("1st"))
                } else {
                    self.end - Months::new(12)
                };
                Period::range(start, end)
            }
        }
    }

    fn shift_year(&self, by: i32, fsm: u32) -> Period {
        let start = if by < 0 {
            self.start - Months::new(12 * by.unsigned_abs())
        } else {
            self.start + Months::new(12 * by as u32)
        };
        if start.month() == fsm {
            Period::fiscal_year(fiscal_position(start, fsm).0, fsm)
        } else {
            // Only a parsed calendar year (`2026` under a non-January fiscal start) gets here.
            Period::calendar_year(start.year(), fsm)
        }
    }

    /// Splits the period into consecutive buckets of `grain` (day, week or month), clipped to the
    /// period: the first and last bucket may be partial, and then cover only the days inside the
    /// period while keeping their full label (`2026-W27` for 2026-07-01..2026-07-05).
    pub fn buckets(&self, grain: Grain) -> Result<Vec<Period>> {
        let whole = |d: NaiveDate| -> Period {
            match grain {
                Grain::Day => Period::day(d),
                Grain::Week => Period::week_of(d),
                _ => Period::month_of(d),
            }
        };
        if !matches!(grain, Grain::Day | Grain::Week | Grain::Month) {
            return Err(err(
                grain.as_str(),
                "cannot be a series bucket; expected day, week or month",
            ));
        }
        let mut out = Vec::new();
        let mut d = self.start;
        while d <= self.end {
            let mut b = whole(d);
            b.start = b.start.max(self.start);
            b.end = b.end.min(self.end);
            d = b.end.succ_opt().expect("in range");
            out.push(b);
        }
        Ok(out)
    }

    /// The latest fiscal quarter that ended before `today` (a quarter is complete only once its
    /// last day is over, so on 2026-09-30 the latest complete quarter is still 2026-Q2).
    pub fn latest_complete_quarter(today: NaiveDate, fiscal_start_month: u32) -> Period {
        Period::quarter_of(today, fiscal_start_month).previous(fiscal_start_month)
    }
}

fn check_month(m: u32) -> Result<u32> {
    if (1..=12).contains(&m) {
        Ok(m)
    } else {
        Err(Error::InvalidSetting {
            field: "fiscal_year_start_month".into(),
            message: format!("{m} is not a month; expected 1 (January) to 12 (December)"),
        })
    }
}

fn parse_quarter_number(text: &str, q: &str) -> Result<u32> {
    match q {
        "Q1" => Ok(1),
        "Q2" => Ok(2),
        "Q3" => Ok(3),
        "Q4" => Ok(4),
        _ => Err(err(
            text,
            format!("has {q:?} where a quarter Q1 to Q4 was expected"),
        )),
    }
}

/// The first day of the fiscal year ending in calendar year `fy`.
fn fiscal_year_start(fy: i32, fsm: u32) -> NaiveDate {
    if fsm == 1 {
        ymd(fy, 1, 1).expect("valid year")
    } else {
        ymd(fy - 1, fsm, 1).expect("valid month")
    }
}

/// (fiscal year named by the calendar year it ends in, fiscal quarter 1–4) of a date.
fn fiscal_position(d: NaiveDate, fsm: u32) -> (i32, u32) {
    let fy = if fsm == 1 || d.month() < fsm {
        d.year()
    } else {
        d.year() + 1
    };
    let q = ((d.month() + 12 - fsm) % 12) / 3 + 1;
    (fy, q)
}

fn quarter_label(fy: i32, q: u32, fsm: u32) -> String {
    if fsm == 1 {
        format!("{fy}-Q{q}")
    } else {
        format!("FY{:02}-Q{q}", fy.rem_euclid(100))
    }
}

fn iso_weeks_in_year(year: i32) -> u32 {
    // 28 December always lies in the last ISO week of its year.
    ymd(year, 12, 28).expect("valid").iso_week().week()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Parses `text` under fiscal start `fsm` and checks span, label and grain.
    fn check(text: &str, fsm: u32, start: &str, end: &str, label: &str, grain: Grain) {
        let p = Period::parse(text, fsm).unwrap_or_else(|e| panic!("{text} should parse: {e}"));
        assert_eq!(
            (p.start, p.end, p.label.as_str(), p.grain),
            (d(start), d(end), label, grain),
            "{text} with fiscal start {fsm}"
        );
    }

    fn check_err(text: &str, fsm: u32, expected_part: &str) {
        let e = Period::parse(text, fsm).expect_err(text).to_string();
        assert!(
            e.contains(expected_part),
            "error for {text:?} should mention {expected_part:?}: {e}"
        );
    }

    #[test]
    fn calendar_labels_parse_to_their_spans() {
        check(
            "2026-Q3",
            1,
            "2026-07-01",
            "2026-09-30",
            "2026-Q3",
            Grain::Quarter,
        );
        check(
            "2026-q1",
            1,
            "2026-01-01",
            "2026-03-31",
            "2026-Q1",
            Grain::Quarter,
        );
        check(
            "2026-08",
            1,
            "2026-08-01",
            "2026-08-31",
            "2026-08",
            Grain::Month,
        );
        check(
            "2024-02",
            1,
            "2024-02-01",
            "2024-02-29",
            "2024-02",
            Grain::Month,
        );
        check("2026", 1, "2026-01-01", "2026-12-31", "2026", Grain::Year);
        check(
            "2026-07-01",
            1,
            "2026-07-01",
            "2026-07-01",
            "2026-07-01",
            Grain::Day,
        );
        check(
            " 2026-07-01..2026-09-30 ",
            1,
            "2026-07-01",
            "2026-09-30",
            "2026-07-01..2026-09-30",
            Grain::Range,
        );
        // With a January start, FY26 is calendar 2026, and labels use the calendar spelling.
        check(
            "FY26-Q3",
            1,
            "2026-07-01",
            "2026-09-30",
            "2026-Q3",
            Grain::Quarter,
        );
    }

    #[test]
    fn fiscal_quarters_follow_the_start_month() {
        // Start month 4: FY27 runs 2026-04-01..2027-03-31 (named by the year it ends in).
        check(
            "FY27-Q1",
            4,
            "2026-04-01",
            "2026-06-30",
            "FY27-Q1",
            Grain::Quarter,
        );
        check(
            "fy27-q4",
            4,
            "2027-01-01",
            "2027-03-31",
            "FY27-Q4",
            Grain::Quarter,
        );
        check(
            "FY2027-Q2",
            4,
            "2026-07-01",
            "2026-09-30",
            "FY27-Q2",
            Grain::Quarter,
        );
        check("FY27", 4, "2026-04-01", "2027-03-31", "FY27", Grain::Year);
        // Start month 7: FY27 runs 2026-07-01..2027-06-30.
        check(
            "FY27-Q1",
            7,
            "2026-07-01",
            "2026-09-30",
            "FY27-Q1",
            Grain::Quarter,
        );
        check(
            "FY27-Q3",
            7,
            "2027-01-01",
            "2027-03-31",
            "FY27-Q3",
            Grain::Quarter,
        );
        // A calendar quarter under start 4 is also a fiscal quarter and takes the fiscal label.
        check(
            "2026-Q3",
            4,
            "2026-07-01",
            "2026-09-30",
            "FY27-Q2",
            Grain::Quarter,
        );
        check(
            "2026-Q1",
            7,
            "2026-01-01",
            "2026-03-31",
            "FY26-Q3",
            Grain::Quarter,
        );
        // Under start 2 a calendar quarter is no fiscal quarter and keeps its calendar label.
        check(
            "2026-Q3",
            2,
            "2026-07-01",
            "2026-09-30",
            "2026-Q3",
            Grain::Quarter,
        );
        // `2026` stays the calendar year even with a fiscal start.
        check("2026", 4, "2026-01-01", "2026-12-31", "2026", Grain::Year);
    }

    #[test]
    fn iso_weeks_cross_year_ends() {
        // 2026-W01 starts on Monday 2025-12-29, because 2026-01-01 is a Thursday.
        check(
            "2026-W01",
            1,
            "2025-12-29",
            "2026-01-04",
            "2026-W01",
            Grain::Week,
        );
        check(
            "2026-w31",
            1,
            "2026-07-27",
            "2026-08-02",
            "2026-W31",
            Grain::Week,
        );
        // 2020 has 53 ISO weeks; its week 53 ends in January 2021.
        check(
            "2020-W53",
            1,
            "2020-12-28",
            "2021-01-03",
            "2020-W53",
            Grain::Week,
        );
        // 2026 starts on a Thursday and so has a week 53; 2025 does not.
        check(
            "2026-W53",
            1,
            "2026-12-28",
            "2027-01-03",
            "2026-W53",
            Grain::Week,
        );
        check_err("2025-W53", 1, "ISO weeks 1 to 52");
        // The week of 2021-01-01 is 2020-W53, not a week of 2021.
        assert_eq!(Period::week_of(d("2021-01-01")).label, "2020-W53");
        // Previous of 2021-W01 is 2020-W53, across the year end.
        let w = Period::parse("2021-W01", 1).unwrap();
        assert_eq!(w.previous(1).label, "2020-W53");
        // Year-ago of a week 53 falls back to week 52 when the earlier year has no week 53.
        let w53 = Period::parse("2020-W53", 1).unwrap();
        assert_eq!(w53.year_ago(1).label, "2019-W52");
        assert_eq!(w.year_ago(1).label, "2020-W01");
    }

    #[test]
    fn parse_errors_say_what_was_expected() {
        check_err("2026-Q5", 1, "Q1 to Q4");
        check_err("2026-13", 1, "01 to 12");
        check_err("26-Q3", 1, "four-digit year");
        check_err("", 1, "expected 2026-Q3");
        check_err("2026-09-30..2026-07-01", 1, "earlier date first");
        check_err("2026-07-01..soon", 1, "YYYY-MM-DD");
        check_err("2026-02-30", 1, "YYYY-MM-DD");
        check_err("FYQ1", 4, "FY27 or FY2027");
        check_err("2026/Q3", 1, "expected 2026-Q3");
        check_err("2026-Wx", 1, "2026-W01 to 2026-W53");
        assert!(
            Period::parse("2026-Q3", 13).is_err(),
            "13 is no fiscal start month"
        );
    }

    #[test]
    fn previous_and_year_ago_keep_the_grain() {
        let q = Period::parse("2026-Q1", 1).unwrap();
        assert_eq!(q.previous(1).label, "2025-Q4", "QoQ crosses the year end");
        assert_eq!(q.year_ago(1).label, "2025-Q1");
        let fq = Period::parse("FY27-Q1", 4).unwrap();
        assert_eq!(fq.previous(4).label, "FY26-Q4");
        assert_eq!(
            (fq.previous(4).start, fq.previous(4).end),
            (d("2026-01-01"), d("2026-03-31"))
        );
        assert_eq!(fq.year_ago(4).label, "FY26-Q1");
        let m = Period::parse("2026-03", 1).unwrap();
        assert_eq!(m.previous(1).label, "2026-02");
        assert_eq!(m.previous(1).end, d("2026-02-28"));
        assert_eq!(m.year_ago(1).label, "2025-03");
        let day = Period::parse("2024-02-29", 1).unwrap();
        assert_eq!(
            day.year_ago(1).label,
            "2023-02-28",
            "no 29 February in 2023"
        );
        assert_eq!(day.previous(1).label, "2024-02-28");
        let y = Period::parse("FY27", 4).unwrap();
        assert_eq!(y.previous(4).label, "FY26");
        assert_eq!(y.previous(4).start, d("2025-04-01"));
        let cy = Period::parse("2026", 4).unwrap();
        assert_eq!(
            cy.previous(4).label,
            "2025",
            "a calendar year stays calendar"
        );
        assert_eq!(Period::parse("2026", 1).unwrap().previous(1).label, "2025");
        let r = Period::parse("2026-07-01..2026-07-10", 1).unwrap();
        assert_eq!(
            r.previous(1).label,
            "2026-06-21..2026-06-30",
            "ten days before"
        );
        let qr = Period::parse("2024-01-01..2024-02-29", 1).unwrap();
        assert_eq!(
            qr.year_ago(1).label,
            "2023-01-01..2023-02-28",
            "a range ending on a month end keeps ending on one"
        );
    }

    #[test]
    fn months_are_whole_for_calendar_spans() {
        assert_eq!(Period::parse("2026-Q3", 1).unwrap().months(), 3.0);
        assert_eq!(Period::parse("FY27", 4).unwrap().months(), 12.0);
        assert_eq!(
            Period::parse("2026-01-01..2026-06-30", 1).unwrap().months(),
            6.0
        );
        let w = Period::parse("2026-W31", 1).unwrap().months();
        assert!(
            (w - 7.0 * 12.0 / 365.25).abs() < 1e-12,
            "a week is 7/30.44 of a month"
        );
    }

    #[test]
    fn buckets_split_and_clip() {
        let q = Period::parse("2026-Q3", 1).unwrap();
        let months = q.buckets(Grain::Month).unwrap();
        let labels: Vec<_> = months.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2026-07", "2026-08", "2026-09"]);
        let weeks = q.buckets(Grain::Week).unwrap();
        // 2026-07-01 is a Wednesday in 2026-W27; 2026-09-30 is a Wednesday in 2026-W40.
        assert_eq!(weeks.len(), 14);
        assert_eq!(
            (weeks[0].label.as_str(), weeks[0].start, weeks[0].end),
            ("2026-W27", d("2026-07-01"), d("2026-07-05")),
            "the first week is clipped to the quarter"
        );
        assert_eq!(weeks[13].end, d("2026-09-30"));
        let days = q.buckets(Grain::Day).unwrap();
        assert_eq!(days.len(), 92);
        let total: i64 = weeks.iter().map(Period::days).sum();
        assert_eq!(total, 92, "buckets cover every day exactly once");
        assert!(q.buckets(Grain::Quarter).is_err());
    }

    #[test]
    fn latest_complete_quarter_needs_the_last_day_over() {
        let lcq = |today: &str, fsm| Period::latest_complete_quarter(d(today), fsm).label;
        assert_eq!(lcq("2026-10-01", 1), "2026-Q3");
        assert_eq!(lcq("2026-09-30", 1), "2026-Q2", "Q3's last day is not over");
        assert_eq!(lcq("2026-01-15", 1), "2025-Q4");
        assert_eq!(lcq("2026-07-01", 4), "FY27-Q1");
        assert_eq!(lcq("2026-07-01", 7), "FY26-Q4");
    }
}
