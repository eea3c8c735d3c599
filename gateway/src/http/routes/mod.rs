//! The protocol's routes, one module per area.

mod access_numbers;
pub(crate) mod calls;
mod closed_chats;
mod contacts;
mod events;
mod messages;
mod presence;
mod push;
mod read_state;
mod rooms;
mod session;
mod vcards;

use axum::{Router, http::StatusCode};
use tokio::sync::oneshot;

use super::{AppState, error::ApiError};
use crate::{
    sessions::session::UserSession,
    xmpp::session::{Command, CommandError},
};

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
        .merge(vcards::routes())
        .merge(push::routes())
}

/// Runs a worker command that answers nothing: `204 No Content`.
async fn no_content(
    session: &UserSession,
    make: impl FnOnce(oneshot::Sender<Result<(), CommandError>>) -> Command,
) -> Result<StatusCode, ApiError> {
    session.command(make).await?;
    Ok(StatusCode::NO_CONTENT)
}
