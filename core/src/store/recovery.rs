//! Recovering when an archive no longer knows the stored position (it
//! answered `cursor_invalid`): the archive is read back from its newest page
//! until the pages meet a message the store had before this sign-in. Where
//! they cannot meet (the archive was pruned, or reading back went on too
//! long), a gap marker goes into the timeline, so nothing is lost silently.
//! The user's 1:1 archive and each room's are recovered alike.

use rusqlite::{OptionalExtension, Transaction, params};
use splitline_protocol::{ArchivePage, ArchivedMessage};

use super::{
    Store, StoreError,
    apply::{put_archive_position, store_archived},
    changes::Changes,
    keys::CATCH_UP_ROW,
    messages::{MessageKind, MessageState},
};

/// An archive being read back: where the next page ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recovery {
    /// The archive id to read before; the newest page without it.
    pub before: Option<String>,
}

/// What a page read back did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecoveryStep {
    /// Not met yet: read the page before it next.
    More,
    /// It met what the store had: nothing is missing.
    Met,
    /// It could not meet: a gap marker shows where messages may be missing.
    Gap,
}

/// The key of a recovery: the room, or `''` for the user's 1:1 archive.
fn key(room: Option<&str>) -> &str {
    room.unwrap_or_default()
}

impl Store {
    /// Starts reading `room`'s archive (the 1:1 archive without it) back from
    /// its newest page; what the store had since before this sign-in is what
    /// the pages have to meet.
    pub(crate) fn start_recovery(&self, room: Option<&str>) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO archive_recovery (archive, pages) VALUES (?1, 0)",
                [key(room)],
            )?;
            Ok(())
        })
    }

    /// The recovery under way for `room` (the 1:1 archive without it), if any.
    pub(crate) fn recovery(&self, room: Option<&str>) -> Result<Option<Recovery>, StoreError> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT before_id FROM archive_recovery WHERE archive = ?1",
                [key(room)],
                |r| Ok(Recovery { before: r.get(0)? }),
            )
            .optional()?)
        })
    }

    /// Keeps a page read back, in one transaction. The recovery ends when
    /// the page meets what the store had, when the archive has nothing older,
    /// or after `max_pages` pages. Then the pages go into their chats oldest
    /// first; if they did not meet, a gap marker (timed just before the oldest
    /// message read back, or at `now_ms`) goes into each chat of that
    /// archive. At the end the archive position is the newest
    /// page's last entry, from which the catch-up reads forward. Returns
    /// what changed and how the recovery goes on.
    pub(crate) fn apply_recovery_page(
        &self,
        room: Option<&str>,
        page: &ArchivePage,
        max_pages: u32,
        now_ms: i64,
    ) -> Result<(Changes, RecoveryStep), StoreError> {
        self.write(|tx| {
            let (before, newest, pages, oldest_ms): (
                Option<String>,
                Option<String>,
                u32,
                Option<i64>,
            ) = tx.query_row(
                "SELECT before_id, newest_id, pages, oldest_ms FROM archive_recovery
                     WHERE archive = ?1",
                [key(room)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            let met = meets_the_store(tx, room, page)?;
            for archived in &page.messages {
                tx.execute(
                    "INSERT INTO archive_recovery_messages (archive, page, message)
                     VALUES (?1, ?2, ?3)",
                    params![key(room), pages, serde_json::to_string(archived)?],
                )?;
            }
            let newest = newest.or_else(|| page.last.clone());
            let oldest_ms = page
                .messages
                .iter()
                .map(|m| m.message.timestamp_ms)
                .min()
                .or(oldest_ms);
            // The newest page says `complete` whatever lies before it.
            let nothing_older = page.first.is_none() || (before.is_some() && page.complete);
            if !met && !nothing_older && pages + 1 < max_pages {
                tx.execute(
                    "UPDATE archive_recovery SET before_id = ?2, newest_id = ?3, pages = ?4,
                         oldest_ms = ?5
                     WHERE archive = ?1",
                    params![key(room), page.first, newest, pages + 1, oldest_ms],
                )?;
                return Ok((Changes::default(), RecoveryStep::More));
            }
            let mut changes = Changes::default();
            store_read_back(tx, room, &mut changes)?;
            let step = if met {
                RecoveryStep::Met
            } else {
                mark_gap(tx, room, oldest_ms.map_or(now_ms, |t| t - 1), &mut changes)?;
                RecoveryStep::Gap
            };
            put_archive_position(tx, room, newest.as_deref())?;
            tx.execute(
                "DELETE FROM archive_recovery WHERE archive = ?1",
                [key(room)],
            )?;
            Ok((changes, step))
        })
    }
}

/// Stores the pages read back into their chats, oldest first.
fn store_read_back(
    tx: &Transaction<'_>,
    room: Option<&str>,
    changes: &mut Changes,
) -> Result<(), StoreError> {
    let kept: Vec<String> = {
        let mut statement = tx.prepare(
            "SELECT message FROM archive_recovery_messages WHERE archive = ?1
             ORDER BY page DESC, seq",
        )?;
        let rows = statement.query_map([key(room)], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for json in kept {
        let archived: ArchivedMessage = serde_json::from_str(&json)?;
        store_archived(tx, &archived, room, changes)?;
    }
    Ok(())
}

/// True when a message of `page` is one the store had before this sign-in,
/// in the chats of that archive.
fn meets_the_store(
    tx: &Transaction<'_>,
    room: Option<&str>,
    page: &ArchivePage,
) -> Result<bool, StoreError> {
    let known_up_to: i64 = tx.query_row(
        "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = ?1),
                         (SELECT max(id) FROM messages), 0)",
        [CATCH_UP_ROW],
        |r| r.get(0),
    )?;
    let mut statement = tx.prepare_cached(
        "SELECT 1 FROM messages m JOIN chats c ON c.id = m.chat_id
         WHERE m.archive_id = ?2 AND m.id <= ?3
           AND CASE WHEN ?1 IS NULL THEN c.peer NOT IN (SELECT jid FROM rooms) ELSE c.peer = ?1 END",
    )?;
    for archive_id in page
        .messages
        .iter()
        .filter_map(|m| m.message.archive_id.as_deref())
    {
        if statement.exists(params![room, archive_id, known_up_to])? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Puts a gap marker at `at_ms` into the room's chat, or into every 1:1 chat.
fn mark_gap(
    tx: &Transaction<'_>,
    room: Option<&str>,
    at_ms: i64,
    changes: &mut Changes,
) -> Result<(), StoreError> {
    let chats: Vec<(i64, String)> = {
        let mut statement = tx.prepare(
            "SELECT id, peer FROM chats
             WHERE CASE WHEN ?1 IS NULL THEN peer NOT IN (SELECT jid FROM rooms) ELSE peer = ?1 END",
        )?;
        let rows = statement.query_map([room], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    for (chat, peer) in chats {
        // Never unread: the marker is seen as it is shown.
        tx.execute(
            "INSERT INTO messages (chat_id, outgoing, sender, body, timestamp_ms, state, kind)
             VALUES (?1, 0, '', '', ?2, ?3, ?4)",
            params![
                chat,
                at_ms,
                MessageState::Displayed.as_str(),
                MessageKind::Gap.as_str()
            ],
        )?;
        changes.touched(&peer);
    }
    Ok(())
}
