//! Coalescing: at most one push per device per interval, the newest state
//! winning. Events only update a device's counts and mark it due; the sender
//! takes what is due, so a flood of events becomes at most one push per
//! device per interval. A failed push is retried after a backoff with jitter
//! (a push service's `Retry-After` is a floor), carrying the state by then.

use std::{
    collections::{HashMap, VecDeque},
    time::{Duration, Instant},
};

use splitline_backoff::Backoff;
use splitline_protocol::{PushCounts, PushReason, PushWake, PushedMessage};

use super::{
    store::DeviceKey,
    wake::{Urgency, Wake},
};

/// Messages kept for a device that takes text: the newest.
const MAX_TEXT_MESSAGES: usize = 5;
/// The first retry waits up to this; doubling to [`RETRY_CAP`].
const RETRY_BASE: Duration = Duration::from_secs(2);
const RETRY_CAP: Duration = Duration::from_secs(600);

/// A push to make now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Due {
    /// To whom.
    pub(crate) device: DeviceKey,
    /// The plaintext.
    pub(crate) wake: PushWake,
    /// The most urgent of what it covers.
    pub(crate) urgency: Urgency,
    /// The longest TTL of what it covers.
    pub(crate) ttl_secs: u32,
}

/// How a push went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The push service took it.
    Sent,
    /// Try again later, not before `retry_after` if the service said so.
    Retry {
        /// The service's `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// The subscription is gone: forget the device.
    Gone,
    /// Refused for good (a bad request): drop this push.
    Dropped,
}

#[derive(Debug)]
struct Marked {
    reason: PushReason,
    urgency: Urgency,
    ttl_secs: u32,
}

#[derive(Debug)]
struct Device {
    counts: PushCounts,
    messages: VecDeque<PushedMessage>,
    due: Option<Marked>,
    in_flight: Option<Marked>,
    not_before: Option<Instant>,
    backoff: Backoff,
}

impl Device {
    fn new() -> Self {
        Self {
            counts: PushCounts::default(),
            messages: VecDeque::new(),
            due: None,
            in_flight: None,
            not_before: None,
            backoff: Backoff::new(RETRY_BASE, RETRY_CAP),
        }
    }

    fn mark(&mut self, reason: PushReason, urgency: Urgency, ttl_secs: u32) {
        self.due = Some(match self.due.take() {
            Some(old) => Marked {
                reason,
                urgency: old.urgency.max(urgency),
                ttl_secs: old.ttl_secs.max(ttl_secs),
            },
            None => Marked {
                reason,
                urgency,
                ttl_secs,
            },
        });
    }

    fn ready(&self, now: Instant) -> bool {
        self.due.is_some() && self.in_flight.is_none() && self.not_before.is_none_or(|t| t <= now)
    }
}

/// Every device's waiting state.
#[derive(Debug)]
pub(crate) struct Coalescer {
    interval: Duration,
    devices: HashMap<DeviceKey, Device>,
}

impl Coalescer {
    /// At most one push per device per `interval`.
    pub(crate) fn new(interval: Duration) -> Self {
        Self {
            interval,
            devices: HashMap::new(),
        }
    }

    /// Records an event for the device; `text` when it takes message text.
    pub(crate) fn note(&mut self, device: &DeviceKey, wake: Wake, text: bool) {
        let state = self
            .devices
            .entry(device.clone())
            .or_insert_with(Device::new);
        let counts = &mut state.counts;
        let counter = match wake.reason {
            PushReason::Message => Some(&mut counts.messages),
            PushReason::RoomMessage => Some(&mut counts.room_messages),
            PushReason::ContactRequest => Some(&mut counts.contact_requests),
            PushReason::Call | PushReason::SessionEnded => None,
        };
        if let Some(counter) = counter {
            *counter = counter.saturating_add(1);
        }
        if let (true, Some(message)) = (text, wake.message) {
            if state.messages.len() == MAX_TEXT_MESSAGES {
                state.messages.pop_front();
            }
            state.messages.push_back(message);
        }
        state.mark(wake.reason, wake.urgency, wake.ttl_secs);
    }

    /// The phone fetched: the counts start again from zero.
    pub(crate) fn fetched(&mut self, device: &DeviceKey) {
        if let Some(state) = self.devices.get_mut(device) {
            state.counts = PushCounts::default();
            state.messages.clear();
        }
    }

    /// Forgets the device (unregistered, or its subscription is gone).
    pub(crate) fn forget(&mut self, device: &DeviceKey) {
        self.devices.remove(device);
    }

    /// The pushes to make now; each device is then in flight until
    /// [`Self::settle`].
    pub(crate) fn take_due(&mut self, now: Instant) -> Vec<Due> {
        let mut due = Vec::new();
        for (device, state) in &mut self.devices {
            if !state.ready(now) {
                continue;
            }
            let Some(marked) = state.due.take() else {
                continue;
            };
            due.push(Due {
                device: device.clone(),
                wake: PushWake {
                    v: 1,
                    reason: marked.reason,
                    counts: state.counts,
                    messages: state.messages.iter().cloned().collect(),
                },
                urgency: marked.urgency,
                ttl_secs: marked.ttl_secs,
            });
            state.in_flight = Some(marked);
        }
        due
    }

