//! The SIP side of call control: the gateway's user agent (one UDP
//! endpoint), outgoing call legs, digest authentication of incoming
//! INVITEs, and the little SDP a signalling-only bridge needs.

pub(crate) mod digest;
pub(crate) mod endpoint;
pub(crate) mod leg;
pub(crate) mod sdp;
