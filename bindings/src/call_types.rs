//! The FFI's call types, converted to and from the core's: planning a
//! call, placing it, its updates, and proving the mobile number.

use splitline_core::{
    calls::{
        PlacedCall,
        routing::{
            CallPlan, CallPolicy, CalleeInput, Caller, DeviceReport, Network, Preference, Route,
            Target,
        },
    },
    store::{CallUpdate, IncomingCall},
};
use splitline_protocol::{CallEndReason, CallState, CostClass, PhoneNumber, VerificationStarted};

use crate::SplitlineError;

/// The phone's data connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DataNetwork {
    /// No data connection.
    None,
    /// Wi-Fi.
    Wifi,
    /// Mobile data.
    Cellular,
}

/// What the device reports when the user asks to call.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CallDevice {
    /// The platform's SIP stack exists and can place calls.
    pub platform_sip: bool,
    /// The data connection.
    pub network: DataNetwork,
    /// Roaming.
    pub roaming: bool,
    /// The country the phone is in, from the network (ISO 3166 alpha-2).
    pub country: String,
    /// The network operator (MCC and MNC).
    pub operator: Option<String>,
}

/// The carrier's rules for calls, from the white-label build.
#[derive(Debug, Clone, Copy, uniffi::Record)]
pub struct CallRules {
    /// Calls over data are allowed.
    pub voip_over_data: bool,
    /// ... on mobile data too, not only Wi-Fi.
    pub voip_on_cellular: bool,
    /// Carrier callbacks are offered.
    pub callback: bool,
    /// Access numbers are offered.
    pub access_numbers: bool,
}

/// How the user would like to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CallPreference {
    /// Let Splitline choose.
    Automatic,
    /// Over data.
    Data,
    /// A callback to the user's mobile.
    Callback,
    /// A local access number.
    AccessNumber,
}

/// Whom to call.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum CallCallee {
    /// A network contact.
    Contact {
        /// The contact's address.
        address: String,
    },
    /// A telephone number as typed or stored in the address book.
    Number {
        /// The number.
        number: String,
    },
}

/// A call the user asks for.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CallAsk {
    /// Whom to call.
    pub callee: CallCallee,
    /// How the user would like to call.
    pub preference: CallPreference,
    /// What the device reports.
    pub device: CallDevice,
    /// The carrier's rules.
    pub rules: CallRules,
    /// The SIM's home country (ISO 3166 alpha-2).
    pub home_country: String,
    /// The user's verified mobile number (E.164), if verified.
    pub verified_number: Option<String>,
}

/// How a call goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CallRoute {
    /// Over data, through the platform SIP stack.
    PlatformSip,
    /// The gateway calls the user's mobile back.
    Callback,
    /// The app dials an access number.
    AccessNumber,
}

/// The chosen way to call.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CallPlanInfo {
    /// How.
    pub route: CallRoute,
    /// Whom: the contact's address, or the number in E.164.
    pub target: String,
    /// The access number to dial (E.164), for `AccessNumber`.
    pub access_number: Option<String>,
    /// Whether that number is free to call.
    pub access_number_toll_free: bool,
    /// Why, as a sentence for the UI.
    pub explanation: String,
}

impl CallAsk {
    /// The core's parts of this request.
    pub(crate) fn parts(
        &self,
    ) -> Result<(CalleeInput, Preference, DeviceReport, CallPolicy, Caller), SplitlineError> {
        let callee = match &self.callee {
            CallCallee::Contact { address } => CalleeInput::Contact(address.clone()),
            CallCallee::Number { number } => CalleeInput::Number(number.clone()),
        };
        let preference = match self.preference {
            CallPreference::Automatic => Preference::Automatic,
            CallPreference::Data => Preference::Data,
            CallPreference::Callback => Preference::Callback,
            CallPreference::AccessNumber => Preference::AccessNumber,
        };
        let device = DeviceReport {
            platform_sip: self.device.platform_sip,
            network: match self.device.network {
                DataNetwork::None => Network::None,
                DataNetwork::Wifi => Network::Wifi,
                DataNetwork::Cellular => Network::Cellular,
            },
            roaming: self.device.roaming,
            country: self.device.country.trim().to_ascii_uppercase(),
            operator: self.device.operator.clone(),
        };
        let policy = CallPolicy {
            voip_over_data: self.rules.voip_over_data,
            voip_on_cellular: self.rules.voip_on_cellular,
            callback: self.rules.callback,
            access_numbers: self.rules.access_numbers,
        };
        let verified_number = self
            .verified_number
            .as_deref()
            .map(PhoneNumber::parse_e164)
            .transpose()
            .map_err(|e| SplitlineError::invalid(format!("the verified number: {e}")))?;
        let caller = Caller {
            home_country: self.home_country.trim().to_ascii_uppercase(),
            verified_number,
        };
        Ok((callee, preference, device, policy, caller))
    }
}

