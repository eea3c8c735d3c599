//! One task per signed-in user owns that user's XMPP client. It reads the
//! client continuously (an unread client stalls), carries out the phone's
//! commands, and turns what the network says into events on the session's log.

use std::{
    collections::{HashMap, VecDeque},
    sync::Arc,
    time::{Duration, Instant},
};

use futures::StreamExt;
use splitline_protocol::{
    Affiliation, ArchivePage, ArchivedMessage, Availability, ClosedChat, Event, Room,
    RoomLeftReason, RoomMember, SessionEndReason, Snapshot,
};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_xmpp::{
    Stanza,
    jid::{BareJid, Jid},
    minidom::Element,
    parsers::{iq::Iq, mam, presence, roster::Roster, stanza_error::DefinedCondition},
    stanzastream::{self, StanzaStage, StanzaState, StanzaStream, StanzaToken, StreamEvent},
};

use super::{
    closed_chats, displayed_sync,
    rooms::{self, RoomBook, RoomInbound},
    roster::{DevicePresence, RosterBook},
    sent_messages::{Begin, SentMessages},
    stanzas::{self, Inbound},
};
use crate::{event_log::EventLog, metrics::Metrics, util::now_ms};

/// How long a send may wait for room in the stream's queue. Past it nothing
/// was queued, the send fails, and the worker goes back to reading, so a full
/// inbound queue can never deadlock it.
const SEND_WAIT: Duration = Duration::from_secs(2);
/// How long a message's sender waits for the server to acknowledge it.
const ACK_WAIT: Duration = Duration::from_secs(10);
/// Suspensions within [`FLAP_WINDOW`] after which the stream is replaced by a
/// fresh one. tokio-xmpp 6.0 cannot parse Prosody 0.12's `<failed/>` answer to
/// a resumption after a server restart (no `h` attribute) and would retry the
/// same resumption in a tight loop; a fresh stream logs in without it.
const FLAPS_BEFORE_FRESH_STREAM: usize = 3;
/// See [`FLAPS_BEFORE_FRESH_STREAM`].
const FLAP_WINDOW: Duration = Duration::from_secs(10);
/// How long a phone's request may wait for the worker's answer.
const COMMAND_WAIT: Duration = Duration::from_secs(30);
/// Most commands held until the user's rooms are known; past it they fail
/// at once.
const MAX_HELD: usize = 256;

/// A command failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The address is not in the contact list.
    #[error("that address is not in the contact list")]
    NotAContact,
    /// The user is not in that room.
    #[error("you are not in that room")]
    NotInRoom,
    /// The network refused: the user may not do that.
    #[error("the network refused: you may not do that (in a room, only its owners and admins may)")]
    Forbidden,
    /// The archive does not know the position asked for (expired, or from
    /// another server).
    #[error("the archive does not know that position; read the newest page instead")]
    UnknownArchivePosition,
    /// The network server does not offer what was asked for (an archive).
    #[error("the network server does not offer this (no message archive)")]
    Unsupported,
    /// The network refused or could not take the request.
    #[error("the network did not accept the request: {0}")]
    Network(String),
    /// The session is over.
    #[error("the session has ended")]
    Ended,
}

/// How far the user has read one chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadUpTo {
    /// The chat's other party (a contact or a room).
    pub chat: BareJid,
    /// The network id of the newest message seen (in a room: the room's id).
    pub network_id: String,
    /// That message's archive id, when known: the position is then also
    /// stored on the server (XEP-0490).
    pub archive_id: Option<String>,
}

/// The outcome of a send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOutcome {
    /// The message's id on the network.
    pub network_id: String,
    /// True when the client id was sent before and nothing new went out.
    pub duplicate: bool,
}

type Reply<T> = oneshot::Sender<Result<T, CommandError>>;

/// What the phone asks the worker to do.
#[derive(Debug)]
pub enum Command {
    /// Send a message once per client id, to a contact or one of the user's rooms.
    Send {
        /// The client's id, also the stanza id.
        client_id: String,
        /// Recipient: a contact or a room.
        to: BareJid,
        /// Text.
        body: String,
        /// Outcome.
        reply: Reply<SendOutcome>,
    },
    /// Add a contact and ask to see its presence.
    AddContact {
        /// The contact.
        jid: BareJid,
        /// Its name.
        name: Option<String>,
        /// Done.
        reply: Reply<()>,
    },
    /// Remove a contact (and both subscriptions).
    RemoveContact {
        /// The contact.
        jid: BareJid,
        /// Done.
        reply: Reply<()>,
    },
    /// Answer a subscription request.
    Answer {
        /// The asker.
        jid: BareJid,
        /// Accept (and ask back) or refuse.
        accept: bool,
        /// Done.
        reply: Reply<()>,
    },
    /// Set one's own presence.
    SetPresence {
        /// Availability.
        availability: Availability,
        /// Status text.
        status: Option<String>,
        /// Done.
        reply: Reply<()>,
    },
    /// A page of the user's archive of 1:1 messages, or of a room's archive.
    Archive {
        /// The room whose archive to read; the user's own without it.
        room: Option<BareJid>,
        /// Read after this archive id; without it, forward from `start_ms`,
        /// or the newest page.
        after: Option<String>,
        /// Without `after`: the time to read forward from.
        start_ms: Option<i64>,
        /// Most entries.
        max: u32,
        /// The page.
        reply: Reply<ArchivePage>,
    },
    /// Send displayed markers: each chat read up to a message.
    Displayed {
        /// How far each chat was read.
        markers: Vec<ReadUpTo>,
        /// Done once every marker is queued.
        reply: Reply<()>,
    },
    /// The user's closed chats.
    ClosedChats {
        /// The list.
        reply: Reply<Vec<ClosedChat>>,
    },
    /// Close a chat on every device of the user.
    CloseChat {
        /// The chat and how far it was read.
        chat: ClosedChat,
        /// Done once the server stored it.
        reply: Reply<()>,
    },
    /// The user's rooms (once the bookmarks are read).
    Rooms {
        /// The list.
        reply: Reply<Vec<Room>>,
    },
    /// Create a persistent, members-only room owned by the user.
    CreateRoom {
        /// Its name.
        name: String,
        /// Members to add and invite.
        members: Vec<BareJid>,
        /// The new room.
        reply: Reply<Room>,
    },
    /// Rename a room.
    RenameRoom {
        /// The room.
        room: BareJid,
        /// Its new name.
        name: String,
        /// Done.
        reply: Reply<()>,
    },
    /// Leave a room on every device of the user.
    LeaveRoom {
        /// The room.
        room: BareJid,
        /// Done.
        reply: Reply<()>,
    },
    /// A room's owners, admins and members.
    RoomMembers {
        /// The room.
        room: BareJid,
        /// The members.
        reply: Reply<Vec<RoomMember>>,
    },
    /// Add a member to a room and invite them, or remove one.
    SetMember {
        /// The room.
        room: BareJid,
        /// The member.
        jid: BareJid,
        /// Add (true) or remove (false).
        add: bool,
        /// Done.
        reply: Reply<()>,
    },
    /// The contact list and own presence with the matching cursor.
    Snapshot {
        /// The snapshot.
        reply: Reply<Snapshot>,
    },
}

