//! One call test's network: sipp phones behind the trunk, Kamailio, the
//! XMPP server and the gateway with call control on; and the requests and
//! events of calls.

use std::{path::Path, time::Duration};

use reqwest::{Method, StatusCode};
use splitline_protocol::{
    AccessNumber, CallEndReason, CallRecord, CallRecords, CallStarted, CallState, Callee,
    CostClass, ErrorCode, Event, StartCallRequest, paths,
};
use tempfile::TempDir;

use crate::{
    gateway::{SipSettings, loopback},
    jid,
    phone::Phone,
    sip::{Kamailio, Sipp},
    world::World,
};

/// How long a sipp phone may take to play its part.
pub const SIPP_WITHIN: Duration = Duration::from_secs(30);

/// Waits for a sipp phone to finish; asserts its scenario passed and
/// returns its logs.
pub async fn finish_passed(sipp: Sipp) -> String {
    let outcome = sipp.finish(SIPP_WITHIN).await;
    assert!(outcome.passed, "sipp failed:\n{}", outcome.logs);
    outcome.logs
}

/// Alice's mobile.
pub const MOBILE: &str = "+447400123456";
/// A London number behind the trunk.
pub const CALLEE: &str = "+442079460123";
/// Every callback comes from this number.
pub const CALLBACK_FROM: &str = "+442079460999";
/// Flash calls come from this prefix and a 4-digit code.
pub const FLASH_PREFIX: &str = "+44207946";
/// The gateway's London access number (point of presence).
pub const ACCESS: &str = "+442079460500";

/// One test's network: sipp phones behind the trunk, Kamailio, Prosody and
/// the gateway with call control on.
pub struct Net {
    pub world: World,
    pub kamailio: Kamailio,
    pub data: TempDir,
}

impl Net {
    /// Starts everything; the trunk routes [`MOBILE`] and [`CALLEE`] to
    /// the given sipp phones. With `verified`, Alice's mobile is already
    /// proven (as after an earlier flash call).
    pub async fn start(
        mobile: Option<&Sipp>,
        callee: Option<&Sipp>,
        verified: bool,
        tune: impl FnOnce(&mut SipSettings),
    ) -> Self {
        let mut routes = Vec::new();
        if let Some(mobile) = mobile {
            routes.push((MOBILE, mobile.port));
        }
        if let Some(callee) = callee {
            routes.push((CALLEE, callee.port));
        }
        let kamailio = Kamailio::start(&routes, &[ACCESS]).await;
        let data = tempfile::tempdir().unwrap();
        if verified {
            std::fs::write(
                data.path().join("verified-numbers.jsonl"),
                format!(
                    "{{\"account\":\"{}\",\"number\":\"{MOBILE}\",\"at_ms\":1}}\n",
                    jid("alice")
                ),
            )
            .unwrap();
        }
        let world = World::start(
            &["alice", "bob"],
            |settings| {
                sip_settings(&mut settings.sip, &kamailio, data.path());
                tune(&mut settings.sip);
                settings.directory.access_numbers = Some(vec![AccessNumber {
                    number: ACCESS.into(),
                    country: "GB".into(),
                    area_prefixes: vec!["4420".into()],
                    cost_class: CostClass::Local,
                    post_dial: None,
                }]);
            },
            None,
        )
        .await;
        Self {
            world,
            kamailio,
            data,
        }
    }
}

/// Turns call control on for a call test: the gateway listens for SIP on
/// the port Kamailio routes to it, calls through Kamailio as trunk and
/// registrar, takes INVITEs from Kamailio only, and keeps its records in
/// `data`.
pub fn sip_settings(sip: &mut SipSettings, kamailio: &Kamailio, data: &Path) {
    sip.inbound.sip_allowed_sources = Some(vec![
        kamailio.trunk.ip().to_string(),
        kamailio.registrar.ip().to_string(),
    ]);
    sip.sip_listen = Some(loopback(kamailio.gateway.port()));
    sip.sip_trunk = Some(kamailio.trunk);
    sip.sip_registrar = Some(kamailio.registrar);
    sip.data_dir = Some(data.to_owned());
    sip.callback_caller_id = Some(CALLBACK_FROM.into());
    sip.verification_caller_prefix = Some(FLASH_PREFIX.into());
}

