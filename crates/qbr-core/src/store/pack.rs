//! Pack templates, export snapshots, the fingerprint of a pack's inputs and agent pseudonyms.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Params, Row};
use sha2::{Digest, Sha256};

use super::causes::{corrupt, date, read_error};
use super::{timestamp, Workspace};
use crate::error::{Error, Result};
use crate::measure::Measure;
use crate::pack::{Audience, Fingerprint, LogoFormat, NewSnapshot, PackTemplate, Snapshot};

/// Feeds every row of `sql` into `h`, each value tagged with its type, so that `NULL`, `''`, `0`
/// and `'0'` all hash differently and a row boundary cannot be forged by a value.
fn hash_rows<P: Params>(conn: &Connection, h: &mut Sha256, sql: &str, p: P) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query(p)?;
    while let Some(row) = rows.next()? {
        h.update(b"R");
        for i in 0..columns {
            match row.get_ref(i)? {
                ValueRef::Null => h.update(b"N"),
                ValueRef::Integer(v) => {
                    h.update(b"I");
                    h.update(v.to_le_bytes());
                }
                ValueRef::Real(v) => {
                    h.update(b"F");
                    h.update(v.to_bits().to_le_bytes());
                }
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    h.update(b"T");
                    h.update((t.len() as u64).to_le_bytes());
                    h.update(t);
                }
            }
        }
    }
    h.update(b"E");
    Ok(())
}

