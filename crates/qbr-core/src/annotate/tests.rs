//! Hand-worked checks of the tests, verdicts and savings, and the lifecycle of causes and actions
//! on a small workspace whose facts are written here, so every expected figure can be derived on
//! paper from the rows below.

use chrono::{DateTime, NaiveDate, Utc};

use super::action::is_overdue;
use super::effect::{estimate_savings, verdict_of, SavingsBasis};
use super::stats::{two_proportion_z, welch_t, Method, TestResult};
use super::*;
use crate::measure::{Dimension, Measure, Measures};
use crate::metrics::Direction;
use crate::settings::Settings;
use crate::store::{FactKey, NewBatch};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-06-01T09:00:00Z")
        .unwrap()
        .into()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn two_proportion_z_on_a_hand_worked_example() {
    // 420/500 before, 380/500 after: pooled p = 800/1000 = 0.8, SE = sqrt(0.8 × 0.2 × (1/500 +
    // 1/500)) = 0.0252982, z = (0.76 − 0.84) / 0.0252982 = −3.16228, two-sided p = erfc(3.16228 / √2)
    // = 0.0015654.
    let t = two_proportion_z(420.0, 500.0, 380.0, 500.0).unwrap();
    assert_eq!(t.method, Method::TwoProportionZ);
    assert!(close(t.statistic, -3.16228, 1e-5), "z = {}", t.statistic);
    assert!(close(t.p_value, 0.0015654, 1e-6), "p = {}", t.p_value);
    assert!(t.is_clear(), "p < 0.05 is clear at 95%");
    // 420/500 against 410/500: pooled 0.83, SE = sqrt(0.83 × 0.17 × 0.004) = 0.0237571,
    // z = −0.02 / 0.0237571 = −0.84185, p = 0.39987: within chance.
    let t = two_proportion_z(420.0, 500.0, 410.0, 500.0).unwrap();
    assert!(close(t.statistic, -0.84185, 1e-5), "z = {}", t.statistic);
    assert!(close(t.p_value, 0.39987, 1e-5), "p = {}", t.p_value);
    assert!(!t.is_clear(), "p = 0.40 is not clear");
    assert!(
        two_proportion_z(0.0, 0.0, 1.0, 2.0).is_err(),
        "a window without trials cannot be tested"
    );
    assert!(
        two_proportion_z(600.0, 500.0, 1.0, 2.0).is_err(),
        "more successes than trials is not a proportion"
    );
}

#[test]
fn welch_t_on_hand_worked_samples() {
    // [1, 2, 3, 4] against [3, 4, 5, 6]: means 2.5 and 4.5, both variances 5/3, SE = sqrt(2 ×
    // (5/3) / 4) = 0.912871, t = 2 / 0.912871 = 2.190890, df = 6 (equal n and variances). For
    // even df Abramowitz & Stegun 26.7.4 gives P(|T| < t) = sinθ (1 + cos²θ / 2 + 3 cos⁴θ / 8)
    // with θ = atan(t / √6), so p = 0.0709877.
    let t = welch_t(&[1.0, 2.0, 3.0, 4.0], &[3.0, 4.0, 5.0, 6.0]).unwrap();
    assert_eq!(t.method, Method::WelchT);
    assert!(close(t.statistic, 2.190890, 1e-6), "t = {}", t.statistic);
    assert!(close(t.df.unwrap(), 6.0, 1e-9), "df = {:?}", t.df);
    assert!(close(t.p_value, 0.0709877, 1e-6), "p = {}", t.p_value);
    assert!(!t.is_clear(), "p = 0.071 is above 0.05");
    // Unequal variances: [10, 12, 14] (var 4) against [20, 30, 40, 50] (var 500/3):
    // df = (4/3 + 125/3)² / ((4/3)² / 2 + (125/3)² / 3) = 1849 / 579.5926 = 3.19017.
    let t = welch_t(&[10.0, 12.0, 14.0], &[20.0, 30.0, 40.0, 50.0]).unwrap();
    assert!(close(t.df.unwrap(), 3.19017, 1e-5), "df = {:?}", t.df);
    assert!(
        close(t.statistic, 23.0 / 43f64.sqrt(), 1e-9),
        "t = 23 / √43"
    );
    let err = welch_t(&[1.0], &[2.0, 3.0]).unwrap_err();
    assert!(err.contains("at least 2 weekly values"), "{err}");
    assert!(
        welch_t(&[5.0, 5.0], &[5.0, 5.0]).is_err(),
        "values that never vary cannot be tested"
    );
}

