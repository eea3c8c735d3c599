//! End-to-end: read positions kept on the server for all of the user's
//! devices (XEP-0490, Message Displayed Synchronization), between the phone's
//! core and the user's desktop, in 1:1 chats and rooms, live and after an
//! absence. Real XMPP server (Prosody, or ejabberd with
//! `SPLITLINE_XMPP_SERVER`), the real gateway over HTTP, the core's real
//! SQLite store, and direct XMPP clients as the desktop and the contact.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::HashMap, time::Duration};

use splitline_core::{client::Client, store::MessageState};
use splitline_e2e::{
    app::{eventually, signed_in, unread},
    desktop::{Desktop, body, stanza_id_by},
    jid,
    world::{PASSWORD as PW, World},
};
use tokio_xmpp::{minidom::Element, parsers::stanza_error::DefinedCondition};

const NODE: &str = "urn:xmpp:mds:displayed:0";
const PUBSUB: &str = "http://jabber.org/protocol/pubsub";
const ALICE: &str = jid!("alice");
const BOB: &str = jid!("bob");

/// A stored position: the chat, whose archive's id, and the id.
type Position = (String, String, String);

fn items_query() -> Element {
    format!("<pubsub xmlns='{PUBSUB}'><items node='{NODE}'/></pubsub>")
        .parse()
        .unwrap()
}

/// The positions stored in alice's account, as her desktop reads them (none
/// before the node exists).
async fn positions(desk: &mut Desktop) -> Vec<Position> {
    let answer = match desk.iq(None, false, items_query()).await {
        Ok(Some(answer)) => answer,
        Ok(None) => return Vec::new(),
        Err(error) if error.defined_condition == DefinedCondition::ItemNotFound => {
            return Vec::new();
        }
        Err(error) => panic!("reading the positions failed: {error:?}"),
    };
    let Some(items) = answer.get_child("items", PUBSUB) else {
        return Vec::new();
    };
    items
        .children()
        .filter_map(|item| {
            let id = item
                .get_child("displayed", NODE)?
                .get_child("stanza-id", "urn:xmpp:sid:0")?;
            Some((
                item.attr("id")?.to_owned(),
                id.attr("by")?.to_owned(),
                id.attr("id")?.to_owned(),
            ))
        })
        .collect()
}

