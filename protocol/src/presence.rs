//! Presence: one's own and one's contacts'.

use serde::{Deserialize, Serialize};

/// Longest status text, in characters.
pub const MAX_STATUS_CHARS: usize = 1_024;

/// How available someone is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// Online and available.
    Available,
    /// Online and eager to chat.
    Chat,
    /// Away for a short while.
    Away,
    /// Away for a long while.
    ExtendedAway,
    /// Do not disturb.
    DoNotDisturb,
    /// Not online.
    Offline,
}

/// A contact's presence, merged over all of the contact's devices: the most
/// available device wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPresence {
    /// How available the contact is.
    pub availability: Availability,
    /// The contact's status text, if any.
    pub status: Option<String>,
}

impl ContactPresence {
    /// The presence of a contact with no device online.
    pub fn offline() -> Self {
        Self {
            availability: Availability::Offline,
            status: None,
        }
    }
}

/// Set one's own presence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetPresenceRequest {
    /// `available`, `chat`, `away`, `extended_away` or `do_not_disturb`
    /// (`offline` is refused: sign off instead).
    pub availability: Availability,
    /// An optional status text (at most 1,024 characters).
    #[serde(default)]
    pub status: Option<String>,
}
