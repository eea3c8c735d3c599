//! Configuration: defaults, overridden by a TOML file, overridden by environment
//! variables, overridden by flags. Validated once at start.

use std::{
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    time::Duration,
};

use clap::{Parser, ValueEnum};
use serde::Deserialize;
use splitline_protocol::{AccessNumber, PhoneNumber};

/// How the gateway talks to the XMPP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum XmppTransport {
    /// STARTTLS, verified against the system's trust store (`SSL_CERT_FILE` applies).
    Starttls,
    /// Unencrypted TCP: allowed only to a loopback server.
    Plaintext,
}

/// Settings that can come from the file, the environment or flags. Every field is
/// optional here; [`Config`] holds the merged, validated result.
#[derive(Debug, Default, Clone, Parser, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[command(
    name = "splitline-gateway",
    version,
    about = "The Splitline gateway: XMPP sessions on users' behalf, served to phones over HTTPS."
)]
pub struct Settings {
    /// TOML file with any of the settings below (flag names as keys).
    #[arg(long, env = "SPLITLINE_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to serve the protocol on [default: 127.0.0.1:8480].
    #[arg(long, env = "SPLITLINE_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// PEM certificate chain for HTTPS. Without it the gateway serves plain HTTP,
    /// which it allows only on a loopback address.
    #[arg(long, env = "SPLITLINE_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    #[arg(long, env = "SPLITLINE_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Address of the Prometheus `/metrics` endpoint; keep it private [default: 127.0.0.1:9480].
    #[arg(long, env = "SPLITLINE_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// XMPP server as host:port; without it the gateway looks up the domain's SRV record.
    #[arg(long, env = "SPLITLINE_XMPP_SERVER")]
    pub xmpp_server: Option<String>,
    /// Transport to the XMPP server [default: starttls].
    #[arg(long, env = "SPLITLINE_XMPP_TRANSPORT")]
    pub xmpp_transport: Option<XmppTransport>,
    /// XMPP domains whose users may sign in, comma-separated [default: localhost].
    #[arg(long, env = "SPLITLINE_DOMAINS", value_delimiter = ',')]
    pub domains: Option<Vec<String>>,
    /// Seconds without a request before a session ends [default: 600].
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
    /// Largest request body in bytes [default: 65536].
    #[arg(long, env = "SPLITLINE_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Refused sign-ins per account before further attempts wait out the window [default: 5].
    #[arg(long, env = "SPLITLINE_SIGN_IN_FAILURES")]
    pub sign_in_failures: Option<u32>,
    /// Seconds of that window [default: 300].
    #[arg(long, env = "SPLITLINE_SIGN_IN_FAILURE_WINDOW_SECS")]
    pub sign_in_failure_window_secs: Option<u64>,
    /// Seconds a sign-in may take to reach the XMPP server [default: 15].
    #[arg(long, env = "SPLITLINE_SIGN_IN_TIMEOUT_SECS")]
    pub sign_in_timeout_secs: Option<u64>,
    /// The access numbers (points of presence) served to phones: file only, as
    /// `[[access-numbers]]` tables with `number`, `country`, `area_prefixes`
    /// and `cost_class` (`toll_free`, `local` or `national`).
    #[arg(skip)]
    pub access_numbers: Option<Vec<AccessNumber>>,
    /// UDP address for SIP call control; calls are off without it.
    #[arg(long, env = "SPLITLINE_SIP_LISTEN")]
    pub sip_listen: Option<SocketAddr>,
    /// The carrier's SIP trunk (ip:port): telephone numbers are called through it.
    #[arg(long, env = "SPLITLINE_SIP_TRUNK")]
    pub sip_trunk: Option<SocketAddr>,
    /// The SIP registrar and proxy (ip:port) where contacts' phones register.
    #[arg(long, env = "SPLITLINE_SIP_REGISTRAR")]
    pub sip_registrar: Option<SocketAddr>,
    /// The E.164 number every callback comes from, so the app can answer it by itself.
    #[arg(long, env = "SPLITLINE_CALLBACK_CALLER_ID")]
    pub callback_caller_id: Option<String>,
    /// E.164 prefix of flash-call caller ids; the last 4 digits are the code.
    #[arg(long, env = "SPLITLINE_VERIFICATION_CALLER_PREFIX")]
    pub verification_caller_prefix: Option<String>,
    /// Directory for call records and verified numbers (needed with sip-listen).
    #[arg(long, env = "SPLITLINE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Seconds the user's mobile may ring with a callback [default: 30].
    #[arg(long, env = "SPLITLINE_CALLBACK_ANSWER_SECS")]
    pub callback_answer_secs: Option<u64>,
    /// Seconds the callee may ring [default: 45].
    #[arg(long, env = "SPLITLINE_RING_TIMEOUT_SECS")]
    pub ring_timeout_secs: Option<u64>,
    /// Seconds a reserved call-through waits for the mobile to dial [default: 60].
    #[arg(long, env = "SPLITLINE_CALL_THROUGH_DIAL_SECS")]
    pub call_through_dial_secs: Option<u64>,
    /// Calls one account may start per hour [default: 20].
    #[arg(long, env = "SPLITLINE_CALLS_PER_ACCOUNT_PER_HOUR")]
    pub calls_per_account_per_hour: Option<u32>,
    /// Flash calls (number verifications) one account may ask for per day [default: 5].
    #[arg(long, env = "SPLITLINE_VERIFICATIONS_PER_ACCOUNT_PER_DAY")]
    pub verifications_per_account_per_day: Option<u32>,
    /// Calls and flash calls the whole gateway may start per minute [default: 300].
    #[arg(long, env = "SPLITLINE_CALLS_PER_MINUTE")]
    pub calls_per_minute: Option<u32>,
    /// Calls under way at once over the whole gateway [default: 200].
    #[arg(long, env = "SPLITLINE_MAX_CONCURRENT_CALLS")]
    pub max_concurrent_calls: Option<usize>,
    /// Countries (ISO 3166) the trunk may call, comma-separated; empty: any
    /// country. Premium-rate numbers are never called.
    #[arg(long, env = "SPLITLINE_CALL_COUNTRIES", value_delimiter = ',')]
    pub call_countries: Option<Vec<String>>,
}

