//! Formulas over base measures, shared by the built-in catalog and by custom metrics, and the
//! parser for the formulas users write (`a / b`, `a + b - c`, `(a + b) / c`).
//!
//! Promises:
//! - A formula is always a ratio of sums (or a plain sum): there is no way to write an average
//!   of averages.
//! - Parse errors name the 1-based character position and what was expected there.
//! - The printed form (`Σa / (Σb − Σc)`) is what the pack's appendix shows.

use std::fmt;

use crate::error::{Error, Result};
use crate::measure::Measure;
use crate::metrics::id::MetricId;
use crate::metrics::{Direction, Unit};

/// One signed measure of a sum. Stocks (headcount, fte) enter as their mean over the months of
/// the scope; every other measure as its sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub measure: Measure,
    pub negative: bool,
}

impl Term {
    pub const fn plus(measure: Measure) -> Term {
        Term {
            measure,
            negative: false,
        }
    }

    pub const fn minus(measure: Measure) -> Term {
        Term {
            measure,
            negative: true,
        }
    }
}

/// A factor applied after the division.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    One,
    /// × 100 (NPS is a score, not a fraction).
    Hundred,
    /// × 12 / months in the scope (annualised attrition).
    Annualised,
}

/// `scale × Σnumerator / Σdenominator`, or a plain sum when there is no denominator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    pub numerator: Vec<Term>,
    pub denominator: Option<Vec<Term>>,
    pub scale: Scale,
}

impl Formula {
    pub fn ratio(numerator: &[Term], denominator: &[Term]) -> Formula {
        Formula {
            numerator: numerator.to_vec(),
            denominator: Some(denominator.to_vec()),
            scale: Scale::One,
        }
    }

    pub fn sum(terms: &[Term]) -> Formula {
        Formula {
            numerator: terms.to_vec(),
            denominator: None,
            scale: Scale::One,
        }
    }

    pub fn scaled(mut self, scale: Scale) -> Formula {
        self.scale = scale;
        self
    }

    /// Every measure the formula reads, numerator first.
    pub fn measures(&self) -> impl Iterator<Item = Measure> + '_ {
        self.numerator
            .iter()
            .chain(self.denominator.iter().flatten())
            .map(|t| t.measure)
    }

    /// The printable form, as shown in the pack: `Σanswered_in_threshold / (Σoffered − Σshort_abandoned)`.
    pub fn text(&self) -> String {
        self.render(
            |t| {
                if t.measure.is_stock() {
                    format!("mean({})", t.measure.as_str())
                } else {
                    format!("Σ{}", t.measure.as_str())
                }
            },
            "/",
            " × 12 / months in period",
        )
    }

    /// The formula in words, for a person rather than a column list: `contacts answered within
    /// the threshold ÷ (contacts offered − short abandons)`. Sums are implied; a stock reads
    /// "average headcount".
    pub fn words(&self) -> String {
        self.render(
            |t| {
                if t.measure.is_stock() {
                    format!("average {}", t.measure.words())
                } else {
                    t.measure.words().to_string()
                }
            },
            "÷",
            ", annualised",
        )
    }

    /// Both forms: each side's terms as `term` writes them joined by signs (bracketed when a
    /// ratio's side has more than one), the sides by `divide`, then the scale.
    fn render(&self, term: impl Fn(&Term) -> String, divide: &str, annualised: &str) -> String {
        let side = |terms: &[Term], bracket: bool| -> String {
            let mut s = String::new();
            for (i, t) in terms.iter().enumerate() {
                if i > 0 {
                    s.push_str(if t.negative { " − " } else { " + " });
                } else if t.negative {
                    s.push('−');
                }
                s.push_str(&term(t));
            }
            if bracket && terms.len() > 1 {
                format!("({s})")
            } else {
                s
            }
        };
        let ratio = self.denominator.is_some();
        let mut out = side(&self.numerator, ratio);
        if let Some(den) = &self.denominator {
            out = format!("{out} {divide} {}", side(den, true));
        }
        match self.scale {
            Scale::One => out,
            Scale::Hundred => format!("100 × {out}"),
            Scale::Annualised => format!("{out}{annualised}"),
        }
    }

    /// Parses a user formula. See the module documentation for the grammar.
    pub fn parse(text: &str) -> std::result::Result<Formula, FormulaError> {
        Parser::new(text)?.formula()
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// Why a formula was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormulaError {
    /// 1-based character position.
    pub position: usize,
    pub message: String,
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at position {}: {}", self.position, self.message)
    }
}

