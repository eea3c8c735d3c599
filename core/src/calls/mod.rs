//! Calls: choosing a route ([`routing`]), the access number that makes a
//! call local ([`access_numbers`]), and call setup with the gateway: reading
//! its access-number directory, planning a call's route from it, placing the
//! planned call, hanging up, proving the user's mobile number and reading
//! the call records.

pub(crate) mod access_numbers;
pub mod routing;

use splitline_protocol::{
    AccessNumber, CallRecord, CallStarted, Callee, MobileNumber, StartCallRequest,
    VerificationStarted,
};

use routing::{CallPlan, CallRequest, Route, RoutingError, Target};

use crate::gateway::{GatewayError, SessionHandle};

/// A call that could not be planned.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallSetupError {
    /// The gateway could not be asked.
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    /// The call cannot be placed as asked.
    #[error(transparent)]
    Routing(#[from] RoutingError),
    /// The plan is a call over data: the phone's own SIP stack places it,
    /// not the gateway.
    #[error("this call goes over data through the phone's SIP stack, not through the gateway")]
    NotThroughGateway,
}

/// A call the gateway is placing, and what the phone does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedCall {
    /// The gateway's call.
    pub started: CallStarted,
    /// For a call-through: what the phone dials now, the access number and
    /// its post-dial digits if it has any (`,` a pause, `;` a wait, as
    /// Android's dialer reads them). For a callback: none; the phone answers the call from
    /// `started.callback_from`.
    pub dial: Option<String>,
}

/// What the phone dials for a call-through to `access`.
fn dial_string(access: &AccessNumber) -> String {
    format!(
        "{}{}",
        access.number,
        access.post_dial.as_deref().unwrap_or("")
    )
}

/// Call requests on the current session: each uses the sync engine's
/// gateway client and the token of the latest sign-in.
pub struct Calls {
    session: SessionHandle,
}

impl Calls {
    pub(crate) fn new(session: SessionHandle) -> Self {
        Self { session }
    }

    /// The gateway's access numbers (points of presence).
    pub async fn access_numbers(&self) -> Result<Vec<AccessNumber>, GatewayError> {
        let (gateway, token) = self.session.current()?;
        Ok(gateway.access_numbers(&token).await?.numbers)
    }

    /// Asks the gateway to place a planned call: a callback, or a reserved
    /// call-through whose access number the phone then dials.
    pub async fn place(&self, plan: &CallPlan) -> Result<PlacedCall, CallSetupError> {
        let callee = match &plan.target {
            Target::Contact(jid) => Callee::Contact { jid: jid.clone() },
            Target::Number(number) => Callee::Number {
                number: number.e164.clone(),
            },
        };
        let access = match &plan.route {
            Route::PlatformSip => return Err(CallSetupError::NotThroughGateway),
            Route::Callback => None,
            Route::AccessNumber(access) => Some(access),
        };
        let request = StartCallRequest {
            callee,
            access_number: access.map(|a| a.number.clone()),
        };
        let dial = access.map(dial_string);
        let (gateway, token) = self.session.current()?;
        let started = gateway.start_call(&token, &request).await?;
        Ok(PlacedCall { started, dial })
    }

    /// Hangs up (or cancels) a call.
    pub async fn hang_up(&self, call_id: &str) -> Result<(), GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.hang_up(&token, call_id).await
    }

    /// The user's mobile number as the gateway knows it.
    pub async fn mobile_number(&self) -> Result<MobileNumber, GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.mobile_number(&token).await
    }

    /// Starts proving `number` (E.164) is the user's: the gateway rings it
    /// once from a caller id that ends in a code.
    pub async fn verify_number(&self, number: &str) -> Result<VerificationStarted, GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.verify_number(&token, number).await
    }

    /// Confirms the code the flash call carried.
    pub async fn confirm_number(&self, code: &str) -> Result<MobileNumber, GatewayError> {
        let (gateway, token) = self.session.current()?;
        gateway.confirm_number(&token, code).await
    }

    /// The user's call records, oldest first.
    pub async fn records(&self) -> Result<Vec<CallRecord>, GatewayError> {
        let (gateway, token) = self.session.current()?;
        Ok(gateway.call_records(&token).await?.records)
    }

    /// Plans a call. A bad callee is refused before the gateway is asked;
    /// the directory is read only when the policy offers access numbers.
    pub async fn plan(&self, request: CallRequest<'_>) -> Result<CallPlan, CallSetupError> {
        routing::resolve(request.callee, &request.caller.home_country)?;
        let directory = if request.policy.access_numbers {
            self.access_numbers().await?
        } else {
            Vec::new()
        };
        Ok(routing::plan(request, &directory)?)
    }
}

#[cfg(test)]
mod tests {
    use splitline_protocol::CostClass;

    use super::*;

    #[test]
    fn a_call_through_dials_the_access_number_then_its_post_dial_digits() {
        let mut access = AccessNumber {
            number: "+442079460000".into(),
            country: "GB".into(),
            area_prefixes: vec![],
            cost_class: CostClass::Local,
            post_dial: None,
        };
        assert_eq!(dial_string(&access), "+442079460000");
        access.post_dial = Some(",,2#".into());
        assert_eq!(dial_string(&access), "+442079460000,,2#");
    }
}
