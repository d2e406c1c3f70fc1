//! Aggregation queries for the metrics engine: sums of base measures over a date span, grouped by
//! any set of dimensions and cut into day or month slots, in one SQL statement per scope.
//!
//! Promises:
//! - Every value from the caller is a bound parameter; table and column names come only from the
//!   closed [`Dimension`] and [`Measure`] enums.
//! - A sum over rows that all leave a measure NULL is `None` ("not measured"), never 0.
//! - Rows of undone import batches are left out.
//! - Month-grain rows (dated the 1st) are returned only when the span covers their whole month;
//!   the engine decides again per series bucket, since monthly figures cannot be cut into weeks.

use chrono::{Datelike, Months, NaiveDate};
use rusqlite::{params_from_iter, types::Value};

use super::contacts::day_text;
use super::Workspace;
use crate::error::Result;
use crate::measure::{Dimension, Measure, Measures};

/// Member names of a group, in `group_by` order; `None` where the rows leave a dimension empty.
pub(crate) type MemberNames = Vec<Option<String>>;

/// How finely the time axis is kept in a query's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeSplit {
    /// One slot per day (series by day or week).
    Day,
    /// One slot per calendar month, dated the 1st (scorecards and monthly series).
    Month,
}

/// What to aggregate: a span of days, the dimensions to group by, and member filters. Filters on
/// the same dimension are alternatives (program = A or program = B); filters on different
/// dimensions must all hold.
#[derive(Debug, Clone)]
pub(crate) struct FactScope<'a> {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub group_by: &'a [Dimension],
    pub filters: &'a [(Dimension, String)],
    pub split: TimeSplit,
    /// The measures to sum; the others come back unmeasured (`None`). Summing only what the
    /// metrics asked for read is most of the cost of a query over many rows.
    pub measures: &'a [Measure],
    /// Split flow cells by queue too, so that coverage can name the queues that lack a
    /// measure (scorecards). Series, which name nothing, split by program only: a day × queue
    /// split multiplied their cells tenfold.
    pub by_queue: bool,
}

/// One group × time slot × grain of summed measures.
#[derive(Debug, Clone)]
pub(crate) struct FactCell {
    /// Member names in `group_by` order; `None` where the rows leave the dimension empty.
    pub key: Vec<Option<String>>,
    /// The day, or the 1st of the month under [`TimeSplit::Month`].
    pub slot: NaiveDate,
    /// True for month-grain rows (monthly finance, monthly headcount).
    pub monthly: bool,
    pub sums: Measures,
    /// Distinct days carrying a value of each stock (headcount, fte), so that a month's level is
    /// the mean over its days of the summed stock.
    pub stock_days: [u32; 2],
    /// The measures (of those asked for) every fact of the cell carries, as
    /// [`Measures::known`]: cells are split by it, so a measure is summed only over facts that
    /// have it.
    pub known: u64,
    /// The cell's program and queue, whatever the grouping: coverage is judged and named per
    /// program and queue.
    pub program: Option<String>,
    pub queue: Option<String>,
}

/// Repeat-contact resolution of handled contacts in one group × slot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResolutionCell {
    pub key: Vec<Option<String>>,
    pub slot: NaiveDate,
    pub resolved: u64,
    pub eligible: u64,
}

/// The stocks, in the order of [`FactCell::stock_days`].
pub(crate) const STOCKS: [Measure; 2] = [Measure::Headcount, Measure::Fte];

