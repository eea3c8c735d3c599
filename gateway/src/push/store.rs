//! The durable registrations: one JSON line per change (registered,
//! unregistered, a room's setting), the last per device winning, so they
//! survive a restart and apply again when the device signs in again. When
//! the file has grown well past what is live, opening it compacts it.

use std::{collections::HashMap, path::Path, sync::Mutex};

use serde::{Deserialize, Serialize};
use splitline_protocol::{PushContent, PushRegistrationInfo, RoomPush};

use crate::{
    jsonl::{JsonLines, JsonLinesError},
    util::lock,
};

/// A device of an account: whom a registration belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct DeviceKey {
    /// The account's bare address.
    pub(crate) account: String,
    /// The session's device id.
    pub(crate) device: String,
}

/// A device's registration as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stored {
    /// The endpoint URL (a capability: never logged whole).
    pub(crate) endpoint: String,
    /// The origin of the endpoint.
    pub(crate) origin: String,
    /// The device's public key, base64url.
    pub(crate) p256dh: String,
    /// The device's auth secret, base64url.
    pub(crate) auth: String,
    /// What pushes may carry.
    pub(crate) content: PushContent,
    /// When it was registered, ms since the epoch.
    pub(crate) at_ms: i64,
}

impl Stored {
    /// As the protocol reports it back (no keys, no path).
    pub(crate) fn info(&self) -> PushRegistrationInfo {
        PushRegistrationInfo {
            endpoint_origin: self.origin.clone(),
            content: self.content,
            registered_at_ms: self.at_ms,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Line {
    Registered {
        account: String,
        device: String,
        #[serde(flatten)]
        registration: Stored,
    },
    Unregistered {
        account: String,
        device: String,
    },
    Room {
        account: String,
        device: String,
        room: String,
        notify: RoomPush,
    },
}

/// Lines past twice the live records (and this many) are compacted away
/// when the file is opened.
const COMPACT_SLACK: usize = 64;

/// The lines that say what is live now.
fn snapshot(
    registered: &HashMap<DeviceKey, Stored>,
    rooms: &HashMap<DeviceKey, HashMap<String, RoomPush>>,
) -> Vec<Line> {
    let registrations = registered
        .iter()
        .map(|(key, registration)| Line::Registered {
            account: key.account.clone(),
            device: key.device.clone(),
            registration: registration.clone(),
        });
    let settings = rooms.iter().flat_map(|(key, rooms)| {
        rooms.iter().map(move |(room, notify)| Line::Room {
            account: key.account.clone(),
            device: key.device.clone(),
            room: room.clone(),
            notify: *notify,
        })
    });
    registrations.chain(settings).collect()
}

/// Every device's registration and room settings.
#[derive(Debug)]
pub(crate) struct Registrations {
    file: JsonLines,
    registered: Mutex<HashMap<DeviceKey, Stored>>,
    rooms: Mutex<HashMap<DeviceKey, HashMap<String, RoomPush>>>,
}

impl Registrations {
    /// Opens (or creates) the file at `path` and replays it.
    pub(crate) fn open(path: &Path) -> Result<Self, JsonLinesError> {
        let (file, lines) = JsonLines::open::<Line>("push registrations", path)?;
        let read = lines.len();
        let mut registered = HashMap::new();
        let mut rooms: HashMap<DeviceKey, HashMap<String, RoomPush>> = HashMap::new();
        for line in lines {
            match line {
                Line::Registered {
                    account,
                    device,
                    registration,
                } => {
                    registered.insert(DeviceKey { account, device }, registration);
                }
                Line::Unregistered { account, device } => {
                    registered.remove(&DeviceKey { account, device });
                }
                Line::Room {
                    account,
                    device,
                    room,
                    notify,
                } => {
                    rooms
                        .entry(DeviceKey { account, device })
                        .or_default()
                        .insert(room, notify);
                }
            }
        }
        let live = registered.len() + rooms.values().map(HashMap::len).sum::<usize>();
        let file = if read > 2 * live + COMPACT_SLACK {
            file.rewrite(&snapshot(&registered, &rooms))?
        } else {
            file
        };
        Ok(Self {
            file,
            registered: Mutex::new(registered),
            rooms: Mutex::new(rooms),
        })
    }

    /// The device's registration.
    pub(crate) fn get(&self, key: &DeviceKey) -> Option<Stored> {
        lock(&self.registered).get(key).cloned()
    }

    /// Whether the device has a registration.
    pub(crate) fn contains(&self, key: &DeviceKey) -> bool {
        lock(&self.registered).contains_key(key)
    }

    /// Registers (or replaces) the device's registration, on disk first.
    pub(crate) fn put(&self, key: &DeviceKey, registration: Stored) -> Result<(), JsonLinesError> {
        let mut registered = lock(&self.registered);
        self.file.append(&Line::Registered {
            account: key.account.clone(),
            device: key.device.clone(),
            registration: registration.clone(),
        })?;
        registered.insert(key.clone(), registration);
        Ok(())
    }

    /// Removes the device's registration; false when it had none.
    pub(crate) fn remove(&self, key: &DeviceKey) -> Result<bool, JsonLinesError> {
        self.remove_where(key, |_| true)
    }

    /// Removes the registration only while it is still `endpoint` (a push
    /// service said the subscription is gone; the device may have registered
    /// a new one meanwhile).
    pub(crate) fn remove_if(
        &self,
        key: &DeviceKey,
        endpoint: &str,
    ) -> Result<bool, JsonLinesError> {
        self.remove_where(key, |stored| stored.endpoint == endpoint)
    }

    fn remove_where(
        &self,
        key: &DeviceKey,
        matches: impl FnOnce(&Stored) -> bool,
    ) -> Result<bool, JsonLinesError> {
        let mut registered = lock(&self.registered);
        if !registered.get(key).is_some_and(matches) {
            return Ok(false);
        }
        self.file.append(&Line::Unregistered {
            account: key.account.clone(),
            device: key.device.clone(),
        })?;
        registered.remove(key);
        Ok(true)
    }

    /// The device's setting for `room` (mentions when never set).
    pub(crate) fn room(&self, key: &DeviceKey, room: &str) -> RoomPush {
        lock(&self.rooms)
            .get(key)
            .and_then(|rooms| rooms.get(room))
            .copied()
            .unwrap_or_default()
    }

    /// Sets the device's setting for `room`, on disk first.
    pub(crate) fn set_room(
        &self,
        key: &DeviceKey,
        room: &str,
        notify: RoomPush,
    ) -> Result<(), JsonLinesError> {
        let mut rooms = lock(&self.rooms);
        self.file.append(&Line::Room {
            account: key.account.clone(),
            device: key.device.clone(),
            room: room.to_owned(),
            notify,
        })?;
        rooms
            .entry(key.clone())
            .or_default()
            .insert(room.to_owned(), notify);
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn stored(endpoint: &str) -> Stored {
        Stored {
            endpoint: endpoint.to_owned(),
            origin: "https://push.example.org".to_owned(),
            p256dh: "BA".to_owned(),
            auth: "QQ".to_owned(),
            content: PushContent::Minimal,
            at_ms: 5,
        }
    }

    #[test]
    fn re_registrations_are_compacted_when_the_file_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("push.jsonl");
        let alice = DeviceKey {
            account: "alice@localhost".to_owned(),
            device: "phone".to_owned(),
        };
        {
            let store = Registrations::open(&path).unwrap();
            for n in 0..200 {
                store
                    .put(&alice, stored(&format!("https://push.example.org/{n}")))
                    .unwrap();
            }
            store
                .set_room(&alice, "room@muc.localhost", RoomPush::Never)
                .unwrap();
        }
        let store = Registrations::open(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 2);
        store
            .put(&alice, stored("https://push.example.org/last"))
            .unwrap();
        drop(store);
        let store = Registrations::open(&path).unwrap();
        assert_eq!(
            store.get(&alice).unwrap().endpoint,
            "https://push.example.org/last"
        );
        assert_eq!(store.room(&alice, "room@muc.localhost"), RoomPush::Never);
    }

    #[test]
    fn registrations_and_room_settings_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("push.jsonl");
        let alice = DeviceKey {
            account: "alice@localhost".to_owned(),
            device: "phone".to_owned(),
        };
        let bob = DeviceKey {
            account: "bob@localhost".to_owned(),
            device: "phone".to_owned(),
        };
        {
            let store = Registrations::open(&path).unwrap();
            store
                .put(&alice, stored("https://push.example.org/1"))
                .unwrap();
            store
                .put(&alice, stored("https://push.example.org/2"))
                .unwrap();
            store
                .put(&bob, stored("https://push.example.org/3"))
                .unwrap();
            assert!(store.remove(&bob).unwrap());
            assert!(!store.remove(&bob).unwrap());
            assert!(
                !store
                    .remove_if(&alice, "https://push.example.org/1")
                    .unwrap()
            );
            store
                .set_room(&alice, "room@muc.localhost", RoomPush::All)
                .unwrap();
        }
        let store = Registrations::open(&path).unwrap();
        assert_eq!(
            store.get(&alice).unwrap().endpoint,
            "https://push.example.org/2"
        );
        assert!(!store.contains(&bob));
        assert_eq!(store.room(&alice, "room@muc.localhost"), RoomPush::All);
        assert_eq!(
            store.room(&alice, "other@muc.localhost"),
            RoomPush::Mentions
        );
        assert!(
            store
                .remove_if(&alice, "https://push.example.org/2")
                .unwrap()
        );
        assert!(!Registrations::open(&path).unwrap().contains(&alice));
    }
}
