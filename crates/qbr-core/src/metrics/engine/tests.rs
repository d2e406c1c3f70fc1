//! Engine tests: every test vector of metrics.md, missing-value reasons, sample flags, and
//! scorecards over real workspaces (grouping, filters, targets, comparisons, variants, custom
//! metrics, repeat-contact FCR), plus a property test against a plain recomputation.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::measure::Measures;
use crate::metrics::formula::CustomMetric;
use crate::metrics::variant::{AttritionVariant, CsatVariant, ServiceLevelVariant};
use crate::metrics::Direction;
use crate::settings::Settings;
use crate::store::{FactKey, NewBatch, NewTarget, WriteTx};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:30:00Z")
        .unwrap()
        .into()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An aggregate holding exactly `m`, as one day's cell.
fn agg(m: Measures) -> Aggregate {
    let mut a = Aggregate::default();
    a.add_cell(&FactCell {
        key: vec![],
        slot: d("2026-07-01"),
        monthly: false,
        stock_days: [
            u32::from(m.get(Measure::Headcount).is_some()),
            u32::from(m.get(Measure::Fte).is_some()),
        ],
        known: m.known(),
        program: None,
        queue: None,
        sums: m,
    });
    a
}

fn metric(id: MetricId) -> Metric {
    Metric::builtin(id, &MetricVariants::default())
}

fn value_of(id: MetricId, v: &MetricVariants, a: &Aggregate, months: f64) -> MetricValue {
    evaluate(&Metric::builtin(id, v), a, months)
}

fn assert_close(actual: Option<f64>, expected: f64, why: &str) {
    let a = actual.unwrap_or_else(|| panic!("expected {expected}, got no value: {why}"));
    assert!(
        (a - expected).abs() < 1e-9 * expected.abs().max(1.0),
        "expected {expected}, got {a}: {why}"
    );
}

/// The rounded percentage, as a pack prints it.
fn pct2(v: Option<f64>) -> f64 {
    (v.expect("a value") * 10_000.0).round() / 100.0
}

// ---- metrics.md test vectors -------------------------------------------------------------

fn icmi() -> Aggregate {
    // 1,000 answered, 860 within 20 s, 60 abandoned, 20 of them within 20 s, 10 within 5 s.
    agg(Measures::default()
        .with(Measure::Offered, 1060.0)
        .with(Measure::Handled, 1000.0)
        .with(Measure::AnsweredInThreshold, 860.0)
        .with(Measure::Abandoned, 60.0)
        .with(Measure::AbandonedInThreshold, 20.0)
        .with(Measure::ShortAbandoned, 10.0))
}

#[test]
fn icmi_service_level_five_variants() {
    let a = icmi();
    for (variant, expected, why) in [
        (
            ServiceLevelVariant::ShortAbandonsExcluded,
            81.90,
            "860 / (1,060 − 10)",
        ),
        (ServiceLevelVariant::AbandonsIgnored, 86.00, "860 / 1,000"),
        (
            ServiceLevelVariant::AbandonsCountAgainst,
            81.13,
            "860 / 1,060",
        ),
        (
            ServiceLevelVariant::AbandonsInThresholdExcluded,
            82.69,
            "860 / (1,060 − 20)",
        ),
        (
            ServiceLevelVariant::AbandonsInThresholdMet,
            83.02,
            "(860 + 20) / 1,060",
        ),
    ] {
        let v = MetricVariants {
            service_level: variant,
            ..MetricVariants::default()
        };
        let sl = value_of(MetricId::ServiceLevel, &v, &a, 3.0);
        assert_eq!(pct2(sl.value), expected, "{variant:?}: {why}");
        assert_eq!(sl.n, Some(1060), "n is the contacts offered");
    }
    let exact = value_of(MetricId::ServiceLevel, &MetricVariants::default(), &a, 3.0);
    assert_close(exact.value, 860.0 / 1050.0, "the default is 860 / 1,050");
    assert_eq!(
        (exact.numerator, exact.denominator),
        (Some(860.0), Some(1050.0)),
        "numerator and denominator are shown with the value"
    );
}

#[test]
fn nps_one_response_per_score() {
    // Scores 0..10 once each: promoters 9, 10; detractors 0..6.
    let a = agg(Measures::default()
        .with(Measure::NpsResponses, 11.0)
        .with(Measure::NpsPromoters, 2.0)
        .with(Measure::NpsDetractors, 7.0));
    let nps = evaluate(&metric(MetricId::Nps), &a, 3.0);
    assert_close(nps.value, -500.0 / 11.0, "(2 − 7) / 11 × 100");
    assert_eq!((nps.value.unwrap() * 100.0).round() / 100.0, -45.45);
    assert_eq!(
        nps.numerator,
        Some(-5.0),
        "the numerator is before the × 100"
    );
    assert!(
        nps.is_low_sample(),
        "11 responses are below the survey minimum of 30"
    );
}

#[test]
fn ces_from_score_counts() {
    let counts = [80.0, 210.0, 140.0, 110.0, 160.0, 180.0, 120.0];
    let responses: f64 = counts.iter().sum();
    let sum: f64 = counts
        .iter()
        .enumerate()
        .map(|(i, c)| (i + 1) as f64 * c)
        .sum();
    assert_eq!(
        (responses, sum),
        (1000.0, 4080.0),
        "hand count of the vector"
    );
    let a = agg(Measures::default()
        .with(Measure::CesResponses, responses)
        .with(Measure::CesSum, sum));
    let ces = evaluate(&metric(MetricId::Ces), &a, 3.0);
    assert_close(ces.value, 4.08, "4,080 / 1,000");
    assert_eq!(ces.n, Some(1000));
    assert!(!ces.is_low_sample());
}

#[test]
fn adherence_from_schedule() {
    // Scheduled 08:00–11:00, adherent 08:00–10:30.
    let a = agg(Measures::default()
        .with(Measure::ScheduledS, 3.0 * 3600.0)
        .with(Measure::AdherentS, 2.5 * 3600.0));
    let adh = evaluate(&metric(MetricId::Adherence), &a, 1.0);
    assert_close(adh.value, 150.0 / 180.0, "150 / 180 minutes");
    assert_eq!((adh.value.unwrap() * 1000.0).round() / 10.0, 83.3);
}

