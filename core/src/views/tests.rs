//! The views against a real SQLite store: each change to the store shows as
//! the row operations it makes, and applying them gives the rows now.

use std::sync::Arc;

use splitline_protocol::{
    Availability, ChatMessage, Contact, ContactPresence, Event, EventEnvelope, Subscription,
};

use super::{
    Views,
    diff::{Keyed, RowDiff, RowOp},
};
use crate::store::{Changes, Store};

fn views() -> (tempfile::TempDir, Arc<Store>, Views) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("core.db")).unwrap());
    let (updates, _) = tokio::sync::broadcast::channel(8);
    (dir, store.clone(), Views::new(store, updates))
}

/// Applies `events` as one batch, with cursor `cursor`; returns what changed.
fn apply(store: &Store, cursor: u64, events: Vec<Event>) -> Changes {
    let batch: Vec<EventEnvelope> = events
        .into_iter()
        .enumerate()
        .map(|(n, event)| EventEnvelope {
            seq: cursor * 100 + n as u64,
            event,
        })
        .collect();
    store.apply_events(&batch, &cursor.to_string()).unwrap()
}

fn received(from: &str, id: &str, body: &str, at: i64) -> Event {
    Event::MessageReceived {
        message: ChatMessage {
            network_id: Some(id.into()),
            archive_id: None,
            room: None,
            from: from.into(),
            to: "me@localhost".into(),
            body: body.into(),
            timestamp_ms: at,
            from_stranger: false,
        },
    }
}

fn contact(jid: &str, name: &str, availability: Availability) -> Contact {
    Contact {
        jid: jid.into(),
        name: Some(name.into()),
        subscription: Subscription::Both,
        pending_out: false,
        presence: ContactPresence {
            availability,
            status: None,
        },
    }
}

/// The old rows with `diff` applied.
fn applied<R: Keyed + Clone>(old: &[R], diff: &RowDiff<R>) -> Vec<R> {
    let mut rows = old.to_vec();
    for op in &diff.ops {
        match op {
            RowOp::Insert { index, row } => rows.insert(*index, row.clone()),
            RowOp::Update { index, row } => rows[*index] = row.clone(),
            RowOp::Remove { index } => {
                rows.remove(*index);
            }
        }
    }
    rows
}

#[test]
fn the_chat_list_reports_a_new_chat_as_an_insert_and_its_next_message_as_an_update() {
    let (_dir, store, views) = views();
    let mut chats = views.chat_list(50).unwrap();
    assert!(chats.rows().is_empty());

    let changes = apply(
        &store,
        1,
        vec![received("bob@localhost", "m1", "hi", 1_000)],
    );
    let update = crate::sync::SyncUpdate::Changed(changes);
    assert!(chats.affected_by(&update));
    let first = chats.refresh().unwrap();
    let [RowOp::Insert { index: 0, row }] = first.ops.as_slice() else {
        panic!("expected one insert, got {first:?}");
    };
    assert_eq!(row.peer, "bob@localhost");
    assert_eq!(row.unread, 1);
    assert_eq!(
        row.last_message.as_ref().map(|m| m.body.as_str()),
        Some("hi")
    );

    apply(
        &store,
        2,
        vec![received("bob@localhost", "m2", "again", 2_000)],
    );
    let second = chats.refresh().unwrap();
    let [RowOp::Update { index: 0, row }] = second.ops.as_slice() else {
        panic!("expected one update, got {second:?}");
    };
    assert_eq!(row.unread, 2);
    assert_eq!(
        row.last_message.as_ref().map(|m| m.body.as_str()),
        Some("again")
    );
    assert_eq!(second.changed, vec!["bob@localhost".to_owned()]);
    assert!(chats.refresh().unwrap().is_empty(), "nothing changed since");
}

