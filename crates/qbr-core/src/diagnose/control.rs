//! Control charts: an individuals and moving-range (XmR) chart, or for proportions with varying
//! denominators a p-chart with limits per point, computed from a baseline, and the run rules that
//! say a series has changed rather than wobbled.
//!
//! Promises:
//! - Limits come from the baseline points only; every point (baseline included) is then judged.
//! - XmR: centre = mean of the baseline values, limits = centre ± 2.66 · mR̄ (mR̄ = mean moving
//!   range of consecutive baseline values), σ = mR̄ / 1.128, moving-range UCL = 3.267 · mR̄.
//! - p-chart: p̄ = Σnumerator / Σdenominator over the baseline, σᵢ = √(p̄(1 − p̄) / nᵢ) for each
//!   point's own denominator nᵢ, limits p̄ ± 3σᵢ clipped to [0, 1].
//! - Laney p′ chart (Laney 2002, "Improved control charts for attributes", Quality Engineering
//!   14(4)): the p-chart's σᵢ widened by the week-to-week variation the binomial model leaves out.
//!   zᵢ = (pᵢ − p̄) / σᵢ over the baseline, σ_z = mean moving range of consecutive zᵢ / 1.128,
//!   limits p̄ ± 3 σᵢ σ_z clipped to [0, 1]. With samples of thousands the binomial limits are far
//!   narrower than real variation and a p-chart signals nearly every point; [`proportion_method`]
//!   picks p′ for them.
//! - Missing points (no value) are skipped: they neither break nor extend a run.
//! - Partial points (a week cut by the range or by the data's first or last day) are drawn but
//!   neither set the limits nor take part in a run rule: a 3-day week beside 7-day ones is not a
//!   signal.
//! - All six rules are implemented, each named ([`Rule`]); a run that keeps going is one signal.
//!   The zone rules (2 of 3 beyond 2σ, 4 of 5 beyond 1σ) look at every window of 3 (or 5)
//!   consecutive points, and at the shorter windows that start the series, so a pattern in the
//!   first points counts; the signal spans its first to its last point beyond the zone.

/// How the limits are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartMethod {
    /// Individuals and moving range.
    Xmr,
    /// Proportion with a per-point sample size.
    P,
    /// Laney's p′: a p-chart widened by the observed between-point variation.
    LaneyP,
}

impl ChartMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ChartMethod::Xmr => "xmr",
            ChartMethod::P => "p",
            ChartMethod::LaneyP => "laney_p",
        }
    }

    /// The chart's name as a caption says it.
    pub fn label(self) -> &'static str {
        match self {
            ChartMethod::Xmr => "XmR chart",
            ChartMethod::P => "p-chart",
            ChartMethod::LaneyP => "Laney p′ chart",
        }
    }
}

/// Mean baseline sample size from which a proportion is charted with Laney's p′ rather than a
/// p-chart: at a thousand contacts a week binomial σ is under 1.6 points, narrower than the
/// week-to-week variation of real operations.
pub const LANEY_MIN_MEAN_N: f64 = 1000.0;

/// The chart for a proportion of counts: Laney's p′ when the baseline's points average at least
/// [`LANEY_MIN_MEAN_N`] in their denominators, else the p-chart.
pub fn proportion_method(points: &[ChartInput], baseline: std::ops::Range<usize>) -> ChartMethod {
    let dens: Vec<f64> = points[clip(&baseline, points.len())]
        .iter()
        .filter(|p| p.value.is_some() && !p.partial)
        .filter_map(|p| p.denominator.filter(|d| *d > 0.0))
        .collect();
    if !dens.is_empty() && dens.iter().sum::<f64>() / dens.len() as f64 >= LANEY_MIN_MEAN_N {
        ChartMethod::LaneyP
    } else {
        ChartMethod::P
    }
}

