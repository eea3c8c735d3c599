//! Contact changes made here, subscription requests and own presence: shown
//! at once, queued in order, coalesced where that is right, kept across a
//! reopen, and settled honestly when the gateway took or refused them.

use super::*;

const BOB: &str = "bob@localhost";
const CAROL: &str = "carol@localhost";

/// The list as shown: address, name and pending flag of each row.
fn shown(store: &Store) -> Vec<(String, Option<String>, bool)> {
    store
        .contacts_page(0, 100)
        .unwrap()
        .into_iter()
        .map(|c| (c.jid, c.name, c.pending_out))
        .collect()
}

/// The queue: address, kind and name of each change, oldest first.
fn queued(store: &Store) -> Vec<(String, ContactOpKind, Option<String>)> {
    store
        .contact_ops()
        .unwrap()
        .into_iter()
        .map(|op| (op.jid, op.kind, op.name))
        .collect()
}

fn row(jid: &str, name: Option<&str>, pending: bool) -> (String, Option<String>, bool) {
    (jid.into(), name.map(Into::into), pending)
}

fn op(
    jid: &str,
    kind: ContactOpKind,
    name: Option<&str>,
) -> (String, ContactOpKind, Option<String>) {
    (jid.into(), kind, name.map(Into::into))
}

/// The network lists `jid` (a contact both ways).
fn network_lists(store: &Store, jid: &str, name: Option<&str>) {
    let events = batch(vec![Event::ContactAdded {
        contact: contact(jid, name, Availability::Available),
    }]);
    store.apply_events(&events, "c").unwrap();
}

#[test]
fn changes_show_at_once_go_in_order_and_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("core.db");
    {
        let store = Store::open(&path).unwrap();
        network_lists(&store, CAROL, Some("Carol"));
        store
            .queue_contact_op(BOB, ContactOpKind::Add, Some("Bob"))
            .unwrap();
        store
            .queue_contact_op(CAROL, ContactOpKind::Remove, None)
            .unwrap();
        store
            .queue_contact_op("dave@localhost", ContactOpKind::Accept, None)
            .unwrap();
        assert_eq!(shown(&store), vec![row(BOB, Some("Bob"), true)]);
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(shown(&store), vec![row(BOB, Some("Bob"), true)]);
    assert_eq!(
        queued(&store),
        vec![
            op(BOB, ContactOpKind::Add, Some("Bob")),
            op(CAROL, ContactOpKind::Remove, None),
            op("dave@localhost", ContactOpKind::Accept, None),
        ]
    );
}

#[test]
fn an_add_and_a_removal_before_either_went_out_cancel_out() {
    let (_dir, store) = temp_store();
    store
        .queue_contact_op(BOB, ContactOpKind::Add, None)
        .unwrap();
    store
        .queue_contact_op(BOB, ContactOpKind::Remove, None)
        .unwrap();
    assert!(queued(&store).is_empty());
    assert!(shown(&store).is_empty());
}

#[test]
fn renames_before_the_add_went_out_change_the_name_it_carries() {
    let (_dir, store) = temp_store();
    store
        .queue_contact_op(BOB, ContactOpKind::Add, Some("B"))
        .unwrap();
    store
        .queue_contact_op(BOB, ContactOpKind::Rename, Some("Bobby"))
        .unwrap();
    assert_eq!(
        queued(&store),
        vec![op(BOB, ContactOpKind::Add, Some("Bobby"))]
    );
    assert_eq!(shown(&store), vec![row(BOB, Some("Bobby"), true)]);

    // Of a listed contact, two renames are one, and a removal drops them.
    network_lists(&store, CAROL, Some("Carol"));
    store
        .queue_contact_op(CAROL, ContactOpKind::Rename, Some("C"))
        .unwrap();
    store
        .queue_contact_op(CAROL, ContactOpKind::Rename, Some("Caro"))
        .unwrap();
    assert_eq!(
        shown(&store),
        vec![
            row(BOB, Some("Bobby"), true),
            row(CAROL, Some("Caro"), false)
        ]
    );
    assert_eq!(
        queued(&store)[1],
        op(CAROL, ContactOpKind::Rename, Some("Caro"))
    );
    store
        .queue_contact_op(CAROL, ContactOpKind::Remove, None)
        .unwrap();
    assert_eq!(
        queued(&store),
        vec![
            op(BOB, ContactOpKind::Add, Some("Bobby")),
            op(CAROL, ContactOpKind::Remove, None)
        ]
    );
    assert_eq!(shown(&store), vec![row(BOB, Some("Bobby"), true)]);
}

