//! The XMPP side: connecting, the per-user session worker, and the translation
//! between stanzas and protocol events.

pub mod client_caps;
pub mod closed_chats;
pub mod connect;
pub mod displayed_sync;
pub mod rooms;
pub mod roster;
pub mod sent_messages;
pub mod stanzas;
pub mod worker;
