//! The contact list screen: contacts by name, keyed by address.

use splitline_protocol::Contact;

use super::{Source, diff::Keyed};
use crate::store::{Changes, Store, StoreError};

impl Keyed for Contact {
    type Key = String;
    fn key(&self) -> String {
        self.jid.clone()
    }
}

/// The first `limit` contacts, by name.
pub struct ContactListSource {
    pub(super) limit: u32,
}

impl Source for ContactListSource {
    type Row = Contact;

    fn read(&self, store: &Store) -> Result<Vec<Contact>, StoreError> {
        store.contacts_page(0, self.limit)
    }

    fn affected_by(&self, changes: &Changes) -> bool {
        changes.contacts
    }

    fn grow(&mut self, rows: u32) {
        self.limit = self.limit.saturating_add(rows);
    }
}
