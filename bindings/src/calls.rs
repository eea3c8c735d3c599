//! `Calls`: placing calls through the gateway, verifying the mobile number,
//! and hearing how calls go.

use std::sync::Arc;

use splitline_core::{
    calls::routing::{CallPlan, CallRequest},
    client::Client,
    sync::SyncUpdate,
};

use crate::{
    CallAsk, CallPlanInfo, CallUpdateInfo, IncomingCallInfo, PlacedCallInfo, SplitlineError,
    Subscription, VerificationInfo,
    dispatch::{Signal, subscribe},
};

/// Hears how calls go; called on a listener thread, in order.
#[uniffi::export(with_foreign)]
pub trait CallListener: Send + Sync {
    /// A call the gateway places moved on.
    fn on_call_updated(&self, update: CallUpdateInfo);
    /// Someone calls the user; the gateway forwards the call to the mobile.
    fn on_incoming_call(&self, call: IncomingCallInfo);
    /// The user's mobile number (E.164) was verified.
    fn on_mobile_verified(&self, number: String);
}

/// Calls through the gateway (they need it now: `Offline` before signing in).
#[derive(uniffi::Object)]
pub struct Calls {
    client: Arc<Client>,
}

impl Calls {
    pub(crate) fn new(client: Arc<Client>) -> Self {
        Self { client }
    }

    /// The call `ask` describes, planned by the core, with the calls it was planned on.
    async fn planned(
        &self,
        ask: CallAsk,
    ) -> Result<(splitline_core::calls::Calls, CallPlan), SplitlineError> {
        let (callee, preference, device, policy, caller) = ask.parts()?;
        let calls = self.client.calls()?;
        let request = CallRequest {
            callee: &callee,
            preference,
            device: &device,
            policy: &policy,
            caller: &caller,
        };
        let plan = calls.plan(request).await?;
        Ok((calls, plan))
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Calls {
    /// Chooses how to place a call (needs the gateway when access numbers
    /// are offered). Throws `Invalid` for a bad number or address and
    /// `CallNotPossible` when no route is left, with the reasons.
    pub async fn plan(&self, ask: CallAsk) -> Result<CallPlanInfo, SplitlineError> {
        let (_, plan) = self.planned(ask).await?;
        Ok(plan.into())
    }

    /// Plans a call as `plan` does and has the gateway place it: a callback
    /// (answer the call from `callback_from`) or a call-through (dial `dial`
    /// now). Throws `Invalid` when the plan is a call over data, which the
    /// phone's SIP stack places itself.
    pub async fn place(&self, ask: CallAsk) -> Result<PlacedCallInfo, SplitlineError> {
        let (calls, plan) = self.planned(ask).await?;
        Ok(calls.place(&plan).await?.into())
    }

    /// Hangs up or cancels a call the gateway is placing.
    pub async fn hang_up(&self, call_id: String) -> Result<(), SplitlineError> {
        Ok(self.client.calls()?.hang_up(&call_id).await?)
    }

    /// Starts proving `number` (E.164) is the user's mobile: the gateway
    /// rings it once from a caller id that ends in the code.
    pub async fn verify_mobile_number(
        &self,
        number: String,
    ) -> Result<VerificationInfo, SplitlineError> {
        Ok(self.client.calls()?.verify_number(&number).await?.into())
    }

    /// Confirms the flash call's code; returns the verified number.
    pub async fn confirm_mobile_number(
        &self,
        code: String,
    ) -> Result<Option<String>, SplitlineError> {
        Ok(self.client.calls()?.confirm_number(&code).await?.verified)
    }

    /// Tells `listener` how calls go until the handle is cancelled or dropped.
    pub fn subscribe(
        &self,
        listener: Arc<dyn CallListener>,
    ) -> Result<Arc<Subscription>, SplitlineError> {
        let subscription = subscribe(self.client.subscribe(), move |signals| {
            for signal in signals {
                let Signal::Update(SyncUpdate::Changed(changes)) = signal else {
                    continue;
                };
                for update in changes.calls {
                    listener.on_call_updated(update.into());
                }
                for call in changes.incoming_calls {
                    listener.on_incoming_call(call.into());
                }
                if let Some(number) = changes.mobile_verified {
                    listener.on_mobile_verified(number);
                }
            }
        })?;
        Ok(Arc::new(subscription))
    }
}
