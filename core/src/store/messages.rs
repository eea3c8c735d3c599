//! Messages: the paged history of a chat, and storing a message exactly once.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use splitline_protocol::ChatMessage;

use super::{
    Store, StoreError, changes::Changes, chats::chat_id, corrupt, parsed,
    read_state::apply_awaited_position,
};

/// Where a message is. Outgoing: queued, sent, displayed (the recipient saw
/// it) or failed. Incoming: delivered, then displayed once the user saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageState {
    /// Composed, waiting in the outbox.
    Queued,
    /// The network acknowledged it.
    Sent,
    /// It reached the recipient.
    Delivered,
    /// The recipient saw it.
    Displayed,
    /// It cannot be sent (the gateway refused it for good).
    Failed,
}

impl MessageState {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Displayed => "displayed",
            Self::Failed => "failed",
        }
    }

    fn parse(value: &str) -> Result<Self, StoreError> {
        Ok(match value {
            "queued" => Self::Queued,
            "sent" => Self::Sent,
            "delivered" => Self::Delivered,
            "displayed" => Self::Displayed,
            "failed" => Self::Failed,
            other => return Err(corrupt("message state", other)),
        })
    }
}

/// What a timeline row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// A message.
    Message,
    /// A gap marker: messages of this chat from around this time may be
    /// missing, because the network's archive no longer had them when this
    /// device caught up. It has no sender or text; the timeline shows it as
    /// such, and it never counts as unread.
    Gap,
}

impl MessageKind {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::Gap => "gap",
        }
    }

    fn parse(value: &str) -> Result<Self, StoreError> {
        match value {
            "message" => Ok(Self::Message),
            "gap" => Ok(Self::Gap),
            other => Err(corrupt("message kind", other)),
        }
    }
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    /// Local id, increasing.
    pub id: i64,
    /// The chat's peer.
    pub peer: String,
    /// The client id (outgoing from this device).
    pub client_id: Option<String>,
    /// The network id.
    pub network_id: Option<String>,
    /// Sent by the user.
    pub outgoing: bool,
    /// The sender's address.
    pub sender: String,
    pub body: String,
    /// When it was sent, ms since the epoch.
    pub timestamp_ms: i64,
    /// Where it is.
    pub state: MessageState,
    /// A message, or a gap marker.
    pub kind: MessageKind,
    /// A message request: from someone who is not the user's contact.
    pub from_stranger: bool,
}

pub(super) const MESSAGE_COLUMNS: &str = "m.id, c.peer, m.client_id, m.network_id, m.outgoing, m.sender, m.body, m.timestamp_ms, m.state, m.kind, m.from_stranger";

pub(super) fn message_from_row(row: &Row<'_>) -> rusqlite::Result<MessageRow> {
    Ok(MessageRow {
        id: row.get(0)?,
        peer: row.get(1)?,
        client_id: row.get(2)?,
        network_id: row.get(3)?,
        outgoing: row.get(4)?,
        sender: row.get(5)?,
        body: row.get(6)?,
        timestamp_ms: row.get(7)?,
        state: parsed(row, 8, MessageState::parse)?,
        kind: parsed(row, 9, MessageKind::parse)?,
        from_stranger: row.get(10)?,
    })
}

impl Store {
    /// Up to `limit` messages of the chat with `peer` before message id
    /// `before` (or the newest), oldest first.
    pub fn messages_page(
        &self,
        peer: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<MessageRow>, StoreError> {
        self.read(|c| messages_page(c, peer, before.unwrap_or(i64::MAX), limit))
    }
}

fn messages_page(
    c: &Connection,
    peer: &str,
    before: i64,
    limit: u32,
) -> Result<Vec<MessageRow>, StoreError> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN chats c ON c.id = m.chat_id
         WHERE c.peer = ?1 AND m.id < ?2 ORDER BY m.timestamp_ms DESC, m.id DESC LIMIT ?3"
    );
    let mut statement = c.prepare_cached(&sql)?;
    let rows = statement.query_map(params![peer, before, limit], message_from_row)?;
    let mut page = rows.collect::<Result<Vec<_>, _>>()?;
    page.reverse();
    Ok(page)
}

/// Stores a message once. The same network id from the same sender in the
/// same chat, or the same archive id, is a repeat (a replay after a lost
/// response, a carbon, or the archive overlapping the live stream). An
/// outgoing message whose network id is one of this device's client ids is
/// that message, proven sent: it leaves the outbox, so it is never sent twice.
pub(super) fn store_message(
    tx: &Transaction<'_>,
    message: &ChatMessage,
    peer: &str,
    outgoing: bool,
    changes: &mut Changes,
) -> Result<(), StoreError> {
    let chat = chat_id(tx, peer, message.timestamp_ms)?;
    if outgoing && let Some(network_id) = &message.network_id {
        let own: Option<i64> = tx
            .query_row(
                "SELECT id FROM messages WHERE chat_id = ?1 AND client_id = ?2",
                params![chat, network_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = own {
            tx.execute(
                "UPDATE messages SET network_id = ?1, archive_id = coalesce(archive_id, ?2),
                     state = CASE WHEN state IN ('queued', 'failed') THEN 'sent' ELSE state END
                 WHERE id = ?3",
                params![network_id, message.archive_id, id],
            )?;
            if tx.execute("DELETE FROM outbox WHERE message_id = ?1", [id])? > 0 {
                changes.touched(peer);
            }
            apply_awaited_position(tx, peer, [None, message.archive_id.as_deref()])?;
            return Ok(());
        }
    }
    let state = if outgoing {
        MessageState::Sent
    } else {
        MessageState::Delivered
    };
    let inserted = tx.execute(
        "INSERT OR IGNORE INTO messages
             (chat_id, network_id, archive_id, outgoing, sender, body, timestamp_ms, state,
              from_stranger)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            chat,
            message.network_id,
            message.archive_id,
            outgoing,
            message.from,
            message.body,
            message.timestamp_ms,
            state.as_str(),
            message.from_stranger && !outgoing
        ],
    )?;
    if inserted == 0 {
        return Ok(());
    }
    if !outgoing {
        tx.execute("UPDATE chats SET unread = unread + 1 WHERE id = ?1", [chat])?;
    }
    apply_awaited_position(
        tx,
        peer,
        [message.network_id.as_deref(), message.archive_id.as_deref()],
    )?;
    changes.new_messages += 1;
    changes.touched(peer);
    Ok(())
}
