use std::path::Path;

use chrono::{DateTime, Utc};

use super::*;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .into()
}

#[test]
fn committed_typescript_bindings_match_the_rust_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings.ts");
    let generated = wire::typescript_bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/lib/bindings.ts is out of date; run `UPDATE_BINDINGS=1 cargo test -p qbr-api` and commit it"
    );
}

#[test]
fn demo_workspace_is_described_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let path = create_demo(dir.path(), false, now()).unwrap();
    assert_eq!(path.file_name().unwrap(), "northwind-mobile.qbr");
    let info = workspace_info(&path).unwrap();
    assert_eq!(info.settings.client_name, "Northwind Mobile");
    assert_eq!(info.settings.timezone, "Europe/Dublin");
    assert_eq!(info.settings.currency, "EUR");
    assert_eq!(
        info.data_range,
        Some(DataRangeView {
            first_day: "2025-01-01".into(),
            last_day: "2026-09-30".into()
        }),
        "seven quarters: 2025-Q1 to 2026-Q3"
    );
    // Three programs, five queues, three sites and the 80 agents of the five teams (12+18+22+18+10).
    assert_eq!(
        (
            info.counts.programs,
            info.counts.queues,
            info.counts.sites,
            info.counts.agents
        ),
        (3, 5, 3, 80)
    );
    assert_eq!(
        info.counts.targets, 11,
        "ten account targets and one program target"
    );
    assert_eq!(info.imports.len(), 1);
    assert_eq!(info.imports[0].kind, "demo");
    assert_eq!(info.imports[0].rows_taken, info.counts.fact_rows);
    // Weekday volume of all queues is 3,390 contacts; a 638-day range lands between 1.4 and 2 million.
    assert!(
        (1_400_000..2_000_000).contains(&info.contacts_offered),
        "offered {}",
        info.contacts_offered
    );

    // The same call refuses to overwrite, and replaces when asked, with identical data.
    let err = create_demo(dir.path(), false, now()).unwrap_err();
    assert_eq!(err.code, ErrorCode::AlreadyExists);
    create_demo(dir.path(), true, now()).unwrap();
    let again = workspace_info(&path).unwrap();
    assert_eq!(
        again.contacts_offered, info.contacts_offered,
        "deterministic demo"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("building"))
        .collect();
    assert!(leftovers.is_empty(), "no half-built demo left behind");

    let page = workspace_page(&path).unwrap();
    assert!(
        page.volume_svg.contains("polyline"),
        "the page carries a volume chart"
    );
}

#[test]
fn create_and_patch_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.qbr");
    let req = NewWorkspaceRequest {
        client_name: "  Acme Insurance ".into(),
        timezone: "America/New_York".into(),
        fiscal_year_start_month: 4,
        currency: "usd".into(),
    };
    let info = create_workspace(&path, &req, now()).unwrap();
    assert_eq!(info.settings.client_name, "Acme Insurance", "trimmed");
    assert_eq!(info.settings.currency, "USD", "upper-cased");
    assert_eq!(info.settings.thresholds.voice_s, 20, "catalog default");
    assert_eq!(info.data_range, None, "no data yet");
    assert_eq!(info.format_version, qbr_core::store::FORMAT_VERSION);

    let patched = update_settings(
        &path,
        &SettingsPatch {
            fiscal_year_start_month: Some("July".into()),
            email_threshold_s: Some(4 * 3600),
            ..SettingsPatch::default()
        },
        now(),
    )
    .unwrap();
    assert_eq!(patched.fiscal_year_start_month, 7);
    assert_eq!(patched.thresholds.email_s, 14_400);
    assert_eq!(patched.currency, "USD", "untouched fields stay");

    let err = update_settings(
        &path,
        &SettingsPatch {
            timezone: Some("Mars/Olympus".into()),
            ..SettingsPatch::default()
        },
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("IANA"), "{}", err.message);
}

#[test]
fn errors_carry_codes_the_ui_branches_on() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.qbr");
    std::fs::write(&text, "hello").unwrap();
    let err = workspace_info(&text).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotAWorkspace);
    assert!(
        err.message.contains("notes.qbr"),
        "names the file: {}",
        err.message
    );
    let err = workspace_info(&dir.path().join("gone.qbr")).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    let json = serde_json::to_string(&err).unwrap();
    assert!(
        json.starts_with("{\"code\":\"not_found\",\"message\":"),
        "{json}"
    );
}

#[test]
fn weekly_totals_follow_iso_weeks() {
    // 2026-06-28 is a Sunday (week 26); 2026-06-29 and 2026-07-05 are Monday and Sunday of week 27.
    let daily = vec![
        ("2026-06-28".to_string(), 5),
        ("2026-06-29".to_string(), 10),
        ("2026-07-05".to_string(), 20),
        ("2026-07-06".to_string(), 1),
    ];
    assert_eq!(weekly_totals(&daily), vec![5.0, 30.0, 1.0]);
}

