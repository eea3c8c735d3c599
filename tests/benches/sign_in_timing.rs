//! Benchmark: does the time of a refused sign-in tell whether the account
//! exists? Against real Prosody, it times refused sign-ins of an existing
//! account (wrong password) and of an account that does not exist, first with
//! no refusal floor (what the network alone takes), then with the gateway's
//! default floor. The guess limits are raised out of the way.
//!
//! Run with `cargo bench -p splitline-e2e --bench sign_in_timing`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use splitline_e2e::{jid, world::World};

const TRIES: usize = 40;

fn report(name: &str, mut values: Vec<Duration>) {
    values.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: median {:.2} ms, p90 {:.2} ms, min {:.2} ms, max {:.2} ms ({} tries)",
        ms(values[values.len() / 2]),
        ms(values[values.len() * 9 / 10]),
        ms(values[0]),
        ms(values[values.len() - 1]),
        values.len()
    );
}

async fn time_refusals(world: &World, jid: &str) -> Vec<Duration> {
    let mut times = Vec::with_capacity(TRIES);
    for n in 0..TRIES {
        let started = Instant::now();
        world
            .refused_sign_in(jid, "wrong-password", &format!("bench-{n}"))
            .await;
        times.push(started.elapsed());
    }
    times
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    for floor_ms in [Some(0), None] {
        let world = World::start(
            &["alice"],
            |s| {
                s.sessions.sign_in_failures = Some(10_000);
                s.sessions.sign_in_failures_per_address = Some(10_000);
                s.sessions.sign_in_guesses_per_sec = Some(10_000);
                s.sessions.sign_in_refusal_floor_ms = floor_ms;
            },
            None,
        )
        .await;
        let label = floor_ms.map_or("default floor".to_owned(), |ms| format!("floor {ms} ms"));
        // A first round, so that connection set-up is not measured.
        time_refusals(&world, &jid("nobody")).await;
        report(
            &format!("{label}: existing account, wrong password"),
            time_refusals(&world, &jid("alice")).await,
        );
        report(
            &format!("{label}: unknown account"),
            time_refusals(&world, &jid("nobody")).await,
        );
        world.shutdown().await;
    }
}
