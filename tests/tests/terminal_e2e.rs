//! End-to-end: the terminal client (a real process on the core) against the
//! real gateway and Prosody, killed with SIGKILL mid-sync and restarted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use splitline_core::store::Store;
use splitline_e2e::{
    call_net::{CALLBACK_FROM, CALLEE, FLASH_PREFIX, MOBILE, Net, finish_passed, metric_at},
    desktop::{Desktop, body},
    gateway::{self, Settings},
    jid,
    sip::Sipp,
    world::{PASSWORD, World},
    xmpp_server,
};
use splitline_protocol::{AccessNumber, CostClass};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    process::Command,
};
use tokio_xmpp::{
    jid::Jid,
    parsers::presence::{self, Presence},
};

/// The `splitline` binary: `SPLITLINE_CLI`, or the workspace's debug build.
fn cli_binary() -> PathBuf {
    let path = std::env::var_os("SPLITLINE_CLI").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/splitline"),
        PathBuf::from,
    );
    assert!(
        path.exists(),
        "{} is missing: build it first (cargo build -p splitline-cli, as build.sh test does)",
        path.display()
    );
    path
}

/// The terminal client for alice, with its input piped.
fn cli(store: &Path, gateway: &str) -> Command {
    let mut command = Command::new(cli_binary());
    command
        .args([
            "--jid",
            jid!("alice"),
            "--gateway",
            gateway,
            "--device-id",
            "alice-term",
            "--store",
        ])
        .arg(store)
        .env("SPLITLINE_PASSWORD", PASSWORD)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    command
}

fn start_cli(store: &Path, gateway: &str) -> tokio::process::Child {
    cli(store, gateway).spawn().unwrap()
}

