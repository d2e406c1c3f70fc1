//! Files written for the user outside the workspace: the scorecard as CSV or XLSX and any trend
//! chart as PNG or SVG (the PDF pack is in [`crate::pack`]).
//!
//! Promises:
//! - Every file is written to a temporary sibling and renamed into place, so a failed export
//!   never leaves a partial file under the chosen name (and never harms an older file there).
//! - Text cells that a spreadsheet would read as a formula are defused by the same guard as the
//!   refusals CSV ([`crate::import::defuse_formula`]); numbers are written as numbers.

use std::path::Path;

use chrono::NaiveDate;
use qbr_core::Workspace;

use crate::import::{csv_cell, defuse_formula};
use crate::metrics::{metric_trend, metrics_report_in, MetricsQuery};
use crate::wire::*;
use crate::ApiResult;

fn io_error(what: String, e: impl std::fmt::Display) -> ErrorView {
    ErrorView {
        code: ErrorCode::ReadOnly,
        message: format!("{what}: {e}"),
    }
}

fn invalid(message: String) -> ErrorView {
    ErrorView {
        code: ErrorCode::InvalidInput,
        message,
    }
}

/// Writes `bytes` to `out` atomically (`qbr_core::atomic`): on any failure `out` is left as it
/// was and no temporary file stays behind.
pub fn write_atomically(out: &Path, bytes: &[u8]) -> ApiResult<()> {
    if out.file_name().is_none() {
        return Err(invalid(format!("{} names no file", out.display())));
    }
    qbr_core::atomic::write(out, bytes)
        .map_err(|e| io_error(format!("cannot write {}", out.display()), e))?;
    tracing::info!(file = %file_label(out), bytes = bytes.len(), "export written");
    Ok(())
}

/// A written file's name for the log: its name only, never the folders above it.
pub(crate) fn file_label(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The file type an export path asks for, from its extension.
fn extension(out: &Path) -> String {
    out.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The scorecard rows as exported: one per metric of the whole account.
struct Row {
    cells: Vec<Cell>,
}

enum Cell {
    Text(String),
    Number(Option<f64>),
}

const HEADERS: [&str; 15] = [
    "metric_id",
    "metric",
    "unit",
    "value",
    "target",
    "status",
    "previous",
    "change_previous",
    "year_ago",
    "change_year_ago",
    "n",
    "numerator",
    "denominator",
    "reason",
    "flags",
];

fn scorecard_rows(report: &MetricsReport) -> Vec<Row> {
    let Some(group) = report.groups.first() else {
        return Vec::new();
    };
    report
        .definitions
        .iter()
        .filter_map(|d| {
            let e = group.metrics.get(&d.id)?;
            Some(Row {
                cells: vec![
                    Cell::Text(d.id.clone()),
                    Cell::Text(d.name.clone()),
                    Cell::Text(d.unit.clone()),
                    Cell::Number(e.value),
                    Cell::Text(
                        e.target
                            .as_ref()
                            .map(|t| crate::text::target(&d.unit, t, &report.currency))
                            .unwrap_or_default(),
                    ),
                    Cell::Text(e.status.clone()),
                    Cell::Number(e.previous),
                    Cell::Number(e.change_previous.as_ref().map(|c| c.absolute)),
                    Cell::Number(e.year_ago),
                    Cell::Number(e.change_year_ago.as_ref().map(|c| c.absolute)),
                    Cell::Number(e.n.map(|n| n as f64)),
                    Cell::Number(e.numerator),
                    Cell::Number(e.denominator),
                    Cell::Text(e.reason.clone().unwrap_or_default()),
                    Cell::Text(e.flags.join(" ")),
                ],
            })
        })
        .collect()
}

/// The scorecard of `period` (the latest complete quarter when `None`) as CSV: the numbers of
/// `qbr metrics --json` for the whole account, one metric a row; a missing value is an empty
/// cell with its reason beside it, never 0.
pub fn scorecard_csv(path: &Path, period: Option<&str>, today: NaiveDate) -> ApiResult<String> {
    let report = report(path, period, today)?;
    let mut out = HEADERS.join(",");
    out.push('\n');
    for row in scorecard_rows(&report) {
        let cells: Vec<String> = row
            .cells
            .iter()
            .map(|c| match c {
                Cell::Text(t) => csv_cell(t),
                Cell::Number(Some(v)) => v.to_string(),
                Cell::Number(None) => String::new(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    Ok(out)
}

/// The same scorecard as an XLSX workbook with one sheet named after the period.
pub fn scorecard_xlsx(path: &Path, period: Option<&str>, today: NaiveDate) -> ApiResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let report = report(path, period, today)?;
    let xlsx = |e: rust_xlsxwriter::XlsxError| ErrorView {
        code: ErrorCode::Internal,
        message: format!("cannot write the workbook: {e}"),
    };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet
        .set_name(format!("Scorecard {}", report.period.label))
        .map_err(xlsx)?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xlsx)?;
    }
    for (r, row) in scorecard_rows(&report).iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(r, c, defuse_formula(t)).map_err(xlsx)?;
                }
                Cell::Number(Some(v)) => {
                    sheet.write_number(r, c, *v).map_err(xlsx)?;
                }
                Cell::Number(None) => {}
            }
        }
    }
    sheet.set_column_width(1, 28).map_err(xlsx)?;
    sheet.set_column_width(13, 32).map_err(xlsx)?;
    book.save_to_buffer().map_err(xlsx)
}