/// A counter of the gateway's `/metrics`.
pub async fn metric(world: &World, name: &str) -> u64 {
    metric_at(world.gateway.metrics_addr.unwrap(), name).await
}

/// A counter of the `/metrics` of the gateway whose metrics listen at `addr`.
pub async fn metric_at(addr: std::net::SocketAddr, name: &str) -> u64 {
    let url = format!("http://{addr}/metrics");
    let text = reqwest::get(url).await.unwrap().text().await.unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in the metrics:\n{text}"))
}

pub async fn start_call(
    phone: &Phone,
    callee: Callee,
) -> Result<CallStarted, (StatusCode, ErrorCode)> {
    phone
        .call(
            Method::POST,
            paths::CALLS,
            Some(&StartCallRequest {
                callee,
                access_number: None,
            }),
        )
        .await
        .map_err(|(status, body)| (status, body.code))
}

/// Reserves a call-through to `callee` by the access number `access`.
pub async fn reserve(
    phone: &Phone,
    callee: Callee,
    access: &str,
) -> Result<CallStarted, (StatusCode, ErrorCode)> {
    phone
        .call(
            Method::POST,
            paths::CALLS,
            Some(&StartCallRequest {
                callee,
                access_number: Some(access.into()),
            }),
        )
        .await
        .map_err(|(status, body)| (status, body.code))
}

pub fn number(number: &str) -> Callee {
    Callee::Number {
        number: number.into(),
    }
}

/// Waits for the call to reach `state`; returns the end reason with `ended`.
pub async fn wait_state(
    phone: &mut Phone,
    call_id: &str,
    state: CallState,
) -> Option<CallEndReason> {
    let event = phone
        .wait_for(&format!("call {call_id} {state:?}"), |e| {
            matches!(e, Event::CallChanged { call_id: id, state: s, .. } if id == call_id && *s == state)
        })
        .await;
    match event {
        Event::CallChanged { reason, .. } => reason,
        _ => None,
    }
}

/// The states the phone saw for `call_id`, in order.
pub fn states(phone: &Phone, call_id: &str) -> Vec<CallState> {
    phone
        .seen
        .iter()
        .filter_map(|e| match e {
            Event::CallChanged {
                call_id: id, state, ..
            } if id == call_id => Some(*state),
            _ => None,
        })
        .collect()
}

pub async fn records(phone: &Phone) -> Vec<CallRecord> {
    let records: CallRecords = phone
        .call::<(), _>(Method::GET, paths::CALL_RECORDS, None)
        .await
        .unwrap();
    records.records
}

/// Every call has an end and a duration, the duration is the answered time
/// rounded up to whole seconds, and an unanswered call bills nothing.
pub fn assert_records_add_up(records: &[CallRecord]) {
    for r in records {
        let ended = r.ended_ms.unwrap_or_else(|| panic!("{r:?} has no end"));
        let duration = r
            .duration_secs
            .unwrap_or_else(|| panic!("{r:?} has no duration"));
        assert!(r.end_reason.is_some(), "{r:?} has no end reason");
        assert!(ended >= r.started_ms, "{r:?} ended before it started");
        match r.answered_ms {
            Some(answered) => {
                assert!(answered >= r.started_ms && answered <= ended, "{r:?}");
                let billed = u64::try_from(ended - answered).unwrap().div_ceil(1000);
                assert_eq!(duration, billed, "{r:?}");
            }
            None => assert_eq!(duration, 0, "an unanswered call bills nothing: {r:?}"),
        }
    }
}
