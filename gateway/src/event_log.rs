//! A session's ordered event stream, read by cursor.
//!
//! A cursor is `<epoch>-<seq>`: the session's random epoch and the last event
//! the client has. Reading with a cursor acknowledges every event up to it, and
//! the log forgets them. When the client falls so far behind that the buffer is
//! full (by count or by size), the oldest events are dropped and recorded as lost, so a cursor from
//! before them gets [`CursorError::Expired`] and the client resyncs: events are
//! never dropped silently. So does a cursor from before events already
//! acknowledged by a later one: resuming there would skip them.
//!
//! Strangers' messages (from people who are not the user's contacts) go in
//! only within their [`StrangerQuota`]; one that does not fit is refused at
//! the door, so it never pushes the user's own events out.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, OnceLock},
    time::{Duration, Instant},
};

use splitline_protocol::{Event, EventEnvelope};
use tokio::sync::Notify;

use crate::stranger_quota::{Refusal, StrangerLimits, StrangerQuota};

/// Most events one read returns.
pub(crate) const MAX_BATCH: usize = 500;

/// A cursor that cannot be read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CursorError {
    /// Not a cursor of this session, or from the future.
    #[error("the cursor does not belong to this session; resync from a snapshot")]
    Unknown,
    /// Events after the cursor are no longer held: dropped unread, or
    /// acknowledged by a later cursor.
    #[error(
        "events after this cursor are no longer held (not collected in time, or acknowledged by a later cursor); resync from a snapshot"
    )]
    Expired,
}

/// Rough memory cost of an event: its texts plus a fixed overhead.
fn approx_bytes(event: &Event) -> usize {
    const OVERHEAD: usize = 256;
    OVERHEAD
        + match event {
            Event::MessageReceived { message } | Event::MessageSentElsewhere { message } => {
                message.body.len() + message.from.len() + message.to.len()
            }
            Event::ContactAdded { contact } | Event::ContactChanged { contact } => {
                contact.jid.len()
                    + contact.name.as_ref().map_or(0, String::len)
                    + contact.presence.status.as_ref().map_or(0, String::len)
            }
            Event::PresenceChanged { jid, presence } => {
                jid.len() + presence.status.as_ref().map_or(0, String::len)
            }
            Event::ContactRemoved { jid }
            | Event::SubscriptionRequested { from: jid }
            | Event::RoomLeft { room: jid, .. } => jid.len(),
            Event::RoomJoined { room } | Event::RoomChanged { room } => {
                room.jid.len() + room.name.len()
            }
            Event::OwnPresenceChanged { status, .. } => status.as_ref().map_or(0, String::len),
            Event::Displayed {
                peer, network_id, ..
            } => peer.len() + network_id.len(),
            Event::CallChanged { call_id, .. } => call_id.len(),
            Event::CallIncoming {
                call_id,
                caller,
                caller_name,
                callback_from,
                ..
            } => {
                call_id.len()
                    + caller.len()
                    + caller_name.as_ref().map_or(0, String::len)
                    + callback_from.len()
            }
            Event::MobileNumberVerified { number } => number.len(),
            Event::SessionEnded { .. } => 0,
        }
}

/// An unacknowledged event, its [`approx_bytes`], and the stranger who sent
/// it, if one did.
#[derive(Debug)]
struct Held {
    envelope: EventEnvelope,
    size: usize,
    stranger: Option<String>,
}

#[derive(Debug)]
struct Inner {
    events: VecDeque<Held>,
    /// Sum of the events' [`approx_bytes`].
    bytes: usize,
    /// Seq of the newest event (0 before the first).
    last_seq: u64,
    /// Events up to this seq were forgotten: dropped unread or acknowledged.
    forgotten_through: u64,
    strangers: StrangerQuota,
}

impl Inner {
    /// Forgets the oldest event (read or dropped); returns its seq.
    fn forget_oldest(&mut self) -> Option<u64> {
        let held = self.events.pop_front()?;
        self.bytes -= held.size;
        self.forgotten_through = held.envelope.seq;
        if let Some(sender) = &held.stranger {
            self.strangers.release(sender, held.size);
        }
        Some(held.envelope.seq)
    }
}

