//! How every figure reads, in the app, the CLI and the PDF pack: one set of rules, defined here.
//!
//! - Percentages: fractions × 100 with one decimal (`77.8%`); a move of a percentage is in
//!   percentage points (`−6.0 pp`).
//! - Durations: seconds as `m:ss` under an hour, hours with one decimal from an hour on (`0:34`,
//!   `59:59`, `10.6 h`): an email answered in ten hours reads as hours, not as a clock time.
//! - Money: the workspace currency's symbol (`$1,234`, `€3.10`, `CHF 1,234`): two decimals below
//!   100, none from 100 on (and none for currencies without minor units).
//! - Negatives carry the true minus sign `−` (U+2212), never a hyphen; moves carry `+` or `−`.
//! - Thousands are grouped with `,`.
//! - Status is a symbol and a word, readable without colour: `✓ On target`, `! Near target`,
//!   `✕ Off target`, `– No target`.
//!
//! - Dates follow the workspace's locale, one of [`LOCALES`] (patterns and names from CLDR, see
//!   `cldr/gen-locales.mjs`): `27 Jul 2026` (en-GB), `Jul 27, 2026` (en-US), `27. Juli 2026`
//!   (de-DE); numeric `27/07/2026`, `07/27/2026`, `27.07.2026`; months on chart axes `Jul 2026`.
//!
//! The rules that are data (units, currencies, signs, words) are [`RULES`]; the app reads them as
//! the generated `ui/src/lib/format-rules.json` and a shared table of examples
//! (`ui/src/lib/format-vectors.json`) proves that its texts equal these.

use serde::Serialize;

/// The true minus sign.
pub const MINUS: &str = "\u{2212}";
/// Shown wherever there is no value.
pub const NONE: &str = "–";

/// How one unit reads.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct UnitRule {
    /// The unit as the wire names it.
    pub unit: &'static str,
    /// Decimals of a value (a count shows one only when it is not whole).
    pub decimals: u8,
    /// Decimals of a move against another period.
    pub change_decimals: u8,
    /// Multiplied before showing (100 for fractions shown as percentages).
    pub scale: f64,
    /// After a value (`%`).
    pub suffix: &'static str,
    /// After a move (` pp`).
    pub change_suffix: &'static str,
    /// A value carries its sign even when positive (NPS `+25.1`).
    pub signed: bool,
    /// Shown as `m:ss`.
    pub clock: bool,
    /// Money: the currency's symbol in front.
    pub money: bool,
    /// A move also shows its relative size (`+1,234 (+5.2%)`).
    pub relative: bool,
}

/// A currency's symbol and whether it has minor units.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CurrencyRule {
    pub code: &'static str,
    /// Written before the amount: `$`, `€`, or `CHF ` (a code ends in a space).
    pub symbol: &'static str,
    /// 2 for cents, 0 for currencies without minor units (JPY, KRW).
    pub minor_decimals: u8,
}

/// The status of a value against its target.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StatusRule {
    /// green, amber, red or none.
    pub status: &'static str,
    pub symbol: &'static str,
    pub word: &'static str,
}