/// SIP call control settings, checked.
#[derive(Debug, Clone)]
pub struct SipConfig {
    /// Where the gateway's SIP endpoint listens (UDP).
    pub listen: SocketAddr,
    /// The carrier trunk.
    pub trunk: SocketAddr,
    /// The registrar and proxy of contacts' SIP phones.
    pub registrar: SocketAddr,
    /// The callback caller id, E.164.
    pub callback_caller_id: String,
    /// The flash-call caller id prefix, E.164.
    pub verification_caller_prefix: String,
    /// Where call records and verified numbers are kept.
    pub data_dir: PathBuf,
    /// How long the mobile may ring.
    pub callback_answer: Duration,
    /// How long the callee may ring.
    pub ring_timeout: Duration,
    /// How long a reserved call-through waits to be dialled.
    pub call_through_dial: Duration,
    /// Calls per account per hour.
    pub calls_per_account_per_hour: u32,
    /// Flash calls per account per day.
    pub verifications_per_account_per_day: u32,
    /// Calls and flash calls per minute, gateway-wide.
    pub calls_per_minute: u32,
    /// Calls at once, gateway-wide.
    pub max_concurrent_calls: usize,
    /// Countries the trunk may call; empty: any.
    pub call_countries: Vec<String>,
}

/// HTTPS certificate and key files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// The gateway's validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Protocol listen address.
    pub listen: SocketAddr,
    /// HTTPS files; `None` means plain HTTP on loopback.
    pub tls: Option<TlsFiles>,
    /// Metrics listen address.
    pub metrics_listen: Option<SocketAddr>,
    /// XMPP server `host:port`, or `None` for an SRV lookup.
    pub xmpp_server: Option<(String, u16)>,
    /// Transport to the XMPP server.
    pub xmpp_transport: XmppTransport,
    /// Domains served.
    pub domains: Vec<String>,
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
    /// Largest request body.
    pub max_body_bytes: usize,
    /// Sign-in timeout.
    pub sign_in_timeout: Duration,
    /// Refused sign-ins per account per window.
    pub sign_in_failures: u32,
    /// The window of `sign_in_failures`.
    pub sign_in_failure_window: Duration,
    /// The access-number directory, normalised.
    pub access_numbers: Vec<AccessNumber>,
    /// SIP call control; `None`: calls are off.
    pub sip: Option<SipConfig>,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for these settings.
    #[error("invalid config file {path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: toml::de::Error,
    },
    /// A value is out of range or the combination is unsafe.
    #[error("invalid setting {setting}: {reason}")]
    Invalid {
        /// The setting's name.
        setting: &'static str,
        /// What is wrong and what to do.
        reason: String,
    },
}

fn invalid(setting: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        setting,
        reason: reason.into(),
    }
}

