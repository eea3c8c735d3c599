//! Managing rooms: requests that need the gateway at once, unlike messages,
//! which wait in the outbox. What they change reaches the store through the
//! event stream (room joined, renamed, left).

use splitline_protocol::{CreateRoomRequest, Room, RoomMember};

use crate::gateway_client::{ClientError, GatewayClient};

/// The current session's room requests.
pub struct RoomAdmin {
    gateway: GatewayClient,
    token: String,
}

impl RoomAdmin {
    pub(crate) fn new(gateway: GatewayClient, token: String) -> Self {
        Self { gateway, token }
    }

    /// Creates a persistent, members-only room owned by the user, with
    /// `members` added and invited.
    pub async fn create_room(&self, name: &str, members: &[String]) -> Result<Room, ClientError> {
        let request = CreateRoomRequest {
            name: name.trim().to_owned(),
            members: members.iter().map(|m| m.trim().to_owned()).collect(),
        };
        self.gateway.create_room(&self.token, &request).await
    }

    /// Renames a room (owners only).
    pub async fn rename_room(&self, room: &str, name: &str) -> Result<(), ClientError> {
        self.gateway
            .rename_room(&self.token, room.trim(), name.trim())
            .await
    }

    /// Leaves a room on every device; its messages stay.
    pub async fn leave_room(&self, room: &str) -> Result<(), ClientError> {
        self.gateway.leave_room(&self.token, room.trim()).await
    }

    /// Adds a member to a room and invites them (owners and admins).
    pub async fn add_member(&self, room: &str, jid: &str) -> Result<(), ClientError> {
        self.gateway
            .add_member(&self.token, room.trim(), jid.trim())
            .await
    }

    /// Removes a member from a room (owners and admins).
    pub async fn remove_member(&self, room: &str, jid: &str) -> Result<(), ClientError> {
        self.gateway
            .remove_member(&self.token, room.trim(), jid.trim())
            .await
    }

    /// A room's owners, admins and members.
    pub async fn members(&self, room: &str) -> Result<Vec<RoomMember>, ClientError> {
        Ok(self
            .gateway
            .room_members(&self.token, room.trim())
            .await?
            .members)
    }
}
