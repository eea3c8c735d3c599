//! The objects over a real core and SQLite store (no gateway: nothing here
//! needs the network), with listeners written in Rust.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    sync::{Arc, Mutex, mpsc},
    time::Duration,
};

use crate::{
    Availability, ChatListDiff, ChatListListener, ChatRowOp, ClientConfig, ClientStatus,
    PresenceInfo, RequestsListener, RequestsUpdate, SplitlineClient, SplitlineError,
    StatusListener, TimelineDiff, TimelineListener, dispatch::LISTENER_THREAD,
};

fn client(dir: &tempfile::TempDir) -> Arc<SplitlineClient> {
    SplitlineClient::new(ClientConfig {
        store_path: dir.path().join("core.db").display().to_string(),
        // Nothing listens there; nothing here signs in.
        gateway_endpoints: vec!["http://127.0.0.1:9".into()],
        extra_root_pem: None,
        jid: "alice@example.net".into(),
        device_id: "phone".into(),
        build_id: "test".into(),
    })
    .unwrap()
}

/// Sends each diff, with the thread it came on, to a channel.
struct Recorder(Mutex<mpsc::Sender<(String, ChatListDiff)>>);

impl ChatListListener for Recorder {
    fn on_update(&self, diff: ChatListDiff) {
        let thread = std::thread::current().name().unwrap_or("").to_owned();
        let _ = self.0.lock().unwrap().send((thread, diff));
    }
}

fn recorder() -> (Arc<Recorder>, mpsc::Receiver<(String, ChatListDiff)>) {
    let (tx, rx) = mpsc::channel();
    (Arc::new(Recorder(Mutex::new(tx))), rx)
}

fn next(rx: &mpsc::Receiver<(String, ChatListDiff)>) -> (String, ChatListDiff) {
    rx.recv_timeout(Duration::from_secs(10))
        .expect("the listener was called")
}

#[test]
fn a_listener_runs_on_its_own_thread_never_on_the_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir);
    assert_eq!(client.status(), ClientStatus::Stopped { reason: None });
    let (listener, rx) = recorder();
    let _handle = client.chats().subscribe(50, listener).unwrap();
    let (thread, first) = next(&rx);
    assert!(first.ops.is_empty(), "no chats yet: {first:?}");
    assert_eq!(thread, LISTENER_THREAD);

    client
        .timeline("bob@example.net".into())
        .unwrap()
        .send("hello".into())
        .unwrap();
    let (thread, diff) = next(&rx);
    assert_eq!(thread, LISTENER_THREAD);
    assert!(!thread.starts_with(crate::RUNTIME_THREAD));
    let [ChatRowOp::Insert { index: 0, row }] = diff.ops.as_slice() else {
        panic!("expected one insert: {diff:?}");
    };
    assert_eq!(row.peer, "bob@example.net");
    assert_eq!(
        row.last_message.as_ref().map(|m| m.body.as_str()),
        Some("hello")
    );
}

/// Blocks in its first call until released.
struct Stuck(Mutex<mpsc::Receiver<()>>);

impl TimelineListener for Stuck {
    fn on_update(&self, _: TimelineDiff) {
        let _ = self.0.lock().unwrap().recv();
    }
}

#[test]
fn a_stuck_listener_delays_only_its_own_deliveries() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir);
    let timeline = client.timeline("bob@example.net".into()).unwrap();
    let (release, stuck) = mpsc::channel();
    let _stuck = timeline
        .subscribe(10, Arc::new(Stuck(Mutex::new(stuck))))
        .unwrap();
    let (listener, rx) = recorder();
    let _chats = client.chats().subscribe(50, listener).unwrap();
    next(&rx);
    for n in 0..3 {
        timeline.send(format!("message {n}")).unwrap();
    }
    // The chat list hears of all three while the timeline's listener is stuck.
    let mut last = None;
    while last.as_deref() != Some("message 2") {
        let (_, diff) = next(&rx);
        for op in diff.ops {
            if let ChatRowOp::Insert { row, .. } | ChatRowOp::Update { row, .. } = op {
                last = row.last_message.map(|m| m.body);
            }
        }
    }
    assert_eq!(timeline.messages(None, 10).unwrap().len(), 3, "all stored");
    release.send(()).unwrap();
}

/// Records every call, and panics after recording the first.
struct Panicky(Mutex<mpsc::Sender<ChatListDiff>>, Mutex<bool>);

impl ChatListListener for Panicky {
    fn on_update(&self, diff: ChatListDiff) {
        let _ = self.0.lock().unwrap().send(diff);
        let mut panicked = self.1.lock().unwrap();
        if !*panicked {
            *panicked = true;
            drop(panicked);
            panic!("a listener's bug");
        }
    }
}

