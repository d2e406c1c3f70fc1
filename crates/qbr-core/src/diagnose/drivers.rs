//! What drove a change: a ratio metric's move between two periods split by the segments of one
//! dimension into a **rate** part (each segment's own value moved) and a **mix** part (volume
//! shifted between segments of different values).
//!
//! The metric over a scope is R = Σ wᵢ rᵢ with rᵢ a segment's value and wᵢ its share of the
//! metric's denominator (calls handled for AHT, offered less short abandons for service level),
//! which is exactly the ratio of sums. The symmetric (midpoint) decomposition
//!
//! ```text
//! rate_i = w̄ᵢ · (rᵢ₁ − rᵢ₀)            w̄ᵢ = (wᵢ₀ + wᵢ₁) / 2
//! mix_i  = (r̄ᵢ − R̄) · (wᵢ₁ − wᵢ₀)      r̄ᵢ = (rᵢ₀ + rᵢ₁) / 2,  R̄ = (R₀ + R₁) / 2
//! ```
//!
//! adds up to R₁ − R₀ exactly: (w̄ Δr + r̄ Δw) = Δ(w r) term by term, and Σ Δwᵢ = 0 so
//! subtracting R̄ changes no total while making each segment's mix read naturally (more volume in
//! a segment above the average raises the metric).
//!
//! A segment present in only one period (no volume in the other) has no rate to compare: its
//! value in the missing period is taken equal to the one it has, so its rate part is 0 and all of
//! its effect is mix (it arrived or left). A segment with volume but no value (its numerator is
//! not measured) cannot be placed and is listed as excluded; the totals are then over the other
//! segments.

use crate::error::{Error, Result};
use crate::measure::Dimension;
use crate::metrics::catalog::Metric;
use crate::metrics::ScorecardRequest;
use crate::period::Period;
use crate::store::Workspace;

/// One segment of one period: its value and its volume (the metric's denominator).
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentInput {
    pub key: String,
    pub value: Option<f64>,
    pub volume: Option<f64>,
}

/// In which periods a segment has volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Both,
    OnlyFrom,
    OnlyTo,
}

impl Presence {
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Both => "both",
            Presence::OnlyFrom => "only_from",
            Presence::OnlyTo => "only_to",
        }
    }
}

/// One segment's share of the change.
#[derive(Debug, Clone, PartialEq)]
pub struct DriverSegment {
    pub key: String,
    pub presence: Presence,
    pub value_from: Option<f64>,
    pub value_to: Option<f64>,
    pub volume_from: f64,
    pub volume_to: f64,
    pub share_from: f64,
    pub share_to: f64,
    pub rate_effect: f64,
    pub mix_effect: f64,
}

impl DriverSegment {
    pub fn total_effect(&self) -> f64 {
        self.rate_effect + self.mix_effect
    }
}

/// The split of a change; `rate_total + mix_total == change` (to rounding).
#[derive(Debug, Clone, PartialEq)]
pub struct DriverSplit {
    pub value_from: f64,
    pub value_to: f64,
    pub change: f64,
    pub rate_total: f64,
    pub mix_total: f64,
    /// Largest |total effect| first.
    pub segments: Vec<DriverSegment>,
    /// Segments left out, with the reason.
    pub excluded: Vec<(String, String)>,
}

/// Splits the change from `from` to `to`. `Err` when a period has no segment with a value.
pub fn split(
    from: &[SegmentInput],
    to: &[SegmentInput],
) -> std::result::Result<DriverSplit, String> {
    let mut excluded = Vec::new();
    let mut usable = |side: &[SegmentInput], name: &str| -> Vec<(String, f64, f64)> {
        let mut out = Vec::new();
        for s in side {
            match (s.value, s.volume) {
                (Some(v), Some(w)) if w > 0.0 && v.is_finite() => out.push((s.key.clone(), v, w)),
                (None, Some(w)) if w > 0.0 => excluded.push((
                    s.key.clone(),
                    format!("it has volume in the {name} period but no value"),
                )),
                _ => {}
            }
        }
        out
    };
    let a = usable(from, "first");
    let b = usable(to, "second");
    let excluded_keys: Vec<String> = excluded
        .iter()
        .map(|e: &(String, String)| e.0.clone())
        .collect();
    let a: Vec<_> = a
        .into_iter()
        .filter(|s| !excluded_keys.contains(&s.0))
        .collect();
    let b: Vec<_> = b
        .into_iter()
        .filter(|s| !excluded_keys.contains(&s.0))
        .collect();
    let total = |xs: &[(String, f64, f64)]| xs.iter().map(|s| s.2).sum::<f64>();
    let (wa, wb) = (total(&a), total(&b));
    if wa <= 0.0 || wb <= 0.0 {
        return Err("a period has no segment with both a value and a volume".into());
    }
    let r0 = a.iter().map(|s| s.1 * s.2).sum::<f64>() / wa;
    let r1 = b.iter().map(|s| s.1 * s.2).sum::<f64>() / wb;
    let r_mid = (r0 + r1) / 2.0;
    let mut keys: Vec<String> = a.iter().chain(&b).map(|s| s.0.clone()).collect();
    keys.sort();
    keys.dedup();
    let mut segments = Vec::new();
    for key in keys {
        let x = a.iter().find(|s| s.0 == key);
        let y = b.iter().find(|s| s.0 == key);
        let (presence, v0, v1) = match (x, y) {
            (Some(x), Some(y)) => (Presence::Both, x.1, y.1),
            (Some(x), None) => (Presence::OnlyFrom, x.1, x.1),
            (None, Some(y)) => (Presence::OnlyTo, y.1, y.1),
            (None, None) => unreachable!("a key comes from one side"),
        };
        let (vol0, vol1) = (x.map_or(0.0, |s| s.2), y.map_or(0.0, |s| s.2));
        let (s0, s1) = (vol0 / wa, vol1 / wb);
        segments.push(DriverSegment {
            key,
            presence,
            value_from: x.map(|s| s.1),
            value_to: y.map(|s| s.1),
            volume_from: vol0,
            volume_to: vol1,
            share_from: s0,
            share_to: s1,
            rate_effect: (s0 + s1) / 2.0 * (v1 - v0),
            mix_effect: ((v0 + v1) / 2.0 - r_mid) * (s1 - s0),
        });
    }
    segments.sort_by(|p, q| q.total_effect().abs().total_cmp(&p.total_effect().abs()));
    Ok(DriverSplit {
        value_from: r0,
        value_to: r1,
        change: r1 - r0,
        rate_total: segments.iter().map(|s| s.rate_effect).sum(),
        mix_total: segments.iter().map(|s| s.mix_effect).sum(),
        segments,
        excluded,
    })
}

