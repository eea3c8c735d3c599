//! What people who are not the user's contacts ("strangers") may queue for a
//! session: a rate and a share of the unacknowledged buffer per sender, and a
//! share for all strangers together. A phone that is not polling cannot be
//! filled by strangers past those bounds; its contacts keep the rest.

use std::{collections::HashMap, time::Instant};

/// The limits on strangers' messages for one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrangerLimits {
    /// Messages one stranger may send per minute (also the burst).
    pub messages_per_minute: u32,
    /// Approximate bytes of one stranger's messages the session's buffer holds unread.
    pub sender_bytes: usize,
    /// Approximate bytes of all strangers' messages the session's buffer holds unread.
    pub share_bytes: usize,
}

impl StrangerLimits {
    /// No limit beyond the buffer's own.
    pub const UNLIMITED: Self = Self {
        messages_per_minute: u32::MAX,
        sender_bytes: usize::MAX,
        share_bytes: usize::MAX,
    };
}

/// Why a stranger's message was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    /// The sender sent more than its rate.
    #[error("you are sending messages too fast to someone who does not have you as a contact")]
    Rate,
    /// The sender's unread messages fill its share.
    #[error("the recipient has not read your earlier messages yet; try again later")]
    SenderFull,
    /// All strangers' unread messages fill their share.
    #[error("the recipient has too many unread messages from people not in their contacts")]
    ShareFull,
}

/// Most strangers whose rate is tracked at once; a bucket that refilled is
/// forgotten first. Past this, new strangers are refused until some refill.
const MAX_TRACKED: usize = 4_096;

/// A token bucket: `tokens` as of `at`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The bookkeeping of one session's strangers.
#[derive(Debug)]
pub(crate) struct StrangerQuota {
    limits: StrangerLimits,
    /// Unacknowledged bytes per sender.
    held: HashMap<String, usize>,
    /// Their sum.
    held_total: usize,
    buckets: HashMap<String, Bucket>,
}

impl StrangerQuota {
    /// Nothing held yet.
    pub(crate) fn new(limits: StrangerLimits) -> Self {
        Self {
            limits,
            held: HashMap::new(),
            held_total: 0,
            buckets: HashMap::new(),
        }
    }

    /// Takes `size` bytes of `sender`'s message into the buffer, or says why not.
    /// A refused message costs no rate.
    pub(crate) fn admit(&mut self, sender: &str, size: usize, now: Instant) -> Result<(), Refusal> {
        let held = self.held.get(sender).copied().unwrap_or(0);
        if held.saturating_add(size) > self.limits.sender_bytes {
            return Err(Refusal::SenderFull);
        }
        if self.held_total.saturating_add(size) > self.limits.share_bytes {
            return Err(Refusal::ShareFull);
        }
        self.take_token(sender, now)?;
        self.held.insert(sender.to_owned(), held + size);
        self.held_total += size;
        Ok(())
    }

    /// Gives back `size` bytes of `sender`'s once the message left the buffer
    /// (read or dropped).
    pub(crate) fn release(&mut self, sender: &str, size: usize) {
        if let Some(held) = self.held.get_mut(sender) {
            *held = held.saturating_sub(size);
            if *held == 0 {
                self.held.remove(sender);
            }
        }
        self.held_total = self.held_total.saturating_sub(size);
    }

    /// Bytes of strangers' messages held now (for tests).
    #[cfg(test)]
    pub(crate) fn held_total(&self) -> usize {
        self.held_total
    }

    fn take_token(&mut self, sender: &str, now: Instant) -> Result<(), Refusal> {
        let capacity = f64::from(self.limits.messages_per_minute);
        let per_sec = capacity / 60.0;
        let refilled = |b: &Bucket| {
            let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
            (b.tokens + elapsed * per_sec).min(capacity)
        };
        if !self.buckets.contains_key(sender) && self.buckets.len() >= MAX_TRACKED {
            self.buckets.retain(|_, b| refilled(b) < capacity);
            if self.buckets.len() >= MAX_TRACKED {
                return Err(Refusal::Rate);
            }
        }
        let bucket = self.buckets.entry(sender.to_owned()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let tokens = refilled(bucket);
        if tokens < 1.0 {
            return Err(Refusal::Rate);
        }
        *bucket = Bucket {
            tokens: tokens - 1.0,
            at: now,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const KB: usize = 1_000;

    /// How long a stranger who used its whole burst waits for one more message.
    fn one_message_every(limits: &StrangerLimits) -> Duration {
        Duration::from_secs_f64(60.0 / f64::from(limits.messages_per_minute))
    }

    fn limits() -> StrangerLimits {
        StrangerLimits {
            messages_per_minute: 6,
            sender_bytes: 250 * KB,
            share_bytes: 500 * KB,
        }
    }

    #[test]
    fn one_sender_gets_at_most_its_bytes_until_the_phone_reads() {
        let mut quota = StrangerQuota::new(limits());
        let now = Instant::now();
        assert_eq!(quota.admit("eve@x", 100 * KB, now), Ok(()));
        assert_eq!(quota.admit("eve@x", 100 * KB, now), Ok(()));
        assert_eq!(
            quota.admit("eve@x", 100 * KB, now),
            Err(Refusal::SenderFull)
        );
        // The phone read one: room again.
        quota.release("eve@x", 100 * KB);
        assert_eq!(quota.admit("eve@x", 100 * KB, now), Ok(()));
        assert_eq!(quota.held_total(), 200 * KB);
    }

    #[test]
    fn all_strangers_together_get_at_most_their_share() {
        let mut quota = StrangerQuota::new(limits());
        let now = Instant::now();
        for n in 0..5 {
            assert_eq!(quota.admit(&format!("s{n}@x"), 100 * KB, now), Ok(()));
        }
        assert_eq!(quota.admit("s5@x", 100 * KB, now), Err(Refusal::ShareFull));
        assert_eq!(quota.held_total(), 500 * KB);
        for n in 0..5 {
            quota.release(&format!("s{n}@x"), 100 * KB);
        }
        assert_eq!(quota.held_total(), 0);
        assert!(quota.held.is_empty(), "released senders are forgotten");
    }

    #[test]
    fn a_sender_past_its_rate_waits_for_the_bucket_to_refill() {
        let mut quota = StrangerQuota::new(limits());
        let start = Instant::now();
        for _ in 0..6 {
            assert_eq!(quota.admit("eve@x", 10, start), Ok(()));
            quota.release("eve@x", 10);
        }
        assert_eq!(quota.admit("eve@x", 10, start), Err(Refusal::Rate));
        // Another stranger has its own bucket.
        assert_eq!(quota.admit("mallory@x", 10, start), Ok(()));
        let later = start + one_message_every(&limits());
        assert_eq!(quota.admit("eve@x", 10, later), Ok(()));
        assert_eq!(quota.admit("eve@x", 10, later), Err(Refusal::Rate));
    }

    #[test]
    fn tracking_many_strangers_forgets_the_refilled_ones_first() {
        let mut quota = StrangerQuota::new(limits());
        let start = Instant::now();
        for n in 0..MAX_TRACKED {
            let sender = format!("s{n}@x");
            assert_eq!(quota.admit(&sender, 1, start), Ok(()));
            quota.release(&sender, 1);
        }
        assert_eq!(quota.admit("new@x", 1, start), Err(Refusal::Rate));
        let refilled = start + one_message_every(&limits());
        assert_eq!(quota.admit("new@x", 1, refilled), Ok(()));
        assert!(quota.buckets.len() <= MAX_TRACKED);
    }
}
