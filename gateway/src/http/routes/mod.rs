//! The protocol's routes, one module per area.

mod access_numbers;
pub(crate) mod calls;
mod closed_chats;
mod contacts;
mod events;
mod messages;
mod presence;
mod read_state;
mod rooms;
mod session;

use axum::Router;

use super::AppState;

/// Every route of the protocol.
pub(super) fn all() -> Router<AppState> {
    Router::new()
        .merge(session::routes())
        .merge(events::routes())
        .merge(messages::routes())
        .merge(contacts::routes())
        .merge(presence::routes())
        .merge(read_state::routes())
        .merge(closed_chats::routes())
        .merge(rooms::routes())
        .merge(access_numbers::routes())
        .merge(calls::routes())
}