#[test]
fn a_change_whose_send_was_tried_is_never_coalesced_away() {
    let (_dir, store) = temp_store();
    store
        .queue_contact_op(BOB, ContactOpKind::Add, None)
        .unwrap();
    let tried = store.contact_ops().unwrap().remove(0);
    store.contact_op_started(tried.seq).unwrap();
    // The gateway may have the add: the removal must follow it.
    store
        .queue_contact_op(BOB, ContactOpKind::Remove, None)
        .unwrap();
    assert_eq!(
        queued(&store),
        vec![
            op(BOB, ContactOpKind::Add, None),
            op(BOB, ContactOpKind::Remove, None)
        ]
    );
    assert!(shown(&store).is_empty());
}

#[test]
fn a_change_the_gateway_took_moves_into_the_network_view() {
    let (_dir, store) = temp_store();
    store
        .queue_contact_op(BOB, ContactOpKind::Add, Some("Bob"))
        .unwrap();
    let add = store.contact_ops().unwrap().remove(0);
    store.contact_op_done(&add).unwrap();
    assert!(queued(&store).is_empty());
    assert_eq!(shown(&store), vec![row(BOB, Some("Bob"), true)]);
    // The gateway's event confirms it.
    network_lists(&store, BOB, Some("Bob"));
    assert_eq!(shown(&store), vec![row(BOB, Some("Bob"), false)]);
}

#[test]
fn a_change_refused_for_good_is_recorded_and_the_network_view_returns() {
    let (_dir, store) = temp_store();
    network_lists(&store, CAROL, Some("Carol"));
    store
        .queue_contact_op(BOB, ContactOpKind::Add, Some("Bob"))
        .unwrap();
    store
        .queue_contact_op(CAROL, ContactOpKind::Rename, Some("Caro"))
        .unwrap();
    for op in store.contact_ops().unwrap() {
        store.contact_op_failed(&op, "forbidden", 7).unwrap();
    }
    assert!(queued(&store).is_empty());
    assert_eq!(shown(&store), vec![row(CAROL, Some("Carol"), false)]);
    let failures = store.contact_failures().unwrap();
    assert_eq!(
        failures
            .iter()
            .map(|f| (f.jid.as_str(), f.kind, f.reason.as_str(), f.at_ms))
            .collect::<Vec<_>>(),
        vec![
            (BOB, ContactOpKind::Add, "forbidden", 7),
            (CAROL, ContactOpKind::Rename, "forbidden", 7)
        ]
    );
    store.clear_contact_failures().unwrap();
    assert!(store.contact_failures().unwrap().is_empty());
}

#[test]
fn a_request_is_stored_once_and_leaves_when_answered() {
    let (_dir, store) = temp_store();
    let asks = batch(vec![Event::SubscriptionRequested { from: BOB.into() }]);
    let first = store.apply_events(&asks, "c1").unwrap();
    assert_eq!(first.subscription_requests, vec![BOB.to_owned()]);
    assert_eq!(first.contact_jids, vec![BOB.to_owned()]);
    // Delivered again at the next session: kept once, not news.
    let again = store.apply_events(&asks, "c2").unwrap();
    assert!(again.subscription_requests.is_empty());
    assert_eq!(store.subscription_requests().unwrap(), vec![BOB.to_owned()]);

    store
        .queue_contact_op(BOB, ContactOpKind::Accept, None)
        .unwrap();
    assert!(store.subscription_requests().unwrap().is_empty());
    // Delivered again before the answer went out: the answer is on its way.
    store.apply_events(&asks, "c3").unwrap();
    assert!(store.subscription_requests().unwrap().is_empty());

    // An answer refused for good leaves the request standing.
    let accept = store.contact_ops().unwrap().remove(0);
    store.contact_op_failed(&accept, "invalid", 9).unwrap();
    assert_eq!(store.subscription_requests().unwrap(), vec![BOB.to_owned()]);
}

