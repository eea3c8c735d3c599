//! The engine loop: one round after another, each making sure of a session
//! first; a failed round backs off, fails over or signs in again.

use std::time::Duration;

use splitline_backoff::Backoff;
use splitline_protocol::{ErrorCode, SignInRequest};
use tokio::sync::watch;

use super::{Setback, SyncEngine, SyncError, SyncUpdate, blocking};
use crate::store::{StoreError, keys};

impl SyncEngine {
    /// Runs until `stop` turns true (`Ok`) or the engine cannot go on (`Err`).
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) -> Result<(), SyncError> {
        let mut backoff = Backoff::new(Duration::from_millis(250), self.config.backoff_cap);
        loop {
            if *stop.borrow() {
                return Ok(());
            }
            let step = tokio::select! {
                _ = stop.changed() => return Ok(()),
                step = self.step() => step,
            };
            match step {
                Ok(()) => {
                    backoff.reset();
                    // A session resumed with a stored token is online once
                    // a round went through (a new sign-in says so at once).
                    self.announce_online();
                }
                Err(Setback::Reauthenticate) => self.forget_session().await?,
                Err(Setback::Fatal(error)) => return Err(error),
                Err(Setback::Retry {
                    retry_after,
                    failover,
                }) => {
                    if failover {
                        self.online = false;
                    }
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

    /// Tells listeners the engine is online, unless they know already.
    fn announce_online(&mut self) {
        if !self.online {
            self.online = true;
            let _ = self
                .updates
                .send(SyncUpdate::Online(self.client().base().to_owned()));
        }
    }

    async fn forget_session(&mut self) -> Result<(), StoreError> {
        self.session.set(self.client(), None);
        blocking(&self.store, |s| s.set_sync_value(keys::TOKEN, None)).await
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
        self.flush_contact_ops(&token).await?;
        self.flush_own_presence(&token).await?;
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
        if let Some(token) = self.session.token() {
            return Ok(token);
        }
        let request = SignInRequest {
            jid: self.config.jid.clone(),
            password: self.password.expose().to_owned(),
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
            // The new session starts plainly available.
            s.own_presence_due_after_sign_in()?;
            s.set_sync_value(keys::TOKEN, Some(&token))?;
            s.set_sync_value(keys::ENDPOINT, Some(&endpoint))?;
            s.set_sync_value(keys::CURSOR, Some(&cursor))
        })
        .await?;
        self.session
            .set(self.client(), Some(response.token.clone()));
        self.closed_chats_read = false;
        self.rooms_read = false;
        self.online = false;
        self.announce_online();
        Ok(response.token)
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
}
