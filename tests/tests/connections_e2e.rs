//! End-to-end: slow, idle and surplus connections against the real gateway
//! (real TCP, real HTTP/1.1, real TLS): a request head that never ends is cut
//! off after the header timeout, an idle kept-alive connection too, the
//! connection cap refuses the surplus while signed-in users are still served,
//! and hyper's own framing errors carry the protocol's JSON error body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use reqwest::{Method, StatusCode};
use splitline_e2e::{gateway::Settings, phone::call, tls::TestPki, world::World};
use splitline_protocol::{ErrorBody, ErrorCode, Snapshot, paths};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Far longer than any timeout configured here: only a bound, so that a
/// gateway that never closes fails the test instead of hanging it.
const NEVER: Duration = Duration::from_secs(20);

/// Reads until the gateway closes the connection; `None` if it never does.
async fn read_until_closed(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match tokio::time::timeout(NEVER, stream.read(&mut chunk)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(received),
            Ok(Ok(n)) => received.extend_from_slice(&chunk[..n]),
        }
    }
}

/// One value of the gateway's metrics.
async fn metric(world: &World, name: &str) -> i64 {
    let addr = world.gateway.metrics_addr.unwrap();
    let text = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("no {name} in {text}"))
        .parse()
        .unwrap()
}

/// Waits until the metric `name` is `value`.
async fn metric_becomes(world: &World, name: &str, value: i64) {
    let deadline = tokio::time::Instant::now() + NEVER;
    while metric(world, name).await != value {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{name} never became {value}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn connect(world: &World) -> TcpStream {
    TcpStream::connect(world.gateway.addr).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_head_that_never_ends_is_cut_off_after_the_header_timeout() {
    let options = |s: &mut Settings| s.http.http_header_timeout_secs = Some(1);
    let world = World::start(&["alice"], options, None).await;
    let mut slow = connect(&world).await;
    slow.write_all(
        b"POST /v1/sign-in HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\n",
    )
    .await
    .unwrap();
    // The head is never finished; the gateway must close the connection.
    assert!(
        read_until_closed(&mut slow).await.is_some(),
        "the gateway kept a connection with an unfinished request head open"
    );
    assert_eq!(
        metric(&world, "splitline_http_header_timeouts_total").await,
        1
    );
    // The gateway still serves everyone else.
    world.sign_in("alice", "a1").await;
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_body_sent_a_byte_at_a_time_is_cut_off_after_the_timeout() {
    let options = |s: &mut Settings| s.http.http_header_timeout_secs = Some(1);
    let world = World::start(&["alice"], options, None).await;
    let mut slow = connect(&world).await;
    slow.write_all(
        b"POST /v1/sign-in HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\n\
          content-length: 60000\r\n\r\n",
    )
    .await
    .unwrap();
    // A byte well inside the timeout each time, never the whole body.
    let (mut from_gateway, mut to_gateway) = slow.into_split();
    let trickle = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
            if to_gateway.write_all(b" ").await.is_err() {
                break;
            }
        }
    });
    let mut received = Vec::new();
    let closed = tokio::time::timeout(NEVER, from_gateway.read_to_end(&mut received)).await;
    trickle.abort();
    assert!(
        closed.is_ok(),
        "the gateway kept a connection whose body never ended open"
    );
    let text = String::from_utf8(received).unwrap();
    assert!(text.starts_with("HTTP/1.1 400 "), "{text}");
    let body: ErrorBody = serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body.code, ErrorCode::InvalidRequest);
    assert!(body.message.contains("did not arrive"), "{body:?}");
    world.sign_in("alice", "a1").await;
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_kept_alive_connection_is_closed_after_the_timeout() {
    let options = |s: &mut Settings| s.http.http_header_timeout_secs = Some(1);
    let world = World::start(&[], options, None).await;
    let mut idle = connect(&world).await;
    idle.write_all(b"GET /v1/snapshot HTTP/1.1\r\nhost: gateway\r\n\r\n")
        .await
        .unwrap();
    let received = read_until_closed(&mut idle)
        .await
        .expect("the gateway kept an idle kept-alive connection open");
    let text = String::from_utf8(received).unwrap();
    assert!(text.starts_with("HTTP/1.1 401 "), "{text}");
    assert!(
        !text.contains("connection: close"),
        "the answer was kept alive: {text}"
    );
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tls_handshake_that_never_comes_is_cut_off_after_the_header_timeout() {
    let pki = TestPki::new();
    let options = |s: &mut Settings| {
        s.http.tls_cert = Some(pki.cert_path.clone());
        s.http.tls_key = Some(pki.key_path.clone());
        s.http.http_header_timeout_secs = Some(1);
    };
    let world = World::start(&[], options, Some(&pki.ca_pem)).await;
    let mut silent = connect(&world).await;
    assert!(
        read_until_closed(&mut silent).await.is_some(),
        "the gateway kept a connection without a TLS handshake open"
    );
    assert_eq!(
        metric(&world, "splitline_http_header_timeouts_total").await,
        1
    );
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_cap_refuses_the_surplus_and_serves_again_below_it() {
    let options = |s: &mut Settings| s.http.max_connections = Some(3);
    let world = World::start(&["alice"], options, None).await;
    let alice = world.sign_in("alice", "a1").await;
    // Alice's client keeps its connection alive: one of the three.
    metric_becomes(&world, "splitline_http_connections_open", 1).await;
    let mut slow = Vec::new();
    for _ in 0..2 {
        let mut stream = connect(&world).await;
        stream
            .write_all(b"GET /v1/snapshot HTTP/1.1\r\n")
            .await
            .unwrap();
        slow.push(stream);
    }
    metric_becomes(&world, "splitline_http_connections_open", 3).await;

    // At the cap, a new connection is closed at once, with nothing served.
    let mut surplus = connect(&world).await;
    let _ = surplus
        .write_all(b"GET /v1/snapshot HTTP/1.1\r\nhost: gateway\r\n\r\n")
        .await;
    let received = read_until_closed(&mut surplus)
        .await
        .expect("the surplus connection was kept open");
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(
        metric(&world, "splitline_http_connections_refused_total").await,
        1
    );
    // Alice's open connection is still served.
    let _: Snapshot = alice
        .call::<(), _>(Method::GET, paths::SNAPSHOT, None)
        .await
        .unwrap();

    // Below the cap again, a new connection is served.
    drop(slow.pop());
    metric_becomes(&world, "splitline_http_connections_open", 2).await;
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let _: Snapshot = call::<(), _>(
        &fresh,
        &world.base,
        Method::GET,
        paths::SNAPSHOT,
        Some(&alice.token),
        None,
    )
    .await
    .unwrap();
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn framing_errors_get_the_protocols_json_error_body() {
    let world = World::start(&[], |_| {}, None).await;
    let long_path = format!("/v1/{}", "a".repeat(70_000));
    let many_headers: String = (0..120).map(|i| format!("x-h{i}: v\r\n")).collect();
    let cases = [
        (
            "a malformed request line",
            "NOT HTTP AT ALL\r\n\r\n".to_owned(),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "a malformed header",
            "GET /v1/snapshot HTTP/1.1\r\nhost gateway\r\n\r\n".to_owned(),
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
        ),
        (
            "a too long URI",
            format!("GET {long_path} HTTP/1.1\r\nhost: gateway\r\n\r\n"),
            StatusCode::URI_TOO_LONG,
            ErrorCode::UriTooLong,
        ),
        (
            "too many headers",
            format!("GET /v1/snapshot HTTP/1.1\r\nhost: gateway\r\n{many_headers}\r\n"),
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ErrorCode::HeadersTooLarge,
        ),
    ];
    for (what, request, status, code) in cases {
        let mut stream = connect(&world).await;
        stream.write_all(request.as_bytes()).await.unwrap();
        let received = read_until_closed(&mut stream).await.unwrap();
        let text = String::from_utf8(received).unwrap();
        let (head, body) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("{what}: {text}"));
        assert!(
            head.starts_with(&format!("HTTP/1.1 {} ", status.as_u16())),
            "{what}: {head}"
        );
        assert!(
            head.contains("content-type: application/json"),
            "{what}: {head}"
        );
        let body: ErrorBody =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{what}: {e}: {body:?}"));
        assert_eq!(body.code, code, "{what}");
        assert_eq!(body.code.http_status(), status.as_u16(), "{what}");
    }
    world.shutdown().await;
}
