//! Closed chats: the chats the user closed, and up to when.

use axum::{Json, Router, http::StatusCode, routing::get};
use splitline_protocol::{ClosedChat, ClosedChats, paths};

use super::no_content;
use crate::{
    http::{AppState, auth::Authed, error::ApiError, json::ApiJson, validate},
    xmpp::session::Command,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(paths::CLOSED_CHATS, get(closed_chats).post(close_chat))
}

async fn closed_chats(Authed(session): Authed) -> Result<Json<ClosedChats>, ApiError> {
    let chats = session
        .command(|reply| Command::ClosedChats { reply })
        .await?;
    Ok(Json(ClosedChats { chats }))
}

async fn close_chat(
    Authed(session): Authed,
    ApiJson(request): ApiJson<ClosedChat>,
) -> Result<StatusCode, ApiError> {
    let peer = validate::bare_jid("peer", &request.peer)?;
    if request.up_to_ms < 0 {
        return Err(ApiError::invalid(
            "up_to_ms must be a time in milliseconds since the Unix epoch",
        ));
    }
    let chat = ClosedChat {
        peer: peer.to_string(),
        up_to_ms: request.up_to_ms,
    };
    no_content(&session, |reply| Command::CloseChat { chat, reply }).await
}
