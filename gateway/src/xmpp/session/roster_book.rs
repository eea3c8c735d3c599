//! The user's contact list and the presence of each contact's devices, kept by
//! the session worker. Pure state: every change returns the event to publish.
//!
//! Merged presence rule: of a contact's online devices, the one with the
//! highest priority wins; on a tie, the more available one (chat, available,
//! away, extended away, do not disturb).

use std::collections::{BTreeMap, HashMap};

use splitline_protocol::{Availability, Contact, ContactPresence, Event, Subscription};
use tokio_xmpp::{jid::BareJid, parsers::roster};

use crate::xmpp::xep::presence::DevicePresence;

#[derive(Debug, Clone)]
struct Entry {
    name: Option<String>,
    subscription: Subscription,
    pending_out: bool,
    devices: HashMap<String, DevicePresence>,
}

impl Entry {
    fn merged(&self) -> ContactPresence {
        self.devices
            .values()
            .max_by_key(|d| (d.priority, availability_rank(d.availability)))
            .map_or_else(ContactPresence::offline, |d| ContactPresence {
                availability: d.availability,
                status: d.status.clone(),
            })
    }

    fn contact(&self, jid: &BareJid) -> Contact {
        Contact {
            jid: jid.to_string(),
            name: self.name.clone(),
            subscription: self.subscription,
            pending_out: self.pending_out,
            presence: self.merged(),
        }
    }
}

fn availability_rank(a: Availability) -> u8 {
    match a {
        Availability::Chat => 5,
        Availability::Available => 4,
        Availability::Away => 3,
        Availability::ExtendedAway => 2,
        Availability::DoNotDisturb => 1,
        Availability::Offline => 0,
    }
}

/// The contact list with presence.
#[derive(Debug, Default)]
pub(super) struct RosterBook {
    entries: BTreeMap<BareJid, Entry>,
}

impl RosterBook {
    /// Every contact, in address order.
    pub(super) fn contacts(&self) -> Vec<Contact> {
        self.entries.iter().map(|(jid, e)| e.contact(jid)).collect()
    }

    /// Every address on the list, in order.
    pub(super) fn jids(&self) -> impl Iterator<Item = &BareJid> {
        self.entries.keys()
    }

    /// True when `jid` is in the list.
    pub(super) fn contains(&self, jid: &BareJid) -> bool {
        self.entries.contains_key(jid)
    }

    /// True when `jid` is a contact: on the list with a subscription either
    /// way, or asked for by the user. Anyone else is a stranger.
    pub(super) fn is_contact(&self, jid: &BareJid) -> bool {
        self.entries
            .get(jid)
            .is_some_and(|e| e.pending_out || e.subscription != Subscription::None)
    }

    /// True when the user sees `jid`'s presence or has asked to.
    pub(super) fn sees(&self, jid: &BareJid) -> bool {
        self.entries.get(jid).is_some_and(|e| {
            e.pending_out || matches!(e.subscription, Subscription::To | Subscription::Both)
        })
    }

    /// Applies one roster item (from a fetch or a push).
    pub(super) fn apply_item(&mut self, item: &roster::Item) -> Option<Event> {
        if item.subscription == roster::Subscription::Remove {
            return self
                .entries
                .remove(&item.jid)
                .map(|_| Event::ContactRemoved {
                    jid: item.jid.to_string(),
                });
        }
        let subscription = match item.subscription {
            roster::Subscription::From => Subscription::From,
            roster::Subscription::To => Subscription::To,
            roster::Subscription::Both => Subscription::Both,
            roster::Subscription::None | roster::Subscription::Remove => Subscription::None,
        };
        let pending_out = item.ask == roster::Ask::Subscribe;
        let name = item.name.clone().filter(|n| !n.is_empty());
        match self.entries.get_mut(&item.jid) {
            Some(entry) => {
                if entry.name == name
                    && entry.subscription == subscription
                    && entry.pending_out == pending_out
                {
                    return None;
                }
                entry.name = name;
                entry.subscription = subscription;
                entry.pending_out = pending_out;
                if !matches!(subscription, Subscription::To | Subscription::Both) {
                    entry.devices.clear();
                }
                Some(Event::ContactChanged {
                    contact: entry.contact(&item.jid),
                })
            }
            None => {
                let entry = Entry {
                    name,
                    subscription,
                    pending_out,
                    devices: HashMap::new(),
                };
                let contact = entry.contact(&item.jid);
                self.entries.insert(item.jid.clone(), entry);
                Some(Event::ContactAdded { contact })
            }
        }
    }

    /// Replaces the whole list with a fetched roster; returns the differences.
    pub(super) fn replace_all(&mut self, items: &[roster::Item]) -> Vec<Event> {
        let mut events: Vec<Event> = self
            .entries
            .keys()
            .filter(|jid| !items.iter().any(|i| &i.jid == *jid))
            .cloned()
            .collect::<Vec<_>>()
            .into_iter()
            .filter_map(|jid| {
                self.entries.remove(&jid).map(|_| Event::ContactRemoved {
                    jid: jid.to_string(),
                })
            })
            .collect();
        events.extend(items.iter().filter_map(|item| self.apply_item(item)));
        events
    }

