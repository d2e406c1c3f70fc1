//! Erlang C staffing: the service level, speed of answer and occupancy expected with N agents for
//! a given load, the agents needed to reach a target, and the staff to roster after shrinkage
//! (metrics.md, "Erlang C"). Erlang C ignores abandonment, so it overstates the staff needed where
//! callers give up.
//!
//! C is computed through the Erlang B recursion B(k) = A·B(k−1) / (k + A·B(k−1)),
//! C = N·B / (N − A·(1 − B)), which stays stable for thousands of agents (no factorials).

/// The most agents a staffing question is computed for; a load needing more is refused with that
/// reason rather than computed for minutes.
pub const MAX_AGENTS: u32 = 100_000;

/// The load of one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Load {
    pub calls: f64,
    pub aht_s: f64,
    pub interval_s: f64,
}

impl Load {
    /// Traffic in Erlangs: calls × AHT / interval.
    pub fn erlangs(&self) -> f64 {
        self.calls * self.aht_s / self.interval_s
    }
}

/// What N agents give under a load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Staffed {
    pub agents: u32,
    /// Probability that a call waits.
    pub p_wait: f64,
    /// Share answered within the threshold.
    pub service_level: f64,
    pub asa_s: f64,
    pub occupancy: f64,
}

/// Erlang B with `n` servers and `a` Erlangs.
pub fn erlang_b(n: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=n {
        b = a * b / (f64::from(k) + a * b);
    }
    b
}

/// P(wait) with `n` agents; `None` when n ≤ A (the queue grows without end).
pub fn erlang_c(n: u32, a: f64) -> Option<f64> {
    let nf = f64::from(n);
    if nf <= a || a < 0.0 {
        return None;
    }
    let b = erlang_b(n, a);
    Some(nf * b / (nf - a * (1.0 - b)))
}

/// Service level, ASA and occupancy with `n` agents and threshold `t_s`; `None` when n ≤ A,
/// n > [`MAX_AGENTS`], or the load or threshold is not a finite number.
pub fn staffed(load: Load, n: u32, t_s: f64) -> Option<Staffed> {
    if n > MAX_AGENTS || !(t_s.is_finite() && t_s >= 0.0) || load_problem(load).is_some() {
        return None;
    }
    let a = load.erlangs();
    if f64::from(n) <= a {
        return None;
    }
    Some(from_erlang_b(load, n, erlang_b(n, a), t_s))
}

/// What N agents give, from Erlang B with N servers (`b`).
fn from_erlang_b(load: Load, n: u32, b: f64, t_s: f64) -> Staffed {
    let a = load.erlangs();
    let nf = f64::from(n);
    let c = nf * b / (nf - a * (1.0 - b));
    let spare = nf - a;
    Staffed {
        agents: n,
        p_wait: c,
        service_level: 1.0 - c * (-spare * t_s / load.aht_s).exp(),
        asa_s: c * load.aht_s / spare,
        occupancy: a / nf,
    }
}

/// Why a load cannot be staffed: not a finite, positive number of Erlangs, or more than
/// [`MAX_AGENTS`] would be needed.
pub fn load_problem(load: Load) -> Option<String> {
    let a = load.erlangs();
    if !(load.calls.is_finite() && load.aht_s.is_finite() && a.is_finite()) || a < 0.0 {
        return Some("the load is not a finite number of Erlangs".into());
    }
    if a >= f64::from(MAX_AGENTS) {
        return Some(format!(
            "a load of {a:.0} Erlangs needs more than {MAX_AGENTS} agents; staffing is computed up \
             to {MAX_AGENTS}"
        ));
    }
    None
}

/// The fewest agents reaching `target_sl` within `t_s`; `None` for a target outside (0, 1), no
/// calls, a threshold that is not a finite number of seconds ≥ 0, or a load beyond
/// [`MAX_AGENTS`] ([`load_problem`] says which). Erlang B is carried from N to N + 1, so the
/// search costs one step per agent.
pub fn agents_for(load: Load, target_sl: f64, t_s: f64) -> Option<Staffed> {
    let target_ok = target_sl > 0.0 && target_sl < 1.0;
    let calls_ok = load.calls > 0.0;
    let threshold_ok = t_s.is_finite() && t_s >= 0.0;
    if !(target_ok && calls_ok && threshold_ok) || load_problem(load).is_some() {
        return None;
    }
    let a = load.erlangs();
    let mut n = (a.floor() as u32) + 1;
    let mut b = erlang_b(n, a);
    loop {
        let s = from_erlang_b(load, n, b, t_s);
        if s.service_level >= target_sl {
            return Some(s);
        }
        if n >= MAX_AGENTS {
            return None;
        }
        n += 1;
        b = a * b / (f64::from(n) + a * b);
    }
}