#[test]
fn a_panicking_listener_still_hears_the_next_change() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir);
    let (tx, rx) = mpsc::channel();
    let listener = Arc::new(Panicky(Mutex::new(tx), Mutex::new(false)));
    let _handle = client.chats().subscribe(50, listener).unwrap();
    // The first report, the one that panicked; the change is made only after
    // it, so the two are never one batch.
    let first = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(first.ops.is_empty(), "no chats yet: {first:?}");
    client
        .timeline("bob@example.net".into())
        .unwrap()
        .send("after the panic".into())
        .unwrap();
    let diff = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(diff.changed, vec!["bob@example.net".to_owned()]);
}

#[test]
fn a_cancelled_subscription_hears_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir);
    let (listener, rx) = recorder();
    let handle = client.chats().subscribe(50, listener).unwrap();
    next(&rx);
    handle.cancel();
    client
        .timeline("bob@example.net".into())
        .unwrap()
        .send("unheard".into())
        .unwrap();
    // The listener's thread ended: its sender is dropped, nothing was sent.
    assert!(matches!(
        rx.recv_timeout(Duration::from_secs(10)),
        Err(mpsc::RecvTimeoutError::Disconnected)
    ));
}

#[test]
fn a_bad_address_is_invalid_with_no_gateway_code() {
    let dir = tempfile::tempdir().unwrap();
    let error = client(&dir)
        .timeline("not an address".into())
        .err()
        .unwrap();
    assert!(matches!(error, SplitlineError::Invalid { code: None, .. }));
}

#[test]
fn every_availability_goes_to_the_core_and_back_unchanged() {
    let all = [
        Availability::Available,
        Availability::Chat,
        Availability::Away,
        Availability::ExtendedAway,
        Availability::DoNotDisturb,
        Availability::Offline,
    ];
    for a in all {
        let core: splitline_protocol::Availability = a.into();
        assert_eq!(Availability::from(core), a);
    }
}

/// Sends each requests update to a channel.
struct RequestsRecorder(Mutex<mpsc::Sender<RequestsUpdate>>);

impl RequestsListener for RequestsRecorder {
    fn on_update(&self, update: RequestsUpdate) {
        let _ = self.0.lock().unwrap().send(update);
    }
}

#[test]
fn the_requests_listener_hears_the_own_presence_set_offline_and_contacts_list_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir);
    let contacts = client.contacts();
    let (tx, rx) = mpsc::channel();
    let _handle = contacts
        .subscribe_requests(Arc::new(RequestsRecorder(Mutex::new(tx))))
        .unwrap();
    let first = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(first.requests.is_empty());
    assert_eq!(first.own_presence.availability, Availability::Available);

    contacts
        .set_presence(Availability::Away, Some(" at lunch ".into()))
        .unwrap();
    let away = PresenceInfo {
        availability: Availability::Away,
        status: Some("at lunch".into()),
    };
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10))
            .unwrap()
            .own_presence,
        away
    );
    assert_eq!(contacts.own_presence().unwrap(), away);
    assert!(matches!(
        contacts.set_presence(Availability::Offline, None),
        Err(SplitlineError::Invalid { code: None, .. })
    ));

    // A contact change is no news for this listener: the next update is
    // the presence set after it.
    let bob = contacts
        .add("Bob@Example.net ".into(), Some("Bob".into()))
        .unwrap();
    assert_eq!((bob.jid.as_str(), bob.pending), ("bob@example.net", true));
    assert_eq!(contacts.list(0, 10).unwrap().len(), 1);
    contacts.set_presence(Availability::Chat, None).unwrap();
    let next = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(next.own_presence.availability, Availability::Chat);
    assert!(contacts.failures().unwrap().is_empty());
    assert!(matches!(
        contacts.add("alice@example.net".into(), None),
        Err(SplitlineError::Invalid { code: None, .. })
    ));
}

