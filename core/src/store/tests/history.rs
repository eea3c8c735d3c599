//! Paging a timeline back past the store: the plan, the pages, the gaps.

use super::*;
use crate::store::history::{BackPlan, BackRequest};

const BOB: &str = "bob@localhost";

/// The whole timeline of bob's chat: (kind, body), in timeline order.
fn timeline(store: &Store) -> Vec<(MessageKind, String)> {
    store
        .older_rows(BOB, None, 500)
        .unwrap()
        .unwrap()
        .into_iter()
        .map(|m| (m.kind, m.body))
        .collect()
}

fn texts(range: std::ops::RangeInclusive<i64>) -> Vec<(MessageKind, String)> {
    range
        .map(|n| (MessageKind::Message, format!("text of n{n}")))
        .collect()
}

/// The row id of bob's message with archive id `a{n}`.
fn row_of(store: &Store, n: i64) -> i64 {
    let body = format!("text of n{n}");
    store
        .older_rows(BOB, None, 500)
        .unwrap()
        .unwrap()
        .into_iter()
        .find(|m| m.body == body)
        .map(|m| m.id)
        .unwrap()
}

fn plan(store: &Store, before: i64, limit: u32) -> BackPlan {
    store.back_plan(BOB, Some(before), limit).unwrap().unwrap()
}

/// A new device: it caught up bob's newest page, a7 to a9.
fn new_device() -> (tempfile::TempDir, Store) {
    let (dir, store) = temp_store();
    store
        .apply_archive_page(&page((7..=9).map(from_bob).collect(), true))
        .unwrap();
    (dir, store)
}

#[test]
fn a_page_back_past_the_store_is_asked_before_the_oldest_stored_id_and_goes_in_first() {
    let (_dir, store) = new_device();
    let plan = plan(&store, row_of(&store, 7), 3);
    assert!(plan.rows.is_empty());
    assert!(!plan.room);
    let request = BackRequest::Extend {
        before: Some("a7".into()),
    };
    assert_eq!(plan.ask, Some(request.clone()));

    // Archive times tie (one-second steps): order must still hold.
    let mut older: Vec<_> = (4..=6).map(from_bob).collect();
    for m in &mut older {
        m.message.timestamp_ms = 700;
    }
    let changes = store
        .apply_back_page(BOB, false, &request, &page(older.clone(), false))
        .unwrap();
    assert_eq!(changes.history, vec![BOB.to_owned()]);
    assert_eq!(changes.chats, vec![BOB.to_owned()]);
    assert_eq!(changes.new_messages, 0, "history is not news");
    assert_eq!(unread(&store, BOB), 3, "history is never unread");
    assert_eq!(timeline(&store), texts(4..=9));

    // The same page again changes nothing: no repeat, no reordering.
    let again = store
        .apply_back_page(BOB, false, &request, &page(older, false))
        .unwrap();
    assert!(again.history.is_empty());
    assert_eq!(timeline(&store), texts(4..=9));
    // The page before a7 now comes from the store alone.
    let next = store
        .back_plan(BOB, Some(row_of(&store, 7)), 3)
        .unwrap()
        .unwrap();
    assert_eq!(next.ask, None);
    assert_eq!(next.rows.len(), 3);
}

#[test]
fn a_restart_resumes_where_reading_back_stood_and_a_complete_history_asks_no_more() {
    let (dir, store) = new_device();
    // The page's first entry is not a message of the chat: reading goes on
    // before it, not before the oldest stored message.
    let mut older = page((4..=6).map(from_bob).collect(), false);
    older.first = Some("x3".into());
    let request = plan(&store, row_of(&store, 7), 3).ask.unwrap();
    store.apply_back_page(BOB, false, &request, &older).unwrap();
    drop(store);

    let store = Store::open(dir.path().join("core.db")).unwrap();
    let resumed = plan(&store, row_of(&store, 4), 3);
    assert_eq!(
        resumed.ask,
        Some(BackRequest::Extend {
            before: Some("x3".into())
        })
    );
    let first = page((1..=3).map(from_bob).collect(), true);
    store
        .apply_back_page(BOB, false, &resumed.ask.unwrap(), &first)
        .unwrap();
    assert_eq!(timeline(&store), texts(1..=9));
    let start = plan(&store, row_of(&store, 1), 3);
    assert!(start.rows.is_empty());
    assert_eq!(start.ask, None, "a complete history never asks again");
    assert!(start.complete);
}

