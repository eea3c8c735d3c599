//! Every example in docs/protocol.md parses as the type it names and
//! serialises back to the same JSON; every type, event and error code has one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use splitline_protocol::*;

fn examples() -> Vec<(String, Value)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md");
    let text = std::fs::read_to_string(path).expect("docs/protocol.md is readable");
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix("example: ") else {
            continue;
        };
        assert_eq!(
            lines.next(),
            Some("```json"),
            "example {name} must be followed by a ```json block"
        );
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        let value: Value = serde_json::from_str(&block.join("\n"))
            .unwrap_or_else(|e| panic!("example {name} is not JSON: {e}"));
        out.push((name.trim().to_owned(), value));
    }
    out
}

fn round_trip<T: Serialize + DeserializeOwned>(name: &str, value: &Value) {
    let parsed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("example {name} does not parse: {e}\n{value}"));
    let back = serde_json::to_value(&parsed).expect("serialises");
    assert_eq!(
        &back, value,
        "example {name} does not serialise back to itself"
    );
}

#[test]
fn every_example_matches_its_type() {
    let examples = examples();
    for (name, value) in &examples {
        match name.as_str() {
            "SignInRequest" => round_trip::<SignInRequest>(name, value),
            "SignInResponse" => round_trip::<SignInResponse>(name, value),
            "EventsQuery" => round_trip::<EventsQuery>(name, value),
            "EventsResponse" => round_trip::<EventsResponse>(name, value),
            "Event" => round_trip::<Event>(name, value),
            "Snapshot" => round_trip::<Snapshot>(name, value),
            "ArchiveQuery" => round_trip::<ArchiveQuery>(name, value),
            "ArchivePage" => round_trip::<ArchivePage>(name, value),
            "SendMessageRequest" => round_trip::<SendMessageRequest>(name, value),
            "SendMessageResponse" => round_trip::<SendMessageResponse>(name, value),
            "AddContactRequest" => round_trip::<AddContactRequest>(name, value),
            "RenameContactRequest" => round_trip::<RenameContactRequest>(name, value),
            "SetPresenceRequest" => round_trip::<SetPresenceRequest>(name, value),
            "DisplayedRequest" => round_trip::<DisplayedRequest>(name, value),
            "ClosedChat" => round_trip::<ClosedChat>(name, value),
            "ClosedChats" => round_trip::<ClosedChats>(name, value),
            "ErrorBody" => round_trip::<ErrorBody>(name, value),
            "Rooms" => round_trip::<Rooms>(name, value),
            "Room" => round_trip::<Room>(name, value),
            "CreateRoomRequest" => round_trip::<CreateRoomRequest>(name, value),
            "RenameRoomRequest" => round_trip::<RenameRoomRequest>(name, value),
            "AddMemberRequest" => round_trip::<AddMemberRequest>(name, value),
            "RoomMembers" => round_trip::<RoomMembers>(name, value),
            "AccessNumbers" => round_trip::<AccessNumbers>(name, value),
            "VerifyNumberRequest" => round_trip::<VerifyNumberRequest>(name, value),
            "VerificationStarted" => round_trip::<VerificationStarted>(name, value),
            "ConfirmNumberRequest" => round_trip::<ConfirmNumberRequest>(name, value),
            "MobileNumber" => round_trip::<MobileNumber>(name, value),
            "StartCallRequest" => round_trip::<StartCallRequest>(name, value),
            "CallStarted" => round_trip::<CallStarted>(name, value),
            "CallRecords" => round_trip::<CallRecords>(name, value),
            "ContactPhonesList" => round_trip::<ContactPhonesList>(name, value),
            "SetOwnPhonesRequest" => round_trip::<SetOwnPhonesRequest>(name, value),
            "PushSettings" => round_trip::<PushSettings>(name, value),
            "PushRegistration" => round_trip::<PushRegistration>(name, value),
            "PushRegistered" => round_trip::<PushRegistered>(name, value),
            "RoomPushRequest" => round_trip::<RoomPushRequest>(name, value),
            "PushWake" => round_trip::<PushWake>(name, value),
            other => panic!("example of unknown type {other}"),
        }
    }
    let named: BTreeSet<&str> = examples.iter().map(|(n, _)| n.as_str()).collect();
    let wanted = [
        "SignInRequest",
        "SignInResponse",
        "EventsQuery",
        "EventsResponse",
        "Event",
        "Snapshot",
        "ArchiveQuery",
        "ArchivePage",
        "SendMessageRequest",
        "SendMessageResponse",
        "AddContactRequest",
        "RenameContactRequest",
        "SetPresenceRequest",
        "DisplayedRequest",
        "ClosedChat",
        "ClosedChats",
        "ErrorBody",
        "Rooms",
        "Room",
        "CreateRoomRequest",
        "RenameRoomRequest",
        "AddMemberRequest",
        "RoomMembers",
        "AccessNumbers",
        "VerifyNumberRequest",
        "VerificationStarted",
        "ConfirmNumberRequest",
        "MobileNumber",
        "StartCallRequest",
        "CallStarted",
        "CallRecords",
        "ContactPhonesList",
        "SetOwnPhonesRequest",
        "PushSettings",
        "PushRegistration",
        "PushRegistered",
        "RoomPushRequest",
        "PushWake",
    ];
    for name in wanted {
        assert!(
            named.contains(name),
            "docs/protocol.md has no example of {name}"
        );
    }
}