impl std::error::Error for FormulaError {}

impl From<FormulaError> for Error {
    fn from(e: FormulaError) -> Error {
        Error::InvalidSetting {
            field: "formula".into(),
            message: e.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Plus,
    Minus,
    Slash,
    Open,
    Close,
    Number(String),
    Other(char),
    End,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Name(n) => format!("{n:?}"),
            Tok::Plus => "\"+\"".into(),
            Tok::Minus => "\"-\"".into(),
            Tok::Slash => "\"/\"".into(),
            Tok::Open => "\"(\"".into(),
            Tok::Close => "\")\"".into(),
            Tok::Number(n) => format!("the number {n}"),
            Tok::Other(c) => format!("{c:?}"),
            Tok::End => "the end of the formula".into(),
        }
    }
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
}

fn fail<T>(position: usize, message: impl Into<String>) -> std::result::Result<T, FormulaError> {
    Err(FormulaError {
        position,
        message: message.into(),
    })
}

impl Parser {
    fn new(text: &str) -> std::result::Result<Parser, FormulaError> {
        let chars: Vec<char> = text.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let pos = i + 1;
            match c {
                c if c.is_whitespace() => i += 1,
                // The printed form uses Σ and the minus sign; accept both so a formula can be
                // copied back from the pack.
                'Σ' => i += 1,
                '+' => {
                    toks.push((Tok::Plus, pos));
                    i += 1;
                }
                '-' | '−' => {
                    toks.push((Tok::Minus, pos));
                    i += 1;
                }
                '/' => {
                    toks.push((Tok::Slash, pos));
                    i += 1;
                }
                '(' => {
                    toks.push((Tok::Open, pos));
                    i += 1;
                }
                ')' => {
                    toks.push((Tok::Close, pos));
                    i += 1;
                }
                c if c.is_ascii_alphabetic() || c == '_' => {
                    let start = i;
                    while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                    toks.push((Tok::Name(chars[start..i].iter().collect()), pos));
                }
                c if c.is_ascii_digit() || c == '.' => {
                    let start = i;
                    while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                        i += 1;
                    }
                    toks.push((Tok::Number(chars[start..i].iter().collect()), pos));
                }
                other => {
                    toks.push((Tok::Other(other), pos));
                    i += 1;
                }
            }
        }
        toks.push((Tok::End, chars.len() + 1));
        Ok(Parser { toks, at: 0 })
    }

    fn peek(&self) -> &(Tok, usize) {
        &self.toks[self.at]
    }

    fn next(&mut self) -> (Tok, usize) {
        let t = self.toks[self.at].clone();
        if self.at + 1 < self.toks.len() {
            self.at += 1;
        }
        t
    }

    fn formula(&mut self) -> std::result::Result<Formula, FormulaError> {
        if self.toks.len() == 1 {
            return fail(
                1,
                "the formula is empty; expected measures joined by + and -, optionally divided, as in (a + b) / c",
            );
        }
        let numerator = self.side()?;
        let denominator = match self.peek().clone() {
            (Tok::Slash, _) => {
                self.next();
                Some(self.side()?)
            }
            _ => None,
        };
        match self.next() {
            (Tok::End, _) => Ok(Formula {
                numerator,
                denominator,
                scale: Scale::One,
            }),
            (Tok::Slash, pos) => fail(
                pos,
                "only one \"/\" is allowed: a formula is one sum divided by another",
            ),
            (tok, pos) => fail(
                pos,
                format!(
                    "expected \"+\", \"-\", \"/\" or the end of the formula, found {}",
                    tok.describe()
                ),
            ),
        }
    }

    /// A sum, optionally wrapped in one pair of parentheses.
    fn side(&mut self) -> std::result::Result<Vec<Term>, FormulaError> {
        if let (Tok::Open, open_pos) = self.peek().clone() {
            self.next();
            let terms = self.terms()?;
            return match self.next() {
                (Tok::Close, _) => Ok(terms),
                (Tok::Open, pos) => fail(pos, "parentheses cannot be nested"),
                (tok, pos) => fail(
                    pos,
                    format!(
                        "expected \"+\", \"-\" or \")\" to close the \"(\" at position {open_pos}, found {}",
                        tok.describe()
                    ),
                ),
            };
        }
        self.terms()
    }

    fn terms(&mut self) -> std::result::Result<Vec<Term>, FormulaError> {
        let mut terms = vec![Term::plus(self.measure()?)];
        loop {
            let negative = match self.peek().0 {
                Tok::Plus => false,
                Tok::Minus => true,
                _ => return Ok(terms),
            };
            self.next();
            terms.push(Term {
                measure: self.measure()?,
                negative,
            });
        }
    }

    fn measure(&mut self) -> std::result::Result<Measure, FormulaError> {
        match self.next() {
            (Tok::Name(name), pos) if name == "mean" && self.peek().0 == Tok::Open => {
                // `mean(headcount)`, as printed for stocks; stocks are averaged anyway.
                self.next();
                let m = self.measure()?;
                if !m.is_stock() {
                    return fail(
                        pos,
                        format!(
                            "mean() applies only to headcount and fte, not {}",
                            m.as_str()
                        ),
                    );
                }
                match self.next() {
                    (Tok::Close, _) => Ok(m),
                    (tok, at) => fail(
                        at,
                        format!(
                            "expected \")\" after mean({}, found {}",
                            m.as_str(),
                            tok.describe()
                        ),
                    ),
                }
            }
            (Tok::Name(name), pos) => name.parse::<Measure>().or_else(|_| {
                let hint = match closest_measure(&name) {
                    Some(m) => format!("did you mean {}?", m.as_str()),
                    None => {
                        "expected a base measure such as offered, handled or csat_responses".into()
                    }
                };
                fail(pos, format!("unknown measure {name:?}; {hint}"))
            }),
            (Tok::Number(n), pos) => fail(
                pos,
                format!(
                    "found the number {n}, but formulas hold only measure names (no constants)"
                ),
            ),
            (Tok::Open, pos) => fail(pos, "parentheses cannot be nested"),
            (tok, pos) => fail(
                pos,
                format!(
                    "expected a measure name such as offered, found {}",
                    tok.describe()
                ),
            ),
        }
    }
}

