//! The outbox: queued messages stay until sent, and leave it once proven sent.

use super::*;

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
    assert_eq!(store.outbox_len().unwrap(), 2);
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
    assert_eq!(store.outbox_len().unwrap(), 1);
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
fn a_queued_message_found_in_the_archive_was_sent_and_leaves_the_outbox() {
    let (_dir, store) = temp_store();
    store
        .queue_message("bob@localhost", "c-7", "text of c-7", "me@localhost", 10)
        .unwrap();
    let page = ArchivePage {
        first: None,
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
