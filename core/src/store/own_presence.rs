//! The user's own presence, as set on this device (or followed from another
//! login): kept across restarts, and due to be sent after each change and
//! after each new sign-in (the gateway starts a session plainly available).

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use splitline_protocol::{Availability, ContactPresence};

use super::{
    Store, StoreError,
    changes::Changes,
    contacts::{availability_str, parse_availability},
    parsed,
};

/// The presence a new gateway session starts with.
fn session_default() -> ContactPresence {
    ContactPresence {
        availability: Availability::Available,
        status: None,
    }
}

fn stored(conn: &Connection) -> Result<Option<(ContactPresence, i64, i64)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT availability, status, generation, sent_generation FROM own_presence WHERE id = 1",
            [],
            |r| {
                Ok((
                    ContactPresence {
                        availability: parsed(r, 0, parse_availability)?,
                        status: r.get(1)?,
                    },
                    r.get(2)?,
                    r.get(3)?,
                ))
            },
        )
        .optional()?)
}

/// Stores `presence`; `due` makes it wait to be sent.
fn put(tx: &Transaction<'_>, presence: &ContactPresence, due: bool) -> Result<(), StoreError> {
    let generation = stored(tx)?.map_or(0, |(_, g, _)| g) + 1;
    let sent = if due { generation - 1 } else { generation };
    tx.execute(
        "INSERT INTO own_presence (id, availability, status, generation, sent_generation)
         VALUES (1, ?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET availability = excluded.availability,
             status = excluded.status, generation = excluded.generation,
             sent_generation = excluded.sent_generation",
        params![
            availability_str(presence.availability),
            presence.status,
            generation,
            sent
        ],
    )?;
    Ok(())
}

/// The user set a presence on another login and the gateway's session
/// follows it: stored as sent, unless a change made here still waits (the
/// newest change the user made here goes out then).
pub(super) fn followed(
    tx: &Transaction<'_>,
    presence: ContactPresence,
    changes: &mut Changes,
) -> Result<(), StoreError> {
    if stored(tx)?.is_some_and(|(_, generation, sent)| generation != sent) {
        return Ok(());
    }
    put(tx, &presence, false)?;
    changes.own_presence = true;
    Ok(())
}

impl Store {
    /// The user's own presence (plainly available until one is set).
    pub fn own_presence(&self) -> Result<ContactPresence, StoreError> {
        self.read(|c| Ok(stored(c)?.map_or_else(session_default, |(p, _, _)| p)))
    }

    /// Stores a presence the user set here, due to be sent.
    pub(crate) fn set_own_presence(&self, presence: &ContactPresence) -> Result<(), StoreError> {
        self.write(|tx| put(tx, presence, true))
    }

    /// After a new sign-in: a presence other than the session's plain
    /// available is due to be sent again.
    pub(crate) fn own_presence_due_after_sign_in(&self) -> Result<(), StoreError> {
        self.write(|tx| {
            if let Some((presence, generation, sent)) = stored(tx)?
                && generation == sent
                && presence != session_default()
            {
                put(tx, &presence, true)?;
            }
            Ok(())
        })
    }

    /// The presence due to be sent, with its generation, if one is.
    pub(crate) fn own_presence_due(&self) -> Result<Option<(ContactPresence, i64)>, StoreError> {
        self.read(|c| {
            Ok(stored(c)?
                .filter(|(_, generation, sent)| generation != sent)
                .map(|(p, generation, _)| (p, generation)))
        })
    }

    /// The presence of `generation` went out: unless the user changed it
    /// meanwhile, nothing is due any more.
    pub(crate) fn own_presence_sent(&self, generation: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE own_presence SET sent_generation = ?1 WHERE id = 1 AND sent_generation < ?1",
                [generation],
            )?;
            Ok(())
        })
    }
}
