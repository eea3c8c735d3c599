//! End-to-end: the real `splitline-gateway` binary, with a `RUST_LOG` that
//! asks the network libraries for their raw traffic, signs a user in, sends a
//! message and takes a SIP request; its log holds no password, no message text
//! and no phone number from that traffic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use splitline_e2e::{
    DOMAIN, jid,
    phone::{Phone, http_client},
    world::PASSWORD,
    xmpp_server,
};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    net::UdpSocket,
    process::Command,
};

/// The filter that bypassed the old guard, plus the SIP library's.
const RUST_LOG: &str = "info,tokio_xmpp::xmlstream::capture=trace,tokio_xmpp=trace,xmpp_parsers=trace,ezk_sip_core=trace,ezk_sip_ua=trace";
const TEXT: &str = "the-secret-text-of-a-message";
/// A number that appears only inside the SIP request.
const NUMBER: &str = "+447700900123";

/// The gateway binary: `SPLITLINE_GATEWAY`, or the workspace's debug build.
fn gateway_binary() -> PathBuf {
    let path = std::env::var_os("SPLITLINE_GATEWAY").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/splitline-gateway"),
        PathBuf::from,
    );
    assert!(
        path.exists(),
        "{} is missing: build it first (cargo build -p splitline-gateway)",
        path.display()
    );
    path
}

fn invite(to_port: u16, from_port: u16) -> String {
    format!(
        "INVITE sip:alice@127.0.0.1:{to_port} SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:{from_port};branch=z9hG4bK-guard-1\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:{NUMBER}@127.0.0.1>;tag=guard\r\n\
         To: <sip:alice@127.0.0.1>\r\n\
         Call-ID: guard-call-1\r\n\
         CSeq: 1 INVITE\r\n\
         Contact: <sip:{NUMBER}@127.0.0.1:{from_port}>\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_filters_on_the_network_libraries_log_no_secret() {
    let xmpp = xmpp_server::start(&[("alice", PASSWORD), ("bob", PASSWORD)]).await;
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("gateway.log");
    let sip_port = {
        let probe = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut gateway = Command::new(gateway_binary())
        .args(["--listen", "127.0.0.1:0", "--xmpp-transport", "plaintext"])
        .args(["--xmpp-server", &format!("127.0.0.1:{}", xmpp.port())])
        .args(["--domains", DOMAIN])
        .args(["--sip-listen", &format!("127.0.0.1:{sip_port}")])
        .args([
            "--sip-trunk",
            "127.0.0.1:9",
            "--sip-registrar",
            "127.0.0.1:9",
        ])
        .args(["--callback-caller-id", "+442079460999"])
        .args(["--verification-caller-prefix", "+44207946"])
        .arg("--data-dir")
        .arg(dir.path())
        .env("RUST_LOG", RUST_LOG)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(gateway.stdout.take().unwrap()).lines();
    let listening = tokio::time::timeout(Duration::from_secs(20), stdout.next_line())
        .await
        .expect("the gateway starts within 20 s")
        .unwrap()
        .expect("the gateway says where it listens");
    let base = listening
        .strip_prefix("splitline-gateway listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {listening}"))
        .to_owned();

    let http = http_client(None);
    let alice = Phone::sign_in(&http, &base, jid!("alice"), PASSWORD, "guard")
        .await
        .unwrap();
    alice.send("guard-1", jid!("bob"), TEXT).await.unwrap();

    // A SIP request carrying a number; any answer shows it was read.
    let sip = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let from_port = sip.local_addr().unwrap().port();
    sip.send_to(
        invite(sip_port, from_port).as_bytes(),
        ("127.0.0.1", sip_port),
    )
    .await
    .unwrap();
    let mut answer = [0u8; 4096];
    tokio::time::timeout(Duration::from_secs(10), sip.recv_from(&mut answer))
        .await
        .expect("the gateway answers the INVITE")
        .unwrap();

    gateway.start_kill().unwrap();
    gateway.wait().await.unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("ezk_sip_core") && log.contains("INFO"),
        "the libraries' info lines still reach the log: {log}"
    );
    for secret in [PASSWORD, TEXT, NUMBER] {
        assert!(!log.contains(secret), "the log holds {secret}:\n{log}");
    }
}