    /// How the device's push went, at `now`.
    pub(crate) fn settle(&mut self, device: &DeviceKey, outcome: Outcome, now: Instant) {
        if outcome == Outcome::Gone {
            self.devices.remove(device);
            return;
        }
        let Some(state) = self.devices.get_mut(device) else {
            return;
        };
        let Some(flown) = state.in_flight.take() else {
            return;
        };
        match outcome {
            Outcome::Retry { retry_after } => {
                state.not_before =
                    Some(now + state.backoff.next_delay(retry_after).max(self.interval));
                // The newest reason stays; the failed push's urgency and TTL
                // still count.
                let reason = state.due.as_ref().map_or(flown.reason, |d| d.reason);
                state.mark(flown.reason, flown.urgency, flown.ttl_secs);
                if let Some(due) = &mut state.due {
                    due.reason = reason;
                }
            }
            Outcome::Sent | Outcome::Dropped | Outcome::Gone => {
                state.backoff.reset();
                state.not_before = Some(now + self.interval);
            }
        }
    }

    /// When the next push may be due, if any is waiting; forgets devices
    /// with nothing waiting and nothing to count.
    pub(crate) fn next_deadline(&mut self, now: Instant) -> Option<Instant> {
        self.devices.retain(|_, state| {
            state.due.is_some()
                || state.in_flight.is_some()
                || state.not_before.is_some_and(|t| t > now)
                || state.counts != PushCounts::default()
        });
        self.devices
            .values()
            .filter(|state| state.due.is_some() && state.in_flight.is_none())
            .map(|state| state.not_before.unwrap_or(now))
            .min()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn alice() -> DeviceKey {
        DeviceKey {
            account: "alice@localhost".to_owned(),
            device: "phone".to_owned(),
        }
    }

    fn wake(reason: PushReason, urgency: Urgency) -> Wake {
        Wake {
            reason,
            urgency,
            ttl_secs: if urgency == Urgency::High { 60 } else { 86_400 },
            message: Some(PushedMessage {
                chat: "bob@localhost".to_owned(),
                from: "bob@localhost".to_owned(),
                body: "hi".to_owned(),
            }),
        }
    }

    #[test]
    fn a_burst_becomes_one_push_now_and_one_after_the_interval_with_the_newest_counts() {
        let interval = Duration::from_secs(5);
        let mut coalescer = Coalescer::new(interval);
        let t0 = Instant::now();
        coalescer.note(&alice(), wake(PushReason::Message, Urgency::Normal), false);
        let first = coalescer.take_due(t0);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].wake.counts.messages, 1);
        assert!(
            first[0].wake.messages.is_empty(),
            "no text for a minimal device"
        );
        for _ in 0..99 {
            coalescer.note(&alice(), wake(PushReason::Message, Urgency::Normal), false);
        }
        assert!(coalescer.take_due(t0).is_empty(), "still in flight");
        coalescer.settle(&alice(), Outcome::Sent, t0);
        assert!(
            coalescer.take_due(t0 + Duration::from_secs(1)).is_empty(),
            "within the interval"
        );
        assert_eq!(coalescer.next_deadline(t0), Some(t0 + interval));
        let second = coalescer.take_due(t0 + interval);
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].wake.counts.messages, 100, "the newest state wins");
        coalescer.settle(&alice(), Outcome::Sent, t0 + interval);
        assert_eq!(coalescer.next_deadline(t0 + interval), None);
    }

    #[test]
    fn the_newest_reason_wins_with_the_highest_urgency_and_fetching_resets_counts() {
        let mut coalescer = Coalescer::new(Duration::from_secs(5));
        let now = Instant::now();
        coalescer.note(&alice(), wake(PushReason::Call, Urgency::High), true);
        coalescer.note(&alice(), wake(PushReason::Message, Urgency::Normal), true);
        let due = coalescer.take_due(now).pop().unwrap();
        assert_eq!(due.wake.reason, PushReason::Message);
        assert_eq!((due.urgency, due.ttl_secs), (Urgency::High, 86_400));
        assert_eq!(
            due.wake.messages.len(),
            2,
            "text for a device that takes it"
        );
        coalescer.settle(&alice(), Outcome::Sent, now);
        coalescer.fetched(&alice());
        coalescer.note(&alice(), wake(PushReason::Message, Urgency::Normal), false);
        let due = coalescer
            .take_due(now + Duration::from_secs(5))
            .pop()
            .unwrap();
        assert_eq!(due.wake.counts.messages, 1);
    }

    #[test]
    fn failures_back_off_or_forget_the_device() {
        let mut coalescer = Coalescer::new(Duration::from_millis(1));
        let now = Instant::now();
        coalescer.note(&alice(), wake(PushReason::Message, Urgency::Normal), false);
        assert_eq!(coalescer.take_due(now).len(), 1);
        let retry_after = Duration::from_secs(30);
        coalescer.settle(
            &alice(),
            Outcome::Retry {
                retry_after: Some(retry_after),
            },
            now,
        );
        assert!(
            coalescer.take_due(now + Duration::from_secs(29)).is_empty(),
            "Retry-After is a floor"
        );
        let deadline = coalescer.next_deadline(now).unwrap();
        assert!(deadline >= now + retry_after);
        let retried = coalescer.take_due(deadline);
        assert_eq!(retried.len(), 1, "the failed push is tried again");
        coalescer.settle(&alice(), Outcome::Gone, deadline);
        coalescer.note(&alice(), wake(PushReason::Message, Urgency::Normal), false);
        assert_eq!(
            coalescer.take_due(deadline)[0].wake.counts.messages,
            1,
            "forgotten: counts anew"
        );
    }
}
