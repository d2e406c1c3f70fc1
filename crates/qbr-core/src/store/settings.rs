//! Settings as key/value rows, with a history of every change.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{timestamp, Workspace};
use crate::error::{Error, Result};
use crate::settings::{parse_currency, parse_timezone, Channel, Settings};

/// One recorded change of one setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingChange {
    pub key: String,
    pub old_value: Option<String>,
    pub new_value: String,
    pub changed_at: String,
}

fn to_pairs(s: &Settings) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("client_name".to_string(), s.client_name.clone()),
        ("timezone".to_string(), s.timezone.name().to_string()),
        (
            "fiscal_year_start_month".to_string(),
            s.fiscal_year_start_month.to_string(),
        ),
        ("currency".to_string(), s.currency.clone()),
        ("short_abandon_s".to_string(), s.short_abandon_s.to_string()),
    ];
    for c in Channel::ALL {
        pairs.push((format!("threshold_{c}_s"), s.thresholds.get(c).to_string()));
    }
    pairs
}

pub(super) fn write_initial(conn: &Connection, s: &Settings, now: DateTime<Utc>) -> Result<()> {
    let at = timestamp(now);
    for (key, value) in to_pairs(s) {
        conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
        conn.execute(
            "INSERT INTO setting_change (key, old_value, new_value, changed_at) VALUES (?1, NULL, ?2, ?3)",
            params![key, value, at],
        )?;
    }
    Ok(())
}

fn corrupt(key: &str, value: &str) -> Error {
    Error::Corrupt(format!("setting {key} has an unreadable value {value:?}"))
}

impl Workspace {
    /// The workspace's settings. Keys missing from an older file take their defaults.
    pub fn settings(&self) -> Result<Settings> {
        let mut s = Settings::default();
        let mut stmt = self.conn.prepare("SELECT key, value FROM setting")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (key, value) = row?;
            let num = || value.parse::<u32>().map_err(|_| corrupt(&key, &value));
            match key.as_str() {
                "client_name" => s.client_name = value.clone(),
                "timezone" => {
                    s.timezone = parse_timezone(&value).map_err(|_| corrupt(&key, &value))?
                }
                "fiscal_year_start_month" => s.fiscal_year_start_month = num()?,
                "currency" => {
                    s.currency = parse_currency(&value).map_err(|_| corrupt(&key, &value))?
                }
                "short_abandon_s" => s.short_abandon_s = num()?,
                other => {
                    if let Some(c) = Channel::ALL
                        .into_iter()
                        .find(|c| other == format!("threshold_{c}_s"))
                    {
                        s.thresholds.set(c, num()?);
                    }
                    // Unknown keys belong to newer features of the same format; keep them untouched.
                }
            }
        }
        Ok(s)
    }

    /// Replaces the settings, recording each changed key with `now`. Returns what changed.
    pub fn update_settings(
        &mut self,
        new: &Settings,
        now: DateTime<Utc>,
    ) -> Result<Vec<SettingChange>> {
        new.validate()?;
        self.write_setting_pairs(to_pairs(new), now)
    }

    /// Writes key/value settings in one transaction, recording each key whose value changes
    /// with `now`. Unchanged keys record nothing. Returns what changed.
    pub(crate) fn write_setting_pairs(
        &mut self,
        pairs: Vec<(String, String)>,
        now: DateTime<Utc>,
    ) -> Result<Vec<SettingChange>> {
        let at = timestamp(now);
        let tx = self.write()?;
        let mut changes = Vec::new();
        for (key, value) in pairs {
            let old: Option<String> = tx
                .conn()
                .query_row("SELECT value FROM setting WHERE key = ?1", [&key], |r| {
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
                key,
                old_value: old,
                new_value: value,
                changed_at: at.clone(),
            });
        }
        tx.commit()?;
        Ok(changes)
    }

    /// Every recorded settings change, oldest first.
    pub fn settings_history(&self) -> Result<Vec<SettingChange>> {
        let mut stmt = self.conn.prepare(
            "SELECT key, old_value, new_value, changed_at FROM setting_change ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SettingChange {
                key: r.get(0)?,
                old_value: r.get(1)?,
                new_value: r.get(2)?,
                changed_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
