//! `Rooms`: the user's group chats and their administration (which needs
//! the gateway now; nothing waits in the outbox).

use std::sync::Arc;

use splitline_core::{client::Client, room_admin::RoomAdmin};

use crate::{RoomInfo, RoomMemberInfo, SplitlineError};

/// The user's group chats.
#[derive(uniffi::Object)]
pub struct Rooms {
    client: Arc<Client>,
}

impl Rooms {
    pub(crate) fn new(client: Arc<Client>) -> Self {
        Self { client }
    }

    fn admin(&self) -> Result<RoomAdmin, SplitlineError> {
        Ok(self.client.room_admin()?)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Rooms {
    /// The rooms the user is in, by name (from the store).
    pub fn list(&self) -> Result<Vec<RoomInfo>, SplitlineError> {
        Ok(self
            .client
            .rooms()?
            .into_iter()
            .map(RoomInfo::from)
            .collect())
    }

    /// Creates a room owned by the user with `members` added and invited.
    pub async fn create(
        &self,
        name: String,
        members: Vec<String>,
    ) -> Result<RoomInfo, SplitlineError> {
        Ok(self.admin()?.create_room(&name, &members).await?.into())
    }

    /// Renames a room (owners only).
    pub async fn rename(&self, room: String, name: String) -> Result<(), SplitlineError> {
        Ok(self.admin()?.rename_room(&room, &name).await?)
    }

    /// Leaves a room on every device; its messages stay.
    pub async fn leave(&self, room: String) -> Result<(), SplitlineError> {
        Ok(self.admin()?.leave_room(&room).await?)
    }

    /// Adds a member to a room and invites them.
    pub async fn add_member(&self, room: String, jid: String) -> Result<(), SplitlineError> {
        Ok(self.admin()?.add_member(&room, &jid).await?)
    }

    /// Removes a member from a room.
    pub async fn remove_member(&self, room: String, jid: String) -> Result<(), SplitlineError> {
        Ok(self.admin()?.remove_member(&room, &jid).await?)
    }

    /// A room's owners, admins and members, from the gateway.
    pub async fn members(&self, room: String) -> Result<Vec<RoomMemberInfo>, SplitlineError> {
        Ok(self
            .admin()?
            .members(&room)
            .await?
            .into_iter()
            .map(RoomMemberInfo::from)
            .collect())
    }
}
