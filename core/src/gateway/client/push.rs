//! The push routes of the protocol (`/v1/push`): a device's Web Push
//! subscription, the gateway's VAPID key, and the per-room setting.

use reqwest::Method;
use splitline_protocol::{
    PushRegistered, PushRegistration, PushSettings, RoomPush, RoomPushRequest, paths,
};

use super::{GatewayClient, room_path};
use crate::gateway::GatewayError;

impl GatewayClient {
    /// `GET /v1/push`: the VAPID key and this device's registration.
    pub(crate) async fn push_settings(&self, token: &str) -> Result<PushSettings, GatewayError> {
        self.call::<(), _>(Method::GET, paths::PUSH, Some(token), None)
            .await
    }

    /// `PUT /v1/push`: registers (or replaces) this device's subscription.
    pub(crate) async fn register_push(
        &self,
        token: &str,
        registration: &PushRegistration,
    ) -> Result<PushRegistered, GatewayError> {
        self.call(Method::PUT, paths::PUSH, Some(token), Some(registration))
            .await
    }

    /// `DELETE /v1/push`: this device gets no more pushes.
    pub(crate) async fn unregister_push(&self, token: &str) -> Result<(), GatewayError> {
        self.delete(paths::PUSH, token).await
    }

    /// `PUT /v1/push/rooms/{room}`: which of the room's messages wake the phone.
    pub(crate) async fn set_room_push(
        &self,
        token: &str,
        room: &str,
        notify: RoomPush,
    ) -> Result<(), GatewayError> {
        let path = room_path(paths::PUSH_ROOM, room, None);
        self.put(&path, token, &RoomPushRequest { notify }).await
    }
}
