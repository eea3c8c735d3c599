//! Contacts and the user's own presence, offline-first like messages: each
//! change is checked, stored and shown at once, and the sync engine sends it
//! once the gateway can be reached, exactly once and in order.

use std::sync::Arc;

use splitline_protocol::{
    Availability, Contact, ContactPresence, MAX_NAME_CHARS, MAX_STATUS_CHARS, is_network_char,
};
use tokio::sync::{Notify, broadcast};

use super::ClientError;
use crate::{
    store::{Changes, ContactOpFailure, ContactOpKind, Store},
    sync::SyncUpdate,
};

/// The contact list and own presence of the signed-in account. Cheap to
/// clone; every call is synchronous and touches only the store (no
/// network), so it works offline.
#[derive(Clone)]
pub struct Contacts {
    store: Arc<Store>,
    own_jid: String,
    outbox_changed: Arc<Notify>,
    updates: broadcast::Sender<SyncUpdate>,
}

/// An optional text: trimmed, `None` when empty, at most `max` characters
/// the network can carry.
fn optional_text(
    what: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, ClientError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Some(bad) = value.chars().find(|c| !is_network_char(*c)) {
        return Err(ClientError::Invalid(format!(
            "the {what} contains the character U+{:04X}, which the network cannot carry",
            u32::from(bad)
        )));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(ClientError::Invalid(format!(
            "the {what} is {chars} characters long; the most is {max}"
        )));
    }
    Ok(Some(value.to_owned()))
}

/// Longest address, in bytes (RFC 7622: three parts of at most 1,023).
const MAX_JID_BYTES: usize = 3_071;

impl Contacts {
    pub(super) fn new(
        store: Arc<Store>,
        own_jid: String,
        outbox_changed: Arc<Notify>,
        updates: broadcast::Sender<SyncUpdate>,
    ) -> Self {
        Self {
            store,
            own_jid,
            outbox_changed,
            updates,
        }
    }

