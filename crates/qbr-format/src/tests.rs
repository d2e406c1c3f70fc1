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
    let mut vectors_json = serde_json::to_string_pretty(
        &serde_json::json!({ "values": vectors, "statuses": statuses }),
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
