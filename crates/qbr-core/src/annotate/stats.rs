//! The two tests that decide whether a before/after change is clear: a two-proportion z-test on
//! the counts of a ratio metric, and Welch's t-test on the weekly values of any other metric.
//! Both are two-sided; p-values come from `statrs`' normal and Student's t distributions.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// The confidence at which a change counts as clear (two-sided).
pub const CONFIDENCE: f64 = 0.95;

/// Which test was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Pooled two-proportion z-test on successes / trials of each window.
    TwoProportionZ,
    /// Welch's unequal-variance t-test on the weekly values of each window.
    WelchT,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::TwoProportionZ => "two_proportion_z",
            Method::WelchT => "welch_t",
        }
    }

    /// How the method reads in a report.
    pub fn describe(self) -> &'static str {
        match self {
            Method::TwoProportionZ => {
                "two-proportion z-test (pooled) on the counts of the before and after windows"
            }
            Method::WelchT => "Welch's t-test on the weekly values of the before and after windows",
        }
    }
}

/// A test's outcome: after − before, so a positive statistic means the metric went up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestResult {
    pub method: Method,
    /// z or t.
    pub statistic: f64,
    /// Two-sided.
    pub p_value: f64,
    /// Degrees of freedom (Welch–Satterthwaite), for the t-test only.
    pub df: Option<f64>,
    pub confidence: f64,
}

impl TestResult {
    /// Whether the change is clear at [`TestResult::confidence`].
    pub fn is_clear(&self) -> bool {
        self.p_value < 1.0 - self.confidence
    }
}

fn two_sided_normal(z: f64) -> f64 {
    let n = Normal::new(0.0, 1.0).expect("the standard normal exists");
    (2.0 * (1.0 - n.cdf(z.abs()))).clamp(0.0, 1.0)
}

/// Pooled two-proportion z-test of `x1 / n1` (before) against `x2 / n2` (after). `Err` says why
/// the test cannot be run (no trials, counts out of range, or no variation at all).
pub fn two_proportion_z(x1: f64, n1: f64, x2: f64, n2: f64) -> Result<TestResult, String> {
    if n1 <= 0.0 || n2 <= 0.0 {
        return Err("a window has no contacts to count".into());
    }
    if !(0.0..=n1).contains(&x1) || !(0.0..=n2).contains(&x2) {
        return Err(
            "the counts are not a share of their total, so no proportion test applies".into(),
        );
    }
    let pooled = (x1 + x2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se == 0.0 || !se.is_finite() {
        return Err(
            "every count is 0 or every count is the whole, so there is nothing to test".into(),
        );
    }
    let z = (x2 / n2 - x1 / n1) / se;
    Ok(TestResult {
        method: Method::TwoProportionZ,
        statistic: z,
        p_value: two_sided_normal(z),
        df: None,
        confidence: CONFIDENCE,
    })
}

fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// Welch's t-test of `before` against `after`. Needs at least two values on each side.
pub fn welch_t(before: &[f64], after: &[f64]) -> Result<TestResult, String> {
    if before.len() < 2 || after.len() < 2 {
        return Err(format!(
            "the t-test needs at least 2 weekly values on each side; there are {} before and {} after",
            before.len(),
            after.len()
        ));
    }
    let (m1, v1) = mean_var(before);
    let (m2, v2) = mean_var(after);
    let (a, b) = (v1 / before.len() as f64, v2 / after.len() as f64);
    let se = (a + b).sqrt();
    if se == 0.0 || !se.is_finite() {
        return Err("the weekly values do not vary, so there is nothing to test".into());
    }
    let t = (m2 - m1) / se;
    let df = (a + b).powi(2)
        / (a.powi(2) / (before.len() as f64 - 1.0) + b.powi(2) / (after.len() as f64 - 1.0));
    let dist = StudentsT::new(0.0, 1.0, df).map_err(|e| format!("no t distribution: {e}"))?;
    let p = (2.0 * (1.0 - dist.cdf(t.abs()))).clamp(0.0, 1.0);
    Ok(TestResult {
        method: Method::WelchT,
        statistic: t,
        p_value: p,
        df: Some(df),
        confidence: CONFIDENCE,
    })
}
