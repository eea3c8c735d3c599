//! End-to-end: callbacks placed by the real gateway over real SIP peers.
//! Kamailio is the carrier trunk and the registrar of contacts' phones; sipp
//! plays the user's mobile and the phone behind a number; baresip is a
//! contact's SIP phone that answers by itself. Every test checks that the
//! call records add up.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use reqwest::{Method, StatusCode};
use splitline_e2e::{
    call_net::{
        ACCESS, CALLBACK_FROM, CALLEE, FLASH_PREFIX, MOBILE, Net, assert_records_add_up,
        finish_passed, number, records, reserve, sip_settings, start_call, states, wait_state,
    },
    domain,
    gateway::loopback,
    jid,
    phone::Phone,
    sip::{Baresip, Sipp, free_udp_port},
    world::World,
};
use splitline_protocol::{
    AddContactRequest, CallEndReason, CallRecord, CallState, Callee, ConfirmNumberRequest,
    ErrorCode, Event, MobileNumber, VerificationStarted, VerifyNumberRequest, paths,
};

/// What a destination the number policy refuses gets.
const REFUSED: (StatusCode, ErrorCode) = (StatusCode::FORBIDDEN, ErrorCode::DestinationNotAllowed);

/// Adds `jid` to the phone's contacts and waits until the roster has it.
async fn add_contact(phone: &mut Phone, jid: &str) {
    let request = AddContactRequest {
        jid: jid.into(),
        name: None,
    };
    phone
        .post_empty(paths::CONTACTS, Some(&request))
        .await
        .unwrap();
    phone
        .wait_for(
            "the contact added",
            |e| matches!(e, Event::ContactAdded { contact } if contact.jid == jid),
        )
        .await;
}

