//! End-to-end: calls that come in to the real gateway over real SIP peers and
//! are bridged on. A call-through: the user's mobile (a sipp caller) dials the
//! gateway's access number through the Kamailio trunk after the app reserved
//! the call, and the gateway bridges it to the callee (sipp). An incoming
//! call: a caller (sipp) calls the user's network address at the Kamailio
//! registrar, no SIP phone of the user is registered, so the registrar hands
//! the call to the gateway, which forwards it to the user's mobile (sipp
//! behind the trunk). Every test checks that the call records add up.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::StatusCode;
use splitline_e2e::{
    call_net::{
        ACCESS, CALLBACK_FROM, CALLEE, MOBILE, Net, assert_records_add_up, finish_passed, number,
        records, reserve, states, wait_state,
    },
    phone::Phone,
    sip::Sipp,
};
use splitline_protocol::{CallEndReason, CallRecord, CallRoute, CallState, ErrorCode, Event};

/// The call's record, after checking that all of them add up.
async fn record_of(phone: &Phone, call_id: &str) -> CallRecord {
    let records = records(phone).await;
    assert_records_add_up(&records);
    records.into_iter().find(|r| r.call_id == call_id).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reserved_call_through_is_bridged_to_the_callee_without_a_pin() {
    let callee = Sipp::start("callee_answers").await;
    let net = Net::start(None, Some(&callee), true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;

    let started = reserve(&alice, number(CALLEE), ACCESS).await.unwrap();
    wait_state(&mut alice, &started.call_id, CallState::AwaitingDial).await;
    // The mobile dials the access number; the trunk passes its caller id.
    let mobile = Sipp::dial("caller_talks", net.kamailio.trunk, ACCESS, MOBILE).await;
    let reason = wait_state(&mut alice, &started.call_id, CallState::Ended).await;
    assert_eq!(reason, Some(CallEndReason::YouHungUp));
    assert_eq!(
        states(&alice, &started.call_id),
        [
            CallState::AwaitingDial,
            CallState::Connecting,
            CallState::Ringing,
            CallState::Answered,
            CallState::Ended
        ]
    );
    let mobile_logs = finish_passed(mobile).await;
    assert!(mobile_logs.contains("caller: ringing"), "{mobile_logs}");
    assert!(
        mobile_logs.contains("caller: answered m=audio"),
        "the mobile got the callee's answer:\n{mobile_logs}"
    );
    let callee_logs = finish_passed(callee).await;
    assert!(
        callee_logs.contains(&format!("From: <sip:{MOBILE}@")),
        "the callee sees the user's mobile as the caller:\n{callee_logs}"
    );

    let record = record_of(&alice, &started.call_id).await;
    assert_eq!(record.route, CallRoute::CallThrough);
    assert_eq!(record.access_number.as_deref(), Some(ACCESS));
    assert_eq!(record.mobile, MOBILE);
    assert_eq!(record.callee, CALLEE);
    assert!(record.answered_ms.is_some());
    assert!(record.duration_secs.unwrap() >= 1, "{record:?}");
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_access_number_call_without_a_reservation_is_refused_and_dials_nothing() {
    let callee = Sipp::start("callee_answers").await;
    let net = Net::start(None, Some(&callee), true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;

    // Not an access number of this gateway, or not a number: refused.
    let refused = reserve(&alice, number(CALLEE), CALLEE).await.unwrap_err();
    assert_eq!(
        refused,
        (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest)
    );
    let refused = reserve(&alice, number(CALLEE), "0800 CALL ME")
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest)
    );

    // Nothing reserved: the dialled call is refused.
    let stranger = Sipp::dial("caller_refused", net.kamailio.trunk, ACCESS, MOBILE).await;
    let logs = finish_passed(stranger).await;
    assert!(logs.contains("refused: 403"), "{logs}");

    // A reservation is for the verified mobile only: another caller id is
    // refused, and the reservation stays for the right one.
    let started = reserve(&alice, number(CALLEE), ACCESS).await.unwrap();
    let other = Sipp::dial(
        "caller_refused",
        net.kamailio.trunk,
        ACCESS,
        "+447400999888",
    )
    .await;
    let logs = finish_passed(other).await;
    assert!(logs.contains("refused: 403"), "{logs}");
    alice
        .delete(&splitline_protocol::paths::CALL.replace("{call_id}", &started.call_id))
        .await
        .unwrap();
    let reason = wait_state(&mut alice, &started.call_id, CallState::Ended).await;
    assert_eq!(reason, Some(CallEndReason::Cancelled));

    // The callee's phone never rang.
    let callee = callee.finish(std::time::Duration::from_millis(500)).await;
    assert!(
        !callee.logs.contains("INVITE offer"),
        "no INVITE may reach the callee:\n{}",
        callee.logs
    );
    let record = record_of(&alice, &started.call_id).await;
    assert_eq!(record.route, CallRoute::CallThrough);
    assert_eq!(record.end_reason, Some(CallEndReason::Cancelled));
    assert_eq!(record.duration_secs, Some(0));
    assert_eq!(records(&alice).await.len(), 1);
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_to_the_users_address_is_forwarded_to_the_mobile() {
    // The forwarded call offers media at once, so the mobile answers it as a
    // callee does.
    let mobile = Sipp::start("callee_answers").await;
    let net = Net::start(Some(&mobile), None, true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;

    let caller = Sipp::dial("caller_talks", net.kamailio.registrar, "alice", "carol").await;
    let incoming = alice
        .wait_for("an incoming call", |e| {
            matches!(e, Event::CallIncoming { .. })
        })
        .await;
    let Event::CallIncoming {
        call_id,
        caller: who,
        caller_name,
        caller_verified,
        callback_from,
    } = incoming
    else {
        unreachable!()
    };
    assert_eq!(who, "sip:carol@127.0.0.1");
    assert_eq!(caller_name, None, "the caller gave no name");
    assert!(!caller_verified, "no trunk is trusted to assert callers");
    assert_eq!(callback_from, CALLBACK_FROM);
    let reason = wait_state(&mut alice, &call_id, CallState::Ended).await;
    // The caller hung up.
    assert_eq!(reason, Some(CallEndReason::CalleeHungUp));
    assert_eq!(
        states(&alice, &call_id),
        [CallState::CallingYou, CallState::Answered, CallState::Ended]
    );
    let caller_logs = finish_passed(caller).await;
    assert!(
        caller_logs.contains("caller: answered m=audio"),
        "{caller_logs}"
    );
    let mobile_logs = finish_passed(mobile).await;
    assert!(
        mobile_logs.contains(&format!("<sip:{CALLBACK_FROM}@")),
        "the mobile is rung from the callback caller id:\n{mobile_logs}"
    );
    assert!(
        net.kamailio.log().contains("UNREGISTERED alice"),
        "the registrar handed the call over:\n{}",
        net.kamailio.log()
    );

    let record = record_of(&alice, &call_id).await;
    assert_eq!(record.route, CallRoute::Incoming);
    assert_eq!(record.mobile, MOBILE);
    assert_eq!(record.callee, "sip:carol@127.0.0.1");
    assert!(record.duration_secs.unwrap() >= 1, "{record:?}");
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarded_call_the_mobile_declines_is_refused_to_the_caller() {
    let mobile = Sipp::start("callee_busy").await;
    let net = Net::start(Some(&mobile), None, true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;

    let caller = Sipp::dial("caller_refused", net.kamailio.registrar, "alice", "carol").await;
    let incoming = alice
        .wait_for("an incoming call", |e| {
            matches!(e, Event::CallIncoming { .. })
        })
        .await;
    let Event::CallIncoming { call_id, .. } = incoming else {
        unreachable!()
    };
    let reason = wait_state(&mut alice, &call_id, CallState::Ended).await;
    assert_eq!(reason, Some(CallEndReason::YouDidNotAnswer));
    let caller_logs = finish_passed(caller).await;
    assert!(caller_logs.contains("refused: 486"), "{caller_logs}");
    finish_passed(mobile).await;

    // Bob has no verified mobile: a call to him is refused, and nothing is
    // dialled or recorded.
    let to_bob = Sipp::dial("caller_refused", net.kamailio.registrar, "bob", "carol").await;
    let logs = finish_passed(to_bob).await;
    assert!(logs.contains("refused: 404"), "{logs}");

    let record = record_of(&alice, &call_id).await;
    assert_eq!(record.route, CallRoute::Incoming);
    assert_eq!(record.answered_ms, None);
    assert_eq!(record.duration_secs, Some(0));
    assert_eq!(records(&alice).await.len(), 1);
    let bob = net.world.sign_in("bob", "phone").await;
    assert!(records(&bob).await.is_empty());
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_through_not_dialled_in_time_ends_and_bills_nothing() {
    let net = Net::start(None, None, true, |o| o.call_through_dial_secs = Some(1)).await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    let started = reserve(&alice, number(CALLEE), ACCESS).await.unwrap();
    let reason = wait_state(&mut alice, &started.call_id, CallState::Ended).await;
    assert_eq!(reason, Some(CallEndReason::NotDialled));
    // Too late: the reservation is gone.
    let late = Sipp::dial("caller_refused", net.kamailio.trunk, ACCESS, MOBILE).await;
    let logs = finish_passed(late).await;
    assert!(logs.contains("refused: 403"), "{logs}");
    let record = record_of(&alice, &started.call_id).await;
    assert_eq!(record.end_reason, Some(CallEndReason::NotDialled));
    assert_eq!(record.duration_secs, Some(0));
    net.world.shutdown().await;
}
