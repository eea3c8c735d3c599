//! Group chats: persistent, members-only rooms on the network (XEP-0045).
//!
//! The gateway keeps the user's rooms as bookmarks on the network server
//! (XEP-0048 in private storage), so every device of the user lists them, and
//! rejoins them at each sign-in. Messages in a room are [`crate::ChatMessage`]s
//! with `room` set; they are sent with [`crate::SendMessageRequest`] to the
//! room's address.

use serde::{Deserialize, Serialize};

/// Most members a room may be created with in one request.
pub const MAX_INITIAL_MEMBERS: usize = 100;

/// A room the user is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    /// The room's bare address.
    pub jid: String,
    /// Its name (may be empty).
    pub name: String,
}

/// The user's rooms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rooms {
    /// Each room once, by address.
    pub rooms: Vec<Room>,
}

/// Create a persistent, members-only room with the user as its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRoomRequest {
    /// The room's name (1 to 256 characters).
    pub name: String,
    /// Bare addresses to add as members and invite (at most 100).
    #[serde(default)]
    pub members: Vec<String>,
}

/// Rename a room (owners only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameRoomRequest {
    /// The new name (1 to 256 characters).
    pub name: String,
}

/// Add a member to a room and invite them (owners and admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    /// The new member's bare address.
    pub jid: String,
}

/// What a member is to the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Affiliation {
    /// Created or owns the room.
    Owner,
    /// Administers the room.
    Admin,
    /// May enter and post.
    Member,
}

/// One member of a room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomMember {
    /// The member's bare address.
    pub jid: String,
    /// What they are to the room.
    pub affiliation: Affiliation,
}

/// A room's members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomMembers {
    /// Each member once.
    pub members: Vec<RoomMember>,
}

/// Why the user is no longer in a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomLeftReason {
    /// The user left (on this or another device).
    Left,
    /// An owner or admin removed the user from the members.
    Removed,
    /// The room no longer exists.
    Destroyed,
}
