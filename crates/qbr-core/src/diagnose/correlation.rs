//! Correlation between two metrics over paired observations (weeks of one scope, or the segments
//! of a dimension): Pearson's r with a two-sided p-value and a 95% confidence interval, and
//! Spearman's rank correlation. Correlation is not cause: callers print that with the figures.
//!
//! Promises:
//! - Only pairs where both metrics have a value are used; `n` says how many.
//! - p-values use Student's t with n − 2 degrees of freedom (t = r √((n − 2) / (1 − r²)));
//!   the interval is Fisher's z ± 1.96 / √(n − 3), so it needs n ≥ 4.
//! - Spearman's ρ is Pearson's r of the ranks, ties sharing their average rank.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The caution printed with every correlation.
pub const CAUTION: &str =
    "Correlation is not cause: two metrics can move together because a third thing drives both.";

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Correlation {
    pub n: usize,
    pub pearson: f64,
    /// Two-sided p-value of r = 0.
    pub pearson_p: f64,
    /// 95% interval for r; `None` with fewer than 4 pairs.
    pub pearson_ci: Option<(f64, f64)>,
    pub spearman: f64,
    pub spearman_p: f64,
}

fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Ranks from 1, ties sharing their average rank.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|a, b| x[*a].total_cmp(&x[*b]));
    let mut out = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            out[idx[k]] = avg;
        }
        i = j + 1;
    }
    out
}

fn p_of(r: f64, n: usize) -> f64 {
    if r.abs() >= 1.0 {
        return 0.0;
    }
    let df = (n - 2) as f64;
    let t = r * (df / (1.0 - r * r)).sqrt();
    let dist = StudentsT::new(0.0, 1.0, df).expect("df > 0");
    (2.0 * (1.0 - dist.cdf(t.abs()))).clamp(0.0, 1.0)
}

/// Correlates paired values. `Err` says why not (fewer than 3 pairs, or a metric that does not vary).
pub fn correlate(x: &[f64], y: &[f64]) -> Result<Correlation, String> {
    assert_eq!(x.len(), y.len(), "paired values");
    let n = x.len();
    if n < 3 {
        return Err(format!(
            "{n} pair(s) with both values; a correlation needs at least 3"
        ));
    }
    let r = pearson(x, y)
        .ok_or("one of the metrics does not vary, so there is nothing to correlate")?;
    let rho = pearson(&ranks(x), &ranks(y)).ok_or("one of the metrics does not vary")?;
    let ci = (n >= 4).then(|| {
        let z = r.clamp(-0.999_999_999, 0.999_999_999).atanh();
        let h = 1.96 / ((n - 3) as f64).sqrt();
        ((z - h).tanh(), (z + h).tanh())
    });
    Ok(Correlation {
        n,
        pearson: r,
        pearson_p: p_of(r, n),
        pearson_ci: ci,
        spearman: rho,
        // Perfect rank agreement: only 2 of the n! orderings give |ρ| = 1, so the exact p is
        // 2 / n! (the t approximation would say 0, which is wrong for small n).
        spearman_p: if rho.abs() >= 1.0 {
            (2.0 / (1..=n).map(|k| k as f64).product::<f64>()).min(1.0)
        } else {
            p_of(rho, n)
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_data() {
        // x = 1..5, y = 2, 4, 5, 4, 5 (mean 4): Sxy = 6, Sxx = 10, Syy = 6 → r = 6 / √60 = 0.774597.
        let c = correlate(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 4.0, 5.0, 4.0, 5.0]).unwrap();
        assert_eq!(c.n, 5);
        assert!((c.pearson - 6.0 / 60f64.sqrt()).abs() < 1e-12, "{c:?}");
        // t = r √(3 / (1 − r²)) = 2.12132; with 3 df the t CDF has a closed form, giving a
        // two-sided p of 0.124027.
        assert!((c.pearson_p - 0.124027).abs() < 1e-5, "{c:?}");
        // Fisher: z = atanh(r) = 1.03172, ± 1.96 / √2 → (−0.340105, 0.984237).
        let (lo, hi) = c.pearson_ci.unwrap();
        assert!(
            (lo - -0.340105).abs() < 1e-5 && (hi - 0.984237).abs() < 1e-5,
            "{c:?}"
        );
        // Ranks of y: 1, 2.5, 4.5, 2.5, 4.5 (ties averaged); against ranks of x: Sxy = 7,
        // Sxx = 10, Syy = 9 → ρ = 7 / √90 = 0.737865, p = 0.154619.
        assert_eq!(
            ranks(&[2.0, 4.0, 5.0, 4.0, 5.0]),
            vec![1.0, 2.5, 4.5, 2.5, 4.5]
        );
        assert!((c.spearman - 7.0 / 90f64.sqrt()).abs() < 1e-12, "{c:?}");
        assert!((c.spearman_p - 0.154619).abs() < 1e-5, "{c:?}");
    }

    #[test]
    fn perfect_and_monotone() {
        let c = correlate(&[1.0, 2.0, 3.0, 4.0], &[10.0, 8.0, 6.0, 4.0]).unwrap();
        assert!((c.pearson + 1.0).abs() < 1e-12 && c.pearson_p == 0.0);
        // Monotone but not linear: Spearman 1, Pearson below 1.
        let m = correlate(&[1.0, 2.0, 3.0, 4.0, 5.0], &[1.0, 4.0, 9.0, 16.0, 100.0]).unwrap();
        assert!((m.spearman - 1.0).abs() < 1e-12);
        assert!(
            (m.spearman_p - 2.0 / 120.0).abs() < 1e-12,
            "exact: 2 of 5! orderings"
        );
        assert!(m.pearson < 0.9, "{m:?}");
    }

    #[test]
    fn refusals() {
        assert!(correlate(&[1.0, 2.0], &[1.0, 2.0]).is_err(), "two pairs");
        assert!(
            correlate(&[1.0, 2.0, 3.0], &[5.0, 5.0, 5.0]).is_err(),
            "no variation"
        );
    }
}
