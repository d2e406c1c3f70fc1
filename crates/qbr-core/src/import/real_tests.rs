//! Imports of the real public exports in `fixtures/real/` (sources and licences in
//! `fixtures/real/SOURCES.md`), checked against figures worked out independently of this code
//! by `fixtures/real/expected_figures.py` (Python standard library only; its output is pasted
//! below, rounded as printed). Each silent guess of issue #20 has a test here that shows the
//! import reads it right or stops and asks.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::tests::run;
use super::*;
use crate::store::Workspace;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-08-03T09:00:00Z")
        .unwrap()
        .into()
}

fn real(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/real")
        .join(name)
}

fn workspace(dir: &Path) -> Workspace {
    let settings = Settings {
        client_name: "Real files".into(),
        timezone: Tz::UTC,
        ..Settings::default()
    };
    Workspace::create(&dir.join("client.qbr"), &settings, now()).unwrap()
}

fn import_with(name: &str, opts: &ImportOptions) -> Result<ImportReport, ImportError> {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(dir.path());
    let never = AtomicBool::new(false);
    run(&mut ws, &real(name), opts, &mut |_| {}, &never, now())
}

fn import(name: &str) -> ImportReport {
    import_with(name, &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn figure(r: &ImportReport, id: &str) -> Option<f64> {
    r.headline
        .iter()
        .find(|h| h.metric_id == id)
        .unwrap_or_else(|| panic!("{id} is a headline figure"))
        .value
        .value
}

fn flags_of(r: &ImportReport, id: &str) -> Vec<crate::metrics::Flag> {
    r.headline
        .iter()
        .find(|h| h.metric_id == id)
        .map(|h| h.value.flags.clone())
        .unwrap_or_default()
}

/// `(metric, expected, tolerance)`: the script's values, compared to 1e-9 unless stated.
fn expect(r: &ImportReport, cases: &[(&str, f64)]) {
    for &(id, want) in cases {
        let got = figure(r, id);
        assert!(
            got.is_some_and(|g| (g - want).abs() < 1e-9),
            "{}: {id} is {got:?}, expected {want} (expected_figures.py)",
            r.file_name
        );
    }
}

// expected_figures.py, pwc_call_center*.{csv,xlsx}:
// {"abandon_rate": 0.1892, "abandoned": 946, "aht": 224.92279230389738,
//  "asa": 67.52072027627035, "csat": 0.49901332017760236, "csat_responses": 4054,
//  "fcr": 0.8993586581154416, "handled": 4054, "offered": 5000, "service_level": 0.0748}
const PWC: &[(&str, f64)] = &[
    ("offered", 5000.0),
    ("handled", 4054.0),
    ("abandon_rate", 0.1892),
    ("asa", 67.520_720_276_270_35),
    ("aht", 224.922_792_303_897_38),
    ("service_level", 0.0748),
    ("fcr", 0.899_358_658_115_441_6),
    ("csat", 0.499_013_320_177_602_36),
];

#[test]
fn the_pwc_per_call_export_reads_answered_yes_no_and_not_the_agent() {
    let r = import("pwc_call_center.csv");
    assert_eq!((r.rows_read, r.rows_taken, r.rows_refused), (5000, 5000, 0));
    expect(&r, PWC);
    assert_eq!(
        flags_of(&r, "abandon_rate"),
        Vec::<crate::metrics::Flag>::new(),
        "handled contacts carry waits, so short abandons are measured (0) here"
    );
    assert!(r.flags.is_empty(), "nothing implausible: {:?}", r.flags);
    let outcome = r
        .readings
        .iter()
        .find(|x| x.topic == ReadingTopic::Outcome)
        .unwrap();
    assert_eq!(outcome.columns, ["Answered (Y/N)"]);
    assert!(outcome.inferred, "matched from the heading, so it is asked");
    assert_eq!(
        (r.first_day, r.last_day),
        (
            NaiveDate::from_ymd_opt(2021, 1, 1),
            NaiveDate::from_ymd_opt(2021, 3, 31)
        ),
        "Date and Time are combined"
    );
}

#[test]
fn the_pwc_workbook_reads_its_excel_time_cells_and_agrees_with_the_csv() {
    let r = import("pwc_call_center_original.xlsx");
    assert_eq!((r.rows_read, r.rows_taken, r.rows_refused), (5000, 5000, 0));
    expect(&r, PWC);
}

#[test]
fn the_pwc_copies_uploaders_resaved_read_the_same() {
    for name in [
        // 9.12.58 and 0.02.23: clocks with dots.
        "pwc_call_center_variant_dotted_times.csv",
        // 01/01/2021 day-first (31/03/2021 tells), 0 for "not rated", two unnamed columns.
        "pwc_call_center_variant_extra_columns_ddmmyyyy.csv",
        // Semicolons, 01.01.2021, times as day fractions, talk as `12:02:23 AM`.
        "pwc_call_center_variant_semicolon_serial_time.csv",
    ] {
        let r = import(name);
        assert_eq!((r.rows_read, r.rows_refused), (5000, 0), "{name}");
        expect(&r, PWC);
    }
}

#[test]
fn an_answered_column_mapped_as_the_abandoned_flag_stops_and_asks() {
    let m = detect(&real("pwc_call_center.csv")).unwrap().mapping;
    let mut wrong = m.clone();
    for c in &mut wrong.columns {
        if c.field == "answered_flag" {
            c.field = "abandoned_flag".into();
        }
    }
    let err = import_with(
        "pwc_call_center.csv",
        &ImportOptions {
            kind: Some(Kind::Interactions),
            mapping: Some(wrong.clone()),
            ..ImportOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "mapping", "{err}");
    assert!(
        err.to_string().contains("Answered (Y/N)") && err.to_string().contains("answered_flag"),
        "{err}"
    );
    // Saying what the values mean makes the inversion the user's statement: then it reads right.
    for c in &mut wrong.columns {
        if c.field == "abandoned_flag" {
            c.values = vec![("Y".into(), "no".into()), ("N".into(), "yes".into())];
        }
    }
    let r = import_with(
        "pwc_call_center.csv",
        &ImportOptions {
            kind: Some(Kind::Interactions),
            mapping: Some(wrong),
            ..ImportOptions::default()
        },
    )
    .unwrap();
    expect(&r, &[("abandon_rate", 0.1892), ("handled", 4054.0)]);
}

#[test]
fn reading_the_agent_as_handled_is_flagged_as_implausible() {
    // The first finding: without the answered column, every call names an agent, so
    // every call looks handled and abandonment is 0% over 5,000 calls.
    let mut m = detect(&real("pwc_call_center.csv")).unwrap().mapping;
    m.columns.retain(|c| c.field != "answered_flag");
    let r = import_with(
        "pwc_call_center.csv",
        &ImportOptions {
            kind: Some(Kind::Interactions),
            mapping: Some(m),
            dry_run: true,
            ..ImportOptions::default()
        },
    )
    .unwrap();
    assert_eq!(figure(&r, "abandon_rate"), Some(0.0));
    assert_eq!(
        r.flags.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        ["abandonment_zero"]
    );
    assert!(r.dry_run && r.batch_id.is_none(), "a dry run keeps nothing");
}

// expected_figures.py, call_center_daily_totals_fecha.csv:
// {"abandon_rate": 0.10926711035418504, "abandoned": 27139, "aht": 159.52792518329008,
//  "asa": 29.835599410578844, "days": 1251, "first_day": "2020-01-01", "handled": 221234,
//  "last_day": "2023-06-04", "offered": 248373, "service_level_reported": 0.6378949402712848}
#[test]
fn daily_queue_totals_with_spanish_and_english_headings_are_recognised() {
    let d = detect(&real("call_center_daily_totals_fecha.csv")).unwrap();
    assert_eq!(d.kind, Some(Kind::Intervals));
    let r = import("call_center_daily_totals_fecha.csv");
    assert_eq!((r.rows_read, r.rows_taken, r.rows_refused), (1251, 1251, 0));
    assert_eq!(
        (r.first_day, r.last_day),
        (
            NaiveDate::from_ymd_opt(2020, 1, 1),
            NaiveDate::from_ymd_opt(2023, 6, 4)
        )
    );
    expect(
        &r,
        &[
            ("offered", 248_373.0),
            ("handled", 221_234.0),
            ("abandon_rate", 0.109_267_110_354_185_04),
            ("asa", 29.835_599_410_578_844),
            ("aht", 159.527_925_183_290_08),
            ("service_level", 0.637_894_940_271_284_8),
        ],
    );
    use crate::metrics::Flag;
    let abandonment = r
        .headline
        .iter()
        .find(|h| h.metric_id == "abandon_rate")
        .unwrap();
    assert_eq!(
        abandonment.value.notes,
        ["short abandons are not in the data, so none could be excluded"],
        "the file has no short-abandon count"
    );
    assert_eq!(
        flags_of(&r, "service_level"),
        [Flag::ReportedBySource],
        "only the source's percentage exists"
    );
}

#[test]
fn a_daily_totals_file_without_a_date_is_refused_with_the_reason() {
    let err = import_with(
        "call_center_daily_totals_semicolon.csv",
        &ImportOptions::default(),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("no date or interval column") && text.contains("Incoming Calls"),
        "{text}"
    );
}

// expected_figures.py, shizuoka_call_center_consultations_sjis.csv:
// {"days": 378, "first_day": "2020/2/10", "handled": 137278, "last_day": "2021/2/21",
//  "prefecture": ["静岡県"]}
#[test]
fn shift_jis_text_is_detected_and_said() {
    let d = detect(&real("shizuoka_call_center_consultations_sjis.csv")).unwrap();
    assert_eq!(d.encoding.as_deref(), Some("Shift_JIS"));
    assert!(d.header.iter().any(|h| h == "都道府県名"), "{:?}", d.header);
    assert_eq!(d.preview[0][2], "静岡県", "names decode, not mojibake");
    let r = import("shizuoka_call_center_consultations_sjis.csv");
    assert_eq!((r.rows_read, r.rows_refused), (378, 0));
    expect(&r, &[("handled", 137_278.0)]);
    assert!(
        r.notes.iter().any(|n| n.contains("Shift_JIS")),
        "{:?}",
        r.notes
    );
    assert_eq!(
        (r.first_day, r.last_day),
        (
            NaiveDate::from_ymd_opt(2020, 2, 10),
            NaiveDate::from_ymd_opt(2021, 2, 21)
        )
    );
}

// expected_figures.py, hamamatsu_call_center_consultations_leading_blank_line.csv:
// {"days": 71, "first_day": "2020-01-29", "handled": 7690, "last_day": "2020-04-08"}
#[test]
fn a_file_opening_with_a_blank_line_reads_from_its_header() {
    let r = import("hamamatsu_call_center_consultations_leading_blank_line.csv");
    assert_eq!((r.rows_read, r.rows_refused), (71, 0));
    expect(&r, &[("handled", 7690.0)]);
}

#[test]
fn a_talkdesk_contact_id_is_not_the_key_and_abandon_time_is_not_the_flag() {
    // Headers of Talkdesk's Calls report fields (docs/vendor-formats-research.md, 1a),
    // title-cased as the issue saw them; the rows are made up for this test.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("talkdesk_calls.csv");
    std::fs::write(
        &path,
        "Call ID,Type,Start Time,Talkdesk Phone Number,Contact Phone Number,Contact ID,User Name,Wait Time,Talk Time,Hold Time,Abandon Time\n\
         c1,inbound,2026-07-01 09:00:00,+35312345,+3538711,K1,Ann,12,300,0,0\n\
         c2,abandoned,2026-07-01 09:05:00,+35312345,+3538711,K1,,40,0,0,40\n\
         c3,missed,2026-07-01 09:09:00,+35312345,+3538722,K2,Bob,25,0,0,25\n\
         c4,inbound,2026-07-01 09:20:00,+35312345,+3538711,K1,Bob,8,200,30,0\n",
    )
    .unwrap();
    let d = detect(&path).unwrap();
    assert_eq!(d.preset, Some(Preset::TalkdeskCalls));
    assert_eq!(d.mapping.get("contact_id").unwrap().header, "Call ID");
    assert!(!d.mapping.has("abandoned_flag"), "{:?}", d.mapping);
    assert!(d.unmapped.contains(&"Contact ID".to_string()));
    assert!(d.unmapped.contains(&"Abandon Time".to_string()));
    let mut ws = workspace(dir.path());
    let never = AtomicBool::new(false);
    let r = run(
        &mut ws,
        &path,
        &ImportOptions::default(),
        &mut |_| {},
        &never,
        now(),
    )
    .unwrap();
    assert_eq!(r.rows_duplicate, 0, "K1's three calls stay three contacts");
    expect(
        &r,
        &[("offered", 4.0), ("handled", 2.0), ("abandon_rate", 0.5)],
    );
}

#[test]
fn a_generic_file_prefers_a_call_id_over_a_contact_id_as_the_key() {
    let h: Vec<String> = ["Contact ID", "Call ID", "Start Time", "Agent"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let m = match_columns(Kind::Interactions, &h);
    assert_eq!(m.get("contact_id").unwrap().header, "Call ID");
}

// expected_figures.py, amazon_connect_ctr_transfer.json and the redelivered duplicates:
// {"contact": "6fe40d2a-…", "handle": 465, "handled": true, "site": "TCC",
//  "team": "TCC ALL", "transferred": true, "wait": 346}
#[test]
fn amazon_connect_transfers_and_hierarchy_groups_are_read() {
    for name in [
        "amazon_connect_ctr_transfer.json",
        "amazon_connect_ctr_redelivered_duplicates.json",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = workspace(dir.path());
        let never = AtomicBool::new(false);
        let r = run(
            &mut ws,
            &real(name),
            &ImportOptions::default(),
            &mut |_| {},
            &never,
            now(),
        )
        .unwrap();
        assert_eq!(r.preset, Some(Preset::AmazonConnectContacts), "{name}");
        expect(
            &r,
            &[
                ("offered", 1.0),
                ("handled", 1.0),
                ("asa", 346.0),
                ("aht", 465.0),
            ],
        );
        assert!(r.flags.is_empty(), "{name}: {:?}", r.flags);
        assert_eq!(
            ws.test_fact_totals()
                .get(crate::measure::Measure::Transferred),
            Some(1.0),
            "{name}: TransferCompletedTimestamp is set"
        );
        let names =
            |table: &str| ws.test_text(&format!("SELECT group_concat(name) FROM {table}"), []);
        assert_eq!(
            (names("site"), names("team")),
            (Some("TCC".to_string()), Some("TCC ALL".to_string())),
            "{name}: hierarchy level 1 is the site, level 2 the team"
        );
    }
}

// expected_figures.py, genesys_*.json:
// chat:       {"abandoned": 0, "aht": 918.737, "answer_wait_s": 11.179, "handled": 1, ...}
// bad dates:  {"abandoned": 0, "aht": 923.484, "answer_wait_s": 6.384, "handled": 1, ...}
// 2016 slice: {"abandoned": 0, "aht": 2931.30504, "answer_wait_s": 320.663, "handled": 25,
//              "in_20s": 20, "offered": 25, "with_wait": 21}
#[test]
fn genesys_conversation_details_are_recognised_in_every_shape() {
    for (name, offered, aht, wait_sum) in [
        // One bare conversation object, with metrics (tAcd, tTalk, tHeld, tHandle).
        (
            "genesys_conversation_detail_chat.json",
            1.0,
            918.737,
            11.179,
        ),
        // Segment times with a one-digit day and no tHandle: handle is tTalk.
        (
            "genesys_conversation_detail_chat_bad_dates.json",
            1.0,
            923.484,
            6.384,
        ),
        // The API's query response ({"conversations": [...]}) from 2016, with no metrics at all:
        // every time comes from segments. Four chats never queued, so their wait is unknown:
        // ASA is Σwait over the 21 contacts that have one (coverage), not over all 25.
        (
            "genesys_conversations_details_query_response_2016_slice.json",
            25.0,
            2931.30504,
            320.663,
        ),
    ] {
        let with_wait = if offered == 25.0 { 21.0 } else { offered };
        let d = detect(&real(name)).unwrap();
        assert_eq!(d.preset, Some(Preset::GenesysConversations), "{name}");
        let r = import(name);
        assert_eq!(r.rows_refused, 0, "{name}: {:?}", r.refusals);
        let close = |id: &str, want: f64| {
            let got = figure(&r, id).unwrap();
            assert!((got - want).abs() < 1e-6, "{name}: {id} {got} != {want}");
        };
        close("offered", offered);
        close("handled", offered);
        close("abandon_rate", 0.0);
        close("aht", aht);
        close("asa", wait_sum / with_wait);
    }
    // 20 of the 21 contacts whose wait is known answered within 20 s; the 4 that never queued
    // are left out, and the figure says so, rather than counting them as slow.
    let r = import("genesys_conversations_details_query_response_2016_slice.json");
    expect(&r, &[("service_level", 20.0 / 21.0)]);
    let sl = r
        .headline
        .iter()
        .find(|h| h.metric_id == "service_level")
        .unwrap();
    let c = sl.value.coverage.as_ref().expect("coverage said");
    assert_eq!((c.covered, c.total), (21.0, 25.0));
}

// expected_figures.py, freshdesk_ticket_export.csv:
// {"abandon_rate": null, "handled": 0, "offered": 45}
#[test]
fn a_freshdesk_ticket_export_counts_every_ticket_and_keys_on_the_ticket() {
    // 45 tickets (ID 4 is missing in the export); `Contact ID` repeats the requester's email.
    // Their statuses are Open, Pending, Waiting on Third Party and a custom OpenPending: none is
    // solved yet, so none is handled, and none is abandoned either.
    let r = import("freshdesk_ticket_export.csv");
    assert_eq!(r.preset, Some(Preset::FreshdeskTickets));
    assert_eq!((r.rows_read, r.rows_taken, r.rows_refused), (45, 45, 0));
    assert_eq!(
        r.rows_duplicate, 0,
        "the ticket is the key, not the contact"
    );
    expect(&r, &[("offered", 45.0), ("handled", 0.0)]);
    let abandon = r
        .headline
        .iter()
        .find(|h| h.metric_id == "abandon_rate")
        .expect("abandonment in the headline");
    assert_eq!(abandon.value.value, None, "never 0: {abandon:?}");
    assert!(abandon.value.reason.is_some(), "{abandon:?}");
    let outcome = r
        .readings
        .iter()
        .find(|x| x.topic == ReadingTopic::Outcome)
        .unwrap();
    assert!(
        outcome.columns == ["Status"]
            && outcome.text.contains("Resolved or Closed")
            && !outcome.inferred,
        "{outcome:?}"
    );
}

// expected_figures.py, zendesk_*.json:
// metric_sets: {"abandon_rate": null, "aht": null, "asa": null, "csat": null, "handled": 0, "offered": 3}
// cursor:      {"abandon_rate": null, "aht": null, "asa": null, "csat": null, "handled": 1, "offered": 1}
#[test]
fn zendesk_incremental_exports_are_recognised_and_read_as_tickets() {
    for (name, offered, handled) in [
        // Time-based export with `include=metric_sets`: three open web tickets, metric sets both
        // inline and side-loaded, every first reply still null.
        ("zendesk_incremental_tickets_metric_sets.json", 3.0, 0.0),
        // Cursor-based export: one closed API ticket, CSAT `unoffered`, no metric sets.
        ("zendesk_incremental_tickets_cursor_closed.json", 1.0, 1.0),
    ] {
        let d = detect(&real(name)).unwrap();
        assert_eq!(d.preset, Some(Preset::ZendeskTickets), "{name}");
        assert_eq!(d.kind, Some(Kind::Interactions), "{name}");
        assert!(
            d.readings.iter().all(|r| !r.inferred),
            "{name}: {:?}",
            d.readings
        );
        let r = import(name);
        assert_eq!(r.rows_refused, 0, "{name}: {:?}", r.refusals);
        expect(&r, &[("offered", offered), ("handled", handled)]);
        // A ticket cannot be abandoned: no abandonment figure, with its reason, never 0.
        let abandon = r
            .headline
            .iter()
            .find(|h| h.metric_id == "abandon_rate")
            .unwrap();
        assert_eq!(abandon.value.value, None, "{name}: {abandon:?}");
        assert!(abandon.value.reason.is_some(), "{name}: {abandon:?}");
        // No first reply yet, no rating, no handle time in a ticket: missing, not 0.
        for id in ["asa", "csat", "aht"] {
            assert_eq!(figure(&r, id), None, "{name}: {id}");
        }
        let outcome = r
            .readings
            .iter()
            .find(|x| x.topic == ReadingTopic::Outcome)
            .unwrap();
        assert!(
            outcome.columns == ["status"] && outcome.text.contains("cannot be abandoned"),
            "{outcome:?}"
        );
    }
}

#[test]
fn a_zendesk_export_edited_by_hand_with_a_key_given_twice_is_refused_with_its_reason() {
    // The same source's later copy of the metric-sets export: its envelope says `"count"` twice
    // (1000, then 999), which no JSON library writes. Which one was meant cannot be told.
    let name = "zendesk_incremental_tickets_metric_sets_edited_duplicate_count.json";
    let err = import_with(name, &ImportOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("\"count\" is given twice") && text.contains("line 394"),
        "{text}"
    );
}

/// The real closed ticket as an earlier export would have shown it (edited by the test, and said
/// so): still open, last updated 2015-07-20, before its real `updated_at` of 2015-07-23.
fn zendesk_earlier_state(dir: &Path) -> PathBuf {
    let text =
        std::fs::read_to_string(real("zendesk_incremental_tickets_cursor_closed.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["tickets"][0]["status"] = "open".into();
    v["tickets"][0]["updated_at"] = "2015-07-20T10:00:00Z".into();
    let path = dir.join("zendesk_earlier.json");
    std::fs::write(&path, v.to_string()).unwrap();
    path
}

#[test]
fn a_zendesk_ticket_exported_again_takes_its_latest_state_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let earlier = zendesk_earlier_state(dir.path());
    let closed = real("zendesk_incremental_tickets_cursor_closed.json");
    let never = AtomicBool::new(false);
    let opts = ImportOptions::default();
    // Earlier state first: the closed ticket replaces it, so the ticket counts as handled.
    let ws_dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(ws_dir.path());
    let r1 = run(&mut ws, &earlier, &opts, &mut |_| {}, &never, now()).unwrap();
    expect(&r1, &[("offered", 1.0), ("handled", 0.0)]);
    let r2 = run(&mut ws, &closed, &opts, &mut |_| {}, &never, now()).unwrap();
    assert_eq!((r2.rows_taken, r2.rows_duplicate), (1, 0), "{:?}", r2.notes);
    expect(&r2, &[("offered", 1.0), ("handled", 1.0)]);
    // Closed first: the older open state is a duplicate and changes nothing.
    let ws_dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(ws_dir.path());
    run(&mut ws, &closed, &opts, &mut |_| {}, &never, now()).unwrap();
    let r = run(&mut ws, &earlier, &opts, &mut |_| {}, &never, now()).unwrap();
    assert_eq!((r.rows_taken, r.rows_duplicate), (0, 1), "{:?}", r.notes);
}

/// The real metric-sets export with values written into it by the test (made up, and said so):
/// the second ticket solved with a first reply of 90 calendar (45 business) minutes and rated
/// good, the third closed with 30 (30) minutes and rated bad; the first stays open. The
/// side-loaded `metric_sets` carry the replies and the inline copies are removed, so the join by
/// `ticket_id` is what reads them.
fn zendesk_edited(dir: &Path) -> PathBuf {
    let text =
        std::fs::read_to_string(real("zendesk_incremental_tickets_metric_sets.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let tickets = v["tickets"].as_array_mut().unwrap();
    for t in tickets.iter_mut() {
        t.as_object_mut().unwrap().remove("metric_set");
    }
    tickets[1]["status"] = "solved".into();
    tickets[1]["satisfaction_rating"] = serde_json::json!({"score": "good"});
    tickets[2]["status"] = "closed".into();
    tickets[2]["satisfaction_rating"] = serde_json::json!({"score": "bad"});
    let sets = v["metric_sets"].as_array_mut().unwrap();
    sets[1]["reply_time_in_minutes"] = serde_json::json!({"calendar": 90, "business": 45});
    sets[2]["reply_time_in_minutes"] = serde_json::json!({"calendar": 30, "business": 30});
    let path = dir.join("zendesk_edited.json");
    std::fs::write(&path, v.to_string()).unwrap();
    path
}

#[test]
fn zendesk_first_reply_is_calendar_minutes_from_the_side_loaded_metric_set_and_csat_is_good_share()
{
    let dir = tempfile::tempdir().unwrap();
    let path = zendesk_edited(dir.path());
    let mut ws = workspace(dir.path());
    let never = AtomicBool::new(false);
    let opts = ImportOptions::default();
    let r = run(&mut ws, &path, &opts, &mut |_| {}, &never, now()).unwrap();
    assert_eq!(r.preset, Some(Preset::ZendeskTickets));
    // Offered 3, handled 2 (solved + closed), ASA (90 + 30) min / 2 = 3,600 s, CSAT good 1 of 2.
    expect(
        &r,
        &[
            ("offered", 3.0),
            ("handled", 2.0),
            ("asa", 3600.0),
            ("csat", 0.5),
        ],
    );
    assert_eq!(figure(&r, "abandon_rate"), None);
    // The business-hours figure is the user's choice: mapped instead, ASA is (45 + 30) / 2 min.
    let d = detect(&path).unwrap();
    let mut mapping = d.mapping.clone();
    let wait = mapping
        .columns
        .iter_mut()
        .find(|c| c.field == "wait")
        .unwrap();
    assert_eq!(wait.header, "metric_set.reply_time_in_minutes.calendar");
    wait.header = "metric_set.reply_time_in_minutes.business".into();
    let fresh = tempfile::tempdir().unwrap();
    let mut ws = workspace(fresh.path());
    let opts = ImportOptions {
        mapping: Some(mapping),
        ..ImportOptions::default()
    };
    let r = run(&mut ws, &path, &opts, &mut |_| {}, &never, now()).unwrap();
    expect(&r, &[("asa", 2250.0), ("handled", 2.0)]);
}

/// A semicolon file whose waits are `wait` cells, one per contact (made up for these tests).
fn waits_file(dir: &Path, waits: &[&str]) -> PathBuf {
    let path = dir.join("decimal_commas.csv");
    let mut text = String::from("contact_id;started_at;outcome;wait_s\n");
    for (i, w) in waits.iter().enumerate() {
        text.push_str(&format!(
            "K{i};2026-07-01 09:{:02}:00;handled;{w}\n",
            i % 60
        ));
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn answer_wait(_dir: &Path, path: &Path, opts: &ImportOptions) -> Result<f64, ImportError> {
    let fresh = tempfile::tempdir().unwrap();
    let mut ws = workspace(fresh.path());
    let never = AtomicBool::new(false);
    let r = run(&mut ws, path, opts, &mut |_| {}, &never, now())?;
    Ok(figure(&r, "asa").unwrap() * figure(&r, "handled").unwrap())
}

#[test]
fn a_columns_decimal_mark_is_decided_by_the_whole_column_or_asked() {
    let dir = tempfile::tempdir().unwrap();
    // `3,5` says the column's decimals are commas, so `1.234` is 1234 s, not 1.234 s.
    let path = waits_file(dir.path(), &["3,5", "1.234", "10"]);
    let sum = answer_wait(dir.path(), &path, &ImportOptions::default()).unwrap();
    assert!((sum - 1247.5).abs() < 1e-9, "3.5 + 1234 + 10 = {sum}");
    // Nothing in the column tells: the import stops and asks.
    let path = waits_file(dir.path(), &["1.234", "10"]);
    let err = answer_wait(dir.path(), &path, &ImportOptions::default()).unwrap_err();
    assert_eq!(err.code(), "ambiguous_numbers", "{err}");
    assert!(err.to_string().contains("1.234"), "{err}");
    // The user's answer reads it.
    let comma = ImportOptions {
        decimal_mark: Some(DecimalMark::Comma),
        ..ImportOptions::default()
    };
    let sum = answer_wait(dir.path(), &path, &comma).unwrap();
    assert!((sum - 1244.0).abs() < 1e-9, "{sum}");
    // The deciding value far down the column: 300 plain rows, then `1.234`, then `2,5`.
    let mut waits = vec!["7"; 300];
    waits.extend(["1.234", "2,5"]);
    let path = waits_file(dir.path(), &waits);
    let sum = answer_wait(dir.path(), &path, &ImportOptions::default()).unwrap();
    assert!((sum - (2100.0 + 1234.0 + 2.5)).abs() < 1e-9, "{sum}");
}

#[test]
fn a_nice_cxone_call_detail_download_is_read_as_documented() {
    // The Call Detail data download's columns (docs/vendor-formats-research.md, 2a, from public
    // loaders of real files); the rows are made up for this test. Start_Date is MM/DD/YYYY.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cdr.csv");
    std::fs::write(
        &path,
        "Contact_ID,Master_Contact_ID,Media_Name,Skill_Name,Campaign_Name,Agent_Name,Team_Name,Start_Date,start_time,PreQueue,InQueue,Agent_Time,PostQueue,ACW_Time,Abandon,Abandon_Time,Hold_Time,ANI_Dialnum\n\
         101,101,Phone Call,Billing,Care,Ann,Red,07/02/2026,09:00:00,5,15,300,0,30,N,0,20,3531\n\
         102,102,Phone Call,Billing,Care,,Red,07/02/2026,09:05:00,5,40,0,0,0,Y,45,0,3532\n\
         103,103,Chat,Billing,Care,Bob,Red,07/03/2026,10:00:00,0,10,200,0,10,N,0,0,3533\n",
    )
    .unwrap();
    let d = detect(&path).unwrap();
    assert_eq!(d.preset, Some(Preset::NiceCxoneCallDetail));
    assert!(!d.mapping.has("hold"), "hold is inside Agent_Time");
    let mut ws = workspace(dir.path());
    let never = AtomicBool::new(false);
    let r = run(
        &mut ws,
        &path,
        &ImportOptions::default(),
        &mut |_| {},
        &never,
        now(),
    )
    .unwrap();
    assert_eq!(r.rows_refused, 0, "{:?}", r.refusals);
    expect(
        &r,
        &[
            ("offered", 3.0),
            ("handled", 2.0),
            ("abandon_rate", 1.0 / 3.0),
            // (15 + 10) / 2 handled; handle (300 + 30 + 200 + 10) / 2.
            ("asa", 12.5),
            ("aht", 270.0),
        ],
    );
    assert_eq!(
        (r.first_day, r.last_day),
        (
            NaiveDate::from_ymd_opt(2026, 7, 2),
            NaiveDate::from_ymd_opt(2026, 7, 3)
        ),
        "month-first, as documented, without asking"
    );
}

/// Real Qualtrics exports (fixtures/real/SOURCES.md) whose surveys ask no rating question: the
/// modern layout with German labels, the pre-2017 layout, a 2016 insights export and one re-saved
/// by Excel. Each is refused by name with what it lacks, and nothing is imported, rather than
/// read as something it is not.
#[test]
fn qualtrics_exports_without_a_rating_question_are_refused_saying_so() {
    for (name, says) in [
        (
            "qualtrics_sample_german_labels.csv",
            "no usable column for csat or nps or ces or resolved",
        ),
        (
            "qualtrics_excel_resaved_us_dates.csv",
            "no usable column for csat or nps or ces or resolved",
        ),
        (
            "qualtrics_sample_legacy_v_headers.csv",
            "no column of the file matches a known field",
        ),
        (
            "qualtrics_2016_insights_single_quoted_importids.csv",
            "no column of the file matches a known field",
        ),
    ] {
        let err = import_with(name, &ImportOptions::default())
            .err()
            .unwrap_or_else(|| panic!("{name} has no rating question to import"));
        let text = err.to_string();
        assert!(text.contains(name) && text.contains(says), "{name}: {text}");
    }
    // The modern layouts are recognised as Qualtrics from their headers all the same.
    for name in [
        "qualtrics_sample_german_labels.csv",
        "qualtrics_excel_resaved_us_dates.csv",
    ] {
        assert_eq!(
            detect(&real(name)).unwrap().preset,
            Some(Preset::Qualtrics),
            "{name}"
        );
    }
}
