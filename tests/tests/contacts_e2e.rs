//! End-to-end: contact changes and own presence made in alice's core while
//! the gateway is away, sent once it is back, against the real gateway and
//! Prosody (or ejabberd); bob and carol are direct XMPP clients, and
//! "exactly once" is proved by counting the stanzas they receive.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{path::Path, time::Duration};

use reqwest::Method;
use splitline_core::client::{Client, Contacts};
use splitline_e2e::{
    app::{eventually, signed_in, sync_config},
    desktop::Desktop,
    free_port,
    gateway::{self, loopback},
    jid,
    phone::{Empty, Phone},
    world::{PASSWORD, World},
    xmpp_server,
};
use splitline_protocol::{
    AddContactRequest, Availability, Contact, ErrorCode, Event, RenameContactRequest, Subscription,
    paths,
};
use tokio_xmpp::{
    Stanza,
    jid::Jid,
    parsers::presence::{self, Presence},
};

/// How long a phone listens to be sure nothing more arrives.
const QUIET: Duration = Duration::from_secs(3);

/// Alice's core on the store at `store`, against `base`, not waiting to be online.
fn alice_core(store: &Path, base: &str) -> Client {
    let config = sync_config(vec![base.to_owned()], jid!("alice"), "alice-phone");
    Client::start(store.to_owned(), config, PASSWORD.into()).unwrap()
}

/// Alice's contact `jid` as her core lists it.
fn listed(contacts: &Contacts, jid: &str) -> Option<Contact> {
    contacts.get(jid).unwrap()
}

/// How many subscription requests from `from` the phone has seen.
fn requests_from(phone: &Phone, from: &str) -> usize {
    phone
        .seen
        .iter()
        .filter(|e| matches!(e, Event::SubscriptionRequested { from: f } if f == from))
        .count()
}

fn is_request_from(from: &'static str) -> impl Fn(&Event) -> bool {
    move |e| matches!(e, Event::SubscriptionRequested { from: f } if f == from)
}

/// True for a presence stanza from one of alice's logins of this type.
fn from_alice(p: &Presence, kind: presence::Type) -> bool {
    p.type_ == kind
        && p.from
            .as_ref()
            .is_some_and(|f| f.to_bare().to_string() == jid!("alice"))
}

/// True for alice's presence "away, set offline".
fn alice_away(p: &Presence) -> bool {
    from_alice(p, presence::Type::None)
        && p.show == Some(presence::Show::Away)
        && p.statuses.values().any(|s| s == "set offline")
}

/// How many of `got` match.
fn count(got: &[Presence], matches: impl Fn(&Presence) -> bool) -> usize {
    got.iter().filter(|p| matches(p)).count()
}

/// Everything the desktop receives for a while longer, added to `got`.
async fn and_then_quiet(desktop: &mut Desktop, got: &mut Vec<Presence>) {
    tokio::time::sleep(QUIET).await;
    got.extend(desktop.drain_presences());
}

