//! Store tests against a real SQLite file.

use splitline_protocol::{
    ArchivePage, ArchivedMessage, Availability, ChatMessage, ClosedChat, Contact, ContactPresence,
    Event, EventEnvelope, SessionEndReason, Subscription,
};

use super::*;

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("core.db")).unwrap();
    (dir, store)
}

fn contact(jid: &str, name: Option<&str>, availability: Availability) -> Contact {
    Contact {
        jid: jid.into(),
        name: name.map(Into::into),
        subscription: Subscription::Both,
        pending_out: false,
        presence: ContactPresence {
            availability,
            status: None,
        },
    }
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
        },
    }
}

fn batch(events: Vec<Event>) -> Vec<EventEnvelope> {
    events
        .into_iter()
        .enumerate()
        .map(|(n, event)| EventEnvelope {
            seq: n as u64 + 1,
            event,
        })
        .collect()
}

#[test]
fn a_queued_message_survives_reopening_and_leaves_the_outbox_once_sent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("core.db");
    {
        let store = Store::open(&path).unwrap();
        let row = store
            .queue_message("bob@localhost", "c-1", "hi", "me@localhost", 10)
            .unwrap();
        assert_eq!(row.state, MessageState::Queued);
        store
            .queue_message("bob@localhost", "c-2", "there", "me@localhost", 11)
            .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let outbox = store.outbox().unwrap();
    assert_eq!(
        outbox
            .iter()
            .map(|o| o.client_id.as_str())
            .collect::<Vec<_>>(),
        vec!["c-1", "c-2"]
    );
    store.mark_sent("c-1", "c-1").unwrap();
    assert_eq!(store.outbox().unwrap().len(), 1);
    let page = store.messages_page("bob@localhost", None, 10).unwrap();
    assert_eq!(
        page.iter().map(|m| m.state).collect::<Vec<_>>(),
        vec![MessageState::Sent, MessageState::Queued]
    );
    assert!(matches!(
        store.mark_sent("nope", "x"),
        Err(StoreError::UnknownMessage(_))
    ));
}

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
fn pages_are_ordered_and_bounded() {
    let (_dir, store) = temp_store();
    let events = batch(vec![
        Event::ContactAdded {
            contact: contact("zed@localhost", Some("alice"), Availability::Offline),
        },
        Event::ContactAdded {
            contact: contact("bob@localhost", None, Availability::Offline),
        },
        Event::ContactAdded {
            contact: contact("amy@localhost", Some("Carol"), Availability::Offline),
        },
        received("bob@localhost", "b1", "old", 100),
        received("amy@localhost", "a1", "newer", 200),
        received("bob@localhost", "b2", "newest", 300),
        received("bob@localhost", "b3", "latest", 400),
    ]);
    store.apply_events(&events, "e-7").unwrap();
    let names: Vec<String> = store
        .contacts_page(0, 10)
        .unwrap()
        .into_iter()
        .map(|c| c.jid)
        .collect();
    assert_eq!(
        names,
        vec!["zed@localhost", "bob@localhost", "amy@localhost"],
        "by name, else address, ignoring case"
    );
    assert_eq!(store.contacts_page(1, 1).unwrap()[0].jid, "bob@localhost");
    let chats: Vec<String> = store
        .chats_page(0, 10)
        .unwrap()
        .into_iter()
        .map(|c| c.peer)
        .collect();
    assert_eq!(chats, vec!["bob@localhost", "amy@localhost"]);
    let newest = store.messages_page("bob@localhost", None, 2).unwrap();
    assert_eq!(
        newest.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(),
        vec!["newest", "latest"]
    );
    let older = store
        .messages_page("bob@localhost", Some(newest[0].id), 2)
        .unwrap();
    assert_eq!(
        older.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(),
        vec!["old"]
    );
}

#[test]
fn signing_in_as_another_account_clears_the_old_one() {
    let (_dir, store) = temp_store();
    store.set_account("me@localhost", "d1").unwrap();
    store
        .queue_message("bob@localhost", "c-1", "hi", "me@localhost", 1)
        .unwrap();
    store.set_account("me@localhost", "d1").unwrap();
    assert_eq!(
        store.outbox().unwrap().len(),
        1,
        "the same account keeps its data"
    );
    store.set_account("other@localhost", "d1").unwrap();
    assert!(store.outbox().unwrap().is_empty());
    assert!(store.chats_page(0, 10).unwrap().is_empty());
    assert_eq!(store.account().unwrap().as_deref(), Some("other@localhost"));
}

