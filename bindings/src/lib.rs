//! The Kotlin app's API over the Splitline core, through uniffi.
//!
//! Thin by design: a small object per screen over one shared core client
//! (`SplitlineClient`, `Contacts`, `Chats`, `Timeline`, `Rooms`, `Calls`,
//! `AddressBook`, `Push`); the FFI's own types converted from the core's; one [`SplitlineError`]
//! with the protocol's codes. Listeners run on their own threads, never on
//! the runtime's ([`dispatch`]). Panics are caught at the boundary by uniffi,
//! and on the listener threads by the dispatcher, never crossing the FFI.

mod address_book;
mod call_types;
mod calls;
mod chats;
mod client;
mod contacts;
mod dispatch;
mod error;
mod logging;
mod push;
mod rooms;
mod timeline;
mod types;
mod views;

use std::sync::OnceLock;

use tokio::runtime::Runtime;

pub use address_book::{
    AddressBook, CallCostInfo, CallerNameInfo, ContactMatchInfo, ImportReportInfo, LookupInfo,
    NativeContactInfo, NativeMatchInfo, NativeNumberInfo, NetworkMatchInfo, UnreadNumberInfo,
};
pub use call_types::{
    CallAsk, CallCallee, CallDevice, CallEnd, CallPhase, CallPlanInfo, CallPreference, CallRoute,
    CallRules, CallUpdateInfo, DataNetwork, IncomingCallInfo, PlacedCallInfo, VerificationInfo,
};
pub use calls::{CallListener, Calls};
pub use chats::{ChatListListener, Chats};
pub use client::{ClientConfig, ClientStatus, SplitlineClient, StatusListener};
pub use contacts::{ContactListListener, Contacts, RequestsListener, RequestsUpdate};
pub use dispatch::Subscription;
pub use error::SplitlineError;
pub use push::{
    ChatNewsInfo, Push, PushPayload, PushRegistrationStatus, PushSettingsInfo,
    PushSubscriptionInfo, RoomPushSetting, SyncSummaryInfo,
};
pub use rooms::Rooms;
pub use timeline::{PageBackEnd, PageBackInfo, Timeline, TimelineListener};
pub use types::{
    Availability, ChatInfo, ContactChange, ContactFailure, ContactInfo, MessageInfo, MessageStatus,
    PresenceInfo, RoomInfo, RoomMemberInfo, RoomRole, TimelineKind,
};
pub use views::{
    ChatListDiff, ChatRowOp, ContactListDiff, ContactRowOp, MessageRowOp, TimelineDiff,
};

uniffi::setup_scaffolding!();

// Links the unwinder into the Android library (the NDK-less build has no
// libunwind; see android/native/README.md).
#[cfg(all(
    target_os = "android",
    any(target_arch = "aarch64", target_arch = "x86_64")
))]
use unwinding as _;

/// The name of the runtime's worker threads (listeners never run there).
const RUNTIME_THREAD: &str = "splitline-runtime";

/// The runtime every client's background work runs on.
fn runtime() -> Result<&'static Runtime, SplitlineError> {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(RUNTIME_THREAD)
        .enable_all()
        .build()
        .map_err(|e| SplitlineError::internal(format!("cannot start the runtime: {e}")))?;
    Ok(RUNTIME.get_or_init(|| runtime))
}

/// A view's subscription: cancelled when dropped or on `cancel()`;
/// `load_more` grows what it shows.
#[derive(uniffi::Object)]
pub struct ViewHandle {
    subscription: dispatch::Subscription,
}

impl ViewHandle {
    fn new(subscription: dispatch::Subscription) -> Self {
        Self { subscription }
    }
}

#[uniffi::export]
impl ViewHandle {
    /// Stops the listener.
    pub fn cancel(&self) {
        self.subscription.cancel();
    }

    /// Shows `rows` more rows: older messages in a timeline (from the
    /// store), further rows of a list; the listener hears them as inserts.
    pub fn load_more(&self, rows: u32) {
        let _ = self
            .subscription
            .signals()
            .send(dispatch::Signal::LoadMore(rows));
    }
}

#[cfg(test)]
mod tests;
