//! One task per signed-in user owns that user's XMPP stream. It reads the
//! stream continuously (an unread stream stalls), carries out the phone's
//! commands, and turns what the network says into events on the session's log.
//!
//! The worker is one actor whose behaviour is split by feature: each module
//! below has its own `impl Worker` block and, where it asks the network
//! something, its own kind of IQ request ([`IqPurpose`] holds one of each).
//! This module owns the state, the main loop and the dispatch to features.

mod archive;
mod closed_chats;
mod command;
mod invitations;
mod iq;
mod link;
mod messages;
mod read_positions;
mod room_admin;
mod room_book;
mod room_sync;
mod rooms;
mod roster;
mod roster_book;
mod sent;
mod strangers;
mod stream;
mod vcards;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;

use std::{
    collections::{HashMap, VecDeque},
    sync::Arc,
    time::{Duration, Instant},
};

use splitline_protocol::{Availability, Event, SessionEndReason};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_xmpp::{
    Stanza,
    jid::{BareJid, Jid},
};

use command::Reply;
pub(crate) use command::WorkerHandle;
pub(crate) use command::{Command, CommandError, ReadUpTo, SendOutcome};
use iq::{IqError, IqOutcome, PendingIqs};
use link::{Ack, Link, LinkEvent};

use super::xep::{
    bookmarks, disco,
    inbound::{self, Inbound},
    invitation, vcard,
};
use crate::{event_log::EventLog, metrics::Metrics, util::now_ms};

/// How long a send may wait for room in the stream's queue. Past it nothing
/// was queued, the send fails, and the worker goes back to reading, so a full
/// inbound queue can never deadlock it.
const SEND_WAIT: Duration = Duration::from_secs(2);
/// Most commands held until the user's rooms are known; past it they fail
/// at once.
const MAX_HELD: usize = 256;

/// What the answer to one of the worker's IQ requests is for, by feature.
enum IqPurpose {
    Roster(roster::RosterIq),
    Messages(messages::MessageIq),
    Archive(archive::ArchiveIq),
    ClosedChats(closed_chats::ClosedChatsIq),
    Rooms(rooms::RoomIq),
    Invitation(invitations::InvitationIq),
    RoomAdmin(room_admin::RoomAdminIq),
    ReadPositions(read_positions::ReadPositionIq),
    Vcards(vcards::VcardIq),
}

impl IqPurpose {
    /// The room that answers this request, if a room does (or the contact
    /// whose vCard was asked for).
    fn room(&self) -> Option<&BareJid> {
        match self {
            Self::Archive(archive) => archive.room.as_ref(),
            Self::Rooms(request) => request.room(),
            Self::Invitation(request) => Some(request.room()),
            Self::RoomAdmin(request) => Some(request.room()),
            Self::Vcards(request) => request.contact(),
            Self::Roster(_) | Self::Messages(_) | Self::ClosedChats(_) | Self::ReadPositions(_) => {
                None
            }
        }
    }

    /// Tells the waiting caller, if any, that the request failed.
    fn fail(self, error: CommandError) {
        match self {
            Self::Roster(request) => request.fail(error),
            Self::Archive(request) => request.fail(error),
            Self::ClosedChats(request) => request.fail(error),
            Self::Rooms(request) => request.fail(error),
            Self::RoomAdmin(request) => request.fail(error),
            Self::Vcards(request) => request.fail(error),
            Self::Messages(_) | Self::ReadPositions(_) | Self::Invitation(_) => {}
        }
    }
}

/// The task state of one user's session.
pub(crate) struct Worker<L> {
    link: L,
    new_link: Box<dyn Fn() -> L + Send>,
    suspensions: VecDeque<Instant>,
    own: BareJid,
    log: Arc<EventLog>,
    metrics: Arc<Metrics>,
    roster: roster_book::RosterBook,
    availability: Availability,
    status: Option<String>,
    sent: sent::SentMessages,
    settled_tx: mpsc::UnboundedSender<(String, Result<(), CommandError>)>,
    pending: PendingIqs,
    closes: closed_chats::Closes,
    read_positions: read_positions::ReadPositions,
    stream_alive: bool,
    offline_since: Option<Instant>,
    network_grace: Duration,
    online: Option<oneshot::Sender<Jid>>,
    /// The address the server bound, once it did.
    bound: Option<Jid>,
    /// This session's resource, once bound.
    resource: Option<String>,
    /// The service new rooms are made on.
    rooms_service: String,
    rooms: room_book::RoomBook,
    /// Commands that need to know the user's rooms, held until the
    /// bookmarks are read.
    held: Vec<Command>,
    new_rooms: HashMap<BareJid, rooms::NewRoom>,
    vcards: vcards::Vcards,
}

