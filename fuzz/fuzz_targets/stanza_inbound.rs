//! Stanzas the server delivers, into the phone's events (messages, carbons,
//! archive results, read markers, room invitations, presence, IQs). The
//! user is alice@localhost; anyone else is a stranger. Invariants: what only
//! the user's own account may say (roster pushes, archive results, carbons
//! of sent messages, pushed read positions, own presence) is never taken
//! from a stranger; a stranger's message, marker or subscription request is
//! reported as theirs, never as someone else's. Input starting with `\x01`
//! is `from \0 body \0 id` instead: the gateway's own chat message encoder
//! round-trips through the decoder with its body and id.
#![no_main]

use libfuzzer_sys::fuzz_target;
use splitline_gateway::fuzzing::{Classified, Seen, classify_stanza, send_and_receive};
use splitline_protocol::Event;

const OWN: &str = "alice@localhost";

fn check(seen: &Seen) {
    let from_stranger = seen.sender.as_deref().is_some_and(|s| s != OWN);
    match &seen.classified {
        Classified::OwnAccountOnly(what) => {
            assert!(!from_stranger, "{what} taken from {:?}", seen.sender);
        }
        Classified::Event(event) if from_stranger => {
            let sender = seen.sender.as_deref().unwrap_or_default();
            match event {
                Event::MessageReceived { message } => {
                    assert_eq!(
                        message.from, sender,
                        "a stranger's message as someone else's"
                    );
                    assert_eq!(message.room, None);
                }
                Event::Displayed { peer, by_user, .. } => {
                    assert!(!by_user, "a stranger's marker as read by the user");
                    assert_eq!(peer, sender);
                }
                Event::SubscriptionRequested { from } => assert_eq!(from, sender),
                other => panic!("a stranger made {other:?}"),
            }
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(rest) = data.strip_prefix(b"\x01") {
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        let mut parts = text.splitn(3, '\0');
        let (Some(from), Some(body), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
            return;
        };
        let Some(seen) = send_and_receive(from, OWN, body, id) else {
            return;
        };
        check(&seen);
        if let Classified::Event(Event::MessageReceived { message }) = &seen.classified {
            assert_eq!(message.body, body, "the body changed on its way");
            assert_eq!(
                message.network_id.as_deref(),
                Some(id),
                "the id changed on its way"
            );
        }
        return;
    }
    let Ok(xml) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(seen) = classify_stanza(xml, OWN, 1_700_000_000_000) {
        check(&seen);
    }
});
