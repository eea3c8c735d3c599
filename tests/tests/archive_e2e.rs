//! End-to-end: the archive endpoint over the real gateway and Prosody's
//! archive (XEP-0313), with a direct XMPP client as the other party.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::{Method, StatusCode};
use splitline_e2e::{
    DOMAIN,
    desktop::Desktop,
    jid,
    phone::{Phone, Refusal},
    world::{PASSWORD as PW, World},
    xmpp_server::Kind,
};
use splitline_protocol::{ArchivePage, ChatMessage, ErrorCode, Event, SendMessageRequest, paths};
use tokio_xmpp::{Stanza, minidom::Element};

async fn archive(phone: &Phone, after: Option<&str>, max: u32) -> Result<ArchivePage, Refusal> {
    let path = match after {
        Some(after) => format!("{}?after={after}&max={max}", paths::ARCHIVE),
        None => format!("{}?max={max}", paths::ARCHIVE),
    };
    phone.call::<(), _>(Method::GET, &path, None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archive_pages_through_what_was_said_in_order_from_a_live_messages_position() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "phone").await;
    let bob = Desktop::connect(jid!("bob", "desk"), PW, world.xmpp.port()).await;
    for n in 0..5 {
        bob.send_chat(jid!("alice"), &format!("b-{n}"), &format!("bob {n}"))
            .await;
    }
    let mut live = Vec::new();
    for n in 0..5 {
        let body = format!("bob {n}");
        match alice
            .wait_for(
                &body,
                |e| matches!(e, Event::MessageReceived { message } if message.body == body),
            )
            .await
        {
            Event::MessageReceived { message } => live.push(message),
            _ => unreachable!(),
        }
    }
    assert!(
        live.iter().all(|m| m.archive_id.is_some()),
        "live messages carry their archive position: {live:?}"
    );
    let request = SendMessageRequest {
        client_id: "p-1".into(),
        to: jid!("bob").into(),
        body: "alice 1".into(),
    };
    let _: serde_json::Value = alice
        .call(Method::POST, paths::MESSAGES, Some(&request))
        .await
        .unwrap();

    // Forward from the first live message's position, two at a time.
    let mut after = live[0].archive_id.clone();
    let mut read = Vec::new();
    let mut pages = 0;
    loop {
        let page = archive(&alice, after.as_deref(), 2).await.unwrap();
        pages += 1;
        assert!(page.messages.len() <= 2);
        read.extend(page.messages.clone());
        if page.complete {
            break;
        }
        assert!(pages < 10, "the archive never said it was complete");
        after = page.last;
    }
    let bodies: Vec<&str> = read.iter().map(|m| m.message.body.as_str()).collect();
    assert_eq!(bodies, ["bob 1", "bob 2", "bob 3", "bob 4", "alice 1"]);
    assert!(
        read[..4]
            .iter()
            .all(|m| !m.outgoing && m.message.from == jid!("bob"))
    );
    assert!(read[4].outgoing && read[4].message.to == jid!("bob"));
    assert_eq!(read[4].message.network_id.as_deref(), Some("p-1"));
    for (archived, live) in read[..4].iter().zip(&live[1..]) {
        assert_eq!(archived.message.archive_id, live.archive_id);
        assert_eq!(archived.message.network_id, live.network_id);
    }

    // Without a position: the newest entries, and nothing follows them.
    let newest = archive(&alice, None, 2).await.unwrap();
    let bodies: Vec<&str> = newest
        .messages
        .iter()
        .map(|m| m.message.body.as_str())
        .collect();
    assert_eq!(bodies, ["bob 4", "alice 1"]);
    assert!(newest.complete);
    assert_eq!(newest.last, read[4].message.archive_id);

    // A position the archive does not know, and bad queries. Prosody says it
    // does not know the position (410); ejabberd 23.01 answers an empty,
    // complete page, which the core takes as the end of its catch-up.
    match world.xmpp.kind() {
        Kind::Prosody => {
            let (status, body) = archive(&alice, Some("no-such-position"), 2)
                .await
                .unwrap_err();
            assert_eq!(
                (status, body.code),
                (StatusCode::GONE, ErrorCode::CursorInvalid)
            );
        }
        Kind::Ejabberd => {
            let page = archive(&alice, Some("no-such-position"), 2).await.unwrap();
            assert!(page.messages.is_empty() && page.complete, "{page:?}");
        }
    }
    for bad in [
        "?max=0",
        "?max=501",
        "?max=two",
        "?max=2&since=x",
        "?max=2&after=x&before=y",
        "?start_ms=0&before=y",
    ] {
        let path = format!("{}{bad}", paths::ARCHIVE);
        let (status, body) = alice
            .call::<(), serde_json::Value>(Method::GET, &path, None)
            .await
            .unwrap_err();
        assert_eq!(
            (status, body.code),
            (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest),
            "{bad}"
        );
    }
    // Bob's phone reads Bob's own archive: the same talk, seen from his side.
    let bob_phone = world.sign_in("bob", "bob-phone").await;
    let bobs = archive(&bob_phone, None, 50).await.unwrap();
    let seen: Vec<(bool, &str)> = bobs
        .messages
        .iter()
        .map(|m| (m.outgoing, m.message.body.as_str()))
        .collect();
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(seen[..5].iter().all(|(outgoing, _)| *outgoing));
    assert_eq!(seen[5], (false, "alice 1"));
    world.shutdown().await;
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

/// A chat message from the stranger with a stanza id in alice's name and a
/// delay in her server's name, both forged.
fn forged(id: &str, body: &str) -> Stanza {
    let xml = format!(
        "<message xmlns='jabber:client' type='chat' to='{alice}' id='{id}'><body>{body}</body>\
         <stanza-id xmlns='urn:xmpp:sid:0' by='{alice}' id='FAKE-{id}'/>\
         <delay xmlns='urn:xmpp:delay' from='{domain}' stamp='2000-01-01T00:00:00Z'/></message>",
        alice = jid!("alice"),
        domain = DOMAIN,
    );
    Stanza::try_from(xml.parse::<Element>().unwrap()).unwrap()
}

/// The message with `body` as the archive's newest page shows it.
async fn archived(phone: &Phone, body: &str) -> ChatMessage {
    let page = archive(phone, None, 10).await.unwrap();
    page.messages
        .into_iter()
        .map(|m| m.message)
        .find(|m| m.body == body)
        .unwrap_or_else(|| panic!("{body:?} is not in the archive"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strangers_forged_archive_id_and_delay_are_not_trusted_live() {
    let world = World::start(&["alice", "eve"], |_| {}, None).await;
    let mut alice = world.sign_in("alice", "phone").await;
    let eve = Desktop::connect(jid!("eve", "x"), PW, world.xmpp.port()).await;
    let sent_at = now_ms();
    eve.send(forged("e-1", "claim your prize")).await;
    let Event::MessageReceived { message } = alice
        .wait_for("the stranger's message", |e| {
            matches!(e, Event::MessageReceived { message } if message.body == "claim your prize")
        })
        .await
    else {
        unreachable!()
    };
    assert!(
        message.timestamp_ms >= sent_at - 1_000,
        "a live message is timed at its arrival, not by a forged delay: {}",
        message.timestamp_ms
    );
    let stored = archived(&alice, "claim your prize").await;
    assert_eq!(
        message.archive_id, stored.archive_id,
        "the live message carries the server's archive id, not the forged one"
    );
    assert!(message.archive_id.is_some_and(|id| id != "FAKE-e-1"));
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_delivery_keeps_the_servers_time_not_a_strangers() {
    let world = World::start(&["alice", "eve"], |_| {}, None).await;
    let mut eve = Desktop::connect(jid!("eve", "x"), PW, world.xmpp.port()).await;
    let sent_at = now_ms();
    // Alice has no session: the server keeps it in offline storage.
    eve.send(forged("e-2", "while you were out")).await;
    // The server handles one login's stanzas in order: once it has answered
    // the next request, the message is in offline storage.
    let ping = tokio_xmpp::parsers::ping::Ping;
    eve.iq(Some(DOMAIN), false, ping.into()).await.unwrap();
    let mut alice = world.sign_in("alice", "phone").await;
    let Event::MessageReceived { message } = alice
        .wait_for("the message from offline storage", |e| {
            matches!(e, Event::MessageReceived { message } if message.body == "while you were out")
        })
        .await
    else {
        unreachable!()
    };
    let stored = archived(&alice, "while you were out").await;
    assert_eq!(message.archive_id, stored.archive_id);
    assert!(
        message.timestamp_ms >= sent_at - 1_000 && message.timestamp_ms <= now_ms(),
        "the server's offline stamp counts, the forged one does not: {}",
        message.timestamp_ms
    );
    world.shutdown().await;
}
