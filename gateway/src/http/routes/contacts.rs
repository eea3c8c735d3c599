//! The roster: adding and removing contacts, answering subscription requests.

use axum::{
    Router,
    http::StatusCode,
    routing::{delete, post},
};
use splitline_protocol::{AddContactRequest, RenameContactRequest, paths};

use super::no_content;
use crate::{
    http::{
        AppState,
        auth::Authed,
        error::ApiError,
        json::{ApiJson, ApiPath},
        validate,
    },
    sessions::session::UserSession,
    xmpp::session::Command,
};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::CONTACTS, post(add_contact))
        .route(paths::CONTACT, delete(remove_contact).put(rename_contact))
        .route(paths::CONTACT_ACCEPT, post(accept_contact))
        .route(paths::CONTACT_REFUSE, post(refuse_contact))
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
    no_content(&session, |reply| Command::AddContact {
        jid,
        name: request.name,
        reply,
    })
    .await
}

async fn remove_contact(
    Authed(session): Authed,
    ApiPath(jid): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let jid = validate::bare_jid("jid", &jid)?;
    no_content(&session, |reply| Command::RemoveContact { jid, reply }).await
}

async fn rename_contact(
    Authed(session): Authed,
    ApiPath(jid): ApiPath<String>,
    ApiJson(request): ApiJson<RenameContactRequest>,
) -> Result<StatusCode, ApiError> {
    let jid = validate::bare_jid("jid", &jid)?;
    if let Some(name) = &request.name {
        validate::text("name", name, validate::MAX_NAME_CHARS, true)?;
    }
    no_content(&session, |reply| Command::RenameContact {
        jid,
        name: request.name,
        reply,
    })
    .await
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

async fn answer(session: &UserSession, jid: &str, accept: bool) -> Result<StatusCode, ApiError> {
    let jid = validate::bare_jid("jid", jid)?;
    no_content(session, |reply| Command::Answer { jid, accept, reply }).await
}
