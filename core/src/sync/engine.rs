//! The engine loop: one round after another, each making sure of a session
//! first; a failed round backs off, fails over or signs in again.

use std::time::Duration;

use splitline_backoff::Backoff;
use splitline_protocol::{ErrorCode, SignInRequest};
use tokio::sync::watch;

use super::{POLL_WAIT_SECS, Round, Setback, SyncEngine, SyncError, SyncUpdate, blocking};
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
                step = self.step(POLL_WAIT_SECS) => step,
            };
            match step {
                Ok(_) => {
                    backoff.reset();
                    // A session resumed with a stored token is online once
                    // a round went through (a new sign-in says so at once).
                    self.announce_online();
                }
                Err(setback) => {
                    if let Some(delay) = self.recover(setback, &mut backoff).await? {
                        tokio::select! {
                            _ = stop.changed() => return Ok(()),
                            _ = tokio::time::sleep(delay) => {}
                        }
                    }
                }
            }
        }
    }

    /// What a failed round leads to: the session forgotten (sign in again
    /// at once: `None`), the engine's end (`Err`), or the time to wait
    /// before the next round (on the next endpoint, if the failure asks to
    /// fail over and there is one).
    pub(super) async fn recover(
        &mut self,
        setback: Setback,
        backoff: &mut Backoff,
    ) -> Result<Option<Duration>, SyncError> {
        match setback {
            Setback::Reauthenticate => {
                self.forget_session().await?;
                Ok(None)
            }
            Setback::Fatal(error) => Err(error),
            Setback::Retry {
                retry_after,
                failover,
            } => {
                if failover {
                    self.online = false;
                }
                if failover && self.clients.len() > 1 {
                    self.fail_over().await?;
                }
                let delay = backoff.next_delay(retry_after);
                tracing::info!(
                    ?delay,
                    endpoint = self.clients[self.current].base(),
                    "retrying"
                );
                Ok(Some(delay))
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

    /// Forgets the session this engine used last, unless another engine of
    /// the client (a `sync_once` beside the running one) signed in anew since.
    async fn forget_session(&mut self) -> Result<(), StoreError> {
        let Some(used) = self.token_used.take() else {
            return Ok(());
        };
        if self.session.forget_token(&used) {
            blocking(&self.store, |s| s.set_sync_value(keys::TOKEN, None)).await?;
        }
        Ok(())
    }

    /// Moves to the next endpoint (if there is one) and drops the session there.
    async fn fail_over(&mut self) -> Result<(), StoreError> {
        self.current = (self.current + 1) % self.clients.len();
        self.session.set(self.client(), None);
        self.token_used = None;
        blocking(&self.store, |s| s.set_sync_value(keys::TOKEN, None)).await
    }

    /// One round: make sure of a session, then either catch up a page from
    /// the archive and take the events so far, or send the outbox and wait
    /// up to `wait_secs` for events.
    pub(super) async fn step(&mut self, wait_secs: u64) -> Result<Round, Setback> {
        let token = self.session().await?;
        self.token_used = Some(token.clone());
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
            self.poll(&token, 0).await?;
            return Ok(Round::CatchingUp);
        }
        if let Some(room) = blocking(&self.store, |s| s.next_room_catch_up()).await? {
            self.catch_up_page(&token, Some(room)).await?;
            self.poll(&token, 0).await?;
            return Ok(Round::CatchingUp);
        }
        self.flush_outbox(&token).await?;
        self.flush_markers(&token).await?;
        self.flush_closes(&token).await?;
        let fetched = self.poll(&token, wait_secs).await?;
        Ok(Round::Live { fetched })
    }

    /// The session's token, signing in first if there is none. Sign-ins of
    /// the client's engines take turns, and one that finds a token a turn
    /// before it left takes that: a second sign-in would replace the session.
    async fn session(&mut self) -> Result<String, Setback> {
        if let Some(token) = self.session.token() {
            return Ok(token);
        }
        let signing = self.session.signing();
        let _turn = signing.lock().await;
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
    /// True unless it came back empty (or cut short, as if not).
    async fn poll(&mut self, token: &str, wait_secs: u64) -> Result<bool, Setback> {
        let cursor = blocking(&self.store, |s| s.sync_value(keys::CURSOR))
            .await?
            .unwrap_or_default();
        let outbox_changed = self.outbox_changed.clone();
        let page = tokio::select! {
            page = self.client().events(token, &cursor, wait_secs) => page,
            _ = outbox_changed.notified() => return Ok(true),
        };
        let page = match page {
            Ok(page) => page,
            Err(error) if error.code() == Some(ErrorCode::CursorInvalid) => {
                self.resync(token).await?;
                return Ok(true);
            }
            Err(error) => return Err(self.setback(error)),
        };
        let fetched = !page.events.is_empty() || page.next_cursor != cursor;
        // Another engine of the client may have applied this batch already
        // (it polled from the same cursor): then it is dropped whole.
        let Some(changes) = blocking(&self.store, move |s| {
            s.apply_events_from(&cursor, &page.events, &page.next_cursor)
        })
        .await?
        else {
            return Ok(true);
        };
        let ended = changes.session_ended.is_some();
        if !changes.is_empty() {
            let _ = self.updates.send(SyncUpdate::Changed(changes));
        }
        if ended {
            return Err(Setback::Reauthenticate);
        }
        Ok(fetched)
    }
}
