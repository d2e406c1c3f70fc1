use super::*;

/// Hand-worked: each unit as the catalog defines it, negatives with a true minus.
#[test]
fn values_read_by_unit() {
    let cases: &[(&str, f64, &str, &str)] = &[
        ("ratio", 0.7781, "EUR", "77.8%"),
        ("ratio", -0.0004, "EUR", "0.0%"),
        ("seconds", 34.4, "EUR", "0:34"),
        ("seconds", 36_135.0, "EUR", "10.0 h"),
        // Email's ASA in the demo, once shown as the clock time 10:36:13.
        ("seconds", 38_173.0, "EUR", "10.6 h"),
        ("seconds", 3599.4, "EUR", "59:59"),
        // Rounded to the second first: 3599.5 s is a whole hour.
        ("seconds", 3599.5, "EUR", "1.0 h"),
        ("seconds", -5400.0, "EUR", "−1.5 h"),
        ("seconds", -75.0, "EUR", "−1:15"),
        ("count", 1_876_988.0, "EUR", "1,876,988"),
        ("count", 12.5, "EUR", "12.5"),
        ("score", 25.08, "EUR", "+25.1"),
        ("score", -45.4545, "EUR", "−45.5"),
        ("score", 0.02, "EUR", "0.0"),
        ("scale_1_7", 4.0769, "EUR", "4.08"),
        ("points", 86.04, "EUR", "86.0"),
        ("money", 1234.0, "USD", "$1,234"),
        ("money", 3.1, "EUR", "€3.10"),
        ("money", -12.0, "GBP", "−£12.00"),
        ("money", 45_000.0, "CHF", "CHF 45,000"),
        ("money", 99.5, "JPY", "¥100"),
    ];
    for &(unit, v, cur, want) in cases {
        assert_eq!(value(unit, v, cur), want, "{unit} {v} {cur}");
    }
}

#[test]
fn moves_read_in_points_clock_and_relative_terms() {
    // −6.0 percentage points, from the scorecard's `points`.
    assert_eq!(change("ratio", -0.06, Some(-6.0), None, "EUR"), "−6.0 pp");
    // Without `points` the fraction is turned into points.
    assert_eq!(change("ratio", 0.012, None, None, "EUR"), "+1.2 pp");
    assert_eq!(change("seconds", 18.0, None, None, "EUR"), "+0:18");
    assert_eq!(change("seconds", -15.0, None, None, "EUR"), "−0:15");
    assert_eq!(change("seconds", 0.2, None, None, "EUR"), "0:00");
    assert_eq!(
        change("count", 1200.0, None, Some(0.052), "EUR"),
        "+1,200 (+5.2%)"
    );
    assert_eq!(
        change("money", -1234.0, None, Some(-0.1), "USD"),
        "−$1,234 (−10.0%)"
    );
    assert_eq!(change("score", 4.25, None, Some(0.2), "EUR"), "+4.3");
    assert_eq!(change("scale_1_7", -0.125, None, None, "EUR"), "−0.13");
}

#[test]
fn targets_and_statuses() {
    assert_eq!(target("ratio", "at_least", 0.82, None, "EUR"), "≥ 82.0%");
    assert_eq!(target("seconds", "at_most", 30.0, None, "EUR"), "≤ 0:30");
    assert_eq!(
        target("ratio", "band", 0.75, Some(0.88), "EUR"),
        "75.0%–88.0%"
    );
    assert_eq!(status("green"), "✓ On target");
    assert_eq!(status("amber"), "! Near target");
    assert_eq!(status("red"), "✕ Off target");
    assert_eq!(status("none"), "– No target");
    assert_eq!(status(""), "– No target");
    assert_eq!(status_word("red"), "Off target");
}

#[test]
fn exact_ties_round_up_like_the_app() {
    // 4.25 and 0.125 are exact binary values: Rust's `{:.1}` would write 4.2 and 0.12.
    assert_eq!(fixed(4.25, 1), "4.3");
    assert_eq!(fixed(0.125, 2), "0.13");
    // 0.35 is 0.34999999999999997…: no tie, it rounds down as everywhere.
    assert_eq!(fixed(0.35, 1), "0.3");
    assert_eq!(fixed(9.96, 1), "10.0");
    assert_eq!(fixed(999.5, 0), "1000");
    assert_eq!(grouped(-1_999_999.96, 1), "−2,000,000.0");
    assert_eq!(clock(59.5), "1:00");
}

#[test]
fn currencies_without_a_symbol_use_their_code() {
    assert_eq!(currency_symbol("usd"), "$");
    assert_eq!(currency_symbol("PLN"), "PLN ");
    assert_eq!(currency_symbol(""), "");
    assert_eq!(money(1500.0, "PLN"), "PLN 1,500");
}