#[test]
fn attrition_annualised_and_not() {
    // 20 leavers over 6 months on an average headcount of 500: monthly levels average to 500.
    let mut a = Aggregate::default();
    for (i, hc) in [490.0, 510.0, 500.0, 495.0, 505.0, 500.0]
        .iter()
        .enumerate()
    {
        a.add_cell(&FactCell {
            key: vec![],
            slot: d(&format!("2026-{:02}-01", i + 1)),
            monthly: true,
            sums: Measures::default()
                .with(Measure::Headcount, *hc)
                .with(Measure::Leavers, if i == 0 { 20.0 } else { 0.0 }),
            stock_days: [1, 0],
            known: 0,
            program: None,
            queue: None,
        });
    }
    assert_close(
        a.value(Measure::Headcount),
        500.0,
        "mean of the six monthly levels",
    );
    let annual = value_of(MetricId::Attrition, &MetricVariants::default(), &a, 6.0);
    assert_close(annual.value, 0.08, "20 / 500 × 12 / 6");
    let period = MetricVariants {
        attrition: AttritionVariant::PeriodRate,
        ..MetricVariants::default()
    };
    assert_close(
        value_of(MetricId::Attrition, &period, &a, 6.0).value,
        0.04,
        "20 / 500 over the period",
    );
}

// ---- missing values and flags ------------------------------------------------------------

#[test]
fn no_value_is_never_zero_and_says_why() {
    let empty = Aggregate::default();
    for (id, reason) in [
        (MetricId::Csat, "no survey responses"),
        (MetricId::ServiceLevel, "no contacts offered"),
        (MetricId::Aht, "no contacts handled"),
        (MetricId::Nps, "no NPS responses"),
        (MetricId::QualityScore, "no quality evaluations"),
        (MetricId::Attrition, "no headcount"),
        (MetricId::Roi, "no investment"),
        (MetricId::Offered, "no contact volumes in this scope"),
    ] {
        let v = evaluate(&metric(id), &empty, 3.0);
        assert_eq!(v.value, None, "{id} has no data");
        assert_eq!(v.reason.as_deref(), Some(reason), "{id}");
    }
    // A measured zero denominator: no value, but the zero is shown.
    let zero = agg(Measures::default()
        .with(Measure::CsatResponses, 0.0)
        .with(Measure::CsatSatisfied, 0.0));
    let csat = evaluate(&metric(MetricId::Csat), &zero, 3.0);
    assert_eq!(csat.value, None, "0 / 0 is no value, not 0 and not NaN");
    assert_eq!(csat.denominator, Some(0.0));
    assert_eq!(csat.reason.as_deref(), Some("no survey responses"));
    // The denominator is there but part of the numerator is not.
    let half = agg(Measures::default().with(Measure::CsatResponses, 40.0));
    let csat = evaluate(&metric(MetricId::Csat), &half, 3.0);
    assert_eq!(csat.value, None);
    assert_eq!(
        csat.reason.as_deref(),
        Some("csat_satisfied is not in the data for this scope")
    );
    assert_eq!(csat.n, Some(40), "the sample is still reported");
    // A measured zero count is a value.
    let none_offered = agg(Measures::default().with(Measure::Offered, 0.0));
    assert_eq!(
        evaluate(&metric(MetricId::Offered), &none_offered, 3.0).value,
        Some(0.0),
        "zero contacts offered is a measured zero"
    );
    // Half a denominator: short abandons measured, offered not.
    let partial = agg(Measures::default()
        .with(Measure::ShortAbandoned, 3.0)
        .with(Measure::AnsweredInThreshold, 3.0));
    assert_eq!(
        evaluate(&metric(MetricId::ServiceLevel), &partial, 3.0)
            .reason
            .as_deref(),
        Some("offered is not in the data for this scope")
    );
}

#[test]
fn low_sample_flags_follow_the_minimums() {
    let csat = |n: f64| {
        evaluate(
            &metric(MetricId::Csat),
            &agg(Measures::default()
                .with(Measure::CsatResponses, n)
                .with(Measure::CsatSatisfied, n)),
            3.0,
        )
    };
    assert!(csat(29.0).is_low_sample(), "29 responses are below 30");
    assert!(!csat(30.0).is_low_sample(), "30 responses are enough");
    let quality = |n: f64| {
        evaluate(
            &metric(MetricId::QualityScore),
            &agg(Measures::default()
                .with(Measure::QaEvaluations, n)
                .with(Measure::QaScoreSum, 90.0 * n)),
            3.0,
        )
    };
    assert!(quality(9.0).is_low_sample(), "9 evaluations are below 10");
    assert!(!quality(10.0).is_low_sample());
    assert_close(quality(10.0).value, 90.0, "900 / 10");
}

#[test]
fn handle_time_stands_in_for_agent_handle_time() {
    let a = agg(Measures::default()
        .with(Measure::HandleS, 600.0)
        .with(Measure::AvailableS, 200.0)
        .with(Measure::PaidS, 1000.0));
    assert_close(
        evaluate(&metric(MetricId::Occupancy), &a, 1.0).value,
        0.75,
        "600 / (600 + 200) with handle_s standing in",
    );
    let b = agg(Measures::default()
        .with(Measure::HandleS, 600.0)
        .with(Measure::AgentHandleS, 400.0)
        .with(Measure::PaidS, 1000.0));
    assert_close(
        evaluate(&metric(MetricId::Utilization), &b, 1.0).value,
        0.4,
        "agent state data wins where it exists",
    );
}

#[test]
fn csat_mean_rating_variant() {
    let a = agg(Measures::default()
        .with(Measure::CsatResponses, 50.0)
        .with(Measure::CsatSatisfied, 40.0)
        .with(Measure::CsatSum, 215.0));
    let v = MetricVariants {
        csat: CsatVariant::MeanRating,
        ..MetricVariants::default()
    };
    assert_close(value_of(MetricId::Csat, &v, &a, 3.0).value, 4.3, "215 / 50");
    assert_close(
        value_of(MetricId::Csat, &MetricVariants::default(), &a, 3.0).value,
        0.8,
        "top two box: 40 / 50",
    );
}

