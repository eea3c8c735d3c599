//! End-to-end: a chat closed on one phone stays closed on the user's other
//! Splitline devices and after signing in again, until a new message reopens
//! it; over the real gateway and Prosody's private storage.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use splitline_core::{client::Client, store::Store};
use splitline_e2e::{
    app::{self, chats, eventually},
    desktop::Desktop,
    gateway, jid,
    world::PASSWORD,
    xmpp_server,
};

fn shows(client: &Client, peer: &str) -> bool {
    chats(client).iter().any(|c| c.peer == peer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_chat_stays_closed_everywhere_until_a_new_message_reopens_it() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let gateway = gateway::start(xmpp.port(), |_| {}).await;
    let base = gateway::base_url(&gateway);
    let dir = tempfile::tempdir().unwrap();
    let phone = app::signed_in(&base, &dir.path().join("phone.db"), "alice", "phone").await;
    bob.send_chat(jid!("alice"), "b-1", "are you there?").await;
    eventually("bob's chat shows", || shows(&phone, jid!("bob"))).await;

    assert!(phone.close_chat(jid!("bob")).unwrap());
    assert!(!shows(&phone, jid!("bob")), "it closes at once");
    // Wait until the close is on the server, then sign off.
    let view = Store::open(dir.path().join("phone.db")).unwrap();
    eventually("the close reached the server", || {
        view.pending_closes().unwrap().is_empty()
    })
    .await;
    phone.sign_off().await.unwrap();

    // A second phone of alice's, with an empty store: the archive brings bob's
    // message, and the chat stays closed.
    let tablet = app::signed_in(&base, &dir.path().join("tablet.db"), "alice", "tablet").await;
    eventually("the tablet caught up bob's message", || {
        tablet.messages(jid!("bob"), None, 10).unwrap().len() == 1
    })
    .await;
    assert!(!shows(&tablet, jid!("bob")));

    // The first phone signs in again on its own store: still closed.
    let phone = app::signed_in(&base, &dir.path().join("phone.db"), "alice", "phone").await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert!(!shows(&phone, jid!("bob")));

    // A new message reopens it on both.
    bob.send_chat(jid!("alice"), "b-2", "hello?").await;
    eventually("reopened on the phone", || shows(&phone, jid!("bob"))).await;
    eventually("reopened on the tablet", || shows(&tablet, jid!("bob"))).await;
    phone.stop().await.unwrap();
    tablet.stop().await.unwrap();
    gateway.shutdown().await;
}
