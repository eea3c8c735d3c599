//! End-to-end: group chats through the real gateway and the XMPP server's
//! rooms (XEP-0045) and room archives (XEP-0313), with a direct XMPP client
//! as the user's desktop.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use reqwest::{Method, StatusCode};
use splitline_e2e::{
    MUC_SERVICE,
    desktop::Desktop,
    jid,
    phone::{Phone, Refusal, befriend},
    world::{PASSWORD as PW, World},
};
use splitline_protocol::{
    AddMemberRequest, Affiliation, ArchivePage, CreateRoomRequest, ErrorCode, Event,
    RenameRoomRequest, Room, RoomLeftReason, RoomMembers, Rooms, paths,
};

async fn create(phone: &Phone, name: &str, members: &[&str]) -> Result<Room, Refusal> {
    let request = CreateRoomRequest {
        name: name.into(),
        members: members.iter().map(|m| (*m).to_owned()).collect(),
    };
    phone.call(Method::POST, paths::ROOMS, Some(&request)).await
}

async fn rooms(phone: &Phone) -> Vec<Room> {
    phone
        .call::<(), Rooms>(Method::GET, paths::ROOMS, None)
        .await
        .unwrap()
        .rooms
}

fn room_path(template: &str, room: &str) -> String {
    template.replace("{room}", room)
}

async fn room_archive(phone: &Phone, room: &str) -> Result<ArchivePage, Refusal> {
    let path = format!("{}?room={room}&max=50", paths::ARCHIVE);
    phone.call::<(), _>(Method::GET, &path, None).await
}

/// Waits until the phone knows the room under `name`.
async fn wait_joined(phone: &mut Phone, room: &str, name: &str) {
    phone
        .wait_for(&format!("room {room} named {name}"), |e| {
            matches!(e, Event::RoomJoined { room: r } | Event::RoomChanged { room: r }
                if r.jid == room && r.name == name)
        })
        .await;
}

async fn wait_posted(phone: &mut Phone, room: &str, from: &str, body: &str) {
    phone
        .wait_for(&format!("'{body}' in the room"), |e| {
            matches!(e, Event::MessageReceived { message }
                if message.room.as_deref() == Some(room) && message.from == from && message.body == body)
        })
        .await;
}

