//! Reconnect delays shared by the gateway (towards the XMPP server) and the
//! core (towards the gateway): exponential, capped, with full jitter, so a
//! server restart does not bring every client back in the same second. The
//! first delay is random too, as RFC 6120 §3.3 asks; a server's `Retry-After`
//! is a floor.

#![warn(missing_docs)]

use std::time::Duration;

/// Delays between attempts.
#[derive(Debug)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
    rng: fastrand::Rng,
}

impl Backoff {
    /// Starts at up to `base`, doubling up to `cap`.
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self {
            base,
            cap: cap.max(base),
            attempt: 0,
            rng: fastrand::Rng::new(),
        }
    }

    /// The delay before the next attempt: uniformly random between zero and
    /// the current ceiling, but at least `retry_after`.
    pub fn next_delay(&mut self, retry_after: Option<Duration>) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(1u32 << self.attempt.min(20))
            .min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        ceiling
            .mul_f64(self.rng.f64())
            .max(retry_after.unwrap_or_default())
    }

    /// After a success the next failure starts small again.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_the_cap_and_are_spread() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
        let delays: Vec<Duration> = (0..40).map(|_| backoff.next_delay(None)).collect();
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(5)));
        assert!(delays[..2].iter().all(|d| *d <= Duration::from_millis(200)));
        let late = &delays[20..];
        assert!(
            late.iter().any(|d| *d > Duration::from_secs(1)),
            "later delays reach toward the cap"
        );
        let distinct: std::collections::BTreeSet<_> = late.iter().collect();
        assert!(distinct.len() > 10, "full jitter spreads the delays");
    }

    #[test]
    fn retry_after_is_a_floor_and_reset_starts_over() {
        let mut backoff = Backoff::new(Duration::from_millis(10), Duration::from_millis(20));
        assert!(backoff.next_delay(Some(Duration::from_secs(3))) >= Duration::from_secs(3));
        for _ in 0..10 {
            backoff.next_delay(None);
        }
        backoff.reset();
        assert!(backoff.next_delay(None) <= Duration::from_millis(10));
    }
}
