//! Store views shaped for the app's screens: the contact list, the chat list
//! and one chat's timeline. Each holds the rows it last reported and, when
//! asked to refresh after a relevant change, reads the store and reports the
//! difference as row operations ([`diff`]). Because every diff is taken
//! against the rows last reported, a subscriber that fell behind gets one
//! correct combined diff, never a reload, and loses no change.

mod chat_list;
mod contact_list;
pub mod diff;
mod timeline;

use std::sync::Arc;

use tokio::sync::broadcast;

use self::diff::{Keyed, RowDiff};
pub use self::{
    chat_list::ChatListSource, contact_list::ContactListSource, timeline::TimelineSource,
};
use crate::{
    store::{Changes, Store, StoreError},
    sync::SyncUpdate,
};

/// What a view shows: how to read its rows and which changes touch them.
pub trait Source {
    /// One row of the screen.
    type Row: Keyed + Clone + PartialEq;
    /// The rows now, in screen order.
    fn read(&self, store: &Store) -> Result<Vec<Self::Row>, StoreError>;
    /// Whether `changes` may have changed the rows.
    fn affected_by(&self, changes: &Changes) -> bool;
    /// Takes in `rows` more rows: further down a list, further back in a timeline.
    fn grow(&mut self, rows: u32);
}

/// A screen's rows over the store, reporting what changed since it last did.
pub struct View<S: Source> {
    store: Arc<Store>,
    source: S,
    rows: Vec<S::Row>,
}

impl<S: Source> View<S> {
    fn open(store: Arc<Store>, source: S) -> Result<Self, StoreError> {
        let rows = source.read(&store)?;
        Ok(Self {
            store,
            source,
            rows,
        })
    }

    /// The rows as last reported.
    pub fn rows(&self) -> &[S::Row] {
        &self.rows
    }

    /// Whether `update` may have changed the rows (a connection change does not).
    pub fn affected_by(&self, update: &SyncUpdate) -> bool {
        match update {
            SyncUpdate::Changed(changes) => self.source.affected_by(changes),
            SyncUpdate::Online(_) | SyncUpdate::Offline(_) => false,
        }
    }

    /// The rows as a diff from an empty list (all inserts), for a new subscriber.
    pub fn initial(&self) -> RowDiff<S::Row> {
        diff::diff(&[], &self.rows)
    }

    /// Grows the view by `rows` rows (older messages in a timeline, further
    /// rows of a list) and reports them; empty when the store has no more.
    pub fn load_more(&mut self, rows: u32) -> Result<RowDiff<S::Row>, StoreError> {
        self.source.grow(rows);
        self.refresh()
    }

    /// Reads the store and reports what changed since the rows last
    /// reported (an empty diff if nothing did); the view then holds the new rows.
    pub fn refresh(&mut self) -> Result<RowDiff<S::Row>, StoreError> {
        let rows = self.source.read(&self.store)?;
        let change = diff::diff(&self.rows, &rows);
        self.rows = rows;
        Ok(change)
    }
}

/// The contact list view.
pub type ContactListView = View<ContactListSource>;
/// The chat list view.
pub type ChatListView = View<ChatListSource>;
/// One chat's timeline view.
pub type TimelineView = View<TimelineSource>;

/// Opens views over one client's store; from [`crate::Client::views`].
#[derive(Clone)]
pub struct Views {
    store: Arc<Store>,
    updates: broadcast::Sender<SyncUpdate>,
}

impl Views {
    pub(crate) fn new(store: Arc<Store>, updates: broadcast::Sender<SyncUpdate>) -> Self {
        Self { store, updates }
    }

    /// The contacts, by name, up to `limit`.
    pub fn contact_list(&self, limit: u32) -> Result<ContactListView, StoreError> {
        View::open(self.store.clone(), ContactListSource { limit })
    }

    /// The open chats, most recent first, up to `limit`, with their unread
    /// counts and last messages.
    pub fn chat_list(&self, limit: u32) -> Result<ChatListView, StoreError> {
        View::open(self.store.clone(), ChatListSource { limit })
    }

    /// The newest `window` rows of the chat with `peer`, oldest first (the
    /// newest at the end); [`View::load_more`] grows it backwards.
    pub fn timeline(&self, peer: &str, window: u32) -> Result<TimelineView, StoreError> {
        View::open(
            self.store.clone(),
            TimelineSource {
                peer: peer.trim().to_owned(),
                window,
            },
        )
    }

    /// The updates the views refresh on. Subscribe before opening a view,
    /// so no change between its first read and the subscription is missed.
    pub fn subscribe(&self) -> broadcast::Receiver<SyncUpdate> {
        self.updates.subscribe()
    }
}

#[cfg(test)]
mod tests;