fn clear(statistic: f64) -> TestResult {
    TestResult {
        method: Method::WelchT,
        statistic,
        p_value: 0.001,
        df: Some(6.0),
        confidence: 0.95,
    }
}

#[test]
fn verdicts_follow_the_metric_direction() {
    let cases = [
        (Direction::Higher, 3.0, Verdict::Improved),
        (Direction::Higher, -3.0, Verdict::Worsened),
        (Direction::Lower, -3.0, Verdict::Improved),
        (Direction::Lower, 3.0, Verdict::Worsened),
        (Direction::Band, 3.0, Verdict::NoClearChange),
        (Direction::None, -3.0, Verdict::NoClearChange),
    ];
    for (direction, z, expected) in cases {
        let (v, why) = verdict_of(&clear(z), direction, "M");
        assert_eq!(v, expected, "{direction} with statistic {z}: {why}");
    }
    let faint = TestResult {
        p_value: 0.2,
        ..clear(1.3)
    };
    let (v, why) = verdict_of(&faint, Direction::Higher, "M");
    assert_eq!(v, Verdict::NoClearChange, "p = 0.2 is not clear");
    assert!(why.contains("p = 0.2000"), "the reason states p: {why}");
}

#[test]
fn savings_arithmetic() {
    // AHT 600 → 570 s over 10,000 handled contacts: 300,000 s at 0.01 a second = 3,000; an
    // action costing 1,000 returns (3,000 − 1,000) / 1,000 = 200%.
    let basis = SavingsBasis::Aht {
        cost_per_second: Some(0.01),
        months: "2026-03-01..2026-04-30".into(),
    };
    let s = estimate_savings(&basis, 600.0, 570.0, 10_000.0, 1_000.0, "EUR");
    assert!(close(s.saving.unwrap(), 3_000.0, 1e-9), "{s:?}");
    assert!(close(s.roi.unwrap(), 2.0, 1e-12), "{s:?}");
    assert!(
        s.explanation.contains("300000 handled seconds saved") && s.explanation.contains("200.0%"),
        "the text shows the computation: {}",
        s.explanation
    );
    // Without finance data the seconds are counted but not priced.
    let unpriced = SavingsBasis::Aht {
        cost_per_second: None,
        months: "2026-03-01..2026-04-30".into(),
    };
    let s = estimate_savings(&unpriced, 600.0, 570.0, 10_000.0, 1_000.0, "EUR");
    assert_eq!((s.saving, s.roi), (None, None));
    assert!(
        s.explanation.contains("cannot be priced"),
        "{}",
        s.explanation
    );
    // Cost per contact 4.20 → 4.00 over 50,000 contacts: 10,000 saved; cost 4,000: ROI 150%.
    let s = estimate_savings(
        &SavingsBasis::CostPerContact,
        4.20,
        4.00,
        50_000.0,
        4_000.0,
        "EUR",
    );
    assert!(close(s.saving.unwrap(), 10_000.0, 1e-6), "{s:?}");
    assert!(close(s.roi.unwrap(), 1.5, 1e-9), "{s:?}");
}

