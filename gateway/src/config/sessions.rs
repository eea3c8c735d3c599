//! The sessions group: how many sessions, how long they live, how many
//! events they buffer, and how sign-ins are limited.

use std::time::Duration;

use clap::Args;
use serde::{Deserialize, Serialize};

use super::{ConfigError, invalid};
use crate::stranger_quota::StrangerLimits;

const IDLE_TIMEOUT_SECS: u64 = 600;
const NETWORK_GRACE_SECS: u64 = 120;
const MAX_SESSIONS: usize = 10_000;
const MAX_SESSIONS_PER_ACCOUNT: usize = 10;
const EVENT_BUFFER: usize = 10_000;
const EVENT_BUFFER_BYTES: usize = 8 * 1024 * 1024;
/// The least `event-buffer-bytes` is raised to.
const MIN_EVENT_BUFFER_BYTES: usize = 64 * 1024;
const STRANGER_MESSAGES_PER_MINUTE: u32 = 60;
const STRANGER_SENDER_BYTES: usize = 256 * 1024;
const STRANGER_SHARE_BYTES: usize = 1024 * 1024;
/// The least `stranger-sender-bytes` may be: one message of the longest text
/// (10,000 characters of up to 4 bytes) with room to spare.
const MIN_STRANGER_SENDER_BYTES: usize = 64 * 1024;
const SIGN_IN_FAILURES: u32 = 5;
const SIGN_IN_FAILURE_WINDOW_SECS: u64 = 300;
const SIGN_IN_FAILURES_PER_ADDRESS: u32 = 30;
const SIGN_IN_GUESSES_PER_SEC: u32 = 20;
const SIGN_IN_REFUSAL_FLOOR_MS: u64 = 250;
/// The longest `sign-in-refusal-floor-ms` allowed.
const MAX_SIGN_IN_REFUSAL_FLOOR_MS: u64 = 5_000;
const SIGN_IN_TIMEOUT_SECS: u64 = 15;

/// Session settings as given (file, environment or flags).
#[derive(Debug, Default, Clone, Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SessionSettings {
    /// Seconds without a request before a session ends, for a device without
    /// a push registration (see push-idle-timeout-secs) [default: 600].
    #[arg(long, env = "SPLITLINE_IDLE_TIMEOUT_SECS")]
    pub idle_timeout_secs: Option<u64>,
    /// Seconds the XMPP connection may stay down before the session ends [default: 120].
    #[arg(long, env = "SPLITLINE_NETWORK_GRACE_SECS")]
    pub network_grace_secs: Option<u64>,
    /// Most sessions at once [default: 10000].
    #[arg(long, env = "SPLITLINE_MAX_SESSIONS")]
    pub max_sessions: Option<usize>,
    /// Most sessions (devices) of one account at once [default: 10].
    #[arg(long, env = "SPLITLINE_MAX_SESSIONS_PER_ACCOUNT")]
    pub max_sessions_per_account: Option<usize>,
    /// Unacknowledged events kept per session before the oldest are dropped and
    /// the client is told to resync [default: 10000].
    #[arg(long, env = "SPLITLINE_EVENT_BUFFER")]
    pub event_buffer: Option<usize>,
    /// Approximate bytes of unacknowledged events kept per session, past which
    /// the oldest are dropped and the client is told to resync [default: 8388608].
    #[arg(long, env = "SPLITLINE_EVENT_BUFFER_BYTES")]
    pub event_buffer_bytes: Option<usize>,
    /// Messages one non-contact may send a session per minute, past which
    /// the sender gets an error [default: 60].
    #[arg(long, env = "SPLITLINE_STRANGER_MESSAGES_PER_MINUTE")]
    pub stranger_messages_per_minute: Option<u32>,
    /// Approximate bytes of one non-contact's unread messages a session
    /// buffers, past which the sender gets an error [default: 262144].
    #[arg(long, env = "SPLITLINE_STRANGER_SENDER_BYTES")]
    pub stranger_sender_bytes: Option<usize>,
    /// Approximate bytes of all non-contacts' unread messages a session
    /// buffers (a share of `event-buffer-bytes`) [default: 1048576].
    #[arg(long, env = "SPLITLINE_STRANGER_SHARE_BYTES")]
    pub stranger_share_bytes: Option<usize>,
    /// Refused sign-ins per account and device, and per account from devices
    /// it has not seen, before further attempts wait out the window; a device
    /// that signed in before is not held up by others' refusals [default: 5].
    #[arg(long, env = "SPLITLINE_SIGN_IN_FAILURES")]
    pub sign_in_failures: Option<u32>,
    /// Refused sign-ins from new devices per source address (IPv6: per /64)
    /// within the window, across accounts; allow for a carrier's NAT [default: 30].
    #[arg(long, env = "SPLITLINE_SIGN_IN_FAILURES_PER_ADDRESS")]
    pub sign_in_failures_per_address: Option<u32>,
    /// Seconds of those windows [default: 300].
    #[arg(long, env = "SPLITLINE_SIGN_IN_FAILURE_WINDOW_SECS")]
    pub sign_in_failure_window_secs: Option<u64>,
    /// Refused sign-ins from new devices per second, gateway-wide; past it
    /// new devices wait a second [default: 20].
    #[arg(long, env = "SPLITLINE_SIGN_IN_GUESSES_PER_SEC")]
    pub sign_in_guesses_per_sec: Option<u32>,
    /// Milliseconds a refused sign-in takes at least, so that an unknown
    /// account and a wrong password take the same time [default: 250].
    #[arg(long, env = "SPLITLINE_SIGN_IN_REFUSAL_FLOOR_MS")]
    pub sign_in_refusal_floor_ms: Option<u64>,
    /// Seconds a sign-in may take to reach the XMPP server [default: 15].
    #[arg(long, env = "SPLITLINE_SIGN_IN_TIMEOUT_SECS")]
    pub sign_in_timeout_secs: Option<u64>,
}