fn report(path: &Path, period: Option<&str>, today: NaiveDate) -> ApiResult<MetricsReport> {
    let ws = Workspace::open(path)?;
    metrics_report_in(
        &ws,
        &MetricsQuery {
            period: period.map(str::to_string),
            ..MetricsQuery::default()
        },
        today,
    )
}

/// Writes the scorecard to `out` as CSV or XLSX, by its extension.
pub fn export_scorecard(
    path: &Path,
    period: Option<&str>,
    out: &Path,
    today: NaiveDate,
) -> ApiResult<()> {
    let _span = tracing::info_span!("export_scorecard").entered();
    let bytes = match extension(out).as_str() {
        "csv" => scorecard_csv(path, period, today)?.into_bytes(),
        "xlsx" => scorecard_xlsx(path, period, today)?,
        other => {
            return Err(invalid(format!(
                "cannot export a scorecard as {other:?}; name the file .csv or .xlsx"
            )))
        }
    };
    write_atomically(out, &bytes)
}

/// Writes a metric's trend chart (the metric page's: 52 weeks, moving average, target band,
/// cause and action markers) to `out` as SVG or PNG, by its extension. PNGs are drawn at twice
/// the chart's size, for print and slides.
pub fn export_chart(
    path: &Path,
    metric_id: &str,
    period: Option<&str>,
    out: &Path,
    today: NaiveDate,
) -> ApiResult<()> {
    let _span = tracing::info_span!("export_chart", metric = metric_id).entered();
    let ws = Workspace::open(path)?;
    let t = metric_trend(&ws, path, metric_id, period, today, |_| true)?;
    let bytes = match extension(out).as_str() {
        "svg" => qbr_render::chart::trend_svg(&t.chart)
            .map_err(crate::metrics::chart_error)?
            .into_bytes(),
        "png" => qbr_render::chart::trend_png(&t.chart, t.chart.width * 2, t.chart.height * 2)
            .map_err(crate::metrics::chart_error)?,
        other => {
            return Err(invalid(format!(
                "cannot export a chart as {other:?}; name the file .png or .svg"
            )))
        }
    };
    write_atomically(out, &bytes)
}