// ---- workspaces --------------------------------------------------------------------------

fn workspace(dir: &Path, fiscal_start_month: u32) -> Workspace {
    let settings = Settings {
        fiscal_year_start_month: fiscal_start_month,
        ..Settings::default()
    };
    Workspace::create(&dir.join("metrics.qbr"), &settings, now()).unwrap()
}

fn batch(tx: &mut WriteTx<'_>) -> i64 {
    tx.new_batch(&NewBatch {
        kind: "intervals".into(),
        file_name: "test.csv".into(),
        file_size: 1,
        sha256: "test".into(),
        preset: None,
        mapping: None,
        source_timezone: "UTC".into(),
        started_at: now(),
        app_version: "test".into(),
    })
    .unwrap()
}

fn fact(day: &str, members: &[(Dimension, &str)]) -> FactKey {
    FactKey {
        day: Some(d(day)),
        monthly: false,
        members: members
            .iter()
            .map(|(dim, v)| (*dim, v.to_string()))
            .collect(),
    }
}

fn monthly(day: &str, members: &[(Dimension, &str)]) -> FactKey {
    FactKey {
        monthly: true,
        ..fact(day, members)
    }
}

fn insert(ws: &mut Workspace, rows: &[(FactKey, Measures)]) {
    let mut tx = ws.write().unwrap();
    let b = batch(&mut tx);
    for (k, m) in rows {
        tx.insert_fact(b, k, m).unwrap();
    }
    tx.commit().unwrap();
}

fn request(period: &str, metrics: &[&str]) -> ScorecardRequest {
    ScorecardRequest {
        period: Period::parse(period, 1).unwrap(),
        metrics: metrics.iter().map(|s| s.to_string()).collect(),
        group_by: vec![],
        filters: vec![],
        compare: false,
    }
}

fn key(parts: &[(Dimension, &str)]) -> GroupKey {
    GroupKey(
        parts
            .iter()
            .map(|(d, v)| (*d, Some(v.to_string())))
            .collect(),
    )
}

fn sl_row(offered: f64, in_threshold: f64) -> Measures {
    Measures::default()
        .with(Measure::Offered, offered)
        .with(Measure::ShortAbandoned, 0.0)
        .with(Measure::AnsweredInThreshold, in_threshold)
}

#[test]
fn combined_service_level_is_a_ratio_of_sums() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), 1);
    // Site A answers 78% of 300 within threshold, site B 85% of 1,200, spread over several days.
    insert(
        &mut ws,
        &[
            (
                fact("2026-07-01", &[(Dimension::Site, "A")]),
                sl_row(100.0, 80.0),
            ),
            (
                fact("2026-08-15", &[(Dimension::Site, "A")]),
                sl_row(200.0, 154.0),
            ),
            (
                fact("2026-07-02", &[(Dimension::Site, "B")]),
                sl_row(600.0, 500.0),
            ),
            (
                fact("2026-09-30", &[(Dimension::Site, "B")]),
                sl_row(600.0, 520.0),
            ),
        ],
    );
    let all = ws
        .scorecard(&request("2026-Q3", &["service_level"]))
        .unwrap();
    assert_eq!(
        all.groups.len(),
        1,
        "no grouping: one group for the whole scope"
    );
    let sl = &all.groups[0].metrics[0].value;
    assert_close(
        sl.value,
        0.836,
        "(234 + 1,020) / 1,500, not the plain mean 81.5%",
    );
    assert_eq!((sl.numerator, sl.denominator), (Some(1254.0), Some(1500.0)));

    let by_site = ws
        .scorecard(&ScorecardRequest {
            group_by: vec![Dimension::Site],
            ..request("2026-Q3", &["service_level"])
        })
        .unwrap();
    let sites: Vec<(String, Option<f64>)> = by_site
        .groups
        .iter()
        .map(|g| (g.key.label(), g.metrics[0].value.value))
        .collect();
    assert_eq!(sites.len(), 2);
    assert_eq!(sites[0].0, "A");
    assert_close(sites[0].1, 0.78, "234 / 300");
    assert_close(sites[1].1, 0.85, "1,020 / 1,200");
}

#[test]
fn stocks_add_across_dimensions_and_average_over_months() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), 1);
    let hc = |v: f64, leavers: f64| {
        Measures::default()
            .with(Measure::Headcount, v)
            .with(Measure::Leavers, leavers)
            .with(Measure::Fte, v * 0.9)
    };
    let mut rows = Vec::new();
    // Two teams, six months: 300 + 200 = 500 every month.
    for m in 1..=6 {
        let day = format!("2026-{m:02}-01");
        // North loses 2 a month in Q1 (6), South 14 in June: 20 in all.
        rows.push((
            monthly(&day, &[(Dimension::Team, "North")]),
            hc(300.0, if m <= 3 { 2.0 } else { 0.0 }),
        ));
        rows.push((
            monthly(&day, &[(Dimension::Team, "South")]),
            hc(200.0, if m == 6 { 14.0 } else { 0.0 }),
        ));
    }
    rows.push((
        monthly("2026-03-01", &[(Dimension::Program, "Billing")]),
        Measures::default().with(Measure::Revenue, 90_000.0),
    ));
    insert(&mut ws, &rows);
    let card = ws
        .scorecard(&request(
            "2026-01-01..2026-06-30",
            &["attrition", "revenue_per_employee", "revenue_per_fte"],
        ))
        .unwrap();
    let g = &card.groups[0];
    let attrition = &g.metric("attrition").unwrap().value;
    assert_close(attrition.value, 0.08, "20 / mean(500) × 12 / 6 months");
    assert_eq!(
        attrition.denominator,
        Some(500.0),
        "the mean headcount, not 3,000"
    );
    assert_close(
        g.metric("revenue_per_employee").unwrap().value.value,
        180.0,
        "90,000 / 500",
    );
    assert_close(
        g.metric("revenue_per_fte").unwrap().value.value,
        200.0,
        "90,000 / 450",
    );
    // A quarter uses 3 months: Q1 has 6 leavers on 500 → 6 / 500 × 4 = 4.8%.
    let q1 = ws.scorecard(&request("2026-Q1", &["attrition"])).unwrap();
    assert_close(
        q1.groups[0].metrics[0].value.value,
        0.048,
        "6 / 500 × 12 / 3",
    );
    // A week never covers a month, so monthly headcount cannot be judged there.
    let week = ws.scorecard(&request("2026-W02", &["attrition"])).unwrap();
    assert_eq!(
        week.groups[0].metrics[0].value.reason.as_deref(),
        Some("no headcount")
    );

    let mut ws = ws;
    ws.set_metric_variants(
        &MetricVariants {
            attrition: AttritionVariant::PeriodRate,
            ..MetricVariants::default()
        },
        now(),
    )
    .unwrap();
    let card = ws
        .scorecard(&request("2026-01-01..2026-06-30", &["attrition"]))
        .unwrap();
    assert_close(
        card.groups[0].metrics[0].value.value,
        0.04,
        "20 / 500, not annualised",
    );
    assert_eq!(card.metrics[0].formula_text(), "Σleavers / mean(headcount)");
}

