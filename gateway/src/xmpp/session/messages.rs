//! Messages: sending each client id once (to a contact or a room), waiting
//! for the server's acknowledgement without holding up the worker, and
//! message carbons (XEP-0280) so the user's other logins see them.

use tokio_xmpp::{Stanza, jid::BareJid};

use super::{
    CommandError, IqOutcome, IqPurpose, Link, Reply, SendOutcome, Worker, iq::IqKind, sent::Begin,
};
use crate::{
    metrics::Metrics,
    xmpp::xep::{chat, muc},
};

/// What a messaging request is for.
pub(super) enum MessageIq {
    /// Turning carbons on, on a fresh stream.
    Carbons,
}

impl<L: Link> Worker<L> {
    pub(super) async fn enable_carbons(&mut self) {
        let purpose = IqPurpose::Messages(MessageIq::Carbons);
        self.send_iq(None, IqKind::Set, chat::enable_carbons(), purpose)
            .await;
    }

    pub(super) fn on_message_iq(&mut self, request: MessageIq, outcome: IqOutcome) {
        match request {
            MessageIq::Carbons => {
                if outcome.is_err() {
                    tracing::warn!(user = %self.own, "the server refused message carbons");
                }
            }
        }
    }

    /// Queues a message once per client id; the reply comes when the server
    /// has acknowledged it (stream management), without holding up the worker.
    pub(super) async fn send_message(
        &mut self,
        client_id: String,
        to: BareJid,
        body: &str,
        reply: Reply<SendOutcome>,
    ) {
        let stanza: Stanza = if self.rooms.contains(&to) {
            muc::room_message(to, body, &client_id).into()
        } else if to.domain().as_str() == self.rooms_service {
            let _ = reply.send(Err(CommandError::NotInRoom));
            return;
        } else {
            chat::chat_message(to, body, &client_id).into()
        };
        if let Begin::Handled = self.sent.begin(&client_id, reply) {
            return;
        }
        let ack = match self.enqueue(stanza).await {
            Ok(ack) => ack,
            Err(error) => return self.sent.settle(&client_id, Err(error)),
        };
        Metrics::inc(&self.metrics.messages_sent);
        let settled = self.settled_tx.clone();
        tokio::spawn(async move {
            let _ = settled.send((client_id, ack.await));
        });
    }
}
