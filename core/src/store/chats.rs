//! Chats: one per peer (a contact or a room); the chat list (with unread
//! counts and last messages) is in `chat_list`.

use rusqlite::{Transaction, params};

use super::StoreError;

/// The chat with `peer`, created if needed; returns its id.
pub(super) fn chat_id(
    tx: &Transaction<'_>,
    peer: &str,
    activity_ms: i64,
) -> Result<i64, StoreError> {
    tx.execute(
        "INSERT INTO chats (peer, last_activity_ms) VALUES (?1, ?2)
         ON CONFLICT (peer) DO UPDATE SET last_activity_ms = max(last_activity_ms, excluded.last_activity_ms)",
        params![peer, activity_ms],
    )?;
    Ok(tx.query_row("SELECT id FROM chats WHERE peer = ?1", [peer], |r| r.get(0))?)
}