/// The measure within two edits of `name`, if there is one.
fn closest_measure(name: &str) -> Option<Measure> {
    let name = name.to_ascii_lowercase();
    if let Ok(m) = name.parse::<Measure>() {
        return Some(m);
    }
    Measure::ALL
        .iter()
        .copied()
        .map(|m| (edit_distance(&name, m.as_str()), m))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, m)| m)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A metric a workspace defines for itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomMetric {
    /// Lower-case letters, digits and `_`, starting with a letter; unique among all metrics.
    pub id: String,
    pub name: String,
    /// As the user wrote it; parsed with [`Formula::parse`].
    pub formula: String,
    pub unit: Unit,
    pub direction: Direction,
}

impl CustomMetric {
    /// Checks the id, the name and the formula; returns the parsed formula.
    pub fn validate(&self) -> Result<Formula> {
        let invalid = |field: &str, message: String| Error::InvalidSetting {
            field: field.into(),
            message,
        };
        let id_ok = self.id.len() <= 64
            && self.id.starts_with(|c: char| c.is_ascii_lowercase())
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !id_ok {
            return Err(invalid(
                "metric id",
                format!(
                    "{:?} is not a metric id; expected lower-case letters, digits and _, starting with a letter, as in calls_per_agent",
                    self.id
                ),
            ));
        }
        if MetricId::parse(&self.id).is_some() {
            return Err(invalid(
                "metric id",
                format!("{:?} is a built-in metric; choose another id", self.id),
            ));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 100 {
            return Err(invalid(
                "metric name",
                "the name must have 1 to 100 characters".into(),
            ));
        }
        Ok(Formula::parse(&self.formula)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, printed: &str) {
        let f = Formula::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"));
        assert_eq!(f.text(), printed, "{text:?}");
        assert_eq!(
            Formula::parse(&f.text()).unwrap(),
            f,
            "the printed form parses back to the same formula"
        );
    }

    fn check_err(text: &str, position: usize, message_part: &str) {
        let e = Formula::parse(text).expect_err(text);
        assert_eq!(e.position, position, "{text:?}: {e}");
        assert!(
            e.message.contains(message_part),
            "{text:?}: {e} should mention {message_part:?}"
        );
    }

    #[test]
    fn formulas_read_in_words() {
        // What a tooltip says instead of column names: sums implied, stocks averaged.
        let f = Formula::parse("answered_in_threshold / (offered - short_abandoned)").unwrap();
        assert_eq!(
            f.words(),
            "contacts answered within the threshold ÷ (contacts offered − short abandons)"
        );
        let f = Formula::parse("leavers / headcount").unwrap();
        assert_eq!(f.words(), "leavers ÷ average headcount");
        let f = Formula::parse("handle_s / handled").unwrap();
        assert_eq!(f.words(), "handle time ÷ contacts handled");
    }

    #[test]
    fn accepted_shapes() {
        check("transferred / handled", "Σtransferred / Σhandled");
        check("talk_s + hold_s - wrap_s", "Σtalk_s + Σhold_s − Σwrap_s");
        check(
            "(abandoned + transferred) / offered",
            "(Σabandoned + Σtransferred) / Σoffered",
        );
        check(
            "revenue/(cost+investment)",
            "Σrevenue / (Σcost + Σinvestment)",
        );
        check("handled / headcount", "Σhandled / mean(headcount)");
        check("Σoffered − Σhandled", "Σoffered − Σhandled");
        check("revenue / mean(fte)", "Σrevenue / mean(fte)");
    }

    #[test]
    fn errors_name_the_position() {
        check_err("", 1, "empty");
        check_err("ofered / handled", 1, "did you mean offered?");
        check_err("handled / nonsense_measure", 11, "unknown measure");
        check_err("handled * 2", 9, "expected \"+\", \"-\", \"/\"");
        check_err("handled / offered / cost", 19, "only one \"/\"");
        check_err(
            "(handled + cost / offered",
            17,
            "to close the \"(\" at position 1",
        );
        check_err("((handled))", 2, "cannot be nested");
        check_err("100 * handled", 1, "no constants");
        check_err("handled +", 10, "expected a measure name");
        check_err("handled / ", 11, "the end of the formula");
        check_err("mean(handled) / offered", 1, "only to headcount and fte");
    }

    #[test]
    fn custom_metric_validation() {
        let ok = CustomMetric {
            id: "transfer_rate".into(),
            name: "Transfer rate".into(),
            formula: "transferred / handled".into(),
            unit: Unit::Ratio,
            direction: Direction::Lower,
        };
        assert_eq!(
            ok.validate().unwrap(),
            Formula::ratio(
                &[Term::plus(Measure::Transferred)],
                &[Term::plus(Measure::Handled)]
            )
        );
        let bad_id = CustomMetric {
            id: "Transfer Rate".into(),
            ..ok.clone()
        };
        assert!(bad_id
            .validate()
            .unwrap_err()
            .to_string()
            .contains("lower-case"));
        let builtin = CustomMetric {
            id: "csat".into(),
            ..ok.clone()
        };
        assert!(builtin
            .validate()
            .unwrap_err()
            .to_string()
            .contains("built-in"));
        let bad_formula = CustomMetric {
            formula: "transferred // handled".into(),
            ..ok
        };
        let e = bad_formula.validate().unwrap_err().to_string();
        assert!(e.contains("position 14"), "{e}");
    }
}
