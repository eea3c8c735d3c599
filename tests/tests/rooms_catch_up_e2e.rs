//! End-to-end: the app's core catching up on several rooms after a long
//! absence, each from its own archive, and posting what was written offline
//! in a room once each. Real Prosody (rooms and room archives), the real
//! gateway over HTTP, the core's real SQLite store, and a direct XMPP client
//! as the other member.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use splitline_core::{
    client::Client,
    store::{MessageRow, MessageState},
};
use splitline_e2e::{
    app::{eventually, signed_in, sync_config, unread},
    desktop::{Desktop, body, displayed_marker, stanza_id_by},
    jid,
    world::{PASSWORD as PW, World},
};

const ROOMS: usize = 3;
const PER_ROOM: usize = 700;

fn room_messages(client: &Client, room: &str) -> Vec<MessageRow> {
    client.messages(room, None, 5_000).unwrap()
}

/// Waits up to `secs` for `done`.
async fn within(secs: u64, what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backlog_across_rooms_is_caught_up_in_order_and_offline_posts_go_out_once() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("alice.db");
    let alice = signed_in(&world.base, &store, "alice", "phone").await;
    let admin = alice.room_admin().unwrap();
    let mut rooms = Vec::new();
    for n in 0..ROOMS {
        let room = admin
            .create_room(&format!("Room {n}"), &[jid!("bob").to_owned()])
            .await
            .unwrap();
        rooms.push(room.jid);
    }
    eventually("the app lists the rooms", || {
        alice.rooms().unwrap().len() == ROOMS
    })
    .await;
    // A long absence: the gateway no longer runs a session for alice.
    alice.sign_off().await.unwrap();

    let mut bob = Desktop::connect(jid!("bob", "desk"), PW, world.xmpp.port()).await;
    for room in &rooms {
        bob.join_room(room).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for n in 0..PER_ROOM {
        for room in &rooms {
            bob.send_groupchat(room, &format!("b-{n}"), &format!("{n}"))
                .await;
        }
    }
    // Every post is in its room (and archived) once the room reflects it.
    let last = (PER_ROOM - 1).to_string();
    for _ in &rooms {
        bob.expect_message("the last post reflected", |m| body(m) == last)
            .await;
    }

    // Written while offline: the gateway cannot be reached.
    let offline = Client::start(
        store.clone(),
        sync_config(vec!["http://127.0.0.1:9".into()], jid!("alice"), "phone"),
        PW.into(),
    )
    .unwrap();
    for text in ["offline 1", "offline 2"] {
        let queued = offline.send_message(&rooms[0], text).unwrap();
        assert_eq!(queued.state, MessageState::Queued);
    }
    offline.stop().await.unwrap();

    let alice = signed_in(&world.base, &store, "alice", "phone").await;
    within(120, "every room caught up and the outbox sent", || {
        rooms.iter().enumerate().all(|(i, room)| {
            let messages = room_messages(&alice, room);
            let expected = PER_ROOM + if i == 0 { 2 } else { 0 };
            messages.len() == expected && messages.iter().all(|m| m.state != MessageState::Queued)
        })
    })
    .await;
    for room in &rooms {
        let from_bob: Vec<String> = room_messages(&alice, room)
            .into_iter()
            .filter(|m| m.sender == jid!("bob"))
            .map(|m| m.body)
            .collect();
        let expected: Vec<String> = (0..PER_ROOM).map(|n| n.to_string()).collect();
        assert_eq!(from_bob, expected, "room {room} in order, each once");
    }
    let chats = alice.chats(0, 50).unwrap();
    for (i, room) in rooms.iter().enumerate() {
        let chat = chats.iter().find(|c| c.peer == *room).unwrap();
        assert_eq!(
            chat.room_name.as_deref(),
            Some(format!("Room {i}").as_str())
        );
        assert_eq!(chat.unread as usize, PER_ROOM);
    }

    // Bob gets each offline post once.
    for text in ["offline 1", "offline 2"] {
        bob.expect_message(text, |m| body(m) == text).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let again: Vec<String> = bob
        .drain_bodies()
        .into_iter()
        .filter(|b| b.starts_with("offline"))
        .collect();
    assert!(again.is_empty(), "offline posts went out twice: {again:?}");
    let sent: Vec<MessageState> = room_messages(&alice, &rooms[0])
        .into_iter()
        .filter(|m| m.outgoing)
        .map(|m| m.state)
        .collect();
    assert_eq!(sent, vec![MessageState::Sent, MessageState::Sent]);
    alice.stop().await.unwrap();
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_read_on_one_device_shows_read_on_the_other_both_ways() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let dir = tempfile::tempdir().unwrap();
    let alice = signed_in(&world.base, &dir.path().join("alice.db"), "alice", "phone").await;
    let room = alice
        .room_admin()
        .unwrap()
        .create_room("Reads", &[jid!("bob").to_owned()])
        .await
        .unwrap()
        .jid;
    let mut desktop = Desktop::connect(jid!("alice", "desk"), PW, world.xmpp.port()).await;
    let bob = Desktop::connect(jid!("bob", "desk"), PW, world.xmpp.port()).await;
    desktop.join_room(&room).await;
    bob.join_room(&room).await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Read on the desktop: read on the phone.
    bob.send_groupchat(&room, "b-1", "first").await;
    let first = desktop
        .expect_message("first", |m| body(m) == "first")
        .await;
    let first_id = stanza_id_by(&first, &room).expect("the room's id of the post");
    eventually("the post unread on the phone", || {
        unread(&alice, &room) == 1
    })
    .await;
    desktop.send_room_displayed(&room, &first_id).await;
    eventually("the desktop's read shown on the phone", || {
        unread(&alice, &room) == 0
    })
    .await;

    // Mark all viewed on the phone: the desktop hears the room's marker.
    bob.send_groupchat(&room, "b-2", "second").await;
    let second = desktop
        .expect_message("second", |m| body(m) == "second")
        .await;
    let second_id = stanza_id_by(&second, &room).expect("the room's id of the post");
    eventually("the second post unread on the phone", || {
        unread(&alice, &room) == 1
    })
    .await;
    assert_eq!(alice.mark_all_viewed().unwrap(), vec![room.clone()]);
    desktop
        .expect_message("the phone's read marker", |m| {
            displayed_marker(m).is_some_and(|(_, id)| id == second_id)
        })
        .await;
    alice.stop().await.unwrap();
    world.shutdown().await;
}
