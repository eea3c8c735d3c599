//! The seam between a session worker and the network: the worker sends
//! stanzas and reads stream events through [`Link`], so tests can drive it
//! with a fake in-process link and no server. The production link is
//! tokio-xmpp's [`StanzaStream`], owned by the worker's task and read
//! continuously (an unread stream stalls).

use std::{pin::Pin, time::Duration};

use futures::StreamExt;
use tokio_xmpp::{
    Stanza,
    jid::Jid,
    stanzastream::{self, StanzaStage, StanzaState, StanzaStream, StanzaToken, StreamEvent},
};

use super::CommandError;

/// How long a message's sender waits for the server to acknowledge it.
const ACK_WAIT: Duration = Duration::from_secs(10);

/// What the stream tells the worker.
// Nearly every event is a stanza, moved once into the worker: boxing it
// would only add an allocation per stanza.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub(crate) enum LinkEvent {
    /// A new session is up (not a resumption): it knows nothing of the old one.
    Online {
        /// The address the server bound.
        bound: Jid,
    },
    /// The connection came back and the session resumed (XEP-0198).
    Resumed,
    /// The connection broke; the stream is trying to come back.
    Suspended,
    /// A stanza arrived.
    Stanza(Stanza),
}

/// Resolves when the server acknowledged a sent stanza, or it failed.
pub(crate) type Ack = Pin<Box<dyn Future<Output = Result<(), CommandError>> + Send>>;

/// A stream of stanzas to and from the user's account.
pub(crate) trait Link: Send + 'static {
    /// Queues a stanza; the returned [`Ack`] follows it to the server.
    fn send(&mut self, stanza: Stanza) -> impl Future<Output = Ack> + Send;
    /// The next event; `None` once the stream is gone for good. Must be
    /// cancel-safe: the worker selects over it.
    fn next(&mut self) -> impl Future<Output = Option<LinkEvent>> + Send;
    /// Closes the stream.
    fn close(self) -> impl Future<Output = ()> + Send;
}

impl Link for StanzaStream {
    async fn send(&mut self, stanza: Stanza) -> Ack {
        let token = StanzaStream::send(self, Box::new(stanza)).await;
        Box::pin(await_ack(token))
    }

    async fn next(&mut self) -> Option<LinkEvent> {
        Some(match StreamExt::next(self).await? {
            stanzastream::Event::Stream(StreamEvent::Reset { bound_jid, .. }) => {
                LinkEvent::Online { bound: bound_jid }
            }
            stanzastream::Event::Stream(StreamEvent::Resumed) => LinkEvent::Resumed,
            stanzastream::Event::Stream(StreamEvent::Suspended) => LinkEvent::Suspended,
            stanzastream::Event::Stanza(stanza) => LinkEvent::Stanza(stanza),
        })
    }

    async fn close(self) {
        StanzaStream::close(self).await
    }
}

/// Waits until the server acknowledged the stanza (or at least took it).
async fn await_ack(mut token: StanzaToken) -> Result<(), CommandError> {
    let acked = tokio::time::timeout(ACK_WAIT, token.wait_for(StanzaStage::Acked)).await;
    match acked {
        Ok(Some(StanzaState::Acked { .. })) => Ok(()),
        Ok(Some(StanzaState::Failed { error })) => {
            Err(CommandError::Network(error.into_io_error().to_string()))
        }
        Ok(Some(StanzaState::Dropped) | None) => Err(CommandError::Network(
            "the network session closed before the message went out".to_owned(),
        )),
        // Sent but not (yet) acknowledged: the stream resends it after a reconnect.
        Ok(Some(StanzaState::Queued | StanzaState::Sent { .. })) | Err(_) => match token.state() {
            StanzaState::Sent { .. } | StanzaState::Acked { .. } => Ok(()),
            _ => Err(CommandError::Network(
                "the message is still queued for the network; retry with the same client_id"
                    .to_owned(),
            )),
        },
    }
}