/// A driver analysis of a metric in a workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Drivers {
    pub metric: Metric,
    pub from: Period,
    pub to: Period,
    pub by: Dimension,
    pub split: DriverSplit,
}

impl Workspace {
    /// Splits `metric_id`'s change from `from` to `to` by the members of `by`.
    pub fn drivers(
        &self,
        metric_id: &str,
        from: Period,
        to: Period,
        by: Dimension,
        filters: &[(Dimension, String)],
    ) -> Result<Drivers> {
        self.check_members(filters)?;
        let segments = |period: Period| -> Result<(Metric, Vec<SegmentInput>)> {
            let card = self.scorecard(&ScorecardRequest {
                period,
                metrics: vec![metric_id.to_string()],
                group_by: vec![by],
                filters: filters.to_vec(),
                compare: false,
            })?;
            let metric = card
                .metrics
                .first()
                .cloned()
                .ok_or_else(|| unknown(metric_id))?;
            let segs = card
                .groups
                .iter()
                .filter_map(|g| {
                    let e = g.metric(metric_id)?;
                    Some(SegmentInput {
                        key: g.key.label(),
                        value: e.value.value,
                        volume: e.value.denominator,
                    })
                })
                .collect();
            Ok((metric, segs))
        };
        let (metric, a) = segments(from.clone())?;
        if metric.formula.denominator.is_none() {
            return Err(Error::InvalidSetting {
                field: "metric".into(),
                message: format!(
                    "{} is a count; a rate and mix split needs a ratio or an average (its change by {} is in the breakdown)",
                    metric.id,
                    by.as_str()
                ),
            });
        }
        let (_, b) = segments(to.clone())?;
        // A period with nothing to split is named, with the metric's own reason.
        for (side, period) in [(&a, &from), (&b, &to)] {
            let usable = side
                .iter()
                .any(|s| s.value.is_some() && s.volume.is_some_and(|v| v > 0.0));
            if !usable {
                let why = self
                    .scorecard(&ScorecardRequest {
                        period: period.clone(),
                        metrics: vec![metric_id.to_string()],
                        group_by: Vec::new(),
                        filters: filters.to_vec(),
                        compare: false,
                    })?
                    .groups
                    .first()
                    .and_then(|g| g.metric(metric_id))
                    .and_then(|e| e.value.reason.clone())
                    .unwrap_or_else(|| "no data in this scope".into());
                return Err(Error::InvalidSetting {
                    field: "period".into(),
                    message: format!(
                        "{} has no value by {} in {}: {why}",
                        metric.name,
                        by.as_str(),
                        period.label
                    ),
                });
            }
        }
        let split = split(&a, &b).map_err(|m| Error::InvalidSetting {
            field: "period".into(),
            message: format!("{}: {m}", metric.id),
        })?;
        Ok(Drivers {
            metric,
            from,
            to,
            by,
            split,
        })
    }
}

