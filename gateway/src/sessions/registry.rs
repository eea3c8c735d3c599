//! The registry of this gateway's sessions: lookup by token, ending, and the
//! tombstones that tell an old token why its session ended.
//!
//! Tokens and passwords live in memory only. An ended session leaves a
//! tombstone for a day (see [`super::reaper`]) so the phone learns why its
//! token stopped working.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use splitline_protocol::{Event, SessionEndReason};
use tokio_xmpp::jid::BareJid;

use super::{
    session::UserSession,
    sign_in_limit::{GuessLimits, SignInLimit},
};
use crate::{
    config::SessionConfig, metrics::Metrics, push::PushHub, util::lock, xmpp::connect::XmppEndpoint,
};

/// What a token names.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// A live session.
    Live(Arc<UserSession>),
    /// A session that ended, and why.
    Ended(SessionEndReason),
    Unknown,
}

/// The registry's tables, under one lock.
#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) live: HashMap<String, Arc<UserSession>>,
    pub(super) signing_in: HashSet<(BareJid, String)>,
    pub(super) by_device: HashMap<(BareJid, String), String>,
    pub(super) ended: HashMap<String, (SessionEndReason, Instant)>,
    pub(super) closing: bool,
}

/// All sessions of this gateway.
#[derive(Debug)]
pub(crate) struct Registry {
    pub(super) config: SessionConfig,
    /// The domains whose users may sign in.
    pub(super) domains: Vec<String>,
    pub(super) endpoint: XmppEndpoint,
    pub(super) metrics: Arc<Metrics>,
    state: Mutex<State>,
    /// Workers still running (ended sessions' included, until they stop).
    pub(super) workers: AtomicUsize,
    pub(super) sign_in_limit: SignInLimit,
    /// Push wake-ups, when on.
    push: Option<Arc<PushHub>>,
}

impl Registry {
    /// An empty registry signing users of `domains` in at `endpoint`.
    pub(crate) fn new(
        config: SessionConfig,
        domains: Vec<String>,
        endpoint: XmppEndpoint,
        metrics: Arc<Metrics>,
        push: Option<Arc<PushHub>>,
    ) -> Arc<Self> {
        let sign_in_limit = SignInLimit::new(
            GuessLimits {
                per_device: config.sign_in_failures,
                per_address: config.sign_in_failures_per_address,
                window: config.sign_in_failure_window,
                per_second: config.sign_in_guesses_per_sec,
            },
            Instant::now(),
        );
        Arc::new(Self {
            config,
            domains,
            endpoint,
            metrics,
            state: Mutex::new(State::default()),
            workers: AtomicUsize::new(0),
            sign_in_limit,
            push,
        })
    }

    /// Push wake-ups, when this gateway pushes.
    pub(crate) fn push(&self) -> Option<&Arc<PushHub>> {
        self.push.as_ref()
    }

    /// The session's idle timeout: long while its device has a push
    /// registration.
    pub(crate) fn idle_timeout_of(&self, session: &UserSession) -> Duration {
        match &self.push {
            Some(push) if push.is_registered(&session.device_key()) => push.idle_timeout(),
            _ => self.config.idle_timeout,
        }
    }

    /// Adds `event` to the stream of every session of `account`.
    pub(crate) fn notify_account(&self, account: &BareJid, event: &Event) {
        let sessions: Vec<Arc<UserSession>> = self
            .state()
            .live
            .values()
            .filter(|s| s.jid == *account)
            .cloned()
            .collect();
        for session in sessions {
            session.log.push(event.clone());
        }
    }

    pub(super) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// What `token` names.
    pub(crate) fn lookup(&self, token: &str) -> Lookup {
        let state = self.state();
        if let Some(session) = state.live.get(token) {
            return Lookup::Live(session.clone());
        }
        match state.ended.get(token) {
            Some((reason, _)) => Lookup::Ended(*reason),
            None => Lookup::Unknown,
        }
    }

    /// Ends a session: its token stops working at once, long-polls see
    /// `session_ended`, and the worker goes offline.
    pub(crate) fn end(&self, token: &str, reason: SessionEndReason) {
        let session = self.retire(token, reason);
        if let Some(session) = session {
            tracing::info!(user = %session.jid, device = %session.device_id, ?reason, "session ended");
            session.end_worker();
        }
    }

    /// The worker stopped by itself (or after [`Self::end`]).
    pub(super) fn finish(&self, token: &str, reason: SessionEndReason) {
        if let Some(session) = self.retire(token, reason) {
            tracing::info!(user = %session.jid, device = %session.device_id, ?reason, "session ended by the network side");
        }
    }

    /// Moves a live session to the tombstones, once.
    fn retire(&self, token: &str, reason: SessionEndReason) -> Option<Arc<UserSession>> {
        let session = {
            let mut state = self.state();
            let session = state.live.remove(token)?;
            let key = (session.jid.clone(), session.device_id.clone());
            if state.by_device.get(&key).is_some_and(|t| t == token) {
                state.by_device.remove(&key);
            }
            state
                .ended
                .insert(token.to_owned(), (reason, Instant::now()));
            session
        };
        session.log.push(Event::SessionEnded { reason });
        self.metrics.sessions_active.fetch_sub(1, Ordering::Relaxed);
        Some(session)
    }

    /// Ends every session and waits (up to `grace`) for their workers to go offline.
    pub(crate) async fn shutdown(&self, grace: Duration) {
        let tokens: Vec<String> = {
            let mut state = self.state();
            state.closing = true;
            state.live.keys().cloned().collect()
        };
        for token in tokens {
            self.end(&token, SessionEndReason::GatewayShutdown);
        }
        let deadline = Instant::now() + grace;
        while self.workers.load(Ordering::Relaxed) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
