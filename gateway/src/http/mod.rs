//! The protocol over HTTP: the router, its state, the extractors that turn
//! requests into checked values, and the errors rendered as the protocol's
//! JSON. Each protocol area has its routes module under [`routes`]; the
//! domain work is done by the sessions and the call control.

pub(crate) mod auth;
pub(crate) mod error;
pub(crate) mod json;
pub(crate) mod routes;
pub(crate) mod validate;

use std::sync::Arc;

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request, State},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use splitline_protocol::{AccessNumber, ErrorCode};
use tower_http::{compression::CompressionLayer, trace::TraceLayer};

use crate::{calls::CallControl, metrics::Metrics, sessions::Registry};
use error::ApiError;

/// What every handler may reach.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    /// The signed-in sessions.
    pub(crate) sessions: Arc<Registry>,
    /// The call control, when calls are on.
    pub(crate) calls: Option<Arc<CallControl>>,
    /// The access-number directory, normalised.
    pub(crate) directory: Arc<[AccessNumber]>,
    /// The gateway's counters.
    pub(crate) metrics: Arc<Metrics>,
}

impl AppState {
    /// The call control, or `not_found` when this gateway places no calls.
    pub(crate) fn calls(&self) -> Result<&Arc<CallControl>, ApiError> {
        self.calls.as_ref().ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                "this gateway does not place calls (no sip-listen configured)",
            )
        })
    }
}

/// The protocol router over `state`.
pub(crate) fn router(state: AppState, max_body_bytes: usize) -> Router {
    routes::all()
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn count_requests(State(state): State<AppState>, request: Request, next: Next) -> Response {
    Metrics::inc(&state.metrics.requests);
    let response = next.run(request).await;
    if response.status().is_client_error() || response.status().is_server_error() {
        Metrics::inc(&state.metrics.request_errors);
    }
    response
}

async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such path; see docs/protocol.md")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this path does not take that method; see docs/protocol.md",
    )
}

/// The private router, served on its own address: the metrics, and with
/// calls on, the carrier's export of every call record.
pub(crate) fn private_router(metrics: Arc<Metrics>, calls: Option<Arc<CallControl>>) -> Router {
    let router = Router::new().route(
        "/metrics",
        get(move || {
            let metrics = metrics.clone();
            async move {
                (
                    [("content-type", "text/plain; version=0.0.4")],
                    metrics.render(),
                )
                    .into_response()
            }
        }),
    );
    match calls {
        Some(calls) => router.merge(routes::calls::export_router(calls)),
        None => router,
    }
}