/// Told what happens to a log (push wake-ups watch it so).
pub(crate) trait LogObserver: Send + Sync + std::fmt::Debug {
    /// An event was appended.
    fn pushed(&self, event: &Event);
    /// The phone read the log.
    fn read(&self);
}

/// The event log of one session.
#[derive(Debug)]
pub(crate) struct EventLog {
    epoch: String,
    capacity: usize,
    max_bytes: usize,
    inner: Mutex<Inner>,
    notify: Notify,
    observer: OnceLock<Arc<dyn LogObserver>>,
}

impl EventLog {
    /// An empty log holding at most `capacity` unacknowledged events of at
    /// most `max_bytes` in all (roughly).
    pub(crate) fn new(epoch: String, capacity: usize, max_bytes: usize) -> Self {
        Self {
            epoch,
            capacity: capacity.max(1),
            max_bytes,
            inner: Mutex::new(Inner {
                events: VecDeque::new(),
                bytes: 0,
                last_seq: 0,
                forgotten_through: 0,
                strangers: StrangerQuota::new(StrangerLimits::UNLIMITED),
            }),
            notify: Notify::new(),
            observer: OnceLock::new(),
        }
    }

    /// Tells `observer` of every event appended and every read from now on
    /// (one observer per log; a second is ignored).
    pub(crate) fn observe(&self, observer: Arc<dyn LogObserver>) {
        let _ = self.observer.set(observer);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A poisoned lock only means another thread panicked mid-push; the
        // queue itself is still consistent.
        crate::util::lock(&self.inner)
    }

    /// The same log with strangers' messages held to `limits`.
    pub(crate) fn with_strangers(self, limits: StrangerLimits) -> Self {
        self.lock().strangers = StrangerQuota::new(limits);
        self
    }

    /// Appends an event and wakes waiting readers. Returns its seq.
    pub(crate) fn push(&self, event: Event) -> u64 {
        if let Some(observer) = self.observer.get() {
            observer.pushed(&event);
        }
        let size = approx_bytes(&event);
        let seq = self.append(&mut self.lock(), event, size, None);
        self.notify.notify_waiters();
        seq
    }

    /// Appends an event that `sender`, a stranger, caused, if it fits in the
    /// strangers' quota; otherwise says why not and appends nothing.
    pub(crate) fn push_from_stranger(&self, event: Event, sender: &str) -> Result<u64, Refusal> {
        let size = approx_bytes(&event);
        let seq = {
            let mut inner = self.lock();
            inner.strangers.admit(sender, size, Instant::now())?;
            if let Some(observer) = self.observer.get() {
                observer.pushed(&event);
            }
            self.append(&mut inner, event, size, Some(sender.to_owned()))
        };
        self.notify.notify_waiters();
        Ok(seq)
    }

    /// Approximate bytes of strangers' events held unread now (for tests).
    #[cfg(test)]
    pub(crate) fn stranger_bytes(&self) -> usize {
        self.lock().strangers.held_total()
    }

    fn append(
        &self,
        inner: &mut Inner,
        event: Event,
        size: usize,
        stranger: Option<String>,
    ) -> u64 {
        inner.last_seq += 1;
        let seq = inner.last_seq;
        while inner.events.len() >= self.capacity
            || (inner.bytes + size > self.max_bytes && !inner.events.is_empty())
        {
            if inner.forget_oldest().is_none() {
                break;
            }
        }
        inner.bytes += size;
        inner.events.push_back(Held {
            envelope: EventEnvelope { seq, event },
            size,
            stranger,
        });
        seq
    }

    /// The cursor before the first event: a new session's stream starts here.
    pub(crate) fn start_cursor(&self) -> String {
        self.cursor(0)
    }

    /// The cursor that points after the newest event.
    pub(crate) fn head_cursor(&self) -> String {
        self.cursor(self.lock().last_seq)
    }

    fn cursor(&self, seq: u64) -> String {
        format!("{}-{seq}", self.epoch)
    }

    fn parse(&self, cursor: &str) -> Result<u64, CursorError> {
        let (epoch, seq) = cursor.rsplit_once('-').ok_or(CursorError::Unknown)?;
        if epoch != self.epoch {
            return Err(CursorError::Unknown);
        }
        seq.parse().map_err(|_| CursorError::Unknown)
    }