impl Command {
    /// True for commands that need the user's rooms known: a message's
    /// recipient may be a room, and room commands act on them.
    fn needs_rooms(&self) -> bool {
        match self {
            Self::Send { .. }
            | Self::Displayed { .. }
            | Self::Rooms { .. }
            | Self::CreateRoom { .. }
            | Self::RenameRoom { .. }
            | Self::LeaveRoom { .. }
            | Self::RoomMembers { .. }
            | Self::SetMember { .. } => true,
            Self::Archive { room, .. } => room.is_some(),
            Self::AddContact { .. }
            | Self::RemoveContact { .. }
            | Self::Answer { .. }
            | Self::SetPresence { .. }
            | Self::ClosedChats { .. }
            | Self::CloseChat { .. }
            | Self::Snapshot { .. } => false,
        }
    }

    /// Answers the command with `error`.
    fn fail(self, error: CommandError) {
        match self {
            Self::Send { reply, .. } => drop(reply.send(Err(error))),
            Self::Rooms { reply } => drop(reply.send(Err(error))),
            Self::CreateRoom { reply, .. } => drop(reply.send(Err(error))),
            Self::RoomMembers { reply, .. } => drop(reply.send(Err(error))),
            Self::Archive { reply, .. } => drop(reply.send(Err(error))),
            Self::Snapshot { reply } => drop(reply.send(Err(error))),
            Self::ClosedChats { reply } => drop(reply.send(Err(error))),
            Self::AddContact { reply, .. }
            | Self::RemoveContact { reply, .. }
            | Self::Answer { reply, .. }
            | Self::SetPresence { reply, .. }
            | Self::Displayed { reply, .. }
            | Self::CloseChat { reply, .. }
            | Self::RenameRoom { reply, .. }
            | Self::LeaveRoom { reply, .. }
            | Self::SetMember { reply, .. } => drop(reply.send(Err(error))),
        }
    }
}

/// The sending side of a worker.
#[derive(Debug, Clone)]
pub struct WorkerHandle {
    commands: mpsc::Sender<Command>,
    stop: Arc<watch::Sender<bool>>,
}

impl WorkerHandle {
    /// Sends a command built around a reply channel and waits for its answer
    /// (at most [`COMMAND_WAIT`]).
    pub async fn request<T>(
        &self,
        make: impl FnOnce(Reply<T>) -> Command,
    ) -> Result<T, CommandError> {
        let (tx, rx) = oneshot::channel();
        let exchange = async {
            self.commands
                .send(make(tx))
                .await
                .map_err(|_| CommandError::Ended)?;
            rx.await.map_err(|_| CommandError::Ended)?
        };
        tokio::time::timeout(COMMAND_WAIT, exchange)
            .await
            .unwrap_or_else(|_| {
                Err(CommandError::Network(
                    "the network did not answer in time; try again".to_owned(),
                ))
            })
    }

    /// Tells the worker to go offline and stop. Never waits, whatever the
    /// worker is busy with.
    pub fn end(&self) {
        self.stop.send_replace(true);
    }
}

enum IqPurpose {
    RosterFetch,
    Carbons,
    RosterChange {
        subscribe_to: Option<BareJid>,
        reply: Reply<()>,
    },
    Archive {
        room: Option<BareJid>,
        newest: bool,
        max: usize,
        messages: Vec<ArchivedMessage>,
        reply: Reply<ArchivePage>,
    },
    ClosedChatsRead {
        reply: Reply<Vec<ClosedChat>>,
    },
    /// The stored list was read; merge these closes into it and write it back.
    ClosedChatsMerge {
        batch: Vec<(ClosedChat, Reply<()>)>,
    },
    ClosedChatsWrite {
        replies: Vec<Reply<()>>,
    },
    BookmarksRead,
    BookmarksWrite,
    /// The read positions stored on the server (XEP-0490) were asked for.
    DisplayedRead,
    /// A read position was sent to the server; with `retry`, with all publish
    /// options, to be sent again with the basic ones if refused.
    DisplayedPublish {
        retry: Option<(BareJid, BareJid, String)>,
    },
    /// The node of read positions was configured.
    DisplayedConfigure,
    /// A new room is joined; its configuration was sent.
    RoomConfigure {
        room: BareJid,
        name: String,
        members: Vec<BareJid>,
        reply: Reply<Room>,
    },
    /// A new room is configured; its first members were sent.
    RoomFirstMembers {
        room: BareJid,
        name: String,
        members: Vec<BareJid>,
        reply: Reply<Room>,
    },
    RoomRename {
        room: BareJid,
        name: String,
        reply: Reply<()>,
    },
    RoomInfo {
        room: BareJid,
    },
    /// One affiliation list was asked for; `remaining` follow.
    RoomMembers {
        room: BareJid,
        asked: Affiliation,
        remaining: Vec<Affiliation>,
        members: Vec<RoomMember>,
        reply: Reply<Vec<RoomMember>>,
    },
    SetMember {
        room: BareJid,
        invite: Option<BareJid>,
        reply: Reply<()>,
    },
}

impl IqPurpose {
    /// The room that answers this request, if a room does.
    fn room(&self) -> Option<&BareJid> {
        match self {
            Self::Archive { room, .. } => room.as_ref(),
            Self::RoomConfigure { room, .. }
            | Self::RoomFirstMembers { room, .. }
            | Self::RoomRename { room, .. }
            | Self::RoomInfo { room }
            | Self::RoomMembers { room, .. }
            | Self::SetMember { room, .. } => Some(room),
            _ => None,
        }
    }