/// The session settings, checked.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Idle timeout.
    pub idle_timeout: Duration,
    /// How long the XMPP connection may stay down.
    pub network_grace: Duration,
    /// Most sessions at once.
    pub max_sessions: usize,
    /// Most sessions of one account.
    pub max_sessions_per_account: usize,
    /// Events kept per session.
    pub event_buffer: usize,
    /// Bytes of events kept per session.
    pub event_buffer_bytes: usize,
    /// What non-contacts may queue per session.
    pub strangers: StrangerLimits,
    /// Sign-in timeout.
    pub sign_in_timeout: Duration,
    /// Refused sign-ins per account and device (and per account from new
    /// devices) per window.
    pub sign_in_failures: u32,
    /// Refused sign-ins from new devices per source address per window.
    pub sign_in_failures_per_address: u32,
    /// The window of both.
    pub sign_in_failure_window: Duration,
    /// Refused sign-ins from new devices per second, gateway-wide.
    pub sign_in_guesses_per_sec: u32,
    /// The least time a refused sign-in takes.
    pub sign_in_refusal_floor: Duration,
}

impl SessionSettings {
    /// Applies the defaults and checks the result.
    pub(crate) fn validate(self) -> Result<SessionConfig, ConfigError> {
        let idle = self.idle_timeout_secs.unwrap_or(IDLE_TIMEOUT_SECS);
        if idle == 0 {
            return Err(invalid("idle-timeout-secs", "must be at least 1"));
        }
        let event_buffer = self.event_buffer.unwrap_or(EVENT_BUFFER);
        if event_buffer < 16 {
            return Err(invalid("event-buffer", "must be at least 16"));
        }
        let event_buffer_bytes = self
            .event_buffer_bytes
            .unwrap_or(EVENT_BUFFER_BYTES)
            .max(MIN_EVENT_BUFFER_BYTES);
        let strangers = self.strangers(event_buffer_bytes)?;
        let secs = |value: Option<u64>, default: u64| Duration::from_secs(value.unwrap_or(default));
        let floor = self
            .sign_in_refusal_floor_ms
            .unwrap_or(SIGN_IN_REFUSAL_FLOOR_MS);
        if floor > MAX_SIGN_IN_REFUSAL_FLOOR_MS {
            return Err(invalid(
                "sign-in-refusal-floor-ms",
                format!("must be at most {MAX_SIGN_IN_REFUSAL_FLOOR_MS}"),
            ));
        }
        Ok(SessionConfig {
            idle_timeout: Duration::from_secs(idle),
            network_grace: secs(self.network_grace_secs, NETWORK_GRACE_SECS),
            max_sessions: self.max_sessions.unwrap_or(MAX_SESSIONS).max(1),
            max_sessions_per_account: self
                .max_sessions_per_account
                .unwrap_or(MAX_SESSIONS_PER_ACCOUNT)
                .max(1),
            event_buffer,
            event_buffer_bytes,
            strangers,
            sign_in_timeout: secs(self.sign_in_timeout_secs, SIGN_IN_TIMEOUT_SECS)
                .max(Duration::from_secs(1)),
            sign_in_failures: self.sign_in_failures.unwrap_or(SIGN_IN_FAILURES).max(1),
            sign_in_failures_per_address: self
                .sign_in_failures_per_address
                .unwrap_or(SIGN_IN_FAILURES_PER_ADDRESS)
                .max(1),
            sign_in_guesses_per_sec: self
                .sign_in_guesses_per_sec
                .unwrap_or(SIGN_IN_GUESSES_PER_SEC)
                .max(1),
            sign_in_refusal_floor: Duration::from_millis(floor),
            sign_in_failure_window: secs(
                self.sign_in_failure_window_secs,
                SIGN_IN_FAILURE_WINDOW_SECS,
            )
            .max(Duration::from_secs(1)),
        })
    }

    /// The strangers' limits: each sender within the share, the share within
    /// the buffer, a sender's share large enough for one longest message.
    fn strangers(&self, event_buffer_bytes: usize) -> Result<StrangerLimits, ConfigError> {
        let messages_per_minute = self
            .stranger_messages_per_minute
            .unwrap_or(STRANGER_MESSAGES_PER_MINUTE);
        if messages_per_minute == 0 {
            return Err(invalid(
                "stranger-messages-per-minute",
                "must be at least 1",
            ));
        }
        let share_bytes = self.stranger_share_bytes.unwrap_or(STRANGER_SHARE_BYTES);
        if share_bytes > event_buffer_bytes {
            return Err(invalid(
                "stranger-share-bytes",
                "must not exceed event-buffer-bytes: strangers get a share of the buffer",
            ));
        }
        let sender_bytes = self.stranger_sender_bytes.unwrap_or(STRANGER_SENDER_BYTES);
        if sender_bytes > share_bytes {
            return Err(invalid(
                "stranger-sender-bytes",
                "must not exceed stranger-share-bytes",
            ));
        }
        if sender_bytes < MIN_STRANGER_SENDER_BYTES {
            return Err(invalid(
                "stranger-sender-bytes",
                "must be at least 65536, room for one message of the longest text",
            ));
        }
        Ok(StrangerLimits {
            messages_per_minute,
            sender_bytes,
            share_bytes,
        })
    }
}
