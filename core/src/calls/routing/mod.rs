//! Choosing how a call goes: over data through the phone's platform SIP
//! stack, by a carrier callback (the gateway calls the user's mobile and
//! bridges), or through a local access number (call-through). Carrier voice
//! is the default; the plan says why it chose what it chose.

use std::fmt;

use splitline_protocol::{AccessNumber, LineKind, NumberError, PhoneNumber};

use super::access_numbers::{self, CallOrigin};

/// The phone's data connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// No data connection.
    None,
    /// Wi-Fi (or another unmetered network).
    Wifi,
    /// Mobile data.
    Cellular,
}

/// What the device reports when the user asks to call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceReport {
    /// The platform's SIP stack exists and can place calls.
    pub platform_sip: bool,
    /// The data connection.
    pub network: Network,
    /// Roaming on a network that is not the SIM's own.
    pub roaming: bool,
    /// The country the phone is in, from the network (ISO 3166 alpha-2).
    pub country: String,
    /// The network operator (MCC and MNC), for logs and carrier policy.
    pub operator: Option<String>,
}

/// The carrier's rules for calls (part of a white-label build).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallPolicy {
    /// Calls over data through the platform SIP stack are allowed.
    pub voip_over_data: bool,
    /// ... also on mobile data (otherwise Wi-Fi only).
    pub voip_on_cellular: bool,
    /// Carrier callbacks are offered.
    pub callback: bool,
    /// Access numbers (call-through) are offered.
    pub access_numbers: bool,
}

/// How the user would like to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preference {
    /// Let Splitline choose (carrier voice first).
    Automatic,
    /// Over data, if at all possible.
    Data,
    /// A callback to the user's mobile.
    Callback,
    /// Dial a local access number.
    AccessNumber,
}

/// Whom to call, as the user chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalleeInput {
    /// A network contact, by address.
    Contact(String),
    /// A telephone number as typed or stored in the address book.
    Number(String),
}

/// Whom to call, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A network contact's bare address.
    Contact(String),
    /// A telephone number.
    Number(PhoneNumber),
}

/// The user's account, as routing needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The SIM's home country (ISO 3166 alpha-2): local numbers are read in it.
    pub home_country: String,
    /// The user's mobile number, once verified (callbacks go only there).
    pub verified_number: Option<PhoneNumber>,
}

/// How the call goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Over data, through the platform SIP stack.
    PlatformSip,
    /// The gateway calls the user's mobile back and bridges the callee.
    Callback,
    /// The app dials this access number; the gateway bridges the callee.
    AccessNumber(AccessNumber),
}

/// One reason behind a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No data connection: no call can be set up.
    NoDataConnection,
    /// The phone has no platform SIP stack.
    NoPlatformSip,
    /// The carrier does not allow calls over data.
    DataCallsNotAllowed,
    /// Calls over data are allowed on Wi-Fi only.
    DataCallsWifiOnly,
    /// Calls over data are not used while roaming on mobile data.
    RoamingOnCellular,
    /// Callbacks are not offered.
    CallbackNotOffered,
    /// The user's mobile number is not verified, so no callback.
    NumberNotVerified,
    /// Access numbers are not offered.
    AccessNumbersNotOffered,
    /// No access number makes the call cheap from here.
    NoLocalAccessNumber,
    /// Roaming: a local access number avoids paying for a callback abroad.
    RoamingPrefersAccessNumber,
    /// Carrier voice is the default.
    CarrierVoiceFirst,
    /// Over Wi-Fi, as the user preferred.
    UserChoseData,
    /// As the user preferred.
    UserChoseRoute,
    /// The only way left.
    OnlyWayLeft,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoDataConnection => "calls are set up over data, and there is no connection",
            Self::NoPlatformSip => "this phone cannot place calls over data",
            Self::DataCallsNotAllowed => "your carrier does not allow calls over data",
            Self::DataCallsWifiOnly => "calls over data are allowed on Wi-Fi only",
            Self::RoamingOnCellular => "calls over mobile data are not used while roaming",
            Self::CallbackNotOffered => "callbacks are not offered",
            Self::NumberNotVerified => "your mobile number is not verified yet",
            Self::AccessNumbersNotOffered => "access numbers are not offered",
            Self::NoLocalAccessNumber => "no access number is a local call from here",
            Self::RoamingPrefersAccessNumber => {
                "you are roaming: a local access number avoids a callback abroad"
            }
            Self::CarrierVoiceFirst => "calls use your carrier's voice service by default",
            Self::UserChoseData => "as you chose, over data",
            Self::UserChoseRoute => "as you chose",
            Self::OnlyWayLeft => "the only way left",
        })
    }
}

/// The chosen route and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallPlan {
    /// Whom to call.
    pub target: Target,
    pub route: Route,
    /// Why, in order: what ruled other routes out, then what chose this one.
    pub reasons: Vec<Reason>,
}

impl CallPlan {
    /// The reasons as one sentence, for the UI and logs.
    pub fn explanation(&self) -> String {
        let reasons: Vec<String> = self.reasons.iter().map(ToString::to_string).collect();
        reasons.join("; ")
    }
}

/// A call that cannot be placed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    /// The number is not one to call.
    #[error(transparent)]
    Number(#[from] NumberError),
    /// Premium-rate numbers are never called through the gateway.
    #[error("premium-rate numbers cannot be called through Splitline; dial them directly")]
    PremiumRate,
    /// Not a network address.
    #[error("'{0}' is not a contact's address (name@domain)")]
    BadAddress(String),
    /// Every route is ruled out.
    #[error("no way to place this call: {}", explain(.0))]
    NoRoute(Vec<Reason>),
}

