//! The user's rooms (XEP-0045): reading the bookmarks on each fresh stream
//! and joining them, stanzas from the rooms, invitations, creating a room
//! (join, then configure, then its first members), leaving, and writing the
//! bookmarks back whenever the list changed.

use splitline_protocol::{Event, Room, RoomLeftReason};
use tokio_xmpp::{Stanza, jid::BareJid, parsers::stanza_error::DefinedCondition};

use super::{CommandError, IqOutcome, IqPurpose, Link, Reply, Worker, iq::IqKind, now_ms};
use crate::xmpp::xep::{
    bookmarks,
    muc::{self, RoomInbound},
};

/// A room being created: joined, then configured, then given its members.
pub(super) struct NewRoom {
    name: String,
    members: Vec<BareJid>,
    pub(super) reply: Reply<Room>,
}

/// What a request about the user's rooms is for.
pub(super) enum RoomIq {
    /// The bookmarks were asked for, on a fresh stream.
    BookmarksRead,
    /// The bookmarks were written.
    BookmarksWrite,
    /// A new room is joined; its configuration was sent.
    Configure { room: BareJid, new_room: NewRoom },
    /// A new room is configured; its first members were sent.
    FirstMembers { room: BareJid, new_room: NewRoom },
}

impl RoomIq {
    /// The room that answers this request, if a room does.
    pub(super) fn room(&self) -> Option<&BareJid> {
        match self {
            Self::Configure { room, .. } | Self::FirstMembers { room, .. } => Some(room),
            Self::BookmarksRead | Self::BookmarksWrite => None,
        }
    }

    pub(super) fn fail(self, error: CommandError) {
        match self {
            Self::Configure { new_room, .. } | Self::FirstMembers { new_room, .. } => {
                drop(new_room.reply.send(Err(error)))
            }
            Self::BookmarksRead | Self::BookmarksWrite => {}
        }
    }
}

impl<L: Link> Worker<L> {
    /// On a fresh stream the user is in no room: the bookmarks are read
    /// again (another device may have changed them) and joined.
    pub(super) async fn reload_rooms(&mut self) {
        self.rooms.reset();
        let purpose = IqPurpose::Rooms(RoomIq::BookmarksRead);
        self.send_iq(None, IqKind::Get, bookmarks::bookmarks_query(), purpose)
            .await;
    }

    /// The room a stanza comes from, if it is one of the user's rooms or a
    /// room being created.
    pub(super) fn room_of(&self, stanza: &Stanza) -> Option<BareJid> {
        let from = match stanza {
            Stanza::Message(m) => m.from.as_ref(),
            Stanza::Presence(p) => p.from.as_ref(),
            Stanza::Iq(_) => None,
        }?
        .to_bare();
        let ours = self.rooms.contains(&from) || self.new_rooms.contains_key(&from);
        (from != self.own && ours).then_some(from)
    }

    pub(super) async fn on_room_stanza(&mut self, stanza: Stanza, room: BareJid) {
        match muc::classify(stanza, &room, &self.own, now_ms()) {
            RoomInbound::Joined(room) => self.on_room_joined(room).await,
            RoomInbound::Gone(room, Some(reason)) => self.drop_room(&room, reason).await,
            // The user left, or the service restarts: the next sign-in rejoins.
            RoomInbound::Gone(_, None) => {}
            RoomInbound::JoinRefused(room, condition) => {
                if let Some(new_room) = self.new_rooms.remove(&room) {
                    let _ = new_room.reply.send(Err(CommandError::Network(format!(
                        "the room service refused the new room ({condition:?})"
                    ))));
                } else if matches!(
                    condition,
                    DefinedCondition::Forbidden
                        | DefinedCondition::RegistrationRequired
                        | DefinedCondition::ItemNotFound
                        | DefinedCondition::NotAuthorized
                ) {
                    self.drop_room(&room, RoomLeftReason::Removed).await;
                } else {
                    tracing::warn!(user = %self.own, %room, ?condition, "a room refused the user");
                }
            }
            RoomInbound::ConfigChanged(room) => self.ask_room_name(room).await,
            RoomInbound::Event(event) => self.publish(event),
            RoomInbound::ArchiveResult { query_id, item } => {
                self.collect_archive_item(&query_id, item)
            }
            RoomInbound::Ignored => {}
        }
    }

    /// Joins `room`, new to the user, on this session; the bookmarks are
    /// written so that every device joins it.
    pub(super) async fn enter_room(&mut self, room: BareJid) {
        if !self.rooms.insert(room.clone(), String::new()) {
            return;
        }
        if let Some(join) = muc::join(&room, &self.own) {
            self.send(join.into()).await.ok();
        }
        self.write_bookmarks().await;
    }

    /// The user is in `room`: a new room goes on to its configuration; a
    /// room of the user's is news for the phone, and its name is asked for.
    async fn on_room_joined(&mut self, room: BareJid) {
        if let Some(new_room) = self.new_rooms.remove(&room) {
            let payload = muc::new_room_config(&new_room.name);
            let purpose = IqPurpose::Rooms(RoomIq::Configure {
                room: room.clone(),
                new_room,
            });
            self.send_iq(Some(&room), IqKind::Set, payload, purpose)
                .await;
            return;
        }
        if let Some(joined) = self.rooms.joined(&room) {
            self.publish(Event::RoomJoined { room: joined });
            self.ask_room_name(room).await;
        }
    }

