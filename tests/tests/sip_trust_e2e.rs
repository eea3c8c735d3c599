//! End-to-end: what the real gateway takes from the SIP side, with real
//! peers. sipp plays a stranger sending INVITEs straight to the gateway from
//! an address that is no trunk or registrar (127.0.0.2), a caller behind the
//! Kamailio trunk whose `From:` is forged, and a caller ringing one user in a
//! loop; sipp behind the trunk plays the user's mobile and the callee, so the
//! tests see whether anything was dialled.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use splitline_e2e::{
    call_net::{
        ACCESS, CALLEE, MOBILE, Net, finish_passed, metric, number, records, reserve, wait_state,
    },
    sip::{Dial, LOOPBACK, Sipp},
};
use splitline_protocol::{CallEndReason, CallRoute, CallState, Event, paths};

/// An address of no trunk or registrar (Linux routes all of 127.0.0.0/8).
const STRANGER_IP: &str = "127.0.0.2";
/// Another mobile than Alice's.
const OTHER_MOBILE: &str = "+447400999888";

/// A `caller_asserted` call to `service` through the trunk: `From:` says
/// `caller` and `name`, P-Asserted-Identity says `asserted`.
async fn through_trunk(net: &Net, service: &str, caller: &str, name: &str, asserted: &str) -> Sipp {
    let keys = [("caller", caller), ("name", name), ("asserted", asserted)];
    let dial = Dial {
        target: net.kamailio.trunk,
        service,
        keys: &keys,
        from_ip: LOOPBACK,
        calls: 1,
        args: &[],
    };
    Sipp::dial_with("caller_asserted", dial).await
}

