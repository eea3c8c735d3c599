//! End-to-end: the gateway serves its configured access numbers to signed-in
//! phones only, and the core plans calls from that directory (the local
//! number for the user's area, a country-wide one when roaming), over the
//! real gateway and Prosody.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::StatusCode;
use splitline_core::calls::{
    CallSetupError,
    routing::{
        CallPolicy, CallRequest, CalleeInput, Caller, DeviceReport, Network, Preference, Reason,
        Route, RoutingError, Target,
    },
};
use splitline_e2e::{
    app,
    gateway::{self, Settings},
    phone::http_client,
    world::PASSWORD,
    xmpp_server,
};
use splitline_protocol::{AccessNumber, CostClass, PhoneNumber, paths};

fn number(number: &str, country: &str, prefixes: &[&str], cost_class: CostClass) -> AccessNumber {
    AccessNumber {
        number: number.into(),
        country: country.into(),
        area_prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
        cost_class,
        post_dial: None,
    }
}

fn device(country: &str, roaming: bool) -> DeviceReport {
    DeviceReport {
        platform_sip: false,
        network: Network::Cellular,
        roaming,
        country: country.into(),
        operator: Some("23415".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_core_picks_the_local_access_number_from_the_gateways_directory() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD)]).await;
    let directory = vec![
        // As a carrier would write them: spaces, lower-case countries.
        number("+44 161 496 0000", "gb", &["44161"], CostClass::Local),
        number("+44 20 7946 0000", "GB", &["4420"], CostClass::Local),
        number("+49 30 901820", "DE", &[], CostClass::National),
    ];
    let gateway = gateway::start(xmpp.port(), |s: &mut Settings| {
        s.directory.access_numbers = Some(directory)
    })
    .await;
    let base = gateway::base_url(&gateway);

    // The directory is for signed-in users only.
    let anonymous = http_client(None)
        .get(format!("{base}{}", paths::ACCESS_NUMBERS))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let dir = tempfile::tempdir().unwrap();
    let phone = app::signed_in(&base, &dir.path().join("phone.db"), "alice", "phone").await;
    let calls = phone.calls().unwrap();
    let served = calls.access_numbers().await.unwrap();
    let served: Vec<&str> = served.iter().map(|n| n.number.as_str()).collect();
    assert_eq!(
        served,
        ["+441614960000", "+442079460000", "+4930901820"],
        "normalised to E.164, in the configured order"
    );

    let policy = CallPolicy {
        voip_over_data: true,
        voip_on_cellular: true,
        callback: true,
        access_numbers: true,
    };
    let londoner = Caller {
        home_country: "GB".into(),
        verified_number: Some(PhoneNumber::parse("+44 20 7946 0123", "GB").unwrap()),
    };
    let callee = CalleeInput::Number("0161 496 0999".into());
    let at_home = device("GB", false);
    let request = |preference, device, caller| CallRequest {
        callee: &callee,
        preference,
        device,
        policy: &policy,
        caller,
    };

    // At home in London, asking for an access number: the London one, and
    // the callee read in the home country.
    let plan = calls
        .plan(request(Preference::AccessNumber, &at_home, &londoner))
        .await
        .unwrap();
    assert_eq!(
        plan.route,
        Route::AccessNumber(number("+442079460000", "GB", &["4420"], CostClass::Local))
    );
    assert_eq!(
        plan.target,
        Target::Number(PhoneNumber::parse("+441614960999", "GB").unwrap())
    );

    // Automatic at home: the callback (carrier voice first), explained.
    let plan = calls
        .plan(request(Preference::Automatic, &at_home, &londoner))
        .await
        .unwrap();
    assert_eq!(plan.route, Route::Callback);
    assert_eq!(plan.reasons, [Reason::CarrierVoiceFirst]);

    // Roaming in Germany: the German number, not a callback abroad.
    let in_berlin = device("DE", true);
    let plan = calls
        .plan(request(Preference::Automatic, &in_berlin, &londoner))
        .await
        .unwrap();
    let Route::AccessNumber(chosen) = &plan.route else {
        panic!("expected an access number, got {plan:?}");
    };
    assert_eq!(chosen.number, "+4930901820");
    assert!(
        plan.explanation().contains("roaming"),
        "{}",
        plan.explanation()
    );

    // In France, with no verified number and no platform SIP: no way, and
    // the error says why.
    let unverified = Caller {
        home_country: "GB".into(),
        verified_number: None,
    };
    let in_paris = device("FR", true);
    let err = calls
        .plan(request(Preference::Automatic, &in_paris, &unverified))
        .await
        .unwrap_err();
    let CallSetupError::Routing(RoutingError::NoRoute(reasons)) = &err else {
        panic!("expected no route, got {err:?}");
    };
    assert!(reasons.contains(&Reason::NumberNotVerified), "{reasons:?}");
    assert!(
        reasons.contains(&Reason::NoLocalAccessNumber),
        "{reasons:?}"
    );
    assert!(reasons.contains(&Reason::NoPlatformSip), "{reasons:?}");

    // A number that does not exist gets a clear error.
    let nonsense = CalleeInput::Number("12".into());
    let err = calls
        .plan(CallRequest {
            callee: &nonsense,
            ..request(Preference::Automatic, &at_home, &londoner)
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, CallSetupError::Routing(RoutingError::Number(_))),
        "{err:?}"
    );

    phone.stop().await.unwrap();
    gateway.shutdown().await;
}
