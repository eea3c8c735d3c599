//! The signed-in sessions: the [`registry`] of them, each [`session`],
//! [`sign_in`] with its [`sign_in_limit`] on wrong passwords, the idle
//! [`reaper`] (a long timeout for a device with push), and each session's
//! `push_watch`, which wakes a phone that is not polling.

pub(crate) mod error;
mod push_watch;
pub(crate) mod reaper;
pub(crate) mod registry;
pub(crate) mod session;
pub(crate) mod sign_in;
pub(crate) mod sign_in_limit;

pub(crate) use registry::Registry;
