//! Plain SQL aggregates over the raw `interaction` rows, for the benchmarks only: the yardstick
//! the metrics engine is measured against (the same sums a scorecard or a series needs, computed
//! straight from the contacts with one GROUP BY, without facts).

use chrono::NaiveDate;

use super::Workspace;
use crate::error::Result;

const CONTACT_SUMS: &str = "
    sum(outcome IN ('handled', 'abandoned')) AS offered,
    sum(outcome = 'handled') AS handled,
    sum(outcome = 'abandoned') AS abandoned,
    sum(outcome = 'abandoned' AND wait_s <= 5) AS short_abandoned,
    sum(outcome = 'handled' AND wait_s <= CASE channel_id WHEN 1 THEN 20 WHEN 2 THEN 60
                                          WHEN 3 THEN 300 ELSE 86400 END) AS in_threshold,
    sum(CASE WHEN outcome = 'handled' THEN wait_s END) AS answer_wait_s,
    sum(CASE WHEN outcome = 'handled' THEN talk_s END) AS talk_s,
    sum(CASE WHEN outcome = 'handled' THEN hold_s END) AS hold_s,
    sum(CASE WHEN outcome = 'handled' THEN wrap_s END) AS wrap_s,
    sum(CASE WHEN outcome = 'handled' THEN handle_s END) AS handle_s,
    sum(outcome = 'handled' AND transferred) AS transferred,
    sum(outcome = 'handled' AND resolved) AS fcr_resolved,
    sum(outcome = 'handled' AND resolved IS NOT NULL) AS fcr_eligible,
    count(csat) AS csat_responses, sum(csat >= 4) AS csat_satisfied, sum(csat) AS csat_sum,
    count(nps) AS nps_responses, sum(nps >= 9) AS nps_promoters, sum(nps <= 6) AS nps_detractors,
    count(ces) AS ces_responses, sum(ces) AS ces_sum";

impl Workspace {
    /// The contact sums of a scorecard per program over `start..=end`, from raw interactions;
    /// returns the number of groups.
    #[doc(hidden)]
    pub fn baseline_interaction_sums_by_program(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<usize> {
        let sql = format!(
            "SELECT program_id, {CONTACT_SUMS} FROM interaction
             WHERE day BETWEEN ?1 AND ?2 GROUP BY program_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([start.to_string(), end.to_string()], |r| {
            r.get::<_, Option<i64>>(0)
        })?;
        Ok(rows.count())
    }

    /// The service-level sums per ISO week over `start..=end`, from raw interactions; returns
    /// the number of weeks.
    #[doc(hidden)]
    pub fn baseline_interaction_weekly_service_level(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<usize> {
        let sql = "SELECT strftime('%Y-%W', day) AS week,
                    sum(outcome = 'handled' AND wait_s <= CASE channel_id WHEN 1 THEN 20
                        WHEN 2 THEN 60 WHEN 3 THEN 300 ELSE 86400 END),
                    sum(outcome IN ('handled', 'abandoned')),
                    sum(outcome = 'abandoned' AND wait_s <= 5)
             FROM interaction WHERE day BETWEEN ?1 AND ?2 GROUP BY week";
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([start.to_string(), end.to_string()], |r| {
            r.get::<_, String>(0)
        })?;
        Ok(rows.count())
    }
}