    /// Tells the waiting caller, if any, that the request failed.
    fn fail(self, error: CommandError) {
        match self {
            Self::RosterChange { reply, .. }
            | Self::RoomRename { reply, .. }
            | Self::SetMember { reply, .. } => drop(reply.send(Err(error))),
            Self::Archive { reply, .. } => drop(reply.send(Err(error))),
            Self::ClosedChatsRead { reply } => drop(reply.send(Err(error))),
            Self::ClosedChatsMerge { batch } => batch
                .into_iter()
                .for_each(|(_, r)| drop(r.send(Err(error.clone())))),
            Self::ClosedChatsWrite { replies } => replies
                .into_iter()
                .for_each(|r| drop(r.send(Err(error.clone())))),
            Self::RoomConfigure { reply, .. } | Self::RoomFirstMembers { reply, .. } => {
                drop(reply.send(Err(error)))
            }
            Self::RoomMembers { reply, .. } => drop(reply.send(Err(error))),
            Self::RosterFetch
            | Self::Carbons
            | Self::BookmarksRead
            | Self::BookmarksWrite
            | Self::DisplayedRead
            | Self::DisplayedPublish { .. }
            | Self::DisplayedConfigure
            | Self::RoomInfo { .. } => {}
        }
    }
}

/// A room being created: joined, then configured, then given its members.
struct NewRoom {
    name: String,
    members: Vec<BareJid>,
    reply: Reply<Room>,
}

/// Makes a new stream for the session's account.
pub type StreamFactory = Box<dyn Fn() -> StanzaStream + Send>;

/// The task state of one user's session.
pub struct Worker {
    stream: StanzaStream,
    new_stream: StreamFactory,
    suspensions: VecDeque<Instant>,
    own: BareJid,
    log: Arc<EventLog>,
    metrics: Arc<Metrics>,
    roster: RosterBook,
    availability: Availability,
    status: Option<String>,
    sent: SentMessages,
    settled_tx: mpsc::UnboundedSender<(String, Result<(), CommandError>)>,
    pending_iqs: HashMap<String, IqPurpose>,
    /// Closes waiting for the one read-modify-write of the list in flight.
    closes_waiting: Vec<(ClosedChat, Reply<()>)>,
    closes_in_flight: bool,
    /// False once the server showed it cannot store read positions (XEP-0490).
    displayed_sync: bool,
    /// The publish options the server takes for read positions.
    displayed_options: displayed_sync::Options,
    /// Whether the node was configured apart (with the basic options).
    displayed_configured: bool,
    stream_alive: bool,
    next_iq: u64,
    offline_since: Option<Instant>,
    network_grace: Duration,
    online: Option<oneshot::Sender<Jid>>,
    /// The address the server bound, once it did.
    bound: Option<Jid>,
    /// This session's resource, once bound.
    resource: Option<String>,
    /// The service new rooms are made on.
    rooms_service: String,
    rooms: RoomBook,
    /// Commands that need to know the user's rooms, held until the
    /// bookmarks are read.
    held: Vec<Command>,
    new_rooms: HashMap<BareJid, NewRoom>,
}

