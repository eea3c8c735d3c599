//! One chat's timeline: a window of its newest rows, oldest first, keyed by
//! the message's local id; the window grows backwards as the user pages back.

use super::{Source, TimelineView, diff::Keyed};
use crate::store::{Changes, MessageRow, Store, StoreError};

impl Keyed for MessageRow {
    type Key = i64;
    fn key(&self) -> i64 {
        self.id
    }
}

/// The newest `window` rows of the chat with `peer`.
pub struct TimelineSource {
    pub(super) peer: String,
    pub(super) window: u32,
}

impl Source for TimelineSource {
    type Row = MessageRow;

    fn read(&self, store: &Store) -> Result<Vec<MessageRow>, StoreError> {
        store.messages_page(&self.peer, None, self.window)
    }

    /// A new message in this chat or a change to one of its messages (sent,
    /// seen): each names the chat.
    fn affected_by(&self, changes: &Changes) -> bool {
        changes.chats.contains(&self.peer)
    }

    fn grow(&mut self, rows: u32) {
        self.window = self.window.saturating_add(rows);
    }
}

impl TimelineView {
    /// The chat's address.
    pub fn peer(&self) -> &str {
        &self.source.peer
    }
}
