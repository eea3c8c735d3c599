#![allow(clippy::unwrap_used)]

use splitline_protocol::{ContactPhones, PhoneNumber};

use super::*;
use crate::calls::routing::{CallPolicy, Caller, DeviceReport, Network, Preference, Route};

fn temp_store() -> (tempfile::TempDir, Arc<Store>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("core.db")).unwrap();
    (dir, Arc::new(store))
}

fn entry(id: &str, name: &str, numbers: &[&str]) -> NativeContact {
    NativeContact {
        native_id: id.into(),
        name: name.into(),
        numbers: numbers
            .iter()
            .map(|n| NativeNumber {
                label: Some("mobile".into()),
                number: (*n).into(),
            })
            .collect(),
    }
}

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
            verified_number: Some(PhoneNumber::parse("+447400123456", "GB").unwrap()),
        },
    }
}

#[test]
fn numbers_are_read_in_the_home_country_unless_they_say_otherwise() {
    assert_eq!(
        normalise::e164("020 7946 0018", "GB").unwrap(),
        "+442079460018"
    );
    assert_eq!(
        normalise::e164("(020) 7946-0018", "GB").unwrap(),
        "+442079460018"
    );
    assert_eq!(
        normalise::e164("+49 30 901820", "GB").unwrap(),
        "+4930901820"
    );
    assert_eq!(
        normalise::e164("00 49 30 901820", "GB").unwrap(),
        "+4930901820"
    );
    assert_eq!(normalise::e164("030 901820", "DE").unwrap(), "+4930901820");
    assert!(normalise::e164("not a number", "GB").is_none());
    // A caller id in national form, as some networks present the callback.
    assert_eq!(
        super::read_number("02079460999", "GB").as_deref(),
        Some("+442079460999")
    );
    assert_eq!(super::read_number("", "GB"), None);
    assert!(normalise::e164("12", "GB").is_none());
    let contacts = vec![ContactPhones {
        jid: "Bob@Localhost".into(),
        numbers: vec![
            "020 7946 0018".into(),
            "+44 20 7946 0018".into(),
            "junk".into(),
        ],
    }];
    assert_eq!(
        normalise::contact_numbers(&contacts, Some("GB")),
        vec![("bob@localhost".to_owned(), "+442079460018".to_owned())]
    );
    // Without a home country only the E.164 form can be read.
    assert_eq!(normalise::contact_numbers(&contacts, None).len(), 1);
}

#[test]
fn a_reimport_applies_only_what_changed() {
    let (_dir, store) = temp_store();
    let mut book = vec![
        entry("1", "Bob", &["020 7946 0018"]),
        entry("2", "Carol", &["+49 30 901820"]),
        entry("3", "Dave", &["0161 496 0000", "call me maybe"]),
    ];
    let report = import::import(&store, &book, "gb").unwrap();
    assert_eq!(
        (
            report.added,
            report.updated,
            report.removed,
            report.unchanged
        ),
        (3, 0, 0, 0)
    );
    assert_eq!(report.unread.len(), 1, "the unreadable number is reported");
    assert_eq!(report.unread[0].written, "call me maybe", "kept as written");
    assert_eq!(report.unread[0].native_id, "3");

    let again = import::import(&store, &book, "GB").unwrap();
    assert_eq!(
        (again.added, again.updated, again.removed, again.unchanged),
        (0, 0, 0, 3)
    );

    book[1] = entry("2", "Carol", &["+49 30 901821"]);
    book.remove(2);
    book.push(entry("4", "Erin", &["07400 123457"]));
    let changed = import::import(&store, &book, "GB").unwrap();
    assert_eq!(
        (
            changed.added,
            changed.updated,
            changed.removed,
            changed.unchanged
        ),
        (1, 1, 1, 1)
    );
    assert!(
        changed.unread.is_empty(),
        "Dave's entry is gone with its numbers"
    );
    assert!(store.native_with_number("+4930901820").unwrap().is_empty());
    assert_eq!(
        store.native_with_number("+4930901821").unwrap()[0].name,
        "Carol"
    );
    assert!(
        store
            .native_with_number("+441614960000")
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.native_with_number("+447400123457").unwrap()[0].native_id,
        "4"
    );

    // Another home country reads every entry anew.
    let moved = import::import(&store, &book, "DE").unwrap();
    assert_eq!(moved.updated, 3);
}

