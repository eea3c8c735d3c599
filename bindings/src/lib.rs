//! The Kotlin app's API over the Splitline core, through uniffi.
//!
//! Thin by design: every type here is an FFI type converted from the core's,
//! every call maps the core's errors to one flat [`SplitlineError`] with a
//! `details` string, and panics are caught at the boundary by uniffi and
//! surface as exceptions, never as crashes across the FFI.

mod calls;
mod logging;
mod types;

use std::sync::{Arc, Mutex, OnceLock};

use splitline_core::{client::Client, sync::SyncConfig};
use tokio::runtime::Runtime;

pub use calls::{
    CallAsk, CallCallee, CallDevice, CallEnd, CallPhase, CallPlanInfo, CallPreference, CallRoute,
    CallRules, CallUpdateInfo, DataNetwork, IncomingCallInfo, PlacedCallInfo, VerificationInfo,
};
pub use types::{
    Availability, ChangeInfo, ChatInfo, ContactInfo, MessageInfo, MessageStatus, RoomInfo,
    TimelineKind,
};

uniffi::setup_scaffolding!();

// Links the unwinder into the Android library (the NDK-less build has no
// libunwind; see android/native/README.md).
#[cfg(all(
    target_os = "android",
    any(target_arch = "aarch64", target_arch = "x86_64")
))]
use unwinding as _;

/// Every failure the app can see.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum SplitlineError {
    /// An argument is not valid (for example an address without a user part).
    #[error("invalid input: {details}")]
    Invalid {
        /// What is wrong.
        details: String,
    },
    /// The local store failed.
    #[error("local storage failed: {details}")]
    Storage {
        /// What failed.
        details: String,
    },
    /// The gateway could not be reached (the client keeps trying).
    #[error("not connected: {details}")]
    Network {
        /// What happened.
        details: String,
    },
    /// The network refused the address or password.
    #[error("sign-in refused: {details}")]
    AuthFailed {
        /// What the network said.
        details: String,
    },
    /// No route can place the call now; `details` says why for each.
    #[error("the call cannot be placed: {details}")]
    CallNotPossible {
        /// Why.
        details: String,
    },
    /// Anything else, a bug included.
    #[error("internal error: {details}")]
    Internal {
        /// What happened.
        details: String,
    },
}

impl From<splitline_core::client::ClientError> for SplitlineError {
    fn from(error: splitline_core::client::ClientError) -> Self {
        use splitline_core::{client::ClientError, sync::SyncError};
        let details = error.to_string();
        match error {
            ClientError::Invalid(_)
            | ClientError::BodyTooLong { .. }
            | ClientError::Sync(SyncError::Config(_)) => Self::Invalid { details },
            ClientError::Store(_) | ClientError::Sync(SyncError::Store(_)) => {
                Self::Storage { details }
            }
            ClientError::Sync(SyncError::AuthFailed) => Self::AuthFailed { details },
            ClientError::Offline(_) => Self::Network { details },
            ClientError::Gateway(error) => gateway_error(error),
        }
    }
}

/// A refusal by the gateway: the caller's mistake is `Invalid`, the rest `Network`.
fn gateway_error(error: splitline_core::gateway::GatewayError) -> SplitlineError {
    use splitline_protocol::ErrorCode;
    let details = error.to_string();
    match error.code() {
        Some(
            ErrorCode::InvalidRequest
            | ErrorCode::NotFound
            | ErrorCode::Forbidden
            | ErrorCode::DestinationNotAllowed
            | ErrorCode::PayloadTooLarge
            | ErrorCode::UriTooLong
            | ErrorCode::HeadersTooLarge,
        ) => SplitlineError::Invalid { details },
        Some(ErrorCode::AuthFailed) => SplitlineError::AuthFailed { details },
        _ => SplitlineError::Network { details },
    }
}

/// The runtime every client's background work runs on.
fn runtime() -> Result<&'static Runtime, SplitlineError> {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("splitline")
        .enable_all()
        .build()
        .map_err(|e| SplitlineError::Internal {
            details: format!("cannot start the runtime: {e}"),
        })?;
    Ok(RUNTIME.get_or_init(|| runtime))
}

/// How to reach the network and where to keep data.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ClientConfig {
    /// The store file's path.
    pub store_path: String,
    /// Gateway base addresses, in order of preference.
    pub gateway_endpoints: Vec<String>,
    /// An extra trusted root certificate (PEM), or none.
    pub extra_root_pem: Option<String>,
    /// The account's address.
    pub jid: String,
    /// The account's password (kept in memory only).
    pub password: String,
    /// This installation's id.
    pub device_id: String,
    /// The app's build id.
    pub build_id: String,
}

/// Hears what changed; called on a background thread.
#[uniffi::export(with_foreign)]
pub trait ChangeListener: Send + Sync {
    /// Something changed; reload what is shown.
    fn on_change(&self, change: ChangeInfo);
}