impl Worker {
    /// A worker on a stream from `new_stream`, publishing to `log`. `online`
    /// hears the bound address once the first connection is up and the
    /// session's initial presence is out.
    pub fn spawn(
        new_stream: StreamFactory,
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
            stream: new_stream(),
            new_stream,
            suspensions: VecDeque::new(),
            log,
            metrics,
            roster: RosterBook::default(),
            availability: Availability::Available,
            status: None,
            sent: SentMessages::default(),
            settled_tx,
            pending_iqs: HashMap::new(),
            closes_waiting: Vec::new(),
            closes_in_flight: false,
            displayed_sync: true,
            displayed_options: displayed_sync::Options::Full,
            displayed_configured: false,
            stream_alive: true,
            next_iq: 0,
            offline_since: Some(Instant::now()),
            network_grace,
            online: Some(online),
            bound: None,
            resource: None,
            rooms_service: format!("conference.{}", own.domain()),
            own,
            rooms: RoomBook::default(),
            held: Vec::new(),
            new_rooms: HashMap::new(),
        };
        let handle = WorkerHandle {
            commands: tx,
            stop: Arc::new(stop),
        };
        (handle, tokio::spawn(worker.run(rx, stop_rx, settled_rx)))
    }

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
                event = self.stream.next() => match event {
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

    async fn on_event(&mut self, event: stanzastream::Event) {
        match event {
            stanzastream::Event::Stream(StreamEvent::Reset { bound_jid, .. }) => {
                self.offline_since = None;
                self.suspensions.clear();
                tracing::info!(user = %self.own, "network session online");
                self.resource = bound_jid.resource().map(|r| r.as_str().to_owned());
                self.bound = Some(bound_jid);
                self.start_fresh_stream().await;
            }
            stanzastream::Event::Stream(StreamEvent::Resumed) => {
                self.offline_since = None;
                self.suspensions.clear();
                tracing::info!(user = %self.own, "network session resumed");
            }
            stanzastream::Event::Stream(StreamEvent::Suspended) => {
                tracing::warn!(user = %self.own, "network session interrupted; reconnecting");
                self.offline_since.get_or_insert_with(Instant::now);
                self.note_suspension();
            }
            stanzastream::Event::Stanza(stanza) => self.on_stanza(stanza).await,
        }
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
            self.stream = (self.new_stream)();
        }
    }

    /// A stream that did not resume knows nothing: requests sent on the old
    /// one get no answer, presence starts over, the roster is fetched again and
    /// carbons are turned on again.
    async fn start_fresh_stream(&mut self) {
        let reset = || CommandError::Network("the network connection was reset; try again".into());
        for (_, purpose) in self.pending_iqs.drain() {
            purpose.fail(reset());
        }
        for (_, new_room) in self.new_rooms.drain() {
            let _ = new_room.reply.send(Err(reset()));
        }
        self.rooms.reset();
        self.send_iq(
            None,
            IqKind::Get,
            rooms::bookmarks_query(),
            IqPurpose::BookmarksRead,
        )
        .await;
        self.closes_in_flight = false;
        self.start_close_batch().await;
        self.send_iq(
            None,
            IqKind::Get,
            displayed_sync::read_query(),
            IqPurpose::DisplayedRead,
        )
        .await;
        for event in self.roster.clear_presence() {
            self.publish(event);
        }
        self.send_iq(
            None,
            IqKind::Set,
            stanzas::enable_carbons(),
            IqPurpose::Carbons,
        )
        .await;
        self.send_iq(
            None,
            IqKind::Get,
            stanzas::roster_query(),
            IqPurpose::RosterFetch,
        )
        .await;
    }

    async fn on_stanza(&mut self, stanza: Stanza) {
        let stanza = match stanza {
            Stanza::Iq(iq) => match self.take_response(iq) {
                Ok((purpose, outcome)) => return self.on_iq_result(purpose, outcome).await,
                Err(iq) => Stanza::Iq(iq),
            },
            other => other,
        };
        if let Some(room) = self.room_of(&stanza) {
            return self.on_room_stanza(stanza, room).await;
        }
        match stanzas::classify(stanza, &self.own, now_ms()) {
            Inbound::RosterPush { id, items } => {
                for item in &items {
                    if let Some(event) = self.roster.apply_item(item) {
                        self.publish(event);
                    }
                }
                self.send(stanzas::iq_result(id, None).into()).await.ok();
            }
            Inbound::UnsupportedIq { id, from } => {
                self.send(stanzas::iq_unsupported(id, from).into())
                    .await
                    .ok();
            }
            Inbound::DiscoInfo { id, from, node } => {
                self.send(stanzas::disco_answer(id, from, node).into())
                    .await
                    .ok();
            }
            Inbound::Event(event) => self.publish(event),
            Inbound::Events(events) => events.into_iter().for_each(|e| self.publish(e)),
            Inbound::ArchiveResult { query_id, item } => self.collect_archive_item(&query_id, item),
            Inbound::DevicePresence {
                jid,
                device,
                presence,
            } => {
                if let Some(event) = self.roster.apply_presence(&jid, &device, presence) {
                    self.publish(event);
                }
            }
            Inbound::OwnDevicePresence { device, presence } => {
                self.follow_own_presence(&device, presence).await
            }
            Inbound::Ignored => {}
        }
    }

    /// Adds a message to the page of the archive query `query_id`.
    fn collect_archive_item(&mut self, query_id: &str, item: ArchivedMessage) {
        if let Some(IqPurpose::Archive { messages, max, .. }) = self.pending_iqs.get_mut(query_id)
            && messages.len() < *max
        {
            messages.push(item);
        }
    }

    /// The room a stanza comes from, if it is one of the user's rooms, a room
    /// being created, or a room the user is invited into.
    fn room_of(&self, stanza: &Stanza) -> Option<BareJid> {
        let from = match stanza {
            Stanza::Message(m) => m.from.as_ref(),
            Stanza::Presence(p) => p.from.as_ref(),
            Stanza::Iq(_) => None,
        }?
        .to_bare();
        let ours = self.rooms.contains(&from) || self.new_rooms.contains_key(&from);
        (from != self.own && (ours || rooms::is_invitation(stanza))).then_some(from)
    }

    async fn on_room_stanza(&mut self, stanza: Stanza, room: BareJid) {
        match rooms::classify(stanza, &room, &self.own, now_ms()) {
            RoomInbound::Joined(room) => self.on_room_joined(room).await,
            RoomInbound::Gone(room, Some(reason)) => self.drop_room(&room, reason).await,
            // The user left, or the service restarts: the next sign-in rejoins.
            RoomInbound::Gone(_, None) => {}
            RoomInbound::JoinRefused(room, condition) => {
                if let Some(new_room) = self.new_rooms.remove(&room) {
                    let _ = new_room.reply.send(Err(CommandError::Network(format!(
                        "the room service refused the new room ({condition:?})"
                    ))));
                } else if matches!(
                    condition,
                    DefinedCondition::Forbidden
                        | DefinedCondition::RegistrationRequired
                        | DefinedCondition::ItemNotFound
                        | DefinedCondition::NotAuthorized
                ) {
                    self.drop_room(&room, RoomLeftReason::Removed).await;
                } else {
                    tracing::warn!(user = %self.own, %room, ?condition, "a room refused the user");
                }
            }
            RoomInbound::ConfigChanged(room) => {
                let purpose = IqPurpose::RoomInfo { room: room.clone() };
                self.send_iq(Some(&room), IqKind::Get, rooms::info_query(), purpose)
                    .await;
            }
            RoomInbound::Invited { room, by } => {
                if self.rooms.contains(&room) {
                    return;
                }
                if !self.roster.contains(&by) {
                    tracing::info!(user = %self.own, %room, "ignored a room invitation from outside the contact list");
                    return;
                }
                self.rooms.insert(room.clone(), String::new());
                if let Some(join) = rooms::join(&room, &self.own) {
                    self.send(join.into()).await.ok();
                }
                self.write_bookmarks().await;
            }
            RoomInbound::Event(event) => self.publish(event),
            RoomInbound::ArchiveResult { query_id, item } => {
                self.collect_archive_item(&query_id, item)
            }
            RoomInbound::Ignored => {}
        }
    }

    /// The user is in `room`: a new room goes on to its configuration; a
    /// room of the user's is news for the phone, and its name is asked for.
    async fn on_room_joined(&mut self, room: BareJid) {
        if let Some(new_room) = self.new_rooms.remove(&room) {
            let payload = rooms::new_room_config(&new_room.name);
            let purpose = IqPurpose::RoomConfigure {
                room: room.clone(),
                name: new_room.name,
                members: new_room.members,
                reply: new_room.reply,
            };
            self.send_iq(Some(&room), IqKind::Set, payload, purpose)
                .await;
            return;
        }
        if let Some(joined) = self.rooms.joined(&room) {
            self.publish(Event::RoomJoined { room: joined });
            let purpose = IqPurpose::RoomInfo { room: room.clone() };
            self.send_iq(Some(&room), IqKind::Get, rooms::info_query(), purpose)
                .await;
        }
    }

    /// A configured new room becomes one of the user's rooms; its members are invited.
    async fn finish_new_room(&mut self, room: BareJid, name: String, members: &[BareJid]) -> Room {
        self.rooms.insert(room.clone(), name.clone());
        if let Some(joined) = self.rooms.joined(&room) {
            self.publish(Event::RoomJoined { room: joined });
        }
        self.write_bookmarks().await;
        for member in members {
            self.send(rooms::invite(&room, member).into()).await.ok();
        }
        Room {
            jid: room.to_string(),
            name,
        }
    }

    async fn create_room(&mut self, name: String, members: Vec<BareJid>, reply: Reply<Room>) {
        let joined = rooms::new_room_address(&self.rooms_service).and_then(|room| {
            rooms::join(&room, &self.own)
                .map(|join| (room, join))
                .ok_or_else(|| "the user's address cannot be a nickname".to_owned())
        });
        let (room, join) = match joined {
            Ok(joined) => joined,
            Err(error) => {
                let _ = reply.send(Err(CommandError::Network(error)));
                return;
            }
        };
        match self.send(join.into()).await {
            Ok(()) => {
                self.new_rooms.insert(
                    room,
                    NewRoom {
                        name,
                        members,
                        reply,
                    },
                );
            }
            Err(error) => drop(reply.send(Err(error))),
        }
    }

    async fn leave_room(&mut self, room: &BareJid) -> Result<(), CommandError> {
        self.in_room(room)?;
        if let Some(leave) = rooms::leave(room, &self.own) {
            self.send(leave.into()).await?;
        }
        self.drop_room(room, RoomLeftReason::Left).await;
        Ok(())
    }

    /// Forgets one of the user's rooms on every device.
    async fn drop_room(&mut self, room: &BareJid, reason: RoomLeftReason) {
        if self.rooms.remove(room) {
            self.write_bookmarks().await;
            self.publish(Event::RoomLeft {
                room: room.to_string(),
                reason,
            });
        }
    }

    /// Stores the user's rooms as bookmarks (once they were read).
    async fn write_bookmarks(&mut self) {
        if let Some(payload) = self.rooms.write(&self.own) {
            self.send_iq(None, IqKind::Set, payload, IqPurpose::BookmarksWrite)
                .await;
        }
    }

    /// Whether the user is in `room`.
    fn in_room(&self, room: &BareJid) -> Result<(), CommandError> {
        if self.rooms.contains(room) {
            Ok(())
        } else {
            Err(CommandError::NotInRoom)
        }
    }

    /// Adopts a presence the user announced on another login, so all of the
    /// user's logins show contacts the same one. An equal presence changes
    /// nothing, so two sessions following each other settle at once.
    async fn follow_own_presence(&mut self, device: &str, presence: DevicePresence) {
        if self.resource.as_deref() == Some(device)
            || (presence.availability, &presence.status) == (self.availability, &self.status)
        {
            return;
        }
        self.availability = presence.availability;
        self.status = presence.status;
        let own = stanzas::own_presence(self.availability, self.status.as_deref());
        self.send(own.into()).await.ok();
        self.publish(Event::OwnPresenceChanged {
            availability: self.availability,
            status: self.status.clone(),
        });
    }

    /// The pending request an IQ answers, if it answers one of ours from a
    /// party allowed to answer it (the user's own account or server).
    #[allow(clippy::result_large_err)]
    fn take_response(
        &mut self,
        iq: Iq,
    ) -> Result<(IqPurpose, Result<Option<Element>, CommandError>), Iq> {
        let (id, from, outcome) = match &iq {
            Iq::Result {
                id, from, payload, ..
            } => (id, from, Ok(payload.clone())),
            Iq::Error {
                id, from, error, ..
            } => (
                id,
                from,
                Err(match error.defined_condition {
                    DefinedCondition::ItemNotFound => CommandError::UnknownArchivePosition,
                    DefinedCondition::ServiceUnavailable
                    | DefinedCondition::FeatureNotImplemented => CommandError::Unsupported,
                    DefinedCondition::Forbidden
                    | DefinedCondition::NotAllowed
                    | DefinedCondition::NotAuthorized => CommandError::Forbidden,
                    ref other => CommandError::Network(format!("{other:?}")),
                }),
            ),
            Iq::Get { .. } | Iq::Set { .. } => return Err(iq),
        };
        let answerer = self.pending_iqs.get(id).and_then(IqPurpose::room);
        let trusted = match (from, answerer) {
            (Some(f), Some(room)) => f.to_bare() == *room,
            (None, Some(_)) => false,
            (from, None) => from.as_ref().is_none_or(|f| {
                f.to_bare() == self.own
                    || f.to_bare().node().is_none() && f.domain() == self.own.domain()
            }),
        };
        if !trusted {
            return Err(iq);
        }
        match self.pending_iqs.remove(id) {
            Some(purpose) => Ok((purpose, outcome)),
            None => Err(iq),
        }
    }

    async fn on_iq_result(
        &mut self,
        purpose: IqPurpose,
        outcome: Result<Option<Element>, CommandError>,
    ) {
        match purpose {
            IqPurpose::RosterFetch => {
                match outcome.map(|p| p.map(Roster::try_from)) {
                    Ok(Some(Ok(roster))) => {
                        for event in self.roster.replace_all(&roster.items) {
                            self.publish(event);
                        }
                    }
                    other => {
                        tracing::warn!(user = %self.own, ok = other.is_ok(), "roster fetch failed")
                    }
                }
                // Initial presence goes out once the roster is known (RFC 6121 §4.2).
                let presence = stanzas::own_presence(self.availability, self.status.as_deref());
                let sent = self.enqueue(presence.into()).await;
                // Sign-in answers only once the server has taken the initial
                // presence: until then the session is not available, and a
                // server may put what arrives meanwhile into offline storage
                // instead of delivering it (ejabberd does).
                if let (Some(online), Some(bound)) = (self.online.take(), self.bound.clone()) {
                    tokio::spawn(async move {
                        if let Ok(token) = sent {
                            let _ = await_ack(token).await;
                        }
                        let _ = online.send(bound);
                    });
                }
            }
            IqPurpose::Carbons => {
                if outcome.is_err() {
                    tracing::warn!(user = %self.own, "the server refused message carbons");
                }
            }
            IqPurpose::RosterChange {
                subscribe_to,
                reply,
            } => {
                let outcome = outcome.map_err(|e| match e {
                    CommandError::UnknownArchivePosition => CommandError::NotAContact,
                    CommandError::Unsupported => {
                        CommandError::Network("the server refused the contact change".to_owned())
                    }
                    other => other,
                });
                let result = match (outcome, subscribe_to) {
                    (Ok(_), Some(jid)) => {
                        self.send(stanzas::subscription(presence::Type::Subscribe, &jid).into())
                            .await
                    }
                    (Ok(_), None) => Ok(()),
                    (Err(e), _) => Err(e),
                };
                let _ = reply.send(result);
            }
            IqPurpose::Archive {
                newest,
                messages,
                reply,
                ..
            } => {
                let page = outcome.and_then(|payload| {
                    let fin = payload
                        .and_then(|p| mam::Fin::try_from(p).ok())
                        .ok_or_else(|| {
                            CommandError::Network("the archive sent no end of page".to_owned())
                        })?;
                    Ok(ArchivePage {
                        messages,
                        last: fin.set.last,
                        // A newest page has nothing newer after it.
                        complete: newest || fin.complete,
                    })
                });
                let _ = reply.send(page);
            }
            IqPurpose::ClosedChatsRead { reply } => {
                let _ = reply.send(stored_closed_chats(outcome));
            }
            IqPurpose::ClosedChatsMerge { batch } => match stored_closed_chats(outcome) {
                Ok(mut chats) => {
                    let mut replies = Vec::with_capacity(batch.len());
                    for (chat, reply) in batch {
                        closed_chats::merge(&mut chats, chat);
                        replies.push(reply);
                    }
                    let id = self.next_iq_id();
                    let payload = closed_chats::write_query(&chats);
                    match self
                        .try_send_iq(id.clone(), None, IqKind::Set, payload)
                        .await
                    {
                        Ok(()) => {
                            self.pending_iqs
                                .insert(id, IqPurpose::ClosedChatsWrite { replies });
                        }
                        Err(error) => {
                            replies
                                .into_iter()
                                .for_each(|r| drop(r.send(Err(error.clone()))));
                            self.closes_in_flight = false;
                            self.start_close_batch().await;
                        }
                    }
                }
                Err(error) => {
                    batch
                        .into_iter()
                        .for_each(|(_, r)| drop(r.send(Err(error.clone()))));
                    self.closes_in_flight = false;
                    self.start_close_batch().await;
                }
            },
            IqPurpose::ClosedChatsWrite { replies } => {
                let result = outcome.map(drop);
                replies
                    .into_iter()
                    .for_each(|r| drop(r.send(result.clone())));
                self.closes_in_flight = false;
                self.start_close_batch().await;
            }
            IqPurpose::BookmarksRead => {
                let storage = match outcome {
                    Ok(payload) => rooms::parse_bookmarks(payload),
                    Err(error) => {
                        tracing::warn!(user = %self.own, %error, "could not read the user's rooms");
                        rooms::parse_bookmarks(None)
                    }
                };
                for room in self.rooms.load(storage) {
                    if let Some(join) = rooms::join(&room, &self.own) {
                        self.send(join.into()).await.ok();
                    }
                }
                if self.rooms.take_dirty() {
                    self.write_bookmarks().await;
                }
                for command in std::mem::take(&mut self.held) {
                    Box::pin(self.on_command(command)).await;
                }
            }
            IqPurpose::DisplayedRead => match outcome {
                Ok(payload) => {
                    self.displayed_sync = true;
                    for event in displayed_sync::read_answer(payload.as_ref(), &self.own) {
                        self.publish(event);
                    }
                }
                // No positions stored yet.
                Err(CommandError::UnknownArchivePosition) => self.displayed_sync = true,
                Err(error) => {
                    tracing::info!(user = %self.own, %error, "the server keeps no read positions (XEP-0490)");
                    self.displayed_sync = false;
                }
            },
            IqPurpose::DisplayedPublish { retry } => match (outcome, retry) {
                (Ok(_), _) => {}
                (Err(error), Some((chat, by, archive_id))) => {
                    tracing::info!(user = %self.own, %error, "read position refused with all publish options; trying the basic ones");
                    self.displayed_options = displayed_sync::Options::Basic;
                    self.publish_read_position(&chat, &by, &archive_id).await;
                }
                (Err(error), None) => {
                    tracing::warn!(user = %self.own, %error, "the server did not store a read position");
                }
            },
            IqPurpose::DisplayedConfigure => {
                if let Err(error) = outcome {
                    tracing::warn!(user = %self.own, %error, "the server did not configure the read positions node");
                }
            }
            IqPurpose::BookmarksWrite => {
                if let Err(error) = outcome {
                    tracing::warn!(user = %self.own, %error, "could not store the user's rooms");
                }
            }
            IqPurpose::RoomConfigure {
                room,
                name,
                members,
                reply,
            } => match outcome {
                Ok(_) if members.is_empty() => {
                    let created = self.finish_new_room(room, name, &[]).await;
                    let _ = reply.send(Ok(created));
                }
                Ok(_) => {
                    let payload = rooms::set_affiliation(&members, "member");
                    let purpose = IqPurpose::RoomFirstMembers {
                        room: room.clone(),
                        name,
                        members,
                        reply,
                    };
                    self.send_iq(Some(&room), IqKind::Set, payload, purpose)
                        .await;
                }
                Err(error) => {
                    if let Some(leave) = rooms::leave(&room, &self.own) {
                        self.send(leave.into()).await.ok();
                    }
                    let _ = reply.send(Err(error));
                }
            },
            IqPurpose::RoomFirstMembers {
                room,
                name,
                members,
                reply,
            } => {
                let invited = if outcome.is_ok() { &members[..] } else { &[] };
                let created = self.finish_new_room(room, name, invited).await;
                let _ = reply.send(match outcome {
                    Ok(_) => Ok(created),
                    Err(error) => Err(CommandError::Network(format!(
                        "the room {} was created, but adding its members failed: {error}",
                        created.jid
                    ))),
                });
            }
            IqPurpose::RoomRename { room, name, reply } => {
                if outcome.is_ok()
                    && let Some(renamed) = self.rooms.rename(&room, &name)
                {
                    self.publish(Event::RoomChanged { room: renamed });
                    self.write_bookmarks().await;
                }
                let _ = reply.send(outcome.map(drop));
            }
            IqPurpose::RoomInfo { room } => {
                if let Ok(payload) = outcome
                    && let Some(name) = rooms::parse_name(payload)
                    && let Some(renamed) = self.rooms.rename(&room, &name)
                {
                    self.publish(Event::RoomChanged { room: renamed });
                    self.write_bookmarks().await;
                }
            }
            IqPurpose::RoomMembers {
                room,
                asked,
                mut remaining,
                mut members,
                reply,
            } => match outcome {
                Ok(payload) => {
                    members.extend(rooms::parse_members(payload.as_ref(), asked));
                    if remaining.is_empty() {
                        let _ = reply.send(Ok(members));
                        return;
                    }
                    let asked = remaining.remove(0);
                    let purpose = IqPurpose::RoomMembers {
                        room: room.clone(),
                        asked,
                        remaining,
                        members,
                        reply,
                    };
                    let payload = rooms::list_affiliation(asked);
                    self.send_iq(Some(&room), IqKind::Get, payload, purpose)
                        .await;
                }
                Err(error) => drop(reply.send(Err(error))),
            },
            IqPurpose::SetMember {
                room,
                invite,
                reply,
            } => {
                if outcome.is_ok()
                    && let Some(member) = invite
                {
                    self.send(rooms::invite(&room, &member).into()).await.ok();
                }
                let _ = reply.send(outcome.map(drop));
            }
        }
    }

    /// Starts the next read-modify-write of the closed-chats list with every
    /// close waiting, unless one is in flight (two at once could lose one).
    async fn start_close_batch(&mut self) {
        while !self.closes_in_flight && !self.closes_waiting.is_empty() {
            let batch = std::mem::take(&mut self.closes_waiting);
            let id = self.next_iq_id();
            match self
                .try_send_iq(id.clone(), None, IqKind::Get, closed_chats::read_query())
                .await
            {
                Ok(()) => {
                    self.closes_in_flight = true;
                    self.pending_iqs
                        .insert(id, IqPurpose::ClosedChatsMerge { batch });
                }
                Err(error) => batch
                    .into_iter()
                    .for_each(|(_, r)| drop(r.send(Err(error.clone())))),
            }
        }
    }

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
            Command::AddContact { jid, name, reply } => {
                let payload = stanzas::roster_set(&jid, name.as_deref(), false);
                let purpose = IqPurpose::RosterChange {
                    subscribe_to: Some(jid),
                    reply,
                };
                self.send_iq(None, IqKind::Set, payload, purpose).await;
            }
            Command::RemoveContact { jid, reply } => {
                if !self.roster.contains(&jid) {
                    let _ = reply.send(Err(CommandError::NotAContact));
                    return;
                }
                let payload = stanzas::roster_set(&jid, None, true);
                let purpose = IqPurpose::RosterChange {
                    subscribe_to: None,
                    reply,
                };
                self.send_iq(None, IqKind::Set, payload, purpose).await;
            }
            Command::Answer { jid, accept, reply } => {
                let _ = reply.send(self.answer(&jid, accept).await);
            }
            Command::SetPresence {
                availability,
                status,
                reply,
            } => {
                self.availability = availability;
                self.status = status;
                let presence = stanzas::own_presence(availability, self.status.as_deref());
                let _ = reply.send(self.send(presence.into()).await);
            }
            Command::Archive {
                room,
                after,
                start_ms,
                max,
                reply,
            } => {
                if let Some(room) = &room
                    && let Err(error) = self.in_room(room)
                {
                    let _ = reply.send(Err(error));
                    return;
                }
                let query_id = self.next_iq_id();
                let purpose = IqPurpose::Archive {
                    room: room.clone(),
                    newest: after.is_none() && start_ms.is_none(),
                    max: max as usize,
                    messages: Vec::new(),
                    reply,
                };
                let payload = stanzas::archive_query(&query_id, after, start_ms, max);
                self.send_iq_with_id(query_id, room.as_ref(), IqKind::Set, payload, purpose)
                    .await;
            }
            Command::Displayed { markers, reply } => {
                let mut result = Ok(());
                for read in markers {
                    result = self.send_read_up_to(read).await;
                    if result.is_err() {
                        break;
                    }
                }
                let _ = reply.send(result);
            }
            Command::ClosedChats { reply } => {
                let purpose = IqPurpose::ClosedChatsRead { reply };
                self.send_iq(None, IqKind::Get, closed_chats::read_query(), purpose)
                    .await;
            }
            Command::CloseChat { chat, reply } => {
                self.closes_waiting.push((chat, reply));
                self.start_close_batch().await;
            }
            Command::Rooms { reply } => {
                let _ = reply.send(Ok(self.rooms.rooms()));
            }
            Command::CreateRoom {
                name,
                members,
                reply,
            } => self.create_room(name, members, reply).await,
            Command::RenameRoom { room, name, reply } => {
                if let Err(error) = self.in_room(&room) {
                    let _ = reply.send(Err(error));
                    return;
                }
                let payload = rooms::rename_config(&name);
                let purpose = IqPurpose::RoomRename {
                    room: room.clone(),
                    name,
                    reply,
                };
                self.send_iq(Some(&room), IqKind::Set, payload, purpose)
                    .await;
            }
            Command::LeaveRoom { room, reply } => {
                let _ = reply.send(self.leave_room(&room).await);
            }
            Command::RoomMembers { room, reply } => {
                if let Err(error) = self.in_room(&room) {
                    let _ = reply.send(Err(error));
                    return;
                }
                let purpose = IqPurpose::RoomMembers {
                    room: room.clone(),
                    asked: Affiliation::Owner,
                    remaining: vec![Affiliation::Admin, Affiliation::Member],
                    members: Vec::new(),
                    reply,
                };
                let payload = rooms::list_affiliation(Affiliation::Owner);
                self.send_iq(Some(&room), IqKind::Get, payload, purpose)
                    .await;
            }
            Command::SetMember {
                room,
                jid,
                add,
                reply,
            } => {
                if let Err(error) = self.in_room(&room) {
                    let _ = reply.send(Err(error));
                    return;
                }
                let affiliation = if add { "member" } else { "none" };
                let payload = rooms::set_affiliation(std::slice::from_ref(&jid), affiliation);
                let purpose = IqPurpose::SetMember {
                    room: room.clone(),
                    invite: add.then_some(jid),
                    reply,
                };
                self.send_iq(Some(&room), IqKind::Set, payload, purpose)
                    .await;
            }
            Command::Snapshot { reply } => {
                let _ = reply.send(Ok(Snapshot {
                    contacts: self.roster.contacts(),
                    own_availability: self.availability,
                    own_status: self.status.clone(),
                    cursor: self.log.head_cursor(),
                }));
            }
        }
    }

    /// Queues a message once per client id; the reply comes when the server
    /// has acknowledged it (stream management), without holding up the worker.
    async fn send_message(
        &mut self,
        client_id: String,
        to: BareJid,
        body: &str,
        reply: Reply<SendOutcome>,
    ) {
        let stanza: Stanza = if self.rooms.contains(&to) {
            rooms::room_message(to, body, &client_id).into()
        } else if to.domain().as_str() == self.rooms_service {
            let _ = reply.send(Err(CommandError::NotInRoom));
            return;
        } else {
            stanzas::chat_message(to, body, &client_id).into()
        };
        if let Begin::Handled = self.sent.begin(&client_id, reply) {
            return;
        }
        let token = match self.enqueue(stanza).await {
            Ok(token) => token,
            Err(error) => return self.sent.settle(&client_id, Err(error)),
        };
        Metrics::inc(&self.metrics.messages_sent);
        let settled = self.settled_tx.clone();
        tokio::spawn(async move {
            let _ = settled.send((client_id, await_ack(token).await));
        });
    }

    /// Tells the chat's other party and the user's other logins how far the
    /// user read it (a displayed marker), and stores the position on the
    /// server where it can (XEP-0490).
    async fn send_read_up_to(&mut self, read: ReadUpTo) -> Result<(), CommandError> {
        let in_room = self.rooms.contains(&read.chat);
        if self.displayed_sync
            && let Some(archive_id) = &read.archive_id
        {
            let by = if in_room {
                read.chat.clone()
            } else {
                self.own.clone()
            };
            self.publish_read_position(&read.chat, &by, archive_id)
                .await;
        }
        let marker = if in_room {
            rooms::room_displayed(read.chat, &read.network_id)
        } else {
            stanzas::displayed_marker(read.chat, &read.network_id)
        };
        self.send(marker.into()).await
    }

    /// Stores a read position on the server (XEP-0490) with the options the
    /// server takes; the first publish with the basic options also configures
    /// the node.
    async fn publish_read_position(&mut self, chat: &BareJid, by: &BareJid, archive_id: &str) {
        let options = self.displayed_options;
        let payload = displayed_sync::publish(chat, by, archive_id, options);
        let retry = (options == displayed_sync::Options::Full)
            .then(|| (chat.clone(), by.clone(), archive_id.to_owned()));
        self.send_iq(
            None,
            IqKind::Set,
            payload,
            IqPurpose::DisplayedPublish { retry },
        )
        .await;
        if options == displayed_sync::Options::Basic && !self.displayed_configured {
            self.displayed_configured = true;
            self.send_iq(
                None,
                IqKind::Set,
                displayed_sync::configure(),
                IqPurpose::DisplayedConfigure,
            )
            .await;
        }
    }

    async fn answer(&mut self, jid: &BareJid, accept: bool) -> Result<(), CommandError> {
        if !accept {
            return self
                .send(stanzas::subscription(presence::Type::Unsubscribed, jid).into())
                .await;
        }
        self.send(stanzas::subscription(presence::Type::Subscribed, jid).into())
            .await?;
        if !self.roster.sees(jid) {
            self.send(stanzas::subscription(presence::Type::Subscribe, jid).into())
                .await?;
        }
        Ok(())
    }

    /// Puts a stanza on the stream's queue (which survives reconnects).
    async fn enqueue(&mut self, stanza: Stanza) -> Result<StanzaToken, CommandError> {
        tokio::time::timeout(SEND_WAIT, self.stream.send(Box::new(stanza)))
            .await
            .map_err(|_| {
                CommandError::Network("the network connection is congested; try again".to_owned())
            })
    }

    async fn send(&mut self, stanza: Stanza) -> Result<(), CommandError> {
        self.enqueue(stanza).await.map(drop)
    }

    fn next_iq_id(&mut self) -> String {
        self.next_iq += 1;
        format!("sl-{}", self.next_iq)
    }

    /// Sends an IQ request to `to` (the user's own account without it) whose
    /// answer goes to `purpose`.
    async fn send_iq(
        &mut self,
        to: Option<&BareJid>,
        kind: IqKind,
        payload: Element,
        purpose: IqPurpose,
    ) {
        let id = self.next_iq_id();
        self.send_iq_with_id(id, to, kind, payload, purpose).await;
    }

    /// Sends an IQ request whose answer goes to `purpose`; `id` is also the
    /// query id of an archive query, whose results arrive before the answer.
    async fn send_iq_with_id(
        &mut self,
        id: String,
        to: Option<&BareJid>,
        kind: IqKind,
        payload: Element,
        purpose: IqPurpose,
    ) {
        match self.try_send_iq(id.clone(), to, kind, payload).await {
            Ok(()) => {
                self.pending_iqs.insert(id, purpose);
            }
            Err(error) => Box::pin(self.on_iq_result(purpose, Err(error))).await,
        }
    }

    /// Puts an IQ request on the stream; the caller files its purpose.
    async fn try_send_iq(
        &mut self,
        id: String,
        to: Option<&BareJid>,
        kind: IqKind,
        payload: Element,
    ) -> Result<(), CommandError> {
        let to = to.map(|t| Jid::from(t.clone()));
        let iq = match kind {
            IqKind::Get => Iq::Get {
                from: None,
                to,
                id: id.clone(),
                payload,
            },
            IqKind::Set => Iq::Set {
                from: None,
                to,
                id,
                payload,
            },
        };
        self.send(iq.into()).await
    }

    async fn close(mut self) {
        if !self.stream_alive {
            return;
        }
        let offline = Stanza::from(presence::Presence::unavailable());
        self.send(offline).await.ok();
        // Pending contact changes are dropped here; their callers hear `Ended`.
        self.pending_iqs.clear();
        if tokio::time::timeout(SEND_WAIT, self.stream.close())
            .await
            .is_err()
        {
            tracing::warn!(user = %self.own, "network session did not close in time");
        }
    }
}

/// The closed chats in the answer to a read of the list; no stored list
/// (which some servers answer with item-not-found) is an empty one.
fn stored_closed_chats(
    outcome: Result<Option<Element>, CommandError>,
) -> Result<Vec<ClosedChat>, CommandError> {
    match outcome {
        Ok(payload) => Ok(closed_chats::parse(payload.as_ref())),
        Err(CommandError::UnknownArchivePosition) => Ok(Vec::new()),
        Err(error) => Err(error),
    }
}

#[derive(Debug, Clone, Copy)]
enum IqKind {
    Get,
    Set,
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
