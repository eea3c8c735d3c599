//! The chat list screen: open chats, most recent first, keyed by peer.

use super::{Source, diff::Keyed};
use crate::store::{Changes, Chat, Store, StoreError};

impl Keyed for Chat {
    type Key = String;
    fn key(&self) -> String {
        self.peer.clone()
    }
}

/// The first `limit` open chats.
pub struct ChatListSource {
    pub(super) limit: u32,
}

impl Source for ChatListSource {
    type Row = Chat;

    fn read(&self, store: &Store) -> Result<Vec<Chat>, StoreError> {
        store.chats_page(0, self.limit)
    }

    /// New messages, read state, closing, a room's name: each shows as a
    /// touched chat or a rooms change.
    fn affected_by(&self, changes: &Changes) -> bool {
        !changes.chats.is_empty() || changes.rooms || changes.new_messages > 0
    }

    fn grow(&mut self, rows: u32) {
        self.limit = self.limit.saturating_add(rows);
    }
}
