//! End-to-end: the core's sync engine against the real gateway and Prosody,
//! with bob as a direct XMPP client.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::{sync::Arc, time::Duration};

use splitline_core::{
    store::{MessageState, Store},
    sync::{SyncConfig, SyncEngine, SyncUpdate},
};
use splitline_e2e::{
    desktop::{Desktop, body},
    free_port,
    gateway::{self, Options},
    prosody::Prosody,
    world::PASSWORD,
};
use tokio::sync::{Notify, mpsc, watch};

/// Alice's phone: a store and a running engine.
struct AlicePhone {
    store: Arc<Store>,
    outbox_changed: Arc<Notify>,
    stop: watch::Sender<bool>,
    updates: mpsc::UnboundedReceiver<SyncUpdate>,
    _dir: tempfile::TempDir,
}

impl AlicePhone {
    fn start(endpoints: Vec<String>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path().join("alice.db")).unwrap());
        let outbox_changed = Arc::new(Notify::new());
        let (updates_tx, updates) = mpsc::unbounded_channel();
        let config = SyncConfig {
            endpoints,
            extra_root_pem: None,
            jid: "alice@localhost".into(),
            password: PASSWORD.into(),
            device_id: "alice-phone".into(),
            build_id: "e2e".into(),
            backoff_cap: Duration::from_millis(500),
            poll_wait_secs: 5,
        };
        let engine =
            SyncEngine::new(config, store.clone(), updates_tx, outbox_changed.clone()).unwrap();
        let (stop, stop_rx) = watch::channel(false);
        tokio::spawn(async move { engine.run(stop_rx).await.unwrap() });
        Self {
            store,
            outbox_changed,
            stop,
            updates,
            _dir: dir,
        }
    }

    fn compose(&self, client_id: &str, body: &str) {
        let row = self
            .store
            .queue_message(
                "bob@localhost",
                client_id,
                body,
                "alice@localhost",
                now_ms(),
            )
            .unwrap();
        assert_eq!(
            row.state,
            MessageState::Queued,
            "a composed message shows at once as queued"
        );
        self.outbox_changed.notify_one();
    }

    async fn wait_until(&mut self, what: &str, done: impl Fn(&Store) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !done(&self.store) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "alice's phone never got to: {what}"
            );
            let _ = tokio::time::timeout(Duration::from_millis(200), self.updates.recv()).await;
        }
    }
}

impl Drop for AlicePhone {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// Bob's next messages' bodies, `count` of them, then none more for a moment.
async fn bodies_received(bob: &mut Desktop, count: usize) -> Vec<String> {
    let mut bodies = Vec::new();
    while bodies.len() < count {
        let message = bob
            .expect_message("alice's messages", |m| m.get_best_body(vec![]).is_some())
            .await;
        bodies.push(body(&message));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    bodies.extend(bob.drain_bodies());
    bodies
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_composed_offline_are_delivered_once_each_in_order_after_reconnect() {
    let prosody = Prosody::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let mut bob = Desktop::connect("bob@localhost/desk", PASSWORD, prosody.port).await;
    let port = free_port();
    let mut alice = AlicePhone::start(vec![format!("http://127.0.0.1:{port}")]);
    // The gateway is down: composing still works and shows at once.
    for n in 1..=3 {
        alice.compose(&format!("off-{n}"), &format!("offline {n}"));
    }
    assert_eq!(alice.store.outbox().unwrap().len(), 3);
    tokio::time::sleep(Duration::from_secs(1)).await;

    let gateway = gateway::start(
        prosody.port,
        Options {
            port: Some(port),
            ..Options::default()
        },
    )
    .await;
    assert_eq!(
        bodies_received(&mut bob, 3).await,
        vec!["offline 1", "offline 2", "offline 3"]
    );
    alice
        .wait_until("an empty outbox", |s| s.outbox().unwrap().is_empty())
        .await;
    let sent = alice
        .store
        .messages_page("bob@localhost", None, 10)
        .unwrap();
    assert!(
        sent.iter().all(|m| m.state == MessageState::Sent),
        "{sent:?}"
    );

    // And incoming messages land in the store.
    bob.send_chat("alice@localhost", "b-1", "got them").await;
    alice
        .wait_until("bob's reply in the store", |s| {
            s.messages_page("bob@localhost", None, 10)
                .unwrap()
                .iter()
                .any(|m| !m.outgoing && m.body == "got them")
        })
        .await;
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_first_endpoint_down_the_client_works_through_the_second() {
    let prosody = Prosody::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let mut bob = Desktop::connect("bob@localhost/desk", PASSWORD, prosody.port).await;
    let gateway = gateway::start(prosody.port, Options::default()).await;
    let dead = format!("http://127.0.0.1:{}", free_port());
    let mut alice = AlicePhone::start(vec![dead, gateway::base_url(&gateway)]);
    alice.compose("fo-1", "via the second gateway");
    assert_eq!(
        bodies_received(&mut bob, 1).await,
        vec!["via the second gateway"]
    );
    alice
        .wait_until("an empty outbox", |s| s.outbox().unwrap().is_empty())
        .await;
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_restart_mid_session_is_healed_by_the_client_alone() {
    let prosody = Prosody::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let mut bob = Desktop::connect("bob@localhost/desk", PASSWORD, prosody.port).await;
    let port = free_port();
    let options = Options {
        port: Some(port),
        ..Options::default()
    };
    let gateway = gateway::start(prosody.port, options.clone()).await;
    let mut alice = AlicePhone::start(vec![format!("http://127.0.0.1:{port}")]);
    alice.compose("r-1", "before the restart");
    assert_eq!(
        bodies_received(&mut bob, 1).await,
        vec!["before the restart"]
    );

    gateway.shutdown().await;
    let gateway = gateway::start(prosody.port, options).await;
    alice.compose("r-2", "after the restart");
    assert_eq!(
        bodies_received(&mut bob, 1).await,
        vec!["after the restart"]
    );
    bob.send_chat("alice@localhost", "b-2", "welcome back")
        .await;
    alice
        .wait_until("bob's message after the restart", |s| {
            s.messages_page("bob@localhost", None, 10)
                .unwrap()
                .iter()
                .any(|m| m.body == "welcome back")
        })
        .await;
    gateway.shutdown().await;
}