impl Settings {
    /// Reads the file named by `--config`, if any, and lays these settings over it.
    pub fn resolve(self) -> Result<Config, ConfigError> {
        let file = match &self.config {
            Some(path) => Self::from_file(path)?,
            None => Settings::default(),
        };
        self.over(file).validate()
    }

    fn from_file(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source,
        })
    }

    /// These settings where set, `base` elsewhere.
    fn over(self, base: Settings) -> Settings {
        Settings {
            config: self.config.or(base.config),
            listen: self.listen.or(base.listen),
            tls_cert: self.tls_cert.or(base.tls_cert),
            tls_key: self.tls_key.or(base.tls_key),
            metrics_listen: self.metrics_listen.or(base.metrics_listen),
            xmpp_server: self.xmpp_server.or(base.xmpp_server),
            xmpp_transport: self.xmpp_transport.or(base.xmpp_transport),
            domains: self.domains.or(base.domains),
            idle_timeout_secs: self.idle_timeout_secs.or(base.idle_timeout_secs),
            network_grace_secs: self.network_grace_secs.or(base.network_grace_secs),
            max_sessions: self.max_sessions.or(base.max_sessions),
            max_sessions_per_account: self
                .max_sessions_per_account
                .or(base.max_sessions_per_account),
            event_buffer: self.event_buffer.or(base.event_buffer),
            event_buffer_bytes: self.event_buffer_bytes.or(base.event_buffer_bytes),
            max_body_bytes: self.max_body_bytes.or(base.max_body_bytes),
            sign_in_timeout_secs: self.sign_in_timeout_secs.or(base.sign_in_timeout_secs),
            sign_in_failures: self.sign_in_failures.or(base.sign_in_failures),
            sign_in_failure_window_secs: self
                .sign_in_failure_window_secs
                .or(base.sign_in_failure_window_secs),
            access_numbers: self.access_numbers.or(base.access_numbers),
            sip_listen: self.sip_listen.or(base.sip_listen),
            sip_trunk: self.sip_trunk.or(base.sip_trunk),
            sip_registrar: self.sip_registrar.or(base.sip_registrar),
            callback_caller_id: self.callback_caller_id.or(base.callback_caller_id),
            verification_caller_prefix: self
                .verification_caller_prefix
                .or(base.verification_caller_prefix),
            data_dir: self.data_dir.or(base.data_dir),
            callback_answer_secs: self.callback_answer_secs.or(base.callback_answer_secs),
            ring_timeout_secs: self.ring_timeout_secs.or(base.ring_timeout_secs),
            call_through_dial_secs: self.call_through_dial_secs.or(base.call_through_dial_secs),
            calls_per_account_per_hour: self
                .calls_per_account_per_hour
                .or(base.calls_per_account_per_hour),
            verifications_per_account_per_day: self
                .verifications_per_account_per_day
                .or(base.verifications_per_account_per_day),
            calls_per_minute: self.calls_per_minute.or(base.calls_per_minute),
            max_concurrent_calls: self.max_concurrent_calls.or(base.max_concurrent_calls),
            call_countries: self.call_countries.or(base.call_countries),
        }
    }

    /// Applies defaults and checks the result.
    pub fn validate(self) -> Result<Config, ConfigError> {
        let sip = self.sip_config()?;
        let listen = self
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8480)));
        let tls = match (self.tls_cert, self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            _ => {
                return Err(invalid(
                    "tls-cert",
                    "set both tls-cert and tls-key, or neither",
                ));
            }
        };
        if tls.is_none() && !listen.ip().is_loopback() {
            return Err(invalid(
                "listen",
                format!(
                    "{listen} is not a loopback address: plain HTTP is only allowed on loopback; set tls-cert and tls-key"
                ),
            ));
        }
        let xmpp_transport = self.xmpp_transport.unwrap_or(XmppTransport::Starttls);
        let xmpp_server = self
            .xmpp_server
            .as_deref()
            .map(parse_host_port)
            .transpose()?;
        if xmpp_transport == XmppTransport::Plaintext
            && !xmpp_server
                .as_ref()
                .is_some_and(|(host, _)| is_loopback_host(host))
        {
            return Err(invalid(
                "xmpp-transport",
                "plaintext is only allowed with an xmpp-server on loopback; use starttls",
            ));
        }
        let domains: Vec<String> = self
            .domains
            .clone()
            .unwrap_or_else(|| vec!["localhost".to_owned()])
            .into_iter()
            .map(|d| d.trim().to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        if domains.is_empty() {
            return Err(invalid("domains", "name at least one XMPP domain to serve"));
        }
        let idle = self.idle_timeout_secs.unwrap_or(600);
        if idle == 0 {
            return Err(invalid("idle-timeout-secs", "must be at least 1"));
        }
        let event_buffer = self.event_buffer.unwrap_or(10_000);
        if event_buffer < 16 {
            return Err(invalid("event-buffer", "must be at least 16"));
        }
        let max_body_bytes = self.max_body_bytes.unwrap_or(64 * 1024);
        if max_body_bytes < 1024 {
            return Err(invalid("max-body-bytes", "must be at least 1024"));
        }
        let access_numbers =
            crate::access_directory::validate(self.access_numbers.clone().unwrap_or_default())
                .map_err(|reason| invalid("access-numbers", reason))?;

        Ok(Config {
            listen,
            tls,
            metrics_listen: Some(
                self.metrics_listen
                    .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 9480))),
            ),
            xmpp_server,
            xmpp_transport,
            domains,
            idle_timeout: Duration::from_secs(idle),
            network_grace: Duration::from_secs(self.network_grace_secs.unwrap_or(120)),
            max_sessions: self.max_sessions.unwrap_or(10_000).max(1),
            max_sessions_per_account: self.max_sessions_per_account.unwrap_or(10).max(1),
            event_buffer,
            event_buffer_bytes: self
                .event_buffer_bytes
                .unwrap_or(8 * 1024 * 1024)
                .max(64 * 1024),
            max_body_bytes,
            sign_in_timeout: Duration::from_secs(self.sign_in_timeout_secs.unwrap_or(15).max(1)),
            sign_in_failures: self.sign_in_failures.unwrap_or(5).max(1),
            sign_in_failure_window: Duration::from_secs(
                self.sign_in_failure_window_secs.unwrap_or(300).max(1),
            ),
            access_numbers,
            sip,
        })
    }

    /// The SIP settings: all of listen, trunk, registrar, caller ids and data
    /// directory, or none of them.
    fn sip_config(&self) -> Result<Option<SipConfig>, ConfigError> {
        let Some(listen) = self.sip_listen else {
            if self.sip_trunk.is_some() || self.sip_registrar.is_some() {
                return Err(invalid("sip-listen", "set it to turn calls on"));
            }
            return Ok(None);
        };
        let need = |setting: &'static str| invalid(setting, "needed with sip-listen");
        let callback_caller_id = self
            .callback_caller_id
            .as_deref()
            .ok_or_else(|| need("callback-caller-id"))?;
        let callback_caller_id = PhoneNumber::parse_e164(callback_caller_id.trim())
            .map_err(|e| invalid("callback-caller-id", e.to_string()))?
            .e164;
        let prefix = self
            .verification_caller_prefix
            .as_deref()
            .ok_or_else(|| need("verification-caller-prefix"))?
            .trim()
            .to_owned();
        PhoneNumber::parse_e164(&format!("{prefix}0000")).map_err(|e| {
            invalid(
                "verification-caller-prefix",
                format!("'{prefix}' followed by 4 digits is not a usable number: {e}"),
            )
        })?;
        let countries = self
            .call_countries
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>();
        if let Some(bad) = countries
            .iter()
            .find(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(invalid(
                "call-countries",
                format!("'{bad}' is not an ISO 3166 country code"),
            ));
        }
        let secs =
            |value: Option<u64>, default: u64| Duration::from_secs(value.unwrap_or(default).max(1));
        Ok(Some(SipConfig {
            listen,
            trunk: self.sip_trunk.ok_or_else(|| need("sip-trunk"))?,
            registrar: self.sip_registrar.ok_or_else(|| need("sip-registrar"))?,
            callback_caller_id,
            verification_caller_prefix: prefix,
            data_dir: self.data_dir.clone().ok_or_else(|| need("data-dir"))?,
            callback_answer: secs(self.callback_answer_secs, 30),
            ring_timeout: secs(self.ring_timeout_secs, 45),
            call_through_dial: secs(self.call_through_dial_secs, 60),
            calls_per_account_per_hour: self.calls_per_account_per_hour.unwrap_or(20).max(1),
            verifications_per_account_per_day: self
                .verifications_per_account_per_day
                .unwrap_or(5)
                .max(1),
            calls_per_minute: self.calls_per_minute.unwrap_or(300).max(1),
            max_concurrent_calls: self.max_concurrent_calls.unwrap_or(200).max(1),
            call_countries: countries,
        }))
    }
}