fn seed_programs(ws: &mut Workspace) {
    let row = |offered: f64, ait: f64, handled: f64, handle_s: f64, transferred: f64| {
        sl_row(offered, ait)
            .with(Measure::Handled, handled)
            .with(Measure::HandleS, handle_s)
            .with(Measure::Transferred, transferred)
    };
    let billing = [
        (Dimension::Program, "Billing"),
        (Dimension::Queue, "Payments"),
    ];
    let billing2 = [
        (Dimension::Program, "Billing"),
        (Dimension::Queue, "Invoices"),
    ];
    let sales = [
        (Dimension::Program, "Sales"),
        (Dimension::Queue, "Upgrades"),
    ];
    insert(
        ws,
        &[
            // 2026-Q3
            (
                fact("2026-07-10", &billing),
                row(1000.0, 850.0, 950.0, 285_000.0, 95.0),
            ),
            (
                fact("2026-08-10", &billing2),
                row(500.0, 350.0, 480.0, 144_000.0, 24.0),
            ),
            (
                fact("2026-09-10", &sales),
                row(400.0, 360.0, 390.0, 156_000.0, 0.0),
            ),
            // 2026-Q2
            (
                fact("2026-05-10", &billing),
                row(1000.0, 800.0, 950.0, 270_000.0, 50.0),
            ),
            (
                fact("2026-05-10", &sales),
                row(400.0, 300.0, 390.0, 150_000.0, 0.0),
            ),
            // 2025-Q3
            (
                fact("2025-08-10", &billing),
                row(1000.0, 700.0, 950.0, 300_000.0, 80.0),
            ),
            // Outside every period asked.
            (
                fact("2026-10-01", &billing),
                row(9999.0, 0.0, 9999.0, 1.0, 0.0),
            ),
        ],
    );
}

#[test]
fn scorecard_groups_filters_targets_and_comparisons() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), 1);
    seed_programs(&mut ws);
    let t = |metric: &str,
             scope: Option<(Dimension, &str)>,
             direction: &str,
             value: f64,
             from: &str| NewTarget {
        metric_id: metric.into(),
        scope: scope.map(|(d, v)| (d, v.to_string())),
        direction: direction.into(),
        value,
        value_high: None,
        tolerance: 0.05,
        effective_from: d(from),
        effective_to: None,
    };
    ws.add_targets(
        &[
            t("service_level", None, "at_least", 0.80, "2025-01-01"),
            t(
                "service_level",
                Some((Dimension::Program, "Billing")),
                "at_least",
                0.82,
                "2026-01-01",
            ),
            t(
                "service_level",
                Some((Dimension::Program, "Billing")),
                "at_least",
                0.99,
                "2026-10-01",
            ),
            t("aht", None, "at_most", 300.0, "2025-01-01"),
        ],
        now(),
    )
    .unwrap();

    let card = ws
        .scorecard(&ScorecardRequest {
            group_by: vec![Dimension::Program],
            compare: true,
            ..request("2026-Q3", &["service_level", "aht"])
        })
        .unwrap();
    assert_eq!(card.previous_period.as_ref().unwrap().label, "2026-Q2");
    assert_eq!(card.year_ago_period.as_ref().unwrap().label, "2025-Q3");
    let billing = card
        .group(&key(&[(Dimension::Program, "Billing")]))
        .unwrap();
    let sl = billing.metric("service_level").unwrap();
    assert_close(sl.value.value, 0.80, "(850 + 350) / (1,000 + 500)");
    assert_eq!(
        sl.target.as_ref().map(|t| t.value),
        Some(0.82),
        "Billing's own target effective at 2026-09-30 beats the account's; the 0.99 starts later"
    );
    assert_eq!(
        sl.status,
        Status::Amber,
        "0.80 misses 0.82 by 0.02 ≤ 5% × 0.82 = 0.041"
    );
    assert_close(sl.previous, 0.80, "Q2: 800 / 1,000");
    assert_close(sl.year_ago, 0.70, "2025-Q3: 700 / 1,000");
    let yoy = sl.change_year_ago.unwrap();
    assert_close(yoy.points, 10.0, "from 70% to 80% is +10 points");
    assert_close(yoy.relative, 0.8 / 0.7 - 1.0, "relative to 70%");
    let aht = billing.metric("aht").unwrap();
    assert_close(aht.value.value, 300.0, "(285,000 + 144,000) / (950 + 480)");
    assert_eq!(aht.status, Status::Green, "300 s meets at most 300 s");
    assert_close(aht.previous, 270_000.0 / 950.0, "Q2 AHT");

    let sales = card.group(&key(&[(Dimension::Program, "Sales")])).unwrap();
    let sl = sales.metric("service_level").unwrap();
    assert_close(sl.value.value, 0.90, "360 / 400");
    assert_eq!(
        sl.target.as_ref().map(|t| t.value),
        Some(0.80),
        "Sales has only the account target"
    );
    assert_eq!(sl.status, Status::Green);
    assert_eq!(sl.year_ago, None, "Sales had no data a year earlier");
    assert_eq!(sl.change_year_ago, None);
    assert_eq!(
        sales.metric("aht").unwrap().status,
        Status::Red,
        "400 s is past 315 s"
    );

    // Filtering to Payments keeps only that queue's rows, and a queue filter is not a program.
    let payments = ws
        .scorecard(&ScorecardRequest {
            filters: vec![(Dimension::Queue, "Payments".into())],
            ..request("2026-Q3", &["service_level"])
        })
        .unwrap();
    let sl = payments.groups[0].metric("service_level").unwrap();
    assert_close(sl.value.value, 0.85, "850 / 1,000");
    assert_eq!(
        sl.target.as_ref().map(|t| t.value),
        Some(0.80),
        "no queue target: the account's"
    );

    let err = ws
        .scorecard(&request("2026-Q3", &["sla"]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown metric \"sla\""), "{err}");

    // Every metric by default, in catalog order.
    let all = ws.scorecard(&request("2026-Q3", &[])).unwrap();
    assert_eq!(all.metrics.len(), 22);
    assert_eq!(all.groups[0].metrics[0].metric_id, "offered");
    assert_close(
        all.groups[0].metric("offered").unwrap().value.value,
        1900.0,
        "1,000 + 500 + 400",
    );
}

