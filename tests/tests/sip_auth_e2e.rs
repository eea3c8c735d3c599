//! End-to-end: digest authentication (RFC 3261 / RFC 2617 MD5) on the SIP
//! side of the real gateway, with real peers. Towards the trunk: a sipp phone
//! behind the Kamailio trunk challenges the gateway's INVITE (Kamailio relays
//! the 401) and checks the answer. From the trunk: sipp, playing a trunk,
//! answers the gateway's challenge with the right and with a wrong password.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use splitline_e2e::{
    call_net::{
        CALLEE, MOBILE, Net, finish_passed, metric, number, records, start_call, wait_state,
    },
    sip::{Dial, LOOPBACK, Sipp},
};
use splitline_protocol::{CallEndReason, CallState};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_answers_the_trunks_digest_challenge() {
    let mobile = Sipp::start("mobile_challenges").await;
    let net = Net::start(Some(&mobile), None, true, |sip| {
        sip.inbound.sip_trunk_auth_user = Some("gateway".into());
        sip.inbound.sip_trunk_auth_password = Some("s3cret-out".parse().unwrap());
    })
    .await;
    let mut alice = net.world.sign_in("alice", "phone").await;

    let started = start_call(&alice, number(CALLEE)).await.unwrap();
    let reason = wait_state(&mut alice, &started.call_id, CallState::Ended).await;
    // The trunk let the authenticated INVITE through, and the mobile was busy.
    assert_eq!(reason, Some(CallEndReason::YouDidNotAnswer));
    let logs = finish_passed(mobile).await;
    assert!(logs.contains("B: INVITE without credentials"), "{logs}");
    assert!(logs.contains("B: auth valid"), "{logs}");
    assert!(
        !logs.contains("s3cret-out"),
        "the password never travels, only its digest:\n{logs}"
    );
    net.world.shutdown().await;
}

/// A trunk calling Alice straight at the gateway, answering its challenge
/// with `password`.
async fn trunk_calls(net: &Net, password: &str) -> Sipp {
    let args = ["-au", "trunk", "-ap", password];
    Sipp::dial_with(
        "caller_authenticates",
        Dial {
            target: net.kamailio.gateway,
            service: "alice",
            keys: &[("caller", "+442079460777")],
            from_ip: LOOPBACK,
            calls: 1,
            args: &args,
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invites_must_answer_the_gateways_challenge_when_it_is_configured() {
    let mobile = Sipp::start("callee_busy").await;
    let net = Net::start(Some(&mobile), None, true, |sip| {
        sip.inbound.sip_auth_user = Some("trunk".into());
        sip.inbound.sip_auth_password = Some("s3cret-in".parse().unwrap());
    })
    .await;
    let alice = net.world.sign_in("alice", "phone").await;

    // A wrong password: refused, nothing dialled.
    let wrong = finish_passed(trunk_calls(&net, "guess").await).await;
    assert!(wrong.contains("challenged"), "{wrong}");
    assert!(wrong.contains("refused: 403"), "{wrong}");
    assert_eq!(
        metric(&net.world, "splitline_sip_refused_auth_total").await,
        1
    );
    assert!(records(&alice).await.is_empty());

    // The right one: forwarded to the mobile, which is busy.
    let right = finish_passed(trunk_calls(&net, "s3cret-in").await).await;
    assert!(right.contains("challenged"), "{right}");
    assert!(right.contains("refused: 486"), "{right}");
    let mobile = finish_passed(mobile).await;
    assert_eq!(mobile.matches("INVITE offer").count(), 1, "{mobile}");
    let records = records(&alice).await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].mobile, MOBILE);
    net.world.shutdown().await;
}
