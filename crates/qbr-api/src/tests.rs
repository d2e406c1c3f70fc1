use std::path::Path;

use chrono::{DateTime, Utc};

use super::*;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .into()
}

/// The demo's data without the account team's causes and actions, for tests that annotate it
/// themselves and count what they added.
fn bare_demo(dir: &Path) -> std::path::PathBuf {
    let path = dir.join(qbr_core::demo::FILE_NAME);
    let spec = qbr_core::demo::DemoSpec {
        story: false,
        ..qbr_core::demo::DemoSpec::default()
    };
    qbr_core::demo::create(&path, &spec, now()).unwrap();
    path
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

/// The app's attention list for a period stops, as cancelled, once another period is asked for;
/// not replaced, it is the same list as `attention`'s.
#[test]
fn an_attention_list_no_longer_wanted_stops_as_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let path = bare_demo(dir.path());
    let today = now().date_naive();
    let whole = diagnose::attention(&path, Some("2026-Q2"), today).unwrap();
    assert!(!whole.items.is_empty());
    let asked = |stop: bool| {
        diagnose::attention_unless_replaced(
            &path,
            Some("2026-Q2"),
            today,
            Some(std::sync::Arc::new(move || stop)),
        )
    };
    let messages = |r: &AttentionReport| {
        r.items
            .iter()
            .map(|i| i.message.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(messages(&asked(false).unwrap()), messages(&whole));
    let e = asked(true).unwrap_err();
    assert_eq!(e.code, ErrorCode::Cancelled, "{}", e.message);
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
    // The demo is a pure function of its seed: this is its total, pinned so that any change to
    // the generator is noticed (weekday volume 3,390 over 638 days with weekend and seasonal dips).
    assert_eq!(info.contacts_offered, 1_876_988);

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
fn a_new_workspace_takes_the_default_locale_or_a_supported_one() {
    let dir = tempfile::tempdir().unwrap();
    let req = |locale: Option<&str>| NewWorkspaceRequest {
        client_name: "Acme".into(),
        timezone: "UTC".into(),
        fiscal_year_start_month: 1,
        currency: "EUR".into(),
        locale: locale.map(String::from),
    };
    let info = create_workspace(&dir.path().join("a.qbr"), &req(None), now()).unwrap();
    assert_eq!(info.settings.locale, "en-GB", "no choice: the default");
    let info = create_workspace(&dir.path().join("b.qbr"), &req(Some("de-DE")), now()).unwrap();
    assert_eq!(info.settings.locale, "de-DE");
    let err = create_workspace(&dir.path().join("c.qbr"), &req(Some("en-ZZ")), now()).unwrap_err();
    assert!(
        err.message.contains("\"en-ZZ\" is not a supported locale"),
        "{}",
        err.message
    );
    assert!(!dir.path().join("c.qbr").exists(), "nothing is created");
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
        locale: Some("en-us".into()),
    };
    let info = create_workspace(&path, &req, now()).unwrap();
    assert_eq!(info.settings.client_name, "Acme Insurance", "trimmed");
    assert_eq!(
        info.settings.locale, "en-US",
        "the chosen locale, as supported"
    );
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
    assert_eq!(patched.settings.fiscal_year_start_month, 7);
    assert_eq!(patched.settings.thresholds.email_s, 14_400);
    assert_eq!(patched.settings.currency, "USD", "untouched fields stay");

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

    assert_eq!(info.settings.locale, "en-US", "as created");
    let patched = update_settings(
        &path,
        &SettingsPatch {
            locale: Some("de-de".into()),
            ..SettingsPatch::default()
        },
        now(),
    )
    .unwrap();
    assert_eq!(patched.settings.locale, "de-DE");
    let err = update_settings(
        &path,
        &SettingsPatch {
            locale: Some("de".into()),
            ..SettingsPatch::default()
        },
        now(),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.contains("\"de\" is not a supported locale"),
        "{}",
        err.message
    );
    assert_eq!(workspace_info(&path).unwrap().settings.locale, "de-DE");

    let page = settings_page(&path).unwrap();
    let examples: Vec<(&str, &str)> = page
        .locales
        .iter()
        .map(|l| (l.tag.as_str(), l.example.as_str()))
        .collect();
    assert_eq!(examples[0], ("en-GB", "27 Jul 2026"));
    assert!(examples.contains(&("en-US", "Jul 27, 2026")));
    assert!(examples.contains(&("de-DE", "27. Juli 2026")));
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
fn monthly_totals_mark_the_months_the_data_cut() {
    // Data from 28 Jun to 1 Aug 2026: June and August are partial, July (1 to 31) is whole.
    let daily = vec![
        ("2026-06-28".to_string(), 5),
        ("2026-06-30".to_string(), 10),
        ("2026-07-01".to_string(), 20),
        ("2026-07-31".to_string(), 30),
        ("2026-08-01".to_string(), 1),
    ];
    let months = monthly_totals(&daily, "en-GB");
    let got: Vec<(&str, f64, bool)> = months
        .iter()
        .map(|m| (m.label.as_str(), m.total, m.partial))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Jun 2026", 15.0, true),
            ("Jul 2026", 50.0, false),
            ("Aug 2026", 1.0, true)
        ]
    );
    // The axis reads in the workspace's locale (CLDR: de-DE's July is "Juli").
    let de: Vec<String> = monthly_totals(&daily, "de-DE")
        .into_iter()
        .map(|m| m.label)
        .collect();
    assert_eq!(de, ["Juni 2026", "Juli 2026", "Aug. 2026"]);
    // Whole months at both ends (1 Jan to 28 Feb 2026) are not partial.
    let whole = monthly_totals(
        &[("2026-01-01".to_string(), 1), ("2026-02-28".to_string(), 2)],
        "en-GB",
    );
    assert!(whole.iter().all(|m| !m.partial), "{whole:?}");
    // December ends on the 31st and the next month is in the next year.
    let dec = monthly_totals(
        &[("2026-12-01".to_string(), 1), ("2026-12-31".to_string(), 2)],
        "en-GB",
    );
    assert!(!dec[0].partial, "{dec:?}");
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
                locale: None,
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
    assert!(grouped.by_channel.is_empty() && grouped.sparklines.is_empty());

    // Service level and ASA per channel: the account's ASA is the ratio of the channels' sums
    // (never a mean of their ASAs), and email's is in hours where voice's is in seconds.
    let asa = &page.report.groups[0].metrics["asa"];
    // Rows with no channel (workforce and finance data) have no contacts and say so.
    for g in &page.by_channel {
        let e = &g.metrics["asa"];
        assert!(
            e.value.is_some() || e.reason.as_deref() == Some("no contacts handled"),
            "{}: {e:?}",
            g.label
        );
    }
    let channels: Vec<(String, f64, f64)> = page
        .by_channel
        .iter()
        .filter(|g| g.metrics["asa"].value.is_some())
        .map(|g| {
            let e = &g.metrics["asa"];
            (
                g.label.clone(),
                e.numerator.unwrap(),
                e.denominator.unwrap(),
            )
        })
        .collect();
    let labels: Vec<&str> = channels.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(labels, ["chat", "email", "voice"]);
    let (num, den) = channels
        .iter()
        .fold((0.0, 0.0), |(n, d), c| (n + c.1, d + c.2));
    assert!((num - asa.numerator.unwrap()).abs() < 1e-6 * num);
    assert!((den - asa.denominator.unwrap()).abs() < 1e-9);
    assert!((num / den - asa.value.unwrap()).abs() < 1e-9);
    let asa_of = |c: &str| {
        let x = channels.iter().find(|x| x.0 == c).unwrap();
        x.1 / x.2
    };
    assert!(
        asa_of("email") > 3600.0 && asa_of("voice") < 300.0,
        "email {} s, voice {} s",
        asa_of("email"),
        asa_of("voice")
    );
    assert_eq!(
        page.by_channel[0].metrics.len(),
        2,
        "service level and ASA only"
    );
    // A channel's tile line shows its figure and status, never a change: none is computed.
    let voice = page.by_channel.iter().find(|g| g.label == "voice").unwrap();
    let sl_voice = &voice.metrics["service_level"];
    assert!(sl_voice.target.is_some() && sl_voice.status != "none");
    assert!(sl_voice.previous.is_none() && sl_voice.change_previous.is_none());
    // The sparklines, computed beside the figures, cover the same metrics.
    let ids: Vec<&String> = page.report.definitions.iter().map(|d| &d.id).collect();
    assert_eq!(page.sparklines.keys().collect::<Vec<_>>(), {
        let mut sorted = ids.clone();
        sorted.sort();
        sorted
    });

    // Definitions say their family and their formula in words.
    let def = |id: &str| page.report.definitions.iter().find(|d| d.id == id).unwrap();
    assert_eq!(def("service_level").family, "service");
    assert_eq!(def("csat").family, "customer");
    assert_eq!(def("cost_per_contact").family, "money");
    assert_eq!(def("aht").formula_words, "handle time ÷ contacts handled");
    assert_eq!(def("aht").sample_words.as_deref(), Some("contacts handled"));
}

mod import_wiring {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::AtomicBool;

    use chrono::NaiveDate;

    use super::now;
    use crate::import::*;
    use crate::metrics::{metrics_report, MetricsQuery};
    use crate::{ErrorCode, ImportProgressView, ImportReportView, ImportRequest, RefusalView};

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/import")
            .join(name)
    }

    /// A workspace in New York, the zone the fixture README's hand-worked days assume.
    fn workspace(dir: &Path) -> PathBuf {
        let path = dir.join("client.qbr");
        crate::create_workspace(
            &path,
            &crate::NewWorkspaceRequest {
                client_name: "Fixture Client".into(),
                timezone: "America/New_York".into(),
                fiscal_year_start_month: 1,
                currency: "USD".into(),
                locale: None,
            },
            now(),
        )
        .unwrap();
        path
    }

    fn import(
        ws: &Path,
        names: &[&str],
        req: &ImportRequest,
    ) -> crate::ApiResult<Vec<ImportReportView>> {
        let files: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
        let never = AtomicBool::new(false);
        import_files(ws, &files, req, &mut |_| {}, &never, now())
    }

    fn import_one(ws: &Path, name: &str) -> ImportReportView {
        let mut reports = import(ws, &[name], &ImportRequest::default())
            .unwrap_or_else(|e| panic!("{name}: {}", e.message));
        assert_eq!(reports.len(), 1, "one report per file");
        reports.remove(0)
    }

    /// Offered and handled in July 2026, as the scorecard shows them.
    fn july(ws: &Path) -> (Option<f64>, Option<f64>) {
        let q = MetricsQuery {
            period: Some("2026-07".into()),
            metrics: vec!["offered".into(), "handled".into()],
            ..MetricsQuery::default()
        };
        let r = metrics_report(ws, &q, NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()).unwrap();
        let m = &r.groups[0].metrics;
        (m["offered"].value, m["handled"].value)
    }

    #[test]
    fn generic_interactions_reach_the_scorecard_and_a_second_import_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let mut phases = Vec::new();
        let never = AtomicBool::new(false);
        let reports = import_files(
            &ws,
            &[fixture("interactions_generic.csv")],
            &ImportRequest::default(),
            &mut |p: ImportProgressView| phases.push((p.phase, p.file_index, p.file_count)),
            &never,
            now(),
        )
        .unwrap();
        let r = &reports[0];
        assert_eq!(r.kind, "interactions", "detected from the generic headers");
        assert_eq!(r.preset, None, "no vendor preset for generic names");
        assert_eq!(
            (r.rows_read, r.rows_taken, r.rows_refused, r.rows_duplicate),
            (6, 6, 0, 0),
            "six contacts C1..C6, all readable"
        );
        assert_eq!(
            (r.first_day.as_deref(), r.last_day.as_deref()),
            (Some("2026-07-01"), Some("2026-07-01")),
            "C5 at 02:30Z on 2 July is 22:30 on 1 July in New York"
        );
        assert_eq!(r.already_imported, None);
        let batch = r.batch_id.expect("a new batch");
        assert_eq!(
            phases.first(),
            Some(&("fingerprint".to_string(), 0, 1)),
            "progress starts with the fingerprint of file 1 of 1"
        );
        assert!(
            phases.iter().any(|(p, _, _)| p == "writing"),
            "progress reaches the writing phase: {phases:?}"
        );

        assert_eq!(
            july(&ws),
            (Some(6.0), Some(4.0)),
            "README: 6 offered (4 handled + 2 abandoned), 4 handled (C1, C2, C3, C6)"
        );

        let again = import_one(&ws, "interactions_generic.csv");
        assert_eq!(
            (again.batch_id, again.already_imported),
            (None, Some(batch)),
            "the same bytes again name the earlier import and add nothing"
        );
        assert_eq!(again.rows_taken, 0);
        assert_eq!(july(&ws), (Some(6.0), Some(4.0)), "still counted once");

        let imports = list_imports(&ws).unwrap();
        assert_eq!(imports.len(), 1, "the no-op left no batch behind");
        assert_eq!(imports[0].id, batch);
        assert_eq!(imports[0].rows_taken, 6);
    }

    #[test]
    fn overlapping_exports_count_once_and_undo_restores_the_counts() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let reports = import(
            &ws,
            &["interactions_overlap_a.csv", "interactions_overlap_b.csv"],
            &ImportRequest::default(),
        )
        .unwrap();
        assert_eq!(reports.len(), 2, "each file its own batch");
        let b = &reports[1];
        assert_eq!(
            (b.rows_read, b.rows_taken, b.rows_duplicate),
            (3, 2, 1),
            "A3 is in both exports"
        );
        assert_eq!(
            july(&ws),
            (Some(5.0), Some(4.0)),
            "README: together 5 offered (A3 once), 4 handled"
        );
        let undo = undo_import(&ws, b.batch_id.unwrap(), now()).unwrap();
        assert_eq!(
            undo.contacts_removed, 2,
            "A4 and A5; A3 stays with the first import"
        );
        assert_eq!(
            july(&ws),
            (Some(3.0), Some(2.0)),
            "back to A alone: A1, A2 handled, A3 abandoned"
        );
        let imports = list_imports(&ws).unwrap();
        assert!(imports[1].undone, "the undone batch stays in the history");
        let again = undo_import(&ws, b.batch_id.unwrap(), now()).unwrap_err();
        assert_eq!(again.code, ErrorCode::InvalidInput);
        assert!(
            again.message.contains("already undone"),
            "{}",
            again.message
        );
        let missing = undo_import(&ws, 99, now()).unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound, "{}", missing.message);
    }

    #[test]
    fn refusals_are_listed_and_exported_as_csv() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let r = import_one(&ws, "interactions_one_bad_row.csv");
        assert_eq!(
            (r.rows_read, r.rows_taken, r.rows_refused),
            (10, 9, 1),
            "one bad row never sinks a file"
        );
        let batch = r.batch_id.unwrap();
        let refusals = import_refusals(&ws, batch).unwrap();
        assert_eq!(
            refusals, r.refusals,
            "the report carries the stored refusals"
        );
        assert_eq!(refusals.len(), 1);
        let bad = &refusals[0];
        assert_eq!(
            (bad.row, bad.column.as_deref(), bad.value.as_str()),
            (5, Some("wait_s"), "abc"),
            "R4 sits on line 5 (the header is line 1)"
        );
        let csv = refusals_csv(&ws, batch).unwrap();
        let expected = format!(
            "row,column,value,expected\n5,wait_s,abc,\"{}\"\n",
            bad.expected
        );
        assert!(
            bad.expected.contains(','),
            "the expectation lists spellings, so the cell must be quoted: {}",
            bad.expected
        );
        assert_eq!(csv, expected);
        let detail = import_detail(&ws, batch).unwrap();
        assert_eq!(
            (detail.import.rows_refused, detail.refusals),
            (1, refusals.clone()),
            "the detail pairs the batch with its refusals"
        );
        assert_eq!(
            import_refusals(&ws, 42).unwrap_err().code,
            ErrorCode::NotFound,
            "an unknown import is not an empty list"
        );
    }

    #[test]
    fn csv_cells_cannot_start_a_formula() {
        let row = |value: &str| RefusalView {
            row: 7,
            column: Some("@col".into()),
            value: value.into(),
            expected: "a number".into(),
        };
        let csv = crate::import::refusals_to_csv(&[
            row("=HYPERLINK(\"http://x\")"),
            row("+1"),
            row("-2"),
            row("plain, \"quoted\""),
        ]);
        assert_eq!(
            csv,
            "row,column,value,expected\n\
             7,'@col,\"'=HYPERLINK(\"\"http://x\"\")\",a number\n\
             7,'@col,'+1,a number\n\
             7,'@col,'-2,a number\n\
             7,'@col,\"plain, \"\"quoted\"\"\",a number\n",
            "= + - @ get an apostrophe; commas and quotes are quoted and doubled"
        );
    }

    #[test]
    fn import_errors_carry_codes_and_name_file_row_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let strict = ImportRequest {
            strict: true,
            ..ImportRequest::default()
        };
        let e = import(&ws, &["interactions_one_bad_row.csv"], &strict).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        for part in [
            "interactions_one_bad_row.csv",
            "row 5",
            "\"wait_s\"",
            "\"abc\"",
        ] {
            assert!(e.message.contains(part), "names {part}: {}", e.message);
        }
        assert!(
            list_imports(&ws).unwrap().is_empty(),
            "strict refusal took nothing"
        );

        let e = import(
            &ws,
            &["interactions_ambiguous_dates.csv"],
            &ImportRequest::default(),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::AmbiguousDates, "{}", e.message);
        let dmy = ImportRequest {
            date_order: Some("dmy".into()),
            ..ImportRequest::default()
        };
        let ok = import(&ws, &["interactions_ambiguous_dates.csv"], &dmy).unwrap();
        assert_eq!(ok[0].rows_taken, 2, "with the order given the file is read");
        // Day first: 01/07 and 02/07 are 1 and 2 July, not 7 January and 7 February.
        assert_eq!(
            (ok[0].first_day.as_deref(), ok[0].last_day.as_deref()),
            (Some("2026-07-01"), Some("2026-07-02"))
        );

        let e = import(
            &ws,
            &["interactions_mostly_bad.csv"],
            &ImportRequest::default(),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::MappingProbablyWrong, "{}", e.message);
        let e = import(&ws, &["no_usable_columns.csv"], &ImportRequest::default()).unwrap_err();
        assert_eq!(e.code, ErrorCode::MappingNeeded, "{}", e.message);
        let e = import(&ws, &["empty.csv"], &ImportRequest::default()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("empty.csv"), "{}", e.message);

        // A failure after a good file says the good one stayed.
        let e = import(
            &ws,
            &["interactions_generic.csv", "empty.csv"],
            &ImportRequest::default(),
        )
        .unwrap_err();
        assert!(
            e.message.contains("interactions_generic.csv as import"),
            "{}",
            e.message
        );

        let e = import(
            &ws,
            &["interactions_generic.csv"],
            &ImportRequest {
                mapping: Some("Contoso dialler".into()),
                ..ImportRequest::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("saved mappings: none"), "{}", e.message);
        let e = import(
            &ws,
            &["interactions_generic.csv"],
            &ImportRequest {
                kind: Some("calls".into()),
                ..ImportRequest::default()
            },
        )
        .unwrap_err();
        assert!(e.message.contains("unknown kind"), "{}", e.message);

        let cancelled = AtomicBool::new(true);
        let e = import_files(
            &ws,
            &[fixture("interactions_overlap_a.csv")],
            &ImportRequest::default(),
            &mut |_| {},
            &cancelled,
            now(),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Cancelled);
    }

    #[test]
    fn a_mapping_file_maps_headers_no_synonym_knows() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let data = dir.path().join("q3_export.csv");
        std::fs::write(
            &data,
            "Ref,When,Fate,Queue secs,Work secs\nX1,2026-07-01 09:00,handled,10,100\nX2,2026-07-01 09:05,abandoned,2,\n",
        )
        .unwrap();
        let mapping = dir.path().join("contoso.json");
        std::fs::write(
            &mapping,
            r#"{"columns":[{"field":"contact_id","header":"Ref"},{"field":"started_at","header":"When"},
               {"field":"outcome","header":"Fate"},{"field":"wait","header":"Queue secs","unit":"s"},
               {"field":"handle","header":"Work secs","unit":"s"}]}"#,
        )
        .unwrap();
        let req = ImportRequest {
            kind: Some("interactions".into()),
            mapping: Some(mapping.display().to_string()),
            ..ImportRequest::default()
        };
        let never = AtomicBool::new(false);
        let r = import_files(&ws, &[data], &req, &mut |_| {}, &never, now()).unwrap();
        assert_eq!(
            r[0].rows_taken, 2,
            "X1 and X2 read through the mapping file"
        );
        assert_eq!(
            july(&ws),
            (Some(2.0), Some(1.0)),
            "X1 handled, X2 abandoned"
        );
    }

    #[test]
    fn detect_shows_kind_mapping_confidence_and_preview() {
        let dir = tempfile::tempdir().unwrap();
        let ws = workspace(dir.path());
        let d = detect_file(&ws, &fixture("interactions_generic.csv")).unwrap();
        assert_eq!(d.kind.as_deref(), Some("interactions"));
        assert_eq!(d.format, "delimited");
        assert_eq!(d.preview.len(), 6, "all six data rows fit the preview");
        assert_eq!(d.preview[0][0], "C1");
        assert_eq!(
            d.date_order, "not_needed",
            "ISO timestamps have no order to guess"
        );
        let id = d.mapping.iter().find(|c| c.field == "contact_id").unwrap();
        assert_eq!(
            (id.header.as_str(), id.confidence),
            ("contact_id", 1.0),
            "an exact field name is certain"
        );
        let wait = d.mapping.iter().find(|c| c.header == "wait_s").unwrap();
        assert_eq!(
            wait.unit.as_deref(),
            Some("s"),
            "the _s suffix states seconds"
        );
        assert!(
            d.unmapped.is_empty(),
            "every generic header is known: {:?}",
            d.unmapped
        );

        let d = detect_file(&ws, &fixture("genesys_interactions.csv")).unwrap();
        assert_eq!(d.preset.as_deref(), Some("genesys_cloud_interactions"));
        let d = detect_file(&ws, &fixture("interactions_ambiguous_dates.csv")).unwrap();
        assert_eq!(d.date_order, "ambiguous", "the user must choose");
    }
}

