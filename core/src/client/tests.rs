//! The client against a fake gateway in this process: a plain HTTP/1.1
//! server that signs in with a new token each time, and remembers the token
//! each request carried.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use splitline_protocol::{
    ArchivePage, Availability, CallRecords, ClosedChats, ContactPhonesList, ErrorBody, ErrorCode,
    EventsResponse, RoomMembers, Rooms, SignInRequest, SignInResponse, paths,
};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

use super::*;

mod push;

/// What the fake gateway has seen and what it does next.
#[derive(Default)]
struct Seen {
    /// Sign-ins so far; the n-th gets token `token-n`.
    sign_ins: u32,
    /// Path and bearer token of every request but the long-polls.
    requests: Vec<(String, Option<String>)>,
    /// When set, the next poll says the session is gone (as after a gateway restart).
    end_session: bool,
    /// Long-polls answered so far.
    polls: u32,
    /// Contact and presence requests, as `METHOD path body`, refused or not.
    contact_requests: Vec<String>,
    /// How many contact or presence requests to answer `503` before taking them.
    unavailable: u32,
    /// The `wait` of every long-poll, in order.
    waits: Vec<u64>,
    /// Push requests, as `METHOD path body token`.
    push_requests: Vec<String>,
}

type Shared = Arc<Mutex<Seen>>;

async fn fake_gateway() -> (String, Shared) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Shared::default();
    let state = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, state.clone()));
        }
    });
    (base, seen)
}

