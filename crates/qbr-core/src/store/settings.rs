//! Settings as key/value rows, with a history of every change.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{timestamp, Workspace};
use crate::error::{Error, Result};
use crate::settings::{parse_currency, parse_locale, parse_timezone, Channel, Settings};

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
        ("locale".to_string(), s.locale.clone()),
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
                "locale" => s.locale = parse_locale(&value).map_err(|_| corrupt(&key, &value))?,
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

    /// Replaces the settings, recording each changed key with `now`, and recomputes the days a
    /// threshold change touches ([`Workspace::change_settings`]). Returns what changed.
    pub fn update_settings(
        &mut self,
        new: &Settings,
        now: DateTime<Utc>,
    ) -> Result<Vec<SettingChange>> {
        Ok(self.change_settings(new, now, &mut |_, _| true)?.changes)
    }

    /// Replaces the settings as [`Workspace::update_settings`] does and, when a service
    /// threshold or the short-abandon threshold changes, recomputes every interactions day it
    /// touches from the stored contacts, in the same transaction: a failure or a cancel leaves
    /// settings and figures as they were, and changing the setting back gives the figures back
    /// exactly. `progress(done, total)` is called per (import, day) and returns false to cancel.
    /// Interval files cannot be recomputed (their source counted at its own threshold): they
    /// are named in the result.
    pub fn change_settings(
        &mut self,
        new: &Settings,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<SettingsChanged> {
        new.validate()?;
        let old = self.settings()?;
        let short_changed = old.short_abandon_s != new.short_abandon_s;
        let channels: Vec<Channel> = Channel::ALL
            .into_iter()
            .filter(|c| old.thresholds.get(*c) != new.thresholds.get(*c))
            .collect();
        let mut tx = self.write()?;
        let changes = record_setting_pairs(tx.conn(), to_pairs(new), &timestamp(now))?;
        let mut out = SettingsChanged {
            changes,
            days_recomputed: 0,
            kept_by_source: Vec::new(),
        };
        if short_changed || !channels.is_empty() {
            let _span = tracing::info_span!(
                "recompute",
                short_abandon = short_changed,
                channels = channels.len()
            )
            .entered();
            let started = std::time::Instant::now();
            let affected = affected_days(tx.conn(), short_changed, &channels)?;
            let total = affected.len();
            super::import::recompute_with(&mut tx, new, &affected, &mut |done| {
                progress(done, total)
            })?;
            progress(total, total);
            out.days_recomputed = total;
            out.kept_by_source = source_counted_files(tx.conn())?;
            tracing::info!(
                days = total,
                kept_by_source = out.kept_by_source.len(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "threshold change recomputed"
            );
        }
        tx.commit()?;
        Ok(out)
    }

    /// Writes key/value settings in one transaction, recording each key whose value changes
    /// with `now`. Unchanged keys record nothing. Returns what changed.
    pub(crate) fn write_setting_pairs(
        &mut self,
        pairs: Vec<(String, String)>,
        now: DateTime<Utc>,
    ) -> Result<Vec<SettingChange>> {
        let tx = self.write()?;
        let changes = record_setting_pairs(tx.conn(), pairs, &timestamp(now))?;
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

/// What [`Workspace::change_settings`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsChanged {
    pub changes: Vec<SettingChange>,
    /// (import, day) pairs whose contact facts were recomputed from the stored contacts.
    pub days_recomputed: usize,
    /// Interval files whose service-level counts keep their source's threshold, as
    /// `name (import N)`.
    pub kept_by_source: Vec<String>,
}

/// Records each key whose value changes; unchanged keys record nothing.
fn record_setting_pairs(
    conn: &Connection,
    pairs: Vec<(String, String)>,
    at: &str,
) -> Result<Vec<SettingChange>> {
    let mut changes = Vec::new();
    for (key, value) in pairs {
        let old: Option<String> = conn
            .query_row("SELECT value FROM setting WHERE key = ?1", [&key], |r| {
                r.get(0)
            })
            .optional()?;
        if old.as_deref() == Some(value.as_str()) {
            continue;
        }
        conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        conn.execute(
            "INSERT INTO setting_change (key, old_value, new_value, changed_at) VALUES (?1, ?2, ?3, ?4)",
            params![key, old, value, at],
        )?;
        changes.push(SettingChange {
            key,
            old_value: old,
            new_value: value,
            changed_at: at.to_string(),
        });
    }
    Ok(changes)
}

/// The (import, day) pairs of interactions imports (not undone) whose contact facts a
/// threshold change touches: every day holding contacts when the short-abandon threshold
/// changed, else the days with contacts of a changed channel.
fn affected_days(
    conn: &Connection,
    all: bool,
    channels: &[Channel],
) -> Result<std::collections::BTreeSet<(i64, String)>> {
    let mut out = std::collections::BTreeSet::new();
    let live = "b.kind = 'interactions' AND b.undone_at IS NULL";
    if all {
        let mut stmt = conn.prepare(&format!(
            "SELECT DISTINCT c.batch_id, c.day FROM contact_block c
               JOIN import_batch b ON b.id = c.batch_id WHERE {live}"
        ))?;
        for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
            out.insert(row?);
        }
        return Ok(out);
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT DISTINCT f.batch_id, f.day FROM fact f
           JOIN import_batch b ON b.id = f.batch_id
           JOIN channel ch ON ch.id = f.channel_id
          WHERE {live} AND ch.name = ?1"
    ))?;
    for c in channels {
        for row in stmt.query_map([c.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))? {
            out.insert(row?);
        }
    }
    Ok(out)
}

/// Interval imports (not undone) that carry service-level counts, as `name (import N)`.
fn source_counted_files(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT b.id, b.file_name FROM import_batch b
          WHERE b.kind = 'intervals' AND b.undone_at IS NULL
            AND EXISTS (SELECT 1 FROM fact f WHERE f.batch_id = b.id
                          AND f.answered_in_threshold IS NOT NULL)
          ORDER BY b.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(format!(
            "{} (import {})",
            r.get::<_, String>(1)?,
            r.get::<_, i64>(0)?
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
