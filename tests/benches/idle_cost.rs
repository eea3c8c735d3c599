//! What an idle, signed-in phone costs on its link, with push and without,
//! and how long a contact's message takes to reach the phone by push.
//! Real Prosody, the real gateway and the real Web Push test service (npm
//! `web-push-testing`) on loopback; the phone is the core itself, pointed at
//! a metered proxy in front of the gateway (`splitline_e2e::link_meter`),
//! which counts requests and bytes each way.
//!
//! - Without push the engine long-polls, each poll waiting the protocol's
//!   longest (60 s).
//! - With push the phone sleeps (its engine stops) and the gateway keeps the
//!   session; the link carries nothing until a push wakes it. The
//!   distributor's own connection is its cost, not measured here (no
//!   distributor runs on this machine).
//! - Latency: bob writes from a desktop client; the time until the push
//!   service has the push, and until `sync_once`, run then, has the message
//!   in the store.
//!
//! The link is plain HTTP on loopback; over TLS each request and answer
//! also carries its records' overhead. Run with
//! `cargo bench -p splitline-e2e --bench idle_cost` (IDLE_SECS, default 300,
//! is how long each idle case is measured; the figures are scaled to an hour).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use splitline_core::client::Client;
use splitline_e2e::{
    app,
    desktop::Desktop,
    gateway, jid,
    link_meter::LinkMeter,
    webpush::{PushService, push_on},
    world::PASSWORD,
    xmpp_server,
};

/// Messages for the latency figure.
const MESSAGES: usize = 10;

fn per_hour(count: u64, over: Duration) -> f64 {
    count as f64 * 3600.0 / over.as_secs_f64()
}

fn report(case: &str, meter: &LinkMeter, over: Duration) {
    let used = meter.usage();
    println!(
        "{case}: {:.0} requests/h, {:.0} B/h ({:.0} up, {:.0} down), {:.0} connections/h, measured over {} s",
        per_hour(used.requests, over),
        per_hour(used.up_bytes + used.down_bytes, over),
        per_hour(used.up_bytes, over),
        per_hour(used.down_bytes, over),
        per_hour(used.connections, over),
        over.as_secs()
    );
}

fn percentile(values: &mut [Duration], pct: usize) -> f64 {
    values.sort();
    values[(values.len() * pct / 100).min(values.len() - 1)].as_secs_f64() * 1000.0
}

/// The number of bob's messages in `phone`'s store.
fn from_bob(phone: &Client) -> usize {
    phone
        .messages(jid!("bob"), None, 1000)
        .unwrap()
        .iter()
        .filter(|m| !m.outgoing)
        .count()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let idle = Duration::from_secs(
        std::env::var("IDLE_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(300),
    );
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let data = tempfile::tempdir().unwrap();
    // The long idle timeout outlasts the idle cases.
    let gateway = gateway::start(xmpp.port(), push_on(data.path(), 1000, 6 * 3600)).await;
    assert!(!gateway.tls, "the meter counts request lines: plain HTTP");
    let meter = LinkMeter::start(gateway.addr).await;
    let dir = tempfile::tempdir().unwrap();
    let alice = app::signed_in(&meter.url, &dir.path().join("alice.db"), "alice", "phone").await;

    // Without push: the engine long-polls.
    tokio::time::sleep(Duration::from_secs(2)).await;
    meter.reset();
    let started = Instant::now();
    tokio::time::sleep(idle).await;
    report(
        "idle, no push (long-poll, wait 60 s)",
        &meter,
        started.elapsed(),
    );

    // With push: registered, then asleep.
    let service = PushService::start().await;
    let (subscription, _) = service.subscribe_core(&alice).await;
    alice.stop().await.unwrap();
    meter.reset();
    let started = Instant::now();
    tokio::time::sleep(idle).await;
    report("idle, push (asleep)", &meter, started.elapsed());
    println!(
        "idle, push: {} pushes while idle",
        service.notifications(&subscription).await.len()
    );

    // A contact writes: to the push, and to the message stored by sync_once.
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let (mut to_push, mut to_store) = (Vec::new(), Vec::new());
    meter.reset();
    for n in 0..MESSAGES {
        let pushes = service.notifications(&subscription).await.len();
        let stored = from_bob(&alice);
        let sent = Instant::now();
        bob.send_chat(jid!("alice"), &format!("late-{n}"), "are you there?")
            .await;
        service.wait_for(&subscription, pushes + 1).await;
        to_push.push(sent.elapsed());
        while from_bob(&alice) == stored {
            alice
                .sync_once(PASSWORD.into(), Duration::from_secs(10))
                .await
                .unwrap();
        }
        to_store.push(sent.elapsed());
        // Past the coalescing interval, so the next message pushes again.
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    let used = meter.usage();
    println!(
        "message -> push at the service: median {:.0} ms, p90 {:.0} ms ({MESSAGES} messages)",
        percentile(&mut to_push, 50),
        percentile(&mut to_push, 90)
    );
    println!(
        "message -> in the store by sync_once: median {:.0} ms, p90 {:.0} ms; each wake-up cost {:.1} requests and {:.0} B on the link",
        percentile(&mut to_store, 50),
        percentile(&mut to_store, 90),
        used.requests as f64 / MESSAGES as f64,
        (used.up_bytes + used.down_bytes) as f64 / MESSAGES as f64
    );
    gateway.shutdown().await;
}