#[test]
fn variants_change_every_view_and_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = create_demo(dir.path(), false, now()).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let q = metrics::MetricsQuery {
        period: Some("2026-Q3".into()),
        metrics: vec!["service_level".into()],
        ..metrics::MetricsQuery::default()
    };
    let before = metrics::metrics_report(&path, &q, today).unwrap().groups[0].metrics
        ["service_level"]
        .clone();
    assert_eq!(
        metrics::variants(&path).unwrap().service_level,
        "short_abandons_excluded"
    );
    let v = metrics::set_variants(
        &path,
        &VariantsPatch {
            service_level: Some("abandons_ignored".into()),
            ..VariantsPatch::default()
        },
        now(),
    )
    .unwrap();
    assert_eq!(v.service_level, "abandons_ignored");
    let after = metrics::metrics_report(&path, &q, today).unwrap().groups[0].metrics
        ["service_level"]
        .clone();
    // Abandons ignored: the denominator drops every abandon, not only the short ones.
    assert_eq!(
        after.numerator, before.numerator,
        "the same contacts met the threshold"
    );
    // Abandonment rate is (Σabandoned − Σshort) / (Σoffered − Σshort): its denominator is the
    // default SL's, and taking its numerator away leaves Σoffered − Σabandoned.
    let ar_q = metrics::MetricsQuery {
        period: Some("2026-Q3".into()),
        metrics: vec!["abandon_rate".into()],
        ..metrics::MetricsQuery::default()
    };
    let ar = metrics::metrics_report(&path, &ar_q, today).unwrap().groups[0].metrics
        ["abandon_rate"]
        .clone();
    assert_eq!(
        before.denominator, ar.denominator,
        "default: Σoffered − Σshort_abandoned"
    );
    assert_eq!(
        after.denominator,
        Some(ar.denominator.unwrap() - ar.numerator.unwrap()),
        "abandons ignored: Σoffered − Σabandoned"
    );
    assert_eq!(
        after.value,
        Some(after.numerator.unwrap() / after.denominator.unwrap())
    );
    let page = settings_page(&path).unwrap();
    assert_eq!(page.variants.service_level, "abandons_ignored");
    let sl = page
        .definitions
        .iter()
        .find(|d| d.id == "service_level")
        .unwrap();
    assert_eq!(
        sl.formula, "Σanswered_in_threshold / (Σoffered − Σabandoned)",
        "the formula text follows the variant"
    );
    assert_eq!(
        sl.formula_words,
        "contacts answered within the threshold ÷ (contacts offered − contacts abandoned)",
        "the words follow the variant too"
    );
    // The pickers: the demo's programs and channels as members, zones and currencies to choose.
    assert_eq!(
        page.members["program"],
        ["Billing", "Sales", "Tech Support"]
    );
    assert!(page.members["channel"].contains(&"voice".to_string()));
    assert!(
        !page.members.contains_key("agent"),
        "targets are not set per agent"
    );
    assert!(page.timezones.contains(&"Europe/Dublin".to_string()));
    assert_eq!(page.currencies[1].code, "EUR");
    let bad = metrics::set_variants(
        &path,
        &VariantsPatch {
            csat: Some("median".into()),
            ..VariantsPatch::default()
        },
        now(),
    )
    .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidInput);
    assert!(bad.message.contains("top_two_box"), "{}", bad.message);
}

