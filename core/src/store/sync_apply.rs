//! Applying a batch of gateway events to the store, in one transaction with
//! the cursor that follows them: a crash leaves either all of it or none.

use rusqlite::{Transaction, params};
use splitline_protocol::{ChatMessage, Contact, Event, EventEnvelope, SessionEndReason};

use super::{
    MessageState, Store, StoreError,
    keys::CURSOR,
    records::{availability_str, chat_id, upsert_contact},
};

/// What a batch changed, for listeners.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The contact list or a presence changed.
    pub contacts: bool,
    /// Chats that got new messages, by peer.
    pub chats: Vec<String>,
    /// New messages stored (duplicates not counted).
    pub new_messages: usize,
    /// People asking to see the user's presence.
    pub subscription_requests: Vec<String>,
    /// The session ended, and why.
    pub session_ended: Option<SessionEndReason>,
}

impl Changes {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl Store {
    /// Applies `events` and stores `next_cursor`, in one transaction.
    pub fn apply_events(
        &self,
        events: &[EventEnvelope],
        next_cursor: &str,
    ) -> Result<Changes, StoreError> {
        self.write(|tx| {
            let mut changes = Changes::default();
            for envelope in events {
                apply(tx, &envelope.event, &mut changes)?;
            }
            tx.execute(
                "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![CURSOR, next_cursor],
            )?;
            Ok(changes)
        })
    }

    /// Replaces the contact list with a snapshot and stores its cursor (resync).
    pub fn replace_contacts(&self, contacts: &[Contact], cursor: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM contacts", [])?;
            for contact in contacts {
                upsert_contact(tx, contact)?;
            }
            tx.execute(
                "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![CURSOR, cursor],
            )?;
            Ok(())
        })
    }
}

fn apply(tx: &Transaction<'_>, event: &Event, changes: &mut Changes) -> Result<(), StoreError> {
    match event {
        Event::ContactAdded { contact } | Event::ContactChanged { contact } => {
            upsert_contact(tx, contact)?;
            changes.contacts = true;
        }
        Event::ContactRemoved { jid } => {
            tx.execute("DELETE FROM contacts WHERE jid = ?1", [jid])?;
            changes.contacts = true;
        }
        Event::PresenceChanged { jid, presence } => {
            tx.execute(
                "UPDATE contacts SET availability = ?1, status = ?2 WHERE jid = ?3",
                params![
                    availability_str(presence.availability),
                    presence.status,
                    jid
                ],
            )?;
            changes.contacts = true;
        }
        Event::SubscriptionRequested { from } => changes.subscription_requests.push(from.clone()),
        Event::MessageReceived { message } => {
            store_message(tx, message, &message.from, false, changes)?
        }
        Event::MessageSentElsewhere { message } => {
            store_message(tx, message, &message.to, true, changes)?
        }
        Event::SessionEnded { reason } => changes.session_ended = Some(*reason),
    }
    Ok(())
}

/// Stores a message once: the same network id from the same sender in the same
/// chat is a duplicate (a replay after a lost response, or a carbon).
fn store_message(
    tx: &Transaction<'_>,
    message: &ChatMessage,
    peer: &str,
    outgoing: bool,
    changes: &mut Changes,
) -> Result<(), StoreError> {
    let chat = chat_id(tx, peer, message.timestamp_ms)?;
    let state = if outgoing {
        MessageState::Sent
    } else {
        MessageState::Delivered
    };
    let inserted = tx.execute(
        "INSERT OR IGNORE INTO messages (chat_id, network_id, outgoing, sender, body, timestamp_ms, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![chat, message.network_id, outgoing, message.from, message.body, message.timestamp_ms, state.as_str()],
    )?;
    if inserted == 0 {
        return Ok(());
    }
    if !outgoing {
        tx.execute("UPDATE chats SET unread = unread + 1 WHERE id = ?1", [chat])?;
    }
    changes.new_messages += 1;
    if !changes.chats.iter().any(|p| p == peer) {
        changes.chats.push(peer.to_owned());
    }
    Ok(())
}