fn parse_host_port(value: &str) -> Result<(String, u16), ConfigError> {
    let (host, port) = value
        .rsplit_once(':')
        .ok_or_else(|| invalid("xmpp-server", format!("'{value}' is not host:port")))?;
    let port = port
        .parse()
        .map_err(|_| invalid("xmpp-server", format!("'{port}' is not a port number")))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(invalid("xmpp-server", "the host is empty"));
    }
    Ok((host.to_owned(), port))
}

fn is_loopback_host(host: &str) -> bool {
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(args: &[&str]) -> Settings {
        Settings::parse_from(std::iter::once("splitline-gateway").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_run_on_loopback() {
        let config = Settings::default().validate().unwrap();
        assert!(config.listen.ip().is_loopback());
        assert!(config.tls.is_none());
        assert_eq!(config.idle_timeout, Duration::from_secs(600));
        assert_eq!(config.domains, vec!["localhost"]);
    }

    #[test]
    fn flags_override_the_file() {
        let file: Settings =
            toml::from_str("idle-timeout-secs = 30\nmax-sessions = 5\ndomains = [\"example.org\"]")
                .unwrap();
        let config = settings(&["--idle-timeout-secs", "7"])
            .over(file)
            .validate()
            .unwrap();
        assert_eq!(config.idle_timeout, Duration::from_secs(7));
        assert_eq!(config.max_sessions, 5);
        assert_eq!(config.domains, vec!["example.org"]);
    }

    #[test]
    fn plain_http_off_loopback_is_refused() {
        let err = settings(&["--listen", "0.0.0.0:8480"])
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("loopback"), "{err}");
    }

    #[test]
    fn plaintext_xmpp_needs_a_loopback_server() {
        let err = settings(&[
            "--xmpp-transport",
            "plaintext",
            "--xmpp-server",
            "xmpp.example.org:5222",
        ])
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("plaintext"), "{err}");
        let ok = settings(&[
            "--xmpp-transport",
            "plaintext",
            "--xmpp-server",
            "127.0.0.1:5222",
        ])
        .validate()
        .unwrap();
        assert_eq!(ok.xmpp_server, Some(("127.0.0.1".to_owned(), 5222)));
    }

    #[test]
    fn access_numbers_come_from_the_file_and_are_checked() {
        let file: Settings = toml::from_str(
            "[[access-numbers]]\nnumber = \"+44 20 7946 0000\"\ncountry = \"GB\"\n\
             area_prefixes = [\"4420\"]\ncost_class = \"local\"\n",
        )
        .unwrap();
        let config = file.clone().validate().unwrap();
        assert_eq!(config.access_numbers[0].number, "+442079460000");
        let mut wrong = file;
        if let Some(numbers) = wrong.access_numbers.as_mut() {
            numbers[0].country = "FR".into();
        }
        let err = wrong.validate().unwrap_err();
        assert!(err.to_string().contains("access-numbers"), "{err}");
    }

    #[test]
    fn sip_settings_come_together_or_not_at_all() {
        assert!(Settings::default().validate().unwrap().sip.is_none());
        let err = settings(&["--sip-trunk", "127.0.0.1:5064"])
            .validate()
            .unwrap_err();
        assert!(err.to_string().contains("sip-listen"), "{err}");
        let base = [
            "--sip-listen",
            "127.0.0.1:5070",
            "--sip-trunk",
            "127.0.0.1:5064",
            "--sip-registrar",
            "127.0.0.1:5060",
            "--callback-caller-id",
            "+44 20 7946 0999",
            "--verification-caller-prefix",
            "+44207946",
            "--data-dir",
            "/tmp/x",
        ];
        let sip = settings(&base).validate().unwrap().sip.unwrap();
        assert_eq!(sip.callback_caller_id, "+442079460999");
        assert_eq!(sip.ring_timeout, Duration::from_secs(45));
        assert_eq!(sip.call_through_dial, Duration::from_secs(60));
        let err = settings(&base[..10]).validate().unwrap_err();
        assert!(err.to_string().contains("data-dir"), "{err}");
        let mut bad = base.to_vec();
        bad[9] = "+44";
        let err = settings(&bad).validate().unwrap_err();
        assert!(
            err.to_string().contains("verification-caller-prefix"),
            "{err}"
        );
        let mut bad = base.to_vec();
        bad.extend(["--call-countries", "GB,Germany"]);
        let err = settings(&bad).validate().unwrap_err();
        assert!(err.to_string().contains("GERMANY"), "{err}");
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        assert!(toml::from_str::<Settings>("listen-adress = \"127.0.0.1:1\"").is_err());
    }
}
