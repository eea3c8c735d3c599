//! How a request to the gateway failed.

use splitline_protocol::{ErrorBody, ErrorCode};

/// A request did not succeed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GatewayError {
    /// The gateway answered with a protocol error.
    #[error("the gateway refused the request ({status}): {}", body.message)]
    Refused {
        /// HTTP status.
        status: u16,
        /// The error body.
        body: ErrorBody,
        /// Seconds from `Retry-After`, if sent.
        retry_after: Option<u64>,
    },
    /// The gateway could not be reached or the connection broke.
    #[error("cannot reach the gateway: {0}")]
    Unreachable(String),
    /// The gateway answered something that is not the protocol.
    #[error("the gateway's answer is not understood: {0}")]
    BadResponse(String),
    /// There is no session at the gateway now: before the first sign-in,
    /// or while the sync engine signs in again.
    #[error("not signed in to the gateway yet; try again once online")]
    NotSignedIn,
}

impl GatewayError {
    /// The protocol error code, if the gateway answered with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Refused { body, .. } => Some(body.code),
            _ => None,
        }
    }
}
