//! Call setup with the gateway: reading its access-number directory and
//! planning a call's route from it (see [`crate::call_routing`]).

use splitline_protocol::AccessNumber;

use crate::{
    call_routing::{self, CallPlan, CallRequest, RoutingError},
    gateway_client::{ClientError, GatewayClient},
};

/// A call that could not be planned.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CallError {
    /// The gateway could not be asked.
    #[error(transparent)]
    Gateway(#[from] ClientError),
    /// The call cannot be placed as asked.
    #[error(transparent)]
    Routing(#[from] RoutingError),
}

/// The current session's call requests.
pub struct Calls {
    gateway: GatewayClient,
    token: String,
}

impl Calls {
    pub(crate) fn new(gateway: GatewayClient, token: String) -> Self {
        Self { gateway, token }
    }

    /// The gateway's access numbers (points of presence).
    pub async fn access_numbers(&self) -> Result<Vec<AccessNumber>, ClientError> {
        Ok(self.gateway.access_numbers(&self.token).await?.numbers)
    }

    /// Plans a call. A bad callee is refused before the gateway is asked;
    /// the directory is read only when the policy offers access numbers.
    pub async fn plan(&self, request: CallRequest<'_>) -> Result<CallPlan, CallError> {
        call_routing::resolve(request.callee, &request.caller.home_country)?;
        let directory = if request.policy.access_numbers {
            self.access_numbers().await?
        } else {
            Vec::new()
        };
        Ok(call_routing::plan(request, &directory)?)
    }
}
