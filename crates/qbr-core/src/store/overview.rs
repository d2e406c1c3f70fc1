//! What a workspace holds at a glance: data range, row counts and import history.

use rusqlite::params;

use super::Workspace;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRange {
    pub first_day: String,
    pub last_day: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowCounts {
    pub interactions: u64,
    pub facts: u64,
    pub programs: u64,
    pub queues: u64,
    pub sites: u64,
    pub agents: u64,
    pub targets: u64,
    pub root_causes: u64,
    pub actions: u64,
    pub imports: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSummary {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub preset: Option<String>,
    pub rows_read: u64,
    pub rows_taken: u64,
    pub rows_refused: u64,
    pub rows_duplicate: u64,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub started_at: String,
    pub undone: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub format_version: i64,
    pub data_range: Option<DataRange>,
    pub counts: RowCounts,
    pub imports: Vec<BatchSummary>,
    /// Contacts offered per day over the whole range, for a sparkline.
    pub daily_offered: Vec<(String, u64)>,
}

impl Workspace {
    /// Whether a member of `d` is named `name` (as imports spelled it).
    pub fn member_exists(&self, d: crate::measure::Dimension, name: &str) -> Result<bool> {
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM {} WHERE name = ?1)",
            super::member_table(d)
        );
        Ok(self.conn.query_row(&sql, params![name], |r| r.get(0))?)
    }

    /// The names of `d`'s members, sorted, at most `limit` of them: what a scope picker offers.
    pub fn members(&self, d: crate::measure::Dimension, limit: usize) -> Result<Vec<String>> {
        // `table` is member_table(d): a name from the closed `Dimension` enum.
        let table = super::member_table(d);
        let sql = format!("SELECT name FROM {table} ORDER BY name LIMIT ?1");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![limit as i64], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Refuses filters naming a member the workspace does not have ("no queue named …"), so a
    /// typo reads as one rather than as an empty chart.
    pub fn check_members(&self, filters: &[(crate::measure::Dimension, String)]) -> Result<()> {
        for (d, name) in filters {
            if !self.member_exists(*d, name)? {
                return Err(crate::error::Error::InvalidSetting {
                    field: "filter".into(),
                    message: format!(
                        "there is no {} named {name:?} in this workspace",
                        d.as_str()
                    ),
                });
            }
        }
        Ok(())
    }

    /// The first and last day with data (facts of imports not undone), or `None` for an empty
    /// workspace. Read from the rollup's day index when it is current.
    pub fn data_span(&self) -> Result<Option<(chrono::NaiveDate, chrono::NaiveDate)>> {
        let sql = if self.rollup_is_current()? {
            "SELECT min(day), max(day) FROM fact_rollup"
        } else {
            "SELECT min(day), max(day) FROM fact
              WHERE batch_id NOT IN (SELECT id FROM import_batch WHERE undone_at IS NOT NULL)"
        };
        let (first, last): (Option<String>, Option<String>) =
            self.conn
                .query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let parse = |s: Option<String>| {
            s.and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
        };
        Ok(parse(first).zip(parse(last)))
    }

    /// The first and last day of any fact or contact, as [`Overview::data_range`] gives it, without
    /// the counts the rest of the overview reads (a scorecard needs only this, on every switch).
    pub fn data_range(&self) -> Result<Option<DataRange>> {
        Ok(self.conn.query_row(
            "SELECT min(d), max(d) FROM (SELECT min(day) AS d FROM fact UNION ALL SELECT max(day) FROM fact
                                         UNION ALL SELECT min(day) FROM contact_block UNION ALL SELECT max(day) FROM contact_block)",
            [],
            |r| {
                let first: Option<String> = r.get(0)?;
                let last: Option<String> = r.get(1)?;
                Ok(first.zip(last).map(|(first_day, last_day)| DataRange { first_day, last_day }))
            },
        )?)
    }

    /// Everything the summary page and `qbr info` show.
    pub fn overview(&self) -> Result<Overview> {
        let count = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        let counts = RowCounts {
            interactions: count("SELECT coalesce(sum(contacts), 0) FROM contact_block")?,
            facts: count("SELECT count(*) FROM fact")?,
            programs: count("SELECT count(*) FROM program")?,
            queues: count("SELECT count(*) FROM queue")?,
            sites: count("SELECT count(*) FROM site")?,
            agents: count("SELECT count(*) FROM agent")?,
            targets: count("SELECT count(*) FROM target")?,
            root_causes: count("SELECT count(*) FROM root_cause WHERE deleted_at IS NULL")?,
            actions: count("SELECT count(*) FROM action WHERE deleted_at IS NULL")?,
            imports: count("SELECT count(*) FROM import_batch WHERE undone_at IS NULL")?,
        };
        let data_range = self.data_range()?;
        let mut stmt = self.conn.prepare(
            "SELECT id, kind, file_name, sha256, preset, rows_read, rows_taken, rows_refused, rows_duplicate,
                    first_day, last_day, started_at, undone_at IS NOT NULL
             FROM import_batch ORDER BY id",
        )?;
        let imports = stmt
            .query_map(params![], |r| {
                Ok(BatchSummary {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    file_name: r.get(2)?,
                    sha256: r.get(3)?,
                    preset: r.get(4)?,
                    rows_read: r.get::<_, i64>(5)? as u64,
                    rows_taken: r.get::<_, i64>(6)? as u64,
                    rows_refused: r.get::<_, i64>(7)? as u64,
                    rows_duplicate: r.get::<_, i64>(8)? as u64,
                    first_day: r.get(9)?,
                    last_day: r.get(10)?,
                    started_at: r.get(11)?,
                    undone: r.get(12)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT day, sum(offered) FROM fact WHERE grain = 'day' AND offered IS NOT NULL
             GROUP BY day ORDER BY day",
        )?;
        let daily_offered = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Overview {
            format_version: self.format_version()?,
            data_range,
            counts,
            imports,
            daily_offered,
        })
    }
}
