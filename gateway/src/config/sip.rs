//! The SIP group: call control, on when `sip-listen` is set, with the
//! carrier's trunk and registrar, the caller ids, the timers and the limits.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::Args;
use serde::{Deserialize, Serialize};
use splitline_protocol::{LineKind, PhoneNumber, is_country};

use super::{
    ConfigError, invalid,
    sip_inbound::{SipInbound, SipInboundSettings},
};

const CALLBACK_ANSWER_SECS: u64 = 30;
const RING_TIMEOUT_SECS: u64 = 45;
const CALL_THROUGH_DIAL_SECS: u64 = 60;
const CALLS_PER_ACCOUNT_PER_HOUR: u32 = 20;
const VERIFICATIONS_PER_ACCOUNT_PER_DAY: u32 = 5;
const CALLS_PER_MINUTE: u32 = 300;
const MAX_CONCURRENT_CALLS: usize = 200;
/// The home country when none is configured.
const HOME_COUNTRY: &str = "GB";
/// The kinds of line the trunk may call when none are configured.
pub(crate) const CALL_LINE_TYPES: [LineKind; 2] = [LineKind::FixedLine, LineKind::Mobile];
/// The names of the kinds of line a carrier may allow, as configured.
const LINE_TYPE_NAMES: [(&str, LineKind); 7] = [
    ("fixed", LineKind::FixedLine),
    ("mobile", LineKind::Mobile),
    ("toll-free", LineKind::TollFree),
    ("uan", LineKind::Uan),
    ("voip", LineKind::Voip),
    ("personal", LineKind::Personal),
    ("pager", LineKind::Pager),
];

/// SIP settings as given (file, environment or flags).
#[derive(Debug, Default, Clone, Args, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SipSettings {
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
    /// Directory for call records and verified numbers (needed with sip-listen),
    /// and for push registrations and the VAPID key (push is on with it).
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
    /// The gateway's home country (ISO 3166, like GB) [default: GB].
    #[arg(long, env = "SPLITLINE_HOME_COUNTRY")]
    pub home_country: Option<String>,
    /// Countries (ISO 3166) the trunk may call and verify mobiles in,
    /// comma-separated [default: the home country].
    #[arg(long, env = "SPLITLINE_CALL_COUNTRIES", value_delimiter = ',')]
    pub call_countries: Option<Vec<String>>,
    /// Kinds of line the trunk may call, comma-separated, of fixed, mobile,
    /// toll-free, uan, voip, personal, pager [default: fixed,mobile].
    /// Premium-rate and shared-cost numbers are never called.
    #[arg(long, env = "SPLITLINE_CALL_LINE_TYPES", value_delimiter = ',')]
    pub call_line_types: Option<Vec<String>>,
    /// E.164 prefixes never dialled, comma-separated (like +4470,+882), on
    /// top of the built-in list of high-cost ranges.
    #[arg(long, env = "SPLITLINE_DENY_PREFIXES", value_delimiter = ',')]
    pub deny_prefixes: Option<Vec<String>>,
    #[command(flatten)]
    #[serde(flatten)]
    pub inbound: SipInboundSettings,
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
    /// The number policy: where the trunk may call.
    pub policy: CallPolicyConfig,
    /// What INVITEs are taken, and whose identity is believed.
    pub inbound: SipInbound,
}

/// What the trunk may dial, checked: never empty lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallPolicyConfig {
    /// Countries calls and verifications may go to (ISO 3166 alpha-2); by
    /// default the gateway's home country.
    pub countries: Vec<String>,
    /// Kinds of line calls may go to.
    pub line_types: Vec<LineKind>,
    /// The carrier's own E.164 prefixes never dialled (digits, no `+`),
    /// on top of the built-in ones.
    pub deny_prefixes: Vec<String>,
}

