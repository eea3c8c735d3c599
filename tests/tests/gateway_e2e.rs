//! End-to-end: phones → real gateway (HTTP/HTTPS) → real Prosody, with a
//! direct XMPP client as the same user's desktop login.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use reqwest::{Method, StatusCode};
use splitline_e2e::{
    desktop::{Desktop, body},
    gateway::Settings,
    jid,
    phone::befriend,
    world::{PASSWORD as PW, World},
};
use splitline_protocol::{
    AddContactRequest, Availability, ErrorCode, Event, SessionEndReason, Snapshot, Subscription,
    paths,
};
use tokio_xmpp::parsers::{
    message::Lang,
    presence::{Presence, Show},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_refused_at_once_with_auth_failed() {
    let world = World::start(&["alice"], |_| {}, None).await;
    // The HTTP client's own 75 s timeout would turn a hang into a panic; the
    // sign-in must instead answer with a clear 401.
    let (status, body) = world.refused_sign_in(jid!("alice"), "wrong", "d1").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body.code, ErrorCode::AuthFailed);
    let (_, body) = world.refused_sign_in(jid!("nobody"), PW, "d1").await;
    assert_eq!(body.code, ErrorCode::AuthFailed);
    let (status, body) = world
        .refused_sign_in("alice@elsewhere.example", PW, "d1")
        .await;
    assert_eq!(
        (status, body.code),
        (StatusCode::FORBIDDEN, ErrorCode::DomainNotServed)
    );
    // The right password still works afterwards.
    world.sign_in("alice", "d1").await;
    world.shutdown().await;
}

