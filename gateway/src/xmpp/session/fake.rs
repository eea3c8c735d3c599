//! An in-process stand-in for the network, for the worker's unit tests: the
//! test plays the server on the other end of each link the worker opens.

use tokio::sync::mpsc;
use tokio_xmpp::Stanza;

use super::link::{Ack, Link, LinkEvent};

/// The worker's end: what the test sends arrives as stream events; what the
/// worker sends goes to the test, and the server acknowledges it at once.
pub(super) struct FakeLink {
    events: mpsc::UnboundedReceiver<LinkEvent>,
    sent: mpsc::UnboundedSender<Stanza>,
}

/// The test's end of one link.
pub(super) struct FakeServer {
    pub(super) events: mpsc::UnboundedSender<LinkEvent>,
    pub(super) sent: mpsc::UnboundedReceiver<Stanza>,
}

/// A connected pair.
pub(super) fn pair() -> (FakeLink, FakeServer) {
    let (events_tx, events) = mpsc::unbounded_channel();
    let (sent, sent_rx) = mpsc::unbounded_channel();
    (
        FakeLink { events, sent },
        FakeServer {
            events: events_tx,
            sent: sent_rx,
        },
    )
}

impl Link for FakeLink {
    async fn send(&mut self, stanza: Stanza) -> Ack {
        let _ = self.sent.send(stanza);
        Box::pin(async { Ok(()) })
    }

    async fn next(&mut self) -> Option<LinkEvent> {
        self.events.recv().await
    }

    async fn close(self) {}
}