    /// A bare address `user@domain` of someone else, trimmed and in lower
    /// case (as the network compares addresses).
    fn other_jid(&self, value: &str) -> Result<String, ClientError> {
        let jid = value.trim().to_lowercase();
        let well_formed = jid.len() <= MAX_JID_BYTES
            && jid.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty() && !domain.is_empty() && !domain.contains('@')
            })
            && !jid
                .chars()
                .any(|c| c == '/' || c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err(ClientError::Invalid(format!(
                "'{}' is not an address like user@domain",
                value.trim()
            )));
        }
        if jid == self.own_jid.to_lowercase() {
            return Err(ClientError::Invalid(
                "that is your own address; you cannot be your own contact".into(),
            ));
        }
        Ok(jid)
    }

    /// `jid`, which must be in the list as shown.
    fn listed(&self, value: &str) -> Result<String, ClientError> {
        let jid = self.other_jid(value)?;
        match self.store.contact(&jid)? {
            Some(_) => Ok(jid),
            None => Err(ClientError::Invalid(format!(
                "{jid} is not in your contacts"
            ))),
        }
    }

    /// Stores a change, tells listeners and wakes the engine.
    fn queue(&self, jid: &str, kind: ContactOpKind, name: Option<&str>) -> Result<(), ClientError> {
        self.queue_and_show(jid, kind, name).map(drop)
    }

    /// Stores a change and reads `jid`'s row as listed with it, before
    /// telling listeners and waking the engine: once woken, the engine may
    /// send the change and, refused for good, drop it before a later read.
    fn queue_and_show(
        &self,
        jid: &str,
        kind: ContactOpKind,
        name: Option<&str>,
    ) -> Result<Option<Contact>, ClientError> {
        self.store.queue_contact_op(jid, kind, name)?;
        let row = self.store.contact(jid)?;
        let mut changes = Changes::default();
        changes.contact_changed(jid);
        self.changed(changes);
        Ok(row)
    }

    fn changed(&self, changes: Changes) {
        // Nobody listening is fine.
        let _ = self.updates.send(SyncUpdate::Changed(changes));
        self.outbox_changed.notify_one();
    }

    /// A page of contacts by display name, with changes not yet sent shown.
    pub fn page(&self, offset: u32, limit: u32) -> Result<Vec<Contact>, ClientError> {
        Ok(self.store.contacts_page(offset, limit)?)
    }

    /// One contact as the list shows it, if listed.
    pub fn get(&self, jid: &str) -> Result<Option<Contact>, ClientError> {
        Ok(self.store.contact(&jid.trim().to_lowercase())?)
    }

    /// Adds `jid` (with an optional `name`, at most
    /// [`MAX_NAME_CHARS`] characters) and asks to see its presence. It is
    /// listed at once as pending; returns the row as listed.
    pub fn add(&self, jid: &str, name: Option<&str>) -> Result<Contact, ClientError> {
        let jid = self.other_jid(jid)?;
        let name = optional_text("name", name, MAX_NAME_CHARS)?;
        self.queue_and_show(&jid, ContactOpKind::Add, name.as_deref())?
            .ok_or_else(|| ClientError::Invalid(format!("{jid} could not be listed")))
    }

    /// Renames a listed contact (`None` clears the name); shown at once.
    pub fn rename(&self, jid: &str, name: Option<&str>) -> Result<Contact, ClientError> {
        let jid = self.listed(jid)?;
        let name = optional_text("name", name, MAX_NAME_CHARS)?;
        self.queue_and_show(&jid, ContactOpKind::Rename, name.as_deref())?
            .ok_or_else(|| ClientError::Invalid(format!("{jid} is not in your contacts")))
    }

    /// Removes a listed contact and both subscriptions; it leaves the list at once.
    pub fn remove(&self, jid: &str) -> Result<(), ClientError> {
        let jid = self.listed(jid)?;
        self.queue(&jid, ContactOpKind::Remove, None)
    }

    /// Lets `jid` see the user's presence (and asks back if the user does
    /// not see theirs); the request leaves [`Contacts::requests`] at once.
    pub fn accept(&self, jid: &str) -> Result<(), ClientError> {
        let jid = self.other_jid(jid)?;
        self.queue(&jid, ContactOpKind::Accept, None)
    }

    /// Refuses `jid`'s request (or takes back their subscription); the
    /// request leaves [`Contacts::requests`] at once.
    pub fn refuse(&self, jid: &str) -> Result<(), ClientError> {
        let jid = self.other_jid(jid)?;
        self.queue(&jid, ContactOpKind::Refuse, None)
    }

    /// Who asks to see the user's presence, oldest first (kept across restarts).
    pub fn requests(&self) -> Result<Vec<String>, ClientError> {
        Ok(self.store.subscription_requests()?)
    }

    /// Contact changes the gateway refused for good (they were dropped).
    pub fn failures(&self) -> Result<Vec<ContactOpFailure>, ClientError> {
        Ok(self.store.contact_failures()?)
    }

    /// Forgets the failures once the user has seen them.
    pub fn clear_failures(&self) -> Result<(), ClientError> {
        Ok(self.store.clear_contact_failures()?)
    }

    /// The user's own presence as last set (plainly available at first).
    pub fn own_presence(&self) -> Result<ContactPresence, ClientError> {
        Ok(self.store.own_presence()?)
    }

    /// Sets the user's own presence: available, chat, away, extended away
    /// or do not disturb (not offline: sign off instead), with an optional
    /// status text of at most [`MAX_STATUS_CHARS`] characters. Stored at once,
    /// sent once the gateway can be reached, and again after each new sign-in.
    pub fn set_presence(
        &self,
        availability: Availability,
        status: Option<&str>,
    ) -> Result<(), ClientError> {
        if availability == Availability::Offline {
            return Err(ClientError::Invalid(
                "offline is not a presence you can set; sign off instead".into(),
            ));
        }
        let status = optional_text("status", status, MAX_STATUS_CHARS)?;
        self.store.set_own_presence(&ContactPresence {
            availability,
            status,
        })?;
        self.changed(Changes {
            own_presence: true,
            ..Changes::default()
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests;
