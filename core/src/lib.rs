//! The Splitline client core: everything the app does that is not UI. It holds
//! no FFI types; `bindings/` wraps it for Kotlin.
//!
//! [`Client`] is the facade the app and the terminal use. Beneath it, layers
//! that point down only:
//! - [`sync`]: the engine that keeps the gateway session, sends the outbox and
//!   applies the event stream and the archives to the store;
//! - [`room_admin`], [`push`] and [`calls`]: requests that need the gateway at
//!   once, on the engine's session; [`calls::routing`] chooses how a call goes;
//! - [`address_book`]: the phone's contacts matched to the network's, and
//!   the lookup of any number (who, and the route of a call to it);
//! - [`history`]: a timeline paging back, through the store and then the
//!   chat's archive;
//! - [`gateway`]: the protocol over HTTPS, and [`store`]: SQLite, a module per table;
//! - [`views`]: the screens' rows over the store, reported as row diffs.

pub mod address_book;
pub mod calls;
pub mod client;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod gateway;
pub mod history;
pub mod push;
pub mod room_admin;
pub mod secret;
pub mod store;
pub mod sync;
pub(crate) mod util;
pub mod views;

pub use client::{Client, ClientError, Contacts, Status, SyncSummary};
pub use secret::Secret;
