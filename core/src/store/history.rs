//! A timeline's older history: pages read back from the store, and the
//! bookkeeping of reading one chat's archive backwards when the store runs
//! out (where it stands, whether it reached the chat's beginning), with the
//! gap markers of `recovery` filled when a page meets the messages below them.
//!
//! The rows a back-page brings get ids below every stored row, oldest
//! lowest, so timeline order (time, then id) keeps them before the rows they
//! precede even when archive times tie (they have one-second steps).

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use splitline_protocol::ArchivePage;

use super::{
    Store, StoreError,
    apply::archived_peer,
    changes::Changes,
    messages::{
        Arrival, MESSAGE_COLUMNS, MessageKind, MessageRow, message_from_row, store_message_as,
    },
};

/// What to read from a chat's archive next for its older history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BackRequest {
    /// Read the page before `before` (the newest page without it) to extend
    /// the history past the oldest stored row.
    Extend {
        /// The archive id to read before.
        before: Option<String>,
    },
    /// Read the page before `before`, the oldest archive id after the gap
    /// marker `marker`, to fill that gap.
    FillGap {
        /// The marker's row id.
        marker: i64,
        /// The archive id to read before.
        before: String,
    },
}

impl BackRequest {
    /// The archive id the page is read before.
    pub(crate) fn before(&self) -> Option<&str> {
        match self {
            Self::Extend { before } => before.as_deref(),
            Self::FillGap { before, .. } => Some(before),
        }
    }
}

/// A page of older rows from the store, and what the archive should be asked
/// for the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BackPlan {
    /// Up to the limit of rows before the given row, oldest first.
    pub rows: Vec<MessageRow>,
    /// The archive request to make first, if the rows do not reach far enough.
    pub ask: Option<BackRequest>,
    /// Whether the archive said the chat has nothing older than the store holds.
    pub complete: bool,
    /// Whether the chat is a room (its own archive) rather than a 1:1 chat.
    pub room: bool,
}

