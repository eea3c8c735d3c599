//! The user's rooms as the session knows them, kept as bookmarks (XEP-0048)
//! so that every device lists them. Pure state: the worker asks it what to
//! join and what to write back.

use std::collections::BTreeMap;

use splitline_protocol::Room;
use tokio_xmpp::{
    jid::BareJid,
    minidom::Element,
    parsers::bookmarks::{Conference, Storage},
};

use crate::xmpp::xep::{bookmarks, muc};

/// The user's rooms as the gateway knows them: those in the bookmarks, with
/// the rest of the bookmarks kept as they were.
#[derive(Debug, Default)]
pub(super) struct RoomBook {
    /// Whether the bookmarks have been read on this stream.
    loaded: bool,
    /// Whether a change waits to be written once the bookmarks are read.
    dirty: bool,
    rooms: BTreeMap<BareJid, RoomEntry>,
    /// Bookmarks Splitline does not join (other clients' rooms without
    /// autojoin, and links), written back untouched.
    others: Storage,
}

#[derive(Debug, Clone)]
struct RoomEntry {
    name: String,
    joined: bool,
}

impl RoomBook {
    /// True once the bookmarks were read.
    pub(super) fn loaded(&self) -> bool {
        self.loaded
    }

    /// Takes the bookmarks read from the server, keeping rooms joined since
    /// the read was asked for; returns the rooms to join.
    pub(super) fn load(&mut self, storage: Storage) -> Vec<BareJid> {
        self.loaded = true;
        self.others = Storage::new();
        for conference in storage.conferences {
            if conference.autojoin {
                self.rooms.entry(conference.jid).or_insert(RoomEntry {
                    name: conference.name.unwrap_or_default(),
                    joined: false,
                });
            } else {
                self.others.conferences.push(conference);
            }
        }
        self.others.urls = storage.urls;
        self.rooms.keys().cloned().collect()
    }

    /// A stream that did not resume is in no room and must read the
    /// bookmarks again (another device may have changed them).
    pub(super) fn reset(&mut self) {
        *self = Self::default();
    }

    /// The payload that stores the bookmarks as they are now, or `None`
    /// before they were read (the change is written once they are).
    pub(super) fn write(&mut self, own: &BareJid) -> Option<Element> {
        if !self.loaded {
            self.dirty = true;
            return None;
        }
        self.dirty = false;
        Some(self.write_query(own))
    }

    /// True once if a change waited for the bookmarks to be read.
    pub(super) fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// True when `room` is one of the user's rooms.
    pub(super) fn contains(&self, room: &BareJid) -> bool {
        self.rooms.contains_key(room)
    }

    /// Adds a room (or renames it); true if it was new.
    pub(super) fn insert(&mut self, room: BareJid, name: String) -> bool {
        match self.rooms.get_mut(&room) {
            Some(entry) => {
                entry.name = name;
                false
            }
            None => {
                self.rooms.insert(
                    room,
                    RoomEntry {
                        name,
                        joined: false,
                    },
                );
                true
            }
        }
    }

    /// Forgets a room; true if it was known.
    pub(super) fn remove(&mut self, room: &BareJid) -> bool {
        self.rooms.remove(room).is_some()
    }

    /// Keeps a bookmark another login made for a room it does not join, so
    /// that the next write keeps it too.
    pub(super) fn keep_other(&mut self, room: BareJid, name: Option<String>) {
        self.forget_other(&room);
        self.others.conferences.push(Conference {
            autojoin: false,
            jid: room,
            name,
            nick: None,
            password: None,
        });
    }

    /// Forgets another login's bookmark of `room` that Splitline did not join.
    pub(super) fn forget_other(&mut self, room: &BareJid) {
        self.others.conferences.retain(|c| c.jid != *room);
    }

    /// Notes that the user is in `room` now; the room as the phone sees it,
    /// if this is news (the first join on this stream).
    pub(super) fn joined(&mut self, room: &BareJid) -> Option<Room> {
        let entry = self.rooms.get_mut(room)?;
        if entry.joined {
            return None;
        }
        entry.joined = true;
        Some(Room {
            jid: room.to_string(),
            name: entry.name.clone(),
        })
    }

    /// Sets a room's name; the room if the name changed.
    pub(super) fn rename(&mut self, room: &BareJid, name: &str) -> Option<Room> {
        let entry = self.rooms.get_mut(room)?;
        if entry.name == name {
            return None;
        }
        entry.name = name.to_owned();
        Some(Room {
            jid: room.to_string(),
            name: name.to_owned(),
        })
    }

    /// The user's rooms, by address.
    pub(super) fn rooms(&self) -> Vec<Room> {
        self.rooms
            .iter()
            .map(|(jid, entry)| Room {
                jid: jid.to_string(),
                name: entry.name.clone(),
            })
            .collect()
    }

    fn write_query(&self, own: &BareJid) -> Element {
        let mut storage = Storage::new();
        storage.urls = self.others.urls.clone();
        storage.conferences = self.others.conferences.clone();
        storage
            .conferences
            .extend(self.rooms.iter().map(|(jid, entry)| Conference {
                autojoin: true,
                jid: jid.clone(),
                name: Some(entry.name.clone()).filter(|n| !n.is_empty()),
                nick: muc::nick(own).ok(),
                password: None,
            }));
        bookmarks::store(storage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::xep::bookmarks::parse_bookmarks;

    fn room() -> BareJid {
        BareJid::new("team@conference.localhost").unwrap()
    }

    fn own() -> BareJid {
        BareJid::new("alice@localhost").unwrap()
    }

    #[test]
    fn bookmarks_keep_what_splitline_does_not_manage() {
        let mut book = RoomBook::default();
        let other = BareJid::new("other@conference.example").unwrap();
        let storage = Storage {
            conferences: vec![
                Conference {
                    autojoin: true,
                    jid: room(),
                    name: Some("Team".into()),
                    nick: None,
                    password: None,
                },
                Conference {
                    autojoin: false,
                    jid: other.clone(),
                    name: None,
                    nick: None,
                    password: None,
                },
            ],
            urls: vec![],
        };
        assert_eq!(book.load(storage), vec![room()]);
        assert!(book.contains(&room()) && !book.contains(&other));
        let written = parse_bookmarks(book.write(&own()));
        assert_eq!(written.conferences.len(), 2);
        assert!(
            written
                .conferences
                .iter()
                .any(|c| c.jid == other && !c.autojoin)
        );
        assert_eq!(book.joined(&room()).map(|r| r.name), Some("Team".into()));
        assert_eq!(book.joined(&room()), None, "a second join is no news");
    }
}