fn explain(reasons: &[Reason]) -> String {
    let reasons: Vec<String> = reasons.iter().map(ToString::to_string).collect();
    reasons.join("; ")
}

/// Everything a routing decision depends on.
#[derive(Debug, Clone, Copy)]
pub struct CallRequest<'a> {
    /// Whom to call.
    pub callee: &'a CalleeInput,
    /// How the user would like to call.
    pub preference: Preference,
    /// What the device reports.
    pub device: &'a DeviceReport,
    /// The carrier's rules.
    pub policy: &'a CallPolicy,
    pub caller: &'a Caller,
}

/// Checks whom to call: a contact's address, or a number read in the
/// SIM's home country.
pub(crate) fn resolve(callee: &CalleeInput, home_country: &str) -> Result<Target, RoutingError> {
    match callee {
        CalleeInput::Contact(address) => {
            let address = address.trim();
            let valid = address
                .split_once('@')
                .is_some_and(|(user, domain)| !user.is_empty() && !domain.is_empty())
                && !address.contains(char::is_whitespace)
                && !address.contains('/');
            if valid {
                Ok(Target::Contact(address.to_lowercase()))
            } else {
                Err(RoutingError::BadAddress(address.to_owned()))
            }
        }
        CalleeInput::Number(input) => {
            let number = PhoneNumber::parse(input, home_country)?;
            if number.kind == LineKind::PremiumRate {
                return Err(RoutingError::PremiumRate);
            }
            Ok(Target::Number(number))
        }
    }
}

/// Chooses the route for a call, with `directory` the gateway's access numbers.
pub fn plan(
    request: CallRequest<'_>,
    directory: &[AccessNumber],
) -> Result<CallPlan, RoutingError> {
    let CallRequest {
        callee,
        preference,
        device,
        policy,
        caller,
    } = request;
    let target = resolve(callee, &caller.home_country)?;
    if device.network == Network::None {
        // Every route is set up with the gateway over data.
        return Err(RoutingError::NoRoute(vec![Reason::NoDataConnection]));
    }
    let mut reasons = Vec::new();

    let data = data_blocker(device, policy);
    let callback = if !policy.callback {
        Err(Reason::CallbackNotOffered)
    } else if caller.verified_number.is_none() {
        Err(Reason::NumberNotVerified)
    } else {
        Ok(())
    };
    let access = if policy.access_numbers {
        access_numbers::pick(
            directory,
            CallOrigin {
                country: &device.country,
                roaming: device.roaming,
                own_number: caller.verified_number.as_ref(),
            },
        )
        .ok_or(Reason::NoLocalAccessNumber)
    } else {
        Err(Reason::AccessNumbersNotOffered)
    };

    let chosen = |route, why: Reason, mut reasons: Vec<Reason>| {
        reasons.push(why);
        Ok(CallPlan {
            target: target.clone(),
            route,
            reasons,
        })
    };
    // The user's own choice, when it is possible.
    match preference {
        Preference::Data => match data {
            Ok(()) => return chosen(Route::PlatformSip, Reason::UserChoseData, reasons),
            Err(why) => reasons.push(why),
        },
        Preference::Callback => match callback {
            Ok(()) => return chosen(Route::Callback, Reason::UserChoseRoute, reasons),
            Err(why) => reasons.push(why),
        },
        Preference::AccessNumber => match &access {
            Ok(number) => {
                return chosen(
                    Route::AccessNumber((*number).clone()),
                    Reason::UserChoseRoute,
                    reasons,
                );
            }
            Err(why) => reasons.push(*why),
        },
        Preference::Automatic => {}
    }
    // Carrier voice first: roaming, a local access number beats a callback
    // abroad; otherwise a callback, then an access number; data last.
    if device.roaming
        && let Ok(number) = &access
    {
        return chosen(
            Route::AccessNumber((*number).clone()),
            Reason::RoamingPrefersAccessNumber,
            reasons,
        );
    }
    let mut fallback = |why| {
        if !reasons.contains(&why) {
            reasons.push(why);
        }
    };
    match callback {
        Ok(()) => return chosen(Route::Callback, Reason::CarrierVoiceFirst, reasons),
        Err(why) => fallback(why),
    }
    match access {
        Ok(number) => {
            return chosen(
                Route::AccessNumber(number.clone()),
                Reason::CarrierVoiceFirst,
                reasons,
            );
        }
        Err(why) => fallback(why),
    }
    match data {
        Ok(()) => chosen(Route::PlatformSip, Reason::OnlyWayLeft, reasons),
        Err(why) => {
            fallback(why);
            Err(RoutingError::NoRoute(reasons))
        }
    }
}

/// Why a call cannot go over data, if it cannot.
fn data_blocker(device: &DeviceReport, policy: &CallPolicy) -> Result<(), Reason> {
    if !device.platform_sip {
        Err(Reason::NoPlatformSip)
    } else if !policy.voip_over_data {
        Err(Reason::DataCallsNotAllowed)
    } else if device.network == Network::Cellular && device.roaming {
        Err(Reason::RoamingOnCellular)
    } else if device.network != Network::Wifi && !policy.voip_on_cellular {
        Err(Reason::DataCallsWifiOnly)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
