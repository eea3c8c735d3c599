//! The Splitline client core: everything the app does that is not UI. It holds
//! no FFI types; `bindings/` wraps it for Kotlin.
//!
//! [`Client`] is the facade the app and the terminal use. Beneath it, layers
//! that point down only:
//! - [`sync`]: the engine that keeps the gateway session, sends the outbox and
//!   applies the event stream and the archives to the store;
//! - [`room_admin`] and [`calls`]: requests that need the gateway at once, on the
//!   engine's session; [`calls::routing`] chooses how a call goes;
//! - [`gateway`]: the protocol over HTTPS, and [`store`]: SQLite, a module per table;
//! - [`views`]: the screens' rows over the store, reported as row diffs.

pub mod calls;
pub mod client;
pub mod gateway;
pub mod room_admin;
pub mod secret;
pub mod store;
pub mod sync;
pub(crate) mod util;
pub mod views;

pub use client::{Client, ClientError, Status};
pub use secret::Secret;