/// A subscription stanza (`subscribe`, `subscribed`, ...) to alice.
fn to_alice(kind: presence::Type) -> Stanza {
    Presence::new(kind)
        .with_to(Jid::new(jid!("alice")).unwrap())
        .into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_add_and_a_presence_made_while_the_gateway_is_down_reach_bob_once_each() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let mut bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("alice.db");

    // The gateway is not up yet: every change is stored and shown at once.
    let alice = alice_core(&store, &base);
    let contacts = alice.contacts_api();
    let added = contacts.add(jid!("bob"), Some("Bob")).unwrap();
    assert!(added.pending_out && added.subscription == Subscription::None);
    assert_eq!(contacts.page(0, 10).unwrap(), vec![added]);
    contacts
        .set_presence(Availability::Away, Some("set offline"))
        .unwrap();
    assert_eq!(
        contacts.own_presence().unwrap().availability,
        Availability::Away
    );

    let options = |s: &mut gateway::Settings| s.http.listen = Some(loopback(port));
    let gw = gateway::start(xmpp.port(), options).await;
    let mut got = bob
        .expect_presence("alice's request", |p| {
            from_alice(p, presence::Type::Subscribe)
        })
        .await;
    bob.send(to_alice(presence::Type::Subscribed)).await;
    bob.send(to_alice(presence::Type::Subscribe)).await;

    // Bob asks back: alice's core shows his request, and she accepts it.
    eventually("bob's request in alice's core", || {
        contacts.requests().unwrap() == [jid!("bob")]
    })
    .await;
    contacts.accept(jid!("bob")).unwrap();
    assert!(contacts.requests().unwrap().is_empty(), "answered at once");
    eventually("bob's presence in alice's list", || {
        listed(&contacts, jid!("bob")).is_some_and(|c| {
            c.subscription == Subscription::Both
                && c.presence.availability == Availability::Available
                && c.name.as_deref() == Some("Bob")
        })
    })
    .await;

    // Bob sees the presence alice set while the gateway was down, once.
    got.extend(bob.expect_presence("alice away", alice_away).await);
    and_then_quiet(&mut bob, &mut got).await;
    let subscribes = |got: &[Presence]| count(got, |p| from_alice(p, presence::Type::Subscribe));
    assert_eq!(subscribes(&got), 1, "{got:#?}");
    assert_eq!(count(&got, alice_away), 1, "{got:#?}");

    // A new session starts plainly available; the core sends the presence again, once.
    alice.sign_off().await.unwrap();
    let alice = alice_core(&store, &base);
    assert_eq!(
        alice
            .contacts_api()
            .own_presence()
            .unwrap()
            .status
            .as_deref(),
        Some("set offline"),
        "kept across the restart"
    );
    got.extend(bob.expect_presence("alice away again", alice_away).await);
    and_then_quiet(&mut bob, &mut got).await;
    assert_eq!(count(&got, alice_away), 2, "{got:#?}");
    assert_eq!(subscribes(&got), 1, "{got:#?}");
    alice.stop().await.unwrap();
    gw.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_to_alice_survive_a_restart_and_her_answers_reach_the_askers_once() {
    let world = World::start(&["alice", "bob", "carol"], |_| {}, None).await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("alice.db");
    let alice = signed_in(&world.base, &store, "alice", "alice-phone").await;
    let mut bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, world.xmpp.port()).await;
    let mut carol = world.sign_in("carol", "carol-phone").await;
    bob.send(to_alice(presence::Type::Subscribe)).await;
    let request = AddContactRequest {
        jid: jid!("alice").into(),
        name: None,
    };
    carol
        .post_empty(paths::CONTACTS, Some(&request))
        .await
        .unwrap();
    let contacts = alice.contacts_api();
    eventually("both requests in alice's core", || {
        contacts.requests().unwrap().len() == 2
    })
    .await;

    // After a restart the requests are still there, before any sync.
    alice.stop().await.unwrap();
    let alice = alice_core(&store, &world.base);
    let contacts = alice.contacts_api();
    let mut requests = contacts.requests().unwrap();
    requests.sort();
    assert_eq!(requests, [jid!("bob"), jid!("carol")]);

    contacts.accept(jid!("bob")).unwrap();
    contacts.refuse(jid!("carol")).unwrap();
    assert!(contacts.requests().unwrap().is_empty());

    // Bob is accepted: alice's presence reaches him, and she asks back once.
    let mut to_bob = bob
        .expect_presence("alice's ask back", |p| {
            from_alice(p, presence::Type::Subscribe)
        })
        .await;
    if count(&to_bob, |p| from_alice(p, presence::Type::None)) == 0 {
        let more = bob
            .expect_presence("alice's presence", |p| from_alice(p, presence::Type::None))
            .await;
        to_bob.extend(more);
    }
    // Carol is refused: her request no longer waits, and nothing asks her back.
    carol
        .wait_for("the refusal", |e| {
            matches!(e, Event::ContactChanged { contact }
                if contact.jid == jid!("alice") && !contact.pending_out)
        })
        .await;
    and_then_quiet(&mut bob, &mut to_bob).await;
    carol.assert_none("more", QUIET, |_| false).await;
    assert_eq!(
        count(&to_bob, |p| from_alice(p, presence::Type::Subscribe)),
        1,
        "{to_bob:#?}"
    );
    // Her own add is pushed twice (listed, then asking); the refusal once.
    let refusals = carol
        .seen
        .iter()
        .filter(|e| {
            matches!(e, Event::ContactChanged { contact }
                if contact.jid == jid!("alice") && !contact.pending_out)
        })
        .count();
    assert_eq!(refusals, 1, "{:#?}", carol.seen);
    assert_eq!(requests_from(&carol, jid!("alice")), 0, "{:#?}", carol.seen);
    eventually("bob listed as seeing alice", || {
        listed(&contacts, jid!("bob")).is_some_and(|c| c.subscription == Subscription::From)
    })
    .await;
    assert!(contacts.requests().unwrap().is_empty());
    assert!(contacts.failures().unwrap().is_empty());
    alice.stop().await.unwrap();
    world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rename_and_a_removal_go_through_the_gateway_without_asking_the_contact_again() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let dir = tempfile::tempdir().unwrap();
    let alice = signed_in(
        &world.base,
        &dir.path().join("alice.db"),
        "alice",
        "alice-phone",
    )
    .await;
    let mut bob = world.sign_in("bob", "bob-phone").await;
    let contacts = alice.contacts_api();
    contacts.add(jid!("bob"), Some("Bob")).unwrap();
    bob.wait_for("alice's request", is_request_from(jid!("alice")))
        .await;

    let renamed = contacts.rename(jid!("bob"), Some("Bobby")).unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Bobby"), "shown at once");
    // Renaming goes through: a second core on the same account sees the name.
    let other_dir = tempfile::tempdir().unwrap();
    let other = signed_in(
        &world.base,
        &other_dir.path().join("alice2.db"),
        "alice",
        "alice-tablet",
    )
    .await;
    eventually("the new name on alice's other device", || {
        listed(&other.contacts_api(), jid!("bob"))
            .is_some_and(|c| c.name.as_deref() == Some("Bobby"))
    })
    .await;

    contacts.remove(jid!("bob")).unwrap();
    assert_eq!(listed(&contacts, jid!("bob")), None, "gone at once");
    eventually("the removal on alice's other device", || {
        listed(&other.contacts_api(), jid!("bob")).is_none()
    })
    .await;
    bob.assert_none("more", QUIET, |_| false).await;
    assert_eq!(requests_from(&bob, jid!("alice")), 1, "{:#?}", bob.seen);
    assert!(contacts.failures().unwrap().is_empty());

    // The gateway's rename refuses someone not in the list, and an over-long name.
    let rename = |name: String| RenameContactRequest { name: Some(name) };
    let path = paths::CONTACT.replace("{jid}", jid!("carol"));
    let (status, body) = bob
        .call::<_, Empty>(Method::PUT, &path, Some(&rename("Carol".into())))
        .await
        .unwrap_err();
    assert_eq!((status.as_u16(), body.code), (404, ErrorCode::NotFound));
    let path = paths::CONTACT.replace("{jid}", jid!("alice"));
    let (status, body) = bob
        .call::<_, Empty>(Method::PUT, &path, Some(&rename("a".repeat(257))))
        .await
        .unwrap_err();
    assert_eq!(
        (status.as_u16(), body.code),
        (400, ErrorCode::InvalidRequest)
    );
    other.stop().await.unwrap();
    alice.stop().await.unwrap();
    world.shutdown().await;
}
