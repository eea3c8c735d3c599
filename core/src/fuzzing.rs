//! Narrow doors into the store for the fuzz targets in `fuzz/`, built only
//! with the `fuzzing` feature: what the sync engine does with a gateway's
//! answers, without the engine's HTTP. Not an API: nothing else may use it.

use splitline_protocol::ArchivePage;

use crate::store::{Changes, Store, StoreError};

/// Stores a page of the user's 1:1 archive, or of `room`'s, as a catch-up
/// or a history page answered by the gateway.
pub fn apply_archive_page(
    store: &Store,
    room: Option<&str>,
    page: &ArchivePage,
) -> Result<Changes, StoreError> {
    store.apply_page(room, page)
}

/// The gateway answered a send of `client_id` with `network_id`.
pub fn mark_sent(store: &Store, client_id: &str, network_id: &str) -> Result<(), StoreError> {
    store.mark_sent(client_id, network_id)
}

/// The gateway refused the send of `client_id` for good.
pub fn mark_failed(store: &Store, client_id: &str) -> Result<(), StoreError> {
    store.mark_failed(client_id)
}
