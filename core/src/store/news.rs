//! What arrived since a point: the incoming messages stored after a row,
//! counted per chat, for the summary of a sync.

use rusqlite::params;

use super::{Store, StoreError};

/// A chat's new incoming messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatNews {
    /// The other party's address, or the room's.
    pub peer: String,
    /// Incoming messages stored since the point asked about.
    pub new_messages: u32,
}

impl Store {
    /// The newest message row's id (0 with none): the point to count from.
    pub(crate) fn newest_message_id(&self) -> Result<i64, StoreError> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT coalesce(max(id), 0) FROM messages", [], |r| {
                    r.get(0)
                })?,
            )
        })
    }

    /// The chats with incoming messages stored after row `after`, with how
    /// many, most recent chat first.
    pub(crate) fn news_since(&self, after: i64) -> Result<Vec<ChatNews>, StoreError> {
        self.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT c.peer, count(*) FROM messages m JOIN chats c ON c.id = m.chat_id
                 WHERE m.id > ?1 AND m.outgoing = 0 AND m.kind = 'message'
                 GROUP BY c.id ORDER BY max(m.id) DESC",
            )?;
            let rows = statement.query_map(params![after], |r| {
                Ok(ChatNews {
                    peer: r.get(0)?,
                    new_messages: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
