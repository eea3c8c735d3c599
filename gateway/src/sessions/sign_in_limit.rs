//! Throttles password guessing through the gateway: after too many refused
//! sign-ins for one account within a window, further attempts for that account
//! are refused with `429 rate_limited` until the window passes. Attempts still
//! under way count too, so parallel guesses cannot slip past. Other accounts
//! are unaffected. (Per-address limits would punish everyone behind a
//! carrier's shared NAT, so the account is the key.)

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::util::lock;

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
    in_flight: u32,
}

/// Per-account counter of refused sign-ins.
#[derive(Debug)]
pub(crate) struct SignInLimit {
    max_failures: u32,
    window: Duration,
    accounts: Mutex<HashMap<String, Window>>,
}

impl SignInLimit {
    /// At most `max_failures` refused sign-ins per account within `window`.
    pub(crate) fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window,
            accounts: Mutex::new(HashMap::new()),
        }
    }

    fn accounts(&self) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        lock(&self.accounts)
    }

    /// Starts an attempt for `account`, or `Err(seconds to wait)` while the
    /// account is locked out. Report the result on the returned attempt.
    pub(crate) fn begin(&self, account: &str, now: Instant) -> Result<Attempt<'_>, u64> {
        let mut accounts = self.accounts();
        let window_len = self.window;
        accounts.retain(|_, w| {
            w.in_flight > 0 || now.saturating_duration_since(w.started) < window_len
        });
        let window = accounts.entry(account.to_owned()).or_insert(Window {
            started: now,
            failures: 0,
            in_flight: 0,
        });
        if window.in_flight == 0 && now.saturating_duration_since(window.started) >= window_len {
            *window = Window {
                started: now,
                failures: 0,
                in_flight: 0,
            };
        }
        if window.failures + window.in_flight >= self.max_failures {
            let left = window_len.saturating_sub(now.saturating_duration_since(window.started));
            return Err(left.as_secs().max(1));
        }
        window.in_flight += 1;
        Ok(Attempt {
            limit: self,
            account: account.to_owned(),
            done: false,
        })
    }

    fn finish(&self, account: &str, failed: bool) {
        let mut accounts = self.accounts();
        if let Some(window) = accounts.get_mut(account) {
            window.in_flight = window.in_flight.saturating_sub(1);
            if failed {
                window.failures += 1;
            } else {
                window.failures = 0;
            }
        }
    }
}

/// One sign-in attempt under way. Dropped without a verdict (the request was
/// abandoned, or the network could not be reached), it counts as neither.
#[derive(Debug)]
pub(crate) struct Attempt<'a> {
    limit: &'a SignInLimit,
    account: String,
    done: bool,
}

impl Attempt<'_> {
    /// The network refused the password.
    pub(crate) fn refused(mut self) {
        self.done = true;
        self.limit.finish(&self.account, true);
    }

    /// The password was right: the count starts over.
    pub(crate) fn accepted(mut self) {
        self.done = true;
        self.limit.finish(&self.account, false);
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.done {
            let mut accounts = self.limit.accounts();
            if let Some(window) = accounts.get_mut(&self.account) {
                window.in_flight = window.in_flight.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_out_after_the_limit_until_the_window_passes() {
        let limit = SignInLimit::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            limit.begin("a@x", t0).unwrap().refused();
        }
        assert_eq!(
            limit.begin("a@x", t0 + Duration::from_secs(10)).err(),
            Some(50)
        );
        assert!(
            limit.begin("b@x", t0).is_ok(),
            "other accounts are unaffected"
        );
        assert!(limit.begin("a@x", t0 + Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn parallel_attempts_count_before_they_finish() {
        let limit = SignInLimit::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        let first = limit.begin("a@x", t0).unwrap();
        let second = limit.begin("a@x", t0).unwrap();
        assert!(
            limit.begin("a@x", t0).is_err(),
            "a third guess in parallel must wait"
        );
        first.refused();
        drop(second);
        assert!(
            limit.begin("a@x", t0).is_ok(),
            "an abandoned attempt frees its place"
        );
    }

    #[test]
    fn success_clears_the_count() {
        let limit = SignInLimit::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        limit.begin("a@x", t0).unwrap().refused();
        limit.begin("a@x", t0).unwrap().accepted();
        limit.begin("a@x", t0).unwrap().refused();
        assert!(limit.begin("a@x", t0).is_ok());
    }
}
