//! End-to-end: a new device's timeline pages back past what its first
//! catch-up brought, through the real gateway's archive of one chat (`with`)
//! on the real XMPP server; and with the gateway down, then back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{path::Path, time::Duration};

use splitline_core::{
    client::Client,
    history::{HistoryEnd, OlderPage},
    store::MessageKind,
    sync::SyncUpdate,
};
use tokio_xmpp::parsers::message::Message;
use splitline_e2e::{
    app::{eventually, sync_config},
    desktop::Desktop,
    free_port,
    gateway::{self, Settings, loopback},
    jid,
    world::PASSWORD,
    xmpp_server,
};

/// Alice's phone on a fresh store whose catch-up reads archive pages of
/// `archive_page` (so it holds only the newest page at first).
async fn new_device(base_url: &str, store: &Path, archive_page: u32) -> Client {
    let mut config = sync_config(
        vec![base_url.to_owned()],
        jid!("alice"),
        PASSWORD,
        "alice-new-phone",
    );
    config.archive_page = archive_page;
    let client = Client::start(store.to_owned(), config).unwrap();
    client
        .wait_until_online(Duration::from_secs(20))
        .await
        .unwrap();
    client
}

/// The bodies of alice's stored chat with `peer`, in timeline order.
fn stored(client: &Client, peer: &str) -> Vec<String> {
    client
        .messages(peer, None, 500)
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect()
}

/// True when `message` has the text `body`.
fn says(message: &Message, body: &str) -> bool {
    message.get_best_body(vec![]).is_some_and(|(_, b)| b == body)
}

