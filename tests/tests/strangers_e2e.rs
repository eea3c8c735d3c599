//! End-to-end: a stranger (a direct XMPP client, not on the user's roster)
//! floods a signed-in phone that is not polling, through real Prosody and the
//! real gateway. The stranger's messages are flagged as message requests and
//! held to the strangers' share; the sender hears of the refused ones; a
//! contact's message still arrives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use splitline_e2e::{
    desktop::Desktop,
    jid,
    phone::befriend,
    world::{PASSWORD, World},
};
use splitline_protocol::{ChatMessage, Event};
use tokio_xmpp::parsers::{
    message::MessageType,
    stanza_error::{DefinedCondition, StanzaError},
};

/// Messages the stranger sends, each of [`BODY_BYTES`].
const FLOOD: usize = 20;
const BODY_BYTES: usize = 100_000;
/// The gateway's default share of one stranger (within the 1 MiB share of
/// all strangers).
const SENDER_BYTES: usize = 256 * 1024;

fn received(event: &Event) -> Option<&ChatMessage> {
    match event {
        Event::MessageReceived { message } => Some(message),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strangers_flood_stays_within_its_share_and_a_contact_still_gets_through() {
    let world = World::start(&["alice", "bob", "eve"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "phone").await;
    let mut bob = world.sign_in("bob", "phone").await;
    befriend(&mut alice, &mut bob).await;
    // Alice's phone goes to sleep: from here on nothing reads its events
    // until the end.
    let mut eve = Desktop::connect(jid!("eve", "laptop"), PASSWORD, world.xmpp.port()).await;
    let text = "x".repeat(BODY_BYTES);
    for n in 0..FLOOD {
        eve.send_chat(jid!("alice"), &format!("flood-{n}"), &text)
            .await;
    }
    // Every refused one comes back to eve as an error without its text; the
    // last message is refused too, so once its error is back the gateway
    // has handled them all.
    let mut refused = Vec::new();
    while !refused.contains(&format!("flood-{}", FLOOD - 1)) {
        let error = eve
            .expect_message("an error for a refused message", |m| {
                m.type_ == MessageType::Error
            })
            .await;
        let condition = error
            .payloads
            .iter()
            .find_map(|p| StanzaError::try_from(p.clone()).ok())
            .map(|e| e.defined_condition);
        assert_eq!(condition, Some(DefinedCondition::ResourceConstraint));
        assert!(error.bodies.is_empty(), "the error echoes no text");
        refused.push(error.id.unwrap().0);
    }
    bob.send("from-bob", jid!("alice"), "are you there?")
        .await
        .unwrap();

    // Alice wakes up and reads everything the session held for her.
    alice
        .wait_for("bob's message", |e| {
            received(e).is_some_and(|m| m.from == jid!("bob"))
        })
        .await;
    let from_bob: Vec<&ChatMessage> = alice
        .seen
        .iter()
        .filter_map(received)
        .filter(|m| m.from == jid!("bob"))
        .collect();
    assert_eq!(from_bob.len(), 1);
    assert!(
        !from_bob[0].from_stranger,
        "a contact's message is no message request"
    );
    let from_eve: Vec<&ChatMessage> = alice
        .seen
        .iter()
        .filter_map(received)
        .filter(|m| m.from == jid!("eve"))
        .collect();
    assert!(
        !from_eve.is_empty(),
        "a stranger's first messages do arrive"
    );
    assert!(
        from_eve.iter().all(|m| m.from_stranger),
        "every one of eve's messages is a message request"
    );
    let held: usize = from_eve.iter().map(|m| m.body.len()).sum();
    assert!(
        held <= SENDER_BYTES,
        "the session held {held} bytes of eve's, over her share"
    );
    assert_eq!(
        from_eve.len() + refused.len(),
        FLOOD,
        "each of eve's messages was either held or refused to her face"
    );
    world.shutdown().await;
}
