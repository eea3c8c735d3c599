//! Reading an archive back when it no longer knows the stored position.

use super::*;
use crate::store::recovery::Recovery;

fn kinds(store: &Store, peer: &str) -> Vec<(MessageKind, String)> {
    store
        .messages_page(peer, None, 100)
        .unwrap()
        .into_iter()
        .map(|m| (m.kind, m.body))
        .collect()
}

/// A store that had bob's a1 to a3 before this sign-in, at a position the
/// archive does not know.
fn store_before_sign_in() -> (tempfile::TempDir, Store) {
    let (dir, store) = temp_store();
    store
        .apply_archive_page(&page((1..=3).map(from_bob).collect(), true))
        .unwrap();
    store
        .set_sync_value(keys::ARCHIVE_CURSOR, Some("FAKE"))
        .unwrap();
    store.catch_up_due().unwrap();
    store.start_recovery(None).unwrap();
    (dir, store)
}

#[test]
fn pages_read_back_until_they_meet_what_the_store_had_and_nothing_is_lost() {
    let (_dir, store) = store_before_sign_in();
    // A live message after the sign-in is no meeting point: older ones may be missing.
    let mut live = received("bob@localhost", "n9", "text of n9", 900);
    if let Event::MessageReceived { message } = &mut live {
        message.archive_id = Some("a9".into());
    }
    store.apply_events(&batch(vec![live]), "c-1").unwrap();

    let newest = page((7..=9).map(from_bob).collect(), true);
    let (_, step) = store.apply_recovery_page(None, &newest, 40, 0).unwrap();
    assert_eq!(step, RecoveryStep::More);
    assert_eq!(
        store.recovery(None).unwrap(),
        Some(Recovery {
            before: Some("a7".into())
        })
    );
    assert_eq!(
        kinds(&store, "bob@localhost").len(),
        4,
        "a page read back waits for the pages to meet"
    );
    let older = page((3..=6).map(from_bob).collect(), false);
    let (changes, step) = store.apply_recovery_page(None, &older, 40, 0).unwrap();
    assert_eq!(step, RecoveryStep::Met);
    assert_eq!(changes.new_messages, 5, "n4 to n8 are new");
    assert_eq!(store.recovery(None).unwrap(), None);
    let all = kinds(&store, "bob@localhost");
    let bodies: Vec<_> = all.iter().map(|(_, body)| body.as_str()).collect();
    assert_eq!(
        bodies,
        (1..=9).map(|n| format!("text of n{n}")).collect::<Vec<_>>()
    );
    assert!(all.iter().all(|(kind, _)| *kind == MessageKind::Message));
    // The catch-up goes on forward from the newest page's end.
    assert_eq!(
        store.sync_value(keys::ARCHIVE_CURSOR).unwrap().as_deref(),
        Some("a9")
    );
    assert!(store.catching_up().unwrap());
}

#[test]
fn pages_that_cannot_meet_leave_a_gap_marker_in_each_chat() {
    let (_dir, store) = store_before_sign_in();
    store
        .apply_archive_page(&page(
            vec![archived("carol@localhost", "me@localhost", "c1", "ac1", 50)],
            true,
        ))
        .unwrap();
    let unread_before: Vec<_> = store
        .chats_page(0, 10)
        .unwrap()
        .into_iter()
        .map(|c| (c.peer, c.unread))
        .collect();
    // The archive was pruned: it starts at a6.
    let newest = page((8..=9).map(from_bob).collect(), true);
    assert_eq!(
        store.apply_recovery_page(None, &newest, 40, 0).unwrap().1,
        RecoveryStep::More
    );
    let oldest = page((6..=7).map(from_bob).collect(), true);
    let (changes, step) = store.apply_recovery_page(None, &oldest, 40, 0).unwrap();
    assert_eq!(step, RecoveryStep::Gap);
    assert!(changes.chats.contains(&"carol@localhost".to_owned()));
    let bob = kinds(&store, "bob@localhost");
    let gap = bob
        .iter()
        .position(|(kind, _)| *kind == MessageKind::Gap)
        .expect("a gap marker");
    assert_eq!(bob[gap - 1].1, "text of n3", "after what the store had");
    assert_eq!(bob[gap + 1].1, "text of n6", "before what was read back");
    assert_eq!(bob.len(), 3 + 1 + 4);
    assert_eq!(
        kinds(&store, "carol@localhost")
            .iter()
            .filter(|(kind, _)| *kind == MessageKind::Gap)
            .count(),
        1
    );
    let unread_after: Vec<_> = store
        .chats_page(0, 10)
        .unwrap()
        .into_iter()
        .map(|c| (c.peer, c.unread))
        .collect();
    let bob_unread = |list: &[(String, u32)]| {
        list.iter()
            .find(|(peer, _)| peer == "bob@localhost")
            .map(|(_, n)| *n)
    };
    assert_eq!(
        bob_unread(&unread_after),
        bob_unread(&unread_before).map(|n| n + 4),
        "a gap is never unread"
    );
    assert_eq!(store.recovery(None).unwrap(), None);
    assert_eq!(
        store.sync_value(keys::ARCHIVE_CURSOR).unwrap().as_deref(),
        Some("a9")
    );
}