#[test]
fn overdue_is_derived_from_the_due_date_and_status() {
    let mut a = ActionInput::titled("Retrain");
    a.due_date = Some(d("2026-08-31"));
    a.status = ActionStatus::InProgress;
    assert!(
        !is_overdue(&a, d("2026-08-31")),
        "due today is not yet overdue"
    );
    assert!(
        is_overdue(&a, d("2026-09-01")),
        "due yesterday and not done"
    );
    a.status = ActionStatus::Planned;
    assert!(is_overdue(&a, d("2026-09-01")), "planned counts too");
    for s in [ActionStatus::Done, ActionStatus::Cancelled] {
        a.status = s;
        assert!(!is_overdue(&a, d("2026-12-01")), "{s} is never overdue");
    }
    a.due_date = None;
    a.status = ActionStatus::InProgress;
    assert!(
        !is_overdue(&a, d("2030-01-01")),
        "no due date, never overdue"
    );
}

#[test]
fn completion_dates_follow_the_status() {
    let today = d("2026-09-15");
    let mut a = ActionInput::titled("Callback");
    a.status = ActionStatus::Done;
    let done = a.clone().normalised(today).unwrap();
    assert_eq!(done.completed_on, Some(today), "done without a date: today");
    a.completed_on = Some(d("2026-09-01"));
    assert_eq!(
        a.clone().normalised(today).unwrap().completed_on,
        Some(d("2026-09-01")),
        "a given date is kept"
    );
    let reopened = ActionPatch {
        status: Some(ActionStatus::InProgress),
        ..ActionPatch::default()
    }
    .apply(&done)
    .normalised(today)
    .unwrap();
    assert_eq!(reopened.completed_on, None, "leaving done clears the date");
    a.start_date = Some(d("2026-09-05"));
    assert!(
        a.normalised(today).is_err(),
        "completed before it started is refused"
    );
}

/// A workspace with one fact a week (on Wednesdays), dated so that an action started on Monday
/// 2026-03-02 and done on Monday 2026-03-30 has 4-week windows 2026-02-02..2026-03-01 and
/// 2026-03-30..2026-04-26:
///
/// | day | handled | AHT | offered | answered in T | abandoned | cost |
/// |---|---|---|---|---|---|---|
/// | 02-04, 02-11, 02-18, 02-25 | 100 each | 600, 610, 590, 605 | 125 each (500) | 105 each (420) | 10 each (40) | |
/// | 03-11 (between the windows) | 100 | 700 | | | | |
/// | 04-01, 04-08, 04-15, 04-22 | 100 each | 570, 575, 565, 580 | 125 each (500) | 95 each (380) | 12, 11, 11, 11 (45) | |
/// | 05-06 (after both) | 100 | 650 | | | | |
/// | March, April (monthly) | | | | | | 990, 2,000 |
fn small_workspace(dir: &std::path::Path) -> crate::Workspace {
    let mut ws = crate::Workspace::create(&dir.join("w.qbr"), &Settings::default(), now()).unwrap();
    let mut tx = ws.write().unwrap();
    let batch = tx
        .new_batch(&NewBatch {
            kind: "demo".into(),
            file_name: "hand-made".into(),
            file_size: 0,
            sha256: "0".into(),
            preset: None,
            mapping: None,
            source_timezone: "UTC".into(),
            started_at: now(),
            app_version: "test".into(),
        })
        .unwrap();
    let program = vec![(Dimension::Program, "Care".to_string())];
    let weekly = [
        ("2026-02-04", 600.0),
        ("2026-02-11", 610.0),
        ("2026-02-18", 590.0),
        ("2026-02-25", 605.0),
        ("2026-03-11", 700.0),
        ("2026-04-01", 570.0),
        ("2026-04-08", 575.0),
        ("2026-04-15", 565.0),
        ("2026-04-22", 580.0),
        ("2026-05-06", 650.0),
    ];
    for (day, aht) in weekly {
        let mut m = Measures::default()
            .with(Measure::Handled, 100.0)
            .with(Measure::HandleS, 100.0 * aht);
        let counts = match day {
            "2026-02-04" | "2026-02-11" | "2026-02-18" | "2026-02-25" => Some((105.0, 10.0)),
            "2026-04-01" => Some((95.0, 12.0)),
            "2026-04-08" | "2026-04-15" | "2026-04-22" => Some((95.0, 11.0)),
            _ => None,
        };
        if let Some((answered, abandoned)) = counts {
            m.set(Measure::Offered, 125.0);
            m.set(Measure::ShortAbandoned, 0.0);
            m.set(Measure::AnsweredInThreshold, answered);
            m.set(Measure::Abandoned, abandoned);
        }
        let key = FactKey {
            day: Some(d(day)),
            monthly: false,
            members: program.clone(),
        };
        tx.insert_fact(batch, &key, &m).unwrap();
    }
    for (month, cost) in [("2026-03-01", 990.0), ("2026-04-01", 2_000.0)] {
        let key = FactKey {
            day: Some(d(month)),
            monthly: true,
            members: program.clone(),
        };
        tx.insert_fact(batch, &key, &Measures::default().with(Measure::Cost, cost))
            .unwrap();
    }
    tx.finish_batch(batch, 12, 12, 0, 0, now()).unwrap();
    tx.commit().unwrap();
    ws
}