impl Store {
    /// Up to `limit` rows of the chat with `peer` just before row `before`
    /// in timeline order (time, then id), oldest first; the newest rows
    /// without `before`. `None` when `before` is not a row of that chat.
    pub fn older_rows(
        &self,
        peer: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Option<Vec<MessageRow>>, StoreError> {
        self.read(|c| older_rows(c, peer, before, limit))
    }

    /// The store's page before `before` and what to ask the archive, if
    /// anything: to fill the newest gap marker in the page (unless the archive
    /// could not fill it before), or, when the page has fewer than `limit`
    /// rows and the chat's history is not complete, to read on past the
    /// oldest archive id reached. `None` when `before` is not in the chat.
    pub(crate) fn back_plan(
        &self,
        peer: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Option<BackPlan>, StoreError> {
        self.read(|c| {
            let Some(rows) = older_rows(c, peer, before, limit)? else {
                return Ok(None);
            };
            let position = position(c, peer)?;
            let room = c
                .query_row("SELECT 1 FROM rooms WHERE jid = ?1", [peer], |_| Ok(()))
                .optional()?
                .is_some();
            let gap = rows
                .iter()
                .rev()
                .find(|r| r.kind == MessageKind::Gap && Some(r.id) != position.unfillable_gap);
            let fill = match gap {
                Some(marker) => {
                    oldest_archive_id_after(c, peer, marker)?.map(|before| BackRequest::FillGap {
                        marker: marker.id,
                        before,
                    })
                }
                None => None,
            };
            let ask = match fill {
                Some(fill) => Some(fill),
                None if rows.len() < limit as usize && !position.complete => {
                    let before = match position.before_id {
                        Some(before) => Some(before),
                        None => oldest_archive_id(c, peer)?,
                    };
                    Some(BackRequest::Extend { before })
                }
                None => None,
            };
            Ok(Some(BackPlan {
                rows,
                ask,
                complete: position.complete,
                room,
            }))
        })
    }

    /// Stores a page the archive answered to `request` for the chat with
    /// `peer`, in one transaction: its messages of that chat go in before
    /// the rows they precede, repeats skipped. Extending records the page's
    /// first archive id as the position reached, and the chat's history as
    /// complete when nothing older precedes it. Filling a gap removes the
    /// marker once the page holds a message the chat already had (the pages
    /// met), moves it before the page's oldest message if not, and keeps it
    /// as unfillable when the archive has nothing older. Returns what changed.
    pub(crate) fn apply_back_page(
        &self,
        peer: &str,
        room: bool,
        request: &BackRequest,
        page: &ArchivePage,
    ) -> Result<Changes, StoreError> {
        self.write(|tx| {
            let mut changes = Changes::default();
            let met = meets_the_chat(tx, peer, page)?;
            let mut id: i64 = tx.query_row(
                "SELECT min(coalesce(min(id), 1), 1) FROM messages",
                [],
                |r| r.get(0),
            )?;
            let room = room.then_some(peer);
            let mut oldest_ms = None;
            // Newest first, each below the one after it.
            for archived in page.messages.iter().rev() {
                if archived_peer(archived, room) != peer {
                    continue;
                }
                id -= 1;
                let arrival = Arrival::History { id };
                if store_message_as(
                    tx,
                    &archived.message,
                    peer,
                    archived.outgoing,
                    arrival,
                    &mut changes,
                )? {
                    oldest_ms = Some(archived.message.timestamp_ms);
                }
            }
            let nothing_older = page.first.is_none()
                || page.first.as_deref() == request.before()
                || (request.before().is_some() && page.complete);
            match request {
                BackRequest::Extend { .. } => {
                    tx.execute(
                        "INSERT INTO history_positions (peer, before_id, complete)
                         VALUES (?1, ?2, ?3)
                         ON CONFLICT (peer) DO UPDATE SET
                             before_id = coalesce(excluded.before_id, before_id),
                             complete = excluded.complete",
                        params![peer, page.first, nothing_older],
                    )?;
                }
                BackRequest::FillGap { marker, .. } => {
                    fill_gap(tx, peer, *marker, met, nothing_older, oldest_ms)?;
                    changes.touched(peer);
                }
            }
            if !changes.chats.is_empty() {
                changes.history.push(peer.to_owned());
            }
            Ok(changes)
        })
    }
}

/// Where reading a chat's archive backwards stands.
#[derive(Debug, Default)]
struct Position {
    before_id: Option<String>,
    complete: bool,
    unfillable_gap: Option<i64>,
}

fn position(c: &Connection, peer: &str) -> Result<Position, StoreError> {
    Ok(c.query_row(
        "SELECT before_id, complete, unfillable_gap FROM history_positions WHERE peer = ?1",
        [peer],
        |r| {
            Ok(Position {
                before_id: r.get(0)?,
                complete: r.get(1)?,
                unfillable_gap: r.get(2)?,
            })
        },
    )
    .optional()?
    .unwrap_or_default())
}

fn older_rows(
    c: &Connection,
    peer: &str,
    before: Option<i64>,
    limit: u32,
) -> Result<Option<Vec<MessageRow>>, StoreError> {
    let (before_ms, before_id) = match before {
        None => (i64::MAX, i64::MAX),
        Some(id) => {
            let at = c
                .query_row(
                    "SELECT m.timestamp_ms FROM messages m JOIN chats c ON c.id = m.chat_id
                     WHERE m.id = ?1 AND c.peer = ?2",
                    params![id, peer],
                    |r| r.get(0),
                )
                .optional()?;
            match at {
                Some(ms) => (ms, id),
                None => return Ok(None),
            }
        }
    };
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m JOIN chats c ON c.id = m.chat_id
         WHERE c.peer = ?1 AND (m.timestamp_ms, m.id) < (?2, ?3)
         ORDER BY m.timestamp_ms DESC, m.id DESC LIMIT ?4"
    );
    let mut statement = c.prepare_cached(&sql)?;
    let rows = statement.query_map(params![peer, before_ms, before_id, limit], message_from_row)?;
    let mut page = rows.collect::<Result<Vec<_>, _>>()?;
    page.reverse();
    Ok(Some(page))
}

/// The oldest archive id stored in the chat with `peer`, in timeline order.
fn oldest_archive_id(c: &Connection, peer: &str) -> Result<Option<String>, StoreError> {
    Ok(c.query_row(
        "SELECT m.archive_id FROM messages m JOIN chats c ON c.id = m.chat_id
         WHERE c.peer = ?1 AND m.archive_id IS NOT NULL
         ORDER BY m.timestamp_ms, m.id LIMIT 1",
        [peer],
        |r| r.get(0),
    )
    .optional()?)
}

/// The oldest archive id in the chat after the row `marker`, in timeline order.
fn oldest_archive_id_after(
    c: &Connection,
    peer: &str,
    marker: &MessageRow,
) -> Result<Option<String>, StoreError> {
    Ok(c.query_row(
        "SELECT m.archive_id FROM messages m JOIN chats c ON c.id = m.chat_id
         WHERE c.peer = ?1 AND m.archive_id IS NOT NULL AND (m.timestamp_ms, m.id) > (?2, ?3)
         ORDER BY m.timestamp_ms, m.id LIMIT 1",
        params![peer, marker.timestamp_ms, marker.id],
        |r| r.get(0),
    )
    .optional()?)
}

/// True when a message of `page` is already in the chat with `peer`.
fn meets_the_chat(
    tx: &Transaction<'_>,
    peer: &str,
    page: &ArchivePage,
) -> Result<bool, StoreError> {
    let mut statement = tx.prepare_cached(
        "SELECT 1 FROM messages m JOIN chats c ON c.id = m.chat_id
         WHERE c.peer = ?1 AND m.archive_id = ?2",
    )?;
    for archive_id in page
        .messages
        .iter()
        .filter_map(|m| m.message.archive_id.as_deref())
    {
        if statement.exists(params![peer, archive_id])? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// After a page read into the gap `marker`: the marker goes when the page
/// met the messages below it; it stays, as one the archive cannot fill,
/// when nothing older precedes the page; else it moves just before the
/// page's oldest new message, where the gap now is.
fn fill_gap(
    tx: &Transaction<'_>,
    peer: &str,
    marker: i64,
    met: bool,
    nothing_older: bool,
    oldest_ms: Option<i64>,
) -> Result<(), StoreError> {
    if met {
        tx.execute(
            "DELETE FROM messages WHERE id = ?1 AND kind = ?2",
            params![marker, MessageKind::Gap.as_str()],
        )?;
    } else if nothing_older {
        tx.execute(
            "INSERT INTO history_positions (peer, unfillable_gap) VALUES (?1, ?2)
             ON CONFLICT (peer) DO UPDATE SET unfillable_gap = excluded.unfillable_gap",
            params![peer, marker],
        )?;
    } else if let Some(oldest_ms) = oldest_ms {
        tx.execute(
            "UPDATE messages SET timestamp_ms = min(timestamp_ms, ?2) WHERE id = ?1",
            params![marker, oldest_ms - 1],
        )?;
    }
    Ok(())
}
