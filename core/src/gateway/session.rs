//! The one gateway session of a client, shared. The client makes it when it
//! opens; each sync engine publishes there the endpoint it talks to and the
//! token of each sign-in, and forgets the token when the session ends. Room admin and call setup read
//! it at every request, so they reuse the engine's HTTP client (its
//! connections and TLS sessions) and never send a token a re-sign-in replaced.

use std::sync::{Arc, Mutex, MutexGuard};

use super::{GatewayClient, GatewayError};
use crate::util::lock;

/// A shared view of the current session: cheap to clone, always current.
#[derive(Debug, Clone)]
pub(crate) struct SessionHandle {
    current: Arc<Mutex<Current>>,
    /// Held while an engine signs in, so two never sign in at once (each
    /// sign-in replaces the device's session at the gateway).
    signing: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Debug)]
struct Current {
    /// None until an engine first publishes its endpoint.
    gateway: Option<GatewayClient>,
    token: Option<String>,
}

impl SessionHandle {
    /// A handle with no endpoint and no token yet: not signed in.
    pub(crate) fn detached() -> Self {
        Self {
            current: Arc::new(Mutex::new(Current {
                gateway: None,
                token: None,
            })),
            signing: Arc::default(),
        }
    }

    /// Not signed in any more (the engine stopped); the endpoint stays.
    pub(crate) fn forget(&self) {
        self.lock().token = None;
    }

    /// Forgets `token` if it is still the current one (it failed); false if
    /// another sign-in replaced it meanwhile, which stays.
    pub(crate) fn forget_token(&self, token: &str) -> bool {
        let mut current = self.lock();
        let same = current.token.as_deref() == Some(token);
        if same {
            current.token = None;
        }
        same
    }

    /// The lock an engine holds while it signs in.
    pub(crate) fn signing(&self) -> Arc<tokio::sync::Mutex<()>> {
        self.signing.clone()
    }

    /// The engine talks to `gateway` now, signed in with `token`, or with
    /// `None` not signed in (the session ended, or it moved to another endpoint).
    pub(crate) fn set(&self, gateway: &GatewayClient, token: Option<String>) {
        let mut current = self.lock();
        current.gateway = Some(gateway.clone());
        current.token = token;
    }

    /// The current token, if signed in.
    pub(crate) fn token(&self) -> Option<String> {
        self.lock().token.clone()
    }

    /// The endpoint's client (a clone shares its connections) and the
    /// current token; `NotSignedIn` without one.
    pub(crate) fn current(&self) -> Result<(GatewayClient, String), GatewayError> {
        let current = self.lock();
        match (&current.gateway, &current.token) {
            (Some(gateway), Some(token)) => Ok((gateway.clone(), token.clone())),
            _ => Err(GatewayError::NotSignedIn),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Current> {
        lock(&self.current)
    }
}
