//! The facade the app and the terminal client use: a store, a sync engine on a
//! background task, and the queries and commands of the UI.

mod contacts;

use std::{path::PathBuf, sync::Arc};

use splitline_protocol::{Contact, MAX_BODY_CHARS};
use tokio::{
    sync::{Notify, broadcast, mpsc, watch},
    task::JoinHandle,
};

use crate::{
    address_book::AddressBook,
    calls::Calls,
    gateway::{GatewayError, SessionHandle},
    history::History,
    room_admin::RoomAdmin,
    store::{Chat, MessageRow, RoomRow, Store, StoreError, keys},
    sync::{SyncConfig, SyncEngine, SyncError, SyncUpdate},
    util::{is_bare_address, now_ms},
};

pub use contacts::Contacts;

/// Where the client's connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Signing in or reconnecting.
    Connecting,
    /// Signed in and syncing.
    Online,
    /// The engine stopped; with the reason if it failed.
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

/// How many updates a slow listener may fall behind before it misses some
/// (it then reloads what it shows).
const UPDATE_BUFFER: usize = 256;

/// A signed-in account on this device.
pub struct Client {
    store: Arc<Store>,
    own_jid: String,
    outbox_changed: Arc<Notify>,
    updates: broadcast::Sender<SyncUpdate>,
    stop: watch::Sender<bool>,
    engine: JoinHandle<Result<(), SyncError>>,
    status: watch::Receiver<Status>,
    /// The engine's session, for the requests that need the gateway at once.
    session: SessionHandle,
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
    /// Opens the store at `store_path` and starts syncing (on the current tokio runtime).
    pub fn start(store_path: PathBuf, config: SyncConfig) -> Result<Self, ClientError> {
        let store = Arc::new(Store::open(store_path)?);
        let outbox_changed = Arc::new(Notify::new());
        let (engine_updates, mut engine_rx) = mpsc::unbounded_channel();
        let own_jid = config.jid.clone();
        let engine = SyncEngine::new(
            config,
            store.clone(),
            engine_updates,
            outbox_changed.clone(),
        )?;
        let session = engine.session_handle();
        let (updates, _) = broadcast::channel(UPDATE_BUFFER);
        let (status_tx, status) = watch::channel(Status::Connecting);
        let status_tx = Arc::new(status_tx);
        let fan_out = updates.clone();
        let connection = status_tx.clone();
        let address_book = AddressBook::new(store.clone(), session.clone());
        tokio::spawn(async move {
            while let Some(update) = engine_rx.recv().await {
                match &update {
                    SyncUpdate::Online(_) => {
                        connection.send_replace(Status::Online);
                        address_book.refresh_in_background();
                    }
                    SyncUpdate::Offline(_) => {
                        connection.send_replace(Status::Connecting);
                    }
                    SyncUpdate::Changed(_) => {}
                }
                let _ = fan_out.send(update);
            }
        });
        let (stop, stop_rx) = watch::channel(false);
        let engine = tokio::spawn(async move {
            let result = engine.run(stop_rx).await;
            status_tx.send_replace(match &result {
                Ok(()) => Status::Stopped(None),
                Err(SyncError::AuthFailed) => Status::AuthFailed,
                Err(error) => Status::Stopped(Some(error.to_string())),
            });
            result
        });
        Ok(Self {
            store,
            own_jid,
            outbox_changed,
            updates,
            stop,
            engine,
            status,
            session,
        })
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
            .queue_message(peer, &client_id, body, &self.own_jid, now_ms())?;
        self.outbox_changed.notify_one();
        Ok(row)
    }

    /// Marks the chat with `peer` viewed here, and on the user's other devices
    /// and for `peer` once the gateway can be reached. True if it had unread messages.
    pub fn mark_chat_viewed(&self, peer: &str) -> Result<bool, ClientError> {
        let changed = self.store.mark_chat_viewed(peer.trim())?;
        if changed {
            self.outbox_changed.notify_one();
        }
        Ok(changed)
    }

    /// Marks every chat viewed (see [`Client::mark_chat_viewed`]); returns the
    /// chats that had unread messages.
    pub fn mark_all_viewed(&self) -> Result<Vec<String>, ClientError> {
        let changed = self.store.mark_all_viewed()?;
        if !changed.is_empty() {
            self.outbox_changed.notify_one();
        }
        Ok(changed)
    }

    /// Closes the chat with `peer` on every device of the user until a newer
    /// message arrives in it. False if there is no such chat.
    pub fn close_chat(&self, peer: &str) -> Result<bool, ClientError> {
        let closed = self.store.close_chat(peer.trim())?;
        if closed {
            self.outbox_changed.notify_one();
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
        self.require_session()?;
        Ok(RoomAdmin::new(self.session.clone()))
    }

    /// Call setup, which needs the gateway now; `Offline` before the first
    /// sign-in. Its requests use the session current when each is made.
    pub fn calls(&self) -> Result<Calls, ClientError> {
        self.require_session()?;
        Ok(Calls::new(self.session.clone()))
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

    /// `Offline` unless signed in to the gateway.
    fn require_session(&self) -> Result<(), ClientError> {
        match self.session.token() {
            Some(_) => Ok(()),
            None => Err(ClientError::Offline(
                "not signed in to the gateway yet; try again once online".into(),
            )),
        }
    }

    /// The contact list and own presence: changes stored and shown at once,
    /// sent by the engine once the gateway can be reached.
    pub fn contacts_api(&self) -> Contacts {
        Contacts::new(
            self.store.clone(),
            self.own_jid.clone(),
            self.outbox_changed.clone(),
            self.updates.clone(),
        )
    }

    /// A page of contacts, by name.
    pub fn contacts(&self, offset: u32, limit: u32) -> Result<Vec<Contact>, ClientError> {
        Ok(self.store.contacts_page(offset, limit)?)
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
    /// the token and stops syncing; the store keeps the history.
    pub async fn sign_off(self) -> Result<(), ClientError> {
        let store = self.store.clone();
        let session = self.session.clone();
        let result = self.stop().await;
        if let Ok((gateway, token)) = session.current()
            && let Err(error) = gateway.sign_off(&token).await
        {
            // The session may have ended already; the gateway forgets it either way.
            tracing::info!(%error, "sign-off at the gateway failed");
        }
        store.set_sync_value(keys::TOKEN, None)?;
        result
    }

    /// Stops syncing; returns how the engine ended.
    pub async fn stop(self) -> Result<(), ClientError> {
        let _ = self.stop.send(true);
        match self.engine.await {
            Ok(result) => Ok(result?),
            Err(e) => Err(ClientError::Invalid(format!("the sync task failed: {e}"))),
        }
    }
}

fn new_client_id() -> String {
    let mut rng = fastrand::Rng::new();
    (0..20).map(|_| rng.alphanumeric()).collect()
}

#[cfg(test)]
mod tests;