#[test]
fn every_event_type_has_an_example() {
    let shown: BTreeSet<String> = examples()
        .into_iter()
        .filter(|(n, _)| n == "Event")
        .filter_map(|(_, v)| v["type"].as_str().map(str::to_owned))
        .collect();
    for event in [
        "contact_added",
        "contact_changed",
        "contact_removed",
        "subscription_requested",
        "presence_changed",
        "message_received",
        "message_sent_elsewhere",
        "displayed",
        "own_presence_changed",
        "room_joined",
        "room_changed",
        "room_left",
        "call_changed",
        "call_incoming",
        "mobile_number_verified",
        "session_ended",
    ] {
        assert!(
            shown.contains(event),
            "docs/protocol.md shows no {event} event"
        );
    }
}

#[test]
fn every_error_code_is_in_the_table_with_its_status() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md"))
        .unwrap();
    let codes = [
        ErrorCode::InvalidRequest,
        ErrorCode::Unauthorized,
        ErrorCode::AuthFailed,
        ErrorCode::SessionEnded,
        ErrorCode::DomainNotServed,
        ErrorCode::Forbidden,
        ErrorCode::DestinationNotAllowed,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::CursorInvalid,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UriTooLong,
        ErrorCode::HeadersTooLarge,
        ErrorCode::RateLimited,
        ErrorCode::NetworkUnavailable,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
    ];
    for code in codes {
        let name = serde_json::to_value(code).unwrap();
        let row = format!("| `{}` | {} |", name.as_str().unwrap(), code.http_status());
        assert!(text.contains(&row), "docs/protocol.md lacks the row {row}");
    }
}

#[test]
fn every_path_is_documented() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md"))
        .unwrap();
    for path in [
        paths::SIGN_IN,
        paths::SIGN_OFF,
        paths::EVENTS,
        paths::SNAPSHOT,
        paths::ARCHIVE,
        paths::MESSAGES,
        paths::CONTACTS,
        paths::CONTACT,
        paths::CONTACT_ACCEPT,
        paths::CONTACT_REFUSE,
        paths::PRESENCE,
        paths::DISPLAYED,
        paths::CLOSED_CHATS,
        paths::ROOMS,
        paths::ROOM,
        paths::ROOM_MEMBERS,
        paths::ROOM_MEMBER,
        paths::CALLS,
        paths::CALL,
        paths::CALL_RECORDS,
        paths::MOBILE_NUMBER,
        paths::MOBILE_NUMBER_CONFIRM,
    ] {
        assert!(
            text.contains(&format!("{path}`")) || text.contains(&format!("{path}?")),
            "docs/protocol.md does not document {path}"
        );
    }
}
