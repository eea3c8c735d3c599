//! `Timeline`: one chat's messages, newest at the end, paging back through
//! the store and then the network's archive.

use std::sync::{Arc, Mutex, mpsc};

use splitline_core::{client::Client, history::HistoryEnd};

use crate::{
    MessageInfo, SplitlineError, TimelineDiff, ViewHandle, dispatch::Signal, views::watch,
};

/// Where paging back stopped.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PageBackEnd {
    /// Older messages may follow: page back again.
    More,
    /// The chat's first message is shown.
    Beginning,
    /// The archive could not be read now (offline, or refused): the rows
    /// are the store's; try again later.
    ArchiveUnavailable {
        /// Why.
        reason: String,
    },
}

impl From<HistoryEnd> for PageBackEnd {
    fn from(end: HistoryEnd) -> Self {
        match end {
            HistoryEnd::More => Self::More,
            HistoryEnd::Beginning => Self::Beginning,
            HistoryEnd::ArchiveUnavailable(reason) => Self::ArchiveUnavailable { reason },
        }
    }
}

/// What a page back brought.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PageBackInfo {
    /// The older rows, oldest first (the views also hear them as inserts).
    pub messages: Vec<MessageInfo>,
    /// Whether more may follow.
    pub end: PageBackEnd,
}

/// The views this timeline opened, and how many rows they show.
#[derive(Default)]
struct Shown {
    rows: u32,
    views: Vec<mpsc::Sender<Signal>>,
}

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
    shown: Mutex<Shown>,
}

impl Timeline {
    pub(crate) fn new(client: Arc<Client>, peer: String) -> Result<Self, SplitlineError> {
        let peer = peer.trim().to_owned();
        if !peer.contains('@') || peer.contains('/') {
            return Err(SplitlineError::invalid(format!(
                "'{peer}' is not an address like user@domain"
            )));
        }
        Ok(Self {
            client,
            peer,
            shown: Mutex::default(),
        })
    }

    fn shown(&self) -> std::sync::MutexGuard<'_, Shown> {
        // The state stays consistent even if a holder panicked.
        self.shown
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export(async_runtime = "tokio")]
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
        let mut shown = self.shown();
        shown.rows = shown.rows.max(window);
        shown.views.push(subscription.signals());
        drop(shown);
        Ok(Arc::new(ViewHandle::new(subscription)))
    }

    /// Pages back `limit` rows (1 to 100) before the oldest this timeline's
    /// views show: from the store, then from the network's archive (stored
    /// for next time). The views opened by `subscribe` grow to show them and
    /// hear them as inserts at the top.
    pub async fn page_back(&self, limit: u32) -> Result<PageBackInfo, SplitlineError> {
        let rows = self.shown().rows;
        let oldest = if rows == 0 {
            None
        } else {
            self.client
                .messages(&self.peer, None, rows)?
                .first()
                .map(|m| m.id)
        };
        let page = self
            .client
            .history()
            .older(&self.peer, oldest, limit)
            .await?;
        let added = crate::types::to_u32(page.rows.len());
        let views = {
            let mut shown = self.shown();
            shown.rows = shown.rows.saturating_add(added);
            // Views whose subscription ended are forgotten.
            shown
                .views
                .retain(|view| view.send(Signal::LoadMore(added)).is_ok());
            shown.views.len()
        };
        tracing::debug!(added, views, "paged back");
        Ok(PageBackInfo {
            messages: page.rows.into_iter().map(MessageInfo::from).collect(),
            end: page.end.into(),
        })
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
