//! The telephone numbers in the contacts' vCards, fetched lazily when the
//! phone first asks and kept for the session: vCard4 over PEP first, then
//! vcard-temp. A contact's vCard4 change pushed by the server (the session
//! advertises `urn:xmpp:vcard4+notify`) replaces what is kept; a contact
//! new to the list is fetched at the next ask. Each answer counts only from
//! the contact asked. The user's own numbers are published as vCard4 with
//! the rest of their vCard kept.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    time::{Duration, Instant},
};

use splitline_protocol::ContactPhones;
use tokio_xmpp::{jid::BareJid, minidom::Element, parsers::message::Message};

use super::{CommandError, IqError, IqOutcome, IqPurpose, Link, Reply, Worker, iq::IqKind};
use crate::xmpp::xep::vcard;

/// Most vCard requests in flight at once; the rest wait their turn.
const MAX_IN_FLIGHT: usize = 16;
/// A request unanswered this long is given up (and asked again next time).
const FETCH_WAIT: Duration = Duration::from_secs(15);

/// The numbers known per contact and the fetches under way.
#[derive(Default)]
pub(super) struct Vcards {
    known: HashMap<BareJid, Vec<String>>,
    queued: VecDeque<BareJid>,
    in_flight: HashMap<BareJid, Instant>,
    /// The phone's requests waiting for the fetches to end.
    waiting: Vec<Reply<Vec<ContactPhones>>>,
}

/// What a vCard request is for.
pub(super) enum VcardIq {
    /// A contact's vCard4.
    Vcard4 { contact: BareJid },
    /// A contact's vcard-temp (the contact has no vCard4 with numbers).
    VcardTemp { contact: BareJid },
    /// The user's own vCard4, read to publish it with `numbers`.
    ReadOwn {
        numbers: Vec<String>,
        reply: Reply<()>,
    },
    /// The user's own vCard4 was published.
    PublishOwn { reply: Reply<()> },
}

impl VcardIq {
    /// The contact that answers, or `None` for the user's own account.
    pub(super) fn contact(&self) -> Option<&BareJid> {
        match self {
            Self::Vcard4 { contact } | Self::VcardTemp { contact } => Some(contact),
            Self::ReadOwn { .. } | Self::PublishOwn { .. } => None,
        }
    }

    /// Tells the waiting caller, if any, that the request failed (a
    /// contact's fetch is restarted by [`Worker::restart_vcards`]).
    pub(super) fn fail(self, error: CommandError) {
        match self {
            Self::ReadOwn { reply, .. } | Self::PublishOwn { reply } => {
                drop(reply.send(Err(error)))
            }
            Self::Vcard4 { .. } | Self::VcardTemp { .. } => {}
        }
    }
}

impl Vcards {
    fn list(&self) -> Vec<ContactPhones> {
        let mut list: Vec<ContactPhones> = self
            .known
            .iter()
            .map(|(jid, numbers)| ContactPhones {
                jid: jid.to_string(),
                numbers: numbers.clone(),
            })
            .collect();
        list.sort_by(|a, b| a.jid.cmp(&b.jid));
        list
    }

    fn busy(&self) -> bool {
        !self.queued.is_empty() || !self.in_flight.is_empty()
    }
}

impl<L: Link> Worker<L> {
    /// The numbers of every contact: at once when all are known, otherwise
    /// once the missing ones are fetched.
    pub(super) async fn contact_phones(&mut self, reply: Reply<Vec<ContactPhones>>) {
        let contacts: HashSet<BareJid> = self.roster.jids().cloned().collect();
        let vcards = &mut self.vcards;
        vcards.known.retain(|jid, _| contacts.contains(jid));
        vcards.queued.retain(|jid| contacts.contains(jid));
        let now = Instant::now();
        vcards
            .in_flight
            .retain(|jid, since| contacts.contains(jid) && now.duration_since(*since) < FETCH_WAIT);
        for jid in contacts {
            let vcards = &mut self.vcards;
            if !vcards.known.contains_key(&jid)
                && !vcards.in_flight.contains_key(&jid)
                && !vcards.queued.contains(&jid)
            {
                vcards.queued.push_back(jid);
            }
        }
        self.vcards.waiting.push(reply);
        self.next_vcard_fetches().await;
    }