/// Bodies of bob's messages in alice's store, with how often each is stored.
fn stored_from_bob(store: &Store) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for m in store.messages_page(jid!("bob"), None, 1000).unwrap() {
        if !m.outgoing {
            *counts.entry(m.body).or_insert(0) += 1;
        }
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_client_mid_sync_loses_nothing_and_duplicates_nothing() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let mut bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    let gateway = gateway::start(xmpp.port(), |_| {}).await;
    let base = gateway::base_url(&gateway);
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("alice.db");

    let mut cli = start_cli(&store_path, &base);
    let mut stdin = cli.stdin.take().unwrap();
    let store = Store::open(&store_path).unwrap();
    // Wait until alice's session is up (the store knows the account).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while store.account().unwrap().is_none() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the terminal client never signed in"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for n in 0..5 {
        stdin
            .write_all(format!("/msg {} from alice {n}\n", jid!("bob")).as_bytes())
            .await
            .unwrap();
    }
    stdin.flush().await.unwrap();
    // Spread out, so the kill lands between batches.
    let bob_sends = async {
        for n in 0..30 {
            bob.send_chat(jid!("alice"), &format!("b-{n}"), &format!("from bob {n}"))
                .await;
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    };
    // Kill it while bob's messages are still arriving.
    let kill_mid_sync = async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while stored_from_bob(&store).is_empty() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no message from bob ever arrived"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        cli.start_kill().unwrap();
        cli.wait().await.unwrap();
        stored_from_bob(&store).len()
    };
    let ((), before_restart) = tokio::join!(bob_sends, kill_mid_sync);
    assert!(
        before_restart < 30,
        "the kill came after everything had arrived: it tested nothing"
    );

    let _cli = start_cli(&store_path, &base);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let stored = stored_from_bob(&store);
        assert!(
            stored.values().all(|n| *n == 1),
            "a message was stored twice: {stored:?}"
        );
        if stored.len() == 30 && store.outbox().unwrap().is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "after the restart alice has {} of bob's 30 messages (had {before_restart} at the kill)",
            stored.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Bob got each of alice's five messages exactly once.
    let mut got = Vec::new();
    while got.len() < 5 {
        got.push(body(
            &bob.expect_message("alice's messages", |m| m.get_best_body(vec![]).is_some())
                .await,
        ));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    got.extend(bob.drain_bodies());
    got.sort();
    let expected: Vec<String> = (0..5).map(|n| format!("from alice {n}")).collect();
    assert_eq!(got, expected);
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signoff_ends_the_gateway_session_and_quits() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD)]).await;
    let gateway = gateway::start(xmpp.port(), |_| {}).await;
    let metrics = gateway.metrics_addr.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("alice.db");
    let mut cli = start_cli(&store_path, &gateway::base_url(&gateway));
    let store = Store::open(&store_path).unwrap();
    let sessions = async || metric_at(metrics, "splitline_sessions_active").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    // Signed in: the gateway has the session and the client stored its answer.
    while sessions().await != 1 || store.account().unwrap().is_none() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the terminal client never signed in"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let mut stdin = cli.stdin.take().unwrap();
    stdin.write_all(b"/signoff\n").await.unwrap();
    stdin.flush().await.unwrap();
    let exit = tokio::time::timeout(Duration::from_secs(20), cli.wait())
        .await
        .expect("the terminal quits after /signoff")
        .unwrap();
    assert!(exit.success(), "the terminal failed: {exit}");
    // The session actor ends soon after; the idle timeout (600 s) is far off,
    // so only the sign-off can have ended it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while sessions().await != 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the gateway still holds alice's session"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_lists_access_numbers_and_plans_calls() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD)]).await;
    let london = AccessNumber {
        number: "+442079460000".into(),
        country: "GB".into(),
        area_prefixes: vec!["4420".into()],
        cost_class: CostClass::Local,
        post_dial: None,
    };
    let freephone = AccessNumber {
        number: "+448081570192".into(),
        country: "GB".into(),
        area_prefixes: Vec::new(),
        cost_class: CostClass::TollFree,
        post_dial: None,
    };
    let gateway = gateway::start(xmpp.port(), |s: &mut Settings| {
        s.directory.access_numbers = Some(vec![london, freephone])
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = cli(&dir.path().join("alice.db"), &gateway::base_url(&gateway))
        .args(["--country", "GB"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next_line = async || {
        tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("the terminal answers within 20 s")
            .unwrap()
            .expect("the terminal is still running")
    };
    while !next_line().await.starts_with("* online") {}

    stdin.write_all(b"/numbers\n").await.unwrap();
    let listed = [next_line().await, next_line().await];
    assert!(
        listed[0].contains("+442079460000 GB Local (4420)"),
        "{listed:?}"
    );
    assert!(
        listed[1].contains("+448081570192 GB TollFree (whole country)"),
        "{listed:?}"
    );

    // No verified mobile: no callback, and the user's area is unknown, so
    // the freephone number, not London's local one.
    stdin.write_all(b"/plan 020 7946 0018\n").await.unwrap();
    let planned = next_line().await;
    assert!(
        planned.starts_with("call +442079460018 through the access number +448081570192"),
        "{planned}"
    );
    assert!(planned.contains("not verified"), "{planned}");

    stdin.write_all(b"/plan 12\n").await.unwrap();
    let refused = next_line().await;
    assert!(
        refused.starts_with("error: not a complete, valid"),
        "{refused}"
    );

    stdin.write_all(b"/quit\n").await.unwrap();
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_imports_an_address_book_and_looks_numbers_up() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD)]).await;
    let gateway = gateway::start(xmpp.port(), |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("contacts.csv");
    std::fs::write(
        &csv,
        "native_id,name,label,number\n1,\"Smith, Bob\",mobile,020 7946 0018\n2,Dave,home,ask me\n",
    )
    .unwrap();
    let mut child = cli(&dir.path().join("alice.db"), &gateway::base_url(&gateway))
        .args(["--country", "GB", "--mobile", "+447400123999"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    line_with(&mut lines, "* online").await;

    let import = format!("/import {}\n", csv.display());
    stdin.write_all(import.as_bytes()).await.unwrap();
    line_with(
        &mut lines,
        "imported: 2 added, 0 updated, 0 removed, 0 unchanged",
    )
    .await;
    line_with(&mut lines, "not a number (kept as written): Dave 'ask me'").await;
    stdin
        .write_all(b"/lookup +44 20 7946 0018\n")
        .await
        .unwrap();
    line_with(&mut lines, "+442079460018:").await;
    line_with(&mut lines, "in your address book: Smith, Bob (mobile)").await;
    let route = line_with(&mut lines, "a carrier call").await;
    assert!(
        route.contains("by a callback to your mobile: calls use your carrier's voice service"),
        "{route}"
    );
    stdin.write_all(b"/lookup 12\n").await.unwrap();
    line_with(&mut lines, "error: not a complete, valid").await;
    quit(child, stdin).await;
    gateway.shutdown().await;
}

/// The terminal for alice on `net`'s gateway, in Great Britain, with its
/// input and output piped: the child, its input, and a reader that returns
/// the next output line that contains `wanted` (within 20 s).
fn call_terminal(
    net: &Net,
    store: &Path,
) -> (
    tokio::process::Child,
    tokio::process::ChildStdin,
    tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
) {
    let mut child = cli(store, &gateway::base_url(&net.world.gateway))
        .args(["--country", "GB"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    (child, stdin, lines)
}

/// The next line of `lines` containing `wanted`; fails after 20 s.
async fn line_with(
    lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    wanted: &str,
) -> String {
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let line = lines.next_line().await.unwrap().expect("the terminal runs");
            if line.contains(wanted) {
                return line;
            }
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("the terminal printed no line with '{wanted}'"))
}

async fn quit(mut child: tokio::process::Child, mut stdin: tokio::process::ChildStdin) {
    stdin.write_all(b"/quit\n").await.unwrap();
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_proves_the_mobile_by_flash_call() {
    let mobile = Sipp::start("mobile_flash_call").await;
    let net = Net::start(Some(&mobile), None, false, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let (child, mut stdin, mut lines) = call_terminal(&net, &dir.path().join("alice.db"));
    line_with(&mut lines, "* online").await;

    stdin.write_all(b"/verify 07400 123456\n").await.unwrap();
    let error = line_with(&mut lines, "error").await;
    assert!(
        error.contains("E.164"),
        "a national number is refused: {error}"
    );
    stdin
        .write_all(format!("/verify {MOBILE}\n").as_bytes())
        .await
        .unwrap();
    let started = line_with(&mut lines, "rings once").await;
    assert!(started.contains(FLASH_PREFIX), "{started}");
    let logs = finish_passed(mobile).await;
    let code = logs
        .lines()
        .find_map(|l| l.strip_prefix(&format!("FLASH FROM {FLASH_PREFIX}")))
        .unwrap_or_else(|| panic!("the flash call's caller id:\n{logs}"))
        .trim()
        .to_owned();
    stdin
        .write_all(format!("/confirm {code}\n").as_bytes())
        .await
        .unwrap();
    line_with(
        &mut lines,
        &format!("{MOBILE} is verified: callbacks go to it"),
    )
    .await;
    line_with(&mut lines, &format!("* your mobile {MOBILE} is verified")).await;
    // The plan now takes the verified number from the gateway.
    stdin
        .write_all(format!("/plan {CALLEE}\n").as_bytes())
        .await
        .unwrap();
    let planned = line_with(&mut lines, "call +44").await;
    assert!(
        planned.starts_with(&format!("call {CALLEE} by a callback to your mobile")),
        "{planned}"
    );
    quit(child, stdin).await;
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_places_a_callback_and_follows_it_to_its_end() {
    let mobile = Sipp::start("mobile_answers").await;
    let callee = Sipp::start("callee_hangs_up").await;
    let net = Net::start(Some(&mobile), Some(&callee), true, |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let (child, mut stdin, mut lines) = call_terminal(&net, &dir.path().join("alice.db"));
    line_with(&mut lines, "* online").await;

    stdin
        .write_all(format!("/call {CALLEE}\n").as_bytes())
        .await
        .unwrap();
    let placed = line_with(&mut lines, "your mobile rings from").await;
    assert!(placed.contains(CALLBACK_FROM), "{placed}");
    let call_id = placed
        .strip_prefix("call ")
        .and_then(|rest| rest.split(':').next())
        .unwrap()
        .to_owned();
    line_with(&mut lines, &format!("* call {call_id}: Answered")).await;
    line_with(
        &mut lines,
        &format!("* call {call_id}: Ended (CalleeHungUp)"),
    )
    .await;
    finish_passed(mobile).await;
    finish_passed(callee).await;

    stdin.write_all(b"/calls\n").await.unwrap();
    let listed = line_with(&mut lines, &call_id).await;
    assert!(listed.contains(&format!("Callback {CALLEE}")), "{listed}");
    assert!(listed.contains("(CalleeHungUp)"), "{listed}");
    stdin
        .write_all(format!("/hangup {call_id}\n").as_bytes())
        .await
        .unwrap();
    let gone = line_with(&mut lines, "error").await;
    assert!(
        gone.contains("404"),
        "an ended call cannot be hung up: {gone}"
    );
    quit(child, stdin).await;
    net.world.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_refuses_an_over_long_message_and_keeps_its_store_private() {
    use std::os::unix::fs::PermissionsExt;
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let gateway = gateway::start(xmpp.port(), |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("alice.db");
    let mut child = cli(&store_path, &gateway::base_url(&gateway))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    line_with(&mut lines, "* online").await;
    // Checked before this test opens the file itself (opening makes it 0600).
    let mode = std::fs::metadata(&store_path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the token's file is private to its owner");

    let too_long = "y".repeat(10_001);
    stdin
        .write_all(format!("/msg {} {too_long}\n", jid!("bob")).as_bytes())
        .await
        .unwrap();
    let refused = line_with(&mut lines, "error").await;
    assert_eq!(
        refused,
        "error: the message is 10001 characters long; the most is 10000"
    );
    stdin
        .write_all(format!("/msg {} short and fine\n", jid!("bob")).as_bytes())
        .await
        .unwrap();
    line_with(&mut lines, "queued to").await;
    let store = Store::open(&store_path).unwrap();
    let sent = store.messages_page(jid!("bob"), None, 10).unwrap();
    assert_eq!(
        sent.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(),
        ["short and fine"],
        "the refused message was never stored"
    );
    quit(child, stdin).await;
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_shows_the_open_chats_previous_page_and_says_where_it_begins() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let gateway = gateway::start(xmpp.port(), |_| {}).await;
    let mut desk = Desktop::connect(jid!("alice", "desk"), PASSWORD, xmpp.port()).await;
    let bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, xmpp.port()).await;
    for n in 0..25 {
        bob.send_chat(jid!("alice"), &format!("b-{n}"), &format!("bob {n}"))
            .await;
    }
    desk.expect_message("bob 24", |m| body(m) == "bob 24").await;

    let dir = tempfile::tempdir().unwrap();
    let mut child = cli(&dir.path().join("alice.db"), &gateway::base_url(&gateway))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    line_with(&mut lines, "] bob 24").await;
    stdin
        .write_all(format!("/open {}\n", jid!("bob")).as_bytes())
        .await
        .unwrap();
    // The latest 20: bob 5 to bob 24.
    line_with(&mut lines, "] bob 5 (").await;
    stdin.write_all(b"/older\n").await.unwrap();
    line_with(&mut lines, "] bob 0 (").await;
    line_with(&mut lines, "] bob 4 (").await;
    line_with(
        &mut lines,
        &format!("* the beginning of the chat with {}", jid!("bob")),
    )
    .await;
    quit(child, stdin).await;
    gateway.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_answers_a_contact_request_and_sets_presence() {
    let world = World::start(&["alice", "bob"], |_| {}, None).await;
    let mut bob = Desktop::connect(jid!("bob", "desk"), PASSWORD, world.xmpp.port()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = cli(&dir.path().join("alice.db"), &world.base)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    line_with(&mut lines, "* online").await;

    let from_alice = |p: &Presence, kind: presence::Type| {
        p.type_ == kind
            && p.from
                .as_ref()
                .is_some_and(|f| f.to_bare().to_string() == jid!("alice"))
    };
    let subscribe =
        Presence::new(presence::Type::Subscribe).with_to(Jid::new(jid!("alice")).unwrap());
    bob.send(subscribe.into()).await;
    line_with(&mut lines, "* bob@localhost asks to see your presence").await;
    stdin.write_all(b"/contacts\n").await.unwrap();
    line_with(
        &mut lines,
        "bob@localhost asks to see your presence (/accept",
    )
    .await;
    stdin.write_all(b"/accept bob@localhost\n").await.unwrap();
    line_with(&mut lines, "accepted bob@localhost").await;
    // Accepted: alice's presence reaches bob.
    bob.expect_presence("alice's presence", |p| from_alice(p, presence::Type::None))
        .await;

    stdin
        .write_all(b"/presence away on a train\n")
        .await
        .unwrap();
    line_with(&mut lines, "presence set to away").await;
    bob.expect_presence("alice away", |p| {
        from_alice(p, presence::Type::None)
            && p.show == Some(presence::Show::Away)
            && p.statuses.values().any(|s| s == "on a train")
    })
    .await;
    stdin.write_all(b"/presence\n").await.unwrap();
    line_with(&mut lines, "you are away (on a train)").await;
    stdin.write_all(b"/presence offline\n").await.unwrap();
    line_with(&mut lines, "usage: /presence available|away|dnd").await;

    stdin
        .write_all(b"/add carol@localhost Carol\n")
        .await
        .unwrap();
    line_with(&mut lines, "added carol@localhost").await;
    stdin.write_all(b"/contacts\n").await.unwrap();
    line_with(&mut lines, "Carol <carol@localhost> offline [asked]").await;
    stdin
        .write_all(b"/rename nobody@localhost X\n")
        .await
        .unwrap();
    line_with(
        &mut lines,
        "error: nobody@localhost is not in your contacts",
    )
    .await;
    quit(child, stdin).await;
    world.shutdown().await;
}