impl From<CallPlan> for CallPlanInfo {
    fn from(plan: CallPlan) -> Self {
        let explanation = plan.explanation();
        let target = match plan.target {
            Target::Contact(address) => address,
            Target::Number(number) => number.e164,
        };
        let (route, access) = match plan.route {
            Route::PlatformSip => (CallRoute::PlatformSip, None),
            Route::Callback => (CallRoute::Callback, None),
            Route::AccessNumber(number) => (CallRoute::AccessNumber, Some(number)),
        };
        Self {
            route,
            target,
            access_number_toll_free: access
                .as_ref()
                .is_some_and(|n| n.cost_class == CostClass::TollFree),
            access_number: access.map(|n| n.number),
            explanation,
        }
    }
}

/// Where a call the gateway places is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CallPhase {
    /// A call-through is reserved: dial the access number now.
    AwaitingDial,
    /// The gateway calls the user's mobile (answer the call from `callback_from`).
    CallingYou,
    /// The user answered; the callee is being called.
    Connecting,
    /// The callee's phone rings.
    Ringing,
    /// Talking.
    Answered,
    /// Over; see the end.
    Ended,
}

/// Why a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CallEnd {
    /// The user hung up.
    YouHungUp,
    /// The other party hung up.
    CalleeHungUp,
    /// The user did not answer the callback or forwarded call.
    YouDidNotAnswer,
    /// The callee was busy or declined.
    Busy,
    /// The callee did not answer.
    NoAnswer,
    /// Called off before it was answered.
    Cancelled,
    /// A reserved call-through was not dialled in time.
    NotDialled,
    /// The callee cannot be reached.
    Unreachable,
    /// A network or protocol failure.
    Failed,
    /// The gateway stopped during the call.
    GatewayRestart,
}

/// A call that moved on.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CallUpdateInfo {
    /// The call.
    pub call_id: String,
    /// Where it is.
    pub phase: CallPhase,
    /// With `Ended`: why.
    pub end: Option<CallEnd>,
}

/// Someone calls the user; the gateway rings the user's mobile.
#[derive(Debug, Clone, uniffi::Record)]
pub struct IncomingCallInfo {
    /// The call.
    pub call_id: String,
    /// Who calls: a SIP address or a number.
    pub caller: String,
    /// The caller's display name, if given; unverified unless
    /// `caller_verified`, so show it as the caller's claim.
    pub caller_name: Option<String>,
    /// True only when the carrier's trusted trunk asserted the caller.
    pub caller_verified: bool,
    /// The caller id the mobile is rung from.
    pub callback_from: String,
}

/// A call the gateway is placing, and what the phone does next.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PlacedCallInfo {
    /// The call, for hanging up and in updates.
    pub call_id: String,
    /// For a call-through: what to dial now, the access number followed by
    /// its post-dial digits where it has them (`,` a pause, `;` a wait).
    pub dial: Option<String>,
    /// For a callback: answer the call from this number.
    pub callback_from: String,
}

/// A flash-call verification under way.
#[derive(Debug, Clone, uniffi::Record)]
pub struct VerificationInfo {
    /// The number being verified (E.164).
    pub number: String,
    /// The flash call's caller id starts with this.
    pub caller_prefix: String,
    /// How many digits of code follow the prefix.
    pub code_digits: u8,
    /// Seconds the code stays valid.
    pub expires_in_secs: u64,
}

impl From<CallUpdate> for CallUpdateInfo {
    fn from(update: CallUpdate) -> Self {
        let phase = match update.state {
            CallState::AwaitingDial => CallPhase::AwaitingDial,
            CallState::CallingYou => CallPhase::CallingYou,
            CallState::Connecting => CallPhase::Connecting,
            CallState::Ringing => CallPhase::Ringing,
            CallState::Answered => CallPhase::Answered,
            CallState::Ended => CallPhase::Ended,
        };
        let end = update.reason.map(|reason| match reason {
            CallEndReason::YouHungUp => CallEnd::YouHungUp,
            CallEndReason::CalleeHungUp => CallEnd::CalleeHungUp,
            CallEndReason::YouDidNotAnswer => CallEnd::YouDidNotAnswer,
            CallEndReason::Busy => CallEnd::Busy,
            CallEndReason::NoAnswer => CallEnd::NoAnswer,
            CallEndReason::Cancelled => CallEnd::Cancelled,
            CallEndReason::NotDialled => CallEnd::NotDialled,
            CallEndReason::Unreachable => CallEnd::Unreachable,
            CallEndReason::Failed => CallEnd::Failed,
            CallEndReason::GatewayRestart => CallEnd::GatewayRestart,
        });
        Self {
            call_id: update.call_id,
            phase,
            end,
        }
    }
}

impl From<IncomingCall> for IncomingCallInfo {
    fn from(call: IncomingCall) -> Self {
        Self {
            call_id: call.call_id,
            caller: call.caller,
            caller_name: call.caller_name,
            caller_verified: call.caller_verified,
            callback_from: call.callback_from,
        }
    }
}

impl From<PlacedCall> for PlacedCallInfo {
    fn from(placed: PlacedCall) -> Self {
        Self {
            call_id: placed.started.call_id,
            dial: placed.dial,
            callback_from: placed.started.callback_from,
        }
    }
}

impl From<VerificationStarted> for VerificationInfo {
    fn from(started: VerificationStarted) -> Self {
        Self {
            number: started.number,
            caller_prefix: started.caller_prefix,
            code_digits: started.code_digits,
            expires_in_secs: started.expires_in_secs,
        }
    }
}