fn care() -> Scope {
    Some((Dimension::Program, "Care".into()))
}

fn action_on(metric: &str, cost: Option<f64>) -> ActionInput {
    ActionInput {
        start_date: Some(d("2026-03-02")),
        due_date: Some(d("2026-03-31")),
        status: ActionStatus::Done,
        completed_on: Some(d("2026-03-30")),
        metric_id: Some(metric.into()),
        scope: care(),
        cost,
        ..ActionInput::titled(&format!("Move {metric}"))
    }
}

#[test]
fn aht_effect_is_a_welch_test_on_weekly_values_with_savings() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = small_workspace(dir.path());
    let today = d("2026-06-01");
    let a = ws
        .add_action(&action_on("aht", Some(100.0)), today, now())
        .unwrap();
    let e = ws.action_effect(a.id, 4, today).unwrap().unwrap();
    assert_eq!(e.before.period.label, "2026-02-02..2026-03-01");
    let after = e.after.as_ref().expect("the after window is over");
    assert_eq!(after.period.label, "2026-03-30..2026-04-26");
    // Ratio of sums: (60,000 + 61,000 + 59,000 + 60,500) / 400 = 601.25, not a mean of weeks.
    assert_eq!(e.before.value.value, Some(601.25));
    assert_eq!(after.value.value, Some(572.5), "229,000 s / 400 contacts");
    let weeks: Vec<Option<f64>> = after.weekly.iter().map(|(_, v)| *v).collect();
    assert_eq!(
        weeks,
        vec![Some(570.0), Some(575.0), Some(565.0), Some(580.0)],
        "one value per 7-day span from the window's first day"
    );
    assert_eq!(e.change.unwrap().absolute, 572.5 - 601.25);
    // Means 601.25 and 572.5, variances 218.75/3 and 125/3 over 4 weeks each:
    // SE = sqrt(18.2292 + 10.4167) = 5.35219, t = −28.75 / 5.35219 = −5.37164,
    // df = 28.6458² / (18.2292²/3 + 10.4167²/3) = 5.58462; p = 0.00214 (numerical integration).
    let t = e.test.unwrap();
    assert_eq!(t.method, Method::WelchT, "AHT is a mean, not a proportion");
    assert!(close(t.statistic, -5.37164, 1e-5), "t = {}", t.statistic);
    assert!(close(t.df.unwrap(), 5.58462, 1e-5), "df = {:?}", t.df);
    assert!(close(t.p_value, 0.00214, 5e-5), "p = {}", t.p_value);
    assert_eq!(e.verdict, Verdict::Improved, "AHT fell and lower is better");
    // Saving: 28.75 s × 400 handled = 11,500 s; March and April cost 2,990 over 299,000
    // handled seconds (70,000 on 03-11 + 229,000 after) = 0.01 a second, so 115 saved;
    // ROI = (115 − 100) / 100 = 15%.
    let s = e.savings.expect("AHT with a cost has a saving");
    assert!(close(s.saving.unwrap(), 115.0, 1e-9), "{}", s.explanation);
    assert!(close(s.roi.unwrap(), 0.15, 1e-12), "{}", s.explanation);
    assert!(
        s.explanation.contains("2026-03-01..2026-04-30"),
        "the months the cost rate comes from are named: {}",
        s.explanation
    );
}