/// How dates read in one locale: patterns whose tokens are `{d}` (day), `{dd}` (day, two
/// digits), `{M}` (month name), `{MM}` (month, two digits), `{y}` (year) and `{E}` (weekday).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LocaleRule {
    /// BCP 47 tag, `en-GB`.
    pub tag: &'static str,
    /// The locale's name in English, `British English`.
    pub name: &'static str,
    /// `27 Jul 2026`.
    pub long: &'static str,
    /// `27/07/2026`.
    pub numeric: &'static str,
    /// A month on a chart axis: `Jul 2026`.
    pub month_year: &'static str,
    /// `27 Jul`.
    pub day_month: &'static str,
    /// `Mon, 27 Jul 2026`.
    pub weekday_long: &'static str,
    /// Abbreviated month names in a date, January first.
    pub months: [&'static str; 12],
    /// Abbreviated month names standing with a year alone (`month_year`).
    pub months_standalone: [&'static str; 12],
    /// Abbreviated month names standing entirely alone (`month_short`, a chart axis): CLDR's
    /// stand-alone form, `Okt` in de-DE where `month_year` writes `Okt. 2025`.
    pub months_alone: [&'static str; 12],
    /// Abbreviated weekday names, Monday first.
    pub weekdays: [&'static str; 7],
}

#[rustfmt::skip]
mod locales;
pub use locales::LOCALES;

/// The default locale of a new workspace and of one made before locales existed.
pub const DEFAULT_LOCALE: &str = "en-GB";

/// Every rule that is data, in one table.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rules {
    pub minus: &'static str,
    pub plus: &'static str,
    pub none: &'static str,
    pub thousands_separator: &'static str,
    pub decimal_separator: &'static str,
    /// Money below this (in absolute value) shows its minor units.
    pub money_small_below: f64,
    /// A duration of at least this many seconds (once rounded to the second) reads in hours.
    pub hours_from_seconds: f64,
    /// After a duration in hours (`10.6 h`).
    pub hours_suffix: &'static str,
    /// Decimals of a duration in hours.
    pub hours_decimals: u8,
    pub units: &'static [UnitRule],
    pub currencies: &'static [CurrencyRule],
    pub statuses: &'static [StatusRule],
    pub locales: &'static [LocaleRule],
}

const fn unit(unit: &'static str, decimals: u8, change_decimals: u8) -> UnitRule {
    UnitRule {
        unit,
        decimals,
        change_decimals,
        scale: 1.0,
        suffix: "",
        change_suffix: "",
        signed: false,
        clock: false,
        money: false,
        relative: false,
    }
}

/// The rules.
pub const RULES: Rules = Rules {
    minus: MINUS,
    plus: "+",
    none: NONE,
    thousands_separator: ",",
    decimal_separator: ".",
    money_small_below: 100.0,
    hours_from_seconds: 3600.0,
    hours_suffix: " h",
    hours_decimals: 1,
    units: &[
        UnitRule {
            relative: true,
            ..unit("count", 0, 0)
        },
        UnitRule {
            scale: 100.0,
            suffix: "%",
            change_suffix: " pp",
            ..unit("ratio", 1, 1)
        },
        UnitRule {
            clock: true,
            ..unit("seconds", 0, 0)
        },
        UnitRule {
            signed: true,
            ..unit("score", 1, 1)
        },
        unit("scale_1_7", 2, 2),
        unit("points", 1, 1),
        UnitRule {
            money: true,
            relative: true,
            ..unit("money", 2, 2)
        },
    ],
    currencies: &[
        CurrencyRule {
            code: "USD",
            symbol: "$",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "EUR",
            symbol: "€",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "GBP",
            symbol: "£",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "JPY",
            symbol: "¥",
            minor_decimals: 0,
        },
        CurrencyRule {
            code: "CNY",
            symbol: "CN¥",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "INR",
            symbol: "₹",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "KRW",
            symbol: "₩",
            minor_decimals: 0,
        },
        CurrencyRule {
            code: "AUD",
            symbol: "A$",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "CAD",
            symbol: "CA$",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "NZD",
            symbol: "NZ$",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "HKD",
            symbol: "HK$",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "SGD",
            symbol: "SGD ",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "MXN",
            symbol: "MX$",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "BRL",
            symbol: "R$",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "PHP",
            symbol: "₱",
            minor_decimals: 2,
        },
        CurrencyRule {
            code: "ILS",
            symbol: "₪",
            minor_decimals: 2,
        },
    ],
    statuses: &[
        StatusRule {
            status: "green",
            symbol: "✓",
            word: "On target",
        },
        StatusRule {
            status: "amber",
            symbol: "!",
            word: "Near target",
        },
        StatusRule {
            status: "red",
            symbol: "✕",
            word: "Off target",
        },
        StatusRule {
            status: "none",
            symbol: "–",
            word: "No target",
        },
    ],
    locales: LOCALES,
};

/// The rule of `unit`; an unknown unit reads like `points` with two decimals.
pub fn unit_rule(unit: &str) -> UnitRule {
    RULES
        .units
        .iter()
        .find(|u| u.unit == unit)
        .copied()
        .unwrap_or(UnitRule {
            unit: "",
            ..self::unit("", 2, 2)
        })
}

/// The symbol written before an amount in `currency` (an ISO 4217 code): `$`, `€`, or the code
/// and a space for currencies without a symbol of their own here (`CHF `). Empty for no currency.
pub fn currency_symbol(currency: &str) -> String {
    let code = currency.trim();
    if code.is_empty() {
        return String::new();
    }
    match RULES
        .currencies
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(code))
    {
        Some(c) => c.symbol.to_string(),
        None => format!("{} ", code.to_ascii_uppercase()),
    }
}

fn minor_decimals(currency: &str) -> u8 {
    RULES
        .currencies
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(currency.trim()))
        .map_or(2, |c| c.minor_decimals)
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    group_digits(&n.to_string())
}

fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(RULES.thousands_separator);
        }
        out.push(ch);
    }
    out
}

/// `v` (not negative) with `decimals` places, rounded half up on its exact value: 4.25 reads
/// 4.3 (Rust's own formatting rounds exact ties to even, 4.2; JavaScript's `toFixed` rounds them
/// up, so the app and the CLI agree only under this rule).
pub fn fixed(v: f64, decimals: usize) -> String {
    // Thirty more digits than kept: a double's exact expansion never has a 5 there followed by
    // 29 zeros and then more digits, so the digit after the last kept one decides.
    let exact = format!("{:.*}", decimals + 30, v.abs());
    let (int, frac) = exact.split_once('.').unwrap_or((exact.as_str(), ""));
    let mut digits: Vec<u8> = int.bytes().chain(frac.bytes().take(decimals)).collect();
    if frac.as_bytes().get(decimals).is_some_and(|&d| d >= b'5') {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - decimals;
    let mut out = String::from_utf8(digits[..split].to_vec()).expect("digits");
    if decimals > 0 {
        out.push('.');
        out.push_str(std::str::from_utf8(&digits[split..]).expect("digits"));
    }
    out
}

fn rounds_to_zero(text: &str) -> bool {
    !text.chars().any(|c| c.is_ascii_digit() && c != '0')
}

/// `v` with `decimals` places and thousands separators; a true minus for negatives that do not
/// round to 0.
pub fn grouped(v: f64, decimals: usize) -> String {
    let text = fixed(v, decimals);
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    if v < 0.0 && !rounds_to_zero(&text) {
        out.push_str(MINUS);
    }
    out.push_str(&group_digits(int));
    if let Some(f) = frac {
        out.push_str(RULES.decimal_separator);
        out.push_str(f);
    }
    out
}

/// Like [`grouped`] with a `+` in front of positive values; what rounds to zero carries no sign.
pub fn signed(v: f64, decimals: usize) -> String {
    let text = grouped(v, decimals);
    if v > 0.0 && !rounds_to_zero(&text) {
        format!("{}{text}", RULES.plus)
    } else {
        text
    }
}

/// Seconds as `m:ss` (rounded to the second) under an hour, and as hours with one decimal from
/// an hour on (`38173` → `10.6 h`, thousands grouped); a true minus.
pub fn clock(seconds: f64) -> String {
    let total = fixed(seconds, 0).parse::<u64>().unwrap_or(u64::MAX);
    let text = if total as f64 >= RULES.hours_from_seconds {
        format!(
            "{}{}",
            grouped(seconds.abs() / 3600.0, RULES.hours_decimals as usize),
            RULES.hours_suffix
        )
    } else {
        format!("{}:{:02}", total / 60, total % 60)
    };
    if seconds < 0.0 && total > 0 {
        format!("{MINUS}{text}")
    } else {
        text
    }
}

/// An amount in `currency`: `$1,234`, `€3.10`, `−£12`.
pub fn money(v: f64, currency: &str) -> String {
    let decimals = if v.abs() < RULES.money_small_below {
        minor_decimals(currency) as usize
    } else {
        0
    };
    let digits = grouped(v.abs(), decimals);
    let sign = if v < 0.0 && !rounds_to_zero(&digits) {
        MINUS
    } else {
        ""
    };
    format!("{sign}{}{digits}", currency_symbol(currency))
}

/// A metric value in its unit (`unit` as the wire names it: count, ratio, seconds, score,
/// scale_1_7, points, money).
pub fn value(unit: &str, v: f64, currency: &str) -> String {
    let r = unit_rule(unit);
    if r.clock {
        return clock(v);
    }
    if r.money {
        return money(v, currency);
    }
    let x = v * r.scale;
    let decimals = if r.unit == "count" && (x - x.round()).abs() >= 1e-9 {
        1
    } else {
        r.decimals as usize
    };
    let text = if r.signed {
        signed(x, decimals)
    } else {
        grouped(x, decimals)
    };
    format!("{text}{}", r.suffix)
}

/// A percentage of a fraction with `decimals` places: `0.052` → `5.2%`.
pub fn percent(fraction: f64, decimals: usize) -> String {
    format!("{}%", grouped(fraction * 100.0, decimals))
}

/// A move against a comparison period: percentage points for ratios (`points` when given, else
/// the fraction × 100), a signed `m:ss` for times, the relative size as well for volumes and
/// money.
pub fn change(
    unit: &str,
    absolute: f64,
    points: Option<f64>,
    relative: Option<f64>,
    currency: &str,
) -> String {
    let r = unit_rule(unit);
    let rel = match (r.relative, relative) {
        (true, Some(x)) => format!(" ({}%)", signed(x * 100.0, 1)),
        _ => String::new(),
    };
    if r.clock {
        let text = clock(absolute);
        return if absolute > 0.0 && clock(absolute) != "0:00" {
            format!("{}{text}", RULES.plus)
        } else {
            text
        };
    }
    if r.money {
        let text = money(absolute, currency);
        let positive = absolute > 0.0 && !rounds_to_zero(&text);
        return format!("{}{text}{rel}", if positive { RULES.plus } else { "" });
    }
    let x = if r.unit == "ratio" {
        points.unwrap_or(absolute * 100.0)
    } else {
        absolute * r.scale
    };
    format!(
        "{}{}{rel}",
        signed(x, r.change_decimals as usize),
        r.change_suffix
    )
}

/// A target as a bound: `≥ 82.0%`, `≤ 0:30`, `75.0%–88.0%` (direction at_least, at_most or band).
pub fn target(unit: &str, direction: &str, v: f64, high: Option<f64>, currency: &str) -> String {
    let show = |x: f64| value(unit, x, currency);
    match direction {
        "at_least" => format!("≥ {}", show(v)),
        "at_most" => format!("≤ {}", show(v)),
        "band" => format!("{}–{}", show(v), show(high.unwrap_or(v))),
        other => format!("{other} {}", show(v)),
    }
}

fn status_rule(status: &str) -> StatusRule {
    let key = if status.is_empty() { "none" } else { status };
    RULES
        .statuses
        .iter()
        .find(|s| s.status == key)
        .copied()
        .unwrap_or(RULES.statuses[3])
}

/// The status word: On target, Near target, Off target, No target.
pub fn status_word(status: &str) -> &'static str {
    status_rule(status).word
}

