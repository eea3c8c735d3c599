//! `SplitlineClient`: the account on this device, and the door to the
//! per-screen objects, all sharing one core client.

use std::sync::Arc;

use splitline_core::{Secret, client::Client, sync::SyncConfig};

use crate::{
    AddressBook, Calls, Chats, Contacts, Push, Rooms, SplitlineError, Subscription,
    SyncSummaryInfo, Timeline, dispatch::watch_status, runtime,
};

/// How to reach the network and where to keep data. It holds no password:
/// that is an argument of [`SplitlineClient::sign_in`].
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
    /// This installation's id.
    pub device_id: String,
    /// The app's build id.
    pub build_id: String,
}

/// Where the connection stands.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ClientStatus {
    /// Signing in or reconnecting.
    Connecting,
    /// Signed in and syncing.
    Online,
    /// Not syncing: not signed in yet, signed off or stopped; with the
    /// reason if syncing failed.
    Stopped {
        /// Why, if it failed.
        reason: Option<String>,
    },
    /// The network refused the password: sign in again with another.
    AuthFailed,
}

impl From<splitline_core::Status> for ClientStatus {
    fn from(status: splitline_core::Status) -> Self {
        use splitline_core::Status;
        match status {
            Status::Connecting => Self::Connecting,
            Status::Online => Self::Online,
            Status::Stopped(reason) => Self::Stopped { reason },
            Status::AuthFailed => Self::AuthFailed,
        }
    }
}

/// Hears where the connection stands; called on the subscription's own
/// thread, never on the runtime's.
#[uniffi::export(with_foreign)]
pub trait StatusListener: Send + Sync {
    /// The connection stands at `status` now: first as it is when the
    /// listener is subscribed, then at each change (quick successive changes
    /// may come as the last of them).
    fn on_status(&self, status: ClientStatus);
}

/// An account on this device. Its store is open from the start, so the
/// screens show what is stored before signing in.
#[derive(uniffi::Object)]
pub struct SplitlineClient {
    inner: Arc<Client>,
}

#[uniffi::export(async_runtime = "tokio")]
impl SplitlineClient {
    /// Opens the store for the account in `config` (no network yet).
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>, SplitlineError> {
        let sync = SyncConfig {
            endpoints: config.gateway_endpoints,
            extra_root_pem: config.extra_root_pem,
            jid: config.jid,
            device_id: config.device_id,
            build_id: config.build_id,
            ..SyncConfig::default()
        };
        let client = Client::open(config.store_path.into(), sync)?;
        Ok(Arc::new(Self {
            inner: Arc::new(client),
        }))
    }

    /// Signs in with `password` and waits until online: throws `AuthFailed`
    /// for a wrong password (call again with another), `Offline` if the
    /// gateway is not reached in `timeout_secs` (syncing goes on trying), and
    /// `Invalid` if already signed in. The password is kept only in memory,
    /// zeroed when the session ends.
    pub async fn sign_in(&self, password: String, timeout_secs: u32) -> Result<(), SplitlineError> {
        {
            let _runtime = runtime()?.enter();
            self.inner.sign_in(Secret::new(password))?;
        }
        let timeout = std::time::Duration::from_secs(timeout_secs.into());
        Ok(self.inner.wait_until_online(timeout).await?)
    }

    /// Ends the session at the gateway (contacts see the user leave) and
    /// stops syncing; the history stays, and `sign_in` may follow.
    pub async fn sign_off(&self) -> Result<(), SplitlineError> {
        Ok(self.inner.sign_off().await?)
    }

    /// Stops syncing, leaving the gateway session to its idle timeout.
    pub async fn stop(&self) -> Result<(), SplitlineError> {
        Ok(self.inner.stop().await?)
    }

    /// What a push or a scheduled job runs: signs in with `password` if
    /// there is no session, fetches what is new (catch-up, outbox, events,
    /// each batch stored once, also beside the running sync) and returns
    /// within `budget_ms` with what came. Throws `AuthFailed` for a refused
    /// password, `Offline` if the gateway was not reached in the budget.
    pub async fn sync_once(
        &self,
        password: String,
        budget_ms: u64,
    ) -> Result<SyncSummaryInfo, SplitlineError> {
        let budget = std::time::Duration::from_millis(budget_ms);
        let client = self.inner.clone();
        // On the core's runtime: the sync spawns its tasks there.
        let summary = runtime()?
            .spawn(async move { client.sync_once(Secret::new(password), budget).await })
            .await
            .map_err(|e| SplitlineError::internal(format!("the sync task failed: {e}")))??;
        Ok(summary.into())
    }

    /// Push registration at the gateway.
    pub fn push(&self) -> Arc<Push> {
        Arc::new(Push::new(self.inner.clone()))
    }

    /// Where the connection stands now.
    pub fn status(&self) -> ClientStatus {
        self.inner.status().into()
    }

    /// Calls `listener` with the status now and at each change (connecting,
    /// online, a refused password, stopped) until the handle is dropped or
    /// cancelled.
    pub fn subscribe_status(
        &self,
        listener: Arc<dyn StatusListener>,
    ) -> Result<Arc<Subscription>, SplitlineError> {
        let status = self.inner.status_receiver();
        let watched = status.clone();
        let mut reported: Option<ClientStatus> = None;
        let subscription = watch_status(watched, move |_signals| {
            let now = ClientStatus::from(status.borrow().clone());
            if reported.as_ref() != Some(&now) {
                listener.on_status(now.clone());
                reported = Some(now);
            }
        })?;
        Ok(Arc::new(subscription))
    }

    /// The contact list.
    pub fn contacts(&self) -> Arc<Contacts> {
        Arc::new(Contacts::new(self.inner.clone()))
    }

    /// The chat list.
    pub fn chats(&self) -> Arc<Chats> {
        Arc::new(Chats::new(self.inner.clone()))
    }

    /// The timeline of the chat with `peer` (a contact's or a room's address).
    pub fn timeline(&self, peer: String) -> Result<Arc<Timeline>, SplitlineError> {
        Ok(Arc::new(Timeline::new(self.inner.clone(), peer)?))
    }

    /// The user's group chats.
    pub fn rooms(&self) -> Arc<Rooms> {
        Arc::new(Rooms::new(self.inner.clone()))
    }

    /// Calls through the gateway.
    pub fn calls(&self) -> Arc<Calls> {
        Arc::new(Calls::new(self.inner.clone()))
    }

    /// The phone's address book beside the contacts' numbers.
    pub fn address_book(&self) -> Arc<AddressBook> {
        Arc::new(AddressBook::new(self.inner.clone()))
    }
}
