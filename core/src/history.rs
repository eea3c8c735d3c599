//! A timeline paging back: first through the store, then through the chat's
//! archive on the network when the store runs out (a new device holds only
//! the newest page), filling the gap markers a recovery left on the way.
//! Each archive page is stored before it is shown, and where the reading
//! stands is kept per chat, so a restart resumes and a chat read back to
//! its beginning never asks again. Offline, the store's rows still come,
//! with word that the rest could not be fetched.

use std::sync::Arc;

use splitline_protocol::{ArchivePage, ArchiveQuery, ErrorCode, MAX_ARCHIVE_PAGE};
use tokio::sync::broadcast;

use crate::{
    gateway::{GatewayError, SessionHandle},
    store::{BackPlan, BackRequest, MessageRow, Store, StoreError},
    sync::{SyncUpdate, blocking},
    util::is_bare_address,
};

/// Most archive pages one [`History::older`] call reads (filling a gap can
/// take a few before the page is whole).
const MAX_PAGES_PER_CALL: usize = 4;

/// How far back a page of [`History::older`] reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryEnd {
    /// Older rows may precede the page: ask again before its first row.
    More,
    /// The page reaches the chat's beginning: nothing older exists, in the
    /// store or in the archive.
    Beginning,
    /// The store has no more older rows here and the archive could not be
    /// read (offline, or the gateway failed): the rows are what the store
    /// holds. Ask again later; nothing was lost.
    ArchiveUnavailable(String),
}

/// A page of a timeline, older than the row it was asked before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OlderPage {
    /// Up to the limit of rows, oldest first (messages and gap markers).
    pub rows: Vec<MessageRow>,
    /// Whether more precedes them.
    pub end: HistoryEnd,
}

/// Why a page of history could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The chat's address is not a bare `user@domain` (or room) address.
    #[error("'{0}' is not an address like user@domain")]
    BadPeer(String),
    /// The row to page before is not in that chat.
    #[error("row {row} is not in the chat with {peer}")]
    UnknownRow {
        /// The chat's peer.
        peer: String,
        /// The row asked before.
        row: i64,
    },
    /// The page size is out of range.
    #[error("a page holds 1 to {max} rows, not {limit}")]
    BadLimit {
        /// The limit asked for.
        limit: u32,
        /// The largest page.
        max: u32,
    },
}

/// Paging back through timelines, on the client's store and session.
pub struct History {
    store: Arc<Store>,
    session: SessionHandle,
    updates: broadcast::Sender<SyncUpdate>,
}

impl History {
    pub(crate) fn new(
        store: Arc<Store>,
        session: SessionHandle,
        updates: broadcast::Sender<SyncUpdate>,
    ) -> Self {
        Self {
            store,
            session,
            updates,
        }
    }

    /// Up to `limit` (1 to 500) rows of the chat with `peer` (a contact's or
    /// a room's address) just before row `before` (the newest rows without
    /// it), oldest first. When the store has fewer, or the page holds a gap
    /// marker, the chat's archive is read back and stored first (listeners
    /// get its rows in [`crate::store::Changes::history`]).
    pub async fn older(
        &self,
        peer: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<OlderPage, HistoryError> {
        if !(1..=MAX_ARCHIVE_PAGE).contains(&limit) {
            return Err(HistoryError::BadLimit {
                limit,
                max: MAX_ARCHIVE_PAGE,
            });
        }
        let peer = peer.trim().to_owned();
        if !is_bare_address(&peer) {
            return Err(HistoryError::BadPeer(peer));
        }
        let mut plan = self.plan(&peer, before, limit).await?;
        for _ in 0..MAX_PAGES_PER_CALL {
            let Some(request) = plan.ask.clone() else {
                break;
            };
            let page = match self.read_archive(&peer, plan.room, &request, limit).await {
                Ok(page) => page,
                Err(error) => {
                    tracing::info!(%error, room = plan.room, "the archive could not be read back");
                    return Ok(OlderPage {
                        rows: plan.rows,
                        end: HistoryEnd::ArchiveUnavailable(error.to_string()),
                    });
                }
            };
            let (chat, room) = (peer.clone(), plan.room);
            let changes = blocking(&self.store, move |s| {
                s.apply_back_page(&chat, room, &request, &page)
            })
            .await?;
            if !changes.is_empty() {
                let _ = self.updates.send(SyncUpdate::Changed(changes));
            }
            plan = self.plan(&peer, before, limit).await?;
        }
        let end = if plan.ask.is_none() && plan.complete && plan.rows.len() < limit as usize {
            HistoryEnd::Beginning
        } else {
            HistoryEnd::More
        };
        Ok(OlderPage {
            rows: plan.rows,
            end,
        })
    }

    async fn plan(
        &self,
        peer: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<BackPlan, HistoryError> {
        let chat = peer.to_owned();
        blocking(&self.store, move |s| s.back_plan(&chat, before, limit))
            .await?
            .ok_or_else(|| HistoryError::UnknownRow {
                peer: peer.to_owned(),
                row: before.unwrap_or_default(),
            })
    }

    /// The archive page `request` asks for: of the room's archive, or of the
    /// user's filtered to the chat `with` the peer. An archive that no longer
    /// knows the position has nothing older to give.
    async fn read_archive(
        &self,
        peer: &str,
        room: bool,
        request: &BackRequest,
        limit: u32,
    ) -> Result<ArchivePage, GatewayError> {
        let (gateway, token) = self.session.current()?;
        let query = ArchiveQuery {
            room: room.then(|| peer.to_owned()),
            with: (!room).then(|| peer.to_owned()),
            after: None,
            before: request.before().map(str::to_owned),
            start_ms: None,
            max: limit,
        };
        match gateway.archive(&token, &query).await {
            Err(error) if error.code() == Some(ErrorCode::CursorInvalid) => {
                tracing::info!("the archive can be read back no further");
                Ok(ArchivePage::end())
            }
            result => result,
        }
    }
}

#[cfg(test)]
mod tests;
