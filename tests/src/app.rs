//! A phone as the app runs it: the core's `Client` on its own store.

use std::{path::Path, time::Duration};

use splitline_core::{client::Client, store::Chat, sync::SyncConfig};

use crate::world::PASSWORD;

/// Starts the core for the test account `user` on the store at `store`, as device
/// `device`, against the gateway at `base_url`, and waits until it is online.
pub async fn signed_in(base_url: &str, store: &Path, user: &str, device: &str) -> Client {
    let config = sync_config(vec![base_url.to_owned()], &crate::jid(user), device);
    let client = Client::start(store.to_owned(), config, PASSWORD.into()).unwrap();
    client
        .wait_until_online(Duration::from_secs(20))
        .await
        .unwrap();
    client
}

/// The core's settings for a test phone: the app's, but with a short backoff
/// cap, so that a test sees reconnects quickly (events end a poll at once).
/// The password is not part of it: it is an argument of signing in.
pub fn sync_config(endpoints: Vec<String>, jid: &str, device: &str) -> SyncConfig {
    SyncConfig {
        endpoints,
        jid: jid.to_owned(),
        device_id: device.to_owned(),
        build_id: "e2e".into(),
        backoff_cap: Duration::from_millis(500),
        ..SyncConfig::default()
    }
}

/// The chat list (up to 50).
pub fn chats(client: &Client) -> Vec<Chat> {
    client.chats(0, 50).unwrap()
}

/// Unread messages in the chat with `peer` (0 when it is not listed).
pub fn unread(client: &Client, peer: &str) -> u32 {
    chats(client)
        .into_iter()
        .find(|c| c.peer == peer)
        .map_or(0, |c| c.unread)
}

/// Waits up to 20 s for `done`.
pub async fn eventually(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
