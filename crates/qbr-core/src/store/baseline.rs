//! Aggregates straight from the raw contacts, for the benchmarks only: the yardstick the metrics
//! engine is measured against (the same sums a scorecard or a series needs, computed by decoding
//! every contact of the span, without facts).

use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap;

use super::contacts::each_block_between;
use super::Workspace;
use crate::error::Result;
use crate::model::Outcome;

/// The service threshold the benchmarks' channels use (voice, chat, email), by channel id.
fn threshold(channel: Option<i64>) -> f64 {
    match channel {
        Some(1) => 20.0,
        Some(2) => 60.0,
        Some(3) => 300.0,
        _ => 86_400.0,
    }
}

impl Workspace {
    /// The contact sums of a scorecard per program over `start..=end`, from raw contacts;
    /// returns the number of groups.
    #[doc(hidden)]
    pub fn baseline_interaction_sums_by_program(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<usize> {
        // offered, handled, abandoned, short abandoned, in threshold, waits, talk, handle,
        // csat responses, csat sum.
        let mut groups: FxHashMap<Option<i64>, [f64; 10]> = FxHashMap::default();
        each_block_between(&self.conn, start, end, |b| {
            for c in b.held() {
                let s = groups.entry(c.ids[1]).or_default();
                let handled = c.outcome()? == Outcome::Handled;
                let abandoned = c.outcome()? == Outcome::Abandoned;
                let wait = c.wait_s.unwrap_or(0.0);
                s[0] += (handled || abandoned) as u8 as f64;
                s[1] += handled as u8 as f64;
                s[2] += abandoned as u8 as f64;
                s[3] += (abandoned && wait <= 5.0) as u8 as f64;
                s[4] += (handled && wait <= threshold(c.ids[0])) as u8 as f64;
                if handled {
                    s[5] += wait;
                    s[6] += c.talk_s.unwrap_or(0.0);
                    s[7] += c.handle_s.unwrap_or(0.0);
                }
                if let Some(v) = c.csat {
                    s[8] += 1.0;
                    s[9] += v as f64;
                }
            }
            Ok(())
        })?;
        Ok(groups.len())
    }

    /// The service-level sums per ISO week over `start..=end`, from raw contacts; returns the
    /// number of weeks.
    #[doc(hidden)]
    pub fn baseline_interaction_weekly_service_level(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<usize> {
        let mut weeks: FxHashMap<(i32, u32), [u64; 3]> = FxHashMap::default();
        each_block_between(&self.conn, start, end, |b| {
            let week = b.day.iso_week();
            let s = weeks.entry((week.year(), week.week())).or_default();
            for c in b.held() {
                let handled = c.outcome()? == Outcome::Handled;
                let abandoned = c.outcome()? == Outcome::Abandoned;
                let wait = c.wait_s.unwrap_or(0.0);
                s[0] += (handled && wait <= threshold(c.ids[0])) as u64;
                s[1] += (handled || abandoned) as u64;
                s[2] += (abandoned && wait <= 5.0) as u64;
            }
            Ok(())
        })?;
        Ok(weeks.len())
    }
}