fn posted_to(room: &str, body: &str) -> impl Fn(&Event) -> bool {
    let (room, body) = (room.to_owned(), body.to_owned());
    move |e| {
        matches!(e, Event::MessageReceived { message }
            if message.room.as_deref() == Some(room.as_str()) && message.body == body)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_come_and_go_and_the_room_outlives_every_session() {
    let world = World::start(&["alice", "bob", "carol"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "phone").await;
    let mut bob = world.sign_in("bob", "phone").await;
    let mut carol = world.sign_in("carol", "phone").await;
    befriend(&mut alice, &mut bob).await;
    befriend(&mut alice, &mut carol).await;

    let room = create(&alice, "Team", &[jid!("bob")]).await.unwrap();
    let jid = room.jid.clone();
    assert_eq!(room.name, "Team");
    wait_joined(&mut alice, &jid, "Team").await;
    wait_joined(&mut bob, &jid, "Team").await;
    assert_eq!(rooms(&bob).await, vec![room.clone()]);

    // Posts reach the members, each once, from the sender's address.
    alice.send("t-1", &jid, "hello team").await.unwrap();
    wait_posted(&mut bob, &jid, jid!("alice"), "hello team").await;
    alice
        .wait_for("her own post reflected", |e| {
            matches!(e, Event::MessageSentElsewhere { message }
                if message.network_id.as_deref() == Some("t-1") && message.archive_id.is_some())
        })
        .await;

    // The user's desktop in the same room shares the phone's occupant.
    let desktop = Desktop::connect(jid!("alice", "desk"), PW, world.xmpp.port()).await;
    desktop.join_room(&jid).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    desktop
        .send_groupchat(&jid, "d-1", "from the desktop")
        .await;
    alice
        .wait_for("the desktop's post", |e| {
            matches!(e, Event::MessageSentElsewhere { message }
                if message.body == "from the desktop" && message.room.as_deref() == Some(jid.as_str()))
        })
        .await;
    wait_posted(&mut bob, &jid, jid!("alice"), "from the desktop").await;

    // Carol joins later and hears what is said from then on.
    let add = AddMemberRequest {
        jid: jid!("carol").into(),
    };
    alice
        .post_empty(&room_path(paths::ROOM_MEMBERS, &jid), Some(&add))
        .await
        .unwrap();
    wait_joined(&mut carol, &jid, "Team").await;
    bob.send("b-1", &jid, "hi carol").await.unwrap();
    wait_posted(&mut carol, &jid, jid!("bob"), "hi carol").await;
    let members: RoomMembers = alice
        .call::<(), _>(Method::GET, &room_path(paths::ROOM_MEMBERS, &jid), None)
        .await
        .unwrap();
    let mut listed: Vec<(String, Affiliation)> = members
        .members
        .into_iter()
        .map(|m| (m.jid, m.affiliation))
        .collect();
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        listed,
        vec![
            (jid!("alice").into(), Affiliation::Owner),
            (jid!("bob").into(), Affiliation::Member),
            (jid!("carol").into(), Affiliation::Member),
        ]
    );

    // Only owners and admins manage members.
    let refused = bob
        .call::<_, serde_json::Value>(
            Method::POST,
            &room_path(paths::ROOM_MEMBERS, &jid),
            Some(&AddMemberRequest {
                jid: jid!("mallory").into(),
            }),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.1.code, ErrorCode::Forbidden, "{refused:?}");

    // Bob is removed: he is told, hears nothing more, and cannot post.
    let bob_path = room_path(paths::ROOM_MEMBER, &jid).replace("{jid}", jid!("bob"));
    alice.delete(&bob_path).await.unwrap();
    bob.wait_for(
        "his removal",
        |e| matches!(e, Event::RoomLeft { room, reason: RoomLeftReason::Removed } if *room == jid),
    )
    .await;
    alice.send("t-2", &jid, "bob is gone").await.unwrap();
    wait_posted(&mut carol, &jid, jid!("alice"), "bob is gone").await;
    bob.assert_none(
        "a post after his removal",
        Duration::from_secs(2),
        posted_to(&jid, "bob is gone"),
    )
    .await;
    let refused = bob.send("b-2", &jid, "still here?").await.unwrap_err();
    assert_eq!(refused.0, StatusCode::NOT_FOUND, "{refused:?}");
    assert!(rooms(&bob).await.is_empty());
    let refused = room_archive(&bob, &jid).await.unwrap_err();
    assert_eq!(refused.1.code, ErrorCode::NotFound);

    // A rename reaches every member.
    let rename = RenameRoomRequest {
        name: "Team 2".into(),
    };
    let _: serde_json::Value = alice
        .call(Method::PUT, &room_path(paths::ROOM, &jid), Some(&rename))
        .await
        .unwrap();
    carol
        .wait_for("the new name", |e| {
            matches!(e, Event::RoomChanged { room } if room.jid == jid && room.name == "Team 2")
        })
        .await;

    // Carol leaves, on every device.
    carol.delete(&room_path(paths::ROOM, &jid)).await.unwrap();
    carol
        .wait_for(
            "her leaving",
            |e| matches!(e, Event::RoomLeft { room, reason: RoomLeftReason::Left } if *room == jid),
        )
        .await;
    assert!(rooms(&carol).await.is_empty());

    // A new session of alice's finds the room in her bookmarks and rejoins it.
    alice.post_empty::<()>(paths::SIGN_OFF, None).await.unwrap();
    let mut alice = world.sign_in("alice", "phone").await;
    assert_eq!(
        rooms(&alice).await,
        vec![Room {
            jid: jid.clone(),
            name: "Team 2".into()
        }]
    );
    wait_joined(&mut alice, &jid, "Team 2").await;
    desktop.send_groupchat(&jid, "d-2", "still there").await;
    alice
        .wait_for("a post after rejoining", |e| {
            matches!(e, Event::MessageSentElsewhere { message } if message.body == "still there")
        })
        .await;

    // The room's archive holds everything said, in order, each once.
    let page = room_archive(&alice, &jid).await.unwrap();
    let said: Vec<(&str, &str)> = page
        .messages
        .iter()
        .map(|m| (m.message.from.as_str(), m.message.body.as_str()))
        .collect();
    assert_eq!(
        said,
        vec![
            (jid!("alice"), "hello team"),
            (jid!("alice"), "from the desktop"),
            (jid!("bob"), "hi carol"),
            (jid!("alice"), "bob is gone"),
            (jid!("alice"), "still there"),
        ]
    );
    assert!(
        page.messages
            .iter()
            .all(|m| m.outgoing == (m.message.from == jid!("alice")))
    );
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_room_requests_get_clear_errors() {
    let world = World::start(&["alice"], |_| {}, None).await;
    let alice = world.sign_in("alice", "phone").await;
    let refused = create(&alice, "  ", &[]).await.unwrap_err();
    assert_eq!(refused.1.code, ErrorCode::InvalidRequest, "{refused:?}");
    let refused = create(&alice, "Team", &["not an address"])
        .await
        .unwrap_err();
    assert_eq!(refused.1.code, ErrorCode::InvalidRequest, "{refused:?}");
    let stranger = &format!("nowhere@{MUC_SERVICE}");
    let refused = alice.send("x-1", stranger, "hello?").await.unwrap_err();
    assert_eq!(refused.1.code, ErrorCode::NotFound, "{refused:?}");
    let refused = alice
        .call::<_, serde_json::Value>(
            Method::PUT,
            &room_path(paths::ROOM, stranger),
            Some(&RenameRoomRequest { name: "x".into() }),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.1.code, ErrorCode::NotFound, "{refused:?}");
    let refused = room_archive(&alice, stranger).await.unwrap_err();
    assert_eq!(refused.1.code, ErrorCode::NotFound, "{refused:?}");
    // A room made without members is the user's alone, and listed.
    let room = create(&alice, "Notes", &[]).await.unwrap();
    assert_eq!(rooms(&alice).await, vec![room]);
    world.shutdown().await;
}