#[test]
fn no_hyphen_minus_anywhere() {
    for v in [-0.5, -1.0, -1234.5, -36_000.0] {
        for unit in [
            "ratio",
            "seconds",
            "count",
            "score",
            "scale_1_7",
            "points",
            "money",
        ] {
            let t = value(unit, v, "USD");
            assert!(!t.contains('-'), "{unit} {v}: {t}");
            let c = change(unit, v, None, Some(-0.5), "USD");
            assert!(!c.contains('-'), "{unit} {v}: {c}");
        }
    }
}

/// Days the date vectors cover: each month once, single-digit days, a leap day, the turn of
/// a year.
const DATE_EXAMPLES: [&str; 14] = [
    "2026-01-05",
    "2026-02-28",
    "2024-02-29",
    "2026-03-01",
    "2026-04-10",
    "2026-05-09",
    "2026-06-30",
    "2026-07-27",
    "2026-08-03",
    "2026-09-15",
    "2026-10-04",
    "2026-11-22",
    "2026-12-31",
    "2027-01-01",
];

/// Expected texts from CLDR 48 as Node 20's `Intl.DateTimeFormat` prints them for
/// `{day: "numeric", month: "short", year: "numeric"}` and `{day: "2-digit", month: "2-digit",
/// year: "numeric"}`, `{month: "short", year: "numeric"}` (typed in from its output).
#[test]
fn dates_read_in_the_workspace_locale() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("en-GB", "27 Jul 2026", "27/07/2026", "Jul 2026"),
        ("en-US", "Jul 27, 2026", "07/27/2026", "Jul 2026"),
        ("en-IE", "27 Jul 2026", "27/07/2026", "Jul 2026"),
        ("de-DE", "27. Juli 2026", "27.07.2026", "Juli 2026"),
        ("fr-FR", "27 juil. 2026", "27/07/2026", "juil. 2026"),
        ("nl-NL", "27 jul 2026", "27-07-2026", "jul 2026"),
        ("es-ES", "27 jul 2026", "27/07/2026", "jul 2026"),
        ("it-IT", "27 lug 2026", "27/07/2026", "lug 2026"),
        ("pt-BR", "27 de jul. de 2026", "27/07/2026", "jul. de 2026"),
        ("pl-PL", "27 lip 2026", "27.07.2026", "lip 2026"),
    ];
    assert_eq!(
        cases.len(),
        LOCALES.len(),
        "every supported locale has a case"
    );
    for &(tag, long, numeric, month) in cases {
        assert_eq!(date_long("2026-07-27", tag), long, "{tag}");
        assert_eq!(date_numeric("2026-07-27", tag), numeric, "{tag}");
        assert_eq!(month_year("2026-07-27", tag), month, "{tag}");
        assert_eq!(month_year("2026-07", tag), month, "{tag}");
    }
    // Single-digit days: unpadded in words, padded in digits.
    assert_eq!(date_long("2026-01-05", "en-US"), "Jan 5, 2026");
    assert_eq!(date_numeric("2026-01-05", "en-US"), "01/05/2026");
    assert_eq!(date_long("2026-03-01", "de-DE"), "1. März 2026");
    // CLDR's en-GB abbreviates September as "Sept".
    assert_eq!(date_long("2026-09-30", "en-GB"), "30 Sept 2026");
    assert_eq!(day_month("2026-07-27", "en-US"), "Jul 27");
    assert_eq!(day_month("2026-07-27", "de-DE"), "27. Juli");
    // 27 July 2026 is a Monday, 29 February 2024 a Thursday, 1 January 2027 a Friday.
    assert_eq!(date_weekday("2026-07-27", "en-GB"), "Mon, 27 Jul 2026");
    assert_eq!(date_weekday("2024-02-29", "en-US"), "Thu, Feb 29, 2024");
    assert_eq!(date_weekday("2027-01-01", "de-DE"), "Fr., 1. Jan. 2027");
    // Not a day: shown as given; an unknown locale reads as the default.
    assert_eq!(date_long("2026-02-30", "en-GB"), "2026-02-30");
    assert_eq!(date_long("soon", "en-GB"), "soon");
    assert_eq!(date_long("2026-07-27", "xx-YY"), "27 Jul 2026");
    // Time after the day is ignored (stored instants).
    assert_eq!(date_long("2026-12-07T11:13:55Z", "en-US"), "Dec 7, 2026");
}

/// Weeks and runs of weeks as spans of days: within a month, across months, across a year end,
/// one day.
const SPAN_EXAMPLES: [(&str, &str); 4] = [
    ("2026-07-06", "2026-07-12"),
    ("2026-07-27", "2026-08-02"),
    ("2025-12-29", "2026-01-04"),
    ("2026-09-30", "2026-09-30"),
];

