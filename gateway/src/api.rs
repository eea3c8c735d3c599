//! The protocol's routes and handlers.

use std::{sync::Arc, time::Duration};

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Request, State},
    http::StatusCode,
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{delete, get, post, put},
};
use splitline_protocol::{
    AddContactRequest, ArchivePage, ArchiveQuery, Availability, ClosedChat, ClosedChats,
    DisplayedRequest, ErrorCode, EventsQuery, EventsResponse, MAX_ARCHIVE_PAGE, MAX_MARKERS,
    SendMessageRequest, SendMessageResponse, SessionEndReason, SetPresenceRequest, SignInRequest,
    SignInResponse, Snapshot, paths,
};
use tower_http::{compression::CompressionLayer, trace::TraceLayer};

use crate::{
    auth::Authed,
    error::ApiError,
    json::{ApiJson, ApiPath, ApiQuery},
    metrics::Metrics,
    sessions::{MAX_WAIT_SECS, Registry},
    validate,
    xmpp::session::{Command, ReadUpTo},
};

/// The protocol router over `registry`.
pub fn router(registry: Arc<Registry>, max_body_bytes: usize) -> Router {
    Router::new()
        .route(paths::SIGN_IN, post(sign_in))
        .route(paths::SIGN_OFF, post(sign_off))
        .route(paths::EVENTS, get(events))
        .route(paths::SNAPSHOT, get(snapshot))
        .route(paths::ARCHIVE, get(archive))
        .route(paths::MESSAGES, post(send_message))
        .route(paths::CONTACTS, post(add_contact))
        .route(paths::CONTACT, delete(remove_contact))
        .route(paths::CONTACT_ACCEPT, post(accept_contact))
        .route(paths::CONTACT_REFUSE, post(refuse_contact))
        .route(paths::PRESENCE, put(set_presence))
        .route(paths::DISPLAYED, post(displayed))
        .route(paths::CLOSED_CHATS, get(closed_chats).post(close_chat))
        .merge(crate::room_routes::routes())
        .merge(crate::access_directory::routes())
        .merge(crate::call_routes::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            registry.clone(),
            count_requests,
        ))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(registry)
}

async fn count_requests(
    State(registry): State<Arc<Registry>>,
    request: Request,
    next: Next,
) -> Response {
    Metrics::inc(&registry.metrics.requests);
    let response = next.run(request).await;
    if response.status().is_client_error() || response.status().is_server_error() {
        Metrics::inc(&registry.metrics.request_errors);
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

async fn sign_in(
    State(registry): State<Arc<Registry>>,
    ApiJson(request): ApiJson<SignInRequest>,
) -> Result<(StatusCode, Json<SignInResponse>), ApiError> {
    let response = registry.sign_in(request).await?;
    Ok((StatusCode::CREATED, Json(response)))
}

async fn sign_off(State(registry): State<Arc<Registry>>, Authed(session): Authed) -> StatusCode {
    registry.end(session.token(), SessionEndReason::SignedOff);
    StatusCode::NO_CONTENT
}

async fn events(
    Authed(session): Authed,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> Result<Json<EventsResponse>, ApiError> {
    if query.wait > MAX_WAIT_SECS {
        return Err(ApiError::invalid(format!(
            "wait must be 0 to {MAX_WAIT_SECS} seconds"
        )));
    }
    let (events, next_cursor) = session
        .poll(&query.cursor, Duration::from_secs(query.wait))
        .await?;
    Ok(Json(EventsResponse {
        events,
        next_cursor,
    }))
}

async fn snapshot(Authed(session): Authed) -> Result<Json<Snapshot>, ApiError> {
    Ok(Json(
        session.command(|reply| Command::Snapshot { reply }).await?,
    ))
}

async fn archive(
    Authed(session): Authed,
    ApiQuery(query): ApiQuery<ArchiveQuery>,
) -> Result<Json<ArchivePage>, ApiError> {
    if !(1..=MAX_ARCHIVE_PAGE).contains(&query.max) {
        return Err(ApiError::invalid(format!(
            "max must be 1 to {MAX_ARCHIVE_PAGE}"
        )));
    }
    if query.start_ms.is_some_and(|s| s < 0) {
        return Err(ApiError::invalid(
            "start_ms must be a time in milliseconds since the Unix epoch",
        ));
    }
    if let Some(after) = &query.after {
        validate::text("after", after, validate::MAX_ID_CHARS, false)?;
    }
    let room = query
        .room
        .as_deref()
        .map(|r| validate::bare_jid("room", r))
        .transpose()?;
    Ok(Json(
        session
            .command(|reply| Command::Archive {
                room,
                start_ms: query.start_ms,
                after: query.after,
                max: query.max,
                reply,
            })
            .await?,
    ))
}

async fn send_message(
    Authed(session): Authed,
    ApiJson(request): ApiJson<SendMessageRequest>,
) -> Result<Json<SendMessageResponse>, ApiError> {
    let client_id = validate::client_token("client_id", &request.client_id)?.to_owned();
    let to = validate::bare_jid("to", &request.to)?;
    validate::text("body", &request.body, validate::MAX_BODY_CHARS, false)?;
    let outcome = session
        .command(|reply| Command::Send {
            client_id: client_id.clone(),
            to,
            body: request.body,
            reply,
        })
        .await?;
    Ok(Json(SendMessageResponse {
        client_id,
        network_id: outcome.network_id,
        duplicate: outcome.duplicate,
    }))
}

async fn add_contact(
    Authed(session): Authed,
    ApiJson(request): ApiJson<AddContactRequest>,
) -> Result<StatusCode, ApiError> {
    let jid = validate::bare_jid("jid", &request.jid)?;
    if jid == session.jid {
        return Err(ApiError::invalid("you cannot add yourself as a contact"));
    }
    if let Some(name) = &request.name {
        validate::text("name", name, validate::MAX_NAME_CHARS, true)?;
    }
    session
        .command(|reply| Command::AddContact {
            jid,
            name: request.name,
            reply,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_contact(
    Authed(session): Authed,
    ApiPath(jid): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let jid = validate::bare_jid("jid", &jid)?;
    session
        .command(|reply| Command::RemoveContact { jid, reply })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn accept_contact(
    Authed(session): Authed,
    ApiPath(jid): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    answer(&session, &jid, true).await
}

async fn refuse_contact(
    Authed(session): Authed,
    ApiPath(jid): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    answer(&session, &jid, false).await
}

async fn answer(
    session: &crate::sessions::Session,
    jid: &str,
    accept: bool,
) -> Result<StatusCode, ApiError> {
    let jid = validate::bare_jid("jid", jid)?;
    session
        .command(|reply| Command::Answer { jid, accept, reply })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_presence(
    Authed(session): Authed,
    ApiJson(request): ApiJson<SetPresenceRequest>,
) -> Result<StatusCode, ApiError> {
    if request.availability == Availability::Offline {
        return Err(ApiError::invalid(
            "offline is not a presence you can set; sign off instead",
        ));
    }
    if let Some(status) = &request.status {
        validate::text("status", status, validate::MAX_STATUS_CHARS, true)?;
    }
    session
        .command(|reply| Command::SetPresence {
            availability: request.availability,
            status: request.status,
            reply,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
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
    session
        .command(|reply| Command::Displayed { markers, reply })
        .await?;
    Ok(StatusCode::NO_CONTENT)
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
    session
        .command(|reply| Command::CloseChat { chat, reply })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The metrics router (served on its own, private address).
pub fn metrics_router(metrics: Arc<Metrics>) -> Router {
    Router::new().route(
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
    )
}
