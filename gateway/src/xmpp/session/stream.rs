//! The stream's life: a new session (which knows nothing of the old one), a
//! resumption, a suspension, the switch to a fresh stream when resumption
//! keeps failing, and the goodbye.

use std::time::{Duration, Instant};

use tokio_xmpp::{Stanza, jid::Jid, parsers::presence};

use super::{CommandError, Link, SEND_WAIT, Worker};

/// Suspensions within [`FLAP_WINDOW`] after which the stream is replaced by a
/// fresh one. tokio-xmpp 6.0 cannot parse Prosody 0.12's `<failed/>` answer to
/// a resumption after a server restart (no `h` attribute) and would retry the
/// same resumption in a tight loop; a fresh stream logs in without it.
pub(super) const FLAPS_BEFORE_FRESH_STREAM: usize = 3;
/// See [`FLAPS_BEFORE_FRESH_STREAM`].
const FLAP_WINDOW: Duration = Duration::from_secs(10);

impl<L: Link> Worker<L> {
    /// A new session is up: nothing of the old one survives.
    pub(super) async fn on_online(&mut self, bound: Jid) {
        self.offline_since = None;
        self.suspensions.clear();
        tracing::info!(user = %self.own, "network session online");
        self.resource = bound.resource().map(|r| r.as_str().to_owned());
        self.bound = Some(bound);
        self.start_fresh_stream().await;
    }

    pub(super) fn on_resumed(&mut self) {
        self.offline_since = None;
        self.suspensions.clear();
        tracing::info!(user = %self.own, "network session resumed");
    }

    pub(super) fn on_suspended(&mut self) {
        tracing::warn!(user = %self.own, "network session interrupted; reconnecting");
        self.offline_since.get_or_insert_with(Instant::now);
        self.note_suspension();
    }

    /// Replaces a stream that keeps failing to come back (see
    /// [`FLAPS_BEFORE_FRESH_STREAM`]). Its unacknowledged sends fail, so their
    /// client ids can be sent again.
    fn note_suspension(&mut self) {
        let now = Instant::now();
        self.suspensions.push_back(now);
        while self
            .suspensions
            .front()
            .is_some_and(|t| now.duration_since(*t) > FLAP_WINDOW)
        {
            self.suspensions.pop_front();
        }
        if self.suspensions.len() >= FLAPS_BEFORE_FRESH_STREAM {
            tracing::warn!(user = %self.own, "the stream keeps failing to resume; starting a fresh one");
            self.suspensions.clear();
            self.link = (self.new_link)();
        }
    }

    /// A stream that did not resume knows nothing: requests sent on the old
    /// one get no answer, presence starts over, the roster is fetched again and
    /// carbons are turned on again.
    async fn start_fresh_stream(&mut self) {
        let reset = || CommandError::Network("the network connection was reset; try again".into());
        for purpose in self.pending.drain() {
            purpose.fail(reset());
        }
        for (_, new_room) in self.new_rooms.drain() {
            let _ = new_room.reply.send(Err(reset()));
        }
        self.reload_rooms().await;
        self.restart_closes().await;
        self.restart_vcards().await;
        self.reload_read_positions().await;
        for event in self.roster.clear_presence() {
            self.publish(event);
        }
        self.enable_carbons().await;
        self.fetch_roster().await;
    }

    /// Says goodbye on a stream that is still there.
    pub(super) async fn close(mut self) {
        if !self.stream_alive {
            return;
        }
        let offline = Stanza::from(presence::Presence::unavailable());
        self.send(offline).await.ok();
        // Pending contact changes are dropped here; their callers hear `Ended`.
        drop(self.pending);
        if tokio::time::timeout(SEND_WAIT, self.link.close())
            .await
            .is_err()
        {
            tracing::warn!(user = %self.own, "network session did not close in time");
        }
    }
}