impl SipSettings {
    /// The SIP settings: all of listen, trunk, registrar, caller ids and data
    /// directory, or none of them.
    pub(crate) fn validate(self) -> Result<Option<SipConfig>, ConfigError> {
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
        let policy = CallPolicyConfig::validate(
            self.home_country.as_deref(),
            self.call_countries.as_deref(),
            self.call_line_types.as_deref(),
            self.deny_prefixes.as_deref(),
        )?;
        let secs =
            |value: Option<u64>, default: u64| Duration::from_secs(value.unwrap_or(default).max(1));
        let trunk = self.sip_trunk.ok_or_else(|| need("sip-trunk"))?;
        let registrar = self.sip_registrar.ok_or_else(|| need("sip-registrar"))?;
        Ok(Some(SipConfig {
            listen,
            trunk,
            registrar,
            callback_caller_id,
            verification_caller_prefix: prefix,
            data_dir: self.data_dir.ok_or_else(|| need("data-dir"))?,
            callback_answer: secs(self.callback_answer_secs, CALLBACK_ANSWER_SECS),
            ring_timeout: secs(self.ring_timeout_secs, RING_TIMEOUT_SECS),
            call_through_dial: secs(self.call_through_dial_secs, CALL_THROUGH_DIAL_SECS),
            calls_per_account_per_hour: self
                .calls_per_account_per_hour
                .unwrap_or(CALLS_PER_ACCOUNT_PER_HOUR)
                .max(1),
            verifications_per_account_per_day: self
                .verifications_per_account_per_day
                .unwrap_or(VERIFICATIONS_PER_ACCOUNT_PER_DAY)
                .max(1),
            calls_per_minute: self.calls_per_minute.unwrap_or(CALLS_PER_MINUTE).max(1),
            max_concurrent_calls: self
                .max_concurrent_calls
                .unwrap_or(MAX_CONCURRENT_CALLS)
                .max(1),
            policy,
            inbound: self.inbound.validate(trunk, registrar)?,
        }))
    }
}

impl CallPolicyConfig {
    /// Checks the policy settings and fills in the safe defaults: the home
    /// country only, fixed and mobile lines only.
    fn validate(
        home_country: Option<&str>,
        countries: Option<&[String]>,
        line_types: Option<&[String]>,
        deny_prefixes: Option<&[String]>,
    ) -> Result<Self, ConfigError> {
        let home_country = country("home-country", home_country.unwrap_or(HOME_COUNTRY))?;
        let countries = match countries {
            None => vec![home_country],
            Some(list) => non_empty("call-countries", list)?
                .map(|c| country("call-countries", c))
                .collect::<Result<_, _>>()?,
        };
        let line_types = match line_types {
            None => CALL_LINE_TYPES.to_vec(),
            Some(list) => non_empty("call-line-types", list)?
                .map(line_type)
                .collect::<Result<_, _>>()?,
        };
        let deny_prefixes = deny_prefixes
            .unwrap_or_default()
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .map(deny_prefix)
            .collect::<Result<_, _>>()?;
        Ok(Self {
            countries,
            line_types,
            deny_prefixes,
        })
    }
}

/// The list's entries, trimmed; an empty list is refused, for there is no
/// "anything" to fall back to.
fn non_empty<'a>(
    setting: &'static str,
    list: &'a [String],
) -> Result<impl Iterator<Item = &'a str>, ConfigError> {
    if list.iter().all(|entry| entry.trim().is_empty()) {
        return Err(invalid(
            setting,
            "list at least one; leave the setting out for the safe default",
        ));
    }
    Ok(list.iter().map(|e| e.trim()).filter(|e| !e.is_empty()))
}

fn country(setting: &'static str, code: &str) -> Result<String, ConfigError> {
    let code = code.trim().to_ascii_uppercase();
    if is_country(&code) {
        Ok(code)
    } else {
        Err(invalid(
            setting,
            format!("'{code}' is not an ISO 3166 country code (like GB or DE)"),
        ))
    }
}

fn line_type(name: &str) -> Result<LineKind, ConfigError> {
    let name = name.to_ascii_lowercase();
    LINE_TYPE_NAMES
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, kind)| *kind)
        .ok_or_else(|| {
            let known: Vec<&str> = LINE_TYPE_NAMES.iter().map(|(n, _)| *n).collect();
            invalid(
                "call-line-types",
                format!("'{name}' is not one of {}", known.join(", ")),
            )
        })
}

/// An E.164 prefix: an optional `+` and 1 to 15 digits; the digits.
fn deny_prefix(prefix: &str) -> Result<String, ConfigError> {
    let digits = prefix.strip_prefix('+').unwrap_or(prefix);
    if (1..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits.to_owned())
    } else {
        Err(invalid(
            "deny-prefixes",
            format!("'{prefix}' is not an E.164 prefix (+ and digits, like +4470)"),
        ))
    }
}
