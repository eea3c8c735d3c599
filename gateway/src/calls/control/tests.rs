//! Tests of call admission: the number policy and the callee checks refuse
//! before anything is journalled or dialled. Call control runs on a real
//! loopback SIP socket; the trunk and registrar addresses are never reached.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use splitline_protocol::{Callee, StartCallRequest};
use tokio::sync::mpsc;
use tokio_xmpp::jid::BareJid;

use super::{CallControl, CallControlError, Roster, Target};
use crate::{
    calls::policy::{Refusal, tests::FRAUD_ROUTES},
    config::SipSettings,
    metrics::Metrics,
};

const ACCESS: &str = "+442079460500";
const MOBILE: &str = "+447400123456";

/// A roster with the contacts given.
struct Contacts(Vec<&'static str>);

impl Roster for Contacts {
    async fn contains(&self, jid: &BareJid) -> Result<bool, String> {
        Ok(self.0.contains(&jid.as_str()))
    }
}

struct Fixture {
    control: Arc<CallControl>,
    events: mpsc::UnboundedReceiver<(BareJid, splitline_protocol::Event)>,
    _data: tempfile::TempDir,
}

/// Call control with the default number policy; alice's mobile is
/// verified, and so is dave's Cuban mobile (under an older, laxer policy).
async fn start() -> Fixture {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("verified-numbers.jsonl"),
        format!(
            "{{\"account\":\"alice@localhost\",\"number\":\"{MOBILE}\",\"at_ms\":1}}\n\
             {{\"account\":\"dave@localhost\",\"number\":\"+5351234567\",\"at_ms\":1}}\n"
        ),
    )
    .unwrap();
    let settings = SipSettings {
        sip_listen: Some("127.0.0.1:0".parse().unwrap()),
        sip_trunk: Some("127.0.0.1:9".parse().unwrap()),
        sip_registrar: Some("127.0.0.1:9".parse().unwrap()),
        callback_caller_id: Some("+442079460999".into()),
        verification_caller_prefix: Some("+44207946".into()),
        data_dir: Some(data.path().to_owned()),
        ..SipSettings::default()
    };
    let config = settings.validate().unwrap().unwrap();
    let (tx, events) = mpsc::unbounded_channel();
    let control = CallControl::start(
        config,
        vec![ACCESS.into()],
        vec!["localhost".into()],
        tx,
        Arc::new(Metrics::default()),
    )
    .await
    .unwrap();
    Fixture {
        control,
        events,
        _data: data,
    }
}

fn alice() -> BareJid {
    BareJid::new("alice@localhost").unwrap()
}

fn request(callee: Callee, access_number: Option<&str>) -> StartCallRequest {
    StartCallRequest {
        callee,
        access_number: access_number.map(str::to_owned),
    }
}

impl Fixture {
    async fn call(&self, account: &BareJid, request: &StartCallRequest) -> CallControlError {
        let roster = Contacts(vec!["bob@localhost"]);
        self.control
            .start_call(account, request, &roster)
            .await
            .unwrap_err()
    }

    /// Nothing was journalled, no call is under way, and no session was
    /// told of a call: nothing was dialled.
    fn assert_nothing_dialled(&mut self) {
        assert!(self.control.records(None).unwrap().is_empty());
        assert!(super::lock(&self.control.active).is_empty());
        assert!(self.events.try_recv().is_err());
    }
}

#[tokio::test]
async fn fraud_routes_are_refused_for_callback_call_through_and_verification() {
    let mut fixture = start().await;
    for bad in FRAUD_ROUTES {
        let number = Callee::Number { number: bad.into() };
        for access in [None, Some(ACCESS)] {
            let refused = fixture
                .call(&alice(), &request(number.clone(), access))
                .await;
            assert!(
                matches!(refused, CallControlError::NotAllowed(_)),
                "{bad} via {access:?}: {refused:?}"
            );
        }
        let refused = fixture.control.verify(&alice(), bad).unwrap_err();
        assert!(
            matches!(refused, CallControlError::NotAllowed(_)),
            "verifying {bad}: {refused:?}"
        );
    }
    fixture.assert_nothing_dialled();
}

#[tokio::test]
async fn a_verified_mobile_the_policy_now_refuses_is_not_called_back() {
    let mut fixture = start().await;
    let dave = BareJid::new("dave@localhost").unwrap();
    let callee = Callee::Number {
        number: "+442079460123".into(),
    };
    let refused = fixture.call(&dave, &request(callee, None)).await;
    assert!(
        matches!(
            refused,
            CallControlError::NotAllowed(Refusal::CostlyRange(_))
        ),
        "{refused:?}"
    );
    fixture.assert_nothing_dialled();
}

#[tokio::test]
async fn contact_callees_must_be_served_contacts_and_not_numbers() {
    let mut fixture = start().await;
    let contact = |jid: &str| request(Callee::Contact { jid: jid.into() }, None);
    // A premium-rate number in disguise: the policy says why.
    let refused = fixture
        .call(&alice(), &contact("+449098790000@localhost"))
        .await;
    assert!(
        matches!(refused, CallControlError::NotAllowed(Refusal::LineType(_))),
        "{refused:?}"
    );
    // A number the policy would allow is still no contact.
    for disguised in ["+447400123456@localhost", "447400123456@localhost"] {
        let refused = fixture.call(&alice(), &contact(disguised)).await;
        assert!(
            matches!(refused, CallControlError::NumberInDisguise),
            "{disguised}: {refused:?}"
        );
    }
    let refused = fixture
        .call(&alice(), &contact("bob@elsewhere.example"))
        .await;
    assert!(
        matches!(refused, CallControlError::DomainNotServed(ref d) if d == "elsewhere.example"),
        "{refused:?}"
    );
    for stranger in ["carol@localhost", "alice@localhost"] {
        let refused = fixture.call(&alice(), &contact(stranger)).await;
        assert!(
            matches!(refused, CallControlError::NotAContact),
            "{stranger}: {refused:?}"
        );
    }
    for bad in [
        "bob@localhost/phone",
        "localhost",
        "bob;user=phone@localhost",
    ] {
        let refused = fixture.call(&alice(), &contact(bad)).await;
        assert!(
            matches!(refused, CallControlError::Invalid(_)),
            "{bad}: {refused:?}"
        );
    }
    fixture.assert_nothing_dialled();
    // A contact on the roster passes the checks.
    let roster = Contacts(vec!["bob@localhost"]);
    let target = fixture
        .control
        .check_callee(
            &alice(),
            &Callee::Contact {
                jid: "Bob@LocalHost".into(),
            },
            &roster,
        )
        .await
        .unwrap();
    assert_eq!(target, Target::Contact("bob".into()));
}
