//! `/numbers` and `/plan`: the gateway's access numbers, and how a call
//! would be placed from a phone in the terminal's country with no platform
//! SIP stack (the common case).

use splitline_core::{
    call_routing::{
        CallPolicy, CallRequest, Callee, Caller, DeviceReport, Network, Preference, Route, Target,
    },
    client::Client,
};
use splitline_protocol::PhoneNumber;

/// Where the terminal's user is, for planning calls.
pub struct Whereabouts {
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

/// Shows how a call to `callee` would go.
pub async fn plan(client: &Client, here: &Whereabouts, callee: &str) {
    let Some(country) = here.country.as_deref() else {
        return println!("start the terminal with --country (like GB) to plan calls");
    };
    let verified_number = match here.mobile.as_deref().map(PhoneNumber::parse_e164) {
        Some(Err(e)) => return println!("error: --mobile: {e}"),
        Some(Ok(number)) => Some(number),
        None => None,
    };
    let callee = if callee.contains('@') {
        Callee::Contact(callee.to_owned())
    } else {
        Callee::Number(callee.to_owned())
    };
    let device = DeviceReport {
        platform_sip: false,
        network: Network::Wifi,
        roaming: false,
        country: country.to_ascii_uppercase(),
        operator: None,
    };
    let policy = CallPolicy {
        voip_over_data: true,
        voip_on_cellular: true,
        callback: true,
        access_numbers: true,
    };
    let caller = Caller {
        home_country: country.to_ascii_uppercase(),
        verified_number,
    };
    let calls = match client.calls() {
        Ok(calls) => calls,
        Err(e) => return println!("error: {e}"),
    };
    let request = CallRequest {
        callee: &callee,
        preference: Preference::Automatic,
        device: &device,
        policy: &policy,
        caller: &caller,
    };
    match calls.plan(request).await {
        Ok(plan) => {
            let whom = match &plan.target {
                Target::Contact(address) => address.clone(),
                Target::Number(number) => number.e164.clone(),
            };
            let how = match &plan.route {
                Route::PlatformSip => "over data".to_owned(),
                Route::Callback => "by a callback to your mobile".to_owned(),
                Route::AccessNumber(n) => format!("through the access number {}", n.number),
            };
            println!("call {whom} {how}: {}", plan.explanation());
        }
        Err(e) => println!("error: {e}"),
    }
}