#[test]
fn a_bad_import_is_refused_and_changes_nothing() {
    let (_dir, store) = temp_store();
    import::import(&store, &[entry("1", "Bob", &["020 7946 0018"])], "GB").unwrap();
    let twice = [entry("1", "Bob", &[]), entry("1", "Robert", &[])];
    assert!(matches!(
        import::import(&store, &twice, "GB"),
        Err(AddressBookError::Invalid(_))
    ));
    let long_name = [entry("2", &"x".repeat(MAX_FIELD_CHARS + 1), &[])];
    assert!(import::import(&store, &long_name, "GB").is_err());
    assert!(import::import(&store, &[entry("", "No id", &[])], "GB").is_err());
    assert!(import::import(&store, &[], "XX").is_err());
    assert_eq!(store.native_with_number("+442079460018").unwrap().len(), 1);
}

#[test]
fn a_lookup_names_the_entry_and_the_contact_and_calls_the_contact_for_free() {
    let (_dir, store) = temp_store();
    import::import(
        &store,
        &[
            entry("1", "Bob", &["020 7946 0018"]),
            entry("2", "Carol", &["0161 496 0000"]),
        ],
        "GB",
    )
    .unwrap();
    store
        .replace_contact_phones(&[("bob@localhost".into(), "+442079460018".into())])
        .unwrap();

    let bob = lookup::lookup(&store, "+44 20 7946 0018", &context(), &[]).unwrap();
    assert_eq!(bob.native[0].name, "Bob");
    assert_eq!(bob.contacts[0].jid, "bob@localhost");
    assert_eq!(
        bob.cost,
        CallCost::FreeNetworkCall {
            jid: "bob@localhost".into()
        }
    );
    let plan = bob.plan.as_ref().unwrap();
    assert_eq!(plan.route, Route::Callback);
    assert_eq!(
        plan.target,
        crate::calls::routing::Target::Contact("bob@localhost".into())
    );

    let carol = lookup::lookup(&store, "01614960000", &context(), &[]).unwrap();
    assert_eq!(carol.native[0].name, "Carol");
    assert!(carol.contacts.is_empty());
    assert_eq!(carol.cost, CallCost::CarrierCall);
    assert!(carol.explanation().contains("carrier's voice service"));

    let mut unverified = context();
    unverified.caller.verified_number = None;
    let stranger = lookup::lookup(&store, "020 7946 0999", &unverified, &[]).unwrap();
    assert!(stranger.native.is_empty() && stranger.contacts.is_empty());
    assert!(stranger.plan.is_err());
    assert!(stranger.explanation().contains("not verified"));

    assert!(matches!(
        lookup::lookup(&store, "hello", &context(), &[]),
        Err(AddressBookError::Number(_))
    ));
}

#[test]
fn a_caller_is_named_from_the_address_book_or_the_contact_list() {
    let (_dir, store) = temp_store();
    assert!(
        lookup::caller_name(&store, "+442079460018")
            .unwrap()
            .is_none()
    );
    import::import(&store, &[entry("1", "Bob", &["020 7946 0018"])], "GB").unwrap();
    store
        .replace_contact_phones(&[
            ("bob@localhost".into(), "+442079460018".into()),
            ("carol@localhost".into(), "+4930901820".into()),
        ])
        .unwrap();
    let bob = lookup::caller_name(&store, "+442079460018")
        .unwrap()
        .unwrap();
    assert_eq!(bob.label(), "Bob");
    let carol = lookup::caller_name(&store, "+4930901820").unwrap().unwrap();
    assert_eq!(carol.label(), "carol@localhost");
    // Local forms are read in the home country of the import.
    assert!(
        lookup::caller_name(&store, "020 7946 0018")
            .unwrap()
            .is_some()
    );
    assert_eq!(store.contact_matches().unwrap().len(), 1);
}
