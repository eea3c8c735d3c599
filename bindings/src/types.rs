//! The FFI's own types, converted from the core's.

use splitline_core::store::{
    Chat, ContactOpFailure, ContactOpKind, MessageKind, MessageRow, MessageState, RoomRow,
};
use splitline_protocol::{Contact, ContactPresence};

/// A count or an index for Kotlin's `UInt`, saturating (no list the store
/// holds comes near the bound).
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// How available a contact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Availability {
    /// Online.
    Available,
    /// Online and eager to chat.
    Chat,
    /// Away.
    Away,
    /// Away for long.
    ExtendedAway,
    /// Do not disturb.
    DoNotDisturb,
    /// Not online.
    Offline,
}

impl From<splitline_protocol::Availability> for Availability {
    fn from(a: splitline_protocol::Availability) -> Self {
        use splitline_protocol::Availability as A;
        match a {
            A::Available => Self::Available,
            A::Chat => Self::Chat,
            A::Away => Self::Away,
            A::ExtendedAway => Self::ExtendedAway,
            A::DoNotDisturb => Self::DoNotDisturb,
            A::Offline => Self::Offline,
        }
    }
}

impl From<Availability> for splitline_protocol::Availability {
    fn from(a: Availability) -> Self {
        match a {
            Availability::Available => Self::Available,
            Availability::Chat => Self::Chat,
            Availability::Away => Self::Away,
            Availability::ExtendedAway => Self::ExtendedAway,
            Availability::DoNotDisturb => Self::DoNotDisturb,
            Availability::Offline => Self::Offline,
        }
    }
}

/// A presence: how available, with an optional status text.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PresenceInfo {
    /// How available.
    pub availability: Availability,
    /// Status text.
    pub status: Option<String>,
}

impl From<ContactPresence> for PresenceInfo {
    fn from(p: ContactPresence) -> Self {
        Self {
            availability: p.availability.into(),
            status: p.status,
        }
    }
}

/// What a contact change was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ContactChange {
    /// Adding the contact.
    Add,
    /// Renaming it.
    Rename,
    /// Removing it.
    Remove,
    /// Accepting its request.
    Accept,
    /// Refusing its request.
    Refuse,
}

/// A contact change the gateway refused for good (it was dropped).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContactFailure {
    /// The contact's address.
    pub jid: String,
    /// What the change was.
    pub change: ContactChange,
    /// The gateway's reason.
    pub reason: String,
    /// When it was refused, ms since the epoch.
    pub at_ms: i64,
}

impl From<ContactOpFailure> for ContactFailure {
    fn from(f: ContactOpFailure) -> Self {
        Self {
            jid: f.jid,
            change: match f.kind {
                ContactOpKind::Add => ContactChange::Add,
                ContactOpKind::Rename => ContactChange::Rename,
                ContactOpKind::Remove => ContactChange::Remove,
                ContactOpKind::Accept => ContactChange::Accept,
                ContactOpKind::Refuse => ContactChange::Refuse,
            },
            reason: f.reason,
            at_ms: f.at_ms,
        }
    }
}

/// A contact with presence.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ContactInfo {
    /// Address.
    pub jid: String,
    /// Name given by the user.
    pub name: Option<String>,
    /// Presence.
    pub availability: Availability,
    /// Status text.
    pub status: Option<String>,
    /// Waiting for the contact to accept.
    pub pending: bool,
}

impl From<Contact> for ContactInfo {
    fn from(c: Contact) -> Self {
        Self {
            jid: c.jid,
            name: c.name,
            availability: c.presence.availability.into(),
            status: c.presence.status,
            pending: c.pending_out,
        }
    }
}

/// A chat in the chat list.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ChatInfo {
    /// The other party, or the room.
    pub peer: String,
    /// The room's name, for a room's chat.
    pub room_name: Option<String>,
    /// Newest message time, ms since the epoch.
    pub last_activity_ms: i64,
    /// Unread messages.
    pub unread: u32,
    /// The newest message, if any (gap markers aside).
    pub last_message: Option<MessageInfo>,
}

impl From<Chat> for ChatInfo {
    fn from(c: Chat) -> Self {
        Self {
            peer: c.peer,
            room_name: c.room_name,
            last_activity_ms: c.last_activity_ms,
            unread: c.unread,
            last_message: c.last_message.map(MessageInfo::from),
        }
    }
}

/// Where a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MessageStatus {
    /// Waiting to be sent.
    Queued,
    /// The network has it.
    Sent,
    /// Reached the recipient (incoming messages are delivered).
    Delivered,
    /// The recipient saw it.
    Displayed,
    /// Cannot be sent.
    Failed,
}

/// What a timeline item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TimelineKind {
    /// A message.
    Message,
    /// A gap: messages of this chat from around this time may be missing,
    /// because the network's archive no longer had them. No sender or text;
    /// show it as a notice in the timeline.
    Gap,
}

/// A message, or a gap marker (see `kind`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct MessageInfo {
    /// Local id (for paging).
    pub id: i64,
    /// The chat's peer.
    pub peer: String,
    /// Sent by the user.
    pub outgoing: bool,
    /// Sender's address.
    pub sender: String,
    /// Text.
    pub body: String,
    /// Time, ms since the epoch.
    pub timestamp_ms: i64,
    /// Where it is.
    pub status: MessageStatus,
    /// A message, or a gap marker.
    pub kind: TimelineKind,
    /// A message request: from someone who is not the user's contact; show it apart.
    #[uniffi(default = false)]
    pub from_stranger: bool,
}

impl From<MessageRow> for MessageInfo {
    fn from(m: MessageRow) -> Self {
        Self {
            id: m.id,
            peer: m.peer,
            outgoing: m.outgoing,
            sender: m.sender,
            body: m.body,
            timestamp_ms: m.timestamp_ms,
            status: match m.state {
                MessageState::Queued => MessageStatus::Queued,
                MessageState::Sent => MessageStatus::Sent,
                MessageState::Delivered => MessageStatus::Delivered,
                MessageState::Displayed => MessageStatus::Displayed,
                MessageState::Failed => MessageStatus::Failed,
            },
            kind: match m.kind {
                MessageKind::Message => TimelineKind::Message,
                MessageKind::Gap => TimelineKind::Gap,
            },
            from_stranger: m.from_stranger,
        }
    }
}

/// A room the user is in.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RoomInfo {
    /// The room's address (its chat's peer).
    pub jid: String,
    /// Its name.
    pub name: String,
}

impl From<RoomRow> for RoomInfo {
    fn from(r: RoomRow) -> Self {
        Self {
            jid: r.jid,
            name: r.name,
        }
    }
}

impl From<splitline_protocol::Room> for RoomInfo {
    fn from(r: splitline_protocol::Room) -> Self {
        Self {
            jid: r.jid,
            name: r.name,
        }
    }
}

/// What a member is to a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RoomRole {
    /// Created or owns the room.
    Owner,
    /// Administers the room.
    Admin,
    /// May enter and post.
    Member,
}

/// One member of a room.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RoomMemberInfo {
    /// The member's bare address.
    pub jid: String,
    /// What they are to the room.
    pub role: RoomRole,
}

impl From<splitline_protocol::RoomMember> for RoomMemberInfo {
    fn from(m: splitline_protocol::RoomMember) -> Self {
        use splitline_protocol::Affiliation as A;
        Self {
            jid: m.jid,
            role: match m.affiliation {
                A::Owner => RoomRole::Owner,
                A::Admin => RoomRole::Admin,
                A::Member => RoomRole::Member,
            },
        }
    }
}
