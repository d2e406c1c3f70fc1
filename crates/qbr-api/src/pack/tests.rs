//! The pack built from the demo: its numbers are `metrics_report`'s, a client pack holds no
//! internal text and no agent name, and a stored snapshot renders to the same bytes.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use qbr_render::pack as doc;

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
                control: false,
                drivers: false,
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

/// `qbr metrics` for 2026-Q3, whole account: what the pack's numbers must equal.
fn q3_report(path: &std::path::Path) -> MetricsReport {
    metrics_report(
        path,
        &MetricsQuery {
            period: Some("2026-Q3".into()),
            ..MetricsQuery::default()
        },
        today(),
    )
    .unwrap()
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
    let expected = q3_report(&path);
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
            dimension: "program".into(),
            control: false,
            drivers: false,
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

#[test]
fn a_metric_page_can_carry_the_control_chart_and_the_drivers() {
    let (_dir, path) = demo();
    let mut def = definition(
        "internal",
        &[("aht", "program"), ("service_level", "queue")],
    );
    def.metrics[0].control = true;
    def.metrics[0].drivers = true;
    let (doc, _) = build(&path, &def);

    // The drivers block is `qbr drivers --from 2026-Q2 --to 2026-Q3 --by program`, unchanged.
    let d = crate::diagnose::drivers(
        &path,
        &crate::diagnose::DriversQuery {
            metric: "aht".into(),
            from: "2026-Q2".into(),
            to: "2026-Q3".into(),
            by: "program".into(),
            filters: Vec::new(),
        },
    )
    .unwrap();
    // Hand-checked: 8:23 → 8:52 is +29.1 s, of which Tech Support's own AHT (9:18 → 10:03 on
    // 53–56% of the contacts) is +24.5 s; the parts add up to the change.
    assert!((d.change - 29.1).abs() < 0.05, "change {}", d.change);
    assert!((d.rate_total + d.mix_total - d.change).abs() < 1e-9);
    assert_eq!(d.segments[0].segment, "Tech Support");
    assert!((d.segments[0].rate_effect - 24.5).abs() < 0.05);
    let aht = doc
        .sections
        .iter()
        .find(|s| s.title == "Average handle time")
        .unwrap();
    let page = serde_json::to_value(aht).unwrap().to_string();
    assert!(page.contains(&serde_json::to_string(&d.sentence).unwrap()));
    assert!(d
        .sentence
        .starts_with("Average handle time rose 29 s from 2026-Q2 to 2026-Q3"));
    let rows = aht
        .blocks
        .iter()
        .find_map(|b| match b {
            doc::Block::Table(t) if t.columns[0].title == "Program" => Some(&t.rows),
            _ => None,
        })
        .expect("the drivers table");
    assert_eq!(
        rows.len(),
        d.segments.len() + 1,
        "a row per segment and the total"
    );
    for (row, s) in rows.iter().zip(&d.segments) {
        assert_eq!(row[0].text, s.segment);
        assert_eq!(row[5].text, content::delta_text("seconds", s.rate_effect));
        assert_eq!(row[6].text, content::delta_text("seconds", s.mix_effect));
        assert_eq!(row[7].text, content::delta_text("seconds", s.total_effect));
    }
    assert_eq!(rows[0][5].text, "+24.5 s");
    let total = rows.last().unwrap();
    assert_eq!(
        (total[0].text.as_str(), total[7].text.as_str()),
        ("All", "+29.1 s")
    );

    // The control chart is `qbr control --grain week` over the trend's 52 weeks.
    let c = crate::diagnose::control(
        &path,
        &crate::diagnose::ControlQuery {
            metric: "aht".into(),
            grain: "week".into(),
            from: "2025-10-02".into(),
            to: "2026-09-30".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let band = aht
        .blocks
        .iter()
        .find_map(|b| match b {
            doc::Block::Chart(doc::ChartBlock {
                chart: doc::Chart::Trend(t),
                ..
            }) => t.control.as_ref().map(|band| (t, band)),
            _ => None,
        })
        .expect("the control chart");
    assert_eq!(band.1.centre, c.centre);
    assert_eq!(band.0.buckets.len(), c.points.len());
    let upper: Vec<Option<f64>> = c.points.iter().map(|p| p.upper).collect();
    assert_eq!(band.1.upper, upper);
    // The demo's Q3 AHT jump: every whole week from W27 on is above the limits; W40 holds only
    // 28–30 September, so it is drawn but judged by no rule.
    assert!(c
        .signals
        .iter()
        .any(|s| s.label == "Point beyond the limits" && s.direction == "above"));
    assert!(c.points.last().unwrap().partial && c.points[0].partial);
    assert!(page.contains("**Point beyond the limits** (above) — 2026-W27 to 2026-W39"));

    // The page without the flags has neither.
    let sl = doc
        .sections
        .iter()
        .find(|s| s.title.to_lowercase() == "service level")
        .map(|s| serde_json::to_value(s).unwrap().to_string())
        .unwrap();
    assert!(!sl.contains("Control chart") && !sl.contains("What drove the change"));
}

#[test]
fn a_stored_definition_without_the_diagnostic_flags_still_loads() {
    let def: PackDefinition = serde_json::from_str(
        r##"{"sections":["metrics"],"metrics":[{"metric_id":"aht","dimension":"program"}],
            "audience":"internal","paper":"a4","prepared_by":"","accent":"#1f5fa8","logo":null,
            "summary":"","highlights":null}"##,
    )
    .unwrap();
    assert!(!def.metrics[0].control && !def.metrics[0].drivers);
}

#[test]
fn a_view_that_cannot_be_made_is_a_note_not_a_failed_pack() {
    let (_dir, path) = demo();
    let mut def = definition(
        "internal",
        &[("offered", "program"), ("attrition", "program")],
    );
    for m in &mut def.metrics {
        m.control = true;
        m.drivers = true;
    }
    let (doc, _) = build(&path, &def);
    let all = strings(&doc);
    // A count has no rate and mix; the demo records no attrition week by week.
    assert!(all.iter().any(
        |s| s.starts_with("The change from 2026-Q2 cannot be split:")
            && s.contains("offered is a count")
    ));
    assert!(all.iter().any(|s| s.starts_with("No control chart:")
        && s.contains("Attrition (annualised) has no chart for the baseline")
        && s.ends_with(": no headcount")));
}

#[test]
fn a_new_pack_gives_a_page_to_each_metric_with_a_target_or_a_cause_in_the_period() {
    let (_dir, path) = demo();
    let report = q3_report(&path);
    let overall = &report.groups[0].metrics;
    let ids = |def: &PackDefinition| -> Vec<String> {
        def.metrics.iter().map(|m| m.metric_id.clone()).collect()
    };
    let (with_target, untargeted): (Vec<String>, Vec<String>) = report
        .definitions
        .iter()
        .filter(|d| overall.contains_key(&d.id))
        .map(|d| d.id.clone())
        .partition(|id| overall[id].target.is_some());
    assert!(!with_target.is_empty() && untargeted.len() >= 2);
    let before = default_pack_definition(&path, Some("2026-Q3"), today()).unwrap();
    assert_eq!(ids(&before), with_target);

    let cause = |metric: &str, from: &str, to: &str| {
        crate::annotate::add_cause(
            &path,
            &CauseInput {
                metrics: vec![metric.into()],
                period_from: from.into(),
                period_to: to.into(),
                category: "process".into(),
                title: format!("Why {metric} moved"),
                visibility: "client".into(),
                ..CauseInput::default()
            },
            now(),
        )
        .unwrap();
    };
    // One week inside 2026-Q3 for the first metric without a target; a cause in Q2 for the second.
    cause(&untargeted[0], "2026-09-28", "2026-10-04");
    cause(&untargeted[1], "2026-04-06", "2026-04-12");
    let after = default_pack_definition(&path, Some("2026-Q3"), today()).unwrap();
    let want: Vec<String> = report
        .definitions
        .iter()
        .filter(|d| with_target.contains(&d.id) || d.id == untargeted[0])
        .map(|d| d.id.clone())
        .collect();
    assert_eq!(
        ids(&after),
        want,
        "in catalog order, the Q2 cause adds nothing"
    );
    let page = pack_builder(&path, Some("2026-Q3"), today()).unwrap();
    assert_eq!(
        ids(&page.definition),
        want,
        "the builder starts from the same"
    );
    let (doc, _) = build(&path, &after);
    assert!(
        strings(&doc)
            .iter()
            .any(|s| s.starts_with(&format!("**Why {} moved** — process", untargeted[0]))),
        "the cause is on its metric's page"
    );
}

/// The start of a PNG (signature and IHDR chunk) claiming `w` × `h` pixels: all a logo bomb
/// needs to be measured, and all these checks may read of it.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b
}

#[test]
fn a_logo_bomb_is_refused_wherever_it_comes_from() {
    let (dir, path) = demo();
    let bomb = png_claiming(100_000, 100_000);
    // A file the user chooses (CLI --logo, the app's picker).
    let file = dir.path().join("logo.png");
    std::fs::write(&file, &bomb).unwrap();
    let err = read_logo(&file).unwrap_err();
    assert!(
        err.message.contains("logo.png") && err.message.contains("100000 × 100000 pixels"),
        "{}",
        err.message
    );
    // Bytes the web view sends to the preview or the export.
    let mut def = definition("client", &[("aht", "program")]);
    def.logo = Some(logo_view(&bomb, LogoFormat::Png));
    let err = preview_pack(&path, Some("2026-Q3"), &def, today(), now()).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("pixels"), "{}", err.message);
    let out = dir.path().join("pack.pdf");
    let err = export_pack(
        &path,
        Some("2026-Q3"),
        &def,
        None,
        &out,
        today(),
        now(),
        |_| {},
    )
    .unwrap_err();
    assert!(err.message.contains("pixels"), "{}", err.message);
    assert!(!out.exists(), "no PDF");
    // A template stored in a received workspace, carrying the bomb without ever decoding it.
    {
        let mut ws = Workspace::open(&path).unwrap();
        let kept = serde_json::to_string(&definition("client", &[])).unwrap();
        ws.save_pack_template("Mailed", &kept, Some((&bomb, LogoFormat::Png)), now())
            .unwrap();
    }
    let err = pack_template(&path, "Mailed").unwrap_err();
    assert!(
        err.message.contains("\"Mailed\"") && err.message.contains("pixels"),
        "loading it names the template and the logo: {}",
        err.message
    );
    let listed = list_pack_templates(&path).unwrap();
    let mailed = listed.iter().find(|t| t.name == "Mailed").unwrap();
    assert!(
        mailed.definition.logo.is_none(),
        "the list shows the template without its logo (the web view would decode it)"
    );
    // A logo of a sensible size still goes through.
    def.logo = Some(logo_view(&png_claiming(600, 200), LogoFormat::Png));
    assert!(plan(&Workspace::open(&path).unwrap(), &def).is_ok());
}