#[test]
fn ratio_effects_use_the_two_proportion_test_on_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = small_workspace(dir.path());
    let today = d("2026-06-01");
    let sl = ws
        .add_action(&action_on("service_level", None), today, now())
        .unwrap();
    let e = ws.action_effect(sl.id, 4, today).unwrap().unwrap();
    let t = e.test.unwrap();
    assert_eq!(t.method, Method::TwoProportionZ);
    assert!(
        close(t.statistic, -3.16228, 1e-5),
        "420/500 then 380/500, as worked by hand above: {}",
        t.statistic
    );
    assert_eq!(e.verdict, Verdict::Worsened, "service level fell clearly");
    assert_eq!(e.savings, None, "service level has no cost meaning");

    let ab = ws
        .add_action(&action_on("abandon_rate", Some(50.0)), today, now())
        .unwrap();
    let e = ws.action_effect(ab.id, 4, today).unwrap().unwrap();
    // 40/500 then 45/500: pooled 0.085, z = 0.01 / sqrt(0.085 × 0.915 × 0.004) = 0.56696, p = 0.5707.
    let t = e.test.unwrap();
    assert!(close(t.statistic, 0.56696, 1e-5), "z = {}", t.statistic);
    assert!(close(t.p_value, 0.57074, 1e-5), "p = {}", t.p_value);
    assert_eq!(e.verdict, Verdict::NoClearChange, "{}", e.reason);
    assert!(e.reason.contains("not clear at 95%"), "{}", e.reason);
}

#[test]
fn too_early_until_the_after_window_is_over_and_in_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = small_workspace(dir.path());
    let mut open = action_on("aht", None);
    open.status = ActionStatus::InProgress;
    open.completed_on = None;
    open.due_date = Some(d("2026-07-01"));
    let a = ws.add_action(&open, d("2026-06-01"), now()).unwrap();
    let e = ws.action_effect(a.id, 4, d("2026-06-01")).unwrap().unwrap();
    assert_eq!(e.verdict, Verdict::TooEarly, "not done, due in the future");
    assert!(e.after.is_none() && e.test.is_none());
    assert_eq!(
        e.before.value.value,
        Some(601.25),
        "the before window is shown all the same"
    );
    // Done on 03-30, but judged on 04-20: the after window runs to 04-26.
    let done = ws
        .add_action(&action_on("aht", None), d("2026-04-20"), now())
        .unwrap();
    let e = ws
        .action_effect(done.id, 4, d("2026-04-20"))
        .unwrap()
        .unwrap();
    assert_eq!(e.verdict, Verdict::TooEarly, "{}", e.reason);
    assert!(e.reason.contains("not over yet"), "{}", e.reason);
    // Six-week windows end on 05-10, after the last data (05-06).
    let e = ws
        .action_effect(done.id, 6, d("2026-06-01"))
        .unwrap()
        .unwrap();
    assert_eq!(e.verdict, Verdict::TooEarly);
    assert!(
        e.reason.contains("the data end on 2026-05-06"),
        "{}",
        e.reason
    );

    let mut no_metric = ActionInput::titled("Tidy up");
    no_metric.start_date = Some(d("2026-03-02"));
    let n = ws.add_action(&no_metric, d("2026-06-01"), now()).unwrap();
    let err = ws.action_effect(n.id, 4, d("2026-06-01")).unwrap_err();
    assert!(err.to_string().contains("names no metric"), "{err}");
    assert!(ws.action_effect(999, 4, d("2026-06-01")).unwrap().is_none());
}

