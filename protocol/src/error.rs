//! Error responses.

use serde::{Deserialize, Serialize};

use crate::SessionEndReason;

/// Body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable, matchable code.
    pub code: ErrorCode,
    /// A sentence for people, saying what to do.
    pub message: String,
    /// With `session_ended`: why the session ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<SessionEndReason>,
}

/// Stable error codes, each with one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not JSON, has wrong types or fields, or a value is invalid.
    InvalidRequest,
    /// 401: no token, or a token the gateway does not know.
    Unauthorized,
    /// 401: the network refused the address and password.
    AuthFailed,
    /// 401: the token's session has ended (see `reason`); sign in again.
    SessionEnded,
    /// 403: the gateway does not serve the address's domain.
    DomainNotServed,
    /// 403: the network refused the request: the user may not do that (in a
    /// room: only its owners and admins may).
    Forbidden,
    /// 403: the carrier's call policy does not dial this destination (its
    /// country, its kind of line, or a high-cost range); nothing was dialled.
    DestinationNotAllowed,
    /// 404: no such path, contact or room.
    NotFound,
    /// 405: the path exists but not with this method.
    MethodNotAllowed,
    /// 410: the cursor is unknown or its events are gone; resync from a snapshot.
    CursorInvalid,
    /// 413: the body is larger than the gateway accepts.
    PayloadTooLarge,
    /// 414: the request path is longer than the gateway accepts.
    UriTooLong,
    /// 431: the request headers are larger than the gateway accepts.
    HeadersTooLarge,
    /// 429: too many requests; retry after the `Retry-After` seconds.
    RateLimited,
    /// 502: the network server could not be reached or did not answer.
    NetworkUnavailable,
    /// 503: the gateway is at capacity or shutting down; retry elsewhere or later.
    Unavailable,
    /// 500: a bug in the gateway.
    Internal,
}

impl ErrorCode {
    /// The HTTP status code that goes with this error.
    pub fn http_status(self) -> u16 {
        match self {
            Self::InvalidRequest => 400,
            Self::Unauthorized | Self::AuthFailed | Self::SessionEnded => 401,
            Self::DomainNotServed | Self::Forbidden | Self::DestinationNotAllowed => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::CursorInvalid => 410,
            Self::PayloadTooLarge => 413,
            Self::UriTooLong => 414,
            Self::HeadersTooLarge => 431,
            Self::RateLimited => 429,
            Self::NetworkUnavailable => 502,
            Self::Unavailable => 503,
            Self::Internal => 500,
        }
    }
}