fn unknown(id: &str) -> Error {
    Error::InvalidSetting {
        field: "metric".into(),
        message: format!("unknown metric {id:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(key: &str, value: f64, volume: f64) -> SegmentInput {
        SegmentInput {
            key: key.into(),
            value: Some(value),
            volume: Some(volume),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// AHT by program. Q2: Billing 600 calls at 300 s, Tech Support 400 at 600 s → 420 s.
    /// Q3: Billing 500 at 330 s, Tech Support 500 at 600 s → 465 s; the change is +45 s.
    /// Shares move 0.6/0.4 → 0.5/0.5; R̄ = 442.5.
    /// Rate: Billing 0.55 × 30 = 16.5, Tech Support 0.45 × 0 = 0.
    /// Mix: Billing (315 − 442.5) × −0.1 = 12.75, Tech Support (600 − 442.5) × 0.1 = 15.75.
    /// 16.5 + 12.75 + 15.75 = 45.
    #[test]
    fn two_segment_aht_by_hand() {
        let s = split(
            &[
                seg("Billing", 300.0, 600.0),
                seg("Tech Support", 600.0, 400.0),
            ],
            &[
                seg("Billing", 330.0, 500.0),
                seg("Tech Support", 600.0, 500.0),
            ],
        )
        .unwrap();
        assert!(
            close(s.value_from, 420.0) && close(s.value_to, 465.0),
            "{s:?}"
        );
        assert!(close(s.change, 45.0));
        let b = s.segments.iter().find(|x| x.key == "Billing").unwrap();
        let t = s.segments.iter().find(|x| x.key == "Tech Support").unwrap();
        assert!(close(b.rate_effect, 16.5), "{b:?}");
        assert!(close(b.mix_effect, 12.75), "{b:?}");
        assert!(close(t.rate_effect, 0.0), "{t:?}");
        assert!(close(t.mix_effect, 15.75), "{t:?}");
        assert!(close(s.rate_total, 16.5) && close(s.mix_total, 28.5));
        // Exact in arithmetic; in floating point to the last bits.
        assert!(
            (s.rate_total + s.mix_total - s.change).abs() < 1e-12,
            "the parts add up"
        );
        assert_eq!(
            s.segments[0].key, "Billing",
            "largest effect first (29.25 > 15.75)"
        );
    }

    #[test]
    fn a_segment_in_one_period_only_is_all_mix() {
        // Q2: A 100 at 0.9. Q3: A 100 at 0.8, new B 100 at 0.5. R 0.9 → 0.65, change −0.25.
        // A: rate 0.75 × −0.1 = −0.075; mix (0.85 − 0.775) × −0.5 = −0.0375.
        // B: rate 0 (no earlier value); mix (0.5 − 0.775) × 0.5 = −0.1375. Sum −0.25.
        let s = split(
            &[seg("A", 0.9, 100.0)],
            &[seg("A", 0.8, 100.0), seg("B", 0.5, 100.0)],
        )
        .unwrap();
        let a = s.segments.iter().find(|x| x.key == "A").unwrap();
        let b = s.segments.iter().find(|x| x.key == "B").unwrap();
        assert_eq!(b.presence, Presence::OnlyTo);
        assert_eq!(b.value_from, None);
        assert!(
            close(a.rate_effect, -0.075) && close(a.mix_effect, -0.0375),
            "{a:?}"
        );
        assert!(
            close(b.rate_effect, 0.0) && close(b.mix_effect, -0.1375),
            "{b:?}"
        );
        assert!(close(s.rate_total + s.mix_total, -0.25));
    }

    #[test]
    fn a_segment_without_a_value_is_excluded_and_said() {
        let s = split(
            &[
                seg("A", 10.0, 5.0),
                SegmentInput {
                    key: "B".into(),
                    value: None,
                    volume: Some(3.0),
                },
            ],
            &[seg("A", 12.0, 5.0), seg("B", 20.0, 3.0)],
        )
        .unwrap();
        assert_eq!(s.excluded.len(), 1);
        assert_eq!(s.excluded[0].0, "B");
        assert_eq!(s.segments.len(), 1, "B is left out of both periods");
        assert!(close(s.change, 2.0));
        assert!(split(&[], &[seg("A", 1.0, 1.0)]).is_err());
    }

    #[test]
    fn demo_split_adds_up_and_names_tech_support() {
        let dir = tempfile::tempdir().unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let (ws, _) = crate::demo::create(
            &dir.path().join("d.qbr"),
            &crate::demo::DemoSpec::default(),
            now,
        )
        .unwrap();
        let q2 = Period::parse("2026-Q2", 1).unwrap();
        let q3 = Period::parse("2026-Q3", 1).unwrap();
        let d = ws
            .drivers("aht", q2.clone(), q3.clone(), Dimension::Program, &[])
            .unwrap();
        let s = &d.split;
        assert!(
            (s.rate_total + s.mix_total - s.change).abs() < 1e-9,
            "additive on the demo: {s:?}"
        );
        // The split's totals are the scorecard's AHT (a ratio of sums) for each quarter.
        let card = |p| {
            ws.scorecard(&ScorecardRequest {
                period: p,
                metrics: vec!["aht".into()],
                group_by: vec![],
                filters: vec![],
                compare: false,
            })
            .unwrap()
            .groups[0]
                .metric("aht")
                .unwrap()
                .value
                .value
                .unwrap()
        };
        assert!((s.value_from - card(q2)).abs() < 1e-9);
        assert!((s.value_to - card(q3)).abs() < 1e-9);
        assert_eq!(s.segments[0].key, "Tech Support", "the demo's story: {s:?}");
        assert!(s.segments[0].rate_effect > 0.0 && s.segments[0].mix_effect > 0.0);
    }
}
