//! The phone's address book in the core: the shell hands over the native
//! contacts ([`AddressBook::import`]), the core reads their numbers in E.164
//! with the SIM's home country and keeps them; the numbers in the network
//! contacts' vCards, which the gateway reads, are kept beside them
//! ([`AddressBook::refresh_contact_phones`], also at every sign-in); and any number dialled or
//! tapped is looked up in both ([`AddressBook::lookup`], with the route a
//! call to it would take) or names a caller ([`AddressBook::caller_name`]).
//!
//! Privacy: nothing of the native address book leaves the phone. The
//! matching is local, against the vCards of the user's own contacts.

mod import;
mod lookup;
mod normalise;

use std::sync::Arc;

use splitline_protocol::NumberError;

pub use import::{ImportReport, MAX_ENTRIES, MAX_FIELD_CHARS, MAX_NUMBERS_PER_ENTRY};
pub use lookup::{CallContext, CallCost, CallerName, Lookup};

/// A number as written or as the network presents it (a caller id in
/// national form, say), in E.164: read in `home_country` (ISO 3166 alpha-2)
/// when it has no country code. `None` if it is no number.
pub fn read_number(written: &str, home_country: &str) -> Option<String> {
    normalise::e164(written, home_country)
}

use crate::{
    gateway::{GatewayError, SessionHandle},
    store::{ContactMatch, Store, StoreError, UnreadNumber},
};

/// One entry of the phone's address book, as the shell reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeContact {
    /// The platform's stable id of the entry (Android's contact id).
    pub native_id: String,
    /// The display name.
    pub name: String,
    /// Its numbers, as written.
    pub numbers: Vec<NativeNumber>,
}

/// A number of a native entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeNumber {
    /// "mobile", "work", … if the address book has one.
    pub label: Option<String>,
    /// The number as written in the address book, in any format.
    pub number: String,
}

/// The address book could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AddressBookError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The number is not one to look up.
    #[error(transparent)]
    Number(#[from] NumberError),
    /// The entries handed over are not a valid address book; nothing was changed.
    #[error("{0}")]
    Invalid(String),
    /// The gateway could not be asked for the contacts' numbers.
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    /// The thread running a store call died.
    #[error("an address book call could not finish: {0}")]
    TaskFailed(String),
}

/// The address book: import, matching and lookup. Cheap to clone; every
/// call but [`AddressBook::refresh_contact_phones`] is local and blocking
/// (SQLite), so async callers run them on a blocking thread.
#[derive(Debug, Clone)]
pub struct AddressBook {
    store: Arc<Store>,
    session: SessionHandle,
}

impl AddressBook {
    pub(crate) fn new(store: Arc<Store>, session: SessionHandle) -> Self {
        Self { store, session }
    }

    /// Imports the whole native address book, with `home_country` (the
    /// SIM's, ISO 3166 alpha-2) for the numbers written without a country
    /// code. Incremental: only the entries added, changed (by content) or
    /// gone since the last import are written, in one transaction. A number
    /// that cannot be read is kept as written and reported.
    pub fn import(
        &self,
        entries: &[NativeContact],
        home_country: &str,
    ) -> Result<ImportReport, AddressBookError> {
        import::import(&self.store, entries, home_country)
    }

    /// Asks the gateway for the numbers in the network contacts' vCards and
    /// keeps them in place of the ones known; returns how many contacts have
    /// numbers. Numbers without a country code are read in the home country
    /// of the last import. Only the contacts' own numbers come down; nothing
    /// goes up.
    pub async fn refresh_contact_phones(&self) -> Result<usize, AddressBookError> {
        let (gateway, token) = self.session.current()?;
        let list = gateway.contact_phones(&token).await?;
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let home = store.home_country()?;
            let numbers = normalise::contact_numbers(&list.contacts, home.as_deref());
            let contacts = {
                let mut jids: Vec<&String> = numbers.iter().map(|(jid, _)| jid).collect();
                jids.dedup();
                jids.len()
            };
            store.replace_contact_phones(&numbers)?;
            Ok(contacts)
        })
        .await
        .map_err(|e| AddressBookError::TaskFailed(e.to_string()))?
    }

    /// Starts [`AddressBook::refresh_contact_phones`] on its own task (at
    /// every sign-in); a failure leaves the numbers known before.
    pub(crate) fn refresh_in_background(&self) {
        let book = self.clone();
        tokio::spawn(async move {
            if let Err(error) = book.refresh_contact_phones().await {
                tracing::info!(%error, "the contacts' vCard numbers could not be refreshed");
            }
        });
    }

    /// Publishes `numbers` (E.164) as the user's own in their vCard, so
    /// that their contacts' address books can match them (a profile
    /// screen's call). Empty removes them.
    pub async fn publish_own_numbers(&self, numbers: &[String]) -> Result<(), AddressBookError> {
        let (gateway, token) = self.session.current()?;
        let request = splitline_protocol::SetOwnPhonesRequest {
            numbers: numbers.to_vec(),
        };
        Ok(gateway.set_own_phones(&token, &request).await?)
    }

    /// Who `number` is and what a call to it would cost (see [`Lookup`]).
    /// `number` is read as typed, in `context.caller.home_country`;
    /// `directory` is the gateway's access numbers (empty when the policy
    /// offers none; [`crate::calls::Calls::access_numbers`] reads them).
    pub fn lookup(
        &self,
        number: &str,
        context: &CallContext,
        directory: &[splitline_protocol::AccessNumber],
    ) -> Result<Lookup, AddressBookError> {
        lookup::lookup(&self.store, number, context, directory)
    }

    /// A name for the caller of an incoming call from `number` (E.164, or
    /// local to the home country of the last import), or `None` when no
    /// entry or contact has it. Only a label for the screen: it says
    /// nothing about who really calls.
    pub fn caller_name(&self, number: &str) -> Result<Option<CallerName>, AddressBookError> {
        lookup::caller_name(&self.store, number)
    }

    /// Every native entry that shares a number with a network contact.
    pub fn matches(&self) -> Result<Vec<ContactMatch>, AddressBookError> {
        Ok(self.store.contact_matches()?)
    }

    /// The numbers of the address book that could not be read, as written.
    pub fn unread_numbers(&self) -> Result<Vec<UnreadNumber>, AddressBookError> {
        Ok(self.store.unread_numbers()?)
    }
}

#[cfg(test)]
mod tests;
