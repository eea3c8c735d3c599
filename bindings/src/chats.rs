//! `Chats`: the chat list screen, with unread counts and last messages.

use std::sync::Arc;

use splitline_core::client::Client;

use crate::{ChatInfo, ChatListDiff, SplitlineError, ViewHandle, views::watch};

/// Hears how the chat list changed; called on a listener thread.
#[uniffi::export(with_foreign)]
pub trait ChatListListener: Send + Sync {
    /// The rows changed: the first call inserts every row.
    fn on_update(&self, diff: ChatListDiff);
}

/// The open chats, most recent first.
#[derive(uniffi::Object)]
pub struct Chats {
    client: Arc<Client>,
}

impl Chats {
    pub(crate) fn new(client: Arc<Client>) -> Self {
        Self { client }
    }
}

#[uniffi::export]
impl Chats {
    /// A page of chats, most recent first.
    pub fn list(&self, offset: u32, limit: u32) -> Result<Vec<ChatInfo>, SplitlineError> {
        Ok(self
            .client
            .chats(offset, limit)?
            .into_iter()
            .map(ChatInfo::from)
            .collect())
    }

    /// Keeps `listener` told of the first `limit` chats (more with
    /// `load_more`) until the handle is cancelled or dropped.
    pub fn subscribe(
        &self,
        limit: u32,
        listener: Arc<dyn ChatListListener>,
    ) -> Result<Arc<ViewHandle>, SplitlineError> {
        let subscription = watch(
            &self.client.views(),
            |v| v.chat_list(limit),
            move |diff| listener.on_update(diff.into()),
        )?;
        Ok(Arc::new(ViewHandle::new(subscription)))
    }

    /// Marks the chat with `peer` viewed, here and, once the gateway can be
    /// reached, for `peer` and on the user's other devices. True if it had
    /// unread messages.
    pub fn mark_viewed(&self, peer: String) -> Result<bool, SplitlineError> {
        Ok(self.client.mark_chat_viewed(&peer)?)
    }

    /// Marks every chat viewed; returns the chats that had unread messages.
    pub fn mark_all_viewed(&self) -> Result<Vec<String>, SplitlineError> {
        Ok(self.client.mark_all_viewed()?)
    }

    /// How many messages written here still wait for the gateway.
    pub fn waiting_to_send(&self) -> Result<u32, SplitlineError> {
        Ok(self.client.waiting_to_send()?)
    }

    /// Closes the chat with `peer` on every device of the user until a newer
    /// message arrives in it. False if there is no such chat.
    pub fn close(&self, peer: String) -> Result<bool, SplitlineError> {
        Ok(self.client.close_chat(&peer)?)
    }
}
