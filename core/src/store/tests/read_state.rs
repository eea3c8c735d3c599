//! Read state: viewing chats, markers going out, and markers coming in.

use super::*;

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
        first: None,
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
            first: None,
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
