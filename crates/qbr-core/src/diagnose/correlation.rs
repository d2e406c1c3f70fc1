//! Correlation between two metrics over paired observations (weeks of one scope, or the segments
//! of a dimension): Pearson's r with a two-sided p-value and a 95% confidence interval, and
//! Spearman's rank correlation. Correlation is not cause: callers print that with the figures.
//!
//! Promises:
//! - Only pairs where both metrics have a value are used; `n` says how many.
//! - Pearson's p uses Student's t with n − 2 degrees of freedom (t = r √((n − 2) / (1 − r²))),
//!   read from the survival function so that a tiny p stays a number rather than rounding to 0;
//!   the interval is Fisher's z ± z₀.₉₇₅ / √(n − 3) (z₀.₉₇₅ = 1.959964…), so it needs n ≥ 4, and
//!   when |r| = 1 it is that single point.
//! - Spearman's ρ is Pearson's r of the ranks, ties sharing their average rank. Its p is exact
//!   for up to [`EXACT_SPEARMAN_MAX`] pairs: the share of the n! pairings of the ranks whose |ρ|
//!   is at least the observed one (the permutation test, as `scipy.stats.permutation_test` with
//!   `permutation_type='pairings'`); above that, the t approximation.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Up to this many pairs Spearman's p comes from every pairing of the ranks (9! = 362,880).
pub const EXACT_SPEARMAN_MAX: usize = 9;

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

/// Two-sided p of r = 0 from Student's t with n − 2 degrees of freedom, from the survival
/// function (1 − cdf loses every digit below 1e-16).
fn p_of(r: f64, n: usize) -> f64 {
    if r.abs() >= 1.0 {
        return 0.0;
    }
    let df = (n - 2) as f64;
    let t = r * (df / (1.0 - r * r)).sqrt();
    let dist = StudentsT::new(0.0, 1.0, df).expect("df > 0");
    (2.0 * dist.sf(t.abs())).clamp(0.0, 1.0)
}

