//! Voice calls placed by the gateway over the carrier's voice service: the
//! user's mobile number and its verification, callbacks, call state events
//! and call records.

use serde::{Deserialize, Serialize};

/// Whom to call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Callee {
    /// A network contact, reached at their SIP address.
    Contact {
        /// The contact's bare address.
        jid: String,
    },
    /// A telephone number, reached through the carrier trunk.
    Number {
        /// The number, E.164.
        number: String,
    },
}

/// `POST /v1/calls`: call the user's verified mobile back and bridge it to
/// the callee when the user answers; or, with `access_number`, reserve a
/// call-through: the phone dials that access number itself and the gateway
/// bridges the incoming call to the callee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartCallRequest {
    /// Whom to call.
    pub callee: Callee,
    /// The access number (E.164, one of `GET /v1/access-numbers`) the phone
    /// is about to dial; absent for a callback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_number: Option<String>,
}

/// A call the gateway has begun to place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallStarted {
    /// The call's id, for hanging up and in its events.
    pub call_id: String,
    /// The caller id the callback to the mobile comes from: the app answers
    /// a call from this number by itself.
    pub callback_from: String,
}

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    /// A call-through is reserved: the gateway waits for the user's mobile
    /// to dial the access number.
    AwaitingDial,
    /// The gateway is calling the user's mobile.
    CallingYou,
    /// The user answered; the callee's phone is being called.
    Connecting,
    /// The callee's phone rings.
    Ringing,
    /// The callee answered: the two are talking.
    Answered,
    /// The call is over (see the reason).
    Ended,
}

/// Why a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallEndReason {
    /// The user hung up (on the phone or through the app).
    YouHungUp,
    /// The other party (the callee, or the caller of an incoming call) hung up.
    CalleeHungUp,
    /// The user did not answer the callback (or the forwarded incoming
    /// call), or declined it.
    YouDidNotAnswer,
    /// The callee was busy or declined.
    Busy,
    /// The callee did not answer in time.
    NoAnswer,
    /// The call was called off before it was answered: by the user, or for
    /// an incoming call, by the caller.
    Cancelled,
    /// A reserved call-through was not dialled in time.
    NotDialled,
    /// The callee cannot be reached (unknown, offline or the network failed).
    Unreachable,
    /// The call could not be set up, or broke off (a network or protocol failure).
    Failed,
    /// The gateway stopped while the call was under way.
    GatewayRestart,
}

/// The user's mobile number, as the gateway knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MobileNumber {
    /// The verified number, E.164, or none yet.
    pub verified: Option<String>,
    /// A number whose verification is under way.
    pub pending: Option<String>,
}

/// `POST /v1/mobile-number`: prove a mobile number is the user's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyNumberRequest {
    /// The number, E.164.
    pub number: String,
}

/// A verification under way: the gateway rings the number once, from a
/// caller id that starts with `caller_prefix` and ends in the code (a flash
/// call). The app recognises the call, declines it, and confirms the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationStarted {
    /// The number being verified, E.164.
    pub number: String,
    /// The caller id of the flash call starts with this.
    pub caller_prefix: String,
    /// How many digits follow the prefix: the code.
    pub code_digits: u8,
    /// Seconds the code stays valid.
    pub expires_in_secs: u64,
}

/// `POST /v1/mobile-number/confirm`: the code from the flash call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmNumberRequest {
    /// The digits after the prefix in the caller id of the flash call.
    pub code: String,
}

/// How a recorded call was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallRoute {
    /// The gateway called the user's mobile and bridged the callee.
    Callback,
    /// The user's mobile dialled an access number; the gateway bridged the
    /// callee.
    CallThrough,
    /// A call to the user's network address, forwarded to their mobile.
    Incoming,
}

/// One call as the carrier bills it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecord {
    /// The call's id.
    pub call_id: String,
    /// The user's bare address.
    pub account: String,
    /// How the call was placed.
    pub route: CallRoute,
    /// The user's mobile, E.164.
    pub mobile: String,
    /// The other party, a SIP address or an E.164 number: whom the user
    /// called, or for an incoming call, who called.
    pub callee: String,
    /// The access number dialled, for call-through.
    pub access_number: Option<String>,
    /// When the call was requested, ms since the Unix epoch.
    pub started_ms: i64,
    /// When the callee answered and the legs were bridged.
    pub answered_ms: Option<i64>,
    /// When the call ended.
    pub ended_ms: Option<i64>,
    /// Seconds from answer to end: the billed time (0 if never answered).
    pub duration_secs: Option<u64>,
    /// Why it ended.
    pub end_reason: Option<CallEndReason>,
}

/// `GET /v1/call-records`: the user's own calls, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecords {
    /// The calls.
    pub records: Vec<CallRecord>,
}
