//! Contacts and presence: the roster (fetched on each fresh stream, changed
//! by the phone, pushed by the server), subscriptions, the presence of the
//! contacts' devices, and the user's own presence across logins.

use splitline_protocol::{Availability, Event, Snapshot};
use tokio_xmpp::{
    jid::BareJid,
    minidom::Element,
    parsers::{presence, roster::Item},
};

use super::{CommandError, IqOutcome, IqPurpose, Link, Reply, Worker, iq::IqKind};
use crate::xmpp::xep::{
    inbound,
    presence::{DevicePresence, own_presence, subscription},
    roster,
};

/// What a roster request is for.
pub(super) enum RosterIq {
    /// The whole roster, on a fresh stream.
    Fetch,
    /// A contact added or removed; with `subscribe_to`, a subscription
    /// request follows once the server took the change.
    Change {
        subscribe_to: Option<BareJid>,
        reply: Reply<()>,
    },
}

impl RosterIq {
    pub(super) fn fail(self, error: CommandError) {
        match self {
            Self::Fetch => {}
            Self::Change { reply, .. } => drop(reply.send(Err(error))),
        }
    }
}

impl<L: Link> Worker<L> {
    pub(super) async fn fetch_roster(&mut self) {
        let purpose = IqPurpose::Roster(RosterIq::Fetch);
        self.send_iq(None, IqKind::Get, roster::roster_query(), purpose)
            .await;
    }

    pub(super) async fn add_contact(
        &mut self,
        jid: BareJid,
        name: Option<String>,
        reply: Reply<()>,
    ) {
        let payload = roster::roster_set(&jid, name.as_deref(), false);
        let purpose = IqPurpose::Roster(RosterIq::Change {
            subscribe_to: Some(jid),
            reply,
        });
        self.send_iq(None, IqKind::Set, payload, purpose).await;
    }

    /// Gives a contact in the list a new name: a roster set with no
    /// subscription request after it.
    pub(super) async fn rename_contact(
        &mut self,
        jid: BareJid,
        name: Option<String>,
        reply: Reply<()>,
    ) {
        let payload = roster::roster_set(&jid, name.as_deref(), false);
        self.change_listed(jid, payload, reply).await;
    }

    pub(super) async fn remove_contact(&mut self, jid: BareJid, reply: Reply<()>) {
        let payload = roster::roster_set(&jid, None, true);
        self.change_listed(jid, payload, reply).await;
    }

    /// Sends a roster change of a contact that must be in the list.
    async fn change_listed(&mut self, jid: BareJid, payload: Element, reply: Reply<()>) {
        if !self.roster.contains(&jid) {
            let _ = reply.send(Err(CommandError::NotAContact));
            return;
        }
        let purpose = IqPurpose::Roster(RosterIq::Change {
            subscribe_to: None,
            reply,
        });
        self.send_iq(None, IqKind::Set, payload, purpose).await;
    }

    pub(super) async fn on_roster_iq(&mut self, request: RosterIq, outcome: IqOutcome) {
        match request {
            RosterIq::Fetch => self.on_roster_fetched(outcome).await,
            RosterIq::Change {
                subscribe_to,
                reply,
            } => {
                let outcome =
                    outcome.map_err(|e| match e.or_not_found(CommandError::NotAContact) {
                        CommandError::Unsupported => CommandError::Network(
                            "the server refused the contact change".to_owned(),
                        ),
                        other => other,
                    });
                let result = match (outcome, subscribe_to) {
                    (Ok(_), Some(jid)) => {
                        self.send(subscription(presence::Type::Subscribe, &jid).into())
                            .await
                    }
                    (Ok(_), None) => Ok(()),
                    (Err(e), _) => Err(e),
                };
                let _ = reply.send(result);
            }
        }
    }

    /// The roster is known: its differences are news, and the initial
    /// presence goes out (RFC 6121 §4.2).
    async fn on_roster_fetched(&mut self, outcome: IqOutcome) {
        match outcome.map(roster::parse) {
            Ok(Some(items)) => {
                for event in self.roster.replace_all(&items) {
                    self.publish(event);
                }
            }
            other => {
                tracing::warn!(user = %self.own, ok = other.is_ok(), "roster fetch failed")
            }
        }
        let presence = own_presence(self.availability, self.status.as_deref());
        let sent = self.enqueue(presence.into()).await;
        // Sign-in answers only once the server has taken the initial
        // presence: until then the session is not available, and a
        // server may put what arrives meanwhile into offline storage
        // instead of delivering it (ejabberd does).
        if let (Some(online), Some(bound)) = (self.online.take(), self.bound.clone()) {
            tokio::spawn(async move {
                if let Ok(ack) = sent {
                    let _ = ack.await;
                }
                let _ = online.send(bound);
            });
        }
    }

    /// The server changed the roster (another login did, or a contact
    /// answered): each change is news; the push is acknowledged.
    pub(super) async fn on_roster_push(&mut self, id: String, items: &[Item]) {
        for item in items {
            if let Some(event) = self.roster.apply_item(item) {
                self.publish(event);
            }
        }
        self.send(inbound::iq_result(id, None).into()).await.ok();
    }

    pub(super) fn on_device_presence(
        &mut self,
        jid: &BareJid,
        device: &str,
        presence: Option<DevicePresence>,
    ) {
        if let Some(event) = self.roster.apply_presence(jid, device, presence) {
            self.publish(event);
        }
    }

    /// Answers a subscription request; accepting also asks back, unless the
    /// user already sees the asker.
    pub(super) async fn answer(&mut self, jid: &BareJid, accept: bool) -> Result<(), CommandError> {
        if !accept {
            return self
                .send(subscription(presence::Type::Unsubscribed, jid).into())
                .await;
        }
        self.send(subscription(presence::Type::Subscribed, jid).into())
            .await?;
        if !self.roster.sees(jid) {
            self.send(subscription(presence::Type::Subscribe, jid).into())
                .await?;
        }
        Ok(())
    }

    pub(super) async fn set_presence(
        &mut self,
        availability: Availability,
        status: Option<String>,
    ) -> Result<(), CommandError> {
        self.availability = availability;
        self.status = status;
        let presence = own_presence(availability, self.status.as_deref());
        self.send(presence.into()).await
    }

    /// Adopts a presence the user announced on another login, so all of the
    /// user's logins show contacts the same one. An equal presence changes
    /// nothing, so two sessions following each other settle at once.
    pub(super) async fn follow_own_presence(&mut self, device: &str, presence: DevicePresence) {
        if self.resource.as_deref() == Some(device)
            || (presence.availability, &presence.status) == (self.availability, &self.status)
        {
            return;
        }
        self.availability = presence.availability;
        self.status = presence.status;
        let own = own_presence(self.availability, self.status.as_deref());
        self.send(own.into()).await.ok();
        self.publish(Event::OwnPresenceChanged {
            availability: self.availability,
            status: self.status.clone(),
        });
    }

    /// The contact list and own presence with the matching cursor.
    pub(super) fn snapshot(&self) -> Snapshot {
        Snapshot {
            contacts: self.roster.contacts(),
            own_availability: self.availability,
            own_status: self.status.clone(),
            cursor: self.log.head_cursor(),
        }
    }
}
