//! The error every handler returns, rendered as the protocol's JSON error body,
//! and every mapping of a lower layer's error to it: the one place that says
//! which failure is which protocol error code.

use axum::{
    http::{HeaderValue, StatusCode, header::RETRY_AFTER},
    response::{IntoResponse, Response},
};
use splitline_protocol::{ErrorBody, ErrorCode, SessionEndReason};

use crate::{
    calls::{CallControlError, numbers::ConfirmError},
    event_log::CursorError,
    push::{PushError, endpoint::EndpointError},
    sessions::error::SignInFailure,
    xmpp::session::CommandError,
};

/// An error answer to a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code:?}: {message}")]
pub(crate) struct ApiError {
    /// The stable code.
    pub(crate) code: ErrorCode,
    /// What went wrong and what to do.
    pub(crate) message: String,
    /// Why the session ended, with [`ErrorCode::SessionEnded`].
    pub(crate) reason: Option<SessionEndReason>,
    /// Seconds to wait before retrying, sent as `Retry-After`.
    pub(crate) retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a code and a message.
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            reason: None,
            retry_after: None,
        }
    }

    /// 400 `invalid_request`.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }

    /// 401 `session_ended` with its reason.
    pub(crate) fn session_ended(reason: SessionEndReason) -> Self {
        Self {
            reason: Some(reason),
            ..Self::new(
                ErrorCode::SessionEnded,
                format!("{}; sign in again", reason.describe()),
            )
        }
    }

    /// 503 `unavailable` with a retry hint.
    pub(crate) fn unavailable(message: impl Into<String>, retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(ErrorCode::Unavailable, message)
        }
    }
}

impl ApiError {
    /// 429 `rate_limited` with a retry hint.
    pub(crate) fn rate_limited(message: impl Into<String>, retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(ErrorCode::RateLimited, message)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorBody {
            code: self.code,
            message: self.message,
            reason: self.reason,
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<CallControlError> for ApiError {
    fn from(error: CallControlError) -> Self {
        let message = error.to_string();
        match error {
            CallControlError::Invalid(_) => ApiError::invalid(message),
            CallControlError::Confirm(ConfirmError::File(ref e)) => {
                tracing::error!(error = %e, "cannot save a verified number");
                ApiError::new(ErrorCode::Internal, "the gateway cannot save the number")
            }
            CallControlError::Confirm(_) => ApiError::invalid(message),
            CallControlError::NotVerified => ApiError::new(ErrorCode::Forbidden, message),
            CallControlError::NotAllowed(_) | CallControlError::NumberInDisguise => {
                ApiError::new(ErrorCode::DestinationNotAllowed, message)
            }
            CallControlError::DomainNotServed(_) => {
                ApiError::new(ErrorCode::DomainNotServed, message)
            }
            CallControlError::NotAContact => ApiError::new(ErrorCode::NotFound, message),
            CallControlError::Contacts(_) => ApiError::new(ErrorCode::NetworkUnavailable, message),
            CallControlError::RateLimited { retry_after, .. } => {
                ApiError::rate_limited(message, retry_after)
            }
            CallControlError::AtCapacity => ApiError::unavailable(message, 5),
            CallControlError::UnknownCall => ApiError::new(ErrorCode::NotFound, message),
            CallControlError::Records(ref e) => {
                tracing::error!(error = %e, "call records unusable");
                ApiError::new(ErrorCode::Internal, "the gateway cannot keep call records")
            }
            CallControlError::NoRandomness => ApiError::new(ErrorCode::Internal, message),
        }
    }
}

impl From<SignInFailure> for ApiError {
    fn from(failure: SignInFailure) -> Self {
        let message = failure.to_string();
        match failure {
            SignInFailure::DomainNotServed(_) => ApiError::new(ErrorCode::DomainNotServed, message),
            SignInFailure::ShuttingDown => ApiError::unavailable(message, 5),
            SignInFailure::AlreadySigningIn => ApiError::unavailable(message, 2),
            SignInFailure::Full => ApiError::unavailable(message, 30),
            SignInFailure::TooManyDevices => ApiError::rate_limited(message, 60),
            SignInFailure::TooManyFailures { retry_after } => {
                ApiError::rate_limited(message, retry_after)
            }
            SignInFailure::AuthFailed => ApiError::new(ErrorCode::AuthFailed, message),
            SignInFailure::Unreachable(_) | SignInFailure::NotOnline => {
                ApiError::new(ErrorCode::NetworkUnavailable, message)
            }
            SignInFailure::BadDevice(_) => ApiError::invalid(message),
            SignInFailure::NoRandomness => ApiError::new(ErrorCode::Internal, message),
        }
    }
}

impl From<CommandError> for ApiError {
    fn from(error: CommandError) -> Self {
        match error {
            CommandError::NotAContact | CommandError::NotInRoom => {
                ApiError::new(ErrorCode::NotFound, error.to_string())
            }
            CommandError::Forbidden => ApiError::new(ErrorCode::Forbidden, error.to_string()),
            CommandError::Unsupported => ApiError::new(ErrorCode::NotFound, error.to_string()),
            // A stored list or room the server no longer has answers as
            // before the split, when both shared one variant.
            CommandError::UnknownArchivePosition | CommandError::NoSuchItem(_) => {
                ApiError::new(ErrorCode::CursorInvalid, error.to_string())
            }
            CommandError::Network(_) => {
                ApiError::new(ErrorCode::NetworkUnavailable, error.to_string())
            }
            CommandError::Ended => ApiError::new(
                ErrorCode::SessionEnded,
                "the session has ended; sign in again",
            ),
        }
    }
}

impl From<CursorError> for ApiError {
    fn from(error: CursorError) -> Self {
        ApiError::new(ErrorCode::CursorInvalid, error.to_string())
    }
}

impl From<PushError> for ApiError {
    fn from(error: PushError) -> Self {
        match &error {
            PushError::Endpoint(EndpointError::AddressNotAllowed) => Self::new(
                ErrorCode::DestinationNotAllowed,
                format!("endpoint: {error}; the gateway calls only public push services"),
            ),
            PushError::Endpoint(_) => Self::invalid(format!("endpoint: {error}")),
            PushError::Key(_) => Self::invalid(error.to_string()),
            PushError::Store(e) => {
                tracing::error!(error = %e, "push registrations file failed");
                Self::new(
                    ErrorCode::Internal,
                    "the registration could not be kept; try again",
                )
            }
        }
    }
}