/// A named run rule (Western Electric / Nelson).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// A point outside the control limits.
    BeyondLimits,
    /// Eight points in a row on one side of the centre line.
    EightOneSide,
    /// Six points in a row, each higher (or each lower) than the one before.
    SixTrending,
    /// Two of three points in a row beyond 2σ on the same side.
    TwoOfThreeBeyond2Sigma,
    /// Four of five points in a row beyond 1σ on the same side.
    FourOfFiveBeyond1Sigma,
    /// Fourteen points in a row alternating up and down.
    FourteenAlternating,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::BeyondLimits,
        Rule::EightOneSide,
        Rule::SixTrending,
        Rule::TwoOfThreeBeyond2Sigma,
        Rule::FourOfFiveBeyond1Sigma,
        Rule::FourteenAlternating,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::BeyondLimits => "beyond_limits",
            Rule::EightOneSide => "eight_one_side",
            Rule::SixTrending => "six_trending",
            Rule::TwoOfThreeBeyond2Sigma => "two_of_three_beyond_2_sigma",
            Rule::FourOfFiveBeyond1Sigma => "four_of_five_beyond_1_sigma",
            Rule::FourteenAlternating => "fourteen_alternating",
        }
    }

    /// The name a chart or list shows.
    pub fn label(self) -> &'static str {
        match self {
            Rule::BeyondLimits => "Point beyond the limits",
            Rule::EightOneSide => "Eight in a row on one side",
            Rule::SixTrending => "Six in a row rising or falling",
            Rule::TwoOfThreeBeyond2Sigma => "Two of three beyond 2σ",
            Rule::FourOfFiveBeyond1Sigma => "Four of five beyond 1σ",
            Rule::FourteenAlternating => "Fourteen alternating up and down",
        }
    }
}

/// One point to chart: its value and, for a p-chart, its numerator and denominator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartInput {
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// A bucket shorter than its grain: drawn, but left out of the limits and the run rules.
    pub partial: bool,
}

impl ChartInput {
    pub fn value(v: Option<f64>) -> ChartInput {
        ChartInput {
            value: v,
            numerator: None,
            denominator: None,
            partial: false,
        }
    }

    /// The same point, marked partial or not.
    pub fn partial(self, partial: bool) -> ChartInput {
        ChartInput { partial, ..self }
    }
}

/// The limits at one point (constant for XmR, per point for a p-chart).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointLimits {
    pub lower: f64,
    pub upper: f64,
    /// One σ at this point.
    pub sigma: f64,
}

/// A rule that fired over points `start..=end` (indices into the input, missing points included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Signal {
    pub rule: Rule,
    pub start: usize,
    pub end: usize,
    /// +1 above the centre / rising, −1 below / falling, 0 for alternation.
    pub side: i8,
}

/// A computed chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlChart {
    pub method: ChartMethod,
    pub centre: f64,
    /// Per input point; `None` where the point has no value (or no denominator on a p-chart).
    pub limits: Vec<Option<PointLimits>>,
    /// XmR only: mean moving range of the baseline and its upper limit.
    pub mean_moving_range: Option<f64>,
    pub moving_range_ucl: Option<f64>,
    /// XmR only: |xᵢ − xᵢ₋₁| between consecutive present values, at the later point.
    pub moving_ranges: Vec<Option<f64>>,
    pub baseline_points: usize,
    pub signals: Vec<Signal>,
}

/// XmR constants (n = 2): 3 / d₂ and D₄.
pub const E2: f64 = 2.66;
pub const D4: f64 = 3.267;
/// d₂ for subgroups of 2: σ = mR̄ / d₂.
pub const D2: f64 = 1.128;

