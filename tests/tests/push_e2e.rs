//! End-to-end: push wake-ups through real Prosody, the real gateway and the
//! real Web Push test service (npm `web-push-testing`, started by the test).
//! The tests subscribe there with the gateway's VAPID key, as a UnifiedPush
//! distributor would, register that subscription with the gateway, and read
//! back what the service decrypted and verified, so a wrong encryption or
//! VAPID signature fails. One push is also decrypted here by npm `http_ece`,
//! a second implementation, with keys the test made.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{path::Path, time::Duration};

use reqwest::{Method, StatusCode};
use splitline_e2e::{
    desktop::Desktop,
    gateway::{self, Settings},
    jid,
    phone::{Empty, Phone, befriend, call},
    webpush::{Capture, DeviceKeys, PushService, Subscription, push_on, vapid_claims},
    world::{PASSWORD, World},
};
use splitline_protocol::{
    AddContactRequest, Availability, CreateRoomRequest, ErrorCode, Event, PushContent, PushReason,
    PushRegistered, PushRegistration, PushSettings, PushWake, Room, RoomPush, RoomPushRequest,
    SessionEndReason, SignInRequest, SignInResponse, paths,
};
use tokio_xmpp::parsers::presence;

/// The long idle timeout the tests give a session with push.
const PUSH_IDLE_SECS: u64 = 3600;

fn tune(data: &Path, min_interval_ms: u64) -> impl FnOnce(&mut Settings) {
    push_on(data, min_interval_ms, PUSH_IDLE_SECS)
}

async fn push_settings(phone: &Phone) -> PushSettings {
    phone
        .call::<(), _>(Method::GET, paths::PUSH, None)
        .await
        .unwrap()
}

async fn register(
    phone: &Phone,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
) -> Result<PushRegistered, (StatusCode, splitline_protocol::ErrorBody)> {
    let registration = PushRegistration {
        endpoint: endpoint.to_owned(),
        p256dh: p256dh.to_owned(),
        auth: auth.to_owned(),
        content: PushContent::Minimal,
    };
    phone
        .call(Method::PUT, paths::PUSH, Some(&registration))
        .await
}

/// Subscribes at the service with the gateway's VAPID key and registers that
/// subscription for `phone`'s device.
async fn subscribe(service: &PushService, phone: &Phone) -> Subscription {
    let vapid = push_settings(phone).await.vapid_public_key;
    let subscription = service.subscribe(&vapid).await;
    let registered = register(
        phone,
        &subscription.endpoint,
        &subscription.keys.p256dh,
        &subscription.keys.auth,
    )
    .await
    .unwrap();
    assert_eq!(registered.idle_timeout_secs, PUSH_IDLE_SECS);
    subscription
}

/// What [`woken`] starts: the data directory, the push service, the world,
/// alice's phone and her subscription.
type Woken = (tempfile::TempDir, PushService, World, Phone, Subscription);

/// A push service, and a world whose alice signed in from `phone` and
/// registered a subscription made there.
async fn woken(min_interval_ms: u64, tune_more: impl FnOnce(&mut Settings)) -> Woken {
    let data = tempfile::tempdir().unwrap();
    let service = PushService::start().await;
    let tuned = tune(data.path(), min_interval_ms);
    let world = World::start(
        &["alice", "bob"],
        |settings| {
            tuned(settings);
            tune_more(settings);
        },
        None,
    )
    .await;
    let alice = world.sign_in("alice", "phone").await;
    let subscription = subscribe(&service, &alice).await;
    (data, service, world, alice, subscription)
}

