//! Push wake-ups (issue #19): devices' Web Push registrations, kept on disk
//! ([`store`]), their endpoints and keys checked ([`endpoint`], [`keys`]),
//! the events that wake a phone that is not polling ([`wake`]), coalesced
//! per device ([`coalesce`]) and delivered encrypted and VAPID-signed by one
//! sender task ([`deliver`]). A leaf: it knows protocol types, not sessions.
//!
//! Nothing here blocks a session: [`PushHub::note`] updates a device's
//! counts under a short lock and wakes the sender, which makes at most one
//! push per device per interval, each on its own task, at most
//! [`MAX_IN_FLIGHT`] at once.

pub(crate) mod coalesce;
pub(crate) mod deliver;
pub(crate) mod endpoint;
pub(crate) mod keys;
pub(crate) mod store;
pub(crate) mod wake;

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use splitline_protocol::{Event, PushContent, PushRegistration, PushRegistrationInfo, RoomPush};
use tokio::sync::{Notify, Semaphore};

use crate::{
    config::PushConfig,
    jsonl::JsonLinesError,
    metrics::Metrics,
    util::{lock, now_ms},
};
use coalesce::{Coalescer, Due, Outcome};
use deliver::{Deliverer, decide};
use endpoint::{EndpointError, EndpointPolicy};
use keys::{DeviceKeys, KeyError, Vapid, VapidError};
pub(crate) use store::DeviceKey;
use store::{Registrations, Stored};

/// Pushes on their way at once, gateway-wide.
const MAX_IN_FLIGHT: usize = 32;
/// The registrations file in the data directory.
const REGISTRATIONS_FILE: &str = "push-registrations.jsonl";

/// Push could not start.
#[derive(Debug, thiserror::Error)]
pub enum PushStartError {
    /// The data directory cannot be made.
    #[error("push data directory {path}: {source}")]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// The registrations file cannot be used.
    #[error(transparent)]
    Store(#[from] JsonLinesError),
    /// The VAPID key cannot be had.
    #[error(transparent)]
    Vapid(#[from] VapidError),
}

/// A registration that is refused, or could not be kept.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PushError {
    /// The endpoint is refused.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// A key is malformed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] JsonLinesError),
}

/// The gateway's push side: registrations, coalescing and the sender.
#[derive(Debug)]
pub(crate) struct PushHub {
    config: PushConfig,
    policy: EndpointPolicy,
    vapid: Vapid,
    store: Registrations,
    coalescer: Mutex<Coalescer>,
    wakeup: Notify,
    metrics: Arc<Metrics>,
}

impl PushHub {
    /// Opens the registrations and the VAPID key in the data directory.
    pub(crate) fn open(
        config: PushConfig,
        metrics: Arc<Metrics>,
    ) -> Result<Arc<Self>, PushStartError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| PushStartError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        let store = Registrations::open(&config.data_dir.join(REGISTRATIONS_FILE))?;
        let vapid = Vapid::load(
            config.vapid_private_key.as_deref(),
            &config.data_dir,
            config.vapid_subject.clone(),
        )?;
        Ok(Arc::new(Self {
            policy: EndpointPolicy {
                allowed_networks: config.allowed_networks.clone(),
                allow_http_loopback: config.allow_http_loopback,
            },
            coalescer: Mutex::new(Coalescer::new(config.min_interval)),
            config,
            vapid,
            store,
            wakeup: Notify::new(),
            metrics,
        }))
    }

    /// The gateway's VAPID public key, base64url.
    pub(crate) fn vapid_public_key(&self) -> &str {
        self.vapid.public_key()
    }

    /// The idle timeout of a session whose device has a registration.
    pub(crate) fn idle_timeout(&self) -> Duration {
        self.config.idle_timeout
    }

    /// Whether the device has a registration.
    pub(crate) fn is_registered(&self, device: &DeviceKey) -> bool {
        self.store.contains(device)
    }

    /// The device's registration, as reported.
    pub(crate) fn registration(&self, device: &DeviceKey) -> Option<PushRegistrationInfo> {
        self.store.get(device).map(|stored| stored.info())
    }

    /// Checks and keeps (or replaces) the device's registration: the keys,
    /// the endpoint and the addresses its host resolves to now.
    pub(crate) async fn register(
        &self,
        device: &DeviceKey,
        registration: PushRegistration,
    ) -> Result<(), PushError> {
        DeviceKeys::parse(&registration.p256dh, &registration.auth)?;
        let endpoint = self.policy.parse(&registration.endpoint)?;
        self.policy.resolve(&endpoint).await?;
        let origin = endpoint.origin();
        self.store.put(
            device,
            Stored {
                endpoint: registration.endpoint,
                origin: origin.clone(),
                p256dh: registration.p256dh,
                auth: registration.auth,
                content: registration.content,
                at_ms: now_ms(),
            },
        )?;
        lock(&self.coalescer).forget(device);
        tracing::info!(user = %device.account, device = %device.device, %origin, "push registered");
        Ok(())
    }