    /// The events after `cursor` (at most [`MAX_BATCH`]) and the next cursor;
    /// forgets the events up to `cursor`.
    pub(crate) fn read(&self, cursor: &str) -> Result<(Vec<EventEnvelope>, String), CursorError> {
        let seq = self.parse(cursor)?;
        let mut inner = self.lock();
        if seq > inner.last_seq {
            return Err(CursorError::Unknown);
        }
        // Resuming before forgotten events would skip them.
        if seq < inner.forgotten_through {
            return Err(CursorError::Expired);
        }
        while inner.events.front().is_some_and(|h| h.envelope.seq <= seq) {
            inner.forget_oldest();
        }
        let batch: Vec<EventEnvelope> = inner
            .events
            .iter()
            .take(MAX_BATCH)
            .map(|h| h.envelope.clone())
            .collect();
        let next = batch.last().map_or(seq, |e| e.seq);
        drop(inner);
        if let Some(observer) = self.observer.get() {
            observer.read();
        }
        Ok((batch, self.cursor(next)))
    }

    /// Like [`Self::read`], but waits up to `wait` for an event when there is none.
    pub(crate) async fn wait(
        &self,
        cursor: &str,
        wait: Duration,
    ) -> Result<(Vec<EventEnvelope>, String), CursorError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let (events, next) = self.read(cursor)?;
            if !events.is_empty() {
                return Ok((events, next));
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Ok((events, next));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use splitline_protocol::SessionEndReason;

    use super::*;

    fn ended() -> Event {
        Event::SessionEnded {
            reason: SessionEndReason::SignedOff,
        }
    }

    fn removed(n: u32) -> Event {
        Event::ContactRemoved {
            jid: format!("c{n}@localhost"),
        }
    }

    #[test]
    fn reads_in_order_and_forgets_acknowledged_events() {
        let log = EventLog::new("e".into(), 100, usize::MAX);
        let start = log.head_cursor();
        for n in 0..3 {
            log.push(removed(n));
        }
        let (events, next) = log.read(&start).unwrap();
        assert_eq!(
            events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert_eq!(next, "e-3");
        // Re-reading the same cursor returns the same events: nothing lost on a failed poll.
        assert_eq!(log.read(&start).unwrap().0.len(), 3);
        let (events, again) = log.read(&next).unwrap();
        assert!(events.is_empty());
        assert_eq!(again, "e-3");
        // Once acknowledged, the old cursor would skip them: it has expired.
        log.push(removed(4));
        assert_eq!(log.read("e-0"), Err(CursorError::Expired));
        assert_eq!(log.read(&next).unwrap().0.len(), 1);
    }

    /// Found by the property in `properties.rs` (minimised): resuming from a
    /// cursor older than an acknowledged one returned the newer events as if
    /// none came between.
    #[test]
    fn resuming_before_acknowledged_events_is_expired_not_a_gap() {
        let log = EventLog::new("ep".into(), 1, 3000);
        log.push(removed(1));
        let (_, next) = log.read("ep-0").unwrap();
        log.read(&next).unwrap();
        log.push(removed(2));
        assert_eq!(log.read("ep-0"), Err(CursorError::Expired));
        let (events, _) = log.read(&next).unwrap();
        assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn the_start_cursor_sees_events_pushed_before_it_was_handed_out() {
        let log = EventLog::new("e".into(), 10, usize::MAX);
        log.push(removed(1));
        log.push(removed(2));
        let (events, _) = log.read(&log.start_cursor()).unwrap();
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn foreign_and_future_cursors_are_unknown() {
        let log = EventLog::new("mine".into(), 10, usize::MAX);
        log.push(ended());
        assert_eq!(log.read("theirs-0"), Err(CursorError::Unknown));
        assert_eq!(log.read("mine-2"), Err(CursorError::Unknown));
        assert_eq!(log.read("garbage"), Err(CursorError::Unknown));
        assert_eq!(log.read("mine-x"), Err(CursorError::Unknown));
    }

    #[test]
    fn overflow_expires_old_cursors_instead_of_dropping_silently() {
        let log = EventLog::new("e".into(), 4, usize::MAX);
        for n in 0..6 {
            log.push(removed(n));
        }
        assert_eq!(log.read("e-0"), Err(CursorError::Expired));
        assert_eq!(log.read("e-1"), Err(CursorError::Expired));
        let (events, _) = log.read("e-2").unwrap();
        assert_eq!(
            events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![3, 4, 5, 6]
        );
    }

    #[test]
    fn a_flood_of_large_messages_is_bounded_by_size_and_expires_old_cursors() {
        let log = EventLog::new("e".into(), 1_000, 10_000);
        for n in 0..10 {
            log.push(Event::MessageReceived {
                message: splitline_protocol::ChatMessage {
                    archive_id: None,
                    network_id: None,
                    room: None,
                    from: "eve@localhost".into(),
                    to: "alice@localhost".into(),
                    body: "x".repeat(3_000),
                    timestamp_ms: n,
                    from_stranger: false,
                },
            });
        }
        assert_eq!(log.read("e-0"), Err(CursorError::Expired));
        let (kept, _) = log.read("e-7").unwrap();
        assert_eq!(kept.len(), 3, "only about 10,000 bytes of events are kept");
    }

    fn stranger_message(from: &str, bytes: usize) -> Event {
        Event::MessageReceived {
            message: splitline_protocol::ChatMessage {
                archive_id: None,
                network_id: None,
                room: None,
                from: from.into(),
                to: "alice@localhost".into(),
                body: "x".repeat(bytes),
                timestamp_ms: 0,
                from_stranger: true,
            },
        }
    }

    #[test]
    fn strangers_fill_only_their_share_and_never_push_out_the_users_events() {
        let limits = StrangerLimits {
            messages_per_minute: 1_000,
            sender_bytes: 25_000,
            share_bytes: 50_000,
        };
        let log = EventLog::new("e".into(), 1_000, 100_000).with_strangers(limits);
        log.push(removed(0));
        let mut refused = Vec::new();
        for n in 0..10 {
            if let Err(why) = log.push_from_stranger(stranger_message("eve@x", 10_000), "eve@x") {
                refused.push((n, why));
            }
        }
        // Two of eve's fit her 25,000 bytes; the rest are refused at the door.
        assert_eq!(refused.len(), 8);
        assert!(refused.iter().all(|(_, why)| *why == Refusal::SenderFull));
        for n in 0..5 {
            let sender = format!("s{n}@x");
            let _ = log.push_from_stranger(stranger_message(&sender, 10_000), &sender);
        }
        assert!(log.stranger_bytes() <= 50_000, "{}", log.stranger_bytes());
        // The user's own event was never dropped for them: the first cursor still reads.
        let (events, next) = log.read("e-0").unwrap();
        assert!(matches!(events[0].event, Event::ContactRemoved { .. }));
        // Once the phone read them, strangers have room again.
        log.read(&next).unwrap();
        assert_eq!(log.stranger_bytes(), 0);
        assert!(
            log.push_from_stranger(stranger_message("eve@x", 10_000), "eve@x")
                .is_ok()
        );
    }

    #[test]
    fn batches_are_bounded() {
        let log = EventLog::new("e".into(), 2 * MAX_BATCH, usize::MAX);
        for n in 0..(MAX_BATCH as u32 + 5) {
            log.push(removed(n));
        }
        let (events, next) = log.read("e-0").unwrap();
        assert_eq!(events.len(), MAX_BATCH);
        assert_eq!(log.read(&next).unwrap().0.len(), 5);
    }

    #[tokio::test]
    async fn a_waiting_reader_wakes_on_push() {
        let log = std::sync::Arc::new(EventLog::new("e".into(), 10, usize::MAX));
        let reader = {
            let log = log.clone();
            tokio::spawn(async move { log.wait("e-0", Duration::from_secs(10)).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        log.push(ended());
        let (events, next) = reader.await.unwrap().unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(next, "e-1");
    }

    #[tokio::test]
    async fn a_wait_with_no_event_returns_empty_at_the_deadline() {
        let log = EventLog::new("e".into(), 10, usize::MAX);
        let (events, next) = log.wait("e-0", Duration::from_millis(20)).await.unwrap();
        assert!(events.is_empty());
        assert_eq!(next, "e-0");
    }
}

#[cfg(test)]
mod properties;