#[test]
fn targets_round_trip_and_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), 1);
    let csv = "metric,direction,value,effective_from,scope_dimension,scope_value\n\
               service_level,at_least,80%,2026-01-01,,\n\
               aht,at_most,600,2026-01-01,program,Tech Support\n";
    let rows = crate::metrics::target::parse_targets_csv(csv, &|id| MetricId::parse(id).is_some())
        .unwrap();
    let ids = ws.add_targets(&rows, now()).unwrap();
    assert_eq!(ids.len(), 2);
    let stored = ws.targets().unwrap();
    assert_eq!(
        stored[1].scope,
        Some((Dimension::Program, "Tech Support".into()))
    );
    assert_eq!(stored[1].direction, crate::metrics::TargetDirection::AtMost);
    assert!(ws.remove_target(ids[0]).unwrap());
    assert!(!ws.remove_target(ids[0]).unwrap(), "already gone");
    assert_eq!(ws.targets().unwrap().len(), 1);
    let bad = NewTarget {
        direction: "band".into(),
        ..rows[0].clone()
    };
    let err = ws
        .add_targets(&[rows[0].clone(), bad], now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("target 2 value_high"), "{err}");
    assert_eq!(
        ws.targets().unwrap().len(),
        1,
        "a refused batch writes nothing"
    );
}

#[test]
fn variants_are_stored_as_settings_with_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), 1);
    assert_eq!(ws.metric_variants().unwrap(), MetricVariants::default());
    let v = MetricVariants {
        service_level: ServiceLevelVariant::AbandonsCountAgainst,
        fcr: FcrVariant::RepeatContacts { days: 14 },
        ..MetricVariants::default()
    };
    let changes = ws.set_metric_variants(&v, now()).unwrap();
    let keys: Vec<&str> = changes.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "variant_service_level",
            "variant_csat",
            "variant_fcr",
            "variant_attrition",
            "variant_fcr_repeat_days"
        ],
        "the first save records every key"
    );
    assert_eq!(ws.metric_variants().unwrap(), v);
    assert!(
        ws.set_metric_variants(&v, now()).unwrap().is_empty(),
        "no change, no record"
    );
    let history = ws.settings_history().unwrap();
    let sl = history
        .iter()
        .find(|c| c.key == "variant_service_level")
        .unwrap();
    assert_eq!(sl.new_value, "abandons_count_against");
    assert_eq!(
        sl.changed_at, "2026-11-24T09:30:00Z",
        "stamped with the passed-in now"
    );
    assert_eq!(
        ws.settings().unwrap(),
        Settings::default(),
        "variant keys do not disturb the workspace settings"
    );
}

#[test]
fn custom_metrics_are_ratios_of_sums() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), 1);
    seed_programs(&mut ws);
    let tr = CustomMetric {
        id: "transfer_rate".into(),
        name: "Transfer rate".into(),
        formula: "transferred / handled".into(),
        unit: Unit::Ratio,
        direction: Direction::Lower,
    };
    ws.add_custom_metric(&tr, now()).unwrap();
    let dup = ws.add_custom_metric(&tr, now()).unwrap_err().to_string();
    assert!(dup.contains("already exists"), "{dup}");
    let bad = CustomMetric {
        id: "bad".into(),
        formula: "transferred / handeld".into(),
        ..tr.clone()
    };
    let e = ws.add_custom_metric(&bad, now()).unwrap_err().to_string();
    assert!(
        e.contains("position 15") && e.contains("did you mean handled?"),
        "{e}"
    );
    assert_eq!(ws.custom_metrics().unwrap(), vec![tr.clone()]);

    let card = ws
        .scorecard(&request("2026-Q3", &["transfer_rate"]))
        .unwrap();
    let v = &card.groups[0].metrics[0].value;
    assert_close(v.value, 119.0 / 1820.0, "(95 + 24 + 0) / (950 + 480 + 390)");
    assert_eq!(card.metrics[0].formula_text(), "Σtransferred / Σhandled");
    let all = ws.metric_catalog().unwrap();
    assert_eq!(all.len(), 23, "22 built-ins and the custom metric");
    ws.add_target(
        &NewTarget {
            metric_id: "transfer_rate".into(),
            scope: None,
            direction: "at_most".into(),
            value: 0.05,
            value_high: None,
            tolerance: 0.05,
            effective_from: d("2026-01-01"),
            effective_to: None,
        },
        now(),
    )
    .unwrap();
    assert!(ws.remove_custom_metric("transfer_rate").unwrap());
    assert!(ws.targets().unwrap().is_empty(), "its targets go with it");
}

