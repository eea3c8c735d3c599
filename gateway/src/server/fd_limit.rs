//! The open-file limit. Every protocol connection and every session's XMPP
//! stream holds a file descriptor; with the common soft limit of 1,024 a
//! thousand slow connections would starve everyone. At start the soft limit is
//! raised to the hard limit, and a limit still below what the configured caps
//! may need is logged as a warning (raise `LimitNOFILE` in the systemd unit).

use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};

/// Descriptors needed beyond connections and sessions: listeners, SIP
/// sockets, the call journal, logs.
pub(super) const RESERVE: u64 = 256;

/// The open-file limit after [`raise`]: `None` is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct OpenFiles {
    /// The soft limit before.
    pub(super) before: Option<u64>,
    /// The soft limit now.
    pub(super) now: Option<u64>,
}

impl OpenFiles {
    /// True when the soft limit is below `needed` descriptors.
    pub(super) fn too_low_for(&self, needed: u64) -> bool {
        self.now.is_some_and(|now| now < needed)
    }
}

/// Raises the soft open-file limit to the hard limit (when the hard limit is
/// finite: Linux refuses an unlimited soft limit).
pub(super) fn raise() -> OpenFiles {
    let limit = getrlimit(Resource::Nofile);
    let before = limit.current;
    if let (Some(current), Some(maximum)) = (limit.current, limit.maximum)
        && current < maximum
    {
        let raised = Rlimit {
            current: Some(maximum),
            maximum: Some(maximum),
        };
        if let Err(error) = setrlimit(Resource::Nofile, raised) {
            tracing::warn!(%error, current, maximum, "cannot raise the open-file limit");
        }
    }
    OpenFiles {
        before,
        now: getrlimit(Resource::Nofile).current,
    }
}

/// Raises the limit and says what the operator must know: the raise at info,
/// a limit below `needed` as a warning.
pub(super) fn raise_for(needed: u64) {
    let files = raise();
    if files.before != files.now {
        tracing::info!(before = ?files.before, now = ?files.now, "raised the open-file limit");
    }
    if files.too_low_for(needed) {
        tracing::warn!(
            limit = ?files.now,
            needed,
            "the open-file limit is below what max-connections and max-sessions may need; \
             raise LimitNOFILE (systemd) or ulimit -n"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soft_limit_is_raised_to_the_hard_limit() {
        let files = raise();
        let limit = getrlimit(Resource::Nofile);
        assert_eq!(files.now, limit.current);
        if limit.maximum.is_some() {
            assert_eq!(
                limit.current, limit.maximum,
                "soft limit left below the hard limit"
            );
        }
    }

    #[test]
    fn a_limit_below_the_need_is_too_low() {
        let files = |now| OpenFiles { before: now, now };
        assert!(files(Some(1024)).too_low_for(20_256));
        assert!(!files(Some(65_536)).too_low_for(20_256));
        assert!(!files(None).too_low_for(u64::MAX));
    }
}