#[test]
fn a_request_answered_on_another_device_is_settled() {
    let (_dir, store) = temp_store();
    let events = batch(vec![Event::SubscriptionRequested { from: BOB.into() }]);
    store.apply_events(&events, "c1").unwrap();
    let mut bob = contact(BOB, None, Availability::Offline);
    bob.subscription = Subscription::From;
    let changes = store
        .apply_events(&batch(vec![Event::ContactChanged { contact: bob }]), "c2")
        .unwrap();
    assert!(store.subscription_requests().unwrap().is_empty());
    assert_eq!(changes.contact_jids, vec![BOB.to_owned()]);
}

fn presence(availability: Availability, status: Option<&str>) -> ContactPresence {
    ContactPresence {
        availability,
        status: status.map(Into::into),
    }
}

#[test]
fn own_presence_is_due_once_per_change_and_again_after_a_new_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("core.db");
    let away = presence(Availability::Away, Some("lunch"));
    {
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.own_presence().unwrap(),
            presence(Availability::Available, None)
        );
        assert_eq!(store.own_presence_due().unwrap(), None);
        // A new sign-in with nothing set sends nothing.
        store.own_presence_due_after_sign_in().unwrap();
        assert_eq!(store.own_presence_due().unwrap(), None);
        store.set_own_presence(&away).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.own_presence().unwrap(), away);
    let (due, generation) = store.own_presence_due().unwrap().unwrap();
    assert_eq!(due, away);
    // Changed while the first went out: the newer one is still due.
    let dnd = presence(Availability::DoNotDisturb, None);
    store.set_own_presence(&dnd).unwrap();
    store.own_presence_sent(generation).unwrap();
    let (due, generation) = store.own_presence_due().unwrap().unwrap();
    assert_eq!(due, dnd);
    store.own_presence_sent(generation).unwrap();
    assert_eq!(store.own_presence_due().unwrap(), None);
    store.own_presence_due_after_sign_in().unwrap();
    assert_eq!(store.own_presence_due().unwrap().map(|(p, _)| p), Some(dnd));
}

#[test]
fn a_presence_set_on_another_login_is_kept_unless_one_set_here_waits() {
    let (_dir, store) = temp_store();
    let followed = |availability| {
        batch(vec![Event::OwnPresenceChanged {
            availability,
            status: Some("desk".into()),
        }])
    };
    let changes = store
        .apply_events(&followed(Availability::Away), "c1")
        .unwrap();
    assert!(changes.own_presence);
    assert_eq!(
        store.own_presence().unwrap(),
        presence(Availability::Away, Some("desk"))
    );
    assert_eq!(
        store.own_presence_due().unwrap(),
        None,
        "the gateway announces it already"
    );

    store
        .set_own_presence(&presence(Availability::DoNotDisturb, None))
        .unwrap();
    store
        .apply_events(&followed(Availability::Available), "c2")
        .unwrap();
    assert_eq!(
        store.own_presence().unwrap(),
        presence(Availability::DoNotDisturb, None)
    );
}

#[test]
fn a_resync_keeps_the_requests_but_drops_those_it_shows_answered() {
    let (_dir, store) = temp_store();
    let asks = batch(vec![
        Event::SubscriptionRequested { from: BOB.into() },
        Event::SubscriptionRequested { from: CAROL.into() },
    ]);
    store.apply_events(&asks, "c1").unwrap();
    let mut carol = contact(CAROL, None, Availability::Offline);
    carol.subscription = Subscription::From;
    store.replace_contacts(&[carol], "c2").unwrap();
    assert_eq!(store.subscription_requests().unwrap(), vec![BOB.to_owned()]);
}

#[test]
fn signing_in_as_another_account_forgets_contact_changes_requests_and_presence() {
    let (_dir, store) = temp_store();
    store.set_account("me@localhost", "d1").unwrap();
    store
        .queue_contact_op(BOB, ContactOpKind::Add, None)
        .unwrap();
    let asks = batch(vec![Event::SubscriptionRequested { from: CAROL.into() }]);
    store.apply_events(&asks, "c1").unwrap();
    store
        .set_own_presence(&presence(Availability::Away, None))
        .unwrap();
    store.set_account("other@localhost", "d1").unwrap();
    assert!(queued(&store).is_empty());
    assert!(shown(&store).is_empty());
    assert!(store.subscription_requests().unwrap().is_empty());
    assert_eq!(store.own_presence_due().unwrap(), None);
    assert_eq!(
        store.own_presence().unwrap(),
        presence(Availability::Available, None)
    );
}
