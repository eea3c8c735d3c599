//! End-to-end: invitations into rooms through the real gateway and the XMPP
//! server's rooms (XEP-0045), with direct XMPP clients as a stranger and as
//! the user's desktop. A forged invitation joins nothing and stores nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use reqwest::Method;
use splitline_e2e::{
    desktop::Desktop,
    jid,
    phone::{Phone, befriend},
    world::{PASSWORD as PW, World},
};
use splitline_protocol::{CreateRoomRequest, Event, Room, Rooms, paths};
use tokio_xmpp::{
    jid::{BareJid, Jid},
    minidom::Element,
    parsers::message::Message,
};

async fn rooms(phone: &Phone) -> Vec<Room> {
    phone
        .call::<(), Rooms>(Method::GET, paths::ROOMS, None)
        .await
        .unwrap()
        .rooms
}

/// The rooms in the user's bookmarks (XEP-0048 in private storage), as a
/// login of the user reads them.
async fn bookmarked(login: &mut Desktop) -> Vec<String> {
    let query: Element =
        "<query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query>"
            .parse()
            .unwrap();
    let answer = login.iq(None, false, query).await.unwrap().unwrap();
    answer
        .children()
        .flat_map(|storage| storage.children())
        .filter(|c| c.name() == "conference")
        .filter_map(|c| c.attr("jid").map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strangers_forged_invitation_joins_nothing_and_saves_no_bookmark() {
    let world = World::start(&["alice", "bob", "eve"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "phone").await;
    let mut bob = world.sign_in("bob", "phone").await;
    befriend(&mut alice, &mut bob).await;

    // Eve, no contact of alice's, relays a "mediated" invitation herself:
    // it claims to be bob's and points at eve's own address.
    let eve = Desktop::connect(jid!("eve", "laptop"), PW, world.xmpp.port()).await;
    let forged: Element = format!(
        "<x xmlns='http://jabber.org/protocol/muc#user'><invite from='{}'/></x>",
        jid!("bob", "desk")
    )
    .parse()
    .unwrap();
    let to = Jid::from(BareJid::new(jid!("alice")).unwrap());
    let mut message = Message::new(Some(to));
    message.payloads.push(forged);
    eve.send(message.into()).await;

    // Bob then invites alice into a real room: that one she joins.
    let request = CreateRoomRequest {
        name: "Team".into(),
        members: vec![jid!("alice").into()],
    };
    let room: Room = bob
        .call(Method::POST, paths::ROOMS, Some(&request))
        .await
        .unwrap();
    alice
        .wait_for(
            "the real room",
            |e| matches!(e, Event::RoomJoined { room: r } if r.jid == room.jid),
        )
        .await;
    alice
        .assert_none(
            "a join of eve's address",
            Duration::from_secs(2),
            |e| matches!(e, Event::RoomJoined { room: r } if r.jid == jid!("eve")),
        )
        .await;
    let listed: Vec<String> = rooms(&alice).await.into_iter().map(|r| r.jid).collect();
    assert_eq!(listed, vec![room.jid.clone()]);
    let mut desktop = Desktop::connect(jid!("alice", "desk"), PW, world.xmpp.port()).await;
    assert_eq!(bookmarked(&mut desktop).await, vec![room.jid.clone()]);
    world.shutdown().await;
}

/// True for a mediated invitation into `room`.
fn invites_into(message: &Message, room: &str) -> bool {
    message.from.as_ref().map(|f| f.to_string()).as_deref() == Some(room)
        && message.payloads.iter().any(|p| {
            p.is("x", "http://jabber.org/protocol/muc#user")
                && p.get_child("invite", "http://jabber.org/protocol/muc#user")
                    .is_some()
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_the_desktop_was_invited_into_and_bookmarked_is_joined_by_the_phone() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "phone").await;
    let mut bob = world.sign_in("bob", "phone").await;
    befriend(&mut alice, &mut bob).await;
    // Alice's desktop is online at a higher priority than her phone's session:
    // the server gives a message to her bare address to the desktop alone.
    let mut desktop =
        Desktop::connect_with_priority(jid!("alice", "desk"), PW, world.xmpp.port(), 10).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let request = CreateRoomRequest {
        name: "Team".into(),
        members: vec![jid!("alice").into()],
    };
    let room: Room = bob
        .call(Method::POST, paths::ROOMS, Some(&request))
        .await
        .unwrap();
    desktop
        .expect_message("the invitation", |m| invites_into(m, &room.jid))
        .await;
    // As real desktop clients do: join the room and bookmark it.
    desktop.join_room(&room.jid).await;
    desktop.bookmark_room(&room.jid, "Team").await;

    alice
        .wait_for(
            "the room the desktop was invited into",
            |e| matches!(e, Event::RoomJoined { room: r } if r.jid == room.jid),
        )
        .await;
    let listed: Vec<String> = rooms(&alice).await.into_iter().map(|r| r.jid).collect();
    assert_eq!(listed, vec![room.jid.clone()]);
    // The phone's session is in the room: it hears what is said there.
    bob.send("b-1", &room.jid, "welcome").await.unwrap();
    alice
        .wait_for("a post in the room", |e| {
            matches!(e, Event::MessageReceived { message }
                if message.room.as_deref() == Some(room.jid.as_str()) && message.body == "welcome")
        })
        .await;
    // And a later sign-in finds it in the bookmarks.
    alice.post_empty::<()>(paths::SIGN_OFF, None).await.unwrap();
    let alice = world.sign_in("alice", "phone").await;
    let listed: Vec<String> = rooms(&alice).await.into_iter().map(|r| r.jid).collect();
    assert_eq!(listed, vec![room.jid.clone()]);
    world.shutdown().await;
}
