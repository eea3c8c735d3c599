//! End-to-end benchmark of the core catching up after a long absence: 10,000
//! messages missed across 50 rooms, read from the rooms' archives through the
//! gateway, with Prosody and the gateway on loopback and the core's real
//! SQLite store.
//!
//! Reports, over several runs (each on a fresh world): the time from starting
//! the client to online (sign-in is not held up by the backlog), and from
//! starting the client to all 10,000 messages stored.
//!
//! Run with `cargo bench -p splitline-e2e --bench room_catch_up`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use splitline_e2e::{
    app::signed_in,
    desktop::{Desktop, body},
    jid,
    world::{PASSWORD as PW, World},
};

const ROOMS: usize = 50;
const PER_ROOM: usize = 200;
const RUNS: usize = 3;

struct Run {
    online: Duration,
    caught_up: Duration,
}

async fn run() -> Run {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("alice.db");
    let alice = signed_in(&world.base, &store, "alice", "phone").await;
    let admin = alice.room_admin().unwrap();
    let mut rooms = Vec::new();
    for n in 0..ROOMS {
        let room = admin
            .create_room(&format!("Room {n}"), &[jid!("bob").to_owned()])
            .await
            .unwrap();
        rooms.push(room.jid);
    }
    while alice.rooms().unwrap().len() < ROOMS {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    alice.sign_off().await.unwrap();

    let mut bob = Desktop::connect(jid!("bob", "desk"), PW, world.xmpp.port()).await;
    for room in &rooms {
        bob.join_room(room).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for n in 0..PER_ROOM {
        for room in &rooms {
            bob.send_groupchat(
                room,
                &format!("b-{n}"),
                &format!("message {n} of the backlog"),
            )
            .await;
        }
    }
    let last = format!("message {} of the backlog", PER_ROOM - 1);
    for _ in &rooms {
        bob.expect_message("the last post reflected", |m| body(m) == last)
            .await;
    }

    let started = Instant::now();
    let alice = signed_in(&world.base, &store, "alice", "phone").await;
    let online = started.elapsed();
    loop {
        let stored: usize = rooms
            .iter()
            .map(|r| alice.messages(r, None, 1_000).unwrap().len())
            .sum();
        if stored == ROOMS * PER_ROOM {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "only {stored} messages after 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let caught_up = started.elapsed();
    alice.stop().await.unwrap();
    world.shutdown().await;
    Run { online, caught_up }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let runs: Vec<Run> = (0..RUNS).map(|_| runtime.block_on(run())).collect();
    let total = ROOMS * PER_ROOM;
    for (n, r) in runs.iter().enumerate() {
        println!(
            "run {n}: online after {:.0?}, {total} messages in {ROOMS} rooms caught up after {:.2?}",
            r.online, r.caught_up
        );
    }
    println!(
        "median: online after {:.0?}; caught up {total} messages across {ROOMS} rooms in {:.2?}",
        median(runs.iter().map(|r| r.online).collect()),
        median(runs.iter().map(|r| r.caught_up).collect()),
    );
}
