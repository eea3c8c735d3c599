//! Store tests against a real SQLite file.

use splitline_protocol::{
    ArchivePage, ArchivedMessage, Availability, ChatMessage, ClosedChat, Contact, ContactPresence,
    Event, EventEnvelope, SessionEndReason, Subscription,
};

use super::{read_state::PendingMarker, *};

mod apply;
mod closed_chats;
mod history;
mod outbox;
mod outbox_crashes;
mod read_state;
mod recovery;
mod roster_ops;

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
            from_stranger: false,
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
            from_stranger: false,
        },
    }
}

/// An archive page of `messages`, its first and last ids theirs.
fn page(messages: Vec<ArchivedMessage>, complete: bool) -> ArchivePage {
    let ids: Vec<_> = messages
        .iter()
        .filter_map(|m| m.message.archive_id.clone())
        .collect();
    ArchivePage {
        first: ids.first().cloned(),
        last: ids.last().cloned(),
        messages,
        complete,
    }
}

fn from_bob(n: i64) -> ArchivedMessage {
    archived(
        "bob@localhost",
        "me@localhost",
        &format!("n{n}"),
        &format!("a{n}"),
        n * 100,
    )
}

fn bodies(store: &Store, peer: &str) -> Vec<String> {
    store
        .messages_page(peer, None, 100)
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect()
}

fn unread(store: &Store, peer: &str) -> u32 {
    store
        .chats_page(0, 50)
        .unwrap()
        .into_iter()
        .find(|c| c.peer == peer)
        .map_or(0, |c| c.unread)
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

#[cfg(unix)]
#[test]
fn the_database_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("core.db");
    let store = Store::open(&path).unwrap();
    store
        .queue_message("bob@localhost", "c1", "hi", "me@localhost", 1)
        .unwrap();
    assert_eq!(mode(&path), 0o600, "a new store is created 0600");
    let wal = dir.path().join("core.db-wal");
    assert_eq!(mode(&wal), 0o600, "SQLite's WAL file takes the same mode");
    drop(store);

    // A file left readable by others (an older build, a copy) is taken back to 0600.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _store = Store::open(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn a_message_request_keeps_its_stranger_flag() {
    let (_dir, store) = temp_store();
    let mut request = received("eve@elsewhere", "e1", "hello?", 10);
    if let Event::MessageReceived { message } = &mut request {
        message.from_stranger = true;
    }
    let events = batch(vec![request, received("bob@localhost", "b1", "hi", 20)]);
    store.apply_events(&events, "c-2").unwrap();
    let flags = |peer| -> Vec<bool> {
        let page = store.messages_page(peer, None, 10).unwrap();
        page.into_iter().map(|m| m.from_stranger).collect()
    };
    assert_eq!(flags("eve@elsewhere"), [true]);
    assert_eq!(flags("bob@localhost"), [false]);
}
