//! End-to-end: a new device's timeline pages back past what its first
//! catch-up brought, through the real gateway's archive of one chat (`with`)
//! on the real XMPP server; with the gateway down, then back; a room's
//! timeline through the room's archive; and the `with` query itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{path::Path, time::Duration};

use reqwest::{Method, StatusCode};
use splitline_core::{
    client::Client,
    history::{HistoryEnd, OlderPage},
    store::MessageKind,
    sync::{SyncConfig, SyncUpdate},
};
use splitline_e2e::{
    DOMAIN,
    app::{eventually, signed_in, sync_config},
    desktop::{Desktop, body},
    free_port,
    gateway::{self, Settings, loopback},
    jid,
    phone::{Phone, Refusal},
    world::{PASSWORD, World},
    xmpp_server::{self, Kind},
};
use splitline_protocol::{ArchivePage, ErrorCode, paths};
use tokio_xmpp::parsers::message::Message;

/// Alice's phone on a fresh store whose catch-up reads archive pages of
/// `archive_page` (so it holds only the newest page at first).
async fn new_device(base_url: &str, store: &Path, archive_page: u32) -> Client {
    online_phone(base_url, store, "alice-new-phone", |c| {
        c.archive_page = archive_page
    })
    .await
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
    message
        .get_best_body(vec![])
        .is_some_and(|(_, b)| b == body)
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

/// Longer than the archives' one-second step.
const ARCHIVE_STEP: Duration = Duration::from_millis(1_100);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_device_pages_back_to_the_beginning_and_sees_every_message_once_in_order() {
    let xmpp =
        xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD), ("carol", PASSWORD)]).await;
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
    desk.expect_message("bob 19", |m| says(m, "bob 19")).await;
    // The archives stamp whole seconds, and the store orders a same-second
    // tie between two senders by when it stored the rows, not by the
    // archive's order (a known limit, open): each group gets its own second.
    tokio::time::sleep(ARCHIVE_STEP).await;
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
    desk.expect_message("carol 2", |m| says(m, "carol 2")).await;
    tokio::time::sleep(ARCHIVE_STEP).await;
    for n in 20..25 {
        bob.send_chat(jid!("alice"), &format!("b-{n}"), &format!("bob {n}"))
            .await;
        said(format!("bob {n}"));
    }
    desk.expect_message("bob 24", |m| says(m, "bob 24")).await;

    let dir = tempfile::tempdir().unwrap();
    let phone = new_device(
        &gateway::base_url(&gateway),
        &dir.path().join("alice.db"),
        4,
    )
    .await;
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
    assert_eq!(
        seen, expected,
        "every message once, in order, from the beginning"
    );
    assert!(
        pages >= 5,
        "{pages} pages of 6 for {} messages",
        expected.len()
    );
    assert_eq!(
        stored(&phone, jid!("bob")),
        expected,
        "the store holds it all"
    );
    let (carols, _) = page_to_the_beginning(&phone, jid!("carol"), 6).await;
    assert_eq!(
        carols,
        ["carol 0", "carol 1", "carol 2"],
        "each chat only its own"
    );
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
    let config = sync_config(vec![nowhere], jid!("alice"), "alice-new-phone");
    let phone = Client::start(dir.path().join("alice.db"), config, PASSWORD.into()).unwrap();
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
    desk.expect_message("bob 11", |m| says(m, "bob 11")).await;

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
    assert_eq!(
        bodies,
        ["bob 8", "bob 9", "bob 10", "bob 11"],
        "what the store has"
    );
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
            assert_eq!(
                page.rows.len(),
                6,
                "the page is whole once the archive answers"
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the archive never came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (seen, _) = page_to_the_beginning(&phone, jid!("bob"), 5).await;
    assert_eq!(seen, expected, "every message once, in order");
    phone.stop().await.unwrap();
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rooms_timeline_pages_back_through_the_rooms_own_archive_to_its_beginning() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let dir = tempfile::tempdir().unwrap();
    let alice = signed_in(&world.base, &dir.path().join("alice.db"), "alice", "phone").await;
    let room = alice
        .room_admin()
        .unwrap()
        .create_room("History", &[jid!("bob").to_owned()])
        .await
        .unwrap()
        .jid;
    let mut bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, world.xmpp.port()).await;
    bob.join_room(&room).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let expected: Vec<String> = (0..8).map(|n| format!("post {n}")).collect();
    for (n, text) in expected.iter().enumerate() {
        bob.send_groupchat(&room, &format!("p-{n}"), text).await;
    }
    bob.expect_message("the last post reflected", |m| body(m) == "post 7")
        .await;
    eventually("the posts reached the phone", || {
        stored(&alice, &room).len() == expected.len()
    })
    .await;

    // Past the store, the room's archive says there is nothing older.
    let (seen, _) = page_to_the_beginning(&alice, &room, 3).await;
    assert_eq!(seen, expected, "every post once, in order");
    alice.stop().await.unwrap();
    world.shutdown().await;
}

/// `GET /v1/archive` with `query` appended, as alice's phone.
async fn archive(phone: &Phone, query: &str) -> Result<ArchivePage, Refusal> {
    let path = format!("{}?{query}", paths::ARCHIVE);
    phone.call::<(), _>(Method::GET, &path, None).await
}

