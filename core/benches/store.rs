//! Store benchmarks (issue 3's targets on the CI machine):
//! (a) applying 10,000 incoming messages across 50 chats, in the gateway's
//!     batches of 500 (target: under 1 s);
//! (b) opening a store that holds 5,000 contacts and 100,000 messages and
//!     reading the first page of contacts and of chats (target: under 50 ms);
//! (c) paging one chat's timeline back, 50 rows a page, through a store of
//!     100,000 messages, from the newest page to the oldest (issue 16).
//!
//! Run with `cargo bench -p splitline-core`. Each figure is the median of
//! several runs; every run starts from a fresh copy of the data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use splitline_core::store::Store;
use splitline_protocol::{
    Availability, ChatMessage, Contact, ContactPresence, Event, EventEnvelope, Subscription,
};

const BATCH: usize = 500;

fn message(n: usize, chats: usize) -> Event {
    Event::MessageReceived {
        message: ChatMessage {
            network_id: Some(format!("n-{n}")),
            archive_id: None,
            room: None,
            from: format!("friend{}@localhost", n % chats),
            to: "me@localhost".into(),
            body: format!("message number {n}, long enough to look like a real chat line"),
            timestamp_ms: 1_700_000_000_000 + n as i64,
            from_stranger: false,
        },
    }
}

fn contact(n: usize) -> Event {
    Event::ContactAdded {
        contact: Contact {
            jid: format!("friend{n}@localhost"),
            name: Some(format!("Friend {n}")),
            subscription: Subscription::Both,
            pending_out: false,
            presence: ContactPresence {
                availability: Availability::Offline,
                status: None,
            },
        },
    }
}

fn apply_all(store: &Store, events: Vec<Event>) {
    let mut seq = 0u64;
    for chunk in events.chunks(BATCH) {
        let envelopes: Vec<EventEnvelope> = chunk
            .iter()
            .cloned()
            .map(|event| {
                seq += 1;
                EventEnvelope { seq, event }
            })
            .collect();
        store.apply_events(&envelopes, &format!("e-{seq}")).unwrap();
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn bench_apply() -> Duration {
    let events: Vec<Event> = (0..10_000).map(|n| message(n, 50)).collect();
    let samples = (0..5)
        .map(|_| {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path().join("bench.db")).unwrap();
            let start = Instant::now();
            apply_all(&store, events.clone());
            let elapsed = start.elapsed();
            assert_eq!(store.chats_page(0, 100).unwrap().len(), 50);
            elapsed
        })
        .collect();
    median(samples)
}

fn bench_open_first_pages() -> (Duration, Duration, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.db");
    {
        let store = Store::open(&path).unwrap();
        apply_all(&store, (0..5_000).map(contact).collect());
        apply_all(&store, (0..100_000).map(|n| message(n, 1_000)).collect());
    }
    let mut open = Vec::new();
    let mut contacts = Vec::new();
    let mut total = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let store = Store::open(&path).unwrap();
        let opened = start.elapsed();
        let first_contacts = store.contacts_page(0, 50).unwrap();
        let after_contacts = start.elapsed();
        let first_chats = store.chats_page(0, 50).unwrap();
        let done = start.elapsed();
        assert_eq!((first_contacts.len(), first_chats.len()), (50, 50));
        open.push(opened);
        contacts.push(after_contacts);
        total.push(done);
    }
    (median(open), median(contacts), median(total))
}

/// Per-page times of paging back 50 at a time through a chat of 100,000
/// messages: the median over every page, and the medians near the newest
/// page, half-way back and at the oldest pages.
struct BackPaging {
    pages: usize,
    all: Duration,
    newest: Duration,
    middle: Duration,
    oldest: Duration,
}

fn bench_back_paging() -> BackPaging {
    const PAGE: u32 = 50;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("timeline.db")).unwrap();
    apply_all(&store, (0..100_000).map(|n| message(n, 1)).collect());
    let peer = "friend0@localhost";
    let mut runs: Vec<Vec<Duration>> = Vec::new();
    for _ in 0..3 {
        let mut times = Vec::new();
        let mut before = None;
        let mut seen = 0;
        loop {
            let start = Instant::now();
            let rows = store.older_rows(peer, before, PAGE).unwrap().unwrap();
            times.push(start.elapsed());
            let Some(first) = rows.first() else { break };
            seen += rows.len();
            before = Some(first.id);
        }
        assert_eq!(seen, 100_000, "every message once");
        runs.push(times);
    }
    // Per page position, the median of the runs; then medians over ranges.
    let pages = runs[0].len();
    let per_page: Vec<Duration> = (0..pages)
        .map(|i| median(runs.iter().map(|r| r[i]).collect()))
        .collect();
    let range = |from: usize, to: usize| median(per_page[from..to].to_vec());
    BackPaging {
        pages: pages - 1,
        all: median(per_page.clone()),
        newest: range(0, 20),
        middle: range(pages / 2 - 10, pages / 2 + 10),
        oldest: range(pages - 21, pages - 1),
    }
}

fn main() {
    let apply = bench_apply();
    println!(
        "(a) apply 10,000 incoming messages across 50 chats (batches of {BATCH}): {apply:.1?} (target < 1 s)"
    );
    let (open, contacts, total) = bench_open_first_pages();
    println!(
        "(b) open a store of 5,000 contacts + 100,000 messages: {open:.1?}; first contacts page at {contacts:.1?}; first chats page at {total:.1?} (target < 50 ms)"
    );
    let paging = bench_back_paging();
    println!(
        "(c) page back 50 at a time through a chat of 100,000 messages ({} pages): median {:.1?} a page; newest 20 pages {:.1?}, middle 20 {:.1?}, oldest 20 {:.1?}",
        paging.pages, paging.all, paging.newest, paging.middle, paging.oldest
    );
}
