//! Strangers: 1:1 messages from people who are not the user's contacts.
//!
//! Such a message is a message request (`from_stranger` in the event), and it
//! goes on the session's log only within the strangers' limits (a rate and a
//! share of the unread buffer per sender, and a share for all strangers). One
//! past them is refused: the sender gets a `resource-constraint` error (when
//! the message came straight from them), so their client shows it undelivered
//! and nothing is lost silently; the user's server archive also keeps it.

use splitline_protocol::Event;
use tokio_xmpp::{
    jid::{BareJid, Jid},
    parsers::message::Id,
};

use super::{Link, Worker};
use crate::{metrics::Metrics, util::now_ms, xmpp::xep::chat};

/// Who sent a stanza and its id, as the stream gave them: where a refusal goes.
pub(super) struct Origin {
    /// The sender's full address, if the stanza named one.
    pub(super) from: Option<Jid>,
    /// The stanza's id, which a refusal echoes.
    pub(super) id: Option<Id>,
}

impl<L: Link> Worker<L> {
    /// True when `from` is neither the user, the user's server, nor a contact.
    pub(super) fn is_stranger(&self, from: &str) -> bool {
        let Ok(jid) = BareJid::new(from) else {
            return true;
        };
        let own_server = jid.node().is_none() && jid.domain() == self.own.domain();
        jid != self.own && !own_server && !self.roster.is_contact(&jid)
    }

    /// Publishes an event from the network. A 1:1 message from a stranger is
    /// flagged and held to the strangers' limits, and so are a stranger's
    /// read markers and subscription requests; everything else goes on as is.
    pub(super) async fn publish_inbound(&mut self, event: Event, origin: Origin) {
        let mut message = match event {
            Event::MessageReceived { message } => message,
            Event::Displayed {
                ref peer,
                by_user: false,
                ..
            } if self.is_stranger(peer) => {
                let sender = peer.clone();
                return self.publish_quietly_from_stranger(event, &sender);
            }
            Event::SubscriptionRequested { ref from } if self.is_stranger(from) => {
                let sender = from.clone();
                return self.publish_quietly_from_stranger(event, &sender);
            }
            other => return self.publish(other),
        };
        if message.room.is_some() || !self.is_stranger(&message.from) {
            return self.publish(Event::MessageReceived { message });
        }
        message.from_stranger = true;
        // A stranger's delay stamp proves nothing: a server may keep one the
        // sender wrote in its name (ejabberd keeps a delay from its own domain
        // instead of adding its offline stamp), so a stranger's message is
        // timed at its arrival here.
        message.timestamp_ms = now_ms();
        let sender = message.from.clone();
        let refusal = match self
            .log
            .push_from_stranger(Event::MessageReceived { message }, &sender)
        {
            Ok(_) => return Metrics::inc(&self.metrics.events),
            Err(refusal) => refusal,
        };
        Metrics::inc(&self.metrics.stranger_messages_refused);
        tracing::debug!(user = %self.own, reason = ?refusal, "a stranger's message was refused");
        // A carbon of a message another login received has no one to tell.
        let Origin { from, id } = origin;
        if let Some(to) = from.filter(|f| f.to_bare().as_str() == sender) {
            let bounce = chat::refusal(to, id, &refusal.to_string());
            self.send(bounce.into()).await.ok();
        }
    }

    /// Appends an event a stranger caused that has no one to tell when it is
    /// refused: a read marker (only a hint), or a subscription request (the
    /// server keeps it and delivers it again at the next fresh stream).
    fn publish_quietly_from_stranger(&self, event: Event, sender: &str) {
        match self.log.push_from_stranger(event, sender) {
            Ok(_) => Metrics::inc(&self.metrics.events),
            Err(refusal) => {
                Metrics::inc(&self.metrics.stranger_messages_refused);
                tracing::debug!(user = %self.own, reason = ?refusal, "a stranger's event was refused");
            }
        }
    }
}
