//! Harness for Splitline's end-to-end tests: a real XMPP server (Prosody, or
//! ejabberd with `SPLITLINE_XMPP_SERVER=ejabberd`) in a temporary directory,
//! the real gateway over real HTTP(S), phones speaking the protocol, and a
//! direct XMPP client standing in for a desktop login.
//!
//! Harness code may panic: a panic here is a failed test with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod app;
pub mod call_net;
pub mod desktop;
pub mod gateway;
pub mod link_meter;
pub mod phone;
pub mod sip;
pub mod tls;
pub mod webpush;
pub mod world;
pub mod xmpp_server;

use std::time::Duration;

/// The XMPP domain the test servers serve and the test accounts live on, as
/// a literal (for `concat!`); [`DOMAIN`] is the same as a constant.
#[macro_export]
macro_rules! domain {
    () => {
        "localhost"
    };
}

/// A test address as a literal: `jid!("alice")` is `alice@` [`DOMAIN`],
/// `jid!("alice", "desk")` the full address with the resource `desk`.
#[macro_export]
macro_rules! jid {
    ($user:literal) => {
        concat!($user, "@", $crate::domain!())
    };
    ($user:literal, $resource:literal) => {
        concat!($user, "@", $crate::domain!(), "/", $resource)
    };
}

/// The XMPP domain the test servers serve and the test accounts live on.
pub const DOMAIN: &str = domain!();

/// The test servers' group-chat (MUC) service.
pub const MUC_SERVICE: &str = concat!("conference.", domain!());

/// The password of every test account.
pub const PASSWORD: &str = "s3cret-pw";

/// The address of the test account `user`: `user@DOMAIN`.
pub fn jid(user: &str) -> String {
    format!("{user}@{DOMAIN}")
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port on loopback")
}

/// Waits until something accepts TCP connections on `port`.
pub async fn wait_for_port(port: u16, within: Duration) {
    let deadline = tokio::time::Instant::now() + within;
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "nothing listens on port {port}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
