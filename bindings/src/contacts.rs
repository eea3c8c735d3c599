//! `Contacts`: the contact list screen.

use std::sync::Arc;

use splitline_core::client::Client;

use crate::{ContactInfo, ContactListDiff, SplitlineError, ViewHandle, views::watch};

/// Hears how the contact list changed; called on a listener thread.
#[uniffi::export(with_foreign)]
pub trait ContactListListener: Send + Sync {
    /// The rows changed: the first call inserts every row.
    fn on_update(&self, diff: ContactListDiff);
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
}

#[uniffi::export]
impl Contacts {
    /// A page of contacts, by name.
    pub fn list(&self, offset: u32, limit: u32) -> Result<Vec<ContactInfo>, SplitlineError> {
        Ok(self
            .client
            .contacts(offset, limit)?
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
}
