//! Push wake-up: a device's Web Push subscription (RFC 8030, RFC 8291) as a
//! UnifiedPush distributor hands it to the app, and what the gateway pushes.
//!
//! A device registers its subscription with `PUT` [`crate::paths::PUSH`];
//! the gateway then keeps the user's network session through a long idle
//! timeout, and while no long-poll is open it wakes the phone with a
//! [`PushWake`], encrypted for the device (aes128gcm) and signed with the
//! gateway's VAPID key (RFC 8292). The phone fetches what is new itself.

use serde::{Deserialize, Serialize};

/// The longest endpoint URL the gateway takes.
pub const MAX_ENDPOINT_CHARS: usize = 1024;

/// What a push may carry for this device.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushContent {
    /// A wake-up with counts only: no sender, no text (the default).
    #[default]
    Minimal,
    /// Also the newest messages' senders and text, opted into per device.
    Text,
}

/// `PUT /v1/push`: register (or replace) this device's push subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRegistration {
    /// The push service's endpoint URL for this device: `https://`, or
    /// `http://` on loopback where the gateway allows it for tests.
    pub endpoint: String,
    /// The device's P-256 public key, uncompressed, base64url without padding.
    pub p256dh: String,
    /// The device's 16-byte authentication secret, base64url without padding.
    pub auth: String,
    /// What pushes to this device may carry.
    #[serde(default)]
    pub content: PushContent,
}

/// The answer to a registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRegistered {
    /// The session's idle timeout from now on, in seconds: long while a push
    /// registration stands.
    pub idle_timeout_secs: u64,
}

/// `GET /v1/push`: the gateway's VAPID key and this device's registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSettings {
    /// The gateway's VAPID public key (RFC 8292), an uncompressed P-256 point,
    /// base64url without padding: the application server key a distributor
    /// asks for.
    pub vapid_public_key: String,
    /// This device's registration, if any.
    pub registration: Option<PushRegistrationInfo>,
}

/// A registration as the gateway reports it back (no keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRegistrationInfo {
    /// The scheme, host and port of the endpoint (the rest is the device's).
    pub endpoint_origin: String,
    /// What pushes to this device may carry.
    pub content: PushContent,
    /// When it was registered, in milliseconds since the Unix epoch.
    pub registered_at_ms: i64,
}

/// Which messages of a room wake the phone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomPush {
    /// Every message.
    All,
    /// Messages that mention the user by nickname (the default).
    #[default]
    Mentions,
    /// None.
    Never,
}

/// `PUT /v1/push/rooms/{room}`: which messages of that room wake the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomPushRequest {
    /// The setting for the room.
    pub notify: RoomPush,
}

/// Why the gateway woke the phone: the newest event wins when pushes are
/// coalesced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushReason {
    /// A 1:1 message.
    Message,
    /// A room message that the room's setting lets through.
    RoomMessage,
    /// A contact asked to see the user's presence.
    ContactRequest,
    /// A call changed state.
    Call,
    /// The session ended; the phone must sign in again.
    SessionEnded,
}

/// What happened since the phone last fetched, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushCounts {
    /// 1:1 messages.
    pub messages: u32,
    /// Room messages that the rooms' settings let through.
    pub room_messages: u32,
    /// Contact requests.
    pub contact_requests: u32,
}

/// One message's sender and text, only for a device registered with
/// [`PushContent::Text`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushedMessage {
    /// The chat: the peer's bare address, or the room's.
    pub chat: String,
    /// Who wrote it (a bare address, or the nickname in a room).
    pub from: String,
    /// The text.
    pub body: String,
}

/// The plaintext of a push, before encryption: a wake-up, not a copy of the
/// events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushWake {
    /// The payload's version: 1.
    pub v: u32,
    /// The newest reason.
    pub reason: PushReason,
    /// What is waiting.
    pub counts: PushCounts,
    /// The newest messages, only with [`PushContent::Text`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<PushedMessage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_defaults_to_minimal_content_and_refuses_unknown_fields() {
        let reg: PushRegistration = serde_json::from_str(
            r#"{"endpoint":"https://push.example/x","p256dh":"BA","auth":"QQ"}"#,
        )
        .expect("parses");
        assert_eq!(reg.content, PushContent::Minimal);
        let extra = serde_json::from_str::<PushRegistration>(
            r#"{"endpoint":"https://push.example/x","p256dh":"BA","auth":"QQ","ttl":5}"#,
        );
        assert!(extra.is_err());
    }

    #[test]
    fn a_minimal_wake_carries_no_messages_field() {
        let wake = PushWake {
            v: 1,
            reason: PushReason::Message,
            counts: PushCounts {
                messages: 2,
                ..PushCounts::default()
            },
            messages: Vec::new(),
        };
        let json = serde_json::to_string(&wake).expect("serialises");
        assert_eq!(
            json,
            r#"{"v":1,"reason":"message","counts":{"messages":2,"room_messages":0,"contact_requests":0}}"#
        );
    }
}
