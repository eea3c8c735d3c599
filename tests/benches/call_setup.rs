//! Benchmark of the gateway's own share of call setup, over real SIP: sipp
//! plays the user's mobile and the callee behind Kamailio as the trunk, on
//! loopback. For each callback the gateway measures:
//! - from the HTTP request to the mobile's INVITE handed to the socket;
//! - from the mobile's answer (its 200) to the callee's INVITE handed to the socket;
//! - from the callee's answer (its 200) to both ACKs sent: the bridge.
//!
//! Run with `cargo bench -p splitline-e2e --bench call_setup`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use splitline_e2e::{
    call_net::{CALLEE, Net, number, start_call, wait_state},
    sip::Sipp,
};
use splitline_protocol::{CallState, paths};

const CALLS: u32 = 30;

fn report(name: &str, mut values: Vec<Duration>) {
    values.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = values[values.len() / 2];
    let p90 = values[values.len() * 9 / 10];
    println!(
        "{name}: median {:.3} ms, p90 {:.3} ms, min {:.3} ms, max {:.3} ms ({} calls)",
        ms(median),
        ms(p90),
        ms(values[0]),
        ms(values[values.len() - 1]),
        values.len()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mobile = Sipp::start_calls("mobile_answers", CALLS).await;
    let callee = Sipp::start_calls("callee_answers", CALLS).await;
    let net = Net::start(Some(&mobile), Some(&callee), true, |o| {
        o.calls_per_account_per_hour = Some(CALLS + 1);
    })
    .await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    for _ in 0..CALLS {
        let started = start_call(&alice, number(CALLEE)).await.unwrap();
        wait_state(&mut alice, &started.call_id, CallState::Answered).await;
        alice
            .delete(&paths::CALL.replace("{call_id}", &started.call_id))
            .await
            .unwrap();
        wait_state(&mut alice, &started.call_id, CallState::Ended).await;
    }
    let timings = net.world.gateway.calls.as_ref().unwrap().setup_timings();
    assert_eq!(timings.len(), CALLS as usize);
    report(
        "request -> mobile INVITE",
        timings.iter().map(|t| t.request_to_invite).collect(),
    );
    report(
        "mobile answer -> callee INVITE",
        timings
            .iter()
            .filter_map(|t| t.answer_to_callee_invite)
            .collect(),
    );
    report(
        "callee answer -> bridge (both ACKs)",
        timings
            .iter()
            .filter_map(|t| t.callee_answer_to_bridge)
            .collect(),
    );
    net.world.shutdown().await;
    let mobile = mobile.finish(Duration::from_secs(30)).await;
    assert!(mobile.passed, "{}", mobile.logs);
    let callee = callee.finish(Duration::from_secs(30)).await;
    assert!(callee.passed, "{}", callee.logs);
}
