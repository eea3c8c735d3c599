//! Signing in and off.

use std::net::SocketAddr;

use axum::{
    Json, Router,
    extract::{ConnectInfo, State},
    http::StatusCode,
    routing::post,
};
use splitline_protocol::{SessionEndReason, SignInRequest, SignInResponse, paths};

use crate::{
    http::{AppState, auth::Authed, error::ApiError, json::ApiJson, validate},
    sessions::sign_in::SignIn,
};

/// Longest build id, in characters.
const MAX_BUILD_ID_CHARS: usize = 128;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::SIGN_IN, post(sign_in))
        .route(paths::SIGN_OFF, post(sign_off))
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(request): ApiJson<SignInRequest>,
) -> Result<(StatusCode, Json<SignInResponse>), ApiError> {
    let jid = validate::bare_jid("jid", &request.jid)?;
    let device_id = validate::client_token("device_id", &request.device_id)?.to_owned();
    validate::text("build_id", &request.build_id, MAX_BUILD_ID_CHARS, false)?;
    if request.password.is_empty() {
        return Err(ApiError::invalid("password must not be empty"));
    }
    let response = state
        .sessions
        .sign_in(SignIn {
            jid,
            device_id,
            password: request.password,
            build_id: request.build_id,
            address: peer.ip(),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(response)))
}

async fn sign_off(State(state): State<AppState>, Authed(session): Authed) -> StatusCode {
    state
        .sessions
        .end(session.token(), SessionEndReason::SignedOff);
    StatusCode::NO_CONTENT
}