fn wakes(raw: &[String]) -> Vec<PushWake> {
    raw.iter()
        .map(|text| {
            serde_json::from_str(text).unwrap_or_else(|e| panic!("not a PushWake ({e}): {text}"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_while_not_polling_wakes_the_phone_once_without_its_text() {
    let (_data, service, world, alice, subscription) = woken(1000, |_| {}).await;
    let info = push_settings(&alice).await.registration.unwrap();
    assert_eq!(
        info.endpoint_origin,
        format!("http://localhost:{}", service.port)
    );
    assert_eq!(info.content, PushContent::Minimal);

    // Alice's phone sleeps: nothing polls. Bob writes from a desktop client.
    let bob = Desktop::connect(jid!("bob", "laptop"), PASSWORD, world.xmpp.port()).await;
    bob.send_chat(jid!("alice"), "m1", "the secret text").await;
    let got = service.wait_for(&subscription, 1).await;
    let wake = &wakes(&got)[0];
    assert_eq!(wake.v, 1);
    assert_eq!(wake.reason, PushReason::Message);
    assert_eq!(wake.counts.messages, 1);
    assert!(wake.messages.is_empty());
    assert!(!got[0].contains("secret"), "no text by default: {}", got[0]);
    // Past the coalescing interval with nothing new: still one push.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(service.notifications(&subscription).await.len(), 1);

    // The phone signs off: it is told by push.
    alice.post_empty::<()>(paths::SIGN_OFF, None).await.unwrap();
    let got = service.wait_for(&subscription, 2).await;
    assert_eq!(wakes(&got)[1].reason, PushReason::SessionEnded);
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_decrypts_with_a_second_implementation_and_carries_urgency_ttl_and_vapid() {
    let data = tempfile::tempdir().unwrap();
    let world = World::start(&["alice", "bob"], tune(data.path(), 1000), None).await;
    let alice = world.sign_in("alice", "tablet").await;
    let vapid = push_settings(&alice).await.vapid_public_key;
    let keys = DeviceKeys::generate();
    let capture = Capture::start().await;
    let endpoint = format!("http://127.0.0.1:{}/push/tablet-1", capture.port);
    register(&alice, &endpoint, &keys.p256dh, &keys.auth)
        .await
        .unwrap();

    let bob = Desktop::connect(jid!("bob", "laptop"), PASSWORD, world.xmpp.port()).await;
    bob.send_chat(jid!("alice"), "m1", "hello").await;
    let push = capture.first().await;
    assert_eq!(push.header("content-encoding"), Some("aes128gcm"));
    assert_eq!(push.header("urgency"), Some("normal"));
    assert_eq!(push.header("ttl"), Some("86400"));
    let authorization = push.header("authorization").unwrap();
    assert!(authorization.starts_with("vapid t="), "{authorization}");
    assert!(
        authorization.ends_with(&format!(", k={vapid}")),
        "{authorization}"
    );
    let claims = vapid_claims(authorization);
    assert_eq!(claims["aud"], format!("http://127.0.0.1:{}", capture.port));
    assert_eq!(
        claims["sub"],
        format!("mailto:push@{}", splitline_e2e::DOMAIN)
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let exp = claims["exp"].as_u64().unwrap();
    assert!(exp > now && exp <= now + 24 * 3600, "exp {exp}, now {now}");
    let plain = keys.decrypt(&push.body);
    let wake: PushWake = serde_json::from_slice(&plain).unwrap();
    assert_eq!(wake.reason, PushReason::Message);
    assert_eq!(wake.counts.messages, 1);
    assert!(wake.messages.is_empty());
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_100_messages_becomes_a_few_pushes_and_the_last_counts_them_all() {
    // Bob is not Alice's contact: let a stranger send all 100 in the minute.
    let (_data, service, world, _alice, subscription) = woken(3000, |settings| {
        settings.sessions.stranger_messages_per_minute = Some(1000);
    })
    .await;
    let bob = Desktop::connect(jid!("bob", "laptop"), PASSWORD, world.xmpp.port()).await;
    for n in 0..100 {
        bob.send_chat(jid!("alice"), &format!("m{n}"), &format!("message {n}"))
            .await;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let all = loop {
        let got = wakes(&service.notifications(&subscription).await);
        if got.last().is_some_and(|w| w.counts.messages == 100) {
            break got;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no push counted all 100: {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    println!("a burst of 100 messages became {} pushes", all.len());
    assert!(all.len() <= 5, "a burst became {} pushes", all.len());
    assert!(
        all.windows(2)
            .all(|w| w[0].counts.messages < w[1].counts.messages),
        "{all:?}"
    );
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_subscription_loses_its_registration() {
    let (_data, service, world, alice, subscription) = woken(200, |_| {}).await;
    service.expire(&subscription).await;
    let bob = Desktop::connect(jid!("bob", "laptop"), PASSWORD, world.xmpp.port()).await;
    bob.send_chat(jid!("alice"), "m1", "hi").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while push_settings(&alice).await.registration.is_some() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the 410 did not remove the registration"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(service.notifications(&subscription).await.is_empty());
    let metrics = world.metrics().await;
    assert!(
        metrics.contains("splitline_push_registrations_gone_total 1\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("splitline_pushes_sent_total 0\n"),
        "{metrics}"
    );
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_inside_and_malformed_keys_are_refused() {
    let data = tempfile::tempdir().unwrap();
    let world = World::start(&["alice"], tune(data.path(), 1000), None).await;
    let alice = world.sign_in("alice", "phone").await;
    let keys = DeviceKeys::generate();
    for inside in [
        "https://10.0.0.1/push",
        "https://169.254.169.254/latest",
        "https://[fd00::1]/push",
    ] {
        let (status, body) = register(&alice, inside, &keys.p256dh, &keys.auth)
            .await
            .unwrap_err();
        assert_eq!(
            (status, body.code),
            (StatusCode::FORBIDDEN, ErrorCode::DestinationNotAllowed),
            "{inside}"
        );
    }
    for (endpoint, p256dh, auth) in [
        (
            "http://push.example.org/x",
            keys.p256dh.as_str(),
            keys.auth.as_str(),
        ),
        ("ftp://127.0.0.1/x", &keys.p256dh, &keys.auth),
        ("http://127.0.0.1:9/x", "BAAA", &keys.auth),
        ("http://127.0.0.1:9/x", &keys.p256dh, "QUFB"),
    ] {
        let (status, body) = register(&alice, endpoint, p256dh, auth).await.unwrap_err();
        assert_eq!(
            (status, body.code),
            (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest),
            "{endpoint} {p256dh} {auth}"
        );
    }
    let long = format!(
        "http://127.0.0.1:9/{}",
        "a".repeat(splitline_protocol::MAX_ENDPOINT_CHARS)
    );
    assert_eq!(
        register(&alice, &long, &keys.p256dh, &keys.auth)
            .await
            .unwrap_err()
            .0,
        StatusCode::BAD_REQUEST
    );
    assert!(push_settings(&alice).await.registration.is_none());
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_push_a_session_outlives_the_idle_timeout_that_ends_one_without() {
    let data = tempfile::tempdir().unwrap();
    let world = World::start(
        &["alice", "bob", "carol"],
        |settings| {
            tune(data.path(), 1000)(settings);
            settings.sessions.idle_timeout_secs = Some(3);
        },
        None,
    )
    .await;
    let mut alice = world.sign_in("alice", "phone").await;
    let mut bob = world.sign_in("bob", "phone").await;
    befriend(&mut alice, &mut bob).await;
    bob.post_empty::<()>(paths::SIGN_OFF, None).await.unwrap();
    let capture = Capture::start().await;
    let keys = DeviceKeys::generate();
    let endpoint = format!("http://127.0.0.1:{}/push/alice", capture.port);
    let registered = register(&alice, &endpoint, &keys.p256dh, &keys.auth)
        .await
        .unwrap();
    assert_eq!(registered.idle_timeout_secs, PUSH_IDLE_SECS);
    alice
        .set_presence(Availability::Away, Some("asleep"))
        .await
        .unwrap();
    let carol = world.sign_in("carol", "phone").await;
    // Both phones fall silent, past the short timeout.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let (status, body) = carol
        .call::<(), Empty>(Method::GET, paths::PUSH, None)
        .await
        .unwrap_err();
    assert_eq!(
        (status, body.reason),
        (
            StatusCode::UNAUTHORIZED,
            Some(SessionEndReason::IdleTimeout)
        )
    );
    // Bob, on a desktop now, still sees Alice as she chose: away, not offline.
    let mut desk = Desktop::connect(jid!("bob", "desk"), PASSWORD, world.xmpp.port()).await;
    desk.expect_presence("alice away", |p| {
        p.type_ == presence::Type::None
            && p.show == Some(presence::Show::Away)
            && p.from
                .as_ref()
                .is_some_and(|f| f.to_bare().to_string() == jid!("alice"))
    })
    .await;
    assert!(
        push_settings(&alice).await.registration.is_some(),
        "alice's session lives on"
    );
    assert!(
        capture.got.lock().await.is_empty(),
        "no session ended, so no push"
    );
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_restart_keeps_the_registration_for_the_next_sign_in() {
    let (data, service, world, alice, subscription) = woken(200, |_| {}).await;
    let before = push_settings(&alice).await;
    let World {
        xmpp,
        gateway,
        http,
        ..
    } = world;
    gateway.shutdown().await;

    let gateway = gateway::start(xmpp.port(), tune(data.path(), 200)).await;
    let base = gateway::base_url(&gateway);
    // The same device signs in again: its registration applies at once.
    let request = SignInRequest {
        jid: jid("alice"),
        password: PASSWORD.to_owned(),
        device_id: "phone".to_owned(),
        build_id: "e2e-test".to_owned(),
    };
    let signed_in: SignInResponse = call(
        &http,
        &base,
        Method::POST,
        paths::SIGN_IN,
        None,
        Some(&request),
    )
    .await
    .unwrap();
    assert_eq!(signed_in.idle_timeout_secs, PUSH_IDLE_SECS);
    let alice = Phone::sign_in(&http, &base, &jid("alice"), PASSWORD, "phone")
        .await
        .unwrap();
    let after = push_settings(&alice).await;
    assert_eq!(
        after.vapid_public_key, before.vapid_public_key,
        "the VAPID key is kept"
    );
    assert_eq!(after.registration, before.registration);
    let pushes_before = service.notifications(&subscription).await.len();
    let bob = Desktop::connect(jid!("bob", "laptop"), PASSWORD, xmpp.port()).await;
    bob.send_chat(jid!("alice"), "m1", "after the restart")
        .await;
    let got = service.wait_for(&subscription, pushes_before + 1).await;
    assert!(wakes(&got).iter().any(|w| w.reason == PushReason::Message));
    // Another device of the same account has no registration.
    let tablet = Phone::sign_in(&http, &base, &jid("alice"), PASSWORD, "tablet")
        .await
        .unwrap();
    assert!(push_settings(&tablet).await.registration.is_none());
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rooms_setting_is_checked_and_push_is_off_without_a_data_directory() {
    let data = tempfile::tempdir().unwrap();
    let world = World::start(&["alice"], tune(data.path(), 1000), None).await;
    let alice = world.sign_in("alice", "phone").await;
    let room = paths::PUSH_ROOM.replace("{room}", "team@conference.localhost");
    let all = RoomPushRequest {
        notify: RoomPush::All,
    };
    alice
        .call::<_, Empty>(Method::PUT, &room, Some(&all))
        .await
        .unwrap();
    let not_a_room = paths::PUSH_ROOM.replace("{room}", "not%20a%20room");
    let (status, body) = alice
        .call::<_, Empty>(Method::PUT, &not_a_room, Some(&all))
        .await
        .unwrap_err();
    assert_eq!(
        (status, body.code),
        (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest)
    );
    world.shutdown().await;

    let world = World::start(&["alice"], |_| {}, None).await;
    let alice = world.sign_in("alice", "phone").await;
    let (status, body) = alice
        .call::<(), PushSettings>(Method::GET, paths::PUSH, None)
        .await
        .unwrap_err();
    assert_eq!(
        (status, body.code),
        (StatusCode::NOT_FOUND, ErrorCode::NotFound)
    );
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_message_wakes_by_the_rooms_setting() {
    let data = tempfile::tempdir().unwrap();
    let service = PushService::start().await;
    let world = World::start(&["alice", "bob"], tune(data.path(), 200), None).await;
    let mut alice = world.sign_in("alice", "phone").await;
    let mut bob = world.sign_in("bob", "phone").await;
    befriend(&mut alice, &mut bob).await;
    let request = CreateRoomRequest {
        name: "Team".into(),
        members: vec![jid!("bob").to_owned()],
    };
    let room: Room = alice
        .call(Method::POST, paths::ROOMS, Some(&request))
        .await
        .unwrap();
    for phone in [&mut alice, &mut bob] {
        phone
            .wait_for(
                "the room joined",
                |e| matches!(e, Event::RoomJoined { room: r } if r.jid == room.jid),
            )
            .await;
    }
    // From here Alice's phone sleeps with push, the room at its default.
    let subscription = subscribe(&service, &alice).await;
    bob.send("b-1", &room.jid, "lunch, anyone?").await.unwrap();
    bob.send("b-2", &room.jid, "Alice: lunch?").await.unwrap();
    let got = wakes(&service.wait_for(&subscription, 1).await);
    assert_eq!(got[0].reason, PushReason::RoomMessage);
    assert_eq!(
        got[0].counts.room_messages, 1,
        "only the mention counts: {got:?}"
    );

    let all = RoomPushRequest {
        notify: RoomPush::All,
    };
    let setting = paths::PUSH_ROOM.replace("{room}", &room.jid);
    alice
        .call::<_, Empty>(Method::PUT, &setting, Some(&all))
        .await
        .unwrap();
    bob.send("b-3", &room.jid, "the usual place").await.unwrap();
    let got = wakes(&service.wait_for(&subscription, 2).await);
    assert_eq!(got[1].counts.room_messages, 2, "{got:?}");
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_request_wakes_the_phone() {
    let (_data, service, world, _alice, subscription) = woken(200, |_| {}).await;
    let bob = world.sign_in("bob", "phone").await;
    let request = AddContactRequest {
        jid: jid!("alice").to_owned(),
        name: None,
    };
    bob.post_empty(paths::CONTACTS, Some(&request))
        .await
        .unwrap();
    let got = wakes(&service.wait_for(&subscription, 1).await);
    assert_eq!(got[0].reason, PushReason::ContactRequest);
    assert_eq!(got[0].counts.contact_requests, 1);
    world.shutdown().await;
}