impl<L: Link> Worker<L> {
    /// A worker on a stream from `new_link`, publishing to `log`. `online`
    /// hears the bound address once the first connection is up and the
    /// session's initial presence is out.
    pub(crate) fn spawn(
        new_link: impl Fn() -> L + Send + 'static,
        own: BareJid,
        log: Arc<EventLog>,
        metrics: Arc<Metrics>,
        network_grace: Duration,
        online: oneshot::Sender<Jid>,
    ) -> (WorkerHandle, tokio::task::JoinHandle<SessionEndReason>) {
        let (tx, rx) = mpsc::channel(64);
        let (stop, stop_rx) = watch::channel(false);
        let (settled_tx, settled_rx) = mpsc::unbounded_channel();
        let worker = Self {
            link: new_link(),
            new_link: Box::new(new_link),
            suspensions: VecDeque::new(),
            log,
            metrics,
            roster: roster_book::RosterBook::default(),
            availability: Availability::Available,
            status: None,
            sent: sent::SentMessages::default(),
            settled_tx,
            pending: PendingIqs::default(),
            closes: closed_chats::Closes::default(),
            read_positions: read_positions::ReadPositions::default(),
            stream_alive: true,
            offline_since: Some(Instant::now()),
            network_grace,
            online: Some(online),
            bound: None,
            resource: None,
            rooms_service: format!("conference.{}", own.domain()),
            own,
            rooms: room_book::RoomBook::default(),
            held: Vec::new(),
            new_rooms: HashMap::new(),
            vcards: vcards::Vcards::default(),
        };
        let handle = WorkerHandle {
            commands: tx,
            stop: Arc::new(stop),
        };
        (handle, tokio::spawn(worker.run(rx, stop_rx, settled_rx)))
    }

