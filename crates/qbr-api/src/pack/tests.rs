//! The pack built from the demo: its numbers are `metrics_report`'s, a client pack holds no
//! internal text and no agent name, and a stored snapshot renders to the same bytes.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::*;
use crate::metrics::{metrics_report, MetricsQuery};
use crate::wire::{ActionInput, CauseInput};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:30:00Z")
        .unwrap()
        .into()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::create_demo(dir.path(), false, now()).unwrap();
    (dir, path)
}

/// Every string the document holds: what any page can show.
fn strings(doc: &Document) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|i| walk(i, out)),
            Value::Object(m) => m.values().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(doc).unwrap(), &mut out);
    out
}

fn definition(audience: &str, metrics: &[(&str, &str)]) -> PackDefinition {
    PackDefinition {
        sections: SECTIONS.map(String::from).to_vec(),
        metrics: metrics
            .iter()
            .map(|(m, d)| PackMetricChoice {
                metric_id: m.to_string(),
                dimension: d.to_string(),
            })
            .collect(),
        audience: audience.into(),
        paper: "a4".into(),
        prepared_by: "Dana Whitfield".into(),
        accent: "#1f5fa8".into(),
        logo: None,
        summary: "A hard quarter for Tech Support.".into(),
        highlights: None,
    }
}

fn build(path: &std::path::Path, def: &PackDefinition) -> (Document, MetricsReport) {
    let mut ws = Workspace::open(path).unwrap();
    build_document(&mut ws, path, Some("2026-Q3"), def, today(), now()).unwrap()
}

#[test]
fn the_summary_shows_the_numbers_of_metrics_report() {
    let (_dir, path) = demo();
    let (doc, report) = build(
        &path,
        &definition("internal", &[("service_level", "program")]),
    );
    let expected = metrics_report(
        &path,
        &MetricsQuery {
            period: Some("2026-Q3".into()),
            ..MetricsQuery::default()
        },
        today(),
    )
    .unwrap();
    assert_eq!(
        report, expected,
        "the pack reads the very report `qbr metrics` prints"
    );
    let all = strings(&doc);
    let g = &expected.groups[0];
    for d in &expected.definitions {
        let e = &g.metrics[&d.id];
        if let Some(v) = e.value {
            let shown = crate::text::value(&d.unit, v, &expected.currency);
            assert!(
                all.contains(&shown),
                "{}: {shown} is in the scorecard table",
                d.id
            );
        }
        if let Some(n) = e.n {
            assert!(
                all.contains(&crate::text::thousands(n)),
                "{}: n = {n}",
                d.id
            );
        }
    }
    // Hand-checked against the README's example: Q3 service level 77.81% against ≥ 82%.
    assert!(all.contains(&"77.8%".to_string()));
    assert!(all.contains(&"≥ 82.0%".to_string()));
    // The proposed highlights are in the pack when the user has not written any.
    for h in propose_highlights(&report) {
        assert!(all.iter().any(|s| s == &h), "highlight {h:?}");
    }
}

#[test]
fn a_client_pack_has_no_internal_text_and_no_agent_name() {
    let (_dir, path) = demo();
    let agents: Vec<String> = Workspace::open(&path)
        .unwrap()
        .agent_pseudonyms()
        .unwrap()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(agents.len(), 80);
    crate::annotate::add_cause(
        &path,
        &CauseInput {
            metrics: vec!["service_level".into()],
            period_from: "2026-08-01".into(),
            period_to: "2026-08-31".into(),
            category: "people".into(),
            title: "Staffing memo XYZZY".into(),
            evidence: "Roster leak PLUGH".into(),
            visibility: "internal".into(),
            ..CauseInput::default()
        },
        now(),
    )
    .unwrap();
    crate::annotate::add_cause(
        &path,
        &CauseInput {
            metrics: vec!["service_level".into()],
            period_from: "2026-07-01".into(),
            period_to: "2026-09-30".into(),
            category: "technology".into(),
            title: "Firmware 12.4 roll-out".into(),
            description: format!("{} led the floor walkers.", agents[3]),
            author: "Sam Internal-Author".into(),
            visibility: "client".into(),
            ..CauseInput::default()
        },
        now(),
    )
    .unwrap();
    let action = crate::annotate::add_action(
        &path,
        &ActionInput {
            title: "Firmware playbook".into(),
            owner: agents[5].clone(),
            metric_id: Some("service_level".into()),
            status: "in_progress".into(),
            start_date: Some("2026-08-03".into()),
            due_date: Some("2026-12-31".into()),
            ..ActionInput::default()
        },
        today(),
        now(),
    )
    .unwrap();
    crate::annotate::add_action_note(
        &path,
        action.id,
        Some("2026-08-10"),
        "FROTZ",
        today(),
        now(),
    )
    .unwrap();

    let metrics = [("service_level", "agent"), ("aht", "program")];
    let (client, _) = build(&path, &definition("client", &metrics));
    let text = strings(&client).join("\n");
    assert!(
        text.contains("Firmware 12.4 roll-out"),
        "client causes are shown"
    );
    assert!(text.contains("Firmware playbook"), "actions are shown");
    for secret in ["XYZZY", "PLUGH", "FROTZ", "Sam Internal-Author"] {
        assert!(
            !text.contains(secret),
            "a client pack must not show {secret:?}"
        );
    }
    let named: Vec<&String> = agents
        .iter()
        .filter(|a| text.contains(a.as_str()))
        .collect();
    assert!(named.is_empty(), "agent names in a client pack: {named:?}");
    let pseudonyms = Workspace::open(&path).unwrap().agent_pseudonyms().unwrap();
    assert!(
        text.contains(&format!("{} led the floor walkers.", pseudonyms[3].1)),
        "a name in a cause's text is replaced by the same stand-in as in the breakdown"
    );
    assert!(text.contains(&pseudonyms[5].1), "the action owner too");

    let (internal, _) = build(&path, &definition("internal", &metrics));
    let itext = strings(&internal).join("\n");
    for shown in [
        "XYZZY",
        "PLUGH",
        "FROTZ",
        agents[3].as_str(),
        agents[5].as_str(),
    ] {
        assert!(itext.contains(shown), "the internal pack shows {shown:?}");
    }

    // Stable: a second build gives the very same client document.
    let (again, _) = build(&path, &definition("client", &metrics));
    assert_eq!(again, client);
}

#[test]
fn definitions_are_checked() {
    let (_dir, path) = demo();
    let ws = Workspace::open(&path).unwrap();
    let bad = |f: &dyn Fn(&mut PackDefinition)| {
        let mut d = definition("client", &[]);
        f(&mut d);
        plan(&ws, &d).unwrap_err().code
    };
    assert_eq!(
        bad(&|d| d.audience = "board".into()),
        ErrorCode::InvalidInput
    );
    assert_eq!(bad(&|d| d.paper = "a3".into()), ErrorCode::InvalidInput);
    assert_eq!(bad(&|d| d.accent = "blue".into()), ErrorCode::InvalidInput);
    assert_eq!(
        bad(&|d| d.sections.push("cover".into())),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        bad(&|d| d.metrics.push(PackMetricChoice {
            metric_id: "nope".into(),
            dimension: "program".into()
        })),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        bad(&|d| d.logo = Some(logo_view(b"GIF89a....", LogoFormat::Png))),
        ErrorCode::InvalidInput,
        "a logo is sniffed, not trusted"
    );
    assert_eq!(parse_accent("#AA3300").unwrap(), (0xaa, 0x33, 0x00));
}
