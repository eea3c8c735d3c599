//! Closed chats: hidden from the chat list until a newer message arrives,
//! and shared with the user's other devices through the network server.

use rusqlite::{OptionalExtension, params};
use splitline_protocol::ClosedChat;

use super::{Store, StoreError};

/// The end of the second holding `ms`. Archived messages carry whole-second
/// times while live ones carry milliseconds, so a close covers the whole
/// second of the newest message, whichever way another device got it.
fn end_of_second(ms: i64) -> i64 {
    ms.div_euclid(1000) * 1000 + 999
}

impl Store {
    /// Closes the chat with `peer`: it leaves the chat list until a newer
    /// message arrives, and the close waits to be told to the network.
    /// False if there is no such chat.
    pub fn close_chat(&self, peer: &str) -> Result<bool, StoreError> {
        self.write(|tx| {
            let activity: Option<i64> = tx
                .query_row(
                    "SELECT last_activity_ms FROM chats WHERE peer = ?1",
                    [peer],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(activity) = activity else {
                return Ok(false);
            };
            let up_to_ms = end_of_second(activity);
            tx.execute(
                "UPDATE chats SET closed_up_to_ms = max(coalesce(closed_up_to_ms, 0), ?1)
                 WHERE peer = ?2",
                params![up_to_ms, peer],
            )?;
            tx.execute(
                "INSERT INTO pending_closes (peer, up_to_ms) VALUES (?1, ?2)
                 ON CONFLICT (peer) DO UPDATE SET up_to_ms = max(up_to_ms, excluded.up_to_ms)",
                params![peer, up_to_ms],
            )?;
            Ok(true)
        })
    }

    /// Closes waiting for the network.
    pub fn pending_closes(&self) -> Result<Vec<ClosedChat>, StoreError> {
        self.read(|c| {
            let mut statement =
                c.prepare_cached("SELECT peer, up_to_ms FROM pending_closes ORDER BY peer")?;
            let rows = statement.query_map([], |r| {
                Ok(ClosedChat {
                    peer: r.get(0)?,
                    up_to_ms: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The network has this close; a later one of the same chat stays.
    pub(crate) fn close_sent(&self, chat: &ClosedChat) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM pending_closes WHERE peer = ?1 AND up_to_ms = ?2",
                params![chat.peer, chat.up_to_ms],
            )?;
            Ok(())
        })
    }

    /// Applies the closed chats the network keeps (read after sign-in). A
    /// chat not stored yet is remembered as closed, so what the archive
    /// brings of it later stays hidden. Returns the chats that changed.
    pub(crate) fn apply_closed_chats(
        &self,
        chats: &[ClosedChat],
    ) -> Result<Vec<String>, StoreError> {
        self.write(|tx| {
            let mut changed = Vec::new();
            for chat in chats {
                let updated = tx.execute(
                    "INSERT INTO chats (peer, last_activity_ms, closed_up_to_ms) VALUES (?1, ?2, ?2)
                     ON CONFLICT (peer) DO UPDATE SET closed_up_to_ms = excluded.closed_up_to_ms
                     WHERE coalesce(closed_up_to_ms, -1) < excluded.closed_up_to_ms",
                    params![chat.peer, chat.up_to_ms],
                )?;
                if updated > 0 {
                    changed.push(chat.peer.clone());
                }
            }
            Ok(changed)
        })
    }
}
