//! The Splitline gateway: runs an XMPP session on each signed-in user's behalf
//! and serves the HTTP/JSON data channel (`splitline-protocol`) to phones.

pub mod access_directory;
pub mod api;
pub mod auth;
pub mod call_routes;
pub mod calls;
pub mod config;
pub mod error;
pub mod event_log;
pub mod json;
pub mod metrics;
pub mod room_routes;
pub mod server;
pub mod sessions;
pub mod sign_in_limit;
pub mod validate;
pub mod xmpp;

pub use config::Config;
pub use server::{Gateway, RunningGateway};
