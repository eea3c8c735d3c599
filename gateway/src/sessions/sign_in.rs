//! Signing in: the gateway's and the account's session limits, the password
//! checked with the network (within the limit of refused attempts), then the
//! session's worker started and awaited until it is online.

use std::{
    net::IpAddr,
    sync::{Arc, atomic::Ordering},
    time::Instant,
};

use splitline_protocol::{SessionEndReason, SignInResponse};
use tokio_xmpp::jid::{BareJid, FullJid, Jid};

use super::{
    error::SignInFailure, push_watch::PushWatch, registry::Registry, session::UserSession,
};
use crate::{
    event_log::EventLog,
    metrics::Metrics,
    util::random_text,
    xmpp::{connect::SignInError, session::Worker},
};

/// A sign-in request whose fields are checked.
#[derive(Debug)]
pub(crate) struct SignIn {
    pub(crate) jid: BareJid,
    /// The phone's installation id.
    pub(crate) device_id: String,
    /// The user's password; kept in memory only, for reconnects.
    pub(crate) password: String,
    /// The app's build, for the log.
    pub(crate) build_id: String,
    /// Where the request came from, for the guess limits.
    pub(crate) address: IpAddr,
}

/// A sign-in under way; frees its place when dropped.
struct Reservation<'a> {
    registry: &'a Registry,
    key: (BareJid, String),
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        self.registry.state().signing_in.remove(&self.key);
    }
}

impl Registry {
    /// Signs a user in: checks the password with the network, then starts the
    /// session and waits until it is online.
    pub(crate) async fn sign_in(
        self: &Arc<Self>,
        request: SignIn,
    ) -> Result<SignInResponse, SignInFailure> {
        let SignIn {
            jid,
            device_id,
            password,
            build_id,
            address,
        } = request;
        if !self.domains.iter().any(|d| d == jid.domain().as_str()) {
            return Err(SignInFailure::DomainNotServed(jid.domain().to_string()));
        }
        let _reservation = self.reserve(&jid, &device_id)?;
        tracing::info!(user = %jid, device = %device_id, build = ?build_id, "sign-in");
        self.authenticate(&jid, &device_id, address, &password)
            .await?;
        let (session, online) = self.start_session(jid, device_id, password)?;
        let token = session.token().to_owned();
        match tokio::time::timeout(self.config.sign_in_timeout, online).await {
            Ok(Ok(bound)) => Ok(SignInResponse {
                token,
                bound_jid: bound.to_string(),
                cursor: session.log.start_cursor(),
                idle_timeout_secs: self.idle_timeout_of(&session).as_secs(),
            }),
            _ => {
                self.end(&token, SessionEndReason::NetworkLost);
                Err(SignInFailure::NotOnline)
            }
        }
    }

