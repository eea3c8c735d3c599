//! The phone's JSON request bodies, into the protocol types and the
//! gateway's checks of their fields (the checks the routes run). Input: any
//! bytes as a body. Invariants: a body that deserializes serializes back to
//! an equal value; an accepted address is `user@domain` and normalising it
//! again changes nothing; an accepted client id is 1 to 64 of
//! `A-Z a-z 0-9 - _ .`; an accepted text is within its limit, carries only
//! characters the network can, and is not blank where it must not be.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::{Serialize, de::DeserializeOwned};
use splitline_gateway::fuzzing::{valid_bare_jid, valid_client_token, valid_text};
use splitline_protocol::{
    AddContactRequest, AddMemberRequest, CreateRoomRequest, DisplayedRequest, MAX_BODY_CHARS,
    MAX_NAME_CHARS, MAX_STATUS_CHARS, SendMessageRequest, SetPresenceRequest, SignInRequest,
    is_network_char,
};

/// The value `data` deserializes to, checked to survive a round trip.
fn read<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(data: &[u8]) -> Option<T> {
    let value: T = serde_json::from_slice(data).ok()?;
    let again: T = serde_json::from_slice(&serde_json::to_vec(&value).ok()?).ok()?;
    assert_eq!(again, value, "a request body changed in a round trip");
    Some(value)
}

fn jid(value: &str) {
    if let Some(normal) = valid_bare_jid(value) {
        let (user, domain) = normal.split_once('@').unwrap_or_default();
        assert!(!user.is_empty() && !domain.is_empty(), "{normal:?}");
        assert_eq!(valid_bare_jid(&normal).as_deref(), Some(normal.as_str()));
    }
}

fn token(value: &str) {
    let plain = (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    assert_eq!(valid_client_token(value), plain, "{value:?}");
}

fn text(value: &str, max: usize, allow_empty: bool) {
    if valid_text(value, max, allow_empty) {
        assert!(value.chars().count() <= max);
        assert!(value.chars().all(is_network_char));
        assert!(allow_empty || !value.trim().is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(r) = read::<SendMessageRequest>(data) {
        token(&r.client_id);
        jid(&r.to);
        text(&r.body, MAX_BODY_CHARS, false);
    }
    if let Some(r) = read::<SignInRequest>(data) {
        jid(&r.jid);
        token(&r.device_id);
        text(&r.build_id, 128, false);
    }
    if let Some(r) = read::<AddContactRequest>(data) {
        jid(&r.jid);
        if let Some(name) = &r.name {
            text(name, MAX_NAME_CHARS, true);
        }
    }
    if let Some(r) = read::<SetPresenceRequest>(data)
        && let Some(status) = &r.status
    {
        text(status, MAX_STATUS_CHARS, true);
    }
    if let Some(r) = read::<CreateRoomRequest>(data) {
        text(&r.name, MAX_NAME_CHARS, false);
        r.members.iter().for_each(|m| jid(m));
    }
    if let Some(r) = read::<AddMemberRequest>(data) {
        jid(&r.jid);
    }
    if let Some(r) = read::<DisplayedRequest>(data) {
        for marker in &r.markers {
            jid(&marker.peer);
            text(&marker.network_id, 256, false);
        }
    }
});
