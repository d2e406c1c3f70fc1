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