/// A file name made of `text`: lower-case letters and digits, anything else one `-`.
pub fn slug(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// The name a save dialog proposes for a pack: `client-qbr-period-audience.pdf`.
pub fn pack_file_name(client: &str, period_label: &str, audience: &str) -> String {
    format!(
        "{}-qbr-{}-{}.pdf",
        slug(client),
        slug(period_label),
        slug(audience)
    )
}

/// The name a save dialog proposes for the scorecard (`ext` csv or xlsx).
pub fn scorecard_file_name(period_label: &str, ext: &str) -> String {
    format!("scorecard-{}.{ext}", slug(period_label))
}

/// The name a save dialog proposes for a metric's trend chart (`ext` png or svg).
pub fn chart_file_name(metric_id: &str, ext: &str) -> String {
    format!("{}-trend.{ext}", slug(metric_id))
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggested_file_names_are_slugs_of_what_they_hold() {
        assert_eq!(
            super::slug("  Northwind Mobile, Ltd. "),
            "northwind-mobile-ltd"
        );
        assert_eq!(super::slug("FY27-Q1"), "fy27-q1");
        assert_eq!(
            super::pack_file_name("Northwind Mobile", "2026-Q3", "client"),
            "northwind-mobile-qbr-2026-q3-client.pdf"
        );
        assert_eq!(
            super::scorecard_file_name("2026-07-01..2026-09-30", "xlsx"),
            "scorecard-2026-07-01-2026-09-30.xlsx"
        );
        assert_eq!(
            super::chart_file_name("service_level", "svg"),
            "service-level-trend.svg"
        );
    }

    use std::path::{Path, PathBuf};

    use chrono::{DateTime, NaiveDate, Utc};
    use qbr_core::store::{FactKey, NewBatch};
    use qbr_core::{Dimension, Measure, Measures, Settings, Workspace};

    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T09:30:00Z")
            .unwrap()
            .into()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    /// One day, 2026-07-01: 100 handled in 60,000 s (AHT 600 s), 10 transferred; and a custom
    /// metric named like a spreadsheet formula, `=1+1`, over transferred / handled (0.1).
    fn workspace(dir: &Path) -> PathBuf {
        let path = dir.join("w.qbr");
        let mut ws = Workspace::create(&path, &Settings::default(), now()).unwrap();
        let mut tx = ws.write().unwrap();
        let batch = tx
            .new_batch(&NewBatch {
                kind: "demo".into(),
                file_name: "hand-made".into(),
                file_size: 0,
                sha256: "0".into(),
                preset: None,
                mapping: None,
                source_timezone: "UTC".into(),
                started_at: now(),
                app_version: "test".into(),
            })
            .unwrap();
        let key = FactKey {
            day: NaiveDate::from_ymd_opt(2026, 7, 1),
            monthly: false,
            members: vec![(Dimension::Program, "Care".into())],
        };
        let m = Measures::default()
            .with(Measure::Handled, 100.0)
            .with(Measure::HandleS, 60_000.0)
            .with(Measure::Transferred, 10.0);
        tx.insert_fact(batch, &key, &m).unwrap();
        tx.finish_batch(batch, 1, 1, 0, 0, now()).unwrap();
        tx.commit().unwrap();
        drop(ws);
        crate::metrics::add_metric_def(
            &path,
            &MetricDefInput {
                id: "xfer".into(),
                name: "=1+1".into(),
                formula: "transferred / handled".into(),
                unit: "ratio".into(),
                direction: "lower".into(),
            },
            now(),
        )
        .unwrap();
        path
    }

    #[test]
    fn scorecard_csv_has_the_report_numbers_and_defuses_formulas() {
        let dir = tempfile::tempdir().unwrap();
        let path = workspace(dir.path());
        let out = dir.path().join("card.csv");
        export_scorecard(&path, Some("2026-Q3"), &out, today()).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            HEADERS
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        let row = |id: &str| rows.iter().find(|r| &r[0] == id).unwrap().clone();
        let aht = row("aht");
        assert_eq!(&aht[3], "600", "60,000 s / 100 handled");
        assert_eq!((&aht[11], &aht[12]), ("60000", "100"));
        let x = row("xfer");
        assert_eq!(
            &x[1], "'=1+1",
            "a name read as a formula gets an apostrophe"
        );
        assert_eq!(&x[3], "0.1", "10 transferred / 100 handled");
        let sl = row("service_level");
        assert_eq!(&sl[3], "", "no contacts offered: missing, never 0");
        assert!(!sl[13].is_empty(), "and the reason is given beside it");
        assert!(
            !text.lines().any(|l| l.starts_with('=') || l.contains(",=")),
            "no cell starts a formula"
        );
    }

    #[test]
    fn scorecard_xlsx_reads_back_as_text_and_numbers() {
        use calamine::{open_workbook, Data, Reader, Xlsx};
        let dir = tempfile::tempdir().unwrap();
        let path = workspace(dir.path());
        let out = dir.path().join("card.xlsx");
        export_scorecard(&path, Some("2026-Q3"), &out, today()).unwrap();
        let mut book: Xlsx<_> = open_workbook(&out).unwrap();
        let range = book.worksheet_range("Scorecard 2026-Q3").unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        let row = |id: &str| {
            *rows
                .iter()
                .find(|r| r[0] == Data::String(id.into()))
                .unwrap()
        };
        assert_eq!(row("aht")[3], Data::Float(600.0));
        assert_eq!(row("xfer")[1], Data::String("'=1+1".into()));
        assert_eq!(row("xfer")[3], Data::Float(0.1));
        assert_eq!(row("service_level")[3], Data::Empty, "missing, never 0");
    }

    #[test]
    fn a_failed_write_leaves_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        // The target is an existing folder: the rename must fail after the bytes were written.
        let out = dir.path().join("taken.csv");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("inside"), b"keep").unwrap();
        assert!(write_atomically(&out, b"new bytes").is_err());
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, vec!["taken.csv"], "no temporary file is left behind");
        assert_eq!(std::fs::read(out.join("inside")).unwrap(), b"keep");

        // And a good write replaces an older file whole.
        let file = dir.path().join("card.csv");
        std::fs::write(&file, b"old").unwrap();
        write_atomically(&file, b"new").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
    }

    #[test]
    fn charts_export_as_svg_and_png_and_refuse_other_types() {
        let dir = tempfile::tempdir().unwrap();
        let path = workspace(dir.path());
        let svg = dir.path().join("aht.svg");
        export_chart(&path, "aht", Some("2026-Q3"), &svg, today()).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.starts_with("<svg") && text.contains("week by week"));
        let png = dir.path().join("aht.png");
        export_chart(&path, "aht", Some("2026-Q3"), &png, today()).unwrap();
        assert!(std::fs::read(&png)
            .unwrap()
            .starts_with(b"\x89PNG\r\n\x1a\n"));
        let gif = dir.path().join("aht.gif");
        let e = export_chart(&path, "aht", Some("2026-Q3"), &gif, today()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(!gif.exists());
    }
}