/// A subscription; dropping or cancelling it stops the listener.
#[derive(uniffi::Object)]
pub struct TaskHandle(tokio::task::JoinHandle<()>);

#[uniffi::export]
impl TaskHandle {
    /// Stops the subscription.
    pub fn cancel(&self) {
        self.0.abort();
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A signed-in account on this device, syncing in the background.
#[derive(uniffi::Object)]
pub struct SplitlineClient {
    inner: Mutex<Option<Client>>,
}

impl SplitlineClient {
    fn with<T>(
        &self,
        f: impl FnOnce(&Client) -> Result<T, splitline_core::client::ClientError>,
    ) -> Result<T, SplitlineError> {
        let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let client = guard.as_ref().ok_or_else(|| SplitlineError::Invalid {
            details: "the client was stopped".into(),
        })?;
        Ok(f(client)?)
    }

    /// The call `ask` describes, planned by the core, with the calls it was planned on.
    async fn planned(
        &self,
        ask: CallAsk,
    ) -> Result<
        (
            splitline_core::calls::Calls,
            splitline_core::calls::routing::CallPlan,
        ),
        SplitlineError,
    > {
        let (callee, preference, device, policy, caller) = ask.parts()?;
        let calls = self.with(|c| c.calls())?;
        let request = splitline_core::calls::routing::CallRequest {
            callee: &callee,
            preference,
            device: &device,
            policy: &policy,
            caller: &caller,
        };
        let plan = calls.plan(request).await?;
        Ok((calls, plan))
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl SplitlineClient {
    /// Opens the store and starts syncing.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>, SplitlineError> {
        let runtime = runtime()?;
        let _entered = runtime.enter();
        let sync = SyncConfig {
            endpoints: config.gateway_endpoints,
            extra_root_pem: config.extra_root_pem,
            jid: config.jid,
            password: config.password,
            device_id: config.device_id,
            build_id: config.build_id,
            ..SyncConfig::default()
        };
        let client = Client::start(config.store_path.into(), sync)?;
        Ok(Arc::new(Self {
            inner: Mutex::new(Some(client)),
        }))
    }

    /// Waits until signed in: returns once online; throws `AuthFailed` for a
    /// wrong password and `Network` if the gateway is not reached in
    /// `timeout_secs` (syncing goes on trying).
    pub async fn sign_in(&self, timeout_secs: u32) -> Result<(), SplitlineError> {
        let status = self.with(|c| Ok(c.status_receiver()))?;
        Ok(splitline_core::client::wait_online(
            status,
            std::time::Duration::from_secs(timeout_secs.into()),
        )
        .await?)
    }

    /// Ends the session at the gateway and stops syncing; the history stays.
    pub async fn sign_off(&self) -> Result<(), SplitlineError> {
        let client = self.inner.lock().unwrap_or_else(|e| e.into_inner()).take();
        match client {
            Some(client) => Ok(client.sign_off().await?),
            None => Ok(()),
        }
    }

    /// Queues a message; it shows at once as queued and goes out exactly once.
    pub fn send_message(&self, peer: String, body: String) -> Result<MessageInfo, SplitlineError> {
        self.with(|c| c.send_message(&peer, &body))
            .map(MessageInfo::from)
    }

    /// Marks the chat with `peer` viewed, here and, once the gateway can be
    /// reached, for `peer` and on the user's other devices. True if it had
    /// unread messages.
    pub fn mark_chat_viewed(&self, peer: String) -> Result<bool, SplitlineError> {
        self.with(|c| c.mark_chat_viewed(&peer))
    }

    /// Marks every chat viewed; returns the chats that had unread messages.
    pub fn mark_all_viewed(&self) -> Result<Vec<String>, SplitlineError> {
        self.with(|c| c.mark_all_viewed())
    }

    /// Closes the chat with `peer` on every device of the user until a newer
    /// message arrives in it. False if there is no such chat.
    pub fn close_chat(&self, peer: String) -> Result<bool, SplitlineError> {
        self.with(|c| c.close_chat(&peer))
    }

    /// The rooms the user is in, by name.
    pub fn rooms(&self) -> Result<Vec<RoomInfo>, SplitlineError> {
        self.with(|c| c.rooms())
            .map(|v| v.into_iter().map(RoomInfo::from).collect())
    }

    /// Creates a room owned by the user with `members` added and invited
    /// (needs the gateway now).
    pub async fn create_room(
        &self,
        name: String,
        members: Vec<String>,
    ) -> Result<RoomInfo, SplitlineError> {
        let admin = self.with(|c| c.room_admin())?;
        admin
            .create_room(&name, &members)
            .await
            .map(RoomInfo::from)
            .map_err(gateway_error)
    }

    /// Renames a room (owners only; needs the gateway now).
    pub async fn rename_room(&self, room: String, name: String) -> Result<(), SplitlineError> {
        let admin = self.with(|c| c.room_admin())?;
        admin.rename_room(&room, &name).await.map_err(gateway_error)
    }

    /// Leaves a room on every device; its messages stay (needs the gateway now).
    pub async fn leave_room(&self, room: String) -> Result<(), SplitlineError> {
        let admin = self.with(|c| c.room_admin())?;
        admin.leave_room(&room).await.map_err(gateway_error)
    }

    /// Adds a member to a room and invites them (needs the gateway now).
    pub async fn add_member(&self, room: String, jid: String) -> Result<(), SplitlineError> {
        let admin = self.with(|c| c.room_admin())?;
        admin.add_member(&room, &jid).await.map_err(gateway_error)
    }

    /// Removes a member from a room (needs the gateway now).
    pub async fn remove_member(&self, room: String, jid: String) -> Result<(), SplitlineError> {
        let admin = self.with(|c| c.room_admin())?;
        admin
            .remove_member(&room, &jid)
            .await
            .map_err(gateway_error)
    }

    /// Chooses how to place a call (needs the gateway when access numbers
    /// are offered). Throws `Invalid` for a bad number or address and
    /// `CallNotPossible` when no route is left, with the reasons.
    pub async fn plan_call(&self, ask: CallAsk) -> Result<CallPlanInfo, SplitlineError> {
        let (_, plan) = self.planned(ask).await?;
        Ok(plan.into())
    }

    /// Plans a call as `plan_call` does and has the gateway place it: a
    /// callback (answer the call from `callback_from`) or a call-through
    /// (dial `dial` now). Throws `Invalid` when the plan is a call over data,
    /// which the phone's SIP stack places itself.
    pub async fn place_call(&self, ask: CallAsk) -> Result<PlacedCallInfo, SplitlineError> {
        let (calls, plan) = self.planned(ask).await?;
        Ok(calls.place(&plan).await?.into())
    }

    /// Hangs up or cancels a call the gateway is placing.
    pub async fn hang_up_call(&self, call_id: String) -> Result<(), SplitlineError> {
        let calls = self.with(|c| c.calls())?;
        calls.hang_up(&call_id).await.map_err(gateway_error)
    }

    /// Starts proving `number` (E.164) is the user's mobile: the gateway
    /// rings it once from a caller id that ends in the code.
    pub async fn verify_mobile_number(
        &self,
        number: String,
    ) -> Result<VerificationInfo, SplitlineError> {
        let calls = self.with(|c| c.calls())?;
        Ok(calls
            .verify_number(&number)
            .await
            .map_err(gateway_error)?
            .into())
    }

    /// Confirms the flash call's code; returns the verified number.
    pub async fn confirm_mobile_number(
        &self,
        code: String,
    ) -> Result<Option<String>, SplitlineError> {
        let calls = self.with(|c| c.calls())?;
        Ok(calls
            .confirm_number(&code)
            .await
            .map_err(gateway_error)?
            .verified)
    }

    /// A page of contacts, by name.
    pub fn contacts(&self, offset: u32, limit: u32) -> Result<Vec<ContactInfo>, SplitlineError> {
        self.with(|c| c.contacts(offset, limit))
            .map(|v| v.into_iter().map(ContactInfo::from).collect())
    }

    /// A page of chats, most recent first.
    pub fn chats(&self, offset: u32, limit: u32) -> Result<Vec<ChatInfo>, SplitlineError> {
        self.with(|c| c.chats(offset, limit))
            .map(|v| v.into_iter().map(ChatInfo::from).collect())
    }

    /// A page of a chat's messages before message id `before`, oldest first.
    pub fn messages(
        &self,
        peer: String,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<MessageInfo>, SplitlineError> {
        self.with(|c| c.messages(&peer, before, limit))
            .map(|v| v.into_iter().map(MessageInfo::from).collect())
    }

    /// Calls `listener` on every change until the handle is dropped or cancelled.
    pub fn subscribe(
        &self,
        listener: Arc<dyn ChangeListener>,
    ) -> Result<Arc<TaskHandle>, SplitlineError> {
        let mut updates = self.with(|c| Ok(c.subscribe()))?;
        let task = runtime()?.spawn(async move {
            loop {
                match updates.recv().await {
                    Ok(update) => listener.on_change(ChangeInfo::from(update)),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        listener.on_change(ChangeInfo::reload())
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        });
        Ok(Arc::new(TaskHandle(task)))
    }

    /// Stops syncing; the store stays for the next start.
    pub async fn stop(&self) -> Result<(), SplitlineError> {
        let client = self.inner.lock().unwrap_or_else(|e| e.into_inner()).take();
        match client {
            Some(client) => Ok(client.stop().await?),
            None => Ok(()),
        }
    }
}
