//! End-to-end: `Client::sync_once`, what a push or a scheduled job runs,
//! against the real gateway and Prosody, with bob as a direct XMPP client.
//! Each of bob's messages is stored exactly once: after the client was
//! stopped, after it signed off (the catch-up from the archive), and with
//! the client's own engine running beside it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use splitline_core::client::Client;
use splitline_e2e::{
    app::{self, eventually},
    desktop::Desktop,
    gateway, jid,
    world::PASSWORD,
    xmpp_server,
};

/// The platform's budget for a push (Android gives a high-priority message about 10 s; a test is slower).
const BUDGET: Duration = Duration::from_secs(30);

/// The bodies of bob's messages in alice's store, in order.
fn bodies_from_bob(alice: &Client) -> Vec<String> {
    alice
        .messages(jid!("bob"), None, 100)
        .unwrap()
        .into_iter()
        .filter(|m| !m.outgoing)
        .map(|m| m.body)
        .collect()
}

fn numbered(prefix: &str, count: usize) -> Vec<String> {
    (1..=count).map(|n| format!("{prefix} {n}")).collect()
}

async fn send_all(bob: &Desktop, prefix: &str, bodies: &[String]) {
    for (n, text) in bodies.iter().enumerate() {
        bob.send_chat(jid!("alice"), &format!("{prefix}-{n}"), text)
            .await;
    }
}

/// Prosody, the gateway, bob at his desk and alice's phone signed in.
struct Net {
    bob: Desktop,
    alice: Client,
    gateway: splitline_gateway::RunningGateway,
    _xmpp: Box<dyn xmpp_server::XmppServer>,
    _dir: tempfile::TempDir,
}

impl Net {
    async fn start() -> Self {
        let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
        let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
        let gateway = gateway::start(xmpp.port(), |_| {}).await;
        let dir = tempfile::tempdir().unwrap();
        let alice = app::signed_in(
            &gateway::base_url(&gateway),
            &dir.path().join("alice.db"),
            "alice",
            "alice-phone",
        )
        .await;
        Self {
            bob,
            alice,
            gateway,
            _xmpp: xmpp,
            _dir: dir,
        }
    }
}

/// Runs sync_once, as pushes would come, until `total` of bob's messages
/// are in alice's store; returns the new messages the summaries counted.
async fn sync_until(alice: &Client, total: usize) -> u32 {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut counted = 0;
    loop {
        let summary = alice.sync_once(PASSWORD.into(), BUDGET).await.unwrap();
        assert!(summary.caught_up, "{summary:?}");
        for news in &summary.chats {
            assert_eq!(news.peer, jid!("bob"), "{summary:?}");
            counted += news.new_messages;
        }
        if bodies_from_bob(alice).len() >= total {
            return counted;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "bob's messages never all came"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_brings_each_message_sent_while_stopped_or_signed_off_exactly_once() {
    let net = Net::start().await;
    let (bob, alice) = (&net.bob, &net.alice);

    // Stopped (as when the app's process sleeps): the gateway's session
    // keeps the messages in its event log.
    alice.stop().await.unwrap();
    let while_stopped = numbered("while stopped", 5);
    send_all(bob, "s", &while_stopped).await;
    assert_eq!(sync_until(alice, 5).await, 5);
    assert_eq!(bodies_from_bob(alice), while_stopped);
    let again = alice.sync_once(PASSWORD.into(), BUDGET).await.unwrap();
    assert!(again.caught_up);
    assert!(again.chats.is_empty(), "nothing comes twice: {again:?}");

    // Signed off: the session is gone, so sync_once signs in again and
    // catches up from the network's archive.
    alice.sign_off().await.unwrap();
    let while_away = numbered("while away", 4);
    send_all(bob, "a", &while_away).await;
    assert_eq!(sync_until(alice, 9).await, 4);
    let all: Vec<String> = while_stopped.into_iter().chain(while_away).collect();
    assert_eq!(bodies_from_bob(alice), all);
    net.gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_beside_the_running_engine_stores_each_message_once() {
    let net = Net::start().await;
    let (bob, alice) = (&net.bob, &net.alice);

    // Bob writes while a push's sync_once runs again and again beside the
    // engine's long-poll: both take the same batches.
    let burst = numbered("burst", 20);
    let sending = send_all(bob, "b", &burst);
    let syncing = async {
        let mut fetched = 0;
        for _ in 0..10 {
            let summary = alice.sync_once(PASSWORD.into(), BUDGET).await.unwrap();
            fetched += summary.chats.iter().map(|c| c.new_messages).sum::<u32>();
        }
        fetched
    };
    let ((), fetched) = tokio::join!(sending, syncing);
    eventually("all of bob's messages", || {
        bodies_from_bob(alice).len() >= burst.len()
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(bodies_from_bob(alice), burst, "each once, in order");
    assert!(fetched <= 20, "no message counted twice: {fetched}");

    // The engine's session was never replaced: it still hears bob at once.
    bob.send_chat(jid!("alice"), "after", "after the bursts")
        .await;
    eventually("the engine's next message", || {
        bodies_from_bob(alice).len() == burst.len() + 1
    })
    .await;
    assert_eq!(alice.status(), splitline_core::Status::Online);
    alice.stop().await.unwrap();
    net.gateway.shutdown().await;
}