/// Places a callback to [`CALLEE`] and waits for it to end; returns the
/// reason, the states seen and the call's record.
async fn callback_ends(alice: &mut Phone) -> (CallEndReason, Vec<CallState>, CallRecord) {
    let started = start_call(alice, number(CALLEE)).await.unwrap();
    assert_eq!(started.callback_from, CALLBACK_FROM);
    let reason = wait_state(alice, &started.call_id, CallState::Ended)
        .await
        .unwrap();
    let records = records(alice).await;
    assert_records_add_up(&records);
    let record = records
        .into_iter()
        .find(|r| r.call_id == started.call_id)
        .unwrap();
    assert_eq!(record.mobile, MOBILE);
    (reason, states(alice, &started.call_id), record)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_to_a_number_bridges_the_legs_and_the_callee_hangs_up() {
    let mobile = Sipp::start("mobile_answers").await;
    let callee = Sipp::start("callee_hangs_up").await;
    let net = Net::start(Some(&mobile), Some(&callee), true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;

    let (reason, seen, record) = callback_ends(&mut alice).await;
    assert_eq!(reason, CallEndReason::CalleeHungUp);
    assert_eq!(
        seen,
        [
            CallState::CallingYou,
            CallState::Connecting,
            CallState::Ringing,
            CallState::Answered,
            CallState::Ended
        ]
    );
    assert_eq!(record.callee, CALLEE);
    assert!(record.answered_ms.is_some());
    assert!(record.duration_secs.unwrap() >= 1, "{record:?}");
    let mobile_logs = finish_passed(mobile).await;
    assert!(
        mobile_logs.contains("ACK carries answer m=audio"),
        "the mobile's ACK carried the callee's answer:\n{mobile_logs}"
    );
    finish_passed(callee).await;
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_hanging_up_the_mobile_ends_the_callees_leg() {
    let mobile = Sipp::start("mobile_hangs_up").await;
    let callee = Sipp::start("callee_answers").await;
    let net = Net::start(Some(&mobile), Some(&callee), true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    let (reason, seen, record) = callback_ends(&mut alice).await;
    assert_eq!(reason, CallEndReason::YouHungUp);
    assert!(seen.contains(&CallState::Answered));
    assert!(record.answered_ms.is_some());
    finish_passed(mobile).await;
    finish_passed(callee).await;
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_hangs_up_an_answered_call_on_both_legs() {
    let mobile = Sipp::start("mobile_answers").await;
    let callee = Sipp::start("callee_answers").await;
    let net = Net::start(Some(&mobile), Some(&callee), true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    let started = start_call(&alice, number(CALLEE)).await.unwrap();
    wait_state(&mut alice, &started.call_id, CallState::Answered).await;
    alice
        .delete(&paths::CALL.replace("{call_id}", &started.call_id))
        .await
        .unwrap();
    let reason = wait_state(&mut alice, &started.call_id, CallState::Ended).await;
    assert_eq!(reason, Some(CallEndReason::YouHungUp));
    finish_passed(mobile).await;
    finish_passed(callee).await;
    // A call that is over cannot be hung up again.
    let gone = alice
        .delete(&paths::CALL.replace("{call_id}", &started.call_id))
        .await
        .unwrap_err();
    assert_eq!(gone.1.code, ErrorCode::NotFound);
    assert_records_add_up(&records(&alice).await);
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_callee_ends_the_call_and_bills_nothing() {
    let mobile = Sipp::start("mobile_answers").await;
    let callee = Sipp::start("callee_busy").await;
    let net = Net::start(Some(&mobile), Some(&callee), true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    let (reason, seen, record) = callback_ends(&mut alice).await;
    assert_eq!(reason, CallEndReason::Busy);
    assert!(!seen.contains(&CallState::Answered));
    assert_eq!(record.answered_ms, None);
    assert_eq!(record.duration_secs, Some(0));
    let mobile_logs = finish_passed(mobile).await;
    assert!(
        mobile_logs.contains("ACK carries answer m=audio 0 "),
        "the mobile's offer was refused in its ACK before the BYE:\n{mobile_logs}"
    );
    finish_passed(callee).await;
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callee_that_does_not_answer_is_cancelled_after_the_ring_timeout() {
    let mobile = Sipp::start("mobile_answers").await;
    let callee = Sipp::start("callee_rings").await;
    let net = Net::start(Some(&mobile), Some(&callee), true, |o| {
        o.ring_timeout_secs = Some(2);
    })
    .await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    let (reason, seen, record) = callback_ends(&mut alice).await;
    assert_eq!(reason, CallEndReason::NoAnswer);
    assert!(seen.contains(&CallState::Ringing));
    assert_eq!(record.duration_secs, Some(0));
    finish_passed(mobile).await;
    let callee_logs = finish_passed(callee).await;
    assert!(
        net.kamailio
            .log()
            .contains("CANCEL matched an INVITE transaction"),
        "the trunk matched the CANCEL to the INVITE:\n{callee_logs}"
    );
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_cancels_a_ringing_call() {
    let mobile = Sipp::start("mobile_answers").await;
    let callee = Sipp::start("callee_rings").await;
    let net = Net::start(Some(&mobile), Some(&callee), true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    let started = start_call(&alice, number(CALLEE)).await.unwrap();
    wait_state(&mut alice, &started.call_id, CallState::Ringing).await;
    alice
        .delete(&paths::CALL.replace("{call_id}", &started.call_id))
        .await
        .unwrap();
    let reason = wait_state(&mut alice, &started.call_id, CallState::Ended).await;
    assert_eq!(reason, Some(CallEndReason::Cancelled));
    finish_passed(mobile).await;
    finish_passed(callee).await;
    let records = records(&alice).await;
    assert_records_add_up(&records);
    assert_eq!(records[0].end_reason, Some(CallEndReason::Cancelled));
    assert_eq!(records[0].duration_secs, Some(0));
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_to_a_contact_reaches_their_registered_sip_phone() {
    let mobile = Sipp::start("mobile_answers").await;
    let net = Net::start(Some(&mobile), None, true, |_| {}).await;
    let bob_phone = Baresip::start("bob", &net.kamailio).await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    add_contact(&mut alice, jid!("bob")).await;
    let started = start_call(
        &alice,
        Callee::Contact {
            jid: jid!("bob").into(),
        },
    )
    .await
    .unwrap();
    wait_state(&mut alice, &started.call_id, CallState::Answered).await;
    alice
        .delete(&paths::CALL.replace("{call_id}", &started.call_id))
        .await
        .unwrap();
    let reason = wait_state(&mut alice, &started.call_id, CallState::Ended).await;
    assert_eq!(reason, Some(CallEndReason::YouHungUp));
    finish_passed(mobile).await;
    let records = records(&alice).await;
    assert_records_add_up(&records);
    assert_eq!(
        records[0].callee,
        format!("sip:bob@{}", net.kamailio.registrar)
    );
    assert!(records[0].answered_ms.is_some());
    let log = net.kamailio.log();
    assert!(
        log.contains("REQ INVITE sip:bob@"),
        "the INVITE went through the registrar:\n{log}"
    );
    assert!(
        bob_phone.log().to_lowercase().contains("established"),
        "baresip took the call:\n{}",
        bob_phone.log()
    );
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unverified_number_gets_no_callback_until_the_flash_call_proves_it() {
    let mobile = Sipp::start("mobile_flash_call").await;
    let net = Net::start(Some(&mobile), None, false, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;

    // No verified number: refused, and the trunk is not dialled.
    let refused = start_call(&alice, number(CALLEE)).await.unwrap_err();
    assert_eq!(refused, (StatusCode::FORBIDDEN, ErrorCode::Forbidden));
    assert!(
        !net.kamailio.log().contains("REQ INVITE"),
        "nothing dialled"
    );
    let status: MobileNumber = alice
        .call::<(), _>(Method::GET, paths::MOBILE_NUMBER, None)
        .await
        .unwrap();
    assert_eq!(status.verified, None);

    // Premium-rate and non-mobile numbers are not rung.
    for bad in ["+449098790000", CALLEE] {
        let refused = alice
            .call::<_, VerificationStarted>(
                Method::POST,
                paths::MOBILE_NUMBER,
                Some(&VerifyNumberRequest { number: bad.into() }),
            )
            .await
            .unwrap_err();
        assert_eq!(refused.1.code, ErrorCode::DestinationNotAllowed, "{bad}");
    }

    let started: VerificationStarted = alice
        .call(
            Method::POST,
            paths::MOBILE_NUMBER,
            Some(&VerifyNumberRequest {
                number: "+44 7400 123456".into(),
            }),
        )
        .await
        .unwrap();
    assert_eq!(started.number, MOBILE);
    assert_eq!(started.caller_prefix, FLASH_PREFIX);
    let logs = finish_passed(mobile).await;
    let caller = logs
        .lines()
        .find_map(|l| l.strip_prefix("FLASH FROM "))
        .unwrap_or_else(|| panic!("the flash call's caller id:\n{logs}"))
        .trim()
        .to_owned();
    let code = caller.strip_prefix(FLASH_PREFIX).unwrap();
    assert_eq!(code.len(), usize::from(started.code_digits));

    let wrong = if code == "0000" { "1111" } else { "0000" };
    let refused = alice
        .call::<_, MobileNumber>(
            Method::POST,
            paths::MOBILE_NUMBER_CONFIRM,
            Some(&ConfirmNumberRequest { code: wrong.into() }),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.1.code, ErrorCode::InvalidRequest);
    let confirmed: MobileNumber = alice
        .call(
            Method::POST,
            paths::MOBILE_NUMBER_CONFIRM,
            Some(&ConfirmNumberRequest { code: code.into() }),
        )
        .await
        .unwrap();
    assert_eq!(confirmed.verified.as_deref(), Some(MOBILE));
    alice
        .wait_for(
            "the number verified",
            |e| matches!(e, Event::MobileNumberVerified { number } if number == MOBILE),
        )
        .await;
    // Bob's session sees none of it, and cannot hang up Alice's calls.
    let bob = net.world.sign_in("bob", "phone").await;
    let bobs: MobileNumber = bob
        .call::<(), _>(Method::GET, paths::MOBILE_NUMBER, None)
        .await
        .unwrap();
    assert_eq!(bobs.verified, None);
    assert!(
        records(&alice).await.is_empty(),
        "flash calls are not billed calls"
    );
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_refuse_extra_calls_and_records_survive_a_restart() {
    let mobile = Sipp::start("mobile_answers").await;
    let callee = Sipp::start("callee_busy").await;
    let net = Net::start(Some(&mobile), Some(&callee), true, |o| {
        o.calls_per_account_per_hour = Some(1);
        o.call_countries = Some(vec!["GB".into()]);
    })
    .await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    let bob = net.world.sign_in("bob", "phone").await;

    // Policy first: premium-rate and foreign numbers are never dialled, and
    // a refused request does not use up the allowance.
    let premium = start_call(&alice, number("+449098790000"))
        .await
        .unwrap_err();
    assert_eq!(premium, REFUSED);
    let abroad = start_call(&alice, number("+4930901820")).await.unwrap_err();
    assert_eq!(abroad, REFUSED);
    let junk = start_call(&alice, number("12")).await.unwrap_err();
    assert_eq!(junk, (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest));

    let started = start_call(&alice, number(CALLEE)).await.unwrap();
    // Bob cannot hang up Alice's call.
    let not_his = bob
        .delete(&paths::CALL.replace("{call_id}", &started.call_id))
        .await
        .unwrap_err();
    assert_eq!(not_his.1.code, ErrorCode::NotFound);
    let limited = start_call(&alice, number(CALLEE)).await.unwrap_err();
    assert_eq!(
        limited,
        (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
    );
    assert_eq!(
        wait_state(&mut alice, &started.call_id, CallState::Ended).await,
        Some(CallEndReason::Busy)
    );
    finish_passed(mobile).await;
    finish_passed(callee).await;
    let before = records(&alice).await;
    assert_eq!(before.len(), 1);
    assert_records_add_up(&before);
    assert!(
        records(&bob).await.is_empty(),
        "each user sees only their calls"
    );

    // The carrier's export on the private address, as CSV and JSON lines.
    let metrics = net.world.gateway.metrics_addr.unwrap();
    let csv = reqwest::get(format!("http://{metrics}/call-records?format=csv"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("call_id,account,route,mobile,callee"),
        "{csv}"
    );
    assert!(
        lines[1].starts_with(&format!(
            "{},{},callback,{MOBILE},{CALLEE}",
            started.call_id,
            jid!("alice")
        )),
        "{csv}"
    );
    assert!(lines[1].ends_with(",0,busy"), "{csv}");
    let jsonl = reqwest::get(format!("http://{metrics}/call-records?format=jsonl"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let exported: Vec<CallRecord> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(exported, before);

    // The same data directory after a restart: the records and the verified
    // number are still there.
    let Net {
        world,
        kamailio,
        data,
    } = net;
    world.shutdown().await;
    let again = World::start(
        &["alice"],
        |settings| {
            sip_settings(&mut settings.sip, &kamailio, data.path());
            // A new SIP port: the first gateway's SIP socket lives on in
            // this process (the SIP stack's transport task holds it).
            settings.sip.sip_listen = Some(loopback(free_udp_port()));
        },
        None,
    )
    .await;
    let alice = again.sign_in("alice", "phone").await;
    assert_eq!(records(&alice).await, before);
    let status: MobileNumber = alice
        .call::<(), _>(Method::GET, paths::MOBILE_NUMBER, None)
        .await
        .unwrap();
    assert_eq!(status.verified.as_deref(), Some(MOBILE));
    again.shutdown().await;
}

/// The numbers the trust-boundary report (#15) saw dialled with the old
/// default policy: satellite, international networks, UK personal, pager and
/// VoIP ranges, Cuban and Somali mobiles.
const FRAUD_ROUTES: [&str; 8] = [
    "+881621234567",
    "+870772123456",
    "+883510001234567",
    "+447012345678",
    "+447640123456",
    "+445612345678",
    "+5351234567",
    "+252611234567",
];

/// No call was started or recorded, and the trunk and registrar saw no
/// INVITE: the phone is told of calls at once, and the INVITEs follow, so a
/// quiet second covers both.
async fn assert_nothing_dialled(net: &Net, alice: &mut Phone) {
    alice
        .assert_none("a call", Duration::from_secs(1), |e| {
            matches!(e, Event::CallChanged { .. })
        })
        .await;
    let log = net.kamailio.log();
    assert!(!log.contains("REQ INVITE"), "nothing dialled:\n{log}");
    assert!(records(alice).await.is_empty(), "no call recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_policy_refuses_fraud_routes_and_dials_nothing() {
    // No call-countries, no line types: the defaults (GB; fixed and mobile).
    let net = Net::start(None, None, true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    for bad in FRAUD_ROUTES {
        let callback = start_call(&alice, number(bad)).await.unwrap_err();
        assert_eq!(callback, REFUSED, "callback to {bad}");
        let through = reserve(&alice, number(bad), ACCESS).await.unwrap_err();
        assert_eq!(through, REFUSED, "call-through to {bad}");
        let verify = alice
            .call::<_, VerificationStarted>(
                Method::POST,
                paths::MOBILE_NUMBER,
                Some(&VerifyNumberRequest { number: bad.into() }),
            )
            .await
            .unwrap_err();
        assert_eq!(verify.0, StatusCode::FORBIDDEN, "verifying {bad}");
        assert_eq!(
            verify.1.code,
            ErrorCode::DestinationNotAllowed,
            "verifying {bad}"
        );
    }
    assert_nothing_dialled(&net, &mut alice).await;
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_callee_must_be_a_served_contact_and_no_number_in_disguise() {
    let net = Net::start(None, None, true, |_| {}).await;
    let mut alice = net.world.sign_in("alice", "phone").await;
    add_contact(&mut alice, jid!("bob")).await;
    let contact = |jid: &str| Callee::Contact { jid: jid.into() };
    for (callee, refused) in [
        // A premium-rate number dressed as an address.
        (concat!("+449098790000@", domain!()), REFUSED),
        // A home mobile the policy would call as a number, but not as this.
        (concat!("+447400123456@", domain!()), REFUSED),
        (
            "bob@elsewhere.example",
            (StatusCode::FORBIDDEN, ErrorCode::DomainNotServed),
        ),
        // Not on Alice's roster.
        (jid!("carol"), (StatusCode::NOT_FOUND, ErrorCode::NotFound)),
    ] {
        let got = start_call(&alice, contact(callee)).await.unwrap_err();
        assert_eq!(got, refused, "{callee}");
        let got = reserve(&alice, contact(callee), ACCESS).await.unwrap_err();
        assert_eq!(got, refused, "call-through to {callee}");
    }
    assert_nothing_dialled(&net, &mut alice).await;
    net.world.shutdown().await;
}