    /// Holds a place for a sign-in: one at a time per device, and sign-ins
    /// under way count against the gateway's and the account's session limits.
    fn reserve(&self, jid: &BareJid, device_id: &str) -> Result<Reservation<'_>, SignInFailure> {
        let key = (jid.clone(), device_id.to_owned());
        let mut state = self.state();
        if state.closing {
            return Err(SignInFailure::ShuttingDown);
        }
        if state.signing_in.contains(&key) {
            return Err(SignInFailure::AlreadySigningIn);
        }
        if state.live.len() + state.signing_in.len() >= self.config.max_sessions {
            return Err(SignInFailure::Full);
        }
        let replaced = usize::from(state.by_device.contains_key(&key));
        let of_account = state.live.values().filter(|s| s.jid == *jid).count()
            + state.signing_in.iter().filter(|(j, _)| j == jid).count();
        if of_account - replaced >= self.config.max_sessions_per_account {
            return Err(SignInFailure::TooManyDevices);
        }
        state.signing_in.insert(key.clone());
        Ok(Reservation {
            registry: self,
            key,
        })
    }

    /// Checks the password with the network, within the guess limits (see
    /// [`super::sign_in_limit`]). A refusal takes at least the refusal floor,
    /// whether the account exists or not.
    async fn authenticate(
        &self,
        jid: &BareJid,
        device_id: &str,
        address: IpAddr,
        password: &str,
    ) -> Result<(), SignInFailure> {
        let started = tokio::time::Instant::now();
        let attempt = self
            .sign_in_limit
            .begin(jid.as_str(), device_id, address, Instant::now())
            .map_err(|refused| {
                tracing::warn!(user = %jid, by = ?refused.by, "sign-in refused: too many wrong passwords");
                SignInFailure::TooManyFailures {
                    retry_after: refused.retry_after,
                }
            })?;
        match self.endpoint.check_credentials(jid, password).await {
            Ok(()) => {
                attempt.accepted(Instant::now());
                Ok(())
            }
            Err(SignInError::AuthFailed) => {
                attempt.refused(Instant::now());
                tokio::time::sleep_until(started + self.config.sign_in_refusal_floor).await;
                Err(self.sign_in_error(jid, SignInError::AuthFailed))
            }
            Err(other) => Err(self.sign_in_error(jid, other)),
        }
    }

    /// Starts the session's worker and registers it; the same device's old
    /// session is replaced (it used the same resource). With push on, the
    /// session's log is watched for wake-ups.
    fn start_session(
        self: &Arc<Self>,
        jid: BareJid,
        device_id: String,
        password: String,
    ) -> Result<(Arc<UserSession>, tokio::sync::oneshot::Receiver<Jid>), SignInFailure> {
        let full = FullJid::new(&format!("{jid}/splitline-{device_id}"))
            .map_err(|e| SignInFailure::BadDevice(e.to_string()))?;
        let random = |bytes| random_text(bytes).map_err(|_| SignInFailure::NoRandomness);
        let token = random(32)?;
        let log = Arc::new(
            EventLog::new(
                random(8)?,
                self.config.event_buffer,
                self.config.event_buffer_bytes,
            )
            .with_strangers(self.config.strangers),
        );
        let previous = self
            .state()
            .by_device
            .get(&(jid.clone(), device_id.clone()))
            .cloned();
        if let Some(old) = previous {
            self.end(&old, SessionEndReason::Replaced);
        }
        let endpoint = self.endpoint.clone();
        let new_stream = Box::new(move || endpoint.stream(full.clone(), password.clone()));
        let (online_tx, online_rx) = tokio::sync::oneshot::channel();
        let (worker, join) = Worker::spawn(
            new_stream,
            jid.clone(),
            log.clone(),
            self.metrics.clone(),
            self.config.network_grace,
            online_tx,
        );
        self.workers.fetch_add(1, Ordering::Relaxed);
        let session = Arc::new(UserSession::new(
            token.clone(),
            jid.clone(),
            device_id.clone(),
            log.clone(),
            worker,
        ));
        if let Some(hub) = self.push() {
            log.observe(Arc::new(PushWatch {
                hub: hub.clone(),
                device: session.device_key(),
                session: Arc::downgrade(&session),
            }));
        }
        {
            let mut state = self.state();
            state.live.insert(token.clone(), session.clone());
            state.by_device.insert((jid, device_id), token.clone());
        }
        self.metrics.sessions_active.fetch_add(1, Ordering::Relaxed);
        Metrics::inc(&self.metrics.sessions_started);
        let registry = self.clone();
        let supervised = token;
        tokio::spawn(async move {
            let reason = join.await.unwrap_or(SessionEndReason::NetworkLost);
            registry.finish(&supervised, reason);
            registry.workers.fetch_sub(1, Ordering::Relaxed);
        });
        Ok((session, online_rx))
    }

    fn sign_in_error(&self, jid: &BareJid, error: SignInError) -> SignInFailure {
        match error {
            SignInError::AuthFailed => {
                Metrics::inc(&self.metrics.sign_in_failures);
                tracing::info!(user = %jid, "sign-in refused by the network");
                SignInFailure::AuthFailed
            }
            other => {
                tracing::warn!(user = %jid, error = %other, "sign-in could not reach the network");
                SignInFailure::Unreachable(other.to_string())
            }
        }
    }
}
