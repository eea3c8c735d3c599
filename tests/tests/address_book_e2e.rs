//! End-to-end: bob publishes his number in his vCard through the gateway;
//! alice's phone imports an address book that has it in a local form, and
//! its lookups name bob both from the address book and as a network
//! contact, with a free network call; other numbers get a carrier route
//! with its explanation; re-imports apply only what changed; and bob's new
//! number reaches alice's matching. Real Prosody (or ejabberd), real
//! gateway, real core.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use reqwest::{Method, StatusCode};
use splitline_core::{
    address_book::{AddressBook, CallContext, CallCost, NativeContact, NativeNumber},
    calls::routing::{CallPolicy, Caller, DeviceReport, Network, Preference, Route, Target},
};
use splitline_e2e::{app, jid, phone::befriend, world::World};
use splitline_protocol::{ErrorCode, PhoneNumber, SetOwnPhonesRequest, paths};

const BOB_FIRST: &str = "+442079460018";
const BOB_NEW: &str = "+447400123456";

fn entry(id: &str, name: &str, number: &str) -> NativeContact {
    NativeContact {
        native_id: id.into(),
        name: name.into(),
        numbers: vec![NativeNumber {
            label: Some("mobile".into()),
            number: number.into(),
        }],
    }
}

/// A phone at home in the UK, with a verified mobile, that calls by
/// callback.
fn context() -> CallContext {
    CallContext {
        preference: Preference::Automatic,
        device: DeviceReport {
            platform_sip: false,
            network: Network::Cellular,
            roaming: false,
            country: "GB".into(),
            operator: None,
        },
        policy: CallPolicy {
            voip_over_data: false,
            voip_on_cellular: false,
            callback: true,
            access_numbers: false,
        },
        caller: Caller {
            home_country: "GB".into(),
            verified_number: Some(PhoneNumber::parse_e164("+447400123999").unwrap()),
        },
    }
}

/// Refreshes the contacts' numbers until `number` (as typed) is bob's.
async fn until_bob_has(book: &AddressBook, number: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        book.refresh_contact_phones().await.unwrap();
        let found = book.lookup(number, &context(), &[]).unwrap();
        if found.contacts.iter().any(|c| c.jid == jid!("bob")) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "bob never had {number}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_address_book_matches_contacts_by_their_vcards_numbers() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let mut bob = world.sign_in("bob", "phone").await;
    let mut alice_desk = world.sign_in("alice", "desk").await;
    befriend(&mut alice_desk, &mut bob).await;

    // Bob publishes his number; a number not in E.164 is refused.
    let publish = |numbers: Vec<&str>| SetOwnPhonesRequest {
        numbers: numbers.into_iter().map(str::to_owned).collect(),
    };
    let refused = bob
        .call::<_, ()>(
            Method::PUT,
            paths::VCARD,
            Some(&publish(vec!["020 7946 0018"])),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.0, StatusCode::BAD_REQUEST);
    assert_eq!(refused.1.code, ErrorCode::InvalidRequest);
    bob.call::<_, ()>(Method::PUT, paths::VCARD, Some(&publish(vec![BOB_FIRST])))
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let alice = app::signed_in(&world.base, &dir.path().join("alice.db"), "alice", "phone").await;
    let book = alice.address_book();
    let mut entries = vec![
        entry("1", "Bob Smith", "020 7946 0018"),
        entry("2", "Carol", "+49 30 901820"),
        entry("3", "Dave", "ask me"),
    ];
    let report = book.import(&entries, "GB").unwrap();
    assert_eq!((report.added, report.unchanged), (3, 0));
    assert_eq!(report.unread.len(), 1);
    assert_eq!(report.unread[0].written, "ask me");
    // The sign-in brought bob's numbers down by itself.
    app::eventually("bob matched without a refresh", || {
        book.matches().unwrap().iter().any(|m| m.jid == jid!("bob"))
    })
    .await;

    until_bob_has(&book, "020 7946 0018").await;
    let found = book.lookup("020 7946 0018", &context(), &[]).unwrap();
    assert_eq!(found.number.e164, BOB_FIRST);
    assert_eq!(found.native[0].name, "Bob Smith");
    assert_eq!(found.contacts[0].jid, jid!("bob"));
    assert_eq!(
        found.cost,
        CallCost::FreeNetworkCall {
            jid: jid!("bob").into()
        }
    );
    let plan = found.plan.as_ref().unwrap();
    assert_eq!(plan.target, Target::Contact(jid!("bob").into()));
    assert_eq!(plan.route, Route::Callback);
    let matches = book.matches().unwrap();
    assert_eq!(matches.len(), 1);
    assert_eq!(
        (matches[0].native_id.as_str(), matches[0].jid.as_str()),
        ("1", jid!("bob"))
    );
    assert_eq!(
        book.caller_name(BOB_FIRST).unwrap().unwrap().label(),
        "Bob Smith"
    );

    // Carol is no network contact: a carrier call, with the routing's reasons.
    let carol = book.lookup("0049 30 901820", &context(), &[]).unwrap();
    assert_eq!(carol.native[0].name, "Carol");
    assert!(carol.contacts.is_empty());
    assert_eq!(carol.cost, CallCost::CarrierCall);
    assert_eq!(carol.plan.as_ref().unwrap().route, Route::Callback);
    assert_eq!(
        carol.explanation(),
        "calls use your carrier's voice service by default"
    );
    // A number no one has, without a verified mobile: no route, and why.
    let mut unverified = context();
    unverified.caller.verified_number = None;
    let nobody = book.lookup("0161 496 0000", &unverified, &[]).unwrap();
    assert!(nobody.native.is_empty() && nobody.contacts.is_empty());
    assert!(nobody.plan.is_err());
    assert!(
        nobody
            .explanation()
            .contains("your mobile number is not verified yet")
    );

    // A re-import with Carol changed and Dave gone applies exactly those.
    entries[1] = entry("2", "Carol", "+49 30 901821");
    entries.pop();
    let again = book.import(&entries, "GB").unwrap();
    assert_eq!(
        (again.added, again.updated, again.removed, again.unchanged),
        (0, 1, 1, 1)
    );
    assert!(again.unread.is_empty());
    assert!(
        book.lookup("+4930901820", &context(), &[])
            .unwrap()
            .native
            .is_empty()
    );
    assert_eq!(
        book.lookup("+4930901821", &context(), &[]).unwrap().native[0].name,
        "Carol"
    );

    // Bob's new number reaches alice's matching; the old one no longer is his.
    bob.call::<_, ()>(Method::PUT, paths::VCARD, Some(&publish(vec![BOB_NEW])))
        .await
        .unwrap();
    until_bob_has(&book, "07400 123456").await;
    let old = book.lookup(BOB_FIRST, &context(), &[]).unwrap();
    assert!(old.contacts.is_empty(), "the old number is no longer bob's");
    assert_eq!(
        old.native[0].name, "Bob Smith",
        "the address book still has it"
    );
    assert_eq!(old.cost, CallCost::CarrierCall);
    assert!(
        book.matches().unwrap().is_empty(),
        "the entry has the old number only"
    );

    alice.stop().await.unwrap();
    world.shutdown().await;
}
