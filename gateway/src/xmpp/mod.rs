//! The XMPP side: reaching the server ([`connect`]), the per-user session
//! actor ([`session`]), and the pure encoders and decoders of the XEPs it
//! speaks ([`xep`]). Layers point down: session uses xep, never back.

pub(crate) mod connect;
pub(crate) mod session;
pub(crate) mod xep;