/// Answers requests on one connection until the client closes it.
async fn serve(stream: TcpStream, seen: Shared) {
    let mut stream = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if stream.read_line(&mut request_line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut token = None;
        let mut length = 0;
        loop {
            let mut header = String::new();
            stream.read_line(&mut header).await.unwrap();
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap();
            match name.to_ascii_lowercase().as_str() {
                "authorization" => {
                    token = value.trim().strip_prefix("Bearer ").map(str::to_owned);
                }
                "content-length" => length = value.trim().parse().unwrap(),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        stream.read_exact(&mut body).await.unwrap();
        let path = request_line.split(' ').nth(1).unwrap_or_default();
        let path = path.split('?').next().unwrap_or_default().to_owned();
        if path == paths::EVENTS {
            seen.lock().unwrap().waits.push(query_wait(&request_line));
        }
        let answered = contact_answer(&seen, &request_line, &path, &body)
            .or_else(|| push::answer(&seen, &request_line, &path, &body, token.as_deref()));
        let (status, answer) = match answered {
            Some(answered) => answered,
            None => answer(&seen, &path, token, &body).await,
        };
        let response = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        stream
            .get_mut()
            .write_all(response.as_bytes())
            .await
            .unwrap();
    }
}

/// The `wait` in a request line's query (0 without one).
fn query_wait(request_line: &str) -> u64 {
    let target = request_line.split(' ').nth(1).unwrap_or_default();
    let query = target.split_once('?').map(|(_, q)| q).unwrap_or_default();
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("wait="))
        .map_or(0, |w| w.parse().unwrap())
}

/// The only password the fake gateway takes.
const PASSWORD: &str = "secret";

async fn answer(
    seen: &Shared,
    path: &str,
    token: Option<String>,
    body: &[u8],
) -> (&'static str, String) {
    if path == paths::EVENTS {
        let ended = std::mem::take(&mut seen.lock().unwrap().end_session);
        if ended {
            let body = ErrorBody {
                code: ErrorCode::Unauthorized,
                message: "sign in again".into(),
                reason: None,
            };
            return ("401 Unauthorized", json(&body));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen.lock().unwrap().polls += 1;
        let page = EventsResponse {
            events: vec![],
            next_cursor: "c".into(),
        };
        return ("200 OK", json(&page));
    }
    let mut seen = seen.lock().unwrap();
    seen.requests.push((path.to_owned(), token));
    let body = match path {
        paths::SIGN_IN => {
            let request: SignInRequest = serde_json::from_slice(body).unwrap();
            if request.password != PASSWORD {
                let refusal = ErrorBody {
                    code: ErrorCode::AuthFailed,
                    message: "wrong password".into(),
                    reason: None,
                };
                return ("401 Unauthorized", json(&refusal));
            }
            seen.sign_ins += 1;
            json(&SignInResponse {
                token: format!("token-{}", seen.sign_ins),
                bound_jid: "alice@example.net/phone".into(),
                cursor: "c".into(),
                idle_timeout_secs: 300,
            })
        }
        paths::CLOSED_CHATS => json(&ClosedChats { chats: vec![] }),
        paths::ROOMS => json(&Rooms { rooms: vec![] }),
        paths::ARCHIVE => json(&ArchivePage {
            messages: vec![],
            first: None,
            last: None,
            complete: true,
        }),
        paths::CALL_RECORDS => json(&CallRecords { records: vec![] }),
        paths::CONTACT_PHONES => json(&ContactPhonesList { contacts: vec![] }),
        paths::SIGN_OFF => "{}".to_owned(),
        _ if path.ends_with("/members") => json(&RoomMembers { members: vec![] }),
        _ => panic!("the fake gateway does not know {path}"),
    };
    ("200 OK", body)
}

/// Answers a contact or presence request: `503` while `unavailable` lasts,
/// `403` for anything about eve, else `204`.
fn contact_answer(
    seen: &Shared,
    request_line: &str,
    path: &str,
    body: &[u8],
) -> Option<(&'static str, String)> {
    if !path.starts_with(paths::CONTACTS) && path != paths::PRESENCE {
        return None;
    }
    let method = request_line.split(' ').next().unwrap_or_default();
    let body = String::from_utf8_lossy(body);
    let mut seen = seen.lock().unwrap();
    seen.contact_requests
        .push(format!("{method} {path} {body}").trim_end().to_owned());
    let refusal = |status, code| {
        let body = ErrorBody {
            code,
            message: "refused by the fake".into(),
            reason: None,
        };
        Some((status, json(&body)))
    };
    if seen.unavailable > 0 {
        seen.unavailable -= 1;
        return refusal("503 Service Unavailable", ErrorCode::Unavailable);
    }
    if path.contains("eve") || body.contains("eve@") {
        return refusal("403 Forbidden", ErrorCode::Forbidden);
    }
    Some(("204 No Content", String::new()))
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap()
}

/// The token the last request to a path ending in `suffix` carried.
fn token_sent(seen: &Shared, suffix: &str) -> Option<String> {
    let seen = seen.lock().unwrap();
    let (_, token) = seen.requests.iter().rfind(|(p, _)| p.ends_with(suffix))?;
    token.clone()
}

/// Alice's account at `endpoint`, retrying and polling quickly.
fn alice_at(endpoint: String) -> SyncConfig {
    SyncConfig {
        endpoints: vec![endpoint],
        jid: "alice@example.net".into(),
        device_id: "phone".into(),
        build_id: "test".into(),
        backoff_cap: Duration::from_millis(100),
        ..SyncConfig::default()
    }
}

/// The tokens a room request and a call request carry now.
async fn tokens_used(admin: &RoomAdmin, calls: &Calls, seen: &Shared) -> [String; 2] {
    admin.members("room@muc.example.net").await.unwrap();
    calls.records().await.unwrap();
    [
        token_sent(seen, "/members").unwrap(),
        token_sent(seen, paths::CALL_RECORDS).unwrap(),
    ]
}

async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Alice's client on a fresh store in `dir`, signed in at a new fake gateway.
async fn online_alice(dir: &tempfile::TempDir) -> (Client, Shared) {
    let (base, seen) = fake_gateway().await;
    let client =
        Client::start(dir.path().join("core.db"), alice_at(base), PASSWORD.into()).unwrap();
    client
        .wait_until_online(Duration::from_secs(10))
        .await
        .unwrap();
    (client, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn room_admin_and_calls_use_the_token_of_the_latest_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (client, seen) = online_alice(&dir).await;
    // Both are taken before the session changes, and kept across it.
    let admin = client.room_admin().unwrap();
    let calls = client.calls().unwrap();
    assert_eq!(tokens_used(&admin, &calls, &seen).await, ["token-1"; 2]);

    // The gateway forgets the session; the engine signs in again.
    seen.lock().unwrap().end_session = true;
    until("a second sign-in", || seen.lock().unwrap().sign_ins == 2).await;
    until("the new session is in use", || {
        client.session.token().as_deref() == Some("token-2")
    })
    .await;

    assert_eq!(tokens_used(&admin, &calls, &seen).await, ["token-2"; 2]);
    client.stop().await.unwrap();
}

#[tokio::test]
async fn room_admin_and_calls_are_offline_before_the_first_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens there: the engine never signs in.
    let client = Client::start(
        dir.path().join("core.db"),
        alice_at("http://127.0.0.1:9".into()),
        PASSWORD.into(),
    )
    .unwrap();
    assert!(matches!(client.room_admin(), Err(ClientError::Offline(_))));
    assert!(matches!(client.calls(), Err(ClientError::Offline(_))));
    client.stop().await.unwrap();
}

#[tokio::test]
async fn an_over_long_message_is_refused_when_composed_and_never_queued() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::start(
        dir.path().join("core.db"),
        alice_at("http://127.0.0.1:9".into()),
        PASSWORD.into(),
    )
    .unwrap();
    // The limit counts characters, not bytes: 10,000 two-byte characters fit.
    let longest = "é".repeat(MAX_BODY_CHARS);
    client.send_message("bob@example.net", &longest).unwrap();
    let refused = client.send_message("bob@example.net", &format!("{longest}x"));
    let Err(error) = refused else {
        panic!("an over-long message was queued");
    };
    assert!(matches!(
        error,
        ClientError::BodyTooLong {
            chars: 10_001,
            max: MAX_BODY_CHARS
        }
    ));
    assert_eq!(
        error.to_string(),
        "the message is 10001 characters long; the most is 10000"
    );
    let queued = client.store.outbox().unwrap();
    assert_eq!(
        queued.len(),
        1,
        "only the message within the limit is queued"
    );
    assert_eq!(queued[0].body.chars().count(), MAX_BODY_CHARS);
    client.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contact_changes_made_offline_go_out_once_each_in_order_across_a_failed_send() {
    let (base, seen) = fake_gateway().await;
    // The first attempt finds the gateway unavailable.
    seen.lock().unwrap().unavailable = 1;
    let dir = tempfile::tempdir().unwrap();
    let client =
        Client::start(dir.path().join("core.db"), alice_at(base), PASSWORD.into()).unwrap();
    let contacts = client.contacts_api();
    contacts.add("bob@example.net", Some("Bob")).unwrap();
    contacts.accept("carol@example.net").unwrap();
    contacts
        .set_presence(Availability::Away, Some("lunch"))
        .unwrap();
    until("every change taken", || {
        seen.lock().unwrap().contact_requests.len() == 4
    })
    .await;
    // A few more rounds of the engine send nothing more.
    let polls = seen.lock().unwrap().polls;
    until("three more polls", || {
        seen.lock().unwrap().polls >= polls + 3
    })
    .await;
    assert_eq!(
        seen.lock().unwrap().contact_requests,
        [
            r#"POST /v1/contacts {"jid":"bob@example.net","name":"Bob"}"#,
            r#"POST /v1/contacts {"jid":"bob@example.net","name":"Bob"}"#,
            "POST /v1/contacts/carol@example.net/accept",
            r#"PUT /v1/presence {"availability":"away","status":"lunch"}"#,
        ]
    );
    assert!(client.store.contact_ops().unwrap().is_empty());
    assert_eq!(client.store.own_presence_due().unwrap(), None);
    client.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_change_refused_for_good_is_dropped_recorded_and_not_retried() {
    let (base, seen) = fake_gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let client =
        Client::start(dir.path().join("core.db"), alice_at(base), PASSWORD.into()).unwrap();
    let contacts = client.contacts_api();
    let mut updates = client.subscribe();
    // Listed at once: the row comes back as the list showed it, even when
    // the engine (woken by the add) sends and drops the change right away.
    let listed = contacts.add("eve@example.net", None).unwrap();
    assert_eq!(listed.jid, "eve@example.net", "listed at once");
    until("the refusal recorded", || {
        !contacts.failures().unwrap().is_empty()
    })
    .await;
    let failures = contacts.failures().unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].jid, "eve@example.net");
    assert_eq!(failures[0].reason, "refused by the fake");
    assert!(
        contacts.page(0, 10).unwrap().is_empty(),
        "the network's view again"
    );
    // Listeners heard of eve's row twice: queued, then dropped.
    let mut heard = 0;
    while let Ok(update) = updates.try_recv() {
        if let SyncUpdate::Changed(changes) = update {
            heard += usize::from(changes.contact_jids == ["eve@example.net"]);
        }
    }
    assert_eq!(heard, 2);
    let polls = seen.lock().unwrap().polls;
    until("three more polls", || {
        seen.lock().unwrap().polls >= polls + 3
    })
    .await;
    assert_eq!(seen.lock().unwrap().contact_requests.len(), 1);
    client.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_password_can_be_replaced_without_reopening_the_store() {
    let (base, seen) = fake_gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::open(dir.path().join("core.db"), alice_at(base)).unwrap();
    assert_eq!(client.status(), Status::Stopped(None), "not signed in yet");
    // What is stored is there before any sign-in.
    assert!(client.chats(0, 10).unwrap().is_empty());

    client.sign_in("wrong".into()).unwrap();
    let refused = client.wait_until_online(Duration::from_secs(10)).await;
    assert!(matches!(
        refused,
        Err(ClientError::Sync(SyncError::AuthFailed))
    ));
    assert_eq!(client.status(), Status::AuthFailed);

    client.sign_in(PASSWORD.into()).unwrap();
    client
        .wait_until_online(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(seen.lock().unwrap().sign_ins, 1);
    assert!(
        matches!(
            client.sign_in(PASSWORD.into()),
            Err(ClientError::Invalid(_))
        ),
        "a second engine never runs beside the first"
    );
    client.stop().await.unwrap();
    assert_eq!(client.status(), Status::Stopped(None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_client_signs_off_through_a_reference_and_can_sign_in_again() {
    let (base, seen) = fake_gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let client = Arc::new(Client::open(dir.path().join("core.db"), alice_at(base)).unwrap());
    client.sign_in(PASSWORD.into()).unwrap();
    client
        .wait_until_online(Duration::from_secs(10))
        .await
        .unwrap();
    let other_screen = client.clone();
    other_screen.sign_off().await.unwrap();
    assert!(
        seen.lock()
            .unwrap()
            .requests
            .iter()
            .any(|(path, token)| path == paths::SIGN_OFF && token.as_deref() == Some("token-1")),
        "the gateway heard the sign-off with the session's token"
    );
    assert_eq!(client.store.sync_value(keys::TOKEN).unwrap(), None);
    assert!(matches!(client.room_admin(), Err(ClientError::Offline(_))));

    client.sign_in(PASSWORD.into()).unwrap();
    client
        .wait_until_online(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(seen.lock().unwrap().sign_ins, 2);
    client.stop().await.unwrap();
}

#[tokio::test]
async fn local_changes_reach_subscribers_naming_their_chat() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::open(
        dir.path().join("core.db"),
        alice_at("http://127.0.0.1:9".into()),
    )
    .unwrap();
    let mut updates = client.subscribe();
    client.send_message("bob@example.net", "hello").unwrap();
    let Ok(SyncUpdate::Changed(changes)) = updates.recv().await else {
        panic!("no change reported for a queued message");
    };
    assert_eq!(changes.chats, vec!["bob@example.net".to_owned()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_signed_in_again_after_a_stop_resumes_its_session_and_is_online() {
    let dir = tempfile::tempdir().unwrap();
    let (client, seen) = online_alice(&dir).await;
    client.stop().await.unwrap();
    assert_eq!(client.status(), Status::Stopped(None));
    // The stored token is taken up again: no new sign-in, yet online.
    client.sign_in(PASSWORD.into()).unwrap();
    client
        .wait_until_online(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(client.status(), Status::Online);
    assert_eq!(seen.lock().unwrap().sign_ins, 1);
    client.stop().await.unwrap();
}

#[test]
fn a_bad_account_address_or_no_gateway_opens_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("core.db");
    let bad = SyncConfig {
        jid: "not an address".into(),
        ..alice_at("http://127.0.0.1:9".into())
    };
    assert!(matches!(
        Client::open(path.clone(), bad),
        Err(ClientError::Invalid(_))
    ));
    let nowhere = SyncConfig {
        endpoints: vec![],
        ..alice_at("http://127.0.0.1:9".into())
    };
    assert!(matches!(
        Client::open(path.clone(), nowhere),
        Err(ClientError::Invalid(_))
    ));
    assert!(!path.exists(), "no store was created");
}