#[test]
fn reads_do_not_wait_behind_an_open_write() {
    let (_dir, store) = temp_store();
    store
        .queue_message("bob@localhost", "c-1", "hi", "me@localhost", 1)
        .unwrap();
    let writer = lock(&store.writer);
    let mode: String = writer
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "readers rely on write-ahead logging");
    writer
        .execute_batch("BEGIN IMMEDIATE; INSERT INTO sync_state (key, value) VALUES ('x', 'y');")
        .unwrap();
    // The write transaction is open and holds the write lock; a read still answers at once.
    assert_eq!(store.chats_page(0, 10).unwrap().len(), 1);
    writer.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn a_corrupt_stored_value_is_an_error_not_a_panic() {
    let (_dir, store) = temp_store();
    lock(&store.writer)
        .execute(
            "INSERT INTO contacts (jid, subscription, pending_out, availability) VALUES ('x@localhost', 'weird', 0, 'offline')",
            [],
        )
        .unwrap();
    let error = store.contacts_page(0, 10).unwrap_err();
    assert!(error.to_string().contains("weird"), "{error}");
}

#[test]
fn two_processes_opening_a_new_store_at_once_both_succeed() {
    for _ in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        let openers: Vec<_> = (0..2)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || Store::open(path).map(drop))
            })
            .collect();
        for opener in openers {
            opener.join().unwrap().unwrap();
        }
    }
}

fn archived(from: &str, to: &str, id: &str, archive_id: &str, at: i64) -> ArchivedMessage {
    ArchivedMessage {
        outgoing: from == "me@localhost",
        message: ChatMessage {
            network_id: Some(id.into()),
            archive_id: Some(archive_id.into()),
            room: None,
            from: from.into(),
            to: to.into(),
            body: format!("text of {id}"),
            timestamp_ms: at,
        },
    }
}

