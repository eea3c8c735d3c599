//! The outbox: composed messages waiting to be sent, in order.

use rusqlite::{OptionalExtension, params};

use super::{
    Store, StoreError,
    chats::chat_id,
    messages::{MessageKind, MessageRow, MessageState},
};

/// A message waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// Its client id.
    pub client_id: String,
    pub to: String,
    pub body: String,
}

impl Store {
    /// Puts a composed message in its chat as queued and in the outbox, at once.
    pub fn queue_message(
        &self,
        peer: &str,
        client_id: &str,
        body: &str,
        own_jid: &str,
        now_ms: i64,
    ) -> Result<MessageRow, StoreError> {
        self.write(|tx| {
            let chat = chat_id(tx, peer, now_ms)?;
            tx.execute(
                "INSERT INTO messages (chat_id, client_id, outgoing, sender, body, timestamp_ms, state)
                 VALUES (?1, ?2, 1, ?3, ?4, ?5, 'queued')",
                params![chat, client_id, own_jid, body, now_ms],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute("INSERT INTO outbox (message_id) VALUES (?1)", [id])?;
            Ok(MessageRow {
                id,
                peer: peer.to_owned(),
                client_id: Some(client_id.to_owned()),
                network_id: None,
                outgoing: true,
                sender: own_jid.to_owned(),
                body: body.to_owned(),
                timestamp_ms: now_ms,
                state: MessageState::Queued,
                kind: MessageKind::Message,
                from_stranger: false,
            })
        })
    }

    /// The outbox, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxItem>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT m.client_id, ch.peer, m.body FROM outbox o
                 JOIN messages m ON m.id = o.message_id JOIN chats ch ON ch.id = m.chat_id
                 ORDER BY o.seq",
            )?;
            let rows = statement.query_map([], |r| {
                Ok(OutboxItem {
                    client_id: r.get(0)?,
                    to: r.get(1)?,
                    body: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// How many messages wait in the outbox.
    pub fn outbox_len(&self) -> Result<u32, StoreError> {
        self.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))?))
    }

    /// The gateway took the message: it leaves the outbox as sent.
    pub(crate) fn mark_sent(&self, client_id: &str, network_id: &str) -> Result<(), StoreError> {
        self.settle(client_id, MessageState::Sent, Some(network_id))
    }

    /// The gateway refused the message for good: it leaves the outbox as failed.
    pub(crate) fn mark_failed(&self, client_id: &str) -> Result<(), StoreError> {
        self.settle(client_id, MessageState::Failed, None)
    }

    fn settle(
        &self,
        client_id: &str,
        state: MessageState,
        network_id: Option<&str>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let id: i64 = tx
                .query_row("SELECT id FROM messages WHERE client_id = ?1", [client_id], |r| r.get(0))
                .optional()?
                .ok_or_else(|| StoreError::UnknownMessage(client_id.to_owned()))?;
            tx.execute(
                "UPDATE messages SET state = ?1, network_id = coalesce(?2, network_id) WHERE id = ?3",
                params![state.as_str(), network_id, id],
            )?;
            tx.execute("DELETE FROM outbox WHERE message_id = ?1", [id])?;
            Ok(())
        })
    }
}
