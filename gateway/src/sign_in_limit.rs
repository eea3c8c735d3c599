//! Throttles password guessing through the gateway: after too many refused
//! sign-ins for one account within a window, further attempts for that account
//! are refused with `429 rate_limited` until the window passes. Other accounts
//! are unaffected. (Per-address limits would punish everyone behind a
//! carrier's shared NAT, so the account is the key.)

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// Per-account counter of refused sign-ins.
#[derive(Debug)]
pub struct SignInLimit {
    max_failures: u32,
    window: Duration,
    accounts: Mutex<HashMap<String, Window>>,
}

impl SignInLimit {
    /// At most `max_failures` refused sign-ins per account within `window`.
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window,
            accounts: Mutex::new(HashMap::new()),
        }
    }

    fn accounts(&self) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        self.accounts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `Err(seconds to wait)` while `account` is locked out.
    pub fn check(&self, account: &str, now: Instant) -> Result<(), u64> {
        let mut accounts = self.accounts();
        let Some(window) = accounts.get(account).copied() else {
            return Ok(());
        };
        let elapsed = now.saturating_duration_since(window.started);
        if elapsed >= self.window {
            accounts.remove(account);
            return Ok(());
        }
        if window.failures >= self.max_failures {
            return Err((self.window - elapsed).as_secs().max(1));
        }
        Ok(())
    }

    /// Counts a refused sign-in; old windows are forgotten as they pass.
    pub fn record_failure(&self, account: &str, now: Instant) {
        let mut accounts = self.accounts();
        let window_len = self.window;
        accounts.retain(|_, w| now.saturating_duration_since(w.started) < window_len);
        accounts
            .entry(account.to_owned())
            .or_insert(Window {
                started: now,
                failures: 0,
            })
            .failures += 1;
    }

    /// A successful sign-in clears the account's count.
    pub fn record_success(&self, account: &str) {
        self.accounts().remove(account);
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
            assert_eq!(limit.check("a@x", t0), Ok(()));
            limit.record_failure("a@x", t0);
        }
        assert_eq!(limit.check("a@x", t0 + Duration::from_secs(10)), Err(50));
        assert_eq!(
            limit.check("b@x", t0),
            Ok(()),
            "other accounts are unaffected"
        );
        assert_eq!(limit.check("a@x", t0 + Duration::from_secs(60)), Ok(()));
    }

    #[test]
    fn success_clears_the_count() {
        let limit = SignInLimit::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        limit.record_failure("a@x", t0);
        limit.record_success("a@x");
        limit.record_failure("a@x", t0);
        assert_eq!(limit.check("a@x", t0), Ok(()));
    }
}
