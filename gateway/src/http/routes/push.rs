//! Push registration: the device's Web Push subscription (`GET`, `PUT`,
//! `DELETE` on `/v1/push`) and which messages of a room wake it (`PUT
//! /v1/push/rooms/{room}`). A registration belongs to the account and the
//! session's device id.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    routing::{get, put},
};
use splitline_protocol::{
    ErrorCode, PushRegistered, PushRegistration, PushSettings, RoomPushRequest, paths,
};

use crate::{
    http::{
        AppState,
        auth::Authed,
        error::ApiError,
        json::{ApiJson, ApiPath},
        validate,
    },
    push::PushHub,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::PUSH, get(settings).put(register).delete(unregister))
        .route(paths::PUSH_ROOM, put(set_room))
}

/// The push side, or `not_found` when this gateway does not push.
fn hub(state: &AppState) -> Result<&Arc<PushHub>, ApiError> {
    state.sessions.push().ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            "this gateway does not push (no data-dir configured)",
        )
    })
}

async fn settings(
    State(state): State<AppState>,
    Authed(session): Authed,
) -> Result<Json<PushSettings>, ApiError> {
    let hub = hub(&state)?;
    Ok(Json(PushSettings {
        vapid_public_key: hub.vapid_public_key().to_owned(),
        registration: hub.registration(&session.device_key()),
    }))
}

async fn register(
    State(state): State<AppState>,
    Authed(session): Authed,
    ApiJson(request): ApiJson<PushRegistration>,
) -> Result<Json<PushRegistered>, ApiError> {
    let hub = hub(&state)?;
    hub.register(&session.device_key(), request).await?;
    Ok(Json(PushRegistered {
        idle_timeout_secs: state.sessions.idle_timeout_of(&session).as_secs(),
    }))
}

async fn unregister(
    State(state): State<AppState>,
    Authed(session): Authed,
) -> Result<StatusCode, ApiError> {
    hub(&state)?.unregister(&session.device_key())?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_room(
    State(state): State<AppState>,
    Authed(session): Authed,
    ApiPath(room): ApiPath<String>,
    ApiJson(request): ApiJson<RoomPushRequest>,
) -> Result<StatusCode, ApiError> {
    let hub = hub(&state)?;
    let room = validate::bare_jid("room", &room)?;
    hub.set_room(&session.device_key(), room.as_str(), request.notify)?;
    Ok(StatusCode::NO_CONTENT)
}
