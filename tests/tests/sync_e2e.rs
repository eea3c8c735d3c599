//! End-to-end: the core's sync engine against the real gateway and Prosody,
//! with bob as a direct XMPP client.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{sync::Arc, time::Duration};

use splitline_core::{
    store::{MessageKind, MessageState, Store},
    sync::{SyncConfig, SyncEngine, SyncUpdate},
};
use splitline_e2e::{
    app::sync_config,
    desktop::{Desktop, body},
    free_port,
    gateway::{self, Settings, loopback},
    jid,
    world::PASSWORD,
    xmpp_server,
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
        Self::start_in(tempfile::tempdir().unwrap(), endpoints)
    }

    /// Starts on the store kept in `dir` (a phone coming back).
    fn start_in(dir: tempfile::TempDir, endpoints: Vec<String>) -> Self {
        Self::start_tuned(dir, endpoints, |_| {})
    }

    /// Starts on the store kept in `dir` with the settings changed by `tune`.
    fn start_tuned(
        dir: tempfile::TempDir,
        endpoints: Vec<String>,
        tune: impl FnOnce(&mut SyncConfig),
    ) -> Self {
        let store = Arc::new(Store::open(dir.path().join("alice.db")).unwrap());
        let outbox_changed = Arc::new(Notify::new());
        let (updates_tx, updates) = mpsc::unbounded_channel();
        let mut config = sync_config(endpoints, jid!("alice"), "alice-phone");
        tune(&mut config);
        let engine = SyncEngine::new(
            config,
            PASSWORD.into(),
            store.clone(),
            updates_tx,
            outbox_changed.clone(),
        )
        .unwrap();
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
            .queue_message(jid!("bob"), client_id, body, jid!("alice"), now_ms())
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

impl AlicePhone {
    /// Stops syncing and hands back the store's directory.
    fn shut_down(mut self) -> tempfile::TempDir {
        let _ = self.stop.send(true);
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self._dir, dir)
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
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let mut bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let port = free_port();
    let mut alice = AlicePhone::start(vec![format!("http://127.0.0.1:{port}")]);
    // The gateway is down: composing still works and shows at once.
    for n in 1..=3 {
        alice.compose(&format!("off-{n}"), &format!("offline {n}"));
    }
    assert_eq!(alice.store.outbox().unwrap().len(), 3);
    tokio::time::sleep(Duration::from_secs(1)).await;

    let gateway = gateway::start(xmpp.port(), |s: &mut Settings| {
        s.http.listen = Some(loopback(port))
    })
    .await;
    assert_eq!(
        bodies_received(&mut bob, 3).await,
        vec!["offline 1", "offline 2", "offline 3"]
    );
    alice
        .wait_until("an empty outbox", |s| s.outbox().unwrap().is_empty())
        .await;
    let sent = alice.store.messages_page(jid!("bob"), None, 10).unwrap();
    assert!(
        sent.iter().all(|m| m.state == MessageState::Sent),
        "{sent:?}"
    );

    // And incoming messages land in the store.
    bob.send_chat(jid!("alice"), "b-1", "got them").await;
    alice
        .wait_until("bob's reply in the store", |s| {
            s.messages_page(jid!("bob"), None, 10)
                .unwrap()
                .iter()
                .any(|m| !m.outgoing && m.body == "got them")
        })
        .await;
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_first_endpoint_down_the_client_works_through_the_second() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let mut bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let gateway = gateway::start(xmpp.port(), |_| {}).await;
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
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let mut bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let port = free_port();
    let options = |s: &mut Settings| s.http.listen = Some(loopback(port));
    let gateway = gateway::start(xmpp.port(), options).await;
    let mut alice = AlicePhone::start(vec![format!("http://127.0.0.1:{port}")]);
    alice.compose("r-1", "before the restart");
    assert_eq!(
        bodies_received(&mut bob, 1).await,
        vec!["before the restart"]
    );

    gateway.shutdown().await;
    let gateway = gateway::start(xmpp.port(), options).await;
    alice.compose("r-2", "after the restart");
    assert_eq!(
        bodies_received(&mut bob, 1).await,
        vec!["after the restart"]
    );
    bob.send_chat(jid!("alice"), "b-2", "welcome back").await;
    alice
        .wait_until("bob's message after the restart", |s| {
            s.messages_page(jid!("bob"), None, 10)
                .unwrap()
                .iter()
                .any(|m| m.body == "welcome back")
        })
        .await;
    gateway.shutdown().await;
}

/// The bodies of alice's chat with bob, oldest first.
fn chat_bodies(store: &Store) -> Vec<String> {
    store
        .messages_page(jid!("bob"), None, 500)
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect()
}

/// Waits until alice's chat with bob holds `expected`, then a moment longer,
/// and checks it still holds exactly that (no late duplicates).
async fn assert_chat_settles_on(alice: &mut AlicePhone, expected: &[String]) {
    let want = expected.to_vec();
    alice
        .wait_until("every message", |s| chat_bodies(s).len() >= want.len())
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(chat_bodies(&alice.store), expected);
}

/// Starts alice's phone on `endpoints` and waits until it is signed in.
async fn signed_in_phone(endpoints: &[String]) -> AlicePhone {
    let mut alice = AlicePhone::start(endpoints.to_vec());
    alice
        .wait_until("signed in", |s| s.account().unwrap().is_some())
        .await;
    alice
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_long_absence_messages_sent_meanwhile_arrive_once_each() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let options = |s: &mut Settings| s.sessions.idle_timeout_secs = Some(2);
    let gateway = gateway::start(xmpp.port(), options).await;
    let endpoints = vec![gateway::base_url(&gateway)];
    let alice = signed_in_phone(&endpoints).await;

    // The phone goes away long enough for the gateway to end its session.
    let dir = alice.shut_down();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let expected: Vec<String> = (0..3).map(|n| format!("while you were away {n}")).collect();
    for (n, text) in expected.iter().enumerate() {
        bob.send_chat(jid!("alice"), &format!("away-{n}"), text)
            .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Back on the same store: the stale token is refused and the engine signs
    // in again. The server's offline storage delivers what came meanwhile live,
    // and the archive has it too: each is stored once.
    let mut alice = AlicePhone::start_in(dir, endpoints);
    assert_chat_settles_on(&mut alice, &expected).await;
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_desktop_took_while_the_phone_was_away_comes_from_the_archive_once_each() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let mut alice_desk = Desktop::connect(jid!("alice", "desk"), PASSWORD, xmpp.port()).await;
    let options = |s: &mut Settings| s.sessions.idle_timeout_secs = Some(2);
    let gateway = gateway::start(xmpp.port(), options).await;
    let endpoints = vec![gateway::base_url(&gateway)];
    let mut alice = signed_in_phone(&endpoints).await;
    bob.send_chat(jid!("alice"), "before", "before the absence")
        .await;
    alice
        .wait_until("the first message", |s| chat_bodies(s).len() == 1)
        .await;

    // While the phone has no session, the desktop is online: the server hands
    // bob's messages to the desktop and keeps no offline copy for the phone.
    let dir = alice.shut_down();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut expected = vec!["before the absence".to_owned()];
    for n in 0..3 {
        let text = format!("to the desktop {n}");
        bob.send_chat(jid!("alice"), &format!("desk-{n}"), &text)
            .await;
        expected.push(text);
    }
    // The desktop answers once it has them all (bob's messages travel on his
    // own connection, so only this makes the order on the server certain).
    alice_desk
        .expect_message("bob's last message", |m| {
            m.get_best_body(vec![])
                .is_some_and(|(_, b)| b == "to the desktop 2")
        })
        .await;
    alice_desk
        .send_chat(jid!("bob"), "desk-reply", "answered from the desktop")
        .await;
    expected.push("answered from the desktop".to_owned());
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut alice = AlicePhone::start_in(dir, endpoints);
    assert_chat_settles_on(&mut alice, &expected).await;
    let rows = alice.store.messages_page(jid!("bob"), None, 10).unwrap();
    assert!(
        rows[4].outgoing,
        "the desktop's reply is alice's own message"
    );
    assert_eq!(rows[4].state, MessageState::Sent);
    assert!(!alice.store.catching_up().unwrap(), "the catch-up finished");
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_event_buffer_overflowed_the_resync_recovers_every_message_from_the_archive() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let options = |s: &mut Settings| s.sessions.event_buffer = Some(16);
    let gateway = gateway::start(xmpp.port(), options).await;
    let endpoints = vec![gateway::base_url(&gateway)];
    let alice = signed_in_phone(&endpoints).await;

    // The phone stops reading while its session lives on, and more arrives
    // than the gateway buffers for it: its cursor expires.
    let dir = alice.shut_down();
    let expected: Vec<String> = (0..40).map(|n| format!("burst {n:02}")).collect();
    for (n, text) in expected.iter().enumerate() {
        bob.send_chat(jid!("alice"), &format!("burst-{n}"), text)
            .await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut alice = AlicePhone::start_in(dir, endpoints);
    assert_chat_settles_on(&mut alice, &expected).await;
    gateway.shutdown().await;
}

/// Pages of 50, so that 120 missed messages need several.
fn small_pages(config: &mut SyncConfig) {
    config.archive_page = 50;
}

/// Writes into the store file in `dir` a stored archive position that the
/// server's archive does not know (as a forged archive id once made it).
fn forget_on_the_server(dir: &tempfile::TempDir) {
    let db = rusqlite::Connection::open(dir.path().join("alice.db")).unwrap();
    let changed = db
        .execute(
            "UPDATE sync_state SET value = 'FAKE-position' WHERE key = 'archive_cursor'",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1, "the phone had an archive position");
}

/// Alice's phone has a chat with bob and goes away; while it has no session,
/// bob sends `count` messages that her desktop takes (so none wait in offline
/// storage: only the archive has them). Returns the store's directory and
/// what the chat should hold.
async fn away_while_the_desktop_takes(
    endpoints: &[String],
    xmpp_port: u16,
    count: usize,
) -> (tempfile::TempDir, Vec<String>) {
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp_port).await;
    let mut alice_desk = Desktop::connect(jid!("alice", "desk"), PASSWORD, xmpp_port).await;
    let mut alice = signed_in_phone(endpoints).await;
    bob.send_chat(jid!("alice"), "before", "before the absence")
        .await;
    alice
        .wait_until("the first message", |s| chat_bodies(s).len() == 1)
        .await;
    let dir = alice.shut_down();
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut expected = vec!["before the absence".to_owned()];
    for n in 0..count {
        let text = format!("missed {n:03}");
        bob.send_chat(jid!("alice"), &format!("m-{n}"), &text).await;
        expected.push(text);
    }
    let last = expected.last().cloned().unwrap_or_default();
    alice_desk
        .expect_message("bob's last message", |m| {
            m.get_best_body(vec![]).is_some_and(|(_, b)| *b == last)
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    (dir, expected)
}

fn kinds(store: &Store) -> Vec<MessageKind> {
    store
        .messages_page(jid!("bob"), None, 500)
        .unwrap()
        .into_iter()
        .map(|m| m.kind)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_archive_position_is_read_back_and_nothing_is_lost() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let options = |s: &mut Settings| s.sessions.idle_timeout_secs = Some(2);
    let gateway = gateway::start(xmpp.port(), options).await;
    let endpoints = vec![gateway::base_url(&gateway)];
    let (dir, expected) = away_while_the_desktop_takes(&endpoints, xmpp.port(), 120).await;
    forget_on_the_server(&dir);

    let mut alice = AlicePhone::start_tuned(dir, endpoints, small_pages);
    assert_chat_settles_on(&mut alice, &expected).await;
    assert!(
        kinds(&alice.store)
            .iter()
            .all(|k| *k == MessageKind::Message),
        "the pages met what the phone had: no gap"
    );
    alice
        .wait_until("the catch-up's end", |s| !s.catching_up().unwrap())
        .await;
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_that_cannot_meet_the_store_leaves_a_gap_marker() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let options = |s: &mut Settings| s.sessions.idle_timeout_secs = Some(2);
    let gateway = gateway::start(xmpp.port(), options).await;
    let endpoints = vec![gateway::base_url(&gateway)];
    let (dir, expected) = away_while_the_desktop_takes(&endpoints, xmpp.port(), 120).await;
    forget_on_the_server(&dir);

    // Two pages of 50 back from the newest cannot reach what the phone had.
    let mut alice = AlicePhone::start_tuned(dir, endpoints, |c| {
        small_pages(c);
        c.recovery_pages = 2;
    });
    alice
        .wait_until("a gap marker", |s| kinds(s).contains(&MessageKind::Gap))
        .await;
    alice
        .wait_until("the catch-up's end", |s| !s.catching_up().unwrap())
        .await;
    let rows = alice.store.messages_page(jid!("bob"), None, 500).unwrap();
    let gaps: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind == MessageKind::Gap)
        .map(|(n, _)| n)
        .collect();
    assert_eq!(gaps.len(), 1, "one gap marker: {rows:?}");
    let gap = &rows[gaps[0]];
    assert!(gap.body.is_empty() && !gap.outgoing);
    let bodies: Vec<&str> = rows.iter().map(|m| m.body.as_str()).collect();
    // What the phone had, the gap, then the 100 newest it read back.
    assert_eq!(bodies[..gaps[0]], ["before the absence"]);
    let read_back: Vec<String> = bodies[gaps[0] + 1..]
        .iter()
        .map(|b| b.to_string())
        .collect();
    assert_eq!(read_back, expected[21..]);
    gateway.shutdown().await;
}