/// Staff to roster so that `required` are on the phones: required / (1 − shrinkage).
pub fn rostered(required: f64, shrinkage: f64) -> Option<f64> {
    (0.0..1.0)
        .contains(&shrinkage)
        .then(|| required / (1.0 - shrinkage))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(calls: f64, aht: f64, t: f64, n: u32, p: f64, sl: f64, asa: f64) {
        let load = Load {
            calls,
            aht_s: aht,
            interval_s: 1800.0,
        };
        let s = staffed(load, n, t).unwrap();
        assert!(
            (s.p_wait - p).abs() < 5e-8,
            "P(wait) {calls}/{aht}/{n}: {s:?}"
        );
        assert!(
            (s.service_level - sl).abs() < 5e-8,
            "SL {calls}/{aht}/{n}: {s:?}"
        );
        assert!((s.asa_s - asa).abs() < 5e-5, "ASA {calls}/{aht}/{n}: {s:?}");
    }

    #[test]
    fn metrics_md_vectors() {
        check(100.0, 180.0, 20.0, 14, 0.1741319, 0.8883500, 7.8359);
        check(100.0, 180.0, 20.0, 15, 0.1020424, 0.9414528, 3.6735);
        check(100.0, 180.0, 20.0, 20, 0.0037311, 0.9987717, 0.0672);
        check(360.0, 240.0, 15.0, 55, 0.2387009, 0.8458831, 8.1840);
    }

    #[test]
    fn agents_for_a_target_and_roster() {
        // 10 Erlangs: 14 agents give 88.8% within 20 s, 13 fewer than 80%.
        let load = Load {
            calls: 100.0,
            aht_s: 180.0,
            interval_s: 1800.0,
        };
        let s = agents_for(load, 0.80, 20.0).unwrap();
        assert_eq!(s.agents, 14);
        assert!(staffed(load, 13, 20.0).unwrap().service_level < 0.80);
        assert!((s.occupancy - 10.0 / 14.0).abs() < 1e-12);
        // 14 on the phones with 30% shrinkage: 14 / 0.7 = 20, not 14 × 1.3 = 18.2.
        assert!((rostered(14.0, 0.30).unwrap() - 20.0).abs() < 1e-12);
        assert_eq!(rostered(14.0, 1.0), None);
        assert_eq!(staffed(load, 10, 20.0), None, "N = A is unstable");
    }

    #[test]
    fn hostile_inputs_end_quickly_with_no_value() {
        let load = Load {
            calls: 100.0,
            aht_s: 180.0,
            interval_s: 1800.0,
        };
        assert_eq!(agents_for(load, 0.8, f64::NAN), None, "a NaN threshold");
        assert_eq!(agents_for(load, 0.8, -5.0), None, "a negative threshold");
        assert_eq!(staffed(load, 14, f64::NAN), None);
        assert_eq!(
            staffed(load, u32::MAX, 20.0),
            None,
            "4,294,967,295 agents is refused, not iterated"
        );
        // 33 million Erlangs and 3.3e13 Erlangs: refused with the reason, at once.
        for calls in [330_000_000.0, 3.3e14] {
            let huge = Load { calls, ..load };
            assert_eq!(agents_for(huge, 0.8, 20.0), None);
            let why = load_problem(huge).expect("a reason");
            assert!(why.contains("more than 100000 agents"), "{why}");
        }
        let inf = Load {
            calls: f64::INFINITY,
            ..load
        };
        assert_eq!(
            load_problem(inf).as_deref(),
            Some("the load is not a finite number of Erlangs")
        );
    }

    #[test]
    fn the_step_from_n_to_n_plus_1_matches_the_recursion() {
        // agents_for carries Erlang B from N to N + 1; staffed recomputes it from 0. The metrics.md
        // vector: 10 Erlangs need 14 agents for 80% in 20 s, with P(wait) 0.1741319.
        let load = Load {
            calls: 100.0,
            aht_s: 180.0,
            interval_s: 1800.0,
        };
        let s = agents_for(load, 0.8, 20.0).unwrap();
        assert_eq!(s, staffed(load, 14, 20.0).unwrap());
        assert!((s.p_wait - 0.1741319).abs() < 5e-8);
    }

    #[test]
    fn large_n_stays_finite() {
        // 4,000 Erlangs: factorials would overflow; the recursion does not.
        let load = Load {
            calls: 40_000.0,
            aht_s: 180.0,
            interval_s: 1800.0,
        };
        let s = agents_for(load, 0.8, 20.0).unwrap();
        assert!(s.agents > 4_000 && s.agents < 4_100, "{s:?}");
        assert!(s.p_wait.is_finite() && s.service_level >= 0.8);
    }
}
