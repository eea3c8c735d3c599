//! The Splitline gateway: runs an XMPP session on each signed-in user's behalf
//! and serves the HTTP/JSON data channel (`splitline-protocol`) to phones.
//!
//! Layers, top down: [`server`] starts everything; `http` serves the
//! protocol; `sessions` holds the signed-in users; `xmpp` runs each user's
//! network session; [`calls`] places and bridges calls over SIP; [`config`],
//! `event_log`, `metrics` and `util` are leaves the others read;
//! [`log_guard`] builds the binary's log subscriber.

#![warn(unreachable_pub)]

pub mod calls;
pub mod config;
pub(crate) mod event_log;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod http;
pub(crate) mod jsonl;
pub mod log_guard;
pub(crate) mod metrics;
pub(crate) mod push;
pub mod server;
pub(crate) mod sessions;
pub mod stranger_quota;
pub(crate) mod util;
pub(crate) mod xmpp;

pub use config::Config;
pub use server::{Gateway, RunningGateway};
