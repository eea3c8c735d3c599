//! The sync engine: keeps a gateway session, sends the outbox in order, and
//! applies the event stream to the store.
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

use std::{sync::Arc, time::Duration};

use splitline_protocol::{
    ArchivePage, ArchiveQuery, DisplayedMarker, DisplayedRequest, ErrorCode, MAX_MARKERS,
    SendMessageRequest, SignInRequest,
};
use splitline_backoff::Backoff;
use tokio::sync::{Notify, mpsc, watch};

use crate::{
    gateway_client::{ClientError, GatewayClient},
    store::{Changes, RoomCatchUp, Store, StoreError, keys},
};

/// Messages asked for per archive page while catching up.
const CATCH_UP_PAGE: u32 = 250;

/// What the engine needs to know.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Gateway base addresses, in order of preference.
    pub endpoints: Vec<String>,
    /// An extra trusted root certificate (PEM), for private deployments and tests.
    pub extra_root_pem: Option<String>,
    /// The user's address.
    pub jid: String,
    /// The user's password (kept in memory only).
    pub password: String,
    /// This installation's id.
    pub device_id: String,
    /// The app's build id.
    pub build_id: String,
    /// Longest wait between reconnect attempts.
    pub backoff_cap: Duration,
    /// Seconds each long-poll may wait.
    pub poll_wait_secs: u64,
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
    store: Arc<Store>,
    clients: Vec<GatewayClient>,
    current: usize,
    token: Option<String>,
    /// Whether the closed chats were read since the last sign-in.
    closed_chats_read: bool,
    /// Whether the user's rooms were read since the last sign-in.
    rooms_read: bool,
    updates: mpsc::UnboundedSender<SyncUpdate>,
    outbox_changed: Arc<Notify>,
}

async fn blocking<T: Send + 'static>(
    store: &Arc<Store>,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .unwrap_or_else(|e| Err(StoreError::TaskFailed(e.to_string())))
}