    /// Records a device's presence (`None` = the device went offline). Returns
    /// an event when the contact's merged presence changed.
    pub(super) fn apply_presence(
        &mut self,
        jid: &BareJid,
        device: &str,
        presence: Option<DevicePresence>,
    ) -> Option<Event> {
        let entry = self.entries.get_mut(jid)?;
        let before = entry.merged();
        match presence {
            Some(p) => {
                entry.devices.insert(device.to_owned(), p);
            }
            None => {
                entry.devices.remove(device);
            }
        }
        let after = entry.merged();
        (before != after).then(|| Event::PresenceChanged {
            jid: jid.to_string(),
            presence: after,
        })
    }

    /// Forgets every device's presence (the connection to the network was
    /// reset); returns an offline event for each contact that was online.
    pub(super) fn clear_presence(&mut self) -> Vec<Event> {
        self.entries
            .iter_mut()
            .filter(|(_, e)| !e.devices.is_empty())
            .map(|(jid, e)| {
                e.devices.clear();
                Event::PresenceChanged {
                    jid: jid.to_string(),
                    presence: ContactPresence::offline(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(jid: &str, sub: roster::Subscription) -> roster::Item {
        roster::Item {
            jid: BareJid::new(jid).unwrap(),
            name: None,
            subscription: sub,
            ask: roster::Ask::None,
            groups: vec![],
            approved: None,
        }
    }

    fn device(a: Availability, priority: i8) -> Option<DevicePresence> {
        Some(DevicePresence {
            availability: a,
            status: Some(format!("{a:?}")),
            priority,
        })
    }

    #[test]
    fn items_add_change_and_remove_contacts() {
        let mut book = RosterBook::default();
        let bob = item("bob@localhost", roster::Subscription::None);
        assert!(matches!(
            book.apply_item(&bob),
            Some(Event::ContactAdded { .. })
        ));
        assert_eq!(book.apply_item(&bob), None, "an unchanged item is no event");
        let both = item("bob@localhost", roster::Subscription::Both);
        match book.apply_item(&both) {
            Some(Event::ContactChanged { contact }) => {
                assert_eq!(contact.subscription, Subscription::Both)
            }
            other => panic!("unexpected {other:?}"),
        }
        let gone = item("bob@localhost", roster::Subscription::Remove);
        assert_eq!(
            book.apply_item(&gone),
            Some(Event::ContactRemoved {
                jid: "bob@localhost".into()
            })
        );
        assert!(book.contacts().is_empty());
    }

    #[test]
    fn a_full_fetch_reports_only_differences() {
        let mut book = RosterBook::default();
        book.replace_all(&[
            item("a@localhost", roster::Subscription::Both),
            item("b@localhost", roster::Subscription::Both),
        ]);
        let events = book.replace_all(&[
            item("b@localhost", roster::Subscription::Both),
            item("c@localhost", roster::Subscription::To),
        ]);
        assert_eq!(events.len(), 2);
        assert!(events.contains(&Event::ContactRemoved {
            jid: "a@localhost".into()
        }));
        assert!(
            matches!(&events[1], Event::ContactAdded { contact } if contact.jid == "c@localhost")
        );
    }

    #[test]
    fn merged_presence_prefers_priority_then_availability() {
        let mut book = RosterBook::default();
        book.apply_item(&item("bob@localhost", roster::Subscription::Both));
        let bob = BareJid::new("bob@localhost").unwrap();
        let ev = book.apply_presence(&bob, "phone", device(Availability::Away, 0));
        assert!(
            matches!(ev, Some(Event::PresenceChanged { presence, .. }) if presence.availability == Availability::Away)
        );
        let ev = book.apply_presence(&bob, "desk", device(Availability::Available, 0));
        assert!(
            matches!(ev, Some(Event::PresenceChanged { presence, .. }) if presence.availability == Availability::Available)
        );
        let ev = book.apply_presence(&bob, "pager", device(Availability::DoNotDisturb, 5));
        assert!(
            matches!(ev, Some(Event::PresenceChanged { presence, .. }) if presence.availability == Availability::DoNotDisturb)
        );
        assert_eq!(
            book.apply_presence(&bob, "phone", None),
            None,
            "a hidden device changes nothing"
        );
        book.apply_presence(&bob, "pager", None);
        let ev = book.apply_presence(&bob, "desk", None);
        assert!(
            matches!(ev, Some(Event::PresenceChanged { presence, .. }) if presence.availability == Availability::Offline)
        );
    }

    #[test]
    fn presence_from_strangers_is_ignored() {
        let mut book = RosterBook::default();
        let eve = BareJid::new("eve@localhost").unwrap();
        assert_eq!(
            book.apply_presence(&eve, "x", device(Availability::Available, 0)),
            None
        );
    }
}