#[test]
fn fiscal_quarters_drive_the_scorecard_periods() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), 4);
    seed_programs(&mut ws);
    let period = Period::parse("FY27-Q2", 4).unwrap();
    let card = ws
        .scorecard(&ScorecardRequest {
            period,
            compare: true,
            ..request("2026-Q3", &["offered"])
        })
        .unwrap();
    assert_eq!(
        card.period.label, "FY27-Q2",
        "FY27-Q2 is July–September 2026 with an April start"
    );
    assert_eq!(card.previous_period.unwrap().label, "FY27-Q1");
    assert_eq!(card.year_ago_period.unwrap().label, "FY26-Q2");
    let offered = card.groups[0].metric("offered").unwrap();
    assert_close(offered.value.value, 1900.0, "the same months as 2026-Q3");
    assert_close(offered.previous, 1400.0, "FY27-Q1 = April–June 2026");
}

#[test]
fn repeat_contact_fcr_uses_interactions() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), 1);
    // Reported FCR in the facts: 10 of 20.
    insert(
        &mut ws,
        &[(
            fact("2026-07-01", &[(Dimension::Program, "Billing")]),
            Measures::default()
                .with(Measure::FcrResolved, 10.0)
                .with(Measure::FcrEligible, 20.0),
        )],
    );
    {
        let mut tx = ws.write().unwrap();
        let b = batch(&mut tx);
        let program = tx.member_id(Dimension::Program, "Billing").unwrap();
        let t0 = d("2026-07-01")
            .and_hms_opt(10, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp();
        let day = 86_400;
        for (key, customer, at) in [
            ("1", "c1", t0),            // repeated 2 days later: unresolved
            ("2", "c1", t0 + 2 * day),  // not repeated: resolved
            ("3", "c2", t0 + day),      // not repeated: resolved
            ("4", "c3", t0 + 20 * day), // the last contact: too recent to judge
        ] {
            let date = DateTime::from_timestamp(at, 0).unwrap().date_naive();
            tx.test_contact(
                b,
                key,
                at,
                date,
                Some(program),
                Some(customer),
                crate::model::Outcome::Handled,
            );
        }
        tx.commit().unwrap();
    }
    let reported = ws.scorecard(&request("2026-Q3", &["fcr"])).unwrap();
    assert_close(
        reported.groups[0].metrics[0].value.value,
        0.5,
        "reported: 10 / 20",
    );
    ws.set_metric_variants(
        &MetricVariants {
            fcr: FcrVariant::RepeatContacts { days: 7 },
            ..MetricVariants::default()
        },
        now(),
    )
    .unwrap();
    let card = ws
        .scorecard(&ScorecardRequest {
            group_by: vec![Dimension::Program],
            ..request("2026-Q3", &["fcr"])
        })
        .unwrap();
    let fcr = &card.groups[0].metrics[0].value;
    assert_eq!(card.groups[0].key.label(), "Billing");
    assert_eq!(
        (fcr.numerator, fcr.denominator),
        (Some(2.0), Some(3.0)),
        "contacts 2 and 3 resolved, 1 repeated, 4 too recent; the reported 10 / 20 is replaced"
    );
    assert!(fcr.is_low_sample(), "3 judged contacts are below 30");
    assert!(card.metrics[0].formula_text().contains("within 7 days"));
}

#[test]
fn an_empty_workspace_explains_itself() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path(), 1);
    let card = ws
        .scorecard(&request("2026-Q3", &["csat", "offered"]))
        .unwrap();
    assert_eq!(card.groups.len(), 1);
    let csat = card.groups[0].metric("csat").unwrap();
    assert_eq!(csat.value.value, None);
    assert_eq!(csat.value.reason.as_deref(), Some("no survey responses"));
    assert_eq!(csat.status, Status::None, "no target and no value");
    let grouped = ws
        .scorecard(&ScorecardRequest {
            group_by: vec![Dimension::Program],
            ..request("2026-Q3", &["csat"])
        })
        .unwrap();
    assert!(grouped.groups.is_empty(), "no data, no programs to list");
}

// ---- property: the engine equals a plain recomputation -------------------------------------

// ---- coverage: an unknown numerator is never counted as 0 -------------------------------

#[test]
fn a_queue_without_waits_is_left_out_of_service_level_and_said() {
    // metrics.md: queue A answers 1,000 of 1,200 within the threshold; queue B's file gives
    // 300 offered but no waits. Service level is 1,000 / 1,200, not 1,000 / 1,500.
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), 1);
    let a = Measures::default()
        .with(Measure::Offered, 1200.0)
        .with(Measure::Handled, 1150.0)
        .with(Measure::ShortAbandoned, 0.0)
        .with(Measure::AnsweredInThreshold, 1000.0)
        .with(Measure::AnswerWaitS, 11_500.0);
    let b = Measures::default()
        .with(Measure::Offered, 300.0)
        .with(Measure::Handled, 290.0);
    insert(
        &mut ws,
        &[
            (fact("2026-07-01", &[(Dimension::Queue, "A")]), a),
            (fact("2026-07-01", &[(Dimension::Queue, "B")]), b),
        ],
    );
    let card = ws
        .scorecard(&request("2026-07", &["service_level", "asa", "offered"]))
        .unwrap();
    let g = &card.groups[0];
    let sl = &g.metric("service_level").unwrap().value;
    assert_close(
        sl.value,
        1000.0 / 1200.0,
        "queue B's 300 are not counted as 0",
    );
    assert_eq!(
        (sl.numerator, sl.denominator, sl.n),
        (Some(1000.0), Some(1200.0), Some(1200))
    );
    let c = sl.coverage.as_ref().expect("partial coverage is said");
    assert_eq!((c.covered, c.total), (1200.0, 1500.0));
    assert_eq!(
        c.text(),
        "computed over 1,200 of 1,500 (80%): queue B has no waits"
    );
    let asa = &g.metric("asa").unwrap().value;
    assert_close(asa.value, 10.0, "11,500 s over queue A's 1,150 handled");
    assert_eq!(
        asa.coverage.as_ref().unwrap().lacking,
        vec!["queue B has no waits"]
    );
    assert_eq!(
        g.metric("offered").unwrap().value.value,
        Some(1500.0),
        "a count is whole"
    );
    // By queue: A is whole, B has no value and says which measure it lacks.
    let by_queue = ws
        .scorecard(&ScorecardRequest {
            group_by: vec![Dimension::Queue],
            ..request("2026-07", &["service_level"])
        })
        .unwrap();
    let qa = &by_queue
        .group(&key(&[(Dimension::Queue, "A")]))
        .unwrap()
        .metrics[0]
        .value;
    assert!(qa.coverage.is_none());
    let qb = &by_queue
        .group(&key(&[(Dimension::Queue, "B")]))
        .unwrap()
        .metrics[0]
        .value;
    assert_eq!(qb.value, None);
    assert_eq!(
        qb.reason.as_deref(),
        Some("answered_in_threshold is not in the data for this scope")
    );
    // The drivers of the account's service level agree: queue B is left out there too.
    let d = ws
        .drivers(
            "service_level",
            Period::parse("2026-07", 1).unwrap(),
            Period::parse("2026-07", 1).unwrap(),
            Dimension::Queue,
            &[],
        )
        .unwrap();
    assert_close(
        Some(d.split.value_from),
        sl.value.unwrap(),
        "same figure both ways",
    );
}

