//! Numbered, forward-only schema migrations. Migration `i` (1-based) takes a file from format
//! `i - 1` to `i`. All pending migrations run in one transaction, so a failure leaves the file as
//! it was.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::Result;

/// One step of the format: its SQL, then, for a change SQL cannot make alone, a Rust step in the
/// same transaction.
#[derive(Clone, Copy)]
pub(crate) struct Migration {
    pub sql: &'static str,
    pub then: Option<fn(&Connection) -> Result<()>>,
}

impl Migration {
    pub(crate) const fn sql(sql: &'static str) -> Migration {
        Migration { sql, then: None }
    }
}

pub(super) const MIGRATIONS: &[Migration] = &[
    Migration::sql(include_str!("migrations/0001_initial.sql")),
    Migration::sql(include_str!("migrations/0002_import.sql")),
    Migration::sql(include_str!("migrations/0003_performance.sql")),
    Migration::sql(include_str!("migrations/0004_rollup.sql")),
    Migration::sql(include_str!("migrations/0005_import_speed.sql")),
    Migration::sql(include_str!("migrations/0006_pack.sql")),
    Migration {
        sql: include_str!("migrations/0007_contact_blocks.sql"),
        then: Some(super::contacts::move_rows_into_blocks),
    },
    Migration::sql(include_str!("migrations/0008_reported_service_level.sql")),
    Migration {
        sql: include_str!("migrations/0009_rollup_by_known_measures.sql"),
        then: Some(roll_up_again),
    },
    Migration::sql(include_str!("migrations/0010_page_checksums.sql")),
    Migration {
        sql: include_str!("migrations/0011_duplicate_blocks.sql"),
        then: Some(super::contacts::move_duplicates_into_blocks),
    },
];

/// Rolls every dirty day up again (format 9: rollup rows split by the measures their facts
/// carry). It runs after format 8's columns exist: the rollup's SQL names every measure this
/// build knows, the reported service level's among them.
fn roll_up_again(conn: &Connection) -> Result<()> {
    super::rollup::refresh(conn, &super::rollup::InsertedRollup::default())?;
    Ok(())
}

/// The first format whose pages carry checksums (`checksum`).
pub(super) const CHECKSUMS_FROM: i64 = 10;

/// Applies every migration after `from`, and records the new version, in one transaction.
pub(super) fn migrate(conn: &mut Connection, from: i64) -> Result<()> {
    migrate_with(conn, from, MIGRATIONS)
}

/// [`migrate`] over a given list (tests add a failing one).
pub(super) fn migrate_with(
    conn: &mut Connection,
    from: i64,
    migrations: &[Migration],
) -> Result<()> {
    let to = migrations.len() as i64;
    let _span = tracing::info_span!("migrate", from, to).entered();
    let started = std::time::Instant::now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for (m, format) in migrations[from as usize..].iter().zip(from + 1..) {
        let step_started = std::time::Instant::now();
        tx.execute_batch(m.sql)?;
        if let Some(step) = m.then {
            step(&tx)?;
        }
        tracing::debug!(
            format,
            elapsed_ms = step_started.elapsed().as_millis() as u64,
            "migration applied"
        );
    }
    tx.pragma_update(None, "user_version", to)?;
    tx.commit()?;
    tracing::info!(
        from,
        to,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "workspace format upgraded"
    );
    Ok(())
}
