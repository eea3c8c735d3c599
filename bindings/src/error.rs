//! `SplitlineError`: every failure the app can see, with the protocol's
//! stable error code and `Retry-After` when the gateway gave them.

use splitline_core::{
    address_book::AddressBookError,
    calls::{CallSetupError, routing::RoutingError},
    client::ClientError,
    gateway::GatewayError,
    history::HistoryError,
    store::StoreError,
    sync::SyncError,
};
use splitline_protocol::ErrorCode;

/// Every failure the app can see. Each variant has `details` (for people,
/// never shown as-is to match on), `code` (the protocol's error code, such
/// as `"not_found"`, when the gateway answered with one) and
/// `retry_after_secs` (when the gateway sent `Retry-After`).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum SplitlineError {
    /// The gateway knows no such contact, room or call.
    #[error("not found: {details}")]
    NotFound {
        /// What is missing.
        details: String,
        /// The gateway's error code.
        code: Option<String>,
        /// Seconds to wait before retrying, if the gateway said.
        retry_after_secs: Option<u64>,
    },
    /// The user may not do that (a room's owners only, a destination the
    /// call policy does not dial, a domain the gateway does not serve).
    #[error("not allowed: {details}")]
    Forbidden {
        /// Why.
        details: String,
        /// The gateway's error code.
        code: Option<String>,
        /// Seconds to wait before retrying, if the gateway said.
        retry_after_secs: Option<u64>,
    },
    /// An argument is not valid (for example an address without a user
    /// part); `code` is set when the gateway refused it, none when the core did.
    #[error("invalid input: {details}")]
    Invalid {
        /// What is wrong.
        details: String,
        /// The gateway's error code.
        code: Option<String>,
        /// Seconds to wait before retrying, if the gateway said.
        retry_after_secs: Option<u64>,
    },
    /// Not connected: the gateway or the network behind it cannot be
    /// reached now, or the client is not signed in (syncing keeps trying).
    #[error("not connected: {details}")]
    Offline {
        /// What happened.
        details: String,
        /// The gateway's error code.
        code: Option<String>,
        /// Seconds to wait before retrying, if the gateway said.
        retry_after_secs: Option<u64>,
    },
    /// Too many requests: retry after `retry_after_secs`.
    #[error("rate limited: {details}")]
    RateLimited {
        /// What was limited.
        details: String,
        /// The gateway's error code.
        code: Option<String>,
        /// Seconds to wait before retrying, if the gateway said.
        retry_after_secs: Option<u64>,
    },
    /// The network refused the address or password: sign in again.
    #[error("sign-in refused: {details}")]
    AuthFailed {
        /// What the network said.
        details: String,
        /// The gateway's error code.
        code: Option<String>,
        /// Seconds to wait before retrying, if the gateway said.
        retry_after_secs: Option<u64>,
    },
    /// The local store failed.
    #[error("local storage failed: {details}")]
    Storage {
        /// What failed.
        details: String,
        /// Always none: the store is local.
        code: Option<String>,
        /// Always none.
        retry_after_secs: Option<u64>,
    },
    /// No route can place the call now; `details` says why for each.
    #[error("the call cannot be placed: {details}")]
    CallNotPossible {
        /// Why.
        details: String,
        /// Always none: the core decided.
        code: Option<String>,
        /// Always none.
        retry_after_secs: Option<u64>,
    },
    /// Anything else, a bug included (in the core or the gateway).
    #[error("internal error: {details}")]
    Internal {
        /// What happened.
        details: String,
        /// The gateway's error code.
        code: Option<String>,
        /// Seconds to wait before retrying, if the gateway said.
        retry_after_secs: Option<u64>,
    },
}

/// Which variant, before its fields are filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NotFound,
    Forbidden,
    Invalid,
    Offline,
    RateLimited,
    AuthFailed,
    Storage,
    CallNotPossible,
    Internal,
}

impl SplitlineError {
    fn of(kind: Kind, details: String, code: Option<ErrorCode>, retry: Option<u64>) -> Self {
        let code = code.map(wire_name);
        let retry_after_secs = retry;
        match kind {
            Kind::NotFound => Self::NotFound {
                details,
                code,
                retry_after_secs,
            },
            Kind::Forbidden => Self::Forbidden {
                details,
                code,
                retry_after_secs,
            },
            Kind::Invalid => Self::Invalid {
                details,
                code,
                retry_after_secs,
            },
            Kind::Offline => Self::Offline {
                details,
                code,
                retry_after_secs,
            },
            Kind::RateLimited => Self::RateLimited {
                details,
                code,
                retry_after_secs,
            },
            Kind::AuthFailed => Self::AuthFailed {
                details,
                code,
                retry_after_secs,
            },
            Kind::Storage => Self::Storage {
                details,
                code,
                retry_after_secs,
            },
            Kind::CallNotPossible => Self::CallNotPossible {
                details,
                code,
                retry_after_secs,
            },
            Kind::Internal => Self::Internal {
                details,
                code,
                retry_after_secs,
            },
        }
    }

    /// A bad argument the bindings found.
    pub(crate) fn invalid(details: impl Into<String>) -> Self {
        Self::of(Kind::Invalid, details.into(), None, None)
    }

    /// A bug or a broken environment.
    pub(crate) fn internal(details: impl Into<String>) -> Self {
        Self::of(Kind::Internal, details.into(), None, None)
    }

