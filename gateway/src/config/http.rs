//! The HTTP group: where the protocol and the metrics are served, and how.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::Args;
use serde::{Deserialize, Serialize};

use super::{ConfigError, invalid};

const LISTEN: ([u8; 4], u16) = ([127, 0, 0, 1], 8480);
const METRICS_LISTEN: ([u8; 4], u16) = ([127, 0, 0, 1], 9480);
const MAX_BODY_BYTES: usize = 64 * 1024;
const HEADER_TIMEOUT_SECS: u64 = 15;
/// The longest `http-header-timeout-secs` allowed: a slow client holds a
/// connection (and its buffers) this long.
const MAX_HEADER_TIMEOUT_SECS: u64 = 300;
const MAX_CONNECTIONS: usize = 10_000;

/// HTTP settings as given (file, environment or flags).
#[derive(Debug, Default, Clone, Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct HttpSettings {
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
    /// Largest request body in bytes [default: 65536].
    #[arg(long, env = "SPLITLINE_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Seconds a client has to send a complete request head (and, over TLS,
    /// to finish the handshake), counted from when the gateway starts waiting
    /// for it: so it is also the idle timeout of a kept-alive connection
    /// between requests [default: 15].
    #[arg(long, env = "SPLITLINE_HTTP_HEADER_TIMEOUT_SECS")]
    pub http_header_timeout_secs: Option<u64>,
    /// Most protocol connections open at once; further ones are closed at once
    /// and counted [default: 10000].
    #[arg(long, env = "SPLITLINE_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
}

/// HTTPS certificate and key files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// The HTTP settings, checked.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Protocol listen address.
    pub listen: SocketAddr,
    /// HTTPS files; `None` means plain HTTP on loopback.
    pub tls: Option<TlsFiles>,
    /// Metrics listen address.
    pub metrics_listen: Option<SocketAddr>,
    /// Largest request body.
    pub max_body_bytes: usize,
    /// Time to receive a request head (or a TLS handshake); the idle timeout
    /// of a kept-alive connection.
    pub header_timeout: Duration,
    /// Most protocol connections open at once.
    pub max_connections: usize,
}

impl HttpSettings {
    /// Applies the defaults and checks the result.
    pub(crate) fn validate(self) -> Result<HttpConfig, ConfigError> {
        let listen = self.listen.unwrap_or_else(|| SocketAddr::from(LISTEN));
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
        let max_body_bytes = self.max_body_bytes.unwrap_or(MAX_BODY_BYTES);
        if max_body_bytes < 1024 {
            return Err(invalid("max-body-bytes", "must be at least 1024"));
        }
        let header_timeout = self.http_header_timeout_secs.unwrap_or(HEADER_TIMEOUT_SECS);
        if !(1..=MAX_HEADER_TIMEOUT_SECS).contains(&header_timeout) {
            return Err(invalid(
                "http-header-timeout-secs",
                format!("must be between 1 and {MAX_HEADER_TIMEOUT_SECS}"),
            ));
        }
        let max_connections = self.max_connections.unwrap_or(MAX_CONNECTIONS);
        if max_connections == 0 {
            return Err(invalid("max-connections", "must be at least 1"));
        }
        Ok(HttpConfig {
            listen,
            tls,
            metrics_listen: Some(
                self.metrics_listen
                    .unwrap_or_else(|| SocketAddr::from(METRICS_LISTEN)),
            ),
            max_body_bytes,
            header_timeout: Duration::from_secs(header_timeout),
            max_connections,
        })
    }
}