/// The status symbol: ✓, !, ✕, –.
pub fn status_symbol(status: &str) -> &'static str {
    status_rule(status).symbol
}

/// Symbol and word: `✓ On target`.
pub fn status(status: &str) -> String {
    let r = status_rule(status);
    format!("{} {}", r.symbol, r.word)
}

/// The rule of a supported locale (`tag` matched without regard to case), or `None`.
pub fn locale_rule(tag: &str) -> Option<&'static LocaleRule> {
    LOCALES
        .iter()
        .find(|l| l.tag.eq_ignore_ascii_case(tag.trim()))
}

/// The supported tag `tag` names (`en-us` → `en-US`); an unsupported tag is refused with a
/// message listing the supported ones.
pub fn parse_locale(tag: &str) -> Result<&'static str, String> {
    locale_rule(tag).map(|l| l.tag).ok_or_else(|| {
        let known: Vec<&str> = LOCALES.iter().map(|l| l.tag).collect();
        format!(
            "{tag:?} is not a supported locale; expected one of {}",
            known.join(", ")
        )
    })
}

fn rule_or_default(locale: &str) -> &'static LocaleRule {
    locale_rule(locale).unwrap_or(&LOCALES[0])
}

/// `YYYY-MM-DD` (anything after the tenth character is ignored) as (year, month, day), checked
/// to be a real day.
fn ymd(iso: &str) -> Option<(i32, u32, u32)> {
    let b = iso.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let t = iso.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    (1..=12).contains(&m).then_some(())?;
    (1..=days[m as usize - 1]).contains(&d).then_some(())?;
    Some((y as i32, m, d))
}

