//! The SIP side of call control: the gateway's user agent (one UDP
//! endpoint), outgoing call legs, and the little SDP a signalling-only
//! bridge needs.

pub(crate) mod endpoint;
pub(crate) mod leg;
pub(crate) mod sdp;
