//! `Timeline`: one chat's messages, newest at the end.

use std::sync::Arc;

use splitline_core::client::Client;

use crate::{MessageInfo, SplitlineError, TimelineDiff, ViewHandle, views::watch};

/// Hears how a timeline changed; called on a listener thread.
#[uniffi::export(with_foreign)]
pub trait TimelineListener: Send + Sync {
    /// The rows changed: the first call inserts every row.
    fn on_update(&self, diff: TimelineDiff);
}

/// The chat with one peer (a contact or a room).
#[derive(uniffi::Object)]
pub struct Timeline {
    client: Arc<Client>,
    peer: String,
}

impl Timeline {
    pub(crate) fn new(client: Arc<Client>, peer: String) -> Result<Self, SplitlineError> {
        let peer = peer.trim().to_owned();
        if !peer.contains('@') || peer.contains('/') {
            return Err(SplitlineError::invalid(format!(
                "'{peer}' is not an address like user@domain"
            )));
        }
        Ok(Self { client, peer })
    }
}

#[uniffi::export]
impl Timeline {
    /// The chat's address.
    pub fn peer(&self) -> String {
        self.peer.clone()
    }

    /// A page of messages before message id `before` (or the newest),
    /// oldest first.
    pub fn messages(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<MessageInfo>, SplitlineError> {
        Ok(self
            .client
            .messages(&self.peer, before, limit)?
            .into_iter()
            .map(MessageInfo::from)
            .collect())
    }

    /// Keeps `listener` told of the newest `window` rows until the handle is
    /// cancelled or dropped; `load_more(n)` on the handle pages back `n`
    /// rows through the store.
    pub fn subscribe(
        &self,
        window: u32,
        listener: Arc<dyn TimelineListener>,
    ) -> Result<Arc<ViewHandle>, SplitlineError> {
        let peer = self.peer.clone();
        let subscription = watch(
            &self.client.views(),
            move |v| v.timeline(&peer, window),
            move |diff| listener.on_update(diff.into()),
        )?;
        Ok(Arc::new(ViewHandle::new(subscription)))
    }

    /// Queues a message; it shows at once as queued and goes out exactly
    /// once, when the gateway can be reached.
    pub fn send(&self, body: String) -> Result<MessageInfo, SplitlineError> {
        Ok(self.client.send_message(&self.peer, &body)?.into())
    }

    /// Marks this chat viewed (see `Chats.markViewed`).
    pub fn mark_viewed(&self) -> Result<bool, SplitlineError> {
        Ok(self.client.mark_chat_viewed(&self.peer)?)
    }
}
