//! One sync that does not wait, for a push or a scheduled job: the rounds
//! of the engine's own loop with polls of no wait, until nothing more is
//! waiting or the platform's time budget runs out.

use std::time::Duration;

use splitline_backoff::Backoff;
use tokio::time::Instant;

use super::{Round, Setback, SyncEngine, SyncError};

/// How a sync once ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Once {
    /// Nothing more waits: the archives read up, the outbox sent, and a poll
    /// came back empty.
    CaughtUp,
    /// The budget ran out first; what came so far is stored.
    OutOfTime,
    /// The gateway could not be reached (or asked to wait) until the budget
    /// ran out.
    Failing,
}

impl SyncEngine {
    /// Rounds with polls of no wait until caught up or `deadline`; signs in
    /// if there is no session. Each batch goes into the store as in
    /// [`SyncEngine::run`]: these are its rounds.
    pub(crate) async fn sync_until(&mut self, deadline: Instant) -> Result<Once, SyncError> {
        let mut failing = false;
        let rounds = self.rounds_until_caught_up(&mut failing);
        match tokio::time::timeout_at(deadline, rounds).await {
            Ok(ended) => ended,
            Err(_) if failing => Ok(Once::Failing),
            Err(_) => Ok(Once::OutOfTime),
        }
    }

    async fn rounds_until_caught_up(&mut self, failing: &mut bool) -> Result<Once, SyncError> {
        let mut backoff = Backoff::new(Duration::from_millis(250), self.config.backoff_cap);
        loop {
            match self.step(0).await {
                Ok(Round::Live { fetched: false }) => return Ok(Once::CaughtUp),
                Ok(_) => {
                    *failing = false;
                    backoff.reset();
                }
                Err(setback) => {
                    *failing = matches!(setback, Setback::Retry { .. });
                    if let Some(delay) = self.recover(setback, &mut backoff).await? {
                        tokio::time::sleep(delay).await;
                    }
                }
            }
        }
    }
}
