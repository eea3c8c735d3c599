//! Counters exported in the Prometheus text format.

use std::{
    fmt::Write,
    sync::atomic::{AtomicI64, AtomicU64, Ordering},
};

/// The gateway's counters. Cheap to update from any task.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    /// Sessions open now.
    pub sessions_active: AtomicI64,
    /// Sessions opened since start.
    pub sessions_started: AtomicU64,
    /// Sign-ins the network refused.
    pub sign_in_failures: AtomicU64,
    /// Protocol requests served.
    pub requests: AtomicU64,
    /// Requests answered with an error.
    pub request_errors: AtomicU64,
    /// Events put on sessions' streams.
    pub events: AtomicU64,
    /// Messages sent to the network.
    pub messages_sent: AtomicU64,
    /// Protocol connections open now.
    pub http_connections_open: AtomicI64,
    /// Protocol connections closed at once because the cap was reached.
    pub http_connections_refused: AtomicU64,
    /// Protocol connections closed because a request head or TLS handshake
    /// did not arrive in time.
    pub http_header_timeouts: AtomicU64,
    /// Strangers' messages refused past their limits.
    pub stranger_messages_refused: AtomicU64,
    /// INVITEs refused because they came from no allowed SIP source.
    pub sip_refused_source: AtomicU64,
    /// Forwarded incoming calls refused by the per-user limit.
    pub sip_incoming_rate_limited: AtomicU64,
    /// INVITEs refused for wrong digest credentials.
    pub sip_refused_auth: AtomicU64,
    /// Pushes a push service took.
    pub pushes_sent: AtomicU64,
    /// Pushes that failed (to be retried, or dropped).
    pub pushes_failed: AtomicU64,
    /// Push registrations removed because the subscription was gone.
    pub push_registrations_gone: AtomicU64,
}

impl Metrics {
    /// Adds one to a counter.
    pub(crate) fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counters in the Prometheus text exposition format.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        let gauge = [
            (
                "splitline_sessions_active",
                "Sessions open now.",
                self.sessions_active.load(Ordering::Relaxed),
            ),
            (
                "splitline_http_connections_open",
                "Protocol connections open now.",
                self.http_connections_open.load(Ordering::Relaxed),
            ),
        ];
        for (name, help, value) in gauge {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        let counters = [
            (
                "splitline_sessions_started_total",
                "Sessions opened.",
                &self.sessions_started,
            ),
            (
                "splitline_sign_in_failures_total",
                "Sign-ins refused by the network.",
                &self.sign_in_failures,
            ),
            (
                "splitline_requests_total",
                "Protocol requests served.",
                &self.requests,
            ),
            (
                "splitline_request_errors_total",
                "Requests answered with an error.",
                &self.request_errors,
            ),
            (
                "splitline_events_total",
                "Events put on session streams.",
                &self.events,
            ),
            (
                "splitline_messages_sent_total",
                "Messages sent to the network.",
                &self.messages_sent,
            ),
            (
                "splitline_http_connections_refused_total",
                "Protocol connections refused at the connection cap.",
                &self.http_connections_refused,
            ),
            (
                "splitline_http_header_timeouts_total",
                "Protocol connections closed for a late request head or TLS handshake.",
                &self.http_header_timeouts,
            ),
            (
                "splitline_stranger_messages_refused_total",
                "Messages from non-contacts refused past the stranger limits.",
                &self.stranger_messages_refused,
            ),
            (
                "splitline_sip_refused_source_total",
                "INVITEs refused: not from an allowed SIP source.",
                &self.sip_refused_source,
            ),
            (
                "splitline_sip_incoming_rate_limited_total",
                "Forwarded incoming calls refused by the per-user limit.",
                &self.sip_incoming_rate_limited,
            ),
            (
                "splitline_sip_refused_auth_total",
                "INVITEs refused for wrong digest credentials.",
                &self.sip_refused_auth,
            ),
            (
                "splitline_pushes_sent_total",
                "Pushes a push service took.",
                &self.pushes_sent,
            ),
            (
                "splitline_pushes_failed_total",
                "Pushes that failed (retried later, or dropped).",
                &self.pushes_failed,
            ),
            (
                "splitline_push_registrations_gone_total",
                "Push registrations removed because the subscription was gone.",
                &self.push_registrations_gone,
            ),
        ];
        for (name, help, value) in counters {
            let value = value.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_counter_with_help_and_type() {
        let metrics = Metrics::default();
        Metrics::inc(&metrics.requests);
        Metrics::inc(&metrics.requests);
        let text = metrics.render();
        assert!(
            text.contains("# TYPE splitline_requests_total counter\nsplitline_requests_total 2\n")
        );
        assert!(text.contains("splitline_sessions_active 0\n"));
        assert!(text.contains("splitline_http_connections_open 0\n"));
        assert!(text.contains("splitline_http_connections_refused_total 0\n"));
        assert_eq!(text.matches("# HELP").count(), 17);
    }
}
