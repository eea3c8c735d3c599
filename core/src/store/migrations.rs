//! Schema versions: version N is the schema after the first N migration files.
//! Each step runs in its own transaction and records its version in
//! `PRAGMA user_version`, so a crash mid-upgrade leaves the last complete version.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// The migration files, in order.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/001_initial.sql"),
    include_str!("../../migrations/002_archive.sql"),
    include_str!("../../migrations/003_read_state.sql"),
    include_str!("../../migrations/004_closed_chats.sql"),
    include_str!("../../migrations/005_rooms.sql"),
    include_str!("../../migrations/006_archive_id_per_chat.sql"),
    include_str!("../../migrations/007_read_positions.sql"),
    include_str!("../../migrations/008_archive_recovery.sql"),
    include_str!("../../migrations/009_message_requests.sql"),
    include_str!("../../migrations/010_contact_ops.sql"),
    include_str!("../../migrations/011_history_paging.sql"),
    include_str!("../../migrations/012_address_book.sql"),
];

/// The schema version this build writes.
pub const CURRENT_VERSION: u32 = MIGRATIONS.len() as u32;

/// The database's schema version.
pub fn version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Upgrades the database to `target` (at most [`CURRENT_VERSION`]). Each step
/// takes the write lock first and reads the version inside its transaction,
/// so two processes opening the same file cannot both apply a step.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found = version(&tx)?;
        if found > CURRENT_VERSION {
            return Err(StoreError::TooNew {
                found,
                supported: CURRENT_VERSION,
            });
        }
        let Some(sql) = MIGRATIONS.get(found as usize).filter(|_| found < target) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", found + 1)?;
        tx.commit()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(conn: &Connection) -> Vec<String> {
        let mut statement = conn
            .prepare("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
            .unwrap();
        statement
            .query_map([], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn upgrading_from_every_earlier_version_gives_the_current_schema() {
        let mut fresh = Connection::open_in_memory().unwrap();
        migrate_to(&mut fresh, CURRENT_VERSION).unwrap();
        for start in 0..CURRENT_VERSION {
            let mut old = Connection::open_in_memory().unwrap();
            migrate_to(&mut old, start).unwrap();
            assert_eq!(version(&old).unwrap(), start);
            migrate_to(&mut old, CURRENT_VERSION).unwrap();
            assert_eq!(version(&old).unwrap(), CURRENT_VERSION);
            assert_eq!(schema(&old), schema(&fresh), "upgrade from version {start}");
        }
    }

    #[test]
    fn a_newer_database_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
            .unwrap();
        assert!(matches!(
            migrate_to(&mut conn, CURRENT_VERSION),
            Err(StoreError::TooNew { .. })
        ));
        assert!(schema(&conn).is_empty());
    }

    #[test]
    fn a_failed_step_leaves_the_previous_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE contacts (x)").unwrap();
        assert!(migrate_to(&mut conn, CURRENT_VERSION).is_err());
        assert_eq!(version(&conn).unwrap(), 0);
    }
}
