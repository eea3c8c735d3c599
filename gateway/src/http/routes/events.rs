//! The event stream (long-poll by cursor) and the snapshot a phone starts
//! from or resyncs with.

use std::time::Duration;

use axum::{Json, Router, routing::get};
use splitline_protocol::{EventsQuery, EventsResponse, Snapshot, paths};

use crate::{
    http::{AppState, auth::Authed, error::ApiError, json::ApiQuery},
    sessions::session::MAX_WAIT_SECS,
    xmpp::session::Command,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::EVENTS, get(events))
        .route(paths::SNAPSHOT, get(snapshot))
}

async fn events(
    Authed(session): Authed,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> Result<Json<EventsResponse>, ApiError> {
    if query.wait > MAX_WAIT_SECS {
        return Err(ApiError::invalid(format!(
            "wait must be 0 to {MAX_WAIT_SECS} seconds"
        )));
    }
    let (events, next_cursor) = session
        .poll(&query.cursor, Duration::from_secs(query.wait))
        .await?;
    Ok(Json(EventsResponse {
        events,
        next_cursor,
    }))
}

async fn snapshot(Authed(session): Authed) -> Result<Json<Snapshot>, ApiError> {
    Ok(Json(
        session.command(|reply| Command::Snapshot { reply }).await?,
    ))
}
