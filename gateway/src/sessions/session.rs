//! One signed-in user's session: its token, its event log, its network
//! worker, and when the phone was last heard from.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use splitline_protocol::EventEnvelope;
use tokio_xmpp::jid::BareJid;

use crate::{
    event_log::{CursorError, EventLog},
    push::DeviceKey,
    util::lock,
    xmpp::session::{Command, CommandError, WorkerHandle},
};

/// Longest long-poll.
pub(crate) const MAX_WAIT_SECS: u64 = 60;

/// One signed-in user's session.
#[derive(Debug)]
pub(crate) struct UserSession {
    token: String,
    pub(crate) jid: BareJid,
    /// The phone's installation id.
    pub(crate) device_id: String,
    /// The session's event stream.
    pub(crate) log: Arc<EventLog>,
    worker: WorkerHandle,
    last_seen: Mutex<Instant>,
    polls: AtomicUsize,
}

impl UserSession {
    /// A session just signed in, seen now.
    pub(super) fn new(
        token: String,
        jid: BareJid,
        device_id: String,
        log: Arc<EventLog>,
        worker: WorkerHandle,
    ) -> Self {
        Self {
            token,
            jid,
            device_id,
            log,
            worker,
            last_seen: Mutex::new(Instant::now()),
            polls: AtomicUsize::new(0),
        }
    }

    /// The session's bearer token.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// Records activity from the phone.
    pub(crate) fn touch(&self) {
        *lock(&self.last_seen) = Instant::now();
    }

    /// Whether a long-poll of this session is open.
    pub(crate) fn polling(&self) -> bool {
        self.polls.load(Ordering::Relaxed) > 0
    }

    /// Whom this session's push registration belongs to.
    pub(crate) fn device_key(&self) -> DeviceKey {
        DeviceKey {
            account: self.jid.to_string(),
            device: self.device_id.clone(),
        }
    }

    /// Time since the phone was last heard from (zero while a poll is open).
    pub(super) fn idle_for(&self) -> Duration {
        if self.polling() {
            return Duration::ZERO;
        }
        lock(&self.last_seen).elapsed()
    }

    /// Runs a worker command.
    pub(crate) async fn command<T>(
        &self,
        make: impl FnOnce(tokio::sync::oneshot::Sender<Result<T, CommandError>>) -> Command,
    ) -> Result<T, CommandError> {
        self.worker.request(make).await
    }

    /// Tells the worker to go offline.
    pub(super) fn end_worker(&self) {
        self.worker.end();
    }

    /// Long-polls the event log; counts as presence of the phone throughout,
    /// even if the phone drops the connection mid-poll.
    pub(crate) async fn poll(
        &self,
        cursor: &str,
        wait: Duration,
    ) -> Result<(Vec<EventEnvelope>, String), CursorError> {
        let _open = OpenPoll::new(self);
        self.log.wait(cursor, wait).await
    }
}

/// Marks a long-poll as open while it lives; on drop (answered or abandoned)
/// the session counts as just seen.
struct OpenPoll<'a>(&'a UserSession);

impl<'a> OpenPoll<'a> {
    fn new(session: &'a UserSession) -> Self {
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