#[test]
fn metric_detail_of_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let path = create_demo(dir.path(), false, now()).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let page =
        metrics::metric_detail(&path, "service_level", None, Some("program"), today).unwrap();
    assert_eq!(page.period.label, "2026-Q3");
    assert_eq!(page.definition.name, "Service level");
    // 52 weeks ending with the quarter: 2025-10-02 .. 2026-09-30 spans ISO weeks 40 of 2025 to 40 of 2026.
    assert_eq!(
        page.trend.points.len(),
        53,
        "52 weeks, the first and last clipped"
    );
    assert_eq!(page.trend.points.last().unwrap().period.label, "2026-W40");
    assert!(
        page.trend_svg.contains("Target ≥ 82.0%"),
        "the contract target is drawn and labelled"
    );
    assert_eq!(page.breakdown.len(), 3, "one row per program");
    let sum_num: f64 = page
        .breakdown
        .iter()
        .map(|g| g.metrics["service_level"].numerator.unwrap())
        .sum();
    assert_eq!(
        Some(sum_num),
        page.overall.numerator,
        "the programs' numerators add up to the account's (ratio of sums)"
    );
    let err = metrics::metric_detail(&path, "nope", None, None, today).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[test]
fn a_saved_queue_mapping_puts_imported_rows_in_its_program() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.qbr");
    create_workspace(
        &path,
        &NewWorkspaceRequest {
            client_name: "Mapping".into(),
            timezone: "UTC".into(),
            fiscal_year_start_month: 1,
            currency: "USD".into(),
            locale: None,
        },
        now(),
    )
    .unwrap();
    let saved = import::set_program_alias(
        &path,
        &ProgramAliasView {
            source: "queue".into(),
            source_name: "Billing".into(),
            program: "Customer Care".into(),
        },
    )
    .unwrap();
    assert_eq!(saved.len(), 1);
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/import/interactions_generic.csv");
    let never = std::sync::atomic::AtomicBool::new(false);
    import::import_files(
        &path,
        &[fixture],
        &ImportRequest {
            kind: None,
            preset: None,
            mapping: None,
            program: None,
            timezone: None,
            date_order: None,
            strict: false,
            columns: None,
            save_mapping_as: None,
            csat_column: None,
            ces_column: None,
            dry_run: false,
            decimal_mark: None,
            earliest: None,
            latest: None,
        },
        &mut |_| {},
        &never,
        now(),
    )
    .unwrap();
    let report = metrics::metrics_report(
        &path,
        &metrics::MetricsQuery {
            period: Some("2026-07".into()),
            by: vec!["program".into()],
            metrics: vec!["offered".into()],
            ..metrics::MetricsQuery::default()
        },
        chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
    )
    .unwrap();
    assert_eq!(report.groups.len(), 1, "every row found its program");
    assert_eq!(
        report.groups[0].key.get("program"),
        Some(&Some("Customer Care".to_string()))
    );
    assert_eq!(
        report.groups[0].metrics["offered"].value,
        Some(6.0),
        "the fixture's six contacts"
    );
    import::remove_program_alias(&path, "queue", "Billing").unwrap();
    assert_eq!(
        import::remove_program_alias(&path, "queue", "Billing")
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
}