    /// Starts queued fetches up to [`MAX_IN_FLIGHT`]; with none left,
    /// answers the phone's waiting requests.
    async fn next_vcard_fetches(&mut self) {
        while self.vcards.in_flight.len() < MAX_IN_FLIGHT {
            let Some(contact) = self.vcards.queued.pop_front() else {
                break;
            };
            self.vcards
                .in_flight
                .insert(contact.clone(), Instant::now());
            let to = contact.clone();
            let purpose = IqPurpose::Vcards(VcardIq::Vcard4 { contact });
            Box::pin(self.send_iq(Some(&to), IqKind::Get, vcard::vcard4_query(), purpose)).await;
        }
        if !self.vcards.busy() {
            let list = self.vcards.list();
            for reply in self.vcards.waiting.drain(..) {
                let _ = reply.send(Ok(list.clone()));
            }
        }
    }

    /// On a fresh stream the fetches in flight get no answer: they go again.
    pub(super) async fn restart_vcards(&mut self) {
        let in_flight: Vec<BareJid> = self.vcards.in_flight.drain().map(|(jid, _)| jid).collect();
        self.vcards.queued.extend(in_flight);
        if self.vcards.busy() || !self.vcards.waiting.is_empty() {
            self.next_vcard_fetches().await;
        }
    }

    /// A contact's vCard4 change pushed by the server.
    pub(super) fn on_vcard_pushed(&mut self, message: &Message, vcard: &Element) {
        let Some(from) = message.from.as_ref().map(|f| f.to_bare()) else {
            return;
        };
        if self.roster.contains(&from) {
            self.vcards.known.insert(from, vcard::vcard4_numbers(vcard));
        }
    }

    /// Publishes `numbers` (E.164) as the user's own, keeping the rest of
    /// their vCard4.
    pub(super) async fn set_own_phones(&mut self, numbers: Vec<String>, reply: Reply<()>) {
        let purpose = IqPurpose::Vcards(VcardIq::ReadOwn { numbers, reply });
        self.send_iq(None, IqKind::Get, vcard::vcard4_query(), purpose)
            .await;
    }

    pub(super) async fn on_vcard_iq(&mut self, request: VcardIq, outcome: IqOutcome) {
        match request {
            VcardIq::Vcard4 { contact } => {
                let numbers = match &outcome {
                    Ok(payload) => vcard::vcard4_of(payload.as_ref()).map(vcard::vcard4_numbers),
                    Err(_) => None,
                };
                match numbers {
                    Some(numbers) if !numbers.is_empty() => {
                        self.settle_vcard(contact, Some(numbers))
                    }
                    _ => {
                        let to = contact.clone();
                        let purpose = IqPurpose::Vcards(VcardIq::VcardTemp { contact });
                        Box::pin(self.send_iq(
                            Some(&to),
                            IqKind::Get,
                            vcard::vcard_temp_query(),
                            purpose,
                        ))
                        .await;
                        return;
                    }
                }
            }
            VcardIq::VcardTemp { contact } => {
                let numbers = match outcome {
                    Ok(payload) => Some(vcard::vcard_temp_numbers(payload.as_ref())),
                    // The contact has no vCard, or shows it to no one: no numbers.
                    Err(IqError::ItemNotFound)
                    | Err(IqError::Failed(CommandError::Unsupported | CommandError::Forbidden)) => {
                        Some(Vec::new())
                    }
                    // Not answered: asked again next time.
                    Err(IqError::Failed(_)) => None,
                };
                self.settle_vcard(contact, numbers);
            }
            VcardIq::ReadOwn { numbers, reply } => {
                let current = match &outcome {
                    Ok(payload) => vcard::vcard4_of(payload.as_ref()),
                    Err(IqError::ItemNotFound) => None,
                    Err(IqError::Failed(error)) => return drop(reply.send(Err(error.clone()))),
                };
                let payload = vcard::publish(vcard::with_numbers(current, &numbers));
                let purpose = IqPurpose::Vcards(VcardIq::PublishOwn { reply });
                Box::pin(self.send_iq(None, IqKind::Set, payload, purpose)).await;
                return;
            }
            VcardIq::PublishOwn { reply } => {
                let result = outcome
                    .map(drop)
                    .map_err(|e| e.or_not_found(CommandError::NoSuchItem("vCard")));
                let _ = reply.send(result);
                return;
            }
        }
        self.next_vcard_fetches().await;
    }

    /// A contact's fetch ended: with its numbers, or `None` if unanswered.
    fn settle_vcard(&mut self, contact: BareJid, numbers: Option<Vec<String>>) {
        self.vcards.in_flight.remove(&contact);
        if let Some(numbers) = numbers {
            self.vcards.known.insert(contact, numbers);
        }
    }
}
