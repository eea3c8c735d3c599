//! Listener delivery off the runtime: each subscription has its own thread,
//! fed by a channel from a small task on the runtime. The task only forwards
//! (it never waits on the listener), so a slow Kotlin listener delays only
//! its own deliveries, never sync; and the listener never runs on a runtime
//! worker thread.

use std::{
    panic::{AssertUnwindSafe, catch_unwind},
    sync::mpsc,
};

use splitline_core::{Status, sync::SyncUpdate};
use tokio::sync::{
    broadcast::{self, error::RecvError},
    watch,
};

use crate::{SplitlineError, runtime};

/// The name of every listener thread.
pub(crate) const LISTENER_THREAD: &str = "splitline-listener";

/// What a listener's thread is told.
pub(crate) enum Signal {
    /// Deliver the first report (the rows so far).
    Start,
    /// Something happened.
    Update(SyncUpdate),
    /// Some updates were missed, or the status moved: look again.
    Lagged,
    /// Grow the view by this many rows.
    LoadMore(u32),
    /// The subscription was cancelled.
    Stop,
}

/// A subscription; cancelled when dropped or on `cancel()`.
#[derive(uniffi::Object)]
pub struct Subscription {
    forward: tokio::task::JoinHandle<()>,
    signals: mpsc::Sender<Signal>,
}

#[uniffi::export]
impl Subscription {
    /// Stops the listener: no call reaches it after the one running now.
    pub fn cancel(&self) {
        self.forward.abort();
        let _ = self.signals.send(Signal::Stop);
    }
}

impl Subscription {
    /// A sender to the listener's thread, for requests such as loading more.
    pub(crate) fn signals(&self) -> mpsc::Sender<Signal> {
        self.signals.clone()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Starts a listener's thread, which calls `handle` with each batch of
/// signals that arrived while it was busy (in order; `Start` first), and the
/// task that feeds it `updates`.
pub(crate) fn subscribe(
    mut updates: broadcast::Receiver<SyncUpdate>,
    handle: impl FnMut(Vec<Signal>) + Send + 'static,
) -> Result<Subscription, SplitlineError> {
    let signals = listener_thread(handle)?;
    let feed = signals.clone();
    let forward = runtime()?.spawn(async move {
        loop {
            let signal = match updates.recv().await {
                Ok(update) => Signal::Update(update),
                Err(RecvError::Lagged(_)) => Signal::Lagged,
                Err(RecvError::Closed) => break,
            };
            if feed.send(signal).is_err() {
                break;
            }
        }
    });
    Ok(Subscription { forward, signals })
}

/// Starts a listener's thread as [`subscribe`] does, told to look again
/// (`Lagged`) at each change of `status`.
pub(crate) fn watch_status(
    mut status: watch::Receiver<Status>,
    handle: impl FnMut(Vec<Signal>) + Send + 'static,
) -> Result<Subscription, SplitlineError> {
    let signals = listener_thread(handle)?;
    let feed = signals.clone();
    let forward = runtime()?.spawn(async move {
        while status.changed().await.is_ok() {
            if feed.send(Signal::Lagged).is_err() {
                break;
            }
        }
    });
    Ok(Subscription { forward, signals })
}

/// The listener's own thread: it calls `handle` with each batch of signals
/// sent to the returned sender, until `Stop`.
fn listener_thread(
    mut handle: impl FnMut(Vec<Signal>) + Send + 'static,
) -> Result<mpsc::Sender<Signal>, SplitlineError> {
    let (signals, inbox) = mpsc::channel();
    let _ = signals.send(Signal::Start);
    std::thread::Builder::new()
        .name(LISTENER_THREAD.into())
        .spawn(move || {
            while let Ok(first) = inbox.recv() {
                let mut batch = vec![first];
                batch.extend(inbox.try_iter());
                if batch.iter().any(|s| matches!(s, Signal::Stop)) {
                    return;
                }
                // A listener that throws (or a bug here) ends this
                // delivery, not the thread, and never unwinds into Kotlin.
                if catch_unwind(AssertUnwindSafe(|| handle(batch))).is_err() {
                    tracing::error!("a listener panicked; its next change is still delivered");
                }
            }
        })
        .map_err(|e| SplitlineError::internal(format!("cannot start a listener thread: {e}")))?;
    Ok(signals)
}
