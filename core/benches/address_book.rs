//! Address-book benchmarks (issue 16's targets on the CI machine):
//! (a) importing 5,000 native entries (two numbers each, in local form)
//!     into an empty store;
//! (b) re-importing them with 100 changed (target: under 1 s);
//! (c) one lookup (normalising, both matches, the route plan) with those
//!     5,000 entries and 300 network contacts matched;
//! (d) reading one number in its country's plan, alone (the part of (a)
//!     and (c) that is not SQLite).
//!
//! Run with `cargo bench -p splitline-core --bench address_book`. Each
//! figure is the median of several runs. The client is offline (its
//! gateway address answers nothing): everything measured is local.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

use splitline_core::{
    address_book::{CallContext, NativeContact, NativeNumber},
    calls::routing::{CallPolicy, Caller, DeviceReport, Network, Preference},
    client::Client,
    store::Store,
    sync::SyncConfig,
};
use splitline_protocol::PhoneNumber;

const ENTRIES: usize = 5_000;
const CHANGED: usize = 100;
const MATCHED: usize = 300;
const LOOKUPS: usize = 2_000;

/// The address book after `generation` rounds of edits.
fn book(generation: usize) -> Vec<NativeContact> {
    (0..ENTRIES)
        .map(|n| {
            // Generation g edits the entries of window g - 1 (100 of them)
            // and keeps the edits of the windows before.
            let name = if n / CHANGED < generation {
                format!("Friend {n} (edited)")
            } else {
                format!("Friend {n}")
            };
            NativeContact {
                native_id: format!("native-{n}"),
                name,
                numbers: vec![
                    NativeNumber {
                        label: Some("mobile".into()),
                        number: format!("07400 {n:06}"),
                    },
                    NativeNumber {
                        label: Some("work".into()),
                        number: format!("+44 7401 {n:06}"),
                    },
                ],
            }
        })
        .collect()
}

fn offline_client(path: &Path) -> Client {
    let config = SyncConfig {
        endpoints: vec!["http://127.0.0.1:9".into()],
        jid: "me@localhost".into(),
        device_id: "bench".into(),
        build_id: "bench".into(),
        ..SyncConfig::default()
    };
    Client::start(path.to_owned(), config, "unused".into()).unwrap()
}

fn context() -> CallContext {
    CallContext {
        preference: Preference::Automatic,
        device: DeviceReport {
            platform_sip: false,
            network: Network::Cellular,
            roaming: false,
            country: "GB".into(),
            operator: None,
        },
        policy: CallPolicy {
            voip_over_data: false,
            voip_on_cellular: false,
            callback: true,
            access_numbers: false,
        },
        caller: Caller {
            home_country: "GB".into(),
            verified_number: Some(PhoneNumber::parse_e164("+447400999999").unwrap()),
        },
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _guard = runtime.enter();

    // (a) into an empty store, five fresh stores.
    let first = book(0);
    let empty = (0..5)
        .map(|_| {
            let dir = tempfile::tempdir().unwrap();
            let client = offline_client(&dir.path().join("bench.db"));
            let start = Instant::now();
            let report = client.address_book().import(&first, "GB").unwrap();
            let elapsed = start.elapsed();
            assert_eq!(report.added, ENTRIES);
            elapsed
        })
        .collect();
    let empty = median(empty);

    // (b) and (c) on one store.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let client = offline_client(&path);
    let address_book = client.address_book();
    address_book.import(&first, "GB").unwrap();
    let reimports = (1..=7)
        .map(|generation| {
            let next = book(generation);
            let start = Instant::now();
            let report = address_book.import(&next, "GB").unwrap();
            let elapsed = start.elapsed();
            assert_eq!(report.updated, CHANGED, "generation {generation}");
            assert_eq!(report.unchanged, ENTRIES - CHANGED);
            elapsed
        })
        .collect();
    let reimport = median(reimports);

    let store = Arc::new(Store::open(&path).unwrap());
    let phones: Vec<(String, String)> = (0..MATCHED)
        .map(|n| {
            let at = n * (ENTRIES / MATCHED);
            (format!("friend{n}@localhost"), format!("+447400{at:06}"))
        })
        .collect();
    store.replace_contact_phones(&phones).unwrap();
    let context = context();
    let per_lookup = (0..5)
        .map(|_| {
            let start = Instant::now();
            let mut matched = 0;
            for n in 0..LOOKUPS {
                let number = format!("07400 {:06}", (n * 7) % ENTRIES);
                let found = address_book.lookup(&number, &context, &[]).unwrap();
                assert_eq!(found.native.len(), 1);
                matched += found.contacts.len();
            }
            assert!(matched > 0);
            start.elapsed() / LOOKUPS as u32
        })
        .collect();
    let per_lookup = median(per_lookup);

    let parses = (0..5)
        .map(|_| {
            let start = Instant::now();
            for n in 0..LOOKUPS {
                PhoneNumber::parse(&format!("07400 {n:06}"), "GB").unwrap();
            }
            start.elapsed() / LOOKUPS as u32
        })
        .collect();
    let per_parse = median(parses);

    println!("(a) import {ENTRIES} entries (2 numbers each) into an empty store: {empty:.1?}");
    println!(
        "(b) re-import {ENTRIES} entries with {CHANGED} changed: {reimport:.1?} (target < 1 s)"
    );
    println!(
        "(c) lookup with {ENTRIES} entries and {MATCHED} matched contacts: {per_lookup:.1?} per number"
    );
    println!("(d) reading one number in its plan: {per_parse:.1?}");
}
