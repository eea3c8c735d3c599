//! The chat list: open chats, most recent first, each with its last message.

use rusqlite::params;

use super::{
    Store, StoreError,
    messages::{MESSAGE_COLUMNS, MessageRow, message_from_row},
};

/// A chat in the chat list: 1:1, or a room's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chat {
    /// The other party's address, or the room's.
    pub peer: String,
    /// The room's name, for a room's chat.
    pub room_name: Option<String>,
    /// Time of the newest message, ms since the epoch.
    pub last_activity_ms: i64,
    /// Incoming messages not yet viewed.
    pub unread: u32,
    /// The newest message (gap markers aside), if any.
    pub last_message: Option<MessageRow>,
}

impl Store {
    /// Open chats (a closed chat shows again once a newer message arrives),
    /// most recent first, `limit` from `offset`.
    pub fn chats_page(&self, offset: u32, limit: u32) -> Result<Vec<Chat>, StoreError> {
        self.read(|c| {
            let sql = format!(
                "SELECT {MESSAGE_COLUMNS}, c.peer, c.last_activity_ms, c.unread, r.name FROM chats c
                 LEFT JOIN rooms r ON r.jid = c.peer
                 LEFT JOIN messages m ON m.id = (
                     SELECT id FROM messages WHERE chat_id = c.id AND kind = 'message'
                     ORDER BY timestamp_ms DESC, id DESC LIMIT 1)
                 WHERE c.closed_up_to_ms IS NULL OR c.last_activity_ms > c.closed_up_to_ms
                 ORDER BY c.last_activity_ms DESC, c.id DESC LIMIT ?1 OFFSET ?2"
            );
            let mut statement = c.prepare_cached(&sql)?;
            let rows = statement.query_map(params![limit, offset], |r| {
                let last_message = match r.get::<_, Option<i64>>(0)? {
                    Some(_) => Some(message_from_row(r)?),
                    None => None,
                };
                Ok(Chat {
                    peer: r.get(11)?,
                    room_name: r.get(14)?,
                    last_activity_ms: r.get(12)?,
                    unread: r.get(13)?,
                    last_message,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
