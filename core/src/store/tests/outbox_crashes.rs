//! A property of the outbox over the real SQLite file: whatever the points
//! at which the app crashes while sending (before a send, or after the
//! gateway took it but before the store heard), and whether the gateway's
//! session survives the crash (it then knows the client id and answers a
//! resend without sending again) or not (a new sign-in: the catch-up from
//! the archive proves what went out), every queued message reaches the
//! network exactly once and ends sent, in its chat once, and the outbox
//! ends empty.

use std::collections::HashMap;

use proptest::prelude::*;

use super::*;

const PEERS: [&str; 2] = ["bob@localhost", "carol@localhost"];

#[derive(Debug, Clone)]
enum Op {
    Queue(usize),
    /// Send the outbox; optionally crash at the n-th item, after the
    /// gateway took it (or before), losing the gateway session (or not).
    Flush(Option<Crash>),
}

#[derive(Debug, Clone)]
struct Crash {
    at: usize,
    after_post: bool,
    session_lost: bool,
}

fn op() -> impl Strategy<Value = Op> {
    let crash =
        (0usize..4, any::<bool>(), any::<bool>()).prop_map(|(at, after_post, session_lost)| {
            Crash {
                at,
                after_post,
                session_lost,
            }
        });
    prop_oneof![
        2 => (0usize..PEERS.len()).prop_map(Op::Queue),
        2 => proptest::option::of(crash).prop_map(Op::Flush),
    ]
}

/// The gateway and the network behind it.
#[derive(Default)]
struct Network {
    /// Client ids the session has sent, with their network ids.
    session: HashMap<String, String>,
    /// What went out on the network, in order: (client id, recipient).
    sent: Vec<(String, String)>,
}

impl Network {
    fn post(&mut self, item: &OutboxItem) -> String {
        if let Some(id) = self.session.get(&item.client_id) {
            return id.clone();
        }
        self.sent.push((item.client_id.clone(), item.to.clone()));
        // The gateway sends with the client id as the origin id.
        self.session
            .insert(item.client_id.clone(), item.client_id.clone());
        item.client_id.clone()
    }

    /// The user's archive: everything sent, as the catch-up reads it.
    fn archive(&self) -> ArchivePage {
        let messages = self
            .sent
            .iter()
            .enumerate()
            .map(|(n, (id, to))| {
                let mut message = archived("me@localhost", to, id, &format!("a{n}"), n as i64);
                message.message.body = format!("body of {id}");
                message
            })
            .collect();
        page(messages, true)
    }
}

/// Sends the outbox as the engine does; false when it crashed.
fn flush(store: &Store, network: &mut Network, crash: Option<&Crash>) -> bool {
    for (n, item) in store.outbox().unwrap().iter().enumerate() {
        let crash_here = crash.filter(|c| c.at == n);
        if crash_here.is_some_and(|c| !c.after_post) {
            return false;
        }
        let network_id = network.post(item);
        if crash_here.is_some() {
            return false;
        }
        store.mark_sent(&item.client_id, &network_id).unwrap();
    }
    true
}

/// The app starts again; after a lost session it signs in and catches up
/// from the archive before it sends (as the sync engine does).
fn restart(path: &std::path::Path, network: &mut Network, session_lost: bool) -> Store {
    let store = Store::open(path).unwrap();
    if session_lost {
        network.session.clear();
        store.catch_up_due().unwrap();
        store.apply_archive_page(&network.archive()).unwrap();
    }
    store
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_message_reaches_the_network_once_whatever_the_crashes(
        ops in proptest::collection::vec(op(), 1..30),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("core.db");
        let mut store = Store::open(&path).unwrap();
        let mut network = Network::default();
        let mut queued: Vec<(String, &str)> = Vec::new();
        for op in ops {
            match op {
                Op::Queue(peer) => {
                    let id = format!("c-{}", queued.len());
                    store
                        .queue_message(PEERS[peer], &id, &format!("body of {id}"), "me@localhost", 1)
                        .unwrap();
                    queued.push((id, PEERS[peer]));
                }
                Op::Flush(crash) => {
                    if !flush(&store, &mut network, crash.as_ref()) {
                        drop(store);
                        let lost = crash.is_some_and(|c| c.session_lost);
                        store = restart(&path, &mut network, lost);
                    }
                }
            }
        }
        prop_assert!(flush(&store, &mut network, None));
        prop_assert!(store.outbox().unwrap().is_empty());
        let mut sent: Vec<&str> = network.sent.iter().map(|(id, _)| id.as_str()).collect();
        sent.sort_unstable();
        let mut expected: Vec<&str> = queued.iter().map(|(id, _)| id.as_str()).collect();
        expected.sort_unstable();
        prop_assert_eq!(sent, expected, "each message on the network exactly once");
        for peer in PEERS {
            let rows = store.messages_page(peer, None, 100).unwrap();
            let mine = queued.iter().filter(|(_, p)| *p == peer).count();
            prop_assert_eq!(rows.len(), mine, "each message in its chat once");
            prop_assert!(rows.iter().all(|r| r.state == MessageState::Sent));
        }
    }
}