mod annotations {
    //! Causes, actions and effects on the demo, checked against `metrics_report` over the same
    //! windows, so the effect panel and the scorecard can never disagree.

    use super::*;
    use crate::annotate as api;
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = bare_demo(dir.path());
        (dir, path)
    }

    fn tech_action(metric: &str, completed_on: &str, cost: Option<f64>) -> ActionInput {
        ActionInput {
            title: format!("Firmware playbook ({metric})"),
            owner: "Dana".into(),
            start_date: Some("2026-08-03".into()),
            due_date: Some("2026-08-31".into()),
            status: "done".into(),
            completed_on: Some(completed_on.into()),
            metric_id: Some(metric.into()),
            scope: Some("program=Tech Support".into()),
            cost,
            ..ActionInput::default()
        }
    }

    /// The metric for Tech Support over `from..to` as the scorecard reports it.
    fn reported(path: &std::path::Path, metric: &str, from: &str, to: &str) -> MetricEntryView {
        let report = metrics::metrics_report(
            path,
            &metrics::MetricsQuery {
                period: Some(format!("{from}..{to}")),
                filters: vec!["program=Tech Support".into()],
                metrics: vec![metric.into()],
                ..metrics::MetricsQuery::default()
            },
            today(),
        )
        .unwrap();
        report.groups[0].metrics[metric].clone()
    }

    #[test]
    fn service_level_effect_matches_the_scorecard_over_the_same_windows() {
        let (_dir, path) = demo();
        let a = api::add_action(
            &path,
            &tech_action("service_level", "2026-08-31", None),
            today(),
            now(),
        )
        .unwrap();
        let e = api::action_effect(&path, a.id, None, today()).unwrap();
        assert_eq!(e.weeks, 4, "four weeks by default");
        assert_eq!(
            (e.before.period.start.as_str(), e.before.period.end.as_str()),
            ("2026-07-06", "2026-08-02"),
            "the 28 days before the start"
        );
        let after = e
            .after
            .clone()
            .expect("the after window is over and in the data");
        assert_eq!(
            (after.period.start.as_str(), after.period.end.as_str()),
            ("2026-08-31", "2026-09-27"),
            "the 28 days from the completion"
        );
        let before_sc = reported(&path, "service_level", "2026-07-06", "2026-08-02");
        let after_sc = reported(&path, "service_level", "2026-08-31", "2026-09-27");
        assert_eq!(
            (e.before.value, e.before.numerator, e.before.denominator),
            (before_sc.value, before_sc.numerator, before_sc.denominator),
            "the before window is the scorecard's ratio of sums"
        );
        assert_eq!(
            (after.value, after.numerator, after.denominator),
            (after_sc.value, after_sc.numerator, after_sc.denominator),
            "the after window is the scorecard's ratio of sums"
        );
        let test = e.test.clone().expect("service level is testable");
        assert_eq!(test.method, "two_proportion_z", "a share of counts");
        assert_eq!(test.confidence, 0.95);
        // Recompute z from the windows' counts to show the API passes them through unchanged.
        let (x1, n1) = (before_sc.numerator.unwrap(), before_sc.denominator.unwrap());
        let (x2, n2) = (after_sc.numerator.unwrap(), after_sc.denominator.unwrap());
        let p = (x1 + x2) / (n1 + n2);
        let z = (x2 / n2 - x1 / n1) / (p * (1.0 - p) * (1.0 / n1 + 1.0 / n2)).sqrt();
        assert!(
            (test.statistic - z).abs() < 1e-9,
            "z {} vs {z}",
            test.statistic
        );
        let expected = if test.p_value >= 0.05 {
            "no_clear_change"
        } else if z > 0.0 {
            "improved"
        } else {
            "worsened"
        };
        assert_eq!(
            e.verdict, expected,
            "higher is better for service level: {}",
            e.reason
        );
        assert_eq!(
            e.change.unwrap().absolute,
            after_sc.value.unwrap() - before_sc.value.unwrap()
        );
        assert_eq!(e.before.weekly.len(), 4);
        assert_eq!(e.before.weekly[0].period.start, "2026-07-06");
        assert!(e.savings.is_none(), "service level has no cost meaning");
        assert_eq!(
            e.verdict, "worsened",
            "Tech Support SL fell from 75.8% to 74.3% over ~20,000 calls a window (z = -5.56): {}",
            e.reason
        );
    }

    #[test]
    fn aht_effect_uses_weekly_values_and_prices_the_saving() {
        let (_dir, path) = demo();
        let a = api::add_action(
            &path,
            &tech_action("aht", "2026-08-31", Some(5_000.0)),
            today(),
            now(),
        )
        .unwrap();
        let e = api::action_effect(&path, a.id, Some(3), today()).unwrap();
        assert_eq!(
            e.before.period.start, "2026-07-13",
            "three weeks before 08-03"
        );
        let test = e.test.clone().unwrap();
        assert_eq!(
            test.method, "welch_t",
            "AHT is a mean: weekly values are compared"
        );
        // Welch's t by hand from the weekly values: t = (m2 − m1) / √(v1/n1 + v2/n2), with the
        // Welch–Satterthwaite degrees of freedom.
        let stats = |w: &[EffectWeekView]| {
            let xs: Vec<f64> = w.iter().filter_map(|x| x.value).collect();
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
            (mean, var / n, n)
        };
        let (m1, s1, n1) = stats(&e.before.weekly);
        let (m2, s2, n2) = stats(&e.after.as_ref().expect("the after window is over").weekly);
        assert_eq!((n1, n2), (3.0, 3.0), "three full weeks each side");
        let t = (m2 - m1) / (s1 + s2).sqrt();
        let df = (s1 + s2).powi(2) / (s1 * s1 / (n1 - 1.0) + s2 * s2 / (n2 - 1.0));
        assert!(
            (test.statistic - t).abs() < 1e-9,
            "t {} vs {t}",
            test.statistic
        );
        assert!(
            (test.df.unwrap() - df).abs() < 1e-9,
            "df {:?} vs {df}",
            test.df
        );
        let s = e.savings.clone().expect("AHT with a cost is priced");
        assert_eq!(s.currency, "EUR");
        assert!(
            s.saving.is_some(),
            "the demo has monthly costs: {}",
            s.explanation
        );
        let handled = e.after.as_ref().unwrap().denominator.unwrap();
        let delta = e.before.value.unwrap() - e.after.as_ref().unwrap().value.unwrap();
        // Cost per handled second over the whole months around the after window (finance data
        // are monthly): Σcost (cost per contact's numerator) / Σhandle_s (AHT's numerator).
        let cost = reported(&path, "cost_per_contact", "2026-08-01", "2026-09-30");
        let secs = reported(&path, "aht", "2026-08-01", "2026-09-30");
        let per_second = cost.numerator.unwrap() / secs.numerator.unwrap();
        let saving = s.saving.unwrap();
        assert!(
            (saving - delta * handled * per_second).abs() < 1e-6,
            "saving {saving} = Δ {delta} s × {handled} handled × {per_second} per second: {}",
            s.explanation
        );
        assert!(
            s.explanation.contains("2026-08-01..2026-09-30"),
            "{}",
            s.explanation
        );
        assert_eq!(
            e.verdict, "worsened",
            "the demo's August firmware trouble lengthens Tech Support calls: {}",
            e.reason
        );
        assert!((s.roi.unwrap() - (saving - 5_000.0) / 5_000.0).abs() < 1e-9);
    }

    #[test]
    fn too_early_while_the_after_window_runs_past_the_data() {
        let (_dir, path) = demo();
        let a = api::add_action(
            &path,
            &tech_action("service_level", "2026-09-14", None),
            today(),
            now(),
        )
        .unwrap();
        let e = api::action_effect(&path, a.id, None, today()).unwrap();
        assert_eq!(
            e.verdict, "too_early",
            "the after window ends 10-11, the data 09-30"
        );
        assert!(e.reason.contains("2026-09-30"), "{}", e.reason);
        assert!(e.after.is_none());
        let err = api::action_effect(&path, 999, None, today()).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
    }

    #[test]
    fn causes_and_actions_lifecycle_and_chart_markers() {
        let (_dir, path) = demo();
        let cause = api::add_cause(
            &path,
            &CauseInput {
                metrics: vec!["service_level".into(), "aht".into()],
                scope: Some("program=Tech Support".into()),
                period_from: "2026-07-01".into(),
                period_to: "2026-09-30".into(),
                category: "technology".into(),
                title: "Firmware 12.4 roll-out".into(),
                description: "Handsets reboot after the update".into(),
                evidence: "Contact reasons: 38% firmware".into(),
                author: "Dana".into(),
                visibility: String::new(),
            },
            now(),
        )
        .unwrap();
        assert_eq!(
            cause.fields.visibility, "internal",
            "internal unless said otherwise"
        );
        let edited = api::edit_cause(
            &path,
            cause.id,
            &CausePatchInput {
                visibility: Some("client".into()),
                ..CausePatchInput::default()
            },
            now(),
        )
        .unwrap();
        assert_eq!(edited.fields.visibility, "client");
        let shown = api::cause_detail(&path, cause.id, today()).unwrap();
        assert_eq!(shown.history.len(), 1, "one edit, one earlier state");
        assert_eq!(shown.history[0].previous.visibility, "internal");

        let mut input = tech_action("service_level", "2026-08-31", None);
        input.causes = vec![cause.id];
        let done = api::add_action(&path, &input, today(), now()).unwrap();
        let late = api::add_action(
            &path,
            &ActionInput {
                title: "Hire 6 agents".into(),
                owner: "Lee".into(),
                start_date: Some("2026-09-01".into()),
                due_date: Some("2026-10-15".into()),
                status: "in_progress".into(),
                metric_id: Some("service_level".into()),
                ..ActionInput::default()
            },
            today(),
            now(),
        )
        .unwrap();
        assert!(late.overdue, "due 10-15, still in progress on 11-24");
        assert_eq!(late.board_status, "overdue");
        let overdue = api::list_actions(
            &path,
            &ActionQuery {
                overdue: true,
                ..ActionQuery::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(
            overdue.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![late.id]
        );
        let noted = api::add_action_note(
            &path,
            late.id,
            Some("2026-10-01"),
            "3 of 6 hired",
            today(),
            now(),
        )
        .unwrap();
        assert_eq!(noted.notes[0].text, "3 of 6 hired");

        let chart =
            api::causes_and_actions_for(&path, "service_level", "2026-Q3", today()).unwrap();
        let marks: Vec<(&str, &str)> = chart
            .markers
            .iter()
            .map(|m| (m.date.as_str(), m.kind.as_str()))
            .collect();
        assert_eq!(
            marks,
            vec![
                ("2026-07-01", "cause"),
                ("2026-08-03", "action_start"),
                ("2026-08-31", "action_done"),
                ("2026-09-01", "action_start"),
            ],
            "cause start, both action starts and the one completion inside Q3"
        );
        let detail = api::cause_detail(&path, cause.id, today()).unwrap();
        assert_eq!(detail.actions.len(), 1, "the action answering it");
        assert_eq!(detail.actions[0].id, done.id);

        api::remove_cause(&path, cause.id, now()).unwrap();
        assert!(api::list_causes(&path, &CauseQuery::default())
            .unwrap()
            .is_empty());
        assert_eq!(
            workspace_info(&path).unwrap().counts.root_causes,
            0,
            "deleted causes are not counted"
        );
        api::restore_cause(&path, cause.id).unwrap();
        let q3 = CauseQuery {
            metric: Some("aht".into()),
            period: Some("2026-Q3".into()),
            scope: Some("program=Tech Support".into()),
            ..CauseQuery::default()
        };
        assert_eq!(
            api::list_causes(&path, &q3).unwrap().len(),
            1,
            "restored and found by every filter"
        );
        let q2 = CauseQuery {
            period: Some("2026-Q2".into()),
            ..CauseQuery::default()
        };
        assert!(
            api::list_causes(&path, &q2).unwrap().is_empty(),
            "Q2 does not overlap"
        );

        let updated = api::update_action(
            &path,
            late.id,
            &ActionPatchInput {
                status: Some("done".into()),
                ..ActionPatchInput::default()
            },
            today(),
            now(),
        )
        .unwrap();
        assert_eq!(
            updated.completed_on.as_deref(),
            Some("2026-11-24"),
            "done today"
        );
        assert!(!updated.overdue);

        let bad = api::add_cause(
            &path,
            &CauseInput {
                category: "weather".into(),
                ..CauseInput::default()
            },
            now(),
        )
        .unwrap_err();
        assert_eq!(bad.code, ErrorCode::InvalidInput);
        assert!(bad.message.contains("people, process"), "{}", bad.message);
        assert_eq!(
            api::remove_action(&path, 4040, today(), now())
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
    }
}

#[test]
fn a_mapping_chosen_by_hand_is_saved_and_reads_next_quarters_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.qbr");
    create_workspace(
        &path,
        &NewWorkspaceRequest {
            client_name: "Odd".into(),
            timezone: "UTC".into(),
            fiscal_year_start_month: 1,
            currency: "USD".into(),
            locale: None,
        },
        now(),
    )
    .unwrap();
    let fixture = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/import")
            .join(name)
    };
    let q3 = fixture("interactions_odd_headers_q3.csv");
    let detected = import::detect_file(&path, &q3).unwrap();
    assert_eq!(detected.kind, None, "no template knows these headers");
    let col = |field: &str, header: &str, unit: Option<&str>| MappedColumnView {
        values: Vec::new(),
        field: field.into(),
        header: header.into(),
        unit: unit.map(str::to_string),
        confidence: 1.0,
    };
    let never = std::sync::atomic::AtomicBool::new(false);
    let reports = import::import_files(
        &path,
        &[q3],
        &ImportRequest {
            kind: Some("interactions".into()),
            columns: Some(vec![
                col("contact_id", "Ticket Ref", None),
                col("started_at", "Opened On", None),
                col("channel", "Media", None),
                col("queue", "Line", None),
                col("outcome", "Result", None),
                col("wait", "Waited", Some("s")),
                col("talk", "Talked", Some("s")),
            ]),
            save_mapping_as: Some("Odd export".into()),
            ..ImportRequest::default()
        },
        &mut |_| {},
        &never,
        now(),
    )
    .unwrap();
    assert_eq!(reports[0].rows_taken, 3, "{:?}", reports[0].refusals);
    assert!(reports[0].notes.iter().any(|n| n.contains("Odd export")));
    let saved = import::list_mappings(&path).unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].kind, "interactions");
    assert!(saved[0]
        .columns
        .iter()
        .any(|c| c.field == "wait" && c.header == "Waited"));

    // Next quarter: same headers, nothing chosen; the saved mapping reads it.
    let q4 = fixture("interactions_odd_headers_q4.csv");
    assert_eq!(
        import::detect_file(&path, &q4).unwrap().template.as_deref(),
        Some("Odd export")
    );
    let reports = import::import_files(
        &path,
        &[q4],
        &ImportRequest::default(),
        &mut |_| {},
        &never,
        now(),
    )
    .unwrap();
    assert_eq!(reports[0].rows_taken, 2);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let q = |period: &str| {
        metrics::metrics_report(
            &path,
            &metrics::MetricsQuery {
                period: Some(period.into()),
                metrics: vec!["offered".into(), "handled".into(), "service_level".into()],
                ..metrics::MetricsQuery::default()
            },
            today,
        )
        .unwrap()
        .groups[0]
            .metrics
            .clone()
    };
    let q3m = q("2026-Q3");
    // T-1 answered after 12 s (within 20 s), T-2 after 40 s, T-3 abandoned after 8 s.
    assert_eq!(q3m["offered"].value, Some(3.0));
    assert_eq!(q3m["handled"].value, Some(2.0));
    assert_eq!(q3m["service_level"].numerator, Some(1.0));
    let q4m = q("2026-Q4");
    assert_eq!(q4m["offered"].value, Some(2.0));
    assert_eq!(q4m["handled"].value, Some(2.0));
}

