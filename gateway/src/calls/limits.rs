//! Sliding-window counters that cap how often the trunk is dialled: per
//! account and over the whole gateway. Toll fraud is the threat: a stolen
//! session must not be able to run up calls.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::util::lock;

/// At most `max` events per key within `window`.
#[derive(Debug)]
pub(crate) struct WindowLimit {
    max: usize,
    window: Duration,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl WindowLimit {
    /// A limit of `max` per `window`.
    pub(crate) fn new(max: u32, window: Duration) -> Self {
        Self {
            max: usize::try_from(max).unwrap_or(usize::MAX),
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an event for `key` at `now`, or refuses it with the seconds
    /// until the oldest counted event leaves the window.
    pub(crate) fn take(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut seen = lock(&self.seen);
        let window = self.window;
        seen.retain(|_, times| {
            while times
                .front()
                .is_some_and(|t| now.saturating_duration_since(*t) >= window)
            {
                times.pop_front();
            }
            !times.is_empty()
        });
        let times = seen.entry(key.to_owned()).or_default();
        if times.len() >= self.max {
            let oldest = times.front().copied().unwrap_or(now);
            let left = window.saturating_sub(now.saturating_duration_since(oldest));
            return Err(left.as_secs().max(1));
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_past_the_limit_wait_for_the_window_and_keys_are_apart() {
        let limit = WindowLimit::new(2, Duration::from_secs(60));
        let start = Instant::now();
        assert_eq!(limit.take("alice", start), Ok(()));
        assert_eq!(limit.take("alice", start + Duration::from_secs(10)), Ok(()));
        assert_eq!(
            limit.take("alice", start + Duration::from_secs(20)),
            Err(40)
        );
        assert_eq!(limit.take("bob", start + Duration::from_secs(20)), Ok(()));
        assert_eq!(limit.take("alice", start + Duration::from_secs(60)), Ok(()));
        assert_eq!(limit.take("alice", start + Duration::from_secs(61)), Err(9));
    }
}
