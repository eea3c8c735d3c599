//! Closed chats: hidden until a newer message, here and from other devices.

use super::*;

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
        first: None,
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