fn bodies(page: &ArchivePage) -> Vec<&str> {
    page.messages
        .iter()
        .map(|m| m.message.body.as_str())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archive_of_one_chat_holds_only_that_chats_messages_and_with_is_validated() {
    let world = World::start(&["alice", "bob", "carol"], |_| {}, None).await;
    let mut desk = Desktop::connect(jid!("alice", "desk"), PASSWORD, world.xmpp.port()).await;
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, world.xmpp.port()).await;
    let carol = Desktop::connect(jid!("carol", "desk"), PASSWORD, world.xmpp.port()).await;
    for n in 0..3 {
        bob.send_chat(jid!("alice"), &format!("b-{n}"), &format!("bob {n}"))
            .await;
        desk.expect_message("bob's", |m| says(m, &format!("bob {n}")))
            .await;
        carol
            .send_chat(jid!("alice"), &format!("c-{n}"), &format!("carol {n}"))
            .await;
        desk.expect_message("carol's", |m| says(m, &format!("carol {n}")))
            .await;
    }
    let phone = world.sign_in("alice", "phone").await;
    let whole = archive(&phone, "max=50").await.unwrap();
    assert_eq!(bodies(&whole).len(), 6, "{:?}", bodies(&whole));

    let bobs = archive(&phone, &format!("with={}&max=50", jid!("bob")))
        .await
        .unwrap();
    assert_eq!(bodies(&bobs), ["bob 0", "bob 1", "bob 2"]);
    let carols = archive(&phone, &format!("with={}&max=2", jid!("carol")))
        .await
        .unwrap();
    assert_eq!(bodies(&carols), ["carol 1", "carol 2"]);
    let before = carols.first.clone().unwrap();
    let older = archive(
        &phone,
        &format!("with={}&before={before}&max=5", jid!("carol")),
    )
    .await
    .unwrap();
    assert_eq!(bodies(&older), ["carol 0"]);
    assert!(older.complete, "nothing older in carol's chat");

    for bad in [
        "with=not-an-address".to_owned(),
        format!("with={}", jid!("bob", "desk")),
        format!("with={}&room=room-1@conference.{}", jid!("bob"), DOMAIN),
    ] {
        let (status, body) = archive(&phone, &bad).await.unwrap_err();
        assert_eq!(
            (status, body.code),
            (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest),
            "{bad}"
        );
    }
    world.shutdown().await;
}

/// Alice's phone on the store at `store`, with the settings changed by `tune`.
async fn phone_tuned(base_url: &str, store: &Path, tune: impl FnOnce(&mut SyncConfig)) -> Client {
    online_phone(base_url, store, "alice-phone", tune).await
}

/// Alice's phone `device` on the store at `store`, tuned by `tune`, once online.
async fn online_phone(
    base_url: &str,
    store: &Path,
    device: &str,
    tune: impl FnOnce(&mut SyncConfig),
) -> Client {
    let mut config = sync_config(vec![base_url.to_owned()], jid!("alice"), device);
    tune(&mut config);
    let client = Client::start(store.to_owned(), config, PASSWORD.into()).unwrap();
    client
        .wait_until_online(Duration::from_secs(20))
        .await
        .unwrap();
    client
}

fn kinds(client: &Client, peer: &str) -> Vec<MessageKind> {
    client
        .messages(peer, None, 500)
        .unwrap()
        .into_iter()
        .map(|m| m.kind)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gap_a_recovery_left_is_filled_by_paging_back_and_its_marker_goes() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    if matches!(xmpp.kind(), Kind::Ejabberd) {
        // ejabberd 23.01 answers a position it does not know with an empty,
        // complete page instead of an error, so no recovery (and no gap)
        // happens there; the gap model is the same for both servers.
        eprintln!("skipped on ejabberd: it leaves no gap to fill");
        return;
    }
    let gateway = gateway::start(xmpp.port(), |_| {}).await;
    let base = gateway::base_url(&gateway);
    let mut desk = Desktop::connect(jid!("alice", "desk"), PASSWORD, xmpp.port()).await;
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("alice.db");

    // The phone has one message of bob's, then is away while 30 more come.
    let phone = phone_tuned(&base, &store, |_| {}).await;
    bob.send_chat(jid!("alice"), "before", "before the absence")
        .await;
    eventually("the first message", || {
        stored(&phone, jid!("bob")).len() == 1
    })
    .await;
    phone.sign_off().await.unwrap();
    // Archive times have one-second steps: the absence outlasts one, as a
    // real one does, so the marker's place before the missed messages is
    // not a tie with the message before it.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let mut expected = vec!["before the absence".to_owned()];
    for n in 0..30 {
        let text = format!("missed {n:02}");
        bob.send_chat(jid!("alice"), &format!("m-{n}"), &text).await;
        expected.push(text);
    }
    desk.expect_message("bob's last", |m| says(m, "missed 29"))
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The archive no longer knows the phone's position, and one page of 10
    // read back cannot meet what the phone had: a gap marker.
    let db = rusqlite::Connection::open(&store).unwrap();
    let forgot = db
        .execute(
            "UPDATE sync_state SET value = 'FAKE-position' WHERE key = 'archive_cursor'",
            [],
        )
        .unwrap();
    assert_eq!(forgot, 1, "the phone had an archive position");
    drop(db);
    let phone = phone_tuned(&base, &store, |c| {
        c.archive_page = 10;
        c.recovery_pages = 1;
    })
    .await;
    eventually("the newest page and a gap marker", || {
        kinds(&phone, jid!("bob")).contains(&MessageKind::Gap)
            && stored(&phone, jid!("bob")).last().map(String::as_str) == Some("missed 29")
    })
    .await;
    assert_eq!(
        stored(&phone, jid!("bob")).len(),
        12,
        "one, the marker, ten"
    );

    let (seen, _) = page_to_the_beginning(&phone, jid!("bob"), 8).await;
    assert_eq!(
        seen, expected,
        "every message once, in order, the gap filled"
    );
    assert!(
        kinds(&phone, jid!("bob"))
            .iter()
            .all(|k| *k == MessageKind::Message),
        "the marker went once the pages met"
    );
    phone.stop().await.unwrap();
    gateway.shutdown().await;
}
