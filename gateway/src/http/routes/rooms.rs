//! The protocol's routes for group chats (rooms).

use axum::{
    Json, Router,
    http::StatusCode,
    routing::{delete, get},
};
use splitline_protocol::{
    AddMemberRequest, CreateRoomRequest, MAX_INITIAL_MEMBERS, RenameRoomRequest, Room, RoomMembers,
    Rooms, paths,
};
use tokio_xmpp::jid::BareJid;

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
        .route(paths::ROOMS, get(rooms).post(create_room))
        .route(paths::ROOM, delete(leave_room).put(rename_room))
        .route(paths::ROOM_MEMBERS, get(members).post(add_member))
        .route(paths::ROOM_MEMBER, delete(remove_member))
}

async fn rooms(Authed(session): Authed) -> Result<Json<Rooms>, ApiError> {
    let rooms = session.command(|reply| Command::Rooms { reply }).await?;
    Ok(Json(Rooms { rooms }))
}

fn room_name(name: &str) -> Result<String, ApiError> {
    validate::text("name", name, validate::MAX_NAME_CHARS, false).map(|n| n.trim().to_owned())
}

async fn create_room(
    Authed(session): Authed,
    ApiJson(request): ApiJson<CreateRoomRequest>,
) -> Result<(StatusCode, Json<Room>), ApiError> {
    let name = room_name(&request.name)?;
    if request.members.len() > MAX_INITIAL_MEMBERS {
        return Err(ApiError::invalid(format!(
            "a room starts with at most {MAX_INITIAL_MEMBERS} members; add more later"
        )));
    }
    let mut members = Vec::with_capacity(request.members.len());
    for member in &request.members {
        let jid = validate::bare_jid("members", member)?;
        if jid != session.jid && !members.contains(&jid) {
            members.push(jid);
        }
    }
    let room = session
        .command(|reply| Command::CreateRoom {
            name,
            members,
            reply,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(room)))
}

async fn rename_room(
    Authed(session): Authed,
    ApiPath(room): ApiPath<String>,
    ApiJson(request): ApiJson<RenameRoomRequest>,
) -> Result<StatusCode, ApiError> {
    let room = validate::bare_jid("room", &room)?;
    let name = room_name(&request.name)?;
    no_content(&session, |reply| Command::RenameRoom { room, name, reply }).await
}

async fn leave_room(
    Authed(session): Authed,
    ApiPath(room): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let room = validate::bare_jid("room", &room)?;
    no_content(&session, |reply| Command::LeaveRoom { room, reply }).await
}

async fn members(
    Authed(session): Authed,
    ApiPath(room): ApiPath<String>,
) -> Result<Json<RoomMembers>, ApiError> {
    let room = validate::bare_jid("room", &room)?;
    let members = session
        .command(|reply| Command::RoomMembers { room, reply })
        .await?;
    Ok(Json(RoomMembers { members }))
}

async fn add_member(
    Authed(session): Authed,
    ApiPath(room): ApiPath<String>,
    ApiJson(request): ApiJson<AddMemberRequest>,
) -> Result<StatusCode, ApiError> {
    let room = validate::bare_jid("room", &room)?;
    let jid = validate::bare_jid("jid", &request.jid)?;
    set_member(&session, room, jid, true).await
}

async fn remove_member(
    Authed(session): Authed,
    ApiPath((room, jid)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let room = validate::bare_jid("room", &room)?;
    let jid = validate::bare_jid("jid", &jid)?;
    set_member(&session, room, jid, false).await
}

async fn set_member(
    session: &UserSession,
    room: BareJid,
    jid: BareJid,
    add: bool,
) -> Result<StatusCode, ApiError> {
    if jid == session.jid {
        return Err(ApiError::invalid(
            "to leave a room, use DELETE on the room itself",
        ));
    }
    no_content(session, |reply| Command::SetMember {
        room,
        jid,
        add,
        reply,
    })
    .await
}
