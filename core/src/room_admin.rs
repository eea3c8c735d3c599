//! Managing rooms: requests that need the gateway at once, unlike messages,
//! which wait in the outbox. What they change reaches the store (see
//! `store::rooms`) through the event stream (room joined, renamed, left).

use splitline_protocol::{CreateRoomRequest, Room, RoomMember};

use crate::gateway::{GatewayError, SessionHandle};

/// Room requests on the current session: each uses the sync engine's
/// gateway client and the token of the latest sign-in.
pub struct RoomAdmin {
    session: SessionHandle,
}

impl RoomAdmin {
    pub(crate) fn new(session: SessionHandle) -> Self {
        Self { session }
    }

    /// Creates a persistent, members-only room owned by the user, with
    /// `members` added and invited.
    pub async fn create_room(&self, name: &str, members: &[String]) -> Result<Room, GatewayError> {
        let request = CreateRoomRequest {
            name: name.trim().to_owned(),
            members: members.iter().map(|m| m.trim().to_owned()).collect(),
        };
        let (gateway, token) = self.session.current()?;
        gateway.create_room(&token, &request).await
    }

    /// Renames a room (owners only).
    pub async fn rename_room(&self, room: &str, name: &str) -> Result<(), GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.rename_room(&token, room.trim(), name.trim()).await
    }

    /// Leaves a room on every device; its messages stay.
    pub async fn leave_room(&self, room: &str) -> Result<(), GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.leave_room(&token, room.trim()).await
    }

    /// Adds a member to a room and invites them (owners and admins).
    pub async fn add_member(&self, room: &str, jid: &str) -> Result<(), GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.add_member(&token, room.trim(), jid.trim()).await
    }

    /// Removes a member from a room (owners and admins).
    pub async fn remove_member(&self, room: &str, jid: &str) -> Result<(), GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.remove_member(&token, room.trim(), jid.trim()).await
    }

    /// A room's owners, admins and members.
    pub async fn members(&self, room: &str) -> Result<Vec<RoomMember>, GatewayError> {
        let (gateway, token) = self.session.current()?;
        Ok(gateway.room_members(&token, room.trim()).await?.members)
    }
}
