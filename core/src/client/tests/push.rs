//! Push registration, `sync_once` and the long-poll's wait, against the
//! fake gateway of the parent module (the gateway's push routes are tested
//! for real in `tests/`; here the core's side of the wire).

use splitline_protocol::{
    PushContent, PushRegistered, PushRegistrationInfo, PushSettings, RoomPush, paths,
};

use super::*;
use crate::push::PushSubscription;

/// The VAPID key the fake gateway hands out.
const VAPID: &str =
    "BDd3_hVL9fZi9Ybo2UUzA284WG5FZR30_95YeZJsiApwXKpNcF1rRPF3foIiBHXRdJI2Qhumhf6_LFTeZaNndIo";

/// Answers a push request like the gateway's routes, and records it.
pub(super) fn answer(
    seen: &Shared,
    request_line: &str,
    path: &str,
    body: &[u8],
    token: Option<&str>,
) -> Option<(&'static str, String)> {
    if !path.starts_with(paths::PUSH) {
        return None;
    }
    let method = request_line.split(' ').next().unwrap_or_default();
    let body = String::from_utf8_lossy(body);
    seen.lock()
        .unwrap()
        .push_requests
        .push(format!("{method} {path} {body} {}", token.unwrap_or("-")).replace("  ", " "));
    Some(match (method, path) {
        ("GET", paths::PUSH) => (
            "200 OK",
            json(&PushSettings {
                vapid_public_key: VAPID.into(),
                registration: Some(PushRegistrationInfo {
                    endpoint_origin: "https://push.example".into(),
                    content: PushContent::Minimal,
                    registered_at_ms: 1,
                }),
            }),
        ),
        ("PUT", paths::PUSH) => (
            "200 OK",
            json(&PushRegistered {
                idle_timeout_secs: 14_400,
            }),
        ),
        _ => ("204 No Content", String::new()),
    })
}

fn subscription() -> PushSubscription {
    PushSubscription {
        endpoint: "https://push.example/up/abc".into(),
        p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM".into(),
        auth: "tBHItJI5svbpez7KI4CCXg".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_requests_go_to_the_contract_paths_with_the_sessions_token() {
    let dir = tempfile::tempdir().unwrap();
    let (client, seen) = online_alice(&dir).await;
    let push = client.push().unwrap();

    let settings = push.settings().await.unwrap();
    assert_eq!(settings.vapid_public_key, VAPID);
    let registration = subscription().registration(PushContent::Minimal).unwrap();
    let registered = push.register(&registration).await.unwrap();
    assert_eq!(registered.idle_timeout_secs, 14_400);
    push.set_room(" room@muc.example.net ", RoomPush::All)
        .await
        .unwrap();
    push.unregister().await.unwrap();

    let auth = "tBHItJI5svbpez7KI4CCXg";
    assert_eq!(
        seen.lock().unwrap().push_requests,
        [
            "GET /v1/push token-1".to_owned(),
            format!(
                r#"PUT /v1/push {{"endpoint":"https://push.example/up/abc","p256dh":"{}","auth":"{auth}","content":"minimal"}} token-1"#,
                registration.p256dh
            ),
            r#"PUT /v1/push/rooms/room@muc.example.net {"notify":"all"} token-1"#.to_owned(),
            "DELETE /v1/push token-1".to_owned(),
        ]
    );
    client.stop().await.unwrap();
}

#[tokio::test]
async fn push_is_offline_before_any_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let client = Client::open(
        dir.path().join("core.db"),
        alice_at("http://127.0.0.1:9".into()),
    )
    .unwrap();
    assert!(matches!(client.push(), Err(ClientError::Offline(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_long_polls_with_the_protocols_longest_wait() {
    let dir = tempfile::tempdir().unwrap();
    let (client, seen) = online_alice(&dir).await;
    until("two live polls", || {
        seen.lock()
            .unwrap()
            .waits
            .iter()
            .filter(|w| **w > 0)
            .count()
            >= 2
    })
    .await;
    client.stop().await.unwrap();
    let waits = seen.lock().unwrap().waits.clone();
    // Catch-up rounds take the events so far (0); every live poll waits 60 s.
    assert!(
        waits.iter().all(|w| *w == 0 || *w == 60),
        "waits: {waits:?}"
    );
    assert_eq!(splitline_protocol::MAX_WAIT_SECS, 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_on_a_stopped_client_signs_in_catches_up_and_never_waits() {
    let (base, seen) = fake_gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::open(dir.path().join("core.db"), alice_at(base)).unwrap();

    let summary = client
        .sync_once(PASSWORD.into(), Duration::from_secs(20))
        .await
        .unwrap();
    assert!(summary.caught_up);
    assert!(summary.chats.is_empty());
    let (sign_ins, waits) = {
        let seen = seen.lock().unwrap();
        (seen.sign_ins, seen.waits.clone())
    };
    assert_eq!(sign_ins, 1);
    assert!(waits.iter().all(|w| *w == 0), "{waits:?}");
    // The session stays for push requests and the engine's next start.
    assert!(client.push().is_ok());
    assert_eq!(
        client.status(),
        Status::Stopped(None),
        "no engine was started"
    );

    client.sign_in(PASSWORD.into()).unwrap();
    client
        .wait_until_online(Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(
        seen.lock().unwrap().sign_ins,
        1,
        "the engine took the session up"
    );
    client.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_beside_the_running_engine_shares_its_session() {
    let dir = tempfile::tempdir().unwrap();
    let (client, seen) = online_alice(&dir).await;
    for _ in 0..3 {
        let summary = client
            .sync_once(PASSWORD.into(), Duration::from_secs(20))
            .await
            .unwrap();
        assert!(summary.caught_up);
    }
    assert_eq!(seen.lock().unwrap().sign_ins, 1, "no second sign-in");
    assert_eq!(client.status(), Status::Online);
    client.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_with_a_refused_password_says_so() {
    let (base, _seen) = fake_gateway().await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::open(dir.path().join("core.db"), alice_at(base)).unwrap();
    let refused = client
        .sync_once("wrong".into(), Duration::from_secs(20))
        .await;
    assert!(matches!(
        refused,
        Err(ClientError::Sync(SyncError::AuthFailed))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_once_without_a_gateway_returns_offline_within_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens there.
    let client = Client::open(
        dir.path().join("core.db"),
        alice_at("http://127.0.0.1:9".into()),
    )
    .unwrap();
    let failed = client
        .sync_once(PASSWORD.into(), Duration::from_millis(800))
        .await;
    let Err(ClientError::Offline(reason)) = failed else {
        panic!("not offline: {failed:?}");
    };
    assert!(reason.contains("cannot reach the gateway"), "{reason}");
}
