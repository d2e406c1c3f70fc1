//! The metric variants in force, stored as `variant_*` rows of the `setting` table, with every
//! change recorded in `setting_change` like any other setting.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::{timestamp, SettingChange, Workspace};
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
        let at = timestamp(now);
        let tx = self.write()?;
        let mut changes = Vec::new();
        for (key, value) in v.to_pairs() {
            debug_assert!(KEYS.contains(&key));
            let old: Option<String> = tx
                .conn()
                .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?;
            if old.as_deref() == Some(value.as_str()) {
                continue;
            }
            tx.conn().execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            tx.conn().execute(
                "INSERT INTO setting_change (key, old_value, new_value, changed_at) VALUES (?1, ?2, ?3, ?4)",
                params![key, old, value, at],
            )?;
            changes.push(SettingChange {
                key: key.to_string(),
                old_value: old,
                new_value: value,
                changed_at: at.clone(),
            });
        }
        tx.commit()?;
        Ok(changes)
    }
}
