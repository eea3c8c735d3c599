//! The access-number directory (`GET /v1/access-numbers`).

use axum::{Json, Router, extract::State, routing::get};
use splitline_protocol::{AccessNumbers, paths};

use crate::http::{AppState, auth::Authed};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(paths::ACCESS_NUMBERS, get(access_numbers))
}

/// Every signed-in user may read the directory; it holds no user data.
async fn access_numbers(
    State(state): State<AppState>,
    Authed(_session): Authed,
) -> Json<AccessNumbers> {
    Json(AccessNumbers {
        numbers: state.directory.to_vec(),
    })
}
