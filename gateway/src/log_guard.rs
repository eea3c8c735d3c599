//! The gateway's log subscriber and its guard.
//!
//! The network libraries log raw traffic below info: tokio-xmpp (and its
//! `xmlstream::capture` target) every stanza, with message text and the PLAIN
//! credential of a sign-in; ezk-sip every SIP message (mobile numbers,
//! flash-call codes) at trace, and debug spans that carry whole requests. The
//! guard caps those libraries at info *after* the operator's filter: a more
//! specific directive such as `tokio_xmpp::xmlstream::capture=trace` can lower
//! what the operator's filter lets through, never what the guard allows.

use tracing::Subscriber;
use tracing_subscriber::{
    EnvFilter, Layer,
    filter::{FilterExt, LevelFilter, Targets},
    fmt::MakeWriter,
    layer::SubscriberExt,
};

/// The target prefixes whose events below [`GUARDED_LEVEL`] may carry stream
/// or SIP traffic. A prefix covers every module under it (`ezk` covers
/// `ezk_sip_core`, `ezk_sip_ua`, `ezk_sip_types`, ...).
pub const GUARDED_TARGETS: [&str; 3] = ["tokio_xmpp", "xmpp_parsers", "ezk"];

/// The most detail the guarded targets may log.
pub const GUARDED_LEVEL: LevelFilter = LevelFilter::INFO;

/// The guard: guarded targets at most at [`GUARDED_LEVEL`], anything else
/// unrestricted (the operator's filter decides).
fn guard() -> Targets {
    Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_targets(GUARDED_TARGETS.map(|target| (target, GUARDED_LEVEL)))
}

/// The operator's filter: `RUST_LOG` if it is set and parses, else `info`.
pub fn env_filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

/// A formatting subscriber writing to `writer` what both `filter` and the
/// guard let through, for events and spans alike.
pub fn subscriber<W>(filter: EnvFilter, writer: W) -> impl Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_filter(filter.and(guard()));
    tracing_subscriber::registry().with(layer)
}

#[cfg(test)]
mod tests {
    use std::{
        io,
        sync::{Arc, Mutex},
    };

    use super::*;

    /// A writer that keeps what was written, for the assertions.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8_lossy(&crate::util::lock(&self.0)).into_owned()
        }
    }

    impl io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            crate::util::lock(&self.0).extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Captured {
        type Writer = Self;

        fn make_writer(&'w self) -> Self {
            self.clone()
        }
    }

    fn logged_with(filter: &str, emit: impl FnOnce()) -> String {
        let captured = Captured::default();
        let subscriber = subscriber(EnvFilter::new(filter), captured.clone());
        tracing::subscriber::with_default(subscriber, emit);
        captured.text()
    }

    #[test]
    fn a_more_specific_filter_cannot_open_the_guarded_targets() {
        let text = logged_with(
            "info,tokio_xmpp::xmlstream::capture=trace,ezk_sip_core=trace",
            || {
                tracing::trace!(target: "tokio_xmpp::xmlstream::capture", "SEND <auth>AGFsaWNlAHB3</auth>");
                tracing::debug!(target: "tokio_xmpp::xmlstream::capture", "RECV <body>secret text</body>");
                tracing::trace!(target: "ezk_sip_core::endpoint", "INVITE sip:+447700900123@trunk");
                tracing::debug!(target: "ezk_sip_core::transaction", "flash code 4711");
                tracing::debug!(target: "xmpp_parsers::message", "parsed <body>more text</body>");
                tracing::info!(target: "tokio_xmpp::stanzastream", "stream connected");
            },
        );
        for secret in [
            "AGFsaWNlAHB3",
            "secret text",
            "+447700900123",
            "4711",
            "more text",
        ] {
            assert!(!text.contains(secret), "{secret} reached the log: {text}");
        }
        assert!(text.contains("stream connected"), "info still logs: {text}");
    }

    #[test]
    fn spans_of_the_guarded_targets_carry_no_message_into_other_events() {
        let text = logged_with("trace", || {
            let span = tracing::debug_span!(
                target: "ezk_sip_core::endpoint",
                "receive",
                message = "INVITE sip:+447700900123@trunk"
            );
            let _entered = span.enter();
            tracing::info!(target: "splitline_gateway::calls", "call admitted");
        });
        assert!(text.contains("call admitted"), "{text}");
        assert!(!text.contains("+447700900123"), "{text}");
    }

    #[test]
    fn the_operator_filter_still_applies_to_everything_else() {
        let text = logged_with("warn,splitline_gateway=debug", || {
            tracing::debug!(target: "splitline_gateway::http", "gateway detail");
            tracing::info!(target: "hyper::proto", "hyper detail");
            tracing::info!(target: "tokio_xmpp::stanzastream", "xmpp info");
        });
        assert!(text.contains("gateway detail"), "{text}");
        assert!(!text.contains("hyper detail"), "{text}");
        assert!(
            !text.contains("xmpp info"),
            "the guard never widens the filter: {text}"
        );
    }
}
