//! The metric variants in force, stored as `variant_*` rows of the `setting` table, with every
//! change recorded in `setting_change` like any other setting.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{SettingChange, Workspace};
use crate::error::Result;
use crate::metrics::variant::{MetricVariants, KEYS};

impl Workspace {
    /// The variants in force; keys absent from the file take the catalog defaults.
    pub fn metric_variants(&self) -> Result<MetricVariants> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, value FROM setting WHERE key LIKE 'variant\\_%' ESCAPE '\\'",
        )?;
        let pairs: HashMap<String, String> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        MetricVariants::from_pairs(&pairs).map_err(|e| crate::Error::Corrupt(e.to_string()))
    }

    /// Stores `v`, recording each changed key with `now`. Returns what changed.
    pub fn set_metric_variants(
        &mut self,
        v: &MetricVariants,
        now: DateTime<Utc>,
    ) -> Result<Vec<SettingChange>> {
        v.validate()?;
        let pairs = v
            .to_pairs()
            .into_iter()
            .map(|(key, value)| {
                debug_assert!(KEYS.contains(&key));
                (key.to_string(), value)
            })
            .collect();
        self.write_setting_pairs(pairs, now)
    }
}
