//! Closed chats, kept on the network server so that every device of the user
//! hides them until a new message arrives.

use serde::{Deserialize, Serialize};

/// A chat the user closed: it stays hidden until a message newer than
/// `up_to_ms` arrives in it, which reopens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedChat {
    /// The other party's bare address.
    pub peer: String,
    /// The time of the newest message the chat held when it was closed, in
    /// milliseconds since the Unix epoch.
    pub up_to_ms: i64,
}

/// The user's closed chats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedChats {
    /// Each closed chat once.
    pub chats: Vec<ClosedChat>,
}