#[test]
fn a_cost_is_set_against_the_contacts_of_its_own_program_and_month() {
    // Billing: cost 1,000 in July for 500 handled; 400 handled in August with no cost yet.
    // Sales: 500 handled in July, no finance at all. Cost per contact is 1,000 / 500 = 2.00,
    // not 1,000 / 1,400.
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path(), 1);
    let handled = |n: f64| Measures::default().with(Measure::Handled, n);
    insert(
        &mut ws,
        &[
            (
                fact("2026-07-10", &[(Dimension::Program, "Billing")]),
                handled(500.0),
            ),
            (
                fact("2026-08-10", &[(Dimension::Program, "Billing")]),
                handled(400.0),
            ),
            (
                fact("2026-07-10", &[(Dimension::Program, "Sales")]),
                handled(500.0),
            ),
            (
                monthly("2026-07-01", &[(Dimension::Program, "Billing")]),
                Measures::default().with(Measure::Cost, 1000.0),
            ),
        ],
    );
    let card = ws
        .scorecard(&request("2026-Q3", &["cost_per_contact"]))
        .unwrap();
    let v = &card.groups[0].metrics[0].value;
    assert_close(
        v.value,
        2.0,
        "July's Billing cost over July's Billing contacts",
    );
    let c = v.coverage.as_ref().unwrap();
    assert_eq!((c.covered, c.total), (500.0, 1400.0));
    assert_eq!(
        c.lacking,
        vec![
            "program Billing has no cost data",
            "program Sales has no cost data"
        ],
        "August's Billing contacts and all of Sales'"
    );
}

mod property {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    struct Row {
        day: u32, // day of July 2026; 0 = 30 June, 32 = 1 August (outside the period)
        program: Option<&'static str>,
        site: Option<&'static str>,
        channel: Option<&'static str>,
        offered: Option<u32>,
        short: u32,
        in_threshold: u32,
        handled: Option<u32>,
        handle_s: Option<u32>,
        csat: Option<(u32, u32)>,
    }

    #[derive(Debug, Clone)]
    struct Stock {
        team_program: Option<&'static str>,
        headcount: u32,
        leavers: u32,
    }

    /// Per group: the rows and stock rows that fall in it.
    type Expected<'a> = BTreeMap<crate::store::query::MemberNames, (Vec<&'a Row>, Vec<&'a Stock>)>;

    fn row() -> impl Strategy<Value = Row> {
        (
            0u32..=32,
            prop::option::of(prop::sample::select(vec!["Billing", "Sales"])),
            prop::option::of(prop::sample::select(vec!["Dublin", "Manila"])),
            prop::option::of(prop::sample::select(vec!["voice", "chat"])),
            prop::option::of(0u32..200),
            0u32..5,
            0u32..200,
            prop::option::of(0u32..200),
            prop::option::of(0u32..100_000),
            prop::option::of((0u32..40, 0u32..40)),
        )
            .prop_map(
                |(day, program, site, channel, offered, short, ait, handled, handle_s, csat)| Row {
                    day,
                    program,
                    site,
                    channel,
                    offered,
                    short: offered.map_or(short, |o| short.min(o)),
                    in_threshold: offered.map_or(ait, |o| ait.min(o)),
                    handled,
                    handle_s,
                    csat: csat.map(|(r, s)| (r, s.min(r))),
                },
            )
    }

    fn stock() -> impl Strategy<Value = Stock> {
        (
            prop::option::of(prop::sample::select(vec!["Billing", "Sales"])),
            1u32..100,
            0u32..5,
        )
            .prop_map(|(team_program, headcount, leavers)| Stock {
                team_program,
                headcount,
                leavers,
            })
    }

    fn date_of(day: u32) -> NaiveDate {
        d("2026-06-30") + chrono::Days::new(u64::from(day))
    }

    fn members(r: &Row) -> Vec<(Dimension, String)> {
        [
            (Dimension::Program, r.program),
            (Dimension::Site, r.site),
            (Dimension::Channel, r.channel),
        ]
        .into_iter()
        .filter_map(|(d, v)| v.map(|v| (d, v.to_string())))
        .collect()
    }

    fn dim_value(r: &Row, d: Dimension) -> Option<String> {
        match d {
            Dimension::Program => r.program,
            Dimension::Site => r.site,
            Dimension::Channel => r.channel,
            _ => None,
        }
        .map(str::to_string)
    }

    /// Σ of an optional measure: `None` when no row measures it.
    fn sum(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
        values
            .flatten()
            .fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
    }

    fn ratio(num: Option<f64>, den: Option<f64>) -> Option<f64> {
        match (num, den) {
            (Some(n), Some(d)) if d > 0.0 => Some(n / d),
            _ => None,
        }
    }

