//! What the gateway's SIP endpoint accepts from outside and how it proves
//! itself to the trunk: the sources an INVITE may come from, the sources
//! whose P-Asserted-Identity is believed, digest credentials both ways
//! (RFC 3261 / RFC 2617 MD5), and how often a user may be rung by forwarded
//! calls.

use std::{net::SocketAddr, time::Duration};

use clap::Args;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::{ConfigError, invalid};

const INCOMING_CALLS_PER_USER: u32 = 5;
const INCOMING_CALLS_WINDOW_SECS: u64 = 600;
const AUTH_REALM: &str = "splitline";

/// A password: never printed, not even by `Debug`.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The password itself, for the digest computation only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// A digest user name and password.
#[derive(Debug, Clone)]
pub struct DigestLogin {
    /// The user name.
    pub user: String,
    /// The password.
    pub password: Secret,
}

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
    /// User name INVITEs to the gateway must authenticate with (digest);
    /// with sip-auth-password. Unset: INVITEs are not challenged.
    #[arg(long, env = "SPLITLINE_SIP_AUTH_USER")]
    pub sip_auth_user: Option<String>,
    /// Password INVITEs to the gateway must authenticate with.
    #[arg(long, env = "SPLITLINE_SIP_AUTH_PASSWORD", hide_env_values = true)]
    pub sip_auth_password: Option<Secret>,
    /// Realm of the gateway's digest challenges [default: splitline].
    #[arg(long, env = "SPLITLINE_SIP_AUTH_REALM")]
    pub sip_auth_realm: Option<String>,
    /// User name the gateway answers the trunk's digest challenges with;
    /// with sip-trunk-auth-password.
    #[arg(long, env = "SPLITLINE_SIP_TRUNK_AUTH_USER")]
    pub sip_trunk_auth_user: Option<String>,
    /// Password the gateway answers the trunk's digest challenges with.
    #[arg(
        long,
        env = "SPLITLINE_SIP_TRUNK_AUTH_PASSWORD",
        hide_env_values = true
    )]
    pub sip_trunk_auth_password: Option<Secret>,
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
    /// When set, INVITEs must authenticate with this login, in `auth_realm`.
    pub auth: Option<DigestLogin>,
    /// The realm of the gateway's challenges.
    pub auth_realm: String,
    /// The login the gateway answers the trunk's challenges with.
    pub trunk_auth: Option<DigestLogin>,
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

    /// Whether a call from `source` may claim a call-through reservation by
    /// its caller id: once trusted trunks are configured, only they may (an
    /// allowed but untrusted source, like the registrar, proves no caller).
    pub fn may_claim_reservations(&self, source: SocketAddr) -> bool {
        self.trusted_sources.is_empty() || self.trusts(source)
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
        let auth = login(
            ("sip-auth-user", self.sip_auth_user),
            ("sip-auth-password", self.sip_auth_password),
        )?;
        let trunk_auth = login(
            ("sip-trunk-auth-user", self.sip_trunk_auth_user),
            ("sip-trunk-auth-password", self.sip_trunk_auth_password),
        )?;
        let auth_realm = self
            .sip_auth_realm
            .map(|r| r.trim().to_owned())
            .unwrap_or_else(|| AUTH_REALM.to_owned());
        if auth_realm.is_empty() || auth_realm.contains(['"', '\\']) {
            return Err(invalid(
                "sip-auth-realm",
                "a realm is a non-empty name without quotes or backslashes",
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
            auth,
            auth_realm,
            trunk_auth,
        })
    }
}

/// A user name and password, both set or neither.
fn login(
    (user_key, user): (&'static str, Option<String>),
    (password_key, password): (&'static str, Option<Secret>),
) -> Result<Option<DigestLogin>, ConfigError> {
    match (user.map(|u| u.trim().to_owned()), password) {
        (None, None) => Ok(None),
        (Some(user), Some(password)) if !user.is_empty() && !password.0.is_empty() => {
            Ok(Some(DigestLogin { user, password }))
        }
        (Some(_), _) => Err(invalid(
            password_key,
            format!("set a non-empty password with {user_key}"),
        )),
        (None, Some(_)) => Err(invalid(
            user_key,
            format!("set a non-empty user name with {password_key}"),
        )),
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
