//! Read state: telling the user's contacts and other devices how far the user
//! has read a chat (XEP-0333 displayed markers, and XEP-0490 where the server
//! offers it).

use serde::{Deserialize, Serialize};

/// Most markers in one request.
pub const MAX_MARKERS: usize = 500;

/// The user has seen chats up to these messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisplayedRequest {
    /// One marker per chat (1 to 500).
    pub markers: Vec<DisplayedMarker>,
}

/// How far the user has read one chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisplayedMarker {
    /// The other party's bare address.
    pub peer: String,
    /// The `network_id` of the newest message from `peer` the user has seen.
    pub network_id: String,
    /// That message's `archive_id`, when known: the gateway then also stores
    /// the read position on the server for the user's other devices (XEP-0490).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_id: Option<String>,
}