mod metrics_wiring {
    use chrono::NaiveDate;
    use qbr_core::store::{FactKey, NewBatch, NewTarget};
    use qbr_core::{Dimension, Measure, Measures, Workspace};

    use super::now;
    use crate::metrics::*;

    /// Two programs on one August day (the catalog's combined-SL example) and Billing in May.
    fn workspace(dir: &std::path::Path) -> std::path::PathBuf {
        let path = dir.join("sl.qbr");
        crate::create_workspace(
            &path,
            &crate::NewWorkspaceRequest {
                client_name: "SL Test".into(),
                timezone: "UTC".into(),
                fiscal_year_start_month: 1,
                currency: "GBP".into(),
            },
            now(),
        )
        .unwrap();
        let mut ws = Workspace::open(&path).unwrap();
        let mut tx = ws.write().unwrap();
        let batch = tx
            .new_batch(&NewBatch {
                kind: "intervals".into(),
                file_name: "t.csv".into(),
                file_size: 1,
                sha256: "x".into(),
                preset: None,
                mapping: None,
                source_timezone: "UTC".into(),
                started_at: now(),
                app_version: "test".into(),
            })
            .unwrap();
        let rows = [
            ("2026-08-03", "Billing", 300.0, 234.0, 280.0),
            ("2026-08-03", "Tech Support", 1200.0, 1020.0, 1150.0),
            ("2026-05-04", "Billing", 100.0, 90.0, 95.0),
        ];
        for (day, program, offered, in_t, handled) in rows {
            let key = FactKey {
                day: NaiveDate::parse_from_str(day, "%Y-%m-%d").ok(),
                monthly: false,
                members: vec![(Dimension::Program, program.into())],
            };
            let m = Measures::default()
                .with(Measure::Offered, offered)
                .with(Measure::ShortAbandoned, 0.0)
                .with(Measure::AnsweredInThreshold, in_t)
                .with(Measure::Handled, handled);
            tx.insert_fact(batch, &key, &m).unwrap();
        }
        tx.insert_target(
            &NewTarget {
                metric_id: "service_level".into(),
                scope: None,
                direction: "at_least".into(),
                value: 0.80,
                value_high: None,
                tolerance: 0.05,
                effective_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                effective_to: None,
            },
            now(),
        )
        .unwrap();
        tx.finish_batch(batch, 3, 3, 0, 0, now()).unwrap();
        tx.commit().unwrap();
        path
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn report_is_ratio_of_sums_with_targets_and_comparisons() {
        let dir = tempfile::tempdir().unwrap();
        let path = workspace(dir.path());
        let latest = MetricsQuery {
            metrics: vec!["service_level".into()],
            ..MetricsQuery::default()
        };
        let r = metrics_report(&path, &latest, today()).unwrap();
        assert_eq!(
            r.period.label, "2026-Q2",
            "the data stop on 3 August, so Q3 is not complete in the data yet"
        );
        let q = MetricsQuery {
            period: Some("2026-Q3".into()),
            metrics: vec!["service_level".into(), "csat".into()],
            ..MetricsQuery::default()
        };
        let r = metrics_report(&path, &q, today()).unwrap();
        assert_eq!(r.period.label, "2026-Q3");
        assert_eq!(
            (r.period.start.as_str(), r.period.end.as_str()),
            ("2026-07-01", "2026-09-30")
        );
        assert_eq!(r.groups.len(), 1);
        assert!(r.groups[0].key.is_empty(), "no --by: one group keyed {{}}");
        let sl = &r.groups[0].metrics["service_level"];
        // (234 + 1020) / (300 + 1200) = 0.836, not the mean of 78% and 85%.
        assert!((sl.value.unwrap() - 0.836).abs() < 1e-12, "{:?}", sl.value);
        assert_eq!((sl.numerator, sl.denominator), (Some(1254.0), Some(1500.0)));
        assert_eq!(sl.status, "green", "83.6% meets an 80% target");
        assert_eq!(sl.target.as_ref().unwrap().value, 0.80);
        assert_eq!(sl.previous, Some(0.9), "Q2: Billing answered 90 of 100");
        let qoq = sl.change_previous.as_ref().unwrap();
        assert!(
            (qoq.points.unwrap() - (-6.4)).abs() < 1e-9,
            "83.6% − 90% = −6.4 points"
        );
        assert_eq!(sl.year_ago, None, "no data a year earlier");
        let csat = &r.groups[0].metrics["csat"];
        assert_eq!(csat.value, None, "no survey responses: no value, never 0");
        assert!(csat.reason.is_some());

        let by = MetricsQuery {
            period: Some("2026-08".into()),
            by: vec!["program".into()],
            metrics: vec!["service_level".into()],
            ..MetricsQuery::default()
        };
        let r = metrics_report(&path, &by, today()).unwrap();
        let billing = r
            .groups
            .iter()
            .find(|g| g.key.get("program") == Some(&Some("Billing".into())))
            .unwrap();
        let sl = &billing.metrics["service_level"];
        assert!((sl.value.unwrap() - 0.78).abs() < 1e-12);
        // 78% misses 80% by 2 points, within 5% of the target (4 points): amber.
        assert_eq!(sl.status, "amber");
    }

    #[test]
    fn bad_arguments_are_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = workspace(dir.path());
        let q = |period: &str, by: &str, filter: &str| MetricsQuery {
            period: Some(period.into()),
            by: if by.is_empty() {
                vec![]
            } else {
                vec![by.into()]
            },
            filters: if filter.is_empty() {
                vec![]
            } else {
                vec![filter.into()]
            },
            metrics: vec![],
        };
        let e = metrics_report(&path, &q("2026-Q5", "", ""), today()).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::InvalidInput);
        let e = metrics_report(&path, &q("2026-Q3", "country", ""), today()).unwrap_err();
        assert!(e.message.contains("unknown dimension"), "{}", e.message);
        let e = metrics_report(&path, &q("2026-Q3", "", "program"), today()).unwrap_err();
        assert!(e.message.contains("DIMENSION=VALUE"), "{}", e.message);
    }

    #[test]
    fn targets_and_custom_metrics_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = workspace(dir.path());
        let def = add_metric_def(
            &path,
            &MetricDefInput {
                id: "answer_rate".into(),
                name: "Answer rate".into(),
                formula: "handled / offered".into(),
                unit: "ratio".into(),
                direction: "higher".into(),
            },
            now(),
        )
        .unwrap();
        assert!(!def.builtin);
        let t = add_target(
            &path,
            &TargetInput {
                metric_id: "answer_rate".into(),
                scope: Some("program=Billing".into()),
                direction: "at_least".into(),
                value: 0.95,
                effective_from: "2026-07-01".into(),
                ..TargetInput::default()
            },
            now(),
        )
        .unwrap();
        assert_eq!(t.scope.as_ref().unwrap().value, "Billing");
        let r = metrics_report(
            &path,
            &MetricsQuery {
                period: Some("2026-Q3".into()),
                by: vec!["program".into()],
                metrics: vec!["answer_rate".into()],
                ..MetricsQuery::default()
            },
            today(),
        )
        .unwrap();
        let billing = &r.groups[0];
        let e = &billing.metrics["answer_rate"];
        // Billing handled 280 of 300 offered = 93.3%, below its 95% target by 1.7 points,
        // within 5% of 95% (4.75 points): amber.
        assert!((e.value.unwrap() - 280.0 / 300.0).abs() < 1e-12);
        assert_eq!(e.status, "amber");
        let csv = "metric,scope_dimension,scope_value,direction,value,value_high,tolerance,effective_from,effective_to\n\
                   aht,,,at_most,420,,0.05,2026-01-01,\n\
                   occupancy,,,band,0.75,0.88,0.05,2026-01-01,2026-12-31\n";
        let added = import_targets(&path, csv, now()).unwrap();
        assert_eq!(added.len(), 2);
        assert_eq!(
            list_targets(&path).unwrap().len(),
            4,
            "1 demo + 1 set + 2 imported"
        );
        let bad = "metric,scope_dimension,scope_value,direction,value,value_high,tolerance,effective_from,effective_to\n\
                   nope,,,at_most,1,,,2026-01-01,\n";
        let e = import_targets(&path, bad, now()).unwrap_err();
        assert!(
            e.message.contains("row") || e.message.contains("line"),
            "{}",
            e.message
        );
        assert_eq!(
            list_targets(&path).unwrap().len(),
            4,
            "a bad file adds nothing"
        );
        remove_metric_def(&path, "answer_rate").unwrap();
        assert_eq!(
            list_targets(&path).unwrap().len(),
            3,
            "its target went with it"
        );
        assert_eq!(
            remove_metric_def(&path, "service_level").unwrap_err().code,
            crate::ErrorCode::NotFound
        );
    }
}

#[test]
fn scorecard_page_of_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let path = create_demo(dir.path(), false, now()).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let page = metrics::scorecard_page(&path, None, None, today).unwrap();
    assert_eq!(
        page.report.period.label, "2026-Q3",
        "the demo's last complete quarter"
    );
    let labels: Vec<&str> = page.periods.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(
        labels,
        ["2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2", "2025-Q1"],
        "seven quarters of data, newest first"
    );
    assert_eq!(page.report.definitions.len(), 22, "every catalog metric");
    assert!(
        page.sparklines["service_level"].contains("polyline"),
        "a weekly line per metric"
    );
    let sl = &page.report.groups[0].metrics["service_level"];
    assert_eq!(
        sl.target.as_ref().unwrap().value,
        0.82,
        "the renewed contract's target"
    );
    let grouped = metrics::scorecard_page(&path, Some("2026-Q3"), Some("program"), today).unwrap();
    let names: Vec<String> = grouped
        .report
        .groups
        .iter()
        .map(|g| g.label.clone())
        .collect();
    assert!(
        ["Billing", "Sales", "Tech Support"]
            .iter()
            .all(|n| names.contains(&n.to_string())),
        "{names:?}"
    );
}
