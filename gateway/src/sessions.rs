//! The signed-in sessions: sign-in, lookup by token, ending, and the idle reaper.
//!
//! Tokens and passwords live in memory only. An ended session leaves a
//! tombstone for a day so the phone learns why its token stopped working.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use base64::Engine;
use splitline_protocol::{
    AccessNumber, ErrorCode, Event, SessionEndReason, SignInRequest, SignInResponse,
};
use tokio_xmpp::jid::{BareJid, FullJid};

use crate::{
    calls::CallControl,
    config::Config,
    error::ApiError,
    event_log::{CursorError, EventLog},
    metrics::Metrics,
    sign_in_limit::SignInLimit,
    validate,
    xmpp::{
        connect::{SignInError, XmppEndpoint},
        session::{Command, CommandError, Worker, WorkerHandle},
    },
};

/// How long a tombstone tells an old token why its session ended.
const TOMBSTONE_TTL: Duration = Duration::from_secs(24 * 3600);
/// Longest long-poll.
pub const MAX_WAIT_SECS: u64 = 60;

/// One signed-in user's session.
#[derive(Debug)]
pub struct Session {
    token: String,
    /// The user.
    pub jid: BareJid,
    /// The phone's installation id.
    pub device_id: String,
    /// The session's event stream.
    pub log: Arc<EventLog>,
    worker: WorkerHandle,
    last_seen: Mutex<Instant>,
    polls: AtomicUsize,
}

impl Session {
    /// The session's bearer token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Records activity from the phone.
    pub fn touch(&self) {
        *self.last_seen.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    /// Time since the phone was last heard from (zero while a poll is open).
    fn idle_for(&self) -> Duration {
        if self.polls.load(Ordering::Relaxed) > 0 {
            return Duration::ZERO;
        }
        self.last_seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
    }

    /// Runs a worker command; maps its failure to an API error.
    pub async fn command<T>(
        &self,
        make: impl FnOnce(tokio::sync::oneshot::Sender<Result<T, CommandError>>) -> Command,
    ) -> Result<T, ApiError> {
        self.worker.request(make).await.map_err(|e| match e {
            CommandError::NotAContact | CommandError::NotInRoom => {
                ApiError::new(ErrorCode::NotFound, e.to_string())
            }
            CommandError::Forbidden => ApiError::new(ErrorCode::Forbidden, e.to_string()),
            CommandError::Unsupported => ApiError::new(ErrorCode::NotFound, e.to_string()),
            CommandError::UnknownArchivePosition | CommandError::NoSuchItem(_) => {
                ApiError::new(ErrorCode::CursorInvalid, e.to_string())
            }
            CommandError::Network(_) => ApiError::new(ErrorCode::NetworkUnavailable, e.to_string()),
            CommandError::Ended => ApiError::new(
                ErrorCode::SessionEnded,
                "the session has ended; sign in again",
            ),
        })
    }

    /// Long-polls the event log; counts as presence of the phone throughout,
    /// even if the phone drops the connection mid-poll.
    pub async fn poll(
        &self,
        cursor: &str,
        wait: Duration,
    ) -> Result<(Vec<splitline_protocol::EventEnvelope>, String), ApiError> {
        let _open = OpenPoll::new(self);
        self.log
            .wait(cursor, wait)
            .await
            .map_err(|e: CursorError| ApiError::new(ErrorCode::CursorInvalid, e.to_string()))
    }
}

/// Marks a long-poll as open while it lives; on drop (answered or abandoned)
/// the session counts as just seen.
struct OpenPoll<'a>(&'a Session);

impl<'a> OpenPoll<'a> {
    fn new(session: &'a Session) -> Self {
        session.polls.fetch_add(1, Ordering::Relaxed);
        Self(session)
    }
}