fn parse_day(s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The 1st-of-month dates whose whole month lies inside `start..=end`, as (first, last), or
/// `None` when no month fits.
fn whole_months(start: NaiveDate, end: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first = if start.day() == 1 {
        start
    } else {
        start.with_day(1)? + Months::new(1)
    };
    let after_end = end.succ_opt()?;
    let last = after_end.with_day(1)? - Months::new(1);
    (first <= last).then_some((first, last))
}

/// The member names `filters` keeps in dimension `d` (alternatives: any of them).
fn filtered(filters: &[(Dimension, String)], d: Dimension) -> Vec<&String> {
    filters
        .iter()
        .filter(|(fd, _)| *fd == d)
        .map(|(_, n)| n)
        .collect()
}

/// Appends `AND <col> IN (SELECT id FROM <table> WHERE name IN (?, ...))` per filtered dimension.
fn filter_sql(alias: &str, filters: &[(Dimension, String)], params: &mut Vec<Value>) -> String {
    let mut sql = String::new();
    for d in Dimension::ALL {
        let names = filtered(filters, d);
        if names.is_empty() {
            continue;
        }
        let marks: Vec<String> = names
            .iter()
            .map(|n| {
                params.push(Value::Text((*n).clone()));
                format!("?{}", params.len())
            })
            .collect();
        sql.push_str(&format!(
            " AND {alias}.{} IN (SELECT id FROM {} WHERE name IN ({}))",
            super::member_id_column(d),
            super::member_table(d),
            marks.join(", ")
        ));
    }
    sql
}

/// Outer select list and joins that turn grouped member ids back into names.
fn name_joins(group_by: &[Dimension]) -> (String, String) {
    let mut cols = String::new();
    let mut joins = String::new();
    for (i, d) in group_by.iter().enumerate() {
        cols.push_str(&format!("n{i}.name, "));
        joins.push_str(&format!(
            " LEFT JOIN {} n{i} ON n{i}.id = a.g{i}",
            super::member_table(*d)
        ));
    }
    (cols, joins)
}

const NOT_UNDONE: &str =
    "batch_id NOT IN (SELECT id FROM import_batch WHERE undone_at IS NOT NULL)";

/// `sum(m) AS m` for each measure asked for, `NULL AS m` for the others, in [`Measure::ALL`]
/// order so that the result's columns sit where the reader expects them.
fn measure_sums(wanted: &[Measure]) -> String {
    Measure::ALL
        .iter()
        .map(|m| {
            if wanted.contains(m) {
                format!("sum({0}) AS {0}", m.as_str())
            } else {
                format!("NULL AS {}", m.as_str())
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Distinct days carrying a value of `stock`, or 0 when the stock was not asked for.
fn stock_days(wanted: &[Measure], stock: Measure) -> String {
    if wanted.contains(&stock) {
        format!(
            "count(DISTINCT CASE WHEN f.{} IS NOT NULL THEN f.day END)",
            stock.as_str()
        )
    } else {
        "0".into()
    }
}

impl Workspace {
    /// Sums every base measure over `scope`, one cell per group × slot × grain.
    pub(crate) fn aggregate_facts(&self, scope: &FactScope<'_>) -> Result<Vec<FactCell>> {
        // Flows are split for coverage; stocks are levels averaged over the distinct days of a
        // group, so they are summed in a query of their own over the whole group.
        let (stocks, flows): (Vec<Measure>, Vec<Measure>) =
            scope.measures.iter().partition(|m| m.is_stock());
        let mut cells = self.aggregate_query(scope, &flows, true)?;
        if !stocks.is_empty() {
            cells.extend(
                self.aggregate_query(scope, &stocks, false)?
                    .into_iter()
                    .filter(|c| c.stock_days.iter().any(|d| *d > 0)),
            );
        }
        Ok(cells)
    }

    /// One aggregation query over `measures`; with `coverage`, cells are also split by the
    /// measures their facts carry and by program and queue.
    fn aggregate_query(
        &self,
        scope: &FactScope<'_>,
        measures: &[Measure],
        coverage: bool,
    ) -> Result<Vec<FactCell>> {
        let mut params: Vec<Value> = vec![
            Value::Text(day_text(scope.start)),
            Value::Text(day_text(scope.end)),
        ];
        // An empty month window (`?4 < ?3`) matches no month-grain row. Whole months lie inside
        // the span, so `day BETWEEN ?1 AND ?2` holds for every row taken and lets the day index
        // narrow the scan.
        let (m_first, m_last) = whole_months(scope.start, scope.end)
            .map(|(a, b)| (day_text(a), day_text(b)))
            .unwrap_or_else(|| ("9999-12-31".into(), "0000-01-01".into()));
        params.push(Value::Text(m_first));
        params.push(Value::Text(m_last));
        // The rollup answers whatever needs no team or agent, as long as it is up to date.
        let use_rollup = scope
            .group_by
            .iter()
            .chain(scope.filters.iter().map(|(d, _)| d))
            .all(|d| super::rollup::ROLLUP_DIMENSIONS.contains(d))
            && self.rollup_is_current()?;
        let (table, not_undone) = if use_rollup {
            ("fact_rollup", String::new())
        } else {
            ("fact", format!(" AND f.{NOT_UNDONE}"))
        };
        let filters = filter_sql("f", scope.filters, &mut params);
        let groups: String = scope
            .group_by
            .iter()
            .enumerate()
            .map(|(i, d)| format!("f.{} AS g{i}, ", super::member_id_column(*d)))
            .collect();
        let group_cols: String = (0..scope.group_by.len())
            .map(|i| format!("g{i}, "))
            .collect();
        let slot = match scope.split {
            TimeSplit::Day => "f.day",
            TimeSplit::Month => "substr(f.day, 1, 8) || '01'",
        };
        let (name_cols, joins) = name_joins(scope.group_by);
        let measure_cols: String = Measure::ALL
            .iter()
            .map(|m| format!("a.{}, ", m.as_str()))
            .collect();
        // Flows are split by the measures their facts carry and by program and queue, so the
        // engine sums a ratio's denominator only where its numerator is known (coverage). The
        // rollup keeps facts of different measures in different rows, so its NULLs say the
        // same as the facts'.
        let (known, cp, cq, split) = if coverage {
            (
                crate::measure::known_mask_sql("f.", measures),
                "f.program_id",
                if scope.by_queue { "f.queue_id" } else { "NULL" },
                if scope.by_queue {
                    ", known, cp_id, cq_id"
                } else {
                    ", known, cp_id"
                },
            )
        } else {
            ("0".to_string(), "NULL", "NULL", "")
        };
        let sql = format!(
            "SELECT {name_cols}a.slot, a.monthly, {measure_cols}a.hc_days, a.fte_days,
                    a.known, cp.name, cq.name FROM (
                 SELECT {groups}{slot} AS slot, f.grain = 'month' AS monthly, {sums},
                        {hc_days} AS hc_days, {fte_days} AS fte_days, {known} AS known,
                        {cp} AS cp_id, {cq} AS cq_id
                 FROM {table} f
                 WHERE f.day BETWEEN ?1 AND ?2
                   AND ((f.grain = 'day' AND f.day BETWEEN ?1 AND ?2)
                        OR (f.grain = 'month' AND f.day BETWEEN ?3 AND ?4)){not_undone}{filters}
                 GROUP BY {group_cols}slot, monthly{split}
             ) a{joins}
             LEFT JOIN program cp ON cp.id = a.cp_id
             LEFT JOIN queue cq ON cq.id = a.cq_id",
            sums = measure_sums(measures),
            hc_days = stock_days(measures, Measure::Headcount),
            fte_days = stock_days(measures, Measure::Fte),
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let n = scope.group_by.len();
        let rows = stmt.query_map(params_from_iter(params), |r| {
            let key = (0..n)
                .map(|i| r.get::<_, Option<String>>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let slot = parse_day(&r.get::<_, String>(n)?)?;
            let monthly: bool = r.get(n + 1)?;
            let mut sums = Measures::default();
            for (j, &m) in Measure::ALL.iter().enumerate() {
                if let Some(v) = r.get::<_, Option<f64>>(n + 2 + j)? {
                    sums.set(m, v);
                }
            }
            let base = n + 2 + Measure::COUNT;
            Ok(FactCell {
                key,
                slot,
                monthly,
                sums,
                stock_days: [r.get(base)?, r.get(base + 1)?],
                known: r.get::<_, i64>(base + 2)? as u64,
                program: r.get(base + 3)?,
                queue: r.get(base + 4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Per group of `scope`: the contacts offered whose service-level counts come from interval
    /// imports, counted by their source at its own threshold (a threshold change cannot reach
    /// them). Empty, without a query over the facts, when no such import exists.
    pub(crate) fn source_counted_offered(
        &self,
        scope: &FactScope<'_>,
    ) -> Result<Vec<(MemberNames, f64)>> {
        let batches: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT id FROM import_batch WHERE kind = 'intervals' AND undone_at IS NULL",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if batches.is_empty() {
            return Ok(Vec::new());
        }
        let mut params: Vec<Value> = vec![
            Value::Text(day_text(scope.start)),
            Value::Text(day_text(scope.end)),
        ];
        let marks: Vec<String> = batches
            .iter()
            .map(|b| {
                params.push(Value::Integer(*b));
                format!("?{}", params.len())
            })
            .collect();
        let filters = filter_sql("f", scope.filters, &mut params);
        let groups: String = scope
            .group_by
            .iter()
            .enumerate()
            .map(|(i, d)| format!("f.{} AS g{i}, ", super::member_id_column(*d)))
            .collect();
        let group_by: String = if scope.group_by.is_empty() {
            String::new()
        } else {
            let cols: Vec<String> = (0..scope.group_by.len()).map(|i| format!("g{i}")).collect();
            format!(" GROUP BY {}", cols.join(", "))
        };
        let (name_cols, joins) = name_joins(scope.group_by);
        let sql = format!(
            "SELECT {name_cols}a.offered FROM (
                 SELECT {groups}sum(f.offered) AS offered
                   FROM fact f
                  WHERE f.day BETWEEN ?1 AND ?2 AND f.grain = 'day'
                    AND f.batch_id IN ({marks}) AND f.answered_in_threshold IS NOT NULL{filters}{group_by}
             ) a{joins}",
            marks = marks.join(", "),
        );
        let n = scope.group_by.len();
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(params), |r| {
            let key = (0..n)
                .map(|i| r.get::<_, Option<String>>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok((key, r.get::<_, Option<f64>>(n)?.unwrap_or(0.0)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// First-contact resolution from repeat contacts: a handled contact with a customer key is
    /// resolved when the same customer has no other interaction (any channel, any outcome) within
    /// `window_days` after it. Contacts less than `window_days` before the last interaction in
    /// the workspace cannot be judged yet and are left out. Grouping, filters and slots as for
    /// [`Workspace::aggregate_facts`].
    pub(crate) fn repeat_contact_resolution(
        &self,
        scope: &FactScope<'_>,
        window_days: u32,
    ) -> Result<Vec<ResolutionCell>> {
        use super::contacts::{each_block_between, Names, CONTACT_DIMENSIONS};
        use crate::model::Outcome;

        let window_s = i64::from(window_days) * 86_400;
        let last: Option<i64> =
            self.conn
                .query_row("SELECT max(last_customer_at) FROM contact_block", [], |r| {
                    r.get(0)
                })?;
        let Some(last) = last else {
            return Ok(Vec::new());
        };
        let names = Names::load(&self.conn)?;
        let position = |d: Dimension| CONTACT_DIMENSIONS.iter().position(|x| *x == d);
        // Filters as member ids: alternatives within a dimension; every dimension must hold.
        let mut allowed: Vec<(usize, Vec<i64>)> = Vec::new();
        for d in Dimension::ALL {
            let wanted = filtered(scope.filters, d);
            if wanted.is_empty() {
                continue;
            }
            let Some(at) = position(d) else {
                return Ok(Vec::new());
            };
            let ids = wanted.iter().filter_map(|n| names.id(d, n)).collect();
            allowed.push((at, ids));
        }
        let group_at: Vec<Option<usize>> = scope.group_by.iter().map(|d| position(*d)).collect();

        /// A contact with a customer key: (customer, start, storage order, eligible group).
        type Seen = (u64, i64, (i64, u32), Option<u32>);
        let mut seen: Vec<Seen> = Vec::new();
        let mut groups: Vec<(Vec<Option<i64>>, NaiveDate)> = Vec::new();
        let mut group_index: rustc_hash::FxHashMap<(Vec<Option<i64>>, NaiveDate), u32> =
            Default::default();
        // A repeat starts at most `window_days` after the contact it follows, a day more for
        // time zones.
        let to = scope.end + chrono::Duration::days(i64::from(window_days) + 1);
        each_block_between(&self.conn, scope.start, to, |b| {
            let slot_day = match scope.split {
                TimeSplit::Day => b.day,
                TimeSplit::Month => b.day.with_day(1).unwrap_or(b.day),
            };
            for (i, c) in b.slots.iter().enumerate() {
                let Some(c) = c else { continue };
                let Some(customer) = &c.customer_key else {
                    continue;
                };
                let eligible = b.day <= scope.end
                    && c.outcome()? == Outcome::Handled
                    && c.started_at + window_s <= last
                    && allowed
                        .iter()
                        .all(|(at, ids)| c.ids[*at].is_some_and(|id| ids.contains(&id)));
                let group = if eligible {
                    let key: Vec<Option<i64>> = group_at
                        .iter()
                        .map(|at| at.and_then(|at| c.ids[at]))
                        .collect();
                    let next = groups.len() as u32;
                    let g = *group_index
                        .entry((key.clone(), slot_day))
                        .or_insert_with(|| {
                            groups.push((key, slot_day));
                            next
                        });
                    Some(g)
                } else {
                    None
                };
                seen.push((
                    xxhash_rust::xxh3::xxh3_64(customer.as_bytes()),
                    c.started_at,
                    (b.id.unwrap_or(0), i as u32),
                    group,
                ));
            }
            Ok(())
        })?;
        // Each contact's next interaction by the same customer, in time then storage order.
        seen.sort_unstable_by_key(|s| (s.0, s.1, s.2));
        let mut counts = vec![(0u64, 0u64); groups.len()];
        for (i, s) in seen.iter().enumerate() {
            let Some(g) = s.3 else { continue };
            let repeated = seen
                .get(i + 1)
                .is_some_and(|n| n.0 == s.0 && n.1 <= s.1 + window_s);
            let cell = &mut counts[g as usize];
            cell.1 += 1;
            if !repeated {
                cell.0 += 1;
            }
        }
        let mut cells: Vec<(Vec<Option<i64>>, ResolutionCell)> = groups
            .into_iter()
            .zip(counts)
            .map(|((ids, slot), (resolved, eligible))| {
                let key = scope
                    .group_by
                    .iter()
                    .zip(&ids)
                    .map(|(d, id)| names.name(*d, *id).map(str::to_string))
                    .collect();
                (
                    ids,
                    ResolutionCell {
                        key,
                        slot,
                        resolved,
                        eligible,
                    },
                )
            })
            .collect();
        cells.sort_by(|a, b| (&a.0, a.1.slot).cmp(&(&b.0, b.1.slot)));
        Ok(cells.into_iter().map(|(_, c)| c).collect())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::settings::Settings;
    use crate::store::{FactKey, NewBatch};

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T09:30:00Z")
            .unwrap()
            .into()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn batch(tx: &mut crate::store::WriteTx<'_>, kind: &str) -> i64 {
        tx.new_batch(&NewBatch {
            kind: kind.into(),
            file_name: format!("{kind}.csv"),
            file_size: 1,
            sha256: kind.into(),
            preset: None,
            mapping: None,
            source_timezone: "UTC".into(),
            started_at: now(),
            app_version: "test".into(),
        })
        .unwrap()
    }

    fn workspace(dir: &std::path::Path) -> Workspace {
        Workspace::create(&dir.join("q.qbr"), &Settings::default(), now()).unwrap()
    }

    #[test]
    fn whole_months_inside_a_span() {
        assert_eq!(
            whole_months(d("2026-07-01"), d("2026-09-30")),
            Some((d("2026-07-01"), d("2026-09-01")))
        );
        assert_eq!(
            whole_months(d("2026-07-15"), d("2026-09-29")),
            Some((d("2026-08-01"), d("2026-08-01"))),
            "only August lies wholly inside"
        );
        assert_eq!(whole_months(d("2026-07-27"), d("2026-08-02")), None);
    }

    #[test]
    fn sums_group_filter_and_keep_unmeasured_apart() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = workspace(dir.path());
        let mut tx = ws.write().unwrap();
        let b = batch(&mut tx, "intervals");
        let row = |day: &str, program: &str, site: Option<&str>, offered: f64| {
            let mut members = vec![(Dimension::Program, program.to_string())];
            if let Some(s) = site {
                members.push((Dimension::Site, s.to_string()));
            }
            (
                FactKey {
                    day: Some(d(day)),
                    monthly: false,
                    members,
                },
                Measures::default().with(Measure::Offered, offered),
            )
        };
        for (k, m) in [
            row("2026-07-01", "Billing", Some("Dublin"), 100.0),
            row("2026-07-02", "Billing", Some("Dublin"), 50.0),
            row("2026-07-02", "Billing", None, 7.0),
            row("2026-08-01", "Sales", Some("Dublin"), 30.0),
            row("2026-10-01", "Sales", Some("Dublin"), 999.0),
        ] {
            tx.insert_fact(b, &k, &m).unwrap();
        }
        // Headcount as a month-grain row: counted only in spans covering all of July.
        let hc = FactKey {
            day: Some(d("2026-07-01")),
            monthly: true,
            members: vec![(Dimension::Program, "Billing".into())],
        };
        tx.insert_fact(b, &hc, &Measures::default().with(Measure::Headcount, 12.0))
            .unwrap();
        tx.commit().unwrap();

        let group_by = [Dimension::Program, Dimension::Site];
        let mut cells = ws
            .aggregate_facts(&FactScope {
                start: d("2026-07-01"),
                end: d("2026-09-30"),
                group_by: &group_by,
                filters: &[],
                split: TimeSplit::Month,
                measures: Measure::ALL,
                by_queue: true,
            })
            .unwrap();
        // Flows and stocks come from queries of their own: the flow query's cell of the
        // headcount row carries no flow.
        cells.retain(|c| c.sums.iter().any(|(_, v)| v.is_some()));
        cells.sort_by(|a, b| (&a.key, a.slot, a.monthly).cmp(&(&b.key, b.slot, b.monthly)));
        let summary: Vec<_> = cells
            .iter()
            .map(|c| {
                (
                    c.key.clone(),
                    c.slot,
                    c.monthly,
                    c.sums.get(Measure::Offered),
                    c.sums.get(Measure::Headcount),
                    c.stock_days,
                )
            })
            .collect();
        let k = |p: &str, s: Option<&str>| vec![Some(p.to_string()), s.map(str::to_string)];
        assert_eq!(
            summary,
            vec![
                (
                    k("Billing", None),
                    d("2026-07-01"),
                    false,
                    Some(7.0),
                    None,
                    [0, 0]
                ),
                (
                    k("Billing", None),
                    d("2026-07-01"),
                    true,
                    None,
                    Some(12.0),
                    [1, 0]
                ),
                (
                    k("Billing", Some("Dublin")),
                    d("2026-07-01"),
                    false,
                    Some(150.0),
                    None,
                    [0, 0]
                ),
                (
                    k("Sales", Some("Dublin")),
                    d("2026-08-01"),
                    false,
                    Some(30.0),
                    None,
                    [0, 0]
                ),
            ],
            "July's two Billing/Dublin days sum into one month slot; the October row is outside"
        );

        let filters = [
            (Dimension::Site, "Dublin".to_string()),
            (Dimension::Program, "Sales".to_string()),
            (Dimension::Program, "Billing".to_string()),
        ];
        let cells = ws
            .aggregate_facts(&FactScope {
                start: d("2026-07-02"),
                end: d("2026-08-31"),
                group_by: &[],
                filters: &filters,
                split: TimeSplit::Day,
                measures: Measure::ALL,
                by_queue: true,
            })
            .unwrap();
        let total: f64 = cells
            .iter()
            .filter_map(|c| c.sums.get(Measure::Offered))
            .sum();
        assert_eq!(
            total, 80.0,
            "Dublin rows of either program from 2 July: 50 + 30; the site-less row is filtered out"
        );
        assert!(
            cells.iter().all(|c| !c.monthly),
            "July's headcount row is outside a span that starts on 2 July"
        );
    }

    #[test]
    fn repeat_contacts_judge_resolution() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws = workspace(dir.path());
        let mut tx = ws.write().unwrap();
        let b = batch(&mut tx, "interactions");
        let t0 = d("2026-07-01")
            .and_hms_opt(9, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp();
        let day_s = 86_400;
        // (key, customer, started_at, outcome)
        let rows: &[(&str, Option<&str>, i64, &str)] = &[
            ("a1", Some("alice"), t0, "handled"), // alice calls back on day 3: not resolved
            ("a2", Some("alice"), t0 + 3 * day_s, "abandoned"),
            ("b1", Some("bob"), t0, "handled"), // bob calls again after 8 days: resolved
            ("b2", Some("bob"), t0 + 8 * day_s, "handled"), // 8 days before the end: judged, resolved
            ("c1", None, t0, "handled"),                    // no customer key: cannot be judged
            ("d1", Some("dora"), t0 + 10 * day_s, "handled"), // last 7 days of data: left out
            ("e1", Some("eve"), t0 + 16 * day_s, "handled"), // the last interaction
        ];
        for (key, customer, at, outcome) in rows {
            let day = DateTime::from_timestamp(*at, 0).unwrap().date_naive();
            let outcome = crate::model::Outcome::parse(outcome).unwrap();
            tx.test_contact(b, key, *at, day, None, *customer, outcome);
        }
        tx.commit().unwrap();
        let cells = ws
            .repeat_contact_resolution(
                &FactScope {
                    start: d("2026-07-01"),
                    end: d("2026-07-31"),
                    group_by: &[],
                    filters: &[],
                    split: TimeSplit::Month,
                    measures: Measure::ALL,
                    by_queue: true,
                },
                7,
            )
            .unwrap();
        assert_eq!(
            cells,
            vec![ResolutionCell {
                key: vec![],
                slot: d("2026-07-01"),
                resolved: 2,
                eligible: 3,
            }],
            "a1 repeated within 7 days; b1 and b2 did not; c1 has no customer; d1 and e1 are too recent"
        );
    }
}
