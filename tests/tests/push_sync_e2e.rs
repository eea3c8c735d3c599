//! End-to-end: the whole wake-up, phone and gateway together. Alice's core
//! registers a subscription made at the real Web Push test service (npm
//! `web-push-testing`) with the gateway's VAPID key, then sleeps (its engine
//! stops; the gateway keeps her session). Bob writes from a desktop client
//! over Prosody: the gateway wakes the phone with a push the service
//! decrypts and verifies, carrying counts and no text, and the core's
//! `sync_once`, what the app runs on that push, brings each message once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use splitline_e2e::{
    app,
    desktop::Desktop,
    gateway, jid,
    webpush::{PushService, push_on},
    world::PASSWORD,
    xmpp_server,
};
use splitline_protocol::{PushReason, PushWake};

/// The session's idle timeout with push in this test: long, as in production.
const PUSH_IDLE_SECS: u64 = 3600;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_wakes_the_sleeping_phone_and_sync_once_brings_each_message_once() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let data = tempfile::tempdir().unwrap();
    let gateway = gateway::start(xmpp.port(), push_on(data.path(), 1000, PUSH_IDLE_SECS)).await;
    let service = PushService::start().await;
    let dir = tempfile::tempdir().unwrap();
    let alice = app::signed_in(
        &gateway::base_url(&gateway),
        &dir.path().join("alice.db"),
        "alice",
        "alice-phone",
    )
    .await;

    // The distributor's subscription, for the gateway's key, through the core.
    let (subscription, registered) = service.subscribe_core(&alice).await;
    assert_eq!(registered.idle_timeout_secs, PUSH_IDLE_SECS);

    // The phone sleeps: the engine stops, the gateway keeps the session.
    alice.stop().await.unwrap();
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let bodies: Vec<String> = (1..=3).map(|n| format!("while asleep {n}")).collect();
    for (n, body) in bodies.iter().enumerate() {
        bob.send_chat(jid!("alice"), &format!("asleep-{n}"), body)
            .await;
    }

    // Woken: the service got the gateway's push, decrypted and verified.
    let got = service.wait_for(&subscription, 1).await;
    let wake: PushWake = serde_json::from_str(&got[0]).unwrap();
    assert_eq!(wake.reason, PushReason::Message);
    assert!(wake.counts.messages >= 1, "{wake:?}");
    assert!(wake.messages.is_empty(), "no text by default: {wake:?}");
    assert!(!got[0].contains("asleep"), "no text by default: {}", got[0]);

    // What the app runs on that push: each message once, and nothing twice.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut counted = 0;
    loop {
        let summary = alice
            .sync_once(PASSWORD.into(), Duration::from_secs(20))
            .await
            .unwrap();
        counted += summary
            .chats
            .iter()
            .map(|chat| chat.new_messages)
            .sum::<u32>();
        let stored: Vec<String> = alice
            .messages(jid!("bob"), None, 100)
            .unwrap()
            .into_iter()
            .filter(|m| !m.outgoing)
            .map(|m| m.body)
            .collect();
        if stored.len() >= bodies.len() {
            assert_eq!(stored, bodies, "each message once, in order");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "bob's messages never all came: {stored:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(counted, 3, "the summaries count each message once");
    let again = alice
        .sync_once(PASSWORD.into(), Duration::from_secs(20))
        .await
        .unwrap();
    assert!(again.caught_up && again.chats.is_empty(), "{again:?}");
    gateway.shutdown().await;
}
