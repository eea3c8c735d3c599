//! The facade the app and the terminal client use: a store, a sync engine on a
//! background task, and the queries and commands of the UI.

mod contacts;
mod sync_once;

use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
};

use splitline_protocol::MAX_BODY_CHARS;
use tokio::{
    sync::{Notify, broadcast, mpsc, watch},
    task::JoinHandle,
};

use crate::{
    address_book::AddressBook,
    calls::Calls,
    gateway::{GatewayError, SessionHandle},
    history::History,
    push::Push,
    room_admin::RoomAdmin,
    secret::Secret,
    store::{Changes, Chat, MessageRow, RoomRow, Store, StoreError, keys},
    sync::{SyncConfig, SyncEngine, SyncError, SyncUpdate},
    util::{is_bare_address, now_ms},
    views::Views,
};

pub use contacts::Contacts;
pub use sync_once::SyncSummary;

/// Where the client's connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Signing in or reconnecting.
    Connecting,
    /// Signed in and syncing.
    Online,
    /// Not syncing: not signed in yet, stopped or signed off; with the
    /// reason if the engine failed.
    Stopped(Option<String>),
    /// The network refused the password.
    AuthFailed,
}

/// Waits until the client is online: `Ok` then, an error if the password is
/// refused, the client stops, or `timeout` passes (the client keeps trying).
pub async fn wait_online(
    mut status: watch::Receiver<Status>,
    timeout: std::time::Duration,
) -> Result<(), ClientError> {
    let settled = tokio::time::timeout(
        timeout,
        status.wait_for(|s| !matches!(s, Status::Connecting)),
    )
    .await
    .map_err(|_| {
        ClientError::Offline(
            "the gateway could not be reached in time; the client keeps trying".into(),
        )
    })?
    .map(|s| s.clone())
    .map_err(|_| ClientError::Offline("the client stopped".into()))?;
    match settled {
        Status::Online | Status::Connecting => Ok(()),
        Status::AuthFailed => Err(SyncError::AuthFailed.into()),
        Status::Stopped(reason) => Err(ClientError::Offline(
            reason.unwrap_or_else(|| "the client stopped".into()),
        )),
    }
}

/// How many updates a slow subscriber may fall behind before it misses some
/// (a view then diffs against what it last reported, so it loses nothing).
const UPDATE_BUFFER: usize = 256;

/// An account on this device: its store, open from the start (the app shows
/// what is stored before signing in), and, once signed in, the sync engine.
///
/// Every method takes `&self`, so one client can be shared (`Arc`) by many
/// screens; no lock is held across a store call or an await.
pub struct Client {
    store: Arc<Store>,
    config: SyncConfig,
    outbox_changed: Arc<Notify>,
    updates: broadcast::Sender<SyncUpdate>,
    status_tx: Arc<watch::Sender<Status>>,
    status: watch::Receiver<Status>,
    /// The gateway session, shared with room admin, calls, history and the
    /// address book; each engine publishes its endpoint and token there.
    session: SessionHandle,
    /// The engine while signed in (or until it ended).
    running: Mutex<Option<Running>>,
    /// Held by a [`Client::sync_once`], so that two take turns.
    once: tokio::sync::Mutex<()>,
}

