//! Contacts (the roster).

use serde::{Deserialize, Serialize};

use crate::ContactPresence;

/// Longest contact name, in characters.
pub const MAX_NAME_CHARS: usize = 256;

/// Whose presence each side sees (RFC 6121 subscription states).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subscription {
    /// Neither side sees the other.
    None,
    /// The contact sees the user; the user does not see the contact.
    From,
    /// The user sees the contact; the contact does not see the user.
    To,
    /// Both see each other.
    Both,
}

/// One contact in the user's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The contact's bare address.
    pub jid: String,
    /// The name the user gave the contact, if any.
    pub name: Option<String>,
    /// The subscription state.
    pub subscription: Subscription,
    /// True while the user's request to see the contact awaits an answer.
    pub pending_out: bool,
    /// The contact's current presence.
    pub presence: ContactPresence,
}

/// Add a contact: puts it in the list and asks to see its presence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddContactRequest {
    /// The contact's bare address.
    pub jid: String,
    /// An optional name for the contact.
    #[serde(default)]
    pub name: Option<String>,
}

/// Rename a contact already in the list (no new subscription request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameContactRequest {
    /// The new name; `null` clears it.
    #[serde(default)]
    pub name: Option<String>,
}
