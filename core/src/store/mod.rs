//! The local store on SQLite: account, contacts with presence, chats, messages,
//! the outbox and sync state. One module per table (contacts, chats,
//! messages, outbox, rooms, read state, closed chats, archive recovery,
//! history paging, contact changes made here, subscription requests, own
//! presence); `apply` takes what the
//! gateway sends into them, and `changes` is what that tells listeners.
//!
//! One writer connection takes every write, each in one transaction. Reads
//! use their own connections (WAL), so they never wait behind the writer.
//! The API is blocking: async callers run it on a blocking thread.

mod address_book;
mod apply;
mod changes;
mod chat_list;
mod chats;
mod closed_chats;
mod contacts;
mod history;
mod messages;
mod migrations;
mod news;
mod outbox;
mod own_presence;
mod read_state;
mod recovery;
mod rooms;
mod roster_ops;
mod subscription_requests;

use std::{
    path::{Path, PathBuf},
    sync::Mutex,
};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params};

pub use address_book::{ContactMatch, NativeMatch, NetworkMatch, UnreadNumber};
pub(crate) use address_book::{NativeRow, NumberRow};
pub use changes::{CallUpdate, Changes, IncomingCall};
pub use chat_list::Chat;
pub(crate) use history::{BackPlan, BackRequest};
pub use messages::{MessageKind, MessageRow, MessageState};
use migrations::CURRENT_VERSION;
pub use news::ChatNews;
pub use outbox::OutboxItem;
pub(crate) use recovery::RecoveryStep;
pub(crate) use rooms::RoomCatchUp;
pub use rooms::RoomRow;
pub use roster_ops::{ContactOp, ContactOpFailure, ContactOpKind};

use crate::util::lock;

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer app version.
    #[error(
        "the database has schema version {found}, newer than this app's {supported}; update the app"
    )]
    TooNew {
        /// The file's version.
        found: u32,
        /// This build's version.
        supported: u32,
    },
    /// A stored value is not one this app writes.
    #[error("the database holds an unknown {what}: {value}")]
    Corrupt {
        /// Which kind of value.
        what: &'static str,
        value: String,
    },
    /// No message with that client id.
    #[error("no message with client id {0}")]
    UnknownMessage(String),
    /// A page kept while reading an archive back could not be written or read.
    #[error("a kept archive page is unreadable: {0}")]
    KeptPage(#[from] serde_json::Error),
    /// The file could not be made private to its owner.
    #[error("cannot make the database file private to its owner: {0}")]
    FileMode(#[source] std::io::Error),
    /// The thread running a store call died.
    #[error("a store call could not finish: {0}")]
    TaskFailed(String),
}

/// Keys of [`Store::sync_value`].
pub(crate) mod keys {
    /// The session token.
    pub const TOKEN: &str = "token";
    /// The event cursor.
    pub const CURSOR: &str = "cursor";
    /// The gateway endpoint the session token belongs to.
    pub const ENDPOINT: &str = "endpoint";
    /// The archive id of the newest message known from the network's archive:
    /// where the next catch-up starts.
    pub const ARCHIVE_CURSOR: &str = "archive_cursor";
    /// Present while a catch-up from the archive is due or under way (after a
    /// new sign-in or a resync); live messages do not move the archive cursor then.
    pub const CATCH_UP: &str = "catch_up";
    /// The newest message row when the last catch-up became due: an archive
    /// read back has to meet a message stored up to there.
    pub const CATCH_UP_ROW: &str = "catch_up_row";
}

/// Most idle reader connections kept open.
const READERS_KEPT: usize = 4;

/// The local store.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    // First, so that another process holding the file makes us wait, not fail.
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    set_wal(conn)?;
    conn.pragma_update(None, "synchronous", "normal")?;
    conn.pragma_update(None, "foreign_keys", "on")?;
    // Android has no usable temp directory for SQLite's temp files.
    conn.pragma_update(None, "temp_store", 2)?;
    Ok(())
}

