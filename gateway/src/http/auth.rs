//! The bearer-token extractor: every request but sign-in names its session.

use std::sync::Arc;

use axum::{extract::FromRequestParts, http::request::Parts};
use splitline_protocol::{ErrorCode, paths::AUTHORIZATION};

use super::{AppState, error::ApiError};
use crate::sessions::{registry::Lookup, session::UserSession};

/// The session of an authenticated request.
#[derive(Debug, Clone)]
pub(crate) struct Authed(pub(crate) Arc<UserSession>);

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Unauthorized,
                    "send the session token as 'Authorization: Bearer <token>'; sign in to get one",
                )
            })?;
        match state.sessions.lookup(token) {
            Lookup::Live(session) => {
                session.touch();
                Ok(Self(session))
            }
            Lookup::Ended(reason) => Err(ApiError::session_ended(reason)),
            Lookup::Unknown => Err(ApiError::new(
                ErrorCode::Unauthorized,
                "unknown session token; sign in again",
            )),
        }
    }
}
