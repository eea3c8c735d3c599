//! Configuration: defaults, overridden by a TOML file, overridden by environment
//! variables, overridden by flags. Validated once at start.
//!
//! The settings come in groups, one per area, each with its own checks and
//! defaults: [`http`], [`xmpp`], [`sessions`], [`sip`] (with [`sip_inbound`]),
//! [`access_numbers`] and [`push`].
//! The groups are flattened, so every flag, variable and file key is a
//! top-level name. This module is a leaf: it reads nothing of the gateway.

pub mod access_numbers;
pub mod http;
pub mod push;
pub mod sessions;
pub mod sip;
pub mod sip_inbound;
pub mod xmpp;

use std::path::{Path, PathBuf};

use clap::Parser;
use serde::{Deserialize, Serialize};
use splitline_protocol::AccessNumber;

pub use access_numbers::AccessNumberSettings;
pub use http::{HttpConfig, HttpSettings, TlsFiles};
pub use push::{PushConfig, PushSettings};
pub use sessions::{SessionConfig, SessionSettings};
pub use sip::{CallPolicyConfig, SipConfig, SipSettings};
pub use sip_inbound::{DigestLogin, Secret, SipInbound, SipInboundSettings};
pub use xmpp::{XmppConfig, XmppSettings, XmppTransport};

/// Settings that can come from the file, the environment or flags. Every field is
/// optional here; [`Config`] holds the merged, validated result.
#[derive(Debug, Default, Clone, Parser, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
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
    #[command(flatten)]
    #[serde(flatten)]
    pub http: HttpSettings,
    #[command(flatten)]
    #[serde(flatten)]
    pub xmpp: XmppSettings,
    #[command(flatten)]
    #[serde(flatten)]
    pub sessions: SessionSettings,
    #[command(flatten)]
    #[serde(flatten)]
    pub directory: AccessNumberSettings,
    #[command(flatten)]
    #[serde(flatten)]
    pub sip: SipSettings,
    #[command(flatten)]
    #[serde(flatten)]
    pub push: PushSettings,
}

/// The gateway's validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where and how the protocol and the metrics are served.
    pub http: HttpConfig,
    /// The XMPP server and the domains served.
    pub xmpp: XmppConfig,
    /// Session limits and timers.
    pub sessions: SessionConfig,
    /// The access-number directory, normalised.
    pub access_numbers: Vec<AccessNumber>,
    /// SIP call control; `None`: calls are off.
    pub sip: Option<SipConfig>,
    /// Web Push wake-ups; `None`: push is off (no data directory).
    pub push: Option<PushConfig>,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not valid TOML for these settings.
    #[error("invalid config file {path}: {source}")]
    Parse {
        path: PathBuf,
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
        match &self.config {
            Some(path) => {
                let file = Self::from_file(path)?;
                self.over(file)?.validate()
            }
            None => self.validate(),
        }
    }

    fn from_file(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text).map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source,
        })
    }

    /// Settings from a config file's text. A key that names no setting is
    /// refused (serde's `deny_unknown_fields` does not work across the
    /// flattened groups, so the keys are checked here).
    pub(crate) fn from_toml(text: &str) -> Result<Settings, toml::de::Error> {
        let table: toml::Table = toml::from_str(text)?;
        let known = Self::keys();
        if let Some(unknown) = table.keys().find(|key| !known.contains(key)) {
            let expected: Vec<String> = known.iter().map(|key| format!("`{key}`")).collect();
            return Err(serde::de::Error::custom(format!(
                "unknown field `{unknown}`, expected one of {}",
                expected.join(", ")
            )));
        }
        toml::from_str(text)
    }

    /// Every file key: the names of all settings but `config`.
    fn keys() -> Vec<String> {
        match serde_json::to_value(Settings::default()) {
            Ok(serde_json::Value::Object(map)) => map.into_iter().map(|(key, _)| key).collect(),
            _ => Vec::new(),
        }
    }

    /// These settings where set, `base` elsewhere: a generic merge over the
    /// settings' serialised form, so no group needs its own.
    fn over(self, base: Settings) -> Result<Settings, ConfigError> {
        let merge = |e: serde_json::Error| invalid("config", e.to_string());
        let mut merged = serde_json::to_value(base).map_err(merge)?;
        if let (serde_json::Value::Object(merged), serde_json::Value::Object(top)) =
            (&mut merged, serde_json::to_value(&self).map_err(merge)?)
        {
            merged.extend(top.into_iter().filter(|(_, value)| !value.is_null()));
        }
        let mut settings: Settings = serde_json::from_value(merged).map_err(merge)?;
        settings.config = self.config;
        Ok(settings)
    }

    /// Applies defaults and checks the result.
    pub fn validate(self) -> Result<Config, ConfigError> {
        let data_dir = self.sip.data_dir.clone();
        let sip = self.sip.validate()?;
        let http = self.http.validate()?;
        let xmpp = self.xmpp.validate()?;
        let sessions = self.sessions.validate()?;
        let access_numbers = self.directory.validate()?;
        let push = self.push.validate(data_dir, &xmpp.domains)?;
        Ok(Config {
            http,
            xmpp,
            sessions,
            access_numbers,
            sip,
            push,
        })
    }
}

#[cfg(test)]
mod tests;