#[test]
fn causes_and_actions_are_marked_on_the_metric_trend() {
    let dir = tempfile::tempdir().unwrap();
    let path = bare_demo(dir.path());
    annotate::add_cause(
        &path,
        &CauseInput {
            metrics: vec!["service_level".into()],
            scope: Some("program=Tech Support".into()),
            period_from: "2026-07-06".into(),
            period_to: "2026-09-30".into(),
            category: "technology".into(),
            title: "Firmware 3.2 release".into(),
            description: String::new(),
            evidence: String::new(),
            author: "AM".into(),
            visibility: "client".into(),
        },
        now(),
    )
    .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let page =
        metrics::metric_detail(&path, "service_level", Some("2026-Q3"), None, today).unwrap();
    assert_eq!(page.markers.len(), 1);
    assert_eq!(page.markers[0].kind, "cause");
    assert_eq!(page.markers[0].date, "2026-07-06");
    assert!(
        page.trend_svg.contains("Firmware 3.2 release"),
        "the cause is labelled on the chart"
    );
    let other = metrics::metric_detail(&path, "aht", Some("2026-Q3"), None, today).unwrap();
    assert!(
        other.markers.is_empty(),
        "a cause marks only its own metrics"
    );
}

#[test]
fn each_week_of_the_metric_chart_has_its_span_in_the_svg() {
    let dir = tempfile::tempdir().unwrap();
    let path = create_demo(dir.path(), false, now()).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let page =
        metrics::metric_detail(&path, "service_level", Some("2026-Q3"), None, today).unwrap();
    let g = &page.chart;
    assert_eq!((g.width, g.height), (960, 360), "the SVG's own size");
    // The 364 days from Thu 2 Oct 2025 to Wed 30 Sep 2026 touch 53 ISO weeks, W40 to W40.
    assert_eq!(g.buckets.len(), 53, "one span per week of the trend");
    assert_eq!(g.buckets.len(), page.trend.points.len());
    assert_eq!(g.buckets[0].period.label, "2025-W40");
    assert!(page.trend_svg.contains("width=\"960\" height=\"360\""));
    // ISO 2026-W31: 1 Jan 2026 is a Thursday, so W01 starts Mon 29 Dec 2025 and W31 210 days
    // later, on Mon 27 Jul 2026.
    let w31 = g
        .buckets
        .iter()
        .position(|b| b.period.label == "2026-W31")
        .expect("W31 lies in the 52 weeks to 30 Sep");
    assert_eq!(g.buckets[w31].period.start, "2026-07-27");
    assert_eq!(g.buckets[w31].period.end, "2026-08-02");
    assert_eq!(
        g.buckets.last().unwrap().period.label,
        "2026-W40",
        "the week holding the period's last day, 30 Sep"
    );
    // Equal, touching spans inside the canvas, in the trend's order.
    let slot = g.buckets[0].x1 - g.buckets[0].x0;
    assert!(slot > 10.0 && g.buckets[0].x0 > 0.0 && g.buckets[52].x1 < 960.0);
    for (i, pair) in g.buckets.windows(2).enumerate() {
        assert!(
            (pair[1].x0 - pair[0].x1).abs() < 1e-9,
            "week {i} touches the next"
        );
        assert!(((pair[1].x1 - pair[1].x0) - slot).abs() < 1e-9);
        assert_eq!(pair[0].period, page.trend.points[i].period);
    }
    assert!(g.top < g.bottom && g.bottom < 360.0);
}