#[test]
fn a_chat_without_archive_ids_asks_for_its_newest_page() {
    let (_dir, store) = temp_store();
    store
        .queue_message(BOB, "c-1", "hi", "me@localhost", 1_000)
        .unwrap();
    let plan = store.back_plan(BOB, None, 10).unwrap().unwrap();
    assert_eq!(plan.ask, Some(BackRequest::Extend { before: None }));
    // The newest page says complete (nothing newer): that is not the beginning.
    let request = plan.ask.unwrap();
    store
        .apply_back_page(
            BOB,
            false,
            &request,
            &page((5..=6).map(from_bob).collect(), true),
        )
        .unwrap();
    let next = store.back_plan(BOB, None, 10).unwrap().unwrap();
    assert_eq!(
        next.ask,
        Some(BackRequest::Extend {
            before: Some("a5".into())
        })
    );
}

#[test]
fn a_row_of_another_chat_is_no_place_to_page_from() {
    let (_dir, store) = new_device();
    let carol = store
        .queue_message("carol@localhost", "c-1", "hi", "me@localhost", 1)
        .unwrap();
    assert_eq!(store.back_plan(BOB, Some(carol.id), 10).unwrap(), None);
    assert_eq!(store.older_rows(BOB, Some(carol.id), 10).unwrap(), None);
}

#[test]
fn messages_of_other_chats_in_a_page_are_not_taken_into_this_one() {
    let (_dir, store) = new_device();
    let request = plan(&store, row_of(&store, 7), 3).ask.unwrap();
    let stray = archived("carol@localhost", "me@localhost", "c1", "c1", 650);
    let mut older = page(vec![from_bob(5), stray, from_bob(6)], false);
    older.first = Some("a5".into());
    store.apply_back_page(BOB, false, &request, &older).unwrap();
    assert_eq!(timeline(&store), texts(5..=9));
    assert!(!listed(&store).contains(&"carol@localhost".to_owned()));
}

/// A store that had bob's a1 and a2, then recovered only a8 and a9 from an
/// archive that no longer knew its position: a gap marker lies between.
fn store_with_gap() -> (tempfile::TempDir, Store) {
    let (dir, store) = temp_store();
    store
        .apply_archive_page(&page((1..=2).map(from_bob).collect(), true))
        .unwrap();
    store.catch_up_due().unwrap();
    store.start_recovery(None).unwrap();
    let newest = page((8..=9).map(from_bob).collect(), true);
    let (_, step) = store.apply_recovery_page(None, &newest, 1, 0).unwrap();
    assert_eq!(step, RecoveryStep::Gap);
    (dir, store)
}

fn with_gap(
    mut before: Vec<(MessageKind, String)>,
    after: Vec<(MessageKind, String)>,
) -> Vec<(MessageKind, String)> {
    before.push((MessageKind::Gap, String::new()));
    before.extend(after);
    before
}

#[test]
fn a_gap_stays_marked_until_a_back_page_meets_the_stored_messages_then_goes() {
    let (_dir, store) = store_with_gap();
    assert_eq!(timeline(&store), with_gap(texts(1..=2), texts(8..=9)));

    let first = plan(&store, row_of(&store, 8), 10);
    assert_eq!(first.rows.len(), 3, "a1, a2 and the marker");
    let BackRequest::FillGap { before, .. } = first.ask.clone().unwrap() else {
        panic!("the gap is asked for first: {:?}", first.ask);
    };
    assert_eq!(before, "a8");

    // A page that does not reach a2: the gap stays, now before a5.
    let changes = store
        .apply_back_page(
            BOB,
            false,
            &first.ask.unwrap(),
            &page((5..=7).map(from_bob).collect(), false),
        )
        .unwrap();
    assert_eq!(changes.history, vec![BOB.to_owned()]);
    assert_eq!(timeline(&store), with_gap(texts(1..=2), texts(5..=9)));

    let second = plan(&store, row_of(&store, 8), 10);
    let Some(BackRequest::FillGap { before, .. }) = &second.ask else {
        panic!("the gap is still to fill: {:?}", second.ask);
    };
    assert_eq!(before, "a5");
    // This page holds a2: the pages met, the marker goes, nothing repeats.
    store
        .apply_back_page(
            BOB,
            false,
            &second.ask.clone().unwrap(),
            &page((2..=4).map(from_bob).collect(), false),
        )
        .unwrap();
    assert_eq!(timeline(&store), texts(1..=9));
}

#[test]
fn a_gap_the_archive_cannot_fill_stays_and_is_not_asked_again() {
    let (_dir, store) = store_with_gap();
    let request = plan(&store, row_of(&store, 8), 10).ask.unwrap();
    store
        .apply_back_page(BOB, false, &request, &ArchivePage::end())
        .unwrap();
    assert_eq!(timeline(&store), with_gap(texts(1..=2), texts(8..=9)));
    let after = plan(&store, row_of(&store, 8), 10);
    assert!(
        !matches!(after.ask, Some(BackRequest::FillGap { .. })),
        "{:?}",
        after.ask
    );
    // Past the gap, reading back goes on before the oldest message, a1.
    assert_eq!(
        after.ask,
        Some(BackRequest::Extend {
            before: Some("a1".into())
        })
    );
}
