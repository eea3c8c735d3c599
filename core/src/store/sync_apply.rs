//! Applying what the gateway sends to the store: a batch of events with the
//! cursor that follows them, or a page of the archive with the archive
//! position that follows it, each in one transaction, so a crash leaves either
//! all of it or none.

use rusqlite::{OptionalExtension, Transaction, params};
use splitline_protocol::{
    ArchivePage, CallEndReason, CallState, ChatMessage, Contact, Event, EventEnvelope,
    SessionEndReason,
};

use super::{
    MessageState, Store, StoreError,
    keys::{ARCHIVE_CURSOR, CATCH_UP, CURSOR},
    put_sync_value,
    read_state::{apply_awaited_position, apply_displayed},
    records::{availability_str, chat_id, upsert_contact},
    rooms,
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
    /// The user's rooms changed (joined, renamed or left).
    pub rooms: bool,
    /// People asking to see the user's presence.
    pub subscription_requests: Vec<String>,
    /// The session ended, and why.
    pub session_ended: Option<SessionEndReason>,
    /// Calls that moved on, in order.
    pub calls: Vec<CallUpdate>,
    /// Calls to the user forwarded to their mobile, in order.
    pub incoming_calls: Vec<IncomingCall>,
    /// The user's mobile number was verified (E.164).
    pub mobile_verified: Option<String>,
}

/// Someone calls the user; the gateway forwards the call to the mobile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCall {
    /// The call.
    pub call_id: String,
    /// Who calls.
    pub caller: String,
    /// The caller id the forwarded call rings the mobile from.
    pub callback_from: String,
}

/// A call placed by the gateway moved on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallUpdate {
    /// The call.
    pub call_id: String,
    /// Where it is now.
    pub state: CallState,
    /// With `ended`: why.
    pub reason: Option<CallEndReason>,
}

impl Changes {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    fn touched(&mut self, peer: &str) {
        if !self.chats.iter().any(|p| p == peer) {
            self.chats.push(peer.to_owned());
        }
    }
}

impl Store {
    /// Applies `events` and stores `next_cursor`, in one transaction. Unless a
    /// catch-up is due, the newest archived message moves the archive cursor.
    pub fn apply_events(
        &self,
        events: &[EventEnvelope],
        next_cursor: &str,
    ) -> Result<Changes, StoreError> {
        self.write(|tx| {
            let mut changes = Changes::default();
            let mut newest_archived = None;
            for envelope in events {
                apply(tx, &envelope.event, &mut changes)?;
                if let Event::MessageReceived { message } | Event::MessageSentElsewhere { message } =
                    &envelope.event
                    && let Some(archive_id) = &message.archive_id
                {
                    match &message.room {
                        Some(room) => rooms::live_position(tx, room, archive_id)?,
                        None => newest_archived = Some(archive_id.as_str()),
                    }
                }
            }
            put_sync_value(tx, CURSOR, Some(next_cursor))?;
            if newest_archived.is_some() && !catch_up_due(tx)? {
                put_sync_value(tx, ARCHIVE_CURSOR, newest_archived)?;
            }
            Ok(changes)
        })
    }

    /// Replaces the contact list with a snapshot and stores its cursor
    /// (resync); messages missed meanwhile come from the archive, so a
    /// catch-up becomes due.
    pub fn replace_contacts(&self, contacts: &[Contact], cursor: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM contacts", [])?;
            for contact in contacts {
                upsert_contact(tx, contact)?;
            }
            put_sync_value(tx, CURSOR, Some(cursor))?;
            put_sync_value(tx, CATCH_UP, Some("due"))
        })
    }

    /// Marks a catch-up from the archive as due (after a new sign-in).
    pub fn catch_up_due(&self) -> Result<(), StoreError> {
        self.write(|tx| put_sync_value(tx, CATCH_UP, Some("due")))
    }

    /// True while a catch-up of the user's 1:1 archive is due or under way.
    pub fn catching_up(&self) -> Result<bool, StoreError> {
        Ok(self.sync_value(CATCH_UP)?.is_some())
    }

    /// Stores a page of the archive and the position after it, in one
    /// transaction; a complete page ends the catch-up.
    pub fn apply_archive_page(&self, page: &ArchivePage) -> Result<Changes, StoreError> {
        self.write(|tx| {
            let mut changes = Changes::default();
            for archived in &page.messages {
                let message = &archived.message;
                let peer = if archived.outgoing {
                    &message.to
                } else {
                    &message.from
                };
                store_message(tx, message, peer, archived.outgoing, &mut changes)?;
            }
            if page.last.is_some() {
                put_sync_value(tx, ARCHIVE_CURSOR, page.last.as_deref())?;
            }
            if page.complete {
                put_sync_value(tx, CATCH_UP, None)?;
            }
            Ok(changes)
        })
    }
}

fn catch_up_due(tx: &Transaction<'_>) -> Result<bool, StoreError> {
    Ok(tx
        .query_row(
            "SELECT 1 FROM sync_state WHERE key = ?1",
            [CATCH_UP],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
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
            let peer = message.room.as_ref().unwrap_or(&message.from);
            store_message(tx, message, peer, false, changes)?
        }
        Event::MessageSentElsewhere { message } => {
            let peer = message.room.as_ref().unwrap_or(&message.to);
            store_message(tx, message, peer, true, changes)?
        }
        Event::RoomJoined { room } => {
            rooms::joined(tx, room)?;
            changes.rooms = true;
        }
        Event::RoomChanged { room } => {
            rooms::renamed(tx, room)?;
            changes.rooms = true;
        }
        Event::RoomLeft { room, .. } => {
            rooms::left(tx, room)?;
            changes.rooms = true;
        }
        // The core keeps no own presence yet: the user sets it, and the
        // gateway's session follows their other logins by itself.
        Event::OwnPresenceChanged { .. } => {}
        Event::Displayed {
            peer,
            network_id,
            by_user,
        } => {
            if apply_displayed(tx, peer, network_id, *by_user)? {
                changes.touched(peer);
            }
        }
        Event::CallChanged {
            call_id,
            state,
            reason,
        } => changes.calls.push(CallUpdate {
            call_id: call_id.clone(),
            state: *state,
            reason: *reason,
        }),
        Event::CallIncoming {
            call_id,
            caller,
            callback_from,
        } => changes.incoming_calls.push(IncomingCall {
            call_id: call_id.clone(),
            caller: caller.clone(),
            callback_from: callback_from.clone(),
        }),
        Event::MobileNumberVerified { number } => changes.mobile_verified = Some(number.clone()),
        Event::SessionEnded { reason } => changes.session_ended = Some(*reason),
    }
    Ok(())
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
             (chat_id, network_id, archive_id, outgoing, sender, body, timestamp_ms, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            chat,
            message.network_id,
            message.archive_id,
            outgoing,
            message.from,
            message.body,
            message.timestamp_ms,
            state.as_str()
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
