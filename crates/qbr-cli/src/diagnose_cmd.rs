//! The diagnostic commands — `attention`, `control`, `drivers`, `correlate` and `staffing` — as
//! thin adapters: each turns its arguments into one `qbr_api::diagnose` call and prints text or
//! `--json`.

use std::path::PathBuf;

use chrono::Utc;
use clap::Args;
use qbr_api::diagnose::{self as api, ControlQuery, CorrelateQuery, DriversQuery, StaffingQuery};
use qbr_api::{ErrorView, StaffingRowView};

use crate::format::{self, Align};
use crate::{print_json, print_text};

/// `qbr attention WORKSPACE --period P`.
#[derive(Args)]
pub struct AttentionArgs {
    workspace: PathBuf,
    /// The period, e.g. 2026-Q3; the latest complete quarter when left out.
    #[arg(long)]
    period: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn attention(a: AttentionArgs) -> Result<(), ErrorView> {
    let r = api::attention(&a.workspace, a.period.as_deref(), Utc::now().date_naive())?;
    if a.json {
        return print_json(&r);
    }
    let mut out = format!(
        "Needs attention in {} ({} to {}): {} item(s), most important first\n\n",
        r.period.label,
        r.period.start,
        r.period.end,
        r.items.len()
    );
    let rows: Vec<Vec<String>> = r
        .items
        .iter()
        .map(|i| {
            vec![
                format!("{:.0}", i.score),
                i.kind.replace('_', " "),
                i.scope_label.clone(),
                i.metric_id.clone(),
                i.message.clone(),
            ]
        })
        .collect();
    out.push_str(&format::table(
        &["Score", "Kind", "Scope", "Metric", "What"],
        &[
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
        ],
        &rows,
    ));
    print_text(&out)
}

/// `qbr control WORKSPACE --metric ID --grain day|week --from D --to D`.
#[derive(Args)]
pub struct ControlArgs {
    workspace: PathBuf,
    #[arg(long, value_name = "ID")]
    metric: String,
    #[arg(long, value_parser = ["day", "week"])]
    grain: String,
    /// First day, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    from: String,
    /// Last day, YYYY-MM-DD, inclusive.
    #[arg(long, value_name = "DATE")]
    to: String,
    /// The days whose values set the limits, FROM..TO; the whole range when left out.
    #[arg(long, value_name = "D..D")]
    baseline: Option<String>,
    #[arg(long = "filter", value_name = "DIM=VALUE")]
    filters: Vec<String>,
    /// xmr, p or laney_p. When left out: for proportions of counts (service level, abandonment,
    /// FCR, CSAT, error rate) a p-chart, or Laney's p′ when the baseline weeks average 1,000 or
    /// more in their denominators; xmr otherwise.
    #[arg(long, value_parser = ["xmr", "p", "laney_p"])]
    method: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn control(a: ControlArgs) -> Result<(), ErrorView> {
    let r = api::control(
        &a.workspace,
        &ControlQuery {
            metric: a.metric,
            grain: a.grain,
            from: a.from,
            to: a.to,
            baseline: a.baseline,
            filters: a.filters,
            method: a.method,
        },
    )?;
    if a.json {
        return print_json(&r);
    }
    let unit = r.definition.unit.as_str();
    let v = |x: f64| format::value(unit, x, "");
    let mut out = format!(
        "{} by {}, {}, baseline {} to {} ({} points)\nCentre {}",
        r.definition.name,
        r.grain,
        match r.method.as_str() {
            "p" => "p-chart",
            "laney_p" => "Laney p′ chart",
            _ => "XmR chart",
        },
        r.baseline.start,
        r.baseline.end,
        r.baseline_points,
        v(r.centre)
    );
    if let (Some(mr), Some(ucl)) = (r.mean_moving_range, r.moving_range_ucl) {
        let first = r.points.iter().find_map(|p| p.lower.zip(p.upper));
        if let Some((lo, hi)) = first {
            out.push_str(&format!(", limits {} to {}", v(lo), v(hi)));
        }
        out.push_str(&format!(
            ", mean moving range {} (UCL {})",
            format::grouped(mr, 4),
            format::grouped(ucl, 4)
        ));
    } else {
        out.push_str(", limits per point from each denominator");
    }
    out.push_str("\n\n");
    let rows: Vec<Vec<String>> = r
        .points
        .iter()
        .map(|p| {
            vec![
                p.period.label.clone(),
                p.value.map_or("–".into(), v),
                p.lower.map_or("–".into(), v),
                p.upper.map_or("–".into(), v),
                if p.in_baseline {
                    "yes".into()
                } else {
                    String::new()
                },
                p.signals.join(", "),
            ]
        })
        .collect();
    out.push_str(&format::table(
        &["Bucket", "Value", "Lower", "Upper", "Baseline", "Signals"],
        &[
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Left,
        ],
        &rows,
    ));
    // Each signal reads as its days in the workspace's locale (from its first bucket's first day
    // to its last bucket's last), then the table's bucket labels.
    let locale = qbr_api::workspace_info(&a.workspace)?.settings.locale;
    let days = |label: &str| r.points.iter().find(|p| p.period.label == label);
    out.push_str(&format!("\nSignals ({}):\n", r.signals.len()));
    for s in &r.signals {
        let buckets = if s.start == s.end {
            s.end.clone()
        } else {
            format!("{} to {}", s.start, s.end)
        };
        let span = match (days(&s.start), days(&s.end)) {
            (Some(a), Some(b)) => format!(
                "{} ({buckets})",
                qbr_format::date_span(&a.period.start, &b.period.end, &locale)
            ),
            _ => buckets,
        };
        out.push_str(&format!("  {} ({}): {span}\n", s.label, s.direction));
    }
    print_text(&out)
}

/// `qbr drivers WORKSPACE --metric ID --from P --to P --by DIM`.
#[derive(Args)]
pub struct DriversArgs {
    workspace: PathBuf,
    #[arg(long, value_name = "ID")]
    metric: String,
    /// The earlier period, e.g. 2026-Q2.
    #[arg(long, value_name = "PERIOD")]
    from: String,
    /// The later period, e.g. 2026-Q3.
    #[arg(long, value_name = "PERIOD")]
    to: String,
    /// program, queue, channel, site, team or agent.
    #[arg(long, value_name = "DIM")]
    by: String,
    #[arg(long = "filter", value_name = "DIM=VALUE")]
    filters: Vec<String>,
    #[arg(long)]
    json: bool,
}

pub fn drivers(a: DriversArgs) -> Result<(), ErrorView> {
    let r = api::drivers(
        &a.workspace,
        &DriversQuery {
            metric: a.metric,
            from: a.from,
            to: a.to,
            by: a.by,
            filters: a.filters,
        },
    )?;
    if a.json {
        return print_json(&r);
    }
    let unit = r.definition.unit.as_str();
    let v = |x: f64| format::value(unit, x, "");
    let d = |x: f64| delta(unit, x);
    let mut out = format!(
        "{}\n\n{} {} → {} {}: change {} = rate {} + mix {}\n\n",
        r.sentence,
        r.from.label,
        v(r.value_from),
        r.to.label,
        v(r.value_to),
        d(r.change),
        d(r.rate_total),
        d(r.mix_total)
    );
    let rows: Vec<Vec<String>> = r
        .segments
        .iter()
        .map(|s| {
            vec![
                s.segment.clone(),
                s.value_from.map_or("–".into(), v),
                s.value_to.map_or("–".into(), v),
                format!("{}%", format::grouped(s.share_from * 100.0, 1)),
                format!("{}%", format::grouped(s.share_to * 100.0, 1)),
                d(s.rate_effect),
                d(s.mix_effect),
                d(s.total_effect),
            ]
        })
        .collect();
    out.push_str(&format::table(
        &[
            &r.by,
            &r.from.label,
            &r.to.label,
            "Share before",
            "Share after",
            "Rate",
            "Mix",
            "Total",
        ],
        &[
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
        ],
        &rows,
    ));
    for e in &r.excluded {
        out.push_str(&format!("Left out: {} ({})\n", e.segment, e.reason));
    }
    print_text(&out)
}

/// A signed change in a unit, with enough precision to check that parts add up.
fn delta(unit: &str, x: f64) -> String {
    let sign = if x < 0.0 { "-" } else { "+" };
    match unit {
        "ratio" => format!("{sign}{} pp", format::grouped(x.abs() * 100.0, 2)),
        "seconds" => format!("{sign}{} s", format::grouped(x.abs(), 1)),
        _ => format!("{sign}{}", format::grouped(x.abs(), 2)),
    }
}

/// `qbr correlate WORKSPACE --metrics ID,ID --by week|DIM --period P`.
#[derive(Args)]
pub struct CorrelateArgs {
    workspace: PathBuf,
    /// Two metric ids, e.g. aht,csat.
    #[arg(long, value_name = "ID,ID", value_delimiter = ',')]
    metrics: Vec<String>,
    /// week (the period's weeks) or a dimension (its members).
    #[arg(long, value_name = "week|DIM")]
    by: String,
    #[arg(long)]
    period: Option<String>,
    #[arg(long = "filter", value_name = "DIM=VALUE")]
    filters: Vec<String>,
    #[arg(long)]
    json: bool,
}

pub fn correlate(a: CorrelateArgs) -> Result<(), ErrorView> {
    let r = api::correlate(
        &a.workspace,
        &CorrelateQuery {
            metrics: a.metrics,
            by: a.by,
            period: a.period,
            filters: a.filters,
        },
        Utc::now().date_naive(),
    )?;
    if a.json {
        return print_json(&r);
    }
    let mut out = format!(
        "{} against {} by {} in {} (n = {}, {} left out without both values)\n",
        r.y.name, r.x.name, r.by, r.period.label, r.n, r.left_out
    );
    match (r.pearson, r.pearson_p, r.spearman, r.spearman_p) {
        (Some(pr), Some(pp), Some(sr), Some(sp)) => {
            out.push_str(&format!("Pearson r = {pr:.3} (p = {pp:.4}"));
            if let (Some(lo), Some(hi)) = (r.pearson_ci_low, r.pearson_ci_high) {
                out.push_str(&format!(", 95% CI {lo:.3} to {hi:.3}"));
            }
            out.push_str(&format!(")\nSpearman ρ = {sr:.3} (p = {sp:.4})\n"));
        }
        _ => out.push_str(&format!(
            "No correlation: {}\n",
            r.reason.as_deref().unwrap_or("not computable")
        )),
    }
    out.push_str(&format!("{}\n\n", r.caution));
    let rows: Vec<Vec<String>> = r
        .points
        .iter()
        .map(|p| {
            vec![
                p.label.clone(),
                format::value(&r.x.unit, p.x, ""),
                format::value(&r.y.unit, p.y, ""),
            ]
        })
        .collect();
    out.push_str(&format::table(
        &[&r.by, &r.x.id, &r.y.id],
        &[Align::Left, Align::Right, Align::Right],
        &rows,
    ));
    print_text(&out)
}

/// `qbr staffing WORKSPACE --period P …`.
#[derive(Args)]
pub struct StaffingArgs {
    workspace: PathBuf,
    #[arg(long)]
    period: Option<String>,
    /// Target service level as a fraction.
    #[arg(long, default_value = "0.8")]
    target_sl: f64,
    /// Also show what this many agents would give.
    #[arg(long)]
    agents: Option<u32>,
    #[arg(long, default_value = "30")]
    interval_minutes: u32,
    /// Hours open per day, over which each day's contacts are spread.
    #[arg(long, default_value = "12")]
    hours_open: f64,
    /// Shrinkage as a fraction; the period's measured shrinkage when left out.
    #[arg(long)]
    shrinkage: Option<f64>,
    /// Service threshold in seconds; the workspace's voice threshold when left out.
    #[arg(long)]
    threshold: Option<f64>,
    #[arg(long = "filter", value_name = "DIM=VALUE")]
    filters: Vec<String>,
    /// Also list every day.
    #[arg(long)]
    days: bool,
    #[arg(long)]
    json: bool,
}

pub fn staffing(a: StaffingArgs) -> Result<(), ErrorView> {
    let r = api::staffing(
        &a.workspace,
        &StaffingQuery {
            period: a.period,
            target_sl: a.target_sl,
            agents: a.agents,
            interval_minutes: a.interval_minutes,
            hours_open: a.hours_open,
            shrinkage: a.shrinkage,
            threshold_s: a.threshold,
            filters: a.filters,
        },
        Utc::now().date_naive(),
    )?;
    if a.json {
        return print_json(&r);
    }
    let mut out = format!(
        "Staffing for {} (Erlang C): target {}% within {} s, {}-minute intervals, {} h open, shrinkage {}% ({})\n\n",
        r.period.label,
        format::grouped(r.target_service_level * 100.0, 0),
        r.threshold_s,
        r.interval_minutes,
        r.hours_open,
        format::grouped(r.shrinkage * 100.0, 1),
        r.shrinkage_source
    );
    if let Some(note) = &r.channel_note {
        out.push_str(&format!("{note}\n\n"));
    }
    if let Some(why) = &r.empty_reason {
        out.push_str(&format!("No staffing figures: {why}.\n"));
        return print_text(&out);
    }
    let row = |s: &StaffingRowView| {
        let mut cells = vec![
            s.label.clone(),
            format::grouped(s.offered, 0),
            format::clock(s.aht_s),
            format::grouped(s.calls_per_interval, 1),
            format::grouped(s.erlangs, 2),
            s.agents_needed.map_or("–".into(), |n| n.to_string()),
            s.service_level_needed.map_or("–".into(), |x| {
                format!("{}%", format::grouped(x * 100.0, 1))
            }),
            s.rostered.map_or("–".into(), |x| format::grouped(x, 1)),
        ];
        if r.agents.is_some() {
            cells.push(
                s.service_level_with_agents
                    .map_or("cannot keep up".into(), |x| {
                        format!("{}%", format::grouped(x * 100.0, 1))
                    }),
            );
            cells.push(
                s.asa_with_agents_s
                    .map_or("–".into(), |x| format!("{} s", format::grouped(x, 1))),
            );
        }
        cells
    };
    let mut rows: Vec<Vec<String>> = r.average.iter().chain(r.busiest.iter()).map(row).collect();
    if a.days {
        rows.extend(r.days.iter().map(row));
    }
    let with_n = r.agents.map(|n| format!("SL with {n}"));
    let asa_n = r.agents.map(|n| format!("ASA with {n}"));
    let mut headers = vec![
        "Day",
        "Offered",
        "AHT",
        "Calls/interval",
        "Erlangs",
        "Agents",
        "SL",
        "Rostered",
    ];
    if let (Some(w), Some(x)) = (&with_n, &asa_n) {
        headers.push(w);
        headers.push(x);
    }
    let align: Vec<Align> = headers
        .iter()
        .enumerate()
        .map(|(i, _)| if i == 0 { Align::Left } else { Align::Right })
        .collect();
    out.push_str(&format::table(&headers, &align, &rows));
    let shown = r.average.iter().chain(r.busiest.iter());
    let shown: Vec<&StaffingRowView> = if a.days {
        shown.chain(r.days.iter()).collect()
    } else {
        shown.collect()
    };
    for s in shown {
        if let Some(why) = &s.reason {
            out.push_str(&format!("{}: {why}\n", s.label));
        }
    }
    out.push_str(&format!("\n{}\n", r.note));
    print_text(&out)
}
