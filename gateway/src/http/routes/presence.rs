//! Setting the user's own presence.

use axum::{Router, http::StatusCode, routing::put};
use splitline_protocol::{Availability, SetPresenceRequest, paths};

use super::no_content;
use crate::{
    http::{AppState, auth::Authed, error::ApiError, json::ApiJson, validate},
    xmpp::session::Command,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(paths::PRESENCE, put(set_presence))
}

async fn set_presence(
    Authed(session): Authed,
    ApiJson(request): ApiJson<SetPresenceRequest>,
) -> Result<StatusCode, ApiError> {
    if request.availability == Availability::Offline {
        return Err(ApiError::invalid(
            "offline is not a presence you can set; sign off instead",
        ));
    }
    if let Some(status) = &request.status {
        validate::text("status", status, validate::MAX_STATUS_CHARS, true)?;
    }
    no_content(&session, |reply| Command::SetPresence {
        availability: request.availability,
        status: request.status,
        reply,
    })
    .await
}