#[test]
fn a_window_mostly_without_data_is_not_tested_as_if_full() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = small_workspace(dir.path());
    // Started and done on 04-01: the before window 03-04..03-31 holds one fact (03-11), one week
    // of four; the after window 04-01..04-28 holds four.
    let mut late = action_on("aht", None);
    late.start_date = Some(d("2026-04-01"));
    late.due_date = Some(d("2026-04-01"));
    late.completed_on = Some(d("2026-04-01"));
    let a = ws.add_action(&late, d("2026-06-01"), now()).unwrap();
    let e = ws.action_effect(a.id, 4, d("2026-06-01")).unwrap().unwrap();
    assert_eq!(e.before.weeks_with_data, 1);
    assert_eq!(e.after.as_ref().unwrap().weeks_with_data, 4);
    assert_eq!(e.verdict, Verdict::NoClearChange);
    assert!(e.test.is_none() && e.change.is_none(), "{e:?}");
    assert!(
        e.reason
            .starts_with("not enough data before the action for ")
            && e.reason.ends_with(
                ": the before window (2026-03-04..2026-03-31) is short, only 1 of its 4 weeks \
                 hold data (at least 3 needed)"
            ),
        "{}",
        e.reason
    );
    // The same action judged over two-week windows: 03-18..03-31 holds nothing at all.
    let e = ws.action_effect(a.id, 2, d("2026-06-01")).unwrap().unwrap();
    assert_eq!(e.before.weeks_with_data, 0);
    assert!(
        e.reason.starts_with("not enough data before"),
        "{}",
        e.reason
    );
}

fn sample_cause() -> CauseInput {
    CauseInput {
        metrics: vec!["aht".into(), "service_level".into()],
        scope: care(),
        period_from: d("2026-02-01"),
        period_to: d("2026-02-28"),
        category: Category::Technology,
        title: "CRM slow".into(),
        description: "Screens take 8 s to load".into(),
        evidence: "IT ticket 4411".into(),
        author: "Dana".into(),
        visibility: Visibility::Internal,
    }
}

#[test]
fn cause_edits_keep_their_history_and_delete_is_undone_by_restore() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = small_workspace(dir.path());
    let c = ws.add_cause(&sample_cause(), now()).unwrap();
    assert_eq!(c.cause.metrics, vec!["aht", "service_level"]);
    let later: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-06-02T10:00:00Z")
        .unwrap()
        .into();
    let edited = ws
        .edit_cause(
            c.id,
            &CausePatch {
                title: Some("CRM release 7.2 slow".into()),
                visibility: Some(Visibility::Client),
                ..CausePatch::default()
            },
            later,
        )
        .unwrap()
        .unwrap();
    assert_eq!(edited.cause.title, "CRM release 7.2 slow");
    assert_eq!(edited.updated_at, "2026-06-02T10:00:00Z");
    ws.edit_cause(
        c.id,
        &CausePatch {
            metrics: Some(vec!["aht".into()]),
            ..CausePatch::default()
        },
        later,
    )
    .unwrap();
    let history = ws.cause_revisions(c.id).unwrap();
    assert_eq!(history.len(), 2, "two edits, two earlier states");
    assert_eq!(
        history[0].previous,
        sample_cause(),
        "the original, as entered"
    );
    assert_eq!(history[0].previous_updated_at, "2026-06-01T09:00:00Z");
    assert_eq!(history[1].previous.title, "CRM release 7.2 slow");
    assert_eq!(history[1].previous.metrics, vec!["aht", "service_level"]);
    let same = ws.edit_cause(c.id, &CausePatch::default(), later).unwrap();
    assert!(same.is_some());
    assert_eq!(
        ws.cause_revisions(c.id).unwrap().len(),
        2,
        "an edit that changes nothing leaves no revision"
    );

    let filter = CauseFilter {
        metric: Some("aht".into()),
        overlapping: Some((d("2026-02-20"), d("2026-03-31"))),
        ..CauseFilter::default()
    };
    assert_eq!(
        ws.causes(&filter).unwrap().len(),
        1,
        "aht, February overlaps"
    );
    let outside = CauseFilter {
        overlapping: Some((d("2026-03-01"), d("2026-03-31"))),
        ..CauseFilter::default()
    };
    assert!(
        ws.causes(&outside).unwrap().is_empty(),
        "March does not overlap February"
    );

    let deleted = ws.delete_cause(c.id, later).unwrap().unwrap();
    assert!(deleted.deleted_at.is_some());
    assert!(
        ws.causes(&CauseFilter::default()).unwrap().is_empty(),
        "hidden once deleted"
    );
    assert!(
        ws.edit_cause(c.id, &CausePatch::default(), later).is_err(),
        "a deleted cause is restored before it is edited"
    );
    let restored = ws.restore_cause(c.id).unwrap().unwrap();
    assert_eq!(restored.deleted_at, None);
    assert_eq!(
        restored.cause.title, "CRM release 7.2 slow",
        "restored as it was"
    );
    assert_eq!(ws.causes(&CauseFilter::default()).unwrap().len(), 1);
    assert!(ws.delete_cause(404, later).unwrap().is_none());

    let mut bad = sample_cause();
    bad.metrics = vec!["speed".into()];
    let err = ws.add_cause(&bad, now()).unwrap_err();
    assert!(
        err.to_string().contains("unknown metric \"speed\""),
        "{err}"
    );
    let mut bad = sample_cause();
    bad.period_to = d("2026-01-01");
    assert!(
        ws.add_cause(&bad, now()).is_err(),
        "a period that ends before it starts"
    );
}

