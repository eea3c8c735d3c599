//! Sending messages and paging through the archive.

use axum::{
    Json, Router,
    routing::{get, post},
};
use splitline_protocol::{
    ArchivePage, ArchiveQuery, MAX_ARCHIVE_PAGE, SendMessageRequest, SendMessageResponse, paths,
};

use crate::{
    http::{
        AppState,
        auth::Authed,
        error::ApiError,
        json::{ApiJson, ApiQuery},
        validate,
    },
    xmpp::{session::Command, xep::mam::PageAt},
};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::ARCHIVE, get(archive))
        .route(paths::MESSAGES, post(send_message))
}

async fn archive(
    Authed(session): Authed,
    ApiQuery(query): ApiQuery<ArchiveQuery>,
) -> Result<Json<ArchivePage>, ApiError> {
    if !(1..=MAX_ARCHIVE_PAGE).contains(&query.max) {
        return Err(ApiError::invalid(format!(
            "max must be 1 to {MAX_ARCHIVE_PAGE}"
        )));
    }
    let at = match (query.after, query.before, query.start_ms) {
        (None, None, None) => PageAt::Newest,
        (Some(after), None, None) => {
            validate::text("after", &after, validate::MAX_ID_CHARS, false)?;
            PageAt::After(after)
        }
        (None, Some(before), None) => {
            validate::text("before", &before, validate::MAX_ID_CHARS, false)?;
            PageAt::Before(before)
        }
        (None, None, Some(start_ms)) if start_ms >= 0 => PageAt::Start(start_ms),
        (None, None, Some(_)) => {
            return Err(ApiError::invalid(
                "start_ms must be a time in milliseconds since the Unix epoch",
            ));
        }
        _ => {
            return Err(ApiError::invalid(
                "give at most one of after, before and start_ms",
            ));
        }
    };
    let room = query
        .room
        .as_deref()
        .map(|r| validate::bare_jid("room", r))
        .transpose()?;
    let with = query
        .with
        .as_deref()
        .map(|w| validate::bare_jid("with", w))
        .transpose()?;
    if room.is_some() && with.is_some() {
        return Err(ApiError::invalid(
            "give room or with, not both: a room's archive is read whole",
        ));
    }
    Ok(Json(
        session
            .command(|reply| Command::Archive {
                room,
                with,
                at,
                max: query.max,
                reply,
            })
            .await?,
    ))
}

async fn send_message(
    Authed(session): Authed,
    ApiJson(request): ApiJson<SendMessageRequest>,
) -> Result<Json<SendMessageResponse>, ApiError> {
    let client_id = validate::client_token("client_id", &request.client_id)?.to_owned();
    let to = validate::bare_jid("to", &request.to)?;
    validate::text("body", &request.body, validate::MAX_BODY_CHARS, false)?;
    let outcome = session
        .command(|reply| Command::Send {
            client_id: client_id.clone(),
            to,
            body: request.body,
            reply,
        })
        .await?;
    Ok(Json(SendMessageResponse {
        client_id,
        network_id: outcome.network_id,
        duplicate: outcome.duplicate,
    }))
}
