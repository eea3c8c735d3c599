//! What the gateway's SIP endpoint accepts from outside: the sources an
//! INVITE may come from, the sources whose P-Asserted-Identity is believed,
//! and how often a user may be rung by forwarded calls.

use std::{net::SocketAddr, time::Duration};

use clap::Args;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::{ConfigError, invalid};

const INCOMING_CALLS_PER_USER: u32 = 5;
const INCOMING_CALLS_WINDOW_SECS: u64 = 600;

/// Inbound SIP settings as given (file, environment or flags).
#[derive(Debug, Default, Clone, Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SipInboundSettings {
    /// Addresses or networks (CIDR) INVITEs are accepted from, comma-separated;
    /// anything else gets 403 [default: the trunk's and the registrar's address].
    #[arg(long, env = "SPLITLINE_SIP_ALLOWED_SOURCES", value_delimiter = ',')]
    pub sip_allowed_sources: Option<Vec<String>>,
    /// Addresses or networks (CIDR) of trunks trusted to assert the caller
    /// (RFC 3325 P-Asserted-Identity), comma-separated; from these the caller
    /// is taken from P-Asserted-Identity only [default: none, From: is used].
    #[arg(long, env = "SPLITLINE_SIP_TRUSTED_SOURCES", value_delimiter = ',')]
    pub sip_trusted_sources: Option<Vec<String>>,
    /// Forwarded incoming calls one user may be rung with per window [default: 5].
    #[arg(long, env = "SPLITLINE_INCOMING_CALLS_PER_USER")]
    pub incoming_calls_per_user: Option<u32>,
    /// The window of incoming-calls-per-user, in seconds [default: 600].
    #[arg(long, env = "SPLITLINE_INCOMING_CALLS_WINDOW_SECS")]
    pub incoming_calls_window_secs: Option<u64>,
}

/// Inbound SIP settings, checked.
#[derive(Debug, Clone)]
pub struct SipInbound {
    /// INVITEs are taken only from these networks.
    pub allowed_sources: Vec<IpNet>,
    /// The P-Asserted-Identity of INVITEs from these networks is believed.
    pub trusted_sources: Vec<IpNet>,
    /// Forwarded calls per user per window.
    pub incoming_calls_per_user: u32,
    /// The window of [`Self::incoming_calls_per_user`].
    pub incoming_calls_window: Duration,
}

impl SipInbound {
    /// Whether an INVITE from `source` may be taken at all.
    pub fn allows(&self, source: SocketAddr) -> bool {
        contains(&self.allowed_sources, source)
    }

    /// Whether `source` is trusted to assert who calls.
    pub fn trusts(&self, source: SocketAddr) -> bool {
        contains(&self.trusted_sources, source)
    }
}

fn contains(networks: &[IpNet], source: SocketAddr) -> bool {
    let ip = source.ip().to_canonical();
    networks.iter().any(|n| n.contains(&ip))
}

impl SipInboundSettings {
    /// Checks the settings; the allowed sources default to the trunk's and
    /// the registrar's addresses.
    pub(crate) fn validate(
        self,
        trunk: SocketAddr,
        registrar: SocketAddr,
    ) -> Result<SipInbound, ConfigError> {
        let allowed_sources = match self.sip_allowed_sources {
            Some(list) => networks("sip-allowed-sources", list)?,
            None => vec![IpNet::from(trunk.ip()), IpNet::from(registrar.ip())],
        };
        if allowed_sources.is_empty() {
            return Err(invalid(
                "sip-allowed-sources",
                "no source left: no call could come in",
            ));
        }
        let trusted_sources = networks(
            "sip-trusted-sources",
            self.sip_trusted_sources.unwrap_or_default(),
        )?;
        Ok(SipInbound {
            allowed_sources,
            trusted_sources,
            incoming_calls_per_user: self
                .incoming_calls_per_user
                .unwrap_or(INCOMING_CALLS_PER_USER)
                .max(1),
            incoming_calls_window: Duration::from_secs(
                self.incoming_calls_window_secs
                    .unwrap_or(INCOMING_CALLS_WINDOW_SECS)
                    .max(1),
            ),
        })
    }
}

/// Addresses (`192.0.2.7`) or networks (`192.0.2.0/24`); blanks are skipped.
fn networks(setting: &'static str, list: Vec<String>) -> Result<Vec<IpNet>, ConfigError> {
    list.iter()
        .map(|entry| entry.trim())
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(IpNet::from))
                .map(|net| net.trunc())
                .map_err(|_| {
                    invalid(
                        setting,
                        format!("'{entry}' is neither an IP address nor a network (CIDR)"),
                    )
                })
        })
        .collect()
}
