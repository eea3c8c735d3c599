//! The core's store under whatever a malicious or broken gateway answers:
//! event batches, archive pages (the user's and a room's), send outcomes
//! for any message, interleaved with messages the user queues and restarts
//! of the app. Input: frames separated by `\0`, each an operation letter
//! and its payload: `q` queue, `e` events (JSON), `p` archive page (JSON),
//! `r` room archive page (JSON), `s` sent, `f` failed, `x` restart. Invariants: every queued message
//! stays in the store exactly once; it leaves the outbox only when the
//! gateway answered its send or an answer named its client id, and then it
//! is no longer queued; the outbox keeps its order; SQLite's integrity
//! check passes after every restart and at the end.
#![no_main]

use libfuzzer_sys::fuzz_target;
use splitline_core::{fuzzing, store::Store};
use splitline_protocol::{ArchivePage, EventEnvelope};

const OWN: &str = "me@localhost";
const ROOM: &str = "room@conference.localhost";
const PEERS: [&str; 3] = ["bob@localhost", "carol@localhost", ROOM];

fn outbox(store: &Store) -> Vec<String> {
    store
        .outbox()
        .map(|o| o.into_iter().map(|i| i.client_id).collect())
        .unwrap_or_else(|e| panic!("the outbox cannot be read: {e}"))
}

fn check_integrity(path: &std::path::Path) {
    let db = rusqlite::Connection::open(path).unwrap_or_else(|e| panic!("{e}"));
    let verdict: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(verdict, "ok");
}

/// The states of the rows with `client_id`.
fn states(path: &std::path::Path, client_id: &str) -> Vec<String> {
    let db = rusqlite::Connection::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut statement = db
        .prepare("SELECT state FROM messages WHERE client_id = ?1")
        .unwrap_or_else(|e| panic!("{e}"));
    statement
        .query_map([client_id], |r| r.get(0))
        .and_then(Iterator::collect)
        .unwrap_or_else(|e| panic!("{e}"))
}

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::Builder::new()
        .tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir())
        .unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("core.db");
    let mut store = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
    // Client ids in the order queued, and those still owed a send.
    let mut queued: Vec<String> = Vec::new();
    let mut owed: Vec<String> = Vec::new();
    for (n, frame) in data.split(|b| *b == 0).take(24).enumerate() {
        let Some((&op, payload)) = frame.split_first() else {
            continue;
        };
        let pick = |list: &[String]| {
            payload
                .first()
                .and_then(|b| list.get(usize::from(*b) % list.len().max(1)))
                .cloned()
        };
        let answer = match op {
            b'q' => {
                let id = format!("c-{n}");
                let peer = PEERS[usize::from(payload.first().copied().unwrap_or(0)) % PEERS.len()];
                let body = String::from_utf8_lossy(payload);
                if store.queue_message(peer, &id, &body, OWN, n as i64).is_ok() {
                    queued.push(id.clone());
                    owed.push(id);
                }
                None
            }
            b'e' => serde_json::from_slice::<Vec<EventEnvelope>>(payload)
                .ok()
                .map(|events| store.apply_events(&events, &format!("e-{n}")).map(drop)),
            b'p' | b'r' => serde_json::from_slice::<ArchivePage>(payload)
                .ok()
                .map(|page| {
                    let room = (op == b'r').then_some(ROOM);
                    fuzzing::apply_archive_page(&store, room, &page).map(drop)
                }),
            b's' => pick(&queued).map(|id| {
                let network_id = String::from_utf8_lossy(payload.get(1..).unwrap_or_default());
                fuzzing::mark_sent(&store, &id, &network_id)
            }),
            b'f' => pick(&queued).map(|id| fuzzing::mark_failed(&store, &id)),
            b'x' => {
                drop(store);
                check_integrity(&path);
                store = Store::open(&path).unwrap_or_else(|e| panic!("reopening: {e}"));
                None
            }
            _ => continue,
        };
        // Errors are fine (a bad answer is refused); what stays must be right.
        let _ = answer;
        let now = outbox(&store);
        let mut order = queued.iter();
        for id in &now {
            assert!(order.any(|q| q == id), "the outbox lost its order: {now:?}");
        }
        for id in &owed {
            if !now.contains(id) {
                let named = std::str::from_utf8(frame).is_ok_and(|f| f.contains(id.as_str()));
                assert!(
                    matches!(op, b's' | b'f') || named,
                    "{id} left the outbox without an answer about it"
                );
            }
        }
        owed.retain(|id| now.contains(id));
        for id in &queued {
            let states = states(&path, id);
            assert_eq!(states.len(), 1, "{id} is stored {} times", states.len());
            assert_eq!(
                states[0] == "queued",
                now.contains(id),
                "{id}: {}",
                states[0]
            );
        }
    }
    drop(store);
    check_integrity(&path);
});