    /// Removes the device's registration; false when it had none.
    pub(crate) fn unregister(&self, device: &DeviceKey) -> Result<bool, PushError> {
        let removed = self.store.remove(device)?;
        lock(&self.coalescer).forget(device);
        if removed {
            tracing::info!(user = %device.account, device = %device.device, "push unregistered");
        }
        Ok(removed)
    }

    /// Sets which messages of `room` wake the device.
    pub(crate) fn set_room(
        &self,
        device: &DeviceKey,
        room: &str,
        notify: RoomPush,
    ) -> Result<(), PushError> {
        Ok(self.store.set_room(device, room, notify)?)
    }

    /// An event reached the device's session while no long-poll was open:
    /// wakes the phone if the event is one that does (`own` is the user's
    /// bare address). Never blocks.
    pub(crate) fn note(&self, device: &DeviceKey, own: &str, event: &Event) {
        let Some(wake) = wake::classify(event, own, |room| self.store.room(device, room)) else {
            return;
        };
        let Some(stored) = self.store.get(device) else {
            return;
        };
        let text = stored.content == PushContent::Text;
        lock(&self.coalescer).note(device, wake, text);
        self.wakeup.notify_one();
    }

    /// The phone fetched its events: the next push counts from zero.
    pub(crate) fn fetched(&self, device: &DeviceKey) {
        lock(&self.coalescer).fetched(device);
    }

    /// The sender: runs until dropped, making what is due.
    pub(crate) async fn send_forever(self: Arc<Self>) {
        let deliverer = Deliverer::new(self.policy.clone(), self.config.timeout);
        let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
        loop {
            let now = Instant::now();
            let (due, deadline) = {
                let mut coalescer = lock(&self.coalescer);
                let due = coalescer.take_due(now);
                (due, coalescer.next_deadline(now))
            };
            for push in due {
                let Ok(permit) = in_flight.clone().acquire_owned().await else {
                    return;
                };
                let hub = self.clone();
                let deliverer = deliverer.clone();
                tokio::spawn(async move {
                    let outcome = hub.deliver(&deliverer, &push).await;
                    lock(&hub.coalescer).settle(&push.device, outcome, Instant::now());
                    hub.wakeup.notify_one();
                    drop(permit);
                });
            }
            match deadline {
                Some(at) => {
                    let _ = tokio::time::timeout_at(at.into(), self.wakeup.notified()).await;
                }
                None => self.wakeup.notified().await,
            }
        }
    }

    /// One push, and what its outcome does to the registration.
    async fn deliver(&self, deliverer: &Deliverer, push: &Due) -> Outcome {
        let Some(stored) = self.store.get(&push.device) else {
            return Outcome::Gone;
        };
        let now_secs = u64::try_from(now_ms() / 1000).unwrap_or_default();
        let keys = (stored.p256dh.as_str(), stored.auth.as_str());
        let device = &push.device;
        let outcome = match deliverer
            .deliver(push, &stored.endpoint, keys, &self.vapid, now_secs)
            .await
        {
            Ok((status, headers)) => {
                let outcome = decide(status, &headers);
                tracing::debug!(user = %device.account, device = %device.device, origin = %stored.origin, %status, reason = ?push.wake.reason, "push sent");
                if outcome == Outcome::Dropped {
                    tracing::warn!(user = %device.account, origin = %stored.origin, %status, "push refused by the push service");
                }
                outcome
            }
            Err(error) => {
                tracing::warn!(user = %device.account, origin = %stored.origin, %error, "push not delivered");
                error.outcome()
            }
        };
        match outcome {
            Outcome::Sent => Metrics::inc(&self.metrics.pushes_sent),
            _ => Metrics::inc(&self.metrics.pushes_failed),
        }
        if outcome == Outcome::Gone {
            match self.store.remove_if(device, &stored.endpoint) {
                Ok(true) => {
                    Metrics::inc(&self.metrics.push_registrations_gone);
                    tracing::info!(user = %device.account, device = %device.device, origin = %stored.origin, "push registration removed: the subscription is gone");
                }
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "push registration could not be removed"),
            }
        }
        outcome
    }
}
