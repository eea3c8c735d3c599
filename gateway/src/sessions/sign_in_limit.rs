//! Throttles password guessing through the gateway the way mature servers do
//! (OWASP's "device cookie" lockout, Keycloak's brute-force detector): the
//! guesser is throttled, not the account.
//!
//! - **Per account and device** (`sign-in-failures` per window): the device
//!   is the phone's `device_id`. A device that signed in to the account
//!   before is *known*: only its own refusals count against it, so the
//!   owner's phone keeps getting in with the right password while strangers
//!   guess.
//! - **Per account, from new devices** (also `sign-in-failures` per window):
//!   refusals from devices the account has not seen share one count, so
//!   guessing with a fresh `device_id` per guess gains nothing.
//! - **Per source address** (`sign-in-failures-per-address` per window; an
//!   IPv6 address counts by its /64): refusals from new devices, across all
//!   accounts. Set high enough for a carrier's shared NAT.
//! - **Globally** (`sign-in-guesses-per-sec`): refusals from new devices per
//!   second, across all accounts and addresses.
//!
//! Attempts still under way count in the per-device, per-account and
//! per-address windows, so parallel guesses cannot slip past them. Known
//! devices are kept in memory only: after a restart every device is new until
//! it signs in again.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Mutex, MutexGuard},
    time::{Duration, Instant},
};

use crate::util::lock;

/// How long a device that signed in stays known.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
/// The span of the global guess budget.
const SECOND: Duration = Duration::from_secs(1);

/// The limits, from the configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GuessLimits {
    /// Refusals per account and device, and per account from new devices.
    pub(crate) per_device: u32,
    /// Refusals from new devices per source address.
    pub(crate) per_address: u32,
    /// The window of both counts.
    pub(crate) window: Duration,
    /// Refusals from new devices per second, gateway-wide.
    pub(crate) per_second: u32,
}

/// Which limit refused an attempt, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Throttled {
    /// This account from this device.
    Device,
    /// This account from devices it has not seen.
    Account,
    /// This source address.
    Address,
    /// The gateway-wide guess budget.
    Global,
}

/// An attempt refused before it reached the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refused {
    /// Which limit.
    pub(crate) by: Throttled,
    /// Seconds until it may pass.
    pub(crate) retry_after: u64,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
    in_flight: u32,
}

impl Window {
    fn new(now: Instant) -> Self {
        Self {
            started: now,
            failures: 0,
            in_flight: 0,
        }
    }

    fn expired(&self, now: Instant, length: Duration) -> bool {
        self.in_flight == 0 && now.saturating_duration_since(self.started) >= length
    }

    /// `Err(seconds left)` when `max` attempts are used up.
    fn check(&self, now: Instant, length: Duration, max: u32) -> Result<(), u64> {
        if self.expired(now, length) || self.failures + self.in_flight < max {
            return Ok(());
        }
        let left = length.saturating_sub(now.saturating_duration_since(self.started));
        Err(left.as_secs().max(1))
    }
}

/// The keys an attempt counts under.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Keys {
    pair: (String, String),
    address: IpAddr,
    known: bool,
}

#[derive(Debug)]
struct Books {
    pairs: HashMap<(String, String), Window>,
    new_devices: HashMap<String, Window>,
    addresses: HashMap<IpAddr, Window>,
    known: HashMap<(String, String), Instant>,
    /// The current second of the global budget and its refusals.
    global: (Instant, u32),
    pruned: Instant,
}

/// The sign-in throttle.
#[derive(Debug)]
pub(crate) struct SignInLimit {
    limits: GuessLimits,
    books: Mutex<Books>,
}

/// The key of a source address: itself, or an IPv6 address's /64 (a
/// subscriber is given at least a /64).
fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
        },
    }
}

impl SignInLimit {
    /// A throttle with these limits (each at least 1).
    pub(crate) fn new(limits: GuessLimits, now: Instant) -> Self {
        let limits = GuessLimits {
            per_device: limits.per_device.max(1),
            per_address: limits.per_address.max(1),
            per_second: limits.per_second.max(1),
            ..limits
        };
        Self {
            limits,
            books: Mutex::new(Books {
                pairs: HashMap::new(),
                new_devices: HashMap::new(),
                addresses: HashMap::new(),
                known: HashMap::new(),
                global: (now, 0),
                pruned: now,
            }),
        }
    }

