//! One call test's network: sipp phones behind the trunk, Kamailio, the
//! XMPP server and the gateway with call control on; and the requests and
//! events of calls.

use std::path::Path;

use reqwest::{Method, StatusCode};
use splitline_protocol::{
    CallEndReason, CallStarted, CallState, Callee, ErrorCode, Event, StartCallRequest, paths,
};
use tempfile::TempDir;

use crate::{
    gateway::{CallOptions, Options},
    phone::Phone,
    sip::{Kamailio, Sipp},
    world::World,
};

/// Alice's mobile.
pub const MOBILE: &str = "+447400123456";
/// A London number behind the trunk.
pub const CALLEE: &str = "+442079460123";
/// Every callback comes from this number.
pub const CALLBACK_FROM: &str = "+442079460999";
/// Flash calls come from this prefix and a 4-digit code.
pub const FLASH_PREFIX: &str = "+44207946";
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
        tune: impl FnOnce(&mut CallOptions),
    ) -> Self {
        let mut routes = Vec::new();
        if let Some(mobile) = mobile {
            routes.push((MOBILE, mobile.port));
        }
        if let Some(callee) = callee {
            routes.push((CALLEE, callee.port));
        }
        let kamailio = Kamailio::start(&routes).await;
        let data = tempfile::tempdir().unwrap();
        if verified {
            std::fs::write(
                data.path().join("verified-numbers.jsonl"),
                format!(
                    "{{\"account\":\"alice@localhost\",\"number\":\"{MOBILE}\",\"at_ms\":1}}\n"
                ),
            )
            .unwrap();
        }
        let world = World::start(
            &["alice", "bob"],
            Options {
                calls: Some(call_options(&kamailio, data.path(), tune)),
                ..Options::default()
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

pub fn call_options(
    kamailio: &Kamailio,
    data: &Path,
    tune: impl FnOnce(&mut CallOptions),
) -> CallOptions {
    let mut options = CallOptions {
        trunk: kamailio.trunk,
        registrar: kamailio.registrar,
        data_dir: data.to_owned(),
        callback_caller_id: CALLBACK_FROM.into(),
        verification_caller_prefix: FLASH_PREFIX.into(),
        ring_timeout_secs: None,
        calls_per_account_per_hour: None,
        call_countries: None,
    };
    tune(&mut options);
    options
}

pub async fn start_call(
    phone: &Phone,
    callee: Callee,
) -> Result<CallStarted, (StatusCode, ErrorCode)> {
    phone
        .call(
            Method::POST,
            paths::CALLS,
            Some(&StartCallRequest { callee }),
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