/// Pages back through the chat with `peer` from its newest rows until the
/// beginning; returns every row seen (oldest first) and the pages read.
async fn page_to_the_beginning(client: &Client, peer: &str, limit: u32) -> (Vec<String>, usize) {
    let history = client.history();
    let mut seen: Vec<String> = Vec::new();
    let mut before = None;
    for pages in 1..=50 {
        let OlderPage { rows, end } = history.older(peer, before, limit).await.unwrap();
        assert!(rows.len() <= limit as usize);
        assert!(
            rows.iter().all(|r| r.kind == MessageKind::Message),
            "no gap marker: {rows:?}"
        );
        if let Some(first) = rows.first() {
            before = Some(first.id);
        }
        let mut page: Vec<String> = rows.into_iter().map(|r| r.body).collect();
        page.append(&mut seen);
        seen = page;
        match end {
            HistoryEnd::Beginning => return (seen, pages),
            HistoryEnd::More => {}
            HistoryEnd::ArchiveUnavailable(reason) => panic!("the archive failed: {reason}"),
        }
    }
    panic!("never reached the beginning; saw {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_device_pages_back_to_the_beginning_and_sees_every_message_once_in_order() {
    let xmpp = xmpp_server::start(&[
        ("alice", PASSWORD),
        ("bob", PASSWORD),
        ("carol", PASSWORD),
    ])
    .await;
    let gateway = gateway::start(xmpp.port(), |_| {}).await;
    let mut desk = Desktop::connect(jid!("alice", "desk"), PASSWORD, xmpp.port()).await;
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let carol = Desktop::connect(jid!("carol", "desk"), PASSWORD, xmpp.port()).await;

    // Bob's 20, alice's 5 answers from her desktop, carol's 3 in between
    // (another chat), then bob's last 5: one order, whatever the server.
    let mut expected = Vec::new();
    let mut said = |body: String| expected.push(body);
    for n in 0..20 {
        bob.send_chat(jid!("alice"), &format!("b-{n}"), &format!("bob {n}"))
            .await;
        said(format!("bob {n}"));
    }
    desk.expect_message("bob 19", |m| says(m, "bob 19"))
    .await;
    for n in 0..5 {
        desk.send_chat(jid!("bob"), &format!("a-{n}"), &format!("alice {n}"))
            .await;
        said(format!("alice {n}"));
    }
    for n in 0..3 {
        carol
            .send_chat(jid!("alice"), &format!("c-{n}"), &format!("carol {n}"))
            .await;
    }
    desk.expect_message("carol 2", |m| says(m, "carol 2"))
        .await;
    for n in 20..25 {
        bob.send_chat(jid!("alice"), &format!("b-{n}"), &format!("bob {n}"))
            .await;
        said(format!("bob {n}"));
    }
    desk.expect_message("bob 24", |m| says(m, "bob 24"))
    .await;

    let dir = tempfile::tempdir().unwrap();
    let phone = new_device(&gateway::base_url(&gateway), &dir.path().join("alice.db"), 4).await;
    eventually("the newest page caught up", || {
        stored(&phone, jid!("bob")).last().map(String::as_str) == Some("bob 24")
    })
    .await;
    let caught_up = stored(&phone, jid!("bob"));
    assert!(
        caught_up.len() < expected.len(),
        "the first catch-up holds only the newest page: {caught_up:?}"
    );

    let mut updates = phone.subscribe();
    let (seen, pages) = page_to_the_beginning(&phone, jid!("bob"), 6).await;
    assert_eq!(seen, expected, "every message once, in order, from the beginning");
    assert!(pages >= 5, "{pages} pages of 6 for {} messages", expected.len());
    assert_eq!(stored(&phone, jid!("bob")), expected, "the store holds it all");
    let (carols, _) = page_to_the_beginning(&phone, jid!("carol"), 6).await;
    assert_eq!(carols, ["carol 0", "carol 1", "carol 2"], "each chat only its own");
    let mut told = false;
    while let Ok(update) = updates.try_recv() {
        if let SyncUpdate::Changed(changes) = update
            && changes.history.iter().any(|p| p == jid!("bob"))
        {
            assert!(changes.chats.iter().any(|p| p == jid!("bob")));
            told = true;
        }
    }
    assert!(told, "listeners hear of the rows a back-page added");
    assert_eq!(
        phone
            .chats(0, 10)
            .unwrap()
            .iter()
            .find(|c| c.peer == jid!("bob"))
            .map(|c| c.unread),
        Some(caught_up.iter().filter(|b| b.starts_with("bob")).count() as u32),
        "older history is not unread"
    );

    // A restart remembers the beginning: offline, with no gateway to ask,
    // the whole chat comes from the store and ends at its beginning.
    phone.stop().await.unwrap();
    gateway.shutdown().await;
    let nowhere = format!("http://127.0.0.1:{}", free_port());
    let config = sync_config(vec![nowhere], jid!("alice"), PASSWORD, "alice-new-phone");
    let phone = Client::start(dir.path().join("alice.db"), config).unwrap();
    let (again, _) = page_to_the_beginning(&phone, jid!("bob"), 10).await;
    assert_eq!(again, expected);
    phone.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_gateway_down_paging_back_gives_the_stored_rows_then_goes_on_when_it_returns() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let port = free_port();
    let options = |s: &mut Settings| s.http.listen = Some(loopback(port));
    let gateway = gateway::start(xmpp.port(), options).await;
    let mut desk = Desktop::connect(jid!("alice", "desk"), PASSWORD, xmpp.port()).await;
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let expected: Vec<String> = (0..12).map(|n| format!("bob {n}")).collect();
    for (n, body) in expected.iter().enumerate() {
        bob.send_chat(jid!("alice"), &format!("b-{n}"), body).await;
    }
    desk.expect_message("bob 11", |m| says(m, "bob 11"))
        .await;

    let dir = tempfile::tempdir().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let phone = new_device(&base, &dir.path().join("alice.db"), 4).await;
    eventually("the newest page caught up", || {
        stored(&phone, jid!("bob")).len() == 4
    })
    .await;

    gateway.shutdown().await;
    let offline = phone.history().older(jid!("bob"), None, 6).await.unwrap();
    let bodies: Vec<&str> = offline.rows.iter().map(|r| r.body.as_str()).collect();
    assert_eq!(bodies, ["bob 8", "bob 9", "bob 10", "bob 11"], "what the store has");
    assert!(
        matches!(offline.end, HistoryEnd::ArchiveUnavailable(_)),
        "{:?}",
        offline.end
    );

    let gateway = gateway::start(xmpp.port(), options).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let page = phone.history().older(jid!("bob"), None, 6).await.unwrap();
        if !matches!(page.end, HistoryEnd::ArchiveUnavailable(_)) {
            assert_eq!(page.rows.len(), 6, "the page is whole once the archive answers");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the archive never came back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (seen, _) = page_to_the_beginning(&phone, jid!("bob"), 5).await;
    assert_eq!(seen, expected, "every message once, in order");
    phone.stop().await.unwrap();
    gateway.shutdown().await;
}