    /// Creates a room: joins a new, unguessable address; the rest follows
    /// the join ([`Self::on_room_joined`]).
    pub(super) async fn create_room(
        &mut self,
        name: String,
        members: Vec<BareJid>,
        reply: Reply<Room>,
    ) {
        let joined = muc::new_room_address(&self.rooms_service).and_then(|room| {
            muc::join(&room, &self.own)
                .map(|join| (room, join))
                .ok_or_else(|| "the user's address cannot be a nickname".to_owned())
        });
        let (room, join) = match joined {
            Ok(joined) => joined,
            Err(error) => {
                let _ = reply.send(Err(CommandError::Network(error)));
                return;
            }
        };
        match self.send(join.into()).await {
            Ok(()) => {
                self.new_rooms.insert(
                    room,
                    NewRoom {
                        name,
                        members,
                        reply,
                    },
                );
            }
            Err(error) => drop(reply.send(Err(error))),
        }
    }

    /// A configured new room becomes one of the user's rooms; its members are invited.
    async fn finish_new_room(&mut self, room: BareJid, name: String, members: &[BareJid]) -> Room {
        self.rooms.insert(room.clone(), name.clone());
        if let Some(joined) = self.rooms.joined(&room) {
            self.publish(Event::RoomJoined { room: joined });
        }
        self.write_bookmarks().await;
        for member in members {
            self.send(muc::invite(&room, member).into()).await.ok();
        }
        Room {
            jid: room.to_string(),
            name,
        }
    }

    pub(super) async fn leave_room(&mut self, room: &BareJid) -> Result<(), CommandError> {
        self.in_room(room)?;
        if let Some(leave) = muc::leave(room, &self.own) {
            self.send(leave.into()).await?;
        }
        self.drop_room(room, RoomLeftReason::Left).await;
        Ok(())
    }

    /// Forgets one of the user's rooms on every device.
    async fn drop_room(&mut self, room: &BareJid, reason: RoomLeftReason) {
        if self.rooms.remove(room) {
            self.write_bookmarks().await;
            self.publish(Event::RoomLeft {
                room: room.to_string(),
                reason,
            });
        }
    }

    /// Stores the user's rooms as bookmarks (once they were read).
    pub(super) async fn write_bookmarks(&mut self) {
        if let Some(payload) = self.rooms.write(&self.own) {
            let purpose = IqPurpose::Rooms(RoomIq::BookmarksWrite);
            self.send_iq(None, IqKind::Set, payload, purpose).await;
        }
    }

    /// Whether the user is in `room`.
    pub(super) fn in_room(&self, room: &BareJid) -> Result<(), CommandError> {
        if self.rooms.contains(room) {
            Ok(())
        } else {
            Err(CommandError::NotInRoom)
        }
    }

    pub(super) async fn on_room_iq(&mut self, request: RoomIq, outcome: IqOutcome) {
        match request {
            RoomIq::BookmarksRead => {
                let storage = match outcome {
                    Ok(payload) => bookmarks::parse_bookmarks(payload),
                    Err(error) => {
                        tracing::warn!(user = %self.own, %error, "could not read the user's rooms");
                        bookmarks::parse_bookmarks(None)
                    }
                };
                for room in self.rooms.load(storage) {
                    if let Some(join) = muc::join(&room, &self.own) {
                        self.send(join.into()).await.ok();
                    }
                }
                if self.rooms.take_dirty() {
                    self.write_bookmarks().await;
                }
                for command in std::mem::take(&mut self.held) {
                    Box::pin(self.on_command(command)).await;
                }
            }
            RoomIq::BookmarksWrite => {
                if let Err(error) = outcome {
                    tracing::warn!(user = %self.own, %error, "could not store the user's rooms");
                }
            }
            RoomIq::Configure { room, new_room } => match outcome {
                Ok(_) if new_room.members.is_empty() => {
                    let created = self.finish_new_room(room, new_room.name, &[]).await;
                    let _ = new_room.reply.send(Ok(created));
                }
                Ok(_) => {
                    let payload = muc::set_affiliation(&new_room.members, "member");
                    let purpose = IqPurpose::Rooms(RoomIq::FirstMembers {
                        room: room.clone(),
                        new_room,
                    });
                    self.send_iq(Some(&room), IqKind::Set, payload, purpose)
                        .await;
                }
                Err(error) => {
                    if let Some(leave) = muc::leave(&room, &self.own) {
                        self.send(leave.into()).await.ok();
                    }
                    let _ = new_room.reply.send(Err(room_error(error)));
                }
            },
            RoomIq::FirstMembers { room, new_room } => {
                let NewRoom {
                    name,
                    members,
                    reply,
                } = new_room;
                let invited = if outcome.is_ok() { &members[..] } else { &[] };
                let created = self.finish_new_room(room, name, invited).await;
                let _ = reply.send(match outcome {
                    Ok(_) => Ok(created),
                    Err(error) => Err(CommandError::Network(format!(
                        "the room {} was created, but adding its members failed: {}",
                        created.jid,
                        room_error(error)
                    ))),
                });
            }
        }
    }
}

/// A room's refusal as the phone hears it: `item-not-found` means there is
/// no such room (any more).
pub(super) fn room_error(error: super::IqError) -> CommandError {
    error.or_not_found(CommandError::NoSuchItem("room"))
}