    fn same(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            (None, None) => true,
            _ => false,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

        #[test]
        fn engine_equals_plain_recomputation(
            rows in prop::collection::vec(row(), 0..40),
            stocks in prop::collection::vec(stock(), 0..4),
            group_mask in 0u8..8,
            filter_billing in any::<bool>(),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut ws = workspace(dir.path(), 1);
            let mut facts = Vec::new();
            for r in &rows {
                let mut m = Measures::default();
                if let Some(o) = r.offered {
                    m.set(Measure::Offered, o.into());
                    m.set(Measure::ShortAbandoned, r.short.into());
                    m.set(Measure::AnsweredInThreshold, r.in_threshold.into());
                }
                if let Some(h) = r.handled { m.set(Measure::Handled, h.into()); }
                if let Some(s) = r.handle_s { m.set(Measure::HandleS, s.into()); }
                if let Some((resp, sat)) = r.csat {
                    m.set(Measure::CsatResponses, resp.into());
                    m.set(Measure::CsatSatisfied, sat.into());
                }
                facts.push((FactKey { day: Some(date_of(r.day)), monthly: false, members: members(r) }, m));
            }
            for s in &stocks {
                let members = s.team_program.map(|p| vec![(Dimension::Program, p.to_string())]).unwrap_or_default();
                facts.push((
                    FactKey { day: Some(d("2026-07-01")), monthly: true, members },
                    Measures::default().with(Measure::Headcount, s.headcount.into()).with(Measure::Leavers, s.leavers.into()),
                ));
            }
            insert(&mut ws, &facts);

            let group_by: Vec<Dimension> = [Dimension::Program, Dimension::Site, Dimension::Channel]
                .into_iter()
                .enumerate()
                .filter(|(i, _)| group_mask & (1 << i) != 0)
                .map(|(_, d)| d)
                .collect();
            let filters = if filter_billing { vec![(Dimension::Program, "Billing".to_string())] } else { vec![] };
            let card = ws.scorecard(&ScorecardRequest {
                group_by: group_by.clone(),
                filters: filters.clone(),
                ..request("2026-07", &["offered", "service_level", "aht", "csat", "attrition"])
            }).unwrap();

            // The plain way: keep July's rows that pass the filter, bucket them by key, add up.
            let keep_row = |r: &Row| (1..=31).contains(&r.day) && (!filter_billing || r.program == Some("Billing"));
            let mut expected: Expected<'_> = BTreeMap::new();
            for r in rows.iter().filter(|r| keep_row(r)) {
                let k = group_by.iter().map(|d| dim_value(r, *d)).collect();
                expected.entry(k).or_default().0.push(r);
            }
            for s in stocks.iter().filter(|s| !filter_billing || s.team_program == Some("Billing")) {
                // Stock rows carry only a program; other grouping dimensions are empty.
                let k = group_by.iter().map(|d| if *d == Dimension::Program { s.team_program.map(str::to_string) } else { None }).collect();
                expected.entry(k).or_default().1.push(s);
            }
            if group_by.is_empty() {
                expected.entry(vec![]).or_default();
            }
            prop_assert_eq!(card.groups.len(), expected.len(), "one group per key with data");
            for (k, (rs, ss)) in &expected {
                let key = GroupKey(group_by.iter().copied().zip(k.iter().cloned()).collect());
                let g = card.group(&key);
                prop_assert!(g.is_some(), "group {:?} is missing", key);
                let g = g.unwrap();
                let offered = sum(rs.iter().map(|r| r.offered.map(f64::from)));
                let short = sum(rs.iter().map(|r| r.offered.map(|_| f64::from(r.short))));
                let ait = sum(rs.iter().map(|r| r.offered.map(|_| f64::from(r.in_threshold))));
                let handled = sum(rs.iter().map(|r| r.handled.map(f64::from)));
                let handle_s = sum(rs.iter().map(|r| r.handle_s.map(f64::from)));
                let responses = sum(rs.iter().map(|r| r.csat.map(|c| f64::from(c.0))));
                let satisfied = sum(rs.iter().map(|r| r.csat.map(|c| f64::from(c.1))));
                let headcount = sum(ss.iter().map(|s| Some(f64::from(s.headcount))));
                let leavers = sum(ss.iter().map(|s| Some(f64::from(s.leavers))));
                // AHT counts only the handled contacts whose handle time is known (coverage):
                // rows carrying both; where no row carries both, each program's handle time is
                // set against its own handled contacts.
                let both: Vec<&&Row> = rs
                    .iter()
                    .filter(|r| r.handled.is_some() && r.handle_s.is_some())
                    .collect();
                let aht = if !both.is_empty() {
                    ratio(
                        sum(both.iter().map(|r| r.handle_s.map(f64::from))),
                        sum(both.iter().map(|r| r.handled.map(f64::from))),
                    )
                } else {
                    let paired = |p: Option<&str>| {
                        rs.iter().any(|r| r.program == p && r.handle_s.is_some())
                            && rs.iter().any(|r| r.program == p && r.handled.is_some())
                    };
                    let kept: Vec<&&Row> = rs.iter().filter(|r| paired(r.program)).collect();
                    ratio(
                        sum(kept.iter().map(|r| r.handle_s.map(f64::from))),
                        sum(kept.iter().map(|r| r.handled.map(f64::from))),
                    )
                };
                let _ = (handled, handle_s);
                let checks = [
                    ("offered", offered),
                    ("service_level", ratio(ait, offered.zip(short).map(|(o, s)| o - s))),
                    ("aht", aht),
                    ("csat", ratio(satisfied, responses)),
                    // One month: annualised = × 12.
                    ("attrition", ratio(leavers, headcount).map(|a| a * 12.0)),
                ];
                for (id, want) in checks {
                    let got = g.metric(id).unwrap().value.value;
                    prop_assert!(same(got, want), "{} for {:?}: engine {:?}, by hand {:?}", id, key, got, want);
                }
            }
        }
    }
}