#[test]
fn actions_link_causes_take_notes_filter_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = small_workspace(dir.path());
    let today = d("2026-06-01");
    let c = ws.add_cause(&sample_cause(), now()).unwrap();
    let mut input = action_on("aht", Some(100.0));
    input.causes = vec![c.id];
    input.owner = "Dana".into();
    input.status = ActionStatus::InProgress;
    input.completed_on = None;
    input.due_date = Some(d("2026-05-15"));
    input.expected = Some(ExpectedEffect::Change(-30.0));
    let a = ws.add_action(&input, today, now()).unwrap();
    assert_eq!(a.action.causes, vec![c.id]);
    assert!(a.is_overdue(today), "due 05-15, in progress on 06-01");

    let overdue = ActionFilter {
        overdue_on: Some(today),
        ..ActionFilter::default()
    };
    assert_eq!(ws.actions(&overdue).unwrap().len(), 1);
    let by_owner = ActionFilter {
        owner: Some("dana".into()),
        metric: Some("aht".into()),
        ..ActionFilter::default()
    };
    assert_eq!(
        ws.actions(&by_owner).unwrap().len(),
        1,
        "owner ignores case"
    );

    let a = ws
        .add_action_note(a.id, d("2026-05-20"), "Half the agents trained", now())
        .unwrap()
        .unwrap();
    assert_eq!(a.notes.len(), 1);
    assert_eq!(a.notes[0].noted_on, d("2026-05-20"));

    let done = ws
        .update_action(
            a.id,
            &ActionPatch {
                status: Some(ActionStatus::Done),
                ..ActionPatch::default()
            },
            today,
            now(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(done.action.completed_on, Some(today), "done today");
    assert!(
        ws.actions(&overdue).unwrap().is_empty(),
        "done is never overdue"
    );

    ws.delete_action(a.id, now()).unwrap();
    assert!(ws.actions(&ActionFilter::default()).unwrap().is_empty());
    let shown = ws
        .actions(&ActionFilter {
            include_deleted: true,
            ..ActionFilter::default()
        })
        .unwrap();
    assert_eq!(
        shown.len(),
        1,
        "deleted actions can still be listed for restoring"
    );
    ws.restore_action(a.id).unwrap();
    let back = ws.action(a.id).unwrap().unwrap();
    assert_eq!(back.notes.len(), 1, "notes come back with the action");
    assert_eq!(back.action.expected, Some(ExpectedEffect::Change(-30.0)));

    let mut dangling = ActionInput::titled("Ghost");
    dangling.causes = vec![77];
    let err = ws.add_action(&dangling, today, now()).unwrap_err();
    assert!(err.to_string().contains("no root cause 77"), "{err}");
}
