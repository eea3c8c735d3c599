//! `Contacts`: the contact list screen, subscription requests and the
//! user's own presence. Every change is stored and shown at once (offline
//! too) and sent once the gateway can be reached.

use std::sync::Arc;

use splitline_core::{
    client::{Client, Contacts as CoreContacts},
    sync::SyncUpdate,
};

use crate::{
    Availability, ContactFailure, ContactInfo, ContactListDiff, PresenceInfo, SplitlineError,
    Subscription, ViewHandle,
    dispatch::{Signal, subscribe},
    views::watch,
};

/// Hears how the contact list changed; called on a listener thread.
#[uniffi::export(with_foreign)]
pub trait ContactListListener: Send + Sync {
    /// The rows changed: the first call inserts every row.
    fn on_update(&self, diff: ContactListDiff);
}

/// Who asks to see the user's presence, and the user's own presence.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequestsUpdate {
    /// Pending subscription requests, oldest first (kept across restarts).
    pub requests: Vec<String>,
    /// The user's own presence as last set.
    pub own_presence: PresenceInfo,
}

/// Hears the pending requests and own presence; called on a listener thread.
#[uniffi::export(with_foreign)]
pub trait RequestsListener: Send + Sync {
    /// The requests or the own presence changed: the first call gives both as they are.
    fn on_update(&self, update: RequestsUpdate);
}

/// The user's contacts, by name.
#[derive(uniffi::Object)]
pub struct Contacts {
    client: Arc<Client>,
}

impl Contacts {
    pub(crate) fn new(client: Arc<Client>) -> Self {
        Self { client }
    }

    fn api(&self) -> CoreContacts {
        self.client.contacts_api()
    }
}

/// The requests and own presence now.
fn read_requests(contacts: &CoreContacts) -> Result<RequestsUpdate, SplitlineError> {
    Ok(RequestsUpdate {
        requests: contacts.requests()?,
        own_presence: contacts.own_presence()?.into(),
    })
}

/// Whether `signal` may have changed the requests or the own presence.
fn touches_requests(signal: &Signal) -> bool {
    match signal {
        Signal::Start | Signal::Lagged => true,
        Signal::Update(SyncUpdate::Changed(changes)) => {
            changes.contacts || changes.own_presence || !changes.subscription_requests.is_empty()
        }
        Signal::Update(_) | Signal::LoadMore(_) | Signal::Stop => false,
    }
}

#[uniffi::export]
impl Contacts {
    /// A page of contacts, by name.
    pub fn list(&self, offset: u32, limit: u32) -> Result<Vec<ContactInfo>, SplitlineError> {
        Ok(self
            .client
            .contacts_api()
            .page(offset, limit)?
            .into_iter()
            .map(ContactInfo::from)
            .collect())
    }

    /// Keeps `listener` told of the first `limit` contacts (more with
    /// `load_more`) until the handle is cancelled or dropped.
    pub fn subscribe(
        &self,
        limit: u32,
        listener: Arc<dyn ContactListListener>,
    ) -> Result<Arc<ViewHandle>, SplitlineError> {
        let subscription = watch(
            &self.client.views(),
            |v| v.contact_list(limit),
            move |diff| listener.on_update(diff.into()),
        )?;
        Ok(Arc::new(ViewHandle::new(subscription)))
    }

    /// Adds `jid` (with an optional name) and asks to see its presence; it
    /// is listed at once as pending. `Invalid` for a malformed or own address.
    pub fn add(&self, jid: String, name: Option<String>) -> Result<ContactInfo, SplitlineError> {
        Ok(self.api().add(&jid, name.as_deref())?.into())
    }

    /// Renames a listed contact (`null` clears the name).
    pub fn rename(&self, jid: String, name: Option<String>) -> Result<ContactInfo, SplitlineError> {
        Ok(self.api().rename(&jid, name.as_deref())?.into())
    }

    /// Removes a listed contact and both subscriptions.
    pub fn remove(&self, jid: String) -> Result<(), SplitlineError> {
        Ok(self.api().remove(&jid)?)
    }

    /// Lets `jid` see the user's presence (and asks back); the request
    /// leaves `requests` at once.
    pub fn accept(&self, jid: String) -> Result<(), SplitlineError> {
        Ok(self.api().accept(&jid)?)
    }

    /// Refuses `jid`'s request; it leaves `requests` at once.
    pub fn refuse(&self, jid: String) -> Result<(), SplitlineError> {
        Ok(self.api().refuse(&jid)?)
    }

    /// Who asks to see the user's presence, oldest first.
    pub fn requests(&self) -> Result<Vec<String>, SplitlineError> {
        Ok(self.api().requests()?)
    }

    /// Keeps `listener` told of the requests and the own presence until the
    /// handle is cancelled or dropped.
    pub fn subscribe_requests(
        &self,
        listener: Arc<dyn RequestsListener>,
    ) -> Result<Arc<Subscription>, SplitlineError> {
        let contacts = self.api();
        let mut last: Option<RequestsUpdate> = None;
        let subscription = subscribe(self.client.views().subscribe(), move |signals| {
            if !signals.iter().any(touches_requests) {
                return;
            }
            match read_requests(&contacts) {
                Ok(now) if last.as_ref() != Some(&now) => {
                    listener.on_update(now.clone());
                    last = Some(now);
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "the requests could not be read"),
            }
        })?;
        Ok(Arc::new(subscription))
    }

    /// Contact changes the gateway refused for good (they were dropped).
    pub fn failures(&self) -> Result<Vec<ContactFailure>, SplitlineError> {
        Ok(self
            .api()
            .failures()?
            .into_iter()
            .map(ContactFailure::from)
            .collect())
    }

    /// Forgets the failures once the user has seen them.
    pub fn clear_failures(&self) -> Result<(), SplitlineError> {
        Ok(self.api().clear_failures()?)
    }

    /// The user's own presence as last set.
    pub fn own_presence(&self) -> Result<PresenceInfo, SplitlineError> {
        Ok(self.api().own_presence()?.into())
    }

    /// Sets the user's own presence with an optional status text; sent once
    /// the gateway can be reached. `Invalid` for `OFFLINE` (sign off instead).
    pub fn set_presence(
        &self,
        availability: Availability,
        status: Option<String>,
    ) -> Result<(), SplitlineError> {
        Ok(self
            .api()
            .set_presence(availability.into(), status.as_deref())?)
    }
}
