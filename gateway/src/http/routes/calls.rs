//! Call routes: verifying the user's mobile number, starting and hanging up
//! callbacks, and the user's call records. The carrier's export of every
//! record is served on the private metrics address ([`export_router`]).

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::State,
    http::{StatusCode, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use serde::Deserialize;
use splitline_protocol::{
    CallRecord, CallRecords, CallStarted, ConfirmNumberRequest, MobileNumber, StartCallRequest,
    VerificationStarted, VerifyNumberRequest, paths,
};
use tokio_xmpp::jid::BareJid;

use crate::{
    calls::{
        CallControl, Roster,
        journal::{to_csv, to_json_lines},
    },
    http::{
        AppState,
        auth::Authed,
        error::ApiError,
        json::{ApiJson, ApiPath, ApiQuery},
        validate,
    },
    sessions::session::UserSession,
    xmpp::session::Command,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::CALLS, post(start_call))
        .route(paths::CALL, delete(hang_up))
        .route(paths::CALL_RECORDS, get(call_records))
        .route(paths::MOBILE_NUMBER, get(mobile_number).post(verify_number))
        .route(paths::MOBILE_NUMBER_CONFIRM, post(confirm_number))
}

async fn start_call(
    State(state): State<AppState>,
    Authed(session): Authed,
    ApiJson(request): ApiJson<StartCallRequest>,
) -> Result<(StatusCode, Json<CallStarted>), ApiError> {
    let started = state
        .calls()?
        .start_call(&session.jid, &request, &SessionRoster(&session))
        .await?;
    Ok((StatusCode::CREATED, Json(started)))
}

/// The roster call control checks a contact callee against: the one the
/// user's session holds (fetched before sign-in answers, kept by pushes).
struct SessionRoster<'a>(&'a UserSession);

impl Roster for SessionRoster<'_> {
    async fn contains(&self, jid: &BareJid) -> Result<bool, String> {
        let snapshot = self
            .0
            .command(|reply| Command::Snapshot { reply })
            .await
            .map_err(|e| e.to_string())?;
        Ok(snapshot.contacts.iter().any(|c| c.jid == jid.as_str()))
    }
}

async fn hang_up(
    State(state): State<AppState>,
    Authed(session): Authed,
    ApiPath(call_id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    validate::text("call_id", &call_id, validate::MAX_ID_CHARS, false)?;
    state.calls()?.hang_up(&session.jid, &call_id)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn mobile_number(
    State(state): State<AppState>,
    Authed(session): Authed,
) -> Result<Json<MobileNumber>, ApiError> {
    Ok(Json(state.calls()?.mobile_number(&session.jid)))
}

async fn verify_number(
    State(state): State<AppState>,
    Authed(session): Authed,
    ApiJson(request): ApiJson<VerifyNumberRequest>,
) -> Result<(StatusCode, Json<VerificationStarted>), ApiError> {
    let started = state.calls()?.verify(&session.jid, &request.number)?;
    Ok((StatusCode::ACCEPTED, Json(started)))
}

async fn confirm_number(
    State(state): State<AppState>,
    Authed(session): Authed,
    ApiJson(request): ApiJson<ConfirmNumberRequest>,
) -> Result<Json<MobileNumber>, ApiError> {
    let calls = state.calls()?;
    calls.confirm(&session.jid, &request.code)?;
    Ok(Json(calls.mobile_number(&session.jid)))
}

/// The formats call records are served in.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Format {
    /// One JSON document ([`CallRecords`]).
    #[default]
    Json,
    /// CSV with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordsQuery {
    #[serde(default)]
    format: Format,
}

fn render(records: Vec<CallRecord>, format: Format) -> Response {
    match format {
        Format::Json => Json(CallRecords { records }).into_response(),
        Format::Csv => (
            [(CONTENT_TYPE, "text/csv; charset=utf-8")],
            to_csv(&records),
        )
            .into_response(),
        Format::Jsonl => (
            [(CONTENT_TYPE, "application/jsonl; charset=utf-8")],
            to_json_lines(&records),
        )
            .into_response(),
    }
}

async fn call_records(
    State(state): State<AppState>,
    Authed(session): Authed,
    ApiQuery(query): ApiQuery<RecordsQuery>,
) -> Result<Response, ApiError> {
    let records = state.calls()?.records(Some(&session.jid))?;
    Ok(render(records, query.format))
}

/// Every call record, for the carrier's billing: `GET /call-records` with
/// `?format=csv` or `?format=jsonl` (JSON by default). Served on the private
/// metrics address only.
pub(crate) fn export_router(calls: Arc<CallControl>) -> Router {
    Router::new().route(
        "/call-records",
        get(move |ApiQuery(query): ApiQuery<RecordsQuery>| {
            let calls = calls.clone();
            async move {
                calls
                    .records(None)
                    .map(|records| render(records, query.format))
                    .map_err(ApiError::from)
            }
        }),
    )
}
