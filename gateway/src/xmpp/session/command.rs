//! What the phone asks a session worker to do, the answers, and the handle
//! that sends the requests.

use std::{sync::Arc, time::Duration};

use splitline_protocol::{
    ArchivePage, Availability, ClosedChat, ContactPhones, Room, RoomMember, Snapshot,
};
use tokio::sync::{mpsc, oneshot, watch};
use tokio_xmpp::jid::BareJid;

use crate::xmpp::xep::mam::PageAt;

/// How long a phone's request may wait for the worker's answer.
const COMMAND_WAIT: Duration = Duration::from_secs(30);

/// A command failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CommandError {
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
    /// The network has no such item (a room, a stored list) where the
    /// request looked for it.
    #[error("the network has no such {0}")]
    NoSuchItem(&'static str),
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
pub(crate) struct ReadUpTo {
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
pub(crate) struct SendOutcome {
    /// The message's id on the network.
    pub network_id: String,
    /// True when the client id was sent before and nothing new went out.
    pub duplicate: bool,
}

pub(crate) type Reply<T> = oneshot::Sender<Result<T, CommandError>>;

/// What the phone asks the worker to do.
#[derive(Debug)]
pub(crate) enum Command {
    /// Send a message once per client id, to a contact or one of the user's rooms.
    Send {
        /// The client's id, also the stanza id.
        client_id: String,
        /// Recipient: a contact or a room.
        to: BareJid,
        body: String,
        reply: Reply<SendOutcome>,
    },
    /// Add a contact and ask to see its presence.
    AddContact {
        jid: BareJid,
        /// Its name.
        name: Option<String>,
        /// Answered once the server took the contact and the subscription request is out.
        reply: Reply<()>,
    },
    /// Rename a contact in the list, asking nothing of the contact.
    RenameContact {
        jid: BareJid,
        /// Its new name; `None` clears it.
        name: Option<String>,
        /// Answered once the server took the new name.
        reply: Reply<()>,
    },
    /// Remove a contact (and both subscriptions).
    RemoveContact {
        jid: BareJid,
        /// Answered once the server removed the contact.
        reply: Reply<()>,
    },
    /// Answer a subscription request.
    Answer {
        jid: BareJid,
        /// Accept (and ask back) or refuse.
        accept: bool,
        /// Answered once the answer is queued.
        reply: Reply<()>,
    },
    /// Set one's own presence.
    SetPresence {
        availability: Availability,
        /// Status text.
        status: Option<String>,
        /// Answered once the presence is queued.
        reply: Reply<()>,
    },
    /// A page of the user's archive of 1:1 messages, or of a room's archive.
    Archive {
        /// The room whose archive to read; the user's own without it.
        room: Option<BareJid>,
        /// Only the 1:1 chat with this address (not with `room`).
        with: Option<BareJid>,
        /// Which entries.
        at: PageAt,
        /// Most entries.
        max: u32,
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
    ClosedChats { reply: Reply<Vec<ClosedChat>> },
    /// Close a chat on every device of the user.
    CloseChat {
        /// The chat and how far it was read.
        chat: ClosedChat,
        /// Done once the server stored it.
        reply: Reply<()>,
    },
    /// The user's rooms (once the bookmarks are read).
    Rooms { reply: Reply<Vec<Room>> },
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
        room: BareJid,
        /// Its new name.
        name: String,
        /// Answered once the room took the new name.
        reply: Reply<()>,
    },
    /// Leave a room on every device of the user.
    LeaveRoom {
        room: BareJid,
        /// Answered once the leave is queued.
        reply: Reply<()>,
    },
    /// A room's owners, admins and members.
    RoomMembers {
        room: BareJid,
        reply: Reply<Vec<RoomMember>>,
    },
    /// Add a member to a room and invite them, or remove one.
    SetMember {
        room: BareJid,
        jid: BareJid,
        /// Add (true) or remove (false).
        add: bool,
        /// Answered once the room took the change.
        reply: Reply<()>,
    },
    /// The contact list and own presence with the matching cursor.
    Snapshot { reply: Reply<Snapshot> },
    /// The numbers in the contacts' vCards.
    ContactPhones { reply: Reply<Vec<ContactPhones>> },
    /// Publish the user's own numbers (E.164) in their vCard.
    SetOwnPhones {
        numbers: Vec<String>,
        /// Answered once the server stored the vCard.
        reply: Reply<()>,
    },
}

impl Command {
    /// True for commands that need the user's rooms known: a message's
    /// recipient may be a room, and room commands act on them.
    pub(crate) fn needs_rooms(&self) -> bool {
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
            | Self::RenameContact { .. }
            | Self::RemoveContact { .. }
            | Self::Answer { .. }
            | Self::SetPresence { .. }
            | Self::ClosedChats { .. }
            | Self::CloseChat { .. }
            | Self::Snapshot { .. }
            | Self::ContactPhones { .. }
            | Self::SetOwnPhones { .. } => false,
        }
    }

    /// Answers the command with `error`.
    pub(crate) fn fail(self, error: CommandError) {
        match self {
            Self::Send { reply, .. } => drop(reply.send(Err(error))),
            Self::Rooms { reply } => drop(reply.send(Err(error))),
            Self::CreateRoom { reply, .. } => drop(reply.send(Err(error))),
            Self::RoomMembers { reply, .. } => drop(reply.send(Err(error))),
            Self::Archive { reply, .. } => drop(reply.send(Err(error))),
            Self::Snapshot { reply } => drop(reply.send(Err(error))),
            Self::ClosedChats { reply } => drop(reply.send(Err(error))),
            Self::ContactPhones { reply } => drop(reply.send(Err(error))),
            Self::AddContact { reply, .. }
            | Self::RenameContact { reply, .. }
            | Self::RemoveContact { reply, .. }
            | Self::Answer { reply, .. }
            | Self::SetPresence { reply, .. }
            | Self::Displayed { reply, .. }
            | Self::CloseChat { reply, .. }
            | Self::RenameRoom { reply, .. }
            | Self::LeaveRoom { reply, .. }
            | Self::SetMember { reply, .. }
            | Self::SetOwnPhones { reply, .. } => drop(reply.send(Err(error))),
        }
    }
}

/// The sending side of a worker.
#[derive(Debug, Clone)]
pub(crate) struct WorkerHandle {
    pub(super) commands: mpsc::Sender<Command>,
    pub(super) stop: Arc<watch::Sender<bool>>,
}

impl WorkerHandle {
    /// Sends a command built around a reply channel and waits for its answer
    /// (at most [`COMMAND_WAIT`]).
    pub(crate) async fn request<T>(
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
    pub(crate) fn end(&self) {
        self.stop.send_replace(true);
    }
}
