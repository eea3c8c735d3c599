//! The idle reaper: ends sessions whose phone has gone quiet (for the long
//! push timeout where the device has a push registration) and forgets old
//! tombstones.

use std::{sync::Arc, time::Duration};

use splitline_protocol::SessionEndReason;

use super::registry::Registry;

/// How long a tombstone tells an old token why its session ended.
const TOMBSTONE_TTL: Duration = Duration::from_secs(24 * 3600);

impl Registry {
    /// Ends idle sessions and forgets old tombstones; runs until dropped.
    pub(crate) async fn reap_forever(self: Arc<Self>) {
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
                    .filter(|s| s.idle_for() > self.idle_timeout_of(s))
                    .map(|s| s.token().to_owned())
                    .collect()
            };
            for token in idle {
                self.end(&token, SessionEndReason::IdleTimeout);
            }
        }
    }
}
