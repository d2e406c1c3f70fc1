//! Writes a sample trend chart as SVG and PNG, to look at the drawing by eye:
//! `cargo run -p qbr-render --example trend_chart -- OUT_DIR`.

use qbr_render::chart::{
    trend_png, trend_svg, Marker, MarkerKind, MovingAverage, ShadedWindow, Target, TrendChart,
    TrendSeries, UnitKind,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&out)?;
    let weeks: Vec<String> = (27..=39).map(|w| format!("2026-W{w}")).collect();
    let sl = [
        Some(0.84),
        Some(0.83),
        Some(0.85),
        Some(0.81),
        Some(0.74),
        None,
        Some(0.69),
        Some(0.72),
        Some(0.77),
        Some(0.81),
        Some(0.83),
        Some(0.85),
        Some(0.86),
    ];
    let ma: Vec<Option<f64>> = (0..sl.len())
        .map(|i| {
            let w: Vec<f64> = sl[i.saturating_sub(3)..=i]
                .iter()
                .flatten()
                .copied()
                .collect();
            (i >= 3 && !w.is_empty()).then(|| w.iter().sum::<f64>() / w.len() as f64)
        })
        .collect();
    let service_level = TrendChart {
        spans: Vec::new(),
        locale: String::new(),
        title: "Service level, Tech Support, 2026-Q3".into(),
        unit: UnitKind::Ratio,
        buckets: weeks.clone(),
        series: vec![TrendSeries {
            name: "Tech Support".into(),
            values: sl.to_vec(),
            moving_average: Some(MovingAverage {
                label: "4-week average".into(),
                values: ma,
            }),
        }],
        target: Some(Target::AtLeast(0.82)),
        markers: vec![
            Marker {
                at: 4,
                label: "Firmware 3.2 release".into(),
                kind: MarkerKind::Cause,
            },
            Marker {
                at: 6,
                label: "Overflow to Billing team".into(),
                kind: MarkerKind::ActionStart,
            },
            Marker {
                at: 9,
                label: "Overflow ends".into(),
                kind: MarkerKind::ActionFinish,
            },
        ],
        windows: vec![
            ShadedWindow {
                from: 0,
                to: 3,
                label: "before".into(),
            },
            ShadedWindow {
                from: 9,
                to: 12,
                label: "after".into(),
            },
        ],
        control: None,
        partial: Vec::new(),
        width: 720,
        currency: String::new(),
        target_steps: Vec::new(),
        numbered_markers: false,
        height: 360,
    };
    let months = [
        "Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026", "May 2026", "Jun 2026",
    ];
    let aht = TrendChart {
        spans: Vec::new(),
        locale: String::new(),
        title: "Average handle time by program".into(),
        unit: UnitKind::Seconds,
        buckets: months.iter().map(|s| s.to_string()).collect(),
        series: vec![
            TrendSeries {
                name: "Tech Support".into(),
                values: vec![
                    Some(372.0),
                    Some(365.0),
                    Some(401.0),
                    Some(388.0),
                    Some(359.0),
                    Some(350.0),
                ],
                moving_average: None,
            },
            TrendSeries {
                name: "Billing".into(),
                values: vec![
                    Some(298.0),
                    None,
                    Some(305.0),
                    Some(311.0),
                    Some(290.0),
                    None,
                ],
                moving_average: None,
            },
        ],
        target: Some(Target::Band {
            low: 300.0,
            high: 390.0,
        }),
        markers: vec![],
        windows: vec![],
        control: None,
        partial: Vec::new(),
        width: 560,
        currency: String::new(),
        target_steps: Vec::new(),
        numbered_markers: false,
        height: 300,
    };
    let weekly: Vec<String> = (1..=52).map(|w| format!("2026-W{w:02}")).collect();
    let volume = TrendChart {
        spans: Vec::new(),
        locale: String::new(),
        title: "Offered contacts, all programs, 2026".into(),
        unit: UnitKind::Count,
        buckets: weekly,
        series: vec![TrendSeries {
            name: "Offered".into(),
            values: (0..52)
                .map(|i| {
                    (i != 20)
                        .then(|| 12_000.0 + 3_000.0 * ((i as f64) / 5.0).sin() + 40.0 * i as f64)
                })
                .collect(),
            moving_average: None,
        }],
        target: None,
        markers: vec![Marker {
            at: 30,
            label: "Price change letter".into(),
            kind: MarkerKind::Cause,
        }],
        windows: vec![],
        control: None,
        partial: Vec::new(),
        width: 720,
        currency: String::new(),
        target_steps: Vec::new(),
        numbered_markers: false,
        height: 300,
    };
    for (name, chart) in [
        ("service_level", &service_level),
        ("aht", &aht),
        ("volume", &volume),
    ] {
        std::fs::write(out.join(format!("{name}.svg")), trend_svg(chart)?)?;
        std::fs::write(
            out.join(format!("{name}.png")),
            trend_png(chart, chart.width * 2, chart.height * 2)?,
        )?;
    }
    println!("wrote {}", out.display());
    Ok(())
}
