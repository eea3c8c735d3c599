//! The facade without a gateway: offline it still pages through the store.

use splitline_protocol::{ArchivePage, ArchivedMessage, ChatMessage};

use super::*;
use crate::gateway::GatewayClient;

fn from_bob(n: i64) -> ArchivedMessage {
    ArchivedMessage {
        outgoing: false,
        message: ChatMessage {
            network_id: Some(format!("n{n}")),
            archive_id: Some(format!("a{n}")),
            room: None,
            from: "bob@localhost".into(),
            to: "me@localhost".into(),
            body: format!("text of n{n}"),
            timestamp_ms: n * 1_000,
            from_stranger: false,
        },
    }
}

/// A history over a store holding bob's a7 to a9, never signed in.
fn offline() -> (tempfile::TempDir, History, broadcast::Receiver<SyncUpdate>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("core.db")).unwrap());
    store
        .apply_archive_page(&ArchivePage {
            messages: (7..=9).map(from_bob).collect(),
            first: Some("a7".into()),
            last: Some("a9".into()),
            complete: true,
        })
        .unwrap();
    let gateway = GatewayClient::new("https://127.0.0.1:9", None).unwrap();
    let (updates, listener) = broadcast::channel(8);
    let session = SessionHandle::detached();
    session.set(&gateway, None);
    let history = History::new(store, session, updates);
    (dir, history, listener)
}

#[tokio::test]
async fn offline_the_stores_rows_come_with_word_that_the_archive_could_not_be_read() {
    let (_dir, history, mut listener) = offline();
    let page = history.older("bob@localhost", None, 10).await.unwrap();
    let bodies: Vec<_> = page.rows.iter().map(|r| r.body.as_str()).collect();
    assert_eq!(bodies, ["text of n7", "text of n8", "text of n9"]);
    assert!(
        matches!(&page.end, HistoryEnd::ArchiveUnavailable(reason) if reason.contains("not signed in")),
        "{:?}",
        page.end
    );
    assert!(listener.try_recv().is_err(), "nothing changed");
}

#[tokio::test]
async fn a_page_the_store_fills_needs_no_gateway() {
    let (_dir, history, _listener) = offline();
    let newest = history.older("bob@localhost", None, 2).await.unwrap();
    assert_eq!(newest.rows.len(), 2);
    assert_eq!(newest.end, HistoryEnd::More);
}

#[tokio::test]
async fn bad_pages_are_refused_with_a_clear_error() {
    let (_dir, history, _listener) = offline();
    assert!(matches!(
        history.older("bob@localhost", None, 0).await,
        Err(HistoryError::BadLimit { limit: 0, max: 500 })
    ));
    assert!(matches!(
        history.older("bob@localhost/desk", None, 10).await,
        Err(HistoryError::BadPeer(_))
    ));
    assert!(matches!(
        history.older("bob@localhost", Some(9_999), 10).await,
        Err(HistoryError::UnknownRow { row: 9_999, .. })
    ));
}