#[test]
fn a_view_that_fell_behind_gets_one_combined_diff_of_every_change() {
    let (_dir, store, views) = views();
    apply(&store, 1, vec![received("bob@localhost", "m1", "1", 1_000)]);
    let mut chats = views.chat_list(50).unwrap();
    let before = chats.rows().to_vec();
    assert_eq!(
        applied(&[], &chats.initial()),
        before,
        "a new subscriber gets every row"
    );
    // Three batches while the listener was busy: a new chat, then bob again.
    apply(
        &store,
        2,
        vec![received("carol@localhost", "c1", "2", 2_000)],
    );
    apply(
        &store,
        3,
        vec![received("dave@localhost", "d1", "3", 3_000)],
    );
    apply(&store, 4, vec![received("bob@localhost", "m2", "4", 4_000)]);
    let combined = chats.refresh().unwrap();
    assert_eq!(applied(&before, &combined), chats.rows());
    let peers: Vec<_> = chats.rows().iter().map(|c| c.peer.as_str()).collect();
    assert_eq!(
        peers,
        ["bob@localhost", "dave@localhost", "carol@localhost"]
    );
}

#[test]
fn the_contact_list_reports_a_presence_change_as_an_update_of_that_row_only() {
    let (_dir, store, views) = views();
    apply(
        &store,
        1,
        vec![
            Event::ContactAdded {
                contact: contact("bob@localhost", "Bob", Availability::Offline),
            },
            Event::ContactAdded {
                contact: contact("carol@localhost", "Carol", Availability::Offline),
            },
        ],
    );
    let mut contacts = views.contact_list(100).unwrap();
    assert_eq!(contacts.rows().len(), 2);
    let changes = apply(
        &store,
        2,
        vec![Event::PresenceChanged {
            jid: "carol@localhost".into(),
            presence: ContactPresence {
                availability: Availability::Available,
                status: Some("here".into()),
            },
        }],
    );
    assert!(contacts.affected_by(&crate::sync::SyncUpdate::Changed(changes)));
    let diff = contacts.refresh().unwrap();
    let [RowOp::Update { index: 1, row }] = diff.ops.as_slice() else {
        panic!("expected an update of carol's row, got {diff:?}");
    };
    assert_eq!(row.presence.availability, Availability::Available);

    apply(
        &store,
        3,
        vec![Event::ContactRemoved {
            jid: "bob@localhost".into(),
        }],
    );
    let removed = contacts.refresh().unwrap();
    assert_eq!(removed.ops, vec![RowOp::Remove { index: 0 }]);
    assert_eq!(removed.changed, vec!["bob@localhost".to_owned()]);
}

#[test]
fn the_timeline_appends_new_messages_at_the_end_and_pages_back_from_the_store() {
    let (_dir, store, views) = views();
    let events = (0..10)
        .map(|n| {
            received(
                "bob@localhost",
                &format!("m{n}"),
                &format!("{n}"),
                1_000 + n,
            )
        })
        .collect();
    apply(&store, 1, events);
    let mut timeline = views.timeline("bob@localhost", 4).unwrap();
    let bodies = |rows: &[crate::store::MessageRow]| -> Vec<String> {
        rows.iter().map(|m| m.body.clone()).collect()
    };
    assert_eq!(bodies(timeline.rows()), ["6", "7", "8", "9"]);

    let changes = apply(
        &store,
        2,
        vec![received("bob@localhost", "m10", "10", 2_000)],
    );
    assert!(timeline.affected_by(&crate::sync::SyncUpdate::Changed(changes)));
    let before = timeline.rows().to_vec();
    let newer = timeline.refresh().unwrap();
    assert_eq!(applied(&before, &newer), timeline.rows());
    assert_eq!(bodies(timeline.rows()), ["7", "8", "9", "10"]);

    let before = timeline.rows().to_vec();
    let older = timeline.load_more(3).unwrap();
    assert!(
        older
            .ops
            .iter()
            .all(|op| matches!(op, RowOp::Insert { index, .. } if *index < 3)),
        "paging back inserts at the start: {older:?}"
    );
    assert_eq!(applied(&before, &older), timeline.rows());
    assert_eq!(
        bodies(timeline.rows()),
        ["4", "5", "6", "7", "8", "9", "10"]
    );
    assert!(
        timeline.load_more(10).unwrap().ops.len() == 4,
        "only 4 older rows left"
    );
    assert!(
        timeline.load_more(10).unwrap().is_empty(),
        "the store ran out"
    );

    let other = apply(
        &store,
        3,
        vec![received("carol@localhost", "c1", "x", 3_000)],
    );
    assert!(
        !timeline.affected_by(&crate::sync::SyncUpdate::Changed(other)),
        "another chat's message does not touch this timeline"
    );
}
