//! `Push`: the device's Web Push subscription at the gateway (what a
//! UnifiedPush distributor handed the app) and the gateway's VAPID key; and
//! the records of `SplitlineClient::sync_once`, what a push runs.

use std::sync::Arc;

use splitline_core::{
    SyncSummary,
    client::Client,
    push::{Push as CorePush, PushSubscription},
    store::ChatNews,
};
use splitline_protocol::{PushContent, PushRegistrationInfo, PushSettings, RoomPush};

use crate::SplitlineError;

/// A Web Push subscription as the distributor gave it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PushSubscriptionInfo {
    /// The push service's endpoint URL (a capability: never log it).
    pub endpoint: String,
    /// The device's P-256 public key, base64url without padding.
    pub p256dh: String,
    /// The device's authentication secret, base64url without padding.
    pub auth: String,
}

/// What a push to this device may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PushPayload {
    /// A wake-up with counts only (the default).
    Minimal,
    /// Also the newest messages' senders and text (the user opted in).
    Text,
}

/// Which of a room's messages wake the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RoomPushSetting {
    /// Every message.
    All,
    /// Messages that mention the user (the default).
    Mentions,
    /// None.
    Never,
}

/// The gateway's VAPID key and this device's registration there.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PushSettingsInfo {
    /// The application server key the distributor needs (base64url).
    pub vapid_public_key: String,
    /// This device's registration, if any.
    pub registration: Option<PushRegistrationStatus>,
}

/// A registration as the gateway reports it (no keys, only the endpoint's origin).
#[derive(Debug, Clone, uniffi::Record)]
pub struct PushRegistrationStatus {
    /// Scheme, host and port of the endpoint.
    pub endpoint_origin: String,
    /// What pushes may carry.
    pub payload: PushPayload,
    /// When it was registered, ms since the epoch.
    pub registered_at_ms: i64,
}

/// A chat's new incoming messages, as one sync brought them.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChatNewsInfo {
    /// The contact's or the room's address.
    pub peer: String,
    /// How many new incoming messages.
    pub new_messages: u32,
}

/// What one `sync_once` brought.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncSummaryInfo {
    /// Chats with new incoming messages, most recent first.
    pub chats: Vec<ChatNewsInfo>,
    /// People newly asking to see the user's presence.
    pub contact_requests: Vec<String>,
    /// Nothing more waited at the gateway; false when the budget ran out first.
    pub caught_up: bool,
}

impl From<SyncSummary> for SyncSummaryInfo {
    fn from(summary: SyncSummary) -> Self {
        Self {
            chats: summary.chats.into_iter().map(ChatNewsInfo::from).collect(),
            contact_requests: summary.contact_requests,
            caught_up: summary.caught_up,
        }
    }
}

impl From<ChatNews> for ChatNewsInfo {
    fn from(news: ChatNews) -> Self {
        Self {
            peer: news.peer,
            new_messages: news.new_messages,
        }
    }
}

impl From<PushPayload> for PushContent {
    fn from(payload: PushPayload) -> Self {
        match payload {
            PushPayload::Minimal => Self::Minimal,
            PushPayload::Text => Self::Text,
        }
    }
}

impl From<PushContent> for PushPayload {
    fn from(content: PushContent) -> Self {
        match content {
            PushContent::Minimal => Self::Minimal,
            PushContent::Text => Self::Text,
        }
    }
}

impl From<RoomPushSetting> for RoomPush {
    fn from(setting: RoomPushSetting) -> Self {
        match setting {
            RoomPushSetting::All => Self::All,
            RoomPushSetting::Mentions => Self::Mentions,
            RoomPushSetting::Never => Self::Never,
        }
    }
}

impl From<PushSettings> for PushSettingsInfo {
    fn from(settings: PushSettings) -> Self {
        Self {
            vapid_public_key: settings.vapid_public_key,
            registration: settings.registration.map(PushRegistrationStatus::from),
        }
    }
}

impl From<PushRegistrationInfo> for PushRegistrationStatus {
    fn from(info: PushRegistrationInfo) -> Self {
        Self {
            endpoint_origin: info.endpoint_origin,
            payload: info.content.into(),
            registered_at_ms: info.registered_at_ms,
        }
    }
}

/// Push registration at the gateway; each call needs a session (`Offline`
/// before the first sign-in or `sync_once`).
#[derive(uniffi::Object)]
pub struct Push {
    client: Arc<Client>,
}

impl Push {
    pub(crate) fn new(client: Arc<Client>) -> Self {
        Self { client }
    }

    fn core(&self) -> Result<CorePush, SplitlineError> {
        Ok(self.client.push()?)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Push {
    /// The gateway's VAPID key (for the distributor) and this device's registration.
    pub async fn settings(&self) -> Result<PushSettingsInfo, SplitlineError> {
        Ok(self.core()?.settings().await?.into())
    }

    /// Registers (or replaces) this device's subscription; returns the
    /// session's idle timeout from now on, in seconds. `Invalid` if the
    /// endpoint or keys cannot be a subscription (nothing is sent then).
    pub async fn register(
        &self,
        subscription: PushSubscriptionInfo,
        payload: PushPayload,
    ) -> Result<u64, SplitlineError> {
        let registration = PushSubscription {
            endpoint: subscription.endpoint,
            p256dh: subscription.p256dh,
            auth: subscription.auth,
        }
        .registration(payload.into())
        .map_err(|e| SplitlineError::invalid(e.to_string()))?;
        let push = self.core()?;
        Ok(push.register(&registration).await?.idle_timeout_secs)
    }

    /// Removes this device's registration: no more pushes.
    pub async fn unregister(&self) -> Result<(), SplitlineError> {
        Ok(self.core()?.unregister().await?)
    }

    /// Which of `room`'s messages wake the phone.
    pub async fn set_room(
        &self,
        room: String,
        setting: RoomPushSetting,
    ) -> Result<(), SplitlineError> {
        Ok(self.core()?.set_room(&room, setting.into()).await?)
    }
}
