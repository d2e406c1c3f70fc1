//! A digest of everything a workspace holds, for tests and tools that must prove a file did not
//! change (a refused import, a killed process): SHA-256 over every table's rows, independent of
//! row order and of the file's page layout.

use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};

use super::Workspace;
use crate::error::Result;

impl Workspace {
    /// SHA-256 (hex) of the rows of every table, each table's rows sorted, tables by name. Equal
    /// digests mean equal content; `VACUUM` or a checkpoint does not change it.
    pub fn content_digest(&self) -> Result<String> {
        let tables: Vec<String> = self
            .conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut hasher = Sha256::new();
        for table in tables {
            // The name comes from the file's own schema, not from input, and is quoted.
            let sql = format!("SELECT * FROM \"{}\"", table.replace('"', "\"\""));
            let mut stmt = self.conn.prepare(&sql)?;
            let width = stmt.column_count();
            let mut rows: Vec<Vec<u8>> = stmt
                .query_map([], |r| {
                    let mut row = Vec::new();
                    for i in 0..width {
                        match r.get_ref(i)? {
                            ValueRef::Null => row.push(0),
                            ValueRef::Integer(v) => {
                                row.push(1);
                                row.extend(v.to_le_bytes());
                            }
                            ValueRef::Real(v) => {
                                row.push(2);
                                row.extend(v.to_bits().to_le_bytes());
                            }
                            ValueRef::Text(b) | ValueRef::Blob(b) => {
                                row.push(if matches!(r.get_ref(i)?, ValueRef::Text(_)) {
                                    3
                                } else {
                                    4
                                });
                                row.extend((b.len() as u64).to_le_bytes());
                                row.extend(b);
                            }
                        }
                    }
                    Ok(row)
                })?
                .collect::<rusqlite::Result<_>>()?;
            rows.sort();
            hasher.update((table.len() as u64).to_le_bytes());
            hasher.update(table.as_bytes());
            hasher.update((rows.len() as u64).to_le_bytes());
            for row in rows {
                hasher.update(&row);
            }
        }
        Ok(hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}
