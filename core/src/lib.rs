//! The Splitline client core: everything the app does that is not UI. It holds
//! no FFI types; `bindings/` wraps it for Kotlin.

pub mod access_numbers;
pub mod call_routing;
pub mod calls;
pub mod client;
pub mod gateway_client;
pub mod room_admin;
pub mod store;
pub mod sync;
