#![allow(clippy::unwrap_used)]

use splitline_protocol::CostClass;

use super::*;

fn device(platform_sip: bool, network: Network, roaming: bool, country: &str) -> DeviceReport {
    DeviceReport {
        platform_sip,
        network,
        roaming,
        country: country.into(),
        operator: Some("23415".into()),
    }
}

const ALL_ALLOWED: CallPolicy = CallPolicy {
    voip_over_data: true,
    voip_on_cellular: true,
    callback: true,
    access_numbers: true,
};

fn verified() -> Caller {
    Caller {
        home_country: "GB".into(),
        verified_number: Some(PhoneNumber::parse("020 7946 0018", "GB").unwrap()),
    }
}

fn directory() -> Vec<AccessNumber> {
    vec![
        AccessNumber {
            number: "+442079460000".into(),
            country: "GB".into(),
            area_prefixes: vec!["4420".into()],
            cost_class: CostClass::Local,
            post_dial: None,
        },
        AccessNumber {
            number: "+498001234567".into(),
            country: "DE".into(),
            area_prefixes: vec![],
            cost_class: CostClass::TollFree,
            post_dial: None,
        },
    ]
}

fn contact() -> CalleeInput {
    CalleeInput::Contact("Bob@Example.org".into())
}

fn route(
    callee: &CalleeInput,
    preference: Preference,
    device: &DeviceReport,
    policy: &CallPolicy,
    caller: &Caller,
) -> Result<CallPlan, RoutingError> {
    plan(
        CallRequest {
            callee,
            preference,
            device,
            policy,
            caller,
        },
        &directory(),
    )
}

#[test]
fn without_platform_sip_the_default_is_a_carrier_callback() {
    let phone = device(false, Network::Cellular, false, "GB");
    let plan = route(
        &contact(),
        Preference::Automatic,
        &phone,
        &ALL_ALLOWED,
        &verified(),
    )
    .unwrap();
    assert_eq!(plan.route, Route::Callback);
    assert_eq!(plan.target, Target::Contact("bob@example.org".into()));
    assert_eq!(plan.reasons, [Reason::CarrierVoiceFirst]);
    // Asking for data on such a phone explains why it is a callback instead.
    let plan = route(
        &contact(),
        Preference::Data,
        &phone,
        &ALL_ALLOWED,
        &verified(),
    )
    .unwrap();
    assert_eq!(plan.route, Route::Callback);
    assert_eq!(
        plan.explanation(),
        "this phone cannot place calls over data; calls use your carrier's voice service by default"
    );
}

#[test]
fn data_is_used_when_chosen_and_allowed_or_as_the_last_way() {
    let wifi = device(true, Network::Wifi, false, "GB");
    let plan = route(
        &contact(),
        Preference::Data,
        &wifi,
        &ALL_ALLOWED,
        &verified(),
    )
    .unwrap();
    assert_eq!(plan.route, Route::PlatformSip);
    let wifi_only = CallPolicy {
        voip_on_cellular: false,
        ..ALL_ALLOWED
    };
    let cellular = device(true, Network::Cellular, false, "GB");
    let plan = route(
        &contact(),
        Preference::Data,
        &cellular,
        &wifi_only,
        &verified(),
    )
    .unwrap();
    assert_eq!(plan.route, Route::Callback);
    assert_eq!(plan.reasons[0], Reason::DataCallsWifiOnly);
    let roaming = device(true, Network::Cellular, true, "FR");
    let plan = route(
        &contact(),
        Preference::Data,
        &roaming,
        &ALL_ALLOWED,
        &verified(),
    )
    .unwrap();
    assert_eq!(plan.reasons[0], Reason::RoamingOnCellular);
    // Unverified, with no access number here: data is the only way left.
    let unverified = Caller {
        verified_number: None,
        ..verified()
    };
    let abroad_on_wifi = device(true, Network::Wifi, true, "FR");
    let plan = route(
        &contact(),
        Preference::Automatic,
        &abroad_on_wifi,
        &ALL_ALLOWED,
        &unverified,
    )
    .unwrap();
    assert_eq!(plan.route, Route::PlatformSip);
    assert_eq!(
        plan.reasons,
        [
            Reason::NumberNotVerified,
            Reason::NoLocalAccessNumber,
            Reason::OnlyWayLeft
        ]
    );
}

#[test]
fn roaming_prefers_a_local_access_number_to_a_callback_abroad() {
    let in_germany = device(false, Network::Cellular, true, "DE");
    let plan = route(
        &CalleeInput::Number("+44 20 7946 0999".into()),
        Preference::Automatic,
        &in_germany,
        &ALL_ALLOWED,
        &verified(),
    )
    .unwrap();
    let Route::AccessNumber(number) = &plan.route else {
        panic!("not an access number: {plan:?}")
    };
    assert_eq!(number.number, "+498001234567");
    assert_eq!(plan.reasons, [Reason::RoamingPrefersAccessNumber]);
    let Target::Number(callee) = &plan.target else {
        panic!("not a number")
    };
    assert_eq!(callee.e164, "+442079460999");
}

#[test]
fn the_users_choice_of_access_number_or_callback_is_kept_when_possible() {
    let home = device(false, Network::Cellular, false, "GB");
    let plan = route(
        &CalleeInput::Number("020 7946 0999".into()),
        Preference::AccessNumber,
        &home,
        &ALL_ALLOWED,
        &verified(),
    )
    .unwrap();
    assert!(matches!(&plan.route, Route::AccessNumber(n) if n.number == "+442079460000"));
    let no_callbacks = CallPolicy {
        callback: false,
        ..ALL_ALLOWED
    };
    let plan = route(
        &contact(),
        Preference::Callback,
        &home,
        &no_callbacks,
        &verified(),
    )
    .unwrap();
    assert!(matches!(plan.route, Route::AccessNumber(_)));
    assert_eq!(
        plan.reasons,
        [Reason::CallbackNotOffered, Reason::CarrierVoiceFirst]
    );
}

#[test]
fn bad_callees_and_impossible_calls_get_clear_errors() {
    let home = device(false, Network::Cellular, false, "GB");
    let call = |callee: CalleeInput| {
        route(
            &callee,
            Preference::Automatic,
            &home,
            &ALL_ALLOWED,
            &verified(),
        )
    };
    assert_eq!(
        call(CalleeInput::Number("999".into())),
        Err(RoutingError::Number(NumberError::Invalid))
    );
    assert_eq!(
        call(CalleeInput::Number("0909 879 0000".into())),
        Err(RoutingError::PremiumRate)
    );
    assert!(matches!(
        call(CalleeInput::Contact("not an address".into())),
        Err(RoutingError::BadAddress(_))
    ));
    let offline = device(true, Network::None, false, "GB");
    assert_eq!(
        route(
            &contact(),
            Preference::Automatic,
            &offline,
            &ALL_ALLOWED,
            &verified()
        ),
        Err(RoutingError::NoRoute(vec![Reason::NoDataConnection]))
    );
    let nothing = CallPolicy {
        voip_over_data: false,
        voip_on_cellular: false,
        callback: false,
        access_numbers: false,
    };
    let error = route(
        &contact(),
        Preference::Automatic,
        &home,
        &nothing,
        &verified(),
    )
    .unwrap_err();
    assert_eq!(
        error,
        RoutingError::NoRoute(vec![
            Reason::CallbackNotOffered,
            Reason::AccessNumbersNotOffered,
            Reason::NoPlatformSip
        ])
    );
    assert!(
        error
            .to_string()
            .starts_with("no way to place this call: callbacks are not offered")
    );
}