/// Creates the database file readable and writable by its owner only (mode
/// 0600), or takes an existing one to that mode: it holds the session token
/// and the user's messages. SQLite gives its `-wal` and `-shm` files the
/// database file's mode.
#[cfg(unix)]
fn owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    const OWNER_ONLY: u32 = 0o600;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(OWNER_ONLY)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(OWNER_ONLY))
}

/// Elsewhere the platform protects the file.
#[cfg(not(unix))]
fn owner_only(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

impl Store {
    /// Opens (creating or upgrading) the store at `path`, private to its owner.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_owned();
        owner_only(&path).map_err(StoreError::FileMode)?;
        let mut writer = Connection::open(&path)?;
        configure(&writer)?;
        migrations::migrate_to(&mut writer, CURRENT_VERSION)?;
        Ok(Self {
            path,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// Runs `f` on a reader connection.
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let reader = lock(&self.readers).pop();
        let reader = match reader {
            Some(conn) => conn,
            None => {
                let conn = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure_reader(&conn)?;
                conn
            }
        };
        let result = f(&reader);
        let mut readers = lock(&self.readers);
        if readers.len() < READERS_KEPT {
            readers.push(reader);
        }
        result
    }

    /// Runs `f` in one write transaction.
    fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut writer = lock(&self.writer);
        let tx = writer.transaction()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Records the signed-in account; a different account clears everything first.
    pub(crate) fn set_account(&self, jid: &str, device_id: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            let current: Option<String> = tx
                .query_row("SELECT jid FROM account WHERE id = 1", [], |r| r.get(0))
                .optional()?;
            if current.as_deref().is_some_and(|c| c != jid) {
                tx.execute_batch(
                    "DELETE FROM outbox; DELETE FROM messages; DELETE FROM chats;
                     DELETE FROM contacts; DELETE FROM sync_state;
                     DELETE FROM contact_ops; DELETE FROM contact_overlay;
                     DELETE FROM contact_failures; DELETE FROM subscription_requests;
                     DELETE FROM own_presence;",
                )?;
            }
            tx.execute(
                "INSERT INTO account (id, jid, device_id) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET jid = excluded.jid, device_id = excluded.device_id",
                params![jid, device_id],
            )?;
            Ok(())
        })
    }

    /// The signed-in account's address, if any.
    pub fn account(&self) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT jid FROM account WHERE id = 1", [], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    /// A sync value (see [`keys`]).
    pub(crate) fn sync_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })
    }

    /// Sets (or with `None` clears) a sync value.
    pub(crate) fn set_sync_value(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        self.write(|tx| put_sync_value(tx, key, value))
    }
}

/// Sets (or with `None` clears) a sync value inside a transaction.
fn put_sync_value(
    tx: &rusqlite::Transaction<'_>,
    key: &str,
    value: Option<&str>,
) -> Result<(), StoreError> {
    match value {
        Some(v) => tx.execute(
            "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, v],
        )?,
        None => tx.execute("DELETE FROM sync_state WHERE key = ?1", [key])?,
    };
    Ok(())
}

fn corrupt(what: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        what,
        value: value.to_owned(),
    }
}

/// Column `index` of `row`, parsed from its stored text.
fn parsed<T>(
    row: &Row<'_>,
    index: usize,
    parse: fn(&str) -> Result<T, StoreError>,
) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    parse(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Switches to write-ahead logging. Switching needs a moment alone with the
/// file and SQLite reports "busy" at once instead of waiting, so retry briefly.
fn set_wal(conn: &Connection) -> Result<(), StoreError> {
    let mut attempts = 0;
    loop {
        match conn.pragma_update(None, "journal_mode", "wal") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && attempts < 250 =>
            {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return Ok(other?),
        }
    }
}

fn configure_reader(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "temp_store", 2)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}

#[cfg(test)]
mod tests;