/// An XmR chart with limits from the `baseline` points; `Err` says why there is no chart.
pub fn xmr(
    points: &[ChartInput],
    baseline: std::ops::Range<usize>,
) -> Result<ControlChart, String> {
    let base: Vec<f64> = points[clip(&baseline, points.len())]
        .iter()
        .filter(|p| !p.partial)
        .filter_map(|p| p.value)
        .collect();
    if base.len() < 2 {
        return Err(format!(
            "the baseline has {} point(s) with a value; a chart needs at least 2",
            base.len()
        ));
    }
    let centre = base.iter().sum::<f64>() / base.len() as f64;
    let mrs: Vec<f64> = base.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mr_bar = mrs.iter().sum::<f64>() / mrs.len() as f64;
    let sigma = mr_bar / D2;
    let half = E2 * mr_bar;
    let limits = points
        .iter()
        .map(|p| {
            p.value.map(|_| PointLimits {
                lower: centre - half,
                upper: centre + half,
                sigma,
            })
        })
        .collect::<Vec<_>>();
    let mut moving_ranges = vec![None; points.len()];
    let mut last: Option<f64> = None;
    for (i, p) in points.iter().enumerate() {
        if let Some(v) = p.value {
            if let Some(l) = last {
                moving_ranges[i] = Some((v - l).abs());
            }
            last = Some(v);
        }
    }
    let signals = run_rules(points, centre, &limits);
    Ok(ControlChart {
        method: ChartMethod::Xmr,
        centre,
        limits,
        mean_moving_range: Some(mr_bar),
        moving_range_ucl: Some(D4 * mr_bar),
        moving_ranges,
        baseline_points: base.len(),
        signals,
    })
}

/// A p-chart: every point needs its numerator and denominator (counts).
pub fn p_chart(
    points: &[ChartInput],
    baseline: std::ops::Range<usize>,
) -> Result<ControlChart, String> {
    let mut num = 0.0;
    let mut den = 0.0;
    let mut used = 0;
    for p in points[clip(&baseline, points.len())]
        .iter()
        .filter(|p| !p.partial)
    {
        if let (Some(_), Some(n), Some(d)) = (p.value, p.numerator, p.denominator) {
            if d > 0.0 {
                num += n;
                den += d;
                used += 1;
            }
        }
    }
    if used < 2 || den <= 0.0 {
        return Err(format!(
            "the baseline has {used} point(s) with counts; a chart needs at least 2"
        ));
    }
    let p_bar = num / den;
    let limits = points
        .iter()
        .map(|p| match (p.value, p.denominator) {
            (Some(_), Some(d)) if d > 0.0 => {
                let sigma = (p_bar * (1.0 - p_bar) / d).sqrt();
                Some(PointLimits {
                    lower: (p_bar - 3.0 * sigma).max(0.0),
                    upper: (p_bar + 3.0 * sigma).min(1.0),
                    sigma,
                })
            }
            _ => None,
        })
        .collect::<Vec<_>>();
    let signals = run_rules(points, p_bar, &limits);
    Ok(ControlChart {
        method: ChartMethod::P,
        centre: p_bar,
        limits,
        mean_moving_range: None,
        moving_range_ucl: None,
        moving_ranges: vec![None; points.len()],
        baseline_points: used,
        signals,
    })
}

/// Laney's p′ chart: the p-chart's per-point σᵢ times σ_z, the moving-range estimate of how far the
/// baseline's z-scores really spread (σ_z = 1 when the binomial model holds).
pub fn laney_p_chart(
    points: &[ChartInput],
    baseline: std::ops::Range<usize>,
) -> Result<ControlChart, String> {
    let p = p_chart(points, baseline.clone())?;
    let p_bar = p.centre;
    if p_bar <= 0.0 || p_bar >= 1.0 {
        return Err(format!(
            "every baseline point is at {:.0}%; a p′ chart needs some variation",
            p_bar * 100.0
        ));
    }
    // The same baseline points as the p-chart's: whole buckets with their counts.
    let z: Vec<f64> = points[clip(&baseline, points.len())]
        .iter()
        .filter(|pt| !pt.partial)
        .filter_map(|pt| match (pt.value, pt.numerator, pt.denominator) {
            (Some(_), Some(n), Some(d)) if d > 0.0 => {
                Some((n / d - p_bar) / (p_bar * (1.0 - p_bar) / d).sqrt())
            }
            _ => None,
        })
        .collect();
    let mr: Vec<f64> = z.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let sigma_z = mr.iter().sum::<f64>() / mr.len().max(1) as f64 / D2;
    let limits = p
        .limits
        .iter()
        .map(|l| {
            l.map(|l| {
                let sigma = l.sigma * sigma_z;
                PointLimits {
                    lower: (p_bar - 3.0 * sigma).max(0.0),
                    upper: (p_bar + 3.0 * sigma).min(1.0),
                    sigma,
                }
            })
        })
        .collect::<Vec<_>>();
    let signals = run_rules(points, p_bar, &limits);
    Ok(ControlChart {
        method: ChartMethod::LaneyP,
        limits,
        signals,
        ..p
    })
}

