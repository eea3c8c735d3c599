//! Chat messages, 1:1 and in rooms.

use serde::{Deserialize, Serialize};

/// Longest message text, in characters (Unicode scalar values): the gateway
/// refuses a longer body with `invalid_request`, and the core refuses to queue one.
pub const MAX_BODY_CHARS: usize = 10_000;

/// Send a message to a contact, or to a room the user is in. Sending the same `client_id` again during the session
/// returns the first outcome and puts nothing more on the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendMessageRequest {
    /// The client's id of the message (1 to 64 of `A-Z a-z 0-9 - _ .`).
    pub client_id: String,
    /// The recipient's bare address, or the room's.
    pub to: String,
    /// The text (1 to [`MAX_BODY_CHARS`] characters).
    pub body: String,
}

/// The outcome of a send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessageResponse {
    /// The client's id, echoed.
    pub client_id: String,
    /// The id the message carries on the network.
    pub network_id: String,
    /// True when this `client_id` had been sent before and nothing new was sent.
    pub duplicate: bool,
}

/// A message as the event stream and the archive report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// The message's id on the network (the sender's stanza id), if it had one.
    pub network_id: Option<String>,
    /// Its id in the user's archive on the network (XEP-0359 stanza id), where
    /// the server archives it; the position to catch up from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_id: Option<String>,
    /// The room the message was posted in; absent for a 1:1 message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// The sender's bare address. In a room: the sender's nickname, which
    /// Splitline sets to the sender's bare address; a nickname that is not an
    /// address shows as `room/nickname`.
    pub from: String,
    /// The recipient's bare address (in a room: the room's).
    pub to: String,
    /// The text.
    pub body: String,
    /// When it was sent, in milliseconds since the Unix epoch (the network's
    /// delay stamp where present, otherwise when the gateway received it).
    pub timestamp_ms: i64,
    /// A message request: a 1:1 message from someone who is not the user's
    /// contact (not on the roster with a subscription either way, nor asked
    /// for one by the user). The app shows it apart. Absent means false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub from_stranger: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}