    /// The protocol's error code, if the gateway gave one.
    pub fn code(&self) -> Option<&str> {
        self.fields().1
    }

    /// The `Retry-After` seconds, if the gateway gave them.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.fields().2
    }

    fn fields(&self) -> (&str, Option<&str>, Option<u64>) {
        match self {
            Self::NotFound {
                details,
                code,
                retry_after_secs,
            }
            | Self::Forbidden {
                details,
                code,
                retry_after_secs,
            }
            | Self::Invalid {
                details,
                code,
                retry_after_secs,
            }
            | Self::Offline {
                details,
                code,
                retry_after_secs,
            }
            | Self::RateLimited {
                details,
                code,
                retry_after_secs,
            }
            | Self::AuthFailed {
                details,
                code,
                retry_after_secs,
            }
            | Self::Storage {
                details,
                code,
                retry_after_secs,
            }
            | Self::CallNotPossible {
                details,
                code,
                retry_after_secs,
            }
            | Self::Internal {
                details,
                code,
                retry_after_secs,
            } => (details, code.as_deref(), *retry_after_secs),
        }
    }
}

/// The protocol's name for `code`, as on the wire (`"not_found"`).
fn wire_name(code: ErrorCode) -> String {
    match serde_json::to_value(code) {
        Ok(serde_json::Value::String(name)) => name,
        _ => format!("{code:?}"),
    }
}

/// The variant for each protocol error code.
fn kind_of(code: ErrorCode) -> Kind {
    match code {
        ErrorCode::NotFound => Kind::NotFound,
        ErrorCode::Forbidden | ErrorCode::DestinationNotAllowed | ErrorCode::DomainNotServed => {
            Kind::Forbidden
        }
        ErrorCode::InvalidRequest
        | ErrorCode::PayloadTooLarge
        | ErrorCode::UriTooLong
        | ErrorCode::HeadersTooLarge
        | ErrorCode::MethodNotAllowed => Kind::Invalid,
        ErrorCode::RateLimited => Kind::RateLimited,
        ErrorCode::AuthFailed => Kind::AuthFailed,
        ErrorCode::Unauthorized
        | ErrorCode::SessionEnded
        | ErrorCode::CursorInvalid
        | ErrorCode::NetworkUnavailable
        | ErrorCode::Unavailable => Kind::Offline,
        ErrorCode::Internal => Kind::Internal,
    }
}

impl From<GatewayError> for SplitlineError {
    fn from(error: GatewayError) -> Self {
        let details = error.to_string();
        match error {
            GatewayError::Refused {
                body, retry_after, ..
            } => Self::of(kind_of(body.code), details, Some(body.code), retry_after),
            GatewayError::Unreachable(_) | GatewayError::NotSignedIn => {
                Self::of(Kind::Offline, details, None, None)
            }
            GatewayError::BadResponse(_) => Self::of(Kind::Internal, details, None, None),
        }
    }
}

impl From<StoreError> for SplitlineError {
    fn from(error: StoreError) -> Self {
        Self::of(Kind::Storage, error.to_string(), None, None)
    }
}

impl From<ClientError> for SplitlineError {
    fn from(error: ClientError) -> Self {
        let details = error.to_string();
        match error {
            ClientError::Invalid(_)
            | ClientError::BodyTooLong { .. }
            | ClientError::Sync(SyncError::Config(_)) => {
                Self::of(Kind::Invalid, details, None, None)
            }
            ClientError::Store(_) | ClientError::Sync(SyncError::Store(_)) => {
                Self::of(Kind::Storage, details, None, None)
            }
            ClientError::Sync(SyncError::AuthFailed) => {
                Self::of(Kind::AuthFailed, details, Some(ErrorCode::AuthFailed), None)
            }
            ClientError::Offline(_) => Self::of(Kind::Offline, details, None, None),
            ClientError::Gateway(error) => error.into(),
        }
    }
}

impl From<HistoryError> for SplitlineError {
    fn from(error: HistoryError) -> Self {
        let details = error.to_string();
        match error {
            HistoryError::Store(_) => Self::of(Kind::Storage, details, None, None),
            HistoryError::BadPeer(_)
            | HistoryError::UnknownRow { .. }
            | HistoryError::BadLimit { .. } => Self::of(Kind::Invalid, details, None, None),
        }
    }
}

impl From<AddressBookError> for SplitlineError {
    fn from(error: AddressBookError) -> Self {
        let details = error.to_string();
        match error {
            AddressBookError::Store(_) => Self::of(Kind::Storage, details, None, None),
            AddressBookError::Number(_) | AddressBookError::Invalid(_) => {
                Self::of(Kind::Invalid, details, None, None)
            }
            AddressBookError::Gateway(error) => error.into(),
            AddressBookError::TaskFailed(_) => Self::of(Kind::Internal, details, None, None),
        }
    }
}

impl From<CallSetupError> for SplitlineError {
    fn from(error: CallSetupError) -> Self {
        let details = error.to_string();
        match error {
            CallSetupError::Gateway(error) => error.into(),
            CallSetupError::Routing(RoutingError::NoRoute(_)) => {
                Self::of(Kind::CallNotPossible, details, None, None)
            }
            CallSetupError::Routing(_) | CallSetupError::NotThroughGateway => {
                Self::of(Kind::Invalid, details, None, None)
            }
        }
    }
}

#[cfg(test)]
mod tests;
