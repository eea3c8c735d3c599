//! Extractors that turn malformed input into the protocol's JSON errors instead
//! of axum's plain-text rejections.

use std::time::Duration;

use axum::{
    extract::{
        FromRequest, FromRequestParts, Request,
        rejection::{JsonRejection, QueryRejection},
    },
    http::{StatusCode, request::Parts},
};
use serde::de::DeserializeOwned;
use splitline_protocol::ErrorCode;

use super::error::ApiError;

/// How long a request body may take to arrive in full, counted from when its
/// handler starts reading it. The listener puts the configured time on each
/// request; without it (a router served some other way) [`BodyDeadline::DEFAULT`]
/// holds. A body sent a byte at a time would otherwise hold its connection,
/// and a slot under the connection cap, for ever.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyDeadline(pub(crate) Duration);

impl BodyDeadline {
    /// The deadline of a request that carries none.
    pub(crate) const DEFAULT: Duration = Duration::from_secs(15);
}

/// A JSON body, or a 400/413 [`ApiError`]; a body that does not arrive within
/// its [`BodyDeadline`] is a 400 too.
#[derive(Debug, Clone)]
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let deadline = req
            .extensions()
            .get::<BodyDeadline>()
            .map_or(BodyDeadline::DEFAULT, |d| d.0);
        match tokio::time::timeout(deadline, axum::Json::<T>::from_request(req, state)).await {
            Ok(Ok(axum::Json(value))) => Ok(Self(value)),
            Ok(Err(rejection)) => Err(json_error(&rejection)),
            Err(_) => Err(ApiError::invalid(format!(
                "the request body did not arrive within {} s",
                deadline.as_secs()
            ))),
        }
    }
}

fn json_error(rejection: &JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(ErrorCode::PayloadTooLarge, "the request body is too large");
    }
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::invalid("send the body as JSON with Content-Type: application/json")
        }
        other => ApiError::invalid(format!("invalid JSON body: {}", other.body_text())),
    }
}

/// A query string, or a 400 [`ApiError`].
#[derive(Debug, Clone)]
pub(crate) struct ApiQuery<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(query_error(&rejection)),
        }
    }
}

fn query_error(rejection: &QueryRejection) -> ApiError {
    ApiError::invalid(format!("invalid query: {}", rejection.body_text()))
}

/// A path parameter (percent-decoded), or a 400 [`ApiError`].
#[derive(Debug, Clone)]
pub(crate) struct ApiPath<T>(pub(crate) T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError::invalid(format!(
                "invalid path: {}",
                rejection.body_text()
            ))),
        }
    }
}