    fn books(&self) -> MutexGuard<'_, Books> {
        lock(&self.books)
    }

    /// Starts an attempt for `account` from `device` at `address`, or says
    /// which limit refuses it. Report the result on the returned attempt.
    pub(crate) fn begin(
        &self,
        account: &str,
        device: &str,
        address: IpAddr,
        now: Instant,
    ) -> Result<Attempt<'_>, Refused> {
        let GuessLimits {
            per_device,
            per_address,
            window,
            per_second,
        } = self.limits;
        let mut books = self.books();
        books.prune(now, window);
        let pair = (account.to_owned(), device.to_owned());
        let address = address_key(address);
        let known = books.known.contains_key(&pair);
        let refused = |by| move |retry_after| Refused { by, retry_after };
        let pair_window = *books.pairs.get(&pair).unwrap_or(&Window::new(now));
        pair_window
            .check(now, window, per_device)
            .map_err(refused(Throttled::Device))?;
        if !known {
            if let Some(w) = books.new_devices.get(account) {
                w.check(now, window, per_device)
                    .map_err(refused(Throttled::Account))?;
            }
            if let Some(w) = books.addresses.get(&address) {
                w.check(now, window, per_address)
                    .map_err(refused(Throttled::Address))?;
            }
            if now.saturating_duration_since(books.global.0) >= SECOND {
                books.global = (now, 0);
            }
            if books.global.1 >= per_second {
                return Err(Refused {
                    by: Throttled::Global,
                    retry_after: 1,
                });
            }
        }
        let keys = Keys {
            pair,
            address,
            known,
        };
        books.each_window(&keys, now, window, |w| w.in_flight += 1);
        Ok(Attempt {
            limit: self,
            keys,
            done: false,
        })
    }

    /// Ends an attempt: `verdict` is `Some(true)` when the network refused
    /// the password, `Some(false)` when it took it, `None` without a verdict.
    fn finish(&self, keys: &Keys, verdict: Option<bool>, now: Instant) {
        let mut books = self.books();
        books.each_window(keys, now, self.limits.window, |w| {
            w.in_flight = w.in_flight.saturating_sub(1);
            if verdict == Some(true) {
                w.failures += 1;
            }
        });
        match verdict {
            Some(true) if !keys.known => {
                if now.saturating_duration_since(books.global.0) >= SECOND {
                    books.global = (now, 0);
                }
                books.global.1 += 1;
            }
            Some(false) => {
                if let Some(w) = books.pairs.get_mut(&keys.pair) {
                    w.failures = 0;
                }
                books.known.insert(keys.pair.clone(), now);
            }
            _ => {}
        }
    }
}

impl Books {
    /// Applies `change` to every window `keys` counts under, creating them
    /// or starting them over when expired.
    fn each_window(
        &mut self,
        keys: &Keys,
        now: Instant,
        length: Duration,
        mut change: impl FnMut(&mut Window),
    ) {
        let mut apply = |w: &mut Window| {
            if w.expired(now, length) {
                *w = Window::new(now);
            }
            change(w);
        };
        apply(
            self.pairs
                .entry(keys.pair.clone())
                .or_insert(Window::new(now)),
        );
        if !keys.known {
            apply(
                self.new_devices
                    .entry(keys.pair.0.clone())
                    .or_insert(Window::new(now)),
            );
            apply(
                self.addresses
                    .entry(keys.address)
                    .or_insert(Window::new(now)),
            );
        }
    }

    /// Forgets expired windows and long-unseen devices, at most once a
    /// second (an expired window is also started over where it is used).
    fn prune(&mut self, now: Instant, window: Duration) {
        if now.saturating_duration_since(self.pruned) < SECOND {
            return;
        }
        self.pruned = now;
        self.pairs.retain(|_, w| !w.expired(now, window));
        self.new_devices.retain(|_, w| !w.expired(now, window));
        self.addresses.retain(|_, w| !w.expired(now, window));
        self.known
            .retain(|_, seen| now.saturating_duration_since(*seen) < KNOWN_FOR);
    }
}

/// One sign-in attempt under way. Dropped without a verdict (the request was
/// abandoned, or the network could not be reached), it counts as neither.
#[derive(Debug)]
pub(crate) struct Attempt<'a> {
    limit: &'a SignInLimit,
    keys: Keys,
    done: bool,
}

impl Attempt<'_> {
    /// The network refused the password.
    pub(crate) fn refused(mut self, now: Instant) {
        self.done = true;
        self.limit.finish(&self.keys, Some(true), now);
    }

    /// The password was right: the device is known from now on, and its own
    /// count starts over.
    pub(crate) fn accepted(mut self, now: Instant) {
        self.done = true;
        self.limit.finish(&self.keys, Some(false), now);
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.limit.finish(&self.keys, None, Instant::now());
        }
    }
}

#[cfg(test)]
mod tests;
