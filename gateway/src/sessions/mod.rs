//! The signed-in sessions: the [`registry`] of them, each [`session`],
//! [`sign_in`] with its [`sign_in_limit`] on wrong passwords, and the idle
//! [`reaper`].

pub(crate) mod error;
pub(crate) mod reaper;
pub(crate) mod registry;
pub(crate) mod session;
pub(crate) mod sign_in;
pub(crate) mod sign_in_limit;

pub(crate) use registry::Registry;
