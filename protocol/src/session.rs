//! Signing in and the state snapshot.

use serde::{Deserialize, Serialize};

use crate::{Availability, Contact};

/// Sign in with the user's network account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// The user's bare network address, `user@domain`.
    pub jid: String,
    /// The network password. The gateway keeps it in memory only.
    pub password: String,
    /// A stable id of this installation (1 to 64 of `A-Z a-z 0-9 - _ .`).
    pub device_id: String,
    /// The app's build id, for diagnostics.
    pub build_id: String,
}

/// A successful sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInResponse {
    /// Bearer token for every further request: `Authorization: Bearer <token>`.
    pub token: String,
    /// The full address the network bound for this session (`user@domain/resource`).
    pub bound_jid: String,
    /// The cursor to start the event stream from.
    pub cursor: String,
    /// Seconds without any request after which the gateway ends the session.
    pub idle_timeout_secs: u64,
}

/// Everything the client needs to rebuild its contact list, and the cursor
/// from which events continue that state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The contact list with each contact's presence.
    pub contacts: Vec<Contact>,
    /// The user's own presence as last set.
    pub own_availability: Availability,
    /// The user's own status text as last set.
    pub own_status: Option<String>,
    /// Events after this cursor change the state above.
    pub cursor: String,
}
