//! What a write changed, for listeners.

use splitline_protocol::{CallEndReason, CallState, SessionEndReason};

/// What a batch changed, for listeners.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The contact list or a presence changed.
    pub contacts: bool,
    /// The contacts whose rows changed (added, changed, removed, or asking
    /// to see the user's presence), each once, in order. Empty with
    /// `contacts` set means the whole list may have changed (a resync).
    pub contact_jids: Vec<String>,
    /// The user's own presence changed (followed from another login).
    pub own_presence: bool,
    /// Chats that got new messages, by peer.
    pub chats: Vec<String>,
    /// New messages stored (duplicates not counted).
    pub new_messages: usize,
    /// Chats whose older history a back-page filled in (also in `chats`):
    /// rows went in before the oldest a timeline showed, or into a gap whose
    /// marker moved or went. A timeline showing one re-reads its rows up to
    /// the first it showed. Never news: these rows are not in `new_messages`
    /// and never unread.
    pub history: Vec<String>,
    /// The user's rooms changed (joined, renamed or left).
    pub rooms: bool,
    /// People newly asking to see the user's presence: each stored request
    /// is reported once (the standing list is `Store::subscription_requests`).
    pub subscription_requests: Vec<String>,
    /// The session ended, and why.
    pub session_ended: Option<SessionEndReason>,
    /// Calls that moved on, in order.
    pub calls: Vec<CallUpdate>,
    /// Calls to the user forwarded to their mobile, in order.
    pub incoming_calls: Vec<IncomingCall>,
    /// The user's mobile number was verified (E.164).
    pub mobile_verified: Option<String>,
}

/// Someone calls the user; the gateway forwards the call to the mobile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCall {
    pub call_id: String,
    /// Who calls.
    pub caller: String,
    /// The caller's display name, if given (cut by the gateway).
    pub caller_name: Option<String>,
    /// True only when the carrier's trusted trunk asserted the caller and
    /// the name; otherwise both are the caller's own claim.
    pub caller_verified: bool,
    /// The caller id the forwarded call rings the mobile from.
    pub callback_from: String,
}

/// A call placed by the gateway moved on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallUpdate {
    pub call_id: String,
    /// Where it is now.
    pub state: CallState,
    /// With `ended`: why.
    pub reason: Option<CallEndReason>,
}

impl Changes {
    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Notes that the row of contact `jid` changed.
    pub(crate) fn contact_changed(&mut self, jid: &str) {
        self.contacts = true;
        if !self.contact_jids.iter().any(|j| j == jid) {
            self.contact_jids.push(jid.to_owned());
        }
    }

    pub(super) fn touched(&mut self, peer: &str) {
        if !self.chats.iter().any(|p| p == peer) {
            self.chats.push(peer.to_owned());
        }
    }
}
