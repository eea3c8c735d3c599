//! Small helpers the core's modules share.

use std::sync::{Mutex, MutexGuard};

/// Locks `mutex`, also after a panic elsewhere poisoned it: every holder
/// leaves the data whole, so what is inside is still good.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The time now, ms since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// True for an address shaped like a bare `user@domain` (a contact's or a
/// room's): with a user part and no resource.
pub(crate) fn is_bare_address(address: &str) -> bool {
    address.contains('@') && !address.contains('/')
}
