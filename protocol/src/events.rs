//! The event stream, read by long-poll.

use serde::{Deserialize, Serialize};

use crate::{
    Availability, CallEndReason, CallState, ChatMessage, Contact, ContactPresence, Room,
    RoomLeftReason,
};

/// The longest a long-poll may wait, in seconds ([`EventsQuery::wait`]).
pub const MAX_WAIT_SECS: u64 = 60;

/// Query of a long-poll for events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// The cursor of the last response (or of sign-in). Every event up to it
    /// counts as received and is forgotten by the gateway.
    pub cursor: String,
    /// Seconds to wait for an event when there is none yet (0 to 60, default 0).
    #[serde(default)]
    pub wait: u64,
}

/// The events after the cursor, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventsResponse {
    /// The events, in order.
    pub events: Vec<EventEnvelope>,
    /// The cursor to send with the next poll.
    pub next_cursor: String,
}

/// One event with its position in the stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventEnvelope {
    /// Position in the session's stream, increasing by one per event.
    pub seq: u64,
    /// What happened.
    pub event: Event,
}

/// Something that happened in the user's network session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A contact joined the list.
    ContactAdded {
        /// The contact.
        contact: Contact,
    },
    /// A contact's name or subscription changed.
    ContactChanged {
        /// The contact as it is now.
        contact: Contact,
    },
    /// A contact left the list.
    ContactRemoved {
        /// The contact's bare address.
        jid: String,
    },
    /// Someone asks to see the user's presence; answer with accept or refuse.
    SubscriptionRequested {
        /// The asker's bare address.
        from: String,
    },
    /// A contact's merged presence changed.
    PresenceChanged {
        /// The contact's bare address.
        jid: String,
        /// The contact's presence now.
        presence: ContactPresence,
    },
    /// A message reached the user.
    MessageReceived {
        /// The message.
        message: ChatMessage,
    },
    /// The user sent a message from another device (a desktop client).
    MessageSentElsewhere {
        /// The message.
        message: ChatMessage,
    },
    /// The user set a presence on another login (a desktop); this session now
    /// announces the same, so contacts see one presence for the user.
    OwnPresenceChanged {
        /// The user's availability now.
        availability: Availability,
        /// The user's status text now.
        status: Option<String>,
    },
    /// A chat was read up to a message (XEP-0333 displayed marker).
    Displayed {
        /// The other party of the chat.
        peer: String,
        /// With `by_user` true: the newest message from `peer` the user has
        /// seen on another device. Otherwise: the newest of the user's own
        /// messages that `peer` has seen.
        network_id: String,
        /// True when the user read it (on another device), false when `peer` did.
        by_user: bool,
    },
    /// The user is in a room: created it, was added to it, or rejoined it
    /// after signing in.
    RoomJoined {
        /// The room.
        room: Room,
    },
    /// A room's name changed.
    RoomChanged {
        /// The room as it is now.
        room: Room,
    },
    /// The user is no longer in a room.
    RoomLeft {
        /// The room's bare address.
        room: String,
        /// Why.
        reason: RoomLeftReason,
    },
    /// A call placed by the gateway moved on (from any of the user's devices).
    CallChanged {
        /// The call.
        call_id: String,
        /// Where it is now.
        state: CallState,
        /// With `ended`: why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<CallEndReason>,
    },
    /// Someone calls the user's network address and the gateway forwards the
    /// call to the user's mobile: it is about to ring from `callback_from`.
    /// `call_changed` events follow.
    CallIncoming {
        /// The call.
        call_id: String,
        /// Who calls: a SIP address or a telephone number.
        caller: String,
        /// The caller's display name, if they gave one: at most 64
        /// characters, no control characters. Unverified unless
        /// `caller_verified`: show it as a claim.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caller_name: Option<String>,
        /// True only when the carrier's trusted trunk asserted `caller` and
        /// `caller_name` (RFC 3325 P-Asserted-Identity); otherwise both are
        /// what the caller says. Absent in older events: false.
        #[serde(default)]
        caller_verified: bool,
        /// The caller id the forwarded call comes from.
        callback_from: String,
    },
    /// The user's mobile number was verified: callbacks may go to it.
    MobileNumberVerified {
        /// The number, E.164.
        number: String,
    },
    /// The session is over; the token no longer works. Sign in again.
    SessionEnded {
        /// Why.
        reason: SessionEndReason,
    },
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionEndReason {
    /// The user signed off.
    SignedOff,
    /// No request arrived within the idle timeout.
    IdleTimeout,
    /// The same device signed in again, which replaced this session.
    Replaced,
    /// The network connection was lost for good.
    NetworkLost,
    /// The gateway is shutting down.
    GatewayShutdown,
}

impl SessionEndReason {
    /// A sentence for people.
    pub fn describe(self) -> &'static str {
        match self {
            Self::SignedOff => "the session was signed off",
            Self::IdleTimeout => "the session ended after the idle timeout",
            Self::Replaced => "a newer sign-in from the same device replaced this session",
            Self::NetworkLost => "the connection to the network was lost",
            Self::GatewayShutdown => "the gateway shut down",
        }
    }
}
