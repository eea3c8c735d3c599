//! What the store holds, the paged queries over it, and the outbox.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use splitline_protocol::{Availability, Contact, ContactPresence, Subscription};

use super::{Store, StoreError};

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

fn corrupt(what: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        what,
        value: value.to_owned(),
    }
}

pub(super) fn subscription_str(s: Subscription) -> &'static str {
    match s {
        Subscription::None => "none",
        Subscription::From => "from",
        Subscription::To => "to",
        Subscription::Both => "both",
    }
}

fn parse_subscription(value: &str) -> Result<Subscription, StoreError> {
    Ok(match value {
        "none" => Subscription::None,
        "from" => Subscription::From,
        "to" => Subscription::To,
        "both" => Subscription::Both,
        other => return Err(corrupt("subscription", other)),
    })
}

pub(super) fn availability_str(a: Availability) -> &'static str {
    match a {
        Availability::Available => "available",
        Availability::Chat => "chat",
        Availability::Away => "away",
        Availability::ExtendedAway => "extended_away",
        Availability::DoNotDisturb => "do_not_disturb",
        Availability::Offline => "offline",
    }
}

fn parse_availability(value: &str) -> Result<Availability, StoreError> {
    Ok(match value {
        "available" => Availability::Available,
        "chat" => Availability::Chat,
        "away" => Availability::Away,
        "extended_away" => Availability::ExtendedAway,
        "do_not_disturb" => Availability::DoNotDisturb,
        "offline" => Availability::Offline,
        other => return Err(corrupt("availability", other)),
    })
}

/// A chat in the chat list: 1:1, or a room's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chat {
    /// The other party's address, or the room's.
    pub peer: String,
    /// The room's name, for a room's chat.
    pub room_name: Option<String>,
    /// Time of the newest message, ms since the epoch.
    pub last_activity_ms: i64,
    /// Incoming messages not yet viewed.
    pub unread: u32,
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
    /// The text.
    pub body: String,
    /// When it was sent, ms since the epoch.
    pub timestamp_ms: i64,
    /// Where it is.
    pub state: MessageState,
}

/// A message waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// Its client id.
    pub client_id: String,
    /// The recipient.
    pub to: String,
    /// The text.
    pub body: String,
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

fn contact_from_row(row: &Row<'_>) -> rusqlite::Result<Contact> {
    Ok(Contact {
        jid: row.get(0)?,
        name: row.get(1)?,
        subscription: parsed(row, 2, parse_subscription)?,
        pending_out: row.get(3)?,
        presence: ContactPresence {
            availability: parsed(row, 4, parse_availability)?,
            status: row.get(5)?,
        },
    })
}

const MESSAGE_COLUMNS: &str = "m.id, c.peer, m.client_id, m.network_id, m.outgoing, m.sender, m.body, m.timestamp_ms, m.state";

fn message_from_row(row: &Row<'_>) -> rusqlite::Result<MessageRow> {
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
    })
}

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

/// Inserts or updates a contact with its presence.
pub(super) fn upsert_contact(tx: &Transaction<'_>, contact: &Contact) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO contacts (jid, name, subscription, pending_out, availability, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (jid) DO UPDATE SET name = excluded.name, subscription = excluded.subscription,
             pending_out = excluded.pending_out, availability = excluded.availability, status = excluded.status",
        params![
            contact.jid,
            contact.name,
            subscription_str(contact.subscription),
            contact.pending_out,
            availability_str(contact.presence.availability),
            contact.presence.status
        ],
    )?;
    Ok(())
}

impl Store {
    /// Contacts by display name, `limit` from `offset`.
    pub fn contacts_page(&self, offset: u32, limit: u32) -> Result<Vec<Contact>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT jid, name, subscription, pending_out, availability, status FROM contacts
                 ORDER BY coalesce(name, jid) COLLATE NOCASE, jid LIMIT ?1 OFFSET ?2",
            )?;
            let rows = statement.query_map(params![limit, offset], contact_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Open chats (a closed chat shows again once a newer message arrives),
    /// most recent first, `limit` from `offset`.
    pub fn chats_page(&self, offset: u32, limit: u32) -> Result<Vec<Chat>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT c.peer, c.last_activity_ms, c.unread, r.name FROM chats c
                 LEFT JOIN rooms r ON r.jid = c.peer
                 WHERE c.closed_up_to_ms IS NULL OR c.last_activity_ms > c.closed_up_to_ms
                 ORDER BY c.last_activity_ms DESC, c.id DESC LIMIT ?1 OFFSET ?2",
            )?;
            let rows = statement.query_map(params![limit, offset], |r| {
                Ok(Chat {
                    peer: r.get(0)?,
                    room_name: r.get(3)?,
                    last_activity_ms: r.get(1)?,
                    unread: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

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

    /// The gateway took the message: it leaves the outbox as sent.
    pub fn mark_sent(&self, client_id: &str, network_id: &str) -> Result<(), StoreError> {
        self.settle(client_id, MessageState::Sent, Some(network_id))
    }

    /// The gateway refused the message for good: it leaves the outbox as failed.
    pub fn mark_failed(&self, client_id: &str) -> Result<(), StoreError> {
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
