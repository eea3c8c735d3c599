//! The pure encoders and decoders of the XMPP extensions the gateway
//! speaks, one module per XEP: no I/O and no session state. The session
//! actor (`super::session`) builds its stanzas here and reads what arrives
//! through [`inbound::classify`] and [`muc::classify`].

pub(crate) mod bookmarks;
pub(crate) mod chat;
pub(crate) mod disco;
pub(crate) mod forms;
pub(crate) mod inbound;
pub(crate) mod invitation;
pub(crate) mod mam;
pub(crate) mod mds;
pub(crate) mod muc;
pub(crate) mod pep;
pub(crate) mod presence;
pub(crate) mod private_storage;
pub(crate) mod roster;
pub(crate) mod vcard;