    /// The one loop that owns the stream: it selects over the stream's
    /// events and the phone's commands, so the stream is never left unread.
    async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut stop: watch::Receiver<bool>,
        mut settled: mpsc::UnboundedReceiver<(String, Result<(), CommandError>)>,
    ) -> SessionEndReason {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let reason = loop {
            tokio::select! {
                biased;
                _ = stop.changed() => break SessionEndReason::SignedOff,
                event = self.link.next() => match event {
                    Some(event) => self.on_event(event).await,
                    None => {
                        self.stream_alive = false;
                        break SessionEndReason::NetworkLost;
                    }
                },
                Some((client_id, result)) = settled.recv() => self.sent.settle(&client_id, result),
                command = commands.recv() => match command {
                    Some(command) => self.on_command(command).await,
                    None => break SessionEndReason::SignedOff,
                },
                _ = tick.tick() => {
                    if self.offline_since.is_some_and(|since| since.elapsed() > self.network_grace) {
                        tracing::warn!(user = %self.own, "network connection down past the grace period");
                        break SessionEndReason::NetworkLost;
                    }
                }
            }
        };
        self.close().await;
        reason
    }

    fn publish(&self, event: Event) {
        self.log.push(event);
        Metrics::inc(&self.metrics.events);
    }

    async fn on_event(&mut self, event: LinkEvent) {
        match event {
            LinkEvent::Online { bound } => self.on_online(bound).await,
            LinkEvent::Resumed => self.on_resumed(),
            LinkEvent::Suspended => self.on_suspended(),
            LinkEvent::Stanza(stanza) => self.on_stanza(stanza).await,
        }
    }

    async fn on_stanza(&mut self, stanza: Stanza) {
        let stanza = match stanza {
            Stanza::Iq(iq) => match self.pending.answer(iq, &self.own) {
                Ok((purpose, outcome)) => return self.on_iq_result(purpose, outcome).await,
                Err(iq) => Stanza::Iq(iq),
            },
            other => other,
        };
        if let Stanza::Message(message) = &stanza {
            if let Some(invitation) = invitation::parse(message, &self.own) {
                return self.on_invitation(invitation).await;
            }
            if let Some(changes) = bookmarks::pushed(message, &self.own) {
                return self.on_bookmarks_pushed(changes).await;
            }
            if let Some(card) = vcard::pushed_vcard4(message) {
                return self.on_vcard_pushed(message, card);
            }
        }
        if let Some(room) = self.room_of(&stanza) {
            return self.on_room_stanza(stanza, room).await;
        }
        let origin = match &stanza {
            Stanza::Message(m) => strangers::Origin {
                from: m.from.clone(),
                id: m.id.clone(),
            },
            _ => strangers::Origin {
                from: None,
                id: None,
            },
        };
        match inbound::classify(stanza, &self.own, now_ms()) {
            Inbound::RosterPush { id, items } => self.on_roster_push(id, &items).await,
            Inbound::UnsupportedIq { id, from } => {
                self.send(inbound::iq_unsupported(id, from).into())
                    .await
                    .ok();
            }
            Inbound::DiscoInfo { id, from, node } => {
                self.send(disco::disco_answer(id, from, node).into())
                    .await
                    .ok();
            }
            Inbound::Event(event) => self.publish_inbound(event, origin).await,
            Inbound::Events(events) => events.into_iter().for_each(|e| self.publish(e)),
            Inbound::ArchiveResult { query_id, item } => self.collect_archive_item(&query_id, item),
            Inbound::DevicePresence {
                jid,
                device,
                presence,
            } => self.on_device_presence(&jid, &device, presence),
            Inbound::OwnDevicePresence { device, presence } => {
                self.follow_own_presence(&device, presence).await
            }
            Inbound::Ignored => {}
        }
    }

    /// Hands the answer to an IQ request to the feature that asked.
    async fn on_iq_result(&mut self, purpose: IqPurpose, outcome: IqOutcome) {
        match purpose {
            IqPurpose::Roster(request) => self.on_roster_iq(request, outcome).await,
            IqPurpose::Messages(request) => self.on_message_iq(request, outcome),
            IqPurpose::Archive(request) => request.answer(outcome),
            IqPurpose::ClosedChats(request) => self.on_closed_chats_iq(request, outcome).await,
            IqPurpose::Rooms(request) => self.on_room_iq(request, outcome).await,
            IqPurpose::Invitation(request) => self.on_invitation_iq(request, outcome).await,
            IqPurpose::RoomAdmin(request) => self.on_room_admin_iq(request, outcome).await,
            IqPurpose::ReadPositions(request) => self.on_read_position_iq(request, outcome).await,
            IqPurpose::Vcards(request) => self.on_vcard_iq(request, outcome).await,
        }
    }

    /// Carries out a command of the phone's, or holds it until the user's
    /// rooms are known if it needs them.
    async fn on_command(&mut self, command: Command) {
        if !self.rooms.loaded() && command.needs_rooms() {
            if self.held.len() < MAX_HELD {
                self.held.push(command);
            } else {
                command.fail(CommandError::Network(
                    "the session is still joining the user's rooms; try again".to_owned(),
                ));
            }
            return;
        }
        match command {
            Command::Send {
                client_id,
                to,
                body,
                reply,
            } => self.send_message(client_id, to, &body, reply).await,
            Command::AddContact { jid, name, reply } => self.add_contact(jid, name, reply).await,
            Command::RenameContact { jid, name, reply } => {
                self.rename_contact(jid, name, reply).await
            }
            Command::RemoveContact { jid, reply } => self.remove_contact(jid, reply).await,
            Command::Answer { jid, accept, reply } => {
                let _ = reply.send(self.answer(&jid, accept).await);
            }
            Command::SetPresence {
                availability,
                status,
                reply,
            } => {
                let _ = reply.send(self.set_presence(availability, status).await);
            }
            Command::Archive {
                room,
                with,
                at,
                max,
                reply,
            } => self.read_archive(room, with, at, max, reply).await,
            Command::Displayed { markers, reply } => {
                let _ = reply.send(self.send_read_markers(markers).await);
            }
            Command::ClosedChats { reply } => self.read_closed_chats(reply).await,
            Command::CloseChat { chat, reply } => self.close_chat(chat, reply).await,
            Command::Rooms { reply } => {
                let _ = reply.send(Ok(self.rooms.rooms()));
            }
            Command::CreateRoom {
                name,
                members,
                reply,
            } => self.create_room(name, members, reply).await,
            Command::RenameRoom { room, name, reply } => self.rename_room(room, name, reply).await,
            Command::LeaveRoom { room, reply } => {
                let _ = reply.send(self.leave_room(&room).await);
            }
            Command::RoomMembers { room, reply } => self.room_members(room, reply).await,
            Command::SetMember {
                room,
                jid,
                add,
                reply,
            } => self.set_member(room, jid, add, reply).await,
            Command::Snapshot { reply } => {
                let _ = reply.send(Ok(self.snapshot()));
            }
            Command::ContactPhones { reply } => self.contact_phones(reply).await,
            Command::SetOwnPhones { numbers, reply } => self.set_own_phones(numbers, reply).await,
        }
    }

    /// Puts a stanza on the stream's queue (which survives reconnects).
    async fn enqueue(&mut self, stanza: Stanza) -> Result<Ack, CommandError> {
        tokio::time::timeout(SEND_WAIT, self.link.send(stanza))
            .await
            .map_err(|_| {
                CommandError::Network("the network connection is congested; try again".to_owned())
            })
    }

    async fn send(&mut self, stanza: Stanza) -> Result<(), CommandError> {
        self.enqueue(stanza).await.map(drop)
    }
}
