//! The contacts facade on a real store, with no gateway reachable: every
//! change is checked and shown at once; bad input is refused, storing nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use splitline_protocol::{Availability, MAX_NAME_CHARS, MAX_STATUS_CHARS, Subscription};

use crate::{
    client::{Client, ClientError},
    sync::{SyncConfig, SyncUpdate},
};

/// Alice's client with a gateway that is never reachable.
fn offline_client(dir: &tempfile::TempDir) -> Client {
    let config = SyncConfig {
        endpoints: vec!["http://127.0.0.1:9".into()],
        jid: "alice@example.net".into(),
        device_id: "phone".into(),
        build_id: "test".into(),
        ..SyncConfig::default()
    };
    Client::start(dir.path().join("core.db"), config, "secret".into()).unwrap()
}

fn invalid(result: Result<impl std::fmt::Debug, ClientError>) -> String {
    match result {
        Err(ClientError::Invalid(message)) => message,
        other => panic!("expected an Invalid error, got {other:?}"),
    }
}

#[tokio::test]
async fn changes_made_offline_are_listed_at_once_and_heard_by_listeners() {
    let dir = tempfile::tempdir().unwrap();
    let client = offline_client(&dir);
    let contacts = client.contacts_api();
    let mut updates = client.subscribe();
    let added = contacts.add("  Bob@Example.NET ", Some(" Bob ")).unwrap();
    assert_eq!(added.jid, "bob@example.net");
    assert_eq!(added.name.as_deref(), Some("Bob"));
    assert!(added.pending_out);
    assert_eq!(added.subscription, Subscription::None);
    let renamed = contacts.rename("bob@example.net", Some("Bobby")).unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Bobby"));
    assert_eq!(contacts.page(0, 10).unwrap(), vec![renamed]);
    let Ok(SyncUpdate::Changed(changes)) = updates.try_recv() else {
        panic!("listeners hear of the add")
    };
    assert!(changes.contacts);
    assert_eq!(changes.contact_jids, ["bob@example.net"]);

    contacts.remove("bob@example.net").unwrap();
    assert!(contacts.page(0, 10).unwrap().is_empty());
    assert_eq!(contacts.get("bob@example.net").unwrap(), None);

    contacts
        .set_presence(Availability::DoNotDisturb, Some("  in a meeting "))
        .unwrap();
    let own = contacts.own_presence().unwrap();
    assert_eq!(own.availability, Availability::DoNotDisturb);
    assert_eq!(own.status.as_deref(), Some("in a meeting"));
    client.stop().await.unwrap();
}

#[tokio::test]
async fn bad_input_is_refused_with_a_clear_error_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let client = offline_client(&dir);
    let contacts = client.contacts_api();
    for bad in [
        "",
        "bob",
        "@example.net",
        "bob@",
        "bob@example.net/phone",
        "b ob@example.net",
    ] {
        let message = invalid(contacts.add(bad, None));
        assert!(
            message.contains("not an address like user@domain"),
            "{bad}: {message}"
        );
    }
    let own = invalid(contacts.add("Alice@example.net", None));
    assert!(own.contains("your own address"), "{own}");
    let long_name = "n".repeat(MAX_NAME_CHARS + 1);
    assert_eq!(
        invalid(contacts.add("bob@example.net", Some(&long_name))),
        format!(
            "the name is {} characters long; the most is {MAX_NAME_CHARS}",
            MAX_NAME_CHARS + 1
        )
    );
    assert!(invalid(contacts.add("bob@example.net", Some("a\u{1}b"))).contains("U+0001"));
    assert_eq!(
        invalid(contacts.rename("carol@example.net", Some("C"))),
        "carol@example.net is not in your contacts"
    );
    assert_eq!(
        invalid(contacts.remove("carol@example.net")),
        "carol@example.net is not in your contacts"
    );
    assert!(invalid(contacts.accept("not-an-address")).contains("user@domain"));
    assert!(
        invalid(contacts.set_presence(Availability::Offline, None)).contains("sign off instead")
    );
    let long_status = "s".repeat(MAX_STATUS_CHARS + 1);
    assert!(
        invalid(contacts.set_presence(Availability::Away, Some(&long_status))).contains("status")
    );

    assert!(contacts.page(0, 10).unwrap().is_empty());
    assert!(client.store.contact_ops().unwrap().is_empty());
    assert_eq!(client.store.own_presence_due().unwrap(), None);
    client.stop().await.unwrap();
}
