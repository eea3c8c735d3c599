//! The sync engine: keeps a gateway session, sends the outbox in order, and
//! applies the event stream to the store. Contact changes and the user's
//! own presence go out before anything else in a round, each once.
//!
//! Each batch of events goes into the store in one transaction with its cursor,
//! and only then do listeners hear what changed. Failures back off with full
//! jitter (honouring `Retry-After`); an unreachable gateway makes the engine
//! fail over to the next endpoint and sign in there; an ended session is signed
//! in again; an invalid cursor is healed from a snapshot.
//!
//! After a new sign-in or a resync the engine catches up from the network's
//! archive, a page per round between short polls, so a long backlog never
//! holds up live events. The outbox waits until the catch-up is done: a
//! queued message the archive shows as sent (its answer was lost) leaves the
//! outbox instead of going out twice.

mod catch_up;
mod engine;
mod once;
mod outbox;
mod read_state;
mod roster_ops;

use std::{sync::Arc, time::Duration};

use splitline_protocol::{ErrorCode, MAX_WAIT_SECS};
use tokio::sync::{Notify, mpsc};

pub(crate) use once::Once;

use crate::{
    gateway::{GatewayClient, GatewayError, SessionHandle},
    secret::Secret,
    store::{Changes, Store, StoreError, keys},
};

/// What the engine needs to know. The account and the endpoints have to be
/// set (the password is not here: it is an argument of signing in, held as a
/// [`Secret`]); [`SyncConfig::default`] gives the timings an app uses:
///
/// ```
/// # use splitline_core::sync::SyncConfig;
/// let config = SyncConfig {
///     endpoints: vec!["https://gw.example.net".into()],
///     jid: "alice@example.net".into(),
///     device_id: "phone-1".into(),
///     build_id: "app 1.0".into(),
///     ..SyncConfig::default()
/// };
/// ```
///
/// Every long-poll waits the protocol's longest, [`MAX_WAIT_SECS`] (60 s):
/// on a phone's link each poll costs a request, so waiting less only costs
/// more. A queued message cuts the wait short, and events end it at once.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Gateway base addresses, in order of preference.
    pub endpoints: Vec<String>,
    /// An extra trusted root certificate (PEM), for private deployments and tests.
    pub extra_root_pem: Option<String>,
    /// The user's address.
    pub jid: String,
    /// This installation's id.
    pub device_id: String,
    /// The app's build id.
    pub build_id: String,
    /// Longest wait between reconnect attempts.
    pub backoff_cap: Duration,
    /// Messages asked for per archive page while catching up (1 to 500).
    pub archive_page: u32,
    /// Most pages read back from the newest when an archive no longer knows
    /// the stored position; past them, a gap marker shows in the timeline.
    pub recovery_pages: u32,
}

impl Default for SyncConfig {
    /// No account or endpoint yet; a reconnect waits at most a minute.
    /// Archive pages of 250 messages, and at most 40 of them (10,000
    /// messages) read back after an unknown archive position.
    fn default() -> Self {
        Self {
            endpoints: Vec::new(),
            extra_root_pem: None,
            jid: String::new(),
            device_id: String::new(),
            build_id: String::new(),
            backoff_cap: Duration::from_secs(60),
            archive_page: 250,
            recovery_pages: 40,
        }
    }
}

/// What listeners hear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncUpdate {
    /// The store changed.
    Changed(Changes),
    /// Connected through this endpoint.
    Online(String),
    /// Lost the connection; retrying.
    Offline(String),
}

/// The engine stopped for good.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The network refused the password: the user must sign in again.
    #[error("the network refused the address or password")]
    AuthFailed,
    /// The configuration cannot work.
    #[error("invalid sync configuration: {0}")]
    Config(String),
    /// The local store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a round did.
enum Round {
    /// It read a page of an archive (and the events so far): more may follow.
    CatchingUp,
    /// It sent what waited and polled; `fetched` unless the poll came back empty.
    Live { fetched: bool },
}

/// The longest wait of a long-poll; see [`SyncConfig`].
const POLL_WAIT_SECS: u64 = MAX_WAIT_SECS;

