//! The XMPP group: which server the gateway signs users in at, how, and for
//! which domains.

use std::net::IpAddr;

use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};

use super::{ConfigError, invalid};

const DOMAIN: &str = "localhost";

/// How the gateway talks to the XMPP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum XmppTransport {
    /// STARTTLS, verified against the system's trust store (`SSL_CERT_FILE` applies).
    Starttls,
    /// Unencrypted TCP: allowed only to a loopback server.
    Plaintext,
}

/// XMPP settings as given (file, environment or flags).
#[derive(Debug, Default, Clone, Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct XmppSettings {
    /// XMPP server as host:port; without it the gateway looks up the domain's SRV record.
    #[arg(long, env = "SPLITLINE_XMPP_SERVER")]
    pub xmpp_server: Option<String>,
    /// Transport to the XMPP server [default: starttls].
    #[arg(long, env = "SPLITLINE_XMPP_TRANSPORT")]
    pub xmpp_transport: Option<XmppTransport>,
    /// XMPP domains whose users may sign in, comma-separated [default: localhost].
    #[arg(long, env = "SPLITLINE_DOMAINS", value_delimiter = ',')]
    pub domains: Option<Vec<String>>,
}

/// The XMPP settings, checked.
#[derive(Debug, Clone)]
pub struct XmppConfig {
    /// XMPP server `host:port`, or `None` for an SRV lookup.
    pub server: Option<(String, u16)>,
    /// Transport to the XMPP server.
    pub transport: XmppTransport,
    /// Domains served.
    pub domains: Vec<String>,
}

impl XmppSettings {
    /// Applies the defaults and checks the result.
    pub(crate) fn validate(self) -> Result<XmppConfig, ConfigError> {
        let transport = self.xmpp_transport.unwrap_or(XmppTransport::Starttls);
        let server = self
            .xmpp_server
            .as_deref()
            .map(parse_host_port)
            .transpose()?;
        if transport == XmppTransport::Plaintext
            && !server
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
            .unwrap_or_else(|| vec![DOMAIN.to_owned()])
            .into_iter()
            .map(|d| d.trim().to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        if domains.is_empty() {
            return Err(invalid("domains", "name at least one XMPP domain to serve"));
        }
        Ok(XmppConfig {
            server,
            transport,
            domains,
        })
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
