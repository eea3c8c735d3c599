//! Read state: marking chats viewed, the markers waiting to go to the network,
//! and markers from the user's other devices and contacts.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError};

/// A chat read up to a message, waiting to be told to the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PendingMarker {
    /// The chat's other party.
    pub peer: String,
    /// The network id of the newest message from `peer` the user has seen
    /// (in a room: its archive id, the room's id of the message).
    pub network_id: String,
    /// That message's archive id, when it has one: the position the server
    /// keeps for the user's other devices (XEP-0490).
    pub archive_id: Option<String>,
}

impl Store {
    /// Marks the chat with `peer` viewed: no unread messages, and a marker for
    /// its newest incoming message waits for the network. True if it had unread messages.
    pub fn mark_chat_viewed(&self, peer: &str) -> Result<bool, StoreError> {
        self.write(|tx| {
            let chat: Option<i64> = tx
                .query_row("SELECT id FROM chats WHERE peer = ?1", [peer], |r| r.get(0))
                .optional()?;
            match chat {
                Some(chat) => mark_viewed(tx, chat, peer),
                None => Ok(false),
            }
        })
    }

    /// Marks every chat viewed, in one transaction. Returns the chats that had
    /// unread messages.
    pub fn mark_all_viewed(&self) -> Result<Vec<String>, StoreError> {
        self.write(|tx| {
            let unread: Vec<(i64, String)> = {
                let mut statement = tx.prepare("SELECT id, peer FROM chats WHERE unread > 0")?;
                let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut changed = Vec::new();
            for (chat, peer) in unread {
                if mark_viewed(tx, chat, &peer)? {
                    changed.push(peer);
                }
            }
            Ok(changed)
        })
    }

    /// The markers waiting for the network.
    pub(crate) fn pending_markers(&self) -> Result<Vec<PendingMarker>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT peer, network_id, archive_id FROM pending_markers ORDER BY peer",
            )?;
            let rows = statement.query_map([], |r| {
                Ok(PendingMarker {
                    peer: r.get(0)?,
                    network_id: r.get(1)?,
                    archive_id: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The network took these markers. A newer marker queued meanwhile for
    /// the same chat stays.
    pub(crate) fn markers_sent(&self, markers: &[PendingMarker]) -> Result<(), StoreError> {
        self.write(|tx| {
            for marker in markers {
                tx.execute(
                    "DELETE FROM pending_markers WHERE peer = ?1 AND network_id = ?2",
                    params![marker.peer, marker.network_id],
                )?;
            }
            Ok(())
        })
    }
}

fn mark_viewed(tx: &Transaction<'_>, chat: i64, peer: &str) -> Result<bool, StoreError> {
    // A room's markers name messages by the room's ids (XEP-0333 in group chats).
    let is_room = tx
        .query_row("SELECT 1 FROM rooms WHERE jid = ?1", [peer], |_| Ok(()))
        .optional()?
        .is_some();
    let id_column = if is_room { "archive_id" } else { "network_id" };
    let newest: Option<(String, Option<String>)> = tx
        .query_row(
            &format!(
                "SELECT {id_column}, archive_id FROM messages
                 WHERE chat_id = ?1 AND outgoing = 0 AND {id_column} IS NOT NULL
                 ORDER BY timestamp_ms DESC, id DESC LIMIT 1"
            ),
            [chat],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let seen = tx.execute(
        "UPDATE messages SET state = 'displayed'
         WHERE chat_id = ?1 AND outgoing = 0 AND state = 'delivered'",
        [chat],
    )?;
    tx.execute("UPDATE chats SET unread = 0 WHERE id = ?1", [chat])?;
    if seen == 0 {
        return Ok(false);
    }
    if let Some((network_id, archive_id)) = newest {
        tx.execute(
            "INSERT INTO pending_markers (peer, network_id, archive_id) VALUES (?1, ?2, ?3)
             ON CONFLICT (peer) DO UPDATE
                 SET network_id = excluded.network_id, archive_id = excluded.archive_id",
            params![peer, network_id, archive_id],
        )?;
    }
    Ok(true)
}

/// Applies a displayed marker from the network. `by_user`: the user read the
/// chat on another device up to its message `network_id` (a network or
/// archive id, of either party's message); otherwise `peer` has seen the
/// user's messages up to `network_id`. Every earlier message of the chat
/// counts as seen too. Returns whether anything changed. The user's position
/// at a message not stored yet waits for it (see [`apply_awaited_position`]).
pub(super) fn apply_displayed(
    tx: &Transaction<'_>,
    peer: &str,
    network_id: &str,
    by_user: bool,
) -> Result<bool, StoreError> {
    let found: Option<(i64, i64, i64)> = tx
        .query_row(
            "SELECT m.chat_id, m.timestamp_ms, m.id FROM messages m JOIN chats c ON c.id = m.chat_id
             WHERE c.peer = ?1 AND (m.outgoing = 1 OR ?2)
               AND (m.network_id = ?3 OR m.client_id = ?3 OR m.archive_id = ?3)",
            params![peer, by_user, network_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((chat, timestamp_ms, id)) = found else {
        if by_user {
            tx.execute(
                "INSERT INTO awaited_read_positions (peer, message_id) VALUES (?1, ?2)
                 ON CONFLICT (peer) DO UPDATE SET message_id = excluded.message_id",
                params![peer, network_id],
            )?;
        }
        return Ok(false);
    };
    let (outgoing, from_states) = if by_user {
        (false, "('delivered')")
    } else {
        (true, "('sent', 'delivered')")
    };
    let changed = tx.execute(
        &format!(
            "UPDATE messages SET state = 'displayed'
             WHERE chat_id = ?1 AND outgoing = ?2 AND state IN {from_states}
               AND (timestamp_ms < ?3 OR (timestamp_ms = ?3 AND id <= ?4))"
        ),
        params![chat, outgoing, timestamp_ms, id],
    )?;
    if by_user && changed > 0 {
        tx.execute(
            "UPDATE chats SET unread = (SELECT count(*) FROM messages
                 WHERE chat_id = ?1 AND outgoing = 0 AND state = 'delivered')
             WHERE id = ?1",
            [chat],
        )?;
    }
    Ok(changed > 0)
}

/// Applies the user's read position in the chat with `peer` that waited for
/// a message with one of `ids` (its network and archive ids), now stored.
pub(super) fn apply_awaited_position(
    tx: &Transaction<'_>,
    peer: &str,
    ids: [Option<&str>; 2],
) -> Result<(), StoreError> {
    for id in ids.into_iter().flatten() {
        let waited = tx.execute(
            "DELETE FROM awaited_read_positions WHERE peer = ?1 AND message_id = ?2",
            params![peer, id],
        )?;
        if waited > 0 {
            apply_displayed(tx, peer, id, true)?;
            return Ok(());
        }
    }
    Ok(())
}