fn hex(h: Sha256) -> String {
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

const SNAPSHOT_COLUMNS: &str = "id, created_at, period_label, audience, template_name, definition,
    document, fp_facts, fp_annotations, fp_definitions, facts_from, facts_to, app_version,
    file_name, pdf_sha256, pages";

fn row_snapshot(r: &Row) -> rusqlite::Result<Snapshot> {
    let audience: String = r.get(3)?;
    Ok(Snapshot {
        id: r.get(0)?,
        created_at: r.get(1)?,
        snapshot: NewSnapshot {
            period_label: r.get(2)?,
            audience: audience
                .parse::<Audience>()
                .map_err(|_| corrupt("audience", &audience))?,
            template_name: r.get(4)?,
            definition: r.get(5)?,
            document: r.get(6)?,
            fingerprint: Fingerprint {
                facts: r.get(7)?,
                annotations: r.get(8)?,
                definitions: r.get(9)?,
                facts_from: date(&r.get::<_, String>(10)?)?,
                facts_to: date(&r.get::<_, String>(11)?)?,
                app_version: r.get(12)?,
            },
            file_name: r.get(13)?,
            pdf_sha256: r.get(14)?,
            pages: r.get(15)?,
        },
    })
}

fn row_template(r: &Row) -> rusqlite::Result<PackTemplate> {
    let logo: Option<Vec<u8>> = r.get(2)?;
    let format: Option<String> = r.get(3)?;
    let logo = match (logo, format) {
        (Some(bytes), Some(f)) => Some((
            bytes,
            f.parse::<LogoFormat>()
                .map_err(|_| corrupt("logo format", &f))?,
        )),
        _ => None,
    };
    Ok(PackTemplate {
        name: r.get(0)?,
        definition: r.get(1)?,
        logo,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

/// (agent id, name, pseudonym, whether the pseudonym is new) for every agent, in id order: the
/// stored pseudonym, or the next free "Agent NN" (NN as wide as the agent count, at least two
/// digits) for one that has none.
fn pseudonyms(conn: &Connection) -> Result<Vec<(i64, String, String, bool)>> {
    let agents: Vec<(i64, String, Option<String>)> = conn
        .prepare("SELECT id, name, pseudonym FROM agent ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let width = agents.len().to_string().len().max(2);
    let mut taken: std::collections::HashSet<String> =
        agents.iter().filter_map(|a| a.2.clone()).collect();
    let mut next = taken.len();
    let mut out = Vec::with_capacity(agents.len());
    for (id, name, pseudonym) in agents {
        match pseudonym {
            Some(p) => out.push((id, name, p, false)),
            None => loop {
                next += 1;
                let p = format!("Agent {next:0width$}");
                if taken.insert(p.clone()) {
                    out.push((id, name, p, true));
                    break;
                }
            },
        }
    }
    Ok(out)
}

/// The setting that holds the metrics a client pack may show.
const CLIENT_METRICS_KEY: &str = "pack_client_metrics";

impl Workspace {
    /// The fingerprint of a pack's inputs today: the facts of `from..=to` (every measure, per
    /// import and grain, undone imports left out as the metrics leave them out), the causes whose
    /// period touches those days and every action with its causes and notes (deleted ones
    /// included, so a delete or a restore shows), and the definitions every number depends on.
    pub fn pack_fingerprint(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        app_version: &str,
    ) -> Result<Fingerprint> {
        let sums: String = Measure::ALL
            .iter()
            .map(|m| format!(", count({0}), total({0})", m.as_str()))
            .collect();
        let mut facts = Sha256::new();
        hash_rows(
            &self.conn,
            &mut facts,
            &format!(
                "SELECT batch_id, grain, count(*), min(day), max(day){sums} FROM fact
                 WHERE day BETWEEN ?1 AND ?2
                   AND batch_id NOT IN (SELECT id FROM import_batch WHERE undone_at IS NOT NULL)
                 GROUP BY batch_id, grain ORDER BY batch_id, grain"
            ),
            params![ymd(from), ymd(to)],
        )?;

        let mut notes = Sha256::new();
        hash_rows(
            &self.conn,
            &mut notes,
            "SELECT id, category, title, description, evidence, author, visibility,
                    scope_dimension, scope_value, period_from, period_to, updated_at, deleted_at
             FROM root_cause WHERE period_from <= ?2 AND period_to >= ?1 ORDER BY id",
            params![ymd(from), ymd(to)],
        )?;
        hash_rows(
            &self.conn,
            &mut notes,
            "SELECT m.cause_id, m.metric_id FROM root_cause_metric m
             JOIN root_cause c ON c.id = m.cause_id
             WHERE c.period_from <= ?2 AND c.period_to >= ?1 ORDER BY m.cause_id, m.metric_id",
            params![ymd(from), ymd(to)],
        )?;
        hash_rows(
            &self.conn,
            &mut notes,
            "SELECT id, title, description, owner, start_date, due_date, completed_on, status,
                    metric_id, scope_dimension, scope_value, expected_kind, expected_value, cost,
                    updated_at, deleted_at
             FROM action ORDER BY id",
            [],
        )?;
        hash_rows(
            &self.conn,
            &mut notes,
            "SELECT action_id, cause_id FROM action_cause ORDER BY action_id, cause_id",
            [],
        )?;
        hash_rows(
            &self.conn,
            &mut notes,
            "SELECT id, action_id, noted_on, text FROM action_note ORDER BY id",
            [],
        )?;

        let mut defs = Sha256::new();
        hash_rows(
            &self.conn,
            &mut defs,
            "SELECT key, value FROM setting ORDER BY key",
            [],
        )?;
        hash_rows(
            &self.conn,
            &mut defs,
            "SELECT id, metric_id, scope_dimension, scope_value, direction, value, value_high,
                    tolerance, effective_from, effective_to
             FROM target ORDER BY id",
            [],
        )?;
        hash_rows(
            &self.conn,
            &mut defs,
            "SELECT id, name, formula, unit, direction FROM custom_metric ORDER BY id",
            [],
        )?;

        Ok(Fingerprint {
            facts_from: from,
            facts_to: to,
            facts: hex(facts),
            annotations: hex(notes),
            definitions: hex(defs),
            app_version: app_version.to_string(),
        })
    }

    /// The metrics a client pack may show, as chosen for this workspace, or `None` when nobody
    /// chose (the pack then applies its default rule). Kept as a setting (`pack_client_metrics`,
    /// ids separated by commas), so a change is in the settings history and in the fingerprint.
    pub fn pack_client_metrics(&self) -> Result<Option<Vec<String>>> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM setting WHERE key = ?1",
                [CLIENT_METRICS_KEY],
                |r| r.get(0),
            )
            .optional()?;
        Ok(v.filter(|v| v != "default").map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        }))
    }

    /// Chooses the metrics a client pack may show (`None`: back to the default rule), recorded
    /// with `now` in the settings history.
    pub fn set_pack_client_metrics(
        &mut self,
        metrics: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let value = match metrics {
            Some(m) => m.join(","),
            None => "default".to_string(),
        };
        self.write_setting_pairs(vec![(CLIENT_METRICS_KEY.to_string(), value)], now)?;
        Ok(())
    }

    /// Stores a snapshot of an export and returns its id.
    pub fn add_pack_snapshot(&mut self, s: &NewSnapshot, now: DateTime<Utc>) -> Result<i64> {
        let tx = self.write()?;
        if s.audience == Audience::Client {
            // The stand-ins the document used, given for good with the export that first used them.
            for (id, _, pseudonym, new) in pseudonyms(tx.conn())? {
                if new {
                    tx.conn().execute(
                        "UPDATE agent SET pseudonym = ?2 WHERE id = ?1",
                        params![id, pseudonym],
                    )?;
                }
            }
        }
        let f = &s.fingerprint;
        tx.conn().execute(
            "INSERT INTO pack_snapshot (created_at, period_label, audience, template_name,
                 definition, document, fp_facts, fp_annotations, fp_definitions, facts_from,
                 facts_to, app_version, file_name, pdf_sha256, pages)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                timestamp(now),
                s.period_label,
                s.audience.as_str(),
                s.template_name,
                s.definition,
                s.document,
                f.facts,
                f.annotations,
                f.definitions,
                ymd(f.facts_from),
                ymd(f.facts_to),
                f.app_version,
                s.file_name,
                s.pdf_sha256,
                s.pages,
            ],
        )?;
        let id = tx.conn().last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Every snapshot, newest first.
    pub fn pack_snapshots(&self) -> Result<Vec<Snapshot>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SNAPSHOT_COLUMNS} FROM pack_snapshot ORDER BY id DESC"
        ))?;
        let rows = stmt
            .query_map([], row_snapshot)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(read_error)?;
        Ok(rows)
    }

    pub fn pack_snapshot(&self, id: i64) -> Result<Option<Snapshot>> {
        self.conn
            .query_row(
                &format!("SELECT {SNAPSHOT_COLUMNS} FROM pack_snapshot WHERE id = ?1"),
                [id],
                row_snapshot,
            )
            .optional()
            .map_err(read_error)
    }

    /// Saves a template under its name, replacing one of the same name (its creation date kept).
    pub fn save_pack_template(
        &mut self,
        name: &str,
        definition: &str,
        logo: Option<(&[u8], LogoFormat)>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::InvalidSetting {
                field: "template name".into(),
                message: "a pack template needs a name".into(),
            });
        }
        let tx = self.write()?;
        let (bytes, format) = match logo {
            Some((b, f)) => (Some(b), Some(f.as_str())),
            None => (None, None),
        };
        tx.conn().execute(
            "INSERT INTO pack_template (name, definition, logo, logo_format, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (name) DO UPDATE SET definition = excluded.definition,
                 logo = excluded.logo, logo_format = excluded.logo_format,
                 updated_at = excluded.updated_at",
            params![name, definition, bytes, format, timestamp(now)],
        )?;
        tx.commit()
    }

    /// Every template, by name.
    pub fn pack_templates(&self) -> Result<Vec<PackTemplate>> {
        let mut stmt = self.conn.prepare(
            "SELECT name, definition, logo, logo_format, created_at, updated_at
             FROM pack_template ORDER BY name",
        )?;
        let rows = stmt
            .query_map([], row_template)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(read_error)?;
        Ok(rows)
    }

    pub fn pack_template(&self, name: &str) -> Result<Option<PackTemplate>> {
        self.conn
            .query_row(
                "SELECT name, definition, logo, logo_format, created_at, updated_at
                 FROM pack_template WHERE name = ?1",
                [name.trim()],
                row_template,
            )
            .optional()
            .map_err(read_error)
    }

    /// Removes a template; `false` when there was none of that name.
    pub fn remove_pack_template(&mut self, name: &str) -> Result<bool> {
        let tx = self.write()?;
        let n = tx
            .conn()
            .execute("DELETE FROM pack_template WHERE name = ?1", [name.trim()])?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Every agent's name and stable pseudonym ("Agent 07"): the one it was given, or for an
    /// agent that has none yet the next free number, in the order agents were first imported. Reads
    /// only: the numbers are given for good by [`Workspace::add_pack_snapshot`], in the same
    /// transaction as the export they were first used in, so a killed export leaves nothing behind.
    /// A pseudonym, once given, never changes, so the same person has the same stand-in in every
    /// client pack.
    pub fn agent_pseudonyms(&self) -> Result<Vec<(String, String)>> {
        Ok(pseudonyms(&self.conn)?
            .into_iter()
            .map(|(_, name, p, _)| (name, p))
            .collect())
    }

    /// The latest import time of any import not undone (RFC 3339), for "data as of".
    pub fn latest_import_at(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row(
            "SELECT max(started_at) FROM import_batch WHERE undone_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};

    use crate::annotate::{Category, CauseInput, Visibility};
    use crate::measure::{Dimension, Measure, Measures};
    use crate::pack::{Audience, FingerprintPart, LogoFormat, NewSnapshot};
    use crate::store::{FactKey, NewBatch, NewTarget, Workspace};
    use crate::Settings;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T09:30:00Z")
            .unwrap()
            .into()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// One import of one day of `handled` contacts for each `(day, agent)`.
    fn import(ws: &mut Workspace, name: &str, rows: &[(&str, &str)]) -> i64 {
        let mut tx = ws.write().unwrap();
        let batch = tx
            .new_batch(&NewBatch {
                kind: "demo".into(),
                file_name: name.into(),
                file_size: 0,
                sha256: name.into(),
                preset: None,
                mapping: None,
                source_timezone: "UTC".into(),
                started_at: now(),
                app_version: "test".into(),
            })
            .unwrap();
        for (day, agent) in rows {
            let key = FactKey {
                day: Some(d(day)),
                monthly: false,
                members: vec![(Dimension::Agent, agent.to_string())],
            };
            tx.insert_fact(
                batch,
                &key,
                &Measures::default().with(Measure::Handled, 10.0),
            )
            .unwrap();
        }
        tx.finish_batch(batch, rows.len() as u64, rows.len() as u64, 0, 0, now())
            .unwrap();
        tx.commit().unwrap();
        batch
    }

    fn q3(ws: &Workspace) -> crate::pack::Fingerprint {
        ws.pack_fingerprint(d("2026-07-01"), d("2026-09-30"), "1.0")
            .unwrap()
    }

    #[test]
    fn the_fingerprint_names_the_part_that_changed() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws =
            Workspace::create(&dir.path().join("w.qbr"), &Settings::default(), now()).unwrap();
        import(
            &mut ws,
            "july",
            &[("2026-07-02", "Ann Lee"), ("2026-08-05", "Bo Kim")],
        );
        let at_export = q3(&ws);
        assert_eq!(q3(&ws), at_export, "nothing changed: same fingerprint");

        // An import of days the pack does not read changes nothing it shows.
        import(&mut ws, "october", &[("2026-10-03", "Ann Lee")]);
        assert_eq!(at_export.changed_since(&q3(&ws)), vec![]);

        // A cause whose period touches Q3: annotations, and only them.
        ws.add_cause(
            &CauseInput {
                metrics: vec!["aht".into()],
                scope: None,
                period_from: d("2026-08-01"),
                period_to: d("2026-08-31"),
                category: Category::People,
                title: "New hires".into(),
                description: String::new(),
                evidence: String::new(),
                author: String::new(),
                visibility: Visibility::Internal,
            },
            now(),
        )
        .unwrap();
        let after_cause = q3(&ws);
        assert_eq!(
            at_export.changed_since(&after_cause),
            vec![FingerprintPart::Annotations]
        );

        // An import touching Q3: data.
        let august = import(&mut ws, "august", &[("2026-08-20", "Cy Park")]);
        assert_eq!(
            after_cause.changed_since(&q3(&ws)),
            vec![FingerprintPart::Data]
        );
        // Undoing it brings the facts back to what they were: same data hash as before.
        ws.undo_import(august, now()).unwrap();
        assert_eq!(after_cause.changed_since(&q3(&ws)), vec![]);

        // A target: definitions.
        let mut tx = ws.write().unwrap();
        tx.insert_target(
            &NewTarget {
                metric_id: "aht".into(),
                scope: None,
                direction: "at_most".into(),
                value: 600.0,
                value_high: None,
                tolerance: 0.05,
                effective_from: d("2026-01-01"),
                effective_to: None,
            },
            now(),
        )
        .unwrap();
        tx.commit().unwrap();
        assert_eq!(
            after_cause.changed_since(&q3(&ws)),
            vec![FingerprintPart::Definitions]
        );
        let other_version = ws
            .pack_fingerprint(d("2026-07-01"), d("2026-09-30"), "1.1")
            .unwrap();
        assert_eq!(
            q3(&ws).changed_since(&other_version),
            vec![FingerprintPart::AppVersion]
        );
    }

    #[test]
    fn pseudonyms_are_numbered_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws =
            Workspace::create(&dir.path().join("w.qbr"), &Settings::default(), now()).unwrap();
        import(
            &mut ws,
            "a",
            &[("2026-07-02", "Ann Lee"), ("2026-07-02", "Bo Kim")],
        );
        let untouched = ws.content_digest().unwrap();
        let first = ws.agent_pseudonyms().unwrap();
        assert_eq!(
            first,
            vec![
                ("Ann Lee".to_string(), "Agent 01".to_string()),
                ("Bo Kim".to_string(), "Agent 02".to_string())
            ]
        );
        assert_eq!(
            ws.agent_pseudonyms().unwrap(),
            first,
            "asking again changes nothing"
        );
        assert_eq!(
            ws.content_digest().unwrap(),
            untouched,
            "asking writes nothing: a killed export leaves the workspace as it was"
        );
        // A client export gives them for good, in its own transaction.
        let snap = NewSnapshot {
            period_label: "2026-Q3".into(),
            audience: Audience::Client,
            template_name: None,
            definition: "{}".into(),
            document: "{}".into(),
            fingerprint: ws
                .pack_fingerprint(d("2026-07-01"), d("2026-09-30"), "t")
                .unwrap(),
            file_name: "p.pdf".into(),
            pdf_sha256: "ab".into(),
            pages: 1,
        };
        ws.add_pack_snapshot(&snap, now()).unwrap();
        let stored: Vec<Option<String>> = ws
            .conn
            .prepare("SELECT pseudonym FROM agent ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(stored, [Some("Agent 01".into()), Some("Agent 02".into())]);
        // A new agent takes the next number; the others keep theirs.
        import(
            &mut ws,
            "b",
            &[("2026-07-03", "Cy Park"), ("2026-07-03", "Ann Lee")],
        );
        let second = ws.agent_pseudonyms().unwrap();
        assert_eq!(second[..2], first[..]);
        assert_eq!(second[2], ("Cy Park".to_string(), "Agent 03".to_string()));
    }

    #[test]
    fn templates_and_snapshots_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws =
            Workspace::create(&dir.path().join("w.qbr"), &Settings::default(), now()).unwrap();
        let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
        assert_eq!(LogoFormat::sniff(&png), Some(LogoFormat::Png));
        assert_eq!(LogoFormat::sniff(b"GIF89a"), None);
        ws.save_pack_template(
            "Quarterly",
            "{\"a\":1}",
            Some((&png, LogoFormat::Png)),
            now(),
        )
        .unwrap();
        ws.save_pack_template("Quarterly", "{\"a\":2}", None, now())
            .unwrap();
        let all = ws.pack_templates().unwrap();
        assert_eq!(all.len(), 1, "saving under the same name replaces");
        assert_eq!(all[0].definition, "{\"a\":2}");
        assert_eq!(all[0].logo, None);
        assert!(ws.save_pack_template("  ", "{}", None, now()).is_err());
        assert!(ws.remove_pack_template("Quarterly").unwrap());
        assert!(!ws.remove_pack_template("Quarterly").unwrap());

        let snap = NewSnapshot {
            period_label: "2026-Q3".into(),
            audience: Audience::Client,
            template_name: None,
            definition: "{}".into(),
            document: "{\"doc\":true}".into(),
            fingerprint: q3(&ws),
            file_name: "pack.pdf".into(),
            pdf_sha256: "ab".into(),
            pages: 7,
        };
        let id = ws.add_pack_snapshot(&snap, now()).unwrap();
        let back = ws.pack_snapshot(id).unwrap().unwrap();
        assert_eq!(back.snapshot, snap);
        assert_eq!(back.created_at, "2026-11-24T09:30:00Z");
        assert_eq!(ws.pack_snapshots().unwrap().len(), 1);
        assert_eq!(ws.pack_snapshot(id + 1).unwrap(), None);
    }

    #[test]
    fn the_client_metrics_are_a_recorded_setting() {
        let dir = tempfile::tempdir().unwrap();
        let mut ws =
            Workspace::create(&dir.path().join("w.qbr"), &Settings::default(), now()).unwrap();
        assert_eq!(ws.pack_client_metrics().unwrap(), None, "nobody chose yet");
        let chosen = vec!["service_level".to_string(), "csat".to_string()];
        ws.set_pack_client_metrics(Some(&chosen), now()).unwrap();
        assert_eq!(ws.pack_client_metrics().unwrap(), Some(chosen));
        ws.set_pack_client_metrics(Some(&[]), now()).unwrap();
        assert_eq!(
            ws.pack_client_metrics().unwrap(),
            Some(vec![]),
            "an empty choice is a choice: the client sees no metric"
        );
        ws.set_pack_client_metrics(None, now()).unwrap();
        assert_eq!(
            ws.pack_client_metrics().unwrap(),
            None,
            "back to the default"
        );
        let changes: Vec<_> = ws
            .settings_history()
            .unwrap()
            .into_iter()
            .filter(|c| c.key == "pack_client_metrics")
            .map(|c| c.new_value)
            .collect();
        assert_eq!(changes, ["service_level,csat", "", "default"]);
        assert_eq!(
            ws.settings().unwrap(),
            Settings::default(),
            "the other settings read as before"
        );
    }
}