/// An HTTP client whose connections come from `source` (any 127.0.0.0/8
/// address reaches the gateway on loopback).
fn client_from(source: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(source))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strangers_wrong_guesses_do_not_lock_the_owners_known_device_out() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    // The owner's phone signed in before: the gateway knows the device.
    let owner = world.sign_in("alice", "phone").await;
    owner.post_empty::<()>(paths::SIGN_OFF, None).await.unwrap();
    let attacker = client_from([127, 0, 0, 2]);
    let guess = |password: &'static str, device: &'static str| {
        let attacker = &attacker;
        let base = &world.base;
        async move {
            splitline_e2e::phone::Phone::sign_in(attacker, base, jid!("alice"), password, device)
                .await
                .err()
                .unwrap()
        }
    };
    for _ in 0..5 {
        let (_, body) = guess("guess", "attackers-device").await;
        assert_eq!(body.code, ErrorCode::AuthFailed);
    }
    // The guesser is throttled, even with the right password, and a fresh
    // device id gains nothing.
    for device in ["attackers-device", "another-fresh-device"] {
        let (status, body) = guess(PW, device).await;
        assert_eq!(
            (status, body.code),
            (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
            "{device}"
        );
    }
    // The owner's known phone still gets in with the right password.
    world.sign_in("alice", "phone").await;
    // Another account is unaffected.
    world.sign_in("bob", "d2").await;
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_guessing_across_accounts_is_throttled_and_others_are_not() {
    let options = |s: &mut Settings| s.sessions.sign_in_failures_per_address = Some(3);
    let world = World::start(&["alice", "bob", "carol", "dave"], options, None).await;
    let sprayer = client_from([127, 0, 0, 3]);
    let spray = |user: &'static str| {
        let sprayer = &sprayer;
        let base = &world.base;
        async move {
            splitline_e2e::phone::Phone::sign_in(
                sprayer,
                base,
                &splitline_e2e::jid(user),
                "guess",
                "d",
            )
            .await
            .err()
            .unwrap()
        }
    };
    for user in ["alice", "bob", "carol"] {
        assert_eq!(spray(user).await.1.code, ErrorCode::AuthFailed);
    }
    let (status, body) = spray("dave").await;
    assert_eq!(
        (status, body.code),
        (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
    );
    // From another address, dave signs in from a device he never used.
    world.sign_in("dave", "new-phone").await;
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contacts_are_added_accepted_and_show_presence_changes() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "a1").await;
    let mut bob = world.sign_in("bob", "b1").await;
    befriend(&mut alice, &mut bob).await;

    bob.set_presence(Availability::DoNotDisturb, Some("in a meeting"))
        .await
        .unwrap();
    let event = alice
        .wait_for("bob busy", |e| matches!(e, Event::PresenceChanged { jid, presence } if jid == jid!("bob") && presence.availability == Availability::DoNotDisturb))
        .await;
    let Event::PresenceChanged { presence, .. } = event else {
        unreachable!()
    };
    assert_eq!(presence.status.as_deref(), Some("in a meeting"));

    let snapshot: Snapshot = alice
        .call::<(), _>(Method::GET, paths::SNAPSHOT, None)
        .await
        .unwrap();
    assert_eq!(snapshot.contacts.len(), 1);
    let contact = &snapshot.contacts[0];
    assert_eq!(
        (contact.jid.as_str(), contact.name.as_deref()),
        (jid!("bob"), Some("Friend"))
    );
    assert_eq!(contact.subscription, Subscription::Both);
    assert_eq!(contact.presence.availability, Availability::DoNotDisturb);

    // A fresh sign-in of alice from another device gets the roster as events from its first cursor.
    let mut alice2 = world.sign_in("alice", "a2").await;
    alice2
        .wait_for(
            "bob in the roster",
            |e| matches!(e, Event::ContactAdded { contact } if contact.jid == jid!("bob")),
        )
        .await;
    alice2
        .wait_for("bob's current presence", |e| matches!(e, Event::PresenceChanged { jid, presence } if jid == jid!("bob") && presence.availability == Availability::DoNotDisturb))
        .await;
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_requests_and_removed_contacts() {
    let world = World::start(&["alice", "carol"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "a1").await;
    let mut carol = world.sign_in("carol", "c1").await;

    alice
        .post_empty(
            paths::CONTACTS,
            Some(&AddContactRequest {
                jid: jid!("carol").into(),
                name: None,
            }),
        )
        .await
        .unwrap();
    alice.wait_for("carol pending", |e| matches!(e, Event::ContactAdded { contact } | Event::ContactChanged { contact } if contact.jid == jid!("carol") && contact.pending_out)).await;
    carol
        .wait_for(
            "alice's request",
            |e| matches!(e, Event::SubscriptionRequested { from } if from == jid!("alice")),
        )
        .await;
    carol
        .post_empty::<()>(&paths::CONTACT_REFUSE.replace("{jid}", jid!("alice")), None)
        .await
        .unwrap();
    alice
        .wait_for("the refusal", |e| matches!(e, Event::ContactChanged { contact } if contact.jid == jid!("carol") && !contact.pending_out && contact.subscription == Subscription::None))
        .await;

    alice
        .delete(&paths::CONTACT.replace("{jid}", jid!("carol")))
        .await
        .unwrap();
    alice
        .wait_for(
            "carol removed",
            |e| matches!(e, Event::ContactRemoved { jid } if jid == jid!("carol")),
        )
        .await;
    let (status, body) = alice
        .delete(&paths::CONTACT.replace("{jid}", jid!("carol")))
        .await
        .err()
        .unwrap();
    assert_eq!(
        (status, body.code),
        (StatusCode::NOT_FOUND, ErrorCode::NotFound)
    );
    let snapshot: Snapshot = alice
        .call::<(), _>(Method::GET, paths::SNAPSHOT, None)
        .await
        .unwrap();
    assert!(snapshot.contacts.is_empty());
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_to_one_chat_both_ways_and_a_repeated_client_id_sends_once() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "a1").await;
    let mut bob = world.sign_in("bob", "b1").await;
    befriend(&mut alice, &mut bob).await;

    let first = alice.send("msg-1", jid!("bob"), "hello bob").await.unwrap();
    assert!(!first.duplicate);
    let again = alice.send("msg-1", jid!("bob"), "hello bob").await.unwrap();
    assert!(again.duplicate);
    assert_eq!(again.network_id, first.network_id);
    let received = bob
        .wait_for(
            "alice's message",
            |e| matches!(e, Event::MessageReceived { message } if message.body == "hello bob"),
        )
        .await;
    let Event::MessageReceived { message } = received else {
        unreachable!()
    };
    assert_eq!(
        (message.from.as_str(), message.to.as_str()),
        (jid!("alice"), jid!("bob"))
    );
    assert_eq!(
        message.network_id.as_deref(),
        Some(first.network_id.as_str())
    );

    bob.send("r-1", jid!("alice"), "hi alice").await.unwrap();
    alice.wait_for("bob's reply", |e| matches!(e, Event::MessageReceived { message } if message.body == "hi alice" && message.from == jid!("bob"))).await;

    // The repeated id put no second copy on the network.
    bob.assert_none(
        "a second copy",
        Duration::from_secs(2),
        |e| matches!(e, Event::MessageReceived { message } if message.body == "hello bob"),
    )
    .await;
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desktop_login_shows_on_the_phone_and_messages_reach_both() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "a1").await;
    let mut bob = world.sign_in("bob", "b1").await;
    befriend(&mut alice, &mut bob).await;
    let mut desktop = Desktop::connect(jid!("alice", "desktop"), PW, world.xmpp.port()).await;

    // What the desktop sends shows on the phone as sent from another device.
    desktop
        .send_chat(jid!("bob"), "desk-1", "from my desk")
        .await;
    let event = alice
        .wait_for("the desktop's message", |e| {
            matches!(e, Event::MessageSentElsewhere { .. })
        })
        .await;
    let Event::MessageSentElsewhere { message } = event else {
        unreachable!()
    };
    assert_eq!(
        (message.to.as_str(), message.body.as_str()),
        (jid!("bob"), "from my desk")
    );
    assert_eq!(message.network_id.as_deref(), Some("desk-1"));
    bob.wait_for(
        "the desktop's message",
        |e| matches!(e, Event::MessageReceived { message } if message.body == "from my desk"),
    )
    .await;

    // A message to the user reaches the phone and the desktop.
    bob.send("b-1", jid!("alice"), "to all of alice")
        .await
        .unwrap();
    alice.wait_for("bob's message on the phone", |e| matches!(e, Event::MessageReceived { message } if message.body == "to all of alice")).await;
    let on_desk = desktop
        .expect_message("bob's message on the desktop", |m| {
            body(m) == "to all of alice"
        })
        .await;
    assert_eq!(on_desk.from.unwrap().to_bare().to_string(), jid!("bob"));

    // What the phone sends shows on the desktop too (a carbon copy).
    alice
        .send("p-1", jid!("bob"), "from my phone")
        .await
        .unwrap();
    desktop
        .expect_message("the phone's message as a carbon", |m| {
            m.payloads
                .iter()
                .any(|p| p.is("sent", "urn:xmpp:carbons:2"))
        })
        .await;
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_desktop_logged_in_contacts_see_one_presence_the_newest_the_user_set() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "a1").await;
    let mut bob = world.sign_in("bob", "b1").await;
    befriend(&mut alice, &mut bob).await;
    let desktop = Desktop::connect(jid!("alice", "desktop"), PW, world.xmpp.port()).await;

    // The user goes busy at the desk: the phone's session follows.
    let mut busy = Presence::available();
    busy.show = Some(Show::Dnd);
    busy.set_status(Lang::default(), "in a meeting".to_owned());
    desktop.send(busy.into()).await;
    alice
        .wait_for("the desktop's presence", |e| {
            *e == Event::OwnPresenceChanged {
                availability: Availability::DoNotDisturb,
                status: Some("in a meeting".into()),
            }
        })
        .await;
    bob.wait_for("alice busy", |e| {
        matches!(e, Event::PresenceChanged { jid, presence }
            if jid == jid!("alice")
                && presence.availability == Availability::DoNotDisturb
                && presence.status.as_deref() == Some("in a meeting"))
    })
    .await;
    let snapshot: Snapshot = alice
        .call::<(), _>(Method::GET, paths::SNAPSHOT, None)
        .await
        .unwrap();
    assert_eq!(snapshot.own_availability, Availability::DoNotDisturb);

    // The desktop logs off: alice stays busy for bob, through the phone.
    drop(desktop);
    bob.assert_none(
        "alice looking anything but busy",
        Duration::from_secs(2),
        |e| {
            matches!(e, Event::PresenceChanged { jid, presence }
            if jid == jid!("alice") && presence.availability != Availability::DoNotDisturb)
        },
    )
    .await;
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_off_ends_the_session_and_contacts_see_the_user_leave() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "a1").await;
    let mut bob = world.sign_in("bob", "b1").await;
    befriend(&mut alice, &mut bob).await;

    alice.post_empty::<()>(paths::SIGN_OFF, None).await.unwrap();
    bob.wait_for("alice offline", |e| matches!(e, Event::PresenceChanged { jid, presence } if jid == jid!("alice") && presence.availability == Availability::Offline)).await;
    let (status, body) = alice.poll(0).await.err().unwrap();
    assert_eq!(
        (status, body.code, body.reason),
        (
            StatusCode::UNAUTHORIZED,
            ErrorCode::SessionEnded,
            Some(SessionEndReason::SignedOff)
        )
    );
    // Bob's session is unaffected.
    bob.send("b-9", jid!("alice"), "still here").await.unwrap();
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_times_out_cleanly_and_the_phone_learns_why() {
    let options = |s: &mut Settings| s.sessions.idle_timeout_secs = Some(2);
    let world = World::start(&["alice", "bob"], options, None).await;
    let mut alice = world.sign_in("alice", "a1").await;
    let mut bob = world.sign_in("bob", "b1").await;
    befriend(&mut alice, &mut bob).await;
    // Alice's phone drops a long-poll mid-wait (it went out of coverage): that must not keep her
    // session open forever.
    let abandoned = tokio::time::timeout(Duration::from_millis(300), alice.poll(30)).await;
    assert!(
        abandoned.is_err(),
        "the poll should still have been waiting"
    );
    // An open long-poll counts as presence: bob keeps polling in 1 s steps and stays signed in.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut alice_left = false;
    while tokio::time::Instant::now() < deadline || !alice_left {
        let events = bob.poll(1).await.unwrap();
        alice_left |= events.iter().any(|e| matches!(e, Event::PresenceChanged { jid, presence } if jid == jid!("alice") && presence.availability == Availability::Offline));
        assert!(
            tokio::time::Instant::now() < deadline + Duration::from_secs(15),
            "alice's idle session never ended"
        );
    }
    let (_, body) = alice.poll(0).await.err().unwrap();
    assert_eq!(
        (body.code, body.reason),
        (ErrorCode::SessionEnded, Some(SessionEndReason::IdleTimeout))
    );
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_again_from_the_same_device_replaces_the_old_session() {
    let world = World::start(&["alice"], |_| {}, None).await;
    let mut old = world.sign_in("alice", "same").await;
    let old_token = old.token.clone();
    // An open long-poll of the old session hears why it ended.
    let open_poll = tokio::spawn(async move {
        loop {
            match old.poll(30).await {
                Ok(events)
                    if events
                        .iter()
                        .any(|e| matches!(e, Event::SessionEnded { .. })) =>
                {
                    return events;
                }
                Ok(_) => {}
                Err(refusal) => panic!("the open poll got {refusal:?} instead of session_ended"),
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut new = world.sign_in("alice", "same").await;
    let events = open_poll.await.unwrap();
    assert!(
        events.contains(&Event::SessionEnded {
            reason: SessionEndReason::Replaced
        }),
        "{events:?}"
    );
    // Later requests with the old token get the reason too; the new session works.
    let (_, body) = splitline_e2e::phone::call::<(), Snapshot>(
        &world.http,
        &world.base,
        Method::GET,
        paths::SNAPSHOT,
        Some(&old_token),
        None,
    )
    .await
    .err()
    .unwrap();
    assert_eq!(
        (body.code, body.reason),
        (ErrorCode::SessionEnded, Some(SessionEndReason::Replaced))
    );
    new.poll(0).await.unwrap();
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_heal_by_themselves_when_the_xmpp_server_restarts() {
    let mut world = World::start(&["alice", "bob"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "a1").await;
    let mut bob = world.sign_in("bob", "b1").await;
    befriend(&mut alice, &mut bob).await;

    world.xmpp.stop();
    world.xmpp.start_again().await;
    // Both sessions log in again by themselves (a fresh stream: the roster is
    // fetched again and presence comes back).
    alice
        .wait_for("bob back online", |e| matches!(e, Event::PresenceChanged { jid, presence } if jid == jid!("bob") && presence.availability == Availability::Available))
        .await;
    // A send may fail while the stream is still coming back; retrying with the
    // same client id is the protocol's way, and it must end in exactly one copy.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while alice
        .send("after-restart", jid!("bob"), "back again")
        .await
        .is_err()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "sending never worked again"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bob.wait_for(
        "the message after the restart",
        |e| matches!(e, Event::MessageReceived { message } if message.body == "back again"),
    )
    .await;
    bob.assert_none(
        "a second copy",
        Duration::from_secs(1),
        |e| matches!(e, Event::MessageReceived { message } if message.body == "back again"),
    )
    .await;
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_whose_server_stays_down_ends_as_network_lost() {
    let options = |s: &mut Settings| s.sessions.network_grace_secs = Some(2);
    let mut world = World::start(&["alice"], options, None).await;
    let mut alice = world.sign_in("alice", "a1").await;
    world.xmpp.stop();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let body = loop {
        match alice.poll(1).await {
            Ok(_) => assert!(
                tokio::time::Instant::now() < deadline,
                "the session never ended"
            ),
            Err((_, body)) => break body,
        }
    };
    assert_eq!(
        (body.code, body.reason),
        (ErrorCode::SessionEnded, Some(SessionEndReason::NetworkLost))
    );
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_sign_ins_from_one_device_leave_one_live_session() {
    let world = World::start(&["alice"], |_| {}, None).await;
    let (first, second) = tokio::join!(
        world.try_sign_in(jid!("alice"), PW, "same"),
        world.try_sign_in(jid!("alice"), PW, "same"),
    );
    let mut live = 0;
    for outcome in [first, second] {
        match outcome {
            Ok(mut phone) => live += usize::from(phone.poll(0).await.is_ok()),
            Err((_, body)) => assert_eq!(body.code, ErrorCode::Unavailable, "{body:?}"),
        }
    }
    assert_eq!(live, 1, "exactly one session of the device may be live");
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_cannot_open_more_sessions_than_allowed() {
    let options = |s: &mut Settings| s.sessions.max_sessions_per_account = Some(2);
    let world = World::start(&["alice"], options, None).await;
    world.sign_in("alice", "d1").await;
    world.sign_in("alice", "d2").await;
    let (status, body) = world.refused_sign_in(jid!("alice"), PW, "d3").await;
    assert_eq!(
        (status, body.code),
        (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
    );
    // Signing in again from a device that already has a session replaces it, within the limit.
    world.sign_in("alice", "d2").await;
    world.shutdown().await;
}
