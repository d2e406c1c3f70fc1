//! The schema a workspace file must have: exactly what the migrations build for its format, every
//! table, index, trigger and view, by its SQL. A received file is untrusted input, and SQLite
//! runs what its schema says: a trigger planted in a file runs on the next write, a view put in
//! place of a table answers every query that reads it. A file whose schema differs is refused on
//! open, before anything reads or writes it, saying what differs.
//!
//! The expected schema of each format is built once per process by running the migrations into
//! a database in memory, format after format.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rusqlite::Connection;

use super::migrations::{self, Migration};
use crate::error::Result;

/// One object of a schema: its type (`table`, `index`, `trigger`, `view`), the table it belongs
/// to, and the SQL that made it (none for the indexes SQLite makes for UNIQUE and PRIMARY KEY).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Object {
    kind: String,
    table: String,
    sql: Option<String>,
}

/// A schema: objects by name.
pub(super) type Schema = BTreeMap<String, Object>;

/// The main schema of `conn` (`sqlite_schema`; temporary objects live in `temp`).
pub(super) fn read(conn: &Connection) -> rusqlite::Result<Schema> {
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM main.sqlite_schema")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(1)?,
            Object {
                kind: r.get(0)?,
                table: r.get(2)?,
                sql: r.get(3)?,
            },
        ))
    })?;
    rows.collect()
}

/// The schema the first `version` migrations of `list` build.
fn built(list: &[Migration], version: i64) -> Result<Schema> {
    let mut all = built_all(&list[..version as usize])?;
    Ok(all.swap_remove(version as usize))
}

/// The schema after each number of migrations of `list`, from 0 (an empty file) to all.
fn built_all(list: &[Migration]) -> Result<Vec<Schema>> {
    let conn = Connection::open_in_memory()?;
    let mut schemas = vec![read(&conn)?];
    for m in list {
        conn.execute_batch("BEGIN")?;
        conn.execute_batch(m.sql)?;
        if let Some(step) = m.then {
            step(&conn)?;
        }
        conn.execute_batch("COMMIT")?;
        schemas.push(read(&conn)?);
    }
    Ok(schemas)
}

/// The schema of format `version` as this build's migrations make it (computed once).
fn expected(list: &[Migration], version: i64) -> Result<Schema> {
    if !std::ptr::eq(list, migrations::MIGRATIONS) {
        return built(list, version);
    }
    static ALL: OnceLock<Vec<Schema>> = OnceLock::new();
    if ALL.get().is_none() {
        let _ = ALL.set(built_all(migrations::MIGRATIONS)?);
    }
    let all = ALL.get().expect("set just above");
    Ok(all[version as usize].clone())
}

/// What differs between the schema `found` in a file and the one format `version` has, in words;
/// `None` when they are the same.
pub(super) fn differences(
    conn: &Connection,
    list: &[Migration],
    version: i64,
) -> Result<Option<String>> {
    let found = read(conn)?;
    let want = expected(list, version)?;
    let mut diffs = Vec::new();
    for (name, w) in &want {
        match found.get(name) {
            None => diffs.push(format!("the {} {name:?} is missing", w.kind)),
            Some(f) if f.kind != w.kind => {
                diffs.push(format!("{name:?} is a {} instead of a {}", f.kind, w.kind))
            }
            Some(f) if f != w => diffs.push(format!(
                "the {} {name:?} is not defined as the format defines it",
                w.kind
            )),
            Some(_) => {}
        }
    }
    for (name, f) in &found {
        if !want.contains_key(name) {
            diffs.push(format!(
                "it holds a {} {name:?}{} that the format does not have",
                f.kind,
                if f.kind == "table" || f.table == *name {
                    String::new()
                } else {
                    format!(" on {:?}", f.table)
                }
            ));
        }
    }
    if diffs.is_empty() {
        return Ok(None);
    }
    let shown = 3;
    let more = diffs.len().saturating_sub(shown);
    diffs.truncate(shown);
    let mut text = diffs.join("; ");
    if more > 0 {
        text.push_str(&format!("; and {more} more difference(s)"));
    }
    Ok(Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_a_schema_and_each_migration_changes_it() {
        let all = built_all(migrations::MIGRATIONS).unwrap();
        assert_eq!(all.len(), migrations::MIGRATIONS.len() + 1);
        assert!(all[0].is_empty(), "an empty file has no schema");
        for v in 1..all.len() {
            // Format 9 rolls the data up again and format 10 changes the pages (checksums);
            // neither changes the tables.
            if v != 9 && v as i64 != migrations::CHECKSUMS_FROM {
                assert_ne!(all[v - 1], all[v], "migration {v} changes the schema");
            }
        }
        assert_eq!(
            all[migrations::MIGRATIONS.len()]["fact_rollup"].kind,
            "table"
        );
    }
}
