//! The HTTP group: where the protocol and the metrics are served, and how.

use std::{net::SocketAddr, path::PathBuf};

use clap::Args;
use serde::{Deserialize, Serialize};

use super::{ConfigError, invalid};

const LISTEN: ([u8; 4], u16) = ([127, 0, 0, 1], 8480);
const METRICS_LISTEN: ([u8; 4], u16) = ([127, 0, 0, 1], 9480);
const MAX_BODY_BYTES: usize = 64 * 1024;

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
        Ok(HttpConfig {
            listen,
            tls,
            metrics_listen: Some(
                self.metrics_listen
                    .unwrap_or_else(|| SocketAddr::from(METRICS_LISTEN)),
            ),
            max_body_bytes,
        })
    }
}
