//! The call commands: the gateway's access numbers, how a call would be
//! placed from a phone in the terminal's country with no platform SIP stack
//! (the common case), placing and hanging up calls, proving the mobile
//! number by flash call, and the call records.

use splitline_core::{
    address_book::CallContext,
    calls::{
        Calls,
        routing::{
            CallPlan, CallPolicy, CallRequest, CalleeInput, Caller, DeviceReport, Network,
            Preference, Route, Target,
        },
    },
    client::Client,
    gateway::GatewayError,
};
use splitline_protocol::PhoneNumber;

/// Where the terminal's user is and their number, for planning calls.
pub struct CallSettings {
    /// Country (ISO 3166), taken as both where they are and their SIM's.
    pub country: Option<String>,
    /// Their verified mobile number.
    pub mobile: Option<String>,
}

/// Lists the gateway's access numbers.
pub async fn list_numbers(client: &Client) {
    let numbers = match client.calls() {
        Ok(calls) => calls.access_numbers().await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match numbers {
        Ok(numbers) if numbers.is_empty() => println!("the gateway lists no access numbers"),
        Ok(numbers) => {
            for n in numbers {
                let areas = if n.area_prefixes.is_empty() {
                    "whole country".to_owned()
                } else {
                    n.area_prefixes.join(", ")
                };
                println!("  {} {} {:?} ({areas})", n.number, n.country, n.cost_class);
            }
        }
        Err(e) => println!("error: {e}"),
    }
}

/// What a phone in the terminal's country with no platform SIP stack
/// reports, the policy that allows every route, and the user's account:
/// the mobile number is `--mobile`, or else the one the gateway has verified.
pub async fn context(calls: &Calls, here: &CallSettings) -> Result<CallContext, String> {
    let country = here
        .country
        .as_deref()
        .ok_or("start the terminal with --country (like GB) to plan calls")?
        .to_ascii_uppercase();
    let mobile = match &here.mobile {
        Some(mobile) => Some(mobile.clone()),
        None => calls.mobile_number().await.ok().and_then(|m| m.verified),
    };
    let verified_number = mobile
        .as_deref()
        .map(PhoneNumber::parse_e164)
        .transpose()
        .map_err(|e| format!("--mobile: {e}"))?;
    Ok(CallContext {
        preference: Preference::Automatic,
        device: DeviceReport {
            platform_sip: false,
            network: Network::Wifi,
            roaming: false,
            country: country.clone(),
            operator: None,
        },
        policy: CallPolicy {
            voip_over_data: true,
            voip_on_cellular: true,
            callback: true,
            access_numbers: true,
        },
        caller: Caller {
            home_country: country,
            verified_number,
        },
    })
}

/// Plans a call to `callee` in the terminal's [`context`].
async fn make_plan(
    client: &Client,
    here: &CallSettings,
    callee: &str,
) -> Result<(Calls, CallPlan), String> {
    let calls = client.calls().map_err(|e| e.to_string())?;
    let context = context(&calls, here).await?;
    let callee = if callee.contains('@') {
        CalleeInput::Contact(callee.to_owned())
    } else {
        CalleeInput::Number(callee.to_owned())
    };
    let request = CallRequest {
        callee: &callee,
        preference: context.preference,
        device: &context.device,
        policy: &context.policy,
        caller: &context.caller,
    };
    let plan = calls.plan(request).await.map_err(|e| e.to_string())?;
    Ok((calls, plan))
}

/// The plan in one line: whom, how and why.
pub fn describe(plan: &CallPlan) -> String {
    let whom = match &plan.target {
        Target::Contact(address) => address.clone(),
        Target::Number(number) => number.e164.clone(),
    };
    let how = match &plan.route {
        Route::PlatformSip => "over data".to_owned(),
        Route::Callback => "by a callback to your mobile".to_owned(),
        Route::AccessNumber(n) => format!("through the access number {}", n.number),
    };
    format!("call {whom} {how}: {}", plan.explanation())
}

/// Shows how a call to `callee` would go.
pub async fn plan(client: &Client, here: &CallSettings, callee: &str) {
    match make_plan(client, here, callee).await {
        Ok((_, plan)) => println!("{}", describe(&plan)),
        Err(e) => println!("error: {e}"),
    }
}

/// Plans a call to `callee` and has the gateway place it.
pub async fn call(client: &Client, here: &CallSettings, callee: &str) {
    let (calls, plan) = match make_plan(client, here, callee).await {
        Ok(planned) => planned,
        Err(e) => return println!("error: {e}"),
    };
    println!("{}", describe(&plan));
    match calls.place(&plan).await {
        Ok(placed) => match placed.dial {
            Some(number) => println!(
                "call {}: dial {number} from your mobile now",
                placed.started.call_id
            ),
            None => println!(
                "call {}: your mobile rings from {}; answer it",
                placed.started.call_id, placed.started.callback_from
            ),
        },
        Err(e) => println!("error: {e}"),
    }
}

/// Runs one request of the call API and prints its outcome.
async fn with_calls<T, F>(client: &Client, request: F, show: impl FnOnce(T))
where
    F: AsyncFnOnce(&Calls) -> Result<T, GatewayError>,
{
    let calls = match client.calls() {
        Ok(calls) => calls,
        Err(e) => return println!("error: {e}"),
    };
    match request(&calls).await {
        Ok(value) => show(value),
        Err(e) => println!("error: {e}"),
    }
}

/// Hangs up a call.
pub async fn hang_up(client: &Client, call_id: &str) {
    with_calls(
        client,
        async |c| c.hang_up(call_id).await,
        |()| {
            println!("hanging up {call_id}");
        },
    )
    .await;
}

/// Asks the gateway to prove `number` is this user's mobile.
pub async fn verify(client: &Client, number: &str) {
    with_calls(
        client,
        async |c| c.verify_number(number).await,
        |v| {
            println!(
                "{} rings once from {} followed by a {}-digit code: /confirm CODE within {} s",
                v.number, v.caller_prefix, v.code_digits, v.expires_in_secs
            );
        },
    )
    .await;
}

/// Confirms the flash call's code.
pub async fn confirm(client: &Client, code: &str) {
    with_calls(
        client,
        async |c| c.confirm_number(code).await,
        |m| match m.verified {
            Some(number) => println!("{number} is verified: callbacks go to it"),
            None => println!("not verified"),
        },
    )
    .await;
}

/// Lists the user's call records.
pub async fn records(client: &Client) {
    with_calls(
        client,
        async |c| c.records().await,
        |records| {
            if records.is_empty() {
                println!("no calls");
            }
            for r in records {
                let reason = r
                    .end_reason
                    .map_or("under way".to_owned(), |reason| format!("{reason:?}"));
                println!(
                    "  {} {:?} {} {} s ({reason})",
                    r.call_id,
                    r.route,
                    r.callee,
                    r.duration_secs.unwrap_or(0)
                );
            }
        },
    )
    .await;
}