fn clip(r: &std::ops::Range<usize>, len: usize) -> std::ops::Range<usize> {
    r.start.min(len)..r.end.min(len)
}

/// Applies every rule to the whole points that have a value and limits.
fn run_rules(points: &[ChartInput], centre: f64, limits: &[Option<PointLimits>]) -> Vec<Signal> {
    // (input index, value, limits)
    let present: Vec<(usize, f64, PointLimits)> = points
        .iter()
        .zip(limits)
        .enumerate()
        .filter(|(_, (p, _))| !p.partial)
        .filter_map(|(i, (p, l))| Some((i, p.value?, (*l)?)))
        .collect();
    let mut out: Vec<Signal> = Vec::new();
    let push = |rule: Rule, from: usize, to: usize, side: i8, out: &mut Vec<Signal>| {
        let (start, end) = (present[from].0, present[to].0);
        // A run that keeps going (overlapping windows of the same rule and side) is one signal.
        if let Some(last) = out
            .iter_mut()
            .rev()
            .find(|s| s.rule == rule && s.side == side)
        {
            if start <= last.end {
                last.end = last.end.max(end);
                return;
            }
        }
        out.push(Signal {
            rule,
            start,
            end,
            side,
        });
    };
    // Rounding is no signal: a flat series (every value the centre, up to the last bits of a
    // mean or a per-day division) has limits of no width and must stay quiet.
    let eps = 1e-9 * centre.abs().max(1.0);
    let side = |v: f64| -> i8 {
        if v > centre + eps {
            1
        } else if v < centre - eps {
            -1
        } else {
            0
        }
    };
    // Beyond the limits.
    for (k, (_, v, l)) in present.iter().enumerate() {
        if *v > l.upper + eps {
            push(Rule::BeyondLimits, k, k, 1, &mut out);
        } else if *v < l.lower - eps {
            push(Rule::BeyondLimits, k, k, -1, &mut out);
        }
    }
    // Eight on one side.
    for k in 7..present.len() {
        let s = side(present[k].1);
        if s != 0 && present[k - 7..=k].iter().all(|p| side(p.1) == s) {
            push(Rule::EightOneSide, k - 7, k, s, &mut out);
        }
    }
    // Six trending: five steps in the same direction.
    for k in 5..present.len() {
        let w = &present[k - 5..=k];
        if w.windows(2).all(|p| p[1].1 > p[0].1) {
            push(Rule::SixTrending, k - 5, k, 1, &mut out);
        } else if w.windows(2).all(|p| p[1].1 < p[0].1) {
            push(Rule::SixTrending, k - 5, k, -1, &mut out);
        }
    }
    // Zone rules: m of n beyond z·σ on one side, in every window of n consecutive points and in
    // the shorter windows that open the series (the first m points may already be the pattern).
    for (rule, m, n, z) in [
        (Rule::TwoOfThreeBeyond2Sigma, 2, 3, 2.0),
        (Rule::FourOfFiveBeyond1Sigma, 4, 5, 1.0),
    ] {
        for k in 0..present.len() {
            let from = (k + 1).saturating_sub(n);
            let w = &present[from..=k];
            for s in [1i8, -1] {
                let beyond = |p: &(usize, f64, PointLimits)| {
                    f64::from(s) * (p.1 - centre) > z * p.2.sigma + eps
                };
                if w.iter().filter(|p| beyond(p)).count() >= m {
                    // The signal runs from the window's first point beyond to its last.
                    let first = from + w.iter().position(beyond).expect("m ≥ 1 beyond");
                    let last = from + w.iter().rposition(beyond).expect("m ≥ 1 beyond");
                    push(rule, first, last, s, &mut out);
                }
            }
        }
    }
    // Fourteen alternating: thirteen steps, each reversing the one before.
    for k in 13..present.len() {
        let w = &present[k - 13..=k];
        let steps: Vec<f64> = w.windows(2).map(|p| p[1].1 - p[0].1).collect();
        if steps.iter().all(|d| *d != 0.0) && steps.windows(2).all(|d| d[0] * d[1] < 0.0) {
            push(Rule::FourteenAlternating, k - 13, k, 0, &mut out);
        }
    }
    out.sort_by_key(|s| (s.end, s.rule));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(xs: &[f64]) -> Vec<ChartInput> {
        xs.iter().map(|x| ChartInput::value(Some(*x))).collect()
    }

    fn rules(c: &ControlChart) -> Vec<(Rule, usize, usize)> {
        c.signals.iter().map(|s| (s.rule, s.start, s.end)).collect()
    }

    #[test]
    fn xmr_limits_by_hand() {
        // Baseline 10, 12, 11, 13, 9: mean 11; moving ranges 2, 1, 2, 4 → mR̄ 2.25.
        let c = xmr(&vals(&[10.0, 12.0, 11.0, 13.0, 9.0, 11.0]), 0..5).unwrap();
        assert!((c.centre - 11.0).abs() < 1e-12);
        assert!((c.mean_moving_range.unwrap() - 2.25).abs() < 1e-12);
        let l = c.limits[0].unwrap();
        // 11 ± 2.66 × 2.25 = 11 ± 5.985.
        assert!((l.upper - 16.985).abs() < 1e-9, "{l:?}");
        assert!((l.lower - 5.015).abs() < 1e-9, "{l:?}");
        assert!((l.sigma - 2.25 / 1.128).abs() < 1e-12);
        assert!((c.moving_range_ucl.unwrap() - 3.267 * 2.25).abs() < 1e-12);
        assert_eq!(c.moving_ranges[5], Some(2.0), "|11 − 9|");
        assert_eq!(c.baseline_points, 5);
        assert!(c.signals.is_empty(), "{:?}", c.signals);
    }

    // A base series with mean 10 and mR̄ 1 (sigma ≈ 0.887, limits 7.34 .. 12.66) that no rule
    // fires on: it alternates around 10 for fewer than 14 points and never runs.
    fn base() -> Vec<f64> {
        vec![9.5, 10.5, 9.5, 10.5, 9.5, 10.5, 9.5, 10.5, 9.5, 10.5]
    }

    #[test]
    fn base_series_is_quiet() {
        let c = xmr(&vals(&base()), 0..10).unwrap();
        assert_eq!(c.centre, 10.0);
        assert_eq!(c.mean_moving_range, Some(1.0));
        assert!(c.signals.is_empty(), "{:?}", c.signals);
    }

    #[test]
    fn rule_beyond_limits() {
        let mut s = base();
        s.push(13.0); // above 12.66
        s.push(10.2);
        s.push(7.0); // below 7.34
        let c = xmr(&vals(&s), 0..10).unwrap();
        let r: Vec<_> = rules(&c)
            .into_iter()
            .filter(|r| r.0 == Rule::BeyondLimits)
            .collect();
        assert_eq!(
            r,
            vec![(Rule::BeyondLimits, 10, 10), (Rule::BeyondLimits, 12, 12)]
        );
        assert_eq!(c.signals.iter().find(|s| s.end == 12).unwrap().side, -1);
    }

    #[test]
    fn rule_eight_on_one_side() {
        let mut s = base();
        // The base ends on 10.5 (above the centre); seven more just above, inside 1σ and not
        // steadily rising, make eight in a row: indices 9 to 16.
        s.extend([10.2, 10.1, 10.3, 10.1, 10.2, 10.1, 10.3]);
        let c = xmr(&vals(&s), 0..10).unwrap();
        assert_eq!(rules(&c), vec![(Rule::EightOneSide, 9, 16)]);
        // Seven are not enough.
        let c7 = xmr(&vals(&s[..16]), 0..10).unwrap();
        assert!(c7.signals.is_empty(), "{:?}", c7.signals);
        // A ninth point extends the same signal rather than adding one.
        s.push(10.1);
        let c9 = xmr(&vals(&s), 0..10).unwrap();
        assert_eq!(rules(&c9), vec![(Rule::EightOneSide, 9, 17)]);
    }

    #[test]
    fn rule_six_trending() {
        let mut s = base();
        // Six rising points crossing the centre (so no eight-on-one-side), inside the limits.
        s.extend([9.0, 9.4, 9.8, 10.2, 10.6, 10.8]);
        let c = xmr(&vals(&s), 0..10).unwrap();
        // 9.0 follows 10.5 (a fall), so the rise starts at index 10: five steps end at 15.
        assert_eq!(rules(&c), vec![(Rule::SixTrending, 10, 15)]);
        assert_eq!(c.signals[0].side, 1);
    }

    #[test]
    fn rule_two_of_three_beyond_2_sigma() {
        let mut s = base();
        // 2σ ≈ 1.773: 11.9 and 12.0 are beyond it (but inside the 12.66 limit); 10.2 between.
        s.extend([11.9, 9.8, 12.0]);
        let c = xmr(&vals(&s), 0..10).unwrap();
        assert_eq!(rules(&c), vec![(Rule::TwoOfThreeBeyond2Sigma, 10, 12)]);
        // On opposite sides they do not count together.
        let mut t = base();
        t.extend([11.9, 9.8, 8.0]);
        let c = xmr(&vals(&t), 0..10).unwrap();
        assert!(
            !rules(&c)
                .iter()
                .any(|r| r.0 == Rule::TwoOfThreeBeyond2Sigma),
            "{:?}",
            c.signals
        );
    }

    #[test]
    fn rule_four_of_five_beyond_1_sigma() {
        let mut s = base();
        // σ ≈ 0.887, so 1σ below is 9.11 and 2σ below 8.23: 8.9 and 8.95 are beyond 1σ only.
        // Pattern: beyond, beyond, not, beyond, beyond.
        s.extend([8.9, 8.95, 9.6, 8.9, 8.95]);
        let c = xmr(&vals(&s), 0..10).unwrap();
        assert_eq!(rules(&c), vec![(Rule::FourOfFiveBeyond1Sigma, 10, 14)]);
        assert_eq!(c.signals[0].side, -1);
    }

    #[test]
    fn zone_rules_see_a_pattern_at_the_very_start() {
        // Limits from the base series (centre 10, σ = 1 / 1.128 ≈ 0.887, 2σ ≈ 1.773); the judged
        // series opens with two points beyond 2σ above and then returns to normal. Windows that
        // only counted when they ended beyond the zone missed this: the first full window
        // (12.0, 11.95, 10.0) ends inside it.
        let mut judged = vec![12.0, 11.95, 10.0];
        judged.extend(base());
        let c = xmr(&vals(&judged), 3..13).unwrap();
        assert!((c.centre - 10.0).abs() < 1e-12);
        assert_eq!(rules(&c), vec![(Rule::TwoOfThreeBeyond2Sigma, 0, 1)]);
        assert_eq!(c.signals[0].side, 1);
        // Four of the first five beyond 1σ below (9.11), the third point not: signalled from
        // the first point to the fifth.
        let mut judged = vec![8.9, 8.95, 9.6, 8.9, 8.95];
        judged.extend(base());
        let c = xmr(&vals(&judged), 5..15).unwrap();
        assert!(
            rules(&c).contains(&(Rule::FourOfFiveBeyond1Sigma, 0, 4)),
            "{:?}",
            c.signals
        );
        // A series of just two points, both beyond 2σ: the pattern needs no third point.
        let mut two = base();
        two.extend([12.0, 12.1]);
        let c = xmr(&vals(&two), 0..10).unwrap();
        assert_eq!(rules(&c), vec![(Rule::TwoOfThreeBeyond2Sigma, 10, 11)]);
    }

    #[test]
    fn partial_points_set_no_limits_and_fire_no_rule() {
        // Weekly counts of about 1,000 (7-day weeks) with a 3-day week of 430 at each end. As full
        // points the ends pull the limits apart and sit beyond them; as partial points they are
        // drawn but neither set the limits nor signal.
        let weeks = [1000.0, 990.0, 1010.0, 1005.0, 995.0, 1000.0, 1010.0, 990.0];
        let mut points = vec![ChartInput::value(Some(430.0)).partial(true)];
        points.extend(vals(&weeks));
        points.push(ChartInput::value(Some(430.0)).partial(true));
        let c = xmr(&points, 0..points.len()).unwrap();
        // Mean of the eight full weeks: 1,000; moving ranges 10, 20, 5, 10, 5, 10, 20 → 80 / 7.
        assert!((c.centre - 1000.0).abs() < 1e-9, "{}", c.centre);
        assert!((c.mean_moving_range.unwrap() - 80.0 / 7.0).abs() < 1e-9);
        assert_eq!(c.baseline_points, 8);
        assert!(c.signals.is_empty(), "{:?}", c.signals);
        assert!(
            c.limits[0].is_some(),
            "a partial point is still drawn with the limits"
        );
        // The same ends as whole weeks fire "beyond the limits" on both.
        let mut whole = vec![ChartInput::value(Some(430.0))];
        whole.extend(vals(&weeks));
        whole.push(ChartInput::value(Some(430.0)));
        let c = xmr(&whole, 1..9).unwrap();
        assert_eq!(
            rules(&c),
            vec![(Rule::BeyondLimits, 0, 0), (Rule::BeyondLimits, 9, 9)]
        );
    }

    #[test]
    fn rule_fourteen_alternating() {
        // Baseline 10 ± 0.5 for 13 points is quiet; the 14th alternating point fires.
        let s: Vec<f64> = (0..14)
            .map(|i| if i % 2 == 0 { 9.5 } else { 10.5 })
            .collect();
        let quiet = xmr(&vals(&s[..13]), 0..10).unwrap();
        assert!(quiet.signals.is_empty());
        let c = xmr(&vals(&s), 0..10).unwrap();
        assert_eq!(rules(&c), vec![(Rule::FourteenAlternating, 0, 13)]);
    }

    #[test]
    fn missing_points_are_skipped_not_broken() {
        let mut s: Vec<ChartInput> = vals(&base());
        for (i, v) in [10.2, 10.1, 10.3, 10.1].into_iter().enumerate() {
            s.push(ChartInput::value(Some(v)));
            if i == 1 {
                s.push(ChartInput::value(None));
            }
        }
        s.extend(vals(&[10.2, 10.1, 10.3, 10.2]));
        let c = xmr(&s, 0..10).unwrap();
        // 10.5 at index 9 and eight present points after it, the gap at 12 skipped.
        assert_eq!(rules(&c), vec![(Rule::EightOneSide, 9, 18)]);
        assert_eq!(c.limits[12], None, "no limits where there is no value");
    }

    #[test]
    fn p_chart_limits_follow_each_denominator() {
        // Baseline 80/100 and 170/200 → p̄ = 250/300 = 0.8333.
        let pts = vec![
            ChartInput {
                value: Some(0.8),
                numerator: Some(80.0),
                denominator: Some(100.0),
                partial: false,
            },
            ChartInput {
                value: Some(0.85),
                numerator: Some(170.0),
                denominator: Some(200.0),
                partial: false,
            },
            ChartInput {
                value: Some(0.6),
                numerator: Some(240.0),
                denominator: Some(400.0),
                partial: false,
            },
            ChartInput {
                value: Some(0.7),
                numerator: Some(7.0),
                denominator: Some(10.0),
                partial: false,
            },
        ];
        let c = p_chart(&pts, 0..2).unwrap();
        let p = 250.0 / 300.0;
        assert!((c.centre - p).abs() < 1e-12);
        let s100 = (p * (1.0 - p) / 100.0).sqrt();
        let l0 = c.limits[0].unwrap();
        assert!((l0.sigma - s100).abs() < 1e-12);
        assert!((l0.lower - (p - 3.0 * s100)).abs() < 1e-12);
        // n = 10: the upper limit would be 0.8333 + 3 × 0.1179 > 1, so it is clipped to 1.
        assert_eq!(c.limits[3].unwrap().upper, 1.0);
        // 0.6 with n = 400 is far below p̄ − 3σ (0.7774); 0.7 with n = 10 is inside (0.4798).
        assert_eq!(rules(&c), vec![(Rule::BeyondLimits, 2, 2)]);
    }

    fn counts(xs: &[(f64, f64)]) -> Vec<ChartInput> {
        xs.iter()
            .map(|&(n, d)| ChartInput {
                value: Some(n / d),
                numerator: Some(n),
                denominator: Some(d),
                partial: false,
            })
            .collect()
    }

    #[test]
    fn laney_p_limits_by_hand() {
        // Baseline 10/100, 20/100, 15/100, 30/200: p̄ = 75/500 = 0.15.
        // σᵢ = √(0.15 × 0.85 / n): 0.0357071 for n = 100, 0.0252488 for n = 200.
        // zᵢ = (pᵢ − p̄) / σᵢ: −1.400280, +1.400280, 0, 0; moving ranges 2.800560, 1.400280, 0,
        // mean 1.400280, so σ_z = 1.400280 / 1.128 = 1.241383.
        // n = 100: σ = 0.0357071 × 1.241383 = 0.0443262, limits 0.15 ± 0.1329787.
        let c = laney_p_chart(
            &counts(&[(10.0, 100.0), (20.0, 100.0), (15.0, 100.0), (30.0, 200.0)]),
            0..4,
        )
        .unwrap();
        assert_eq!(c.method, ChartMethod::LaneyP);
        assert!((c.centre - 0.15).abs() < 1e-12);
        let l = c.limits[0].unwrap();
        assert!((l.sigma - 0.044_326_241_134_751_78).abs() < 1e-12, "{l:?}");
        assert!((l.lower - 0.017_021_276_595_744_65).abs() < 1e-12, "{l:?}");
        assert!((l.upper - 0.282_978_723_404_255_34).abs() < 1e-12, "{l:?}");
        // n = 200: σ = 0.0252488 × 1.241383 = 0.0313434.
        let l = c.limits[3].unwrap();
        assert!((l.sigma - 0.031_343_385_690_893_07).abs() < 1e-12, "{l:?}");
        assert_eq!(c.baseline_points, 4);
        assert!(c.signals.is_empty(), "{:?}", c.signals);
    }

    #[test]
    fn laney_p_stops_large_samples_from_signalling_every_week() {
        // Eight weeks of 20,000 contacts at 78%–81%: p̄ = 0.79, binomial σ = 0.00288, so the
        // p-chart's limits (78.14%–79.86%) put six of the eight weeks beyond them. The z-scores
        // spread 6.16 times wider than the binomial model says (σ_z = 6.156), and p′ limits of
        // 73.7%–84.3% hold every week.
        let weeks = [0.78, 0.80, 0.79, 0.81, 0.77, 0.80, 0.79, 0.78];
        let pts = counts(
            &weeks
                .iter()
                .map(|v| (v * 20_000.0, 20_000.0))
                .collect::<Vec<_>>(),
        );
        let p = p_chart(&pts, 0..8).unwrap();
        let beyond = |c: &ControlChart| {
            c.signals
                .iter()
                .filter(|s| s.rule == Rule::BeyondLimits)
                .count()
        };
        assert_eq!(beyond(&p), 6, "{:?}", p.signals);
        let l = laney_p_chart(&pts, 0..8).unwrap();
        let lim = l.limits[0].unwrap();
        assert!(
            (lim.lower - 0.736_808_510_638_297_9).abs() < 1e-9,
            "{lim:?}"
        );
        assert!(
            (lim.upper - 0.843_191_489_361_702_2).abs() < 1e-9,
            "{lim:?}"
        );
        assert_eq!(beyond(&l), 0, "{:?}", l.signals);
        assert_eq!(proportion_method(&pts, 0..8), ChartMethod::LaneyP);
        // A hundred contacts a week keeps the p-chart.
        let small = counts(&[(78.0, 100.0), (80.0, 100.0), (79.0, 100.0)]);
        assert_eq!(proportion_method(&small, 0..3), ChartMethod::P);
    }

    #[test]
    fn too_short_a_baseline_is_refused() {
        assert!(xmr(&vals(&[1.0, 2.0]), 0..1).is_err());
        assert!(p_chart(&vals(&[0.5, 0.5]), 0..2).is_err(), "no counts");
    }
}