/// Monday = 0 (Sakamoto's method on the proleptic Gregorian calendar).
fn weekday(y: i32, m: u32, d: u32) -> usize {
    const T: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if m < 3 { y - 1 } else { y };
    let sunday0 = (y + y / 4 - y / 100 + y / 400 + T[m as usize - 1] + d as i32).rem_euclid(7);
    ((sunday0 + 6) % 7) as usize
}

fn fill(pattern: &str, months: &[&str; 12], rule: &LocaleRule, y: i32, m: u32, d: u32) -> String {
    pattern
        .replace("{dd}", &format!("{d:02}"))
        .replace("{MM}", &format!("{m:02}"))
        .replace("{d}", &d.to_string())
        .replace("{M}", months[m as usize - 1])
        .replace("{y}", &y.to_string())
        .replace("{E}", rule.weekdays[weekday(y, m, d)])
}

fn date_in(iso: &str, locale: &str, form: fn(&LocaleRule) -> &'static str, alone: bool) -> String {
    let r = rule_or_default(locale);
    match ymd(iso) {
        Some((y, m, d)) => fill(
            form(r),
            if alone {
                &r.months_standalone
            } else {
                &r.months
            },
            r,
            y,
            m,
            d,
        ),
        None => iso.to_string(),
    }
}

/// A day (`YYYY-MM-DD`) as `locale` writes it: `27 Jul 2026`, `Jul 27, 2026`, `27. Juli 2026`.
/// An unknown locale reads as the default; text that is not a day is returned as given.
pub fn date_long(iso: &str, locale: &str) -> String {
    date_in(iso, locale, |r| r.long, false)
}

/// A day in digits: `27/07/2026`, `07/27/2026`, `27.07.2026`.
pub fn date_numeric(iso: &str, locale: &str) -> String {
    date_in(iso, locale, |r| r.numeric, false)
}

/// A day without its year: `27 Jul`, `Jul 27`, `27. Juli`.
pub fn day_month(iso: &str, locale: &str) -> String {
    date_in(iso, locale, |r| r.day_month, false)
}

/// A day with its weekday: `Mon, 27 Jul 2026`, `Mon, Jul 27, 2026`, `Mo., 27. Juli 2026`.
pub fn date_weekday(iso: &str, locale: &str) -> String {
    date_in(iso, locale, |r| r.weekday_long, false)
}

/// The month of a day (`YYYY-MM-DD` or `YYYY-MM`) as a chart axis labels it: `Jul 2026`,
/// `Juli 2026`.
pub fn month_year(iso: &str, locale: &str) -> String {
    if iso.len() == 7 {
        return date_in(&format!("{iso}-01"), locale, |r| r.month_year, true);
    }
    date_in(iso, locale, |r| r.month_year, true)
}

/// A month alone, as a chart axis labels it between labels that carry the year: `Jul`, `Juli`,
/// `juil.` (`YYYY-MM-DD` or `YYYY-MM`).
pub fn month_short(iso: &str, locale: &str) -> String {
    let day = if iso.len() == 7 {
        format!("{iso}-01")
    } else {
        iso.to_string()
    };
    match ymd(&day) {
        Some((_, m, _)) => rule_or_default(locale).months_alone[m as usize - 1].to_string(),
        None => iso.to_string(),
    }
}

/// The days from `first` to `last` (`YYYY-MM-DD`), as a week or a run of weeks reads: the year
/// once when both days share it (`27 Jul – 2 Aug 2026`, `Jul 27 – Aug 2, 2026`), each day in
/// full across a year end (`29 Dec 2025 – 4 Jan 2026`), one day alone (`27 Jul 2026`). Text
/// that is not a day is shown as given.
pub fn date_span(first: &str, last: &str, locale: &str) -> String {
    match (ymd(first), ymd(last)) {
        (Some(a), Some(b)) if a == b => date_long(first, locale),
        (Some((ya, _, _)), Some((yb, _, _))) if ya == yb => {
            format!(
                "{} \u{2013} {}",
                day_month(first, locale),
                date_long(last, locale)
            )
        }
        _ => format!(
            "{} \u{2013} {}",
            date_long(first, locale),
            date_long(last, locale)
        ),
    }
}

/// The rule table as JSON, for the app (`ui/src/lib/format-rules.json`).
pub fn rules_json() -> String {
    let mut s = serde_json::to_string_pretty(&RULES).expect("the rules serialise");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests;