/// A week reads by its days, the year once when both days share it; a month alone on an axis
/// takes CLDR's stand-alone abbreviation (en-GB "Sept", de-DE "Mär").
#[test]
fn weeks_read_as_spans_of_days_and_months_alone() {
    assert_eq!(
        date_span("2026-07-27", "2026-08-02", "en-GB"),
        "27 Jul \u{2013} 2 Aug 2026"
    );
    assert_eq!(
        date_span("2026-07-27", "2026-08-02", "en-US"),
        "Jul 27 \u{2013} Aug 2, 2026"
    );
    assert_eq!(
        date_span("2026-07-27", "2026-08-02", "de-DE"),
        "27. Juli \u{2013} 2. Aug. 2026"
    );
    assert_eq!(
        date_span("2025-12-29", "2026-01-04", "en-GB"),
        "29 Dec 2025 \u{2013} 4 Jan 2026"
    );
    assert_eq!(
        date_span("2026-09-30", "2026-09-30", "en-GB"),
        "30 Sept 2026"
    );
    assert_eq!(
        date_span("2026-W31", "2026-08-02", "en-GB"),
        "2026-W31 \u{2013} 2 Aug 2026"
    );
    assert_eq!(month_short("2026-09-15", "en-GB"), "Sept");
    assert_eq!(month_short("2026-09", "en-US"), "Sep");
    assert_eq!(month_short("2026-07-27", "fr-FR"), "juil.");
    // CLDR's stand-alone form: German "Mär" alone, "März 2026" with the year.
    assert_eq!(month_short("2026-03-01", "de-DE"), "Mär");
    assert_eq!(month_year("2026-03-01", "de-DE"), "März 2026");
    assert_eq!(month_short("soon", "en-GB"), "soon");
}

#[test]
fn locales_are_parsed_from_the_supported_list() {
    assert_eq!(parse_locale("en-us"), Ok("en-US"));
    assert_eq!(parse_locale(" de-DE "), Ok("de-DE"));
    assert_eq!(LOCALES[0].tag, DEFAULT_LOCALE);
    let err = parse_locale("en-ZZ").unwrap_err();
    assert!(
        err.contains("\"en-ZZ\" is not a supported locale") && err.contains("pl-PL"),
        "{err}"
    );
}

/// The examples the app's formatter is checked against (`ui/src/lib/format.test.ts`): inputs and
/// the texts these rules give. `UPDATE_BINDINGS=1 cargo test -p qbr-format` rewrites the committed
/// files when the rules change; this test fails while they are out of date.
#[test]
fn committed_ui_rules_and_vectors_match() {
    let units = [
        "count",
        "ratio",
        "seconds",
        "score",
        "scale_1_7",
        "points",
        "money",
    ];
    let numbers = [
        0.0,
        0.004,
        -0.004,
        0.7781,
        -0.06,
        1.5,
        12.5,
        34.4,
        -75.0,
        99.5,
        1234.0,
        -1234.0,
        3599.4,
        3599.5,
        36_135.0,
        38_173.0,
        1_876_988.0,
    ];
    let mut vectors = Vec::new();
    for unit in units {
        for cur in ["USD", "EUR", "JPY", "CHF"] {
            if unit != "money" && cur != "USD" {
                continue;
            }
            for &v in &numbers {
                let points = (unit == "ratio").then_some(v * 100.0);
                let relative = (v != 0.0).then_some(v / 10.0);
                vectors.push(serde_json::json!({
                    "unit": unit, "currency": cur, "value": v, "points": points, "relative": relative,
                    "value_text": value(unit, v, cur),
                    "change_text": change(unit, v, points, relative, cur),
                    "at_least": target(unit, "at_least", v, None, cur),
                    "at_most": target(unit, "at_most", v, None, cur),
                    "band": target(unit, "band", v, Some(v * 2.0), cur),
                }));
            }
        }
    }
    let statuses: Vec<_> = ["green", "amber", "red", "none"]
        .iter()
        .map(|s| serde_json::json!({"status": s, "text": status(s)}))
        .collect();
    let mut dates = Vec::new();
    let mut spans = Vec::new();
    for l in LOCALES {
        for day in DATE_EXAMPLES {
            dates.push(serde_json::json!({
                "locale": l.tag, "date": day,
                "long": date_long(day, l.tag),
                "numeric": date_numeric(day, l.tag),
                "month_year": month_year(day, l.tag),
                "day_month": day_month(day, l.tag),
                "weekday": date_weekday(day, l.tag),
                "month": month_short(day, l.tag),
            }));
        }
        for (first, last) in SPAN_EXAMPLES {
            spans.push(serde_json::json!({
                "locale": l.tag, "first": first, "last": last,
                "text": date_span(first, last, l.tag),
            }));
        }
    }
    let mut vectors_json = serde_json::to_string_pretty(
        &serde_json::json!({ "values": vectors, "statuses": statuses, "dates": dates, "spans": spans }),
    )
    .unwrap();
    vectors_json.push('\n');
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib");
    for (name, want) in [
        ("format-rules.json", rules_json()),
        ("format-vectors.json", vectors_json),
    ] {
        let path = dir.join(name);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is out of date: run UPDATE_BINDINGS=1 cargo test -p qbr-format",
            path.display()
        );
    }
}