mod action_pages {
    //! The app's actions and action pages: filters and choices, the effect chart's spans against
    //! the effect windows and the scorecard, and an action whose effect cannot be computed yet.

    use super::*;
    use crate::annotate as api;
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn action(title: &str, owner: &str, due: &str, status: &str) -> ActionInput {
        ActionInput {
            title: title.into(),
            owner: owner.into(),
            due_date: Some(due.into()),
            status: status.into(),
            ..ActionInput::default()
        }
    }

    #[test]
    fn actions_page_filters_and_offers_owners_metrics_and_causes() {
        let dir = tempfile::tempdir().unwrap();
        let path = bare_demo(dir.path());
        let late = api::add_action(
            &path,
            &action("Retrain", "Dana", "2026-10-01", "in_progress"),
            today(),
            now(),
        )
        .unwrap();
        api::add_action(
            &path,
            &action("Rota", "ali", "2026-12-15", "planned"),
            today(),
            now(),
        )
        .unwrap();
        api::add_action(
            &path,
            &action("Old", "Dana", "2026-09-01", "done"),
            today(),
            now(),
        )
        .unwrap();
        let all = api::actions_page(&path, &ActionQuery::default(), today()).unwrap();
        assert_eq!(all.actions.len(), 3);
        assert_eq!(
            all.choices.owners,
            ["ali", "Dana"],
            "each owner once, sorted without regard to case"
        );
        assert_eq!(all.choices.currency, "EUR");
        assert!(all.choices.metrics.iter().any(|m| m.id == "service_level"));
        let overdue = api::actions_page(
            &path,
            &ActionQuery {
                overdue: true,
                ..ActionQuery::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(
            overdue.actions.iter().map(|a| a.id).collect::<Vec<_>>(),
            [late.id],
            "due 1 Oct, in progress on 24 Nov; the done one is not overdue"
        );
        assert_eq!(overdue.actions[0].board_status, "overdue");
        let dana = api::actions_page(
            &path,
            &ActionQuery {
                owner: Some("Dana".into()),
                ..ActionQuery::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(dana.actions.len(), 2);
        assert_eq!(dana.choices.owners.len(), 2, "choices ignore the filters");
    }

    #[test]
    fn the_effect_chart_runs_before_during_after_on_the_effect_windows() {
        let dir = tempfile::tempdir().unwrap();
        let path = create_demo(dir.path(), false, now()).unwrap();
        let a = api::add_action(
            &path,
            &ActionInput {
                title: "Firmware playbook".into(),
                start_date: Some("2026-08-03".into()),
                status: "done".into(),
                completed_on: Some("2026-08-31".into()),
                metric_id: Some("service_level".into()),
                scope: Some("program=Tech Support".into()),
                ..ActionInput::default()
            },
            today(),
            now(),
        )
        .unwrap();
        let page = api::action_page(&path, a.id, None, today()).unwrap();
        let e = page.effect.clone().expect("a metric and a start date");
        let chart = page.effect_chart.clone().expect("drawn with the effect");
        let phases: Vec<&str> = chart.spans.iter().map(|s| s.phase.as_str()).collect();
        // Before: 6 Jul – 2 Aug (4 weeks). During: 3 Aug – 30 Aug, exactly 4 weeks. After: from
        // 31 Aug, 4 weeks.
        assert_eq!(
            phases,
            [
                "before", "before", "before", "before", "during", "during", "during", "during",
                "after", "after", "after", "after"
            ]
        );
        let starts: Vec<&str> = chart
            .spans
            .iter()
            .map(|s| s.period.start.as_str())
            .collect();
        assert_eq!(
            starts,
            [
                "2026-07-06",
                "2026-07-13",
                "2026-07-20",
                "2026-07-27",
                "2026-08-03",
                "2026-08-10",
                "2026-08-17",
                "2026-08-24",
                "2026-08-31",
                "2026-09-07",
                "2026-09-14",
                "2026-09-21"
            ]
        );
        for (span, week) in chart.spans[..4].iter().zip(&e.before.weekly) {
            assert_eq!(
                span.value, week.value,
                "before spans are the effect's weeks"
            );
        }
        for (span, week) in chart.spans[8..]
            .iter()
            .zip(&e.after.as_ref().unwrap().weekly)
        {
            assert_eq!(span.value, week.value, "after spans are the effect's weeks");
        }
        // A during span is the scorecard's figure for Tech Support over those 7 days.
        let report = metrics::metrics_report(
            &path,
            &metrics::MetricsQuery {
                period: Some("2026-08-10..2026-08-16".into()),
                filters: vec!["program=Tech Support".into()],
                metrics: vec!["service_level".into()],
                ..metrics::MetricsQuery::default()
            },
            today(),
        )
        .unwrap();
        assert_eq!(
            chart.spans[5].value,
            report.groups[0].metrics["service_level"].value
        );
        assert_eq!(chart.spans[5].period.end, "2026-08-16");
        for text in [
            "Before",
            "After",
            "Start 3 Aug",
            "Finish 31 Aug",
            "Tech Support",
        ] {
            assert!(chart.svg.contains(text), "the chart shows {text:?}");
        }
        assert_eq!(page.detail.action.id, a.id);
        assert!(page.effect_unavailable.is_none());
    }

    #[test]
    fn too_early_shows_the_weeks_since_the_finish_and_no_after_window() {
        let dir = tempfile::tempdir().unwrap();
        let path = create_demo(dir.path(), false, now()).unwrap();
        let a = api::add_action(
            &path,
            &ActionInput {
                title: "Late fix".into(),
                start_date: Some("2026-08-03".into()),
                status: "done".into(),
                completed_on: Some("2026-09-09".into()),
                metric_id: Some("aht".into()),
                ..ActionInput::default()
            },
            today(),
            now(),
        )
        .unwrap();
        let page = api::action_page(&path, a.id, None, today()).unwrap();
        let e = page.effect.clone().unwrap();
        assert_eq!(
            e.verdict, "too_early",
            "the after window runs to 6 Oct, the data to 30 Sep"
        );
        let chart = page.effect_chart.unwrap();
        let during: Vec<(&str, &str)> = chart
            .spans
            .iter()
            .filter(|s| s.phase == "during")
            .map(|s| (s.period.start.as_str(), s.period.end.as_str()))
            .collect();
        // 3 Aug – 8 Sep is 37 days: five weeks and a last span of two days.
        assert_eq!(
            during,
            [
                ("2026-08-03", "2026-08-09"),
                ("2026-08-10", "2026-08-16"),
                ("2026-08-17", "2026-08-23"),
                ("2026-08-24", "2026-08-30"),
                ("2026-08-31", "2026-09-06"),
                ("2026-09-07", "2026-09-08"),
            ]
        );
        let so_far: Vec<&str> = chart
            .spans
            .iter()
            .filter(|s| s.phase == "after_so_far")
            .map(|s| s.period.start.as_str())
            .collect();
        // From 9 Sep, whole weeks the data cover (to 30 Sep): 9, 16 and 23 Sep (ends 29 Sep).
        assert_eq!(so_far, ["2026-09-09", "2026-09-16", "2026-09-23"]);
        assert!(chart.svg.contains("After, so far"));
        assert!(!chart.spans.iter().any(|s| s.phase == "after"));
    }

    #[test]
    fn without_a_metric_or_start_the_page_says_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = create_demo(dir.path(), false, now()).unwrap();
        let a = api::add_action(
            &path,
            &action("Rota", "Ali", "2026-12-15", "planned"),
            today(),
            now(),
        )
        .unwrap();
        let page = api::action_page(&path, a.id, None, today()).unwrap();
        assert!(page.effect.is_none() && page.effect_chart.is_none());
        assert!(page.effect_unavailable.unwrap().contains("metric"));
        let mut with_metric = action("Queue split", "Ali", "2026-12-15", "planned");
        with_metric.metric_id = Some("aht".into());
        let b = api::add_action(&path, &with_metric, today(), now()).unwrap();
        let page = api::action_page(&path, b.id, None, today()).unwrap();
        assert!(page.effect_unavailable.unwrap().contains("start date"));
        assert_eq!(
            api::action_page(&path, 999, None, today())
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
    }
}
