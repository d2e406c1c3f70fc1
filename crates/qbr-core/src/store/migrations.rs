//! Numbered, forward-only schema migrations. Migration `i` (1-based) takes a file from format
//! `i - 1` to `i`. All pending migrations run in one transaction, so a failure leaves the file as
//! it was.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::Result;

pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_import.sql"),
    include_str!("migrations/0003_performance.sql"),
    include_str!("migrations/0004_rollup.sql"),
    include_str!("migrations/0005_import_speed.sql"),
    include_str!("migrations/0006_pack.sql"),
];

/// Applies every migration after `from`, and records the new version, in one transaction.
pub(super) fn migrate(conn: &mut Connection, from: i64) -> Result<()> {
    migrate_with(conn, from, MIGRATIONS)
}

/// [`migrate`] over a given list (tests add a failing one).
pub(super) fn migrate_with(conn: &mut Connection, from: i64, migrations: &[&str]) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for sql in &migrations[from as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", migrations.len() as i64)?;
    tx.commit()?;
    Ok(())
}
