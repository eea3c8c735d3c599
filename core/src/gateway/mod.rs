//! Talking to the gateway: the HTTPS client of one endpoint, its error type,
//! and the session handle the sync engine keeps current for everyone else.

mod client;
mod error;
mod session;

pub(crate) use client::GatewayClient;
pub use error::GatewayError;
pub(crate) use session::SessionHandle;
