//! Group chats: the user's rooms, and catching up on each room from its own
//! archive. A room's chat is the chat whose peer is the room's address.

use rusqlite::{OptionalExtension, Transaction, params};
use splitline_protocol::Room;

use super::{Store, StoreError};

/// A room the user is or was in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomRow {
    /// The room's address (also its chat's peer).
    pub jid: String,
    /// Its name.
    pub name: String,
    /// False once the user left or was removed.
    pub joined: bool,
}

/// A room whose archive is to be read from `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoomCatchUp {
    pub room: String,
    /// The archive position to read after (the newest page without it).
    pub after: Option<String>,
}

/// Notes that the user is in `room`; a room new to the user (or rejoined)
/// has to catch up from its archive.
pub(super) fn joined(tx: &Transaction<'_>, room: &Room) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO rooms (jid, name, joined, catch_up) VALUES (?1, ?2, 1, 1)
         ON CONFLICT (jid) DO UPDATE SET name = excluded.name, joined = 1,
             catch_up = CASE WHEN joined = 0 THEN 1 ELSE catch_up END",
        params![room.jid, room.name],
    )?;
    Ok(())
}

/// A room's new name.
pub(super) fn renamed(tx: &Transaction<'_>, room: &Room) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE rooms SET name = ?2 WHERE jid = ?1",
        params![room.jid, room.name],
    )?;
    Ok(())
}

/// The user is no longer in `room`; its chat and messages stay.
pub(super) fn left(tx: &Transaction<'_>, room: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE rooms SET joined = 0, catch_up = 0 WHERE jid = ?1",
        [room],
    )?;
    Ok(())
}

/// Moves a room's archive position to a live message, unless the room is
/// still catching up (then the catch-up's pages move it).
pub(super) fn live_position(
    tx: &Transaction<'_>,
    room: &str,
    archive_id: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE rooms SET archive_cursor = ?2 WHERE jid = ?1 AND catch_up = 0",
        params![room, archive_id],
    )?;
    Ok(())
}

impl Store {
    /// Takes the user's rooms as the gateway lists them after a sign-in:
    /// each of them catches up from its archive; any other room was left on
    /// another device.
    pub(crate) fn replace_rooms(&self, rooms: &[Room]) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("UPDATE rooms SET joined = 0, catch_up = 0", [])?;
            for room in rooms {
                tx.execute(
                    "INSERT INTO rooms (jid, name, joined, catch_up) VALUES (?1, ?2, 1, 1)
                     ON CONFLICT (jid) DO UPDATE SET name = excluded.name, joined = 1, catch_up = 1",
                    params![room.jid, room.name],
                )?;
            }
            Ok(())
        })
    }

    /// The next room that has to catch up, if any.
    pub(crate) fn next_room_catch_up(&self) -> Result<Option<RoomCatchUp>, StoreError> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT jid, archive_cursor FROM rooms WHERE catch_up = 1 AND joined = 1
                 ORDER BY jid LIMIT 1",
                [],
                |r| {
                    Ok(RoomCatchUp {
                        room: r.get(0)?,
                        after: r.get(1)?,
                    })
                },
            )
            .optional()?)
        })
    }

    /// Ends a room's catch-up without reading (the gateway says the user is
    /// not in it any more).
    pub(crate) fn end_room_catch_up(&self, room: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("UPDATE rooms SET catch_up = 0 WHERE jid = ?1", [room])?;
            Ok(())
        })
    }

    /// The rooms the user is in, by name.
    pub fn rooms(&self) -> Result<Vec<RoomRow>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT jid, name, joined FROM rooms WHERE joined = 1
                 ORDER BY name COLLATE NOCASE, jid",
            )?;
            let rows = statement.query_map([], |r| {
                Ok(RoomRow {
                    jid: r.get(0)?,
                    name: r.get(1)?,
                    joined: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