impl SyncEngine {
    /// An engine over `store`; `outbox_changed` wakes it when a message is queued.
    pub fn new(
        config: SyncConfig,
        store: Arc<Store>,
        updates: mpsc::UnboundedSender<SyncUpdate>,
        outbox_changed: Arc<Notify>,
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
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SyncError::Config(e.to_string()))?;
        Ok(Self {
            config,
            store,
            clients,
            current: 0,
            token: None,
            closed_chats_read: false,
            rooms_read: false,
            updates,
            outbox_changed,
        })
    }

    /// Runs until `stop` turns true (`Ok`) or the engine cannot go on (`Err`).
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) -> Result<(), SyncError> {
        let mut backoff = Backoff::new(Duration::from_millis(250), self.config.backoff_cap);
        self.token = blocking(&self.store, |s| s.sync_value(keys::TOKEN)).await?;
        loop {
            if *stop.borrow() {
                return Ok(());
            }
            let step = tokio::select! {
                _ = stop.changed() => return Ok(()),
                step = self.step() => step,
            };
            match step {
                Ok(()) => backoff.reset(),
                Err(Setback::Reauthenticate) => self.forget_session().await?,
                Err(Setback::Fatal(error)) => return Err(error),
                Err(Setback::Retry {
                    retry_after,
                    failover,
                }) => {
                    if failover && self.clients.len() > 1 {
                        self.current = (self.current + 1) % self.clients.len();
                        self.forget_session().await?;
                    }
                    let delay = backoff.next_delay(retry_after);
                    tracing::info!(
                        ?delay,
                        endpoint = self.clients[self.current].base(),
                        "retrying"
                    );
                    tokio::select! {
                        _ = stop.changed() => return Ok(()),
                        _ = tokio::time::sleep(delay) => {}
                    }
                }
            }
        }
    }

    async fn forget_session(&mut self) -> Result<(), StoreError> {
        self.token = None;
        blocking(&self.store, |s| s.set_sync_value(keys::TOKEN, None)).await
    }

    fn client(&self) -> &GatewayClient {
        &self.clients[self.current]
    }

    /// One round: make sure of a session, then either catch up a page from
    /// the archive and take the events so far, or send the outbox and wait
    /// for events.
    async fn step(&mut self) -> Result<(), Setback> {
        let token = self.session().await?;
        if !self.closed_chats_read {
            self.read_closed_chats(&token).await?;
        }
        if !self.rooms_read {
            self.read_rooms(&token).await?;
        }
        if blocking(&self.store, |s| s.catching_up()).await? {
            self.catch_up_page(&token, None).await?;
            return self.poll(&token, 0).await;
        }
        if let Some(room) = blocking(&self.store, |s| s.next_room_catch_up()).await? {
            self.catch_up_page(&token, Some(room)).await?;
            return self.poll(&token, 0).await;
        }
        self.flush_outbox(&token).await?;
        self.flush_markers(&token).await?;
        self.flush_closes(&token).await?;
        self.poll(&token, self.config.poll_wait_secs).await
    }

    async fn session(&mut self) -> Result<String, Setback> {
        if let Some(token) = &self.token {
            return Ok(token.clone());
        }
        let request = SignInRequest {
            jid: self.config.jid.clone(),
            password: self.config.password.clone(),
            device_id: self.config.device_id.clone(),
            build_id: self.config.build_id.clone(),
        };
        let response = self
            .client()
            .sign_in(&request)
            .await
            .map_err(|e| self.setback(e))?;
        let (jid, device) = (self.config.jid.clone(), self.config.device_id.clone());
        let (token, cursor) = (response.token.clone(), response.cursor.clone());
        let endpoint = self.client().base().to_owned();
        blocking(&self.store, move |s| {
            s.set_account(&jid, &device)?;
            // Whatever arrived while there was no session is in the archive.
            s.catch_up_due()?;
            s.set_sync_value(keys::TOKEN, Some(&token))?;
            s.set_sync_value(keys::ENDPOINT, Some(&endpoint))?;
            s.set_sync_value(keys::CURSOR, Some(&cursor))
        })
        .await?;
        self.token = Some(response.token.clone());
        self.closed_chats_read = false;
        self.rooms_read = false;
        let _ = self
            .updates
            .send(SyncUpdate::Online(self.client().base().to_owned()));
        Ok(response.token)
    }

    /// Sends queued messages in order, each once (its client id makes a resend harmless).
    async fn flush_outbox(&mut self, token: &str) -> Result<(), Setback> {
        let outbox = blocking(&self.store, |s| s.outbox()).await?;
        for item in outbox {
            let request = SendMessageRequest {
                client_id: item.client_id.clone(),
                to: item.to,
                body: item.body,
            };
            match self.client().send(token, &request).await {
                Ok(sent) => {
                    blocking(&self.store, move |s| {
                        s.mark_sent(&sent.client_id, &sent.network_id)
                    })
                    .await?;
                }
                Err(error)
                    if matches!(
                        error.code(),
                        Some(
                            ErrorCode::InvalidRequest | ErrorCode::NotFound | ErrorCode::Forbidden
                        )
                    ) =>
                {
                    tracing::warn!(%error, "the gateway refused a queued message for good");
                    let id = item.client_id;
                    blocking(&self.store, move |s| s.mark_failed(&id)).await?;
                }
                Err(error) => return Err(self.setback(error)),
            }
            let _ = self.updates.send(SyncUpdate::Changed(Changes {
                chats: vec![request.to],
                ..Changes::default()
            }));
        }
        Ok(())
    }

    /// Reads and stores the page after the stored position of the user's 1:1
    /// archive, or of a room's archive; the last page ends that catch-up.
    async fn catch_up_page(
        &mut self,
        token: &str,
        room: Option<RoomCatchUp>,
    ) -> Result<(), Setback> {
        let (room, after) = match room {
            Some(r) => (Some(r.room), r.after),
            None => (
                None,
                blocking(&self.store, |s| s.sync_value(keys::ARCHIVE_CURSOR)).await?,
            ),
        };
        // A room without a position reads its archive from the start: all of
        // it is news to a member who has not seen it here.
        let start_ms = (room.is_some() && after.is_none()).then_some(0);
        let query = ArchiveQuery {
            room: room.clone(),
            after: after.clone(),
            start_ms,
            max: CATCH_UP_PAGE,
        };
        let page = match self.client().archive(token, &query).await {
            Ok(page) => page,
            Err(error) if error.code() == Some(ErrorCode::CursorInvalid) => {
                tracing::warn!(
                    "the archive no longer knows the stored position; reading its newest page"
                );
                blocking(&self.store, move |s| match &room {
                    Some(room) => s.forget_room_position(room),
                    None => s.set_sync_value(keys::ARCHIVE_CURSOR, None),
                })
                .await?;
                return Ok(());
            }
            Err(error) if error.code() == Some(ErrorCode::NotFound) && room.is_some() => {
                tracing::info!(%error, "no longer in a room; its catch-up ends");
                blocking(&self.store, move |s| {
                    s.end_room_catch_up(room.as_deref().unwrap_or_default())
                })
                .await?;
                return Ok(());
            }
            Err(error) if error.code() == Some(ErrorCode::NotFound) => {
                tracing::warn!(%error, "no archive to catch up from");
                ArchivePage {
                    messages: vec![],
                    last: None,
                    complete: true,
                }
            }
            Err(error) => return Err(self.setback(error)),
        };
        // A page that does not move the position ends the catch-up, so a
        // confused archive cannot keep the engine here.
        let stuck = page.last.is_none() || page.last == after;
        let page = ArchivePage {
            complete: page.complete || stuck,
            ..page
        };
        tracing::info!(
            messages = page.messages.len(),
            complete = page.complete,
            room = room.is_some(),
            "caught up an archive page"
        );
        let changes = blocking(&self.store, move |s| match &room {
            Some(room) => s.apply_room_archive_page(room, &page),
            None => s.apply_archive_page(&page),
        })
        .await?;
        if !changes.is_empty() {
            let _ = self.updates.send(SyncUpdate::Changed(changes));
        }
        Ok(())
    }

    /// Tells the network how far the user has read, in one request per
    /// [`MAX_MARKERS`] chats; markers the gateway refuses for good are dropped.
    async fn flush_markers(&mut self, token: &str) -> Result<(), Setback> {
        let pending = blocking(&self.store, |s| s.pending_markers()).await?;
        for chunk in pending.chunks(MAX_MARKERS) {
            let request = DisplayedRequest {
                markers: chunk
                    .iter()
                    .map(|m| DisplayedMarker {
                        peer: m.peer.clone(),
                        network_id: m.network_id.clone(),
                        archive_id: m.archive_id.clone(),
                    })
                    .collect(),
            };
            match self.client().displayed(token, &request).await {
                Ok(()) => {}
                Err(error) if error.code() == Some(ErrorCode::InvalidRequest) => {
                    tracing::warn!(%error, "the gateway refused read markers for good");
                }
                Err(error) => return Err(self.setback(error)),
            }
            let sent = chunk.to_vec();
            blocking(&self.store, move |s| s.markers_sent(&sent)).await?;
        }
        Ok(())
    }

    /// Reads the chats closed on any device, before the catch-up brings
    /// their messages.
    async fn read_closed_chats(&mut self, token: &str) -> Result<(), Setback> {
        let chats = match self.client().closed_chats(token).await {
            Ok(list) => list.chats,
            Err(error) if error.code() == Some(ErrorCode::NotFound) => {
                tracing::warn!(%error, "the server keeps no closed chats");
                Vec::new()
            }
            Err(error) => return Err(self.setback(error)),
        };
        let changed = blocking(&self.store, move |s| s.apply_closed_chats(&chats)).await?;
        if !changed.is_empty() {
            let _ = self.updates.send(SyncUpdate::Changed(Changes {
                chats: changed,
                ..Changes::default()
            }));
        }
        self.closed_chats_read = true;
        Ok(())
    }

    /// Reads the user's rooms; each of them then catches up from its archive.
    async fn read_rooms(&mut self, token: &str) -> Result<(), Setback> {
        match self.client().rooms(token).await {
            Ok(list) => {
                blocking(&self.store, move |s| s.replace_rooms(&list.rooms)).await?;
                let _ = self.updates.send(SyncUpdate::Changed(Changes {
                    rooms: true,
                    ..Changes::default()
                }));
            }
            Err(error) if error.code() == Some(ErrorCode::NotFound) => {
                tracing::warn!(%error, "the gateway offers no rooms");
            }
            Err(error) => return Err(self.setback(error)),
        }
        self.rooms_read = true;
        Ok(())
    }

    /// Tells the network about chats closed here; a close the gateway
    /// refuses for good is dropped.
    async fn flush_closes(&mut self, token: &str) -> Result<(), Setback> {
        for chat in blocking(&self.store, |s| s.pending_closes()).await? {
            match self.client().close_chat(token, &chat).await {
                Ok(()) => {}
                Err(error) if error.code() == Some(ErrorCode::InvalidRequest) => {
                    tracing::warn!(%error, "the gateway refused a closed chat for good");
                }
                Err(error) => return Err(self.setback(error)),
            }
            blocking(&self.store, move |s| s.close_sent(&chat)).await?;
        }
        Ok(())
    }

    /// One long-poll of up to `wait_secs`, cut short when a message is
    /// queued; the batch goes into the store before listeners hear of it.
    async fn poll(&mut self, token: &str, wait_secs: u64) -> Result<(), Setback> {
        let cursor = blocking(&self.store, |s| s.sync_value(keys::CURSOR))
            .await?
            .unwrap_or_default();
        let outbox_changed = self.outbox_changed.clone();
        let page = tokio::select! {
            page = self.client().events(token, &cursor, wait_secs) => page,
            _ = outbox_changed.notified() => return Ok(()),
        };
        let page = match page {
            Ok(page) => page,
            Err(error) if error.code() == Some(ErrorCode::CursorInvalid) => {
                return self.resync(token).await;
            }
            Err(error) => return Err(self.setback(error)),
        };
        let changes = blocking(&self.store, move |s| {
            s.apply_events(&page.events, &page.next_cursor)
        })
        .await?;
        let ended = changes.session_ended.is_some();
        if !changes.is_empty() {
            let _ = self.updates.send(SyncUpdate::Changed(changes));
        }
        if ended {
            return Err(Setback::Reauthenticate);
        }
        Ok(())
    }

    /// Rebuilds the contact list from a snapshot after the cursor was lost.
    async fn resync(&mut self, token: &str) -> Result<(), Setback> {
        tracing::info!("cursor invalid; resyncing from a snapshot");
        let snapshot = self
            .client()
            .snapshot(token)
            .await
            .map_err(|e| self.setback(e))?;
        blocking(&self.store, move |s| {
            s.replace_contacts(&snapshot.contacts, &snapshot.cursor)
        })
        .await?;
        let _ = self.updates.send(SyncUpdate::Changed(Changes {
            contacts: true,
            ..Changes::default()
        }));
        Ok(())
    }

    fn setback(&self, error: ClientError) -> Setback {
        let retry_after = match &error {
            ClientError::Refused { retry_after, .. } => retry_after.map(Duration::from_secs),
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
