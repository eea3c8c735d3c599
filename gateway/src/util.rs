//! Small helpers every layer uses: random ids, the wall clock, and locks that
//! survive a panicked holder.

use std::sync::{Mutex, MutexGuard};

use base64::Engine;

/// The operating system's random source failed.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the operating system's random source failed")]
pub(crate) struct NoRandomness;

/// Fills `buf` from the operating system's random source; a failure is logged.
pub(crate) fn random_bytes(buf: &mut [u8]) -> Result<(), NoRandomness> {
    getrandom::fill(buf).map_err(|error| {
        tracing::error!(%error, "the operating system's random source failed");
        NoRandomness
    })
}

/// `bytes` random bytes as URL-safe base64: tokens and ids.
pub(crate) fn random_text(bytes: usize) -> Result<String, NoRandomness> {
    let mut buf = vec![0u8; bytes];
    random_bytes(&mut buf)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

/// Milliseconds since the Unix epoch (0 before it).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Locks `mutex`; a holder that panicked leaves data that is still usable
/// here (every critical section leaves it consistent), so poisoning is ignored.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_texts_differ_and_are_url_safe() {
        let a = random_text(12).unwrap();
        let b = random_text(12).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }
}