impl Drop for OpenPoll<'_> {
    fn drop(&mut self) {
        self.0.touch();
        self.0.polls.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What a token names.
#[derive(Debug)]
pub enum Lookup {
    /// A live session.
    Live(Arc<Session>),
    /// A session that ended, and why.
    Ended(SessionEndReason),
    /// Nothing.
    Unknown,
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

#[derive(Debug, Default)]
struct State {
    live: HashMap<String, Arc<Session>>,
    signing_in: HashSet<(BareJid, String)>,
    by_device: HashMap<(BareJid, String), String>,
    ended: HashMap<String, (SessionEndReason, Instant)>,
    closing: bool,
}

/// All sessions of this gateway.
#[derive(Debug)]
pub struct Registry {
    config: Config,
    endpoint: XmppEndpoint,
    /// The gateway's counters.
    pub metrics: Arc<Metrics>,
    state: Mutex<State>,
    workers: AtomicUsize,
    sign_in_limit: SignInLimit,
    calls: Option<Arc<CallControl>>,
}

impl Registry {
    /// An empty registry; `calls` is the call control, when calls are on.
    pub fn new(
        config: Config,
        metrics: Arc<Metrics>,
        calls: Option<Arc<CallControl>>,
    ) -> Arc<Self> {
        let sign_in_limit =
            SignInLimit::new(config.sign_in_failures, config.sign_in_failure_window);
        Arc::new(Self {
            calls,
            endpoint: XmppEndpoint::from_config(&config),
            config,
            metrics,
            state: Mutex::new(State::default()),
            workers: AtomicUsize::new(0),
            sign_in_limit,
        })
    }

    /// The call control, or `not_found` when this gateway places no calls.
    pub fn calls(&self) -> Result<&Arc<CallControl>, ApiError> {
        self.calls.as_ref().ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                "this gateway does not place calls (no sip-listen configured)",
            )
        })
    }

    /// Adds `event` to the stream of every session of `account`.
    pub fn notify_account(&self, account: &BareJid, event: &Event) {
        let sessions: Vec<Arc<Session>> = self
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

    /// The access-number directory.
    pub fn access_numbers(&self) -> &[AccessNumber] {
        &self.config.access_numbers
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What `token` names.
    pub fn lookup(&self, token: &str) -> Lookup {
        let state = self.state();
        if let Some(session) = state.live.get(token) {
            return Lookup::Live(session.clone());
        }
        match state.ended.get(token) {
            Some((reason, _)) => Lookup::Ended(*reason),
            None => Lookup::Unknown,
        }
    }

    /// Signs a user in: checks the password with the network, then starts the
    /// session and waits until it is online.
    pub async fn sign_in(
        self: &Arc<Self>,
        request: SignInRequest,
    ) -> Result<SignInResponse, ApiError> {
        let (jid, device_id) = self.check_request(&request)?;
        let _reservation = self.reserve(&jid, &device_id)?;
        tracing::info!(user = %jid, device = %device_id, build = ?request.build_id, "sign-in");
        self.authenticate(&jid, &request.password).await?;
        let (token, log, online) = self.start_session(jid, device_id, request.password)?;
        match tokio::time::timeout(self.config.sign_in_timeout, online).await {
            Ok(Ok(bound)) => Ok(SignInResponse {
                token,
                bound_jid: bound.to_string(),
                cursor: log.start_cursor(),
                idle_timeout_secs: self.config.idle_timeout.as_secs(),
            }),
            _ => {
                self.end(&token, SessionEndReason::NetworkLost);
                Err(ApiError::new(
                    ErrorCode::NetworkUnavailable,
                    "the network session did not come up in time; try again",
                ))
            }
        }
    }

    fn check_request(&self, request: &SignInRequest) -> Result<(BareJid, String), ApiError> {
        let jid = validate::bare_jid("jid", &request.jid)?;
        let device_id = validate::client_token("device_id", &request.device_id)?.to_owned();
        validate::text("build_id", &request.build_id, 128, false)?;
        if request.password.is_empty() {
            return Err(ApiError::invalid("password must not be empty"));
        }
        if !self
            .config
            .domains
            .iter()
            .any(|d| d == jid.domain().as_str())
        {
            return Err(ApiError::new(
                ErrorCode::DomainNotServed,
                format!("this gateway does not serve {}", jid.domain()),
            ));
        }
        Ok((jid, device_id))
    }

    /// Holds a place for a sign-in: one at a time per device, and sign-ins
    /// under way count against the gateway's and the account's session limits.
    fn reserve(&self, jid: &BareJid, device_id: &str) -> Result<Reservation<'_>, ApiError> {
        let key = (jid.clone(), device_id.to_owned());
        let mut state = self.state();
        if state.closing {
            return Err(ApiError::unavailable(
                "the gateway is shutting down; try another gateway",
                5,
            ));
        }
        if state.signing_in.contains(&key) {
            return Err(ApiError::unavailable(
                "a sign-in from this device is already under way; retry in a moment",
                2,
            ));
        }
        if state.live.len() + state.signing_in.len() >= self.config.max_sessions {
            return Err(ApiError::unavailable(
                "the gateway is full; try another gateway",
                30,
            ));
        }
        let replaced = usize::from(state.by_device.contains_key(&key));
        let of_account = state.live.values().filter(|s| s.jid == *jid).count()
            + state.signing_in.iter().filter(|(j, _)| j == jid).count();
        if of_account - replaced >= self.config.max_sessions_per_account {
            return Err(ApiError {
                retry_after: Some(60),
                ..ApiError::new(
                    ErrorCode::RateLimited,
                    "this account has too many devices signed in; sign one of them off first",
                )
            });
        }
        state.signing_in.insert(key.clone());
        Ok(Reservation {
            registry: self,
            key,
        })
    }

    /// Checks the password with the network, within the per-account limit of
    /// refused attempts.
    async fn authenticate(&self, jid: &BareJid, password: &str) -> Result<(), ApiError> {
        let attempt = self.sign_in_limit.begin(jid.as_str(), Instant::now()).map_err(|retry_after| {
            tracing::warn!(user = %jid, "sign-in refused: too many wrong passwords");
            ApiError {
                retry_after: Some(retry_after),
                ..ApiError::new(
                    ErrorCode::RateLimited,
                    format!("too many wrong passwords for this account; try again in {retry_after} seconds"),
                )
            }
        })?;
        match self.endpoint.check_credentials(jid, password).await {
            Ok(()) => {
                attempt.accepted();
                Ok(())
            }
            Err(SignInError::AuthFailed) => {
                attempt.refused();
                Err(self.sign_in_error(jid, SignInError::AuthFailed))
            }
            Err(other) => Err(self.sign_in_error(jid, other)),
        }
    }

    /// Starts the session's worker and registers it; the same device's old
    /// session is replaced (it used the same resource).
    fn start_session(
        self: &Arc<Self>,
        jid: BareJid,
        device_id: String,
        password: String,
    ) -> Result<
        (
            String,
            Arc<EventLog>,
            tokio::sync::oneshot::Receiver<tokio_xmpp::jid::Jid>,
        ),
        ApiError,
    > {
        let full = FullJid::new(&format!("{jid}/splitline-{device_id}"))
            .map_err(|e| ApiError::invalid(format!("device_id cannot form an address: {e}")))?;
        let token = random_text(32)?;
        let log = Arc::new(EventLog::new(
            random_text(8)?,
            self.config.event_buffer,
            self.config.event_buffer_bytes,
        ));
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
        let session = Arc::new(Session {
            token: token.clone(),
            jid: jid.clone(),
            device_id: device_id.clone(),
            log: log.clone(),
            worker,
            last_seen: Mutex::new(Instant::now()),
            polls: AtomicUsize::new(0),
        });
        {
            let mut state = self.state();
            state.live.insert(token.clone(), session);
            state.by_device.insert((jid, device_id), token.clone());
        }
        self.metrics.sessions_active.fetch_add(1, Ordering::Relaxed);
        Metrics::inc(&self.metrics.sessions_started);
        let registry = self.clone();
        let supervised = token.clone();
        tokio::spawn(async move {
            let reason = join.await.unwrap_or(SessionEndReason::NetworkLost);
            registry.finish(&supervised, reason);
            registry.workers.fetch_sub(1, Ordering::Relaxed);
        });
        Ok((token, log, online_rx))
    }

    fn sign_in_error(&self, jid: &BareJid, error: SignInError) -> ApiError {
        match error {
            SignInError::AuthFailed => {
                Metrics::inc(&self.metrics.sign_in_failures);
                tracing::info!(user = %jid, "sign-in refused by the network");
                ApiError::new(
                    ErrorCode::AuthFailed,
                    "wrong address or password; check them and sign in again",
                )
            }
            other => {
                tracing::warn!(user = %jid, error = %other, "sign-in could not reach the network");
                ApiError::new(
                    ErrorCode::NetworkUnavailable,
                    format!("{other}; try again later"),
                )
            }
        }
    }

    /// Ends a session: its token stops working at once, long-polls see
    /// `session_ended`, and the worker goes offline.
    pub fn end(&self, token: &str, reason: SessionEndReason) {
        let session = self.retire(token, reason);
        if let Some(session) = session {
            tracing::info!(user = %session.jid, device = %session.device_id, ?reason, "session ended");
            session.worker.end();
        }
    }

    /// The worker stopped by itself (or after [`Self::end`]).
    fn finish(&self, token: &str, reason: SessionEndReason) {
        if let Some(session) = self.retire(token, reason) {
            tracing::info!(user = %session.jid, device = %session.device_id, ?reason, "session ended by the network side");
        }
    }

    /// Moves a live session to the tombstones, once.
    fn retire(&self, token: &str, reason: SessionEndReason) -> Option<Arc<Session>> {
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

    /// Ends idle sessions and forgets old tombstones; runs until dropped.
    pub async fn reap_forever(self: Arc<Self>) {
        let period = (self.config.idle_timeout / 10)
            .clamp(Duration::from_millis(200), Duration::from_secs(30));
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            let idle: Vec<String> = {
                let mut state = self.state();
                state
                    .ended
                    .retain(|_, (_, at)| at.elapsed() < TOMBSTONE_TTL);
                state
                    .live
                    .values()
                    .filter(|s| s.idle_for() > self.config.idle_timeout)
                    .map(|s| s.token.clone())
                    .collect()
            };
            for token in idle {
                self.end(&token, SessionEndReason::IdleTimeout);
            }
        }
    }

    /// Ends every session and waits (up to `grace`) for their workers to go offline.
    pub async fn shutdown(&self, grace: Duration) {
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

/// `bytes` random bytes as URL-safe base64.
pub(crate) fn random_text(bytes: usize) -> Result<String, ApiError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| {
        tracing::error!(error = %e, "the operating system's random source failed");
        ApiError::new(
            ErrorCode::Internal,
            "the gateway cannot make a token; try another gateway",
        )
    })?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}
