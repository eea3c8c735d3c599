//! The push group: Web Push wake-ups (RFC 8030, 8291, 8292). Push is on when
//! the gateway has a data directory (`data-dir`), where the registrations and
//! the VAPID key are kept.

use std::{path::PathBuf, time::Duration};

use clap::Args;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::{ConfigError, invalid};

const PUSH_IDLE_TIMEOUT_SECS: u64 = 6 * 3600;
const PUSH_MIN_INTERVAL_MS: u64 = 5_000;
const PUSH_TIMEOUT_SECS: u64 = 10;

/// Push settings as given (file, environment or flags).
#[derive(Debug, Default, Clone, Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PushSettings {
    /// Seconds without a request before a session with a push registration
    /// ends [default: 21600].
    #[arg(long, env = "SPLITLINE_PUSH_IDLE_TIMEOUT_SECS")]
    pub push_idle_timeout_secs: Option<u64>,
    /// Least milliseconds between two pushes to one device; the events in
    /// between are coalesced into the next [default: 5000].
    #[arg(long, env = "SPLITLINE_PUSH_MIN_INTERVAL_MS")]
    pub push_min_interval_ms: Option<u64>,
    /// Seconds a push service may take to answer [default: 10].
    #[arg(long, env = "SPLITLINE_PUSH_TIMEOUT_SECS")]
    pub push_timeout_secs: Option<u64>,
    /// The VAPID private key (a P-256 scalar, base64url); without it the key
    /// is generated on first start and kept in the data directory.
    #[arg(long, env = "SPLITLINE_PUSH_VAPID_PRIVATE_KEY", hide_env_values = true)]
    pub push_vapid_private_key: Option<String>,
    /// The VAPID contact (`mailto:` or `https:`) push services may write to
    /// [default: mailto:push@<first domain>].
    #[arg(long, env = "SPLITLINE_PUSH_VAPID_SUBJECT")]
    pub push_vapid_subject: Option<String>,
    /// Networks a push endpoint may be in although they are private,
    /// link-local or loopback (an in-house push service), comma-separated.
    #[arg(long, env = "SPLITLINE_PUSH_ALLOWED_NETWORKS", value_delimiter = ',')]
    pub push_allowed_networks: Option<Vec<IpNet>>,
    /// Takes `http://` endpoints on loopback (tests only) [default: false].
    #[arg(long, env = "SPLITLINE_PUSH_ALLOW_HTTP_LOOPBACK")]
    pub push_allow_http_loopback: Option<bool>,
}

/// The push settings, checked.
#[derive(Debug, Clone)]
pub struct PushConfig {
    /// Where registrations and the generated VAPID key are kept.
    pub data_dir: PathBuf,
    /// The idle timeout of a session with a push registration.
    pub idle_timeout: Duration,
    /// Least time between two pushes to one device.
    pub min_interval: Duration,
    /// How long a push service may take.
    pub timeout: Duration,
    /// The configured VAPID private key, base64url.
    pub vapid_private_key: Option<String>,
    /// The VAPID `sub` claim.
    pub vapid_subject: String,
    /// Private networks endpoints may be in.
    pub allowed_networks: Vec<IpNet>,
    /// Whether `http://` endpoints on loopback are taken (tests).
    pub allow_http_loopback: bool,
}

impl PushSettings {
    /// Applies the defaults and checks the result; `None` without a data
    /// directory (push is off).
    pub(crate) fn validate(
        self,
        data_dir: Option<PathBuf>,
        domains: &[String],
    ) -> Result<Option<PushConfig>, ConfigError> {
        let Some(data_dir) = data_dir else {
            if self.push_vapid_private_key.is_some() {
                return Err(invalid("data-dir", "push needs a data directory"));
            }
            return Ok(None);
        };
        let idle = self
            .push_idle_timeout_secs
            .unwrap_or(PUSH_IDLE_TIMEOUT_SECS);
        if idle == 0 {
            return Err(invalid("push-idle-timeout-secs", "must be at least 1"));
        }
        let subject = match self.push_vapid_subject {
            Some(subject) => subject,
            None => format!(
                "mailto:push@{}",
                domains.first().map_or("localhost", String::as_str)
            ),
        };
        if !(subject.starts_with("mailto:") || subject.starts_with("https://")) {
            return Err(invalid(
                "push-vapid-subject",
                "must be a mailto: or https: URL (RFC 8292)",
            ));
        }
        Ok(Some(PushConfig {
            data_dir,
            idle_timeout: Duration::from_secs(idle),
            min_interval: Duration::from_millis(
                self.push_min_interval_ms.unwrap_or(PUSH_MIN_INTERVAL_MS),
            ),
            timeout: Duration::from_secs(
                self.push_timeout_secs.unwrap_or(PUSH_TIMEOUT_SECS).max(1),
            ),
            vapid_private_key: self.push_vapid_private_key,
            vapid_subject: subject,
            allowed_networks: self.push_allowed_networks.unwrap_or_default(),
            allow_http_loopback: self.push_allow_http_loopback.unwrap_or(false),
        }))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn push_is_on_with_a_data_directory_and_checks_its_subject() {
        let domains = vec!["example.org".to_owned()];
        assert!(
            PushSettings::default()
                .validate(None, &domains)
                .unwrap()
                .is_none()
        );
        let config = PushSettings::default()
            .validate(Some(PathBuf::from("/var/lib/splitline")), &domains)
            .unwrap()
            .unwrap();
        assert_eq!(config.idle_timeout, Duration::from_secs(6 * 3600));
        assert_eq!(config.min_interval, Duration::from_secs(5));
        assert_eq!(config.vapid_subject, "mailto:push@example.org");
        assert!(!config.allow_http_loopback);
        let bad = PushSettings {
            push_vapid_subject: Some("push@example.org".to_owned()),
            ..PushSettings::default()
        };
        assert!(bad.validate(Some(PathBuf::from("/d")), &domains).is_err());
        let keyless_dir = PushSettings {
            push_vapid_private_key: Some("k".to_owned()),
            ..PushSettings::default()
        };
        assert!(keyless_dir.validate(None, &domains).is_err());
    }
}
