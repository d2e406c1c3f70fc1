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

    /// Stores a snapshot of an export and returns its id.
    pub fn add_pack_snapshot(&mut self, s: &NewSnapshot, now: DateTime<Utc>) -> Result<i64> {
        let tx = self.write()?;
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

    /// Every agent's name and stable pseudonym ("Agent 07"), giving the next free number to agents
    /// that have none yet, in the order they were first imported. A pseudonym, once given, never
    /// changes, so the same person has the same stand-in in every client pack.
    pub fn agent_pseudonyms(&mut self) -> Result<Vec<(String, String)>> {
        let missing: i64 = self.conn.query_row(
            "SELECT count(*) FROM agent WHERE pseudonym IS NULL",
            [],
            |r| r.get(0),
        )?;
        if missing > 0 {
            let tx = self.write()?;
            {
                let conn = tx.conn();
                let total: i64 = conn.query_row("SELECT count(*) FROM agent", [], |r| r.get(0))?;
                let width = total.to_string().len().max(2);
                let ids: Vec<i64> = conn
                    .prepare("SELECT id FROM agent WHERE pseudonym IS NULL ORDER BY id")?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                let mut next: i64 = conn.query_row(
                    "SELECT count(*) FROM agent WHERE pseudonym IS NOT NULL",
                    [],
                    |r| r.get(0),
                )?;
                for id in ids {
                    loop {
                        next += 1;
                        let name = format!("Agent {next:0width$}");
                        let taken: i64 = conn.query_row(
                            "SELECT count(*) FROM agent WHERE pseudonym = ?1",
                            [&name],
                            |r| r.get(0),
                        )?;
                        if taken == 0 {
                            conn.execute(
                                "UPDATE agent SET pseudonym = ?2 WHERE id = ?1",
                                params![id, name],
                            )?;
                            break;
                        }
                    }
                }
            }
            tx.commit()?;
        }
        let mut stmt = self
            .conn
            .prepare("SELECT name, pseudonym FROM agent WHERE pseudonym IS NOT NULL ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
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
}
