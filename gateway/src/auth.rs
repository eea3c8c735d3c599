//! The bearer-token extractor: every request but sign-in names its session.

use std::sync::Arc;

use axum::{extract::FromRequestParts, http::request::Parts};
use splitline_protocol::{ErrorCode, paths::AUTHORIZATION};

use crate::{
    error::ApiError,
    sessions::{Lookup, Registry, Session},
};

/// The session of an authenticated request.
#[derive(Debug, Clone)]
pub struct Authed(pub Arc<Session>);

impl FromRequestParts<Arc<Registry>> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        registry: &Arc<Registry>,
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
        match registry.lookup(token) {
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
