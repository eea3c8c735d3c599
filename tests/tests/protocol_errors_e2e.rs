//! End-to-end: bad input gets clear 4xx errors while everyone else keeps being
//! served; the protocol over TLS with a test CA; the metrics endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::{Method, StatusCode};
use splitline_e2e::{gateway::Settings, jid, phone::call, tls::TestPki, world::World};
use splitline_protocol::{ErrorBody, ErrorCode, Event, EventsResponse, Snapshot, paths};

/// A bad request: name, method, path, token, (content type, body), expected status and code.
type Case<'a> = (
    &'a str,
    Method,
    String,
    Option<&'a str>,
    Option<(&'a str, Vec<u8>)>,
    StatusCode,
    ErrorCode,
);

/// A raw request; returns status and the parsed error body (if any).
async fn raw(
    http: &reqwest::Client,
    base: &str,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> (StatusCode, Option<ErrorBody>) {
    let mut request = http.request(method, format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some((content_type, bytes)) = body {
        request = request
            .header("content-type", content_type)
            .body(bytes.to_vec());
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let body = serde_json::from_slice(&response.bytes().await.unwrap()).ok();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_errors_and_the_gateway_keeps_serving() {
    let options = |s: &mut Settings| s.http.max_body_bytes = Some(4096);
    let world = World::start(&["alice", "bob"], options, None).await;
    let (http, base) = (&world.http, world.base.as_str());
    let mut alice = world.sign_in("alice", "a1").await;
    let mut bob = world.sign_in("bob", "b1").await;
    let token = alice.token.clone();
    let json = "application/json";

    let cases: Vec<Case<'_>> = vec![
        (
            "malformed JSON",
            Method::POST,
            paths::MESSAGES.into(),
            Some(&token),
            Some((json, b"{\"client_id\": ".to_vec())),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "wrong types",
            Method::POST,
            paths::MESSAGES.into(),
            Some(&token),
            Some((
                json,
                br#"{"client_id": 5, "to": [], "body": true}"#.to_vec(),
            )),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "unknown field",
            Method::POST,
            paths::MESSAGES.into(),
            Some(&token),
            Some((
                json,
                br#"{"client_id":"x","to":jid!("bob"),"body":"b","extra":1}"#.to_vec(),
            )),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "not JSON",
            Method::POST,
            paths::MESSAGES.into(),
            Some(&token),
            Some(("text/plain", b"hello".to_vec())),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "bad address",
            Method::POST,
            paths::MESSAGES.into(),
            Some(&token),
            Some((
                json,
                br#"{"client_id":"x","to":"no-user-part","body":"b"}"#.to_vec(),
            )),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "empty body text",
            Method::POST,
            paths::MESSAGES.into(),
            Some(&token),
            Some((
                json,
                br#"{"client_id":"x","to":jid!("bob"),"body":"  "}"#.to_vec(),
            )),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "bad client id",
            Method::POST,
            paths::MESSAGES.into(),
            Some(&token),
            Some((
                json,
                br#"{"client_id":"a b","to":jid!("bob"),"body":"b"}"#.to_vec(),
            )),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "oversized body",
            Method::POST,
            paths::MESSAGES.into(),
            Some(&token),
            Some((
                json,
                format!(
                    "{{\"client_id\":\"x\",\"to\":\"{}\",\"body\":\"{}\"}}",
                    jid!("bob"),
                    "a".repeat(8192)
                )
                .into_bytes(),
            )),
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
        ),
        (
            "missing token",
            Method::GET,
            paths::SNAPSHOT.into(),
            None,
            None,
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
        ),
        (
            "bad token",
            Method::GET,
            paths::SNAPSHOT.into(),
            Some("not-a-token"),
            None,
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
        ),
        (
            "unknown cursor",
            Method::GET,
            format!("{}?cursor=nonsense-0", paths::EVENTS),
            Some(&token),
            None,
            StatusCode::GONE,
            ErrorCode::CursorInvalid,
        ),
        (
            "another user's cursor",
            Method::GET,
            format!("{}?cursor={}", paths::EVENTS, bob.cursor),
            Some(&token),
            None,
            StatusCode::GONE,
            ErrorCode::CursorInvalid,
        ),
        (
            "missing cursor",
            Method::GET,
            paths::EVENTS.into(),
            Some(&token),
            None,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "too long a wait",
            Method::GET,
            format!("{}?cursor={}&wait=3600", paths::EVENTS, alice.cursor),
            Some(&token),
            None,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "offline is not settable",
            Method::PUT,
            paths::PRESENCE.into(),
            Some(&token),
            Some((json, br#"{"availability":"offline"}"#.to_vec())),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "unknown path",
            Method::GET,
            "/v1/nothing-here".into(),
            Some(&token),
            None,
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
        ),
        (
            "undecodable path",
            Method::DELETE,
            "/v1/contacts/%FF%FE".into(),
            Some(&token),
            None,
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "control character in a status",
            Method::PUT,
            paths::PRESENCE.into(),
            Some(&token),
            Some((
                json,
                br#"{"availability":"away","status":"bell\u0007"}"#.to_vec(),
            )),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "wrong method",
            Method::DELETE,
            paths::MESSAGES.into(),
            Some(&token),
            None,
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::MethodNotAllowed,
        ),
        (
            "sign-in with wrong types",
            Method::POST,
            paths::SIGN_IN.into(),
            None,
            Some((json, br#"{"jid": 1}"#.to_vec())),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
    ];
    for (name, method, path, token, body, status, code) in cases {
        let body = body.as_ref().map(|(t, b)| (*t, b.as_slice()));
        let (got_status, got_body) = raw(http, base, method, &path, token, body).await;
        assert_eq!(got_status, status, "{name}");
        let got_body = got_body.unwrap_or_else(|| panic!("{name}: no JSON error body"));
        assert_eq!(got_body.code, code, "{name}: {got_body:?}");
        assert!(!got_body.message.is_empty(), "{name}");
    }

    // Bob's token reaches only bob's data: his snapshot does not show alice's contacts.
    let mine: Snapshot = alice
        .call::<(), _>(Method::GET, paths::SNAPSHOT, None)
        .await
        .unwrap();
    let his: Snapshot = bob
        .call::<(), _>(Method::GET, paths::SNAPSHOT, None)
        .await
        .unwrap();
    assert_ne!(mine.cursor, his.cursor);

    // After all that, both sessions still work end to end.
    alice
        .send("ok-1", jid!("bob"), "still working")
        .await
        .unwrap();
    bob.wait_for(
        "alice's message",
        |e| matches!(e, Event::MessageReceived { message } if message.body == "still working"),
    )
    .await;
    alice.poll(0).await.unwrap();

    // The metrics count what happened.
    let metrics_url = format!("http://{}/metrics", world.gateway.metrics_addr.unwrap());
    let text = http
        .get(metrics_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("splitline_sessions_active 2\n"), "{text}");
    let errors: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("splitline_request_errors_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(errors >= 20, "{text}");
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_protocol_runs_over_tls_with_a_test_ca() {
    let pki = TestPki::new();
    let options = |s: &mut Settings| {
        s.http.tls_cert = Some(pki.cert_path.clone());
        s.http.tls_key = Some(pki.key_path.clone());
    };
    let world = World::start(&["alice", "bob"], options, Some(&pki.ca_pem)).await;
    let base = world.base.as_str();
    assert!(base.starts_with("https://"));

    // A client that does not trust the test CA cannot connect at all.
    let untrusting = reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .build()
        .unwrap();
    assert!(
        untrusting
            .get(format!("{base}{}", paths::SNAPSHOT))
            .send()
            .await
            .is_err()
    );

    let alice = world.sign_in("alice", "a1").await;
    let mut bob = world.sign_in("bob", "b1").await;
    alice.send("tls-1", jid!("bob"), "over tls").await.unwrap();
    bob.wait_for(
        "the message over TLS",
        |e| matches!(e, Event::MessageReceived { message } if message.body == "over tls"),
    )
    .await;
    let page: EventsResponse = call::<(), _>(
        &world.http,
        base,
        Method::GET,
        &format!("{}?cursor={}", paths::EVENTS, alice.cursor),
        Some(&alice.token),
        None,
    )
    .await
    .unwrap();
    assert!(page.next_cursor.len() > 2);
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_gzip_compressed_when_accepted() {
    let world = World::start(&["alice"], |_| {}, None).await;
    let base = world.base.as_str();
    let plain = reqwest::Client::builder().no_gzip().build().unwrap();
    let alice = world.sign_in("alice", "a1").await;
    // A large enough error body to be worth compressing.
    let response = plain
        .get(format!("{base}{}", paths::SNAPSHOT))
        .bearer_auth(&alice.token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
    world.shutdown().await;
}