#[test]
fn the_address_book_imports_and_names_a_caller_offline() {
    use crate::{
        CallAsk, CallCallee, CallCostInfo, CallDevice, CallPreference, CallRules, DataNetwork,
    };
    use crate::{NativeContactInfo, NativeNumberInfo};

    let dir = tempfile::tempdir().unwrap();
    let book = client(&dir).address_book();
    let entry = |number: &str| NativeContactInfo {
        native_id: "n1".into(),
        name: "Dora".into(),
        numbers: vec![NativeNumberInfo {
            label: Some("mobile".into()),
            number: number.into(),
        }],
    };
    let report = book
        .import(vec![entry("020 7946 0018")], "gb".into())
        .unwrap();
    assert_eq!((report.added, report.unchanged), (1, 0));
    let again = book
        .import(vec![entry("020 7946 0018")], "GB".into())
        .unwrap();
    assert_eq!((again.added, again.unchanged), (0, 1));
    let caller = book.caller_name("+442079460018".into()).unwrap().unwrap();
    assert_eq!(caller.label, "Dora");
    assert_eq!(caller.native[0].label.as_deref(), Some("mobile"));
    assert!(matches!(
        book.import(vec![], "XX".into()),
        Err(SplitlineError::Invalid { code: None, .. })
    ));

    // Offline, with no access numbers asked for: a carrier call by callback.
    let ask = CallAsk {
        callee: CallCallee::Number {
            number: "020 7946 0018".into(),
        },
        preference: CallPreference::Automatic,
        device: CallDevice {
            platform_sip: false,
            network: DataNetwork::Cellular,
            roaming: false,
            country: "GB".into(),
            operator: Some("23415".into()),
        },
        rules: CallRules {
            voip_over_data: true,
            voip_on_cellular: true,
            callback: true,
            access_numbers: true,
        },
        home_country: "GB".into(),
        verified_number: Some("+447400123456".into()),
    };
    let lookup = crate::runtime()
        .unwrap()
        .block_on(book.lookup(ask.clone()))
        .unwrap();
    assert_eq!(lookup.number, "+442079460018");
    assert_eq!(lookup.cost, CallCostInfo::CarrierCall);
    assert_eq!(lookup.native[0].name, "Dora");
    assert!(lookup.plan.is_some(), "{}", lookup.explanation);
    assert!(!lookup.international, "a London number from GB is national");

    // The same number from a French SIM is international.
    let mut from_france = ask;
    from_france.callee = CallCallee::Number {
        number: "+44 20 7946 0018".into(),
    };
    from_france.home_country = "FR".into();
    let lookup = crate::runtime()
        .unwrap()
        .block_on(book.lookup(from_france))
        .unwrap();
    assert_eq!(lookup.number, "+442079460018");
    assert!(
        lookup.international,
        "a London number from FR is international"
    );
}

/// Sends each status it hears to a channel.
struct StatusRecorder(Mutex<mpsc::Sender<ClientStatus>>);

impl StatusListener for StatusRecorder {
    fn on_status(&self, status: ClientStatus) {
        let _ = self.0.lock().unwrap().send(status);
    }
}

#[test]
fn the_status_listener_hears_the_status_now_then_each_change() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir);
    let (tx, rx) = mpsc::channel();
    let _handle = client
        .subscribe_status(Arc::new(StatusRecorder(Mutex::new(tx))))
        .unwrap();
    let heard = || rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(heard(), ClientStatus::Stopped { reason: None });
    // Nothing listens at the gateway's address: signing in keeps trying.
    let runtime = crate::runtime().unwrap();
    let offline = runtime.block_on(client.sign_in("pw".into(), 1));
    assert!(matches!(offline, Err(SplitlineError::Offline { .. })));
    assert_eq!(heard(), ClientStatus::Connecting);
    runtime.block_on(client.stop()).unwrap();
    assert_eq!(heard(), ClientStatus::Stopped { reason: None });
}

#[test]
fn push_refuses_a_bad_subscription_before_asking_and_is_offline_unsigned() {
    let dir = tempfile::tempdir().unwrap();
    let push = client(&dir).push();
    let runtime = crate::runtime().unwrap();
    let bad = crate::PushSubscriptionInfo {
        endpoint: "ftp://push.example/x".into(),
        p256dh: "BA".into(),
        auth: "QQ".into(),
    };
    let refused = runtime.block_on(push.register(bad, crate::PushPayload::Minimal));
    assert!(
        matches!(refused, Err(SplitlineError::Invalid { code: None, .. })),
        "{refused:?}"
    );
    let offline = runtime.block_on(push.settings());
    assert!(
        matches!(offline, Err(SplitlineError::Offline { .. })),
        "{offline:?}"
    );
}

#[test]
fn sync_once_without_a_gateway_is_offline_within_its_budget() {
    let dir = tempfile::tempdir().unwrap();
    let client = client(&dir);
    let failed = crate::runtime()
        .unwrap()
        .block_on(client.sync_once("pw".into(), 500));
    assert!(
        matches!(failed, Err(SplitlineError::Offline { .. })),
        "{failed:?}"
    );
}
