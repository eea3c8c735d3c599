//! Voice calls over the carrier: the gateway's SIP user agent places
//! callbacks to users' verified mobiles and bridges them to contacts or
//! numbers, proves mobile numbers by flash call, limits how often the trunk
//! is dialled, and journals every call for billing.
//!
//! Layers, top down: [`control`] admits and runs calls; [`policy`] and
//! [`limits`] say what may be dialled and how often; the flows
//! ([`callback`], [`bridge`], [`flash_call`]) drive the [`sip`] legs; the
//! [`journal`] keeps the billing records and [`numbers`] the verified mobiles.

pub(crate) mod bridge;
pub(crate) mod callback;
pub(crate) mod control;
pub(crate) mod flash_call;
pub(crate) mod journal;
pub(crate) mod limits;
pub(crate) mod numbers;
pub(crate) mod policy;
pub(crate) mod sip;

pub use control::{CallControl, CallStartError, SetupTiming};
pub(crate) use control::{CallControlError, Roster};