/// What to do after a failed step.
enum Setback {
    /// Wait, maybe on another endpoint.
    Retry {
        retry_after: Option<Duration>,
        failover: bool,
    },
    /// The session is gone: sign in again now.
    Reauthenticate,
    /// Give up.
    Fatal(SyncError),
}

impl From<StoreError> for Setback {
    fn from(e: StoreError) -> Self {
        Self::Fatal(e.into())
    }
}

/// The engine of one account on one device.
pub struct SyncEngine {
    config: SyncConfig,
    password: Secret,
    store: Arc<Store>,
    clients: Vec<GatewayClient>,
    current: usize,
    /// The current endpoint and token, shared with room admin and calls.
    session: SessionHandle,
    /// Whether the closed chats were read since the last sign-in.
    closed_chats_read: bool,
    /// Whether the user's rooms were read since the last sign-in.
    rooms_read: bool,
    /// The token of this engine's latest round, forgotten when it fails.
    token_used: Option<String>,
    /// Whether listeners were told this engine is online since it started
    /// or last lost the gateway.
    online: bool,
    updates: mpsc::UnboundedSender<SyncUpdate>,
    outbox_changed: Arc<Notify>,
}

pub(crate) async fn blocking<T: Send + 'static>(
    store: &Arc<Store>,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .unwrap_or_else(|e| Err(StoreError::TaskFailed(e.to_string())))
}

impl SyncEngine {
    /// An engine over `store` that signs in with `password`; `outbox_changed`
    /// wakes it when a message is queued.
    pub fn new(
        config: SyncConfig,
        password: Secret,
        store: Arc<Store>,
        updates: mpsc::UnboundedSender<SyncUpdate>,
        outbox_changed: Arc<Notify>,
    ) -> Result<Self, SyncError> {
        let session = SessionHandle::detached();
        Self::sharing(config, password, store, updates, outbox_changed, session)
    }

    /// An engine as [`SyncEngine::new`] makes, that publishes its endpoint
    /// and tokens in `session` (the client's, shared with the requests made
    /// beside the engine).
    pub(crate) fn sharing(
        config: SyncConfig,
        password: Secret,
        store: Arc<Store>,
        updates: mpsc::UnboundedSender<SyncUpdate>,
        outbox_changed: Arc<Notify>,
        session: SessionHandle,
    ) -> Result<Self, SyncError> {
        if config.endpoints.is_empty() {
            return Err(SyncError::Config(
                "name at least one gateway endpoint".into(),
            ));
        }
        let clients = config
            .endpoints
            .iter()
            .map(|e| GatewayClient::new(e, config.extra_root_pem.as_deref()))
            .collect::<Result<Vec<_>, GatewayError>>()
            .map_err(|e| SyncError::Config(e.to_string()))?;
        // A token stored by an earlier run belongs to the endpoint it was
        // got from: start there, so everyone sharing the session uses both.
        let token = store.sync_value(keys::TOKEN)?;
        let endpoint = store.sync_value(keys::ENDPOINT)?;
        let current = clients
            .iter()
            .position(|c| Some(c.base()) == endpoint.as_deref())
            .unwrap_or(0);
        session.set(&clients[current], token);
        Ok(Self {
            config,
            password,
            store,
            clients,
            current,
            session,
            closed_chats_read: false,
            rooms_read: false,
            token_used: None,
            online: false,
            updates,
            outbox_changed,
        })
    }

    /// The client of the endpoint in use.
    fn client(&self) -> &GatewayClient {
        &self.clients[self.current]
    }

    fn setback(&self, error: GatewayError) -> Setback {
        let retry_after = match &error {
            GatewayError::Refused { retry_after, .. } => retry_after.map(Duration::from_secs),
            _ => None,
        };
        match error.code() {
            Some(ErrorCode::AuthFailed) => Setback::Fatal(SyncError::AuthFailed),
            Some(ErrorCode::Unauthorized | ErrorCode::SessionEnded) => Setback::Reauthenticate,
            Some(ErrorCode::Unavailable) => Setback::Retry {
                retry_after,
                failover: true,
            },
            Some(_) => Setback::Retry {
                retry_after,
                failover: false,
            },
            None => {
                let _ = self.updates.send(SyncUpdate::Offline(error.to_string()));
                Setback::Retry {
                    retry_after,
                    failover: true,
                }
            }
        }
    }
}