fn bodies(store: &Store, peer: &str) -> Vec<String> {
    store
        .messages_page(peer, None, 100)
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect()
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
fn a_queued_message_found_in_the_archive_was_sent_and_leaves_the_outbox() {
    let (_dir, store) = temp_store();
    store
        .queue_message("bob@localhost", "c-7", "text of c-7", "me@localhost", 10)
        .unwrap();
    let page = ArchivePage {
        messages: vec![archived("me@localhost", "bob@localhost", "c-7", "a7", 11)],
        last: Some("a7".into()),
        complete: true,
    };
    store.apply_archive_page(&page).unwrap();
    assert!(
        store.outbox().unwrap().is_empty(),
        "it must not be sent twice"
    );
    let rows = store.messages_page("bob@localhost", None, 10).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, MessageState::Sent);
    assert_eq!(rows[0].network_id.as_deref(), Some("c-7"));
    // Its later acknowledgement from the gateway is harmless.
    store.mark_sent("c-7", "c-7").unwrap();
    assert_eq!(
        store
            .messages_page("bob@localhost", None, 10)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_resync_makes_a_catch_up_due() {
    let (_dir, store) = temp_store();
    assert!(!store.catching_up().unwrap());
    store.replace_contacts(&[], "c-3").unwrap();
    assert!(store.catching_up().unwrap());
}

fn unread(store: &Store, peer: &str) -> u32 {
    store
        .chats_page(0, 50)
        .unwrap()
        .into_iter()
        .find(|c| c.peer == peer)
        .map_or(0, |c| c.unread)
}

#[test]
fn mark_all_viewed_clears_unread_and_queues_one_marker_per_chat() {
    let (_dir, store) = temp_store();
    let events = batch(vec![
        received("bob@localhost", "n1", "one", 1),
        received("bob@localhost", "n2", "two", 2),
        received("carol@localhost", "c1", "hey", 3),
    ]);
    store.apply_events(&events, "c-1").unwrap();
    assert_eq!(unread(&store, "bob@localhost"), 2);
    let mut changed = store.mark_all_viewed().unwrap();
    changed.sort();
    assert_eq!(changed, vec!["bob@localhost", "carol@localhost"]);
    assert_eq!(unread(&store, "bob@localhost"), 0);
    assert_eq!(unread(&store, "carol@localhost"), 0);
    let markers = store.pending_markers().unwrap();
    assert_eq!(
        markers,
        vec![
            PendingMarker {
                peer: "bob@localhost".into(),
                network_id: "n2".into(),
                archive_id: None,
            },
            PendingMarker {
                peer: "carol@localhost".into(),
                network_id: "c1".into(),
                archive_id: None,
            },
        ]
    );
    // Nothing new to mark: no new marker.
    assert!(store.mark_all_viewed().unwrap().is_empty());
    // A newer marker queued while the older one was on its way stays.
    store
        .apply_events(
            &batch(vec![received("bob@localhost", "n3", "three", 4)]),
            "c-2",
        )
        .unwrap();
    assert!(store.mark_chat_viewed("bob@localhost").unwrap());
    store.markers_sent(&markers).unwrap();
    assert_eq!(
        store.pending_markers().unwrap(),
        vec![PendingMarker {
            peer: "bob@localhost".into(),
            network_id: "n3".into(),
            archive_id: None,
        }]
    );
}

#[test]
fn markers_from_other_devices_and_contacts_update_read_state() {
    let (_dir, store) = temp_store();
    let events = batch(vec![
        received("bob@localhost", "n1", "one", 1),
        received("bob@localhost", "n2", "two", 2),
        received("bob@localhost", "n3", "three", 3),
    ]);
    store.apply_events(&events, "c-1").unwrap();
    let read_elsewhere = Event::Displayed {
        peer: "bob@localhost".into(),
        network_id: "n2".into(),
        by_user: true,
    };
    let changes = store
        .apply_events(&batch(vec![read_elsewhere]), "c-2")
        .unwrap();
    assert_eq!(changes.chats, vec!["bob@localhost".to_owned()]);
    assert_eq!(unread(&store, "bob@localhost"), 1, "n3 is still unread");
    let states: Vec<MessageState> = store
        .messages_page("bob@localhost", None, 10)
        .unwrap()
        .into_iter()
        .map(|m| m.state)
        .collect();
    assert_eq!(
        states,
        vec![
            MessageState::Displayed,
            MessageState::Displayed,
            MessageState::Delivered
        ]
    );

    store
        .queue_message("bob@localhost", "c-9", "mine", "me@localhost", 5)
        .unwrap();
    store.mark_sent("c-9", "c-9").unwrap();
    let seen_by_bob = Event::Displayed {
        peer: "bob@localhost".into(),
        network_id: "c-9".into(),
        by_user: false,
    };
    store
        .apply_events(&batch(vec![seen_by_bob]), "c-3")
        .unwrap();
    let mine = store.messages_page("bob@localhost", None, 10).unwrap();
    assert_eq!(mine.last().unwrap().state, MessageState::Displayed);
    // A marker for a message this device never had changes nothing.
    let unknown = Event::Displayed {
        peer: "bob@localhost".into(),
        network_id: "nope".into(),
        by_user: true,
    };
    let changes = store.apply_events(&batch(vec![unknown]), "c-4").unwrap();
    assert!(changes.is_empty());
}

#[test]
fn a_read_position_for_a_message_not_here_yet_applies_when_it_arrives() {
    let (_dir, store) = temp_store();
    // The desktop read bob's chat up to a3 while this device was away; the
    // position arrives before the catch-up brings the messages.
    let read_elsewhere = Event::Displayed {
        peer: "bob@localhost".into(),
        network_id: "a3".into(),
        by_user: true,
    };
    let changes = store
        .apply_events(&batch(vec![read_elsewhere]), "c-1")
        .unwrap();
    assert!(changes.is_empty());
    let page = |messages| ArchivePage {
        messages,
        last: None,
        complete: false,
    };
    store
        .apply_archive_page(&page(vec![
            archived("bob@localhost", "me@localhost", "n1", "a1", 100),
            archived("me@localhost", "bob@localhost", "m2", "a2", 200),
        ]))
        .unwrap();
    assert_eq!(unread(&store, "bob@localhost"), 1, "not there yet");
    store
        .apply_archive_page(&page(vec![
            archived("bob@localhost", "me@localhost", "n3", "a3", 300),
            archived("bob@localhost", "me@localhost", "n4", "a4", 400),
        ]))
        .unwrap();
    assert_eq!(
        unread(&store, "bob@localhost"),
        1,
        "n4 came after the position"
    );
    let states: Vec<MessageState> = store
        .messages_page("bob@localhost", None, 10)
        .unwrap()
        .into_iter()
        .filter(|m| !m.outgoing)
        .map(|m| m.state)
        .collect();
    assert_eq!(
        states,
        [
            MessageState::Displayed,
            MessageState::Displayed,
            MessageState::Delivered
        ]
    );
    // A position at the user's own message counts too.
    let at_own = Event::Displayed {
        peer: "bob@localhost".into(),
        network_id: "a2".into(),
        by_user: true,
    };
    store.apply_events(&batch(vec![at_own]), "c-2").unwrap();
    let at_newest_own = |id: &str| Event::Displayed {
        peer: "bob@localhost".into(),
        network_id: id.into(),
        by_user: true,
    };
    store
        .apply_archive_page(&page(vec![archived(
            "me@localhost",
            "bob@localhost",
            "m5",
            "a5",
            500,
        )]))
        .unwrap();
    store
        .apply_events(&batch(vec![at_newest_own("a5")]), "c-3")
        .unwrap();
    assert_eq!(unread(&store, "bob@localhost"), 0);
}

#[test]
fn a_viewed_chat_queues_its_newest_message_with_its_archive_id() {
    let (_dir, store) = temp_store();
    store
        .apply_archive_page(&ArchivePage {
            messages: vec![archived("bob@localhost", "me@localhost", "n1", "a1", 100)],
            last: None,
            complete: false,
        })
        .unwrap();
    assert!(store.mark_chat_viewed("bob@localhost").unwrap());
    assert_eq!(
        store.pending_markers().unwrap(),
        vec![PendingMarker {
            peer: "bob@localhost".into(),
            network_id: "n1".into(),
            archive_id: Some("a1".into()),
        }]
    );
}

fn listed(store: &Store) -> Vec<String> {
    store
        .chats_page(0, 50)
        .unwrap()
        .into_iter()
        .map(|c| c.peer)
        .collect()
}

#[test]
fn a_closed_chat_stays_hidden_until_a_newer_message_reopens_it() {
    let (_dir, store) = temp_store();
    store
        .apply_events(
            &batch(vec![received("bob@localhost", "n1", "hi", 5_000)]),
            "c-1",
        )
        .unwrap();
    assert!(store.close_chat("bob@localhost").unwrap());
    assert!(!store.close_chat("nobody@localhost").unwrap());
    assert!(listed(&store).is_empty());
    let pending = store.pending_closes().unwrap();
    assert_eq!(
        pending,
        vec![ClosedChat {
            peer: "bob@localhost".into(),
            up_to_ms: 5_999
        }]
    );
    // The same message again (from the archive, whole seconds) does not reopen it.
    let mut old = received("bob@localhost", "n0", "older", 5_000);
    if let Event::MessageReceived { message } = &mut old {
        message.archive_id = Some("a0".into());
    }
    store.apply_events(&batch(vec![old]), "c-2").unwrap();
    assert!(listed(&store).is_empty());
    store.close_sent(&pending[0]).unwrap();
    assert!(store.pending_closes().unwrap().is_empty());
    store
        .apply_events(
            &batch(vec![received("bob@localhost", "n2", "new", 9_000)]),
            "c-3",
        )
        .unwrap();
    assert_eq!(listed(&store), vec!["bob@localhost"]);
}

#[test]
fn chats_closed_on_another_device_stay_hidden_when_their_messages_arrive_later() {
    let (_dir, store) = temp_store();
    let closed = vec![ClosedChat {
        peer: "carol@localhost".into(),
        up_to_ms: 7_999,
    }];
    assert_eq!(
        store.apply_closed_chats(&closed).unwrap(),
        vec!["carol@localhost"]
    );
    assert!(store.apply_closed_chats(&closed).unwrap().is_empty());
    let page = ArchivePage {
        messages: vec![archived(
            "carol@localhost",
            "me@localhost",
            "c1",
            "a1",
            7_000,
        )],
        last: Some("a1".into()),
        complete: true,
    };
    store.apply_archive_page(&page).unwrap();
    assert!(
        listed(&store).is_empty(),
        "an old message does not reopen it"
    );
    assert_eq!(
        store
            .messages_page("carol@localhost", None, 10)
            .unwrap()
            .len(),
        1,
        "its messages are kept"
    );
    store
        .queue_message(
            "carol@localhost",
            "c-2",
            "hello again",
            "me@localhost",
            8_500,
        )
        .unwrap();
    assert_eq!(
        listed(&store),
        vec!["carol@localhost"],
        "writing reopens it"
    );
}