#[test]
fn reading_back_stops_after_the_most_pages_with_a_gap_marker() {
    let (_dir, store) = store_before_sign_in();
    let steps: Vec<_> = [(10, 11), (8, 9)]
        .into_iter()
        .map(|(a, b)| {
            let p = page((a..=b).map(from_bob).collect(), false);
            store.apply_recovery_page(None, &p, 2, 0).unwrap().1
        })
        .collect();
    // The second page is the last allowed, and the recovery is over.
    assert_eq!(steps, [RecoveryStep::More, RecoveryStep::Gap]);
    assert_eq!(store.recovery(None).unwrap(), None);
    assert!(
        kinds(&store, "bob@localhost")
            .iter()
            .any(|(kind, _)| *kind == MessageKind::Gap)
    );
}

#[test]
fn a_room_reads_back_to_its_own_messages_only() {
    let (_dir, store) = temp_store();
    let room = "team@conference.localhost";
    let post = |n: i64| ArchivedMessage {
        outgoing: false,
        message: ChatMessage {
            network_id: Some(format!("p{n}")),
            archive_id: Some(format!("r{n}")),
            room: Some(room.into()),
            from: "bob@localhost".into(),
            to: room.into(),
            body: format!("post {n}"),
            timestamp_ms: n * 100,
            from_stranger: false,
        },
    };
    let sign_in = || {
        store
            .replace_rooms(&[splitline_protocol::Room {
                jid: room.into(),
                name: "Team".into(),
            }])
            .unwrap()
    };
    sign_in();
    store
        .apply_room_archive_page(room, &page(vec![post(1)], true))
        .unwrap();
    // A 1:1 message whose archive id the room's archive also uses.
    store
        .apply_archive_page(&page(
            vec![archived("bob@localhost", "me@localhost", "n2", "r2", 200)],
            true,
        ))
        .unwrap();
    store.catch_up_due().unwrap();
    sign_in();
    store.start_recovery(Some(room)).unwrap();
    assert_eq!(
        store.recovery(None).unwrap(),
        None,
        "the 1:1 archive is fine"
    );
    let newest = page((2..=3).map(post).collect(), true);
    assert_eq!(
        store
            .apply_recovery_page(Some(room), &newest, 40, 0)
            .unwrap()
            .1,
        RecoveryStep::More,
        "r2 in a 1:1 chat is no meeting point for the room"
    );
    let older = page((1..=1).map(post).collect(), true);
    assert_eq!(
        store
            .apply_recovery_page(Some(room), &older, 40, 0)
            .unwrap()
            .1,
        RecoveryStep::Met
    );
    assert_eq!(kinds(&store, room).len(), 3);
    assert_eq!(
        store
            .next_room_catch_up()
            .unwrap()
            .unwrap()
            .after
            .as_deref(),
        Some("r3")
    );
}

#[test]
fn messages_read_back_from_one_second_keep_the_archives_order() {
    let (_dir, store) = store_before_sign_in();
    // Archive times have one-second steps: these all share one.
    let at_once = |n: i64| {
        archived(
            "bob@localhost",
            "me@localhost",
            &format!("n{n}"),
            &format!("a{n}"),
            5_000,
        )
    };
    for (newest, older) in [((6, 7), None), ((4, 5), Some(3))] {
        let mut messages: Vec<_> = older.into_iter().map(from_bob).collect();
        messages.extend((newest.0..=newest.1).map(at_once));
        store
            .apply_recovery_page(None, &page(messages, false), 40, 0)
            .unwrap();
    }
    let bodies: Vec<_> = kinds(&store, "bob@localhost")
        .into_iter()
        .map(|(_, body)| body)
        .collect();
    assert_eq!(
        bodies,
        (1..=7).map(|n| format!("text of n{n}")).collect::<Vec<_>>()
    );
}
