//! End-to-end: read state (XEP-0333 displayed markers) between the phone's
//! core, the user's desktop login and contacts, over the real gateway and
//! Prosody.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use splitline_core::{client::Client, store::MessageState};
use splitline_e2e::{
    app::{self, eventually, unread},
    desktop::{Desktop, displayed_marker},
    gateway, jid,
    world::PASSWORD,
    xmpp_server,
};

/// Waits for a displayed marker naming `peer` and `id` at `desktop`.
async fn expect_marker(desktop: &mut Desktop, peer: &str, id: &str) {
    let want = Some((peer.to_owned(), id.to_owned()));
    desktop
        .expect_message(&format!("a displayed marker for {peer} up to {id}"), |m| {
            displayed_marker(m) == want
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_state_travels_between_the_phone_the_desktop_and_contacts() {
    let xmpp =
        xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD), ("carol", PASSWORD)]).await;
    let mut bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let mut carol = Desktop::connect(jid!("carol", "desk"), PASSWORD, xmpp.port()).await;
    let mut alice_desk = Desktop::connect(jid!("alice", "desk"), PASSWORD, xmpp.port()).await;
    let gateway = gateway::start(xmpp.port(), |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let alice = app::signed_in(
        &gateway::base_url(&gateway),
        &dir.path().join("alice.db"),
        "alice",
        "alice-phone",
    )
    .await;

    // Mark all viewed on the phone: each contact and the desktop hear it.
    bob.send_chat(jid!("alice"), "b-1", "one").await;
    bob.send_chat(jid!("alice"), "b-2", "two").await;
    carol.send_chat(jid!("alice"), "c-1", "hi").await;
    eventually("three unread", || {
        unread(&alice, jid!("bob")) == 2 && unread(&alice, jid!("carol")) == 1
    })
    .await;
    let mut marked = alice.mark_all_viewed().unwrap();
    marked.sort();
    assert_eq!(marked, [jid!("bob"), jid!("carol")]);
    assert_eq!(unread(&alice, jid!("bob")), 0);
    expect_marker(&mut bob, jid!("bob"), "b-2").await;
    expect_marker(&mut carol, jid!("carol"), "c-1").await;
    expect_marker(&mut alice_desk, jid!("bob"), "b-2").await;
    expect_marker(&mut alice_desk, jid!("carol"), "c-1").await;

    // Read on the desktop: the phone's chat is read too.
    bob.send_chat(jid!("alice"), "b-3", "three").await;
    eventually("bob's third message unread", || {
        unread(&alice, jid!("bob")) == 1
    })
    .await;
    alice_desk.send_displayed(jid!("bob"), "b-3").await;
    eventually("read on the desktop shows as read on the phone", || {
        unread(&alice, jid!("bob")) == 0
    })
    .await;
    let newest = alice.messages(jid!("bob"), None, 1).unwrap();
    assert_eq!(newest[0].state, MessageState::Displayed);

    // Bob reads what the phone sent.
    let mine = alice.send_message(jid!("bob"), "did you see?").unwrap();
    let id = mine.client_id.clone().unwrap();
    let state = |client: &Client| {
        client
            .messages(jid!("bob"), None, 10)
            .unwrap()
            .into_iter()
            .find(|m| m.client_id.as_deref() == Some(id.as_str()))
            .map(|m| m.state)
    };
    eventually("sent", || state(&alice) == Some(MessageState::Sent)).await;
    bob.send_displayed(jid!("alice"), &id).await;
    eventually("seen by bob", || {
        state(&alice) == Some(MessageState::Displayed)
    })
    .await;
    alice.stop().await.unwrap();
    gateway.shutdown().await;
}
