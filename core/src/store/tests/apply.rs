//! Applying event batches and archive pages: once each, all or nothing.

use super::*;

#[test]
fn events_update_contacts_presence_and_chats_and_duplicates_are_stored_once() {
    let (_dir, store) = temp_store();
    let events = batch(vec![
        Event::ContactAdded {
            contact: contact("bob@localhost", Some("Bob"), Availability::Offline),
        },
        Event::PresenceChanged {
            jid: "bob@localhost".into(),
            presence: ContactPresence {
                availability: Availability::Away,
                status: Some("lunch".into()),
            },
        },
        received("bob@localhost", "n1", "hello", 100),
        Event::SubscriptionRequested {
            from: "carol@localhost".into(),
        },
    ]);
    let changes = store.apply_events(&events, "e-4").unwrap();
    assert!(changes.contacts);
    assert_eq!(changes.chats, vec!["bob@localhost".to_owned()]);
    assert_eq!(changes.new_messages, 1);
    assert_eq!(
        changes.subscription_requests,
        vec!["carol@localhost".to_owned()]
    );
    // The same batch again (a response lost and replayed) stores nothing new.
    let again = store.apply_events(&events, "e-4").unwrap();
    assert_eq!(again.new_messages, 0);
    assert_eq!(
        store
            .messages_page("bob@localhost", None, 10)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(store.chats_page(0, 10).unwrap()[0].unread, 1);
    let contacts = store.contacts_page(0, 10).unwrap();
    assert_eq!(contacts[0].presence.availability, Availability::Away);
    assert_eq!(contacts[0].presence.status.as_deref(), Some("lunch"));
    assert_eq!(
        store.sync_value(keys::CURSOR).unwrap().as_deref(),
        Some("e-4")
    );

    let ended = store
        .apply_events(
            &batch(vec![
                Event::ContactRemoved {
                    jid: "bob@localhost".into(),
                },
                Event::SessionEnded {
                    reason: SessionEndReason::IdleTimeout,
                },
            ]),
            "e-6",
        )
        .unwrap();
    assert_eq!(ended.session_ended, Some(SessionEndReason::IdleTimeout));
    assert!(store.contacts_page(0, 10).unwrap().is_empty());
}

#[test]
fn a_batch_that_fails_midway_leaves_nothing_behind() {
    let (_dir, store) = temp_store();
    store.set_sync_value(keys::CURSOR, Some("e-0")).unwrap();
    lock(&store.writer)
        .execute_batch(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN NEW.body = 'boom'
             BEGIN SELECT RAISE(ABORT, 'boom refused'); END;",
        )
        .unwrap();
    let events = batch(vec![
        Event::ContactAdded {
            contact: contact("bob@localhost", None, Availability::Available),
        },
        received("bob@localhost", "n1", "fine", 1),
        received("bob@localhost", "n2", "boom", 2),
    ]);
    assert!(store.apply_events(&events, "e-3").is_err());
    assert!(store.contacts_page(0, 10).unwrap().is_empty());
    assert!(
        store
            .messages_page("bob@localhost", None, 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.sync_value(keys::CURSOR).unwrap().as_deref(),
        Some("e-0")
    );
}

#[test]
fn the_archive_and_the_live_stream_overlap_without_duplicates() {
    let (_dir, store) = temp_store();
    let mut live = received("bob@localhost", "n2", "text of n2", 200);
    if let Event::MessageReceived { message } = &mut live {
        message.archive_id = Some("a2".into());
    }
    store.apply_events(&batch(vec![live]), "c-1").unwrap();
    let page = ArchivePage {
        first: None,
        messages: vec![
            archived("bob@localhost", "me@localhost", "n1", "a1", 100),
            archived("bob@localhost", "me@localhost", "n2", "a2", 200),
            archived("bob@localhost", "me@localhost", "n3", "a3", 300),
        ],
        last: Some("a3".into()),
        complete: true,
    };
    let changes = store.apply_archive_page(&page).unwrap();
    assert_eq!(changes.new_messages, 2);
    assert_eq!(changes.chats, vec!["bob@localhost".to_owned()]);
    // Applying the same page again (a crash before the caller heard of it) adds nothing.
    assert_eq!(store.apply_archive_page(&page).unwrap().new_messages, 0);
    assert_eq!(
        bodies(&store, "bob@localhost"),
        vec!["text of n1", "text of n2", "text of n3"]
    );
    assert_eq!(
        store.sync_value(keys::ARCHIVE_CURSOR).unwrap().as_deref(),
        Some("a3")
    );
}

#[test]
fn two_rooms_whose_archives_give_the_same_id_keep_both_messages() {
    let (_dir, store) = temp_store();
    let room_post = |room: &str, id: &str| ArchivePage {
        first: None,
        messages: vec![ArchivedMessage {
            outgoing: false,
            message: ChatMessage {
                network_id: Some(id.into()),
                archive_id: Some("1795537346041642".into()),
                room: Some(room.into()),
                from: "bob@localhost".into(),
                to: room.into(),
                body: format!("post {id}"),
                timestamp_ms: 100,
                from_stranger: false,
            },
        }],
        last: Some("1795537346041642".into()),
        complete: true,
    };
    for (room, id) in [
        ("a@conference.localhost", "p1"),
        ("b@conference.localhost", "p2"),
    ] {
        let changes = store
            .apply_room_archive_page(room, &room_post(room, id))
            .unwrap();
        assert_eq!(changes.new_messages, 1, "{room} keeps its post");
    }
    // The same entry again is still a repeat.
    let again = store
        .apply_room_archive_page(
            "a@conference.localhost",
            &room_post("a@conference.localhost", "p1"),
        )
        .unwrap();
    assert_eq!(again.new_messages, 0);
    assert_eq!(bodies(&store, "b@conference.localhost"), ["post p2"]);
}

#[test]
fn live_messages_move_the_archive_cursor_only_when_no_catch_up_is_due() {
    let (_dir, store) = temp_store();
    let live = |id: &str, archive_id: &str| {
        let mut event = received("bob@localhost", id, id, 1);
        if let Event::MessageReceived { message } = &mut event {
            message.archive_id = Some(archive_id.into());
        }
        event
    };
    store
        .apply_events(&batch(vec![live("n1", "a1")]), "c-1")
        .unwrap();
    assert_eq!(
        store.sync_value(keys::ARCHIVE_CURSOR).unwrap().as_deref(),
        Some("a1")
    );
    store.catch_up_due().unwrap();
    assert!(store.catching_up().unwrap());
    store
        .apply_events(&batch(vec![live("n9", "a9")]), "c-2")
        .unwrap();
    assert_eq!(
        store.sync_value(keys::ARCHIVE_CURSOR).unwrap().as_deref(),
        Some("a1"),
        "during a catch-up the archive, not the live stream, says where it stands"
    );
    let partial = ArchivePage {
        first: None,
        messages: vec![],
        last: Some("a5".into()),
        complete: false,
    };
    store.apply_archive_page(&partial).unwrap();
    assert!(store.catching_up().unwrap());
    assert_eq!(
        store.sync_value(keys::ARCHIVE_CURSOR).unwrap().as_deref(),
        Some("a5"),
        "the position moves past entries that are not 1:1 messages"
    );
    let last = ArchivePage {
        first: None,
        messages: vec![],
        last: None,
        complete: true,
    };
    store.apply_archive_page(&last).unwrap();
    assert!(!store.catching_up().unwrap());
    assert_eq!(
        store.sync_value(keys::ARCHIVE_CURSOR).unwrap().as_deref(),
        Some("a5")
    );
}

#[test]
fn a_resync_makes_a_catch_up_due() {
    let (_dir, store) = temp_store();
    assert!(!store.catching_up().unwrap());
    store.replace_contacts(&[], "c-3").unwrap();
    assert!(store.catching_up().unwrap());
}

#[test]
fn a_batch_fetched_after_a_cursor_another_poller_moved_on_is_dropped_whole() {
    let (_dir, store) = temp_store();
    store.apply_events(&[], "e-1").unwrap();
    let events = batch(vec![
        received("bob@localhost", "n1", "hello", 100),
        Event::SubscriptionRequested {
            from: "carol@localhost".into(),
        },
    ]);
    // Two pollers fetched the same batch after e-1; the first stores it.
    let first = store.apply_events_from("e-1", &events, "e-3").unwrap();
    assert_eq!(first.map(|c| c.new_messages), Some(1));
    let second = store.apply_events_from("e-1", &events, "e-3").unwrap();
    assert_eq!(second, None, "the second finds the cursor moved on");
    assert_eq!(
        store.sync_value(keys::CURSOR).unwrap().as_deref(),
        Some("e-3")
    );
    let page = store.messages_page("bob@localhost", None, 10).unwrap();
    assert_eq!(page.len(), 1);
}
