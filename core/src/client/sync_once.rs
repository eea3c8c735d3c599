//! [`Client::sync_once`]: what a push or a scheduled job runs. It shares the
//! engine's rounds (sign-in, catch-up, outbox, events), so a batch is stored
//! once even while the client's own engine runs beside it.

use std::{sync::Arc, time::Duration};

use tokio::{
    sync::{Notify, broadcast, mpsc},
    time::Instant,
};

use super::{Client, ClientError};
use crate::{
    secret::Secret,
    store::ChatNews,
    sync::{Once, SyncEngine, SyncUpdate, blocking},
};

/// What one [`Client::sync_once`] brought.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncSummary {
    /// Chats with new incoming messages, most recent first, with how many
    /// (also those the running engine stored meanwhile).
    pub chats: Vec<ChatNews>,
    /// People newly asking to see the user's presence.
    pub contact_requests: Vec<String>,
    /// True when nothing more waited at the gateway: every archive read up,
    /// the outbox sent and the events taken. False when the budget ran out
    /// first; the next sync goes on from there.
    pub caught_up: bool,
}

impl Client {
    /// Fetches what is new and returns within `budget` (the platform's time
    /// for a push or a job): signs in with `password` if there is no
    /// session, catches up, sends the outbox and takes the events with
    /// polls that do not wait, each batch stored in one transaction before
    /// listeners hear of it. `Offline` if the gateway could not be reached
    /// in the budget (what came before is kept); `Sync(AuthFailed)` if the
    /// network refused the password. Two calls take turns.
    pub async fn sync_once(
        &self,
        password: Secret,
        budget: Duration,
    ) -> Result<SyncSummary, ClientError> {
        let deadline = Instant::now() + budget;
        let Ok(_turn) = tokio::time::timeout_at(deadline, self.once.lock()).await else {
            return Ok(SyncSummary::default());
        };
        let before = blocking(&self.store, |s| s.newest_message_id()).await?;
        let (engine_updates, engine_rx) = mpsc::unbounded_channel();
        let mut engine = SyncEngine::sharing(
            self.config.clone(),
            password,
            self.store.clone(),
            engine_updates,
            // Its own: a message queued meanwhile must still wake the running engine.
            Arc::new(Notify::new()),
            self.session.clone(),
        )?;
        let heard = tokio::spawn(hear(engine_rx, self.updates.clone()));
        let ended = engine.sync_until(deadline).await;
        drop(engine);
        let heard = heard
            .await
            .map_err(|e| ClientError::Invalid(format!("the sync task failed: {e}")))?;
        match ended? {
            Once::Failing => {
                Err(ClientError::Offline(heard.offline.unwrap_or_else(|| {
                    "the gateway asked to wait; try again later".into()
                })))
            }
            ended => Ok(SyncSummary {
                chats: blocking(&self.store, move |s| s.news_since(before)).await?,
                contact_requests: heard.contact_requests,
                caught_up: ended == Once::CaughtUp,
            }),
        }
    }
}

/// What the sync's engine said, beyond the store.
#[derive(Default)]
struct Heard {
    contact_requests: Vec<String>,
    /// The last reason the gateway could not be reached.
    offline: Option<String>,
}

/// Passes the sync's changes to the client's subscribers (the connection
/// status stays the running engine's) and keeps what the summary needs.
async fn hear(
    mut engine_rx: mpsc::UnboundedReceiver<SyncUpdate>,
    updates: broadcast::Sender<SyncUpdate>,
) -> Heard {
    let mut heard = Heard::default();
    while let Some(update) = engine_rx.recv().await {
        match update {
            SyncUpdate::Changed(changes) => {
                heard
                    .contact_requests
                    .extend(changes.subscription_requests.iter().cloned());
                let _ = updates.send(SyncUpdate::Changed(changes));
            }
            SyncUpdate::Offline(reason) => heard.offline = Some(reason),
            SyncUpdate::Online(_) => {}
        }
    }
    heard
}