/// A sync engine of one sign-in.
struct Running {
    stop: watch::Sender<bool>,
    engine: JoinHandle<Result<(), SyncError>>,
}
/// Why the client could not start or act.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The sync engine cannot run.
    #[error(transparent)]
    Sync(#[from] SyncError),
    /// An argument is not valid.
    #[error("{0}")]
    Invalid(String),
    /// A message text longer than the protocol allows; nothing was queued.
    #[error("the message is {chars} characters long; the most is {max}")]
    BodyTooLong {
        /// The text's length, in characters.
        chars: usize,
        /// The protocol's limit ([`splitline_protocol::MAX_BODY_CHARS`]).
        max: usize,
    },
    /// Not connected (yet).
    #[error("{0}")]
    Offline(String),
    /// The gateway refused a request that needs the network at once (room
    /// management), or could not be reached for it.
    #[error(transparent)]
    Gateway(#[from] GatewayError),
}

impl Client {
    /// Opens the store at `store_path` for the account in `config`, without
    /// signing in: what is stored can be shown at once.
    /// `Invalid` if the account's address is not like `user@domain` or no
    /// gateway endpoint is given: nothing is opened then.
    pub fn open(store_path: PathBuf, config: SyncConfig) -> Result<Self, ClientError> {
        if !is_bare_address(config.jid.trim()) {
            return Err(ClientError::Invalid(format!(
                "'{}' is not an address like user@domain",
                config.jid.trim()
            )));
        }
        if config.endpoints.is_empty() {
            return Err(ClientError::Invalid("no gateway address is given".into()));
        }
        let store = Arc::new(Store::open(store_path)?);
        let (updates, _) = broadcast::channel(UPDATE_BUFFER);
        let (status_tx, status) = watch::channel(Status::Stopped(None));
        Ok(Self {
            store,
            config,
            outbox_changed: Arc::new(Notify::new()),
            updates,
            status_tx: Arc::new(status_tx),
            status,
            session: SessionHandle::detached(),
            running: Mutex::new(None),
            once: tokio::sync::Mutex::new(()),
        })
    }

    /// Opens the store and signs in (see [`Client::open`], [`Client::sign_in`]).
    pub fn start(
        store_path: PathBuf,
        config: SyncConfig,
        password: Secret,
    ) -> Result<Self, ClientError> {
        let client = Self::open(store_path, config)?;
        client.sign_in(password)?;
        Ok(client)
    }

    /// Starts syncing with `password` (on the current tokio runtime); wait
    /// with [`Client::wait_until_online`]. After `AuthFailed` or a stop, it
    /// may be called again, with a new password. `Invalid` while an engine
    /// still runs.
    pub fn sign_in(&self, password: Secret) -> Result<(), ClientError> {
        if self.engine_running() {
            return Err(ClientError::Invalid(
                "already signed in; sign off or stop first".into(),
            ));
        }
        let (engine_updates, engine_rx) = mpsc::unbounded_channel();
        let engine = SyncEngine::sharing(
            self.config.clone(),
            password,
            self.store.clone(),
            engine_updates,
            self.outbox_changed.clone(),
            self.session.clone(),
        )?;
        let (stop, stop_rx) = watch::channel(false);
        let mut running = lock(&self.running);
        if still_running(&running, &self.status.borrow()) {
            return Err(ClientError::Invalid(
                "already signed in; sign off or stop first".into(),
            ));
        }
        self.status_tx.send_replace(Status::Connecting);
        tokio::spawn(fan_out(
            engine_rx,
            self.updates.clone(),
            self.status_tx.clone(),
            self.address_book(),
        ));
        let status_tx = self.status_tx.clone();
        let engine = tokio::spawn(async move {
            let result = engine.run(stop_rx).await;
            status_tx.send_replace(match &result {
                Ok(()) => Status::Stopped(None),
                Err(SyncError::AuthFailed) => Status::AuthFailed,
                Err(error) => Status::Stopped(Some(error.to_string())),
            });
            result
        });
        *running = Some(Running { stop, engine });
        Ok(())
    }

    fn engine_running(&self) -> bool {
        still_running(&lock(&self.running), &self.status.borrow())
    }

    /// Store views shaped for the app's screens, with row diffs.
    pub fn views(&self) -> Views {
        Views::new(self.store.clone(), self.updates.clone())
    }

    /// Tells subscribers about a change made here (not by the engine).
    fn changed_here(&self, chats: Vec<String>) {
        let _ = self.updates.send(SyncUpdate::Changed(Changes {
            chats,
            ..Changes::default()
        }));
    }

    /// Waits until signed in (see [`wait_online`]).
    pub async fn wait_until_online(&self, timeout: std::time::Duration) -> Result<(), ClientError> {
        wait_online(self.status.clone(), timeout).await
    }

    /// A receiver of the connection status, for waiting without borrowing the client.
    pub fn status_receiver(&self) -> watch::Receiver<Status> {
        self.status.clone()
    }

    /// Where the connection stands now.
    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// Changes as they happen.
    pub fn subscribe(&self) -> broadcast::Receiver<SyncUpdate> {
        self.updates.subscribe()
    }

    /// Queues a message to `peer`; it shows at once as queued and goes out when
    /// the gateway can be reached, exactly once.
    pub fn send_message(&self, peer: &str, body: &str) -> Result<MessageRow, ClientError> {
        let peer = peer.trim();
        if !is_bare_address(peer) {
            return Err(ClientError::Invalid(format!(
                "'{peer}' is not an address like user@domain"
            )));
        }
        if body.trim().is_empty() {
            return Err(ClientError::Invalid("the message is empty".into()));
        }
        let chars = body.chars().count();
        if chars > MAX_BODY_CHARS {
            return Err(ClientError::BodyTooLong {
                chars,
                max: MAX_BODY_CHARS,
            });
        }
        let client_id = new_client_id();
        let row = self
            .store
            .queue_message(peer, &client_id, body, &self.config.jid, now_ms())?;
        self.outbox_changed.notify_one();
        self.changed_here(vec![row.peer.clone()]);
        Ok(row)
    }

    /// How many messages written here still wait for the gateway: while any
    /// do, the app keeps syncing in the background.
    pub fn waiting_to_send(&self) -> Result<u32, ClientError> {
        Ok(self.store.outbox_len()?)
    }

    /// Marks the chat with `peer` viewed here, and on the user's other devices
    /// and for `peer` once the gateway can be reached. True if it had unread messages.
    pub fn mark_chat_viewed(&self, peer: &str) -> Result<bool, ClientError> {
        let changed = self.store.mark_chat_viewed(peer.trim())?;
        if changed {
            self.outbox_changed.notify_one();
            self.changed_here(vec![peer.trim().to_owned()]);
        }
        Ok(changed)
    }

    /// Marks every chat viewed (see [`Client::mark_chat_viewed`]); returns the
    /// chats that had unread messages.
    pub fn mark_all_viewed(&self) -> Result<Vec<String>, ClientError> {
        let changed = self.store.mark_all_viewed()?;
        if !changed.is_empty() {
            self.outbox_changed.notify_one();
            self.changed_here(changed.clone());
        }
        Ok(changed)
    }

    /// Closes the chat with `peer` on every device of the user until a newer
    /// message arrives in it. False if there is no such chat.
    pub fn close_chat(&self, peer: &str) -> Result<bool, ClientError> {
        let closed = self.store.close_chat(peer.trim())?;
        if closed {
            self.outbox_changed.notify_one();
            self.changed_here(vec![peer.trim().to_owned()]);
        }
        Ok(closed)
    }

    /// The rooms the user is in, by name.
    pub fn rooms(&self) -> Result<Vec<RoomRow>, ClientError> {
        Ok(self.store.rooms()?)
    }

    /// Room management, which needs the gateway now (it does not wait in
    /// the outbox); `Offline` before the first sign-in. Its requests use the
    /// session current when each is made.
    pub fn room_admin(&self) -> Result<RoomAdmin, ClientError> {
        Ok(RoomAdmin::new(self.require_session()?))
    }

    /// Push registration and settings, which need the gateway now;
    /// `Offline` before the first sign-in (or [`Client::sync_once`]).
    pub fn push(&self) -> Result<Push, ClientError> {
        Ok(Push::new(self.require_session()?))
    }

    /// Call setup, which needs the gateway now; `Offline` before the first
    /// sign-in. Its requests use the session current when each is made.
    pub fn calls(&self) -> Result<Calls, ClientError> {
        Ok(Calls::new(self.require_session()?))
    }

    /// Timelines paging back, through the store and then each chat's archive
    /// (see [`History::older`]); it works offline too, on the store alone.
    pub fn history(&self) -> History {
        History::new(
            self.store.clone(),
            self.session.clone(),
            self.updates.clone(),
        )
    }

    /// The address book: import, matching and lookup work offline; only
    /// the refresh of the contacts' numbers needs the gateway.
    pub fn address_book(&self) -> AddressBook {
        AddressBook::new(self.store.clone(), self.session.clone())
    }

    /// The contact list and own presence: changes stored and shown at once,
    /// sent by the engine once the gateway can be reached.
    pub fn contacts_api(&self) -> Contacts {
        Contacts::new(
            self.store.clone(),
            self.config.jid.clone(),
            self.outbox_changed.clone(),
            self.updates.clone(),
        )
    }

    /// The session, or `Offline` unless signed in to the gateway.
    fn require_session(&self) -> Result<SessionHandle, ClientError> {
        match self.session.token() {
            Some(_) => Ok(self.session.clone()),
            None => Err(ClientError::Offline(
                "not signed in to the gateway yet; try again once online".into(),
            )),
        }
    }

    /// A page of chats, most recent first.
    pub fn chats(&self, offset: u32, limit: u32) -> Result<Vec<Chat>, ClientError> {
        Ok(self.store.chats_page(offset, limit)?)
    }

    /// A page of a chat's messages before message id `before`, oldest first.
    pub fn messages(
        &self,
        peer: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<MessageRow>, ClientError> {
        Ok(self.store.messages_page(peer, before, limit)?)
    }

    /// Ends the session at the gateway (contacts see the user leave), forgets
    /// the token and stops syncing; the store keeps the history. A later
    /// [`Client::sign_in`] starts a new session.
    pub async fn sign_off(&self) -> Result<(), ClientError> {
        let current = self.session.current();
        let result = self.stop().await;
        if let Ok((gateway, token)) = current
            && let Err(error) = gateway.sign_off(&token).await
        {
            // The session may have ended already; the gateway forgets it either way.
            tracing::info!(%error, "sign-off at the gateway failed");
        }
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.set_sync_value(keys::TOKEN, None))
            .await
            .map_err(|e| ClientError::Invalid(format!("the store task failed: {e}")))??;
        result
    }

    /// Stops syncing; returns how the engine ended (`Ok` if it was not running).
    pub async fn stop(&self) -> Result<(), ClientError> {
        let Some(running) = lock(&self.running).take() else {
            return Ok(());
        };
        let _ = running.stop.send(true);
        let ended = running.engine.await;
        // Not signed in any more: requests beside the engine are refused
        // until the next sign-in publishes a token again.
        self.session.forget();
        match ended {
            Ok(result) => Ok(result?),
            Err(e) => Err(ClientError::Invalid(format!("the sync task failed: {e}"))),
        }
    }
}

/// Passes the engine's updates to subscribers and keeps the status current;
/// each sign-in refreshes the contacts' vCard numbers.
async fn fan_out(
    mut engine_rx: mpsc::UnboundedReceiver<SyncUpdate>,
    updates: broadcast::Sender<SyncUpdate>,
    status: Arc<watch::Sender<Status>>,
    address_book: AddressBook,
) {
    while let Some(update) = engine_rx.recv().await {
        match &update {
            SyncUpdate::Online(_) => {
                status.send_replace(Status::Online);
                address_book.refresh_in_background();
            }
            SyncUpdate::Offline(_) => {
                status.send_replace(Status::Connecting);
            }
            SyncUpdate::Changed(_) => {}
        }
        let _ = updates.send(update);
    }
}

/// Whether the engine of the last sign-in still runs. One that set its
/// final status (a refused password, a stop) is only returning: a new
/// sign-in may follow at once.
fn still_running(running: &Option<Running>, status: &Status) -> bool {
    let ended = matches!(status, Status::AuthFailed | Status::Stopped(_));
    !ended && running.as_ref().is_some_and(|r| !r.engine.is_finished())
}

/// The guard of `mutex`, even after a panic elsewhere (the state is an
/// `Option` that stays whole).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn new_client_id() -> String {
    let mut rng = fastrand::Rng::new();
    (0..20).map(|_| rng.alphanumeric()).collect()
}

#[cfg(test)]
mod tests;