/// Waits until alice's stored positions hold all of `want` at once.
async fn expect_positions(desk: &mut Desktop, want: &[Position]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let stored = positions(desk).await;
        if want.iter().all(|w| stored.contains(w)) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never stored {want:?}; stored: {stored:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The desktop stores a position as an XEP-0490 client does (and sends no
/// displayed marker), with the publish options every server takes (ejabberd
/// 23.01 refuses the others; the phone's gateway configured the node).
async fn publish_position(desk: &mut Desktop, chat: &str, by: &str, id: &str) {
    let payload: Element = format!(
        "<pubsub xmlns='{PUBSUB}'><publish node='{NODE}'><item id='{chat}'>\
         <displayed xmlns='{NODE}'><stanza-id xmlns='urn:xmpp:sid:0' by='{by}' id='{id}'/></displayed>\
         </item></publish><publish-options><x xmlns='jabber:x:data' type='submit'>\
         <field var='FORM_TYPE' type='hidden'><value>{PUBSUB}#publish-options</value></field>\
         <field var='pubsub#persist_items'><value>true</value></field>\
         <field var='pubsub#access_model'><value>whitelist</value></field>\
         </x></publish-options></pubsub>"
    )
    .parse()
    .unwrap();
    desk.iq(None, true, payload).await.unwrap();
}

/// Waits for the message with `text` at `desk` and gives its id in the
/// archive of `by`.
async fn archive_id_of(desk: &mut Desktop, text: &str, by: &str) -> String {
    let message = desk
        .expect_message(&format!("'{text}'"), |m| body(m) == text)
        .await;
    stanza_id_by(&message, by).unwrap_or_else(|| panic!("'{text}' has no id by {by}"))
}

/// The state of each message received in the chat with `peer`, by text.
fn states(client: &Client, peer: &str) -> HashMap<String, MessageState> {
    client
        .messages(peer, None, 50)
        .unwrap()
        .into_iter()
        .filter(|m| !m.outgoing)
        .map(|m| (m.body, m.state))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_positions_travel_through_the_server_both_ways_live_and_after_an_absence() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("alice.db");
    let alice = signed_in(&world.base, &store, "alice", "phone").await;
    let mut desk = Desktop::connect(jid!("alice", "desk"), PW, world.xmpp.port()).await;
    let mut bob = Desktop::connect(jid!("bob", "desk"), PW, world.xmpp.port()).await;
    let room = alice
        .room_admin()
        .unwrap()
        .create_room("Positions", &[BOB.to_owned()])
        .await
        .unwrap()
        .jid;
    bob.join_room(&room).await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Read on the phone: the positions are stored for the desktop, by the
    // right archive, and only alice may read them.
    bob.send_chat(ALICE, "b-1", "one").await;
    bob.send_chat(ALICE, "b-2", "two").await;
    bob.send_groupchat(&room, "r-1", "room one").await;
    let two = archive_id_of(&mut desk, "two", ALICE).await;
    let room_one = archive_id_of(&mut bob, "room one", &room).await;
    eventually("bob's and the room's messages unread on the phone", || {
        unread(&alice, BOB) == 2 && unread(&alice, &room) == 1
    })
    .await;
    let mut marked = alice.mark_all_viewed().unwrap();
    marked.sort();
    assert_eq!(marked, [BOB.to_owned(), room.clone()]);
    expect_positions(
        &mut desk,
        &[
            (BOB.into(), ALICE.into(), two),
            (room.clone(), room.clone(), room_one),
        ],
    )
    .await;
    let snooped = bob.iq(Some(ALICE), false, items_query()).await;
    assert!(
        snooped.is_err(),
        "a contact read alice's read positions: {snooped:?}"
    );

    // Read on the desktop while the phone is signed in: the server pushes the
    // position to the gateway's session, and the phone's chat is read.
    bob.send_chat(ALICE, "b-3", "three").await;
    let three = archive_id_of(&mut desk, "three", ALICE).await;
    eventually("three unread on the phone", || unread(&alice, BOB) == 1).await;
    publish_position(&mut desk, BOB, ALICE, &three).await;
    eventually("read on the desktop shows as read on the phone", || {
        unread(&alice, BOB) == 0
    })
    .await;

    // A long absence: the desktop reads part of what came meanwhile; the
    // phone learns it at sign-in, before its catch-up brings the messages.
    alice.sign_off().await.unwrap();
    bob.send_chat(ALICE, "b-4", "four").await;
    bob.send_chat(ALICE, "b-5", "five").await;
    bob.send_groupchat(&room, "r-2", "room two").await;
    bob.send_groupchat(&room, "r-3", "room three").await;
    let four = archive_id_of(&mut desk, "four", ALICE).await;
    let room_two = archive_id_of(&mut bob, "room two", &room).await;
    archive_id_of(&mut bob, "room three", &room).await;
    publish_position(&mut desk, BOB, ALICE, &four).await;
    publish_position(&mut desk, &room, &room, &room_two).await;

    let alice = signed_in(&world.base, &store, "alice", "phone").await;
    eventually("the catch-up brought five and room three", || {
        states(&alice, BOB).len() == 5 && states(&alice, &room).len() == 3
    })
    .await;
    eventually("only what the desktop did not read is unread", || {
        unread(&alice, BOB) == 1 && unread(&alice, &room) == 1
    })
    .await;
    let bob_states = states(&alice, BOB);
    assert_eq!(bob_states["four"], MessageState::Displayed);
    assert_eq!(bob_states["five"], MessageState::Delivered);
    let room_states = states(&alice, &room);
    assert_eq!(room_states["room two"], MessageState::Displayed);
    assert_eq!(room_states["room three"], MessageState::Delivered);
    alice.stop().await.unwrap();
    world.shutdown().await;
}