/// How many INVITEs a sipp phone behind the trunk received.
fn invites(logs: &str) -> usize {
    logs.matches("INVITE offer").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_from_outside_the_trunk_and_registrar_is_refused_and_dials_nothing() {
    let mobile = Sipp::start("callee_answers").await;
    let callee = Sipp::start("callee_answers").await;
    let net = Net::start(Some(&mobile), Some(&callee), true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    // A reservation a forged caller id could claim.
    let started = reserve(&alice, number(CALLEE), ACCESS).await.unwrap();
    wait_state(&mut alice, &started.call_id, CallState::AwaitingDial).await;

    // Straight to the gateway, from Alice's own mobile number: once to ring
    // her mobile, once to claim her call-through.
    for service in ["alice", ACCESS] {
        let stranger = Sipp::dial_with(
            "caller_refused",
            Dial {
                target: net.kamailio.gateway,
                service,
                keys: &[("caller", MOBILE)],
                from_ip: STRANGER_IP,
                calls: 1,
                args: &[],
            },
        )
        .await;
        let logs = finish_passed(stranger).await;
        assert!(logs.contains("refused: 403"), "{logs}");
    }
    assert_eq!(
        metric(&net.world, "splitline_sip_refused_source_total").await,
        2
    );

    // Nothing went to the trunk: neither phone behind it rang.
    let kamailio = net.kamailio.log();
    for dialled in [MOBILE, CALLEE] {
        assert!(
            !kamailio.contains(&format!("REQ INVITE sip:{dialled}@")),
            "the trunk got an INVITE for {dialled}:\n{kamailio}"
        );
    }
    let mobile = mobile.finish(Duration::from_millis(300)).await;
    assert_eq!(invites(&mobile.logs), 0, "{}", mobile.logs);
    let callee = callee.finish(Duration::from_millis(300)).await;
    assert_eq!(invites(&callee.logs), 0, "{}", callee.logs);

    // The reservation is still there, untouched, until the app cancels it.
    alice
        .delete(&paths::CALL.replace("{call_id}", &started.call_id))
        .await
        .unwrap();
    let reason = wait_state(&mut alice, &started.call_id, CallState::Ended).await;
    assert_eq!(reason, Some(CallEndReason::Cancelled));
    let records = records(&alice).await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].route, CallRoute::CallThrough);
    assert!(
        !alice
            .seen
            .iter()
            .any(|e| matches!(e, Event::CallIncoming { .. })),
        "no incoming call was announced: {:?}",
        alice.seen
    );
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_trusted_trunk_only_the_asserted_identity_claims_a_call_through() {
    let callee = Sipp::start("callee_answers").await;
    let net = Net::start(None, Some(&callee), true, |sip| {
        sip.inbound.sip_trusted_sources = Some(vec![LOOPBACK.into()]);
    })
    .await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    let started = reserve(&alice, number(CALLEE), ACCESS).await.unwrap();
    wait_state(&mut alice, &started.call_id, CallState::AwaitingDial).await;

    // Through the trunk, `From:` forged to Alice's mobile; the trunk asserts
    // the real caller.
    let forged = through_trunk(&net, ACCESS, MOBILE, "Alice", OTHER_MOBILE).await;
    let logs = finish_passed(forged).await;
    assert!(logs.contains("refused: 403"), "{logs}");

    // Alice's mobile, asserted by the trunk, claims it (whatever its From: says).
    let genuine = through_trunk(&net, ACCESS, OTHER_MOBILE, "Alice", MOBILE).await;
    let reason = wait_state(&mut alice, &started.call_id, CallState::Ended).await;
    assert_eq!(reason, Some(CallEndReason::YouHungUp));
    let logs = finish_passed(genuine).await;
    assert!(logs.contains("caller: answered"), "{logs}");

    let callee = finish_passed(callee).await;
    assert_eq!(
        invites(&callee),
        1,
        "only the genuine call was dialled:\n{callee}"
    );
    let records = records(&alice).await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].mobile, MOBILE);
    assert!(records[0].answered_ms.is_some());
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_ringing_a_user_in_a_loop_is_cut_after_the_limit() {
    const CALLS: u32 = 25;
    let mobile = Sipp::start_calls("callee_busy", CALLS).await;
    // The default limit: 5 forwarded calls per user per 10 minutes.
    let net = Net::start(Some(&mobile), None, true, |_| {}).await;
    let alice = net.world.sign_in("alice", "phone").await;

    let stranger = Sipp::dial_with(
        "caller_refused",
        Dial {
            target: net.kamailio.registrar,
            service: "alice",
            keys: &[("caller", "stranger")],
            from_ip: LOOPBACK,
            calls: CALLS,
            args: &[],
        },
    )
    .await;
    let logs = finish_passed(stranger).await;
    // Every call is refused busy: the first five by the mobile, the rest by
    // the gateway without ringing it.
    assert_eq!(logs.matches("refused: 486").count(), 25, "{logs}");
    let mobile = mobile.finish(Duration::from_millis(300)).await;
    assert_eq!(invites(&mobile.logs), 5, "{}", mobile.logs);
    assert_eq!(
        metric(&net.world, "splitline_sip_incoming_rate_limited_total").await,
        20
    );
    let records = records(&alice).await;
    assert_eq!(records.len(), 5, "{records:?}");
    assert!(records.iter().all(|r| r.route == CallRoute::Incoming));
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callers_display_name_is_cut_and_flagged_unverified() {
    let mobile = Sipp::start("callee_busy").await;
    let net = Net::start(Some(&mobile), None, true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;

    // A long name with a right-to-left override, and an identity "asserted"
    // by a source nobody trusts.
    let name = format!("FREE PRIZE call now {}\u{202e}gnp.exe", "x".repeat(80));
    let keys = [
        ("caller", "carol"),
        ("name", name.as_str()),
        ("asserted", MOBILE),
    ];
    let caller = Sipp::dial_with(
        "caller_asserted",
        Dial {
            target: net.kamailio.registrar,
            service: "alice",
            keys: &keys,
            from_ip: LOOPBACK,
            calls: 1,
            args: &[],
        },
    )
    .await;
    let incoming = alice
        .wait_for("an incoming call", |e| {
            matches!(e, Event::CallIncoming { .. })
        })
        .await;
    let Event::CallIncoming {
        caller: who,
        caller_name,
        caller_verified,
        ..
    } = incoming
    else {
        unreachable!()
    };
    assert_eq!(
        who, "sip:carol@127.0.0.1",
        "P-Asserted-Identity is not believed"
    );
    assert!(!caller_verified);
    let shown = caller_name.unwrap();
    assert_eq!(shown.chars().count(), 64, "{shown}");
    assert!(shown.starts_with("FREE PRIZE call now xxx"), "{shown}");
    assert!(!shown.contains('\u{202e}'), "{shown}");
    let logs = finish_passed(caller).await;
    assert!(logs.contains("refused: 486"), "{logs}");
    let mobile = finish_passed(mobile).await;
    assert!(
        mobile.contains("From: \"FREE PRIZE call now xxx"),
        "the mobile sees the cut name:\n{mobile}"
    );
    net.world.shutdown().await;
}