/// The exact two-sided permutation p of Spearman's ρ: the share of the pairings of `rx` with a
/// permutation of `ry` whose |Σ(rxᵢ − m)(ryⱼ − m)| reaches the observed one. Means and spreads
/// of ranks do not change under permutation, so the centred cross product orders pairings as ρ
/// does. Heap's algorithm visits every permutation once.
fn spearman_exact_p(rx: &[f64], ry: &[f64]) -> f64 {
    let n = rx.len();
    let mx = rx.iter().sum::<f64>() / n as f64;
    let my = ry.iter().sum::<f64>() / n as f64;
    let cx: Vec<f64> = rx.iter().map(|v| v - mx).collect();
    let mut cy: Vec<f64> = ry.iter().map(|v| v - my).collect();
    let cross = |cy: &[f64]| -> f64 { cx.iter().zip(cy).map(|(a, b)| a * b).sum() };
    let observed = cross(&cy).abs();
    // Pairings that tie the observed statistic count as at least as extreme (rounding aside).
    let floor = observed - 1e-9 * observed.max(1.0);
    let mut extreme: u64 = 0;
    let mut total: u64 = 0;
    let mut c = vec![0usize; n];
    let mut visit = |cy: &[f64]| {
        total += 1;
        if cross(cy).abs() >= floor {
            extreme += 1;
        }
    };
    visit(&cy);
    let mut i = 1;
    while i < n {
        if c[i] < i {
            if i % 2 == 0 {
                cy.swap(0, i);
            } else {
                cy.swap(c[i], i);
            }
            visit(&cy);
            c[i] += 1;
            i = 1;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    extreme as f64 / total as f64
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
    let ci = (n >= 4).then(|| {
        if r.abs() >= 1.0 {
            // Fisher's z is infinite: every sample of a perfect line gives r itself.
            return (r, r);
        }
        let z0 = Normal::standard().inverse_cdf(0.975);
        let z = r.atanh();
        let h = z0 / ((n - 3) as f64).sqrt();
        ((z - h).tanh(), (z + h).tanh())
    });
    let (rx, ry) = (ranks(x), ranks(y));
    let rho = pearson(&rx, &ry).ok_or("one of the metrics does not vary")?;
    Ok(Correlation {
        n,
        pearson: r,
        pearson_p: p_of(r, n),
        pearson_ci: ci,
        spearman: rho,
        spearman_p: if n <= EXACT_SPEARMAN_MAX {
            spearman_exact_p(&rx, &ry)
        } else if rho.abs() >= 1.0 {
            // Only 2 of the n! pairings give |ρ| = 1.
            2.0 / (1..=n).map(|k| k as f64).product::<f64>()
        } else {
            p_of(rho, n)
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64, why: &str) {
        assert!((a - b).abs() <= tol, "expected {b}, got {a}: {why}");
    }

    #[test]
    fn known_data() {
        // x = 1..5, y = 2, 4, 5, 4, 5 (mean 4): Sxy = 6, Sxx = 10, Syy = 6 → r = 6 / √60 = 0.774597.
        let c = correlate(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2.0, 4.0, 5.0, 4.0, 5.0]).unwrap();
        assert_eq!(c.n, 5);
        close(c.pearson, 6.0 / 60f64.sqrt(), 1e-12, "r");
        // t = r √(3 / (1 − r²)) = 2.12132; with 3 df the t CDF has a closed form, giving a
        // two-sided p of 0.124027.
        close(c.pearson_p, 0.124027, 1e-5, "Pearson p");
        // Fisher: z = atanh(r) = 1.03172, ± 1.959964 / √2. scipy 1.17.1
        // `pearsonr(x, y).confidence_interval(0.95)`: (−0.3400820351875105, 0.9842357551507267).
        let (lo, hi) = c.pearson_ci.unwrap();
        close(lo, -0.3400820351875105, 1e-12, "CI low");
        close(hi, 0.9842357551507267, 1e-12, "CI high");
        // Ranks of y: 1, 2.5, 4.5, 2.5, 4.5 (ties averaged); against ranks of x: Sxy = 7,
        // Sxx = 10, Syy = 9 → ρ = 7 / √90 = 0.737865. Exact p over the 120 pairings: scipy 1.17.1
        // `permutation_test(..., permutation_type='pairings')` gives 0.2 (24 of 120).
        assert_eq!(
            ranks(&[2.0, 4.0, 5.0, 4.0, 5.0]),
            vec![1.0, 2.5, 4.5, 2.5, 4.5]
        );
        close(c.spearman, 7.0 / 90f64.sqrt(), 1e-12, "rho");
        close(c.spearman_p, 0.2, 1e-12, "exact Spearman p with ties");
    }

    #[test]
    fn spearman_p_is_exact_for_small_n() {
        // One swapped pair agrees less than a perfect ranking, so its p must be larger.
        // scipy 1.17.1 permutation_test (pairings, exact): ρ = 0.9, p = 10 / 120; perfect
        // agreement p = 2 / 120.
        let swapped = correlate(&[1.0, 2.0, 3.0, 4.0, 5.0], &[1.0, 2.0, 3.0, 5.0, 4.0]).unwrap();
        close(swapped.spearman, 0.9, 1e-12, "rho of one swap");
        close(
            swapped.spearman_p,
            10.0 / 120.0,
            1e-12,
            "exact p of one swap",
        );
        let perfect = correlate(&[1.0, 2.0, 3.0, 4.0, 5.0], &[1.0, 4.0, 9.0, 16.0, 100.0]).unwrap();
        close(
            perfect.spearman_p,
            2.0 / 120.0,
            1e-12,
            "exact: 2 of 5! orderings",
        );
        assert!(swapped.spearman_p > perfect.spearman_p);
        // Eight pairs, neighbours swapped: scipy gives ρ = 0.9047619047619048 and an exact
        // p of 0.004563492063492064 (184 of 40,320).
        let c = correlate(
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
            &[2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 8.0, 7.0],
        )
        .unwrap();
        close(c.spearman, 0.9047619047619048, 1e-12, "rho, n = 8");
        close(c.spearman_p, 0.004563492063492064, 1e-12, "exact p, n = 8");
    }

    #[test]
    fn tiny_p_values_stay_numbers() {
        // x = 0..29, y = x + 0.01 sin x: scipy 1.17.1 pearsonr gives r = 0.9999996780133078 and
        // p = 3.152348662873262e-88; 1 − cdf would print 0.
        let x: Vec<f64> = (0..30).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v + v.sin() * 0.01).collect();
        let c = correlate(&x, &y).unwrap();
        close(c.pearson, 0.9999996780133078, 1e-12, "r");
        assert!(
            (c.pearson_p / 3.152348662873262e-88 - 1.0).abs() < 1e-6,
            "p {:e}",
            c.pearson_p
        );
        // x = 0..19, y = x / 2 + cos x: scipy r = 0.9701372445340237, p = 1.6096483187162194e-12,
        // 95% CI (0.9245171015669399, 0.9883524823830265).
        let x: Vec<f64> = (0..20).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| 0.5 * v + v.cos()).collect();
        let c = correlate(&x, &y).unwrap();
        close(c.pearson, 0.9701372445340237, 1e-12, "r, n = 20");
        assert!(
            (c.pearson_p / 1.6096483187162194e-12 - 1.0).abs() < 1e-6,
            "{c:?}"
        );
        let (lo, hi) = c.pearson_ci.unwrap();
        close(lo, 0.9245171015669399, 1e-12, "CI low, n = 20");
        close(hi, 0.9883524823830265, 1e-12, "CI high, n = 20");
    }

    #[test]
    fn perfect_and_monotone() {
        let c = correlate(&[1.0, 2.0, 3.0, 4.0], &[10.0, 8.0, 6.0, 4.0]).unwrap();
        assert!((c.pearson + 1.0).abs() < 1e-12 && c.pearson_p == 0.0);
        assert_eq!(
            c.pearson_ci,
            Some((-1.0, -1.0)),
            "a perfect line's interval is r itself, never one that leaves r out"
        );
        // Monotone but not linear: Spearman 1, Pearson below 1.
        let m = correlate(&[1.0, 2.0, 3.0, 4.0, 5.0], &[1.0, 4.0, 9.0, 16.0, 100.0]).unwrap();
        assert!((m.spearman - 1.0).abs() < 1e-12);
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
