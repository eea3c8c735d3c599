//! Read state: the markers of what the user has displayed.

use axum::{Router, http::StatusCode, routing::post};
use splitline_protocol::{DisplayedRequest, MAX_MARKERS, paths};

use super::no_content;
use crate::{
    http::{AppState, auth::Authed, error::ApiError, json::ApiJson, validate},
    xmpp::session::{Command, ReadUpTo},
};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(paths::DISPLAYED, post(displayed))
}

async fn displayed(
    Authed(session): Authed,
    ApiJson(request): ApiJson<DisplayedRequest>,
) -> Result<StatusCode, ApiError> {
    if !(1..=MAX_MARKERS).contains(&request.markers.len()) {
        return Err(ApiError::invalid(format!(
            "markers must hold 1 to {MAX_MARKERS} entries"
        )));
    }
    let markers = request
        .markers
        .into_iter()
        .map(|m| {
            let peer = validate::bare_jid("peer", &m.peer)?;
            validate::text("network_id", &m.network_id, validate::MAX_ID_CHARS, false)?;
            if let Some(archive_id) = &m.archive_id {
                validate::text("archive_id", archive_id, validate::MAX_ID_CHARS, false)?;
            }
            Ok(ReadUpTo {
                chat: peer,
                network_id: m.network_id,
                archive_id: m.archive_id,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    no_content(&session, |reply| Command::Displayed { markers, reply }).await
}
