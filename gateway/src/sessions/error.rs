//! Why a sign-in did not give a session. Each message says what to do; the
//! HTTP layer maps each variant to its protocol error code.

/// A sign-in that did not give a session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SignInFailure {
    /// The address's domain is not one this gateway serves.
    #[error("this gateway does not serve {0}")]
    DomainNotServed(String),
    /// The gateway is shutting down.
    #[error("the gateway is shutting down; try another gateway")]
    ShuttingDown,
    /// The same device is already signing in.
    #[error("a sign-in from this device is already under way; retry in a moment")]
    AlreadySigningIn,
    /// The gateway holds as many sessions as it may.
    #[error("the gateway is full; try another gateway")]
    Full,
    /// The account holds as many sessions as it may.
    #[error("this account has too many devices signed in; sign one of them off first")]
    TooManyDevices,
    /// Too many wrong passwords lately from this device, for this account
    /// from new devices, from this address, or at this gateway.
    #[error("too many wrong passwords lately; try again in {retry_after} seconds")]
    TooManyFailures {
        /// Seconds until the account may try again.
        retry_after: u64,
    },
    /// The network refused the address or password.
    #[error("wrong address or password; check them and sign in again")]
    AuthFailed,
    /// The network could not be reached (the reason, then what to do).
    #[error("{0}; try again later")]
    Unreachable(String),
    /// The network session did not come up within the sign-in timeout.
    #[error("the network session did not come up in time; try again")]
    NotOnline,
    /// The device id cannot be part of the session's address.
    #[error("device_id cannot form an address: {0}")]
    BadDevice(String),
    /// The system's random source failed.
    #[error("the gateway cannot make a token; try another gateway")]
    NoRandomness,
}
