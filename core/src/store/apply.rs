//! Applying what the gateway sends to the store: a batch of events with the
//! cursor that follows them, or a page of the archive with the archive
//! position that follows it, each in one transaction, so a crash leaves either
//! all of it or none.

use rusqlite::{OptionalExtension, Transaction, params};
use splitline_protocol::{ArchivePage, ArchivedMessage, ContactPresence, Event, EventEnvelope};

use super::{
    Store, StoreError,
    changes::{CallUpdate, Changes, IncomingCall},
    contacts::{availability_str, upsert_contact},
    keys::{ARCHIVE_CURSOR, CATCH_UP, CATCH_UP_ROW, CURSOR},
    messages::store_message,
    own_presence, put_sync_value,
    read_state::apply_displayed,
    rooms, subscription_requests,
};
use crate::util::now_ms;

impl Store {
    /// Applies `events` and stores `next_cursor`, in one transaction. Unless a
    /// catch-up is due, the newest archived message moves the archive cursor.
    pub fn apply_events(
        &self,
        events: &[EventEnvelope],
        next_cursor: &str,
    ) -> Result<Changes, StoreError> {
        self.write(|tx| apply_batch(tx, events, next_cursor))
    }

    /// As [`Store::apply_events`], if the stored cursor is still `from`, the
    /// one the batch was fetched after; `None` (and nothing stored) if
    /// another poller of this store moved it on: that batch is in already.
    pub(crate) fn apply_events_from(
        &self,
        from: &str,
        events: &[EventEnvelope],
        next_cursor: &str,
    ) -> Result<Option<Changes>, StoreError> {
        self.write(|tx| {
            if stored_value(tx, CURSOR)?.as_deref().unwrap_or_default() != from {
                return Ok(None);
            }
            apply_batch(tx, events, next_cursor).map(Some)
        })
    }

    /// Marks a catch-up from the archive as due (after a new sign-in), and
    /// notes the newest message stored before it.
    pub(crate) fn catch_up_due(&self) -> Result<(), StoreError> {
        self.write(|tx| {
            let newest: i64 =
                tx.query_row("SELECT coalesce(max(id), 0) FROM messages", [], |r| {
                    r.get(0)
                })?;
            put_sync_value(tx, CATCH_UP_ROW, Some(&newest.to_string()))?;
            put_sync_value(tx, CATCH_UP, Some("due"))
        })
    }

    /// True while a catch-up of the user's 1:1 archive is due or under way.
    pub fn catching_up(&self) -> Result<bool, StoreError> {
        Ok(self.sync_value(CATCH_UP)?.is_some())
    }

    /// Stores a page of the archive and the position after it, in one
    /// transaction; a complete page ends the catch-up.
    pub(crate) fn apply_archive_page(&self, page: &ArchivePage) -> Result<Changes, StoreError> {
        self.apply_page(None, page)
    }

    /// Stores a page of `room`'s archive and the position after it, in one
    /// transaction; a complete page ends the room's catch-up.
    pub(crate) fn apply_room_archive_page(
        &self,
        room: &str,
        page: &ArchivePage,
    ) -> Result<Changes, StoreError> {
        self.apply_page(Some(room), page)
    }

    /// Stores a page of the user's 1:1 archive, or of `room`'s, and the
    /// position after it, in one transaction; a complete page ends that
    /// catch-up.
    pub(crate) fn apply_page(
        &self,
        room: Option<&str>,
        page: &ArchivePage,
    ) -> Result<Changes, StoreError> {
        self.write(|tx| {
            let mut changes = Changes::default();
            for archived in &page.messages {
                store_archived(tx, archived, room, &mut changes)?;
            }
            if page.last.is_some() {
                put_archive_position(tx, room, page.last.as_deref())?;
            }
            if page.complete {
                match room {
                    Some(room) => {
                        tx.execute("UPDATE rooms SET catch_up = 0 WHERE jid = ?1", [room])?;
                    }
                    None => put_sync_value(tx, CATCH_UP, None)?,
                }
            }
            Ok(changes)
        })
    }
}

/// Applies `events` and stores `next_cursor` in `tx`; unless a catch-up is
/// due, the newest archived message moves the archive cursor.
fn apply_batch(
    tx: &Transaction<'_>,
    events: &[EventEnvelope],
    next_cursor: &str,
) -> Result<Changes, StoreError> {
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
}

/// Stores a message of the user's 1:1 archive, or of `room`'s.
pub(super) fn store_archived(
    tx: &Transaction<'_>,
    archived: &ArchivedMessage,
    room: Option<&str>,
    changes: &mut Changes,
) -> Result<(), StoreError> {
    let peer = archived_peer(archived, room);
    store_message(tx, &archived.message, peer, archived.outgoing, changes)
}

/// The chat a message of the user's 1:1 archive, or of `room`'s, belongs to.
pub(super) fn archived_peer<'a>(archived: &'a ArchivedMessage, room: Option<&'a str>) -> &'a str {
    match room {
        Some(room) => room,
        None if archived.outgoing => &archived.message.to,
        None => &archived.message.from,
    }
}

/// Sets the position in the user's 1:1 archive, or in `room`'s.
pub(super) fn put_archive_position(
    tx: &Transaction<'_>,
    room: Option<&str>,
    position: Option<&str>,
) -> Result<(), StoreError> {
    match room {
        Some(room) => {
            tx.execute(
                "UPDATE rooms SET archive_cursor = ?2 WHERE jid = ?1",
                params![room, position],
            )?;
        }
        None => put_sync_value(tx, ARCHIVE_CURSOR, position)?,
    }
    Ok(())
}

fn catch_up_due(tx: &Transaction<'_>) -> Result<bool, StoreError> {
    Ok(stored_value(tx, CATCH_UP)?.is_some())
}

/// The sync value `key` as `tx` sees it.
fn stored_value(tx: &Transaction<'_>, key: &str) -> Result<Option<String>, StoreError> {
    Ok(tx
        .query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

fn apply(tx: &Transaction<'_>, event: &Event, changes: &mut Changes) -> Result<(), StoreError> {
    match event {
        Event::ContactAdded { contact } | Event::ContactChanged { contact } => {
            upsert_contact(tx, contact)?;
            changes.contact_changed(&contact.jid);
            subscription_requests::settled_by(tx, contact, changes)?;
        }
        Event::ContactRemoved { jid } => {
            tx.execute("DELETE FROM contacts WHERE jid = ?1", [jid])?;
            changes.contact_changed(jid);
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
            changes.contact_changed(jid);
        }
        Event::SubscriptionRequested { from } => {
            subscription_requests::received(tx, from, now_ms(), changes)?
        }
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
        Event::OwnPresenceChanged {
            availability,
            status,
        } => {
            let presence = ContactPresence {
                availability: *availability,
                status: status.clone(),
            };
            own_presence::followed(tx, presence, changes)?
        }
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
            caller_name,
            caller_verified,
            callback_from,
        } => changes.incoming_calls.push(IncomingCall {
            call_id: call_id.clone(),
            caller: caller.clone(),
            caller_name: caller_name.clone(),
            caller_verified: *caller_verified,
            callback_from: callback_from.clone(),
        }),
        Event::MobileNumberVerified { number } => changes.mobile_verified = Some(number.clone()),
        Event::SessionEnded { reason } => changes.session_ended = Some(*reason),
    }
    Ok(())
}
